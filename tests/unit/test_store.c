/* The bind-and-step helper (lib/store.c): typed parameters, NULLs both
 * ways, every row in order, the scalar helpers, a callback that stops the
 * query, a nested use of the same statement, the statement cache across
 * many uses and errors that name the database. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <unistd.h>

#include "staging.h"
#include "staging_int.h"
#include "store.h"
#include "util.h"

typedef struct fixture {
	char path[64];
	staging *st;
} fixture;

static int setup(void **state)
{
	fixture *f = xcalloc(1, sizeof *f);
	dti_diag d;
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/dti-test-store-XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(f->path);
	if (staging_open(f->path, &f->st, &d))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char p[80];

	staging_close(f->st);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static const char *const make_table =
	"CREATE TABLE IF NOT EXISTS t(k INTEGER PRIMARY KEY, s TEXT, x REAL)";
static const char *const insert = "INSERT INTO t(k, s, x) VALUES (?1, ?2, ?3)";

static dti_err collect(void *ctx, const store_row *r, dti_diag *d)
{
	char *buf = ctx;
	char one[96];

	(void)d;
	snprintf(one, sizeof one, "%lld|%s|%s|%g;", (long long)store_int(r, 0),
		 store_text_or_null(r, 1) ? store_text(r, 1) : "NULL",
		 store_is_null(r, 2) ? "NULL" : "num", store_num(r, 2));
	strcat(buf, one);
	return DTI_EOK;
}

static void test_bind_and_read(void **state)
{
	fixture *f = *state;
	char buf[512] = "";
	size_t rows = 0;
	dti_diag d;

	assert_int_equal(store_run(f->st, &d, make_table, STORE_NOARGS), DTI_EOK);
	assert_int_equal(
		store_run(f->st, &d, insert,
			  STORE_ARGS(STORE_INT(2), STORE_TEXT("Như Quỳnh"), STORE_NUM(2.5))),
		DTI_EOK);
	assert_int_equal(store_last_id(f->st), 2);
	assert_int_equal(store_run(f->st, &d, insert,
				   STORE_ARGS(STORE_INT(1), STORE_TEXT(NULL), STORE_NUM(NAN))),
			 DTI_EOK);
	assert_int_equal(store_changes(f->st), 1);
	assert_int_equal(store_each(f->st, &d, "SELECT k, s, x FROM t ORDER BY k", collect, buf,
				    &rows, STORE_NOARGS),
			 DTI_EOK);
	assert_int_equal(rows, 2);
	assert_string_equal(buf, "1|NULL|NULL|nan;2|Như Quỳnh|num|2.5;");
}

static void test_scalars(void **state)
{
	fixture *f = *state;
	int64_t n = -1;
	bool found = true;
	char *text = NULL;
	dti_diag d;

	assert_int_equal(store_run(f->st, &d, make_table, STORE_NOARGS), DTI_EOK);
	assert_int_equal(store_run(f->st, &d, insert,
				   STORE_ARGS(STORE_INT(7), STORE_TEXT("bảy"), STORE_NULL)),
			 DTI_EOK);
	assert_int_equal(store_int64(f->st, &d, "SELECT k * 6 FROM t WHERE s = ?1", &n, &found,
				     STORE_ARGS(STORE_TEXT("bảy"))),
			 DTI_EOK);
	assert_true(found);
	assert_int_equal(n, 42);
	assert_int_equal(store_int64(f->st, &d, "SELECT k FROM t WHERE k = ?1", &n, &found,
				     STORE_ARGS(STORE_INT(8))),
			 DTI_EOK);
	assert_false(found);
	assert_int_equal(n, 0);
	assert_int_equal(store_text1(f->st, &d, "SELECT s FROM t WHERE k = ?1", &text,
				     STORE_ARGS(STORE_INT(7))),
			 DTI_EOK);
	assert_string_equal(text, "bảy");
	free(text);
	assert_int_equal(store_text1(f->st, &d, "SELECT x FROM t WHERE k = ?1", &text,
				     STORE_ARGS(STORE_INT(7))),
			 DTI_EOK);
	assert_null(text);
}

static dti_err stop_at_second(void *ctx, const store_row *r, dti_diag *d)
{
	int *seen = ctx;

	(void)r;
	if (++*seen == 2)
		return diag_set(d, DTI_EINVALID, "stopped at row %d", *seen);
	return DTI_EOK;
}

static const char *const ten_rows =
	"WITH RECURSIVE c(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM c WHERE v < 10) SELECT v FROM c";

static void test_callback_stops(void **state)
{
	fixture *f = *state;
	int seen = 0;
	dti_diag d;

	assert_int_equal(store_each(f->st, &d, ten_rows, stop_at_second, &seen, NULL, STORE_NOARGS),
			 DTI_EINVALID);
	assert_int_equal(seen, 2);
	assert_string_equal(d.msg, "stopped at row 2");
	/* The statement was reset: it runs again from its first row. */
	seen = 0;
	assert_int_equal(store_each(f->st, &d, ten_rows, stop_at_second, &seen, NULL, STORE_NOARGS),
			 DTI_EINVALID);
	assert_int_equal(seen, 2);
}

static const char *const nested_sql = "SELECT k FROM t WHERE k <= ?1 ORDER BY k";

static dti_err inner(void *ctx, const store_row *r, dti_diag *d)
{
	int64_t *sum = ctx;

	(void)d;
	*sum += store_int(r, 0);
	return DTI_EOK;
}

