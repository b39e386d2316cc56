/* doctor's TOML reader: one key of one table, as the engines read their files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/ctl/toml.h"

static void test_strings(void **state)
{
	static const struct {
		const char *text;
		int found;
		const char *want; /* the strings joined by "|" */
	} cases[] = {
		{ "[engine]\nhooks_dir = [\"/a\", \"/b\"]\n", 1, "/a|/b" },
		/* comments, an array over lines with a trailing comma, a literal string */
		{ "# top\n[engine]\n# a comment\nhooks_dir = [\n  \"/opt/hooks\",   # ours\n  '/x#y',\n]\n", 1,
		  "/opt/hooks|/x#y" },
		/* a single string; escapes in a basic string */
		{ "[engine]\nhooks_dir = \"/a\\\\b\\\"c\" # why\n", 1, "/a\\b\"c" },
		/* another table, a key of the same prefix, a dotted table: not it */
		{ "[network]\nhooks_dir = [\"/no\"]\n[engine]\nhooks_dirs = [\"/no\"]\n[engine.x]\nhooks_dir = [\"/no\"]\n",
		  0, "" },
		/* the last assignment wins; spaces around the table name */
		{ "[ engine ]\nhooks_dir = [\"/a\"]\nother = 3\nhooks_dir = []\nhooks_dir = [\"/c\"]\n", 1, "/c" },
		/* an empty array is found, with nothing in it */
		{ "[engine]\nhooks_dir = []\n", 1, "" },
		/* a '#' inside quotes is no comment; a table header after a multi-line array */
		{ "[engine]\nhooks_dir = [\"/h#1\",\n\"/h2\"]\n[crio.runtime]\nhooks_dir = [\"/c\"]\n", 1, "/h#1|/h2" },
		/* not strings: skipped */
		{ "[engine]\nhooks_dir = 3\n", 0, "" },
	};
	char out[4][PATH_MAX], joined[4 * PATH_MAX + 8];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int found;

		n = 99;
		found = sh_toml_strings(cases[i].text, "engine", "hooks_dir", out, 4, &n);
		joined[0] = '\0';
		for (k = 0; found && k < n; k++)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", k ? "|" : "", out[k]);
		if (found != cases[i].found || strcmp(joined, cases[i].want))
			fail_msg("case %zu: found %d \"%s\", want %d \"%s\"", i, found, joined, cases[i].found,
				 cases[i].want);
	}
	/* the table CRI-O uses, with a dot in its name */
	assert_int_equal(sh_toml_strings("[crio.runtime]\nhooks_dir = [\"/c\"]\n", "crio.runtime", "hooks_dir", out, 4,
					 &n),
			 1);
	assert_string_equal(out[0], "/c");
}

static void test_file(void **state)
{
	struct sh_error err = { 0 };
	char out[2][PATH_MAX];
	size_t n = 0;

	(void)state;
	assert_int_equal(sh_toml_file_strings("/nonexistent/containers.conf", "engine", "hooks_dir", out, 2, &n, &err), 0);
	assert_true(sh_toml_file_strings("/dev/null", "engine", "hooks_dir", out, 2, &n, &err) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests_name("toml", tests, NULL, NULL);
}
