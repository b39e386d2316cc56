/* The parts of the ethtool state, their words and how two states compare: a table with one row
 * per part, shared by the netlink and ioctl paths and by the record. */
#include "sriov-hook/sys/ethtool_state.h"

#include <string.h>

struct part {
	const char *name;
	size_t off, words; /* the words in struct sh_ethtool_state */
};

#define WORDS(member) offsetof(struct sh_ethtool_state, member), sizeof(((struct sh_ethtool_state *)0)->member) / 4

static const struct part parts[SH_ETH_PART_COUNT] = {
	[SH_ETH_FEATURES] = {"features", WORDS(features)}, [SH_ETH_RINGS] = {"rings", WORDS(rings)},
	[SH_ETH_CHANNELS] = {"channels", WORDS(channels)}, [SH_ETH_COALESCE] = {"coalesce", WORDS(coalesce)},
	[SH_ETH_PAUSE] = {"pause", WORDS(pause)},	   [SH_ETH_PRIVFLAGS] = {"private-flags", WORDS(privflags)},
};

const char *sh_ethtool_part_name(enum sh_eth_part part)
{
	return (size_t)part < SH_ETH_PART_COUNT ? parts[part].name : "?";
}

uint32_t *sh_ethtool_part_words(struct sh_ethtool_state *st, enum sh_eth_part part, size_t *n)
{
	*n = parts[part].words;
	return (uint32_t *)((char *)st + parts[part].off);
}

int sh_ethtool_word_differs(const struct sh_ethtool_state *want, const struct sh_ethtool_state *now,
			    enum sh_eth_part part, size_t i)
{
	size_t n;
	const uint32_t *a = sh_ethtool_part_words((struct sh_ethtool_state *)want, part, &n);
	const uint32_t *b = sh_ethtool_part_words((struct sh_ethtool_state *)now, part, &n);
	uint32_t mask = part == SH_ETH_FEATURES ? want->changeable[i] : ~0u;

	return i < n && ((a[i] ^ b[i]) & mask);
}

int sh_ethtool_part_differs(const struct sh_ethtool_state *want, const struct sh_ethtool_state *now,
			    enum sh_eth_part part)
{
	size_t n, i;

	if (!(want->have & now->have & (1u << part)))
		return 0;
	sh_ethtool_part_words((struct sh_ethtool_state *)want, part, &n);
	for (i = 0; i < n; i++) {
		if (sh_ethtool_word_differs(want, now, part, i))
			return 1;
	}
	return 0;
}
