/* page_appraise.c — the appraiser's pages: the queue of what awaits their
 * units across communes, one item (the commune's answer and the evidence
 * it uploaded) beside every feed's value for the same variable and the
 * disagreement, the acts (verify, reject with a reason,
 * correct with a value and a reason, verify a commune's remaining items)
 * and the history of acts.  Every act is recorded with the account's name
 * (lib/appraisal.c appraisal_record), which the route table has already
 * checked may act on the item (web/dispatch.c). */
#include <stdlib.h>
#include <string.h>

#include "appraisal.h"
#include "html.h"
#include "log.h"
#include "store_appraisal.h"
#include "store_evidence.h"
#include "units.h"
#include "web.h"

static const char *variable_label(const web_req *r, const char *name)
{
	const fw_variable *v = framework_variable(r->app->core.fw, name);

	return v && v->label ? v->label : name;
}

static const char *state_label(const char *state)
{
	static const char *const labels[][2] = {{"raw", "chờ thẩm định"},
						{"verified", "đã xác nhận"},
						{"rejected", "bị từ chối"},
						{"corrected", "đã sửa"}};

	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(state, labels[i][0]) == 0)
			return labels[i][1];
	return state;
}

static void state_cell(web_req *r, const char *state)
{
	PAGE(r, "<td data-label=\"Trạng thái\"><span class=\"state state-");
	page_text(r, state);
	PAGE(r, "\">");
	page_text(r, state_label(state));
	PAGE(r, "</span></td>");
}

#define QUEUE_MAX 1000 /* rows a queue page shows; the commune filter narrows it */

/* The queue of commune_code ("" for every commune) the account sees: an
 * appraiser their units', everyone else (admin, viewer: reading) all. */
static dti_err queue_read(web_req *r, const char *commune_code, int64_t limit, int64_t *total,
			  store_appraisal_item_fn fn, void *ctx, dti_diag *d)
{
	const app *a = &r->app->core;

	return appraisal_queue(r->st, a->cfg, a->fw, a->year, commune_code,
			       strcmp(r->acct.role, "appraiser") == 0, r->acct.units,
			       r->acct.n_units, limit, total, fn, ctx, d);
}

typedef struct queue_walk {
	web_req *r;
	long shown;
	char commune[16]; /* of the rows so far, for the "verify all" button */
} queue_walk;

static void commune_button(web_req *r, const char *code)
{
	PAGE(r, "<tr class=\"commune-end\"><td colspan=\"6\"><form class=\"inline\" "
		"method=\"post\" action=\"/appraise/commune\">");
	page_csrf(r);
	PAGE(r, "<input type=\"hidden\" name=\"commune\" value=\"");
	page_text(r, code);
	PAGE(r, "\"><button type=\"submit\" class=\"secondary\" name=\"verify-all\" value=\"1\">"
		"Xác nhận mọi mục còn lại của xã ");
	page_text(r, code);
	PAGE(r, "</button></form></td></tr>");
}

static dti_err queue_row(void *ctx, const store_appraisal_item *it)
{
	queue_walk *w = ctx;
	web_req *r = w->r;

	w->shown++;
	if (w->commune[0] && strcmp(w->commune, it->commune_code) != 0 &&
	    strcmp(r->acct.role, "appraiser") == 0)
		commune_button(r, w->commune);
	snprintf(w->commune, sizeof w->commune, "%s", it->commune_code);
	PAGE(r, "<tr><td data-label=\"Xã\">");
	page_text(r, it->commune_code);
	PAGE(r,
	     "</td><td data-label=\"Chỉ tiêu\"><a class=\"item-link\" href=\"/appraise/item?id=");
	page_text(r, it->id_text);
	PAGE(r, "\">");
	page_text(r, variable_label(r, it->variable));
	PAGE(r, "</a></td><td data-label=\"Nguồn\">");
	page_text(r, it->source);
	PAGE(r, "</td><td data-label=\"Giá trị\">");
	page_text(r, it->value);
	PAGE(r, "</td>");
	state_cell(r, it->state);
	PAGE(r, "<td data-label=\"Lúc\">");
	page_time(r, it->observed_at);
	PAGE(r, "</td></tr>");
	return DTI_EOK;
}

