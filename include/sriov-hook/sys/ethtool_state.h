/* The ethtool state a holder of a VF can change from its namespace (offload features, ring sizes,
 * channels, interrupt coalescing, pause, private flags) as plain words: the layout both ways to the
 * kernel fill (sys/ethtool_nl.c, sys/ethtool_ioctl.c) and the claim record keeps by part name. */
#ifndef SRIOV_HOOK_ETHTOOL_STATE_H
#define SRIOV_HOOK_ETHTOOL_STATE_H

#include <stddef.h>
#include <stdint.h>

#define SH_ETH_FEATURE_WORDS 8 /* 256 features: the kernel has about 70 */
#define SH_ETH_COALESCE_WORDS 22

/* One part of the state. Records name parts (sh_ethtool_part_name), never by this number. */
enum sh_eth_part {
	SH_ETH_FEATURES,
	SH_ETH_RINGS,
	SH_ETH_CHANNELS,
	SH_ETH_COALESCE,
	SH_ETH_PAUSE,
	SH_ETH_PRIVFLAGS,
	SH_ETH_PART_COUNT,
};

/* The words of each part are those of its SIOCETHTOOL struct after the command (after the maximums
 * for rings and channels), which every record written so far holds. */
struct sh_ethtool_state {
	unsigned have; /* bit (1 << part) for each part the driver reported */
	/* features: the requested bits, and which of them the driver lets anyone change */
	uint32_t features[SH_ETH_FEATURE_WORDS], changeable[SH_ETH_FEATURE_WORDS];
	uint32_t rings[4];    /* rx, rx_mini, rx_jumbo, tx pending */
	uint32_t channels[4]; /* rx, tx, other, combined count */
	uint32_t coalesce[SH_ETH_COALESCE_WORDS];
	uint32_t pause[3]; /* autoneg, rx, tx */
	uint32_t privflags[1];
};

/* The part's name as ethtool(8) users know it ("features", "rings", ...), and its words in st
 * (*n words at the returned address). */
const char *sh_ethtool_part_name(enum sh_eth_part part);
uint32_t *sh_ethtool_part_words(struct sh_ethtool_state *st, enum sh_eth_part part, size_t *n);
/* Whether word i of part differs between want and now where it counts (features: only the bits
 * want's driver let change). */
int sh_ethtool_word_differs(const struct sh_ethtool_state *want, const struct sh_ethtool_state *now,
			    enum sh_eth_part part, size_t i);
/* Whether part differs between want and now (parts either lacks are equal). */
int sh_ethtool_part_differs(const struct sh_ethtool_state *want, const struct sh_ethtool_state *now,
			    enum sh_eth_part part);

#endif
