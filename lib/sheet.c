#include "sheet.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csv_header.h"
#include "text.h"
#include "util.h"
#include "workbook.h"

enum {
	COL_IGNORE = -1,
	COL_COMMUNE = -2,
	COL_VARIABLE = -3,
	COL_VALUE = -4,
	COL_YEAR = -5,
	COL_PROOF = -6,
	COL_NOTE = -7
};

/* The columns by name: the English words, and the Vietnamese headings the
 * templates carry (sheet_template.h), as an office's staff reads them. */
static const csv_header_name column_names[] = {
	{"commune_code", COL_COMMUNE},
	{"code", COL_COMMUNE},
	{"ma_xa", COL_COMMUNE},
	{SHEET_HEAD_CODE, COL_COMMUNE},
	{"variable", COL_VARIABLE},
	{SHEET_HEAD_VARIABLE, COL_VARIABLE},
	{"value", COL_VALUE},
	{SHEET_HEAD_VALUE, COL_VALUE},
	{"year", COL_YEAR},
	{SHEET_HEAD_YEAR, COL_YEAR},
	{"proof_url", COL_PROOF},
	{SHEET_HEAD_PROOF, COL_PROOF},
	{"note", COL_NOTE},
	{SHEET_HEAD_NOTE, COL_NOTE},
	{"commune_name", COL_IGNORE},
	{"name", COL_IGNORE},
	{"ten_xa", COL_IGNORE},
	{SHEET_HEAD_NAME, COL_IGNORE},
};

void sheet_heading(const framework *fw, const fw_variable *v, strbuf *out)
{
	bool shared = false;

	for (size_t i = 0; i < fw->n_variables && !shared; i++)
		shared = &fw->variables[i] != v && strcmp(fw->variables[i].label, v->label) == 0;
	if (!*v->label) {
		sb_appends(out, v->name);
		return;
	}
	sb_appends(out, v->label);
	if (v->unit && *v->unit)
		sb_appendf(out, " (%s)", v->unit);
	if (shared)
		sb_appendf(out, " [%s]", v->name);
}

const fw_variable *sheet_heading_variable(const framework *fw, const char *heading)
{
	const fw_variable *v = framework_variable(fw, heading);
	strbuf sb;

	sb_init(&sb, 0);
	for (size_t i = 0; !v && i < fw->n_variables; i++) {
		sb_reset(&sb);
		sheet_heading(fw, &fw->variables[i], &sb);
		if (sb.data && strcmp(sb.data, heading) == 0)
			v = &fw->variables[i];
	}
	sb_free(&sb);
	return v;
}

/* Field i without the blanks around it: in buf when it fits, else in a
 * copy left in *heap for the caller to free. */
static const char *field_trimmed(const csv_reader *r, size_t i, char *buf, size_t cap, char **heap)
{
	const char *s = csv_field(r, i);
	size_t n = csv_field_len(r, i);

	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n < cap) {
		memcpy(buf, s, n);
		buf[n] = '\0';
		return buf;
	}
	*heap = xstrndup(s, n);
	return *heap;
}

/* The place of a column's values in their messages: the sheet's name,
 * then (after the line) ":column (label)".  Made once a column. */
static uint32_t column_place(batch *b, const char *name, long column, const char *label)
{
	char *tail = xasprintf(":%ld (%s)", column, label);
	uint32_t place;

	/* Cut where a message's text would be (BATCH_WHERE). */
	if (strlen(tail) >= BATCH_WHERE)
		tail[BATCH_WHERE - 1] = '\0';
	place = batch_new_place(b, name, tail);
	free(tail);
	return place;
}

/* One sheet being read: its header, its columns and where rows go. */
typedef struct sheet_reader {
	const char *name;
	csv_reader *r;
	csv_header h;
	const fw_variable **colvar; /* wide: per column */
	long c_commune, c_var, c_value, c_year, c_proof, c_note;
	const framework *fw;
	const commune_index *communes;
	int year;
	batch *b;
	dti_problems *p;
	const commune_entry *last_ce;
	char last_code[32];
	uint32_t value_place;         /* column_place of a long sheet's value column */
	uint32_t *col_place;          /* wide: column_place + 1 per column, made on first use */
	const fw_variable *last_var;  /* long: the last row's variable, or NULL */
	const fw_variable **next_var; /* long: per variable, the one the row after it had */
} sheet_reader;