int page_appraise_queue(web_req *r)
{
	queue_walk w = {r, 0, ""};
	char only[16] = "";
	const char *filter = web_arg(r, "commune");
	int64_t total = 0;
	dti_diag d;
	dti_err rc;

	page_begin(r, "Hàng chờ thẩm định");
	if (strcmp(r->acct.role, "appraiser") == 0) {
		PAGE(r, "<p>Đơn vị: ");
		for (size_t i = 0; i < r->acct.n_units; i++) {
			if (i)
				PAGE(r, "; ");
			page_text(r, r->acct.units[i]);
		}
		PAGE(r, ". <a href=\"/appraise/history\">Lịch sử thẩm định</a></p>");
	}
	if (filter && *filter && !commune_code_normalise(filter, only))
		only[0] = '\0';
	PAGE(r, "<form method=\"get\" action=\"/appraise\" id=\"queue-filter\" class=\"narrow\">"
		"<label for=\"commune\">Mã xã (để trống: mọi xã)</label><input id=\"commune\" "
		"name=\"commune\" inputmode=\"numeric\" maxlength=\"5\" value=\"");
	page_text(r, only);
	PAGE(r, "\"><button type=\"submit\">Lọc</button></form>");
	PAGE(r, "<div class=\"table-wrap\"><table class=\"stack\" id=\"queue\"><thead><tr>"
		"<th>Xã</th><th>Chỉ tiêu</th><th>Nguồn</th><th>Giá trị</th><th>Trạng thái</th>"
		"<th>Lúc</th></tr></thead><tbody>");
	rc = queue_read(r, only, QUEUE_MAX, &total, queue_row, &w, &d);
	if (w.commune[0] && strcmp(r->acct.role, "appraiser") == 0)
		commune_button(r, w.commune);
	PAGE(r, "</tbody></table></div><p id=\"queue-count\">");
	page_int(r, total);
	PAGE(r, " mục chờ thẩm định");
	if (w.shown < total) {
		PAGE(r, "; trang này hiện ");
		page_int(r, w.shown);
		PAGE(r, " mục đầu: hãy lọc theo xã");
	}
	PAGE(r, ".</p>");
	page_end(r);
	if (rc) {
		log_error("queue: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được hàng chờ.");
	}
	return 200;
}

/* ---- one item --------------------------------------------------------- */

typedef struct item_walk {
	web_req *r;
	const char *id_text;
	bool found;
	char variable[128];
} item_walk;

static dti_err item_row(void *ctx, const store_appraisal_item *it)
{
	item_walk *w = ctx;
	web_req *r = w->r;
	bool self = strcmp(it->id_text, w->id_text) == 0;

	w->found = w->found || self;
	if (self)
		PAGE(r, "<tr class=\"this-item\"><td data-label=\"Nguồn\"><strong>");
	else
		PAGE(r, "<tr><td data-label=\"Nguồn\"><strong>");
	page_text(r, it->source);
	PAGE(r, "</strong></td><td data-label=\"Giá trị\" class=\"value\">");
	page_text(r, it->value);
	PAGE(r, "</td>");
	state_cell(r, it->state);
	PAGE(r, "<td data-label=\"Minh chứng\">");
	if (*it->proof_url)
		html_link(&r->body, it->proof_url, "liên kết minh chứng");
	PAGE(r, "</td><td data-label=\"Người thẩm định\">");
	page_text(r, it->appraised_by);
	PAGE(r, "</td><td data-label=\"Lý do\" class=\"reason\">");
	page_text(r, it->reason);
	PAGE(r, "</td></tr>");
	return DTI_EOK;
}

typedef struct disagree_walk {
	web_req *r;
	const char *variable;
	long n;
} disagree_walk;

