/* The ethtool state of a netdev through SIOCETHTOOL: one table row per part, each read and written
 * with its own GET/SET command, so a driver that refuses one part leaves the others. The features
 * are set back as requested bits, limited to those the driver lets change. */
#include "sriov-hook/sys/ethtool.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sriov-hook/core/fileio.h"

struct part {
	const char *name;
	uint32_t get, set;
	size_t off, words; /* the words in struct sh_ethtool_state */
};

#define WORDS(member) offsetof(struct sh_ethtool_state, member), sizeof(((struct sh_ethtool_state *)0)->member) / 4

static const struct part parts[SH_ETH_PART_COUNT] = {
	[SH_ETH_FEATURES] = {"features", ETHTOOL_GFEATURES, ETHTOOL_SFEATURES, WORDS(features)},
	[SH_ETH_RINGS] = {"rings", ETHTOOL_GRINGPARAM, ETHTOOL_SRINGPARAM, WORDS(rings)},
	[SH_ETH_CHANNELS] = {"channels", ETHTOOL_GCHANNELS, ETHTOOL_SCHANNELS, WORDS(channels)},
	[SH_ETH_COALESCE] = {"coalesce", ETHTOOL_GCOALESCE, ETHTOOL_SCOALESCE, WORDS(coalesce)},
	[SH_ETH_PAUSE] = {"pause", ETHTOOL_GPAUSEPARAM, ETHTOOL_SPAUSEPARAM, WORDS(pause)},
	[SH_ETH_PRIVFLAGS] = {"private-flags", ETHTOOL_GPFLAGS, ETHTOOL_SPFLAGS, WORDS(privflags)},
};

_Static_assert(sizeof(struct ethtool_coalesce) == 4 * (1 + SH_ETH_COALESCE_WORDS), "coalesce words");

const char *sh_ethtool_part_name(enum sh_eth_part part)
{
	return (size_t)part < SH_ETH_PART_COUNT ? parts[part].name : "?";
}

uint32_t *sh_ethtool_part_words(struct sh_ethtool_state *st, enum sh_eth_part part, size_t *n)
{
	*n = parts[part].words;
	return (uint32_t *)((char *)st + parts[part].off);
}

/* On a netlink socket, which the hook's sandbox allows: the kernel hands socket ioctls a family
 * does not know (SIOCETHTOOL) to the device layer of the socket's namespace. */
static int ethtool_socket(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	return fd < 0 ? -errno : fd;
}