/* The columns of the header and the format they make; false (with a
 * problem) when the header does not make a sheet. */
static bool sheet_columns(sheet_reader *sr, sheet_format *fmt)
{
	size_t before = sr->p->count;

	sr->c_commune = csv_header_column(&sr->h, COL_COMMUNE);
	sr->c_var = csv_header_column(&sr->h, COL_VARIABLE);
	sr->c_value = csv_header_column(&sr->h, COL_VALUE);
	sr->c_year = csv_header_column(&sr->h, COL_YEAR);
	sr->c_proof = csv_header_column(&sr->h, COL_PROOF);
	sr->c_note = csv_header_column(&sr->h, COL_NOTE);
	sr->colvar = xcalloc(sr->h.n ? sr->h.n : 1, sizeof *sr->colvar);
	if (sr->c_commune < 0) {
		problems_add(sr->p, "%s:1: no commune_code column in the header", sr->name);
		return false;
	}
	if (*fmt == SHEET_AUTO)
		*fmt = sr->c_var >= 0 && sr->c_value >= 0 ? SHEET_LONG : SHEET_WIDE;
	if (*fmt == SHEET_LONG && (sr->c_var < 0 || sr->c_value < 0)) {
		problems_add(sr->p,
			     "%s:1: a long sheet needs commune_code, variable and value columns",
			     sr->name);
		return false;
	}
	if (*fmt == SHEET_WIDE)
		for (size_t i = 0; i < sr->h.n; i++) {
			if (sr->h.role[i] != 0)
				continue;
			sr->colvar[i] = sheet_heading_variable(sr->fw, sr->h.names[i]);
			if (!sr->colvar[i])
				problems_add(sr->p, "%s:1:%zu: unknown variable '%s' in the header",
					     sr->name, i + 1, sr->h.names[i]);
		}
	return sr->p->count == before;
}

/* The commune of the current row, or NULL (with a problem).  A sheet lists
 * a commune's values together: one lookup per run of rows with the same
 * code as written. */
static const commune_entry *row_commune(sheet_reader *sr, long line)
{
	const char *code = csv_field(sr->r, (size_t)sr->c_commune);
	const commune_entry *ce;
	size_t len;

	if (sr->last_ce && strcmp(code, sr->last_code) == 0)
		return sr->last_ce;
	ce = sr->communes->list ? commune_index_code(sr->communes, code) : NULL;
	len = strlen(code);
	sr->last_ce = ce && len < sizeof sr->last_code ? ce : NULL;
	if (sr->last_ce)
		memcpy(sr->last_code, code, len + 1);
	if (!ce)
		problems_add(sr->p, "%s:%ld:%ld (commune_code): unknown commune '%s'", sr->name,
			     line, sr->c_commune + 1, code);
	return ce;
}

/* The year of the current row into *year (the round's when the row gives
 * none); false (with a problem) when it is not a year. */
static bool row_year(sheet_reader *sr, long line, int *year)
{
	const char *text = sr->c_year >= 0 ? csv_field(sr->r, (size_t)sr->c_year) : "";
	int64_t y;

	*year = sr->year;
	if (!*text)
		return true;
	if (!year_parse(text, &y)) {
		problems_add(sr->p, "%s:%ld:%ld (year): '%s' is not a year", sr->name, line,
			     sr->c_year + 1, text);
		return false;
	}
	*year = (int)y;
	return true;
}

/* The variable named vname, or NULL.  A sheet lists each commune's
 * variables in the same order: the one that came after the last row's
 * variable the time before is tried first, by one comparison, before the
 * framework's index. */
static const fw_variable *row_variable(sheet_reader *sr, const char *vname)
{
	const fw_variable **after =
		sr->last_var ? &sr->next_var[sr->last_var - sr->fw->variables] : NULL;
	const fw_variable *v = after && *after && strcmp((*after)->name, vname) == 0
				       ? *after
				       : framework_variable(sr->fw, vname);

	if (after && v)
		*after = v;
	sr->last_var = v;
	return v;
}

