/* vfio-pci through sysfs on fake trees (fakesys.h): IOMMU groups and their viability, driver and
 * device node reads, and the bind and unbind sequences, which run against a fake kernel thread that
 * watches drivers_probe and the drivers' bind/unbind files and moves the driver link as the kernel
 * would, so the tests see the order of the writes and the waits on their outcome.
 *
 *   ROOT/sys/...    the sysfs tree (fakesys.h), with drivers/<name>/{bind,unbind}, drivers_probe and
 *                   each device's driver_override as plain files
 *   ROOT/dev/vfio/  the device nodes (mknod: the tests run as root)
 */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "fakesys.h"
#include "sriov-hook/sys/vfio.h"

#define PF "0000:01:00.0"
#define VF "0000:01:10.0"
#define BRIDGE "0000:00:1c.0"
#define GROUP 12
/* The timeout of the tests that wait for what never comes: long enough that a loaded machine still
 * runs the fake kernel well within it, since it must have acted before the code gives up. */
#define SHORT_MS 400
#define SHORT_MS_TEXT "400"

struct tree {
	char dir[64];
	char sys[96];
	char dev[96];
};

static void touch(const char *path)
{
	write_text(path, "");
}

/* The bus files every driver directory has, and the bus's drivers_probe. */
static void add_driver(const struct tree *t, const char *driver)
{
	char path[PATH_MAX];

	fs_path(path, t->sys, "bus/pci/drivers/%s", driver);
	fs_mkdir_p(path);
	fs_path(path, t->sys, "bus/pci/drivers/%s/bind", driver);
	touch(path);
	fs_path(path, t->sys, "bus/pci/drivers/%s/unbind", driver);
	touch(path);
}

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	char path[PATH_MAX];

	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/sriov-hook-test-vfio-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->sys, sizeof(t->sys), "%s/sys", t->dir);
	snprintf(t->dev, sizeof(t->dev), "%s/dev", t->dir);
	fs_mkdir_p(t->sys);
	fs_mkdir_p(t->dev);
	/* A PF on igb and its VF on igbvf, the VF alone in its group (as with QEMU's intel-iommu). */
	fs_pf(t->sys, PF, "eth0", "1\n", "7\n");
	fs_vf(t->sys, PF, 0, VF, "eth0v0", "igbvf");
	fs_iommu_group(t->sys, PF, 3);
	fs_iommu_group(t->sys, VF, GROUP);
	fs_attr(t->sys, VF, "driver_override", "");
	add_driver(t, "igb");
	add_driver(t, "igbvf");
	add_driver(t, "vfio-pci");
	fs_path(path, t->sys, "bus/pci/drivers_probe");
	touch(path);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;

	sh_vfio_set_timeout_ms(0);
	rm_tree(t->dir);
	free(t);
	return 0;
}

/* A file's content, "" when absent. */
static void slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

static void vf_file(const struct tree *t, const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];

	fs_path(path, t->sys, "%s", rel);
	slurp(path, buf, len);
}

static void override_of(const struct tree *t, char *buf, size_t len)
{
	vf_file(t, "devices/pci0000:00/" VF "/driver_override", buf, len);
}

