#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_score.h"
#include "util.h"

/* One commune's resolved inputs, indexed like fw->variables. */
typedef struct input_row {
	rule_value *values;
	char **texts;    /* value text as resolved (owned) */
	char **states;   /* state word (owned) */
	char **obs_ids;  /* observation ids (owned) */
	size_t n;
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
	for (size_t i = 0; i < row->n; i++) {
		free(row->texts[i]);
		free(row->states[i]);
		free(row->obs_ids[i]);
		row->texts[i] = row->states[i] = row->obs_ids[i] = NULL;
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

static void describe_sum(const fw_variable *const *vars, size_t n, rule_lookup lookup, void *ctx,
			 strbuf *sb)
{
	char buf[64];

	if (n > 1)
		sb_appends(sb, "(");
	for (size_t i = 0; i < n; i++) {
		rule_value v = lookup(ctx, vars[i]);
		if (v.present)
			format_number(buf, v.num);
		sb_appendf(sb, "%s%s %s", i ? " + " : "", vars[i]->name, v.present ? buf : "?");
	}
	if (n > 1)
		sb_appends(sb, ")");
}

void score_describe(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		    rule_result r, double set_min, double set_max, strbuf *sb)
{
	char a[64], b[64], c[64];
	double pts = r.fraction * ind->max;

	format_number(c, pts);
	if (r.flags & FLAG_MISSING) {
		sb_appendf(sb, "an input is missing%s: 0 points",
			   (r.flags & FLAG_REJECTED)     ? " (rejected by an appraiser)"
			   : (r.flags & FLAG_UNVERIFIED) ? " (not verified; official scoring)"
							 : "");
		return;
	}
	switch (ind->kind) {
	case RULE_YESNO:
		sb_appendf(sb, "%s = %s: %s × %g = %s", ind->variable->name,
			   r.fraction > 0 ? "yes" : "no", r.fraction > 0 ? "1" : "0", ind->max, c);
		return;
	case RULE_TIER: {
		rule_value v = lookup(ctx, ind->variable);
		format_number(a, r.fraction);
		sb_appendf(sb, "%s = %s: %s × %g = %s", ind->variable->name, v.text ? v.text : "?", a,
			   ind->max, c);
		return;
	}
	case RULE_COUNT_TIERS: {
		rule_value v = lookup(ctx, ind->variable);
		if (ind->gate) {
			rule_value g = lookup(ctx, ind->gate);
			if (g.present && g.num == 0.0) {
				sb_appendf(sb, "%s = no: 0 points whatever %s", ind->gate->name,
					   ind->variable->name);
				return;
			}
			sb_appendf(sb, "%s = yes; ", ind->gate->name);
		}
		format_number(a, v.num);
		format_number(b, r.fraction);
		sb_appendf(sb, "%s = %s", ind->variable->name, a);
		for (size_t i = 0; i < ind->n_bands; i++)
			if (v.num >= ind->bands[i].min) {
				sb_appendf(sb, " (band ≥ %g)", ind->bands[i].min);
				break;
			}
		sb_appendf(sb, ": %s × %g = %s", b, ind->max, c);
		return;
	}
	case RULE_CROSS_COMMUNE:
		if (ind->variable)
			describe_sum(&ind->variable, 1, lookup, ctx, sb);
		else {
			sb_appends(sb, "x = ");
			describe_sum(ind->numerator, ind->n_numerator, lookup, ctx, sb);
			sb_appends(sb, " / ");
			describe_sum(ind->denominator, ind->n_denominator, lookup, ctx, sb);
		}
		if (r.flags & FLAG_NO_DENOMINATOR) {
			sb_appends(sb, ": denominator is 0, 0 points");
			return;
		}
		format_number(a, r.ratio);
		sb_appendf(sb, " = %s%s; ", a,
			   (r.flags & FLAG_NUM_ABOVE_DEN) ? " (numerator above denominator, clamped)" : "");
		format_number(a, set_max);
		format_number(b, set_min);
		if (ind->norm == NORM_MAX)
			sb_appendf(sb, "normalised x / max, max over the communes scored = %s", a);
		else
			sb_appendf(sb, "normalised (x - min) / (max - min), min = %s, max = %s", b, a);
		format_number(a, r.fraction);
		sb_appendf(sb, ": %s × %g = %s", a, ind->max, c);
		return;
	case RULE_RATIO:
	case RULE_RATIO_THRESHOLD:
	case RULE_RATIO_FLOOR:
		sb_appends(sb, "r = ");
		describe_sum(ind->numerator, ind->n_numerator, lookup, ctx, sb);
		sb_appends(sb, " / ");
		describe_sum(ind->denominator, ind->n_denominator, lookup, ctx, sb);
		if (r.flags & FLAG_NO_DENOMINATOR) {
			sb_appends(sb, ": denominator is 0, 0 points (no_denominator)");
			return;
		}
		format_number(a, r.ratio);
		sb_appendf(sb, " = %s", a);
		if (r.flags & FLAG_NUM_ABOVE_DEN)
			sb_appendf(sb, " (numerator above denominator: %s)",
				   fw->numerator_above_denominator == OVER_CLAMP ? "clamped to 1"
										 : "scored 0");
		format_number(b, r.fraction);
		if (ind->kind == RULE_RATIO_THRESHOLD) {
			if (r.ratio >= ind->threshold)
				sb_appendf(sb, " ≥ %g: 1 × %g = %s", ind->threshold, ind->max, c);
			else
				sb_appendf(sb, " < %g: %s / %g × %g = %s", ind->threshold, a,
					   ind->threshold, ind->max, c);
		} else if (ind->kind == RULE_RATIO_FLOOR) {
			if (r.ratio >= ind->floor)
				sb_appendf(sb, " ≥ %g: %s × %g = %s", ind->floor, a, ind->max, c);
			else
				sb_appendf(sb, " < %g: 0 points", ind->floor);
		} else {
			sb_appendf(sb, ": %s × %g = %s", b, ind->max, c);
		}
		return;
	case RULE_KIND_COUNT:
		break;
	}
}

/* Per commune × indicator results kept until the cross-commune pass. */
typedef struct result_cell {
	double fraction, ratio;
	unsigned flags;
} result_cell;

/* The inputs of a scoring run are stored as one JSON document per commune
 * (variable -> [value, num, state, observation_ids]) in input_set, under
 * the commune's input digest, so that a commune whose inputs did not change
 * shares the document of an earlier run; scoring_input names each
 * commune's document.  The score_input view shows them as rows. */
typedef struct input_store {
	sqlite3_stmt *has, *put_set, *put_link;
	strbuf doc; /* the document being written */
} input_store;

static dti_err input_store_open(staging *st, input_store *is, int64_t run_id, dti_diag *d)
{
	dti_err rc = staging_prepare(st, "SELECT 1 FROM input_set WHERE sha256 = ?1", &is->has, d);

	sb_init(&is->doc, 0);

	if (!rc)
		rc = staging_prepare(st, "INSERT INTO input_set(sha256, inputs) VALUES (?1, ?2)",
				     &is->put_set, d);
	if (!rc)
		rc = staging_prepare(st,
				     "INSERT INTO scoring_input(scoring_run_id, commune_code, input_set) "
				     "VALUES (?1, ?2, ?3)",
				     &is->put_link, d);
	if (!rc)
		sqlite3_bind_int64(is->put_link, 1, run_id);
	return rc;
}

static void input_store_close(input_store *is)
{
	sqlite3_finalize(is->has);
	sqlite3_finalize(is->put_set);
	sqlite3_finalize(is->put_link);
	sb_free(&is->doc);
}

static void json_text_or_null(strbuf *sb, const char *s)
{
	if (s)
		sb_json_string(sb, s);
	else
		sb_appends(sb, "null");
}

/* The document of one commune: variable -> [value, num, state,
 * observation_ids] for the variables the framework uses, in the order of
 * `order` (by name), written directly: building it as jansson objects
 * cost a tenth of a national run. */
static void inputs_document(strbuf *sb, const framework *fw, const size_t *order, size_t n,
			    const input_row *row)
{
	sb_reset(sb);
	sb_appends(sb, "{");
	for (size_t k = 0; k < n; k++) {
		size_t v = order[k];
		bool present = row->values[v].present;
		if (k)
			sb_appends(sb, ",");
		sb_json_string(sb, fw->variables[v].name);
		sb_appends(sb, ":[");
		json_text_or_null(sb, present ? row->texts[v] : NULL);
		sb_appends(sb, ",");
		if (present && !isnan(row->values[v].num))
			sb_json_number(sb, row->values[v].num);
		else
			sb_appends(sb, "null");
		sb_appends(sb, ",");
		sb_json_string(sb, row->states[v] ? row->states[v] : "missing");
		sb_appends(sb, ",");
		json_text_or_null(sb, row->obs_ids[v]);
		sb_appends(sb, "]");
	}
	sb_appends(sb, "}");
}

static int cmp_variable_name(const void *a, const void *b)
{
	return strcmp((*(const fw_variable *const *)a)->name, (*(const fw_variable *const *)b)->name);
}

/* The indexes of the variables some indicator reads, ordered by name (the
 * documents' key order); *n receives their number. */
static size_t *used_by_name(const framework *fw, size_t *n)
{
	const fw_variable **vars = xcalloc(fw->n_variables + 1, sizeof *vars);
	size_t *order = xcalloc(fw->n_variables + 1, sizeof *order);

	*n = 0;
	for (size_t v = 0; v < fw->n_variables; v++)
		for (size_t i = 0; i < fw->n_indicators; i++)
			if (framework_indicator_uses(&fw->indicators[i], &fw->variables[v])) {
				vars[(*n)++] = &fw->variables[v];
				break;
			}
	qsort(vars, *n, sizeof *vars, cmp_variable_name);
	for (size_t k = 0; k < *n; k++)
		order[k] = (size_t)(vars[k] - fw->variables);
	free(vars);
	return order;
}

static dti_err store_inputs(input_store *is, const framework *fw, const size_t *order, size_t n,
			    const char *code, const input_row *row, const char *digest,
			    dti_diag *d)
{
	int step;

	sqlite3_bind_text(is->has, 1, digest, -1, SQLITE_STATIC);
	step = sqlite3_step(is->has);
	sqlite3_reset(is->has);
	if (step == SQLITE_DONE) {
		inputs_document(&is->doc, fw, order, n, row); /* unbounded: cannot fail */
		sqlite3_bind_text(is->put_set, 1, digest, -1, SQLITE_STATIC);
		sqlite3_bind_text(is->put_set, 2, is->doc.data, (int)is->doc.len, SQLITE_STATIC);
		step = sqlite3_step(is->put_set);
		sqlite3_reset(is->put_set);
	} else if (step == SQLITE_ROW) {
		step = SQLITE_DONE;
	}
	if (step == SQLITE_DONE) {
		sqlite3_bind_text(is->put_link, 2, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(is->put_link, 3, digest, -1, SQLITE_STATIC);
		step = sqlite3_step(is->put_link);
		sqlite3_reset(is->put_link);
	}
	if (step != SQLITE_DONE)
		return diag_set(d, DTI_EDB, "cannot store score inputs: %s",
				sqlite3_errmsg(sqlite3_db_handle(is->put_link)));
	return DTI_EOK;
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

/* One commune's part of the input fingerprint: its code and, for each
 * variable current_input has a row for, the value, state and observations. */
static void commune_digest(const framework *fw, const char *code, const input_row *row,
			   char out[65])
{
	sha256_ctx c;

	sha256_init(&c);
	digest_field(&c, code);
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
	bool verified = state && (strcmp(state, "verified") == 0 || strcmp(state, "corrected") == 0);

	if (state && strcmp(state, "rejected") == 0) {
		row->values[v].present = false;
		row->values[v].why = FLAG_REJECTED;
		return;
	}
	if (o->official && !verified &&
	    (!o->must_verify || strmap_get(o->must_verify, fw->variables[v].name, NULL))) {
		row->values[v].present = false;
		row->values[v].why = FLAG_UNVERIFIED;
		free(row->states[v]);
		row->states[v] = xstrdup("unverified");
	}
}

/* Score rows go into the score table `per` at a time: one INSERT of many
 * rows costs SQLite much less than as many INSERTs of one row. */
enum { SCORE_COLS = 9 }; /* parameters per row; the run is bound once, as ?1 */

static dti_err prepare_score_insert(staging *st, size_t per, int64_t run_id, sqlite3_stmt **out,
				    dti_diag *d)
{
	strbuf sql;
	dti_err rc;

	sb_init(&sql, 0);
	sb_appends(&sql, "INSERT INTO score(scoring_run_id, commune_code, item, level, points, "
			 "max_points, fraction, ratio, flags, rank) VALUES ");
	for (size_t r = 0; r < per; r++)
		sb_appends(&sql, r ? ",(?1,?,?,?,?,?,?,?,?,?)" : "(?1,?,?,?,?,?,?,?,?,?)");
	rc = staging_prepare(st, sql.data, out, d);
	sb_free(&sql);
	if (!rc)
		sqlite3_bind_int64(*out, 1, run_id);
	return rc;
}

typedef struct score_row_sink {
	sqlite3_stmt *ins;
	size_t per, k; /* rows per statement, rows bound so far */
	const char *code;
	dti_err rc;
} score_row_sink;

static void score_row_put(score_row_sink *s, const char *item, const char *level, double points,
			  double max, double fraction, double ratio, unsigned flags, long rank)
{
	int at = 2 + (int)(s->k * SCORE_COLS);
	char words[128];

	flags_format(flags, words, sizeof words);
	sqlite3_bind_text(s->ins, at, s->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->ins, at + 1, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->ins, at + 2, level, -1, SQLITE_STATIC);
	sqlite3_bind_double(s->ins, at + 3, points);
	sqlite3_bind_double(s->ins, at + 4, max);
	sqlite3_bind_double(s->ins, at + 5, fraction);
	staging_bind_num(s->ins, at + 6, ratio);
	sqlite3_bind_text(s->ins, at + 7, words, -1, SQLITE_TRANSIENT);
	if (rank)
		sqlite3_bind_int64(s->ins, at + 8, rank);
	else
		sqlite3_bind_null(s->ins, at + 8);
	if (++s->k < s->per)
		return;
	if (!s->rc && sqlite3_step(s->ins) != SQLITE_DONE)
		s->rc = DTI_EDB;
	sqlite3_reset(s->ins);
	s->k = 0;
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

/* One scoring pass.  current_input is read in its own order, which in
 * practice keeps each commune's rows together; asking SQLite to sort them
 * costs more than the whole scoring.  When a commune's rows turn out not to
 * be contiguous, the pass is abandoned (*unordered) and the caller runs it
 * again with the sorted query. */
static dti_err score_pass(staging *st, const framework *fw, const score_options *o, bool sorted,
			  bool *unordered, score_summary *out, dti_diag *d)
{
	commune_list communes = {0};
	strmap code_index;
	bool *seen = NULL;
	char (*digests)[65] = NULL;
	input_row row = {0};
	strmap var_index;
	result_cell *res = NULL;
	sqlite3_stmt *q = NULL, *ins_score = NULL, *ins_run = NULL, *fin = NULL;
	input_store ins_in = {0};
	size_t *by_name = NULL, n_used = 0;
	int64_t run_id = 0;
	size_t nc, ni = fw->n_indicators;
	char now[32];
	double t0 = mono_seconds(), t_compute = 0, t_store = 0, t2;
	int step;
	dti_err rc;
	const void *ctx[2] = {fw, &row};

	memset(out, 0, sizeof *out);
	*unordered = false;
	strmap_init(&var_index);
	strmap_init(&code_index);
	rc = staging_active_communes(st, &communes, d);
	if (rc)
		goto out;
	nc = communes.count;
	seen = xcalloc(nc ? nc : 1, sizeof *seen);
	digests = xcalloc(nc ? nc : 1, sizeof *digests);
	for (size_t c = 0; c < nc; c++)
		strmap_put(&code_index, communes.items[c].code, (intptr_t)c);
	if (nc == 0) {
		rc = diag_set(d, DTI_ENOTFOUND, "no commune to score: load a commune list first");
		goto out;
	}
	rc = staging_sync_framework(st, fw, d);
	if (rc)
		goto out;
	for (size_t v = 0; v < fw->n_variables; v++)
		strmap_put(&var_index, fw->variables[v].name, (intptr_t)v);
	by_name = used_by_name(fw, &n_used);
	row.n = fw->n_variables;
	row.values = xcalloc(row.n, sizeof *row.values);
	row.texts = xcalloc(row.n, sizeof *row.texts);
	row.states = xcalloc(row.n, sizeof *row.states);
	row.obs_ids = xcalloc(row.n, sizeof *row.obs_ids);
	res = xcalloc(nc * ni, sizeof *res);

	rc = staging_begin(st, d);
	if (rc)
		goto out;
	now_iso(now);
	rc = staging_prepare(st,
			     "INSERT INTO scoring_run(year, framework_sha256, edition, mode, started_at, "
			     "status, communes) VALUES (?1, ?2, ?3, ?4, ?5, 'running', ?6) RETURNING id",
			     &ins_run, d);
	if (rc)
		goto fail;
	sqlite3_bind_int(ins_run, 1, o->year);
	sqlite3_bind_text(ins_run, 2, fw->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_run, 3, fw->edition, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_run, 4, o->official ? "official" : "provisional", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins_run, 5, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins_run, 6, (sqlite3_int64)nc);
	if (sqlite3_step(ins_run) != SQLITE_ROW) {
		rc = diag_set(d, DTI_EDB, "cannot store scoring run: %s", sqlite3_errmsg(staging_db(st)));
		goto fail;
	}
	run_id = sqlite3_column_int64(ins_run, 0);
	sqlite3_reset(ins_run);
	rc = input_store_open(st, &ins_in, run_id, d);
	if (!rc)
		rc = staging_prepare(st,
				     sorted ? "SELECT commune_code, variable, value, num, state, "
					      "observation_ids FROM current_input WHERE year = ?1 "
					      "ORDER BY commune_code"
					    : "SELECT commune_code, variable, value, num, state, "
					      "observation_ids FROM current_input WHERE year = ?1",
				     &q, d);
	if (rc)
		goto fail;
	sqlite3_bind_int(q, 1, o->year);
	step = sqlite3_step(q);
	/* Each commune with rows, in the order they come; then the others. */
	for (size_t next = 0; !rc;) {
		size_t c;
		intptr_t ci;
		double t1;
		if (step == SQLITE_ROW) {
			if (!strmap_get(&code_index, (const char *)sqlite3_column_text(q, 0), &ci)) {
				step = sqlite3_step(q); /* not an assessed commune */
				continue;
			}
			c = (size_t)ci;
			if (seen[c]) {
				*unordered = true;
				rc = diag_set(d, DTI_EDB, "current_input rows of %s are not together",
					      communes.items[c].code);
				goto fail;
			}
		} else {
			while (next < nc && seen[next])
				next++;
			if (next == nc)
				break;
			c = next;
		}
		seen[c] = true;
		row_reset(&row);
		while (step == SQLITE_ROW &&
		       strcmp((const char *)sqlite3_column_text(q, 0), communes.items[c].code) == 0) {
			intptr_t v;
			if (strmap_get(&var_index, (const char *)sqlite3_column_text(q, 1), &v)) {
				row.texts[v] = staging_column_strdup(q, 2);
				row.states[v] = staging_column_strdup(q, 4);
				row.obs_ids[v] = staging_column_strdup(q, 5);
				row.values[v].present = sqlite3_column_type(q, 2) != SQLITE_NULL;
				row.values[v].num = sqlite3_column_double(q, 3);
				row.values[v].text = row.texts[v];
				apply_state(&row, (size_t)v, o, fw);
			}
			step = sqlite3_step(q);
		}
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = diag_set(d, DTI_EDB, "cannot read current_input: %s",
				      sqlite3_errmsg(staging_db(st)));
			goto fail;
		}
		commune_digest(fw, communes.items[c].code, &row, digests[c]);
		t1 = mono_seconds();
		for (size_t i = 0; i < ni; i++) {
			rule_result r = rule_eval(fw, &fw->indicators[i], row_lookup, ctx);
			res[c * ni + i].fraction = r.fraction;
			res[c * ni + i].ratio = r.ratio;
			res[c * ni + i].flags = r.flags;
		}
		t_compute += mono_seconds() - t1;
		t2 = mono_seconds();
		rc = store_inputs(&ins_in, fw, by_name, n_used, communes.items[c].code, &row, digests[c], d);
		t_store += mono_seconds() - t2;
	}
	if (rc)
		goto fail;
	sqlite3_reset(q);

	{
		double t1 = mono_seconds();
		double *totals = xcalloc(nc, sizeof *totals);
		size_t per_stmt;
		size_t *order;
		long *ranks = NULL;
		/* Cross-commune normalisation over the communes with a usable x. */
		for (size_t i = 0; i < ni; i++) {
			const fw_indicator *ind = &fw->indicators[i];
			double mn = INFINITY, mx = -INFINITY;
			if (ind->kind != RULE_CROSS_COMMUNE)
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
				rc_->fraction = isnan(rc_->ratio) ? 0.0
								  : rule_normalise(ind->norm, rc_->ratio, mn, mx);
			}
		}
		for (size_t c = 0; c < nc; c++)
			for (size_t i = 0; i < ni; i++)
				totals[c] += res[c * ni + i].fraction * fw->indicators[i].max;
		/* Ranks: by total, descending; equal totals share a rank (1, 2, 2, 4). */
		order = xcalloc(nc, sizeof *order);
		for (size_t c = 0; c < nc; c++)
			order[c] = c;
		sort_by_total(order, nc, totals);
		t_compute += mono_seconds() - t1;

		t2 = mono_seconds();
		per_stmt = ni + fw->n_pillars + 1;
		if (per_stmt * SCORE_COLS >
		    (size_t)sqlite3_limit(staging_db(st), SQLITE_LIMIT_VARIABLE_NUMBER, -1))
			per_stmt = 1;
		rc = prepare_score_insert(st, per_stmt, run_id, &ins_score, d);
		/* Shared ranks: the rank of the first commune with an equal total. */
		ranks = xcalloc(nc, sizeof *ranks);
		for (size_t k = 0; k < nc; k++) {
			size_t c = order[k];
			ranks[c] = k > 0 && fabs(totals[order[k - 1]] - totals[c]) < 1e-9
					   ? ranks[order[k - 1]]
					   : (long)k + 1;
		}
		/* Commune after commune, in code order: the B-tree grows at its end.
		 * A commune's rows go in one statement (as many as the framework
		 * has items, when SQLite takes that many parameters). */
		for (size_t c = 0; !rc && c < nc; c++) {
			score_row_sink sink = {ins_score, per_stmt, 0, communes.items[c].code, DTI_EOK};
			for (size_t p = 0; p < fw->n_pillars; p++) {
				const fw_pillar *pl = &fw->pillars[p];
				double psum = 0;
				unsigned pflags = 0;
				for (size_t i = pl->first; i < pl->first + pl->count; i++) {
					const result_cell *r = &res[c * ni + i];
					const fw_indicator *ind = &fw->indicators[i];
					double pts = r->fraction * ind->max;
					psum += pts;
					pflags |= r->flags;
					if (r->flags & FLAG_MISSING)
						out->missing++;
					score_row_put(&sink, ind->id, "indicator", pts, ind->max, r->fraction,
						      r->ratio, r->flags, 0);
				}
				score_row_put(&sink, pl->id, "pillar", psum, pl->max, psum / pl->max, NAN,
					      pflags, 0);
			}
			score_row_put(&sink, "TOTAL", "total", totals[c], fw->total, totals[c] / fw->total,
				      NAN, 0, ranks[c]);
			rc = sink.rc;
		}
		t_store += mono_seconds() - t2;
		free(totals);
		free(order);
		free(ranks);
		if (rc) {
			diag_set(d, DTI_EDB, "cannot store scores: %s", sqlite3_errmsg(staging_db(st)));
			goto fail;
		}
	}
	input_fingerprint(fw, o, digests, nc, out->input_sha256);
	if (o->dry || (o->skip_if && strcmp(o->skip_if, out->input_sha256) == 0)) {
		staging_rollback(st);
		out->unchanged = !o->dry;
		out->communes = nc;
		out->seconds_compute = t_compute;
		out->seconds_store = t_store;
		out->seconds_total = mono_seconds() - t0;
		goto out;
	}
	now_iso(now);
	rc = staging_prepare(st,
			     "UPDATE scoring_run SET status = 'ok', finished_at = ?2, input_sha256 = ?3 "
			     "WHERE id = ?1",
			     &fin, d);
	if (rc)
		goto fail;
	sqlite3_bind_int64(fin, 1, run_id);
	sqlite3_bind_text(fin, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(fin, 3, out->input_sha256, -1, SQLITE_STATIC);
	if (sqlite3_step(fin) != SQLITE_DONE) {
		rc = diag_set(d, DTI_EDB, "cannot finish scoring run: %s", sqlite3_errmsg(staging_db(st)));
		goto fail;
	}
	t2 = mono_seconds();
	rc = staging_commit(st, d);
	if (rc)
		goto fail;
	t_store += mono_seconds() - t2;
	out->scoring_run_id = run_id;
	out->communes = nc;
	out->seconds_compute = t_compute;
	out->seconds_store = t_store;
	out->seconds_total = mono_seconds() - t0;
	goto out;
fail:
	staging_rollback(st);
out:
	sqlite3_finalize(q);
	input_store_close(&ins_in);
	sqlite3_finalize(ins_score);
	sqlite3_finalize(ins_run);
	sqlite3_finalize(fin);
	if (row.values) {
		row_reset(&row);
		free(row.values);
		free(row.texts);
		free(row.states);
		free(row.obs_ids);
	}
	free(res);
	free(by_name);
	free(seen);
	free(digests);
	strmap_free(&var_index);
	strmap_free(&code_index);
	commune_list_free(&communes);
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
			return diag_set(d, DTI_ENOTFOUND, "no scoring run for %d: run 'dti score' first",
					year);
	}
	rc = store_scoring_run_by_id(st, run_id, &run, &body, &found, d);
	if (rc)
		goto out;
	if (!found) {
		rc = diag_set(d, DTI_ENOTFOUND, "no finished scoring run %lld", (long long)run_id);
		goto out;
	}
	info->id = run.id;
	info->year = run.year;
	snprintf(info->mode, sizeof info->mode, "%s", run.mode);
	snprintf(info->started_at, sizeof info->started_at, "%s", run.started_at);
	rc = framework_parse(body ? body : "", body ? strlen(body) : 0, "stored framework", &info->fw,
			     d);
out:
	free(body);
	return rc;
}
