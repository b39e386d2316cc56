# bench/: `make bench` measures sriov-hook against the kernel floor, CNI host-device, plain ip and
# runc end to end, side by side in one run (root; not part of `make check`); summaries in
# bench/results/ (kept in git), raw outputs in $(BUILD)/bench/ (not). `make bench-profile` shows
# where the hook's time goes (strace, perf, callgrind).
BENCH_BUILD := $(BUILD)/bench
BENCH_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror
BENCH_NL := libnl-3.0 libnl-route-3.0

.PHONY: bench bench-tools bench-profile
bench: all bench-tools
	@BUILD=$(BUILD) bench/run.sh

bench-profile: all bench-tools
	@BUILD=$(BUILD) bench/profile.sh

bench-tools: $(BENCH_BUILD)/floor $(BENCH_BUILD)/runx

$(BENCH_BUILD)/floor: bench/floor.c | $(BENCH_BUILD)
	$(CC) $(BENCH_CFLAGS) $(shell pkg-config --cflags $(BENCH_NL)) -o $@ $< $(shell pkg-config --libs $(BENCH_NL))

$(BENCH_BUILD)/runx: bench/runx.c | $(BENCH_BUILD)
	$(CC) $(BENCH_CFLAGS) -o $@ $<

$(BENCH_BUILD):
	mkdir -p $@
