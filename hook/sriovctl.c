/* sriovctl: the operator's tool around sriov-hook: list VFs and their holders, export metrics,
 * collect what dead containers left, diagnose a host, create VFs at boot, write the CDI spec.
 * main() parses the command line; each subcommand's work is in src/ (listing, metrics, gc,
 * doctor, vfs, cdi). */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/ctl/cdi.h"
#include "sriov-hook/ctl/doctor.h"
#include "sriov-hook/ctl/heal.h"
#include "sriov-hook/ctl/listing.h"
#include "sriov-hook/ctl/live.h"
#include "sriov-hook/ctl/metrics.h"
#include "sriov-hook/ctl/output.h"
#include "sriov-hook/ctl/poolcheck.h"
#include "sriov-hook/ctl/vfs.h"
#include "sriov-hook/hook/gc.h"
#include "sriov-hook/input/config.h"

struct opts {
	const char *config;
	bool json, dry_run;
	const char *output, *root, *hook;
	char **args; /* after the subcommand */
	int n_args;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: sriovctl [--config FILE] COMMAND [ARGS]\n"
		"\n"
		"  list [--json] [PF...]     every SR-IOV PF and VF: state, holder container, settings, counters\n"
		"  metrics [--output FILE]   the same states and counters in Prometheus text format\n"
		"  gc [--dry-run]            return the VFs of containers that are gone, remove what they left,\n"
		"                            return free VFs that differ from their state before their first\n"
		"                            claim to it\n"
		"  doctor [--root DIR] [PF...]  check the host, each problem with the command that fixes it\n"
		"  vfs apply [--output FILE] create the VFs the configuration's \"pfs\" asks for, bind the VFs of\n"
		"                            vfio pools to vfio-pci; rewrite the CDI spec (FILE, or those in\n"
		"                            /etc/cdi and /var/run/cdi written for this configuration)\n"
		"  attach (--pid PID | --netns PATH | CONTAINER) [--pf PF --vf N|auto|PCI | --pool NAME]\n"
		"         [--ifname NAME] [--ip CIDR,...] [--gateway IP] [--mtu N] [--mac MAC] [--vlan N] ...\n"
		"                            give a running container a VF, as createRuntime would\n"
		"  detach (--pid PID | CONTAINER) [--vf PCI | --all]\n"
		"                            take it back, as poststop would\n"
		"  heal [PF...]              after a PF reset, put held VFs back into their containers\n"
		"  cdi generate [--output FILE] [--hook PATH]\n"
		"                            the CDI spec (kind " SH_CDI_KIND "; default " SH_CDI_DEFAULT_OUTPUT "),\n"
		"                            and for vfio pools kind " SH_CDI_VFIO_KIND
		" beside it (-vfio before .json)\n"
		"\n"
		"  --config FILE  configuration (default " SH_DEFAULT_CONFIG ")\n"
		"  --version, --help\n"
		"\n"
		"VF states: free, held, lost, stale, returning, vfio, unusable. See sriovctl(8).\n");
}

static void print_failure(const char *cmd, const struct sh_error *err)
{
	fprintf(stderr, "sriovctl: %s: %s\n", cmd, err->msg);
}

static int load_config(const struct opts *o, struct sh_config *cfg, struct sh_error *err)
{
	return sh_config_load(o->config, cfg, err);
}

/* list and gc work from the claim records, which need no configuration: a broken one is said in
 * one line, with what the command goes on with, and the exit status is 1 once the work is done.
 * Returns whether it is broken. */
static bool load_config_roots(const struct opts *o, const char *cmd, const char *doing, struct sh_config *cfg)
{
	struct sh_error broken = {0};
	char roots[2 * PATH_MAX + 96];

	if (sh_config_load_roots(o->config, cfg, &broken) == 0)
		return false;
	sh_config_roots_text(cfg, roots, sizeof(roots));
	fprintf(stderr, "sriovctl: %s: %s; %s with %s\n", cmd, broken.msg, doing, roots);
	return true;
}

