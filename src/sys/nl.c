/* Netlink sockets and link, address and route operations through libnl-route-3. Sockets are
 * bound to a namespace when connected, so the hook never stays in the container's namespace. */
#define _GNU_SOURCE
#include "sriov-hook/sys/nl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_arp.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/sys/nl-internal.h"

/* libnl's error codes, as the errno users know from ip(8). */
int sh_nl_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case NLE_EXIST:
		return EEXIST;
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return ENODEV;
	case NLE_OPNOTSUPP:
		return EOPNOTSUPP;
	case NLE_PERM:
		return EPERM;
	case NLE_RANGE:
		return ERANGE;
	case NLE_BUSY:
		return EBUSY;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_PROTO_MISMATCH:
		return EPROTONOSUPPORT;
	case NLE_NOADDR:
		return EADDRNOTAVAIL;
	case NLE_INVAL:
		return EINVAL;
	default:
		return EIO;
	}
}

int sh_nl_err(struct sh_error *err, int nle, const char *fmt, ...)
{
	char msg[SH_ERR_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int e = sh_nl_errno(nle);

	/* The kernel's errno reads as users know it from ip(8); libnl's own text only where it has
	 * no errno. */
	return sh_err(err, e, "%s: %s", msg, e == EIO ? nl_geterror(nle) : strerror(e));
}

int sh_nl_open(struct nl_sock **out, struct sh_error *err)
{
	_cleanup_nlsock_ struct nl_sock *sk = nl_socket_alloc();
	int r;

	*out = NULL;
	if (!sk)
		return sh_err(err, ENOMEM, "allocate netlink socket");
	if ((r = nl_connect(sk, NETLINK_ROUTE)) < 0)
		return sh_nl_err(err, r, "connect netlink socket");
	*out = sh_steal_ptr(&sk);
	return 0;
}

int sh_nl_open_in(int nsfd, struct nl_sock **sk, struct sh_error *err)
{
	_cleanup_close_ int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int r;

	if (self < 0)
		return sh_err_errno(err, errno, "open own network namespace");
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return sh_err_errno(err, errno, "enter the container network namespace");
	r = sh_nl_open(sk, err);
	if (setns(self, CLONE_NEWNET) < 0) {
		/* Staying in the container's namespace would make every later step wrong. */
		fprintf(stderr, "sriov-hook: cannot return to the host network namespace: %s\n", strerror(errno));
		abort();
	}
	return r;
}

void sh_nl_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

static void link_fill(struct rtnl_link *link, struct sh_link *l)
{
	struct nl_addr *addr = rtnl_link_get_addr(link);

	memset(l, 0, sizeof(*l));
	l->ifindex = rtnl_link_get_ifindex(link);
	snprintf(l->name, sizeof(l->name), "%s", rtnl_link_get_name(link) ? rtnl_link_get_name(link) : "");
	if (addr && nl_addr_get_len(addr) == 6)
		memcpy(l->mac, nl_addr_get_binary_addr(addr), 6);
	l->mtu = rtnl_link_get_mtu(link);
	l->up = rtnl_link_get_flags(link) & IFF_UP;
}

int sh_link_get(struct nl_sock *sk, int ifindex, const char *name, struct sh_link *l, struct sh_error *err)
{
	struct rtnl_link *link = NULL;
	int r = rtnl_link_get_kernel(sk, ifindex, ifindex > 0 ? NULL : name, &link);

	if (r < 0) {
		if (ifindex > 0)
			return sh_nl_err(err, r, "look up interface %d", ifindex);
		return sh_nl_err(err, r, "look up interface %s", name);
	}
	link_fill(link, l);
	rtnl_link_put(link);
	return 0;
}

/* Applies the attributes set on change to the link ifindex. */
int sh_link_change(struct nl_sock *sk, int ifindex, struct rtnl_link *change)
{
	struct rtnl_link *orig = rtnl_link_alloc();
	int r;

	if (!orig)
		return -NLE_NOMEM;
	/* rtnl_link_change addresses the device by orig's ifindex (never by a name, which change
	 * may be replacing): no need to fetch the whole link, VF info included, from the kernel. */
	rtnl_link_set_ifindex(orig, ifindex);
	r = rtnl_link_change(sk, orig, change, 0);
	rtnl_link_put(orig);
	return r;
}

int sh_link_move(struct nl_sock *sk, int ifindex, int nsfd, const char *newname, struct sh_error *err)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (!change)
		return sh_err(err, ENOMEM, "out of memory");
	rtnl_link_set_ns_fd(change, nsfd);
	rtnl_link_set_name(change, newname);
	r = sh_link_change(sk, ifindex, change);
	rtnl_link_put(change);
	return r < 0 ? sh_nl_err(err, r, "move interface %d into the namespace as %s", ifindex, newname) : 0;
}

