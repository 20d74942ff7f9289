/* page_admin.c — the admin's pages: status (sources, runs, failures),
 * accounts (list, add, disable), the audit trail.  Rounds and approval
 * are in web/page_round.c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "report.h"
#include "store_status.h"
#include "units.h"
#include "verifiers.h"
#include "web.h"

static void sources_table(web_req *r, const store_source_states *s)
{
	PAGE(r,
	     "<h2>Nguồn dữ liệu</h2><div class=\"table-wrap\"><table class=\"stack\" "
	     "id=\"sources\"><thead><tr><th>Nguồn</th><th>Loại</th><th>Lần thành công "
	     "cuối</th><th>Tuổi (giờ)</th><th>Lần chạy cuối</th><th>Lỗi</th></tr></thead><tbody>");
	for (size_t i = 0; i < s->n; i++) {
		const store_source_state *x = &s->items[i];
		PAGE(r, "<tr><td data-label=\"Nguồn\">");
		page_text(r, x->source);
		PAGE(r, "</td><td data-label=\"Loại\">");
		page_text(r, x->kind);
		PAGE(r, "</td><td data-label=\"Thành công\">");
		page_time(r, x->last_success);
		PAGE(r, "</td><td class=\"num\" data-label=\"Tuổi\">");
		page_number(r, x->age_hours);
		PAGE(r, "</td><td data-label=\"Lần cuối\">");
		if (x->stale)
			PAGE(r, "<span class=\"problem\">");
		else
			PAGE(r, "<span>");
		page_text(r, x->last_status);
		PAGE(r, "</span></td><td data-label=\"Lỗi\">");
		page_text(r, x->last_error);
		PAGE(r, "</td></tr>");
	}
	PAGE(r, "</tbody></table></div>");
	/* The communes' forms, a source each, counted in one line (a
	 * national list of them was 10,048 rows). */
	report_forms_line(&r->body, s, r->app->core.year);
}

static void runs_table(web_req *r, const store_run_rows *l)
{
	PAGE(r, "<h2>Các lần chạy gần nhất</h2><div class=\"table-wrap\"><table class=\"stack\" "
		"id=\"runs\"><thead><tr><th>Số</th><th>Nguồn</th><th>Chương trình</th>"
		"<th>Kết quả</th><th>Bắt đầu</th><th>Lưu</th><th>Bị từ chối</th><th>Lỗi</th>"
		"</tr></thead><tbody>");
	for (size_t i = 0; i < l->n; i++) {
		const store_run_row *x = &l->items[i];
		PAGE(r, "<tr><td class=\"num\" data-label=\"Số\">");
		page_int(r, x->id);
		PAGE(r, "</td><td data-label=\"Nguồn\">");
		page_text(r, x->source);
		PAGE(r, "</td><td data-label=\"Chương trình\">");
		page_text(r, x->program);
		if (strcmp(x->status, "failed") == 0)
			PAGE(r, "</td><td data-label=\"Kết quả\" class=\"problem\">");
		else
			PAGE(r, "</td><td data-label=\"Kết quả\">");
		page_text(r, x->status);
		PAGE(r, "</td><td data-label=\"Bắt đầu\">");
		page_time(r, x->started_at);
		PAGE(r, "</td><td class=\"num\" data-label=\"Lưu\">");
		page_int(r, x->stored);
		PAGE(r, "</td><td class=\"num\" data-label=\"Từ chối\">");
		page_int(r, x->rejected);
		PAGE(r, "</td><td data-label=\"Lỗi\">");
		page_text(r, x->error);
		PAGE(r, "</td></tr>");
	}
	PAGE(r, "</tbody></table></div>");
}

