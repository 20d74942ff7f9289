/* The rows xlsx.c streams past libxlsxwriter: a workbook written through
 * xlsx_number and xlsx_string holds, member by member, the same text as
 * the one libxlsxwriter writes from the same cells itself — awkward text
 * (markup, control characters, spaces at the ends, empty, over Excel's
 * length), numbers of every kind, columns past Z, cells without a format. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "util.h"
#include "xlsx.h"

static const char *const texts[] = {
	"Phường Phúc Xá", "a & b < c > d", "\x01 bell\x1f",       " lead", "trail ", "", "\ttab",
	"line\nbreak",    "_x0041_ kept",  "\"quoted\" 'single'", "x",
};

static const double numbers[] = {
	2024,
	0,
	-0.0,
	20,
	13.333333333333334,
	0.1,
	1.0 / 3,
	-5,
	1e15,
	1e16,
	123456789012345678.0,
	1e-7,
	0.8333333333333334,
	999999999999999.0,
	-2.5,
	1e300,
	INFINITY,
};

/* The same sheet, its cells below the headings through libxlsxwriter
 * (stream false) or xlsx.c (true), into path. */
static void write_sheet(const char *path, bool stream, size_t long_len)
{
	xlsx_out x;
	lxw_worksheet *ws;
	lxw_format *head, *text, *num;
	char *long_text = xcalloc(long_len + 1, 1);
	dti_diag d;

	memset(long_text, 'y', long_len);
	assert_int_equal(xlsx_open(&x, path, true, &d), DTI_EOK);
	ws = workbook_add_worksheet(x.wb, "Điểm");
	head = workbook_add_format(x.wb);
	format_set_bold(head);
	text = workbook_add_format(x.wb);
	format_set_num_format(text, "@");
	num = workbook_add_format(x.wb);
	format_set_num_format(num, "[$-42A]#,##0.0##");
	for (lxw_col_t c = 0; c < 4; c++)
		worksheet_write_string(ws, 0, c, "Mã", head);
	worksheet_freeze_panes(ws, 1, 0);
	if (stream)
		assert_int_equal(xlsx_rows_begin(&x, ws, &d), DTI_EOK);
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		lxw_row_t r = (lxw_row_t)(1 + i);
		lxw_format *f = i % 3 == 2 ? NULL : text;
		if (stream) {
			xlsx_string(&x, r, 0, texts[i], f);
			xlsx_number(&x, r, 2, numbers[i], i % 4 == 1 ? NULL : num);
			xlsx_string(&x, r, 27, texts[i], i % 2 ? num : text); /* two styles */
		} else {
			worksheet_write_string(ws, r, 0, texts[i], f);
			worksheet_write_number(ws, r, 2, numbers[i], i % 4 == 1 ? NULL : num);
			worksheet_write_string(ws, r, 27, texts[i], i % 2 ? num : text);
		}
	}
	for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++) {
		lxw_row_t r = (lxw_row_t)(100 + 2 * i);
		lxw_col_t c = (lxw_col_t)(i * 37);
		if (stream) {
			xlsx_number(&x, r, c, numbers[i], num);
			xlsx_number(&x, r, (lxw_col_t)(c + 1), numbers[i], num); /* a repeat */
		} else {
			worksheet_write_number(ws, r, c, numbers[i], num);
			worksheet_write_number(ws, r, (lxw_col_t)(c + 1), numbers[i], num);
		}
	}
	if (stream)
		xlsx_string(&x, 200, 1, long_text, text);
	else
		worksheet_write_string(ws, 200, 1, long_text, text);
	worksheet_autofilter(ws, 0, 0, 200, 3);
	assert_int_equal(xlsx_commit(&x, NULL, &d), DTI_EOK);
	free(long_text);
}

/* Member name of the zip at path, whole (a zip it cannot read fails, and
 * so does a member whose data does not have the CRC-32 its headers give:
 * libzip checks it when a read reaches the member's end). */
static char *member(const char *path, const char *name, zip_uint64_t *len)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	zip_stat_t st;
	zip_file_t *f;
	char *data;

	assert_non_null(z);
	assert_int_equal(zip_stat(z, name, 0, &st), 0);
	data = xcalloc(st.size + 1, 1);
	f = zip_fopen(z, name, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, data, st.size), (zip_int64_t)st.size);
	assert_int_equal(zip_fread(f, data + st.size, 1), 0);
	zip_fclose(f);
	zip_close(z);
	*len = st.size;
	return data;
}

static void compare(size_t long_len)
{
	char a[] = "/tmp/dti-test-xlsx-a-XXXXXX", b[] = "/tmp/dti-test-xlsx-b-XXXXXX";
	int fa = mkstemp(a), fb = mkstemp(b);
	int err = 0;
	zip_t *z;

	assert_true(fa >= 0 && fb >= 0);
	close(fa);
	close(fb);
	write_sheet(a, false, long_len);
	write_sheet(b, true, long_len);
	z = zip_open(a, ZIP_RDONLY, &err);
	assert_non_null(z);
	assert_true(zip_get_num_entries(z, 0) > 5);
	for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		zip_uint64_t la, lb;
		char *da = member(a, name, &la), *db = member(b, name, &lb);
		if (la != lb || memcmp(da, db, la) != 0)
			fail_msg("member %s differs:\n%s\n---\n%s", name, da, db);
		free(da);
		free(db);
	}
	zip_close(z);
	unlink(a);
	unlink(b);
}

static void test_same_members(void **state)
{
	(void)state;
	compare(10);
}

/* A text longer than a cell holds is refused alike (no cell). */
static void test_too_long(void **state)
{
	(void)state;
	compare(40000);
}

/* The streamed rows' part really is the workbook's: 20,000 rows read back. */
static void test_many_rows(void **state)
{
	char path[] = "/tmp/dti-test-xlsx-m-XXXXXX";
	int fd = mkstemp(path);
	xlsx_out x;
	lxw_worksheet *ws;
	dti_diag d;
	zip_uint64_t len;
	char *xml, *last;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(xlsx_open(&x, path, true, &d), DTI_EOK);
	ws = workbook_add_worksheet(x.wb, NULL);
	worksheet_write_string(ws, 0, 0, "n", NULL);
	assert_int_equal(xlsx_rows_begin(&x, ws, &d), DTI_EOK);
	for (lxw_row_t r = 1; r <= 20000; r++)
		xlsx_number(&x, r, 0, r * 0.5, NULL);
	assert_int_equal(xlsx_commit(&x, NULL, &d), DTI_EOK);
	xml = member(path, "xl/worksheets/sheet1.xml", &len);
	assert_non_null(strstr(xml, "<dimension ref=\"A1:A20001\"/>"));
	last = strstr(xml, "<row r=\"20001\"><c r=\"A20001\"><v>10000</v></c></row></sheetData>");
	assert_non_null(last);
	assert_non_null(strstr(xml, "<c r=\"A4\"><v>1.5</v></c>"));
	free(xml);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_members),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_many_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
