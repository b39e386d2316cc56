/* Network namespace pins: made under the pin's lock (which a hook holds until a record names the
 * pin), checked to hold the namespace they are named for, removed once no record names them; and
 * the holder of a namespace, found through the pins and their containers' records. */
#define _GNU_SOURCE
#include "sriov-hook/store/pin.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/files.h"
#include "sriov-hook/store/owners.h"
#include "sriov-hook/sys/netns.h"

int sh_pin_parse_name(const char *name, struct sh_pin_id *p)
{
	const char *at = strrchr(name, '@');
	struct sh_error ignored;
	size_t len = at ? (size_t)(at - name) : strlen(name);
	char tail;

	memset(p, 0, sizeof(*p));
	if (len > SH_ID_MAX)
		return -EINVAL;
	memcpy(p->id, name, len);
	p->id[len] = '\0';
	if (sh_container_id_validate(p->id, &ignored) < 0)
		return -EINVAL;
	if (!at)
		return 0;
	if (sscanf(at + 1, "%llu-%llu%c", &p->dev, &p->ino, &tail) != 2 || at[1] < '0' || at[1] > '9')
		return -EINVAL;
	p->has_ns = true;
	return 0;
}

static void pin_set_name(struct sh_pin *p, const char *name)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->rel, sizeof(p->rel), SH_STORE_PIN_DIR "/%s", name);
}

/* Whether a record names pin name: the pin of container <id> is named only by records of <id>,
 * found through its index. Unknown (an unreadable record) counts as named. */
bool sh_pin_referenced(struct sh_store *s, const char *name)
{
	char pci[64][SH_PCI_LEN], rel[NAME_MAX + 8];
	struct sh_error ignored;
	struct sh_record r;
	struct sh_pin_id id;
	size_t i, n;
	int ret;

	if (sh_pin_parse_name(name, &id) < 0)
		return false;
	snprintf(rel, sizeof(rel), SH_STORE_PIN_DIR "/%s", name);
	if (sh_store_list_owned(s, id.id, pci, SH_ARRAY_SIZE(pci), &n, &ignored) < 0 || n > SH_ARRAY_SIZE(pci))
		return true;
	for (i = 0; i < n; i++) {
		ret = sh_store_read_record(s, pci[i], &r, NULL, &ignored);
		if (ret < 0 && ret != -ENOENT)
			return true;
		if (ret == 0 && !strcmp(r.id, id.id) && !strcmp(r.pin, rel))
			return true;
	}
	return false;
}

/* What pin name holds: 1 = a network namespace (its identity in dev, ino), 0 = nothing (a plain
 * file), -errno when it cannot be opened (-ENOENT absent, -ELOOP a symlink). */
int sh_pin_holds(struct sh_store *s, const char *name, uint64_t *dev, uint64_t *ino)
{
	struct sh_error ignored;
	struct statfs sf;
	struct stat sb;
	int fd = openat(s->pins, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sf) == 0 && sf.f_type == NSFS_MAGIC && fstat(fd, &sb) == 0 &&
	    sh_netns_check_type(fd, CLONE_NEWNET, name, &ignored) == 0) {
		*dev = sb.st_dev;
		*ino = sb.st_ino;
		r = 1;
	}
	close(fd);
	return r;
}

