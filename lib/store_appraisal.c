/* store_appraisal.c — appraisal acts, the appraisal queue and the
 * disagreements in the staging database (see store_appraisal.h). */
#include "store_appraisal.h"

#include <stdlib.h>

#include "staging_int.h"
#include "store_current.h"

dti_err store_observation_variable(staging *st, int64_t obs_id, char **variable, dti_diag *d)
{
	return store_text1(st, d, "SELECT variable FROM observation WHERE id = ?1", variable,
			   STORE_ARGS(STORE_INT(obs_id)));
}

dti_err store_observation_commune(staging *st, int64_t obs_id, char **commune_code, dti_diag *d)
{
	return store_text1(st, d, "SELECT commune_code FROM observation WHERE id = ?1",
			   commune_code, STORE_ARGS(STORE_INT(obs_id)));
}

dti_err store_appraisal_add(staging *st, const store_appraisal_act *act, int64_t *id, dti_diag *d)
{
	int64_t new_id = 0;
	bool found = false;
	dti_err rc = store_int64(
		st, d,
		"INSERT INTO appraisal(observation_id, action, value, num, by, at, reason) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
		&new_id, &found,
		STORE_ARGS(STORE_INT(act->observation_id), STORE_TEXT(act->action),
			   STORE_TEXT(act->value), STORE_NUM(act->num), STORE_TEXT(act->by),
			   STORE_TEXT(act->at), STORE_TEXT(act->reason)));

	if (rc || !found)
		return store_db_failed(st, d, "cannot store the appraisal");
	rc = store_current_resolve_observation(st, act->observation_id, d);
	if (rc)
		return rc;
	if (id)
		*id = new_id;
	return DTI_EOK;
}

dti_err store_observation_is_latest(staging *st, int64_t id, bool *latest, dti_diag *d)
{
	int64_t n = 0;
	bool found = false;
	dti_err rc = store_int64(
		st, d,
		"SELECT count(*) FROM source_value v JOIN observation o ON o.id = ?1 "
		"WHERE v.id = o.id AND v.year = o.year AND v.commune_code = o.commune_code "
		"AND v.variable = o.variable",
		&n, &found, STORE_ARGS(STORE_INT(id)));

	*latest = rc || !found || n > 0;
	return rc;
}

typedef struct id_list {
	int64_t *items;
	size_t n;
} id_list;

static dti_err take_id(void *ctx, const store_row *r, dti_diag *d)
{
	id_list *l = ctx;

	(void)d;
	*STORE_PUSH(l) = store_int(r, 0);
	return DTI_EOK;
}

dti_err store_appraisal_find(staging *st, int year, const char *commune_code, const char *variable,
			     const char *source, int64_t **ids, size_t *n, dti_diag *d)
{
	id_list l = {NULL, 0};
	dti_err rc;

	if (source)
		rc = store_each(
			st, d,
			"SELECT v.id FROM source_value v JOIN source s ON s.id = v.source_id "
			"WHERE v.year = ?1 AND v.commune_code = ?2 AND v.variable = ?3 "
			"AND s.name = ?4",
			take_id, &l, NULL,
			STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code), STORE_TEXT(variable),
				   STORE_TEXT(source)));
	else
		/* The ids current_input scores; when every source is rejected
		 * it scores none, and the latest of each source is meant. */
		rc = store_each(
			st, d,
			"WITH c AS (SELECT observation_ids AS ids FROM current_input "
			"WHERE year = ?1 AND commune_code = ?2 AND variable = ?3) "
			"SELECT v.id FROM source_value v, c "
			"WHERE v.year = ?1 AND v.commune_code = ?2 AND v.variable = ?3 "
			"AND (c.ids IS NULL OR instr(',' || c.ids || ',', ',' || v.id || ',') > 0) "
			"ORDER BY v.id",
			take_id, &l, NULL,
			STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code),
				   STORE_TEXT(variable)));
	if (rc) {
		free(l.items);
		l.items = NULL;
		l.n = 0;
		rc = store_db_failed(st, d, "cannot read observations");
	}
	*ids = l.items;
	*n = l.n;
	return rc;
}

