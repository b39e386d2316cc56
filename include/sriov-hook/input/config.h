/* The hook's own configuration file (JSON). Unknown keys are errors. */
#ifndef SRIOV_HOOK_CONFIG_H
#define SRIOV_HOOK_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/input/pool.h"

#define SH_DEFAULT_CONFIG "/etc/sriov-hook/config.json"
#define SH_DEFAULT_STATE_DIR "/run/sriov-hook"
#define SH_DEFAULT_SYSFS "/sys"
#define SH_DEFAULT_DEV "/dev"
#define SH_DEFAULT_POSTSTOP_TIMEOUT_MS 3000
#define SH_MAX_ALLOWED_PFS 64
#define SH_MAX_PF_SETTINGS 64
#define SH_MAX_NUMVFS 4096 /* PCIe SR-IOV: at most 65535, no NIC comes near 4096 */

/* "pfs": {"<PF name or PCI address>": {"numvfs": N}}: what `sriovctl vfs apply` makes of each PF. */
struct sh_pf_setting {
	char *pf;
	unsigned numvfs;
};

struct sh_config {
	char path[PATH_MAX]; /* the file it was read from, "" for none (the defaults) */
	char state_dir[PATH_MAX];
	char sysfs_root[PATH_MAX];
	char dev_root[PATH_MAX]; /* where /dev/vfio is (tests point both elsewhere) */
	char *allowed_pfs[SH_MAX_ALLOWED_PFS];
	size_t n_allowed_pfs; /* 0 with has_allowed_pfs false: any SR-IOV PF */
	bool has_allowed_pfs;
	char log[PATH_MAX]; /* "auto", "journal[:SOCKET]", "syslog[:SOCKET]", "stderr" or an absolute path */
	unsigned poststop_timeout_ms;
	bool env_fallback;     /* SRIOV_<KEY> in process.env act as annotations */
	char runc[PATH_MAX];   /* sriov-runc: the real runtime; "" = search the system paths */
	/* "release": how a netdev VF is made clean for its next holder; a pool may choose its own */
	enum sh_release_mode release;
	struct sh_pf_setting pfs[SH_MAX_PF_SETTINGS];
	size_t n_pfs;
	struct sh_pool *pools; /* "pools": malloc'd, NULL when none */
	size_t n_pools;
};

/* Where the real runc is looked for when "runc" is "" (never PATH: a daemon's PATH may lead back to
 * sriov-runc), in order, NULL-terminated: sriov-runc runs the first, doctor checks the same. */
extern const char *const sh_runc_search_paths[];
/* Their directories for a message: "/usr/sbin, /usr/bin, /usr/local/sbin or /usr/local/bin". */
const char *sh_runc_search_dirs(char *buf, size_t len);

void sh_config_defaults(struct sh_config *cfg);
int sh_config_parse(const char *json, struct sh_config *cfg, struct sh_error *err);
/* path NULL: the default file, whose absence means defaults; a given path must exist. */
int sh_config_load(const char *path, struct sh_config *cfg, struct sh_error *err);
/* For what must work with a broken file (poststop, sriovctl list and gc): as sh_config_load, and
 * when the file does not load, cfg holds the defaults but for the roots, the log and the poststop
 * timeout the file gave before the point where it breaks (sh_config_salvage_roots); err says why
 * it is broken, with line and column for a JSON error. */
int sh_config_load_roots(const char *path, struct sh_config *cfg, struct sh_error *err);
void sh_config_salvage_roots(const char *json, struct sh_config *cfg);
/* "state_dir X (read from the file) and sysfs_root Y (the default)": what a run with a broken
 * file goes on with, for its one line. */
void sh_config_roots_text(const struct sh_config *cfg, char *out, size_t len);
bool sh_config_pf_allowed(const struct sh_config *cfg, const char *pf_name, const char *pf_pci);
void sh_config_free(struct sh_config *cfg);

#endif
