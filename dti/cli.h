/* cli.h — what every `dti` subcommand shares: the loaded configuration,
 * framework and database, error reporting and the exit codes.  Each
 * subcommand lives in scorer/cmd_*.c and is listed in scorer/dti.c. */
#ifndef DTI_CLI_H
#define DTI_CLI_H

#include <stdbool.h>

#include "config.h"
#include "err.h"
#include "framework.h"
#include "staging.h"

typedef struct app {
	const char *config_path;
	const char *db_path;
	int year;
	config *cfg;
	framework *fw;
	staging *st;
} app;

/* Loads configuration, framework and database; seeds the communes on first
 * use.  Returns an exit code (EXIT_OK on success) after logging. */
int app_open(app *a);
/* Like app_open, but the database read-only (commands that only read it:
 * status, runs, explain, export, communes list, form status): never takes
 * the write lock, so it never waits behind a writer.  Opens read-write
 * (app_open) only when the database does not exist yet or needs
 * migrating.  The communes and framework stored are the last writer's. */
int app_open_reader(app *a);
/* Loads the configuration only (commands that never touch the database:
 * sources, paths).  Returns an exit code after logging. */
int app_open_config(app *a);
void app_close(app *a);

/* Exit code for an error. */
int exit_for(dti_err e);
/* Logs d->msg and returns exit_for(e). */
int fail(dti_err e, const dti_diag *d);
/* Logs msg with a hint to --help; returns EXIT_USAGE. */
int usage_error(const char *msg);

int cmd_init(app *a, int argc, char **argv);
int cmd_communes(app *a, int argc, char **argv);
int cmd_import(app *a, int argc, char **argv);
int cmd_score(app *a, int argc, char **argv);
int cmd_export(app *a, int argc, char **argv);
int cmd_explain(app *a, int argc, char **argv);
int cmd_runs(app *a, int argc, char **argv);
int cmd_sources(app *a, int argc, char **argv);
int cmd_paths(app *a, int argc, char **argv);
int cmd_status(app *a, int argc, char **argv);
int cmd_backup(app *a, int argc, char **argv);
int cmd_nightly_run(app *a, int argc, char **argv);
int cmd_form(app *a, int argc, char **argv);
int cmd_appraise(app *a, int argc, char **argv);
int cmd_publish(app *a, int argc, char **argv);

#endif
