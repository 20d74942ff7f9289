/* Unit tests of answers as officers write them (lib/answer.c) and of the
 * message table (lib/msg.c).  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answer.h"
#include "framework.h"
#include "msg.h"
#include "text.h"
#include "util.h"

#define FW_PATH "config/frameworks/commune-2024.json"

static framework *fw;

static int setup(void **state)
{
	dti_diag d;

	(void)state;
	if (framework_load(FW_PATH, &fw, &d))
		fail_msg("%s", d.msg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	framework_free(fw);
	return 0;
}

/* Reads raw as an answer to variable `name`; canon and why say the rest. */
static answer_status read_as(const char *name, const char *raw, msg_lang lang, char *canon,
			     strbuf *why)
{
	const fw_variable *v = framework_variable(fw, name);

	assert_non_null(v);
	return answer_read(v, raw, ',', lang, canon, why);
}

/* raw is accepted as `want` (status st). */
static void accepts(const char *name, const char *raw, const char *want, answer_status st)
{
	char canon[ANSWER_MAX];
	strbuf why;
	answer_status got;

	sb_init(&why, 0);
	got = read_as(name, raw, LANG_VI, canon, &why);
	if (got != st || strcmp(canon, want) != 0)
		fail_msg("%s '%s': got %d '%s' (%s), want %d '%s'", name, raw, got, canon,
			 why.data ? why.data : "", st, want);
	sb_free(&why);
}

/* raw is refused with a message holding `says`. */
static void refuses(const char *name, const char *raw, msg_lang lang, const char *says)
{
	char canon[ANSWER_MAX];
	strbuf why;

	sb_init(&why, 0);
	assert_int_equal(read_as(name, raw, lang, canon, &why), ANSWER_REFUSED);
	if (!strstr(why.data, says))
		fail_msg("%s '%s': said '%s', want '%s'", name, raw, why.data, says);
	sb_free(&why);
}

static void test_yesno_words(void **state)
{
	static const char *const yes[] = {"Có",
					  "có",
					  "CÓ",
					  "co",
					  "x",
					  "X",
					  "Đã ban hành",
					  "đã ban hành",
					  "Đã có",
					  "DA CO",
					  "Đã triển khai",
					  "Rồi",
					  "yes",
					  "1",
					  NULL};
	static const char *const no[] = {
		"Không",         "Chưa",     "chưa", "CHƯA CÓ", "Chưa có", "chua co",
		"Chưa ban hành", "Không có", "no",   "0",       NULL};
	char nfd[64];

	(void)state;
	for (int i = 0; yes[i]; i++)
		accepts("dx_staff", yes[i], "yes", ANSWER_OK);
	for (int i = 0; no[i]; i++)
		accepts("dx_staff", no[i], "no", ANSWER_OK);
	/* Decomposed Unicode (as some phones type it) reads the same. */
	snprintf(nfd, sizeof nfd,
		 "Chu\xcc\x9b"
		 "a co\xcc\x81");
	accepts("dx_staff", nfd, "no", ANSWER_OK);
	refuses("dx_staff", "maybe", LANG_VI,
		"'maybe' không phải câu trả lời Có/Không: ghi Có "
		"hoặc Không");
	refuses("dx_staff", "maybe", LANG_EN, "'maybe' is not a yes/no answer: write Có or Không");
	refuses("dx_staff", "Đang xây dựng", LANG_VI, "không phải câu trả lời Có/Không");
}

static void test_counts(void **state)
{
	(void)state;
	accepts("portal_dx_posts", "12", "12", ANSWER_OK);
	accepts("portal_dx_posts", "007", "7", ANSWER_OK);
	accepts("portal_dx_posts", "1.234", "1234", ANSWER_OK);
	accepts("portal_dx_posts", "1.234.567", "1234567", ANSWER_OK);
	accepts("portal_dx_posts", "12 345", "12345", ANSWER_OK);
	accepts("portal_dx_posts", "0", "0", ANSWER_OK);
	/* No-break spaces, as French-locale Excel groups digits or a web page
	 * pads a cell: spaces. */
	accepts("portal_dx_posts",
		"1\xC2\xA0"
		"234",
		"1234", ANSWER_OK);
	accepts("portal_dx_posts",
		"12\xE2\x80\xAF"
		"345",
		"12345", ANSWER_OK);
	accepts("portal_dx_posts",
		"\xC2\xA0"
		"5\xC2\xA0",
		"5", ANSWER_OK);
	accepts("portal_dx_section", "Có\xC2\xA0", "yes", ANSWER_OK);
	refuses("portal_dx_posts", "1,5", LANG_VI, "'1,5' không phải số nguyên");
	refuses("portal_dx_posts", "1.5", LANG_VI, "'1.5' không phải số nguyên");
	refuses("portal_dx_posts", "1,234", LANG_VI, "'1,234' không phải số nguyên");
	refuses("portal_dx_posts", "12.34", LANG_VI, "không phải số nguyên");
	refuses("portal_dx_posts", "1.2345", LANG_VI, "không phải số nguyên");
	refuses("portal_dx_posts", "-2", LANG_VI, "'-2' là số âm");
	refuses("portal_dx_posts", "5 cuộc", LANG_VI,
		"'5 cuộc' có chữ kèm theo số: chỉ ghi số, ví dụ 5");
	refuses("portal_dx_posts", "1.200 tin", LANG_VI, "chỉ ghi số, ví dụ 1200");
	refuses("portal_dx_posts", "12bài", LANG_VI,
		"'12bài' có chữ kèm theo số: chỉ ghi số, ví dụ 12");
	refuses("portal_dx_posts", "5,5 cuộc", LANG_VI, "'5,5 cuộc' không phải số:");
	refuses("portal_dx_posts", "5 cuộc", LANG_EN,
		"'5 cuộc' has words with the number: write the number alone, such as 5");
	refuses("portal_dx_posts", "năm", LANG_VI, "'năm' không phải số");
	/* Digits after the letters: not a number with its unit, so no "write 1". */
	refuses("portal_dx_posts", "1e3", LANG_VI, "'1e3' không phải số:");
	refuses("portal_dx_posts", "0x10", LANG_VI, "'0x10' không phải số:");
	refuses("portal_dx_posts", "12abc3", LANG_VI, "'12abc3' không phải số:");
	refuses("portal_dx_posts", "\xD9\xA3", LANG_VI, "không phải số:");
	refuses("portal_dx_posts", "\xEF\xBC\x91\xEF\xBC\x92", LANG_VI, "không phải số:");
	refuses("portal_dx_posts", "-0", LANG_VI, "là số âm");
	refuses("portal_dx_posts", "99999999999999999999", LANG_VI, "quá lớn");
}

