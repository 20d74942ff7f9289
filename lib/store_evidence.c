/* store_evidence.c — evidence metadata in the staging database (see
 * store_evidence.h). */
#include "store_evidence.h"

#include "staging_int.h"

typedef struct evidence_walk {
	store_evidence_fn fn;
	void *ctx;
} evidence_walk;

#define EVIDENCE_COLUMNS                                                        \
	"id, commune_code, year, variable, sha256, size, type, original_name, " \
	"uploaded_by, uploaded_at"

static dti_err each_evidence(void *ctx, const store_row *r, dti_diag *d)
{
	const evidence_walk *w = ctx;
	store_evidence e = {store_int(r, 0),  store_text(r, 1), (int)store_int(r, 2),
			    store_text(r, 3), store_text(r, 4), store_int(r, 5),
			    store_text(r, 6), store_text(r, 7), store_text(r, 8),
			    store_text(r, 9)};

	(void)d;
	return w->fn(w->ctx, &e);
}

dti_err store_evidence_put(staging *st, const store_evidence *e, int64_t *id, dti_diag *d)
{
	dti_err rc = store_run(
		st, d,
		"INSERT INTO evidence(commune_code, year, variable, sha256, size, type, "
		"original_name, uploaded_by, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		STORE_ARGS(STORE_TEXT(e->commune_code), STORE_INT(e->year), STORE_TEXT(e->variable),
			   STORE_TEXT(e->sha256), STORE_INT(e->size), STORE_TEXT(e->type),
			   STORE_TEXT(e->original_name), STORE_TEXT(e->uploaded_by),
			   STORE_TEXT(e->uploaded_at)));

	if (rc)
		return store_db_failed(st, d, "cannot store the evidence");
	if (id)
		*id = store_last_id(st);
	return DTI_EOK;
}

dti_err store_evidence_each(staging *st, const char *commune_code, int year, store_evidence_fn fn,
			    void *ctx, dti_diag *d)
{
	evidence_walk w = {fn, ctx};

	return store_each(st, d,
			  "SELECT " EVIDENCE_COLUMNS " FROM evidence WHERE commune_code = ?1 AND "
			  "year = ?2 ORDER BY variable, id",
			  each_evidence, &w, NULL,
			  STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));
}

dti_err store_evidence_find(staging *st, const char *commune_code, const char *sha256,
			    store_evidence_fn fn, void *ctx, bool *found, dti_diag *d)
{
	evidence_walk w = {fn, ctx};

	return store_first(st, d,
			   "SELECT " EVIDENCE_COLUMNS " FROM evidence WHERE commune_code = ?1 AND "
			   "sha256 = ?2 ORDER BY id DESC LIMIT 1",
			   each_evidence, &w, found,
			   STORE_ARGS(STORE_TEXT(commune_code), STORE_TEXT(sha256)));
}

typedef struct usage {
	int64_t *files, *bytes;
} usage;

static dti_err take_usage(void *ctx, const store_row *r, dti_diag *d)
{
	const usage *u = ctx;

	(void)d;
	*u->files = store_int(r, 0);
	*u->bytes = store_int(r, 1);
	return DTI_EOK;
}

dti_err store_evidence_usage(staging *st, const char *commune_code, int year, int64_t *files,
			     int64_t *bytes, dti_diag *d)
{
	usage u = {files, bytes};
	bool found = false;

	*files = *bytes = 0;
	return store_first(st, d,
			   "SELECT count(*), coalesce(sum(size), 0) FROM evidence "
			   "WHERE commune_code = ?1 AND year = ?2",
			   take_usage, &u, &found,
			   STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));
}
