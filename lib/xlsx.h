/* xlsx.h — writing a workbook with libxlsxwriter, put in place whole: the
 * workbook is written to a temporary file beside its path and renamed over
 * it once closed, so a reader never sees half a workbook. */
#ifndef DTI_XLSX_H
#define DTI_XLSX_H

#include <stdbool.h>
#include <stdio.h>
#include <xlsxwriter.h>

#include "err.h"

typedef struct xlsx_rows xlsx_rows;

typedef struct xlsx_out {
	lxw_workbook *wb; /* add sheets and formats to it */
	char *path, *tmp;
	xlsx_rows *rows; /* xlsx_rows_begin; NULL before */
} xlsx_out;

/* Starts a workbook for path; streaming writes each row as it is done
 * (rows in order, strings inline: memory stays flat for a national
 * export).  On error nothing is left to free. */
dti_err xlsx_open(xlsx_out *x, const char *path, bool streaming, dti_diag *d);
/* Closes the workbook and renames it to its path (listed in paths when not
 * NULL).  Frees x whatever happens; on error the temporary file is gone. */
dti_err xlsx_commit(xlsx_out *x, FILE *paths, dti_diag *d);
/* Drops a workbook being written. */
void xlsx_abort(xlsx_out *x);

/* The rows of a streaming workbook's one worksheet ws below those written
 * through libxlsxwriter (its headings) are written from here on by
 * xlsx_number and xlsx_string: the cells' XML the bytes libxlsxwriter's
 * constant-memory writer gives them, without its temporary file and
 * printf per cell, deflated as they come at a faster level than
 * libxlsxwriter's (the workbook's other parts are libxlsxwriter's
 * compressed bytes).  Rows in increasing order, below every row written
 * through libxlsxwriter; a row's cells by increasing column.  The rows'
 * compressed stream goes to a temporary file beside the workbook until
 * xlsx_commit. */
dti_err xlsx_rows_begin(xlsx_out *x, lxw_worksheet *ws, dti_diag *d);
/* As worksheet_write_number(ws, row, col, v, f) would write it. */
void xlsx_number(xlsx_out *x, lxw_row_t row, lxw_col_t col, double v, lxw_format *f);
/* As worksheet_write_string(ws, row, col, s, f) would write it (an empty
 * string: a blank cell with f, nothing without). */
void xlsx_string(xlsx_out *x, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f);

/* A 0-based column's width in characters for text of n UTF-8 characters,
 * between lo and hi. */
double xlsx_width(const char *text, double lo, double hi);

#endif
