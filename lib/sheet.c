#include "sheet.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "text.h"
#include "util.h"

enum { COL_IGNORE = -1, COL_COMMUNE = -2, COL_VARIABLE = -3, COL_VALUE = -4, COL_YEAR = -5,
       COL_PROOF = -6, COL_NOTE = -7 };

static int column_role(const char *h)
{
	static const struct {
		const char *name;
		int role;
	} roles[] = {
		{"commune_code", COL_COMMUNE}, {"code", COL_COMMUNE}, {"ma_xa", COL_COMMUNE},
		{"variable", COL_VARIABLE},    {"value", COL_VALUE},  {"year", COL_YEAR},
		{"proof_url", COL_PROOF},      {"note", COL_NOTE},    {"commune_name", COL_IGNORE},
		{"name", COL_IGNORE},          {"ten_xa", COL_IGNORE},
	};
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(h, roles[i].name) == 0)
			return roles[i].role;
	return 0;
}

/* Field i without the blanks around it: in buf when it fits, else in a
 * copy left in *heap for the caller to free. */
static const char *field_trimmed(const csv_reader *r, size_t i, char *buf, size_t cap,
				 char **heap)
{
	const char *s = csv_field(r, i);
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
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

/* "name:line:column (label)" for a value's messages, without printf: it
 * is written for every value of a sheet. */
static void sheet_where(char *out, size_t cap, const char *name, long line, long column,
			const char *label)
{
	char num[2][24];
	const char *parts[] = {name, ":", num[0], ":", num[1], " (", label, ")"};
	size_t n = 0;

	format_whole(num[0], line);
	format_whole(num[1], column);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0] && n + 1 < cap; i++) {
		size_t len = strlen(parts[i]);
		if (len > cap - 1 - n)
			len = cap - 1 - n;
		memcpy(out + n, parts[i], len);
		n += len;
	}
	out[n] = '\0';
}

