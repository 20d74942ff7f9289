#include "crosswalk.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "editions.h"
#include "strmap.h"
#include "text.h"
#include "util.h"

struct crosswalk {
	crosswalk_row *rows;
	size_t count, cap;
};

enum {
	X_NEW_PROVINCE,
	X_NEW_CODE,
	X_NEW_NAME,
	X_OLD_PROVINCE,
	X_OLD_DISTRICT,
	X_OLD_DISTRICT_NAME,
	X_OLD_CODE,
	X_OLD_NAME,
	X_CHANGE,
	X_COLS
};

static const char *const table_cols[X_COLS] = {
	"new_province_code", "new_commune_code",  "new_commune_name",
	"old_province_code", "old_district_code", "old_district_name",
	"old_commune_code",  "old_commune_name",  "change"};

/* The columns of a corrections file: the row as it should be. */
enum { C_OLD_CODE, C_OLD_NAME, C_NEW_CODE, C_NEW_NAME, C_CHANGE, C_REASON, C_COLS };

static const char *const correction_cols[C_COLS] = {"old_commune_code", "old_commune_name",
						    "new_commune_code", "new_commune_name",
						    "change",           "reason"};

static long column_of(csv_reader *r, const char *name)
{
	for (size_t i = 0; i < csv_nfields(r); i++)
		if (strcmp(csv_field(r, i), name) == 0)
			return (long)i;
	return -1;
}

/* Opens path and reads its header's columns into idx: DTI_EIO when it
 * cannot be opened, DTI_EPARSE naming the first missing column.  *f and
 * *r are set whatever the return; table_close closes them. */
static dti_err table_open(const char *path, const char *const *names, int n, long *idx, FILE **f,
			  csv_reader **r, dti_diag *d)
{
	int got;

	*r = NULL;
	*f = fopen(path, "rb");
	if (!*f)
		return diag_set(d, DTI_EIO, "cannot open '%s': %s", path, strerror(errno));
	*r = csv_open(*f, path, ',');
	got = csv_next(*r, d);
	if (got <= 0)
		return got < 0 ? DTI_EPARSE : diag_set(d, DTI_EPARSE, "%s: empty file", path);
	for (int i = 0; i < n; i++) {
		idx[i] = column_of(*r, names[i]);
		if (idx[i] < 0)
			return diag_set(d, DTI_EPARSE, "%s: no column '%s'", path, names[i]);
	}
	return DTI_EOK;
}

/* Closes what table_open opened; rc, or DTI_EPARSE when the rows ended in
 * a read error (got < 0). */
static dti_err table_close(FILE *f, csv_reader *r, int got, dti_err rc)
{
	if (!rc && got < 0)
		rc = DTI_EPARSE;
	csv_close(r);
	if (f)
		fclose(f);
	return rc;
}

/* A field as one line of checked text (the table's change words may run
 * over lines: they are joined); NULL with why set when it is not text. */
static char *field_line(csv_reader *r, long idx, char why[TEXT_WHY])
{
	char *v = xstrdup(csv_field(r, (size_t)idx));

	for (char *c = v; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	text_trim(v);
	if (!text_check(v, strlen(v), TEXT_LINE, why)) {
		free(v);
		return NULL;
	}
	return v;
}

static crosswalk_row *add_row(crosswalk *x)
{
	if (x->count == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 1024;
		x->rows = xrealloc(x->rows, x->cap * sizeof *x->rows);
	}
	memset(&x->rows[x->count], 0, sizeof x->rows[0]);
	return &x->rows[x->count++];
}

static char **row_field(crosswalk_row *w, int col)
{
	char **f[X_COLS] = {&w->new_province, &w->new_code,     &w->new_name,
			    &w->old_province, &w->old_district, &w->old_district_name,
			    &w->old_code,     &w->old_name,     &w->change};
	return f[col];
}

static dti_err load_table(const char *path, crosswalk *x, dti_diag *d)
{
	FILE *f;
	csv_reader *r;
	long idx[X_COLS];
	int got = 0;
	dti_err rc = table_open(path, table_cols, X_COLS, idx, &f, &r, d);

	while (!rc && (got = csv_next(r, d)) > 0) {
		crosswalk_row *w = add_row(x);
		char why[TEXT_WHY];
		w->line = csv_line(r);
		for (int i = 0; !rc && i < X_COLS; i++) {
			*row_field(w, i) = field_line(r, idx[i], why);
			if (!*row_field(w, i))
				rc = diag_set(d, DTI_EINVALID, "%s:%ld: column '%s': %s", path,
					      w->line, table_cols[i], why);
		}
	}
	return table_close(f, r, got, rc);
}

void crosswalk_free(crosswalk *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->count; i++) {
		for (int c = 0; c < X_COLS; c++)
			free(*row_field(&x->rows[i], c));
		free(x->rows[i].corrected);
		free(x->rows[i].added_by);
	}
	free(x->rows);
	free(x);
}