static void test_enum_parts(void **state)
{
	(void)state;
	/* Exact labels and values, any case. */
	accepts("steering_head", "Bí thư/Chủ tịch xã/thị trấn", "chair", ANSWER_OK);
	accepts("steering_head", "chair", "chair", ANSWER_OK);
	accepts("radio_dx_frequency", "dưới 1 lần/1 tháng", "rarely", ANSWER_OK);
	/* Aliases of the framework. */
	accepts("radio_dx_frequency", "Hàng tuần", "weekly", ANSWER_OK);
	accepts("radio_dx_frequency", "hằng tháng", "monthly", ANSWER_OK);
	/* A distinctive part of one label: read, and said. */
	accepts("steering_head", "Chủ tịch xã", "chair", ANSWER_READ_AS);
	accepts("steering_head", "chu tich xa", "chair", ANSWER_READ_AS);
	accepts("steering_head", "Bí thư", "chair", ANSWER_READ_AS);
	accepts("steering_head", "Phó Chủ tịch", "deputy", ANSWER_READ_AS);
	accepts("steering_head", "Chưa có Ban chỉ đạo", "none", ANSWER_READ_AS);
	accepts("radio_dx_frequency", "Dưới 1 lần", "rarely", ANSWER_READ_AS);
	{
		char canon[ANSWER_MAX];
		strbuf why;
		sb_init(&why, 0);
		read_as("steering_head", "Chủ tịch xã", LANG_VI, canon, &why);
		assert_string_equal(why.data,
				    "'Chủ tịch xã' được đọc là \"Bí thư/Chủ tịch xã/thị trấn\"");
		sb_free(&why);
	}
	/* Ambiguous: refused, the candidates named. */
	refuses("radio_dx_frequency", "1 tuần", LANG_VI,
		"'1 tuần' khớp với nhiều câu trả lời: \"Từ 1 lần/1 tuần trở lên\", \"Từ 1 "
		"lần/1 tháng đến dưới 1 lần/1 tuần\"; ghi đầy đủ một câu");
	refuses("steering_head", "thị trấn", LANG_VI, "khớp với nhiều câu trả lời");
	refuses("steering_head", "thị trấn", LANG_EN, "matches more than one answer");
	/* Not a part of any label: refused with every label. */
	refuses("steering_head", "Trưởng thôn", LANG_VI,
		"'Trưởng thôn' không phải câu trả lời hợp lệ: ghi một trong các câu \"Bí "
		"thư/Chủ tịch xã/thị trấn\", \"Phó Bí thư/Phó Chủ tịch xã/thị trấn\"");
	refuses("radio_dx_frequency", "2.5", LANG_VI, "không phải câu trả lời hợp lệ");
	/* Part of a word is not a word. */
	refuses("steering_head", "Chủ tị", LANG_VI, "không phải câu trả lời hợp lệ");
}

/* An enum of more values than ANSWER_PARTS: a part is matched against the
 * first ANSWER_PARTS alone, and the candidates named are among those (the
 * sanitizer build reads past the matches otherwise). */
