/* app.h — the one start-up and shut-down of every program: dti, the
 * collectors (lib/collector.h) and dti-web.
 *
 *   configuration  read and validated whole: the file (config_load) and
 *                  every section the core knows (the "sources" blocks,
 *                  collector_check_sources), so a typo anywhere is refused
 *                  by any command
 *   framework      the framework file (APP_FRAMEWORK)
 *   communes       the configured commune list resolved (APP_COMMUNES)
 *                  and, with APP_SAME_COMMUNES, the database's set checked
 *                  against it once the database is open
 *   database       opened, migrated, the framework synced, the configured
 *                  communes seeded when the database has none
 *                  (APP_DATABASE); or opened read-only, as it is
 *                  (APP_READ_ONLY)
 *
 * The national unit list (10,048 lines) is read only when something needs
 * it: seeding, APP_COMMUNES, or a later config_units / config_communes.
 * An error is returned with d set; the program logs d->msg and ends with
 * dti_exit_code(rc, its kind) (lib/err.h, docs/administrator.md "Exit codes"). */
#ifndef DTI_APP_H
#define DTI_APP_H

#include <stdbool.h>

#include "config.h"
#include "err.h"
#include "framework.h"
#include "staging.h"

/* What a program has open.  The caller sets the three inputs and zeroes
 * the rest; app_start fills the others, owned by the app until app_stop. */
typedef struct app {
	const char *config_path; /* in: NULL for config_default_path(), which it becomes */
	const char *db_path;     /* in: NULL for the configuration's "database" */
	int year;                /* in: 0 for the configuration's "year"; out: the year */
	config *cfg;
	framework *fw; /* with APP_FRAMEWORK */
	staging *st;   /* with APP_DATABASE */
} app;

/* What a program needs (an or of these; APP_CONFIG alone: the configuration). */
enum {
	APP_CONFIG = 0,
	APP_FRAMEWORK = 1 << 0,
	APP_DATABASE = 1 << 1 | APP_FRAMEWORK,
	/* The database read-only: never takes the write lock, so it never
	 * waits behind a writer, and creates or migrates nothing: a database
	 * that does not exist or is older than this program is DTI_EDB, the
	 * message naming 'dti init'. */
	APP_READ_ONLY = 1 << 2 | APP_DATABASE,
	APP_COMMUNES = 1 << 3,
	/* The database's commune set must be the configuration's, unless the
	 * operator loaded it from a file: else DTI_ECONFIG naming the
	 * difference and 'dti communes load' (commands that score or
	 * publish). */
	APP_SAME_COMMUNES = 1 << 4 | APP_DATABASE | APP_COMMUNES,
	/* The same comparison, a warning only (read-only monitoring). */
	APP_WARN_COMMUNES = 1 << 5 | APP_READ_ONLY,
};

/* Opens what `needs` says, in the order above.  On error what was opened
 * stays in a for app_stop. */
dti_err app_start(app *a, unsigned needs, dti_diag *d);

/* The database step alone, for a program that checks more between the
 * framework and the database (the collectors check their sources first).
 * Any failure of the database itself is DTI_EDB (DTI_ESCHEMA for a newer
 * schema); a refused commune list is the configuration's error. */
dti_err app_open_database(app *a, bool read_only, dti_diag *d);

/* Closes everything app_start opened; a may be partly open.  The inputs
 * stay. */
void app_stop(app *a);

#endif
