/* store_score.c — scoring runs, their inputs and their scores in the
 * database (see store_score.h). */
#include "store_score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "digest.h"
#include "handoff.h"
#include "json_scan.h"
#include "staging_int.h"
#include "util.h"

/* ---- scoring runs ---- */

#define RUN_COLUMNS                                                                               \
	"r.id, r.year, r.mode, r.status, r.started_at, coalesce(r.finished_at, ''), r.communes, " \
	"r.framework_sha256, coalesce(r.input_sha256, ''), "                                      \
	"r.id IN (SELECT v.scoring_run_id FROM scoring_run_void v), coalesce(r.marker, '')"

typedef struct run_read {
	store_scoring_run *out;
	char **body; /* NULL: not wanted */
	bool found;
} run_read;

static dti_err take_run(void *ctx, const store_row *r, dti_diag *d)
{
	run_read *rr = ctx;
	store_scoring_run *o = rr->out;

	(void)d;
	if (rr->found)
		return DTI_EOK;
	rr->found = true;
	o->id = store_int(r, 0);
	o->year = (int)store_int(r, 1);
	snprintf(o->mode, sizeof o->mode, "%s", store_text(r, 2));
	snprintf(o->status, sizeof o->status, "%s", store_text(r, 3));
	snprintf(o->started_at, sizeof o->started_at, "%s", store_text(r, 4));
	snprintf(o->finished_at, sizeof o->finished_at, "%s", store_text(r, 5));
	o->communes = store_int(r, 6);
	snprintf(o->framework_sha256, sizeof o->framework_sha256, "%s", store_text(r, 7));
	snprintf(o->input_sha256, sizeof o->input_sha256, "%s", store_text(r, 8));
	o->voided = store_int(r, 9) != 0;
	snprintf(o->marker, sizeof o->marker, "%s", store_text(r, 10));
	if (rr->body)
		*rr->body = store_text_dup(r, 11);
	return DTI_EOK;
}

dti_err store_latest_scoring_run(staging *st, int year, store_scoring_run *out, bool *found,
				 dti_diag *d)
{
	/* The one answer to "the latest ok run of a year": the view's. */
	static const char sql[] = "SELECT " RUN_COLUMNS " FROM latest_scoring_run r "
				  "WHERE r.year = ?1";
	run_read rr = {out, NULL, false};
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = store_each(st, d, sql, take_run, &rr, NULL, STORE_ARGS(STORE_INT(year)));
	if (rc || !rr.found)
		memset(out, 0, sizeof *out);
	*found = !rc && rr.found;
	return rc;
}

dti_err store_scoring_run_get(staging *st, int64_t id, store_scoring_run *out, bool *found,
			      dti_diag *d)
{
	static const char sql[] = "SELECT " RUN_COLUMNS " FROM scoring_run r WHERE r.id = ?1";
	run_read rr = {out, NULL, false};
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = store_each(st, d, sql, take_run, &rr, NULL, STORE_ARGS(STORE_INT(id)));
	*found = !rc && rr.found;
	return rc;
}

dti_err store_scoring_run_by_id(staging *st, int64_t id, store_scoring_run *out,
				char **framework_body, bool *found, dti_diag *d)
{
	static const char sql[] = "SELECT " RUN_COLUMNS ", f.body FROM scoring_run r "
				  "JOIN framework f ON f.sha256 = r.framework_sha256 "
				  "WHERE r.id = ?1 AND r.status = 'ok'";
	run_read rr = {out, framework_body, false};
	dti_err rc;

	memset(out, 0, sizeof *out);
	if (framework_body)
		*framework_body = NULL;
	rc = store_each(st, d, sql, take_run, &rr, NULL, STORE_ARGS(STORE_INT(id)));
	if (rc || !rr.found) {
		memset(out, 0, sizeof *out);
		if (framework_body) {
			free(*framework_body);
			*framework_body = NULL;
		}
	}
	*found = !rc && rr.found;
	return rc;
}

