#include "collector.h"

#include <curl/curl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "help.h"
#include "log.h"
#include "editions.h"
#include "mapping.h"
#include "oldcodes.h"
#include "text.h"
#include "util.h"

#define MAX_SECRET 65536
#define DEFAULT_MAX_PAGES 100

static const char *const kinds[] = {"portal", "telecom", "postal", "onetouch", "sheet", NULL};

bool collector_kind_known(const char *kind)
{
	for (int j = 0; kind && kinds[j]; j++)
		if (strcmp(kind, kinds[j]) == 0)
			return true;
	return false;
}

/* ---- templates ---------------------------------------------------------- */

static void append_value(strbuf *sb, const char *v, bool esc)
{
	if (esc) {
		char *e = curl_easy_escape(NULL, v, 0);
		if (!e) {
			fputs("out of memory\n", stderr);
			abort();
		}
		sb_appends(sb, e);
		curl_free(e);
	} else {
		sb_appends(sb, v);
	}
}

char *collector_expand(const char *tmpl, int year, const char *commune, const char *commune_name,
		       const char *district, long page, const char *config_dir, bool url_escape)
{
	strbuf sb;
	char num[32];

	sb_init(&sb, 0);
	for (const char *p = tmpl; *p;) {
		const char *v = NULL;
		size_t skip = 0;
		bool esc = url_escape;
		if (*p == '{') {
			if (strncmp(p, "{year}", 6) == 0 && year > 0) {
				snprintf(num, sizeof num, "%d", year);
				v = num, skip = 6;
			} else if (strncmp(p, "{commune}", 9) == 0 && commune) {
				v = commune, skip = 9;
			} else if (strncmp(p, "{commune_name}", 14) == 0 && commune_name) {
				v = commune_name, skip = 14;
			} else if (strncmp(p, "{district}", 10) == 0 && district) {
				v = district, skip = 10;
			} else if (strncmp(p, "{page}", 6) == 0 && page >= 0) {
				snprintf(num, sizeof num, "%ld", page);
				v = num, skip = 6;
			} else if (strncmp(p, "{config_dir}", 12) == 0 && config_dir) {
				v = config_dir, skip = 12, esc = false;
			}
		}
		if (v) {
			append_value(&sb, v, esc);
			p += skip;
		} else {
			sb_append(&sb, p, 1);
			p++;
		}
	}
	sb_append(&sb, "", 0);
	return sb_take(&sb);
}

char *collector_file_path(const char *url)
{
	return fetch_file_path(url);
}

/* ---- source blocks ------------------------------------------------------ */

static bool get_long(json_t *block, json_t *defaults, const char *key, long *out, long min,
		     dti_diag *d, const char *name, dti_err *rc)
{
	json_t *v = json_object_get(block, key);

	if (!v)
		v = json_object_get(defaults, key);
	if (!v)
		return false;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > LONG_MAX) {
		*rc = diag_set(d, DTI_ECONFIG, "source '%s': \"%s\" must be a whole number >= %ld",
			       name, key, min);
		return false;
	}
	*out = (long)json_integer_value(v);
	return true;
}

static void source_clear(collector_source *s)
{
	free(s->url);
	for (size_t i = 0; i < s->n_headers; i++)
		free(s->headers[i]);
	free(s->headers);
	free(s->body_template);
	free(s->auth_error);
	free(s->ca_file);
	memset(s, 0, sizeof *s);
}

static void add_header(collector_source *s, char *line)
{
	s->headers = xrealloc(s->headers, (s->n_headers + 1) * sizeof *s->headers);
	s->headers[s->n_headers++] = line;
}

/* The credential of an "auth" block, as a header line (never logged). */
static void resolve_auth(const config *cfg, collector_source *s, json_t *auth)
{
	const char *header = json_string_value(json_object_get(auth, "header"));
	const char *prefix = json_string_value(json_object_get(auth, "prefix"));
	const char *var = json_string_value(json_object_get(auth, "env"));
	const char *file = json_string_value(json_object_get(auth, "file"));
	char *secret = NULL;

	if (!header)
		header = "Authorization";
	if (var) {
		const char *v = getenv(var);
		if (!v || !*v) {
			s->auth_error = xasprintf("credential variable %s is not set", var);
			return;
		}
		secret = xstrdup(v);
	} else if (file) {
		char *path = path_relative_to(cfg->path, file);
		size_t len = 0;
		dti_diag d;
		if (read_file(path, MAX_SECRET, &secret, &len, &d)) {
			s->auth_error = xasprintf("cannot read the credential file '%s'", path);
			free(path);
			return;
		}
		free(path);
		while (len > 0 && (secret[len - 1] == '\n' || secret[len - 1] == '\r' ||
				   secret[len - 1] == ' '))
			secret[--len] = '\0';
	} else {
		return;
	}
	add_header(s, xasprintf("%s: %s%s", header, prefix ? prefix : "", secret));
	memset(secret, 0, strlen(secret));
	free(secret);
}

static bool url_scheme_known(const char *raw)
{
	return strncmp(raw, "http://", 7) == 0 || strncmp(raw, "https://", 8) == 0 ||
	       strncmp(raw, "file:", 5) == 0;
}

/* Whether an http(s) URL names a user or password before its host
 * (https://user:secret@host/): a credential in the URL would be printed in
 * every message naming the URL, and sent wherever the URL goes. */
static bool url_has_userinfo(const char *raw)
{
	const char *host = strstr(raw, "://");
	size_t n;

	if (!host || strncmp(raw, "file:", 5) == 0)
		return false;
	host += 3;
	n = strcspn(host, "/?#");
	return memchr(host, '@', n) != NULL;
}

/* A file: URL with its path resolved against the configuration's folder
 * (and its spaces and percent signs escaped); other URLs as they are. */
