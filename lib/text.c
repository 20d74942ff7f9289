#include "text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "util.h"

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p;
		size_t len;
		unsigned cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - p) < len)
			return false;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		p += len;
	}
	return true;
}

bool text_check(const char *s, size_t n, int flags, char why[TEXT_WHY])
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	if (memchr(s, '\0', n)) {
		snprintf(why, TEXT_WHY, "contains a NUL byte");
		return false;
	}
	if (!utf8_valid(s, n)) {
		snprintf(why, TEXT_WHY, "is not valid UTF-8");
		return false;
	}
	/* Valid UTF-8: C1 controls are C2 80–9F, the bidirectional controls
	 * E2 80 AA–AE and E2 81 A6–A9. */
	for (; p < end; p++) {
		unsigned cp = 0;
		bool bidi = false;

		if (*p < 0x20 || *p == 0x7F) {
			if ((flags & TEXT_MULTILINE) && (*p == '\t' || *p == '\n' || *p == '\r'))
				continue;
			cp = *p;
		} else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
			cp = p[1];
		} else if (p[0] == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
					    (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9))) {
			cp = 0x2000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
			bidi = true;
		} else {
			continue;
		}
		snprintf(why, TEXT_WHY, "contains a %scontrol character (U+%04X)",
			 bidi ? "bidirectional " : "", cp);
		return false;
	}
	return true;
}

/* Length of the valid UTF-8 sequence at p (1 to 4), 0 when there is none. */
static size_t utf8_seq(const unsigned char *p)
{
	size_t n = 0;

	for (size_t len = 1; len <= 4 && !n; len++) {
		size_t i = 0;
		while (i < len && p[i])
			i++;
		if (i == len && utf8_valid((const char *)p, len))
			n = len;
		if (i < len)
			break;
	}
	return n;
}

char *text_printable(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;

	while (*r) {
		size_t n = utf8_seq(r);
		bool bad = n == 0 || (n == 1 && (*r < 0x20 || *r == 0x7F) && *r != '\n') ||
			   (n == 2 && r[0] == 0xC2 && r[1] <= 0x9F) ||
			   (n == 3 && r[0] == 0xE2 &&
			    ((r[1] == 0x80 && r[2] >= 0xAA && r[2] <= 0xAE) ||
			     (r[1] == 0x81 && r[2] >= 0xA6 && r[2] <= 0xA9)));
		if (bad) {
			*w++ = *r == '\t' ? ' ' : '?';
			r += n ? n : 1;
		} else {
			memmove(w, r, n);
			w += n;
			r += n;
		}
	}
	*w = '\0';
	return s;
}

bool text_link_ok(const char *s, char why[TEXT_WHY])
{
	const char *host = NULL;
	size_t n = strlen(s);

	if (n > TEXT_MAX_LINK) {
		snprintf(why, TEXT_WHY, "is longer than %d bytes", TEXT_MAX_LINK);
		return false;
	}
	if (!text_check(s, n, TEXT_LINE, why))
		return false;
	if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	if (!host) {
		snprintf(why, TEXT_WHY, "is not an http:// or https:// link");
		return false;
	}
	if (!*host || *host == '/' || *host == '?' || *host == '#') {
		snprintf(why, TEXT_WHY, "has no host");
		return false;
	}
	if (strpbrk(s, " \"<>\\")) {
		snprintf(why, TEXT_WHY, "contains a space, a quote, < > or a backslash");
		return false;
	}
	/* Unicode spaces and zero-width characters: a link that reads as
	 * another, or as two. */
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp = *p;
		size_t len = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
		for (size_t i = 1; i < len; i++)
			cp = (i == 1 ? cp & (0xFFu >> (len + 1)) : cp) << 6 | (p[i] & 0x3Fu);
		if (cp == 0xA0 || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200D) ||
		    cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x2060 ||
		    cp == 0x3000 || cp == 0xFEFF) {
			snprintf(why, TEXT_WHY,
				 "contains a space or an invisible character (U+%04X)", cp);
			return false;
		}
		p += len;
	}
	return true;
}

bool text_note_ok(const char *s, char why[TEXT_WHY])
{
	size_t n;

	/* No note, the common case: nothing to check (twice for each value
	 * of a sheet). */
	if (!*s)
		return true;
	n = strlen(s);

	if (n > TEXT_MAX_NOTE) {
		snprintf(why, TEXT_WHY, "is %zu bytes long; at most %d are kept (shorten it)", n,
			 TEXT_MAX_NOTE);
		return false;
	}
	return text_check(s, n, TEXT_MULTILINE, why);
}

static char *map(const char *s, utf8proc_option_t opts)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;
	char *copy;

	if (!utf8_valid(s, strlen(s)))
		return NULL;
	n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &dst, opts | UTF8PROC_NULLTERM);
	if (n < 0)
		return NULL;
	/* utf8proc allocates with its own malloc; hand back memory of ours. */
	copy = xstrndup((const char *)dst, (size_t)n);
	free(dst);
	return copy;
}

