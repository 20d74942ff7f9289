/* declare.c — a commune's declaration online: working answers, versions,
 * validated submission into the form store (see declare.h). */
#include "declare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appraisal.h"
#include "batch.h"
#include "store_declare.h"
#include "store_form.h"
#include "text.h"
#include "util.h"

void declare_source(const char *commune_code, char out[32])
{
	snprintf(out, 32, "form:%s", commune_code);
}

dti_err declare_round_get(staging *st, const config *c, int year, time_t now, declare_round *out,
			  dti_diag *d)
{
	appraisal_round ar;
	const char *text = NULL;
	dti_err rc;

	memset(out, 0, sizeof *out);
	out->year = year;
	out->cfg = c;
	rc = appraisal_round_deadline(st, c, year, &out->has_deadline, &text, &out->deadline, d);
	if (!rc)
		rc = appraisal_round_get(st, c, year, &ar, d);
	if (rc)
		return rc;
	if (out->has_deadline) {
		snprintf(out->deadline_text, sizeof out->deadline_text, "%s", text);
		/* A round an admin closed is closed from that second on. */
		out->closed = ar.closed || now > out->deadline;
	}
	return DTI_EOK;
}

const char *declare_state_label(declare_state s)
{
	static const char *const labels[] = {"Chưa nộp", "Chờ thẩm định", "Đã xác nhận",
					     "Bị từ chối", "Đã hiệu chỉnh"};
	return s <= DECLARE_CORRECTED ? labels[s] : "?";
}

static char *dup0(const char *s)
{
	return xstrdup(s ? s : "");
}

static void set(char **field, const char *s)
{
	free(*field);
	*field = dup0(s);
}

static void item_free(declare_item *it)
{
	char **f[] = {&it->answer,      &it->proof_url, &it->note,           &it->saved_by,
		      &it->saved_at,    &it->submitted, &it->submitted_link, &it->submitted_note,
		      &it->scored,      &it->reason,    &it->appraised_by,   &it->appraised_at,
		      &it->submitted_at};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		free(*f[i]);
}

void declare_free(declaration *dc)
{
	for (size_t i = 0; i < dc->n; i++)
		item_free(&dc->items[i]);
	free(dc->items);
	for (int r = 0; r < CONTACT_ROLES; r++)
		form_contact_free(&dc->contacts[r]);
	free(dc->last_by);
	free(dc->last_at);
	memset(dc, 0, sizeof *dc);
}

const declare_item *declare_find(const declaration *dc, const char *variable)
{
	for (size_t i = 0; i < dc->n; i++)
		if (strcmp(dc->items[i].item->variable->name, variable) == 0)
			return &dc->items[i];
	return NULL;
}

static declare_item *find_mut(declaration *dc, const char *variable)
{
	return (declare_item *)declare_find(dc, variable);
}

static declare_state state_of(const char *word)
{
	if (strcmp(word, "verified") == 0)
		return DECLARE_VERIFIED;
	if (strcmp(word, "rejected") == 0)
		return DECLARE_REJECTED;
	if (strcmp(word, "corrected") == 0)
		return DECLARE_CORRECTED;
	return DECLARE_AWAITING;
}

/* The form source's answer: the item's state, and its working answer
 * unless it was rejected (a rejected item is answered again). */
static dti_err take_answer(void *ctx, const store_declare_answer *r)
{
	declare_item *it = find_mut(ctx, r->variable);

	if (!it)
		return DTI_EOK;
	it->observation_id = r->observation_id;
	it->state = state_of(r->state);
	set(&it->submitted, r->raw_value);
	set(&it->submitted_link, r->proof_url);
	set(&it->submitted_note, r->note);
	set(&it->scored, r->value);
	set(&it->reason, r->reason);
	set(&it->appraised_by, r->appraised_by);
	set(&it->appraised_at, r->appraised_at);
	set(&it->submitted_at, r->observed_at);
	if (it->state != DECLARE_REJECTED) {
		set(&it->answer, r->raw_value);
		set(&it->proof_url, r->proof_url);
		set(&it->note, r->note);
	}
	return DTI_EOK;
}

