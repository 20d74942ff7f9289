/* provisional.c — one commune scored from current values and its working
 * answers, nothing stored (see provisional.h). */
#include "provisional.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rule_kinds.h"
#include "store_commune.h"
#include "store_score.h"
#include "strmap.h"
#include "util.h"

/* The resolved inputs scoring one commune needs, as the scorer resolves
 * them in provisional mode (a rejected value is no value): all of its own,
 * and of every active commune the variables a normalised indicator reads
 * (the grid's columns). */
typedef struct input_grid {
	const framework *fw;
	commune_list communes;
	strmap code_index, var_index;
	size_t self;      /* the commune scored */
	rule_value *own;  /* [nv]: its inputs */
	char **own_texts; /* [nv], owned */
	size_t *col;      /* [nv]: the variable's column, or NO_COLUMN */
	size_t ncol;
	rule_value *values; /* [nc * ncol]: the other communes' (self's are in own) */
	char **texts;       /* [nc * ncol], owned */
	int *unit_type;     /* [nc] UNIT_TYPE_* when the framework scores by
				  * type, else -1 (and -1 for a type not known: the
				  * scorer refuses to score it, dti-web shows what
				  * applies to every unit) */
	size_t nc, nv;
} input_grid;

enum { NO_COLUMN = SIZE_MAX };

typedef struct grid_lookup {
	const input_grid *g;
	size_t c;
} grid_lookup;

/* Where commune c's value of variable v is kept; NULL when the grid keeps
 * none (a variable of another commune no normalised indicator reads). */
static rule_value *grid_cell(const input_grid *g, size_t c, size_t v, char ***text)
{
	if (c == g->self) {
		*text = &g->own_texts[v];
		return &g->own[v];
	}
	if (g->col[v] == NO_COLUMN)
		return NULL;
	*text = &g->texts[c * g->ncol + g->col[v]];
	return &g->values[c * g->ncol + g->col[v]];
}

static rule_value grid_get(void *ctx, const fw_variable *v)
{
	const grid_lookup *l = ctx;
	char **text;
	const rule_value *cell = grid_cell(l->g, l->c, (size_t)(v - l->g->fw->variables), &text);
	rule_value none = {0};

	return cell ? *cell : none;
}

static void grid_set(input_grid *g, size_t c, size_t v, const char *text, double num, bool present,
		     unsigned why)
{
	char **t;
	rule_value *cell = grid_cell(g, c, v, &t);

	if (!cell)
		return;
	free(*t);
	*t = text ? xstrdup(text) : NULL;
	cell->present = present;
	cell->num = num;
	cell->text = g->fw->variables[v].type == VAR_ENUM ? *t : NULL;
	cell->why = why;
}

static dti_err take_input(void *ctx, const store_input *in, dti_diag *d)
{
	input_grid *g = ctx;
	intptr_t c, v;
	bool rejected = in->state && strcmp(in->state, "rejected") == 0;

	(void)d;
	if (!strmap_get(&g->code_index, in->commune_code, &c) ||
	    !strmap_get(&g->var_index, in->variable, &v))
		return DTI_EOK;
	grid_set(g, (size_t)c, (size_t)v, in->value, in->num, in->value && !rejected,
		 rejected ? FLAG_REJECTED : 0);
	return DTI_EOK;
}

/* The grid's columns: the variables some normalised indicator reads, and
 * their names as a JSON array into sb. */
static void normalised_variables(input_grid *g, strbuf *sb)
{
	const framework *fw = g->fw;

	sb_appends(sb, "[");
	for (size_t v = 0; v < fw->n_variables; v++) {
		bool used = false;
		for (size_t i = 0; i < fw->n_indicators && !used; i++)
			used = rule_kind_of(&fw->indicators[i])->normalised &&
			       framework_indicator_uses(&fw->indicators[i], &fw->variables[v]);
		g->col[v] = used ? g->ncol : NO_COLUMN;
		if (!used)
			continue;
		if (g->ncol++)
			sb_appends(sb, ",");
		sb_json_string(sb, fw->variables[v].name);
	}
	sb_appends(sb, "]");
}

