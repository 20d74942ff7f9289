#include "html.h"

#include <string.h>
#include <strings.h>

#include "util.h"

void html_text(strbuf *sb, const char *s)
{
	if (!s)
		return;
	/* Runs without a character to escape copied whole (strcspn finds the
	 * next one faster than a test of each character). */
	for (;;) {
		size_t n = strcspn(s, "&<>\"'");
		const char *rep = NULL;
		sb_append(sb, s, n);
		switch (s[n]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: return; /* the end */
		}
		sb_appends(sb, rep);
		s += n + 1;
	}
}

bool html_url_ok(const char *url)
{
	size_t skip;

	if (!url)
		return false;
	if (strncasecmp(url, "https://", 8) == 0)
		skip = 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		skip = 7;
	else
		return false;
	if (!url[skip] || url[skip] == '/')
		return false; /* no host */
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

void html_link(strbuf *sb, const char *url, const char *label)
{
	if (!url)
		return;
	if (!html_url_ok(url)) {
		html_text(sb, label ? label : url);
		return;
	}
	sb_appends(sb, "<a rel=\"noopener noreferrer nofollow\" href=\"");
	html_text(sb, url);
	sb_appends(sb, "\">");
	html_text(sb, label ? label : url);
	sb_appends(sb, "</a>");
}
