/* results.h — one stored scoring run read back for publishing, in bounded
 * memory: every commune's total, rank and pillar scores at once (tens of
 * bytes a pillar), and one commune at a time its indicator scores and
 * (optionally) the inputs each score used with the observations, sources
 * and fetch times behind them (results_detail).  Every field may be read;
 * strings are owned by the results and freed by results_free. */
#ifndef DTI_RESULTS_H
#define DTI_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "advice.h"
#include "score.h"
#include "store_report.h"
#include "util.h"

typedef struct res_obs {
	int64_t id;
	char *value, *state;        /* value after appraisal; raw/verified/corrected/rejected */
	char *source, *source_kind; /* source.name, source.kind */
	char *observed_at;          /* when the run that stored it fetched it (UTC) */
	char *proof_url, *note;     /* as supplied, may be NULL: escape before display */
	char *appraised_by, *appraisal_reason; /* the latest appraisal act, may be NULL */
} res_obs;

typedef struct res_input {
	bool stored;      /* the run recorded this variable (the framework uses it) */
	rule_value value; /* as scored */
	char *text;       /* value as scored; NULL when none */
	char *state;      /* raw, verified, corrected, rejected, unverified, missing */
	res_obs *obs;     /* the observations scored; for a rejected input, the rejected ones */
	size_t n_obs;
} res_input;

typedef struct res_score {
	double points, max, fraction;
	double ratio;           /* NAN when none */
	unsigned flags;         /* FLAG_NOT_APPLICABLE is not among them: */
	bool not_applicable;    /* not scored for the commune's unit type (max 0) */
	const char *flags_text; /* as stored; owned by the results */
} res_score;

/* A pillar's score as the pages and exports show it: 32 bytes where a
 * res_score takes 48, for each of every commune's pillars (held for the
 * whole of a publish, for the rankings and charts). */
typedef struct res_pillar {
	double points, max, fraction;
	const char *flags_text; /* as stored ("not_applicable" included); owned by the results */
} res_pillar;

typedef struct res_commune {
	char *code, *name;
	long rank;
	double total;
	double max;          /* its maximum: the framework's total less what does not apply */
	res_pillar *pillars; /* [fw->n_pillars] */
	size_t n_flagged;    /* indicators with a flag */
	/* Between results_detail and results_detail_drop only: */
	res_score *indicators;      /* [fw->n_indicators]; NULL otherwise */
	res_input *inputs;          /* [fw->n_variables]; NULL otherwise or without inputs */
	arena strings;              /* the inputs' and their observations' texts */
	struct advice_kept *advice; /* [fw->n_indicators], results_advice_kept */
	/* Set by results_detail with inputs (kept after the drop): the
	 * variables the framework uses that the run stored, and of them those
	 * with a value. */
	size_t n_used, n_have;
} res_commune;

typedef struct results {
	const framework *fw; /* the run's framework (not owned) */
	int64_t run_id;
	int year;
	char mode[16], started_at[32];
	res_commune *communes; /* by rank, then code */
	size_t n;
	const char **names; /* [n] commune names, for advice_set */
	bool with_inputs;
	bool maxima_differ; /* the communes' maxima differ: ranked by share of it */
	/* Per cross_commune indicator (NULL otherwise): x of every commune,
	 * and the communes with the two largest and two smallest x. */
	double **cross_x;
	size_t (*cross_top)[4];            /* max1, max2, min1, min2 (SIZE_MAX: none) */
	uint32_t *by_code;                 /* [n] the communes' indices by code (results_find) */
	struct strmap *flag_texts;         /* each distinct flags text once */
	struct doc_layout *layout;         /* the input documents' layout last read */
	struct store_obs_names *obs_names; /* sources and runs of the observations read */
	/* Input documents not of score.c's shape, read through score_input
	 * instead (0 when all are). */
	size_t doc_fallbacks;
} results;

/* Reads run `run`'s communes, totals and pillars (run->fw must outlive the
 * results).  with_inputs: results_detail also reads score_input and the
 * observations behind each input.  Caller frees *out with results_free. */
dti_err results_load(staging *st, const scoring_run_info *run, bool with_inputs, results **out,
		     dti_diag *d);
/* results_load, and from the same read of the run's score sets the TOTAL
 * row of every commune into *totals, by code (store_report.h; name ""
 * for a commune not in the commune table).  Caller frees both (totals
 * with store_report_totals_free), also on error. */
dti_err results_load_totals(staging *st, const scoring_run_info *run, bool with_inputs,
			    results **out, store_report_totals *totals, dti_diag *d);
/* results_load_totals that also hands each commune with a TOTAL row, as
 * soon as its rows are read (by code), to each: c with its indicator
 * scores (c->indicators, dropped after the call) and t its TOTAL row, so
 * that a file of every commune's scores is written from the one read of
 * the run's score sets.  c is not yet at its index in the results (they
 * are put in rank order once all are read).  An error of each stops the
 * read and is returned. */
typedef dti_err (*results_commune_fn)(void *ctx, const results *r, const res_commune *c,
				      const store_report_total *t, dti_diag *d);
dti_err results_load_each(staging *st, const scoring_run_info *run, bool with_inputs, results **out,
			  store_report_totals *totals, results_commune_fn each, void *each_ctx,
			  dti_diag *d);
void results_free(results *r);

/* Reads commune c's indicator scores (and, with inputs and results loaded
 * with_inputs, its inputs and their observations) into r->communes[c] until results_detail_drop(r, c),
 * which frees them; on error nothing is left to drop.  Hold one commune's
 * detail at a time. */
dti_err results_detail(staging *st, results *r, size_t c, bool inputs, dti_diag *d);
void results_detail_drop(results *r, size_t c);

/* Index of a commune by code, or -1. */
long results_find(const results *r, const char *code);

/* "Where the points are" for commune c's indicator i, from the stored
 * inputs (c's detail read with inputs) and, for cross-commune indicators,
 * the x of every commune of the run. */
void results_advice(const results *r, size_t c, size_t i, advice *out);
/* results_advice's advice on indicator i of commune c (its detail read)
 * and, with words, its words (advice_text; "" for none): made once for
 * the commune's detail, which the JSON document and its page both give,
 * and kept until results_detail_drop frees them. */
const advice *results_advice_kept(const results *r, size_t c, size_t i, const char **words);

#endif
