#include "cli.h"

#include <stdio.h>

#include "log.h"
#include "units.h"

int exit_for(dti_err e)
{
	return (int)dti_exit_code(e, PROGRAM_DTI);
}

int fail(dti_err e, const dti_diag *d)
{
	log_error("%s", d->msg);
	return exit_for(e);
}

int usage_error(const char *msg)
{
	log_error("%s", msg);
	fputs("try 'dti --help'\n", stderr);
	return EXIT_USAGE;
}

static int open_config_framework(app *a)
{
	dti_diag d;
	dti_err rc = config_load(a->config_path, &a->cfg, &d);

	if (!rc && !a->year)
		a->year = a->cfg->year;
	if (!rc)
		rc = framework_load(a->cfg->framework, &a->fw, &d);
	return rc ? fail(rc, &d) : EXIT_OK;
}

static const char *db_path(const app *a)
{
	return a->db_path ? a->db_path : a->cfg->database;
}

/* The database read-write: migrated, framework and communes stored. */
static int open_writer(app *a)
{
	dti_diag d;
	dti_err rc;
	units *u = NULL;

	rc = staging_open(db_path(a), &a->st, &d);
	if (rc)
		return fail(rc, &d);
	rc = staging_sync_framework(a->st, a->fw, &d);
	if (!rc)
		rc = units_load(a->cfg->admin_units, &u, &d);
	if (!rc)
		rc = staging_seed_communes(a->st, &a->cfg->communes, u, &d);
	units_free(u);
	if (rc)
		return fail(rc, &d);
	return EXIT_OK;
}

/* Loads configuration, framework and database; seeds communes on first use. */
int app_open(app *a)
{
	int code = open_config_framework(a);

	return code ? code : open_writer(a);
}

int app_open_reader(app *a)
{
	dti_diag d;
	dti_err rc;
	int code = open_config_framework(a);

	if (code)
		return code;
	rc = staging_open_readonly(db_path(a), &a->st, &d);
	if (rc == DTI_ENOTFOUND)
		return open_writer(a); /* first use: create and migrate once */
	return rc ? fail(rc, &d) : EXIT_OK;
}

int app_open_config(app *a)
{
	dti_diag d;
	dti_err rc = config_load(a->config_path, &a->cfg, &d);

	if (rc)
		return fail(rc, &d);
	if (!a->year)
		a->year = a->cfg->year;
	return EXIT_OK;
}

void app_close(app *a)
{
	staging_close(a->st);
	framework_free(a->fw);
	config_free(a->cfg);
}

