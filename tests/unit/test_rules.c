/* Every rule kind at and around its boundaries, and the spec's worked example. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "framework.h"
#include "rule_kinds.h"
#include "rules.h"

static framework *fw;

static int setup(void **state)
{
	dti_diag d;
	(void)state;
	return framework_load("config/frameworks/commune-2024.json", &fw, &d) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	framework_free(fw);
	return 0;
}

static rule_value yes_(double v)
{
	rule_value r = {true, v, NULL, 0};
	return r;
}

static rule_value word(const char *w)
{
	rule_value r = {true, NAN, w, 0};
	return r;
}

static const rule_value absent = {false, 0, NULL, 0};

static void test_yesno(void **state)
{
	(void)state;
	assert_true(rule_yesno(yes_(1)).fraction == 1.0);
	assert_true(rule_yesno(yes_(0)).fraction == 0.0);
	assert_int_equal(rule_yesno(yes_(0)).flags, 0);
	assert_true(rule_yesno(absent).fraction == 0.0);
	assert_int_equal(rule_yesno(absent).flags, FLAG_MISSING);
}

static void test_tier(void **state)
{
	const fw_indicator *i11 = framework_indicator(fw, "1.1");
	const fw_indicator *i15 = framework_indicator(fw, "1.5");
	(void)state;
	assert_true(rule_tier(i11, word("chair")).fraction == 1.0);
	assert_true(rule_tier(i11, word("deputy")).fraction == 0.5);
	assert_true(rule_tier(i11, word("none")).fraction == 0.0);
	assert_true(rule_tier(i15, word("weekly")).fraction == 1.0);
	assert_true(rule_tier(i15, word("monthly")).fraction == 0.5);
	assert_true(rule_tier(i15, word("rarely")).fraction == 0.0);
	assert_int_equal(rule_tier(i15, absent).flags, FLAG_MISSING);
}

static void test_count_tiers_bands_and_gate(void **state)
{
	const fw_indicator *i = framework_indicator(fw, "1.3");
	static const struct {
		double posts, fraction;
	} cases[] = {{0, 0}, {1, 0.25}, {4, 0.25}, {5, 0.5}, {7, 0.5}, {9, 0.5}, {10, 1}, {250, 1}};
	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
		assert_true(rule_count_tiers(i, yes_(1), yes_(cases[k].posts)).fraction ==
			    cases[k].fraction);
	/* The spec's worked example: section = yes with 7 posts gives 10 of 20. */
	assert_true(rule_count_tiers(i, yes_(1), yes_(7)).fraction * i->max == 10.0);
	/* No section: 0 whatever the count, and not "missing". */
	assert_true(rule_count_tiers(i, yes_(0), yes_(25)).fraction == 0.0);
	assert_int_equal(rule_count_tiers(i, yes_(0), yes_(25)).flags, 0);
	assert_int_equal(rule_count_tiers(i, absent, yes_(25)).flags, FLAG_MISSING);
	assert_int_equal(rule_count_tiers(i, yes_(1), absent).flags, FLAG_MISSING);
}

static void test_ratio(void **state)
{
	rule_result r;
	(void)state;
	assert_true(rule_ratio(2, 5, OVER_CLAMP).fraction == 0.4);
	assert_true(rule_ratio(0, 5, OVER_CLAMP).fraction == 0.0);
	assert_true(rule_ratio(5, 5, OVER_CLAMP).fraction == 1.0);
	assert_int_equal(rule_ratio(5, 5, OVER_CLAMP).flags, 0);
	r = rule_ratio(2012, 1990, OVER_CLAMP);
	assert_true(r.fraction == 1.0);
	assert_int_equal(r.flags, FLAG_NUM_ABOVE_DEN);
	r = rule_ratio(6, 5, OVER_ZERO);
	assert_true(r.fraction == 0.0);
	assert_int_equal(r.flags, FLAG_NUM_ABOVE_DEN);
	r = rule_ratio(3, 0, OVER_CLAMP);
	assert_true(r.fraction == 0.0);
	assert_int_equal(r.flags, FLAG_NO_DENOMINATOR);
	r = rule_ratio(0, 0, OVER_CLAMP);
	assert_int_equal(r.flags, FLAG_NO_DENOMINATOR);
}

