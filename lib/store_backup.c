/* store_backup.c — VACUUM INTO and the quick check of a copy (see
 * store_backup.h). */
#include "store_backup.h"

#include <string.h>

#include "staging_int.h"

dti_err store_backup_vacuum_into(staging *st, const char *path, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc = DTI_EOK;

	/* Not through the statement cache: run once in a program's life. */
	if (sqlite3_prepare_v2(st->db, "VACUUM INTO ?1", -1, &s, NULL) != SQLITE_OK) {
		rc = store_db_error(st, d, "cannot prepare statement");
		goto out;
	}
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "%s: cannot write backup '%s': %s", st->path, path,
			      sqlite3_errmsg(st->db));
out:
	sqlite3_finalize(s);
	return rc;
}

dti_err store_backup_quick_check(const char *path, dti_diag *d)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	dti_err rc = DTI_EOK;
	const char *res;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK) {
		rc = diag_set(d, DTI_EDB, "%s: cannot check backup: %s", path,
			      db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (sqlite3_step(s) != SQLITE_ROW) {
		rc = diag_set(d, DTI_EDB, "%s: cannot check backup: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	res = (const char *)sqlite3_column_text(s, 0);
	if (!res || strcmp(res, "ok") != 0)
		rc = diag_set(d, DTI_EDB, "%s: backup fails quick_check: %s", path,
			      res ? res : "?");
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}
