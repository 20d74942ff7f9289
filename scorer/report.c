#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "report_int.h"
#include "rule_kinds.h"
#include "util.h"

/* ---- rating bands ---------------------------------------------------- */

static int cmp_band(const void *a, const void *b)
{
	double x = ((const rating_band *)a)->min, y = ((const rating_band *)b)->min;
	return x > y ? -1 : x < y;
}

void report_bands_free(rating_bands *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->items[i].label);
	free(b->items);
	b->items = NULL;
	b->n = 0;
}

dti_err report_bands_load(json_t *root, rating_bands *out, dti_diag *d)
{
	json_t *list = json_object_get(root, "rating_bands");
	size_t i;
	json_t *e;

	out->items = NULL;
	out->n = 0;
	if (!list || json_is_null(list))
		return DTI_EOK;
	if (!json_is_array(list))
		return diag_set(d, DTI_ECONFIG,
				"\"rating_bands\" must be a list of {\"min\", \"label\"}");
	out->items = xcalloc(json_array_size(list) + 1, sizeof *out->items);
	json_array_foreach(list, i, e)
	{
		json_t *min = json_object_get(e, "min");
		const char *label = json_string_value(json_object_get(e, "label"));
		if (!json_is_number(min) || !label || !*label || json_number_value(min) < 0) {
			report_bands_free(out);
			return diag_set(
				d, DTI_ECONFIG,
				"\"rating_bands\" entry %zu: needs a \"min\" (a number >= 0) and a "
				"non-empty \"label\"",
				i + 1);
		}
		out->items[out->n].min = json_number_value(min);
		out->items[out->n].label = xstrdup(label);
		out->n++;
	}
	qsort(out->items, out->n, sizeof *out->items, cmp_band);
	for (i = 1; i < out->n; i++)
		if (out->items[i].min == out->items[i - 1].min) {
			double m = out->items[i].min;
			report_bands_free(out);
			return diag_set(d, DTI_ECONFIG, "\"rating_bands\": two bands start at %g",
					m);
		}
	return DTI_EOK;
}

const char *report_band(const rating_bands *b, double total)
{
	for (size_t i = 0; b && i < b->n; i++)
		if (total + 1e-9 >= b->items[i].min)
			return b->items[i].label;
	return NULL;
}

const char *report_commune_band(const rating_bands *b, const results *r, const res_commune *rc)
{
	double total = rc->total;

	if (rc->max > 0 && rc->max < r->fw->total - 1e-9)
		total = rc->total / rc->max * r->fw->total;
	return report_band(b, total);
}

/* ---- words and numbers ----------------------------------------------- */

static const char *num(char b[64], double v)
{
	advice_number(b, v, 2);
	return b;
}

static const char *pct(char b[64], double fraction)
{
	advice_number(b, fraction * 100.0, 1);
	strncat(b, "%", 63 - strlen(b));
	return b;
}

static void flag_words(strbuf *sb, unsigned flags, over_policy over)
{
	static const struct {
		unsigned bit;
		const char *words;
	} w[] = {{FLAG_MISSING, "thiếu số liệu"},
		 {FLAG_NO_DENOMINATOR, "mẫu số bằng 0"},
		 {FLAG_NUM_ABOVE_DEN, NULL},
		 {FLAG_REJECTED, "số liệu bị từ chối"},
		 {FLAG_UNVERIFIED, "chưa xác minh"}};
	bool first = true;

	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		if (!(flags & w[i].bit))
			continue;
		sb_appends(sb, first ? "" : "; ");
		sb_appends(sb, w[i].words ? w[i].words
			       : over == OVER_CLAMP ? "tử số lớn hơn mẫu số (đã giới hạn ở 100%)"
						    : "tử số lớn hơn mẫu số (tính 0 điểm)");
		first = false;
	}
}

static const char *state_words(const char *state)
{
	static const char *const map[][2] = {
		{"raw", "chưa thẩm định"},       {"verified", "đã xác minh"},
		{"corrected", "đã hiệu chỉnh"},  {"rejected", "bị từ chối"},
		{"unverified", "chưa xác minh"}, {"missing", "thiếu"}};
	for (size_t i = 0; state && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], state) == 0)
			return map[i][1];
	return state ? state : "thiếu";
}

/* Who appraised, as readers may see it: the person or unit named with
 * --by.  A system login (what $USER gives when --by is left out: one word
 * of ASCII letters, digits, '.', '_' and '-') is nobody's name: the
 * report says "cán bộ thẩm định" instead. */
static const char *appraiser_words(const char *by)
{
	static const char login_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789._-";
	size_t n = strspn(by, login_chars);

	if (by[n] == '$')
		n++;
	return by[n] == '\0' ? "cán bộ thẩm định" : by;
}

/* A collector run's status in words.  A failed run's error is not shown:
 * it names files and URLs of the server (dti status shows it). */
static const char *run_status_words(const char *status)
{
	static const char *const map[][2] = {
		{"ok", "thành công"},
		{"unchanged", "thành công, số liệu không đổi"},
		{"failed", "lỗi (quản trị viên xem chi tiết bằng lệnh dti status)"},
		{"running", "đang chạy"},
		{"dry_run", "chạy thử"}};
	for (size_t i = 0; status && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], status) == 0)
			return map[i][1];
	return status ? status : "—";
}

/* A value as the commune sees it: enum words by their label, yes/no as
 * Có/Không, numbers the Vietnamese way. */
static void value_words(strbuf *sb, const fw_variable *v, const res_input *in)
{
	char b[64];

	if (!in->value.present) {
		sb_appends(sb, "—");
		return;
	}
	if (v->type == VAR_YESNO) {
		sb_appends(sb, in->value.num != 0 ? "Có" : "Không");
		return;
	}
	if (v->type == VAR_ENUM) {
		for (size_t i = 0; i < v->n_values; i++)
			if (in->text && strcmp(v->values[i].value, in->text) == 0) {
				html_text(sb, v->values[i].label);
				return;
			}
		html_text(sb, in->text);
		return;
	}
	sb_appends(sb, num(b, in->value.num));
	if (v->unit) {
		sb_appends(sb, " ");
		html_text(sb, v->unit);
	}
}

/* ---- the official result (a run approved by a decision) ------------- */

static bool is_official(const report_input *in)
{
	return in->official.run_id && in->official.run_id == in->now->run_id;
}

