/* page_report.c — the leaders' report: the pages `dti publish` wrote
 * (the year's provisional result in OUT/YEAR/, the official one in
 * OUT/official-YEAR/), served as they are to signed-in staff, so what a
 * viewer reads is what was published, number for number.  The report
 * styles itself with one inline <style>: its page gets a policy that
 * allows that style by its hash and nothing else. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "web.h"

/* A page is read once, a block at a time, for the hashes of its inline
 * styles (its policy): a request holds a block of it, not the page (a
 * national data-quality page is 42 MB); it is then sent from the file, as
 * the exports are. */
#define CSP_BLOCK 65536

/* Whether OUT/<rel> is a regular file reached through no link, in any of
 * its parts (open_below). */
static bool published(const web_req *r, const char *rel)
{
	dti_diag d;
	int fd;

	if (open_below(r->app->core.cfg->output_dir, rel, &fd, &d))
		return false;
	close(fd);
	return true;
}

int page_report(web_req *r)
{
	char prov[64], off[64];
	int year = r->app->core.year;
	bool has_prov, has_off;

	snprintf(prov, sizeof prov, "%d/report/index.html", year);
	snprintf(off, sizeof off, "official-%d/report/index.html", year);
	has_prov = published(r, prov);
	has_off = published(r, off);
	page_begin(r, "Báo cáo");
	PAGE(r, "<ul id=\"reports\">");
	if (has_off) {
		PAGE(r, "<li><a id=\"report-official\" href=\"/report/");
		page_text(r, off);
		PAGE(r, "\">Kết quả chính thức năm ");
		page_int(r, year);
		PAGE(r, "</a></li>");
	}
	if (has_prov) {
		PAGE(r, "<li><a id=\"report-provisional\" href=\"/report/");
		page_text(r, prov);
		PAGE(r, "\">Kết quả tạm tính năm ");
		page_int(r, year);
		PAGE(r, " (bản công bố gần nhất)</a></li>");
	}
	PAGE(r, "</ul>");
	if (!has_prov && !has_off)
		PAGE(r, "<p id=\"no-report\">Chưa có báo cáo nào được công bố cho năm này.</p>");
	page_end(r);
	return 200;
}

static bool name_chars(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* rel is YEAR/ or official-YEAR/, then report/NAME.html, NAME.csv,
 * NAME.json or excel/NAME.csv; *ext receives the extension. */
static bool report_path_ok(const char *rel, const char **ext)
{
	const char *p = rel, *dot;

	if (strncmp(p, "official-", 9) == 0)
		p += 9;
	for (int i = 0; i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	if (p[4] != '/')
		return false;
	p += 5;
	if (strncmp(p, "report/", 7) == 0)
		p += 7;
	else if (strncmp(p, "excel/", 6) == 0)
		p += 6;
	dot = strchr(p, '.');
	if (!dot || !name_chars(p, (size_t)(dot - p)))
		return false;
	*ext = dot + 1;
	if (strcmp(*ext, "html") == 0)
		return strstr(rel, "/report/") != NULL;
	return (strcmp(*ext, "csv") == 0 || strcmp(*ext, "json") == 0) &&
	       strstr(rel, "/report/") == NULL;
}

/* An inline style being read: its hash, and the policy it goes into. */
typedef struct csp_scan {
	strbuf sb;
	bool inside; /* after a "<style>", before its "</style>" */
	crypto_hash_sha256_state h;
} csp_scan;

/* The styles begun and ended in buf[0 .. n) into c's policy; how many of
 * its bytes are done with (the rest, which may begin a tag, comes again
 * before the next block; at the end, all of them). */
static size_t csp_block(csp_scan *c, const char *buf, size_t n, bool end)
{
	size_t done = 0;

	for (;;) {
		const char *tag = c->inside ? "</style>" : "<style>";
		size_t k = strlen(tag), keep;
		const char *p = memmem(buf + done, n - done, tag, k);
		if (!p) {
			keep = end ? 0 : n - done < k - 1 ? n - done : k - 1;
			if (c->inside)
				crypto_hash_sha256_update(&c->h, (const unsigned char *)buf + done,
							  n - done - keep);
			return n - keep;
		}
		if (c->inside) {
			unsigned char h[crypto_hash_sha256_BYTES];
			char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
							   sodium_base64_VARIANT_ORIGINAL)];
			crypto_hash_sha256_update(&c->h, (const unsigned char *)buf + done,
						  (size_t)(p - buf) - done);
			crypto_hash_sha256_final(&c->h, h);
			sodium_bin2base64(b64, sizeof b64, h, sizeof h,
					  sodium_base64_VARIANT_ORIGINAL);
			sb_appendf(&c->sb, " 'sha256-%s'", b64);
		} else {
			crypto_hash_sha256_init(&c->h);
		}
		c->inside = !c->inside;
		done = (size_t)(p - buf) + k;
	}
}

/* The policy of the report page fd, size bytes: its inline styles by
 * their SHA-256 (a style not closed has none).  NULL when the page cannot
 * be read whole. */
