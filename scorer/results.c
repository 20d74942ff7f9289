#include "results.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_scan.h"
#include "rule_kinds.h"
#include "store_report.h"
#include "store_score.h"
#include "strmap.h"
#include "util.h"

long results_find(const results *r, const char *code)
{
	size_t lo = 0, hi = r->by_code ? r->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t c = r->by_code[mid];
		int cmp = strcmp(r->communes[c].code, code);
		if (cmp == 0)
			return (long)c;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The texts are the commune's arena's (results_detail_drop frees them). */
static void input_free(res_input *in)
{
	free(in->obs);
}

/* An indicator's advice and words as results_advice_kept keeps them. */
struct advice_kept {
	advice a;
	char *words;
	bool known; /* a is made */
};

void results_detail_drop(results *r, size_t c)
{
	res_commune *rc = &r->communes[c];

	for (size_t i = 0; rc->advice && i < r->fw->n_indicators; i++)
		free(rc->advice[i].words);
	free(rc->advice);
	rc->advice = NULL;

	for (size_t v = 0; rc->inputs && v < r->fw->n_variables; v++)
		input_free(&rc->inputs[v]);
	free(rc->inputs);
	free(rc->indicators);
	arena_free(&rc->strings);
	rc->inputs = NULL;
	rc->indicators = NULL;
}

static void strmap_destroy(strmap *m, bool free_values)
{
	if (!m)
		return;
	for (size_t i = 0; free_values && i < m->cap; i++)
		if (m->keys[i])
			free((void *)m->values[i]);
	strmap_free(m);
	free(m);
}

/* An input layout's text and its names, read once for all the documents
 * of a run (they share it). */
struct doc_layout {
	char *text;
	strbuf *names;
	size_t n;
	bool ok; /* the text is a layout */
};

static void layout_free(struct doc_layout *l)
{
	if (!l)
		return;
	for (size_t t = 0; t < l->n; t++)
		sb_free(&l->names[t]);
	free(l->names);
	free(l->text);
	free(l);
}

void results_free(results *r)
{
	if (!r)
		return;
	for (size_t c = 0; c < r->n; c++) {
		res_commune *rc = &r->communes[c];
		results_detail_drop(r, c);
		free(rc->code);
		free(rc->name);
		free(rc->pillars);
	}
	for (size_t i = 0; r->cross_x && i < r->fw->n_indicators; i++)
		free(r->cross_x[i]);
	free(r->cross_x);
	free(r->cross_top);
	free(r->communes);
	free(r->names);
	free(r->by_code);
	strmap_destroy(r->flag_texts, true);
	layout_free(r->layout);
	store_obs_names_free(r->obs_names);
	free(r);
}

/* A flags text held once however many scores carry it. */
static const char *flags_interned(results *r, const char *text)
{
	intptr_t v;
	char *copy;

	if (strmap_get(r->flag_texts, text, &v))
		return (const char *)v;
	copy = xstrdup(text);
	strmap_put(r->flag_texts, text, (intptr_t)copy);
	return copy;
}

static void read_score(results *r, const store_score *s, res_score *sc)
{
	sc->points = s->points;
	sc->max = s->max_points;
	sc->fraction = s->fraction;
	sc->ratio = s->ratio;
	sc->flags_text = flags_interned(r, s->flags);
	sc->flags = flags_parse(sc->flags_text);
	sc->not_applicable = sc->flags & FLAG_NOT_APPLICABLE;
	sc->flags &= ~FLAG_NOT_APPLICABLE;
}

/* The input of variable `var` of the commune being read, or NULL for a
 * variable the framework does not have. */
static res_input *find_input(results *r, size_t c, const char *var)
{
	const fw_variable *v = framework_variable(r->fw, var);

	return v ? &r->communes[c].inputs[v - r->fw->variables] : NULL;
}

/* Where the rows of one commune's detail go. */
typedef struct detail_ctx {
	results *r;
	size_t c;
} detail_ctx;

static dti_err take_input(void *ctx, const store_score_input *si, dti_diag *d)
{
	detail_ctx *l = ctx;
	res_input *in = find_input(l->r, l->c, si->variable);

	(void)d;
	if (!in)
		return DTI_EOK;
	in->stored = true;
	in->text = arena_strdup(&l->r->communes[l->c].strings, si->value);
	in->state = arena_strdup(&l->r->communes[l->c].strings, si->state);
	in->value.present = in->text != NULL;
	in->value.num = si->num;
	in->value.text = in->text;
	if (!in->value.present && in->state)
		in->value.why = strcmp(in->state, "rejected") == 0     ? FLAG_REJECTED
				: strcmp(in->state, "unverified") == 0 ? FLAG_UNVERIFIED
								       : 0;
	return DTI_EOK;
}

/* Observation so appended to input in, its texts copied into a. */
static void add_observation(arena *a, res_input *in, const store_input_observation *so)
{
	res_obs *o;

	in->obs = xrealloc(in->obs, (in->n_obs + 1) * sizeof *in->obs);
	o = &in->obs[in->n_obs++];
	o->id = so->id;
	o->value = arena_strdup(a, so->value);
	o->state = arena_strdup(a, so->state);
	o->source = arena_strdup(a, so->source);
	o->source_kind = arena_strdup(a, so->source_kind);
	o->observed_at = arena_strdup(a, so->observed_at);
	o->proof_url = arena_strdup(a, so->proof_url);
	o->note = arena_strdup(a, so->note);
	o->appraised_by = arena_strdup(a, so->appraised_by);
	o->appraisal_reason = arena_strdup(a, so->appraisal_reason);
}

static dti_err take_observation(void *ctx, const store_input_observation *so, dti_diag *d)
{
	detail_ctx *l = ctx;
	res_input *in = find_input(l->r, l->c, so->variable);

	(void)d;
	if (in)
		add_observation(&l->r->communes[l->c].strings, in, so);
	return DTI_EOK;
}

/* An observation an input lists: input v, observation id. */
typedef struct obs_ref {
	int64_t id;
	size_t v;
} obs_ref;

static int cmp_ref(const void *a, const void *b)
{
	const obs_ref *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->v < y->v ? -1 : x->v > y->v;
}

/* One commune's inputs read from its stored document, and the observations
 * they list, the same as score_input and its observations give them. */
typedef struct doc_read {
	detail_ctx l;
	obs_ref *refs; /* by id, then input */
	size_t n, cap, next;
} doc_read;

/* The observations come by id: each goes to every input listing it, in
 * the order of its ids, as the query by variable and id gave them. */
static dti_err take_listed(void *ctx, const store_input_observation *so, dti_diag *d)
{
	doc_read *dr = ctx;
	res_input *inputs = dr->l.r->communes[dr->l.c].inputs;

	(void)d;
	while (dr->next < dr->n && dr->refs[dr->next].id < so->id)
		dr->next++;
	for (size_t k = dr->next; k < dr->n && dr->refs[k].id == so->id; k++)
		add_observation(&dr->l.r->communes[dr->l.c].strings, &inputs[dr->refs[k].v], so);
	return DTI_EOK;
}

/* The ids of "12,15" (observation_ids) added to dr for input v; false when
 * the text is not such a list. */
static bool add_refs(doc_read *dr, size_t v, const char *ids)
{
	const char *p = ids;

	for (;;) {
		char *end;
		long long id;
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		id = strtoll(p, &end, 10);
		if (errno)
			return false;
		if (dr->n == dr->cap) {
			dr->cap = dr->cap ? dr->cap * 2 : 64;
			dr->refs = xrealloc(dr->refs, dr->cap * sizeof *dr->refs);
		}
		dr->refs[dr->n++] = (obs_ref){id, v};
		p = end;
		while (*p == ' ')
			p++;
		if (!*p)
			return true;
		if (*p++ != ',')
			return false;
	}
}

/* The stored documents are read without a general JSON parser (it cost a
 * tenth of a national publish): lib/json_scan reads the shape score.c
 * writes.  Anything else makes the reader give up, and the caller reads
 * the score_input view instead. */

/* The layout's names (a JSON array of strings) into names; false when it
 * is not that. */
static bool read_layout(const char *layout, strbuf **names, size_t *n)
{
	json_scan c = {layout};
	bool ok = json_scan_char(&c, '['), is_null = false;
	size_t cap = 0;

	*names = NULL;
	*n = 0;
	while (ok && !json_scan_char(&c, ']')) {
		if (*n && !json_scan_char(&c, ','))
			return false;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*names = xrealloc(*names, cap * sizeof **names);
		}
		sb_init(&(*names)[*n], 0);
		ok = json_scan_string(&c, &(*names)[(*n)++], &is_null) && !is_null;
	}
	return ok && *c.p == '\0';
}

