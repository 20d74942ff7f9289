/* score.h — a scoring run: every active commune of the staging database
 * scored together for one year under one framework edition, stored with
 * the inputs and observations each score used. */
#ifndef DTI_SCORE_H
#define DTI_SCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "framework.h"
#include "rules.h"
#include "staging.h"
#include "strmap.h"

typedef struct score_options {
	int year;
	bool official;             /* only verified values of the must_verify variables */
	const strmap *must_verify; /* variable names; NULL = every variable */
	bool sorted_read;          /* read inputs sorted by commune (slower; the
				    * fallback when rows come unordered) */
	const char *policy;        /* mixed into the input fingerprint (may be NULL) */
	const char *skip_if;       /* a fingerprint: when the inputs have it, store nothing */
	bool dry;                  /* compute the fingerprint only; store nothing */
	const char *area_name;     /* the configured name of the area, stored with the
				    * run to title its report (may be NULL) */
	bool force;                /* store a run even when no input was read */
	const char *marker;        /* stored with the run (rescore_marker; may be NULL) */
} score_options;

typedef struct score_summary {
	int64_t scoring_run_id;
	size_t communes;
	size_t missing;         /* indicator scores flagged missing */
	double seconds_compute; /* the rules, normalisation and ranks */
	double seconds_store;   /* writing the scores, and the commit */
	double seconds_total;   /* the rest is reading the inputs and storing them */
	char input_sha256[65];  /* fingerprint of the inputs read (rescore.h) */
	bool unchanged;         /* skip_if matched: nothing was stored */
} score_summary;

/* Scores and stores one run with the fingerprint of its inputs (see
 * rescore.h), unless o->dry or the fingerprint equals o->skip_if (then
 * nothing is stored and scoring_run_id is 0).  A missing input never fails
 * the run: the indicator gets 0 and a flag.  Fails on database errors,
 * when no commune is active, or, unless o->force, when the year has no
 * input at all (DTI_ENOTFOUND). */
dti_err score_year(staging *st, const framework *fw, const score_options *o, score_summary *out,
		   dti_diag *d);

/* The arithmetic of one indicator in words, from its inputs (lookup) and,
 * for cross-commune indicators, the set's min and max of x.  Writes into
 * sb (caller's). */
struct strbuf;
void score_describe(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		    rule_result r, double set_min, double set_max, struct strbuf *sb);

/* Latest successful scoring run of a year (0 when none). */
dti_err score_latest_run(staging *st, int year, int64_t *run_id, dti_diag *d);

/* What a stored scoring run is: its year, mode and the framework it used
 * (parsed from the bytes stored with it).  *fw is the caller's to free. */
typedef struct scoring_run_info {
	int64_t id;
	int year;
	char mode[16];
	char started_at[32];
	framework *fw;
} scoring_run_info;

/* Loads run `run_id`, or the latest successful run of `year` when run_id is
 * 0.  DTI_ENOTFOUND when there is none, or when run_id was voided. */
dti_err score_run_load(staging *st, int64_t run_id, int year, scoring_run_info *info, dti_diag *d);

#endif
