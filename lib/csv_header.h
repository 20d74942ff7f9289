/* csv_header.h — the header row of a CSV a person filled in (a commune
 * form, a district sheet): read once, each column named by its trimmed
 * text and given the role its name has in the caller's table, with the
 * decimal separator the file's delimiter implies.
 *
 *   static const csv_header_name names[] = {{"commune_code", COL_COMMUNE}, …};
 *   got = csv_header_read(r, file, names, n, 0, &h, p, d);
 *   c = csv_header_column(&h, COL_COMMUNE);
 */
#ifndef DTI_CSV_HEADER_H
#define DTI_CSV_HEADER_H

#include <stddef.h>

#include "csv.h"
#include "err.h"

/* A column name and its role (non-zero: 0 means "not in the table"). */
typedef struct csv_header_name {
	const char *name;
	int role;
} csv_header_name;

/* The header once read.  Fields may be read; csv_header_free frees it. */
typedef struct csv_header {
	size_t n;     /* columns */
	char **names; /* per column: its text, trimmed, in NFC when UTF-8 (owned) */
	int *role;    /* per column: its role in the table, or 0 */
	char dec;     /* decimal separator: ',' in a ';'-separated file, else '.' */
} csv_header;

/* Reads a name as written back from a spreadsheet: without the apostrophe
 * put before a formula character (sheet_text_unguard), then trimmed. */
#define CSV_HEADER_UNGUARD 1u

/* Reads the first record of r as the header into h (which needs no
 * initialising).  Returns 1 when h holds it; 0 for an empty file, with the
 * problem "FILE: the file is empty" added to p; -1 for malformed CSV (d
 * says where).  file names the input in the problem.  The caller frees h
 * with csv_header_free whatever the return. */
int csv_header_read(csv_reader *r, const char *file, const csv_header_name *names, size_t n_names,
		    unsigned flags, csv_header *h, dti_problems *p, dti_diag *d);
/* The last column with that role (a later column overrides), or -1. */
long csv_header_column(const csv_header *h, int role);
/* Frees what h owns and zeroes it (safe on a zeroed or freed h). */
void csv_header_free(csv_header *h);

#endif