void crosswalk_row_key(const crosswalk_row *w, const char *side, char out[64])
{
	snprintf(out, 64, "L%ld:%s", w->line, side);
}

bool crosswalk_side_error(const crosswalk_report *rep, const crosswalk_row *w, const char *side)
{
	char key[64];

	crosswalk_row_key(w, side, key);
	for (size_t i = 0; i < rep->n; i++)
		if (rep->items[i].level == CROSSWALK_ERROR && !rep->items[i].corrected &&
		    strcmp(rep->items[i].key, key) == 0)
			return true;
	return false;
}

void crosswalk_row_where(const crosswalk_row *w, char out[600])
{
	if (w->added_by)
		snprintf(out, 600, "the row added by %s", w->added_by);
	else
		snprintf(out, 600, "line %ld", w->line);
}

size_t crosswalk_count(const crosswalk *x)
{
	return x->count;
}

const crosswalk_row *crosswalk_at(const crosswalk *x, size_t i)
{
	return i < x->count ? &x->rows[i] : NULL;
}

static void report_add(crosswalk_report *rep, crosswalk_level level, const char *key,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report_add(crosswalk_report *rep, crosswalk_level level, const char *key,
		       const char *fmt, ...)
{
	crosswalk_finding *f;
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	rep->items = xrealloc(rep->items, (rep->n + 1) * sizeof *rep->items);
	f = &rep->items[rep->n++];
	f->level = level;
	f->key = xstrdup(key);
	f->text = xstrdup(text);
	f->corrected = false;
	if (level == CROSSWALK_NOTE)
		rep->notes++;
	else if (level == CROSSWALK_ERROR)
		rep->errors++;
	else
		rep->applied++;
}

void crosswalk_report_free(crosswalk_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->items[i].key);
		free(rep->items[i].text);
	}
	free(rep->items);
	memset(rep, 0, sizeof *rep);
}

/* One side of a row (old or new) against its list.  scope_province and
 * scope_district bound the search for the unit the row names (the
 * district for the old list, the province for the new). */
typedef struct side {
	const char *what; /* "old" or "new" */
	const char *code, *name;
	const char *province, *district;
	const units *list;
} side;

static void check_side(const side *s, const crosswalk_row *w, crosswalk_report *rep)
{
	const char *list_id = units_edition(s->list)->id;
	const admin_unit *a = units_find(s->list, s->code);
	const admin_unit *named;
	char key[64], line[600];

	crosswalk_row_key(w, s->what, key);
	crosswalk_row_where(w, line);
	if (a && strcmp(a->name, s->name) == 0)
		return;
	if (a && text_same_name(a->name, s->name)) {
		report_add(rep, CROSSWALK_NOTE, key,
			   "%s: %s unit %s is '%s' in the unit list %s, the table writes "
			   "'%s' (accents)",
			   line, s->what, s->code, a->name, list_id, s->name);
		return;
	}
	named = units_find_named(s->list, s->province, s->district, s->name);
	if (!a && named)
		report_add(rep, CROSSWALK_ERROR, key,
			   "%s: %s code %s ('%s') is not in the unit list %s; '%s' is %s "
			   "there",
			   line, s->what, s->code, s->name, list_id, named->name, named->code);
	else if (!a)
		report_add(rep, CROSSWALK_ERROR, key,
			   "%s: %s code %s ('%s') is not in the unit list %s", line, s->what,
			   s->code, s->name, list_id);
	else if (named && strcmp(named->code, s->code) != 0)
		report_add(rep, CROSSWALK_ERROR, key,
			   "%s: %s code %s is '%s' in the unit list %s, not '%s'; '%s' is "
			   "%s there (mistyped code?)",
			   line, s->what, s->code, a->name, list_id, s->name, named->name,
			   named->code);
	else if (w->added_by) /* the province's own words: no spelling of the table's */
		report_add(rep, CROSSWALK_ERROR, key,
			   "%s: %s unit %s is '%s' in the unit list %s, not '%s'", line, s->what,
			   s->code, a->name, list_id, s->name);
	else
		report_add(rep, CROSSWALK_NOTE, key,
			   "%s: %s unit %s is '%s' in the unit list %s, the table writes "
			   "'%s' (spelling)",
			   line, s->what, s->code, a->name, list_id, s->name);
}

