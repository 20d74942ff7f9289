#include "auth.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "text.h"
#include "util.h"

static const char *const role_words[] = {
#define AUTH_ROLE_WORD(e, word) word,
	AUTH_ROLES(AUTH_ROLE_WORD)
#undef AUTH_ROLE_WORD
};

int auth_role_parse(const char *word)
{
	for (int i = 0; word && i < AUTH_ROLE_COUNT; i++)
		if (strcmp(word, role_words[i]) == 0)
			return i;
	return -1;
}

const char *auth_role_name(auth_role r)
{
	return (unsigned)r < AUTH_ROLE_COUNT ? role_words[r] : "?";
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status = -1;
static sem_t hash_slots;
/* A hash of a random password: unknown names are checked against it, so
 * that an unknown name costs the time a known one does. */
static char dummy_hash[AUTH_HASH_MAX];

static bool fast_hash(void)
{
	const char *v = getenv("DTI_AUTH_FAST_HASH");

	return v && strcmp(v, "1") == 0;
}

static int pw_hash(const char *password, char out[AUTH_HASH_MAX])
{
	unsigned long long ops =
		fast_hash() ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = fast_hash() ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
	int r;

	while (sem_wait(&hash_slots) != 0)
		;
	r = crypto_pwhash_str(out, password, strlen(password), ops, mem);
	sem_post(&hash_slots);
	return r;
}

static void init_sodium(void)
{
	char pw[AUTH_TOKEN_HEX];

	if (sodium_init() < 0 || sem_init(&hash_slots, 0, AUTH_HASH_PARALLEL) != 0)
		return;
	auth_token_new(pw);
	if (pw_hash(pw, dummy_hash) != 0)
		return;
	init_status = 0;
}

dti_err auth_init(dti_diag *d)
{
	pthread_once(&init_once, init_sodium);
	if (init_status != 0)
		return diag_set(d, DTI_EIO, "cannot start libsodium (random source or memory)");
	return DTI_EOK;
}

static dti_err policy_number(json_t *web, const char *key, int64_t scale, int64_t *out,
			     const char *path, dti_diag *d)
{
	json_t *v = json_object_get(web, key);

	if (!v)
		return DTI_EOK;
	if (!json_is_integer(v) || json_integer_value(v) <= 0 ||
	    json_integer_value(v) > INT64_MAX / scale / 1000)
		return diag_set(d, DTI_ECONFIG, "%s: web.%s must be a whole number above 0", path,
				key);
	*out = json_integer_value(v) * scale;
	return DTI_EOK;
}

dti_err auth_policy_load(const config *c, auth_policy *p, dti_diag *d)
{
	json_t *web = c ? json_object_get(c->root, "web") : NULL;
	const char *path = c ? c->path : "";
	dti_err rc = DTI_EOK;

	*p = (auth_policy){.idle_seconds = 30 * 60,
			   .absolute_seconds = 12 * 3600,
			   .invite_seconds = 72 * 3600,
			   .window_seconds = 15 * 60,
			   .max_account_failures = 5,
			   .max_address_failures = 50,
			   .max_attempt_rows = 10000};
	if (!web)
		return DTI_EOK;
	if (!json_is_object(web))
		return diag_set(d, DTI_ECONFIG, "%s: \"web\" must be an object", path);
	if (!rc)
		rc = policy_number(web, "session_idle_minutes", 60, &p->idle_seconds, path, d);
	if (!rc)
		rc = policy_number(web, "session_hours", 3600, &p->absolute_seconds, path, d);
	if (!rc)
		rc = policy_number(web, "invite_hours", 3600, &p->invite_seconds, path, d);
	if (!rc)
		rc = policy_number(web, "login_window_minutes", 60, &p->window_seconds, path, d);
	if (!rc)
		rc = policy_number(web, "login_max_failures", 1, &p->max_account_failures, path, d);
	if (!rc)
		rc = policy_number(web, "login_max_failures_address", 1, &p->max_address_failures,
				   path, d);
	return rc;
}

bool auth_name_ok(const char *name, char why[96])
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > AUTH_NAME_MAX) {
		snprintf(why, 96, "must be 1 to %d characters", AUTH_NAME_MAX);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("._-@", ch))) {
			snprintf(why, 96, "may hold only letters, digits and . _ - @ (ASCII)");
			return false;
		}
	}
	return true;
}