/* Unmounts and removes a pin (with its lock held). Stacked mounts go one by one. */
int sh_store_pin_remove(struct sh_store *s, const char *name, struct sh_error *err)
{
	char path[64 + NAME_MAX];
	int i;

	/* the last component is never followed; /proc/self/fd/<dir> is the directory the store opened */
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", s->pins, name);
	for (i = 0; i < 8 && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0; i++)
		;
	if (i == 0 && errno != EINVAL && errno != ENOENT)
		return sh_err_errno(err, errno, "unmount %s/" SH_STORE_PIN_DIR "/%s", s->path, name);
	if (unlinkat(s->pins, name, 0) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove %s/" SH_STORE_PIN_DIR "/%s", s->path, name);
	return 0;
}

int sh_store_lock_pin(struct sh_store *s, const struct sh_holder *h, struct sh_pin *p, struct sh_error *err)
{
	char name[NAME_MAX + 1], lock[NAME_MAX + 8];
	int r;

	*p = SH_PIN_INIT;
	p->store = s;
	snprintf(name, sizeof(name), "%s@%llu-%llu", h->id, (unsigned long long)h->netns_dev,
		 (unsigned long long)h->netns_ino);
	pin_set_name(p, name);
	sh_store_pin_lock_name(lock, sizeof(lock), name);
	if ((r = sh_store_lock_file(s, lock, true, true, &p->lock_fd, err)) < 0)
		return sh_err_ctx(err, "pin the network namespace");
	return 0;
}

int sh_pin_make(struct sh_pin *p, int nsfd, const struct sh_holder *h, struct sh_error *err)
{
	struct sh_store *s = p->store;
	char src[64], dst[64];
	uint64_t dev, ino;
	int r, fd;

	r = sh_pin_holds(s, p->name, &dev, &ino);
	if (r == 1 && dev == h->netns_dev && ino == h->netns_ino)
		return 0;
	if (r == -ELOOP)
		return sh_err(err, ELOOP, "pin %s/%s is a symbolic link: refusing it", s->path, p->rel);
	if (r < 0 && r != -ENOENT)
		return sh_err_errno(err, -r, "open pin %s/%s", s->path, p->rel);
	/* Made by a hook that died before mounting it, or holding another namespace: never reused. */
	if (r >= 0 && (r = sh_store_pin_remove(s, p->name, err)) < 0)
		return r;
	fd = openat(s->pins, p->name, O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return sh_err_errno(err, errno, "create pin %s/%s", s->path, p->rel);
	/* Both ends through /proc/self/fd: the namespace checked before, onto the file just made. */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", nsfd);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", fd);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
		r = sh_err_errno(err, errno, "pin the network namespace on %s/%s", s->path, p->rel);
		close(fd);
		unlinkat(s->pins, p->name, 0);
		return r;
	}
	close(fd);
	if (sh_pin_holds(s, p->name, &dev, &ino) != 1 || dev != h->netns_dev || ino != h->netns_ino) {
		sh_store_pin_remove(s, p->name, NULL);
		return sh_err(err, EIO, "pin %s/%s does not hold the network namespace after mounting", s->path,
			      p->rel);
	}
	return 0;
}

int sh_pin_remove_if_unused(struct sh_pin *p, struct sh_error *err)
{
	return sh_pin_referenced(p->store, p->name) ? 0 : sh_store_pin_remove(p->store, p->name, err);
}

void sh_pin_unlock(struct sh_pin *p)
{
	char lock[NAME_MAX + 8];

	if (p->lock_fd < 0)
		return;
	sh_store_pin_lock_name(lock, sizeof(lock), p->name);
	sh_store_unlock_remove(p->store, lock, &p->lock_fd);
}

/* Locks pin name without waiting (wait=false) or waiting; 0, -EBUSY (held) or an error. */
int sh_store_lock_pin_name(struct sh_store *s, const char *name, bool wait, struct sh_pin *p, struct sh_error *err)
{
	char lock[NAME_MAX + 8];

	*p = SH_PIN_INIT;
	p->store = s;
	pin_set_name(p, name);
	sh_store_pin_lock_name(lock, sizeof(lock), name);
	return sh_store_lock_file(s, lock, true, wait, &p->lock_fd, err);
}

int sh_store_unpin_if_unused(struct sh_store *s, const char *pin, bool wait, struct sh_error *err)
{
	const char *name = sh_store_pin_name_of(pin);
	struct sh_pin p;
	int r;

	if (!name || s->pins < 0)
		return 0;
	r = sh_store_lock_pin_name(s, name, wait, &p, err);
	if (r == -EBUSY)
		return 0; /* its holder is making it or using it, and removes it if it ends unused */
	if (r < 0)
		return r;
	r = sh_pin_remove_if_unused(&p, err);
	sh_pin_unlock(&p);
	return r;
}

