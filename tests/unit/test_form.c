/* Unit tests of the commune form's validation rules (lib/form.c) and the
 * framework's proof_link policy.  Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "form.h"
#include "framework.h"
#include "text.h"
#include "util.h"

#define FW_PATH "config/frameworks/commune-2024.json"

static framework *load_fw(void)
{
	framework *fw = NULL;
	dti_diag d;
	dti_err rc = framework_load(FW_PATH, &fw, &d);

	if (rc)
		fail_msg("%s", d.msg);
	return fw;
}

static void test_links(void **state)
{
	char why[TEXT_WHY] = "";
	char big[FORM_MAX_URL + 32];

	(void)state;
	assert_true(text_link_ok("https://xa.example.vn/van-ban/qd-1.pdf", why));
	assert_string_equal(why, "");
	assert_true(text_link_ok("HTTP://example.vn/a?b=c#d", why));
	assert_true(text_link_ok("https://example.vn/Quyết-định", why));
	assert_false(text_link_ok("javascript:alert(1)", why));
	assert_string_equal(why, "is not an http:// or https:// link");
	assert_false(text_link_ok("JAVASCRIPT://%0aalert(1)", why));
	assert_false(text_link_ok("data:text/html,<script>", why));
	assert_false(text_link_ok("ftp://example.vn/x", why));
	assert_false(text_link_ok("example.vn/x", why));
	assert_false(text_link_ok("https://", why));
	assert_string_equal(why, "has no host");
	assert_false(text_link_ok("https:///path", why));
	assert_false(text_link_ok("https://example.vn/a b", why));
	assert_false(text_link_ok("https://example.vn/\"><script>", why));
	assert_false(text_link_ok("https://example.vn/\x01", why));
	assert_string_equal(why, "contains a control character (U+0001)");
	assert_false(text_link_ok("https://example.vn/\xe2\x80\xae", why));
	assert_string_equal(why, "contains a bidirectional control character (U+202E)");
	assert_false(text_link_ok("https://example.vn/\xff\xfe", why));
	assert_string_equal(why, "is not valid UTF-8");
	memcpy(big, "https://e.vn/", 13);
	memset(big + 13, 'a', sizeof big - 14);
	big[sizeof big - 1] = '\0';
	assert_false(text_link_ok(big, why));
	assert_string_equal(why, "is longer than 2000 bytes");
}

static void test_phone_email(void **state)
{
	(void)state;
	assert_true(form_phone_ok("0912 345 678"));
	assert_false(form_phone_ok("+84 221 3987 654")); /* a formula in a spreadsheet */
	assert_true(form_phone_ok("84 221 3987 654"));
	assert_true(form_phone_ok("(0221) 3.987-654"));
	assert_false(form_phone_ok("1234567"));          /* 7 digits */
	assert_false(form_phone_ok("1234567890123456")); /* 16 digits */
	assert_false(form_phone_ok("0912 345 67x"));
	assert_false(form_phone_ok("09+12345678"));
	assert_false(form_phone_ok("=1+2"));
	assert_true(form_email_ok("huong.nt@example.vn"));
	assert_false(form_email_ok("huong.nt@example"));
	assert_false(form_email_ok("@example.vn"));
	assert_false(form_email_ok("a@b@example.vn"));
	assert_false(form_email_ok("a b@example.vn"));
	assert_false(form_email_ok("hương@example.vn"));
	assert_false(form_email_ok("a@example."));
	assert_false(form_email_ok("<a@example.vn>"));
}

static void test_times(void **state)
{
	time_t t;

	(void)state;
	/* A decision date: a day of the calendar, written YYYY-MM-DD. */
	assert_true(form_date_ok("2025-01-15"));
	assert_true(form_date_ok("2024-02-29"));
	assert_false(form_date_ok("2025-02-29"));
	assert_false(form_date_ok("2025-1-15"));
	assert_false(form_date_ok("15/01/2025"));
	assert_false(form_date_ok(NULL));
	assert_true(form_parse_time("2024-12-31T17:00:00+07:00", &t));
	assert_int_equal((long long)t, 1735639200LL); /* 2024-12-31T10:00:00Z */
	assert_true(form_parse_time("2024-12-31T10:00:00Z", &t));
	assert_int_equal((long long)t, 1735639200LL);
	assert_true(form_parse_time("2024-12-31T05:30-0430", &t));
	assert_int_equal((long long)t, 1735639200LL);
	/* A date alone: the end of that day in Vietnam (UTC+7). */
	assert_true(form_parse_time("2024-12-31", &t));
	assert_int_equal((long long)t, 1735639200LL + 6 * 3600 + 59 * 60 + 59);
	assert_false(form_parse_time("2024-12-31T17:00:00", &t)); /* no zone */
	assert_false(form_parse_time("31/12/2024", &t));
	assert_false(form_parse_time("2024-13-01", &t));
	assert_false(form_parse_time("2024-12-31T25:00:00Z", &t));
	assert_false(form_parse_time("2024-12-31T17:00:00+07:00 junk", &t));
	assert_false(form_parse_time("", &t));
}

