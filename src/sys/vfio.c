/* A VF and vfio-pci through sysfs: IOMMU group and its viability, the bind to vfio-pci and the way
 * back, and the device nodes under dev_root. Every path is under the roots the caller gives, so the
 * unit tests run it on a fake tree with a fake kernel moving the driver links. */
#include "sriov-hook/sys/vfio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "sriov-hook/sys/sysfs.h"

#define POLL_STEP_MS 10
/* The kernel probes within the drivers_probe write; whatever still binds a moment later (udev, a
 * driver that defers its probe) gets this long before the driver is bound by hand, since writing
 * bind while another bind is under way fails with EBUSY. */
#define PROBE_SETTLE_MS 250

static unsigned timeout_ms = SH_VFIO_BIND_TIMEOUT_MS;

void sh_vfio_set_timeout_ms(unsigned ms)
{
	timeout_ms = ms ? ms : SH_VFIO_BIND_TIMEOUT_MS;
}

static int path_fmt(char *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int path_fmt(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_step(void)
{
	struct timespec ts = {0, POLL_STEP_MS * 1000000L};

	nanosleep(&ts, NULL);
}

/* A driver name as it appears in bus/pci/drivers/: one path component. */
static bool driver_name_ok(const char *name)
{
	size_t len = strnlen(name, SH_VFIO_DRIVER_MAX);

	return len > 0 && len < SH_VFIO_DRIVER_MAX && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static int check_pci(const char *sysfs_root, const char *pci, struct sh_error *err)
{
	char path[PATH_MAX];

	if (!sh_pci_addr_valid(pci))
		return sh_err(err, EINVAL, "%.64s is not a PCI address", pci);
	if (path_fmt(path, "%s/bus/pci/devices/%s", sysfs_root, pci) < 0)
		return sh_err(err, ENAMETOOLONG, "PCI device %s: sysfs path too long", pci);
	if (access(path, F_OK) < 0)
		return errno == ENOENT ? sh_err(err, ENODEV, "PCI device %s: not found in %s", pci, sysfs_root)
				       : sh_err_errno(err, errno, "PCI device %s", pci);
	return 0;
}

/* One write() of text to a sysfs attribute: the kernel acts on each write as a whole. */
static int attr_write(const char *path, const char *text, struct sh_error *err)
{
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);
	ssize_t n;

	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return sh_err_errno(err, errno, "open %s", path);
	errno = 0;
	n = write(fd, text, len);
	if (n < 0 || (size_t)n != len)
		return sh_err_errno(err, n < 0 ? errno : EIO, "write %s to %s", *text == '\n' ? "\\n" : text, path);
	return 0;
}

static int pci_attr_write(const char *sysfs_root, const char *pci, const char *attr, const char *text,
			  struct sh_error *err)
{
	char path[PATH_MAX];

	if (path_fmt(path, "%s/bus/pci/devices/%s/%s", sysfs_root, pci, attr) < 0)
		return sh_err(err, ENAMETOOLONG, "%s of %s: path too long", attr, pci);
	return attr_write(path, text, err);
}

/* One read of a small attribute of pci into buf (len bytes, NUL-ended): its length; -ENOENT when
 * it cannot be opened (no such attribute, or no such path), -EIO when it cannot be read. */
static ssize_t pci_attr_read(const char *sysfs_root, const char *pci, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (path_fmt(path, "%s/bus/pci/devices/%s/%s", sysfs_root, pci, attr) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0)
		return -ENOENT;
	if ((n = read(fd, buf, len - 1)) < 0)
		return -EIO;
	buf[n] = '\0';
	return n;
}

/* Whether pci's driver_override names a driver (the kernel shows "(null)" for none, a fake tree an
 * empty file). One that cannot be read counts as set; none at all, as not. */
static bool override_set(const char *sysfs_root, const char *pci)
{
	char buf[SH_VFIO_DRIVER_MAX];
	ssize_t n = pci_attr_read(sysfs_root, pci, "driver_override", buf, sizeof(buf));

	if (n < 0)
		return n == -EIO; /* no such attribute: nothing to clear */
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] && strcmp(buf, "(null)");
}

/* drivers/<driver>/{bind,unbind} or drivers_probe (driver NULL) gets pci. */
static int bus_write(const char *sysfs_root, const char *driver, const char *file, const char *pci,
		     struct sh_error *err)
{
	char path[PATH_MAX];
	int r = driver ? path_fmt(path, "%s/bus/pci/drivers/%s/%s", sysfs_root, driver, file)
		       : path_fmt(path, "%s/bus/pci/%s", sysfs_root, file);

	if (r < 0)
		return sh_err(err, ENAMETOOLONG, "%s: path too long", file);
	return attr_write(path, pci, err);
}

int sh_vfio_iommu_group(const char *sysfs_root, const char *pci, int *group, struct sh_error *err)
{
	char name[32], *end;
	long n;
	int r;

	if ((r = check_pci(sysfs_root, pci, err)) < 0)
		return r;
	r = sh_sysfs_pci_link(sysfs_root, pci, "iommu_group", name, sizeof(name));
	if (r == -ENOENT)
		return sh_err(err, ENODEV,
			      "%s has no IOMMU group (the IOMMU is off): add intel_iommu=on (Intel) or amd_iommu=on "
			      "(AMD) and iommu=pt to the kernel command line and reboot",
			      pci);
	if (r < 0)
		return sh_err_errno(err, -r, "IOMMU group of %s", pci);
	errno = 0;
	n = strtol(name, &end, 10);
	if (name[0] < '0' || name[0] > '9' || *end || errno || n > INT_MAX)
		return sh_err(err, EINVAL, "IOMMU group of %s: %s is not a group number", pci, name);
	*group = (int)n;
	return 0;
}

/* The last component of the driver link at path, "" when there is none (unbound). */
static int driver_at(const char *path, char driver[SH_VFIO_DRIVER_MAX], struct sh_error *err)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	driver[0] = '\0';
	if (n < 0)
		return errno == ENOENT ? 0 : sh_err_errno(err, errno, "read link %s", path);
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!driver_name_ok(base))
		return sh_err(err, EINVAL, "link %s: %.64s is not a driver name", path, base);
	memcpy(driver, base, strlen(base) + 1); /* driver_name_ok: shorter than SH_VFIO_DRIVER_MAX */
	return 0;
}

