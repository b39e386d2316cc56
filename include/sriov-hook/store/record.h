/* The claim record: what the store keeps for each claimed VF (who holds it, where it went, what to
 * put back) and its on-disk format, a versioned JSON object read tolerantly so that records written
 * by an earlier release are still released by a later one; and what a record says of its holder
 * (gone, stale, the one asking). Only sh_record_holder_gone and sh_record_pid_readable look at the
 * system (/proc). */
#ifndef SRIOV_HOOK_RECORD_H
#define SRIOV_HOOK_RECORD_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/sys/linkstate.h"

/* Room for io.sriov.ip's addresses as text, in a record. */
#define SH_MAX_ADDRS_TEXT 1024

/* The format written; version 1 (no "version" key) is the first release's. Version 3 names the
 * changed settings ("knobs": ["vlan", "qos", ...]) where 1 and 2 wrote enum sh_knob's bits. */
#define SH_RECORD_VERSION 3

enum sh_record_phase {
	SH_PHASE_ATTACHING, /* a hook is giving the VF to the container: if it died, the claim is stale */
	SH_PHASE_ATTACHED,  /* the container has the VF */
	SH_PHASE_RETURNING, /* released, but the VF was not back on the host: the next poststop, claim
			     * or gc finishes the job */
};

/* Another container of the namespace that asked for the same device (a pod's sidecar, a restarted
 * container): it holds the VF too, which leaves the pod with the last of its holders. */
#define SH_RECORD_SHARERS 8
struct sh_sharer {
	char id[SH_ID_MAX + 1];
	int pid; /* its init at createRuntime, 0 unknown (never taken for gone) */
	unsigned long long pid_start;
};

struct sh_record {
	/* The holder: container id and name, and its identity (init process, network namespace). */
	char id[SH_ID_MAX + 1];
	char name[SH_NAME_MAX + 1]; /* "" when the runtime gave none */
	enum sh_record_phase phase;
	int slot;		      /* the request slot (io.sriov.<N>.*) it answers, -1 unknown */
	char device[96];	      /* the CDI device whose hook claimed it ("pf=ens1f0 vf=0"), "" none */
	long long since;	      /* claim time, seconds since the epoch; 0 unknown */
	char bundle[PATH_MAX];	      /* the OCI bundle, as the runtime named it; "" unknown (v1) */
	int pid;		      /* container init pid at createRuntime, 0 if unknown */
	unsigned long long pid_start; /* its start time (/proc/<pid>/stat field 22) */
	uint64_t netns_dev, netns_ino;
	/* The PID namespace pid is a number in (the hook's); 0, 0 in records older than the field,
	 * whose hooks ran in the host's. */
	uint64_t pidns_dev, pidns_ino;
	/* The netns pin, relative to state_dir ("netns/<name>"); "" when none. Version 1 wrote an
	 * absolute path: the store makes it relative when it reads one. */
	char pin[PATH_MAX];

	char pf_name[IFNAMSIZ];
	char pf_pci[SH_PCI_LEN];
	int pf_ifindex;
	unsigned vf_index;
	char vf_pci[SH_PCI_LEN];

	/* vfio: the VF is the container's through vfio-pci (no netdev moves). driver: the driver to
	 * bind it back to on release, "" when it stays on vfio-pci (it was there before the claim).
	 * iommu_group: its IOMMU group, -1 unknown. */
	enum sh_vf_mode mode;
	enum sh_release_mode release; /* unset in older records: restore */
	char driver[64];
	int iommu_group;
	/* A VF of the IOMMU group of VF group_of, claimed with it because whoever opens the group
	 * reaches every VF in it: released with it, never handed out alone. "" for a VF claimed for
	 * itself. */
	char group_of[SH_PCI_LEN];

	/* The VF netdev on the host before the claim ("" for a vfio VF that had none). */
	char host_name[IFNAMSIZ];
	int host_ifindex;
	uint8_t host_mac[6]; /* all zero: unknown, left as it is */
	unsigned host_mtu;   /* 0: unknown, left as it is */
	bool host_up;
	bool altnames_known;	    /* false: the record lists no altnames, none are dropped */
	char host_altnames[8][128]; /* its alternative names: others found on return are dropped */
	size_t n_host_altnames;
	/* What else a holder can change on the netdev (flags, alias, XDP, qdiscs, ethtool ...), as
	 * it was before the claim; known false in records older than it (nothing is compared). */
	struct sh_netdev_state host_state;

