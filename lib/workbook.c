#include "workbook.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util.h"

const workbook_limits workbook_limits_default = {
	.max_entries = 1000,
	.max_entry_bytes = 32u << 20,
	.max_total_bytes = 64u << 20,
	.max_strings = 200000,
	.max_string_bytes = 65536,
	.max_rows = 100000,
	.max_cols = 1024,
	.max_grid_bytes = 64u << 20,
};

/* Cell slots allocated in all rows: rows grow to their last cell, so this
 * bounds the grid's memory whatever the cells' places. */
#define WB_MAX_SLOTS 2000000u
#define NS_SEP '\x01' /* expat's separator between a namespace and a name */
/* Elements open at once: a sheet nests about ten deep, and expat keeps
 * each open element, so a file of nested tags would cost memory without
 * bound (3 million levels: 20 kB deflated, 500 MB). */
#define WB_MAX_DEPTH 256

/* ---- what a file is ---- */

static bool zip_has(zip_t *z, const char *name)
{
	return zip_name_locate(z, name, 0) >= 0;
}

static file_kind zip_kind(const void *bytes, size_t len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	file_kind k = FILE_KIND_OTHER;

	zip_error_init(&ze);
	src = zip_source_buffer_create(bytes, len, 0, &ze);
	z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return FILE_KIND_OTHER;
	}
	if (zip_has(z, "xl/workbook.xml"))
		k = FILE_KIND_XLSX;
	else if (zip_has(z, "content.xml") && zip_has(z, "mimetype")) {
		char mt[64] = {0};
		zip_file_t *f = zip_fopen(z, "mimetype", 0);
		if (f && zip_fread(f, mt, sizeof mt - 1) > 0 &&
		    strcmp(mt, "application/vnd.oasis.opendocument.spreadsheet") == 0)
			k = FILE_KIND_ODS;
		if (f)
			zip_fclose(f);
	}
	zip_discard(z);
	zip_error_fini(&ze);
	return k;
}