static int cmd_list(const struct opts *o, struct sh_error *err)
{
	struct sh_config cfg;
	struct sh_listing l;
	bool broken = load_config_roots(o, "list", "listing", &cfg);
	int r;

	if ((r = sh_listing_build(&cfg, o->args, (size_t)o->n_args, 0, &l, err)) == 0) {
		r = o->json ? sh_listing_print_json(&l, stdout, err) : sh_listing_print_table(&l, stdout, err);
		sh_listing_free(&l);
	}
	sh_config_free(&cfg);
	return r == 0 && broken ? 1 : r;
}

static int cmd_metrics(const struct opts *o, struct sh_error *err)
{
	_cleanup_free_ char *text = NULL;
	struct sh_config cfg;
	struct sh_listing l;
	int r;

	if (o->n_args)
		return sh_err(err, EINVAL, "unexpected argument \"%s\" (see sriovctl --help)", o->args[0]);
	if ((r = load_config(o, &cfg, err)) < 0)
		return r;
	if ((r = sh_listing_build(&cfg, NULL, 0, 0, &l, err)) == 0) {
		if ((r = sh_metrics_format(&l, &text, err)) == 0) {
			if (o->output)
				r = sh_metrics_write_file(text, o->output, err);
			else
				fputs(text, stdout);
		}
		sh_listing_free(&l);
	}
	sh_config_free(&cfg);
	return r;
}

struct gc_run {
	bool dry_run;
	unsigned failed;
};

static void gc_line(const struct sh_gc_event *ev, void *data)
{
	struct gc_run *run = data;
	char what[128];

	printf("%s%s: %s", run->dry_run ? "dry run: " : "",
	       ev->pci	  ? ev->pci
	       : ev->path ? ev->path
			  : "state_dir",
	       sh_gc_event_what(ev, run->dry_run, what, sizeof(what)));
	if (ev->id)
		printf(" (container %s)", ev->id);
	if (ev->result < 0) {
		run->failed++;
		printf(": failed: %s", ev->why ? ev->why : strerror(-ev->result));
	}
	putchar('\n');
}

static int cmd_gc(const struct opts *o, struct sh_error *err)
{
	struct gc_run run = {.dry_run = o->dry_run};
	struct sh_config cfg;
	bool broken;
	int r;

	if (o->n_args)
		return sh_err(err, EINVAL, "unexpected argument \"%s\" (see sriovctl --help)", o->args[0]);
	broken = load_config_roots(o, "gc", o->dry_run ? "looking" : "collecting", &cfg);
	r = sh_gc(&cfg, o->dry_run, gc_line, &run, err);
	sh_config_free(&cfg);
	if (r == 0 && run.failed)
		r = sh_err(err, EIO, "%u VF(s) or file(s) could not be handled (see above)", run.failed);
	return r == 0 && broken ? 1 : r;
}

static void doctor_line(const struct sh_check *c, void *data)
{
	(void)data;
	printf("%-4s  %-13s %s\n", sh_check_level_name(c->level), c->name, c->what);
	if (c->fix[0])
		printf("%-4s  %-13s fix: %s\n", "", "", c->fix);
}

static int cmd_doctor(const struct opts *o, struct sh_error *err)
{
	struct sh_doctor_opts d = {
		.config = o->config, .root = o->root ? o->root : "", .pfs = o->args, .n_pfs = (size_t)o->n_args};
	unsigned counts[3];
	int r;

	if ((r = sh_doctor(&d, doctor_line, NULL, counts, err)) < 0)
		return r;
	printf("\n%u ok, %u warn, %u fail\n", counts[SH_CHECK_OK], counts[SH_CHECK_WARN], counts[SH_CHECK_FAIL]);
	/* Failures are reported above, one per check: exit 1 without another line. */
	return counts[SH_CHECK_FAIL] ? 1 : 0;
}

