/* server.c — dti-web's HTTP on libmicrohttpd: limits, request bodies,
 * response headers, one database connection a thread, and the watchdog
 * that ends a request taking longer than "web"."request_seconds" (a client
 * sending a byte a second; the time its handler runs is not counted).  What a request may reach is web/dispatch.c's. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "text.h"
#include "web.h"

#define FIELD_MAX (64 * 1024) /* bytes of one form field */

/* ---- one database connection a thread ------------------------------- */

static pthread_key_t db_key;
static pthread_once_t db_once = PTHREAD_ONCE_INIT;

static void db_close(void *p)
{
	staging_close(p);
}

static void db_key_make(void)
{
	pthread_key_create(&db_key, db_close);
}

static staging *thread_db(const web_app *a, dti_diag *d)
{
	staging *st;

	pthread_once(&db_once, db_key_make);
	st = pthread_getspecific(db_key);
	if (st)
		return st;
	if (staging_open(staging_path(a->core.st), &st, d))
		return NULL;
	if (staging_cache_own(st, STAGING_CACHE_READS, d)) {
		staging_close(st);
		return NULL;
	}
	pthread_setspecific(db_key, st);
	return st;
}

/* ---- the watchdog ---------------------------------------------------- */

typedef struct conn_slot {
	int fd;
	double since; /* start of the current request (or of the wait for one);
		       * INFINITY while its handler runs */
	bool used;
	bool cut; /* shut down by the watchdog */
} conn_slot;

static struct {
	pthread_mutex_t lock;
	conn_slot *slots;
	size_t n;
	double request_seconds;
	bool stop;
} watch = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, false};

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	conn_slot *slot = *socket_context;

	(void)cls;
	pthread_mutex_lock(&watch.lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		for (size_t i = 0; ci && i < watch.n; i++)
			if (!watch.slots[i].used) {
				watch.slots[i] =
					(conn_slot){ci->connect_fd, mono_seconds(), true, false};
				*socket_context = &watch.slots[i];
				break;
			}
	} else if (slot) {
		slot->used = false;
		*socket_context = NULL;
	}
	pthread_mutex_unlock(&watch.lock);
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		usleep(250 * 1000);
		pthread_mutex_lock(&watch.lock);
		if (watch.stop) {
			pthread_mutex_unlock(&watch.lock);
			return NULL;
		}
		for (size_t i = 0; i < watch.n; i++) {
			conn_slot *s = &watch.slots[i];
			if (s->used && !s->cut &&
			    mono_seconds() - s->since > watch.request_seconds) {
				shutdown(s->fd, SHUT_RDWR);
				s->cut = true;
			}
		}
		pthread_mutex_unlock(&watch.lock);
	}
}

/* The watchdog's clock of a connection: restarted (a request ended, or its
 * handler did and the answer goes out), or stopped while a handler runs —
 * the time a client takes is bounded, not the server's own (a write
 * waiting for another program's lock answers, however long it waited). */
static void slot_clock(struct MHD_Connection *c, bool running)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	conn_slot *slot = ci ? ci->socket_context : NULL;

	pthread_mutex_lock(&watch.lock);
	if (slot && slot->used && !slot->cut)
		slot->since = running ? mono_seconds() : INFINITY;
	pthread_mutex_unlock(&watch.lock);
}

/* ---- a request ------------------------------------------------------- */

typedef struct req_ctx {
	web_req r;
	struct MHD_PostProcessor *pp;
	size_t body_bytes;
	int refuse; /* a status to answer instead of dispatching (413, 415, 400) */
	bool answered;
	bool close;    /* answer with Connection: close (a body of doubtful framing) */
	bool files_ok; /* the request came with a session: its file fields are kept */
	char *names[WEB_MAX_PARAMS];
} req_ctx;

