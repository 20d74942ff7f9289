/* The workbook reader: cells of each type read back from a workbook
 * written by libxlsxwriter, and every cap refusing with DTI_ELIMIT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "util.h"
#include "workbook.h"

static char *bytes;
static size_t len;

/* A sheet of 12 rows: text, a number, a boolean, a formula, 10 strings. */
static int setup(void **state)
{
	char path[] = "/tmp/dti-test-workbook-XXXXXX";
	int fd = mkstemp(path);
	lxw_workbook *wb;
	lxw_worksheet *ws;
	dti_diag d;

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	wb = workbook_new(path);
	ws = workbook_add_worksheet(wb, NULL);
	worksheet_write_string(ws, 0, 0, "Mã", NULL);
	worksheet_write_string(ws, 0, 2, "Trả lời", NULL);
	worksheet_write_number(ws, 1, 1, 72.5, NULL);
	worksheet_write_boolean(ws, 1, 2, 1, NULL);
	worksheet_write_formula_num(ws, 1, 3, "=1+2", NULL, 3);
	for (int i = 0; i < 10; i++) {
		char s[16];
		snprintf(s, sizeof s, "s%d", i);
		worksheet_write_string(ws, (lxw_row_t)(2 + i), 0, s, NULL);
	}
	if (workbook_close(wb) != LXW_NO_ERROR ||
	    read_file(path, 1u << 20, &bytes, &len, &d) != DTI_EOK)
		return -1;
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bytes);
	return 0;
}

static void test_cells(void **state)
{
	workbook *wb = NULL;
	dti_diag d;

	(void)state;
	assert_int_equal(file_kind_of(bytes, len), FILE_KIND_XLSX);
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", NULL, &wb, &d), DTI_EOK);
	assert_int_equal(wb->n_rows, 12);
	assert_string_equal(workbook_cell(wb, 1, 1)->text, "Mã");
	assert_int_equal(workbook_cell(wb, 1, 1)->type, WB_TEXT);
	assert_string_equal(workbook_cell(wb, 1, 2)->text, "");
	assert_string_equal(workbook_cell(wb, 1, 3)->text, "Trả lời");
	assert_string_equal(workbook_cell(wb, 2, 2)->text, "72.5");
	assert_int_equal(workbook_cell(wb, 2, 2)->type, WB_NUMBER);
	assert_string_equal(workbook_cell(wb, 2, 3)->text, "Có");
	assert_int_equal(workbook_cell(wb, 2, 3)->type, WB_BOOL);
	assert_int_equal(workbook_cell(wb, 2, 4)->type, WB_FORMULA);
	assert_string_equal(workbook_cell(wb, 2, 4)->text, "3");
	assert_string_equal(workbook_cell(wb, 12, 1)->text, "s9");
	assert_null(workbook_cell(wb, 13, 1));
	assert_null(workbook_cell(wb, 1, 9));
	workbook_free(wb);
}

/* Each cap just below what the sheet needs refuses it, naming the cap. */
static void test_caps(void **state)
{
	workbook_limits lim;
	workbook *wb = NULL;
	dti_diag d;

	(void)state;
	lim = workbook_limits_default;
	lim.max_strings = 5;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	assert_null(wb);
	assert_non_null(strstr(d.msg, "quá nhiều chuỗi văn bản (hơn 5)"));
	lim = workbook_limits_default;
	lim.max_rows = 11;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	assert_non_null(strstr(d.msg, "ô ngoài giới hạn 11 dòng"));
	lim = workbook_limits_default;
	lim.max_cols = 3;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	assert_non_null(strstr(d.msg, "cột D"));
	lim = workbook_limits_default;
	lim.max_entry_bytes = 200;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	assert_non_null(strstr(d.msg, "giải nén ra hơn"));
	lim = workbook_limits_default;
	lim.max_entries = 3;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	lim = workbook_limits_default;
	lim.max_string_bytes = 2;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	assert_non_null(strstr(d.msg, "dài hơn 2 byte"));
	lim = workbook_limits_default;
	lim.max_total_bytes = 1000;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	/* The cells hold 3 + 11 + 4 + 3 + 1 + 10 * 2 = 42 bytes of text. */
	lim = workbook_limits_default;
	lim.max_grid_bytes = 41;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_ELIMIT);
	assert_non_null(strstr(d.msg, "các ô của bảng tính chứa hơn"));
	lim.max_grid_bytes = 42;
	assert_int_equal(workbook_read(bytes, len, "t.xlsx", &lim, &wb, &d), DTI_EOK);
	workbook_free(wb);
}

