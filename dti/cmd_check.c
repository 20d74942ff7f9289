/* dti check: the current values (current_value, what current_input reads)
 * against the resolution recomputed from the raw observations and
 * appraisals (current_input_resolved). */
#include <stdio.h>

#include "cli.h"
#include "log.h"
#include "store_current.h"

#define SHOWN_MAX 100 /* differences named one by one; the count is of all */

static const char *shown(const char *value, const char *state)
{
	return state ? (value ? value : "no value") : "no row";
}

static dti_err say_diff(void *ctx, const store_current_diff *x, dti_diag *d)
{
	int64_t *said = ctx;

	(void)d;
	if ((*said)++ >= SHOWN_MAX)
		return DTI_EOK;
	log_error("commune %s, variable %s, %d: the current value is '%s' (%s, observations %s); "
		  "the observations and appraisals give '%s' (%s, observations %s)",
		  x->commune_code, x->variable, x->year, shown(x->stored_value, x->stored_state),
		  x->stored_state ? x->stored_state : "-", x->stored_ids ? x->stored_ids : "-",
		  shown(x->resolved_value, x->resolved_state),
		  x->resolved_state ? x->resolved_state : "-",
		  x->resolved_ids ? x->resolved_ids : "-");
	return DTI_EOK;
}

int cmd_check(app *a, int argc, char **argv)
{
	int64_t keys = 0, diffs = 0, said = 0;
	dti_diag d;
	dti_err rc;

	(void)argv;
	if (argc > 1)
		return usage_error("check takes no arguments");
	rc = store_current_check(a->st, say_diff, &said, &keys, &diffs, &d);
	if (rc)
		return fail(rc, &d);
	if (diffs) {
		log_error("%lld of the current values differ from what the observations and "
			  "appraisals give (%lld keys)",
			  (long long)diffs, (long long)keys);
		return EXIT_REFUSED;
	}
	printf("%lld current values, each as the observations and appraisals give it\n",
	       (long long)keys);
	return EXIT_OK;
}
