/* vfio_group_status GROUP: what a DPDK application does first with its VF, run inside a container
 * of the VM suite. Opens /dev/vfio/vfio (checks the API version) and /dev/vfio/GROUP, asks
 * VFIO_GROUP_GET_STATUS and prints "viable" (exit 0) or "not viable" (exit 1); errors: exit 2. */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct vfio_group_status status = {.argsz = sizeof(status)};
	char path[64];
	char *end;
	long group;
	int container, fd, api;

	if (argc != 2) {
		fprintf(stderr, "usage: vfio_group_status GROUP\n");
		return 2;
	}
	errno = 0;
	group = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || group < 0) {
		fprintf(stderr, "vfio_group_status: %s is not an IOMMU group number\n", argv[1]);
		return 2;
	}
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0) {
		fprintf(stderr, "vfio_group_status: open /dev/vfio/vfio: %s\n", strerror(errno));
		return 2;
	}
	api = ioctl(container, VFIO_GET_API_VERSION);
	if (api != VFIO_API_VERSION) {
		fprintf(stderr, "vfio_group_status: /dev/vfio/vfio speaks API %d, not %d\n", api, VFIO_API_VERSION);
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%ld", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "vfio_group_status: open %s: %s\n", path, strerror(errno));
		return 2;
	}
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0) {
		fprintf(stderr, "vfio_group_status: VFIO_GROUP_GET_STATUS on %s: %s\n", path, strerror(errno));
		return 2;
	}
	/* Viable: every device of the group is bound to vfio-pci (or to no driver). */
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		printf("not viable\n");
		return 1;
	}
	printf("viable\n");
	close(fd);
	close(container);
	return 0;
}
