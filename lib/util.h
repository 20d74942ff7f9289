/* util.h — small shared helpers: arenas, bounded buffers, checked
 * number parsing, time stamps, files and paths. */
#ifndef DTI_UTIL_H
#define DTI_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "err.h"

#define DTI_VERSION "0.1.0"
#define DTI_USER_AGENT "dti/" DTI_VERSION " (commune DTI pipeline)"

/* Arena for many small strings freed together (a batch's values, a
 * commune's texts).  The strings live until arena_free; arena_strdup of
 * NULL is NULL. */
typedef struct arena_chunk arena_chunk;
typedef struct arena {
	arena_chunk *head;
} arena;

char *arena_strdup(arena *a, const char *s);
void arena_free(arena *a);

/* Growable byte buffer with an upper bound.  Fields callers may read: data
 * (always NUL-terminated when non-NULL), len.  max = 0 means unbounded. */
typedef struct strbuf {
	char *data;
	size_t len, cap, max;
} strbuf;

void sb_init(strbuf *sb, size_t max);
/* Returns DTI_ELIMIT (buffer unchanged) when the result would exceed max.
 * Inline: the pages, exports and workbooks are made of millions of short
 * appends (issue #16); with room and no cap one is a copy, and the length
 * of a literal given to sb_appends is counted when compiling. */
dti_err sb_append_grow(strbuf *sb, const void *data, size_t n);

