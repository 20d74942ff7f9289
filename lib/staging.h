/* staging.h — the staging database: one SQLite file holding communes,
 * sources, runs, observations, appraisal acts and scoring results.
 * Versioned with PRAGMA user_version; WAL so analysts read while a run
 * writes.  Which value of a variable is scored is decided by the view
 * current_input (lib/schema.sql.h), nowhere else. */
#ifndef DTI_STAGING_H
#define DTI_STAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "framework.h"
#include "units.h"

typedef struct staging staging;

/* Schema version this program writes. */
int staging_schema_version(void);

/* Opens (creating the file and its folder if needed) and migrates.  Refuses
 * a database whose schema is newer than this program (DTI_ESCHEMA).  Caller
 * closes with staging_close. */
dti_err staging_open(const char *path, staging **out, dti_diag *d);
/* Opens an existing database for reading only: no write lock is ever
 * taken, so a reader never waits behind a writer's transaction (WAL).
 * Creates nothing and never migrates: DTI_EDB, with the message naming
 * 'dti init', when the file does not exist or its schema is older than
 * this program's; DTI_ESCHEMA when newer.  Caller closes with
 * staging_close. */
dti_err staging_open_readonly(const char *path, staging **out, dti_diag *d);
void staging_close(staging *st);
const char *staging_path(const staging *st);

/* Runs SQL without data in it (schema, pragmas, transactions). */
dti_err staging_exec(staging *st, const char *sql, dti_diag *d);
/* BEGIN IMMEDIATE: writers take the write lock up front. */
dti_err staging_begin(staging *st, dti_diag *d);
dti_err staging_commit(staging *st, dti_diag *d);
/* A read transaction (BEGIN, deferred) for many reads of one state of the
 * database, SQLite's locks taken and its file checked once for all of
 * them; *began false (nothing done) when a transaction is already open.
 * The caller who began ends it with staging_commit or staging_rollback. */
dti_err staging_begin_read(staging *st, bool *began, dti_diag *d);
void staging_rollback(staging *st);
/* Foreign-key enforcement of this connection; takes effect only outside a
 * transaction.  A bulk store that has checked its own references (see
 * staging_has_commune) turns it off for its transaction and back on. */
dti_err staging_foreign_keys(staging *st, bool on, dti_diag *d);
/* The page cache of this connection, by what it is used for.  It grows
 * only as pages are used, and a smaller size set gives back what is over.
 * - READS (2 MB), a read-only connection's and a long pass of reads (a
 *   publish): the file's pages are in the kernel's page cache anyway, and
 *   SQLite's own copy of them is memory the kernel has to give and zero
 *   first (14 MB less for a national score, export or publish, as fast);
 * - WRITES (16 MB), a read-write connection's, so that a transaction keeps
 *   the pages it writes until its commit;
 * - WIDE_WRITES (80 MB), for a transaction whose writes reach pages all
 *   over the database (a re-import changing values of every commune dirties
 *   nearly every page of the current values and of the observations'
 *   index): the pager keeps those pages until the commit rather than
 *   writing them to the WAL before it, reading them back, and reading the
 *   whole WAL again at the commit to checksum a page it wrote twice.
 * - OWN, the connection's own use again (staging_cache_own).
 * Whoever sets another sets OWN again after, on every path. */
typedef enum staging_cache_use {
	STAGING_CACHE_READS,
	STAGING_CACHE_WRITES,
	STAGING_CACHE_WIDE_WRITES,
	STAGING_CACHE_OWN,
} staging_cache_use;
dti_err staging_cache(staging *st, staging_cache_use use, dti_diag *d);
/* The connection's own use (not OWN), set now and by OWN after: WRITES
 * for a connection staging_open made, READS for staging_open_readonly's.
 * dti-web's connections, one per thread, read far more than they write,
 * and their transactions write a commune's few pages: READS. */
dti_err staging_cache_own(staging *st, staging_cache_use use, dti_diag *d);
/* Whether a commune code, or a variable name, is in its table. */
dti_err staging_has_commune(staging *st, const char *code, bool *found, dti_diag *d);
dti_err staging_has_variable(staging *st, const char *name, bool *found, dti_diag *d);

/* Variables of a framework into the variable table, and the framework's
 * bytes into the framework table (idempotent). */
dti_err staging_sync_framework(staging *st, const framework *fw, dti_diag *d);

/* Makes `l` the set of communes assessed: upserts each (with its district
 * and province from the catalogue), marks every other commune inactive.
 * Observations of inactive communes are kept.  from_file names the file
 * the operator loaded, NULL for the configuration's list; it is recorded
 * with the set (store_commune_file). */
dti_err staging_set_communes(staging *st, const commune_list *l, const units *u,
			     const char *from_file, dti_diag *d);
/* Seeds the commune set from l only when the database has none yet. */
dti_err staging_seed_communes(staging *st, const commune_list *l, const units *u, dti_diag *d);
/* The active communes, ordered by code.  Caller frees with commune_list_free. */
dti_err staging_active_communes(staging *st, commune_list *out, dti_diag *d);

/* The id of a named source, created with `kind` when new. */
dti_err staging_source(staging *st, const char *name, const char *kind, int64_t *id, dti_diag *d);

typedef struct run_counts {
	long read, stored, skipped, rejected;
} run_counts;

/* Inserts a run record with status 'running'.  started_at (may be NULL)
 * receives its time stamp, which is also the observed_at of what it
 * stores. */
dti_err staging_run_start(staging *st, int64_t source_id, const char *program, int year,
			  const char *input, int64_t *run_id, char started_at[32], dti_diag *d);
