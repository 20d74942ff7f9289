/* Unit tests of spreadsheet-bound text (issue #11, formula injection):
 * every text cell the exports and the commune forms write that a
 * spreadsheet would take for a formula starts with an apostrophe; numbers
 * stay numbers.  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export.h"
#include "form.h"
#include "framework.h"
#include "util.h"

#define FW_PATH "config/frameworks/commune-2024.json"

static void expect_csv(const char *field, bool text, const char *want)
{
	strbuf sb;

	sb_init(&sb, 0);
	assert_int_equal(sb_csv_field(&sb, field, text), DTI_EOK);
	assert_string_equal(sb.data ? sb.data : "", want);
	sb_free(&sb);
}

static void test_guard(void **state)
{
	(void)state;
	assert_true(sheet_text_is_formula("=1+1"));
	assert_true(sheet_text_is_formula("+84"));
	assert_true(sheet_text_is_formula("-3.5"));
	assert_true(sheet_text_is_formula("@SUM(A1)"));
	assert_true(sheet_text_is_formula("\t=1"));
	assert_true(sheet_text_is_formula("\r=1"));
	assert_false(sheet_text_is_formula(""));
	assert_false(sheet_text_is_formula("Xã Lạc Đạo"));
	assert_false(sheet_text_is_formula("a=b"));
	assert_false(sheet_text_is_formula("'=quoted already"));

	expect_csv("=HYPERLINK(\"http://x\",\"y\")", true,
		   "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	expect_csv("+84 912 345 678", true, "'+84 912 345 678");
	expect_csv("-3.5", true, "'-3.5");
	expect_csv("@cmd", true, "'@cmd");
	expect_csv("\t=1", true, "'\t=1");
	expect_csv("\r=1", true, "\"'\r=1\"");
	expect_csv("Xã Lạc Đạo, Hưng Yên", true, "\"Xã Lạc Đạo, Hưng Yên\"");
	expect_csv("", true, "");
	/* Numbers are numbers: a negative one stays as it is. */
	expect_csv("-3.5", false, "-3.5");
	expect_csv("12", false, "12");

	/* Read back, the guard goes; an apostrophe of the text's own stays. */
	assert_string_equal(sheet_text_unguard("'+84 912"), "+84 912");
	assert_string_equal(sheet_text_unguard("'=1"), "=1");
	assert_string_equal(sheet_text_unguard("'quoted'"), "'quoted'");
	assert_string_equal(sheet_text_unguard("''=1"), "''=1");
	assert_string_equal(sheet_text_unguard(""), "");
}

/* The exports' writer: a text cell guarded, nothing else changed. */
static void test_export_cells(void **state)
{
	strbuf sb;

	(void)state;
	sb_init(&sb, 0);
	csv_put(&sb, "=HYPERLINK(\"http://evil\",\"x\")", false);
	csv_put(&sb, "-cmd", false);
	csv_put(&sb, "Xã Lạc Đạo", true);
	assert_string_equal(sb.data,
			    "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'-cmd,Xã Lạc Đạo\n");
	sb_free(&sb);
}

/* A generated form writes stored contacts back: those starting with + or -
 * come out as text. */
static void test_form_contacts(void **state)
{
	framework *fw = NULL;
	form_items items;
	form_contact contacts[CONTACT_ROLES] = {
		{xstrdup("=cmd|' /C calc'!A0"), xstrdup("-UBND xã"), xstrdup("@Công chức"),
		 xstrdup("+84 912 345 678"), xstrdup("h@example.vn")},
		{xstrdup("Trần Văn Đức"), NULL, NULL, xstrdup("02213987654"), NULL},
	};
	form_spec spec = {"11989", "=Xã Lạc Đạo", 2024, NULL, NULL, NULL, contacts, NULL};
	strbuf sb;
	dti_diag d;

	(void)state;
	if (framework_load(FW_PATH, &fw, &d))
		fail_msg("%s", d.msg);
	form_items_build(fw, FORM_SOURCE_WORD, &items);
	sb_init(&sb, 0);
	assert_int_equal(form_render(fw, &items, &spec, &sb, &d), DTI_EOK);
	assert_non_null(strstr(sb.data,
			       ",'=cmd|' /C calc'!A0,'-UBND xã,'@Công chức,'+84 912 345 678,"
			       "h@example.vn,\r\n"));
	/* Digits alone get a space, so that a spreadsheet keeps the leading 0. */
	assert_non_null(strstr(sb.data, ",Trần Văn Đức,,,0221 3987654,,\r\n"));
	assert_non_null(strstr(sb.data, "commune_name,Tên xã/thị trấn,'=Xã Lạc Đạo,"));
	for (const char *p = sb.data; (p = strstr(p, "\n")) != NULL; p++)
		assert_false(sheet_text_is_formula(p + 1) && p[1] != '\0');
	sb_free(&sb);
	for (int r = 0; r < CONTACT_ROLES; r++)
		form_contact_free(&contacts[r]);
	form_items_free(&items);
	framework_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard),
		cmocka_unit_test(test_export_cells),
		cmocka_unit_test(test_form_contacts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
