#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "text.h"
#include "util.h"

struct table {
	FILE *out;
	size_t ncols;
	bool aligned;
	char **cells; /* aligned: rows × ncols, row after row */
	size_t rows, cap;
	size_t *width; /* aligned: the widest cell of each column */
};

table *table_open_as(FILE *out, size_t ncols, bool aligned)
{
	table *t = xcalloc(1, sizeof *t);

	t->out = out;
	t->ncols = ncols;
	t->aligned = aligned;
	t->width = xcalloc(ncols, sizeof *t->width);
	return t;
}

table *table_open(FILE *out, size_t ncols)
{
	return table_open_as(out, ncols, isatty(fileno(out)) == 1);
}

/* The cell as shown: one line, nothing a terminal would act on. */
static char *cell_text(const char *s)
{
	char *c = xstrdup(s ? s : "");

	for (char *p = c; *p; p++)
		if (*p == '\t' || *p == '\n' || *p == '\r')
			*p = ' ';
	return text_printable(c);
}

/* Columns the text takes on a terminal (valid UTF-8, as cell_text leaves
 * it); wide characters count two, combining marks none. */
static size_t display_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t w = 0;

	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
		int cw;
		if (n <= 0) {
			p++, w++;
			continue;
		}
		cw = utf8proc_charwidth(cp);
		w += cw > 0 ? (size_t)cw : 0;
		p += n;
	}
	return w;
}

void table_row(table *t, const char *const *cells)
{
	if (!t->aligned) {
		for (size_t i = 0; i < t->ncols; i++) {
			char *c = cell_text(cells[i]);
			fputs(c, t->out);
			fputc(i + 1 < t->ncols ? '\t' : '\n', t->out);
			free(c);
		}
		return;
	}
	if (t->rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof *t->cells);
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *c = cell_text(cells[i]);
		size_t w = display_width(c);
		t->cells[t->rows * t->ncols + i] = c;
		if (w > t->width[i])
			t->width[i] = w;
	}
	t->rows++;
}

void table_rowv(table *t, ...)
{
	const char **cells = xcalloc(t->ncols, sizeof *cells);
	va_list ap;

	va_start(ap, t);
	for (size_t i = 0; i < t->ncols; i++)
		cells[i] = va_arg(ap, const char *);
	va_end(ap);
	table_row(t, cells);
	free(cells);
}

void table_close(table *t)
{
	if (!t)
		return;
	for (size_t r = 0; r < t->rows; r++) {
		size_t last = t->ncols;
		while (last > 1 && !*t->cells[r * t->ncols + last - 1])
			last--; /* no spaces after the last text of a row */
		for (size_t i = 0; i < last; i++) {
			const char *c = t->cells[r * t->ncols + i];
			fputs(c, t->out);
			if (i + 1 < last)
				fprintf(t->out, "%*s", (int)(t->width[i] - display_width(c) + 2),
					"");
		}
		fputc('\n', t->out);
	}
	for (size_t k = 0; k < t->rows * t->ncols; k++)
		free(t->cells[k]);
	free(t->cells);
	free(t->width);
	free(t);
}