/* Sets the run's end: status 'ok', 'failed', 'unchanged' or 'dry_run'. */
dti_err staging_run_finish(staging *st, int64_t run_id, const char *status, const run_counts *c,
			   const char *error, dti_diag *d);
dti_err staging_run_set_payload(staging *st, int64_t run_id, const char *sha256, dti_diag *d);
dti_err staging_run_set_forced(staging *st, int64_t run_id, const char *user, dti_diag *d);
/* Records the digest of the whole batch a run was given (batch_digest). */
dti_err staging_run_set_batch(staging *st, int64_t run_id, const char *sha256, dti_diag *d);
/* The batch digest of the source's latest 'ok' run, "" when there is none
 * or it kept none (runs before migration 19). */
dti_err staging_last_batch(staging *st, int64_t source_id, char sha[65], dti_diag *d);
/* The digest of the batch whose item hashes are kept for the source
 * (table source_batch), "" when none are. */
dti_err staging_kept_batch(staging *st, int64_t source_id, char sha[65], dti_diag *d);
/* fn(ctx, bytes, len) with the item hashes kept for the source (borrowed:
 * valid during the call), or not at all when none are. */
typedef void (*staging_items_fn)(void *ctx, const unsigned char *bytes, size_t len);
dti_err staging_kept_batch_items(staging *st, int64_t source_id, staging_items_fn fn, void *ctx,
				 dti_diag *d);
/* Keeps len bytes of item hashes of the batch with digest sha256 for the
 * source, instead of any kept before.  Borrows its arguments. */
dti_err staging_keep_batch_items(staging *st, int64_t source_id, const char *sha256,
				 const void *bytes, size_t len, dti_diag *d);
/* Records how a run of a source keyed to the old unit list converted its
 * codes (lib/oldcodes.h: the summary line); text may be NULL. */
dti_err staging_run_set_old_codes(staging *st, int64_t run_id, const char *text, dti_diag *d);
/* Records what the run's values were read with (batch_basis) and its
 * warning (why an 'ok' run gave no value); either may be NULL. */
dti_err staging_run_set_basis(staging *st, int64_t run_id, const char *basis, const char *warning,
			      dti_diag *d);

/* The conditional-GET validators remembered for a source (ETag and
 * Last-Modified of its last stored fetch); each malloc'd or NULL (also when
 * the source is unknown).  Caller frees both. */
dti_err staging_source_validators(staging *st, const char *name, char **etag, char **last_modified,
				  dti_diag *d);
/* Remembers them (NULL clears).  The source must exist. */
dti_err staging_source_set_validators(staging *st, const char *name, const char *etag,
				      const char *last_modified, dti_diag *d);
/* Sets the freshness bound shown by the source_freshness view. */
dti_err staging_source_set_max_age(staging *st, const char *name, double hours, dti_diag *d);
/* Records a finished run that stored no figures ('failed', 'unchanged') in
 * its own transaction, with its counts, error text and payload hash (each
 * may be NULL); *run_id (may be NULL) receives its id. */
dti_err staging_run_record(staging *st, int64_t source_id, const char *program, int year,
			   const char *input, const char *status, const run_counts *c,
			   const char *error, const char *payload_sha, int64_t *run_id,
			   dti_diag *d);

/* The payload SHA-256 and the basis (batch_basis) of the latest successful
 * ('ok') run of a source for a year, each "" when there is none or it kept
 * none.  A new payload with the same hash read on the same basis holds
 * nothing new: writers record 'unchanged' instead of storing it again
 * (reruns and backfills are idempotent). */
dti_err staging_last_payload(staging *st, const char *source, int year, char sha[65],
			     char basis[65], dti_diag *d);

/* Keeps a raw payload, content-addressed; returns its SHA-256 in sha. */
dti_err staging_put_payload(staging *st, const void *bytes, size_t len, char sha[65], dti_diag *d);

/* One observation to store.  num is NaN for enums. */
typedef struct observation {
	const char *commune_code;
	int year;
	const char *variable;
	const char *value;
	double num;
	const char *proof_url; /* may be NULL */
	const char *note;      /* may be NULL */
} observation;

/* Whether a source has stored any figure yet. */
dti_err staging_source_has_figures(staging *st, int64_t source_id, bool *has, dti_diag *d);
/* Calls fn with every observation of source_id for the years year_from ..
 * year_to and its id, in no set order (the one of the largest id stored
 * for a key is the source's current figure); o->num is NaN; the strings are borrowed for the call.
 * A writer compares what it would store with them in one pass: a figure
 * equal to the source's current one (same value, proof link and note) is
 * not stored again, so the appraisal of the current one stays valid. */
typedef dti_err (*staging_value_fn)(void *ctx, const observation *o, int64_t id, dti_diag *d);
dti_err staging_source_values(staging *st, int64_t source_id, int year_from, int year_to,
			      staging_value_fn fn, void *ctx, dti_diag *d);

/* Appends an observation to the run (inside the caller's transaction);
 * *id (may be NULL) is its id.  The caller resolves the current values of
 * what it stored before it commits (store_current_stored). */
dti_err staging_put(staging *st, int64_t run_id, int64_t source_id, const char *observed_at,
		    const observation *o, int64_t *id, dti_diag *d);
/* staging_put of n rows in order, most of them a few dozen to a statement:
 * their ids run from *first_id to *last_id (0 and 0 when n is 0). */
dti_err staging_put_rows(staging *st, int64_t run_id, int64_t source_id, const char *observed_at,
			 const observation *rows, size_t n, int64_t *first_id, int64_t *last_id,
			 dti_diag *d);

#endif
