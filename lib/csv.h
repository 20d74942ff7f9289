/* csv.h — streaming CSV reader (RFC 4180 plus what spreadsheets write):
 * UTF-8 with or without BOM, quoted fields with doubled quotes and line
 * breaks, CRLF or LF, comma or semicolon (detected from the first line).
 * A NUL byte anywhere is malformed input (it would cut its field short).
 * Memory is bounded by the longest record, whatever the file size. */
#ifndef DTI_CSV_H
#define DTI_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

typedef struct csv_reader csv_reader;

#define CSV_MAX_RECORD (4u << 20) /* bytes in one record */
#define CSV_MAX_FIELDS 10000u

/* Reads from f, which the reader does not close.  name is used in messages.
 * delim is ',' or ';', or 0 to detect it from the first line.  Caller frees
 * with csv_close. */
csv_reader *csv_open(FILE *f, const char *name, char delim);
void csv_close(csv_reader *r);

/* Reads the next record, skipping blank lines.  Returns 1 when a record is
 * available, 0 at end of file, -1 on malformed input or a read error (d
 * names the file and line).  Fields stay valid until the next call. */
int csv_next(csv_reader *r, dti_diag *d);

size_t csv_nfields(const csv_reader *r);
/* Field i of the current record, NUL-terminated (it holds no other NUL). */
const char *csv_field(const csv_reader *r, size_t i);
size_t csv_field_len(const csv_reader *r, size_t i);
/* Line on which the current record starts (1-based). */
long csv_line(const csv_reader *r);
char csv_delim(const csv_reader *r);
/* Bytes consumed so far, not counting a BOM (for progress). */
unsigned long long csv_offset(const csv_reader *r);

/* For callers that split simple lines themselves and leave the rest to
 * csv_next: the bytes already read from the file that no record has used
 * yet (*n of them, none before the first csv_next), the first of which is
 * the start of a record on line *line.  Valid until the next call on r. */
const char *csv_pending(const csv_reader *r, size_t *n, long *line);
/* Marks the first n pending bytes, holding `lines` whole lines each ended
 * by a line feed, as read; the current record is gone and csv_line names
 * the last of those lines. */
void csv_consume(csv_reader *r, size_t n, long lines);

#endif
