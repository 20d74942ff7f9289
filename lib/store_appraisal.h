/* store_appraisal.h — the appraisal aggregate in the staging database:
 * appraisal acts on observations, the observations an act may name, the
 * appraisal queue (source_value), the disagreement tolerance in meta and
 * the view `disagreement`.  The rules (who may act, which value is
 * valid, which items must be verified) stay in lib/appraisal.c and the
 * commands; these functions only read and write rows. */
#ifndef DTI_STORE_APPRAISAL_H
#define DTI_STORE_APPRAISAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* One act to record.  value and reason may be NULL (stored as NULL); num
 * is NaN for no number. */
typedef struct store_appraisal_act {
	int64_t observation_id;
	const char *action; /* "verify", "reject", "correct" */
	const char *value;
	double num;
	const char *by;
	const char *at;
	const char *reason;
} store_appraisal_act;

/* The variable of observation obs_id as a malloc'd string the caller frees;
 * *variable is NULL when there is no such observation (not an error). */
dti_err store_observation_variable(staging *st, int64_t obs_id, char **variable, dti_diag *d);
/* Its commune's code, likewise (NULL when there is no such observation). */
dti_err store_observation_commune(staging *st, int64_t obs_id, char **commune_code, dti_diag *d);

/* Inserts one act (inside the caller's transaction); *id (may be NULL)
 * receives its id.  On error d reads "cannot store the appraisal: …". */
dti_err store_appraisal_add(staging *st, const store_appraisal_act *act, int64_t *id, dti_diag *d);

/* Whether observation id is its source's latest value (source_value);
 * *latest is true when it cannot be told (no such observation row). */
dti_err store_observation_is_latest(staging *st, int64_t id, bool *latest, dti_diag *d);

/* The observations behind a commune's variable for a year: with source
 * NULL, those current_input scores (or, when every source was rejected,
 * the latest of each source), in id order; with a source name, that
 * source's latest.  *ids is malloc'd (caller frees; NULL when *n is 0).
 * On error *ids is NULL and d reads "cannot read observations: …". */
dti_err store_appraisal_find(staging *st, int year, const char *commune_code, const char *variable,
			     const char *source, int64_t **ids, size_t *n, dti_diag *d);

/* Writes the disagreement tolerance (as the texts the view casts) into
 * meta.  On error d reads "cannot store the tolerance: …". */
dti_err store_disagreement_tolerance_set(staging *st, const char *absolute, const char *relative,
					 dti_diag *d);

/* One row of the appraisal queue: a source's latest value of a variable.
 * Every text is "" for SQL NULL; id_text is the id as SQLite writes it.
 * Borrowed: valid only inside the callback that receives it. */
typedef struct store_appraisal_item {
	const char *id_text, *commune_code, *variable, *source, *value, *state, *observed_at,
		*proof_url, *appraised_by, *reason;
} store_appraisal_item;

typedef dti_err (*store_appraisal_item_fn)(void *ctx, const store_appraisal_item *it);

/* Calls fn for the latest value of each source for a year, ordered by
 * commune, variable and source; commune_code "" for every commune,
 * variable NULL for every variable, pending for only those still 'raw'.
 * A non-zero return of fn stops the walk and is returned. */
dti_err store_appraisal_each(staging *st, int year, const char *commune_code, const char *variable,
			     bool pending, store_appraisal_item_fn fn, void *ctx, dti_diag *d);

/* The appraisal queue of a year: the latest value of each source still
 * 'raw', of commune_code ("" for every commune) and of the variables named
 * by variables_json (a JSON array of names, bound as it is; NULL for every
 * variable), in store_appraisal_each's order.  fn is called for the first
 * limit of them (every one for a negative limit) and *total (may be NULL)
 * receives how many there are, read in one snapshot: the rows cost what is
 * shown, and only a page the limit fills is counted (count(*), which walks
 * the index over every row it counts).  A non-zero return of fn stops the
 * walk and is returned. */
dti_err store_appraisal_queue(staging *st, int year, const char *commune_code,
			      const char *variables_json, int64_t limit, int64_t *total,
			      store_appraisal_item_fn fn, void *ctx, dti_diag *d);

/* One row of the view `disagreement`, every column as the text SQLite
 * gives ("" for NULL).  Borrowed: valid only inside the callback. */
typedef struct store_disagreement {
	const char *commune_code, *commune_name, *variable, *form_observation_id, *form_value,
		*form_state, *feed_source, *feed_observation_ids, *feed_value, *feed_state,
		*difference;
} store_disagreement;

typedef dti_err (*store_disagreement_fn)(void *ctx, const store_disagreement *it);

/* Calls fn for each disagreement of a year (commune_code "" for all),
 * ordered by commune, variable and feed source.  A non-zero return of fn
 * stops the walk and is returned. */
dti_err store_disagreement_each(staging *st, int year, const char *commune_code,
				store_disagreement_fn fn, void *ctx, dti_diag *d);

/* One appraisal act with its observation's commune and variable; texts
 * "" for NULL.  Borrowed: valid only inside the callback. */
typedef struct store_appraisal_act_row {
	int64_t id, observation_id;
	const char *commune_code, *variable, *action, *value, *by, *at, *reason;
} store_appraisal_act_row;

typedef dti_err (*store_appraisal_act_fn)(void *ctx, const store_appraisal_act_row *a);

/* The acts of a year, newest first, at most limit: of observation obs_id
 * (0 for every one) and by `by` (NULL for anyone).  A non-zero return of
 * fn stops the walk and is returned. */
dti_err store_appraisal_acts_each(staging *st, int year, int64_t obs_id, const char *by,
				  int64_t limit, store_appraisal_act_fn fn, void *ctx, dti_diag *d);

#endif
