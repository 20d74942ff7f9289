#include "form.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "csv.h"
#include "csv_header.h"
#include "text.h"

/* Column headers, as the officer sees them. */
static const char *const header[FORM_COLUMNS_WRITTEN] = {
	"Mã",
	"Nội dung",
	"Trả lời",
	"Câu trả lời hợp lệ",
	"Tài liệu kiểm chứng",
	"Đường dẫn tài liệu kiểm chứng (http/https)",
	"Ghi chú",
	"Nguồn câu trả lời điền sẵn",
};
enum { C_KEY, C_TEXT, C_ANSWER, C_ALLOWED, C_PROOF, C_LINK, C_NOTE, C_SOURCE };

static const char *const role_words[CONTACT_ROLES] = {"officer", "approver"};
static const char *const role_labels[CONTACT_ROLES] = {"Chuyên viên cung cấp số liệu",
						       "Lãnh đạo cơ quan duyệt"};
static const char *const contact_labels[5] = {"Họ tên", "Đơn vị công tác", "Chức vụ",
					      "Điện thoại liên hệ", "Email"};

const char *form_column_name(int i)
{
	return i >= 0 && i < FORM_COLUMNS ? header[i] : "";
}

const char *form_contact_role(int role)
{
	return role >= 0 && role < CONTACT_ROLES ? role_words[role] : "?";
}

void form_contact_free(form_contact *c)
{
	free(c->name);
	free(c->unit);
	free(c->position);
	free(c->phone);
	free(c->email);
	memset(c, 0, sizeof *c);
}

void form_items_build(const framework *fw, const char *source, form_items *out)
{
	memset(out, 0, sizeof *out);
	out->items = xcalloc(fw->n_variables ? fw->n_variables : 1, sizeof *out->items);
	for (size_t i = 0; i < fw->n_variables; i++) {
		const fw_variable *v = &fw->variables[i];
		form_item *it;
		size_t n = 0;

		if (strcmp(v->source, source) != 0)
			continue;
		it = &out->items[out->count++];
		it->variable = v;
		for (size_t k = 0; k < fw->n_indicators; k++) {
			const fw_indicator *ind = &fw->indicators[k];
			if (!framework_indicator_uses(ind, v))
				continue;
			if (!it->indicator)
				it->indicator = ind;
			if (n < sizeof it->indicators)
				n += (size_t)snprintf(it->indicators + n, sizeof it->indicators - n,
						      "%s%s", n ? ", " : "", ind->id);
		}
	}
}

bool form_item_applies(const framework *fw, const form_item *it, int unit_type)
{
	bool used = false;

	if (!fw->by_unit_type)
		return true;
	for (size_t k = 0; k < fw->n_indicators; k++) {
		const fw_indicator *ind = &fw->indicators[k];
		if (!framework_indicator_uses(ind, it->variable))
			continue;
		if (framework_applies(ind, unit_type))
			return true;
		used = true;
	}
	return !used;
}

void form_items_for_type(const framework *fw, const form_items *all, int unit_type, form_items *out)
{
	memset(out, 0, sizeof *out);
	out->items = xcalloc(all->count ? all->count : 1, sizeof *out->items);
	for (size_t i = 0; i < all->count; i++)
		if (form_item_applies(fw, &all->items[i], unit_type))
			out->items[out->count++] = all->items[i];
}

int form_unit_type(const strmap *types, const char *code)
{
	intptr_t t;

	return types && code && strmap_get(types, code, &t) && t >= 0 ? (int)t : -1;
}

void form_items_free(form_items *it)
{
	free(it->items);
	memset(it, 0, sizeof *it);
}

const form_item *form_items_find(const form_items *it, const char *variable)
{
	for (size_t i = 0; i < it->count; i++)
		if (strcmp(it->items[i].variable->name, variable) == 0)
			return &it->items[i];
	return NULL;
}

const char *form_answer_label(const fw_variable *v, const char *canonical)
{
	if (!canonical)
		return "";
	if (v->type == VAR_YESNO)
		return strcmp(canonical, "yes") == 0  ? "Có"
		       : strcmp(canonical, "no") == 0 ? "Không"
						      : canonical;
	if (v->type == VAR_ENUM)
		for (size_t i = 0; i < v->n_values; i++)
			if (strcmp(v->values[i].value, canonical) == 0)
				return *v->values[i].label ? v->values[i].label
							   : v->values[i].value;
	return canonical;
}

/* One CSV field: quoted when needed, text guarded against formulas. */
static dti_err put_field(strbuf *sb, const char *s, bool last)
{
	dti_err rc = sb_csv_field(sb, s ? s : "", true);

	return rc ? rc : sb_appends(sb, last ? "\r\n" : ",");
}

/* A row of the form: FORM_COLUMNS fields, then the shown-only column
 * (f[FORM_COLUMNS] when more is true, else empty). */
static dti_err put_row_more(strbuf *sb, const char *const *f, bool more)
{
	dti_err rc = DTI_EOK;

	for (int i = 0; !rc && i < FORM_COLUMNS_WRITTEN; i++)
		rc = put_field(sb, i < FORM_COLUMNS || more ? f[i] : "",
			       i == FORM_COLUMNS_WRITTEN - 1);
	return rc;
}

