#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "editions.h"
#include "util.h"

/* The build tree's own configuration, for a program run from the tree:
 * the program is <tree>/bin/NAME and <tree>/config/dti.json exists.  An
 * installed program (/usr/bin/dti) has no config/ beside its bin/.  Never
 * the current folder: a program run inside some other tree must not pick
 * up that tree's configuration. */
static const char *build_tree_config(void)
{
	static char path[4096];
	char exe[4096];
	char *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0'; /* exe: the program's folder */
	slash = strrchr(exe, '/');
	if (!slash || strcmp(slash, "/bin") != 0)
		return NULL;
	*slash = '\0'; /* exe: the tree */
	if (snprintf(path, sizeof path, "%s/config/dti.json", exe) >= (int)sizeof path)
		return NULL;
	return access(path, R_OK) == 0 ? path : NULL;
}

const char *config_default_path(void)
{
	const char *env = getenv("DTI_CONFIG");
	const char *tree;

	if (env && *env)
		return env;
	tree = build_tree_config();
	return tree ? tree : "/etc/dti/dti.json";
}

char *config_path(const config *c, json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s && *s ? path_relative_to(c->path, s) : NULL;
}

void config_free(config *c)
{
	if (!c)
		return;
	json_decref(c->root);
	free(c->path);
	free(c->name);
	free(c->database);
	free(c->output_dir);
	free(c->framework);
	free(c->admin_units);
	free(c->log_file);
	commune_list_free(&c->communes);
	units_free(c->units_cache);
	free(c);
}

static void problems_to_diag(dti_problems *p, dti_diag *d)
{
	strbuf sb;

	sb_init(&sb, sizeof d->msg - 1);
	for (size_t i = 0; i < p->stored; i++)
		if (sb_appendf(&sb, "%s%s", i ? "\n" : "", p->items[i]))
			break;
	if (p->count > p->stored)
		sb_appendf(&sb, "\n(and %zu more)", p->count - p->stored);
	diag_set(d, DTI_ECONFIG, "%s", sb.data ? sb.data : "invalid commune list");
	sb_free(&sb);
}

char *config_data_file(const config *c, const char *name)
{
	char *here = path_relative_to(c->path, name);
	char *beside;

	if (access(here, F_OK) == 0 || !c->admin_units || strchr(name, '/'))
		return here;
	beside = path_relative_to(c->admin_units, name);
	if (access(beside, F_OK) != 0) {
		free(beside);
		return here;
	}
	free(here);
	return beside;
}

dti_err config_units(config *c, const units **out, dti_diag *d)
{
	const struct unit_edition *file_edition;
	dti_err rc = DTI_EOK;

	*out = NULL;
	if (!c->units_cache)
		rc = units_load(c->admin_units, &c->units_cache, d);
	if (rc)
		return rc;
	file_edition = units_edition(c->units_cache);
	if (c->edition && c->edition != file_edition) {
		rc = diag_set(d, DTI_ECONFIG,
			      "%s: \"unit_list\" is %s but '%s' is the unit list %s", c->path,
			      c->edition->id, c->admin_units, file_edition->id);
		units_free(c->units_cache);
		c->units_cache = NULL;
		return rc;
	}
	c->edition = file_edition;
	*out = c->units_cache;
	return DTI_EOK;
}

dti_err config_edition(config *c, const struct unit_edition **out, dti_diag *d)
{
	const units *u;
	dti_err rc = DTI_EOK;

	if (!c->edition)
		rc = config_units(c, &u, d);
	*out = c->edition;
	return rc;
}

/* Which unit list: "unit_list" (an edition id, its file found by
 * config_data_file: beside the configuration, else beside "admin_units";
 * or a file), else "admin_units" (a file), else the assessment year's
 * edition. */
static dti_err resolve_unit_list(config *c, dti_diag *d)
{
	json_t *v = json_object_get(c->root, "unit_list");
	const char *list = json_string_value(v);
	char *file;

	if (v && (!list || !*list))
		return diag_set(
			d, DTI_ECONFIG,
			"%s: \"unit_list\" must be an edition such as \"2026-04-30\" or a file",
			c->path);
	c->admin_units = config_path(c, c->root, "admin_units");
	c->edition = list ? edition_find(list) : NULL;
	if (list && !c->edition) {
		free(c->admin_units);
		c->admin_units = config_path(c, c->root, "unit_list");
		return DTI_EOK; /* its edition: the file's (config_units) */
	}
	if (!c->edition && c->admin_units) {
		/* A file named as an edition is that edition; another is read. */
		if (edition_for_file(c->admin_units, true) ==
		    edition_for_file(c->admin_units, false))
			c->edition = edition_for_file(c->admin_units, true);
		return DTI_EOK;
	}
	if (!c->edition)
		c->edition = edition_for_year(c->year);
	file = config_data_file(c, c->edition->file);
	free(c->admin_units);
	c->admin_units = file;
	return DTI_EOK;
}