static void test_items_and_scores(void **state)
{
	framework *fw = load_fw();
	form_items items;
	const form_item *it;

	(void)state;
	form_items_build(fw, FORM_SOURCE_WORD, &items);
	assert_int_equal(items.count, 18);
	for (size_t i = 0; i < items.count; i++)
		assert_string_equal(items.items[i].variable->source, "commune");
	assert_null(form_items_find(&items, "population"));
	it = form_items_find(&items, "portal_dx_section");
	assert_non_null(it);
	assert_string_equal(it->indicators, "1.3");
	assert_string_equal(it->indicator->id, "1.3");
	assert_true(it->indicator->proof_link_required);
	it = form_items_find(&items, "steering_head");
	assert_false(form_answer_scores(it->indicator, it->variable, "none", 0));
	assert_true(form_answer_scores(it->indicator, it->variable, "deputy", 0));
	it = form_items_find(&items, "dx_staff");
	assert_true(form_answer_scores(it->indicator, it->variable, "yes", 1));
	assert_false(form_answer_scores(it->indicator, it->variable, "no", 0));
	it = form_items_find(&items, "villages_with_team");
	assert_string_equal(it->indicators, "4.2");
	assert_false(form_answer_scores(it->indicator, it->variable, "0", 0));
	assert_string_equal(form_answer_label(form_items_find(&items, "dx_staff")->variable, "yes"),
			    "Có");
	assert_string_equal(
		form_answer_label(form_items_find(&items, "radio_dx_frequency")->variable,
				  "weekly"),
		"Từ 1 lần/1 tuần trở lên");
	form_items_free(&items);
	framework_free(fw);
}

static void test_proof_link_policy(void **state)
{
	char *text = NULL, *edited;
	size_t len = 0;
	framework *fw = NULL;
	dti_diag d;
	const char *needle = "\"proof_link\": \"required\"";
	char *at;

	(void)state;
	assert_int_equal(read_file(FW_PATH, 1u << 24, &text, &len, &d), DTI_EOK);
	at = strstr(text, needle);
	assert_non_null(at);
	/* A bad word is refused. */
	edited = xasprintf("%.*s\"proof_link\": \"maybe\"%s", (int)(at - text), text,
			   at + strlen(needle));
	assert_int_equal(framework_parse(edited, strlen(edited), "edited", &fw, &d),
			 DTI_EFRAMEWORK);
	assert_non_null(strstr(d.msg, "\"proof_link\" must be \"required\" or \"optional\""));
	free(edited);
	/* Without the policy, links are optional. */
	edited = xasprintf("%.*s\"proof_link\": \"optional\"%s", (int)(at - text), text,
			   at + strlen(needle));
	assert_int_equal(framework_parse(edited, strlen(edited), "edited", &fw, &d), DTI_EOK);
	assert_false(framework_indicator(fw, "1.1")->proof_link_required);
	assert_false(fw->proof_link_required);
	framework_free(fw);
	free(edited);
	/* An indicator may override the policy. */
	at = strstr(text, "\"id\": \"1.1\",");
	assert_non_null(at);
	edited = xasprintf("%.*s\"id\": \"1.1\", \"proof_link\": \"optional\",%s", (int)(at - text),
			   text, at + strlen("\"id\": \"1.1\","));
	assert_int_equal(framework_parse(edited, strlen(edited), "edited", &fw, &d), DTI_EOK);
	assert_false(framework_indicator(fw, "1.1")->proof_link_required);
	assert_true(framework_indicator(fw, "1.2")->proof_link_required);
	framework_free(fw);
	free(edited);
	free(text);
}

/* Renders Lạc Đạo's form with answers, replaces lines as told, reads it. */
typedef struct read_case {
	framework *fw;
	form_items items;
	commune_list communes;
	commune_index ix;
	form_result res;
	dti_problems p;
} read_case;

