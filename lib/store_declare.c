/* store_declare.c — working answers, contacts and submissions of the web
 * declaration in the staging database (see store_declare.h). */
#include "store_declare.h"

#include <string.h>

#include "staging_int.h"

typedef struct draft_walk {
	store_declare_draft_fn fn;
	void *ctx;
} draft_walk;

#define DRAFT_COLUMNS \
	"variable, answer, proof_url, note, saved_by, saved_at, version, submitted_run_id"

static dti_err each_draft(void *ctx, const store_row *r, dti_diag *d)
{
	const draft_walk *w = ctx;
	store_declare_draft v = {store_text(r, 0),         store_text(r, 1),
				 store_text_or_null(r, 2), store_text_or_null(r, 3),
				 store_text(r, 4),         store_text(r, 5),
				 store_int(r, 6),          store_int(r, 7)};

	(void)d;
	return w->fn(w->ctx, &v);
}

dti_err store_declare_drafts_each(staging *st, const char *commune_code, int year,
				  store_declare_draft_fn fn, void *ctx, dti_diag *d)
{
	draft_walk w = {fn, ctx};

	return store_each(st, d,
			  "SELECT " DRAFT_COLUMNS " FROM declaration_item "
			  "WHERE commune_code = ?1 AND year = ?2 ORDER BY variable",
			  each_draft, &w, NULL,
			  STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));
}

dti_err store_declare_draft_get(staging *st, const char *commune_code, int year,
				const char *variable, store_declare_draft_fn fn, void *ctx,
				bool *found, dti_diag *d)
{
	draft_walk w = {fn, ctx};

	return store_first(
		st, d,
		"SELECT " DRAFT_COLUMNS " FROM declaration_item "
		"WHERE commune_code = ?1 AND year = ?2 AND variable = ?3",
		each_draft, &w, found,
		STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year), STORE_TEXT(variable)));
}

dti_err store_declare_draft_put(staging *st, const char *commune_code, int year,
				const store_declare_draft *r, dti_diag *d)
{
	dti_err rc = store_run(
		st, d,
		"INSERT OR REPLACE INTO declaration_item(commune_code, year, variable, answer, "
		"proof_url, note, version, saved_by, saved_at, submitted_run_id) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL)",
		STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year), STORE_TEXT(r->variable),
			   STORE_TEXT(r->answer), STORE_TEXT(r->proof_url), STORE_TEXT(r->note),
			   STORE_INT(r->version), STORE_TEXT(r->saved_by),
			   STORE_TEXT(r->saved_at)));

	return rc ? store_db_failed(st, d, "cannot store the draft answer") : rc;
}

typedef struct contact_walk {
	store_declare_contact_fn fn;
	void *ctx;
} contact_walk;

static dti_err each_contact(void *ctx, const store_row *r, dti_diag *d)
{
	const contact_walk *w = ctx;
	store_declare_contact v = {store_text(r, 0),         store_text_or_null(r, 1),
				   store_text_or_null(r, 2), store_text_or_null(r, 3),
				   store_text_or_null(r, 4), store_text_or_null(r, 5),
				   store_text(r, 6),         store_text(r, 7),
				   store_int(r, 8),          store_int(r, 9)};

	(void)d;
	return w->fn(w->ctx, &v);
}

dti_err store_declare_contacts_each(staging *st, const char *commune_code, int year,
				    store_declare_contact_fn fn, void *ctx, dti_diag *d)
{
	contact_walk w = {fn, ctx};

	return store_each(st, d,
			  "SELECT role, name, unit, position, phone, email, saved_by, saved_at, "
			  "version, submitted_run_id FROM declaration_contact "
			  "WHERE commune_code = ?1 AND year = ?2 ORDER BY role",
			  each_contact, &w, NULL,
			  STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));
}

dti_err store_declare_contact_put(staging *st, const char *commune_code, int year,
				  const store_declare_contact *r, dti_diag *d)
{
	dti_err rc = store_run(
		st, d,
		"INSERT OR REPLACE INTO declaration_contact(commune_code, year, role, name, unit, "
		"position, phone, email, version, saved_by, saved_at, submitted_run_id) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL)",
		STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year), STORE_TEXT(r->role),
			   STORE_TEXT(r->name), STORE_TEXT(r->unit), STORE_TEXT(r->position),
			   STORE_TEXT(r->phone), STORE_TEXT(r->email), STORE_INT(r->version),
			   STORE_TEXT(r->saved_by), STORE_TEXT(r->saved_at)));

	return rc ? store_db_failed(st, d, "cannot store the draft contact block") : rc;
}

