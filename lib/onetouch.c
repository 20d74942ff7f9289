#include "onetouch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
 * there, and a collision only costs a comparison. */
static inline uint64_t name_hash(const char *s, size_t n)
{
	uint64_t a = 0, b = 0, h;

	if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
	} else {
		for (size_t i = 0; i < n; i++)
			a = a << 8 | (unsigned char)s[i];
	}
	h = (a ^ (b * 0x9E3779B97F4A7C15ULL) ^ n) * 0xC2B2AE3D27D4EB4FULL;
	return h ^ (h >> 29);
}

/* memcmp(a, b, n) == 0 for the short texts of names, without a call. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return false;
		return true;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* The slot of a text: its own, or the empty one where it would go. */
static inline name_slot *cache_slot(name_cache *c, const char *s, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (NAME_CACHE_SLOTS - 1);

	while (c->slots[i].text && !(c->slots[i].hash == h && c->slots[i].len == n &&
				     same_bytes(c->slots[i].text, s, n)))
		i = (i + 1) & (NAME_CACHE_SLOTS - 1);
	return &c->slots[i];
}

static void cache_free(name_cache *c)
{
	for (size_t i = 0; c->slots && i < NAME_CACHE_SLOTS; i++)
		free(c->slots[i].text);
	free(c->slots);
}

static inline bool is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

static inline int two_digits(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Reads up to `max` digits; returns the number of digits read. */
static int digits(const char *s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && is_digit(s[n])) {
		*v = *v * 10 + (s[n] - '0');
		n++;
	}
	return n;
}

/* The whole grammar of onetouch_date_year, on a NUL-terminated text. */
static int date_year_text(const char *s)
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

/* onetouch_date_year on n bytes.  "dd/mm/yyyy" and "yyyy-mm-dd" (any of
 * the separators, maybe with a time) are read in place; anything else is
 * left to date_year_text, which looks at most 13 bytes past the leading
 * spaces, so those are copied and terminated. */
static int date_year_n(const char *s, size_t n)
{
	char tmp[16];
	size_t k;

	while (n && *s == ' ')
		s++, n--;
	if (n >= 10 && (n == 10 || s[10] == ' ' || s[10] == 'T' || s[10] == '\0')) {
		int day = -1, month = 0, year = 0;
		char sep = s[2];
		if ((sep == '/' || sep == '-' || sep == '.') && s[5] == sep && is_digit(s[0]) &&
		    is_digit(s[1]) && is_digit(s[3]) && is_digit(s[4]) && is_digit(s[6]) &&
		    is_digit(s[7]) && is_digit(s[8]) && is_digit(s[9])) {
			day = two_digits(s);
			month = two_digits(s + 3);
			year = two_digits(s + 6) * 100 + two_digits(s + 8);
		}
		sep = s[4];
		if ((sep == '/' || sep == '-' || sep == '.') && s[7] == sep && is_digit(s[0]) &&
		    is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && is_digit(s[5]) &&
		    is_digit(s[6]) && is_digit(s[8]) && is_digit(s[9])) {
			year = two_digits(s) * 100 + two_digits(s + 2);
			month = two_digits(s + 5);
			day = two_digits(s + 8);
		}
		if (day >= 0) {
			bool ok = month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
				  year >= 1900 && year <= 2100;
			return ok ? year : -1;
		}
	}
	k = n < sizeof tmp - 1 ? n : sizeof tmp - 1;
	memcpy(tmp, s, k);
	tmp[k] = '\0';
	return date_year_text(tmp);
}

int onetouch_date_year(const char *s)
{
	return date_year_n(s, strlen(s));
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

#ifdef __SSE2__
static inline void scan16(const char *s, __m128i delim, uint64_t *all, uint64_t *rare, unsigned at)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i r = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
	*rare |= (uint64_t)(unsigned)_mm_movemask_epi8(r) << at;
	*all |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(r, _mm_cmpeq_epi8(v, delim)))
		<< at;
}
#endif

/* Bits of the first n bytes at s (at most 64) that matter when splitting a
 * simple line: in *all the delimiters, quotes and line feeds; in *rare the
 * quotes and line feeds alone (a few a line, where delimiters are many). */