static dti_err put_row(strbuf *sb, const char *const f[FORM_COLUMNS])
{
	return put_row_more(sb, f, false);
}

static void allowed_answers(const fw_variable *v, strbuf *sb)
{
	switch (v->type) {
	case VAR_YESNO: sb_appends(sb, "Có / Không"); break;
	case VAR_COUNT: sb_appends(sb, "Số nguyên không âm (0, 1, 2, …)"); break;
	case VAR_AMOUNT: sb_appends(sb, "Số không âm"); break;
	case VAR_ENUM:
		for (size_t i = 0; i < v->n_values; i++)
			sb_appendf(sb, "%s%s", i ? " | " : "",
				   *v->values[i].label ? v->values[i].label : v->values[i].value);
		break;
	}
	if (v->unit && *v->unit)
		sb_appendf(sb, " (đơn vị: %s)", v->unit);
}

/* A phone number as the form shows it: one of digits alone gets a space
 * after its fourth digit ("0912 345678"), so that a spreadsheet opening the
 * CSV keeps it as text and its leading 0 with it. */
static void phone_shown(const char *phone, char out[FORM_MAX_CONTACT + 2])
{
	size_t n = phone ? strlen(phone) : 0;

	if (n >= 8 && n <= FORM_MAX_CONTACT && strspn(phone, "0123456789") == n)
		snprintf(out, FORM_MAX_CONTACT + 2, "%.4s %s", phone, phone + 4);
	else
		snprintf(out, FORM_MAX_CONTACT + 2, "%s", phone ? phone : "");
}

/* Where item i's prefilled answer comes from, as the form says it. */
static const char *prefill_source(const form_spec *spec, size_t i, const char *last_year)
{
	if (!spec->prefill || !spec->prefill[i])
		return "";
	if (spec->prefill_last_year && spec->prefill_last_year[i])
		return last_year;
	return "Đã nộp năm nay";
}

void form_deadline_text(const char *iso, msg_lang lang, char out[FORM_DEADLINE_TEXT])
{
	char end_of_day[32];

	if (lang != LANG_VI) {
		snprintf(out, FORM_DEADLINE_TEXT, "%s", iso);
		return;
	}
	/* A date alone is the end of that day (form_parse_time). */
	if (strlen(iso) == 10) {
		snprintf(end_of_day, sizeof end_of_day, "%sT23:59:59+07:00", iso);
		iso = end_of_day;
	}
	time_vn(iso, out);
}

dti_err form_render(const framework *fw, const form_items *items, const form_spec *spec, strbuf *sb,
		    dti_diag *d)
{
	char year[16], last_year[64];
	strbuf q, allowed;
	dti_err rc;

	snprintf(year, sizeof year, "%d", spec->year);
	snprintf(last_year, sizeof last_year, "Năm trước (%d): kiểm tra lại", spec->year - 1);
	sb_init(&q, 0);
	sb_init(&allowed, 0);
	rc = sb_appends(sb, "\xEF\xBB\xBF");
	if (!rc)
		rc = put_row_more(sb, header, true);
	sb_appendf(&q, "PHIẾU CUNG CẤP SỐ LIỆU CHUYỂN ĐỔI SỐ CẤP XÃ NĂM %d — %s", spec->year,
		   fw->title);
	if (!rc)
		rc = put_row(sb, (const char *const[]){"#", q.data, "", "", "", "", ""});
	if (!rc)
		rc = put_row(
			sb,
			(const char *const[]){
				"#",
				"Điền cột \"Trả lời\" cho từng mục (chọn một câu trả lời hợp lệ); "
				"với câu trả lời được tính điểm, ghi đường dẫn (http/https) tới tài "
				"liệu kiểm chứng. Không sửa cột \"Mã\". Câu trả lời có ghi \"Năm "
				"trước\" ở cột \"Nguồn câu trả lời điền sẵn\" là số liệu năm trước: "
				"kiểm tra và sửa lại cho năm nay.",
				"", "", "", "", ""});
	if (!rc)
		rc = put_row(sb, (const char *const[]){"framework", "Bộ chỉ số", fw->edition, "",
						       "", "", ""});
	if (!rc)
		rc = put_row(sb, (const char *const[]){"commune", "Mã xã/thị trấn",
						       spec->commune_code, "", "", "", ""});
	if (!rc)
		rc = put_row(sb, (const char *const[]){"commune_name", "Tên xã/thị trấn",
						       spec->commune_name, "", "", "", ""});
	if (!rc)
		rc = put_row(sb,
			     (const char *const[]){"year", "Năm đánh giá", year, "", "", "", ""});
	if (!rc && spec->deadline) {
		char when[FORM_DEADLINE_TEXT];
		form_deadline_text(spec->deadline, LANG_VI, when);
		rc = put_row(sb,
			     (const char *const[]){"deadline", "Hạn nộp", when, "", "", "", ""});
	}
	for (size_t i = 0; !rc && i < items->count; i++) {
		const form_item *it = &items->items[i];
		const char *pre = spec->prefill ? spec->prefill[i] : NULL;
		sb_reset(&q);
		sb_reset(&allowed);
		if (it->indicators[0])
			sb_appendf(&q, "[%s] ", it->indicators);
		sb_appends(&q, it->variable->label);
		allowed_answers(it->variable, &allowed);
		rc = put_row_more(
			sb,
			(const char *const[]){it->variable->name, q.data,
					      form_answer_label(it->variable, pre), allowed.data,
					      it->indicator ? it->indicator->proof : "",
					      spec->prefill_link ? spec->prefill_link[i] : NULL, "",
					      prefill_source(spec, i, last_year)},
			true);
	}
	if (!rc)
		rc = put_row(sb, (const char *const[]){"contact", "Thông tin liên hệ",
						       contact_labels[0], contact_labels[1],
						       contact_labels[2], contact_labels[3],
						       contact_labels[4]});
	for (int r = 0; !rc && r < CONTACT_ROLES; r++) {
		const form_contact *c = spec->contacts ? &spec->contacts[r] : NULL;
		char key[32], phone[FORM_MAX_CONTACT + 2];
		snprintf(key, sizeof key, "contact.%s", role_words[r]);
		phone_shown(c ? c->phone : NULL, phone);
		rc = put_row(sb, (const char *const[]){key, role_labels[r], c ? c->name : "",
						       c ? c->unit : "", c ? c->position : "",
						       phone, c ? c->email : ""});
	}
	sb_free(&q);
	sb_free(&allowed);
	if (rc)
		return diag_set(d, rc, "form of %s: too large", spec->commune_code);
	return DTI_EOK;
}

