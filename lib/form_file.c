#include "form_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "form_xlsx.h"
#include "text.h"
#include "util.h"

/* ---- a CSV as a grid: each record on the row of the line it starts on ---- */

static void grid_put(workbook *wb, size_t row, size_t col, const char *text, size_t len)
{
	wb_row *r;

	if (row > wb->n_rows) {
		wb->rows = xrealloc(wb->rows, row * sizeof *wb->rows);
		memset(wb->rows + wb->n_rows, 0, (row - wb->n_rows) * sizeof *wb->rows);
		wb->n_rows = row;
	}
	r = &wb->rows[row - 1];
	if (col > r->n) {
		r->cells = xrealloc(r->cells, col * sizeof *r->cells);
		for (size_t c = r->n; c < col; c++)
			r->cells[c] = (wb_cell){xstrdup(""), WB_EMPTY};
		r->n = col;
	}
	free(r->cells[col - 1].text);
	r->cells[col - 1] = (wb_cell){xstrndup(text, len), WB_TEXT};
}

/* The CSV's cells (up to the form's columns and one more, for the copy).
 * NULL when it is not readable CSV: form_read then says why. */
static workbook *csv_grid(const char *bytes, size_t len, const char *name)
{
	FILE *f = fmemopen((void *)bytes, len ? len : 1, "rb");
	workbook *wb;
	csv_reader *r;
	dti_diag d;
	int got;

	if (!f)
		return NULL;
	wb = xcalloc(1, sizeof *wb);
	r = csv_open(f, name, 0);
	while ((got = csv_next(r, &d)) > 0)
		for (size_t i = 0; i < csv_nfields(r) && i <= FORM_COLUMNS; i++)
			if (csv_field_len(r, i))
				grid_put(wb, (size_t)csv_line(r), i + 1, csv_field(r, i),
					 csv_field_len(r, i));
	csv_close(r);
	fclose(f);
	if (got < 0) {
		workbook_free(wb);
		return NULL;
	}
	return wb;
}

/* ---- the file's own checks ---- */

/* The line of the first byte that is not UTF-8, when the file is in
 * another encoding: its header line, or more than one line, is not UTF-8
 * (0 otherwise: one odd cell is the CSV reader's to name). */
static long not_utf8_line(const char *s, size_t len)
{
	long line = 1, first = 0, bad = 0;
	size_t start = 0;

	for (size_t i = 0; i <= len; i++)
		if (i == len || s[i] == '\n') {
			if (!utf8_valid(s + start, i - start) && !bad++)
				first = line;
			line++;
			start = i + 1;
		}
	return first == 1 || bad > 1 ? first : 0;
}

/* A file of the wrong kind, or a CSV not in UTF-8: one problem, true. */
static bool wrong_file(const char *bytes, size_t len, const char *name, file_kind k,
		       dti_problems *p)
{
	size_t bom = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

	if (k == FILE_KIND_XLS) {
		problems_add(p,
			     "%s: tệp là bảng tính Excel 97-2003 (.xls), định dạng cũ không đọc "
			     "được: mở tệp trong Excel hoặc LibreOffice rồi lưu thành \"Excel "
			     "Workbook (.xlsx)\" và gửi lại",
			     name);
		return true;
	}
	if (k == FILE_KIND_OTHER && len >= 2 &&
	    (memcmp(bytes, "\xFF\xFE", 2) == 0 || memcmp(bytes, "\xFE\xFF", 2) == 0)) {
		/* Excel's "Unicode Text" and some "CSV" exports: UTF-16, with
		 * its byte order mark. */
		problems_add(p,
			     "%s: tệp văn bản ở bảng mã UTF-16 (Excel gọi là \"Unicode Text\"), "
			     "không phải CSV UTF-8: trong Excel chọn Lưu thành › \"CSV UTF-8 "
			     "(Comma delimited)\"; hoặc gửi tệp .xlsx",
			     name);
		return true;
	}
	if (k == FILE_KIND_OTHER) {
		problems_add(p,
			     "%s: tệp không phải phiếu của xã (không phải bảng tính .xlsx, .ods "
			     "hay tệp CSV%s): hãy gửi phiếu do 'dti form generate' tạo, đã điền",
			     name,
			     len >= 5 && memcmp(bytes, "%PDF-", 5) == 0 ? "; đây là tệp PDF" : "");
		return true;
	}
	if (k == FILE_KIND_TEXT && !utf8_valid(bytes + bom, len - bom) &&
	    not_utf8_line(bytes + bom, len - bom)) {
		problems_add(
			p,
			"%s:%ld: tệp CSV không ở bảng mã UTF-8 (có lẽ được lưu bằng "
			"Windows-1258 hoặc Windows-1252/ANSI, nên chữ có dấu bị hỏng): trong "
			"Excel chọn Lưu thành › \"CSV UTF-8 (Comma delimited)\"; trong "
			"LibreOffice chọn Lưu thành, đánh dấu \"Sửa thiết lập bộ lọc\" và chọn "
			"bộ ký tự \"Unicode (UTF-8)\"; hoặc gửi tệp .xlsx",
			name, not_utf8_line(bytes + bom, len - bom));
		return true;
	}
	return false;
}

