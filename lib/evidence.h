/* evidence.h — the files a commune attaches to its answers (dti-web):
 * PDF, JPEG or PNG only, told by their content (never by the file's name
 * or the type the browser claims), at most a configured size, kept
 * content-addressed by SHA-256 under a folder outside anything a web
 * server serves, each upload recorded (commune, year, item, SHA-256,
 * size, type, the name it had, who uploaded it, when).  The name a
 * browser sends is never part of a path: it is kept as display text only.
 *
 * Configuration (optional):
 *   "web": {"evidence_dir": "evidence", "evidence_max_bytes": 10485760}
 * evidence_dir is relative to the configuration file; by default it is
 * the folder "evidence" beside the database. */
#ifndef DTI_EVIDENCE_H
#define DTI_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "err.h"
#include "framework.h"
#include "staging.h"
#include "store_evidence.h"
#include "text.h"

#define EVIDENCE_MAX_DEFAULT (10u << 20) /* bytes of one file: 10 MiB */
#define EVIDENCE_MAX_NAME 120            /* bytes of a display name */
#define EVIDENCE_MAX_FILES 500           /* uploads of one commune in a year */

/* Where evidence is kept.  Fields may be read. */
typedef struct evidence_store {
	char *dir;        /* absolute or relative to the working folder, as configured */
	size_t max_bytes; /* of one file */
} evidence_store;

/* The store as configured (the folder is created, mode 0700, when used).
 * DTI_ECONFIG names a malformed "web" section.  Caller frees with
 * evidence_store_free. */
dti_err evidence_store_get(const config *c, evidence_store *out, dti_diag *d);
void evidence_store_free(evidence_store *es);

/* The type of a file by its content: "application/pdf", "image/jpeg" or
 * "image/png", or NULL with why (Vietnamese) when it is none of them. */
const char *evidence_sniff(const void *bytes, size_t len, char why[TEXT_WHY * 2]);

/* What a browser's file name may show: its last component (after / or
 * \), NFC, control and bidirectional characters replaced, at most
 * EVIDENCE_MAX_NAME bytes cut on a character boundary; "tệp" when nothing
 * is left.  Never a path. */
void evidence_display_name(const char *client_name, char out[EVIDENCE_MAX_NAME + 1]);

/* Whether s is a SHA-256 as evidence names them: 64 lowercase hex digits. */
bool evidence_sha_ok(const char *s);

#define EVIDENCE_SWEEP_SECONDS 3600 /* a temporary file older than this is a crash's */

/* Removes the temporary files (".upload-*", regular files only, never
 * through a symbolic link) that a crash between writing and renaming left
 * in the store's folders, those last changed before `before`.  *removed
 * (may be NULL) counts them.  A store folder that does not exist yet has
 * nothing to sweep; DTI_EIO when one cannot be read or a file not removed
 * (d names it). */
dti_err evidence_sweep(const evidence_store *es, time_t before, size_t *removed, dti_diag *d);

/* What an upload stored. */
typedef struct evidence_meta {
	int64_t id;
	char sha256[65];
	size_t size;
	const char *type; /* static */
	char name[EVIDENCE_MAX_NAME + 1];
} evidence_meta;

/* Keeps the upload bytes[0..len) of account for a commune's item
 * (variable, a framework variable the commune answers) in `year`: the type
 * checked by content, the size against es->max_bytes, the file written to
 * a temporary file in the store's folder, synced and renamed to its
 * SHA-256 (an identical file already there is kept), then the row
 * recorded.  DTI_ELIMIT when too large or when the commune's year already
 * holds EVIDENCE_MAX_FILES uploads (a disk cannot be filled by one
 * account), DTI_EINVALID when not a PDF, JPEG
 * or PNG or not an item of the commune (d says why in Vietnamese), DTI_EIO
 * or DTI_EDB. */
dti_err evidence_put(staging *st, const evidence_store *es, const framework *fw,
		     const char *commune_code, int year, const char *variable, const void *bytes,
		     size_t len, const char *client_name, const char *account, evidence_meta *out,
		     dti_diag *d);

/* A stored file to send back: its path in the store, type, display name
 * and size.  Owned; free with evidence_file_free. */
typedef struct evidence_file {
	char *path;
	char type[32];
	char name[EVIDENCE_MAX_NAME + 1];
	int64_t size;
} evidence_file;

/* The file of a commune's evidence sha256: *found is false when the
 * commune has none with that SHA-256 (another commune's file is not
 * found) or sha256 is malformed.  The caller checks that the reader may
 * see the commune's evidence. */
dti_err evidence_open(staging *st, const evidence_store *es, const char *commune_code,
		      const char *sha256, evidence_file *out, bool *found, dti_diag *d);
void evidence_file_free(evidence_file *f);

/* A Content-Disposition value that makes a browser save the file:
 * attachment, an ASCII fallback name and the UTF-8 name (RFC 6266 /
 * RFC 5987), written into out (size n).  EVIDENCE_DISPOSITION_MAX holds
 * the value of any display name (each byte at most 4 characters: its '_'
 * and its %XX); a value that does not fit in n is "attachment" alone,
 * never a parameter cut short. */
#define EVIDENCE_DISPOSITION_MAX (4 * EVIDENCE_MAX_NAME + 64)
void evidence_disposition(const char *name, char *out, size_t n);

#endif