void form_result_init(form_result *r)
{
	memset(r, 0, sizeof *r);
	batch_init(&r->answers);
}

void form_result_free(form_result *r)
{
	batch_free(&r->answers);
	problems_free(&r->notes);
	for (int i = 0; i < CONTACT_ROLES; i++)
		form_contact_free(&r->contacts[i]);
	memset(r, 0, sizeof *r);
}

/* The digits of a phone number into out (at most 16 and a NUL); false
 * when it holds anything but digits and spaces . - ( ) or too many digits. */
static bool phone_digits(const char *s, char out[17])
{
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == 16)
				return false;
			out[n++] = *p;
		} else if (!strchr(" .-()", *p)) {
			return false;
		}
	}
	out[n] = '\0';
	return true;
}

bool form_phone_ok(const char *s)
{
	char d[17];
	size_t n;

	if (!phone_digits(s, d))
		return false;
	n = strlen(d);
	/* 1800 and 1900 numbers (hotlines) have no leading 0. */
	if ((strncmp(d, "1800", 4) == 0 || strncmp(d, "1900", 4) == 0) && (n == 8 || n == 10))
		return true;
	return n >= 8 && n <= 15 && (d[0] == '0' || (strncmp(d, "84", 2) == 0 && n >= 11));
}

bool form_phone_lost_zero(const char *s)
{
	char d[17];
	size_t n;

	if (!phone_digits(s, d) || form_phone_ok(s))
		return false;
	n = strlen(d);
	return n >= 8 && n <= 14 && d[0] != '0';
}

bool form_email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	const char *dot;
	size_t n = strlen(s);

	if (!at || at == s || strchr(at + 1, '@') || n > 254)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7F || strchr("\"(),:;<>[\\]", *p))
			return false;
	dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

bool form_answer_scores(const fw_indicator *ind, const fw_variable *v, const char *canonical,
			double num)
{
	if (v->type != VAR_ENUM)
		return num > 0;
	if (ind && ind->variable == v && ind->n_tiers) { /* only a tier rule has tiers */
		for (size_t i = 0; i < ind->n_tiers; i++)
			if (strcmp(ind->tiers[i].value, canonical) == 0)
				return ind->tiers[i].fraction > 0;
	}
	return true;
}

bool form_parse_time(const char *s, time_t *out)
{
	char end_of_day[32];

	/* A date alone: the end of that day in Vietnam, a deadline's usual sense. */
	if (s && strlen(s) == 10) {
		snprintf(end_of_day, sizeof end_of_day, "%sT23:59:59+07:00", s);
		return time_parse_iso(end_of_day, out);
	}
	return time_parse_iso(s, out);
}

bool form_date_ok(const char *s)
{
	time_t t;
	struct tm tm;
	char back[16];

	if (!s || strlen(s) != 10 || !form_parse_time(s, &t) || !gmtime_r(&t, &tm))
		return false;
	strftime(back, sizeof back, "%Y-%m-%d", &tm);
	return strcmp(back, s) == 0;
}

/* ---- reading a filled form ---- */

typedef struct reader {
	const char *name;
	dti_problems *p;
	long line;
	const char *key;
	msg_lang lang;
	dti_problems *notes; /* how answers were read */
} reader;

/* "name:LINE (key), cột "col": msg" into to, the parts the reader has;
 * printable (text_printable): msg quotes what the officer wrote, and it
 * goes to a terminal and a run record. */
