#include "staging.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema.sql.h"
#include "staging_int.h"
#include "store.h"
#include "store_current.h"
#include "util.h"

int staging_schema_version(void)
{
	return (int)(sizeof staging_migrations / sizeof staging_migrations[0]);
}

sqlite3 *staging_db(staging *st)
{
	return st->db;
}

const char *staging_path(const staging *st)
{
	return st->path;
}

static dti_err db_error(staging *st, dti_diag *d, const char *what)
{
	return store_db_error(st, d, what);
}

dti_err staging_exec(staging *st, const char *sql, dti_diag *d)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		diag_set(d, DTI_EDB, "%s: %s", st->path, msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return DTI_EDB;
	}
	return DTI_EOK;
}

dti_err staging_begin(staging *st, dti_diag *d)
{
	return staging_exec(st, "BEGIN IMMEDIATE", d);
}

dti_err staging_begin_read(staging *st, bool *began, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	*began = false;
	if (sqlite3_get_autocommit(st->db)) {
		rc = staging_exec(st, "BEGIN", d);
		*began = !rc;
	}
	return rc;
}

dti_err staging_commit(staging *st, dti_diag *d)
{
	return staging_exec(st, "COMMIT", d);
}

void staging_rollback(staging *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

dti_err staging_prepare(staging *st, const char *sql, sqlite3_stmt **out, dti_diag *d)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
		return db_error(st, d, "cannot prepare statement");
	return DTI_EOK;
}

dti_err staging_query_int64(staging *st, const char *sql, int64_t param, int64_t *out, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc = staging_prepare(st, sql, &s, d);
	int step;

	*out = 0;
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, param);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else if (step != SQLITE_DONE)
		rc = db_error(st, d, "cannot read");
	sqlite3_finalize(s);
	return rc;
}

void staging_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

void staging_bind_num(sqlite3_stmt *s, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_double(s, i, v);
}

