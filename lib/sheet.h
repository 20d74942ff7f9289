/* sheet.h — district office sheets in CSV: long (commune_code, variable,
 * value) or wide (one row per commune, one column per variable).  The
 * whole file is validated before anything is stored. */
#ifndef DTI_SHEET_H
#define DTI_SHEET_H

#include <stdio.h>

#include "batch.h"
#include "units.h"

typedef enum { SHEET_AUTO, SHEET_LONG, SHEET_WIDE } sheet_format;

/* Reads a sheet from f (name for messages) into b.  Long sheets may add
 * optional columns year, proof_url and note; wide sheets may carry
 * commune_name/name (ignored) and year columns.  Empty values are skipped
 * (counted in b->counts.skipped).  Every problem goes to p as
 * "file:line:col (column): problem".  Returns DTI_EINVALID when p got
 * problems, DTI_EPARSE when the CSV itself is malformed (d says where). */
dti_err sheet_read_csv(FILE *f, const char *name, sheet_format fmt, const framework *fw,
		       const commune_index *communes, int year, batch *b, dti_problems *p,
		       dti_diag *d);

#endif
