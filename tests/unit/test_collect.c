/* Unit tests of the collectors' core: commune name matching with real names
 * of the national list (composed and decomposed Unicode, upper case, without
 * diacritics, with and without prefixes), OneTouch dates, URL templates and
 * record mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#include <utf8proc.h>

#include "collector.h"
#include "mapping.h"
#include "onetouch.h"
#include "text.h"
#include "units.h"
#include "util.h"

static const char *units_path(void)
{
	return "config/admin-units-2025-03-01.csv";
}

static char *map_utf8(const char *s, utf8proc_option_t opts)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out, opts);

	assert_true(n >= 0);
	return (char *)out;
}

/* Upper case, character by character, in NFC. */
static char *upper(const char *s)
{
	char *nfc = map_utf8(s, UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	strbuf sb;
	utf8proc_int32_t cp;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)nfc;

	sb_init(&sb, 0);
	while (*p) {
		utf8proc_uint8_t buf[4];
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		assert_true(k > 0);
		p += k;
		sb_append(&sb, buf, (size_t)utf8proc_encode_char(utf8proc_toupper(cp), buf));
	}
	sb_append(&sb, "", 0);
	free(nfc);
	return sb_take(&sb);
}

/* Without diacritics: NFD, marks dropped, đ → d. */
static char *no_marks(const char *s)
{
	char *m = map_utf8(s, UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_STRIPMARK |
				      UTF8PROC_COMPOSE);
	strbuf sb;

	sb_init(&sb, 0);
	for (const char *p = m; *p; p++) {
		if (strncmp(p, "đ", strlen("đ")) == 0) {
			sb_appends(&sb, "d");
			p += strlen("đ") - 1;
		} else if (strncmp(p, "Đ", strlen("Đ")) == 0) {
			sb_appends(&sb, "D");
			p += strlen("Đ") - 1;
		} else {
			sb_append(&sb, p, 1);
		}
	}
	sb_append(&sb, "", 0);
	free(m);
	return sb_take(&sb);
}

