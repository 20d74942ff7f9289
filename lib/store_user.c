#include "store_user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "staging.h"
#include "staging_int.h"
#include "store.h"
#include "util.h"

void store_account_free(store_account *a)
{
	if (!a)
		return;
	free(a->name);
	free(a->role);
	free(a->commune_code);
	free(a->password_hash);
	free(a->created);
	for (size_t i = 0; i < a->n_units; i++)
		free(a->units[i]);
	free(a->units);
	memset(a, 0, sizeof *a);
}

void store_accounts_free(store_accounts *l)
{
	for (size_t i = 0; l && i < l->n; i++)
		store_account_free(&l->items[i]);
	if (l) {
		free(l->items);
		l->items = NULL;
		l->n = 0;
	}
}

/* Ends a transaction: commit when rc is 0, else roll back. */
static dti_err finish(staging *st, dti_err rc, dti_diag *d)
{
	if (!rc)
		return staging_commit(st, d);
	staging_rollback(st);
	return rc;
}

dti_err store_account_add(staging *st, const store_account *a, int64_t *id, dti_diag *d)
{
	int64_t taken = 0, new_id = 0;
	char now[32];
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	now_iso(now);
	rc = store_int64(st, d, "SELECT count(*) FROM account WHERE name = ?1", &taken, NULL,
			 STORE_ARGS(STORE_TEXT(a->name)));
	if (!rc && taken)
		rc = diag_set(d, DTI_EINVALID, "an account named '%s' exists already", a->name);
	if (!rc)
		rc = store_run(
			st, d,
			"INSERT INTO account(name, role, commune_code, disabled, password_hash, "
			"created) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
			STORE_ARGS(STORE_TEXT(a->name), STORE_TEXT(a->role),
				   STORE_TEXT(a->commune_code), STORE_TEXT(a->password_hash),
				   STORE_TEXT(now)));
	new_id = store_last_id(st);
	for (size_t i = 0; !rc && i < a->n_units; i++)
		rc = store_run(
			st, d,
			"INSERT OR IGNORE INTO account_unit(account_id, unit) VALUES (?1, ?2)",
			STORE_ARGS(STORE_INT(new_id), STORE_TEXT(a->units[i])));
	rc = finish(st, rc, d);
	if (!rc && id)
		*id = new_id;
	return rc;
}

#define ACCOUNT_COLS "id, name, role, commune_code, password_hash, created, disabled"

static dti_err account_row(void *ctx, const store_row *r, dti_diag *d)
{
	store_account *a = ctx;

	(void)d;
	a->id = store_int(r, 0);
	a->name = store_text_dup(r, 1);
	a->role = store_text_dup(r, 2);
	a->commune_code = store_text_dup(r, 3);
	a->password_hash = store_text_dup(r, 4);
	a->created = store_text_dup(r, 5);
	a->disabled = store_int(r, 6) != 0;
	return DTI_EOK;
}

static dti_err unit_row(void *ctx, const store_row *r, dti_diag *d)
{
	store_account *a = ctx;

	(void)d;
	a->units = xrealloc(a->units, (a->n_units + 1) * sizeof *a->units);
	a->units[a->n_units++] = store_text_dup(r, 0);
	return DTI_EOK;
}

static dti_err account_units(staging *st, store_account *a, dti_diag *d)
{
	return store_each(st, d,
			  "SELECT unit FROM account_unit WHERE account_id = ?1 ORDER BY unit",
			  unit_row, a, NULL, STORE_ARGS(STORE_INT(a->id)));
}

dti_err store_account_get(staging *st, const char *name, int64_t id, store_account *out,
			  bool *found, dti_diag *d)
{
	dti_err rc;

	memset(out, 0, sizeof *out);
	if (name)
		rc = store_first(st, d, "SELECT " ACCOUNT_COLS " FROM account WHERE name = ?1",
				 account_row, out, found, STORE_ARGS(STORE_TEXT(name)));
	else
		rc = store_first(st, d, "SELECT " ACCOUNT_COLS " FROM account WHERE id = ?1",
				 account_row, out, found, STORE_ARGS(STORE_INT(id)));
	if (!rc && *found)
		rc = account_units(st, out, d);
	return rc;
}

static dti_err list_row(void *ctx, const store_row *r, dti_diag *d)
{
	store_accounts *l = ctx;

	return account_row(STORE_PUSH(l), r, d);
}