/* A saved draft: its version, and the working answer while unsubmitted. */
static dti_err take_draft(void *ctx, const store_declare_draft *r)
{
	declare_item *it = find_mut(ctx, r->variable);

	if (!it)
		return DTI_EOK;
	it->version = r->version;
	set(&it->saved_by, r->saved_by);
	set(&it->saved_at, r->saved_at);
	if (r->submitted_run_id == 0) {
		it->unsubmitted = true;
		set(&it->answer, r->answer);
		set(&it->proof_url, r->proof_url);
		set(&it->note, r->note);
	}
	return DTI_EOK;
}

static int role_of(const char *word)
{
	for (int r = 0; r < CONTACT_ROLES; r++)
		if (strcmp(word, form_contact_role(r)) == 0)
			return r;
	return -1;
}

static dti_err take_contact(void *ctx, const store_declare_contact *r)
{
	declaration *dc = ctx;
	int role = role_of(r->role);
	form_contact *c;

	if (role < 0)
		return DTI_EOK;
	dc->contact_version[role] = r->version;
	if (r->submitted_run_id != 0)
		return DTI_EOK;
	dc->contact_unsubmitted[role] = true;
	c = &dc->contacts[role];
	form_contact_free(c);
	c->name = r->name ? xstrdup(r->name) : NULL;
	c->unit = r->unit ? xstrdup(r->unit) : NULL;
	c->position = r->position ? xstrdup(r->position) : NULL;
	c->phone = r->phone ? xstrdup(r->phone) : NULL;
	c->email = r->email ? xstrdup(r->email) : NULL;
	return DTI_EOK;
}

dti_err declare_load(staging *st, const form_items *items, const char *commune_code, int year,
		     declaration *dc, dti_diag *d)
{
	char src[32];
	dti_err rc;

	memset(dc, 0, sizeof *dc);
	snprintf(dc->commune_code, sizeof dc->commune_code, "%s", commune_code);
	dc->year = year;
	dc->n = items->count;
	dc->items = xcalloc(dc->n ? dc->n : 1, sizeof *dc->items);
	for (size_t i = 0; i < dc->n; i++) {
		declare_item *it = &dc->items[i];
		it->item = &items->items[i];
		char **f[] = {&it->answer,         &it->proof_url,      &it->note,
			      &it->saved_by,       &it->saved_at,       &it->submitted,
			      &it->submitted_link, &it->submitted_note, &it->scored,
			      &it->reason,         &it->appraised_by,   &it->appraised_at,
			      &it->submitted_at};
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
			*f[k] = xstrdup("");
	}
	declare_source(commune_code, src);
	rc = store_declare_answers_each(st, commune_code, year, src, take_answer, dc, d);
	if (!rc)
		rc = store_declare_drafts_each(st, commune_code, year, take_draft, dc, d);
	if (!rc)
		rc = store_form_contacts(st, commune_code, year, dc->contacts, d);
	if (!rc)
		rc = store_declare_contacts_each(st, commune_code, year, take_contact, dc, d);
	if (!rc)
		rc = store_declare_revision(st, commune_code, year, &dc->revision, d);
	if (!rc)
		rc = store_declare_last_submission(st, commune_code, year, &dc->last_by,
						   &dc->last_at, d);
	return rc;
}

void declare_outcome_free(declare_outcome *o)
{
	problems_free(&o->problems);
	memset(o, 0, sizeof *o);
}

/* "Mục 1.1 (steering_head)": how the officer's messages name an item. */
static void item_where(const form_item *it, char out[128])
{
	if (it->indicators[0])
		snprintf(out, 128, "Mục %s (%s)", it->indicators, it->variable->name);
	else
		snprintf(out, 128, "Mục %s", it->variable->name);
}

static void conflict_problem(declare_outcome *out, const char *where, const char *by,
			     const char *at, const char *now_is)
{
	char when[TIME_VN_MAX];

	time_vn(at, when);
	out->conflict = true;
	problems_add(&out->problems,
		     "%s: người khác (%s) đã sửa mục này lúc %s%s%s%s; không có gì được lưu — "
		     "hãy tải lại trang, xem lại rồi lưu",
		     where, by, when, now_is ? ", câu trả lời hiện là '" : "", now_is ? now_is : "",
		     now_is ? "'" : "");
}

/* One edit checked against the working declaration and, when it changes
 * the item, stored at version v.  Returns DTI_EDB only; refusals go to
 * out's problems. */
