/* The input fingerprint behind `dti score --if-changed`: the same inputs
 * give the same fingerprint; a changed value, an appraisal, another year,
 * another mode or another commune set change it; a scoring run stores it. */
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
#include "rescore.h"
#include "results.h"
#include "score.h"
#include "staging.h"
#include "staging_int.h" /* looks under the store: raw statements */
#include "staging_fixture.h"
#include "store_appraisal.h"
#include "store_history.h"
#include "store_report.h"
#include "store_score.h"
#include "store_status.h"
#include "util.h"

static void put(fixture *f, const char *code, const char *var, const char *raw)
{
	put_value(f, "sheet-a", code, var, raw);
}

/* The fingerprint of the inputs a scoring run of year would read now: a
 * dry pass, which stores nothing (policy: may be NULL). */
static void fp_policy(fixture *f, int year, bool official, const char *policy, char out[65])
{
	score_options o = {.year = year, .official = official, .policy = policy, .dry = true};
	score_summary s;
	dti_diag d;
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	memcpy(out, s.input_sha256, 65);
	assert_int_equal(strlen(out), 64);
}

static void fp(fixture *f, int year, bool official, char out[65])
{
	fp_policy(f, year, official, NULL, out);
}

static void test_fingerprint_follows_inputs(void **state)
{
	fixture *f = *state;
	char a[65], b[65], c[65];
	dti_diag d;

	fp(f, 2024, false, a);
	fp(f, 2024, false, b);
	assert_string_equal(a, b);
	put(f, "11989", "population", "7799");
	fp(f, 2024, false, b);
	assert_string_not_equal(a, b);
	fp(f, 2024, false, c);
	assert_string_equal(b, c);
	/* A policy (official.must_verify) is part of it. */
	{
		char p1[65], p2[65];
		fp_policy(f, 2024, true, "{\"a\":1}", p1);
		fp_policy(f, 2024, true, "{\"a\":2}", p2);
		assert_string_not_equal(p1, p2);
	}
	/* The same figure from the same source is not stored again: nothing
	 * changes.  Another figure does. */
	put(f, "11989", "population", "7799");
	fp(f, 2024, false, c);
	assert_string_equal(b, c);
	put(f, "11989", "population", "7800");
	fp(f, 2024, false, c);
	assert_string_not_equal(b, c);
	/* Mode and year are part of it; another year's data is not. */
	fp(f, 2024, true, a);
	assert_string_not_equal(a, c);
	fp(f, 2023, false, a);
	assert_string_not_equal(a, c);
	/* An appraisal changes the state of an input. */
	{
		int64_t last = 0;
		assert_int_equal(
			staging_query_int64(f->st, "SELECT max(id) FROM observation", 0, &last, &d),
			DTI_EOK);
		store_appraisal_act act = {last, "verify", NULL, NAN, "t", "2024-01-01", NULL};
		assert_int_equal(staging_begin(f->st, &d), DTI_EOK);
		assert_int_equal(store_appraisal_add(f->st, &act, NULL, &d), DTI_EOK);
		assert_int_equal(staging_commit(f->st, &d), DTI_EOK);
	}
	fp(f, 2024, false, a);
	assert_string_not_equal(a, c);
	/* So does the set of communes assessed. */
	assert_int_equal(
		staging_exec(f->st, "UPDATE commune SET active = 0 WHERE code = '11992'", &d),
		DTI_EOK);
	fp(f, 2024, false, b);
	assert_string_not_equal(a, b);
}

/* The number a query gives (?1 = param, if it has one). */
static int64_t query(fixture *f, const char *sql, int64_t param)
{
	int64_t n = -1;
	dti_diag d;

	assert_int_equal(staging_query_int64(f->st, sql, param, &n, &d), DTI_EOK);
	return n;
}

static int64_t count_runs(fixture *f)
{
	return query(f, "SELECT count(*) FROM scoring_run", 0);
}

static void test_scoring_run_records_fingerprint(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	score_summary s;
	char now[65], last[65];
	int64_t run = 0, runs = 0;
	bool official = true;
	dti_diag d;

	assert_int_equal(rescore_latest(f->st, 2024, &run, &official, last, NULL, &d), DTI_EOK);
	assert_int_equal(run, 0);
	put(f, "11989", "population", "7799");
	fp(f, 2024, false, now);
	/* A fingerprint pass stores no scoring run. */
	runs = count_runs(f);
	assert_int_equal(runs, 0);
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_string_equal(s.input_sha256, now);
	assert_false(s.unchanged);
	assert_int_equal(rescore_latest(f->st, 2024, &run, &official, last, NULL, &d), DTI_EOK);
	assert_int_equal(run, s.scoring_run_id);
	assert_false(official);
	assert_string_equal(last, now);
	/* Scoring reads inputs, it does not change them. */
	fp(f, 2024, false, last);
	assert_string_equal(last, now);
	/* With the fingerprint of the latest run as skip_if, nothing is stored. */
	o.skip_if = now;
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_true(s.unchanged);
	assert_int_equal(s.scoring_run_id, 0);
	runs = count_runs(f);
	assert_int_equal(runs, 1);
	/* Another input: scored again. */
	put(f, "11989", "population", "7800");
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_false(s.unchanged);
	assert_string_not_equal(s.input_sha256, now);
	runs = count_runs(f);
	assert_int_equal(runs, 2);
}

