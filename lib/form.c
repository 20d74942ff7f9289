#include "form.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "csv_header.h"
#include "text.h"

/* Column headers, as the officer sees them. */
static const char *const header[FORM_COLUMNS] = {
	"Mã",
	"Nội dung",
	"Trả lời",
	"Câu trả lời hợp lệ",
	"Tài liệu kiểm chứng",
	"Đường dẫn tài liệu kiểm chứng (http/https)",
	"Ghi chú",
};
enum { C_KEY, C_TEXT, C_ANSWER, C_ALLOWED, C_PROOF, C_LINK, C_NOTE };

static const char *const role_words[CONTACT_ROLES] = {"officer", "approver"};
static const char *const role_labels[CONTACT_ROLES] = {"Chuyên viên cung cấp số liệu",
						       "Lãnh đạo cơ quan duyệt"};
static const char *const contact_labels[5] = {"Họ tên", "Đơn vị công tác", "Chức vụ",
					      "Điện thoại liên hệ", "Email"};

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

static dti_err put_row(strbuf *sb, const char *const f[FORM_COLUMNS])
{
	dti_err rc = DTI_EOK;

	for (int i = 0; !rc && i < FORM_COLUMNS; i++)
		rc = put_field(sb, f[i], i == FORM_COLUMNS - 1);
	return rc;
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

dti_err form_render(const framework *fw, const form_items *items, const form_spec *spec, strbuf *sb,
		    dti_diag *d)
{
	char year[16];
	strbuf q, allowed;
	dti_err rc;

	snprintf(year, sizeof year, "%d", spec->year);
	sb_init(&q, 0);
	sb_init(&allowed, 0);
	rc = sb_appends(sb, "\xEF\xBB\xBF");
	if (!rc)
		rc = put_row(sb, header);
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
				"liệu kiểm chứng. Không sửa cột \"Mã\".",
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
	if (!rc && spec->deadline)
		rc = put_row(sb, (const char *const[]){"deadline", "Hạn nộp", spec->deadline, "",
						       "", "", ""});
	for (size_t i = 0; !rc && i < items->count; i++) {
		const form_item *it = &items->items[i];
		const char *pre = spec->prefill ? spec->prefill[i] : NULL;
		sb_reset(&q);
		sb_reset(&allowed);
		if (it->indicators[0])
			sb_appendf(&q, "[%s] ", it->indicators);
		sb_appends(&q, it->variable->label);
		allowed_answers(it->variable, &allowed);
		rc = put_row(sb, (const char *const[]){
					 it->variable->name, q.data,
					 form_answer_label(it->variable, pre), allowed.data,
					 it->indicator ? it->indicator->proof : "",
					 spec->prefill_link ? spec->prefill_link[i] : NULL, ""});
	}
	if (!rc)
		rc = put_row(sb, (const char *const[]){"contact", "Thông tin liên hệ",
						       contact_labels[0], contact_labels[1],
						       contact_labels[2], contact_labels[3],
						       contact_labels[4]});
	for (int r = 0; !rc && r < CONTACT_ROLES; r++) {
		const form_contact *c = spec->contacts ? &spec->contacts[r] : NULL;
		char key[32];
		snprintf(key, sizeof key, "contact.%s", role_words[r]);
		rc = put_row(sb, (const char *const[]){key, role_labels[r], c ? c->name : "",
						       c ? c->unit : "", c ? c->position : "",
						       c ? c->phone : "", c ? c->email : ""});
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
	for (int i = 0; i < CONTACT_ROLES; i++)
		form_contact_free(&r->contacts[i]);
	memset(r, 0, sizeof *r);
}

bool form_phone_ok(const char *s)
{
	size_t digits = 0;

	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" .-()", *p))
			return false;
	}
	return digits >= 8 && digits <= 15;
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

/* ---- reading a filled form ---- */

typedef struct reader {
	const char *name;
	dti_problems *p;
	long line;
	const char *key;
} reader;

static void problem(reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(reader *rd, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!rd->name) /* off a file (form_answer_check…): where is in key */
		problems_add(rd->p, "%s%s%s", rd->key ? rd->key : "", rd->key ? ": " : "", msg);
	else if (rd->key && *rd->key)
		problems_add(rd->p, "%s:%ld (%s): %s", rd->name, rd->line, rd->key, msg);
	else
		problems_add(rd->p, "%s:%ld: %s", rd->name, rd->line, msg);
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
	char why[TEXT_WHY];

	if (!*raw)
		return NULL;
	if (strlen(raw) > FORM_MAX_CONTACT) {
		problem(rd, "%s is longer than %u bytes", what, FORM_MAX_CONTACT);
		return NULL;
	}
	if (strchr("=+-@", raw[0])) {
		problem(rd, "%s starts with '%c', which a spreadsheet would run as a formula", what,
			raw[0]);
		return NULL;
	}
	if (!text_check(raw, strlen(raw), TEXT_LINE, why)) {
		problem(rd, "%s %s", what, why);
		return NULL;
	}
	return text_nfc(raw);
}

