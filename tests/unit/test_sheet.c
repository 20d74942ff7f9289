/* Sheet import: long and wide CSV, BOM, quotes, semicolons, and every
 * problem of a bad file reported with file, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "csv.h"
#include "csv_header.h"
#include "sheet.h"
#include "text.h"
#include "util.h"

static framework *fw;
static commune_list communes;
static commune_index ix;

static int setup(void **state)
{
	dti_diag d;
	(void)state;
	if (framework_load("config/frameworks/commune-2024.json", &fw, &d))
		return -1;
	commune_list_add(&communes, "11989", "Xã Lạc Đạo");
	commune_list_add(&communes, "00004", "Phường Trúc Bạch");
	commune_index_build(&ix, &communes);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	commune_index_free(&ix);
	commune_list_free(&communes);
	framework_free(fw);
	return 0;
}

typedef struct result {
	dti_err rc;
	batch b;
	dti_problems p;
	dti_diag d;
} result;

static void read_bytes(const char *text, size_t len, result *r)
{
	FILE *f = fmemopen((void *)text, len, "rb");

	assert_non_null(f);
	batch_init(&r->b);
	memset(&r->p, 0, sizeof r->p);
	r->d.msg[0] = '\0';
	r->rc = sheet_read_csv(f, "t.csv", SHEET_AUTO, fw, &ix, 2024, &r->b, &r->p, &r->d);
	fclose(f);
}

static void read_text(const char *text, result *r)
{
	read_bytes(text, strlen(text), r);
}

static void done(result *r)
{
	batch_free(&r->b);
	problems_free(&r->p);
}

static bool has_problem(const result *r, const char *needle)
{
	for (size_t i = 0; i < r->p.stored; i++)
		if (strstr(r->p.items[i], needle))
			return true;
	return false;
}

static void test_long_with_bom_quotes_and_words(void **state)
{
	result r;
	(void)state;
	read_text("\xEF\xBB\xBF"
		  "commune_code,variable,value\r\n"
		  "11989,population,9954\r\n"
		  "\"11989\",\"dx_staff\",\"Có\"\r\n"
		  "4,steering_head,Deputy\r\n"
		  "11989,budget_spending_total,\"21307.9\"\r\n"
		  "11989,villages,\r\n",
		  &r);
	assert_int_equal(r.rc, DTI_EOK);
	assert_int_equal(r.b.count, 4);
	assert_string_equal(r.b.items[1].value, "yes");
	assert_string_equal(r.b.items[2].commune_code, "00004"); /* leading zeros restored */
	assert_string_equal(r.b.items[2].value, "deputy");
	assert_true(r.b.items[3].num == 21307.9);
	assert_int_equal(r.b.counts.skipped, 1);
	done(&r);
}

static void test_wide_semicolon_decimal_comma(void **state)
{
	result r;
	(void)state;
	read_text("commune_code;commune_name;population;dx_budget;portal_dx_section\n"
		  "11989;Xã Lạc Đạo;9954;310,5;không\n"
		  "00004;\"Phường; Trúc Bạch\";12000;;yes\n",
		  &r);
	assert_int_equal(r.rc, DTI_EOK);
	assert_int_equal(r.b.count, 5);
	assert_true(r.b.items[1].num == 310.5);
	assert_string_equal(r.b.items[2].value, "no");
	assert_int_equal(r.b.counts.skipped, 1);
	done(&r);
}

/* A wide sheet's values name their own column in their messages, and a
 * duplicate names the first value's place (kept as parts, written when a
 * message needs it). */
static void test_wide_places_in_messages(void **state)
{
	result r;
	char at[BATCH_WHERE];
	(void)state;
	read_text("commune_code,commune_name,population,dx_budget\n"
		  "11989,X,9954,abc\n"
		  "11989,X,9955,1\n",
		  &r);
	assert_int_equal(r.rc, DTI_EINVALID);
	assert_true(has_problem(&r, "t.csv:2:4 (dx_budget): "));
	assert_true(has_problem(&r, "t.csv:3:3 (population): duplicate: population of commune "
				    "11989 for 2024 was already given at t.csv:2:3 (population)"));
	assert_int_equal(r.b.count, 2);
	assert_string_equal(batch_item_where(&r.b, &r.b.items[0], at, sizeof at),
			    "t.csv:2:3 (population)");
	assert_string_equal(batch_item_where(&r.b, &r.b.items[1], at, sizeof at),
			    "t.csv:3:4 (dx_budget)");
	done(&r);
}

