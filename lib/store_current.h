/* store_current.h — the current values: which value is scored for each
 * year, commune and variable, resolved when it is written.  The table
 * current_value (read by the view current_input) is written only by
 * store_current_resolve, the one resolution function, which every writer
 * that can change a scored value calls inside its own transaction: an
 * observation stored (batch_store_with: import, collector runs, forms), an
 * appraisal act (store_appraisal_add), a variable whose aggregate changed
 * (staging_sync_framework).  The rule itself is the view over the history,
 * current_input_resolved; store_current_check compares the table with it. */
#ifndef DTI_STORE_CURRENT_H
#define DTI_STORE_CURRENT_H

#include <stdint.h>

#include "err.h"
#include "staging.h"

/* Writes again the current value of (year, commune_code, variable) from the
 * history: the row current_input_resolved gives, or none when it gives
 * none.  Call inside the writer's transaction, after its write; on error
 * nothing is changed by it and the caller rolls back.  Borrows its
 * arguments. */
dti_err store_current_resolve(staging *st, int year, const char *commune_code, const char *variable,
			      dti_diag *d);

/* The current values after observations first_id .. last_id (one run's,
 * at most one a key, of the years year_from .. year_to) were stored: a key
 * whose value was the same source's raw figure alone takes the new one as
 * the rule gives it (in one statement); the other keys that had a current
 * value are resolved again (store_current_resolve); the others had no
 * observation before, and get the value of their one observation, raw, as
 * the rule gives it for one raw source — inserted in key order instead of
 * read back from the history.  Called by batch_store_with, the one caller
 * of staging_put. */
dti_err store_current_stored(staging *st, int64_t first_id, int64_t last_id, int year_from,
			     int year_to, dti_diag *d);

/* store_current_resolve for the key of observation obs_id (an appraisal
 * act changes its observation's key only).  No observation: nothing. */
dti_err store_current_resolve_observation(staging *st, int64_t obs_id, dti_diag *d);

/* store_current_resolve for every key of variable `name` that has
 * observations (its aggregate changed).  Inside the caller's transaction. */
dti_err store_current_resolve_variable(staging *st, const char *name, dti_diag *d);

/* One difference between current_value and the resolution from the
 * history.  Borrowed: valid only inside the callback.  stored_state is
 * NULL when the table has no row, resolved_state NULL when the history
 * gives none. */
typedef struct store_current_diff {
	int year;
	const char *commune_code, *variable;
	const char *stored_value, *stored_state, *stored_ids;
	const char *resolved_value, *resolved_state, *resolved_ids;
} store_current_diff;

typedef dti_err (*store_current_diff_fn)(void *ctx, const store_current_diff *x, dti_diag *d);

/* Recomputes the resolution of every key from the raw observations and
 * appraisals and compares it with current_value as current_input reads it
 * (the observations listed, the time observed), column by column; calls
 * fn for every key that differs, ordered by year, commune and variable.
 * *keys (may be NULL) is the number of keys the history resolves and
 * *diffs the number of differences.  Reads only. */
dti_err store_current_check(staging *st, store_current_diff_fn fn, void *ctx, int64_t *keys,
			    int64_t *diffs, dti_diag *d);

#endif