/* A long row: one value with its variable, proof link and note. */
static void long_row(sheet_reader *sr, long line, const commune_entry *ce, int year)
{
	csv_reader *r = sr->r;
	char vbuf[128], valbuf[256], lbuf[256], *vheap = NULL, *valheap = NULL, *lheap = NULL;
	const char *vname = field_trimmed(r, (size_t)sr->c_var, vbuf, sizeof vbuf, &vheap);
	const char *value = field_trimmed(r, (size_t)sr->c_value, valbuf, sizeof valbuf, &valheap);
	const char *link =
		sr->c_proof >= 0 ? field_trimmed(r, (size_t)sr->c_proof, lbuf, sizeof lbuf, &lheap)
				 : "";
	/* The note is kept as written, as on the form. */
	const char *note = sr->c_note >= 0 ? csv_field(r, (size_t)sr->c_note) : "";
	const fw_variable *v = row_variable(sr, vname);
	char why[TEXT_WHY];
	bool clean = true;

	if (*link && !text_link_ok(link, why)) {
		problems_add(sr->p, "%s:%ld:%ld (proof_url): the proof link %s", sr->name, line,
			     sr->c_proof + 1, why);
		clean = false;
	}
	if (!text_note_ok(note, why)) {
		problems_add(sr->p, "%s:%ld:%ld (note): the note %s", sr->name, line,
			     sr->c_note + 1, why);
		clean = false;
	}
	if (!clean) {
		sr->b->counts.rejected++;
	} else if (!v) {
		problems_add(sr->p, "%s:%ld:%ld (variable): unknown variable '%s'", sr->name, line,
			     sr->c_var + 1, vname);
		sr->b->counts.rejected++;
	} else if (!*value) {
		sr->b->counts.skipped++;
	} else {
		if (!batch_add_at(sr->b, v, ce->code, year, value, sr->h.dec, link, note,
				  sr->value_place, line, sr->p))
			sr->b->counts.rejected++;
	}
	free(vheap);
	free(valheap);
	free(lheap);
}

/* A wide row: one value per variable column. */
static void wide_row(sheet_reader *sr, long line, const commune_entry *ce, int year)
{
	for (size_t i = 0; i < sr->h.n; i++) {
		char valbuf[256], *valheap = NULL;
		const char *value;
		if (!sr->colvar[i])
			continue;
		value = field_trimmed(sr->r, i, valbuf, sizeof valbuf, &valheap);
		if (!*value) {
			sr->b->counts.skipped++;
		} else {
			if (!sr->col_place[i])
				sr->col_place[i] = 1 + column_place(sr->b, sr->name, (long)i + 1,
								    sr->h.names[i]);
			if (!batch_add_at(sr->b, sr->colvar[i], ce->code, year, value, sr->h.dec,
					  NULL, NULL, sr->col_place[i] - 1, line, sr->p))
				sr->b->counts.rejected++;
		}
		free(valheap);
	}
}

/* Reads every row after the header: 1 at the end, -1 on malformed CSV. */
static int sheet_rows(sheet_reader *sr, sheet_format fmt, dti_diag *d)
{
	int got;

	while ((got = csv_next(sr->r, d)) > 0) {
		long line = csv_line(sr->r);
		const commune_entry *ce;
		int row_y;

		sr->b->counts.read++;
		if (csv_nfields(sr->r) != sr->h.n) {
			problems_add(sr->p, "%s:%ld: %zu fields, the header has %zu", sr->name,
				     line, csv_nfields(sr->r), sr->h.n);
			sr->b->counts.rejected++;
			continue;
		}
		ce = row_commune(sr, line);
		if (!ce || !row_year(sr, line, &row_y)) {
			sr->b->counts.rejected++;
			continue;
		}
		if (fmt == SHEET_LONG)
			long_row(sr, line, ce, row_y);
		else
			wide_row(sr, line, ce, row_y);
	}
	return got < 0 ? -1 : 1;
}

