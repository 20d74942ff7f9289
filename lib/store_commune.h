/* store_commune.h — the store's reads of the commune aggregate that the
 * start-up needs (lib/app.c).  The writes (staging_seed_communes,
 * staging_set_communes) are still in lib/staging.h. */
#ifndef DTI_STORE_COMMUNE_H
#define DTI_STORE_COMMUNE_H

#include <stdint.h>

#include "err.h"
#include "staging.h"
#include "strmap.h"
#include "units.h"

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

/* The unit type of every commune assessed, into type_of (the caller's,
 * initialised): code -> UNIT_TYPE_* (units.h), -1 when the database has
 * no type for it or the list's word is none of them. */
dti_err store_commune_unit_types(staging *st, strmap *type_of, dti_diag *d);

/* The unit type of one commune assessed into *type (UNIT_TYPE_*, -1 when
 * unknown or not assessed). */
dti_err store_commune_unit_type(staging *st, const char *code, int *type, dti_diag *d);

/* How many communes assessed have no unit type recorded (stored before
 * the column existed). */
dti_err store_commune_untyped(staging *st, int64_t *n, dti_diag *d);

/* Records the unit type of every commune assessed that has none, as the
 * unit list u writes it, in one transaction; a commune u does not hold
 * keeps none. */
dti_err store_commune_fill_unit_types(staging *st, const units *u, dti_diag *d);

#endif