/* One member's [value, num, state, observation_ids] at c into si (texts in
 * text[0..2]); ids_null says whether observation_ids is null. */
static bool read_member(json_scan *c, strbuf text[3], store_score_input *si, bool *ids_null)
{
	bool null[2];

	if (!(json_scan_char(c, '[') && json_scan_string(c, &text[0], &null[0]) &&
	      json_scan_char(c, ',') && json_scan_number(c, &si->num) && json_scan_char(c, ',') &&
	      json_scan_string(c, &text[1], &null[1]) && json_scan_char(c, ',') &&
	      json_scan_string(c, &text[2], ids_null) && json_scan_char(c, ']')))
		return false;
	si->value = null[0] ? NULL : text[0].data ? text[0].data : "";
	si->state = null[1] ? NULL : text[1].data ? text[1].data : "";
	return true;
}

/* Member `name` read into commune l's inputs and its listed ids; false
 * when the variable came twice or its ids are not a list. */
static bool take_member(doc_read *dr, const char *name, store_score_input *si, const strbuf *ids,
			bool ids_null)
{
	results *r = dr->l.r;
	res_input *inputs = r->communes[dr->l.c].inputs;
	res_input *in = find_input(r, dr->l.c, name);

	if (!in)
		return true;
	if (in->stored || (!ids_null && !add_refs(dr, (size_t)(in - inputs), ids->data)))
		return false;
	si->variable = name;
	take_input(&dr->l, si, NULL);
	return true;
}

