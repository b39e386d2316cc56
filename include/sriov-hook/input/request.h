/* What a container asks for, validated: the VFs its CDI devices' hooks name (their arguments) and
 * its annotations (io.sriov.*) -> struct sh_request. Nothing here touches the system. */
#ifndef SRIOV_HOOK_REQUEST_H
#define SRIOV_HOOK_REQUEST_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/input/annotations.h"

#define SH_ANNOTATION_PREFIX "io.sriov."
/* With env_fallback, SRIOV_<KEY> and SRIOV_<N>_<KEY> (KEY upper case) stand for io.sriov.<key> and
 * io.sriov.<N>.<key>. */
#define SH_ENV_PREFIX "SRIOV_"
#define SH_MAX_VFS 8 /* io.sriov.<key> plus io.sriov.<N>.<key>, N = 1..7 */
#define SH_MAX_ADDRS 16
#define SH_MAX_GATEWAYS 2
#define SH_DEVICE_MAX 96    /* "pf=<PF> vf=<VF PCI address>" and the like */

enum sh_vf_select { SH_VF_INDEX, SH_VF_AUTO, SH_VF_PCI, SH_VF_POOL };

/* io.sriov.numa: how the container's NUMA nodes weigh when the request leaves the VF open. */
enum sh_numa_policy {
	SH_NUMA_PREFER, /* local VFs first, then any (the default) */
	SH_NUMA_STRICT, /* local VFs only */
	SH_NUMA_ANY,	/* the configuration's order, whatever the node */
	SH_NUMA_NODE,	/* VFs of one given node only */
};

struct sh_vf_request {
	/* Where it comes from. slot: its settings are io.sriov.<slot>.* (io.sriov.* for slot 0).
	 * device: the key of the CDI device whose hook arguments name the VF ("pf=ens1f0 vf=0",
	 * "pool=fast"), "" when the annotations name it. elsewhere: another hook run's (a device
	 * whose hook has other arguments): checked with the rest of the request, acted on there. */
	unsigned slot;
	char device[SH_DEVICE_MAX];
	bool elsewhere;
	char pf[SH_PCI_LEN > IFNAMSIZ ? SH_PCI_LEN : IFNAMSIZ]; /* name or PCI address; "" if absent */
	enum sh_vf_select select;
	unsigned vf_index;
	char vf_pci[SH_PCI_LEN];
	char pool[SH_POOL_NAME_MAX + 1]; /* SH_VF_POOL: a pool of the configuration */
	/* netdev (the default): the VF's netdev goes into the container, with the interface keys
	 * below; vfio: the VF is bound to vfio-pci and its device nodes are the container's. */
	enum sh_vf_mode mode;
	bool has_mode; /* mode was named (io.sriov.mode, --mode) */
	char ifname[IFNAMSIZ];		 /* "" = eth0 if free in the container, else net1 */
	/* PF-side settings: the knobs to change (SH_KNOB_BIT), the settings named (bit i: row i of
	 * sh_vf_settings()) and their values; the knobs' other settings are for
	 * sh_vf_request_desired to fill in. */
	unsigned knobs;
	unsigned given;
	struct sh_vf_cfg cfg;
	/* Where the VF should be when the request leaves it open (auto, pools): numa (has_numa: named,
	 * else a pool's or the default), numa_node for SH_NUMA_NODE; near "" none, "auto" (the
	 * container's devices) or a PCI address. */
	enum sh_numa_policy numa;
	bool has_numa;
	unsigned numa_node;
	char near[SH_PCI_LEN];
	/* The keys given as variables (SRIOV_[N_]<KEY>, env_fallback), by their row in the key table:
	 * messages name each key as the user wrote it (sh_request_key_name). */
	uint64_t env_keys;
	unsigned mtu; /* 0 = unchanged */
	struct sh_ip addrs[SH_MAX_ADDRS];
	size_t n_addrs;
	struct sh_ip gateways[SH_MAX_GATEWAYS];
	size_t n_gateways;
};

struct sh_request {
	struct sh_vf_request vf[SH_MAX_VFS];
	size_t n;
};

/* Builds the request from annotations. Returns 0 with req->n == 0 when no io.sriov.* key is set. */
int sh_request_from_annotations(const struct sh_annotations *a, struct sh_request *req, struct sh_error *err);
/* The request of a container with CDI devices: devices[i] (what the hook arguments of its i-th
 * device name: pf, vf or pool) is slot i, so io.sriov.* applies to the first device and
 * io.sriov.<N>.* to device N (counting from 0); an annotation may not name the VF of a device's
 * slot. The slots after the devices' are the annotations' own, as without devices. */
int sh_request_build(const struct sh_annotations *a, const struct sh_vf_request *devices, size_t n_devices,
		     struct sh_request *req, struct sh_error *err);
