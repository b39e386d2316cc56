# sriov-hook: an OCI runtime hook that hands a container an SR-IOV VF.
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    ?= build
VERSION  := 0.1.0

PKGS     := yajl libnl-3.0 libnl-route-3.0 libseccomp
CC       ?= cc
# CFLAGS is the user's (make CFLAGS=-O1 CC=clang): the project's own flags are kept apart so that
# overriding it never drops the warnings, the include path or the libraries' flags.
CFLAGS   ?= -O2 -g
SH_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Iinclude -DSRIOV_HOOK_VERSION='"$(VERSION)"' \
            $(shell pkg-config --cflags $(PKGS))
# The library's symbols stay inside the binaries: nothing of ours is exported or can interpose on
# a shared library's symbol of the same name.
LIB_CFLAGS := -fvisibility=hidden
LDLIBS   += $(shell pkg-config --libs $(PKGS))
ALL_CFLAGS = $(SH_CFLAGS) $(CFLAGS)

LIB_SRCS := $(sort $(wildcard src/*.c))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libsriovhook.a
HOOKS    := $(patsubst hook/%.c,$(BUILD)/%,$(sort $(wildcard hook/*.c)))

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all clean check check-unit check-integration install demo deps
all: $(HOOKS)

Q ?= @
$(BUILD)/obj/%.o: src/%.c $(wildcard include/sriov-hook/*.h) | $(BUILD)/obj
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/%: hook/%.c $(LIB)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIB) | $(BUILD)/tests
	@echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(LIB) $(LDLIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# Installs whatever the build and the tests need, on Debian 12, as root.
deps:
	@sh tests/lib/deps.sh

check-unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

check-integration: all
	@tests/run-integration.sh

# Every test: unit, integration (root: netns, veth, runc), engines, and the QEMU igb guest.
check: deps all $(UNIT_BINS)
	@tests/run-all.sh

demo: deps all
	@PF="$(PF)" tests/demo.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)/etc/sriov-hook
	install -m 0755 $(HOOKS) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 0644 man/sriovctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	sed 's|@BINDIR@|$(PREFIX)/bin|g' etc/systemd/sriov-hook-vfs.service.in > $(DESTDIR)$(PREFIX)/lib/systemd/system/sriov-hook-vfs.service

clean:
	rm -rf $(BUILD)

# Fragments owned by the suites that add targets (vm-check, bench, engines, ...).
include $(sort $(wildcard tests/*/*.mk bench/*.mk))
