#include "explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rule_kinds.h"
#include "store_report.h"
#include "util.h"

typedef struct explain_inputs {
	const framework *fw;
	rule_value *values;
	char **texts;
	char **obs;    /* observation ids per variable, NULL when none */
	char **states; /* NULL when not stored */
} explain_inputs;

static rule_value lookup(void *ctx, const fw_variable *v)
{
	explain_inputs *in = ctx;
	return in->values[v - in->fw->variables];
}

static void print_observation(const store_report_obs *o, FILE *out)
{
	fprintf(out, "      observation %lld: %s from source '%s' (%s), run %lld, %s",
		(long long)o->id, o->value, o->source, o->source_kind, (long long)o->run_id,
		o->observed_at);
	if (*o->input)
		fprintf(out, ", read from %s", o->input);
	if (strcmp(o->state, "raw") != 0)
		fprintf(out, "; %s by %s%s%s (value %s)", o->state, o->appraised_by,
			*o->reason ? ": " : "", o->reason, o->state_value);
	if (*o->proof_url)
		fprintf(out, "; proof %s", o->proof_url);
	fputc('\n', out);
}

/* The observations of a comma-separated id list (an input's
 * observation_ids), in its order. */
static dti_err print_observations(staging *st, const char *ids, FILE *out, dti_diag *d)
{
	char *copy = xstrdup(ids), *p = copy;
	dti_err rc = DTI_EOK;

	while (!rc && p && *p) {
		char *comma = strchr(p, ',');
		store_report_obs o;
		bool found = false;
		int64_t id;
		if (comma)
			*comma = '\0';
		if (parse_i64(p, &id)) {
			rc = store_report_observation(st, id, &o, &found, d);
			if (!rc && found)
				print_observation(&o, out);
			store_report_obs_free(&o);
		}
		p = comma ? comma + 1 : NULL;
	}
	free(copy);
	return rc;
}

static const char *rule_words(const fw_indicator *ind, char *buf, size_t len)
{
	rule_kind_of(ind)->describe(ind, buf, len);
	return buf;
}

/* An input every value of which was rejected has no observation ids: its
 * rejected observations (as the report shows them, results.c) say whose
 * values they were and who rejected them. */
static dti_err print_rejected(staging *st, const scoring_run_info *run, const char *commune_code,
			      const char *variable, FILE *out, dti_diag *d)
{
	store_report_obs_list l;
	dti_err rc = store_report_rejected(st, run->year, commune_code, variable, &l, d);

	for (size_t i = 0; !rc && i < l.n; i++)
		print_observation(&l.items[i], out);
	store_report_obs_list_free(&l);
	return rc;
}

/* The lines about the score itself; for a pillar or TOTAL (ind NULL) the
 * whole explanation. */
static void print_score(const scoring_run_info *run, const char *commune_code, const char *item,
			const fw_indicator *ind, const store_report_score *sc, FILE *out)
{
	char buf[256], a[64], b[64];

	format_number(a, sc->points);
	format_number(b, sc->max_points);
	fprintf(out, "commune %s %s, year %d, scoring run %lld (%s, %s, %s)\n", commune_code,
		sc->commune_name, run->year, (long long)run->id, run->mode, run->fw->edition,
		run->started_at);
	if (!ind) {
		fprintf(out, "%s: %s / %s points", item, a, b);
		if (sc->has_rank)
			fprintf(out, ", rank %d", (int)sc->rank);
		fprintf(out,
			"\n%s is the sum of its indicators' points; explain each with its id.\n",
			item);
		return;
	}
	fprintf(out, "%s %s\n", ind->id, ind->name);
	fprintf(out, "  points: %s / %s%s%s\n", a, b, *sc->flags ? "  flags: " : "", sc->flags);
	fprintf(out, "  rule: %s\n", rule_words(ind, buf, sizeof buf));
	if (*ind->method)
		fprintf(out, "  method (seed): %s\n", ind->method);
	if (*ind->proof)
		fprintf(out, "  proof expected: %s\n", ind->proof);
}

/* The commune's stored inputs into in (arrays of fw->n_variables, the
 * caller's). */