static char *resolve_url(const char *config_dir, const char *raw)
{
	const char *p = raw + 5;
	char *path, *full;
	strbuf sb;

	if (strncmp(raw, "file:", 5) != 0)
		return xstrdup(raw);
	if (strncmp(p, "//", 2) == 0)
		return collector_expand(raw, 0, NULL, NULL, NULL, -1, config_dir, false);
	path = collector_expand(p, 0, NULL, NULL, NULL, -1, config_dir, false);
	full = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", config_dir, path);
	sb_init(&sb, 0);
	sb_appends(&sb, "file://");
	for (const char *c = full; *c; c++) {
		if (*c == ' ')
			sb_appends(&sb, "%20");
		else if (*c == '%')
			sb_appends(&sb, "%25");
		else if (*c == '#') /* a file name's, not a fragment */
			sb_appends(&sb, "%23");
		else if (*c == '?')
			sb_appends(&sb, "%3F");
		else
			sb_append(&sb, c, 1);
	}
	free(path);
	free(full);
	return sb_take(&sb);
}

/* The fetch limits of a block, each from the block or else the "collect"
 * defaults.  Every bad value is checked; d names the last one. */
static dti_err source_limits(json_t *block, json_t *defaults, fetch_opts *f, const char *name,
			     dti_diag *d)
{
	dti_err rc = DTI_EOK;
	long l;

	if (get_long(block, defaults, "connect_timeout_ms", &l, 1, d, name, &rc))
		f->connect_timeout_ms = l;
	if (get_long(block, defaults, "timeout_ms", &l, 1, d, name, &rc))
		f->timeout_ms = l;
	if (get_long(block, defaults, "low_speed_bytes", &l, 0, d, name, &rc))
		f->low_speed_bytes = l;
	if (get_long(block, defaults, "low_speed_seconds", &l, 0, d, name, &rc))
		f->low_speed_seconds = l;
	if (get_long(block, defaults, "max_bytes", &l, 1, d, name, &rc))
		f->max_bytes = (size_t)l;
	if (get_long(block, defaults, "retries", &l, 0, d, name, &rc))
		f->retries = (int)(l > 20 ? 20 : l);
	if (get_long(block, defaults, "retry_base_ms", &l, 0, d, name, &rc))
		f->retry_base_ms = l;
	if (get_long(block, defaults, "retry_after_max_s", &l, 0, d, name, &rc))
		f->retry_after_max_ms = l * 1000;
	if (get_long(block, defaults, "max_redirects", &l, 0, d, name, &rc))
		f->max_redirects = (int)(l > 20 ? 20 : l);
	if (get_long(block, defaults, "max_host_connections", &l, 1, d, name, &rc))
		f->max_host_connections = l;
	if (get_long(block, defaults, "max_connections", &l, 1, d, name, &rc))
		f->max_connections = l;
	return rc;
}

/* "ca_file" and "cross_origin", from the block or the defaults.  Only a
 * source about to run (checking false) needs its CA file readable. */
static dti_err source_tls(const config *cfg, json_t *block, json_t *defaults, collector_source *s,
			  bool checking, dti_diag *d)
{
	json_t *v = json_object_get(block, "ca_file");

	if (!v && defaults)
		v = json_object_get(defaults, "ca_file");
	if (v && (!json_is_string(v) || !*json_string_value(v)))
		return diag_set(d, DTI_ECONFIG, "source '%s': \"ca_file\" must be a file name",
				s->name);
	if (v && !checking) {
		s->ca_file = config_path(cfg, json_object_get(block, "ca_file") ? block : defaults,
					 "ca_file");
		if (access(s->ca_file, R_OK) != 0)
			return diag_set(d, DTI_ECONFIG, "source '%s': cannot read the CA file '%s'",
					s->name, s->ca_file);
		s->fetch.ca_file = s->ca_file;
	}
	v = json_object_get(block, "cross_origin");
	if (!v && defaults)
		v = json_object_get(defaults, "cross_origin");
	if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "strip") != 0 &&
					 strcmp(json_string_value(v), "refuse") != 0)))
		return diag_set(d, DTI_ECONFIG,
				"source '%s': \"cross_origin\" must be \"strip\" or \"refuse\"",
				s->name);
	s->fetch.cross_origin_refuse = v && strcmp(json_string_value(v), "refuse") == 0;
	return DTI_EOK;
}

/* "method", "headers" and "auth" (its credential read only when the source
 * is about to run). */
