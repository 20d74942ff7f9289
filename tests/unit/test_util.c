/* The JSON writers of util.c against jansson: the scorer writes its input
 * documents with them, and those documents must be what jansson would
 * write and read back to the same values. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util.h"

static void expect_like_jansson(json_t *j, const strbuf *mine)
{
	char *theirs = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));

	assert_non_null(theirs);
	assert_string_equal(mine->data, theirs);
	free(theirs);
	json_decref(j);
}

static void test_strings(void **state)
{
	static const char *const cases[] = {
		"", "plain", "Phường Như Quỳnh", "say \"có\"", "back\\slash", "tab\there",
		"line\nbreak\r\n", "\b\f", "\x01\x1f end", "/ slash", "ký tự 'đ' và €",
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strbuf sb;
		sb_init(&sb, 0);
		assert_int_equal(sb_json_string(&sb, cases[i]), DTI_EOK);
		expect_like_jansson(json_string(cases[i]), &sb);
		sb_free(&sb);
	}
}

static void test_numbers(void **state)
{
	static const double cases[] = {
		0.0,   1.0,       7799.0,  16557.0,     5120.5, 0.1,       794.2,  1.0 / 3.0,
		1e14,  999999999999999.0,  1e15,        1e16,   123456789012345678.0, 2.5e-7,
		1e-300, DBL_MAX,  -3.0,    -0.25,       4503599627370497.0,
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strbuf sb;
		json_t *back;
		sb_init(&sb, 0);
		assert_int_equal(sb_json_number(&sb, cases[i]), DTI_EOK);
		back = json_loads(sb.data, JSON_DECODE_ANY, NULL);
		assert_non_null(back);
		assert_true(json_number_value(back) == cases[i]);
		json_decref(back);
		expect_like_jansson(json_real(cases[i]), &sb);
		sb_free(&sb);
	}
}

/* A bounded buffer refuses what does not fit and keeps what it had. */
static void test_bounded(void **state)
{
	strbuf sb;

	(void)state;
	sb_init(&sb, 8);
	assert_int_equal(sb_json_string(&sb, "abc"), DTI_EOK);
	assert_string_equal(sb.data, "\"abc\"");
	assert_int_equal(sb_json_string(&sb, "too long"), DTI_ELIMIT);
	assert_int_equal(strncmp(sb.data, "\"abc\"", 5), 0);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
