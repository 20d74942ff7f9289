#include "appraisal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "text.h"
#include "util.h"


const char *appraisal_action_name(appraisal_action a)
{
	static const char *const names[] = {"verify", "reject", "correct"};
	return names[a];
}

dti_err appraisal_record(staging *st, const framework *fw, int64_t obs_id, appraisal_action a,
			 const char *raw_value, const char *by, const char *reason,
			 int64_t *appraisal_id, dti_diag *d)
{
	sqlite3_stmt *q = NULL, *ins = NULL;
	const fw_variable *v;
	char canon[128], now[32], why[TEXT_WHY];
	double num = NAN;
	dti_err rc;

	if (!by || !*by)
		return diag_set(d, DTI_EINVALID, "say who appraises (--by NAME or $USER)");
	if ((a == APPRAISE_REJECT || a == APPRAISE_CORRECT) && (!reason || !*reason))
		return diag_set(d, DTI_EINVALID, "a %s needs a reason (--reason TEXT)",
				a == APPRAISE_REJECT ? "rejection" : "correction");
	/* A reason is shown to the commune and in the report: a note's rules. */
	if (reason && !text_note_ok(reason, why))
		return diag_set(d, DTI_EINVALID, "the reason %s", why);
	if (strlen(by) > 200)
		return diag_set(d, DTI_EINVALID, "the appraiser's name is longer than 200 bytes");
	if (!text_check(by, strlen(by), TEXT_LINE, why))
		return diag_set(d, DTI_EINVALID, "the appraiser's name %s", why);
	rc = staging_begin(st, d);
	if (rc)
		return rc;
	rc = staging_prepare(st, "SELECT variable FROM observation WHERE id = ?1", &q, d);
	if (rc)
		goto fail;
	sqlite3_bind_int64(q, 1, obs_id);
	if (sqlite3_step(q) != SQLITE_ROW) {
		rc = diag_set(d, DTI_ENOTFOUND, "no observation %lld", (long long)obs_id);
		goto fail;
	}
	v = framework_variable(fw, (const char *)sqlite3_column_text(q, 0));
	if (a == APPRAISE_CORRECT) {
		if (!v) {
			rc = diag_set(d, DTI_EINVALID,
				      "observation %lld is of variable %s, which the framework does not have",
				      (long long)obs_id, (const char *)sqlite3_column_text(q, 0));
			goto fail;
		}
		if (!raw_value || !*raw_value) {
			rc = diag_set(d, DTI_EINVALID, "a correction needs the corrected value");
			goto fail;
		}
		rc = framework_value(v, raw_value, '.', canon, sizeof canon, &num, d);
		if (rc) {
			diag_prefix(d, "observation %lld (%s)", (long long)obs_id, v->name);
			goto fail;
		}
	}
	now_iso(now);
	rc = staging_prepare(st,
			     "INSERT INTO appraisal(observation_id, action, value, num, by, at, reason) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
			     &ins, d);
	if (rc)
		goto fail;
	sqlite3_bind_int64(ins, 1, obs_id);
	sqlite3_bind_text(ins, 2, appraisal_action_name(a), -1, SQLITE_STATIC);
	staging_bind_text(ins, 3, a == APPRAISE_CORRECT ? canon : NULL);
	staging_bind_num(ins, 4, a == APPRAISE_CORRECT ? num : NAN);
	sqlite3_bind_text(ins, 5, by, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, now, -1, SQLITE_STATIC);
	staging_bind_text(ins, 7, reason && *reason ? reason : NULL);
	if (sqlite3_step(ins) != SQLITE_ROW) {
		rc = diag_set(d, DTI_EDB, "cannot store the appraisal: %s",
			      sqlite3_errmsg(staging_db(st)));
		goto fail;
	}
	if (appraisal_id)
		*appraisal_id = sqlite3_column_int64(ins, 0);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return staging_commit(st, d);
fail:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	staging_rollback(st);
	return rc;
}

