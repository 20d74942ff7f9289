#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collector.h"
#include "editions.h"
#include "log.h"
#include "store_commune.h"
#include "strmap.h"
#include "units.h"

/* The configuration, validated whole.  A section is checked here when the
 * core knows it; the scorer's sections are checked by their commands. */
static dti_err load_config(app *a, dti_diag *d)
{
	dti_err rc;

	if (!a->config_path)
		a->config_path = config_default_path();
	rc = config_load(a->config_path, &a->cfg, d);

	if (!rc)
		rc = collector_check_sources(a->cfg, d);
	if (!rc && !a->year)
		a->year = a->cfg->year;
	return rc;
}

static const char *database_path(const app *a)
{
	return a->db_path ? a->db_path : a->cfg->database;
}

/* The configured communes into a database that has none yet; the unit
 * list is read only then.  staging_seed_communes counts again inside its
 * transaction, so two first runs at once seed once. */
static dti_err seed_communes(app *a, dti_diag *d)
{
	const commune_list *l = NULL;
	const units *u = NULL;
	int64_t have = 0;
	dti_err rc = store_commune_count(a->st, &have, d);

	if (rc || have > 0)
		return rc ? DTI_EDB : DTI_EOK;
	rc = config_communes(a->cfg, &l, d);
	if (!rc)
		rc = config_units(a->cfg, &u, d);
	if (rc)
		return rc;
	rc = staging_seed_communes(a->st, l, u, d);
	return rc ? DTI_EDB : DTI_EOK;
}

/* A framework that scores some indicators for some unit types only needs
 * the type of every commune assessed: communes stored before the type was
 * recorded get it from the unit list, read only then. */
static dti_err fill_unit_types(app *a, dti_diag *d)
{
	const units *u = NULL;
	int64_t untyped = 0;
	dti_err rc;

	if (!a->fw || !a->fw->by_unit_type)
		return DTI_EOK;
	rc = store_commune_untyped(a->st, &untyped, d);
	if (rc || untyped == 0)
		return rc ? DTI_EDB : DTI_EOK;
	rc = config_units(a->cfg, &u, d);
	if (rc)
		return rc;
	rc = store_commune_fill_unit_types(a->st, u, d);
	return rc ? DTI_EDB : DTI_EOK;
}

/* The database's unit list against the configuration's: one database holds
 * the codes of one edition (a code means another unit in another), so a
 * database keyed to another list is refused, naming both.  A writer
 * records the configuration's on first use; a reader only compares. */
static dti_err check_unit_list(app *a, bool writer, dti_diag *d)
{
	const unit_edition *want = NULL;
	char *have = NULL;
	dti_err rc = config_edition(a->cfg, &want, d);

	if (rc)
		return rc;
	rc = writer ? store_commune_record_unit_list(a->st, want->id, &have, d)
		    : store_commune_unit_list(a->st, &have, d);
	if (rc)
		rc = DTI_EDB;
	else if (have && strcmp(have, want->id) != 0)
		rc = diag_set(
			d, DTI_ECONFIG,
			"database '%s' holds codes of the unit list %s but '%s' uses the unit "
			"list %s: a code means another unit in the other list; give this "
			"configuration a database of its own",
			database_path(a), have, a->cfg->path, want->id);
	free(have);
	return rc;
}

/* Read-write: created or migrated, the framework synced, communes seeded.
 * A database about to be created will need the communes: they are checked
 * first, so that a refused list leaves no database behind. */
static dti_err open_writer(app *a, dti_diag *d)
{
	const commune_list *l;
	dti_err rc;

	if (access(database_path(a), F_OK) != 0) {
		rc = config_communes(a->cfg, &l, d);
		if (rc)
			return rc;
	}
	rc = staging_open(database_path(a), &a->st, d);

	if (!rc)
		rc = staging_sync_framework(a->st, a->fw, d);
	if (rc)
		return rc == DTI_ESCHEMA ? rc : DTI_EDB;
	rc = check_unit_list(a, true, d);
	if (!rc)
		rc = seed_communes(a, d);
	return rc ? rc : fill_unit_types(a, d);
}