int sh_vfio_driver(const char *sysfs_root, const char *pci, char driver[SH_VFIO_DRIVER_MAX], struct sh_error *err)
{
	char path[PATH_MAX];
	int r;

	driver[0] = '\0';
	if ((r = check_pci(sysfs_root, pci, err)) < 0)
		return r;
	if (path_fmt(path, "%s/bus/pci/devices/%s/driver", sysfs_root, pci) < 0)
		return sh_err(err, ENAMETOOLONG, "driver of %s: path too long", pci);
	return driver_at(path, driver, err);
}

/* The drivers the kernel accepts beside vfio-pci in a group used through vfio. */
static bool group_driver_ok(const char *driver)
{
	static const char *const ok[] = {SH_VFIO_DRIVER, "pci-stub", "pcieport"};
	size_t i;

	if (!driver[0])
		return true;
	for (i = 0; i < SH_ARRAY_SIZE(ok); i++)
		if (!strcmp(driver, ok[i]))
			return true;
	return false;
}

static int not_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

int sh_vfio_group_check(const char *sysfs_root, const char *pci, int group, struct sh_error *err)
{
	char dir[PATH_MAX], path[PATH_MAX], driver[SH_VFIO_DRIVER_MAX], others[SH_ERR_MAX / 2] = "";
	struct dirent **list = NULL;
	size_t used = 0;
	int i, n, bad = 0, r = 0;
	struct sh_error ignored;

	if (group < 0)
		return sh_err(err, EINVAL, "IOMMU group %d of %s: not a group", group, pci);
	if (path_fmt(dir, "%s/kernel/iommu_groups/%d/devices", sysfs_root, group) < 0)
		return sh_err(err, ENAMETOOLONG, "IOMMU group %d: path too long", group);
	/* Sorted, so that the message names the same devices in the same order every time. */
	if ((n = scandir(dir, &list, not_dot, alphasort)) < 0)
		return sh_err_errno(err, errno, "IOMMU group %d of %s: list %s", group, pci, dir);
	for (i = 0; i < n; i++) {
		const char *dev = list[i]->d_name;

		if (strcmp(dev, pci) && path_fmt(path, "%s/%s/driver", dir, dev) == 0) {
			/* A driver link we cannot read is no proof that the device is free. */
			if (driver_at(path, driver, &ignored) < 0)
				snprintf(driver, sizeof(driver), "unknown driver");
			if (!group_driver_ok(driver)) {
				int w = snprintf(others + used, sizeof(others) - used, "%s%s (%s)", bad ? ", " : "",
						 dev, driver);
				used = w < 0 || (size_t)w >= sizeof(others) - used ? used : used + (size_t)w;
				bad++;
			}
		}
		free(list[i]);
	}
	free(list);
	if (bad)
		r = sh_err(err, EBUSY,
			   "IOMMU group %d of %s also holds %s, so the group is not viable: unbind %s or bind %s "
			   "to vfio-pci",
			   group, pci, others, bad > 1 ? "them" : "it", bad > 1 ? "them" : "it");
	return r;
}

