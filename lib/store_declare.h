/* store_declare.h — the web declaration aggregate in the staging database:
 * the working answers and contact block a commune saves between
 * submissions (declaration_item, declaration_contact, each row with the
 * version it was saved at), the submissions (declaration_submission) and
 * the answers the commune's form source holds with their appraisal.  What
 * a declaration means (versions, validation, the deadline) stays in
 * lib/declare.c; these functions only read and write rows. */
#ifndef DTI_STORE_DECLARE_H
#define DTI_STORE_DECLARE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* One working answer.  Borrowed in callbacks (valid only inside them);
 * proof_url and note are NULL for none; submitted_run_id is 0 when the row
 * was not submitted since it was saved. */
typedef struct store_declare_draft {
	const char *variable, *answer, *proof_url, *note, *saved_by, *saved_at;
	int64_t version, submitted_run_id;
} store_declare_draft;

typedef dti_err (*store_declare_draft_fn)(void *ctx, const store_declare_draft *r);

/* Calls fn for each working answer of a commune's year, by variable. */
dti_err store_declare_drafts_each(staging *st, const char *commune_code, int year,
				  store_declare_draft_fn fn, void *ctx, dti_diag *d);
/* Calls fn for the working answer of one variable; *found says whether
 * there is one. */
dti_err store_declare_draft_get(staging *st, const char *commune_code, int year,
				const char *variable, store_declare_draft_fn fn, void *ctx,
				bool *found, dti_diag *d);
/* Inserts or replaces the working answer r (submitted_run_id is stored as
 * NULL), inside the caller's transaction. */
dti_err store_declare_draft_put(staging *st, const char *commune_code, int year,
				const store_declare_draft *r, dti_diag *d);

/* One working contact person (role "officer" or "approver"); fields NULL
 * for none.  Borrowed in callbacks. */
typedef struct store_declare_contact {
	const char *role, *name, *unit, *position, *phone, *email, *saved_by, *saved_at;
	int64_t version, submitted_run_id;
} store_declare_contact;

typedef dti_err (*store_declare_contact_fn)(void *ctx, const store_declare_contact *r);

dti_err store_declare_contacts_each(staging *st, const char *commune_code, int year,
				    store_declare_contact_fn fn, void *ctx, dti_diag *d);
/* Inserts or replaces a working contact person, inside the caller's
 * transaction. */
dti_err store_declare_contact_put(staging *st, const char *commune_code, int year,
				  const store_declare_contact *r, dti_diag *d);

/* The declaration's revision: the largest version of its rows, 0 when it
 * has none. */
dti_err store_declare_revision(staging *st, const char *commune_code, int year, int64_t *rev,
			       dti_diag *d);

/* Marks every row not yet submitted as submitted by run_id and records who
 * submitted (account, also written as the run's user) at revision `rev`,
 * inside the caller's transaction (the submission's batch_store_with). */
dti_err store_declare_submitted(staging *st, const char *commune_code, int year, int64_t run_id,
				const char *account, int64_t rev, const char *at, dti_diag *d);

/* The latest submission of a commune's year: *account and *at malloc'd
 * (caller frees), both NULL when there was none. */
dti_err store_declare_last_submission(staging *st, const char *commune_code, int year,
				      char **account, char **at, dti_diag *d);

/* One answer of the commune's form source `source` (its latest value of a
 * variable, source_value) with its latest appraisal.  raw_value is what the
 * commune gave, value what is scored (a correction's); the others are NULL
 * for none.  Borrowed in callbacks. */
typedef struct store_declare_answer {
	int64_t observation_id;
	const char *variable, *raw_value, *value, *state, *proof_url, *note, *observed_at,
		*appraised_by, *appraised_at, *reason;
} store_declare_answer;

typedef dti_err (*store_declare_answer_fn)(void *ctx, const store_declare_answer *r);

dti_err store_declare_answers_each(staging *st, const char *commune_code, int year,
				   const char *source, store_declare_answer_fn fn, void *ctx,
				   dti_diag *d);

#endif