static dti_err sheet_read_text(FILE *f, const char *name, sheet_format fmt, const framework *fw,
			       const commune_index *communes, int year, batch *b, dti_problems *p,
			       dti_diag *d)
{
	sheet_reader sr;
	size_t before = p->count;
	dti_err rc = DTI_EOK;
	int got;

	memset(&sr, 0, sizeof sr);
	sr.name = name;
	sr.r = csv_open(f, name, 0);
	sr.fw = fw;
	sr.communes = communes;
	sr.year = year;
	sr.b = b;
	sr.p = p;
	got = csv_header_read(sr.r, name, column_names,
			      sizeof column_names / sizeof column_names[0], 0, &sr.h, p, d);
	if (got < 0)
		rc = DTI_EPARSE;
	if (got <= 0 || !sheet_columns(&sr, &fmt))
		goto out;
	sr.value_place = column_place(b, name, sr.c_value + 1, "value");
	sr.col_place = xcalloc(sr.h.n ? sr.h.n : 1, sizeof *sr.col_place);
	sr.next_var = xcalloc(fw->n_variables ? fw->n_variables : 1, sizeof *sr.next_var);
	batch_reserve(b, file_size(f) / 24);
	if (sheet_rows(&sr, fmt, d) < 0)
		rc = DTI_EPARSE;
out:
	csv_header_free(&sr.h);
	free(sr.colvar);
	free(sr.col_place);
	free(sr.next_var);
	csv_close(sr.r);
	if (!rc && p->count > before)
		rc = DTI_EINVALID;
	return rc;
}

/* A workbook (.xlsx, .ods) read through its cells as the CSV they make,
 * the problems naming the sheet's rows. */
static dti_err sheet_read_book(FILE *f, const char *name, sheet_format fmt, const framework *fw,
			       const commune_index *communes, int year, batch *b, dti_problems *p,
			       dti_diag *d)
{
	char *bytes = xmalloc(SHEET_MAX_BOOK + 1);
	size_t len = fread(bytes, 1, SHEET_MAX_BOOK + 1, f), before = p->count;
	workbook *wb = NULL;
	workbook_csv c = {{0}, NULL, 0};
	FILE *csv = NULL;
	dti_err rc;

	if (len > SHEET_MAX_BOOK)
		rc = diag_set(d, DTI_ELIMIT, "%s: bảng tính lớn hơn %u MB", name,
			      SHEET_MAX_BOOK >> 20);
	else
		rc = workbook_read(bytes, len, name, NULL, &wb, d);
	if (!rc)
		rc = workbook_to_csv(wb, 1, 4 * (size_t)SHEET_MAX_BOOK, WB_CSV_PAD, &c);
	if (!rc) {
		csv = fmemopen(c.sb.data ? c.sb.data : (char *)"", c.sb.len ? c.sb.len : 1, "rb");
		if (!csv)
			rc = diag_set(d, DTI_ENOMEM, "%s: cannot read from memory", name);
	}
	if (!rc) {
		rc = sheet_read_text(csv, name, fmt, fw, communes, year, b, p, d);
		workbook_csv_problems(&c, p, before, name);
	} else if (rc == DTI_ELIMIT) {
		rc = DTI_EPARSE; /* said in d, like a malformed CSV */
	}
	if (csv)
		fclose(csv);
	workbook_csv_free(&c);
	workbook_free(wb);
	free(bytes);
	return rc;
}

dti_err sheet_read_csv(FILE *f, const char *name, sheet_format fmt, const framework *fw,
		       const commune_index *communes, int year, batch *b, dti_problems *p,
		       dti_diag *d)
{
	char magic[4];
	size_t n;

	/* A zip is a workbook, told by its first bytes (never by its name);
	 * a pipe, which cannot be read twice, is CSV. */
	if (fseek(f, 0, SEEK_SET) != 0)
		return sheet_read_text(f, name, fmt, fw, communes, year, b, p, d);
	n = fread(magic, 1, sizeof magic, f);
	if (fseek(f, 0, SEEK_SET) != 0)
		return diag_set(d, DTI_EIO, "%s: cannot read the file twice", name);
	if (n == 4 && memcmp(magic, "PK\x03\x04", 4) == 0)
		return sheet_read_book(f, name, fmt, fw, communes, year, b, p, d);
	return sheet_read_text(f, name, fmt, fw, communes, year, b, p, d);
}