/* A forced rerun of the same inputs gives the same score rows, kept once:
 * each commune's rows are one score set, which the second run shares. */
static void test_rerun_shares_score_sets(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	score_summary s1, s2;
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11992", "population", "5120");
	put(f, "11989", "dx_staff", "có");
	assert_int_equal(score_year(f->st, f->fw, &o, &s1, &d), DTI_EOK);
	assert_int_equal(score_year(f->st, f->fw, &o, &s2, &d), DTI_EOK);
	assert_int_equal(s2.scoring_run_id, s1.scoring_run_id + 1);
	assert_int_equal(
		query(f, "SELECT count(*) FROM score WHERE scoring_run_id = ?1", s1.scoring_run_id),
		2 * (int)(f->fw->n_indicators + f->fw->n_pillars + 1));
	assert_int_equal(
		query(f,
		      "SELECT count(*) FROM (SELECT commune_code, item, level, points, "
		      "max_points, fraction, ratio, flags, rank FROM score WHERE "
		      "scoring_run_id = ?1 EXCEPT SELECT commune_code, item, level, points, "
		      "max_points, fraction, ratio, flags, rank FROM score WHERE "
		      "scoring_run_id = ?1 + 1)",
		      s1.scoring_run_id),
		0);
	assert_int_equal(
		query(f, "SELECT count(*) FROM score WHERE scoring_run_id = ?1", s2.scoring_run_id),
		2 * (int)(f->fw->n_indicators + f->fw->n_pillars + 1));
	assert_int_equal(query(f, "SELECT count(*) FROM score_set WHERE ?1", 1), 2);
}

typedef struct doc_inputs {
	const char *value, *state;
	bool stored;
} doc_inputs;

/* The inputs results_detail reads for commune `code` of run `run`, with
 * the number of documents it had to read through the view. */
static size_t read_detail(fixture *f, int64_t run, const char *code, const char *var,
			  doc_inputs *out)
{
	scoring_run_info info;
	results *r = NULL;
	size_t fallbacks;
	long c;
	dti_diag d;

	assert_int_equal(score_run_load(f->st, run, 2024, &info, &d), DTI_EOK);
	assert_int_equal(results_load(f->st, &info, true, &r, &d), DTI_EOK);
	c = results_find(r, code);
	assert_true(c >= 0);
	assert_int_equal(results_detail(f->st, r, (size_t)c, true, &d), DTI_EOK);
	{
		const res_input *in =
			&r->communes[c].inputs[framework_variable(f->fw, var) - f->fw->variables];
		static char value[64], st[32];
		snprintf(value, sizeof value, "%s", in->text ? in->text : "(none)");
		snprintf(st, sizeof st, "%s", in->state ? in->state : "(none)");
		*out = (doc_inputs){value, st, in->stored};
	}
	fallbacks = r->doc_fallbacks;
	results_free(r);
	framework_free(info.fw);
	return fallbacks;
}

/* A run's input documents (migration 19: an array in the order of the
 * run's layout, the names once in input_layout) read back whole by the
 * report's reader, and the same through score_input; a document stored
 * before (an object by variable) is read whole too; one of another shape
 * is read through the view, the same inputs. */
static void test_input_documents_read_back(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	score_summary s;
	doc_inputs in;
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11989", "dx_staff", "có");
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_int_equal(query(f, "SELECT count(*) FROM input_set WHERE layout IS NULL", 0), 0);
	assert_int_equal(query(f,
			       "SELECT count(*) FROM score_input WHERE scoring_run_id = ?1 AND "
			       "commune_code = '11989' AND variable = 'population' AND "
			       "value = '7799' AND num = 7799.0 AND state = 'raw'",
			       s.scoring_run_id),
			 1);
	assert_int_equal(read_detail(f, s.scoring_run_id, "11989", "population", &in), 0);
	assert_string_equal(in.value, "7799");
	assert_string_equal(in.state, "raw");
	/* The form of the documents stored before migration 19. */
	assert_int_equal(
		staging_exec(f->st,
			     "UPDATE input_set SET inputs = (SELECT json_group_object(variable, "
			     "json_array(value, num, state, observation_ids)) FROM score_input v "
			     "WHERE v.scoring_run_id = (SELECT max(id) FROM scoring_run) AND "
			     "v.commune_code = '11989'), layout = NULL WHERE sha256 = (SELECT "
			     "input_set FROM scoring_input WHERE commune_code = '11989' AND "
			     "scoring_run_id = (SELECT max(id) FROM scoring_run))",
			     &d),
		0);
	assert_int_equal(query(f,
			       "SELECT count(*) FROM score_input WHERE scoring_run_id = ?1 AND "
			       "commune_code = '11989' AND variable = 'population' AND "
			       "value = '7799' AND num = 7799.0",
			       s.scoring_run_id),
			 1);
	assert_int_equal(read_detail(f, s.scoring_run_id, "11989", "population", &in), 0);
	assert_string_equal(in.value, "7799");
	/* Another shape (white space, which dti does not write): read through
	 * the view. */
	assert_int_equal(staging_exec(f->st,
				      "UPDATE input_set SET inputs = '{\"population\": [\"7799\", "
				      "7799, \"raw\", null]}' WHERE layout IS NULL",
				      &d),
			 0);
	assert_int_equal(read_detail(f, s.scoring_run_id, "11989", "population", &in), 1);
	assert_string_equal(in.value, "7799");
	assert_string_equal(in.state, "raw");
}