dti_err store_scoring_run_start(staging *st, int year, const char *framework_sha256,
				const char *edition, const char *mode, const char *started_at,
				size_t communes, const char *area_name, int64_t *id, dti_diag *d)
{
	static const char sql[] =
		"INSERT INTO scoring_run(year, framework_sha256, edition, mode, started_at, "
		"status, communes, area_name) VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6, ?7) "
		"RETURNING id";
	bool found = false;
	dti_err rc = store_int64(
		st, d, sql, id, &found,
		STORE_ARGS(STORE_INT(year), STORE_TEXT(framework_sha256), STORE_TEXT(edition),
			   STORE_TEXT(mode), STORE_TEXT(started_at), STORE_INT((int64_t)communes),
			   STORE_TEXT(area_name && *area_name ? area_name : NULL)));

	if (!rc && !found)
		rc = diag_set(d, DTI_EDB, "%s: cannot store scoring run", st->path);
	return rc;
}

dti_err store_scoring_run_finish(staging *st, int64_t id, const char *finished_at,
				 const char *input_sha256, int64_t inputs, int64_t inputs_missing,
				 dti_diag *d)
{
	return store_run(
		st, d,
		"UPDATE scoring_run SET status = 'ok', finished_at = ?2, input_sha256 = ?3, "
		"inputs = ?4, inputs_missing = ?5 WHERE id = ?1",
		STORE_ARGS(STORE_INT(id), STORE_TEXT(finished_at), STORE_TEXT(input_sha256),
			   STORE_INT(inputs), STORE_INT(inputs_missing)));
}

dti_err store_scoring_run_set_marker(staging *st, int64_t id, const char *marker, dti_diag *d)
{
	return store_run(st, d, "UPDATE scoring_run SET marker = ?2 WHERE id = ?1",
			 STORE_ARGS(STORE_INT(id), STORE_TEXT(marker)));
}

typedef struct marker_read {
	store_marker_fn fn;
	void *ctx;
} marker_read;

static dti_err take_marker_commune(void *ctx, const store_row *r, dti_diag *d)
{
	marker_read *m = ctx;

	(void)d;
	m->fn(m->ctx, store_text(r, 0), store_text_or_null(r, 1));
	return DTI_EOK;
}

dti_err store_marker_parts(staging *st, int64_t *last_observation, int64_t *last_appraisal,
			   store_marker_fn fn, void *ctx, dti_diag *d)
{
	marker_read m = {fn, ctx};
	dti_err rc = store_int64(st, d, "SELECT coalesce(max(id), 0) FROM observation",
				 last_observation, NULL, STORE_NOARGS);

	if (!rc)
		rc = store_int64(st, d, "SELECT coalesce(max(id), 0) FROM appraisal",
				 last_appraisal, NULL, STORE_NOARGS);
	if (!rc)
		rc = store_each(st, d,
				"SELECT code, name FROM commune WHERE active = 1 ORDER BY code",
				take_marker_commune, &m, NULL, STORE_NOARGS);
	if (!rc)
		rc = store_each(st, d,
				"SELECT coalesce((SELECT value FROM meta WHERE key = 'unit_list'), "
				"''), NULL",
				take_marker_commune, &m, NULL, STORE_NOARGS);
	return rc;
}

dti_err store_scoring_run_void(staging *st, int64_t id, const char *reason, const char *by,
			       const char *at, dti_diag *d)
{
	return store_run(
		st, d,
		"INSERT INTO scoring_run_void(scoring_run_id, reason, by, at) "
		"VALUES (?1, ?2, ?3, ?4)",
		STORE_ARGS(STORE_INT(id), STORE_TEXT(reason), STORE_TEXT(by), STORE_TEXT(at)));
}

/* ---- the official result ---- */

static dti_err take_approval(void *ctx, const store_row *r, dti_diag *d)
{
	store_approval *a = ctx;

	(void)d;
	a->id = store_int(r, 0);
	a->scoring_run_id = store_int(r, 1);
	a->year = (int)store_int(r, 2);
	snprintf(a->decision, sizeof a->decision, "%s", store_text(r, 3));
	snprintf(a->decision_date, sizeof a->decision_date, "%s", store_text(r, 4));
	snprintf(a->by, sizeof a->by, "%s", store_text(r, 5));
	snprintf(a->at, sizeof a->at, "%s", store_text(r, 6));
	return DTI_EOK;
}

dti_err store_approval_current(staging *st, int year, store_approval *out, bool *found, dti_diag *d)
{
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = store_first(st, d,
			 "SELECT approval_id, scoring_run_id, year, decision, decision_date, "
			 "approved_by, approved_at FROM official_result WHERE year = ?1",
			 take_approval, out, found, STORE_ARGS(STORE_INT(year)));
	if (rc || !*found)
		memset(out, 0, sizeof *out);
	*found = !rc && *found;
	return rc;
}

