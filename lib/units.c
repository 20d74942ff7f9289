#include "units.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "editions.h"
#include "text.h"
#include "util.h"

struct units {
	admin_unit *items;
	size_t count;
	const unit_edition *edition;
};

static int cmp_unit(const void *a, const void *b)
{
	return strcmp(((const admin_unit *)a)->code, ((const admin_unit *)b)->code);
}

static long header_index(csv_reader *r, const char *const *names)
{
	for (size_t i = 0; i < csv_nfields(r); i++)
		for (int j = 0; names[j]; j++)
			if (strcmp(csv_field(r, i), names[j]) == 0)
				return (long)i;
	return -1;
}

/* The columns of a unit list; the district ones are absent from the list
 * after the reorganisation. */
enum {
	COL_PROVINCE,
	COL_PROVINCE_NAME,
	COL_DISTRICT,
	COL_DISTRICT_NAME,
	COL_CODE,
	COL_NAME,
	COL_TYPE,
	UNIT_COLS
};

static const char *const unit_cols[UNIT_COLS][2] = {
	{"province_code", NULL}, {"province_name", NULL}, {"district_code", NULL},
	{"district_name", NULL}, {"commune_code", NULL},  {"commune_name", NULL},
	{"commune_type", NULL}};

static bool optional_col(int i)
{
	return i == COL_DISTRICT || i == COL_DISTRICT_NAME;
}

static char *field_dup(csv_reader *r, long idx)
{
	return idx < 0 ? NULL : xstrdup(csv_field(r, (size_t)idx));
}

/* One row into u; DTI_EINVALID (d set) for a field that is not a line of
 * text. */
static dti_err add_unit(units *u, size_t *cap, csv_reader *r, const long *idx, const char *path,
			dti_diag *d)
{
	admin_unit *a;
	char why[TEXT_WHY];

	for (int i = 0; i < UNIT_COLS; i++) {
		const char *v = idx[i] < 0 ? "" : csv_field(r, (size_t)idx[i]);
		if (!text_check(v, strlen(v), TEXT_LINE, why))
			return diag_set(d, DTI_EINVALID, "%s:%ld: column '%s': %s", path,
					csv_line(r), unit_cols[i][0], why);
	}
	if (u->count == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		u->items = xrealloc(u->items, *cap * sizeof *u->items);
	}
	a = &u->items[u->count++];
	a->province_code = field_dup(r, idx[COL_PROVINCE]);
	a->province_name = field_dup(r, idx[COL_PROVINCE_NAME]);
	a->district_code = field_dup(r, idx[COL_DISTRICT]);
	a->district_name = field_dup(r, idx[COL_DISTRICT_NAME]);
	a->code = field_dup(r, idx[COL_CODE]);
	a->name = field_dup(r, idx[COL_NAME]);
	a->type = field_dup(r, idx[COL_TYPE]);
	return DTI_EOK;
}

dti_err units_load(const char *path, units **out, dti_diag *d)
{
	FILE *f = fopen(path, "rb");
	csv_reader *r = NULL;
	units *u = NULL;
	long idx[UNIT_COLS];
	size_t cap = 0;
	dti_err rc = DTI_EOK;
	int got;

	*out = NULL;
	if (!f)
		return diag_set(d, DTI_EIO, "cannot open '%s': %s", path, strerror(errno));
	r = csv_open(f, path, ',');
	u = xcalloc(1, sizeof *u);
	got = csv_next(r, d);
	if (got <= 0) {
		rc = got < 0 ? DTI_EPARSE : diag_set(d, DTI_EPARSE, "%s: empty file", path);
		goto out;
	}
	for (int i = 0; i < UNIT_COLS; i++) {
		idx[i] = header_index(r, unit_cols[i]);
		if (idx[i] < 0 && !optional_col(i)) {
			rc = diag_set(d, DTI_EPARSE, "%s: no column '%s'", path, unit_cols[i][0]);
			goto out;
		}
	}
	if ((idx[COL_DISTRICT] < 0) != (idx[COL_DISTRICT_NAME] < 0)) {
		rc = diag_set(d, DTI_EPARSE, "%s: 'district_code' and 'district_name' go together",
			      path);
		goto out;
	}
	u->edition = edition_for_file(path, idx[COL_DISTRICT] >= 0);
	while (!rc && (got = csv_next(r, d)) > 0)
		rc = add_unit(u, &cap, r, idx, path, d);
	if (!rc && got < 0)
		rc = DTI_EPARSE;
	if (!rc)
		qsort(u->items, u->count, sizeof *u->items, cmp_unit);
out:
	csv_close(r);
	fclose(f);
	if (rc) {
		units_free(u);
		return rc;
	}
	*out = u;
	return DTI_EOK;
}

const unit_edition *units_edition(const units *u)
{
	return u->edition;
}

