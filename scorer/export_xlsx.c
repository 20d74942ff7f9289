#include "export_xlsx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xlsx.h"

/* [$-42A]: Vietnamese; the separators are the locale's: 1.234,5. */
#define FMT_POINTS "[$-42A]#,##0.0##"
#define FMT_FRACTION "[$-42A]0.0%"
#define FMT_WHOLE "[$-42A]0"

typedef struct sheet {
	xlsx_out x;
	lxw_worksheet *ws;
	lxw_format *head, *text, *points, *fraction, *whole;
	lxw_row_t row;
	lxw_col_t cols;
} sheet;

static dti_err sheet_open(sheet *s, const char *dir, const char *file, const char *title,
			  const char *const *heads, const double *widths, lxw_col_t cols,
			  time_t created, dti_diag *d)
{
	lxw_doc_properties props = {0};
	char *path = xasprintf("%s/%s", dir, file);
	dti_err rc = xlsx_open(&s->x, path, true, d);

	free(path);
	if (rc)
		return rc;
	/* The run's time, not now: a publication of the same run is the same
	 * bytes (the zip's entries are dated from it too). */
	props.created = created;
	workbook_set_properties(s->x.wb, &props);
	s->ws = workbook_add_worksheet(s->x.wb, title);
	s->head = workbook_add_format(s->x.wb);
	format_set_bold(s->head);
	format_set_text_wrap(s->head);
	format_set_bg_color(s->head, 0xD9E1F2);
	format_set_pattern(s->head, LXW_PATTERN_SOLID);
	s->text = workbook_add_format(s->x.wb);
	format_set_num_format(s->text, "@");
	s->points = workbook_add_format(s->x.wb);
	format_set_num_format(s->points, FMT_POINTS);
	s->fraction = workbook_add_format(s->x.wb);
	format_set_num_format(s->fraction, FMT_FRACTION);
	s->whole = workbook_add_format(s->x.wb);
	format_set_num_format(s->whole, FMT_WHOLE);
	s->cols = cols;
	for (lxw_col_t c = 0; c < cols; c++) {
		worksheet_set_column(s->ws, c, c, widths[c], NULL);
		worksheet_write_string(s->ws, 0, c, heads[c], s->head);
	}
	worksheet_freeze_panes(s->ws, 1, 0);
	s->row = 1;
	/* The rows below the headings are written by xlsx.c, not cell by cell
	 * through libxlsxwriter (a third of a national publish). */
	rc = xlsx_rows_begin(&s->x, s->ws, d);
	if (rc)
		xlsx_abort(&s->x);
	return rc;
}

/* When the run started (1 January 2000 when unreadable). */
static time_t run_time(const results *r)
{
	time_t t = 946684800;

	time_parse_iso(r->started_at, &t);
	return t;
}

static dti_err sheet_close(sheet *s, FILE *paths, dti_diag *d)
{
	worksheet_autofilter(s->ws, 0, 0, s->row > 1 ? s->row - 1 : 0, s->cols - 1);
	return xlsx_commit(&s->x, paths, d);
}

/* A text cell: a string cell is never a formula, so no guard is needed. */
static void put_text(sheet *s, lxw_col_t c, const char *t)
{
	xlsx_string(&s->x, s->row, c, t ? t : "", s->text);
}

static void put_num(sheet *s, lxw_col_t c, double v, lxw_format *f)
{
	if (v == v) /* NaN: left empty */
		xlsx_number(&s->x, s->row, c, v, f);
}

static const char *level_vi(const char *level)
{
	return strcmp(level, "indicator") == 0 ? "chỉ số"
	       : strcmp(level, "pillar") == 0  ? "trụ cột"
					       : "tổng";
}

/* One score's row: its numbers and its flags as stored. */
static void score_row(sheet *s, int year, const char *code, const char *name, const char *item,
		      const char *level, const char *item_name, double points, double max,
		      double fraction, const char *flags)
{
	put_num(s, 0, year, s->whole);
	put_text(s, 1, code);
	put_text(s, 2, name);
	put_text(s, 3, item);
	put_text(s, 4, level_vi(level));
	put_text(s, 5, item_name);
	put_num(s, 6, points, s->points);
	put_num(s, 7, max, s->points);
	put_num(s, 8, fraction, s->fraction);
	put_text(s, 9, flags);
	s->row++;
}

struct xlsx_export {
	const results *r;
	sheet s;
};

