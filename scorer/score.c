#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handoff.h"
#include "rule_kinds.h"
#include "store_commune.h"
#include "store_score.h"
#include "units.h"
#include "util.h"

/* One commune's resolved inputs, indexed like fw->variables. */
typedef struct input_row {
	rule_value *values;
	char **texts;        /* value text as resolved (in strings) */
	const char **states; /* state word (interned: see intern_state) */
	char **obs_ids;      /* observation ids (in strings) */
	size_t n;
	arena strings; /* the commune's texts, freed at once */
} input_row;

static rule_value row_lookup(void *ctx, const fw_variable *v)
{
	const void **c = ctx;
	const framework *fw = c[0];
	const input_row *row = c[1];

	return row->values[v - fw->variables];
}

static void row_reset(input_row *row)
{
	arena_free(&row->strings);
	for (size_t i = 0; i < row->n; i++) {
		row->texts[i] = row->obs_ids[i] = NULL;
		row->states[i] = NULL;
		row->values[i].present = false;
		row->values[i].num = 0.0;
		row->values[i].text = NULL;
		row->values[i].why = 0;
	}
}

dti_err score_latest_run(staging *st, int year, int64_t *run_id, dti_diag *d)
{
	store_scoring_run run;
	bool found;
	dti_err rc = store_latest_scoring_run(st, year, &run, &found, d);

	*run_id = found ? run.id : 0;
	return rc;
}

void score_describe(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		    rule_result r, double set_min, double set_max, strbuf *sb)
{
	if (r.flags & FLAG_MISSING) {
		sb_appendf(sb, "an input is missing%s: 0 points",
			   (r.flags & FLAG_REJECTED)     ? " (rejected by an appraiser)"
			   : (r.flags & FLAG_UNVERIFIED) ? " (not verified; official scoring)"
							 : "");
		return;
	}
	rule_kind_of(ind)->arithmetic(fw, ind, lookup, ctx, r, set_min, set_max, sb);
}

/* Per commune × indicator results kept until the cross-commune pass. */
typedef struct result_cell {
	double fraction, ratio;
	unsigned flags;
} result_cell;

/* Cross-commune normalisation of the normalised kinds over the nc
 * communes of res (nc × indicators) with a usable x. */
static void normalise_set(const framework *fw, result_cell *res, size_t nc)
{
	size_t ni = fw->n_indicators;

	for (size_t i = 0; i < ni; i++) {
		const fw_indicator *ind = &fw->indicators[i];
		double mn = INFINITY, mx = -INFINITY;
		if (!rule_kind_of(ind)->normalised)
			continue;
		for (size_t c = 0; c < nc; c++) {
			result_cell *rc_ = &res[c * ni + i];
			if (isnan(rc_->ratio))
				continue;
			mn = fmin(mn, rc_->ratio);
			mx = fmax(mx, rc_->ratio);
		}
		for (size_t c = 0; c < nc; c++) {
			result_cell *rc_ = &res[c * ni + i];
			rc_->fraction = isnan(rc_->ratio)
						? 0.0
						: rule_normalise(ind->norm, rc_->ratio, mn, mx);
		}
	}
}

/* The inputs of a scoring run are stored as one JSON document per commune
 * (the array of [value, num, state, observation_ids] of each variable of
 * the run's layout: their names, once, in input_layout) in input_set,
 * under the commune's input digest, so that a commune whose inputs did not
 * change shares the document of an earlier run; scoring_input names each
 * commune's document.  The score_input view shows them as rows. */
static void json_text_or_null(strbuf *sb, const char *s)
{
	if (s)
		sb_json_string(sb, s);
	else
		sb_appends(sb, "null");
}

/* The document of one commune: [value, num, state, observation_ids] of
 * each variable the framework uses, in the order of `order` (by name, the
 * layout's), written directly: building it as jansson objects cost a tenth
 * of a national run.  Numbers as format_roundtrip writes them (read back
 * as the same doubles; printf cost a tenth again). */
