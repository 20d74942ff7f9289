/* Unit tests of lib/appraisal.c: appraisal acts on a real staging database,
 * the configuration's official, tolerance and rounds sections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "appraisal.h"
#include "batch.h"
#include "staging_int.h" /* looks under the store: raw statements */
#include "store_appraisal.h"
#include "store_form.h"
#include "util.h"

#define FW_PATH "config/frameworks/commune-2024.json"

typedef struct fixture {
	char dir[64];
	char *db;
	framework *fw;
	staging *st;
	int64_t obs_staff, obs_head, obs_meet;
} fixture;

static int setup(void **state)
{
	fixture *f = xcalloc(1, sizeof *f);
	commune_list l = {0};
	dti_problems p = {0};
	batch b;
	batch_target t = {"form:11989", "form", "test", 2024, "mem", NULL, 0, false, NULL, NULL};
	dti_diag d;
	int64_t run = 0;

	snprintf(f->dir, sizeof f->dir, "/tmp/dti-unit-appraisal.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->db = xasprintf("%s/dti.db", f->dir);
	if (framework_load(FW_PATH, &f->fw, &d) || staging_open(f->db, &f->st, &d) ||
	    staging_sync_framework(f->st, f->fw, &d))
		fail_msg("%s", d.msg);
	commune_list_add(&l, "11989", "Xã Lạc Đạo");
	if (staging_set_communes(f->st, &l, NULL, NULL, &d))
		fail_msg("%s", d.msg);
	commune_list_free(&l);
	batch_init(&b);
	assert_true(batch_add(&b, framework_variable(f->fw, "dx_staff"), "11989", 2024, "có", '.',
			      NULL, NULL, "t:1", &p));
	assert_true(batch_add(&b, framework_variable(f->fw, "steering_head"), "11989", 2024,
			      "deputy", '.', NULL, NULL, "t:2", &p));
	assert_true(batch_add(&b, framework_variable(f->fw, "dx_meetings_total"), "11989", 2024,
			      "4", '.', NULL, NULL, "t:3", &p));
	if (batch_store(f->st, &b, &t, &run, &d))
		fail_msg("%s", d.msg);
	batch_free(&b);
	f->obs_staff = 1;
	f->obs_head = 2;
	f->obs_meet = 3;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	char *wal = xasprintf("%s-wal", f->db), *shm = xasprintf("%s-shm", f->db);

	staging_close(f->st);
	framework_free(f->fw);
	unlink(f->db);
	unlink(wal);
	unlink(shm);
	rmdir(f->dir);
	free(wal);
	free(shm);
	free(f->db);
	free(f);
	return 0;
}

/* "state value" of an observation in observation_state. */
static char *state_of(fixture *f, int64_t id)
{
	sqlite3_stmt *s = NULL;
	dti_diag d;
	char *r = NULL;

	assert_int_equal(
		staging_prepare(f->st,
				"SELECT state || ' ' || value FROM observation_state WHERE id = ?1",
				&s, &d),
		DTI_EOK);
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		r = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return r;
}

static long count_acts(fixture *f)
{
	sqlite3_stmt *s = NULL;
	dti_diag d;
	long n = -1;

	assert_int_equal(staging_prepare(f->st, "SELECT count(*) FROM appraisal", &s, &d), DTI_EOK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void test_acts(void **state)
{
	fixture *f = *state;
	int64_t aid = 0;
	dti_diag d;
	char *st;

	/* Refusals store nothing. */
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_staff, APPRAISE_REJECT, NULL, "lan",
					  NULL, &aid, &d),
			 DTI_EINVALID);
	assert_non_null(strstr(d.msg, "a rejection needs a reason"));
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_staff, APPRAISE_VERIFY, NULL, "",
					  NULL, &aid, &d),
			 DTI_EINVALID);
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_head, APPRAISE_CORRECT, "president",
					  "lan", "wrong", &aid, &d),
			 DTI_EINVALID);
	assert_non_null(strstr(d.msg, "'president' is not one of chair, deputy, none"));
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_meet, APPRAISE_CORRECT, "-1", "lan",
					  "wrong", &aid, &d),
			 DTI_EINVALID);
	/* A reason or a name that could spoof what readers see (#11). */
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_meet, APPRAISE_CORRECT, "6", "lan",
					  "bi\xe2\x80\xaeên bản", &aid, &d),
			 DTI_EINVALID);
	assert_non_null(
		strstr(d.msg, "the reason contains a bidirectional control character (U+202E)"));
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_staff, APPRAISE_VERIFY, NULL,
					  "lan\x1b[2J", NULL, &aid, &d),
			 DTI_EINVALID);
	assert_non_null(
		strstr(d.msg, "the appraiser's name contains a control character (U+001B)"));
	assert_int_equal(
		appraisal_record(f->st, f->fw, 999, APPRAISE_VERIFY, NULL, "lan", NULL, &aid, &d),
		DTI_ENOTFOUND);
	assert_int_equal(count_acts(f), 0);

	/* Verify, reject, correct (with a Vietnamese label), and the view. */
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_staff, APPRAISE_VERIFY, NULL, "lan",
					  NULL, &aid, &d),
			 DTI_EOK);
	assert_int_equal(aid, 1);
	st = state_of(f, f->obs_staff);
	assert_string_equal(st, "verified yes");
	free(st);
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_staff, APPRAISE_REJECT, NULL, "lan",
					  "không có quyết định", &aid, &d),
			 DTI_EOK);
	st = state_of(f, f->obs_staff);
	assert_string_equal(st, "rejected yes"); /* the latest act wins */
	free(st);
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_head, APPRAISE_CORRECT,
					  "Bí thư/Chủ tịch xã/thị trấn", "lan", "biên bản", &aid,
					  &d),
			 DTI_EOK);
	st = state_of(f, f->obs_head);
	assert_string_equal(st, "corrected chair");
	free(st);
	assert_int_equal(appraisal_record(f->st, f->fw, f->obs_meet, APPRAISE_CORRECT, "6", "lan",
					  "biên bản", &aid, &d),
			 DTI_EOK);
	st = state_of(f, f->obs_meet);
	assert_string_equal(st, "corrected 6");
	free(st);
	assert_int_equal(count_acts(f), 4);
}