static dti_err save_item(staging *st, declaration *dc, const declare_edit *e, const char *account,
			 int64_t v, const char *now, declare_outcome *out, dti_diag *d)
{
	declare_item *it = find_mut(dc, e->variable ? e->variable : "");
	char *answer = NULL, *link = NULL, where[128];
	const char *canon, *note = e->note ? e->note : "";
	size_t before = out->problems.count, blank = 0;
	form_answer_state seen = {0};
	batch b;
	dti_err rc = DTI_EOK;

	if (!it) {
		problems_add(&out->problems, "'%.60s' không phải là một mục của phiếu",
			     e->variable ? e->variable : "");
		return DTI_EOK;
	}
	item_where(it->item, where);
	answer = text_trim(dup0(e->answer));
	link = text_trim(dup0(e->proof_url));
	batch_init(&b);
	form_answer_check(it->item, dc->commune_code, dc->year, answer, link, note, '.', where, &b,
			  &blank, &seen, &out->problems);
	if (out->problems.count > before)
		goto out;
	canon = b.count ? b.items[0].value : "";
	if (strcmp(canon, it->answer) == 0 && strcmp(link, it->proof_url) == 0 &&
	    strcmp(note, it->note) == 0)
		goto out; /* what is there already */
	if (e->version != it->version) {
		conflict_problem(out, where, it->saved_by, it->saved_at,
				 form_answer_label(it->item->variable, it->answer));
		goto out;
	}
	{
		store_declare_draft row = {it->item->variable->name,
					   canon,
					   *link ? link : NULL,
					   *note ? note : NULL,
					   account,
					   now,
					   v,
					   0};
		rc = store_declare_draft_put(st, dc->commune_code, dc->year, &row, d);
	}
	if (!rc)
		out->saved++;
out:
	batch_free(&b);
	free(answer);
	free(link);
	return rc;
}

static bool same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool contact_same(const form_contact *c, const char *const f[5])
{
	return same_text(c->name, f[0]) && same_text(c->unit, f[1]) &&
	       same_text(c->position, f[2]) && same_text(c->phone, f[3]) &&
	       same_text(c->email, f[4]);
}

/* One contact edit, as save_item. */
static dti_err save_contact(staging *st, declaration *dc, const declare_contact_edit *e,
			    const char *account, int64_t v, const char *now, declare_outcome *out,
			    dti_diag *d)
{
	static const char *const who[CONTACT_ROLES] = {"Chuyên viên cung cấp số liệu",
						       "Lãnh đạo duyệt"};
	char *f[5], where[96];
	form_contact c = {0};
	size_t before = out->problems.count;
	dti_err rc = DTI_EOK;

	if (e->role < 0 || e->role >= CONTACT_ROLES)
		return DTI_EOK;
	snprintf(where, sizeof where, "Thông tin liên hệ — %s", who[e->role]);
	for (int i = 0; i < 5; i++)
		f[i] = text_trim(dup0(e->fields[i]));
	if (contact_same(&dc->contacts[e->role], (const char *const *)f))
		goto out;
	form_contact_check((const char *const *)f, where, &c, &out->problems);
	if (out->problems.count > before)
		goto out;
	if (e->version != dc->contact_version[e->role]) {
		out->conflict = true;
		problems_add(&out->problems,
			     "%s: người khác đã sửa thông tin này sau khi trang được mở; không có "
			     "gì được lưu — hãy tải lại trang, xem lại rồi lưu",
			     where);
		goto out;
	}
	{
		store_declare_contact row = {form_contact_role(e->role),
					     c.name,
					     c.unit,
					     c.position,
					     c.phone,
					     c.email,
					     account,
					     now,
					     v,
					     0};
		rc = store_declare_contact_put(st, dc->commune_code, dc->year, &row, d);
	}
	if (!rc)
		out->saved++;
out:
	form_contact_free(&c);
	for (int i = 0; i < 5; i++)
		free(f[i]);
	return rc;
}

static dti_err closed(const declare_round *round, declare_outcome *out, dti_diag *d)
{
	char when[TIME_VN_MAX];

	time_vn(round->deadline_text, when);
	problems_add(&out->problems, "Đợt đánh giá năm %d đã hết hạn lúc %s: không thể sửa hay nộp",
		     round->year, when);
	return diag_set(d, DTI_EDEADLINE, "the %d round closed at %s", round->year,
			round->deadline_text);
}

/* Inside the write transaction: the round as it is now, closed by an
 * admin or past its deadline since the page read it. */
