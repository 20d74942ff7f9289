#include "xlsx.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include "util.h"
#include "workbook.h"

dti_err xlsx_open(xlsx_out *x, const char *path, bool streaming, dti_diag *d)
{
	lxw_workbook_options opt = {0};

	memset(x, 0, sizeof *x);
	x->path = xstrdup(path);
	/* As output_open names its temporary file (util.h). */
	x->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	opt.constant_memory = streaming ? LXW_TRUE : LXW_FALSE;
	x->wb = workbook_new_opt(x->tmp, &opt);
	if (!x->wb) {
		free(x->path);
		free(x->tmp);
		memset(x, 0, sizeof *x);
		return diag_set(d, DTI_EIO, "cannot start workbook '%s'", path);
	}
	return DTI_EOK;
}

/* The rows' deflate stream is ISA-L's (igzip, level 1): on the national
 * export's 297 MB of sheet XML it takes a tenth of the CPU of zlib's
 * fastest level (0.27 s against 2.4 s, `igzip -1` against `gzip -1`) for
 * the same size (32.6 MB against 32.4), and zlib's level 1 was already a
 * third of libxlsxwriter's level 6.  The small pieces around the rows
 * (deflate_piece) stay zlib's: a member's stream may join pieces from
 * either, each ending on a byte boundary. */
enum { ROWS_LEVEL = 1, ROWS_CHUNK = 1 << 16, NUM_CACHE = 4096, COL_CACHE = 32 };

/* Excel's longest text in a cell, in characters (libxlsxwriter's check). */
enum { STR_MAX = 32767 };

struct xlsx_rows {
	lxw_worksheet *ws; /* until workbook_close frees it */
	/* What rows_assemble needs of ws, kept before workbook_close. */
	unsigned sheet_no;
	lxw_row_t ws_row_min, ws_row_max;
	lxw_col_t ws_col_min, ws_col_max;
	char *body_path; /* the rows' raw deflate stream */
	FILE *body;
	struct isal_zstream z;
	uint8_t *level_buf; /* ISA-L's working memory for ROWS_LEVEL */
	strbuf xml;         /* rows not yet deflated */
	unsigned long crc;
	uint64_t len; /* bytes of XML */
	bool any, row_open, failed;
	int err;           /* errno of the failure */
	lxw_row_t row;     /* the row open */
	char row_text[24]; /* its number, 1-based */
	size_t row_len;
	lxw_row_t row_max; /* the dimension's, as libxlsxwriter counts it */
	lxw_col_t col_min, col_max;
	/* The first columns' names and each one's last format, with the
	 * style attribute it gives (" s=\"3\"", or "" for none): a sheet's
	 * cells of a column share one. */
	struct {
		char name[8];
		unsigned char name_len, style_len;
		bool known;
		lxw_format *f;
		char style[24];
	} cols[COL_CACHE];
	/* Numbers as "%.16G" writes them, by their bits: a score's few
	 * values repeat across the communes. */
	struct {
		uint64_t bits;
		char text[40];
	} nums[NUM_CACHE];
	unsigned char out[ROWS_CHUNK];
};

static void rows_free(xlsx_rows *w)
{
	if (!w)
		return;
	free(w->level_buf);
	if (w->body)
		fclose(w->body);
	if (w->body_path)
		unlink(w->body_path);
	free(w->body_path);
	sb_free(&w->xml);
	free(w);
}

dti_err xlsx_rows_begin(xlsx_out *x, lxw_worksheet *ws, dti_diag *d)
{
	xlsx_rows *w = xcalloc(1, sizeof *w);

	/* The rows libxlsxwriter holds are written now, as a write below them
	 * would: their formats take their style numbers first. */
	lxw_worksheet_write_single_row(ws);
	sb_init(&w->xml, 0);
	w->ws = ws;
	w->col_min = LXW_COL_MAX;
	w->crc = 0; /* crc32_gzip_refl's start, as zlib's crc32(0, NULL, 0) */
	for (size_t i = 0; i < NUM_CACHE; i++)
		w->nums[i].bits = UINT64_MAX; /* a NaN's bits: never written */
	w->body_path = xasprintf("%s.rows.%ld", x->path, (long)getpid());
	/* A raw deflate stream (no gzip or zlib wrapper), never ended: the
	 * sheet's last piece ends it (sheet_member_make). */
	isal_deflate_init(&w->z);
	w->z.level = ROWS_LEVEL;
	w->z.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
	w->level_buf = xmalloc(ISAL_DEF_LVL1_DEFAULT);
	w->z.level_buf = w->level_buf;
	w->z.gzip_flag = IGZIP_DEFLATE;
	w->z.end_of_stream = 0;
	w->body = fopen(w->body_path, "w+b");
	if (!w->body) {
		dti_err rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", w->body_path,
				      strerror(errno));
		rows_free(w);
		return rc;
	}
	x->rows = w;
	return DTI_EOK;
}

