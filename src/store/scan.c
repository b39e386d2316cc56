/* The operators' read side: the claim records listed and read without their locks (records are
 * replaced atomically, so each read is whole), as snapshots for sriovctl list, metrics and doctor,
 * and for gc's walk over every claim. */
#include "sriov-hook/store/scan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/files.h"

struct claim_list {
	char (*pci)[SH_PCI_LEN];
	size_t n, cap;
};

static int add_claim(const char *name, void *data)
{
	struct claim_list *l = data;
	size_t stem;
	void *p;

	if (!sh_store_has_suffix(name, ".json", &stem) || stem >= SH_PCI_LEN)
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		if (!(p = realloc(l->pci, l->cap * sizeof(*l->pci))))
			return -ENOMEM;
		l->pci = p;
	}
	memcpy(l->pci[l->n], name, stem);
	l->pci[l->n][stem] = '\0';
	if (sh_pci_addr_valid(l->pci[l->n]))
		l->n++;
	return 0;
}

static int cmp_pci(const void *a, const void *b)
{
	return strcmp(a, b);
}

int sh_store_list_claims(struct sh_store *s, char (**pci)[SH_PCI_LEN], size_t *n, struct sh_error *err)
{
	struct claim_list l = {0};
	int r = sh_store_each_entry(s->claims, add_claim, &l);

	*pci = NULL;
	*n = 0;
	if (r < 0) {
		free(l.pci);
		return sh_err_errno(err, -r, "read %s/claims", s->path);
	}
	if (l.n)
		qsort(l.pci, l.n, sizeof(*l.pci), cmp_pci);
	*pci = l.pci;
	*n = l.n;
	return 0;
}

static void info_from_record(const struct sh_record *r, const struct stat *st, struct sh_claim_info *info)
{
	info->state = sh_record_state(r);
	info->since = r->since ? (time_t)r->since : st->st_mtime;
	info->rec = *r;
}

int sh_store_claim_info(const char *state_dir, const char *pci, struct sh_claim_info *out, struct sh_error *err)
{
	_cleanup_store_ struct sh_store s = SH_STORE_INIT;
	struct sh_record r;
	struct stat st;
	int ret;

	if (!sh_pci_addr_valid(pci))
		return sh_err(err, EINVAL, "\"%.32s\" is not a PCI address", pci);
	if ((ret = sh_store_open(state_dir, false, &s, err)) < 0)
		return ret;
	if ((ret = sh_store_read_record(&s, pci, &r, &st, err)) < 0)
		return ret;
	info_from_record(&r, &st, out);
	return 0;
}

int sh_store_foreach_claim(const char *state_dir, int (*fn)(const struct sh_claim_info *info, void *data), void *data,
			   struct sh_error *err)
{
	_cleanup_store_ struct sh_store s = SH_STORE_INIT;
	_cleanup_free_ char(*pci)[SH_PCI_LEN] = NULL;
	struct sh_claim_info info;
	struct sh_error one;
	struct sh_record r;
	struct stat st;
	size_t i, n;
	int ret, first = 0;

	if ((ret = sh_store_open(state_dir, false, &s, err)) < 0 || (ret = sh_store_list_claims(&s, &pci, &n, err)) < 0)
		return ret;
	for (i = 0; i < n; i++) {
		ret = sh_store_read_record(&s, pci[i], &r, &st, &one);
		if (ret == -ENOENT)
			continue; /* released since the directory was read */
		if (ret < 0) {
			/* one unreadable record does not hide the others */
			if (!first) {
				first = ret;
				*err = one;
			}
			continue;
		}
		info_from_record(&r, &st, &info);
		if ((ret = fn(&info, data)) != 0)
			return ret;
	}
	return first;
}
