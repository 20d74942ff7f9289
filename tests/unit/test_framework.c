/* The framework loader: the shipped file loads, and every kind of bad file
 * is refused with a message naming the indicator and the problem. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "framework.h"
#include "util.h"

#define FW_PATH "config/frameworks/commune-2024.json"

static json_t *original(void)
{
	json_error_t e;
	json_t *root = json_load_file(FW_PATH, 0, &e);
	assert_non_null(root);
	return root;
}

static json_t *indicator(json_t *root, const char *id)
{
	size_t i, j;
	json_t *p, *ind;
	json_array_foreach(json_object_get(root, "pillars"), i, p) json_array_foreach(
		json_object_get(p, "indicators"), j,
		ind) if (strcmp(json_string_value(json_object_get(ind, "id")), id) == 0) return ind;
	fail_msg("no indicator %s", id);
	return NULL;
}

/* Parses a mutated document; expects refusal with every `needles` in the message. */
static void expect_refusal(json_t *root, const char *n1, const char *n2)
{
	char *text = json_dumps(root, 0);
	framework *fw = NULL;
	dti_diag d = {""};
	dti_err rc = framework_parse(text, strlen(text), "fw.json", &fw, &d);

	free(text);
	json_decref(root);
	assert_int_equal(rc, DTI_EFRAMEWORK);
	assert_null(fw);
	if (!strstr(d.msg, n1) || (n2 && !strstr(d.msg, n2)))
		fail_msg("message '%s' lacks '%s' / '%s'", d.msg, n1, n2 ? n2 : "");
}

static void test_shipped_file_loads(void **state)
{
	framework *fw = NULL;
	dti_diag d;
	double sum = 0;
	(void)state;
	assert_int_equal(framework_load(FW_PATH, &fw, &d), DTI_EOK);
	assert_string_equal(fw->edition, "commune-2024");
	assert_int_equal(fw->n_pillars, 8);
	assert_int_equal(fw->n_indicators, 40);
	for (size_t i = 0; i < fw->n_indicators; i++)
		sum += fw->indicators[i].max;
	assert_true(sum == 1000.0);
	assert_true(fw->total == 1000.0);
	assert_int_equal(fw->default_norm, NORM_MAX);
	assert_int_equal(fw->numerator_above_denominator, OVER_CLAMP);
	assert_int_equal(framework_indicator(fw, "6.5")->kind, RULE_RATIO_FLOOR);
	assert_true(framework_indicator(fw, "7.7")->threshold == 0.0025);
	assert_true(framework_variable(fw, "smartphone_users")->summed);
	assert_false(framework_variable(fw, "population")->summed);
	assert_string_equal(framework_indicator(fw, "1.1")->proof, "Văn bản, tài liệu chứng minh");
	assert_int_equal(strlen(fw->sha256), 64);
	framework_free(fw);
}

static void test_pillar_sum(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_set_new(indicator(root, "1.1"), "max", json_integer(25));
	expect_refusal(root, "pillar P1", "add up to 105");
}

static void test_total_not_1000(void **state)
{
	json_t *root = original();
	json_t *p1 = json_array_get(json_object_get(root, "pillars"), 0);
	(void)state;
	json_object_set_new(p1, "max", json_integer(105));
	json_object_set_new(indicator(root, "1.1"), "max", json_integer(25));
	expect_refusal(root, "1005", "not 1000");
}

/* The edition's points are the file's own "total", not a number in the code. */
static void test_total_from_file(void **state)
{
	json_t *root = original();
	json_t *p8 = json_array_get(json_object_get(root, "pillars"), 7);
	char *text;
	framework *fw = NULL;
	dti_diag d = {""};
	(void)state;
	json_object_set_new(root, "total", json_integer(1100));
	json_object_set_new(p8, "max", json_integer(250));
	json_object_set_new(indicator(root, "8.5"), "max", json_integer(130));
	text = json_dumps(root, 0);
	assert_int_equal(framework_parse(text, strlen(text), "fw.json", &fw, &d), DTI_EOK);
	assert_true(fw->total == 1100.0);
	framework_free(fw);
	free(text);
	json_decref(root);
}

static void test_total_not_the_files(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_set_new(root, "total", json_integer(900));
	expect_refusal(root, "add up to 1000 points", "not 900");
}

static void test_total_absent(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_del(root, "total");
	expect_refusal(root, "fw.json: \"total\" must be a positive number", NULL);
}

static void test_unknown_rule_kind(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_set_new(json_object_get(indicator(root, "4.7"), "rule"), "kind",
			    json_string("fancy"));
	expect_refusal(root, "indicator 4.7", "unknown rule kind 'fancy'");
}

