/* lib/auth.c and lib/store_user.c: Argon2id hashes that verify and refuse,
 * at the strong limits by default; tokens of 256 bits stored only hashed;
 * sessions that idle out, age out, end at logout, at a new password and
 * when the account is disabled, and never take a token the client chose;
 * the throttle per name and per address, kept in the database and
 * bounded; one-time invitations that expire; CSRF tokens bound to their
 * session; verifying units as the framework names them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "auth.h"
#include "staging_fixture.h"
#include "store.h"
#include "store_user.h"
#include "verifiers.h"

#define NOW 1800000000LL

static int64_t add_account(fixture *f, const char *name, const char *role, const char *commune,
			   const char *password)
{
	char hash[AUTH_HASH_MAX];
	store_account a = {
		.name = (char *)name, .role = (char *)role, .commune_code = (char *)commune};
	int64_t id = 0;
	dti_diag d;

	if (password) {
		assert_int_equal(auth_password_hash(password, hash, &d), DTI_EOK);
		a.password_hash = hash;
	}
	assert_int_equal(store_account_add(f->st, &a, &id, &d), DTI_EOK);
	return id;
}

static void test_password_hash(void **state)
{
	char h1[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];
	dti_diag d;

	(void)state;
	unsetenv("DTI_AUTH_FAST_HASH"); /* the default: INTERACTIVE limits */
	assert_int_equal(auth_password_hash("correct horse", h1, &d), DTI_EOK);
	assert_non_null(strstr(h1, "$argon2id$"));
	assert_non_null(strstr(h1, "m=65536,t=2")); /* 64 MiB, 2 passes */
	assert_true(auth_password_verify(h1, "correct horse"));
	assert_false(auth_password_verify(h1, "correct horsE"));
	assert_false(auth_password_verify(h1, ""));
	assert_false(auth_password_verify(NULL, "correct horse"));
	assert_false(auth_password_verify("not a hash", "correct horse"));
	setenv("DTI_AUTH_FAST_HASH", "1", 1);
	assert_int_equal(auth_password_hash("correct horse", h2, &d), DTI_EOK);
	assert_string_not_equal(h1, h2); /* salted */
	assert_true(auth_password_verify(h2, "correct horse"));
}

static void test_names_and_passwords(void **state)
{
	char why[96], long_name[80];

	(void)state;
	assert_true(auth_name_ok("lan.pham@vanlam", why));
	assert_false(auth_name_ok("", why));
	assert_false(auth_name_ok("x' OR '1'='1", why));
	assert_false(auth_name_ok("<b>", why));
	assert_false(auth_name_ok("Phạm", why));
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_false(auth_name_ok(long_name, why));
	assert_true(auth_password_ok("12345678", why));
	assert_false(auth_password_ok("1234567", why));
	assert_false(auth_password_ok("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", why));
	assert_int_equal(auth_role_parse("appraiser"), AUTH_ROLE_APPRAISER);
	assert_int_equal(auth_role_parse("root"), -1);
}

static void test_tokens_and_csrf(void **state)
{
	char a[AUTH_TOKEN_HEX], b[AUTH_TOKEN_HEX], h[AUTH_TOKEN_HEX], ca[AUTH_TOKEN_HEX],
		cb[AUTH_TOKEN_HEX];

	(void)state;
	auth_token_new(a);
	auth_token_new(b);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
	auth_token_hash(a, h);
	assert_string_not_equal(h, a);
	auth_csrf(a, ca);
	auth_csrf(b, cb);
	assert_string_not_equal(ca, cb);
	assert_string_not_equal(ca, a);
	assert_true(auth_csrf_ok(a, ca));
	assert_false(auth_csrf_ok(b, ca)); /* another session's token */
	assert_false(auth_csrf_ok(a, NULL));
	assert_false(auth_csrf_ok(a, ""));
	ca[63] = ca[63] == '0' ? '1' : '0';
	assert_false(auth_csrf_ok(a, ca));
	ca[63] = '\0';
	assert_false(auth_csrf_ok(a, ca)); /* too short */
	assert_false(auth_csrf_ok("", ""));
}

