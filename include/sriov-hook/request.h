/* What a container asks for, validated: annotations (io.sriov.*) -> struct sh_request. Nothing
 * here touches the system. */
#ifndef SRIOV_HOOK_REQUEST_H
#define SRIOV_HOOK_REQUEST_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sriov-hook/annotations.h"
#include "sriov-hook/error.h"
#include "sriov-hook/types.h"

#define SH_ANNOTATION_PREFIX "io.sriov."
/* With env_fallback, SRIOV_<KEY> and SRIOV_<N>_<KEY> (KEY upper case) stand for io.sriov.<key> and
 * io.sriov.<N>.<key>. */
#define SH_ENV_PREFIX "SRIOV_"
#define SH_MAX_VFS 8 /* io.sriov.<key> plus io.sriov.<N>.<key>, N = 1..7 */
#define SH_MAX_ADDRS 16
#define SH_MAX_GATEWAYS 2

enum sh_vf_select { SH_VF_INDEX, SH_VF_AUTO, SH_VF_PCI };

struct sh_vf_request {
	char pf[SH_PCI_LEN > IFNAMSIZ ? SH_PCI_LEN : IFNAMSIZ]; /* name or PCI address; "" if absent */
	enum sh_vf_select select;
	unsigned vf_index;
	char vf_pci[SH_PCI_LEN];
	char ifname[IFNAMSIZ]; /* "" = eth0 if free in the container, else net1 */
	/* PF-side settings: the knobs to change (SH_KNOB_BIT), the settings named (bit i: row i of
	 * sh_vf_settings()) and their values; the knobs' other settings are for
	 * sh_vf_request_desired to fill in. */
	unsigned knobs;
	unsigned given;
	struct sh_vf_cfg cfg;
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

/* Builds the request from annotations and, when env is given (env_fallback), the process.env
 * entries that spell a known key (sh_request_env_is_key): a variable fills in a key no annotation
 * gives, the first of several for one key wins, and any other SRIOV_ entry is not looked at. A bad
 * value is named as it was given: "annotation io.sriov.vlan" or "variable SRIOV_VLAN". Returns 0
 * with req->n == 0 when nothing asks for a VF. Linear in the annotations and the variables. */
int sh_request_build(const struct sh_annotations *a, char *const *env, size_t n_env, struct sh_request *req,
		     struct sh_error *err);
/* sh_request_build without variables. */
int sh_request_from_annotations(const struct sh_annotations *a, struct sh_request *req, struct sh_error *err);
/* Whether a process.env entry ("NAME=value") is SRIOV_[N_]<KEY> for a key of the tables, spelled
 * exactly so (upper case, N = 1..7): the variables env_fallback reads. */
bool sh_request_env_is_key(const char *entry);
/* The PF-side settings to apply to a VF whose settings are cur: for each knob the request changes,
 * the settings it names, then the defaults of those that reset (qos, vlan_proto), and cur's value
 * for the rest; cur's value for every other knob. */
void sh_vf_request_desired(const struct sh_vf_request *v, const struct sh_vf_cfg *cur, struct sh_vf_cfg *want);
/* The annotation keys with their help, for --help. */
void sh_request_help(FILE *out);
/* The same as the tbl(1) tables of sriov-hook(8)'s ANNOTATIONS section, between the markers that
 * tests/unit/test_request.c checks man/sriov-hook.8 against. */
void sh_request_man(FILE *out);

#endif