static inline dti_err sb_append(strbuf *sb, const void *data, size_t n)
{
	if (sb->max || sb->len + n >= sb->cap)
		return sb_append_grow(sb, data, n);
	if (n)
		memcpy(sb->data + sb->len, data, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return DTI_EOK;
}

static inline dti_err sb_appends(strbuf *sb, const char *s)
{
	return sb_append(sb, s, strlen(s));
}

dti_err sb_appendf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
dti_err sb_vappendf(strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void sb_reset(strbuf *sb);
/* Takes ownership of the buffer (caller frees); sb is left empty. */
char *sb_take(strbuf *sb);
void sb_free(strbuf *sb);

/* A whole number in decimal ("-12"), without printf; returns its length. */
size_t format_whole(char out[24], long long v);
/* Size of a regular file, 0 when it is not one or is unknown (a pipe). */
size_t file_size(FILE *f);

/* JSON texts as jansson writes them: a string literal with the escapes
 * RFC 8259 requires (" \\ and control characters; UTF-8 as it is), and a
 * finite number that reads back as the same double (17 significant digits,
 * ".0" on whole numbers; DTI_EINVALID, nothing written, for NaN and
 * infinities).  Like every append, all or nothing. */
dti_err sb_json_string(strbuf *sb, const char *s);
dti_err sb_json_number(strbuf *sb, double x);

/* Spreadsheet-bound text (exports, forms).  A text that a spreadsheet
 * would take for a formula starts with = + - @, or with a tab or a CR
 * before one (OWASP "CSV injection").  sb_csv_field appends one CSV field,
 * quoted when it holds , ; " CR or LF; when `text` is true and the field
 * is such a text, a leading apostrophe makes it a text cell ("'=1+1",
 * "'+84 912 345 678").  Numbers are written with text = false and stay as
 * they are ("-3.5").  No separator is written.  Like every append, all or
 * nothing per piece; DTI_ELIMIT when sb is full. */
bool sheet_text_is_formula(const char *s);
dti_err sb_csv_field(strbuf *sb, const char *s, bool text);
/* The inverse, for a file of ours read back (a commune form): s without
 * the apostrophe when one precedes a formula's first character, else s.
 * Points into s. */
const char *sheet_text_unguard(const char *s);

/* Checked parsing: the whole string must be consumed (surrounding ASCII
 * spaces allowed); false on junk, sign or overflow. */
bool parse_i64(const char *s, int64_t *out);
/* The assessment years every program accepts: 2000 to 2100. */
#define YEAR_MIN 2000
#define YEAR_MAX 2100
bool year_valid(int64_t y);
/* Parses a year (parse_i64, then year_valid): false when s is not a whole
 * number from YEAR_MIN to YEAR_MAX.  *out is set only on success.  Each
 * caller words its own message (it names the option, cell or row). */
bool year_parse(const char *s, int64_t *out);
/* Non-negative decimal number: digits, optional fraction with `decimal_sep`
 * ('.' always accepted; ',' only when decimal_sep is ','). No exponent, no
 * thousands separators, no sign. */
bool parse_nonneg_decimal(const char *s, char decimal_sep, double *out);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void now_iso(char out[32]);
/* An ISO 8601 time with a zone, as now_iso writes it and as a person
 * writes one ("2024-12-31T17:00:00+07:00", "…:05.123Z", a space for the
 * T, seconds optional), into seconds since the epoch.  False, *out
 * untouched, when s is NULL, malformed or has no zone. */
bool time_parse_iso(const char *s, time_t *out);
/* A stored time as the Vietnamese pages show it: Vietnam time (UTC+7),
 * "14:05 ngày 01/12/2026 (giờ Việt Nam)".  The database keeps UTC; every
 * page that shows a time goes through here.  A text that is not a time
 * (time_parse_iso) is copied as it is, cut to fit on a character
 * boundary, and false returned; NULL gives "". */
#define TIME_VN_MAX 64
bool time_vn(const char *iso, char out[TIME_VN_MAX]);
/* Monotonic seconds. */
double mono_seconds(void);

/* Reads a whole file (at most max bytes, else DTI_ELIMIT).  *out is
 * malloc'd and NUL-terminated; caller frees. */
dti_err read_file(const char *path, size_t max, char **out, size_t *len, dti_diag *d);
/* Opens dir/rel for reading one part of rel at a time (openat with
 * O_NOFOLLOW), so that no symbolic link anywhere in rel is followed and
 * nothing outside dir is reached: a link, "." or "..", a missing file or
 * one that is not regular is DTI_ENOTFOUND.  The descriptor goes to *fd;
 * the caller closes it (or gives it to read_fd). */
dti_err open_below(const char *dir, const char *rel, int *fd, dti_diag *d);
/* read_file of an open descriptor, which it closes; name for messages. */
dti_err read_fd(int fd, const char *name, size_t max, char **out, size_t *len, dti_diag *d);
/* Writes a file atomically (temporary file + rename). */
dti_err write_file_atomic(const char *path, const void *data, size_t len, dti_diag *d);
/* A file written in pieces and put in place at the end: the pieces go to a
 * temporary file beside it, which output_commit syncs and renames to path
 * (listing path in paths when not NULL).  After an error, output_abort
 * removes the temporary file; output_commit cleans up itself. */
typedef struct output_file {
	char *path, *tmp;
	FILE *f;
} output_file;

dti_err output_open(output_file *o, const char *path, dti_diag *d);
dti_err output_write(output_file *o, const void *data, size_t len, dti_diag *d);
/* Writes sb's bytes and empties sb. */
dti_err output_flush(output_file *o, strbuf *sb, dti_diag *d);
/* What a file written as it is made holds before it writes: a megabyte. */
enum { OUTPUT_HELD = 1 << 20 };
/* sb's bytes written into each of the n files and sb emptied, when it
 * holds OUTPUT_HELD bytes or more or when whole (the file's end). */
dti_err output_flush_past(output_file *o, size_t n, strbuf *sb, bool whole, dti_diag *d);
dti_err output_commit(output_file *o, FILE *paths, dti_diag *d);
void output_abort(output_file *o);
/* Files committed under folder dir (a copy is kept; NULL ends it) are not
 * synced one by one: dir_replace of that folder syncs its file system
 * once, before the swap.  Nor renamed: no reader sees the folder before
 * the swap, so they are written at their path, not beside it (an abort
 * removes what was written).  For a publication of thousands of files. */
void output_sync_later(const char *dir);
/* Records path as a file put in place under that folder (output_commit
 * and write_output do; a writer of its own calls it). */
void output_written(const char *path);
/* Removes under that folder every file not recorded so, and the folders
 * left empty: what an earlier publication left in a folder written over
 * again (dir_replace's keep) and this one did not write. */
void output_remove_unwritten(void);
/* Writes sb into dir/name atomically and, when paths is not NULL, lists
 * the path written there (one per line). */
dti_err write_output(const char *dir, const char *name, const strbuf *sb, FILE *paths, dti_diag *d);
/* Puts the folder new_dir in the place of path whole: its file system
 * synced once (syncfs; the files output_sync_later left) and its folders,
 * then swapped in one rename (renameat2 RENAME_EXCHANGE;
 * a plain rename when path does not exist) and the old folder removed, or
 * with keep not NULL kept as keep (replacing what was there), for the next
 * publication to write over (output_fd), so a reader of path sees the old
 * set or the new one, never a mix.  Where
 * the file system cannot exchange, the old folder is moved aside first.
 * A path that is a symbolic link or a file is refused (DTI_EIO), never
 * followed or removed.  On error path is as it was and new_dir is left
 * for the caller. */
dti_err dir_replace(const char *new_dir, const char *path, const char *keep, dti_diag *d);
/* rm -r, best effort; symbolic links (path itself too) are removed, not
 * followed. */
void dir_remove(const char *path);
/* Makes path, a kept publication to be written over in place (output_fd),
 * hold only what may be: below it a symbolic link, a FIFO, a device, and
 * a folder another user owns or of a mode a folder made now (make_dirs)
 * would not have are removed (make_dirs would take a link to a folder
 * elsewhere as the folder, and the files be written there; the others
 * would be published as they are).  False, nothing changed, when path
 * itself is not such a folder: the caller removes it. */
bool dir_recycle(const char *path);
/* mkdir -p. */
dti_err make_dirs(const char *path, dti_diag *d);

/* Resolves `path` against the directory of `base_file` unless it is
 * absolute.  Returns a malloc'd string. */
char *path_relative_to(const char *base_file, const char *path);
/* Last component of a path (pointer into the argument). */
const char *path_base(const char *path);

/* v as snprintf's "%.*f" writes it (decimals 0 to 6), without printf when
 * |v| < 1e12; returns the length. */
size_t format_fixed(char out[64], double v, int decimals);
/* A finite v as a decimal number that reads back (strtod, SQLite, JSON
 * readers) as the same double: whole numbers as integers ("20"), others as
 * "%.17g" writes them (format_general, without printf in the common range:
 * "0.25", "13.333333333333334"); returns the length.  NaN and infinities as
 * snprintf writes them. */
size_t format_roundtrip(char out[40], double v);
/* Appends format_roundtrip's text of v, written in place (room for 40
 * bytes is asked of a bounded buffer). */
dti_err sb_append_roundtrip(strbuf *sb, double v);
/* 10^k for 0 <= k <= 27, exact where long double has a 64-bit mantissa
 * (json_scan_number relies on it, and checks LDBL_MANT_DIG). */
long double pow10_exact(int k);
/* The same appended to sb. */
dti_err sb_append_fixed(strbuf *sb, double v, int decimals);
/* v as snprintf's "%.*g" (upper: "%.*G") writes it; without printf for
 * precision 16 or 17 (the shortest exact forms) and 1e-5 <= |v| < 1e15.
 * Returns the length. */
size_t format_general(char out[40], double v, int precision, bool upper);
/* Formats a score for files: up to 6 decimals, trailing zeros removed. */
void format_number(char out[64], double v);

/* SHA-256 lives in digest.h (libcrypto). */
#include "digest.h"

#endif
