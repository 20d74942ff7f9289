#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text.h"
#include "util.h"

#define MAX_OPTIONS 32

int exit_for(dti_err e)
{
	return (int)dti_exit_code(e, PROGRAM_DTI);
}

int fail(dti_err e, const dti_diag *d)
{
	log_error("%s", d->msg);
	return exit_for(e);
}

int usage_error(const char *msg)
{
	log_error("%s", msg);
	fprintf(stderr, "try '%s --help'\n", log_program());
	return EXIT_USAGE;
}

/* "unknown WHAT 'word'; did you mean 'PREFIXnear'?" and the hint. */
static int unknown(const char *what, const char *word, const char *prefix, const char *near)
{
	char *shown = xstrdup(word);

	text_printable(shown); /* what was typed, shown back harmlessly */
	if (near)
		log_error("unknown %s '%s'; did you mean '%s%s'?", what, shown, prefix, near);
	else
		log_error("unknown %s '%s'", what, shown);
	free(shown);
	fprintf(stderr, "try '%s --help'\n", log_program());
	return EXIT_USAGE;
}

int usage_unknown(const char *what, const char *word, const char *const *choices, size_t n)
{
	return unknown(what, word, "", text_nearest(word, choices, n));
}

int option_error(const struct option *opts, char **argv)
{
	const char *arg = argv[optind - 1], *names[MAX_OPTIONS];
	char name[TEXT_WORD_MAX + 1], msg[TEXT_WORD_MAX + 64];
	size_t n = 0, len;

	if (strncmp(arg, "--", 2) != 0) {
		for (size_t i = 0; optopt && opts[i].name; i++)
			if (opts[i].val == optopt && opts[i].has_arg == required_argument) {
				snprintf(msg, sizeof msg, "option '-%c' needs a value", optopt);
				return usage_error(msg);
			}
		snprintf(name, sizeof name, "-%c", optopt ? optopt : '?');
		return unknown("option", name, "", NULL);
	}
	len = strcspn(arg + 2, "=");
	snprintf(name, sizeof name, "%.*s", (int)len, arg + 2);
	for (size_t i = 0; opts[i].name && n < MAX_OPTIONS; i++) {
		if (strcmp(opts[i].name, name) == 0) {
			snprintf(msg, sizeof msg, "option '--%s' %s", name,
				 opts[i].has_arg == no_argument ? "takes no value"
								: "needs a value");
			return usage_error(msg);
		}
		names[n++] = opts[i].name;
	}
	return unknown("option", arg, "--", text_nearest(name, names, n));
}

bool parse_run_id(const char *s, int64_t *run)
{
	return parse_i64(s, run) && *run > 0;
}