/* "Quyết định số X ngày DD/MM/YYYY" of the year's official result. */
static void official_decision(strbuf *sb, const report_input *in)
{
	const char *iso = in->official.decision_date ? in->official.decision_date : "";
	char date[16];

	sb_appends(sb, "Quyết định số ");
	html_text(sb, in->official.decision ? in->official.decision : "");
	if (strlen(iso) == 10) {
		snprintf(date, sizeof date, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
		sb_appends(sb, " ngày ");
		html_text(sb, date);
	}
}

/* The lines of the index on the year's official result. */
static void official_summary(strbuf *sb, const report_input *in, const char *verified)
{
	if (is_official(in)) {
		sb_appends(sb, "Kết quả chính thức theo ");
		official_decision(sb, in);
		sb_appends(sb, ".</p>\n");
		return;
	}
	sb_appendf(sb, "Kết quả tạm tính (%s).</p>\n", verified);
	if (!in->official.run_id) {
		sb_appendf(sb, "<p id=\"official\">Năm %d chưa có kết quả chính thức.</p>\n",
			   in->now->year);
		return;
	}
	sb_appendf(sb, "<p id=\"official\">Năm %d đã có kết quả chính thức theo ", in->now->year);
	official_decision(sb, in);
	sb_appendf(sb, " (lần chấm điểm số %lld)", (long long)in->official.run_id);
	if (in->official.href) {
		sb_appends(sb, ": <a href=\"");
		html_text(sb, in->official.href);
		sb_appends(sb, "\">xem kết quả chính thức</a>");
	}
	sb_appends(sb, ".</p>\n");
}

/* What the earlier year's figures are. */
static void prev_basis(strbuf *sb, const report_input *in)
{
	if (in->prev_official)
		sb_appendf(sb, "<p class=\"muted\">Năm %d: so với kết quả chính thức.</p>\n",
			   in->prev->year);
	else
		sb_appendf(sb,
			   "<p class=\"muted\">Năm %d chưa có kết quả chính thức: so với lần "
			   "chấm điểm gần nhất (số %lld).</p>\n",
			   in->prev->year, (long long)in->prev->run_id);
}

/* ---- page frame ------------------------------------------------------ */

static const char css[] =
	"*{box-sizing:border-box}"
	"body{font-family:'Noto Sans','DejaVu Sans',Arial,sans-serif;margin:0;color:#1d2530;"
	"background:#fff;line-height:1.45;font-size:15px}"
	"header{background:#0b4f8a;color:#fff;padding:14px 24px}"
	"header .org{margin:0;opacity:.85;font-size:14px}"
	"header h1{margin:4px 0 6px;font-size:24px}"
	"nav a{color:#fff;margin-right:16px;font-size:14px}"
	"main{padding:12px 24px 32px;max-width:1200px}"
	"h2{font-size:19px;border-bottom:2px solid #0b4f8a;padding-bottom:3px;margin-top:28px}"
	"h3{font-size:16px;margin:18px 0 6px}"
	"table{border-collapse:collapse;width:100%;margin:8px 0;font-size:14px}"
	"th,td{border:1px solid #c9d2dc;padding:4px 7px;vertical-align:top;text-align:left}"
	"th{background:#eef3f8}"
	"td.n,th.n{text-align:right;white-space:nowrap}table.narrow{width:auto;min-width:50%}"
	"tr.pillar td{background:#f4f7fa;font-weight:bold}"
	".up{color:#146c2e}.down{color:#b3261e}"
	".flag{color:#9a4a00}"
	".muted{color:#5b6773;font-size:13px}"
	".summary{font-size:17px}"
	".band{display:inline-block;padding:0 8px;border-radius:10px;background:#e5eef7}"
	".filters a{margin-right:4px;white-space:nowrap}"
	"svg{max-width:100%;height:auto;font-family:inherit}"
	"footer{padding:12px 24px;color:#5b6773;font-size:12px;border-top:1px solid #c9d2dc}"
	"@media print{header{background:none;color:#000;padding:0}nav,.filters{display:none}"
	"body{font-size:11pt}main{padding:0;max-width:none}a{color:#000;text-decoration:none}"
	"h2{break-after:avoid}tr,svg{break-inside:avoid}"
	"th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"rect{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static void page_start(strbuf *sb, const report_input *in, const char *heading)
{
	const results *r = in->now;
	char y[16];

	snprintf(y, sizeof y, "%d", r->year);
	sb_appends(
		sb,
		"<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_text(sb, heading);
	sb_appends(sb, " — ");
	html_text(sb, in->title);
	sb_appends(sb, "</title>\n<style>");
	sb_appends(sb, css);
	sb_appends(sb, "</style>\n</head>\n<body>\n<header>\n<p class=\"org\">");
	html_text(sb, in->title);
	sb_appendf(sb, " · Chỉ số chuyển đổi số cấp xã năm %s</p>\n<h1>", y);
	html_text(sb, heading);
	sb_appends(sb, "</h1>\n<nav><a href=\"index.html\">Bảng xếp hạng</a>"
		       "<a href=\"data-quality.html\">Chất lượng dữ liệu</a>");
	if (in->prev || in->past)
		sb_appends(sb, "<a href=\"year-over-year.html\">So sánh với năm trước</a>");
	for (size_t i = 0; i < sizeof in->exports / sizeof in->exports[0] && in->exports[i]; i++) {
		sb_appends(sb, "<a href=\"../");
		html_text(sb, in->exports[i]);
		sb_appends(sb, "\">");
		html_text(sb, in->exports[i]);
		sb_appends(sb, "</a>");
	}
	sb_appends(sb, "</nav>\n</header>\n<main>\n");
}

static void page_end(strbuf *sb, const report_input *in)
{
	const results *r = in->now;
	char at[TIME_VN_MAX];

	/* No time of writing: publishing a run again gives the same pages. */
	sb_appendf(sb, "</main>\n<footer>Lần chấm điểm số %lld (%s), bắt đầu lúc ",
		   (long long)r->run_id, is_official(in) ? "chính thức" : "tạm tính");
	time_vn(r->started_at, at);
	html_text(sb, at);
	sb_appends(sb, "; bộ chỉ số ");
	html_text(sb, r->fw->edition);
	sb_appends(sb, " — ");
	html_text(sb, r->fw->title);
	sb_appends(sb,
		   ". Điểm làm tròn 2 chữ số thập phân khi hiển thị.</footer>\n</body>\n</html>\n");
}

/* ---- a page written as it goes ---------------------------------------- */

/* A page too large to hold (report_int.h): its text goes to the file past
 * OUTPUT_HELD bytes, at the end of a row; the first error is kept in rc. */
dti_err report_page_open(report_page *po, const char *dir, const char *name, strbuf *sb,
			 dti_diag *d)
{
	char *path = xasprintf("%s/%s", dir, name);

	*po = (report_page){sb, {0}, DTI_EOK, d};
	sb_reset(sb);
	po->rc = output_open(&po->f, path, d);
	free(path);
	return po->rc;
}

void report_page_flush(report_page *po)
{
	if (!po->rc)
		po->rc = output_flush_past(&po->f, 1, po->sb, false, po->d);
}

dti_err report_page_close(report_page *po, dti_err rc, FILE *paths)
{
	if (!rc)
		rc = po->rc;
	if (!rc)
		rc = output_flush(&po->f, po->sb, po->d);
	if (!rc)
		rc = output_commit(&po->f, paths, po->d);
	if (rc && po->f.f)
		output_abort(&po->f);
	return rc;
}

/* ---- charts (inline SVG) --------------------------------------------- */

/* Red (0%) through amber to green (100%). */
static void heat_colour(char out[32], double f)
{
	double r, g, b, t;

	if (isnan(f))
		f = 0;
	f = fmax(0, fmin(1, f));
	if (f < 0.5) {
		t = f / 0.5;
		r = 226 + (246 - 226) * t;
		g = 92 + (200 - 92) * t;
		b = 80 + (90 - 80) * t;
	} else {
		t = (f - 0.5) / 0.5;
		r = 246 + (92 - 246) * t;
		g = 200 + (178 - 200) * t;
		b = 90 + (112 - 90) * t;
	}
	{
		static const char hex[] = "0123456789abcdef";
		unsigned rgb[3] = {(unsigned)lround(r), (unsigned)lround(g), (unsigned)lround(b)};
		out[0] = '#';
		for (int k = 0; k < 3; k++) {
			out[1 + 2 * k] = hex[rgb[k] >> 4 & 15];
			out[2 + 2 * k] = hex[rgb[k] & 15];
		}
		out[7] = '\0'; /* each within 0..255: two digits, as "%02x" */
	}
}

/* x="…" y="…" width="…" height="…" of an SVG box, the numbers as "%.*f"
 * writes them (y with 1 decimal, the height with none): charts have one or
 * two for every commune or pillar. */
static void svg_box(strbuf *sb, double x, int x_decimals, double y, double w, int w_decimals,
		    double h)
{
	sb_appends(sb, "x=\"");
	sb_append_fixed(sb, x, x_decimals);
	sb_appends(sb, "\" y=\"");
	sb_append_fixed(sb, y, 1);
	sb_appends(sb, "\" width=\"");
	sb_append_fixed(sb, w, w_decimals);
	sb_appends(sb, "\" height=\"");
	sb_append_fixed(sb, h, 0);
	sb_appends(sb, "\"");
}

static void chart_totals(report_page *po, const report_input *in)
{
	strbuf *sb = po->sb;
	const results *r = in->now;
	const double label_w = 230, bar_w = 460, row = 26, top = 30;
	double h = top + row * (double)r->n + 28;
	char b[64];

	sb_appendf(sb,
		   "<svg id=\"chart-totals\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		   "viewBox=\"0 0 780 %.0f\" width=\"780\" height=\"%.0f\" role=\"img\" "
		   "aria-label=\"Biểu đồ tổng điểm các xã\">\n",
		   h, h);
	/* Scale: 0, 25%, 50%, 75%, 100% of the framework's total. */
	for (int k = 0; k <= 4; k++) {
		double x = label_w + bar_w * k / 4.0;
		sb_appendf(
			sb,
			"<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#d5dce3\"/>"
			"<text x=\"%.1f\" y=\"18\" font-size=\"11\" text-anchor=\"middle\" "
			"fill=\"#5b6773\">%s</text>\n",
			x, top - 6, x, h - 24, x, num(b, r->fw->total * k / 4.0));
	}
	for (size_t i = 0; in->bands && i < in->bands->n; i++) {
		double x = label_w + bar_w * fmin(in->bands->items[i].min / r->fw->total, 1.0);
		sb_appendf(
			sb,
			"<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#0b4f8a\" "
			"stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
			"text-anchor=\"middle\" fill=\"#0b4f8a\">",
			x, top - 6, x, h - 24, x, h - 8);
		html_text(sb, in->bands->items[i].label);
		sb_appends(sb, "</text>\n");
	}
	for (size_t c = 0; c < r->n; c++) {
		const res_commune *rc = &r->communes[c];
		double y = top + row * (double)c;
		double w = bar_w * fmax(0, fmin(1, rc->total / r->fw->total));
		char colour[32];
		heat_colour(colour, rc->total / r->fw->total);
		/* Piece by piece, the numbers as "%.0f" and "%.1f" write them: a
		 * row for every commune. */
		sb_appends(sb, "<text x=\"");
		sb_append_fixed(sb, label_w - 8, 0);
		sb_appends(sb, "\" y=\"");
		sb_append_fixed(sb, y + 17, 1);
		sb_appends(sb, "\" font-size=\"13\" text-anchor=\"end\">");
		html_text(sb, rc->name);
		sb_appends(sb, "</text><rect class=\"bar\" ");
		svg_box(sb, label_w, 0, y + 4, w, 1, row - 8);
		sb_appends(sb, " fill=\"");
		sb_appends(sb, colour);
		sb_appends(sb, "\"><title>");
		html_text(sb, rc->name);
		sb_appends(sb, ": ");
		sb_appends(sb, num(b, rc->total));
		sb_appends(sb, "</title></rect><text x=\"");
		sb_append_fixed(sb, label_w + w + 6, 1);
		sb_appends(sb, "\" y=\"");
		sb_append_fixed(sb, y + 17, 1);
		sb_appends(sb, "\" font-size=\"12\">");
		sb_appends(sb, b);
		sb_appends(sb, "</text>\n");
		report_page_flush(po);
	}
	sb_appends(sb, "</svg>\n");
}

static void chart_heatmap(report_page *po, const report_input *in)
{
	strbuf *sb = po->sb;
	const results *r = in->now;
	const framework *fw = r->fw;
	const double label_w = 230, cell = 64, row = 28, top = 34;
	double w = label_w + cell * (double)fw->n_pillars + 10, h = top + row * (double)r->n + 10;
	char b[64], colour[32];

	sb_appendf(sb,
		   "<svg id=\"chart-heatmap\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		   "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
		   "aria-label=\"Bản đồ nhiệt: điểm từng trụ cột theo %% điểm tối đa\">\n",
		   w, h, w, h);
	for (size_t p = 0; p < fw->n_pillars; p++) {
		sb_appendf(sb,
			   "<text x=\"%.1f\" y=\"22\" font-size=\"12\" font-weight=\"bold\" "
			   "text-anchor=\"middle\">",
			   label_w + cell * (double)p + cell / 2);
		html_text(sb, fw->pillars[p].id);
		sb_appends(sb, "<title>");
		html_text(sb, fw->pillars[p].name);
		sb_appends(sb, "</title></text>\n");
	}
	for (size_t c = 0; c < r->n; c++) {
		const res_commune *rc = &r->communes[c];
		double y = top + row * (double)c;
		/* Piece by piece, the numbers as "%.0f" and "%.1f" write them: a
		 * row of cells for every commune. */
		sb_appends(sb, "<text x=\"");
		sb_append_fixed(sb, label_w - 8, 0);
		sb_appends(sb, "\" y=\"");
		sb_append_fixed(sb, y + 18, 1);
		sb_appends(sb, "\" font-size=\"13\" text-anchor=\"end\">");
		html_text(sb, rc->name);
		sb_appends(sb, "</text>\n");
		for (size_t p = 0; p < fw->n_pillars; p++) {
			double f = rc->pillars[p].fraction;
			heat_colour(colour, f);
			sb_appends(sb, "<rect class=\"cell\" ");
			svg_box(sb, label_w + cell * (double)p, 1, y, cell, 0, row);
			sb_appends(sb, " fill=\"");
			sb_appends(sb, colour);
			sb_appends(sb, "\" stroke=\"#fff\"><title>");
			html_text(sb, rc->name);
			sb_appends(sb, " — ");
			html_text(sb, fw->pillars[p].name);
			sb_appends(sb, ": ");
			sb_appends(sb, num(b, rc->pillars[p].points));
			sb_appends(sb, " / ");
			sb_appends(sb, num(b, fw->pillars[p].max));
			sb_appends(sb, "</title></rect><text x=\"");
			sb_append_fixed(sb, label_w + cell * (double)p + cell / 2, 1);
			sb_appends(sb, "\" y=\"");
			sb_append_fixed(sb, y + 18, 1);
			sb_appends(sb, "\" font-size=\"12\" text-anchor=\"middle\">");
			sb_appends(sb, pct(b, f));
			sb_appends(sb, "</text>\n");
		}
		report_page_flush(po);
	}
	sb_appends(sb, "</svg>\n");
}

static void chart_pillars(strbuf *sb, const results *r, const res_commune *rc)
{
	const framework *fw = r->fw;
	const double label_w = 290, bar_w = 320, row = 28, top = 8;
	double h = top + row * (double)fw->n_pillars + 8;
	char b[64], m[64], q[64], colour[32];

	sb_appendf(sb,
		   "<svg id=\"chart-pillars\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		   "viewBox=\"0 0 780 %.0f\" width=\"780\" height=\"%.0f\" role=\"img\" "
		   "aria-label=\"Điểm 8 trụ cột theo %% điểm tối đa\">\n",
		   h, h);
	for (size_t p = 0; p < fw->n_pillars; p++) {
		double y = top + row * (double)p, f = rc->pillars[p].fraction;
		heat_colour(colour, f);
		/* Appended piece by piece, the numbers as "%.0f" and "%.1f"
		 * write them: a row of every commune page. */
		sb_appends(sb, "<text x=\"");
		sb_append_fixed(sb, label_w - 8, 0);
		sb_appends(sb, "\" y=\"");
		sb_append_fixed(sb, y + 18, 1);
		sb_appends(sb, "\" font-size=\"13\" text-anchor=\"end\">");
		html_text(sb, fw->pillars[p].id);
		sb_appends(sb, " ");
		html_text(sb, fw->pillars[p].name);
		sb_appends(sb, "</text><rect ");
		svg_box(sb, label_w, 0, y + 5, bar_w, 0, row - 10);
		sb_appends(sb, " fill=\"#edf1f5\"/><rect class=\"bar\" ");
		svg_box(sb, label_w, 0, y + 5, bar_w * fmax(0, fmin(1, f)), 1, row - 10);
		sb_appends(sb, " fill=\"");
		sb_appends(sb, colour);
		sb_appends(sb, "\"/><text x=\"");
		sb_append_fixed(sb, label_w + bar_w + 8, 0);
		sb_appends(sb, "\" y=\"");
		sb_append_fixed(sb, y + 18, 1);
		sb_appends(sb, "\" font-size=\"12\">");
		sb_appends(sb, num(b, rc->pillars[p].points));
		sb_appends(sb, " / ");
		sb_appends(sb, num(m, fw->pillars[p].max));
		sb_appends(sb, " (");
		sb_appends(sb, pct(q, f));
		sb_appends(sb, ")</text>\n");
	}
	sb_appends(sb, "</svg>\n");
}

/* ---- district page --------------------------------------------------- */

static long prev_index(const report_input *in, const res_commune *rc)
{
	return in->prev ? results_find(in->prev, rc->code) : -1;
}

static void change_cell(strbuf *sb, double delta)
{
	char b[64];

	if (fabs(delta) < 0.005)
		sb_appends(sb, "<td class=\"n\">0</td>");
	else
		sb_appendf(sb, "<td class=\"n %s\">%s%s</td>", delta > 0 ? "up" : "down",
			   delta > 0 ? "+" : "", num(b, delta));
}

/* ---- applicability: indicators some unit types are not scored for ---- */

void report_total_cell(strbuf *sb, const results *r, const res_commune *rc)
{
	char b[64], m[64], q[64];

	if (!r->maxima_differ) {
		sb_appendf(sb, "<td class=\"n\">%s</td>", num(b, rc->total));
		return;
	}
	sb_appendf(sb, "<td class=\"n\">%s / %s (%s)</td>", num(b, rc->total), num(m, rc->max),
		   pct(q, rc->max > 0 ? rc->total / rc->max : 0));
}

/* How the ranking reads when the maxima differ. */
static void ranking_basis(strbuf *sb, const results *r)
{
	if (!r->maxima_differ)
		return;
	sb_appends(sb, "<p class=\"muted\" id=\"ranking-basis\">Có chỉ số không áp dụng cho một "
		       "số loại đơn vị (xã, phường, đặc khu) nên điểm tối đa của các đơn vị khác "
		       "nhau; hạng được xếp theo tỷ lệ điểm đạt được trên điểm tối đa của từng "
		       "đơn vị; xếp loại theo cùng tỷ lệ đó trên thang điểm của bộ chỉ số.</p>\n");
}

/* After a commune's total: what its maximum leaves out. */
static void commune_max_words(strbuf *sb, const results *r, const res_commune *rc)
{
	char b[64], q[64];

	if (rc->max >= r->fw->total - 1e-9)
		return;
	sb_appendf(sb,
		   " (%s điểm tối đa của đơn vị; %s điểm của các chỉ số không áp dụng không "
		   "được tính)",
		   pct(q, rc->max > 0 ? rc->total / rc->max : 0), num(b, r->fw->total - rc->max));
}

/* A scorecard row of an indicator not scored for the commune's type. */
static void not_applicable_row(strbuf *sb, const fw_indicator *ind)
{
	sb_appends(sb, "<tr id=\"i");
	html_text(sb, ind->id);
	sb_appends(sb, "\" class=\"na\"><td>");
	html_text(sb, ind->id);
	sb_appends(sb, "</td><td>");
	html_text(sb, ind->name);
	sb_appends(sb, "</td><td class=\"n\">Không áp dụng</td><td class=\"n\">—</td>"
		       "<td class=\"flag\">không áp dụng cho loại đơn vị này, không tính vào "
		       "điểm tối đa</td></tr>\n");
}

static dti_err district_page(report_page *po, const report_input *in)
{
	strbuf *sb = po->sb;
	const results *r = in->now;
	bool bands = in->bands && in->bands->n > 0;
	char b[64], m[64];
	dti_err err;

	page_start(sb, in, "Kết quả đánh giá chuyển đổi số cấp xã");
	sb_appendf(sb, "<p class=\"summary\">%zu %s; điểm tối đa %s. ", r->n,
		   report_units_words(in, false), num(b, r->fw->total));
	official_summary(sb, in,
			 strcmp(r->mode, "official") == 0 ? "chỉ tính số liệu đã xác minh"
							  : "gồm cả số liệu chưa thẩm định");
	sb_appends(sb, "<h2>Bảng xếp hạng</h2>\n");
	if (in->prev)
		prev_basis(sb, in);
	err = report_ranking(po, in);
	ranking_basis(sb, r);
	if (bands) {
		sb_appends(sb, "<p class=\"muted\">Xếp loại theo cấu hình: ");
		for (size_t i = 0; i < in->bands->n; i++) {
			sb_appends(sb, i ? "; " : "");
			html_text(sb, in->bands->items[i].label);
			sb_appendf(sb, " từ %s điểm", num(b, in->bands->items[i].min));
		}
		sb_appends(sb, ". Đây là mức tham khảo, không phải xếp loại chính thức.</p>\n");
	}
	sb_appends(sb, "<h2>Tổng điểm</h2>\n");
	report_page_flush(po);
	chart_totals(po, in);
	sb_appends(sb, "<h2>Điểm theo trụ cột (% điểm tối đa của trụ cột)</h2>\n");
	chart_heatmap(po, in);
	sb_appends(
		sb,
		"<p class=\"muted\">Màu: đỏ là 0%, vàng 50%, xanh 100% điểm tối đa của trụ cột. ");
	for (size_t p = 0; p < r->fw->n_pillars; p++) {
		sb_appends(sb, p ? " · " : "");
		html_text(sb, r->fw->pillars[p].id);
		sb_appends(sb, " ");
		html_text(sb, r->fw->pillars[p].name);
		sb_appendf(sb, " (%s)", num(b, r->fw->pillars[p].max));
	}
	sb_appends(
		sb,
		"</p>\n<h2>Mức độ đầy đủ của số liệu đầu vào</h2>\n<table id=\"coverage\" class=\"narrow\">\n"
		"<thead><tr><th>Xã, thị trấn</th><th class=\"n\">Số liệu có</th>"
		"<th class=\"n\">Cần có</th><th class=\"n\">Tỷ lệ</th>"
		"<th class=\"n\">Chỉ số bị gắn cờ</th></tr></thead>\n<tbody>\n");
	for (size_t c = 0; c < r->n; c++) {
		const res_commune *rc = &r->communes[c];
		size_t have = rc->n_have, used = rc->n_used, flagged = rc->n_flagged;
		sb_appends(sb, "<tr><td><a href=\"data-quality.html#c");
		html_text(sb, rc->code);
		sb_appends(sb, "\">");
		html_text(sb, rc->name);
		sb_appendf(
			sb,
			"</a></td><td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%s</td>"
			"<td class=\"n\">%zu</td></tr>\n",
			have, used, pct(m, used ? (double)have / (double)used : 0), flagged);
		report_page_flush(po);
	}
	sb_appends(sb, "</tbody>\n</table>\n");
	page_end(sb, in);
	return err;
}

/* ---- commune page ---------------------------------------------------- */

typedef struct gap {
	size_t ind;
	advice a;
} gap;

static int cmp_gap(const void *x, const void *y)
{
	const gap *a = x, *b = y;
	if (fabs(a->a.available - b->a.available) > 1e-9)
		return a->a.available > b->a.available ? -1 : 1;
	return a->ind < b->ind ? -1 : a->ind > b->ind;
}

static void where_the_points_are(strbuf *sb, const results *r, size_t c)
{
	const framework *fw = r->fw;
	gap *gaps = xcalloc(fw->n_indicators, sizeof *gaps);
	size_t n = 0;
	double total = 0;
	char b[64], m[64], g[64];
	const char *words;

	for (size_t i = 0; i < fw->n_indicators; i++) {
		gaps[n].ind = i;
		gaps[n].a = *results_advice_kept(r, c, i, NULL);
		if (gaps[n].a.available > 0.005) {
			total += gaps[n].a.available;
			n++;
		}
	}
	qsort(gaps, n, sizeof *gaps, cmp_gap);
	sb_appends(sb, "<h2>Dư địa tăng điểm</h2>\n");
	if (n == 0) {
		sb_appends(sb, "<p>Tất cả chỉ số đã đạt điểm tối đa.</p>\n");
		goto out;
	}
	sb_appendf(
		sb,
		"<p>%zu chỉ số chưa đạt điểm tối đa, còn %s điểm; sắp xếp theo số điểm còn thiếu. "
		"Mỗi thay đổi đề xuất đã được tính lại theo đúng quy tắc chấm điểm.</p>\n",
		n, num(b, total));
	sb_appends(
		sb,
		"<table id=\"gaps\">\n<thead><tr><th>Chỉ số</th><th class=\"n\">Điểm hiện tại</th>"
		"<th class=\"n\">Còn thiếu</th><th>Thay đổi cần có để đạt điểm</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < n; k++) {
		const fw_indicator *ind = &fw->indicators[gaps[k].ind];
		sb_appends(sb, "<tr><td><a href=\"#i");
		html_text(sb, ind->id);
		sb_appends(sb, "\">");
		html_text(sb, ind->id);
		sb_appends(sb, "</a> ");
		html_text(sb, ind->name);
		sb_appends(sb, "</td><td class=\"n\">");
		sb_appends(sb, num(b, gaps[k].a.points));
		sb_appends(sb, " / ");
		sb_appends(sb, num(m, ind->max));
		sb_appends(sb, "</td><td class=\"n\">");
		sb_appends(sb, num(g, gaps[k].a.available));
		sb_appends(sb, "</td><td>");
		results_advice_kept(r, c, gaps[k].ind, &words);
		html_text(sb, *words ? words : "—");
		sb_appends(sb, "</td></tr>\n");
	}
	sb_appends(sb, "</tbody>\n</table>\n");
out:
	free(gaps);
}

/* What the rule measured: the ratio, the count, the amount or the answer. */
static void measure_cell(strbuf *sb, const fw_indicator *ind, const res_score *s,
			 const res_commune *rc, const framework *fw)
{
	char b[64];

	switch (rule_kind_measures(ind)) {
	case RULE_MEASURES_ANSWER:
		value_words(sb, ind->variable, &rc->inputs[ind->variable - fw->variables]);
		return;
	case RULE_MEASURES_VALUE:
		if (isnan(s->ratio))
			break;
		sb_appends(sb, num(b, s->ratio));
		if (ind->variable->unit) {
			sb_appends(sb, " ");
			html_text(sb, ind->variable->unit);
		}
		return;
	case RULE_MEASURES_RATIO:
		if (isnan(s->ratio))
			break;
		sb_appends(sb, pct(b, s->ratio));
		return;
	}
	sb_appends(sb, "—");
}

static void scorecard(strbuf *sb, const results *r, const res_commune *rc)
{
	const framework *fw = r->fw;
	char b[64], m[64], q[64];

	sb_appends(sb,
		   "<h2>Bảng điểm theo trụ cột và chỉ số</h2>\n<table id=\"scorecard\">\n"
		   "<thead><tr><th>Chỉ số</th><th>Nội dung</th><th class=\"n\">Điểm / tối đa</th>"
		   "<th class=\"n\">Tỷ lệ, giá trị</th><th>Ghi chú</th></tr></thead>\n<tbody>\n");
	for (size_t p = 0; p < fw->n_pillars; p++) {
		const fw_pillar *pl = &fw->pillars[p];
		sb_appends(sb, "<tr class=\"pillar\"><td>");
		html_text(sb, pl->id);
		sb_appends(sb, "</td><td>");
		html_text(sb, pl->name);
		sb_appends(sb, "</td><td class=\"n\">");
		sb_appends(sb, num(b, rc->pillars[p].points));
		sb_appends(sb, " / ");
		sb_appends(sb, num(m, rc->pillars[p].max));
		sb_appends(sb, "</td><td class=\"n\">");
		sb_appends(sb, pct(q, rc->pillars[p].fraction));
		sb_appends(sb, "</td><td></td></tr>\n");
		for (size_t i = pl->first; i < pl->first + pl->count; i++) {
			const fw_indicator *ind = &fw->indicators[i];
			const res_score *s = &rc->indicators[i];
			if (s->not_applicable) {
				not_applicable_row(sb, ind);
				continue;
			}
			sb_appends(sb, "<tr id=\"i");
			html_text(sb, ind->id);
			sb_appends(sb, "\"><td>");
			html_text(sb, ind->id);
			sb_appends(sb, "</td><td>");
			html_text(sb, ind->name);
			sb_appends(sb, "</td><td class=\"n\">");
			sb_appends(sb, num(b, s->points));
			sb_appends(sb, " / ");
			sb_appends(sb, num(m, ind->max));
			sb_appends(sb, "</td><td class=\"n\">");
			measure_cell(sb, ind, s, rc, fw);
			sb_appends(sb, "</td><td class=\"flag\">");
			flag_words(sb, s->flags, fw->numerator_above_denominator);
			sb_appends(sb, "</td></tr>\n");
		}
	}
	sb_appends(sb, "</tbody>\n</table>\n");
}

/* The indicators that use a variable, as links to their scorecard rows. */
static void used_by(strbuf *sb, const framework *fw, const fw_variable *v)
{
	size_t n = 0;

	for (size_t i = 0; i < fw->n_indicators; i++) {
		const fw_indicator *ind = &fw->indicators[i];
		if (!framework_indicator_uses(ind, v))
			continue;
		sb_appends(sb, n++ ? ", <a href=\"#i" : "<a href=\"#i");
		html_text(sb, ind->id);
		sb_appends(sb, "\">");
		html_text(sb, ind->id);
		sb_appends(sb, "</a>");
	}
}

/* inputs_table's "used by" cells: a variable's is the framework's, the
 * same on every page, made once. */
static char **used_by_cells(const framework *fw)
{
	char **cells = xcalloc(fw->n_variables ? fw->n_variables : 1, sizeof *cells);
	strbuf sb;

	sb_init(&sb, 0);
	for (size_t v = 0; v < fw->n_variables; v++) {
		sb_reset(&sb);
		used_by(&sb, fw, &fw->variables[v]);
		cells[v] = xstrdup(sb.len ? sb.data : "");
	}
	sb_free(&sb);
	return cells;
}

static void used_by_cells_free(char **cells, const framework *fw)
{
	for (size_t v = 0; cells && v < fw->n_variables; v++)
		free(cells[v]);
	free(cells);
}

static void inputs_table(strbuf *sb, const results *r, const res_commune *rc,
			 char *const *used_by_cell)
{
	const framework *fw = r->fw;
	/* The last observation time written and its words: a page's
	 * observations come from a few imports, most at one time. */
	const char *last_at = NULL;
	char at[TIME_VN_MAX];

	sb_appends(
		sb,
		"<h2>Số liệu đầu vào và nguồn</h2>\n<table id=\"inputs\">\n<thead><tr><th>Số liệu</th>"
		"<th class=\"n\">Giá trị</th><th>Dùng cho chỉ số</th><th>Trạng thái</th>"
		"<th>Nguồn, thời điểm thu thập</th><th>Minh chứng, ghi chú</th></tr></thead>\n<tbody>\n");
	for (size_t v = 0; v < fw->n_variables; v++) {
		const fw_variable *var = &fw->variables[v];
		const res_input *in = &rc->inputs[v];
		if (!in->stored)
			continue;
		sb_appends(sb, "<tr><td>");
		html_text(sb, var->label);
		sb_appends(sb, " <span class=\"muted\">(");
		html_text(sb, var->name);
		sb_appends(sb, var->summed ? ", cộng các nguồn" : "");
		sb_appends(sb, ")</span></td><td class=\"n\">");
		value_words(sb, var, in);
		sb_appends(sb, "</td><td>");
		sb_appends(sb, used_by_cell[v]);
		sb_appends(sb, "</td><td>");
		html_text(sb, state_words(in->state));
		for (size_t k = 0; k < in->n_obs; k++) {
			const res_obs *o = &in->obs[k];
			if (!o->appraised_by)
				continue;
			sb_appends(sb, "<br><span class=\"muted\">");
			html_text(sb, state_words(o->state));
			sb_appends(sb, " bởi ");
			html_text(sb, appraiser_words(o->appraised_by));
			if (o->appraisal_reason && *o->appraisal_reason) {
				sb_appends(sb, ": ");
				html_text(sb, o->appraisal_reason);
			}
			sb_appends(sb, "</span>");
		}
		sb_appends(sb, "</td><td>");
		/* The source by its name, never the file or URL read. */
		for (size_t k = 0; k < in->n_obs; k++) {
			const res_obs *o = &in->obs[k];
			sb_appends(sb, k ? "<br>" : "");
			html_text(sb, o->source);
			sb_appends(sb, " (");
			html_text(sb, o->source_kind);
			sb_appends(sb, "), ");
			if (!last_at || !o->observed_at || strcmp(o->observed_at, last_at) != 0)
				time_vn(o->observed_at, at);
			last_at = o->observed_at;
			html_text(sb, at);
			if (in->n_obs > 1) {
				sb_appends(sb, ": ");
				html_text(sb, o->value);
			}
		}
		sb_appends(sb, "</td><td>");
		for (size_t k = 0; k < in->n_obs; k++) {
			const res_obs *o = &in->obs[k];
			if (o->proof_url && *o->proof_url) {
				html_link(sb, o->proof_url, NULL);
				sb_appends(sb, " ");
			}
			if (o->note && *o->note) {
				sb_appends(sb, "<span class=\"muted\">");
				html_text(sb, o->note);
				sb_appends(sb, "</span> ");
			}
		}
		sb_appends(sb, "</td></tr>\n");
	}
	sb_appends(sb, "</tbody>\n</table>\n");
}

static dti_err commune_page(strbuf *sb, const report_input *in, char *const *used_by_cell, size_t c,
			    dti_diag *d)
{
	const results *r = in->now;
	const res_commune *rc = &r->communes[c];
	const char *band = report_commune_band(in->bands, in->now, rc);
	long p = prev_index(in, rc);
	char b[64], m[64];
	history_cmp past = {0};
	dti_err err = DTI_EOK;

	page_start(sb, in, rc->name);
	sb_appendf(sb, "<p class=\"summary\">Hạng <b>%ld</b>/%zu · Tổng điểm <b>%s</b> / %s",
		   rc->rank, r->n, num(b, rc->total), num(m, rc->max));
	commune_max_words(sb, r, rc);
	if (band) {
		sb_appends(sb, " · Xếp loại <span class=\"band\">");
		html_text(sb, band);
		sb_appends(sb, "</span>");
	}
	if (p >= 0) {
		double delta = rc->total - in->prev->communes[p].total;
		sb_appendf(sb, " · So với năm %d: <span class=\"%s\">%s%s</span> (hạng %ld)",
			   in->prev->year, delta >= 0 ? "up" : "down", delta > 0 ? "+" : "",
			   num(b, delta), in->prev->communes[p].rank);
	}
	if (in->past)
		err = history_compare(in->history, rc->code, &past, d);
	if (in->past && !err)
		report_past_summary(sb, in, rc, &past);
	sb_appends(sb, "</p>\n<p class=\"muted\">Mã đơn vị hành chính ");
	html_text(sb, rc->code);
	sb_appends(sb, ".</p>\n<h2>Điểm 8 trụ cột (% điểm tối đa)</h2>\n");
	chart_pillars(sb, r, rc);
	if (in->past && !err)
		report_past_section(sb, in, &past);
	where_the_points_are(sb, r, c);
	scorecard(sb, r, rc);
	inputs_table(sb, r, rc, used_by_cell);
	page_end(sb, in);
	history_cmp_free(&past);
	return err;
}

/* ---- data quality ---------------------------------------------------- */

/* One source's row of the sources tables. */
static void source_row(strbuf *o, const store_source_state *x)
{
	char b[64], at[TIME_VN_MAX];

	sb_appends(o, x->stale ? "<tr class=\"down\"><td>" : "<tr><td>");
	html_text(o, x->source);
	sb_appends(o, "</td><td>");
	html_text(o, x->kind);
	sb_appends(o, "</td><td class=\"n\">");
	sb_appends(o, isnan(x->max_age_hours) ? "—" : num(b, x->max_age_hours));
	sb_appends(o, "</td><td>");
	if (x->last_success)
		time_vn(x->last_success, at);
	html_text(o, x->last_success ? at : "chưa có lần nào thành công");
	sb_appends(o, "</td><td class=\"n\">");
	sb_appends(o, isnan(x->age_hours) ? "—" : num(b, x->age_hours));
	sb_appends(o, "</td><td>");
	html_text(o, run_status_words(x->last_status));
	sb_appends(o, "</td></tr>\n");
}

void report_forms_line(strbuf *sb, const store_source_states *s, int year)
{
	char at[TIME_VN_MAX];

	if (!s || !s->n_forms)
		return;
	if (s->forms_last)
		time_vn(s->forms_last, at);
	sb_appendf(
		sb,
		"<p id=\"form-sources\">Biểu mẫu tự khai: <span id=\"form-sources-n\">%zu</span> "
		"nguồn không có vấn đề (mỗi đơn vị một nguồn loại form, không liệt kê ở trên), "
		"trong đó <span id=\"form-sources-year\">%zu</span> đã gửi biểu mẫu năm %d; "
		"lần nhận gần nhất ",
		s->n_forms, s->n_year, year);
	html_text(sb, s->forms_last ? at : "—");
	sb_appends(sb, ".</p>\n");
}

static void sources_section(strbuf *sb, const store_source_states *sources, int year)
{
	static const char head[] =
		"<thead><tr><th>Nguồn</th><th>Loại</th><th class=\"n\">Tuổi tối đa (giờ)</th>"
		"<th>Lần thu thập thành công gần nhất</th><th class=\"n\">Tuổi (giờ)</th>"
		"<th>Trạng thái lần gần nhất</th></tr></thead>\n";
	size_t n_stale = 0, n = sources ? sources->n : 0;

	for (size_t i = 0; i < n; i++)
		n_stale += sources->items[i].stale;
	sb_appends(sb, "<h2 id=\"stale\">Nguồn chưa được cập nhật trong thời hạn</h2>\n");
	if (n_stale == 0) {
		sb_appends(sb, "<p>Không có nguồn nào quá thời hạn cập nhật đã cấu hình.</p>\n");
	} else {
		sb_appendf(sb, "<table id=\"stale-sources\">\n%s<tbody>\n", head);
		for (size_t i = 0; i < n; i++)
			if (sources->items[i].stale)
				source_row(sb, &sources->items[i]);
		sb_appends(sb, "</tbody>\n</table>\n");
	}
	sb_appends(sb, "<h2>Tất cả các nguồn</h2>\n");
	if (n) {
		sb_appendf(sb, "<table id=\"sources\">\n%s<tbody>\n", head);
		for (size_t i = 0; i < n; i++)
			source_row(sb, &sources->items[i]);
		sb_appends(sb, "</tbody>\n</table>\n");
	} else if (!sources || !sources->n_forms) {
		sb_appends(sb, "<p>Chưa có nguồn nào.</p>\n");
	}
	report_forms_line(sb, sources, year);
}

/* One commune's row of the data-quality page's missing inputs. */
static void missing_row(strbuf *sb, const results *r, const res_commune *rc)
{
	const framework *fw = r->fw;
	size_t k = 0;

	sb_appends(sb, "<tr id=\"c");
	html_text(sb, rc->code);
	sb_appends(sb, "\"><td><a href=\"commune-");
	html_text(sb, rc->code);
	sb_appends(sb, ".html\">");
	html_text(sb, rc->name);
	sb_appendf(sb, "</a></td><td class=\"n\">%zu</td><td>", rc->n_used - rc->n_have);
	for (size_t v = 0; v < fw->n_variables; v++) {
		const res_input *x = &rc->inputs[v];
		if (!x->stored || x->value.present)
			continue;
		sb_appends(sb, k++ ? "; " : "");
		html_text(sb, fw->variables[v].label);
		sb_appends(sb, " <span class=\"muted\">(");
		html_text(sb, fw->variables[v].name);
		sb_appends(sb, ", ");
		html_text(sb, state_words(x->state));
		sb_appends(sb, ")</span>");
	}
	sb_appends(sb, k ? "</td></tr>\n" : "đủ</td></tr>\n");
}

/* One commune's rows of the data-quality page's flagged indicators. */
static size_t flagged_rows(strbuf *sb, const results *r, const res_commune *rc)
{
	const framework *fw = r->fw;
	char b[64], m[64];
	size_t n = 0;

	for (size_t i = 0; i < fw->n_indicators; i++) {
		const res_score *s = &rc->indicators[i];
		if (!s->flags)
			continue;
		n++;
		sb_appends(sb, "<tr><td><a href=\"commune-");
		html_text(sb, rc->code);
		sb_appends(sb, ".html#i");
		html_text(sb, fw->indicators[i].id);
		sb_appends(sb, "\">");
		html_text(sb, rc->name);
		sb_appends(sb, "</a></td><td>");
		html_text(sb, fw->indicators[i].id);
		sb_appends(sb, " ");
		html_text(sb, fw->indicators[i].name);
		sb_appendf(sb, "</td><td class=\"n\">%s / %s</td><td class=\"flag\">",
			   num(b, s->points), num(m, s->max));
		flag_words(sb, s->flags, fw->numerator_above_denominator);
		sb_appends(sb, " <span class=\"muted\">(");
		html_text(sb, s->flags_text);
		sb_appends(sb, ")</span></td></tr>\n");
	}
	return n;
}

/* The commune pages and what the summary pages need of each commune's
 * detail: the data-quality page's rows, kept in two unnamed temporary
 * files until that page is written. */
struct report_pass {
	const report_input *in;
	char *dir;
	strbuf sb;
	FILE *missing, *flagged;
	size_t n_flagged;
	char **used_by; /* used_by_cells */
};

/* Copies a spool's bytes to the end of out. */
static dti_err spool_copy(FILE *spool, output_file *out, dti_diag *d)
{
	char buf[65536];
	size_t n;
	dti_err rc = DTI_EOK;

	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0)
		return diag_set(d, DTI_EIO, "cannot read back a temporary file: %s",
				strerror(errno));
	while (!rc && (n = fread(buf, 1, sizeof buf, spool)) > 0)
		rc = output_write(out, buf, n, d);
	if (!rc && ferror(spool))
		rc = diag_set(d, DTI_EIO, "cannot read back a temporary file: %s", strerror(errno));
	return rc;
}

static dti_err spool_put(FILE *spool, strbuf *sb, dti_diag *d)
{
	if (sb->len && fwrite(sb->data, 1, sb->len, spool) != sb->len)
		return diag_set(d, DTI_EIO, "cannot write a temporary file: %s", strerror(errno));
	sb_reset(sb);
	return DTI_EOK;
}

/* data-quality.html, written as it goes. */
static dti_err quality_page(const report_input *in, report_pass *p, FILE *paths, dti_diag *d)
{
	output_file out = {0};
	char *path = xasprintf("%s/data-quality.html", p->dir);
	strbuf *sb = &p->sb;
	dti_err rc = output_open(&out, path, d);

	if (rc)
		goto out;
	sb_reset(sb);
	page_start(sb, in, "Chất lượng dữ liệu");
	sb_appends(
		sb,
		"<h2>Số liệu còn thiếu theo xã</h2>\n<p>Số liệu thiếu, bị từ chối hoặc chưa xác minh "
		"được tính 0 điểm ở các chỉ số dùng chúng.</p>\n<table id=\"missing\">\n"
		"<thead><tr><th>Xã, thị trấn</th><th class=\"n\">Số lượng</th><th>Số liệu</th></tr></thead>\n"
		"<tbody>\n");
	rc = output_flush(&out, sb, d);
	if (!rc)
		rc = spool_copy(p->missing, &out, d);
	if (rc)
		goto out;
	sb_appends(sb, "</tbody>\n</table>\n<h2>Chỉ số bị gắn cờ</h2>\n");
	if (p->n_flagged == 0) {
		sb_appends(sb, "<p>Không có chỉ số nào bị gắn cờ.</p>\n");
	} else {
		sb_appends(sb,
			   "<table id=\"flagged\">\n<thead><tr><th>Xã, thị trấn</th><th>Chỉ số</th>"
			   "<th class=\"n\">Điểm</th><th>Cờ</th></tr></thead>\n<tbody>\n");
		rc = output_flush(&out, sb, d);
		if (!rc)
			rc = spool_copy(p->flagged, &out, d);
		if (rc)
			goto out;
		sb_appends(sb, "</tbody>\n</table>\n");
	}
	sources_section(sb, in->sources, in->now->year);
	page_end(sb, in);
	rc = output_flush(&out, sb, d);
	if (!rc)
		rc = output_commit(&out, paths, d);
out:
	if (rc && out.f)
		output_abort(&out);
	free(path);
	return rc;
}

/* ---- year over year -------------------------------------------------- */

static void yoy_page(strbuf *sb, const report_input *in)
{
	const results *r = in->now, *q = in->prev;
	const framework *fw = r->fw;
	char b[64], m[64];

	page_start(sb, in, "So sánh với năm trước");
	sb_appendf(sb, "<p>Năm %d so với năm %d (lần chấm điểm số %lld, bộ chỉ số ", r->year,
		   q->year, (long long)q->run_id);
	html_text(sb, q->fw->edition);
	sb_appends(sb, "). Thay đổi tính bằng điểm; trụ cột so theo mã.</p>\n");
	prev_basis(sb, in);
	sb_appends(sb, "<table id=\"yoy\">\n<thead><tr>"
		       "<th>Xã, thị trấn</th>");
	sb_appendf(
		sb,
		"<th class=\"n\">Tổng %d</th><th class=\"n\">Tổng %d</th><th class=\"n\">Thay đổi</th>"
		"<th class=\"n\">Hạng</th>",
		q->year, r->year);
	for (size_t p = 0; p < fw->n_pillars; p++) {
		sb_appends(sb, "<th class=\"n\" title=\"");
		html_text(sb, fw->pillars[p].name);
		sb_appends(sb, "\">");
		html_text(sb, fw->pillars[p].id);
		sb_appends(sb, "</th>");
	}
	sb_appends(sb, "</tr></thead>\n<tbody>\n");
	for (size_t c = 0; c < r->n; c++) {
		const res_commune *rc = &r->communes[c];
		long k = results_find(q, rc->code);
		sb_appends(sb, "<tr><td><a href=\"commune-");
		html_text(sb, rc->code);
		sb_appends(sb, ".html\">");
		html_text(sb, rc->name);
		sb_appends(sb, "</a></td>");
		if (k < 0) {
			sb_appendf(
				sb,
				"<td class=\"n\">—</td><td class=\"n\">%s</td><td class=\"n\">mới</td>"
				"<td class=\"n\">%ld</td>",
				num(b, rc->total), rc->rank);
			for (size_t p = 0; p < fw->n_pillars; p++)
				sb_appends(sb, "<td class=\"n\">—</td>");
			sb_appends(sb, "</tr>\n");
			continue;
		}
		sb_appendf(sb, "<td class=\"n\">%s</td><td class=\"n\">%s</td>",
			   num(b, q->communes[k].total), num(m, rc->total));
		change_cell(sb, rc->total - q->communes[k].total);
		sb_appendf(sb, "<td class=\"n\">%ld → %ld</td>", q->communes[k].rank, rc->rank);
		for (size_t p = 0; p < fw->n_pillars; p++) {
			bool found = false;
			for (size_t pp = 0; pp < q->fw->n_pillars; pp++)
				if (strcmp(q->fw->pillars[pp].id, fw->pillars[p].id) == 0) {
					change_cell(sb, rc->pillars[p].points -
								q->communes[k].pillars[pp].points);
					found = true;
				}
			if (!found)
				sb_appends(sb, "<td class=\"n\">—</td>");
		}
		sb_appends(sb, "</tr>\n");
	}
	sb_appends(sb, "</tbody>\n</table>\n");
	page_end(sb, in);
}

dti_err report_pass_open(const report_input *in, const char *dir, report_pass **out, dti_diag *d)
{
	report_pass *p = xcalloc(1, sizeof *p);
	dti_err rc = make_dirs(dir, d);

	p->in = in;
	p->dir = xstrdup(dir);
	p->used_by = used_by_cells(in->now->fw);
	sb_init(&p->sb, 0);
	p->missing = tmpfile();
	p->flagged = tmpfile();
	if (!rc && (!p->missing || !p->flagged))
		rc = diag_set(d, DTI_EIO, "cannot create a temporary file: %s", strerror(errno));
	if (rc) {
		report_pass_close(p);
		p = NULL;
	}
	*out = p;
	return rc;
}

void report_pass_close(report_pass *p)
{
	if (!p)
		return;
	if (p->missing)
		fclose(p->missing);
	if (p->flagged)
		fclose(p->flagged);
	sb_free(&p->sb);
	used_by_cells_free(p->used_by, p->in->now->fw);
	free(p->dir);
	free(p);
}

dti_err report_pass_commune(report_pass *p, size_t c, FILE *paths, dti_diag *d)
{
	const report_input *in = p->in;
	const res_commune *rc = &in->now->communes[c];
	const char *code = rc->code;
	char name[64];
	dti_err err;

	if (!*code || strspn(code, "0123456789") != strlen(code) || strlen(code) > 16)
		return diag_set(d, DTI_EINVALID, "commune code '%s' cannot name a page", code);
	sb_reset(&p->sb);
	err = commune_page(&p->sb, in, p->used_by, c, d);
	snprintf(name, sizeof name, "commune-%s.html", code);
	if (!err)
		err = write_output(p->dir, name, &p->sb, paths, d);
	if (err)
		return err;
	sb_reset(&p->sb);
	missing_row(&p->sb, in->now, rc);
	err = spool_put(p->missing, &p->sb, d);
	if (!err)
		p->n_flagged += flagged_rows(&p->sb, in->now, rc);
	if (!err)
		err = spool_put(p->flagged, &p->sb, d);
	return err;
}

/* index.html, written as it goes. */
static dti_err index_page(const report_input *in, const char *dir, strbuf *sb, FILE *paths,
			  dti_diag *d)
{
	report_page po;
	dti_err rc = report_page_open(&po, dir, "index.html", sb, d);

	if (!rc)
		rc = district_page(&po, in);
	return report_page_close(&po, rc, paths);
}

dti_err report_write_summary(const report_input *in, report_pass *pass, FILE *paths, dti_diag *d)
{
	const char *dir = pass->dir;
	strbuf sb;
	dti_err rc;

	sb_init(&sb, 0);
	rc = quality_page(in, pass, paths, d);
	if (!rc && in->prev) {
		sb_reset(&sb);
		yoy_page(&sb, in);
		rc = write_output(dir, "year-over-year.html", &sb, paths, d);
	} else if (!rc && in->past) {
		sb_reset(&sb);
		rc = report_past_page(&sb, in, d);
		if (!rc)
			rc = write_output(dir, "year-over-year.html", &sb, paths, d);
	}
	if (!rc)
		rc = report_write_groups(in, dir, paths, d);
	if (!rc)
		rc = index_page(in, dir, &sb, paths, d);
	sb_free(&sb);
	return rc;
}

/* ---- shared with report_area.c (report_int.h) ------------------------ */

void report_page_start(strbuf *sb, const report_input *in, const char *heading)
{
	page_start(sb, in, heading);
}

void report_page_end(strbuf *sb, const report_input *in)
{
	page_end(sb, in);
}

const char *report_num(char b[64], double v)
{
	return num(b, v);
}

void report_change_cell(strbuf *sb, double delta)
{
	change_cell(sb, delta);
}

void report_prev_basis(strbuf *sb, const report_input *in)
{
	prev_basis(sb, in);
}