static void inputs_document(strbuf *sb, const size_t *order, size_t n, const input_row *row)
{
	sb_reset(sb);
	sb_appends(sb, "[");
	for (size_t k = 0; k < n; k++) {
		size_t v = order[k];
		bool present = row->values[v].present;
		sb_appends(sb, k ? ",[" : "[");
		json_text_or_null(sb, present ? row->texts[v] : NULL);
		sb_appends(sb, ",");
		if (present && isfinite(row->values[v].num))
			sb_append_roundtrip(sb, row->values[v].num);
		else
			sb_appends(sb, "null");
		sb_appends(sb, ",");
		sb_json_string(sb, row->states[v] ? row->states[v] : "missing");
		sb_appends(sb, ",");
		json_text_or_null(sb, row->obs_ids[v]);
		sb_appends(sb, "]");
	}
	sb_appends(sb, "]");
}

static int cmp_variable_name(const void *a, const void *b)
{
	return strcmp((*(const fw_variable *const *)a)->name,
		      (*(const fw_variable *const *)b)->name);
}

/* The layout of the documents: the JSON array of the names in `order`. */
static void document_layout(strbuf *sb, const framework *fw, const size_t *order, size_t n)
{
	sb_appends(sb, "[");
	for (size_t k = 0; k < n; k++) {
		if (k)
			sb_appends(sb, ",");
		sb_json_string(sb, fw->variables[order[k]].name);
	}
	sb_appends(sb, "]");
}

/* The indexes of the variables, or of those some indicator reads
 * (used_only: the documents' variables), ordered by name (the documents'
 * key order and current_value's); *n receives their number. */
static size_t *vars_by_name(const framework *fw, bool used_only, size_t *n)
{
	const fw_variable **vars = xcalloc(fw->n_variables + 1, sizeof *vars);
	size_t *order = xcalloc(fw->n_variables + 1, sizeof *order);

	*n = 0;
	for (size_t v = 0; v < fw->n_variables; v++) {
		bool used = !used_only;
		for (size_t i = 0; i < fw->n_indicators && !used; i++)
			used = framework_indicator_uses(&fw->indicators[i], &fw->variables[v]);
		if (used)
			vars[(*n)++] = &fw->variables[v];
	}
	qsort(vars, *n, sizeof *vars, cmp_variable_name);
	for (size_t k = 0; k < *n; k++)
		order[k] = (size_t)(vars[k] - fw->variables);
	free(vars);
	return order;
}

/* Fields are separated by 0x1f, rows by 0x1e; NULL is 0x1d so that it
 * differs from an empty string. */
static void digest_field(sha256_ctx *c, const char *t)
{
	if (t)
		sha256_update(c, t, strlen(t));
	else
		sha256_update(c, "\x1d", 1);
	sha256_update(c, "\x1f", 1);
}

/* One commune's part of the input fingerprint: the layout of the
 * documents (layout_sha: which variables they hold; a document is shared
 * only by runs whose documents hold the same ones), its code, its unit
 * type when the framework scores by type (unit_type >= 0; a commune that
 * becomes a ward is scored anew) and, for each variable current_input has
 * a row for, the value, state and observations. */
static void commune_digest(const framework *fw, const char *layout_sha, const char *code,
			   int unit_type, const input_row *row, char out[65])
{
	sha256_ctx c;

	sha256_init(&c);
	digest_field(&c, layout_sha);
	digest_field(&c, code);
	if (unit_type >= 0)
		digest_field(&c, unit_type_name(unit_type));
	sha256_update(&c, "\x1e", 1);
	for (size_t v = 0; v < fw->n_variables; v++) {
		if (!row->states[v])
			continue;
		digest_field(&c, fw->variables[v].name);
		digest_field(&c, row->texts[v]);
		digest_field(&c, row->states[v]);
		digest_field(&c, row->obs_ids[v]);
		sha256_update(&c, "\x1e", 1);
	}
	sha256_final_hex(&c, out);
}

/* The fingerprint: framework, year, mode, policy, then each active commune's
 * digest in code order. */
static void input_fingerprint(const framework *fw, const score_options *o, char (*digests)[65],
			      size_t nc, char out[65])
{
	sha256_ctx c;
	char head[128];

	sha256_init(&c);
	snprintf(head, sizeof head, "%s\x1f%d\x1f%s\x1e", fw->sha256, o->year,
		 o->official ? "official" : "provisional");
	sha256_update(&c, head, strlen(head));
	if (o->policy)
		sha256_update(&c, o->policy, strlen(o->policy));
	sha256_update(&c, "\x1e", 1);
	for (size_t i = 0; i < nc; i++)
		sha256_update(&c, digests[i], 64);
	sha256_final_hex(&c, out);
}

