#include "fetch.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADER_VALUE 512
#define MAX_BACKOFF_MS 30000L
#define MAX_HEADER_BYTES (256u << 10) /* all response headers of one reply */

/* One job's transfer state across its attempts. */
typedef struct xfer {
	fetch_job *job;
	const fetch_opts *o;
	CURL *h;
	struct curl_slist *hdrs;
	char curl_err[CURL_ERROR_SIZE];
	double next_at; /* monotonic time of the next attempt */
	char *hop;      /* URL a redirect led to (malloc'd), NULL: job->url */
	int hops;       /* redirects followed in this attempt */
	size_t header_bytes;
	bool active, done, over_cap, header_too_large;
	bool redirected; /* the next start is a redirect's, not a new attempt */
	bool as_get;     /* a 301/302/303 turned the POST into a GET */
} xfer;

/* The URL the transfer asks for now. */
static const char *xfer_url(const xfer *x)
{
	return x->hop ? x->hop : x->job->url;
}

static unsigned int jitter_seed;

void fetch_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	jitter_seed = (unsigned int)time(NULL) ^ ((unsigned int)getpid() << 16);
}

void fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

void fetch_opts_default(fetch_opts *o)
{
	memset(o, 0, sizeof *o);
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 120000;
	o->low_speed_bytes = 100;
	o->low_speed_seconds = 30;
	o->max_bytes = (size_t)64 << 20;
	o->retries = 3;
	o->retry_base_ms = 500;
	o->retry_after_max_ms = 60000;
	o->max_redirects = 3;
	o->max_host_connections = 4;
	o->max_connections = 16;
	o->method = "GET";
}

void fetch_job_clear(fetch_job *j)
{
	sb_free(&j->data);
	free(j->etag);
	free(j->last_modified);
	free(j->content_type);
	j->etag = j->last_modified = j->content_type = NULL;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	xfer *x = userdata;
	fetch_job *j = x->job;
	size_t n = size * nmemb;

	if (n > x->o->max_bytes - j->bytes || j->bytes > x->o->max_bytes) {
		x->over_cap = true;
		return 0;
	}
	if (j->sink) {
		if (fwrite(ptr, 1, n, j->sink) != n)
			return 0;
	} else if (sb_append(&j->data, ptr, n)) {
		x->over_cap = true;
		return 0;
	}
	j->bytes += n;
	return n;
}

/* Copies the value of "Name: value\r\n" when the name matches. */
static bool header_value(const char *line, size_t n, const char *name, char **out)
{
	size_t k = strlen(name);
	const char *v, *end = line + n;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return false;
	v = line + k + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	if ((size_t)(end - v) > MAX_HEADER_VALUE)
		return true;
	free(*out);
	*out = xstrndup(v, (size_t)(end - v));
	return true;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userdata)
{
	xfer *x = userdata;
	fetch_job *j = x->job;
	size_t n = size * nmemb;

	x->header_bytes += n;
	if (x->header_bytes > MAX_HEADER_BYTES) {
		x->header_too_large = true;
		return 0;
	}
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a redirect): forget the previous one's. */
		free(j->etag);
		free(j->last_modified);
		free(j->content_type);
		j->etag = j->last_modified = j->content_type = NULL;
		return n;
	}
	if (!header_value(line, n, "etag", &j->etag) &&
	    !header_value(line, n, "last-modified", &j->last_modified))
		header_value(line, n, "content-type", &j->content_type);
	return n;
}

static void reset_attempt(xfer *x)
{
	fetch_job *j = x->job;

	sb_free(&j->data);
	sb_init(&j->data, x->o->max_bytes + 1);
	j->bytes = 0;
	j->status = 0;
	j->not_modified = false;
	free(j->etag);
	free(j->last_modified);
	free(j->content_type);
	j->etag = j->last_modified = j->content_type = NULL;
	if (j->sink) {
		fflush(j->sink);
		if (ftruncate(fileno(j->sink), 0) == 0)
			rewind(j->sink);
	}
	x->over_cap = x->header_too_large = false;
	x->header_bytes = 0;
	x->curl_err[0] = '\0';
}

static void append_header(xfer *x, const char *line)
{
	struct curl_slist *n = curl_slist_append(x->hdrs, line);

	if (!n) {
		fputs("out of memory\n", stderr);
		abort();
	}
	x->hdrs = n;
}

