/* The OneTouch export reader: its own splitting of simple lines must give
 * exactly the rows, fields and line numbers csv_next gives, whatever the
 * mix of quoted and unquoted rows, CRLF and LF, quoted line breaks, doubled
 * quotes, short rows, blank lines and rows cut by the 64 KiB read buffer;
 * and the completion dates, read in place for the usual shapes, must be
 * judged as the full grammar judges them. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "onetouch.h"
#include "util.h"

/* Renders every row of text (after its header) as "[commune|date]@line",
 * through csv_next (reference) or onetouch_next_row, and any error. */
static char *render(const char *text, size_t len, size_t col_commune, size_t col_date,
		    bool reference)
{
	FILE *f = fmemopen((void *)text, len, "r");
	csv_reader *r = csv_open(f, "t.csv", 0);
	onetouch_rows rs = {0};
	onetouch_row row;
	strbuf sb;
	dti_diag d;
	int got;

	assert_non_null(f);
	sb_init(&sb, 0);
	got = csv_next(r, &d);
	rs.csv = r;
	rs.col_commune = col_commune;
	rs.col_date = col_date;
	while (got > 0) {
		if (reference) {
			got = csv_next(r, &d);
			row.commune = csv_field(r, col_commune);
			row.commune_len = csv_field_len(r, col_commune);
			row.date = csv_field(r, col_date);
			row.date_len = csv_field_len(r, col_date);
			row.line = csv_line(r);
		} else {
			got = onetouch_next_row(&rs, &row, &d);
		}
		if (got <= 0)
			break;
		sb_appends(&sb, "[");
		sb_append(&sb, row.commune, row.commune_len);
		sb_appends(&sb, "|");
		sb_append(&sb, row.date, row.date_len);
		sb_appendf(&sb, "]@%ld\n", row.line);
	}
	if (got < 0)
		sb_appendf(&sb, "ERR:%s", d.msg);
	sb_appendf(&sb, "END:%d", got);
	csv_close(r);
	fclose(f);
	sb_append(&sb, "", 0);
	return sb_take(&sb);
}