int page_admin_status(web_req *r)
{
	store_source_states s = {0};
	store_run_rows runs = {0};
	store_nightly n = {0};
	bool found = false;
	dti_diag d;
	dti_err rc = store_source_states_list(r->st, r->app->core.year, &s, &d);

	if (!rc)
		rc = store_runs_latest(r->st, 30, &runs, &d);
	if (!rc)
		rc = store_nightly_latest(r->st, r->app->core.year, &n, &found, &d);
	if (!rc) {
		page_begin(r, "Tình trạng hệ thống");
		PAGE(r, "<p id=\"nightly\">Lần chạy hằng đêm gần nhất: ");
		if (found) {
			page_text(r, n.status);
			PAGE(r, ", bắt đầu ");
			page_time(r, n.started_at);
			PAGE(r, "; nguồn lỗi: ");
			page_text(r, *n.failed_sources ? n.failed_sources : "không có");
		} else {
			PAGE(r, "chưa có");
		}
		PAGE(r, "</p>");
		sources_table(r, &s);
		runs_table(r, &runs);
		page_end(r);
	}
	store_source_states_free(&s);
	store_run_rows_free(&runs);
	store_nightly_free(&n);
	if (rc) {
		log_error("status: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được tình trạng.");
	}
	return 200;
}

/* ---- accounts --------------------------------------------------------- */

static const char *const role_labels[][2] = {{"commune", "Cán bộ xã"},
					     {"appraiser", "Thẩm định (đơn vị)"},
					     {"viewer", "Lãnh đạo (chỉ xem)"},
					     {"admin", "Quản trị"}};

static void accounts_list(web_req *r, const store_accounts *l)
{
	PAGE(r, "<div class=\"table-wrap\"><table class=\"stack\" id=\"accounts\"><thead><tr>"
		"<th>Tên</th><th>Vai trò</th><th>Xã</th><th>Đơn vị</th><th>Trạng thái</th>"
		"<th></th></tr></thead><tbody>");
	for (size_t i = 0; i < l->n; i++) {
		const store_account *a = &l->items[i];
		PAGE(r, "<tr><td data-label=\"Tên\" class=\"account-name\">");
		page_text(r, a->name);
		PAGE(r, "</td><td data-label=\"Vai trò\">");
		page_text(r, a->role);
		PAGE(r, "</td><td data-label=\"Xã\">");
		page_text(r, a->commune_code);
		PAGE(r, "</td><td data-label=\"Đơn vị\">");
		for (size_t k = 0; k < a->n_units; k++) {
			if (k)
				PAGE(r, "; ");
			page_text(r, a->units[k]);
		}
		PAGE(r, "</td><td data-label=\"Trạng thái\">");
		page_text(r, a->disabled ? "đã khoá"
					 : (a->password_hash ? "hoạt động" : "chờ đặt mật khẩu"));
		PAGE(r, "</td><td>");
		if (!a->disabled) {
			PAGE(r,
			     "<form class=\"inline\" method=\"post\" action=\"/admin/accounts/disable\">");
			page_csrf(r);
			PAGE(r, "<input type=\"hidden\" name=\"name\" value=\"");
			page_text(r, a->name);
			PAGE(r, "\"><button type=\"submit\" class=\"danger\">Khoá</button></form>");
		}
		PAGE(r, "</td></tr>");
	}
	PAGE(r, "</tbody></table></div>");
}

static void account_form(web_req *r, const commune_list *communes)
{
	verifier_units vu;

	PAGE(r, "<h2>Thêm tài khoản</h2><form method=\"post\" action=\"/admin/accounts/add\" "
		"id=\"account-add\" class=\"narrow\">");
	page_csrf(r);
	PAGE(r, "<label for=\"name\">Tên đăng nhập</label><input id=\"name\" name=\"name\" "
		"required maxlength=\"64\"><label for=\"role\">Vai trò</label><select id=\"role\" "
		"name=\"role\">");
	for (size_t i = 0; i < sizeof role_labels / sizeof role_labels[0]; i++) {
		PAGE(r, "<option value=\"");
		page_text(r, role_labels[i][0]);
		PAGE(r, "\">");
		page_text(r, role_labels[i][1]);
		PAGE(r, "</option>");
	}
	PAGE(r, "</select><label for=\"commune\">Xã (cán bộ xã)</label><select id=\"commune\" "
		"name=\"commune\"><option value=\"\">—</option>");
	for (size_t i = 0; i < communes->count; i++) {
		PAGE(r, "<option value=\"");
		page_text(r, communes->items[i].code);
		PAGE(r, "\">");
		page_text(r, communes->items[i].name);
		PAGE(r, "</option>");
	}
	PAGE(r, "</select><fieldset><legend>Đơn vị thẩm định</legend>");
	verifiers_list(r->app->core.fw, &vu);
	for (size_t i = 0; i < vu.n; i++) {
		PAGE(r, "<label><input type=\"checkbox\" name=\"unit\" value=\"");
		page_text(r, vu.names[i]);
		PAGE(r, "\"> ");
		page_text(r, vu.names[i]);
		PAGE(r, "</label>");
	}
	verifiers_free(&vu);
	PAGE(r, "</fieldset><label for=\"password\">Mật khẩu ban đầu (để trống: tạo liên kết "
		"mời)</label><input id=\"password\" name=\"password\" type=\"password\" "
		"autocomplete=\"new-password\"><button type=\"submit\" id=\"account-add-submit\">"
		"Thêm</button></form>");
}

