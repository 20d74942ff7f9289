#include "form_xlsx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "text.h"
#include "util.h"
#include "xlsx.h"

enum { C_KEY, C_TEXT, C_ANSWER, C_ALLOWED, C_PROOF, C_LINK, C_NOTE };

/* Column widths, in characters: the question wide, the whole A4
 * landscape page wide once fitted. */
static const double widths[FORM_COLUMNS] = {20, 55, 22, 24, 24, 24, 18};

#define LEGEND                                                                                                                       \
	"Ô màu vàng: ô cần điền. Ô màu cam: câu trả lời điền sẵn từ năm trước (hoặc lần gửi "       \
	"trước) — kiểm tra lại và sửa nếu đã thay đổi. Các ô khác được khoá (Dữ liệu › Bảo vệ " \
	"trang tính, không cần mật khẩu)."
#define EXCEL_LIST_MAX 255 /* characters of an in-cell drop-down list */

typedef struct formats {
	lxw_format *head, *title, *note, *key, *text, *meta, *in, *in_num, *pre, *pre_num, *sub,
		*bad;
} formats;

static lxw_format *fmt_new(lxw_workbook *wb, bool locked, uint32_t fill, bool wrap)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	format_set_font_name(f, "Arial");
	format_set_font_size(f, 10);
	if (!locked)
		format_set_unlocked(f);
	if (fill) {
		format_set_bg_color(f, fill);
		format_set_pattern(f, LXW_PATTERN_SOLID);
	}
	if (wrap)
		format_set_text_wrap(f);
	format_set_border(f, LXW_BORDER_THIN);
	format_set_border_color(f, 0xBFBFBF);
	return f;
}

static void formats_make(lxw_workbook *wb, formats *f)
{
	f->head = fmt_new(wb, true, 0xD9E1F2, true);
	format_set_bold(f->head);
	f->title = fmt_new(wb, true, 0, true);
	format_set_bold(f->title);
	format_set_font_size(f->title, 12);
	f->note = fmt_new(wb, true, 0, true);
	format_set_italic(f->note);
	f->key = fmt_new(wb, true, 0xF2F2F2, false);
	format_set_font_color(f->key, 0x595959);
	format_set_num_format(f->key, "@");
	f->text = fmt_new(wb, true, 0, true);
	f->meta = fmt_new(wb, true, 0, true);
	format_set_bold(f->meta);
	format_set_num_format(f->meta, "@");
	f->in = fmt_new(wb, false, 0xFFF2CC, true);
	format_set_num_format(f->in, "@");
	f->in_num = fmt_new(wb, false, 0xFFF2CC, false);
	format_set_num_format(f->in_num, "0");
	f->pre = fmt_new(wb, false, 0xF8CBAD, true);
	format_set_italic(f->pre);
	format_set_num_format(f->pre, "@");
	f->pre_num = fmt_new(wb, false, 0xF8CBAD, false);
	format_set_italic(f->pre_num);
	format_set_num_format(f->pre_num, "0");
	f->sub = fmt_new(wb, true, 0xD9E1F2, true);
	format_set_bold(f->sub);
	f->bad = fmt_new(wb, false, 0xFFC7CE, true);
	format_set_font_color(f->bad, 0x9C0006);
}

/* The drop-down list of an enum or yes/no item, or false when Excel could
 * not hold it (too long, or a label with a comma: then the allowed answers
 * column alone says them). */
static bool answer_list(const fw_variable *v, const char *list[], size_t cap)
{
	size_t n = 0, chars = 0;

	if (v->type == VAR_YESNO) {
		list[0] = "Có";
		list[1] = "Không";
		list[2] = NULL;
		return true;
	}
	if (v->type != VAR_ENUM || v->n_values + 1 > cap)
		return false;
	for (size_t i = 0; i < v->n_values; i++) {
		const char *label = form_answer_label(v, v->values[i].value);
		if (strchr(label, ',') || strchr(label, '"'))
			return false;
		chars += strlen(label) + 1;
		list[n++] = label;
	}
	list[n] = NULL;
	return chars <= EXCEL_LIST_MAX;
}