static inline void scan_block(const char *s, size_t n, char delim, uint64_t *all, uint64_t *rare)
{
	size_t i = 0;

	*all = *rare = 0;
#ifdef __SSE2__
	__m128i d = _mm_set1_epi8(delim);
	if (n >= 64) {
		scan16(s, d, all, rare, 0);
		scan16(s + 16, d, all, rare, 16);
		scan16(s + 32, d, all, rare, 32);
		scan16(s + 48, d, all, rare, 48);
		return;
	}
	for (; i + 16 <= n; i += 16)
		scan16(s + i, d, all, rare, (unsigned)i);
#endif
	for (; i < n && i < 64; i++) {
		if (s[i] == '"' || s[i] == '\n')
			*rare |= (uint64_t)1 << i;
		if (s[i] == delim || s[i] == '"' || s[i] == '\n')
			*all |= (uint64_t)1 << i;
	}
}

static inline unsigned lowest_bit(uint64_t m)
{
#ifdef __GNUC__
	return (unsigned)__builtin_ctzll(m);
#else
	unsigned i = 0;
	while (!(m & 1u))
		m >>= 1, i++;
	return i;
#endif
}

static inline unsigned bit_count(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* The bits below bit i. */
static inline uint64_t below(unsigned i)
{
	return i >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << i) - 1;
}

enum { LINE_SLOW, LINE_RECORD, LINE_BLANK };

/* Field k of a split line, from the positions of the delimiters that start
 * and end it (NULL: the line has fewer). */
static inline void line_field(const char *p, size_t k, const char *before, const char *after,
			      const char *line_end, const char **text, size_t *len)
{
	const char *start = k == 0 ? p : before ? before + 1 : NULL, *end = after;

	if (!start) {
		*text = "";
		*len = 0;
		return;
	}
	if (!end) {
		end = line_end;
		if (end > start && end[-1] == '\r')
			end--;
	}
	if (end - start >= 2 && *start == '"')
		start++, end--;
	*text = start;
	*len = (size_t)(end - start);
}

/* Splits the line at p if it is simple: every quote opens a field and is
 * closed on the line by a quote followed by the delimiter or the line end.
 * Only the delimiters around the two wanted fields are looked for, so the
 * work is by 64-byte block, plus a little for each quote.  Returns
 * LINE_SLOW, without touching row, for anything else, including a line not
 * ended before lim and a line with more fields than csv_next allows. */
static int split_line(const onetouch_rows *rs, const char *p, onetouch_row *row, size_t *used)
{
	const char *lim = rs->lim, *line_end = NULL, *at[4] = {NULL, NULL, NULL, NULL};
	const char delim = rs->delim;
	size_t delims = 0, w = 0; /* delimiters before the block; wanted ones found */
	bool quoted = false;

	for (const char *blk = p; !line_end; blk += 64) {
		uint64_t all, rare, d, x;
		unsigned from = 0, count, cleared = 0; /* quoted from bit `from` on */

		if (blk >= lim)
			return LINE_SLOW;
		scan_block(blk, (size_t)(lim - blk), delim, &all, &rare);
		d = all & ~rare;
		while (rare) {
			unsigned i = lowest_bit(rare);
			const char *s = blk + i;
			rare &= rare - 1;
			if (*s == '\n') {
				if (quoted)
					return LINE_SLOW;
				d &= below(i);
				line_end = s;
				break;
			}
			if (!quoted) {
				/* A quote inside an unquoted field: csv_next's case. */
				if (s != p && s[-1] != delim)
					return LINE_SLOW;
				quoted = true;
				from = i;
				continue;
			}
			/* The closing quote: a delimiter or the line end must follow,
			 * else it is a doubled quote or junk. */
			if (!(s + 1 < lim && (s[1] == delim || s[1] == '\n')) &&
			    !(s + 2 < lim && s[1] == '\r' && s[2] == '\n'))
				return LINE_SLOW;
			quoted = false;
			d &= ~(below(i) & ~below(from));
		}
		if (quoted)
			d &= below(from);
		count = bit_count(d);
		x = d;
		while (w < rs->nwant && rs->want[w] <= delims + count) {
			for (; cleared + 1 < rs->want[w] - delims; cleared++)
				x &= x - 1;
			at[w++] = blk + lowest_bit(x);
		}
		delims += count;
		if (delims >= CSV_MAX_FIELDS)
			return LINE_SLOW;
	}
	*used = (size_t)(line_end + 1 - p);
	if (delims == 0 && (line_end == p || (line_end == p + 1 && *p == '\r')))
		return LINE_BLANK;
	line_field(p, rs->col_commune, rs->col_commune ? at[rs->slot[0]] : NULL, at[rs->slot[1]],
		   line_end, &row->commune, &row->commune_len);
	line_field(p, rs->col_date, rs->col_date ? at[rs->slot[2]] : NULL, at[rs->slot[3]], line_end,
		   &row->date, &row->date_len);
	return LINE_RECORD;
}

