# The Debian package (debian/): built with dpkg-buildpackage, linted, installed, upgraded, removed
# and purged with apt, the podman suite run against the installed files (root; see run.sh).
.PHONY: check-package
check-package:
	@tests/package/run.sh