/* True when every entry of l is a unit of the list of edition e with its
 * name (the list read from the deployment's copy; false when absent). */
static bool keyed_to(const config *c, const commune_list *l, const struct unit_edition *e)
{
	char *path = config_data_file(c, e->file);
	commune_list copy = {0};
	dti_problems p = {0};
	units *u = NULL;
	dti_diag d;
	bool yes = false;

	if (units_load(path, &u, &d) == DTI_EOK) {
		for (size_t i = 0; i < l->count; i++)
			commune_list_add(&copy, l->items[i].code, l->items[i].name);
		yes = commune_list_check(&copy, u, "", &p) == DTI_EOK;
	}
	units_free(u);
	commune_list_free(&copy);
	problems_free(&p);
	free(path);
	return yes;
}

dti_err config_check_communes(config *c, commune_list *l, const char *where, dti_problems *p)
{
	const struct unit_edition *other[2];
	const units *u = NULL;
	dti_diag d;
	size_t before = p->count;

	if (config_units(c, &u, &d)) {
		problems_add(p, "%s", d.msg);
		return DTI_EINVALID;
	}
	if (commune_list_check(l, u, where, p) == DTI_EOK)
		return DTI_EOK;
	other[0] = c->edition->predecessor ? edition_find(c->edition->predecessor) : NULL;
	other[1] = edition_successor(c->edition);
	for (int i = 0; i < 2; i++)
		if (other[i] && keyed_to(c, l, other[i])) {
			problems_add(
				p,
				"%s: the codes and names are those of the unit list %s, not of "
				"the unit list %s that '%s' uses",
				where, other[i]->id, c->edition->id, c->path);
			break;
		}
	return p->count > before ? DTI_EINVALID : DTI_EOK;
}

/* The area assessed: "area" (or its older name "district"), an object
 * with "province_code" and, for a list with districts only, "district_code".
 * NULL with *key NULL when neither is given.  The shape is checked here;
 * whether districts exist needs the edition (area_check_edition). */
static dti_err area_block(const config *c, json_t **out, const char **key, dti_diag *d)
{
	json_t *area = json_object_get(c->root, "area");
	json_t *district = json_object_get(c->root, "district");
	json_t *v;
	const char *k;

	*out = NULL;
	*key = NULL;
	if (area && district)
		return diag_set(d, DTI_ECONFIG,
				"%s: give \"area\" or its older name \"district\", not both",
				c->path);
	*out = area ? area : district;
	*key = area ? "area" : district ? "district" : NULL;
	if (!*out)
		return DTI_EOK;
	if (!json_is_object(*out))
		return diag_set(d, DTI_ECONFIG,
				"%s: \"%s\" must be an object such as {\"province_code\": \"33\"}",
				c->path, *key);
	json_object_foreach(*out, k, v)
	{
		if (strcmp(k, "province_code") != 0 && strcmp(k, "district_code") != 0)
			return diag_set(d, DTI_ECONFIG,
					"%s: \"%s\": unknown key \"%s\" (\"province_code\" and, "
					"for the unit list 2025-03-01, \"district_code\")",
					c->path, *key, k);
		if (!json_is_string(v) || !*json_string_value(v))
			return diag_set(d, DTI_ECONFIG,
					"%s: \"%s\".%s must be a code such as \"%s\"", c->path,
					*key, k, strcmp(k, "province_code") == 0 ? "33" : "325");
	}
	if (!json_object_get(*out, "province_code"))
		return diag_set(d, DTI_ECONFIG, "%s: \"%s\" needs \"province_code\"", c->path,
				*key);
	return DTI_EOK;
}

/* Since 1 July 2025 the province assesses its communes: a list without
 * districts refuses a district_code, naming the edition. */
static dti_err area_check_edition(const config *c, dti_diag *d)
{
	json_t *area;
	const char *key, *dist;
	dti_err rc = area_block(c, &area, &key, d);

	if (rc || !area || !c->edition || c->edition->districts)
		return rc;
	dist = json_string_value(json_object_get(area, "district_code"));
	if (!dist)
		return DTI_EOK;
	return diag_set(d, DTI_ECONFIG,
			"%s: \"%s\".district_code %s: districts no longer exist in the unit list "
			"%s (in force from %s); the province assesses its communes: "
			"\"area\": {\"province_code\": \"%s\"}",
			c->path, key, dist, c->edition->id, c->edition->valid_from,
			json_string_value(json_object_get(area, "province_code")));
}

