/* Feeds keyed to old codes (lib/oldcodes.h) with the real lists and the
 * shipped conversion table: Văn Lâm's old units go to the three new
 * communes the table names and its split units are refused naming where
 * they went; a new commune formed whole from old units gets their sum
 * (11980 Phường Hồng Châu = old 11968 Hồng Châu + 11980 Quảng Châu + 12388
 * Hoàng Hanh: the code 11980 meant another unit before), only when every
 * one of them is in the feed; yes/no values are never combined. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "batch.h"
#include "config.h"
#include "framework.h"
#include "oldcodes.h"
#include "util.h"

typedef struct fixture {
	char dir[64];
	config *cfg;
	framework *fw;
	commune_list active;
	oldcodes *o;
} fixture;

/* A deployment on the list 2026-04-30 assessing `codes` (NULL: province 33),
 * the shipped corrections and the line `extra` (NULL: none) after them. */
static void open_fixture_with(fixture *f, const char *const *codes, const char *extra)
{
	char cwd[4096], path[128], corrections[4200];
	FILE *out;
	dti_diag d;

	memset(f, 0, sizeof *f);
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(f->dir, sizeof f->dir, "/tmp/dti-oldcodes-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(corrections, sizeof corrections, "%s/config/crosswalk-corrections.csv", cwd);
	if (extra) {
		FILE *in = fopen(corrections, "r");
		int ch;
		snprintf(corrections, sizeof corrections, "%s/corrections.csv", f->dir);
		out = fopen(corrections, "w");
		assert_non_null(in);
		assert_non_null(out);
		while ((ch = fgetc(in)) != EOF)
			fputc(ch, out);
		fprintf(out, "%s\n", extra);
		fclose(in);
		fclose(out);
	}
	snprintf(path, sizeof path, "%s/dti.json", f->dir);
	out = fopen(path, "w");
	assert_non_null(out);
	fprintf(out,
		"{\"year\": 2025, \"database\": \"x.db\", \"output_dir\": \"out\", "
		"\"framework\": \"%s/config/frameworks/commune-2024.json\", "
		"\"unit_list\": \"2026-04-30\", "
		"\"admin_units\": \"%s/config/admin-units-2026-04-30.csv\", "
		"\"crosswalk_corrections\": \"%s\"}\n",
		cwd, cwd, corrections);
	fclose(out);
	assert_int_equal(config_load(path, &f->cfg, &d), DTI_EOK);
	assert_int_equal(framework_load(f->cfg->framework, &f->fw, &d), DTI_EOK);
	if (codes) {
		for (int i = 0; codes[i]; i++)
			commune_list_add(&f->active, codes[i], NULL);
	} else {
		const units *u = NULL;
		assert_int_equal(config_units(f->cfg, &u, &d), DTI_EOK);
		commune_list_from_units(&f->active, u, "33", NULL);
		assert_int_equal(f->active.count, 104);
	}
	assert_int_equal(oldcodes_open(f->cfg, &f->active, &f->o, &d), DTI_EOK);
}

static void open_fixture(fixture *f, const char *const *codes)
{
	open_fixture_with(f, codes, NULL);
}

static void close_fixture(fixture *f)
{
	char path[128];

	oldcodes_free(f->o);
	framework_free(f->fw);
	commune_list_free(&f->active);
	config_free(f->cfg);
	snprintf(path, sizeof path, "%s/dti.json", f->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/corrections.csv", f->dir);
	unlink(path);
	rmdir(f->dir);
}

static void add(batch *b, fixture *f, const char *var, const char *code, const char *value)
{
	dti_problems p = {0};
	char where[64];

	snprintf(where, sizeof where, "feed: record %s", code);
	assert_true(batch_add(b, framework_variable(f->fw, var), code, 2025, value, '.', NULL, NULL,
			      where, &p));
	problems_free(&p);
}

static const char *value_of(const batch *b, const char *code, const char *var)
{
	for (size_t i = 0; i < b->count; i++)
		if (strcmp(b->items[i].commune_code, code) == 0 &&
		    strcmp(b->items[i].variable->name, var) == 0)
			return b->items[i].value;
	return NULL;
}

static bool problems_have(const dti_problems *p, const char *text)
{
	for (size_t i = 0; i < p->stored; i++)
		if (strstr(p->items[i], text))
			return true;
	return false;
}

/* Văn Lâm: 11 old units into three new communes, as the table says; old
 * Lạc Đạo 11989 and Đình Dù 12004 were split and are refused naming the
 * new communes they went to (code and name). */
static void test_van_lam(void **state)
{
	static const char *const three[] = {"11992", "11995", "12004", NULL};
	static const char *const old[] = {"11986", "11989", "11992", "11995", "11998", "12001",
					  "12004", "12007", "12010", "12013", "12016"};
	fixture f;
	batch from, to;
	dti_problems p = {0};
	oldcodes_summary s = {0};

	(void)state;
	open_fixture(&f, three);
	assert_int_equal(oldcodes_units(f.o)->count, 11);
	batch_init(&from);
	batch_init(&to);
	for (size_t i = 0; i < sizeof old / sizeof old[0]; i++) {
		assert_non_null(commune_list_find(oldcodes_units(f.o), old[i]));
		add(&from, &f, "smartphone_users", old[i], "100");
	}
	oldcodes_fold(f.o, &from, NULL, &to, &p, &s);
	assert_true(problems_have(&p, "feed: record 11989: old code 11989 'Xã Lạc Đạo' of the unit "
				      "list 2025-03-01 was split (\"Nhập một phần\") between "
				      "11992 Xã Lạc Đạo, 11995 Xã Đại Đồng of the unit list "
				      "2026-04-30"));
	assert_true(problems_have(&p, "old code 12004 'Xã Đình Dù' of the unit list 2025-03-01 "
				      "was split (\"Nhập một phần\") between 11995 Xã Đại Đồng, "
				      "12004 Xã Như Quỳnh"));
	assert_int_equal(p.count, 2);
	/* Every one of the three has a split old unit: no sum would be whole. */
	assert_int_equal(to.count, 0);
	assert_int_equal(s.incomplete, 3);
	assert_non_null(strstr(s.text, "11992 (old 11989 Xã Lạc Đạo was split)"));
	free(s.text);
	problems_free(&p);
	batch_free(&from);
	batch_free(&to);
	close_fixture(&f);
}

/* Hồng Châu 11980: the sum of its three old units, only when all three
 * are in the feed; a yes/no is not combined; "combine" can refuse a count. */
static void test_sum_whole(void **state)
{
	fixture f;
	batch from, to;
	dti_problems p = {0};
	oldcodes_summary s = {0};
	json_t *refuse = json_pack("{s:s}", "smartphone_users", "refuse");

	(void)state;
	open_fixture(&f, NULL);
	batch_init(&from);
	batch_init(&to);
	add(&from, &f, "smartphone_users", "11968", "100");
	add(&from, &f, "smartphone_users", "11980", "250");
	add(&from, &f, "smartphone_users", "12388", "7");
	add(&from, &f, "fiber_households", "11968", "10"); /* two of three */
	add(&from, &f, "fiber_households", "11980", "20");
	oldcodes_fold(f.o, &from, NULL, &to, &p, &s);
	assert_int_equal(p.count, 0);
	assert_string_equal(value_of(&to, "11980", "smartphone_users"), "357");
	assert_null(value_of(&to, "11980", "fiber_households"));
	assert_int_equal(to.count, 1);
	assert_int_equal(s.mapped, 3);
	assert_int_equal(s.communes, 1);
	assert_int_equal(s.incomplete, 1);
	assert_non_null(strstr(s.text, "3 old units mapped into 1 commune;"));
	assert_non_null(strstr(s.text, "11980 (old 12388 not in the feed)"));
	free(s.text);
	batch_free(&to);

	/* The same old units with "combine": {"smartphone_users": "refuse"}. */
	batch_init(&to);
	oldcodes_fold(f.o, &from, refuse, &to, &p, &s);
	assert_true(problems_have(&p, "smartphone_users of commune 11980 'Phường Hồng Châu' would "
				      "come from its 3 old units (11968+11980+12388)"));
	assert_null(value_of(&to, "11980", "smartphone_users"));
	free(s.text);
	problems_free(&p);
	batch_free(&to);
	batch_free(&from);

	/* A yes/no of several old units is refused; of one, it passes. */
	batch_init(&from);
	batch_init(&to);
	add(&from, &f, "portal_dx_section", "11968", "yes");
	add(&from, &f, "portal_dx_section", "11980", "yes");
	add(&from, &f, "portal_dx_section", "12388", "yes");
	oldcodes_fold(f.o, &from, NULL, &to, &p, &s);
	assert_true(problems_have(&p, "portal_dx_section of commune 11980"));
	assert_int_equal(to.count, 0);
	free(s.text);
	problems_free(&p);
	batch_free(&from);
	batch_free(&to);
	json_decref(refuse);
	close_fixture(&f);
}

/* An old unit one of whose rows goes to a unit the lists do not confirm
 * (here a correction naming 99999 'Xã Không Có', in no list) went somewhere unknown as
 * well: its figures are not given wholly to the unit its other row names
 * (Hoàng Hanh 12388 to Hồng Châu 11980), and the refusal says why. */
static void test_unsure_row(void **state)
{
	fixture f;
	batch from, to;
	dti_problems p = {0};
	oldcodes_summary s = {0};

	(void)state;
	open_fixture_with(&f, NULL, "12388,Xã Hoàng Hanh,99999,Xã Không Có,Nhập toàn bộ,test");
	batch_init(&from);
	batch_init(&to);
	add(&from, &f, "smartphone_users", "11968", "100");
	add(&from, &f, "smartphone_users", "11980", "250");
	add(&from, &f, "smartphone_users", "12388", "7");
	oldcodes_fold(f.o, &from, NULL, &to, &p, &s);
	assert_null(value_of(&to, "11980", "smartphone_users"));
	assert_true(problems_have(&p, "old code 12388 'Xã Hoàng Hanh' of the unit list 2025-03-01 "
				      "was split"));
	assert_true(problems_have(&p, "which does not check against the lists"));
	assert_non_null(strstr(s.text, "11980 (old 12388 Xã Hoàng Hanh was split)"));
	free(s.text);
	problems_free(&p);
	batch_free(&from);
	batch_free(&to);
	close_fixture(&f);
}

/* Rows added by corrections are each their own: a bad one (07693 to
 * 99999, in no list) does not make a good one (25186 Phù Mỹ, in no row of
 * the table, to Hồng Châu 11980) unconfirmed. */
static void test_added_rows(void **state)
{
	fixture f;
	batch from, to;
	dti_problems p = {0};
	oldcodes_summary s = {0};

	(void)state;
	open_fixture_with(&f, NULL,
			  "25186,Xã Phù Mỹ,11980,Phường Hồng Châu,Nhập toàn bộ,test\n"
			  "07693,Xã Tân An,99999,Xã Không Có,Nhập toàn bộ,test");
	batch_init(&from);
	batch_init(&to);
	add(&from, &f, "smartphone_users", "11968", "100");
	add(&from, &f, "smartphone_users", "11980", "250");
	add(&from, &f, "smartphone_users", "12388", "7");
	add(&from, &f, "smartphone_users", "25186", "1");
	oldcodes_fold(f.o, &from, NULL, &to, &p, &s);
	assert_int_equal(p.count, 0);
	assert_non_null(value_of(&to, "11980", "smartphone_users"));
	assert_string_equal(value_of(&to, "11980", "smartphone_users"), "358");
	free(s.text);
	problems_free(&p);
	batch_free(&from);
	batch_free(&to);
	close_fixture(&f);
}

static void test_check_combine(void **state)
{
	fixture f;
	dti_diag d;
	json_t *ok = json_pack("{s:s,s:{s:s,s:s}}", "name", "x", "combine", "dossiers_total",
			       "refuse", "portal_dx_section", "refuse");
	json_t *yes_sum =
		json_pack("{s:s,s:{s:s}}", "name", "x", "combine", "portal_dx_section", "sum");
	json_t *unknown = json_pack("{s:s,s:{s:s}}", "name", "x", "combine", "nope", "sum");

	(void)state;
	open_fixture(&f, (const char *const[]){"11980", NULL});
	assert_int_equal(oldcodes_check_combine(ok, f.fw, &d), DTI_EOK);
	assert_int_equal(oldcodes_check_combine(yes_sum, f.fw, &d), DTI_ECONFIG);
	assert_non_null(strstr(d.msg, "only counts and amounts are summed"));
	assert_int_equal(oldcodes_check_combine(unknown, f.fw, &d), DTI_ECONFIG);
	assert_non_null(strstr(d.msg, "'nope' is not a variable of the framework"));
	json_decref(ok);
	json_decref(yes_sum);
	json_decref(unknown);
	close_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_van_lam),       cmocka_unit_test(test_sum_whole),
		cmocka_unit_test(test_unsure_row),    cmocka_unit_test(test_added_rows),
		cmocka_unit_test(test_check_combine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