/* Deflates n bytes of data onto the body (flush: ISA-L's NO_FLUSH, or
 * SYNC_FLUSH to end on a byte boundary with all of it written).  A call
 * returns with room left in the output only when the input is used up
 * (and, for SYNC_FLUSH, flushed): igzip_lib.h. */
static void rows_deflate(xlsx_rows *w, const void *data, size_t n, uint16_t flush)
{
	w->z.next_in = (uint8_t *)(uintptr_t)data;
	w->z.avail_in = (uint32_t)n;
	w->z.flush = flush;
	w->crc = crc32_gzip_refl((uint32_t)w->crc, data, n);
	w->len += n;
	do {
		size_t have;
		int rc;
		w->z.next_out = w->out;
		w->z.avail_out = sizeof w->out;
		rc = isal_deflate(&w->z);
		have = sizeof w->out - w->z.avail_out;
		if (rc != COMP_OK && !w->failed) {
			w->failed = true;
			w->err = EINVAL; /* a stream set up wrong: never for ours */
		}
		if (rc != COMP_OK)
			break;
		if (!w->failed && have && fwrite(w->out, 1, have, w->body) != have) {
			w->failed = true;
			w->err = errno;
		}
	} while (w->z.avail_out == 0);
}

static void rows_flush(xlsx_rows *w, uint16_t flush)
{
	rows_deflate(w, w->xml.data ? w->xml.data : "", w->xml.len, flush);
	sb_reset(&w->xml);
}

/* A cell at row, col counts in the sheet's dimension (libxlsxwriter
 * counts it before it checks the cell's text); false for a place outside
 * the sheet. */
static bool cell_place(xlsx_rows *w, lxw_row_t row, lxw_col_t col)
{
	if (row >= LXW_ROW_MAX || col >= LXW_COL_MAX)
		return false;
	if (!w->any || row > w->row_max)
		w->row_max = row;
	if (col < w->col_min)
		w->col_min = col;
	if (col > w->col_max)
		w->col_max = col;
	w->any = true;
	return true;
}

/* "<c r=\"B7\"" (and " s=\"3\"" for a format with a style), the cell's
 * row opened first; false for a cell libxlsxwriter would refuse. */
static bool cell_start(xlsx_rows *w, lxw_row_t row, lxw_col_t col, lxw_format *f)
{
	char cell[80];
	size_t n;

	if (!cell_place(w, row, col))
		return false;
	if (!w->row_open || row != w->row) {
		if (w->row_open)
			sb_append(&w->xml, "</row>", 6);
		w->row_len = format_whole(w->row_text, (long long)row + 1);
		sb_append(&w->xml, "<row r=\"", 8);
		sb_append(&w->xml, w->row_text, w->row_len);
		sb_append(&w->xml, "\">", 2);
		w->row = row;
		w->row_open = true;
		if (w->xml.len >= ROWS_CHUNK)
			rows_flush(w, NO_FLUSH);
	}
	/* "<c r=\"" the column, the row, "\"" and the style, in one append. */
	memcpy(cell, "<c r=\"", 6);
	n = 6;
	if (col < COL_CACHE) {
		if (!w->cols[col].known) {
			workbook_column_name((size_t)col + 1, w->cols[col].name);
			w->cols[col].name_len = (unsigned char)strlen(w->cols[col].name);
			w->cols[col].known = true;
		}
		memcpy(cell + n, w->cols[col].name, w->cols[col].name_len);
		n += w->cols[col].name_len;
	} else {
		char name[8];
		size_t len;
		workbook_column_name((size_t)col + 1, name);
		len = strlen(name);
		memcpy(cell + n, name, len);
		n += len;
	}
	memcpy(cell + n, w->row_text, w->row_len);
	n += w->row_len;
	cell[n++] = '"';
	if (col < COL_CACHE && w->cols[col].f == f && w->cols[col].style_len) {
		memcpy(cell + n, w->cols[col].style, w->cols[col].style_len);
		n += w->cols[col].style_len;
	} else {
		int32_t style = f ? lxw_format_get_xf_index(f) : 0;
		size_t start = n;
		if (style) {
			memcpy(cell + n, " s=\"", 4);
			n += 4;
			n += format_whole(cell + n, style);
			cell[n++] = '"';
		}
		if (col < COL_CACHE && style) {
			memcpy(w->cols[col].style, cell + start, n - start);
			w->cols[col].style_len = (unsigned char)(n - start);
			w->cols[col].f = f;
		}
	}
	sb_append(&w->xml, cell, n);
	return true;
}