dti_err store_approval_put(staging *st, store_approval *a, dti_diag *d)
{
	int64_t old = 0;
	bool found = false;
	dti_err rc =
		store_int64(st, d, "SELECT id FROM approval WHERE year = ?1 AND ended_at IS NULL",
			    &old, NULL, STORE_ARGS(STORE_INT(a->year)));

	/* The current approval ends first: approval_current allows one. */
	if (!rc && old)
		rc = store_run(st, d, "UPDATE approval SET ended_at = ?2 WHERE id = ?1",
			       STORE_ARGS(STORE_INT(old), STORE_TEXT(a->at)));
	if (!rc)
		rc = store_int64(st, d,
				 "INSERT INTO approval(scoring_run_id, year, decision, "
				 "decision_date, by, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
				 "RETURNING id",
				 &a->id, &found,
				 STORE_ARGS(STORE_INT(a->scoring_run_id), STORE_INT(a->year),
					    STORE_TEXT(a->decision), STORE_TEXT(a->decision_date),
					    STORE_TEXT(a->by), STORE_TEXT(a->at)));
	if (!rc && !found)
		rc = diag_set(d, DTI_EDB, "%s: cannot store the approval", st->path);
	if (!rc && old)
		rc = store_run(st, d, "UPDATE approval SET superseded_by = ?2 WHERE id = ?1",
			       STORE_ARGS(STORE_INT(old), STORE_INT(a->id)));
	return rc;
}

typedef struct year_before {
	int64_t id;
	bool official;
} year_before;

static dti_err take_year_before(void *ctx, const store_row *r, dti_diag *d)
{
	year_before *y = ctx;

	(void)d;
	y->id = store_int(r, 0);
	y->official = store_int(r, 1) != 0;
	return DTI_EOK;
}

dti_err store_year_before(staging *st, int year, int64_t *id, bool *official, dti_diag *d)
{
	static const char sql[] =
		"SELECT coalesce(o.scoring_run_id, l.id), o.scoring_run_id IS NOT NULL "
		"FROM latest_scoring_run l LEFT JOIN official_result o ON o.year = l.year "
		"WHERE l.year < ?1 ORDER BY l.year DESC LIMIT 1";
	year_before y = {0, false};
	bool found = false;
	dti_err rc =
		store_first(st, d, sql, take_year_before, &y, &found, STORE_ARGS(STORE_INT(year)));

	*id = rc ? 0 : y.id;
	*official = !rc && y.official;
	return rc;
}

/* ---- the inputs a run reads ---- */

typedef struct input_read {
	store_input_fn fn;
	void *ctx;
} input_read;

static dti_err take_input(void *ctx, const store_row *r, dti_diag *d)
{
	const input_read *ir = ctx;
	store_input in;

	in.commune_code = store_text(r, 0);
	in.variable = store_text(r, 1);
	in.value = store_text_or_null(r, 2);
	in.num = store_is_null(r, 3) ? 0.0 : store_num(r, 3);
	in.state = store_text_or_null(r, 4);
	in.observation_ids = store_text_or_null(r, 5);
	return ir->fn(ir->ctx, &in, d);
}

dti_err store_current_inputs(staging *st, int year, bool sorted, store_input_fn fn, void *ctx,
			     dti_diag *d)
{
	static const char in_order[] = "SELECT commune_code, variable, value, num, state, "
				       "observation_ids FROM current_input WHERE year = ?1";
	static const char by_code[] = "SELECT commune_code, variable, value, num, state, "
				      "observation_ids FROM current_input WHERE year = ?1 "
				      "ORDER BY commune_code";
	input_read ir = {fn, ctx};

	return store_each(st, d, sorted ? by_code : in_order, take_input, &ir, NULL,
			  STORE_ARGS(STORE_INT(year)));
}

dti_err store_commune_current_inputs(staging *st, int year, const char *commune_code,
				     store_input_fn fn, void *ctx, dti_diag *d)
{
	static const char sql[] = "SELECT commune_code, variable, value, num, state, "
				  "observation_ids FROM current_input WHERE year = ?1 AND "
				  "commune_code = ?2";
	input_read ir = {fn, ctx};

	return store_each(st, d, sql, take_input, &ir, NULL,
			  STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code)));
}