static void test_kinds(void **state)
{
	static const unsigned char ole2[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0};
	workbook *wb = NULL;
	dti_diag d;

	(void)state;
	assert_int_equal(file_kind_of("Mã,Nội dung\r\n", 14), FILE_KIND_TEXT);
	assert_int_equal(file_kind_of("M\xe3,N\xf4i\r\n", 8), FILE_KIND_TEXT);
	assert_int_equal(file_kind_of(ole2, sizeof ole2), FILE_KIND_XLS);
	assert_int_equal(file_kind_of("%PDF-1.4", 8), FILE_KIND_OTHER);
	assert_int_equal(file_kind_of("PK\x03\x04junk", 8), FILE_KIND_OTHER);
	assert_int_equal(file_kind_of("a\0b", 3), FILE_KIND_OTHER);
	/* A truncated workbook is not a workbook. */
	assert_int_equal(workbook_read(bytes, len / 2, "t.xlsx", NULL, &wb, &d), DTI_EPARSE);
	assert_null(wb);
}

/* The sheet as CSV: a row per record, a line break in a cell counted, the
 * problems' lines turned into the sheet's rows; a header's width padded. */
static void test_to_csv(void **state)
{
	workbook wb = {0};
	wb_row rows[4];
	char ma[] = "Mã", x[] = "x", a[] = "a", two[] = "two\nlines", b[] = "b", one[] = "=1";
	wb_cell r1[2] = {{ma, WB_TEXT}, {x, WB_TEXT}};
	wb_cell r2[2] = {{a, WB_TEXT}, {two, WB_TEXT}};
	wb_cell r4[2] = {{b, WB_TEXT}, {one, WB_FORMULA}};
	dti_problems p = {0};
	workbook_csv c;

	(void)state;
	rows[0] = (wb_row){r1, 2};
	rows[1] = (wb_row){r2, 2};
	rows[2] = (wb_row){NULL, 0};
	rows[3] = (wb_row){r4, 1};
	wb.rows = rows;
	wb.n_rows = 4;
	assert_int_equal(workbook_to_csv(&wb, 1, 0, WB_CSV_PAD, &c), DTI_EOK);
	assert_string_equal(c.sb.data, "Mã,x\r\na,\"two\nlines\"\r\n\r\nb,\r\n");
	assert_int_equal(c.lines, 5);
	problems_add(&p, "f.xlsx:5 (b): bad");
	problems_add(&p, "f.xlsx:1: header");
	problems_add(&p, "other:5: untouched");
	workbook_csv_problems(&c, &p, 0, "f.xlsx");
	assert_string_equal(p.items[0], "f.xlsx:4 (b): bad");
	assert_string_equal(p.items[1], "f.xlsx:1: header");
	assert_string_equal(p.items[2], "other:5: untouched");
	workbook_csv_free(&c);
	rows[3] = (wb_row){r4, 2};
	assert_int_equal(workbook_to_csv(&wb, 2, 0, WB_CSV_NO_FORMULAS, &c), DTI_EOK);
	assert_string_equal(c.sb.data, "a,\"two\nlines\"\r\n\r\nb,\r\n");
	workbook_csv_free(&c);
	assert_int_equal(workbook_to_csv(&wb, 1, 8, 0, &c), DTI_ELIMIT);
	workbook_csv_free(&c);
	problems_free(&p);
}

static void test_column_names(void **state)
{
	char c[8];

	(void)state;
	workbook_column_name(1, c);
	assert_string_equal(c, "A");
	workbook_column_name(26, c);
	assert_string_equal(c, "Z");
	workbook_column_name(27, c);
	assert_string_equal(c, "AA");
	workbook_column_name(1024, c);
	assert_string_equal(c, "AMJ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),        cmocka_unit_test(test_caps),
		cmocka_unit_test(test_kinds),        cmocka_unit_test(test_to_csv),
		cmocka_unit_test(test_column_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
