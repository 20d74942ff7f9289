/* store_backup.h — the SQL half of a backup (lib/backup.c does the files):
 * a consistent copy of the live database, and the check of a copy. */
#ifndef DTI_STORE_BACKUP_H
#define DTI_STORE_BACKUP_H

#include "err.h"

typedef struct staging staging;

/* VACUUM INTO `path`: one snapshot of the database while writers go on
 * (WAL).  On error d says "DB: cannot write backup 'PATH': why"; the
 * caller removes what may be left at path. */
dti_err store_backup_vacuum_into(staging *st, const char *path, dti_diag *d);
/* Opens the file at path read-only and runs PRAGMA quick_check on it:
 * DTI_EDB naming the file unless it answers "ok". */
dti_err store_backup_quick_check(const char *path, dti_diag *d);

#endif