static void test_every_problem_is_reported(void **state)
{
	result r;
	(void)state;
	read_text("commune_code,variable,value\n"
		  "11989,population,9954\n"
		  "99999,population,10\n"      /* line 3: unknown commune */
		  "11989,populaton,10\n"       /* line 4: unknown variable */
		  "11989,households,-4\n"      /* line 5: negative */
		  "11989,villages,many\n"      /* line 6: not a number */
		  "11989,dx_staff,maybe\n"     /* line 7: not yes/no */
		  "11989,steering_head,boss\n" /* line 8: not in the enum */
		  "11989,population,9955\n"    /* line 9: duplicate of line 2 */
		  "11989,villages,1.5\n"       /* line 10: a count with a fraction */
		  "11989,villages\n",          /* line 11: field count */
		  &r);
	assert_int_equal(r.rc, DTI_EINVALID);
	assert_int_equal(r.p.count, 9);
	assert_true(has_problem(&r, "t.csv:3:1 (commune_code): unknown commune '99999'"));
	assert_true(has_problem(&r, "t.csv:4:2 (variable): unknown variable 'populaton'"));
	assert_true(has_problem(&r, "t.csv:5:3 (value): '-4' is negative"));
	assert_true(has_problem(&r, "t.csv:6:3 (value): 'many' is not a non-negative number"));
	assert_true(has_problem(&r, "t.csv:7:3 (value): 'maybe' is not a yes/no answer"));
	assert_true(has_problem(&r, "t.csv:8:3 (value): 'boss' is not one of chair, deputy, none"));
	assert_true(has_problem(&r, "t.csv:9:3 (value): duplicate"));
	assert_true(has_problem(&r, "already given at t.csv:2:3"));
	assert_true(has_problem(&r, "t.csv:10:3 (value): '1.5' is not a whole number"));
	assert_true(has_problem(&r, "t.csv:11: 2 fields, the header has 3"));
	done(&r);
}

/* The key table of a batch, grown from its smallest size many times over
 * and crowded the way a national sheet crowds it (communes whose runs of
 * slots overlap), still finds every key and only those: each value given
 * a second time is a duplicate, a key never given is not there. */
static void test_batch_keys_in_a_crowded_table(void **state)
{
	batch b;
	dti_problems p = {0};
	size_t n_var = 0, added = 0;
	const fw_variable *vars[64];
	char code[16];

	(void)state;
	for (size_t v = 0; v < fw->n_variables && n_var < 64; v++)
		if (fw->variables[v].type == VAR_COUNT)
			vars[n_var++] = &fw->variables[v];
	assert_true(n_var >= 8);
	batch_init(&b);
	for (int c = 0; c < 3000; c++)
		for (size_t v = 0; v < n_var; v++) {
			snprintf(code, sizeof code, "%05d", c);
			assert_true(
				batch_add(&b, vars[v], code, 2024, "1", '.', NULL, NULL, "t", &p));
			added++;
		}
	assert_int_equal(b.count, added);
	for (int c = 0; c < 3000; c += 7)
		for (size_t v = 0; v < n_var; v += 3) {
			snprintf(code, sizeof code, "%05d", c);
			assert_true(batch_has(&b, code, 2024, vars[v]));
			assert_false(batch_has(&b, code, 2023, vars[v]));
			assert_false(
				batch_add(&b, vars[v], code, 2024, "2", '.', NULL, NULL, "t", &p));
		}
	snprintf(code, sizeof code, "%05d", 3000);
	assert_false(batch_has(&b, code, 2024, vars[0]));
	assert_int_equal(b.count, added);
	assert_true(p.count > 0);
	assert_non_null(strstr(p.items[0], "duplicate"));
	problems_free(&p);
	batch_free(&b);
}

/* From a real file the batch is sized from the file first; values of a
 * commune that come back later, after another commune or an unknown code,
 * still carry their own code and still meet their duplicates. */