static const char *cell_text(const workbook *wb, size_t row, size_t col)
{
	const wb_cell *c = workbook_cell(wb, row, col);

	return c ? c->text : "";
}

/* Whether cell text equals a heading, trimmed, unguarded and in NFC (a
 * heading saved decomposed is the same heading). */
static bool heading_is(const char *text, const char *want)
{
	char *t = text_trim(xstrdup(sheet_text_unguard(text))), *nfc = text_nfc(t);
	bool same = strcmp(nfc ? nfc : t, want) == 0;

	free(nfc);
	free(t);
	return same;
}

/* The first row with a cell: the header (0 for an empty sheet). */
static size_t header_row(const workbook *wb)
{
	for (size_t r = 1; r <= wb->n_rows; r++)
		for (size_t c = 1; c <= wb->rows[r - 1].n; c++)
			if (*wb->rows[r - 1].cells[c - 1].text)
				return r;
	return 0;
}

/* Column c (1-based) of the header row whose heading is column i's, or 0. */
static size_t heading_at(const workbook *wb, size_t hr, int i)
{
	for (size_t c = 1; c <= wb->rows[hr - 1].n; c++)
		if (heading_is(cell_text(wb, hr, c), form_column_name(i)))
			return c;
	return 0;
}

/* A header starting "Mã" with a column missing (a problem each) or the
 * columns in another order (one problem): true.  A header of something
 * else is left to form_read. */
static bool columns_missing(const workbook *wb, size_t hr, const char *name, dti_problems *p)
{
	size_t before = p->count;
	char col[8];

	if (!hr || !heading_is(cell_text(wb, hr, 1), form_column_name(0)))
		return false;
	for (int i = 1; i < FORM_COLUMNS; i++) {
		if (heading_at(wb, hr, i))
			continue;
		workbook_column_name((size_t)i + 1, col);
		problems_add(p,
			     "%s:%zu: phiếu thiếu cột \"%s\" (cột %s của phiếu): không xoá cột "
			     "nào của phiếu; thêm lại cột đó, hoặc điền vào phiếu mới tạo bằng "
			     "'dti form generate'",
			     name, hr, form_column_name(i), col);
	}
	for (int i = 1; p->count == before && i < FORM_COLUMNS; i++) {
		if (heading_at(wb, hr, i) == (size_t)i + 1)
			continue;
		workbook_column_name((size_t)i + 1, col);
		problems_add(p,
			     "%s:%zu: các cột của phiếu đã bị đổi chỗ (cột \"%s\" phải là cột "
			     "%s): hãy giữ nguyên thứ tự cột như phiếu được gửi",
			     name, hr, form_column_name(i), col);
	}
	return p->count > before;
}

/* A formula anywhere but a title row: a problem each, true when any. */
static bool formulas(const workbook *wb, const char *name, dti_problems *p)
{
	bool any = false;

	for (size_t r = 1; r <= wb->n_rows; r++) {
		const char *key = cell_text(wb, r, 1);
		if (key[0] == '#')
			continue;
		for (size_t c = 1; c <= wb->rows[r - 1].n; c++) {
			char col[8];
			if (wb->rows[r - 1].cells[c - 1].type != WB_FORMULA)
				continue;
			workbook_column_name(c, col);
			problems_add(p,
				     "%s:%zu%s%s%s: ô %s%zu chứa công thức: hãy nhập giá trị trực "
				     "tiếp (không dùng công thức)",
				     name, r, *key ? " (" : "", key, *key ? ")" : "", col, r);
			any = true;
		}
	}
	return any;
}

/* ---- the grid read as the CSV form_read reads ---- */