/* The TOTAL rows read with the results (results_load_totals) are the
 * score table's, by code; a commune the commune table no longer names is
 * named by its code in the results and "" in the totals, as the exports
 * write it. */
static void test_results_with_totals(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	scoring_run_info info;
	score_summary s;
	store_report_totals t = {0};
	results *r = NULL;
	long c;
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11992", "population", "5120");
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_int_equal(staging_foreign_keys(f->st, false, &d), DTI_EOK);
	assert_int_equal(staging_exec(f->st, "DELETE FROM commune WHERE code = '11992'", &d), 0);
	assert_int_equal(score_run_load(f->st, s.scoring_run_id, 2024, &info, &d), DTI_EOK);
	assert_int_equal(results_load_totals(f->st, &info, false, &r, &t, &d), DTI_EOK);
	assert_int_equal(r->n, 2);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.items[0].code, "11989");
	assert_string_equal(t.items[0].name, "Xã Lạc Đạo");
	assert_string_equal(t.items[1].code, "11992");
	assert_string_equal(t.items[1].name, "");
	c = results_find(r, "11992");
	assert_true(c >= 0);
	assert_string_equal(r->communes[c].name, "11992");
	/* Found by code whatever their order by rank; other codes not. */
	for (size_t k = 0; k < r->n; k++)
		assert_int_equal(results_find(r, r->communes[k].code), (long)k);
	assert_int_equal(results_find(r, "11990"), -1);
	assert_int_equal(results_find(r, "00000"), -1);
	assert_int_equal(results_find(r, "99999"), -1);
	assert_int_equal(results_find(r, ""), -1);
	for (size_t k = 0; k < 2; k++) {
		char sql[200];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM score WHERE scoring_run_id = ?1 AND level = "
			 "'total' AND commune_code = '%s' AND max_points = %.17g AND fraction "
			 "= %.17g AND flags = '%s'",
			 t.items[k].code, t.items[k].max_points, t.items[k].fraction,
			 t.items[k].flags);
		assert_int_equal(query(f, sql, s.scoring_run_id), 1);
	}
	store_report_totals_free(&t);
	results_free(r);
	framework_free(info.fw);
}

static int count_step(void *ctx)
{
	(*(long *)ctx)++;
	return 0;
}

/* The VM instructions of one earlier-year lookup (store_history_unit_of,
 * what a comparison across the reorganisation asks of the earlier
 * database for each predecessor) in a run of n communes that each have a
 * population; the commune found and its population checked. */
static long history_lookup_steps(int n)
{
	char(*names)[16] = xcalloc((size_t)n, sizeof *names);
	const char **codes = xcalloc((size_t)n, sizeof *codes);
	score_options o = {.year = 2024};
	score_summary s;
	store_history_unit u;
	bool found = false;
	long steps = 0;
	fixture *f;
	dti_diag d;

	for (int i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "%05d", 20001 + i);
		codes[i] = names[i];
	}
	f = fixture_open("config/frameworks/commune-2024.json", codes, codes, (size_t)n);
	assert_non_null(f);
	for (int i = 0; i < n; i++) {
		char v[16];
		snprintf(v, sizeof v, "%d", 1000 + i);
		put(f, codes[i], "population", v);
	}
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	sqlite3_progress_handler(staging_db(f->st), 1, count_step, &steps);
	assert_int_equal(
		store_history_unit_of(f->st, s.scoring_run_id, codes[n / 2], &u, &found, &d),
		DTI_EOK);
	sqlite3_progress_handler(staging_db(f->st), 0, NULL, NULL);
	assert_true(found);
	assert_true(u.population == 1000 + n / 2);
	store_history_unit_free(&u);
	teardown((void **)&f);
	free(codes);
	free(names);
	return steps;
}

/* The lookup searches by key: ten times the communes, about the same
 * work.  Reading the population through the score_input view with the
 * outer row's columns read every commune's inputs for each lookup (0.6 s
 * a unit against a national run: a national comparison took hours). */
/* What results_load_each handed over: each commune's code and its
 * indicator scores, copied; stop: the call that fails (0: none). */
typedef struct handed {
	char codes[4][16];
	res_score ind[4][64];
	size_t n, n_ind, stop;
} handed;

static dti_err take_handed(void *ctx, const results *r, const res_commune *c,
			   const store_report_total *t, dti_diag *d)
{
	handed *h = ctx;

	assert_true(h->n < 4 && r->fw->n_indicators <= 64);
	assert_string_equal(t->code, c->code);
	snprintf(h->codes[h->n], sizeof h->codes[h->n], "%s", c->code);
	memcpy(h->ind[h->n], c->indicators, r->fw->n_indicators * sizeof *c->indicators);
	h->n_ind = r->fw->n_indicators;
	if (++h->n == h->stop)
		return diag_set(d, DTI_EIO, "stopped at %s", c->code);
	return DTI_EOK;
}

