/* The floor: only the kernel work sriov-hook does for one VF, through the same library (libnl-route-3),
 * as one process per stage like the hook. No parsing, no claim, no pin, no checks: the cost no hook can
 * go under.
 *
 *   floor in  <host-name> <netns-path> <name-in-netns> <cidr>   move+rename (one RTM_NEWLINK), address, up
 *   floor out <netns-path> <name-in-netns> <host-name>          move back + rename (one RTM_NEWLINK)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what, int nlerr)
{
	fprintf(stderr, "floor: %s: %s\n", what, nl_geterror(nlerr));
	exit(1);
}

static void die_errno(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct nl_sock *route_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		die("nl_socket_alloc", -NLE_NOMEM);
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0)
		die("nl_connect", r);
	return sk;
}

/* One RTM_NEWLINK carrying IFLA_NET_NS_FD and IFLA_IFNAME. The device is named by ifindex: libnl's
 * rtnl_link_change() identifies it by orig's ifindex, so no RTM_GETLINK round trip is needed. */
static void move_rename(struct nl_sock *sk, int ifindex, int nsfd, const char *newname)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *change = rtnl_link_alloc();
	int r;

	if (!orig || !change)
		die("rtnl_link_alloc", -NLE_NOMEM);
	rtnl_link_set_ifindex(orig, ifindex);
	rtnl_link_set_ns_fd(change, nsfd);
	rtnl_link_set_name(change, newname);
	r = rtnl_link_change(sk, orig, change, 0);
	if (r < 0)
		die("move", r);
	rtnl_link_put(orig);
	rtnl_link_put(change);
}

static int index_of(const char *name)
{
	int ifindex = (int)if_nametoindex(name);

	if (ifindex <= 0)
		die_errno(name);
	return ifindex;
}

static void stage_in(const char *host_name, const char *ns_path, const char *name, const char *cidr)
{
	struct nl_sock *host, *cont;
	struct rtnl_link *orig, *change;
	struct rtnl_addr *addr;
	struct nl_addr *local;
	int nsfd, ifindex, r;

	nsfd = open(ns_path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		die_errno(ns_path);
	host = route_socket();
	move_rename(host, index_of(host_name), nsfd, name);

	/* The rest happens in the container's namespace; the floor need not come back. */
	if (setns(nsfd, CLONE_NEWNET) < 0)
		die_errno("setns");
	cont = route_socket();
	ifindex = index_of(name);

	r = nl_addr_parse(cidr, AF_UNSPEC, &local);
	if (r < 0)
		die(cidr, r);
	addr = rtnl_addr_alloc();
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_local(addr, local);
	r = rtnl_addr_add(cont, addr, 0);
	if (r < 0)
		die("address", r);

	orig = rtnl_link_alloc();
	change = rtnl_link_alloc();
	rtnl_link_set_ifindex(orig, ifindex);
	rtnl_link_set_flags(change, IFF_UP);
	r = rtnl_link_change(cont, orig, change, 0);
	if (r < 0)
		die("up", r);

	rtnl_link_put(orig);
	rtnl_link_put(change);
	rtnl_addr_put(addr);
	nl_addr_put(local);
	nl_socket_free(cont);
	nl_socket_free(host);
	close(nsfd);
}

static void stage_out(const char *ns_path, const char *name, const char *host_name)
{
	struct nl_sock *cont;
	int hostfd, nsfd;

	hostfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (hostfd < 0)
		die_errno("/proc/self/ns/net");
	nsfd = open(ns_path, O_RDONLY | O_CLOEXEC);
	if (nsfd < 0)
		die_errno(ns_path);
	if (setns(nsfd, CLONE_NEWNET) < 0)
		die_errno("setns");
	cont = route_socket();
	/* The kernel takes the device down and drops its addresses as it leaves the namespace. */
	move_rename(cont, index_of(name), hostfd, host_name);
	nl_socket_free(cont);
	close(nsfd);
	close(hostfd);
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "in") == 0)
		stage_in(argv[2], argv[3], argv[4], argv[5]);
	else if (argc == 5 && strcmp(argv[1], "out") == 0)
		stage_out(argv[2], argv[3], argv[4]);
	else {
		fprintf(stderr, "usage: floor in <host-name> <netns-path> <name-in-netns> <cidr>\n"
				"       floor out <netns-path> <name-in-netns> <host-name>\n");
		return 2;
	}
	return 0;
}
