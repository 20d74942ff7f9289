/* page_commune.c — the commune's declaration (lib/declare.h): its items
 * with their questions, choices, units, expected proof, evidence and
 * state after appraisal; the contact block; saving a draft, submitting;
 * the provisional score and where the points are (scorer/provisional.h);
 * evidence uploaded and served back as an attachment.  Who may reach each
 * page is the route table's business (web/routes.c): a commune officer
 * their own commune only; staff read any commune and write none. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "declare.h"
#include "evidence.h"
#include "html.h"
#include "log.h"
#include "provisional.h"
#include "store_commune.h"
#include "store_evidence.h"
#include "web.h"

/* One evidence file of the commune's year, copied out of the store. */
typedef struct page_file {
	char *variable, *sha, *name, *type, *by, *at;
	int64_t size;
} page_file;

typedef struct page_files {
	page_file *items;
	size_t n;
} page_files;

/* What a declaration page shows. */
typedef struct decl_page {
	web_req *r;
	const char *code;
	char name[256];
	form_items items;
	declaration dc;
	declare_round rnd;
	page_files files;
	provisional prov;
	bool writable;                  /* a commune officer, round open */
	const declare_outcome *outcome; /* problems of a refused POST (may be NULL) */
	bool posted;                    /* show the posted answers (a refused save) */
} decl_page;

static dti_err take_file(void *ctx, const store_evidence *e)
{
	page_files *l = ctx;
	page_file *f = STORE_PUSH(l);

	f->variable = xstrdup(e->variable);
	f->sha = xstrdup(e->sha256);
	f->name = xstrdup(e->original_name);
	f->type = xstrdup(e->type);
	f->by = xstrdup(e->uploaded_by);
	f->at = xstrdup(e->uploaded_at);
	f->size = e->size;
	return DTI_EOK;
}

