#include "sheet_template.h"

#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "xlsx.h"

#define SHEET_SOURCE_WORD "district_sheet"

static const sheet_office offices[] = {
	{"tai-chinh", "Phòng Tài chính – Kế hoạch", "Tài chính", false},
	{"thue", "Chi cục Thuế", "Thuế", false},
	{"giao-duc", "Phòng Giáo dục và Đào tạo", "Giáo dục", false},
	{"ngan-hang", "Chi nhánh ngân hàng", "ngân hàng", false},
	{"thong-ke", "Chi cục Thống kê", "thống kê", true},
};
#define N_OFFICES (sizeof offices / sizeof offices[0])

const sheet_office *sheet_offices(size_t *n)
{
	*n = N_OFFICES;
	return offices;
}

const sheet_office *sheet_office_find(const char *key)
{
	for (size_t i = 0; i < N_OFFICES; i++)
		if (strcmp(offices[i].key, key) == 0)
			return &offices[i];
	return NULL;
}

/* Whether an indicator using v names office o among its verifiers. */
static bool named_for(const framework *fw, const fw_variable *v, const sheet_office *o)
{
	for (size_t k = 0; k < fw->n_indicators; k++) {
		const fw_indicator *ind = &fw->indicators[k];
		if (ind->verifiers && strstr(ind->verifiers, o->keyword) &&
		    framework_indicator_uses(ind, v))
			return true;
	}
	return false;
}

size_t sheet_office_variables(const framework *fw, const sheet_office *o, const fw_variable **out)
{
	size_t n = 0;

	for (size_t i = 0; i < fw->n_variables; i++) {
		const fw_variable *v = &fw->variables[i];
		bool any = false;
		if (strcmp(v->source, SHEET_SOURCE_WORD) != 0)
			continue;
		if (named_for(fw, v, o)) {
			out[n++] = v;
			continue;
		}
		for (size_t k = 0; o->rest && !any && k < N_OFFICES; k++)
			any = named_for(fw, v, &offices[k]);
		if (o->rest && !any)
			out[n++] = v;
	}
	return n;
}

dti_err sheet_template_csv(const framework *fw, const sheet_office *o, const commune_list *communes,
			   int year, strbuf *sb, dti_diag *d)
{
	const fw_variable **vars = xcalloc(fw->n_variables + 1, sizeof *vars);
	size_t n = sheet_office_variables(fw, o, vars);
	char y[16];
	strbuf h;
	dti_err rc = sb_appends(sb, "\xEF\xBB\xBF" SHEET_HEAD_CODE "," SHEET_HEAD_NAME
				    "," SHEET_HEAD_YEAR);

	sb_init(&h, 0);
	snprintf(y, sizeof y, "%d", year);
	for (size_t i = 0; !rc && i < n; i++) {
		sb_reset(&h);
		sheet_heading(fw, vars[i], &h);
		rc = sb_appends(sb, ",");
		if (!rc)
			rc = sb_csv_field(sb, h.data, true);
	}
	if (!rc)
		rc = sb_appends(sb, "\r\n");
	for (size_t c = 0; !rc && c < communes->count; c++) {
		rc = sb_csv_field(sb, communes->items[c].code, true);
		if (!rc)
			rc = sb_appends(sb, ",");
		if (!rc)
			rc = sb_csv_field(sb, communes->items[c].name, true);
		if (!rc)
			rc = sb_appendf(sb, ",%s", y);
		for (size_t i = 0; !rc && i < n; i++)
			rc = sb_appends(sb, ",");
		if (!rc)
			rc = sb_appends(sb, "\r\n");
	}
	sb_free(&h);
	free(vars);
	if (rc)
		return diag_set(d, rc, "the %s template is too large", o->key);
	return DTI_EOK;
}

/* ---- .xlsx ---- */

typedef struct tpl_formats {
	lxw_format *head, *locked, *in, *wrap;
} tpl_formats;

static void tpl_formats_make(lxw_workbook *wb, tpl_formats *f)
{
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_text_wrap(f->head);
	format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(f->head, 0xD9E1F2);
	format_set_pattern(f->head, LXW_PATTERN_SOLID);
	format_set_border(f->head, LXW_BORDER_THIN);
	f->locked = workbook_add_format(wb);
	format_set_num_format(f->locked, "@");
	format_set_bg_color(f->locked, 0xF2F2F2);
	format_set_pattern(f->locked, LXW_PATTERN_SOLID);
	format_set_border(f->locked, LXW_BORDER_THIN);
	f->wrap = workbook_add_format(wb);
	format_set_text_wrap(f->wrap);
	f->in = workbook_add_format(wb);
	format_set_unlocked(f->in);
	format_set_bg_color(f->in, 0xFFF2CC);
	format_set_pattern(f->in, LXW_PATTERN_SOLID);
	format_set_border(f->in, LXW_BORDER_THIN);
}

/* The check of a value column: numbers from 0 (whole for a count). */
static void value_validation(lxw_worksheet *ws, lxw_col_t c, lxw_row_t last, const fw_variable *v)
{
	static char title[] = "Giá trị không hợp lệ";
	static char whole[] = "Nhập một số nguyên không âm (0, 1, 2, …).";
	static char number[] = "Nhập một số không âm.";
	lxw_data_validation dv;

	if (v->type != VAR_COUNT && v->type != VAR_AMOUNT)
		return;
	memset(&dv, 0, sizeof dv);
	dv.validate =
		v->type == VAR_COUNT ? LXW_VALIDATION_TYPE_INTEGER : LXW_VALIDATION_TYPE_DECIMAL;
	dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
	dv.error_title = title;
	dv.error_message = v->type == VAR_COUNT ? whole : number;
	worksheet_data_validation_range(ws, 1, c, last, c, &dv);
}

