/* The start-up every program shares (lib/app.c) and what it stands on: the
 * one exit table (every error has a code for every kind of program, as the
 * table of docs/administrator.md says), year_parse, the duplicate check of a
 * commune list (linear: 30,000 codes in well under a second), and a configuration
 * refused at load for a typo in any source block, without the national
 * unit list being read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app.h"
#include "err.h"
#include "units.h"
#include "util.h"

static const char *const error_names[] = {
#define NAME(name, msg, dti_code, collector_code) #name,
	DTI_ERRORS(NAME)
#undef NAME
};

static void test_exit_table(void **state)
{
	(void)state;
	assert_int_equal(sizeof error_names / sizeof error_names[0], DTI_E_COUNT);
	for (int e = 0; e < DTI_E_COUNT; e++)
		for (int p = PROGRAM_DTI; p <= PROGRAM_COLLECTOR; p++) {
			dti_exit code = dti_exit_code((dti_err)e, (dti_program)p);
			assert_true(code >= EXIT_OK && code <= EXIT_DB);
			assert_true((code == EXIT_OK) == (e == DTI_EOK));
		}
	/* The codes tests and cron/dti-nightly rely on. */
	assert_int_equal(dti_exit_code(DTI_EPARSE, PROGRAM_DTI), EXIT_REFUSED);
	assert_int_equal(dti_exit_code(DTI_EPARSE, PROGRAM_COLLECTOR), EXIT_CONFIG);
	assert_int_equal(dti_exit_code(DTI_EIO, PROGRAM_DTI), EXIT_DB);
	assert_int_equal(dti_exit_code(DTI_EIO, PROGRAM_COLLECTOR), EXIT_CONFIG);
	assert_int_equal(dti_exit_code(DTI_ECONFIG, PROGRAM_DTI), EXIT_CONFIG);
	assert_int_equal(dti_exit_code(DTI_EDB, PROGRAM_COLLECTOR), EXIT_DB);
	assert_int_equal(dti_exit_code(DTI_EUSAGE, PROGRAM_DTI), EXIT_USAGE);
	assert_int_equal(dti_exit_code(DTI_E_COUNT, PROGRAM_DTI), EXIT_DB);
}

/* The error table of docs/administrator.md "Exit codes": one row per group of
 * errors, "| `A`, `B` | 4 | 3 |".
 * Every error but OK is in exactly one row, with the codes of the table. */
static void test_exit_table_documented(void **state)
{
	char *text = NULL, *p;
	size_t len = 0;
	int seen[DTI_E_COUNT] = {0};
	dti_diag d;

	(void)state;
	assert_int_equal(read_file("docs/administrator.md", 1 << 22, &text, &len, &d), DTI_EOK);
	p = strstr(text, "| error | `dti` | `dti-collect-*` (at start-up) |");
	assert_non_null(p);
	p = strchr(p, '\n') + 1;
	p = strchr(p, '\n') + 1; /* the |---| line */
	while (*p == '|') {
		char *end = strchr(p, '\n'), *cells = strchr(p + 1, '|');
		int dti_code = -1, collector_code = -1;
		assert_non_null(end);
		assert_non_null(cells);
		*end = '\0';
		assert_int_equal(sscanf(cells, "| %d | %d |", &dti_code, &collector_code), 2);
		for (int e = 1; e < DTI_E_COUNT; e++) {
			char quoted[64];
			snprintf(quoted, sizeof quoted, "`%s`", error_names[e]);
			if (!strstr(p, quoted) || strstr(p, quoted) > cells)
				continue;
			seen[e]++;
			assert_int_equal(dti_exit_code((dti_err)e, PROGRAM_DTI), dti_code);
			assert_int_equal(dti_exit_code((dti_err)e, PROGRAM_COLLECTOR),
					 collector_code);
		}
		p = end + 1;
	}
	for (int e = 1; e < DTI_E_COUNT; e++) {
		if (seen[e] != 1)
			fail_msg("error %s is in %d rows of docs/administrator.md's table",
				 error_names[e], seen[e]);
	}
	free(text);
}

static void test_year_parse(void **state)
{
	static const char *const good[] = {"2000", "2024", "2100", " 2024 "};
	static const char *const bad[] = {"1999",  "2101",   "",      "20x4",
					  "-2024", "2024.0", "+2024", "99999999999999999999"};
	int64_t y = 7;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(year_parse(good[i], &y));
	assert_int_equal(y, 2024);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		y = 7;
		assert_false(year_parse(bad[i], &y));
		assert_int_equal(y, 7); /* untouched */
	}
	assert_true(year_valid(YEAR_MIN));
	assert_true(year_valid(YEAR_MAX));
	assert_false(year_valid(YEAR_MIN - 1));
	assert_false(year_valid(YEAR_MAX + 1));
}

#define MANY 30000