char *text_trim(char *s)
{
	size_t n = strlen(s);
	size_t start = 0;

	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	while (s[start] == ' ' || s[start] == '\t')
		start++;
	if (start)
		memmove(s, s + start, n - start + 1);
	return s;
}

char *text_nfc(const char *s)
{
	return map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

char *text_fold(const char *s)
{
	char *r = map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);

	return r ? text_trim(r) : NULL;
}

/* Drops diacritics and folds case; đ/Đ (which do not decompose) become d. */
static char *ascii_fold(const char *s)
{
	char *r = map(s, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
				 UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
	char *w, *p;

	if (!r)
		return NULL;
	for (p = w = r; *p;) {
		if ((unsigned char)p[0] == 0xC4 && (unsigned char)p[1] == 0x91) {
			*w++ = 'd';
			p += 2;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return r;
}

/* Length of an administrative prefix at the start of a case-folded NFC
 * name, or 0.  Written with diacritics it is unambiguous; written without,
 * "phuong " might be the name Phương, so ASCII prefixes count only in a name
 * that has no diacritics at all. */
static size_t prefix_length(const char *folded)
{
	static const char *const marked[] = {"thị trấn ", "xã ", "phường ", "tt. ",
					     "tt ",       "p. ", NULL};
	static const char *const plain[] = {"thi tran ", "xa ", "phuong ", NULL};
	bool ascii = true;

	for (const char *p = folded; *p; p++)
		ascii = ascii && (unsigned char)*p < 0x80;
	for (int i = 0; marked[i]; i++)
		if (strncmp(folded, marked[i], strlen(marked[i])) == 0)
			return strlen(marked[i]);
	for (int i = 0; ascii && plain[i]; i++)
		if (strncmp(folded, plain[i], strlen(plain[i])) == 0)
			return strlen(plain[i]);
	return 0;
}

char *text_name_key(const char *s)
{
	char *nfc = text_fold(s);
	char *folded;
	strbuf out;
	bool space = true;

	if (!nfc)
		return NULL;
	folded = ascii_fold(nfc + prefix_length(nfc));
	free(nfc);
	if (!folded)
		return NULL;
	sb_init(&out, 0);
	for (const char *p = folded; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
		if (word) {
			sb_append(&out, p, 1);
			space = false;
		} else if (!space) {
			sb_append(&out, " ", 1);
			space = true;
		}
	}
	free(folded);
	if (out.len && out.data[out.len - 1] == ' ')
		out.data[--out.len] = '\0';
	return sb_take(&out);
}

int text_yesno(const char *s)
{
	static const char *const yes[] = {"yes", "true", "1", "co", "y", NULL};
	static const char *const no[] = {"no", "false", "0", "khong", "n", NULL};
	char small[16];
	char *k = NULL;
	size_t n = 0;
	int r = -1;

	/* Plain ASCII words need no Unicode machinery, and neither do the
	 * Vietnamese words as a keyboard writes them (NFC, lower case). */
	while (*s == ' ')
		s++;
	if (strcmp(s, "c\xC3\xB3") == 0)
		return 1;
	if (strcmp(s, "kh\xC3\xB4ng") == 0)
		return 0;
	for (; s[n] && n < sizeof small - 1 && (unsigned char)s[n] < 0x80; n++)
		small[n] = (char)(s[n] >= 'A' && s[n] <= 'Z' ? s[n] + 32 : s[n]);
	if (s[n] == '\0') {
		small[n] = '\0';
		k = small;
	} else {
		k = ascii_fold(s);
	}
	if (!k)
		return -1;
	text_trim(k);
	for (int i = 0; yes[i] && r < 0; i++)
		if (strcmp(k, yes[i]) == 0)
			r = 1;
	for (int i = 0; no[i] && r < 0; i++)
		if (strcmp(k, no[i]) == 0)
			r = 0;
	if (k != small)
		free(k);
	return r;
}

size_t text_distance(const char *a, const char *b)
{
	size_t rows[3][TEXT_WORD_MAX + 1], n = strlen(a), m = strlen(b);
	size_t *two = rows[0], *one = rows[1], *cur = rows[2];

	if (n > TEXT_WORD_MAX || m > TEXT_WORD_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= m; j++)
		one[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t *t;
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t best = one[j - 1] + (a[i - 1] != b[j - 1]);
			if (one[j] + 1 < best)
				best = one[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    two[j - 2] + 1 < best)
				best = two[j - 2] + 1;
			cur[j] = best;
		}
		t = two, two = one, one = cur, cur = t;
	}
	return one[m];
}

const char *text_nearest(const char *word, const char *const *choices, size_t n)
{
	size_t len = strlen(word), limit = len <= 4 ? 1 : 2, best = SIZE_MAX;
	const char *found = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t dist = text_distance(word, choices[i]);
		if (dist == 0)
			return NULL;
		if (dist < best) {
			best = dist;
			found = choices[i];
		}
	}
	return best <= limit && 2 * best < len ? found : NULL;
}

bool text_same_name(const char *a, const char *b)
{
	char *ka = text_name_key(a), *kb = text_name_key(b);
	bool same = ka && kb && strcmp(ka, kb) == 0;

	free(ka);
	free(kb);
	return same;
}
