#include "appraisal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "store_appraisal.h"
#include "store_user.h"
#include "text.h"
#include "util.h"
#include "verifiers.h"

const char *appraisal_action_name(appraisal_action a)
{
	static const char *const names[] = {"verify", "reject", "correct"};
	return names[a];
}

/* The checks of an act that need no database: who, why. */
static dti_err check_act(appraisal_action a, const char *by, const char *reason, dti_diag *d)
{
	char why[TEXT_WHY];

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
	return DTI_EOK;
}

/* A correction's value checked against the observation's variable. */
static dti_err check_correction(const framework *fw, int64_t obs_id, const char *variable,
				const char *raw_value, char canon[128], double *num, dti_diag *d)
{
	const fw_variable *v = framework_variable(fw, variable);
	dti_err rc;

	if (!v)
		return diag_set(
			d, DTI_EINVALID,
			"observation %lld is of variable %s, which the framework does not have",
			(long long)obs_id, variable);
	if (!raw_value || !*raw_value)
		return diag_set(d, DTI_EINVALID, "a correction needs the corrected value");
	rc = framework_value(v, raw_value, '.', canon, 128, num, d);
	if (rc)
		diag_prefix(d, "observation %lld (%s)", (long long)obs_id, v->name);
	return rc;
}

/* One act inside the caller's transaction. */
static dti_err record_one(staging *st, const framework *fw, int64_t obs_id, appraisal_action a,
			  const char *raw_value, const char *by, const char *reason,
			  int64_t *appraisal_id, dti_diag *d)
{
	char *variable = NULL;
	char canon[128], now[32];
	double num = NAN;
	dti_err rc = store_observation_variable(st, obs_id, &variable, d);

	if (!rc && !variable)
		rc = diag_set(d, DTI_ENOTFOUND, "no observation %lld", (long long)obs_id);
	if (!rc && a == APPRAISE_CORRECT)
		rc = check_correction(fw, obs_id, variable, raw_value, canon, &num, d);
	if (!rc) {
		store_appraisal_act act = {obs_id,
					   appraisal_action_name(a),
					   a == APPRAISE_CORRECT ? canon : NULL,
					   a == APPRAISE_CORRECT ? num : NAN,
					   by,
					   now,
					   reason && *reason ? reason : NULL};
		now_iso(now);
		rc = store_appraisal_add(st, &act, appraisal_id, d);
	}
	free(variable);
	return rc;
}

dti_err appraisal_record(staging *st, const framework *fw, int64_t obs_id, appraisal_action a,
			 const char *raw_value, const char *by, const char *reason,
			 int64_t *appraisal_id, dti_diag *d)
{
	return appraisal_record_all(st, fw, &obs_id, 1, a, raw_value, by, reason, appraisal_id, d);
}

dti_err appraisal_record_all(staging *st, const framework *fw, const int64_t *obs_ids, size_t n,
			     appraisal_action a, const char *raw_value, const char *by,
			     const char *reason, int64_t *appraisal_ids, dti_diag *d)
{
	dti_err rc = check_act(a, by, reason, d);

	if (rc)
		return rc;
	rc = staging_begin(st, d);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = record_one(st, fw, obs_ids[i], a, raw_value, by, reason,
				appraisal_ids ? &appraisal_ids[i] : NULL, d);
	if (rc) {
		staging_rollback(st);
		return rc;
	}
	return staging_commit(st, d);
}

