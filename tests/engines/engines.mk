# Shipping to the engines: hooks.d files for podman and CRI-O, the man pages and the example config
# (install-engines, part of `make install`), hooks.d files for the build tree (hooksd), and the
# tests against real podman and docker (check-engines).
#
# hooks.d/*.json.in fire for any container with an io.sriov.* annotation (podman, CRI-O without
# pods of several containers); hooks.d/crio/*.json.in fire only for a CRI-O pod's sandbox, since
# CRI-O copies pod annotations onto every container of the pod.
ENGINES_HOOKSD     := $(patsubst hooks.d/%.json.in,%.json,$(sort $(wildcard hooks.d/*.json.in)))
ENGINES_CRIO       := $(patsubst hooks.d/crio/%.json.in,%.json,$(sort $(wildcard hooks.d/crio/*.json.in)))
ENGINES_MANS       := man/sriov-hook.8 man/sriov-runc.8
ENGINES_HOOKSDIR   := $(PREFIX)/share/containers/oci/hooks.d
ENGINES_CRIODIR    := $(PREFIX)/share/sriov-hook/crio-hooks.d
ENGINES_MANDIR     := $(PREFIX)/share/man/man8

.PHONY: hooksd install-engines check-engines engines-force

# hooks.d files naming the hook in build/, for tests and for trying podman from the tree.
hooksd: $(ENGINES_HOOKSD:%=$(BUILD)/hooks.d/%) $(ENGINES_CRIO:%=$(BUILD)/hooks.d/crio/%)

$(BUILD)/hooks.d/%.json: hooks.d/%.json.in
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(abspath $(BUILD))|g' $< > $@

# The same, naming the installed hook (remade each time: PREFIX may differ between runs).
$(BUILD)/hooks.d-install/%.json: hooks.d/%.json.in engines-force
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(PREFIX)/bin|g' $< > $@

engines-force:

install: install-engines
install-engines: $(ENGINES_HOOKSD:%=$(BUILD)/hooks.d-install/%) $(ENGINES_CRIO:%=$(BUILD)/hooks.d-install/crio/%)
	install -d $(DESTDIR)$(ENGINES_HOOKSDIR) $(DESTDIR)$(ENGINES_CRIODIR) $(DESTDIR)$(ENGINES_MANDIR) \
		$(DESTDIR)/etc/sriov-hook
	install -m 0644 $(ENGINES_HOOKSD:%=$(BUILD)/hooks.d-install/%) $(DESTDIR)$(ENGINES_HOOKSDIR)/
	install -m 0644 $(ENGINES_CRIO:%=$(BUILD)/hooks.d-install/crio/%) $(DESTDIR)$(ENGINES_CRIODIR)/
	install -m 0644 $(ENGINES_MANS) $(DESTDIR)$(ENGINES_MANDIR)/
	@# The example under the prefix, always; the live file the hook reads, /etc/sriov-hook/config.json,
	@# only when there is none: an admin's config is never overwritten.
	install -d $(DESTDIR)$(PREFIX)/etc/sriov-hook
	install -m 0644 etc/config.json.example $(DESTDIR)$(PREFIX)/etc/sriov-hook/config.json
	test -e $(DESTDIR)/etc/sriov-hook/config.json || \
		install -m 0644 etc/config.json.example $(DESTDIR)/etc/sriov-hook/config.json

# Root: starts its own dockerd and uses private podman storage; cleans up after itself.
check-engines: all hooksd
	@tests/engines/run.sh