int sh_link_set_up(struct nl_sock *sk, int ifindex, bool up, struct sh_error *err)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (!change)
		return sh_err(err, ENOMEM, "out of memory");
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	r = sh_link_change(sk, ifindex, change);
	rtnl_link_put(change);
	return r < 0 ? sh_nl_err(err, r, "set interface %d %s", ifindex, up ? "up" : "down") : 0;
}

int sh_link_set_mtu(struct nl_sock *sk, int ifindex, unsigned mtu, struct sh_error *err)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (!change)
		return sh_err(err, ENOMEM, "out of memory");
	rtnl_link_set_mtu(change, mtu);
	r = sh_link_change(sk, ifindex, change);
	rtnl_link_put(change);
	return r < 0 ? sh_nl_err(err, r, "set MTU %u", mtu) : 0;
}

int sh_link_set_mac(struct nl_sock *sk, int ifindex, const uint8_t mac[6], struct sh_error *err)
{
	struct rtnl_link *change = rtnl_link_alloc();
	struct nl_addr *addr = nl_addr_build(AF_LLC, mac, 6);
	char buf[18];
	int r = -NLE_NOMEM;

	if (change && addr) {
		rtnl_link_set_addr(change, addr);
		r = sh_link_change(sk, ifindex, change);
	}
	nl_addr_put(addr);
	rtnl_link_put(change);
	return r < 0 ? sh_nl_err(err, r, "set MAC %s", sh_format_mac(mac, buf)) : 0;
}

int sh_link_set_name(struct nl_sock *sk, int ifindex, const char *name, struct sh_error *err)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int r;

	if (!change)
		return sh_err(err, ENOMEM, "out of memory");
	rtnl_link_set_name(change, name);
	r = sh_link_change(sk, ifindex, change);
	rtnl_link_put(change);
	return r < 0 ? sh_nl_err(err, r, "rename interface %d to %s", ifindex, name) : 0;
}

struct addr_count {
	int ifindex;
	unsigned n;
};

static void count_addr(struct nl_object *obj, void *data)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct addr_count *c = data;

	/* Link-local addresses come with every up interface; only others show the host uses it. */
	if (rtnl_addr_get_ifindex(a) == c->ifindex && rtnl_addr_get_scope(a) < RT_SCOPE_LINK)
		c->n++;
}

int sh_link_count_addrs(struct nl_sock *sk, int ifindex, unsigned *n, struct sh_error *err)
{
	struct nl_cache *cache = NULL;
	struct addr_count c = {.ifindex = ifindex};
	int r = rtnl_addr_alloc_cache(sk, &cache);

	if (r < 0)
		return sh_nl_err(err, r, "list addresses");
	nl_cache_foreach(cache, count_addr, &c);
	nl_cache_free(cache);
	*n = c.n;
	return 0;
}

static struct nl_addr *ip_to_nl(const struct sh_ip *ip, unsigned prefix)
{
	struct nl_addr *a = nl_addr_build(ip->family, &ip->a, ip->family == AF_INET ? 4 : 16);

	if (a)
		nl_addr_set_prefixlen(a, prefix);
	return a;
}

