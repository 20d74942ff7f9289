/* backup.h — consistent online copies of the live staging database.
 *
 * VACUUM INTO reads one snapshot of the database while writers go on (WAL),
 * so a backup never holds half a batch.  The copy is written under a
 * temporary name, checked with PRAGMA quick_check and only then renamed, so
 * a file with a backup's final name is always complete.  Retention keeps
 * the newest `keep` backups of the same database in the folder. */
#ifndef DTI_BACKUP_H
#define DTI_BACKUP_H

#include "err.h"
#include "staging.h"

typedef struct backup_result {
	char *path;  /* the backup written; caller frees with backup_result_free */
	int removed; /* older backups deleted by retention */
} backup_result;

/* Writes DIR/<stem>-YYYYMMDDTHHMMSSmmmZ.db, where stem is the database
 * file's name without ".db", creating DIR when needed, then deletes the
 * oldest backups of that stem beyond `keep` (keep >= 1).  Leftover
 * temporary files of an interrupted backup are removed.  On error nothing
 * with a backup's final name is left behind. */
dti_err backup_write(staging *st, const char *dir, int keep, backup_result *out, dti_diag *d);
void backup_result_free(backup_result *r);

/* Whether `name` is a backup file name of `stem` (for retention). */
int backup_name_matches(const char *name, const char *stem);

#endif
