/* err.h — the one error type of dti.
 *
 * Every fallible function returns a dti_err (0 is success) and takes an
 * optional dti_diag* that receives a human message naming the input (file,
 * line, URL, SQLite message).  Passing NULL for the diag is always allowed. */
#ifndef DTI_ERR_H
#define DTI_ERR_H

#include <stddef.h>

#define DTI_ERRORS(X)                                             \
	X(OK, "success")                                          \
	X(NOMEM, "out of memory")                                 \
	X(IO, "input/output error")                               \
	X(PARSE, "malformed input")                               \
	X(INVALID, "invalid data")                                \
	X(CONFIG, "configuration error")                          \
	X(FRAMEWORK, "framework file refused")                    \
	X(DB, "database error")                                   \
	X(SCHEMA, "database schema is newer than this program")   \
	X(NOTFOUND, "not found")                                  \
	X(FETCH, "fetch failed")                                  \
	X(LIMIT, "limit exceeded")                                \
	X(LOCKED, "locked by another run")                        \
	X(DEADLINE, "round deadline passed")                      \
	X(USAGE, "usage error")

typedef enum {
#define DTI_ERR_ENUM(name, msg) DTI_E##name,
	DTI_ERRORS(DTI_ERR_ENUM)
#undef DTI_ERR_ENUM
	DTI_E_COUNT
} dti_err;

/* Static string describing an error code; never NULL. */
const char *dti_strerror(dti_err e);

/* Detail of the last error.  Callers may touch msg (always NUL-terminated). */
typedef struct dti_diag {
	char msg[1024];
} dti_diag;

/* Formats into d->msg when d is non-NULL; returns e so callers can write
 * `return diag_set(d, DTI_EINVALID, "...")`. */
dti_err diag_set(dti_diag *d, dti_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes d->msg with "prefix: " (used to add a file name to a message). */
void diag_prefix(dti_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable list of problems (all problems of an input, not just the first). */
typedef struct dti_problems {
	char **items;  /* the first `stored` problems */
	size_t stored, cap;
	size_t count;  /* all problems seen, stored or not */
	size_t limit; /* stop storing after this many (0 = 1000); count keeps going */
} dti_problems;

void problems_add(dti_problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void problems_free(dti_problems *p);

#endif
