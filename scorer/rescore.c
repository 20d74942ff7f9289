#include "rescore.h"

#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "store_score.h"

dti_err rescore_latest(staging *st, int year, int64_t *run_id, bool *official, char sha[65],
		       char marker[65], dti_diag *d)
{
	store_scoring_run run;
	bool found;
	dti_err rc = store_latest_scoring_run(st, year, &run, &found, d);

	*run_id = found ? run.id : 0;
	*official = found && strcmp(run.mode, "official") == 0;
	snprintf(sha, 65, "%s", found ? run.input_sha256 : "");
	if (marker)
		snprintf(marker, 65, "%s", found ? run.marker : "");
	return rc;
}

/* A text and its NUL: texts hashed one after the other cannot run together. */
static void hash_text(void *ctx, const char *code, const char *name)
{
	sha256_ctx *c = ctx;

	sha256_update(c, code, strlen(code) + 1);
	sha256_update(c, name ? name : "", strlen(name ? name : "") + 1);
}

dti_err rescore_marker(staging *st, const framework *fw, int year, bool official,
		       const char *policy, char out[65], dti_diag *d)
{
	sha256_ctx c;
	char head[160];
	int64_t obs = 0, appr = 0;
	dti_err rc;

	sha256_init(&c);
	snprintf(head, sizeof head, "marker 1\x1f%s\x1f%d\x1f%s", fw->sha256, year,
		 official ? "official" : "provisional");
	hash_text(&c, head, policy);
	rc = store_marker_parts(st, &obs, &appr, hash_text, &c, d);
	snprintf(head, sizeof head, "%lld\x1f%lld", (long long)obs, (long long)appr);
	hash_text(&c, head, NULL);
	sha256_final_hex(&c, out);
	if (rc)
		out[0] = '\0';
	return rc;
}

dti_err rescore_mark(staging *st, int64_t run, const char *marker, dti_diag *d)
{
	dti_err rc = staging_begin(st, d);

	if (!rc)
		rc = store_scoring_run_set_marker(st, run, marker, d);
	if (rc) {
		staging_rollback(st);
		return rc;
	}
	return staging_commit(st, d);
}
