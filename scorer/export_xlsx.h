/* export_xlsx.h — the exports as Excel workbooks, beside the CSVs: numbers
 * as number cells shown the Vietnamese way (decimal comma, the format
 * carrying the Vietnamese locale [$-42A], so Excel and Calc show "72,5"
 * whatever the machine's locale), commune codes as text (zeros kept),
 * Vietnamese headings, the heading row frozen with a filter, column widths. */
#ifndef DTI_EXPORT_XLSX_H
#define DTI_EXPORT_XLSX_H

#include <stdio.h>

#include "report.h"
#include "results.h"
#include "store_report.h"

/* Writes scores-YEAR.xlsx (every commune's scorecard: indicators, pillars,
 * total), and wide-YEAR.xlsx (its rank column is the ranking) into dir, each atomically,
 * listing their paths in paths (may be NULL).  r, totals and bands are the
 * caller's, as for export_results and publish_wide_csv; the scorecards are
 * read from st one commune's detail at a time (results_detail). */
dti_err export_xlsx(staging *st, results *r, const store_report_totals *totals,
		    const rating_bands *bands, const char *dir, FILE *paths, dti_diag *d);

#endif
