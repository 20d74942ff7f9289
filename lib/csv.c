#include "csv.h"

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CSV_BUF 65536

struct csv_reader {
	FILE *f;
	const char *name;
	char delim;
	bool started, eof;
	char buf[CSV_BUF];
	size_t pos, end;
	unsigned long long offset;
	long line;        /* current physical line */
	long record_line; /* line where the current record starts */
	char *rec;        /* field bytes, each NUL-terminated */
	size_t rec_len, rec_cap;
	size_t *starts, *lens;
	size_t nfields, fields_cap;
	/* The current record's fields are in buf (fast path) or in rec. */
	bool in_buf;
	char *buf_base;
	/* Bytes that end a run of ordinary bytes, outside and inside quotes. */
	unsigned char stop_unquoted[256], stop_quoted[256];
};

csv_reader *csv_open(FILE *f, const char *name, char delim)
{
	csv_reader *r = xcalloc(1, sizeof *r);

	r->f = f;
	r->name = name;
	r->delim = delim;
	r->line = 1;
	return r;
}

void csv_close(csv_reader *r)
{
	if (!r)
		return;
	free(r->rec);
	free(r->starts);
	free(r->lens);
	free(r);
}

static bool fill(csv_reader *r)
{
	size_t n;

	if (r->eof)
		return false;
	n = fread(r->buf, 1, CSV_BUF, r->f);
	r->pos = 0;
	r->end = n;
	if (n == 0) {
		r->eof = true;
		return false;
	}
	return true;
}

/* Skips a BOM and picks the delimiter from the first line: whichever of
 * ',' and ';' occurs more often outside quotes. */
static void start(csv_reader *r)
{
	size_t commas = 0, semis = 0;
	bool quoted = false;

	r->started = true;
	fill(r);
	if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
	if (r->delim)
		goto tables;
	for (size_t i = r->pos; i < r->end; i++) {
		char c = r->buf[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '\n')
			break;
		else if (!quoted && c == ',')
			commas++;
		else if (!quoted && c == ';')
			semis++;
	}
	r->delim = semis > commas ? ';' : ',';
tables:
	r->stop_unquoted[(unsigned char)r->delim] = 1;
	r->stop_unquoted['\n'] = 1;
	r->stop_unquoted['\0'] = 1;
	r->stop_quoted['"'] = 1;
	r->stop_quoted['\n'] = 1;
	r->stop_quoted['\0'] = 1;
}

static int push_byte(csv_reader *r, char c, dti_diag *d)
{
	if (r->rec_len + 1 >= r->rec_cap) {
		if (r->rec_cap >= CSV_MAX_RECORD)
			return diag_set(d, DTI_ELIMIT, "%s:%ld: record longer than %u bytes",
					r->name, r->record_line, CSV_MAX_RECORD),
			       -1;
		r->rec_cap = r->rec_cap ? r->rec_cap * 2 : 1024;
		r->rec = xrealloc(r->rec, r->rec_cap);
	}
	r->rec[r->rec_len++] = c;
	return 0;
}

/* Appends a run of ordinary bytes (the fast path of csv_next). */
static int push_bytes(csv_reader *r, const char *p, size_t n, dti_diag *d)
{
	while (r->rec_len + n + 1 > r->rec_cap) {
		if (r->rec_cap >= CSV_MAX_RECORD)
			return diag_set(d, DTI_ELIMIT, "%s:%ld: record longer than %u bytes",
					r->name, r->record_line, CSV_MAX_RECORD),
			       -1;
		r->rec_cap = r->rec_cap ? r->rec_cap * 2 : 1024;
		r->rec = xrealloc(r->rec, r->rec_cap);
	}
	memcpy(r->rec + r->rec_len, p, n);
	r->rec_len += n;
	return 0;
}

static int end_field(csv_reader *r, size_t field_start, dti_diag *d)
{
	if (r->nfields == CSV_MAX_FIELDS)
		return diag_set(d, DTI_ELIMIT, "%s:%ld: more than %u fields", r->name,
				r->record_line, CSV_MAX_FIELDS),
		       -1;
	if (r->nfields == r->fields_cap) {
		r->fields_cap = r->fields_cap ? r->fields_cap * 2 : 32;
		r->starts = xrealloc(r->starts, r->fields_cap * sizeof *r->starts);
		r->lens = xrealloc(r->lens, r->fields_cap * sizeof *r->lens);
	}
	r->starts[r->nfields] = field_start;
	r->lens[r->nfields] = r->rec_len - field_start;
	r->nfields++;
	return push_byte(r, '\0', d);
}

/* Fast path for the common record: a whole line already in the buffer
 * whose quoted fields (if any) hold no quote and no line break.  Its fields
 * are split in place (the byte after each becomes a NUL) and point into buf
 * until the next call.  Returns 1 for a record, 2 for a blank line
 * consumed, 0 when the slow path must read this record (nothing was
 * changed), -1 on too many fields. */