/* Reads what scoring commune_code needs: every input of its own, and of
 * the other communes only those the normalised indicators read (their set
 * is every commune; the other indicators read the commune alone).  A
 * country's current values are 640,000 rows, its normalised inputs a few
 * of each commune's sixty. */
static dti_err grid_load(input_grid *g, staging *st, const framework *fw, int year,
			 const char *commune_code, dti_diag *d)
{
	strbuf names;
	intptr_t self;
	dti_err rc;

	memset(g, 0, sizeof *g);
	g->fw = fw;
	g->nv = fw->n_variables;
	strmap_init(&g->code_index);
	strmap_init(&g->var_index);
	rc = staging_active_communes(st, &g->communes, d);
	if (rc)
		return rc;
	g->nc = g->communes.count;
	g->unit_type = xcalloc(g->nc + 1, sizeof *g->unit_type);
	for (size_t c = 0; c < g->nc; c++) {
		strmap_put(&g->code_index, g->communes.items[c].code, (intptr_t)c);
		g->unit_type[c] = -1;
	}
	if (!strmap_get(&g->code_index, commune_code, &self))
		return diag_set(d, DTI_ENOTFOUND, "commune %s is not one of the communes assessed",
				commune_code);
	g->self = (size_t)self;
	g->own = xcalloc(g->nv + 1, sizeof *g->own);
	g->own_texts = xcalloc(g->nv + 1, sizeof *g->own_texts);
	g->col = xcalloc(g->nv + 1, sizeof *g->col);
	sb_init(&names, 0);
	normalised_variables(g, &names);
	g->values = xcalloc(g->nc * g->ncol + 1, sizeof *g->values);
	g->texts = xcalloc(g->nc * g->ncol + 1, sizeof *g->texts);
	for (size_t v = 0; v < g->nv; v++)
		strmap_put(&g->var_index, fw->variables[v].name, (intptr_t)v);
	if (fw->by_unit_type) {
		strmap types;
		strmap_init(&types);
		rc = store_commune_unit_types(st, &types, d);
		for (size_t c = 0; !rc && c < g->nc; c++) {
			intptr_t t;
			if (strmap_get(&types, g->communes.items[c].code, &t) && t >= 0)
				g->unit_type[c] = (int)t;
		}
		strmap_free(&types);
	}
	if (!rc)
		rc = store_commune_current_inputs(st, year, commune_code, take_input, g, d);
	if (!rc && g->ncol)
		rc = store_current_inputs_of(st, year, names.data, take_input, g, d);
	sb_free(&names);
	return rc;
}

static void grid_free(input_grid *g)
{
	for (size_t k = 0; g->texts && k < g->nc * g->ncol; k++)
		free(g->texts[k]);
	for (size_t v = 0; g->own_texts && v < g->nv; v++)
		free(g->own_texts[v]);
	free(g->texts);
	free(g->values);
	free(g->own_texts);
	free(g->own);
	free(g->col);
	free(g->unit_type);
	strmap_free(&g->code_index);
	strmap_free(&g->var_index);
	commune_list_free(&g->communes);
}

/* The working answers over commune c's current values. */
static void overlay(input_grid *g, size_t c, const provisional_answer *answers, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		intptr_t v;
		char canon[128];
		double num = NAN;
		if (!answers[i].variable || !answers[i].value || !*answers[i].value ||
		    !strmap_get(&g->var_index, answers[i].variable, &v))
			continue;
		if (framework_value(&g->fw->variables[v], answers[i].value, '.', canon,
				    sizeof canon, &num, NULL) != DTI_EOK)
			continue;
		grid_set(g, c, (size_t)v, canon, num, true, 0);
	}
}