/* Every bus file the code may write is as it was (empty), and driver_override holds override. */
static void set_override(const struct tree *t, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override", t->sys, VF);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void assert_nothing_written(const struct tree *t, const char *override)
{
	static const char *const files[] = {
		"bus/pci/drivers_probe",	   "bus/pci/drivers/igb/bind",	   "bus/pci/drivers/igb/unbind",
		"bus/pci/drivers/igbvf/bind",	   "bus/pci/drivers/igbvf/unbind", "bus/pci/drivers/vfio-pci/bind",
		"bus/pci/drivers/vfio-pci/unbind",
	};
	char buf[128];
	size_t i;

	for (i = 0; i < SH_ARRAY_SIZE(files); i++) {
		vf_file(t, files[i], buf, sizeof(buf));
		if (buf[0])
			fail_msg("%s was written: \"%s\"", files[i], buf);
	}
	override_of(t, buf, sizeof(buf));
	assert_string_equal(buf, override);
}

static void make_node(const struct tree *t, const char *name, mode_t mode, dev_t dev)
{
	char path[PATH_MAX];

	fs_path(path, t->dev, "vfio");
	fs_mkdir_p(path);
	fs_path(path, t->dev, "vfio/%s", name);
	if (mknod(path, mode, dev) < 0) {
		if (errno == EPERM)
			skip();
		fail_msg("mknod %s: %s", path, strerror(errno));
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the fake kernel ----------------------------------------------------------------------------- */

struct fake_kernel {
	const struct tree *t;
	const char *native; /* what a probe without override binds (the VF's own driver) */
	bool vfio_refuses;  /* a probe with override vfio-pci leaves the device unbound */
	bool no_autoprobe;  /* a probe without override leaves it unbound */
	bool no_node;	    /* vfio-pci binds but /dev/vfio/<group> never shows */
	bool ignores_bind;  /* drivers/<x>/bind does nothing */
	atomic_bool stop;
	pthread_t thread;
	char log[16][128];
	int nlog;
};

static void fk_log(struct fake_kernel *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fk_log(struct fake_kernel *k, const char *fmt, ...)
{
	va_list ap;

	if (k->nlog >= (int)SH_ARRAY_SIZE(k->log))
		return;
	va_start(ap, fmt);
	vsnprintf(k->log[k->nlog++], sizeof(k->log[0]), fmt, ap);
	va_end(ap);
}

/* What was written to path since the last look (the file is emptied), trailing newline cut. */
static bool fk_take(const char *path, char *buf, size_t len)
{
	slurp(path, buf, len);
	if (!buf[0])
		return false;
	if (truncate(path, 0) < 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static void fk_driver(struct fake_kernel *k, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	char *base;

	fs_path(path, k->t->sys, "devices/pci0000:00/" VF "/driver");
	n = readlink(path, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, len, "%.63s", base ? base + 1 : target);
}

static void fk_bind(struct fake_kernel *k, const char *driver)
{
	char path[PATH_MAX], target[PATH_MAX];

	fs_path(path, k->t->sys, "devices/pci0000:00/" VF "/driver");
	snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
	if (symlink(target, path) < 0)
		return;
	if (!strcmp(driver, "vfio-pci") && !k->no_node) {
		fs_path(path, k->t->dev, "vfio");
		mkdir(path, 0755);
		fs_path(path, k->t->dev, "vfio/%d", GROUP);
		/* udev makes the node a little after the bind */
		usleep(5000);
		if (mknod(path, S_IFCHR | 0600, makedev(243, 0)) < 0)
			write_text(path, "");
	}
}

static void fk_unbind(struct fake_kernel *k, const char *driver)
{
	char path[PATH_MAX];

	fs_path(path, k->t->sys, "devices/pci0000:00/" VF "/driver");
	unlink(path);
	if (!strcmp(driver, "vfio-pci")) {
		fs_path(path, k->t->dev, "vfio/%d", GROUP);
		unlink(path);
	}
}

static const char *const fk_drivers[] = {"igb", "igbvf", "vfio-pci"};
#define FK_NDRV ((int)SH_ARRAY_SIZE(fk_drivers))

/* The bus files in the order the code writes them when it writes several at once (unbind, then
 * probe, then bind): slot i < FK_NDRV unbind of fk_drivers[i], FK_NDRV drivers_probe, then bind. */
static void fk_slot_path(const struct fake_kernel *k, int slot, char path[PATH_MAX])
{
	if (slot < FK_NDRV)
		fs_path(path, k->t->sys, "bus/pci/drivers/%s/unbind", fk_drivers[slot]);
	else if (slot == FK_NDRV)
		fs_path(path, k->t->sys, "bus/pci/drivers_probe");
	else
		fs_path(path, k->t->sys, "bus/pci/drivers/%s/bind", fk_drivers[slot - FK_NDRV - 1]);
}

static int fk_first_written(const struct fake_kernel *k)
{
	char path[PATH_MAX];
	struct stat st;
	int slot;

	for (slot = 0; slot < 2 * FK_NDRV + 1; slot++) {
		fk_slot_path(k, slot, path);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
			return slot;
	}
	return -1;
}

static void fk_override(const struct fake_kernel *k, char *buf, size_t len)
{
	char path[PATH_MAX];

	fs_path(path, k->t->sys, "devices/pci0000:00/" VF "/driver_override");
	slurp(path, buf, len);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Acts on one write, the first the code made. A scan can see a later file written and miss the
 * one written just before it (it had already looked there): a second scan, begun after the first
 * saw a write, sees every write made before that one. */
static bool fk_step(struct fake_kernel *k)
{
	char path[PATH_MAX], buf[128], cur[64], override[64];
	const char *drv, *to = NULL;
	int slot;

	if (fk_first_written(k) < 0 || (slot = fk_first_written(k)) < 0)
		return false;
	fk_slot_path(k, slot, path);
	if (!fk_take(path, buf, sizeof(buf)))
		return true;
	fk_driver(k, cur, sizeof(cur));
	fk_override(k, override, sizeof(override));
	if (slot < FK_NDRV) {
		drv = fk_drivers[slot];
		if (strcmp(buf, VF) || strcmp(cur, drv)) {
			fk_log(k, "unbind %s %s: ENODEV", drv, buf);
		} else {
			fk_unbind(k, cur);
			fk_log(k, "unbind %s", drv);
		}
	} else if (slot == FK_NDRV) {
		if (strcmp(buf, VF))
			to = "ENODEV";
		else if (cur[0])
			to = cur;
		else if (override[0] && !(k->vfio_refuses && !strcmp(override, "vfio-pci")))
			to = override;
		else if (!override[0] && !k->no_autoprobe)
			to = k->native;
		if (to && !cur[0] && strcmp(to, "ENODEV"))
			fk_bind(k, to);
		fk_log(k, "probe override=%s -> %s", override[0] ? override : "none", to ? to : "none");
	} else {
		drv = fk_drivers[slot - FK_NDRV - 1];
		if (cur[0]) {
			fk_log(k, "bind %s: EBUSY", drv);
		} else if (override[0] && strcmp(override, drv)) {
			fk_log(k, "bind %s: ENODEV (override %s)", drv, override);
		} else if (k->ignores_bind) {
			fk_log(k, "bind %s: ignored", drv);
		} else {
			fk_bind(k, drv);
			fk_log(k, "bind %s", drv);
		}
	}
	return true;
}

static void *fk_run(void *arg)
{
	struct fake_kernel *k = arg;

	while (!atomic_load(&k->stop))
		if (!fk_step(k))
			usleep(1000);
	return NULL;
}

static void fk_start(struct fake_kernel *k, const struct tree *t)
{
	k->t = t;
	if (!k->native)
		k->native = "igbvf";
	atomic_init(&k->stop, false);
	assert_int_equal(pthread_create(&k->thread, NULL, fk_run, k), 0);
}

/* Stops the fake kernel after a last look, so that no write of the code under test goes unseen. */
static void fk_stop(struct fake_kernel *k)
{
	atomic_store(&k->stop, true);
	assert_int_equal(pthread_join(k->thread, NULL), 0);
	while (fk_step(k))
		;
}

static void assert_log(const struct fake_kernel *k, const char *const *want, int n)
{
	int i;

	for (i = 0; i < k->nlog || i < n; i++)
		if (i >= k->nlog || i >= n || strcmp(k->log[i], want[i])) {
			for (int j = 0; j < k->nlog; j++)
				print_message("fake kernel: %s\n", k->log[j]);
			fail_msg("step %d: got \"%s\", want \"%s\"", i, i < k->nlog ? k->log[i] : "(nothing)",
				 i < n ? want[i] : "(nothing)");
		}
}

static void assert_driver(const struct tree *t, const char *want)
{
	char driver[SH_VFIO_DRIVER_MAX];
	struct sh_error err = {0};

	assert_int_equal(sh_vfio_driver(t->sys, VF, driver, &err), 0);
	assert_string_equal(driver, want);
}

static bool node_exists(const struct tree *t)
{
	char path[PATH_MAX];

	fs_path(path, t->dev, "vfio/%d", GROUP);
	return access(path, F_OK) == 0;
}

static void assert_one_line(const struct sh_error *err)
{
	assert_non_null(strstr(err->msg, VF));
	assert_null(strchr(err->msg, '\n'));
}

/* ---- IOMMU group ------------------------------------------------------------------------------- */

static void test_group_found(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};
	int group = -1;

	assert_int_equal(sh_vfio_iommu_group(t->sys, VF, &group, &err), 0);
	assert_int_equal(group, GROUP);
	assert_int_equal(sh_vfio_iommu_group(t->sys, PF, &group, &err), 0);
	assert_int_equal(group, 3);
}

/* No iommu_group link: the IOMMU is off, and the message says how to turn it on. */
static void test_group_iommu_off(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};
	char path[PATH_MAX];
	int group = -1;

	fs_path(path, t->sys, "devices/pci0000:00/%s/iommu_group", VF);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sh_vfio_iommu_group(t->sys, VF, &group, &err), -ENODEV);
	assert_int_equal(group, -1);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "intel_iommu=on"));
	assert_non_null(strstr(err.msg, "amd_iommu=on"));
	assert_non_null(strstr(err.msg, "iommu=pt"));
	assert_non_null(strstr(err.msg, "kernel command line"));
}

/* An absent device is not taken for an IOMMU that is off; a name that is no PCI address is refused
 * before it becomes a path. */
static void test_group_bad_device(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};
	int group = -1;

	assert_int_equal(sh_vfio_iommu_group(t->sys, "0000:02:00.0", &group, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "not found"));
	assert_null(strstr(err.msg, "iommu"));
	assert_int_equal(sh_vfio_iommu_group(t->sys, "../../../etc", &group, &err), -EINVAL);
}

static void test_group_link_not_a_number(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};
	char path[PATH_MAX];
	int group = -1;

	fs_path(path, t->sys, "devices/pci0000:00/%s/iommu_group", VF);
	fs_link("../../../kernel/iommu_groups/12x", path);
	assert_int_equal(sh_vfio_iommu_group(t->sys, VF, &group, &err), -EINVAL);
	fs_link("../../../kernel/iommu_groups/-1", path);
	assert_int_equal(sh_vfio_iommu_group(t->sys, VF, &group, &err), -EINVAL);
	assert_int_equal(group, -1);
}