static void place(const reader *rd, dti_problems *to, const char *col, const char *msg)
{
	bool key = rd->key && *rd->key;
	char buf[1024];

	if (!to)
		return;
	if (!rd->name) /* off a file (form_answer_check…): where is in key */
		snprintf(buf, sizeof buf, "%s%s%s%s%s", key ? rd->key : "", key && col ? ", " : "",
			 col ? col : "", key || col ? ": " : "", msg);
	else if (key && col)
		snprintf(buf, sizeof buf, msg_text(MSG_AT_ITEM_COLUMN, rd->lang), rd->name,
			 rd->line, rd->key, col, msg);
	else if (key)
		snprintf(buf, sizeof buf, msg_text(MSG_AT_ITEM, rd->lang), rd->name, rd->line,
			 rd->key, msg);
	else if (col)
		snprintf(buf, sizeof buf, msg_text(MSG_AT_COLUMN, rd->lang), rd->name, rd->line,
			 col, msg);
	else
		snprintf(buf, sizeof buf, msg_text(MSG_AT, rd->lang), rd->name, rd->line, msg);
	problems_add(to, "%s", text_printable(buf));
}

/* A problem of the current line in column col (a heading, or NULL): the
 * text of id in the reader's language, formatted with the arguments. */
static void problem(reader *rd, const char *col, msg_id id, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, id);
	vsnprintf(msg, sizeof msg, msg_text(id, rd->lang), ap);
	va_end(ap);
	place(rd, rd->p, col, msg);
}

/* A problem whose text is what text_check and friends said (why), after
 * the words of id ("đường dẫn %s"). */
static void problem_why(reader *rd, const char *col, msg_id id, const char *why)
{
	char said[TEXT_WHY * 2];

	msg_why(why, rd->lang, said);
	problem(rd, col, id, said);
}

/* Field i trimmed, or "" when the record is shorter; without the
 * apostrophe put_field put before a formula character (the form given
 * back as generated reads as it was filled). */
static char *field(csv_reader *r, size_t i)
{
	return text_trim(xstrdup(sheet_text_unguard(i < csv_nfields(r) ? csv_field(r, i) : "")));
}

/* Contact field: NFC, bounded, one line of clean text (text_check), not
 * starting with a character that makes a spreadsheet run it as a formula
 * (the form goes back to the officer's spreadsheet).  Returns owned or NULL. */
static char *contact_field(reader *rd, const char *raw, const char *what)
{
	char why[TEXT_WHY], said[TEXT_WHY * 2];

	if (!*raw)
		return NULL;
	if (strlen(raw) > FORM_MAX_CONTACT) {
		problem(rd, what, MSG_TOO_LONG, FORM_MAX_CONTACT);
		return NULL;
	}
	if (strchr("=+-@", raw[0])) {
		problem(rd, what, MSG_FORMULA, raw[0], raw[0]);
		return NULL;
	}
	if (!text_check(raw, strlen(raw), TEXT_LINE, why)) {
		msg_why(why, rd->lang, said);
		place(rd, rd->p, what, said);
		return NULL;
	}
	return text_nfc(raw);
}

/* One person of the contact block: f is name, unit, position, phone,
 * email (trimmed). */
static void check_contact(reader *rd, const char *const f[5], form_contact *c)
{
	form_contact_free(c);
	c->name = contact_field(rd, f[0], contact_labels[0]);
	c->unit = contact_field(rd, f[1], contact_labels[1]);
	c->position = contact_field(rd, f[2], contact_labels[2]);
	/* A leading + would make the spreadsheet compute the number; a
	 * spreadsheet that read the number as a number dropped its 0. */
	if (f[3][0] == '+')
		problem(rd, contact_labels[3], MSG_PHONE_PLUS, f[3]);
	else if (*f[3] && form_phone_lost_zero(f[3]))
		problem(rd, contact_labels[3], MSG_PHONE_ZERO, f[3], f[3]);
	else if (*f[3] && !form_phone_ok(f[3]))
		problem(rd, contact_labels[3], MSG_PHONE_BAD, f[3]);
	else
		c->phone = contact_field(rd, f[3], contact_labels[3]);
	if (*f[4] && !form_email_ok(f[4]))
		problem(rd, contact_labels[4], MSG_EMAIL_BAD, f[4]);
	else
		c->email = contact_field(rd, f[4], contact_labels[4]);
	if (!*f[0])
		problem(rd, contact_labels[0], MSG_REQUIRED);
	if (!*f[3])
		problem(rd, contact_labels[3], MSG_REQUIRED);
}

void form_contact_check(const char *const fields[5], const char *where, form_contact *c,
			dti_problems *p)
{
	reader rd = {NULL, p, 0, where, LANG_VI, NULL};

	check_contact(&rd, fields, c);
}

static void read_contact(reader *rd, csv_reader *r, form_contact *c)
{
	char *f[5];

	for (int i = 0; i < 5; i++)
		f[i] = field(r, (size_t)C_ANSWER + (size_t)i);
	check_contact(rd, (const char *const *)f, c);
	for (int i = 0; i < 5; i++)
		free(f[i]);
}

/* Per item: the line it was answered on, and its state for cross-item checks. */
typedef form_answer_state item_seen;

