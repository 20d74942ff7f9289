#include "cli.h"

#include <stdio.h>

#include "log.h"
#include "util.h"

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
	fputs("try 'dti --help'\n", stderr);
	return EXIT_USAGE;
}

bool parse_run_id(const char *s, int64_t *run)
{
	return parse_i64(s, run) && *run > 0;
}