/* ---- group viability ----------------------------------------------------------------------------- */

static void test_viable_alone(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};

	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), 0);
}

/* vfio-pci, pci-stub and pcieport neighbours, and unbound ones, leave the group viable. */
static void test_viable_with_allowed_neighbours(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};

	fs_pci(t->sys, "0000:01:10.2");
	fs_driver(t->sys, "0000:01:10.2", "vfio-pci");
	fs_iommu_group(t->sys, "0000:01:10.2", GROUP);
	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), 0);
	fs_pci(t->sys, BRIDGE);
	fs_driver(t->sys, BRIDGE, "pcieport");
	fs_iommu_group(t->sys, BRIDGE, GROUP);
	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), 0);
	fs_pci(t->sys, "0000:01:10.4");
	fs_iommu_group(t->sys, "0000:01:10.4", GROUP);
	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), 0);
	fs_pci(t->sys, "0000:01:10.6");
	fs_driver(t->sys, "0000:01:10.6", "pci-stub");
	fs_iommu_group(t->sys, "0000:01:10.6", GROUP);
	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), 0);
}

/* A neighbour on a host driver: refused, naming each such device and its driver and what to do. */
static void test_not_viable(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};

	fs_iommu_group(t->sys, PF, GROUP);
	fs_pci(t->sys, BRIDGE);
	fs_driver(t->sys, BRIDGE, "pcieport");
	fs_iommu_group(t->sys, BRIDGE, GROUP);
	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), -EBUSY);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "IOMMU group 12 of " VF " also holds " PF " (igb), so the group is not viable: "));
	assert_null(strstr(err.msg, BRIDGE));
	assert_non_null(strstr(err.msg, "unbind it or bind it to vfio-pci"));

	fs_pci(t->sys, "0000:01:00.1");
	fs_driver(t->sys, "0000:01:00.1", "e1000e");
	fs_iommu_group(t->sys, "0000:01:00.1", GROUP);
	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "also holds " PF " (igb), 0000:01:00.1 (e1000e), so the group is not viable: unbind them"));
}

