/* The ethtool state through SIOCETHTOOL: each part read and written with its own GET/SET command, so
 * a driver that refuses one part leaves the others. The features are set back as requested bits,
 * limited to those the driver lets change. */
#include "sriov-hook/sys/ethtool_ioctl.h"

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

#include "sriov-hook/core/error.h"

static const uint32_t get_cmd[SH_ETH_PART_COUNT] = {
	[SH_ETH_FEATURES] = ETHTOOL_GFEATURES, [SH_ETH_RINGS] = ETHTOOL_GRINGPARAM,
	[SH_ETH_CHANNELS] = ETHTOOL_GCHANNELS, [SH_ETH_COALESCE] = ETHTOOL_GCOALESCE,
	[SH_ETH_PAUSE] = ETHTOOL_GPAUSEPARAM,  [SH_ETH_PRIVFLAGS] = ETHTOOL_GPFLAGS,
};
static const uint32_t set_cmd[SH_ETH_PART_COUNT] = {
	[SH_ETH_FEATURES] = ETHTOOL_SFEATURES, [SH_ETH_RINGS] = ETHTOOL_SRINGPARAM,
	[SH_ETH_CHANNELS] = ETHTOOL_SCHANNELS, [SH_ETH_COALESCE] = ETHTOOL_SCOALESCE,
	[SH_ETH_PAUSE] = ETHTOOL_SPAUSEPARAM,  [SH_ETH_PRIVFLAGS] = ETHTOOL_SPFLAGS,
};

_Static_assert(sizeof(struct ethtool_coalesce) == 4 * (1 + SH_ETH_COALESCE_WORDS), "coalesce words");
_Static_assert(sizeof(struct ethtool_ringparam) == 4 * (1 + 4 + 4), "ring words");
_Static_assert(sizeof(struct ethtool_channels) == 4 * (1 + 4 + 4), "channel words");

/* Where part's words start in its ioctl struct: after the command, and after the four maximums of
 * rings and channels. */
static size_t first_word(enum sh_eth_part part)
{
	return part == SH_ETH_RINGS || part == SH_ETH_CHANNELS ? 5 : 1;
}

/* On a netlink socket, which the hook's sandbox allows: the kernel hands socket ioctls a family
 * does not know (SIOCETHTOOL) to the device layer of the socket's namespace. */
int sh_ethtool_ioctl_socket(void)
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
	memset(st->features, 0, sizeof(st->features));
	memset(st->changeable, 0, sizeof(st->changeable));
	for (i = 0; i < n; i++) {
		st->features[i] = g->features[i].requested;
		st->changeable[i] = g->features[i].available & ~g->features[i].never_changed;
	}
	return 0;
}

int sh_ethtool_ioctl_read(int fd, const char *name, struct sh_ethtool_state *st, enum sh_eth_part part)
{
	uint32_t buf[1 + SH_ETH_COALESCE_WORDS] = {get_cmd[part]}, *w;
	size_t n;
	int r;

	if (part == SH_ETH_FEATURES)
		return read_features(fd, name, st);
	if ((r = ethtool_ioctl(fd, name, buf)) < 0)
		return r;
	w = sh_ethtool_part_words(st, part, &n);
	memcpy(w, buf + first_word(part), n * 4);
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

int sh_ethtool_ioctl_restore(int fd, const char *name, const struct sh_ethtool_state *want, enum sh_eth_part part)
{
	uint32_t buf[1 + SH_ETH_COALESCE_WORDS] = {get_cmd[part]}, *w;
	size_t n;
	int r;

	if (part == SH_ETH_FEATURES)
		return restore_features(fd, name, want);
	/* the current values first, so that the maximums and what the state does not keep stay */
	if ((r = ethtool_ioctl(fd, name, buf)) < 0)
		return r;
	w = sh_ethtool_part_words((struct sh_ethtool_state *)want, part, &n);
	memcpy(buf + first_word(part), w, n * 4);
	buf[0] = set_cmd[part];
	return ethtool_ioctl(fd, name, buf);
}
