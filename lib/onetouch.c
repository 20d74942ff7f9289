#include "onetouch.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "log.h"
#include "mapping.h"
#include "text.h"
#include "util.h"

#define NAME_CACHE_SLOTS 4096 /* power of two; filled at most half */
#define DEFAULT_PAYLOAD_MAX ((size_t)64 << 20)

static const char *const commune_headers[] = {"Xã/Phường", "Xã/phường/thị trấn", "Xã, phường",
					      "Phường/Xã", "Đơn vị", "Xã", "Địa chỉ", NULL};
static const char *const date_headers[] = {"Ngày hoàn thành", "Ngày hoàn thành khóa học",
					   "Thời gian hoàn thành", "Ngày cấp chứng nhận", NULL};

/* Commune names as written in the export -> commune index + 1 (0: not an
 * assessed commune).  Exports repeat a few dozen spellings millions of
 * times, so each is matched once. */
typedef struct name_slot {
	char *text;
	size_t len;
	uint64_t hash;
	intptr_t value;
} name_slot;

typedef struct name_cache {
	name_slot *slots;
	size_t count;
} name_cache;

/* Length, first and last 8 bytes, mixed: spellings of commune names differ
 * there, and a collision only costs a memcmp. */
static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t a = 0, b = 0, h;

	if (n < 16) {
		h = 1469598103934665603ULL;
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
		return h;
	}
	memcpy(&a, s, 8);
	memcpy(&b, s + n - 8, 8);
	h = (a ^ (b * 0x9E3779B97F4A7C15ULL) ^ n) * 0xC2B2AE3D27D4EB4FULL;
	return h ^ (h >> 29);
}

/* The slot of a text: its own, or the empty one where it would go. */
static name_slot *cache_slot(name_cache *c, const char *s, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (NAME_CACHE_SLOTS - 1);

	while (c->slots[i].text && !(c->slots[i].hash == h && c->slots[i].len == n &&
				     memcmp(c->slots[i].text, s, n) == 0))
		i = (i + 1) & (NAME_CACHE_SLOTS - 1);
	return &c->slots[i];
}

static void cache_free(name_cache *c)
{
	for (size_t i = 0; c->slots && i < NAME_CACHE_SLOTS; i++)
		free(c->slots[i].text);
	free(c->slots);
}

/* Reads up to `max` digits; returns the number of digits read. */
static int digits(const char *s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)s[n])) {
		*v = *v * 10 + (s[n] - '0');
		n++;
	}
	return n;
}

int onetouch_date_year(const char *s)
{
	int a, b, c, na, nb, nc;
	int day, month, year;
	char sep;
	const char *p = s;

	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
	na = digits(p, 4, &a);
	if (na == 0)
		return -1;
	sep = p[na];
	if (sep != '/' && sep != '-' && sep != '.')
		return -1;
	p += na + 1;
	nb = digits(p, 2, &b);
	if (nb == 0 || p[nb] != sep)
		return -1;
	p += nb + 1;
	nc = digits(p, 4, &c);
	if (nc == 0)
		return -1;
	p += nc;
	if (na == 4) {
		if (nc > 2)
			return -1;
		year = a, month = b, day = c;
	} else {
		if (na > 2 || nc != 4)
			return -1;
		day = a, month = b, year = c;
	}
	/* What follows must be a time (or nothing). */
	if (*p && *p != ' ' && *p != 'T')
		return -1;
	if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 || year > 2100)
		return -1;
	return year;
}

/* Index of the header among the candidates (or the configured name). */
static long find_column(const csv_reader *r, const char *configured, const char *const *defaults)
{
	long found = -1;

	for (size_t i = 0; i < csv_nfields(r) && found < 0; i++) {
		char *h = text_fold(csv_field(r, i));
		for (size_t k = 0; h && found < 0 && (configured ? k < 1 : defaults[k] != NULL); k++) {
			char *want = text_fold(configured ? configured : defaults[k]);
			if (want && strcmp(h, want) == 0)
				found = (long)i;
			free(want);
		}
		free(h);
	}
	return found;
}

static void progress(const char *name, const csv_reader *r, long rows, double *last, bool end)
{
	double now = mono_seconds();

	if (!end && now - *last < 1.0)
		return;
	*last = now;
	fprintf(stderr, "\r%s: %s: %.0f MB read, %ld learners%s", log_program(), name,
		(double)csv_offset(r) / 1e6, rows, end ? "\n" : "");
	fflush(stderr);
}

