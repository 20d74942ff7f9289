/* rescore.h — whether a scoring run would change anything.
 *
 * The fingerprint of a year's inputs is the SHA-256 of the framework file,
 * the year, the mode (and its policy), and of each active commune its code
 * and every row of current_input for it that the framework knows (value,
 * state and the observations used).  Every scoring run computes it while
 * reading its inputs and stores it; `dti score --if-changed` stores nothing
 * when the latest successful run of the year has the same mode and
 * fingerprint.  That makes nightly reruns and
 * backfills idempotent: same inputs, no new scoring run, same report. */
#ifndef DTI_RESCORE_H
#define DTI_RESCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "framework.h"
#include "staging.h"

/* The latest successful scoring run of `year`: *run_id (0 when none), its
 * mode, its fingerprint and its marker (each empty when it has none;
 * marker may be NULL). */
dti_err rescore_latest(staging *st, int year, int64_t *run_id, bool *official, char sha[65],
		       char marker[65], dti_diag *d);

/* The marker of what a run's inputs are as of, without reading them: the
 * SHA-256 of the framework, the year, the mode and its policy, the last
 * observation and appraisal ids, each active commune's code and name and
 * the unit list.  Observations and appraisals are only ever appended, so
 * with the same marker current_input is what it was: `dti score
 * --if-changed` then stops before scoring (a marker that differs only
 * means the fingerprint decides). */
dti_err rescore_marker(staging *st, const framework *fw, int year, bool official,
		       const char *policy, char out[65], dti_diag *d);

/* Run `run` read inputs with the fingerprint just found again: it takes
 * the newer marker (its own transaction), so that the next --if-changed
 * stops before reading them. */
dti_err rescore_mark(staging *st, int64_t run, const char *marker, dti_diag *d);

#endif
