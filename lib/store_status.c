/* store_status.c — source freshness, runs, the year's scoring run and the
 * nightly run's record (see store_status.h). */
#include "store_status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "staging_int.h"
#include "store.h"

/* ---- source freshness ------------------------------------------------ */

static dti_err take_freshness(void *ctx, const store_row *r, dti_diag *d)
{
	store_freshness *f = ctx;

	(void)d;
	f->last_run = store_text_dup(r, 0);
	f->last_status = store_text_dup(r, 1);
	f->last_success = store_text_dup(r, 2);
	f->age_hours = store_num(r, 3);
	f->max_age_hours = store_num(r, 4);
	f->last_error = store_text_dup(r, 5);
	f->last_warning = store_text_dup(r, 6);
	return DTI_EOK;
}

dti_err store_source_freshness(staging *st, const char *name, store_freshness *out, bool *found,
			       dti_diag *d)
{
	static const char sql[] =
		"SELECT (SELECT coalesce(r.finished_at, r.started_at) FROM run r WHERE r.source_id = f.source_id "
		"          AND r.status <> 'dry_run' ORDER BY r.id DESC LIMIT 1), "
		"       f.last_status, f.last_success, "
		"       (julianday('now') - julianday(f.last_success)) * 24, f.max_age_hours, f.last_error, "
		"       f.last_warning "
		"FROM source_freshness f WHERE f.source = ?1 LIMIT 1";

	memset(out, 0, sizeof *out);
	out->age_hours = out->max_age_hours = NAN;
	return store_first(st, d, sql, take_freshness, out, found, STORE_ARGS(STORE_TEXT(name)));
}

void store_freshness_free(store_freshness *f)
{
	if (!f)
		return;
	free(f->last_run);
	free(f->last_status);
	free(f->last_success);
	free(f->last_error);
	free(f->last_warning);
	memset(f, 0, sizeof *f);
}

static dti_err take_name(void *ctx, const store_row *r, dti_diag *d)
{
	store_source_names *l = ctx;

	(void)d;
	l->names = store_grow(l->names, l->n, sizeof *l->names);
	l->kinds = store_grow(l->kinds, l->n, sizeof *l->kinds);
	l->names[l->n] = xstrdup(store_text(r, 0));
	l->kinds[l->n] = xstrdup(store_text(r, 1));
	l->n++;
	return DTI_EOK;
}

dti_err store_source_names_list(staging *st, store_source_names *out, dti_diag *d)
{
	memset(out, 0, sizeof *out);
	return store_each(st, d, "SELECT name, kind FROM source ORDER BY name", take_name, out,
			  NULL, STORE_NOARGS);
}

void store_source_names_free(store_source_names *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		free(l->names[i]);
		free(l->kinds[i]);
	}
	if (l) {
		free(l->names);
		free(l->kinds);
		memset(l, 0, sizeof *l);
	}
}

/* A row of source_status: listed, or a form without a problem counted. */
static dti_err take_state(void *ctx, const store_row *r, dti_diag *d)
{
	store_source_states *l = ctx;
	store_source_state *s;
	const char *last = store_text_or_null(r, 3);

	(void)d;
	if (strcmp(store_text(r, 1), "form") == 0 && store_int(r, 7) == 0) {
		l->n_forms++;
		l->n_year += store_int(r, 8) != 0;
		/* ISO times of one shape: the later sorts last. */
		if (last && (!l->forms_last || strcmp(last, l->forms_last) > 0)) {
			free(l->forms_last);
			l->forms_last = xstrdup(last);
		}
		return DTI_EOK;
	}
	s = STORE_PUSH(l);
	s->source = store_text_dup(r, 0);
	s->kind = store_text_dup(r, 1);
	s->max_age_hours = store_num(r, 2);
	s->last_success = last ? xstrdup(last) : NULL;
	s->age_hours = store_num(r, 4);
	s->last_status = store_text_dup(r, 5);
	s->last_error = store_text_dup(r, 6);
	s->stale = store_int(r, 7) != 0;
	return DTI_EOK;
}

dti_err store_source_states_list(staging *st, int year, store_source_states *out, dti_diag *d)
{
	/* One statement: a form is either listed or counted. */
	static const char sql[] =
		"SELECT source, kind, max_age_hours, last_success, age_hours, last_status, last_error, "
		"state <> 'ok', source_id IN (SELECT source_id FROM run WHERE year = ?1 AND "
		"status IN ('ok', 'unchanged')) FROM source_status ORDER BY source";
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = store_each(st, d, sql, take_state, out, NULL, STORE_ARGS(STORE_INT(year)));
	if (rc)
		diag_set(d, DTI_EDB, "cannot read source_status: %s", sqlite3_errmsg(st->db));
	return rc;
}

