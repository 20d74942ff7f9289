/* config.h — the deployment's configuration file (JSON).  Paths in the file
 * are relative to the file's own folder.  See docs/administrator.md "Configuration reference". */
#ifndef DTI_CONFIG_H
#define DTI_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"
#include "msg.h"
#include "units.h"

typedef struct config {
	char *path;       /* the file read */
	json_t *root;     /* whole document, for modules with their own sections */
	char *name;       /* the district or set assessed, for titles */
	int year;         /* assessment year */
	char *database;   /* staging database file */
	char *output_dir; /* exports and report */
	char *framework;  /* framework file */
	char *admin_units; /* the national unit list's file ("unit_list", "admin_units" or the year's) */
	const struct unit_edition
		*edition;  /* its edition; NULL until the file's layout says (config_edition) */
	char *log_file;    /* may be NULL */
	msg_lang language; /* of what commune officers read ("language": vi, the default, or en) */
	commune_list communes; /* empty until config_communes resolved it */
	/* Private to config.c: what config_units and config_communes read. */
	units *units_cache;
	bool communes_ready;
} config;

/* Where the configuration is looked for when no --config is given:
 * $DTI_CONFIG, else the build tree's config/dti.json for a program run
 * from a build tree (<tree>/bin/NAME), else /etc/dti/dti.json.  Never the
 * current folder.  The result is static or the environment's. */
const char *config_default_path(void);

/* Loads and checks a configuration file: JSON, the year, the required
 * files.  The national unit list is not read (config_units), nor the
 * commune list resolved (config_communes); the sections of other modules
 * are checked by the start-up (lib/app.h).  On success the caller owns *out
 * and frees it with config_free; on error *out is NULL and d says why. */
dti_err config_load(const char *path, config **out, dti_diag *d);
void config_free(config *c);

/* The edition of the unit list the deployment uses (README "Unit lists"):
 * "unit_list" (an edition id such as "2026-04-30", or a file), else
 * "admin_units" (a file), else the year's (edition_for_year).  A file not
 * named like an edition is read to tell it by its layout.  *out is static;
 * DTI_ECONFIG when "unit_list" and "admin_units" disagree. */
dti_err config_edition(config *c, const struct unit_edition **out, dti_diag *d);

/* The file `name` (a unit list or conversion table shipped with dti)
 * where the deployment keeps them: beside the configuration file, else
 * beside its "admin_units".  Caller frees. */
char *config_data_file(const config *c, const char *name);

/* The national administrative-unit list (config_edition), read on the first
 * call and kept by c: the result is borrowed, valid until config_free.  On
 * error (the file unreadable or malformed) *out is NULL, nothing is kept
 * and a later call reads the file again. */
dti_err config_units(config *c, const units **out, dti_diag *d);

/* The communes the configuration assesses ("communes", "communes_csv" or
 * the area: "area", or its older name "district", {"province_code": "33"}
 * for a whole province, with "district_code" for a district of the list
 * 2025-03-01 only — a list without districts refuses one, naming the
 * edition; config_load checks the area's shape), checked against the national list (config_units; every bad
 * code or name is listed in d, one per line, DTI_ECONFIG), resolved on the
 * first call into c->communes.  The result is borrowed (it is
 * &c->communes), valid until config_free. */
dti_err config_communes(config *c, const commune_list **out, dti_diag *d);

/* commune_list_check against the deployment's list (config_units); when
 * refused, and the entries are all units of another edition's list, one
 * more problem names both lists.  Problems appended to p; DTI_EINVALID
 * when any. */
dti_err config_check_communes(config *c, commune_list *l, const char *where, dti_problems *p);

/* A path from the configuration's section object, resolved relative to the
 * configuration file; NULL when absent.  Caller frees. */
char *config_path(const config *c, json_t *obj, const char *key);

#endif