static bool record_clean(reader *rd, csv_reader *r)
{
	bool ok = true;

	for (size_t i = 0; i < csv_nfields(r); i++) {
		const char *f = csv_field(r, i);
		size_t n = csv_field_len(r, i);
		char extra[48];
		const char *col = header[i < FORM_COLUMNS_WRITTEN ? i : 0];
		if (i >= FORM_COLUMNS_WRITTEN) {
			snprintf(extra, sizeof extra, msg_text(MSG_EXTRA_COLUMN, rd->lang), i + 1);
			col = extra;
		}
		if (!utf8_valid(f, n)) {
			problem(rd, col, MSG_NOT_UTF8);
			ok = false;
		}
	}
	return ok;
}

static void check_ratios(reader *rd, const framework *fw, const form_items *items,
			 const item_seen *seen)
{
	for (size_t k = 0; k < fw->n_indicators; k++) {
		const fw_indicator *ind = &fw->indicators[k];
		double num = 0, den = 0;
		bool all = ind->n_numerator > 0 && ind->n_denominator > 0;
		long line = 0;

		for (size_t j = 0; all && j < ind->n_numerator + ind->n_denominator; j++) {
			const fw_variable *v = j < ind->n_numerator
						       ? ind->numerator[j]
						       : ind->denominator[j - ind->n_numerator];
			const form_item *it = form_items_find(items, v->name);
			const item_seen *s = it ? &seen[it - items->items] : NULL;
			if (!s || !s->answered) {
				all = false;
				break;
			}
			if (j < ind->n_numerator) {
				num += s->num;
				if (!line)
					line = s->line;
			} else {
				den += s->num;
			}
		}
		if (all && num > den) {
			char a[64], b[64];
			format_number(a, num);
			format_number(b, den);
			rd->line = line;
			rd->key = ind->numerator[0]->name;
			problem(rd, header[C_ANSWER], MSG_RATIO, ind->id, a,
				ind->denominator[0]->name, b);
		}
	}
}

/* Indicators that need a proof link and have none: those with an answer
 * that scores, and — so that the officer learns it in the same pass —
 * those whose only scoring candidates are answers refused above (the link
 * is needed if the corrected answer earns points). */
static void check_links(reader *rd, const framework *fw, const form_items *items,
			const item_seen *seen)
{
	for (size_t k = 0; k < fw->n_indicators; k++) {
		const fw_indicator *ind = &fw->indicators[k];
		long need = 0, maybe = 0;
		bool have = false;

		if (!ind->proof_link_required)
			continue;
		for (size_t i = 0; i < items->count; i++) {
			if (items->items[i].indicator != ind || !seen[i].line)
				continue;
			if (seen[i].answered && seen[i].scores && !need)
				need = seen[i].line;
			if (seen[i].refused && !maybe)
				maybe = seen[i].line;
			have = have || seen[i].has_link;
		}
		if ((!need && !maybe) || have)
			continue;
		rd->line = need ? need : maybe;
		rd->key = NULL;
		for (size_t i = 0; i < items->count; i++)
			if (items->items[i].indicator == ind && seen[i].line == rd->line)
				rd->key = items->items[i].variable->name;
		problem(rd, header[C_LINK], need ? MSG_LINK_NEEDED : MSG_LINK_NEEDED_IF, ind->id,
			*ind->proof ? ind->proof : "tài liệu kiểm chứng");
	}
}

void form_check_across(const framework *fw, const form_items *items, const form_answer_state *seen,
		       const char *name, dti_problems *p)
{
	reader rd = {name, p, 0, NULL, LANG_VI, NULL};

	check_ratios(&rd, fw, items, seen);
	check_links(&rd, fw, items, seen);
}

/* Line number of a problem "name:LINE…" (0 when none). */
static long problem_line(const char *s, size_t skip)
{
	long n = 0;

	if (strlen(s) <= skip || s[skip] != ':')
		return 0;
	for (const char *q = s + skip + 1; *q >= '0' && *q <= '9' && n < 100000000; q++)
		n = n * 10 + (*q - '0');
	return n;
}

/* Problems in line order (stable: insertion sort, a form has few). */
static void sort_problems(dti_problems *p, size_t from, const char *name)
{
	size_t skip = strlen(name);

	for (size_t i = from + 1; i < p->stored; i++) {
		char *cur = p->items[i];
		long line = problem_line(cur, skip);
		size_t j = i;
		while (j > from && problem_line(p->items[j - 1], skip) > line) {
			p->items[j] = p->items[j - 1];
			j--;
		}
		p->items[j] = cur;
	}
}

/* A form being read: the problems' place, the CSV, and what the first
 * pass found for the checks and the second pass. */
typedef struct form_reader {
	reader rd;
	csv_reader *r;
	char dec;
	strmap keys; /* key -> line first seen */
	char *code_raw, *name_raw, *year_raw;
	long code_line, name_line, year_line;
	long contact_line[CONTACT_ROLES];
	item_seen *seen;
} form_reader;

/* The header row, as the shared header reader finds it: 1 when it is a
 * commune form's, 0 when not (with a problem) or empty, -1 when malformed. */