file_kind file_kind_of(const void *bytes, size_t len)
{
	static const unsigned char ole2[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	const unsigned char *b = bytes;

	if (len >= 4 && memcmp(b, "PK\x03\x04", 4) == 0)
		return zip_kind(bytes, len);
	if (len >= 8 && memcmp(b, ole2, 8) == 0)
		return FILE_KIND_XLS;
	/* Binary formats hold NUL bytes from their start; a CSV with one NUL
	 * in a cell further on is a CSV, and the CSV reader names the cell. */
	if ((len >= 5 && memcmp(b, "%PDF-", 5) == 0) || (len >= 2 && memcmp(b, "PK", 2) == 0) ||
	    memchr(b, 0, len < 1024 ? len : 1024))
		return FILE_KIND_OTHER;
	return FILE_KIND_TEXT;
}

const char *file_kind_name(file_kind k)
{
	switch (k) {
	case FILE_KIND_TEXT: return "CSV";
	case FILE_KIND_XLSX: return "Excel (.xlsx)";
	case FILE_KIND_ODS: return "OpenDocument (.ods)";
	case FILE_KIND_XLS: return "Excel 97-2003 (.xls)";
	case FILE_KIND_OTHER: break;
	}
	return "?";
}

/* ---- the grid ---- */

void workbook_free(workbook *wb)
{
	if (!wb)
		return;
	for (size_t r = 0; r < wb->n_rows; r++) {
		for (size_t c = 0; c < wb->rows[r].n; c++)
			free(wb->rows[r].cells[c].text);
		free(wb->rows[r].cells);
	}
	free(wb->rows);
	free(wb);
}

const wb_cell *workbook_cell(const workbook *wb, size_t row, size_t col)
{
	if (!wb || row == 0 || col == 0 || row > wb->n_rows || col > wb->rows[row - 1].n)
		return NULL;
	return &wb->rows[row - 1].cells[col - 1];
}

void workbook_column_name(size_t col, char out[8])
{
	char tmp[8];
	size_t n = 0, k = 0;

	while (col > 0 && n < 7) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	while (n > 0)
		out[k++] = tmp[--n];
	out[k] = '\0';
}

static void line_row(workbook_csv *g, size_t row)
{
	g->row_of = xrealloc(g->row_of, (g->lines + 2) * sizeof *g->row_of);
	g->row_of[++g->lines] = row;
}

/* Cells of a row up to its last non-empty one. */
static size_t row_width(const wb_row *row)
{
	size_t n = row->n;

	while (n > 0 && !*row->cells[n - 1].text)
		n--;
	return n;
}

dti_err workbook_to_csv(const workbook *wb, size_t first, size_t max, unsigned flags,
			workbook_csv *g)
{
	size_t width = 0;
	dti_err rc = DTI_EOK;

	memset(g, 0, sizeof *g);
	sb_init(&g->sb, max);
	first = first ? first : 1;
	if ((flags & WB_CSV_PAD) && first <= wb->n_rows)
		width = row_width(&wb->rows[first - 1]);
	for (size_t r = first; !rc && r <= wb->n_rows; r++) {
		const wb_row *row = &wb->rows[r - 1];
		size_t n = row_width(row), out = n > width || n == 0 ? n : width;
		line_row(g, r);
		for (size_t c = 0; !rc && c < out; c++) {
			const wb_cell *cell = c < n ? &row->cells[c] : NULL;
			const char *t =
				!cell || ((flags & WB_CSV_NO_FORMULAS) && cell->type == WB_FORMULA)
					? ""
					: cell->text;
			for (const char *q = t; *q; q++)
				if (*q == '\n')
					line_row(g, r);
			rc = sb_csv_field(&g->sb, t, false);
			if (!rc && c + 1 < out)
				rc = sb_appends(&g->sb, ",");
		}
		if (!rc)
			rc = sb_appends(&g->sb, "\r\n");
	}
	return rc;
}

void workbook_csv_free(workbook_csv *g)
{
	sb_free(&g->sb);
	free(g->row_of);
	memset(g, 0, sizeof *g);
}

void workbook_csv_problems(const workbook_csv *g, dti_problems *p, size_t from, const char *name)
{
	size_t skip = strlen(name);

	for (size_t i = from; i < p->stored; i++) {
		char *s = p->items[i], *end;
		unsigned long line;
		if (strncmp(s, name, skip) != 0 || s[skip] != ':' || s[skip + 1] < '0' ||
		    s[skip + 1] > '9')
			continue;
		errno = 0;
		line = strtoul(s + skip + 1, &end, 10);
		if (errno || line == 0 || line > g->lines)
			continue;
		p->items[i] = xasprintf("%s:%zu%s", name, g->row_of[line], end);
		free(s);
	}
}

/* ---- parsing ---- */

typedef enum { PART_STRINGS, PART_XLSX_SHEET, PART_ODS } part_kind;

typedef struct wb_parse {
	const workbook_limits *lim;
	const char *name, *entry;
	XML_Parser xp;
	part_kind part;
	dti_err fail;
	dti_diag *d;
	size_t total, slots, grid_bytes;
	/* text being collected (a string, a value, a cell's paragraphs) */
	strbuf text;
	int collect;    /* > 0 while inside an element whose text is wanted */
	int skip;       /* > 0 inside phonetic runs and comments */
	int depth;      /* elements open */
	char **strings; /* shared strings */
	size_t n_strings, cap_strings;
	workbook *wb;
	size_t row, col, rep_rows, rep_cols;
	/* the current cell */
	char t_attr[16];
	char *value; /* .ods office:value and the like */
	bool formula, row_content, in_table, table_done;
	int paragraphs;
} wb_parse;

static void fail(wb_parse *p, dti_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(wb_parse *p, dti_err e, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	if (p->fail)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->fail = diag_set(p->d, e, "%s: %s", p->name, msg);
	XML_StopParser(p->xp, XML_FALSE);
}

static const char *local(const char *name)
{
	const char *s = strrchr(name, NS_SEP);

	return s ? s + 1 : name;
}

static const char *attr(const char **atts, const char *want)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), want) == 0)
			return atts[i + 1];
	return NULL;
}