static dti_err read_text_lang(read_case *c, const char *text, msg_lang lang)
{
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	dti_diag d;
	dti_err rc;

	assert_non_null(f);
	form_result_free(&c->res);
	form_result_init(&c->res);
	problems_free(&c->p);
	memset(&c->p, 0, sizeof c->p);
	rc = form_read_lang(f, "t.csv", c->fw, &c->items, &c->ix, 2024, lang, &c->res, &c->p, &d);
	fclose(f);
	return rc;
}

static dti_err read_text(read_case *c, const char *text)
{
	return read_text_lang(c, text, LANG_VI);
}

static void case_init(read_case *c)
{
	memset(c, 0, sizeof *c);
	c->fw = load_fw();
	form_items_build(c->fw, FORM_SOURCE_WORD, &c->items);
	commune_list_add(&c->communes, "11989", "Xã Lạc Đạo");
	commune_list_add(&c->communes, "12004", "Xã Đình Dù");
	commune_index_build(&c->ix, &c->communes);
	form_result_init(&c->res);
}

static void case_free(read_case *c)
{
	form_result_free(&c->res);
	problems_free(&c->p);
	commune_index_free(&c->ix);
	commune_list_free(&c->communes);
	form_items_free(&c->items);
	framework_free(c->fw);
}

/* The rendered form with every answer given as `answer` plus a link. */
static char *render(read_case *c, const char *const *prefill, const char *const *links)
{
	form_contact contacts[CONTACT_ROLES] = {
		{xstrdup("Nguyễn Thị Hương"), xstrdup("UBND xã"), xstrdup("Công chức"),
		 xstrdup("0912 345 678"), xstrdup("h@example.vn")},
		{xstrdup("Trần Văn Đức"), NULL, NULL, xstrdup("0221 3987 654"), NULL},
	};
	form_spec spec = {"11989", "Xã Lạc Đạo", 2024,     "2024-12-31T17:00:00+07:00",
			  prefill, links,        contacts, NULL};
	strbuf sb;
	dti_diag d;

	sb_init(&sb, 0);
	assert_int_equal(form_render(c->fw, &c->items, &spec, &sb, &d), DTI_EOK);
	form_contact_free(&contacts[0]);
	form_contact_free(&contacts[1]);
	return sb_take(&sb);
}

static bool has_problem(const read_case *c, const char *needle)
{
	for (size_t i = 0; i < c->p.stored; i++)
		if (strstr(c->p.items[i], needle))
			return true;
	return false;
}

static void test_round_trip(void **state)
{
	read_case c;
	const char *pre[18] = {"chair", "3",  "4",  "yes", "12",  "no", "rarely", "yes", "no",
			       "yes",   "no", "no", "yes", "yes", "5",  "no",     "no",  "yes"};
	const char *links[18];
	char *text;

	(void)state;
	case_init(&c);
	assert_int_equal(c.items.count, 18);
	for (size_t i = 0; i < 18; i++)
		links[i] = "https://example.vn/proof";
	text = render(&c, pre, links);
	assert_memory_equal(text,
			    "\xEF\xBB\xBF"
			    "Mã,Nội dung,",
			    3 + strlen("Mã,Nội dung,"));
	assert_int_equal(read_text(&c, text), DTI_EOK);
	assert_int_equal(c.p.count, 0);
	assert_string_equal(c.res.commune_code, "11989");
	assert_int_equal(c.res.answers.count, 18);
	assert_string_equal(c.res.answers.items[0].value, "chair");
	assert_string_equal(c.res.answers.items[6].value, "rarely");
	assert_string_equal(c.res.contacts[CONTACT_OFFICER].name, "Nguyễn Thị Hương");
	assert_null(c.res.contacts[CONTACT_APPROVER].email);
	free(text);
	/* Blank answers are allowed (counted), links alone are not. */
	{
		const char *none[18] = {NULL};
		const char *one_link[18] = {NULL, NULL, NULL, NULL, NULL, "https://example.vn/x"};
		text = render(&c, none, NULL);
		assert_int_equal(read_text(&c, text), DTI_EOK);
		assert_int_equal(c.res.answers.count, 0);
		assert_int_equal(c.res.unanswered, 18);
		free(text);
		text = render(&c, none, one_link);
		assert_int_equal(read_text(&c, text), DTI_EINVALID);
		assert_int_equal(c.p.count, 1);
		assert_non_null(strstr(
			c.p.items[0],
			"t.csv:14 (radio_dx_segment), cột \"Trả lời\": có đường dẫn nhưng chưa có "
			"câu trả lời: điền cột \"Trả lời\" hoặc xoá đường dẫn"));
		free(text);
	}
	case_free(&c);
}