static dti_err source_request(const config *cfg, json_t *block, collector_source *s, bool checking,
			      dti_diag *d)
{
	json_t *v, *headers = json_object_get(block, "headers"),
		   *auth = json_object_get(block, "auth");
	const char *method = json_string_value(json_object_get(block, "method"));
	const char *k;

	if (method && strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		return diag_set(d, DTI_ECONFIG, "source '%s': \"method\" must be GET or POST",
				s->name);
	s->fetch.method = method ? method : "GET";
	if (headers && !json_is_object(headers))
		return diag_set(d, DTI_ECONFIG, "source '%s': \"headers\" must be an object",
				s->name);
	json_object_foreach(headers, k, v)
	{
		if (!json_is_string(v) || strpbrk(k, ":\r\n") ||
		    strpbrk(json_string_value(v), "\r\n"))
			return diag_set(d, DTI_ECONFIG,
					"source '%s': header '%s' must be a one-line text", s->name,
					k);
		add_header(s, xasprintf("%s: %s", k, json_string_value(v)));
	}
	if (auth && !json_is_object(auth))
		return diag_set(d, DTI_ECONFIG, "source '%s': \"auth\" must be an object", s->name);
	if (auth && !checking)
		resolve_auth(cfg, s, auth);
	s->fetch.headers = (const char *const *)s->headers;
	s->fetch.n_headers = s->n_headers;
	return DTI_EOK;
}

/* The values of a block that must be well formed whenever they are given:
 * the URL's scheme, fetch limits, TLS, method, headers, auth. */
static dti_err source_options(const config *cfg, json_t *block, collector_source *s, bool checking,
			      dti_diag *d)
{
	json_t *defaults = json_object_get(cfg->root, "collect");
	json_t *url = json_object_get(block, "url");
	dti_err rc;

	if (url && !json_is_string(url))
		return diag_set(d, DTI_ECONFIG, "source '%s': \"url\" is missing", s->name);
	if (url && !url_scheme_known(json_string_value(url)))
		return diag_set(d, DTI_ECONFIG,
				"source '%s': url '%s' is not http://, https:// or file:", s->name,
				json_string_value(url));
	if (url && url_has_userinfo(json_string_value(url)))
		return diag_set(d, DTI_ECONFIG,
				"source '%s': the url carries a user name or password; give the "
				"credential with \"auth\" (a variable or a file), which keeps it "
				"out of every message",
				s->name);
	if (json_object_get(block, "unit_list") &&
	    !edition_find(json_string_value(json_object_get(block, "unit_list"))))
		return diag_set(d, DTI_ECONFIG,
				"source '%s': \"unit_list\" must be an edition of the unit list "
				"(\"2025-03-01\" or \"2026-04-30\")",
				s->name);
	if (!checking) {
		json_t *v = json_object_get(block, "max_age_hours");
		if (!json_is_number(v) || json_number_value(v) <= 0)
			return diag_set(
				d, DTI_ECONFIG,
				"source '%s': \"max_age_hours\" must be a number of hours above 0",
				s->name);
		s->max_age_hours = json_number_value(v);
	}
	fetch_opts_default(&s->fetch);
	rc = source_limits(block, defaults, &s->fetch, s->name, d);
	if (!rc)
		rc = source_tls(cfg, block, defaults, s, checking, d);
	if (!rc)
		rc = source_request(cfg, block, s, checking, d);
	return rc;
}

/* A block about to run, resolved: every value checked, the URL and files
 * resolved against the configuration's folder, the credential read.  On
 * error s still needs source_clear. */
static dti_err source_resolve(const collector_env *env, json_t *block, collector_source *s,
			      dti_diag *d)
{
	json_t *url = json_object_get(block, "url");

	memset(s, 0, sizeof *s);
	s->block = block;
	s->name = json_string_value(json_object_get(block, "name"));
	s->kind = json_string_value(json_object_get(block, "kind"));
	if (!s->name || !*s->name)
		return diag_set(d, DTI_ECONFIG, "%s: a source block has no \"name\"",
				env->cfg->path);
	if (!json_is_string(url))
		return diag_set(d, DTI_ECONFIG, "source '%s': \"url\" is missing", s->name);
	if (url_scheme_known(json_string_value(url)))
		s->url = resolve_url(env->config_dir, json_string_value(url));
	return source_options(env->cfg, block, s, false, d);
}

dti_err collector_check_sources(const config *c, dti_diag *d)
{
	json_t *arr = json_object_get(c->root, "sources"), *blk;
	size_t i;
	dti_err rc = DTI_EOK;

	json_array_foreach(arr, i, blk)
	{
		collector_source s;
		memset(&s, 0, sizeof s);
		s.block = blk;
		s.name = json_string_value(json_object_get(blk, "name"));
		/* A block without a name is its consumer's to refuse, in its words. */
		if (!json_is_object(blk) || !s.name || !*s.name)
			continue;
		rc = source_options(c, blk, &s, true, d);
		source_clear(&s);
		if (rc)
			break;
	}
	return rc;
}

/* ---- the generic run ---------------------------------------------------- */

/* The request body for one request: "form" fields URL-encoded after
 * expansion, or "body" expanded as it is.  NULL when there is none. */
static char *request_body(const collector_env *env, const collector_source *s, const char *commune,
			  const char *name, const char *district, long page)
{
	json_t *form = json_object_get(s->block, "form");
	const char *body = json_string_value(json_object_get(s->block, "body"));
	strbuf sb;
	const char *k;
	json_t *v;

	if (body)
		return collector_expand(body, env->year, commune, name, district, page, NULL,
					false);
	if (!json_is_object(form))
		return NULL;
	sb_init(&sb, 0);
	json_object_foreach(form, k, v)
	{
		char *val = collector_expand(json_is_string(v) ? json_string_value(v) : "",
					     env->year, commune, name, district, page, NULL, false);
		if (sb.len)
			sb_appends(&sb, "&");
		append_value(&sb, k, true);
		sb_appends(&sb, "=");
		append_value(&sb, val, true);
		free(val);
	}
	sb_append(&sb, "", 0);
	return sb_take(&sb);
}

static void payload_part(collector_result *res, const char *url, const fetch_job *j, bool multi)
{
	if (multi)
		sb_appendf(&res->payload, "==> %s <==\n", url);
	sb_append(&res->payload, j->data.data ? j->data.data : "", j->data.len);
	if (multi)
		sb_appends(&res->payload, "\n");
}

/* Maps one body; false when the run must stop (parse error in res). */
static bool map_body(const collector_env *env, const mapping *m, const commune_index *ix,
		     const fetch_job *j, const char *url, batch *b, dti_problems *p,
		     collector_result *res, mapping_page *pg)
{
	mapping_ctx c = {env->fw, ix, env->year, b, p};
	dti_diag d;
	dti_err rc = mapping_apply(m, j->data.data ? j->data.data : "", j->data.len, url,
				   j->content_type, &c, pg, &d);

	if (rc == DTI_EPARSE || rc == DTI_ENOMEM) {
		res->error = xstrdup(d.msg);
		return false;
	}
	return true;
}

/* Resolves a next link against the page it was found on. */
static char *resolve_link(const char *base, const char *link)
{
	CURLU *u = curl_url();
	char *out = NULL, *r = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, link, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &r, 0) == CURLUE_OK) {
		out = xstrdup(r);
		curl_free(r);
	}
	curl_url_cleanup(u);
	return out;
}

/* A file: link stays in the folder of the configured file (its real path,
 * so neither ".." nor a symbolic link leads out) and names a regular file. */
static bool file_link_allowed(const char *origin, const char *link, char *why, size_t n)
{
	char *op = fetch_file_path(origin), *lp = fetch_file_path(link);
	char *slash = op ? strrchr(op, '/') : NULL, *dir = NULL, *real = NULL;
	struct stat st;
	size_t k;
	bool ok = false;

	if (slash)
		*slash = '\0';
	if (op && lp) {
		dir = realpath(*op ? op : "/", NULL);
		real = realpath(lp, NULL);
	}
	k = dir ? strlen(dir) : 0;
	if (!dir || !real)
		snprintf(why, n, "no such file");
	else if (strcmp(dir, "/") != 0 && (strncmp(real, dir, k) != 0 || real[k] != '/'))
		snprintf(why, n, "outside the folder of the configured file");
	else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
		snprintf(why, n, "not a regular file");
	else
		ok = true;
	free(op);
	free(lp);
	free(dir);
	free(real);
	return ok;
}