dti_err appraisal_find(staging *st, int year, const char *commune_code, const char *variable,
		       const char *source, int64_t **ids, size_t *n, dti_diag *d)
{
	dti_err rc = store_appraisal_find(st, year, commune_code, variable, source, ids, n, d);

	if (!rc && *n == 0)
		rc = diag_set(d, DTI_ENOTFOUND, "no observation of %s for commune %s in %d%s%s",
			      variable, commune_code, year, source ? " from source " : "",
			      source ? source : "");
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
	json_array_foreach(names, i, e)
	{
		const char *n = json_string_value(e);
		if (!n || !framework_variable(fw, n))
			return diag_set(
				d, DTI_ECONFIG,
				"%s: official.must_verify[%zu]: '%s' is not a variable of %s",
				c->path, i, n ? n : "(not a string)", fw->edition);
		strmap_put(out, n, 1);
	}
	json_array_foreach(sources, i, e)
	{
		const char *src = json_string_value(e);
		bool any = false;
		if (!src)
			return diag_set(d, DTI_ECONFIG,
					"%s: official.must_verify_sources[%zu] is not a string",
					c->path, i);
		for (size_t k = 0; k < fw->n_variables; k++)
			if (strcmp(fw->variables[k].source, src) == 0) {
				strmap_put(out, fw->variables[k].name, 1);
				any = true;
			}
		if (!any)
			return diag_set(
				d, DTI_ECONFIG,
				"%s: official.must_verify_sources[%zu]: no variable of %s has "
				"source '%s'",
				c->path, i, fw->edition, src);
	}
	return DTI_EOK;
}

/* The variables of a queue as a JSON list into out, *n of them; false
 * (out untouched) for every variable stored, the framework's or not: all
 * to be verified, and not an appraiser's. */
static bool queue_variables(const framework *fw, const strmap *must, bool all, bool appraiser,
			    char *const *unit_names, size_t n_units, strbuf *out, size_t *n)
{
	*n = 0;
	if (all && !appraiser)
		return false;
	sb_appends(out, "[");
	for (size_t i = 0; i < fw->n_variables; i++) {
		const char *name = fw->variables[i].name;
		if ((!all && !strmap_get(must, name, NULL)) ||
		    (appraiser && !verifiers_cover(fw, unit_names, n_units, name)))
			continue;
		if ((*n)++)
			sb_appends(out, ",");
		sb_json_string(out, name);
	}
	sb_appends(out, "]");
	return true;
}

dti_err appraisal_queue(staging *st, const config *c, const framework *fw, int year,
			const char *commune_code, bool appraiser, char *const *unit_names,
			size_t n_units, int64_t limit, int64_t *total, store_appraisal_item_fn fn,
			void *ctx, dti_diag *d)
{
	strmap must;
	strbuf vars;
	bool all = false, listed = false;
	size_t n = 0;
	dti_err rc;

	if (total)
		*total = 0;
	strmap_init(&must);
	sb_init(&vars, 0);
	rc = appraisal_must_verify(c, fw, &must, &all, d);
	if (!rc)
		listed = queue_variables(fw, &must, all, appraiser, unit_names, n_units, &vars, &n);
	if (!rc && (!listed || n))
		rc = store_appraisal_queue(st, year, commune_code, listed ? vars.data : NULL, limit,
					   total, fn, ctx, d);
	sb_free(&vars);
	strmap_free(&must);
	return rc;
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
				"%s: appraisal.tolerance.%s must be a non-negative number", c->path,
				key);
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
		return diag_set(
			d, DTI_ECONFIG,
			"%s: appraisal.tolerance must be an object {\"absolute\": N, \"relative\": F}",
			c->path);
	rc = tolerance_number(c, tol, "absolute", &t->absolute, d);
	if (!rc)
		rc = tolerance_number(c, tol, "relative", &t->relative, d);
	return rc;
}

dti_err appraisal_tolerance_sync(staging *st, const appraisal_tolerance *t, dti_diag *d)
{
	char a[64], r[64];

	format_number(a, t->absolute);
	format_number(r, t->relative);
	return store_disagreement_tolerance_set(st, a, r, d);
}

