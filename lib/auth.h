/* auth.h — accounts, passwords, sessions, invitations, login throttling
 * and CSRF tokens for dti-web and `dti user` (the rows are
 * lib/store_user.c's).
 *
 *   passwords  Argon2id through libsodium's crypto_pwhash_str, at the
 *              INTERACTIVE limits (64 MiB, 2 passes).  At most
 *              AUTH_HASH_PARALLEL hashes run at once, so a burst of logins
 *              cannot take the machine's memory.  DTI_AUTH_FAST_HASH=1 in
 *              the environment lowers the limits to libsodium's minimum:
 *              for the test suite only, never in a deployment.
 *   tokens     256 bits from randombytes_buf as 64 hex digits; sessions
 *              and invitations store only their SHA-256.
 *   sessions   a new token at every login (never one the client offered);
 *              ended by logout, by idling past the idle time-out, by age
 *              past the absolute time-out, by a new password or by
 *              disabling the account.
 *   throttle   failed logins counted per account name and per address in
 *              the database (so a restart forgets nothing), in a window;
 *              past the limit a login is refused without checking the
 *              password.  The table is kept to max_attempt_rows rows.
 *   csrf       a keyed BLAKE2b of "csrf" under the session token: bound to
 *              the session, unguessable without the HttpOnly cookie,
 *              compared in constant time (sodium_memcmp).
 *
 * Configuration (optional): "web": {"session_idle_minutes": 30,
 * "session_hours": 12, "invite_hours": 72, "login_window_minutes": 15,
 * "login_max_failures": 5, "login_max_failures_address": 50,
 * "public_url": "https://dti.example.vn"}. */
#ifndef DTI_AUTH_H
#define DTI_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "err.h"
#include "staging.h"
#include "store_user.h"

#define AUTH_TOKEN_HEX 65 /* 64 hex digits and NUL */
#define AUTH_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define AUTH_NAME_MAX 64  /* bytes in an account name */
#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 1024
#define AUTH_HASH_PARALLEL 2

typedef struct auth_policy {
	int64_t idle_seconds, absolute_seconds, invite_seconds;
	int64_t window_seconds, max_account_failures, max_address_failures, max_attempt_rows;
} auth_policy;

/* The roles, as stored and as `dti user add --role` takes them. */
#define AUTH_ROLES(X) \
	X(COMMUNE, "commune") X(APPRAISER, "appraiser") X(VIEWER, "viewer") X(ADMIN, "admin")
typedef enum {
#define AUTH_ROLE_ENUM(e, word) AUTH_ROLE_##e,
	AUTH_ROLES(AUTH_ROLE_ENUM)
#undef AUTH_ROLE_ENUM
		AUTH_ROLE_COUNT
} auth_role;

/* The role of a word; -1 when it is none. */
int auth_role_parse(const char *word);
const char *auth_role_name(auth_role r);

/* libsodium's start; DTI_EIO when it cannot.  Safe to call more than once
 * and from several threads. */
dti_err auth_init(dti_diag *d);

/* The defaults above, then the configuration's "web" section over them;
 * DTI_ECONFIG for a value that is not a whole number above 0. */
dti_err auth_policy_load(const config *c, auth_policy *p, dti_diag *d);

/* An account name: 1 to AUTH_NAME_MAX bytes of letters, digits, '.', '_',
 * '-' and '@' (ASCII), so it is safe in a log line and a link.  why names
 * the problem. */
bool auth_name_ok(const char *name, char why[96]);
/* A password: AUTH_PASSWORD_MIN to AUTH_PASSWORD_MAX bytes of valid
 * UTF-8 without NUL. */
bool auth_password_ok(const char *password, char why[96]);

/* Argon2id hash of password (as crypto_pwhash_str writes it) into out.
 * DTI_ENOMEM when libsodium cannot get the memory. */
dti_err auth_password_hash(const char *password, char out[AUTH_HASH_MAX], dti_diag *d);
/* Whether password matches hash; false for a NULL or malformed hash. */
bool auth_password_verify(const char *hash, const char *password);

/* A new random token, and the hash stored for one. */
void auth_token_new(char out[AUTH_TOKEN_HEX]);
void auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX]);

/* The CSRF token of a session (or pre-login) token, and the check of one
 * a form sent (NULL or the wrong length is false), in constant time. */
void auth_csrf(const char *token, char out[AUTH_TOKEN_HEX]);
bool auth_csrf_ok(const char *token, const char *given);

typedef enum {
	AUTH_LOGIN_OK,
	AUTH_LOGIN_BAD,       /* no such account, a wrong password or none set */
	AUTH_LOGIN_DISABLED,  /* the right password of a disabled account */
	AUTH_LOGIN_THROTTLED, /* too many failures for the name or the address */
} auth_login_result;

/* A login attempt at now from address.  On AUTH_LOGIN_OK a new session
 * exists, its token in token and the account in *acct (caller frees with
 * store_account_free, also on error and on refusal).  Failures are
 * counted; a success clears the name's count. */
dti_err auth_login(staging *st, const auth_policy *p, const char *name, const char *password,
		   const char *address, int64_t now, auth_login_result *result, store_account *acct,
		   char token[AUTH_TOKEN_HEX], dti_diag *d);

/* The account of a session token at now: *valid false (and the session
 * deleted) when it has no session, idled out, is too old, or its account
 * is disabled.  A valid session's last use becomes now (when no other
 * connection holds the write lock: a read is never refused for it).  Caller frees
 * *acct, also on error. */
dti_err auth_session(staging *st, const auth_policy *p, const char *token, int64_t now,
		     store_account *acct, bool *valid, dti_diag *d);

/* Ends the session of token (no error when there is none). */
dti_err auth_logout(staging *st, const char *token, dti_diag *d);

/* A one-time invitation for account_id, valid for p->invite_seconds from
 * now; its token into token (shown once, stored hashed). */
dti_err auth_invite(staging *st, const auth_policy *p, int64_t account_id, int64_t now,
		    char token[AUTH_TOKEN_HEX], dti_diag *d);
/* Takes an invitation and sets the account's password: *ok false when the
 * token is unknown, used or expired (DTI_EINVALID for a refused password,
 * the invitation then kept). */
dti_err auth_invite_accept(staging *st, const char *token, const char *password, int64_t now,
			   bool *ok, dti_diag *d);

#endif
