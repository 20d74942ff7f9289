/* page_round.c — the admin's rounds (deadline, close, reopen: through
 * lib/appraisal.c, so forms and dti-web obey the same deadline) and the
 * approval of the official result (scorer/official.c, as `dti approve`). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "appraisal.h"
#include "form.h"
#include "log.h"
#include "official.h"
#include "store_score.h"
#include "text.h"
#include "web.h"

/* A time as the form's datetime-local gives it ("2024-12-31T17:00"), in
 * Vietnam time, as a time with a zone; else the text as it is. */
static void deadline_text(const char *in, char out[48])
{
	size_t n = in ? strlen(in) : 0;

	if (n == 16 && in[10] == 'T')
		snprintf(out, 48, "%s:00+07:00", in);
	else
		snprintf(out, 48, "%s", in ? in : "");
}

int page_admin_rounds(web_req *r)
{
	appraisal_round round;
	dti_diag d;
	dti_err rc = appraisal_round_get(r->st, r->app->core.cfg, r->app->core.year, &round, &d);

	if (rc) {
		log_error("rounds: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được đợt đánh giá.");
	}
	page_begin(r, "Đợt đánh giá");
	PAGE(r, "<p id=\"round-state\">Năm ");
	page_int(r, r->app->core.year);
	PAGE(r, ": ");
	if (round.closed) {
		PAGE(r, "<strong class=\"problem\">đã đóng</strong> lúc ");
		page_time(r, round.closed_at);
	} else {
		PAGE(r, "<strong class=\"ok\">đang mở</strong>");
	}
	PAGE(r, ". Hạn nộp: <span id=\"round-deadline\">");
	if (round.has_deadline)
		page_time(r, round.deadline);
	else
		PAGE(r, "chưa đặt");
	PAGE(r, "</span>");
	if (!round.from_database)
		PAGE(r, " (theo tệp cấu hình)");
	PAGE(r, ".</p>");
	if (strcmp(r->acct.role, "admin") == 0) {
		PAGE(r, "<form method=\"post\" action=\"/admin/rounds\" id=\"round-deadline-form\" "
			"class=\"narrow card\">");
		page_csrf(r);
		PAGE(r, "<label for=\"deadline\">Hạn nộp mới (giờ Việt Nam)</label><input "
			"id=\"deadline\" name=\"deadline\" type=\"datetime-local\" required>");
		if (round.closed)
			PAGE(r, "<input type=\"hidden\" name=\"change\" value=\"reopen\"><button "
				"type=\"submit\" id=\"round-reopen\">Mở lại đợt</button>");
		else
			PAGE(r, "<input type=\"hidden\" name=\"change\" value=\"deadline\"><button "
				"type=\"submit\" id=\"round-set\">Đặt hạn nộp</button>");
		PAGE(r, "</form>");
		if (!round.closed) {
			PAGE(r,
			     "<form method=\"post\" action=\"/admin/rounds\" id=\"round-close-form\">");
			page_csrf(r);
			PAGE(r, "<input type=\"hidden\" name=\"change\" value=\"close\"><button "
				"type=\"submit\" class=\"danger\" id=\"round-close\">Đóng đợt ngay"
				"</button></form>");
		}
	}
	page_end(r);
	return 200;
}

int page_admin_round_set(web_req *r)
{
	const char *change = web_form_arg(r, "change");
	appraisal_round_change c;
	char deadline[48], what[96];
	dti_diag d;
	dti_err rc;

	if (change && strcmp(change, "close") == 0)
		c = ROUND_CLOSE;
	else if (change && strcmp(change, "reopen") == 0)
		c = ROUND_REOPEN;
	else if (change && strcmp(change, "deadline") == 0)
		c = ROUND_SET_DEADLINE;
	else
		return page_message(r, 400, "Không đổi được đợt",
				    "Hãy chọn đặt hạn, đóng hoặc mở lại.");
	deadline_text(web_form_arg(r, "deadline"), deadline);
	rc = appraisal_round_change_apply(r->st, r->app->core.cfg, r->app->core.year, c,
					  c == ROUND_CLOSE ? NULL : deadline, r->acct.name, &d);
	if (rc == DTI_EINVALID)
		return page_message(
			r, 400, "Không đổi được đợt",
			c == ROUND_CLOSE ? "Đợt này đã đóng."
			: c == ROUND_REOPEN
				? "Mở lại đợt cần một hạn nộp hợp lệ, sau thời điểm hiện tại."
				: "Hạn nộp không hợp lệ.");
	if (rc) {
		log_error("round: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đổi được đợt đánh giá.");
	}
	snprintf(what, sizeof what, "%d %s %s", r->app->core.year, change,
		 c == ROUND_CLOSE ? "" : deadline);
	web_audit(r, "round", what);
	return web_redirect(r, "/admin/rounds");
}

/* ---- approval --------------------------------------------------------- */