/* A commune whose name another commune has too: its form, code and name
 * as sent, is its own (not "not the name of commune …"); a form giving the
 * shared name alone is told to give the code. */
static void test_shared_name(void **state)
{
	read_case c;
	const char *pre[18] = {"chair", "3",  "4",  "yes", "12",  "no", "rarely", "yes", "no",
			       "yes",   "no", "no", "yes", "yes", "5",  "no",     "no",  "yes"};
	const char *links[18];
	char *text, *at, *edited;

	(void)state;
	case_init(&c);
	commune_index_free(&c.ix);
	commune_list_add(&c.communes, "12010", "Xã Lạc Đạo");
	commune_index_build(&c.ix, &c.communes);
	for (size_t i = 0; i < 18; i++)
		links[i] = "https://example.vn/proof";
	text = render(&c, pre, links);
	assert_int_equal(read_text(&c, text), DTI_EOK);
	assert_int_equal(c.p.count, 0);
	assert_string_equal(c.res.commune_code, "11989");
	/* The code's cell emptied: the name alone does not say which. */
	at = strstr(text, "commune,Mã xã/thị trấn,11989");
	assert_non_null(at);
	edited = xasprintf("%.*scommune,Mã xã/thị trấn,%s", (int)(at - text), text,
			   at + strlen("commune,Mã xã/thị trấn,11989"));
	form_result_free(&c.res);
	form_result_init(&c.res);
	assert_int_equal(read_text(&c, edited), DTI_EINVALID);
	assert_true(has_problem(&c, "nhiều xã cùng tên 'Xã Lạc Đạo': ghi mã xã"));
	free(edited);
	free(text);
	case_free(&c);
}

static void test_problems_in_line_order(void **state)
{
	read_case c;
	const char *pre[18] = {"none", "5", "4"};
	char *text, *bad;

	(void)state;
	case_init(&c);
	text = render(&c, pre, NULL);
	/* Wrong year, a name that is not the code's, an unknown item at the end. */
	bad = xasprintf("%sbogus,x,1,,,,\r\n", text);
	free(text);
	text = bad;
	bad = strstr(text, "year,Năm đánh giá,2024");
	assert_non_null(bad);
	memcpy(bad + strlen("year,Năm đánh giá,"), "2023", 4);
	bad = strstr(text, "Xã Lạc Đạo");
	assert_non_null(bad);
	{
		char *edited = xasprintf("%.*sXã Đình Dù%s", (int)(bad - text), text,
					 bad + strlen("Xã Lạc Đạo"));
		free(text);
		text = edited;
	}
	assert_int_equal(read_text(&c, text), DTI_EINVALID);
	for (size_t i = 0; i < c.p.stored; i++)
		print_message("  %s\n", c.p.items[i]);
	assert_int_equal(c.p.count, 5);
	assert_non_null(
		strstr(c.p.items[0],
		       "t.csv:6, cột \"Trả lời\": 'Xã Đình Dù' không phải tên của xã 11989"));
	assert_non_null(strstr(c.p.items[1], "t.csv:7, cột \"Trả lời\": phiếu của năm 2023"));
	/* 1.2: 5 chaired of 4 meetings, with a score and no link. */
	assert_non_null(strstr(
		c.p.items[2],
		"t.csv:10 (dx_meetings_chaired), cột \"Trả lời\": chỉ số 1.2: tử số (5) lớn hơn"));
	assert_non_null(strstr(c.p.items[3], "t.csv:10 (dx_meetings_chaired), cột \"Đường dẫn "
					     "tài liệu kiểm chứng (http/https)\": chỉ số 1.2 cần "
					     "đường dẫn"));
	assert_non_null(strstr(c.p.items[4], "(bogus), cột \"Mã\": mục không có trong phiếu"));
	/* steering_head = none scores nothing: no link needed for 1.1. */
	for (size_t i = 0; i < c.p.stored; i++)
		assert_null(strstr(c.p.items[i], "chỉ số 1.1"));
	free(text);
	case_free(&c);
}