dti_err store_current_inputs_of(staging *st, int year, const char *names_json, store_input_fn fn,
				void *ctx, dti_diag *d)
{
	/* Commune by commune, variable by variable, each row found by its key
	 * (year, commune, variable): a scan of the year testing each row's
	 * variable against the list costs twice as much nationally. */
	static const char sql[] = "SELECT c.commune_code, c.variable, c.value, c.num, c.state, "
				  "c.observation_ids FROM commune m CROSS JOIN json_each(?2) v "
				  "CROSS JOIN current_input c WHERE m.active = 1 AND c.year = ?1 "
				  "AND c.commune_code = m.code AND c.variable = v.value";
	input_read ir = {fn, ctx};

	return store_each(st, d, sql, take_input, &ir, NULL,
			  STORE_ARGS(STORE_INT(year), STORE_TEXT(names_json)));
}

/* ---- input sets ---- */

/* The inserts of a scoring run, one a commune, are OR FAIL: a failing
 * insert of one row undoes nothing of its own, so SQLite keeps no
 * statement journal for it, which it wrote to a temporary file for each
 * commune's insert (826 MB of pages for a national run); a failure rolls
 * the whole run back anyway. */

dti_err store_input_set_has(staging *st, const char *sha256, bool *found, dti_diag *d)
{
	int64_t one;

	return store_int64(st, d, "SELECT 1 FROM input_set WHERE sha256 = ?1", &one, found,
			   STORE_ARGS(STORE_TEXT(sha256)));
}

dti_err store_input_layout(staging *st, const char *variables, int64_t *id, dti_diag *d)
{
	bool found = false;
	dti_err rc = store_int64(st, d, "SELECT id FROM input_layout WHERE variables = ?1", id,
				 &found, STORE_ARGS(STORE_TEXT(variables)));

	if (!rc && !found)
		rc = store_int64(
			st, d,
			"INSERT OR FAIL INTO input_layout(variables) VALUES (?1) RETURNING id", id,
			&found, STORE_ARGS(STORE_TEXT(variables)));
	if (!rc && !found)
		rc = diag_set(d, DTI_EDB, "%s: cannot store an input layout", st->path);
	return rc;
}

dti_err store_input_set_put(staging *st, const char *sha256, const char *inputs, int64_t layout,
			    dti_diag *d)
{
	return store_run(
		st, d, "INSERT OR FAIL INTO input_set(sha256, inputs, layout) VALUES (?1, ?2, ?3)",
		STORE_ARGS(STORE_TEXT(sha256), STORE_TEXT(inputs), STORE_INT(layout)));
}

dti_err store_scoring_input_put(staging *st, int64_t run_id, const char *code, const char *sha256,
				dti_diag *d)
{
	return store_run(
		st, d,
		"INSERT OR FAIL INTO scoring_input(scoring_run_id, commune_code, input_set) "
		"VALUES (?1, ?2, ?3)",
		STORE_ARGS(STORE_INT(run_id), STORE_TEXT(code), STORE_TEXT(sha256)));
}

/* ---- scores ---- */

/* A commune's score rows are one score set, kept once for every run that
 * gave the same rows: score_set.rows holds them as one JSON array
 * (migration 18), [item, level, points, max_points, fraction, ratio or
 * null, flags] each, by item, and the score view shows them as rows.  One
 * row of text a commune costs SQLite far less than a B-tree row for each
 * score (they were a third of a national scoring run); the numbers are
 * written so that they read back as the same doubles. */

static bool known_level(const char *level)
{
	return strcmp(level, "indicator") == 0 || strcmp(level, "pillar") == 0 ||
	       strcmp(level, "total") == 0;
}

static int cmp_item(const void *a, const void *b)
{
	return strcmp((*(const store_score *const *)a)->item,
		      (*(const store_score *const *)b)->item);
}

/* One number of row r and the comma after it (checked finite by
 * set_check). */
static void put_number(strbuf *sb, double v)
{
	sb_append_roundtrip(sb, v);
	sb_appends(sb, ",");
}

/* by_item: the rows of a set (per of them) sorted by item; each item once,
 * each level one of the three and each number finite, as score_rows
 * required, else DTI_EINVALID naming the row. */
/* The order by item of a commune's rows.  The rows of every commune come
 * with the same items in the same order (the scorer's), so the order found
 * for the last commune is tried first: a comparison a row, not a sort. */
