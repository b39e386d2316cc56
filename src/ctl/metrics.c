/* Prometheus text format (version 0.0.4) of the listing: per PF its VF counts and link, per VF a
 * one-hot state, its holder and its counters as the PF and as its own netdev count them. */
#define _GNU_SOURCE /* open_memstream */
#include "sriov-hook/ctl/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/core/fileio.h"
#include "sriov-hook/ctl/output.h"

/* A label value: backslash, double quote and newline escaped, as the format requires. */
static void put_label(FILE *f, const char *name, const char *value, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *value; value++) {
		if (*value == '\\' || *value == '"')
			fprintf(f, "\\%c", *value);
		else if (*value == '\n')
			fputs("\\n", f);
		else
			fputc(*value, f);
	}
	fputc('"', f);
}

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *pf_label(const struct sh_inv_pf *p)
{
	return p->pf.name[0] ? p->pf.name : p->pf.pci;
}

static void vf_labels(FILE *f, const struct sh_list_vf *v)
{
	char idx[16];

	snprintf(idx, sizeof(idx), "%u", v->inv.vf.index);
	put_label(f, "pf", v->inv.vf.pf_name[0] ? v->inv.vf.pf_name : v->inv.vf.pf_pci, true);
	put_label(f, "vf", idx, false);
	put_label(f, "pci", v->inv.vf.pci, false);
}

static void pf_metrics(FILE *f, const struct sh_listing *l)
{
	static const struct {
		const char *name, *help;
	} gauges[] = {
		{"sriov_pf_numvfs", "VFs enabled on the PF (sriov_numvfs)."},
		{"sriov_pf_totalvfs", "VFs the PF supports (sriov_totalvfs)."},
		{"sriov_pf_up", "1 when the PF is administratively up."},
		{"sriov_pf_carrier", "1 when the PF has carrier (absent while it is down)."},
	};
	size_t g, i;

	header(f, "sriov_pf_info", "gauge", "An SR-IOV PF, with its PCI address and driver.");
	for (i = 0; i < l->n_pfs; i++) {
		const struct sh_inv_pf *p = &l->pfs[i].inv;

		fputs("sriov_pf_info{", f);
		put_label(f, "pf", pf_label(p), true);
		put_label(f, "pci", p->pf.pci, false);
		put_label(f, "driver", p->driver, false);
		fputs("} 1\n", f);
	}
	for (g = 0; g < SH_ARRAY_SIZE(gauges); g++) {
		header(f, gauges[g].name, "gauge", gauges[g].help);
		for (i = 0; i < l->n_pfs; i++) {
			const struct sh_inv_pf *p = &l->pfs[i].inv;
			long v = g == 0	  ? (long)p->pf.numvfs
				 : g == 1 ? (long)p->totalvfs
				 : g == 2 ? p->admin_up
					  : p->carrier;

			if (v < 0)
				continue;
			fprintf(f, "%s{", gauges[g].name);
			put_label(f, "pf", pf_label(p), true);
			fprintf(f, "} %ld\n", v);
		}
	}
}

