/* rules.h — the framework's rule kinds as pure functions: no I/O, no
 * allocation.  Each returns the fraction of the indicator's maximum earned
 * (0..1), the ratio it was computed from (NAN when none) and flags. */
#ifndef DTI_RULES_H
#define DTI_RULES_H

#include <stdbool.h>

#include "framework.h"

#define SCORE_FLAGS(X)                                      \
	X(MISSING, 1u, "missing")                           \
	X(NO_DENOMINATOR, 2u, "no_denominator")             \
	X(NUM_ABOVE_DEN, 4u, "numerator_above_denominator") \
	X(REJECTED, 8u, "rejected")                         \
	X(UNVERIFIED, 16u, "unverified")                    \
	X(NOT_APPLICABLE, 32u, "not_applicable")

enum {
#define SCORE_FLAG_ENUM(n, bit, s) FLAG_##n = bit,
	SCORE_FLAGS(SCORE_FLAG_ENUM)
#undef SCORE_FLAG_ENUM
};

/* Writes "missing,no_denominator" (or "") into buf; a name that does not
 * fit in len is left out whole, with those after it. */
void flags_format(unsigned flags, char *buf, size_t len);
/* The flags named in such a text (unknown names are ignored). */
unsigned flags_parse(const char *text);

/* One input as the scorer resolved it.  present = false means no scorable
 * value; why then says more (FLAG_REJECTED, FLAG_UNVERIFIED or 0). */
typedef struct rule_value {
	bool present;
	double num;       /* numbers, yes = 1 / no = 0 */
	const char *text; /* enum word; NULL otherwise */
	unsigned why;
} rule_value;

typedef struct rule_result {
	double fraction; /* of the indicator's maximum, 0..1 */
	double ratio;    /* the ratio or value the rule used, NAN when none */
	unsigned flags;
} rule_result;

/* Looks up the resolved value of a variable for one commune. */
typedef rule_value (*rule_lookup)(void *ctx, const fw_variable *v);

rule_result rule_yesno(rule_value v);
rule_result rule_tier(const fw_indicator *ind, rule_value v);
rule_result rule_count_tiers(const fw_indicator *ind, rule_value gate, rule_value count);
/* r = num / den under the framework's policy (clamp or zero above 1). */
rule_result rule_ratio(double num, double den, over_policy over);
rule_result rule_ratio_threshold(double num, double den, double threshold, over_policy over);
rule_result rule_ratio_floor(double num, double den, double floor, over_policy over);
/* Cross-commune normalisation of x given min and max over the set. */
double rule_normalise(norm_method m, double x, double min, double max);

/* Evaluates any non-cross-commune indicator for one commune.  For a
 * cross_commune indicator it returns the commune's raw x in .ratio (the
 * value normalised later over the set) and fraction 0. */
rule_result rule_eval(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx);

#endif