static void test_ratio_threshold(void **state)
{
	const fw_indicator *i = framework_indicator(fw, "6.3");
	(void)state;
	/* Worked example: 750 of 1000 with T = 0.8 gives 37.5 of 40. */
	assert_true(fabs(rule_ratio_threshold(500 + 250, 1000, 0.8, OVER_CLAMP).fraction * i->max -
			 37.5) < 1e-12);
	assert_true(rule_ratio_threshold(800, 1000, 0.8, OVER_CLAMP).fraction == 1.0);
	assert_true(rule_ratio_threshold(799, 1000, 0.8, OVER_CLAMP).fraction < 1.0);
	assert_true(fabs(rule_ratio_threshold(799, 1000, 0.8, OVER_CLAMP).fraction - 0.99875) <
		    1e-12);
	assert_true(rule_ratio_threshold(801, 1000, 0.8, OVER_CLAMP).fraction == 1.0);
	assert_true(rule_ratio_threshold(1200, 1000, 0.8, OVER_CLAMP).fraction == 1.0);
	assert_true(rule_ratio_threshold(0, 1000, 0.8, OVER_CLAMP).fraction == 0.0);
	assert_int_equal(rule_ratio_threshold(1, 0, 0.8, OVER_CLAMP).flags, FLAG_NO_DENOMINATOR);
	/* 7.7: 0.25 % of the budget exactly. */
	assert_true(rule_ratio_threshold(25, 10000, 0.0025, OVER_CLAMP).fraction == 1.0);
	assert_true(rule_ratio_threshold(5, 100, 0.05, OVER_CLAMP).fraction == 1.0);
	assert_true(rule_ratio_threshold(1, 10, 0.10, OVER_CLAMP).fraction == 1.0);
}

static void test_ratio_floor(void **state)
{
	const fw_indicator *i = framework_indicator(fw, "6.5");
	(void)state;
	/* Worked example: 590 of 1000 gives 0; 600 of 1000 gives 0.6 × 40 = 24. */
	assert_true(rule_ratio_floor(590, 1000, 0.6, OVER_CLAMP).fraction == 0.0);
	assert_true(fabs(rule_ratio_floor(600, 1000, 0.6, OVER_CLAMP).fraction * i->max - 24.0) <
		    1e-12);
	assert_true(rule_ratio_floor(599, 1000, 0.6, OVER_CLAMP).fraction == 0.0);
	assert_true(rule_ratio_floor(1000, 1000, 0.6, OVER_CLAMP).fraction == 1.0);
	assert_true(rule_ratio_floor(1100, 1000, 0.6, OVER_CLAMP).fraction == 1.0);
	assert_int_equal(rule_ratio_floor(1, 0, 0.6, OVER_CLAMP).flags, FLAG_NO_DENOMINATOR);
}

static void test_normalise(void **state)
{
	(void)state;
	assert_true(rule_normalise(NORM_MAX, 5, 1, 10) == 0.5);
	assert_true(rule_normalise(NORM_MAX, 10, 1, 10) == 1.0);
	assert_true(rule_normalise(NORM_MAX, 0, 0, 0) == 0.0);
	assert_true(rule_normalise(NORM_MINMAX, 5.5, 1, 10) == 0.5);
	assert_true(rule_normalise(NORM_MINMAX, 1, 1, 10) == 0.0);
	assert_true(rule_normalise(NORM_MINMAX, 3, 3, 3) == 1.0);
	assert_true(rule_normalise(NORM_MINMAX, 0, 0, 0) == 0.0);
}

/* rule_eval through a lookup: sums of numerator variables, missing parts. */
typedef struct fake {
	const char *names[8];
	double values[8];
	size_t n;
} fake;

static rule_value fake_lookup(void *ctx, const fw_variable *v)
{
	fake *f = ctx;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->names[i], v->name) == 0)
			return yes_(f->values[i]);
	return absent;
}

static void test_eval_sums_and_missing(void **state)
{
	fake f = {{"dossiers_total", "dossiers_online_partial", "dossiers_online_full"},
		  {1000, 500, 250},
		  3};
	rule_result r;
	(void)state;
	r = rule_eval(fw, framework_indicator(fw, "6.3"), fake_lookup, &f);
	assert_true(fabs(r.fraction * 40 - 37.5) < 1e-12);
	assert_true(r.ratio == 0.75);
	f.n = 2; /* dossiers_online_full missing */
	r = rule_eval(fw, framework_indicator(fw, "6.3"), fake_lookup, &f);
	assert_true(r.fraction == 0.0);
	assert_true(r.flags & FLAG_MISSING);
	/* Cross-commune on an amount gives x, normalised later. */
	f.names[0] = "digital_society_investment";
	f.values[0] = 311.8;
	f.n = 1;
	r = rule_eval(fw, framework_indicator(fw, "8.4"), fake_lookup, &f);
	assert_true(r.ratio == 311.8);
	assert_int_equal(r.flags, 0);
}