static dti_err read_grid(const workbook *wb, size_t hr, const char *name, const framework *fw,
			 const form_items *items, const commune_index *communes, int year,
			 msg_lang lang, form_result *r, dti_problems *p, dti_diag *d)
{
	workbook_csv g;
	size_t before = p->count;
	FILE *f = NULL;
	dti_err rc = workbook_to_csv(wb, hr, FORM_MAX_BYTES * 2u, WB_CSV_NO_FORMULAS, &g);

	if (rc) {
		problems_add(p, "%s: phiếu quá lớn", name);
		rc = DTI_EINVALID;
		goto out;
	}
	f = fmemopen(g.sb.data ? g.sb.data : (char *)"", g.sb.len ? g.sb.len : 1, "rb");
	if (!f) {
		rc = diag_set(d, DTI_EIO, "%s: cannot read: %s", name, strerror(errno));
		goto out;
	}
	rc = form_read_lang(f, name, fw, items, communes, year, lang, r, p, d);
	if (p->count > before)
		workbook_csv_problems(&g, p, before, name);
out:
	if (f)
		fclose(f);
	workbook_csv_free(&g);
	return rc;
}

dti_err form_file_read(const char *bytes, size_t len, const char *name, const framework *fw,
		       const form_items *items, const commune_index *communes, int year,
		       msg_lang lang, form_result *r, dti_problems *p, workbook **grid, dti_diag *d)
{
	file_kind k = file_kind_of(bytes, len);
	size_t before = p->count, hr;
	bool bad;
	dti_err rc;

	*grid = NULL;
	if (wrong_file(bytes, len, name, k, p))
		return DTI_EINVALID;
	if (k == FILE_KIND_TEXT) {
		*grid = csv_grid(bytes, len, name);
		if (*grid && columns_missing(*grid, header_row(*grid), name, p))
			return DTI_EINVALID;
		FILE *f = fmemopen((void *)bytes, len ? len : 1, "rb");
		if (!f)
			return diag_set(d, DTI_EIO, "%s: cannot read: %s", name, strerror(errno));
		rc = form_read_lang(f, name, fw, items, communes, year, lang, r, p, d);
		fclose(f);
		return rc;
	}
	rc = workbook_read(bytes, len, name, NULL, grid, d);
	if (rc) {
		problems_add(p, "%s", d->msg);
		return DTI_EINVALID;
	}
	hr = header_row(*grid);
	if (columns_missing(*grid, hr, name, p))
		return DTI_EINVALID;
	bad = formulas(*grid, name, p);
	rc = read_grid(*grid, hr ? hr : 1, name, fw, items, communes, year, lang, r, p, d);
	if ((bad || p->count > before) && (!rc || rc == DTI_EINVALID))
		rc = DTI_EINVALID;
	return rc;
}

/* ---- the annotated copy ---- */

/* The row a problem names ("name:ROW…"), and the text after it. */
static size_t problem_row(const char *s, const char *name, const char **rest)
{
	size_t skip = strlen(name);
	char *end;
	unsigned long row;

	if (strncmp(s, name, skip) != 0 || s[skip] != ':')
		return 0;
	row = strtoul(s + skip + 1, &end, 10);
	if (end == s + skip + 1)
		return 0;
	*rest = *end == ':' ? end + 1 : end;
	while (**rest == ' ')
		(*rest)++;
	return row;
}

dti_err form_file_annotate(const workbook *grid, const dti_problems *p, const char *name,
			   const char *path, dti_diag *d)
{
	size_t n = grid->n_rows ? grid->n_rows : 1;
	strbuf *texts = xcalloc(n, sizeof *texts);
	const char **rows = xcalloc(n, sizeof *rows);
	dti_err rc;

	for (size_t i = 0; i < n; i++)
		sb_init(&texts[i], 0);
	for (size_t i = 0; i < p->stored; i++) {
		const char *rest = p->items[i];
		size_t row = problem_row(p->items[i], name, &rest);
		strbuf *t = &texts[row >= 1 && row <= n ? row - 1 : 0];
		sb_appendf(t, "%s%s", t->len ? "\n" : "", rest);
	}
	for (size_t i = 0; i < n; i++)
		rows[i] = texts[i].len ? texts[i].data : NULL;
	rc = form_xlsx_annotate(grid, rows, n, path, d);
	for (size_t i = 0; i < n; i++)
		sb_free(&texts[i]);
	free(texts);
	free(rows);
	return rc;
}