/* A neighbour whose driver cannot be read is not taken for a free one. */
static void test_not_viable_unreadable_driver(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};

	fs_pci(t->sys, "0000:01:10.2");
	fs_attr(t->sys, "0000:01:10.2", "driver", "not a link");
	fs_iommu_group(t->sys, "0000:01:10.2", GROUP);
	assert_int_equal(sh_vfio_group_check(t->sys, VF, GROUP, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "also holds 0000:01:10.2 (unknown driver)"));
}

static void test_group_missing(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};

	assert_int_equal(sh_vfio_group_check(t->sys, VF, 99, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "IOMMU group 99"));
	assert_int_equal(sh_vfio_group_check(t->sys, VF, -1, &err), -EINVAL);
}

/* ---- driver, device nodes, NUMA node ------------------------------------------------------------- */

static void test_driver(void **state)
{
	struct tree *t = *state;
	char driver[SH_VFIO_DRIVER_MAX] = "x";
	struct sh_error err = {0};

	assert_driver(t, "igbvf");
	fs_pci(t->sys, "0000:01:10.2");
	assert_int_equal(sh_vfio_driver(t->sys, "0000:01:10.2", driver, &err), 0);
	assert_string_equal(driver, "");
	assert_int_equal(sh_vfio_driver(t->sys, "0000:09:00.0", driver, &err), -ENODEV);
	assert_int_equal(sh_vfio_driver(t->sys, "igbvf", driver, &err), -EINVAL);
}

static void test_devnode(void **state)
{
	struct tree *t = *state;
	struct sh_devnode node;
	struct sh_error err = {0};

	make_node(t, "vfio", S_IFCHR | 0666, makedev(10, 196));
	make_node(t, "12", S_IFCHR | 0600, makedev(243, 7));
	assert_int_equal(sh_vfio_devnode(t->dev, -1, &node, &err), 0);
	assert_string_equal(node.path, "/dev/vfio/vfio");
	assert_int_equal(node.major, 10);
	assert_int_equal(node.minor, 196);
	assert_int_equal(sh_vfio_devnode(t->dev, GROUP, &node, &err), 0);
	assert_string_equal(node.path, "/dev/vfio/12");
	assert_int_equal(node.major, 243);
	assert_int_equal(node.minor, 7);
}