/* The five fields of a contact person checked into c (what was valid). */
static void check_contact(reader *rd, const char *const f[5], form_contact *c)
{
	form_contact_free(c);
	c->name = contact_field(rd, f[0], contact_labels[0]);
	c->unit = contact_field(rd, f[1], contact_labels[1]);
	c->position = contact_field(rd, f[2], contact_labels[2]);
	/* A leading + would make the spreadsheet compute the number. */
	if (f[3][0] == '+')
		problem(rd,
			"%s '%s' starts with '+', which a spreadsheet would run as a formula: "
			"write the number as 0… or 84…",
			contact_labels[3], f[3]);
	else if (*f[3] && !form_phone_ok(f[3]))
		problem(rd, "'%s' is not a phone number (8 to 15 digits)", f[3]);
	else
		c->phone = contact_field(rd, f[3], contact_labels[3]);
	if (*f[4] && !form_email_ok(f[4]))
		problem(rd, "'%s' is not an e-mail address", f[4]);
	else
		c->email = contact_field(rd, f[4], contact_labels[4]);
	if (!*f[0])
		problem(rd, "%s is required", contact_labels[0]);
	if (!*f[3])
		problem(rd, "%s is required", contact_labels[3]);
}

void form_contact_check(const char *const fields[5], const char *where, form_contact *c,
			dti_problems *p)
{
	reader rd = {NULL, p, 0, where};

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
		const char *col = i < FORM_COLUMNS ? header[i] : "extra column";
		if (!utf8_valid(f, n)) {
			problem(rd, "column %zu (%s) is not valid UTF-8 (save the file as UTF-8)",
				i + 1, col);
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
			problem(rd,
				"indicator %s: the numerator (%s) is above its denominator %s (%s)",
				ind->id, a, ind->denominator[0]->name, b);
		}
	}
}

static void check_links(reader *rd, const framework *fw, const form_items *items,
			const item_seen *seen)
{
	for (size_t k = 0; k < fw->n_indicators; k++) {
		const fw_indicator *ind = &fw->indicators[k];
		long need = 0;
		bool have = false;

		if (!ind->proof_link_required)
			continue;
		for (size_t i = 0; i < items->count; i++) {
			if (items->items[i].indicator != ind || !seen[i].answered)
				continue;
			if (seen[i].scores && !need)
				need = seen[i].line;
			have = have || seen[i].has_link;
		}
		if (need && !have) {
			rd->line = need;
			rd->key = NULL;
			for (size_t i = 0; i < items->count; i++)
				if (items->items[i].indicator == ind && seen[i].line == need)
					rd->key = items->items[i].variable->name;
			problem(rd, "indicator %s needs a proof link (http/https) to: %s", ind->id,
				*ind->proof ? ind->proof : "tài liệu kiểm chứng");
		}
	}
}

void form_check_across(const framework *fw, const form_items *items, const form_answer_state *seen,
		       const char *name, dti_problems *p)
{
	reader rd = {name, p, 0, NULL};

	check_ratios(&rd, fw, items, seen);
	check_links(&rd, fw, items, seen);
}

/* An enum answer must be one of the labels on the form (or a canonical
 * word); the problem lists the labels, as the officer reads them. */