static int form_header(form_reader *fr, dti_diag *d)
{
	const csv_header_name names[] = {{header[C_KEY], C_KEY + 1}};
	csv_header h;
	int got = csv_header_read(fr->r, fr->rd.name, names, sizeof names / sizeof names[0],
				  CSV_HEADER_UNGUARD, &h, fr->rd.p, d);

	if (got > 0 && !(h.n >= FORM_COLUMNS && h.role[C_KEY] == C_KEY + 1)) {
		fr->rd.line = 1;
		problem(&fr->rd, NULL, MSG_NOT_A_FORM);
		got = 0;
	}
	fr->dec = h.dec;
	csv_header_free(&h);
	return got;
}

/* A row of the first pass that is clean and not seen before: the form's
 * own rows (framework, commune, year, contact block) are read, an item is
 * only checked to be one. */
static void meta_row(form_reader *fr, const char *key, const framework *fw, const form_items *items,
		     form_result *res)
{
	reader *rd = &fr->rd;

	if (strcmp(key, "framework") == 0) {
		char *e = field(fr->r, C_ANSWER);
		if (strcmp(e, fw->edition) != 0)
			problem(rd, header[C_ANSWER], MSG_FRAMEWORK, e, fw->edition);
		free(e);
	} else if (strcmp(key, "commune") == 0) {
		fr->code_raw = field(fr->r, C_ANSWER);
		fr->code_line = rd->line;
	} else if (strcmp(key, "commune_name") == 0) {
		fr->name_raw = field(fr->r, C_ANSWER);
		fr->name_line = rd->line;
	} else if (strcmp(key, "year") == 0) {
		fr->year_raw = field(fr->r, C_ANSWER);
		fr->year_line = rd->line;
	} else if (strcmp(key, "deadline") == 0 || strcmp(key, "contact") == 0) {
		/* shown to the officer only */
	} else if (strncmp(key, "contact.", 8) == 0) {
		int role = -1;
		for (int i = 0; i < CONTACT_ROLES; i++)
			if (strcmp(key + 8, role_words[i]) == 0)
				role = i;
		if (role < 0) {
			problem(rd, header[C_KEY], MSG_CONTACT_ROLE);
		} else {
			fr->contact_line[role] = rd->line;
			read_contact(rd, fr->r, &res->contacts[role]);
		}
	} else {
		const form_item *it = form_items_find(items, key);
		const fw_variable *v = framework_variable(fw, key);
		if (!it && v)
			problem(rd, header[C_KEY], MSG_NOT_COMMUNE_ITEM, v->source);
		else if (!it)
			problem(rd, header[C_KEY], MSG_UNKNOWN_ITEM);
	}
}

/* First pass: everything but the answers, which need the commune.
 * Returns 0 at the end of the file, -1 on malformed CSV. */
static int first_pass(form_reader *fr, const framework *fw, const form_items *items,
		      form_result *res, dti_diag *d)
{
	csv_reader *r = fr->r;
	int got;

	while ((got = csv_next(r, d)) > 0) {
		char *key;
		intptr_t first;
		bool clean;

		fr->rd.line = csv_line(r);
		fr->rd.key = NULL;
		if (csv_nfields(r) && !utf8_valid(csv_field(r, 0), csv_field_len(r, 0))) {
			record_clean(&fr->rd, r);
			continue;
		}
		key = field(r, C_KEY);
		fr->rd.key = key;
		clean = record_clean(&fr->rd, r);
		if (!*key || key[0] == '#') {
			/* title and instructions */
		} else if (strmap_get(&fr->keys, key, &first)) {
			problem(&fr->rd, header[C_KEY], MSG_DUPLICATE, (long)first);
		} else {
			strmap_put(&fr->keys, key, (intptr_t)fr->rd.line);
			if (clean)
				meta_row(fr, key, fw, items, res);
			else
				for (int i = 0; i < CONTACT_ROLES; i++)
					if (strncmp(key, "contact.", 8) == 0 &&
					    strcmp(key + 8, role_words[i]) == 0)
						fr->contact_line[i] = fr->rd.line;
		}
		free(key);
	}
	return got;
}

/* The commune the form names, by code and by name: into res when known. */
static void check_commune(form_reader *fr, const commune_index *communes, form_result *res)
{
	reader *rd = &fr->rd;
	const commune_entry *by_code = NULL, *by_name = NULL;
	bool has_code = fr->code_raw && *fr->code_raw, has_name = fr->name_raw && *fr->name_raw;
	bool shared = false;

	rd->key = NULL;
	if (has_code) {
		rd->line = fr->code_line;
		by_code = commune_index_code(communes, fr->code_raw);
		if (!by_code)
			problem(rd, header[C_ANSWER], MSG_COMMUNE_UNKNOWN, fr->code_raw);
	}
	if (has_name) {
		rd->line = fr->name_line;
		by_name = commune_index_name_of(communes, fr->name_raw, &shared);
		/* The code's name or alias, or its own name though another
		 * commune has it too. */
		if (by_code && by_name != by_code && !commune_name_is(by_code, fr->name_raw))
			problem(rd, header[C_ANSWER], MSG_COMMUNE_NAME, fr->name_raw, by_code->code,
				by_code->name);
		else if (!by_code && !by_name && !has_code)
			problem(rd, header[C_ANSWER],
				shared ? MSG_COMMUNE_SHARED_NAME : MSG_COMMUNE_UNKNOWN,
				fr->name_raw);
	}
	if (!has_code && !has_name) {
		rd->line = 1;
		problem(rd, NULL, MSG_NO_COMMUNE);
	}
	if (by_code || by_name)
		snprintf(res->commune_code, sizeof res->commune_code, "%s",
			 (by_code ? by_code : by_name)->code);
}

