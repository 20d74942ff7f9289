/* json_scan.h — reading back JSON texts dti itself wrote (the score sets
 * and input documents of the store), without a general JSON parser: a
 * national report reads ten thousand of them, and jansson cost a tenth of
 * it.  Strings as sb_json_string escapes them, numbers as sb_json_number
 * or SQLite's printf('%!.17g') writes them (read back by strtod, as
 * jansson reads them).  Each call reads one token at c->p and moves past
 * it, or returns false and leaves the text to the caller's fallback or
 * error; none skips white space. */
#ifndef DTI_JSON_SCAN_H
#define DTI_JSON_SCAN_H

#include <stdbool.h>

#include "util.h"

typedef struct json_scan {
	const char *p;
} json_scan;

/* The character ch. */
bool json_scan_char(json_scan *c, char ch);
/* A string literal into out, or the literal null (*is_null true, out
 * empty).  A \u escape is read only for the characters below U+0080 that
 * sb_json_string and SQLite's json_quote write so (control characters). */
bool json_scan_string(json_scan *c, strbuf *out, bool *is_null);
/* A finite number, or null (NaN). */
bool json_scan_number(json_scan *c, double *out);

#endif