/* r's layout of text `layout`: the one read last, or read now. */
static const struct doc_layout *layout_of(results *r, const char *layout)
{
	if (!r->layout || strcmp(r->layout->text, layout) != 0) {
		layout_free(r->layout);
		r->layout = xcalloc(1, sizeof *r->layout);
		r->layout->text = xstrdup(layout);
		r->layout->ok = read_layout(layout, &r->layout->names, &r->layout->n);
	}
	return r->layout;
}

/* Reads document `doc` — of layout `layout` (the array of its variables'
 * names), or, without one, an object by variable — into commune l's
 * inputs and their listed ids; false when it is not what score.c writes
 * (what it took by then stays: the caller empties the inputs and the ids
 * and reads the score_input view instead). */
static bool read_input_doc(doc_read *dr, const char *doc, const char *layout)
{
	json_scan c = {doc};
	const struct doc_layout *l = layout ? layout_of(dr->l.r, layout) : NULL;
	const strbuf *names = l ? l->names : NULL;
	size_t n_names = l ? l->n : 0, k = 0;
	strbuf key, text[3];
	bool ok, is_null;

	sb_init(&key, 0);
	for (size_t t = 0; t < 3; t++)
		sb_init(&text[t], 0);
	ok = !l || l->ok;
	ok = ok && json_scan_char(&c, layout ? '[' : '{');
	while (ok && !json_scan_char(&c, layout ? ']' : '}')) {
		store_score_input si = {0};
		bool ids_null;
		ok = !k || json_scan_char(&c, ',');
		if (ok && layout)
			ok = k < n_names;
		else if (ok)
			ok = json_scan_string(&c, &key, &is_null) && !is_null &&
			     json_scan_char(&c, ':');
		ok = ok && read_member(&c, text, &si, &ids_null) &&
		     take_member(dr, layout ? names[k].data : key.data, &si, &text[2], ids_null);
		k++;
	}
	ok = ok && *c.p == '\0' && (!layout || k == n_names);
	sb_free(&key);
	for (size_t t = 0; t < 3; t++)
		sb_free(&text[t]);
	return ok;
}