static void test_unknown_variable(void **state)
{
	json_t *root = original();
	json_t *num = json_array();
	(void)state;
	json_array_append_new(num, json_string("smartphones"));
	json_object_set_new(json_object_get(indicator(root, "3.1"), "rule"), "numerator", num);
	expect_refusal(root, "indicator 3.1", "unknown variable 'smartphones'");
}

static void test_duplicate_indicator(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_set_new(indicator(root, "2.3"), "id", json_string("2.2"));
	expect_refusal(root, "indicator 2.2", "twice");
}

static void test_threshold_range(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_set_new(json_object_get(indicator(root, "6.3"), "rule"), "threshold",
			    json_real(1.5));
	expect_refusal(root, "indicator 6.3", "threshold");
}

static void test_tier_without_fraction(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_del(
		json_object_get(json_object_get(indicator(root, "1.1"), "rule"), "fractions"),
		"deputy");
	expect_refusal(root, "indicator 1.1", "no fraction for 'deputy'");
}

static void test_wrong_variable_type(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_set_new(json_object_get(indicator(root, "1.4"), "rule"), "variable",
			    json_string("population"));
	expect_refusal(root, "indicator 1.4", "is a count");
}

static void test_unknown_policy_value(void **state)
{
	json_t *root = original();
	(void)state;
	json_object_set_new(json_object_get(root, "policy"), "normalisation",
			    json_string("zscore"));
	expect_refusal(root, "normalisation", "zscore");
}

static void test_duplicate_variable(void **state)
{
	json_t *root = original();
	json_t *vars = json_object_get(root, "variables");
	(void)state;
	json_array_append(vars, json_array_get(vars, 0));
	expect_refusal(root, "variable population", "twice");
}

/* Two enum values that read the same once folded (case, Unicode form,
 * outer blanks) would make an answer's meaning depend on their order. */
static void test_ambiguous_enum(void **state)
{
	json_t *root = original();
	json_t *vars = json_object_get(root, "variables"), *v;
	size_t i;
	(void)state;
	json_array_foreach(vars, i, v) if (strcmp(json_string_value(json_object_get(v, "name")),
						  "steering_head") == 0)
		json_object_set_new(json_array_get(json_object_get(v, "values"), 1), "label",
				    json_string("Chair"));
	expect_refusal(root, "variable steering_head", "'chair' and 'deputy' read the same");
}

/* An alias of one enum value may not read as another value's label or
 * alias, and must be a list of non-empty strings. */
static void test_enum_aliases(void **state)
{
	json_t *root = original();
	json_t *vars = json_object_get(root, "variables"), *v, *values = NULL;
	size_t i;
	(void)state;
	json_array_foreach(vars, i, v) if (strcmp(json_string_value(json_object_get(v, "name")),
						  "radio_dx_frequency") == 0) values =
		json_object_get(v, "values");
	assert_non_null(values);
	/* "rarely" also called "Hàng tuần" (weekly's alias): refused. */
	json_object_set_new(json_array_get(values, 2), "aliases", json_pack("[s]", "HÀNG TUẦN"));
	expect_refusal(json_deep_copy(root), "variable radio_dx_frequency",
		       "'weekly' and 'rarely' read the same ('hàng tuần')");
	/* An alias that is another value's label: refused. */
	json_object_set_new(json_array_get(values, 2), "aliases",
			    json_pack("[s]", "Từ 1 lần/1 tuần trở lên"));
	expect_refusal(json_deep_copy(root), "variable radio_dx_frequency",
		       "'weekly' and 'rarely' read the same");
	json_object_set_new(json_array_get(values, 2), "aliases", json_pack("[i]", 3));
	expect_refusal(json_deep_copy(root),
		       "enum value 'rarely': alias #1 is not a non-empty string", "alias #1");
	json_object_set_new(json_array_get(values, 2), "aliases", json_string("Hiếm khi"));
	expect_refusal(root, "enum value 'rarely'", "\"aliases\" must be a list of strings");
}

static void test_minmax_policy_applies(void **state)
{
	json_t *root = original();
	char *text;
	framework *fw = NULL;
	dti_diag d;
	(void)state;
	json_object_set_new(json_object_get(root, "policy"), "normalisation",
			    json_string("minmax"));
	json_object_del(json_object_get(indicator(root, "8.4"), "rule"), "normalisation");
	text = json_dumps(root, 0);
	assert_int_equal(framework_parse(text, strlen(text), "fw.json", &fw, &d), DTI_EOK);
	assert_int_equal(framework_indicator(fw, "8.4")->norm, NORM_MINMAX);
	assert_int_equal(framework_indicator(fw, "8.5")->norm, NORM_MAX); /* explicit in the file */
	framework_free(fw);
	free(text);
	json_decref(root);
}