dti_err export_xlsx_open(xlsx_export **out, const results *r, const char *dir, dti_diag *d)
{
	static const char *const heads[] = {"Năm", "Mã xã", "Tên xã",      "Mã",    "Cấp",
					    "Tên", "Điểm",  "Điểm tối đa", "Tỷ lệ", "Cờ"};
	static const double widths[] = {7, 9, 24, 8, 9, 50, 9, 11, 9, 20};
	xlsx_export *x = xcalloc(1, sizeof *x);
	char file[64];
	dti_err rc;

	snprintf(file, sizeof file, "scores-%d.xlsx", r->year);
	x->r = r;
	rc = sheet_open(&x->s, dir, file, "Điểm", heads, widths, 10, run_time(r), d);
	if (rc) {
		free(x);
		x = NULL;
	}
	*out = x;
	return rc;
}

dti_err export_xlsx_commune(void *ctx, size_t ci, const store_report_total *t, dti_diag *d)
{
	xlsx_export *x = ctx;
	const results *r = x->r;
	const framework *fw = r->fw;
	const res_commune *c = &r->communes[ci];
	sheet *s = &x->s;

	(void)d;
	if (s->row >= LXW_ROW_MAX)
		return DTI_EOK;
	for (size_t p = 0; p < fw->n_pillars; p++) {
		const fw_pillar *pl = &fw->pillars[p];
		const res_pillar *ps = &c->pillars[p];
		for (size_t i = pl->first; i < pl->first + pl->count; i++) {
			const res_score *is = &c->indicators[i];
			score_row(s, r->year, c->code, t->name, fw->indicators[i].id, "indicator",
				  fw->indicators[i].name, is->points, is->max, is->fraction,
				  is->flags_text);
		}
		score_row(s, r->year, c->code, t->name, pl->id, "pillar", pl->name, ps->points,
			  ps->max, ps->fraction, ps->flags_text);
	}
	score_row(s, r->year, c->code, t->name, "TOTAL", "total", "Tổng điểm", c->total,
		  t->max_points, t->fraction, t->flags ? t->flags : "");
	return DTI_EOK;
}

/* wide-YEAR.xlsx: a row per commune by rank, a column per pillar. */
static dti_err write_wide(const results *r, const rating_bands *bands, const char *dir, FILE *paths,
			  dti_diag *d)
{
	const framework *fw = r->fw;
	lxw_col_t cols = (lxw_col_t)(fw->n_pillars + 6);
	const char **heads = xcalloc(cols, sizeof *heads);
	double *widths = xcalloc(cols, sizeof *widths);
	char **names = xcalloc(fw->n_pillars + 1, sizeof *names);
	char file[64];
	sheet s;
	dti_err rc;

	heads[0] = "Năm", heads[1] = "Hạng", heads[2] = "Mã xã", heads[3] = "Tên xã";
	widths[0] = 7, widths[1] = 7, widths[2] = 9, widths[3] = 24;
	for (size_t p = 0; p < fw->n_pillars; p++) {
		names[p] = xasprintf("%s. %s", fw->pillars[p].id, fw->pillars[p].name);
		heads[4 + p] = names[p];
		widths[4 + p] = 14;
	}
	heads[cols - 2] = "Tổng điểm", widths[cols - 2] = 11;
	heads[cols - 1] = "Xếp loại", widths[cols - 1] = 14;
	snprintf(file, sizeof file, "wide-%d.xlsx", r->year);
	rc = sheet_open(&s, dir, file, "Xếp hạng", heads, widths, cols, run_time(r), d);
	for (size_t c = 0; !rc && c < r->n && s.row < LXW_ROW_MAX; c++) {
		const res_commune *rc_ = &r->communes[c];
		put_num(&s, 0, r->year, s.whole);
		put_num(&s, 1, (double)rc_->rank, s.whole);
		put_text(&s, 2, rc_->code);
		put_text(&s, 3, rc_->name);
		for (size_t p = 0; p < fw->n_pillars; p++)
			put_num(&s, (lxw_col_t)(4 + p), rc_->pillars[p].points, s.points);
		put_num(&s, cols - 2, rc_->total, s.points);
		put_text(&s, cols - 1, report_commune_band(bands, r, rc_));
		s.row++;
	}
	if (!rc)
		rc = sheet_close(&s, paths, d);
	for (size_t p = 0; p < fw->n_pillars; p++)
		free(names[p]);
	free(names);
	free(heads);
	free(widths);
	return rc;
}

dti_err export_xlsx_close(xlsx_export *x, bool commit, const rating_bands *bands, const char *dir,
			  FILE *paths, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	if (!x)
		return DTI_EOK;
	if (commit) {
		rc = sheet_close(&x->s, paths, d);
		if (!rc)
			rc = write_wide(x->r, bands, dir, paths, d);
	} else {
		xlsx_abort(&x->s.x);
	}
	free(x);
	return rc;
}
