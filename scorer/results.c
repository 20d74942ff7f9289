#include "results.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule_kinds.h"
#include "store_score.h"
#include "util.h"

long results_find(const results *r, const char *code)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->communes[i].code, code) == 0)
			return (long)i;
	return -1;
}

static void input_free(res_input *in)
{
	free(in->text);
	free(in->state);
	for (size_t k = 0; k < in->n_obs; k++) {
		res_obs *o = &in->obs[k];
		free(o->value);
		free(o->state);
		free(o->source);
		free(o->source_kind);
		free(o->observed_at);
		free(o->proof_url);
		free(o->note);
		free(o->appraised_by);
		free(o->appraisal_reason);
	}
	free(in->obs);
}

void results_free(results *r)
{
	if (!r)
		return;
	for (size_t c = 0; c < r->n; c++) {
		res_commune *rc = &r->communes[c];
		free(rc->code);
		free(rc->name);
		free(rc->pillars);
		free(rc->indicators);
		for (size_t v = 0; rc->inputs && v < r->fw->n_variables; v++)
			input_free(&rc->inputs[v]);
		free(rc->inputs);
	}
	for (size_t i = 0; r->cross_x && i < r->fw->n_indicators; i++)
		free(r->cross_x[i]);
	free(r->cross_x);
	free(r->cross_top);
	free(r->communes);
	free(r->names);
	free(r);
}

/* The input of commune `code` and variable `var`, or NULL for a commune or
 * variable the results do not have. */
