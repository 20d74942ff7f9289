#include "rescore.h"

#include <stdio.h>
#include <string.h>

#include "store_score.h"

dti_err rescore_latest(staging *st, int year, int64_t *run_id, bool *official, char sha[65],
		       dti_diag *d)
{
	store_scoring_run run;
	bool found;
	dti_err rc = store_latest_scoring_run(st, year, &run, &found, d);

	*run_id = found ? run.id : 0;
	*official = found && strcmp(run.mode, "official") == 0;
	snprintf(sha, 65, "%s", found ? run.input_sha256 : "");
	return rc;
}
