#include "answer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static void say(strbuf *why, msg_lang lang, msg_id id, ...)
{
	va_list ap;
	char msg[768];

	va_start(ap, id);
	vsnprintf(msg, sizeof msg, msg_text(id, lang), ap);
	va_end(ap);
	sb_reset(why);
	sb_appends(why, msg);
}

/* Yes and no as officers write them, beyond text_yesno's words: compared
 * as text_name_key makes them (case and diacritics dropped). */
static const char *const yes_words[] = {
	"da co", "da ban hanh", "da thuc hien", "da trien khai", "roi", "co roi", "x", NULL};
static const char *const no_words[] = {
	"chua", "chua co", "chua ban hanh", "chua thuc hien", "chua trien khai", "khong co", NULL};

static int yesno_word(const char *raw)
{
	int yn = text_yesno(raw);
	char *key;

	if (yn >= 0)
		return yn;
	key = text_name_key(raw);
	for (int i = 0; key && yes_words[i] && yn < 0; i++)
		if (strcmp(key, yes_words[i]) == 0)
			yn = 1;
	for (int i = 0; key && no_words[i] && yn < 0; i++)
		if (strcmp(key, no_words[i]) == 0)
			yn = 0;
	free(key);
	return yn;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* s as digits: plain digits, or groups of three after a first group of one
 * to three, separated by dots or by spaces ("1.234", "12 345").  False
 * when s is neither. */
static bool whole_digits(const char *s, size_t n, char *out, size_t cap)
{
	size_t w = 0, group = 0, groups = 0;
	char sep = 0;

	if (n == 0 || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (is_digit(s[i])) {
			out[w++] = s[i];
			group++;
			continue;
		}
		if ((s[i] != '.' && s[i] != ' ') || (sep && s[i] != sep) || group == 0 ||
		    (groups == 0 && group > 3) || (groups > 0 && group != 3))
			return false;
		sep = s[i];
		groups++;
		group = 0;
	}
	out[w] = '\0';
	return group > 0 && (groups == 0 || group == 3);
}

/* The framework's canonical form of a number already read. */
static answer_status canonical(const fw_variable *v, const char *number, msg_lang lang,
			       const char *raw, char canon[ANSWER_MAX], strbuf *why)
{
	double num;

	if (framework_value(v, number, '.', canon, ANSWER_MAX, &num, NULL)) {
		say(why, lang, MSG_TOO_LARGE, raw);
		return ANSWER_REFUSED;
	}
	return ANSWER_OK;
}

/* Whether c may begin the words after a number: a space, a letter, or a
 * byte of a letter beyond ASCII ("cuộc", "bài"). */
static bool word_start(char c)
{
	return c == ' ' || (unsigned char)c >= 0x80 || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static answer_status read_count(const fw_variable *v, const char *raw, msg_lang lang,
				char canon[ANSWER_MAX], strbuf *why)
{
	char digits[64];
	size_t n = strlen(raw), lead = 0;
	bool numeric = true;

	if (whole_digits(raw, n, digits, sizeof digits))
		return canonical(v, digits, lang, raw, canon, why);
	if (raw[0] == '-' && is_digit(raw[1])) {
		say(why, lang, MSG_NEGATIVE, raw);
		return ANSWER_REFUSED;
	}
	for (size_t i = 0; i < n; i++)
		numeric = numeric && (is_digit(raw[i]) || raw[i] == '.' || raw[i] == ',');
	if (numeric && is_digit(raw[0])) {
		say(why, lang, MSG_NOT_WHOLE, raw);
		return ANSWER_REFUSED;
	}
	/* "5 cuộc", "5cuộc": a number, then words (without digits: "1e3" and
	 * "0x10" are not 1 and 0 with a word). */
	while (lead < n && (is_digit(raw[lead]) || raw[lead] == '.'))
		lead++;
	if (lead > 0 && word_start(raw[lead]) && !strpbrk(raw + lead, "0123456789") &&
	    whole_digits(raw, lead, digits, sizeof digits)) {
		say(why, lang, MSG_WITH_WORDS, raw, digits);
		return ANSWER_REFUSED;
	}
	say(why, lang, MSG_NOT_NUMBER, raw);
	return ANSWER_REFUSED;
}

/* An amount: a count's digits, a decimal with a comma ("1.234,5"), or a
 * number with the file's separator. */
static answer_status read_amount(const fw_variable *v, const char *raw, char dec, msg_lang lang,
				 char canon[ANSWER_MAX], strbuf *why)
{
	char digits[80];
	const char *comma = strchr(raw, ',');
	double num;

	if (whole_digits(raw, strlen(raw), digits, sizeof digits))
		return canonical(v, digits, lang, raw, canon, why);
	if (comma && comma > raw && is_digit(comma[1]) &&
	    whole_digits(raw, (size_t)(comma - raw), digits, sizeof digits - 40) &&
	    strspn(comma + 1, "0123456789") == strlen(comma + 1) && strlen(comma + 1) < 30) {
		size_t k = strlen(digits);
		snprintf(digits + k, sizeof digits - k, ".%s", comma + 1);
		return canonical(v, digits, lang, raw, canon, why);
	}
	if (!framework_value(v, raw, dec, canon, ANSWER_MAX, &num, NULL))
		return ANSWER_OK;
	say(why, lang, raw[0] == '-' ? MSG_NEGATIVE : MSG_NOT_AMOUNT, raw);
	return ANSWER_REFUSED;
}

/* Whether the words of `key` occur in `in` (both text_name_key strings);
 * at_start: only at its beginning. */
static bool words_in(const char *in, const char *key, bool at_start)
{
	size_t n = strlen(key);

	for (const char *p = in; p && *p; p = strchr(p, ' '), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, n) == 0 && (p[n] == '\0' || p[n] == ' '))
			return true;
		if (at_start)
			return false;
	}
	return false;
}