static void test_devnode_missing(void **state)
{
	struct tree *t = *state;
	struct sh_devnode node;
	struct sh_error err = {0};

	assert_int_equal(sh_vfio_devnode(t->dev, GROUP, &node, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/vfio/12"));
	assert_int_equal(sh_vfio_devnode(t->dev, -1, &node, &err), -ENOENT);
	assert_int_equal(sh_vfio_devnode(t->dev, -2, &node, &err), -EINVAL);
}

/* A regular file, a directory or a link to a real node are not the group's device. */
static void test_devnode_not_chr(void **state)
{
	struct tree *t = *state;
	struct sh_devnode node;
	struct sh_error err = {0};
	char path[PATH_MAX];

	make_node(t, "vfio", S_IFCHR | 0666, makedev(10, 196));
	fs_path(path, t->dev, "vfio/12");
	write_text(path, "");
	assert_int_equal(sh_vfio_devnode(t->dev, GROUP, &node, &err), -ENOTTY);
	assert_non_null(strstr(err.msg, "not a character device"));
	unlink(path);
	fs_mkdir_p(path);
	assert_int_equal(sh_vfio_devnode(t->dev, GROUP, &node, &err), -ENOTTY);
	rmdir(path);
	fs_link("vfio", path);
	assert_int_equal(sh_vfio_devnode(t->dev, GROUP, &node, &err), -ENOTTY);
}

/* vfio-pci enables a device while a user has it open: its enable attribute tells. */
static void test_in_use(void **state)
{
	struct tree *t = *state;

	(void)state;
	assert_false(sh_vfio_device_in_use(t->sys, VF)); /* no attribute */
	fs_attr(t->sys, VF, "enable", "0\n");
	assert_false(sh_vfio_device_in_use(t->sys, VF));
	fs_attr(t->sys, VF, "enable", "1\n");
	assert_true(sh_vfio_device_in_use(t->sys, VF));
	fs_attr(t->sys, VF, "enable", "");
	assert_false(sh_vfio_device_in_use(t->sys, VF));
	assert_false(sh_vfio_device_in_use(t->sys, "../x"));
}

static void test_numa_node(void **state)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {
		{"0\n", 0},	{"1\n", 1},   {"3", 3},
		{"-1\n", -1},	{"", -1},     {"abc\n", -1},
		{"2 x\n", -1},	{"-2\n", -1}, {"99999999999999999999\n", -1},
		{"1\n2\n", -1},
	};
	struct tree *t = *state;
	char path[PATH_MAX];
	size_t i;

	assert_int_equal(sh_vfio_numa_node(t->sys, VF), -1);
	for (i = 0; i < SH_ARRAY_SIZE(cases); i++) {
		fs_attr(t->sys, VF, "numa_node", cases[i].text);
		if (sh_vfio_numa_node(t->sys, VF) != cases[i].want)
			fail_msg("numa_node \"%s\": got %d, want %d", cases[i].text, sh_vfio_numa_node(t->sys, VF),
				 cases[i].want);
	}
	/* An attribute that is a link is not the kernel's. */
	fs_attr(t->sys, PF, "numa_node", "1\n");
	fs_path(path, t->sys, "devices/pci0000:00/%s/numa_node", VF);
	fs_link("../" PF "/numa_node", path);
	assert_int_equal(sh_vfio_numa_node(t->sys, VF), -1);
	assert_int_equal(sh_vfio_numa_node(t->sys, "../" PF), -1);
}

/* ---- bind ---------------------------------------------------------------------------------------- */

static void test_bind_already_vfio(void **state)
{
	struct tree *t = *state;
	char orig[SH_VFIO_DRIVER_MAX] = "x";
	struct sh_error err = {0};

	fs_driver(t->sys, VF, "vfio-pci");
	assert_int_equal(sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err), 0);
	assert_string_equal(orig, "");
	assert_nothing_written(t, "");
	assert_driver(t, "vfio-pci");
}

static void test_bind_vfio_not_loaded(void **state)
{
	struct tree *t = *state;
	char orig[SH_VFIO_DRIVER_MAX] = "x", path[PATH_MAX];
	struct sh_error err = {0};

	fs_path(path, t->sys, "bus/pci/drivers/vfio-pci");
	rm_tree(path);
	assert_int_equal(sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err), -ENOENT);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "vfio-pci is not loaded: modprobe vfio-pci"));
	assert_string_equal(orig, "");
	assert_nothing_written(t, "");
	assert_driver(t, "igbvf");
}

/* override, unbind from igbvf, probe; returns once vfio-pci holds it and the node is there. */
static void test_bind(void **state)
{
	static const char *const want[] = {"unbind igbvf", "probe override=vfio-pci -> vfio-pci"};
	struct tree *t = *state;
	struct fake_kernel k = {0};
	char orig[SH_VFIO_DRIVER_MAX] = "", buf[64];
	struct sh_error err = {0};
	bool node;
	int r;

	fk_start(&k, t);
	r = sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err);
	/* Before the fake kernel stops: the node must already be there, not come later. */
	node = node_exists(t);
	fk_stop(&k);
	if (r < 0)
		fail_msg("%s", err.msg);
	assert_true(node);
	assert_string_equal(orig, "igbvf");
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "vfio-pci");
	override_of(t, buf, sizeof(buf));
	assert_string_equal(buf, "vfio-pci");
}

