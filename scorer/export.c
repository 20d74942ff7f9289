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

/* scores-YEAR.csv being written into o->out_dir and, with o->bom_dir,
 * the same with a BOM there: the communes by code, each read once for
 * both. */
typedef struct scores_file {
	output_file out[2];
	size_t n_out;
	char year[16];
	line_parts lp;
	strbuf sb;
} scores_file;

static dti_err scores_open(scores_file *w, const framework *fw, int year, const export_options *o,
			   char *path[2], dti_diag *d)
{
	dti_err rc = DTI_EOK;

	memset(w->out, 0, sizeof w->out);
	w->n_out = o->bom_dir ? 2 : 1;
	sb_init(&w->sb, 0);
	line_parts_init(&w->lp, fw);
	snprintf(w->year, sizeof w->year, "%d", year);
	for (size_t k = 0; !rc && k < w->n_out; k++)
		rc = output_open(&w->out[k], path[k], d);
	if (!rc && o->bom && !o->bom_dir)
		sb_appends(&w->sb, "\xEF\xBB\xBF");
	if (!rc && o->bom_dir)
		rc = output_write(&w->out[1], "\xEF\xBB\xBF", 3, d);
	if (!rc)
		sb_appends(&w->sb, "year,commune_code,commune_name,indicator,level,name,points,"
				   "max_points,fraction,flags\n");
	return rc;
}

/* Commune c's lines (its indicators read), t its TOTAL row. */
static dti_err scores_commune(scores_file *w, const results *r, const res_commune *c,
			      const store_report_total *t, dti_diag *d)
{
	commune_lines(&w->sb, &w->lp, r, c, t, w->year);
	return output_flush_past(w->out, w->n_out, &w->sb, false, d);
}

/* The files put in place (rc 0) or removed; rc, or the first failure. */
static dti_err scores_close(scores_file *w, dti_err rc, dti_diag *d)
{
	if (!rc)
		rc = output_flush_past(w->out, w->n_out, &w->sb, true, d);
	for (size_t k = 0; !rc && k < w->n_out; k++)
		rc = output_commit(&w->out[k], NULL, d);
	for (size_t k = 0; k < w->n_out; k++)
		if (w->out[k].f || w->out[k].path)
			output_abort(&w->out[k]);
	line_parts_free(&w->lp);
	sb_free(&w->sb);
	return rc;
}

/* scores-YEAR.csv from results read: each commune's detail read in turn
 * (results_detail), for o->each too. */
static dti_err write_scores(staging *st, results *r, const store_report_totals *totals,
			    const export_options *o, char *path[2], dti_diag *d)
{
	scores_file w;
	dti_err rc = scores_open(&w, r->fw, r->year, o, path, d);

	for (size_t k = 0; !rc && k < totals->n; k++) {
		long c = results_find(r, totals->items[k].code);
		if (c < 0)
			continue;
		rc = results_detail(st, r, (size_t)c, false, d);
		if (rc)
			break;
		rc = scores_commune(&w, r, &r->communes[c], &totals->items[k], d);
		if (!rc && o->each)
			rc = o->each(o->each_ctx, (size_t)c, &totals->items[k], d);
		results_detail_drop(r, (size_t)c);
	}
	return scores_close(&w, rc, d);
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

/* The paths of the scores files (written) and the rankings, written now:
 * listed as when each folder was written in turn.  names[k] receives the
 * name the exports give results commune k (NULL for one without a TOTAL
 * row). */
static dti_err export_finish(const results *r, const store_report_totals *totals,
			     const export_options *o, const char **names, char *path[2],
			     FILE *paths, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	for (size_t k = 0; k < totals->n; k++) {
		long c = results_find(r, totals->items[k].code);
		if (c >= 0)
			names[c] = totals->items[k].name;
	}
	if (paths)
		fprintf(paths, "%s\n", path[0]);
	rc = write_ranking(r, o->out_dir, o->bom && !o->bom_dir, names, paths, d);
	if (!rc && o->bom_dir && paths)
		fprintf(paths, "%s\n", path[1]);
	if (!rc && o->bom_dir)
		rc = write_ranking(r, o->bom_dir, true, names, paths, d);
	return rc;
}

/* The files' folders made and their paths (caller frees both). */
static dti_err export_paths(const export_options *o, int year, char *path[2], dti_diag *d)
{
	dti_err rc = make_dirs(o->out_dir, d);

	path[0] = xasprintf("%s/scores-%d.csv", o->out_dir, year);
	path[1] = o->bom_dir ? xasprintf("%s/scores-%d.csv", o->bom_dir, year) : NULL;
	if (!rc && o->bom_dir)
		rc = make_dirs(o->bom_dir, d);
	return rc;
}

dti_err export_results(staging *st, results *r, const store_report_totals *totals,
		       const export_options *o, FILE *paths, dti_diag *d)
{
	const char **names = xcalloc(r->n ? r->n : 1, sizeof *names);
	char *path[2];
	dti_err rc = export_paths(o, r->year, path, d);

	if (!rc)
		rc = write_scores(st, r, totals, o, path, d);
	if (!rc)
		rc = export_finish(r, totals, o, names, path, paths, d);
	free(path[0]);
	free(path[1]);
	free(names);
	return rc;
}

static dti_err take_commune(void *ctx, const results *r, const res_commune *c,
			    const store_report_total *t, dti_diag *d)
{
	return scores_commune(ctx, r, c, t, d);
}

dti_err export_run(staging *st, const scoring_run_info *run, const export_options *o, FILE *paths,
		   dti_diag *d)
{
	store_report_totals totals = {0};
	results *r = NULL;
	const char **names = NULL;
	char *path[2];
	scores_file w;
	bool reading = false;
	/* All its reads in one read transaction: the database locked and
	 * checked once, not for each commune's statement.  The scores file is
	 * written from the same read of the score sets as the results (each
	 * commune's lines as soon as its rows are in): the sets are read once. */
	dti_err rc = export_paths(o, run->year, path, d);

	if (!rc)
		rc = staging_begin_read(st, &reading, d);
	if (!rc) {
		rc = scores_open(&w, run->fw, run->year, o, path, d);
		if (!rc)
			rc = results_load_each(st, run, false, &r, &totals, take_commune, &w, d);
		rc = scores_close(&w, rc, d);
	}
	if (!rc) {
		names = xcalloc(r->n ? r->n : 1, sizeof *names);
		rc = export_finish(r, &totals, o, names, path, paths, d);
	}
	if (reading)
		staging_rollback(st);
	free(names);
	free(path[0]);
	free(path[1]);
	store_report_totals_free(&totals);
	results_free(r);
	return rc;
}
