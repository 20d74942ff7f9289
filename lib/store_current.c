/* store_current.c — current values resolved at write time (see
 * store_current.h). */
#include "store_current.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "staging_int.h"
#include "store.h"
#include "util.h"

/* A key's row as current_input_resolved gives it. */
typedef struct resolved_row {
	char *value, *state, *observation_ids;
	double num; /* NaN: NULL */
	int64_t sources, observation_id;
} resolved_row;

static dti_err take_resolved(void *ctx, const store_row *r, dti_diag *d)
{
	resolved_row *x = ctx;

	(void)d;
	x->value = store_is_null(r, 0) ? NULL : store_text_dup(r, 0);
	x->num = store_is_null(r, 1) ? NAN : store_num(r, 1);
	x->state = store_text_dup(r, 2);
	x->sources = store_int(r, 3);
	x->observation_ids = store_is_null(r, 4) ? NULL : store_text_dup(r, 4);
	x->observation_id = store_int(r, 5);
	return DTI_EOK;
}

dti_err store_current_resolve(staging *st, int year, const char *commune_code, const char *variable,
			      dti_diag *d)
{
	/* The view's WHERE on its GROUP BY columns is pushed down: one key's
	 * sources are read, through observation_key.  The row is then written
	 * by an UPDATE or INSERT of one row OR FAIL, not by INSERT OR REPLACE
	 * ... SELECT: neither can fail with a row half-written, so SQLite keeps
	 * no statement journal for them (a 1 %-changed national import wrote
	 * 145 MB of those, the pages of every key resolved). */
	resolved_row x = {NULL, NULL, NULL, NAN, 0, 0};
	bool found = false;
	dti_err rc = store_first(
		st, d,
		"SELECT value, num, state, sources, observation_ids, observation_id "
		"FROM current_input_resolved "
		"WHERE year = ?1 AND commune_code = ?2 AND variable = ?3",
		take_resolved, &x, &found,
		STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code), STORE_TEXT(variable)));

	if (!rc && !found)
		rc = store_run(st, d,
			       "DELETE FROM current_value WHERE year = ?1 AND commune_code = ?2 "
			       "AND variable = ?3",
			       STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code),
					  STORE_TEXT(variable)));
	if (!rc && found) {
		const store_arg args[] = {STORE_INT(year),
					  STORE_TEXT(commune_code),
					  STORE_TEXT(variable),
					  STORE_TEXT(x.value),
					  STORE_NUM(x.num),
					  STORE_TEXT(x.state),
					  STORE_INT(x.sources),
					  STORE_INT(x.observation_id),
					  STORE_TEXT(x.observation_ids)};
		rc = store_run(st, d,
			       "UPDATE OR FAIL current_value SET value = ?4, num = ?5, state = ?6, "
			       "sources = ?7, observation_id = ?8, observation_ids = ?9 "
			       "WHERE year = ?1 AND commune_code = ?2 AND variable = ?3",
			       args, sizeof args / sizeof args[0]);
		if (!rc && store_changes(st) == 0)
			rc = store_run(
				st, d,
				"INSERT OR FAIL INTO current_value(year, commune_code, "
				"variable, value, num, state, sources, observation_id, "
				"observation_ids) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				args, sizeof args / sizeof args[0]);
	}
	free(x.value);
	free(x.state);
	free(x.observation_ids);
	if (rc)
		diag_prefix(d, "cannot resolve %s of commune %s for %d", variable, commune_code,
			    year);
	return rc;
}

typedef struct key {
	int year;
	char *commune_code, *variable;
} key;

typedef struct key_list {
	key *items;
	size_t n;
} key_list;

static dti_err take_key(void *ctx, const store_row *r, dti_diag *d)
{
	key_list *l = ctx;
	key *k = STORE_PUSH(l);

	(void)d;
	k->year = (int)store_int(r, 0);
	k->commune_code = xstrdup(store_text(r, 1));
	k->variable = xstrdup(store_text(r, 2));
	return DTI_EOK;
}

/* Resolves the keys a query gives (year, commune, variable), read whole
 * first: the resolution writes the table the query may read. */
static dti_err resolve_keys(staging *st, const char *sql, const store_arg *args, size_t n,
			    dti_diag *d)
{
	key_list l = {NULL, 0};
	dti_err rc = store_each(st, d, sql, take_key, &l, NULL, args, n);

	for (size_t i = 0; !rc && i < l.n; i++)
		rc = store_current_resolve(st, l.items[i].year, l.items[i].commune_code,
					   l.items[i].variable, d);
	for (size_t i = 0; i < l.n; i++) {
		free(l.items[i].commune_code);
		free(l.items[i].variable);
	}
	free(l.items);
	return rc;
}

dti_err store_current_resolve_observation(staging *st, int64_t obs_id, dti_diag *d)
{
	return resolve_keys(st,
			    "SELECT year, commune_code, variable FROM observation WHERE id = ?1",
			    STORE_ARGS(STORE_INT(obs_id)), d);
}

/* Whether any year from year_from to year_to has current values: when
 * none has, every key of a run of those years is new (a first import). */