const admin_unit *units_find_named(const units *u, const char *province_code,
				   const char *district_code, const char *name)
{
	char *want = text_name_key(name);
	const admin_unit *found = NULL;

	for (size_t i = 0; want && !found && i < u->count; i++) {
		const admin_unit *a = &u->items[i];
		char *k;
		if (province_code && strcmp(a->province_code, province_code) != 0)
			continue;
		if (district_code && (!a->district_code || strcmp(a->district_code, district_code)))
			continue;
		k = text_name_key(a->name);
		if (k && strcmp(k, want) == 0)
			found = a;
		free(k);
	}
	free(want);
	return found;
}

void units_free(units *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->count; i++) {
		admin_unit *a = &u->items[i];
		free(a->code);
		free(a->name);
		free(a->type);
		free(a->district_code);
		free(a->district_name);
		free(a->province_code);
		free(a->province_name);
	}
	free(u->items);
	free(u);
}

size_t units_count(const units *u)
{
	return u->count;
}

const admin_unit *units_at(const units *u, size_t i)
{
	return i < u->count ? &u->items[i] : NULL;
}

static const char *const unit_type_words[UNIT_TYPE_COUNT] = {
	[UNIT_TYPE_XA] = "Xã",
	[UNIT_TYPE_PHUONG] = "Phường",
	[UNIT_TYPE_THI_TRAN] = "Thị trấn",
	[UNIT_TYPE_DAC_KHU] = "Đặc khu",
};

const char *unit_type_name(int t)
{
	return t >= 0 && t < UNIT_TYPE_COUNT ? unit_type_words[t] : "?";
}

int unit_type_of(const char *s)
{
	char *folded = s ? text_fold(s) : NULL;
	int found = -1;

	for (int t = 0; folded && found < 0 && t < UNIT_TYPE_COUNT; t++) {
		char *word = text_fold(unit_type_words[t]);
		size_t n = strlen(word);
		if (strncmp(folded, word, n) == 0 && (folded[n] == '\0' || folded[n] == ' '))
			found = t;
		free(word);
	}
	free(folded);
	return found;
}

const admin_unit *units_find(const units *u, const char *code)
{
	admin_unit key;

	key.code = (char *)code;
	return bsearch(&key, u->items, u->count, sizeof *u->items, cmp_unit);
}

void commune_list_add(commune_list *l, const char *code, const char *name)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->count].code = xstrdup(code);
	l->items[l->count].name = xstrdup(name ? name : "");
	l->count++;
}

void commune_list_free(commune_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].code);
		free(l->items[i].name);
	}
	free(l->items);
	l->items = NULL;
	l->count = l->cap = 0;
}

const commune_entry *commune_list_find(const commune_list *l, const char *code)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].code, code) == 0)
			return &l->items[i];
	return NULL;
}

dti_err commune_list_read_csv(const char *path, commune_list *out, dti_problems *p, dti_diag *d)
{
	static const char *const code_names[] = {"code", "commune_code", "ma", "ma_xa", NULL};
	static const char *const name_names[] = {"name", "commune_name", "ten", "ten_xa", NULL};
	FILE *f = fopen(path, "rb");
	csv_reader *r;
	long ci = 0, ni = 1;
	size_t before = p->count;
	int got;

	if (!f)
		return diag_set(d, DTI_EIO, "cannot open '%s': %s", path, strerror(errno));
	r = csv_open(f, path, 0);
	got = csv_next(r, d);
	if (got > 0) {
		long hc = header_index(r, code_names), hn = header_index(r, name_names);
		if (hc >= 0) {
			ci = hc;
			ni = hn;
			got = csv_next(r, d);
		}
	}
	for (; got > 0; got = csv_next(r, d)) {
		char *code = text_trim(xstrdup(csv_field(r, (size_t)ci)));
		char *name = ni >= 0 ? text_trim(xstrdup(csv_field(r, (size_t)ni))) : xstrdup("");
		char why[TEXT_WHY];
		bool digits = *code != '\0';
		for (const char *c = code; *c; c++)
			digits = digits && *c >= '0' && *c <= '9';
		if (!digits)
			problems_add(p, "%s:%ld: commune code '%s' is not a number", path,
				     csv_line(r), code);
		else if (!text_check(name, strlen(name), TEXT_LINE, why))
			problems_add(p, "%s:%ld: column 'name': %s", path, csv_line(r), why);
		else
			commune_list_add(out, code, name);
		free(code);
		free(name);
	}
	csv_close(r);
	fclose(f);
	if (got < 0)
		return DTI_EPARSE;
	return p->count > before ? DTI_EINVALID : DTI_EOK;
}

