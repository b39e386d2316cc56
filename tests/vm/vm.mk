# The QEMU igb guest suite: the hook on real SR-IOV VFs (igb PF, igbvf VFs) in a TCG guest.
# Downloads QEMU >= 8 (bookworm-backports) and a Debian kernel once, cached in $(SRIOV_VM_CACHE).
SRIOV_VM_CACHE ?= /var/cache/sriov-hook-vm

.PHONY: vm-check
vm-check: all
	@BUILD=$(BUILD) SRIOV_VM_CACHE=$(SRIOV_VM_CACHE) bash tests/vm/run.sh