static void apply_state(input_row *row, size_t v, const score_options *o, const framework *fw)
{
	const char *state = row->states[v];
	bool verified =
		state && (strcmp(state, "verified") == 0 || strcmp(state, "corrected") == 0);

	if (state && strcmp(state, "rejected") == 0) {
		row->values[v].present = false;
		row->values[v].why = FLAG_REJECTED;
		return;
	}
	if (o->official && !verified &&
	    (!o->must_verify || strmap_get(o->must_verify, fw->variables[v].name, NULL))) {
		row->values[v].present = false;
		row->values[v].why = FLAG_UNVERIFIED;
		row->states[v] = "unverified";
	}
}

static const double *sort_totals;

static int cmp_total(const void *a, const void *b)
{
	double x = sort_totals[*(const size_t *)a], y = sort_totals[*(const size_t *)b];
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (x != y)
		return x > y ? -1 : 1;
	return i < j ? -1 : i > j; /* stable: by code */
}

static void sort_by_total(size_t *order, size_t n, const double *totals)
{
	sort_totals = totals;
	qsort(order, n, sizeof *order, cmp_total);
	sort_totals = NULL;
}

enum { NO_COMMUNE = SIZE_MAX };

/* One scoring pass: what it reads, what it computes, what it stores. */
typedef struct score_pass_state {
	staging *st;
	const framework *fw;
	const score_options *o;
	commune_list communes;    /* active, by code */
	strmap code_index;        /* code -> index in communes */
	strmap var_index;         /* variable name -> index in fw->variables */
	size_t nc, ni;            /* communes, indicators */
	size_t *by_name, n_used;  /* the variables the documents hold, by name */
	char layout_sha[65];      /* of their layout (document_layout), in each digest */
	int64_t layout;           /* their layout's id; 0 until one is stored */
	input_row *row;           /* the inputs of the commune being read (in slot) */
	struct inputs_slot *slot; /* the slot being filled by the reading thread */
	size_t *by_var_name;      /* fw->variables' indexes by name */
	size_t *var_rank;         /* [v]: v's place in by_var_name */
	size_t next_var;          /* the place the next row's variable is looked for */
	strmap states;            /* the state words read, once each (in state_words) */
	arena state_words;
	const char *last_state;
	size_t cur;          /* that commune, or NO_COMMUNE */
	bool *seen;          /* [nc] the commune's rows have been read */
	bool unordered;      /* a commune's rows came apart */
	char (*digests)[65]; /* [nc] each commune's input digest */
	result_cell *res;    /* [nc * ni] */
	double *totals;      /* [nc] */
	long *ranks;         /* [nc] */
	int *unit_type;      /* [nc] UNIT_TYPE_* (by_unit_type frameworks; else -1) */
	double *maxima;      /* [nc] the points of the indicators it is scored for */
	bool maxima_differ;  /* some commune's maximum is not another's */
	char (*words)[128];  /* flag words of one commune's score rows */
	strbuf doc;          /* the layout, then each document, being written */
	staging *ro;         /* the reading connection (the reading thread's) */
	bool sorted;         /* read ordered by code */
	handoff *h;          /* reading -> storing */
	int64_t run_id;
	size_t missing;
	size_t inputs; /* rows of current_input read for the set */
	/* The documents' entries, and those missing, rejected or unverified
	 * (what score_input gives of the run; kept on it for dti status). */
	int64_t doc_inputs, doc_missing;
	double t_compute, t_store;
} score_pass_state;

/* Reading, set up: each commune's unit type, when the framework scores
 * some indicators for some types only, and its maximum.  A commune whose
 * type the database does not know cannot be scored under such a
 * framework (DTI_ECONFIG naming it). */
static dti_err read_unit_types(score_pass_state *p, dti_diag *d)
{
	strmap types;
	dti_err rc = DTI_EOK;

	p->unit_type = xcalloc(p->nc ? p->nc : 1, sizeof *p->unit_type);
	p->maxima = xcalloc(p->nc ? p->nc : 1, sizeof *p->maxima);
	strmap_init(&types);
	if (p->fw->by_unit_type)
		rc = store_commune_unit_types(p->st, &types, d);
	for (size_t c = 0; !rc && c < p->nc; c++) {
		const commune_entry *e = &p->communes.items[c];
		intptr_t t = -1;
		if (p->fw->by_unit_type && (!strmap_get(&types, e->code, &t) || t < 0))
			rc = diag_set(d, DTI_ECONFIG,
				      "commune %s (%s) has no known unit type (Xã, Phường, Thị "
				      "trấn, Đặc khu) in the database, and framework %s scores "
				      "some indicators for some unit types only: run 'dti communes "
				      "load' with the unit list that holds it",
				      e->code, e->name, p->fw->edition);
		p->unit_type[c] = (int)t;
		p->maxima[c] = framework_max_for(p->fw, NULL, (int)t);
		if (c && p->maxima[c] != p->maxima[0])
			p->maxima_differ = true;
	}
	strmap_free(&types);
	return rc;
}

