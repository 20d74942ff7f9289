/* config.h — the deployment's configuration file (JSON).  Paths in the file
 * are relative to the file's own folder.  See README "Configuration". */
#ifndef DTI_CONFIG_H
#define DTI_CONFIG_H

#include <jansson.h>

#include "err.h"
#include "units.h"

typedef struct config {
	char *path;          /* the file read */
	json_t *root;        /* whole document, for modules with their own sections */
	char *name;          /* the district or set assessed, for titles */
	int year;            /* assessment year */
	char *database;      /* staging database file */
	char *output_dir;    /* exports and report */
	char *framework;     /* framework file */
	char *admin_units;   /* national administrative-unit list */
	char *log_file;      /* may be NULL */
	commune_list communes; /* checked against the national list */
} config;

/* Where the configuration is looked for when no --config is given:
 * $DTI_CONFIG, then ./config/dti.json, then config/dti.json beside the
 * program's bin/ folder (a build tree), then /etc/dti/dti.json. */
const char *config_default_path(void);

/* Loads and checks a configuration, including the commune list against the
 * national list (every bad code or name is listed in d, one per line).
 * Caller frees with config_free. */
dti_err config_load(const char *path, config **out, dti_diag *d);
void config_free(config *c);

/* A path from the configuration's section object, resolved relative to the
 * configuration file; NULL when absent.  Caller frees. */
char *config_path(const config *c, json_t *obj, const char *key);

#endif
