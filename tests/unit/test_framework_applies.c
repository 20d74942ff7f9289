/* Framework editions by applicability: "applies_to" on an indicator names
 * the unit types it is scored for, validated at load with a message naming
 * the file and the indicator; the 2024 edition applies everything to
 * everyone. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "framework.h"
#include "units.h"

#define FW_PATH "config/frameworks/commune-2024.json"

/* The shipped edition with indicator 1.1's "applies_to" set to v (consumed). */
static char *with_applies_to(json_t *v)
{
	json_error_t e;
	json_t *root = json_load_file(FW_PATH, 0, &e);
	json_t *ind = json_array_get(
		json_object_get(json_array_get(json_object_get(root, "pillars"), 0), "indicators"),
		0);
	char *text;

	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(ind, "id")), "1.1");
	json_object_set_new(ind, "applies_to", v);
	text = json_dumps(root, 0);
	json_decref(root);
	return text;
}

static void expect_refusal(json_t *v, const char *needle)
{
	char *text = with_applies_to(v);
	framework *fw = NULL;
	dti_diag d = {""};
	dti_err rc = framework_parse(text, strlen(text), "fw.json", &fw, &d);

	free(text);
	assert_int_equal(rc, DTI_EFRAMEWORK);
	assert_null(fw);
	if (!strstr(d.msg, "fw.json: indicator 1.1: ") || !strstr(d.msg, needle))
		fail_msg("message '%s' does not name fw.json, indicator 1.1 and '%s'", d.msg,
			 needle);
}

static void test_shipped_edition_applies_everywhere(void **state)
{
	framework *fw = NULL;
	dti_diag d;
	char words[64];
	(void)state;
	assert_int_equal(framework_load(FW_PATH, &fw, &d), DTI_EOK);
	assert_false(fw->by_unit_type);
	for (size_t i = 0; i < fw->n_indicators; i++) {
		assert_int_equal(fw->indicators[i].applies_to, 0);
		for (int t = -1; t < UNIT_TYPE_COUNT; t++)
			assert_true(framework_applies(&fw->indicators[i], t));
	}
	assert_string_equal(framework_applies_words(&fw->indicators[0], words, sizeof words),
			    "every unit");
	framework_free(fw);
}

static void test_applies_to_read(void **state)
{
	char *text = with_applies_to(json_pack("[s, s]", "Phường", "đặc khu"));
	framework *fw = NULL;
	dti_diag d = {""};
	char words[64];
	const fw_indicator *ind;
	(void)state;
	assert_int_equal(framework_parse(text, strlen(text), "fw.json", &fw, &d), DTI_EOK);
	free(text);
	assert_true(fw->by_unit_type);
	ind = framework_indicator(fw, "1.1");
	assert_true(framework_applies(ind, UNIT_TYPE_PHUONG));
	assert_true(framework_applies(ind, UNIT_TYPE_DAC_KHU));
	assert_false(framework_applies(ind, UNIT_TYPE_XA));
	assert_false(framework_applies(ind, UNIT_TYPE_THI_TRAN));
	assert_false(framework_applies(ind, -1)); /* a unit of unknown type */
	assert_true(framework_applies(framework_indicator(fw, "1.2"), UNIT_TYPE_XA));
	assert_string_equal(framework_applies_words(ind, words, sizeof words), "Phường, Đặc khu");
	framework_free(fw);
}

static void test_unknown_type(void **state)
{
	(void)state;
	expect_refusal(
		json_pack("[s, s]", "Xã", "Phuong"),
		"\"applies_to\": unknown unit type 'Phuong' (Xã, Phường, Thị trấn, Đặc khu)");
	expect_refusal(json_pack("[s]", "Thị xã"), "unknown unit type 'Thị xã'");
	expect_refusal(json_pack("[s]", ""), "unknown unit type ''");
}

static void test_empty_list(void **state)
{
	(void)state;
	expect_refusal(json_array(), "\"applies_to\" must be a non-empty list of unit types");
	expect_refusal(json_string("Phường"),
		       "\"applies_to\" must be a non-empty list of unit types");
	expect_refusal(json_null(), "\"applies_to\" must be a non-empty list of unit types");
}

static void test_not_a_word_or_twice(void **state)
{
	(void)state;
	expect_refusal(json_pack("[s, i]", "Xã", 3), "\"applies_to\" #2 is not a unit type");
	expect_refusal(json_pack("[s, s]", "Xã", "XÃ"), "\"applies_to\" names Xã twice");
}

static void test_unit_type_words(void **state)
{
	(void)state;
	assert_int_equal(unit_type_of("Xã"), UNIT_TYPE_XA);
	assert_int_equal(unit_type_of("Phường"), UNIT_TYPE_PHUONG);
	assert_int_equal(unit_type_of("Phu\xcc\x9bo\xcc\x9b\xcc\x80ng"),
			 UNIT_TYPE_PHUONG); /* NFD */
	assert_int_equal(unit_type_of("Thị trấn"), UNIT_TYPE_THI_TRAN);
	/* the new list's own word for the island special zones */
	assert_int_equal(unit_type_of("Đặc khu tại hải đảo"), UNIT_TYPE_DAC_KHU);
	assert_int_equal(unit_type_of("Thị xã"), -1);
	assert_int_equal(unit_type_of("Xãa"), -1);
	assert_int_equal(unit_type_of(""), -1);
	assert_int_equal(unit_type_of(NULL), -1);
	assert_string_equal(unit_type_name(UNIT_TYPE_DAC_KHU), "Đặc khu");
	assert_string_equal(unit_type_name(UNIT_TYPE_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_edition_applies_everywhere),
		cmocka_unit_test(test_applies_to_read),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_empty_list),
		cmocka_unit_test(test_not_a_word_or_twice),
		cmocka_unit_test(test_unit_type_words),
	};
	return cmocka_run_group_tests_name("framework_applies", tests, NULL, NULL);
}
