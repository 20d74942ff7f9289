/* settings.c — the "web" section of the configuration, as dti-web's
 * server reads it (docs/web.md "Settings"). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "server.h"

static dti_err whole(json_t *web, const char *key, int64_t lo, int64_t hi, int64_t *out,
		     const char *path, dti_diag *d)
{
	json_t *v = json_object_get(web, key);

	if (!v)
		return DTI_EOK;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return diag_set(d, DTI_ECONFIG,
				"%s: web.%s must be a whole number from %lld to %lld", path, key,
				(long long)lo, (long long)hi);
	*out = json_integer_value(v);
	return DTI_EOK;
}

/* "ADDR:PORT" or "[ADDR]:PORT" into s->addr. */
static dti_err parse_listen(web_server *s, const char *listen, dti_diag *d)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	const char *h = listen;
	size_t hn;
	int64_t port;

	if (strlen(listen) >= sizeof s->listen || !colon || !parse_i64(colon + 1, &port) ||
	    port < 1 || port > 65535)
		return diag_set(d, DTI_EUSAGE,
				"--listen '%s' is not ADDR:PORT such as 127.0.0.1:8080", listen);
	hn = (size_t)(colon - listen);
	if (hn >= 2 && h[0] == '[' && h[hn - 1] == ']') {
		h++;
		hn -= 2;
	}
	if (hn == 0 || hn >= sizeof host)
		return diag_set(d, DTI_EUSAGE, "--listen '%s' names no address", listen);
	memcpy(host, h, hn);
	host[hn] = '\0';
	snprintf(s->listen, sizeof s->listen, "%s", listen);
	memset(&s->addr, 0, sizeof s->addr);
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&s->addr)->sin_addr) == 1) {
		((struct sockaddr_in *)&s->addr)->sin_family = AF_INET;
		((struct sockaddr_in *)&s->addr)->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&s->addr)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&s->addr)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&s->addr)->sin6_port = htons((uint16_t)port);
	} else {
		return diag_set(d, DTI_EUSAGE,
				"--listen '%s': '%s' is not an IP address (names are not resolved)",
				listen, host);
	}
	return DTI_EOK;
}

dti_err web_server_configure(web_server *s, web_app *a, const char *listen, dti_diag *d)
{
	json_t *web = json_object_get(a->core.cfg->root, "web");
	const char *path = a->core.cfg->path;
	int64_t threads = 4, conns = 512, per_ip = 64, idle = 15, req = 120, pub_wait = 60;
	int64_t body = 20 * 1024 * 1024;
	json_t *proxy = json_object_get(web, "trust_proxy");
	json_t *where = json_object_get(web, "listen");
	dti_err rc = DTI_EOK;

	memset(s, 0, sizeof *s);
	s->app = a;
	if (!rc)
		rc = whole(web, "threads", 1, 64, &threads, path, d);
	if (!rc)
		rc = whole(web, "max_connections", 1, 10000, &conns, path, d);
	if (!rc)
		rc = whole(web, "max_connections_per_address", 1, 10000, &per_ip, path, d);
	if (!rc)
		rc = whole(web, "idle_seconds", 1, 3600, &idle, path, d);
	if (!rc)
		rc = whole(web, "request_seconds", 1, 3600, &req, path, d);
	if (!rc)
		rc = whole(web, "max_body_bytes", 1024, (int64_t)1 << 32, &body, path, d);
	if (!rc)
		rc = whole(web, "publish_wait_seconds", 0, 3600, &pub_wait, path, d);
	if (!rc && proxy && !json_is_boolean(proxy))
		rc = diag_set(d, DTI_ECONFIG, "%s: web.trust_proxy must be true or false", path);
	if (!rc && where && !json_is_string(where))
		rc = diag_set(d, DTI_ECONFIG,
			      "%s: web.listen must be a text such as 127.0.0.1:8080", path);
	if (rc)
		return rc;
	s->threads = (int)threads;
	s->max_connections = (int)conns;
	s->per_ip = (int)per_ip;
	s->idle_seconds = (int)idle;
	s->request_seconds = (double)req;
	s->trust_proxy = json_is_true(proxy);
	a->max_body = (size_t)body;
	a->publish_wait_s = (int)pub_wait;
	if (!listen)
		listen = where ? json_string_value(where) : "127.0.0.1:8080";
	return parse_listen(s, listen, d);
}
