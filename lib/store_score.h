/* store_score.h — the scoring aggregate in the store: scoring runs, the
 * resolved inputs a run reads (current_input), the input sets and links it
 * writes, and its score rows.
 *
 * Reads come back as plain value structs.  A struct handed to a callback
 * points into the row being read: its strings are valid only until the
 * callback returns (copy what you keep).  Structs filled for the caller
 * (store_scoring_run) own nothing and need no _free.
 *
 * "The latest successful scoring run of a year" is asked here and nowhere
 * else: store_latest_scoring_run (a voided run never counts).  So are a
 * year's official result (store_approval_current) and the run an earlier
 * year is compared by (store_year_before). */
#ifndef DTI_STORE_SCORE_H
#define DTI_STORE_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* One row of scoring_run.  Every field may be read; nothing is owned. */
typedef struct store_scoring_run {
	int64_t id;
	int year;
	char mode[16];   /* "provisional" or "official" */
	char status[16]; /* "running", "ok" or "failed" */
	char started_at[32];
	char finished_at[32]; /* "" while running */
	int64_t communes;     /* communes scored */
	char framework_sha256[65];
	char input_sha256[65]; /* fingerprint of its inputs; "" when none */
	bool voided;           /* voided (store_scoring_run_void): counts nowhere */
	char marker[65];       /* what its inputs were as of (rescore.h); "" when none */
} store_scoring_run;

/* The latest successful ('ok') scoring run of `year` into *out; *found says
 * whether there is one (when not, *out is zeroed).  Fails only on database
 * errors. */
dti_err store_latest_scoring_run(staging *st, int year, store_scoring_run *out, bool *found,
				 dti_diag *d);

/* The scoring run `id` into *out, whatever its status; *found says
 * whether there is one. */
dti_err store_scoring_run_get(staging *st, int64_t id, store_scoring_run *out, bool *found,
			      dti_diag *d);

/* The successful ('ok') scoring run `id` (voided or not: see ->voided)
 * into *out, and, when
 * framework_body is not NULL, a malloc'd copy of the framework file it
 * used (caller frees; NULL when not found).  *found says whether there is
 * such a run. */
dti_err store_scoring_run_by_id(staging *st, int64_t id, store_scoring_run *out,
				char **framework_body, bool *found, dti_diag *d);

/* Inserts a scoring run with status 'running' (inside the caller's
 * transaction); *id receives its id.  area_name (NULL or "": none) is the
 * configured name of the area assessed, kept to title the run's report. */
dti_err store_scoring_run_start(staging *st, int year, const char *framework_sha256,
				const char *edition, const char *mode, const char *started_at,
				size_t communes, const char *area_name, int64_t *id, dti_diag *d);
/* Marks run `id` 'ok' with its end time, input fingerprint, and how many
 * inputs it scored and of them how many were missing, rejected or
 * unverified (score_input's rows of the run, and of those states). */
dti_err store_scoring_run_finish(staging *st, int64_t id, const char *finished_at,
				 const char *input_sha256, int64_t inputs, int64_t inputs_missing,
				 dti_diag *d);

/* Records on run `id` the marker of what its inputs were as of (a run of
 * the same inputs found unchanged takes the newer marker). */
dti_err store_scoring_run_set_marker(staging *st, int64_t id, const char *marker, dti_diag *d);

/* What the marker of the inputs is made of, besides the framework, year
 * and mode: the last observation and appraisal ids (0 when none), and fn
 * called with each active commune's code and name, in code order, then
 * with the unit list edition (name NULL). */
typedef void (*store_marker_fn)(void *ctx, const char *code, const char *name);
dti_err store_marker_parts(staging *st, int64_t *last_observation, int64_t *last_appraisal,
			   store_marker_fn fn, void *ctx, dti_diag *d);

/* Voids run `id`, recording why, who and when (at, UTC).  The run stays,
 * with its scores; the run must not be voided already. */
dti_err store_scoring_run_void(staging *st, int64_t id, const char *reason, const char *by,
			       const char *at, dti_diag *d);

/* The approval of a run as its year's official result.  Every field may be
 * read; nothing is owned. */
typedef struct store_approval {
	int64_t id, scoring_run_id;
	int year;
	char decision[256];     /* the decision's number, e.g. "123/QĐ-UBND" */
	char decision_date[16]; /* YYYY-MM-DD */
	char by[256];
	char at[32]; /* UTC */
} store_approval;

/* The current approval of `year` (the official result) into *out; *found
 * says whether the year has one (when not, *out is zeroed). */
dti_err store_approval_current(staging *st, int year, store_approval *out, bool *found,
			       dti_diag *d);
/* Records the approval a->scoring_run_id of a->year (inside the caller's
 * transaction): the year's current approval, if any, ends at a->at and
 * names the new one as superseding it.  a->id receives the new id. */