static void req_free(req_ctx *x)
{
	web_req *r = &x->r;

	if (x->pp)
		MHD_destroy_post_processor(x->pp);
	for (size_t i = 0; i < r->n_params; i++) {
		free(r->params[i].name);
		free(r->params[i].value);
	}
	for (size_t i = 0; i < r->n_uploads; i++) {
		web_upload *u = &r->uploads[i];
		if (u->fd >= 0)
			close(u->fd);
		if (u->path)
			unlink(u->path);
		free(u->path);
		free(u->field);
		free(u->filename);
		free(u->content_type);
	}
	for (size_t i = 0; i < r->n_cookies; i++)
		free(r->cookies[i]);
	store_account_free(&r->acct);
	if (r->has_file)
		close(r->file_fd);
	sb_free(&r->body);
	free(r->location);
	free(r->etag);
	free(r->disposition);
	free(r->csp);
	free(x);
}

/* Removes the uploads no handler took, before the answer goes out. */
static void uploads_drop(web_req *r)
{
	for (size_t i = 0; i < r->n_uploads; i++) {
		web_upload *u = &r->uploads[i];
		if (u->fd >= 0)
			close(u->fd);
		u->fd = -1;
		if (u->path)
			unlink(u->path);
		free(u->path);
		u->path = NULL;
	}
}

static bool param_add(web_req *r, const char *name, const char *value, size_t n, bool form)
{
	if (r->n_params >= WEB_MAX_PARAMS)
		return false;
	r->params[r->n_params++] =
		(web_param){xstrdup(name), xstrndup(value ? value : "", n), form};
	return true;
}

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	req_ctx *x = cls;

	(void)kind;
	if (!param_add(&x->r, key, value, value ? strlen(value) : 0, false))
		x->refuse = 400;
	return MHD_YES;
}

/* A piece of a file field: into its temporary file. */
static bool upload_piece(req_ctx *x, const char *key, const char *filename, const char *type,
			 const char *data, size_t size, uint64_t off)
{
	web_req *r = &x->r;
	web_upload *u = r->n_uploads ? &r->uploads[r->n_uploads - 1] : NULL;

	if (off == 0 || !u || strcmp(u->field, key) != 0) {
		if (r->n_uploads >= WEB_MAX_UPLOADS)
			return false;
		u = &r->uploads[r->n_uploads++];
		*u = (web_upload){xstrdup(key),
				  xstrdup(filename),
				  xstrdup(type ? type : ""),
				  xasprintf("%s/up-XXXXXX", r->app->upload_dir),
				  0,
				  -1};
		u->fd = mkstemp(u->path);
		if (u->fd < 0) {
			log_error("cannot make a temporary file in '%s': %s", r->app->upload_dir,
				  strerror(errno));
			free(u->path);
			u->path = NULL;
			return false;
		}
	}
	for (size_t done = 0; done < size;) {
		ssize_t w = write(u->fd, data + done, size - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("cannot write the upload '%s': %s", u->path, strerror(errno));
			return false;
		}
		done += (size_t)w;
	}
	u->size += size;
	return true;
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *content_type,
				  const char *transfer_encoding, const char *data, uint64_t off,
				  size_t size)
{
	req_ctx *x = cls;
	web_req *r = &x->r;
	web_param *last = r->n_params ? &r->params[r->n_params - 1] : NULL;

	(void)kind;
	(void)transfer_encoding;
	if (filename) {
		if (!x->files_ok)
			return MHD_YES; /* no session, no file reaches a disk */
		if (!upload_piece(x, key, filename, content_type, data, size, off))
			x->refuse = 400;
		return x->refuse ? MHD_NO : MHD_YES;
	}
	if (off > 0 && last && last->form && strcmp(last->name, key) == 0) {
		size_t had = strlen(last->value);
		if (had + size > FIELD_MAX) {
			x->refuse = 413;
			return MHD_NO;
		}
		last->value = xrealloc(last->value, had + size + 1);
		memcpy(last->value + had, data, size);
		last->value[had + size] = '\0';
		return MHD_YES;
	}
	if (size > FIELD_MAX || !param_add(r, key, data, size, true)) {
		x->refuse = size > FIELD_MAX ? 413 : 400;
		return MHD_NO;
	}
	return MHD_YES;
}

/* ---- the response ---------------------------------------------------- */