/* Several acts at once are all or nothing: an unknown id, or the store
 * failing on the third act, leaves none stored. */
static void test_record_all(void **state)
{
	fixture *f = *state;
	int64_t bad[] = {f->obs_staff, f->obs_head, 999, f->obs_meet};
	int64_t good[] = {f->obs_staff, f->obs_head, f->obs_meet};
	int64_t aids[4] = {0};
	dti_diag d;
	char *st;

	assert_int_equal(appraisal_record_all(f->st, f->fw, bad, 4, APPRAISE_VERIFY, NULL, "lan",
					      NULL, aids, &d),
			 DTI_ENOTFOUND);
	assert_non_null(strstr(d.msg, "no observation 999"));
	assert_int_equal(count_acts(f), 0);
	/* A failure of the store itself midway (the third insert refused). */
	assert_int_equal(staging_exec(f->st,
				      "CREATE TEMP TRIGGER refuse_third BEFORE INSERT ON appraisal "
				      "WHEN NEW.observation_id = 3 BEGIN "
				      "SELECT RAISE(ABORT, 'injected failure'); END",
				      &d),
			 DTI_EOK);
	assert_int_equal(appraisal_record_all(f->st, f->fw, good, 3, APPRAISE_VERIFY, NULL, "lan",
					      NULL, aids, &d),
			 DTI_EDB);
	assert_non_null(strstr(d.msg, "injected failure"));
	assert_int_equal(count_acts(f), 0);
	st = state_of(f, f->obs_staff);
	assert_string_equal(st, "raw yes");
	free(st);
	assert_int_equal(staging_exec(f->st, "DROP TRIGGER temp.refuse_third", &d), DTI_EOK);
	/* A refused reason refuses them all before anything starts. */
	assert_int_equal(appraisal_record_all(f->st, f->fw, good, 3, APPRAISE_REJECT, NULL, "lan",
					      NULL, aids, &d),
			 DTI_EINVALID);
	assert_int_equal(count_acts(f), 0);
	assert_int_equal(appraisal_record_all(f->st, f->fw, good, 3, APPRAISE_VERIFY, NULL, "lan",
					      NULL, aids, &d),
			 DTI_EOK);
	assert_int_equal(count_acts(f), 3);
	assert_true(aids[0] > 0 && aids[1] == aids[0] + 1 && aids[2] == aids[1] + 1);
	st = state_of(f, f->obs_meet);
	assert_string_equal(st, "verified 4");
	free(st);
}

