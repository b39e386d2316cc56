/* The owners index: owners/<id>/<pci> for each VF container <id> may hold, made before the
 * record and removed after it, so that a container's records are found without reading them all
 * and an entry without its record is known to be a dead hook's. */
#include "sriov-hook/store/owners.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/store/files.h"

int sh_owners_add(struct sh_store *s, const char *id, const char *pci, struct sh_error *err)
{
	int d, fd, tries;

	/* A releaser of another VF of id may remove owners/<id> between mkdir and create: retry. */
	for (tries = 0; tries < 16; tries++) {
		if (mkdirat(s->owners, id, 0700) < 0 && errno != EEXIST)
			return sh_err_errno(err, errno, "index the claim of VF %s: create %s/owners/%s", pci, s->path,
					    id);
		d = openat(s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d < 0 && errno == ENOENT)
			continue;
		if (d < 0)
			return sh_err_errno(err, errno, "index the claim of VF %s: open %s/owners/%s", pci, s->path,
					    id);
		fd = openat(d, pci, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
		close(d);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (errno != ENOENT)
			return sh_err_errno(err, errno, "index the claim of VF %s: create %s/owners/%s/%s", pci,
					    s->path, id, pci);
	}
	return sh_err(err, EAGAIN, "index the claim of VF %s: %s/owners/%s keeps disappearing", pci, s->path, id);
}

/* Removes owners/<id>/<pci>, and owners/<id> once empty. */
int sh_owners_del(struct sh_store *s, const char *id, const char *pci)
{
	int d, r = 0;

	if (s->owners < 0 || !*id)
		return 0;
	d = openat(s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0)
		return errno == ENOENT ? 0 : -errno;
	if (unlinkat(d, pci, 0) < 0 && errno != ENOENT)
		r = -errno;
	close(d);
	/* fails while other VFs of the container are listed */
	unlinkat(s->owners, id, AT_REMOVEDIR);
	return r;
}

struct owned {
	char (*pci)[SH_PCI_LEN];
	size_t max, n;
};

static int add_owned(const char *name, void *data)
{
	struct owned *o = data;

	if (!sh_pci_addr_valid(name))
		return 0;
	if (o->n < o->max)
		snprintf(o->pci[o->n], SH_PCI_LEN, "%s", name);
	o->n++;
	return 0;
}

int sh_store_list_owned(struct sh_store *s, const char *id, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
			struct sh_error *err)
{
	struct owned o = {pci, max, 0};
	int d, r;

	*n = 0;
	if (s->owners < 0)
		return 0;
	d = openat(s->owners, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d < 0 && errno == ENOENT)
		return 0;
	if (d < 0)
		return sh_err_errno(err, errno, "open %s/owners/%s", s->path, id);
	r = sh_store_each_entry(d, add_owned, &o);
	close(d);
	if (r < 0)
		return sh_err_errno(err, -r, "read %s/owners/%s", s->path, id);
	*n = o.n;
	return 0;
}

/* Whether container id has no index entry left (and so no record to name its pins). */
bool sh_owners_empty(struct sh_store *s, const char *id)
{
	struct sh_error ignored;
	size_t n;

	return sh_store_list_owned(s, id, NULL, 0, &n, &ignored) == 0 && n == 0;
}