dti_err commune_list_check(commune_list *l, const units *u, const char *where, dti_problems *p)
{
	size_t before = p->count;
	strmap seen; /* the codes of the entries before, normalised: one look-up each */

	strmap_init(&seen);
	for (size_t i = 0; i < l->count; i++) {
		commune_entry *e = &l->items[i];
		const admin_unit *a;
		char padded[16], why[TEXT_WHY];

		if (commune_code_normalise(e->code, padded)) {
			free(e->code);
			e->code = xstrdup(padded);
		}
		a = units_find(u, e->code);
		if (!strmap_put(&seen, e->code, (intptr_t)i))
			problems_add(p, "%s: commune %s is listed twice", where, e->code);
		if (!a) {
			problems_add(p, "%s: unknown commune code %s (not in the national list %s)",
				     where, e->code, u->edition->id);
			continue;
		}
		if (!text_check(e->name, strlen(e->name), TEXT_LINE, why)) {
			problems_add(p, "%s: commune %s: the name %s", where, e->code, why);
		} else if (!*e->name) {
			free(e->name);
			e->name = xstrdup(a->name);
		} else if (strcmp(e->name, a->name) != 0) {
			/* The same text is the same name: folded only when it differs. */
			char *k1 = text_name_key(e->name), *k2 = text_name_key(a->name);
			if (!k1 || !k2 || strcmp(k1, k2) != 0)
				problems_add(
					p,
					"%s: commune %s is '%s' in the national list %s, not '%s'",
					where, e->code, a->name, u->edition->id, e->name);
			free(k1);
			free(k2);
		}
	}
	strmap_free(&seen);
	return p->count > before ? DTI_EINVALID : DTI_EOK;
}

void commune_list_from_units(commune_list *l, const units *u, const char *province_code,
			     const char *district_code)
{
	for (size_t i = 0; i < u->count; i++) {
		const admin_unit *a = &u->items[i];
		if (strcmp(a->province_code, province_code) != 0)
			continue;
		if (district_code && (!a->district_code || strcmp(a->district_code, district_code)))
			continue;
		commune_list_add(l, a->code, a->name);
	}
}

bool commune_code_normalise(const char *raw, char out[16])
{
	char buf[32];
	size_t n;

	snprintf(buf, sizeof buf, "%s", raw);
	text_trim(buf);
	n = strlen(buf);
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++)
		if (buf[i] < '0' || buf[i] > '9')
			return false;
	if (n < 5)
		snprintf(out, 16, "%05ld", strtol(buf, NULL, 10));
	else
		snprintf(out, 16, "%s", buf);
	return true;
}

void commune_index_build(commune_index *ix, const commune_list *l)
{
	ix->list = l;
	ix->unit_types = NULL;
	ix->names = xcalloc(1, sizeof *ix->names);
	atomic_init(&ix->names->built, false);
	pthread_mutex_init(&ix->names->making, NULL);
	strmap_init(&ix->by_code);
	for (size_t i = 0; i < l->count; i++)
		strmap_put(&ix->by_code, l->items[i].code, (intptr_t)i);
}

/* The name keys of the list, made once. */
static strmap *names_of(const commune_index *ix)
{
	struct commune_names *n = ix->names;
	const commune_list *l = ix->list;

	if (atomic_load_explicit(&n->built, memory_order_acquire))
		return &n->by_name;
	pthread_mutex_lock(&n->making);
	if (atomic_load_explicit(&n->built, memory_order_relaxed)) {
		pthread_mutex_unlock(&n->making);
		return &n->by_name;
	}
	strmap_init(&n->by_name);
	for (size_t i = 0; i < l->count; i++) {
		char *key = text_name_key(l->items[i].name);
		intptr_t prev;
		if (key && *key) {
			/* Two communes with one name: the name alone is ambiguous. */
			if (strmap_get(&n->by_name, key, &prev) && prev != (intptr_t)i)
				strmap_put(&n->by_name, key, -1);
			else
				strmap_put(&n->by_name, key, (intptr_t)i);
		}
		free(key);
	}
	/* Whole before any other thread reads it (the acquire above). */
	atomic_store_explicit(&n->built, true, memory_order_release);
	pthread_mutex_unlock(&n->making);
	return &n->by_name;
}

void commune_index_free(commune_index *ix)
{
	strmap_free(&ix->by_code);
	if (ix->names && atomic_load(&ix->names->built))
		strmap_free(&ix->names->by_name);
	if (ix->names)
		pthread_mutex_destroy(&ix->names->making);
	free(ix->names);
	ix->names = NULL;
}

void commune_index_alias(commune_index *ix, const char *alias, const char *code)
{
	intptr_t i;
	char *key;

	if (!strmap_get(&ix->by_code, code, &i))
		return;
	key = text_name_key(alias);
	if (key && *key)
		strmap_put(names_of(ix), key, i);
	free(key);
}

const commune_entry *commune_index_code(const commune_index *ix, const char *raw)
{
	char code[16];
	intptr_t i;

	if (!commune_code_normalise(raw, code) || !strmap_get(&ix->by_code, code, &i))
		return NULL;
	return &ix->list->items[i];
}

const commune_entry *commune_index_name_of(const commune_index *ix, const char *name, bool *shared)
{
	char *key = text_name_key(name);
	intptr_t i = -1;
	bool found = key && strmap_get(names_of(ix), key, &i);

	free(key);
	*shared = found && i < 0;
	return found && i >= 0 ? &ix->list->items[i] : NULL;
}

const commune_entry *commune_index_name(const commune_index *ix, const char *name)
{
	bool shared;

	return commune_index_name_of(ix, name, &shared);
}

bool commune_name_is(const commune_entry *e, const char *name)
{
	char *key = text_name_key(name), *own = text_name_key(e->name);
	bool yes = key && own && *key && strcmp(key, own) == 0;

	free(key);
	free(own);
	return yes;
}