/* Every row against both lists; the new side once per new unit and name
 * as written (a new unit has a row for each of its old units, and a row a
 * correction added may name it otherwise); then the old units no row
 * names. */
static void check_rows(const crosswalk *x, const units *old, const units *new,
		       crosswalk_report *rep)
{
	strmap new_seen, old_seen;

	strmap_init(&new_seen);
	strmap_init(&old_seen);
	for (size_t i = 0; i < x->count; i++) {
		const crosswalk_row *w = &x->rows[i];
		side o = {"old", w->old_code, w->old_name, w->old_province, w->old_district, old};
		side n = {"new", w->new_code, w->new_name, w->new_province, NULL, new};
		char key[64];
		char where[600], *seen = xasprintf("%s\t%s", w->new_code, w->new_name);
		if (strmap_put(&new_seen, seen, 0))
			check_side(&n, w, rep);
		free(seen);
		if (*w->old_code) {
			strmap_put(&old_seen, w->old_code, 0);
			check_side(&o, w, rep);
			continue;
		}
		crosswalk_row_key(w, "old", key);
		crosswalk_row_where(w, where);
		report_add(rep, CROSSWALK_NOTE, key, "%s: no old code (%s%s%s): '%s'", where,
			   *w->old_name ? w->old_name : w->old_district_name,
			   *w->old_name ? ", " : "", *w->old_name ? w->old_district_name : "",
			   w->change);
	}
	for (size_t i = 0; i < units_count(old); i++) {
		const admin_unit *a = units_at(old, i);
		char key[64];
		if (strmap_get(&old_seen, a->code, NULL))
			continue;
		snprintf(key, sizeof key, "missing:%s", a->code);
		report_add(rep, CROSSWALK_ERROR, key,
			   "%s %s (%s, %s) of the unit list %s is in no row: what it became is "
			   "unknown",
			   a->code, a->name, a->district_name ? a->district_name : "",
			   a->province_name, units_edition(old)->id);
	}
	strmap_free(&new_seen);
	strmap_free(&old_seen);
}

/* Whether row w is of the correction's old unit o and goes to its new
 * unit n.  A name means a unit only where it is: the old side by name
 * within o's district (its code may be the mistyped one), the new side by
 * code or by name within n's province.  Names alone would take every
 * "Xã Tân Thành" of the country (accents and prefixes aside). */
static bool correction_row(const crosswalk_row *w, char *const *c, const admin_unit *o,
			   const admin_unit *n)
{
	bool old_side = o ? strcmp(w->old_province, o->province_code) == 0 &&
					strcmp(w->old_district,
					       o->district_code ? o->district_code : "") == 0
			  : strcmp(w->old_code, c[C_OLD_CODE]) == 0;
	bool new_side = strcmp(w->new_code, c[C_NEW_CODE]) == 0 ||
			(n && strcmp(w->new_province, n->province_code) == 0 &&
			 text_same_name(w->new_name, c[C_NEW_NAME]));

	return old_side && new_side && text_same_name(w->old_name, c[C_OLD_NAME]);
}

/* A correction replaces the rows of its old unit (by name, any accents,
 * in its district) that go to its new unit (by code, or by name in its
 * province); when there is none it is added, its province and district
 * taken from the lists. */
