/* page.c — the HTML of every page: one layout, and the writer through
 * which data reaches a page only escaped (html_text). */
#include <math.h>
#include <string.h>

#include "html.h"
#include "web.h"

void page_markup_(web_req *r, const char *literal)
{
	sb_appends(&r->body, literal);
}

void page_text(web_req *r, const char *s)
{
	html_text(&r->body, s);
}

void page_int(web_req *r, int64_t v)
{
	char out[24];

	format_whole(out, v);
	sb_appends(&r->body, out);
}

void page_number(web_req *r, double v)
{
	char out[64];

	if (isnan(v)) {
		sb_appends(&r->body, "—");
		return;
	}
	format_number(out, v);
	sb_appends(&r->body, out);
}

void page_time(web_req *r, const char *iso)
{
	char out[TIME_VN_MAX];

	time_vn(iso, out);
	html_text(&r->body, out);
}

void page_evidence_item(web_req *r, const char *commune, const char *sha, const char *name,
			int64_t size, const char *by, const char *at)
{
	PAGE(r, "<li><a class=\"evidence-file\" href=\"/commune/evidence?commune=");
	page_text(r, commune);
	PAGE(r, "&amp;sha=");
	page_text(r, sha);
	PAGE(r, "\">");
	page_text(r, name);
	PAGE(r, "</a> <span class=\"muted\">(");
	page_int(r, (size + 1023) / 1024);
	PAGE(r, " KiB, ");
	page_text(r, by);
	PAGE(r, ", ");
	page_time(r, at);
	PAGE(r, ")</span></li>");
}

void page_csrf(web_req *r)
{
	PAGE(r, "<input type=\"hidden\" name=\"csrf\" value=\"");
	page_text(r, r->csrf);
	PAGE(r, "\">");
}

static const char *role_label(const char *role)
{
	static const struct {
		const char *role, *label;
	} labels[] = {{"commune", "Cán bộ xã"},
		      {"appraiser", "Thẩm định"},
		      {"viewer", "Lãnh đạo"},
		      {"admin", "Quản trị"}};

	for (size_t i = 0; role && i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(role, labels[i].role) == 0)
			return labels[i].label;
	return "";
}

/* The links of the top bar, by role. */
static void page_nav(web_req *r)
{
	const char *role = r->acct.role;

	PAGE(r, "<nav aria-label=\"Trang\">");
	if (strcmp(role, "appraiser") == 0 || strcmp(role, "admin") == 0 ||
	    strcmp(role, "viewer") == 0)
		PAGE(r, "<a href=\"/appraise\">Thẩm định</a> ");
	if (strcmp(role, "viewer") == 0 || strcmp(role, "admin") == 0 ||
	    strcmp(role, "appraiser") == 0)
		PAGE(r, "<a href=\"/report\">Báo cáo</a> ");
	if (strcmp(role, "admin") == 0 || strcmp(role, "viewer") == 0)
		PAGE(r, "<a href=\"/admin/status\">Tình trạng</a> <a href=\"/admin/rounds\">Đợt "
			"đánh giá</a> <a href=\"/admin/approve\">Phê duyệt</a> ");
	if (strcmp(role, "admin") == 0)
		PAGE(r, "<a href=\"/admin/accounts\">Tài khoản</a> <a href=\"/admin/audit\">Nhật "
			"ký</a> ");
	PAGE(r, "</nav>");
}

void page_begin(web_req *r, const char *title)
{
	PAGE(r, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<link rel=\"stylesheet\" href=\"/static/dti.css\"><title>");
	page_text(r, title);
	PAGE(r, " — DTI xã</title></head><body><header class=\"top\"><a class=\"brand\" "
		"href=\"/\">DTI xã</a>");
	if (r->authed) {
		page_nav(r);
		PAGE(r, "<form class=\"who\" id=\"logout-form\" method=\"post\" action=\"/logout\">"
			"<span id=\"account-name\">");
		page_text(r, r->acct.name);
		PAGE(r, "</span> <span class=\"role\">(");
		page_text(r, role_label(r->acct.role));
		PAGE(r, ")</span> ");
		page_csrf(r);
		PAGE(r, "<button type=\"submit\" id=\"logout\">Đăng xuất</button></form>");
	}
	PAGE(r, "</header><main><h1>");
	page_text(r, title);
	PAGE(r, "</h1>\n");
}

void page_end(web_req *r)
{
	PAGE(r, "</main><footer>Chỉ số chuyển đổi số cấp xã (DTI) — giờ hiển thị là giờ Việt "
		"Nam.</footer></body></html>\n");
}

int page_message(web_req *r, int status, const char *title, const char *message)
{
	sb_reset(&r->body);
	page_begin(r, title);
	PAGE(r, "<p class=\"message\" id=\"message\">");
	page_text(r, message);
	PAGE(r, "</p><p><a href=\"/\">Về trang đầu</a></p>");
	page_end(r);
	r->status = status;
	return status;
}