/* A count attribute ("number-columns-repeated"): 1 when absent or junk,
 * else its value saturated at cap + 1. */
static size_t count_attr(const char *s, size_t cap)
{
	size_t n = 0;

	if (!s || !*s)
		return 1;
	for (; *s >= '0' && *s <= '9'; s++)
		n = n > cap ? cap + 1 : n * 10 + (size_t)(*s - '0');
	return n ? n : 1;
}

static void on_text(void *ud, const XML_Char *s, int len)
{
	wb_parse *p = ud;

	if (p->fail || p->collect <= 0 || p->skip > 0)
		return;
	if (sb_append(&p->text, s, (size_t)len))
		fail(p, DTI_ELIMIT, "một ô hoặc chuỗi văn bản trong %s dài hơn %zu byte", p->entry,
		     p->lim->max_string_bytes);
}

static void on_doctype(void *ud, const XML_Char *name, const XML_Char *sys, const XML_Char *pub,
		       int internal)
{
	wb_parse *p = ud;

	(void)name, (void)sys, (void)pub, (void)internal;
	fail(p, DTI_EPARSE,
	     "%s có khai báo DOCTYPE (thực thể XML); bảng tính thật không có, tệp bị từ chối",
	     p->entry);
}

/* Puts a cell at (row, col), within the caps. */
static void set_cell(wb_parse *p, size_t row, size_t col, wb_type type, const char *text)
{
	workbook *wb = p->wb;
	wb_row *r;
	char cn[8];

	if (row == 0 || col == 0 || row > p->lim->max_rows || col > p->lim->max_cols) {
		workbook_column_name(col <= p->lim->max_cols ? col : p->lim->max_cols + 1, cn);
		fail(p, DTI_ELIMIT, "có ô ngoài giới hạn %zu dòng × %zu cột (dòng %zu, cột %s)",
		     p->lim->max_rows, p->lim->max_cols, row, cn);
		return;
	}
	if (row > wb->n_rows) {
		wb->rows = xrealloc(wb->rows, row * sizeof *wb->rows);
		memset(wb->rows + wb->n_rows, 0, (row - wb->n_rows) * sizeof *wb->rows);
		wb->n_rows = row;
	}
	r = &wb->rows[row - 1];
	if (col > r->n) {
		p->slots += col - r->n;
		if (p->slots > WB_MAX_SLOTS) {
			fail(p, DTI_ELIMIT, "bảng tính có quá nhiều ô (hơn %u)", WB_MAX_SLOTS);
			return;
		}
		r->cells = xrealloc(r->cells, col * sizeof *r->cells);
		for (size_t c = r->n; c < col; c++)
			r->cells[c] = (wb_cell){xstrdup(""), WB_EMPTY};
		r->n = col;
	}
	/* A shared string or a repeated cell is stored once per cell: counted
	 * here, or a small file fills the memory with copies of one text. */
	p->grid_bytes += strlen(text);
	if (p->grid_bytes > p->lim->max_grid_bytes) {
		fail(p, DTI_ELIMIT, "các ô của bảng tính chứa hơn %zu MB chữ",
		     p->lim->max_grid_bytes >> 20);
		return;
	}
	free(r->cells[col - 1].text);
	r->cells[col - 1] = (wb_cell){xstrdup(text), type};
}

/* A number as written in the file ("5", "72.5", "1E-3") the way a person
 * reads it: "%.15g" of its value; text that is not a number stays. */
static char *number_text(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !isfinite(v))
		return xstrdup(s);
	return xasprintf("%.15g", v);
}

/* ---- .xlsx: shared strings and the first sheet ---- */

static void strings_start(wb_parse *p, const char *el)
{
	if (strcmp(el, "si") == 0) {
		sb_reset(&p->text);
		p->collect = 1;
	} else if (strcmp(el, "rPh") == 0 || strcmp(el, "phoneticPr") == 0) {
		p->skip++;
	}
}