static void test_find(void **state)
{
	fixture *f = *state;
	int64_t *ids = NULL;
	size_t n = 0;
	dti_diag d;

	assert_int_equal(appraisal_find(f->st, 2024, "11989", "steering_head", NULL, &ids, &n, &d),
			 DTI_EOK);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f->obs_head);
	free(ids);
	assert_int_equal(
		appraisal_find(f->st, 2024, "11989", "dx_staff", "form:11989", &ids, &n, &d),
		DTI_EOK);
	assert_int_equal(n, 1);
	free(ids);
	assert_int_equal(appraisal_find(f->st, 2024, "11989", "dx_staff", "telecom", &ids, &n, &d),
			 DTI_ENOTFOUND);
	assert_int_equal(appraisal_find(f->st, 2023, "11989", "dx_staff", NULL, &ids, &n, &d),
			 DTI_ENOTFOUND);
	assert_null(ids);
}

static dti_err count_item(void *ctx, const store_appraisal_item *it)
{
	size_t *n = ctx;

	assert_string_equal(it->commune_code, "11989");
	assert_string_equal(it->source, "form:11989");
	assert_string_equal(it->state, "raw");
	assert_string_equal(it->reason, ""); /* NULL reads as "" */
	(*n)++;
	return DTI_EOK;
}

/* The appraisal store: the queue, latest values, an act's variable. */
static void test_store_appraisal(void **state)
{
	fixture *f = *state;
	char *variable = NULL;
	bool latest = false;
	size_t n = 0;
	dti_diag d;

	assert_int_equal(store_appraisal_each(f->st, 2024, "", NULL, true, count_item, &n, &d),
			 DTI_EOK);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(
		store_appraisal_each(f->st, 2024, "11989", "dx_staff", false, count_item, &n, &d),
		DTI_EOK);
	assert_int_equal(n, 1);
	assert_int_equal(store_observation_is_latest(f->st, f->obs_head, &latest, &d), DTI_EOK);
	assert_true(latest);
	assert_int_equal(store_observation_variable(f->st, f->obs_meet, &variable, &d), DTI_EOK);
	assert_string_equal(variable, "dx_meetings_total");
	free(variable);
	assert_int_equal(store_observation_variable(f->st, 999, &variable, &d), DTI_EOK);
	assert_null(variable);
}

