# libFuzzer harnesses (tests/fuzz/fuzz_<name>.c) over the parsers of untrusted input, built with
# clang and ASan + UBSan into $(BUILD)/fuzz/ (the library's objects too: never mixed with
# $(BUILD)/obj). Seeds in tests/fuzz/corpus/<name>/; what a run adds goes to $(BUILD)/fuzz/corpus/.
#   make fuzz-check                 each harness FUZZ_CHECK_SECONDS (30), two at a time (make check)
#   make fuzz FUZZ_SECONDS=3600     each harness FUZZ_SECONDS (600), two at a time
FUZZ_CC            ?= clang
FUZZ_BUILD         := $(BUILD)/fuzz
FUZZ_SECONDS       ?= 600
FUZZ_CHECK_SECONDS ?= 30
FUZZ_PKGS          := yajl libnl-3.0 libnl-route-3.0 libseccomp
# -fno-sanitize-recover: a UBSan finding stops the run like an ASan one, so it is a crash.
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# pkg-config is asked when a recipe first needs it (as in the Makefile), never when make reads this
# file: on a fresh machine neither it nor the -dev packages are there yet.
FUZZ_PKG_CFLAGS = $(eval FUZZ_PKG_CFLAGS := $$(shell pkg-config --cflags $(FUZZ_PKGS)))$(FUZZ_PKG_CFLAGS)
FUZZ_PKG_LIBS = $(eval FUZZ_PKG_LIBS := $$(shell pkg-config --libs $(FUZZ_PKGS)))$(FUZZ_PKG_LIBS)
FUZZ_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -Iinclude -O1 -g $(FUZZ_SAN) -DSRIOV_HOOK_VERSION='"fuzz"' \
	       -DSH_PREFIX='"$(PREFIX)"' -DSH_BINDIR='"$(BINDIR)"' \
	       $(FUZZ_PKG_CFLAGS)
FUZZ_OBJS   := $(patsubst src/%.c,$(FUZZ_BUILD)/obj/%.o,$(sort $(wildcard src/*/*.c)))
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

.PHONY: fuzz fuzz-build fuzz-check
fuzz-build: $(FUZZ_BINS)

# Each object depends on the headers it includes (-MMD -MP, as in the Makefile).
$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<
-include $(FUZZ_OBJS:.o=.d)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	@echo "  CCLD    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(FUZZ_PKG_LIBS)

fuzz-check: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run.sh $(FUZZ_CHECK_SECONDS) $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BINS)
