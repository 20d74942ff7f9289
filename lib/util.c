#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct arena_chunk {
	arena_chunk *next;
	size_t used, cap;
	char data[];
};

char *arena_strdup(arena *a, const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if (!a->head || a->head->cap - a->head->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		arena_chunk *c = xmalloc(sizeof *c + cap);
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	p = a->head->data + a->head->used;
	memcpy(p, s, n);
	a->head->used += n;
	return p;
}

void arena_free(arena *a)
{
	while (a->head) {
		arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}

void sb_init(strbuf *sb, size_t max)
{
	sb->data = NULL;
	sb->len = sb->cap = 0;
	sb->max = max;
}

static dti_err sb_grow(strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	size_t cap;

	if (sb->max && sb->len + extra > sb->max)
		return DTI_ELIMIT;
	if (need <= sb->cap)
		return DTI_EOK;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	sb->data = xrealloc(sb->data, cap);
	sb->cap = cap;
	return DTI_EOK;
}

/* sb_append's way when the buffer must grow or has a cap (util.h). */
dti_err sb_append_grow(strbuf *sb, const void *data, size_t n)
{
	dti_err rc = sb_grow(sb, n);

	if (rc)
		return rc;
	if (n)
		memcpy(sb->data + sb->len, data, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
	return DTI_EOK;
}

dti_err sb_appendf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	dti_err rc;

	va_start(ap, fmt);
	rc = sb_vappendf(sb, fmt, ap);
	va_end(ap);
	return rc;
}

dti_err sb_vappendf(strbuf *sb, const char *fmt, va_list ap)
{
	va_list again;
	size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	int n;
	dti_err rc;

	/* Written straight into the room there is, most often enough; only a
	 * text that does not fit is formatted again. */
	va_copy(again, ap);
	n = vsnprintf(room ? sb->data + sb->len : NULL, room, fmt, again);
	va_end(again);
	if (n < 0 || (sb->max && sb->len + (size_t)n > sb->max)) {
		if (sb->data)
			sb->data[sb->len] = '\0';
		return n < 0 ? DTI_EINVALID : DTI_ELIMIT;
	}
	if ((size_t)n >= room) {
		rc = sb_grow(sb, (size_t)n);
		if (rc) {
			if (sb->data)
				sb->data[sb->len] = '\0';
			return rc;
		}
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
	return DTI_EOK;
}

void sb_reset(strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

char *sb_take(strbuf *sb)
{
	char *p = sb->data ? sb->data : xstrdup("");

	sb->data = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void sb_free(strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
}

size_t format_whole(char out[24], long long v)
{
	/* Two digits at a time from the right, into their places: the
	 * exports and pages write millions of ranks, rows and numbers. */
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = 1, len;
	char *p;

	for (unsigned long long t = u; t >= 10; t /= 10)
		n++;
	len = n + (v < 0);
	out[0] = '-';
	out[len] = '\0';
	p = out + len;
	while (u >= 100) {
		unsigned k = (unsigned)(u % 100) * 2;
		u /= 100;
		*--p = pairs[k + 1];
		*--p = pairs[k];
	}
	if (u >= 10) {
		*--p = pairs[u * 2 + 1];
		*--p = pairs[u * 2];
	} else {
		*--p = (char)('0' + u);
	}
	return len;
}

size_t file_size(FILE *f)
{
	struct stat st;

	return fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
}

dti_err sb_json_string(strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run = s;
	size_t start = sb->len;
	dti_err rc = sb_append(sb, "\"", 1);

	for (; !rc && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[7] = {'\\', 0};
		size_t n = 2;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		rc = sb_append(sb, run, (size_t)(s - run));
		if (!rc)
			rc = sb_append(sb, esc, n);
		run = s + 1;
	}
	if (!rc)
		rc = sb_append(sb, run, (size_t)(s - run));
	if (!rc)
		rc = sb_append(sb, "\"", 1);
	if (rc && sb->data) { /* all or nothing, as every strbuf append */
		sb->len = start;
		sb->data[start] = '\0';
	}
	return rc;
}

dti_err sb_json_number(strbuf *sb, double x)
{
	char buf[48];
	int n;

	if (!isfinite(x))
		return DTI_EINVALID; /* JSON has no such number */
	if (x == floor(x) && fabs(x) < 1e15) {
		/* Whole numbers, the common case, without printf. */
		size_t len = signbit(x) ? 1 : 0;
		buf[0] = '-';
		len += format_whole(buf + len, (long long)fabs(x));
		memcpy(buf + len, ".0", 2);
		return sb_append(sb, buf, len + 2);
	}
	n = (int)format_general(buf, x, 17, false);
	if (!strpbrk(buf, ".eEni")) {
		buf[n++] = '.', buf[n++] = '0', buf[n] = '\0';
	} else {
		/* jansson's exponent: no '+' and no leading zeros ("1e17", "2.5e-7"). */
		char *e = strchr(buf, 'e'), *w, *r;
		if (e) {
			w = r = e + 1;
			if (*r == '-')
				w++, r++;
			else if (*r == '+')
				r++;
			while (*r == '0' && r[1])
				r++;
			memmove(w, r, strlen(r) + 1);
			n = (int)strlen(buf);
		}
	}
	return sb_append(sb, buf, (size_t)n);
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool only_spaces(const char *s)
{
	return *skip_spaces(s) == '\0';
}

bool parse_i64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	s = skip_spaces(s);
	if (!(*s == '-' || (*s >= '0' && *s <= '9')))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || !only_spaces(end))
		return false;
	*out = (int64_t)v;
	return true;
}

bool year_valid(int64_t y)
{
	return y >= YEAR_MIN && y <= YEAR_MAX;
}

bool year_parse(const char *s, int64_t *out)
{
	int64_t y;

	if (!parse_i64(s, &y) || !year_valid(y))
		return false;
	*out = y;
	return true;
}

bool parse_nonneg_decimal(const char *s, char decimal_sep, double *out)
{
	char buf[64];
	size_t n = 0;
	bool seen_sep = false, digits = false;
	char *end;
	double v;
	uint64_t whole = 0;

	/* A plain number of at most 15 digits, the usual figure, is exact
	 * without strtod (below 2^53, as strtod would give it). */
	while (n < 16 && s[n] >= '0' && s[n] <= '9')
		whole = whole * 10 + (uint64_t)(s[n++] - '0');
	if (n > 0 && n < 16 && s[n] == '\0') {
		*out = (double)whole;
		return true;
	}
	n = 0;
	s = skip_spaces(s);
	for (; *s && *s != ' ' && *s != '\t'; s++) {
		if (*s >= '0' && *s <= '9') {
			digits = true;
		} else if ((*s == '.' || (decimal_sep == ',' && *s == ',')) && !seen_sep &&
			   digits) {
			seen_sep = true;
		} else {
			return false;
		}
		if (n + 1 >= sizeof buf)
			return false;
		buf[n++] = *s == ',' ? '.' : *s;
	}
	if (!digits || !only_spaces(s) || (n && buf[n - 1] == '.'))
		return false;
	buf[n] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno || *end || !isfinite(v))
		return false;
	*out = v;
	return true;
}

void now_iso(char out[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L);
}

static bool digits(const char *p, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		*out = *out * 10 + (p[i] - '0');
	}
	return true;
}

/* The zone of an ISO time: Z, or +HH:MM / -HH:MM (the colon optional), in
 * seconds east of UTC.  Returns the rest of the text, or NULL. */
static const char *iso_zone(const char *p, long *east)
{
	int oh, om;
	long sign = *p == '-' ? -1 : 1;

	if (*p == 'Z' || *p == 'z') {
		*east = 0;
		return p + 1;
	}
	if ((*p != '+' && *p != '-') || !digits(p + 1, 2, &oh))
		return NULL;
	p += 3;
	if (*p == ':')
		p++;
	if (!digits(p, 2, &om) || oh > 14 || om > 59)
		return NULL;
	*east = sign * ((long)oh * 3600 + (long)om * 60);
	return p + 2;
}

bool time_parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	int y, mo, dd, hh, mi, ss = 0;
	long east;
	const char *p = s;
	time_t t;

	if (!s || !digits(p, 4, &y) || p[4] != '-' || !digits(p + 5, 2, &mo) || p[7] != '-' ||
	    !digits(p + 8, 2, &dd) || (p[10] != 'T' && p[10] != ' ') || !digits(p + 11, 2, &hh) ||
	    p[13] != ':' || !digits(p + 14, 2, &mi))
		return false;
	p += 16;
	if (*p == ':') {
		if (!digits(p + 1, 2, &ss))
			return false;
		p += 3;
		if (*p == '.' || *p == ',')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	p = iso_zone(p, &east);
	if (!p || *p || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 60)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = dd;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return false;
	*out = t - east;
	return true;
}

bool time_vn(const char *iso, char out[TIME_VN_MAX])
{
	time_t t;
	struct tm tm;
	size_t n;

	if (time_parse_iso(iso, &t)) {
		t += 7 * 3600; /* Vietnam keeps UTC+7 all year */
		gmtime_r(&t, &tm);
		int year = tm.tm_year + 1900;
		if (year < 0 || year > 9999) {
			snprintf(out, TIME_VN_MAX, "%02d:%02d ngày %02d/%02d/%04d (giờ Việt Nam)",
				 tm.tm_hour, tm.tm_min, tm.tm_mday, tm.tm_mon + 1, year);
			return true;
		}
		/* The same text without printf: every page lists a time per input. */
		{
			static const char tail[] = " (giờ Việt Nam)";
			char *o = out;
			int two[4] = {tm.tm_hour, tm.tm_min, tm.tm_mday, tm.tm_mon + 1};
			const char *sep[4] = {":", " ngày ", "/", "/"};
			for (int k = 0; k < 4; k++) {
				*o++ = (char)('0' + two[k] / 10 % 10);
				*o++ = (char)('0' + two[k] % 10);
				memcpy(o, sep[k], strlen(sep[k]));
				o += strlen(sep[k]);
			}
			for (int div = 1000; div > 0; div /= 10)
				*o++ = (char)('0' + year / div % 10);
			memcpy(o, tail, sizeof tail);
		}
		return true;
	}
	/* Not a time: the text itself, cut on a character boundary. */
	n = iso ? strlen(iso) : 0;
	if (n >= TIME_VN_MAX) {
		n = TIME_VN_MAX - 1;
		while (n > 0 && ((unsigned char)iso[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, iso ? iso : "", n);
	out[n] = '\0';
	return false;
}

double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The rest of f (at most max bytes) into *out; closes f. */
static dti_err read_stream(FILE *f, const char *path, size_t max, char **out, size_t *len,
			   dti_diag *d)
{
	strbuf sb;
	char chunk[65536];
	size_t n;
	dti_err rc = DTI_EOK;

	sb_init(&sb, max);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		rc = sb_append(&sb, chunk, n);
		if (rc) {
			diag_set(d, rc, "'%s' is larger than %zu bytes", path, max);
			goto out;
		}
	}
	if (ferror(f)) {
		rc = diag_set(d, DTI_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (len)
		*len = sb.len;
	*out = sb_take(&sb);
out:
	fclose(f);
	if (rc)
		sb_free(&sb);
	return rc;
}

dti_err read_file(const char *path, size_t max, char **out, size_t *len, dti_diag *d)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		return diag_set(d, DTI_EIO, "cannot open '%s': %s", path, strerror(errno));
	return read_stream(f, path, max, out, len, d);
}

dti_err open_below(const char *dir, const char *rel, int *fd, dti_diag *d)
{
	int at = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	const char *p = rel;
	struct stat sb;

	*fd = -1;
	if (at < 0)
		return diag_set(d, DTI_ENOTFOUND, "cannot open '%s': %s", dir, strerror(errno));
	while (at >= 0) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char part[256];
		int next;
		if (n == 0 || n >= sizeof part || (n <= 2 && strncmp(p, "..", n) == 0)) {
			close(at);
			return diag_set(d, DTI_ENOTFOUND, "'%s' is not a file name below '%s'", rel,
					dir);
		}
		memcpy(part, p, n);
		part[n] = '\0';
		next = openat(at, part,
			      O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
				      (slash ? O_DIRECTORY : O_NONBLOCK));
		close(at);
		if (next < 0)
			return diag_set(d, DTI_ENOTFOUND,
					"cannot open '%s/%s' (a link is not followed): %s", dir,
					rel, strerror(errno));
		if (!slash) {
			if (fstat(next, &sb) != 0 || !S_ISREG(sb.st_mode)) {
				close(next);
				return diag_set(d, DTI_ENOTFOUND, "'%s/%s' is not a regular file",
						dir, rel);
			}
			*fd = next;
			return DTI_EOK;
		}
		at = next;
		p = slash + 1;
	}
	return DTI_EOK;
}

dti_err read_fd(int fd, const char *name, size_t max, char **out, size_t *len, dti_diag *d)
{
	FILE *f = fdopen(fd, "rb");

	if (!f) {
		close(fd);
		return diag_set(d, DTI_EIO, "cannot read '%s': %s", name, strerror(errno));
	}
	return read_stream(f, name, max, out, len, d);
}

bool sheet_text_is_formula(const char *s)
{
	return s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
}

const char *sheet_text_unguard(const char *s)
{
	return s[0] == '\'' && sheet_text_is_formula(s + 1) ? s + 1 : s;
}

dti_err sb_csv_field(strbuf *sb, const char *s, bool text)
{
	const char *guard = text && sheet_text_is_formula(s) ? "'" : "";
	dti_err rc = DTI_EOK;

	if (!strpbrk(s, ",;\"\r\n")) {
		rc = sb_appends(sb, guard);
		return rc ? rc : sb_appends(sb, s);
	}
	rc = sb_appends(sb, "\"");
	if (!rc)
		rc = sb_appends(sb, guard);
	for (const char *p = s; !rc && *p; p++)
		rc = *p == '"' ? sb_append(sb, "\"\"", 2) : sb_append(sb, p, 1);
	return rc ? rc : sb_appends(sb, "\"");
}

static char *sync_later_dir;     /* output_sync_later */
static int sync_later_mask = -1; /* the umask then (umask_read) */
/* The files put in place under it, by their paths under it, texts in an
 * arena; sorted by output_remove_unwritten to be looked up.  About 34
 * bytes a file, where a map of the whole paths took about 100. */
static struct {
	arena texts;
	const char **items;
	size_t n, cap;
} later_written;

/* The process's umask, read without setting it (umask(2) sets it, for a
 * moment, for every thread of dti-web): -1 when it cannot be read. */
static int umask_read(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned m;
	int mask = -1;

	while (f && mask < 0 && fgets(line, sizeof line, f))
		if (sscanf(line, "Umask: %o", &m) == 1)
			mask = (int)(m & 0777);
	if (f)
		fclose(f);
	return mask;
}

void output_sync_later(const char *dir)
{
	free(sync_later_dir);
	sync_later_dir = dir ? xstrdup(dir) : NULL;
	sync_later_mask = dir ? umask_read() : -1;
	arena_free(&later_written.texts);
	free(later_written.items);
	memset(&later_written, 0, sizeof later_written);
}

/* path's part under the folder output_sync_later named, or NULL. */
static const char *later_part(const char *path)
{
	size_t n = sync_later_dir ? strlen(sync_later_dir) : 0;

	return n && strncmp(path, sync_later_dir, n) == 0 && path[n] == '/' ? path + n + 1 : NULL;
}

/* Whether path is under the folder output_sync_later named. */
static bool synced_later(const char *path)
{
	return later_part(path) != NULL;
}

void output_written(const char *path)
{
	const char *part = later_part(path);

	if (!part)
		return;
	if (later_written.n == later_written.cap) {
		later_written.cap = later_written.cap ? 2 * later_written.cap : 256;
		later_written.items = xrealloc(later_written.items,
					       later_written.cap * sizeof *later_written.items);
	}
	later_written.items[later_written.n++] = arena_strdup(&later_written.texts, part);
}

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether output_written recorded part (later_written sorted). */
static bool was_written(const char *part)
{
	return part && later_written.n &&
	       bsearch(&part, later_written.items, later_written.n, sizeof *later_written.items,
		       cmp_text) != NULL;
}

typedef void dir_entry_fn(void *ctx, const char *sub, const struct stat *st);

/* fn(ctx, sub, &st) for each entry of folder path but "." and ".." (sub
 * its path, st its lstat; one that vanished meanwhile is passed over).
 * False when path cannot be read. */
static bool dir_each(const char *path, dir_entry_fn *fn, void *ctx)
{
	DIR *h = opendir(path);
	struct dirent *e;

	while (h && (e = readdir(h)) != NULL) {
		char *sub;
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = xasprintf("%s/%s", path, e->d_name);
		if (lstat(sub, &st) == 0)
			fn(ctx, sub, &st);
		free(sub);
	}
	if (h)
		closedir(h);
	return h != NULL;
}

static bool remove_unwritten(const char *dir);

/* remove_unwritten of one entry; *any: something is left. */
static void unwritten_entry(void *any, const char *sub, const struct stat *st)
{
	const char *part = later_part(sub);

	if (S_ISDIR(st->st_mode) ? remove_unwritten(sub) : !part || was_written(part))
		*(bool *)any = true;
	else if (S_ISDIR(st->st_mode))
		rmdir(sub);
	else
		unlink(sub);
}

/* Removes under dir what output_written did not record: files, and the
 * folders left empty.  True when dir is left holding something. */
static bool remove_unwritten(const char *dir)
{
	bool any = false;

	dir_each(dir, unwritten_entry, &any);
	return any;
}

void output_remove_unwritten(void)
{
	if (!sync_later_dir)
		return;
	if (later_written.n)
		qsort(later_written.items, later_written.n, sizeof *later_written.items, cmp_text);
	remove_unwritten(sync_later_dir);
}

/* Linux's (fcntl.h gives them with _GNU_SOURCE only). */
#ifndef F_SETLEASE
#define F_SETLEASE 1024
#endif
#ifndef F_SETSIG
#define F_SETSIG 10
#endif

/* Whether nobody else has fd's file open: a reader of the report it was
 * still reading it (a download dti-web sends from its descriptor, a
 * backup) would read bytes of two reports were it written over.  A write
 * lease is granted only to the one open description of a file, and is
 * given back at once: nobody can open the file meanwhile but through
 * the hidden kept report, and were somebody to, the lease's break signal
 * is SIGURG, which is ignored unless handled (dti handles none). */
static bool open_alone(int fd)
{
	if (fcntl(fd, F_SETSIG, SIGURG) != 0 || fcntl(fd, F_SETLEASE, F_WRLCK) != 0)
		return false;
	fcntl(fd, F_SETLEASE, F_UNLCK);
	return true;
}

/* The descriptor to write path's bytes into.  Under the folder
 * output_sync_later named, a file already there (left by the publication
 * two runs ago: dir_replace keeps the folder it replaces for the next
 * one) is written over in place, its inode and blocks kept, so that a
 * nightly publish neither makes nor deletes thousands of files; the
 * caller cuts it to the length written (output_cut).  Anything else there
 * is removed and made anew: a symbolic link is never followed, a file
 * with other names (a hard link) never written through, and a FIFO never
 * waited on.  Elsewhere the file is made or emptied. */
static int output_fd(const char *path)
{
	struct stat sb;
	int fd;

	if (!synced_later(path))
		return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	/* Ours, with the mode a file made now gets (else it would be
	 * published as another user's, or with an earlier umask's mode), and
	 * open nowhere else. */
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_nlink == 1 &&
	    sb.st_uid == geteuid() && sync_later_mask >= 0 &&
	    (sb.st_mode & 07777) == (0666 & ~(mode_t)sync_later_mask) && open_alone(fd) &&
	    fcntl(fd, F_SETFL, 0) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	if (unlink(path) != 0 && errno == EISDIR)
		dir_remove(path); /* a folder where the file goes */
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
}

/* A file written over in place (output_fd) cut to the len bytes written. */
static bool output_cut(const char *path, int fd, off_t len)
{
	return !synced_later(path) || ftruncate(fd, len) == 0;
}

/* Where a file for path is written before it is in place: path itself
 * in a folder put in place whole (dir_replace), which is not seen before
 * that, so no rename each; else a temporary beside it. */
static char *output_tmp_path(const char *path)
{
	return synced_later(path) ? xstrdup(path) : xasprintf("%s.tmp.%ld", path, (long)getpid());
}

dti_err output_open(output_file *o, const char *path, dti_diag *d)
{
	int fd;

	o->path = xstrdup(path);
	o->tmp = output_tmp_path(path);
	fd = output_fd(o->tmp);
	o->f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!o->f && fd >= 0)
		close(fd);
	if (!o->f) {
		dti_err rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", o->tmp, strerror(errno));
		output_abort(o);
		return rc;
	}
	return DTI_EOK;
}

dti_err output_write(output_file *o, const void *data, size_t len, dti_diag *d)
{
	if (len && fwrite(data, 1, len, o->f) != len)
		return diag_set(d, DTI_EIO, "cannot write '%s': %s", o->tmp, strerror(errno));
	return DTI_EOK;
}

dti_err output_flush(output_file *o, strbuf *sb, dti_diag *d)
{
	dti_err rc = output_write(o, sb->data, sb->len, d);

	sb_reset(sb);
	return rc;
}

dti_err output_flush_past(output_file *o, size_t n, strbuf *sb, bool whole, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	if (!whole && sb->len < OUTPUT_HELD)
		return DTI_EOK;
	for (size_t k = 0; !rc && k + 1 < n; k++)
		rc = output_write(&o[k], sb->data, sb->len, d);
	return rc || !n ? rc : output_flush(&o[n - 1], sb, d);
}

dti_err output_commit(output_file *o, FILE *paths, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	if (fflush(o->f) != 0 || !output_cut(o->tmp, fileno(o->f), ftello(o->f)) ||
	    (!synced_later(o->path) && fsync(fileno(o->f)) != 0))
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", o->tmp, strerror(errno));
	if (fclose(o->f) != 0 && !rc)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", o->tmp, strerror(errno));
	o->f = NULL;
	if (!rc && strcmp(o->tmp, o->path) != 0 && rename(o->tmp, o->path) != 0)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", o->path, strerror(errno));
	if (!rc)
		output_written(o->path);
	if (!rc && paths)
		fprintf(paths, "%s\n", o->path);
	if (rc)
		unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	o->path = o->tmp = NULL;
	return rc;
}

void output_abort(output_file *o)
{
	if (o->f) {
		fclose(o->f);
		unlink(o->tmp);
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
}

/* As output_open, output_write and output_commit would write it, in one
 * write of the descriptor: no stdio buffer (which would copy the data,
 * stat the file and write it in two or more pieces), for each of the
 * report's thousands of pages. */
static dti_err write_whole(const char *path, const void *data, size_t len, FILE *paths, dti_diag *d)
{
	char *tmp = output_tmp_path(path);
	const char *p = data;
	dti_err rc = DTI_EOK;
	const size_t whole = len;
	int fd = output_fd(tmp);

	if (fd < 0) {
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", tmp, strerror(errno));
		free(tmp);
		return rc;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", tmp,
				      strerror(n < 0 ? errno : EIO));
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!rc && (!output_cut(tmp, fd, (off_t)whole) || (!synced_later(path) && fsync(fd) != 0)))
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (!rc && strcmp(tmp, path) != 0 && rename(tmp, path) != 0)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (!rc)
		output_written(path);
	if (!rc && paths)
		fprintf(paths, "%s\n", path);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

dti_err write_file_atomic(const char *path, const void *data, size_t len, dti_diag *d)
{
	return write_whole(path, data, len, NULL, d);
}

dti_err write_output(const char *dir, const char *name, const strbuf *sb, FILE *paths, dti_diag *d)
{
	char *path = xasprintf("%s/%s", dir, name);
	dti_err rc = write_whole(path, sb->data ? sb->data : "", sb->len, paths, d);

	free(path);
	return rc;
}

dti_err make_dirs(const char *path, dti_diag *d)
{
	char *p = xstrdup(path);
	dti_err rc = DTI_EOK;

	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0775) != 0 && errno != EEXIST) {
				rc = diag_set(d, DTI_EIO, "cannot create folder '%s': %s", p,
					      strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

/* A tree being removed (remove) or its folders synced; ok: no folder
 * failed to be read or synced. */
typedef struct tree_walk {
	bool remove, ok;
} tree_walk;

static bool tree_apply(const char *path, bool remove);

static void tree_entry(void *ctx, const char *sub, const struct stat *st)
{
	tree_walk *t = ctx;

	if (S_ISDIR(st->st_mode))
		t->ok = tree_apply(sub, t->remove) && t->ok;
	else if (t->remove)
		unlink(sub);
}

/* Removes a tree (remove) or fsyncs each of its folders (!remove),
 * depth first; symbolic links are not followed.  False on the first
 * folder that cannot be read or synced. */
static bool tree_apply(const char *path, bool remove)
{
	tree_walk t = {remove, true};
	bool ok = dir_each(path, tree_entry, &t) && t.ok;
	int fd;

	if (remove) {
		rmdir(path);
		return ok;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ok = fd >= 0 && fsync(fd) == 0 && ok;
	if (fd >= 0)
		close(fd);
	return ok;
}

void dir_remove(const char *path)
{
	struct stat sb;

	/* path itself may be a symbolic link (OUT/YEAR was one before a swap):
	 * the link goes, never what it points to. */
	if (lstat(path, &sb) == 0 && !S_ISDIR(sb.st_mode))
		unlink(path);
	else
		tree_apply(path, true);
}

/* dir_recycle of one entry: a plain file stays (output_fd judges it); a
 * folder of ours of the mode wanted (*want) is gone through; anything
 * else is removed. */
static void recycle_entry(void *want, const char *sub, const struct stat *st)
{
	mode_t mode = *(mode_t *)want;

	if (S_ISDIR(st->st_mode) && st->st_uid == geteuid() && (st->st_mode & 0777) == mode)
		dir_each(sub, recycle_entry, want);
	else if (!S_ISREG(st->st_mode))
		dir_remove(sub);
}

bool dir_recycle(const char *path)
{
	int mask = umask_read();
	mode_t want = 0775 & ~(mode_t)(mask < 0 ? 0 : mask);
	struct stat sb;

	if (mask < 0 || lstat(path, &sb) != 0 || !S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() ||
	    (sb.st_mode & 0777) != want)
		return false;
	dir_each(path, recycle_entry, &want);
	return true;
}

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* Swaps two existing paths in one step (Linux renameat2), or fails with
 * errno (ENOSYS, EINVAL where the file system cannot). */
static int rename_exchange(const char *a, const char *b)
{
#ifdef SYS_renameat2
	return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Every file of the file system holding dir on disk: one syncfs instead
 * of an fsync per file (sync where there is no syncfs). */
static bool sync_file_system(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	bool ok = fd >= 0;

#ifdef SYS_syncfs
	if (ok && syscall(SYS_syncfs, fd) != 0) {
		if (errno == ENOSYS)
			sync();
		else
			ok = false;
	}
#else
	if (ok)
		sync();
#endif
	if (fd >= 0)
		close(fd);
	return ok;
}

dti_err dir_replace(const char *new_dir, const char *path, const char *keep, dti_diag *d)
{
	char *parent = xstrdup(path), *slash = strrchr(parent, '/'), *old = NULL;
	struct stat sb;
	dti_err rc = DTI_EOK;

	if (!sync_file_system(new_dir) || !tree_apply(new_dir, false)) {
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", new_dir, strerror(errno));
		goto out;
	}
	if (lstat(path, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		/* A symbolic link or a file there is not a folder of ours. */
		rc = diag_set(d, DTI_EIO,
			      "cannot replace '%s': it is %s, not a folder; remove it or publish "
			      "elsewhere",
			      path, S_ISLNK(sb.st_mode) ? "a symbolic link" : "a file");
	} else if (lstat(path, &sb) != 0) {
		if (rename(new_dir, path) != 0)
			rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", path, strerror(errno));
	} else if (rename_exchange(new_dir, path) == 0) {
		/* new_dir now holds the old folder: kept as keep, else removed. */
		struct stat kb;
		if (keep && lstat(keep, &kb) == 0)
			dir_remove(keep);
		if (!keep || rename(new_dir, keep) != 0)
			dir_remove(new_dir);
	} else {
		/* No exchange on this file system: the old folder is moved aside
		 * first, leaving a moment without one (never a mixed one). */
		old = xasprintf("%s.old.%ld", path, (long)getpid());
		if (rename(path, old) != 0) {
			rc = diag_set(d, DTI_EIO, "cannot replace '%s': %s", path, strerror(errno));
		} else if (rename(new_dir, path) != 0) {
			rc = diag_set(d, DTI_EIO, "cannot replace '%s': %s", path, strerror(errno));
			rename(old, path);
		} else {
			dir_remove(old);
		}
	}
	if (!rc && slash) {
		int fd;
		*slash = '\0';
		fd = open(*parent ? parent : "/", O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
out:
	free(parent);
	free(old);
	return rc;
}

char *path_relative_to(const char *base_file, const char *path)
{
	const char *slash;

	if (path[0] == '/' || !base_file)
		return xstrdup(path);
	slash = strrchr(base_file, '/');
	if (!slash)
		return xstrdup(path);
	return xasprintf("%.*s/%s", (int)(slash - base_file), base_file, path);
}

const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

size_t format_fixed(char out[64], double v, int decimals)
{
	/* v = m * 2^-s exactly; v * 10^decimals = m * 10^decimals / 2^s, an
	 * integer division in 128 bits rounded as glibc's printf rounds the
	 * exact value: to nearest, ties to even. */
	__extension__ typedef unsigned __int128 wide;
	static const uint64_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	double a = fabs(v);
	uint64_t n = 0, whole, frac;
	size_t len = 0;
	int e;

	if (!isfinite(v) || decimals < 0 || decimals > 6 || a >= 1e12)
		return (size_t)snprintf(out, 64, "%.*f", decimals, v);
	if (a > 0) {
		/* a = f * 2^e with 0.5 <= f < 1, m = f * 2^53: frexp and ldexp's,
		 * from the bits of a normal number. */
		uint64_t bits, m;
		int s;
		memcpy(&bits, &a, sizeof bits);
		if (bits >> 52) {
			m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
			e = (int)(bits >> 52) - 1022;
		} else {
			m = (uint64_t)ldexp(frexp(a, &e), 53);
		}
		s = 53 - e; /* > 13: a < 2^40 */
		wide prod = (wide)m * pow10[decimals];
		if (s < 127) {
			wide q = prod >> s, rem = prod - (q << s), half = (wide)1 << (s - 1);
			n = (uint64_t)q + (rem > half || (rem == half && (q & 1)));
		}
	}
	if (signbit(v))
		out[len++] = '-';
	whole = n / pow10[decimals];
	frac = n % pow10[decimals];
	len += format_whole(out + len, (long long)whole);
	if (decimals > 0) {
		out[len++] = '.';
		for (int k = decimals - 1; k >= 0; k--, frac /= 10)
			out[len + (size_t)k] = (char)('0' + frac % 10);
		len += (size_t)decimals;
	}
	out[len] = '\0';
	return len;
}

/* a * 10^t as an integer, cut (*round_up: whether printf, rounding to
 * nearest with ties to even, would round it up), for 2^-17 < a < 2^50 and
 * 0 <= t <= 22 (the product fits in 128 bits); see format_fixed. */
static uint64_t scaled(double a, int t, bool *round_up)
{
	__extension__ typedef unsigned __int128 wide;
	wide p10 = 1, prod, q, rem, half;
	int e;
	uint64_t m = (uint64_t)ldexp(frexp(a, &e), 53);
	int s = 53 - e; /* 3 to 69 */

	for (int k = 0; k < t; k++)
		p10 *= 10;
	prod = (wide)m * p10;
	q = prod >> s;
	rem = prod - (q << s);
	half = (wide)1 << (s - 1);
	*round_up = rem > half || (rem == half && (q & 1));
	return (uint64_t)q;
}

size_t format_general(char out[40], double v, int precision, bool upper)
{
	static const uint64_t pow10[] = {1ULL,
					 10ULL,
					 100ULL,
					 1000ULL,
					 10000ULL,
					 100000ULL,
					 1000000ULL,
					 10000000ULL,
					 100000000ULL,
					 1000000000ULL,
					 10000000000ULL,
					 100000000000ULL,
					 1000000000000ULL,
					 10000000000000ULL,
					 100000000000000ULL,
					 1000000000000000ULL,
					 10000000000000000ULL,
					 100000000000000000ULL};
	double a = fabs(v);
	char digits[24];
	uint64_t n;
	size_t len = 0;
	int k, nd;
	bool up;

	if (!(a >= 1e-5 && a < 1e15) || precision < 16 || precision > 17)
		return (size_t)snprintf(out, 40, upper ? "%.*G" : "%.*g", precision, v);
	/* The decimal exponent k of a, from log10 and then checked on the
	 * exact digits (cut, precision of them); the rounded ones may carry
	 * into the next power of ten, as printf's do. */
	k = (int)floor(log10(a));
	for (;;) {
		n = scaled(a, precision - 1 - k, &up);
		if (n >= pow10[precision])
			k++;
		else if (n < pow10[precision - 1])
			k--;
		else
			break;
	}
	if (up && ++n == pow10[precision]) {
		n = pow10[precision - 1];
		k++;
	}
	for (nd = precision; nd > 1 && n % 10 == 0; nd--)
		n /= 10; /* %g drops trailing zeros */
	for (int i = nd - 1; i >= 0; i--, n /= 10)
		digits[i] = (char)('0' + n % 10);
	if (v < 0)
		out[len++] = '-';
	if (k < -4 || k >= precision) {
		out[len++] = digits[0];
		if (nd > 1) {
			out[len++] = '.';
			memcpy(out + len, digits + 1, (size_t)nd - 1);
			len += (size_t)nd - 1;
		}
		len += (size_t)snprintf(out + len, 40 - len, "%c%c%02d", upper ? 'E' : 'e',
					k < 0 ? '-' : '+', k < 0 ? -k : k);
	} else if (k >= 0) {
		/* k + 1 digits before the point, the rest after it. */
		for (int i = 0; i <= k; i++)
			out[len++] = i < nd ? digits[i] : '0';
		if (nd > k + 1) {
			out[len++] = '.';
			memcpy(out + len, digits + k + 1, (size_t)(nd - k - 1));
			len += (size_t)(nd - k - 1);
		}
	} else {
		out[len++] = '0';
		out[len++] = '.';
		for (int i = 0; i < -k - 1; i++)
			out[len++] = '0';
		memcpy(out + len, digits, (size_t)nd);
		len += (size_t)nd;
	}
	out[len] = '\0';
	return len;
}

dti_err sb_append_fixed(strbuf *sb, double v, int decimals)
{
	char b[64];

	return sb_append(sb, b, format_fixed(b, v, decimals));
}

void format_number(char out[64], double v)
{
	size_t n;

	if (fabs(v) < 5e-7)
		v = 0.0; /* no "-0" */
	if (v == floor(v) && fabs(v) < 1e15) {
		/* Whole numbers, most scores, as "%.6f" trimmed would give them. */
		format_whole(out, (long long)v);
		return;
	}
	n = format_fixed(out, v, 6);
	while (n > 1 && out[n - 1] == '0')
		out[--n] = '\0';
	if (n > 1 && out[n - 1] == '.')
		out[--n] = '\0';
}

long double pow10_exact(int k)
{
	static const long double p10[] = {
		1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
		1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
		1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L,
	};

	return p10[k];
}

dti_err sb_append_roundtrip(strbuf *sb, double v)
{
	dti_err rc = sb_grow(sb, 40);

	if (!rc)
		sb->len += format_roundtrip(sb->data + sb->len, v);
	return rc;
}

size_t format_roundtrip(char out[40], double v)
{
	if (v == 0 && signbit(v)) {
		memcpy(out, "-0.0", 5);
		return 4;
	}
	if (v == floor(v) && fabs(v) < 1e15)
		return format_whole(out, (long long)v);
	/* Seventeen significant digits read back as the same double. */
	return format_general(out, v, 17, false);
}