dti_err appraisal_find(staging *st, int year, const char *commune_code, const char *variable,
		       const char *source, int64_t **ids, size_t *n, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc;
	size_t cap = 0;
	int step;

	*ids = NULL;
	*n = 0;
	if (source)
		rc = staging_prepare(st,
				     "SELECT v.id FROM source_value v JOIN source s ON s.id = v.source_id "
				     "WHERE v.year = ?1 AND v.commune_code = ?2 AND v.variable = ?3 "
				     "AND s.name = ?4",
				     &s, d);
	else
		/* The ids current_input scores; when every source is rejected
		 * it scores none, and the latest of each source is meant. */
		rc = staging_prepare(st,
				     "WITH c AS (SELECT observation_ids AS ids FROM current_input "
				     "WHERE year = ?1 AND commune_code = ?2 AND variable = ?3) "
				     "SELECT v.id FROM source_value v, c "
				     "WHERE v.year = ?1 AND v.commune_code = ?2 AND v.variable = ?3 "
				     "AND (c.ids IS NULL OR instr(',' || c.ids || ',', ',' || v.id || ',') > 0) "
				     "ORDER BY v.id",
				     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_int(s, 1, year);
	sqlite3_bind_text(s, 2, commune_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, variable, -1, SQLITE_STATIC);
	if (source)
		sqlite3_bind_text(s, 4, source, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	if (step != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "cannot read observations: %s", sqlite3_errmsg(staging_db(st)));
	else if (*n == 0)
		rc = diag_set(d, DTI_ENOTFOUND, "no observation of %s for commune %s in %d%s%s",
			      variable, commune_code, year, source ? " from source " : "",
			      source ? source : "");
	sqlite3_finalize(s);
	if (rc) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}

dti_err appraisal_must_verify(const config *c, const framework *fw, strmap *out, bool *all,
			      dti_diag *d)
{
	json_t *off = json_object_get(c->root, "official");
	json_t *names, *sources, *e;
	size_t i;

	*all = false;
	if (!off) {
		*all = true;
		return DTI_EOK;
	}
	names = json_object_get(off, "must_verify");
	sources = json_object_get(off, "must_verify_sources");
	if (!json_is_object(off) || (names && !json_is_array(names)) ||
	    (sources && !json_is_array(sources)))
		return diag_set(d, DTI_ECONFIG,
				"%s: \"official\" must be an object with arrays \"must_verify\" "
				"(variable names) and \"must_verify_sources\" (framework sources)",
				c->path);
	json_array_foreach(names, i, e) {
		const char *n = json_string_value(e);
		if (!n || !framework_variable(fw, n))
			return diag_set(d, DTI_ECONFIG,
					"%s: official.must_verify[%zu]: '%s' is not a variable of %s",
					c->path, i, n ? n : "(not a string)", fw->edition);
		strmap_put(out, n, 1);
	}
	json_array_foreach(sources, i, e) {
		const char *src = json_string_value(e);
		bool any = false;
		if (!src)
			return diag_set(d, DTI_ECONFIG,
					"%s: official.must_verify_sources[%zu] is not a string", c->path,
					i);
		for (size_t k = 0; k < fw->n_variables; k++)
			if (strcmp(fw->variables[k].source, src) == 0) {
				strmap_put(out, fw->variables[k].name, 1);
				any = true;
			}
		if (!any)
			return diag_set(d, DTI_ECONFIG,
					"%s: official.must_verify_sources[%zu]: no variable of %s has "
					"source '%s'",
					c->path, i, fw->edition, src);
	}
	return DTI_EOK;
}

static dti_err tolerance_number(const config *c, json_t *tol, const char *key, double *out,
				dti_diag *d)
{
	json_t *v = json_object_get(tol, key);

	*out = 0;
	if (!v)
		return DTI_EOK;
	if (!json_is_number(v) || json_number_value(v) < 0 || !isfinite(json_number_value(v)))
		return diag_set(d, DTI_ECONFIG,
				"%s: appraisal.tolerance.%s must be a non-negative number", c->path, key);
	*out = json_number_value(v);
	return DTI_EOK;
}

dti_err appraisal_tolerance_load(const config *c, appraisal_tolerance *t, dti_diag *d)
{
	json_t *ap = json_object_get(c->root, "appraisal");
	json_t *tol = ap ? json_object_get(ap, "tolerance") : NULL;
	dti_err rc;

	t->absolute = t->relative = 0;
	if (!tol)
		return DTI_EOK;
	if (!json_is_object(tol))
		return diag_set(d, DTI_ECONFIG,
				"%s: appraisal.tolerance must be an object {\"absolute\": N, \"relative\": F}",
				c->path);
	rc = tolerance_number(c, tol, "absolute", &t->absolute, d);
	if (!rc)
		rc = tolerance_number(c, tol, "relative", &t->relative, d);
	return rc;
}

dti_err appraisal_tolerance_sync(staging *st, const appraisal_tolerance *t, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	char a[64], r[64];
	dti_err rc;

	format_number(a, t->absolute);
	format_number(r, t->relative);
	rc = staging_prepare(st,
			     "INSERT INTO meta(key, value) VALUES ('disagreement_absolute', ?1), "
			     "('disagreement_relative', ?2) "
			     "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "cannot store the tolerance: %s",
			      sqlite3_errmsg(staging_db(st)));
	sqlite3_finalize(s);
	return rc;
}

dti_err appraisal_round_deadline(const config *c, int year, bool *has, const char **text,
				 time_t *deadline, dti_diag *d)
{
	json_t *rounds = json_object_get(c->root, "rounds");
	json_t *round, *dl;
	char key[16];

	*has = false;
	*text = NULL;
	if (!rounds)
		return DTI_EOK;
	if (!json_is_object(rounds))
		return diag_set(d, DTI_ECONFIG,
				"%s: \"rounds\" must be an object keyed by year: {\"%d\": {\"deadline\": …}}",
				c->path, year);
	snprintf(key, sizeof key, "%d", year);
	round = json_object_get(rounds, key);
	if (!round)
		return DTI_EOK;
	dl = json_object_get(round, "deadline");
	if (!json_is_object(round) || (dl && !json_is_string(dl)))
		return diag_set(d, DTI_ECONFIG, "%s: rounds.%s must be {\"deadline\": \"ISO time\"}",
				c->path, key);
	if (!dl)
		return DTI_EOK;
	if (!form_parse_time(json_string_value(dl), deadline))
		return diag_set(d, DTI_ECONFIG,
				"%s: rounds.%s.deadline '%s' is not a time such as "
				"2024-12-31T17:00:00+07:00",
				c->path, key, json_string_value(dl));
	*has = true;
	*text = json_string_value(dl);
	return DTI_EOK;
}
