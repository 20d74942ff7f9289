/* Unit tests of the web declaration (lib/declare.c), its evidence
 * (lib/evidence.c) and the provisional score (scorer/provisional.c), on a
 * staging database in /tmp with two Văn Lâm communes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "appraisal.h"
#include "declare.h"
#include "evidence.h"
#include "form.h"
#include "provisional.h"
#include "store.h"
#include "staging_fixture.h"

#define CODE "11989"
#define LINK "https://xa.example.vn/qd.pdf"

static const declare_round open_round = {2024, false, 0, "", false, NULL};

static int64_t count(fixture *f, const char *sql)
{
	int64_t n = -1;
	dti_diag d;

	assert_int_equal(store_int64(f->st, &d, sql, &n, NULL, STORE_NOARGS), DTI_EOK);
	return n;
}

static bool has_problem(const declare_outcome *o, const char *needle)
{
	for (size_t i = 0; i < o->problems.stored; i++)
		if (strstr(o->problems.items[i], needle))
			return true;
	return false;
}

static void print_problems(const declare_outcome *o)
{
	for (size_t i = 0; i < o->problems.stored; i++)
		print_message("problem: %s\n", o->problems.items[i]);
}

/* Saves one item (answer, link) from the version the page showed. */
static dti_err save1(fixture *f, const form_items *items, const char *account, const char *var,
		     const char *answer, const char *link, int64_t version, declare_outcome *o)
{
	declare_edit e = {var, answer, link, "", version};
	dti_diag d;

	return declare_save(f->st, items, &open_round, CODE, account, &e, 1, NULL, 0, o, &d);
}

static void save_contacts(fixture *f, const form_items *items)
{
	declare_contact_edit c[2] = {
		{CONTACT_OFFICER,
		 {"Nguyễn Văn A", "UBND xã", "Công chức", "0912 345 678", "a@x.vn"},
		 0},
		{CONTACT_APPROVER, {"Trần Thị B", "UBND xã", "Chủ tịch", "0987654321", ""}, 0}};
	declare_outcome o;
	dti_diag d;

	assert_int_equal(
		declare_save(f->st, items, &open_round, CODE, "officer1", NULL, 0, c, 2, &o, &d),
		DTI_EOK);
	assert_int_equal(o.saved, 2);
	declare_outcome_free(&o);
}

static void test_save_and_conflict(void **state)
{
	fixture *f = *state;
	form_items items;
	declaration dc;
	declare_outcome o;
	dti_diag d;

	form_items_build(f->fw, FORM_SOURCE_WORD, &items);
	assert_int_equal(save1(f, &items, "officer1", "steering_head", "chair", LINK, 0, &o),
			 DTI_EOK);
	assert_int_equal(o.saved, 1);
	assert_int_equal(o.revision, 1);
	declare_outcome_free(&o);
	assert_int_equal(declare_load(f->st, &items, CODE, 2024, &dc, &d), DTI_EOK);
	assert_string_equal(declare_find(&dc, "steering_head")->answer, "chair");
	assert_int_equal(declare_find(&dc, "steering_head")->version, 1);
	assert_true(declare_find(&dc, "steering_head")->unsubmitted);
	assert_int_equal(declare_find(&dc, "steering_head")->state, DECLARE_UNANSWERED);
	declare_free(&dc);

	/* A second officer, from a page drawn before the first save. */
	assert_int_equal(save1(f, &items, "officer2", "steering_head", "deputy", LINK, 0, &o),
			 DTI_EINVALID);
	assert_true(o.conflict);
	assert_true(has_problem(&o, "officer1"));
	assert_true(has_problem(&o, "người khác"));
	declare_outcome_free(&o);
	assert_int_equal(count(f, "SELECT count(*) FROM declaration_item WHERE answer = 'deputy'"),
			 0);
	/* The same value as there is no change, whatever the version. */
	assert_int_equal(save1(f, &items, "officer2", "steering_head", "chair", LINK, 0, &o),
			 DTI_EOK);
	assert_int_equal(o.saved, 0);
	declare_outcome_free(&o);
	/* From the current version it is saved. */
	assert_int_equal(save1(f, &items, "officer2", "steering_head", "deputy", LINK, 1, &o),
			 DTI_EOK);
	assert_int_equal(o.revision, 2);
	declare_outcome_free(&o);
	/* An answer not allowed is refused by the form's own words, and a
	 * save with one bad item stores none of the others. */
	{
		declare_edit e[2] = {{"radio_dx_segment", "yes", LINK, "", 0},
				     {"radio_dx_frequency", "sometimes", "", "", 0}};
		assert_int_equal(declare_save(f->st, &items, &open_round, CODE, "officer1", e, 2,
					      NULL, 0, &o, &d),
				 DTI_EINVALID);
		assert_true(has_problem(&o, "Mục 1.5 (radio_dx_frequency), Trả lời: 'sometimes' "
					    "không phải câu trả lời hợp lệ"));
		assert_false(o.conflict);
		declare_outcome_free(&o);
		assert_int_equal(count(f, "SELECT count(*) FROM declaration_item WHERE variable = "
					  "'radio_dx_segment'"),
				 0);
	}
	form_items_free(&items);
}