typedef struct outer_ctx {
	staging *st;
	int64_t sum;
} outer_ctx;

static dti_err outer(void *ctx, const store_row *r, dti_diag *d)
{
	outer_ctx *o = ctx;

	/* The same SQL while its cached statement is being stepped. */
	return store_each(o->st, d, nested_sql, inner, &o->sum, NULL,
			  STORE_ARGS(STORE_INT(store_int(r, 0))));
}

static void test_nested_same_statement(void **state)
{
	fixture *f = *state;
	outer_ctx o = {f->st, 0};
	dti_diag d;

	assert_int_equal(store_run(f->st, &d, make_table, STORE_NOARGS), DTI_EOK);
	for (int k = 1; k <= 4; k++)
		assert_int_equal(store_run(f->st, &d, insert,
					   STORE_ARGS(STORE_INT(k), STORE_TEXT("x"), STORE_NUM(k))),
				 DTI_EOK);
	assert_int_equal(
		store_each(f->st, &d, nested_sql, outer, &o, NULL, STORE_ARGS(STORE_INT(4))),
		DTI_EOK);
	/* 1 + (1+2) + (1+2+3) + (1+2+3+4) */
	assert_int_equal(o.sum, 20);
}

/* Queries run inside an outer one's callback that grow the statement
 * cache, moving it: the outer query's slot is freed afterwards all the
 * same (it was written through a pointer into the cache as it was: a
 * write after free, and the slot left busy for good). */
enum { GROWING = 100 };
static char growing_sql[GROWING][48];

static dti_err grow_cache(void *ctx, const store_row *r, dti_diag *d)
{
	staging *st = ctx;
	int64_t v = 0;

	(void)r;
	for (int i = 0; i < GROWING; i++) {
		dti_err rc = store_int64(st, d, growing_sql[i], &v, NULL, STORE_NOARGS);
		if (rc)
			return rc;
	}
	return DTI_EOK;
}

static void test_cache_grown_inside_a_query(void **state)
{
	fixture *f = *state;
	static const char outer_sql[] = "SELECT 1";
	dti_diag d;

	for (int i = 0; i < GROWING; i++)
		snprintf(growing_sql[i], sizeof growing_sql[i], "SELECT %d + 1", i);
	assert_int_equal(store_each(f->st, &d, outer_sql, grow_cache, f->st, NULL, STORE_NOARGS),
			 DTI_EOK);
	assert_true(f->st->n_cache > GROWING);
	for (size_t i = 0; i < f->st->n_cache; i++)
		if (f->st->cache[i].busy)
			fail_msg("statement '%s' left in use", f->st->cache[i].sql);
}

static void test_cached_many_times(void **state)
{
	fixture *f = *state;
	int64_t n = 0;
	dti_diag d;

	assert_int_equal(store_run(f->st, &d, make_table, STORE_NOARGS), DTI_EOK);
	for (int k = 0; k < 2000; k++) {
		/* A text bound once must not leak into the next use (bindings cleared). */
		if (k % 2)
			assert_int_equal(store_run(f->st, &d, insert,
						   STORE_ARGS(STORE_INT(k), STORE_TEXT("odd"),
							      STORE_NUM(k))),
					 DTI_EOK);
		else
			assert_int_equal(store_run(f->st, &d, insert, STORE_ARGS(STORE_INT(k))),
					 DTI_EOK);
	}
	assert_int_equal(store_int64(f->st, &d, "SELECT count(*) FROM t WHERE s IS NULL", &n, NULL,
				     STORE_NOARGS),
			 DTI_EOK);
	assert_int_equal(n, 1000);
}

static dti_err count_calls(void *ctx, const store_row *r, dti_diag *d)
{
	int64_t *seen = ctx;

	(void)d;
	seen[0]++;
	seen[1] = store_int(r, 0);
	return DTI_EOK;
}

static void test_first_row_only(void **state)
{
	fixture *f = *state;
	int64_t seen[2] = {0, 0};
	bool found = false;
	dti_diag d;

	assert_int_equal(store_first(f->st, &d, ten_rows, count_calls, seen, &found, STORE_NOARGS),
			 DTI_EOK);
	assert_true(found);
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 1);
	assert_int_equal(
		store_first(f->st, &d, "SELECT 1 WHERE 0", count_calls, seen, &found, STORE_NOARGS),
		DTI_EOK);
	assert_false(found);
	assert_int_equal(seen[0], 1);
}

static void test_errors_name_the_database(void **state)
{
	fixture *f = *state;
	dti_diag d;

	assert_int_equal(store_run(f->st, &d, "SELECT * FROM no_such_table", STORE_NOARGS),
			 DTI_EDB);
	assert_non_null(strstr(d.msg, f->path));
	assert_non_null(strstr(d.msg, "no_such_table"));
	assert_int_equal(store_run(f->st, &d, make_table, STORE_NOARGS), DTI_EOK);
	assert_int_equal(store_run(f->st, &d, insert, STORE_ARGS(STORE_INT(1))), DTI_EOK);
	assert_int_equal(store_run(f->st, &d, insert, STORE_ARGS(STORE_INT(1))), DTI_EDB);
	assert_non_null(strstr(d.msg, "UNIQUE"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bind_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_same_statement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached_many_times, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_grown_inside_a_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_row_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_name_the_database, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