static dti_err years_have_values(staging *st, int year_from, int year_to, bool *have, dti_diag *d)
{
	int64_t n = 0;
	dti_err rc = store_int64(
		st, d, "SELECT EXISTS (SELECT 1 FROM current_value WHERE year BETWEEN ?1 AND ?2)",
		&n, NULL, STORE_ARGS(STORE_INT(year_from), STORE_INT(year_to)));

	*have = n != 0;
	return rc;
}

/* A summed variable's value: observation o's number written as SQL writes
 * a sum (a whole number without ".0"). */
#define SUM_AS_TEXT                                                                           \
	"CASE WHEN o.num = CAST(o.num AS INTEGER) THEN CAST(CAST(o.num AS INTEGER) AS TEXT) " \
	"ELSE CAST(o.num AS TEXT) END"

/* The current values of raw observations, one a key (the head of both
 * statements below: what follows says which observations and how). */
#define RAW_CURRENT_VALUES                                                             \
	"INSERT INTO current_value(year, commune_code, variable, value, num, state, "  \
	"sources, observation_ids, observation_id) "                                   \
	"SELECT o.year, o.commune_code, o.variable, "                                  \
	"CASE WHEN o.variable IN (SELECT name FROM variable WHERE aggregate = 'sum') " \
	"THEN " SUM_AS_TEXT " ELSE o.value END, o.num, 'raw', 1, CAST(o.id AS TEXT), o.id "

dti_err store_current_stored(staging *st, int64_t first_id, int64_t last_id, int year_from,
			     int year_to, dti_diag *d)
{
	bool have = false;
	dti_err rc = years_have_values(st, year_from, year_to, &have, d);

	/* A key whose value was the raw figure of the same source, alone
	 * (the only source, or every other one below it: raw and earlier, or
	 * rejected), takes the new figure as it is, as the rule would: one
	 * statement for all of them instead of the history read again for
	 * each (the figures a re-import changes are mostly such).  Whether
	 * the key's observation was the same source's is read in
	 * observation_key, beside where the new figure's entry just went (a
	 * key's current observation is one of its own), not in the
	 * observation table: a 1 %-changed national re-import read nearly
	 * all of its 46 MB for that. */
	if (!rc && have)
		rc = store_run(
			st, d,
			"UPDATE OR FAIL current_value AS c SET "
			"value = CASE WHEN v.aggregate = 'sum' THEN " SUM_AS_TEXT
			" ELSE o.value END, "
			"num = o.num, state = 'raw', sources = 1, observation_id = o.id, "
			"observation_ids = CAST(o.id AS TEXT) "
			"FROM observation o JOIN variable v ON v.name = o.variable "
			"WHERE o.id BETWEEN ?1 AND ?2 AND c.year = o.year AND "
			"c.commune_code = o.commune_code AND c.variable = o.variable AND "
			"c.state = 'raw' AND c.sources = 1 AND EXISTS (SELECT 1 FROM observation p "
			"INDEXED BY observation_key WHERE p.year = o.year AND "
			"p.commune_code = o.commune_code AND p.variable = o.variable AND "
			"p.source_id = o.source_id AND p.id = c.observation_id)",
			STORE_ARGS(STORE_INT(first_id), STORE_INT(last_id)));
	/* Every key updated so (one row a key: the run's keys differ): none
	 * is left to resolve or to insert (a 1 %-changed re-import read the
	 * keys twice more for nothing). */
	if (!rc && have && store_changes(st) == last_id - first_id + 1)
		return DTI_EOK;
	/* The other keys that had a value are resolved from the history. */
	if (!rc && have)
		rc = resolve_keys(st,
				  "SELECT o.year, o.commune_code, o.variable FROM observation o "
				  "WHERE o.id BETWEEN ?1 AND ?2 AND EXISTS (SELECT 1 FROM "
				  "current_value c WHERE c.year = o.year AND c.commune_code = "
				  "o.commune_code AND c.variable = o.variable AND "
				  "c.observation_id <> o.id)",
				  STORE_ARGS(STORE_INT(first_id), STORE_INT(last_id)), d);
	/* current_input_resolved for one raw source: a summed variable's
	 * value is its number written as SQL writes a sum (the summed
	 * variables are listed once, not joined on every row: a fifth of
	 * this statement's work).  The keys just written are left alone (DO
	 * NOTHING).  Years without values hold no other observation: the
	 * run's are read down observation_key, so that the rows go into the
	 * table in its key order (each one after the last, without a search
	 * from the root: 6 % of a first national import). */
	if (!rc && have)
		rc = store_run(
			st, d,
			RAW_CURRENT_VALUES
			"FROM observation o WHERE o.id BETWEEN ?1 AND ?2 ON CONFLICT DO NOTHING",
			STORE_ARGS(STORE_INT(first_id), STORE_INT(last_id)));
	if (!rc && !have)
		rc = store_run(st, d,
			       RAW_CURRENT_VALUES
			       "FROM observation o INDEXED BY observation_key "
			       "WHERE o.year BETWEEN ?3 AND ?4 AND o.id BETWEEN ?1 AND ?2 "
			       "ORDER BY o.year, o.commune_code, o.variable",
			       STORE_ARGS(STORE_INT(first_id), STORE_INT(last_id),
					  STORE_INT(year_from), STORE_INT(year_to)));
	if (rc)
		diag_prefix(d, "cannot resolve the values of observations %lld to %lld",
			    (long long)first_id, (long long)last_id);
	return rc;
}

