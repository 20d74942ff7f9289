#include "rescore.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

dti_err rescore_latest(staging *st, int year, int64_t *run_id, bool *official, char sha[65],
		       dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc;
	int step;

	*run_id = 0;
	*official = false;
	sha[0] = '\0';
	rc = staging_prepare(st,
			     "SELECT id, mode, coalesce(input_sha256, '') FROM scoring_run "
			     "WHERE year = ?1 AND status = 'ok' ORDER BY id DESC LIMIT 1",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_int(s, 1, year);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*run_id = sqlite3_column_int64(s, 0);
		*official = strcmp((const char *)sqlite3_column_text(s, 1), "official") == 0;
		snprintf(sha, 65, "%s", (const char *)sqlite3_column_text(s, 2));
	} else if (step != SQLITE_DONE) {
		rc = diag_set(d, DTI_EDB, "%s: cannot read scoring runs: %s", staging_path(st),
			      sqlite3_errmsg(staging_db(st)));
	}
	sqlite3_finalize(s);
	return rc;
}