static const char *const security_headers[][2] = {
	{"Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "
				    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "no-referrer"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
};

static enum MHD_Result respond(struct MHD_Connection *c, req_ctx *x)
{
	web_req *r = &x->r;
	struct MHD_Response *resp;
	enum MHD_Result ok;
	int status = r->status ? r->status : 500;

	static char empty[1];

	if (r->has_file) {
		/* MHD closes the file with the response; on failure it is ours. */
		resp = MHD_create_response_from_fd64(r->file_size, r->file_fd);
		if (!resp)
			close(r->file_fd);
		r->has_file = false;
	} else {
		resp = MHD_create_response_from_buffer(
			r->body.len, r->body.data ? r->body.data : empty, MHD_RESPMEM_MUST_COPY);
	}
	if (!resp)
		return MHD_NO;
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(resp, security_headers[i][0],
					i == 0 && r->csp ? r->csp : security_headers[i][1]);
	if (r->disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	MHD_add_response_header(resp, "Content-Type",
				r->content_type ? r->content_type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control",
				r->cacheable ? "public, max-age=3600" : "no-store");
	if (r->etag)
		MHD_add_response_header(resp, "ETag", r->etag);
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	/* A response a shared cache may keep carries no cookie: it would hand
	 * one visitor's pre-login token (and so its CSRF token) to the next. */
	for (size_t i = 0; !r->cacheable && i < r->n_cookies; i++)
		MHD_add_response_header(resp, "Set-Cookie", r->cookies[i]);
	if (x->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (status == 405 && r->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	ok = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	x->answered = true;
	return ok;
}

static enum MHD_Result refuse(struct MHD_Connection *c, req_ctx *x, int status)
{
	static const char *const words[][2] = {
		{"400", "Yêu cầu không hợp lệ."},
		{"404", "Không có trang này."},
		{"405", "Phương thức này không dùng được ở đây."},
		{"413", "Dữ liệu gửi lên quá lớn."},
		{"415",
		 "Biểu mẫu phải gửi dạng application/x-www-form-urlencoded hoặc multipart/form-data."},
	};
	char code[8];
	const char *msg = "Yêu cầu bị từ chối.";

	snprintf(code, sizeof code, "%d", status);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(words[i][0], code) == 0)
			msg = words[i][1];
	page_message(&x->r, status, "Yêu cầu bị từ chối", msg);
	return respond(c, x);
}

/* ---- the access handler ---------------------------------------------- */

static void client_address(struct MHD_Connection *c, web_req *r, bool trust_proxy)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const char *fwd =
		trust_proxy ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP") : NULL;

	snprintf(r->address, sizeof r->address, "?");
	if (fwd && *fwd && strlen(fwd) < sizeof r->address) {
		snprintf(r->address, sizeof r->address, "%s", fwd);
		return;
	}
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr,
			  r->address, sizeof r->address);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
			  r->address, sizeof r->address);
}

static enum MHD_Result count_length(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		++*(int *)cls;
	return MHD_YES;
}

/* Whether the body's framing is one a proxy in front could read otherwise
 * (request smuggling): Content-Length twice, or beside Transfer-Encoding.
 * libmicrohttpd takes the first length, or the chunks, and keeps the
 * connection; such a request is refused and the connection closed
 * (RFC 9112 section 6.3). */
static bool framing_doubtful(struct MHD_Connection *c)
{
	int lengths = 0;

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_length, &lengths);
	return lengths > 1 ||
	       (lengths &&
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING));
}

/* Whether the request's session cookie is a session: only then are the
 * file fields of its body written to disk (a visitor's never reach a
 * handler that takes one, and would fill the upload folder for nothing).
 * The access decision itself is web_dispatch's, once the body is read. */
static bool has_session(const web_server *s, struct MHD_Connection *c)
{
	const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "dti_session");
	store_account acct;
	bool valid = false;
	dti_diag d;
	staging *st = cookie ? thread_db(s->app, &d) : NULL;

	if (st && auth_session(st, &s->app->policy, cookie, (int64_t)time(NULL), &acct, &valid, &d))
		valid = false;
	if (st)
		store_account_free(&acct);
	return valid;
}