static void strings_end(wb_parse *p, const char *el)
{
	if (strcmp(el, "rPh") == 0 || strcmp(el, "phoneticPr") == 0) {
		p->skip--;
	} else if (strcmp(el, "si") == 0) {
		p->collect = 0;
		if (p->n_strings >= p->lim->max_strings) {
			fail(p, DTI_ELIMIT, "bảng tính có quá nhiều chuỗi văn bản (hơn %zu)",
			     p->lim->max_strings);
			return;
		}
		if (p->n_strings == p->cap_strings) {
			p->cap_strings = p->cap_strings ? p->cap_strings * 2 : 64;
			p->strings = xrealloc(p->strings, p->cap_strings * sizeof *p->strings);
		}
		p->strings[p->n_strings++] = xstrdup(p->text.data ? p->text.data : "");
	}
}

/* "B12" into a column and a row (either 0 when absent). */
static void cell_ref(const char *s, size_t *col, size_t *row)
{
	size_t c = 0, r = 0;

	for (; *s >= 'A' && *s <= 'Z'; s++)
		c = c > 100000 ? c : c * 26 + (size_t)(*s - 'A' + 1);
	for (; *s >= '0' && *s <= '9'; s++)
		r = r > 100000000 ? r : r * 10 + (size_t)(*s - '0');
	*col = c;
	*row = r;
}

static void sheet_start(wb_parse *p, const char *el, const char **atts)
{
	if (strcmp(el, "row") == 0) {
		size_t rn = count_attr(attr(atts, "r"), 100000000);
		p->row = attr(atts, "r") ? rn : p->row + 1;
		p->col = 0;
	} else if (strcmp(el, "c") == 0) {
		const char *ref = attr(atts, "r"), *t = attr(atts, "t");
		size_t c = 0, r = 0;
		if (ref)
			cell_ref(ref, &c, &r);
		p->col = c ? c : p->col + 1;
		if (r)
			p->row = r;
		snprintf(p->t_attr, sizeof p->t_attr, "%s", t ? t : "n");
		p->formula = false;
		sb_reset(&p->text);
	} else if (strcmp(el, "f") == 0) {
		p->formula = true;
	} else if (strcmp(el, "v") == 0 || strcmp(el, "t") == 0) {
		p->collect++;
	} else if (strcmp(el, "rPh") == 0) {
		p->skip++;
	}
}

static void sheet_cell_end(wb_parse *p)
{
	const char *raw = p->text.data ? p->text.data : "";
	char *text = NULL;
	wb_type type = WB_TEXT;

	if (strcmp(p->t_attr, "s") == 0) {
		int64_t i;
		if (!parse_i64(raw, &i) || (size_t)i >= p->n_strings) {
			fail(p, DTI_EPARSE, "ô %zu:%zu trỏ tới chuỗi văn bản %s không có", p->row,
			     p->col, raw);
			return;
		}
		text = xstrdup(p->strings[i]);
	} else if (strcmp(p->t_attr, "b") == 0) {
		text = xstrdup(strcmp(raw, "1") == 0 ? "Có" : "Không");
		type = WB_BOOL;
	} else if (strcmp(p->t_attr, "e") == 0) {
		text = xstrdup(raw);
		type = WB_ERROR;
	} else if (strcmp(p->t_attr, "n") == 0) {
		text = number_text(raw);
		type = WB_NUMBER;
	} else {
		text = xstrdup(raw);
	}
	if (p->formula)
		type = WB_FORMULA;
	if (*text || p->formula)
		set_cell(p, p->row, p->col, type, text);
	free(text);
}

static void sheet_end(wb_parse *p, const char *el)
{
	if (strcmp(el, "v") == 0 || strcmp(el, "t") == 0)
		p->collect--;
	else if (strcmp(el, "rPh") == 0)
		p->skip--;
	else if (strcmp(el, "c") == 0)
		sheet_cell_end(p);
}

/* ---- .ods: content.xml, the first table ---- */