/* Commune c's inputs and their observations: from its stored document
 * read at once, or through the score_input view when that document is
 * not of the expected shape. */
static dti_err read_inputs(staging *st, results *r, size_t c, dti_diag *d)
{
	const framework *fw = r->fw;
	res_commune *rc = &r->communes[c];
	doc_read dr = {{r, c}, NULL, 0, 0, 0};
	int64_t *ids = NULL; /* the refs' ids, each once */
	size_t n_ids = 0;
	char *doc = NULL, *layout = NULL;
	dti_err err = store_report_commune_input_doc(st, r->run_id, rc->code, &doc, &layout, d);

	if (!err && doc && !read_input_doc(&dr, doc, layout)) {
		r->doc_fallbacks++;
		for (size_t v = 0; v < fw->n_variables; v++)
			input_free(&rc->inputs[v]);
		memset(rc->inputs, 0, fw->n_variables * sizeof *rc->inputs);
		free(doc);
		doc = NULL;
		dr.n = 0;
	}
	if (!err && !doc) {
		detail_ctx l = {r, c};
		err = store_report_commune_inputs(st, r->run_id, rc->code, take_input, &l, d);
		if (!err)
			err = store_report_commune_observations(st, r->run_id, rc->code,
								take_observation, &l, d);
		goto out;
	}
	if (err)
		goto out;
	if (dr.n)
		qsort(dr.refs, dr.n, sizeof *dr.refs, cmp_ref);
	if (dr.n)
		ids = xcalloc(dr.n, sizeof *ids);
	for (size_t k = 0; k < dr.n; k++)
		if (!k || dr.refs[k].id != dr.refs[k - 1].id)
			ids[n_ids++] = dr.refs[k].id;
	if (n_ids)
		err = store_report_observations_by_id(st, &r->obs_names, ids, n_ids, take_listed,
						      &dr, d);
	/* An input an appraiser rejected lists no observation: it shows the
	 * rejected ones. */
	for (size_t v = 0; !err && v < fw->n_variables; v++) {
		const res_input *in = &rc->inputs[v];
		bool listed = false;
		for (size_t k = 0; !listed && k < dr.n; k++)
			listed = dr.refs[k].v == v;
		if (in->stored && !listed && in->state && strcmp(in->state, "rejected") == 0)
			err = store_report_rejected_observations(st, r->run_id, rc->code,
								 fw->variables[v].name,
								 take_observation, &dr.l, d);
	}
out:
	free(ids);
	free(dr.refs);
	free(doc);
	free(layout);
	return err;
}

static dti_err take_indicator(void *ctx, const store_score *s, dti_diag *d)
{
	detail_ctx *l = ctx;
	const framework *fw = l->r->fw;
	const fw_indicator *ind = framework_indicator(fw, s->item);

	(void)d;
	if (ind && strcmp(s->level, "total") != 0)
		read_score(l->r, s, &l->r->communes[l->c].indicators[ind - fw->indicators]);
	return DTI_EOK;
}

/* An input that only indicators not applicable to commune c read is not
 * one it needs: not counted as missing, not listed among its inputs. */
