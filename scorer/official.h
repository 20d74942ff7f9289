/* official.h — the official result's two steps, shared by `dti approve`
 * and dti-web's approval page: recording the approval of a scoring run,
 * and publishing a run (the year's, or as the official result). */
#ifndef DTI_OFFICIAL_H
#define DTI_OFFICIAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "err.h"
#include "staging.h"
#include "store_score.h"

/* Records the approval of `run` (which must be 'ok' and not voided: else
 * DTI_EINVALID) by ap's decision, date and by, in one transaction; ap's
 * other fields are filled (its id too). */
dti_err official_approve(staging *st, const store_scoring_run *run, store_approval *ap,
			 dti_diag *d);

/* Publishes run_id (0: the year's latest, or with official its approved
 * run) into out, as `dti publish` does (rating bands and title from the
 * configuration c): with official, as the year's official result into
 * out/official-YEAR/.  One publish into out at a time: this one waits at
 * most wait_s seconds (0: not at all) for another to finish, then gives up
 * with DTI_ELOCKED, naming the holder's process.  Paths written go to
 * paths (may be NULL); *index
 * (may be NULL) receives the report's index.html, malloc'd; *published
 * (may be NULL) the run published (its id and year). */
typedef struct official_published {
	int64_t run_id;
	int year;
} official_published;
dti_err official_publish(staging *st, config *c, int year, const char *out, int64_t run_id,
			 bool official, int wait_s, FILE *paths, char **index,
			 official_published *published, dti_diag *d);

/* How long `dti publish` waits for another publish by default: a national
 * publish takes well under a minute. */
#define OFFICIAL_WAIT_S 600

#endif
