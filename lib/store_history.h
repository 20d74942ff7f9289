/* store_history.h — what the year-over-year comparison across the 2025
 * reorganisation reads of an earlier year's database (scorer/history.h):
 * one commune's official total, rank, name and scored population.  The
 * database is another deployment's, opened read-only (staging_open_readonly);
 * its year's official result is store_approval_current, its unit list
 * store_commune_unit_list. */
#ifndef DTI_STORE_HISTORY_H
#define DTI_STORE_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

typedef struct staging staging;

/* A commune's result in a scoring run.  Every field may be read; name is
 * owned (store_history_unit_free). */
typedef struct store_history_unit {
	double total;
	int64_t rank;      /* 0 when none */
	char *name;        /* the commune table's name, "" when none */
	double population; /* the input `population` as the run scored it (state
			    * raw, verified or corrected); NaN when it had none */
} store_history_unit;

/* The TOTAL row of commune `code` in run `run_id`, with its name and
 * scored population; *found false when the run did not score it.  Caller
 * frees *out with store_history_unit_free, also on error. */
dti_err store_history_unit_of(staging *st, int64_t run_id, const char *code,
			      store_history_unit *out, bool *found, dti_diag *d);
void store_history_unit_free(store_history_unit *u);

#endif
