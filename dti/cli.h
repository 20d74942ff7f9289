/* cli.h — what every `dti` subcommand shares: the program's start-up
 * (lib/app.h: configuration, framework, database), error reporting and the
 * exit codes (lib/err.h).  Each subcommand lives in dti/cmd_*.c and is
 * listed in dti/dti.c with what it needs opened. */
#ifndef DTI_CLI_H
#define DTI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "config.h"
#include "err.h"
#include "framework.h"
#include "staging.h"

/* Exit code of dti for an error (dti_exit_code, the dti column). */
int exit_for(dti_err e);
/* Logs d->msg and returns exit_for(e). */
int fail(dti_err e, const dti_diag *d);
/* Logs msg with a hint to the command's --help; returns EXIT_USAGE.  The
 * program's name (log_init) names the command: msg does not repeat it. */
int usage_error(const char *msg);
/* Logs "unknown WHAT 'word'", with "; did you mean 'X'?" when one of
 * choices[0 .. n) is near (text_nearest), and the hint; EXIT_USAGE. */
int usage_unknown(const char *what, const char *word, const char *const *choices, size_t n);
/* For getopt_long's '?' (opterr is 0 in dti): says what is wrong with the
 * option just read, argv[optind - 1] — unknown (with the nearest of opts)
 * or missing its value — and the hint; EXIT_USAGE. */
int option_error(const struct option *opts, char **argv);
/* Parses a --run argument, a scoring run id: false unless s is a whole
 * number above 0. */
bool parse_run_id(const char *s, int64_t *run);

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
int cmd_sheet(app *a, int argc, char **argv);
int cmd_appraise(app *a, int argc, char **argv);
int cmd_publish(app *a, int argc, char **argv);
int cmd_approve(app *a, int argc, char **argv);
int cmd_runs_void(app *a, int argc, char **argv);
int cmd_units(app *a, int argc, char **argv);
int cmd_user(app *a, int argc, char **argv);
int cmd_check(app *a, int argc, char **argv);
/* Publishes run_id (0: the year's latest, or with official its approved
 * run) into out; official: as the year's official result, into
 * out/official-YEAR/, waiting at most wait_s seconds for another publish
 * into out.  Returns the exit code, having logged any error. */
int cli_publish(app *a, const char *out, int64_t run_id, bool official, int wait_s);

#endif
