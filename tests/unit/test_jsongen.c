/* The JSON writer: what it writes reads back the same (escapes, 64-bit numbers, number text,
 * nesting, indentation), the first failure sticks and is what finish reports, and the settings
 * object has one key per row of the settings table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/json.h"
#include "sriov-hook/core/jsongen.h"
#include "sriov-hook/core/vfsetting.h"

static void test_round_trip(void **state)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	struct sh_error err = {0};
	yajl_val v, x;
	const char *s;
	long long i;
	char *text;
	size_t len;

	(void)state;
	sh_jgen_start(&j, NULL);
	sh_jgen_map_open(&j);
	sh_jgen_kv_str(&j, "name", "a \"quoted\"\n\\ value");
	sh_jgen_kv_int(&j, "n", -1234567890123LL);
	sh_jgen_str(&j, "big");
	sh_jgen_u64(&j, 0xffffffffffffff00ULL);
	sh_jgen_str(&j, "text");
	sh_jgen_number(&j, "1e3");
	sh_jgen_str(&j, "list");
	sh_jgen_array_open(&j);
	sh_jgen_bool(&j, true);
	sh_jgen_null(&j);
	sh_jgen_array_close(&j);
	sh_jgen_map_close(&j);
	assert_true(sh_jgen_ok(&j));
	assert_int_equal(sh_jgen_finish(&j, "test", &text, &len, &err), 0);
	assert_int_equal(len, strlen(text));
	assert_null(strchr(text, '\n')); /* compact */

	assert_int_equal(sh_json_parse(text, "generated", &v, &err), 0);
	assert_int_equal(sh_json_get_string(v, "name", &s), 0);
	assert_string_equal(s, "a \"quoted\"\n\\ value");
	assert_int_equal(sh_json_get_int(v, "n", &i), 0);
	assert_true(i == -1234567890123LL);
	x = sh_json_get(v, "big");
	assert_true(YAJL_IS_NUMBER(x));
	assert_string_equal(x->u.number.r, "18446744073709551360");
	assert_string_equal(sh_json_get(v, "text")->u.number.r, "1e3");
	x = sh_json_get(v, "list");
	assert_true(YAJL_IS_ARRAY(x) && x->u.array.len == 2);
	assert_true(YAJL_IS_TRUE(x->u.array.values[0]) && YAJL_IS_NULL(x->u.array.values[1]));
	yajl_tree_free(v);
	free(text);
}

static void test_indent(void **state)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	char *text;

	(void)state;
	sh_jgen_start(&j, "  ");
	sh_jgen_map_open(&j);
	sh_jgen_kv_int(&j, "a", 1);
	sh_jgen_map_close(&j);
	assert_int_equal(sh_jgen_finish(&j, "test", &text, NULL, NULL), 0);
	assert_string_equal(text, "{\n  \"a\": 1\n}\n");
	free(text);
}

/* A key that is not a string fails; what follows is not written, and finish says why. */
static void test_first_failure_sticks(void **state)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	struct sh_error err = {0};
	char *text = (char *)"untouched";

	(void)state;
	sh_jgen_start(&j, NULL);
	sh_jgen_map_open(&j);
	sh_jgen_int(&j, 1);
	assert_false(sh_jgen_ok(&j));
	assert_int_equal(j.status, yajl_gen_keys_must_be_strings);
	sh_jgen_kv_str(&j, "later", "fine");
	sh_jgen_map_close(&j);
	assert_int_equal(j.status, yajl_gen_keys_must_be_strings);
	assert_int_equal(sh_jgen_finish(&j, "the listing", &text, NULL, &err), -EINVAL);
	assert_null(text);
	assert_string_equal(err.msg, "the listing: cannot be written: a key that is not a string");
}

/* A second document after a complete one is a failure too (yajl's "generation complete"). */
static void test_after_complete(void **state)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	struct sh_error err = {0};
	size_t len = 7;
	char *text;

	(void)state;
	sh_jgen_start(&j, NULL);
	sh_jgen_map_open(&j);
	sh_jgen_map_close(&j);
	sh_jgen_map_open(&j);
	assert_int_equal(sh_jgen_finish(&j, NULL, &text, &len, &err), -EINVAL);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err.msg, "JSON: cannot be written: a value after the complete document"));
}

/* An unstarted (zeroed) writer reports what a failed allocation would. */
static void test_not_started(void **state)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	struct sh_error err = {0};
	char *text;

	(void)state;
	sh_jgen_map_open(&j);
	assert_false(sh_jgen_ok(&j));
	assert_int_equal(sh_jgen_finish(&j, "x", &text, NULL, &err), -ENOMEM);
}

/* The settings object: one key per table row, in its order, MAC as text, the rest numbers. */
static void test_vf_cfg(void **state)
{
	_cleanup_jgen_ struct sh_jgen j = {0};
	const struct sh_vf_setting *s = NULL;
	struct sh_error err = {0};
	struct sh_vf_cfg cfg;
	size_t i, n;
	yajl_val v;
	char *text;

	(void)state;
	sh_vf_cfg_defaults(&cfg);
	cfg.mac[0] = 0x02;
	cfg.mac[5] = 0x01;
	cfg.vlan = 10;
	cfg.max_tx_rate = 4294967295u;
	sh_jgen_start(&j, NULL);
	sh_vf_cfg_gen_json(&j, &cfg);
	assert_int_equal(sh_jgen_finish(&j, "settings", &text, NULL, &err), 0);
	assert_int_equal(sh_json_parse(text, "settings", &v, &err), 0);
	s = sh_vf_settings(&n);
	assert_int_equal(v->u.object.len, n);
	for (i = 0; i < n; i++) {
		yajl_val x = v->u.object.values[i];

		assert_string_equal(v->u.object.keys[i], s[i].name);
		if (s[i].kind == SH_CFG_MAC)
			assert_string_equal(YAJL_GET_STRING(x), "02:00:00:00:00:01");
		else
			assert_true(YAJL_IS_INTEGER(x) && YAJL_GET_INTEGER(x) == sh_vf_setting_get(&s[i], &cfg));
	}
	yajl_tree_free(v);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),	     cmocka_unit_test(test_indent),
		cmocka_unit_test(test_first_failure_sticks), cmocka_unit_test(test_after_complete),
		cmocka_unit_test(test_not_started),	     cmocka_unit_test(test_vf_cfg),
	};

	return cmocka_run_group_tests_name("jsongen", tests, NULL, NULL);
}