static void apply_one(crosswalk *x, char *const *c, const char *origin, long at, const units *old,
		      const units *new, crosswalk_report *rep)
{
	const admin_unit *o = units_find(old, c[C_OLD_CODE]);
	const admin_unit *n = units_find(new, c[C_NEW_CODE]);
	size_t hits = 0;

	for (size_t i = 0; i < x->count; i++) {
		crosswalk_row *w = &x->rows[i];
		char where[600];
		if (!correction_row(w, c, o, n))
			continue;
		crosswalk_row_where(w, where);
		report_add(rep, CROSSWALK_APPLIED, origin,
			   "%s: %s corrected: old %s '%s' -> new %s '%s' (was old %s, new %s): "
			   "%s",
			   origin, where, c[C_OLD_CODE], c[C_OLD_NAME], c[C_NEW_CODE],
			   c[C_NEW_NAME], w->old_code, w->new_code, c[C_REASON]);
		free(w->old_code);
		free(w->new_code);
		w->old_code = xstrdup(c[C_OLD_CODE]);
		w->new_code = xstrdup(c[C_NEW_CODE]);
		if (*c[C_CHANGE]) {
			free(w->change);
			w->change = xstrdup(c[C_CHANGE]);
		}
		free(w->corrected);
		w->corrected = xasprintf("%s: %s", origin, c[C_REASON]);
		hits++;
	}
	if (hits == 0) {
		crosswalk_row *w = add_row(x);
		w->line = -at;
		w->added_by = xstrdup(origin);
		w->new_province = xstrdup(n ? n->province_code : "");
		w->new_code = xstrdup(c[C_NEW_CODE]);
		w->new_name = xstrdup(c[C_NEW_NAME]);
		w->old_province = xstrdup(o ? o->province_code : "");
		w->old_district = xstrdup(o && o->district_code ? o->district_code : "");
		w->old_district_name = xstrdup(o && o->district_name ? o->district_name : "");
		w->old_code = xstrdup(c[C_OLD_CODE]);
		w->old_name = xstrdup(c[C_OLD_NAME]);
		w->change = xstrdup(c[C_CHANGE]);
		w->corrected = xasprintf("%s: %s", origin, c[C_REASON]);
		report_add(rep, CROSSWALK_APPLIED, origin,
			   "%s: row added: old %s '%s' -> new %s '%s' (%s): %s", origin,
			   c[C_OLD_CODE], c[C_OLD_NAME], c[C_NEW_CODE], c[C_NEW_NAME], c[C_CHANGE],
			   c[C_REASON]);
	}
}

/* Reads and applies the corrections file.  Every field a line of text;
 * codes, names and a reason required, and an added row needs its change
 * words: else DTI_EINVALID naming the line. */
static dti_err apply_corrections(crosswalk *x, const char *path, const units *old, const units *new,
				 crosswalk_report *rep, dti_diag *d)
{
	FILE *f;
	csv_reader *r;
	long idx[C_COLS];
	int got = 0;
	dti_err rc = table_open(path, correction_cols, C_COLS, idx, &f, &r, d);

	while (!rc && (got = csv_next(r, d)) > 0) {
		char *c[C_COLS] = {NULL};
		char why[TEXT_WHY], origin[512], code[16];
		for (int i = 0; !rc && i < C_COLS; i++) {
			c[i] = field_line(r, idx[i], why);
			if (!c[i])
				rc = diag_set(d, DTI_EINVALID, "%s:%ld: column '%s': %s", path,
					      csv_line(r), correction_cols[i], why);
			else if (i != C_CHANGE && !*c[i])
				rc = diag_set(d, DTI_EINVALID, "%s:%ld: column '%s' is empty", path,
					      csv_line(r), correction_cols[i]);
			else if ((i == C_OLD_CODE || i == C_NEW_CODE) &&
				 !commune_code_normalise(c[i], code))
				rc = diag_set(d, DTI_EINVALID, "%s:%ld: '%s' is not a commune code",
					      path, csv_line(r), c[i]);
			else if (i == C_OLD_CODE || i == C_NEW_CODE) {
				free(c[i]);
				c[i] = xstrdup(code); /* "6978" is 06978 */
			}
		}
		snprintf(origin, sizeof origin, "%s:%ld", path, csv_line(r));
		if (!rc)
			apply_one(x, c, origin, csv_line(r), old, new, rep);
		for (int i = 0; i < C_COLS; i++)
			free(c[i]);
	}
	return table_close(f, r, got, rc);
}

