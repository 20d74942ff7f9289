/* advice.h — "where the points are": for an indicator below its maximum,
 * the concrete change in its inputs that earns the points it leaves.
 *
 * Pure: no I/O, no allocation.  Every promised score is computed by the
 * rule functions of lib/rules.h on the changed inputs, so a promise is what
 * the scorer would give.  Fields of the structs below may all be read;
 * pointers point into the framework (or the caller's set) and live as long
 * as they do. */
#ifndef DTI_ADVICE_H
#define DTI_ADVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "framework.h"
#include "rules.h"

typedef enum {
	ADVICE_NONE,   /* at the maximum: nothing to gain */
	ADVICE_CHANGE, /* steps say which change earns which points */
	ADVICE_SUPPLY, /* an input is missing, rejected or unverified */
	ADVICE_CHECK,  /* denominator 0, or a numerator above its denominator scored 0 */
} advice_kind;

/* One input change: the value of a variable, or of a sum of variables
 * (a ratio's numerator), goes from `from` to `to`.  For an enum, from_text
 * and to_text are the canonical words (from_text NULL when it had none). */
typedef struct advice_change {
	const fw_variable *const *vars;
	size_t n_vars;
	double from, to;
	const char *from_text, *to_text;
	double ratio_from, ratio_to; /* the ratio before and after, NAN when none */
} advice_change;

typedef struct advice_step {
	advice_change changes[2]; /* count_tiers: the gate, then the count */
	size_t n_changes;
	double points; /* the indicator's points once the change is made */
} advice_step;

#define ADVICE_MAX_STEPS 4
#define ADVICE_MAX_VARS 8

typedef struct advice {
	advice_kind kind;
	double points, max; /* now */
	double available;   /* max - points: what the indicator leaves */
	/* ADVICE_CHANGE: increasing targets; the last step gives the most. */
	advice_step steps[ADVICE_MAX_STEPS];
	size_t n_steps;
	/* ADVICE_SUPPLY / ADVICE_CHECK: the inputs concerned and why (flags). */
	const fw_variable *vars[ADVICE_MAX_VARS];
	size_t n_vars;
	unsigned flags;
	/* cross_commune: the best commune of the set and its x (NAN when none). */
	const char *best_name;
	double best_x;
} advice;

/* For a cross_commune indicator: x of every commune scored together (NAN
 * when it has none), which one is this commune, and their names (may be
 * NULL).  Ignored for other kinds (pass NULL). */
typedef struct advice_set {
	const double *x;
	const char *const *names;
	size_t n, self;
	/* Optional, for advising every commune of a large set without
	 * scanning it each time: with bounds = true, the min and max of x over
	 * the other communes (INFINITY / -INFINITY when none has one) and the
	 * index of the first other commune holding that max. */
	bool bounds;
	double others_min, others_max;
	size_t best;
} advice_set;

/* Computes the advice for one commune's indicator from its resolved inputs
 * (lookup).  Never fails; an indicator that cannot gain says why in kind. */
void advice_compute(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		    const advice_set *set, advice *out);

/* Points of the indicator with the step's changes applied to the inputs
 * (a sum's change added to its first variable), rescored with the rule
 * functions and, for cross_commune, renormalised over the set. */
double advice_rescore(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		      const advice_set *set, const advice_step *step);

/* Whether kind k has its own advice (every kind must: test_advice). */
bool advice_covers(rule_kind k);

/* The advice in Vietnamese words, plain text (escape it for HTML),
 * appended to sb (the caller's). */
struct strbuf;
void advice_text(const advice *a, const fw_indicator *ind, struct strbuf *sb);

/* A number for Vietnamese readers: thousands '.', decimal ',', at most
 * `decimals` decimals, trailing zeros dropped ("4.342", "37,5"). */
void advice_number(char out[64], double v, int decimals);

#endif
