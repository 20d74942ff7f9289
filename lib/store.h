/* store.h — the one way the rest of dti speaks SQL: bind, step, read.
 *
 * Every statement goes through store_run, store_each or one of the scalar
 * helpers below.  Parameters are a typed array built by STORE_ARGS, so a
 * value is always bound, never spliced into the SQL; rows come back through
 * accessors, so no sqlite3 type leaves lib/store*.c and lib/staging*.c.
 * Statements are prepared once per connection and cached by their SQL
 * text (pass string literals or other long-lived strings), then reset and
 * cleared after each use.
 *
 *   int64_t n;
 *   rc = store_int64(st, d, "SELECT count(*) FROM observation WHERE year = ?1", &n, NULL,
 *                    STORE_ARGS(STORE_INT(year)));
 */
#ifndef DTI_STORE_H
#define DTI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct staging staging;

typedef enum { STORE_T_INT, STORE_T_NUM, STORE_T_TEXT, STORE_T_NULL } store_type;

/* One parameter.  A NaN number and a NULL text bind SQL NULL. */
typedef struct store_arg {
	store_type type;
	union {
		int64_t i;
		double n;
		const char *t;
	} v;
} store_arg;

#define STORE_INT(x) ((store_arg){.type = STORE_T_INT, .v.i = (x)})
#define STORE_NUM(x) ((store_arg){.type = STORE_T_NUM, .v.n = (x)})
#define STORE_TEXT(x) ((store_arg){.type = STORE_T_TEXT, .v.t = (x)})
#define STORE_NULL ((store_arg){.type = STORE_T_NULL})
/* The parameters ?1, ?2 … in order, as the two arguments (array, count). */
#define STORE_ARGS(...)                   \
	(const store_arg[]){__VA_ARGS__}, \
		sizeof((const store_arg[]){__VA_ARGS__}) / sizeof(store_arg)
#define STORE_NOARGS NULL, 0

/* A row being read; valid only inside the callback that receives it. */
typedef struct store_row store_row;

/* Column i as text: "" for NULL (store_text), NULL for NULL (store_text_or_null).
 * The pointer is valid until the callback returns; copy what you keep. */
const char *store_text(const store_row *r, int i);
const char *store_text_or_null(const store_row *r, int i);
/* A malloc'd copy of column i, or NULL for NULL; caller frees. */
char *store_text_dup(const store_row *r, int i);
int64_t store_int(const store_row *r, int i);
/* Column i as a number; NaN for NULL. */
double store_num(const store_row *r, int i);
bool store_is_null(const store_row *r, int i);
int store_columns(const store_row *r);

/* Called for each row; a non-zero return stops the query and is returned
 * (use DTI_EOK to go on).  d may be filled by the callback. */
typedef dti_err (*store_row_fn)(void *ctx, const store_row *r, dti_diag *d);

/* Runs a statement that returns no rows (or whose rows are not wanted). */
dti_err store_run(staging *st, dti_diag *d, const char *sql, const store_arg *args, size_t n);
/* Runs a query, calling fn for every row in order.  *rows (may be NULL)
 * receives the number of rows read. */
dti_err store_each(staging *st, dti_diag *d, const char *sql, store_row_fn fn, void *ctx,
		   size_t *rows, const store_arg *args, size_t n);
/* Runs a query and has fn read its first row only; *found says whether
 * there was a row.  For lookups by key. */
dti_err store_first(staging *st, dti_diag *d, const char *sql, store_row_fn fn, void *ctx,
		    bool *found, const store_arg *args, size_t n);
/* The first column of the first row as an integer; 0 when there is no row
 * or it is NULL.  *found (may be NULL) says whether there was a row. */
dti_err store_int64(staging *st, dti_diag *d, const char *sql, int64_t *out, bool *found,
		    const store_arg *args, size_t n);
/* The first column of the first row as a number; NaN when there is no row
 * or it is NULL.  *found (may be NULL) says whether there was a row. */
dti_err store_double(staging *st, dti_diag *d, const char *sql, double *out, bool *found,
		     const store_arg *args, size_t n);
/* The first column of the first row as a malloc'd text; NULL when there is
 * no row or it is NULL.  Caller frees. */
dti_err store_text1(staging *st, dti_diag *d, const char *sql, char **out, const store_arg *args,
		    size_t n);
/* The lists the store hands out, {T *items; size_t n;}, grow a row at a
 * time from their row callbacks.  store_grow returns items (n of `size`
 * bytes, or NULL when n is 0) with one zeroed item more at the end; like
 * xrealloc it never returns NULL.  STORE_PUSH(list) grows list by one and
 * yields the new item's address (list is evaluated more than once). */
void *store_grow(void *items, size_t n, size_t size);
#define STORE_PUSH(list)                                                              \
	((list)->items = store_grow((list)->items, (list)->n, sizeof *(list)->items), \
	 &(list)->items[(list)->n++])

/* The id of the last row inserted on this connection. */
int64_t store_last_id(staging *st);
/* Rows changed by the last statement. */
int64_t store_changes(staging *st);

#endif
