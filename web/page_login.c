/* page_login.c — the visitor's pages: home, the style sheet, login,
 * logout, taking an invitation. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "text.h"
#include "web.h"

extern const unsigned char web_css[];
extern const size_t web_css_len;
extern const char web_css_etag[];

int page_home(web_req *r)
{
	const char *role = r->authed ? r->acct.role : "";

	if (!r->authed)
		return web_redirect(r, "/login");
	if (strcmp(role, "admin") == 0)
		return web_redirect(r, "/admin/status");
	if (strcmp(role, "appraiser") == 0)
		return web_redirect(r, "/appraise");
	if (strcmp(role, "viewer") == 0)
		return web_redirect(r, "/report");
	/* A commune officer's pages are the declaration's (web/page_commune.c). */
	return web_redirect(r, "/commune");
}

int page_css(web_req *r)
{
	r->content_type = "text/css; charset=utf-8";
	r->cacheable = true;
	r->etag = xstrdup(web_css_etag);
	if (r->if_none_match && strcmp(r->if_none_match, web_css_etag) == 0)
		return 304;
	sb_append(&r->body, web_css, web_css_len);
	return 200;
}

static int login_form(web_req *r, int status, const char *problem, const char *name)
{
	page_begin(r, "Đăng nhập");
	if (problem) {
		PAGE(r, "<p class=\"problem\" id=\"login-problem\" role=\"alert\">");
		page_text(r, problem);
		PAGE(r, "</p>");
	}
	PAGE(r, "<form method=\"post\" action=\"/login\" id=\"login-form\" class=\"narrow\">");
	page_csrf(r);
	PAGE(r, "<label for=\"username\">Tên đăng nhập</label><input id=\"username\" "
		"name=\"username\" autocomplete=\"username\" required maxlength=\"64\" value=\"");
	page_text(r, name ? name : "");
	PAGE(r, "\"><label for=\"password\">Mật khẩu</label><input id=\"password\" "
		"name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
		"<button type=\"submit\" id=\"login-submit\">Đăng nhập</button></form>");
	page_end(r);
	return status;
}

int page_login_form(web_req *r)
{
	if (r->authed)
		return web_redirect(r, "/");
	return login_form(r, 200, NULL, NULL);
}

/* A failed or throttled login in the audit trail: the name as typed (cut
 * to AUTH_NAME_MAX bytes on a character boundary, what cannot be shown
 * as '?'; the audit page escapes it) and the address, at most one row a
 * (name, address) a minute and the policy's max_attempt_rows rows in all
 * (lib/store_user.c store_audit_login_failure). */
