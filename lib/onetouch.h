/* onetouch.h — the OneTouch learner export: a CSV with one row per
 * learner (Vietnamese headers; the commune as a name, sometimes followed by
 * district and province; a completion date in one of a few formats),
 * counted per commune for the learners who completed in the year
 * (onetouch_learners, indicator 4.6).  Read as a stream in constant memory
 * whatever the file size (a big local file as two streams, one per half);
 * progress on stderr when it is a terminal. */
#ifndef DTI_ONETOUCH_H
#define DTI_ONETOUCH_H

#include "collector.h"
#include "csv.h"

/* Year of a completion date: "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy",
 * "dd.mm.yyyy", "yyyy-mm-dd" or "yyyy/mm/dd", each optionally followed by a
 * time.  Returns the year, 0 for an empty text, -1 when it is not a date. */
int onetouch_date_year(const char *s);
/* The same by the whole grammar alone, without reading the usual shapes in
 * place: the reference the fast reading is tested against. */
int onetouch_date_year_grammar(const char *s);

/* The two fields of a learner row that the count needs.  The bytes are
 * not NUL-terminated (a NUL inside ends the text, as in csv_field) and stay
 * valid until the next onetouch_next_row; a column the row does not have
 * reads as empty. */
typedef struct onetouch_row {
	const char *commune, *date;
	size_t commune_len, date_len;
	long line; /* where the row starts */
} onetouch_row;

/* Rows of an export read through a CSV reader whose header was read.
 * Callers set csv, col_commune and col_date and zero the rest; nothing to
 * free. */
typedef struct onetouch_rows {
	csv_reader *csv;
	size_t col_commune, col_date;
	/* private: the part of csv's buffer being split here */
	const char *base, *pos, *lim;
	long line, lines;
	unsigned long long base_offset;
	size_t want[4], nwant;
	unsigned char slot[4];
	char delim;
	unsigned char started;
} onetouch_rows;

/* The next row: 1, 0 at the end, -1 with d set on malformed input (as
 * csv_next).  A line whose quotes each open or close a whole field, with
 * no line break inside, is split in place; anything else (quoted line
 * breaks, doubled quotes, a quote inside an unquoted field, a line cut by
 * the end of the buffer) goes through csv_next, so the rows are those
 * csv_next would give. */
int onetouch_next_row(onetouch_rows *rows, onetouch_row *row, dti_diag *d);

/* The collect step of dti-collect-onetouch (see collector.h).  Block keys:
 * "columns": {"commune": HEADER, "date": HEADER} (defaults: the usual
 * Vietnamese headers), "commune": {"strip": [...]}, "aliases", and
 * "payload_max_bytes" (exports up to this size are kept as the run's
 * payload; default 64 MiB) and "parallel" (false: a big local export is
 * not counted in two halves by two threads; the count is the same). */
void onetouch_collect(const collector_env *env, const collector_source *src,
		      const commune_index *ix, batch *b, collector_result *res);

#endif