/* sh_request_build with env_fallback: the process.env entries that spell a known key
 * (sh_request_env_is_key) fill in the keys no annotation gives, the first of several for one key
 * wins, and any other SRIOV_ entry is not looked at. A key is named in messages as it was given:
 * "annotation io.sriov.vlan" or "variable SRIOV_VLAN". Linear in the annotations and the
 * variables. */
int sh_request_build_with_env(const struct sh_annotations *a, char *const *env, size_t n_env,
			      const struct sh_vf_request *devices, size_t n_devices, struct sh_request *req,
			      struct sh_error *err);
/* Key name (vlan, mode, ...) of request v as the user wrote it, in buf: "annotation io.sriov.1.vlan",
 * "variable SRIOV_1_VLAN", or for a selector of a CDI device's slot "CDI device \"pool=fast\"". */
const char *sh_request_key_name(const struct sh_vf_request *v, const char *name, char *buf, size_t len);
/* What the table says of v's settings together (what each needs, what each may not exceed), each
 * key named as the user wrote it: the check a pool's slot gets once its pool's settings are in. */
int sh_request_check_settings(const struct sh_vf_request *v, struct sh_error *err);

/* Whether a process.env entry ("NAME=value") is SRIOV_[N_]<KEY> for a key of the tables, spelled
 * exactly so (upper case, N = 1..7): the variables env_fallback reads. */
bool sh_request_env_is_key(const char *entry);
/* The SRIOV_ entries of process.env the request does not use, in out as one clause for a log line:
 * those that spell a key while env_fallback is off, and those that spell none (with the nearest
 * key: "SRIOV_IPADDR (not a key; the nearest is SRIOV_IP)"). The hook's own SRIOV_VFIO_* and
 * SRIOV_HOOK_* are not counted. Returns how many. */
size_t sh_request_env_unused(char *const *env, size_t n_env, bool fallback, char *out, size_t len);

/* Sets one of the keys that say which VF (pf, vf, pool) to value; what names it in messages
 * ("--vf", "annotation io.sriov.vf"). -EINVAL for another key or a value it does not take. */
int sh_request_set_selector(struct sh_vf_request *v, const char *name, const char *value, const char *what,
			    struct sh_error *err);
/* Whether the selector keys set make one VF: vf (with pf, unless vf is a VF PCI address) or pool
 * alone. has_vf, has_pool: whether vf, pool were set; messages spell a key <what><p><key>
 * ("annotation io.sriov.2.vf", "--vf"). */
int sh_request_check_selector(const struct sh_vf_request *v, bool has_vf, bool has_pool, const char *what,
			      const char *p, struct sh_error *err);
/* io.sriov.numa's value: prefer, strict, any or a node number. -EINVAL for anything else. */
int sh_numa_policy_parse(const char *value, enum sh_numa_policy *policy, unsigned *node);
/* The values sh_numa_policy_parse takes, for messages. */
#define SH_NUMA_ACCEPTED "prefer, strict, any or a NUMA node number"
/* The VFs of req this run acts on (those not elsewhere). */
size_t sh_request_count_own(const struct sh_request *req);
/* Whether this run has a VF of its own in mode: a netdev to move into the container's namespace,
 * a vfio VF to bind. */
bool sh_request_has_own(const struct sh_request *req, enum sh_vf_mode mode);
/* The selector as a device key: "pool=fast", "pf=ens1f0 vf=auto", "vf=0000:3b:02.0". */
const char *sh_request_selector_key(const struct sh_vf_request *v, char *buf, size_t len);
/* The check the settings table asks of settings named together (qos needs vlan, min_tx_rate not
 * above max_tx_rate): given has bit i for row i of sh_vf_settings(). Messages read "<what><p>qos
 * needs <p>vlan greater than 0" (what "annotation ", p "io.sriov."). */
int sh_vf_settings_check(unsigned given, const struct sh_vf_cfg *cfg, const char *what, const char *p,
			 struct sh_error *err);
/* The PF-side settings to apply to a VF whose settings are cur: for each knob the request changes,
 * the settings it names, then the defaults of those that reset (qos, vlan_proto), and cur's value
 * for the rest; cur's value for every other knob. */
void sh_vf_request_desired(const struct sh_vf_request *v, const struct sh_vf_cfg *cur, struct sh_vf_cfg *want);
/* The annotation keys with their help, for --help. */
void sh_request_help(FILE *out);
/* One key of a help table, its help text with *word* marks. */
typedef void (*sh_request_row_fn)(FILE *out, const char *key, const char *help);
/* Calls row for each key of a help table: the annotation keys, or (settings) the PF-side settings.
 * --help renders them as text; tools/man_tables.c, a build tool, as sriov-hook(8)'s tables. */
void sh_request_help_rows(FILE *out, bool settings, sh_request_row_fn row);

#endif
