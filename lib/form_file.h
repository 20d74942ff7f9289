/* form_file.h — a submitted commune form, whatever file it came in: told
 * by its content (never its name) as CSV, .xlsx or .ods, read into a grid
 * of cells, checked as a file (the right kind, UTF-8, every column there,
 * no formula), then validated by form_read row for row.  Problems name
 * the sheet's row ("form.xlsx:12 (item): …") in every kind.
 *
 * The file-level messages are Vietnamese (the commune officer reads them):
 *   a wrong kind of file (an old .xls, a PDF, …), a CSV not in UTF-8, a
 *   column missing from the header, a formula in a cell. */
#ifndef DTI_FORM_FILE_H
#define DTI_FORM_FILE_H

#include "form.h"
#include "workbook.h"

/* Reads the form in bytes[0..len) (name for messages) as form_read_lang
 * does in lang (the row messages; the file-level ones are Vietnamese),
 * with the same returns: DTI_EINVALID when p got problems (r then holds
 * nothing usable).  *grid receives the cells as read, for an annotated
 * copy (NULL when the file could not be read as cells); the caller frees
 * it with workbook_free. */
dti_err form_file_read(const char *bytes, size_t len, const char *name, const framework *fw,
		       const form_items *items, const commune_index *communes, int year,
		       msg_lang lang, form_result *r, dti_problems *p, workbook **grid,
		       dti_diag *d);

/* Writes to path the annotated copy of a refused form: grid's cells, and
 * in a column "Lỗi" each row's problems of p (those "name:ROW…"). */
dti_err form_file_annotate(const workbook *grid, const dti_problems *p, const char *name,
			   const char *path, dti_diag *d);

#endif
