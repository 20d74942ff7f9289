/* export_xlsx.h — the exports as Excel workbooks, beside the CSVs: numbers
 * as number cells shown the Vietnamese way (decimal comma, the format
 * carrying the Vietnamese locale [$-42A], so Excel and Calc show "72,5"
 * whatever the machine's locale), commune codes as text (zeros kept),
 * Vietnamese headings, the heading row frozen with a filter, column widths. */
#ifndef DTI_EXPORT_XLSX_H
#define DTI_EXPORT_XLSX_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"
#include "results.h"
#include "store_report.h"

/* scores-YEAR.xlsx (every commune's scorecard: indicators, pillars,
 * total) and wide-YEAR.xlsx (its rank column is the ranking), each put in
 * place atomically in dir and listed in paths (may be NULL), written from
 * the reads of the CSV export (export_options.each): export_xlsx_open
 * starts the scorecards of r (the caller's, as for export_results);
 * export_xlsx_commune, given as `each` with the handle as its context,
 * adds commune c's rows (its detail read), t its TOTAL row;
 * export_xlsx_close puts the scorecards in place and writes the wide
 * workbook (commit), or removes what was written, and frees the handle
 * (NULL: nothing to do). */
typedef struct xlsx_export xlsx_export;
dti_err export_xlsx_open(xlsx_export **out, const results *r, const char *dir, dti_diag *d);
dti_err export_xlsx_commune(void *x, size_t c, const store_report_total *t, dti_diag *d);
dti_err export_xlsx_close(xlsx_export *x, bool commit, const rating_bands *bands, const char *dir,
			  FILE *paths, dti_diag *d);

#endif