static void test_submit(void **state)
{
	fixture *f = *state;
	form_items items;
	declaration dc;
	declare_outcome o;
	dti_diag d;

	form_items_build(f->fw, FORM_SOURCE_WORD, &items);
	/* Nothing answered, no contact block. */
	assert_int_equal(
		declare_submit(f->st, f->fw, &items, &open_round, CODE, "officer1", 0, &o, &d),
		DTI_EINVALID);
	assert_true(has_problem(&o, "Họ tên: chưa điền (bắt buộc)"));
	declare_outcome_free(&o);
	save_contacts(f, &items);
	/* A numerator above its denominator: refused by the CSV form's check
	 * across items, nothing stored. */
	assert_int_equal(save1(f, &items, "officer1", "dx_meetings_chaired", "5", LINK, 0, &o),
			 DTI_EOK);
	declare_outcome_free(&o);
	assert_int_equal(save1(f, &items, "officer1", "dx_meetings_total", "3", "", 0, &o),
			 DTI_EOK);
	assert_int_equal(o.revision, 3);
	declare_outcome_free(&o);
	assert_int_equal(
		declare_submit(f->st, f->fw, &items, &open_round, CODE, "officer1", 3, &o, &d),
		DTI_EINVALID);
	assert_true(has_problem(&o, "lớn hơn mẫu số"));
	declare_outcome_free(&o);
	assert_int_equal(count(f, "SELECT count(*) FROM run WHERE program = 'dti-web'"), 0);
	assert_int_equal(save1(f, &items, "officer1", "dx_meetings_total", "8", "", 3, &o),
			 DTI_EOK);
	declare_outcome_free(&o);
	/* A page drawn at revision 3 cannot submit revision 4. */
	assert_int_equal(
		declare_submit(f->st, f->fw, &items, &open_round, CODE, "officer2", 3, &o, &d),
		DTI_EINVALID);
	assert_true(o.conflict);
	assert_true(has_problem(&o, "dx_meetings_total"));
	declare_outcome_free(&o);
	assert_int_equal(
		declare_submit(f->st, f->fw, &items, &open_round, CODE, "officer1", 4, &o, &d),
		DTI_EOK);
	print_problems(&o);
	assert_int_equal(o.stored, 2);
	declare_outcome_free(&o);
	/* In the form store, as an import would put it, by the account. */
	assert_int_equal(count(f, "SELECT count(*) FROM observation o JOIN source s ON s.id = "
				  "o.source_id WHERE s.name = 'form:11989' AND s.kind = 'form'"),
			 2);
	assert_int_equal(count(f, "SELECT count(*) FROM run WHERE program = 'dti-web' AND user = "
				  "'officer1' AND status = 'ok'"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM current_contact WHERE commune_code = "
				  "'11989' AND year = 2024"),
			 2);
	assert_int_equal(count(f, "SELECT count(*) FROM declaration_item WHERE submitted_run_id "
				  "IS NULL"),
			 0);
	assert_int_equal(declare_load(f->st, &items, CODE, 2024, &dc, &d), DTI_EOK);
	assert_int_equal(declare_find(&dc, "dx_meetings_total")->state, DECLARE_AWAITING);
	assert_false(declare_find(&dc, "dx_meetings_total")->unsubmitted);
	assert_string_equal(declare_find(&dc, "dx_meetings_total")->answer, "8");
	assert_string_equal(dc.last_by, "officer1");
	declare_free(&dc);
	form_items_free(&items);
}