/* Whether key begins one of the label's parts between slashes. */
static bool begins_part(const char *label, const char *key)
{
	bool found = false;
	char *copy = xstrdup(label);

	for (char *part = copy, *next; part && !found; part = next) {
		char *k;
		next = strchr(part, '/');
		if (next)
			*next++ = '\0';
		k = text_name_key(part);
		found = k && words_in(k, key, true);
		free(k);
	}
	free(copy);
	return found;
}

static const char *label_of(const fw_enum_value *e)
{
	return *e->label ? e->label : e->value;
}

/* The labels of v whose index is set in pick (all when pick is NULL), as
 * the form shows them: "A", "B". */
static void list_labels(const fw_variable *v, const bool *pick, strbuf *out)
{
	bool first = true;

	for (size_t i = 0; i < v->n_values; i++) {
		if (pick && (i >= ANSWER_PARTS || !pick[i]))
			continue;
		sb_appendf(out, "%s\"%s\"", first ? "" : ", ", label_of(&v->values[i]));
		first = false;
	}
}

/* The values whose label holds key's words (tier 1), narrowed when more
 * than one to those where they begin a part (tier 2).  Returns how many
 * are left in pick. */
static size_t enum_candidates(const fw_variable *v, const char *key, bool *pick)
{
	size_t hits = 0, starts = 0;
	bool start[ANSWER_PARTS] = {false};

	for (size_t i = 0; i < v->n_values && i < ANSWER_PARTS; i++) {
		char *lk = text_name_key(label_of(&v->values[i]));
		pick[i] = lk && *key && words_in(lk, key, false);
		free(lk);
		if (!pick[i])
			continue;
		hits++;
		start[i] = begins_part(label_of(&v->values[i]), key);
		starts += start[i];
	}
	if (hits <= 1 || starts != 1)
		return hits;
	for (size_t i = 0; i < v->n_values && i < ANSWER_PARTS; i++)
		pick[i] = start[i];
	return 1;
}

static answer_status read_enum(const fw_variable *v, const char *raw, msg_lang lang,
			       char canon[ANSWER_MAX], strbuf *why)
{
	bool pick[ANSWER_PARTS] = {false};
	char *key;
	size_t hits;
	double num;
	strbuf list;

	if (!framework_value(v, raw, '.', canon, ANSWER_MAX, &num, NULL))
		return ANSWER_OK;
	key = text_name_key(raw);
	hits = key ? enum_candidates(v, key, pick) : 0;
	free(key);
	sb_init(&list, 0);
	if (hits == 1) {
		for (size_t i = 0; i < v->n_values && i < ANSWER_PARTS; i++)
			if (pick[i]) {
				snprintf(canon, ANSWER_MAX, "%s", v->values[i].value);
				say(why, lang, MSG_ENUM_READ_AS, raw, label_of(&v->values[i]));
			}
	} else {
		list_labels(v, hits ? pick : NULL, &list);
		say(why, lang, hits ? MSG_ENUM_AMBIGUOUS : MSG_ENUM_BAD, raw, list.data);
	}
	sb_free(&list);
	return hits == 1 ? ANSWER_READ_AS : ANSWER_REFUSED;
}

/* raw with the no-break spaces a spreadsheet or a web page puts in a number
 * ("1 234" as French Excel writes it, "5 " pasted) as plain spaces,
 * trimmed.  malloc'd. */
static char *plain_spaces(const char *raw)
{
	static const char *const nbsp[] = {"\xC2\xA0", "\xE2\x80\xAF", "\xE2\x80\x87", NULL};
	char *s = xstrdup(raw), *w = s;

	for (const char *r = raw; *r;) {
		size_t k = 0;
		while (nbsp[k] && strncmp(r, nbsp[k], strlen(nbsp[k])) != 0)
			k++;
		if (nbsp[k]) {
			*w++ = ' ';
			r += strlen(nbsp[k]);
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return text_trim(s);
}

static answer_status read_plain(const fw_variable *v, const char *raw, char dec, msg_lang lang,
				char canon[ANSWER_MAX], strbuf *why)
{
	int yn;

	switch (v->type) {
	case VAR_COUNT: return read_count(v, raw, lang, canon, why);
	case VAR_AMOUNT: return read_amount(v, raw, dec, lang, canon, why);
	case VAR_YESNO:
		yn = yesno_word(raw);
		if (yn >= 0) {
			snprintf(canon, ANSWER_MAX, "%s", yn ? "yes" : "no");
			return ANSWER_OK;
		}
		say(why, lang, MSG_YESNO_BAD, raw);
		return ANSWER_REFUSED;
	case VAR_ENUM: return read_enum(v, raw, lang, canon, why);
	}
	return ANSWER_REFUSED;
}

answer_status answer_read(const fw_variable *v, const char *raw, char dec, msg_lang lang,
			  char canon[ANSWER_MAX], strbuf *why)
{
	char *plain = plain_spaces(raw);
	answer_status st;

	sb_reset(why);
	canon[0] = '\0';
	st = read_plain(v, *plain ? plain : raw, dec, lang, canon, why);
	free(plain);
	return st;
}

char *answer_link_scheme(const char *link)
{
	size_t host = strcspn(link, "/?#");
	bool dot = false;

	if (host == 0 || strstr(link, "://"))
		return NULL;
	for (size_t i = 0; i < host; i++) {
		char c = link[i];
		if (c == '.' && i > 0 && i + 1 < host && link[i - 1] != '.')
			dot = true;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
			   c == '-' || c == '.'))
			return NULL;
	}
	return dot ? xasprintf("https://%s", link) : NULL;
}