static void test_flags_format(void **state)
{
	char buf[128];
	(void)state;
	flags_format(FLAG_MISSING | FLAG_REJECTED, buf, sizeof buf);
	assert_string_equal(buf, "missing,rejected");
	flags_format(0, buf, sizeof buf);
	assert_string_equal(buf, "");
	flags_format(FLAG_NUM_ABOVE_DEN, buf, sizeof buf);
	assert_string_equal(buf, "numerator_above_denominator");
	/* A word that does not fit is left out whole, and those after it. */
	flags_format(FLAG_MISSING | FLAG_REJECTED, buf, 12);
	assert_string_equal(buf, "missing");
	flags_format(FLAG_MISSING | FLAG_REJECTED, buf, 17);
	assert_string_equal(buf, "missing,rejected");
	/* Parsing gives back what formatting wrote. */
	assert_int_equal(flags_parse("missing,rejected"), FLAG_MISSING | FLAG_REJECTED);
	assert_int_equal(flags_parse("numerator_above_denominator"), FLAG_NUM_ABOVE_DEN);
	assert_int_equal(flags_parse("no_denominator,unknown"), FLAG_NO_DENOMINATOR);
	assert_int_equal(flags_parse(""), 0);
}

/* The table of rule kinds: every kind of the enum has a whole entry, names
 * round-trip and are distinct, and only cross_commune is normalised. */
static void test_kind_table(void **state)
{
	rule_kind back;
	(void)state;
	for (int k = 0; k < RULE_KIND_COUNT; k++) {
		const rule_kind_def *def = rule_kind_get((rule_kind)k);
		assert_non_null(def);
		assert_non_null(def->name);
		assert_true(def->name[0] != '\0');
		assert_non_null(def->parse);
		assert_non_null(def->evaluate);
		assert_non_null(def->describe);
		assert_non_null(def->arithmetic);
		assert_string_equal(rule_kind_name((rule_kind)k), def->name);
		assert_true(rule_kind_from_name(def->name, &back));
		assert_int_equal(back, k);
		for (int j = 0; j < k; j++)
			assert_string_not_equal(rule_kind_name((rule_kind)j), def->name);
		assert_int_equal(def->normalised, k == RULE_CROSS_COMMUNE);
	}
	assert_null(rule_kind_get(RULE_KIND_COUNT));
	assert_string_equal(rule_kind_name(RULE_KIND_COUNT), "?");
	assert_false(rule_kind_from_name("fancy", &back));
	assert_false(rule_kind_from_name("", &back));
	/* The shipped file's indicators each reach their kind's entry. */
	for (size_t i = 0; i < fw->n_indicators; i++)
		assert_ptr_equal(rule_kind_of(&fw->indicators[i]),
				 rule_kind_get(fw->indicators[i].kind));
}

/* What the report shows: the answer, the value or the ratio. */
static void test_kind_measures(void **state)
{
	(void)state;
	assert_int_equal(rule_kind_measures(framework_indicator(fw, "1.1")), RULE_MEASURES_ANSWER);
	assert_int_equal(rule_kind_measures(framework_indicator(fw, "1.4")), RULE_MEASURES_ANSWER);
	assert_int_equal(rule_kind_measures(framework_indicator(fw, "1.3")), RULE_MEASURES_VALUE);
	assert_int_equal(rule_kind_measures(framework_indicator(fw, "8.4")), RULE_MEASURES_VALUE);
	assert_int_equal(rule_kind_measures(framework_indicator(fw, "4.6")), RULE_MEASURES_RATIO);
	assert_int_equal(rule_kind_measures(framework_indicator(fw, "6.5")), RULE_MEASURES_RATIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yesno),
		cmocka_unit_test(test_tier),
		cmocka_unit_test(test_count_tiers_bands_and_gate),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test(test_ratio_threshold),
		cmocka_unit_test(test_ratio_floor),
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_eval_sums_and_missing),
		cmocka_unit_test(test_flags_format),
		cmocka_unit_test(test_kind_table),
		cmocka_unit_test(test_kind_measures),
	};
	return cmocka_run_group_tests_name("rules", tests, setup, teardown);
}
