# The modern suite (check-modern, root): docker 26/28, podman 5.4/5.8 and containerd 1.7/2.1 from
# trixie and sid roots cached under /var/cache/sriov-hook-modern (made on first use, ~170 MB
# each), in namespaces of their own with a stand-in PF. tests/modern/run.sh says what it checks.
.PHONY: check-modern
check-modern: all
	@tests/modern/run.sh
