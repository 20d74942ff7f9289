#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static const char *const messages[] = {
#define DTI_ERR_MSG(name, msg, dti_code, collector_code) msg,
	DTI_ERRORS(DTI_ERR_MSG)
#undef DTI_ERR_MSG
};

static const dti_exit exit_codes[][2] = {
#define DTI_ERR_EXIT(name, msg, dti_code, collector_code) {dti_code, collector_code},
	DTI_ERRORS(DTI_ERR_EXIT)
#undef DTI_ERR_EXIT
};

const char *dti_strerror(dti_err e)
{
	if ((int)e < 0 || e >= DTI_E_COUNT)
		return "unknown error";
	return messages[e];
}

dti_exit dti_exit_code(dti_err e, dti_program p)
{
	if ((int)e < 0 || e >= DTI_E_COUNT || (p != PROGRAM_DTI && p != PROGRAM_COLLECTOR))
		return EXIT_DB;
	return exit_codes[e][p == PROGRAM_COLLECTOR];
}

dti_err diag_set(dti_diag *d, dti_err e, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return e;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
	return e;
}

void diag_prefix(dti_diag *d, const char *fmt, ...)
{
	char prefix[512];
	char old[sizeof d->msg];
	va_list ap;

	if (!d)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, d->msg, sizeof old);
	snprintf(d->msg, sizeof d->msg, "%s: %s", prefix, old);
}

void problems_add(dti_problems *p, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t limit = p->limit ? p->limit : 1000;

	p->count++;
	if (p->count > limit)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (p->stored == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->items = xrealloc(p->items, p->cap * sizeof *p->items);
	}
	p->items[p->stored++] = xstrdup(buf);
}

void problems_free(dti_problems *p)
{
	for (size_t i = 0; i < p->stored; i++)
		free(p->items[i]);
	free(p->items);
	p->items = NULL;
	p->count = p->stored = p->cap = 0;
}
