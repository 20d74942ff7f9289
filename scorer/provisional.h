/* provisional.h — one commune's provisional score as its declaration
 * changes (dti-web): the year's current values (current_input) with the
 * commune's working answers put over its own, scored by the rules of the
 * scorer, with "where the points are" for each indicator.  Nothing is
 * stored.  Indicators normalised across communes are normalised over
 * every active commune they apply to, the others at their current values;
 * an indicator that does not apply to the commune's unit type is neither
 * scored nor in its maxima (flag FLAG_NOT_APPLICABLE, max 0), as the
 * scorer does. */
#ifndef DTI_PROVISIONAL_H
#define DTI_PROVISIONAL_H

#include <stddef.h>

#include "advice.h"
#include "framework.h"
#include "staging.h"

/* A working answer: a variable and its canonical value ("" or NULL: keep
 * the current value). */
typedef struct provisional_answer {
	const char *variable, *value;
} provisional_answer;

/* One indicator scored.  advice points into the framework. */
typedef struct provisional_indicator {
	const fw_indicator *ind;
	double points, max, fraction;
	unsigned flags;
	advice advice;
} provisional_indicator;

struct input_grid;

/* The commune's score.  Arrays are owned; free with provisional_free.
 * The advice quotes values of the inputs it was computed from (an enum's
 * current answer), so those inputs live as long as the score does. */
typedef struct provisional {
	double total, max;                 /* max: of the commune's unit type */
	double *pillars;                   /* [fw->n_pillars] points */
	double *pillar_max;                /* [fw->n_pillars] of its unit type */
	provisional_indicator *indicators; /* [fw->n_indicators] */
	size_t n_pillars, n_indicators;
	struct input_grid *inputs; /* owned: what the advice points into */
} provisional;

/* Scores commune_code for `year` from the current values and answers[0..n)
 * (an answer that does not parse for its variable, or names no variable,
 * is ignored: a draft is validated where it is saved).  DTI_ENOTFOUND when
 * the commune is not assessed; DTI_EDB on a database error.  *out is
 * zeroed first and the caller's to free, also on error. */
dti_err provisional_score(staging *st, const framework *fw, int year, const char *commune_code,
			  const provisional_answer *answers, size_t n, provisional *out,
			  dti_diag *d);
void provisional_free(provisional *p);

#endif
