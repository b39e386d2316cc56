/* A test driver of the store's operator API (what sriovctl builds on), for the integration suites:
 *   store_tool gc CONFIG [--dry-run]   sh_gc; one line per event: what|pci|id|path|result|why
 *   store_tool list STATE_DIR          sh_store_foreach_claim; one line per claim
 * Exit status: 0, or 1 with the error on stderr. Built by the suites that use it (tests/lib). */
#include <stdio.h>
#include <string.h>

#include "sriov-hook/hook/gc.h"
#include "sriov-hook/input/config.h"
#include "sriov-hook/store/scan.h"

static void print_event(const struct sh_gc_event *ev, void *data)
{
	(void)data;
	printf("%s|%s|%s|%s|%d|%s\n", ev->what, ev->pci ? ev->pci : "", ev->id ? ev->id : "", ev->path ? ev->path : "",
	       ev->result, ev->why ? ev->why : "");
}

static int print_claim(const struct sh_claim_info *i, void *data)
{
	static const char *const states[] = {"none", "held", "stale", "returning"};

	(void)data;
	printf("%s %s %s name=%s pid=%d pf=%s vf=%u host=%s cont=%s since=%lld knobs=%u\n", i->rec.vf_pci,
	       states[i->state], i->rec.id, i->rec.name, i->rec.pid, i->rec.pf_name, i->rec.vf_index, i->rec.host_name,
	       i->rec.cont_name, (long long)i->since, i->rec.knobs);
	return 0;
}

int main(int argc, char **argv)
{
	struct sh_error err = {0};
	struct sh_config cfg;
	int r;

	if (argc >= 3 && !strcmp(argv[1], "gc")) {
		if ((r = sh_config_load(argv[2], &cfg, &err)) == 0)
			r = sh_gc(&cfg, argc > 3 && !strcmp(argv[3], "--dry-run"), print_event, NULL, &err);
	} else if (argc == 3 && !strcmp(argv[1], "list")) {
		r = sh_store_foreach_claim(argv[2], print_claim, NULL, &err);
	} else {
		fprintf(stderr, "usage: store_tool gc CONFIG [--dry-run] | list STATE_DIR\n");
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "store_tool: %s\n", err.msg);
		return 1;
	}
	return 0;
}