int page_admin_accounts(web_req *r)
{
	store_accounts l = {0};
	commune_list communes = {0};
	dti_diag d;
	dti_err rc = store_account_list(r->st, &l, &d);

	if (!rc)
		rc = staging_active_communes(r->st, &communes, &d);
	if (!rc) {
		page_begin(r, "Tài khoản");
		accounts_list(r, &l);
		account_form(r, &communes);
		page_end(r);
	}
	store_accounts_free(&l);
	commune_list_free(&communes);
	if (rc) {
		log_error("accounts: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được danh sách tài khoản.");
	}
	return 200;
}

/* Whether code is one of the deployment's active communes. */
static bool commune_active(web_req *r, const char *code)
{
	commune_list l = {0};
	bool found = false;
	dti_diag d;

	if (staging_active_communes(r->st, &l, &d) == DTI_EOK)
		for (size_t i = 0; i < l.count; i++)
			found = found || strcmp(l.items[i].code, code) == 0;
	commune_list_free(&l);
	return found;
}

/* The form's units (every "unit" field), each one the framework names;
 * false at the first that is not, or past WEB_MAX_UNITS. */
#define WEB_MAX_UNITS 16
static bool form_units(web_req *r, char *names[WEB_MAX_UNITS], size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < r->n_params; i++) {
		const web_param *p = &r->params[i];
		if (!p->form || strcmp(p->name, "unit") != 0)
			continue;
		if (*n >= WEB_MAX_UNITS || !verifiers_known(r->app->core.fw, p->value))
			return false;
		names[(*n)++] = p->value;
	}
	return true;
}

/* The account the form describes, checked; NULL when fine, else why. */
static const char *account_problem(web_req *r, store_account *a, char *names[WEB_MAX_UNITS],
				   char code[16])
{
	const char *commune = web_form_arg(r, "commune");
	int role = auth_role_parse(a->role);
	char why[96];

	if (!auth_name_ok(a->name, why))
		return "Tên đăng nhập chỉ gồm chữ, số và . _ - @ (không dấu), tối đa 64 ký tự.";
	if (role < 0)
		return "Hãy chọn một vai trò.";
	if (role == AUTH_ROLE_COMMUNE) {
		if (!commune || !commune_code_normalise(commune, code) || !commune_active(r, code))
			return "Cán bộ xã cần một xã trong danh sách đánh giá.";
		a->commune_code = code;
	}
	if (!form_units(r, names, &a->n_units))
		return "Có đơn vị không nằm trong bộ chỉ số.";
	if ((role == AUTH_ROLE_APPRAISER) != (a->n_units > 0))
		return "Tài khoản thẩm định cần ít nhất một đơn vị; vai trò khác không có đơn vị.";
	a->units = names;
	return NULL;
}

static int account_added(web_req *r, const store_account *a, const char *invite)
{
	page_begin(r, "Đã thêm tài khoản");
	PAGE(r, "<p class=\"ok\" id=\"message\">Đã thêm tài khoản ");
	page_text(r, a->name);
	PAGE(r, ".</p>");
	if (invite) {
		PAGE(r, "<p>Liên kết đặt mật khẩu (dùng một lần): <code id=\"invite-link\">");
		page_text(r, invite);
		PAGE(r, "</code></p>");
	}
	PAGE(r, "<p><a href=\"/admin/accounts\">Về danh sách tài khoản</a></p>");
	page_end(r);
	return 200;
}