/* An unbound VF needs no unbind, and there is no driver to go back to. */
static void test_bind_from_unbound(void **state)
{
	static const char *const want[] = {"probe override=vfio-pci -> vfio-pci"};
	struct tree *t = *state;
	struct fake_kernel k = {0};
	char orig[SH_VFIO_DRIVER_MAX] = "x", path[PATH_MAX];
	struct sh_error err = {0};
	int r;

	fs_path(path, t->sys, "devices/pci0000:00/%s/driver", VF);
	assert_int_equal(unlink(path), 0);
	fk_start(&k, t);
	r = sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err);
	fk_stop(&k);
	assert_int_equal(r, 0);
	assert_string_equal(orig, "");
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "vfio-pci");
}

/* From unbound, the way back is just off vfio-pci: no probe that would bind some driver. */
static void test_bind_from_unbound_no_node(void **state)
{
	static const char *const want[] = {"probe override=vfio-pci -> vfio-pci", "unbind vfio-pci"};
	struct tree *t = *state;
	struct fake_kernel k = {.no_node = true};
	char path[PATH_MAX], buf[64];
	struct sh_error err = {0};
	int r;

	fs_path(path, t->sys, "devices/pci0000:00/%s/driver", VF);
	assert_int_equal(unlink(path), 0);
	sh_vfio_set_timeout_ms(SHORT_MS);
	fk_start(&k, t);
	r = sh_vfio_bind(t->sys, t->dev, VF, GROUP, NULL, &err);
	fk_stop(&k);
	assert_int_equal(r, -ETIMEDOUT);
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "");
	override_of(t, buf, sizeof(buf));
	assert_string_equal(buf, "\n");
}

/* vfio-pci never takes the device: the bind times out, and the override goes and igbvf comes back. */
static void test_bind_timeout_rolls_back(void **state)
{
	static const char *const want[] = {"unbind igbvf", "probe override=vfio-pci -> none",
					   "probe override=none -> igbvf"};
	struct tree *t = *state;
	struct fake_kernel k = {.vfio_refuses = true};
	char orig[SH_VFIO_DRIVER_MAX] = "x", buf[64];
	struct sh_error err = {0};
	long long start;
	int r;

	sh_vfio_set_timeout_ms(SHORT_MS);
	fk_start(&k, t);
	start = now_ms();
	r = sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err);
	fk_stop(&k);
	assert_int_equal(r, -ETIMEDOUT);
	assert_true(now_ms() - start >= SHORT_MS);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "not on vfio-pci after " SHORT_MS_TEXT " ms (driver: none)"));
	assert_null(strstr(err.msg, "putting it back failed"));
	assert_string_equal(orig, "");
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "igbvf");
	override_of(t, buf, sizeof(buf));
	assert_string_equal(buf, "\n");
	assert_false(node_exists(t));
}

/* On vfio-pci but no /dev/vfio/<group>: not usable, so it goes back to igbvf. */
static void test_bind_no_node_rolls_back(void **state)
{
	static const char *const want[] = {"unbind igbvf", "probe override=vfio-pci -> vfio-pci", "unbind vfio-pci",
					   "probe override=none -> igbvf"};
	struct tree *t = *state;
	struct fake_kernel k = {.no_node = true};
	char orig[SH_VFIO_DRIVER_MAX] = "x", buf[64];
	struct sh_error err = {0};
	int r;

	sh_vfio_set_timeout_ms(SHORT_MS);
	fk_start(&k, t);
	r = sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err);
	fk_stop(&k);
	assert_int_equal(r, -ETIMEDOUT);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "/dev/vfio/12 did not appear"));
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "igbvf");
	override_of(t, buf, sizeof(buf));
	assert_string_equal(buf, "\n");
}

/* When the probe does not bring igbvf back, the rollback binds it by hand. */
static void test_bind_rollback_binds_by_hand(void **state)
{
	static const char *const want[] = {"unbind igbvf", "probe override=vfio-pci -> none",
					   "probe override=none -> none", "bind igbvf"};
	struct tree *t = *state;
	struct fake_kernel k = {.vfio_refuses = true, .no_autoprobe = true};
	char orig[SH_VFIO_DRIVER_MAX] = "x";
	struct sh_error err = {0};
	int r;

	sh_vfio_set_timeout_ms(SHORT_MS);
	fk_start(&k, t);
	r = sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err);
	fk_stop(&k);
	assert_int_equal(r, -ETIMEDOUT);
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "igbvf");
}