/* v as libxlsxwriter's lxw_sprintf_dbl ("%.16G") writes it. */
static const char *number_text(xlsx_rows *w, double v, char buf[40])
{
	uint64_t bits;
	size_t slot;

	/* A whole number below 10^15: its digits, as %.16G gives them. */
	if (fabs(v) < 1e15 && v == (double)(long long)v && !(v == 0 && signbit(v))) {
		format_whole(buf, (long long)v);
		return buf;
	}
	memcpy(&bits, &v, sizeof bits);
	slot = (size_t)((bits ^ (bits >> 29) ^ (bits >> 47)) % NUM_CACHE);
	if (w->nums[slot].bits != bits) {
		format_general(w->nums[slot].text, v, 16, true);
		w->nums[slot].bits = bits;
	}
	return w->nums[slot].text;
}

void xlsx_number(xlsx_out *x, lxw_row_t row, lxw_col_t col, double v, lxw_format *f)
{
	xlsx_rows *w = x->rows;
	char buf[40];

	if (!cell_start(w, row, col, f))
		return;
	sb_append(&w->xml, "><v>", 4);
	sb_appends(&w->xml, number_text(w, v, buf));
	sb_append(&w->xml, "</v></c>", 8);
}

void xlsx_string(xlsx_out *x, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f)
{
	xlsx_rows *w = x->rows;
	char *copy = NULL, *escaped = NULL;
	const char *text = s;
	size_t n = strlen(s);
	bool plain = true;

	if (n == 0) {
		/* worksheet_write_blank: a cell only with a format. */
		if (f && cell_start(w, row, col, f))
			sb_append(&w->xml, "/>", 2);
		return;
	}
	if (n > STR_MAX && lxw_utf8_strlen(s) > STR_MAX) {
		cell_place(w, row, col); /* LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED */
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; plain && *p; p++)
		plain = *p >= 0x20 && *p != '&' && *p != '<' && *p != '>';
	if (!plain) {
		/* Through libxlsxwriter's own escaping, in its order. */
		copy = lxw_has_control_characters(s) ? lxw_escape_control_characters(s)
						     : lxw_strdup(s);
		escaped = copy ? lxw_escape_data(copy) : NULL;
		if (!escaped) {
			free(copy);
			return;
		}
		text = escaped;
		n = strlen(text);
	}
	if (cell_start(w, row, col, f)) {
		bool preserve = n && (isspace((unsigned char)text[0]) ||
				      isspace((unsigned char)text[n - 1]));
		sb_appends(&w->xml, preserve ? " t=\"inlineStr\"><is><t xml:space=\"preserve\">"
					     : " t=\"inlineStr\"><is><t>");
		sb_append(&w->xml, text, n);
		sb_append(&w->xml, "</t></is></c>", 13);
	}
	free(escaped);
	free(copy);
}

/* Little-endian fields of a zip header. */
static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

/* A member of the workbook libxlsxwriter wrote. */
typedef struct zip_member {
	const unsigned char *central, *local;
	size_t central_len, local_len; /* headers and, for local, the data */
	const unsigned char *data;
	uint32_t csize, usize;
	uint32_t at; /* its local header's offset in the new file */
	char name[64];
} zip_member;

/* Reads the members of zip z (libxlsxwriter's: no comment, no zip64, no
 * data descriptors); false when it is not such a zip. */
