/* store_status.h — what operations read and record: each source's
 * freshness, the collector runs, the scoring run of a year, and the nightly
 * run's record (dti status, dti runs, dti nightly-run, the report's
 * data-quality page).  Value structs; the strings in them are owned by the
 * struct and freed by its _free function. */
#ifndef DTI_STORE_STATUS_H
#define DTI_STORE_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct staging staging;

/* ---- source freshness ------------------------------------------------ */

/* One source as `dti status` sees it (view source_freshness).  Texts are
 * NULL for SQL NULL; numbers NaN. */
typedef struct store_freshness {
	char *last_run;     /* finished (or started) time of its latest run but dry runs */
	char *last_status;  /* status of that run */
	char *last_success; /* finished time of its latest 'ok' or 'unchanged' run */
	double age_hours;   /* hours since last_success, unrounded */
	double max_age_hours;
	char *last_error;   /* error of its latest failed run */
	char *last_warning; /* warning of its latest 'ok' run (no value for a commune assessed) */
} store_freshness;

/* The freshness of source `name`; *found false (and *out all NULL/NaN) for a
 * source the database does not know.  Caller frees *out with
 * store_freshness_free, also on error. */
dti_err store_source_freshness(staging *st, const char *name, store_freshness *out, bool *found,
			       dti_diag *d);
void store_freshness_free(store_freshness *f);

/* Every source the database knows, by name. */
typedef struct store_source_names {
	char **names, **kinds; /* [n] each */
	size_t n;
} store_source_names;

/* Caller frees *out with store_source_names_free, also on error. */
dti_err store_source_names_list(staging *st, store_source_names *out, dti_diag *d);
void store_source_names_free(store_source_names *l);

/* One row of the view source_status as the report shows it.  Texts NULL
 * for SQL NULL; numbers NaN. */
typedef struct store_source_state {
	char *source, *kind;
	double max_age_hours;
	char *last_success;
	double age_hours; /* rounded to 2 places by the view */
	char *last_status, *last_error;
	bool stale; /* state is not 'ok': stale, failing or both */
} store_source_state;

typedef struct store_source_states {
	store_source_state *items; /* by source name */
	size_t n;
	/* The communes' own forms (kind "form", a source each: 10,048 of them
	 * nationally) whose state is 'ok' are counted, not listed (a form
	 * source is not of a year: n_year of them gave the year's form): */
	size_t n_forms, n_year;
	char *forms_last; /* the latest success among them; NULL when none */
} store_source_states;

/* The rows of source_status by source, but for the forms counted in
 * n_forms (a form not 'ok' is listed), all read at one moment; n_year of
 * the forms counted have a run of `year` that stored or found unchanged.
 * Caller frees *out with store_source_states_free, also on error. */
dti_err store_source_states_list(staging *st, int year, store_source_states *out, dti_diag *d);
void store_source_states_free(store_source_states *l);

/* ---- scoring --------------------------------------------------------- */

/* How many inputs (commune and variable) scoring run `id` read, and how
 * many of them were missing (state missing, rejected or unverified, as the
 * view missing_input counts them). */
dti_err store_scoring_missing(staging *st, int64_t id, int64_t *missing, int64_t *total,
			      dti_diag *d);

/* ---- collector runs -------------------------------------------------- */

typedef struct store_run_row {
	int64_t id;
	char *source; /* "" for a run without a source */
	char *program, *status, *started_at;
	char *finished_at; /* "" while running */
	int64_t read, stored, skipped, rejected;
	char *input;     /* "" when none */
	char *error;     /* on one line (newlines as " | "), "" when none */
	char *old_codes; /* how old codes were converted (lib/oldcodes.h), "" for none */
} store_run_row;

typedef struct store_run_rows {
	store_run_row *items; /* newest first */
	size_t n;
} store_run_rows;

/* The `limit` newest runs.  Caller frees *out with store_run_rows_free,
 * also on error. */
dti_err store_runs_latest(staging *st, int64_t limit, store_run_rows *out, dti_diag *d);
void store_run_rows_free(store_run_rows *l);

/* ---- the nightly run's record ---------------------------------------- */

typedef struct store_nightly {
	int64_t id;
	char *status;
	int64_t exit_code; /* -1 when not recorded */
	char *started_at;
	char *finished_at; /* "" while running */
	int64_t sources_ok, sources_failed;
	char *failed_sources, *only_source; /* "" when none */
} store_nightly;

/* The latest nightly run of a year; *found false when none.  Caller frees
 * *out with store_nightly_free, also on error. */
dti_err store_nightly_latest(staging *st, int year, store_nightly *out, bool *found, dti_diag *d);
void store_nightly_free(store_nightly *n);

typedef struct store_published {
	int64_t nightly_id;
	char *published_at;
	char *program;          /* "" when not recorded */
	int64_t scoring_run_id; /* 0 when not recorded */
	char *backup_file;      /* "" when none */
} store_published;

/* The latest nightly run of a year that published; *found false when
 * none.  Caller frees *out with store_published_free, also on error. */
dti_err store_nightly_published(staging *st, int year, store_published *out, bool *found,
				dti_diag *d);
void store_published_free(store_published *p);

/* Records the start of a nightly run, inside the caller's transaction: a
 * run still 'running' becomes 'interrupted' (the caller holds the lock, so
 * it died), then a new 'running' row for `year` and `only` (may be NULL)
 * started at `now`; *id receives its id. */
dti_err store_nightly_open(staging *st, int year, const char *only, const char *now, int64_t *id,
			   dti_diag *d);

/* How a nightly run ended.  Empty or NULL texts are stored as NULL. */
typedef struct store_nightly_end {
	int64_t id, exit_code, ok, failed;
	const char *status, *failed_sources, *published, *backup, *summary;
} store_nightly_end;

/* Records the end at `now`, with the year's latest 'ok' scoring run, and
 * the publication time when e->published names the program that
 * published.  DTI_ENOTFOUND when there is no nightly run e->id. */
dti_err store_nightly_close(staging *st, const store_nightly_end *e, const char *now, dti_diag *d);

#endif
