/* dispatch.c — the one place where access is decided: route, session,
 * role, CSRF, scope; then the handler. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store_appraisal.h"
#include "units.h"
#include "verifiers.h"
#include "web.h"

#define SESSION_COOKIE "dti_session"
#define PRE_COOKIE "dti_pre"

const char *web_arg(const web_req *r, const char *name)
{
	const char *q = NULL;

	for (size_t i = 0; i < r->n_params; i++)
		if (strcmp(r->params[i].name, name) == 0) {
			if (r->params[i].form)
				return r->params[i].value;
			if (!q)
				q = r->params[i].value;
		}
	return q;
}

const char *web_form_arg(const web_req *r, const char *name)
{
	for (size_t i = 0; i < r->n_params; i++)
		if (r->params[i].form && strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

bool web_arg_id(const web_req *r, const char *name, int64_t *out)
{
	const char *v = web_arg(r, name);

	*out = 0;
	return v && parse_i64(v, out) && *out > 0;
}

web_upload *web_upload_get(web_req *r, const char *name)
{
	for (size_t i = 0; i < r->n_uploads; i++)
		if (strcmp(r->uploads[i].field, name) == 0 && r->uploads[i].path)
			return &r->uploads[i];
	return NULL;
}

char *web_upload_take(web_upload *u)
{
	char *p = u->path;

	u->path = NULL;
	return p;
}

int web_redirect(web_req *r, const char *path)
{
	free(r->location);
	r->location = xstrdup(path);
	r->status = 303;
	return 303;
}

void web_set_cookie(web_req *r, const char *name, const char *value, int64_t max_age)
{
	if (r->n_cookies >= WEB_MAX_COOKIES)
		return;
	r->cookies[r->n_cookies++] =
		xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", name, value,
			  (long long)max_age, r->app->secure_cookies ? "; Secure" : "");
}

void web_audit(web_req *r, const char *action, const char *what)
{
	dti_diag d;

	if (store_audit_add(r->st, r->authed ? r->acct.name : "", action, what, &d))
		log_error("cannot record '%s' in the audit trail: %s", action, d.msg);
}

/* The session of the request's cookie, or a pre-login token for the forms
 * of a visitor (login, invitation). */
static dti_err find_session(web_req *r, dti_diag *d)
{
	dti_err rc = auth_session(r->st, &r->app->policy, r->session_cookie, (int64_t)time(NULL),
				  &r->acct, &r->authed, d);

	if (rc)
		return rc;
	if (r->authed) {
		snprintf(r->token, sizeof r->token, "%s", r->session_cookie);
	} else if (r->pre_cookie && strlen(r->pre_cookie) == AUTH_TOKEN_HEX - 1) {
		snprintf(r->token, sizeof r->token, "%s", r->pre_cookie);
	} else {
		auth_token_new(r->token);
		web_set_cookie(r, PRE_COOKIE, r->token, 3600);
	}
	auth_csrf(r->token, r->csrf);
	return DTI_EOK;
}

/* WEB_SCOPE_COMMUNE: the commune named, a commune officer's own. */
static bool commune_allowed(web_req *r)
{
	const char *raw = web_arg(r, "commune");

	if (!raw || !*raw) {
		if (r->acct.role && strcmp(r->acct.role, "commune") == 0)
			snprintf(r->commune, sizeof r->commune, "%s", r->acct.commune_code);
		return true;
	}
	if (!commune_code_normalise(raw, r->commune))
		return false;
	return strcmp(r->acct.role, "commune") != 0 ||
	       (r->acct.commune_code && strcmp(r->acct.commune_code, r->commune) == 0);
}

/* WEB_SCOPE_OBSERVATION: 0 when allowed, else the status to answer. */
static int observation_allowed(web_req *r)
{
	char *commune = NULL, *variable = NULL;
	int64_t id;
	int status = 0;
	dti_diag d;

	if (!web_arg_id(r, "id", &id))
		return 404;
	if (store_observation_commune(r->st, id, &commune, &d) ||
	    store_observation_variable(r->st, id, &variable, &d)) {
		log_error("%s", d.msg);
		status = 500;
	} else if (!commune || !variable) {
		status = 404;
	} else if (strcmp(r->acct.role, "commune") == 0) {
		status = r->acct.commune_code && strcmp(r->acct.commune_code, commune) == 0 ? 0
											    : 403;
	} else if (strcmp(r->acct.role, "appraiser") == 0) {
		status = verifiers_cover(r->app->core.fw, r->acct.units, r->acct.n_units, variable)
				 ? 0
				 : 403;
	}
	if (!status && commune)
		snprintf(r->commune, sizeof r->commune, "%s", commune);
	free(commune);
	free(variable);
	return status;
}

/* The access decision: 0 to run the handler, else the status answered. */
static int decide(web_req *r)
{
	const web_route *rt = r->route;
	int role = r->authed ? auth_role_parse(r->acct.role) : -1;

	if (rt->roles && !r->authed) {
		if (strcmp(r->method, "GET") == 0)
			return web_redirect(r, "/login");
		return page_message(r, 403, "Chưa đăng nhập",
				    "Phiên làm việc đã hết hạn hoặc chưa đăng nhập.");
	}
	if (rt->roles && (role < 0 || !(rt->roles & WEB_ROLE(role))))
		return page_message(r, 403, "Không có quyền",
				    "Tài khoản này không được xem trang này.");
	if (rt->writes && !auth_csrf_ok(r->token, web_form_arg(r, "csrf")))
		return page_message(
			r, 403, "Yêu cầu bị từ chối",
			"Mã chống giả mạo (CSRF) thiếu hoặc sai: hãy tải lại trang rồi gửi lại.");
	if (rt->scope == WEB_SCOPE_COMMUNE && !commune_allowed(r))
		return page_message(r, 403, "Không có quyền",
				    "Tài khoản này không được xem xã này.");
	if (rt->scope == WEB_SCOPE_OBSERVATION) {
		int s = observation_allowed(r);
		if (s == 404)
			return page_message(r, 404, "Không tìm thấy", "Không có mục này.");
		if (s)
			return page_message(r, s, "Không có quyền",
					    "Mục này không thuộc xã hoặc đơn vị của tài khoản.");
	}
	return 0;
}

void web_dispatch(web_req *r)
{
	bool path_known = false;
	dti_diag d;

	if (find_session(r, &d)) {
		log_error("%s", d.msg);
		page_message(r, 500, "Lỗi máy chủ", "Không đọc được phiên làm việc; hãy thử lại.");
		return;
	}
	r->route = web_route_find(r->method, r->path, &path_known);
	if (!r->route) {
		if (path_known) {
			web_route_allow(r->path, r->allow);
			page_message(r, 405, "Không hỗ trợ",
				     "Phương thức này không dùng được ở đây.");
		} else
			page_message(r, 404, "Không tìm thấy", "Không có trang này.");
		return;
	}
	if (decide(r))
		return;
	r->status = r->route->fn(r);
}