static void test_file_sized_batch(void **state)
{
	char path[] = "/tmp/dti-test-sheet-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w+b");
	result r;
	dti_diag d;
	size_t n11989 = 0, n00004 = 0;

	(void)state;
	assert_non_null(f);
	fputs("commune_code,variable,value\n", f);
	for (int i = 0; i < 3000; i++) /* a long file (the estimate is in bytes) of empty values */
		fputs("11989,population,\n", f);
	fputs("11989,population,8\n"
	      "99999,population,1\n"
	      "11989,households,10\n"
	      "00004,households,20\n"
	      "4,villages,3\n" /* the same commune written without its zeros */
	      "11989,villages,5\n"
	      "00004,population,7\n"
	      "11989,households,11\n",
	      f); /* duplicate of the 11989 households above */
	rewind(f);
	batch_init(&r.b);
	memset(&r.p, 0, sizeof r.p);
	r.rc = sheet_read_csv(f, "t.csv", SHEET_AUTO, fw, &ix, 2024, &r.b, &r.p, &d);
	fclose(f);
	unlink(path);
	assert_int_equal(r.rc, DTI_EINVALID);
	assert_int_equal(r.p.count, 2);
	assert_true(has_problem(&r, "t.csv:3003:1 (commune_code): unknown commune '99999'"));
	assert_true(has_problem(&r, "t.csv:3009:3 (value): duplicate: households of commune 11989 "
				    "for 2024 was already given at t.csv:3004:3 (value)"));
	for (size_t i = 0; i < r.b.count; i++) {
		const batch_item *it = &r.b.items[i];
		if (strcmp(it->commune_code, "11989") == 0)
			n11989++;
		else if (strcmp(it->commune_code, "00004") == 0)
			n00004++;
		else
			fail_msg("item %zu has commune '%s'", i, it->commune_code);
	}
	assert_int_equal(n11989, 3); /* population, households, villages */
	assert_int_equal(n00004, 3); /* households, villages, population */
	assert_true(batch_has(&r.b, "00004", 2024, framework_variable(fw, "villages")));
	done(&r);
}

static void test_wide_unknown_column_and_missing_key(void **state)
{
	result r;
	(void)state;
	read_text("commune_code,population,smartphones\n11989,1,2\n", &r);
	assert_int_equal(r.rc, DTI_EINVALID);
	assert_true(has_problem(&r, "t.csv:1:3: unknown variable 'smartphones'"));
	done(&r);
	read_text("code_xa,population\n11989,1\n", &r);
	assert_int_equal(r.rc, DTI_EINVALID);
	assert_true(has_problem(&r, "no commune_code column"));
	done(&r);
}

static void test_invalid_utf8_is_refused(void **state)
{
	result r;
	(void)state;
	read_text("commune_code,variable,value\n11989,dx_staff,c\xff\n", &r);
	assert_int_equal(r.rc, DTI_EINVALID);
	assert_true(has_problem(&r, "t.csv:2:3 (value): value is not valid UTF-8"));
	done(&r);
}

/* The proof links and notes of a sheet pass the form's checks (#11). */
static void test_hostile_links_and_notes_are_refused(void **state)
{
	strbuf sb;
	result r;
	(void)state;
	sb_init(&sb, 0);
	sb_appends(&sb, "commune_code,variable,value,proof_url,note\n"
			"11989,dx_staff,yes,javascript:alert(1),\n"
			"11989,population,100,data:text/html;base64;PHNjcmlwdD4,\n"
			"11989,households,10,\"https://e.vn/\"\"><script>alert(1)</script>\",\n"
			"11989,villages,3,https://e.vn/ok,\"c\xff\"\n"
			"11989,agencies,3,https://e.vn/ok,\"Lạc \xe2\x80\xae Đạo\"\n"
			"11989,enterprises,3,https://e.vn/\xe2\x81\xa6x,\n"
			"11989,smes,3,,\"a\x07"
			"b\"\n"
			"11989,civil_servants,3,,");
	for (int i = 0; i < 1 << 20; i++)
		sb_append(&sb, "x", 1);
	sb_appends(&sb, "\n11989,workstations,3,https://e.vn/fine,\"two\nlines\tand a tab\"\n");
	read_text(sb.data, &r);
	for (size_t i = 0; i < r.p.stored; i++)
		print_message("  %s\n", r.p.items[i]);
	assert_int_equal(r.rc, DTI_EINVALID);
	assert_int_equal(r.p.count, 8);
	assert_true(has_problem(
		&r, "t.csv:2:4 (proof_url): the proof link is not an http:// or https:// link"));
	assert_true(has_problem(&r, "t.csv:3:4 (proof_url): the proof link is not an http"));
	assert_true(
		has_problem(&r, "t.csv:4:4 (proof_url): the proof link contains a space, a quote"));
	assert_true(has_problem(&r, "t.csv:5:5 (note): the note is not valid UTF-8"));
	assert_true(has_problem(
		&r,
		"t.csv:6:5 (note): the note contains a bidirectional control character (U+202E)"));
	assert_true(has_problem(
		&r,
		"t.csv:7:4 (proof_url): the proof link contains a bidirectional control character (U+2066)"));
	assert_true(has_problem(
		&r, "t.csv:8:5 (note): the note contains a control character (U+0007)"));
	assert_true(
		has_problem(&r, "t.csv:9:5 (note): the note is 1048576 bytes long; at most 4000"));
	done(&r);
	sb_free(&sb);
}