/* One part of a URL (malloc'd), or NULL when it is not a URL or lacks it. */
static char *url_part(const char *url, CURLUPart what, unsigned int flags)
{
	CURLU *u = curl_url();
	char *v = NULL, *out = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, what, &v, flags) == CURLUE_OK) {
		out = xstrdup(v);
		curl_free(v);
	}
	curl_url_cleanup(u);
	return out;
}

char *fetch_scheme(const char *url)
{
	char *s = url_part(url, CURLUPART_SCHEME, 0);

	for (char *c = s; c && *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return s;
}

bool fetch_same_origin(const char *a, const char *b)
{
	char *sa = fetch_scheme(a), *sb = fetch_scheme(b);
	char *ha = url_part(a, CURLUPART_HOST, 0), *hb = url_part(b, CURLUPART_HOST, 0);
	char *pa = url_part(a, CURLUPART_PORT, CURLU_DEFAULT_PORT);
	char *pb = url_part(b, CURLUPART_PORT, CURLU_DEFAULT_PORT);
	bool same = sa && sb && strcmp(sa, sb) == 0 &&
		    ((!ha && !hb) || (ha && hb && strcasecmp(ha, hb) == 0)) &&
		    ((!pa && !pb) || (pa && pb && strcmp(pa, pb) == 0));

	free(sa);
	free(sb);
	free(ha);
	free(hb);
	free(pa);
	free(pb);
	return same;
}

char *fetch_file_path(const char *url)
{
	char *scheme = fetch_scheme(url), *path = NULL;
	bool file = scheme && strcmp(scheme, "file") == 0;

	free(scheme);
	/* The path as curl's file: protocol opens it: without a query or a
	 * fragment ("a#/b" opens "a"), %-escapes decoded. */
	if (file)
		path = url_part(url, CURLUPART_PATH, CURLU_URLDECODE);
	if (path && !*path) {
		free(path);
		path = NULL;
	}
	return path;
}

static const char *method_of(const xfer *x)
{
	return !x->as_get && x->o->method && strcmp(x->o->method, "POST") == 0 ? "POST" : "GET";
}

/* Whether the configured headers may go to the URL asked for now. */
static bool headers_allowed(const xfer *x)
{
	const fetch_job *j = x->job;

	if (!x->hop && !j->origin)
		return true;
	return fetch_same_origin(xfer_url(x), j->origin ? j->origin : j->url);
}

/* Refuses, before anything is sent, what must not be fetched: another
 * origin when the source refuses those, a file: URL that is not a
 * regular file (a FIFO would block the run).  False with j->error set. */
static bool may_start(xfer *x)
{
	fetch_job *j = x->job;
	const char *url = xfer_url(x);
	char *path = fetch_file_path(url);
	struct stat st;
	bool ok = true;

	if (!path && strncasecmp(url, "file:", 5) == 0) {
		snprintf(j->error, sizeof j->error, "%s %s: not a file: URL dti can read",
			 method_of(x), url);
		ok = false;
	} else if (path && (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
		snprintf(j->error, sizeof j->error, "%s %s: not a readable regular file",
			 method_of(x), url);
		ok = false;
	} else if (!path && x->o->cross_origin_refuse && !headers_allowed(x)) {
		snprintf(j->error, sizeof j->error,
			 "%s %s: refused: another origin than the configured URL's "
			 "(\"cross_origin\": \"refuse\")",
			 method_of(x), url);
		ok = false;
	}
	free(path);
	if (!ok)
		j->rc = DTI_EFETCH;
	return ok;
}

static CURL *make_handle(xfer *x)
{
	const fetch_opts *o = x->o;
	fetch_job *j = x->job;
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, xfer_url(x));
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
	/* Redirects are followed by follow_redirect, hop by hop. */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, o->low_speed_bytes);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->low_speed_seconds);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_bytes);
	curl_easy_setopt(h, CURLOPT_USERAGENT, DTI_USER_AGENT);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->curl_err);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	if (strcmp(method_of(x), "POST") == 0)
		curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, j->body ? j->body : "");
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	if (headers_allowed(x))
		for (size_t i = 0; i < o->n_headers; i++)
			append_header(x, o->headers[i]);
	if (o->if_none_match && *o->if_none_match) {
		char *l = xasprintf("If-None-Match: %s", o->if_none_match);
		append_header(x, l);
		free(l);
	}
	if (o->if_modified_since && *o->if_modified_since) {
		char *l = xasprintf("If-Modified-Since: %s", o->if_modified_since);
		append_header(x, l);
		free(l);
	}
	if (x->hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->hdrs);
	return h;
}

