/* server.h — dti-web's HTTP server (web/server.c) and its settings. */
#ifndef DTI_WEB_SERVER_H
#define DTI_WEB_SERVER_H

#include <stdbool.h>
#include <sys/socket.h>

#include "err.h"
#include "web.h"

/* Settings from "web" in the configuration (docs/web.md), with
 * --listen over "listen". */
typedef struct web_server {
	web_app *app;
	char listen[80]; /* as given: 127.0.0.1:8080 */
	struct sockaddr_storage addr;
	int threads, max_connections, per_ip, idle_seconds;
	double request_seconds;             /* the watchdog's bound on one request */
	bool trust_proxy;                   /* the client's address from X-Real-IP */
	void (*ready)(struct web_server *); /* called once listening; may be NULL */
} web_server;

/* Reads the settings and resolves listen ("ADDR:PORT", "[ADDR]:PORT");
 * DTI_ECONFIG (DTI_EUSAGE for a bad listen) naming what is wrong. */
dti_err web_server_configure(web_server *s, web_app *a, const char *listen, dti_diag *d);

/* Serves until SIGINT or SIGTERM. */
int web_server_run(web_server *s, dti_diag *d);

#endif
