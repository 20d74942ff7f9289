/* sheet.h — district office sheets in CSV: long (commune_code, variable,
 * value) or wide (one row per commune, one column per variable).  The
 * whole file is validated before anything is stored. */
#ifndef DTI_SHEET_H
#define DTI_SHEET_H

#include <stdio.h>

#include "batch.h"
#include "framework.h"
#include "util.h"
#include "units.h"

typedef enum { SHEET_AUTO, SHEET_LONG, SHEET_WIDE } sheet_format;

/* The Vietnamese headings of a sheet's own columns (the templates'). */
#define SHEET_HEAD_CODE "Mã xã"
#define SHEET_HEAD_NAME "Tên xã"
#define SHEET_HEAD_YEAR "Năm"
#define SHEET_HEAD_VARIABLE "Chỉ tiêu"
#define SHEET_HEAD_VALUE "Giá trị"
#define SHEET_HEAD_PROOF "Đường dẫn tài liệu kiểm chứng"
#define SHEET_HEAD_NOTE "Ghi chú"
#define SHEET_MAX_BOOK (64u << 20) /* bytes of an .xlsx or .ods sheet */

/* The heading of a variable's column in a wide sheet, as the templates
 * write it: its Vietnamese label with its unit, "Số dân (người)", and its
 * name in brackets when another variable has the same label. */
void sheet_heading(const framework *fw, const fw_variable *v, strbuf *out);
/* The variable a wide sheet's heading names: by its name, or by the
 * heading sheet_heading gives it.  NULL when none. */
const fw_variable *sheet_heading_variable(const framework *fw, const char *heading);

/* Reads a sheet from f (name for messages) into b: CSV, or an .xlsx or
 * .ods workbook (its first sheet; told by content), whose problems name
 * the sheet's rows.  Long sheets may add
 * optional columns year, proof_url and note; wide sheets may carry
 * commune_name/name (ignored) and year columns.  Empty values are skipped
 * (counted in b->counts.skipped).  Every problem goes to p as
 * "file:line:col (column): problem".  Returns DTI_EINVALID when p got
 * problems, DTI_EPARSE when the CSV itself is malformed (d says where). */
dti_err sheet_read_csv(FILE *f, const char *name, sheet_format fmt, const framework *fw,
		       const commune_index *communes, int year, batch *b, dti_problems *p,
		       dti_diag *d);

#endif