static char *report_csp(int fd, uint64_t size)
{
	char *buf = xmalloc(CSP_BLOCK + 8);
	csp_scan c = {.inside = false};
	uint64_t at = 0;
	size_t have = 0;
	bool end = false;

	sb_init(&c.sb, 0);
	sb_appends(&c.sb, "default-src 'none'; style-src");
	while (!end) {
		size_t want = size - at < CSP_BLOCK ? (size_t)(size - at) : CSP_BLOCK, done;
		ssize_t n = want ? pread(fd, buf + have, want, (off_t)at) : 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n == 0 && want)) {
			free(buf);
			sb_free(&c.sb);
			return NULL;
		}
		at += (uint64_t)n;
		have += (size_t)n;
		end = at >= size;
		done = csp_block(&c, buf, have, end);
		memmove(buf, buf + done, have - done);
		have -= done;
	}
	free(buf);
	sb_appends(&c.sb, "; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
			  "base-uri 'none'");
	return sb_take(&c.sb);
}

/* ---- the policies of the large pages, kept ---------------------------- */

/* A page of more than a block is read for its styles once, not on every
 * request (a national data-quality page is 42 MB): its policy is kept by
 * the file's identity (device, inode, size, modification and change
 * times).  A page published again is another file, or the same one
 * written over in its folder's spare (its times change: the kept report
 * is written over only while nobody holds it open, and never while it is
 * published).  Only a page whose times are CSP_SETTLED seconds old and did
 * not change while it was read is kept: a file system whose clock moves in
 * ticks (whole seconds on some) could give a page changed again within a
 * tick, or removed and made anew on the same inode, the same times. */
typedef struct csp_kept {
	struct stat st;
	char *csp; /* NULL: a free slot */
	uint64_t used;
} csp_kept;

enum { CSP_KEPT = 32, CSP_SETTLED = 2 };
static csp_kept kept[CSP_KEPT];
static uint64_t kept_clock;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       same_time(a->st_mtim, b->st_mtim) && same_time(a->st_ctim, b->st_ctim);
}

/* Whether page fd is still as st says, and was last changed CSP_SETTLED
 * seconds ago or more. */
static bool settled(int fd, const struct stat *st)
{
	struct stat again;
	struct timespec now;

	return fstat(fd, &again) == 0 && same_file(&again, st) &&
	       clock_gettime(CLOCK_REALTIME, &now) == 0 &&
	       now.tv_sec - st->st_mtim.tv_sec > CSP_SETTLED &&
	       now.tv_sec - st->st_ctim.tv_sec > CSP_SETTLED;
}

/* A copy of the policy kept for the file, or NULL. */
static char *csp_kept_get(const struct stat *st)
{
	char *csp = NULL;

	pthread_mutex_lock(&kept_lock);
	for (size_t i = 0; i < CSP_KEPT && !csp; i++)
		if (kept[i].csp && same_file(&kept[i].st, st)) {
			kept[i].used = ++kept_clock;
			csp = xstrdup(kept[i].csp);
		}
	pthread_mutex_unlock(&kept_lock);
	return csp;
}

/* Keeps a copy of csp for the file, in the place of its earlier policy
 * (the same inode) or of the one used least lately. */
static void csp_kept_put(const struct stat *st, const char *csp)
{
	size_t at = 0;

	pthread_mutex_lock(&kept_lock);
	for (size_t i = 0; i < CSP_KEPT; i++) {
		if (kept[i].csp && kept[i].st.st_dev == st->st_dev &&
		    kept[i].st.st_ino == st->st_ino) {
			at = i;
			break;
		}
		if (!kept[i].csp || kept[i].used < kept[at].used)
			at = i;
	}
	free(kept[at].csp);
	kept[at] = (csp_kept){*st, xstrdup(csp), ++kept_clock};
	pthread_mutex_unlock(&kept_lock);
}

/* The policy of page fd (report_csp), from what is kept for a large one. */
static char *page_csp(int fd, const struct stat *st, const char *rel)
{
	char *csp;

	if (st->st_size <= CSP_BLOCK)
		return report_csp(fd, (uint64_t)st->st_size);
	csp = csp_kept_get(st);
	if (csp)
		return csp;
	csp = report_csp(fd, (uint64_t)st->st_size);
	if (csp) {
		log_info("report: the styles of '%s' read for its policy (%lld bytes)", rel,
			 (long long)st->st_size);
		if (settled(fd, st))
			csp_kept_put(st, csp);
	}
	return csp;
}

int page_report_file(web_req *r)
{
	const char *rel = r->path + strlen("/report/"), *ext = NULL;
	struct stat sb;
	dti_diag d;
	int fd = -1;

	/* Read through the descriptor checked: no link in any part of rel. */
	if (!report_path_ok(rel, &ext) ||
	    open_below(r->app->core.cfg->output_dir, rel, &fd, &d) != DTI_EOK)
		return page_message(r, 404, "Không tìm thấy", "Không có trang báo cáo này.");
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return page_message(r, 404, "Không tìm thấy", "Không đọc được trang báo cáo này.");
	}
	if (strcmp(ext, "html") == 0) {
		r->csp = page_csp(fd, &sb, rel);
		if (!r->csp) {
			log_error("report: cannot read '%s' (%lld bytes)", rel,
				  (long long)sb.st_size);
			close(fd);
			return page_message(r, 404, "Không tìm thấy",
					    "Không đọc được trang báo cáo này.");
		}
	} else {
		r->content_type =
			strcmp(ext, "csv") == 0 ? "text/csv; charset=utf-8" : "application/json";
		r->disposition = xstrdup("attachment");
	}
	/* Sent from the file as the size read (a file is written whole before
	 * it is published, and never grows in place). */
	r->has_file = true;
	r->file_fd = fd;
	r->file_size = (uint64_t)sb.st_size;
	return 200;
}