static void guide_sheet(lxw_workbook *wb, const tpl_formats *f, const framework *fw,
			const sheet_office *o, const fw_variable **vars, size_t n, int year)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Hướng dẫn");
	char *title = xasprintf("Số liệu năm %d do %s cung cấp — %s", year, o->title, fw->title);
	strbuf h;

	sb_init(&h, 0);
	worksheet_set_column(ws, 0, 0, 50, NULL);
	worksheet_set_column(ws, 1, 1, 14, NULL);
	worksheet_set_column(ws, 2, 2, 80, f->wrap);
	worksheet_write_string(ws, 0, 0, title, f->head);
	worksheet_write_string(ws, 1, 0,
			       "Điền trang tính đầu tiên: một dòng mỗi xã, không sửa cột Mã xã, "
			       "không đổi tên cột; lưu lại dạng .xlsx và gửi lại.",
			       NULL);
	worksheet_write_string(ws, 3, 0, "Cột", f->head);
	worksheet_write_string(ws, 3, 1, "Chỉ tiêu", f->head);
	worksheet_write_string(ws, 3, 2, "Dùng cho chỉ số", f->head);
	for (size_t i = 0; i < n; i++) {
		strbuf ids;
		sb_reset(&h);
		sheet_heading(fw, vars[i], &h);
		sb_init(&ids, 0);
		for (size_t k = 0; k < fw->n_indicators; k++)
			if (framework_indicator_uses(&fw->indicators[k], vars[i]))
				sb_appendf(&ids, "%s%s %s", ids.len ? "; " : "",
					   fw->indicators[k].id, fw->indicators[k].name);
		worksheet_write_string(ws, (lxw_row_t)(4 + i), 0, h.data, NULL);
		worksheet_write_string(ws, (lxw_row_t)(4 + i), 1, vars[i]->name, NULL);
		worksheet_write_string(ws, (lxw_row_t)(4 + i), 2, ids.data ? ids.data : "", NULL);
		sb_free(&ids);
	}
	sb_free(&h);
	free(title);
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
}

static void data_sheet(lxw_worksheet *ws, const tpl_formats *f, const framework *fw,
		       const fw_variable **vars, size_t n, const commune_list *communes, int year)
{
	lxw_row_t last = (lxw_row_t)(communes->count ? communes->count : 1);
	lxw_protection prot;
	strbuf h;

	sb_init(&h, 0);
	worksheet_set_column(ws, 0, 0, 9, NULL);
	worksheet_set_column(ws, 1, 1, 24, NULL);
	worksheet_set_column(ws, 2, 2, 7, NULL);
	worksheet_write_string(ws, 0, 0, SHEET_HEAD_CODE, f->head);
	worksheet_write_string(ws, 0, 1, SHEET_HEAD_NAME, f->head);
	worksheet_write_string(ws, 0, 2, SHEET_HEAD_YEAR, f->head);
	for (size_t i = 0; i < n; i++) {
		lxw_col_t c = (lxw_col_t)(3 + i);
		sb_reset(&h);
		sheet_heading(fw, vars[i], &h);
		worksheet_set_column(ws, c, c, 16, NULL);
		worksheet_write_string(ws, 0, c, h.data, f->head);
		value_validation(ws, c, last, vars[i]);
	}
	worksheet_set_row(ws, 0, 15 * 4, NULL);
	for (size_t r = 0; r < communes->count; r++) {
		lxw_row_t row = (lxw_row_t)(r + 1);
		worksheet_write_string(ws, row, 0, communes->items[r].code, f->locked);
		worksheet_write_string(ws, row, 1, communes->items[r].name, f->locked);
		worksheet_write_number(ws, row, 2, year, f->locked);
		for (size_t i = 0; i < n; i++)
			worksheet_write_blank(ws, row, (lxw_col_t)(3 + i), f->in);
	}
	sb_free(&h);
	worksheet_freeze_panes(ws, 1, 2);
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 0);
	memset(&prot, 0, sizeof prot);
	prot.format_columns = 1;
	prot.format_rows = 1;
	worksheet_protect(ws, NULL, &prot);
}

dti_err sheet_template_xlsx(const framework *fw, const sheet_office *o,
			    const commune_list *communes, int year, const char *path, dti_diag *d)
{
	const fw_variable **vars = xcalloc(fw->n_variables + 1, sizeof *vars);
	size_t n = sheet_office_variables(fw, o, vars);
	tpl_formats f;
	xlsx_out x;
	char name[32];
	dti_err rc = xlsx_open(&x, path, false, d);

	if (!rc) {
		lxw_worksheet *ws;
		snprintf(name, sizeof name, "Số liệu %d", year);
		ws = workbook_add_worksheet(x.wb, name);
		tpl_formats_make(x.wb, &f);
		data_sheet(ws, &f, fw, vars, n, communes, year);
		guide_sheet(x.wb, &f, fw, o, vars, n, year);
		rc = xlsx_commit(&x, NULL, d);
	}
	free(vars);
	return rc;
}
