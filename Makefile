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
# The libraries' flags are asked of pkg-config when a recipe first needs them, not when this file is
# read: `make demo` on a fresh machine installs the -dev packages (deps) before anything compiles.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
# SH_PREFIX, SH_BINDIR: where `make install` puts things, for the paths the programs print (a fix
# naming sriov-runc or the CRI-O hooks directory); objects are rebuilt when they change
# ($(BUILD)/gen/install-paths below).
SH_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -Iinclude -DSRIOV_HOOK_VERSION='"$(VERSION)"' \
	    -DSH_PREFIX='"$(PREFIX)"' -DSH_BINDIR='"$(BINDIR)"' $(PKG_CFLAGS)
# The library's symbols stay inside the binaries: nothing of ours is exported or can interpose on
# a shared library's symbol of the same name.
LIB_CFLAGS := -fvisibility=hidden
LDLIBS   += $(PKG_LIBS)
# CPPFLAGS and LDFLAGS too are the user's or the packager's (dpkg-buildflags: fortify, relro, now).
ALL_CFLAGS = $(SH_CFLAGS) $(CPPFLAGS) $(CFLAGS)

# src/<layer>/<concern>.c: the layers and what each may include are in scripts/layers.sh.
LIB_SRCS := $(sort $(wildcard src/*/*.c))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libsriovhook.a
HOOKS    := $(patsubst hook/%.c,$(BUILD)/%,$(sort $(wildcard hook/*.c)))

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all clean check check-layers check-unit check-integration install uninstall demo deps deps-demo man
all: $(HOOKS)

Q ?= @
# -MMD -MP: each object depends on the headers it includes, as the compiler saw them.
DEPFLAGS = -MMD -MP
$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) $(DEPFLAGS) -c -o $@ $<
-include $(LIB_OBJS:.o=.d)

# The compiled-in paths, rewritten only when they differ: `make && make install PREFIX=/usr`
# rebuilds the objects, so the installed programs name the installed paths.
$(BUILD)/gen/install-paths: FORCE
	@mkdir -p $(@D)
	@echo '$(PREFIX) $(BINDIR)' | cmp -s - $@ || echo '$(PREFIX) $(BINDIR)' >$@
$(LIB_OBJS) $(HOOKS): $(BUILD)/gen/install-paths
.PHONY: FORCE
FORCE:

$(LIB): $(LIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/%: hook/%.c $(LIB)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) $(DEPFLAGS) -MF $(BUILD)/obj/$*.main.d -MT $@ $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)
-include $(HOOKS:$(BUILD)/%=$(BUILD)/obj/%.main.d)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) | $(BUILD)/tests
	@echo "  CCLD    $@"
	@mkdir -p $(BUILD)/obj/tests
	$(Q)$(CC) $(ALL_CFLAGS) -Itools $(DEPFLAGS) -MF $(BUILD)/obj/tests/$*.d -MT $@ $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< $(filter %.o,$^) $(LIB) $(LDLIBS) $(shell pkg-config --libs cmocka)
-include $(UNIT_BINS:$(BUILD)/tests/%=$(BUILD)/obj/tests/%.d)
# test_request checks man/sriov-hook.8 against the build tool's tables.
$(BUILD)/tests/test_request: $(BUILD)/tools/obj/man_tables.o

# ---- build tools: programs the build runs, never installed nor linked into the shipped binaries ----
TOOL_OBJS := $(patsubst tools/%.c,$(BUILD)/tools/obj/%.o,$(sort $(wildcard tools/*.c)))
$(BUILD)/tools/obj/%.o: tools/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<
-include $(TOOL_OBJS:.o=.d)

$(BUILD)/tools/gen-man: $(BUILD)/tools/obj/gen-man.o $(BUILD)/tools/obj/man_tables.o $(LIB)
	@echo "  CCLD    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# man/sriov-hook.8's generated tables, rewritten from the key tables (check-unit's test_request
# fails while they differ).
man: $(BUILD)/tools/gen-man
	$(Q)$(BUILD)/tools/gen-man >$(BUILD)/tools/man-tables.roff
	$(Q)awk -v gen=$(BUILD)/tools/man-tables.roff \
		'/^\.\\" Generated from the key tables/ { while ((getline l < gen) > 0) print l; skip = 1; next } \
		 skip && /^\.\\" End of the generated tables\./ { skip = 0; next } !skip' man/sriov-hook.8 >man/sriov-hook.8.tmp
	$(Q)if cmp -s man/sriov-hook.8 man/sriov-hook.8.tmp; then rm man/sriov-hook.8.tmp; \
	else mv man/sriov-hook.8.tmp man/sriov-hook.8 && echo "  GEN     man/sriov-hook.8"; fi

$(BUILD)/tests:
	mkdir -p $@

# Installs whatever the build and the tests need, on Debian 12, as root (deps-demo: what the demo
# needs, no more).
deps:
	@sh scripts/deps.sh
deps-demo:
	@sh scripts/deps.sh demo

# Lower layers never include higher ones, and no module includes itself through others.
check-layers:
	@sh tests/layers/run.sh

check-unit: $(UNIT_BINS)
	@tests/run-unit.sh $(UNIT_BINS)

check-integration: all
	@tests/run-integration.sh

# check and demo install their packages first, then build in a make of their own: nothing compiles
# while apt-get runs (prerequisites would race under -j), and that make reads this file with the
# -dev packages, pkg-config and the compiler in place (a fresh machine has none of them).
# Every test: unit, integration (root: netns, veth, runc), engines, and the QEMU igb guest.
check:
	@sh scripts/deps.sh
	@$(MAKE) --no-print-directory all $(UNIT_BINS)
	@tests/run-all.sh

demo:
	@sh scripts/deps.sh demo
	@$(MAKE) --no-print-directory all
	@PF="$(PF)" scripts/demo.sh

# ---- install ------------------------------------------------------------------------------------
BINDIR   := $(PREFIX)/bin
MANDIR   := $(PREFIX)/share/man/man8
# podman and CRI-O read $(PREFIX)/share/containers/oci/hooks.d by default when PREFIX is /usr.
HOOKSDIR := $(PREFIX)/share/containers/oci/hooks.d
# CRI-O on Kubernetes nodes: hooks that fire for a pod's sandbox only (an admin points CRI-O here).
CRIODIR  := $(PREFIX)/share/sriov-hook/crio-hooks.d
# The example configuration is documentation, named so that nobody takes it for the live one.
EXAMPLEDIR := $(PREFIX)/share/doc/sriov-hook/examples
# systemd units (sriov-hook-vfs.service: VFs at boot, before the engines).
UNITDIR  := $(PREFIX)/lib/systemd/system
# udev rules (61-sriov-hook-heal.rules: sriovctl heal when a VF's netdev appears).
UDEVDIR  := $(PREFIX)/lib/udev/rules.d
# The configuration the hook reads (SH_DEFAULT_CONFIG): outside PREFIX.
CONFDIR  := /etc/sriov-hook

# What `make install` installs, one file per line: MODE SOURCE DESTINATION (under $(DESTDIR)).
# `make uninstall` removes exactly these.
define INSTALL_FILES
0755 $(BUILD)/sriov-hook                                         $(BINDIR)/sriov-hook
0755 $(BUILD)/sriov-runc                                         $(BINDIR)/sriov-runc
0755 $(BUILD)/sriovctl                                           $(BINDIR)/sriovctl
0644 $(BUILD)/man-install/sriov-hook.8                           $(MANDIR)/sriov-hook.8
0644 $(BUILD)/man-install/sriov-runc.8                           $(MANDIR)/sriov-runc.8
0644 $(BUILD)/man-install/sriovctl.8                             $(MANDIR)/sriovctl.8
0644 $(BUILD)/systemd-install/sriov-hook-vfs.service             $(UNITDIR)/sriov-hook-vfs.service
0644 $(BUILD)/systemd-install/sriov-hook-heal@.service           $(UNITDIR)/sriov-hook-heal@.service
0644 etc/udev/61-sriov-hook-heal.rules                           $(UDEVDIR)/61-sriov-hook-heal.rules
0644 $(BUILD)/hooks.d-install/sriov-hook-createruntime.json      $(HOOKSDIR)/sriov-hook-createruntime.json
0644 $(BUILD)/hooks.d-install/sriov-hook-poststop.json           $(HOOKSDIR)/sriov-hook-poststop.json
0644 $(BUILD)/hooks.d-install/crio/sriov-hook-createruntime.json $(CRIODIR)/sriov-hook-createruntime.json
0644 $(BUILD)/hooks.d-install/crio/sriov-hook-poststop.json      $(CRIODIR)/sriov-hook-poststop.json
0644 etc/config.json.example                                     $(EXAMPLEDIR)/config.json.example
endef
export INSTALL_FILES
# Directories `make uninstall` removes when it leaves them empty, deepest first: this project's,
# and the hooks.d path that `make install` may have been the first to create. bin/ and man8/ stay.
UNINSTALL_DIRS := $(CRIODIR) $(PREFIX)/share/sriov-hook $(EXAMPLEDIR) $(PREFIX)/share/doc/sriov-hook $(CONFDIR) \
	$(HOOKSDIR) $(PREFIX)/share/containers/oci $(PREFIX)/share/containers $(UNITDIR) $(PREFIX)/lib/systemd \
	$(UDEVDIR) $(PREFIX)/lib/udev $(PREFIX)/lib

# hooks.d files naming the installed hook (remade each time: PREFIX may differ between runs).
$(BUILD)/hooks.d-install/%.json: hooks.d/%.json.in install-force
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(BINDIR)|g' $< > $@

$(BUILD)/systemd-install/%.service: etc/systemd/%.service.in install-force
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(BINDIR)|g' $< > $@

# Man pages name the programs as the package installs them (/usr/bin/sriov-*): the installed ones
# name this installation's BINDIR.
$(BUILD)/man-install/%.8: man/%.8 install-force
	@mkdir -p $(@D)
	sed 's|/usr/bin/sriov|$(BINDIR)/sriov|g' $< > $@

.PHONY: install-force
install-force:

install: all $(patsubst hooks.d/%.json.in,$(BUILD)/hooks.d-install/%.json,$(wildcard hooks.d/*.json.in hooks.d/*/*.json.in)) \
	$(patsubst etc/systemd/%.service.in,$(BUILD)/systemd-install/%.service,$(wildcard etc/systemd/*.service.in)) \
	$(patsubst man/%.8,$(BUILD)/man-install/%.8,$(wildcard man/*.8))
	@printf '%s\n' "$$INSTALL_FILES" | while read -r mode src dst; do \
		echo "  INSTALL $(DESTDIR)$$dst"; \
		install -D -m "$$mode" "$$src" "$(DESTDIR)$$dst" || exit 1; \
	done
	@# The live configuration only when there is none: an admin's file is never overwritten.
	@test -e $(DESTDIR)$(CONFDIR)/config.json || \
		install -D -m 0644 etc/config.json.example $(DESTDIR)$(CONFDIR)/config.json

uninstall:
	@printf '%s\n' "$$INSTALL_FILES" | while read -r mode src dst; do \
		rm -f "$(DESTDIR)$$dst"; \
	done
	@# The live configuration goes only as installed (equal to the example): an admin's stays.
	@if cmp -s etc/config.json.example $(DESTDIR)$(CONFDIR)/config.json; then \
		rm -f $(DESTDIR)$(CONFDIR)/config.json; \
	fi
	@for d in $(UNINSTALL_DIRS); do \
		if [ -d "$(DESTDIR)$$d" ]; then rmdir --ignore-fail-on-non-empty "$(DESTDIR)$$d"; fi; \
	done

clean:
	rm -rf $(BUILD)

# Fragments owned by the suites that add targets (vm-check, bench, engines, ...).
include $(sort $(wildcard tests/*/*.mk bench/*.mk))