static void test_syntax_error_has_position(void **state)
{
	framework *fw = NULL;
	dti_diag d;
	(void)state;
	assert_int_equal(framework_parse("{\"edition\": ", 12, "bad.json", &fw, &d),
			 DTI_EFRAMEWORK);
	assert_non_null(strstr(d.msg, "bad.json:1:"));
}

static void test_value_words(void **state)
{
	framework *fw = NULL;
	dti_diag d;
	char canon[64];
	double num;
	(void)state;
	assert_int_equal(framework_load(FW_PATH, &fw, &d), DTI_EOK);
	const fw_variable *yn = framework_variable(fw, "dx_staff");
	const fw_variable *en = framework_variable(fw, "steering_head");
	const fw_variable *ct = framework_variable(fw, "population");
	const fw_variable *am = framework_variable(fw, "budget_spending_total");
	static const char *const yes_words[] = {"yes", "YES", "true",       "1", "có",
						"Có",  "CÓ",  "co\xcc\x81", "co"};
	for (size_t i = 0; i < sizeof yes_words / sizeof yes_words[0]; i++) {
		assert_int_equal(
			framework_value(yn, yes_words[i], '.', canon, sizeof canon, &num, &d), 0);
		assert_string_equal(canon, "yes");
		assert_true(num == 1.0);
	}
	assert_int_equal(framework_value(yn, "Không", '.', canon, sizeof canon, &num, &d), 0);
	assert_string_equal(canon, "no");
	assert_int_equal(framework_value(yn, "maybe", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	assert_int_equal(framework_value(en, "Deputy", '.', canon, sizeof canon, &num, &d), 0);
	assert_string_equal(canon, "deputy");
	assert_int_equal(framework_value(en, "Bí thư/Chủ tịch xã/thị trấn", '.', canon,
					 sizeof canon, &num, &d),
			 0);
	assert_string_equal(canon, "chair");
	assert_int_equal(framework_value(en, "boss", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	assert_non_null(strstr(d.msg, "chair, deputy, none"));
	assert_int_equal(framework_value(ct, "-5", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	assert_non_null(strstr(d.msg, "negative"));
	assert_int_equal(framework_value(ct, "12.5", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	assert_int_equal(framework_value(ct, "12abc", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	assert_int_equal(framework_value(ct, "1e3", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	assert_int_equal(framework_value(ct, " 9954 ", '.', canon, sizeof canon, &num, &d), 0);
	assert_true(num == 9954.0);
	assert_int_equal(framework_value(am, "21307,9", ',', canon, sizeof canon, &num, &d), 0);
	assert_true(num == 21307.9);
	assert_int_equal(framework_value(am, "21307,9", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	assert_int_equal(framework_value(am, "\xff\xfe", '.', canon, sizeof canon, &num, &d),
			 DTI_EINVALID);
	/* Whole numbers as written and as the general path writes them: the
	 * plain ones are their own text, leading zeros go, 16 digits and more
	 * are read as any number. */
	{
		static const char *const in[] = {"0",
						 "7",
						 "00",
						 "007",
						 "999999999999999",
						 "0999999999999999",
						 "1234567890123456",
						 "12.0",
						 "12 "};
		static const char *const out[] = {"0",
						  "7",
						  "0",
						  "7",
						  "999999999999999",
						  "999999999999999",
						  "1234567890123456",
						  "12",
						  "12"};
		static const double nums[] = {
			0,  7, 0, 7, 999999999999999.0, 999999999999999.0, 1234567890123456.0,
			12, 12};
		for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
			for (int k = 0; k < 2; k++) {
				assert_int_equal(framework_value(k ? am : ct, in[i], '.', canon,
								 sizeof canon, &num, &d),
						 0);
				assert_string_equal(canon, out[i]);
				assert_true(num == nums[i]);
			}
	}
	framework_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_file_loads),
		cmocka_unit_test(test_ambiguous_enum),
		cmocka_unit_test(test_enum_aliases),
		cmocka_unit_test(test_pillar_sum),
		cmocka_unit_test(test_total_not_1000),
		cmocka_unit_test(test_total_from_file),
		cmocka_unit_test(test_total_not_the_files),
		cmocka_unit_test(test_total_absent),
		cmocka_unit_test(test_unknown_rule_kind),
		cmocka_unit_test(test_unknown_variable),
		cmocka_unit_test(test_duplicate_indicator),
		cmocka_unit_test(test_threshold_range),
		cmocka_unit_test(test_tier_without_fraction),
		cmocka_unit_test(test_wrong_variable_type),
		cmocka_unit_test(test_unknown_policy_value),
		cmocka_unit_test(test_duplicate_variable),
		cmocka_unit_test(test_minmax_policy_applies),
		cmocka_unit_test(test_syntax_error_has_position),
		cmocka_unit_test(test_value_words),
	};
	return cmocka_run_group_tests_name("framework", tests, NULL, NULL);
}
