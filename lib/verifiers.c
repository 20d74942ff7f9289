#include "verifiers.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* Calls fn for each unit named in `list` (trimmed, empty ones skipped);
 * stops and returns true when fn does. */
static bool each_unit(const char *list, bool (*fn)(void *, const char *, size_t), void *ctx)
{
	const char *p = list ? list : "";

	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *s = p;
		size_t len = n;
		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len && fn(ctx, s, len))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool add_unit(void *ctx, const char *s, size_t len)
{
	verifier_units *u = ctx;

	for (size_t i = 0; i < u->n; i++)
		if (strlen(u->names[i]) == len && memcmp(u->names[i], s, len) == 0)
			return false;
	u->names = xrealloc(u->names, (u->n + 1) * sizeof *u->names);
	u->names[u->n++] = xstrndup(s, len);
	return false;
}

void verifiers_list(const framework *fw, verifier_units *out)
{
	out->names = NULL;
	out->n = 0;
	for (size_t i = 0; i < fw->n_indicators; i++)
		each_unit(fw->indicators[i].verifiers, add_unit, out);
}

void verifiers_free(verifier_units *u)
{
	for (size_t i = 0; u && i < u->n; i++)
		free(u->names[i]);
	if (u) {
		free(u->names);
		u->names = NULL;
		u->n = 0;
	}
}

typedef struct unit_match {
	char *const *units;
	size_t n;
} unit_match;

static bool matches(void *ctx, const char *s, size_t len)
{
	const unit_match *m = ctx;

	for (size_t i = 0; i < m->n; i++)
		if (strlen(m->units[i]) == len && memcmp(m->units[i], s, len) == 0)
			return true;
	return false;
}

bool verifiers_known(const framework *fw, const char *unit)
{
	char *const one[1] = {(char *)unit};
	unit_match m = {one, 1};

	for (size_t i = 0; unit && i < fw->n_indicators; i++)
		if (each_unit(fw->indicators[i].verifiers, matches, &m))
			return true;
	return false;
}

bool verifiers_cover(const framework *fw, char *const *units, size_t n, const char *variable)
{
	const fw_variable *v = variable ? framework_variable(fw, variable) : NULL;
	unit_match m = {units, n};

	for (size_t i = 0; v && i < fw->n_indicators; i++)
		if (framework_indicator_uses(&fw->indicators[i], v) &&
		    each_unit(fw->indicators[i].verifiers, matches, &m))
			return true;
	return false;
}
