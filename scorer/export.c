#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "staging.h"
#include "store_report.h"
#include "util.h"

void csv_put(strbuf *sb, const char *field, bool last)
{
	sb_csv_field(sb, field, true);
	sb_append(sb, last ? "\n" : ",", 1);
}

/* A number's text (digits, sign, point) never needs quoting. */
void csv_put_number(strbuf *sb, double v, bool last)
{
	char buf[66];
	size_t n;

	format_number(buf, v);
	n = strlen(buf);
	buf[n] = last ? '\n' : ',';
	sb_append(sb, buf, n + 1);
}

/* The scores file is written as it is built, a commune at a time
 * (output_flush_past), so that a national export needs neither its size in
 * memory nor the copies of a growing buffer. */

/* Three fields and their commas, as csv_put writes them, appended to sb;
 * its offset returned. */
static size_t csv_part(strbuf *sb, const char *a, const char *b, const char *c)
{
	size_t at = sb->len;

	csv_put(sb, a, false);
	csv_put(sb, b, false);
	csv_put(sb, c, false);
	return at;
}

/* The fields a line of the scores file shares with others, quoted once:
 * each item's (id, level, name), in framework order — indicators of P1,
 * P1, indicators of P2, P2, …, TOTAL — and the commune's (year, code,
 * name). */
typedef struct line_parts {
	strbuf items, commune;
	size_t *at; /* where each item's part starts in items; one more: its end */
} line_parts;

static void line_parts_init(line_parts *lp, const framework *fw)
{
	size_t k = 0;

	sb_init(&lp->items, 0);
	sb_init(&lp->commune, 0);
	lp->at = xcalloc(fw->n_indicators + fw->n_pillars + 2, sizeof *lp->at);
	for (size_t p = 0; p < fw->n_pillars; p++) {
		const fw_pillar *pl = &fw->pillars[p];
		for (size_t i = pl->first; i < pl->first + pl->count; i++)
			lp->at[k++] = csv_part(&lp->items, fw->indicators[i].id, "indicator",
					       fw->indicators[i].name);
		lp->at[k++] = csv_part(&lp->items, pl->id, "pillar", pl->name);
	}
	lp->at[k++] = csv_part(&lp->items, "TOTAL", "total", "Tổng điểm");
	lp->at[k] = lp->items.len;
}

static void line_parts_free(line_parts *lp)
{
	sb_free(&lp->items);
	sb_free(&lp->commune);
	free(lp->at);
}

static void score_line(strbuf *sb, const line_parts *lp, size_t k, double points, double max,
		       double fraction, const char *flags)
{
	sb_append(sb, lp->commune.data, lp->commune.len);
	sb_append(sb, lp->items.data + lp->at[k], lp->at[k + 1] - lp->at[k]);
	csv_put_number(sb, points, false);
	csv_put_number(sb, max, false);
	csv_put_number(sb, fraction, false);
	csv_put(sb, flags, true);
}

/* One commune's rows in framework order (line_parts). */
static void commune_lines(strbuf *sb, line_parts *lp, const results *r, const res_commune *c,
			  const store_report_total *t, const char *year)
{
	const framework *fw = r->fw;
	size_t k = 0;

	sb_reset(&lp->commune);
	csv_part(&lp->commune, year, c->code, t->name);
	for (size_t p = 0; p < fw->n_pillars; p++) {
		const fw_pillar *pl = &fw->pillars[p];
		const res_pillar *ps = &c->pillars[p];
		for (size_t i = pl->first; i < pl->first + pl->count; i++) {
			const res_score *s = &c->indicators[i];
			score_line(sb, lp, k++, s->points, s->max, s->fraction, s->flags_text);
		}
		score_line(sb, lp, k++, ps->points, ps->max, ps->fraction, ps->flags_text);
	}
	score_line(sb, lp, k, c->total, t->max_points, t->fraction, t->flags);
}

/* scores-YEAR.csv into o->out_dir and, with o->bom_dir, the same with a
 * BOM there: the communes by code, each read once for both.  names[k]
 * receives the name the exports give results commune k (NULL for one
 * without a TOTAL row).  The paths are the caller's to list. */
