/* json_scan.c — reading back JSON texts dti wrote (see json_scan.h). */
#include "json_scan.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool json_scan_char(json_scan *c, char ch)
{
	if (*c->p != ch)
		return false;
	c->p++;
	return true;
}

static bool null_literal(json_scan *c)
{
	/* The first letter first: most values are not null. */
	if (*c->p != 'n' || strncmp(c->p, "null", 4) != 0)
		return false;
	c->p += 4;
	return true;
}

/* The four hex digits of a \u escape at p as a character below U+0080;
 * false for any other. */
static bool unicode_escape(const char *p, char *ch)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char h = p[k];
		int digit = h >= '0' && h <= '9'   ? h - '0'
			    : h >= 'a' && h <= 'f' ? h - 'a' + 10
			    : h >= 'A' && h <= 'F' ? h - 'A' + 10
						   : -1;
		if (digit < 0)
			return false;
		v = v * 16 + (unsigned)digit;
	}
	if (v == 0 || v >= 0x80)
		return false;
	*ch = (char)v;
	return true;
}

static bool simple_escape(char e, char *ch)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *at = e ? strchr(from, e) : NULL;

	if (!at)
		return false;
	*ch = to[at - from];
	return true;
}

bool json_scan_string(json_scan *c, strbuf *out, bool *is_null)
{
	const char *p = c->p;

	sb_reset(out);
	*is_null = null_literal(c);
	if (*is_null)
		return true;
	if (*p++ != '"')
		return false;
	for (;;) {
		const char *run = p;
		char ch;
		while (*p && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			p++;
		if (sb_append(out, run, (size_t)(p - run)))
			return false; /* (data is set, even for "") */
		if (*p == '"')
			break;
		if (*p != '\\')
			return false; /* the end, or a control character */
		p++;
		if (*p == 'u') {
			if (!unicode_escape(p + 1, &ch))
				return false;
			p += 4;
		} else if (!simple_escape(*p, &ch)) {
			return false;
		}
		if (sb_append(out, &ch, 1))
			return false;
		p++;
	}
	c->p = p + 1;
	return true;
}

/* A number of at most 19 significant digits and 27 decimals, without an
 * exponent — what format_roundtrip and printf('%!.17g') write in their
 * usual range — is m / 10^k with m and 10^k exact in long double: one
 * division, off by at most 2^-64 of itself, then rounded to a double.  For
 * a text written from a double with 17 digits that is the double itself
 * (the text is within 0.51·10^-17 of it, half a double's spacing is
 * 1.1·10^-16).  1: read; 0: another number, for strtod; -1: not a JSON
 * number ("-", "1."). */
static int fast_number(const char *p, const char **end, double *out)
{
	unsigned long long m = 0;
	int digits = 0, decimals = 0;
	bool neg = *p == '-';

	if (neg)
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		m = m * 10 + (unsigned)(*p - '0');
		if (m && ++digits > 19)
			return 0;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			m = m * 10 + (unsigned)(*p - '0');
			if ((m && ++digits > 19) || ++decimals > 27)
				return 0;
		}
	}
	if (*p == 'e' || *p == 'E')
		return 0;
	/* A whole number below 2^53 (most of a score set's) is exact as a
	 * double; the rest is divided in long double, exact to the double. */
	if (decimals == 0 && m <= (1ULL << 53))
		*out = (double)m;
	else if (LDBL_MANT_DIG < 64)
		return 0;
	else
		*out = (double)((long double)m / pow10_exact(decimals));
	if (neg)
		*out = -*out;
	*end = p;
	return 1;
}

bool json_scan_number(json_scan *c, double *out)
{
	char *end;

	if (null_literal(c)) {
		*out = NAN;
		return true;
	}
	if (!(*c->p == '-' || (*c->p >= '0' && *c->p <= '9')))
		return false;
	switch (fast_number(c->p, &c->p, out)) {
	case 1: return true;
	case -1: return false;
	default: break;
	}
	*out = strtod(c->p, &end);
	if (end == c->p || !isfinite(*out))
		return false;
	c->p = end;
	return true;
}