dti_err store_disagreement_tolerance_set(staging *st, const char *absolute, const char *relative,
					 dti_diag *d)
{
	dti_err rc = store_run(st, d,
			       "INSERT INTO meta(key, value) VALUES ('disagreement_absolute', ?1), "
			       "('disagreement_relative', ?2) "
			       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       STORE_ARGS(STORE_TEXT(absolute), STORE_TEXT(relative)));

	return rc ? store_db_failed(st, d, "cannot store the tolerance") : DTI_EOK;
}

typedef struct item_walk {
	store_appraisal_item_fn fn;
	void *ctx;
} item_walk;

static dti_err each_item(void *ctx, const store_row *r, dti_diag *d)
{
	const item_walk *w = ctx;
	store_appraisal_item it = {
		store_text(r, 0), store_text(r, 1), store_text(r, 2), store_text(r, 3),
		store_text(r, 4), store_text(r, 5), store_text(r, 6), store_text(r, 7),
		store_text(r, 8), store_text(r, 9),
	};

	(void)d;
	return w->fn(w->ctx, &it);
}

/* The rows of the queue and of an item: every source's latest value, its
 * source's name, in the order the pages show them.  A commune named is an
 * equality of its own (the index's second column), not `?2 = '' OR`, which
 * SQLite cannot use to search the index and reads the whole year for. */
#define ITEM_ROWS                                                             \
	"SELECT v.id, v.commune_code, v.variable, s.name, v.value, v.state, " \
	"v.observed_at, v.proof_url, v.appraised_by, v.appraisal_reason "     \
	"FROM source_value v JOIN source s ON s.id = v.source_id WHERE v.year = ?1 "
#define ITEM_ORDER "ORDER BY v.commune_code, v.variable, s.name"
#define EACH_WHERE "AND (?3 IS NULL OR v.variable = ?3) AND (?4 = 0 OR v.state = 'raw') "

dti_err store_appraisal_each(staging *st, int year, const char *commune_code, const char *variable,
			     bool pending, store_appraisal_item_fn fn, void *ctx, dti_diag *d)
{
	static const char *const sql[2] = {
		ITEM_ROWS EACH_WHERE ITEM_ORDER,
		ITEM_ROWS "AND v.commune_code = ?2 " EACH_WHERE ITEM_ORDER,
	};
	item_walk w = {fn, ctx};

	return store_each(st, d, sql[*commune_code != '\0'], each_item, &w, NULL,
			  STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code),
				     STORE_TEXT(variable), STORE_INT(pending)));
}

/* What awaits appraisal: the same rows, 'raw', of the variables named. */
#define QUEUE_WHERE            \
	"AND v.state = 'raw' " \
	"AND (?3 IS NULL OR v.variable IN (SELECT value FROM json_each(?3))) "
/* The rows' count needs no source's name: every figure's source exists
 * (observation.source_id references it). */
#define QUEUE_COUNT "SELECT count(*) FROM source_value v WHERE v.year = ?1 " QUEUE_WHERE

dti_err store_appraisal_queue(staging *st, int year, const char *commune_code,
			      const char *variables_json, int64_t limit, int64_t *total,
			      store_appraisal_item_fn fn, void *ctx, dti_diag *d)
{
	static const char *const count_sql[2] = {
		QUEUE_COUNT,
		QUEUE_COUNT "AND v.commune_code = ?2",
	};
	static const char *const rows_sql[2] = {
		ITEM_ROWS QUEUE_WHERE ITEM_ORDER " LIMIT ?4",
		ITEM_ROWS QUEUE_WHERE "AND v.commune_code = ?2 " ITEM_ORDER " LIMIT ?4",
	};
	int one = *commune_code != '\0';
	item_walk w = {fn, ctx};
	bool began = false;
	size_t rows = 0;
	dti_err rc;

	if (total)
		*total = 0;
	/* One snapshot: the count is of the rows read.  Fewer rows than the
	 * limit are all there are, and need no count. */
	rc = staging_begin_read(st, &began, d);
	if (!rc && limit != 0)
		rc = store_each(st, d, rows_sql[one], each_item, &w, &rows,
				STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code),
					   STORE_TEXT(variables_json), STORE_INT(limit)));
	if (!rc && total && limit >= 0 && rows == (size_t)limit)
		rc = store_int64(st, d, count_sql[one], total, NULL,
				 STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code),
					    STORE_TEXT(variables_json)));
	else if (!rc && total)
		*total = (int64_t)rows;
	if (began)
		staging_rollback(st);
	return rc;
}