static dti_err still_open(staging *st, const declare_round *round, declare_outcome *out,
			  dti_diag *d)
{
	declare_round now;
	dti_err rc;

	if (!round->cfg)
		return DTI_EOK;
	rc = declare_round_get(st, round->cfg, round->year, time(NULL), &now, d);
	return rc ? rc : now.closed ? closed(&now, out, d) : DTI_EOK;
}

dti_err declare_save(staging *st, const form_items *items, const declare_round *round,
		     const char *commune_code, const char *account, const declare_edit *edits,
		     size_t n_edits, const declare_contact_edit *contacts, size_t n_contacts,
		     declare_outcome *out, dti_diag *d)
{
	declaration dc;
	char now[32];
	int64_t v;
	dti_err rc;

	memset(out, 0, sizeof *out);
	memset(&dc, 0, sizeof dc);
	if (round->closed)
		return closed(round, out, d);
	rc = staging_begin(st, d);
	if (rc)
		return rc;
	/* Read inside the write transaction: no save lands between the
	 * version compared and the row written, nor after the round closed. */
	rc = still_open(st, round, out, d);
	if (!rc)
		rc = declare_load(st, items, commune_code, round->year, &dc, d);
	v = dc.revision + 1;
	now_iso(now);
	for (size_t i = 0; !rc && i < n_edits; i++)
		rc = save_item(st, &dc, &edits[i], account, v, now, out, d);
	for (size_t i = 0; !rc && i < n_contacts; i++)
		rc = save_contact(st, &dc, &contacts[i], account, v, now, out, d);
	if (!rc && out->problems.count)
		rc = diag_set(d, DTI_EINVALID, "the draft of %s was not saved: %zu problem%s",
			      commune_code, out->problems.count,
			      out->problems.count == 1 ? "" : "s");
	if (!rc)
		rc = staging_commit(st, d);
	if (rc) {
		staging_rollback(st);
		out->saved = 0;
	}
	out->revision = !rc && out->saved ? v : dc.revision;
	declare_free(&dc);
	return rc;
}

/* The items and contacts changed after revision `rev`, as problems. */
static void changed_since(const declaration *dc, int64_t rev, declare_outcome *out)
{
	char where[128];

	out->conflict = true;
	for (size_t i = 0; i < dc->n; i++) {
		const declare_item *it = &dc->items[i];
		if (it->version <= rev)
			continue;
		item_where(it->item, where);
		conflict_problem(out, where, it->saved_by, it->saved_at,
				 form_answer_label(it->item->variable, it->answer));
	}
	for (int r = 0; r < CONTACT_ROLES; r++)
		if (dc->contact_version[r] > rev)
			problems_add(&out->problems,
				     "Thông tin liên hệ: người khác đã sửa sau khi trang được mở");
	if (out->problems.count == 0)
		problems_add(&out->problems,
			     "Phiếu đã được sửa sau khi trang được mở: hãy tải lại trang");
}

/* What a submission validates into. */
typedef struct submission {
	batch answers;
	form_answer_state *seen;
	size_t unanswered;
	form_contact contacts[CONTACT_ROLES];
	const char *account;
	int64_t revision;
	bool conflict;
	const declare_round *round; /* read again inside the transaction */
	declare_outcome *out;
} submission;

/* Every answered item by the form's rules; a rejected item answered
 * again must differ from what was rejected (an equal one would be taken
 * as unchanged and stay rejected). */
static void check_items(const framework *fw, const form_items *items, const declaration *dc,
			submission *s, dti_problems *p)
{
	char where[128];

	for (size_t i = 0; i < dc->n; i++) {
		const declare_item *it = &dc->items[i];
		size_t before = p->count;
		item_where(it->item, where);
		form_answer_check(it->item, dc->commune_code, dc->year, it->answer, it->proof_url,
				  it->note, '.', where, &s->answers, &s->unanswered, &s->seen[i],
				  p);
		if (p->count == before && it->state == DECLARE_REJECTED && *it->answer &&
		    strcmp(it->answer, it->submitted) == 0 &&
		    strcmp(it->proof_url, it->submitted_link) == 0 &&
		    strcmp(it->note, it->submitted_note) == 0)
			problems_add(
				p,
				"%s: câu trả lời giống hệt câu trả lời đã bị từ chối ('%s'); hãy "
				"sửa câu trả lời, đường dẫn tài liệu hoặc ghi chú",
				where, form_answer_label(it->item->variable, it->answer));
	}
	form_check_across(fw, items, s->seen, NULL, p);
}