/* The form store: contact blocks round-trip, submissions, stored values. */
static void test_store_form(void **state)
{
	fixture *f = *state;
	form_contact in[CONTACT_ROLES] = {{0}}, out[CONTACT_ROLES] = {{0}};
	store_form_submissions sub;
	char *value = NULL;
	double num = 0;
	bool found = false;
	long roles = 0;
	dti_diag d;

	in[CONTACT_OFFICER].name = xstrdup("Nguyễn Văn A");
	in[CONTACT_OFFICER].phone = xstrdup("0912345678");
	in[CONTACT_APPROVER].name = xstrdup("Trần Thị B");
	assert_int_equal(
		store_form_put_contacts(f->st, 1, "11989", 2024, in, "2024-10-01T00:00:00Z", &d),
		DTI_EOK);
	assert_int_equal(store_form_contacts(f->st, "11989", 2025, out, &d), DTI_EOK);
	assert_string_equal(out[CONTACT_OFFICER].name, "Nguyễn Văn A");
	assert_string_equal(out[CONTACT_OFFICER].phone, "0912345678");
	assert_null(out[CONTACT_OFFICER].email);
	assert_string_equal(out[CONTACT_APPROVER].name, "Trần Thị B");
	assert_int_equal(store_form_contact_count(f->st, "11989", 2024, &roles, &d), DTI_EOK);
	assert_int_equal(roles, CONTACT_ROLES);
	assert_int_equal(store_form_contact_count(f->st, "11989", 2025, &roles, &d), DTI_EOK);
	assert_int_equal(roles, 0);
	assert_int_equal(store_form_submissions_get(f->st, "form:11989", 2024, &sub, &d), DTI_EOK);
	assert_int_equal(sub.count, 1);
	assert_non_null(sub.last);
	assert_false(sub.forced);
	store_form_submissions_free(&sub);
	assert_int_equal(store_form_submissions_get(f->st, "form:11989", 2023, &sub, &d), DTI_EOK);
	assert_int_equal(sub.count, 0);
	assert_null(sub.last);
	store_form_submissions_free(&sub);
	assert_int_equal(store_form_source_value(f->st, 2024, "11989", "dx_meetings_total",
						 "form:11989", &value, &d),
			 DTI_EOK);
	assert_string_equal(value, "4");
	free(value);
	assert_int_equal(store_form_source_value(f->st, 2024, "11989", "dx_meetings_total",
						 "telecom", &value, &d),
			 DTI_EOK);
	assert_null(value);
	assert_int_equal(
		store_current_num(f->st, 2024, "11989", "dx_meetings_total", &num, &found, &d),
		DTI_EOK);
	assert_true(found);
	assert_true(num == 4);
	assert_int_equal(
		store_current_num(f->st, 2023, "11989", "dx_meetings_total", &num, &found, &d),
		DTI_EOK);
	assert_false(found);
	for (int i = 0; i < CONTACT_ROLES; i++) {
		form_contact_free(&in[i]);
		form_contact_free(&out[i]);
	}
}

typedef struct current_seen {
	size_t n, of_11989;
} current_seen;

static dti_err count_current(void *ctx, const store_current_value *v)
{
	current_seen *c = ctx;

	c->n++;
	c->of_11989 += strcmp(v->commune_code, "11989") == 0;
	return DTI_EOK;
}

/* The current values of one commune (form status --commune), or of all. */
static void test_current_each_of_one_commune(void **state)
{
	fixture *f = *state;
	commune_list l = {0};
	dti_problems p = {0};
	batch b;
	batch_target t = {"form:11992", "form", "test", 2024, "mem", NULL, 0, false, NULL, NULL};
	current_seen all = {0, 0}, one = {0, 0}, none = {0, 0};
	int64_t run = 0;
	dti_diag d;

	commune_list_add(&l, "11989", "Xã Lạc Đạo");
	commune_list_add(&l, "11992", "Xã Trưng Trắc");
	assert_int_equal(staging_set_communes(f->st, &l, NULL, NULL, &d), DTI_EOK);
	commune_list_free(&l);
	batch_init(&b);
	assert_true(batch_add(&b, framework_variable(f->fw, "dx_meetings_total"), "11992", 2024,
			      "7", '.', NULL, NULL, "t:1", &p));
	assert_true(batch_add(&b, framework_variable(f->fw, "portal_dx_posts"), "11992", 2024, "3",
			      '.', NULL, NULL, "t:2", &p));
	assert_int_equal(batch_store(f->st, &b, &t, &run, &d), DTI_EOK);
	batch_free(&b);
	assert_int_equal(store_current_each(f->st, 2024, NULL, count_current, &all, &d), DTI_EOK);
	assert_int_equal(store_current_each(f->st, 2024, "11989", count_current, &one, &d),
			 DTI_EOK);
	assert_int_equal(store_current_each(f->st, 2024, "11990", count_current, &none, &d),
			 DTI_EOK);
	assert_true(one.n > 0);
	assert_int_equal(one.n, one.of_11989);
	assert_int_equal(all.of_11989, one.n);
	assert_int_equal(all.n, one.n + 2);
	assert_int_equal(none.n, 0);
}

static config *config_of(const char *json)
{
	config *c = xcalloc(1, sizeof *c);
	json_error_t e;

	c->path = xstrdup("test.json");
	c->root = json_loads(json, 0, &e);
	if (!c->root)
		fail_msg("%s", e.text);
	return c;
}

