#include "explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rule_kinds.h"
#include "util.h"

typedef struct explain_inputs {
	const framework *fw;
	rule_value *values;
	char **texts;
} explain_inputs;

static rule_value lookup(void *ctx, const fw_variable *v)
{
	explain_inputs *in = ctx;
	return in->values[v - in->fw->variables];
}

/* An observation as explain shows it: the columns of OBSERVATION_ROW,
 * then a WHERE on o (the observation) or st (its state). */
#define OBSERVATION_ROW                                                                            \
	"SELECT o.id, o.value, src.name, src.kind, o.run_id, o.observed_at, "                      \
	"coalesce(r.input, ''), st.state, coalesce(st.appraised_by, ''), "                         \
	"coalesce(st.appraisal_reason, ''), st.value, coalesce(o.proof_url, '') "                  \
	"FROM observation o JOIN source src ON src.id = o.source_id "                              \
	"JOIN run r ON r.id = o.run_id JOIN observation_state st ON st.id = o.id "

static void print_observation(sqlite3_stmt *s, FILE *out)
{
	fprintf(out, "      observation %lld: %s from source '%s' (%s), run %lld, %s",
		(long long)sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
		(const char *)sqlite3_column_text(s, 2), (const char *)sqlite3_column_text(s, 3),
		(long long)sqlite3_column_int64(s, 4), (const char *)sqlite3_column_text(s, 5));
	if (*(const char *)sqlite3_column_text(s, 6))
		fprintf(out, ", read from %s", (const char *)sqlite3_column_text(s, 6));
	if (strcmp((const char *)sqlite3_column_text(s, 7), "raw") != 0)
		fprintf(out, "; %s by %s%s%s (value %s)", (const char *)sqlite3_column_text(s, 7),
			(const char *)sqlite3_column_text(s, 8),
			*(const char *)sqlite3_column_text(s, 9) ? ": " : "",
			(const char *)sqlite3_column_text(s, 9), (const char *)sqlite3_column_text(s, 10));
	if (*(const char *)sqlite3_column_text(s, 11))
		fprintf(out, "; proof %s", (const char *)sqlite3_column_text(s, 11));
	fputc('\n', out);
}

/* The observations of a comma-separated id list (an input's
 * observation_ids), in its order. */
