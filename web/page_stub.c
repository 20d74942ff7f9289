/* page_stub.c — pages still to come (temporary). */
#include "web.h"

#define STUB(fn, title)                                                  \
	int fn(web_req *r)                                               \
	{                                                                \
		return page_message(r, 501, title, "Trang này sắp có."); \
	}
STUB(page_admin_status, "Tình trạng")
STUB(page_admin_accounts, "Tài khoản")
STUB(page_admin_account_add, "Tài khoản")
STUB(page_admin_account_disable, "Tài khoản")
STUB(page_admin_rounds, "Đợt đánh giá")
STUB(page_admin_round_set, "Đợt đánh giá")
STUB(page_admin_approve_form, "Phê duyệt")
STUB(page_admin_approve, "Phê duyệt")
STUB(page_admin_audit, "Nhật ký")
STUB(page_appraise_queue, "Thẩm định")
STUB(page_appraise_item, "Thẩm định")
STUB(page_appraise_act, "Thẩm định")
STUB(page_appraise_commune, "Thẩm định")
STUB(page_appraise_history, "Thẩm định")
STUB(page_report, "Báo cáo")