static bool retryable_curl(CURLcode c)
{
	switch (c) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM: return true;
	default: return false;
	}
}

static long backoff_ms(const fetch_opts *o, int attempt)
{
	double ms = (double)o->retry_base_ms;

	for (int i = 1; i < attempt && ms < MAX_BACKOFF_MS; i++)
		ms *= 2;
	if (ms > MAX_BACKOFF_MS)
		ms = MAX_BACKOFF_MS;
	/* Equal jitter: half fixed, half random, so parallel clients spread. */
	ms = ms / 2 + (ms / 2) * ((double)rand_r(&jitter_seed) / RAND_MAX);
	return (long)ms;
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* A 3xx with a Location: checks the hop (count, scheme, origin) and
 * either sets the transfer to start again at once at the new URL (true)
 * or fails the job (false, j->error set). */
static bool follow_redirect(xfer *x, const char *where, const char *method)
{
	fetch_job *j = x->job;
	char *scheme = fetch_scheme(where);
	bool web = scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
	const char *from = xfer_url(x);

	free(scheme);
	j->rc = DTI_EFETCH;
	if (x->hops >= x->o->max_redirects) {
		snprintf(j->error, sizeof j->error, "%s %s: more than %d redirects", method, j->url,
			 x->o->max_redirects);
		return false;
	}
	if (!web) {
		snprintf(j->error, sizeof j->error,
			 "%s %s: redirect to '%s' refused: scheme not allowed (redirects only to "
			 "http, https)",
			 method, from, where);
		return false;
	}
	j->rc = DTI_EOK;
	/* Like browsers: only 307 and 308 repeat a POST. */
	if (j->status != 307 && j->status != 308)
		x->as_get = true;
	free(x->hop);
	x->hop = xstrdup(where);
	x->hops++;
	x->redirected = true;
	x->next_at = 0;
	return true;
}

/* Decides what a finished attempt means: done (ok or failed), a redirect
 * to follow, or retry at x->next_at. */
static void finish_attempt(xfer *x, CURLcode res)
{
	fetch_job *j = x->job;
	const fetch_opts *o = x->o;
	bool retry = false;
	long wait = 0;
	curl_off_t ra = 0;
	const char *method = method_of(x);
	char *where = NULL;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &j->status);
	if (res == CURLE_OK && is_redirect(j->status) &&
	    curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &where) == CURLE_OK && where) {
		if (!follow_redirect(x, where, method))
			x->done = true;
		return;
	}
	if (res == CURLE_OK) {
		if (strncmp(j->url, "file:", 5) == 0 || (j->status >= 200 && j->status < 300)) {
			j->rc = DTI_EOK;
		} else if (j->status == 304) {
			j->rc = DTI_EOK;
			j->not_modified = true;
		} else {
			j->rc = DTI_EFETCH;
			snprintf(j->error, sizeof j->error, "%s %s: HTTP status %ld", method,
				 j->url, j->status);
			retry = j->status == 429 || j->status >= 500;
		}
	} else if (x->over_cap || res == CURLE_FILESIZE_EXCEEDED) {
		j->rc = DTI_ELIMIT;
		snprintf(j->error, sizeof j->error, "%s %s: body larger than the cap of %zu bytes",
			 method, j->url, o->max_bytes);
	} else if (x->header_too_large || res == CURLE_OUT_OF_MEMORY) {
		/* curl reports a header over its own bound as out of memory. */
		j->rc = DTI_ELIMIT;
		snprintf(j->error, sizeof j->error, "%s %s: a response header is too large", method,
			 xfer_url(x));
	} else if (res == CURLE_UNSUPPORTED_PROTOCOL && strstr(x->curl_err, "HTTP/0.9")) {
		j->rc = DTI_EFETCH;
		snprintf(j->error, sizeof j->error, "%s %s: the server's reply is not HTTP/1.x",
			 method, xfer_url(x));
	} else if (res == CURLE_UNSUPPORTED_PROTOCOL) {
		j->rc = DTI_EFETCH;
		snprintf(j->error, sizeof j->error,
			 "%s %s: scheme not allowed (only http, https, file)", method, xfer_url(x));
	} else {
		j->rc = DTI_EFETCH;
		snprintf(j->error, sizeof j->error, "%s %s: %s", method, j->url,
			 x->curl_err[0] ? x->curl_err : curl_easy_strerror(res));
		retry = retryable_curl(res);
	}
	if (retry && j->attempts <= o->retries) {
		if (curl_easy_getinfo(x->h, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0) {
			if ((double)ra * 1000 > (double)o->retry_after_max_ms) {
				size_t k = strlen(j->error);
				snprintf(
					j->error + k, sizeof j->error - k,
					"; server asks to retry after %lld s, more than the %ld s allowed",
					(long long)ra, o->retry_after_max_ms / 1000);
				retry = false;
			} else {
				wait = (long)ra * 1000;
			}
		} else {
			wait = backoff_ms(o, j->attempts);
		}
	} else {
		retry = false;
	}
	if (retry) {
		/* A new attempt starts again from the job's own URL. */
		x->next_at = mono_seconds() + (double)wait / 1000.0;
		free(x->hop);
		x->hop = NULL;
		x->hops = 0;
		x->as_get = false;
	} else {
		x->done = true;
		if (j->rc && j->attempts > 1) {
			size_t k = strlen(j->error);
			snprintf(j->error + k, sizeof j->error - k, " (after %d attempts)",
				 j->attempts);
		}
	}
}

