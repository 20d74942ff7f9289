/* answer.h — an answer of the commune form as people write it, read into
 * the canonical value the framework stores (framework_value accepts it
 * unchanged).  The mappings, documented for officers in
 * docs/commune-officer.vi.md:
 *   - yes/no: the words of text_yesno, and "Đã có", "Đã ban hành", "Đã
 *     thực hiện", "Đã triển khai", "Rồi", "x" as yes; "Chưa", "Chưa có",
 *     "Chưa ban hành", "Chưa thực hiện", "Chưa triển khai", "Không có" as
 *     no (any case, any Unicode form, with or without diacritics);
 *   - an enum: its value, label or alias (framework_value), else a
 *     distinctive part of one label, whole words (any case, with or without
 *     diacritics): the one label that holds them, else the one where they
 *     begin a part between slashes ("Chủ tịch xã" is "Bí thư/Chủ tịch
 *     xã/thị trấn", not "Phó Bí thư/Phó Chủ tịch xã/thị trấn"); more than
 *     one is refused with the candidates named;
 *   - a count: digits, with dots or spaces between groups of three
 *     ("1.234", "1 234"); "1,5", "1.5" and "1,234" are not whole;
 *   - an amount: a count, or a decimal with a comma ("1.234,5", "0,5") or
 *     with the sheet's separator.
 * No-break spaces (U+00A0, U+202F, U+2007) count as spaces everywhere.
 * Texts come from the message table (msg.h). */
#ifndef DTI_ANSWER_H
#define DTI_ANSWER_H

#include "framework.h"
#include "msg.h"
#include "util.h"

typedef enum {
	ANSWER_OK,      /* canon holds the value */
	ANSWER_READ_AS, /* canon holds the value; why says how it was read (a note) */
	ANSWER_REFUSED, /* why says what is wrong and what to write instead */
} answer_status;

#define ANSWER_MAX 128  /* bytes of a canonical value */
#define ANSWER_PARTS 64 /* enum values a part of a label is matched against (the first) */

/* Reads raw (trimmed, valid UTF-8, not empty) as an answer to v.  dec is
 * the decimal separator of the file ('.' or ','), used for amounts alone.
 * why (reset first) receives a message in lang without the place. */
answer_status answer_read(const fw_variable *v, const char *raw, char dec, msg_lang lang,
			  char canon[ANSWER_MAX], strbuf *why);

/* A proof link without its scheme ("xa.example.vn/qd.pdf", a host with a
 * dot, then a path): the link with "https://" in front, malloc'd; NULL when
 * link has a scheme or does not look like a host (then it goes to
 * text_link_ok as it is). */
char *answer_link_scheme(const char *link);

#endif