static void state_metrics(FILE *f, const struct sh_listing *l)
{
	enum sh_vf_state s;
	size_t i, p, count;

	header(f, "sriov_vfs", "gauge", "VFs of the PF in each state.");
	for (p = 0; p < l->n_pfs; p++) {
		for (s = 0; s < SH_VF_STATE_COUNT; s++) {
			for (count = 0, i = l->pfs[p].first_vf; i < l->pfs[p].first_vf + l->pfs[p].n_vfs; i++)
				count += l->vfs[i].state == s;
			fputs("sriov_vfs{", f);
			put_label(f, "pf", pf_label(&l->pfs[p].inv), true);
			put_label(f, "state", sh_vf_state_name(s), false);
			fprintf(f, "} %zu\n", count);
		}
	}
	header(f, "sriov_vf_state", "gauge", "1 for the VF's state, 0 for the others.");
	for (i = 0; i < l->n_vfs; i++) {
		for (s = 0; s < SH_VF_STATE_COUNT; s++) {
			fputs("sriov_vf_state{", f);
			vf_labels(f, &l->vfs[i]);
			put_label(f, "state", sh_vf_state_name(s), false);
			fprintf(f, "} %d\n", l->vfs[i].state == s);
		}
	}
	header(f, "sriov_vf_claim_info", "gauge", "The container a claim on the VF names.");
	for (i = 0; i < l->n_vfs; i++) {
		const struct sh_list_vf *v = &l->vfs[i];

		if (!v->has_claim)
			continue;
		fputs("sriov_vf_claim_info{", f);
		vf_labels(f, v);
		put_label(f, "container", v->claim.rec.id, false);
		put_label(f, "container_name", v->claim.rec.name, false);
		fputs("} 1\n", f);
	}
	header(f, "sriov_vf_claimed_since_seconds", "gauge", "When the claim on the VF was made (Unix time).");
	for (i = 0; i < l->n_vfs; i++) {
		const struct sh_list_vf *v = &l->vfs[i];

		if (!v->has_claim || v->claim.since <= 0)
			continue;
		fputs("sriov_vf_claimed_since_seconds{", f);
		vf_labels(f, v);
		fprintf(f, "} %lld\n", (long long)v->claim.since);
	}
}

/* One family per counter: sriov_vf_<counter>_total (the PF's view) and
 * sriov_vf_netdev_<counter>_total (the VF netdev's own). */
static void counter_metrics(FILE *f, const struct sh_listing *l, bool netdev)
{
	enum sh_vf_counter c;
	char name[96], help[160];
	size_t i;

	for (c = 0; c < SH_VF_COUNTER_COUNT; c++) {
		snprintf(name, sizeof(name), "sriov_vf_%s%s_total", netdev ? "netdev_" : "", sh_vf_counter_name(c));
		snprintf(help, sizeof(help), "%s of the VF, as %s.", sh_vf_counter_name(c),
			 netdev ? "its own netdev counts them (on the host or in its container)"
				: "its PF reports them (IFLA_VF_STATS)");
		header(f, name, "counter", help);
		for (i = 0; i < l->n_vfs; i++) {
			const struct sh_vf_stats *s = netdev ? &l->vfs[i].netdev_stats : &l->vfs[i].stats;

			if (!(s->present & (1u << c)))
				continue;
			fprintf(f, "%s{", name);
			vf_labels(f, &l->vfs[i]);
			fprintf(f, "} %llu\n", (unsigned long long)s->v[c]);
		}
	}
}

int sh_metrics_format(const struct sh_listing *l, char **text, struct sh_error *err)
{
	size_t len;
	FILE *f = open_memstream(text, &len);

	if (!f)
		return sh_err_errno(err, errno, "format metrics");
	pf_metrics(f, l);
	state_metrics(f, l);
	counter_metrics(f, l, false);
	counter_metrics(f, l, true);
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
		return sh_err(err, ENOMEM, "format metrics: out of memory");
	}
	return 0;
}

int sh_metrics_write_file(const char *text, const char *path, struct sh_error *err)
{
	char copy[PATH_MAX];
	const char *dir;
	struct stat sb;

	/* A directory that is not there is the usual mistake (the collector's not made yet): say how
	 * to make it rather than which temporary file could not be created. */
	snprintf(copy, sizeof(copy), "%s", path);
	dir = dirname(copy); /* "." for a bare name, which may return a static string */
	if (!sh_output_is_stdout(path) && stat(dir, &sb) < 0 && errno == ENOENT)
		return sh_err(err, ENOENT,
			      "write %s: the directory %s does not exist: create it (`mkdir -p %s`, node_exporter's "
			      "--collector.textfile.directory), or give --output a file in one that does",
			      path, dir, dir);
	/* node_exporter's textfile collector reads whatever is there: never a half-written file. */
	return sh_output_write(path, text, err);
}