/* The year the form gives against the round's, and the contact rows. */
static void check_year_contacts(form_reader *fr, int year, form_result *res)
{
	reader *rd = &fr->rd;
	int64_t y = 0;

	rd->line = fr->year_line ? fr->year_line : 1;
	if (!fr->year_raw || !*fr->year_raw)
		problem(rd, NULL, MSG_NO_YEAR);
	else if (!year_parse(fr->year_raw, &y))
		problem(rd, header[C_ANSWER], MSG_NOT_YEAR, fr->year_raw);
	else if (y != year)
		problem(rd, header[C_ANSWER], MSG_YEAR_MISMATCH, (long long)y, year, (long long)y);
	res->year = year;
	for (int i = 0; i < CONTACT_ROLES; i++)
		if (!fr->contact_line[i]) {
			rd->line = 1;
			problem(rd, NULL, MSG_CONTACT_ROW, role_words[i], role_labels[i]);
		}
}

/* Whether the current row is an item's answer to read in the second pass:
 * an item, on the line it was first given, clean UTF-8 (else reported). */
static const form_item *answer_item(form_reader *fr, const form_items *items, const char *key)
{
	csv_reader *r = fr->r;
	const form_item *it = form_items_find(items, key);
	intptr_t first;

	if (!it || !strmap_get(&fr->keys, key, &first) || first != fr->rd.line ||
	    csv_nfields(r) == 0 || !utf8_valid(csv_field(r, 0), csv_field_len(r, 0)))
		return NULL;
	for (size_t i = 0; i < csv_nfields(r); i++)
		if (!utf8_valid(csv_field(r, i), csv_field_len(r, i)))
			return NULL; /* already reported */
	return it;
}

/* The row's proof link, checked: one without a scheme is given https://
 * and said so in a note.  Returns the link to store (owned, "" when none)
 * and whether it is usable in *ok. */
static char *row_link(reader *rd, const char *raw, bool *ok)
{
	char *link = xstrdup(raw), *fixed = answer_link_scheme(link);
	char why[TEXT_WHY];

	if (fixed) {
		char said[TEXT_MAX_LINK * 2 + 128];
		snprintf(said, sizeof said, msg_text(MSG_LINK_SCHEME, rd->lang), link, fixed);
		place(rd, rd->notes, header[C_LINK], said);
		free(link);
		link = fixed;
	}
	*ok = !*link || text_link_ok(link, why);
	if (!*ok)
		problem_why(rd, header[C_LINK], MSG_LINK_BAD, why);
	return link;
}

/* One item's answer (trimmed), link (trimmed) and note (as written)
 * checked; a valid answer goes into answers under commune_code and *s
 * says what it gave.  Problems go through rd; where prefixes batch_add's. */
static void check_answer(reader *rd, const form_item *it, const char *commune_code, int year,
			 const char *answer, const char *raw_link, const char *note_in, char dec,
			 const char *where, batch *answers, size_t *unanswered, item_seen *s)
{
	char *note = xstrdup(note_in), *link;
	char why[TEXT_WHY], canon[ANSWER_MAX];
	bool link_ok;
	answer_status st;
	strbuf said;

	sb_init(&said, 0);
	/* Said in the order of the columns: answer, link, note.  An answer
	 * is one line of clean text before it is read. */
	st = ANSWER_OK;
	if (*answer && !text_check(answer, strlen(answer), TEXT_LINE, why)) {
		problem_why(rd, header[C_ANSWER], MSG_ANSWER_TEXT, why);
		st = ANSWER_REFUSED;
	} else if (*answer) {
		st = answer_read(it->variable, answer, dec, rd->lang, canon, &said);
	}
	if (st != ANSWER_OK && said.len)
		place(rd, st == ANSWER_REFUSED ? rd->p : rd->notes, header[C_ANSWER], said.data);
	link = row_link(rd, raw_link, &link_ok);
	/* A link on a row without an answer is a problem of its own, not a proof. */
	s->has_link = *link && link_ok && *answer;
	if (!*answer && *link)
		problem(rd, header[C_ANSWER], MSG_LINK_NO_ANSWER);
	if (!text_note_ok(note, why)) {
		problem_why(rd, header[C_NOTE], MSG_NOTE_BAD, why);
		note[0] = '\0';
	}
	if (!*answer)
		(*unanswered)++;
	s->refused = *answer && st == ANSWER_REFUSED;
	if (!*answer || st == ANSWER_REFUSED)
		goto out;
	if (batch_add(answers, it->variable, commune_code, year, canon, '.', link_ok ? link : NULL,
		      note, where, rd->p)) {
		batch_item *bi = &answers->items[answers->count - 1];
		s->answered = true;
		s->num = bi->num;
		s->scores = form_answer_scores(it->indicator, it->variable, bi->value, bi->num);
	}
out:
	sb_free(&said);
	free(link);
	free(note);
}