dti_err sheet_read_csv(FILE *f, const char *name, sheet_format fmt, const framework *fw,
		       const commune_index *communes, int year, batch *b, dti_problems *p,
		       dti_diag *d)
{
	csv_reader *r = csv_open(f, name, 0);
	size_t ncols = 0, before = p->count;
	int *role = NULL;                     /* per column: a COL_ role, or 0 */
	const fw_variable **colvar = NULL;    /* wide: per column */
	char **header = NULL;
	long c_commune = -1, c_var = -1, c_value = -1, c_year = -1, c_proof = -1, c_note = -1;
	const commune_entry *last_ce = NULL;
	char last_code[32] = "";
	char dec;
	dti_err rc = DTI_EOK;
	int got;

	got = csv_next(r, d);
	if (got < 0) {
		rc = DTI_EPARSE;
		goto out;
	}
	if (got == 0) {
		problems_add(p, "%s: the file is empty", name);
		goto out;
	}
	dec = csv_delim(r) == ';' ? ',' : '.';
	ncols = csv_nfields(r);
	role = xcalloc(ncols, sizeof *role);
	colvar = xcalloc(ncols, sizeof *colvar);
	header = xcalloc(ncols, sizeof *header);
	for (size_t i = 0; i < ncols; i++) {
		char *h = text_trim(xstrdup(csv_field(r, i)));
		header[i] = h;
		role[i] = column_role(h);
		switch (role[i]) {
		case COL_COMMUNE: c_commune = (long)i; break;
		case COL_VARIABLE: c_var = (long)i; break;
		case COL_VALUE: c_value = (long)i; break;
		case COL_YEAR: c_year = (long)i; break;
		case COL_PROOF: c_proof = (long)i; break;
		case COL_NOTE: c_note = (long)i; break;
		default: break;
		}
	}
	if (c_commune < 0) {
		problems_add(p, "%s:1: no commune_code column in the header", name);
		goto out;
	}
	if (fmt == SHEET_AUTO)
		fmt = c_var >= 0 && c_value >= 0 ? SHEET_LONG : SHEET_WIDE;
	if (fmt == SHEET_LONG && (c_var < 0 || c_value < 0)) {
		problems_add(p, "%s:1: a long sheet needs commune_code, variable and value columns",
			     name);
		goto out;
	}
	if (fmt == SHEET_WIDE) {
		for (size_t i = 0; i < ncols; i++) {
			if (role[i] != 0)
				continue;
			colvar[i] = framework_variable(fw, header[i]);
			if (!colvar[i])
				problems_add(p, "%s:1:%zu: unknown variable '%s' in the header", name,
					     i + 1, header[i]);
		}
		if (p->count > before)
			goto out;
	}
	batch_reserve(b, file_size(f) / 24);
	while ((got = csv_next(r, d)) > 0) {
		long line = csv_line(r);
		const commune_entry *ce;
		int row_year = year;
		const char *code;
		char where[512];

		b->counts.read++;
		if (csv_nfields(r) != ncols) {
			problems_add(p, "%s:%ld: %zu fields, the header has %zu", name, line,
				     csv_nfields(r), ncols);
			b->counts.rejected++;
			continue;
		}
		code = csv_field(r, (size_t)c_commune);
		/* A sheet lists a commune's values together: one lookup per run
		 * of rows with the same code as written. */
		if (last_ce && strcmp(code, last_code) == 0) {
			ce = last_ce;
		} else {
			ce = communes->list ? commune_index_code(communes, code) : NULL;
			size_t len = strlen(code);
			last_ce = ce && len < sizeof last_code ? ce : NULL;
			if (last_ce)
				memcpy(last_code, code, len + 1);
		}
		if (!ce) {
			problems_add(p, "%s:%ld:%ld (commune_code): unknown commune '%s'", name, line,
				     c_commune + 1, code);
			b->counts.rejected++;
			continue;
		}
		if (c_year >= 0 && *csv_field(r, (size_t)c_year)) {
			int64_t y;
			if (!year_parse(csv_field(r, (size_t)c_year), &y)) {
				problems_add(p, "%s:%ld:%ld (year): '%s' is not a year", name, line,
					     c_year + 1, csv_field(r, (size_t)c_year));
				b->counts.rejected++;
				continue;
			}
			row_year = (int)y;
		}
		if (fmt == SHEET_LONG) {
			char vbuf[128], valbuf[256], lbuf[256], *vheap = NULL, *valheap = NULL,
								 *lheap = NULL;
			const char *vname = field_trimmed(r, (size_t)c_var, vbuf, sizeof vbuf, &vheap);
			const char *value =
				field_trimmed(r, (size_t)c_value, valbuf, sizeof valbuf, &valheap);
			const char *link = c_proof >= 0 ? field_trimmed(r, (size_t)c_proof, lbuf,
									sizeof lbuf, &lheap)
							: "";
			/* The note is kept as written, as on the form. */
			const char *note = c_note >= 0 ? csv_field(r, (size_t)c_note) : "";
			const fw_variable *v = framework_variable(fw, vname);
			char why[TEXT_WHY];
			bool clean = true;
			if (*link && !text_link_ok(link, why)) {
				problems_add(p, "%s:%ld:%ld (proof_url): the proof link %s", name, line,
					     c_proof + 1, why);
				clean = false;
			}
			if (!text_note_ok(note, why)) {
				problems_add(p, "%s:%ld:%ld (note): the note %s", name, line, c_note + 1,
					     why);
				clean = false;
			}
			if (!clean) {
				b->counts.rejected++;
			} else if (!v) {
				problems_add(p, "%s:%ld:%ld (variable): unknown variable '%s'", name,
					     line, c_var + 1, vname);
				b->counts.rejected++;
			} else if (!*value) {
				b->counts.skipped++;
			} else {
				sheet_where(where, sizeof where, name, line, c_value + 1, "value");
				if (!batch_add(b, v, ce->code, row_year, value, dec, link, note, where,
					       p))
					b->counts.rejected++;
			}
			free(vheap);
			free(valheap);
			free(lheap);
			continue;
		}
		for (size_t i = 0; i < ncols; i++) {
			char valbuf[256], *valheap = NULL;
			const char *value;
			if (!colvar[i])
				continue;
			value = field_trimmed(r, i, valbuf, sizeof valbuf, &valheap);
			if (!*value) {
				b->counts.skipped++;
			} else {
				sheet_where(where, sizeof where, name, line, (long)i + 1, header[i]);
				if (!batch_add(b, colvar[i], ce->code, row_year, value, dec, NULL, NULL,
					       where, p))
					b->counts.rejected++;
			}
			free(valheap);
		}
	}
	if (got < 0)
		rc = DTI_EPARSE;
out:
	for (size_t i = 0; header && i < ncols; i++)
		free(header[i]);
	free(header);
	free(role);
	free(colvar);
	csv_close(r);
	if (!rc && p->count > before)
		rc = DTI_EINVALID;
	return rc;
}
