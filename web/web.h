/* web.h — dti-web: the request every page handler receives, the route
 * table (web/routes.c) and the page writer (web/page.c).
 *
 * A request reaches a handler only through web_dispatch (web/server.c),
 * which has already checked, from the route's row alone: the method and
 * path, the session (a route with roles needs one), the role, the CSRF
 * token of a route that writes, and the route's scope (a commune officer's
 * own commune; an appraiser's units for an observation).  A handler never
 * checks access itself and cannot forget to. */
#ifndef DTI_WEB_H
#define DTI_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "auth.h"
#include "store_user.h"
#include "util.h"

/* What the server holds for every request: read-only once serving. */
typedef struct web_app {
	app core; /* configuration, framework, year; core.st for start-up only */
	auth_policy policy;
	bool secure_cookies; /* "web"."public_url" is https */
	char *public_url;    /* may be NULL */
	size_t max_body;     /* bytes of a request body ("web"."max_body_bytes") */
	char *upload_dir;    /* private temporary folder of uploads */
	int publish_wait_s; /* an approval's wait for another publish ("web"."publish_wait_seconds") */
} web_app;

/* A file field of a multipart/form-data request, streamed to a temporary
 * file in upload_dir as it arrives.  The file is removed after the request
 * unless a handler takes it (web_upload_take).  filename and content_type
 * are what the client said: never trusted for a path or a type. */
typedef struct web_upload {
	char *field, *filename, *content_type;
	char *path; /* the temporary file; NULL once taken */
	size_t size;
	int fd;
} web_upload;

typedef struct web_param {
	char *name, *value;
	bool form; /* from the body, not the query string */
} web_param;

/* The roles a route allows, one bit each (auth_role). */
#define WEB_ROLE(r) (1u << (r))
#define WEB_COMMUNE WEB_ROLE(AUTH_ROLE_COMMUNE)
#define WEB_APPRAISER WEB_ROLE(AUTH_ROLE_APPRAISER)
#define WEB_VIEWER WEB_ROLE(AUTH_ROLE_VIEWER)
#define WEB_ADMIN WEB_ROLE(AUTH_ROLE_ADMIN)
#define WEB_ANY_ROLE (WEB_COMMUNE | WEB_APPRAISER | WEB_VIEWER | WEB_ADMIN)

/* What else a route's row says about the request, checked in one place. */
typedef enum {
	WEB_SCOPE_NONE,
	/* names a commune in the parameter "commune": a commune officer only
	 * their own (absent: their own is filled in) */
	WEB_SCOPE_COMMUNE,
	/* names an observation in the parameter "id": a commune officer only
	 * one of their commune, an appraiser only one of a variable their
	 * units verify; an unknown id is 404 */
	WEB_SCOPE_OBSERVATION,
} web_scope;

typedef struct web_req web_req;
/* Writes the response (status, body or location) into r; returns the
 * HTTP status. */
typedef int (*web_handler)(web_req *r);

typedef struct web_route {
	const char *method; /* "GET" or "POST" */
	const char *path;   /* exact, or ending in a slash and a star: every path below */
	unsigned roles;     /* WEB_ROLE bits; 0: public, no session needed */
	web_scope scope;
	bool writes; /* changes state: POST, checked for the form's "csrf" */
	web_handler fn;
} web_route;

extern const web_route web_routes[];
extern const size_t web_n_routes;

/* The route of method and path; NULL when none (404), *path_known true
 * when the path exists for another method (405). */
const web_route *web_route_find(const char *method, const char *path, bool *path_known);
/* The methods a path has, for the Allow header of a 405 ("GET, HEAD",
 * "POST", "GET, HEAD, POST"; "" for a path that has none). */
#define WEB_ALLOW_MAX 32
void web_route_allow(const char *path, char out[WEB_ALLOW_MAX]);
/* The table as text, one route a line: method, path, roles (comma
 * separated, "public"), scope (none|commune|observation), writes (yes|no),
 * tab-separated, for dti-web --routes and the access-matrix test. */
void web_routes_print(FILE *out);

#define WEB_MAX_PARAMS 256
#define WEB_MAX_UPLOADS 8
#define WEB_MAX_COOKIES 4