static void answer_validation(lxw_worksheet *ws, lxw_row_t r, const fw_variable *v)
{
	/* libxlsxwriter takes char *, which it does not change. */
	static char title[] = "Câu trả lời không hợp lệ";
	static char count_msg[] = "Nhập một số nguyên không âm (0, 1, 2, …).";
	static char amount_msg[] = "Nhập một số không âm.";
	static char list_msg[] = "Chọn một câu trả lời trong danh sách.";
	const char *list[64];
	lxw_data_validation dv;

	memset(&dv, 0, sizeof dv);
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
	dv.error_title = title;
	if (v->type == VAR_COUNT || v->type == VAR_AMOUNT) {
		dv.validate = v->type == VAR_COUNT ? LXW_VALIDATION_TYPE_INTEGER
						   : LXW_VALIDATION_TYPE_DECIMAL;
		dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
		dv.value_number = 0;
		dv.error_message = v->type == VAR_COUNT ? count_msg : amount_msg;
	} else if (answer_list(v, list, sizeof list / sizeof list[0])) {
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		dv.value_list = (char **)list;
		dv.error_message = list_msg;
	} else {
		return;
	}
	worksheet_data_validation_cell(ws, r, C_ANSWER, &dv);
}

typedef struct form_sheet {
	lxw_worksheet *ws;
	formats f;
	const form_items *items;
	const form_spec *spec;
	lxw_row_t row;
} form_sheet;

/* The answer cell of an item: a number cell for counts and amounts. */
static void item_answer(form_sheet *s, const form_item *it, const char *answer, bool prefilled)
{
	const fw_variable *v = it->variable;
	bool num = v->type == VAR_COUNT || v->type == VAR_AMOUNT;
	lxw_format *f = prefilled ? (num ? s->f.pre_num : s->f.pre) : (num ? s->f.in_num : s->f.in);
	double x;

	if (num && *answer && parse_nonneg_decimal(answer, '.', &x))
		worksheet_write_number(s->ws, s->row, C_ANSWER, x, f);
	else
		worksheet_write_string(s->ws, s->row, C_ANSWER, answer, f);
	if (prefilled) {
		static char author[] = "dti";
		lxw_comment_options co = {0};
		co.author = author;
		worksheet_write_comment_opt(
			s->ws, s->row, C_ANSWER,
			"Điền sẵn từ năm trước (hoặc lần gửi trước): kiểm tra lại, sửa nếu đã thay "
			"đổi.",
			&co);
	}
	answer_validation(s->ws, s->row, v);
}

static void item_row(form_sheet *s, const form_item *it, const char *const f[FORM_COLUMNS])
{
	size_t idx = (size_t)(it - s->items->items);
	bool prefilled = s->spec->prefill && s->spec->prefill[idx] && *f[C_ANSWER];

	worksheet_write_string(s->ws, s->row, C_KEY, f[C_KEY], s->f.key);
	worksheet_write_string(s->ws, s->row, C_TEXT, f[C_TEXT], s->f.text);
	item_answer(s, it, f[C_ANSWER], prefilled);
	worksheet_write_string(s->ws, s->row, C_ALLOWED, f[C_ALLOWED], s->f.text);
	worksheet_write_string(s->ws, s->row, C_PROOF, f[C_PROOF], s->f.text);
	worksheet_write_string(s->ws, s->row, C_LINK, f[C_LINK], s->f.in);
	worksheet_write_string(s->ws, s->row, C_NOTE, f[C_NOTE], s->f.in);
}

/* Lines text of n characters wraps to in a column of width w. */
static double lines_of(const char *text, double w)
{
	double n = xlsx_width(text, 0, 1e9) - 2, lines = 1;

	for (const char *s = text; *s; s++)
		lines += *s == '\n';
	return lines + (double)(long)(n / (w - 1));
}

