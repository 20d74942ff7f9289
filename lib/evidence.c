/* evidence.c — uploaded evidence: checked by content, kept
 * content-addressed outside any served folder (see evidence.h). */
#include "evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "form.h"
#include "util.h"

dti_err evidence_store_get(const config *c, evidence_store *out, dti_diag *d)
{
	json_t *web = json_object_get(c->root, "web");
	json_t *max = web ? json_object_get(web, "evidence_max_bytes") : NULL;
	char *dir = NULL;

	memset(out, 0, sizeof *out);
	if (web && !json_is_object(web))
		return diag_set(d, DTI_ECONFIG, "%s: \"web\" must be an object", c->path);
	if (web && json_object_get(web, "evidence_dir") &&
	    !json_is_string(json_object_get(web, "evidence_dir")))
		return diag_set(d, DTI_ECONFIG, "%s: web.evidence_dir must be a folder name",
				c->path);
	if (max && (!json_is_integer(max) || json_integer_value(max) < 1024 ||
		    json_integer_value(max) > (json_int_t)1 << 30))
		return diag_set(d, DTI_ECONFIG,
				"%s: web.evidence_max_bytes must be a whole number of bytes from "
				"1024 to 1073741824",
				c->path);
	dir = web ? config_path(c, web, "evidence_dir") : NULL;
	if (!dir) {
		/* Beside the database, which no web server serves either. */
		const char *base = path_base(c->database);
		size_t n = (size_t)(base - c->database);
		dir = n ? xasprintf("%.*sevidence", (int)n, c->database) : xstrdup("evidence");
	}
	/* The published report is served (dti-web's /report/…, a web server):
	 * evidence never lives under it. */
	if (c->output_dir && strncmp(dir, c->output_dir, strlen(c->output_dir)) == 0 &&
	    (dir[strlen(c->output_dir)] == '/' || dir[strlen(c->output_dir)] == '\0')) {
		dti_err rc = diag_set(d, DTI_ECONFIG,
				      "%s: web.evidence_dir '%s' is inside output_dir, which is "
				      "published: keep evidence outside it",
				      c->path, dir);
		free(dir);
		return rc;
	}
	out->dir = dir;
	out->max_bytes = max ? (size_t)json_integer_value(max) : EVIDENCE_MAX_DEFAULT;
	return DTI_EOK;
}

void evidence_store_free(evidence_store *es)
{
	free(es->dir);
	memset(es, 0, sizeof *es);
}

/* The last occurrence of needle in the last `window` bytes of b. */
static bool tail_has(const unsigned char *b, size_t len, size_t window, const char *needle)
{
	size_t n = strlen(needle), from = len > window ? len - window : 0;

	for (size_t i = len >= n ? len - n + 1 : 0; i-- > from;)
		if (memcmp(b + i, needle, n) == 0)
			return true;
	return false;
}

/* A strict check of our own rather than libmagic (not a dependency of
 * dti): three types, each by its signature and its structure's two ends —
 * PDF: "%PDF-d.d" at byte 0 and "%%EOF" in the last KiB; PNG: the 8-byte
 * signature, an IHDR chunk first with a non-zero size, the IEND chunk
 * last; JPEG: SOI and a marker at byte 0, EOI last (zero padding after it
 * allowed).  HTML, scripts, archives and office files fail all three; the
 * file is served back as an attachment with nosniff anyway. */
const char *evidence_sniff(const void *bytes, size_t len, char why[TEXT_WHY * 2])
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	static const unsigned char png_end[12] = {0,   0,   0,    0,    'I',  'E',
						  'N', 'D', 0xAE, 0x42, 0x60, 0x82};
	const unsigned char *b = bytes;
	size_t end = len;

	if (len >= 8 && memcmp(b, "%PDF-", 5) == 0) {
		if (b[5] >= '1' && b[5] <= '2' && b[6] == '.' && b[7] >= '0' && b[7] <= '9' &&
		    tail_has(b, len, 1024, "%%EOF"))
			return "application/pdf";
		snprintf(why, TEXT_WHY * 2, "tệp PDF không hoàn chỉnh (thiếu phần kết %%%%EOF)");
		return NULL;
	}
	if (len >= 8 && memcmp(b, png_sig, 8) == 0) {
		if (len >= 8 + 25 + 12 && memcmp(b + 8, "\0\0\0\rIHDR", 8) == 0 &&
		    memcmp(b + 16, "\0\0\0\0", 4) != 0 && memcmp(b + 20, "\0\0\0\0", 4) != 0 &&
		    memcmp(b + len - 12, png_end, 12) == 0)
			return "image/png";
		snprintf(why, TEXT_WHY * 2, "tệp PNG không hoàn chỉnh");
		return NULL;
	}
	if (len >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF && b[3] >= 0xC0 &&
	    b[3] != 0xFF) {
		while (end > 4 && b[end - 1] == 0)
			end--;
		if (end >= 6 && b[end - 2] == 0xFF && b[end - 1] == 0xD9)
			return "image/jpeg";
		snprintf(why, TEXT_WHY * 2, "tệp JPEG không hoàn chỉnh");
		return NULL;
	}
	snprintf(why, TEXT_WHY * 2,
		 "chỉ nhận tệp PDF, JPEG hoặc PNG (nội dung tệp không phải các loại này)");
	return NULL;
}