static dti_err write_scores(staging *st, results *r, const store_report_totals *totals,
			    const export_options *o, const char **names, char *path[2], dti_diag *d)
{
	output_file out[2] = {{0}, {0}};
	size_t n_out = o->bom_dir ? 2 : 1;
	char year[16];
	line_parts lp;
	strbuf sb;
	dti_err rc = DTI_EOK;

	sb_init(&sb, 0);
	line_parts_init(&lp, r->fw);
	snprintf(year, sizeof year, "%d", r->year);
	for (size_t k = 0; !rc && k < n_out; k++)
		rc = output_open(&out[k], path[k], d);
	if (rc)
		goto out;
	if (o->bom && !o->bom_dir)
		sb_appends(&sb, "\xEF\xBB\xBF");
	if (o->bom_dir)
		rc = output_write(&out[1], "\xEF\xBB\xBF", 3, d);
	sb_appends(&sb, "year,commune_code,commune_name,indicator,level,name,points,max_points,"
			"fraction,flags\n");
	/* One commune's scores read at a time. */
	for (size_t k = 0; !rc && k < totals->n; k++) {
		long c = results_find(r, totals->items[k].code);
		if (c < 0)
			continue;
		names[c] = totals->items[k].name;
		rc = results_detail(st, r, (size_t)c, false, d);
		if (rc)
			break;
		commune_lines(&sb, &lp, r, &r->communes[c], &totals->items[k], year);
		if (o->each)
			rc = o->each(o->each_ctx, (size_t)c, &totals->items[k], d);
		results_detail_drop(r, (size_t)c);
		if (!rc)
			rc = output_flush_past(out, n_out, &sb, false, d);
	}
	if (!rc)
		rc = output_flush_past(out, n_out, &sb, true, d);
	for (size_t k = 0; !rc && k < n_out; k++)
		rc = output_commit(&out[k], NULL, d);
out:
	for (size_t k = 0; k < n_out; k++)
		if (out[k].f || out[k].path)
			output_abort(&out[k]);
	line_parts_free(&lp);
	sb_free(&sb);
	return rc;
}

/* ranking-YEAR.csv: the communes by rank, then code (the results' order). */
static dti_err write_ranking(const results *r, const char *dir, bool bom, const char **names,
			     FILE *paths, dti_diag *d)
{
	char name[64], year[16], rank[32];
	strbuf sb;
	dti_err rc;

	sb_init(&sb, 0);
	snprintf(year, sizeof year, "%d", r->year);
	if (bom)
		sb_appends(&sb, "\xEF\xBB\xBF");
	/* An edition with "applies_to" gives communes different maxima: the
	 * rank is by the share of each one's own, written beside it. */
	sb_appends(&sb, r->fw->by_unit_type
				? "year,rank,commune_code,commune_name,total,max_points,share\n"
				: "year,rank,commune_code,commune_name,total\n");
	for (size_t c = 0; c < r->n; c++) {
		const res_commune *cm = &r->communes[c];
		if (!names[c])
			continue;
		snprintf(rank, sizeof rank, "%ld", cm->rank);
		csv_put(&sb, year, false);
		csv_put(&sb, rank, false);
		csv_put(&sb, cm->code, false);
		csv_put(&sb, names[c], false);
		csv_put_number(&sb, cm->total, !r->fw->by_unit_type);
		if (r->fw->by_unit_type) {
			csv_put_number(&sb, cm->max, false);
			csv_put_number(&sb, cm->max > 0 ? cm->total / cm->max : 0, true);
		}
	}
	snprintf(name, sizeof name, "ranking-%d.csv", r->year);
	rc = write_output(dir, name, &sb, paths, d);
	sb_free(&sb);
	return rc;
}

dti_err export_results(staging *st, results *r, const store_report_totals *totals,
		       const export_options *o, FILE *paths, dti_diag *d)
{
	const char **names = xcalloc(r->n ? r->n : 1, sizeof *names);
	char *path[2] = {xasprintf("%s/scores-%d.csv", o->out_dir, r->year),
			 o->bom_dir ? xasprintf("%s/scores-%d.csv", o->bom_dir, r->year) : NULL};
	dti_err rc = make_dirs(o->out_dir, d);

	if (!rc && o->bom_dir)
		rc = make_dirs(o->bom_dir, d);
	if (!rc)
		rc = write_scores(st, r, totals, o, names, path, d);
	/* Listed as when each folder was written in turn. */
	if (!rc && paths)
		fprintf(paths, "%s\n", path[0]);
	if (!rc)
		rc = write_ranking(r, o->out_dir, o->bom && !o->bom_dir, names, paths, d);
	if (!rc && o->bom_dir && paths)
		fprintf(paths, "%s\n", path[1]);
	if (!rc && o->bom_dir)
		rc = write_ranking(r, o->bom_dir, true, names, paths, d);
	free(path[0]);
	free(path[1]);
	free(names);
	return rc;
}

dti_err export_run(staging *st, const scoring_run_info *run, const export_options *o, FILE *paths,
		   dti_diag *d)
{
	store_report_totals totals = {0};
	results *r = NULL;
	bool reading = false;
	/* All its reads in one read transaction: the database locked and
	 * checked once, not for each commune's statement. */
	dti_err rc = staging_begin_read(st, &reading, d);

	if (!rc)
		rc = results_load_totals(st, run, false, &r, &totals, d);
	if (!rc)
		rc = export_results(st, r, &totals, o, paths, d);
	if (reading)
		staging_rollback(st);
	store_report_totals_free(&totals);
	results_free(r);
	return rc;
}
