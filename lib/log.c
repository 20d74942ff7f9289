#include "log.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *program = "dti";
static int quiet;

void log_init(const char *p)
{
	program = p;
}

const char *log_program(void)
{
	return program;
}

void log_set_quiet(int q)
{
	quiet = q;
}

/* With DTI_LOG_TIME=1 (the nightly job's logs) every line starts with the
 * time and the program, the continuation lines of a multi-line message
 * too, so that a log can be filtered by time line by line. */
static void emit(const char *level, const char *fmt, va_list ap)
{
	const char *t = getenv("DTI_LOG_TIME");
	char now[32], *msg, *line, *nl;
	strbuf sb;

	if (!t || strcmp(t, "1") != 0) {
		fprintf(stderr, "%s: %s", program, level);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		return;
	}
	now_iso(now);
	sb_init(&sb, 0);
	if (sb_vappendf(&sb, fmt, ap)) {
		sb_free(&sb);
		return;
	}
	msg = sb_take(&sb);
	for (line = msg;; line = nl + 1) {
		nl = strchr(line, '\n');
		fprintf(stderr, "%s %s: %s%.*s\n", now, program, line == msg ? level : "",
			(int)(nl ? nl - line : (ptrdiff_t)strlen(line)), line);
		if (!nl)
			break;
	}
	free(msg);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit("warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	emit("", fmt, ap);
	va_end(ap);
}