/* Reading, set up: the active communes and the indexes of codes and
 * variables.  DTI_ENOTFOUND when no commune is active. */
static dti_err pass_open(score_pass_state *p, staging *st, const framework *fw,
			 const score_options *o, dti_diag *d)
{
	size_t n_all;
	dti_err rc;

	memset(p, 0, sizeof *p);
	p->st = st;
	p->fw = fw;
	p->o = o;
	p->cur = NO_COMMUNE;
	p->ni = fw->n_indicators;
	strmap_init(&p->code_index);
	strmap_init(&p->var_index);
	strmap_init(&p->states);
	sb_init(&p->doc, 0);
	rc = staging_active_communes(st, &p->communes, d);
	if (rc)
		return rc;
	p->nc = p->communes.count;
	p->seen = xcalloc(p->nc ? p->nc : 1, sizeof *p->seen);
	p->digests = xcalloc(p->nc ? p->nc : 1, sizeof *p->digests);
	for (size_t c = 0; c < p->nc; c++)
		strmap_put(&p->code_index, p->communes.items[c].code, (intptr_t)c);
	if (p->nc == 0)
		return diag_set(d, DTI_ENOTFOUND, "no commune to score: load a commune list first");
	rc = staging_sync_framework(st, fw, d);
	if (rc)
		return rc;
	for (size_t v = 0; v < fw->n_variables; v++)
		strmap_put(&p->var_index, fw->variables[v].name, (intptr_t)v);
	p->by_name = vars_by_name(fw, true, &p->n_used);
	sb_reset(&p->doc);
	document_layout(&p->doc, fw, p->by_name, p->n_used);
	sha256_hex(p->doc.data, p->doc.len, p->layout_sha);
	sb_reset(&p->doc);
	p->by_var_name = vars_by_name(fw, false, &n_all);
	p->var_rank = xcalloc(fw->n_variables + 1, sizeof *p->var_rank);
	for (size_t k = 0; k < n_all; k++)
		p->var_rank[p->by_var_name[k]] = k;
	p->res = xcalloc(p->nc * p->ni, sizeof *p->res);
	p->totals = xcalloc(p->nc ? p->nc : 1, sizeof *p->totals);
	p->ranks = xcalloc(p->nc ? p->nc : 1, sizeof *p->ranks);
	p->words = xcalloc(p->ni + fw->n_pillars + 1, sizeof *p->words);
	return read_unit_types(p, d);
}

static void pass_close(score_pass_state *p)
{
	staging_close(p->ro);
	free(p->res);
	free(p->totals);
	free(p->ranks);
	free(p->unit_type);
	free(p->maxima);
	free(p->words);
	free(p->by_name);
	free(p->by_var_name);
	free(p->var_rank);
	strmap_free(&p->states);
	arena_free(&p->state_words);
	free(p->seen);
	free(p->digests);
	sb_free(&p->doc);
	strmap_free(&p->var_index);
	strmap_free(&p->code_index);
	commune_list_free(&p->communes);
}

/* Computing: every indicator of commune c from the inputs read (the
 * cross-commune ones are normalised later). */
static void score_commune(score_pass_state *p, size_t c, const input_row *row)
{
	const void *ctx[2] = {p->fw, row};

	for (size_t i = 0; i < p->ni; i++) {
		rule_result r = {0.0, NAN, FLAG_NOT_APPLICABLE};
		if (framework_applies(&p->fw->indicators[i], p->unit_type[c]))
			r = rule_eval(p->fw, &p->fw->indicators[i], row_lookup, ctx);
		p->res[c * p->ni + i].fraction = r.fraction;
		p->res[c * p->ni + i].ratio = r.ratio;
		p->res[c * p->ni + i].flags = r.flags;
	}
}

