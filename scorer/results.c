#include "results.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule_kinds.h"
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
		free(o->input);
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

/* The input of the row's commune (column 0) and variable (column 1), or
 * NULL for a commune or variable the results do not have. */
static res_input *row_input(results *r, const strmap *by_code, sqlite3_stmt *s)
{
	const fw_variable *v = framework_variable(r->fw, (const char *)sqlite3_column_text(s, 1));
	intptr_t c;

	if (!v || !strmap_get(by_code, (const char *)sqlite3_column_text(s, 0), &c))
		return NULL;
	return &r->communes[c].inputs[v - r->fw->variables];
}

static dti_err load_inputs(staging *st, results *r, const strmap *by_code, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	int step;
	dti_err rc = staging_prepare(st,
				     "SELECT commune_code, variable, value, num, state FROM score_input "
				     "WHERE scoring_run_id = ?1",
				     &s, d);

	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, r->run_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		res_input *in = row_input(r, by_code, s);
		if (!in)
			continue;
		in->stored = true;
		in->text = staging_column_strdup(s, 2);
		in->state = staging_column_strdup(s, 4);
		in->value.present = in->text != NULL;
		in->value.num = sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 3);
		in->value.text = in->text;
		if (!in->value.present && in->state)
			in->value.why = strcmp(in->state, "rejected") == 0     ? FLAG_REJECTED
					: strcmp(in->state, "unverified") == 0 ? FLAG_UNVERIFIED
									       : 0;
	}
	if (step != SQLITE_DONE) {
		rc = diag_set(d, DTI_EDB, "cannot read score inputs: %s", sqlite3_errmsg(staging_db(st)));
		goto out;
	}
	sqlite3_finalize(s);
	/* The observations behind each input, with their source and run; for
	 * an input rejected by an appraiser, the rejected observations (the
	 * run scored none). */
	rc = staging_prepare(
		st,
		/* The few inputs every value of which was rejected, first: the
		 * planner would otherwise expand every input for each
		 * observation of the year. */
		"WITH rejected AS MATERIALIZED ("
		"SELECT i.commune_code, i.variable, sr.year FROM score_input i "
		"JOIN scoring_run sr ON sr.id = i.scoring_run_id "
		"WHERE i.scoring_run_id = ?1 AND i.observation_ids IS NULL AND i.state = 'rejected') "
		"SELECT i.commune_code, i.variable, o.id, st.value, st.state, src.name, src.kind, "
		"o.observed_at, coalesce(r.input, ''), o.proof_url, o.note, st.appraised_by, "
		"st.appraisal_reason "
		"FROM score_input i, json_each('[' || i.observation_ids || ']') j "
		"JOIN observation o ON o.id = j.value "
		"JOIN observation_state st ON st.id = o.id "
		"JOIN source src ON src.id = o.source_id JOIN run r ON r.id = o.run_id "
		"WHERE i.scoring_run_id = ?1 AND i.observation_ids IS NOT NULL "
		"UNION ALL "
		"SELECT i.commune_code, i.variable, o.id, st.value, st.state, src.name, src.kind, "
		"o.observed_at, coalesce(r.input, ''), o.proof_url, o.note, st.appraised_by, "
		"st.appraisal_reason "
		"FROM rejected i "
		"JOIN observation o ON o.year = i.year AND o.commune_code = i.commune_code "
		"AND o.variable = i.variable "
		"JOIN observation_state st ON st.id = o.id AND st.state = 'rejected' "
		"JOIN source src ON src.id = o.source_id JOIN run r ON r.id = o.run_id "
		"ORDER BY 1, 2, 3",
		&s, d);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, r->run_id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		res_input *in = row_input(r, by_code, s);
		res_obs *o;
		if (!in)
			continue;
		in->obs = xrealloc(in->obs, (in->n_obs + 1) * sizeof *in->obs);
		o = &in->obs[in->n_obs++];
		o->id = sqlite3_column_int64(s, 2);
		o->value = staging_column_strdup(s, 3);
		o->state = staging_column_strdup(s, 4);
		o->source = staging_column_strdup(s, 5);
		o->source_kind = staging_column_strdup(s, 6);
		o->observed_at = staging_column_strdup(s, 7);
		o->input = staging_column_strdup(s, 8);
		o->proof_url = staging_column_strdup(s, 9);
		o->note = staging_column_strdup(s, 10);
		o->appraised_by = staging_column_strdup(s, 11);
		o->appraisal_reason = staging_column_strdup(s, 12);
	}
	if (step != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "cannot read observations: %s", sqlite3_errmsg(staging_db(st)));