static dti_err load_communes(config *c, dti_diag *d)
{
	json_t *list = json_object_get(c->root, "communes");
	json_t *area = NULL;
	const char *area_key = NULL;
	char *csv = config_path(c, c->root, "communes_csv");
	const units *u = NULL;
	dti_problems p = {0};
	dti_err rc;

	rc = config_units(c, &u, d);
	if (!rc)
		rc = area_check_edition(c, d);
	if (!rc)
		rc = area_block(c, &area, &area_key, d);
	if (rc)
		goto out;
	/* One way to say the communes: a list wins over an area silently
	 * otherwise, and the report would be titled for an area it is not. */
	if (area && (list || csv)) {
		rc = diag_set(d, DTI_ECONFIG,
			      "%s: give the communes as \"%s\" or as \"%s\", not both", c->path,
			      list ? "communes" : "communes_csv", area_key);
		goto out;
	}
	if (json_is_array(list)) {
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e)
		{
			const char *code = json_string_value(json_object_get(e, "code"));
			const char *name = json_string_value(json_object_get(e, "name"));
			if (!code) {
				problems_add(&p, "%s: communes[%zu] has no \"code\" string",
					     c->path, i);
				continue;
			}
			commune_list_add(&c->communes, code, name);
		}
	} else if (csv) {
		rc = commune_list_read_csv(csv, &c->communes, &p, d);
		if (rc && !p.count)
			goto out;
	} else if (area) {
		const char *prov = json_string_value(json_object_get(area, "province_code"));
		const char *dist = json_string_value(json_object_get(area, "district_code"));
		commune_list_from_units(&c->communes, u, prov, dist);
		if (!c->communes.count)
			problems_add(
				&p,
				"%s: \"%s\": no unit of province %s%s%s in the national list %s",
				c->path, area_key, prov, dist ? " district " : "", dist ? dist : "",
				c->edition->id);
	}
	config_check_communes(c, &c->communes, csv ? csv : c->path, &p);
	if (p.count) {
		problems_to_diag(&p, d);
		rc = DTI_ECONFIG;
	}
out:
	free(csv);
	problems_free(&p);
	return rc;
}

dti_err config_communes(config *c, const commune_list **out, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	if (!c->communes_ready) {
		rc = load_communes(c, d);
		if (rc)
			commune_list_free(&c->communes);
		c->communes_ready = !rc;
	}
	*out = &c->communes;
	return rc;
}

dti_err config_load(const char *path, config **out, dti_diag *d)
{
	json_error_t jerr;
	config *c = xcalloc(1, sizeof *c);
	json_t *year, *lang;
	const char *name;
	dti_err rc = DTI_EOK;

	*out = NULL;
	c->path = xstrdup(path);
	c->root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!c->root) {
		rc = diag_set(d, DTI_ECONFIG, "%s:%d:%d: %s", path, jerr.line, jerr.column,
			      jerr.text);
		goto out;
	}
	if (!json_is_object(c->root)) {
		rc = diag_set(d, DTI_ECONFIG, "%s: the configuration must be a JSON object", path);
		goto out;
	}
	name = json_string_value(json_object_get(c->root, "name"));
	c->name = xstrdup(name ? name : "");
	year = json_object_get(c->root, "year");
	if (!json_is_integer(year) || !year_valid(json_integer_value(year))) {
		rc = diag_set(d, DTI_ECONFIG, "%s: \"year\" must be a year such as 2024", path);
		goto out;
	}
	c->year = (int)json_integer_value(year);
	lang = json_object_get(c->root, "language");
	c->language = LANG_VI;
	if (lang && !msg_lang_parse(json_string_value(lang), &c->language)) {
		rc = diag_set(d, DTI_ECONFIG, "%s: \"language\" must be \"vi\" or \"en\"", path);
		goto out;
	}
	c->database = config_path(c, c->root, "database");
	c->output_dir = config_path(c, c->root, "output_dir");
	c->framework = config_path(c, c->root, "framework");
	c->log_file = config_path(c, c->root, "log_file");
	if (!c->database || !c->output_dir || !c->framework) {
		rc = diag_set(d, DTI_ECONFIG,
			      "%s: \"database\", \"output_dir\" and \"framework\" are required",
			      path);
		goto out;
	}
	rc = resolve_unit_list(c, d);
	if (!rc)
		rc = area_check_edition(
			c, d); /* the shape always, districts when the edition is known */
out:
	if (rc) {
		config_free(c);
		return rc;
	}
	*out = c;
	return DTI_EOK;
}