/* What reading hands to storing: a commune and its inputs as read (the
 * slot's row is filled in place, and made once per slot). */
typedef struct inputs_slot {
	size_t c;
	input_row row;
} inputs_slot;

static void row_free(input_row *row)
{
	if (!row->values)
		return;
	row_reset(row);
	free(row->values);
	free(row->texts);
	free(row->states);
	free(row->obs_ids);
}

static void inputs_slot_free(void *slot)
{
	row_free(&((inputs_slot *)slot)->row);
}

/* Whether a document's state word (inputs_document's) is one of those
 * dti status counts as missing: missing, rejected, unverified. */
static bool state_not_given(const char *state)
{
	return !state || strcmp(state, "missing") == 0 || strcmp(state, "rejected") == 0 ||
	       strcmp(state, "unverified") == 0;
}

/* Scoring and storing (the calling thread), once commune c's inputs are
 * all read: its digest and scores, and its inputs as a document shared
 * with every run whose inputs for it had the same digest (written only
 * when there is none). */
static dti_err store_commune_inputs(void *ctx, void *slot, dti_diag *d)
{
	score_pass_state *p = ctx;
	const inputs_slot *s = slot;
	double t1;
	bool found = false;
	dti_err rc;

	commune_digest(p->fw, p->layout_sha, p->communes.items[s->c].code, p->unit_type[s->c],
		       &s->row, p->digests[s->c]);
	p->doc_inputs += (int64_t)p->n_used;
	for (size_t k = 0; k < p->n_used; k++)
		p->doc_missing += state_not_given(s->row.states[p->by_name[k]]);
	t1 = mono_seconds();
	score_commune(p, s->c, &s->row);
	p->t_compute += mono_seconds() - t1;
	rc = store_input_set_has(p->st, p->digests[s->c], &found, d);

	if (!rc && !found && !p->layout) {
		/* The first document the run stores: its layout, once. */
		document_layout(&p->doc, p->fw, p->by_name, p->n_used);
		rc = store_input_layout(p->st, p->doc.data, &p->layout, d);
	}
	if (!rc && !found) {
		inputs_document(&p->doc, p->by_name, p->n_used, &s->row); /* cannot fail */
		rc = store_input_set_put(p->st, p->digests[s->c], p->doc.data, p->layout, d);
	}
	if (!rc)
		rc = store_scoring_input_put(p->st, p->run_id, p->communes.items[s->c].code,
					     p->digests[s->c], d);
	return rc;
}

/* Reading (its own thread): the slot for the next commune's inputs, its
 * row emptied; DTI_EDB when storing has stopped (its error is the one
 * reported). */
static dti_err commune_begin(score_pass_state *p, dti_diag *d)
{
	inputs_slot *s = handoff_slot(p->h);
	input_row *row;

	if (!s)
		return diag_set(d, DTI_EDB, "storing stopped");
	row = &s->row;
	if (!row->values) {
		row->n = p->fw->n_variables;
		row->values = xcalloc(row->n, sizeof *row->values);
		row->texts = xcalloc(row->n, sizeof *row->texts);
		row->states = xcalloc(row->n, sizeof *row->states);
		row->obs_ids = xcalloc(row->n, sizeof *row->obs_ids);
	}
	row_reset(row);
	p->slot = s;
	p->row = row;
	return DTI_EOK;
}

/* Reading: commune c's inputs are all read; they are handed over. */
static void commune_read(score_pass_state *p, size_t c)
{
	p->slot->c = c;
	p->slot = NULL;
	p->row = NULL;
	handoff_send(p->h);
}

/* The state words are few (observation_state): each is kept once for the
 * pass rather than copied for every input. */
static const char *intern_state(score_pass_state *p, const char *state)
{
	intptr_t at;

	if (!state)
		return NULL;
	if (p->last_state && strcmp(state, p->last_state) == 0)
		return p->last_state;
	if (!strmap_get(&p->states, state, &at)) {
		at = (intptr_t)arena_strdup(&p->state_words, state);
		strmap_put(&p->states, state, at);
	}
	p->last_state = (const char *)at;
	return p->last_state;
}

/* The index in fw->variables of a variable read.  A commune's rows come
 * by variable name (current_value's key), the order of by_var_name: the
 * name after the last one found is tried first. */