/* A URL taken from a fetched document reaches no further than the
 * configured one: the same scheme, and for file: the same folder. */
static bool link_allowed(const char *origin, const char *link, char *why, size_t n)
{
	char *os = fetch_scheme(origin), *ls = fetch_scheme(link);
	bool ok = os && ls && strcmp(os, ls) == 0;

	if (!ok)
		snprintf(why, n, "its scheme is not the configured URL's (%s:)", os ? os : "?");
	else if (strcmp(ls, "file") == 0)
		ok = file_link_allowed(origin, link, why, n);
	free(os);
	free(ls);
	return ok;
}

/* How a source pages: by number ({page}), by next link, or not at all. */
typedef struct paging {
	bool by_number, by_link;
	long first, max_pages, page_size;
} paging;

static void paging_read(const collector_source *s, paging *pg)
{
	json_t *pgn = json_object_get(s->block, "pagination");
	const char *type = json_string_value(json_object_get(pgn, "type"));
	json_t *jv;

	pg->by_number = type && strcmp(type, "page") == 0;
	pg->by_link = type && strcmp(type, "next") == 0;
	pg->first = 1;
	pg->max_pages = DEFAULT_MAX_PAGES;
	pg->page_size = 0;
	jv = json_object_get(pgn, "first");
	if (json_is_integer(jv))
		pg->first = (long)json_integer_value(jv);
	jv = json_object_get(pgn, "max_pages");
	if (json_is_integer(jv) && json_integer_value(jv) > 0)
		pg->max_pages = (long)json_integer_value(jv);
	jv = json_object_get(pgn, "page_size");
	if (json_is_integer(jv) && json_integer_value(jv) > 0)
		pg->page_size = (long)json_integer_value(jv);
}

/* The pages of one URL (of one commune or district for a template), read
 * one after another. */
typedef struct page_chain {
	const char *code, *name, *district; /* template values, or NULL */
	char *url;                          /* the page to read next */
	char *origin;                       /* the first page's URL: links from
					     * pages go no further, credentials
					     * only to its origin */
	char *body;                         /* its POST body, or NULL */
	long n;                             /* pages read so far (the next is number first + n) */
	strmap seen_urls, seen_bodies;      /* against loops */
	bool active;
} page_chain;

static void chain_init(page_chain *c, const collector_env *env, const collector_source *s,
		       const paging *pg, const char *code, const char *name, const char *district)
{
	memset(c, 0, sizeof *c);
	c->code = code;
	c->name = name;
	c->district = district;
	c->url = collector_expand(s->url, env->year, code, name, district,
				  pg->by_number ? pg->first : -1, NULL, true);
	c->origin = xstrdup(c->url);
	c->body = request_body(env, s, code, name, district, pg->by_number ? pg->first : -1);
	strmap_init(&c->seen_urls);
	strmap_init(&c->seen_bodies);
	c->active = true;
}

static void chain_clear(page_chain *c)
{
	free(c->url);
	free(c->origin);
	free(c->body);
	strmap_free(&c->seen_urls);
	strmap_free(&c->seen_bodies);
}

/* Takes in a page read without a transport error: refuses a page seen
 * before (paged sources only), keeps the payload (marked with its URL when
 * the run reads more than one: many_urls, or pages), maps the records, and
 * moves the chain to the next page or ends it; res->error says when the
 * run must stop. */
static void chain_take(page_chain *c, const collector_env *env, const collector_source *s,
		       const paging *pg, const mapping *m, const commune_index *ix,
		       const fetch_job *j, bool many_urls, batch *b, dti_problems *p,
		       collector_result *res)
{
	mapping_page mp = {0};
	bool more = false, paged = pg->by_number || pg->by_link;

	if (paged) {
		char sha[65];
		sha256_hex(j->data.data ? j->data.data : "", j->data.len, sha);
		if (!strmap_put(&c->seen_bodies, sha, c->n)) {
			res->error =
				xasprintf("%s: pagination loop: page %ld repeats an earlier page",
					  c->url, c->n + 1);
			return;
		}
	}
	if (pg->by_link)
		strmap_put(&c->seen_urls, c->url, c->n);
	payload_part(res, c->url, j, many_urls || paged);
	if (!map_body(env, m, ix, j, c->url, b, p, res, &mp))
		return;
	c->n++;
	if (pg->by_number) {
		long read = pg->first + c->n - 1, next = read + 1;
		more = mp.records > 0 && !(mp.total_pages > 0 && read >= mp.total_pages) &&
		       !(pg->page_size > 0 && (long)mp.records < pg->page_size);
		if (more) {
			free(c->url);
			free(c->body);
			c->url = collector_expand(s->url, env->year, c->code, c->name, c->district,
						  next, NULL, true);
			c->body = request_body(env, s, c->code, c->name, c->district, next);
		}
	} else if (pg->by_link && mp.next) {
		char *next = resolve_link(c->url, mp.next), why[128];
		if (!next) {
			res->error = xasprintf("%s: next link '%s' is not a URL", c->url, mp.next);
		} else if (!link_allowed(c->origin, next, why, sizeof why)) {
			res->error = xasprintf("%s: next link '%s' refused: %s", c->url, next, why);
			free(next);
		} else if (strmap_get(&c->seen_urls, next, NULL)) {
			res->error =
				xasprintf("%s: pagination loop: next link '%s' was already read",
					  c->url, next);
			free(next);
		} else {
			free(c->url);
			c->url = next;
			more = true;
		}
	}
	free(mp.next);
	if (more && c->n >= pg->max_pages) {
		res->error = xasprintf("%s: pagination did not end after %ld pages "
				       "(\"max_pages\" bound)",
				       s->url, pg->max_pages);
		more = false;
	}
	c->active = more;
}

/* A template over communes or districts: every URL at once, then the next
 * page of each that has one, and so on. */