void store_source_states_free(store_source_states *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		store_source_state *s = &l->items[i];
		free(s->source);
		free(s->kind);
		free(s->last_success);
		free(s->last_status);
		free(s->last_error);
	}
	if (l) {
		free(l->items);
		free(l->forms_last);
		memset(l, 0, sizeof *l);
	}
}

/* ---- collector runs -------------------------------------------------- */

static dti_err take_run(void *ctx, const store_row *r, dti_diag *d)
{
	store_run_rows *l = ctx;
	store_run_row *x = STORE_PUSH(l);

	(void)d;
	x->id = store_int(r, 0);
	x->source = xstrdup(store_text(r, 1));
	x->program = xstrdup(store_text(r, 2));
	x->status = xstrdup(store_text(r, 3));
	x->started_at = xstrdup(store_text(r, 4));
	x->finished_at = xstrdup(store_text(r, 5));
	x->read = store_int(r, 6);
	x->stored = store_int(r, 7);
	x->skipped = store_int(r, 8);
	x->rejected = store_int(r, 9);
	x->input = xstrdup(store_text(r, 10));
	x->error = xstrdup(store_text(r, 11));
	x->old_codes = xstrdup(store_text(r, 12));
	return DTI_EOK;
}

dti_err store_runs_latest(staging *st, int64_t limit, store_run_rows *out, dti_diag *d)
{
	static const char sql[] =
		"SELECT r.id, coalesce(s.name, ''), r.program, r.status, r.started_at, "
		"coalesce(r.finished_at, ''), r.records_read, r.records_stored, "
		"r.records_skipped, r.records_rejected, coalesce(r.input, ''), "
		"coalesce(replace(r.error, char(10), ' | '), ''), coalesce(r.old_codes, '') "
		"FROM run r LEFT JOIN source s ON s.id = r.source_id ORDER BY r.id DESC LIMIT ?1";

	memset(out, 0, sizeof *out);
	return store_each(st, d, sql, take_run, out, NULL, STORE_ARGS(STORE_INT(limit)));
}

void store_run_rows_free(store_run_rows *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		store_run_row *x = &l->items[i];
		free(x->source);
		free(x->program);
		free(x->status);
		free(x->started_at);
		free(x->finished_at);
		free(x->input);
		free(x->error);
		free(x->old_codes);
	}
	if (l) {
		free(l->items);
		memset(l, 0, sizeof *l);
	}
}

/* ---- scoring --------------------------------------------------------- */

static dti_err take_missing(void *ctx, const store_row *r, dti_diag *d)
{
	int64_t *n = ctx;

	(void)d;
	n[0] = store_int(r, 0);
	n[1] = store_int(r, 1);
	return DTI_EOK;
}

dti_err store_scoring_missing(staging *st, int64_t id, int64_t *missing, int64_t *total,
			      dti_diag *d)
{
	/* As the run counted them; a run scored before migration 22 has none
	 * kept, and its inputs are counted through score_input. */
	static const char kept[] = "SELECT inputs, inputs_missing FROM scoring_run WHERE id = ?1 "
				   "AND inputs IS NOT NULL AND inputs_missing IS NOT NULL";
	static const char sql[] =
		"SELECT count(*), coalesce(sum(state IN ('missing', 'rejected', 'unverified')), 0) "
		"FROM score_input WHERE scoring_run_id = ?1";
	int64_t n[2] = {0, 0};
	size_t rows = 0;
	dti_err rc = store_each(st, d, kept, take_missing, n, &rows, STORE_ARGS(STORE_INT(id)));

	if (!rc && rows == 0)
		rc = store_each(st, d, sql, take_missing, n, NULL, STORE_ARGS(STORE_INT(id)));

	*total = n[0];
	*missing = n[1];
	return rc;
}

/* ---- the nightly run's record ---------------------------------------- */

static dti_err take_nightly(void *ctx, const store_row *r, dti_diag *d)
{
	store_nightly *n = ctx;

	(void)d;
	n->id = store_int(r, 0);
	n->status = xstrdup(store_text(r, 1));
	n->exit_code = store_int(r, 2);
	n->started_at = xstrdup(store_text(r, 3));
	n->finished_at = xstrdup(store_text(r, 4));
	n->sources_ok = store_int(r, 5);
	n->sources_failed = store_int(r, 6);
	n->failed_sources = xstrdup(store_text(r, 7));
	n->only_source = xstrdup(store_text(r, 8));
	return DTI_EOK;
}

