/* Pools against the host: each selector's PF is an SR-IOV PF here, its ranges stay within the
 * PF's sriov_totalvfs, and no VF is in two pools through two spellings of its PF (a name in one, a
 * PCI address in the other; the same spelling is refused when the configuration is read). */
#include "sriov-hook/ctl/poolcheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sriov-hook/sys/sysfs.h"

static void add(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t len, const char *fmt, ...)
{
	size_t at = strlen(buf);
	va_list ap;

	if (at && at + 2 < len)
		memcpy(buf + at, "; ", 3), at += 2;
	va_start(ap, fmt);
	if (at < len)
		vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

static void check_ranges(const struct sh_config *cfg, const struct sh_pool_selector *sel, const struct sh_pf *pf,
			 char *buf, size_t len)
{
	char text[256], vfs[48];
	unsigned total, first, last;
	size_t i;

	if (sh_sysfs_pci_attr_uint(cfg->sysfs_root, pf->pci, "sriov_totalvfs", &total) < 0)
		return;
	for (i = 0; i < sel->n_ranges; i++) {
		if ((last = sel->ranges[i].last) < total)
			continue;
		first = sel->ranges[i].first > total ? sel->ranges[i].first : total;
		if (first == last)
			snprintf(vfs, sizeof(vfs), "VF %u is", first);
		else
			snprintf(vfs, sizeof(vfs), "VFs %u-%u are", first, last);
		add(buf, len, "%s: %s beyond the %u VFs %s offers (sriov_totalvfs): end the range at %u",
		    sh_pool_selector_format(sel, text, sizeof(text)), vfs, total, pf->name[0] ? pf->name : pf->pci,
		    total ? total - 1 : 0);
	}
}

/* A VF of sel (PF pf) that an earlier pool has under another spelling of the same PF. */
static void check_shared(const struct sh_config *cfg, size_t pool, const struct sh_pool_selector *sel,
			 const struct sh_pf *pf, char *buf, size_t len)
{
	struct sh_error ignored;
	struct sh_pf other;
	size_t i, j;
	long vf;

	for (i = 0; i < pool; i++) {
		for (j = 0; j < cfg->pools[i].n_sel; j++) {
			const struct sh_pool_selector *o = &cfg->pools[i].sel[j];

			if (!strcasecmp(o->pf, sel->pf) || (vf = sh_pool_ranges_overlap(o, sel)) < 0 ||
			    sh_sysfs_pf_resolve(cfg->sysfs_root, o->pf, &other, &ignored) < 0 ||
			    strcasecmp(other.pci, pf->pci))
				continue;
			add(buf, len,
			    "VF %ld of %s is also in pools.%s (as %s): a VF belongs to one pool; remove it from one of "
			    "them",
			    vf, sel->pf, cfg->pools[i].name, o->pf);
			return;
		}
	}
}

size_t sh_pools_check_host(const struct sh_config *cfg,
			   void (*report)(const struct sh_pool *pool, const char *problems, void *data), void *data)
{
	char problems[2048], text[256];
	struct sh_error why;
	struct sh_pf pf;
	size_t p, s, n = 0;

	for (p = 0; p < cfg->n_pools; p++) {
		const struct sh_pool *pool = &cfg->pools[p];

		problems[0] = '\0';
		for (s = 0; s < pool->n_sel; s++) {
			const struct sh_pool_selector *sel = &pool->sel[s];

			if (sh_sysfs_pf_resolve(cfg->sysfs_root, sel->pf, &pf, &why) < 0) {
				add(problems, sizeof(problems),
				    "%s: %s: name a PF of this host (sriovctl list shows them)",
				    sh_pool_selector_format(sel, text, sizeof(text)), why.msg);
				continue;
			}
			check_ranges(cfg, sel, &pf, problems, sizeof(problems));
			check_shared(cfg, p, sel, &pf, problems, sizeof(problems));
		}
		if (problems[0]) {
			report(pool, problems, data);
			n++;
		}
	}
	return n;
}
