# The engines suite (check-engines: podman with the hooks.d files, docker with sriov-runc, make
# install into a temporary DESTDIR) and hooks.d files for the build tree (hooksd). The install
# rules are the top-level Makefile's.
#
# hooks.d/*.json.in fire for any container with an io.sriov.* annotation (podman, CRI-O without
# pods of several containers); hooks.d/crio/*.json.in fire only for a CRI-O pod's sandbox, since
# CRI-O copies pod annotations onto every container of the pod.
ENGINES_HOOKSD     := $(patsubst hooks.d/%.json.in,%.json,$(sort $(wildcard hooks.d/*.json.in)))
ENGINES_CRIO       := $(patsubst hooks.d/crio/%.json.in,%.json,$(sort $(wildcard hooks.d/crio/*.json.in)))

.PHONY: hooksd check-engines

# hooks.d files naming the hook in build/, for tests and for trying podman from the tree.
hooksd: $(ENGINES_HOOKSD:%=$(BUILD)/hooks.d/%) $(ENGINES_CRIO:%=$(BUILD)/hooks.d/crio/%)

$(BUILD)/hooks.d/%.json: hooks.d/%.json.in
	@mkdir -p $(@D)
	sed 's|@BINDIR@|$(abspath $(BUILD))|g' $< > $@

# Root: starts its own dockerd and uses private podman storage; cleans up after itself.
check-engines: all hooksd
	@tests/engines/run.sh
