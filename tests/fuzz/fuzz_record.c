/* Fuzzes the claim record parser: a record is read back by the next hook, by poststop after an
 * upgrade, and by sriovctl, whatever a killed hook or an older release left in it.
 *
 * At the merge of the state-store rewrite (src/record.c, sh_record_parse), change only the include
 * and RECORD_PARSE below. */
#include "fuzz.h"
#include "sriov-hook/claim.h"

#define RECORD_PARSE(json, r, err) sh_record_from_json(json, r, err)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	struct sh_error err = {0};
	struct sh_record *rec = calloc(1, sizeof(*rec));
	int r;

	if (!rec)
		abort();
	r = RECORD_PARSE(json, rec, &err);
	fuzz_check_err("record parser", r, &err);
	free(rec);
	free(json);
	return 0;
}