static dti_err disagree_row(void *ctx, const store_disagreement *x)
{
	disagree_walk *w = ctx;
	web_req *r = w->r;

	if (strcmp(x->variable, w->variable) != 0)
		return DTI_EOK;
	if (w->n++ == 0)
		PAGE(r, "<h2>Chênh lệch với nguồn khác</h2><ul id=\"disagreements\">");
	PAGE(r, "<li>Xã khai <strong>");
	page_text(r, x->form_value);
	PAGE(r, "</strong>, nguồn ");
	page_text(r, x->feed_source);
	PAGE(r, " có <strong>");
	page_text(r, x->feed_value);
	PAGE(r, "</strong> (chênh ");
	page_text(r, x->difference);
	PAGE(r, ")</li>");
	return DTI_EOK;
}

typedef struct evidence_walk {
	web_req *r;
	const char *variable;
	long n;
} evidence_walk;

/* One file the commune uploaded for the item's variable: a link to it
 * (served as an attachment, web/page_commune.c page_commune_evidence). */
static dti_err evidence_row(void *ctx, const store_evidence *e)
{
	evidence_walk *w = ctx;
	web_req *r = w->r;

	if (strcmp(e->variable, w->variable) != 0)
		return DTI_EOK;
	if (w->n++ == 0)
		PAGE(r, "<ul id=\"evidence\">");
	page_evidence_item(r, e->commune_code, e->sha256, e->original_name, e->size, e->uploaded_by,
			   e->uploaded_at);
	return DTI_EOK;
}

/* The commune's evidence for the variable, or a line saying there is none. */
static dti_err item_evidence(web_req *r, const char *variable, dti_diag *d)
{
	evidence_walk w = {r, variable, 0};
	dti_err rc;

	PAGE(r, "<h2>Tệp minh chứng của xã</h2>");
	rc = store_evidence_each(r->st, r->commune, r->app->core.year, evidence_row, &w, d);
	if (w.n)
		PAGE(r, "</ul>");
	else
		PAGE(r,
		     "<p id=\"no-evidence\">Xã chưa tải lên tệp minh chứng nào cho mục này.</p>");
	return rc;
}

static void act_head(web_req *r, int i)
{
	if (i == 0)
		PAGE(r, "<form method=\"post\" action=\"/appraise/item\" id=\"verify-form\" "
			"class=\"card\">");
	else if (i == 1)
		PAGE(r, "<form method=\"post\" action=\"/appraise/item\" id=\"reject-form\" "
			"class=\"card\">");
	else
		PAGE(r, "<form method=\"post\" action=\"/appraise/item\" id=\"correct-form\" "
			"class=\"card\">");
	page_csrf(r);
}

static void act_forms(web_req *r, const char *id_text)
{
	PAGE(r, "<h2>Thẩm định</h2><div class=\"actions\">");
	for (int i = 0; i < 3; i++) {
		act_head(r, i);
		PAGE(r, "<input type=\"hidden\" name=\"id\" value=\"");
		page_text(r, id_text);
		PAGE(r, "\">");
		if (i == 0)
			PAGE(r, "<input type=\"hidden\" name=\"action\" value=\"verify\"><label "
				"for=\"verify-reason\">Ghi chú (không bắt buộc)</label><textarea "
				"id=\"verify-reason\" name=\"reason\"></textarea><button "
				"type=\"submit\" id=\"verify\">Xác nhận</button>");
		else if (i == 1)
			PAGE(r, "<input type=\"hidden\" name=\"action\" value=\"reject\"><label "
				"for=\"reject-reason\">Lý do từ chối (bắt buộc)</label><textarea "
				"id=\"reject-reason\" name=\"reason\" required></textarea><button "
				"type=\"submit\" class=\"danger\" id=\"reject\">Từ chối</button>");
		else
			PAGE(r,
			     "<input type=\"hidden\" name=\"action\" value=\"correct\"><label "
			     "for=\"correct-value\">Giá trị đúng</label><input id=\"correct-value\" "
			     "name=\"value\" required><label for=\"correct-reason\">Lý do (bắt "
			     "buộc)</label><textarea id=\"correct-reason\" name=\"reason\" "
			     "required></textarea><button type=\"submit\" id=\"correct\">Sửa giá "
			     "trị</button>");
		PAGE(r, "</form>");
	}
	PAGE(r, "</div>");
}

