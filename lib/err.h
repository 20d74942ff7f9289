/* err.h — the one error type of dti.
 *
 * Every fallible function returns a dti_err (0 is success) and takes an
 * optional dti_diag* that receives a human message naming the input (file,
 * line, URL, SQLite message).  Passing NULL for the diag is always allowed. */
#ifndef DTI_ERR_H
#define DTI_ERR_H

#include <stddef.h>

/* Exit codes of every program (dti, the collectors, dti-web): the one table
 * of docs/administrator.md "Exit codes".  A program's main returns one of these. */
typedef enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1, /* dti: input refused (bad file, unknown commune, nothing to score) */
	EXIT_SOURCE_FAILED = 1, /* a collector: some source failed; its failed run records why */
	EXIT_USAGE = 2,
	EXIT_CONFIG = 3, /* configuration, framework or commune list refused: nothing was run */
	EXIT_DB = 4      /* database (or, for dti, file) error */
} dti_exit;

/* The kinds of program, one column each in the exit table below. */
typedef enum { PROGRAM_DTI, PROGRAM_COLLECTOR } dti_program;

/* Every error: its name, its message, and the exit code it ends a program
 * with, by kind of program.  The columns differ where cron/dti-nightly
 * relies on it: a collector's 1 means "a source failed and its run says
 * why", so a collector refusing to start (any error before its database is
 * opened: a malformed framework, an unreadable unit list) exits 3, where
 * dti says 1 for input refused and 4 for a file it cannot read. */
#define DTI_ERRORS(X)                                                             \
	X(OK, "success", EXIT_OK, EXIT_OK)                                        \
	X(NOMEM, "out of memory", EXIT_DB, EXIT_CONFIG)                           \
	X(IO, "input/output error", EXIT_DB, EXIT_CONFIG)                         \
	X(PARSE, "malformed input", EXIT_REFUSED, EXIT_CONFIG)                    \
	X(INVALID, "invalid data", EXIT_REFUSED, EXIT_CONFIG)                     \
	X(CONFIG, "configuration error", EXIT_CONFIG, EXIT_CONFIG)                \
	X(FRAMEWORK, "framework file refused", EXIT_CONFIG, EXIT_CONFIG)          \
	X(DB, "database error", EXIT_DB, EXIT_DB)                                 \
	X(SCHEMA, "database schema is newer than this program", EXIT_DB, EXIT_DB) \
	X(NOTFOUND, "not found", EXIT_REFUSED, EXIT_CONFIG)                       \
	X(FETCH, "fetch failed", EXIT_DB, EXIT_CONFIG)                            \
	X(LIMIT, "limit exceeded", EXIT_DB, EXIT_CONFIG)                          \
	X(LOCKED, "locked by another run", EXIT_DB, EXIT_DB)                      \
	X(DEADLINE, "round deadline passed", EXIT_REFUSED, EXIT_CONFIG)           \
	X(USAGE, "usage error", EXIT_USAGE, EXIT_USAGE)

typedef enum {
#define DTI_ERR_ENUM(name, msg, dti_code, collector_code) DTI_E##name,
	DTI_ERRORS(DTI_ERR_ENUM)
#undef DTI_ERR_ENUM
		DTI_E_COUNT
} dti_err;

/* Static string describing an error code; never NULL. */
const char *dti_strerror(dti_err e);

/* The exit code a program of kind p ends with after error e (the table
 * above); EXIT_DB for a value outside the enum. */
dti_exit dti_exit_code(dti_err e, dti_program p);

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
	char **items; /* the first `stored` problems */
	size_t stored, cap;
	size_t count; /* all problems seen, stored or not */
	size_t limit; /* stop storing after this many (0 = 1000); count keeps going */
} dti_problems;

void problems_add(dti_problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void problems_free(dti_problems *p);

#endif