void form_answer_check(const form_item *it, const char *commune_code, int year, const char *answer,
		       const char *link, const char *note, char dec, const char *where,
		       batch *answers, size_t *unanswered, form_answer_state *st, dti_problems *p)
{
	reader rd = {NULL, p, 0, where, LANG_VI, NULL};

	check_answer(&rd, it, commune_code, year, answer, link, note, dec, where, answers,
		     unanswered, st);
}

/* One item's answer, link and note, checked and added to res. */
static void answer_row(form_reader *fr, const form_item *it, size_t idx, int year, form_result *res)
{
	csv_reader *r = fr->r;
	reader *rd = &fr->rd;
	char *answer = field(r, C_ANSWER), *link = field(r, C_LINK);
	/* Answers are checked even when the commune is wrong ("?"): the
	 * officer gets every problem at once. */
	const char *cc = res->commune_code[0] ? res->commune_code : "?";
	char where[256];

	fr->seen[idx].line = rd->line;
	snprintf(where, sizeof where, "%s:%ld (%s)", rd->name, rd->line, rd->key);
	/* The note is kept as written (not trimmed). */
	check_answer(rd, it, cc, year, answer, link,
		     C_NOTE < csv_nfields(r) ? csv_field(r, C_NOTE) : "", fr->dec, where,
		     &res->answers, &res->unanswered, &fr->seen[idx]);
	free(answer);
	free(link);
}

/* Second pass: the answers.  Returns 0 at the end, -1 on malformed CSV. */
static int second_pass(form_reader *fr, const form_items *items, int year, form_result *res,
		       dti_diag *d)
{
	int got = csv_next(fr->r, d); /* header */

	while (got > 0 && (got = csv_next(fr->r, d)) > 0) {
		const form_item *it;
		char *key;

		fr->rd.line = csv_line(fr->r);
		key = field(fr->r, C_KEY);
		it = answer_item(fr, items, key);
		if (it) {
			fr->rd.key = key;
			answer_row(fr, it, (size_t)(it - items->items), year, res);
		}
		free(key);
	}
	fr->rd.key = NULL;
	return got;
}

/* The checks across items, once every answer is read. */
static void check_items(form_reader *fr, const framework *fw, const form_items *items,
			const commune_index *communes, form_result *res)
{
	int type = form_unit_type(communes ? communes->unit_types : NULL, res->commune_code);

	for (size_t i = 0; i < items->count; i++) {
		if (strmap_get(&fr->keys, items->items[i].variable->name, NULL))
			continue;
		/* Not asked of the commune's unit type: its form has no row. */
		if (communes && communes->unit_types &&
		    !form_item_applies(fw, &items->items[i], type))
			continue;
		fr->rd.line = 1;
		fr->rd.key = items->items[i].variable->name;
		problem(&fr->rd, NULL, MSG_ITEM_MISSING);
	}
	check_ratios(&fr->rd, fw, items, fr->seen);
	check_links(&fr->rd, fw, items, fr->seen);
	res->answers.counts.read = (long)items->count;
	res->answers.counts.skipped = (long)res->unanswered;
}

dti_err form_read(FILE *f, const char *name, const framework *fw, const form_items *items,
		  const commune_index *communes, int year, form_result *res, dti_problems *p,
		  dti_diag *d)
{
	return form_read_lang(f, name, fw, items, communes, year, LANG_VI, res, p, d);
}

dti_err form_read_lang(FILE *f, const char *name, const framework *fw, const form_items *items,
		       const commune_index *communes, int year, msg_lang lang, form_result *res,
		       dti_problems *p, dti_diag *d)
{
	form_reader fr;
	size_t before = p->count, notes_before = res->notes.count;
	dti_err rc = DTI_EOK;
	int got;

	memset(&fr, 0, sizeof fr);
	fr.rd = (reader){name, p, 0, NULL, lang, &res->notes};
	fr.r = csv_open(f, name, 0);
	fr.seen = xcalloc(items->count ? items->count : 1, sizeof *fr.seen);
	strmap_init(&fr.keys);
	got = form_header(&fr, d);
	if (got > 0)
		got = first_pass(&fr, fw, items, res, d);
	else if (got == 0)
		goto out;
	if (got < 0) {
		rc = DTI_EPARSE;
		goto out;
	}
	check_commune(&fr, communes, res);
	check_year_contacts(&fr, year, res);
	if (fseek(f, 0, SEEK_SET) != 0) {
		rc = diag_set(d, DTI_EIO, "%s: cannot read the file twice", name);
		goto out;
	}
	csv_close(fr.r);
	fr.r = csv_open(f, name, 0);
	if (second_pass(&fr, items, year, res, d) < 0) {
		rc = DTI_EPARSE;
		goto out;
	}
	check_items(&fr, fw, items, communes, res);
out:
	sort_problems(p, before, name);
	sort_problems(&res->notes, notes_before, name);
	if (!rc && p->count > before)
		rc = DTI_EINVALID;
	csv_close(fr.r);
	strmap_free(&fr.keys);
	free(fr.seen);
	free(fr.code_raw);
	free(fr.name_raw);
	free(fr.year_raw);
	return rc;
}