int sh_vfio_group_devices(const char *sysfs_root, int group, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
			  struct sh_error *err)
{
	char dir[PATH_MAX];
	struct dirent **list = NULL;
	int i, count;

	*n = 0;
	if (group < 0)
		return sh_err(err, EINVAL, "IOMMU group %d is not a group", group);
	if (path_fmt(dir, "%s/kernel/iommu_groups/%d/devices", sysfs_root, group) < 0)
		return sh_err(err, ENAMETOOLONG, "IOMMU group %d: path too long", group);
	if ((count = scandir(dir, &list, not_dot, alphasort)) < 0)
		return sh_err_errno(err, errno, "IOMMU group %d: list %s", group, dir);
	for (i = 0; i < count; i++) {
		/* only names the kernel gives PCI devices: one that is not cannot be claimed */
		if (sh_pci_addr_valid(list[i]->d_name) && strlen(list[i]->d_name) < SH_PCI_LEN) {
			if (*n < max)
				memcpy(pci[*n], list[i]->d_name, strlen(list[i]->d_name) + 1);
			(*n)++;
		}
		free(list[i]);
	}
	free(list);
	return 0;
}

/* Adds to buf (len bytes, its text used so far) what fmt makes, cut at its end. */
static void buf_add(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void buf_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t at = strnlen(buf, len);
	va_list ap;

	if (at + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
}

int sh_vfio_group_vfs(const char *sysfs_root, int group, char *pcis, size_t plen, char *text, size_t tlen,
		      struct sh_error *err)
{
	char dev[64][SH_PCI_LEN];
	struct sh_pf pf[64];
	struct sh_vf vf[64];
	struct sh_error ignored;
	size_t i, n, k = 0;
	bool one_pf = true;
	int r;

	pcis[0] = text[0] = '\0';
	if ((r = sh_vfio_group_devices(sysfs_root, group, dev, SH_ARRAY_SIZE(dev), &n, err)) < 0)
		return r;
	for (i = 0; i < n && i < SH_ARRAY_SIZE(dev); i++) {
		if (sh_sysfs_vf_by_pci(sysfs_root, dev[i], &pf[k], &vf[k], &ignored) < 0)
			continue; /* not a VF: a bridge, another device */
		one_pf = one_pf && !strcmp(pf[k].pci, pf[0].pci);
		k++;
	}
	buf_add(text, tlen, "IOMMU group %d is shared by", group);
	for (i = 0; i < k; i++) {
		buf_add(pcis, plen, "%s%s", i ? "," : "", vf[i].pci);
		buf_add(text, tlen, "%s VF %u (%s)", !i ? "" : i + 1 < k ? "," : " and", vf[i].index, vf[i].pci);
		if (!one_pf)
			buf_add(text, tlen, " of %s", pf[i].name[0] ? pf[i].name : pf[i].pci);
	}
	if (one_pf && k)
		buf_add(text, tlen, " of %s", pf[0].name[0] ? pf[0].name : pf[0].pci);
	return (int)k;
}

/* Whether pci is on want now, and with a node path, that the node exists. */
static bool settled(const char *sysfs_root, const char *pci, const char *want, const char *node,
		    char cur[SH_VFIO_DRIVER_MAX], struct sh_error *err)
{
	if (sh_vfio_driver(sysfs_root, pci, cur, err) < 0 || strcmp(cur, want))
		return false;
	return !node || access(node, F_OK) == 0;
}

/* Polls until settled() or ms pass; false on timeout (cur holds the last driver seen). */
static bool wait_for(const char *sysfs_root, const char *pci, const char *want, const char *node, unsigned ms,
		     char cur[SH_VFIO_DRIVER_MAX])
{
	long long deadline = now_ms() + ms;
	struct sh_error ignored;

	for (;;) {
		if (settled(sysfs_root, pci, want, node, cur, &ignored))
			return true;
		if (now_ms() >= deadline)
			return false;
		sleep_step();
	}
}

/* Polls until the probe's outcome shows: pci on driver, or on another than from (the driver it was
 * just taken from, which may not have let go yet). cur: the last driver seen. */
static void wait_probe(const char *sysfs_root, const char *pci, const char *driver, const char *from, unsigned ms,
		       char cur[SH_VFIO_DRIVER_MAX])
{
	long long deadline = now_ms() + ms;
	struct sh_error ignored;

	for (;;) {
		if (sh_vfio_driver(sysfs_root, pci, cur, &ignored) == 0 &&
		    (!strcmp(cur, driver) || (cur[0] && strcmp(cur, from))))
			return;
		if (now_ms() >= deadline)
			return;
		sleep_step();
	}
}

/* Unbinds pci from whatever it is on, clears driver_override, probes, binds driver by hand if the
 * probe did not, and waits for it. Also the rollback of a failed bind. */
static int return_to(const char *sysfs_root, const char *pci, const char *driver, struct sh_error *err)
{
	char cur[SH_VFIO_DRIVER_MAX], from[SH_VFIO_DRIVER_MAX], path[PATH_MAX];
	long long deadline;
	int r;

	if ((r = sh_vfio_driver(sysfs_root, pci, cur, err)) < 0)
		return r;
	if (!strcmp(cur, driver))
		/* A bind cut short may have set the override and gone no further: it would send the
		 * device to vfio-pci at its next probe. */
		return override_set(sysfs_root, pci) ? pci_attr_write(sysfs_root, pci, "driver_override", "\n", err) : 0;
	/* Checked before anything is undone: without its driver the device would be left unbound. */
	if (path_fmt(path, "%s/bus/pci/drivers/%s", sysfs_root, driver) < 0)
		return sh_err(err, ENAMETOOLONG, "driver %s: path too long", driver);
	if (access(path, F_OK) < 0)
		return sh_err(err, ENOENT, "%s is not loaded: modprobe %s", driver, driver);
	snprintf(from, sizeof(from), "%s", cur);
	if (cur[0] && (r = bus_write(sysfs_root, cur, "unbind", pci, err)) < 0)
		return r;
	/* An override left in place would make the probe (and a bind by hand) pick vfio-pci again. */
	if ((r = pci_attr_write(sysfs_root, pci, "driver_override", "\n", err)) < 0 ||
	    (r = bus_write(sysfs_root, NULL, "drivers_probe", pci, err)) < 0)
		return r;
	deadline = now_ms() + timeout_ms;
	wait_probe(sysfs_root, pci, driver, from, PROBE_SETTLE_MS < timeout_ms ? PROBE_SETTLE_MS : timeout_ms, cur);
	if (strcmp(cur, driver)) {
		/* The probe chose another driver (or none): take it from that one and bind driver. */
		if (cur[0] && (r = bus_write(sysfs_root, cur, "unbind", pci, err)) < 0)
			return r;
		if ((r = bus_write(sysfs_root, driver, "bind", pci, err)) < 0)
			return r;
		if (!wait_for(sysfs_root, pci, driver, NULL, (unsigned)(deadline > now_ms() ? deadline - now_ms() : 0),
			      cur))
			return sh_err(err, ETIMEDOUT, "%s is not back on %s after %u ms (driver: %s)", pci, driver,
				      timeout_ms, cur[0] ? cur : "none");
	}
	return 0;
}

int sh_vfio_unbind(const char *sysfs_root, const char *pci, const char *driver, struct sh_error *err)
{
	int r;

	if (!driver_name_ok(driver))
		return sh_err(err, EINVAL, "give %s back to driver \"%.64s\": not a driver name", pci, driver);
	if ((r = return_to(sysfs_root, pci, driver, err)) < 0)
		return sh_err_ctx(err, "give %s back to %s", pci, driver);
	return 0;
}

int sh_pci_rebind(const char *sysfs_root, const char *pci, char driver[SH_VFIO_DRIVER_MAX], struct sh_error *err)
{
	char cur[SH_VFIO_DRIVER_MAX];
	int r;

	if ((r = sh_vfio_driver(sysfs_root, pci, driver, err)) < 0)
		return r;
	if (!driver[0] || !strcmp(driver, SH_VFIO_DRIVER))
		return sh_err(err, EINVAL, "rebind %s: it is on %s, not on its netdev driver", pci,
			      driver[0] ? driver : "no driver");
	if ((r = bus_write(sysfs_root, driver, "unbind", pci, err)) < 0)
		return sh_err_ctx(err, "rebind %s to %s", pci, driver);
	/* the driver lets go before the probe, or the probe finds it still bound */
	if (!wait_for(sysfs_root, pci, "", NULL, timeout_ms, cur))
		return sh_err(err, ETIMEDOUT, "rebind %s: still on %s %u ms after its unbind", pci, cur, timeout_ms);
	if ((r = return_to(sysfs_root, pci, driver, err)) < 0)
		return sh_err_ctx(err, "rebind %s to %s", pci, driver);
	return 0;
}

/* Puts back what a failed bind changed: no override, and pci on orig (or unbound when orig is ""). */
static int bind_rollback(const char *sysfs_root, const char *pci, const char *orig, struct sh_error *err)
{
	char cur[SH_VFIO_DRIVER_MAX];
	int r;

	if ((r = pci_attr_write(sysfs_root, pci, "driver_override", "\n", err)) < 0)
		return r;
	if (orig[0])
		return return_to(sysfs_root, pci, orig, err);
	if ((r = sh_vfio_driver(sysfs_root, pci, cur, err)) < 0)
		return r;
	return strcmp(cur, SH_VFIO_DRIVER) ? 0 : bus_write(sysfs_root, SH_VFIO_DRIVER, "unbind", pci, err);
}

static int bind_steps(const char *sysfs_root, const char *node, const char *pci, const char *cur, struct sh_error *err)
{
	char now[SH_VFIO_DRIVER_MAX];
	int r;

	if (cur[0] && (r = bus_write(sysfs_root, cur, "unbind", pci, err)) < 0)
		return r;
	if ((r = bus_write(sysfs_root, NULL, "drivers_probe", pci, err)) < 0)
		return r;
	/* The node comes from udev, after the bind itself. */
	if (!wait_for(sysfs_root, pci, SH_VFIO_DRIVER, node, timeout_ms, now))
		return strcmp(now, SH_VFIO_DRIVER)
			       ? sh_err(err, ETIMEDOUT, "not on vfio-pci after %u ms (driver: %s)", timeout_ms,
					now[0] ? now : "none")
			       : sh_err(err, ETIMEDOUT, "%s did not appear within %u ms", node, timeout_ms);
	return 0;
}

int sh_vfio_bind(const char *sysfs_root, const char *dev_root, const char *pci, int group,
		 char orig[SH_VFIO_DRIVER_MAX], struct sh_error *err)
{
	char cur[SH_VFIO_DRIVER_MAX], path[PATH_MAX], node[PATH_MAX];
	struct sh_error undo;
	int r;

	if (orig)
		orig[0] = '\0';
	if (group < 0)
		return sh_err(err, EINVAL, "bind %s to vfio-pci: IOMMU group %d is not a group", pci, group);
	if ((r = sh_vfio_driver(sysfs_root, pci, cur, err)) < 0)
		return sh_err_ctx(err, "bind %s to vfio-pci", pci);
	if (!strcmp(cur, SH_VFIO_DRIVER))
		return 0;
	if (path_fmt(path, "%s/bus/pci/drivers/%s", sysfs_root, SH_VFIO_DRIVER) < 0 ||
	    path_fmt(node, "%s/vfio/%d", dev_root, group) < 0)
		return sh_err(err, ENAMETOOLONG, "bind %s to vfio-pci: path too long", pci);
	if (access(path, F_OK) < 0)
		return sh_err(err, ENOENT, "bind %s: vfio-pci is not loaded: modprobe vfio-pci", pci);
	if (orig)
		snprintf(orig, SH_VFIO_DRIVER_MAX, "%s", cur);
	/* Nothing has changed yet when the override cannot be written: nothing to put back. */
	if ((r = pci_attr_write(sysfs_root, pci, "driver_override", SH_VFIO_DRIVER, err)) < 0)
		return sh_err_ctx(err, "bind %s to vfio-pci", pci);
	if ((r = bind_steps(sysfs_root, node, pci, cur, err)) < 0) {
		sh_err_ctx(err, "bind %s to vfio-pci", pci);
		if (bind_rollback(sysfs_root, pci, cur, &undo) < 0 && err) {
			size_t len = strlen(err->msg);

			/* Still one line: the operator must know the device was left half-way. */
			snprintf(err->msg + len, sizeof(err->msg) - len, " (and putting it back failed: %s)", undo.msg);
		}
		if (orig)
			orig[0] = '\0';
		return r;
	}
	return 0;
}

int sh_vfio_devnode(const char *dev_root, int group, struct sh_devnode *node, struct sh_error *err)
{
	char path[PATH_MAX];
	struct stat st;

	memset(node, 0, sizeof(*node));
	if (group < -1)
		return sh_err(err, EINVAL, "IOMMU group %d is not a group", group);
	if (group < 0) {
		snprintf(node->path, sizeof(node->path), "/dev/vfio/vfio");
		if (path_fmt(path, "%s/vfio/vfio", dev_root) < 0)
			return sh_err(err, ENAMETOOLONG, "%s/vfio/vfio: path too long", dev_root);
	} else {
		snprintf(node->path, sizeof(node->path), "/dev/vfio/%d", group);
		if (path_fmt(path, "%s/vfio/%d", dev_root, group) < 0)
			return sh_err(err, ENAMETOOLONG, "%s/vfio/%d: path too long", dev_root, group);
	}
	/* lstat: a link here would hand the container whatever device it points at. */
	if (lstat(path, &st) < 0)
		return errno == ENOENT
			       ? sh_err(err, ENOENT,
					"%s does not exist (is vfio-pci loaded and the device bound to it?)", path)
			       : sh_err_errno(err, errno, "stat %s", path);
	if (!S_ISCHR(st.st_mode))
		return sh_err(err, ENOTTY, "%s is not a character device", path);
	node->major = major(st.st_rdev);
	node->minor = minor(st.st_rdev);
	return 0;
}

bool sh_vfio_device_in_use(const char *sysfs_root, const char *pci)
{
	char buf[16];

	return sh_pci_addr_valid(pci) && pci_attr_read(sysfs_root, pci, "enable", buf, sizeof(buf)) > 0 &&
	       strtol(buf, NULL, 10) > 0;
}

int sh_vfio_numa_node(const char *sysfs_root, const char *pci)
{
	char buf[32], *end;
	long v;

	if (!sh_pci_addr_valid(pci) || pci_attr_read(sysfs_root, pci, "numa_node", buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || errno || (*end && strcmp(end, "\n")) || v < -1 || v > 65535)
		return -1;
	return (int)v;
}