static void test_hostile_fields(void **state)
{
	read_case c;
	const char *pre[18] = {NULL};
	char *text, *edited, *at;
	char *note;

	(void)state;
	case_init(&c);
	text = render(&c, pre, NULL);
	at = strstr(text, "dx_staff,");
	assert_non_null(at);
	at = strstr(at, "\r\n");
	/* The dx_staff row gets an answer, a link and a note with HTML and SQL. */
	note = xstrdup("<b onmouseover=alert(1)>'; DROP TABLE observation;--");
	{
		const char *row_start = strstr(text, "dx_staff,");
		const char *after_q = strstr(row_start, "Có / Không");
		assert_non_null(after_q);
		edited = xasprintf("%.*sdx_staff,q,có,,,https://example.vn/qd,\"%s\"%s",
				   (int)(row_start - text), text, note, at);
	}
	assert_int_equal(read_text(&c, edited), DTI_EOK);
	assert_int_equal(c.res.answers.count, 1);
	assert_string_equal(c.res.answers.items[0].note, note);
	assert_string_equal(c.res.answers.items[0].proof_url, "https://example.vn/qd");
	free(edited);
	/* A note longer than FORM_MAX_NOTE is refused with its size. */
	{
		char *big = xmalloc(FORM_MAX_NOTE + 2);
		const char *row_start = strstr(text, "dx_staff,");
		memset(big, 'x', FORM_MAX_NOTE + 1);
		big[FORM_MAX_NOTE + 1] = '\0';
		edited = xasprintf("%.*sdx_staff,q,có,,,https://example.vn/qd,%s%s",
				   (int)(row_start - text), text, big, at);
		assert_int_equal(read_text(&c, edited), DTI_EINVALID);
		assert_int_equal(c.p.count, 1);
		assert_non_null(strstr(c.p.items[0],
				       "(dx_staff), cột \"Ghi chú\": ghi chú dài 4001 byte; chỉ "
				       "giữ tối đa 4000 byte"));
		free(edited);
		free(big);
	}
	/* Invalid UTF-8 in the answer column is refused with line and column. */
	{
		const char *row_start = strstr(text, "dx_staff,");
		edited = xasprintf("%.*sdx_staff,q,c\xf3,,,,%s", (int)(row_start - text), text, at);
		assert_int_equal(read_text(&c, edited), DTI_EINVALID);
		assert_non_null(
			strstr(c.p.items[0], "(dx_staff), cột \"Trả lời\": không phải UTF-8"));
		free(edited);
	}
	free(note);
	free(text);
	case_free(&c);
}

/* text with the first `from` replaced by `to`; frees text. */
static char *replaced(char *text, const char *from, const char *to)
{
	char *at = strstr(text, from), *out;

	assert_non_null(at);
	out = xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	free(text);
	return out;
}

/* text with the row starting with key replaced by row; frees text. */
static char *replaced_row(char *text, const char *key, const char *row)
{
	char *at = strstr(text, key), *end, *out;

	assert_non_null(at);
	end = strstr(at, "\r\n");
	assert_non_null(end);
	out = xasprintf("%.*s%s%s", (int)(at - text), text, row, end);
	free(text);
	return out;
}

/* Contact fields that a spreadsheet would run as a formula, and text that
 * could spoof the ranking (bidirectional overrides, C1 controls), are
 * refused at input with the line and the field (#11 items 3 and 11). */