/* A NUL byte does not cut a field short: the file is refused (#11 item 5),
 * on the fast path (a plain line) and the slow one (a quoted line break). */
static void test_nul_byte_is_refused(void **state)
{
	static const char plain[] = "commune_code,variable,value\n11989,population,5\0"
				    "999\n";
	static const char quoted[] = "commune_code,variable,value,note\n"
				     "11989,population,5,\"a\nb\0\"\n";
	result r;
	(void)state;
	read_bytes(plain, sizeof plain - 1, &r);
	assert_int_equal(r.rc, DTI_EPARSE);
	assert_int_equal(r.b.count, 0);
	assert_non_null(strstr(r.d.msg, "t.csv:2: column 3 contains a NUL byte"));
	done(&r);
	read_bytes(quoted, sizeof quoted - 1, &r);
	assert_int_equal(r.rc, DTI_EPARSE);
	assert_non_null(strstr(r.d.msg, "t.csv:3: column 4 contains a NUL byte"));
	done(&r);
}

/* Unit names with a bidirectional override or a control character are
 * refused where a commune list is read (#11 item 11). */
static void test_commune_names_refuse_spoofing(void **state)
{
	char path[] = "/tmp/dti-names-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	commune_list l = {0};
	dti_problems p = {0};
	dti_diag d;
	(void)state;
	assert_non_null(f);
	fputs("code,name\n11989,Xã Lạc \xe2\x80\xae Đạo\n12004,Xã Đình\x7f Dù\n"
	      "12016,Xã \xc2\x9b Lạc Hồng\n11986,Thị trấn Như Quỳnh\n",
	      f);
	fclose(f);
	assert_int_equal(commune_list_read_csv(path, &l, &p, &d), DTI_EINVALID);
	for (size_t i = 0; i < p.stored; i++)
		print_message("  %s\n", p.items[i]);
	assert_int_equal(p.count, 3);
	assert_non_null(
		strstr(p.items[0],
		       ":2: column 'name': contains a bidirectional control character (U+202E)"));
	assert_non_null(
		strstr(p.items[1], ":3: column 'name': contains a control character (U+007F)"));
	assert_non_null(
		strstr(p.items[2], ":4: column 'name': contains a control character (U+009B)"));
	problems_free(&p);
	commune_list_free(&l);
	unlink(path);
}

static void test_unclosed_quote_is_a_parse_error(void **state)
{
	FILE *f;
	const char *text = "commune_code,variable,value\n11989,population,\"12\n";
	batch b;
	dti_problems p = {0};
	dti_diag d;
	(void)state;
	f = fmemopen((void *)text, strlen(text), "rb");
	batch_init(&b);
	assert_int_equal(sheet_read_csv(f, "q.csv", SHEET_AUTO, fw, &ix, 2024, &b, &p, &d),
			 DTI_EPARSE);
	assert_non_null(strstr(d.msg, "q.csv:2: quoted field not closed"));
	fclose(f);
	batch_free(&b);
	problems_free(&p);
}

static void test_csv_multiline_field_keeps_line_numbers(void **state)
{
	const char *text = "a,b\n\"x\ny\",2\n\n3,4\n";
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	csv_reader *r = csv_open(f, "m.csv", 0);
	dti_diag d;
	(void)state;
	assert_int_equal(csv_next(r, &d), 1);
	assert_int_equal(csv_next(r, &d), 1);
	assert_string_equal(csv_field(r, 0), "x\ny");
	assert_int_equal(csv_line(r), 2);
	assert_int_equal(csv_next(r, &d), 1);
	assert_string_equal(csv_field(r, 1), "4");
	assert_int_equal(csv_line(r), 5);
	assert_int_equal(csv_next(r, &d), 0);
	csv_close(r);
	fclose(f);
}

