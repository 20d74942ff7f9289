/* store_form.h — the commune form aggregate in the staging database:
 * submissions (the runs of a commune's form source), the contact block
 * (commune_contact, current_contact), and the stored values a form shows
 * or checks (source_value, current_input).  What a form means stays in
 * lib/form.c and dti/cmd_form.c; these functions only read and write rows. */
#ifndef DTI_STORE_FORM_H
#define DTI_STORE_FORM_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "form.h"
#include "store.h"

/* One value a generated form starts from.  Borrowed: valid only inside
 * the callback that receives it.  proof_url is NULL for none. */
typedef struct store_form_value {
	const char *variable, *value, *proof_url;
	bool last_year; /* last year's scored value, not this year's answer */
} store_form_value;

typedef dti_err (*store_form_value_fn)(void *ctx, const store_form_value *v);

/* Calls fn for the values a commune's form for `year` is prefilled with:
 * first last year's scored values (no proof link), then the answers of
 * this year's form source `source` that were not rejected, so that a later
 * call for the same variable overrides an earlier one.  A non-zero return
 * of fn stops the walk and is returned. */
dti_err store_form_prefill_each(staging *st, int year, const char *commune_code, const char *source,
				store_form_value_fn fn, void *ctx, dti_diag *d);

/* The contact block in force for a commune in `year`: for each role, the
 * latest given in that year or before.  out[] must be zeroed or hold owned
 * fields; a role given replaces what out[role] held (form_contact_free),
 * one never given is left as it was.  The caller frees out[] fields. */
dti_err store_form_contacts(staging *st, const char *commune_code, int year,
			    form_contact out[CONTACT_ROLES], dti_diag *d);

/* Stores the contact block of a form imported by run_id, submitted at
 * `at` (inside the caller's transaction).  On error d reads "cannot store
 * the contact block: …". */
dti_err store_form_put_contacts(staging *st, int64_t run_id, const char *commune_code, int year,
				const form_contact contacts[CONTACT_ROLES], const char *at,
				dti_diag *d);

/* The latest value of `variable` from source `source` (whatever its
 * appraisal state) as a malloc'd text the caller frees; NULL when there is
 * none (a stored value is never NULL). */
dti_err store_form_source_value(staging *st, int year, const char *commune_code,
				const char *variable, const char *source, char **value,
				dti_diag *d);

/* The number current_input scores for a commune's variable; *found is
 * false when it has none (no value, or not a number). */
dti_err store_current_num(staging *st, int year, const char *commune_code, const char *variable,
			  double *num, bool *found, dti_diag *d);

/* One current value of current_input.  Borrowed: valid only inside the
 * callback.  value and observation_ids are NULL for SQL NULL; state is
 * never NULL. */
typedef struct store_current_value {
	const char *commune_code, *variable, *value, *state, *observation_ids;
} store_current_value;

typedef dti_err (*store_current_fn)(void *ctx, const store_current_value *v);

/* Calls fn for every current value of a year (one pass over the view),
 * or only commune_code's when it is not NULL.  On a database error d
 * reads "cannot read current_input: …". */
dti_err store_current_each(staging *st, int year, const char *commune_code, store_current_fn fn,
			   void *ctx, dti_diag *d);

/* What a commune's form source holds for a year. */
typedef struct store_form_submissions {
	long count;  /* 'ok' runs */
	char *last;  /* latest finished_at, malloc'd; NULL when none */
	bool forced; /* any stored after the deadline */
} store_form_submissions;

/* The 'ok' runs of source `source` for `year` into *out, which the caller
 * frees with store_form_submissions_free (also on error). */
dti_err store_form_submissions_get(staging *st, const char *source, int year,
				   store_form_submissions *out, dti_diag *d);
/* Frees s->last and zeroes s. */
void store_form_submissions_free(store_form_submissions *s);

/* How many roles of a commune's contact block were given for `year`. */
dti_err store_form_contact_count(staging *st, const char *commune_code, int year, long *n,
				 dti_diag *d);

#endif
