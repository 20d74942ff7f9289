/* store_report.c — the reads of explain, export and the report beyond the
 * loaded results (see store_report.h). */
#include "store_report.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "store.h"

/* The columns store_score_sets_each reads, with the commune's name or
 * NAME when it has none, and the rest of the statement. */
#define SET_COLUMNS(NAME)                                                          \
	"SELECT r.commune_code, coalesce(c.name, " NAME "), r.rank, s.rows, s.id " \
	"FROM score_result r JOIN score_set s ON s.id = r.score_set "              \
	"LEFT JOIN commune c ON c.code = r.commune_code WHERE r.scoring_run_id = ?1 "

static dti_err take_score(void *ctx, const store_score *sc, dti_diag *d)
{
	store_report_score *s = ctx;

	(void)d;
	if (s->flags)
		return DTI_EOK; /* the first row; the key admits one */
	s->points = sc->points;
	s->max_points = sc->max_points;
	s->fraction = sc->fraction;
	s->ratio = sc->ratio;
	s->flags = xstrdup(sc->flags);
	s->has_rank = sc->rank != 0;
	s->rank = sc->rank;
	s->commune_name = xstrdup(sc->commune_name);
	return DTI_EOK;
}

dti_err store_report_score_of(staging *st, int64_t run_id, const char *commune_code,
			      const char *item, store_report_score *out, bool *found, dti_diag *d)
{
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = store_score_sets_each(st, SET_COLUMNS("''") "AND r.commune_code = ?2",
				   STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code)), item,
				   NULL, take_score, out, d);
	*found = !rc && out->flags;
	return rc;
}

void store_report_score_free(store_report_score *s)
{
	if (!s)
		return;
	free(s->flags);
	free(s->commune_name);
	memset(s, 0, sizeof *s);
}

static dti_err take_input(void *ctx, const store_row *r, dti_diag *d)
{
	store_report_inputs *l = ctx;
	store_report_input *in = STORE_PUSH(l);

	(void)d;
	in->variable = xstrdup(store_text(r, 0));
	in->value = store_text_dup(r, 1);
	in->num = store_num(r, 2);
	in->state = xstrdup(store_text(r, 3));
	in->observation_ids = store_text_dup(r, 4);
	return DTI_EOK;
}

dti_err store_report_inputs_of(staging *st, int64_t run_id, const char *commune_code,
			       store_report_inputs *out, dti_diag *d)
{
	static const char sql[] =
		"SELECT variable, value, num, state, observation_ids FROM score_input "
		"WHERE scoring_run_id = ?1 AND commune_code = ?2";

	memset(out, 0, sizeof *out);
	return store_each(st, d, sql, take_input, out, NULL,
			  STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code)));
}

void store_report_inputs_free(store_report_inputs *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		free(l->items[i].variable);
		free(l->items[i].value);
		free(l->items[i].state);
		free(l->items[i].observation_ids);
	}
	if (l) {
		free(l->items);
		memset(l, 0, sizeof *l);
	}
}

/* An observation as explain shows it: the columns of OBSERVATION_ROW,
 * then a WHERE on o (the observation) or st (its state). */
#define OBSERVATION_ROW                                                           \
	"SELECT o.id, o.value, src.name, src.kind, o.run_id, o.observed_at, "     \
	"coalesce(r.input, ''), st.state, coalesce(st.appraised_by, ''), "        \
	"coalesce(st.appraisal_reason, ''), st.value, coalesce(o.proof_url, '') " \
	"FROM observation o JOIN source src ON src.id = o.source_id "             \
	"JOIN run r ON r.id = o.run_id JOIN observation_state st ON st.id = o.id "

static void read_obs(const store_row *r, store_report_obs *o)
{
	o->id = store_int(r, 0);
	o->value = store_text_dup(r, 1);
	o->source = store_text_dup(r, 2);
	o->source_kind = store_text_dup(r, 3);
	o->run_id = store_int(r, 4);
	o->observed_at = store_text_dup(r, 5);
	o->input = store_text_dup(r, 6);
	o->state = store_text_dup(r, 7);
	o->appraised_by = store_text_dup(r, 8);
	o->reason = store_text_dup(r, 9);
	o->state_value = store_text_dup(r, 10);
	o->proof_url = store_text_dup(r, 11);
}

static dti_err take_obs(void *ctx, const store_row *r, dti_diag *d)
{
	store_report_obs *o = ctx;

	(void)d;
	if (!o->input) /* the first row; ids are unique */
		read_obs(r, o);
	return DTI_EOK;
}