dti_err fetch_many(fetch_job *jobs, size_t n, const fetch_opts *o)
{
	CURLM *m = NULL;
	xfer *xs = NULL;
	size_t left = n, active = 0;
	long max_active = o->max_connections > 0 ? o->max_connections : 16;
	dti_err rc = DTI_EOK;

	if (n == 0)
		return DTI_EOK;
	xs = xcalloc(n, sizeof *xs);
	m = curl_multi_init();
	if (!m) {
		fputs("out of memory\n", stderr);
		abort();
	}
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS,
			  o->max_host_connections > 0 ? o->max_host_connections : 4L);
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_active);
	for (size_t i = 0; i < n; i++) {
		xs[i].job = &jobs[i];
		xs[i].o = o;
		jobs[i].rc = DTI_EOK;
		jobs[i].attempts = 0;
		jobs[i].error[0] = '\0';
		sb_init(&jobs[i].data, o->max_bytes + 1);
	}
	while (left > 0) {
		double now = mono_seconds(), next = now + 0.1;
		int running = 0, queued = 0;
		CURLMsg *msg;

		for (size_t i = 0; i < n && (long)active < max_active; i++) {
			xfer *x = &xs[i];
			if (x->done || x->active || x->next_at > now)
				continue;
			reset_attempt(x);
			if (!x->redirected)
				x->job->attempts++;
			x->redirected = false;
			if (!may_start(x)) {
				x->done = true;
				left--;
				continue;
			}
			x->h = make_handle(x);
			if (!x->h || curl_multi_add_handle(m, x->h) != CURLM_OK) {
				fputs("cannot start a transfer\n", stderr);
				abort();
			}
			x->active = true;
			active++;
		}
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &queued))) {
			xfer *x = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			finish_attempt(x, msg->data.result);
			curl_multi_remove_handle(m, x->h);
			curl_easy_cleanup(x->h);
			x->h = NULL;
			x->active = false;
			active--;
			if (x->done)
				left--;
		}
		for (size_t i = 0; i < n; i++)
			if (!xs[i].done && !xs[i].active && xs[i].next_at < next)
				next = xs[i].next_at;
		if (left > 0) {
			int wait_ms = (int)((next - mono_seconds()) * 1000);
			if (wait_ms < 0)
				wait_ms = 0;
			/* All slots busy: only a finished transfer can start another,
			 * and curl_multi_poll wakes up for it. */
			if ((long)active >= max_active)
				wait_ms = 100;
			if (active > 0)
				curl_multi_poll(m, NULL, 0, wait_ms > 100 ? 100 : wait_ms, NULL);
			else if (wait_ms > 0)
				usleep((useconds_t)wait_ms * 1000);
		}
	}
	for (size_t i = 0; i < n; i++) {
		curl_slist_free_all(xs[i].hdrs);
		free(xs[i].hop);
		if (!rc && jobs[i].rc)
			rc = jobs[i].rc;
	}
	curl_multi_cleanup(m);
	free(xs);
	return rc;
}

dti_err fetch_one(fetch_job *j, const fetch_opts *o)
{
	return fetch_many(j, 1, o);
}
