/* store_form.c — submissions, contact blocks and the stored values of form
 * items in the staging database (see store_form.h). */
#include "store_form.h"

#include <stdlib.h>
#include <string.h>

#include "staging_int.h"

typedef struct value_walk {
	store_form_value_fn fn;
	void *ctx;
} value_walk;

static dti_err each_value(void *ctx, const store_row *r, dti_diag *d)
{
	const value_walk *w = ctx;
	store_form_value v = {store_text(r, 0), store_text(r, 1), store_text_or_null(r, 3),
			      store_int(r, 2) == 0};

	(void)d;
	return w->fn(w->ctx, &v);
}

dti_err store_form_prefill_each(staging *st, int year, const char *commune_code, const char *source,
				store_form_value_fn fn, void *ctx, dti_diag *d)
{
	value_walk w = {fn, ctx};

	return store_each(
		st, d,
		"SELECT variable, value, 0 AS k, NULL FROM current_input "
		"WHERE year = ?1 - 1 AND commune_code = ?2 AND value IS NOT NULL "
		"UNION ALL "
		"SELECT v.variable, v.value, 1, v.proof_url FROM source_value v JOIN source s ON s.id = v.source_id "
		"WHERE v.year = ?1 AND v.commune_code = ?2 AND s.name = ?3 AND v.state <> 'rejected' "
		"ORDER BY k",
		each_value, &w, NULL,
		STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code), STORE_TEXT(source)));
}

static dti_err take_contact(void *ctx, const store_row *r, dti_diag *d)
{
	form_contact *contacts = ctx;
	const char *role = store_text(r, 0);

	(void)d;
	for (int k = 0; k < CONTACT_ROLES; k++) {
		form_contact *c = &contacts[k];
		char **f[5] = {&c->name, &c->unit, &c->position, &c->phone, &c->email};
		if (strcmp(role, form_contact_role(k)) != 0)
			continue;
		form_contact_free(c);
		for (int i = 0; i < 5; i++)
			*f[i] = store_text_dup(r, i + 1);
	}
	return DTI_EOK;
}

dti_err store_form_contacts(staging *st, const char *commune_code, int year,
			    form_contact out[CONTACT_ROLES], dti_diag *d)
{
	return store_each(st, d,
			  "SELECT role, name, unit, position, phone, email FROM commune_contact "
			  "WHERE commune_code = ?1 AND year <= ?2 ORDER BY year, id",
			  take_contact, out, NULL,
			  STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));
}

dti_err store_form_put_contacts(staging *st, int64_t run_id, const char *commune_code, int year,
				const form_contact contacts[CONTACT_ROLES], const char *at,
				dti_diag *d)
{
	dti_err rc = DTI_EOK;

	for (int i = 0; !rc && i < CONTACT_ROLES; i++) {
		const form_contact *c = &contacts[i];
		rc = store_run(
			st, d,
			"INSERT INTO commune_contact(commune_code, year, role, name, unit, position, "
			"phone, email, run_id, submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year),
				   STORE_TEXT(form_contact_role(i)), STORE_TEXT(c->name),
				   STORE_TEXT(c->unit), STORE_TEXT(c->position),
				   STORE_TEXT(c->phone), STORE_TEXT(c->email), STORE_INT(run_id),
				   STORE_TEXT(at)));
		if (rc)
			rc = store_db_failed(st, d, "cannot store the contact block");
	}
	return rc;
}

dti_err store_form_source_value(staging *st, int year, const char *commune_code,
				const char *variable, const char *source, char **value, dti_diag *d)
{
	return store_text1(
		st, d,
		"SELECT v.value FROM source_value v JOIN source s ON s.id = v.source_id "
		"WHERE v.year = ?1 AND v.commune_code = ?2 AND v.variable = ?3 AND s.name = ?4",
		value,
		STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code), STORE_TEXT(variable),
			   STORE_TEXT(source)));
}

dti_err store_current_num(staging *st, int year, const char *commune_code, const char *variable,
			  double *num, bool *found, dti_diag *d)
{
	double v = 0;
	bool got = false;
	dti_err rc = store_double(
		st, d,
		"SELECT num FROM current_input WHERE year = ?1 AND commune_code = ?2 "
		"AND variable = ?3 AND num IS NOT NULL",
		&v, &got,
		STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code), STORE_TEXT(variable)));

	*num = rc || !got ? 0 : v;
	*found = !rc && got;
	return rc;
}

typedef struct current_walk {
	store_current_fn fn;
	void *ctx;
} current_walk;

static dti_err each_current(void *ctx, const store_row *r, dti_diag *d)
{
	const current_walk *w = ctx;
	store_current_value v = {store_text(r, 0), store_text(r, 1), store_text_or_null(r, 2),
				 store_text(r, 3), store_text_or_null(r, 4)};

	(void)d;
	return w->fn(w->ctx, &v);
}

dti_err store_current_each(staging *st, int year, const char *commune_code, store_current_fn fn,
			   void *ctx, dti_diag *d)
{
	static const char *const sql[2] = {
		"SELECT commune_code, variable, value, state, observation_ids "
		"FROM current_input WHERE year = ?1",
		"SELECT commune_code, variable, value, state, observation_ids "
		"FROM current_input WHERE year = ?1 AND commune_code = ?2"};
	const store_arg args[] = {STORE_INT(year), STORE_TEXT(commune_code)};
	int one = commune_code != NULL;
	current_walk w = {fn, ctx};
	dti_err rc = store_each(st, d, sql[one], each_current, &w, NULL, args, one ? 2 : 1);

	return rc == DTI_EDB ? store_db_failed(st, d, "cannot read current_input") : rc;
}

static dti_err take_submissions(void *ctx, const store_row *r, dti_diag *d)
{
	store_form_submissions *s = ctx;

	(void)d;
	s->count = (long)store_int(r, 0);
	free(s->last);
	s->last = store_text_dup(r, 1);
	s->forced = store_int(r, 2) != 0;
	return DTI_EOK;
}

dti_err store_form_submissions_get(staging *st, const char *source, int year,
				   store_form_submissions *out, dti_diag *d)
{
	memset(out, 0, sizeof *out);
	return store_each(st, d,
			  "SELECT count(*), max(r.finished_at), max(r.forced) FROM run r "
			  "JOIN source s ON s.id = r.source_id "
			  "WHERE s.name = ?1 AND r.year = ?2 AND r.status = 'ok'",
			  take_submissions, out, NULL,
			  STORE_ARGS(STORE_TEXT(source), STORE_INT(year)));
}

void store_form_submissions_free(store_form_submissions *s)
{
	free(s->last);
	memset(s, 0, sizeof *s);
}

dti_err store_form_contact_count(staging *st, const char *commune_code, int year, long *n,
				 dti_diag *d)
{
	int64_t count = 0;
	dti_err rc = store_int64(
		st, d, "SELECT count(*) FROM current_contact WHERE commune_code = ?1 AND year = ?2",
		&count, NULL, STORE_ARGS(STORE_TEXT(commune_code), STORE_INT(year)));

	*n = (long)count;
	return rc;
}