/* A VF of a vfio pool: "ens1f0 VF 2 (0000:3b:10.2, pool dpdk): ...". */
static void vfs_vf_line(const struct sh_vfs_result *res)
{
	printf("%s VF %u (%s, pool %s): ", res->pf, res->vf, res->vf_pci, res->pool ? res->pool : "?");
	switch (res->outcome) {
	case SH_VFS_UNCHANGED:
		printf("%s\n", res->why ? res->why : "on vfio-pci (unchanged)");
		break;
	case SH_VFS_CHANGED:
		printf("bound to vfio-pci (was %s)\n", res->driver[0] ? res->driver : "unbound");
		break;
	case SH_VFS_REFUSED:
	case SH_VFS_FAILED:
		printf("%s: %s\n", res->outcome == SH_VFS_REFUSED ? "refused" : "failed", res->why);
		break;
	}
}

static void vfs_line(const struct sh_vfs_result *res, void *data)
{
	(void)data;
	if (res->vf_pci[0]) {
		vfs_vf_line(res);
		return;
	}
	switch (res->outcome) {
	case SH_VFS_UNCHANGED:
		printf("%s: %u VFs (unchanged)\n", res->pf, res->from);
		break;
	case SH_VFS_CHANGED:
		printf("%s: %u -> %u VFs\n", res->pf, res->from, res->to);
		break;
	case SH_VFS_REFUSED:
	case SH_VFS_FAILED:
		printf("%s: %s: %s\n", res->pf, res->outcome == SH_VFS_REFUSED ? "refused" : "failed", res->why);
		break;
	}
}

/* The CDI spec's options: the hook beside this program unless --hook names one, and the
 * configuration by absolute path when --config names one (the engines run the hook anywhere). */
static int cdi_opts(const struct opts *o, char *hook, char *config, struct sh_cdi_opts *c, struct sh_error *err)
{
	char self[PATH_MAX];
	ssize_t n;

	memset(c, 0, sizeof(*c));
	if (o->hook) {
		c->hook = o->hook;
	} else {
		if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
			return sh_err_errno(err, errno, "find this program (use --hook PATH)");
		self[n] = '\0';
		if (snprintf(hook, PATH_MAX, "%s/sriov-hook", dirname(self)) >= PATH_MAX)
			return sh_err(err, ENAMETOOLONG, "the hook's path is too long");
		c->hook = hook;
	}
	if (o->config) {
		if (!realpath(o->config, config))
			return sh_err_errno(err, errno, "%s", o->config);
		c->config = config;
	}
	return 0;
}

/* VFs of vfio pools that share an IOMMU group: one line per group. */
static void cdi_group_warning(const char *text, void *data)
{
	(void)data;
	fprintf(stderr, "sriovctl: cdi generate: warning: %s\n", text);
}

static int cdi_write(const struct opts *o, const struct sh_config *cfg, const char *path, struct sh_error *err)
{
	char hook[PATH_MAX], config[PATH_MAX], vfio[PATH_MAX];
	struct sh_cdi_opts c;
	int r;

	if ((r = cdi_opts(o, hook, config, &c, err)) < 0)
		return r;
	c.group_warning = cdi_group_warning;
	if ((r = sh_cdi_generate_file(cfg, &c, path, err)) < 0)
		return r;
	if (sh_output_is_stdout(path))
		return 0; /* the spec is the output */
	printf("%s: CDI spec written (kind %s, hook %s)\n", path, SH_CDI_KIND, c.hook);
	if (sh_cdi_vfio_path(path, vfio, err) == 0 && access(vfio, F_OK) == 0 && sh_cdi_spec_is_for(vfio, c.config))
		printf("%s: CDI spec written (kind %s)\n", vfio, SH_CDI_VFIO_KIND);
	return 0;
}