bool auth_password_ok(const char *password, char why[96])
{
	size_t n = password ? strlen(password) : 0;

	if (n < AUTH_PASSWORD_MIN || n > AUTH_PASSWORD_MAX) {
		snprintf(why, 96, "must be %d to %d bytes", AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX);
		return false;
	}
	if (!utf8_valid(password, n)) {
		snprintf(why, 96, "is not valid UTF-8");
		return false;
	}
	return true;
}

dti_err auth_password_hash(const char *password, char out[AUTH_HASH_MAX], dti_diag *d)
{
	dti_err rc = auth_init(d);

	if (rc)
		return rc;
	if (pw_hash(password, out) != 0)
		return diag_set(d, DTI_ENOMEM, "cannot hash the password: out of memory");
	return DTI_EOK;
}

bool auth_password_verify(const char *hash, const char *password)
{
	bool ok;

	if (auth_init(NULL) || !password)
		return false;
	if (!hash || !memchr(hash, '\0', AUTH_HASH_MAX)) {
		hash = dummy_hash; /* spend the same time, then refuse */
		password = "";
	}
	while (sem_wait(&hash_slots) != 0)
		;
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	sem_post(&hash_slots);
	return ok && hash != dummy_hash;
}

void auth_token_new(char out[AUTH_TOKEN_HEX])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, AUTH_TOKEN_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

void auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX])
{
	sha256_hex(token, strlen(token), out);
}

void auth_csrf(const char *token, char out[AUTH_TOKEN_HEX])
{
	unsigned char mac[32];
	size_t klen = strlen(token);

	if (klen > crypto_generichash_KEYBYTES_MAX)
		klen = crypto_generichash_KEYBYTES_MAX;
	crypto_generichash(mac, sizeof mac, (const unsigned char *)"dti-csrf", 8,
			   (const unsigned char *)token, klen);
	sodium_bin2hex(out, AUTH_TOKEN_HEX, mac, sizeof mac);
}

bool auth_csrf_ok(const char *token, const char *given)
{
	char want[AUTH_TOKEN_HEX];

	if (!token || !*token || !given || strlen(given) != AUTH_TOKEN_HEX - 1)
		return false;
	auth_csrf(token, want);
	return sodium_memcmp(want, given, AUTH_TOKEN_HEX - 1) == 0;
}

/* Whether name or address is past its limit. */
static dti_err throttled(staging *st, const auth_policy *p, const char *name, const char *address,
			 int64_t now, bool *yes, dti_diag *d)
{
	int64_t by_name = 0, by_address = 0;
	int64_t start = now - p->window_seconds;
	dti_err rc = store_attempt_failures(st, "account", name, start, &by_name, d);

	if (!rc)
		rc = store_attempt_failures(st, "address", address, start, &by_address, d);
	*yes = by_name >= p->max_account_failures || by_address >= p->max_address_failures;
	return rc;
}

static dti_err count_failure(staging *st, const auth_policy *p, const char *name,
			     const char *address, int64_t now, dti_diag *d)
{
	int64_t start = now - p->window_seconds;
	dti_err rc = store_attempt_fail(st, "account", name, now, start, p->max_attempt_rows, d);

	return rc ? rc
		  : store_attempt_fail(st, "address", address, now, start, p->max_attempt_rows, d);
}