static void collect_parallel(const collector_env *env, const collector_source *s, const mapping *m,
			     const commune_index *ix, batch *b, dti_problems *p,
			     collector_result *res, bool by_district)
{
	const commune_list *l = env->active;
	size_t n = 0, requests = 0, active;
	page_chain *chains = xcalloc(l->count + 1, sizeof *chains);
	fetch_job *jobs = xcalloc(l->count + 1, sizeof *jobs);
	page_chain **of = xcalloc(l->count + 1, sizeof *of); /* the chain of each job */
	strmap seen;
	paging pg;

	paging_read(s, &pg);
	strmap_init(&seen);
	for (size_t i = 0; i < l->count; i++) {
		const char *code = l->items[i].code, *name = l->items[i].name, *district = NULL;
		if (env->units) {
			const admin_unit *u = units_find(env->units, code);
			district = u ? u->district_code : NULL;
		}
		if (by_district) {
			if (!district || !strmap_put(&seen, district, 1))
				continue;
			code = name = NULL;
		}
		chain_init(&chains[n++], env, s, &pg, code, name, district);
	}
	do {
		active = 0;
		for (size_t i = 0; i < n; i++)
			if (chains[i].active) {
				memset(&jobs[active], 0, sizeof jobs[active]);
				jobs[active].url = chains[i].url;
				jobs[active].origin = chains[i].origin;
				jobs[active].body = chains[i].body;
				of[active++] = &chains[i];
			}
		if (!active)
			break;
		fetch_many(jobs, active, &s->fetch);
		requests += active;
		for (size_t i = 0; i < active && !res->error; i++)
			if (jobs[i].rc)
				res->error = xstrdup(jobs[i].error);
		for (size_t i = 0; i < active && !res->error; i++)
			chain_take(of[i], env, s, &pg, m, ix, &jobs[i], n > 1, b, p, res);
		for (size_t i = 0; i < active; i++)
			fetch_job_clear(&jobs[i]);
	} while (!res->error);
	res->input = xasprintf("%s (%zu requests)", s->url, requests);
	for (size_t i = 0; i < n; i++)
		chain_clear(&chains[i]);
	free(chains);
	free(jobs);
	free(of);
	strmap_free(&seen);
}

dti_err collector_validators(const collector_env *env, const collector_source *src, char **etag,
			     char **last_modified, dti_diag *d)
{
	*etag = *last_modified = NULL;
	if (src->refetch)
		return DTI_EOK;
	return staging_source_validators(env->st, src->name, etag, last_modified, d);
}

/* One URL, possibly paged; its first page is asked conditionally (ETag,
 * Last-Modified of the last stored fetch). */
static void collect_paged(const collector_env *env, const collector_source *s, const mapping *m,
			  const commune_index *ix, batch *b, dti_problems *p, collector_result *res)
{
	char *etag = NULL, *lm = NULL;
	page_chain c;
	paging pg;
	dti_diag d;

	paging_read(s, &pg);
	if (collector_validators(env, s, &etag, &lm, &d)) {
		res->error = xstrdup(d.msg);
		return;
	}
	chain_init(&c, env, s, &pg, NULL, NULL, NULL);
	res->input = xstrdup(c.url);
	while (c.active) {
		fetch_opts o = s->fetch;
		fetch_job j = {0};
		bool stop;
		if (c.n == 0) {
			o.if_none_match = etag;
			o.if_modified_since = lm;
		}
		j.url = c.url;
		j.origin = c.origin;
		j.body = c.body;
		fetch_one(&j, &o);
		if (j.rc) {
			res->error = xstrdup(j.error);
		} else if (j.not_modified) {
			if (c.n == 0)
				res->not_modified = true;
			else
				res->error = xasprintf("%s: 304 Not Modified for page %ld", c.url,
						       c.n + 1);
		} else {
			if (c.n == 0) {
				res->etag = j.etag ? xstrdup(j.etag) : NULL;
				res->last_modified =
					j.last_modified ? xstrdup(j.last_modified) : NULL;
			}
			chain_take(&c, env, s, &pg, m, ix, &j, false, b, p, res);
		}
		stop = j.rc || j.not_modified || res->error;
		fetch_job_clear(&j);
		if (stop)
			break;
	}
	chain_clear(&c);
	free(etag);
	free(lm);
}

void collector_collect_generic(const collector_env *env, const collector_source *s,
			       const commune_index *ix, batch *b, collector_result *res)
{
	mapping *m = NULL;
	dti_problems p = {0};
	dti_diag d;
	char *body = request_body(env, s, "{commune}", "{commune_name}", "{district}", -1);
	bool by_commune = strstr(s->url, "{commune") || (body && strstr(body, "%7Bcommune")) ||
			  (body && strstr(body, "{commune"));
	bool by_district =
		!by_commune &&
		(strstr(s->url, "{district}") ||
		 (body && (strstr(body, "{district}") || strstr(body, "%7Bdistrict%7D"))));

	free(body);
	if (mapping_parse(s->block, env->fw, &m, &d)) {
		res->error = xstrdup(d.msg);
		return;
	}
	if (by_commune || by_district)
		collect_parallel(env, s, m, ix, b, &p, res, by_district);
	else
		collect_paged(env, s, m, ix, b, &p, res);
	if (!res->error && p.count)
		res->error = problems_join(&p, 20);
	problems_free(&p);
	mapping_free(m);
}

/* ---- running sources ---------------------------------------------------- */

/* The program's help (man/dti-collect.1.md): what it collects, then the
 * options every collector has. */
static void usage(const collector_def *def, FILE *f)
{
	if (help_print(f, def->program))
		fputc('\n', f);
	help_print(f, "dti-collect");
}

static const char *first_line(const char *s, char *buf, size_t n)
{
	const char *nl = strchr(s, '\n');
	size_t k = nl ? (size_t)(nl - s) : strlen(s);

	if (k >= n)
		k = n - 1;
	memcpy(buf, s, k);
	buf[k] = '\0';
	return buf;
}

/* In the run's transaction: how a source keyed to the older list
 * converted its codes (ctx: the summary line). */
static dti_err record_old_codes(staging *st, int64_t run_id, void *ctx, dti_diag *d)
{
	return staging_run_set_old_codes(st, run_id, ctx, d);
}

/* Stores what collecting produced (or its failure) as the source's run;
 * *status says which.  Returns EXIT_OK, EXIT_SOURCE_FAILED or EXIT_DB. */