/* A pool the host contradicts still gets its device (the PF may come later), with a warning. */
static void cdi_pool_warning(const struct sh_pool *pool, const char *problems, void *data)
{
	(void)data;
	fprintf(stderr, "sriovctl: cdi generate: warning: pool %s: %s\n", pool->name, problems);
}

static int cmd_cdi(const struct opts *o, struct sh_error *err)
{
	struct sh_config cfg;
	int r;

	if (o->n_args != 1 || strcmp(o->args[0], "generate"))
		return sh_err(err, EINVAL, "expected \"cdi generate\" (see sriovctl --help)");
	if ((r = load_config(o, &cfg, err)) < 0)
		return r;
	sh_pools_check_host(&cfg, cdi_pool_warning, NULL);
	r = cdi_write(o, &cfg, o->output ? o->output : SH_CDI_DEFAULT_OUTPUT, err);
	sh_config_free(&cfg);
	return r;
}

/* Rewrites the specs in the engines' two CDI directories that were written for this configuration
 * (a test's fake tree never rewrites the host's), or the one --output names. */
static int cdi_refresh(const struct opts *o, const struct sh_config *cfg, struct sh_error *err)
{
	static const char *const paths[] = {SH_CDI_ETC_OUTPUT, SH_CDI_DEFAULT_OUTPUT};
	char config[PATH_MAX];
	size_t i;
	int r;

	if (o->output)
		return cdi_write(o, cfg, o->output, err);
	if (o->config && !realpath(o->config, config))
		return 0;
	for (i = 0; i < SH_ARRAY_SIZE(paths); i++)
		if (sh_cdi_spec_is_for(paths[i], o->config ? config : NULL) &&
		    (r = cdi_write(o, cfg, paths[i], err)) < 0)
			return r;
	return 0;
}

static int cmd_vfs(const struct opts *o, struct sh_error *err)
{
	struct sh_config cfg;
	int r;

	if (o->n_args != 1 || strcmp(o->args[0], "apply"))
		return sh_err(err, EINVAL, "expected \"vfs apply\" (see sriovctl --help)");
	if ((r = load_config(o, &cfg, err)) < 0)
		return r;
	if (!cfg.n_pfs)
		printf("nothing to do: the configuration (%s) has no \"pfs\", such as \"pfs\": {\"ens1f0\": "
		       "{\"numvfs\": 8}}\n",
		       o->config ? o->config : SH_DEFAULT_CONFIG);
	r = sh_vfs_apply(&cfg, vfs_line, NULL, err);
	/* The spec names the VFs: keep it in step with them. */
	if (r == 0)
		r = cdi_refresh(o, &cfg, err);
	sh_config_free(&cfg);
	return r;
}

/* attach, detach and heal parse their own arguments (the request's keys are options there). */
static int own_args(const struct opts *o,
		    int (*fn)(const struct sh_config *cfg, char **args, int n, FILE *out, struct sh_error *err),
		    struct sh_error *err)
{
	struct sh_config cfg;
	int r;

	if ((r = load_config(o, &cfg, err)) < 0)
		return r;
	r = fn(&cfg, o->args, o->n_args, stdout, err);
	sh_config_free(&cfg);
	return r;
}

static int cmd_attach(const struct opts *o, struct sh_error *err)
{
	return own_args(o, sh_ctl_attach, err);
}

static int cmd_detach(const struct opts *o, struct sh_error *err)
{
	return own_args(o, sh_ctl_detach, err);
}

static int cmd_heal(const struct opts *o, struct sh_error *err)
{
	return own_args(o, sh_ctl_heal, err);
}

/* The options that belong to one command: given to another, they are an error, not ignored. */
enum { OPT_JSON = 1, OPT_OUTPUT = 2, OPT_DRY_RUN = 4, OPT_ROOT = 8, OPT_HOOK = 16 };
/* A command that parses the words after it itself, options included. */
#define OPT_OWN 0x100u
static const char *const opt_names[] = {"json", "output", "dry-run", "root", "hook"};