static int fast_record(csv_reader *r, dti_diag *d)
{
	char *p = r->buf + r->pos, *s = p, *end;
	char *nl = memchr(p, '\n', r->end - r->pos);
	size_t len, n = 0;

	if (!nl)
		return 0;
	len = (size_t)(nl - p);
	if (len && p[len - 1] == '\r')
		len--;
	end = p + len;
	/* A NUL would silently cut its field: the slow path names its column. */
	if (memchr(p, '\0', len))
		return 0;
	/* Phase 1: find the fields without touching the buffer. */
	for (;;) {
		char *q;
		size_t start;
		if (s < end && *s == '"') {
			q = memchr(s + 1, '"', (size_t)(end - s - 1));
			if (!q || (q + 1 < end && q[1] != r->delim))
				return 0; /* doubled quote, line break inside, or junk */
			start = (size_t)(s + 1 - p);
			s = q + 1; /* at the delimiter or the end */
		} else {
			q = memchr(s, r->delim, (size_t)(end - s));
			if (!q)
				q = end;
			start = (size_t)(s - p);
			s = q;
		}
		if (n == CSV_MAX_FIELDS)
			return diag_set(d, DTI_ELIMIT, "%s:%ld: more than %u fields", r->name,
					r->line, CSV_MAX_FIELDS),
			       -1;
		if (n == r->fields_cap) {
			r->fields_cap = r->fields_cap ? r->fields_cap * 2 : 32;
			r->starts = xrealloc(r->starts, r->fields_cap * sizeof *r->starts);
			r->lens = xrealloc(r->lens, r->fields_cap * sizeof *r->lens);
		}
		r->starts[n] = start;
		r->lens[n] = (size_t)(q - p) - start;
		n++;
		if (s >= end)
			break;
		s++; /* past the delimiter */
		if (s == end) {
			/* a trailing delimiter: one more, empty field */
			if (n == r->fields_cap) {
				r->fields_cap *= 2;
				r->starts = xrealloc(r->starts, r->fields_cap * sizeof *r->starts);
				r->lens = xrealloc(r->lens, r->fields_cap * sizeof *r->lens);
			}
			r->starts[n] = len;
			r->lens[n] = 0;
			n++;
			break;
		}
	}
	r->pos += (size_t)(nl - p) + 1;
	r->offset += (unsigned long long)(nl - p) + 1;
	r->record_line = r->line++;
	if (len == 0)
		return 2;
	/* Phase 2: terminate each field in place. */
	for (size_t i = 0; i < n; i++)
		p[r->starts[i] + r->lens[i]] = '\0';
	r->nfields = n;
	r->in_buf = true;
	r->buf_base = p;
	return 1;
}

/* Where the slow path is within the record it reads. */
typedef enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } field_state;

typedef struct record_parse {
	field_state st;
	size_t field_start; /* in rec, of the field being read */
} record_parse;

/* The slow path's steps return 0 to go on, 1 for a record, -1 on error. */

static inline void begin_record(csv_reader *r, record_parse *s)
{
	r->rec_len = 0;
	r->nfields = 0;
	r->record_line = r->line;
	s->field_start = 0;
	s->st = FIELD_START;
}

/* The input ran out (or failed) in the middle of state s. */
static int end_of_input(csv_reader *r, const record_parse *s, dti_diag *d)
{
	if (ferror(r->f))
		return diag_set(d, DTI_EIO, "%s: read error: %s", r->name, strerror(errno)), -1;
	if (s->st == QUOTED)
		return diag_set(d, DTI_EPARSE, "%s:%ld: quoted field not closed before end of file",
				r->name, r->record_line),
		       -1;
	if (r->rec_len == 0 && r->nfields == 0 && s->st == FIELD_START)
		return 0;
	if (end_field(r, s->field_start, d) < 0)
		return -1;
	return 1;
}

/* Copies the run of bytes at pos that cannot change state st in one go,
 * so that the byte-by-byte steps see only the byte that ends it.  Returns
 * 1 when bytes were copied, 0 when the next byte ends the run, -1 on
 * error. */
static inline int copy_run(csv_reader *r, field_state st, dti_diag *d)
{
	const unsigned char *p = (const unsigned char *)r->buf + r->pos, *q = p;
	const unsigned char *e = (const unsigned char *)r->buf + r->end;
	const unsigned char *stop = st == UNQUOTED ? r->stop_unquoted : r->stop_quoted;

	while (q < e && !stop[*q])
		q++;
	if (q == p)
		return 0;
	if (push_bytes(r, (const char *)p, (size_t)(q - p), d) < 0)
		return -1;
	r->pos += (size_t)(q - p);
	r->offset += (unsigned long long)(q - p);
	return 1;
}

