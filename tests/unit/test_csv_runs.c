/* The CSV reader's fast path (runs of ordinary bytes copied at once) must
 * read exactly what the byte-by-byte state machine reads: quotes, doubled
 * quotes, line breaks inside quotes, CRLF, BOM, semicolons, blank lines,
 * records that span the 64 KiB read buffer, and the errors. */
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
#include "util.h"

/* Reads text and renders every record as "[f1|f2|...]@line". */
static char *render(const char *text, size_t len, int *status)
{
	FILE *f = fmemopen((void *)text, len, "r");
	csv_reader *r = csv_open(f, "t.csv", 0);
	strbuf sb;
	dti_diag d;
	int got;

	sb_init(&sb, 0);
	while ((got = csv_next(r, &d)) > 0) {
		sb_appends(&sb, "[");
		for (size_t i = 0; i < csv_nfields(r); i++)
			sb_appendf(&sb, "%s%s", i ? "|" : "", csv_field(r, i));
		sb_appendf(&sb, "]@%ld", csv_line(r));
	}
	*status = got;
	if (got < 0)
		sb_appendf(&sb, "ERR:%s", d.msg);
	csv_close(r);
	fclose(f);
	sb_append(&sb, "", 0);
	return sb_take(&sb);
}

static void check(const char *text, const char *want, int want_status)
{
	int st;
	char *got = render(text, strlen(text), &st);

	if (strcmp(got, want) != 0 || st != want_status)
		fail_msg("input '%s':\n got  %s (%d)\n want %s (%d)", text, got, st, want,
			 want_status);
	free(got);
}

static void test_shapes(void **state)
{
	(void)state;
	check("a,b,c\n1,2,3\n", "[a|b|c]@1[1|2|3]@2", 0);
	check("\xEF\xBB\xBFh1,h2\r\nx,y\r\n", "[h1|h2]@1[x|y]@2", 0);
	check("a;b\n1,5;2\n", "[a|b]@1[1,5|2]@2", 0);
	check("a,\"b,c\",\"d\"\"e\"\n", "[a|b,c|d\"e]@1", 0);
	check("\"multi\nline\",x\nnext,y\n", "[multi\nline|x]@1[next|y]@3", 0);
	check("a,b\n\n\r\nc,d", "[a|b]@1[c|d]@4", 0);
	check(",,\n", "[||]@1", 0);
	check("\"\",x\n", "[|x]@1", 0);
	check("\"open,x\n", "ERR:t.csv:1: quoted field not closed before end of file", -1);
	check("\"a\"b,c\n", "ERR:t.csv:1: field 1: unexpected character after closing quote", -1);
	check("x\r\ny\r", "[x]@1[y\r]@2", 0);
	check("a,b,\n\"q\",\n", "[a|b|]@1[q|]@2", 0);
	check("\"a\"\"\",b\n\"c\nd\"\n", "[a\"|b]@1[c\nd]@2", 0);
	check("x,\"y\"z\n", "ERR:t.csv:1: field 2: unexpected character after closing quote", -1);
	check("ab\"c,d\n", "[ab\"c|d]@1", 0);
}

/* Long records across buffer boundaries, quoted and not. */
static void test_long_records(void **state)
{
	strbuf in, want;
	int st;
	char *got;

	(void)state;
	sb_init(&in, 0);
	sb_init(&want, 0);
	for (int i = 0; i < 3000; i++) {
		char field[200];
		memset(field, 'a' + i % 26, sizeof field - 1);
		field[sizeof field - 1] = '\0';
		field[i % 150] = i % 2 ? ' ' : 'Z';
		sb_appendf(&in, "%d,%s,\"%s\"\"q\",\"l1\nl2\"\n", i, field, field);
		sb_appendf(&want, "[%d|%s|%s\"q|l1\nl2]@%d", i, field, field, 1 + 2 * i);
	}
	got = render(in.data, in.len, &st);
	assert_int_equal(st, 0);
	assert_string_equal(got, want.data);
	free(got);
	sb_free(&in);
	sb_free(&want);
}

/* Plain records (the in-place fast path) across buffer boundaries, with
 * CRLF, blank lines and a last line without a line break. */
static void test_plain_records(void **state)
{
	strbuf in, want;
	int st, line = 1;
	char *got;

	(void)state;
	sb_init(&in, 0);
	sb_init(&want, 0);
	for (int i = 0; i < 20000; i++) {
		if (i % 5 == 0) {
			sb_appendf(&in, "\"%d\",\"Xã, Lạc Đạo\",\"\",x%s", i,
				   i % 3 ? "\r\n" : "\n");
			sb_appendf(&want, "[%d|Xã, Lạc Đạo||x]@%d", i, line++);
			continue;
		}
		sb_appendf(&in, "%d,Xã Lạc Đạo %d,,%0*d%s", i, i % 97, 1 + i % 40, i,
			   i % 3 ? "\r\n" : "\n");
		sb_appendf(&want, "[%d|Xã Lạc Đạo %d||%0*d]@%d", i, i % 97, 1 + i % 40, i, line++);
		if (i % 1000 == 7) {
			sb_appends(&in, i % 2 ? "\r\n" : "\n");
			line++;
		}
	}
	sb_appends(&in, "last,x");
	sb_appendf(&want, "[last|x]@%d", line);
	got = render(in.data, in.len, &st);
	assert_int_equal(st, 0);
	assert_string_equal(got, want.data);
	free(got);
	sb_free(&in);
	sb_free(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes),
		cmocka_unit_test(test_long_records),
		cmocka_unit_test(test_plain_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
