# A fresh minimal Debian 12 root (debootstrap, cached in /var/cache/sriov-hook-fresh) where the
# README's `make demo` must work the first time (root; see run.sh). It tests the committed HEAD.
.PHONY: check-fresh
check-fresh:
	@tests/fresh/run.sh
