/* explain.h — one score explained: the inputs with their sources and
 * times, the rule, the arithmetic. */
#ifndef DTI_EXPLAIN_H
#define DTI_EXPLAIN_H

#include <stdio.h>

#include "score.h"

/* Writes the explanation of `item` (an indicator id, a pillar id or TOTAL)
 * for one commune of a scoring run to out. */
dti_err explain_score(staging *st, const scoring_run_info *run, const char *commune_code,
		      const char *item, FILE *out, dti_diag *d);

#endif