dti_err store_declare_revision(staging *st, const char *commune_code, int year, int64_t *rev,
			       dti_diag *d)
{
	*rev = 0;
	return store_int64(st, d,
			   "SELECT max(coalesce((SELECT max(version) FROM declaration_item "
			   "WHERE commune_code = ?1 AND year = ?2), 0), "
			   "coalesce((SELECT max(version) FROM declaration_contact "
			   "WHERE commune_code = ?1 AND year = ?2), 0))",
			   rev, NULL, STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));
}

dti_err store_declare_submitted(staging *st, const char *commune_code, int year, int64_t run_id,
				const char *account, int64_t rev, const char *at, dti_diag *d)
{
	dti_err rc =
		store_run(st, d,
			  "UPDATE declaration_item SET submitted_run_id = ?3 "
			  "WHERE commune_code = ?1 AND year = ?2 AND submitted_run_id IS NULL",
			  STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year), STORE_INT(run_id)));

	if (!rc)
		rc = store_run(
			st, d,
			"UPDATE declaration_contact SET submitted_run_id = ?3 "
			"WHERE commune_code = ?1 AND year = ?2 AND submitted_run_id IS NULL",
			STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year), STORE_INT(run_id)));
	if (!rc)
		rc = store_run(st, d,
			       "INSERT INTO declaration_submission(run_id, commune_code, year, "
			       "account, revision, submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			       STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code),
					  STORE_INT(year), STORE_TEXT(account), STORE_INT(rev),
					  STORE_TEXT(at)));
	/* The run's user is who submitted: the account, not the server's. */
	if (!rc)
		rc = store_run(st, d, "UPDATE run SET user = ?2 WHERE id = ?1",
			       STORE_ARGS(STORE_INT(run_id), STORE_TEXT(account)));
	return rc ? store_db_failed(st, d, "cannot record the submission") : rc;
}

typedef struct last_submission {
	char **account, **at;
} last_submission;

static dti_err take_last(void *ctx, const store_row *r, dti_diag *d)
{
	last_submission *l = ctx;

	(void)d;
	*l->account = store_text_dup(r, 0);
	*l->at = store_text_dup(r, 1);
	return DTI_EOK;
}

dti_err store_declare_last_submission(staging *st, const char *commune_code, int year,
				      char **account, char **at, dti_diag *d)
{
	last_submission l = {account, at};
	bool found = false;

	*account = *at = NULL;
	return store_first(st, d,
			   "SELECT account, submitted_at FROM declaration_submission "
			   "WHERE commune_code = ?1 AND year = ?2 ORDER BY run_id DESC LIMIT 1",
			   take_last, &l, &found,
			   STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));
}

typedef struct answer_walk {
	store_declare_answer_fn fn;
	void *ctx;
} answer_walk;

static dti_err each_answer(void *ctx, const store_row *r, dti_diag *d)
{
	const answer_walk *w = ctx;
	store_declare_answer v = {
		store_int(r, 0),          store_text(r, 1),         store_text(r, 2),
		store_text_or_null(r, 3), store_text(r, 4),         store_text_or_null(r, 5),
		store_text_or_null(r, 6), store_text(r, 7),         store_text_or_null(r, 8),
		store_text_or_null(r, 9), store_text_or_null(r, 10)};

	(void)d;
	return w->fn(w->ctx, &v);
}

dti_err store_declare_answers_each(staging *st, const char *commune_code, int year,
				   const char *source, store_declare_answer_fn fn, void *ctx,
				   dti_diag *d)
{
	answer_walk w = {fn, ctx};

	return store_each(
		st, d,
		"SELECT v.id, v.variable, v.raw_value, v.value, v.state, v.proof_url, v.note, "
		"v.observed_at, v.appraised_by, v.appraised_at, v.appraisal_reason "
		"FROM source_value v JOIN source s ON s.id = v.source_id "
		"WHERE v.year = ?1 AND v.commune_code = ?2 AND s.name = ?3 ORDER BY v.variable",
		each_answer, &w, NULL,
		STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code), STORE_TEXT(source)));
}