static void test_enum_many_values(void **state)
{
	enum { N = ANSWER_PARTS + 6 };
	fw_enum_value vals[N];
	char value[N][16], label[N][32], canon[ANSWER_MAX];
	fw_variable v;
	strbuf why;

	(void)state;
	memset(&v, 0, sizeof v);
	for (int i = 0; i < N; i++) {
		snprintf(value[i], sizeof value[i], "v%d", i);
		snprintf(label[i], sizeof label[i], "Khác %d", i);
		vals[i] = (fw_enum_value){value[i], label[i], {NULL, NULL}, NULL, 0};
	}
	snprintf(label[1], sizeof label[1], "Mục chung một");
	snprintf(label[2], sizeof label[2], "Mục chung hai");
	snprintf(label[N - 1], sizeof label[N - 1], "Mục chung ba");
	for (int i = 0; i < N; i++) {
		vals[i].key[0] = text_fold(value[i]);
		vals[i].key[1] = text_fold(label[i]);
	}
	v.name = value[0];
	v.type = VAR_ENUM;
	v.values = vals;
	v.n_values = N;
	sb_init(&why, 0);
	assert_int_equal(answer_read(&v, "Mục chung", ',', LANG_VI, canon, &why), ANSWER_REFUSED);
	assert_string_equal(why.data, "'Mục chung' khớp với nhiều câu trả lời: \"Mục chung một\", "
				      "\"Mục chung hai\"; ghi đầy đủ một câu");
	sb_free(&why);
	for (int i = 0; i < N; i++) {
		free(vals[i].key[0]);
		free(vals[i].key[1]);
	}
}

static void test_link_scheme(void **state)
{
	char *l;
	char why[TEXT_WHY];

	(void)state;
	l = answer_link_scheme("xa.example.vn/van-ban/qd-1.pdf");
	assert_non_null(l);
	assert_string_equal(l, "https://xa.example.vn/van-ban/qd-1.pdf");
	assert_true(text_link_ok(l, why));
	free(l);
	l = answer_link_scheme("www.laocai.gov.vn");
	assert_string_equal(l, "https://www.laocai.gov.vn");
	free(l);
	assert_null(answer_link_scheme("https://xa.example.vn/a"));
	assert_null(answer_link_scheme("javascript:alert(1)"));
	assert_null(answer_link_scheme("ftp://x.vn/a"));
	assert_null(answer_link_scheme("data:text/html,x"));
	assert_null(answer_link_scheme("quyết định số 12"));
	assert_null(answer_link_scheme("localhost/a"));
	assert_null(answer_link_scheme(".vn/a"));
	assert_null(answer_link_scheme(""));
}

/* The conversions of a printf format, in order ("s", "ld", "zu"…). */
static void conversions(const char *fmt, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p && strchr("0123456789.-+ #", *p))
			p++;
		while (*p && strchr("hlzjt", *p) && n + 1 < cap)
			out[n++] = *p++;
		if (*p && n + 2 < cap) {
			out[n++] = *p;
			out[n++] = ',';
		}
		out[n] = '\0';
	}
}

static void test_table_formats_agree(void **state)
{
	(void)state;
	for (int i = 0; i < MSG_COUNT; i++) {
		char vi[128], en[128];
		conversions(msg_text((msg_id)i, LANG_VI), vi, sizeof vi);
		conversions(msg_text((msg_id)i, LANG_EN), en, sizeof en);
		if (strcmp(vi, en) != 0)
			fail_msg("%s: Vietnamese takes %s, English %s", msg_name((msg_id)i), vi,
				 en);
		assert_true(*msg_text((msg_id)i, LANG_VI));
		assert_string_not_equal(msg_text((msg_id)i, LANG_VI) + 0, "");
	}
	{
		msg_lang l;
		assert_true(msg_lang_parse("vi", &l));
		assert_int_equal(l, LANG_VI);
		assert_true(msg_lang_parse("en", &l));
		assert_int_equal(l, LANG_EN);
		assert_false(msg_lang_parse("fr", &l));
		assert_false(msg_lang_parse(NULL, &l));
	}
}

/* Every reason text.c gives is said in Vietnamese. */
static void test_why_in_vietnamese(void **state)
{
	static const char *const links[] = {
		"javascript:alert(1)",
		"https://",
		"https://e.vn/a b",
		"https://e.vn/\x01",
		"https://e.vn/\xe2\x80\xae",
		"https://e.vn/\xff",
		"https://e.vn/a\xc2\xa0"
		"b",
	};
	char why[TEXT_WHY], said[TEXT_WHY * 2], big[TEXT_MAX_NOTE + 2];

	(void)state;
	for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
		assert_false(text_link_ok(links[i], why));
		msg_why(why, LANG_VI, said);
		if (strcmp(said, why) == 0)
			fail_msg("'%s' is not said in Vietnamese", why);
		msg_why(why, LANG_EN, said);
		assert_string_equal(said, why);
	}
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_false(text_note_ok(big, why));
	msg_why(why, LANG_VI, said);
	assert_string_equal(said, "dài 4001 byte; chỉ giữ tối đa 4000 byte: hãy rút gọn");
	assert_false(text_check("a\0b", 3, TEXT_LINE, why));
	msg_why(why, LANG_VI, said);
	assert_string_equal(said, "chứa byte NUL");
	msg_why("something new", LANG_VI, said);
	assert_string_equal(said, "something new");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yesno_words),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_enum_parts),
		cmocka_unit_test(test_enum_many_values),
		cmocka_unit_test(test_link_scheme),
		cmocka_unit_test(test_table_formats_agree),
		cmocka_unit_test(test_why_in_vietnamese),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