static void test_rejected_and_deadline(void **state)
{
	fixture *f = *state;
	form_items items;
	declaration dc;
	declare_outcome o;
	declare_round closed = {2024, true, 1, "2024-01-01", true, NULL};
	int64_t *ids = NULL;
	size_t n = 0;
	dti_diag d;

	form_items_build(f->fw, FORM_SOURCE_WORD, &items);
	save_contacts(f, &items);
	assert_int_equal(save1(f, &items, "officer1", "radio_dx_segment", "yes", LINK, 0, &o),
			 DTI_EOK);
	declare_outcome_free(&o);
	assert_int_equal(
		declare_submit(f->st, f->fw, &items, &open_round, CODE, "officer1", 2, &o, &d),
		DTI_EOK);
	declare_outcome_free(&o);
	assert_int_equal(
		appraisal_find(f->st, 2024, CODE, "radio_dx_segment", "form:11989", &ids, &n, &d),
		DTI_EOK);
	assert_int_equal(appraisal_record(f->st, f->fw, ids[0], APPRAISE_REJECT, NULL, "thamdinh1",
					  "Chưa có biên bản", NULL, &d),
			 DTI_EOK);
	free(ids);
	assert_int_equal(declare_load(f->st, &items, CODE, 2024, &dc, &d), DTI_EOK);
	assert_int_equal(declare_find(&dc, "radio_dx_segment")->state, DECLARE_REJECTED);
	assert_string_equal(declare_find(&dc, "radio_dx_segment")->reason, "Chưa có biên bản");
	assert_string_equal(declare_find(&dc, "radio_dx_segment")->answer, "");
	declare_free(&dc);
	/* The same answer again would stay rejected: refused. */
	assert_int_equal(save1(f, &items, "officer1", "radio_dx_segment", "yes", LINK, 2, &o),
			 DTI_EOK);
	declare_outcome_free(&o);
	assert_int_equal(
		declare_submit(f->st, f->fw, &items, &open_round, CODE, "officer1", 3, &o, &d),
		DTI_EINVALID);
	assert_true(has_problem(&o, "đã bị từ chối"));
	declare_outcome_free(&o);
	assert_int_equal(save1(f, &items, "officer1", "radio_dx_segment", "yes",
			       "https://xa.example.vn/bien-ban.pdf", 3, &o),
			 DTI_EOK);
	declare_outcome_free(&o);
	assert_int_equal(
		declare_submit(f->st, f->fw, &items, &open_round, CODE, "officer1", 4, &o, &d),
		DTI_EOK);
	declare_outcome_free(&o);
	assert_int_equal(declare_load(f->st, &items, CODE, 2024, &dc, &d), DTI_EOK);
	assert_int_equal(declare_find(&dc, "radio_dx_segment")->state, DECLARE_AWAITING);
	declare_free(&dc);
	/* After the deadline nothing is saved nor submitted. */
	{
		declare_edit e = {"radio_dx_segment", "no", "", "", 4};
		assert_int_equal(declare_save(f->st, &items, &closed, CODE, "officer1", &e, 1, NULL,
					      0, &o, &d),
				 DTI_EDEADLINE);
		assert_true(has_problem(&o, "hết hạn"));
		declare_outcome_free(&o);
		assert_int_equal(
			declare_submit(f->st, f->fw, &items, &closed, CODE, "officer1", 4, &o, &d),
			DTI_EDEADLINE);
		declare_outcome_free(&o);
	}
	form_items_free(&items);
}

/* A minimal file of each type, and one that pretends. */
static const unsigned char png[] = {
	0x89, 'P',  'N',  'G',  '\r', '\n', 0x1a, '\n', 0,   0,    0,    13,   'I',  'H',
	'D',  'R',  0,    0,    0,    1,    0,    0,    0,   1,    8,    2,    0,    0,
	0,    0x90, 0x77, 0x53, 0xde, 0,    0,    0,    12,  'I',  'D',  'A',  'T',  0x08,
	0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0,    0,    3,    1,   1,    0,    0x18, 0xdd, 0x8d,
	0xb0, 0,    0,    0,    0,    'I',  'E',  'N',  'D', 0xae, 0x42, 0x60, 0x82};
static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0,    16,  'J',
				     'F',  'I',  'F',  0,    0xFF, 0xD9};
static const char html[] = "<html><script>alert(1)</script></html>";

