/* Which way each part of a netdev's ethtool state goes to the kernel: the ethtool netlink family
 * first; SIOCETHTOOL for a part the family answers EOPNOTSUPP (a kernel older than the part's
 * message, or a driver without it) and for every part on a kernel without the family. A read or
 * restore that used ioctl says so in one line; with SH_ETHTOOL_ENV set, every one says its way. */
#include "sriov-hook/sys/ethtool.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/log.h"
#include "sriov-hook/sys/ethtool_ioctl.h"
#include "sriov-hook/sys/ethtool_nl.h"

/* Both ways for one read or restore: the family's socket (nl.sk NULL when not used, and why) and
 * the ioctl socket, opened when a part first needs it. */
struct ways {
	struct sh_ethnl nl;
	const char *no_netlink;
	int fd;
};

static void ways_close(struct ways *w)
{
	sh_ethnl_close(&w->nl);
	if (w->fd >= 0)
		close(w->fd);
}
#define _cleanup_ways_ __attribute__((cleanup(ways_close)))

static int ways_open(struct ways *w)
{
	const char *env = getenv(SH_ETHTOOL_ENV);
	int r;

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (env && !strcmp(env, "ioctl")) {
		w->no_netlink = "netlink off by " SH_ETHTOOL_ENV "=ioctl";
		return 0;
	}
	if ((r = sh_ethnl_open(&w->nl)) == -ENOENT) {
		w->no_netlink = "the kernel has no ethtool netlink family";
		return 0;
	}
	return r;
}

static int ioctl_fd(struct ways *w)
{
	if (w->fd < 0)
		w->fd = sh_ethtool_ioctl_socket();
	return w->fd;
}

/* "features,channels" for the parts in mask. */
static const char *part_list(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;
	int p;

	buf[0] = '\0';
	for (p = 0; p < SH_ETH_PART_COUNT && used < len; p++) {
		if (mask & (1u << p))
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
						 sh_ethtool_part_name(p));
	}
	return buf;
}

/* One line: "ethtool: eth1: read features through netlink, rings through ioctl (why)"; none for the
 * usual case, all through netlink, unless the tests' switch asks (it would be a line or two in the
 * log of every container start and stop). */
static void log_ways(const char *name, const char *verb, unsigned via_nl, unsigned via_ioctl, const char *why)
{
	char a[128], b[128];

	if (!via_ioctl && !getenv(SH_ETHTOOL_ENV))
		return;
	if (via_nl && via_ioctl)
		sh_log_msg(LOG_INFO, "ethtool: %s: %s %s through netlink, %s through ioctl (netlink: not supported)",
			   name, verb, part_list(via_nl, a, sizeof(a)), part_list(via_ioctl, b, sizeof(b)));
	else if (via_nl)
		sh_log_msg(LOG_INFO, "ethtool: %s: %s %s through netlink", name, verb,
			   part_list(via_nl, a, sizeof(a)));
	else if (via_ioctl)
		sh_log_msg(LOG_INFO, "ethtool: %s: %s %s through ioctl (%s)", name, verb,
			   part_list(via_ioctl, b, sizeof(b)), why ? why : "netlink: not supported");
}

/* A part the driver does not report, whichever way asked. */
static bool unsupported(int r)
{
	return r == -EOPNOTSUPP || r == -EINVAL || r == -E2BIG;
}

int sh_ethtool_read(int ifindex, const char *name, struct sh_ethtool_state *st, struct sh_error *err)
{
	_cleanup_ways_ struct ways w;
	unsigned via_nl = 0, via_ioctl = 0;
	int p, r;

	memset(st, 0, sizeof(*st));
	if ((r = ways_open(&w)) < 0)
		return sh_err_errno(err, -r, "ask the kernel for its ethtool netlink family");
	for (p = 0; p < SH_ETH_PART_COUNT; p++) {
		r = -EOPNOTSUPP;
		if (w.nl.sk && (r = sh_ethnl_read(&w.nl, ifindex, st, p)) == 0)
			via_nl |= 1u << p;
		if (r == -EOPNOTSUPP && (r = ioctl_fd(&w)) >= 0 && (r = sh_ethtool_ioctl_read(w.fd, name, st, p)) == 0)
			via_ioctl |= 1u << p;
		if (r == 0)
			st->have |= 1u << p;
		else if (!unsupported(r))
			return sh_err_errno(err, -r, "read ethtool %s of %s", sh_ethtool_part_name(p), name);
	}
	log_ways(name, "read", via_nl, via_ioctl, w.no_netlink);
	return 0;
}

int sh_ethtool_restore_part(int ifindex, const char *name, const struct sh_ethtool_state *want, enum sh_eth_part part,
			    struct sh_error *err)
{
	_cleanup_ways_ struct ways w;
	int r;

	if ((r = ways_open(&w)) < 0)
		return sh_err_errno(err, -r, "ask the kernel for its ethtool netlink family");
	r = -EOPNOTSUPP;
	if (w.nl.sk && (r = sh_ethnl_restore(&w.nl, ifindex, want, part)) == 0)
		log_ways(name, "set back", 1u << part, 0, NULL);
	if (r == -EOPNOTSUPP && (r = ioctl_fd(&w)) >= 0 && (r = sh_ethtool_ioctl_restore(w.fd, name, want, part)) == 0)
		log_ways(name, "set back", 0, 1u << part, w.no_netlink);
	return r < 0 ? sh_err_errno(err, -r, "set ethtool %s of %s back", sh_ethtool_part_name(part), name) : 0;
}