/* How many codes of `from` are not in `in`; the first few, comma-separated,
 * into buf (cap > 0). */
static size_t codes_missing(const commune_list *from, const commune_list *in, char *buf, size_t cap)
{
	enum { SHOWN = 5 };
	strmap codes;
	size_t n = 0, len = 0;

	strmap_init(&codes);
	for (size_t i = 0; i < in->count; i++)
		strmap_put(&codes, in->items[i].code, 0);
	buf[0] = '\0';
	for (size_t i = 0; i < from->count; i++) {
		if (strmap_get(&codes, from->items[i].code, NULL))
			continue;
		if (n <= SHOWN) {
			int w = snprintf(buf + len, cap - len, "%s%s", n ? ", " : "",
					 n < SHOWN ? from->items[i].code : "...");
			len = w < 0 || (size_t)w >= cap - len ? cap - 1 : len + (size_t)w;
		}
		n++;
	}
	strmap_free(&codes);
	return n;
}

/* The database's communes against the configuration's (APP_SAME_COMMUNES).
 * A set the operator loaded from a file (`dti communes load FILE`) is the
 * operator's choice and is not compared; the configuration's set is, so a
 * changed "district" or list stops scoring and publishing until `dti
 * communes load` makes it the one assessed.  DTI_ECONFIG naming the
 * difference (DTI_EDB when the database cannot be read). */
static dti_err check_communes(app *a, dti_diag *d)
{
	const commune_list *want = NULL;
	commune_list have = {0};
	char *file = NULL, added[128], removed[128];
	size_t n_added, n_removed;
	dti_err rc = store_commune_file(a->st, &file, d);

	if (rc || file) {
		free(file);
		return rc ? DTI_EDB : DTI_EOK;
	}
	rc = config_communes(a->cfg, &want, d);
	if (rc)
		return rc;
	if (staging_active_communes(a->st, &have, d))
		return DTI_EDB;
	n_added = codes_missing(want, &have, added, sizeof added);
	n_removed = codes_missing(&have, want, removed, sizeof removed);
	commune_list_free(&have);
	if (n_added == 0 && n_removed == 0)
		return DTI_EOK;
	return diag_set(d, DTI_ECONFIG,
			"'%s' lists other communes than database '%s' assesses: %zu added%s%s%s, "
			"%zu removed%s%s%s; run 'dti communes load' to assess the "
			"configuration's communes",
			a->cfg->path, database_path(a), n_added, n_added ? " (" : "", added,
			n_added ? ")" : "", n_removed, n_removed ? " (" : "", removed,
			n_removed ? ")" : "");
}

dti_err app_open_database(app *a, bool read_only, dti_diag *d)
{
	dti_err rc;

	if (!read_only)
		return open_writer(a, d);
	/* A reader creates and migrates nothing: a missing or older database
	 * is an error that names the command that sets it up. */
	rc = staging_open_readonly(database_path(a), &a->st, d);
	if (rc)
		return rc == DTI_ESCHEMA ? rc : DTI_EDB;
	return check_unit_list(a, false, d);
}

dti_err app_start(app *a, unsigned needs, dti_diag *d)
{
	const commune_list *l;
	dti_err rc = load_config(a, d);

	if (!rc && (needs & APP_FRAMEWORK))
		rc = framework_load(a->cfg->framework, &a->fw, d);
	if (!rc && (needs & APP_COMMUNES))
		rc = config_communes(a->cfg, &l, d);
	if (!rc && (needs & APP_DATABASE) == APP_DATABASE)
		rc = app_open_database(a, (needs & APP_READ_ONLY) == APP_READ_ONLY, d);
	if (!rc && (needs & APP_SAME_COMMUNES) == APP_SAME_COMMUNES)
		rc = check_communes(a, d);
	else if (!rc && (needs & APP_WARN_COMMUNES) == APP_WARN_COMMUNES) {
		dti_diag w;
		if (check_communes(a, &w))
			log_warn("%s", w.msg);
	}
	return rc;
}

void app_stop(app *a)
{
	staging_close(a->st);
	framework_free(a->fw);
	config_free(a->cfg);
	a->st = NULL;
	a->fw = NULL;
	a->cfg = NULL;
}
