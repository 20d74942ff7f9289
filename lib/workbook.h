/* workbook.h — the first sheet of a spreadsheet a person sends back
 * (.xlsx from Excel or Calc, .ods from Calc), read into a grid of cells,
 * and what kind of file a submitted form is, told by its content.
 *
 * The reader is bounded for hostile files: the archive's entry count, each
 * entry's and the total uncompressed size (counted as it is inflated, not
 * taken from the headers), the shared strings' count and length, rows,
 * columns, cell length and the text of all cells together are capped; the XML parser (expat) refuses any
 * document type declaration, so no entity is ever defined or expanded and
 * nothing external is read.  Messages are in Vietnamese: they reach the
 * commune officer who sent the file. */
#ifndef DTI_WORKBOOK_H
#define DTI_WORKBOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "util.h"

/* What a file is, by its first bytes (and, for a zip, its entries). */
typedef enum {
	FILE_KIND_TEXT,  /* no NUL byte in its first kB: a CSV candidate (maybe not UTF-8) */
	FILE_KIND_XLSX,  /* Office Open XML workbook */
	FILE_KIND_ODS,   /* OpenDocument spreadsheet */
	FILE_KIND_XLS,   /* an old binary Excel (or Word) file, OLE2 */
	FILE_KIND_OTHER, /* any other binary: PDF, image, a zip of something else */
} file_kind;

/* The kind of bytes[0..len). */
file_kind file_kind_of(const void *bytes, size_t len);
/* Its name for messages: "CSV", "Excel (.xlsx)", … */
const char *file_kind_name(file_kind k);

/* Caps; workbook_limits_default holds the ones dti uses. */
typedef struct workbook_limits {
	size_t max_entries;      /* files in the archive */
	size_t max_entry_bytes;  /* one entry, uncompressed */
	size_t max_total_bytes;  /* every entry read, uncompressed */
	size_t max_strings;      /* shared strings (.xlsx) */
	size_t max_string_bytes; /* one string or cell */
	size_t max_rows, max_cols;
	size_t max_grid_bytes; /* the text of every cell together (a shared string
				* or a repeated cell counts once per cell) */
} workbook_limits;

extern const workbook_limits workbook_limits_default;

typedef enum {
	WB_EMPTY,
	WB_TEXT,
	WB_NUMBER,
	WB_BOOL,
	WB_ERROR,   /* "#N/A", "#DIV/0!"… */
	WB_FORMULA, /* a formula; text is its cached value */
} wb_type;

/* One cell: its text (owned, NUL-terminated, "" when empty) and type. */
typedef struct wb_cell {
	char *text;
	wb_type type;
} wb_cell;

typedef struct wb_row {
	wb_cell *cells;
	size_t n;
} wb_row;

/* The first sheet.  rows[i] is row i + 1 of the sheet; callers may read
 * every field.  Numbers are written as "%.15g" would (5, 72.5); a boolean
 * is "Có" or "Không". */
typedef struct workbook {
	wb_row *rows;
	size_t n_rows;
} workbook;

/* Reads the first sheet of an .xlsx or .ods held in bytes[0..len) into
 * *out (name for messages).  On error *out is NULL, d says why in
 * Vietnamese, and the result is DTI_ELIMIT for a cap exceeded, DTI_EPARSE
 * for a file that is not a readable workbook.  Caller frees with
 * workbook_free.  lim may be NULL (the defaults). */
dti_err workbook_read(const void *bytes, size_t len, const char *name, const workbook_limits *lim,
		      workbook **out, dti_diag *d);
void workbook_free(workbook *wb);

/* The cell at 1-based row and column, or NULL when beyond the sheet. */
const wb_cell *workbook_cell(const workbook *wb, size_t row, size_t col);

/* The sheet from row `first` on as CSV (comma, CRLF, fields quoted as
 * needed, never guarded: a cell's text is the value), for the readers of
 * CSV: a row per record, an empty row as an empty line, so that a record
 * starts on the line of its row unless a cell above holds a line break;
 * row_of[LINE] says the row of each line (1 to lines).  Flags:
 * WB_CSV_NO_FORMULAS writes a formula's cell empty; WB_CSV_PAD gives each
 * non-empty row as many fields as row `first` (a header) has.
 * DTI_ELIMIT past max bytes.  The caller frees with workbook_csv_free
 * whatever the return. */
#define WB_CSV_NO_FORMULAS 1u
#define WB_CSV_PAD 2u
typedef struct workbook_csv {
	strbuf sb;
	size_t *row_of;
	size_t lines;
} workbook_csv;

dti_err workbook_to_csv(const workbook *wb, size_t first, size_t max, unsigned flags,
			workbook_csv *out);
void workbook_csv_free(workbook_csv *c);
/* Rewrites the problems of p from index `from` on that start "name:LINE"
 * (a line of c) to "name:ROW", the sheet's row as the person sees it. */
void workbook_csv_problems(const workbook_csv *c, dti_problems *p, size_t from, const char *name);

/* "A", "B", … "AA" for a 1-based column. */
void workbook_column_name(size_t col, char out[8]);

#endif