static int store_outcome(const collector_env *env, const collector_source *s, batch *b,
			 collector_result *res, const batch_target *t, int64_t *run,
			 const char **status)
{
	dti_diag d;
	int code = EXIT_OK;

	*status = "ok";
	/* The same bytes read on the same basis (communes assessed, source
	 * block, framework) as the source's last stored run of the year hold
	 * nothing new: recorded as unchanged, like an HTTP 304, so that reruns
	 * and backfills store nothing twice.  --force stores them again. */
	if (!res->error && !res->not_modified && !env->dry_run && !env->force && res->payload.len &&
	    strcmp(s->basis, s->last_basis) == 0) {
		char now_sha[65];
		sha256_hex(res->payload.data, res->payload.len, now_sha);
		if (strcmp(now_sha, s->last_sha) == 0)
			res->not_modified = true;
	}
	if (res->error) {
		text_printable(res->error); /* it quotes what the server sent */
		*status = "failed";
		code = EXIT_SOURCE_FAILED;
		log_error("source '%s' failed; nothing of it was stored:\n%s", s->name, res->error);
		b->counts.stored = 0;
		if (!env->dry_run &&
		    batch_record_run(env->st, t, "failed", &b->counts, res->error, NULL, run, &d)) {
			log_error("%s", d.msg);
			code = EXIT_DB;
		}
	} else if (res->not_modified) {
		*status = "unchanged";
		if (!env->dry_run &&
		    batch_record_run(env->st, t, "unchanged", &b->counts, NULL, NULL, run, &d)) {
			log_error("%s", d.msg);
			code = EXIT_DB;
		}
	} else if (env->dry_run) {
		*status = "dry_run";
		b->counts.stored = 0;
	} else if (batch_store_with(env->st, b, t, s->old_codes ? record_old_codes : NULL,
				    res->note, run, &d)) {
		log_error("%s", d.msg);
		*status = "failed";
		code = EXIT_DB;
	} else if (staging_source_set_validators(env->st, s->name, res->etag, res->last_modified,
						 &d)) {
		log_error("%s", d.msg);
		code = EXIT_DB;
	}
	if (!env->dry_run && code != EXIT_DB &&
	    staging_source_set_max_age(env->st, s->name, s->max_age_hours, &d)) {
		log_error("%s", d.msg);
		code = EXIT_DB;
	}
	return code;
}

/* What this run of s reads with and what its last stored run read:
 * s->basis, s->last_sha, s->last_basis and s->refetch. */
static dti_err source_basis(const collector_env *env, collector_source *s, dti_diag *d)
{
	char *how = json_dumps(s->block, JSON_SORT_KEYS | JSON_COMPACT);
	dti_err rc;

	if (!how) {
		fputs("out of memory\n", stderr);
		abort();
	}
	batch_basis(env->active, how, env->fw->sha256, s->basis);
	free(how);
	rc = staging_last_payload(env->st, s->name, env->year, s->last_sha, s->last_basis, d);
	s->refetch = env->force || strcmp(s->basis, s->last_basis) != 0;
	return rc;
}

/* Why a run that read its source gave no value for a commune assessed
 * (malloc'd), or NULL when it gave values. */
static char *run_warning(const collector_env *env, const batch *b)
{
	if (b->count > 0)
		return NULL;
	if (b->counts.read == 0)
		return xstrdup("no records read");
	return xasprintf("none of the %ld records read gave a value for the %zu communes "
			 "assessed in %d",
			 b->counts.read, env->active ? env->active->count : 0, env->year);
}

/* Collects s into b through an index of the communes assessed; a source
 * keyed to the older list (lib/oldcodes.h) through an index of their old
 * units, by code alone, into a batch keyed by old codes, which is then
 * folded into b (res->note: how). */
static void collect_source(const collector_def *def, const collector_env *env,
			   const collector_source *s, batch *b, collector_result *res)
{
	collector_env old_env = *env;
	const collector_env *use = env;
	oldcodes_summary sum = {0};
	dti_problems p = {0};
	commune_index ix;
	batch ob;

	batch_init(&ob);
	if (s->old_codes) {
		old_env.active = oldcodes_units(env->oldcodes);
		old_env.units = oldcodes_old_list(env->oldcodes);
		use = &old_env;
	}
	commune_index_build(&ix, use->active);
	if (!s->old_codes)
		mapping_add_aliases(&ix, s->block);
	if (def->collect)
		def->collect(use, s, &ix, s->old_codes ? &ob : b, res);
	else
		collector_collect_generic(use, s, &ix, s->old_codes ? &ob : b, res);
	if (s->old_codes && !res->error && !res->not_modified) {
		oldcodes_fold(env->oldcodes, &ob, json_object_get(s->block, "combine"), b, &p,
			      &sum);
		if (p.count)
			res->error = problems_join(&p, 20);
		free(res->note);
		res->note = sum.text;
	} else if (s->old_codes) {
		b->counts = ob.counts;
	}
	problems_free(&p);
	commune_index_free(&ix);
	batch_free(&ob);
}

/* Runs one source, stores its outcome and prints its summary line.
 * Returns EXIT_OK, EXIT_SOURCE_FAILED or EXIT_DB. */
static int run_source(const collector_def *def, const collector_env *env, collector_source *s)
{
	batch b;
	collector_result res;
	batch_target t;
	int64_t run = 0;
	double t0 = mono_seconds();
	const char *status;
	char *warning = NULL;
	int code;
	char line[300];
	dti_diag d;

	batch_init(&b);
	memset(&res, 0, sizeof res);
	sb_init(&res.payload, 0);
	if (source_basis(env, s, &d)) {
		log_error("%s", d.msg);
		code = EXIT_DB;
		goto out;
	}
	if (s->auth_error)
		res.error = xasprintf("%s: %s", s->url, s->auth_error);
	else
		collect_source(def, env, s, &b, &res);

	memset(&t, 0, sizeof t);
	t.source = s->name;
	t.source_kind = s->kind;
	t.program = def->program;
	t.year = env->year;
	t.input = res.input ? res.input : s->url;
	if (res.payload.len) {
		t.payload = res.payload.data;
		t.payload_len = res.payload.len;
	}
	t.basis = s->basis;
	t.forced = env->force;
	warning = res.error ? NULL : run_warning(env, &b);
	t.warning = warning;
	code = store_outcome(env, s, &b, &res, &t, &run, &status);
	if (warning)
		log_warn("source '%s': %s", s->name, warning);
	if (s->old_codes && !res.error && res.note && strstr(res.note, "not stored"))
		log_warn("source '%s': %s", s->name, res.note);
	printf("%s: %s run=%lld read=%ld values=%zu stored=%ld skipped=%ld rejected=%ld "
	       "time=%.2fs%s%s%s%s%s%s\n",
	       s->name, status, (long long)run, b.counts.read, b.count, b.counts.stored,
	       b.counts.skipped, b.counts.rejected, mono_seconds() - t0, res.note ? " " : "",
	       res.note ? res.note : "", res.error ? " error=" : "",
	       res.error ? first_line(res.error, line, sizeof line) : "",
	       warning ? " warning=" : "", warning ? warning : "");
	fflush(stdout);
out:
	free(warning);
	batch_free(&b);
	sb_free(&res.payload);
	free(res.error);
	free(res.input);
	free(res.etag);
	free(res.last_modified);
	free(res.note);
	return code;
}