static void drop_unneeded_inputs(results *r, size_t c)
{
	const framework *fw = r->fw;
	const res_commune *rc = &r->communes[c];

	for (size_t v = 0; v < fw->n_variables; v++) {
		bool needed = false;
		for (size_t i = 0; !needed && i < fw->n_indicators; i++)
			needed = !rc->indicators[i].not_applicable &&
				 framework_indicator_uses(&fw->indicators[i], &fw->variables[v]);
		if (!needed)
			rc->inputs[v].stored = false;
	}
}

dti_err results_detail(staging *st, results *r, size_t c, bool inputs, dti_diag *d)
{
	const framework *fw = r->fw;
	res_commune *rc = &r->communes[c];
	detail_ctx l = {r, c};
	dti_err rc_err;

	results_detail_drop(r, c);
	rc->indicators = xcalloc(fw->n_indicators ? fw->n_indicators : 1, sizeof *rc->indicators);
	rc_err = store_report_commune_scores(st, r->run_id, rc->code, take_indicator, &l, d);
	if (!rc_err && inputs && r->with_inputs) {
		rc->inputs = xcalloc(fw->n_variables ? fw->n_variables : 1, sizeof *rc->inputs);
		rc_err = read_inputs(st, r, c, d);
		if (!rc_err && fw->by_unit_type)
			drop_unneeded_inputs(r, c);
		rc->n_used = rc->n_have = 0;
		for (size_t v = 0; !rc_err && v < fw->n_variables; v++) {
			rc->n_used += rc->inputs[v].stored;
			rc->n_have += rc->inputs[v].stored && rc->inputs[v].value.present;
		}
	}
	if (rc_err)
		results_detail_drop(r, c);
	return rc_err;
}

/* Who holds the extremes of the x of each cross-commune indicator, so
 * advising each commune needs no scan of the set. */