int page_appraise_item(web_req *r)
{
	const char *id_text = web_arg(r, "id");
	int64_t id = 0;
	char *variable = NULL;
	item_walk w = {r, id_text, false, ""};
	disagree_walk dw = {r, NULL, 0};
	dti_diag d;
	dti_err rc;

	web_arg_id(r, "id", &id);
	rc = store_observation_variable(r->st, id, &variable, &d);
	if (rc || !variable) {
		free(variable);
		return page_message(r, rc ? 500 : 404, "Không tìm thấy", "Không có mục này.");
	}
	page_begin(r, variable_label(r, variable));
	PAGE(r, "<p>Xã <strong id=\"item-commune\">");
	page_text(r, r->commune);
	PAGE(r, "</strong>, biến <code>");
	page_text(r, variable);
	PAGE(r, "</code>, năm ");
	page_int(r, r->app->core.year);
	PAGE(r, ".</p><h2>Giá trị theo từng nguồn</h2><div class=\"table-wrap\"><table "
		"class=\"stack\" id=\"values\"><thead><tr><th>Nguồn</th><th>Giá trị</th>"
		"<th>Trạng thái</th><th>Minh chứng</th><th>Người thẩm định</th><th>Lý do</th>"
		"</tr></thead><tbody>");
	rc = store_appraisal_each(r->st, r->app->core.year, r->commune, variable, false, item_row,
				  &w, &d);
	PAGE(r, "</tbody></table></div>");
	if (!rc)
		rc = item_evidence(r, variable, &d);
	dw.variable = variable;
	if (!rc)
		rc = store_disagreement_each(r->st, r->app->core.year, r->commune, disagree_row,
					     &dw, &d);
	if (dw.n)
		PAGE(r, "</ul>");
	if (strcmp(r->acct.role, "appraiser") == 0)
		act_forms(r, id_text);
	PAGE(r, "<p><a href=\"/appraise\">Về hàng chờ</a></p>");
	page_end(r);
	free(variable);
	if (rc) {
		log_error("item: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được mục này.");
	}
	return 200;
}

int page_appraise_act(web_req *r)
{
	const char *action = web_form_arg(r, "action");
	const char *reason = web_form_arg(r, "reason");
	const char *value = web_form_arg(r, "value");
	appraisal_action a;
	int64_t id = 0;
	char back[64];
	dti_diag d;
	dti_err rc;

	web_arg_id(r, "id", &id);
	if (action && strcmp(action, "verify") == 0)
		a = APPRAISE_VERIFY;
	else if (action && strcmp(action, "reject") == 0)
		a = APPRAISE_REJECT;
	else if (action && strcmp(action, "correct") == 0)
		a = APPRAISE_CORRECT;
	else
		return page_message(r, 400, "Không thẩm định được",
				    "Hãy chọn xác nhận, từ chối hoặc sửa.");
	if (a == APPRAISE_CORRECT && (!value || !*value))
		return page_message(r, 400, "Không thẩm định được", "Hãy nhập giá trị đúng.");
	rc = appraisal_record(r->st, r->app->core.fw, id, a, value, r->acct.name, reason, NULL, &d);
	if (rc == DTI_EINVALID) {
		char msg[1200];
		if (a != APPRAISE_VERIFY && (!reason || !*reason))
			snprintf(msg, sizeof msg, "Không lưu được: cần ghi lý do.");
		else if (a == APPRAISE_CORRECT)
			snprintf(msg, sizeof msg, "Không lưu được: giá trị sửa không hợp lệ (%s).",
				 d.msg);
		else
			snprintf(msg, sizeof msg, "Không lưu được: lý do không hợp lệ (%s).",
				 d.msg);
		return page_message(r, 400, "Không thẩm định được", msg);
	}
	if (rc) {
		log_error("appraise: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không lưu được việc thẩm định.");
	}
	snprintf(back, sizeof back, "/appraise/item?id=%lld", (long long)id);
	web_audit(r, appraisal_action_name(a), back + strlen("/appraise/item?"));
	return web_redirect(r, back);
}

