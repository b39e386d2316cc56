/* What a quoted value may not bring into a log line, a listing or sriov-runc's message: C0 and C1
 * controls and bidirectional overrides are written as \xNN; other UTF-8 is kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sriov-hook/core/types.h"

static void expect(const char *in, const char *want)
{
	char out[256];

	assert_string_equal(sh_text_escape(in, out, sizeof(out)), want);
}

static void test_escape(void **state)
{
	(void)state;
	expect("plain", "plain");
	expect("a\nb\rc\x1b[2J", "a\\x0ab\\x0dc\\x1b[2J");
	expect("\x7f", "\\x7f");
	/* CSI as a C1 control, and U+0085 NEL */
	expect("x\xc2\x9b"
	       "31m",
	       "x\\xc2\\x9b31m");
	expect("\xc2\x85", "\\xc2\\x85");
	/* RLO, PDF, LRI, PDI */
	expect("\xe2\x80\xae"
	       "gnp.exe\xe2\x80\xac",
	       "\\xe2\\x80\\xaegnp.exe\\xe2\\x80\\xac");
	expect("\xe2\x81\xa6"
	       "x\xe2\x81\xa9",
	       "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9");
	/* what is text stays: é, U+00A0, an en dash (e2 80 93), CJK */
	expect("caf\xc3\xa9 \xc2\xa0 \xe2\x80\x93 \xe4\xb8\xad", "caf\xc3\xa9 \xc2\xa0 \xe2\x80\x93 \xe4\xb8\xad");
}

static void test_printable(void **state)
{
	(void)state;
	assert_true(sh_text_printable("caf\xc3\xa9"));
	assert_false(sh_text_printable("a\nb"));
	assert_false(sh_text_printable("x\xc2\x9b"));
	assert_false(sh_text_printable("\xe2\x80\xae"));
}

static void test_cut_to_fit(void **state)
{
	char out[16];

	(void)state;
	sh_text_escape("\n\n\n\n\n\n\n\n", out, sizeof(out));
	assert_true(out[sizeof(out) - 1] == '\0' || out[0]);
	assert_int_equal(out[0], '\\');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_cut_to_fit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