void evidence_display_name(const char *client_name, char out[EVIDENCE_MAX_NAME + 1])
{
	const char *s = client_name ? client_name : "";
	char *copy, *nfc;
	size_t n;

	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == '\\')
			s = p + 1;
	copy = text_printable(xstrdup(s)); /* invalid UTF-8, controls, bidi: '?' */
	nfc = text_nfc(copy);
	free(copy);
	copy = nfc ? nfc : xstrdup("");
	for (char *p = copy; *p; p++)
		if (*p == '\n' || *p == '"')
			*p = '_';
	text_trim(copy);
	n = strlen(copy);
	if (n > EVIDENCE_MAX_NAME) {
		n = EVIDENCE_MAX_NAME;
		while (n > 0 && ((unsigned char)copy[n] & 0xC0) == 0x80)
			n--;
	}
	if (n == 0 || strcmp(copy, ".") == 0 || strcmp(copy, "..") == 0)
		snprintf(out, EVIDENCE_MAX_NAME + 1, "tệp");
	else
		snprintf(out, EVIDENCE_MAX_NAME + 1, "%.*s", (int)n, copy);
	free(copy);
}

bool evidence_sha_ok(const char *s)
{
	size_t n = 0;

	for (; s && s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

/* dir/ab/abcdef…: two levels, so no folder holds every file. */
static char *file_path(const evidence_store *es, const char *sha)
{
	return xasprintf("%s/%.2s/%s", es->dir, sha, sha);
}

static dti_err sync_dir(const char *dir, dti_diag *d)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	dti_err rc = DTI_EOK;

	if (fd < 0 || fsync(fd) != 0)
		rc = diag_set(d, DTI_EIO, "cannot sync folder '%s': %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Writes bytes to a temporary file of its own (mkstemp: concurrent
 * uploads of one file never share it) in the file's folder, syncs it and
 * renames it to path, then syncs the folder. */
static dti_err write_synced(const char *sub, const char *path, const void *bytes, size_t len,
			    dti_diag *d)
{
	char *tmp = xasprintf("%s/.upload-XXXXXX", sub);
	const char *p = bytes;
	size_t left = len;
	int fd = mkstemp(tmp);
	dti_err rc = DTI_EOK;

	if (fd < 0) {
		rc = diag_set(d, DTI_EIO, "cannot write in '%s': %s", sub, strerror(errno));
		goto out;
	}
	while (!rc && left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", tmp, strerror(errno));
		else {
			p += w;
			left -= (size_t)w;
		}
	}
	if (!rc && fsync(fd) != 0)
		rc = diag_set(d, DTI_EIO, "cannot sync '%s': %s", tmp, strerror(errno));
	if (close(fd) != 0 && !rc)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path) != 0)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (rc)
		unlink(tmp);
	else
		rc = sync_dir(sub, d);
out:
	free(tmp);
	return rc;
}

/* The file in place under its SHA-256 (an identical one already there is
 * kept: same hash, same bytes). */
static dti_err keep_file(const evidence_store *es, const char *sha, const void *bytes, size_t len,
			 dti_diag *d)
{
	char *sub = xasprintf("%s/%.2s", es->dir, sha);
	char *path = file_path(es, sha);
	struct stat sb;
	dti_err rc = DTI_EOK;

	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size == len)
		goto out;
	if (mkdir(es->dir, 0700) != 0 && errno != EEXIST)
		rc = diag_set(d, DTI_EIO, "cannot create folder '%s': %s", es->dir,
			      strerror(errno));
	if (!rc && mkdir(sub, 0700) != 0 && errno != EEXIST)
		rc = diag_set(d, DTI_EIO, "cannot create folder '%s': %s", sub, strerror(errno));
	if (!rc)
		rc = write_synced(sub, path, bytes, len, d);
out:
	free(sub);
	free(path);
	return rc;
}

/* Sweeps the temporary files of one folder, open as fd (consumed). */
static dti_err sweep_folder(int fd, const char *path, time_t before, size_t *removed, dti_diag *d)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	struct stat sb;
	dti_err rc = DTI_EOK;

	if (!dir) {
		close(fd);
		return diag_set(d, DTI_EIO, "cannot read folder '%s': %s", path, strerror(errno));
	}
	while (!rc && (e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, ".upload-", 8) != 0 ||
		    fstatat(dirfd(dir), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode) || sb.st_mtime >= before)
			continue;
		if (unlinkat(dirfd(dir), e->d_name, 0) != 0 && errno != ENOENT)
			rc = diag_set(d, DTI_EIO, "cannot remove '%s/%s': %s", path, e->d_name,
				      strerror(errno));
		else
			(*removed)++;
	}
	closedir(dir);
	return rc;
}