static bool zip_members(const unsigned char *z, size_t len, zip_member **out, size_t *n_out,
			const unsigned char **eocd)
{
	const unsigned char *e = len >= 22 ? z + len - 22 : NULL, *p;
	zip_member *m = NULL;
	size_t n, off;

	*out = NULL;
	if (!e || get32(e) != 0x06054b50)
		return false;
	n = get16(e + 10);
	off = get32(e + 16);
	if (off > len || get32(e + 12) > len - off)
		return false;
	m = xcalloc(n ? n : 1, sizeof *m);
	p = z + off;
	for (size_t i = 0; i < n; i++) {
		size_t name_len, lo;
		const unsigned char *l;
		if ((size_t)(e - p) < 46 || get32(p) != 0x02014b50)
			goto bad;
		name_len = get16(p + 28);
		m[i].central = p;
		m[i].central_len = 46 + name_len + get16(p + 30) + get16(p + 32);
		m[i].csize = get32(p + 20);
		m[i].usize = get32(p + 24);
		lo = get32(p + 42);
		if ((size_t)(e - p) < m[i].central_len || name_len >= sizeof m[i].name ||
		    lo > off || off - lo < 30)
			goto bad;
		memcpy(m[i].name, p + 46, name_len);
		l = z + lo;
		if (get32(l) != 0x04034b50 || (get16(l + 6) & 8) != 0)
			goto bad;
		m[i].local = l;
		m[i].data = l + 30 + get16(l + 26) + get16(l + 28);
		m[i].local_len = (size_t)(m[i].data - l) + m[i].csize;
		/* Headers that fit zip_rewrite's buffer: libxlsxwriter's have no
		 * extra field and no comment. */
		if (m[i].local_len > off - lo || m[i].central_len > ROWS_CHUNK ||
		    (size_t)(m[i].data - l) > ROWS_CHUNK)
			goto bad;
		p += m[i].central_len;
	}
	*out = m;
	*n_out = n;
	*eocd = e;
	return true;
bad:
	free(m);
	return false;
}

/* data deflated alone as a piece of a member's stream (flush: Z_SYNC_FLUSH
 * for a piece others follow, Z_FINISH for the last), appended to out. */
static bool deflate_piece(const char *data, size_t n, int flush, strbuf *out)
{
	z_stream z = {0};
	unsigned char buf[ROWS_CHUNK];
	bool ok =
		deflateInit2(&z, ROWS_LEVEL, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK;

	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)n;
	while (ok) {
		z.next_out = buf;
		z.avail_out = sizeof buf;
		ok = deflate(&z, flush) != Z_STREAM_ERROR;
		sb_append(out, buf, sizeof buf - z.avail_out);
		if (z.avail_out != 0)
			break;
	}
	deflateEnd(&z);
	return ok;
}