/* A rollback that fails too is said in the same line. */
static void test_bind_rollback_fails(void **state)
{
	struct tree *t = *state;
	struct fake_kernel k = {.vfio_refuses = true, .no_autoprobe = true, .ignores_bind = true};
	char orig[SH_VFIO_DRIVER_MAX] = "x";
	struct sh_error err = {0};
	int r;

	sh_vfio_set_timeout_ms(SHORT_MS);
	fk_start(&k, t);
	r = sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err);
	fk_stop(&k);
	assert_int_equal(r, -ETIMEDOUT);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "not on vfio-pci after " SHORT_MS_TEXT " ms"));
	assert_non_null(strstr(err.msg, "(and putting it back failed: "));
	assert_non_null(strstr(err.msg, "not back on igbvf"));
}

/* A failed write is the error reported, and what was done before it is put back: here the
 * override (the VF never left igbvf). */
static void test_bind_unbind_write_fails(void **state)
{
	struct tree *t = *state;
	char orig[SH_VFIO_DRIVER_MAX] = "x", path[PATH_MAX], buf[64];
	struct sh_error err = {0};

	fs_path(path, t->sys, "bus/pci/drivers/igbvf/unbind");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(sh_vfio_bind(t->sys, t->dev, VF, GROUP, orig, &err), -EISDIR);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "bind " VF " to vfio-pci: open "));
	assert_non_null(strstr(err.msg, "igbvf/unbind: Is a directory"));
	assert_null(strstr(err.msg, "putting it back failed"));
	assert_string_equal(orig, "");
	assert_driver(t, "igbvf");
	override_of(t, buf, sizeof(buf));
	assert_string_equal(buf, "\n");
	vf_file(t, "bus/pci/drivers_probe", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* An attribute that is a link is not followed: what it points at stays as it was. */
static void test_bind_override_link(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX], target[PATH_MAX], buf[64];
	struct sh_error err = {0};

	fs_path(target, t->dir, "elsewhere");
	write_text(target, "precious\n");
	fs_path(path, t->sys, "devices/pci0000:00/%s/driver_override", VF);
	fs_link(target, path);
	assert_int_equal(sh_vfio_bind(t->sys, t->dev, VF, GROUP, NULL, &err), -ELOOP);
	slurp(target, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	assert_driver(t, "igbvf");
}

/* A kernel without driver_override: nothing else is written. */
static void test_bind_no_override(void **state)
{
	struct tree *t = *state;
	char path[PATH_MAX];
	struct sh_error err = {0};

	fs_path(path, t->sys, "devices/pci0000:00/%s/driver_override", VF);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sh_vfio_bind(t->sys, t->dev, VF, GROUP, NULL, &err), -ENOENT);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "driver_override"));
	assert_null(strstr(err.msg, "putting it back failed"));
	assert_nothing_written(t, "");
	assert_driver(t, "igbvf");
}

static void test_bind_bad_group(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};

	assert_int_equal(sh_vfio_bind(t->sys, t->dev, VF, -1, NULL, &err), -EINVAL);
	assert_int_equal(sh_vfio_bind(t->sys, t->dev, "../x", GROUP, NULL, &err), -EINVAL);
	assert_nothing_written(t, "");
}

/* ---- unbind -------------------------------------------------------------------------------------- */

static void on_vfio(const struct tree *t)
{
	fs_driver(t->sys, VF, "vfio-pci");
	fs_attr(t->sys, VF, "driver_override", "vfio-pci\n");
}

/* unbind from vfio-pci, override cleared before the probe, which brings igbvf back. */
static void test_unbind(void **state)
{
	static const char *const want[] = {"unbind vfio-pci", "probe override=none -> igbvf"};
	struct tree *t = *state;
	struct fake_kernel k = {0};
	struct sh_error err = {0};
	char buf[64];
	int r;

	on_vfio(t);
	fk_start(&k, t);
	r = sh_vfio_unbind(t->sys, VF, "igbvf", &err);
	fk_stop(&k);
	assert_int_equal(r, 0);
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "igbvf");
	override_of(t, buf, sizeof(buf));
	assert_string_equal(buf, "\n");
}