/* A temporary folder with a unit list of MANY communes (codes 10000 …). */
static void write_units(const char *dir, char *path, size_t n)
{
	FILE *f;

	snprintf(path, n, "%s/units.csv", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("province_code,province_name,district_code,district_name,commune_code,commune_name,"
	      "commune_type\n",
	      f);
	for (int i = 0; i < MANY; i++)
		fprintf(f, "01,Tỉnh A,%03d,Huyện %d,%05d,Xã %d,Xã\n", i / 100, i / 100, 10000 + i,
			i);
	fclose(f);
}

static void test_duplicates_linear(void **state)
{
	char dir[64], path[128];
	units *u = NULL;
	commune_list l = {0};
	dti_problems p = {0};
	dti_diag d;
	double t0;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/dti-test-startup-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_units(dir, path, sizeof path);
	assert_int_equal(units_load(path, &u, &d), DTI_EOK);
	for (int i = 0; i < MANY; i++) {
		char code[16];
		snprintf(code, sizeof code, "%05d", 10000 + i);
		commune_list_add(&l, code, "");
	}
	commune_list_add(&l, "10007", "");
	commune_list_add(&l, "39999", "");
	t0 = mono_seconds();
	assert_int_equal(commune_list_check(&l, u, "list.csv", &p), DTI_EINVALID);
	/* Quadratic, this took 1.8 s; linear it is a few hundredths. */
	assert_true(mono_seconds() - t0 < 1.0);
	assert_int_equal(p.count, 2);
	assert_string_equal(p.items[0], "list.csv: commune 10007 is listed twice");
	assert_string_equal(p.items[1], "list.csv: commune 39999 is listed twice");
	assert_string_equal(l.items[5].name, "Xã 5"); /* an empty name takes the list's */
	problems_free(&p);
	commune_list_free(&l);
	units_free(u);
	unlink(path);
	rmdir(dir);
}

/* A configuration whose unit list does not exist: loading it must not
 * need the list; `sources` as given. */
static void write_config(const char *dir, char *path, size_t n, const char *sources)
{
	FILE *f;

	snprintf(path, n, "%s/dti.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"{\"year\": 2024, \"database\": \"dti.db\", \"output_dir\": \"out\",\n"
		" \"framework\": \"framework.json\", \"admin_units\": \"no-such-units.csv\",\n"
		" \"communes\": [{\"code\": \"11986\"}],\n"
		" \"sources\": %s}\n",
		sources);
	fclose(f);
}

static void test_source_typo_refused_at_load(void **state)
{
	static const struct {
		const char *sources, *message;
	} bad[] = {
		{"[{\"name\": \"t\", \"kind\": \"telecom\", \"method\": \"GTE\"}]",
		 "source 't': \"method\" must be GET or POST"},
		{"[{\"name\": \"a\", \"kind\": \"portal\", \"url\": \"https://x/\"},"
		 " {\"name\": \"t\", \"kind\": \"telecom\", \"url\": \"htps://x/\"}]",
		 "source 't': url 'htps://x/' is not http://, https:// or file:"},
		{"[{\"name\": \"t\", \"kind\": \"telecom\", \"timeout_ms\": \"6000\"}]",
		 "source 't': \"timeout_ms\" must be a whole number >= 1"},
		{"[{\"name\": \"t\", \"kind\": \"telecom\", \"cross_origin\": \"strpi\"}]",
		 "source 't': \"cross_origin\" must be \"strip\" or \"refuse\""},
		{"[{\"name\": \"t\", \"kind\": \"telecom\", \"headers\": {\"X-A\": \"a\\nb\"}}]",
		 "source 't': header 'X-A' must be a one-line text"},
		{"[{\"name\": \"t\", \"kind\": \"telecom\", \"auth\": \"token\"}]",
		 "source 't': \"auth\" must be an object"},
		{"[{\"name\": \"t\", \"kind\": \"telecom\", \"url\": \"https://u:s3cret@x/f?a=b@c\"}]",
		 "source 't': the url carries a user name or password; give the credential with "
		 "\"auth\" (a variable or a file), which keeps it out of every message"},
	};
	char dir[64], path[128];
	dti_diag d;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/dti-test-startup-XXXXXX");
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		app a = {path, NULL, 0, NULL, NULL, NULL};
		write_config(dir, path, sizeof path, bad[i].sources);
		assert_int_equal(app_start(&a, APP_CONFIG, &d), DTI_ECONFIG);
		assert_string_equal(d.msg, bad[i].message);
		app_stop(&a);
	}
	/* What only a run needs is not asked at load (a block of a fake
	 * collector has neither url nor max_age_hours), nor the unit list. */
	{
		app a = {path, NULL, 0, NULL, NULL, NULL};
		const commune_list *l;
		write_config(
			dir, path, sizeof path,
			"[{\"name\": \"t\", \"kind\": \"telecom\", \"ca_file\": \"none.pem\"}]");
		assert_int_equal(app_start(&a, APP_CONFIG, &d), DTI_EOK);
		assert_int_equal(a.year, 2024);
		assert_int_equal(a.cfg->communes.count, 0);
		assert_int_equal(config_communes(a.cfg, &l, &d), DTI_EIO);
		assert_non_null(strstr(d.msg, "no-such-units.csv"));
		app_stop(&a);
	}
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_table),
		cmocka_unit_test(test_exit_table_documented),
		cmocka_unit_test(test_year_parse),
		cmocka_unit_test(test_duplicates_linear),
		cmocka_unit_test(test_source_typo_refused_at_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