/* The folder name of a store's subfolder: two lowercase hex digits. */
static bool is_sub(const char *name)
{
	return strlen(name) == 2 && strspn(name, "0123456789abcdef") == 2;
}

dti_err evidence_sweep(const evidence_store *es, time_t before, size_t *removed, dti_diag *d)
{
	size_t n = 0;
	int top = open(es->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *dir;
	struct dirent *e;
	dti_err rc = DTI_EOK;

	if (removed)
		*removed = 0;
	if (top < 0 && errno == ENOENT)
		return DTI_EOK;
	dir = top < 0 ? NULL : fdopendir(top);
	if (!dir) {
		if (top >= 0)
			close(top);
		return diag_set(d, DTI_EIO, "cannot read folder '%s': %s", es->dir,
				strerror(errno));
	}
	while (!rc && (e = readdir(dir)) != NULL) {
		char *sub;
		int fd;
		if (!is_sub(e->d_name))
			continue;
		fd = openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		if (fd < 0)
			continue; /* not a folder (or a link to one): never the store's */
		sub = xasprintf("%s/%s", es->dir, e->d_name);
		rc = sweep_folder(fd, sub, before, &n, d);
		free(sub);
	}
	closedir(dir);
	if (removed)
		*removed = n;
	return rc;
}

dti_err evidence_put(staging *st, const evidence_store *es, const framework *fw,
		     const char *commune_code, int year, const char *variable, const void *bytes,
		     size_t len, const char *client_name, const char *account, evidence_meta *out,
		     dti_diag *d)
{
	const fw_variable *v = framework_variable(fw, variable ? variable : "");
	char why[TEXT_WHY * 2], now[32];
	store_evidence row;
	dti_err rc;

	memset(out, 0, sizeof *out);
	if (!v || strcmp(v->source, FORM_SOURCE_WORD) != 0)
		return diag_set(d, DTI_EINVALID, "'%.60s' không phải là một mục của phiếu",
				variable ? variable : "");
	if (len == 0)
		return diag_set(d, DTI_EINVALID, "tệp rỗng");
	if (len > es->max_bytes)
		return diag_set(d, DTI_ELIMIT, "tệp lớn hơn giới hạn %zu byte (%zu MiB)",
				es->max_bytes, es->max_bytes >> 20);
	{
		int64_t files = 0, total = 0;
		rc = store_evidence_usage(st, commune_code, year, &files, &total, d);
		if (rc)
			return rc;
		if (files >= EVIDENCE_MAX_FILES)
			return diag_set(d, DTI_ELIMIT,
					"xã đã tải lên %lld tệp trong năm %d, tối đa là %d",
					(long long)files, year, EVIDENCE_MAX_FILES);
	}
	out->type = evidence_sniff(bytes, len, why);
	if (!out->type)
		return diag_set(d, DTI_EINVALID, "%s", why);
	sha256_hex(bytes, len, out->sha256);
	out->size = len;
	evidence_display_name(client_name, out->name);
	rc = keep_file(es, out->sha256, bytes, len, d);
	if (rc)
		return rc;
	now_iso(now);
	row = (store_evidence){0,         commune_code, year,    v->name, out->sha256, (int64_t)len,
			       out->type, out->name,    account, now};
	return store_evidence_put(st, &row, &out->id, d);
}

static dti_err take_file(void *ctx, const store_evidence *e)
{
	evidence_file *f = ctx;

	snprintf(f->type, sizeof f->type, "%s", e->type);
	snprintf(f->name, sizeof f->name, "%s", e->original_name);
	f->size = e->size;
	return DTI_EOK;
}

dti_err evidence_open(staging *st, const evidence_store *es, const char *commune_code,
		      const char *sha256, evidence_file *out, bool *found, dti_diag *d)
{
	dti_err rc;

	memset(out, 0, sizeof *out);
	*found = false;
	if (!evidence_sha_ok(sha256))
		return DTI_EOK; /* never a path from what a URL says */
	rc = store_evidence_find(st, commune_code, sha256, take_file, out, found, d);
	if (!rc && *found)
		out->path = file_path(es, sha256);
	return rc;
}

void evidence_file_free(evidence_file *f)
{
	free(f->path);
	memset(f, 0, sizeof *f);
}

void evidence_disposition(const char *name, char *out, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf sb;

	sb_init(&sb, 0);
	sb_appends(&sb, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue; /* one '_' for a whole character */
		char c = (*p < 0x80 &&
			  (*p == '.' || *p == '-' || *p == '_' || (*p >= '0' && *p <= '9') ||
			   ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z')))
				 ? (char)*p
				 : '_';
		sb_append(&sb, &c, 1);
	}
	sb_appends(&sb, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p < 0x80 && (*p == '.' || *p == '-' || *p == '_' || (*p >= '0' && *p <= '9') ||
				  ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))) {
			sb_append(&sb, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			sb_append(&sb, e, 3);
		}
	}
	snprintf(out, n, "%s", sb.data && sb.len < n ? sb.data : "attachment");
	sb_free(&sb);
}