static void ods_cell_start(wb_parse *p, const char **atts)
{
	const char *vt = attr(atts, "value-type");
	const char *v = NULL;

	p->col++;
	p->rep_cols = count_attr(attr(atts, "number-columns-repeated"), p->lim->max_cols);
	p->formula = attr(atts, "formula") != NULL;
	p->paragraphs = 0;
	free(p->value);
	p->value = NULL;
	snprintf(p->t_attr, sizeof p->t_attr, "%s", vt ? vt : "");
	if (vt && (strcmp(vt, "float") == 0 || strcmp(vt, "percentage") == 0 ||
		   strcmp(vt, "currency") == 0))
		v = attr(atts, "value");
	else if (vt && strcmp(vt, "boolean") == 0)
		v = attr(atts, "boolean-value");
	else if (vt && strcmp(vt, "date") == 0)
		v = attr(atts, "date-value");
	if (v)
		p->value = xstrdup(v);
	sb_reset(&p->text);
	p->collect = 1;
}

static void ods_cell_end(wb_parse *p)
{
	wb_type type = WB_TEXT;
	char *text;

	p->collect = 0;
	if (p->value && strcmp(p->t_attr, "boolean") == 0) {
		text = xstrdup(strcmp(p->value, "true") == 0 ? "Có" : "Không");
		type = WB_BOOL;
	} else if (p->value && strcmp(p->t_attr, "date") == 0) {
		text = xstrdup(p->value);
	} else if (p->value) {
		text = number_text(p->value);
		type = WB_NUMBER;
	} else {
		text = xstrdup(p->text.data ? p->text.data : "");
	}
	if (p->formula)
		type = WB_FORMULA;
	if (*text || p->formula) {
		if (p->rep_cols > p->lim->max_cols)
			set_cell(p, p->row, p->lim->max_cols + 1, type, text);
		for (size_t k = 0; !p->fail && k < p->rep_cols; k++)
			set_cell(p, p->row, p->col + k, type, text);
		p->row_content = true;
	}
	p->col += p->rep_cols - 1;
	free(text);
}

/* A row repeated with content is copied (within the caps); repeated empty
 * rows, what Calc writes to the sheet's end, only move the row on. */
static void ods_row_end(wb_parse *p)
{
	size_t r = p->row;

	if (p->rep_rows > 1 && p->row_content) {
		if (p->rep_rows > p->lim->max_rows) {
			set_cell(p, p->lim->max_rows + 1, 1, WB_TEXT, "");
			return;
		}
		for (size_t k = 1; !p->fail && k < p->rep_rows && r <= p->wb->n_rows; k++)
			for (size_t c = 1; !p->fail && c <= p->wb->rows[r - 1].n; c++) {
				const wb_cell *cell = &p->wb->rows[r - 1].cells[c - 1];
				if (cell->type != WB_EMPTY)
					set_cell(p, r + k, c, cell->type, cell->text);
			}
	}
	p->row = r + (p->rep_rows > p->lim->max_rows ? p->lim->max_rows : p->rep_rows) - 1;
}

static void ods_start(wb_parse *p, const char *el, const char **atts)
{
	if (strcmp(el, "table") == 0 && !p->table_done) {
		p->in_table = true;
	} else if (!p->in_table) {
		return;
	} else if (strcmp(el, "table-row") == 0) {
		p->row++;
		p->col = 0;
		p->row_content = false;
		p->rep_rows = count_attr(attr(atts, "number-rows-repeated"), p->lim->max_rows);
	} else if (strcmp(el, "table-cell") == 0 || strcmp(el, "covered-table-cell") == 0) {
		ods_cell_start(p, atts);
	} else if (strcmp(el, "annotation") == 0) {
		p->skip++;
	} else if (p->collect > 0 && p->skip == 0) {
		if (strcmp(el, "p") == 0 && p->paragraphs++ > 0)
			on_text(p, "\n", 1);
		else if (strcmp(el, "line-break") == 0)
			on_text(p, "\n", 1);
		else if (strcmp(el, "tab") == 0)
			on_text(p, "\t", 1);
		else if (strcmp(el, "s") == 0)
			for (size_t n = count_attr(attr(atts, "c"), 1000); n > 0 && !p->fail; n--)
				on_text(p, " ", 1);
	}
}