static bool enum_ok(reader *rd, const fw_variable *v, const char *answer)
{
	char canon[128];
	double num;
	strbuf sb;

	if (v->type != VAR_ENUM ||
	    !framework_value(v, answer, '.', canon, sizeof canon, &num, NULL))
		return true;
	sb_init(&sb, 0);
	for (size_t i = 0; i < v->n_values; i++)
		sb_appendf(&sb, "%s\"%s\"", i ? ", " : "",
			   form_answer_label(v, v->values[i].value));
	problem(rd, "'%s' is not one of the answers allowed: %s", answer, sb.data);
	sb_free(&sb);
	return false;
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
		problems_add(fr->rd.p,
			     "%s:1: not a commune form: the first row must be the header "
			     "starting with \"Mã\" (generate one with 'dti form generate')",
			     fr->rd.name);
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
			problem(rd, "the form was made for framework '%s', this round uses '%s'", e,
				fw->edition);
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
			problem(rd, "unknown contact role (contact.officer, contact.approver)");
		} else {
			fr->contact_line[role] = rd->line;
			read_contact(rd, fr->r, &res->contacts[role]);
		}
	} else {
		const form_item *it = form_items_find(items, key);
		const fw_variable *v = framework_variable(fw, key);
		if (!it && v)
			problem(rd, "not an item of the commune form (its source is %s)",
				v->source);
		else if (!it)
			problem(rd, "unknown item");
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
			problem(&fr->rd, "duplicate: already given on line %ld", (long)first);
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

	rd->key = NULL;
	if (has_code) {
		rd->line = fr->code_line;
		by_code = commune_index_code(communes, fr->code_raw);
		if (!by_code)
			problem(rd, "commune '%s' is not one of the communes assessed",
				fr->code_raw);
	}
	if (has_name) {
		rd->line = fr->name_line;
		by_name = commune_index_name(communes, fr->name_raw);
		if (by_code && by_name != by_code)
			problem(rd, "'%s' is not the name of commune %s (%s)", fr->name_raw,
				by_code->code, by_code->name);
		else if (!by_code && !by_name && !has_code)
			problem(rd, "commune '%s' is not one of the communes assessed",
				fr->name_raw);
	}
	if (!has_code && !has_name) {
		rd->line = 1;
		problem(rd, "the form names no commune (row \"commune\")");
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
		problem(rd, "the form gives no year (row \"year\")");
	else if (!year_parse(fr->year_raw, &y))
		problem(rd, "'%s' is not a year", fr->year_raw);
	else if (y != year)
		problem(rd,
			"the form is for %lld but the round open is %d (use --year %lld "
			"to import into that year)",
			(long long)y, year, (long long)y);
	res->year = year;
	for (int i = 0; i < CONTACT_ROLES; i++)
		if (!fr->contact_line[i]) {
			rd->line = 1;
			problem(rd, "the contact block has no row contact.%s (%s)", role_words[i],
				role_labels[i]);
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

/* One item's answer (trimmed), link (trimmed) and note (as written)
 * checked; a valid answer goes into answers under commune_code and *st
 * says what it was.  Problems go through rd; where prefixes batch_add's. */
static void check_answer(reader *rd, const form_item *it, const char *commune_code, int year,
			 const char *answer, const char *link, const char *note_in, char dec,
			 const char *where, batch *answers, size_t *unanswered,
			 form_answer_state *st)
{
	char *note = xstrdup(note_in);
	char why[TEXT_WHY];
	bool link_ok = true;

	if (*link && !text_link_ok(link, why)) {
		problem(rd, "the proof link %s", why);
		link_ok = false;
	}
	if (!text_note_ok(note, why)) {
		problem(rd, "the note %s", why);
		note[0] = '\0';
	}
	if (!*answer) {
		if (*link)
			problem(rd, "a proof link is given but no answer");
		(*unanswered)++;
	} else if (!enum_ok(rd, it->variable, answer)) {
		/* reported with the labels the form shows */
	} else if (batch_add(answers, it->variable, commune_code, year, answer, dec,
			     link_ok ? link : NULL, note, where, rd->p)) {
		batch_item *bi = &answers->items[answers->count - 1];
		st->answered = true;
		st->num = bi->num;
		st->has_link = *link && link_ok;
		st->scores = form_answer_scores(it->indicator, it->variable, bi->value, bi->num);
	}
	free(note);
}

void form_answer_check(const form_item *it, const char *commune_code, int year, const char *answer,
		       const char *link, const char *note, char dec, const char *where,
		       batch *answers, size_t *unanswered, form_answer_state *st, dti_problems *p)
{
	reader rd = {NULL, p, 0, where};

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
			form_result *res)
{
	for (size_t i = 0; i < items->count; i++) {
		if (strmap_get(&fr->keys, items->items[i].variable->name, NULL))
			continue;
		fr->rd.line = 1;
		fr->rd.key = items->items[i].variable->name;
		problem(&fr->rd,
			"the item is missing from the form (leave its answer empty instead "
			"of deleting the row)");
	}
	form_check_across(fw, items, fr->seen, fr->rd.name, fr->rd.p);
	res->answers.counts.read = (long)items->count;
	res->answers.counts.skipped = (long)res->unanswered;
}

dti_err form_read(FILE *f, const char *name, const framework *fw, const form_items *items,
		  const commune_index *communes, int year, form_result *res, dti_problems *p,
		  dti_diag *d)
{
	form_reader fr;
	size_t before = p->count;
	dti_err rc = DTI_EOK;
	int got;

	memset(&fr, 0, sizeof fr);
	fr.rd = (reader){name, p, 0, NULL};
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
	check_items(&fr, fw, items, res);
out:
	sort_problems(p, before, name);
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