typedef struct disagreement_walk {
	store_disagreement_fn fn;
	void *ctx;
} disagreement_walk;

static dti_err each_disagreement(void *ctx, const store_row *r, dti_diag *d)
{
	const disagreement_walk *w = ctx;
	store_disagreement it = {
		store_text(r, 0), store_text(r, 1), store_text(r, 2),  store_text(r, 3),
		store_text(r, 4), store_text(r, 5), store_text(r, 6),  store_text(r, 7),
		store_text(r, 8), store_text(r, 9), store_text(r, 10),
	};

	(void)d;
	return w->fn(w->ctx, &it);
}

#define DISAGREEMENT_ROWS                                             \
	"SELECT commune_code, coalesce(commune_name, ''), variable, " \
	"form_observation_id, form_value, form_state, feed_source, "  \
	"feed_observation_ids, feed_value, feed_state, difference "   \
	"FROM disagreement WHERE year = ?1 "
#define DISAGREEMENT_ORDER "ORDER BY commune_code, variable, feed_source"

dti_err store_disagreement_each(staging *st, int year, const char *commune_code,
				store_disagreement_fn fn, void *ctx, dti_diag *d)
{
	/* A commune named is an equality, which reaches the view's reads of
	 * source_value (migration 23); `?2 = '' OR` would read the country. */
	static const char *const sql[2] = {
		DISAGREEMENT_ROWS DISAGREEMENT_ORDER,
		DISAGREEMENT_ROWS "AND commune_code = ?2 " DISAGREEMENT_ORDER,
	};
	const store_arg args[] = {STORE_INT(year), STORE_TEXT(commune_code)};
	int one = *commune_code != '\0';
	disagreement_walk w = {fn, ctx};

	return store_each(st, d, sql[one], each_disagreement, &w, NULL, args, one ? 2 : 1);
}

typedef struct act_walk {
	store_appraisal_act_fn fn;
	void *ctx;
} act_walk;

static dti_err act_row(void *ctx, const store_row *r, dti_diag *d)
{
	act_walk *w = ctx;
	store_appraisal_act_row a = {store_int(r, 0),  store_int(r, 1),  store_text(r, 2),
				     store_text(r, 3), store_text(r, 4), store_text(r, 5),
				     store_text(r, 6), store_text(r, 7), store_text(r, 8)};

	(void)d;
	return w->fn(w->ctx, &a);
}

dti_err store_appraisal_acts_each(staging *st, int year, int64_t obs_id, const char *by,
				  int64_t limit, store_appraisal_act_fn fn, void *ctx, dti_diag *d)
{
	act_walk w = {fn, ctx};

	/* Newest act first, its observation by its id, until limit: CROSS JOIN
	 * keeps that order of the loops, which SQLite otherwise turns round,
	 * reading every observation of the year for its acts: nationally
	 * 75 ms a page with no act at all, 200 ms with 30,000. */
	return store_each(
		st, d,
		"SELECT a.id, a.observation_id, o.commune_code, o.variable, a.action, "
		"a.value, a.by, a.at, a.reason FROM appraisal a "
		"CROSS JOIN observation o ON o.id = a.observation_id "
		"WHERE o.year = ?1 AND (?2 = 0 OR a.observation_id = ?2) "
		"AND (?3 IS NULL OR a.by = ?3) ORDER BY a.id DESC LIMIT ?4",
		act_row, &w, NULL,
		STORE_ARGS(STORE_INT(year), STORE_INT(obs_id), STORE_TEXT(by), STORE_INT(limit)));
}