static bool variable_of(score_pass_state *p, const char *name, size_t *v)
{
	intptr_t at;

	if (p->next_var < p->fw->n_variables &&
	    strcmp(name, p->fw->variables[p->by_var_name[p->next_var]].name) == 0) {
		*v = p->by_var_name[p->next_var++];
		return true;
	}
	if (!strmap_get(&p->var_index, name, &at))
		return false;
	*v = (size_t)at;
	p->next_var = p->var_rank[*v] + 1;
	return true;
}

/* Reading: one row of current_input.  A row of another commune ends the
 * current one; a commune met again means the rows are not together. */
static dti_err take_input(void *ctx, const store_input *in, dti_diag *d)
{
	score_pass_state *p = ctx;
	input_row *row;
	intptr_t ci;
	size_t v;
	dti_err rc;

	if (p->cur != NO_COMMUNE && strcmp(in->commune_code, p->communes.items[p->cur].code) != 0) {
		commune_read(p, p->cur);
		p->cur = NO_COMMUNE;
	}
	if (p->cur == NO_COMMUNE) {
		if (!strmap_get(&p->code_index, in->commune_code, &ci))
			return DTI_EOK; /* not an assessed commune */
		if (p->seen[ci]) {
			p->unordered = true;
			return diag_set(d, DTI_EDB, "current_input rows of %s are not together",
					p->communes.items[ci].code);
		}
		rc = commune_begin(p, d);
		if (rc)
			return rc;
		p->seen[ci] = true;
		p->cur = (size_t)ci;
		p->next_var = 0;
	}
	if (!variable_of(p, in->variable, &v))
		return DTI_EOK;
	p->inputs++;
	row = p->row;
	row->texts[v] = arena_strdup(&row->strings, in->value);
	row->states[v] = intern_state(p, in->state);
	row->obs_ids[v] = arena_strdup(&row->strings, in->observation_ids);
	row->values[v].present = in->value != NULL;
	row->values[v].num = in->num;
	row->values[v].text = row->texts[v];
	apply_state(row, v, p->o, p->fw);
	return DTI_EOK;
}

/* Reading, whole (the reading thread): every commune with rows in
 * current_input, in the order they come (in practice the view keeps each
 * commune's rows together, and asking SQLite to sort them costs more than
 * the whole scoring), then the communes without any. */
static dti_err read_all(void *ctx, handoff *h, dti_diag *d)
{
	score_pass_state *p = ctx;
	dti_err rc;

	p->h = h;
	rc = store_current_inputs(p->ro, p->o->year, p->sorted, take_input, p, d);
	if (!rc && p->cur != NO_COMMUNE)
		commune_read(p, p->cur);
	p->cur = NO_COMMUNE;
	for (size_t c = 0; !rc && c < p->nc; c++) {
		if (p->seen[c])
			continue;
		rc = commune_begin(p, d);
		if (rc)
			break;
		p->seen[c] = true;
		commune_read(p, c);
	}
	return rc;
}

/* Reading and storing the inputs, on two cores: a thread reads (on a
 * connection of its own, p->ro, which sees what was committed before this
 * run's transaction began, and no other writer can commit while it is
 * open), this thread scores each commune and stores its document.  p->ro
 * stays open for storing the scores. */
static dti_err read_inputs(score_pass_state *p, bool sorted, dti_diag *d)
{
	dti_err rc = staging_open_readonly(staging_path(p->st), &p->ro, d);

	p->sorted = sorted;
	if (!rc)
		rc = handoff_run(64, sizeof(inputs_slot), read_all, p, store_commune_inputs, p,
				 inputs_slot_free, d);
	return rc;
}

/* Computing: cross-commune normalisation over the communes with a usable x. */

/* Computing: each commune's total and rank — by total, descending; equal
 * totals share the rank of the first of them (1, 2, 2, 4).  When the
 * communes' maxima differ (a framework with "applies_to" over a set of
 * several unit types) the rank is by the share of its own maximum each
 * commune earned, so that no commune gains or loses places for points it
 * could not earn; with equal maxima that is the order of the totals. */
