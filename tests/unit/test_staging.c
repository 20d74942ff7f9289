/* The staging store: schema versioning and the value-resolution rule
 * (sum over sources, latest per source, verified or corrected above raw,
 * rejected not scored) as analysts see it in current_input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "batch.h"
#include "digest.h"
#include "framework.h"
#include "schema.sql.h"
#include "staging.h"
#include "staging_int.h" /* looks under the store: raw statements */
#include "staging_fixture.h"
#include "store_appraisal.h"
#include "store_current.h"
#include "store_score.h"
#include "util.h"

/* Stores one value from a source as its own run; returns the observation id. */
static int64_t put(fixture *f, const char *source, const char *code, const char *var,
		   const char *raw)
{
	int64_t id = -1;
	dti_diag d;

	assert_int_equal(staging_query_int64(f->st,
					     "SELECT max(id) FROM observation WHERE run_id = ?1",
					     put_value(f, source, code, var, raw), &id, &d),
			 DTI_EOK);
	return id;
}

/* Through the store, as dti appraise does: the act and its current value. */
static void appraise(fixture *f, int64_t obs, const char *action, const char *value, double num)
{
	dti_diag d;
	char now[32];
	store_appraisal_act act = {obs, action, value, num, "tester", now, "test"};

	now_iso(now);
	assert_int_equal(staging_begin(f->st, &d), 0);
	assert_int_equal(store_appraisal_add(f->st, &act, NULL, &d), 0);
	assert_int_equal(staging_commit(f->st, &d), 0);
}

static int count(fixture *f, const char *sql);

/* current_value is what the history resolves to (dti check), after
 * whatever the test wrote last. */
static void assert_current_checks(fixture *f)
{
	int64_t keys = -1, diffs = -1;
	dti_diag d;

	assert_int_equal(store_current_check(f->st, NULL, NULL, &keys, &diffs, &d), 0);
	assert_int_equal(diffs, 0);
	assert_int_equal(keys, count(f, "SELECT count(*) FROM current_value"));
}

typedef struct current {
	bool found, has_value;
	double num;
	char state[16];
	int sources;
} current;

static current get(fixture *f, const char *code, const char *var)
{
	current c = {false, false, NAN, "", 0};
	sqlite3_stmt *s;
	dti_diag d;

	assert_current_checks(f);

	assert_int_equal(
		staging_prepare(f->st,
				"SELECT num, state, sources FROM current_input WHERE year = 2024 "
				"AND commune_code = ?1 AND variable = ?2",
				&s, &d),
		0);
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, var, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		c.found = true;
		c.has_value = sqlite3_column_type(s, 0) != SQLITE_NULL;
		c.num = sqlite3_column_double(s, 0);
		snprintf(c.state, sizeof c.state, "%s", (const char *)sqlite3_column_text(s, 1));
		c.sources = sqlite3_column_int(s, 2);
	}
	assert_int_not_equal(sqlite3_step(s), SQLITE_ROW); /* one row per variable */
	sqlite3_finalize(s);
	return c;
}