dti_err store_report_observation(staging *st, int64_t id, store_report_obs *out, bool *found,
				 dti_diag *d)
{
	memset(out, 0, sizeof *out);
	return store_first(st, d, OBSERVATION_ROW "WHERE o.id = ?1", take_obs, out, found,
			   STORE_ARGS(STORE_INT(id)));
}

void store_report_obs_free(store_report_obs *o)
{
	if (!o)
		return;
	free(o->value);
	free(o->source);
	free(o->source_kind);
	free(o->observed_at);
	free(o->input);
	free(o->state);
	free(o->appraised_by);
	free(o->reason);
	free(o->state_value);
	free(o->proof_url);
	memset(o, 0, sizeof *o);
}

static dti_err take_obs_item(void *ctx, const store_row *r, dti_diag *d)
{
	store_report_obs_list *l = ctx;

	(void)d;
	read_obs(r, STORE_PUSH(l));
	return DTI_EOK;
}

dti_err store_report_rejected(staging *st, int year, const char *commune_code, const char *variable,
			      store_report_obs_list *out, dti_diag *d)
{
	memset(out, 0, sizeof *out);
	return store_each(
		st, d,
		OBSERVATION_ROW "WHERE st.year = ?1 AND st.commune_code = ?2 "
				"AND st.variable = ?3 AND st.state = 'rejected' ORDER BY o.id",
		take_obs_item, out, NULL,
		STORE_ARGS(STORE_INT(year), STORE_TEXT(commune_code), STORE_TEXT(variable)));
}

void store_report_obs_list_free(store_report_obs_list *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		store_report_obs_free(&l->items[i]);
	if (l) {
		free(l->items);
		memset(l, 0, sizeof *l);
	}
}

typedef struct range {
	double min, max;
} range;

static dti_err take_range(void *ctx, const store_score *s, dti_diag *d)
{
	range *g = ctx;

	(void)d;
	if (isnan(s->ratio))
		return DTI_EOK;
	if (isnan(g->min) || s->ratio < g->min)
		g->min = s->ratio;
	if (isnan(g->max) || s->ratio > g->max)
		g->max = s->ratio;
	return DTI_EOK;
}

dti_err store_report_ratio_range(staging *st, int64_t run_id, const char *item, double *min,
				 double *max, dti_diag *d)
{
	range g = {NAN, NAN};
	dti_err rc = store_score_sets_each(st, SET_COLUMNS("''"), STORE_ARGS(STORE_INT(run_id)),
					   item, NULL, take_range, &g, d);

	*min = g.min;
	*max = g.max;
	return rc;
}

void store_report_totals_free(store_report_totals *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		free(l->items[i].code);
		free(l->items[i].name);
		free(l->items[i].flags);
	}
	if (l) {
		free(l->items);
		memset(l, 0, sizeof *l);
	}
}

dti_err store_report_run_area(staging *st, int64_t run_id, char **area_name, dti_diag *d)
{
	return store_text1(st, d, "SELECT area_name FROM scoring_run WHERE id = ?1", area_name,
			   STORE_ARGS(STORE_INT(run_id)));
}

/* ---- a run read commune by commune ---- */

dti_err store_report_scores_by_code(staging *st, int64_t run_id, store_score_fn fn, void *ctx,
				    dti_diag *d)
{
	return store_score_sets_each(st, SET_COLUMNS("NULL") "ORDER BY r.commune_code",
				     STORE_ARGS(STORE_INT(run_id)), NULL, NULL, fn, ctx, d);
}

dti_err store_report_commune_scores(staging *st, int64_t run_id, const char *commune_code,
				    store_score_fn fn, void *ctx, dti_diag *d)
{
	/* The commune's name is the caller's: none is read. */
	return store_score_sets_each(
		st,
		"SELECT r.commune_code, '', r.rank, s.rows, s.id FROM score_result r "
		"JOIN score_set s ON s.id = r.score_set "
		"WHERE r.scoring_run_id = ?1 AND r.commune_code = ?2",
		STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code)), NULL, NULL, fn, ctx, d);
}

dti_err store_report_commune_inputs(staging *st, int64_t run_id, const char *commune_code,
				    store_score_input_fn fn, void *ctx, dti_diag *d)
{
	store_score_input_reader ir = {fn, ctx};

	return store_each(st, d,
			  "SELECT commune_code, variable, value, num, state FROM score_input "
			  "WHERE scoring_run_id = ?1 AND commune_code = ?2",
			  store_score_input_row, &ir, NULL,
			  STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code)));
}

