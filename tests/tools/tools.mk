# Test tools built from tests/tools/*.c into $(BUILD)/tests/tools/ (tests/vm/run.sh copies every
# file there into the QEMU guest). killstep: SIGKILL a command at its Nth system call;
# vfio_group_status: open a VFIO group and say whether it is viable (VFIO_GROUP_GET_STATUS).
TOOLS_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(sort $(wildcard tests/tools/*.c)))
# Generated headers live apart from the binaries: everything in tests/tools/ goes into the guest.
TOOLS_GEN  := $(BUILD)/tests/tools-gen

.PHONY: tools
tools: $(TOOLS_BINS)

# The system-call names of this architecture, from the C library's own <sys/syscall.h>.
$(TOOLS_GEN)/syscall-names.h:
	@mkdir -p $(@D)
	$(Q)echo '#include <sys/syscall.h>' | $(CC) -E -dM - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$$/[\2] = "\1",/p' | sort -t[ -k2 -n >$@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/tests/tools/%: tests/tools/%.c $(TOOLS_GEN)/syscall-names.h
	@mkdir -p $(@D)
	@echo "  CCLD    $@"
	$(Q)$(CC) -std=gnu11 -Wall -Wextra -Werror -I$(TOOLS_GEN) $(CFLAGS) -o $@ $<

# The kill9 integration test and the guest suite run killstep.
check-integration vm-check: $(TOOLS_BINS)