int sh_addr_add(struct nl_sock *sk, int ifindex, const struct sh_ip *ip, struct sh_error *err)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = ip_to_nl(ip, ip->prefix);
	char buf[64];
	int r = -NLE_NOMEM;

	if (addr && local) {
		rtnl_addr_set_ifindex(addr, ifindex);
		rtnl_addr_set_family(addr, ip->family);
		rtnl_addr_set_local(addr, local);
		/* The container starts right away: its IPv6 address must not wait for DAD. */
		if (ip->family == AF_INET6)
			rtnl_addr_set_flags(addr, IFA_F_NODAD);
		r = rtnl_addr_add(sk, addr, 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(addr);
	return r < 0 ? sh_nl_err(err, r, "add address %s", sh_format_ip(ip, buf, sizeof(buf))) : 0;
}

int sh_route_add_default(struct nl_sock *sk, int ifindex, const struct sh_ip *gw, struct sh_error *err)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct sh_ip any = {.family = gw->family};
	struct nl_addr *dst = ip_to_nl(&any, 0), *via = ip_to_nl(gw, gw->family == AF_INET ? 32 : 128);
	char buf[64];
	int r = -NLE_NOMEM;

	if (route && nh && dst && via) {
		rtnl_route_set_family(route, gw->family);
		rtnl_route_set_table(route, RT_TABLE_MAIN);
		rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
		rtnl_route_set_protocol(route, RTPROT_BOOT);
		rtnl_route_set_type(route, RTN_UNICAST);
		rtnl_route_set_dst(route, dst);
		rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_nh_set_gateway(nh, via);
		rtnl_route_add_nexthop(route, sh_steal_ptr(&nh)); /* route owns it now */
		r = rtnl_route_add(sk, route, NLM_F_EXCL);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	nl_addr_put(via);
	rtnl_route_put(route);
	return r < 0 ? sh_nl_err(err, r, "add default route via %s", sh_format_ip(gw, buf, sizeof(buf))) : 0;
}

struct link_user {
	int ifindex, master;
	char *user;
};

static int link_user_parse(struct nl_msg *msg, void *data)
{
	struct link_user *u = data;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	struct ifinfomsg *ifi = nlmsg_data(h);

	if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return NL_OK;
	if (ifi->ifi_index == u->ifindex) {
		if (tb[IFLA_MASTER])
			u->master = (int)nla_get_u32(tb[IFLA_MASTER]);
		return NL_OK;
	}
	/* A device on top names the link it sits on (IFLA_LINK, in this namespace); a veth's names
	 * its peer, which is no user. */
	if (u->user[0] || !tb[IFLA_LINK] || tb[IFLA_LINK_NETNSID] || !tb[IFLA_IFNAME] ||
	    (int)nla_get_u32(tb[IFLA_LINK]) != u->ifindex)
		return NL_OK;
	if (tb[IFLA_LINKINFO] && nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 &&
	    info[IFLA_INFO_KIND] && !strcmp(nla_get_string(info[IFLA_INFO_KIND]), "veth"))
		return NL_OK;
	snprintf(u->user, IFNAMSIZ, "%s", nla_get_string(tb[IFLA_IFNAME]));
	return NL_OK;
}

int sh_link_user(struct nl_sock *sk, int ifindex, char user[IFNAMSIZ], bool *is_master, struct sh_error *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct link_user u = {.ifindex = ifindex, .user = user};
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct sh_link master;
	int r, tries;

	user[0] = '\0';
	*is_master = false;
	if (!cb)
		return sh_err(err, ENOMEM, "out of memory");
	/* A plain dump, without VF info: every link, cheaply. Links that change meanwhile (a namespace
	 * going away) interrupt it: start again. */
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, link_user_parse, &u);
	for (tries = 0; tries < 8; tries++) {
		u.master = 0;
		user[0] = '\0';
		r = nl_send_simple(sk, RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi));
		if (r >= 0)
			r = nl_recvmsgs(sk, cb);
		if (r != -NLE_DUMP_INTR)
			break;
	}
	nl_cb_put(cb);
	if (r < 0)
		return sh_nl_err(err, r, "list interfaces");
	if (u.master > 0) {
		if ((r = sh_link_get(sk, u.master, NULL, &master, err)) < 0)
			return r;
		snprintf(user, IFNAMSIZ, "%s", master.name);
		*is_master = true;
	}
	return 0;
}

int sh_link_host_use(struct nl_sock *sk, const struct sh_link *l, char *why, size_t len, struct sh_error *err)
{
	char user[IFNAMSIZ];
	bool is_master;
	unsigned naddrs;
	int r;

	if ((r = sh_link_count_addrs(sk, l->ifindex, &naddrs, err)) < 0)
		return r;
	if (l->up && naddrs) {
		snprintf(why, len, "%s is up with addresses", l->name);
		return 1;
	}
	if ((r = sh_link_user(sk, l->ifindex, user, &is_master, err)) < 0)
		return r;
	if (user[0])
		snprintf(why, len, is_master ? "%s is a port of %s" : "%s has %s on top of it", l->name, user);
	return user[0] != '\0';
}