typedef struct item_order {
	size_t *perm; /* [per]: the row at each place by item */
	strbuf items; /* the last commune's items, in its rows' order, each NUL-ended */
	bool known;
} item_order;

static void order_rows(const store_score *rows, size_t per, const store_score **by_item,
		       item_order *o)
{
	if (o->known) {
		const char *it = o->items.data;
		size_t k = 0;
		while (k < per && strcmp(it, rows[k].item) == 0)
			it += strlen(rows[k++].item) + 1;
		if (k == per) {
			for (size_t j = 0; j < per; j++)
				by_item[j] = &rows[o->perm[j]];
			return;
		}
	}
	for (size_t k = 0; k < per; k++)
		by_item[k] = &rows[k];
	qsort(by_item, per, sizeof *by_item, cmp_item);
	if (!o->perm)
		o->perm = xcalloc(per ? per : 1, sizeof *o->perm);
	sb_reset(&o->items);
	for (size_t k = 0; k < per; k++) {
		o->perm[k] = (size_t)(by_item[k] - rows);
		sb_append(&o->items, rows[k].item, strlen(rows[k].item) + 1);
	}
	o->known = true;
}

static dti_err set_check(const store_score *rows, size_t per, const store_score **by_item,
			 item_order *o, dti_diag *d)
{
	order_rows(rows, per, by_item, o);
	for (size_t k = 0; k < per; k++) {
		const store_score *r = by_item[k];
		if (!known_level(r->level))
			return diag_set(d, DTI_EINVALID, "score %s of commune %s has level '%s'",
					r->item, r->commune_code, r->level);
		if (k && strcmp(by_item[k - 1]->item, r->item) == 0)
			return diag_set(d, DTI_EINVALID, "score %s of commune %s given twice",
					r->item, r->commune_code);
		if (!isfinite(r->points) || !isfinite(r->max_points) || !isfinite(r->fraction) ||
		    isinf(r->ratio))
			return diag_set(d, DTI_EINVALID,
					"score %s of commune %s is not a finite number", r->item,
					r->commune_code);
	}
	return DTI_EOK;
}

static void hash_text(sha256_ctx *c, const char *s)
{
	sha256_update(c, s, strlen(s) + 1);
}

static void hash_num(sha256_ctx *c, double v)
{
	unsigned char none = 0xff;

	if (isnan(v))
		sha256_update(c, &none, 1); /* NULL: a byte no double is */
	else
		sha256_update(c, &v, sizeof v);
}

/* The digest of a set's rows by item, numbers bit for bit: what finds a
 * set already stored without writing its text (a rerun's sets all are). */
static void set_digest(const store_score **by_item, size_t per, char out[65])
{
	static const char tag[] = "dti score set 2\x1e";
	sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, tag, sizeof tag - 1);
	for (size_t k = 0; k < per; k++) {
		const store_score *r = by_item[k];
		hash_text(&c, r->item);
		hash_text(&c, r->level);
		hash_num(&c, r->points);
		hash_num(&c, r->max_points);
		hash_num(&c, r->fraction);
		hash_num(&c, r->ratio);
		hash_text(&c, r->flags);
	}
	sha256_final_hex(&c, out);
}

/* The text of the set by_item (per rows, checked) into sb. */
static void set_text(strbuf *sb, const store_score **by_item, size_t per)
{
	sb_reset(sb);
	sb_appends(sb, "[");
	for (size_t k = 0; k < per; k++) {
		const store_score *r = by_item[k];
		sb_appends(sb, k ? ",[" : "[");
		sb_json_string(sb, r->item);
		sb_appends(sb, ",");
		sb_json_string(sb, r->level);
		sb_appends(sb, ",");
		put_number(sb, r->points);
		put_number(sb, r->max_points);
		put_number(sb, r->fraction);
		if (isnan(r->ratio))
			sb_appends(sb, "null,");
		else
			put_number(sb, r->ratio);
		sb_json_string(sb, r->flags);
		sb_appends(sb, "]");
	}
	sb_appends(sb, "]");
}

/* Storing scores runs on two cores: a thread fills each commune's rows,
 * checks them and writes their digest and text (set_slot), the calling
 * thread finds or stores the set and names it for the commune. */
typedef struct set_slot {
	store_score *rows;
	const store_score **by_item;
	char sha[65];
	bool stored; /* an earlier run stored the set: no text written */
	strbuf text, code;
	int64_t rank;
} set_slot;

