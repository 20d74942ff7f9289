/* store_commune.h — the store's reads of the commune aggregate that the
 * start-up needs (lib/app.c).  The writes (staging_seed_communes,
 * staging_set_communes) are still in lib/staging.h. */
#ifndef DTI_STORE_COMMUNE_H
#define DTI_STORE_COMMUNE_H

#include <stdint.h>

#include "err.h"
#include "staging.h"

/* How many communes the database holds, assessed or not (0 before the
 * first seeding).  *n is set on success. */
dti_err store_commune_count(staging *st, int64_t *n, dti_diag *d);

/* The file the set assessed was loaded from (`dti communes load FILE`),
 * in *file (caller frees), or NULL when the set is the configuration's
 * (seeded, or `dti communes load` without a file). */
dti_err store_commune_file(staging *st, char **file, dti_diag *d);

/* The edition of the unit list the database is keyed to (meta
 * 'unit_list'): recorded as `edition` when the database has none yet
 * (its first start-up), and in any case the database's in *have (caller
 * frees).  Writers only. */
dti_err store_commune_record_unit_list(staging *st, const char *edition, char **have, dti_diag *d);

/* The database's unit list edition in *have (caller frees), NULL when not
 * recorded yet. */
dti_err store_commune_unit_list(staging *st, char **have, dti_diag *d);

#endif