static void test_contact_formulas_and_spoofing(void **state)
{
	read_case c;
	const char *pre[18] = {NULL};
	char *text;

	(void)state;
	case_init(&c);
	text = render(&c, pre, NULL);
	text = replaced(text, "0912 345 678", "+84 912 345 678");
	text = replaced(text, "UBND xã,Công chức", "-UBND xã,+Công chức");
	text = replaced(text, "Trần Văn Đức", "Trần \xe2\x80\xae Đức");
	text = replaced_row(text, "dx_staff,",
			    "dx_staff,q,có,,,https://e.vn/qd,\"ghi \xc2\x85 chú\"");
	text = replaced_row(text, "dx_plan_annual,",
			    "dx_plan_annual,q,có,,,https://e.vn/\xe2\x80\xabx,");
	assert_int_equal(read_text(&c, text), DTI_EINVALID);
	for (size_t i = 0; i < c.p.stored; i++)
		print_message("  %s\n", c.p.items[i]);
	assert_true(has_problem(
		&c, "(contact.officer), cột \"Điện thoại liên hệ\": '+84 912 345 678' bắt đầu bằng "
		    "'+', bảng tính sẽ coi là công thức: ghi số dạng 0… hoặc 84…"));
	assert_true(has_problem(&c, "(contact.officer), cột \"Đơn vị công tác\": bắt đầu bằng "
				    "'-', bảng tính sẽ coi là công thức"));
	assert_true(has_problem(
		&c, "(contact.officer), cột \"Chức vụ\": bắt đầu bằng '+', bảng tính sẽ coi"));
	assert_true(has_problem(&c, "(contact.approver), cột \"Họ tên\": chứa ký tự đảo chiều "
				    "văn bản (U+202E)"));
	assert_true(has_problem(
		&c, "(dx_staff), cột \"Ghi chú\": ghi chú chứa ký tự điều khiển (U+0085)"));
	assert_true(has_problem(&c,
				"(dx_plan_annual), cột \"Đường dẫn tài liệu kiểm chứng "
				"(http/https)\": đường dẫn chứa ký tự đảo chiều văn bản (U+202B)"));
	assert_int_equal(c.p.count, 7); /* the six, and 2.3 left without a link */
	free(text);
	case_free(&c);
}

/* An answer refused still tells that its indicator needs a link; answers
 * read otherwise than written and links given https:// are notes; the
 * language chosen says it all in English. */
static void test_one_pass_notes_and_language(void **state)
{
	read_case c;
	const char *pre[18] = {NULL};
	char *text;

	(void)state;
	case_init(&c);
	text = render(&c, pre, NULL);
	text = replaced_row(text, "portal_dx_section,", "portal_dx_section,q,Đang làm,,,,");
	text = replaced_row(text, "steering_head,",
			    "steering_head,q,Chủ tịch xã,,,xa.example.vn/qd-1.pdf,");
	text = replaced_row(text, "villages_with_team,",
			    "villages_with_team,q,1.234,,,https://e.vn/qd,");
	assert_int_equal(read_text(&c, text), DTI_EINVALID);
	for (size_t i = 0; i < c.p.stored; i++)
		print_message("  %s\n", c.p.items[i]);
	assert_int_equal(c.p.count, 2);
	assert_non_null(strstr(c.p.items[0], "t.csv:12 (portal_dx_section), cột \"Trả lời\": "
					     "'Đang làm' không phải câu trả lời Có/Không"));
	assert_non_null(
		strstr(c.p.items[1],
		       "t.csv:12 (portal_dx_section), cột \"Đường dẫn tài liệu kiểm chứng "
		       "(http/https)\": chỉ số 1.3: nếu câu trả lời được tính điểm thì cần"));
	/* The notes, in line order. */
	assert_int_equal(c.res.notes.count, 2);
	assert_non_null(
		strstr(c.res.notes.items[0],
		       "t.csv:9 (steering_head), cột \"Trả lời\": 'Chủ tịch xã' được đọc là "
		       "\"Bí thư/Chủ tịch xã/thị trấn\""));
	assert_non_null(strstr(c.res.notes.items[1],
			       "đường dẫn 'xa.example.vn/qd-1.pdf' chưa có https://: đã đọc là "
			       "https://xa.example.vn/qd-1.pdf"));
	/* Fixed, the form is read: the link stored with its scheme. */
	text = replaced_row(text, "portal_dx_section,", "portal_dx_section,q,Chưa,,,,");
	assert_int_equal(read_text(&c, text), DTI_EOK);
	assert_int_equal(c.res.answers.count, 3);
	assert_string_equal(c.res.answers.items[0].value, "chair");
	assert_string_equal(c.res.answers.items[0].proof_url, "https://xa.example.vn/qd-1.pdf");
	assert_string_equal(c.res.answers.items[1].value, "no");
	assert_string_equal(c.res.answers.items[2].value, "1234");
	/* In English. */
	text = replaced_row(text, "portal_dx_section,", "portal_dx_section,q,maybe,,,,");
	assert_int_equal(read_text_lang(&c, text, LANG_EN), DTI_EINVALID);
	assert_true(has_problem(&c, "t.csv:12 (portal_dx_section), column \"Trả lời\": 'maybe' is "
				    "not a yes/no answer: write Có or Không"));
	assert_true(
		has_problem(&c, "indicator 1.3: an answer that earns points needs a proof link"));
	free(text);
	case_free(&c);
}