/* results_load_each hands every commune over once, by code, with the
 * indicator scores results_detail reads for it afterwards; the results
 * are those results_load_totals reads; an error of the callee stops the
 * read and is returned, with no results. */
static void test_results_each(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	scoring_run_info info;
	score_summary s;
	store_report_totals t = {0}, t2 = {0};
	results *r = NULL, *r2 = NULL;
	handed h = {.stop = 0};
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11992", "population", "5120");
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_int_equal(score_run_load(f->st, s.scoring_run_id, 2024, &info, &d), DTI_EOK);
	assert_int_equal(results_load_each(f->st, &info, false, &r, &t, take_handed, &h, &d),
			 DTI_EOK);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.codes[0], "11989");
	assert_string_equal(h.codes[1], "11992");
	assert_int_equal(results_load_totals(f->st, &info, false, &r2, &t2, &d), DTI_EOK);
	assert_int_equal(r->n, r2->n);
	assert_int_equal(t.n, t2.n);
	for (size_t k = 0; k < h.n; k++) {
		long c = results_find(r, h.codes[k]);
		assert_true(c >= 0);
		assert_null(r->communes[c].indicators); /* dropped after the call */
		assert_string_equal(r->communes[c].code, r2->communes[c].code);
		assert_true(r->communes[c].total == r2->communes[c].total);
		assert_int_equal(r->communes[c].rank, r2->communes[c].rank);
		assert_int_equal(results_detail(f->st, r, (size_t)c, false, &d), DTI_EOK);
		for (size_t i = 0; i < h.n_ind; i++) {
			const res_score *a = &h.ind[k][i], *b = &r->communes[c].indicators[i];
			assert_true(a->points == b->points && a->max == b->max &&
				    a->fraction == b->fraction);
			assert_true((isnan(a->ratio) && isnan(b->ratio)) || a->ratio == b->ratio);
			assert_int_equal(a->flags, b->flags);
			assert_int_equal(a->not_applicable, b->not_applicable);
			assert_string_equal(a->flags_text, b->flags_text);
		}
		results_detail_drop(r, (size_t)c);
	}
	results_free(r);
	results_free(r2);
	store_report_totals_free(&t);
	store_report_totals_free(&t2);
	/* Stopped by the first commune's call. */
	memset(&h, 0, sizeof h);
	h.stop = 1;
	r = NULL;
	assert_int_equal(results_load_each(f->st, &info, false, &r, &t, take_handed, &h, &d),
			 DTI_EIO);
	assert_int_equal(h.n, 1);
	assert_null(r);
	assert_non_null(strstr(d.msg, "stopped at 11989"));
	store_report_totals_free(&t);
	framework_free(info.fw);
}

static void test_history_lookup_by_key(void **state)
{
	long few = history_lookup_steps(10), many = history_lookup_steps(100);

	(void)state;
	assert_true(few > 0);
	assert_true(many < 2 * few);
}

/* The advice kept with a commune's detail (results_advice_kept, which the
 * JSON document and the page share) is results_advice's, its words
 * advice_text's, made once until results_detail_drop. */
static void test_advice_kept(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	scoring_run_info info;
	score_summary s;
	results *r = NULL;
	size_t worded = 0;
	long c;
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11989", "dx_staff", "có");
	put(f, "11992", "population", "5120");
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_int_equal(score_run_load(f->st, s.scoring_run_id, 2024, &info, &d), DTI_EOK);
	assert_int_equal(results_load(f->st, &info, true, &r, &d), DTI_EOK);
	c = results_find(r, "11989");
	assert_true(c >= 0);
	assert_int_equal(results_detail(f->st, r, (size_t)c, true, &d), DTI_EOK);
	for (size_t i = 0; i < f->fw->n_indicators; i++) {
		advice a;
		strbuf t;
		const char *words = NULL, *again = NULL;
		const advice *k = results_advice_kept(r, (size_t)c, i, NULL);
		results_advice(r, (size_t)c, i, &a);
		assert_int_equal(k->kind, a.kind);
		assert_true(k->available == a.available);
		assert_int_equal(k->n_steps, a.n_steps);
		assert_ptr_equal(results_advice_kept(r, (size_t)c, i, &words), k);
		sb_init(&t, 0);
		advice_text(&a, &f->fw->indicators[i], &t);
		assert_string_equal(words, t.len ? t.data : "");
		worded += t.len > 0;
		sb_free(&t);
		results_advice_kept(r, (size_t)c, i, &again);
		assert_ptr_equal(again, words); /* made once */
	}
	assert_true(worded > 0);
	assert_non_null(r->communes[c].advice);
	results_detail_drop(r, (size_t)c);
	assert_null(r->communes[c].advice);
	results_free(r);
	framework_free(info.fw);
}

/* A read transaction (publish's) is begun only outside another one, and
 * ended by its beginner. */