dti_err store_report_commune_observations(staging *st, int64_t run_id, const char *commune_code,
					  store_input_observation_fn fn, void *ctx, dti_diag *d)
{
	/* store_input_observations_each's statement for one commune. */
	static const char sql[] =
		STORE_INPUT_OBSERVATIONS_SQL("i.scoring_run_id = ?1 AND i.commune_code = ?2");
	store_observation_reader orr = {fn, ctx};

	return store_each(st, d, sql, store_observation_row, &orr, NULL,
			  STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code)));
}

typedef struct input_doc {
	char **doc, **layout;
} input_doc;

static dti_err take_input_doc(void *ctx, const store_row *r, dti_diag *d)
{
	input_doc *x = ctx;

	(void)d;
	*x->doc = store_text_dup(r, 0);
	*x->layout = store_is_null(r, 1) ? NULL : store_text_dup(r, 1);
	return DTI_EOK;
}

dti_err store_report_commune_input_doc(staging *st, int64_t run_id, const char *commune_code,
				       char **doc, char **layout, dti_diag *d)
{
	input_doc x = {doc, layout};
	bool found;

	*doc = *layout = NULL;
	return store_first(st, d,
			   "SELECT i.inputs, l.variables FROM scoring_input s JOIN input_set i "
			   "ON i.sha256 = s.input_set LEFT JOIN input_layout l ON l.id = i.layout "
			   "WHERE s.scoring_run_id = ?1 AND s.commune_code = ?2",
			   take_input_doc, &x, &found,
			   STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code)));
}

/* The columns of store_observation_row from observation_state st. */
#define OBSERVATION_STATE_ROW                                                                  \
	"SELECT st.commune_code, st.variable, st.id, st.value, st.state, src.name, src.kind, " \
	"st.observed_at, coalesce(r.input, ''), st.proof_url, st.note, st.appraised_by, "      \
	"st.appraisal_reason FROM "

/* Listed ids at most this far apart are read in one range of ids, the
 * few observations between them read and passed over: a commune's are
 * stored together, one stretch of ids for each import of its values. */
enum { ID_GAP = 8 };

/* A source's name and kind, or a run's input (b NULL), by id. */
typedef struct obs_name {
	int64_t id;
	char *a, *b;
} obs_name;

typedef struct obs_names_of {
	obs_name *at; /* by id */
	size_t n, cap, last;
} obs_names_of;

struct store_obs_names {
	obs_names_of sources, runs;
};

static void obs_names_of_free(obs_names_of *o)
{
	for (size_t k = 0; k < o->n; k++) {
		free(o->at[k].a);
		free(o->at[k].b);
	}
	free(o->at);
}

void store_obs_names_free(store_obs_names *names)
{
	if (!names)
		return;
	obs_names_of_free(&names->sources);
	obs_names_of_free(&names->runs);
	free(names);
}

typedef struct obs_name_read {
	obs_name *into;
	bool two;
} obs_name_read;

static dti_err take_obs_name(void *ctx, const store_row *r, dti_diag *d)
{
	obs_name_read *x = ctx;

	(void)d;
	x->into->a = store_is_null(r, 0) ? NULL : store_text_dup(r, 0);
	x->into->b = x->two && !store_is_null(r, 1) ? store_text_dup(r, 1) : NULL;
	return DTI_EOK;
}

/* The entry of id in o, read by sql (?1 the id; one or two columns) when
 * not yet kept; NULL when no row has that id (the join it stands for
 * would have passed the observation over). */
static dti_err obs_name_of(staging *st, obs_names_of *o, const char *sql, bool two, int64_t id,
			   const obs_name **out, dti_diag *d)
{
	size_t lo = 0, hi = o->n;
	obs_name fresh = {id, NULL, NULL};
	obs_name_read x = {&fresh, two};
	bool found = false;
	dti_err rc;

	*out = NULL;
	/* A commune's observations mostly share a source and a run. */
	if (o->last < o->n && o->at[o->last].id == id) {
		*out = &o->at[o->last];
		return DTI_EOK;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->at[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < o->n && o->at[lo].id == id) {
		o->last = lo;
		*out = &o->at[lo];
		return DTI_EOK;
	}
	rc = store_first(st, d, sql, take_obs_name, &x, &found, STORE_ARGS(STORE_INT(id)));
	if (rc || !found)
		return rc;
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->at = xrealloc(o->at, o->cap * sizeof *o->at);
	}
	memmove(o->at + lo + 1, o->at + lo, (o->n - lo) * sizeof *o->at);
	o->at[lo] = fresh;
	o->n++;
	o->last = lo;
	*out = &o->at[lo];
	return DTI_EOK;
}

