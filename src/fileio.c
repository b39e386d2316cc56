/* Small file helpers shared by the claim store and the runtime wrapper. */
#include "sriov-hook/fileio.h"

#include <errno.h>
#include <unistd.h>

int sh_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}
