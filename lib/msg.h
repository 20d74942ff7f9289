/* msg.h — the texts a commune officer reads, in one table: what the
 * commune form's validation says (lib/form.c, lib/answer.c) and what the
 * commune-facing commands print (dti form import, dti form status), in
 * Vietnamese and in English.  The web form shows the same texts.
 *
 * Each entry is a printf format; both languages of an entry take the same
 * arguments in the same order (tests/unit/test_msg.c checks it), so a
 * caller formats msg_text(id, lang) with one argument list.  A language
 * that has no use for an argument consumes it with "%.0s" (a plural "s"). */
#ifndef DTI_MSG_H
#define DTI_MSG_H

#include <stdbool.h>

#include "text.h"

typedef enum { LANG_VI, LANG_EN, LANG_COUNT } msg_lang;

/* clang-format off */
/* X(ID, Vietnamese, English) */
#define MSG_TABLE(X)                                                                               \
	/* where a problem is: file, line, item, column */                                         \
	X(MSG_AT, "%s:%ld: %s", "%s:%ld: %s")                                                      \
	X(MSG_AT_ITEM, "%s:%ld (%s): %s", "%s:%ld (%s): %s")                                       \
	X(MSG_AT_COLUMN, "%s:%ld, cột \"%s\": %s", "%s:%ld, column \"%s\": %s")                    \
	X(MSG_AT_ITEM_COLUMN, "%s:%ld (%s), cột \"%s\": %s", "%s:%ld (%s), column \"%s\": %s")     \
	X(MSG_EXTRA_COLUMN, "cột thừa %zu", "extra column %zu")                                    \
	/* the file and its rows */                                                                \
	X(MSG_NOT_A_FORM,                                                                          \
	  "không phải phiếu của xã: dòng đầu phải là dòng tiêu đề bắt đầu bằng \"Mã\" (tạo phiếu " \
	  "bằng 'dti form generate')",                                                             \
	  "not a commune form: the first row must be the header starting with \"Mã\" (generate one " \
	  "with 'dti form generate')")                                                             \
	X(MSG_NOT_UTF8, "không phải UTF-8: lưu lại tệp dạng \"CSV UTF-8\"",                        \
	  "is not valid UTF-8 (save the file as UTF-8)")                                           \
	X(MSG_DUPLICATE, "mục này đã có ở dòng %ld: giữ một dòng, xoá dòng kia",                   \
	  "duplicate: already given on line %ld")                                                  \
	X(MSG_NOT_COMMUNE_ITEM,                                                                    \
	  "không phải mục của phiếu xã (số liệu này do %s cung cấp): xoá dòng này",                \
	  "not an item of the commune form (its source is %s)")                                    \
	X(MSG_UNKNOWN_ITEM, "mục không có trong phiếu: không sửa cột \"Mã\"", "unknown item")      \
	X(MSG_ITEM_MISSING,                                                                        \
	  "thiếu mục này trong phiếu (để trống câu trả lời thay vì xoá dòng): thêm lại dòng này",  \
	  "the item is missing from the form (leave its answer empty instead of deleting the row)") \
	X(MSG_FRAMEWORK,                                                                           \
	  "phiếu làm theo bộ chỉ số '%s', đợt đánh giá này dùng '%s': dùng phiếu mới của đợt này", \
	  "the form was made for framework '%s', this round uses '%s'")                            \
	X(MSG_COMMUNE_UNKNOWN, "xã '%s' không thuộc các xã được đánh giá: dùng phiếu huyện gửi cho xã, không sửa mã xã", \
	  "commune '%s' is not one of the communes assessed")                                      \
	X(MSG_COMMUNE_NAME, "'%s' không phải tên của xã %s (%s): để nguyên tên xã như khi nhận phiếu", \
	  "'%s' is not the name of commune %s (%s)")                                               \
	X(MSG_COMMUNE_SHARED_NAME, "nhiều xã cùng tên '%s': ghi mã xã như khi nhận phiếu", \
	  "several communes are named '%s': give the commune's code as on the form sent")        \
	X(MSG_NO_COMMUNE, "phiếu không ghi xã nào (dòng \"commune\"): dùng phiếu huyện gửi cho xã", \
	  "the form names no commune (row \"commune\")")                                           \
	X(MSG_NO_YEAR, "phiếu không ghi năm đánh giá (dòng \"year\"): dùng phiếu huyện gửi cho xã", \
	  "the form gives no year (row \"year\")")                                                 \
	X(MSG_NOT_YEAR, "'%s' không phải là năm: ghi năm như 2024", "'%s' is not a year")          \
	X(MSG_YEAR_MISMATCH,                                                                       \
	  "phiếu của năm %lld nhưng đợt đánh giá đang mở là năm %d (dùng --year %lld để nhập vào " \
	  "năm đó)",                                                                               \
	  "the form is for %lld but the round open is %d (use --year %lld to import into that year)") \
	/* the contact block */                                                                    \
	X(MSG_CONTACT_ROLE,                                                                        \
	  "vai trò liên hệ không có trong phiếu (contact.officer, contact.approver): không sửa cột " \
	  "\"Mã\"",                                                                                \
	  "unknown contact role (contact.officer, contact.approver)")                              \
	X(MSG_CONTACT_ROW, "phần thông tin liên hệ thiếu dòng contact.%s (%s): thêm lại dòng này như trong phiếu gốc", \
	  "the contact block has no row contact.%s (%s)")                                          \
	X(MSG_REQUIRED, "chưa điền (bắt buộc): điền ô này", "is required")                         \
	X(MSG_TOO_LONG, "dài quá %u byte: hãy rút gọn", "is longer than %u bytes")                 \
	X(MSG_FORMULA, "bắt đầu bằng '%c', bảng tính sẽ coi là công thức: bỏ ký tự '%c' ở đầu",    \
	  "starts with '%c', which a spreadsheet would run as a formula: remove the leading '%c'") \
	X(MSG_PHONE_PLUS,                                                                          \
	  "'%s' bắt đầu bằng '+', bảng tính sẽ coi là công thức: ghi số dạng 0… hoặc 84…",         \
	  "'%s' starts with '+', which a spreadsheet would run as a formula: write the number as 0… " \
	  "or 84…")                                                                                \
	X(MSG_PHONE_ZERO,                                                                          \
	  "'%s' đã mất số 0 ở đầu (bảng tính đọc nó là một số): ghi 0%s và đặt ô là văn bản",      \
	  "'%s' has lost its leading zero (the spreadsheet read it as a number): write 0%s, with the " \
	  "cell formatted as text")                                                                \
	X(MSG_PHONE_BAD,                                                                           \
	  "'%s' không phải số điện thoại: ghi 8 đến 15 chữ số, bắt đầu bằng 0 hoặc 84, ví dụ 0912 " \
	  "345 678",                                                                               \
	  "'%s' is not a phone number (8 to 15 digits starting with 0 or 84, such as 0912 345 678)") \
	X(MSG_EMAIL_BAD, "'%s' không phải địa chỉ email: ghi dạng ten@example.vn",                 \
	  "'%s' is not an e-mail address (such as name@example.vn)")                               \
	/* answers, links and notes */                                                             \
	X(MSG_LINK_BAD, "đường dẫn %s", "the proof link %s")                                       \
	X(MSG_NOTE_BAD, "ghi chú %s", "the note %s")                                               \
	X(MSG_ANSWER_TEXT, "câu trả lời %s", "the answer %s")                                      \
	X(MSG_LINK_NO_ANSWER,                                                                      \
	  "có đường dẫn nhưng chưa có câu trả lời: điền cột \"Trả lời\" hoặc xoá đường dẫn",       \
	  "a proof link is given but no answer")                                                   \
	X(MSG_LINK_SCHEME, "đường dẫn '%s' chưa có https://: đã đọc là %s",                        \
	  "the proof link '%s' has no http:// or https://: read as %s")                            \
	X(MSG_LINK_NEEDED, "chỉ số %s cần đường dẫn (http/https) tới tài liệu kiểm chứng: %s",     \
	  "indicator %s needs a proof link (http/https) to: %s")                                   \
	X(MSG_LINK_NEEDED_IF,                                                                      \
	  "chỉ số %s: nếu câu trả lời được tính điểm thì cần đường dẫn (http/https) tới tài liệu " \
	  "kiểm chứng: %s",                                                                        \
	  "indicator %s: an answer that earns points needs a proof link (http/https) to: %s")      \
	X(MSG_RATIO, "chỉ số %s: tử số (%s) lớn hơn mẫu số %s (%s): kiểm tra lại hai số này",      \
	  "indicator %s: the numerator (%s) is above its denominator %s (%s)")                     \
	X(MSG_YESNO_BAD, "'%s' không phải câu trả lời Có/Không: ghi Có hoặc Không",                \
	  "'%s' is not a yes/no answer: write Có or Không")                                        \
	X(MSG_ENUM_BAD, "'%s' không phải câu trả lời hợp lệ: ghi một trong các câu %s",            \
	  "'%s' is not one of the answers allowed: %s")                                            \
	X(MSG_ENUM_AMBIGUOUS, "'%s' khớp với nhiều câu trả lời: %s; ghi đầy đủ một câu",           \
	  "'%s' matches more than one answer: %s; write one of them in full")                      \
	X(MSG_ENUM_READ_AS, "'%s' được đọc là \"%s\"", "'%s' read as \"%s\"")                      \
	X(MSG_NEGATIVE, "'%s' là số âm: ghi số không âm (0, 1, 2, …)",                             \
	  "'%s' is negative: write 0, 1, 2, …")                                                    \
	X(MSG_NOT_WHOLE,                                                                           \
	  "'%s' không phải số nguyên (mục này đếm số lượng): ghi số nguyên như 0, 1, 2 (dấu chấm " \
	  "chỉ dùng tách hàng nghìn: 1.234)",                                                      \
	  "'%s' is not a whole number (this item is a count): write a whole number such as 0, 1, 2 " \
	  "(a dot only separates thousands: 1.234)")                                               \
	X(MSG_WITH_WORDS, "'%s' có chữ kèm theo số: chỉ ghi số, ví dụ %s",                         \
	  "'%s' has words with the number: write the number alone, such as %s")                    \
	X(MSG_NOT_NUMBER, "'%s' không phải số: ghi một số nguyên không âm như 0, 1, 2",            \
	  "'%s' is not a number: write a whole number such as 0, 1, 2")                            \
	X(MSG_NOT_AMOUNT, "'%s' không phải số: ghi số không âm, ví dụ 1.234,5",                    \
	  "'%s' is not a number: write a non-negative number such as 1.234,5")                     \
	X(MSG_TOO_LARGE, "'%s' quá lớn: kiểm tra lại số này", "'%s' is too large")                 \
	/* dti form import and dti form status */                                                  \
	X(MSG_IMPORT_REFUSED, "%s: %zu lỗi%.0s; không lưu gì từ phiếu này",                        \
	  "%s: %zu problem%s; nothing of this form was stored")                                    \
	X(MSG_IMPORT_MORE, "(còn %zu lỗi nữa không hiển thị)", "(%zu more problems not shown)")    \
	X(MSG_IMPORT_CLOSED,                                                                       \
	  "đợt đánh giá năm %d đã đóng lúc %s; phiếu không được lưu (quản trị viên có thể nhập bằng " \
	  "--force)",                                                                              \
	  "the %d round closed at %s; the form was not stored (an administrator may import it with " \
	  "--force)")                                                                              \
	X(MSG_IMPORT_FORCED,                                                                       \
	  "%s: đợt đánh giá năm %d đã đóng lúc %s; vẫn lưu (--force, có ghi lại trong lần chạy)",  \
	  "%s: the %d round closed at %s; stored anyway (--force, recorded on the run)")           \
	X(MSG_IMPORT_STORED,                                                                       \
	  "%s: đã lưu phiếu của xã %s năm %d (lần chạy %lld, nguồn %s): %ld câu trả lời%.0s mới hoặc " \
	  "thay đổi, %ld không đổi, %zu để trống%s",                                               \
	  "%s: form of commune %s for %d stored (run %lld, source %s): %ld answer%s new or changed, " \
	  "%ld unchanged, %zu left blank%s")                                                       \
	X(MSG_IMPORT_FORCED_TAIL, ", nhập sau hạn nộp (--force)", ", forced after the deadline")   \
	X(MSG_IMPORT_DRY,                                                                          \
	  "%s: chạy thử: xã %s, %zu câu trả lời hợp lệ, %zu để trống; không lưu gì",               \
	  "%s: dry run: commune %s, %zu answers valid, %zu left blank; nothing stored")            \
	X(MSG_IMPORT_NOTE, "%s (ghi nhận, không phải lỗi)", "%s (a note, not a problem)")          \
	X(MSG_IMPORT_ANNOTATED, "%s: phiếu có đánh dấu các lỗi đã ghi ở %s để gửi lại xã",          \
	  "%s: the form with its problems marked is in %s")                                        \
	X(MSG_WARN_BLANK, "%s: %s để trống; câu trả lời trước '%s' vẫn được dùng",                 \
	  "%s: %s is left blank; the earlier answer '%s' stays current")                           \
	X(MSG_WARN_RATIO,                                                                          \
	  "%s: chỉ số %s: %s = %s lớn hơn %s = %s theo số liệu của nguồn khác; cán bộ thẩm định sẽ " \
	  "xem xét",                                                                               \
	  "%s: indicator %s: %s = %s is above %s = %s as staged from another source; the appraiser " \
	  "will see it")                                                                           \
	X(MSG_STATUS,                                                                              \
	  "xã %s: %s, đã trả lời %zu/%zu mục, %zu chờ thẩm định, %zu bị từ chối, thông tin liên hệ " \
	  "%s",                                                                                    \
	  "commune %s: %s, %zu of %zu items answered, %zu awaiting appraisal, %zu rejected, contact " \
	  "block %s")                                                                              \
	X(MSG_STATUS_SUBMITTED, "đã nộp phiếu", "submitted")                                       \
	X(MSG_STATUS_NOT_SUBMITTED, "chưa nộp phiếu", "not submitted")                             \
	X(MSG_STATUS_GIVEN, "đã có", "given")                                                      \
	X(MSG_STATUS_MISSING, "còn thiếu", "missing")                                              \
	X(MSG_NOT_ASSESSED, "xã %s không thuộc các xã được đánh giá",                              \
	  "commune %s is not one of the communes assessed")
/* clang-format on */

typedef enum {
#define MSG_ENUM(id, vi, en) id,
	MSG_TABLE(MSG_ENUM)
#undef MSG_ENUM
		MSG_COUNT
} msg_id;

/* The printf format of id in lang (static). */
const char *msg_text(msg_id id, msg_lang lang);

/* The entry's name ("MSG_AT"), for tests. */
const char *msg_name(msg_id id);

/* "vi" or "en" into *out; false for any other word. */
bool msg_lang_parse(const char *word, msg_lang *out);

/* What text_check, text_link_ok and text_note_ok wrote into why (English,
 * "contains a control character (U+0001)"), said in lang, into out.
 * A text it does not know is copied as it is. */
void msg_why(const char *why, msg_lang lang, char out[TEXT_WHY * 2]);

#endif