typedef struct set_fill {
	size_t n_communes, per;
	store_score_fill_fn fill;
	void *ctx;
	staging *st;
	staging *known; /* the filling thread's connection, or NULL */
	int64_t run_id;
	item_order order; /* the filling thread's */
} set_fill;

static void set_slot_free(void *slot)
{
	set_slot *s = slot;

	free(s->rows);
	free(s->by_item);
	sb_free(&s->text);
	sb_free(&s->code);
}

static int64_t rank_of(const store_score *rows, size_t per)
{
	for (size_t k = 0; k < per; k++)
		if (rows[k].rank)
			return rows[k].rank;
	return 0;
}

/* Whether an earlier run stored the set of digest sha, asked on the
 * filling thread's own connection (only when there are sets at all: a
 * first run is not slowed by asking for each). */
static dti_err stored_before(const set_fill *f, bool any, const char *sha, bool *found, dti_diag *d)
{
	int64_t one = 0;

	*found = false;
	if (!f->known || !any)
		return DTI_EOK;
	return store_int64(f->known, d, "SELECT 1 FROM score_set WHERE sha256 = ?1", &one, found,
			   STORE_ARGS(STORE_TEXT(sha)));
}

/* Commune after commune, in the caller's order (code order keeps the
 * B-trees growing at their end).  A set's text is written unless an
 * earlier run stored it (any: there are sets at all). */
static dti_err fill_each_set(set_fill *f, bool any, handoff *h, dti_diag *d)
{
	size_t per = f->per ? f->per : 1;

	for (size_t c = 0; c < f->n_communes; c++) {
		set_slot *s = handoff_slot(h);
		dti_err rc;
		if (!s)
			return diag_set(d, DTI_EDB, "storing stopped");
		if (!s->rows) {
			s->rows = xcalloc(per, sizeof *s->rows);
			s->by_item = xcalloc(per, sizeof *s->by_item);
		}
		f->fill(f->ctx, c, s->rows);
		rc = set_check(s->rows, f->per, s->by_item, &f->order, d);
		if (rc)
			return rc;
		set_digest(s->by_item, f->per, s->sha);
		rc = stored_before(f, any, s->sha, &s->stored, d);
		if (rc)
			return rc;
		if (!s->stored)
			set_text(&s->text, s->by_item, f->per);
		sb_reset(&s->code);
		sb_appends(&s->code, s->rows[0].commune_code);
		s->rank = rank_of(s->rows, f->per);
		handoff_send(h);
	}
	return DTI_EOK;
}

/* The filling thread: every commune's set, the lookups of stored ones in
 * one read transaction of its connection (SQLite locks and checks the file
 * once, not for each). */
static dti_err fill_sets(void *ctx, handoff *h, dti_diag *d)
{
	set_fill *f = ctx;
	bool began = false;
	dti_err rc = DTI_EOK;
	int64_t one = 0;

	if (f->known)
		rc = staging_begin_read(f->known, &began, d);
	if (!rc && f->known)
		rc = store_int64(f->known, d, "SELECT EXISTS (SELECT 1 FROM score_set)", &one, NULL,
				 STORE_NOARGS);
	if (!rc)
		rc = fill_each_set(f, one != 0, h, d);
	if (began)
		staging_rollback(f->known);
	return rc;
}

/* The storing thread: the set found by its digest, or stored; then the
 * commune's result naming it. */
static dti_err store_set(void *ctx, void *slot, dti_diag *d)
{
	const set_fill *f = ctx;
	const set_slot *s = slot;
	staging *st = f->st;
	int64_t set = 0;
	bool found = false;
	dti_err rc = store_int64(st, d, "SELECT id FROM score_set WHERE sha256 = ?1", &set, &found,
				 STORE_ARGS(STORE_TEXT(s->sha)));

	/* A set the filling thread saw stored is seen here too: no writer can
	 * have removed it while this run holds the write lock. */
	if (!rc && !found && s->stored)
		rc = diag_set(d, DTI_EDB, "%s: score set %s vanished during the run", st->path,
			      s->sha);
	if (!rc && !found) {
		rc = store_int64(
			st, d,
			"INSERT OR FAIL INTO score_set(sha256, rows) VALUES (?1, ?2) RETURNING id",
			&set, &found, STORE_ARGS(STORE_TEXT(s->sha), STORE_TEXT(s->text.data)));
		if (!rc && !found)
			rc = diag_set(d, DTI_EDB, "%s: cannot store a score set", st->path);
	}
	if (!rc)
		rc = store_run(st, d,
			       "INSERT OR FAIL INTO score_result(scoring_run_id, commune_code, "
			       "score_set, rank) VALUES (?1, ?2, ?3, ?4)",
			       STORE_ARGS(STORE_INT(f->run_id), STORE_TEXT(s->code.data),
					  STORE_INT(set),
					  s->rank ? STORE_INT(s->rank) : STORE_NULL));
	return rc;
}

