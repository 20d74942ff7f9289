/* appraisal.h — what district officers do with observations (verify,
 * reject, correct: each act records who, when and why), and the
 * configuration that governs forms and official scoring: the round
 * deadline per year, the items that must be verified, the tolerance
 * beyond which a commune's value and a feed's disagree.
 *
 * Configuration (all optional):
 *   "rounds":    {"2024": {"deadline": "2024-12-31T17:00:00+07:00"}}
 *   "official":  {"must_verify": ["steering_head", …],
 *                 "must_verify_sources": ["commune"]}
 *   "appraisal": {"tolerance": {"absolute": 0, "relative": 0.05}} */
#ifndef DTI_APPRAISAL_H
#define DTI_APPRAISAL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "err.h"
#include "framework.h"
#include "staging.h"
#include "store_appraisal.h"
#include "strmap.h"

typedef enum { APPRAISE_VERIFY, APPRAISE_REJECT, APPRAISE_CORRECT } appraisal_action;

/* "verify", "reject", "correct". */
const char *appraisal_action_name(appraisal_action a);

/* Records one act on observation obs_id, in its own transaction.  A
 * correction's raw value is checked against the observation's variable
 * (framework_value, '.' decimals); reject and correct need a reason; by
 * must be non-empty.  DTI_ENOTFOUND when there is no such observation,
 * DTI_EINVALID for a refused value or a missing reason (d says which).
 * *appraisal_id (may be NULL) receives the new act's id. */
dti_err appraisal_record(staging *st, const framework *fw, int64_t obs_id, appraisal_action a,
			 const char *raw_value, const char *by, const char *reason,
			 int64_t *appraisal_id, dti_diag *d);

/* The same act on every observation of obs_ids[0..n), all or nothing:
 * one transaction, and on any error (the first is returned, d naming its
 * observation) none of them is stored.  appraisal_ids (may be NULL) has
 * room for n and receives each act's id. */
dti_err appraisal_record_all(staging *st, const framework *fw, const int64_t *obs_ids, size_t n,
			     appraisal_action a, const char *raw_value, const char *by,
			     const char *reason, int64_t *appraisal_ids, dti_diag *d);

/* The observations behind a commune's variable for a year: with source
 * NULL, those current_input scores (or, when every source was rejected,
 * the latest of each source); with a source name, that source's latest.
 * *ids is malloc'd (caller frees); DTI_ENOTFOUND when there is none. */
dti_err appraisal_find(staging *st, int year, const char *commune_code, const char *variable,
		       const char *source, int64_t **ids, size_t *n, dti_diag *d);

/* Variables official scoring requires to be verified: the configuration's
 * "official.must_verify" names plus every variable whose framework source
 * is in "official.must_verify_sources".  *all is true when there is no
 * "official" section (every variable must be verified); out is then
 * empty.  DTI_ECONFIG names an unknown variable or a malformed section.
 * out must be initialised by the caller (strmap_init) and freed by it. */
dti_err appraisal_must_verify(const config *c, const framework *fw, strmap *out, bool *all,
			      dti_diag *d);

/* The appraisal queue an account sees for a year: the latest values still
 * 'raw' (store_appraisal_queue) of the variables that must be verified
 * (appraisal_must_verify) and, for an appraiser, only of those one of its
 * unit_names[0 .. n_units) verifies (verifiers_cover); of commune_code ("" for
 * every commune).  fn receives the first limit rows (negative: all of
 * them), *total (may be NULL) how many there are.  The variables go to
 * the store as one bound JSON list; an account that verifies none reads
 * nothing.  DTI_ECONFIG as appraisal_must_verify. */
dti_err appraisal_queue(staging *st, const config *c, const framework *fw, int year,
			const char *commune_code, bool appraiser, char *const *unit_names,
			size_t n_units, int64_t limit, int64_t *total, store_appraisal_item_fn fn,
			void *ctx, dti_diag *d);

typedef struct appraisal_tolerance {
	double absolute, relative;
} appraisal_tolerance;

/* "appraisal.tolerance" (both 0 when absent); DTI_ECONFIG when negative. */
dti_err appraisal_tolerance_load(const config *c, appraisal_tolerance *t, dti_diag *d);
/* Writes the tolerance into meta, where the view `disagreement` reads it. */
dti_err appraisal_tolerance_sync(staging *st, const appraisal_tolerance *t, dti_diag *d);

/* A year's round: its deadline, and whether an admin closed it.  What an
 * admin set in dti-web (the table `round`) comes first; without it, the
 * configuration's "rounds".  Every field may be read. */
typedef struct appraisal_round {
	bool has_deadline;
	char deadline[48]; /* as set: "2024-12-31T17:00:00+07:00"; "" when none */
	time_t deadline_at;
	bool closed;        /* closed by an admin at closed_at */
	char closed_at[32]; /* UTC */
	time_t closed_at_t;
	bool from_database; /* set by an admin, not by the configuration */
} appraisal_round;

/* The round of a year (st may be NULL: the configuration alone).
 * DTI_ECONFIG when the configuration's is malformed. */
dti_err appraisal_round_get(staging *st, const config *c, int year, appraisal_round *out,
			    dti_diag *d);

/* The one deadline forms and dti-web obey (appraisal_round_get): a closed
 * round's is the second before it was closed (nothing from then on).
 * *has is false when there is none; *text points into the configuration
 * or into a buffer of the calling thread, valid until its next call.
 * DTI_ECONFIG when malformed. */
dti_err appraisal_round_deadline(staging *st, const config *c, int year, bool *has,
				 const char **text, time_t *deadline, dti_diag *d);

typedef enum { ROUND_SET_DEADLINE, ROUND_CLOSE, ROUND_REOPEN } appraisal_round_change;

/* An admin's change of a year's round, by `by`: a new deadline (reopening
 * a closed round too: deadline must be a time with a zone, such as
 * "2024-12-31T17:00:00+07:00", and for a reopening later than now), or
 * closing it now.  DTI_EINVALID, nothing stored, for a refused deadline
 * (d says why) or closing a closed round. */
dti_err appraisal_round_change_apply(staging *st, const config *c, int year,
				     appraisal_round_change change, const char *deadline,
				     const char *by, dti_diag *d);

#endif