static void audit_failure(web_req *r, const char *action, const char *name, const char *note)
{
	char typed[AUTH_NAME_MAX + 1];
	size_t n = strlen(name);
	bool recorded;
	dti_diag d;

	if (n > AUTH_NAME_MAX) {
		n = AUTH_NAME_MAX;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(typed, sizeof typed, "%.*s", (int)n, name);
	text_printable(typed);
	for (char *p = typed; *p; p++)
		if (*p == '\n')
			*p = '?';
	if (store_audit_login_failure(r->st, action, typed, r->address, note,
				      r->app->policy.max_attempt_rows, &recorded, &d))
		log_error("cannot record '%s' in the audit trail: %s", action, d.msg);
}

int page_login(web_req *r)
{
	const char *name = web_form_arg(r, "username");
	const char *password = web_form_arg(r, "password");
	auth_login_result result;
	store_account acct;
	char token[AUTH_TOKEN_HEX];
	dti_diag d;
	dti_err rc;

	if (r->authed) /* a new login replaces the session it came with */
		auth_logout(r->st, r->token, NULL);
	rc = auth_login(r->st, &r->app->policy, name ? name : "", password ? password : "",
			r->address, (int64_t)time(NULL), &result, &acct, token, &d);
	if (rc) {
		store_account_free(&acct);
		log_error("login: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đăng nhập được; hãy thử lại.");
	}
	if (result != AUTH_LOGIN_OK)
		audit_failure(r,
			      result == AUTH_LOGIN_THROTTLED ? "login throttled" : "login failed",
			      name ? name : "",
			      result == AUTH_LOGIN_DISABLED ? "account disabled" : NULL);
	if (result == AUTH_LOGIN_THROTTLED) {
		store_account_free(&acct);
		return login_form(
			r, 429, "Đăng nhập sai quá nhiều lần. Hãy đợi 15 phút rồi thử lại.", name);
	}
	if (result != AUTH_LOGIN_OK) {
		store_account_free(&acct);
		return login_form(r, 401, "Tên đăng nhập hoặc mật khẩu không đúng.", name);
	}
	store_account_free(&r->acct);
	r->acct = acct;
	r->authed = true;
	web_audit(r, "login", r->address);
	web_set_cookie(r, "dti_session", token, r->app->policy.absolute_seconds);
	web_set_cookie(r, "dti_pre", "", 0);
	return web_redirect(r, "/");
}

int page_logout(web_req *r)
{
	dti_diag d;

	if (auth_logout(r->st, r->token, &d))
		log_error("logout: %s", d.msg);
	web_audit(r, "logout", "");
	web_set_cookie(r, "dti_session", "", 0);
	return web_redirect(r, "/login");
}

static int invite_form(web_req *r, int status, const char *problem)
{
	const char *token = web_arg(r, "token");

	page_begin(r, "Đặt mật khẩu");
	if (problem) {
		PAGE(r, "<p class=\"problem\" id=\"invite-problem\" role=\"alert\">");
		page_text(r, problem);
		PAGE(r, "</p>");
	}
	PAGE(r, "<form method=\"post\" action=\"/invite\" id=\"invite-form\" class=\"narrow\">");
	page_csrf(r);
	PAGE(r, "<input type=\"hidden\" name=\"token\" value=\"");
	page_text(r, token ? token : "");
	PAGE(r, "\"><label for=\"password\">Mật khẩu mới (ít nhất 8 ký tự)</label>"
		"<input id=\"password\" name=\"password\" type=\"password\" "
		"autocomplete=\"new-password\" required minlength=\"8\">"
		"<button type=\"submit\" id=\"invite-submit\">Đặt mật khẩu</button></form>");
	page_end(r);
	return status;
}

int page_invite_form(web_req *r)
{
	return invite_form(r, 200, NULL);
}

/* The account an invitation token is for (NULL when none), read before
 * the invitation is taken, for the audit trail. */
static char *invited_account(web_req *r, const char *token)
{
	char hash[AUTH_TOKEN_HEX], *name = NULL;
	dti_diag d;

	if (!token || strlen(token) != AUTH_TOKEN_HEX - 1)
		return NULL;
	auth_token_hash(token, hash);
	if (store_invite_account_name(r->st, hash, &name, &d))
		log_error("invitation: %s", d.msg);
	return name;
}

int page_invite(web_req *r)
{
	const char *token = web_form_arg(r, "token");
	char *who = invited_account(r, token);
	bool ok = false;
	dti_diag d;
	dti_err rc = auth_invite_accept(r->st, token, web_form_arg(r, "password"),
					(int64_t)time(NULL), &ok, &d);

	if (rc == DTI_EINVALID) {
		free(who);
		return invite_form(r, 400, "Mật khẩu phải có từ 8 đến 1024 ký tự.");
	}
	if (rc) {
		free(who);
		log_error("invitation: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đặt được mật khẩu; hãy thử lại.");
	}
	if (!ok) {
		free(who);
		return page_message(r, 400, "Liên kết không dùng được",
				    "Liên kết mời đã dùng, đã hết hạn hoặc không đúng. Hãy xin "
				    "quản trị viên một liên kết mới.");
	}
	/* No session yet: the account is the invitation's. */
	if (store_audit_add(r->st, who ? who : "", "invite accepted", "", &d))
		log_error("cannot record 'invite accepted' in the audit trail: %s", d.msg);
	free(who);
	return page_message(r, 200, "Đã đặt mật khẩu",
			    "Mật khẩu đã được đặt. Hãy đăng nhập bằng tên đăng nhập của bạn.");
}