static int user_version(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static dti_err schema_newer(const staging *st, int have, dti_diag *d)
{
	return diag_set(
		d, DTI_ESCHEMA,
		"%s: database schema version %d is newer than this program's (%d); upgrade dti",
		st->path, have, staging_schema_version());
}

static dti_err migrate(staging *st, dti_diag *d)
{
	int have = user_version(st->db);
	int want = staging_schema_version();
	dti_err rc;

	if (have < 0)
		return db_error(st, d, "cannot read schema version");
	if (have > want)
		return schema_newer(st, have, d);
	if (have == want)
		return DTI_EOK;
	rc = staging_begin(st, d);
	if (rc)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	have = user_version(st->db);
	for (int v = have; v < want; v++) {
		char pragma[64];
		for (const char *const *sql = staging_migrations[v]; *sql; sql++) {
			rc = staging_exec(st, *sql, d);
			if (rc) {
				diag_prefix(d, "migration %d", v + 1);
				goto fail;
			}
		}
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		rc = staging_exec(st, pragma, d);
		if (rc)
			goto fail;
	}
	return staging_commit(st, d);
fail:
	staging_rollback(st);
	return rc;
}

/* A connection's page cache, by use (staging_cache), in KiB. */
static const int cache_kib[] = {
	[STAGING_CACHE_READS] = 2048,
	[STAGING_CACHE_WRITES] = 16384,
	[STAGING_CACHE_WIDE_WRITES] = 81920,
};

dti_err staging_open(const char *path, staging **out, dti_diag *d)
{
	staging *st = xcalloc(1, sizeof *st);
	const char *slash = strrchr(path, '/');
	dti_err rc;

	*out = NULL;
	/* No memory statistics: they cost a global mutex on every allocation.
	 * Only possible before SQLite's first use; later it is a harmless no-op. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	st->path = xstrdup(path);
	if (slash && slash != path) {
		char *dir = xstrndup(path, (size_t)(slash - path));
		rc = make_dirs(dir, d);
		free(dir);
		if (rc)
			goto fail;
	}
	/* One connection per thread: SQLite's own mutexes are not needed. */
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		rc = diag_set(d, DTI_EDB, "cannot open '%s': %s", path,
			      st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, STAGING_BUSY_MS);
	/* 16 KiB pages for a new file: a national import writes a quarter
	 * faster than with 4 KiB pages.  It has to come before WAL mode, which
	 * creates the file.  An existing file keeps its own, and so do its
	 * backups (VACUUM INTO would take a size set on the connection). */
	{
		int64_t pages = 0;
		rc = staging_query_int64(st, "SELECT page_count FROM pragma_page_count", 0, &pages,
					 d);
		if (!rc && pages == 0)
			rc = staging_exec(st, "PRAGMA page_size = 16384", d);
		if (rc)
			goto fail;
	}
	rc = staging_exec(st,
			  "PRAGMA journal_mode = WAL; "
			  "PRAGMA foreign_keys = ON; "
			  "PRAGMA synchronous = NORMAL",
			  d);
	if (!rc)
		rc = staging_cache_own(st, STAGING_CACHE_WRITES, d);
	if (!rc)
		rc = migrate(st, d);
	if (rc)
		goto fail;
	*out = st;
	return DTI_EOK;
fail:
	staging_close(st);
	return rc;
}

/* A reader's schema check: the same version as this program, else why not
 * and the command that upgrades it (a reader never migrates). */
static dti_err readonly_schema(staging *st, dti_diag *d)
{
	int have = user_version(st->db), want = staging_schema_version();

	if (have < 0)
		return db_error(st, d, "cannot read schema version");
	if (have > want)
		return schema_newer(st, have, d);
	if (have == 0)
		return diag_set(d, DTI_EDB,
				"database '%s' is not set up yet: run 'dti init' to create it",
				st->path);
	if (have < want)
		return diag_set(d, DTI_EDB,
				"database '%s' has schema version %d, older than this "
				"program's (%d): run 'dti init' to upgrade it",
				st->path, have, want);
	return DTI_EOK;
}

dti_err staging_open_readonly(const char *path, staging **out, dti_diag *d)
{
	staging *st = xcalloc(1, sizeof *st);
	dti_err rc;

	*out = NULL;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	st->path = xstrdup(path);
	/* Checked first: SQLite would create nothing read-only either, but
	 * the message should say what to do. */
	if (access(path, F_OK) != 0) {
		if (errno == ENOENT)
			rc = diag_set(d, DTI_EDB,
				      "database '%s' does not exist: run 'dti init' to create it",
				      path);
		else
			rc = diag_set(d, DTI_EDB, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	/* Read-only: no write lock, no migration, no journal-mode change; in
	 * WAL mode such a reader sees the last commit and never waits for a
	 * writer.  The busy timeout covers the brief locks of a checkpoint or
	 * of WAL recovery, not a writer's transaction. */
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		rc = diag_set(d, DTI_EDB, "cannot open '%s': %s", path,
			      st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, STAGING_BUSY_MS);
	rc = staging_exec(st, "PRAGMA query_only = ON; PRAGMA foreign_keys = ON", d);
	if (!rc)
		rc = staging_cache_own(st, STAGING_CACHE_READS, d);
	if (!rc)
		rc = readonly_schema(st, d);
	if (rc)
		goto fail;
	*out = st;
	return DTI_EOK;
fail:
	staging_close(st);
	return rc;
}

void staging_close(staging *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->put);
	sqlite3_finalize(st->put_rows);
	sqlite3_finalize(st->has_commune);
	sqlite3_finalize(st->has_variable);
	store_cache_free(st);
	if (st->db)
		sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/* The variable's row stored with its new aggregate, then its current
 * values resolved again; the caller's loop stores the row once more. */
static dti_err aggregate_changed(staging *st, const fw_variable *v, const char *aggregate,
				 dti_diag *d)
{
	dti_err rc = store_run(st, d, "UPDATE variable SET aggregate = ?2 WHERE name = ?1",
			       STORE_ARGS(STORE_TEXT(v->name), STORE_TEXT(aggregate)));

	return rc ? rc : store_current_resolve_variable(st, v->name, d);
}

dti_err staging_sync_framework(staging *st, const framework *fw, dti_diag *d)
{
	sqlite3_stmt *var = NULL, *body = NULL;
	char now[32];
	dti_err rc;

	now_iso(now);
	rc = staging_begin(st, d);
	if (rc)
		return rc;
	rc = staging_prepare(st,
			     "INSERT INTO variable(name, type, aggregate, source, label, unit) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(name) DO UPDATE SET "
			     "type = ?2, aggregate = ?3, source = ?4, label = ?5, unit = ?6",
			     &var, d);
	if (!rc)
		rc = staging_prepare(
			st,
			"INSERT OR IGNORE INTO framework(sha256, edition, body, loaded_at) "
			"VALUES (?1, ?2, ?3, ?4)",
			&body, d);
	for (size_t i = 0; !rc && i < fw->n_variables; i++) {
		const fw_variable *v = &fw->variables[i];
		const char *aggregate = v->summed ? "sum" : "latest";
		char *had = NULL;
		/* A variable summed before and not now (or the reverse) has every
		 * current value of its resolved again, in this transaction. */
		rc = store_text1(st, d, "SELECT aggregate FROM variable WHERE name = ?1", &had,
				 STORE_ARGS(STORE_TEXT(v->name)));
		if (!rc && had && strcmp(had, aggregate) != 0)
			rc = aggregate_changed(st, v, aggregate, d);
		free(had);
		if (rc)
			break;
		sqlite3_bind_text(var, 1, v->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(var, 2, var_type_name(v->type), -1, SQLITE_STATIC);
		sqlite3_bind_text(var, 3, aggregate, -1, SQLITE_STATIC);
		sqlite3_bind_text(var, 4, v->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(var, 5, v->label, -1, SQLITE_STATIC);
		staging_bind_text(var, 6, v->unit);
		if (sqlite3_step(var) != SQLITE_DONE)
			rc = db_error(st, d, "cannot store variable");
		sqlite3_reset(var);
	}
	if (!rc) {
		sqlite3_bind_text(body, 1, fw->sha256, -1, SQLITE_STATIC);
		sqlite3_bind_text(body, 2, fw->edition, -1, SQLITE_STATIC);
		sqlite3_bind_text(body, 3, fw->text, -1, SQLITE_STATIC);
		sqlite3_bind_text(body, 4, now, -1, SQLITE_STATIC);
		if (sqlite3_step(body) != SQLITE_DONE)
			rc = db_error(st, d, "cannot store framework");
	}
	sqlite3_finalize(var);
	sqlite3_finalize(body);
	if (rc) {
		staging_rollback(st);
		return rc;
	}
	return staging_commit(st, d);
}

static dti_err upsert_communes(staging *st, const commune_list *l, const units *u, bool others_off,
			       dti_diag *d)
{
	sqlite3_stmt *up = NULL;
	char now[32];
	dti_err rc;

	now_iso(now);
	if (others_off) {
		rc = staging_exec(st, "UPDATE commune SET active = 0", d);
		if (rc)
			return rc;
	}
	rc = staging_prepare(
		st,
		"INSERT INTO commune(code, name, district_code, district_name, "
		"province_code, province_name, active, updated_at, unit_type) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8) ON CONFLICT(code) DO UPDATE SET "
		"name = ?2, district_code = ?3, district_name = ?4, province_code = ?5, "
		"province_name = ?6, active = 1, updated_at = ?7, "
		"unit_type = coalesce(?8, unit_type)",
		&up, d);
	for (size_t i = 0; !rc && i < l->count; i++) {
		const admin_unit *a = u ? units_find(u, l->items[i].code) : NULL;
		sqlite3_bind_text(up, 1, l->items[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(up, 2, l->items[i].name, -1, SQLITE_STATIC);
		staging_bind_text(up, 3, a ? a->district_code : NULL);
		staging_bind_text(up, 4, a ? a->district_name : NULL);
		staging_bind_text(up, 5, a ? a->province_code : NULL);
		staging_bind_text(up, 6, a ? a->province_name : NULL);
		sqlite3_bind_text(up, 7, now, -1, SQLITE_STATIC);
		staging_bind_text(up, 8, a ? a->type : NULL);
		if (sqlite3_step(up) != SQLITE_DONE)
			rc = db_error(st, d, "cannot store commune");
		sqlite3_reset(up);
	}
	sqlite3_finalize(up);
	return rc;
}

/* Where the set assessed came from, in the same transaction as the set:
 * meta 'communes_file' names the operator's file, and is absent when the
 * set is the configuration's (lib/app.c compares only then). */
static dti_err record_communes_origin(staging *st, const char *from_file, dti_diag *d)
{
	dti_err rc;

	if (from_file)
		rc = store_run(st, d,
			       "INSERT INTO meta(key, value) VALUES ('communes_file', ?1) "
			       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			       STORE_ARGS(STORE_TEXT(from_file)));
	else
		rc = store_run(st, d, "DELETE FROM meta WHERE key = 'communes_file'", STORE_NOARGS);
	return rc ? db_error(st, d, "cannot record where the communes came from") : DTI_EOK;
}

dti_err staging_set_communes(staging *st, const commune_list *l, const units *u,
			     const char *from_file, dti_diag *d)
{
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = upsert_communes(st, l, u, true, d);
	if (!rc)
		rc = record_communes_origin(st, from_file, d);
	if (rc) {
		staging_rollback(st);
		return rc;
	}
	return staging_commit(st, d);
}

dti_err staging_seed_communes(staging *st, const commune_list *l, const units *u, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	int have = 0;
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = staging_prepare(st, "SELECT count(*) FROM commune", &s, d);
	if (!rc && sqlite3_step(s) == SQLITE_ROW)
		have = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (!rc && have == 0)
		rc = upsert_communes(st, l, u, false, d);
	if (rc) {
		staging_rollback(st);
		return rc;
	}
	return staging_commit(st, d);
}

dti_err staging_active_communes(staging *st, commune_list *out, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc;
	int step;

	rc = staging_prepare(st, "SELECT code, name FROM commune WHERE active = 1 ORDER BY code",
			     &s, d);
	if (rc)
		return rc;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		commune_list_add(out, (const char *)sqlite3_column_text(s, 0),
				 (const char *)sqlite3_column_text(s, 1));
	if (step != SQLITE_DONE)
		rc = db_error(st, d, "cannot read communes");
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_source(staging *st, const char *name, const char *kind, int64_t *id, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	char now[32];
	dti_err rc;

	now_iso(now);
	rc = staging_prepare(st,
			     "INSERT INTO source(name, kind, created_at) VALUES (?1, ?2, ?3) "
			     "ON CONFLICT(name) DO UPDATE SET kind = kind RETURNING id",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	else
		rc = db_error(st, d, "cannot store source");
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_run_start(staging *st, int64_t source_id, const char *program, int year,
			  const char *input, int64_t *run_id, char started_at[32], dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	char now[32];
	dti_err rc;

	now_iso(now);
	if (started_at)
		memcpy(started_at, now, sizeof now);
	rc = staging_prepare(
		st,
		"INSERT INTO run(source_id, program, year, started_at, status, input, user) "
		"VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6) RETURNING id",
		&s, d);
	if (rc)
		return rc;
	if (source_id > 0)
		sqlite3_bind_int64(s, 1, source_id);
	sqlite3_bind_text(s, 2, program, -1, SQLITE_STATIC);
	if (year > 0)
		sqlite3_bind_int(s, 3, year);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	staging_bind_text(s, 5, input);
	staging_bind_text(s, 6, getenv("USER"));
	if (sqlite3_step(s) == SQLITE_ROW)
		*run_id = sqlite3_column_int64(s, 0);
	else
		rc = db_error(st, d, "cannot store run");
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_run_finish(staging *st, int64_t run_id, const char *status, const run_counts *c,
			   const char *error, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	char now[32];
	run_counts zero = {0, 0, 0, 0};
	dti_err rc;

	if (!c)
		c = &zero;
	now_iso(now);
	rc = staging_prepare(st,
			     "UPDATE run SET status = ?2, finished_at = ?3, records_read = ?4, "
			     "records_stored = ?5, records_skipped = ?6, records_rejected = ?7, "
			     "error = ?8 WHERE id = ?1",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, c->read);
	sqlite3_bind_int64(s, 5, c->stored);
	sqlite3_bind_int64(s, 6, c->skipped);
	sqlite3_bind_int64(s, 7, c->rejected);
	staging_bind_text(s, 8, error);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = db_error(st, d, "cannot update run");
	sqlite3_finalize(s);
	return rc;
}

static dti_err run_set(staging *st, const char *sql, int64_t run_id, const char *text, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc = staging_prepare(st, sql, &s, d);

	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, run_id);
	staging_bind_text(s, 2, text);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = db_error(st, d, "cannot update run");
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_run_set_payload(staging *st, int64_t run_id, const char *sha256, dti_diag *d)
{
	return run_set(st, "UPDATE run SET payload_sha256 = ?2 WHERE id = ?1", run_id, sha256, d);
}

dti_err staging_run_set_forced(staging *st, int64_t run_id, const char *user, dti_diag *d)
{
	return run_set(st, "UPDATE run SET forced = 1, user = coalesce(?2, user) WHERE id = ?1",
		       run_id, user, d);
}

dti_err staging_run_set_basis(staging *st, int64_t run_id, const char *basis, const char *warning,
			      dti_diag *d)
{
	dti_err rc =
		run_set(st, "UPDATE run SET basis_sha256 = ?2 WHERE id = ?1", run_id, basis, d);

	return rc ? rc
		  : run_set(st, "UPDATE run SET warning = ?2 WHERE id = ?1", run_id, warning, d);
}

dti_err staging_run_set_batch(staging *st, int64_t run_id, const char *sha256, dti_diag *d)
{
	return run_set(st, "UPDATE run SET batch_sha256 = ?2 WHERE id = ?1", run_id, sha256, d);
}

/* The one digest sql (?1 the source) gives, "" for none, into sha. */
static dti_err source_digest(staging *st, const char *sql, int64_t source_id, char sha[65],
			     dti_diag *d)
{
	char *text = NULL;
	dti_err rc = store_text1(st, d, sql, &text, STORE_ARGS(STORE_INT(source_id)));

	snprintf(sha, 65, "%s", text ? text : "");
	free(text);
	return rc;
}

dti_err staging_last_batch(staging *st, int64_t source_id, char sha[65], dti_diag *d)
{
	return source_digest(st,
			     "SELECT batch_sha256 FROM run WHERE source_id = ?1 AND status = 'ok' "
			     "ORDER BY id DESC LIMIT 1",
			     source_id, sha, d);
}

dti_err staging_kept_batch(staging *st, int64_t source_id, char sha[65], dti_diag *d)
{
	return source_digest(st, "SELECT batch_sha256 FROM source_batch WHERE source_id = ?1",
			     source_id, sha, d);
}

dti_err staging_kept_batch_items(staging *st, int64_t source_id, staging_items_fn fn, void *ctx,
				 dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc = staging_prepare(
		st, "SELECT item_hashes FROM source_batch WHERE source_id = ?1", &s, d);
	int step;

	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, source_id);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		const unsigned char *blob = sqlite3_column_blob(s, 0);
		size_t len = (size_t)sqlite3_column_bytes(s, 0);
		fn(ctx, blob ? blob : (const unsigned char *)"", len);
	} else if (step != SQLITE_DONE) {
		rc = db_error(st, d, "cannot read the kept batch");
	}
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_keep_batch_items(staging *st, int64_t source_id, const char *sha256,
				 const void *bytes, size_t len, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc = staging_prepare(
		st,
		"INSERT INTO source_batch(source_id, batch_sha256, item_hashes) "
		"VALUES (?1, ?2, ?3) ON CONFLICT(source_id) DO UPDATE SET "
		"batch_sha256 = excluded.batch_sha256, item_hashes = excluded.item_hashes",
		&s, d);

	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, source_id);
	sqlite3_bind_text(s, 2, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(s, 3, len ? bytes : "", len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = db_error(st, d, "cannot keep the batch");
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_run_set_old_codes(staging *st, int64_t run_id, const char *text, dti_diag *d)
{
	return run_set(st, "UPDATE run SET old_codes = ?2 WHERE id = ?1", run_id, text, d);
}

dti_err staging_put_payload(staging *st, const void *bytes, size_t len, char sha[65], dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	char now[32];
	dti_err rc;

	sha256_hex(bytes, len, sha);
	now_iso(now);
	rc = staging_prepare(st,
			     "INSERT OR IGNORE INTO payload(sha256, size, bytes, stored_at) "
			     "VALUES (?1, ?2, ?3, ?4)",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)len);
	sqlite3_bind_blob64(s, 3, bytes, len, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = db_error(st, d, "cannot store payload");
	sqlite3_finalize(s);
	return rc;
}

/* *slot, prepared from sql on first use and kept for the connection's life
 * (finalised by staging_close): the statements of the per-record paths. */
static dti_err kept(staging *st, sqlite3_stmt **slot, const char *sql, dti_diag *d)
{
	return *slot ? DTI_EOK : staging_prepare(st, sql, slot, d);
}

dti_err staging_put(staging *st, int64_t run_id, int64_t source_id, const char *observed_at,
		    const observation *o, int64_t *id, dti_diag *d)
{
	sqlite3_stmt *s;
	dti_err rc = kept(st, &st->put,
			  "INSERT INTO observation(commune_code, year, variable, value, num, "
			  "source_id, run_id, observed_at, proof_url, note) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			  d);

	if (rc)
		return rc;
	s = st->put;
	sqlite3_bind_text(s, 1, o->commune_code, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, o->year);
	sqlite3_bind_text(s, 3, o->variable, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, o->value, -1, SQLITE_STATIC);
	staging_bind_num(s, 5, o->num);
	sqlite3_bind_int64(s, 6, source_id);
	sqlite3_bind_int64(s, 7, run_id);
	sqlite3_bind_text(s, 8, observed_at, -1, SQLITE_STATIC);
	staging_bind_text(s, 9, o->proof_url);
	staging_bind_text(s, 10, o->note);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "%s: cannot store %s of %s: %s", st->path, o->variable,
			      o->commune_code, sqlite3_errmsg(st->db));
	/* Every parameter is bound again on the next call: no clearing. */
	sqlite3_reset(s);
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

/* One INSERT of this many observations: a national import's 643,008
 * rows in 20,094 statements, not one each (a twelfth of its work was
 * starting and ending statements), and the index written by one cursor,
 * which stays where the last row went.  OR FAIL: an error leaves the rows
 * before it, as one row a statement would, and SQLite keeps no statement
 * journal (the caller rolls the transaction back). */
#define PUT_ROWS 32

/* The statement of PUT_ROWS rows: ?1 to ?3 the source, run and time they
 * share, then 7 parameters a row. */
static dti_err put_rows_statement(staging *st, dti_diag *d)
{
	strbuf sb;
	dti_err rc;

	if (st->put_rows)
		return DTI_EOK;
	sb_init(&sb, 0);
	sb_appends(&sb, "INSERT OR FAIL INTO observation(commune_code, year, variable, value, num, "
			"proof_url, note, source_id, run_id, observed_at) VALUES ");
	for (int r = 0; r < PUT_ROWS; r++) {
		int p = 4 + 7 * r;
		sb_appendf(&sb, "%s(?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?%d, ?1, ?2, ?3)", r ? ", " : "",
			   p, p + 1, p + 2, p + 3, p + 4, p + 5, p + 6);
	}
	rc = staging_prepare(st, sb.data, &st->put_rows, d);
	sb_free(&sb);
	return rc;
}

dti_err staging_put_rows(staging *st, int64_t run_id, int64_t source_id, const char *observed_at,
			 const observation *rows, size_t n, int64_t *first_id, int64_t *last_id,
			 dti_diag *d)
{
	dti_err rc = DTI_EOK;
	size_t i = 0;
	int64_t id = 0;

	*first_id = *last_id = 0;
	if (n >= PUT_ROWS)
		rc = put_rows_statement(st, d);
	for (; !rc && n - i >= PUT_ROWS; i += PUT_ROWS) {
		sqlite3_stmt *s = st->put_rows;
		sqlite3_bind_int64(s, 1, source_id);
		sqlite3_bind_int64(s, 2, run_id);
		sqlite3_bind_text(s, 3, observed_at, -1, SQLITE_STATIC);
		for (int r = 0; r < PUT_ROWS; r++) {
			const observation *o = &rows[i + (size_t)r];
			int p = 4 + 7 * r;
			sqlite3_bind_text(s, p, o->commune_code, -1, SQLITE_STATIC);
			sqlite3_bind_int(s, p + 1, o->year);
			sqlite3_bind_text(s, p + 2, o->variable, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, p + 3, o->value, -1, SQLITE_STATIC);
			staging_bind_num(s, p + 4, o->num);
			staging_bind_text(s, p + 5, o->proof_url);
			staging_bind_text(s, p + 6, o->note);
		}
		if (sqlite3_step(s) != SQLITE_DONE) {
			/* The rows before the one that failed are in (OR FAIL). */
			int64_t in = sqlite3_changes64(st->db);
			const observation *o =
				&rows[i + (in >= 0 && in < PUT_ROWS ? (size_t)in : 0)];
			rc = diag_set(d, DTI_EDB, "%s: cannot store %s of %s: %s", st->path,
				      o->variable, o->commune_code, sqlite3_errmsg(st->db));
		}
		sqlite3_reset(s);
		if (!rc) {
			id = sqlite3_last_insert_rowid(st->db);
			if (!*first_id)
				*first_id = id - PUT_ROWS + 1;
		}
	}
	for (; !rc && i < n; i++) {
		rc = staging_put(st, run_id, source_id, observed_at, &rows[i], &id, d);
		if (!rc && !*first_id)
			*first_id = id;
	}
	if (!rc)
		*last_id = id;
	return rc;
}

dti_err staging_source_validators(staging *st, const char *name, char **etag, char **last_modified,
				  dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc;

	*etag = *last_modified = NULL;
	rc = staging_prepare(st, "SELECT etag, last_modified FROM source WHERE name = ?1", &s, d);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	switch (sqlite3_step(s)) {
	case SQLITE_ROW:
		if (sqlite3_column_text(s, 0))
			*etag = xstrdup((const char *)sqlite3_column_text(s, 0));
		if (sqlite3_column_text(s, 1))
			*last_modified = xstrdup((const char *)sqlite3_column_text(s, 1));
		break;
	case SQLITE_DONE: break;
	default: rc = db_error(st, d, "cannot read source");
	}
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_source_set_validators(staging *st, const char *name, const char *etag,
				      const char *last_modified, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc = staging_prepare(
		st, "UPDATE source SET etag = ?2, last_modified = ?3 WHERE name = ?1", &s, d);

	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	staging_bind_text(s, 2, etag);
	staging_bind_text(s, 3, last_modified);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = db_error(st, d, "cannot update source");
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_source_set_max_age(staging *st, const char *name, double hours, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc =
		staging_prepare(st, "UPDATE source SET max_age_hours = ?2 WHERE name = ?1", &s, d);

	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	staging_bind_num(s, 2, hours);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = db_error(st, d, "cannot update source");
	sqlite3_finalize(s);
	return rc;
}

dti_err staging_run_record(staging *st, int64_t source_id, const char *program, int year,
			   const char *input, const char *status, const run_counts *c,
			   const char *error, const char *payload_sha, int64_t *run_id, dti_diag *d)
{
	int64_t id = 0;
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = staging_run_start(st, source_id, program, year, input, &id, NULL, d);
	if (!rc && payload_sha)
		rc = staging_run_set_payload(st, id, payload_sha, d);
	if (!rc)
		rc = staging_run_finish(st, id, status, c, error, d);
	if (!rc)
		rc = staging_commit(st, d);
	if (rc) {
		staging_rollback(st);
		return rc;
	}
	if (run_id)
		*run_id = id;
	return DTI_EOK;
}

static dti_err take_last_payload(void *ctx, const store_row *r, dti_diag *d)
{
	char(*sha)[65] = ctx;

	(void)d;
	snprintf(sha[0], 65, "%s", store_text(r, 0));
	snprintf(sha[1], 65, "%s", store_text(r, 1));
	return DTI_EOK;
}

dti_err staging_last_payload(staging *st, const char *source, int year, char sha[65],
			     char basis[65], dti_diag *d)
{
	char both[2][65] = {"", ""};
	dti_err rc = store_each(
		st, d,
		"SELECT coalesce(r.payload_sha256, ''), coalesce(r.basis_sha256, '') FROM run r "
		"JOIN source s ON s.id = r.source_id "
		"WHERE s.name = ?1 AND r.year = ?2 AND r.status = 'ok' ORDER BY r.id DESC LIMIT 1",
		take_last_payload, both, NULL, STORE_ARGS(STORE_TEXT(source), STORE_INT(year)));

	memcpy(sha, both[0], 65);
	memcpy(basis, both[1], 65);
	return rc;
}

dti_err staging_source_has_figures(staging *st, int64_t source_id, bool *has, dti_diag *d)
{
	int64_t n = 0;
	dti_err rc = staging_query_int64(st,
					 "SELECT EXISTS (SELECT 1 FROM run WHERE source_id = ?1 "
					 "AND status = 'ok' AND records_stored > 0)",
					 source_id, &n, d);

	*has = n != 0;
	return rc;
}

dti_err staging_cache(staging *st, staging_cache_use use, dti_diag *d)
{
	char pragma[48];

	if (use == STAGING_CACHE_OWN)
		use = st->cache_own;
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", cache_kib[use]);
	return staging_exec(st, pragma, d);
}

dti_err staging_cache_own(staging *st, staging_cache_use use, dti_diag *d)
{
	if (use != STAGING_CACHE_OWN)
		st->cache_own = use;
	return staging_cache(st, STAGING_CACHE_OWN, d);
}

dti_err staging_foreign_keys(staging *st, bool on, dti_diag *d)
{
	return staging_exec(st, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", d);
}

/* Whether `key` is in the table one cached statement looks it up in. */
static dti_err has_row(staging *st, sqlite3_stmt **cache, const char *sql, const char *key,
		       bool *found, dti_diag *d)
{
	dti_err rc = kept(st, cache, sql, d);
	int step;

	if (rc)
		return rc;
	sqlite3_bind_text(*cache, 1, key, -1, SQLITE_STATIC);
	step = sqlite3_step(*cache);
	*found = step == SQLITE_ROW;
	sqlite3_reset(*cache);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_error(st, d, "cannot read");
	return DTI_EOK;
}

dti_err staging_has_commune(staging *st, const char *code, bool *found, dti_diag *d)
{
	return has_row(st, &st->has_commune, "SELECT 1 FROM commune WHERE code = ?1", code, found,
		       d);
}

dti_err staging_has_variable(staging *st, const char *name, bool *found, dti_diag *d)
{
	return has_row(st, &st->has_variable, "SELECT 1 FROM variable WHERE name = ?1", name, found,
		       d);
}

typedef struct source_values_read {
	staging_value_fn fn;
	void *ctx;
} source_values_read;

static dti_err take_source_value(void *ctx, const store_row *r, dti_diag *d)
{
	source_values_read *sv = ctx;
	observation o = {store_text(r, 1),
			 (int)store_int(r, 0),
			 store_text(r, 2),
			 store_text(r, 3),
			 NAN,
			 store_text_or_null(r, 4),
			 store_text_or_null(r, 5)};

	return sv->fn(sv->ctx, &o, store_int(r, 6), d);
}

dti_err staging_source_values(staging *st, int64_t source_id, int year_from, int year_to,
			      staging_value_fn fn, void *ctx, dti_diag *d)
{
	/* Two ways, neither sorting (the caller keeps the figure of the
	 * largest id itself): when the source's runs stored a large share of
	 * all observations (a national import is all of them), one scan of
	 * the table, no lookup per row; else down observation_key over the
	 * years, each row of the source looked up in the table. */
	static const char scan[] =
		"SELECT year, commune_code, variable, value, proof_url, note, id "
		"FROM observation NOT INDEXED "
		"WHERE year BETWEEN ?2 AND ?3 AND source_id = ?1";
	static const char by_key[] =
		"SELECT year, commune_code, variable, value, proof_url, note, id "
		"FROM observation WHERE year BETWEEN ?2 AND ?3 AND source_id = ?1";
	source_values_read sv = {fn, ctx};
	int64_t mine = 0, all = 0;
	dti_err rc = store_int64(
		st, d,
		"SELECT coalesce(sum(records_stored), 0) FROM run "
		"WHERE source_id = ?1 AND year BETWEEN ?2 AND ?3",
		&mine, NULL,
		STORE_ARGS(STORE_INT(source_id), STORE_INT(year_from), STORE_INT(year_to)));

	if (!rc)
		rc = store_int64(st, d, "SELECT coalesce(max(id), 0) FROM observation", &all, NULL,
				 STORE_NOARGS);
	if (!rc)
		rc = store_each(
			st, d, mine * 4 >= all ? scan : by_key, take_source_value, &sv, NULL,
			STORE_ARGS(STORE_INT(source_id), STORE_INT(year_from), STORE_INT(year_to)));
	return rc;
}