/* Checks every block: names unique, kinds known.  Collects the blocks of
 * `kind` (or the one named `only`) into out. */
static dti_err select_sources(const collector_env *env, const char *kind, const char *only,
			      json_t **out, size_t *n_out, dti_diag *d)
{
	json_t *arr = json_object_get(env->cfg->root, "sources"), *blk;
	const char **mine = xcalloc(json_array_size(arr) + 1, sizeof *mine); /* of kind */
	size_t i, n_mine = 0;
	strmap names;
	dti_err rc = DTI_EOK;

	*n_out = 0;
	strmap_init(&names);
	if (arr && !json_is_array(arr)) {
		rc = diag_set(d, DTI_ECONFIG, "%s: \"sources\" must be a list", env->cfg->path);
		goto out;
	}
	json_array_foreach(arr, i, blk)
	{
		const char *name = json_string_value(json_object_get(blk, "name"));
		const char *k = json_string_value(json_object_get(blk, "kind"));
		bool known = false;
		if (!json_is_object(blk) || !name || !*name) {
			rc = diag_set(d, DTI_ECONFIG, "%s: sources[%zu] has no \"name\"",
				      env->cfg->path, i);
			goto out;
		}
		for (int j = 0; k && kinds[j]; j++)
			known = known || strcmp(k, kinds[j]) == 0;
		if (!known) {
			rc = diag_set(
				d, DTI_ECONFIG,
				"source '%s': \"kind\" must be portal, telecom, postal, onetouch "
				"or sheet",
				name);
			goto out;
		}
		if (!strmap_put(&names, name, 1)) {
			rc = diag_set(d, DTI_ECONFIG, "source '%s' is configured twice", name);
			goto out;
		}
		if (strcmp(k, kind) == 0)
			mine[n_mine++] = name;
		if (only ? strcmp(name, only) == 0 : strcmp(k, kind) == 0) {
			if (only && strcmp(k, kind) != 0) {
				rc = diag_set(d, DTI_ECONFIG, "source '%s' is of kind %s, not %s",
					      name, k, kind);
				goto out;
			}
			out[(*n_out)++] = blk;
		}
	}
	if (only && *n_out == 0) {
		const char *near = text_nearest(only, mine, n_mine);
		char *shown = text_printable(xstrdup(only));
		rc = diag_set(d, DTI_ECONFIG, "%s: no source named '%s'%s%s%s", env->cfg->path,
			      shown, near ? "; did you mean '" : "", near ? near : "",
			      near ? "'?" : "");
		free(shown);
	}
out:
	free(mine);
	strmap_free(&names);
	return rc;
}

/* What a collector's command line asked. */
typedef struct collector_opts {
	const char *config_path, *db_path, *only;
	int year;
	bool dry_run, force;
} collector_opts;

/* Parses the options into o.  Returns -1 to go on, else the exit code
 * (--help, misuse). */
static int parse_options(const collector_def *def, int argc, char **argv, collector_opts *o)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"db", required_argument, NULL, 'd'},
					     {"year", required_argument, NULL, 'y'},
					     {"source", required_argument, NULL, 's'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {"force", no_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 'h'},
					     {"version", no_argument, NULL, 'V'},
					     {NULL, 0, NULL, 0}};
	int64_t y;
	int c;

	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "c:d:y:s:nfhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config_path = optarg; break;
		case 'd': o->db_path = optarg; break;
		case 's': o->only = optarg; break;
		case 'n': o->dry_run = true; break;
		case 'f': o->force = true; break;
		case 'h': usage(def, stdout); return EXIT_OK;
		case 'V': printf("%s %s\n", def->program, DTI_VERSION); return EXIT_OK;
		case 'y':
			if (!year_parse(optarg, &y)) {
				log_error("--year: '%s' is not a year", optarg);
				return EXIT_USAGE;
			}
			o->year = (int)y;
			break;
		default: fprintf(stderr, "try '%s --help'\n", def->program); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		fprintf(stderr, "try '%s --help'\n", def->program);
		return EXIT_USAGE;
	}
	return -1;
}

/* Everything a collector run holds, released by run_stop. */
typedef struct collector_run {
	app a;
	collector_env env;
	commune_list active;
	json_t **blocks;        /* the blocks to run */
	collector_source *srcs; /* resolved blocks[0 .. resolved) */
	size_t n, resolved;
	oldcodes *oc; /* when a source is keyed to the older list */
} collector_run;

/* Whether a source's URL or request body names {district}: it then needs
 * the national unit list (the district of each commune). */
static bool source_uses_district(const collector_env *env, const collector_source *s)
{
	char *body = request_body(env, s, "{commune}", "{commune_name}", "{district}", -1);
	bool uses = strstr(s->url, "{district}") ||
		    (body && (strstr(body, "{district}") || strstr(body, "%7Bdistrict%7D")));

	free(body);
	return uses;
}

/* The blocks of the program's kind (or --source), each resolved and, for
 * the generic run, its mapping checked against the framework. */
