/* framework.h — a DTI framework edition loaded from its JSON file and
 * validated: variables with types, pillars, indicators with their rule kind
 * and parameters, and the policies for the spec's ambiguous cases.
 *
 * The structs are read-only for callers once loaded; every field may be
 * read.  Strings are owned by the framework and freed by framework_free. */
#ifndef DTI_FRAMEWORK_H
#define DTI_FRAMEWORK_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "strmap.h"

typedef enum { VAR_COUNT, VAR_AMOUNT, VAR_YESNO, VAR_ENUM } var_type;

typedef struct fw_enum_value {
	char *value;    /* canonical word stored in staging, e.g. "chair" */
	char *label;    /* Vietnamese label shown on forms, also accepted as input */
	char *key[2];   /* value and label as answers are compared (text_fold) */
	char **aliases; /* other answers read as this value ("Hàng tuần"), folded alike */
	size_t n_aliases;
} fw_enum_value;

typedef struct fw_variable {
	char *name;
	var_type type;
	char *label;  /* Vietnamese question / description */
	char *source; /* who supplies it: commune, telecom, postal, portal, ... */
	char *unit;   /* may be NULL */
	bool summed;  /* aggregate "sum": one figure per source, summed */
	fw_enum_value *values;
	size_t n_values;
} fw_variable;

/* The kinds of rule an indicator may use.  What each one means (its word
 * in framework files, how it is read, evaluated and described) is one
 * entry of the table in rule_kinds.c: a new kind is a value here and an
 * entry there. */
typedef enum {
	RULE_YESNO,
	RULE_TIER,
	RULE_COUNT_TIERS,
	RULE_RATIO,
	RULE_RATIO_THRESHOLD,
	RULE_RATIO_FLOOR,
	RULE_CROSS_COMMUNE,
	RULE_KIND_COUNT
} rule_kind;

/* The kind's word in framework files ("?" when k is not a kind). */
const char *rule_kind_name(rule_kind k);

typedef enum { NORM_MAX, NORM_MINMAX } norm_method;

typedef struct fw_band {
	double min; /* the band holds counts >= min (bands sorted by min, descending) */
	double fraction;
} fw_band;

typedef struct fw_tier {
	char *value;
	double fraction;
} fw_tier;

typedef struct fw_indicator {
	char *id;      /* "1.1" … "8.5" */
	size_t pillar; /* index into framework.pillars */
	char *name;    /* Vietnamese name as the seed words it */
	double max;
	rule_kind kind;
	/* yesno, tier, count_tiers, cross_commune on an amount: */
	const fw_variable *variable;
	/* count_tiers: scored only when gate is yes (may be NULL) */
	const fw_variable *gate;
	/* ratio kinds, cross_commune on a ratio: sums of variables */
	const fw_variable **numerator, **denominator;
	size_t n_numerator, n_denominator;
	double threshold; /* ratio_threshold T */
	double floor;     /* ratio_floor F */
	fw_tier *tiers;
	size_t n_tiers;
	fw_band *bands;
	size_t n_bands;
	norm_method norm;
	char *method, *proof, *data_source, *verifiers; /* seed columns, may be "" */
	/* A commune form must carry a proof link (http/https) for an answer
	 * that earns points: the indicator's "proof_link", else the policy's. */
	bool proof_link_required;
	/* The unit types it is scored for, bits 1 << UNIT_TYPE_* (units.h),
	 * from "applies_to"; 0 (no key) is every unit.  For another unit it
	 * is not applicable: not scored, not in its maximum. */
	unsigned applies_to;
} fw_indicator;

typedef struct fw_pillar {
	char *id;   /* "P1" … */
	char *name; /* Vietnamese */
	char *name_en;
	double max;
	size_t first, count; /* indicators[first .. first+count) */
} fw_pillar;

typedef enum { OVER_CLAMP, OVER_ZERO } over_policy;

typedef struct framework {
	char *edition; /* "commune-2024" */
	char *title;
	char *sha256; /* of the file's bytes: identifies the edition scored */
	char *text;   /* the file's bytes, stored with each scoring run */
	double total;
	fw_variable *variables;
	size_t n_variables;
	fw_pillar *pillars;
	size_t n_pillars;
	fw_indicator *indicators;
	size_t n_indicators;
	over_policy numerator_above_denominator;
	norm_method default_norm;
	bool proof_link_required; /* policy "proof_link": "required" | "optional" */
	strmap variable_index;    /* name -> index into variables */
	strmap indicator_index;   /* id -> index into indicators */
	bool by_unit_type;        /* some indicator has "applies_to" */
} framework;

/* Loads and validates a framework file.  On success *out is owned by the
 * caller (framework_free).  On a refused file, d names the indicator (or
 * variable, or pillar) and the problem. */
dti_err framework_load(const char *path, framework **out, dti_diag *d);
/* Same from bytes already in memory (name is used in messages). */
dti_err framework_parse(const char *text, size_t len, const char *name, framework **out,
			dti_diag *d);
void framework_free(framework *fw);

const fw_variable *framework_variable(const framework *fw, const char *name);
const fw_indicator *framework_indicator(const framework *fw, const char *id);
/* Whether the indicator is scored for a unit of type unit_type
 * (UNIT_TYPE_*, units.h; -1 when unknown: then only an indicator for
 * every unit is). */
bool framework_applies(const fw_indicator *ind, int unit_type);
/* The points of pillar pl (NULL: of the framework) a unit of type
 * unit_type is scored for: the file's own figure when every indicator
 * applies (an edition without "applies_to" states exactly its own), else
 * the sum of the applicable indicators' maxima. */
double framework_max_for(const framework *fw, const fw_pillar *pl, int unit_type);
/* The unit types the indicator is scored for, in words ("Phường, Đặc
 * khu"; "every unit" without "applies_to"), into buf; returns buf. */
const char *framework_applies_words(const fw_indicator *ind, char *buf, size_t len);
/* Whether the indicator's rule reads v (as its variable, gate, or a term of
 * its numerator or denominator). */
bool framework_indicator_uses(const fw_indicator *ind, const fw_variable *v);
const char *var_type_name(var_type t);

/* Canonicalises one raw input value for a variable.  On success writes the
 * canonical text ("yes"/"no", the enum word, the number as written) to
 * canon (size canon_len) and the numeric value (yes = 1, no = 0; NAN for
 * enums) to *num.  decimal_sep is ',' when the file uses ';' between fields
 * (so "12,5" is a number) and '.' otherwise.  On refusal, d says why in
 * words an officer understands ("'abc' is not a non-negative number"). */
dti_err framework_value(const fw_variable *v, const char *raw, char decimal_sep, char *canon,
			size_t canon_len, double *num, dti_diag *d);

#endif