static const char *drop_prefix(const char *name)
{
	static const char *const prefixes[] = {"Thị trấn ", "Xã ", "Phường ", NULL};
	for (int i = 0; prefixes[i]; i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return name + strlen(prefixes[i]);
	return name;
}

/* Every commune of Hưng Yên and Hà Nội, written five ways, is found — except
 * names two communes share, which must give NULL rather than a guess. */
static void test_real_names_every_form(void **state)
{
	units *u = NULL;
	commune_list l = {0};
	commune_index ix;
	strmap keys;
	dti_diag d;
	size_t checked = 0, ambiguous = 0;

	(void)state;
	assert_int_equal(units_load(units_path(), &u, &d), DTI_EOK);
	commune_list_from_units(&l, u, "33", NULL);
	commune_list_from_units(&l, u, "01", NULL);
	assert_true(l.count > 500);
	commune_index_build(&ix, &l);
	strmap_init(&keys);
	for (size_t i = 0; i < l.count; i++) {
		char *k = text_name_key(l.items[i].name);
		intptr_t n = 0;
		strmap_get(&keys, k, &n);
		strmap_put(&keys, k, n + 1);
		free(k);
	}
	for (size_t i = 0; i < l.count; i++) {
		const char *name = l.items[i].name;
		char *k = text_name_key(name);
		intptr_t n = 0;
		char *forms[6];
		strmap_get(&keys, k, &n);
		free(k);
		forms[0] = xstrdup(name);
		forms[1] = map_utf8(name, UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
		forms[2] = upper(name);
		forms[3] = no_marks(name);
		forms[4] = xstrdup(drop_prefix(name));
		forms[5] = xasprintf("  %s, Huyện X, Tỉnh Y ", forms[3]);
		for (int f = 0; f < 6; f++) {
			const commune_entry *e = mapping_find_name(&ix, forms[f], NULL);
			if (n > 1) {
				if (e)
					fail_msg("'%s' is shared by %ld communes but matched %s",
						 forms[f], (long)n, e->code);
				ambiguous++;
			} else if (!e || strcmp(e->code, l.items[i].code) != 0) {
				fail_msg("form %d '%s' of %s %s matched %s", f, forms[f],
					 l.items[i].code, name, e ? e->code : "nothing");
			}
			checked++;
			free(forms[f]);
		}
	}
	assert_true(checked > 3000);
	assert_true(ambiguous < checked / 4);
	strmap_free(&keys);
	commune_index_free(&ix);
	commune_list_free(&l);
	units_free(u);
}

static void test_van_lam_spellings(void **state)
{
	commune_list l = {0};
	commune_index ix;
	json_t *strip = json_pack("[s]", "UBND");
	static const struct {
		const char *text, *code;
	} cases[] = {
		{"Thị trấn Như Quỳnh", "11986"},
		{"THỊ TRẤN NHƯ QUỲNH", "11986"},
		{"TT. Như Quỳnh", "11986"},
		{"nhu quynh", "11986"},
		{"Thi tran Nhu Quynh", "11986"},
		{"Xa\xcc\x83 La\xcc\xa3"
		 "c \xc4\x90"
		 "a\xcc\xa3o",
		 "11989"}, /* NFD "Xã Lạc Đạo" */
		{"LAC DAO", "11989"},
		{"UBND Xã Lạc Đạo", "11989"},
		{"Ủy ban nhân dân xã Lạc Đạo", NULL},
		{"Xã Đình Dù, Huyện Văn Lâm, Tỉnh Hưng Yên", "12004"},
		{"Đình Dù - Văn Lâm", "12004"},
		{"Dinh Du", "12004"},
		{"Lạc Hồng", "12016"},
		{"Lạc Hồng cũ", "12016"}, /* alias */
		{"Xã Cẩm Xá", NULL},
		{"", NULL},
	};

	(void)state;
	commune_list_add(&l, "11986", "Thị trấn Như Quỳnh");
	commune_list_add(&l, "11989", "Xã Lạc Đạo");
	commune_list_add(&l, "12004", "Xã Đình Dù");
	commune_list_add(&l, "12016", "Xã Lạc Hồng");
	commune_index_build(&ix, &l);
	commune_index_alias(&ix, "Lạc Hồng cũ", "12016");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const commune_entry *e = mapping_find_name(&ix, cases[i].text, strip);
		if (cases[i].code == NULL) {
			if (e)
				fail_msg("'%s' should match nothing, matched %s", cases[i].text,
					 e->code);
		} else if (!e || strcmp(e->code, cases[i].code) != 0) {
			fail_msg("'%s' should match %s, matched %s", cases[i].text, cases[i].code,
				 e ? e->code : "nothing");
		}
	}
	json_decref(strip);
	commune_index_free(&ix);
	commune_list_free(&l);
}

static void test_onetouch_dates(void **state)
{
	(void)state;
	assert_int_equal(onetouch_date_year("15/03/2024"), 2024);
	assert_int_equal(onetouch_date_year("5/3/2024"), 2024);
	assert_int_equal(onetouch_date_year("2023-12-31"), 2023);
	assert_int_equal(onetouch_date_year("2024/01/02"), 2024);
	assert_int_equal(onetouch_date_year("31-12-2024 23:59:59"), 2024);
	assert_int_equal(onetouch_date_year("2024-06-01T08:00:00Z"), 2024);
	assert_int_equal(onetouch_date_year("01.02.2022"), 2022);
	assert_int_equal(onetouch_date_year(""), 0);
	assert_int_equal(onetouch_date_year("   "), 0);
	assert_int_equal(onetouch_date_year("32/01/2024"), -1);
	assert_int_equal(onetouch_date_year("15/13/2024"), -1);
	assert_int_equal(onetouch_date_year("2024"), -1);
	assert_int_equal(onetouch_date_year("15/03/24"), -1);
	assert_int_equal(onetouch_date_year("hôm qua"), -1);
	assert_int_equal(onetouch_date_year("15/03-2024"), -1);
	assert_int_equal(onetouch_date_year("2024-03-15x"), -1);
}

static void test_expand(void **state)
{
	char *s;

	(void)state;
	s = collector_expand("https://h/x?xa={commune}&nam={year}&p={page}&t={commune_name}", 2024,
			     "11989", "Xã Lạc Đạo", NULL, 3, NULL, true);
	assert_string_equal(
		s, "https://h/x?xa=11989&nam=2024&p=3&t=X%C3%A3%20L%E1%BA%A1c%20%C4%90%E1%BA%A1o");
	free(s);
	/* JSON braces and unknown names stay; absent values keep the placeholder. */
	s = collector_expand("{\"p_nam\":{year},\"x\":\"{other}\",\"h\":\"{district}\"}", 2024,
			     NULL, NULL, NULL, -1, NULL, false);
	assert_string_equal(s, "{\"p_nam\":2024,\"x\":\"{other}\",\"h\":\"{district}\"}");
	free(s);
	s = collector_file_path("file:///tmp/a%20b.json");
	assert_string_equal(s, "/tmp/a b.json");
	free(s);
	assert_null(collector_file_path("https://example.org/a"));
}

/* A framework just big enough for mapping. */
static framework *small_framework(void)
{
	framework *fw = NULL;
	dti_diag d;

	assert_int_equal(framework_load("config/frameworks/commune-2024.json", &fw, &d), DTI_EOK);
	return fw;
}

static void test_mapping_records(void **state)
{
	framework *fw = small_framework();
	commune_list l = {0};
	commune_index ix;
	json_error_t je;
	json_t *block = json_loads(
		"{\"name\":\"t\",\"records\":\"data.items\",\"commune\":{\"code\":\"ma\",\"name\":\"ten\"},"
		"\"fields\":{\"smartphone_users\":\"sm\",\"ecommerce_orders\":[\"a\",\"b\"]}}",
		0, &je);
	const char *good = "{\"data\":{\"items\":["
			   "{\"ma\":\"11989\",\"sm\":12,\"a\":1,\"b\":\"2\"},"
			   "{\"ten\":\"XA DINH DU\",\"sm\":\"7\"},"
			   "{\"ma\":12109,\"sm\":5},"
			   "{\"ten\":\"Nowhere\",\"sm\":5}]}}";
	const char *bad =
		"{\"data\":{\"items\":[{\"ma\":\"11989\",\"sm\":-3},{\"ma\":\"12004\",\"sm\":{}}]}}";
	mapping *m = NULL;
	dti_diag d;
	batch b;
	dti_problems p = {0};
	mapping_ctx c;
	mapping_page pg;

	(void)state;
	assert_non_null(block);
	commune_list_add(&l, "11989", "Xã Lạc Đạo");
	commune_list_add(&l, "12004", "Xã Đình Dù");
	commune_index_build(&ix, &l);
	assert_int_equal(mapping_parse(block, fw, &m, &d), DTI_EOK);
	batch_init(&b);
	c = (mapping_ctx){fw, &ix, 2024, &b, &p};
	assert_int_equal(mapping_apply(m, good, strlen(good), "u", NULL, &c, &pg, &d), DTI_EOK);
	assert_int_equal(b.count, 3);
	assert_int_equal(b.counts.read, 4);
	assert_int_equal(b.counts.skipped, 2);
	assert_string_equal(b.items[1].variable->name, "ecommerce_orders");
	assert_string_equal(b.items[1].value, "3");
	assert_string_equal(b.items[2].commune_code, "12004");
	batch_free(&b);

	batch_init(&b);
	assert_int_equal(mapping_apply(m, bad, strlen(bad), "u", NULL, &c, &pg, &d), DTI_EINVALID);
	assert_int_equal(p.count, 2);
	assert_non_null(strstr(p.items[0], "record 1"));
	assert_non_null(strstr(p.items[0], "field sm"));
	assert_non_null(strstr(p.items[1], "record 2"));
	assert_non_null(strstr(p.items[1], "object"));
	batch_free(&b);
	problems_free(&p);

	batch_init(&b);
	assert_int_equal(mapping_apply(m, "{\"data\":", 8, "u", NULL, &c, &pg, &d), DTI_EPARSE);
	assert_non_null(strstr(d.msg, "not valid JSON"));
	assert_int_equal(mapping_apply(m, "<html>", 6, "u", "text/html", &c, &pg, &d), DTI_EPARSE);
	assert_non_null(strstr(d.msg, "HTML"));
	assert_int_equal(mapping_apply(m, "{\"\xff\":1}", 7, "u", NULL, &c, &pg, &d), DTI_EPARSE);
	assert_non_null(strstr(d.msg, "UTF-8"));
	batch_free(&b);
	problems_free(&p);

	mapping_free(m);
	json_decref(block);
	block = json_loads(
		"{\"name\":\"t\",\"commune\":{\"code\":\"c\"},\"fields\":{\"nope\":\"x\"}}", 0,
		&je);
	assert_int_equal(mapping_parse(block, fw, &m, &d), DTI_ECONFIG);
	assert_non_null(strstr(d.msg, "nope"));
	json_decref(block);
	commune_index_free(&ix);
	commune_list_free(&l);
	framework_free(fw);
}

/* Documents a feed must not get through quietly (issue #11): a CSV row
 * with more or fewer fields than the header, a "next" that is not text,
 * and the byte order mark a JSON exporter may put in front. */
static void test_mapping_hostile(void **state)
{
	framework *fw = small_framework();
	commune_list l = {0};
	commune_index ix;
	json_error_t je;
	json_t *csv_block =
		json_loads("{\"name\":\"t\",\"format\":\"csv\",\"commune\":{\"code\":\"ma\"},"
			   "\"fields\":{\"smartphone_users\":\"sm\"}}",
			   0, &je);
	json_t *json_block =
		json_loads("{\"name\":\"t\",\"records\":\"items\",\"commune\":{\"code\":\"ma\"},"
			   "\"fields\":{\"smartphone_users\":\"sm\"},"
			   "\"pagination\":{\"type\":\"next\",\"next\":\"links.next\"}}",
			   0, &je);
	const char *longer = "ma,sm\n11989,12\n12004,7,9\n";
	const char *shorter = "ma,sm\n11989,12\n12004\n";
	/* Old Mac line ends: one line, so the header is "ma,sm11989,1212004,7". */
	const char *cr_only = "ma,sm\r11989,12\r12004,7\r";
	const char *renamed = "ma,smartphones\n11989,12\n";
	const char *no_code = "code,sm\n11989,12\n";
	const char *numeric = "{\"items\":[{\"ma\":\"11989\",\"sm\":1}],\"links\":{\"next\":12}}";
	const char *bom =
		"\xEF\xBB\xBF{\"items\":[{\"ma\":\"11989\",\"sm\":1}],\"links\":{\"next\":null}}";
	mapping *mc = NULL, *mj = NULL;
	dti_diag d;
	batch b;
	dti_problems p = {0};
	mapping_ctx c;
	mapping_page pg;

	(void)state;
	assert_non_null(csv_block);
	assert_non_null(json_block);
	commune_list_add(&l, "11989", "Xã Lạc Đạo");
	commune_list_add(&l, "12004", "Xã Đình Dù");
	commune_index_build(&ix, &l);
	assert_int_equal(mapping_parse(csv_block, fw, &mc, &d), DTI_EOK);
	assert_int_equal(mapping_parse(json_block, fw, &mj, &d), DTI_EOK);
	batch_init(&b);
	c = (mapping_ctx){fw, &ix, 2024, &b, &p};

	assert_int_equal(mapping_apply(mc, longer, strlen(longer), "feed.csv", NULL, &c, &pg, &d),
			 DTI_EPARSE);
	assert_non_null(strstr(d.msg, "feed.csv:3: 3 fields where the header has 2"));
	assert_int_equal(mapping_apply(mc, shorter, strlen(shorter), "feed.csv", NULL, &c, &pg, &d),
			 DTI_EPARSE);
	assert_non_null(strstr(d.msg, "feed.csv:3: 1 fields where the header has 2"));
	/* A header without a mapped column fails the run, whatever the rows. */
	assert_int_equal(mapping_apply(mc, cr_only, strlen(cr_only), "feed.csv", NULL, &c, &pg, &d),
			 DTI_EPARSE);
	assert_string_equal(d.msg, "feed.csv: the header has no column 'sm' (smartphone_users)");
	assert_int_equal(mapping_apply(mc, renamed, strlen(renamed), "feed.csv", NULL, &c, &pg, &d),
			 DTI_EPARSE);
	assert_string_equal(d.msg, "feed.csv: the header has no column 'sm' (smartphone_users)");
	assert_int_equal(mapping_apply(mc, no_code, strlen(no_code), "feed.csv", NULL, &c, &pg, &d),
			 DTI_EPARSE);
	assert_string_equal(d.msg,
			    "feed.csv: the header has no column 'ma' (a key of the source block)");

	assert_int_equal(mapping_apply(mj, numeric, strlen(numeric), "u", NULL, &c, &pg, &d),
			 DTI_EPARSE);
	assert_non_null(strstr(d.msg, "u: next link at \"links.next\" is 12"));
	free(pg.next);

	batch_free(&b);
	batch_init(&b);
	assert_int_equal(mapping_apply(mj, bom, strlen(bom), "u", NULL, &c, &pg, &d), DTI_EOK);
	assert_int_equal(b.count, 1);
	assert_null(pg.next);

	batch_free(&b);
	problems_free(&p);
	mapping_free(mc);
	mapping_free(mj);
	json_decref(csv_block);
	json_decref(json_block);
	commune_index_free(&ix);
	commune_list_free(&l);
	framework_free(fw);
}

/* Origins for credentials: scheme, host in any case, port with defaults. */
static void test_same_origin(void **state)
{
	char *s;

	(void)state;
	assert_true(fetch_same_origin("http://a.vn/x?y", "HTTP://A.VN:80/z"));
	assert_true(fetch_same_origin("https://a.vn/x", "https://a.vn:443/"));
	assert_false(fetch_same_origin("http://a.vn/x", "https://a.vn/x"));
	assert_false(fetch_same_origin("http://a.vn/x", "http://a.vn:8080/x"));
	assert_false(fetch_same_origin("http://a.vn/x", "http://b.vn/x"));
	assert_false(fetch_same_origin("http://a.vn/x", "not a url"));
	s = fetch_scheme("FILE:///etc/passwd");
	assert_string_equal(s, "file");
	free(s);
}

/* Two threads that look names up at once in a new index (OneTouch's two
 * halves do) both find every commune: the name keys are made once, whole,
 * before either reads them.  The second thread used to find the keys
 * marked made while the first was still making them, and missed names. */
typedef struct name_finder {
	const commune_index *ix;
	const commune_list *l;
	pthread_barrier_t *go;
	size_t missed;
} name_finder;

static void *find_names(void *arg)
{
	name_finder *f = arg;

	pthread_barrier_wait(f->go);
	for (size_t i = f->l->count; i-- > 0;)
		f->missed += commune_index_name(f->ix, f->l->items[i].name) != &f->l->items[i];
	return NULL;
}

static void test_names_found_by_two_threads(void **state)
{
	commune_list l = {0};
	char code[16], name[64];
	pthread_barrier_t go;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		snprintf(code, sizeof code, "%05d", i + 1);
		snprintf(name, sizeof name, "Xã Số %d", i + 1);
		commune_list_add(&l, code, name);
	}
	for (int round = 0; round < 5; round++) {
		commune_index ix;
		name_finder f[2];
		pthread_t t[2];
		commune_index_build(&ix, &l);
		pthread_barrier_init(&go, NULL, 2);
		for (int k = 0; k < 2; k++) {
			f[k] = (name_finder){&ix, &l, &go, 0};
			assert_int_equal(pthread_create(&t[k], NULL, find_names, &f[k]), 0);
		}
		for (int k = 0; k < 2; k++)
			pthread_join(t[k], NULL);
		pthread_barrier_destroy(&go);
		assert_int_equal(f[0].missed + f[1].missed, 0);
		commune_index_free(&ix);
	}
	commune_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_names_every_form),
		cmocka_unit_test(test_van_lam_spellings),
		cmocka_unit_test(test_onetouch_dates),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_mapping_records),
		cmocka_unit_test(test_mapping_hostile),
		cmocka_unit_test(test_same_origin),
		cmocka_unit_test(test_names_found_by_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
