/* page_stub.c — pages still to come (temporary). */
#include "web.h"

#define STUB(fn, title)                                                  \
	int fn(web_req *r)                                               \
	{                                                                \
		return page_message(r, 501, title, "Trang này sắp có."); \
	}
STUB(page_admin_rounds, "Đợt đánh giá")
STUB(page_admin_round_set, "Đợt đánh giá")
STUB(page_admin_approve_form, "Phê duyệt")
STUB(page_admin_approve, "Phê duyệt")
STUB(page_report, "Báo cáo")
