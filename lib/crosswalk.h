/* crosswalk.h — the statistics office's conversion table between two
 * editions of the unit list (Bảng chuyển đổi ĐVHC mới – cũ, config/
 * admin-crosswalk-2025-07-01.csv), checked against both lists and corrected
 * locally.  README "Unit lists".
 *
 * The table is real data with real faults (a wrong new code, mistyped old
 * codes, units missing): every row's old (code, name) is checked against
 * the old list and its new (code, name) against the new one.  A
 * disagreement in accents or spelling only is a note; a code that is not
 * the named unit's is an error, with the likely right code found by name in
 * the same district (old) or province (new).  A corrections file fixes
 * rows: each of its rows is the table's row as it should be, with a
 * reason; they are applied after the check, the table checked again, and
 * every error the corrections removed is reported as corrected. */
#ifndef DTI_CROSSWALK_H
#define DTI_CROSSWALK_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "err.h"
#include "units.h"

/* One (new unit, old unit) pair.  Every field is text, "" when empty (the
 * six rows without an old code). */
typedef struct crosswalk_row {
	long line;      /* in the table; for a row a correction added, minus the
		    * correction's line (each row its own line) */
	char *added_by; /* "FILE:LINE" of the correction that added it, or NULL */
	char *new_province, *new_code, *new_name;
	char *old_province, *old_district, *old_district_name, *old_code, *old_name;
	char *change;    /* the table's words: "Nhập toàn bộ", "Nhập một phần", ... */
	char *corrected; /* "FILE:LINE: reason" of the correction applied, or NULL */
} crosswalk_row;

typedef struct crosswalk crosswalk;

typedef enum { CROSSWALK_NOTE, CROSSWALK_ERROR, CROSSWALK_APPLIED } crosswalk_level;

typedef struct crosswalk_finding {
	crosswalk_level level;
	char *key;      /* what it is about ("L12:old", "missing:01651"), for settling */
	char *text;     /* the message, naming the table line and both lists */
	bool corrected; /* an error that the corrections removed */
} crosswalk_finding;

/* What the check found.  errors counts the errors that remain (not
 * corrected); corrected those the corrections removed; applied the
 * corrections applied. */
typedef struct crosswalk_report {
	crosswalk_finding *items;
	size_t n;
	size_t notes, errors, corrected, applied;
} crosswalk_report;

/* Loads the table at `table`, checks it against `old` and `new`, applies
 * the corrections file (NULL: none) and checks again.  On success *out is
 * the corrected table (caller frees with crosswalk_free) and rep what was
 * found (caller frees with crosswalk_report_free), even when errors
 * remain.  DTI_EIO / DTI_EPARSE / DTI_EINVALID with d set when a file
 * cannot be read or a correction is malformed; *out is then NULL. */
dti_err crosswalk_open(const char *table, const char *corrections, const units *old,
		       const units *new, crosswalk **out, crosswalk_report *rep, dti_diag *d);
void crosswalk_free(crosswalk *x);
void crosswalk_report_free(crosswalk_report *rep);

size_t crosswalk_count(const crosswalk *x);
const crosswalk_row *crosswalk_at(const crosswalk *x, size_t i);

/* The key of a side ("old" or "new") of row w in a finding
 * (crosswalk_finding.key): "L12:old".  out holds 64 bytes. */
void crosswalk_row_key(const crosswalk_row *w, const char *side, char out[64]);
/* Whether side ("old" or "new") of row w is an error of rep that no
 * correction removed. */
bool crosswalk_side_error(const crosswalk_report *rep, const crosswalk_row *w, const char *side);
/* Where row w is, for a message: "line 12", or "the row added by
 * FILE:LINE".  out holds 600 bytes. */
void crosswalk_row_where(const crosswalk_row *w, char out[600]);

/* The deployment's conversion table: both lists (the configuration's,
 * config_units, and the other edition's from config_data_file), the table
 * ("crosswalk", else the new edition's file beside the lists) and the
 * corrections ("crosswalk_corrections", else crosswalk-corrections.csv
 * beside the configuration when it exists), opened with crosswalk_open. */
typedef struct crosswalk_env {
	const units *old, *new; /* one borrowed from the configuration, one owned */
	units *owned;
	crosswalk *x;
	crosswalk_report rep;
	char *table, *corrections; /* the files read; corrections NULL for none */
} crosswalk_env;

/* Fills e (zeroed by the caller); on error d says why and e is to be
 * closed all the same.  DTI_ECONFIG when the list has no predecessor and
 * no successor. */
dti_err crosswalk_env_open(config *c, crosswalk_env *e, dti_diag *d);
void crosswalk_env_close(crosswalk_env *e);

#endif