static void test_config_sections(void **state)
{
	fixture *f = *state;
	config *c;
	strmap m;
	bool all;
	appraisal_tolerance t;
	bool has;
	const char *text;
	time_t dl;
	dti_diag d;

	c = config_of("{}");
	strmap_init(&m);
	assert_int_equal(appraisal_must_verify(c, f->fw, &m, &all, &d), DTI_EOK);
	assert_true(all);
	assert_int_equal(m.count, 0);
	assert_int_equal(appraisal_tolerance_load(c, &t, &d), DTI_EOK);
	assert_true(t.absolute == 0 && t.relative == 0);
	assert_int_equal(appraisal_round_deadline(NULL, c, 2024, &has, &text, &dl, &d), DTI_EOK);
	assert_false(has);
	config_free(c);
	strmap_free(&m);

	c = config_of("{\"official\": {\"must_verify\": [\"population\"], \"must_verify_sources\": "
		      "[\"commune\"]}, \"appraisal\": {\"tolerance\": {\"absolute\": 2, "
		      "\"relative\": 0.05}}, \"rounds\": {\"2024\": {\"deadline\": "
		      "\"2024-12-31T17:00:00+07:00\"}}}");
	strmap_init(&m);
	assert_int_equal(appraisal_must_verify(c, f->fw, &m, &all, &d), DTI_EOK);
	assert_false(all);
	assert_int_equal(m.count, 19); /* 18 commune items and population */
	assert_true(strmap_get(&m, "population", NULL));
	assert_true(strmap_get(&m, "steering_head", NULL));
	assert_false(strmap_get(&m, "smartphone_users", NULL));
	assert_int_equal(appraisal_tolerance_load(c, &t, &d), DTI_EOK);
	assert_true(t.absolute == 2 && t.relative == 0.05);
	assert_int_equal(appraisal_round_deadline(NULL, c, 2024, &has, &text, &dl, &d), DTI_EOK);
	assert_true(has);
	assert_int_equal((long long)dl, 1735639200LL);
	assert_int_equal(appraisal_round_deadline(NULL, c, 2025, &has, &text, &dl, &d), DTI_EOK);
	assert_false(has);
	config_free(c);
	strmap_free(&m);

	c = config_of("{\"official\": {\"must_verify\": [\"no_such\"]}, \"appraisal\": "
		      "{\"tolerance\": {\"relative\": -1}}, \"rounds\": {\"2024\": {\"deadline\": "
		      "\"tomorrow\"}}}");
	strmap_init(&m);
	assert_int_equal(appraisal_must_verify(c, f->fw, &m, &all, &d), DTI_ECONFIG);
	assert_non_null(strstr(d.msg, "'no_such' is not a variable"));
	assert_int_equal(appraisal_tolerance_load(c, &t, &d), DTI_ECONFIG);
	assert_int_equal(appraisal_round_deadline(NULL, c, 2024, &has, &text, &dl, &d),
			 DTI_ECONFIG);
	assert_non_null(strstr(d.msg, "'tomorrow' is not a time"));
	config_free(c);
	strmap_free(&m);

	c = config_of("{\"official\": {\"must_verify_sources\": [\"satellite\"]}}");
	strmap_init(&m);
	assert_int_equal(appraisal_must_verify(c, f->fw, &m, &all, &d), DTI_ECONFIG);
	assert_non_null(strstr(d.msg, "no variable of commune-2024 has source 'satellite'"));
	config_free(c);
	strmap_free(&m);
}

/* What a walk of the queue received: "commune variable source" a row,
 * joined by "; ". */
typedef struct queue_seen {
	strbuf text;
	size_t n;
	int64_t staff_11992; /* the id of 11992's dx_staff from the sheet */
} queue_seen;

static dti_err seen_item(void *ctx, const store_appraisal_item *it)
{
	queue_seen *q = ctx;

	assert_string_equal(it->state, "raw");
	if (q->n++)
		sb_appends(&q->text, "; ");
	sb_appendf(&q->text, "%s %s %s", it->commune_code, it->variable, it->source);
	if (strcmp(it->commune_code, "11992") == 0 && strcmp(it->variable, "dx_staff") == 0)
		assert_true(parse_i64(it->id_text, &q->staff_11992));
	return DTI_EOK;
}

/* The store's queue into q; returns its total.  The rows are never more
 * than limit. */
