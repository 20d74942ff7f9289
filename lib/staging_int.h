/* staging_int.h — the staging handle's insides, for lib/staging*.c and
 * lib/store*.c only: the files where SQL lives.  Nothing else includes it. */
#ifndef DTI_STAGING_INT_H
#define DTI_STAGING_INT_H

#include <sqlite3.h>
#include <stdbool.h>

#include "err.h"
#include "staging.h"

/* A statement prepared once and kept for the connection's life. */
typedef struct store_stmt {
	const char *sql; /* the caller's text, compared by pointer first */
	sqlite3_stmt *stmt;
	bool busy;       /* being stepped: a nested use of the same SQL prepares its own */
} store_stmt;

struct staging {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *put, *current, *has_commune, *has_variable;
	store_stmt *cache;
	size_t n_cache, cap_cache;
};

/* Fills d with "PATH: WHAT: SQLite's message"; returns DTI_EDB. */
dti_err store_db_error(staging *st, dti_diag *d, const char *what);
/* Finalises every cached statement (staging_close). */
void store_cache_free(staging *st);

#endif
