/* store_report.h — what explain, export and the report read of a stored
 * scoring run beyond the results themselves (scorer/results.c): one score,
 * one commune's inputs, the observations behind them, the range of a
 * cross-commune ratio, and the earlier year's run.  Value structs; the
 * strings in them are owned by the struct and freed by its _free
 * function. */
#ifndef DTI_STORE_REPORT_H
#define DTI_STORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_score.h"

typedef struct staging staging;

/* One row of the score table with its commune's name. */
typedef struct store_report_score {
	double points, max_points, fraction;
	double ratio; /* NaN when none */
	char *flags;  /* "" when none */
	bool has_rank;
	int64_t rank;
	char *commune_name; /* "" for a commune not in the commune table */
} store_report_score;

/* The score of `item` (indicator id, pillar id or TOTAL) of a commune in a
 * scoring run; *found false when there is none.  Caller frees *out with
 * store_report_score_free, also on error. */
dti_err store_report_score_of(staging *st, int64_t run_id, const char *commune_code,
			      const char *item, store_report_score *out, bool *found, dti_diag *d);
void store_report_score_free(store_report_score *s);

/* One stored input of a commune in a scoring run. */
typedef struct store_report_input {
	char *variable;
	char *value; /* NULL when none */
	double num;  /* NaN when none */
	char *state;
	char *observation_ids; /* comma-separated, in the order scored; NULL when none */
} store_report_input;

typedef struct store_report_inputs {
	store_report_input *items;
	size_t n;
} store_report_inputs;

/* Every stored input of a commune in a scoring run.  Caller frees *out with
 * store_report_inputs_free, also on error. */
dti_err store_report_inputs_of(staging *st, int64_t run_id, const char *commune_code,
			       store_report_inputs *out, dti_diag *d);
void store_report_inputs_free(store_report_inputs *l);

/* An observation with its source, run and latest appraisal. */
typedef struct store_report_obs {
	int64_t id;
	char *value; /* as supplied */
	char *source, *source_kind;
	int64_t run_id;
	char *observed_at;
	char *input;        /* file or URL read, "" when none */
	char *state;        /* raw, verified, corrected, rejected */
	char *appraised_by; /* "" when none */
	char *reason;       /* "" when none */
	char *state_value;  /* value after appraisal */
	char *proof_url;    /* "" when none; escape before display */
} store_report_obs;

typedef struct store_report_obs_list {
	store_report_obs *items;
	size_t n;
} store_report_obs_list;

/* Observation `id`; *found false when there is none.  Caller frees *out
 * with store_report_obs_free, also on error. */
dti_err store_report_observation(staging *st, int64_t id, store_report_obs *out, bool *found,
				 dti_diag *d);
void store_report_obs_free(store_report_obs *o);

/* The rejected observations of a commune's variable in a year, by id.
 * Caller frees *out with store_report_obs_list_free, also on error. */
dti_err store_report_rejected(staging *st, int year, const char *commune_code, const char *variable,
			      store_report_obs_list *out, dti_diag *d);
void store_report_obs_list_free(store_report_obs_list *l);

/* The smallest and largest ratio of `item` over the communes of a scoring
 * run; NaN when none has one. */
dti_err store_report_ratio_range(staging *st, int64_t run_id, const char *item, double *min,
				 double *max, dti_diag *d);

/* What the exports show of a commune's TOTAL row beyond the loaded results
 * (scorer/results.h carries only its points and rank): its maximum,
 * fraction and flags, and the commune's name as the exports write it. */
typedef struct store_report_total {
	char *code;
	char *name; /* "" for a commune not in the commune table */
	double max_points, fraction;
	char *flags;
} store_report_total;

typedef struct store_report_totals {
	store_report_total *items; /* by commune code */
	size_t n;
} store_report_totals;

/* The TOTAL row of every commune of a scoring run, by code, as
 * results_load_totals reads them.  Frees the items. */
void store_report_totals_free(store_report_totals *l);

/* The name of the area scoring run `run_id` assessed, as configured when it
 * ran: malloc'd (caller frees), NULL for a run stored without one. */
dti_err store_report_run_area(staging *st, int64_t run_id, char **area_name, dti_diag *d);

/* ---- a run read commune by commune (publish) ----
 * The rows are those of store_scores_each, store_score_inputs_each and
 * store_input_observations_each (store_score.h), pointers valid during the
 * callback only. */

/* Every score row of run `run_id` by commune code then item (the table's
 * own order: no sort), commune_name the commune table's, NULL for a
 * commune not in it. */
dti_err store_report_scores_by_code(staging *st, int64_t run_id, store_score_fn fn, void *ctx,
				    dti_diag *d);
/* The score rows of one commune of run `run_id`, commune_name "". */
dti_err store_report_commune_scores(staging *st, int64_t run_id, const char *commune_code,
				    store_score_fn fn, void *ctx, dti_diag *d);
/* The inputs of one commune of run `run_id`. */
dti_err store_report_commune_inputs(staging *st, int64_t run_id, const char *commune_code,
				    store_score_input_fn fn, void *ctx, dti_diag *d);
/* The observations behind the inputs of one commune of run `run_id`, as
 * store_input_observations_each gives them, by variable and id. */
dti_err store_report_commune_observations(staging *st, int64_t run_id, const char *commune_code,
					  store_input_observation_fn fn, void *ctx, dti_diag *d);
/* The stored inputs document of one commune of run `run_id`, the text
 * score_input reads, or *doc NULL when the run has none for it: with
 * *layout its layout's variables (a JSON array of names) and the document
 * the array of their [value, num, state, observation_ids]; with *layout
 * NULL (documents stored before migration 19) an object, variable -> that
 * array.  Caller frees both. */
dti_err store_report_commune_input_doc(staging *st, int64_t run_id, const char *commune_code,
				       char **doc, char **layout, dti_diag *d);
/* The names of the sources and the inputs of the runs that observations
 * read by id come from, each read once and kept across calls of
 * store_report_observations_by_id (*names NULL at first; freed with
 * store_obs_names_free): a publish looks each up once, where a join would
 * for every observation. */
typedef struct store_obs_names store_obs_names;
void store_obs_names_free(store_obs_names *names);
/* The observations whose ids the n ids list (ascending, each once), by
 * id, the row of store_input_observations_each (its variable the
 * observation's); an id no observation has is passed over. */
dti_err store_report_observations_by_id(staging *st, store_obs_names **names, const int64_t *ids,
					size_t n, store_input_observation_fn fn, void *ctx,
					dti_diag *d);
/* The rejected observations of one commune's variable in the year of run
 * `run_id`, by id: those shown for an input an appraiser rejected. */
dti_err store_report_rejected_observations(staging *st, int64_t run_id, const char *commune_code,
					   const char *variable, store_input_observation_fn fn,
					   void *ctx, dti_diag *d);

#endif
