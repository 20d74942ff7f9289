#define _GNU_SOURCE /* fmemopen */
#include "mapping.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "sheet.h"
#include "text.h"
#include "util.h"

typedef enum { FMT_JSON, FMT_CSV, FMT_SHEET } doc_format;

#define MAX_SUMMED 8

typedef struct field_map {
	const fw_variable *var;
	const char *fields[MAX_SUMMED]; /* borrowed from the block */
	size_t n_fields;
} field_map;

struct mapping {
	json_t *block;
	doc_format format;
	const char *records; /* path or NULL */
	const char *code_field, *name_field, *year_field;
	json_t *strip; /* array of words or NULL */
	field_map *maps;
	size_t n_maps;
	bool all_variables; /* JSON without "fields": keys named as variables */
	const char *long_var, *long_value;
	json_t *long_codes;
	const char *next_path, *total_pages_path;
	char decimal_sep;
};

static const char *opt_string(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "format": json (the default), csv or sheet. */
static dti_err parse_format(mapping *m, const char *fmt, const char *name, dti_diag *d)
{
	if (!fmt || strcmp(fmt, "json") == 0)
		m->format = FMT_JSON;
	else if (strcmp(fmt, "csv") == 0)
		m->format = FMT_CSV;
	else if (strcmp(fmt, "sheet") == 0)
		m->format = FMT_SHEET;
	else
		return diag_set(d, DTI_ECONFIG,
				"source '%s': format '%s' is not json, csv or sheet", name, fmt);
	return DTI_EOK;
}

/* The "long" layout: one record per value, its variable named in a field. */
static dti_err parse_long(mapping *m, json_t *lng, const char *name, dti_diag *d)
{
	m->long_var = opt_string(lng, "variable");
	m->long_value = opt_string(lng, "value");
	m->long_codes = json_object_get(lng, "codes");
	if (!m->long_var || !m->long_value)
		return diag_set(d, DTI_ECONFIG,
				"source '%s': \"long\" needs \"variable\" and \"value\" fields",
				name);
	return DTI_EOK;
}

/* One entry of "fields": variable var read from the field (or the sum of
 * the fields) f. */
static dti_err parse_field_map(field_map *fm, const framework *fw, const char *var, json_t *f,
			       const char *name, dti_diag *d)
{
	fm->var = framework_variable(fw, var);
	if (!fm->var)
		return diag_set(d, DTI_ECONFIG,
				"source '%s': \"fields\": '%s' is not a variable of the framework",
				name, var);
	if (json_is_string(f)) {
		fm->fields[fm->n_fields++] = json_string_value(f);
	} else if (json_is_array(f) && json_array_size(f) > 0 && json_array_size(f) <= MAX_SUMMED) {
		size_t i;
		json_t *e;
		json_array_foreach(f, i, e)
		{
			if (!json_is_string(e))
				break;
			fm->fields[fm->n_fields++] = json_string_value(e);
		}
	}
	if (fm->n_fields == 0 || (json_is_array(f) && fm->n_fields != json_array_size(f)))
		return diag_set(d, DTI_ECONFIG,
				"source '%s': \"fields\": '%s' must be a field name or a list "
				"of up to %d field names",
				name, var, MAX_SUMMED);
	if (fm->n_fields > 1 && fm->var->type != VAR_COUNT && fm->var->type != VAR_AMOUNT)
		return diag_set(d, DTI_ECONFIG,
				"source '%s': \"fields\": only numbers can be summed ('%s')", name,
				var);
	return DTI_EOK;
}

/* The "fields" object: variable -> field name or list of field names. */
static dti_err parse_fields(mapping *m, json_t *fields, const framework *fw, const char *name,
			    dti_diag *d)
{
	const char *var;
	json_t *f;
	dti_err rc;

	if (!json_is_object(fields))
		return diag_set(d, DTI_ECONFIG, "source '%s': \"fields\" must be an object", name);
	m->maps = xcalloc(json_object_size(fields) + 1, sizeof *m->maps);
	json_object_foreach(fields, var, f)
	{
		rc = parse_field_map(&m->maps[m->n_maps], fw, var, f, name, d);
		if (rc)
			return rc;
		m->n_maps++;
	}
	return DTI_EOK;
}

/* What says which fields are read: "long", "fields" or, for JSON, neither
 * (keys named as variables). */
static dti_err parse_values(mapping *m, const framework *fw, const char *name, dti_diag *d)
{
	json_t *fields = json_object_get(m->block, "fields");
	json_t *lng = json_object_get(m->block, "long");

	if (json_is_object(lng))
		return parse_long(m, lng, name, d);
	if (fields)
		return parse_fields(m, fields, fw, name, d);
	if (m->format == FMT_CSV)
		return diag_set(d, DTI_ECONFIG, "source '%s': a csv source needs \"fields\"", name);
	m->all_variables = true;
	return DTI_EOK;
}

dti_err mapping_parse(json_t *block, const framework *fw, mapping **out, dti_diag *d)
{
	mapping *m = xcalloc(1, sizeof *m);
	json_t *commune = json_object_get(block, "commune");
	json_t *pg = json_object_get(block, "pagination");
	const char *name = opt_string(block, "name");
	const char *dec = opt_string(block, "decimal_sep");
	dti_err rc = DTI_EOK;

	*out = NULL;
	m->block = json_incref(block);
	m->decimal_sep = dec && strcmp(dec, ",") == 0 ? ',' : '.';
	rc = parse_format(m, opt_string(block, "format"), name, d);
	if (rc)
		goto out;
	m->records = opt_string(block, "records");
	m->year_field = opt_string(block, "year_field");
	if (json_is_object(commune)) {
		m->code_field = opt_string(commune, "code");
		m->name_field = opt_string(commune, "name");
		m->strip = json_object_get(commune, "strip");
	}
	if (json_is_object(pg)) {
		m->next_path = opt_string(pg, "next");
		m->total_pages_path = opt_string(pg, "total_pages");
	}
	if (m->format == FMT_SHEET)
		goto out;
	if (!m->code_field && !m->name_field) {
		rc = diag_set(d, DTI_ECONFIG,
			      "source '%s': \"commune\" must name a \"code\" or \"name\" field",
			      name);
		goto out;
	}
	rc = parse_values(m, fw, name, d);
out:
	if (rc) {
		mapping_free(m);
		return rc;
	}
	*out = m;
	return DTI_EOK;
}

void mapping_free(mapping *m)
{
	if (!m)
		return;
	json_decref(m->block);
	free(m->maps);
	free(m);
}

void mapping_add_aliases(commune_index *ix, json_t *block)
{
	json_t *a = json_object_get(block, "aliases"), *v;
	const char *k;

	if (!json_is_object(a))
		return;
	json_object_foreach(a, k, v)
	{
		if (json_is_string(v))
			commune_index_alias(ix, k, json_string_value(v));
	}
}

/* The index by name, and again with a prefix put in front: without
 * diacritics a name such as "Phương Nam" reads like the prefix "Phường"
 * followed by "Nam", and the key drops one prefix only. */
static const commune_entry *lookup(const commune_index *ix, const char *text)
{
	const commune_entry *e = commune_index_name(ix, text);
	char *with;

	if (e || !*text)
		return e;
	with = xasprintf("Xã %s", text);
	e = commune_index_name(ix, with);
	free(with);
	return e;
}

/* Drops a leading word of `strip` ("UBND") from a name key. */
static const commune_entry *find_key_stripped(const commune_index *ix, const char *text,
					      json_t *strip)
{
	const commune_entry *e = lookup(ix, text);
	char *key;
	size_t i;
	json_t *w;

	if (e || !json_is_array(strip))
		return e;
	key = text_name_key(text);
	if (!key)
		return NULL;
	json_array_foreach(strip, i, w)
	{
		char *wk = json_is_string(w) ? text_name_key(json_string_value(w)) : NULL;
		size_t n = wk ? strlen(wk) : 0;
		if (n && strncmp(key, wk, n) == 0 && key[n] == ' ')
			e = lookup(ix, key + n + 1);
		free(wk);
		if (e)
			break;
	}
	free(key);
	return e;
}

const commune_entry *mapping_find_name(const commune_index *ix, const char *name, json_t *strip)
{
	const commune_entry *e = find_key_stripped(ix, name, strip);
	const char *cut;
	char *first;

	if (e)
		return e;
	cut = strchr(name, ',');
	if (!cut)
		cut = strstr(name, " - ");
	if (!cut)
		return NULL;
	first = xstrndup(name, (size_t)(cut - name));
	e = find_key_stripped(ix, first, strip);
	free(first);
	return e;
}

/* The value at a dotted path ("data.rows", "a.0.b"); NULL when absent. */
static json_t *json_path(json_t *root, const char *path)
{
	json_t *cur = root;
	const char *p = path;

	if (!path || !*path)
		return root;
	while (cur && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		char seg[256];
		if (n >= sizeof seg)
			return NULL;
		memcpy(seg, p, n);
		seg[n] = '\0';
		if (json_is_array(cur)) {
			int64_t i;
			cur = parse_i64(seg, &i) ? json_array_get(cur, (size_t)i) : NULL;
		} else {
			cur = json_object_get(cur, seg);
		}
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

/* A JSON scalar as the text a sheet would hold.  Returns false for objects,
 * arrays and booleans given to numbers.  An absent or null value gives "". */
static bool json_scalar_text(json_t *v, const fw_variable *var, char *out, size_t n)
{
	out[0] = '\0';
	if (!v || json_is_null(v))
		return true;
	if (json_is_string(v)) {
		snprintf(out, n, "%s", json_string_value(v));
		return true;
	}
	if (json_is_integer(v)) {
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
		return true;
	}
	if (json_is_real(v)) {
		snprintf(out, n, "%.15g", json_real_value(v));
		return true;
	}
	if (json_is_boolean(v) && var && var->type == VAR_YESNO) {
		snprintf(out, n, "%s", json_is_true(v) ? "yes" : "no");
		return true;
	}
	return false;
}

static const char *json_type_word(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "a list";
	case JSON_TRUE:
	case JSON_FALSE: return "true/false";
	default: return "a value of the wrong type";
	}
}

/* Whether a folded header map has the column `field` is written as. */
static bool has_column(const strmap *cols, const char *field)
{
	char *key = text_fold(field);
	bool found = key && strmap_get(cols, key, NULL);

	free(key);
	return found;
}

/* Accessor over either a JSON record or a CSV row. */
typedef struct record {
	json_t *obj; /* JSON record, or NULL for CSV */
	const csv_reader *csv;
	const strmap *columns; /* CSV: folded header -> column index */
} record;

/* Raw text of a field into out; false when the type cannot be a value
 * (problem text in why). */
static bool record_text(const record *r, const char *field, const fw_variable *var, char *out,
			size_t n, char *why, size_t why_n)
{
	out[0] = '\0';
	if (r->obj) {
		json_t *v = json_path(r->obj, field);
		if (!json_scalar_text(v, var, out, n)) {
			snprintf(why, why_n, "expected a number or text, got %s",
				 json_type_word(v));
			return false;
		}
	} else {
		char *key = text_fold(field);
		intptr_t col = -1;
		if (key && strmap_get(r->columns, key, &col) && (size_t)col < csv_nfields(r->csv))
			snprintf(out, n, "%s", csv_field(r->csv, (size_t)col));
		free(key);
	}
	text_trim(out);
	return true;
}

/* Adds one value of a record; summed fields are added up first. */
static void add_value(const mapping *m, mapping_ctx *c, const record *r, const field_map *fm,
		      const char *code, const char *where)
{
	char raw[256], why[128], at[600];
	double total = 0;
	bool any = false;

	if (fm->n_fields == 1) {
		if (!record_text(r, fm->fields[0], fm->var, raw, sizeof raw, why, sizeof why)) {
			problems_add(c->p, "%s, field %s: %s", where, fm->fields[0], why);
			return;
		}
		if (!*raw)
			return;
		snprintf(at, sizeof at, "%s, field %s", where, fm->fields[0]);
		batch_add(c->b, fm->var, code, c->year, raw, m->decimal_sep, NULL, NULL, at, c->p);
		return;
	}
	for (size_t i = 0; i < fm->n_fields; i++) {
		double v;
		if (!record_text(r, fm->fields[i], fm->var, raw, sizeof raw, why, sizeof why)) {
			problems_add(c->p, "%s, field %s: %s", where, fm->fields[i], why);
			return;
		}
		if (!*raw)
			continue;
		if (!parse_nonneg_decimal(raw, m->decimal_sep, &v)) {
			problems_add(c->p, "%s, field %s: '%s' is not a non-negative number", where,
				     fm->fields[i], raw);
			return;
		}
		total += v;
		any = true;
	}
	if (!any)
		return;
	format_number(raw, total);
	snprintf(at, sizeof at, "%s, fields %s+…", where, fm->fields[0]);
	batch_add(c->b, fm->var, code, c->year, raw, '.', NULL, NULL, at, c->p);
}

/* One record: commune, year, values. */
static void map_record(const mapping *m, mapping_ctx *c, const record *r, const char *where0)
{
	const commune_entry *e = NULL;
	char text[256], why[128], where[512];
	size_t before = c->p->count;

	c->b->counts.read++;
	if (m->year_field) {
		int64_t y;
		if (!record_text(r, m->year_field, NULL, text, sizeof text, why, sizeof why) ||
		    !parse_i64(text, &y)) {
			problems_add(c->p, "%s, field %s: '%s' is not a year", where0,
				     m->year_field, text);
			c->b->counts.rejected++;
			return;
		}
		if (y != c->year) {
			c->b->counts.skipped++;
			return;
		}
	}
	if (m->code_field) {
		char code[16];
		if (!record_text(r, m->code_field, NULL, text, sizeof text, why, sizeof why)) {
			problems_add(c->p, "%s, field %s: %s", where0, m->code_field, why);
			c->b->counts.rejected++;
			return;
		}
		if (*text && !commune_code_normalise(text, code)) {
			problems_add(c->p, "%s, field %s: '%s' is not a commune code", where0,
				     m->code_field, text);
			c->b->counts.rejected++;
			return;
		}
		if (*text)
			e = commune_index_code(c->ix, code);
		if (*text && !e) {
			c->b->counts.skipped++;
			return;
		}
	}
	if (!e && m->name_field) {
		if (!record_text(r, m->name_field, NULL, text, sizeof text, why, sizeof why)) {
			problems_add(c->p, "%s, field %s: %s", where0, m->name_field, why);
			c->b->counts.rejected++;
			return;
		}
		if (!utf8_valid(text, strlen(text))) {
			problems_add(c->p, "%s, field %s: not valid UTF-8", where0, m->name_field);
			c->b->counts.rejected++;
			return;
		}
		e = mapping_find_name(c->ix, text, m->strip);
	}
	if (!e) {
		c->b->counts.skipped++;
		return;
	}
	snprintf(where, sizeof where, "%s (commune %s)", where0, e->code);
	if (m->long_var) {
		char var[128];
		const fw_variable *v = NULL;
		if (!record_text(r, m->long_var, NULL, var, sizeof var, why, sizeof why)) {
			problems_add(c->p, "%s, field %s: %s", where, m->long_var, why);
		} else {
			json_t *mapped = json_object_get(m->long_codes, var);
			v = framework_variable(
				c->fw, json_is_string(mapped) ? json_string_value(mapped) : var);
			if (!v && !(json_is_null(mapped)))
				problems_add(c->p, "%s, field %s: '%s' is not a known variable",
					     where, m->long_var, var);
		}
		if (v) {
			field_map fm = {v, {m->long_value}, 1};
			add_value(m, c, r, &fm, e->code, where);
		}
	} else if (m->all_variables && r->obj) {
		const char *k;
		json_t *val;
		json_object_foreach(r->obj, k, val)
		{
			const fw_variable *v = framework_variable(c->fw, k);
			if (v) {
				field_map fm = {v, {k}, 1};
				add_value(m, c, r, &fm, e->code, where);
			}
		}
	} else {
		for (size_t i = 0; i < m->n_maps; i++)
			add_value(m, c, r, &m->maps[i], e->code, where);
	}
	if (c->p->count > before)
		c->b->counts.rejected++;
}

static dti_err apply_json(const mapping *m, const char *bytes, size_t len, const char *name,
			  const char *content_type, mapping_ctx *c, mapping_page *pg, dti_diag *d)
{
	json_error_t je;
	json_t *root, *arr, *rec, *nx, *tp;
	size_t i;
	dti_err rc = DTI_EOK;

	/* A byte order mark, as spreadsheets and some exporters write it. */
	if (len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
		bytes += 3;
		len -= 3;
	}
	root = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		size_t k = 0;
		while (k < len && (bytes[k] == ' ' || bytes[k] == '\n' || bytes[k] == '\r' ||
				   bytes[k] == '\t'))
			k++;
		if ((content_type && strstr(content_type, "html")) || (k < len && bytes[k] == '<'))
			return diag_set(
				d, DTI_EPARSE,
				"%s: the server sent an HTML page (content type %s), not JSON",
				name, content_type ? content_type : "unknown");
		return diag_set(d, DTI_EPARSE, "%s: not valid JSON: %s at line %d, column %d", name,
				je.text, je.line, je.column);
	}
	arr = json_path(root, m->records);
	if (!json_is_array(arr)) {
		rc = diag_set(d, DTI_EPARSE, "%s: no list of records at \"%s\"", name,
			      m->records ? m->records : "(document)");
		goto out;
	}
	json_array_foreach(arr, i, rec)
	{
		char where[300];
		record r = {rec, NULL, NULL};
		snprintf(where, sizeof where, "%s: record %zu", name, i + 1);
		if (!json_is_object(rec)) {
			c->b->counts.read++;
			c->b->counts.rejected++;
			problems_add(c->p, "%s: not an object", where);
			continue;
		}
		map_record(m, c, &r, where);
	}
	pg->records = json_array_size(arr);
	nx = m->next_path ? json_path(root, m->next_path) : NULL;
	if (json_is_string(nx) && *json_string_value(nx)) {
		pg->next = xstrdup(json_string_value(nx));
	} else if (nx && !json_is_string(nx) && !json_is_null(nx)) {
		char *text = json_dumps(nx, JSON_ENCODE_ANY | JSON_COMPACT);
		rc = diag_set(d, DTI_EPARSE, "%s: next link at \"%s\" is %.60s, not a URL text",
			      name, m->next_path, text ? text : "?");
		free(text);
		goto out;
	}
	tp = m->total_pages_path ? json_path(root, m->total_pages_path) : NULL;
	if (json_is_integer(tp))
		pg->total_pages = (long)json_integer_value(tp);
out:
	json_decref(root);
	return rc;
}

/* A CSV feed whose header lacks a column the block maps has changed shape
 * (or is not the CSV it claims to be, such as one read as a single line):
 * storing nothing from it as an ok run would hide that.  Fails naming the
 * first missing column. */
static dti_err check_csv_columns(const mapping *m, const strmap *cols, const char *name,
				 dti_diag *d)
{
	const char *fixed[] = {m->code_field, m->name_field, m->year_field, m->long_var,
			       m->long_value};
	const char *missing = NULL, *what = NULL;

	for (size_t i = 0; !missing && i < sizeof fixed / sizeof fixed[0]; i++)
		if (fixed[i] && !has_column(cols, fixed[i]))
			missing = fixed[i], what = "a key of the source block";
	for (size_t i = 0; !missing && i < m->n_maps; i++)
		for (size_t j = 0; !missing && j < m->maps[i].n_fields; j++)
			if (!has_column(cols, m->maps[i].fields[j]))
				missing = m->maps[i].fields[j], what = m->maps[i].var->name;
	if (!missing)
		return DTI_EOK;
	return diag_set(d, DTI_EPARSE, "%s: the header has no column '%s' (%s)", name, missing,
			what);
}

static dti_err apply_csv(const mapping *m, const char *bytes, size_t len, const char *name,
			 mapping_ctx *c, mapping_page *pg, dti_diag *d)
{
	FILE *f = fmemopen((void *)bytes, len, "r");
	csv_reader *r = NULL;
	strmap cols;
	dti_err rc = DTI_EOK;
	size_t n_header;
	int got;

	strmap_init(&cols);
	if (!f)
		return diag_set(d, DTI_ENOMEM, "%s: cannot read from memory", name);
	r = csv_open(f, name, 0);
	got = csv_next(r, d);
	if (got <= 0) {
		rc = got < 0 ? DTI_EPARSE
			     : diag_set(d, DTI_EPARSE, "%s: empty CSV, no header", name);
		goto out;
	}
	n_header = csv_nfields(r);
	for (size_t i = 0; i < n_header; i++) {
		char *h = text_fold(csv_field(r, i));
		if (h)
			strmap_put(&cols, h, (intptr_t)i);
		free(h);
	}
	rc = check_csv_columns(m, &cols, name, d);
	if (rc)
		goto out;
	while ((got = csv_next(r, d)) > 0) {
		char where[300];
		record rec = {NULL, r, &cols};
		if (csv_nfields(r) != n_header) {
			rc = diag_set(d, DTI_EPARSE, "%s:%ld: %zu fields where the header has %zu",
				      name, csv_line(r), csv_nfields(r), n_header);
			goto out;
		}
		snprintf(where, sizeof where, "%s:%ld", name, csv_line(r));
		map_record(m, c, &rec, where);
		pg->records++;
	}
	if (got < 0)
		rc = DTI_EPARSE;
out:
	csv_close(r);
	fclose(f);
	strmap_free(&cols);
	return rc;
}

dti_err mapping_apply(const mapping *m, const char *bytes, size_t len, const char *name,
		      const char *content_type, mapping_ctx *c, mapping_page *pg, dti_diag *d)
{
	size_t before = c->p->count;
	dti_err rc;

	memset(pg, 0, sizeof *pg);
	if (len == 0)
		return diag_set(d, DTI_EPARSE, "%s: the body is empty", name);
	if (!utf8_valid(bytes, len))
		return diag_set(d, DTI_EPARSE, "%s: the body is not valid UTF-8", name);
	if (m->format == FMT_SHEET) {
		FILE *f = fmemopen((void *)bytes, len, "r");
		if (!f)
			return diag_set(d, DTI_ENOMEM, "%s: cannot read from memory", name);
		rc = sheet_read_csv(f, name, SHEET_AUTO, c->fw, c->ix, c->year, c->b, c->p, d);
		fclose(f);
		pg->records = (size_t)c->b->counts.read;
		return rc;
	}
	if (m->format == FMT_CSV)
		rc = apply_csv(m, bytes, len, name, c, pg, d);
	else
		rc = apply_json(m, bytes, len, name, content_type, c, pg, d);
	if (!rc && c->p->count > before)
		rc = DTI_EINVALID;
	return rc;
}
