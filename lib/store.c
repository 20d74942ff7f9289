/* store.c — bind, step, read: the helper every store function uses (see
 * store.h), with the per-connection statement cache. */
#include "store.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "staging_int.h"

struct store_row {
	sqlite3_stmt *stmt;
};

dti_err store_db_error(staging *st, dti_diag *d, const char *what)
{
	return diag_set(d, DTI_EDB, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

dti_err store_db_failed(staging *st, dti_diag *d, const char *what)
{
	return diag_set(d, DTI_EDB, "%s: %s", what, sqlite3_errmsg(st->db));
}

void store_cache_free(staging *st)
{
	for (size_t i = 0; i < st->n_cache; i++)
		sqlite3_finalize(st->cache[i].stmt);
	free(st->cache);
	st->cache = NULL;
	st->n_cache = st->cap_cache = 0;
}

/* No slot of the cache: a statement prepared for one use. */
#define NO_SLOT SIZE_MAX

/* A statement for sql, from the cache or newly prepared.  *slot is its
 * index in the cache, or NO_SLOT, and release() finalises it, when the
 * cached one is in use by an outer query.  An index, not a pointer: a
 * query run inside an outer one's callback may grow the cache, and move
 * it, while the outer one holds its slot. */
static dti_err acquire(staging *st, const char *sql, sqlite3_stmt **out, size_t *slot, dti_diag *d)
{
	size_t e = NO_SLOT;

	*out = NULL;
	*slot = NO_SLOT;
	for (size_t i = 0; i < st->n_cache && e == NO_SLOT; i++)
		if (st->cache[i].sql == sql || strcmp(st->cache[i].sql, sql) == 0)
			e = i;
	if (e != NO_SLOT && !st->cache[e].busy) {
		st->cache[e].busy = true;
		*out = st->cache[e].stmt;
		*slot = e;
		return DTI_EOK;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, e != NO_SLOT ? 0 : SQLITE_PREPARE_PERSISTENT, out,
			       NULL) != SQLITE_OK)
		return store_db_error(st, d, "cannot prepare statement");
	if (e != NO_SLOT)
		return DTI_EOK; /* nested use: the caller's own, finalised after */
	if (st->n_cache == st->cap_cache) {
		st->cap_cache = st->cap_cache ? 2 * st->cap_cache : 32;
		st->cache = xrealloc(st->cache, st->cap_cache * sizeof *st->cache);
	}
	e = st->n_cache++;
	st->cache[e].sql = sql;
	st->cache[e].stmt = *out;
	st->cache[e].busy = true;
	*slot = e;
	return DTI_EOK;
}

static void release(staging *st, sqlite3_stmt *s, size_t slot)
{
	if (!s)
		return;
	if (slot == NO_SLOT) {
		sqlite3_finalize(s);
		return;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	st->cache[slot].busy = false;
}

static dti_err bind_all(staging *st, sqlite3_stmt *s, const store_arg *a, size_t n, dti_diag *d)
{
	for (size_t i = 0; i < n; i++) {
		int col = (int)i + 1, r;
		switch (a[i].type) {
		case STORE_T_INT: r = sqlite3_bind_int64(s, col, a[i].v.i); break;
		case STORE_T_NUM:
			r = isnan(a[i].v.n) ? sqlite3_bind_null(s, col)
					    : sqlite3_bind_double(s, col, a[i].v.n);
			break;
		case STORE_T_TEXT:
			r = a[i].v.t ? sqlite3_bind_text(s, col, a[i].v.t, -1, SQLITE_STATIC)
				     : sqlite3_bind_null(s, col);
			break;
		default: r = sqlite3_bind_null(s, col); break;
		}
		if (r != SQLITE_OK)
			return store_db_error(st, d, "cannot bind a parameter");
	}
	return DTI_EOK;
}

dti_err store_each(staging *st, dti_diag *d, const char *sql, store_row_fn fn, void *ctx,
		   size_t *rows, const store_arg *args, size_t n)
{
	sqlite3_stmt *s = NULL;
	size_t slot = NO_SLOT;
	store_row row;
	size_t count = 0;
	dti_err rc = acquire(st, sql, &s, &slot, d);
	int step = SQLITE_DONE;

	if (!rc)
		rc = bind_all(st, s, args, n, d);
	row.stmt = s;
	while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
		count++;
		if (fn)
			rc = fn(ctx, &row, d);
	}
	if (!rc && step != SQLITE_DONE)
		rc = store_db_error(st, d, "cannot run query");
	release(st, s, slot);
	if (rows)
		*rows = count;
	return rc;
}

dti_err store_run(staging *st, dti_diag *d, const char *sql, const store_arg *args, size_t n)
{
	return store_each(st, d, sql, NULL, NULL, NULL, args, n);
}

typedef struct first_row {
	store_row_fn fn;
	void *ctx;
	bool found;
} first_row;

static dti_err take_first(void *ctx, const store_row *r, dti_diag *d)
{
	first_row *f = ctx;

	if (f->found)
		return DTI_EOK;
	f->found = true;
	return f->fn(f->ctx, r, d);
}

dti_err store_first(staging *st, dti_diag *d, const char *sql, store_row_fn fn, void *ctx,
		    bool *found, const store_arg *args, size_t n)
{
	first_row f = {fn, ctx, false};
	dti_err rc = store_each(st, d, sql, take_first, &f, NULL, args, n);

	*found = !rc && f.found;
	return rc;
}

/* The first column of the first row, read as asked. */
typedef struct first_value {
	bool as_num;
	int64_t i;
	double num;
	bool found;
} first_value;

static dti_err take_value(void *ctx, const store_row *r, dti_diag *d)
{
	first_value *f = ctx;

	(void)d;
	if (!f->found) {
		if (f->as_num)
			f->num = store_num(r, 0);
		else
			f->i = store_int(r, 0);
		f->found = true;
	}
	return DTI_EOK;
}

/* Runs sql for its first value into f; *found (may be NULL) as documented. */
static dti_err first_value_of(staging *st, dti_diag *d, const char *sql, const store_arg *args,
			      size_t n, first_value *f, bool *found)
{
	dti_err rc = store_each(st, d, sql, take_value, f, NULL, args, n);

	if (found)
		*found = f->found;
	return rc;
}

dti_err store_int64(staging *st, dti_diag *d, const char *sql, int64_t *out, bool *found,
		    const store_arg *args, size_t n)
{
	first_value f = {false, 0, NAN, false};
	dti_err rc = first_value_of(st, d, sql, args, n, &f, found);

	*out = f.i;
	return rc;
}

dti_err store_double(staging *st, dti_diag *d, const char *sql, double *out, bool *found,
		     const store_arg *args, size_t n)
{
	first_value f = {true, 0, NAN, false};
	dti_err rc = first_value_of(st, d, sql, args, n, &f, found);

	*out = f.num;
	return rc;
}

static dti_err take_text(void *ctx, const store_row *r, dti_diag *d)
{
	char **out = ctx;

	(void)d;
	if (!*out)
		*out = store_text_dup(r, 0);
	return DTI_EOK;
}

dti_err store_text1(staging *st, dti_diag *d, const char *sql, char **out, const store_arg *args,
		    size_t n)
{
	dti_err rc;

	*out = NULL;
	rc = store_each(st, d, sql, take_text, out, NULL, args, n);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

void *store_grow(void *items, size_t n, size_t size)
{
	char *p = xrealloc(items, (n + 1) * size);

	memset(p + n * size, 0, size);
	return p;
}

int64_t store_last_id(staging *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

int64_t store_changes(staging *st)
{
	return sqlite3_changes64(st->db);
}

const char *store_text(const store_row *r, int i)
{
	const unsigned char *t = sqlite3_column_text(r->stmt, i);

	return t ? (const char *)t : "";
}

const char *store_text_or_null(const store_row *r, int i)
{
	return (const char *)sqlite3_column_text(r->stmt, i);
}

char *store_text_dup(const store_row *r, int i)
{
	const unsigned char *t = sqlite3_column_text(r->stmt, i);

	return t ? xstrdup((const char *)t) : NULL;
}

int64_t store_int(const store_row *r, int i)
{
	return sqlite3_column_int64(r->stmt, i);
}

double store_num(const store_row *r, int i)
{
	return sqlite3_column_type(r->stmt, i) == SQLITE_NULL ? NAN
							      : sqlite3_column_double(r->stmt, i);
}

bool store_is_null(const store_row *r, int i)
{
	return sqlite3_column_type(r->stmt, i) == SQLITE_NULL;
}

int store_columns(const store_row *r)
{
	return sqlite3_column_count(r->stmt);
}
