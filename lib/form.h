/* form.h — the commune form: the framework's items that a commune supplies
 * (variables whose "source" is "commune"), the CSV form a commune officer
 * fills in a spreadsheet (UTF-8 with BOM, Vietnamese), its strict
 * validation into a batch, and the contact block of appendix I.2.
 *
 * The form is a CSV of 7 columns whose first column is a key:
 *   Mã | Nội dung | Trả lời | Câu trả lời hợp lệ | Tài liệu kiểm chứng |
 *   Đường dẫn tài liệu kiểm chứng | Ghi chú
 * Keys: "#…" (title and instructions, ignored), framework, commune,
 * commune_name, year, deadline, contact (sub-header), contact.officer,
 * contact.approver, and one row per item named by its variable. */
#ifndef DTI_FORM_H
#define DTI_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "batch.h"
#include "err.h"
#include "framework.h"
#include "msg.h"
#include "text.h"
#include "units.h"
#include "util.h"

#define FORM_SOURCE_WORD "commune"  /* the framework's "source" of form items */
#define FORM_COLUMNS 7              /* the columns read back */
#define FORM_COLUMNS_WRITTEN 8      /* and where a prefilled answer comes from, shown only */
#define FORM_MAX_NOTE TEXT_MAX_NOTE /* bytes in a note */
#define FORM_MAX_URL TEXT_MAX_LINK  /* bytes in a proof link */
#define FORM_MAX_CONTACT 200        /* bytes in a contact field */
#define FORM_MAX_BYTES (16u << 20)  /* a form file */

/* One item of the form.  indicator is the first indicator whose rule uses
 * the variable (NULL when none); indicators lists all of them ("1.3"). */
typedef struct form_item {
	const fw_variable *variable;
	const fw_indicator *indicator;
	char indicators[64];
} form_item;

typedef struct form_items {
	form_item *items;
	size_t count;
} form_items;

/* The items of `source` (normally FORM_SOURCE_WORD) in framework order.
 * Caller frees with form_items_free. */
void form_items_build(const framework *fw, const char *source, form_items *out);
void form_items_free(form_items *it);
/* Whether item it is asked of a unit of type unit_type (UNIT_TYPE_*, -1
 * unknown): some indicator using its variable applies to the type, or
 * none uses it.  Every item under a framework without "applies_to". */
bool form_item_applies(const framework *fw, const form_item *it, int unit_type);
/* The items of all asked of a unit of type unit_type, into out (free it
 * with form_items_free). */
void form_items_for_type(const framework *fw, const form_items *all, int unit_type,
			 form_items *out);
/* The unit type of commune code in types (store_commune_unit_types; NULL
 * or absent: -1). */
int form_unit_type(const strmap *types, const char *code);
const form_item *form_items_find(const form_items *it, const char *variable);

enum { CONTACT_OFFICER, CONTACT_APPROVER, CONTACT_ROLES };

/* Heading of column i (0 to FORM_COLUMNS - 1) as the form shows it; ""
 * beyond.  The .xlsx form and the import's column check use them. */
const char *form_column_name(int i);

/* Role word stored in the database ("officer", "approver"). */
const char *form_contact_role(int role);

/* One person of the contact block; fields are owned (NULL = empty). */
typedef struct form_contact {
	char *name, *unit, *position, *phone, *email;
} form_contact;

void form_contact_free(form_contact *c);

/* What a generated form shows. */
typedef struct form_spec {
	const char *commune_code;
	const char *commune_name;
	int year;
	const char *deadline;            /* may be NULL */
	const char *const *prefill;      /* per item: canonical answer, or NULL */
	const char *const *prefill_link; /* per item: proof link, or NULL (may be NULL) */
	const form_contact *contacts;    /* CONTACT_ROLES entries, or NULL */
	const bool *prefill_last_year;   /* per item: the prefill is last year's (may be NULL) */
} form_spec;

/* The deadline as an officer reads it: in LANG_VI "17:00 ngày 31/12/2024
 * (giờ Việt Nam)" (time_vn; a date alone is the end of that day), else iso
 * as it is (also when it is not a time). */
#define FORM_DEADLINE_TEXT TIME_VN_MAX
void form_deadline_text(const char *iso, msg_lang lang, char out[FORM_DEADLINE_TEXT]);

/* Renders the form (BOM, CRLF line ends) into sb. */
dti_err form_render(const framework *fw, const form_items *items, const form_spec *spec, strbuf *sb,
		    dti_diag *d);

/* An answer as the form shows it: the enum's Vietnamese label, Có/Không,
 * the number.  Points into the framework or to a static string. */
