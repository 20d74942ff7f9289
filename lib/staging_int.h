/* staging_int.h — the staging handle's insides, for lib/staging*.c and
 * lib/store*.c only: the files where SQL lives.  Nothing else includes it. */
#ifndef DTI_STAGING_INT_H
#define DTI_STAGING_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "staging.h"

/* How long a connection waits for another's write lock (sqlite3_busy_timeout). */
#define STAGING_BUSY_MS 30000

/* A statement prepared once and kept for the connection's life. */
typedef struct store_stmt {
	const char *sql; /* the caller's text, compared by pointer first */
	sqlite3_stmt *stmt;
	bool busy; /* being stepped: a nested use of the same SQL prepares its own */
} store_stmt;

struct staging {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *put, *put_rows, *has_commune, *has_variable;
	store_stmt *cache;
	size_t n_cache, cap_cache;
	staging_cache_use cache_own; /* the connection's own use */
};

/* The raw connection and statement helpers: for the store files (and the
 * unit tests that look under the store) only. */
/* The connection. */
sqlite3 *staging_db(staging *st);
/* Prepares a statement or fills d with the SQLite message. */
dti_err staging_prepare(staging *st, const char *sql, sqlite3_stmt **out, dti_diag *d);
/* Runs a query with at most one integer parameter (?1; ignored by a query
 * without one) and gives the first column of its first row as an integer
 * (0 when there is no row or it is NULL). */
dti_err staging_query_int64(staging *st, const char *sql, int64_t param, int64_t *out, dti_diag *d);
/* Binds text or NULL. */
void staging_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Binds a real, or NULL when v is NaN. */
void staging_bind_num(sqlite3_stmt *s, int i, double v);

/* Fills d with "PATH: WHAT: SQLite's message"; returns DTI_EDB. */
dti_err store_db_error(staging *st, dti_diag *d, const char *what);
/* Fills d with "WHAT: SQLite's message" (no path); returns DTI_EDB. */
dti_err store_db_failed(staging *st, dti_diag *d, const char *what);
/* Finalises every cached statement (staging_close). */
void store_cache_free(staging *st);

#endif