/* The text of member m (deflated) into out. */
static bool inflate_member(const zip_member *m, strbuf *out)
{
	z_stream z = {0};
	bool ok;

	sb_reset(out);
	if (get16(m->local + 8) != Z_DEFLATED || inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return false;
	out->data = xrealloc(out->data, (size_t)m->usize + 1);
	out->cap = (size_t)m->usize + 1;
	z.next_in = (Bytef *)(uintptr_t)m->data;
	z.avail_in = m->csize;
	z.next_out = (Bytef *)out->data;
	z.avail_out = m->usize;
	ok = inflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out == m->usize;
	inflateEnd(&z);
	out->len = ok ? m->usize : 0;
	out->data[out->len] = '\0';
	return ok;
}

/* The sheet's XML with its dimension made that of every row and the
 * streamed rows' place: prefix (up to where they go) and suffix. */
static bool sheet_split(xlsx_rows *w, const strbuf *xml, strbuf *prefix, const char **suffix)
{
	static const char dim[] = "<dimension ref=\"";
	const char *at = strstr(xml->data, dim), *end, *rows;
	char ref[LXW_MAX_CELL_RANGE_LENGTH + 8];
	rows = strstr(xml->data, "</sheetData>");
	if (!at || !rows || rows < at)
		return false;
	at += sizeof dim - 1;
	end = strchr(at, '"');
	if (!end || end > rows)
		return false;
	lxw_rowcol_to_range(ref, w->ws_row_min < w->row_max ? w->ws_row_min : w->row_max,
			    w->ws_col_min < w->col_min ? w->ws_col_min : w->col_min,
			    w->ws_row_max > w->row_max ? w->ws_row_max : w->row_max,
			    w->ws_col_max > w->col_max ? w->ws_col_max : w->col_max);
	sb_append(prefix, xml->data, (size_t)(at - xml->data));
	sb_appends(prefix, ref);
	sb_append(prefix, end, (size_t)(rows - end));
	*suffix = rows;
	return true;
}

static bool put_bytes(FILE *f, const void *p, size_t n)
{
	return n == 0 || fwrite(p, 1, n, f) == n;
}

/* The worksheet's new member: its compressed pieces around the streamed
 * rows, and what its headers say. */
typedef struct sheet_member {
	strbuf head, tail; /* deflated: before the rows, after them */
	unsigned long crc;
	uint64_t csize, usize;
} sheet_member;

/* s from libxlsxwriter's member m of the worksheet and w's rows (body_len
 * bytes compressed); false when m is not the sheet expected. */
static bool sheet_member_make(xlsx_rows *w, const zip_member *m, uint64_t body_len, sheet_member *s)
{
	strbuf xml, prefix;
	const char *suffix = NULL;
	size_t n_suffix;
	bool ok;

	sb_init(&xml, 0);
	sb_init(&prefix, 0);
	ok = inflate_member(m, &xml) && sheet_split(w, &xml, &prefix, &suffix);
	if (ok) {
		n_suffix = strlen(suffix);
		s->crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)prefix.data, (uInt)prefix.len);
		s->crc = crc32_combine(s->crc, w->crc, (z_off_t)w->len);
		s->crc = crc32_combine(
			s->crc, crc32(crc32(0L, Z_NULL, 0), (const Bytef *)suffix, (uInt)n_suffix),
			(z_off_t)n_suffix);
		ok = deflate_piece(prefix.data, prefix.len, Z_SYNC_FLUSH, &s->head) &&
		     deflate_piece(suffix, n_suffix, Z_FINISH, &s->tail);
		s->usize = prefix.len + w->len + n_suffix;
		s->csize = s->head.len + body_len + s->tail.len;
	}
	sb_free(&xml);
	sb_free(&prefix);
	return ok;
}

/* The members m[0..n) into f, the worksheet's (sheet) as s and w's rows
 * between its pieces, then the central directory and its end (eocd's
 * copy); false when a write fails. */
static bool zip_rewrite(FILE *f, xlsx_rows *w, zip_member *m, size_t n, const char *sheet,
			const sheet_member *s, const unsigned char *eocd)
{
	unsigned char buf[ROWS_CHUNK], end[22];
	uint64_t off = 0;
	bool ok = true;

	rewind(w->body);
	for (size_t i = 0; ok && i < n; i++) {
		size_t head_len = (size_t)(m[i].data - m[i].local), got;
		m[i].at = (uint32_t)off;
		if (strcmp(m[i].name, sheet) != 0) {
			ok = put_bytes(f, m[i].local, m[i].local_len);
			off += m[i].local_len;
			continue;
		}
		memcpy(buf, m[i].local, head_len);
		put32(buf + 14, (uint32_t)s->crc);
		put32(buf + 18, (uint32_t)s->csize);
		put32(buf + 22, (uint32_t)s->usize);
		ok = put_bytes(f, buf, head_len) && put_bytes(f, s->head.data, s->head.len);
		while (ok && (got = fread(buf, 1, sizeof buf, w->body)) > 0)
			ok = put_bytes(f, buf, got);
		ok = ok && !ferror(w->body) && put_bytes(f, s->tail.data, s->tail.len);
		off += head_len + s->csize;
	}
	for (size_t i = 0; ok && i < n; i++) {
		memcpy(buf, m[i].central, m[i].central_len);
		put32(buf + 42, m[i].at);
		if (strcmp(m[i].name, sheet) == 0) {
			put32(buf + 16, (uint32_t)s->crc);
			put32(buf + 20, (uint32_t)s->csize);
			put32(buf + 24, (uint32_t)s->usize);
		}
		ok = put_bytes(f, buf, m[i].central_len);
	}
	memcpy(end, eocd, 22);
	put32(end + 16, (uint32_t)off);
	return ok && put_bytes(f, end, 22);
}