static void same_rows(const char *text, size_t len, size_t col_commune, size_t col_date)
{
	char *want = render(text, len, col_commune, col_date, true);
	char *got = render(text, len, col_commune, col_date, false);

	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void expect_rows(const char *text, size_t col_commune, size_t col_date, const char *want)
{
	char *got = render(text, strlen(text), col_commune, col_date, false);

	assert_string_equal(got, want);
	free(got);
	same_rows(text, strlen(text), col_commune, col_date);
}

static void test_simple_and_quoted_rows(void **state)
{
	(void)state;
	expect_rows(
		"STT,Họ tên,Xã/Phường,Ngày hoàn thành\r\n"
		"1,An,\"Xã Lương Tài\",19-08-2024 10:58:43\r\n"
		"2,Bình,Lạc Đạo,28/11/2024\n"
		"3,Chi,\"Xã Chỉ Đạo, Huyện Văn Lâm\",2024-10-15\r\n"
		"4,Dũng,\"Xã \"\"Đại\"\" Đồng\",\"01/01/2024\"\r\n"
		"5,\"Hà\nNội\",Xã Việt Hưng,31/12/2023\r\n"
		"6,Hùng,\"Như\r\nQuỳnh\",\r\n"
		"\r\n"
		"\n"
		"7,Lan\r\n"
		"8,Mai,Tân Quang,\"\"\n"
		"9,Nam,5\"A,02/01/2024,\n"
		"10,Oanh,\"\",15/03/2024\n"
		"11,Phương,Xã 5\"A,B\",2023-12-31\n"
		"12,\"Quang, Quảng, Quán, Quân, Quý, Quyết, Quyên, Quỳnh, Quế\",\"Xã A, B\","
		"\"Ngày, tháng, năm: 01/01/2024, 02/01/2024, 03/01/2024, 04/01/2024\"",
		2, 3,
		"[Xã Lương Tài|19-08-2024 10:58:43]@2\n"
		"[Lạc Đạo|28/11/2024]@3\n"
		"[Xã Chỉ Đạo, Huyện Văn Lâm|2024-10-15]@4\n"
		"[Xã \"Đại\" Đồng|01/01/2024]@5\n"
		"[Xã Việt Hưng|31/12/2023]@6\n"
		"[Như\r\nQuỳnh|]@8\n"
		"[|]@12\n"
		"[Tân Quang|]@13\n"
		"[5\"A|02/01/2024]@14\n"
		"[|15/03/2024]@15\n"
		"[Xã 5\"A|B\"]@16\n"
		"[Xã A, B|Ngày, tháng, năm: 01/01/2024, 02/01/2024, 03/01/2024, 04/01/2024]@17\n"
		"END:0");
	/* The same columns asked in the other order, and one twice. */
	same_rows("a,b,c\n1,\"x,y\",3\r\n4,5,\"6\"\n", strlen("a,b,c\n1,\"x,y\",3\r\n4,5,\"6\"\n"),
		  2, 1);
	expect_rows("a;b\n\"x;1\";2\r\n3;\"4\"\r\n", 1, 1, "[2|2]@2\n[4|4]@3\nEND:0");
	expect_rows("a,b\n\"x\",\"y\"\r\n", 0, 1, "[x|y]@2\nEND:0");
}

static void test_errors_as_csv_next(void **state)
{
	(void)state;
	expect_rows("a,b\n1,2\n\"x\"y,2\n3,4\n", 0, 1,
		    "[1|2]@2\nERR:t.csv:3: field 1: unexpected character after closing quote"
		    "END:-1");
	expect_rows("a,b\n1,2\n3,\"open\n", 0, 1,
		    "[1|2]@2\nERR:t.csv:3: quoted field not closed before end of file"
		    "END:-1");
}

/* A deterministic mix of every kind of row, about `size` bytes. */
static char *mixed_export(unsigned seed, size_t size, char delim, size_t *len)
{
	static const char *const communes[] = {"Xã Lương Tài",
					       "\"Xã Lương Tài\"",
					       "\"Xã Chỉ Đạo, Huyện Văn Lâm\"",
					       "\"Xã \"\"Đình\"\" Dù\"",
					       "\"Như\nQuỳnh\"",
					       "\"Lạc\r\nĐạo\"",
					       "Xã 5\"B",
					       "\"\"",
					       "",
					       "   ",
					       "Mỹ Hào\r",
					       "\"x\"\"\"",
					       "\"Tân;Quang\"",
					       "\"Việt, Hưng\"",
					       "Xã 5\"A,B\"",
					       "Xã 5\"A;B\""};
	static const char *const dates[] = {
		"15/03/2024",          "31/12/2023",          "01/01/2024",
		"2024-01-01T00:00:00", "19-08-2024 10:58:43", "",
		"\"2023-12-31\"",      "\"01.01.2025\"",      "hôm qua",
		"\"31/12/2024\r\n\""};
	strbuf sb;
	uint32_t x = seed * 2654435761u + 1;

	sb_init(&sb, 0);
	sb_appendf(&sb, "STT%cHọ tên%cXã/Phường%cKhóa học%cNgày hoàn thành\r\n", delim, delim,
		   delim, delim);
	for (long i = 1; sb.len < size; i++) {
		unsigned kind, course;
		x = x * 1103515245u + 12345u;
		kind = (x >> 8) % 20;
		course = (x >> 16) % 7;
		if (kind == 0) {
			sb_appends(&sb, (x >> 20) & 1 ? "\r\n" : "\n");
			continue;
		}
		if (kind == 1) {
			sb_appendf(&sb, "%ld%cShort", i, delim);
		} else {
			sb_appendf(&sb, "%ld%cNgười %u%c%s%c", i, delim, x % 1000, delim,
				   communes[(x >> 4) % (sizeof communes / sizeof *communes)],
				   delim);
			if (course == 0)
				sb_appends(&sb, "\"Kỹ năng số\ncơ bản\"");
			else if (course == 1)
				for (unsigned k = 0; k < 40 + (x % 90); k++)
					sb_appends(&sb, "dài ");
			else if (course == 2) {
				/* Delimiters inside quotes across 64-byte blocks. */
				sb_appends(&sb, "\"");
				for (unsigned k = 0; k < 5 + (x % 70); k++)
					sb_appendf(&sb, "dài%c ", k % 2 ? ',' : ';');
				sb_appends(&sb, "\"");
			} else
				sb_appends(&sb, "An toàn thông tin");
			sb_appendf(&sb, "%c%s", delim,
				   dates[(x >> 12) % (sizeof dates / sizeof *dates)]);
			if (kind == 2)
				sb_append(&sb, &delim, 1);
		}
		sb_appends(&sb, (x >> 24) & 1 ? "\r\n" : "\n");
	}
	*len = sb.len;
	sb_append(&sb, "", 0);
	return sb_take(&sb);
}

static void test_mixed_exports_as_csv_next(void **state)
{
	static const size_t cols[][2] = {{2, 4}, {4, 2}, {0, 4}, {2, 2}, {1, 7}, {4, 3}};

	(void)state;
	for (unsigned seed = 1; seed <= 6; seed++) {
		size_t len;
		char *text = mixed_export(seed, 300000, seed % 3 ? ',' : ';', &len);
		for (size_t c = 0; c < sizeof cols / sizeof *cols; c++)
			same_rows(text, len, cols[c][0], cols[c][1]);
		free(text);
	}
}

/* Every byte of a few hard rows in turn lands on the end of the first
 * 64 KiB read: the row is then cut by the buffer. */
static void test_rows_cut_by_the_buffer(void **state)
{
	static const char *const rows[] = {
		"7,Bình,\"Xã Chỉ Đạo, Huyện Văn Lâm\",Kỹ năng,28/11/2024\r\n",
		"8,Chi,\"Như\r\nQuỳnh\",\"Khóa\nhọc\",2024-10-15\r\n",
		"9,Dũng,\"Xã \"\"Đại\"\" Đồng\",x,\"01/01/2024\"\n\r\n\n",
		"10,Hà,Lạc Đạo,y,31/12/2023\n"};
	strbuf sb;

	(void)state;
	for (size_t shift = 0; shift < 70; shift++) {
		sb_init(&sb, 0);
		sb_appends(&sb, "STT,Họ tên,Xã/Phường,Khóa học,Ngày hoàn thành\r\n");
		while (sb.len < 65536 - 60 - shift)
			sb_appends(&sb, "1,An,\"Xã Lương Tài\",Kỹ năng số cơ bản,19-08-2024\r\n");
		while (sb.len < 65536 - 60 + shift % 5)
			sb_appends(&sb, "\n");
		for (size_t k = 0; k < sizeof rows / sizeof *rows; k++)
			sb_appends(&sb, rows[k]);
		for (size_t k = 0; k < 3; k++)
			sb_appends(&sb, "2,An,Xã Việt Hưng,z,01/01/2024\n");
		same_rows(sb.data, sb.len, 2, 4);
		same_rows(sb.data, sb.len, 4, 0);
		sb_free(&sb);
	}
}

static void test_dates_at_year_boundaries(void **state)
{
	(void)state;
	assert_int_equal(onetouch_date_year("31/12/2023"), 2023);
	assert_int_equal(onetouch_date_year("01/01/2024"), 2024);
	assert_int_equal(onetouch_date_year("31-12-2023 23:59:59"), 2023);
	assert_int_equal(onetouch_date_year("01-01-2024 00:00:00"), 2024);
	assert_int_equal(onetouch_date_year("2023-12-31T23:59:59Z"), 2023);
	assert_int_equal(onetouch_date_year("2024-01-01"), 2024);
	assert_int_equal(onetouch_date_year("2024/12/31"), 2024);
	assert_int_equal(onetouch_date_year("01.01.2025"), 2025);
	assert_int_equal(onetouch_date_year("  31/12/2024"), 2024);
	assert_int_equal(onetouch_date_year("1/1/2024"), 2024);
	assert_int_equal(onetouch_date_year("31/12/1899"), -1);
	assert_int_equal(onetouch_date_year("01/01/2101"), -1);
	assert_int_equal(onetouch_date_year("00/01/2024"), -1);
	assert_int_equal(onetouch_date_year("2024-00-10"), -1);
	assert_int_equal(onetouch_date_year("2024-12-32"), -1);
	assert_int_equal(onetouch_date_year("31/12/20245"), -1);
	assert_int_equal(onetouch_date_year("2024-12-311"), -1);
	assert_int_equal(onetouch_date_year("31/12-2024"), -1);
	assert_int_equal(onetouch_date_year("31/12/2024x"), -1);
}

/* Dates of every shape, near and out of the ranges, some with a byte
 * changed, judged as the full grammar judges them. */
static void test_dates_as_the_grammar(void **state)
{
	static const char seps[] = "/-.x";
	static const char tails[][4] = {"", " ", "T", "x", "5", "/"};
	static const char noise[] = "0123456789 /-.Tx";
	uint32_t x = 12345;
	char s[64];

	(void)state;
	for (int i = 0; i < 300000; i++) {
		int day, month, year, n;
		char sep;
		x = x * 1103515245u + 12345u;
		day = (int)(x >> 8) % 40;
		month = (int)(x >> 14) % 15;
		x = x * 1103515245u + 12345u;
		year = 1890 + (int)(x >> 8) % 230;
		sep = seps[(x >> 20) % 4];
		if ((x >> 24) % 2)
			n = snprintf(s, 40, "%s%02d%c%02d%c%04d%s", (x >> 26) % 5 ? "" : "  ", day,
				     sep, month, (x >> 28) % 7 ? sep : '-', year, tails[i % 6]);
		else
			n = snprintf(s, 40, "%04d%c%02d%c%02d%s", year, sep, month,
				     (x >> 28) % 7 ? sep : '/', day, tails[i % 6]);
		if ((x >> 29) == 0) {
			x = x * 1103515245u + 12345u;
			s[(x >> 8) % (unsigned)n] = noise[(x >> 16) % (sizeof noise - 1)];
		}
		if (onetouch_date_year_grammar(s) != onetouch_date_year(s))
			fail_msg("'%s': %d, not %d", s, onetouch_date_year(s),
				 onetouch_date_year_grammar(s));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_and_quoted_rows),
		cmocka_unit_test(test_errors_as_csv_next),
		cmocka_unit_test(test_mixed_exports_as_csv_next),
		cmocka_unit_test(test_rows_cut_by_the_buffer),
		cmocka_unit_test(test_dates_at_year_boundaries),
		cmocka_unit_test(test_dates_as_the_grammar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