static void test_name_keys(void **state)
{
	static const char *const same[] = {
		"Thị trấn Như Quỳnh", "THỊ TRẤN NHƯ QUỲNH",       "Như Quỳnh", "nhu quynh",
		"TT. Như Quỳnh",      "Nhu\xcc\x9b Quy\xcc\x80nh" /* decomposed */};
	char *ref = text_name_key("Thị trấn Như Quỳnh");
	(void)state;
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
		char *k = text_name_key(same[i]);
		assert_non_null(k);
		assert_string_equal(k, ref);
		free(k);
	}
	free(ref);
	ref = text_name_key("Xã Đình Dù");
	assert_string_equal(ref, "dinh du");
	free(ref);
	/* "Phương" is a name, "Phường" a prefix: only diacritics tell them apart. */
	ref = text_name_key("Phương Nam");
	assert_string_equal(ref, "phuong nam");
	free(ref);
	ref = text_name_key("Xã Phương Nam");
	assert_string_equal(ref, "phuong nam");
	free(ref);
	ref = text_name_key("Phường Nam Sơn");
	assert_string_equal(ref, "nam son");
	free(ref);
	assert_null(text_name_key("bad \xc3"));
}

/* The header reader shared with the form: roles, trimming, the last
 * column of a role, the decimal separator, an empty file, unguarding. */
/* The Vietnamese headings in decomposed Unicode (NFD, as a Mac saves
 * them) are the same headings. */
static void test_headings_nfd(void **state)
{
	result r;

	(void)state;
	read_text("Ma\xCC\x83 xa\xCC\x83,Chi\xCC\x89 tie\xCC\x82u,Gia\xCC\x81 tri\xCC\xA3\r\n"
		  "11989,population,9954\r\n",
		  &r);
	assert_int_equal(r.rc, DTI_EOK);
	assert_int_equal(r.b.count, 1);
	assert_string_equal(r.b.items[0].commune_code, "11989");
	assert_true(r.b.items[0].num == 9954);
	done(&r);
}

static void test_csv_header(void **state)
{
	static const csv_header_name names[] = {{"code", 1}, {"value", 2}, {"=x", 3}};
	static const char text[] = " code ;value;'=x;value;other\n";
	csv_header h;
	dti_problems p = {0};
	dti_diag d;
	FILE *f;
	csv_reader *r;

	(void)state;
	f = fmemopen((void *)text, sizeof text - 1, "rb");
	r = csv_open(f, "h.csv", 0);
	assert_int_equal(csv_header_read(r, "h.csv", names, 3, 0, &h, &p, &d), 1);
	assert_int_equal(h.n, 5);
	assert_string_equal(h.names[0], "code");
	assert_int_equal(h.dec, ',');
	assert_int_equal(csv_header_column(&h, 1), 0);
	assert_int_equal(csv_header_column(&h, 2), 3);
	assert_int_equal(csv_header_column(&h, 3), -1); /* "'=x" as written */
	assert_int_equal(h.role[4], 0);
	csv_header_free(&h);
	csv_close(r);
	rewind(f);
	r = csv_open(f, "h.csv", 0);
	assert_int_equal(csv_header_read(r, "h.csv", names, 3, CSV_HEADER_UNGUARD, &h, &p, &d), 1);
	assert_int_equal(csv_header_column(&h, 3), 2);
	csv_header_free(&h);
	csv_close(r);
	fclose(f);
	f = fmemopen((void *)"\n", 1, "rb");
	r = csv_open(f, "e.csv", 0);
	assert_int_equal(csv_header_read(r, "e.csv", names, 3, 0, &h, &p, &d), 0);
	assert_int_equal(p.count, 1);
	assert_string_equal(p.items[0], "e.csv: the file is empty");
	csv_header_free(&h);
	csv_close(r);
	fclose(f);
	problems_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_with_bom_quotes_and_words),
		cmocka_unit_test(test_wide_semicolon_decimal_comma),
		cmocka_unit_test(test_wide_places_in_messages),
		cmocka_unit_test(test_every_problem_is_reported),
		cmocka_unit_test(test_file_sized_batch),
		cmocka_unit_test(test_batch_keys_in_a_crowded_table),
		cmocka_unit_test(test_wide_unknown_column_and_missing_key),
		cmocka_unit_test(test_invalid_utf8_is_refused),
		cmocka_unit_test(test_hostile_links_and_notes_are_refused),
		cmocka_unit_test(test_nul_byte_is_refused),
		cmocka_unit_test(test_commune_names_refuse_spoofing),
		cmocka_unit_test(test_unclosed_quote_is_a_parse_error),
		cmocka_unit_test(test_csv_multiline_field_keeps_line_numbers),
		cmocka_unit_test(test_name_keys),
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_headings_nfd),
	};
	return cmocka_run_group_tests_name("sheet", tests, setup, teardown);
}