/* The delimiters split_line looks for: the ones before and after each of
 * the two fields (delimiter k, counted from 1, starts field k). */
static void plan_split(onetouch_rows *rs)
{
	size_t ord[4] = {rs->col_commune, rs->col_commune + 1, rs->col_date, rs->col_date + 1};

	rs->nwant = 0;
	for (size_t i = 0; i < 4; i++) {
		size_t k = 0;
		while (k < rs->nwant && rs->want[k] < ord[i])
			k++;
		if (ord[i] == 0 || (k < rs->nwant && rs->want[k] == ord[i]))
			continue;
		memmove(rs->want + k + 1, rs->want + k, (rs->nwant - k) * sizeof *rs->want);
		rs->want[k] = ord[i];
		rs->nwant++;
	}
	for (size_t i = 0; i < 4; i++)
		for (size_t k = 0; k < rs->nwant; k++)
			if (rs->want[k] == ord[i])
				rs->slot[i] = (unsigned char)k;
}

int onetouch_next_row(onetouch_rows *rs, onetouch_row *row, dti_diag *d)
{
	size_t n, used;
	int got;

	if (!rs->started) {
		rs->delim = csv_delim(rs->csv);
		plan_split(rs);
		rs->started = 1;
	}
	for (;;) {
		int k = rs->pos ? split_line(rs, rs->pos, row, &used) : LINE_SLOW;
		if (k == LINE_SLOW)
			break;
		rs->pos += used;
		rs->lines++;
		if (k == LINE_RECORD) {
			row->line = rs->line + rs->lines - 1;
			return 1;
		}
	}
	/* Hand what was split here back, let csv_next read one record, and
	 * go on from what it leaves in its buffer. */
	if (rs->pos)
		csv_consume(rs->csv, (size_t)(rs->pos - rs->base), rs->lines);
	got = csv_next(rs->csv, d);
	rs->base = csv_pending(rs->csv, &n, &rs->line);
	rs->pos = rs->base;
	rs->lim = rs->base + n;
	rs->lines = 0;
	if (got <= 0)
		return got;
	row->commune = csv_field(rs->csv, rs->col_commune);
	row->commune_len = csv_field_len(rs->csv, rs->col_commune);
	row->date = csv_field(rs->csv, rs->col_date);
	row->date_len = csv_field_len(rs->csv, rs->col_date);
	row->line = csv_line(rs->csv);
	return 1;
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
	onetouch_rows rs = {0};
	onetouch_row row;
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
	rs.csv = r;
	rs.col_commune = (size_t)col_commune;
	rs.col_date = (size_t)col_date;
	while ((got = onetouch_next_row(&rs, &row, &d)) > 0) {
		intptr_t idx = 0;
		int year;

		rows++;
		if (tty && (rows & 0xffff) == 0)
			progress(url, r, rows, &last, false);
		year = date_year_n(row.date, row.date_len);
		if (year < 0) {
			char *text = xstrndup(row.date, row.date_len);
			problems_add(&p, "%s:%ld, field %s: '%s' is not a date", url, row.line,
				     date_header, text);
			free(text);
			b->counts.rejected++;
			continue;
		}
		uint64_t h = name_hash(row.commune, row.commune_len);
		name_slot *slot = cache_slot(&cache, row.commune, row.commune_len, h);
		if (slot->text) {
			idx = slot->value;
		} else {
			const commune_entry *e = NULL;
			char *name = xstrndup(row.commune, row.commune_len);
			if (!utf8_valid(name, strlen(name))) {
				problems_add(&p, "%s:%ld, field %s: not valid UTF-8", url, row.line,
					     commune_header);
				free(name);
				b->counts.rejected++;
				continue;
			}
			e = mapping_find_name(ix, name, strip);
			free(name);
			idx = e ? (intptr_t)(e - ix->list->items) + 1 : 0;
			if (cache.count < NAME_CACHE_SLOTS / 2) {
				/* All the bytes, NULs included: lookups compare len bytes. */
				slot->text = xmalloc(row.commune_len + 1);
				memcpy(slot->text, row.commune, row.commune_len);
				slot->text[row.commune_len] = '\0';
				slot->len = row.commune_len;
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