static void test_begin_read(void **state)
{
	fixture *f = *state;
	bool began = false, again = true;
	dti_diag d;

	assert_int_equal(staging_begin_read(f->st, &began, &d), DTI_EOK);
	assert_true(began);
	assert_int_equal(query(f, "SELECT count(*) FROM commune WHERE ?1", 1), 2);
	assert_int_equal(staging_begin_read(f->st, &again, &d), DTI_EOK);
	assert_false(again); /* one is open: nothing done */
	assert_int_equal(staging_commit(f->st, &d), DTI_EOK);
	assert_int_equal(staging_begin(f->st, &d), DTI_EOK);
	assert_int_equal(staging_begin_read(f->st, &again, &d), DTI_EOK);
	assert_false(again); /* a writer's */
	staging_rollback(f->st);
	assert_int_equal(staging_begin_read(f->st, &began, &d), DTI_EOK);
	assert_true(began);
	staging_rollback(f->st);
}

typedef struct seen_ids {
	int64_t ids[16];
	size_t n;
} seen_ids;

static dti_err take_seen(void *ctx, const store_input_observation *o, dti_diag *d)
{
	seen_ids *s = ctx;

	(void)d;
	assert_true(s->n < 16);
	assert_string_equal(o->variable, "population");
	s->ids[s->n++] = o->id;
	return DTI_EOK;
}

/* The report's read of observations by id (ranges of ids: ids near each
 * other read in one, those between passed over): the listed ones come
 * back by id, each once, whether near each other or far apart; an id no
 * observation has is passed over. */
static void test_observations_by_id(void **state)
{
	fixture *f = *state;
	seen_ids s = {{0}, 0};
	store_obs_names *names = NULL;
	int64_t first, ids[7];
	char raw[16];
	dti_diag d;

	for (int k = 0; k < 30; k++) {
		snprintf(raw, sizeof raw, "%d", 100 + k);
		put(f, k % 2 ? "11992" : "11989", "population", raw);
	}
	first = query(f, "SELECT min(id) FROM observation", 0);
	assert_int_equal(query(f, "SELECT max(id) FROM observation", 0), first + 29);
	ids[0] = first, ids[1] = first + 2, ids[2] = first + 3, ids[3] = first + 15;
	ids[4] = first + 28, ids[5] = first + 29, ids[6] = first + 1000;
	assert_int_equal(store_report_observations_by_id(f->st, &names, ids, 7, take_seen, &s, &d),
			 DTI_EOK);
	assert_int_equal(s.n, 6);
	for (size_t k = 0; k < 6; k++)
		assert_int_equal(s.ids[k], ids[k]);
	/* One id alone, and none. */
	s.n = 0;
	assert_int_equal(
		store_report_observations_by_id(f->st, &names, ids + 3, 1, take_seen, &s, &d),
		DTI_EOK);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ids[0], first + 15);
	s.n = 0;
	assert_int_equal(store_report_observations_by_id(f->st, &names, ids, 0, take_seen, &s, &d),
			 DTI_EOK);
	assert_int_equal(s.n, 0);
	store_obs_names_free(names);
}

typedef struct seen_names {
	int64_t ids[32];
	char names[32][64];
	size_t n;
} seen_names;

static dti_err take_names(void *ctx, const store_input_observation *o, dti_diag *d)
{
	seen_names *s = ctx;

	(void)d;
	assert_true(s->n < 32);
	s->ids[s->n] = o->id;
	snprintf(s->names[s->n++], 64, "%s|%s|%s", o->source, o->source_kind, o->input);
	return DTI_EOK;
}

/* Each observation read by id names its own source (and kind) and its
 * run's input, read once each and kept across reads in one cache: runs
 * met out of their order, again from the cache, and a run with no input
 * (""). */
static void test_observations_by_id_names(void **state)
{
	fixture *f = *state;
	static const char *const sources[][2] = {{"sheet-a", "sheet"}, {"portal-b", "portal"}};
	store_obs_names *names = NULL;
	seen_names s;
	int64_t ids[12], first;
	char want[12][64], raw[16], input[32];
	dti_diag d;

	for (int k = 0; k < 12; k++) {
		batch b;
		dti_problems p = {0};
		int64_t run = 0;
		batch_target t = {sources[k % 3 == 0][0],
				  sources[k % 3 == 0][1],
				  "test",
				  2024,
				  k == 5 ? NULL : input,
				  NULL,
				  0,
				  false,
				  NULL,
				  NULL};
		snprintf(raw, sizeof raw, "%d", 100 + k);
		snprintf(input, sizeof input, "file-%d.csv", k);
		batch_init(&b);
		assert_true(batch_add(&b, framework_variable(f->fw, "population"), "11989", 2024,
				      raw, '.', NULL, NULL, "test", &p));
		assert_int_equal(batch_store(f->st, &b, &t, &run, &d), DTI_EOK);
		batch_free(&b);
		snprintf(want[k], 64, "%s|%s|%s", t.source, t.source_kind, k == 5 ? "" : input);
	}
	first = query(f, "SELECT min(id) FROM observation", 0);
	for (int k = 0; k < 12; k++)
		ids[k] = first + k;
	/* The later half first, then the earlier: runs come in out of order. */
	for (int pass = 0; pass < 3; pass++) {
		size_t from = pass == 0 ? 6 : 0, n = pass == 1 ? 6 : pass == 0 ? 6 : 12;
		memset(&s, 0, sizeof s);
		assert_int_equal(store_report_observations_by_id(f->st, &names, ids + from, n,
								 take_names, &s, &d),
				 DTI_EOK);
		assert_int_equal(s.n, n);
		for (size_t k = 0; k < n; k++) {
			assert_int_equal(s.ids[k], ids[from + k]);
			assert_string_equal(s.names[k], want[from + k]);
		}
	}
	store_obs_names_free(names);
}

