/* routes.c — every page of dti-web, one row each: who may reach it is
 * this table's business alone (web_dispatch checks it before any handler
 * runs; tests/e2e/web-access.sh tries every row with every role). */
#include <stdio.h>
#include <string.h>

#include "web.h"

#define STAFF (WEB_APPRAISER | WEB_VIEWER | WEB_ADMIN)

/* clang-format off */
const web_route web_routes[] = {
	/* method  path                       roles                    scope                  writes handler */
	{"GET",  "/",                          0,                       WEB_SCOPE_NONE,        false, page_home},
	{"GET",  "/static/dti.css",            0,                       WEB_SCOPE_NONE,        false, page_css},
	{"GET",  "/login",                     0,                       WEB_SCOPE_NONE,        false, page_login_form},
	{"POST", "/login",                     0,                       WEB_SCOPE_NONE,        true,  page_login},
	{"POST", "/logout",                    WEB_ANY_ROLE,            WEB_SCOPE_NONE,        true,  page_logout},
	{"GET",  "/invite",                    0,                       WEB_SCOPE_NONE,        false, page_invite_form},
	{"POST", "/invite",                    0,                       WEB_SCOPE_NONE,        true,  page_invite},
	{"GET",  "/admin/status",              WEB_ADMIN | WEB_VIEWER,               WEB_SCOPE_NONE,        false, page_admin_status},
	{"GET",  "/admin/accounts",            WEB_ADMIN,               WEB_SCOPE_NONE,        false, page_admin_accounts},
	{"POST", "/admin/accounts/add",        WEB_ADMIN,               WEB_SCOPE_NONE,        true,  page_admin_account_add},
	{"POST", "/admin/accounts/disable",    WEB_ADMIN,               WEB_SCOPE_NONE,        true,  page_admin_account_disable},
	{"GET",  "/admin/rounds",              WEB_ADMIN | WEB_VIEWER,               WEB_SCOPE_NONE,        false, page_admin_rounds},
	{"POST", "/admin/rounds",              WEB_ADMIN,               WEB_SCOPE_NONE,        true,  page_admin_round_set},
	{"GET",  "/admin/approve",             WEB_ADMIN | WEB_VIEWER,               WEB_SCOPE_NONE,        false, page_admin_approve_form},
	{"POST", "/admin/approve",             WEB_ADMIN,               WEB_SCOPE_NONE,        true,  page_admin_approve},
	{"GET",  "/admin/audit",               WEB_ADMIN,               WEB_SCOPE_NONE,        false, page_admin_audit},
	{"GET",  "/appraise",                  STAFF, WEB_SCOPE_NONE,      false, page_appraise_queue},
	{"GET",  "/appraise/item",             STAFF, WEB_SCOPE_OBSERVATION, false, page_appraise_item},
	{"POST", "/appraise/item",             WEB_APPRAISER,           WEB_SCOPE_OBSERVATION, true,  page_appraise_act},
	{"POST", "/appraise/commune",          WEB_APPRAISER,           WEB_SCOPE_COMMUNE,     true,  page_appraise_commune},
	{"GET",  "/appraise/history",          STAFF, WEB_SCOPE_NONE,      false, page_appraise_history},
	{"GET",  "/report",                    STAFF,                   WEB_SCOPE_NONE,        false, page_report},
	{"GET",  "/report/*",                  STAFF,                   WEB_SCOPE_NONE,        false, page_report_file},
	{"GET",  "/commune",                   WEB_COMMUNE | STAFF,     WEB_SCOPE_COMMUNE,     false, page_commune},
	{"POST", "/commune/save",              WEB_COMMUNE,             WEB_SCOPE_COMMUNE,     true,  page_commune_save},
	{"POST", "/commune/submit",            WEB_COMMUNE,             WEB_SCOPE_COMMUNE,     true,  page_commune_submit},
	{"POST", "/commune/evidence",          WEB_COMMUNE,             WEB_SCOPE_COMMUNE,     true,  page_commune_upload},
	{"GET",  "/commune/evidence",          WEB_COMMUNE | STAFF,     WEB_SCOPE_COMMUNE,     false, page_commune_evidence},
};
/* clang-format on */
const size_t web_n_routes = sizeof web_routes / sizeof web_routes[0];

const web_route *web_route_find(const char *method, const char *path, bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < web_n_routes; i++) {
		const char *rp = web_routes[i].path;
		size_t n = strlen(rp);
		bool below = n >= 2 && strcmp(rp + n - 2, "/*") == 0;
		if (below ? strncmp(rp, path, n - 1) != 0 || !path[n - 1] : strcmp(rp, path) != 0)
			continue;
		*path_known = true;
		if (strcmp(web_routes[i].method, method) == 0)
			return &web_routes[i];
	}
	return NULL;
}

void web_route_allow(const char *path, char out[WEB_ALLOW_MAX])
{
	bool known;
	bool get = web_route_find("GET", path, &known) != NULL;
	bool post = web_route_find("POST", path, &known) != NULL;
	snprintf(out, WEB_ALLOW_MAX, "%s%s%s", get ? "GET, HEAD" : "", get && post ? ", " : "",
		 post ? "POST" : "");
}

void web_routes_print(FILE *out)
{
	static const char *const scopes[] = {"none", "commune", "observation"};

	fprintf(out, "method\tpath\troles\tscope\twrites\n");
	for (size_t i = 0; i < web_n_routes; i++) {
		const web_route *rt = &web_routes[i];
		fprintf(out, "%s\t%s\t", rt->method, rt->path);
		if (!rt->roles)
			fputs("public", out);
		for (int k = 0, first = 1; k < AUTH_ROLE_COUNT; k++)
			if (rt->roles & WEB_ROLE(k)) {
				fprintf(out, "%s%s", first ? "" : ",", auth_role_name(k));
				first = 0;
			}
		fprintf(out, "\t%s\t%s\n", scopes[rt->scope], rt->writes ? "yes" : "no");
	}
}