dti_err store_nightly_latest(staging *st, int year, store_nightly *out, bool *found, dti_diag *d)
{
	static const char sql[] =
		"SELECT id, status, coalesce(exit_code, -1), started_at, coalesce(finished_at, ''), "
		"sources_ok, sources_failed, coalesce(failed_sources, ''), coalesce(only_source, '') "
		"FROM nightly_run WHERE year = ?1 ORDER BY id DESC LIMIT 1";

	memset(out, 0, sizeof *out);
	return store_first(st, d, sql, take_nightly, out, found, STORE_ARGS(STORE_INT(year)));
}

void store_nightly_free(store_nightly *n)
{
	if (!n)
		return;
	free(n->status);
	free(n->started_at);
	free(n->finished_at);
	free(n->failed_sources);
	free(n->only_source);
	memset(n, 0, sizeof *n);
}

static dti_err take_published(void *ctx, const store_row *r, dti_diag *d)
{
	store_published *p = ctx;

	(void)d;
	p->nightly_id = store_int(r, 0);
	p->published_at = xstrdup(store_text(r, 1));
	p->program = xstrdup(store_text(r, 2));
	p->scoring_run_id = store_int(r, 3);
	p->backup_file = xstrdup(store_text(r, 4));
	return DTI_EOK;
}

dti_err store_nightly_published(staging *st, int year, store_published *out, bool *found,
				dti_diag *d)
{
	static const char sql[] =
		"SELECT id, published_at, coalesce(publish_program, ''), coalesce(scoring_run_id, 0), "
		"coalesce(backup_file, '') FROM nightly_run WHERE year = ?1 AND published_at IS NOT NULL "
		"ORDER BY id DESC LIMIT 1";

	memset(out, 0, sizeof *out);
	return store_first(st, d, sql, take_published, out, found, STORE_ARGS(STORE_INT(year)));
}

void store_published_free(store_published *p)
{
	if (!p)
		return;
	free(p->published_at);
	free(p->program);
	free(p->backup_file);
	memset(p, 0, sizeof *p);
}

dti_err store_nightly_open(staging *st, int year, const char *only, const char *now, int64_t *id,
			   dti_diag *d)
{
	bool found = false;
	dti_err rc = store_run(
		st, d, "UPDATE nightly_run SET status = 'interrupted' WHERE status = 'running'",
		STORE_NOARGS);

	if (rc)
		return diag_set(d, DTI_EDB, "%s: %s", st->path, sqlite3_errmsg(st->db));
	rc = store_int64(st, d,
			 "INSERT INTO nightly_run(year, only_source, started_at, status) "
			 "VALUES (?1, ?2, ?3, 'running') RETURNING id",
			 id, &found,
			 STORE_ARGS(STORE_INT(year), STORE_TEXT(only), STORE_TEXT(now)));
	if (rc || !found)
		return diag_set(d, DTI_EDB, "%s: cannot record the nightly run: %s", st->path,
				sqlite3_errmsg(st->db));
	return DTI_EOK;
}

/* s, or NULL when s is empty. */
static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

dti_err store_nightly_close(staging *st, const store_nightly_end *e, const char *now, dti_diag *d)
{
	static const char sql[] =
		"UPDATE nightly_run SET finished_at = ?2, status = ?3, exit_code = ?4, sources_ok = ?5, "
		"sources_failed = ?6, failed_sources = ?7, "
		"scoring_run_id = (SELECT id FROM latest_scoring_run WHERE year = nightly_run.year), "
		"published_at = CASE WHEN ?8 IS NOT NULL THEN ?2 END, publish_program = ?8, backup_file = ?9, "
		"summary = ?10 WHERE id = ?1";
	dti_err rc = store_run(
		st, d, sql,
		STORE_ARGS(STORE_INT(e->id), STORE_TEXT(now), STORE_TEXT(e->status),
			   STORE_INT(e->exit_code), STORE_INT(e->ok), STORE_INT(e->failed),
			   STORE_TEXT(or_null(e->failed_sources)),
			   STORE_TEXT(or_null(e->published)), STORE_TEXT(or_null(e->backup)),
			   STORE_TEXT(or_null(e->summary))));

	if (rc)
		return diag_set(d, DTI_EDB, "%s: cannot record the nightly run: %s", st->path,
				sqlite3_errmsg(st->db));
	if (store_changes(st) != 1)
		return diag_set(d, DTI_ENOTFOUND, "no nightly run %lld", (long long)e->id);
	return DTI_EOK;
}