static int count(fixture *f, const char *sql)
{
	sqlite3_stmt *s;
	dti_diag d;
	int n;
	assert_int_equal(staging_prepare(f->st, sql, &s, &d), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Column col of every row of a query, a line each (caller frees). */
static char *lines_of(staging *st, const char *sql, int col)
{
	sqlite3_stmt *s;
	strbuf sb;
	dti_diag d;

	assert_int_equal(staging_prepare(st, sql, &s, &d), DTI_EOK);
	sb_init(&sb, 0);
	while (sqlite3_step(s) == SQLITE_ROW)
		sb_appendf(&sb, "%s\n", (const char *)sqlite3_column_text(s, col));
	sqlite3_finalize(s);
	return sb_take(&sb);
}

static void test_schema_version_and_wal(void **state)
{
	fixture *f = *state;
	assert_int_equal(count(f, "PRAGMA user_version"), staging_schema_version());
	assert_int_equal(
		count(f, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
	assert_int_equal(count(f, "PRAGMA page_size"), 16384); /* a new file */
	assert_int_equal(count(f, "SELECT count(*) FROM variable"), (int)f->fw->n_variables);
}

/* The resolution index ends with the source: its implicit last column,
 * the observation id, orders a source's figures, so the latest one needs
 * no sort. */
static void test_resolution_index(void **state)
{
	fixture *f = *state;
	char *plan;

	assert_int_equal(count(f, "SELECT count(*) FROM pragma_index_info('observation_key')"), 4);
	assert_int_equal(count(f, "SELECT count(*) FROM pragma_index_info('observation_key') "
				  "WHERE seqno = 3 AND name = 'source_id'"),
			 1);
	plan = lines_of(f->st,
			"EXPLAIN QUERY PLAN SELECT value FROM observation "
			"WHERE year = 2024 AND commune_code = '11989' AND variable = "
			"'population' AND source_id = 1 ORDER BY id DESC LIMIT 1",
			3);
	assert_non_null(strstr(plan, "observation_key"));
	assert_null(strstr(plan, "TEMP B-TREE"));
	free(plan);
}

/* A commune's scores, rows of one score set (migration 18): what
 * store_scores_put writes, store_scores_each and the score view read back
 * bit for bit, in item order, with the rank on the total only; a row with
 * a level that is none of the three, an item given twice or a number that
 * is not finite is refused and nothing is stored. */
typedef struct set_rows {
	store_score rows[3];
} set_rows;

static void fill_set(void *ctx, size_t c, store_score *rows)
{
	(void)c;
	memcpy(rows, ((set_rows *)ctx)->rows, sizeof((set_rows *)ctx)->rows);
}

typedef struct read_back {
	char items[3][8];
	double points[3], ratio[3];
	int64_t rank[3];
	size_t n;
} read_back;

static dti_err take_back(void *ctx, const store_score *s, dti_diag *d)
{
	read_back *b = ctx;

	(void)d;
	assert_true(b->n < 3);
	snprintf(b->items[b->n], sizeof b->items[b->n], "%s", s->item);
	b->points[b->n] = s->points;
	b->ratio[b->n] = s->ratio;
	b->rank[b->n++] = s->rank;
	return DTI_EOK;
}

/* The three rows both score-set tests store, read back bit for bit: by
 * item, every points 20/3, item 1.2's ratio 1/3e9. */
static void assert_read_back(const read_back *b, double third, double tiny)
{
	assert_int_equal(b->n, 3);
	assert_string_equal(b->items[0], "1");
	assert_string_equal(b->items[1], "1.2");
	assert_string_equal(b->items[2], "TOTAL");
	for (size_t k = 0; k < 3; k++)
		assert_memory_equal(&b->points[k], &third, sizeof third);
	assert_memory_equal(&b->ratio[1], &tiny, sizeof tiny);
}

static void test_score_sets(void **state)
{
	fixture *f = *state;
	const double third = 20.0 / 3, tiny = 1.0 / 3e9;
	set_rows in = {{
		{"11989", NULL, "TOTAL", "total", third, 1000, third / 1000, NAN, "", 4},
		{"11989", NULL, "1.2", "indicator", third, 20, 1.0 / 3, tiny, "a \"b\"", 0},
		{"11989", NULL, "1", "pillar", third, 100, third / 100, NAN, "", 0},
	}};
	read_back b = {0};
	dti_diag d;

	assert_int_equal(
		staging_exec(f->st,
			     "INSERT INTO framework VALUES ('f', 'e', '{}', 't');"
			     "INSERT INTO scoring_run(id, year, framework_sha256, edition, "
			     "mode, started_at, status) VALUES (70, 2024, 'f', 'e', "
			     "'provisional', 't', 'ok'), (71, 2024, 'f', 'e', "
			     "'provisional', 't', 'ok'), (72, 2024, 'f', 'e', "
			     "'provisional', 't', 'ok')",
			     &d),
		0);
	assert_int_equal(store_scores_put(f->st, NULL, 70, 1, 3, fill_set, &in, &d), DTI_EOK);
	assert_int_equal(store_scores_each(f->st, 70, take_back, &b, &d), DTI_EOK);
	assert_read_back(&b, third, tiny);
	assert_true(isnan(b.ratio[0]) && isnan(b.ratio[2]));
	assert_true(b.rank[0] == 0 && b.rank[1] == 0 && b.rank[2] == 4);
	/* The view: the same rows, typed as score_rows had them. */
	assert_int_equal(count(f, "SELECT count(*) FROM score WHERE scoring_run_id = 70 AND "
				  "typeof(points) = 'real' AND typeof(max_points) = 'real' AND "
				  "typeof(fraction) = 'real' AND points = 20.0 / 3"),
			 3);
	assert_int_equal(count(f, "SELECT count(*) FROM score WHERE scoring_run_id = 70 AND "
				  "item = '1.2' AND ratio = 1.0 / 3e9 AND flags = 'a \"b\"' AND "
				  "level = 'indicator' AND rank IS NULL"),
			 1);
	assert_int_equal(count(f, "SELECT rank FROM score WHERE scoring_run_id = 70 AND "
				  "level = 'total'"),
			 4);
	/* The same rows again share the set. */
	assert_int_equal(store_scores_put(f->st, NULL, 71, 1, 3, fill_set, &in, &d), DTI_EOK);
	assert_int_equal(count(f, "SELECT count(*) FROM score_set"), 1);
	/* Refused: a level that is none of the three, a number not finite. */
	in.rows[1].level = "bogus";
	assert_int_equal(store_scores_put(f->st, NULL, 72, 1, 3, fill_set, &in, &d), DTI_EINVALID);
	assert_non_null(strstr(d.msg, "bogus"));
	in.rows[1].level = "indicator";
	in.rows[1].item = "TOTAL";
	assert_int_equal(store_scores_put(f->st, NULL, 72, 1, 3, fill_set, &in, &d), DTI_EINVALID);
	assert_non_null(strstr(d.msg, "twice"));
	in.rows[1].item = "1.2";
	in.rows[1].points = NAN;
	assert_int_equal(store_scores_put(f->st, NULL, 72, 1, 3, fill_set, &in, &d), DTI_EINVALID);
	assert_non_null(strstr(d.msg, "1.2"));
	assert_int_equal(count(f, "SELECT count(*) FROM score_result WHERE scoring_run_id = 72"),
			 0);
	/* A set's text that is not as dti writes it is an error naming it. */
	assert_int_equal(staging_exec(f->st, "UPDATE score_set SET rows = '[[\"1\"]]'", &d), 0);
	memset(&b, 0, sizeof b);
	assert_int_equal(store_scores_each(f->st, 70, take_back, &b, &d), DTI_EDB);
	assert_non_null(strstr(d.msg, "score set 1"));
	assert_int_equal(staging_exec(f->st,
				      "DELETE FROM score_result; DELETE FROM score_set; "
				      "DELETE FROM scoring_run; DELETE FROM framework",
				      &d),
			 0);
}

/* Many communes' rows, each commune's in its own order: rows given in
 * another order than the commune before are ordered anew (not by the last
 * order), so every set reads back by item; a rerun told of the sets
 * stored writes only the changed commune's; an item given twice in a
 * later commune is still refused, naming it. */
typedef struct many_rows {
	char codes[300][8];
	size_t bad;     /* this commune's rows give an item twice (0: none) */
	size_t changed; /* this commune's points are half a point more (0: none) */
} many_rows;

static void fill_many(void *ctx, size_t c, store_score *rows)
{
	static const char *const items[] = {"1.1", "1.2", "P1", "TOTAL"};
	static const char *const levels[] = {"indicator", "indicator", "pillar", "total"};
	many_rows *m = ctx;

	for (size_t k = 0; k < 4; k++) {
		/* Communes in threes: as given, reversed, rotated. */
		size_t at = c % 3 == 0 ? k : c % 3 == 1 ? 3 - k : (k + 1) % 4;
		rows[at] = (store_score){
			m->codes[c], NULL, items[k], levels[k], (double)c + k,
			100,         0.5,  NAN,      "",        k == 3 ? (int64_t)c + 1 : 0};
		if (m->changed && c == m->changed)
			rows[at].points += 0.5;
	}
	if (m->bad && c == m->bad)
		rows[0].item = rows[2].item;
}

static void test_score_sets_of_many_communes(void **state)
{
	fixture *f = *state;
	many_rows *m = xcalloc(1, sizeof *m);
	dti_diag d;

	for (size_t c = 0; c < 300; c++)
		snprintf(m->codes[c], sizeof m->codes[c], "%05zu", c);
	assert_int_equal(
		staging_exec(f->st,
			     "INSERT INTO framework VALUES ('f', 'e', '{}', 't');"
			     "INSERT INTO scoring_run(id, year, framework_sha256, edition, "
			     "mode, started_at, status) VALUES (80, 2024, 'f', 'e', "
			     "'provisional', 't', 'ok'), (81, 2024, 'f', 'e', 'provisional', 't', "
			     "'ok'), (82, 2024, 'f', 'e', 'provisional', 't', 'ok')",
			     &d),
		0);
	assert_int_equal(store_scores_put(f->st, NULL, 80, 300, 4, fill_many, m, &d), DTI_EOK);
	/* Every commune's four rows, each item with its own numbers. */
	assert_int_equal(count(f, "SELECT count(*) FROM score WHERE scoring_run_id = 80"), 1200);
	assert_int_equal(count(f, "SELECT count(*) FROM score WHERE scoring_run_id = 80 AND "
				  "points = CAST(commune_code AS INTEGER) + CASE item WHEN '1.1' "
				  "THEN 0 WHEN '1.2' THEN 1 WHEN 'P1' THEN 2 ELSE 3 END"),
			 1200);
	assert_int_equal(count(f, "SELECT count(*) FROM score WHERE scoring_run_id = 80 AND "
				  "level = 'total' AND rank = CAST(commune_code AS INTEGER) + 1"),
			 300);
	assert_int_equal(count(f, "SELECT count(DISTINCT score_set) FROM score_result"), 300);
	/* Each set's rows are by item, whatever order they were given in. */
	assert_int_equal(count(f, "SELECT count(*) FROM score_set WHERE "
				  "json_extract(rows, '$[0][0]') = '1.1' AND "
				  "json_extract(rows, '$[1][0]') = '1.2' AND "
				  "json_extract(rows, '$[2][0]') = 'P1' AND "
				  "json_extract(rows, '$[3][0]') = 'TOTAL'"),
			 300);
	{
		staging *known = NULL;
		assert_int_equal(staging_open_readonly(staging_path(f->st), &known, &d), DTI_EOK);
		m->changed = 7;
		assert_int_equal(store_scores_put(f->st, known, 82, 300, 4, fill_many, m, &d),
				 DTI_EOK);
		staging_close(known);
		m->changed = 0;
	}
	assert_int_equal(count(f, "SELECT count(*) FROM score_set"), 301);
	assert_int_equal(count(f, "SELECT count(*) FROM score_result WHERE scoring_run_id = 82 "
				  "AND score_set IN (SELECT score_set FROM score_result WHERE "
				  "scoring_run_id = 80)"),
			 299);
	assert_int_equal(count(f,
			       "SELECT count(*) FROM (SELECT commune_code, item, points, rank "
			       "FROM score WHERE scoring_run_id = 82 EXCEPT SELECT commune_code, "
			       "item, points + (commune_code = '00007') * 0.5, rank FROM score "
			       "WHERE scoring_run_id = 80)"),
			 0);
	m->bad = 250;
	assert_int_equal(store_scores_put(f->st, NULL, 81, 300, 4, fill_many, m, &d), DTI_EINVALID);
	assert_non_null(strstr(d.msg, "commune 00250 given twice"));
	free(m);
	assert_int_equal(staging_exec(f->st,
				      "DELETE FROM score_result; DELETE FROM score_set; "
				      "DELETE FROM scoring_run; DELETE FROM framework",
				      &d),
			 0);
}

/* A database at path (under /tmp, named by tag) made by the first
 * `version` migrations, at that schema version, holding `rows` (SQL), as
 * an older dti left it. */
static void old_database(char path[80], const char *tag, size_t version, const char *rows)
{
	char pragma[48];
	sqlite3 *db;

	snprintf(path, 80, "/tmp/dti-test-%s-%d.db", tag, (int)getpid());
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t m = 0; m < version; m++)
		for (const char *const *q = staging_migrations[m]; *q; q++)
			assert_int_equal(sqlite3_exec(db, *q, NULL, NULL, NULL), SQLITE_OK);
	snprintf(pragma, sizeof pragma, "PRAGMA user_version = %zu", version);
	assert_int_equal(sqlite3_exec(db, pragma, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, rows, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A database of schema 17 (a score row a B-tree row, in score_rows) is
 * migrated to score sets: store_scores_each and the score view give the
 * same rows, numbers bit for bit. */
static void test_migrates_score_sets(void **state)
{
	const double third = 20.0 / 3, tiny = 1.0 / 3e9;
	char path[80];
	staging *st = NULL;
	read_back b = {0};
	dti_diag d;

	(void)state;
	old_database(path, "migrate-sets", 17,
		     "INSERT INTO framework VALUES ('f', 'e', '{}', 't');"
		     "INSERT INTO scoring_run(id, year, framework_sha256, edition, mode, "
		     "started_at, status) VALUES (7, 2024, 'f', 'e', 'provisional', 't', "
		     "'ok');"
		     "INSERT INTO score_set(id, sha256) VALUES (1, 'x');"
		     "INSERT INTO score_rows VALUES (1, 'TOTAL', 'total', 20.0 / 3, 1000, "
		     "20.0 / 3 / 1000, NULL, ''), (1, '1.2', 'indicator', 20.0 / 3, 20, "
		     "1.0 / 3, 1.0 / 3e9, 'a \"b\"'), (1, '1', 'pillar', 20.0 / 3, 100, "
		     "20.0 / 3 / 100, NULL, '');"
		     "INSERT INTO score_result VALUES (7, '11989', 1, 4);");

	assert_int_equal(staging_open(path, &st, &d), DTI_EOK);
	assert_int_equal(store_scores_each(st, 7, take_back, &b, &d), DTI_EOK);
	assert_read_back(&b, third, tiny);
	assert_true(b.rank[0] == 0 && b.rank[1] == 0 && b.rank[2] == 4);
	{
		int64_t n = 0;
		assert_int_equal(
			staging_query_int64(
				st,
				"SELECT count(*) FROM score WHERE scoring_run_id = ?1 AND "
				"typeof(points) = 'real' AND points = 20.0 / 3 AND "
				"(item <> '1.2' OR (ratio = 1.0 / 3e9 AND flags = 'a \"b\"' "
				"AND fraction = 1.0 / 3))",
				7, &n, &d),
			DTI_EOK);
		assert_int_equal(n, 3);
		assert_int_equal(staging_query_int64(st,
						     "SELECT count(*) FROM sqlite_master WHERE "
						     "name = 'score_rows' AND ?1",
						     1, &n, &d),
				 DTI_EOK);
		assert_int_equal(n, 0);
	}
	staging_close(st);
	unlink(path);
}

static void test_refuses_newer_schema(void **state)
{
	fixture *f = *state;
	staging *other = NULL;
	dti_diag d;
	assert_int_equal(staging_exec(f->st, "PRAGMA user_version = 999", &d), 0);
	assert_int_equal(staging_open(f->path, &other, &d), DTI_ESCHEMA);
	assert_null(other);
	assert_non_null(strstr(d.msg, "newer"));
	{
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", staging_schema_version());
		assert_int_equal(staging_exec(f->st, sql, &d), 0);
	}
}

/* A database of schema 4 (score inputs as rows of a table) is migrated to
 * input sets; score_input shows the same rows, values and types. */
static void test_migrates_score_inputs(void **state)
{
	fixture *f = *state;
	char path[80], *got;
	staging *st = NULL;
	dti_diag d;

	(void)f;
	old_database(
		path, "migrate", 4,
		"INSERT INTO framework VALUES ('f', 'e', '{}', 't');"
		"INSERT INTO scoring_run(id, year, framework_sha256, edition, mode, started_at, "
		"status) VALUES (7, 2024, 'f', 'e', 'provisional', 't', 'ok');"
		"INSERT INTO score_input VALUES (7, '11989', 'population', '7799', 7799.0, "
		"'raw', '12'), (7, '11989', 'households', NULL, NULL, 'missing', NULL), "
		"(7, '11992', 'portal_dx_section', 'yes', 1.0, 'verified', '3,4'), "
		"(7, '11992', 'population', '5120.5', 5120.5, 'corrected', '5');");

	assert_int_equal(staging_open(path, &st, &d), DTI_EOK);
	got = lines_of(st,
		       "SELECT scoring_run_id || '|' || commune_code || '|' || variable "
		       "|| '|' || coalesce(value, '-') || '|' || typeof(num) || ':' || "
		       "coalesce(num, '-') || '|' || state || '|' || "
		       "coalesce(observation_ids, '-') FROM score_input "
		       "ORDER BY commune_code, variable",
		       0);
	assert_string_equal(got, "7|11989|households|-|null:-|missing|-\n"
				 "7|11989|population|7799|real:7799.0|raw|12\n"
				 "7|11992|population|5120.5|real:5120.5|corrected|5\n"
				 "7|11992|portal_dx_section|yes|real:1.0|verified|3,4\n");
	free(got);
	{
		int64_t v = 0;
		assert_int_equal(staging_query_int64(st,
						     "SELECT user_version FROM pragma_user_version",
						     0, &v, &d),
				 DTI_EOK);
		assert_int_equal(v, staging_schema_version());
		/* An existing file keeps its page size. */
		assert_int_equal(staging_query_int64(st, "SELECT page_size FROM pragma_page_size",
						     0, &v, &d),
				 DTI_EOK);
		assert_int_equal(v, 4096);
		/* ... and so do its copies (dti backup writes them with VACUUM INTO). */
		{
			char copy[96];
			sqlite3 *c;
			sqlite3_stmt *q;
			snprintf(copy, sizeof copy, "%s-copy", path);
			unlink(copy);
			assert_int_equal(staging_prepare(st, "VACUUM INTO ?1", &q, &d), DTI_EOK);
			sqlite3_bind_text(q, 1, copy, -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(q), SQLITE_DONE);
			sqlite3_finalize(q);
			assert_int_equal(sqlite3_open(copy, &c), SQLITE_OK);
			assert_int_equal(sqlite3_prepare_v2(c, "PRAGMA page_size", -1, &q, NULL),
					 SQLITE_OK);
			assert_int_equal(sqlite3_step(q), SQLITE_ROW);
			assert_int_equal(sqlite3_column_int(q, 0), 4096);
			sqlite3_finalize(q);
			sqlite3_close(c);
			unlink(copy);
		}
		assert_int_equal(
			staging_query_int64(
				st, "SELECT count(*) FROM pragma_index_info('observation_key')", 0,
				&v, &d),
			DTI_EOK);
		assert_int_equal(v, 4);
		assert_int_equal(
			staging_query_int64(st, "SELECT count(*) FROM missing_input", 0, &v, &d),
			DTI_EOK);
		assert_int_equal(v, 1);
	}
	staging_close(st);
	unlink(path);
	snprintf(path + strlen(path), sizeof path - strlen(path), "-wal");
	unlink(path);
}

static void test_sum_over_operators(void **state)
{
	fixture *f = *state;
	current c;
	put(f, "telecom:viettel", "11989", "smartphone_users", "100");
	put(f, "telecom:vnpt", "11989", "smartphone_users", "50");
	c = get(f, "11989", "smartphone_users");
	assert_true(c.num == 150.0);
	assert_int_equal(c.sources, 2);
	/* A later figure from one operator replaces only that operator's. */
	put(f, "telecom:viettel", "11989", "smartphone_users", "120");
	c = get(f, "11989", "smartphone_users");
	assert_true(c.num == 170.0);
	assert_string_equal(c.state, "raw");
	/* History stays. */
	assert_int_equal(
		count(f, "SELECT count(*) FROM observation WHERE variable = 'smartphone_users'"),
		3);
}

/* A framework that sums a variable it took the latest of (or the reverse)
 * has its current values resolved again when it is synced. */
static void test_aggregate_change_resolves_again(void **state)
{
	fixture *f = *state;
	fw_variable *v = (fw_variable *)framework_variable(f->fw, "smartphone_users");
	dti_diag d;

	put(f, "telecom:viettel", "11989", "smartphone_users", "100");
	put(f, "telecom:vnpt", "11989", "smartphone_users", "60");
	assert_true(get(f, "11989", "smartphone_users").num == 160.0);
	v->summed = false;
	assert_int_equal(staging_sync_framework(f->st, f->fw, &d), DTI_EOK);
	assert_true(get(f, "11989", "smartphone_users").num == 60.0); /* the last stored */
	assert_int_equal(get(f, "11989", "smartphone_users").sources, 1);
	v->summed = true;
	assert_int_equal(staging_sync_framework(f->st, f->fw, &d), DTI_EOK);
	assert_true(get(f, "11989", "smartphone_users").num == 160.0);
}

static void test_latest_per_source(void **state)
{
	fixture *f = *state;
	put(f, "sheet:statistics", "11989", "population", "1000");
	put(f, "sheet:statistics", "11989", "population", "1100");
	assert_true(get(f, "11989", "population").num == 1100.0);
	/* Another commune is untouched. */
	assert_false(get(f, "11992", "population").found);
}

static void test_verified_above_raw(void **state)
{
	fixture *f = *state;
	int64_t a = put(f, "form:11992", "11992", "households", "400");
	put(f, "sheet:statistics", "11992", "households", "420"); /* later, raw */
	assert_true(get(f, "11992", "households").num == 420.0);
	appraise(f, a, "verify", NULL, NAN);
	assert_true(get(f, "11992", "households").num == 400.0);
	assert_string_equal(get(f, "11992", "households").state, "verified");
}

static void test_correction_and_rejection(void **state)
{
	fixture *f = *state;
	int64_t a = put(f, "sheet:culture", "11992", "pcs_total", "30");
	appraise(f, a, "correct", "28", 28);
	assert_true(get(f, "11992", "pcs_total").num == 28.0);
	assert_string_equal(get(f, "11992", "pcs_total").state, "corrected");
	/* A rejected value is not scored: the row remains, without a value. */
	a = put(f, "sheet:culture", "11992", "pcs_antivirus", "25");
	appraise(f, a, "reject", NULL, NAN);
	{
		current c = get(f, "11992", "pcs_antivirus");
		assert_true(c.found);
		assert_false(c.has_value);
		assert_string_equal(c.state, "rejected");
	}
	/* In a summed variable a rejected operator figure drops out of the sum. */
	a = put(f, "telecom:viettel", "11992", "fiber_households", "70");
	put(f, "telecom:vnpt", "11992", "fiber_households", "30");
	appraise(f, a, "reject", NULL, NAN);
	assert_true(get(f, "11992", "fiber_households").num == 30.0);
	assert_int_equal(get(f, "11992", "fiber_households").sources, 1);
}

static void test_repeated_figure_keeps_its_appraisal(void **state)
{
	fixture *f = *state;
	int64_t a = put(f, "telecom:vnpt", "11989", "digital_signature_holders", "300");
	int before;

	appraise(f, a, "verify", NULL, NAN);
	before = count(f, "SELECT count(*) FROM observation");
	/* The same figure again: nothing stored, still verified. */
	{
		batch b;
		dti_problems p = {0};
		dti_diag d;
		batch_target t = {"telecom:vnpt", "test", "test", 2024, NULL,
				  NULL,           0,      false,  NULL, NULL};
		batch_init(&b);
		assert_true(batch_add(&b, framework_variable(f->fw, "digital_signature_holders"),
				      "11989", 2024, "300", '.', NULL, NULL, "again", &p));
		assert_int_equal(batch_store(f->st, &b, &t, NULL, &d), DTI_EOK);
		assert_int_equal(b.counts.stored, 0);
		assert_int_equal(b.counts.skipped, 1);
		batch_free(&b);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM observation"), before);
	assert_string_equal(get(f, "11989", "digital_signature_holders").state, "verified");
	/* A different figure is stored and needs appraisal again. */
	put(f, "telecom:vnpt", "11989", "digital_signature_holders", "310");
	assert_int_equal(count(f, "SELECT count(*) FROM observation"), before + 1);
	assert_string_equal(get(f, "11989", "digital_signature_holders").state, "raw");
}

/* A source's new figure where its last one was the value, alone, is taken
 * as it is (a12, viettel's 6 and 8 below); where another source's was, or
 * several were summed, the key is resolved from the history.  get() checks every current value against
 * the history after each write. */
static void test_new_figure_of_the_source_scored(void **state)
{
	fixture *f = *state;
	int64_t b;

	put(f, "office:a", "11992", "dx_meetings_total", "10");
	b = put(f, "office:b", "11992", "dx_meetings_total", "20");
	assert_true(get(f, "11992", "dx_meetings_total").num == 20.0);
	put(f, "office:a", "11992", "dx_meetings_total", "11"); /* the last stored, over b's */
	assert_true(get(f, "11992", "dx_meetings_total").num == 11.0);
	b = put(f, "office:b", "11992", "dx_meetings_total", "21");
	assert_true(get(f, "11992", "dx_meetings_total").num == 21.0);
	appraise(f, b, "reject", NULL, NAN);
	assert_true(get(f, "11992", "dx_meetings_total").num == 11.0);
	put(f, "office:a", "11992", "dx_meetings_total", "12"); /* a's alone, b's rejected */
	assert_true(get(f, "11992", "dx_meetings_total").num == 12.0);
	assert_string_equal(get(f, "11992", "dx_meetings_total").state, "raw");
	put(f, "office:b", "11992", "dx_meetings_total", "22"); /* b's new figure is raw again */
	assert_true(get(f, "11992", "dx_meetings_total").num == 22.0);

	put(f, "telecom:viettel", "11992", "enterprises_econtract", "5");
	put(f, "telecom:viettel", "11992", "enterprises_econtract", "6"); /* one source: taken */
	assert_true(get(f, "11992", "enterprises_econtract").num == 6.0);
	b = put(f, "telecom:vnpt", "11992", "enterprises_econtract", "4");
	put(f, "telecom:viettel", "11992", "enterprises_econtract", "7"); /* summed: resolved */
	assert_true(get(f, "11992", "enterprises_econtract").num == 11.0);
	assert_int_equal(get(f, "11992", "enterprises_econtract").sources, 2);
	appraise(f, b, "reject", NULL, NAN);
	put(f, "telecom:viettel", "11992", "enterprises_econtract", "8"); /* vnpt's rejected */
	assert_true(get(f, "11992", "enterprises_econtract").num == 8.0);
	assert_int_equal(get(f, "11992", "enterprises_econtract").sources, 1);
}

/* Stores the given values of source as one batch (vars[i] = vals[i] for
 * commune 11989); returns how many were stored. */
static long store_source_values(fixture *f, const char *source, const char *const *vars,
				const char *const *vals, size_t n)
{
	batch b;
	dti_problems p = {0};
	dti_diag d;
	batch_target t = {source, "sheet", "test", 2024, NULL, NULL, 0, false, NULL, NULL};
	long stored;

	batch_init(&b);
	for (size_t i = 0; i < n; i++)
		assert_true(batch_add(&b, framework_variable(f->fw, vars[i]), "11989", 2024,
				      vals[i], '.', NULL, NULL, "order", &p));
	assert_int_equal(batch_store(f->st, &b, &t, NULL, &d), DTI_EOK);
	stored = b.counts.stored;
	batch_free(&b);
	return stored;
}

static long store_values(fixture *f, const char *const *vars, const char *const *vals, size_t n)
{
	return store_source_values(f, "sheet:order", vars, vals, n);
}

/* A file read again is compared with what its source stored whether it
 * lists its values in the order they were stored or in another: only the
 * changed figure is stored again. */
static void test_repeated_file_in_another_order(void **state)
{
	fixture *f = *state;
	static const char *const vars[] = {"villages", "dx_staff", "dx_meetings_chaired"};
	static const char *const vals[] = {"12", "yes", "300"};
	static const char *const back[] = {"dx_meetings_chaired", "dx_staff", "villages"};
	static const char *const back_vals[] = {"301", "yes", "12"};
	int before = count(f, "SELECT count(*) FROM observation");

	assert_int_equal(store_values(f, vars, vals, 3), 3);
	assert_int_equal(store_values(f, vars, vals, 3), 0);
	assert_int_equal(store_values(f, back, back_vals, 3), 1);
	assert_true(get(f, "11989", "dx_meetings_chaired").num == 301.0);
	assert_int_equal(store_values(f, vars + 1, vals + 1, 2), 1); /* 300 again */
	assert_true(get(f, "11989", "dx_meetings_chaired").num == 300.0);
	assert_int_equal(store_values(f, back, back_vals, 3), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM observation"), before + 6);
	/* The batch of an earlier run, not the last: compared figure by
	 * figure, the one that differs from the last run's is stored. */
	assert_int_equal(store_values(f, vars, vals, 3), 1);
	assert_true(get(f, "11989", "dx_meetings_chaired").num == 300.0);
	assert_int_equal(store_values(f, vars, vals, 3), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM observation"), before + 7);
	assert_int_equal(count(f, "SELECT count(DISTINCT batch_sha256) FROM run r JOIN source s ON "
				  "s.id = r.source_id WHERE s.name = 'sheet:order'"),
			 3);
}

/* A re-import is compared with the item hashes its source's last batch
 * kept (source_batch), not with the figures read again; without them (a
 * database of schema 20) it reads the figures, and keeps the hashes. */
static void test_reimport_by_kept_hashes(void **state)
{
	fixture *f = *state;
	static const char *const vars[] = {"villages", "dx_staff", "dx_meetings_chaired"};
	static const char *const vals[] = {"12", "yes", "300"};
	static const char *const next[] = {"12", "yes", "301"};
	static const char *const kept_sql =
		"SELECT count(*) FROM source_batch k JOIN source s ON s.id = k.source_id "
		"WHERE s.name = 'sheet:kept' AND length(k.item_hashes) = 48 AND "
		"k.batch_sha256 = (SELECT batch_sha256 FROM run WHERE source_id = s.id "
		"ORDER BY id DESC LIMIT 1)";
	static const char *const tamper =
		"UPDATE observation SET value = '%s' WHERE variable = 'villages' AND source_id = "
		"(SELECT id FROM source WHERE name = 'sheet:kept')";
	char sql[256];
	dti_diag d;

	assert_int_equal(store_source_values(f, "sheet:kept", vars, vals, 3), 3);
	assert_int_equal(count(f, kept_sql), 1);
	/* A figure changed behind dti's back (never done; it tells the two
	 * ways apart): the kept hashes say villages is as the last batch gave
	 * it, and only the changed value is stored. */
	snprintf(sql, sizeof sql, tamper, "99");
	assert_int_equal(staging_exec(f->st, sql, &d), DTI_EOK);
	assert_int_equal(store_source_values(f, "sheet:kept", vars, next, 3), 1);
	assert_int_equal(count(f, kept_sql), 1);
	/* Without kept hashes the figures are read: villages differs now. */
	assert_int_equal(staging_exec(f->st, "DELETE FROM source_batch", &d), DTI_EOK);
	assert_int_equal(store_source_values(f, "sheet:kept", vars, vals, 3), 2);
	assert_int_equal(count(f, kept_sql), 1);
	assert_true(get(f, "11989", "villages").num == 12.0);
	assert_true(get(f, "11989", "dx_meetings_chaired").num == 300.0);
	/* The same batch again is unchanged whole and keeps what it kept. */
	assert_int_equal(store_source_values(f, "sheet:kept", vars, vals, 3), 0);
	assert_int_equal(count(f, kept_sql), 1);
}

/* An item's bytes as batch.c's digests read them, written plainly here
 * from the item's fields: each text as 't', its bytes and NUL, an absent
 * one as 'n'; commune, year, variable, value, proof link, note.  *key_len:
 * the first three's. */
static size_t ref_field(char *out, const char *s)
{
	size_t n;

	if (!s) {
		*out = 'n';
		return 1;
	}
	n = strlen(s);
	out[0] = 't';
	memcpy(out + 1, s, n + 1);
	return n + 2;
}

static size_t ref_item_bytes(const batch_item *it, char *out, size_t *key_len)
{
	char year[16];
	size_t n = 0;

	snprintf(year, sizeof year, "%d", it->year);
	n += ref_field(out + n, it->commune_code);
	n += ref_field(out + n, year);
	n += ref_field(out + n, it->variable->name);
	*key_len = n;
	n += ref_field(out + n, it->value);
	n += ref_field(out + n, it->proof_url);
	n += ref_field(out + n, it->note);
	return n;
}

/* What a batch's run and source_batch should hold, computed afresh: the
 * SHA-256 of all items' bytes, and per item FNV-1a of its key's bytes and
 * SipHash-2-4 (libsodium, key "dti batch items") of all of them, each a
 * little-endian 64-bit number, 0 written as 1; the pairs as hex. */
static void ref_batch(const batch *b, char digest[65], char **hex)
{
	static const unsigned char key[crypto_shorthash_siphash24_KEYBYTES] = "dti batch items";
	strbuf all, h;

	assert_true(sodium_init() >= 0);
	sb_init(&all, 0);
	sb_init(&h, 0);
	for (size_t i = 0; i < b->count; i++) {
		char bytes[8192];
		unsigned char sip[crypto_shorthash_siphash24_BYTES];
		size_t key_len, n = ref_item_bytes(&b->items[i], bytes, &key_len);
		uint64_t pair[2] = {1469598103934665603ULL, 0};
		for (size_t k = 0; k < key_len; k++)
			pair[0] = (pair[0] ^ (unsigned char)bytes[k]) * 1099511628211ULL;
		crypto_shorthash_siphash24(sip, (const unsigned char *)bytes, n, key);
		for (int k = 7; k >= 0; k--)
			pair[1] = pair[1] << 8 | sip[k];
		for (int j = 0; j < 2; j++)
			for (int k = 0; k < 8; k++)
				sb_appendf(&h, "%02X",
					   (unsigned)((pair[j] ? pair[j] : 1) >> (8 * k)) & 0xffu);
		sb_append(&all, bytes, n);
	}
	sha256_hex(all.data ? all.data : "", all.len, digest);
	*hex = sb_take(&h);
	sb_free(&all);
}

/* The national shape in small: both communes' numeric variables, some of
 * them for 2023 between those of 2024, a proof link on every fifth, a
 * note on every third, one note longer than batch.c's item buffer; the
 * value of every item i with i % 7 == 3 raised by bump. */
static void scattered_batch(fixture *f, batch *b, int bump)
{
	static const char *const codes[] = {"11989", "11992"};
	dti_problems p = {0};
	char *long_note = xmalloc(3001);
	int i = 0;

	memset(long_note, 'x', 3000);
	long_note[3000] = '\0';
	batch_init(b);
	for (size_t c = 0; c < 2; c++)
		for (size_t v = 0; v < f->fw->n_variables; v++) {
			const fw_variable *var = &f->fw->variables[v];
			char value[32], link[64], note[32];
			if (var->type != VAR_COUNT && var->type != VAR_AMOUNT)
				continue;
			snprintf(value, sizeof value, "%d", 7 * i + 1 + (i % 7 == 3 ? bump : 0));
			snprintf(link, sizeof link, "https://example.org/proof/%d", i);
			snprintf(note, sizeof note, "note %d", i);
			assert_true(batch_add(b, var, codes[c], v % 4 == 1 ? 2023 : 2024, value,
					      '.', i % 5 == 0 ? link : NULL,
					      i == 11      ? long_note
					      : i % 3 == 0 ? note
							   : NULL,
					      "scattered", &p));
			i++;
		}
	assert_int_equal(p.count, 0);
	free(long_note);
}

/* Text column col of the first row of sql (caller frees). */
static char *text_of(fixture *f, const char *sql, int col)
{
	sqlite3_stmt *s;
	dti_diag d;
	char *t;

	assert_int_equal(staging_prepare(f->st, sql, &s, &d), 0);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	t = xstrdup((const char *)sqlite3_column_text(s, col));
	sqlite3_finalize(s);
	return t;
}

/* The digest and the hashes kept for source 'sheet:scattered' are those
 * of the batch given, computed afresh. */
static void assert_kept_as(fixture *f, const batch *b)
{
	static const char *const kept_sql =
		"SELECT hex(k.item_hashes), k.batch_sha256, (SELECT batch_sha256 FROM run WHERE "
		"source_id = s.id ORDER BY id DESC LIMIT 1) FROM source_batch k JOIN source s ON "
		"s.id = k.source_id WHERE s.name = 'sheet:scattered'";
	char digest[65], *hex = NULL, *kept = text_of(f, kept_sql, 0),
			 *kept_digest = text_of(f, kept_sql, 1),
			 *run_digest = text_of(f, kept_sql, 2);

	ref_batch(b, digest, &hex);
	assert_string_equal(kept, hex);
	assert_string_equal(kept_digest, digest);
	assert_string_equal(run_digest, digest);
	free(hex);
	free(kept);
	free(kept_digest);
	free(run_digest);
}

/* A re-import whose changed values are scattered over communes, years
 * and variables stores exactly those, the current values follow (get:
 * the table is what the history resolves to), and the digest and hashes
 * kept after each run are those of its batch, computed afresh. */
static void test_reimport_scattered_changes(void **state)
{
	fixture *f = *state;
	batch_target t = {
		"sheet:scattered", "sheet", "test", 2024, NULL, NULL, 0, false, NULL, NULL};
	int before = count(f, "SELECT count(*) FROM observation"), changed = 0;
	dti_diag d;
	batch b;

	scattered_batch(f, &b, 0);
	assert_int_equal(batch_store(f->st, &b, &t, NULL, &d), DTI_EOK);
	assert_int_equal(b.counts.stored, (long)b.count);
	assert_kept_as(f, &b);
	batch_free(&b);

	scattered_batch(f, &b, 0);
	assert_int_equal(batch_store(f->st, &b, &t, NULL, &d), DTI_EOK);
	assert_int_equal(b.counts.stored, 0);
	batch_free(&b);

	scattered_batch(f, &b, 1000);
	for (size_t i = 0; i < b.count; i++)
		changed += i % 7 == 3;
	assert_true(changed > 10);
	assert_int_equal(batch_store(f->st, &b, &t, NULL, &d), DTI_EOK);
	assert_int_equal(b.counts.stored, changed);
	assert_kept_as(f, &b);
	/* The run stored the changed items and no other, and each is the
	 * current value of its key. */
	assert_int_equal(count(f, "SELECT count(*) FROM observation WHERE run_id = (SELECT max(id) "
				  "FROM run)"),
			 changed);
	for (size_t i = 0; i < b.count; i++) {
		const batch_item *it = &b.items[i];
		char sql[256];
		snprintf(sql, sizeof sql,
			 "SELECT count(*) FROM observation WHERE run_id = (SELECT max(id) FROM "
			 "run) AND year = %d AND commune_code = '%s' AND variable = '%s' AND "
			 "value = '%s'",
			 it->year, it->commune_code, it->variable->name, it->value);
		assert_int_equal(count(f, sql), i % 7 == 3);
		if (it->year == 2024)
			assert_true(get(f, it->commune_code, it->variable->name).num == it->num);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM observation"),
			 before + (int)b.count + changed);
	batch_free(&b);

	/* Back to the first figures: the changed ones are stored again. */
	scattered_batch(f, &b, 0);
	assert_int_equal(batch_store(f->st, &b, &t, NULL, &d), DTI_EOK);
	assert_int_equal(b.counts.stored, changed);
	assert_kept_as(f, &b);
	batch_free(&b);
	assert_current_checks(f);
}

/* The page cache a batch's writes had (in its transaction, after its
 * observations were stored), into *(int64_t *)ctx. */
static dti_err note_cache(staging *st, int64_t run_id, void *ctx, dti_diag *d)
{
	(void)run_id;
	return staging_query_int64(st, "SELECT cache_size FROM pragma_cache_size", 0, ctx, d);
}

/* Every numeric variable of n communes ("00001" ...), item i's value
 * raised by bump unless i % 10 == 0; stored by source 'sheet:wide' with
 * the page cache its writes had in *cache.  Returns how many were stored. */
static long store_wide(fixture *f, int n, int bump, size_t *items, int64_t *cache)
{
	batch b;
	dti_problems p = {0};
	dti_diag d;
	batch_target t = {"sheet:wide", "sheet", "test", 2024, NULL, NULL, 0, false, NULL, NULL};
	long stored;
	int i = 0;

	batch_init(&b);
	for (int c = 1; c <= n; c++)
		for (size_t v = 0; v < f->fw->n_variables; v++) {
			const fw_variable *var = &f->fw->variables[v];
			char code[16], value[32];
			if (var->type != VAR_COUNT && var->type != VAR_AMOUNT)
				continue;
			snprintf(code, sizeof code, "%05d", c);
			snprintf(value, sizeof value, "%d", i + (i % 10 ? bump : 0));
			assert_true(
				batch_add(&b, var, code, 2024, value, '.', NULL, NULL, "wide", &p));
			i++;
		}
	assert_int_equal(batch_store_with(f->st, &b, &t, note_cache, cache, NULL, &d), DTI_EOK);
	stored = b.counts.stored;
	*items = b.count;
	batch_free(&b);
	return stored;
}

/* A re-import that changes thousands of figures among unchanged ones has
 * the larger page cache for its writes (STAGING_CACHE_WIDE_WRITES), and the
 * connection has its own again after; a first import or a few changes
 * keep the usual one.  What is stored is the same either way. */
static void test_wide_reimport_cache(void **state)
{
	char names[160][16];
	const char *codes[160], *name_of[160];
	fixture *f;
	size_t items = 0, numeric = 0;
	int64_t cache = 0, after = 0;
	long stored;
	int n;
	dti_diag d;

	(void)state;
	for (int c = 0; c < 160; c++) {
		snprintf(names[c], sizeof names[c], "%05d", c + 1);
		codes[c] = names[c];
		name_of[c] = names[c];
	}
	f = fixture_open("config/frameworks/commune-2024.json", codes, name_of, 160);
	assert_non_null(f);
	for (size_t v = 0; v < f->fw->n_variables; v++)
		numeric += f->fw->variables[v].type == VAR_COUNT ||
			   f->fw->variables[v].type == VAR_AMOUNT;
	n = (int)(5000 / numeric) + 1; /* 90 % of the items changed: 4,500 at least */
	assert_true(n <= 160);
	stored = store_wide(f, n, 0, &items, &cache);
	assert_int_equal(stored, (long)items);
	assert_int_equal(cache, -16384);
	stored = store_wide(f, n, 1, &items, &cache);
	assert_int_equal(stored, (long)(items - (items + 9) / 10));
	assert_int_equal(cache, -81920);
	assert_int_equal(staging_query_int64(f->st, "SELECT cache_size FROM pragma_cache_size", 0,
					     &after, &d),
			 DTI_EOK);
	assert_int_equal(after, -16384);
	assert_current_checks(f);
	assert_int_equal(count(f, "SELECT count(*) FROM observation WHERE run_id = (SELECT "
				  "max(id) FROM run)"),
			 (int)(items - (items + 9) / 10));
	/* A few changed: the usual cache. */
	stored = store_wide(f, 1, 2, &items, &cache);
	assert_int_equal(stored, (long)(items - (items + 9) / 10));
	assert_int_equal(cache, -16384);
	assert_current_checks(f);
	teardown((void **)&f);
}

/* The page cache by use: a read-write connection's for writes, a
 * read-only one's the small one for reads; a use set and put back. */
static void test_cache_by_use(void **state)
{
	fixture *f = *state;
	const char *q = "SELECT cache_size FROM pragma_cache_size";
	staging *ro = NULL;
	int64_t kib = 0;
	dti_diag d;

	assert_int_equal(count(f, q), -16384);
	assert_int_equal(staging_open_readonly(staging_path(f->st), &ro, &d), DTI_EOK);
	assert_int_equal(staging_query_int64(ro, q, 0, &kib, &d), DTI_EOK);
	assert_int_equal(kib, -2048);
	staging_close(ro);
	/* Each step: the use set (as the connection's own with own), and the
	 * size then.  A connection of mostly reads (dti-web's) has READS as
	 * its own, and OWN after a wide write puts back READS, not WRITES. */
	static const struct {
		bool own;
		staging_cache_use use;
		int64_t kib;
	} steps[] = {
		{false, STAGING_CACHE_READS, -2048},
		{false, STAGING_CACHE_WIDE_WRITES, -81920},
		{false, STAGING_CACHE_OWN, -16384},
		{true, STAGING_CACHE_READS, -2048},
		{false, STAGING_CACHE_WIDE_WRITES, -81920},
		{false, STAGING_CACHE_OWN, -2048},
		{true, STAGING_CACHE_OWN, -2048},
		{true, STAGING_CACHE_WRITES, -16384},
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		dti_err rc = steps[i].own ? staging_cache_own(f->st, steps[i].use, &d)
					  : staging_cache(f->st, steps[i].use, &d);
		assert_int_equal(rc, DTI_EOK);
		assert_int_equal(count(f, q), steps[i].kib);
	}
}

/* A database of schema 20 is migrated: its runs stay, and no source has
 * kept hashes yet. */
static void test_migrates_to_kept_batches(void **state)
{
	char path[80];
	staging *st = NULL;
	int64_t n = 0;
	dti_diag d;

	(void)state;
	old_database(path, "migrate-kept", 20,
		     "INSERT INTO source(id, name, kind, created_at) VALUES (1, 's', 'sheet', 't');"
		     "INSERT INTO run(id, source_id, program, year, started_at, status, "
		     "batch_sha256) VALUES (5, 1, 'dti import', 2024, 't', 'ok', 'x');");
	assert_int_equal(staging_open(path, &st, &d), DTI_EOK);
	assert_int_equal(staging_query_int64(st,
					     "SELECT count(*) FROM run WHERE id = ?1 AND "
					     "batch_sha256 = 'x'",
					     5, &n, &d),
			 DTI_EOK);
	assert_int_equal(n, 1);
	assert_int_equal(
		staging_query_int64(st, "SELECT count(*) + ?1 FROM source_batch", 0, &n, &d),
		DTI_EOK);
	assert_int_equal(n, 0);
	staging_close(st);
	unlink(path);
}

/* A database of the schema before scoring runs kept their input counts
 * keeps its runs, with no counts (NULL: dti status counts them through
 * score_input), and a run scored now keeps its own. */
static void test_migrates_to_run_input_counts(void **state)
{
	char path[80];
	staging *st = NULL;
	int64_t n = 0;
	dti_diag d;

	(void)state;
	old_database(path, "migrate-counts", 21,
		     "INSERT INTO framework(sha256, edition, body, loaded_at) VALUES "
		     "('f', 'e', '{}', 't');"
		     "INSERT INTO scoring_run(id, year, framework_sha256, edition, mode, "
		     "started_at, status, communes) VALUES (3, 2024, 'f', 'e', 'provisional', "
		     "'t', 'ok', 2);");
	assert_int_equal(staging_open(path, &st, &d), DTI_EOK);
	assert_int_equal(staging_query_int64(st,
					     "SELECT count(*) FROM scoring_run WHERE id = ?1 AND "
					     "communes = 2 AND inputs IS NULL AND "
					     "inputs_missing IS NULL",
					     3, &n, &d),
			 DTI_EOK);
	assert_int_equal(n, 1);
	staging_close(st);
	unlink(path);
}

/* The plan of a commune's disagreements, one detail a line. */
static char *disagreement_plan(sqlite3 *db)
{
	sqlite3_stmt *s;
	strbuf sb;

	assert_int_equal(sqlite3_prepare_v2(db,
					    "EXPLAIN QUERY PLAN SELECT * FROM disagreement "
					    "WHERE year = 2024 AND commune_code = '11989'",
					    -1, &s, NULL),
			 SQLITE_OK);
	sb_init(&sb, 0);
	while (sqlite3_step(s) == SQLITE_ROW)
		sb_appendf(&sb, "%s\n", (const char *)sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	return sb_take(&sb);
}

/* A database of schema 21 is migrated (23) to a view `disagreement` that gives
 * the same rows, a commune's found through the index instead of every
 * source's latest value of the country computed first. */
static void test_migrates_disagreement_view(void **state)
{
	char path[80], *plan, *got;
	staging *st = NULL;
	sqlite3 *db;
	dti_diag d;

	(void)state;
	old_database(path, "migrate-disagree", 21,
		     "INSERT INTO commune(code, name, updated_at) VALUES ('11989', 'Xã Lạc Đạo', "
		     "'t'), ('11992', 'Xã Tân Quang', 't');"
		     "INSERT INTO variable VALUES ('dx_meetings_total', 'count', 'latest', "
		     "'commune', 'Số cuộc họp', NULL);"
		     "INSERT INTO source(id, name, kind, created_at) VALUES (1, 'form:11989', "
		     "'form', 't'), (2, 'form:11992', 'form', 't'), (3, 'telecom', 'telecom', 't');"
		     "INSERT INTO run(id, source_id, program, year, started_at, status) VALUES "
		     "(1, 1, 'f', 2024, 't', 'ok'), (2, 2, 'f', 2024, 't', 'ok'), "
		     "(3, 3, 'f', 2024, 't', 'ok');"
		     "INSERT INTO observation(id, commune_code, year, variable, value, num, "
		     "source_id, run_id, observed_at) VALUES "
		     "(1, '11989', 2024, 'dx_meetings_total', '4', 4, 1, 1, 't'), "
		     "(2, '11992', 2024, 'dx_meetings_total', '5', 5, 2, 2, 't'), "
		     "(3, '11989', 2024, 'dx_meetings_total', '9', 9, 3, 3, 't'), "
		     "(4, '11992', 2024, 'dx_meetings_total', '5', 5, 3, 3, 't');");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	plan = disagreement_plan(db);
	assert_non_null(strstr(plan, "MATERIALIZE sv"));
	free(plan);
	sqlite3_close(db);

	assert_int_equal(staging_open(path, &st, &d), DTI_EOK);
	got = lines_of(st,
		       "SELECT commune_code || '|' || variable || '|' || form_value || '|' || "
		       "feed_source || '|' || feed_value || '|' || difference FROM disagreement "
		       "ORDER BY commune_code",
		       0);
	assert_string_equal(got, "11989|dx_meetings_total|4|telecom|9|5.0\n");
	free(got);
	plan = disagreement_plan(staging_db(st));
	assert_null(strstr(plan, "MATERIALIZE sv"));
	assert_non_null(strstr(plan, "USING INDEX observation_key (year=? AND commune_code=?)"));
	free(plan);
	staging_close(st);
	unlink(path);
}

static void test_failed_batch_stores_nothing(void **state)
{
	fixture *f = *state;
	batch b;
	dti_problems p = {0};
	dti_diag d;
	batch_target t = {"sheet:bad", "sheet", "test", 2024, "bad.csv",
			  NULL,        0,       false,  NULL, NULL};
	run_counts c = {3, 0, 0, 1};
	int before = count(f, "SELECT count(*) FROM observation");

	batch_init(&b);
	assert_false(batch_add(&b, framework_variable(f->fw, "villages"), "11989", 2024, "-3", '.',
			       NULL, NULL, "bad.csv:2:3 (value)", &p));
	assert_int_equal(p.count, 1);
	assert_non_null(strstr(p.items[0], "bad.csv:2:3 (value)"));
	assert_int_equal(batch_record_run(f->st, &t, "failed", &c, p.items[0], NULL, NULL, &d), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM observation"), before);
	assert_int_equal(count(f, "SELECT count(*) FROM run WHERE status = 'failed' AND "
				  "records_rejected = 1 AND error LIKE '%negative%'"),
			 1);
	batch_free(&b);
	problems_free(&p);
}

/* The basis of a payload changes with each thing its values depend on. */
static void test_basis_of_a_payload(void **state)
{
	commune_list l = {0};
	char a[65], b[65];

	(void)state;
	commune_list_add(&l, "11986", "Thị trấn Như Quỳnh");
	batch_basis(&l, "{\"name\":\"x\"}", "f1", a);
	batch_basis(&l, "{\"name\":\"x\"}", "f1", b);
	assert_string_equal(a, b);
	commune_list_add(&l, "12016", "Xã Trưng Trắc");
	batch_basis(&l, "{\"name\":\"x\"}", "f1", b);
	assert_string_not_equal(a, b); /* a commune added */
	batch_basis(&l, "{\"name\":\"x\"}", "f1", a);
	batch_basis(&l, "{\"name\":\"y\"}", "f1", b);
	assert_string_not_equal(a, b); /* the source block */
	batch_basis(&l, "{\"name\":\"x\"}", "f2", b);
	assert_string_not_equal(a, b); /* the framework edition */
	free(l.items[1].name);
	l.items[1].name = xstrdup("Xã Trưng Trắc mới");
	batch_basis(&l, "{\"name\":\"x\"}", "f1", b);
	assert_string_not_equal(a, b); /* a commune renamed */
	commune_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_version_and_wal),
		cmocka_unit_test(test_cache_by_use),
		cmocka_unit_test(test_basis_of_a_payload),
		cmocka_unit_test(test_resolution_index),
		cmocka_unit_test(test_score_sets),
		cmocka_unit_test(test_score_sets_of_many_communes),
		cmocka_unit_test(test_migrates_score_sets),
		cmocka_unit_test(test_refuses_newer_schema),
		cmocka_unit_test(test_migrates_score_inputs),
		cmocka_unit_test(test_sum_over_operators),
		cmocka_unit_test(test_aggregate_change_resolves_again),
		cmocka_unit_test(test_latest_per_source),
		cmocka_unit_test(test_verified_above_raw),
		cmocka_unit_test(test_correction_and_rejection),
		cmocka_unit_test(test_repeated_figure_keeps_its_appraisal),
		cmocka_unit_test(test_new_figure_of_the_source_scored),
		cmocka_unit_test(test_repeated_file_in_another_order),
		cmocka_unit_test(test_reimport_by_kept_hashes),
		cmocka_unit_test_setup_teardown(test_reimport_scattered_changes, setup, teardown),
		cmocka_unit_test(test_wide_reimport_cache),
		cmocka_unit_test(test_migrates_to_kept_batches),
		cmocka_unit_test(test_migrates_to_run_input_counts),
		cmocka_unit_test(test_migrates_disagreement_view),
		cmocka_unit_test(test_failed_batch_stores_nothing),
	};
	return cmocka_run_group_tests_name("staging", tests, setup, teardown);
}