/* The first call of a request: its limits and its body's parser. */
static enum MHD_Result request_begin(const web_server *s, struct MHD_Connection *c, const char *url,
				     const char *method, req_ctx *x)
{
	const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	int64_t n = 0;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
	    strcmp(method, "POST") != 0) {
		web_route_allow(url, x->r.allow);
		return refuse(c, x, x->r.allow[0] ? 405 : 404);
	}
	if (framing_doubtful(c)) {
		x->close = true;
		return refuse(c, x, 400);
	}
	if (len && (!parse_i64(len, &n) || n < 0))
		return refuse(c, x, 400);
	if ((uint64_t)n > s->app->max_body)
		return refuse(c, x, 413);
	if (strcmp(method, "POST") == 0) {
		x->files_ok = has_session(s, c);
		x->pp = MHD_create_post_processor(c, 16 * 1024, post_field, x);
		if (!x->pp && n > 0)
			x->refuse = 415;
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	const web_server *s = cls;
	req_ctx *x = *con_cls;
	web_req *r;
	dti_diag d;

	(void)version;
	if (!x) {
		x = xcalloc(1, sizeof *x);
		x->r.app = s->app;
		sb_init(&x->r.body, 0);
		*con_cls = x;
		return request_begin(s, c, url, method, x);
	}
	r = &x->r;
	if (x->answered) {
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		x->body_bytes += *upload_size;
		/* libmicrohttpd answers only once the body is read: what is past
		 * the cap is read and dropped (the watchdog bounds how long), and
		 * a body far past it ends the connection. */
		if (x->body_bytes > s->app->max_body)
			x->refuse = 413;
		if (x->body_bytes / 4 > s->app->max_body)
			return MHD_NO;
		if (!x->refuse && x->pp &&
		    MHD_post_process(x->pp, upload, *upload_size) != MHD_YES && !x->refuse)
			x->refuse = 400;
		*upload_size = 0;
		return MHD_YES;
	}
	if (x->refuse)
		return refuse(c, x, x->refuse);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, query_arg, x);
	if (x->refuse)
		return refuse(c, x, x->refuse);
	r->method = strcmp(method, "HEAD") == 0 ? "GET" : method;
	r->path = url;
	r->session_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "dti_session");
	r->pre_cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "dti_pre");
	r->if_none_match = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	client_address(c, r, s->trust_proxy);
	r->st = thread_db(s->app, &d);
	if (!r->st) {
		log_error("%s", d.msg);
		page_message(r, 503, "Máy chủ bận",
			     "Không mở được cơ sở dữ liệu; hãy thử lại sau.");
		return respond(c, x);
	}
	slot_clock(c, false);
	web_dispatch(r);
	uploads_drop(r);
	slot_clock(c, true);
	return respond(c, x);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)toe;
	if (*con_cls)
		req_free(*con_cls);
	*con_cls = NULL;
	slot_clock(c, true);
}

/* %HH escapes of the path and query decoded as libmicrohttpd does, but an
 * escaped NUL ("%00") becomes DEL: the C string of "/login%00x" would
 * otherwise be "/login", a page that was not asked for, and no route,
 * commune code or hash takes a DEL. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	size_t n = MHD_http_unescape(s);

	(void)cls;
	(void)c;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0')
			s[i] = 0x7f;
	return n;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warn("libmicrohttpd: %s", text_printable(msg));
}

int web_server_run(web_server *s, dti_diag *d)
{
	struct MHD_Daemon *daemon;
	pthread_t dog;
	sigset_t stop;
	int sig = 0;

	watch.n = s->max_connections;
	watch.slots = xcalloc(watch.n, sizeof *watch.slots);
	watch.request_seconds = s->request_seconds;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	daemon = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, s,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
		(const struct sockaddr *)&s->addr, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)s->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->idle_seconds,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_END);
	if (!daemon) {
		free(watch.slots);
		return diag_set(d, DTI_EIO, "cannot listen on %s: %s", s->listen, strerror(errno));
	}
	pthread_create(&dog, NULL, watchdog, NULL);
	log_info("listening on http://%s/ (%d threads, at most %d connections)", s->listen,
		 s->threads, s->max_connections);
	if (s->ready)
		s->ready(s);
	sigwait(&stop, &sig);
	log_info("stopping (signal %d)", sig);
	MHD_stop_daemon(daemon);
	pthread_mutex_lock(&watch.lock);
	watch.stop = true;
	pthread_mutex_unlock(&watch.lock);
	pthread_join(dog, NULL);
	free(watch.slots);
	return DTI_EOK;
}