/* How many of a run's inputs score_input gives, and of them how many
 * missing, rejected or unverified. */
static void view_counts(fixture *f, int64_t run, int64_t *total, int64_t *missing)
{
	*total = query(f, "SELECT count(*) FROM score_input WHERE scoring_run_id = ?1", run);
	*missing = query(f,
			 "SELECT count(*) FROM score_input WHERE scoring_run_id = ?1 AND state IN "
			 "('missing', 'rejected', 'unverified')",
			 run);
}

/* A run keeps how many inputs it scored and how many were missing,
 * rejected or unverified, as score_input counts them: dti status reads
 * them without expanding every document.  A run that kept none (scored
 * before migration 22) is counted through score_input still. */
static void test_run_keeps_input_counts(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	score_summary s;
	int64_t total = -1, missing = -1, want_total, want_missing, provisional_missing;
	store_appraisal_act act = {0, "reject", NULL, NAN, "t", "2024-01-01", "sai số liệu"};
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11992", "population", "5120");
	put(f, "11989", "households", "2100");
	act.observation_id = query(f, "SELECT max(id) FROM observation", 0);
	assert_int_equal(staging_begin(f->st, &d), DTI_EOK);
	assert_int_equal(store_appraisal_add(f->st, &act, NULL, &d), DTI_EOK);
	assert_int_equal(staging_commit(f->st, &d), DTI_EOK);
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	view_counts(f, s.scoring_run_id, &want_total, &want_missing);
	assert_true(want_total > 0 && want_missing > 0 && want_missing < want_total);
	assert_int_equal(query(f,
			       "SELECT count(*) FROM score_input WHERE scoring_run_id = ?1 AND "
			       "state = 'rejected'",
			       s.scoring_run_id),
			 1);
	assert_int_equal(query(f, "SELECT inputs FROM scoring_run WHERE id = ?1", s.scoring_run_id),
			 want_total);
	assert_int_equal(store_scoring_missing(f->st, s.scoring_run_id, &missing, &total, &d),
			 DTI_EOK);
	assert_int_equal(total, want_total);
	assert_int_equal(missing, want_missing);
	provisional_missing = missing;
	/* An official run: the values not verified are unverified too. */
	o.official = true;
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	view_counts(f, s.scoring_run_id, &want_total, &want_missing);
	assert_true(want_missing > provisional_missing);
	assert_int_equal(store_scoring_missing(f->st, s.scoring_run_id, &missing, &total, &d),
			 DTI_EOK);
	assert_int_equal(total, want_total);
	assert_int_equal(missing, want_missing);
	/* A run with no counts kept: counted through score_input. */
	assert_int_equal(staging_exec(f->st,
				      "UPDATE scoring_run SET inputs = NULL, inputs_missing = NULL",
				      &d),
			 DTI_EOK);
	missing = total = -1;
	assert_int_equal(store_scoring_missing(f->st, s.scoring_run_id, &missing, &total, &d),
			 DTI_EOK);
	assert_int_equal(total, want_total);
	assert_int_equal(missing, want_missing);
}

/* A framework whose indicators read fewer variables (its last indicator
 * left out) over the same values: the documents hold other variables, so
 * the run stores its own and counts them as score_input does, not the
 * earlier run's shared. */
static void test_other_layout_not_shared(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	score_summary s1, s2;
	fw_pillar *last = &f->fw->pillars[f->fw->n_pillars - 1];
	int64_t total1, total2, missing;
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11992", "population", "5120");
	assert_int_equal(score_year(f->st, f->fw, &o, &s1, &d), DTI_EOK);
	view_counts(f, s1.scoring_run_id, &total1, &missing);
	last->count--;
	f->fw->n_indicators--;
	assert_int_equal(score_year(f->st, f->fw, &o, &s2, &d), DTI_EOK);
	last->count++;
	f->fw->n_indicators++;
	view_counts(f, s2.scoring_run_id, &total2, &missing);
	assert_true(total2 < total1);
	assert_int_equal(
		query(f, "SELECT inputs FROM scoring_run WHERE id = ?1", s2.scoring_run_id),
		total2);
	assert_int_equal(query(f,
			       "SELECT count(*) FROM scoring_input a JOIN scoring_input b ON "
			       "b.commune_code = a.commune_code AND b.input_set = a.input_set "
			       "WHERE a.scoring_run_id = ?1 AND b.scoring_run_id = ?1 + 1",
			       s1.scoring_run_id),
			 0);
}

/* The inputs read in the view's own order and sorted by commune give the
 * same scores, inputs and fingerprint. */