static void ods_end(wb_parse *p, const char *el)
{
	if (!p->in_table)
		return;
	if (strcmp(el, "table") == 0) {
		p->in_table = false;
		p->table_done = true;
	} else if (strcmp(el, "table-row") == 0) {
		ods_row_end(p);
	} else if (strcmp(el, "table-cell") == 0 || strcmp(el, "covered-table-cell") == 0) {
		ods_cell_end(p);
	} else if (strcmp(el, "annotation") == 0) {
		p->skip--;
	}
}

static void on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	wb_parse *p = ud;
	const char *el = local(name);

	if (p->fail)
		return;
	if (++p->depth > WB_MAX_DEPTH) {
		fail(p, DTI_ELIMIT, "phần %s của bảng tính lồng nhau quá %d tầng", p->entry,
		     WB_MAX_DEPTH);
		return;
	}
	if (p->part == PART_STRINGS)
		strings_start(p, el);
	else if (p->part == PART_XLSX_SHEET)
		sheet_start(p, el, atts);
	else
		ods_start(p, el, atts);
}

static void on_end(void *ud, const XML_Char *name)
{
	wb_parse *p = ud;
	const char *el = local(name);

	if (p->fail)
		return;
	p->depth--;
	if (p->part == PART_STRINGS)
		strings_end(p, el);
	else if (p->part == PART_XLSX_SHEET)
		sheet_end(p, el);
	else
		ods_end(p, el);
}

/* ---- reading an entry ---- */

static XML_Parser parser_new(wb_parse *p)
{
	XML_Parser xp = XML_ParserCreateNS("UTF-8", NS_SEP);

	if (!xp)
		return NULL;
	XML_SetUserData(xp, p);
	XML_SetElementHandler(xp, on_start, on_end);
	XML_SetCharacterDataHandler(xp, on_text);
	/* No document type, so no entity is declared, expanded or fetched. */
	XML_SetStartDoctypeDeclHandler(xp, on_doctype);
	XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
	return xp;
}

/* Inflates one entry through expat, counting the bytes as they come.
 * Returns DTI_ENOTFOUND (d untouched) when the entry is absent. */
static dti_err parse_entry(wb_parse *p, zip_t *z, const char *entry, part_kind part)
{
	char buf[65536];
	size_t got = 0;
	zip_int64_t n = 0;
	zip_int64_t idx = zip_name_locate(z, entry, 0);
	zip_file_t *f;

	if (idx < 0)
		return DTI_ENOTFOUND;
	f = zip_fopen_index(z, (zip_uint64_t)idx, 0);
	if (!f)
		return diag_set(p->d, DTI_EPARSE, "%s: không mở được phần %s của bảng tính (%s)",
				p->name, entry, zip_strerror(z));
	p->entry = entry;
	p->part = part;
	p->xp = parser_new(p);
	if (!p->xp) {
		zip_fclose(f);
		return diag_set(p->d, DTI_ENOMEM, "%s: out of memory", p->name);
	}
	while (!p->fail && (n = zip_fread(f, buf, sizeof buf)) > 0) {
		got += (size_t)n;
		p->total += (size_t)n;
		if (got > p->lim->max_entry_bytes)
			fail(p, DTI_ELIMIT, "phần %s của bảng tính giải nén ra hơn %zu MB", entry,
			     p->lim->max_entry_bytes >> 20);
		else if (p->total > p->lim->max_total_bytes)
			fail(p, DTI_ELIMIT, "bảng tính giải nén ra hơn %zu MB",
			     p->lim->max_total_bytes >> 20);
		else if (XML_Parse(p->xp, buf, (int)n, 0) == XML_STATUS_ERROR && !p->fail)
			fail(p, DTI_EPARSE, "phần %s của bảng tính hỏng: %s (dòng %lu)", entry,
			     XML_ErrorString(XML_GetErrorCode(p->xp)),
			     (unsigned long)XML_GetCurrentLineNumber(p->xp));
	}
	if (!p->fail && n < 0)
		fail(p, DTI_EPARSE, "không giải nén được phần %s của bảng tính (%s)", entry,
		     zip_file_strerror(f));
	if (!p->fail && XML_Parse(p->xp, "", 0, 1) == XML_STATUS_ERROR && !p->fail)
		fail(p, DTI_EPARSE, "phần %s của bảng tính hỏng: %s (dòng %lu)", entry,
		     XML_ErrorString(XML_GetErrorCode(p->xp)),
		     (unsigned long)XML_GetCurrentLineNumber(p->xp));
	XML_ParserFree(p->xp);
	p->xp = NULL;
	zip_fclose(f);
	return p->fail;
}