dti_err store_approval_put(staging *st, store_approval *a, dti_diag *d);

/* The run an earlier year is compared by: the latest year before `year`
 * with a scoring run, and its official result, else its latest run.
 * *id is 0 when no earlier year was scored; *official says which. */
dti_err store_year_before(staging *st, int year, int64_t *id, bool *official, dti_diag *d);

/* One row of current_input (the resolved value of a variable for a
 * commune and year).  Pointers are valid during the callback only. */
typedef struct store_input {
	const char *commune_code;
	const char *variable;
	const char *value;           /* NULL when there is none */
	double num;                  /* 0 when NULL (an enum, or no value) */
	const char *state;           /* NULL when NULL */
	const char *observation_ids; /* comma-separated; NULL when none */
} store_input;

typedef dti_err (*store_input_fn)(void *ctx, const store_input *in, dti_diag *d);

/* Calls fn for every row of current_input of `year`: in the view's own
 * order, or, when sorted, ordered by commune code (slower).  A non-zero
 * return of fn stops the read and is returned. */
dti_err store_current_inputs(staging *st, int year, bool sorted, store_input_fn fn, void *ctx,
			     dti_diag *d);

/* The same rows, of one commune only. */
dti_err store_commune_current_inputs(staging *st, int year, const char *commune_code,
				     store_input_fn fn, void *ctx, dti_diag *d);

/* The same rows, of every active commune, for the variables named in
 * names_json (a JSON array of strings) only. */
dti_err store_current_inputs_of(staging *st, int year, const char *names_json, store_input_fn fn,
				void *ctx, dti_diag *d);

/* Whether input_set holds a document under digest `sha256`. */
dti_err store_input_set_has(staging *st, const char *sha256, bool *found, dti_diag *d);
/* The id of input layout `variables` (a JSON array of variable names, the
 * order of a run's documents), stored when it is new (inside the caller's
 * transaction). */
dti_err store_input_layout(staging *st, const char *variables, int64_t *id, dti_diag *d);
/* Stores the JSON document `inputs` of layout `layout` (the array of each
 * variable's [value, num, state, observation_ids], in the layout's order)
 * under `sha256` (inside the caller's transaction); the digest must be new. */
dti_err store_input_set_put(staging *st, const char *sha256, const char *inputs, int64_t layout,
			    dti_diag *d);
/* Names input set `sha256` as the inputs of commune `code` in run `run_id`. */
dti_err store_scoring_input_put(staging *st, int64_t run_id, const char *code, const char *sha256,
				dti_diag *d);

/* One row of the score table.  When read, the pointers are valid during
 * the callback only. */
typedef struct store_score {
	const char *commune_code;
	const char *commune_name; /* read only: the commune's name, or its code
				  * (NULL from store_report_scores_by_code
				  * for a commune not in the table) */
	const char *item;         /* indicator or pillar id, or "TOTAL" */
	const char *level;        /* "indicator", "pillar" or "total" */
	double points, max_points, fraction;
	double ratio;      /* NaN: NULL */
	const char *flags; /* flag words; "" for none */
	int64_t rank;      /* 0: NULL (only totals have one) */
} store_score;

/* Fills rows[0 .. per-1] with the scores of the run's commune number
 * `commune` (the strings must stay valid until the next call).  It is
 * called on a thread of its own, commune after commune, while
 * store_scores_put writes on the caller's: it may read only what does not
 * change meanwhile. */
typedef void (*store_score_fill_fn)(void *ctx, size_t commune, store_score *rows);

/* Stores the scores of run `run_id` for communes 0 .. n_communes-1, each
 * with `per` rows filled by fill, in that order (inside the caller's
 * transaction).  A commune whose rows (all but its rank) are those of a
 * set already stored, by an earlier run, links to that set; else its rows
 * go in as a new set (score_set.rows, one JSON text).  known (may be
 * NULL): another connection to the same database, for the filling thread
 * to see which sets earlier runs stored and not write their text (a
 * read-only one opened after the caller's transaction began).
 * DTI_EINVALID, for the caller to roll back, when a row's level is not
 * indicator, pillar or total or a number is not finite. */
dti_err store_scores_put(staging *st, staging *known, int64_t run_id, size_t n_communes, size_t per,
			 store_score_fill_fn fill, void *ctx, dti_diag *d);

typedef dti_err (*store_score_fn)(void *ctx, const store_score *s, dti_diag *d);

/* Calls fn for every score row of run `run_id`, communes by rank then code
 * (commune_name filled). */
dti_err store_scores_each(staging *st, int64_t run_id, store_score_fn fn, void *ctx, dti_diag *d);

