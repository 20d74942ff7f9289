/* rescore.h — whether a scoring run would change anything.
 *
 * The fingerprint of a year's inputs is the SHA-256 of the framework file,
 * the year, the mode (and its policy), the active communes and every row of current_input
 * for them (value, state and the observations used).  A scoring run stores
 * the fingerprint of the inputs read just before it ran; `dti score
 * --if-changed` skips scoring when the latest successful run of the year
 * has the same mode and fingerprint.  That makes nightly reruns and
 * backfills idempotent: same inputs, no new scoring run, same report. */
#ifndef DTI_RESCORE_H
#define DTI_RESCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "framework.h"
#include "staging.h"

/* Fingerprint of the inputs a scoring run of `year` would read now.
 * `policy` (may be NULL) is mixed in: what else decides the scores, such as
 * the official mode's must-verify configuration. */
dti_err rescore_fingerprint(staging *st, const framework *fw, int year, bool official,
			    const char *policy, char out[65], dti_diag *d);

/* The latest successful scoring run of `year`: *run_id (0 when none), its
 * mode, and its fingerprint (empty when it has none). */
dti_err rescore_latest(staging *st, int year, int64_t *run_id, bool *official, char sha[65],
		       dti_diag *d);

/* Stores the fingerprint of scoring run `run_id`. */
dti_err rescore_record(staging *st, int64_t run_id, const char *sha, dti_diag *d);

#endif