static void rank_communes(score_pass_state *p)
{
	size_t nc = p->nc, ni = p->ni;
	size_t *order = xcalloc(nc ? nc : 1, sizeof *order);
	double *key = p->totals;

	for (size_t c = 0; c < nc; c++)
		for (size_t i = 0; i < ni; i++)
			p->totals[c] += p->res[c * ni + i].fraction * p->fw->indicators[i].max;
	if (p->maxima_differ) {
		key = xcalloc(nc, sizeof *key);
		for (size_t c = 0; c < nc; c++)
			key[c] = p->maxima[c] > 0 ? p->totals[c] / p->maxima[c] : 0.0;
	}
	for (size_t c = 0; c < nc; c++)
		order[c] = c;
	sort_by_total(order, nc, key);
	for (size_t k = 0; k < nc; k++) {
		size_t c = order[k];
		p->ranks[c] = k > 0 && fabs(key[order[k - 1]] - key[c]) < 1e-9
				      ? p->ranks[order[k - 1]]
				      : (long)k + 1;
	}
	if (key != p->totals)
		free(key);
	free(order);
}

static void score_row(store_score *s, char *words, const char *code, const char *item,
		      const char *level, double points, double max, double fraction, double ratio,
		      unsigned flags, long rank)
{
	flags_format(flags, words, 128);
	s->commune_code = code;
	s->commune_name = NULL;
	s->item = item;
	s->level = level;
	s->points = points;
	s->max_points = max;
	s->fraction = fraction;
	s->ratio = ratio;
	s->flags = words;
	s->rank = rank;
}

/* Storing: the rows of commune c — each indicator, each pillar after its
 * indicators, then the total. */
static void fill_scores(void *ctx, size_t c, store_score *rows)
{
	score_pass_state *p = ctx;
	const framework *fw = p->fw;
	const char *code = p->communes.items[c].code;
	size_t k = 0;

	for (size_t pi = 0; pi < fw->n_pillars; pi++) {
		const fw_pillar *pl = &fw->pillars[pi];
		double psum = 0, pmax = framework_max_for(fw, pl, p->unit_type[c]);
		unsigned pflags = 0;
		for (size_t i = pl->first; i < pl->first + pl->count; i++) {
			const result_cell *r = &p->res[c * p->ni + i];
			const fw_indicator *ind = &fw->indicators[i];
			bool na = r->flags & FLAG_NOT_APPLICABLE;
			double pts = r->fraction * ind->max;
			psum += pts;
			pflags |= r->flags & ~FLAG_NOT_APPLICABLE;
			if (r->flags & FLAG_MISSING)
				p->missing++;
			score_row(&rows[k], p->words[k], code, ind->id, "indicator", pts,
				  na ? 0.0 : ind->max, r->fraction, r->ratio, r->flags, 0);
			k++;
		}
		/* A pillar none of whose indicators applies is marked like them. */
		score_row(&rows[k], p->words[k], code, pl->id, "pillar", psum, pmax,
			  pmax > 0 ? psum / pmax : 0.0, NAN,
			  pmax > 0 ? pflags : FLAG_NOT_APPLICABLE, 0);
		k++;
	}
	score_row(&rows[k], p->words[k], code, "TOTAL", "total", p->totals[c], p->maxima[c],
		  p->maxima[c] > 0 ? p->totals[c] / p->maxima[c] : 0.0, NAN, 0, p->ranks[c]);
}

static void summarise(const score_pass_state *p, double t0, score_summary *out)
{
	out->communes = p->nc;
	out->missing = p->missing;
	out->seconds_compute = p->t_compute;
	out->seconds_store = p->t_store;
	out->seconds_total = mono_seconds() - t0;
}

/* One scoring pass in one transaction: reads the inputs (scoring each
 * commune and storing its inputs as it is read), normalises and ranks,
 * stores the scores, and finishes the run — or rolls back for a dry run, an
 * unchanged fingerprint or an error.  *unordered says that a commune's rows
 * were not together: the caller runs it again with the sorted read. */
