/* The list printer (lib/table.c) and the "did you mean" helper
 * (text_distance, text_nearest in lib/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "table.h"
#include "text.h"

/* What a table of two columns prints of rows, aligned or not. */
static char *print(bool aligned, const char *const rows[][2], size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	table *t = table_open_as(f, 2, aligned);

	for (size_t i = 0; i < n; i++)
		table_row(t, rows[i]);
	table_close(t);
	fclose(f);
	return buf;
}

static void test_piped_is_tab_separated(void **state)
{
	static const char *const rows[][2] = {
		{"code", "name"}, {"11989", "Xã Lạc Đạo"}, {"11992", "tab\there\nand\x1b[31m"}};
	char *out = print(false, rows, 3);

	(void)state;
	assert_string_equal(out, "code\tname\n11989\tXã Lạc Đạo\n11992\ttab here and?[31m\n");
	free(out);
}

static void test_terminal_is_aligned_by_display_width(void **state)
{
	/* "Xã Lạc Đạo" is 10 columns in 14 bytes; 中文 is 4 columns; the
	 * decomposed "Đạo" (a + combining dot below) is 3. */
	static const char *const rows[][2] = {{"name", "code"},
					      {"Xã Lạc Đạo", "11989"},
					      {"中文", "1"},
					      {"Đa\xcc\xa3o", ""},
					      {"x", "2"}};
	char *out = print(true, rows, 5);

	(void)state;
	assert_string_equal(out, "name        code\n"
				 "Xã Lạc Đạo  11989\n"
				 "中文        1\n"
				 "Đa\xcc\xa3o\n"
				 "x           2\n");
	free(out);
}

static void test_rowv(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	table *t = table_open_as(f, 3, false);

	(void)state;
	table_rowv(t, "a", NULL, "c");
	table_close(t);
	fclose(f);
	assert_string_equal(buf, "a\t\tc\n");
	free(buf);
}

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(text_distance("score", "score"), 0);
	assert_int_equal(text_distance("scroe", "score"), 1); /* a swap */
	assert_int_equal(text_distance("scor", "score"), 1);
	assert_int_equal(text_distance("", "abc"), 3);
	assert_int_equal(text_distance("kitten", "sitting"), 3);
}

static void test_nearest(void **state)
{
	static const char *const commands[] = {"init",   "communes", "import", "score",
					       "export", "status",   "sources"};
	static const char *const sources[] = {"portal-bac-ninh", "telecom-viettel"};

	(void)state;
	assert_string_equal(text_nearest("scroe", commands, 7), "score");
	assert_string_equal(text_nearest("exprot", commands, 7), "export");
	assert_string_equal(text_nearest("statsu", commands, 7), "status");
	assert_string_equal(text_nearest("portal-bac-nin", sources, 2), "portal-bac-ninh");
	assert_null(text_nearest("score", commands, 7));      /* it is one */
	assert_null(text_nearest("frobnicate", commands, 7)); /* nothing near */
	assert_null(text_nearest("x", commands, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_piped_is_tab_separated),
		cmocka_unit_test(test_terminal_is_aligned_by_display_width),
		cmocka_unit_test(test_rowv),
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_nearest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