int page_admin_approve_form(web_req *r)
{
	store_scoring_run run;
	store_approval ap;
	bool has_run = false, has_ap = false;
	dti_diag d;
	dti_err rc = store_latest_scoring_run(r->st, r->app->core.year, &run, &has_run, &d);

	if (!rc)
		rc = store_approval_current(r->st, r->app->core.year, &ap, &has_ap, &d);
	if (rc) {
		log_error("approve: %s", d.msg);
		return page_message(r, 500, "Lỗi máy chủ", "Không đọc được các lần chấm điểm.");
	}
	page_begin(r, "Phê duyệt kết quả chính thức");
	PAGE(r, "<p id=\"official\">Kết quả chính thức năm ");
	page_int(r, r->app->core.year);
	PAGE(r, ": ");
	if (has_ap) {
		PAGE(r, "lần chấm số ");
		page_int(r, ap.scoring_run_id);
		PAGE(r, ", quyết định ");
		page_text(r, ap.decision);
		PAGE(r, " ngày ");
		page_text(r, ap.decision_date);
		PAGE(r, ", do ");
		page_text(r, ap.by);
		PAGE(r, " phê duyệt.");
	} else {
		PAGE(r, "chưa có.");
	}
	PAGE(r, "</p>");
	if (!has_run) {
		PAGE(r, "<p>Chưa có lần chấm điểm nào hoàn tất trong năm này.</p>");
	} else if (strcmp(r->acct.role, "admin") == 0) {
		PAGE(r, "<form method=\"post\" action=\"/admin/approve\" id=\"approve-form\" "
			"class=\"narrow card\">");
		page_csrf(r);
		PAGE(r, "<label for=\"run\">Lần chấm điểm</label><input id=\"run\" name=\"run\" "
			"inputmode=\"numeric\" required value=\"");
		page_int(r, run.id);
		PAGE(r, "\"><p class=\"muted\">Lần mới nhất: số ");
		page_int(r, run.id);
		PAGE(r, " (");
		page_text(r, run.mode);
		PAGE(r, "), xong lúc ");
		page_time(r, run.finished_at);
		PAGE(r,
		     ".</p><label for=\"decision\">Số quyết định</label><input id=\"decision\" "
		     "name=\"decision\" required maxlength=\"200\"><label for=\"decision-date\">Ngày "
		     "quyết định</label><input id=\"decision-date\" name=\"decision_date\" "
		     "type=\"date\" required><button type=\"submit\" id=\"approve\">Phê duyệt và "
		     "công bố</button></form>");
	}
	page_end(r);
	return 200;
}

static bool decision_ok(const char *s)
{
	char why[TEXT_WHY];
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= 200 && strspn(s, " ") < n && text_check(s, n, TEXT_LINE, why);
}

int page_admin_approve(web_req *r)
{
	const char *decision = web_form_arg(r, "decision"),
		   *date = web_form_arg(r, "decision_date");
	store_scoring_run run;
	store_approval ap;
	int64_t run_id = 0;
	bool found = false;
	char what[320];
	dti_diag d;
	dti_err rc;

	if (!web_arg_id(r, "run", &run_id) || !decision_ok(decision) || !form_date_ok(date))
		return page_message(r, 400, "Không phê duyệt được",
				    "Cần số lần chấm, số quyết định (một dòng, tối đa 200 byte) và "
				    "ngày quyết định hợp lệ.");
	memset(&ap, 0, sizeof ap);
	snprintf(ap.decision, sizeof ap.decision, "%s", decision);
	snprintf(ap.decision_date, sizeof ap.decision_date, "%s", date);
	snprintf(ap.by, sizeof ap.by, "%s", r->acct.name);
	rc = store_scoring_run_get(r->st, run_id, &run, &found, &d);
	if (!rc && (!found || run.year != r->app->core.year))
		return page_message(r, 404, "Không phê duyệt được",
				    "Không có lần chấm điểm này trong năm.");
	if (!rc)
		rc = official_approve(r->st, &run, &ap, &d);
	if (rc == DTI_EINVALID)
		return page_message(r, 409, "Không phê duyệt được",
				    "Chỉ phê duyệt được lần chấm đã hoàn tất và không bị huỷ.");
	if (!rc) {
		snprintf(what, sizeof what, "run %lld, decision %s of %s", (long long)run.id,
			 ap.decision, ap.decision_date);
		web_audit(r, "approve", what);
		/* The year's current approval (this one, unless another superseded
		 * it meanwhile), then the year's report that links it.  One
		 * publication at a time, this process's threads and others'
		 * (official_publish's lock): a worker waits for another at most
		 * "web"."publish_wait_seconds". */
		rc = official_publish(r->st, r->app->core.cfg, run.year,
				      r->app->core.cfg->output_dir, 0, true, r->app->publish_wait_s,
				      NULL, NULL, NULL, &d);
		if (!rc)
			rc = official_publish(r->st, r->app->core.cfg, run.year,
					      r->app->core.cfg->output_dir, 0, false,
					      r->app->publish_wait_s, NULL, NULL, NULL, &d);
	}
	if (rc)
		log_error("approve: %s", d.msg);
	if (rc == DTI_ELOCKED) {
		char msg[512];

		snprintf(
			msg, sizeof msg,
			"Đã ghi phê duyệt, nhưng một lần công bố khác vẫn chạy sau %d giây nên "
			"báo cáo chưa được cập nhật. Khi lần đó xong, hãy chạy 'dti publish "
			"--official' rồi 'dti publish' (nhật ký của dti-web ghi tiến trình đang giữ "
			"khoá).",
			r->app->publish_wait_s);
		return page_message(r, 503, "Chưa công bố được", msg);
	}
	if (rc)
		return page_message(
			r, 500, "Lỗi khi công bố",
			"Đã ghi phê duyệt (nếu không có lỗi trước đó) nhưng chưa công bố "
			"được báo cáo; hãy chạy 'dti publish --official'.");
	return web_redirect(r, "/admin/approve");
}
