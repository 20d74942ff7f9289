/* Online backups: the name pattern retention relies on, a backup that is a
 * complete readable copy, retention keeping the newest N, leftovers of an
 * interrupted backup removed, other files never touched. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h> /* reads the copies with SQLite itself */

#include "backup.h"
#include "staging.h"
#include "store_backup.h"
#include "util.h"

/* Removes a database file with its WAL and shared-memory files. */
static void remove_db(const char *db)
{
	char p[128];

	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
	unlink(db);
}

static void test_name_pattern(void **state)
{
	(void)state;
	assert_true(backup_name_matches("dti-20261127T160333825Z.db", "dti"));
	assert_true(backup_name_matches("my.data-20261127T160333825Z.db", "my.data"));
	assert_false(backup_name_matches("dti-20261127T160333825Z.db.tmp", "dti"));
	assert_false(backup_name_matches("dti-2026112T160333825Z.db", "dti"));
	assert_false(backup_name_matches("dti-20261127X160333825Z.db", "dti"));
	assert_false(backup_name_matches("dtix-20261127T160333825Z.db", "dti"));
	assert_false(backup_name_matches("other-20261127T160333825Z.db", "dti"));
	assert_false(backup_name_matches("dti.db", "dti"));
}

static int count_in(const char *dir, const char *suffix)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dh);
	while ((e = readdir(dh)) != NULL) {
		size_t l = strlen(e->d_name), s = strlen(suffix);
		if (l > s && strcmp(e->d_name + l - s, suffix) == 0)
			n++;
	}
	closedir(dh);
	return n;
}

static void test_backup_and_retention(void **state)
{
	char dir[64], db[96], bdir[96], other[128], stale_tmp[160];
	staging *st = NULL;
	backup_result r[4];
	dti_diag d;
	sqlite3 *copy = NULL;
	sqlite3_stmt *s = NULL;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/dti-test-backup-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/live.db", dir);
	snprintf(bdir, sizeof bdir, "%s/backups", dir);
	assert_int_equal(staging_open(db, &st, &d), DTI_EOK);
	assert_int_equal(
		staging_exec(st, "INSERT INTO meta(key, value) VALUES ('probe', 'kept')", &d),
		DTI_EOK);
	/* A file that only looks similar, and a leftover of a killed backup. */
	assert_int_equal(make_dirs(bdir, &d), DTI_EOK);
	snprintf(other, sizeof other, "%s/live-notes.db", bdir);
	f = fopen(other, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(stale_tmp, sizeof stale_tmp, "%s/live-20000101T000000000Z.db.tmp", bdir);
	f = fopen(stale_tmp, "w");
	assert_non_null(f);
	fclose(f);

	for (int i = 0; i < 4; i++) {
		struct timespec pause = {0, 3 * 1000 * 1000};
		assert_int_equal(backup_write(st, bdir, 2, &r[i], &d), DTI_EOK);
		assert_non_null(r[i].path);
		assert_int_equal(r[i].removed, i < 2 ? 0 : 1);
		nanosleep(&pause, NULL); /* distinct millisecond stamps */
	}
	/* The newest two remain, plus the unrelated file; the leftover is gone. */
	assert_int_equal(access(r[0].path, F_OK), -1);
	assert_int_equal(access(r[1].path, F_OK), -1);
	assert_int_equal(access(r[2].path, F_OK), 0);
	assert_int_equal(access(r[3].path, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(access(stale_tmp, F_OK), -1);
	assert_int_equal(count_in(bdir, ".tmp"), 0);

	/* The copy is a complete database with the schema and the data. */
	assert_int_equal(sqlite3_open_v2(r[3].path, &copy, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(
			copy,
			"SELECT (SELECT value FROM meta WHERE key = 'probe'), "
			"(SELECT count(*) FROM sqlite_schema WHERE name = 'current_input')",
			-1, &s, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "kept");
	assert_int_equal(sqlite3_column_int(s, 1), 1);
	sqlite3_finalize(s);
	sqlite3_close(copy);

	/* keep < 1 is refused and writes nothing. */
	{
		backup_result bad;
		assert_int_equal(backup_write(st, bdir, 0, &bad, &d), DTI_EUSAGE);
		assert_null(bad.path);
	}
	/* A folder that cannot be created fails with a message naming it. */
	{
		backup_result bad;
		char blocked[160];
		snprintf(blocked, sizeof blocked, "%s/sub", other);
		assert_int_not_equal(backup_write(st, blocked, 2, &bad, &d), DTI_EOK);
		assert_non_null(strstr(d.msg, "live-notes.db"));
		assert_null(bad.path);
	}

	for (int i = 0; i < 4; i++) {
		unlink(r[i].path);
		backup_result_free(&r[i]);
	}
	staging_close(st);
	unlink(other);
	rmdir(bdir);
	remove_db(db);
	rmdir(dir);
}

/* The check refuses a file that is not a database, naming it, and passes
 * a copy written by VACUUM INTO. */
static void test_quick_check(void **state)
{
	char dir[] = "/tmp/dti-test-qcheck-XXXXXX";
	char db[96], junk[96], copy[96];
	staging *st = NULL;
	dti_diag d;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/live.db", dir);
	snprintf(junk, sizeof junk, "%s/junk.db", dir);
	snprintf(copy, sizeof copy, "%s/copy.db", dir);
	f = fopen(junk, "wb");
	assert_non_null(f);
	fputs("this is not a database, only text long enough to have a header.............\n", f);
	fclose(f);
	assert_int_equal(store_backup_quick_check(junk, &d), DTI_EDB);
	assert_non_null(strstr(d.msg, "junk.db"));

	assert_int_equal(staging_open(db, &st, &d), DTI_EOK);
	assert_int_equal(store_backup_vacuum_into(st, copy, &d), DTI_EOK);
	assert_int_equal(store_backup_quick_check(copy, &d), DTI_EOK);
	/* VACUUM INTO refuses to write over a file. */
	assert_int_equal(store_backup_vacuum_into(st, copy, &d), DTI_EDB);
	assert_non_null(strstr(d.msg, "cannot write backup"));
	staging_close(st);
	unlink(copy);
	unlink(junk);
	remove_db(db);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_pattern),
		cmocka_unit_test(test_backup_and_retention),
		cmocka_unit_test(test_quick_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