static void index_cross(results *r)
{
	const framework *fw = r->fw;

	r->cross_top = xcalloc(fw->n_indicators ? fw->n_indicators : 1, sizeof *r->cross_top);
	for (size_t i = 0; i < fw->n_indicators; i++) {
		size_t *t = r->cross_top[i];
		const double *xs = r->cross_x[i];
		if (!xs)
			continue;
		t[0] = t[1] = t[2] = t[3] = SIZE_MAX;
		for (size_t c = 0; c < r->n; c++) {
			double x = xs[c];
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

/* Where the rows of the whole run go, communes by code. */
typedef struct load_ctx {
	results *r;
	size_t cap;                  /* communes allocated */
	store_report_totals *totals; /* or NULL */
	results_commune_fn each;     /* or NULL (results_load_each) */
	void *each_ctx;
} load_ctx;

/* The commune of a score row: the last one read, or a new one (the rows
 * come by commune code). */
static res_commune *row_commune(load_ctx *l, const store_score *s)
{
	results *r = l->r;
	const framework *fw = r->fw;
	res_commune *c;

	if (r->n && strcmp(r->communes[r->n - 1].code, s->commune_code) == 0)
		return &r->communes[r->n - 1];
	if (r->n == l->cap) {
		size_t old = l->cap;
		l->cap = l->cap ? l->cap * 2 : 16;
		r->communes = xrealloc(r->communes, l->cap * sizeof *r->communes);
		for (size_t i = 0; i < fw->n_indicators; i++) {
			if (!r->cross_x[i])
				continue;
			r->cross_x[i] = xrealloc(r->cross_x[i], l->cap * sizeof *r->cross_x[i]);
			for (size_t k = old; k < l->cap; k++)
				r->cross_x[i][k] = 0; /* a commune without the row: 0, as scored */
		}
	}
	c = &r->communes[r->n++];
	memset(c, 0, sizeof *c);
	c->code = xstrdup(s->commune_code);
	/* Named by its code when the commune table has no name for it. */
	c->name = xstrdup(s->commune_name ? s->commune_name : s->commune_code);
	c->pillars = xcalloc(fw->n_pillars ? fw->n_pillars : 1, sizeof *c->pillars);
	return c;
}

/* results_load_each: the last commune read, all its rows in, to l->each
 * with its TOTAL row (none without one), and its indicators dropped. */
static dti_err hand_over(load_ctx *l, dti_diag *d)
{
	results *r = l->r;
	size_t c = r->n - 1;
	const store_report_total *t = l->totals->n ? &l->totals->items[l->totals->n - 1] : NULL;
	dti_err rc = DTI_EOK;

	if (t && strcmp(t->code, r->communes[c].code) == 0)
		rc = l->each(l->each_ctx, r, &r->communes[c], t, d);
	results_detail_drop(r, c);
	return rc;
}

static dti_err take_score(void *ctx, const store_score *s, dti_diag *d)
{
	load_ctx *l = ctx;
	results *r = l->r;
	const framework *fw = r->fw;
	const fw_indicator *ind = framework_indicator(fw, s->item);
	res_commune *c;

	if (l->each && r->n && strcmp(r->communes[r->n - 1].code, s->commune_code) != 0) {
		dti_err rc = hand_over(l, d);
		if (rc)
			return rc;
	}
	c = row_commune(l, s);
	if (l->each && !c->indicators)
		c->indicators =
			xcalloc(fw->n_indicators ? fw->n_indicators : 1, sizeof *c->indicators);
	if (strcmp(s->level, "total") == 0) {
		if (l->totals) {
			store_report_total *t = STORE_PUSH(l->totals);
			t->code = xstrdup(s->commune_code);
			t->name = xstrdup(s->commune_name ? s->commune_name : "");
			t->max_points = s->max_points;
			t->fraction = s->fraction;
			t->flags = xstrdup(s->flags);
		}
		c->total = s->points;
		c->max = s->max_points;
		c->rank = (long)s->rank;
	} else if (ind) {
		size_t i = (size_t)(ind - fw->indicators);
		c->n_flagged += (flags_parse(s->flags) & ~FLAG_NOT_APPLICABLE) != 0;
		if (r->cross_x[i])
			r->cross_x[i][r->n - 1] = s->ratio;
		if (c->indicators)
			read_score(r, s, &c->indicators[i]);
	} else {
		for (size_t p = 0; p < fw->n_pillars; p++)
			if (strcmp(fw->pillars[p].id, s->item) == 0)
				c->pillars[p] = (res_pillar){s->points, s->max_points, s->fraction,
							     flags_interned(r, s->flags)};
	}
	return DTI_EOK;
}

/* A commune's place in the order of store_scores_each: by rank, then code. */
typedef struct rank_key {
	long rank;
	const char *code;
	size_t index; /* as read */
} rank_key;

static int cmp_rank(const void *a, const void *b)
{
	const rank_key *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* The communes (read by code) and their x put in rank order. */
static void sort_by_rank(results *r)
{
	size_t n = r->n ? r->n : 1;
	rank_key *order = xcalloc(n, sizeof *order);
	res_commune *sorted = xcalloc(n, sizeof *sorted);
	double *xs = xcalloc(n, sizeof *xs);

	for (size_t c = 0; c < r->n; c++)
		order[c] = (rank_key){r->communes[c].rank, r->communes[c].code, c};
	if (r->n)
		qsort(order, r->n, sizeof *order, cmp_rank);
	for (size_t c = 0; c < r->n; c++)
		sorted[c] = r->communes[order[c].index];
	free(r->communes);
	r->communes = sorted;
	for (size_t i = 0; i < r->fw->n_indicators; i++) {
		if (!r->cross_x[i])
			continue;
		for (size_t c = 0; c < r->n; c++)
			xs[c] = r->cross_x[i][order[c].index];
		memcpy(r->cross_x[i], xs, r->n * sizeof *xs);
	}
	free(xs);
	free(order);
}

/* r->by_code: the communes' indices in the order of their codes, 4 bytes
 * a commune where a map from code to index took about 80. */
static void index_codes(results *r)
{
	rank_key *keys = xcalloc(r->n ? r->n : 1, sizeof *keys);

	for (size_t c = 0; c < r->n; c++)
		keys[c] = (rank_key){0, r->communes[c].code, c}; /* equal ranks: by code */
	if (r->n)
		qsort(keys, r->n, sizeof *keys, cmp_rank);
	r->by_code = xcalloc(r->n ? r->n : 1, sizeof *r->by_code);
	for (size_t k = 0; k < r->n; k++)
		r->by_code[k] = (uint32_t)keys[k].index;
	free(keys);
}

dti_err results_load(staging *st, const scoring_run_info *run, bool with_inputs, results **out,
		     dti_diag *d)
{
	return results_load_totals(st, run, with_inputs, out, NULL, d);
}

dti_err results_load_totals(staging *st, const scoring_run_info *run, bool with_inputs,
			    results **out, store_report_totals *totals, dti_diag *d)
{
	return results_load_each(st, run, with_inputs, out, totals, NULL, NULL, d);
}

dti_err results_load_each(staging *st, const scoring_run_info *run, bool with_inputs, results **out,
			  store_report_totals *totals, results_commune_fn each, void *each_ctx,
			  dti_diag *d)
{
	results *r = xcalloc(1, sizeof *r);
	const framework *fw = run->fw;
	load_ctx l = {r, 0, totals, totals ? each : NULL, each_ctx};
	dti_err rc;

	*out = NULL;
	if (totals)
		memset(totals, 0, sizeof *totals);
	r->fw = fw;
	r->run_id = run->id;
	r->year = run->year;
	r->with_inputs = with_inputs;
	r->flag_texts = xcalloc(1, sizeof *r->flag_texts);
	strmap_init(r->flag_texts);
	snprintf(r->mode, sizeof r->mode, "%s", run->mode);
	snprintf(r->started_at, sizeof r->started_at, "%s", run->started_at);
	r->cross_x = xcalloc(fw->n_indicators ? fw->n_indicators : 1, sizeof *r->cross_x);
	for (size_t i = 0; i < fw->n_indicators; i++)
		if (rule_kind_of(&fw->indicators[i])->normalised)
			r->cross_x[i] = xcalloc(1, sizeof *r->cross_x[i]);
	rc = store_report_scores_by_code(st, run->id, take_score, &l, d);
	if (!rc && l.each && r->n)
		rc = hand_over(&l, d);
	if (rc)
		goto out;
	sort_by_rank(r);
	index_codes(r);
	r->names = xcalloc(r->n ? r->n : 1, sizeof *r->names);
	for (size_t c = 0; c < r->n; c++) {
		r->names[c] = r->communes[c].name;
		if (fabs(r->communes[c].max - r->communes[0].max) > 1e-9)
			r->maxima_differ = true;
	}
	index_cross(r);
out:
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

const advice *results_advice_kept(const results *r, size_t c, size_t i, const char **words)
{
	/* Kept with the commune's detail: r->communes is not r's to keep
	 * const, and the detail is what the advice is made from. */
	res_commune *rc = &r->communes[c];
	struct advice_kept *k;

	if (!rc->advice)
		rc->advice =
			xcalloc(r->fw->n_indicators ? r->fw->n_indicators : 1, sizeof *rc->advice);
	k = &rc->advice[i];
	if (!k->known) {
		results_advice(r, c, i, &k->a);
		k->known = true;
	}
	if (words && !k->words) {
		strbuf t;
		sb_init(&t, 0);
		advice_text(&k->a, &r->fw->indicators[i], &t);
		k->words = t.len ? sb_take(&t) : xstrdup("");
		sb_free(&t);
	}
	if (words)
		*words = k->words;
	return &k->a;
}