static void files_free(page_files *l)
{
	for (size_t i = 0; i < l->n; i++) {
		page_file *f = &l->items[i];
		free(f->variable);
		free(f->sha);
		free(f->name);
		free(f->type);
		free(f->by);
		free(f->at);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

/* The commune's name among those assessed; false when it is not one. */
static bool commune_name(staging *st, const char *code, char out[256], dti_diag *d)
{
	commune_list l = {0};
	bool found = false;

	if (staging_active_communes(st, &l, d) == DTI_EOK)
		for (size_t i = 0; i < l.count && !found; i++)
			if (strcmp(l.items[i].code, code) == 0) {
				snprintf(out, 256, "%s", l.items[i].name);
				found = true;
			}
	commune_list_free(&l);
	return found;
}

static bool is_officer(const web_req *r)
{
	return r->acct.role && strcmp(r->acct.role, "commune") == 0;
}

/* The items the commune is asked: under a framework with "applies_to",
 * those scored for its unit type (as its form has them). */
static dti_err commune_items(const app *a, staging *st, const char *code, form_items *out,
			     dti_diag *d)
{
	form_items all;
	int type = -1;
	dti_err rc = DTI_EOK;

	form_items_build(a->fw, FORM_SOURCE_WORD, &all);
	if (!a->fw->by_unit_type) {
		*out = all;
		return DTI_EOK;
	}
	rc = store_commune_unit_type(st, code, &type, d);
	form_items_for_type(a->fw, &all, type, out);
	form_items_free(&all);
	if (rc)
		form_items_free(out); /* empty, as the callers free it */
	return rc;
}

/* Loads everything the page shows; DTI_ENOTFOUND when the commune is not
 * assessed. */
static dti_err page_load(decl_page *p, web_req *r, dti_diag *d)
{
	const app *a = &r->app->core;
	provisional_answer *answers;
	dti_err rc;

	memset(p, 0, sizeof *p);
	p->r = r;
	p->code = r->commune;
	rc = commune_items(a, r->st, p->code, &p->items, d);
	if (rc)
		return rc;
	if (!commune_name(r->st, p->code, p->name, d))
		return diag_set(d, DTI_ENOTFOUND, "commune %s is not assessed", p->code);
	rc = declare_round_get(r->st, a->cfg, a->year, time(NULL), &p->rnd, d);
	if (!rc)
		rc = declare_load(r->st, &p->items, p->code, a->year, &p->dc, d);
	if (!rc)
		rc = store_evidence_each(r->st, p->code, a->year, take_file, &p->files, d);
	if (rc)
		return rc;
	p->writable = is_officer(r) && !p->rnd.closed;
	answers = xcalloc(p->dc.n + 1, sizeof *answers);
	for (size_t i = 0; i < p->dc.n; i++)
		answers[i] = (provisional_answer){p->dc.items[i].item->variable->name,
						  p->dc.items[i].answer};
	rc = provisional_score(r->st, a->fw, a->year, p->code, answers, p->dc.n, &p->prov, d);
	free(answers);
	return rc;
}

static void page_free(decl_page *p)
{
	provisional_free(&p->prov);
	files_free(&p->files);
	declare_free(&p->dc);
	form_items_free(&p->items);
}

/* A form field's name for an item: "answer-steering_head". */
static const char *field_name(char out[96], const char *what, const char *variable)
{
	snprintf(out, 96, "%s-%s", what, variable);
	return out;
}

/* What a field shows: the posted text after a refused save, else the
 * working one. */
static const char *shown(const decl_page *p, const char *what, const char *variable,
			 const char *working)
{
	char name[96];
	const char *posted =
		p->posted ? web_form_arg(p->r, field_name(name, what, variable)) : NULL;

	return posted ? posted : working;
}

static void hidden(web_req *r, const char *name, const char *value)
{
	PAGE(r, "<input type=\"hidden\" name=\"");
	page_text(r, name);
	PAGE(r, "\" value=\"");
	page_text(r, value);
	PAGE(r, "\">");
}

static void hidden_int(web_req *r, const char *name, int64_t v)
{
	char s[24];

	format_whole(s, v);
	hidden(r, name, s);
}

static void choice(web_req *r, const char *name, const char *value, const char *label,
		   const char *current, bool disabled)
{
	PAGE(r, "<label class=\"choice\"><input type=\"radio\" name=\"");
	page_text(r, name);
	PAGE(r, "\" value=\"");
	page_text(r, value);
	PAGE(r, "\"");
	if (strcmp(value, current) == 0)
		PAGE(r, " checked");
	if (disabled)
		PAGE(r, " disabled");
	PAGE(r, "> ");
	page_text(r, label);
	PAGE(r, "</label>");
}

/* The answer's control: yes/no and enums as choices, numbers as text. */
static void answer_control(decl_page *p, const declare_item *it)
{
	web_req *r = p->r;
	const fw_variable *v = it->item->variable;
	const char *cur = shown(p, "answer", v->name, it->answer);
	char name[96];

	field_name(name, "answer", v->name);
	PAGE(r, "<fieldset class=\"answer\"><legend>Trả lời</legend>");
	if (v->type == VAR_YESNO) {
		choice(r, name, "yes", "Có", cur, !p->writable);
		choice(r, name, "no", "Không", cur, !p->writable);
		choice(r, name, "", "Chưa trả lời", cur, !p->writable);
	} else if (v->type == VAR_ENUM) {
		for (size_t k = 0; k < v->n_values; k++)
			choice(r, name, v->values[k].value,
			       form_answer_label(v, v->values[k].value), cur, !p->writable);
		choice(r, name, "", "Chưa trả lời", cur, !p->writable);
	} else {
		PAGE(r, "<input type=\"text\" inputmode=\"decimal\" maxlength=\"32\" name=\"");
		page_text(r, name);
		PAGE(r, "\" id=\"");
		page_text(r, name);
		PAGE(r, "\" value=\"");
		page_text(r, cur);
		PAGE(r, "\"");
		if (!p->writable)
			PAGE(r, " disabled");
		PAGE(r, ">");
		PAGE(r, "<span class=\"muted\">");
		page_text(r, v->type == VAR_COUNT ? "Số nguyên không âm" : "Số không âm");
		if (v->unit && *v->unit) {
			PAGE(r, " (đơn vị: ");
			page_text(r, v->unit);
			PAGE(r, ")");
		}
		PAGE(r, "</span>");
	}
	PAGE(r, "</fieldset>");
}

static void text_field(decl_page *p, const char *what, const char *variable, const char *label,
		       const char *working, bool area, int max)
{
	web_req *r = p->r;
	char name[96];

	field_name(name, what, variable);
	PAGE(r, "<label for=\"");
	page_text(r, name);
	PAGE(r, "\">");
	page_text(r, label);
	PAGE(r, "</label>");
	if (area)
		PAGE(r, "<textarea name=\"");
	else
		PAGE(r, "<input type=\"url\" name=\"");
	page_text(r, name);
	PAGE(r, "\" id=\"");
	page_text(r, name);
	PAGE(r, "\" maxlength=\"");
	page_int(r, max);
	PAGE(r, "\"");
	if (!p->writable)
		PAGE(r, " disabled");
	if (area) {
		PAGE(r, ">");
		page_text(r, shown(p, what, variable, working));
		PAGE(r, "</textarea>");
	} else {
		PAGE(r, " value=\"");
		page_text(r, shown(p, what, variable, working));
		PAGE(r, "\">");
	}
}

/* The state after appraisal, with the reason of a rejection or correction. */
static void item_state(web_req *r, const declare_item *it)
{
	static const char *const classes[] = {"state-none", "state-raw", "state-verified",
					      "state-rejected", "state-corrected"};

	PAGE(r, "<p class=\"item-state\">Trạng thái: <strong class=\"");
	page_text(r, classes[it->state]);
	PAGE(r, "\">");
	page_text(r, declare_state_label(it->state));
	PAGE(r, "</strong>");
	if (it->state != DECLARE_UNANSWERED) {
		PAGE(r, " — đã nộp: ");
		page_text(r, form_answer_label(it->item->variable, it->submitted));
		PAGE(r, " (");
		page_time(r, it->submitted_at);
		PAGE(r, ")");
	}
	if (it->state == DECLARE_CORRECTED) {
		PAGE(r, "; giá trị hiệu chỉnh: ");
		page_text(r, form_answer_label(it->item->variable, it->scored));
	}
	if (*it->reason) {
		PAGE(r, "<br><span class=\"reason\">Lý do (");
		page_text(r, it->appraised_by);
		PAGE(r, "): ");
		page_text(r, it->reason);
		PAGE(r, "</span>");
	}
	if (it->state == DECLARE_REJECTED)
		PAGE(r, "<br>Mục này bị từ chối: hãy trả lời lại trước hạn nộp.");
	if (it->unsubmitted) {
		PAGE(r, "<br><span class=\"muted\">Bản nháp chưa nộp, lưu bởi ");
		page_text(r, it->saved_by);
		PAGE(r, " lúc ");
		page_time(r, it->saved_at);
		PAGE(r, "</span>");
	}
	PAGE(r, "</p>");
}

/* The item's evidence: a link to each file (served as an attachment), and
 * its upload control (the form is outside: forms do not nest). */
static void item_evidence(decl_page *p, const declare_item *it)
{
	web_req *r = p->r;
	const char *var = it->item->variable->name;
	char form[96];

	PAGE(r, "<div class=\"evidence\"><p>Tệp minh chứng:</p><ul>");
	for (size_t i = 0; i < p->files.n; i++) {
		const page_file *f = &p->files.items[i];
		if (strcmp(f->variable, var) != 0)
			continue;
		page_evidence_item(r, p->code, f->sha, f->name, f->size, f->by, f->at);
	}
	PAGE(r, "</ul>");
	if (p->writable) {
		field_name(form, "upload", var);
		PAGE(r, "<input type=\"file\" name=\"file\" accept=\".pdf,.jpg,.jpeg,.png,"
			"application/pdf,image/jpeg,image/png\" form=\"");
		page_text(r, form);
		PAGE(r, "\"><button type=\"submit\" class=\"secondary\" form=\"");
		page_text(r, form);
		PAGE(r, "\">Tải tệp lên</button>");
	}
	PAGE(r, "</div>");
}

static void item_block(decl_page *p, const declare_item *it)
{
	web_req *r = p->r;
	const form_item *fi = it->item;
	const char *var = fi->variable->name;
	char name[96];

	PAGE(r, "<section class=\"card item\" id=\"item-");
	page_text(r, var);
	PAGE(r, "\"><h3>");
	if (fi->indicators[0]) {
		PAGE(r, "[");
		page_text(r, fi->indicators);
		PAGE(r, "] ");
	}
	page_text(r, fi->variable->label);
	PAGE(r, "</h3>");
	if (fi->indicator && *fi->indicator->proof) {
		PAGE(r, "<p class=\"proof\">Tài liệu kiểm chứng: ");
		page_text(r, fi->indicator->proof);
		PAGE(r, "</p>");
	}
	item_state(r, it);
	answer_control(p, it);
	text_field(p, "link", var, "Đường dẫn tài liệu kiểm chứng (http/https)", it->proof_url,
		   false, TEXT_MAX_LINK);
	if (*it->proof_url && html_url_ok(it->proof_url)) {
		PAGE(r, "<p class=\"muted\">Mở: ");
		html_link(&r->body, it->proof_url, NULL);
		PAGE(r, "</p>");
	}
	text_field(p, "note", var, "Ghi chú", it->note, true, TEXT_MAX_NOTE);
	hidden_int(r, field_name(name, "version", var), it->version);
	item_evidence(p, it);
	PAGE(r, "</section>");
}

static const char *const contact_keys[5] = {"name", "unit", "position", "phone", "email"};
static const char *const contact_labels[5] = {"Họ tên", "Đơn vị công tác", "Chức vụ",
					      "Điện thoại liên hệ", "Email"};
static const char *const role_labels[CONTACT_ROLES] = {"Chuyên viên cung cấp số liệu",
						       "Lãnh đạo cơ quan duyệt"};

static void contact_block(decl_page *p)
{
	web_req *r = p->r;
	char what[32], name[96];

	PAGE(r, "<section class=\"card\" id=\"contact\"><h2>Thông tin liên hệ</h2>");
	for (int role = 0; role < CONTACT_ROLES; role++) {
		const form_contact *c = &p->dc.contacts[role];
		const char *vals[5] = {c->name, c->unit, c->position, c->phone, c->email};
		snprintf(what, sizeof what, "contact-%s", form_contact_role(role));
		PAGE(r, "<fieldset><legend>");
		page_text(r, role_labels[role]);
		PAGE(r, "</legend>");
		for (int k = 0; k < 5; k++) {
			field_name(name, what, contact_keys[k]);
			PAGE(r, "<label for=\"");
			page_text(r, name);
			PAGE(r, "\">");
			page_text(r, contact_labels[k]);
			PAGE(r, "</label><input type=\"text\" maxlength=\"200\" name=\"");
			page_text(r, name);
			PAGE(r, "\" id=\"");
			page_text(r, name);
			PAGE(r, "\" value=\"");
			page_text(r, shown(p, what, contact_keys[k], vals[k] ? vals[k] : ""));
			PAGE(r, "\"");
			if (!p->writable)
				PAGE(r, " disabled");
			PAGE(r, ">");
		}
		hidden_int(r, field_name(name, "version", what), p->dc.contact_version[role]);
		PAGE(r, "</fieldset>");
	}
	PAGE(r, "</section>");
}

/* The provisional score by pillar, and where the points are: each
 * indicator below its maximum with what would win the points back. */
static void score_block(decl_page *p)
{
	web_req *r = p->r;
	const framework *fw = r->app->core.fw;
	strbuf sb;

	PAGE(r, "<section class=\"card\" id=\"provisional\"><h2>Điểm tạm tính</h2>"
		"<p>Theo các câu trả lời hiện tại (kể cả bản nháp) và số liệu đã có: <strong "
		"id=\"provisional-total\">");
	page_number(r, round(p->prov.total * 100) / 100);
	PAGE(r, "</strong> / ");
	page_number(r, p->prov.max);
	PAGE(r,
	     " điểm. Điểm chính thức do cơ quan thẩm định công bố.</p><div "
	     "class=\"table-wrap\"><table class=\"stack\"><thead><tr><th>Trụ cột</th><th>Điểm</th>"
	     "<th>Tối đa</th></tr></thead><tbody>");
	for (size_t i = 0; i < p->prov.n_pillars; i++) {
		PAGE(r, "<tr><td data-label=\"Trụ cột\">");
		page_text(r, fw->pillars[i].name);
		PAGE(r, "</td><td class=\"num\" data-label=\"Điểm\">");
		page_number(r, round(p->prov.pillars[i] * 100) / 100);
		PAGE(r, "</td><td class=\"num\" data-label=\"Tối đa\">");
		page_number(r, p->prov.pillar_max[i]);
		PAGE(r, "</td></tr>");
	}
	PAGE(r, "</tbody></table></div><h2>Điểm nằm ở đâu</h2><div class=\"table-wrap\"><table "
		"class=\"stack\" id=\"where-points\"><thead><tr><th>Chỉ số</th><th>Điểm</th>"
		"<th>Còn thiếu</th><th>Cách đạt thêm điểm</th></tr></thead><tbody>");
	sb_init(&sb, 0);
	for (size_t i = 0; i < p->prov.n_indicators; i++) {
		const provisional_indicator *pi = &p->prov.indicators[i];
		if (pi->advice.kind == ADVICE_NONE || pi->max - pi->points < 1e-9)
			continue;
		sb_reset(&sb);
		advice_text(&pi->advice, pi->ind, &sb);
		PAGE(r, "<tr><td data-label=\"Chỉ số\">");
		page_text(r, pi->ind->id);
		PAGE(r, " ");
		page_text(r, pi->ind->name);
		PAGE(r, "</td><td class=\"num\" data-label=\"Điểm\">");
		page_number(r, round(pi->points * 100) / 100);
		PAGE(r, " / ");
		page_number(r, pi->max);
		PAGE(r, "</td><td class=\"num\" data-label=\"Còn thiếu\">");
		page_number(r, round((pi->max - pi->points) * 100) / 100);
		PAGE(r, "</td><td data-label=\"Cách đạt thêm điểm\">");
		page_text(r, sb.data ? sb.data : "");
		PAGE(r, "</td></tr>");
	}
	sb_free(&sb);
	PAGE(r, "</tbody></table></div></section>");
}

static void problems_block(decl_page *p)
{
	web_req *r = p->r;
	const dti_problems *pr = p->outcome ? &p->outcome->problems : NULL;

	if (!pr || !pr->count)
		return;
	PAGE(r, "<div class=\"card problem\" id=\"problems\" role=\"alert\"><p>");
	page_text(r, p->outcome->conflict ? "Người khác đã sửa phiếu này:"
					  : "Phiếu chưa được lưu vì:");
	PAGE(r, "</p><ul>");
	/* The shared checks speak the officer's language (lib/msg.h). */
	for (size_t i = 0; i < pr->stored; i++) {
		PAGE(r, "<li>");
		page_text(r, pr->items[i]);
		PAGE(r, "</li>");
	}
	PAGE(r, "</ul></div>");
}

static void round_block(decl_page *p)
{
	web_req *r = p->r;
	char when[TIME_VN_MAX];
	const char *ok = web_arg(r, "ok");

	PAGE(r, "<p id=\"round\">Đợt đánh giá năm ");
	page_int(r, p->rnd.year);
	if (p->rnd.has_deadline) {
		time_vn(p->rnd.deadline_text, when);
		PAGE(r, " — hạn nộp: <strong id=\"deadline\">");
		page_text(r, when);
		PAGE(r, "</strong>");
		if (p->rnd.closed)
			PAGE(r, " <span class=\"problem\" id=\"closed\">(đã hết hạn: không thể sửa "
				"hay nộp)</span>");
	} else {
		PAGE(r, " — chưa đặt hạn nộp");
	}
	PAGE(r, ".</p>");
	if (p->dc.last_at) {
		PAGE(r, "<p>Lần nộp gần nhất: ");
		page_time(r, p->dc.last_at);
		PAGE(r, " bởi ");
		page_text(r, p->dc.last_by);
		PAGE(r, ".</p>");
	}
	if (ok && (strcmp(ok, "saved") == 0 || strcmp(ok, "submitted") == 0 ||
		   strcmp(ok, "uploaded") == 0)) {
		PAGE(r, "<p class=\"ok\" id=\"notice\" role=\"status\">");
		page_text(r, strcmp(ok, "saved") == 0 ? "Đã lưu bản nháp."
			     : strcmp(ok, "uploaded") == 0
				     ? "Đã tải tệp lên."
				     : "Đã nộp phiếu: các mục chờ thẩm định.");
		PAGE(r, "</p>");
	}
}

/* The upload forms, one per item, outside the declaration's form (the
 * file inputs name them with form="…"). */
static void upload_forms(decl_page *p)
{
	web_req *r = p->r;
	char form[96];

	if (!p->writable)
		return;
	for (size_t i = 0; i < p->dc.n; i++) {
		const char *var = p->dc.items[i].item->variable->name;
		PAGE(r, "<form method=\"post\" action=\"/commune/evidence\" "
			"enctype=\"multipart/form-data\" id=\"");
		page_text(r, field_name(form, "upload", var));
		PAGE(r, "\">");
		page_csrf(r);
		hidden(r, "commune", p->code);
		hidden(r, "variable", var);
		PAGE(r, "</form>");
	}
}

static void declaration_page(decl_page *p)
{
	web_req *r = p->r;
	strbuf title;

	sb_init(&title, 0);
	sb_appendf(&title, "Phiếu DTI năm %d — %s (%s)", p->rnd.year, p->name, p->code);
	page_begin(r, title.data);
	sb_free(&title);
	round_block(p);
	problems_block(p);
	PAGE(r, "<p>Điểm tạm tính: <strong>");
	page_number(r, round(p->prov.total * 100) / 100);
	PAGE(r, "</strong> / ");
	page_number(r, p->prov.max);
	PAGE(r, " — <a href=\"#provisional\">điểm nằm ở đâu</a></p>");
	PAGE(r, "<form method=\"post\" action=\"/commune/save\" id=\"declaration\">");
	page_csrf(r);
	hidden(r, "commune", p->code);
	hidden_int(r, "revision", p->dc.revision);
	PAGE(r, "<h2>Các mục xã cung cấp</h2>");
	for (size_t i = 0; i < p->dc.n; i++)
		item_block(p, &p->dc.items[i]);
	contact_block(p);
	if (p->writable)
		PAGE(r,
		     "<p class=\"muted\">Lưu nháp giữ câu trả lời để sửa tiếp; nộp phiếu kiểm "
		     "tra toàn bộ theo cùng quy tắc với phiếu CSV rồi gửi đi thẩm định (tất cả "
		     "hoặc không gì cả).</p><button type=\"submit\" id=\"save\">Lưu nháp</button> "
		     "<button type=\"submit\" id=\"submit\" formaction=\"/commune/submit\">Nộp "
		     "phiếu</button>");
	PAGE(r, "</form>");
	upload_forms(p);
	score_block(p);
	page_end(r);
}

/* Staff name no commune: the communes to choose from. */
static int commune_choice(web_req *r)
{
	commune_list l = {0};
	dti_diag d;

	if (staging_active_communes(r->st, &l, &d))
		return page_message(r, 500, "Lỗi", "Không đọc được danh sách xã.");
	page_begin(r, "Phiếu của các xã");
	PAGE(r, "<ul id=\"communes\">");
	for (size_t i = 0; i < l.count; i++) {
		PAGE(r, "<li><a href=\"/commune?commune=");
		page_text(r, l.items[i].code);
		PAGE(r, "\">");
		page_text(r, l.items[i].name);
		PAGE(r, " (");
		page_text(r, l.items[i].code);
		PAGE(r, ")</a></li>");
	}
	PAGE(r, "</ul>");
	page_end(r);
	commune_list_free(&l);
	return 200;
}

/* Renders the declaration with status; outcome/posted for a refused POST. */
static int render(web_req *r, int status, const declare_outcome *outcome, bool posted)
{
	decl_page p;
	dti_diag d;
	dti_err rc;

	if (!r->commune[0])
		return commune_choice(r);
	rc = page_load(&p, r, &d);
	if (rc) {
		page_free(&p);
		if (rc == DTI_ENOTFOUND)
			return page_message(r, 404, "Không tìm thấy",
					    "Xã này không thuộc đợt đánh giá.");
		log_error("declaration of %s: %s", r->commune, d.msg);
		return page_message(r, 500, "Lỗi", "Không đọc được phiếu: hãy thử lại sau.");
	}
	p.outcome = outcome;
	p.posted = posted;
	sb_reset(&r->body);
	declaration_page(&p);
	page_free(&p);
	return status;
}

int page_commune(web_req *r)
{
	return render(r, 200, NULL, false);
}

/* ---- the writes ------------------------------------------------------- */

/* The edits a declaration form posted: an item counts when its version
 * field came (it was on the page); pointers into r's parameters. */
typedef struct posted {
	declare_edit *edits;
	size_t n;
	declare_contact_edit contacts[CONTACT_ROLES];
	size_t n_contacts;
} posted;

static const char *arg_or_empty(const web_req *r, const char *what, const char *key)
{
	char name[96];
	const char *v = web_form_arg(r, field_name(name, what, key));

	return v ? v : "";
}

static bool posted_version(const web_req *r, const char *key, int64_t *version)
{
	char name[96];
	const char *v = web_form_arg(r, field_name(name, "version", key));

	return v && parse_i64(v, version) && *version >= 0;
}

static void read_posted(const web_req *r, const form_items *items, posted *out)
{
	char what[32];

	memset(out, 0, sizeof *out);
	out->edits = xcalloc(items->count + 1, sizeof *out->edits);
	for (size_t i = 0; i < items->count; i++) {
		const char *var = items->items[i].variable->name;
		declare_edit *e = &out->edits[out->n];
		if (!posted_version(r, var, &e->version))
			continue;
		e->variable = var;
		e->answer = arg_or_empty(r, "answer", var);
		e->proof_url = arg_or_empty(r, "link", var);
		e->note = arg_or_empty(r, "note", var);
		out->n++;
	}
	for (int role = 0; role < CONTACT_ROLES; role++) {
		declare_contact_edit *c = &out->contacts[out->n_contacts];
		snprintf(what, sizeof what, "contact-%s", form_contact_role(role));
		if (!posted_version(r, what, &c->version))
			continue;
		c->role = role;
		for (int k = 0; k < 5; k++)
			c->fields[k] = arg_or_empty(r, what, contact_keys[k]);
		out->n_contacts++;
	}
}

/* The page again after a refused write: 409 when someone else changed
 * the declaration (the current answers shown), 403 after the deadline,
 * 400 for a refused answer (the posted answers shown to correct). */
static int refused(web_req *r, dti_err rc, const declare_outcome *o, bool show_posted,
		   const dti_diag *d)
{
	if (rc == DTI_EINVALID)
		return render(r, o->conflict ? 409 : 400, o, show_posted && !o->conflict);
	if (rc == DTI_EDEADLINE)
		return render(r, 403, o, false);
	log_error("declaration of %s: %s", r->commune, d->msg);
	return page_message(r, 500, "Lỗi", "Không lưu được phiếu: hãy thử lại sau.");
}

static int saved_redirect(web_req *r, const char *ok)
{
	char *to = xasprintf("/commune?commune=%s&ok=%s", r->commune, ok);
	int status = web_redirect(r, to);

	free(to);
	return status;
}

/* Saves what the form posted; *o says what happened. */
static dti_err save_posted(web_req *r, const form_items *items, const declare_round *round,
			   declare_outcome *o, dti_diag *d)
{
	posted pp;
	dti_err rc;

	read_posted(r, items, &pp);
	rc = declare_save(r->st, items, round, r->commune, r->acct.name, pp.edits, pp.n,
			  pp.contacts, pp.n_contacts, o, d);
	free(pp.edits);
	return rc;
}

int page_commune_save(web_req *r)
{
	const app *a = &r->app->core;
	form_items items;
	declare_round rnd;
	declare_outcome o = {0};
	char what[64];
	dti_diag d;
	dti_err rc;
	int status;

	if (!r->commune[0])
		return page_message(r, 400, "Thiếu xã", "Yêu cầu không nêu xã.");
	rc = commune_items(a, r->st, r->commune, &items, &d);
	if (!rc)
		rc = declare_round_get(r->st, a->cfg, a->year, time(NULL), &rnd, &d);
	if (!rc)
		rc = save_posted(r, &items, &rnd, &o, &d);
	if (!rc) {
		snprintf(what, sizeof what, "%s: %zu changed, revision %lld", r->commune, o.saved,
			 (long long)o.revision);
		web_audit(r, "declaration.save", what);
		status = saved_redirect(r, "saved");
	} else {
		status = refused(r, rc, &o, true, &d);
	}
	declare_outcome_free(&o);
	form_items_free(&items);
	return status;
}

int page_commune_submit(web_req *r)
{
	const app *a = &r->app->core;
	const char *rev_text = web_form_arg(r, "revision");
	form_items items;
	declare_round rnd;
	declare_outcome o = {0};
	int64_t rev = -1;
	char what[96];
	dti_diag d;
	dti_err rc;
	int status;

	if (!r->commune[0])
		return page_message(r, 400, "Thiếu xã", "Yêu cầu không nêu xã.");
	if (!rev_text || !parse_i64(rev_text, &rev))
		rev = -1; /* a page without one cannot be current */
	rc = commune_items(a, r->st, r->commune, &items, &d);
	if (!rc)
		rc = declare_round_get(r->st, a->cfg, a->year, time(NULL), &rnd, &d);
	/* What the page shows is saved first (its own versions checked), then
	 * the declaration at that revision is submitted. */
	if (!rc)
		rc = save_posted(r, &items, &rnd, &o, &d);
	if (!rc) {
		if (o.saved)
			rev = o.revision;
		declare_outcome_free(&o);
		rc = declare_submit(r->st, a->fw, &items, &rnd, r->commune, r->acct.name, rev, &o,
				    &d);
	}
	if (!rc) {
		snprintf(what, sizeof what, "%s: run %lld, %ld stored, %ld unchanged", r->commune,
			 (long long)o.run_id, o.stored, o.unchanged);
		web_audit(r, "declaration.submit", what);
		status = saved_redirect(r, "submitted");
	} else {
		status = refused(r, rc, &o, true, &d);
	}
	declare_outcome_free(&o);
	form_items_free(&items);
	return status;
}

/* ---- evidence --------------------------------------------------------- */

static int upload_refused(web_req *r, int status, const char *why)
{
	return page_message(r, status, "Tệp không được nhận", why);
}

/* Reads the upload (bounded) and keeps it; the status to answer with. */
static int keep_upload(web_req *r, const evidence_store *es, web_upload *u, const char *var)
{
	const app *a = &r->app->core;
	char *bytes = NULL, what[256];
	size_t len = 0;
	evidence_meta m;
	dti_diag d;
	dti_err rc = read_file(u->path, es->max_bytes, &bytes, &len, &d);

	if (rc == DTI_ELIMIT)
		return upload_refused(r, 413, "Tệp lớn hơn giới hạn cho phép.");
	if (!rc)
		rc = evidence_put(r->st, es, a->fw, r->commune, a->year, var, bytes, len,
				  u->filename, r->acct.name, &m, &d);
	free(bytes);
	if (rc == DTI_EINVALID)
		return upload_refused(r, 400, d.msg);
	if (rc == DTI_ELIMIT)
		return upload_refused(r, 413, d.msg);
	if (rc) {
		log_error("evidence of %s: %s", r->commune, d.msg);
		return page_message(r, 500, "Lỗi", "Không lưu được tệp: hãy thử lại sau.");
	}
	snprintf(what, sizeof what, "%s %s %s %s", r->commune, var, m.sha256, m.type);
	web_audit(r, "evidence.upload", what);
	{
		char *to = xasprintf("/commune?commune=%s&ok=uploaded#item-%s", r->commune, var);
		int status = web_redirect(r, to);
		free(to);
		return status;
	}
}

int page_commune_upload(web_req *r)
{
	const app *a = &r->app->core;
	const char *var = web_form_arg(r, "variable");
	web_upload *u = web_upload_get(r, "file");
	const form_item *it;
	form_items items;
	declare_round rnd;
	evidence_store es = {0};
	char msg[128];
	dti_diag d;
	int status;

	if (!r->commune[0])
		return page_message(r, 400, "Thiếu xã", "Yêu cầu không nêu xã.");
	if (commune_items(a, r->st, r->commune, &items, &d)) {
		log_error("%s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được dữ liệu; hãy thử lại.");
	}
	it = form_items_find(&items, var ? var : "");
	if (declare_round_get(r->st, a->cfg, a->year, time(NULL), &rnd, &d) ||
	    evidence_store_get(a->cfg, &es, &d)) {
		log_error("%s", d.msg);
		status = page_message(r, 500, "Lỗi", "Cấu hình không đọc được.");
	} else if (rnd.closed) {
		status = upload_refused(r, 403, "Đợt đánh giá đã hết hạn: không thể tải tệp lên.");
	} else if (!it) {
		status = upload_refused(r, 400, "Mục này không thuộc phiếu của xã.");
	} else if (!u || u->size == 0) {
		status = upload_refused(r, 400, "Hãy chọn một tệp PDF, JPEG hoặc PNG.");
	} else if (u->size > es.max_bytes) {
		snprintf(msg, sizeof msg, "Tệp lớn hơn giới hạn %zu MiB.", es.max_bytes >> 20);
		status = upload_refused(r, 413, msg);
	} else {
		status = keep_upload(r, &es, u, it->variable->name);
	}
	evidence_store_free(&es);
	form_items_free(&items);
	return status;
}

/* The stored type as one of the static words (the response keeps the
 * pointer). */
static const char *static_type(const char *type)
{
	static const char *const types[] = {"application/pdf", "image/jpeg", "image/png"};

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcmp(type, types[i]) == 0)
			return types[i];
	return "application/octet-stream";
}

int page_commune_evidence(web_req *r)
{
	const app *a = &r->app->core;
	evidence_store es = {0};
	evidence_file f = {0};
	char *bytes = NULL, cd[EVIDENCE_DISPOSITION_MAX];
	size_t len = 0;
	bool found = false;
	dti_diag d;
	int status = 200;

	if (!r->commune[0])
		return page_message(r, 400, "Thiếu xã", "Yêu cầu không nêu xã.");
	if (evidence_store_get(a->cfg, &es, &d) ||
	    evidence_open(r->st, &es, r->commune, web_arg(r, "sha"), &f, &found, &d)) {
		log_error("%s", d.msg);
		status = page_message(r, 500, "Lỗi", "Không đọc được tệp.");
	} else if (!found) {
		status = page_message(r, 404, "Không tìm thấy", "Không có tệp này.");
	} else if (read_file(f.path, (size_t)f.size, &bytes, &len, &d) != DTI_EOK) {
		log_error("evidence %s of %s: %s", f.path, r->commune, d.msg);
		status = page_message(r, 404, "Không tìm thấy", "Tệp không còn trên máy chủ.");
	} else {
		sb_reset(&r->body);
		sb_append(&r->body, bytes, len);
		r->content_type = static_type(f.type);
		evidence_disposition(f.name, cd, sizeof cd);
		r->disposition = xstrdup(cd);
	}
	free(bytes);
	evidence_file_free(&f);
	evidence_store_free(&es);
	return status;
}
