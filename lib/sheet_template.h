/* sheet_template.h — the sheets the district (now province) offices fill:
 * one per office, made from the framework like the commune forms.  An
 * office's variables are those of source "district_sheet" used by an
 * indicator whose verifying units (the framework's "verifiers") name the
 * office; the statistics office also gets every such variable no office
 * is named for (the base counts: population, households, …).
 *
 * A template is a wide sheet: "Mã xã", "Tên xã", "Năm", then a column per
 * variable headed by sheet_heading (sheet.h), which `dti import` reads
 * back; one row per commune assessed.  As CSV (UTF-8 with BOM) or .xlsx
 * (codes as text, value cells checked as whole or non-negative numbers or
 * a drop-down list, the rest locked without a password, a sheet
 * "Hướng dẫn" saying what each column is). */
#ifndef DTI_SHEET_TEMPLATE_H
#define DTI_SHEET_TEMPLATE_H

#include "err.h"
#include "framework.h"
#include "units.h"
#include "util.h"

typedef struct sheet_office {
	const char *key;     /* in file names and --office: "thong-ke" */
	const char *title;   /* "Chi cục Thống kê" */
	const char *keyword; /* found in an indicator's verifiers */
	bool rest;           /* also every variable no office is named for */
} sheet_office;

/* The offices, n of them (static). */
const sheet_office *sheet_offices(size_t *n);
const sheet_office *sheet_office_find(const char *key);

/* The variables of office o in framework order into out (room for
 * fw->n_variables); returns how many. */
size_t sheet_office_variables(const framework *fw, const sheet_office *o, const fw_variable **out);

/* The template of office o for year and communes as CSV into sb. */
dti_err sheet_template_csv(const framework *fw, const sheet_office *o, const commune_list *communes,
			   int year, strbuf *sb, dti_diag *d);
/* The same as an .xlsx workbook written to path (atomically). */
dti_err sheet_template_xlsx(const framework *fw, const sheet_office *o,
			    const commune_list *communes, int year, const char *path, dti_diag *d);

#endif