/* What the officer wrote is shown back printable: a control character in
 * an answer is refused before it is read, and never reaches the terminal. */
static void test_control_characters_shown_printable(void **state)
{
	read_case c;
	const char *pre[18] = {NULL};
	char *text;

	(void)state;
	case_init(&c);
	text = render(&c, pre, NULL);
	text = replaced_row(text, "steering_head,", "steering_head,q,Chủ tịch xã\x1b[2J,,,,");
	text = replaced_row(text, "dx_staff,", "dx_staff,q,có,,,xa.vn/\x1b[2J,");
	assert_int_equal(read_text(&c, text), DTI_EINVALID);
	for (size_t i = 0; i < c.p.stored; i++) {
		print_message("  %s\n", c.p.items[i]);
		assert_null(strchr(c.p.items[i], '\x1b'));
	}
	for (size_t i = 0; i < c.res.notes.stored; i++)
		assert_null(strchr(c.res.notes.items[i], '\x1b'));
	assert_true(has_problem(&c, "(steering_head), cột \"Trả lời\": câu trả lời chứa ký tự "
				    "điều khiển (U+001B)"));
	assert_true(has_problem(&c, "(dx_staff), cột \"Đường dẫn tài liệu kiểm chứng "
				    "(http/https)\": đường dẫn chứa ký tự điều khiển (U+001B)"));
	assert_int_equal(c.res.answers.count, 1); /* dx_staff's "có"; steering_head refused */
	assert_string_equal(c.res.answers.items[0].variable->name, "dx_staff");
	free(text);
	case_free(&c);
}

/* A phone number a spreadsheet read as a number has lost its 0. */
static void test_phone_lost_zero(void **state)
{
	read_case c;
	const char *pre[18] = {NULL};
	char *text;

	(void)state;
	assert_true(form_phone_lost_zero("912345678"));
	assert_true(form_phone_lost_zero("221 3987 654"));
	assert_false(form_phone_lost_zero("0912345678"));
	assert_false(form_phone_lost_zero("84 912 345 678"));
	assert_false(form_phone_lost_zero("1234567")); /* too short to tell */
	assert_false(form_phone_lost_zero("call me"));
	assert_false(form_phone_ok("912345678"));
	assert_false(form_phone_ok("845123456")); /* 0845 123 456 without its 0 */
	assert_true(form_phone_ok("84845123456"));
	assert_true(form_phone_ok("1900 1234")); /* a hotline has no 0 */
	assert_false(form_phone_lost_zero("1900 1234"));
	assert_true(form_phone_ok("1800 1234 56"));
	case_init(&c);
	text = render(&c, pre, NULL);
	text = replaced(text, "0912 345 678", "912345678");
	assert_int_equal(read_text(&c, text), DTI_EINVALID);
	assert_int_equal(c.p.count, 1);
	assert_non_null(
		strstr(c.p.items[0],
		       "(contact.officer), cột \"Điện thoại liên hệ\": '912345678' đã mất số "
		       "0 ở đầu (bảng tính đọc nó là một số): ghi 0912345678"));
	assert_null(c.res.contacts[CONTACT_OFFICER].phone);
	free(text);
	case_free(&c);
}

/* The deadline as the form shows it. */
static void test_deadline_text(void **state)
{
	char out[FORM_DEADLINE_TEXT];

	(void)state;
	form_deadline_text("2024-12-31T17:00:00+07:00", LANG_VI, out);
	assert_string_equal(out, "17:00 ngày 31/12/2024 (giờ Việt Nam)");
	form_deadline_text("2024-12-31T10:00:00Z", LANG_VI, out);
	assert_string_equal(out, "17:00 ngày 31/12/2024 (giờ Việt Nam)");
	form_deadline_text("2024-12-31", LANG_VI, out);
	assert_string_equal(out, "23:59 ngày 31/12/2024 (giờ Việt Nam)");
	form_deadline_text("2024-12-31T17:00:00+07:00", LANG_EN, out);
	assert_string_equal(out, "2024-12-31T17:00:00+07:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_phone_email),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_items_and_scores),
		cmocka_unit_test(test_proof_link_policy),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_problems_in_line_order),
		cmocka_unit_test(test_shared_name),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_contact_formulas_and_spoofing),
		cmocka_unit_test(test_one_pass_notes_and_language),
		cmocka_unit_test(test_phone_lost_zero),
		cmocka_unit_test(test_control_characters_shown_printable),
		cmocka_unit_test(test_deadline_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