static int64_t store_queue(fixture *f, const char *commune, const char *vars, int64_t limit,
			   queue_seen *q)
{
	int64_t total = -1;
	dti_diag d;

	sb_reset(&q->text);
	q->n = 0;
	assert_int_equal(
		store_appraisal_queue(f->st, 2024, commune, vars, limit, &total, seen_item, q, &d),
		DTI_EOK);
	assert_true(limit < 0 || q->n <= (size_t)limit);
	return total;
}

/* An account's queue (appraisal_queue) into q; returns its total. */
static int64_t account_queue(fixture *f, const char *config_json, const char *unit,
			     const char *commune, int64_t limit, queue_seen *q)
{
	config *c = config_of(config_json);
	char *const names[] = {(char *)unit};
	int64_t total = -1;
	dti_diag d;

	sb_reset(&q->text);
	q->n = 0;
	assert_int_equal(appraisal_queue(f->st, c, f->fw, 2024, commune, unit != NULL, names,
					 unit ? 1 : 0, limit, &total, seen_item, q, &d),
			 DTI_EOK);
	config_free(c);
	return total;
}

/* The district sheet's dx_meetings_total, dx_staff and portal_dx_posts
 * for 11986, 11989 and 11992, 11992's dx_staff being staff_11992. */
static void sheet_batch(fixture *f, const char *staff_11992)
{
	static const char *const communes[] = {"11986", "11989", "11992"};
	batch_target t = {
		"district-sheet", "sheet", "test", 2024, "mem", NULL, 0, false, NULL, NULL};
	dti_problems p = {0};
	int64_t run = 0;
	batch b;
	dti_diag d;

	batch_init(&b);
	for (size_t i = 0; i < 3; i++) {
		const char *staff = strcmp(communes[i], "11992") == 0 ? staff_11992 : "có";
		assert_true(batch_add(&b, framework_variable(f->fw, "dx_meetings_total"),
				      communes[i], 2024, "5", '.', NULL, NULL, "s:1", &p));
		assert_true(batch_add(&b, framework_variable(f->fw, "dx_staff"), communes[i], 2024,
				      staff, '.', NULL, NULL, "s:2", &p));
		assert_true(batch_add(&b, framework_variable(f->fw, "portal_dx_posts"), communes[i],
				      2024, "12", '.', NULL, NULL, "s:3", &p));
	}
	if (batch_store(f->st, &b, &t, &run, &d))
		fail_msg("%s", d.msg);
	batch_free(&b);
}

#define Q_86 "11986 dx_meetings_total district-sheet; 11986 portal_dx_posts district-sheet"
#define Q_89_MEET "11989 dx_meetings_total district-sheet; 11989 dx_meetings_total form:11989"
#define Q_89_STAFF "11989 dx_staff district-sheet; 11989 dx_staff form:11989"
#define Q_89_REST "11989 portal_dx_posts district-sheet; 11989 steering_head form:11989"
#define Q_92_MEET "11992 dx_meetings_total district-sheet"
#define Q_92_REST "11992 dx_staff district-sheet; 11992 portal_dx_posts district-sheet"

/* The queue's page read in SQL: how many there are and the first rows in
 * the page's order, the variables (to verify, of an appraiser's units)
 * and the commune filtering both; verified and superseded values are not
 * in it, and a name is bound, never spliced. */