static res_input *find_input(results *r, const strmap *by_code, const char *code, const char *var)
{
	const fw_variable *v = framework_variable(r->fw, var);
	intptr_t c;

	if (!v || !strmap_get(by_code, code, &c))
		return NULL;
	return &r->communes[c].inputs[v - r->fw->variables];
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Where the rows read go: the results and their index of codes. */
typedef struct load_ctx {
	results *r;
	strmap *by_code;
	size_t cap; /* communes allocated */
} load_ctx;

static dti_err take_input(void *ctx, const store_score_input *si, dti_diag *d)
{
	load_ctx *l = ctx;
	res_input *in = find_input(l->r, l->by_code, si->commune_code, si->variable);

	(void)d;
	if (!in)
		return DTI_EOK;
	in->stored = true;
	in->text = dup_or_null(si->value);
	in->state = dup_or_null(si->state);
	in->value.present = in->text != NULL;
	in->value.num = si->num;
	in->value.text = in->text;
	if (!in->value.present && in->state)
		in->value.why = strcmp(in->state, "rejected") == 0     ? FLAG_REJECTED
				: strcmp(in->state, "unverified") == 0 ? FLAG_UNVERIFIED
								       : 0;
	return DTI_EOK;
}

static dti_err take_observation(void *ctx, const store_input_observation *so, dti_diag *d)
{
	load_ctx *l = ctx;
	res_input *in = find_input(l->r, l->by_code, so->commune_code, so->variable);
	res_obs *o;

	(void)d;
	if (!in)
		return DTI_EOK;
	in->obs = xrealloc(in->obs, (in->n_obs + 1) * sizeof *in->obs);
	o = &in->obs[in->n_obs++];
	o->id = so->id;
	o->value = dup_or_null(so->value);
	o->state = dup_or_null(so->state);
	o->source = dup_or_null(so->source);
	o->source_kind = dup_or_null(so->source_kind);
	o->observed_at = dup_or_null(so->observed_at);
	o->proof_url = dup_or_null(so->proof_url);
	o->note = dup_or_null(so->note);
	o->appraised_by = dup_or_null(so->appraised_by);
	o->appraisal_reason = dup_or_null(so->appraisal_reason);
	return DTI_EOK;
}

/* The inputs of the run, then the observations behind each of them. */
static dti_err load_inputs(staging *st, results *r, strmap *by_code, dti_diag *d)
{
	load_ctx l = {r, by_code, 0};
	dti_err rc = store_score_inputs_each(st, r->run_id, take_input, &l, d);

	if (!rc)
		rc = store_input_observations_each(st, r->run_id, take_observation, &l, d);
	return rc;
}

static void read_score(const store_score *s, res_score *sc)
{
	sc->points = s->points;
	sc->max = s->max_points;
	sc->fraction = s->fraction;
	sc->ratio = s->ratio;
	snprintf(sc->flags_text, sizeof sc->flags_text, "%s", s->flags);
	sc->flags = flags_parse(sc->flags_text);
	sc->not_applicable = sc->flags & FLAG_NOT_APPLICABLE;
	sc->flags &= ~FLAG_NOT_APPLICABLE;
}

/* The x of every commune for each cross-commune indicator, and who holds
 * the extremes, so advising each commune needs no scan of the set. */
static void index_cross(results *r)
{
	const framework *fw = r->fw;

	r->cross_x = xcalloc(fw->n_indicators, sizeof *r->cross_x);
	r->cross_top = xcalloc(fw->n_indicators, sizeof *r->cross_top);
	for (size_t i = 0; i < fw->n_indicators; i++) {
		size_t *t = r->cross_top[i];
		double *xs;
		if (!rule_kind_of(&fw->indicators[i])->normalised)
			continue;
		xs = r->cross_x[i] = xcalloc(r->n ? r->n : 1, sizeof *xs);
		t[0] = t[1] = t[2] = t[3] = SIZE_MAX;
		for (size_t c = 0; c < r->n; c++) {
			double x = xs[c] = r->communes[c].indicators[i].ratio;
			if (isnan(x))
				continue;
			if (t[0] == SIZE_MAX || x > xs[t[0]]) {
				t[1] = t[0];
				t[0] = c;
			} else if (t[1] == SIZE_MAX || x > xs[t[1]]) {
				t[1] = c;
			}
			if (t[2] == SIZE_MAX || x < xs[t[2]]) {
				t[3] = t[2];
				t[2] = c;
			} else if (t[3] == SIZE_MAX || x < xs[t[3]]) {
				t[3] = c;
			}
		}
	}
}

/* The commune of a score row, added to the results when first met. */
static res_commune *row_commune(load_ctx *l, const store_score *s)
{
	results *r = l->r;
	const framework *fw = r->fw;
	res_commune *c;
	intptr_t ci;

	if (strmap_get(l->by_code, s->commune_code, &ci))
		return &r->communes[ci];
	if (r->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		r->communes = xrealloc(r->communes, l->cap * sizeof *r->communes);
	}
	ci = (intptr_t)r->n++;
	c = &r->communes[ci];
	memset(c, 0, sizeof *c);
	c->code = xstrdup(s->commune_code);
	c->name = xstrdup(s->commune_name);
	c->pillars = xcalloc(fw->n_pillars, sizeof *c->pillars);
	c->indicators = xcalloc(fw->n_indicators, sizeof *c->indicators);
	c->inputs = xcalloc(fw->n_variables, sizeof *c->inputs);
	strmap_put(l->by_code, s->commune_code, ci);
	return c;
}

static dti_err take_score(void *ctx, const store_score *s, dti_diag *d)
{
	load_ctx *l = ctx;
	const framework *fw = l->r->fw;
	res_commune *c = row_commune(l, s);
	const fw_indicator *ind = framework_indicator(fw, s->item);

	(void)d;
	if (strcmp(s->level, "total") == 0) {
		c->total = s->points;
		c->max = s->max_points;
		c->rank = (long)s->rank;
	} else if (ind) {
		read_score(s, &c->indicators[ind - fw->indicators]);
	} else {
		for (size_t p = 0; p < fw->n_pillars; p++)
			if (strcmp(fw->pillars[p].id, s->item) == 0)
				read_score(s, &c->pillars[p]);
	}
	return DTI_EOK;
}

/* An input that only indicators not applicable to the commune read is not
 * one it needs: not counted as missing, not listed among its inputs. */
static void drop_unneeded_inputs(results *r)
{
	const framework *fw = r->fw;

	for (size_t c = 0; c < r->n; c++)
		for (size_t v = 0; v < fw->n_variables; v++) {
			bool needed = false;
			for (size_t i = 0; !needed && i < fw->n_indicators; i++)
				needed = !r->communes[c].indicators[i].not_applicable &&
					 framework_indicator_uses(&fw->indicators[i],
								  &fw->variables[v]);
			if (!needed)
				r->communes[c].inputs[v].stored = false;
		}
}

dti_err results_load(staging *st, const scoring_run_info *run, bool with_inputs, results **out,
		     dti_diag *d)
{
	results *r = xcalloc(1, sizeof *r);
	strmap by_code;
	load_ctx l = {r, &by_code, 0};
	dti_err rc;

	*out = NULL;
	strmap_init(&by_code);
	r->fw = run->fw;
	r->run_id = run->id;
	r->year = run->year;
	r->with_inputs = with_inputs;
	snprintf(r->mode, sizeof r->mode, "%s", run->mode);
	snprintf(r->started_at, sizeof r->started_at, "%s", run->started_at);
	rc = store_scores_each(st, run->id, take_score, &l, d);
	if (rc)
		goto out;
	r->names = xcalloc(r->n ? r->n : 1, sizeof *r->names);
	for (size_t c = 0; c < r->n; c++) {
		r->names[c] = r->communes[c].name;
		if (fabs(r->communes[c].max - r->communes[0].max) > 1e-9)
			r->maxima_differ = true;
	}
	index_cross(r);
	if (with_inputs)
		rc = load_inputs(st, r, &by_code, d);
	if (!rc && with_inputs && r->fw->by_unit_type)
		drop_unneeded_inputs(r);
out:
	strmap_free(&by_code);
	if (rc)
		results_free(r);
	else
		*out = r;
	return rc;
}

typedef struct lookup_ctx {
	const framework *fw;
	const res_commune *c;
} lookup_ctx;

static rule_value commune_lookup(void *ctx, const fw_variable *v)
{
	lookup_ctx *l = ctx;
	return l->c->inputs[v - l->fw->variables].value;
}

void results_advice(const results *r, size_t c, size_t i, advice *out)
{
	const fw_indicator *ind = &r->fw->indicators[i];
	lookup_ctx l = {r->fw, &r->communes[c]};
	advice_set set;

	if (r->communes[c].indicators[i].not_applicable) {
		memset(out, 0, sizeof *out); /* ADVICE_NONE: no point to win */
		out->best_x = NAN;
		return;
	}
	if (!rule_kind_of(ind)->normalised) {
		advice_compute(r->fw, ind, commune_lookup, &l, NULL, out);
		return;
	}
	{
		const size_t *t = r->cross_top[i];
		const double *xs = r->cross_x[i];
		size_t hi = t[0] == c ? t[1] : t[0], lo = t[2] == c ? t[3] : t[2];
		memset(&set, 0, sizeof set);
		set.x = xs;
		set.names = r->names;
		set.n = r->n;
		set.self = c;
		set.bounds = true;
		set.others_max = hi == SIZE_MAX ? -INFINITY : xs[hi];
		set.others_min = lo == SIZE_MAX ? INFINITY : xs[lo];
		set.best = hi == SIZE_MAX ? c : hi;
	}
	advice_compute(r->fw, ind, commune_lookup, &l, &set, out);
}