	/* Inside the container. The setup asked for (MTU, addresses and default routes as
	 * comma-separated lists) lets sriovctl heal redo it when a PF reset destroyed the netdev. */
	char cont_name[IFNAMSIZ];
	int cont_ifindex;
	unsigned cont_mtu; /* 0: left as it was */
	char cont_ip[SH_MAX_ADDRS_TEXT];
	char cont_gateway[128];
	long long lost_since; /* when sriovctl heal found the netdev gone from the container; 0 not */

	/* PF-side settings: the knobs the claim changes (SH_KNOB_BIT), their values before it, and the
	 * values it set. */
	unsigned knobs;
	struct sh_vf_cfg orig, applied;
	/* The other holders, and whether the first (id) has had its poststop while they remained. */
	struct sh_sharer sharers[SH_RECORD_SHARERS];
	size_t n_sharers;
	bool holder_left;
};

/* A record as read from disk: unknown keys are ignored, optional ones default, the version is
 * checked. Fills err ("claim record: ...") on failure. */
int sh_record_parse(const char *json, struct sh_record *r, struct sh_error *err);
/* The record as JSON, in the current version, in a malloc'd string. -ENOMEM or -EINVAL (a value
 * that the parser would refuse, so nothing unreadable is ever written). */
int sh_record_format(const struct sh_record *r, char **out);
const char *sh_record_phase_name(enum sh_record_phase phase);

/* The parts of a record that other files of the store keep too (the baseline, baseline.h), in
 * the record's spelling: a netdev's state and PF-side settings as JSON, and read back. */
struct sh_jgen;
struct yajl_val_s; /* yajl_val */
void sh_netdev_state_gen_json(struct sh_jgen *j, const struct sh_netdev_state *st);
int sh_netdev_state_parse_json(struct yajl_val_s *v, struct sh_netdev_state *st);
int sh_vf_cfg_parse_json(struct yajl_val_s *v, struct sh_vf_cfg *cfg);

/* Keeps the container-side setup (MTU, addresses, default routes) in r: what sriovctl heal redoes.
 * Addresses that do not fit are left out of the record, never out of the container. */
void sh_record_set_setup(struct sh_record *r, unsigned mtu, const struct sh_ip *addrs, size_t n_addrs,
			 const struct sh_ip *gateways, size_t n_gateways);
/* The addresses of a record's cont_ip or cont_gateway, parsed back: -EINVAL when one is not. */
int sh_record_ips(const char *text, bool cidr, struct sh_ip *out, size_t max, size_t *n);

/* A container as the hooks know it: id, init process and network namespace. */
struct sh_holder {
	const char *id;
	int pid; /* 0: unknown */
	unsigned long long pid_start;
	uint64_t netns_dev, netns_ino;
};

/* Whether the record's containers are all gone: the holder's init exited, or its pid now names
 * another process, or its poststop ran (holder_left); and so did every sharer's. Never true when
 * this process cannot read the record's pid (sh_record_pid_readable). */
bool sh_record_holder_gone(const struct sh_record *r);
/* Whether the record's pid can be looked up here: /proc shows the PID namespace the claim was made
 * in. From another one (a pod without hostPID) every pid would look gone. */
bool sh_record_pid_readable(const struct sh_record *r);
/* The index of sharer id in r->sharers, -1 when it is none. */
int sh_record_sharer(const struct sh_record *r, const char *id);
/* Adds h as a sharer (once); -ENOSPC when SH_RECORD_SHARERS are there already. */
int sh_record_add_sharer(struct sh_record *r, const struct sh_holder *h);
/* Removes sharer id; false when it was none. */
bool sh_record_remove_sharer(struct sh_record *r, const char *id);
/* With the VF's lock held: whether the claim is left for the next one to finish: its holder is
 * gone, it was left attaching (the hook died mid-way, its lock is free), or it is returning. */
bool sh_record_is_stale(const struct sh_record *r);
/* Whether the record was made for container h (same id, init process and network namespace). */
bool sh_record_held_by(const struct sh_record *r, const struct sh_holder *h);

/* What a record says of its VF, read without its lock (a snapshot, for display and for messages). */
enum sh_claim_state {
	SH_CLAIM_NONE,	    /* no record: free as far as the store knows */
	SH_CLAIM_HELD,	    /* a live container holds it (or a live hook is attaching it) */
	SH_CLAIM_STALE,	    /* its holder is gone (or died mid-way): the next claim or gc returns it */
	SH_CLAIM_RETURNING, /* released, but the VF was not back on the host yet: gc or a claim finishes */
};
enum sh_claim_state sh_record_state(const struct sh_record *r);

#endif