/* A delimiter: the field ends and the next one starts. */
static inline int next_field(csv_reader *r, record_parse *s, dti_diag *d)
{
	if (end_field(r, s->field_start, d) < 0)
		return -1;
	s->field_start = r->rec_len;
	s->st = FIELD_START;
	return 0;
}

static inline int unquoted_byte(csv_reader *r, record_parse *s, char c, dti_diag *d)
{
	if (c == r->delim)
		return next_field(r, s, d);
	if (c != '\n')
		return push_byte(r, c, d);
	r->line++;
	if (r->nfields == 0 && r->rec_len == 0) {
		begin_record(r, s); /* blank line */
		return 0;
	}
	if (r->rec_len > s->field_start && r->rec[r->rec_len - 1] == '\r')
		r->rec_len--;
	if (r->nfields == 0 && r->rec_len == 0) {
		begin_record(r, s); /* blank CRLF line */
		return 0;
	}
	if (end_field(r, s->field_start, d) < 0)
		return -1;
	return 1;
}

/* The byte after a quote inside a quoted field. */
static inline int after_quote(csv_reader *r, record_parse *s, char c, dti_diag *d)
{
	if (c == '"') {
		if (push_byte(r, '"', d) < 0)
			return -1;
		s->st = QUOTED;
		return 0;
	}
	if (c == r->delim)
		return next_field(r, s, d);
	if (c != '\n' && c != '\r')
		return diag_set(d, DTI_EPARSE,
				"%s:%ld: field %zu: unexpected character after closing quote",
				r->name, r->line, r->nfields + 1),
		       -1;
	if (c == '\r') {
		if (r->pos == r->end)
			fill(r);
		if (r->pos < r->end && r->buf[r->pos] == '\n') {
			r->pos++;
			r->offset++;
		}
	}
	r->line++;
	if (end_field(r, s->field_start, d) < 0)
		return -1;
	return 1;
}

static inline int step(csv_reader *r, record_parse *s, char c, dti_diag *d)
{
	switch (s->st) {
	case FIELD_START:
		if (c == '"') {
			s->st = QUOTED;
			return 0;
		}
		s->st = UNQUOTED;
		return unquoted_byte(r, s, c, d);
	case UNQUOTED: return unquoted_byte(r, s, c, d);
	case QUOTED:
		if (c == '"') {
			s->st = QUOTE_IN_QUOTED;
			return 0;
		}
		if (c == '\n')
			r->line++;
		return push_byte(r, c, d);
	case QUOTE_IN_QUOTED: return after_quote(r, s, c, d);
	}
	return 0;
}

/* Reads a record byte by byte into rec: the records fast_record leaves. */
static int slow_record(csv_reader *r, dti_diag *d)
{
	record_parse s;

	begin_record(r, &s);
	for (;;) {
		int got;
		char c;

		if (r->pos == r->end && !fill(r))
			return end_of_input(r, &s, d);
		if (s.st == UNQUOTED || s.st == QUOTED) {
			got = copy_run(r, s.st, d);
			if (got < 0)
				return -1;
			if (got)
				continue;
		}
		c = r->buf[r->pos++];
		r->offset++;
		if (c == '\0')
			return diag_set(d, DTI_EPARSE, "%s:%ld: column %zu contains a NUL byte",
					r->name, r->line, r->nfields + 1),
			       -1;
		got = step(r, &s, c, d);
		if (got)
			return got;
	}
}

int csv_next(csv_reader *r, dti_diag *d)
{
	int fast;

	if (!r->started)
		start(r);
	while ((fast = fast_record(r, d)) == 2)
		;
	if (fast)
		return fast;
	r->in_buf = false;
	return slow_record(r, d);
}

size_t csv_nfields(const csv_reader *r)
{
	return r->nfields;
}

const char *csv_field(const csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return "";
	return (r->in_buf ? r->buf_base : r->rec) + r->starts[i];
}

size_t csv_field_len(const csv_reader *r, size_t i)
{
	return i < r->nfields ? r->lens[i] : 0;
}

long csv_line(const csv_reader *r)
{
	return r->record_line;
}

char csv_delim(const csv_reader *r)
{
	return r->delim ? r->delim : ',';
}

unsigned long long csv_offset(const csv_reader *r)
{
	return r->offset;
}

const char *csv_pending(const csv_reader *r, size_t *n, long *line)
{
	*n = r->started ? r->end - r->pos : 0;
	*line = r->line;
	return r->buf + r->pos;
}

void csv_consume(csv_reader *r, size_t n, long lines)
{
	assert(r->started && n <= r->end - r->pos && (lines > 0 || n == 0));
	r->pos += n;
	r->offset += n;
	if (lines > 0) {
		r->line += lines;
		r->record_line = r->line - 1;
	}
	r->nfields = 0;
	r->in_buf = false;
}
