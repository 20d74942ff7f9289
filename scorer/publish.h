/* publish.h — a scoring run published for people and other systems: into
 * OUT/YEAR/ (the year's official result: OUT/official-YEAR/, which
 * publishing OUT/YEAR never touches) the long and wide CSV files (UTF-8, and with a BOM for Excel
 * in OUT/YEAR/excel/), a JSON file with the framework edition, and the
 * HTML report in OUT/YEAR/report/. */
#ifndef DTI_PUBLISH_H
#define DTI_PUBLISH_H

#include <stdio.h>

#include "report.h"
#include "score.h"

typedef struct publish_options {
	const char *out_dir;       /* the configuration's output_dir */
	const char *title;         /* today's configured name: the title of a run stored
				    * without its own (scoring_run.area_name) */
	const rating_bands *bands; /* may hold none */
	bool official;             /* the run is the year's official result: into
				    * OUT/official-YEAR/ (refused for another run) */
	history *history;          /* places and the configured earlier year
				    * (history_open); NULL: none */
} publish_options;

/* Writes every file for `run`, and the year-over-year comparison when an
 * earlier year has a finished scoring run (its official result where it
 * has one), in this database or, when o->history names a later one than
 * this database has, in the configured earlier database (its official
 * result only, through the conversion table).  Prints each path written to
 * paths (may be NULL), the report's index.html last.  On success
 * *report_index (may be NULL) receives that path, malloc'd for the caller.
 * Whole or nothing: everything is written into a new folder beside
 * OUT/YEAR that then replaces it (dir_replace); on error OUT/YEAR is as
 * it was, nothing is printed and d names the file. */
dti_err publish_run(staging *st, const scoring_run_info *run, const publish_options *o, FILE *paths,
		    char **report_index, dti_diag *d);

#endif