/* Rewrites x->tmp, the workbook libxlsxwriter closed, with its worksheet's
 * member holding the streamed rows. */
static dti_err rows_assemble(xlsx_out *x, dti_diag *d)
{
	xlsx_rows *w = x->rows;
	char *z = NULL, sheet[64];
	size_t len = 0, n = 0;
	zip_member *m = NULL;
	const unsigned char *eocd = NULL;
	sheet_member s;
	uint64_t body_len;
	FILE *f = NULL;
	bool found = false;
	dti_err rc;

	memset(&s, 0, sizeof s);
	sb_init(&s.head, 0);
	sb_init(&s.tail, 0);
	if (w->row_open)
		sb_append(&w->xml, "</row>", 6);
	rows_flush(w, SYNC_FLUSH);
	if (w->failed || fflush(w->body) != 0) {
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", w->body_path,
			      strerror(w->failed ? w->err : errno));
		goto out;
	}
	body_len = (uint64_t)ftello(w->body);
	rc = read_file(x->tmp, (size_t)1 << 30, &z, &len, d);
	if (rc)
		goto out;
	snprintf(sheet, sizeof sheet, "xl/worksheets/sheet%u.xml", w->sheet_no);
	if (!zip_members((const unsigned char *)z, len, &m, &n, &eocd)) {
		rc = diag_set(d, DTI_EIO, "cannot write '%s': not the zip libxlsxwriter writes",
			      x->path);
		goto out;
	}
	for (size_t i = 0; !found && i < n; i++)
		if (strcmp(m[i].name, sheet) == 0)
			found = sheet_member_make(w, &m[i], body_len, &s);
	if (!found) {
		rc = diag_set(d, DTI_EIO, "cannot write '%s': no worksheet '%s' to complete",
			      x->path, sheet);
		goto out;
	}
	if (s.usize > UINT32_MAX || s.csize + len > UINT32_MAX) {
		rc = diag_set(d, DTI_ELIMIT, "cannot write '%s': a worksheet over 4 GB", x->path);
		goto out;
	}
	f = fopen(x->tmp, "wb");
	if (!f || !zip_rewrite(f, w, m, n, sheet, &s, eocd))
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", x->tmp, strerror(errno));
	if (f && fclose(f) != 0 && !rc)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", x->tmp, strerror(errno));
out:
	free(m);
	free(z);
	sb_free(&s.head);
	sb_free(&s.tail);
	return rc;
}

static void xlsx_free(xlsx_out *x)
{
	rows_free(x->rows);
	free(x->path);
	free(x->tmp);
	memset(x, 0, sizeof *x);
}

dti_err xlsx_commit(xlsx_out *x, FILE *paths, dti_diag *d)
{
	xlsx_rows *w = x->rows;
	lxw_error e;
	dti_err rc = DTI_EOK;

	if (w) {
		w->sheet_no = (unsigned)w->ws->index + 1;
		w->ws_row_min = w->ws->dim_rowmin;
		w->ws_row_max = w->ws->dim_rowmax;
		w->ws_col_min = w->ws->dim_colmin;
		w->ws_col_max = w->ws->dim_colmax;
		w->ws = NULL;
	}
	e = workbook_close(x->wb);

	x->wb = NULL;
	if (e != LXW_NO_ERROR)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", x->path, lxw_strerror(e));
	else if (w && w->any)
		rc = rows_assemble(x, d);
	if (!rc && rename(x->tmp, x->path) != 0)
		rc = diag_set(d, DTI_EIO, "cannot rename '%s' to '%s': %s", x->tmp, x->path,
			      strerror(errno));
	if (rc)
		unlink(x->tmp);
	else
		output_written(x->path);
	if (!rc && paths)
		fprintf(paths, "%s\n", x->path);
	xlsx_free(x);
	return rc;
}

void xlsx_abort(xlsx_out *x)
{
	if (x->wb)
		workbook_close(x->wb);
	if (x->tmp)
		unlink(x->tmp);
	xlsx_free(x);
}

double xlsx_width(const char *text, double lo, double hi)
{
	double n = 0;

	for (const unsigned char *s = (const unsigned char *)text; s && *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	n += 2;
	return n < lo ? lo : n > hi ? hi : n;
}
