# The sanitizer build: the same sources built with clang, ASan + UBSan, into $(SAN_BUILD) (a make
# of this Makefile with BUILD, CC and CFLAGS set), and the unit and integration suites run on it:
#   make check-sanitize    builds, runs tests/sanitize/run.sh (unit binaries + integration, root)
# SH_SANITIZER_BUILD lets the hook's seccomp policy allow what the sanitizer runtime needs
# (src/core/sandbox.c); the policy that ships is tested by the normal build's suites.
SAN_BUILD  := $(BUILD)/asan
SAN_CC     ?= clang
SAN_FLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	      -DSH_SANITIZER_BUILD -I$(abspath $(SAN_BUILD))/gen

.PHONY: sanitize-build check-sanitize unit-bins
# The unit test binaries of this BUILD (the sanitizer make builds its own).
unit-bins: $(UNIT_BINS)

# Where the sanitizer runtimes write their reports: built into the binaries (runc runs hooks with
# an empty environment, so ASAN_OPTIONS would not reach them).
$(SAN_BUILD)/gen/sanitizer-log.h: tests/sanitize/sanitize.mk
	@mkdir -p $(@D) $(SAN_BUILD)/reports
	$(Q)printf '#define SH_SANITIZER_LOG "%s"\n' "$(abspath $(SAN_BUILD))/reports/report" >$@

sanitize-build: $(SAN_BUILD)/gen/sanitizer-log.h
	$(Q)$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) CC=$(SAN_CC) CFLAGS="$(SAN_FLAGS)" all unit-bins

check-sanitize: sanitize-build
	@SAN_BUILD=$(SAN_BUILD) tests/sanitize/run.sh