static dti_err print_observations(staging *st, const char *ids, FILE *out, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	char *copy = xstrdup(ids), *p = copy;
	dti_err rc = staging_prepare(st, OBSERVATION_ROW "WHERE o.id = ?1", &s, d);

	while (!rc && p && *p) {
		char *comma = strchr(p, ',');
		int64_t id;
		if (comma)
			*comma = '\0';
		if (parse_i64(p, &id)) {
			sqlite3_bind_int64(s, 1, id);
			if (sqlite3_step(s) == SQLITE_ROW)
				print_observation(s, out);
			sqlite3_reset(s);
		}
		p = comma ? comma + 1 : NULL;
	}
	sqlite3_finalize(s);
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
	sqlite3_stmt *s = NULL;
	dti_err rc = staging_prepare(st,
				     OBSERVATION_ROW "WHERE st.year = ?1 AND st.commune_code = ?2 "
						     "AND st.variable = ?3 AND st.state = 'rejected' "
						     "ORDER BY o.id",
				     &s, d);

	if (rc)
		return rc;
	sqlite3_bind_int(s, 1, run->year);
	sqlite3_bind_text(s, 2, commune_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, variable, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		print_observation(s, out);
	sqlite3_finalize(s);
	return DTI_EOK;
}

dti_err explain_score(staging *st, const scoring_run_info *run, const char *commune_code,
		      const char *item, FILE *out, dti_diag *d)
{
	const framework *fw = run->fw;
	const fw_indicator *ind = framework_indicator(fw, item);
	sqlite3_stmt *s = NULL, *in = NULL, *mm = NULL;
	explain_inputs inputs = {fw, NULL, NULL};
	char **obs = NULL, **states = NULL;
	rule_result r;
	double set_min = NAN, set_max = NAN;
	char buf[256], a[64], b[64];
	strbuf sb;
	dti_err rc;

	sb_init(&sb, 0);
	rc = staging_prepare(st,
			     "SELECT s.points, s.max_points, s.fraction, s.ratio, s.flags, s.rank, "
			     "coalesce(c.name, '') FROM score s LEFT JOIN commune c ON c.code = s.commune_code "
			     "WHERE s.scoring_run_id = ?1 AND s.commune_code = ?2 AND s.item = ?3",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, run->id);
	sqlite3_bind_text(s, 2, commune_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, item, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_ROW) {
		rc = diag_set(d, DTI_ENOTFOUND, "no score '%s' for commune %s in scoring run %lld", item,
			      commune_code, (long long)run->id);
		goto out;
	}
	format_number(a, sqlite3_column_double(s, 0));
	format_number(b, sqlite3_column_double(s, 1));
	fprintf(out, "commune %s %s, year %d, scoring run %lld (%s, %s, %s)\n", commune_code,
		(const char *)sqlite3_column_text(s, 6), run->year, (long long)run->id, run->mode,
		fw->edition, run->started_at);
	if (!ind) {
		fprintf(out, "%s: %s / %s points", item, a, b);
		if (sqlite3_column_type(s, 5) != SQLITE_NULL)
			fprintf(out, ", rank %d", sqlite3_column_int(s, 5));
		fprintf(out, "\n%s is the sum of its indicators' points; explain each with its id.\n",
			item);
		goto out;
	}
	fprintf(out, "%s %s\n", ind->id, ind->name);
	fprintf(out, "  points: %s / %s%s%s\n", a, b,
		*(const char *)sqlite3_column_text(s, 4) ? "  flags: " : "",
		(const char *)sqlite3_column_text(s, 4));
	fprintf(out, "  rule: %s\n", rule_words(ind, buf, sizeof buf));
	if (*ind->method)
		fprintf(out, "  method (seed): %s\n", ind->method);
	if (*ind->proof)
		fprintf(out, "  proof expected: %s\n", ind->proof);
	r.fraction = sqlite3_column_double(s, 2);
	r.ratio = sqlite3_column_type(s, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(s, 3);
	r.flags = flags_parse((const char *)sqlite3_column_text(s, 4));

	inputs.values = xcalloc(fw->n_variables, sizeof *inputs.values);
	inputs.texts = xcalloc(fw->n_variables, sizeof *inputs.texts);
	obs = xcalloc(fw->n_variables, sizeof *obs);
	states = xcalloc(fw->n_variables, sizeof *states);
	rc = staging_prepare(st,
			     "SELECT variable, value, num, state, observation_ids FROM score_input "
			     "WHERE scoring_run_id = ?1 AND commune_code = ?2",
			     &in, d);
	if (rc)
		goto out;
	sqlite3_bind_int64(in, 1, run->id);
	sqlite3_bind_text(in, 2, commune_code, -1, SQLITE_STATIC);
	while (sqlite3_step(in) == SQLITE_ROW) {
		const fw_variable *v = framework_variable(fw, (const char *)sqlite3_column_text(in, 0));
		size_t k;
		if (!v)
			continue;
		k = (size_t)(v - fw->variables);
		inputs.values[k].present = sqlite3_column_type(in, 1) != SQLITE_NULL;
		inputs.values[k].num = sqlite3_column_double(in, 2);
		inputs.texts[k] = staging_column_strdup(in, 1);
		inputs.values[k].text = inputs.texts[k];
		states[k] = xstrdup((const char *)sqlite3_column_text(in, 3));
		obs[k] = staging_column_strdup(in, 4);
	}
	fprintf(out, "  inputs:\n");
	for (size_t k = 0; k < fw->n_variables; k++) {
		const fw_variable *v = &fw->variables[k];
		if (!framework_indicator_uses(ind, v))
			continue;
		fprintf(out, "    %s = %s  [%s]%s\n", v->name,
			inputs.texts[k] ? inputs.texts[k] : "(none)", states[k] ? states[k] : "missing",
			v->summed ? "  sum over sources" : "");
		if (obs[k])
			print_observations(st, obs[k], out, d);
		else if (states[k] && strcmp(states[k], "rejected") == 0)
			print_rejected(st, run, commune_code, v->name, out, d);
	}
	if (rule_kind_of(ind)->normalised) {
		rc = staging_prepare(st,
				     "SELECT min(ratio), max(ratio) FROM score WHERE scoring_run_id = ?1 "
				     "AND item = ?2 AND ratio IS NOT NULL",
				     &mm, d);
		if (rc)
			goto out;
		sqlite3_bind_int64(mm, 1, run->id);
		sqlite3_bind_text(mm, 2, item, -1, SQLITE_STATIC);
		if (sqlite3_step(mm) == SQLITE_ROW) {
			set_min = sqlite3_column_double(mm, 0);
			set_max = sqlite3_column_double(mm, 1);
		}
	}
	score_describe(fw, ind, lookup, &inputs, r, set_min, set_max, &sb);
	fprintf(out, "  arithmetic: %s\n", sb.data ? sb.data : "");
out:
	for (size_t k = 0; inputs.values && k < fw->n_variables; k++) {
		free(inputs.texts[k]);
		free(obs[k]);
		free(states[k]);
	}
	free(inputs.values);
	free(inputs.texts);
	free(obs);
	free(states);
	sqlite3_finalize(s);
	sqlite3_finalize(in);
	sqlite3_finalize(mm);
	sb_free(&sb);
	return rc;
}
