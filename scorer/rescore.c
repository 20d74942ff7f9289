#include "rescore.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* Fields are separated by 0x1f, rows by 0x1e; NULL is 0x1d so that it
 * differs from an empty string. */
static void put_field(sha256_ctx *c, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	if (t)
		sha256_update(c, t, strlen((const char *)t));
	else
		sha256_update(c, "\x1d", 1);
	sha256_update(c, "\x1f", 1);
}

dti_err rescore_fingerprint(staging *st, const framework *fw, int year, bool official,
			    const char *policy, char out[65], dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	sha256_ctx c;
	char head[128];
	dti_err rc;
	int step;

	/* The active communes, then their inputs: one pass over current_input
	 * (a join with it would evaluate the view once per commune). */
	rc = staging_prepare(st,
			     "SELECT 0 AS part, code, NULL, NULL, NULL, NULL, NULL FROM commune "
			     "WHERE active = 1 "
			     "UNION ALL "
			     "SELECT 1, i.commune_code, i.variable, i.value, i.num, i.state, "
			     "i.observation_ids FROM current_input i "
			     "WHERE i.year = ?1 AND i.commune_code IN "
			     "(SELECT code FROM commune WHERE active = 1) "
			     "ORDER BY 1, 2, 3",
			     &s, d);
	if (rc)
		return rc;
	sha256_init(&c);
	snprintf(head, sizeof head, "%s\x1f%d\x1f%s\x1e", fw->sha256, year,
		 official ? "official" : "provisional");
	sha256_update(&c, head, strlen(head));
	if (policy)
		sha256_update(&c, policy, strlen(policy));
	sha256_update(&c, "\x1e", 1);
	sqlite3_bind_int(s, 1, year);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 1; i < 7; i++)
			put_field(&c, s, i);
		sha256_update(&c, "\x1e", 1);
	}
	if (step != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "%s: cannot read current inputs: %s", staging_path(st),
			      sqlite3_errmsg(staging_db(st)));
	sqlite3_finalize(s);
	if (!rc)
		sha256_final_hex(&c, out);
	return rc;
}

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

dti_err rescore_record(staging *st, int64_t run_id, const char *sha, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc;

	rc = staging_prepare(st, "UPDATE scoring_run SET input_sha256 = ?2 WHERE id = ?1", &s, d);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_text(s, 2, sha, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "%s: cannot store input fingerprint: %s", staging_path(st),
			      sqlite3_errmsg(staging_db(st)));
	sqlite3_finalize(s);
	return rc;
}
