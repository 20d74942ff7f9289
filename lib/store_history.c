/* store_history.c — an earlier year's commune result for the comparison
 * across the reorganisation (see store_history.h). */
#include "store_history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "store.h"

static dti_err take_unit(void *ctx, const store_row *r, dti_diag *d)
{
	store_history_unit *u = ctx;

	(void)d;
	u->total = store_num(r, 0);
	u->rank = store_is_null(r, 1) ? 0 : store_int(r, 1);
	u->name = xstrdup(store_text(r, 2));
	u->population = store_num(r, 3);
	return DTI_EOK;
}

dti_err store_history_unit_of(staging *st, int64_t run_id, const char *code,
			      store_history_unit *out, bool *found, dti_diag *d)
{
	/* The population counts only as the run scored it: a rejected,
	 * unverified or missing one is none.  Its run and commune are the
	 * parameters, not the outer row's columns: SQLite pushes constants
	 * into each arm of the score_input view (a search by scoring_input's
	 * key), but reads the whole view, every commune's inputs, for a
	 * correlated term (0.6 s a unit against a national run). */
	static const char sql[] =
		"SELECT s.points, s.rank, coalesce(c.name, ''), "
		"(SELECT i.num FROM score_input i WHERE i.scoring_run_id = ?1 "
		"AND i.commune_code = ?2 AND i.variable = 'population' "
		"AND i.state IN ('raw', 'verified', 'corrected')) "
		"FROM score s LEFT JOIN commune c ON c.code = s.commune_code "
		"WHERE s.scoring_run_id = ?1 AND s.commune_code = ?2 AND s.item = 'TOTAL'";

	memset(out, 0, sizeof *out);
	out->population = NAN;
	return store_first(st, d, sql, take_unit, out, found,
			   STORE_ARGS(STORE_INT(run_id), STORE_TEXT(code)));
}

void store_history_unit_free(store_history_unit *u)
{
	if (!u)
		return;
	free(u->name);
	memset(u, 0, sizeof *u);
}