static void test_sniff_and_names(void **state)
{
	char why[TEXT_WHY * 2], name[EVIDENCE_MAX_NAME + 1], cd[512],
		big_cd[EVIDENCE_DISPOSITION_MAX];

	(void)state;
	assert_string_equal(evidence_sniff(png, sizeof png, why), "image/png");
	assert_string_equal(evidence_sniff(pdf, strlen(pdf), why), "application/pdf");
	assert_string_equal(evidence_sniff(jpeg, sizeof jpeg, why), "image/jpeg");
	assert_null(evidence_sniff(html, strlen(html), why));
	assert_non_null(strstr(why, "PDF, JPEG hoặc PNG"));
	assert_null(evidence_sniff("%PDF-1.4 <html>", 15, why)); /* no %%EOF */
	assert_null(evidence_sniff(png, sizeof png - 1, why));   /* cut */
	assert_null(evidence_sniff("", 0, why));
	evidence_display_name("../../etc/passwd", name);
	assert_string_equal(name, "passwd");
	evidence_display_name("C:\\Users\\x\\Biên bản.pdf", name);
	assert_string_equal(name, "Biên bản.pdf");
	evidence_display_name("..", name);
	assert_string_equal(name, "tệp");
	evidence_display_name("a\x01\"b\xff.pdf", name);
	assert_null(strchr(name, '"'));
	assert_null(strchr(name, '\x01'));
	assert_true(utf8_valid(name, strlen(name)));
	evidence_disposition("Biên bản \"x\".pdf", cd, sizeof cd);
	assert_string_equal(cd, "attachment; filename=\"Bi_n_b_n__x_.pdf\"; "
				"filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%20%22x%22.pdf");
	/* The longest name of characters that are each encoded: whole in
	 * EVIDENCE_DISPOSITION_MAX; in a buffer too small, no cut parameter. */
	memset(name, '(', EVIDENCE_MAX_NAME);
	name[EVIDENCE_MAX_NAME] = '\0';
	evidence_disposition(name, big_cd, sizeof big_cd);
	assert_int_equal(strlen(big_cd), 22 + EVIDENCE_MAX_NAME + 20 + 3 * EVIDENCE_MAX_NAME);
	assert_int_equal(strcmp(big_cd + strlen(big_cd) - 6, "%28%28"), 0);
	evidence_disposition(name, cd, 100);
	assert_string_equal(cd, "attachment");
	assert_true(evidence_sha_ok(
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(evidence_sha_ok("../../../../etc/passwd"));
	assert_false(evidence_sha_ok(
		"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
}

static void test_evidence_store(void **state)
{
	fixture *f = *state;
	char dir[96];
	evidence_store es;
	char why[TEXT_WHY * 2];
	evidence_meta m, m2;
	evidence_file ef;
	bool found;
	struct stat sb;
	dti_diag d;

	snprintf(dir, sizeof dir, "%s-evidence", f->path);
	es.dir = dir;
	es.max_bytes = 80;
	assert_int_equal(evidence_put(f->st, &es, f->fw, CODE, 2024, "steering_head", png,
				      sizeof png, "../../x/Quyết định.png", "officer1", &m, &d),
			 DTI_EOK);
	assert_string_equal(m.type, "image/png");
	assert_string_equal(m.name, "Quyết định.png");
	assert_int_equal(evidence_open(f->st, &es, CODE, m.sha256, &ef, &found, &d), DTI_EOK);
	assert_true(found);
	assert_int_equal(stat(ef.path, &sb), 0);
	assert_int_equal((size_t)sb.st_size, sizeof png);
	assert_int_equal(sb.st_mode & 077, 0); /* readable by dti only */
	assert_non_null(strstr(ef.path, m.sha256));
	assert_string_equal(ef.name, "Quyết định.png");
	evidence_file_free(&ef);
	/* Another commune's reader does not find it; nor a path for a hash. */
	assert_int_equal(evidence_open(f->st, &es, "11992", m.sha256, &ef, &found, &d), DTI_EOK);
	assert_false(found);
	assert_int_equal(evidence_open(f->st, &es, CODE, "../../etc/passwd", &ef, &found, &d),
			 DTI_EOK);
	assert_false(found);
	/* The same file again: one file, two rows. */
	assert_int_equal(evidence_put(f->st, &es, f->fw, CODE, 2024, "steering_head", png,
				      sizeof png, "b.png", "officer2", &m2, &d),
			 DTI_EOK);
	assert_string_equal(m.sha256, m2.sha256);
	assert_int_equal(count(f, "SELECT count(*) FROM evidence"), 2);
	/* Refused: an HTML file named .pdf, too large, not an item. */
	assert_int_equal(evidence_put(f->st, &es, f->fw, CODE, 2024, "steering_head", html,
				      strlen(html), "x.pdf", "officer1", &m, &d),
			 DTI_EINVALID);
	{
		char big[81];
		memset(big, ' ', sizeof big);
		memcpy(big, pdf, strlen(pdf));
		memcpy(big + sizeof big - 6, "%%EOF\n", 6);
		assert_string_equal(evidence_sniff(big, sizeof big, why), "application/pdf");
		assert_int_equal(evidence_put(f->st, &es, f->fw, CODE, 2024, "steering_head", big,
					      sizeof big, "x.pdf", "officer1", &m, &d),
				 DTI_ELIMIT);
	}
	assert_int_equal(evidence_put(f->st, &es, f->fw, CODE, 2024, "population", pdf, strlen(pdf),
				      "x.pdf", "officer1", &m, &d),
			 DTI_EINVALID);
	assert_int_equal(count(f, "SELECT count(*) FROM evidence"), 2);
	/* A commune's year holds at most EVIDENCE_MAX_FILES uploads. */
	assert_int_equal(
		store_run(
			f->st, &d,
			"WITH RECURSIVE n(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) "
			"INSERT INTO evidence(commune_code, year, variable, sha256, size, type, "
			"original_name, uploaded_by, uploaded_at) SELECT '11989', 2024, "
			"'steering_head', printf('%064d', i), 1, 'image/png', 'x.png', 'test', 'now' "
			"FROM n",
			STORE_ARGS(STORE_INT(EVIDENCE_MAX_FILES))),
		DTI_EOK);
	assert_int_equal(evidence_put(f->st, &es, f->fw, CODE, 2024, "steering_head", png,
				      sizeof png, "c.png", "officer1", &m, &d),
			 DTI_ELIMIT);
	assert_non_null(strstr(d.msg, "tối đa"));
	assert_int_equal(evidence_put(f->st, &es, f->fw, "11992", 2024, "steering_head", png,
				      sizeof png, "c.png", "officer1", &m, &d),
			 DTI_EOK);
	dir_remove(dir);
}

/* A page read the round open; it closed before the save or submission
 * reached the database (config/dti.json's deadline, 31/12/2024, is past):
 * the write transaction reads the round again and refuses, nothing
 * stored. */
static void test_round_closed_meanwhile(void **state)
{
	fixture *f = *state;
	config *cfg = NULL;
	form_items items;
	declare_outcome o;
	declare_round stale;
	dti_diag d;
	declare_edit e = {"steering_head", "chair", NULL, NULL, 0};

	assert_int_equal(config_load("config/dti.json", &cfg, &d), DTI_EOK);
	form_items_build(f->fw, FORM_SOURCE_WORD, &items);
	assert_int_equal(declare_round_get(f->st, cfg, 2024, 0, &stale, &d), DTI_EOK);
	assert_false(stale.closed); /* as of 1970: open */
	assert_ptr_equal(stale.cfg, cfg);
	assert_int_equal(
		declare_save(f->st, &items, &stale, CODE, "officer1", &e, 1, NULL, 0, &o, &d),
		DTI_EDEADLINE);
	assert_int_equal(o.saved, 0);
	assert_true(o.problems.count == 1 && strstr(o.problems.items[0], "hết hạn"));
	declare_outcome_free(&o);
	assert_int_equal(count(f, "SELECT count(*) FROM declaration_item"), 0);
	assert_int_equal(declare_submit(f->st, f->fw, &items, &stale, CODE, "officer1", 0, &o, &d),
			 DTI_EDEADLINE);
	declare_outcome_free(&o);
	assert_int_equal(count(f, "SELECT count(*) FROM run WHERE program = 'dti-web'"), 0);
	form_items_free(&items);
	config_free(cfg);
}

static double indicator_points(const provisional *p, const char *id)
{
	for (size_t i = 0; i < p->n_indicators; i++)
		if (strcmp(p->indicators[i].ind->id, id) == 0)
			return p->indicators[i].points;
	fail_msg("no indicator %s", id);
	return -1;
}

static void test_provisional(void **state)
{
	fixture *f = *state;
	provisional p;
	provisional_answer a[] = {{"steering_head", "chair"},
				  {"radio_dx_frequency", "monthly"},
				  {"onetouch_learners", "50"},
				  {"population", "100"},
				  {"radio_dx_segment", "not a yes"}};
	dti_diag d;

	put_value(f, "telecom", "11992", "onetouch_learners", "10");
	put_value(f, "telecom", "11992", "population", "100");
	put_value(f, "form:11989", CODE, "steering_head", "deputy");
	assert_int_equal(provisional_score(f->st, f->fw, 2024, CODE, NULL, 0, &p, &d), DTI_EOK);
	assert_true(indicator_points(&p, "1.1") == 10.0);
	assert_int_equal(p.indicators[0].advice.kind, ADVICE_CHANGE);
	/* The advice is read after provisional_score returns (as the page
	 * does): the current answer it quotes, "deputy", is still there. */
	{
		strbuf sb;
		sb_init(&sb, 0);
		advice_text(&p.indicators[0].advice, p.indicators[0].ind, &sb);
		assert_non_null(sb.data);
		assert_true(sb.len > 0);
		sb_free(&sb);
	}
	provisional_free(&p);
	assert_int_equal(provisional_score(f->st, f->fw, 2024, CODE, a, 5, &p, &d), DTI_EOK);
	assert_true(indicator_points(&p, "1.1") == 20.0);
	assert_true(indicator_points(&p, "1.5") == 10.0);
	assert_true(indicator_points(&p, "1.4") == 0.0); /* "not a yes" is ignored */
	/* Normalised over the set: the best commune gets the maximum. */
	assert_true(indicator_points(&p, "4.6") > 0);
	{
		double sum = 0;
		for (size_t i = 0; i < p.n_pillars; i++)
			sum += p.pillars[i];
		assert_true(sum == p.total);
		assert_true(p.max == 1000.0);
	}
	provisional_free(&p);
	/* Nothing was stored. */
	assert_int_equal(count(f, "SELECT count(*) FROM scoring_run"), 0);
	assert_int_equal(provisional_score(f->st, f->fw, 2024, "99999", NULL, 0, &p, &d),
			 DTI_ENOTFOUND);
	provisional_free(&p);
}

/* The shared checks off a file: the same rules and words as the CSV form,
 * prefixed with where the caller says. */
static void test_shared_checks(void **state)
{
	fixture *f = *state;
	form_items items;
	form_answer_state seen[64];
	const form_item *chaired, *total, *head;
	form_contact c = {0};
	const char *contact[5] = {"Nguyễn Văn A", "", "", "+84 912 345 678", "not-an-email"};
	dti_problems p = {0};
	size_t blank = 0;
	batch b;

	form_items_build(f->fw, FORM_SOURCE_WORD, &items);
	assert_true(items.count <= 64);
	memset(seen, 0, sizeof seen);
	batch_init(&b);
	head = form_items_find(&items, "steering_head");
	chaired = form_items_find(&items, "dx_meetings_chaired");
	total = form_items_find(&items, "dx_meetings_total");
	form_answer_check(head, CODE, 2024, "maybe", "", "", '.', "Mục 1.1", &b, &blank,
			  &seen[head - items.items], &p);
	assert_int_equal(p.count, 1);
	assert_non_null(
		strstr(p.items[0], "Mục 1.1, Trả lời: 'maybe' không phải câu trả lời hợp lệ: "));
	form_answer_check(chaired, CODE, 2024, "5", LINK, "", '.', "x", &b, &blank,
			  &seen[chaired - items.items], &p);
	form_answer_check(total, CODE, 2024, "3", "", "", '.', "y", &b, &blank,
			  &seen[total - items.items], &p);
	assert_int_equal(p.count, 1);
	assert_int_equal(b.count, 2);
	form_check_across(f->fw, &items, seen, NULL, &p);
	assert_int_equal(p.count, 2);
	assert_string_equal(p.items[1],
			    "dx_meetings_chaired, Trả lời: chỉ số 1.2: tử số (5) lớn hơn "
			    "mẫu số dx_meetings_total (3): kiểm tra lại hai số này");
	form_contact_check(contact, "Liên hệ", &c, &p);
	assert_int_equal(p.count, 4);
	assert_non_null(strstr(p.items[2], "Liên hệ, Điện thoại liên hệ: '+84 912 345 678' bắt đầu "
					   "bằng '+'"));
	assert_string_equal(p.items[3],
			    "Liên hệ, Email: 'not-an-email' không phải địa chỉ email: ghi "
			    "dạng ten@example.vn");
	assert_string_equal(c.name, "Nguyễn Văn A");
	assert_null(c.phone);
	form_contact_free(&c);
	problems_free(&p);
	batch_free(&b);
	form_items_free(&items);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rejected_and_deadline, setup, teardown),
		cmocka_unit_test(test_sniff_and_names),
		cmocka_unit_test_setup_teardown(test_shared_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provisional, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_closed_meanwhile, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
