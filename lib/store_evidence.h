/* store_evidence.h — the metadata of uploaded evidence in the staging
 * database (table evidence).  The bytes live in files (lib/evidence.c);
 * these functions only read and write rows. */
#ifndef DTI_STORE_EVIDENCE_H
#define DTI_STORE_EVIDENCE_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

/* One evidence row.  Borrowed in callbacks (valid only inside them). */
typedef struct store_evidence {
	int64_t id;
	const char *commune_code;
	int year;
	const char *variable, *sha256;
	int64_t size;
	const char *type, *original_name, *uploaded_by, *uploaded_at;
} store_evidence;

typedef dti_err (*store_evidence_fn)(void *ctx, const store_evidence *e);

/* Inserts a row (its own statement; id is ignored); *id (may be NULL)
 * receives the new row's id. */
dti_err store_evidence_put(staging *st, const store_evidence *e, int64_t *id, dti_diag *d);
/* Calls fn for each evidence of a commune's year, by variable then id. */
dti_err store_evidence_each(staging *st, const char *commune_code, int year, store_evidence_fn fn,
			    void *ctx, dti_diag *d);
/* Calls fn for the latest row of a commune with that SHA-256; *found says
 * whether there is one. */
dti_err store_evidence_find(staging *st, const char *commune_code, const char *sha256,
			    store_evidence_fn fn, void *ctx, bool *found, dti_diag *d);

/* How many files and bytes a commune's year holds (one row per upload). */
dti_err store_evidence_usage(staging *st, const char *commune_code, int year, int64_t *files,
			     int64_t *bytes, dti_diag *d);

#endif