dti_err store_account_list(staging *st, store_accounts *out, dti_diag *d)
{
	dti_err rc;

	memset(out, 0, sizeof *out);
	rc = store_each(st, d, "SELECT " ACCOUNT_COLS " FROM account ORDER BY name", list_row, out,
			NULL, STORE_NOARGS);
	for (size_t i = 0; !rc && i < out->n; i++)
		rc = account_units(st, &out->items[i], d);
	return rc;
}

/* Ends every session and invitation of account id (inside a transaction). */
static dti_err end_sessions(staging *st, int64_t id, dti_diag *d)
{
	dti_err rc = store_run(st, d, "DELETE FROM session WHERE account_id = ?1",
			       STORE_ARGS(STORE_INT(id)));

	return rc ? rc
		  : store_run(st, d, "DELETE FROM invite WHERE account_id = ?1",
			      STORE_ARGS(STORE_INT(id)));
}

dti_err store_account_set_disabled(staging *st, const char *name, bool disabled, bool *found,
				   dti_diag *d)
{
	int64_t id = 0;
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = store_int64(st, d, "SELECT id FROM account WHERE name = ?1", &id, found,
			 STORE_ARGS(STORE_TEXT(name)));
	if (!rc && *found)
		rc = store_run(st, d, "UPDATE account SET disabled = ?2 WHERE id = ?1",
			       STORE_ARGS(STORE_INT(id), STORE_INT(disabled ? 1 : 0)));
	if (!rc && *found && disabled)
		rc = end_sessions(st, id, d);
	return finish(st, rc, d);
}

dti_err store_account_set_password(staging *st, int64_t id, const char *hash, dti_diag *d)
{
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = store_run(st, d, "UPDATE account SET password_hash = ?2 WHERE id = ?1",
		       STORE_ARGS(STORE_INT(id), STORE_TEXT(hash)));
	if (!rc)
		rc = end_sessions(st, id, d);
	return finish(st, rc, d);
}

dti_err store_session_add(staging *st, const char *token_hash, int64_t account_id, int64_t now,
			  dti_diag *d)
{
	return store_run(st, d,
			 "INSERT INTO session(token_hash, account_id, created, last_seen) "
			 "VALUES (?1, ?2, ?3, ?3)",
			 STORE_ARGS(STORE_TEXT(token_hash), STORE_INT(account_id), STORE_INT(now)));
}

typedef struct session_out {
	int64_t *account_id, *created, *last_seen;
} session_out;

static dti_err session_row(void *ctx, const store_row *r, dti_diag *d)
{
	session_out *o = ctx;

	(void)d;
	*o->account_id = store_int(r, 0);
	*o->created = store_int(r, 1);
	*o->last_seen = store_int(r, 2);
	return DTI_EOK;
}

dti_err store_session_get(staging *st, const char *token_hash, int64_t *account_id,
			  int64_t *created, int64_t *last_seen, bool *found, dti_diag *d)
{
	session_out o = {account_id, created, last_seen};

	return store_first(
		st, d, "SELECT account_id, created, last_seen FROM session WHERE token_hash = ?1",
		session_row, &o, found, STORE_ARGS(STORE_TEXT(token_hash)));
}

dti_err store_session_touch(staging *st, const char *token_hash, int64_t now, dti_diag *d)
{
	dti_err rc;

	/* Never waits for another writer: a page view must not hang on it. */
	sqlite3_busy_timeout(st->db, 0);
	rc = store_run(st, d, "UPDATE session SET last_seen = ?2 WHERE token_hash = ?1",
		       STORE_ARGS(STORE_TEXT(token_hash), STORE_INT(now)));
	sqlite3_busy_timeout(st->db, STAGING_BUSY_MS);
	return rc;
}

dti_err store_session_delete(staging *st, const char *token_hash, dti_diag *d)
{
	return store_run(st, d, "DELETE FROM session WHERE token_hash = ?1",
			 STORE_ARGS(STORE_TEXT(token_hash)));
}

dti_err store_session_prune(staging *st, int64_t idle_before, int64_t created_before, dti_diag *d)
{
	return store_run(st, d, "DELETE FROM session WHERE last_seen < ?1 OR created < ?2",
			 STORE_ARGS(STORE_INT(idle_before), STORE_INT(created_before)));
}

dti_err store_invite_add(staging *st, const char *token_hash, int64_t account_id, int64_t expires,
			 dti_diag *d)
{
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = store_run(st, d, "DELETE FROM invite WHERE account_id = ?1",
		       STORE_ARGS(STORE_INT(account_id)));
	if (!rc)
		rc = store_run(
			st, d,
			"INSERT INTO invite(token_hash, account_id, expires) VALUES (?1, ?2, ?3)",
			STORE_ARGS(STORE_TEXT(token_hash), STORE_INT(account_id),
				   STORE_INT(expires)));
	return finish(st, rc, d);
}