static void test_queue(void **state)
{
	fixture *f = *state;
	const char *official = "{\"official\": {\"must_verify\": [\"dx_meetings_total\", "
			       "\"dx_staff\"]}}";
	const char *office = "Văn phòng HĐND-UBND huyện"; /* not dx_staff's */
	commune_list l = {0};
	queue_seen q = {{0}, 0, 0};
	int64_t superseded, *ids = NULL;
	size_t n = 0;
	dti_diag d;

	commune_list_add(&l, "11986", "Xã Như Quỳnh");
	commune_list_add(&l, "11989", "Xã Lạc Đạo");
	commune_list_add(&l, "11992", "Xã Tân Quang");
	if (staging_set_communes(f->st, &l, NULL, NULL, &d))
		fail_msg("%s", d.msg);
	commune_list_free(&l);
	sb_init(&q.text, 0);
	sheet_batch(f, "không");
	assert_int_equal(store_queue(f, "11992", "[\"dx_staff\"]", 10, &q), 1);
	superseded = q.staff_11992;
	sheet_batch(f, "có");
	assert_int_equal(
		appraisal_find(f->st, 2024, "11986", "dx_staff", "district-sheet", &ids, &n, &d),
		DTI_EOK);
	assert_int_equal(n, 1);
	assert_int_equal(appraisal_record(f->st, f->fw, ids[0], APPRAISE_VERIFY, NULL, "lan", NULL,
					  NULL, &d),
			 DTI_EOK);
	free(ids);

	/* Every variable of every commune, in the page's order: commune,
	 * variable, source; 11992's dx_staff the sheet's latest. */
	assert_int_equal(store_queue(f, "", NULL, 100, &q), 11);
	assert_string_equal(q.text.data, Q_86 "; " Q_89_MEET "; " Q_89_STAFF "; " Q_89_REST
					      "; " Q_92_MEET "; " Q_92_REST);
	assert_true(q.staff_11992 > superseded);
	/* A page: the first rows, the count of them all (a page the limit
	 * fills exactly, or no row, is counted too). */
	assert_int_equal(store_queue(f, "", NULL, 4, &q), 11);
	assert_string_equal(q.text.data, Q_86 "; " Q_89_MEET);
	assert_int_equal(store_queue(f, "", NULL, 11, &q), 11);
	assert_int_equal(q.n, 11);
	assert_int_equal(store_queue(f, "", NULL, 0, &q), 11);
	assert_int_equal(q.n, 0);
	/* No limit, no count. */
	q.n = 0;
	assert_int_equal(store_appraisal_queue(f->st, 2024, "", NULL, -1, NULL, seen_item, &q, &d),
			 DTI_EOK);
	assert_int_equal(q.n, 11);
	/* The variables named, and a commune. */
	assert_int_equal(store_queue(f, "", "[\"steering_head\", \"dx_staff\"]", 100, &q), 4);
	assert_string_equal(q.text.data, Q_89_STAFF "; 11989 steering_head form:11989; "
						    "11992 dx_staff district-sheet");
	assert_int_equal(store_queue(f, "", "[\"steering_head\", \"dx_staff\"]", 2, &q), 4);
	assert_string_equal(q.text.data, Q_89_STAFF);
	assert_int_equal(store_queue(f, "11989", "[\"dx_staff\", \"portal_dx_posts\"]", 1, &q), 3);
	assert_string_equal(q.text.data, "11989 dx_staff district-sheet");
	assert_int_equal(store_queue(f, "11992", NULL, 100, &q), 3);
	assert_string_equal(q.text.data, Q_92_MEET "; " Q_92_REST);
	assert_int_equal(store_queue(f, "11986", "[\"dx_staff\"]", 100, &q), 0); /* verified */
	assert_int_equal(store_queue(f, "11987", NULL, 100, &q), 0);
	assert_int_equal(store_queue(f, "", "[]", 100, &q), 0);
	assert_int_equal(store_queue(f, "", "[\"x') OR 1 = 1 OR ('\"]", 100, &q), 0);

	/* An account's: a reader sees every variable stored (no "official"),
	 * another edition's too, or the ones to verify; an appraiser those
	 * their unit verifies. */
	assert_int_equal(
		staging_exec(f->st,
			     "INSERT INTO variable(name, type, aggregate, source, label) "
			     "VALUES ('old_item', 'count', 'latest', 'commune', 'Cũ'); "
			     "INSERT INTO observation(commune_code, year, variable, value, "
			     "source_id, run_id, observed_at) SELECT '11992', 2024, "
			     "'old_item', '1', source_id, run_id, observed_at "
			     "FROM observation WHERE id = 1",
			     &d),
		DTI_EOK);
	assert_int_equal(account_queue(f, "{}", NULL, "11992", 100, &q), 4);
	assert_string_equal(q.text.data,
			    Q_92_MEET "; 11992 dx_staff district-sheet; 11992 old_item "
				      "form:11989; 11992 portal_dx_posts district-sheet");
	assert_int_equal(account_queue(f, "{}", NULL, "", 100, &q), 12);
	assert_int_equal(account_queue(f, official, NULL, "", 3, &q), 7);
	assert_string_equal(q.text.data, "11986 dx_meetings_total district-sheet; " Q_89_MEET);
	assert_int_equal(account_queue(f, "{}", office, "", 100, &q), 8);
	assert_null(strstr(q.text.data, "dx_staff"));
	assert_int_equal(account_queue(f, official, office, "", 100, &q), 4);
	assert_string_equal(q.text.data,
			    "11986 dx_meetings_total district-sheet; " Q_89_MEET "; " Q_92_MEET);
	assert_int_equal(account_queue(f, official, office, "11989", 1, &q), 2);
	assert_string_equal(q.text.data, "11989 dx_meetings_total district-sheet");
	assert_int_equal(account_queue(f, official, "Bưu điện huyện", "", 100, &q), 0);
	assert_int_equal(q.n, 0);
	sb_free(&q.text);
}

