/* The comparison figure across the reorganisation (scorer/history.h,
 * docs/report.md "Year over year across the reorganisation"): the
 * population-weighted mean of the predecessors' official totals, the plain
 * mean when a scored predecessor has no population, none when no
 * predecessor was scored. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "history.h"

static history_pred pred(bool scored, double total, double population, bool split)
{
	history_pred p;

	memset(&p, 0, sizeof p);
	p.scored = scored;
	p.total = scored ? total : NAN;
	p.population = population;
	p.split = split;
	return p;
}

static void test_weighted(void **state)
{
	/* Lạc Đạo 11992 of the sample: 11989 (split), 11992, 12007. */
	history_pred p[] = {pred(true, 648.47, 7799, true), pred(true, 702.43, 8348, false),
			    pred(true, 687.49, 10118, false)};
	history_basis b = HISTORY_NONE;
	double want = (648.47 * 7799 + 702.43 * 8348 + 687.49 * 10118) / (7799 + 8348 + 10118);
	double got = history_weighted_mean(p, 3, &b);

	(void)state;
	assert_int_equal(b, HISTORY_WEIGHTED);
	assert_true(fabs(got - want) < 1e-9);
	/* Not the plain mean: the weights matter. */
	assert_true(fabs(got - (648.47 + 702.43 + 687.49) / 3) > 0.1);
	/* A split predecessor counts with its whole population, as a whole one. */
	p[0].split = false;
	assert_true(fabs(history_weighted_mean(p, 3, &b) - want) < 1e-12);
}

static void test_one_predecessor(void **state)
{
	history_pred p[] = {pred(true, 512.25, 9000, false)};
	history_basis b = HISTORY_NONE;

	(void)state;
	assert_true(fabs(history_weighted_mean(p, 1, &b) - 512.25) < 1e-12);
	assert_int_equal(b, HISTORY_WEIGHTED);
	/* Without its population the plain mean is the same total. */
	p[0].population = NAN;
	assert_true(fabs(history_weighted_mean(p, 1, &b) - 512.25) < 1e-12);
	assert_int_equal(b, HISTORY_PLAIN);
}

static void test_population_missing(void **state)
{
	history_pred p[] = {pred(true, 600, 10000, false), pred(true, 700, NAN, false),
			    pred(true, 800, 30000, false)};
	history_basis b = HISTORY_NONE;

	(void)state;
	/* One scored predecessor without a population: the plain mean of all. */
	assert_true(fabs(history_weighted_mean(p, 3, &b) - 700) < 1e-12);
	assert_int_equal(b, HISTORY_PLAIN);
	/* A population of 0 or below is none. */
	p[1].population = 0;
	assert_true(fabs(history_weighted_mean(p, 3, &b) - 700) < 1e-12);
	assert_int_equal(b, HISTORY_PLAIN);
	p[1].population = -5;
	history_weighted_mean(p, 3, &b);
	assert_int_equal(b, HISTORY_PLAIN);
	/* With it, weighted again. */
	p[1].population = 20000;
	assert_true(fabs(history_weighted_mean(p, 3, &b) - (600 * 1 + 700 * 2 + 800 * 3) / 6.0) <
		    1e-9);
	assert_int_equal(b, HISTORY_WEIGHTED);
}

static void test_population_absurd(void **state)
{
	/* A hostile earlier database: an enormous or infinite population is
	 * no weight; the figure stays a number, the plain mean. */
	history_pred p[] = {pred(true, 600, 1e308, false), pred(true, 700, 1e308, false),
			    pred(true, 800, INFINITY, false)};
	history_basis b = HISTORY_NONE;
	double got = history_weighted_mean(p, 3, &b);

	(void)state;
	assert_int_equal(b, HISTORY_PLAIN);
	assert_true(fabs(got - 700) < 1e-9);
}

static void test_unscored(void **state)
{
	/* A predecessor without an official total is left out, its population
	 * with it; none scored: no figure. */
	history_pred p[] = {pred(false, 0, 50000, false), pred(true, 640, 10000, true),
			    pred(true, 660, 30000, false)};
	history_basis b = HISTORY_NONE;

	(void)state;
	assert_true(fabs(history_weighted_mean(p, 3, &b) - (640 * 1 + 660 * 3) / 4.0) < 1e-9);
	assert_int_equal(b, HISTORY_WEIGHTED);
	p[1].scored = p[2].scored = false;
	assert_true(isnan(history_weighted_mean(p, 3, &b)));
	assert_int_equal(b, HISTORY_NONE);
	assert_true(isnan(history_weighted_mean(p, 0, &b)));
	assert_int_equal(b, HISTORY_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weighted),           cmocka_unit_test(test_one_predecessor),
		cmocka_unit_test(test_population_missing), cmocka_unit_test(test_population_absurd),
		cmocka_unit_test(test_unscored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