static int ethtool_ioctl(int fd, const char *name, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

/* The number of feature words the kernel has (ETH_SS_FEATURES strings / 32). */
static int feature_words(int fd, const char *name, uint32_t *n)
{
	/* The kernel's structs end in flexible arrays: each request is one allocation of the header and
	 * the words that follow it. */
	_cleanup_free_ struct ethtool_sset_info *info = calloc(1, sizeof(*info) + sizeof(uint32_t));
	int r;

	if (!info)
		return -ENOMEM;
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_FEATURES;
	if ((r = ethtool_ioctl(fd, name, info)) < 0)
		return r;
	if (!info->sset_mask)
		return -EOPNOTSUPP;
	*n = (info->data[0] + 31) / 32;
	return *n > SH_ETH_FEATURE_WORDS ? -E2BIG : 0;
}

static int read_features(int fd, const char *name, struct sh_ethtool_state *st)
{
	_cleanup_free_ struct ethtool_gfeatures *g = NULL;
	uint32_t n, i;
	int r;

	if ((r = feature_words(fd, name, &n)) < 0)
		return r;
	if (!(g = calloc(1, sizeof(*g) + n * sizeof(g->features[0]))))
		return -ENOMEM;
	g->cmd = ETHTOOL_GFEATURES;
	g->size = n;
	if ((r = ethtool_ioctl(fd, name, g)) < 0)
		return r;
	for (i = 0; i < n; i++) {
		st->features[i] = g->features[i].requested;
		st->changeable[i] = g->features[i].available & ~g->features[i].never_changed;
	}
	return 0;
}

static int read_part(int fd, const char *name, struct sh_ethtool_state *st, enum sh_eth_part p)
{
	uint32_t buf[1 + SH_ETH_COALESCE_WORDS] = {parts[p].get}, *w;
	size_t n;
	int r;

	if (p == SH_ETH_FEATURES)
		return read_features(fd, name, st);
	if ((r = ethtool_ioctl(fd, name, buf)) < 0)
		return r;
	w = sh_ethtool_part_words(st, p, &n);
	if (p == SH_ETH_RINGS)
		memcpy(w, buf + 5, 4 * 4); /* after the four maximums */
	else if (p == SH_ETH_CHANNELS)
		memcpy(w, buf + 5, 4 * 4); /* likewise */
	else
		memcpy(w, buf + 1, n * 4);
	return 0;
}

int sh_ethtool_read(const char *name, struct sh_ethtool_state *st, struct sh_error *err)
{
	_cleanup_close_ int fd = ethtool_socket();
	int p, r;

	memset(st, 0, sizeof(*st));
	if (fd < 0)
		return sh_err_errno(err, -fd, "open a socket for ethtool");
	for (p = 0; p < SH_ETH_PART_COUNT; p++) {
		r = read_part(fd, name, st, p);
		if (r == 0)
			st->have |= 1u << p;
		else if (r != -EOPNOTSUPP && r != -EINVAL && r != -E2BIG)
			return sh_err_errno(err, -r, "read ethtool %s of %s", parts[p].name, name);
	}
	return 0;
}

int sh_ethtool_part_differs(const struct sh_ethtool_state *want, const struct sh_ethtool_state *now,
			    enum sh_eth_part part)
{
	size_t n, i;
	const uint32_t *a = sh_ethtool_part_words((struct sh_ethtool_state *)want, part, &n);
	const uint32_t *b = sh_ethtool_part_words((struct sh_ethtool_state *)now, part, &n);

	if (!(want->have & now->have & (1u << part)))
		return 0;
	for (i = 0; i < n; i++) {
		uint32_t mask = part == SH_ETH_FEATURES ? want->changeable[i] : ~0u;

		if ((a[i] ^ b[i]) & mask)
			return 1;
	}
	return 0;
}

static int restore_features(int fd, const char *name, const struct sh_ethtool_state *want)
{
	_cleanup_free_ struct ethtool_sfeatures *s = NULL;
	uint32_t n, i;
	int r;

	if ((r = feature_words(fd, name, &n)) < 0)
		return r;
	if (!(s = calloc(1, sizeof(*s) + n * sizeof(s->features[0]))))
		return -ENOMEM;
	s->cmd = ETHTOOL_SFEATURES;
	s->size = n;
	for (i = 0; i < n; i++) {
		s->features[i].valid = want->changeable[i];
		s->features[i].requested = want->features[i] & want->changeable[i];
	}
	/* Features the kernel could not set as asked (ETHTOOL_F_WISH) are not an error here: the
	 * caller reads them back and names what still differs. */
	return ethtool_ioctl(fd, name, s);
}

int sh_ethtool_restore_part(const char *name, const struct sh_ethtool_state *want, enum sh_eth_part part,
			    struct sh_error *err)
{
	uint32_t buf[1 + SH_ETH_COALESCE_WORDS] = {parts[part].get}, *w;
	_cleanup_close_ int fd = ethtool_socket();
	size_t n;
	int r;

	if (fd < 0)
		r = fd;
	else if (part == SH_ETH_FEATURES)
		r = restore_features(fd, name, want);
	else if ((r = ethtool_ioctl(fd, name, buf)) == 0) {
		/* the current values, so that the maximums and what the table does not keep stay */
		w = sh_ethtool_part_words((struct sh_ethtool_state *)want, part, &n);
		memcpy(part == SH_ETH_RINGS || part == SH_ETH_CHANNELS ? buf + 5 : buf + 1, w, n * 4);
		buf[0] = parts[part].set;
		r = ethtool_ioctl(fd, name, buf);
	}
	return r < 0 ? sh_err_errno(err, -r, "set ethtool %s of %s back", parts[part].name, name) : 0;
}