/* The round an admin sets in dti-web comes before the configuration's,
 * through the one function forms obey; a closed round's deadline is when
 * it closed; a reopening needs a deadline after now. */
static void test_round_in_database(void **state)
{
	fixture *f = *state;
	config *c = config_of("{\"rounds\": {\"2024\": {\"deadline\": "
			      "\"2024-12-31T17:00:00+07:00\"}}}");
	appraisal_round r;
	const char *text;
	time_t dl, before = time(NULL);
	bool has;
	dti_diag d;

	assert_int_equal(appraisal_round_get(f->st, c, 2024, &r, &d), DTI_EOK);
	assert_false(r.from_database);
	assert_string_equal(r.deadline, "2024-12-31T17:00:00+07:00");
	assert_int_equal(appraisal_round_change_apply(f->st, c, 2024, ROUND_SET_DEADLINE,
						      "2099-06-30T17:00:00+07:00", "admin", &d),
			 DTI_EOK);
	assert_int_equal(appraisal_round_deadline(f->st, c, 2024, &has, &text, &dl, &d), DTI_EOK);
	assert_true(has);
	assert_string_equal(text, "2099-06-30T17:00:00+07:00");
	/* Without the database, the configuration's. */
	assert_int_equal(appraisal_round_deadline(NULL, c, 2024, &has, &text, &dl, &d), DTI_EOK);
	assert_string_equal(text, "2024-12-31T17:00:00+07:00");
	/* Closed: the deadline is now. */
	assert_int_equal(
		appraisal_round_change_apply(f->st, c, 2024, ROUND_CLOSE, NULL, "admin", &d),
		DTI_EOK);
	assert_int_equal(appraisal_round_deadline(f->st, c, 2024, &has, &text, &dl, &d), DTI_EOK);
	assert_true(has);
	assert_true(dl >= before - 1 && dl < time(NULL));
	assert_int_equal(
		appraisal_round_change_apply(f->st, c, 2024, ROUND_CLOSE, NULL, "admin", &d),
		DTI_EINVALID);
	/* Reopened: into the past refused, into the future open again. */
	assert_int_equal(appraisal_round_change_apply(f->st, c, 2024, ROUND_REOPEN,
						      "2020-01-01T00:00:00+07:00", "admin", &d),
			 DTI_EINVALID);
	assert_int_equal(
		appraisal_round_change_apply(f->st, c, 2024, ROUND_REOPEN, "tomorrow", "admin", &d),
		DTI_EINVALID);
	assert_int_equal(appraisal_round_change_apply(f->st, c, 2024, ROUND_REOPEN,
						      "2099-01-01T00:00:00+07:00", "admin", &d),
			 DTI_EOK);
	assert_int_equal(appraisal_round_get(f->st, c, 2024, &r, &d), DTI_EOK);
	assert_true(r.from_database && !r.closed && r.has_deadline);
	assert_string_equal(r.deadline, "2099-01-01T00:00:00+07:00");
	/* Another year still reads the configuration (none there). */
	assert_int_equal(appraisal_round_deadline(f->st, c, 2025, &has, &text, &dl, &d), DTI_EOK);
	assert_false(has);
	config_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_acts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_appraisal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_form, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current_each_of_one_commune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_in_database, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