static void test_sorted_and_unsorted_reads_agree(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024};
	score_summary s1, s2;
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11992", "population", "5120");
	put(f, "11989", "households", "2100");
	assert_int_equal(score_year(f->st, f->fw, &o, &s1, &d), DTI_EOK);
	o.sorted_read = true;
	assert_int_equal(score_year(f->st, f->fw, &o, &s2, &d), DTI_EOK);
	assert_string_equal(s1.input_sha256, s2.input_sha256);
	assert_int_equal(
		query(f,
		      "SELECT count(*) FROM (SELECT commune_code, item, points, flags, rank "
		      "FROM score WHERE scoring_run_id = ?1 EXCEPT SELECT commune_code, item, "
		      "points, flags, rank FROM score WHERE scoring_run_id = ?1 + 1)",
		      s1.scoring_run_id),
		0);
	assert_int_equal(query(f,
			       "SELECT count(*) FROM (SELECT commune_code, variable, value, state, "
			       "observation_ids FROM score_input WHERE scoring_run_id = ?1 EXCEPT "
			       "SELECT commune_code, variable, value, state, observation_ids FROM "
			       "score_input WHERE scoring_run_id = ?1 + 1)",
			       s1.scoring_run_id),
			 0);
	assert_true(query(f, "SELECT count(*) FROM score_input WHERE scoring_run_id = ?1",
			  s2.scoring_run_id) > 0);
	/* The two runs read the same inputs: they share the two communes'
	 * input sets.  A changed input makes one more. */
	assert_int_equal(query(f, "SELECT count(*) FROM input_set", 0), 2);
	put(f, "11992", "population", "5121");
	o.sorted_read = false;
	assert_int_equal(score_year(f->st, f->fw, &o, &s2, &d), DTI_EOK);
	assert_int_equal(query(f, "SELECT count(*) FROM input_set", 0), 3);
	assert_int_equal(
		query(f,
		      "SELECT count(*) FROM score_input WHERE scoring_run_id = ?1 AND "
		      "commune_code = '11992' AND variable = 'population' AND value = '5121' "
		      "AND num = 5121.0 AND state = 'raw'",
		      s2.scoring_run_id),
		1);
}

/* store_latest_scoring_run: the latest 'ok' run of the year asked, not a
 * running one nor another year's; store_scoring_run_by_id gives a finished
 * run with the framework file it used. */
