#include "onetouch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
#define PARALLEL_MIN_BYTES ((size_t)8 << 20) /* smaller exports take under 10 ms */

static const char *const commune_headers[] = {
	"Xã/Phường", "Xã/phường/thị trấn", "Xã, phường", "Phường/Xã", "Đơn vị", "Xã", "Địa chỉ",
	NULL};
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

static bool date_in_range(int day, int month, int year)
{
	return month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 1900 && year <= 2100;
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
	return date_in_range(day, month, year) ? year : -1;
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
		if (day >= 0)
			return date_in_range(day, month, year) ? year : -1;
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

int onetouch_date_year_grammar(const char *s)
{
	return date_year_text(s);
}

/* Index of the header among the candidates (or the configured name). */
static long find_column(const csv_reader *r, const char *configured, const char *const *defaults)
{
	long found = -1;

	for (size_t i = 0; i < csv_nfields(r) && found < 0; i++) {
		char *h = text_fold(csv_field(r, i));
		for (size_t k = 0; h && found < 0 && (configured ? k < 1 : defaults[k] != NULL);
		     k++) {
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
	__m128i r = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					      _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
				 _mm_cmpeq_epi8(v, _mm_setzero_si128()));
	*rare |= (uint64_t)(unsigned)_mm_movemask_epi8(r) << at;
	*all |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(r, _mm_cmpeq_epi8(v, delim)))
		<< at;
}
#endif

/* Bits of the first n bytes at s (at most 64) that matter when splitting a
 * simple line: in *all the delimiters, quotes, line feeds and NULs; in
 * *rare the quotes, line feeds and NULs alone (a few a line, where
 * delimiters are many).  A NUL sends the line to csv_next, which refuses it. */
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
		if (s[i] == '"' || s[i] == '\n' || s[i] == '\0')
			*rare |= (uint64_t)1 << i;
		if (s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\0')
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
			if (*s == '\0')
				return LINE_SLOW;
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
	line_field(p, rs->col_date, rs->col_date ? at[rs->slot[2]] : NULL, at[rs->slot[3]],
		   line_end, &row->date, &row->date_len);
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
	rs->base_offset = csv_offset(rs->csv);
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

/* Where the next row starts, in bytes after any BOM. */
static unsigned long long rows_offset(const onetouch_rows *rs)
{
	return rs->base_offset + (unsigned long long)(rs->pos - rs->base);
}

/* What is fixed for a run, shared by the threads that count it. */
typedef struct count_ctx {
	const commune_index *ix;
	json_t *strip;
	int year;
	const char *url, *date_header, *commune_header;
	bool tty;
} count_ctx;

/* What a part of the export adds up to. */
typedef struct tally {
	long *counts; /* by commune index */
	long rows, skipped, rejected;
	name_cache cache;
	dti_problems problems;
	double last_progress;
} tally;

static void tally_init(tally *t, size_t communes)
{
	memset(t, 0, sizeof *t);
	t->counts = xcalloc(communes + 1, sizeof *t->counts);
	t->cache.slots = xcalloc(NAME_CACHE_SLOTS, sizeof(name_slot));
	t->last_progress = mono_seconds();
}

static void tally_free(tally *t)
{
	free(t->counts);
	cache_free(&t->cache);
	problems_free(&t->problems);
}

/* The second half of a big export, counted by a thread of its own from
 * the first line break after the middle.  It only helps when its start is
 * a row start (a quoted line break may straddle the middle) and it has
 * nothing to report: at the first problem it stops, and the first half's
 * reader goes on through the whole export as if it had not run. */
typedef struct second_half {
	const count_ctx *c;
	unsigned long long stop; /* where it starts, as csv_offset counts (no BOM) */
	FILE *f;
	csv_reader *r;
	onetouch_rows rs;
	tally t;
	int got;            /* count_rows' outcome */
	atomic_bool cancel; /* set by the first half: give up */
	atomic_long rows;   /* for the progress line */
	atomic_ullong bytes;
	pthread_t thread;
} second_half;

static void progress(const count_ctx *c, tally *t, unsigned long long bytes, long rows,
		     const second_half *h, bool end)
{
	double now = mono_seconds();

	if (!end && now - t->last_progress < 1.0)
		return;
	t->last_progress = now;
	if (h) {
		bytes += atomic_load(&h->bytes);
		rows += atomic_load(&h->rows);
	}
	fprintf(stderr, "\r%s: %s: %.0f MB read, %ld learners%s", log_program(), c->url,
		(double)bytes / 1e6, rows, end ? "\n" : "");
	fflush(stderr);
}

/* Counts one row into t.  A bad date or a name that is not UTF-8 is a
 * problem: recorded (naming the line and field) unless `quiet`, and the
 * result is false. */
static bool count_row(const count_ctx *c, tally *t, const onetouch_row *row, bool quiet)
{
	int year = date_year_n(row->date, row->date_len);
	uint64_t hash;
	name_slot *slot;
	intptr_t idx;

	if (year < 0) {
		if (!quiet) {
			char *text = xstrndup(row->date, row->date_len);
			problems_add(&t->problems, "%s:%ld, field %s: '%s' is not a date", c->url,
				     row->line, c->date_header, text);
			free(text);
			t->rejected++;
		}
		return false;
	}
	hash = name_hash(row->commune, row->commune_len);
	slot = cache_slot(&t->cache, row->commune, row->commune_len, hash);
	if (slot->text) {
		idx = slot->value;
	} else {
		const commune_entry *e = NULL;
		char *name = xstrndup(row->commune, row->commune_len);
		if (!utf8_valid(name, strlen(name))) {
			free(name);
			if (!quiet) {
				problems_add(&t->problems, "%s:%ld, field %s: not valid UTF-8",
					     c->url, row->line, c->commune_header);
				t->rejected++;
			}
			return false;
		}
		e = mapping_find_name(c->ix, name, c->strip);
		free(name);
		idx = e ? (intptr_t)(e - c->ix->list->items) + 1 : 0;
		if (t->cache.count < NAME_CACHE_SLOTS / 2) {
			/* All the bytes, NULs included: lookups compare len bytes. */
			slot->text = xmalloc(row->commune_len + 1);
			memcpy(slot->text, row->commune, row->commune_len);
			slot->text[row->commune_len] = '\0';
			slot->len = row->commune_len;
			slot->hash = hash;
			slot->value = idx;
			t->cache.count++;
		}
	}
	if (idx == 0)
		t->skipped++;
	else if (year == c->year)
		t->counts[idx - 1]++;
	return true;
}

enum { COUNT_END, COUNT_ERROR, COUNT_STOP, COUNT_PROBLEM };

/* Counts the rows of rs into t: to the end of the export (COUNT_END), to a
 * malformed record (COUNT_ERROR, d set), or until the next row starts at
 * or past byte `stop` (COUNT_STOP; 0: no stop).  The first half passes its
 * running second half (or NULL) for the progress line; the second half
 * passes itself with `second` set, and stops at the first problem
 * (COUNT_PROBLEM) or when cancelled (COUNT_STOP). */
static int count_rows(const count_ctx *c, onetouch_rows *rs, tally *t, unsigned long long stop,
		      second_half *h, bool second, dti_diag *d)
{
	onetouch_row row;
	int got;

	while ((got = onetouch_next_row(rs, &row, d)) > 0) {
		t->rows++;
		if ((t->rows & 0xfff) == 0) {
			if (second) {
				atomic_store(&h->rows, t->rows);
				atomic_store(&h->bytes, rows_offset(rs));
				if (atomic_load(&h->cancel))
					return COUNT_STOP;
			} else if (c->tty && (t->rows & 0xffff) == 0) {
				progress(c, t, rows_offset(rs), t->rows, h, false);
			}
		}
		if (!count_row(c, t, &row, second) && second)
			return COUNT_PROBLEM;
		if (stop && rows_offset(rs) >= stop)
			return COUNT_STOP;
	}
	return got < 0 ? COUNT_ERROR : COUNT_END;
}

static void *count_second_half(void *arg)
{
	second_half *h = arg;
	dti_diag d;

	h->got = count_rows(h->c, &h->rs, &h->t, 0, h, true, &d);
	atomic_store(&h->rows, h->t.rows);
	atomic_store(&h->bytes, rows_offset(&h->rs));
	return NULL;
}

/* Starts counting the second half of the export at path in a thread, when
 * it is big enough to be worth it; NULL when not started. */
static second_half *second_half_start(const count_ctx *c, const char *path, const csv_reader *first,
				      size_t col_commune, size_t col_date, size_t communes)
{
	second_half *h = NULL;
	size_t size;
	char buf[4096];
	size_t n, nl;
	FILE *f = fopen(path, "rb");
	bool bom;
	off_t mid;

	if (!f)
		goto fail;
	size = file_size(f);
	if (size < PARALLEL_MIN_BYTES)
		goto fail;
	bom = fread(buf, 1, 3, f) == 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
	/* The first line break after the middle; a BOM there would be skipped
	 * by a new reader, so no second half then. */
	mid = (off_t)(size / 2);
	if (fseeko(f, mid, SEEK_SET) != 0)
		goto fail;
	n = fread(buf, 1, sizeof buf, f);
	for (nl = 0; nl < n && buf[nl] != '\n'; nl++)
		;
	if (nl + 4 > n || memcmp(buf + nl + 1, "\xEF\xBB\xBF", 3) == 0)
		goto fail;
	if (fseeko(f, mid + (off_t)nl + 1, SEEK_SET) != 0)
		goto fail;
	h = xcalloc(1, sizeof *h);
	h->c = c;
	h->stop = (unsigned long long)mid + nl + 1 - (bom ? 3 : 0);
	h->f = f;
	h->r = csv_open(f, c->url, csv_delim(first));
	h->rs.csv = h->r;
	h->rs.col_commune = col_commune;
	h->rs.col_date = col_date;
	tally_init(&h->t, communes);
	atomic_init(&h->cancel, false);
	atomic_init(&h->rows, 0);
	atomic_init(&h->bytes, 0);
	if (pthread_create(&h->thread, NULL, count_second_half, h) != 0) {
		tally_free(&h->t);
		csv_close(h->r);
		free(h);
		h = NULL;
		goto fail;
	}
	return h;
fail:
	if (f)
		fclose(f);
	return NULL;
}

/* Waits for the second half (cancelled first unless `wanted`); true when
 * its count stands. */
static bool second_half_join(second_half *h, bool wanted)
{
	if (!wanted)
		atomic_store(&h->cancel, true);
	pthread_join(h->thread, NULL);
	return wanted && h->got == COUNT_END;
}

static void second_half_free(second_half *h)
{
	if (!h)
		return;
	tally_free(&h->t);
	csv_close(h->r);
	fclose(h->f);
	free(h);
}

/* Counts the rows after the header into t: the first half here (to the
 * end when the second half's count does not stand), and the second in a
 * thread when path names a big enough file and `parallel`; *halves says
 * whether the second half's count was used.  Returns count_rows' outcome. */
static int count_export(const count_ctx *c, const char *path, csv_reader *r, size_t col_commune,
			size_t col_date, size_t communes, bool parallel, tally *t, bool *halves,
			dti_diag *d)
{
	onetouch_rows rs = {0};
	second_half *h = NULL;
	unsigned long long stop = 0;
	bool merged = false;
	int got;

	rs.csv = r;
	rs.col_commune = col_commune;
	rs.col_date = col_date;
	if (parallel && path)
		h = second_half_start(c, path, r, col_commune, col_date, communes);
	if (h)
		stop = h->stop;
	got = count_rows(c, &rs, t, stop, h, false, d);
	if (h) {
		bool meets = got == COUNT_STOP && rows_offset(&rs) == stop;
		merged = second_half_join(h, meets);
		if (merged) {
			for (size_t i = 0; i < communes; i++)
				t->counts[i] += h->t.counts[i];
			t->rows += h->t.rows;
			t->skipped += h->t.skipped;
			got = COUNT_END;
		} else if (got == COUNT_STOP) {
			got = count_rows(c, &rs, t, 0, NULL, false, d);
		}
	}
	if (c->tty)
		progress(c, t, rows_offset(&rs), t->rows - (merged ? h->t.rows : 0),
			 merged ? h : NULL, true);
	second_half_free(h);
	*halves = merged;
	return got;
}

/* Fetches the export at url into a temporary file, conditionally (the
 * validators of the last stored fetch), and rewinds it.  NULL when there
 * is nothing to read: res->error set, or res->not_modified. */
static FILE *fetch_export(const collector_env *env, const collector_source *src, const char *url,
			  collector_result *res)
{
	fetch_opts o = src->fetch;
	fetch_job j = {0};
	char *etag = NULL, *lm = NULL;
	dti_diag d;
	FILE *f = NULL;
	bool ok = false;

	if (collector_validators(env, src, &etag, &lm, &d)) {
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
	ok = true;
out:
	if (!ok && f) {
		fclose(f);
		f = NULL;
	}
	fetch_job_clear(&j);
	free(etag);
	free(lm);
	return f;
}

/* The export to read: the file at path, or else fetched from url.  NULL as
 * fetch_export says. */
static FILE *open_export(const collector_env *env, const collector_source *src, const char *url,
			 const char *path, collector_result *res)
{
	FILE *f;

	if (!path)
		return fetch_export(env, src, url, res);
	f = fopen(path, "rb");
	if (!f)
		res->error = xasprintf("%s: cannot open '%s': %s", url, path, strerror(errno));
	return f;
}

/* Keeps the export as the run's payload when it is at most payload_max
 * bytes, else notes its size; f is rewound. */
static void keep_payload(FILE *f, size_t payload_max, collector_result *res)
{
	size_t size = file_size(f);
	char buf[65536];
	size_t n;

	if (size > payload_max) {
		res->note = xasprintf("payload_not_kept=%zu_bytes", size);
		return;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(&res->payload, buf, n);
	rewind(f);
}

/* Reads the header of r and finds the commune and completion date columns
 * (named in "columns" or else by the usual headers).  False with
 * res->error set when there is no header or a column is missing. */
static bool read_header(csv_reader *r, const char *url, json_t *cols, long *col_commune,
			long *col_date, collector_result *res)
{
	dti_diag d;
	int got = csv_next(r, &d);

	if (got <= 0) {
		res->error =
			got < 0 ? xstrdup(d.msg) : xasprintf("%s: empty export, no header", url);
		return false;
	}
	*col_commune = find_column(r, json_string_value(json_object_get(cols, "commune")),
				   commune_headers);
	*col_date = find_column(r, json_string_value(json_object_get(cols, "date")), date_headers);
	if (*col_commune < 0 || *col_date < 0) {
		res->error = xasprintf(
			"%s: header has no %s column (set \"columns\" in the source block)", url,
			*col_commune < 0 ? "commune" : "completion date");
		return false;
	}
	return true;
}

/* Adds a word to the summary line's note. */
static void add_note(collector_result *res, const char *word)
{
	char *note = xasprintf("%s%s%s", res->note ? res->note : "", res->note ? " " : "", word);

	free(res->note);
	res->note = note;
}

/* One value of var for each commune, from the counts of t; problems in
 * res->error. */
static void add_counts(const collector_env *env, const commune_index *ix, const fw_variable *var,
		       const tally *t, batch *b, collector_result *res)
{
	dti_problems p = {0};

	for (size_t i = 0; i < ix->list->count; i++) {
		char raw[32], where[64];
		snprintf(raw, sizeof raw, "%ld", t->counts[i]);
		snprintf(where, sizeof where, "commune %s", ix->list->items[i].code);
		batch_add(b, var, ix->list->items[i].code, env->year, raw, '.', NULL, NULL, where,
			  &p);
	}
	if (p.count)
		res->error = problems_join(&p, 20);
	problems_free(&p);
}

void onetouch_collect(const collector_env *env, const collector_source *src,
		      const commune_index *ix, batch *b, collector_result *res)
{
	json_t *cols = json_object_get(src->block, "columns");
	json_t *strip = json_object_get(json_object_get(src->block, "commune"), "strip");
	json_t *pmax = json_object_get(src->block, "payload_max_bytes");
	size_t payload_max =
		json_is_integer(pmax) ? (size_t)json_integer_value(pmax) : DEFAULT_PAYLOAD_MAX;
	const fw_variable *var = framework_variable(env->fw, "onetouch_learners");
	char *url = collector_expand(src->url, env->year, NULL, NULL, NULL, -1, NULL, true);
	char *path = collector_file_path(url);
	json_t *par = json_object_get(src->block, "parallel");
	FILE *f = NULL;
	csv_reader *r = NULL;
	long col_commune, col_date;
	char *date_header = NULL, *commune_header = NULL;
	count_ctx c = {ix, strip, env->year, url, NULL, NULL, isatty(STDERR_FILENO)};
	tally t;
	dti_diag d;
	bool halves = false;
	int got;

	tally_init(&t, ix->list->count);
	res->input = xstrdup(url);
	if (!var) {
		res->error = xstrdup("the framework has no variable onetouch_learners");
		goto out;
	}
	f = open_export(env, src, url, path, res);
	if (!f)
		goto out;
	keep_payload(f, payload_max, res);
	r = csv_open(f, url, 0);
	if (!read_header(r, url, cols, &col_commune, &col_date, res))
		goto out;
	date_header = xstrdup(csv_field(r, (size_t)col_date));
	commune_header = xstrdup(csv_field(r, (size_t)col_commune));
	c.date_header = date_header;
	c.commune_header = commune_header;
	got = count_export(&c, path, r, (size_t)col_commune, (size_t)col_date, ix->list->count,
			   !json_is_false(par), &t, &halves, &d);
	if (halves)
		add_note(res, "halves=2");
	b->counts.read = t.rows;
	b->counts.skipped += t.skipped;
	b->counts.rejected += t.rejected;
	if (got == COUNT_ERROR) {
		res->error = xstrdup(d.msg);
		goto out;
	}
	if (t.problems.count) {
		res->error = problems_join(&t.problems, 20);
		goto out;
	}
	add_counts(env, ix, var, &t, b, res);
out:
	csv_close(r);
	if (f)
		fclose(f);
	tally_free(&t);
	free(date_header);
	free(commune_header);
	free(path);
	free(url);
}