dti_err auth_login(staging *st, const auth_policy *p, const char *name, const char *password,
		   const char *address, int64_t now, auth_login_result *result, store_account *acct,
		   char token[AUTH_TOKEN_HEX], dti_diag *d)
{
	char why[96], hash[AUTH_TOKEN_HEX];
	bool found = false, over = false, ok;
	dti_err rc = auth_init(d);

	*result = AUTH_LOGIN_BAD;
	memset(acct, 0, sizeof *acct);
	token[0] = '\0';
	if (rc)
		return rc;
	if (!auth_name_ok(name, why))
		name = "(invalid)"; /* counted under one key, never looked up */
	rc = throttled(st, p, name, address ? address : "", now, &over, d);
	if (rc)
		return rc;
	if (over) {
		*result = AUTH_LOGIN_THROTTLED;
		return DTI_EOK;
	}
	if (strcmp(name, "(invalid)") != 0)
		rc = store_account_get(st, name, 0, acct, &found, d);
	if (rc)
		return rc;
	ok = auth_password_verify(found ? acct->password_hash : NULL, password ? password : "");
	if (!ok)
		return count_failure(st, p, name, address ? address : "", now, d);
	if (acct->disabled) {
		*result = AUTH_LOGIN_DISABLED;
		return DTI_EOK;
	}
	rc = store_attempt_clear(st, "account", name, d);
	auth_token_new(token);
	auth_token_hash(token, hash);
	if (!rc)
		rc = store_session_add(st, hash, acct->id, now, d);
	if (!rc)
		*result = AUTH_LOGIN_OK;
	else
		token[0] = '\0';
	return rc;
}

dti_err auth_session(staging *st, const auth_policy *p, const char *token, int64_t now,
		     store_account *acct, bool *valid, dti_diag *d)
{
	char hash[AUTH_TOKEN_HEX];
	int64_t account_id = 0, created = 0, last_seen = 0;
	bool found = false;
	dti_err rc;

	*valid = false;
	memset(acct, 0, sizeof *acct);
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return DTI_EOK;
	auth_token_hash(token, hash);
	rc = store_session_get(st, hash, &account_id, &created, &last_seen, &found, d);
	if (rc || !found)
		return rc;
	if (now - last_seen > p->idle_seconds || now - created > p->absolute_seconds)
		return store_session_delete(st, hash, d);
	rc = store_account_get(st, NULL, account_id, acct, &found, d);
	if (rc)
		return rc;
	if (!found || acct->disabled) {
		store_account_free(acct);
		return store_session_delete(st, hash, d);
	}
	/* One write a minute at most: a page view is a read, and it is not
	 * refused when another program holds the write lock (an import, a
	 * scoring): the last use is then noted at a later view, the session
	 * idling out at worst that much sooner. */
	if (now - last_seen >= 60)
		(void)store_session_touch(st, hash, now, d);
	*valid = true;
	return DTI_EOK;
}

dti_err auth_logout(staging *st, const char *token, dti_diag *d)
{
	char hash[AUTH_TOKEN_HEX];

	if (!token || !*token)
		return DTI_EOK;
	auth_token_hash(token, hash);
	return store_session_delete(st, hash, d);
}

dti_err auth_invite(staging *st, const auth_policy *p, int64_t account_id, int64_t now,
		    char token[AUTH_TOKEN_HEX], dti_diag *d)
{
	char hash[AUTH_TOKEN_HEX];
	dti_err rc = auth_init(d);

	if (rc)
		return rc;
	auth_token_new(token);
	auth_token_hash(token, hash);
	rc = store_invite_add(st, hash, account_id, now + p->invite_seconds, d);
	if (rc)
		token[0] = '\0';
	return rc;
}

dti_err auth_invite_accept(staging *st, const char *token, const char *password, int64_t now,
			   bool *ok, dti_diag *d)
{
	char hash[AUTH_TOKEN_HEX], why[96], pw[AUTH_HASH_MAX];
	dti_err rc;

	*ok = false;
	if (!auth_password_ok(password, why))
		return diag_set(d, DTI_EINVALID, "the password %s", why);
	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return DTI_EOK;
	rc = auth_password_hash(password, pw, d);
	if (rc)
		return rc;
	auth_token_hash(token, hash);
	rc = store_invite_redeem(st, hash, now, pw, ok, d);
	sodium_memzero(pw, sizeof pw);
	if (rc)
		*ok = false;
	return rc;
}
