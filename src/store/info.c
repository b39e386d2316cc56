/* The info files under state_dir (info/<id>.json, cdi/<pci>.json): what vfio containers are told
 * of their VFs, written atomically and world-readable, for a read-only bind mount. */
#include "sriov-hook/store/info.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sriov-hook/store/files.h"

static int info_dir(struct sh_store *s, enum sh_info_kind kind, const char **sub)
{
	*sub = kind == SH_INFO_CONTAINER ? "info" : "cdi";
	return kind == SH_INFO_CONTAINER ? s->info : s->cdi;
}

/* The file name of name's info: a container id or a PCI address, both free of '/' and dots only
 * inside. */
static int info_name(const char *name, char *out, size_t len, struct sh_error *err)
{
	if (!name[0] || strchr(name, '/') || name[0] == '.' || (size_t)snprintf(out, len, "%s.json", name) >= len)
		return sh_err(err, EINVAL, "\"%.64s\" cannot name an info file", name);
	return 0;
}

int sh_store_info_write(struct sh_store *s, enum sh_info_kind kind, const char *name, const char *json,
			char path[PATH_MAX], struct sh_error *err)
{
	char file[NAME_MAX + 1];
	const char *sub;
	bool created;
	int dir = info_dir(s, kind, &sub), ret;

	if ((ret = info_name(name, file, sizeof(file) - 4, err)) < 0)
		return ret;
	if (dir < 0)
		return sh_err(err, ENOENT, "%s/%s does not exist", s->path, sub);
	if ((size_t)snprintf(path, PATH_MAX, "%s/%s/%s", s->path, sub, file) >= PATH_MAX)
		return sh_err(err, ENAMETOOLONG, "%s/%s/%s: path too long", s->path, sub, file);
	/* Read by the container through a read-only bind mount: world-readable, as /etc/resolv.conf. */
	if ((ret = sh_store_replace_at(dir, file, json, 0644, &created)) < 0)
		return created ? sh_err_errno(err, -ret, "write %s", path)
			       : sh_err_errno(err, -ret, "create %s/%s/%s.tmp", s->path, sub, file);
	return 0;
}

int sh_store_info_remove(struct sh_store *s, enum sh_info_kind kind, const char *name, struct sh_error *err)
{
	char file[NAME_MAX + 1], tmp[NAME_MAX + 8];
	const char *sub;
	int dir = info_dir(s, kind, &sub), ret;

	if ((ret = info_name(name, file, sizeof(file) - 4, err)) < 0)
		return ret;
	if (dir < 0)
		return 0;
	/* and the temporary file of a writer that died before its rename */
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	if (unlinkat(dir, tmp, 0) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove %s/%s/%s", s->path, sub, tmp);
	if (unlinkat(dir, file, 0) == 0 || errno == ENOENT)
		return 0;
	return sh_err_errno(err, errno, "remove %s/%s/%s", s->path, sub, file);
}