static dti_err resolve_sources(const collector_def *def, const char *only, collector_run *r,
			       dti_diag *d)
{
	json_t *arr = json_object_get(r->env.cfg->root, "sources");
	dti_err rc;

	r->blocks = xcalloc(json_array_size(arr) + 1, sizeof *r->blocks);
	rc = select_sources(&r->env, def->kind, only, r->blocks, &r->n, d);
	if (rc)
		return rc;
	r->srcs = xcalloc(r->n + 1, sizeof *r->srcs);
	for (r->resolved = 0; r->resolved < r->n; r->resolved++) {
		json_t *blk = r->blocks[r->resolved];
		rc = source_resolve(&r->env, blk, &r->srcs[r->resolved], d);
		if (!rc && !def->collect) {
			mapping *m = NULL;
			rc = mapping_parse(blk, r->env.fw, &m, d);
			mapping_free(m);
		}
		if (rc) {
			r->resolved++;
			return rc;
		}
	}
	return DTI_EOK;
}

/* Which list each source is keyed to ("unit_list"): the deployment's, or
 * its predecessor's (s->old_codes), whose records are then found by code
 * alone — names are matched against the deployment's own list only.
 * Any other list, or a block that finds communes by name, is DTI_ECONFIG. */
static dti_err sources_keyed(const collector_def *def, collector_run *r, bool *any_old, dti_diag *d)
{
	const unit_edition *mine = NULL;
	dti_err rc = DTI_EOK;

	*any_old = false;
	for (size_t i = 0; !rc && i < r->n; i++) {
		collector_source *s = &r->srcs[i];
		const char *id = json_string_value(json_object_get(s->block, "unit_list"));
		json_t *commune = json_object_get(s->block, "commune");
		if (!id)
			continue;
		rc = config_edition(r->a.cfg, &mine, d);
		if (rc || strcmp(id, mine->id) == 0)
			continue;
		if (!mine->predecessor || strcmp(id, mine->predecessor) != 0)
			return diag_set(
				d, DTI_ECONFIG,
				"source '%s': \"unit_list\" is %s, but the deployment's list "
				"is %s: only a feed keyed to the list before it%s%s%s is "
				"converted",
				s->name, id, mine->id, mine->predecessor ? " (" : "",
				mine->predecessor ? mine->predecessor : "",
				mine->predecessor ? ")" : "");
		if (def->collect || json_object_get(commune, "name") ||
		    json_object_get(s->block, "aliases"))
			return diag_set(
				d, DTI_ECONFIG,
				"source '%s' is keyed to the unit list %s: its records are "
				"found by code (\"commune\": {\"code\": FIELD}, no \"name\" "
				"nor \"aliases\"); names are matched against the deployment's "
				"own list %s only",
				s->name, id, mine->id);
		rc = oldcodes_check_combine(s->block, r->env.fw, d);
		s->old_codes = true;
		*any_old = true;
	}
	return rc;
}

/* The national unit list, when a generic source templates on {district}. */
static dti_err load_units_if_needed(const collector_def *def, collector_run *r, dti_diag *d)
{
	const units *u = NULL;
	dti_err rc = DTI_EOK;

	for (size_t i = 0; !def->collect && i < r->n && !r->env.units; i++)
		if (source_uses_district(&r->env, &r->srcs[i])) {
			rc = config_units(r->a.cfg, &u, d);
			r->env.units = u; /* borrowed from the configuration */
			if (rc)
				return rc;
		}
	return DTI_EOK;
}

/* The start-up (lib/app.h): configuration and framework, the sources
 * checked, then the database and the communes assessed.  Nothing is opened
 * in the database before every selected source is known good. */
static dti_err run_start(const collector_def *def, const collector_opts *o, collector_run *r,
			 dti_diag *d)
{
	bool any_old = false;
	dti_err rc;

	r->a.config_path = o->config_path;
	r->a.db_path = o->db_path;
	r->a.year = o->year;
	rc = app_start(&r->a, APP_FRAMEWORK, d);
	if (rc)
		return rc;
	r->env.program = def->program;
	r->env.cfg = r->a.cfg;
	r->env.fw = r->a.fw;
	r->env.year = r->a.year;
	r->env.dry_run = o->dry_run;
	r->env.force = o->force;
	{
		char *rel = path_relative_to(r->a.cfg->path, ".");
		char *abs = realpath(rel, NULL);
		free(rel);
		r->env.config_dir = abs ? abs : xstrdup(".");
	}
	rc = resolve_sources(def, o->only, r, d);
	if (!rc)
		rc = sources_keyed(def, r, &any_old, d);
	if (!rc)
		rc = load_units_if_needed(def, r, d);
	if (!rc)
		rc = app_open_database(&r->a, false, d);
	if (rc)
		return rc;
	r->env.st = r->a.st;
	if (staging_active_communes(r->env.st, &r->active, d))
		return DTI_EDB;
	r->env.active = &r->active;
	if (any_old) {
		rc = oldcodes_open(r->a.cfg, &r->active, &r->oc, d);
		r->env.oldcodes = r->oc;
	}
	return rc;
}

/* Every source, one after the other; a failed one does not stop the
 * others, a database error stops all. */
static int run_sources(const collector_def *def, collector_run *r)
{
	int code = EXIT_OK;

	if (r->n == 0)
		log_warn("no source of kind %s in '%s'", def->kind, r->a.cfg->path);
	for (size_t i = 0; i < r->n; i++) {
		int one = run_source(def, &r->env, &r->srcs[i]);
		if (one == EXIT_DB)
			return EXIT_DB;
		if (one && !code)
			code = one;
	}
	return code;
}

static void run_stop(collector_run *r)
{
	for (size_t i = 0; r->srcs && i < r->resolved; i++)
		source_clear(&r->srcs[i]);
	free(r->srcs);
	free(r->blocks);
	oldcodes_free(r->oc);
	commune_list_free(&r->active);
	free(r->env.config_dir);
	app_stop(&r->a);
}

int collector_main(const collector_def *def, int argc, char **argv)
{
	collector_opts o;
	collector_run r;
	dti_diag d;
	dti_err rc;
	int code;

	memset(&r, 0, sizeof r);
	log_init(def->program);
	code = parse_options(def, argc, argv, &o);
	if (code >= 0)
		return code;
	fetch_global_init();
	rc = run_start(def, &o, &r, &d);
	if (rc) {
		log_error("%s", d.msg);
		code = (int)dti_exit_code(rc, PROGRAM_COLLECTOR);
	} else {
		code = run_sources(def, &r);
	}
	run_stop(&r);
	fetch_global_cleanup();
	return code;
}