void onetouch_collect(const collector_env *env, const collector_source *src,
		      const commune_index *ix, batch *b, collector_result *res)
{
	json_t *cols = json_object_get(src->block, "columns");
	json_t *strip = json_object_get(json_object_get(src->block, "commune"), "strip");
	json_t *pmax = json_object_get(src->block, "payload_max_bytes");
	size_t payload_max = json_is_integer(pmax) ? (size_t)json_integer_value(pmax) : DEFAULT_PAYLOAD_MAX;
	const fw_variable *var = framework_variable(env->fw, "onetouch_learners");
	char *url = collector_expand(src->url, env->year, NULL, NULL, NULL, -1, NULL, true);
	char *path = collector_file_path(url), *etag = NULL, *lm = NULL;
	FILE *f = NULL;
	csv_reader *r = NULL;
	long *counts = NULL, col_commune, col_date, rows = 0;
	char *date_header = NULL, *commune_header = NULL;
	name_cache cache = {xcalloc(NAME_CACHE_SLOTS, sizeof(name_slot)), 0};
	dti_problems p = {0};
	dti_diag d;
	fetch_job j = {0};
	bool tty = isatty(STDERR_FILENO);
	double last = mono_seconds();
	struct stat sb;
	int got;

	res->input = xstrdup(url);
	if (!var) {
		res->error = xstrdup("the framework has no variable onetouch_learners");
		goto out;
	}
	if (path) {
		f = fopen(path, "rb");
		if (!f) {
			res->error = xasprintf("%s: cannot open '%s'", url, path);
			goto out;
		}
	} else {
		fetch_opts o = src->fetch;
		if (staging_source_validators(env->st, src->name, &etag, &lm, &d)) {
			res->error = xstrdup(d.msg);
			goto out;
		}
		o.if_none_match = etag;
		o.if_modified_since = lm;
		f = tmpfile();
		if (!f) {
			res->error = xasprintf("%s: cannot create a temporary file", url);
			goto out;
		}
		j.url = url;
		j.sink = f;
		if (fetch_one(&j, &o)) {
			res->error = xstrdup(j.error);
			goto out;
		}
		if (j.not_modified) {
			res->not_modified = true;
			goto out;
		}
		res->etag = j.etag ? xstrdup(j.etag) : NULL;
		res->last_modified = j.last_modified ? xstrdup(j.last_modified) : NULL;
		fflush(f);
		rewind(f);
	}
	if (fstat(fileno(f), &sb) == 0 && (size_t)sb.st_size <= payload_max) {
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			sb_append(&res->payload, buf, n);
		rewind(f);
	} else {
		res->note = xasprintf("payload_not_kept=%lld_bytes", (long long)sb.st_size);
	}
	r = csv_open(f, url, 0);
	got = csv_next(r, &d);
	if (got <= 0) {
		res->error = got < 0 ? xstrdup(d.msg) : xasprintf("%s: empty export, no header", url);
		goto out;
	}
	col_commune = find_column(r, json_string_value(json_object_get(cols, "commune")), commune_headers);
	col_date = find_column(r, json_string_value(json_object_get(cols, "date")), date_headers);
	if (col_commune < 0 || col_date < 0) {
		res->error = xasprintf("%s: header has no %s column (set \"columns\" in the source block)",
				       url, col_commune < 0 ? "commune" : "completion date");
		goto out;
	}
	date_header = xstrdup(csv_field(r, (size_t)col_date));
	commune_header = xstrdup(csv_field(r, (size_t)col_commune));
	counts = xcalloc(ix->list->count + 1, sizeof *counts);
	while ((got = csv_next(r, &d)) > 0) {
		const char *name = (size_t)col_commune < csv_nfields(r) ? csv_field(r, (size_t)col_commune) : "";
		const char *date = (size_t)col_date < csv_nfields(r) ? csv_field(r, (size_t)col_date) : "";
		intptr_t idx = 0;
		int year;

		rows++;
		if (tty && (rows & 0xffff) == 0)
			progress(url, r, rows, &last, false);
		year = onetouch_date_year(date);
		if (year < 0) {
			problems_add(&p, "%s:%ld, field %s: '%s' is not a date", url, csv_line(r),
				     date_header, date);
			b->counts.rejected++;
			continue;
		}
		size_t name_len = (size_t)col_commune < csv_nfields(r) ? csv_field_len(r, (size_t)col_commune) : 0;
		uint64_t h = name_hash(name, name_len);
		name_slot *slot = cache_slot(&cache, name, name_len, h);
		if (slot->text) {
			idx = slot->value;
		} else {
			const commune_entry *e = NULL;
			if (!utf8_valid(name, strlen(name))) {
				problems_add(&p, "%s:%ld, field %s: not valid UTF-8", url, csv_line(r),
					     commune_header);
				b->counts.rejected++;
				continue;
			}
			e = mapping_find_name(ix, name, strip);
			idx = e ? (intptr_t)(e - ix->list->items) + 1 : 0;
			if (cache.count < NAME_CACHE_SLOTS / 2) {
				slot->text = xstrndup(name, name_len);
				slot->len = name_len;
				slot->hash = h;
				slot->value = idx;
				cache.count++;
			}
		}
		if (idx == 0) {
			b->counts.skipped++;
			continue;
		}
		if (year == env->year)
			counts[idx - 1]++;
	}
	if (tty)
		progress(url, r, rows, &last, true);
	b->counts.read = rows;
	if (got < 0) {
		res->error = xstrdup(d.msg);
		goto out;
	}
	if (p.count) {
		res->error = problems_join(&p, 20);
		goto out;
	}
	for (size_t i = 0; i < ix->list->count; i++) {
		char raw[32], where[64];
		snprintf(raw, sizeof raw, "%ld", counts[i]);
		snprintf(where, sizeof where, "commune %s", ix->list->items[i].code);
		batch_add(b, var, ix->list->items[i].code, env->year, raw, '.', NULL, NULL, where, &p);
	}
	if (p.count)
		res->error = problems_join(&p, 20);
out:
	csv_close(r);
	if (f)
		fclose(f);
	fetch_job_clear(&j);
	cache_free(&cache);
	problems_free(&p);
	free(counts);
	free(date_header);
	free(commune_header);
	free(path);
	free(url);
	free(etag);
	free(lm);
}
