/* form_xlsx.h — the commune form as an Excel workbook, and the annotated
 * copy of a refused one.
 *
 * The workbook holds the CSV form's rows (form_render), one row each, in
 * one sheet: the import reads it by the same keys.  Only the answer, link,
 * note and contact cells are unlocked (the sheet is protected without a
 * password, so the code column and the instructions are not changed by
 * accident); answers have a drop-down list of the allowed answers, counts
 * accept only whole numbers from 0, amounts numbers from 0; codes, phone
 * numbers and links are text cells; answers prefilled from last year (or
 * an earlier submission) are coloured and say so in a comment; A4
 * landscape, one page wide, the heading row repeated on every page. */
#ifndef DTI_FORM_XLSX_H
#define DTI_FORM_XLSX_H

#include "err.h"
#include "form.h"
#include "workbook.h"

/* Writes the form of spec into path (atomically). */
dti_err form_xlsx_write(const framework *fw, const form_items *items, const form_spec *spec,
			const char *path, dti_diag *d);

/* Writes the cells of a refused form (wb, as read) into path with a column
 * "Lỗi" holding each row's problems and the answer cells of those rows in
 * red.  row_problems[i] is the text for row i + 1 (NULL when none; n of
 * them). */
dti_err form_xlsx_annotate(const workbook *wb, const char *const *row_problems, size_t n,
			   const char *path, dti_diag *d);

#endif
