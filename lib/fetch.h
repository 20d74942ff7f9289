/* fetch.h — bounded HTTP(S)/file fetching on libcurl for the collectors.
 *
 * Only http, https and file URLs are fetched, a file: URL only when it
 * names a regular file.  Redirects are followed here, not by curl: to
 * http and https only, at most max_redirects.  The configured headers
 * (credentials among them) go only to the origin (scheme, host, port) of
 * the job's `origin` URL: a request or redirect to another origin is sent
 * without them, or refused with cross_origin_refuse; TLS peer and host
 * verification is always on;
 * connect, total and low-speed timeouts; the body is capped while it is
 * received; network errors, 429 and 5xx are retried with exponential
 * backoff and jitter, honouring Retry-After up to a bound; conditional GET
 * with ETag / Last-Modified.  Many URLs are fetched in parallel through the
 * curl multi interface with a per-host connection cap. */
#ifndef DTI_FETCH_H
#define DTI_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "util.h"

/* How to fetch.  Every field is read by the caller-owned struct; strings are
 * borrowed for the duration of the call. */
typedef struct fetch_opts {
	long connect_timeout_ms;    /* default 10000 */
	long timeout_ms;            /* whole transfer; default 120000 */
	long low_speed_bytes;       /* abort below this many bytes/s ... */
	long low_speed_seconds;     /* ... for this many seconds; defaults 100, 30 */
	size_t max_bytes;           /* body cap; default 64 MiB */
	int retries;                /* extra attempts after the first; default 3 */
	long retry_base_ms;         /* first backoff; default 500, doubled each time */
	long retry_after_max_ms;    /* longest Retry-After honoured; default 60000 */
	int max_redirects;          /* default 3 */
	long max_host_connections;  /* parallel connections per host; default 4 */
	long max_connections;       /* parallel transfers in all; default 16 */
	const char *method;         /* "GET" (default) or "POST" */
	const char *const *headers; /* "Name: value" lines, n_headers of them */
	size_t n_headers;
	const char *if_none_match;     /* ETag from the last success, or NULL */
	const char *if_modified_since; /* Last-Modified from the last success, or NULL */
	const char *ca_file;           /* PEM bundle of the CAs to trust instead of the
				   * system's (a private CA), or NULL */
	bool cross_origin_refuse;      /* another origin than the job's: refuse it
				   * instead of fetching it without headers */
} fetch_opts;

/* Fills o with the defaults above. */
void fetch_opts_default(fetch_opts *o);

/* One transfer.  The caller sets url (and body for POST, and sink to
 * stream the body into a file instead of memory); fetch_many fills the
 * rest.  Free with fetch_job_clear. */
typedef struct fetch_job {
	const char *url;    /* borrowed */
	const char *origin; /* borrowed: the configured URL whose origin may
				* receive o->headers; NULL: url's own */
	const char *body;   /* POST body, borrowed; NULL for none */
	FILE *sink;         /* when set, the body goes there, not to `data` */
	/* results */
	dti_err rc;        /* DTI_EOK, DTI_EFETCH, DTI_ELIMIT */
	long status;       /* HTTP status of the last attempt (0 for file) */
	bool not_modified; /* 304 */
	strbuf data;       /* body when sink is NULL (NUL-terminated) */
	size_t bytes;      /* body bytes received */
	char *etag, *last_modified, *content_type; /* malloc'd or NULL */
	int attempts;
	char error[512]; /* why it failed, naming the URL; no credentials */
} fetch_job;

void fetch_job_clear(fetch_job *j);

/* Fetches every job, at most o->max_connections at a time and at most
 * o->max_host_connections per host.  Each job gets its own rc and error;
 * the function returns DTI_EOK when every job succeeded (304 included),
 * else the first failed job's rc. */
dti_err fetch_many(fetch_job *jobs, size_t n, const fetch_opts *o);

/* One URL (fetch_many of one job). */
dti_err fetch_one(fetch_job *j, const fetch_opts *o);

/* Whether two URLs have the same origin: scheme, host (any case) and port
 * (default ports filled in).  False when either is not a URL. */
bool fetch_same_origin(const char *a, const char *b);

/* The scheme of a URL in lower case (malloc'd), or NULL when it is not a
 * URL. */
char *fetch_scheme(const char *url);

/* Local path of a file: URL as curl opens it (malloc'd, %-escapes decoded,
 * no query or fragment), or NULL for other schemes and broken URLs. */
char *fetch_file_path(const char *url);

/* Global libcurl set-up; call once from main before anything else. */
void fetch_global_init(void);
void fetch_global_cleanup(void);

#endif