const char *form_answer_label(const fw_variable *v, const char *canonical);

/* What an imported form holds once valid. */
typedef struct form_result {
	char commune_code[16];
	int year;
	batch answers; /* one observation per answered item */
	form_contact contacts[CONTACT_ROLES];
	size_t unanswered;  /* items left blank */
	dti_problems notes; /* how answers were read, not problems ("'x' read as …") */
} form_result;

void form_result_init(form_result *r);
void form_result_free(form_result *r);

/* Reads and validates a whole form from f (name for messages), answers
 * read as people write them (answer.h).  Every problem goes to p as
 * "name:LINE (item), cột "heading": problem" in lang (the texts of msg.h),
 * all of them in one pass; how an answer was read when it was not written
 * as the form shows it goes to r->notes alike.  Returns DTI_EINVALID when
 * there was any problem (r then holds nothing usable), DTI_EPARSE when the
 * CSV itself is malformed (d says where).  year is the round's year;
 * communes the communes assessed. */
dti_err form_read_lang(FILE *f, const char *name, const framework *fw, const form_items *items,
		       const commune_index *communes, int year, msg_lang lang, form_result *r,
		       dti_problems *p, dti_diag *d);

/* form_read_lang in Vietnamese. */
dti_err form_read(FILE *f, const char *name, const framework *fw, const form_items *items,
		  const commune_index *communes, int year, form_result *r, dti_problems *p,
		  dti_diag *d);

/* The checks of one item's answer, shared by every way in (the CSV form,
 * the web declaration): what it gave, for the checks across items.
 * Zeroed: not answered.  line is the form's line (0 off a file). */
typedef struct form_answer_state {
	long line;
	bool answered, scores, has_link;
	bool refused; /* an answer was given but not read: it may score */
	double num;
} form_answer_state;

/* Checks one item's answer and proof link (both trimmed, "" for none) and
 * note (as written, "" for none) as a form row is checked; a valid answer
 * is added to answers (batch_add: canonical) for commune_code and year,
 * *st says what it gave, a blank answer counts in *unanswered.  Every
 * problem goes to p as "WHERE: problem", in Vietnamese (lib/msg.h).  dec
 * is the decimal separator ('.' or ','). */
void form_answer_check(const form_item *it, const char *commune_code, int year, const char *answer,
		       const char *link, const char *note, char dec, const char *where,
		       batch *answers, size_t *unanswered, form_answer_state *st, dti_problems *p);

/* The checks across items once each is checked (a ratio's numerator not
 * above its denominator, the proof link an indicator requires): seen is
 * indexed like items.  Problems go to p as "name:LINE (item): problem", or
 * "item: problem" when name is NULL (off a file). */
void form_check_across(const framework *fw, const form_items *items, const form_answer_state *seen,
		       const char *name, dti_problems *p);

/* One person of the contact block checked as the form's contact rows are:
 * fields are name, unit, position, phone, email (trimmed, "" for none);
 * *c (zeroed or owned) receives the valid ones (NFC).  Problems go to p as
 * "WHERE: problem". */
void form_contact_check(const char *const fields[5], const char *where, form_contact *c,
			dti_problems *p);

/* Validation rules, exposed for tests.  Proof links and notes are checked
 * by text_link_ok and text_note_ok (text.h), as every way in checks them. */
/* A phone number: digits with spaces . - ( ); 8 to 15 digits, the first
 * 0 or the first two 84 (or a 1800/1900 number of 8 or 10 digits).  No leading +: a spreadsheet takes it for a
 * formula (write 0… or 84…). */
bool form_phone_ok(const char *s);
/* A phone number that is one but for the leading zero a spreadsheet
 * dropped when it read "0912345678" as a number: 8 to 14 digits, the
 * first not 0. */
bool form_phone_lost_zero(const char *s);
/* An e-mail address: local@domain.tld without spaces. */
bool form_email_ok(const char *s);
/* True when an answer earns points under the indicator (a yes, a count
 * above 0, an enum value whose tier fraction is above 0): such an answer
 * needs a proof link when the indicator requires one. */
bool form_answer_scores(const fw_indicator *ind, const fw_variable *v, const char *canonical,
			double num);

/* Parses an ISO 8601 time with a zone ("2024-12-31T17:00:00+07:00",
 * "…Z"), or a date alone (end of that day, UTC+7, the deadline's usual
 * sense).  False when malformed. */
bool form_parse_time(const char *s, time_t *out);
/* A date YYYY-MM-DD naming a day of the calendar (not 2025-02-30). */
bool form_date_ok(const char *s);

#endif