/* The errors of the first check that the check after the corrections no
 * longer finds are corrected; errors the corrections brought are added. */
static void settle(crosswalk_report *rep, const crosswalk_report *after)
{
	strmap remaining, before;

	strmap_init(&remaining);
	strmap_init(&before);
	for (size_t i = 0; i < after->n; i++)
		if (after->items[i].level == CROSSWALK_ERROR)
			strmap_put(&remaining, after->items[i].key, (intptr_t)i);
	for (size_t i = 0; i < rep->n; i++) {
		crosswalk_finding *f = &rep->items[i];
		if (f->level != CROSSWALK_ERROR)
			continue;
		strmap_put(&before, f->key, 0);
		if (!strmap_get(&remaining, f->key, NULL)) {
			f->corrected = true;
			rep->errors--;
			rep->corrected++;
		}
	}
	for (size_t i = 0; i < after->n; i++) {
		const crosswalk_finding *f = &after->items[i];
		if (f->level == CROSSWALK_ERROR && !strmap_get(&before, f->key, NULL))
			report_add(rep, CROSSWALK_ERROR, f->key, "after the corrections: %s",
				   f->text);
	}
	strmap_free(&remaining);
	strmap_free(&before);
}

dti_err crosswalk_open(const char *table, const char *corrections, const units *old,
		       const units *new, crosswalk **out, crosswalk_report *rep, dti_diag *d)
{
	crosswalk *x = xcalloc(1, sizeof *x);
	crosswalk_report after = {0};
	dti_err rc = load_table(table, x, d);

	*out = NULL;
	memset(rep, 0, sizeof *rep);
	if (!rc)
		check_rows(x, old, new, rep);
	if (!rc && corrections) {
		rc = apply_corrections(x, corrections, old, new, rep, d);
		if (!rc) {
			check_rows(x, old, new, &after);
			settle(rep, &after);
		}
	}
	crosswalk_report_free(&after);
	if (rc) {
		crosswalk_free(x);
		crosswalk_report_free(rep);
		return rc;
	}
	*out = x;
	return DTI_EOK;
}

dti_err crosswalk_env_open(config *c, crosswalk_env *e, dti_diag *d)
{
	const unit_edition *mine = NULL, *old_e, *new_e;
	const units *u = NULL;
	char *other = NULL;
	dti_err rc = config_units(c, &u, d);

	if (!rc)
		rc = config_edition(c, &mine, d);
	if (rc)
		return rc;
	new_e = mine->predecessor ? mine : edition_successor(mine);
	old_e = new_e ? edition_find(new_e->predecessor) : NULL;
	if (!new_e || !old_e)
		return diag_set(d, DTI_ECONFIG, "the unit list %s has no conversion table",
				mine->id);
	other = config_data_file(c, (mine == new_e ? old_e : new_e)->file);
	rc = units_load(other, &e->owned, d);
	free(other);
	if (rc)
		return rc;
	e->old = mine == old_e ? u : e->owned;
	e->new = mine == new_e ? u : e->owned;
	e->table = config_path(c, c->root, "crosswalk");
	if (!e->table)
		e->table = config_data_file(c, new_e->crosswalk);
	e->corrections = config_path(c, c->root, "crosswalk_corrections");
	if (!e->corrections) {
		e->corrections = path_relative_to(c->path, "crosswalk-corrections.csv");
		if (access(e->corrections, F_OK) != 0) {
			free(e->corrections);
			e->corrections = NULL;
		}
	}
	return crosswalk_open(e->table, e->corrections, e->old, e->new, &e->x, &e->rep, d);
}

void crosswalk_env_close(crosswalk_env *e)
{
	crosswalk_free(e->x);
	crosswalk_report_free(&e->rep);
	units_free(e->owned);
	free(e->table);
	free(e->corrections);
	memset(e, 0, sizeof *e);
}