out:
	sqlite3_finalize(s);
	return rc;
}

static void read_score(sqlite3_stmt *s, res_score *sc)
{
	const char *flags = (const char *)sqlite3_column_text(s, 7);

	sc->points = sqlite3_column_double(s, 3);
	sc->max = sqlite3_column_double(s, 4);
	sc->fraction = sqlite3_column_double(s, 5);
	sc->ratio = sqlite3_column_type(s, 6) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 6);
	snprintf(sc->flags_text, sizeof sc->flags_text, "%s", flags ? flags : "");
	sc->flags = flags_parse(sc->flags_text);
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

dti_err results_load(staging *st, const scoring_run_info *run, bool with_inputs, results **out,
		     dti_diag *d)
{
	const framework *fw = run->fw;
	results *r = xcalloc(1, sizeof *r);
	sqlite3_stmt *s = NULL;
	strmap by_code;
	size_t cap = 0;
	int step;
	dti_err rc;

	*out = NULL;
	strmap_init(&by_code);
	r->fw = fw;
	r->run_id = run->id;
	r->year = run->year;
	r->with_inputs = with_inputs;
	snprintf(r->mode, sizeof r->mode, "%s", run->mode);
	snprintf(r->started_at, sizeof r->started_at, "%s", run->started_at);
	rc = staging_prepare(st,
			     "SELECT s.commune_code, coalesce(c.name, s.commune_code), s.item, s.points, "
			     "s.max_points, s.fraction, s.ratio, s.flags, s.rank, s.level FROM score s "
			     "LEFT JOIN commune c ON c.code = s.commune_code WHERE s.scoring_run_id = ?1 "
			     "ORDER BY (SELECT t.rank FROM score t WHERE t.scoring_run_id = s.scoring_run_id "
			     "AND t.commune_code = s.commune_code AND t.level = 'total'), s.commune_code",
			     &s, d);
	if (rc)
		goto out;
	sqlite3_bind_int64(s, 1, run->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(s, 0);
		const char *item = (const char *)sqlite3_column_text(s, 2);
		const char *level = (const char *)sqlite3_column_text(s, 9);
		const fw_indicator *ind;
		res_commune *c;
		intptr_t ci;
		if (!strmap_get(&by_code, code, &ci)) {
			if (r->n == cap) {
				cap = cap ? cap * 2 : 16;
				r->communes = xrealloc(r->communes, cap * sizeof *r->communes);
			}
			ci = (intptr_t)r->n++;
			c = &r->communes[ci];
			memset(c, 0, sizeof *c);
			c->code = xstrdup(code);
			c->name = xstrdup((const char *)sqlite3_column_text(s, 1));
			c->pillars = xcalloc(fw->n_pillars, sizeof *c->pillars);
			c->indicators = xcalloc(fw->n_indicators, sizeof *c->indicators);
			c->inputs = xcalloc(fw->n_variables, sizeof *c->inputs);
			strmap_put(&by_code, code, ci);
		}
		c = &r->communes[ci];
		ind = framework_indicator(fw, item);
		if (strcmp(level, "total") == 0) {
			c->total = sqlite3_column_double(s, 3);
			c->rank = sqlite3_column_int(s, 8);
		} else if (ind) {
			read_score(s, &c->indicators[ind - fw->indicators]);
		} else {
			for (size_t p = 0; p < fw->n_pillars; p++)
				if (strcmp(fw->pillars[p].id, item) == 0)
					read_score(s, &c->pillars[p]);
		}
	}
	if (step != SQLITE_DONE) {
		rc = diag_set(d, DTI_EDB, "cannot read scores: %s", sqlite3_errmsg(staging_db(st)));
		goto out;
	}
	r->names = xcalloc(r->n ? r->n : 1, sizeof *r->names);
	for (size_t c = 0; c < r->n; c++)
		r->names[c] = r->communes[c].name;
	index_cross(r);
	if (with_inputs)
		rc = load_inputs(st, r, &by_code, d);
out:
	sqlite3_finalize(s);
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