static const struct command {
	const char *name;
	int (*run)(const struct opts *o, struct sh_error *err);
	unsigned options;
} commands[] = {
	{"list", cmd_list, OPT_JSON},
	{"metrics", cmd_metrics, OPT_OUTPUT},
	{"gc", cmd_gc, OPT_DRY_RUN},
	{"doctor", cmd_doctor, OPT_ROOT},
	{"vfs", cmd_vfs, OPT_OUTPUT | OPT_HOOK},
	{"cdi", cmd_cdi, OPT_OUTPUT | OPT_HOOK},
	{"attach", cmd_attach, OPT_OWN},
	{"detach", cmd_detach, OPT_OWN},
	{"heal", cmd_heal, OPT_OWN},
};

/* Where a command that parses its own arguments stands (after --config FILE only), else argc. */
static int own_args_at(int argc, char **argv)
{
	int i = 1;
	size_t k;

	while (i < argc && (!strcmp(argv[i], "--config") || !strcmp(argv[i], "-c")))
		i += 2;
	while (i < argc && !strncmp(argv[i], "--config=", 9))
		i++;
	for (k = 0; i < argc && k < SH_ARRAY_SIZE(commands); k++)
		if ((commands[k].options & OPT_OWN) && !strcmp(argv[i], commands[k].name))
			return i;
	return argc;
}

int main(int argc, char **argv)
{
	static const struct option long_opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"json", no_argument, NULL, 'j'},
		{"output", required_argument, NULL, 'o'},
		{"dry-run", no_argument, NULL, 'n'},
		{"root", required_argument, NULL, 'r'},
		{"hook", required_argument, NULL, 'H'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct sh_error err = {0};
	struct opts o = {0};
	const struct command *cmd = NULL;
	unsigned given = 0;
	size_t i;
	int c, r, full_argc = argc, own = own_args_at(argc, argv);

	argc = own; /* getopt stops before a command that parses its own arguments */
	opterr = 0; /* one line of our own instead of getopt's */
	while ((c = getopt_long(argc, argv, "c:jo:nr:Vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			break;
		case 'j':
			o.json = true;
			given |= OPT_JSON;
			break;
		case 'o':
			o.output = optarg;
			given |= OPT_OUTPUT;
			break;
		case 'n':
			o.dry_run = true;
			given |= OPT_DRY_RUN;
			break;
		case 'r':
			o.root = optarg;
			given |= OPT_ROOT;
			break;
		case 'H':
			o.hook = optarg;
			given |= OPT_HOOK;
			break;
		case 'V':
			printf("sriovctl %s\n", SRIOV_HOOK_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "sriovctl: %s: unknown option or missing value (see sriovctl --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (own < full_argc) {
		argc = full_argc;
		optind = own;
	}
	if (optind >= argc) {
		fprintf(stderr, "sriovctl: no command given: list, metrics, gc, doctor, attach, detach, heal, vfs "
				"apply or cdi generate (see "
				"sriovctl --help)\n");
		return 2;
	}
	for (i = 0; i < SH_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr,
			"sriovctl: unknown command \"%s\" (known: list, metrics, gc, doctor, attach, detach, heal, vfs "
			"apply, cdi generate)\n",
			argv[optind]);
		return 2;
	}
	for (i = 0; i < SH_ARRAY_SIZE(opt_names); i++) {
		if ((given & (1u << i)) && !(cmd->options & (1u << i))) {
			fprintf(stderr, "sriovctl: %s: --%s does not apply to it (see sriovctl --help)\n", cmd->name,
				opt_names[i]);
			return 2;
		}
	}
	o.args = argv + optind + 1;
	o.n_args = argc - optind - 1;
	r = cmd->run(&o, &err);
	if (r < 0) {
		print_failure(cmd->name, &err);
		return 1;
	}
	return r;
}