/* A row tall enough for its wrapped text: spreadsheets do not grow a row
 * written with wrapped text by themselves (Calc keeps the default). */
static void row_height(form_sheet *s, const char *const f[FORM_COLUMNS], bool merged)
{
	double most = 1, total = 0;

	for (int c = C_TEXT; c < FORM_COLUMNS; c++) {
		double n = merged ? 1 : lines_of(f[c], widths[c]);
		total += widths[c];
		if (!merged && n > most)
			most = n;
	}
	if (merged)
		most = lines_of(f[C_TEXT], total);
	if (most > 1)
		worksheet_set_row(s->ws, s->row, 13.5 * most, NULL);
}

/* One row of the rendered CSV form into the sheet. */
static void form_row(form_sheet *s, const char *const f[FORM_COLUMNS])
{
	const char *key = f[C_KEY];
	const form_item *it = form_items_find(s->items, key);
	lxw_worksheet *ws = s->ws;

	row_height(s, f, key[0] == '#');
	if (s->row == 0) {
		for (int c = 0; c < FORM_COLUMNS; c++)
			worksheet_write_string(ws, 0, (lxw_col_t)c, f[c], s->f.head);
	} else if (key[0] == '#') {
		worksheet_write_string(ws, s->row, C_KEY, key, s->f.key);
		worksheet_merge_range(ws, s->row, C_TEXT, s->row, C_NOTE, f[C_TEXT],
				      s->row == 1 ? s->f.title : s->f.note);
	} else if (it) {
		item_row(s, it, f);
	} else {
		bool contact = strncmp(key, "contact.", 8) == 0, sub = strcmp(key, "contact") == 0;
		worksheet_write_string(ws, s->row, C_KEY, key, s->f.key);
		worksheet_write_string(ws, s->row, C_TEXT, f[C_TEXT], sub ? s->f.sub : s->f.text);
		for (int c = C_ANSWER; c < FORM_COLUMNS; c++)
			worksheet_write_string(ws, s->row, (lxw_col_t)c, f[c],
					       contact ? s->f.in
					       : sub   ? s->f.sub
						       : s->f.meta);
	}
	s->row++;
}

static void sheet_setup(lxw_worksheet *ws, int rows)
{
	lxw_protection prot;

	for (int c = 0; c < FORM_COLUMNS; c++)
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 0);
	worksheet_set_margins(ws, 0.4, 0.4, 0.5, 0.5);
	worksheet_set_footer(ws, "&CTrang &P / &N");
	worksheet_print_area(ws, 0, 0, (lxw_row_t)(rows > 0 ? rows - 1 : 0), C_NOTE);
	/* Without a password: protection guards against slips, not people. */
	memset(&prot, 0, sizeof prot);
	prot.format_columns = 1;
	prot.format_rows = 1;
	worksheet_protect(ws, NULL, &prot);
}

/* Reads the rendered form back record by record into the sheet. */
static dti_err fill_sheet(form_sheet *s, const strbuf *csv, dti_diag *d)
{
	FILE *f = fmemopen(csv->data, csv->len, "rb");
	csv_reader *r;
	int got;

	if (!f)
		return diag_set(d, DTI_EIO, "cannot read the form back: %s", strerror(errno));
	r = csv_open(f, "form", ',');
	while ((got = csv_next(r, d)) > 0) {
		const char *fields[FORM_COLUMNS];
		for (size_t i = 0; i < FORM_COLUMNS; i++)
			fields[i] = sheet_text_unguard(i < csv_nfields(r) ? csv_field(r, i) : "");
		form_row(s, fields);
		if (s->row == 3) { /* after the instructions */
			worksheet_set_row(s->ws, s->row, 27, NULL);
			worksheet_write_string(s->ws, s->row, C_KEY, "#", s->f.key);
			worksheet_merge_range(s->ws, s->row, C_TEXT, s->row, C_NOTE, LEGEND,
					      s->f.note);
			s->row++;
		}
	}
	csv_close(r);
	fclose(f);
	return got < 0 ? DTI_EPARSE : DTI_EOK;
}