/* The probe binds nothing (or something else): the driver is bound by hand. */
static void test_unbind_binds_by_hand(void **state)
{
	static const char *const want[] = {"unbind vfio-pci", "probe override=none -> none", "bind igbvf"};
	static const char *const other[] = {"unbind vfio-pci", "probe override=none -> igb", "unbind igb",
					    "bind igbvf"};
	struct tree *t = *state;
	struct fake_kernel k = {.no_autoprobe = true};
	struct fake_kernel k2 = {.native = "igb"};
	struct sh_error err = {0};
	int r;

	on_vfio(t);
	fk_start(&k, t);
	r = sh_vfio_unbind(t->sys, VF, "igbvf", &err);
	fk_stop(&k);
	assert_int_equal(r, 0);
	assert_log(&k, want, SH_ARRAY_SIZE(want));
	assert_driver(t, "igbvf");

	on_vfio(t);
	fk_start(&k2, t);
	r = sh_vfio_unbind(t->sys, VF, "igbvf", &err);
	fk_stop(&k2);
	assert_int_equal(r, 0);
	assert_log(&k2, other, SH_ARRAY_SIZE(other));
	assert_driver(t, "igbvf");
}

static void test_unbind_already_there(void **state)
{
	struct tree *t = *state;
	struct sh_error err = {0};

	assert_int_equal(sh_vfio_unbind(t->sys, VF, "igbvf", &err), 0);
	assert_nothing_written(t, "");
	/* a bind killed after setting the override: the override goes, nothing else is written */
	set_override(t, "vfio-pci");
	assert_int_equal(sh_vfio_unbind(t->sys, VF, "igbvf", &err), 0);
	assert_nothing_written(t, "\n");
	set_override(t, "(null)\n"); /* the kernel's word for none */
	assert_int_equal(sh_vfio_unbind(t->sys, VF, "igbvf", &err), 0);
	assert_nothing_written(t, "(null)\n");
}

/* The name comes from a claim record: it must be one directory of bus/pci/drivers. */
static void test_unbind_bad_driver(void **state)
{
	static const char *const bad[] = {"", ".", "..", "../igbvf", "igbvf/", "x/../../y"};
	struct tree *t = *state;
	struct sh_error err = {0};
	char longname[SH_VFIO_DRIVER_MAX + 1];
	size_t i;

	on_vfio(t);
	for (i = 0; i < SH_ARRAY_SIZE(bad); i++)
		if (sh_vfio_unbind(t->sys, VF, bad[i], &err) != -EINVAL)
			fail_msg("driver \"%s\" was taken", bad[i]);
	memset(longname, 'a', SH_VFIO_DRIVER_MAX);
	longname[SH_VFIO_DRIVER_MAX] = '\0';
	assert_int_equal(sh_vfio_unbind(t->sys, VF, longname, &err), -EINVAL);
	longname[SH_VFIO_DRIVER_MAX - 1] = '\0';
	/* A name, but of no loaded driver: refused before the device leaves vfio-pci. */
	assert_int_equal(sh_vfio_unbind(t->sys, VF, longname, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "is not loaded: modprobe aaaa"));
	assert_nothing_written(t, "vfio-pci\n");
	assert_driver(t, "vfio-pci");
}

/* igbvf never takes it back: a timeout that names the device and the driver. */
static void test_unbind_timeout(void **state)
{
	struct tree *t = *state;
	struct fake_kernel k = {.no_autoprobe = true, .ignores_bind = true};
	struct sh_error err = {0};
	int r;

	on_vfio(t);
	sh_vfio_set_timeout_ms(SHORT_MS);
	fk_start(&k, t);
	r = sh_vfio_unbind(t->sys, VF, "igbvf", &err);
	fk_stop(&k);
	assert_int_equal(r, -ETIMEDOUT);
	assert_one_line(&err);
	assert_non_null(strstr(err.msg, "give " VF " back to igbvf: "));
	assert_non_null(strstr(err.msg, VF " is not back on igbvf after " SHORT_MS_TEXT " ms (driver: none)"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tree_setup, tree_teardown)
	const struct CMUnitTest tests[] = {
		T(test_group_found),
		T(test_group_iommu_off),
		T(test_group_bad_device),
		T(test_group_link_not_a_number),
		T(test_viable_alone),
		T(test_viable_with_allowed_neighbours),
		T(test_not_viable),
		T(test_not_viable_unreadable_driver),
		T(test_group_missing),
		T(test_driver),
		T(test_devnode),
		T(test_devnode_missing),
		T(test_devnode_not_chr),
		T(test_in_use),
		T(test_numa_node),
		T(test_bind_already_vfio),
		T(test_bind_vfio_not_loaded),
		T(test_bind),
		T(test_bind_from_unbound),
		T(test_bind_from_unbound_no_node),
		T(test_bind_timeout_rolls_back),
		T(test_bind_no_node_rolls_back),
		T(test_bind_rollback_binds_by_hand),
		T(test_bind_rollback_fails),
		T(test_bind_unbind_write_fails),
		T(test_bind_no_override),
		T(test_bind_override_link),
		T(test_bind_bad_group),
		T(test_unbind),
		T(test_unbind_binds_by_hand),
		T(test_unbind_already_there),
		T(test_unbind_bad_driver),
		T(test_unbind_timeout),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
