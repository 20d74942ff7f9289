/* rule_kinds.h — the framework's rule kinds as one table.  Each kind is
 * one entry: its word in framework files, how its "rule" object is read
 * into the indicator, how it is evaluated, the words that describe it and
 * its arithmetic, and the facts the scorer and the report ask of a kind.
 * A new kind is a new enum value (framework.h) and a new entry here; how
 * to win its points back is advice's own table (scorer/advice.c), indexed
 * by the same enum, so that lib/ needs nothing from scorer/.
 *
 * The table is constant and static: entries and their strings live as
 * long as the program. */
#ifndef DTI_RULE_KINDS_H
#define DTI_RULE_KINDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "framework.h"
#include "rules.h"

struct strbuf;

/* What a kind's score measures, as the report shows it. */
typedef enum {
	RULE_MEASURES_ANSWER, /* the yes/no or enum answer */
	RULE_MEASURES_VALUE,  /* a count or an amount, with its unit */
	RULE_MEASURES_RATIO,  /* a ratio, as a percentage */
} rule_measure;

typedef struct rule_kind_def {
	const char *name; /* the "kind" word of framework files */
	/* Scored against every commune scored together (normalised after
	 * evaluate, which gives the commune's raw x in .ratio). */
	bool normalised;
	/* What the score measures; a kind that reads a numerator and a
	 * denominator measures a ratio whatever this says (rule_kind_measures). */
	rule_measure measures;
	/* Reads the "rule" object into ind (kind already set).  Allocations go
	 * into ind and are freed by framework_free, also on error.  where
	 * names the indicator in messages. */
	dti_err (*parse)(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
			 dti_diag *d);
	/* The fraction earned from the inputs (lookup); see rule_eval. */
	rule_result (*evaluate)(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
				void *ctx);
	/* The rule in words ("ratio: r = min(a/b, 1)") into buf. */
	void (*describe)(const fw_indicator *ind, char *buf, size_t len);
	/* The arithmetic of one commune's score in words, appended to sb; r is
	 * not missing (score_describe says so itself).  set_min and set_max
	 * are the set's bounds of x for a normalised kind. */
	void (*arithmetic)(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			   void *ctx, rule_result r, double set_min, double set_max,
			   struct strbuf *sb);
} rule_kind_def;

/* The entry of kind k; NULL when k is not a kind. */
const rule_kind_def *rule_kind_get(rule_kind k);
/* The entry of an indicator's kind (never NULL for a loaded framework). */
const rule_kind_def *rule_kind_of(const fw_indicator *ind);
/* The kind named `name` in a framework file; false when there is none. */
bool rule_kind_from_name(const char *name, rule_kind *out);
/* What the indicator's score measures (see rule_kind_def.measures). */
rule_measure rule_kind_measures(const fw_indicator *ind);

#endif
