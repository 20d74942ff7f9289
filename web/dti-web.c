/* dti-web — the web application: communes declare, units appraise,
 * leaders read (docs/web.md).  Parses its options, starts like every
 * program (lib/app.h), serves (web/server.c) until SIGTERM. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "evidence.h"
#include "help.h"
#include "log.h"
#include "server.h"
#include "web.h"

static int usage(const char *msg)
{
	log_error("%s", msg);
	fprintf(stderr, "try 'dti-web --help'\n");
	return EXIT_USAGE;
}

/* A private folder for the uploads being received, removed at the end. */
static dti_err make_upload_dir(web_app *a, dti_diag *d)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/dti-web-XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (!mkdtemp(dir)) {
		free(dir);
		return diag_set(d, DTI_EIO, "cannot make a temporary folder for uploads");
	}
	a->upload_dir = dir;
	return DTI_EOK;
}

/* The evidence settings, and the temporary files a crash left in its
 * folder (older than EVIDENCE_SWEEP_SECONDS: an upload being written by
 * another dti-web on the same folder is younger) removed.  A folder that
 * cannot be swept is said and serving goes on. */
static dti_err sweep_evidence(web_app *a, dti_diag *d)
{
	evidence_store es;
	size_t removed = 0;
	dti_diag sd;
	dti_err rc = evidence_store_get(a->core.cfg, &es, d);

	if (rc)
		return rc;
	if (evidence_sweep(&es, time(NULL) - EVIDENCE_SWEEP_SECONDS, &removed, &sd))
		log_warn("%s", sd.msg);
	if (removed)
		log_info("removed %zu temporary file%s left in '%s' by an interrupted upload",
			 removed, removed == 1 ? "" : "s", es.dir);
	evidence_store_free(&es);
	return DTI_EOK;
}

static dti_err web_app_start(web_app *a, dti_diag *d)
{
	json_t *web;
	json_t *url;
	dti_err rc = app_start(&a->core, APP_DATABASE, d);

	if (!rc)
		rc = auth_init(d);
	if (!rc)
		rc = auth_policy_load(a->core.cfg, &a->policy, d);
	if (!rc) /* the evidence settings refused at start, not at the first upload */
		rc = sweep_evidence(a, d);
	if (rc)
		return rc;
	web = json_object_get(a->core.cfg->root, "web");
	url = json_object_get(web, "public_url");
	if (url && !json_is_string(url))
		return diag_set(d, DTI_ECONFIG, "%s: web.public_url must be a text",
				a->core.cfg->path);
	a->public_url = url ? xstrdup(json_string_value(url)) : NULL;
	a->secure_cookies = a->public_url && strncmp(a->public_url, "https://", 8) == 0;
	return make_upload_dir(a, d);
}

static void web_app_stop(web_app *a)
{
	if (a->upload_dir)
		dir_remove(a->upload_dir);
	free(a->upload_dir);
	free(a->public_url);
	app_stop(&a->core);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'}, {"listen", required_argument, NULL, 'l'},
		{"routes", no_argument, NULL, 'r'},       {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
	web_app a = {0};
	web_server s = {0};
	const char *listen = NULL;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	log_init("dti-web");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:l:hV", opts, NULL)) != -1) {
		if (c == 'c')
			a.core.config_path = optarg;
		else if (c == 'l')
			listen = optarg;
		else if (c == 'r') {
			web_routes_print(stdout);
			return EXIT_OK;
		} else if (c == 'h') {
			help_print(stdout, "dti-web");
			return EXIT_OK;
		} else if (c == 'V') {
			printf("dti-web %s\n", DTI_VERSION);
			return EXIT_OK;
		} else
			return usage("unknown option or missing value");
	}
	if (optind < argc)
		return usage("takes no arguments");
	rc = web_app_start(&a, &d);
	if (!rc)
		rc = web_server_configure(&s, &a, listen, &d);
	if (!rc)
		rc = web_server_run(&s, &d);
	if (rc) {
		log_error("%s", d.msg);
		code = rc == DTI_EUSAGE ? EXIT_USAGE : dti_exit_code(rc, PROGRAM_DTI);
	}
	web_app_stop(&a);
	return code;
}