dti_err form_xlsx_write(const framework *fw, const form_items *items, const form_spec *spec,
			const char *path, dti_diag *d)
{
	form_sheet s;
	xlsx_out x;
	strbuf csv;
	char name[32];
	dti_err rc;

	memset(&s, 0, sizeof s);
	sb_init(&csv, 0);
	rc = form_render(fw, items, spec, &csv, d);
	if (!rc)
		rc = xlsx_open(&x, path, false, d);
	if (rc)
		goto out;
	snprintf(name, sizeof name, "Phiếu %s", spec->commune_code);
	s.ws = workbook_add_worksheet(x.wb, name);
	s.items = items;
	s.spec = spec;
	formats_make(x.wb, &s.f);
	rc = fill_sheet(&s, &csv, d);
	if (rc) {
		xlsx_abort(&x);
		goto out;
	}
	sheet_setup(s.ws, (int)s.row);
	rc = xlsx_commit(&x, NULL, d);
out:
	sb_free(&csv);
	return rc;
}

/* ---- the annotated copy ---- */

static void annotate_row(lxw_worksheet *ws, const formats *f, const workbook *wb, size_t r,
			 const char *problems)
{
	const wb_row *row = &wb->rows[r];

	for (size_t c = 0; c < row->n; c++) {
		const wb_cell *cell = &row->cells[c];
		bool bad = problems && c >= C_ANSWER && (c == C_ANSWER || *cell->text);
		lxw_format *fm = bad ? f->bad : c < C_ANSWER ? f->text : f->in;
		double x;
		if (cell->type == WB_NUMBER && parse_nonneg_decimal(cell->text, '.', &x)) {
			worksheet_write_number(ws, (lxw_row_t)r, (lxw_col_t)c, x, fm);
		} else if (utf8_valid(cell->text, strlen(cell->text))) {
			worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, cell->text, fm);
		} else {
			/* A CSV cell in another encoding: its bytes would make the
			 * workbook's XML unreadable (Excel calls the file damaged). */
			char *shown = text_printable(xstrdup(cell->text));
			worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, shown, fm);
			free(shown);
		}
	}
	if (problems && row->n <= C_ANSWER)
		worksheet_write_string(ws, (lxw_row_t)r, C_ANSWER, "", f->bad);
	if (problems)
		worksheet_write_string(ws, (lxw_row_t)r, FORM_COLUMNS, problems, f->bad);
}

dti_err form_xlsx_annotate(const workbook *wb, const char *const *row_problems, size_t n,
			   const char *path, dti_diag *d)
{
	xlsx_out x;
	formats f;
	lxw_worksheet *ws;
	dti_err rc = xlsx_open(&x, path, false, d);

	if (rc)
		return rc;
	ws = workbook_add_worksheet(x.wb, "Phiếu có lỗi");
	formats_make(x.wb, &f);
	for (int c = 0; c < FORM_COLUMNS; c++)
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	worksheet_set_column(ws, FORM_COLUMNS, FORM_COLUMNS, 50, NULL);
	for (size_t r = 0; r < wb->n_rows && r <= (size_t)LXW_ROW_MAX; r++)
		annotate_row(ws, &f, wb, r, r > 0 && r < n ? row_problems[r] : NULL);
	worksheet_write_string(ws, 0, FORM_COLUMNS, "Lỗi", f.head);
	if (n > 0 && row_problems[0])
		worksheet_write_string(ws, 1, FORM_COLUMNS, row_problems[0], f.bad);
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 0);
	return xlsx_commit(&x, NULL, d);
}