dti_err store_invite_redeem(staging *st, const char *token_hash, int64_t now,
			    const char *password_hash, bool *found, dti_diag *d)
{
	int64_t account_id = 0;
	dti_err rc = staging_begin(st, d);

	*found = false;
	if (rc)
		return rc;
	rc = store_int64(st, d,
			 "SELECT account_id FROM invite WHERE token_hash = ?1 AND expires > ?2",
			 &account_id, found, STORE_ARGS(STORE_TEXT(token_hash), STORE_INT(now)));
	if (!rc)
		rc = store_run(st, d, "DELETE FROM invite WHERE token_hash = ?1 OR expires <= ?2",
			       STORE_ARGS(STORE_TEXT(token_hash), STORE_INT(now)));
	if (!rc && *found)
		rc = store_run(st, d, "UPDATE account SET password_hash = ?2 WHERE id = ?1",
			       STORE_ARGS(STORE_INT(account_id), STORE_TEXT(password_hash)));
	if (!rc && *found)
		rc = end_sessions(st, account_id, d);
	rc = finish(st, rc, d);
	if (rc)
		*found = false;
	return rc;
}

static dti_err name_row(void *ctx, const store_row *r, dti_diag *d)
{
	(void)d;
	*(char **)ctx = store_text_dup(r, 0);
	return DTI_EOK;
}

dti_err store_invite_account_name(staging *st, const char *token_hash, char **name, dti_diag *d)
{
	bool found = false;

	*name = NULL;
	return store_first(st, d,
			   "SELECT a.name FROM invite i JOIN account a ON a.id = i.account_id "
			   "WHERE i.token_hash = ?1",
			   name_row, name, &found, STORE_ARGS(STORE_TEXT(token_hash)));
}

dti_err store_attempt_failures(staging *st, const char *kind, const char *key, int64_t window_start,
			       int64_t *failures, dti_diag *d)
{
	return store_int64(st, d,
			   "SELECT failures FROM login_attempt WHERE kind = ?1 AND key = ?2 "
			   "AND first_at >= ?3",
			   failures, NULL,
			   STORE_ARGS(STORE_TEXT(kind), STORE_TEXT(key), STORE_INT(window_start)));
}

dti_err store_attempt_fail(staging *st, const char *kind, const char *key, int64_t now,
			   int64_t window_start, int64_t max_rows, dti_diag *d)
{
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = store_run(st, d,
		       "INSERT INTO login_attempt(kind, key, failures, first_at, last_at) "
		       "VALUES (?1, ?2, 1, ?3, ?3) ON CONFLICT(kind, key) DO UPDATE SET "
		       "failures = CASE WHEN first_at < ?4 THEN 1 ELSE failures + 1 END, "
		       "first_at = CASE WHEN first_at < ?4 THEN ?3 ELSE first_at END, last_at = ?3",
		       STORE_ARGS(STORE_TEXT(kind), STORE_TEXT(key), STORE_INT(now),
				  STORE_INT(window_start)));
	if (!rc)
		rc = store_run(st, d,
			       "DELETE FROM login_attempt WHERE rowid IN (SELECT rowid FROM "
			       "login_attempt ORDER BY last_at DESC LIMIT -1 OFFSET ?1)",
			       STORE_ARGS(STORE_INT(max_rows)));
	return finish(st, rc, d);
}

dti_err store_attempt_clear(staging *st, const char *kind, const char *key, dti_diag *d)
{
	return store_run(st, d, "DELETE FROM login_attempt WHERE kind = ?1 AND key = ?2",
			 STORE_ARGS(STORE_TEXT(kind), STORE_TEXT(key)));
}

dti_err store_audit_add(staging *st, const char *account, const char *action, const char *what,
			dti_diag *d)
{
	char now[32];

	now_iso(now);
	return store_run(st, d,
			 "INSERT INTO audit(account, action, what, at) VALUES (?1, ?2, ?3, ?4)",
			 STORE_ARGS(STORE_TEXT(account), STORE_TEXT(action),
				    STORE_TEXT(what ? what : ""), STORE_TEXT(now)));
}

/* Keeps the failed-login rows of the audit within max_rows: past it, a
 * tenth more than the excess goes, so the trim runs now and then. */
