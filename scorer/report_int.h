/* report_int.h — what the report's files share (report.c, report_area.c):
 * the page frame, numbers the Vietnamese way, and the pages of a
 * province's groups and of the earlier year across the reorganisation.
 * Not for other modules: they use report.h. */
#ifndef DTI_REPORT_INT_H
#define DTI_REPORT_INT_H

#include "report.h"
#include "util.h"

/* report.c */
void report_page_start(strbuf *sb, const report_input *in, const char *heading);
void report_page_end(strbuf *sb, const report_input *in);
const char *report_num(char b[64], double v);
void report_change_cell(strbuf *sb, double delta);
/* A ranking cell: the total, and when the communes' maxima differ (a
 * framework with "applies_to") its maximum and the share ranked by. */
void report_total_cell(strbuf *sb, const results *r, const res_commune *rc);
/* "Năm …: so với kết quả chính thức" of in->prev. */
void report_prev_basis(strbuf *sb, const report_input *in);
/* A page written to its file as it goes (the index, a group's ranking), so
 * that a national page is not held whole: report_page_open empties sb for
 * the page's text; report_page_flush, after a row, writes it out once it
 * is past 1 MB (the first error kept); report_page_close writes the rest
 * and puts the file in place, or removes it when rc or a write failed,
 * and returns the first error. */
typedef struct report_page {
	strbuf *sb;
	output_file f;
	dti_err rc;
	dti_diag *d;
} report_page;
dti_err report_page_open(report_page *po, const char *dir, const char *name, strbuf *sb,
			 dti_diag *d);
void report_page_flush(report_page *po);
dti_err report_page_close(report_page *po, dti_err rc, FILE *paths);

/* report_area.c */
/* The ranking of the index: links to each group's ranking (when the run
 * has more than one unit type or former district), then every commune
 * with its type and former districts, its change from the year before
 * (in->prev or, with in->past, the comparison figure). */
/* Into page po, row by row. */
dti_err report_ranking(report_page *po, const report_input *in);
/* ranking-TYPE.html and ranking-huyen-CODE.html, one per group. */
dti_err report_write_groups(const report_input *in, const char *dir, FILE *paths, dti_diag *d);
/* year-over-year.html with in->past: each commune's comparison figure
 * and its predecessors' official results. */
dti_err report_past_page(strbuf *sb, const report_input *in, dti_diag *d);
/* The commune page's parts with in->past, from its comparison
 * (history_compare): its change in the summary line, and its section on
 * its predecessors. */
void report_past_summary(strbuf *sb, const report_input *in, const res_commune *rc,
			 const history_cmp *cmp);
void report_past_section(strbuf *sb, const report_input *in, const history_cmp *cmp);
/* What the run's units are called: "xã, phường, đặc khu" on the list after
 * 1 July 2025, else "xã, thị trấn"; capitalised for a heading. */
const char *report_units_words(const report_input *in, bool heading);

#endif
