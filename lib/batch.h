/* batch.h — a validated batch of observations and its storage as one
 * transaction with one run record.  Every writer (sheet import,
 * collectors, commune forms) validates into a batch, then stores it: a
 * batch with any problem stores nothing. */
#ifndef DTI_BATCH_H
#define DTI_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "framework.h"
#include "staging.h"
#include "util.h"

/* A tag of a key's hash (the high half, mixed with the variable) and its
 * item's index + 1 (0: empty slot): 8 bytes a slot, 16 MB for a national
 * sheet.  A batch holds fewer
 * than 2^32 items (each takes 72 bytes and more). */
struct batch_slot {
	uint32_t tag;
	uint32_t item;
};

/* Where a value was read, for messages: a place's head, then ":line"
 * when line > 0, then its tail ("file" ":12" ":3 (value)").  Kept as its
 * parts and written only for a message: a national sheet's 643,008 texts
 * were a fifth of an import's memory. */
typedef struct batch_place {
	const char *head, *tail; /* in the batch's arena */
} batch_place;

/* Strings of an item live in the batch's arena. */
typedef struct batch_item {
	char *commune_code;
	int year;
	uint32_t place; /* index in the batch's places: with line, where the record is */
	const fw_variable *variable;
	char *value; /* canonical */
	double num;  /* NaN for enums */
	char *proof_url, *note;
	long line;
} batch_item;

/* BATCH_WHERE bytes hold any where text a message writes. */
#define BATCH_WHERE 512

typedef struct batch {
	batch_item *items;
	size_t count, cap;
	struct batch_slot *seen; /* open addressing over the items' keys */
	size_t seen_cap;         /* a power of two, kept at most half full */
	arena strings;
	batch_place *places;
	size_t n_places, cap_places;
	run_counts counts;
} batch;

/* Where item it was read: its place's head itself when it has neither line
 * nor tail, else written into out (at most cap - 1 bytes, cut there). */
const char *batch_item_where(const batch *b, const batch_item *it, char *out, size_t cap);

void batch_init(batch *b);
void batch_free(batch *b);

/* Makes room for about n values at once (n is an estimate, e.g. from a
 * file's size): the batch then grows without copying and rehashing for
 * each doubling. */
void batch_reserve(batch *b, size_t n);

/* Validates a raw value of v for a commune and year and appends it, with
 * its proof link (text_link_ok) and note (text_note_ok), either may be
 * NULL.  where ("file:line:col (column)") prefixes any problem added to p.  A second
 * value for the same commune, year and variable is a problem naming the
 * first.  Returns true when the value was added. */
bool batch_add(batch *b, const fw_variable *v, const char *commune_code, int year, const char *raw,
	       char decimal_sep, const char *proof_url, const char *note, const char *where,
	       dti_problems *p);

/* A place of values (its head and tail, copied: see batch_place) for
 * batch_add_at, made once, e.g. for a sheet's column. */
uint32_t batch_new_place(batch *b, const char *head, const char *tail);

/* batch_add with the value's where given as a place (batch_new_place)
 * and a line. */
bool batch_add_at(batch *b, const fw_variable *v, const char *commune_code, int year,
		  const char *raw, char decimal_sep, const char *proof_url, const char *note,
		  uint32_t place, long line, dti_problems *p);

/* Whether the batch holds a value for this commune, year and variable. */
bool batch_has(const batch *b, const char *commune_code, int year, const fw_variable *v);

/* Where and how a batch is stored. */
typedef struct batch_target {
	const char *source;      /* source name, e.g. "district-sheet" */
	const char *source_kind; /* sheet, form, portal, telecom, ... */
	const char *program;     /* "dti import", "dti-collect-telecom" */
	int year;
	const char *input;   /* file or URL read, for the run record */
	const void *payload; /* raw bytes to keep (may be NULL) */
	size_t payload_len;
	bool forced;         /* stored although refused otherwise: after the round's
		      * deadline, or a collector's --force over an unchanged payload */
	const char *basis;   /* batch_basis of what the payload was read with (may be NULL) */
	const char *warning; /* why a stored run gave no value (may be NULL) */
} batch_target;

/* The basis of a payload: what the values read from it depend on besides
 * its bytes — the communes assessed (code and name, in order), how the
 * source reads it (`how`: its configuration block as sorted compact JSON,
 * a sheet's format) and the framework edition (its file's SHA-256) — as a
 * SHA-256 in hex.  A payload is unchanged only when both its hash and its
 * basis are those of the source's last stored run. */
void batch_basis(const commune_list *active, const char *how, const char *framework_sha256,
		 char out[65]);

/* The digest of the batch's items in order (commune, year, variable,
 * value, proof link, note), as SHA-256 hex: what a run records of the
 * batch it was given. */
void batch_digest(const batch *b, char out[65]);

/* Stores the whole batch in one BEGIN IMMEDIATE transaction with one run
 * record (status ok, with t's basis and warning) and the payload; on any failure nothing is stored.
 * A value equal to the source's current figure (value, proof link, note)
 * is not stored again; it counts as skipped, and b->counts.stored says how
 * many were stored.  The run records the batch's digest (batch_digest):
 * the batch of the source's last 'ok' run again is known unchanged whole.
 * *run_id receives the run (may be NULL). */
dti_err batch_store(staging *st, batch *b, const batch_target *t, int64_t *run_id, dti_diag *d);

/* Work done inside batch_store_with's transaction once the observations
 * are stored, for writers that keep more than observations.  An error
 * rolls everything back. */
typedef dti_err (*batch_extra)(staging *st, int64_t run_id, void *ctx, dti_diag *d);

/* batch_store, plus extra(st, run, ctx, d) in the same transaction. */
dti_err batch_store_with(staging *st, batch *b, const batch_target *t, batch_extra extra, void *ctx,
			 int64_t *run_id, dti_diag *d);

/* Records a run of t's source that stored nothing: 'failed' (a refused
 * batch, with the error text) or 'unchanged' (with the hash of the payload
 * read, which an earlier run kept).  c, error and payload_sha may be NULL;
 * *run_id (may be NULL) receives the run. */
dti_err batch_record_run(staging *st, const batch_target *t, const char *status,
			 const run_counts *c, const char *error, const char *payload_sha,
			 int64_t *run_id, dti_diag *d);

/* Joins the first problems into one error text for a run record. */
char *problems_join(const dti_problems *p, size_t max_items);

#endif