/* Entries of one name, case aside (the parts of a workbook are named
 * without case): the reader would take one, another program the other, so
 * the officer's spreadsheet would show what dti does not read. */
static dti_err check_names(wb_parse *p, zip_t *z)
{
	zip_int64_t n = zip_get_num_entries(z, 0);

	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		if (name && zip_name_locate(z, name, ZIP_FL_NOCASE) != i)
			return diag_set(p->d, DTI_EPARSE,
					"%s: bảng tính có hai phần cùng tên %s (tệp đã bị sửa bên "
					"ngoài Excel hay LibreOffice): tệp bị từ chối",
					p->name, name);
	}
	return DTI_EOK;
}

static dti_err read_parts(wb_parse *p, zip_t *z, file_kind kind)
{
	dti_err rc;

	if (kind == FILE_KIND_ODS) {
		rc = parse_entry(p, z, "content.xml", PART_ODS);
	} else {
		rc = parse_entry(p, z, "xl/sharedStrings.xml", PART_STRINGS);
		if (rc == DTI_ENOTFOUND)
			rc = DTI_EOK; /* a workbook of numbers alone has none */
		if (!rc)
			rc = parse_entry(p, z, "xl/worksheets/sheet1.xml", PART_XLSX_SHEET);
	}
	if (rc == DTI_ENOTFOUND)
		rc = diag_set(p->d, DTI_EPARSE, "%s: bảng tính không có trang tính nào đọc được",
			      p->name);
	return rc;
}

dti_err workbook_read(const void *bytes, size_t len, const char *name, const workbook_limits *lim,
		      workbook **out, dti_diag *d)
{
	wb_parse p;
	zip_error_t ze;
	zip_source_t *src = NULL;
	zip_t *z = NULL;
	file_kind kind = file_kind_of(bytes, len);
	dti_err rc = DTI_EOK;

	*out = NULL;
	memset(&p, 0, sizeof p);
	p.lim = lim ? lim : &workbook_limits_default;
	p.name = name;
	p.d = d;
	zip_error_init(&ze);
	if (kind != FILE_KIND_XLSX && kind != FILE_KIND_ODS) {
		rc = diag_set(d, DTI_EPARSE, "%s: không phải bảng tính .xlsx hay .ods", name);
		goto out;
	}
	src = zip_source_buffer_create(bytes, len, 0, &ze);
	z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	if (!z) {
		zip_source_free(src);
		rc = diag_set(d, DTI_EPARSE, "%s: không đọc được tệp nén của bảng tính (%s)", name,
			      zip_error_strerror(&ze));
		goto out;
	}
	if ((size_t)zip_get_num_entries(z, 0) > p.lim->max_entries) {
		rc = diag_set(d, DTI_ELIMIT, "%s: bảng tính có %lld phần, quá %zu", name,
			      (long long)zip_get_num_entries(z, 0), p.lim->max_entries);
		goto out;
	}
	sb_init(&p.text, p.lim->max_string_bytes);
	p.wb = xcalloc(1, sizeof *p.wb);
	rc = check_names(&p, z);
	if (!rc)
		rc = read_parts(&p, z, kind);
out:
	if (z)
		zip_discard(z);
	zip_error_fini(&ze);
	for (size_t i = 0; i < p.n_strings; i++)
		free(p.strings[i]);
	free(p.strings);
	free(p.value);
	sb_free(&p.text);
	if (rc)
		workbook_free(p.wb);
	else
		*out = p.wb;
	return rc;
}