static dti_err read_inputs(staging *st, const scoring_run_info *run, const char *commune_code,
			   explain_inputs *in, dti_diag *d)
{
	const framework *fw = run->fw;
	store_report_inputs l;
	dti_err rc = store_report_inputs_of(st, run->id, commune_code, &l, d);

	for (size_t i = 0; !rc && i < l.n; i++) {
		const store_report_input *x = &l.items[i];
		const fw_variable *v = framework_variable(fw, x->variable);
		size_t k;
		if (!v)
			continue;
		k = (size_t)(v - fw->variables);
		in->values[k].present = x->value != NULL;
		/* A number read from SQL NULL was always 0 here. */
		in->values[k].num = isnan(x->num) ? 0 : x->num;
		in->texts[k] = x->value ? xstrdup(x->value) : NULL;
		in->values[k].text = in->texts[k];
		in->states[k] = xstrdup(x->state);
		in->obs[k] = x->observation_ids ? xstrdup(x->observation_ids) : NULL;
	}
	store_report_inputs_free(&l);
	return rc;
}

/* The inputs the indicator uses, each with the observations behind it. */
static dti_err print_inputs(staging *st, const scoring_run_info *run, const char *commune_code,
			    const fw_indicator *ind, const explain_inputs *in, FILE *out,
			    dti_diag *d)
{
	const framework *fw = run->fw;
	dti_err rc = DTI_EOK;

	fprintf(out, "  inputs:\n");
	for (size_t k = 0; !rc && k < fw->n_variables; k++) {
		const fw_variable *v = &fw->variables[k];
		if (!framework_indicator_uses(ind, v))
			continue;
		fprintf(out, "    %s = %s  [%s]%s\n", v->name,
			in->texts[k] ? in->texts[k] : "(none)",
			in->states[k] ? in->states[k] : "missing",
			v->summed ? "  sum over sources" : "");
		if (in->obs[k])
			rc = print_observations(st, in->obs[k], out, d);
		else if (in->states[k] && strcmp(in->states[k], "rejected") == 0)
			rc = print_rejected(st, run, commune_code, v->name, out, d);
	}
	return rc;
}

static void inputs_free(explain_inputs *in, size_t n)
{
	for (size_t k = 0; in->values && k < n; k++) {
		free(in->texts[k]);
		free(in->obs[k]);
		free(in->states[k]);
	}
	free(in->values);
	free(in->texts);
	free(in->obs);
	free(in->states);
}

dti_err explain_score(staging *st, const scoring_run_info *run, const char *commune_code,
		      const char *item, FILE *out, dti_diag *d)
{
	const framework *fw = run->fw;
	const fw_indicator *ind = framework_indicator(fw, item);
	explain_inputs inputs = {fw, NULL, NULL, NULL, NULL};
	store_report_score sc;
	rule_result r;
	double set_min = NAN, set_max = NAN;
	bool found = false;
	char buf[128];
	strbuf sb;
	dti_err rc;

	sb_init(&sb, 0);
	rc = store_report_score_of(st, run->id, commune_code, item, &sc, &found, d);
	if (rc)
		goto out;
	if (!found) {
		rc = diag_set(d, DTI_ENOTFOUND, "no score '%s' for commune %s in scoring run %lld",
			      item, commune_code, (long long)run->id);
		goto out;
	}
	print_score(run, commune_code, item, ind, &sc, out);
	if (!ind)
		goto out;
	if (flags_parse(sc.flags) & FLAG_NOT_APPLICABLE) {
		fprintf(out,
			"  not applicable: the framework scores it for %s only; not scored, and not "
			"in the commune's maximum\n",
			framework_applies_words(ind, buf, sizeof buf));
		goto out;
	}
	r.fraction = sc.fraction;
	r.ratio = sc.ratio;
	r.flags = flags_parse(sc.flags);
	inputs.values = xcalloc(fw->n_variables, sizeof *inputs.values);
	inputs.texts = xcalloc(fw->n_variables, sizeof *inputs.texts);
	inputs.obs = xcalloc(fw->n_variables, sizeof *inputs.obs);
	inputs.states = xcalloc(fw->n_variables, sizeof *inputs.states);
	rc = read_inputs(st, run, commune_code, &inputs, d);
	if (!rc)
		rc = print_inputs(st, run, commune_code, ind, &inputs, out, d);
	if (!rc && rule_kind_of(ind)->normalised) {
		rc = store_report_ratio_range(st, run->id, item, &set_min, &set_max, d);
		/* min and max of no ratio at all were always read as 0 here. */
		if (isnan(set_min))
			set_min = 0;
		if (isnan(set_max))
			set_max = 0;
	}
	if (rc)
		goto out;
	score_describe(fw, ind, lookup, &inputs, r, set_min, set_max, &sb);
	fprintf(out, "  arithmetic: %s\n", sb.data ? sb.data : "");
out:
	inputs_free(&inputs, fw->n_variables);
	store_report_score_free(&sc);
	sb_free(&sb);
	return rc;
}
