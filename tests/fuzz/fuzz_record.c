/* Fuzzes the claim record parser: a record is read back by the next hook, by poststop after an
 * upgrade, and by sriovctl, whatever a killed hook or an older release left in it.
 * A record that parses is formatted and parsed again: what the store writes it must read back. */
#include "fuzz.h"
#include "sriov-hook/store/record.h"

static void round_trip(const struct sh_record *rec)
{
	struct sh_error err = {0};
	struct sh_record *again = calloc(1, sizeof(*again));
	char *text = NULL;

	if (!again || sh_record_format(rec, &text) < 0)
		abort();
	if (sh_record_parse(text, again, &err) < 0) {
		fprintf(stderr, "a formatted record does not parse: %s\n%s\n", err.msg, text);
		abort();
	}
	free(text);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct sh_error err = {0};
	struct sh_record *rec = calloc(1, sizeof(*rec));
	int r;

	if (!rec)
		abort();
	r = sh_record_parse(json, rec, &err);
	fuzz_check_err("record parser", r, &err);
	if (r == 0)
		round_trip(rec);
	free(rec);
	free(json);
	return 0;
}
