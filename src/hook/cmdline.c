/* The hook's command line. main() and the reading of config.json's hooks (which of them are this
 * hook's CDI devices, and which VF each names) parse it the same way, so that a device is known by
 * the same arguments wherever it is seen. Not getopt: this parser keeps no global state. */
#include "sriov-hook/hook/cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/input/config.h"

static const char *const stage_names[] = {
	[SH_STAGE_CREATE_RUNTIME] = "createRuntime",
	[SH_STAGE_POSTSTOP] = "poststop",
};

const char *sh_stage_name(enum sh_stage stage)
{
	return stage_names[stage];
}

bool sh_stage_from_name(const char *s, enum sh_stage *stage)
{
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(stage_names); i++) {
		if (!strcmp(s, stage_names[i])) {
			*stage = (enum sh_stage)i;
			return true;
		}
	}
	return false;
}

static const struct option {
	const char *name;
	bool value;
	const char *arg, *help;
} options[] = {
	{"config", true, "FILE", "configuration (default " SH_DEFAULT_CONFIG ")"},
	{"pf", true, "PF", "a CDI device's VF: of this PF (netdev name or PCI address), with --vf"},
	{"vf", true, "VF", "VF index, auto, or VF PCI address (then --pf is optional)"},
	{"pool", true, "POOL",
	 "a free VF of this pool of the configuration (instead of --pf/--vf; with --vf PCI: that VF of it)"},
	{"mode", true, "MODE", "netdev (default) or vfio: how the container gets its VF"},
	{"help", false, NULL, "this text"},
	{"version", false, NULL, "the version"},
};

static const struct option *find_option(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(options); i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return &options[i];
	return NULL;
}

/* "--config, --pf, ...": the options, for a refusal of one that is not among them. */
static const char *known_options(char *buf, size_t len)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < SH_ARRAY_SIZE(options) && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s--%s", i ? ", " : "", options[i].name);
	return buf;
}

static unsigned option_bit(const char *name)
{
	return 1u << (find_option(name, strlen(name)) - options);
}

static int set_option(struct sh_cmdline *out, const struct option *o, const char *value, unsigned *seen,
		      struct sh_error *err)
{
	char what[16];
	unsigned bit = 1u << (o - options);

	if (*seen & bit)
		return sh_err(err, EINVAL, "--%s is given twice: give it once", o->name);
	*seen |= bit;
	snprintf(what, sizeof(what), "--%s", o->name);
	if (!strcmp(o->name, "config")) {
		if (!*value)
			return sh_err(err, EINVAL,
				      "--config: the file name is empty; give the configuration file's path");
		out->config = value;
		return 0;
	}
	if (!strcmp(o->name, "help") || !strcmp(o->name, "version")) {
		*(o->name[0] == 'h' ? &out->help : &out->version) = true;
		return 0;
	}
	out->has_device = true;
	return sh_request_set_selector(&out->device, o->name, value, what, err);
}

int sh_cmdline_parse(int argc, char *const argv[], struct sh_cmdline *out, struct sh_error *err)
{
	const struct option *o;
	char known[128];
	unsigned seen = 0;
	bool options_end = false;
	int i, r;

	memset(out, 0, sizeof(*out));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq, *value = NULL;

		if (options_end || a[0] != '-' || !a[1]) {
			if (out->has_stage)
				return sh_err(err, EINVAL,
					      "unexpected argument \"%.64s\" after the stage %s: give options before "
					      "the stage, and one stage",
					      a, sh_stage_name(out->stage));
			if (!sh_stage_from_name(a, &out->stage))
				return sh_err(err, EINVAL,
					      "unknown stage \"%.64s\" (expected createRuntime or poststop)", a);
			out->has_stage = true;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_end = true;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "-V")) {
			*(a[1] == 'h' ? &out->help : &out->version) = true;
			continue;
		}
		eq = strchr(a, '=');
		if (strncmp(a, "--", 2) || !(o = find_option(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2))))
			return sh_err(err, EINVAL, "%.64s: unknown option (known: %s)", a,
				      known_options(known, sizeof(known)));
		if (o->value && eq)
			value = eq + 1;
		else if (o->value && i + 1 < argc)
			value = argv[++i];
		else if (o->value)
			return sh_err(err, EINVAL, "--%s needs a value: give --%s %s", o->name, o->name, o->arg);
		else if (eq)
			return sh_err(err, EINVAL, "--%s takes no value: give --%s alone", o->name, o->name);
		if ((r = set_option(out, o, value, &seen, err)) < 0)
			return r;
	}
	if (out->help || out->version)
		return 0;
	if (!out->has_stage)
		return sh_err(err, EINVAL, "expected one stage argument: give createRuntime or poststop");
	if (out->has_device)
		return sh_request_check_selector(&out->device, seen & option_bit("vf"), seen & option_bit("pool"), "",
						 "--", err);
	return 0;
}

void sh_cmdline_help(FILE *out)
{
	char left[32];
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(options); i++) {
		snprintf(left, sizeof(left), "--%s%s%s", options[i].name, options[i].arg ? " " : "",
			 options[i].arg ? options[i].arg : "");
		fprintf(out, "  %-15s %s\n", left, options[i].help);
	}
}