int sh_store_open_pin(struct sh_store *s, const char *pin, uint64_t dev, uint64_t ino, int *nsfd, struct sh_error *err)
{
	const char *name = sh_store_pin_name_of(pin);
	struct sh_error ignored;
	struct stat sb;
	int fd;

	(void)err; /* nothing to report: without its pin, the VF is looked for on the host */
	*nsfd = -1;
	if (!name || s->pins < 0)
		return -ENOENT;
	fd = openat(s->pins, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	/* A record names the namespace it was made for; a pin holding another one is not its. */
	if (sh_netns_check_type(fd, CLONE_NEWNET, name, &ignored) < 0 || fstat(fd, &sb) < 0 ||
	    ((dev || ino) && (sb.st_dev != dev || sb.st_ino != ino))) {
		close(fd);
		return -ENOENT;
	}
	*nsfd = fd;
	return 0;
}

struct pin_walk {
	struct sh_store *s;
	const char *id;
	char (*pins)[NAME_MAX + 8];
	size_t max, n;
};

static int add_pin_of(const char *name, void *data)
{
	struct pin_walk *w = data;
	struct sh_pin_id id;

	if (sh_pin_parse_name(name, &id) < 0 || strcmp(id.id, w->id) || sh_store_is_link(w->s->pins, name))
		return 0;
	if (w->n < w->max)
		snprintf(w->pins[w->n], sizeof(w->pins[0]), SH_STORE_PIN_DIR "/%s", name);
	w->n++;
	return 0;
}

int sh_store_list_pins(struct sh_store *s, const char *id, char (*pins)[NAME_MAX + 8], size_t max, size_t *n,
		       struct sh_error *err)
{
	struct pin_walk w = {s, id, pins, max, 0};
	int r = sh_store_each_entry(s->pins, add_pin_of, &w);

	*n = w.n;
	return r < 0 ? sh_err_errno(err, -r, "read %s/" SH_STORE_PIN_DIR, s->path) : 0;
}

/* ---- the holder of a network namespace -------------------------------------------------------- */

struct holder_walk {
	struct sh_store *s;
	const struct sh_holder *h;
	const char *device;
	char *holder;
	char *pci;
};

static int holder_of_pin(const char *name, void *data)
{
	struct holder_walk *w = data;
	char pci[64][SH_PCI_LEN];
	struct sh_error ignored;
	struct sh_record r;
	struct sh_pin_id id;
	struct stat sb;
	size_t i, n;

	if (sh_pin_parse_name(name, &id) < 0 || !strcmp(id.id, w->h->id))
		return 0;
	if (id.has_ns && (id.dev != w->h->netns_dev || id.ino != w->h->netns_ino))
		return 0;
	/* What the pin holds tells (a mount point stats as the mounted namespace), whatever its name
	 * says: a namespace's inode number is reused once it is gone, and a pin whose mount went with
	 * it (a crash, a lazy unmount) names a dead namespace that a new one may share numbers with. */
	if (fstatat(w->s->pins, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 || sb.st_dev != w->h->netns_dev ||
	    sb.st_ino != w->h->netns_ino)
		return 0;
	if (sh_store_list_owned(w->s, id.id, pci, SH_ARRAY_SIZE(pci), &n, &ignored) < 0)
		return 0;
	for (i = 0; i < n && i < SH_ARRAY_SIZE(pci); i++) {
		if (sh_store_read_record(w->s, pci[i], &r, NULL, &ignored) == 0 && !strcmp(r.id, id.id) &&
		    r.netns_dev == w->h->netns_dev && r.netns_ino == w->h->netns_ino && r.phase == SH_PHASE_ATTACHED &&
		    !strcmp(r.device, w->device)) {
			snprintf(w->holder, SH_ID_MAX + 1, "%s", id.id);
			if (w->pci)
				snprintf(w->pci, SH_PCI_LEN, "%s", pci[i]);
			return 1;
		}
	}
	return 0;
}

int sh_store_netns_holder(struct sh_store *s, const struct sh_holder *h, const char *device, char holder[SH_ID_MAX + 1],
			  char pci[SH_PCI_LEN], struct sh_error *err)
{
	struct holder_walk w = {s, h, device, holder, pci};
	int r;

	holder[0] = '\0';
	r = sh_store_each_entry(s->pins, holder_of_pin, &w);
	return r < 0 ? sh_err_errno(err, -r, "read %s/" SH_STORE_PIN_DIR, s->path) : 0;
}
