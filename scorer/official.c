#include "official.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "publish.h"
#include "report.h"
#include "score.h"
#include "util.h"

dti_err official_approve(staging *st, const store_scoring_run *run, store_approval *ap, dti_diag *d)
{
	dti_err rc;

	if (strcmp(run->status, "ok") != 0)
		return diag_set(
			d, DTI_EINVALID,
			"scoring run %lld is %s: only a finished ('ok') run can be approved",
			(long long)run->id, run->status);
	if (run->voided)
		return diag_set(d, DTI_EINVALID,
				"scoring run %lld was voided: it cannot be approved",
				(long long)run->id);
	ap->scoring_run_id = run->id;
	ap->year = run->year;
	now_iso(ap->at);
	rc = staging_begin(st, d);
	if (!rc)
		rc = store_approval_put(st, ap, d);
	if (!rc)
		rc = staging_commit(st, d);
	if (rc)
		staging_rollback(st);
	return rc;
}

dti_err official_publish(staging *st, const config *c, int year, const char *out, int64_t run_id,
			 bool official, FILE *paths, char **index, official_published *published,
			 dti_diag *d)
{
	scoring_run_info run = {0};
	rating_bands bands = {NULL, 0};
	publish_options po;
	char *abs = NULL;
	dti_err rc;

	if (index)
		*index = NULL;
	rc = report_bands_load(c->root, &bands, d);
	if (rc) {
		diag_prefix(d, "%s", c->path);
		return rc;
	}
	if (official && !run_id) {
		store_approval ap;
		bool found = false;
		rc = store_approval_current(st, year, &ap, &found, d);
		if (!rc && !found)
			rc = diag_set(d, DTI_ENOTFOUND,
				      "no official result for %d: approve a run with 'dti approve "
				      "RUN --decision …' first",
				      year);
		if (rc)
			goto out;
		run_id = ap.scoring_run_id;
	}
	rc = make_dirs(out, d);
	if (rc)
		goto out;
	/* Absolute paths, so the report's path opens from anywhere. */
	abs = realpath(out, NULL);
	po.out_dir = abs ? abs : out;
	po.title = c->name ? c->name : "";
	po.bands = &bands;
	po.official = official;
	rc = score_run_load(st, run_id, year, &run, d);
	if (!rc)
		rc = publish_run(st, &run, &po, paths, index, d);
	if (!rc && published) {
		published->run_id = run.id;
		published->year = run.year;
	}
out:
	free(abs);
	framework_free(run.fw);
	report_bands_free(&bands);
	return rc;
}