dti_err store_scores_put(staging *st, staging *known, int64_t run_id, size_t n_communes, size_t per,
			 store_score_fill_fn fill, void *ctx, dti_diag *d)
{
	set_fill f = {n_communes, per, fill, ctx, st, known, run_id, {NULL, {0}, false}};
	dti_err rc;

	sb_init(&f.order.items, 0);
	rc = handoff_run(64, sizeof(set_slot), fill_sets, &f, store_set, &f, set_slot_free, d);
	free(f.order.perm);
	sb_free(&f.order.items);
	return rc;
}

/* One row of a set being read: its numbers, and where its strings start
 * in the set's string buffer (pointers are made once the buffer is whole). */
typedef struct set_row {
	store_score s;
	size_t item, level, flags;
} set_row;

/* Score sets being read back: the rows of the current one and the text of
 * their strings. */
typedef struct set_read {
	store_score_fn fn;
	void *ctx;
	const char *item, *level; /* only the rows of this item / level; NULL: all */
	set_row *rows;
	size_t n, cap;
	strbuf strings, token;
} set_read;

static bool scan_text(json_scan *c, set_read *sr, size_t *at)
{
	bool is_null;

	if (!json_scan_string(c, &sr->token, &is_null) || is_null)
		return false;
	*at = sr->strings.len;
	return !sb_append(&sr->strings, sr->token.data, sr->token.len + 1);
}

static bool scan_number(json_scan *c, double *v, bool may_be_null)
{
	return json_scan_char(c, ',') && json_scan_number(c, v) && (may_be_null || !isnan(*v));
}

/* The rows of set text `text` into sr->rows; false when it is not a set
 * as set_text (or migration 18) writes it. */
static bool scan_set(set_read *sr, const char *text)
{
	json_scan c = {text};
	bool ok = json_scan_char(&c, '[');

	sr->n = 0;
	sb_reset(&sr->strings);
	while (ok && !json_scan_char(&c, ']')) {
		set_row *r;
		if (sr->n && !json_scan_char(&c, ','))
			return false;
		if (sr->n == sr->cap) {
			sr->cap = sr->cap ? sr->cap * 2 : 64;
			sr->rows = xrealloc(sr->rows, sr->cap * sizeof *sr->rows);
		}
		r = &sr->rows[sr->n++];
		memset(r, 0, sizeof *r);
		ok = json_scan_char(&c, '[') && scan_text(&c, sr, &r->item) &&
		     json_scan_char(&c, ',') && scan_text(&c, sr, &r->level) &&
		     scan_number(&c, &r->s.points, false) &&
		     scan_number(&c, &r->s.max_points, false) &&
		     scan_number(&c, &r->s.fraction, false) && scan_number(&c, &r->s.ratio, true) &&
		     json_scan_char(&c, ',') && scan_text(&c, sr, &r->flags) &&
		     json_scan_char(&c, ']');
	}
	return ok && *c.p == '\0';
}

static int cmp_set_row(const void *a, const void *b)
{
	return strcmp(((const set_row *)a)->s.item, ((const set_row *)b)->s.item);
}

/* One commune's set (code, name, rank, rows, set id) to sr->fn, row by
 * row in item order (a set written by migration 18 may hold them in
 * another). */