/* The configuration's round of a year into out. */
static dti_err round_configured(const config *c, int year, appraisal_round *out, dti_diag *d)
{
	json_t *rounds = json_object_get(c->root, "rounds");
	json_t *round, *dl;
	char key[16];

	if (!rounds)
		return DTI_EOK;
	if (!json_is_object(rounds))
		return diag_set(
			d, DTI_ECONFIG,
			"%s: \"rounds\" must be an object keyed by year: {\"%d\": {\"deadline\": …}}",
			c->path, year);
	snprintf(key, sizeof key, "%d", year);
	round = json_object_get(rounds, key);
	if (!round)
		return DTI_EOK;
	dl = json_object_get(round, "deadline");
	if (!json_is_object(round) || (dl && !json_is_string(dl)))
		return diag_set(d, DTI_ECONFIG,
				"%s: rounds.%s must be {\"deadline\": \"ISO time\"}", c->path, key);
	if (!dl)
		return DTI_EOK;
	if (!form_parse_time(json_string_value(dl), &out->deadline_at) ||
	    strlen(json_string_value(dl)) >= sizeof out->deadline)
		return diag_set(d, DTI_ECONFIG,
				"%s: rounds.%s.deadline '%s' is not a time such as "
				"2024-12-31T17:00:00+07:00",
				c->path, key, json_string_value(dl));
	out->has_deadline = true;
	snprintf(out->deadline, sizeof out->deadline, "%s", json_string_value(dl));
	return DTI_EOK;
}

dti_err appraisal_round_get(staging *st, const config *c, int year, appraisal_round *out,
			    dti_diag *d)
{
	char *deadline = NULL, *closed_at = NULL;
	bool found = false;
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = st ? store_round_get(st, year, &deadline, &closed_at, &found, d) : DTI_EOK;
	if (rc || !found) {
		free(deadline);
		free(closed_at);
		return rc ? rc : round_configured(c, year, out, d);
	}
	out->from_database = true;
	if (deadline && strlen(deadline) < sizeof out->deadline &&
	    form_parse_time(deadline, &out->deadline_at)) {
		out->has_deadline = true;
		snprintf(out->deadline, sizeof out->deadline, "%s", deadline);
	}
	if (closed_at && strlen(closed_at) < sizeof out->closed_at &&
	    time_parse_iso(closed_at, &out->closed_at_t)) {
		out->closed = true;
		snprintf(out->closed_at, sizeof out->closed_at, "%s", closed_at);
	}
	free(deadline);
	free(closed_at);
	return DTI_EOK;
}

dti_err appraisal_round_deadline(staging *st, const config *c, int year, bool *has,
				 const char **text, time_t *deadline, dti_diag *d)
{
	static _Thread_local appraisal_round r;
	dti_err rc = appraisal_round_get(st, c, year, &r, d);

	*has = false;
	*text = NULL;
	if (rc)
		return rc;
	if (r.closed) {
		/* Closed at T: nothing is taken from T on, in the same second
		 * too (callers refuse what comes after the deadline). */
		*has = true;
		*text = r.closed_at;
		*deadline = r.closed_at_t - 1;
	} else if (r.has_deadline) {
		*has = true;
		*text = r.deadline;
		*deadline = r.deadline_at;
	}
	return DTI_EOK;
}

dti_err appraisal_round_change_apply(staging *st, const config *c, int year,
				     appraisal_round_change change, const char *deadline,
				     const char *by, dti_diag *d)
{
	appraisal_round now_round;
	time_t at;
	char now[32];
	dti_err rc = appraisal_round_get(st, c, year, &now_round, d);

	if (rc)
		return rc;
	now_iso(now);
	if (change == ROUND_CLOSE) {
		if (now_round.closed)
			return diag_set(d, DTI_EINVALID, "the round of %d is closed already", year);
		return store_round_set(st, year, now_round.has_deadline ? now_round.deadline : NULL,
				       now, by, d);
	}
	if (!deadline || strlen(deadline) >= sizeof now_round.deadline ||
	    !form_parse_time(deadline, &at))
		return diag_set(d, DTI_EINVALID,
				"'%s' is not a time with a zone such as 2024-12-31T17:00:00+07:00",
				deadline ? deadline : "");
	if (change == ROUND_REOPEN && at <= time(NULL))
		return diag_set(d, DTI_EINVALID, "a reopened round needs a deadline after now");
	return store_round_set(st, year, deadline, NULL, by, d);
}