static void test_latest_scoring_run(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2024, .official = true};
	score_summary s;
	store_scoring_run run;
	char *body = NULL;
	bool found = true;
	dti_diag d;

	assert_int_equal(store_latest_scoring_run(f->st, 2024, &run, &found, &d), DTI_EOK);
	assert_false(found);
	assert_int_equal(run.id, 0);
	put(f, "11989", "population", "7799");
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	o.year = 2023;
	o.official = false;
	o.force = true; /* 2023 has no input */
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_int_equal(
		staging_exec(f->st,
			     "INSERT INTO scoring_run(year, framework_sha256, edition, mode, "
			     "started_at, status) SELECT 2024, framework_sha256, edition, mode, "
			     "started_at, 'running' FROM scoring_run WHERE id = 1",
			     &d),
		DTI_EOK);
	assert_int_equal(store_latest_scoring_run(f->st, 2024, &run, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(run.id, 1);
	assert_int_equal(run.year, 2024);
	assert_string_equal(run.mode, "official");
	assert_string_equal(run.status, "ok");
	assert_int_equal(run.communes, 2);
	assert_string_equal(run.framework_sha256, f->fw->sha256);
	assert_int_equal(strlen(run.input_sha256), 64);
	assert_true(run.finished_at[0] != '\0');
	assert_int_equal(store_latest_scoring_run(f->st, 2023, &run, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(run.id, 2);
	assert_string_equal(run.mode, "provisional");
	assert_int_equal(store_scoring_run_by_id(f->st, 2, &run, &body, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(run.year, 2023);
	assert_non_null(body);
	assert_non_null(strstr(body, f->fw->edition));
	free(body);
	/* The running run is not a finished one. */
	assert_int_equal(store_scoring_run_by_id(f->st, 3, &run, &body, &found, &d), DTI_EOK);
	assert_false(found);
	assert_null(body);
	assert_int_equal(store_scoring_run_by_id(f->st, 99, &run, NULL, &found, &d), DTI_EOK);
	assert_false(found);
}

/* A year without any input is not scored unless forced; nothing is stored. */
static void test_empty_year_refused(void **state)
{
	fixture *f = *state;
	score_options o = {.year = 2023};
	score_summary s;
	dti_diag d;

	put(f, "11989", "population", "7799"); /* 2024's */
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_ENOTFOUND);
	assert_non_null(strstr(d.msg, "no input for 2023"));
	assert_int_equal(query(f, "SELECT count(*) FROM scoring_run", 0), 0);
	o.force = true;
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_int_equal(query(f, "SELECT count(*) FROM scoring_run WHERE status = 'ok'", 0), 1);
}

static int64_t scored(fixture *f, int year)
{
	score_options o = {.year = year, .force = true};
	score_summary s;
	dti_diag d;

	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	return s.scoring_run_id;
}

static int64_t approved(fixture *f, int64_t run, int year, const char *decision)
{
	store_approval a;
	dti_diag d;

	memset(&a, 0, sizeof a);
	a.scoring_run_id = run;
	a.year = year;
	snprintf(a.decision, sizeof a.decision, "%s", decision);
	snprintf(a.decision_date, sizeof a.decision_date, "2025-01-15");
	snprintf(a.by, sizeof a.by, "UBND");
	now_iso(a.at);
	assert_int_equal(store_approval_put(f->st, &a, &d), DTI_EOK);
	return a.id;
}

/* A voided run counts nowhere: not the latest run, not in current_score,
 * not loadable by id; the run before it is the latest again.  One current
 * approval a year: another supersedes it (both kept).  An earlier year is
 * compared by its official result, else by its latest run. */
static void test_void_and_official(void **state)
{
	fixture *f = *state;
	int64_t a1, a2, b1, b2, id = 0, first;
	store_scoring_run run;
	store_approval ap;
	bool found = false, official = true;
	dti_diag d;

	a1 = scored(f, 2023);
	a2 = scored(f, 2023);
	b1 = scored(f, 2024);
	b2 = scored(f, 2024);
	assert_int_equal(
		store_scoring_run_void(f->st, b2, "mistake", "admin", "2025-01-01T00:00:00Z", &d),
		DTI_EOK);
	assert_int_not_equal(store_scoring_run_void(f->st, b2, "again", "admin", "x", &d), DTI_EOK);
	assert_int_equal(store_latest_scoring_run(f->st, 2024, &run, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(run.id, b1);
	assert_int_equal(
		query(f, "SELECT count(*) FROM current_score WHERE scoring_run_id = ?1", b2), 0);
	assert_int_equal(store_scoring_run_by_id(f->st, b2, &run, NULL, &found, &d), DTI_EOK);
	assert_true(found && run.voided);
	/* No approval: 2024 is compared with 2023's latest run. */
	assert_int_equal(store_year_before(f->st, 2024, &id, &official, &d), DTI_EOK);
	assert_int_equal(id, a2);
	assert_false(official);
	first = approved(f, a1, 2023, "1/QĐ");
	assert_int_equal(store_year_before(f->st, 2024, &id, &official, &d), DTI_EOK);
	assert_int_equal(id, a1);
	assert_true(official);
	approved(f, a2, 2023, "2/QĐ");
	assert_int_equal(store_approval_current(f->st, 2023, &ap, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(ap.scoring_run_id, a2);
	assert_string_equal(ap.decision, "2/QĐ");
	assert_int_equal(query(f, "SELECT count(*) FROM approval WHERE year = 2023", 0), 2);
	assert_int_equal(
		query(f, "SELECT superseded_by = ?1 + 1 FROM approval WHERE id = ?1", first), 1);
	assert_int_equal(store_approval_current(f->st, 2024, &ap, &found, &d), DTI_EOK);
	assert_false(found);
	/* The database keeps one current approval a year whatever the caller. */
	assert_int_not_equal(
		staging_exec(f->st,
			     "INSERT INTO approval(scoring_run_id, year, decision, "
			     "decision_date, by, at) VALUES (1, 2023, 'x', 'd', 'b', 'a')",
			     &d),
		DTI_EOK);
}

/* A write that fails while the inputs are read, or while the scores are
 * stored, on the other thread, ends the run with that write's error, and
 * nothing of the run is kept; the same run then goes through. */
static void test_failed_write_stores_nothing(void **state)
{
	static const char *const refuse[] = {
		"CREATE TRIGGER refuse BEFORE INSERT ON input_set BEGIN "
		"SELECT RAISE(ABORT, 'no room for inputs (test)'); END",
		"CREATE TRIGGER refuse BEFORE INSERT ON score_set BEGIN "
		"SELECT RAISE(ABORT, 'no room for scores (test)'); END",
	};
	static const char *const said[] = {"no room for inputs (test)",
					   "no room for scores (test)"};
	fixture *f = *state;
	score_options o = {.year = 2024};
	score_summary s;
	dti_diag d;

	put(f, "11989", "population", "7799");
	put(f, "11992", "population", "5120");
	for (size_t k = 0; k < 2; k++) {
		assert_int_equal(staging_exec(f->st, refuse[k], &d), DTI_EOK);
		assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EDB);
		assert_non_null(strstr(d.msg, said[k]));
		assert_int_equal(count_runs(f), 0);
		assert_int_equal(query(f, "SELECT count(*) FROM input_set", 0), 0);
		assert_int_equal(query(f, "SELECT count(*) FROM scoring_input", 0), 0);
		assert_int_equal(query(f, "SELECT count(*) FROM score_set", 0), 0);
		assert_int_equal(staging_exec(f->st, "DROP TRIGGER refuse", &d), DTI_EOK);
	}
	assert_int_equal(score_year(f->st, f->fw, &o, &s, &d), DTI_EOK);
	assert_int_equal(count_runs(f), 1);
	assert_int_equal(query(f, "SELECT count(*) FROM score_result", 0), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_lookup_by_key),
		cmocka_unit_test_setup_teardown(test_fingerprint_follows_inputs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scoring_run_records_fingerprint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sorted_and_unsorted_reads_agree, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rerun_shares_score_sets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_documents_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observations_by_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_observations_by_id_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_keeps_input_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_layout_not_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_with_totals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_results_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_begin_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latest_scoring_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_year_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_void_and_official, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_stores_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