static dti_err take_set(void *ctx, const store_row *r, dti_diag *d)
{
	set_read *sr = ctx;
	int64_t rank = store_int(r, 2);
	bool sorted = true;
	dti_err rc = DTI_EOK;

	if (!scan_set(sr, store_text(r, 3)))
		return diag_set(d, DTI_EDB,
				"score set %lld (score_set.rows) is not as dti stores it",
				(long long)store_int(r, 4));
	for (size_t k = 0; k < sr->n; k++) {
		store_score *s = &sr->rows[k].s;
		s->commune_code = store_text(r, 0);
		s->commune_name = store_text_or_null(r, 1);
		s->item = sr->strings.data + sr->rows[k].item;
		s->level = sr->strings.data + sr->rows[k].level;
		s->flags = sr->strings.data + sr->rows[k].flags;
		s->rank = strcmp(s->level, "total") == 0 ? rank : 0;
		if (k && strcmp(sr->rows[k - 1].s.item, s->item) > 0)
			sorted = false;
	}
	if (!sorted)
		qsort(sr->rows, sr->n, sizeof *sr->rows, cmp_set_row);
	for (size_t k = 0; !rc && k < sr->n; k++) {
		const store_score *s = &sr->rows[k].s;
		if ((!sr->item || strcmp(s->item, sr->item) == 0) &&
		    (!sr->level || strcmp(s->level, sr->level) == 0))
			rc = sr->fn(sr->ctx, s, d);
	}
	return rc;
}

dti_err store_score_sets_each(staging *st, const char *sql, const store_arg *args, size_t n,
			      const char *item, const char *level, store_score_fn fn, void *ctx,
			      dti_diag *d)
{
	set_read sr = {fn, ctx, item, level, NULL, 0, 0, {0}, {0}};
	dti_err rc;

	sb_init(&sr.strings, 0);
	sb_init(&sr.token, 0);
	rc = store_each(st, d, sql, take_set, &sr, NULL, args, n);
	free(sr.rows);
	sb_free(&sr.strings);
	sb_free(&sr.token);
	return rc;
}

dti_err store_scores_each(staging *st, int64_t run_id, store_score_fn fn, void *ctx, dti_diag *d)
{
	return store_score_sets_each(
		st,
		"SELECT r.commune_code, coalesce(c.name, r.commune_code), r.rank, s.rows, s.id "
		"FROM score_result r JOIN score_set s ON s.id = r.score_set "
		"LEFT JOIN commune c ON c.code = r.commune_code WHERE r.scoring_run_id = ?1 "
		"ORDER BY r.rank, r.commune_code",
		STORE_ARGS(STORE_INT(run_id)), NULL, NULL, fn, ctx, d);
}

/* ---- a run's inputs read back ---- */

dti_err store_score_input_row(void *ctx, const store_row *r, dti_diag *d)
{
	const store_score_input_reader *sr = ctx;
	store_score_input in;

	in.commune_code = store_text(r, 0);
	in.variable = store_text(r, 1);
	in.value = store_text_or_null(r, 2);
	in.num = store_num(r, 3);
	in.state = store_text_or_null(r, 4);
	return sr->fn(sr->ctx, &in, d);
}

dti_err store_score_inputs_each(staging *st, int64_t run_id, store_score_input_fn fn, void *ctx,
				dti_diag *d)
{
	store_score_input_reader sr = {fn, ctx};

	return store_each(st, d,
			  "SELECT commune_code, variable, value, num, state FROM score_input "
			  "WHERE scoring_run_id = ?1",
			  store_score_input_row, &sr, NULL, STORE_ARGS(STORE_INT(run_id)));
}

dti_err store_observation_row(void *ctx, const store_row *r, dti_diag *d)
{
	const store_observation_reader *orr = ctx;
	store_input_observation o;

	o.commune_code = store_text(r, 0);
	o.variable = store_text(r, 1);
	o.id = store_int(r, 2);
	o.value = store_text_or_null(r, 3);
	o.state = store_text_or_null(r, 4);
	o.source = store_text_or_null(r, 5);
	o.source_kind = store_text_or_null(r, 6);
	o.observed_at = store_text_or_null(r, 7);
	o.input = store_text_or_null(r, 8);
	o.proof_url = store_text_or_null(r, 9);
	o.note = store_text_or_null(r, 10);
	o.appraised_by = store_text_or_null(r, 11);
	o.appraisal_reason = store_text_or_null(r, 12);
	return orr->fn(orr->ctx, &o, d);
}

dti_err store_input_observations_each(staging *st, int64_t run_id, store_input_observation_fn fn,
				      void *ctx, dti_diag *d)
{
	static const char sql[] = STORE_INPUT_OBSERVATIONS_SQL("i.scoring_run_id = ?1");
	store_observation_reader orr = {fn, ctx};

	return store_each(st, d, sql, store_observation_row, &orr, NULL,
			  STORE_ARGS(STORE_INT(run_id)));
}
