/* Netlink through libnl-route-3: sockets bound to a namespace, link moves, MTU/MAC/up, addresses
 * and routes inside the container, and the PF-side VF settings. */
#ifndef SRIOV_HOOK_NL_H
#define SRIOV_HOOK_NL_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"

struct nl_sock;

/* A route socket in the caller's namespace. */
int sh_nl_open(struct nl_sock **sk, struct sh_error *err);
/* A route socket that talks to the namespace nsfd: connected while the thread sat there. */
int sh_nl_open_in(int nsfd, struct nl_sock **sk, struct sh_error *err);
void sh_nl_close(struct nl_sock *sk);
static inline void sh_nl_closep(struct nl_sock **sk)
{
	sh_nl_close(*sk);
}
#define _cleanup_nlsock_ __attribute__((cleanup(sh_nl_closep)))

struct sh_link {
	int ifindex;
	char name[IFNAMSIZ];
	uint8_t mac[6];
	unsigned mtu;
	bool up;
	unsigned n_addrs; /* filled by link_get_addrs only */
};

/* By ifindex (> 0) or else by name. -ENODEV when absent. */
int sh_link_get(struct nl_sock *sk, int ifindex, const char *name, struct sh_link *l, struct sh_error *err);
int sh_link_count_addrs(struct nl_sock *sk, int ifindex, unsigned *n, struct sh_error *err);
/* Moves the link into the namespace nsfd and renames it there, in one RTM_NEWLINK. */
int sh_link_move(struct nl_sock *sk, int ifindex, int nsfd, const char *newname, struct sh_error *err);
int sh_link_set_up(struct nl_sock *sk, int ifindex, bool up, struct sh_error *err);
int sh_link_set_mtu(struct nl_sock *sk, int ifindex, unsigned mtu, struct sh_error *err);
int sh_link_set_mac(struct nl_sock *sk, int ifindex, const uint8_t mac[6], struct sh_error *err);
int sh_link_set_name(struct nl_sock *sk, int ifindex, const char *name, struct sh_error *err);

#define SH_MAX_ALTNAMES 8
#define SH_ALTNAME_LEN 128 /* ALTIFNAMSIZ */
struct sh_altnames {
	char name[SH_MAX_ALTNAMES][SH_ALTNAME_LEN];
	size_t n;
};
int sh_link_get_altnames(struct nl_sock *sk, int ifindex, struct sh_altnames *out, struct sh_error *err);
int sh_link_del_altname(struct nl_sock *sk, int ifindex, const char *name, struct sh_error *err);

int sh_addr_add(struct nl_sock *sk, int ifindex, const struct sh_ip *ip, struct sh_error *err);
int sh_route_add_default(struct nl_sock *sk, int ifindex, const struct sh_ip *gw, struct sh_error *err);

/* Whether another device uses link ifindex: its master (bridge, bond, team, VRF; *is_master) or a
 * device stacked on it (VLAN, macvlan, ipvlan, ...). user gets that device's name, "" when none. */
int sh_link_user(struct nl_sock *sk, int ifindex, char user[IFNAMSIZ], bool *is_master, struct sh_error *err);
/* Whether the host uses link l, so that it must not be handed out: up with addresses of its own, a
 * port of a bridge or bond, or under a stacked device. 1 with why filled ("eth1 is a port of br0"),
 * 0 when free, or a negative errno. */
int sh_link_host_use(struct nl_sock *sk, const struct sh_link *l, char *why, size_t len, struct sh_error *err);

#endif