static void test_login_and_session(void **state)
{
	fixture *f = *state;
	auth_policy p;
	auth_login_result res;
	store_account acct;
	char token[AUTH_TOKEN_HEX], token2[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX];
	int64_t n = -1;
	bool valid;
	dti_diag d;

	assert_int_equal(auth_policy_load(NULL, &p, &d), DTI_EOK);
	add_account(f, "lan", "commune", "11989", "mat-khau-1");
	assert_int_equal(
		auth_login(f->st, &p, "lan", "mat-khau-1", "10.0.0.1", NOW, &res, &acct, token, &d),
		DTI_EOK);
	assert_int_equal(res, AUTH_LOGIN_OK);
	assert_string_equal(acct.commune_code, "11989");
	store_account_free(&acct);
	/* Stored hashed: the token itself is nowhere in the table. */
	auth_token_hash(token, hash);
	assert_int_equal(store_int64(f->st, &d,
				     "SELECT count(*) FROM session WHERE token_hash = ?1", &n, NULL,
				     STORE_ARGS(STORE_TEXT(hash))),
			 DTI_EOK);
	assert_int_equal(n, 1);
	assert_int_equal(store_int64(f->st, &d,
				     "SELECT count(*) FROM session WHERE token_hash = ?1", &n, NULL,
				     STORE_ARGS(STORE_TEXT(token))),
			 DTI_EOK);
	assert_int_equal(n, 0);
	/* A second login gets another token. */
	assert_int_equal(auth_login(f->st, &p, "lan", "mat-khau-1", "10.0.0.1", NOW, &res, &acct,
				    token2, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_string_not_equal(token, token2);
	/* Valid within the idle time-out, then idle past it. */
	assert_int_equal(auth_session(f->st, &p, token, NOW + 60, &acct, &valid, &d), DTI_EOK);
	assert_true(valid);
	assert_string_equal(acct.name, "lan");
	store_account_free(&acct);
	assert_int_equal(
		auth_session(f->st, &p, token, NOW + 60 + p.idle_seconds + 1, &acct, &valid, &d),
		DTI_EOK);
	assert_false(valid);
	/* Gone for good, even at a time it would have been valid. */
	assert_int_equal(auth_session(f->st, &p, token, NOW + 61, &acct, &valid, &d), DTI_EOK);
	assert_false(valid);
	/* A token the client made up is no session. */
	auth_token_new(token);
	assert_int_equal(auth_session(f->st, &p, token, NOW, &acct, &valid, &d), DTI_EOK);
	assert_false(valid);
	assert_int_equal(auth_session(f->st, &p, "short", NOW, &acct, &valid, &d), DTI_EOK);
	assert_false(valid);
	/* Logout ends it server-side. */
	assert_int_equal(auth_session(f->st, &p, token2, NOW + 10, &acct, &valid, &d), DTI_EOK);
	assert_true(valid);
	store_account_free(&acct);
	assert_int_equal(auth_logout(f->st, token2, &d), DTI_EOK);
	assert_int_equal(auth_session(f->st, &p, token2, NOW + 11, &acct, &valid, &d), DTI_EOK);
	assert_false(valid);
}

static void test_absolute_timeout_and_disable(void **state)
{
	fixture *f = *state;
	auth_policy p;
	auth_login_result res;
	store_account acct;
	char token[AUTH_TOKEN_HEX];
	bool valid, found;
	int64_t t = NOW;
	dti_diag d;

	assert_int_equal(auth_policy_load(NULL, &p, &d), DTI_EOK);
	add_account(f, "binh", "viewer", NULL, "mat-khau-2");
	assert_int_equal(auth_login(f->st, &p, "binh", "mat-khau-2", "10.0.0.2", NOW, &res, &acct,
				    token, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_OK);
	/* Used every few minutes, it still ends at the absolute time-out. */
	while (t + 600 <= NOW + p.absolute_seconds) {
		t += 600;
		assert_int_equal(auth_session(f->st, &p, token, t, &acct, &valid, &d), DTI_EOK);
		assert_true(valid);
		store_account_free(&acct);
	}
	assert_int_equal(
		auth_session(f->st, &p, token, NOW + p.absolute_seconds + 1, &acct, &valid, &d),
		DTI_EOK);
	assert_false(valid);
	/* Disabling ends its sessions; its right password then logs nobody in. */
	assert_int_equal(auth_login(f->st, &p, "binh", "mat-khau-2", "10.0.0.2", NOW, &res, &acct,
				    token, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(store_account_set_disabled(f->st, "binh", true, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(auth_session(f->st, &p, token, NOW + 1, &acct, &valid, &d), DTI_EOK);
	assert_false(valid);
	assert_int_equal(auth_login(f->st, &p, "binh", "mat-khau-2", "10.0.0.2", NOW, &res, &acct,
				    token, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_DISABLED);
	assert_string_equal(token, "");
}

static void test_throttle(void **state)
{
	fixture *f = *state;
	auth_policy p;
	auth_login_result res;
	store_account acct;
	char token[AUTH_TOKEN_HEX];
	int64_t rows = 0;
	dti_diag d;

	assert_int_equal(auth_policy_load(NULL, &p, &d), DTI_EOK);
	add_account(f, "cuong", "admin", NULL, "mat-khau-3");
	for (int64_t i = 0; i < p.max_account_failures; i++) {
		assert_int_equal(auth_login(f->st, &p, "cuong", "wrong", "10.0.0.3", NOW + i, &res,
					    &acct, token, &d),
				 DTI_EOK);
		store_account_free(&acct);
		assert_int_equal(res, AUTH_LOGIN_BAD);
	}
	/* Now the right password is refused too, from any address. */
	assert_int_equal(auth_login(f->st, &p, "cuong", "mat-khau-3", "10.9.9.9", NOW + 10, &res,
				    &acct, token, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_THROTTLED);
	/* The window passes: it logs in, and the count starts again. */
	assert_int_equal(auth_login(f->st, &p, "cuong", "mat-khau-3", "10.9.9.9",
				    NOW + p.window_seconds + 10, &res, &acct, token, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_OK);
	/* Per address: many names from one address. */
	p.max_address_failures = 3;
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof name, "nobody%d", i);
		assert_int_equal(
			auth_login(f->st, &p, name, "x", "10.0.0.4", NOW, &res, &acct, token, &d),
			DTI_EOK);
		store_account_free(&acct);
		assert_int_equal(res, AUTH_LOGIN_BAD);
	}
	assert_int_equal(auth_login(f->st, &p, "cuong", "mat-khau-3", "10.0.0.4", NOW + 1, &res,
				    &acct, token, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_THROTTLED);
	/* The table stays within its bound. */
	p.max_attempt_rows = 10;
	p.max_address_failures = 1000;
	for (int i = 0; i < 40; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "192.0.2.%d", i);
		assert_int_equal(
			auth_login(f->st, &p, "ghost", "x", addr, NOW + i, &res, &acct, token, &d),
			DTI_EOK);
		store_account_free(&acct);
	}
	assert_int_equal(store_int64(f->st, &d, "SELECT count(*) FROM login_attempt", &rows, NULL,
				     STORE_NOARGS),
			 DTI_EOK);
	assert_true(rows <= 10);
}

static void test_invitation(void **state)
{
	fixture *f = *state;
	auth_policy p;
	auth_login_result res;
	store_account acct;
	char token[AUTH_TOKEN_HEX], session[AUTH_TOKEN_HEX];
	int64_t id = add_account(f, "dung", "appraiser", NULL, NULL);
	bool ok;
	dti_diag d;

	assert_int_equal(auth_policy_load(NULL, &p, &d), DTI_EOK);
	/* No password yet: nothing logs in. */
	assert_int_equal(
		auth_login(f->st, &p, "dung", "", "10.0.0.5", NOW, &res, &acct, session, &d),
		DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_BAD);
	assert_int_equal(auth_invite(f->st, &p, id, NOW, token, &d), DTI_EOK);
	/* A refused password keeps the invitation. */
	assert_int_equal(auth_invite_accept(f->st, token, "short", NOW + 1, &ok, &d), DTI_EINVALID);
	assert_int_equal(auth_invite_accept(f->st, token, "mat-khau-4", NOW + 2, &ok, &d), DTI_EOK);
	assert_true(ok);
	/* One use only. */
	assert_int_equal(auth_invite_accept(f->st, token, "mat-khau-5", NOW + 3, &ok, &d), DTI_EOK);
	assert_false(ok);
	assert_int_equal(auth_login(f->st, &p, "dung", "mat-khau-4", "10.0.0.5", NOW + 4, &res,
				    &acct, session, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_OK);
	/* Expired, it sets nothing; a new one replaces the last. */
	assert_int_equal(auth_invite(f->st, &p, id, NOW, token, &d), DTI_EOK);
	assert_int_equal(
		auth_invite_accept(f->st, token, "mat-khau-6", NOW + p.invite_seconds, &ok, &d),
		DTI_EOK);
	assert_false(ok);
	assert_int_equal(auth_invite(f->st, &p, id, NOW, token, &d), DTI_EOK);
	assert_int_equal(auth_invite(f->st, &p, id, NOW, session, &d), DTI_EOK);
	assert_int_equal(auth_invite_accept(f->st, token, "mat-khau-7", NOW + 1, &ok, &d), DTI_EOK);
	assert_false(ok);
	assert_int_equal(auth_invite_accept(f->st, session, "mat-khau-7", NOW + 1, &ok, &d),
			 DTI_EOK);
	assert_true(ok);
	/* The password cannot be stored (a trigger refuses it): the
	 * invitation is not used up, and works once the store does. */
	assert_int_equal(auth_invite(f->st, &p, id, NOW, token, &d), DTI_EOK);
	assert_int_equal(
		staging_exec(f->st,
			     "CREATE TEMP TRIGGER no_password BEFORE UPDATE OF password_hash "
			     "ON main.account BEGIN SELECT RAISE(ABORT, 'disk full'); END",
			     &d),
		DTI_EOK);
	assert_int_not_equal(auth_invite_accept(f->st, token, "mat-khau-8", NOW + 1, &ok, &d),
			     DTI_EOK);
	assert_false(ok);
	assert_int_equal(staging_exec(f->st, "DROP TRIGGER no_password", &d), DTI_EOK);
	assert_int_equal(auth_invite_accept(f->st, token, "mat-khau-8", NOW + 2, &ok, &d), DTI_EOK);
	assert_true(ok);
	assert_int_equal(auth_login(f->st, &p, "dung", "mat-khau-8", "10.0.0.5", NOW + 3, &res,
				    &acct, session, &d),
			 DTI_EOK);
	store_account_free(&acct);
	assert_int_equal(res, AUTH_LOGIN_OK);
}

static void test_accounts_and_units(void **state)
{
	fixture *f = *state;
	char office[] = "Phòng Văn hóa và Thông tin", post[] = "Bưu điện huyện";
	char name[] = "em", role[] = "appraiser", ghost[] = "ghost", commune[] = "commune",
	     code[] = "99999";
	char *unit_list[] = {office};
	store_account a = {.name = name, .role = role, .units = unit_list, .n_units = 1};
	store_account got;
	bool found;
	dti_diag d;

	assert_int_equal(store_account_add(f->st, &a, NULL, &d), DTI_EOK);
	assert_int_equal(store_account_add(f->st, &a, NULL, &d), DTI_EINVALID);
	assert_non_null(strstr(d.msg, "exists already"));
	assert_int_equal(store_account_get(f->st, "em", 0, &got, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(got.n_units, 1);
	assert_string_equal(got.units[0], "Phòng Văn hóa và Thông tin");
	store_account_free(&got);
	/* A commune officer needs a commune the database knows. */
	a = (store_account){.name = ghost, .role = commune, .commune_code = code};
	assert_int_not_equal(store_account_add(f->st, &a, NULL, &d), DTI_EOK);
	assert_true(verifiers_known(f->fw, "Phòng Văn hóa và Thông tin"));
	assert_true(verifiers_known(f->fw, "Văn phòng HĐND-UBND huyện"));
	assert_false(verifiers_known(f->fw, "Phòng Văn hóa"));
	/* steering_head (1.1) is verified by both offices, not by the post office. */
	assert_true(verifiers_cover(f->fw, unit_list, 1, "steering_head"));
	unit_list[0] = post;
	assert_false(verifiers_cover(f->fw, unit_list, 1, "steering_head"));
	assert_false(verifiers_cover(f->fw, unit_list, 1, "no_such_variable"));
}

static dti_err count_audit(void *ctx, const store_audit_row *r)
{
	long *n = ctx;

	n[0]++;
	if (strcmp(r->action, "login failed") == 0 || strcmp(r->action, "login throttled") == 0)
		n[1]++;
	return DTI_EOK;
}

/* Failed logins in the audit trail, bounded: one row a (name, address) a
 * minute, the failure rows kept to the cap (the oldest going first), the
 * other rows of the audit never removed. */
static void test_audit_login_failures(void **state)
{
	fixture *f = *state;
	long n[2];
	bool recorded = false;
	char name[32];
	dti_diag d;

	assert_int_equal(store_audit_add(f->st, "admin", "account.add", "lan", &d), DTI_EOK);
	assert_int_equal(store_audit_login_failure(f->st, "login failed", "lan", "10.0.0.1", NULL,
						   5, &recorded, &d),
			 DTI_EOK);
	assert_true(recorded);
	/* The same name and address within the minute: not again (once more
	 * at most, when the minute turned meanwhile). */
	for (int i = 0, again = 0; i < 20; i++) {
		assert_int_equal(store_audit_login_failure(f->st, "login failed", "lan", "10.0.0.1",
							   NULL, 5, &recorded, &d),
				 DTI_EOK);
		again += recorded;
		assert_true(again <= 1);
	}
	assert_int_equal(store_audit_login_failure(f->st, "login throttled", "lan", "10.0.0.1",
						   NULL, 5, &recorded, &d),
			 DTI_EOK);
	assert_true(recorded); /* another action */
	assert_int_equal(store_audit_login_failure(f->st, "login failed", "lan", "10.0.0.2",
						   "account disabled", 5, &recorded, &d),
			 DTI_EOK);
	assert_true(recorded); /* another address */
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "guess%d", i);
		assert_int_equal(store_audit_login_failure(f->st, "login failed", name, "10.0.0.3",
							   NULL, 5, &recorded, &d),
				 DTI_EOK);
		assert_true(recorded);
		n[0] = n[1] = 0;
		assert_int_equal(store_audit_each(f->st, "", 1000, count_audit, n, &d), DTI_EOK);
		assert_true(n[1] <= 5);
		assert_int_equal(n[0] - n[1], 1); /* the account.add row stays */
	}
	n[0] = n[1] = 0;
	assert_int_equal(store_audit_each(f->st, "guess39", 10, count_audit, n, &d), DTI_EOK);
	assert_int_equal(n[1], 1); /* the newest kept */
	n[0] = n[1] = 0;
	assert_int_equal(store_audit_each(f->st, "guess0", 10, count_audit, n, &d), DTI_EOK);
	assert_int_equal(n[1], 0); /* the oldest gone */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_hash),
		cmocka_unit_test(test_names_and_passwords),
		cmocka_unit_test(test_tokens_and_csrf),
		cmocka_unit_test_setup_teardown(test_login_and_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absolute_timeout_and_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invitation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accounts_and_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_login_failures, setup, teardown),
	};

	(void)put_value; /* the fixture's, for the tests that store values */
	setenv("DTI_AUTH_FAST_HASH", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