dti_err store_current_resolve_variable(staging *st, const char *name, dti_diag *d)
{
	return resolve_keys(
		st,
		"SELECT DISTINCT year, commune_code, variable FROM observation "
		"WHERE variable = ?1 UNION "
		"SELECT year, commune_code, variable FROM current_value WHERE variable = ?1",
		STORE_ARGS(STORE_TEXT(name)), d);
}

#define CURRENT_COLUMNS                                                               \
	"year, commune_code, variable, value, num, state, sources, observation_ids, " \
	"observed_at"

/* Key order of two rows (year, commune, variable); a finished side is
 * after every row. */
static int key_cmp(sqlite3_stmt *a, bool a_done, sqlite3_stmt *b, bool b_done)
{
	int c;

	if (a_done || b_done)
		return a_done - b_done;
	if (sqlite3_column_int(a, 0) != sqlite3_column_int(b, 0))
		return sqlite3_column_int(a, 0) < sqlite3_column_int(b, 0) ? -1 : 1;
	c = strcmp((const char *)sqlite3_column_text(a, 1),
		   (const char *)sqlite3_column_text(b, 1));
	return c ? c
		 : strcmp((const char *)sqlite3_column_text(a, 2),
			  (const char *)sqlite3_column_text(b, 2));
}

/* Whether column i holds the same in both rows (NULL equals NULL). */
static bool same_column(sqlite3_stmt *a, sqlite3_stmt *b, int i)
{
	int ta = sqlite3_column_type(a, i), tb = sqlite3_column_type(b, i);

	if (ta == SQLITE_NULL || tb == SQLITE_NULL)
		return ta == tb;
	if (ta == SQLITE_TEXT || tb == SQLITE_TEXT)
		return ta == tb && strcmp((const char *)sqlite3_column_text(a, i),
					  (const char *)sqlite3_column_text(b, i)) == 0;
	return sqlite3_column_double(a, i) == sqlite3_column_double(b, i);
}

static const char *text_or_null(sqlite3_stmt *s, bool has, int i)
{
	return has ? (const char *)sqlite3_column_text(s, i) : NULL;
}

/* One difference given to fn: stored is the table's row or NULL, resolved
 * the history's or NULL. */
static dti_err report(store_current_diff_fn fn, void *ctx, sqlite3_stmt *stored,
		      sqlite3_stmt *resolved, dti_diag *d)
{
	sqlite3_stmt *k = stored ? stored : resolved;
	store_current_diff x = {sqlite3_column_int(k, 0),
				(const char *)sqlite3_column_text(k, 1),
				(const char *)sqlite3_column_text(k, 2),
				text_or_null(stored, stored, 3),
				text_or_null(stored, stored, 5),
				text_or_null(stored, stored, 7),
				text_or_null(resolved, resolved, 3),
				text_or_null(resolved, resolved, 5),
				text_or_null(resolved, resolved, 7)};

	return fn ? fn(ctx, &x, d) : DTI_EOK;
}

/* The two sides are read in key order, one pass each, and merged. */
dti_err store_current_check(staging *st, store_current_diff_fn fn, void *ctx, int64_t *keys,
			    int64_t *diffs, dti_diag *d)
{
	sqlite3_stmt *r = NULL, *c = NULL;
	int64_t n = 0, nd = 0;
	int sr = SQLITE_DONE, sc = SQLITE_DONE;
	dti_err rc = staging_prepare(st,
				     "SELECT " CURRENT_COLUMNS " FROM current_input_resolved "
				     "ORDER BY year, commune_code, variable",
				     &r, d);

	if (!rc)
		rc = staging_prepare(st,
				     "SELECT " CURRENT_COLUMNS " FROM current_input "
				     "ORDER BY year, commune_code, variable",
				     &c, d);
	if (!rc) {
		sr = sqlite3_step(r);
		sc = sqlite3_step(c);
	}
	while (!rc && (sr == SQLITE_ROW || sc == SQLITE_ROW)) {
		int k = key_cmp(r, sr != SQLITE_ROW, c, sc != SQLITE_ROW);
		bool same = k == 0;
		for (int i = 3; same && i < 9; i++)
			same = same_column(r, c, i);
		if (!same) {
			nd++;
			rc = report(fn, ctx, k < 0 ? NULL : c, k > 0 ? NULL : r, d);
		}
		if (k <= 0) {
			n++;
			sr = sqlite3_step(r);
		}
		if (k >= 0)
			sc = sqlite3_step(c);
	}
	if (!rc && (sr != SQLITE_DONE || sc != SQLITE_DONE))
		rc = store_db_error(st, d, "cannot read the current values");
	sqlite3_finalize(r);
	sqlite3_finalize(c);
	if (keys)
		*keys = n;
	if (diffs)
		*diffs = nd;
	return rc;
}