static dti_err score_pass(staging *st, const framework *fw, const score_options *o, bool sorted,
			  bool *unordered, score_summary *out, dti_diag *d)
{
	score_pass_state p;
	char now[32];
	double t0 = mono_seconds(), t1;
	bool fk_off = false;
	dti_err rc;

	memset(out, 0, sizeof *out);
	*unordered = false;
	rc = pass_open(&p, st, fw, o, d);
	if (rc)
		goto out;
	/* Every row the pass writes refers to rows it wrote itself (the run,
	 * the input and score sets) or to the framework it synced: the
	 * foreign-key lookup SQLite would make for each of the half million
	 * score rows is left out, as a batch of observations does. */
	rc = staging_foreign_keys(st, false, d);
	if (rc)
		goto out;
	fk_off = true;
	rc = staging_begin(st, d);
	if (rc)
		goto out;
	now_iso(now);
	rc = store_scoring_run_start(st, o->year, fw->sha256, fw->edition,
				     o->official ? "official" : "provisional", now, p.nc,
				     o->area_name, &p.run_id, d);
	if (!rc)
		rc = read_inputs(&p, sorted, d);
	*unordered = p.unordered;
	/* A year nothing was collected or imported for would store a run of
	 * zeros that every later year is then compared with. */
	if (!rc && p.inputs == 0 && !o->force && !o->dry)
		rc = diag_set(d, DTI_ENOTFOUND,
			      "no input for %d: nothing was collected or imported for that year "
			      "(use --force to store a run of zeros)",
			      o->year);
	if (rc)
		goto fail;
	t1 = mono_seconds();
	normalise_set(fw, p.res, p.nc);
	rank_communes(&p);
	p.t_compute += mono_seconds() - t1;
	t1 = mono_seconds();
	rc = store_scores_put(st, p.ro, p.run_id, p.nc, p.ni + fw->n_pillars + 1, fill_scores, &p,
			      d);
	/* The reading connection is closed before the commit, whose checkpoint
	 * it would hold back. */
	staging_close(p.ro);
	p.ro = NULL;
	p.t_store += mono_seconds() - t1;
	if (rc)
		goto fail;
	input_fingerprint(fw, o, p.digests, p.nc, out->input_sha256);
	if (o->dry || (o->skip_if && strcmp(o->skip_if, out->input_sha256) == 0)) {
		staging_rollback(st);
		out->unchanged = !o->dry;
		summarise(&p, t0, out);
		goto out;
	}
	now_iso(now);
	rc = store_scoring_run_finish(st, p.run_id, now, out->input_sha256, p.doc_inputs,
				      p.doc_missing, d);
	if (!rc && o->marker)
		rc = store_scoring_run_set_marker(st, p.run_id, o->marker, d);
	if (rc)
		goto fail;
	t1 = mono_seconds();
	rc = staging_commit(st, d);
	if (rc)
		goto fail;
	p.t_store += mono_seconds() - t1;
	out->scoring_run_id = p.run_id;
	summarise(&p, t0, out);
	goto out;
fail:
	staging_rollback(st);
out:
	if (fk_off) {
		dti_diag fk;
		dti_err on = staging_foreign_keys(st, true, &fk);
		if (on && !rc) {
			rc = on;
			if (d)
				*d = fk;
		}
	}
	pass_close(&p);
	return rc;
}

dti_err score_year(staging *st, const framework *fw, const score_options *o, score_summary *out,
		   dti_diag *d)
{
	bool unordered = false;
	dti_err rc = score_pass(st, fw, o, o->sorted_read, &unordered, out, d);

	if (rc && unordered)
		rc = score_pass(st, fw, o, true, &unordered, out, d);
	return rc;
}

dti_err score_run_load(staging *st, int64_t run_id, int year, scoring_run_info *info, dti_diag *d)
{
	store_scoring_run run;
	char *body = NULL;
	bool found;
	dti_err rc;

	memset(info, 0, sizeof *info);
	if (run_id == 0) {
		rc = score_latest_run(st, year, &run_id, d);
		if (rc)
			return rc;
		if (run_id == 0)
			return diag_set(d, DTI_ENOTFOUND,
					"no scoring run for %d: run 'dti score' first", year);
	}
	rc = store_scoring_run_by_id(st, run_id, &run, &body, &found, d);
	if (rc)
		goto out;
	if (!found) {
		rc = diag_set(d, DTI_ENOTFOUND, "no finished scoring run %lld", (long long)run_id);
		goto out;
	}
	if (run.voided) {
		rc = diag_set(d, DTI_ENOTFOUND, "scoring run %lld was voided", (long long)run_id);
		goto out;
	}
	info->id = run.id;
	info->year = run.year;
	snprintf(info->mode, sizeof info->mode, "%s", run.mode);
	snprintf(info->started_at, sizeof info->started_at, "%s", run.started_at);
	rc = framework_parse(body ? body : "", body ? strlen(body) : 0, "stored framework",
			     &info->fw, d);
out:
	free(body);
	return rc;
}