/* For the store's readers of score rows (lib/store_report.c,
 * lib/store_history.c): `sql` gives one row a commune — its code, name,
 * rank (NULL: none), its score set's rows (score_set.rows) and the set's
 * id — and fn is called with each score row of each set, in item order,
 * only those of `item` and of `level` when they are not NULL.  DTI_EDB
 * naming the set when its text is not as dti stores it. */
dti_err store_score_sets_each(staging *st, const char *sql, const store_arg *args, size_t n,
			      const char *item, const char *level, store_score_fn fn, void *ctx,
			      dti_diag *d);

/* One input of a scoring run as the score_input view shows it.  Pointers
 * are valid during the callback only. */
typedef struct store_score_input {
	const char *commune_code;
	const char *variable;
	const char *value; /* NULL when none */
	double num;        /* NaN: NULL */
	const char *state; /* NULL when NULL */
} store_score_input;

typedef dti_err (*store_score_input_fn)(void *ctx, const store_score_input *in, dti_diag *d);

/* Calls fn for every input of run `run_id`. */
dti_err store_score_inputs_each(staging *st, int64_t run_id, store_score_input_fn fn, void *ctx,
				dti_diag *d);

/* An observation behind an input of a scoring run, with its appraisal,
 * source and fetching run.  Pointers are valid during the callback only;
 * each but the commune code and variable is NULL for SQL NULL. */
typedef struct store_input_observation {
	const char *commune_code, *variable;
	int64_t id;
	const char *value, *state;        /* after appraisal */
	const char *source, *source_kind; /* source.name, source.kind */
	const char *observed_at;
	const char *input; /* file or URL read; "" when none */
	const char *proof_url, *note;
	const char *appraised_by, *appraisal_reason;
} store_input_observation;

typedef dti_err (*store_input_observation_fn)(void *ctx, const store_input_observation *o,
					      dti_diag *d);

/* The statement of store_input_observations_each for the inputs WHERE
 * selects (of score_input i; ?1 the run): the few inputs every value of
 * which was rejected first (MATERIALIZED: the planner would otherwise
 * expand every input for each observation of the year), then the
 * observations each input lists, in the columns of store_observation_row,
 * ordered by commune, variable and id. */
#define STORE_INPUT_OBSERVATIONS_SQL(WHERE)                                                 \
	"WITH rejected AS MATERIALIZED ("                                                   \
	"SELECT i.commune_code, i.variable, sr.year FROM score_input i "                    \
	"JOIN scoring_run sr ON sr.id = i.scoring_run_id "                                  \
	"WHERE " WHERE " AND i.observation_ids IS NULL AND i.state = 'rejected') "          \
	"SELECT i.commune_code, i.variable, o.id, st.value, st.state, src.name, src.kind, " \
	"o.observed_at, coalesce(r.input, ''), o.proof_url, o.note, st.appraised_by, "      \
	"st.appraisal_reason "                                                              \
	"FROM score_input i, json_each('[' || i.observation_ids || ']') j "                 \
	"JOIN observation o ON o.id = j.value "                                             \
	"JOIN observation_state st ON st.id = o.id "                                        \
	"JOIN source src ON src.id = o.source_id JOIN run r ON r.id = o.run_id "            \
	"WHERE " WHERE " AND i.observation_ids IS NOT NULL "                                \
	"UNION ALL "                                                                        \
	"SELECT i.commune_code, i.variable, o.id, st.value, st.state, src.name, src.kind, " \
	"o.observed_at, coalesce(r.input, ''), o.proof_url, o.note, st.appraised_by, "      \
	"st.appraisal_reason "                                                              \
	"FROM rejected i "                                                                  \
	"JOIN observation o ON o.year = i.year AND o.commune_code = i.commune_code "        \
	"AND o.variable = i.variable "                                                      \
	"JOIN observation_state st ON st.id = o.id AND st.state = 'rejected' "              \
	"JOIN source src ON src.id = o.source_id JOIN run r ON r.id = o.run_id "            \
	"ORDER BY 1, 2, 3"

/* Calls fn for the observations behind every input of run `run_id` — for
 * an input rejected by an appraiser, the rejected observations (the run
 * scored none) — ordered by commune, variable and observation id. */
dti_err store_input_observations_each(staging *st, int64_t run_id, store_input_observation_fn fn,
				      void *ctx, dti_diag *d);

/* The row readers of the statements above, for the other readers of a run
 * (lib/store_report.c) whose statements select the same columns in the
 * same order: ctx is the matching reader, and each row goes to its fn. */
typedef struct store_score_input_reader {
	store_score_input_fn fn;
	void *ctx;
} store_score_input_reader;
typedef struct store_observation_reader {
	store_input_observation_fn fn;
	void *ctx;
} store_observation_reader;
dti_err store_score_input_row(void *ctx, const store_row *r, dti_diag *d);
dti_err store_observation_row(void *ctx, const store_row *r, dti_diag *d);

#endif