/* ---- a commune's remaining items ------------------------------------- */

typedef struct rest_walk {
	int64_t *ids;
	size_t n;
} rest_walk;

static dti_err rest_row(void *ctx, const store_appraisal_item *it)
{
	rest_walk *w = ctx;
	int64_t id;

	if (!parse_i64(it->id_text, &id))
		return DTI_EOK;
	w->ids = xrealloc(w->ids, (w->n + 1) * sizeof *w->ids);
	w->ids[w->n++] = id;
	return DTI_EOK;
}

int page_appraise_commune(web_req *r)
{
	rest_walk w = {NULL, 0};
	char what[96];
	dti_diag d;
	dti_err rc;

	if (!r->commune[0])
		return page_message(r, 400, "Không thẩm định được", "Hãy chọn một xã.");
	rc = queue_read(r, r->commune, -1, NULL, rest_row, &w, &d);
	/* All or nothing: a failure midway leaves every item as it was. */
	if (!rc && w.n)
		rc = appraisal_record_all(r->st, r->app->core.fw, w.ids, w.n, APPRAISE_VERIFY, NULL,
					  r->acct.name, NULL, NULL, &d);
	free(w.ids);
	if (rc) {
		log_error("verify commune: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ",
				    "Không xác nhận được các mục còn lại; không mục nào được lưu, "
				    "hãy thử lại.");
	}
	snprintf(what, sizeof what, "commune=%s items=%zu", r->commune, w.n);
	web_audit(r, "verify commune", what);
	return web_redirect(r, "/appraise");
}

/* ---- history ---------------------------------------------------------- */

static dti_err history_row(void *ctx, const store_appraisal_act_row *a)
{
	web_req *r = ctx;

	PAGE(r, "<tr><td data-label=\"Lúc\">");
	page_time(r, a->at);
	PAGE(r, "</td><td data-label=\"Xã\">");
	page_text(r, a->commune_code);
	PAGE(r, "</td><td data-label=\"Chỉ tiêu\"><a href=\"/appraise/item?id=");
	page_int(r, a->observation_id);
	PAGE(r, "\">");
	page_text(r, variable_label(r, a->variable));
	PAGE(r, "</a></td><td data-label=\"Việc\">");
	page_text(r, a->action);
	PAGE(r, "</td><td data-label=\"Giá trị\">");
	page_text(r, a->value);
	PAGE(r, "</td><td data-label=\"Người\" class=\"account-name\">");
	page_text(r, a->by);
	PAGE(r, "</td><td data-label=\"Lý do\" class=\"reason\">");
	page_text(r, a->reason);
	PAGE(r, "</td></tr>");
	return DTI_EOK;
}

int page_appraise_history(web_req *r)
{
	bool own = strcmp(r->acct.role, "appraiser") == 0;
	dti_diag d;
	dti_err rc;

	page_begin(r, own ? "Lịch sử thẩm định của tôi" : "Lịch sử thẩm định");
	PAGE(r,
	     "<div class=\"table-wrap\"><table class=\"stack\" id=\"history\"><thead><tr>"
	     "<th>Lúc</th><th>Xã</th><th>Chỉ tiêu</th><th>Việc</th><th>Giá trị</th><th>Người</th>"
	     "<th>Lý do</th></tr></thead><tbody>");
	rc = store_appraisal_acts_each(r->st, r->app->core.year, 0, own ? r->acct.name : NULL, 500,
				       history_row, r, &d);
	PAGE(r, "</tbody></table></div>");
	page_end(r);
	if (rc) {
		log_error("history: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được lịch sử.");
	}
	return 200;
}
