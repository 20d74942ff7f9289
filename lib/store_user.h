/* store_user.h — the accounts aggregate of the staging database: accounts
 * and their verifying units, sessions, invitations, failed-login counters,
 * the audit trail and the rounds an admin set (migration "accounts",
 * lib/schema.sql.h).  Rows only: who may do what, how passwords and
 * tokens are made and how long a session lives are lib/auth.c's.  Tokens
 * arrive here already hashed. */
#ifndef DTI_STORE_USER_H
#define DTI_STORE_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct staging staging;

/* One account.  Every string is owned by the struct (store_account_free);
 * commune_code and password_hash are NULL for SQL NULL. */
typedef struct store_account {
	int64_t id;
	char *name, *role, *commune_code, *password_hash, *created;
	bool disabled;
	char **units; /* [n_units], sorted */
	size_t n_units;
} store_account;

void store_account_free(store_account *a);

/* Adds an account with its units in one transaction; *id (may be NULL)
 * receives its id.  DTI_EINVALID, nothing stored, when the name is taken;
 * password_hash may be NULL (an invited account). */
dti_err store_account_add(staging *st, const store_account *a, int64_t *id, dti_diag *d);
/* The account named name (or, with name NULL, of id).  *found false and
 * *out zeroed when there is none.  Caller frees *out, also on error. */
dti_err store_account_get(staging *st, const char *name, int64_t id, store_account *out,
			  bool *found, dti_diag *d);

typedef struct store_accounts {
	store_account *items; /* by name */
	size_t n;
} store_accounts;

/* Every account, by name.  Caller frees with store_accounts_free, also on
 * error. */
dti_err store_account_list(staging *st, store_accounts *out, dti_diag *d);
void store_accounts_free(store_accounts *l);

/* Disables (or enables) an account and, disabling, ends its sessions and
 * invitations, in one transaction.  *found false when there is no such
 * account (nothing changed). */
dti_err store_account_set_disabled(staging *st, const char *name, bool disabled, bool *found,
				   dti_diag *d);
/* Sets the password hash of account id and ends its sessions and
 * invitations, in one transaction. */
dti_err store_account_set_password(staging *st, int64_t id, const char *hash, dti_diag *d);

/* ---- sessions ---------------------------------------------------------- */

dti_err store_session_add(staging *st, const char *token_hash, int64_t account_id, int64_t now,
			  dti_diag *d);
/* The session of token_hash: its account, its creation and last use.
 * *found false when there is none. */
dti_err store_session_get(staging *st, const char *token_hash, int64_t *account_id,
			  int64_t *created, int64_t *last_seen, bool *found, dti_diag *d);
/* Notes the session's last use at now; does not wait for another
 * connection's write lock (DTI_EDB at once while one holds it). */
dti_err store_session_touch(staging *st, const char *token_hash, int64_t now, dti_diag *d);
dti_err store_session_delete(staging *st, const char *token_hash, dti_diag *d);
/* Deletes sessions idle since before idle_before or created before
 * created_before. */
dti_err store_session_prune(staging *st, int64_t idle_before, int64_t created_before, dti_diag *d);

/* ---- invitations ------------------------------------------------------- */

/* Replaces any invitation of the account by this one. */
dti_err store_invite_add(staging *st, const char *token_hash, int64_t account_id, int64_t expires,
			 dti_diag *d);
/* Redeems the invitation of token_hash in one transaction: deletes it and,
 * when it had not expired at now, sets its account's password to
 * password_hash and ends the account's sessions (*found true).  One use
 * only; a failure part-way leaves the invitation as it was. */
dti_err store_invite_redeem(staging *st, const char *token_hash, int64_t now,
			    const char *password_hash, bool *found, dti_diag *d);

/* The name of the account an invitation (token_hash) is for, malloc'd;
 * NULL when there is no such invitation.  Reads only: the invitation
 * stays (store_invite_redeem takes it). */
dti_err store_invite_account_name(staging *st, const char *token_hash, char **name, dti_diag *d);

/* ---- failed logins ----------------------------------------------------- */

/* Failures counted for (kind, key) since window_start: *failures 0 when
 * none or when the count began before window_start. */
dti_err store_attempt_failures(staging *st, const char *kind, const char *key, int64_t window_start,
			       int64_t *failures, dti_diag *d);
/* Counts one failure at now (a count begun before window_start starts
 * again at 1), then keeps the table within max_rows, the oldest going
 * first, in one transaction. */
dti_err store_attempt_fail(staging *st, const char *kind, const char *key, int64_t now,
			   int64_t window_start, int64_t max_rows, dti_diag *d);
dti_err store_attempt_clear(staging *st, const char *kind, const char *key, dti_diag *d);

/* ---- audit ------------------------------------------------------------- */

/* Records who did what, now (inside or outside a transaction). */
dti_err store_audit_add(staging *st, const char *account, const char *action, const char *what,
			dti_diag *d);

/* Records a failed login (action "login failed" or "login throttled") of
 * the name as typed from address (what: "address ADDRESS", then note when
 * not NULL), bounded, in one transaction: nothing when the same action,
 * name and address has a row in this minute already (*recorded false);
 * past max_rows rows of both actions, the oldest are removed.  name and
 * address are stored as given: the caller cuts them to size. */
dti_err store_audit_login_failure(staging *st, const char *action, const char *name,
				  const char *address, const char *note, int64_t max_rows,
				  bool *recorded, dti_diag *d);

/* One audit row; borrowed, valid inside the callback only. */
typedef struct store_audit_row {
	int64_t id;
	const char *account, *action, *what, *at;
} store_audit_row;

typedef dti_err (*store_audit_fn)(void *ctx, const store_audit_row *r);

/* The latest `limit` rows, newest first (account "" for all). */
dti_err store_audit_each(staging *st, const char *account, int64_t limit, store_audit_fn fn,
			 void *ctx, dti_diag *d);

/* ---- rounds ------------------------------------------------------------ */

/* A year's round as an admin set it: deadline and closed_at malloc'd or
 * NULL.  *found false when the admin never set it.  Caller frees both. */
dti_err store_round_get(staging *st, int year, char **deadline, char **closed_at, bool *found,
			dti_diag *d);
/* Sets it (deadline may be NULL; closed_at NULL for an open round). */
dti_err store_round_set(staging *st, int year, const char *deadline, const char *closed_at,
			const char *by, dti_diag *d);

#endif