static void check_contacts(const declaration *dc, submission *s, dti_problems *p)
{
	static const char *const who[CONTACT_ROLES] = {"Chuyên viên cung cấp số liệu",
						       "Lãnh đạo duyệt"};
	char where[96];

	for (int r = 0; r < CONTACT_ROLES; r++) {
		const form_contact *c = &dc->contacts[r];
		const char *f[5] = {c->name ? c->name : "", c->unit ? c->unit : "",
				    c->position ? c->position : "", c->phone ? c->phone : "",
				    c->email ? c->email : ""};
		snprintf(where, sizeof where, "Thông tin liên hệ — %s", who[r]);
		form_contact_check(f, where, &s->contacts[r], p);
	}
}

/* Inside the submission's transaction: the revision is still the page's
 * (no save landed since it was validated), then the contact block and the
 * record of who submitted. */
static dti_err submit_extra(staging *st, int64_t run_id, void *ctx, dti_diag *d)
{
	submission *s = ctx;
	const batch_item *first = s->answers.count ? &s->answers.items[0] : NULL;
	const char *code = first ? first->commune_code : "";
	int year = first ? first->year : 0;
	char now[32];
	int64_t rev = 0;
	dti_err rc = still_open(st, s->round, s->out, d);

	if (!rc)
		rc = store_declare_revision(st, code, year, &rev, d);
	if (!rc && rev != s->revision) {
		s->conflict = true;
		return diag_set(d, DTI_EINVALID, "the declaration of %s changed while submitting",
				code);
	}
	now_iso(now);
	if (!rc)
		rc = store_form_put_contacts(st, run_id, code, year, s->contacts, now, d);
	if (!rc)
		rc = store_declare_submitted(st, code, year, run_id, s->account, rev, now, d);
	return rc;
}

static void submission_free(submission *s)
{
	batch_free(&s->answers);
	free(s->seen);
	for (int r = 0; r < CONTACT_ROLES; r++)
		form_contact_free(&s->contacts[r]);
}

dti_err declare_submit(staging *st, const framework *fw, const form_items *items,
		       const declare_round *round, const char *commune_code, const char *account,
		       int64_t revision, declare_outcome *out, dti_diag *d)
{
	declaration dc;
	submission s;
	char src[32], *input = NULL;
	batch_target t = {src, "form", "dti-web", round->year, NULL, NULL, 0, false, NULL, NULL};
	long skipped;
	dti_err rc;

	memset(out, 0, sizeof *out);
	memset(&s, 0, sizeof s);
	batch_init(&s.answers);
	s.seen = xcalloc(items->count ? items->count : 1, sizeof *s.seen);
	s.account = account;
	s.revision = revision;
	s.round = round;
	s.out = out;
	/* Closed already, or since the page read the round (checked again
	 * inside the store's transaction, submit_extra). */
	rc = round->closed ? closed(round, out, d) : still_open(st, round, out, d);
	if (rc)
		goto out_free;
	rc = declare_load(st, items, commune_code, round->year, &dc, d);
	if (rc)
		goto out;
	if (dc.revision != revision) {
		changed_since(&dc, revision, out);
		rc = diag_set(d, DTI_EINVALID, "the declaration of %s changed since revision %lld",
			      commune_code, (long long)revision);
		goto out;
	}
	check_items(fw, items, &dc, &s, &out->problems);
	check_contacts(&dc, &s, &out->problems);
	if (out->problems.count == 0 && s.answers.count == 0)
		problems_add(&out->problems, "Chưa có câu trả lời nào để nộp");
	if (out->problems.count) {
		rc = diag_set(
			d, DTI_EINVALID, "the declaration of %s was not submitted: %zu problem%s",
			commune_code, out->problems.count, out->problems.count == 1 ? "" : "s");
		goto out;
	}
	declare_source(commune_code, src);
	input = xasprintf("dti-web: %s", account);
	t.input = input;
	s.answers.counts.read = (long)items->count;
	s.answers.counts.skipped = skipped = (long)s.unanswered;
	rc = batch_store_with(st, &s.answers, &t, submit_extra, &s, &out->run_id, d);
	if (rc && s.conflict)
		changed_since(&dc, revision, out);
	if (!rc) {
		out->stored = s.answers.counts.stored;
		out->unchanged = s.answers.counts.skipped - skipped;
		out->revision = revision;
	}
out:
	declare_free(&dc);
out_free:
	free(input);
	submission_free(&s);
	return rc;
}
