/* export.h — a scoring run's results as files for spreadsheets and other
 * systems. */
#ifndef DTI_EXPORT_H
#define DTI_EXPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "results.h"
#include "score.h"
#include "store_report.h"

typedef struct export_options {
	const char *out_dir;
	bool bom; /* start CSV files with a UTF-8 BOM (Excel) */
	/* Also the same files with a BOM (Excel) into this folder, each
	 * commune read once for both; NULL: none. */
	const char *bom_dir;
	/* Called for each commune after its rows, its detail read (results
	 * index c, its TOTAL row t), so that other files are written from the
	 * same read; an error stops the export.  NULL: none. */
	dti_err (*each)(void *ctx, size_t c, const store_report_total *t, dti_diag *d);
	void *each_ctx;
} export_options;

/* Writes scores-<year>.csv (one row per commune × indicator, pillar and
 * TOTAL) and ranking-<year>.csv into out_dir, atomically.  Prints each
 * path written to `paths` (may be NULL).  Reads the run's score sets
 * once: the scores file is written as they are read, with the results
 * and TOTAL rows the ranking is written from (results_load_each).  o->each
 * is export_results' only. */
dti_err export_run(staging *st, const scoring_run_info *run, const export_options *o, FILE *paths,
		   dti_diag *d);

/* The same from a run already read: r (results_load, inputs not needed;
 * each commune's detail is read in turn, results_detail, and dropped) and
 * totals (results_load_totals of the same run), both the caller's. */
dti_err export_results(staging *st, results *r, const store_report_totals *totals,
		       const export_options *o, FILE *paths, dti_diag *d);

/* Appends a text CSV field and its separator (a newline when last):
 * quoted when needed, guarded against formulas (sb_csv_field). */
struct strbuf;
void csv_put(struct strbuf *sb, const char *field, bool last);
/* Appends a number as format_number writes it, never guarded ("-3.5"). */
void csv_put_number(struct strbuf *sb, double v, bool last);

#endif
