/* xlsx.h — writing a workbook with libxlsxwriter, put in place whole: the
 * workbook is written to a temporary file beside its path and renamed over
 * it once closed, so a reader never sees half a workbook. */
#ifndef DTI_XLSX_H
#define DTI_XLSX_H

#include <stdbool.h>
#include <stdio.h>
#include <xlsxwriter.h>

#include "err.h"

typedef struct xlsx_out {
	lxw_workbook *wb; /* add sheets and formats to it */
	char *path, *tmp;
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

/* A 0-based column's width in characters for text of n UTF-8 characters,
 * between lo and hi. */
double xlsx_width(const char *text, double lo, double hi);

#endif
