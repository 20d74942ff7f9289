/* report.h — the static HTML report in Vietnamese: a district page
 * (ranking, totals chart, heat map of pillars, coverage), one page per
 * commune (scorecard, pillar chart, "where the points are", the inputs with
 * source and fetch time), a data-quality page and, when an earlier year was
 * scored, a year-over-year page.  Plain HTML with inline SVG, no script;
 * everything from outside is escaped. */
#ifndef DTI_REPORT_H
#define DTI_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "history.h"
#include "results.h"
#include "store_status.h"

/* Rating bands (xếp loại) from the configuration: a total >= min gets the
 * label of the highest such band.  Sorted by min, descending. */
typedef struct rating_band {
	double min;
	char *label;
} rating_band;

typedef struct rating_bands {
	rating_band *items;
	size_t n;
} rating_bands;

/* Reads "rating_bands" of the configuration document `root` (absent or
 * empty: no bands).  Refuses (DTI_ECONFIG, naming the entry) a band without
 * a numeric "min" or a non-empty "label", or two bands with the same min.
 * Caller frees with report_bands_free. */
dti_err report_bands_load(json_t *root, rating_bands *out, dti_diag *d);
void report_bands_free(rating_bands *b);
/* The band of a total, or NULL when no band holds it (or none configured). */
const char *report_band(const rating_bands *b, double total);
/* The band of a commune: its total, or, when its maximum is below the
 * framework's (indicators that do not apply to its unit type), the same
 * share of the framework's total, since bands are written in the
 * framework's points. */
const char *report_commune_band(const rating_bands *b, const results *r, const res_commune *rc);
/* The communes' forms among the sources (store_source_states' n_forms, a
 * source each) in one paragraph, for the data-quality page and dti-web's
 * status page: nothing when there are none. */
void report_forms_line(strbuf *sb, const store_source_states *s, int year);

typedef struct report_input {
	const results *now;        /* with inputs */
	const results *prev;       /* an earlier year's run, or NULL */
	bool prev_official;        /* prev is that year's official result, not its latest run */
	const rating_bands *bands; /* may hold none */
	const char *title;         /* the run's area, e.g. "Huyện Văn Lâm, tỉnh Hưng Yên" */
	const char *exports[8];    /* file names in the folder above the report, NULL-ended */
	const store_source_states *sources; /* store_source_states_list; NULL: none */
	struct {
		int64_t run_id;                       /* the year's approved run; 0: none */
		const char *decision, *decision_date; /* its decision's number and date */
		const char *href; /* its report's index.html, relative to this report */
	} official;
	/* The communes' places (unit type, former districts: the ranking by
	 * group) and, with past, the earlier year read through it instead of
	 * prev (which is then NULL); NULL: neither.  Read per commune as each
	 * row or page is written (history.h). */
	history *history;
	bool past;
} report_input;

/* The report, from `in` alone (it reads nothing itself but through
 * in->history), into dir, commune by commune so that no more than one
 * commune's detail is held: report_pass_open (creating dir), then
 * report_pass_commune for each commune c of in->now in order, its detail
 * read (results_detail with inputs) for the call: commune-CODE.html; then
 * report_write_summary: data-quality.html, (with prev or past)
 * year-over-year.html, the rankings of each group (ranking-*.html,
 * report_area.c) and index.html, last, as the report's path; in->sources
 * is read only by the summary.  Each prints the paths it writes to paths
 * (may be NULL).  The caller closes the pass with report_pass_close
 * (NULL-safe), also on error. */
typedef struct report_pass report_pass;
dti_err report_pass_open(const report_input *in, const char *dir, report_pass **out, dti_diag *d);
dti_err report_pass_commune(report_pass *p, size_t c, FILE *paths, dti_diag *d);
dti_err report_write_summary(const report_input *in, report_pass *p, FILE *paths, dti_diag *d);
void report_pass_close(report_pass *p);

#endif