static dti_err trim_login_failures(staging *st, int64_t max_rows, dti_diag *d)
{
	int64_t n = 0;
	dti_err rc = store_int64(st, d,
				 "SELECT count(*) FROM audit "
				 "WHERE action IN ('login failed', 'login throttled')",
				 &n, NULL, STORE_NOARGS);

	if (rc || n <= max_rows)
		return rc;
	return store_run(st, d,
			 "DELETE FROM audit WHERE id IN (SELECT id FROM audit "
			 "WHERE action IN ('login failed', 'login throttled') "
			 "ORDER BY at, id LIMIT ?1)",
			 STORE_ARGS(STORE_INT(n - max_rows + max_rows / 10)));
}

dti_err store_audit_login_failure(staging *st, const char *action, const char *name,
				  const char *address, const char *note, int64_t max_rows,
				  bool *recorded, dti_diag *d)
{
	char now[32], minute[17], *what = NULL;
	bool seen = false;
	int64_t one = 0;
	dti_err rc;

	*recorded = false;
	now_iso(now);
	snprintf(minute, sizeof minute, "%.16s", now); /* YYYY-MM-DDTHH:MM */
	what = xasprintf("address %s%s%s", address, note ? "; " : "", note ? note : "");
	rc = staging_begin(st, d);
	if (rc)
		goto out;
	rc = store_int64(st, d,
			 "SELECT 1 FROM audit WHERE action = ?1 AND at >= ?2 AND account = ?3 "
			 "AND what = ?4 LIMIT 1",
			 &one, &seen,
			 STORE_ARGS(STORE_TEXT(action), STORE_TEXT(minute), STORE_TEXT(name),
				    STORE_TEXT(what)));
	if (!rc && !seen)
		rc = store_run(
			st, d,
			"INSERT INTO audit(account, action, what, at) VALUES (?1, ?2, ?3, ?4)",
			STORE_ARGS(STORE_TEXT(name), STORE_TEXT(action), STORE_TEXT(what),
				   STORE_TEXT(now)));
	if (!rc && !seen)
		rc = trim_login_failures(st, max_rows, d);
	if (!rc)
		rc = staging_commit(st, d);
	if (rc)
		staging_rollback(st);
	else
		*recorded = !seen;
out:
	free(what);
	return rc;
}

typedef struct audit_walk {
	store_audit_fn fn;
	void *ctx;
} audit_walk;

static dti_err audit_row(void *ctx, const store_row *r, dti_diag *d)
{
	audit_walk *w = ctx;
	store_audit_row a = {store_int(r, 0), store_text(r, 1), store_text(r, 2), store_text(r, 3),
			     store_text(r, 4)};

	(void)d;
	return w->fn(w->ctx, &a);
}

dti_err store_audit_each(staging *st, const char *account, int64_t limit, store_audit_fn fn,
			 void *ctx, dti_diag *d)
{
	audit_walk w = {fn, ctx};

	return store_each(st, d,
			  "SELECT id, account, action, what, at FROM audit "
			  "WHERE ?1 = '' OR account = ?1 ORDER BY id DESC LIMIT ?2",
			  audit_row, &w, NULL, STORE_ARGS(STORE_TEXT(account), STORE_INT(limit)));
}

typedef struct round_out {
	char **deadline, **closed_at;
} round_out;

static dti_err round_row(void *ctx, const store_row *r, dti_diag *d)
{
	round_out *o = ctx;

	(void)d;
	*o->deadline = store_text_dup(r, 0);
	*o->closed_at = store_text_dup(r, 1);
	return DTI_EOK;
}

dti_err store_round_get(staging *st, int year, char **deadline, char **closed_at, bool *found,
			dti_diag *d)
{
	round_out o = {deadline, closed_at};

	*deadline = *closed_at = NULL;
	return store_first(st, d, "SELECT deadline, closed_at FROM round WHERE year = ?1",
			   round_row, &o, found, STORE_ARGS(STORE_INT(year)));
}

dti_err store_round_set(staging *st, int year, const char *deadline, const char *closed_at,
			const char *by, dti_diag *d)
{
	char now[32];

	now_iso(now);
	return store_run(
		st, d,
		"INSERT INTO round(year, deadline, closed_at, by, at) VALUES (?1, ?2, ?3, ?4, ?5) "
		"ON CONFLICT(year) DO UPDATE SET deadline = ?2, closed_at = ?3, by = ?4, at = ?5",
		STORE_ARGS(STORE_INT(year), STORE_TEXT(deadline), STORE_TEXT(closed_at),
			   STORE_TEXT(by), STORE_TEXT(now)));
}