struct web_req {
	/* the request */
	const web_app *app;
	staging *st; /* this thread's connection (busy timeout; writers BEGIN IMMEDIATE) */
	const char *method, *path;
	char address[64];
	web_param params[WEB_MAX_PARAMS];
	size_t n_params;
	web_upload uploads[WEB_MAX_UPLOADS];
	size_t n_uploads;
	const char *session_cookie, *pre_cookie; /* as sent; may be NULL */
	const char *if_none_match;
	/* set by web_dispatch before the handler runs */
	const web_route *route;
	bool authed;
	store_account acct;         /* when authed */
	char token[AUTH_TOKEN_HEX]; /* the session's (or pre-login) token */
	char csrf[AUTH_TOKEN_HEX];  /* the token forms carry */
	char commune[16];           /* WEB_SCOPE_COMMUNE: the commune named */
	/* the response */
	int status;
	strbuf body;
	const char *content_type; /* default text/html; charset=utf-8 */
	char *location;           /* a redirect; malloc'd */
	char *cookies[WEB_MAX_COOKIES];
	size_t n_cookies;
	bool cacheable; /* static assets only; else Cache-Control: no-store */
	char *csp;      /* a Content-Security-Policy of its own (malloc'd); NULL: the strict one */
	char *etag;
	char *disposition; /* Content-Disposition (a file served back); malloc'd */
	/* A file sent as the body instead (its descriptor, taken by the
	 * server, and size): a published report's files, up to a national
	 * JSON of 90 MB, go out as they are on disk, never held in memory. */
	bool has_file;
	int file_fd;
	uint64_t file_size;
	char allow[WEB_ALLOW_MAX]; /* a 405's Allow header ("": none) */
};

/* A parameter: from the body first, then the query string; NULL when
 * absent.  web_form_arg looks in the body only. */
const char *web_arg(const web_req *r, const char *name);
const char *web_form_arg(const web_req *r, const char *name);
/* A parameter as a whole number above 0 (web_arg); false when absent or
 * not one. */
bool web_arg_id(const web_req *r, const char *name, int64_t *out);
/* The upload of field name, or NULL. */
web_upload *web_upload_get(web_req *r, const char *name);
/* Takes the upload's temporary file: the caller now owns the returned
 * path (malloc'd) and the file; the server no longer removes it. */
char *web_upload_take(web_upload *u);

/* Redirects (303 See Other) to a path of this site; returns 303. */
int web_redirect(web_req *r, const char *path);
/* Adds a Set-Cookie value (name=value; attributes added by the server). */
void web_set_cookie(web_req *r, const char *name, const char *value, int64_t max_age);
/* Records an audit row with the request's account; errors are logged. */
void web_audit(web_req *r, const char *action, const char *what);

/* Dispatches a complete request (web/server.c calls it). */
void web_dispatch(web_req *r);

/* ---- the page writer (web/page.c) -------------------------------------
 * Data is written with page_text (escaped for text and attribute values);
 * markup with PAGE(r, "literal"), which takes string literals only, so a
 * datum cannot be written raw by accident. */
#define PAGE(r, lit) page_markup_((r), "" lit "")
void page_markup_(web_req *r, const char *literal);
void page_text(web_req *r, const char *s);
void page_int(web_req *r, int64_t v);
void page_number(web_req *r, double v);
/* A time as the pages show it (time_vn). */
void page_time(web_req *r, const char *iso);
/* One uploaded evidence file as a list item: its link (served as an
 * attachment by /commune/evidence), name, size, who uploaded it and when. */
void page_evidence_item(web_req *r, const char *commune, const char *sha, const char *name,
			int64_t size, const char *by, const char *at);
/* The form's hidden CSRF field. */
void page_csrf(web_req *r);
/* The page's head, the top bar (account, logout) and its <h1>; then
 * page_end.  title is data (escaped). */
void page_begin(web_req *r, const char *title);
void page_end(web_req *r);
/* A whole page with a message and a status: 400, 403, 404, 409 … */
int page_message(web_req *r, int status, const char *title, const char *message);

/* ---- the handlers (web/page_*.c) -------------------------------------- */
int page_home(web_req *r);
int page_css(web_req *r);
int page_login_form(web_req *r);
int page_login(web_req *r);
int page_logout(web_req *r);
int page_invite_form(web_req *r);
int page_invite(web_req *r);
int page_admin_status(web_req *r);
int page_admin_accounts(web_req *r);
int page_admin_account_add(web_req *r);
int page_admin_account_disable(web_req *r);
int page_admin_rounds(web_req *r);
int page_admin_round_set(web_req *r);
int page_admin_approve_form(web_req *r);
int page_admin_approve(web_req *r);
int page_admin_audit(web_req *r);
int page_appraise_queue(web_req *r);
int page_appraise_item(web_req *r);
int page_appraise_act(web_req *r);
int page_appraise_commune(web_req *r);
int page_appraise_history(web_req *r);
int page_report(web_req *r);
int page_commune(web_req *r);
int page_commune_save(web_req *r);
int page_commune_submit(web_req *r);
int page_commune_upload(web_req *r);
int page_commune_evidence(web_req *r);
int page_report_file(web_req *r);

#endif
