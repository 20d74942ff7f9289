/* The provisional score (dti-web's) against the scorer's, under a framework
 * that scores some indicators for some unit types only
 * (tests/fixtures/applicability/: 1.2 for wards, 2.2 cross-commune for
 * wards and special zones): for every commune, indicator, pillar and
 * total, the same points and the same maximum as `dti score` stores, and a
 * non-applicable indicator flagged and worth nothing to gain. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "batch.h"
#include "framework.h"
#include "provisional.h"
#include "score.h"
#include "staging.h"
#include "store.h"
#include "units.h"
#include "util.h"

#include "staging_fixture.h"

#define DIR "tests/fixtures/applicability/"
#define YEAR 2025

static const char *const codes[] = {"11953", "11977", "11992"};

static int setup_applies(void **state)
{
	static const char *const names[] = {"Phường Phố Hiến", "Xã Tân Hưng", "Xã Lạc Đạo"};
	fixture *f = fixture_open(DIR "framework.json", codes, names, 3);
	batch b;
	dti_problems p = {0};
	batch_target t = {"sheet", "sheet", "test", YEAR, NULL, NULL, 0, false, NULL, NULL};
	int64_t run = 0;
	dti_diag d;
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;

	if (!f ||
	    staging_exec(f->st,
			 "UPDATE commune SET unit_type = CASE code WHEN '11953' THEN 'Phường' "
			 "ELSE 'Xã' END",
			 &d))
		return -1;
	/* The fixture's inputs, line by line (code,variable,value). */
	if (read_file(DIR "inputs.csv", 1 << 20, &text, &len, &d))
		return -1;
	batch_init(&b);
	for (line = strtok_r(text, "\n", &save), line = strtok_r(NULL, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c2)
			return -1;
		*c1 = *c2 = '\0';
		if (!batch_add(&b, framework_variable(f->fw, c1 + 1), line, YEAR, c2 + 1, '.', NULL,
			       NULL, "test", &p))
			return -1;
	}
	free(text);
	if (batch_store(f->st, &b, &t, &run, &d))
		return -1;
	batch_free(&b);
	*state = f;
	return 0;
}

/* points and max_points of one stored score row of the latest run (the
 * store keeps its statements by their SQL text: literals only). */
#define STORED_ROW                                                               \
	"FROM score WHERE commune_code = ?1 AND item = ?2 AND scoring_run_id = " \
	"(SELECT max(id) FROM scoring_run)"
static void stored(fixture *f, const char *code, const char *item, double *points, double *max)
{
	bool found = false;
	dti_diag d;

	assert_int_equal(store_double(f->st, &d, "SELECT points " STORED_ROW, points, &found,
				      STORE_ARGS(STORE_TEXT(code), STORE_TEXT(item))),
			 DTI_EOK);
	assert_true(found);
	assert_int_equal(store_double(f->st, &d, "SELECT max_points " STORED_ROW, max, &found,
				      STORE_ARGS(STORE_TEXT(code), STORE_TEXT(item))),
			 DTI_EOK);
}

static void same(const char *code, const char *item, double mine, double theirs)
{
	if (fabs(mine - theirs) > 1e-9)
		fail_msg("%s %s: provisional %g, scorer %g", code, item, mine, theirs);
}

static void test_same_as_scorer(void **state)
{
	fixture *f = *state;
	score_options o = {.year = YEAR};
	score_summary s;
	dti_diag d;
	double pts, max;

	assert_true(f->fw->by_unit_type);
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	for (size_t c = 0; c < sizeof codes / sizeof *codes; c++) {
		provisional p;
		assert_int_equal(provisional_score(f->st, f->fw, YEAR, codes[c], NULL, 0, &p, &d),
				 DTI_EOK);
		for (size_t i = 0; i < p.n_indicators; i++) {
			const provisional_indicator *pi = &p.indicators[i];
			stored(f, codes[c], pi->ind->id, &pts, &max);
			same(codes[c], pi->ind->id, pi->points, pts);
			same(codes[c], pi->ind->id, pi->max, max);
			if (!framework_applies(pi->ind, strcmp(codes[c], "11953")
								? UNIT_TYPE_XA
								: UNIT_TYPE_PHUONG)) {
				assert_true(pi->flags & FLAG_NOT_APPLICABLE);
				assert_int_equal(pi->advice.kind, ADVICE_NONE);
			}
		}
		for (size_t k = 0; k < p.n_pillars; k++) {
			stored(f, codes[c], f->fw->pillars[k].id, &pts, &max);
			same(codes[c], f->fw->pillars[k].id, p.pillars[k], pts);
			same(codes[c], f->fw->pillars[k].id, p.pillar_max[k], max);
		}
		stored(f, codes[c], "TOTAL", &pts, &max);
		same(codes[c], "TOTAL", p.total, pts);
		same(codes[c], "TOTAL", p.max, max);
		provisional_free(&p);
	}
}

/* An indicator normalised across communes (8.4 of the 2024 framework: a
 * commune's spending over the highest): the provisional score reads the
 * other communes' inputs it needs, and each commune's points are the
 * scorer's (30, 15 and 7.5 here). */
static void test_normalised_over_every_commune(void **state)
{
	static const char *const codes3[] = {"11989", "11992", "11995"};
	static const char *const names3[] = {"Xã Một", "Xã Hai", "Xã Ba"};
	static const char *const spent[] = {"100", "50", "25"};
	static const double points[] = {30, 15, 7.5};
	fixture *f = fixture_open("config/frameworks/commune-2024.json", codes3, names3, 3);
	batch b;
	dti_problems pr = {0};
	batch_target t = {"sheet", "sheet", "test", 2024, NULL, NULL, 0, false, NULL, NULL};
	score_options o = {.year = 2024};
	score_summary s;
	int64_t run = 0;
	dti_diag d;

	assert_non_null(f);
	*state = f; /* for teardown */
	batch_init(&b);
	for (size_t c = 0; c < 3; c++)
		assert_true(batch_add(&b, framework_variable(f->fw, "digital_society_investment"),
				      codes3[c], 2024, spent[c], '.', NULL, NULL, "test", &pr));
	assert_int_equal(batch_store(f->st, &b, &t, &run, &d), DTI_EOK);
	batch_free(&b);
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	for (size_t c = 0; c < 3; c++) {
		provisional p;
		double pts, max;
		size_t i = 0;
		assert_int_equal(provisional_score(f->st, f->fw, 2024, codes3[c], NULL, 0, &p, &d),
				 DTI_EOK);
		while (i < p.n_indicators && strcmp(p.indicators[i].ind->id, "8.4") != 0)
			i++;
		assert_true(i < p.n_indicators);
		stored(f, codes3[c], "8.4", &pts, &max);
		same(codes3[c], "8.4", pts, points[c]);
		same(codes3[c], "8.4", p.indicators[i].points, points[c]);
		provisional_free(&p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_same_as_scorer, setup_applies, teardown),
		cmocka_unit_test_teardown(test_normalised_over_every_commune, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
