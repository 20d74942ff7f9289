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
 * mode, and its fingerprint (empty when it has none). */
dti_err rescore_latest(staging *st, int year, int64_t *run_id, bool *official, char sha[65],
		       dti_diag *d);

#endif
