/* html.h — writing HTML and SVG safely: everything that came from outside
 * (names, notes, values, links) goes through these functions. */
#ifndef DTI_HTML_H
#define DTI_HTML_H

#include <stdbool.h>

struct strbuf;

/* Appends s with & < > " ' escaped: safe as element text and as a double-
 * or single-quoted attribute value.  NULL appends nothing. */
void html_text(struct strbuf *sb, const char *s);

/* True for an absolute http:// or https:// URL with no spaces or control
 * characters: the only links the report makes clickable. */
bool html_url_ok(const char *url);

/* A link to url labelled `label` (url itself when NULL) when html_url_ok;
 * otherwise the escaped text alone, never an href. */
void html_link(struct strbuf *sb, const char *url, const char *label);

#endif