int page_admin_account_add(web_req *r)
{
	const char *password = web_form_arg(r, "password");
	store_account a = {.name = (char *)web_form_arg(r, "name"),
			   .role = (char *)web_form_arg(r, "role")};
	char *names[WEB_MAX_UNITS], code[16], hash[AUTH_HASH_MAX], why[96], token[AUTH_TOKEN_HEX];
	char *link = NULL;
	const char *problem = account_problem(r, &a, names, code);
	int64_t id = 0;
	dti_diag d;
	dti_err rc;

	if (!problem && password && *password && !auth_password_ok(password, why))
		problem = "Mật khẩu phải có từ 8 đến 1024 ký tự.";
	if (!problem && !(password && *password) && !r->app->public_url)
		problem = "Chưa cấu hình web.public_url: hãy đặt mật khẩu ban đầu.";
	if (problem)
		return page_message(r, 400, "Không thêm được tài khoản", problem);
	rc = password && *password ? auth_password_hash(password, hash, &d) : DTI_EOK;
	a.password_hash = password && *password ? hash : NULL;
	if (!rc)
		rc = store_account_add(r->st, &a, &id, &d);
	if (rc == DTI_EINVALID)
		return page_message(r, 409, "Không thêm được tài khoản",
				    "Tên đăng nhập này đã có.");
	if (!rc && !a.password_hash) {
		rc = auth_invite(r->st, &r->app->policy, id, (int64_t)time(NULL), token, &d);
		link = xasprintf("%s/invite?token=%s", r->app->public_url, token);
	}
	if (rc) {
		free(link);
		log_error("account add: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không thêm được tài khoản.");
	}
	web_audit(r, "user add", a.name);
	account_added(r, &a, link);
	free(link);
	return 200;
}

int page_admin_account_disable(web_req *r)
{
	const char *name = web_form_arg(r, "name");
	bool found = false;
	dti_diag d;
	dti_err rc;

	if (!name || !*name)
		return page_message(r, 400, "Không khoá được", "Thiếu tên tài khoản.");
	rc = store_account_set_disabled(r->st, name, true, &found, &d);
	if (rc) {
		log_error("account disable: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không khoá được tài khoản.");
	}
	if (!found)
		return page_message(r, 404, "Không khoá được", "Không có tài khoản này.");
	web_audit(r, "user disable", name);
	return web_redirect(r, "/admin/accounts");
}

/* ---- audit ------------------------------------------------------------ */

static dti_err audit_row(void *ctx, const store_audit_row *a)
{
	web_req *r = ctx;

	PAGE(r, "<tr><td data-label=\"Lúc\">");
	page_time(r, a->at);
	PAGE(r, "</td><td data-label=\"Tài khoản\" class=\"account-name\">");
	page_text(r, a->account);
	PAGE(r, "</td><td data-label=\"Việc\">");
	page_text(r, a->action);
	PAGE(r, "</td><td data-label=\"Nội dung\">");
	page_text(r, a->what);
	PAGE(r, "</td></tr>");
	return DTI_EOK;
}

int page_admin_audit(web_req *r)
{
	const char *who = web_arg(r, "account");
	dti_diag d;
	dti_err rc;

	page_begin(r, "Nhật ký thao tác");
	PAGE(r, "<form method=\"get\" action=\"/admin/audit\" class=\"narrow\"><label "
		"for=\"account\">Tài khoản</label><input id=\"account\" name=\"account\" value=\"");
	page_text(r, who ? who : "");
	PAGE(r, "\"><button type=\"submit\">Lọc</button></form><div class=\"table-wrap\">"
		"<table class=\"stack\" id=\"audit\"><thead><tr><th>Lúc</th><th>Tài khoản</th>"
		"<th>Việc</th><th>Nội dung</th></tr></thead><tbody>");
	rc = store_audit_each(r->st, who ? who : "", 500, audit_row, r, &d);
	PAGE(r, "</tbody></table></div>");
	page_end(r);
	if (rc) {
		log_error("audit: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được nhật ký.");
	}
	return 200;
}