/* A normalised indicator: x of every commune it applies to (as the scorer
 * normalises), then commune self's fraction over the set's bounds, and its
 * advice against the set. */
static void score_normalised(const input_grid *g, const fw_indicator *ind, size_t self,
			     provisional_indicator *out)
{
	double *xs = xcalloc(g->nc, sizeof *xs), mn = INFINITY, mx = -INFINITY;
	const char **names = xcalloc(g->nc, sizeof *names);
	grid_lookup l = {g, 0};
	advice_set set;

	for (size_t c = 0; c < g->nc; c++) {
		l.c = c;
		xs[c] = framework_applies(ind, g->unit_type[c])
				? rule_eval(g->fw, ind, grid_get, &l).ratio
				: NAN;
		names[c] = g->communes.items[c].name;
		if (!isnan(xs[c])) {
			mn = fmin(mn, xs[c]);
			mx = fmax(mx, xs[c]);
		}
	}
	l.c = self;
	out->flags = rule_eval(g->fw, ind, grid_get, &l).flags;
	out->fraction = isnan(xs[self]) ? 0.0 : rule_normalise(ind->norm, xs[self], mn, mx);
	memset(&set, 0, sizeof set);
	set.x = xs;
	set.names = names;
	set.n = g->nc;
	set.self = self;
	advice_compute(g->fw, ind, grid_get, &l, &set, &out->advice);
	free(xs);
	free(names);
}

dti_err provisional_score(staging *st, const framework *fw, int year, const char *commune_code,
			  const provisional_answer *answers, size_t n, provisional *out,
			  dti_diag *d)
{
	input_grid *g = xcalloc(1, sizeof *g);
	size_t self;
	int type;
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = grid_load(g, st, fw, year, commune_code, d);
	if (rc)
		goto out;
	self = g->self;
	overlay(g, self, answers, n);
	out->n_pillars = fw->n_pillars;
	out->n_indicators = fw->n_indicators;
	out->pillars = xcalloc(fw->n_pillars + 1, sizeof *out->pillars);
	out->pillar_max = xcalloc(fw->n_pillars + 1, sizeof *out->pillar_max);
	out->indicators = xcalloc(fw->n_indicators + 1, sizeof *out->indicators);
	type = g->unit_type[self];
	out->max = framework_max_for(fw, NULL, type);
	for (size_t p = 0; p < fw->n_pillars; p++) {
		out->pillar_max[p] = framework_max_for(fw, &fw->pillars[p], type);
		for (size_t i = fw->pillars[p].first;
		     i < fw->pillars[p].first + fw->pillars[p].count; i++) {
			const fw_indicator *ind = &fw->indicators[i];
			provisional_indicator *pi = &out->indicators[i];
			grid_lookup l = {g, (size_t)self};
			pi->ind = ind;
			pi->max = ind->max;
			if (!framework_applies(ind, type)) {
				/* Neither scored nor in the maximum; nothing to gain. */
				pi->max = 0;
				pi->flags = FLAG_NOT_APPLICABLE;
				continue;
			}
			if (rule_kind_of(ind)->normalised) {
				score_normalised(g, ind, (size_t)self, pi);
			} else {
				rule_result r = rule_eval(fw, ind, grid_get, &l);
				pi->fraction = r.fraction;
				pi->flags = r.flags;
				advice_compute(fw, ind, grid_get, &l, NULL, &pi->advice);
			}
			pi->points = pi->fraction * ind->max;
			out->pillars[p] += pi->points;
			out->total += pi->points;
		}
	}
out:
	if (rc) {
		grid_free(g);
		free(g);
	} else {
		out->inputs = g;
	}
	return rc;
}

void provisional_free(provisional *p)
{
	if (p->inputs)
		grid_free(p->inputs);
	free(p->inputs);
	free(p->pillars);
	free(p->pillar_max);
	free(p->indicators);
	memset(p, 0, sizeof *p);
}