typedef struct listed_reader {
	store_observation_reader orr;
	staging *st;
	store_obs_names *names;
	const int64_t *ids;
	size_t n, next; /* ids[next]: the next listed id not yet read */
} listed_reader;

/* A row of the range: given on when its id is listed, with its source's
 * name and kind and its run's input (store_observation_row's columns). */
static dti_err take_listed_row(void *ctx, const store_row *r, dti_diag *d)
{
	listed_reader *l = ctx;
	int64_t id = store_int(r, 2);
	const obs_name *src = NULL, *run = NULL;
	store_input_observation o;
	dti_err rc;

	while (l->next < l->n && l->ids[l->next] < id)
		l->next++;
	if (l->next == l->n || l->ids[l->next] != id)
		return DTI_EOK;
	rc = obs_name_of(l->st, &l->names->sources, "SELECT name, kind FROM source WHERE id = ?1",
			 true, store_int(r, 5), &src, d);
	if (!rc && src)
		rc = obs_name_of(l->st, &l->names->runs,
				 "SELECT coalesce(input, '') FROM run WHERE id = ?1", false,
				 store_int(r, 6), &run, d);
	if (rc || !src || !run)
		return rc;
	o.commune_code = store_text(r, 0);
	o.variable = store_text(r, 1);
	o.id = id;
	o.value = store_text_or_null(r, 3);
	o.state = store_text_or_null(r, 4);
	o.source = src->a;
	o.source_kind = src->b;
	o.observed_at = store_text_or_null(r, 7);
	o.input = run->a;
	o.proof_url = store_text_or_null(r, 8);
	o.note = store_text_or_null(r, 9);
	o.appraised_by = store_text_or_null(r, 10);
	o.appraisal_reason = store_text_or_null(r, 11);
	return l->orr.fn(l->orr.ctx, &o, d);
}

dti_err store_report_observations_by_id(staging *st, store_obs_names **names, const int64_t *ids,
					size_t n, store_input_observation_fn fn, void *ctx,
					dti_diag *d)
{
	/* A range of observation ids, in the id's order with no sort (where
	 * a JSON list of ids joined with json_each needed one); the source
	 * and run of each looked up in *names. */
	static const char sql[] =
		"SELECT st.commune_code, st.variable, st.id, st.value, st.state, st.source_id, "
		"st.run_id, st.observed_at, st.proof_url, st.note, st.appraised_by, "
		"st.appraisal_reason FROM observation_state st WHERE st.id BETWEEN ?1 AND ?2 "
		"ORDER BY st.id";
	listed_reader l = {{fn, ctx}, st, NULL, ids, n, 0};
	dti_err rc = DTI_EOK;

	if (!*names)
		*names = xcalloc(1, sizeof **names);
	l.names = *names;
	for (size_t k = 0; !rc && k < n;) {
		size_t last = k;
		while (last + 1 < n && ids[last + 1] - ids[last] <= ID_GAP) {
			assert(ids[last + 1] > ids[last]);
			last++;
		}
		rc = store_each(st, d, sql, take_listed_row, &l, NULL,
				STORE_ARGS(STORE_INT(ids[k]), STORE_INT(ids[last])));
		k = last + 1;
	}
	return rc;
}

dti_err store_report_rejected_observations(staging *st, int64_t run_id, const char *commune_code,
					   const char *variable, store_input_observation_fn fn,
					   void *ctx, dti_diag *d)
{
	store_observation_reader orr = {fn, ctx};

	return store_each(
		st, d,
		OBSERVATION_STATE_ROW
		"scoring_run sr JOIN observation_state st ON st.year = sr.year "
		"JOIN source src ON src.id = st.source_id JOIN run r ON r.id = st.run_id "
		"WHERE sr.id = ?1 AND st.commune_code = ?2 AND st.variable = ?3 "
		"AND st.state = 'rejected' ORDER BY st.id",
		store_observation_row, &orr, NULL,
		STORE_ARGS(STORE_INT(run_id), STORE_TEXT(commune_code), STORE_TEXT(variable)));
}
