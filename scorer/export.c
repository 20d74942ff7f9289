#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_report.h"
#include "util.h"

void csv_put(strbuf *sb, const char *field, bool last)
{
	sb_csv_field(sb, field, true);
	sb_append(sb, last ? "\n" : ",", 1);
}

void csv_put_number(strbuf *sb, double v, bool last)
{
	char buf[64];

	format_number(buf, v);
	sb_csv_field(sb, buf, false);
	sb_append(sb, last ? "\n" : ",", 1);
}

/* The scores file is written as it is built, a commune at a time, so that
 * a national export needs neither its size in memory nor the copies of a
 * growing buffer. */
enum { EXPORT_FLUSH = 1 << 20 };

static void score_line(strbuf *sb, const char *year, const char *code, const char *name,
		       const char *item, const char *level, const char *item_name, double points,
		       double max, double fraction, const char *flags)
{
	csv_put(sb, year, false);
	csv_put(sb, code, false);
	csv_put(sb, name, false);
	csv_put(sb, item, false);
	csv_put(sb, level, false);
	csv_put(sb, item_name, false);
	csv_put_number(sb, points, false);
	csv_put_number(sb, max, false);
	csv_put_number(sb, fraction, false);
	csv_put(sb, flags, true);
}

/* One commune's rows in framework order: indicators of P1, P1, indicators
 * of P2, P2, …, TOTAL. */
static void commune_lines(strbuf *sb, const results *r, const res_commune *c,
			  const store_report_total *t, const char *year)
{
	const framework *fw = r->fw;

	for (size_t p = 0; p < fw->n_pillars; p++) {
		const fw_pillar *pl = &fw->pillars[p];
		const res_score *ps = &c->pillars[p];
		for (size_t i = pl->first; i < pl->first + pl->count; i++) {
			const res_score *s = &c->indicators[i];
			score_line(sb, year, c->code, t->name, fw->indicators[i].id, "indicator",
				   fw->indicators[i].name, s->points, s->max, s->fraction,
				   s->flags_text);
		}
		score_line(sb, year, c->code, t->name, pl->id, "pillar", pl->name, ps->points,
			   ps->max, ps->fraction, ps->flags_text);
	}
	score_line(sb, year, c->code, t->name, "TOTAL", "total", "Tổng điểm", c->total,
		   t->max_points, t->fraction, t->flags);
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
	strbuf sb;
	dti_err rc = DTI_EOK;

	sb_init(&sb, 0);
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
		commune_lines(&sb, r, &r->communes[c], &totals->items[k], year);
		if (o->each)
			rc = o->each(o->each_ctx, (size_t)c, &totals->items[k], d);
		results_detail_drop(r, (size_t)c);
		if (!rc && sb.len >= EXPORT_FLUSH && n_out == 2)
			rc = output_write(&out[1], sb.data, sb.len, d);
		if (!rc && sb.len >= EXPORT_FLUSH)
			rc = output_flush(&out[0], &sb, d);
	}
	if (!rc && n_out == 2)
		rc = output_write(&out[1], sb.data, sb.len, d);
	if (!rc)
		rc = output_flush(&out[0], &sb, d);
	for (size_t k = 0; !rc && k < n_out; k++)
		rc = output_commit(&out[k], NULL, d);
out:
	for (size_t k = 0; k < n_out; k++)
		if (out[k].f || out[k].path)
			output_abort(&out[k]);
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
	dti_err rc = results_load_totals(st, run, false, &r, &totals, d);

	if (!rc)
		rc = export_results(st, r, &totals, o, paths, d);
	store_report_totals_free(&totals);
	results_free(r);
	return rc;
}
