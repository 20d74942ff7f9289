/* dti publish: exports and the HTML report of a year's latest scoring run,
 * or of its official result. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "official.h"
#include "store_score.h"
#include "util.h"

int cli_publish(app *a, const char *out, int64_t run_id, bool official, int wait_s)
{
	official_published run = {0, 0};
	char *index = NULL;
	dti_diag d;
	dti_err rc = official_publish(a->st, a->cfg, a->year, out, run_id, official, wait_s, stdout,
				      &index, &run, &d);

	if (!rc)
		log_info("scoring run %lld (%d) published%s; report: %s", (long long)run.run_id,
			 run.year, official ? " as the official result" : "", index);
	free(index);
	return rc ? fail(rc, &d) : EXIT_OK;
}

int cmd_publish(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"run", required_argument, NULL, 'r'},
					     {"out", required_argument, NULL, 'o'},
					     {"official", no_argument, NULL, 'O'},
					     {"wait", required_argument, NULL, 'w'},
					     {NULL, 0, NULL, 0}};
	const char *out = a->cfg->output_dir;
	int64_t run_id = 0;
	bool official = false;
	int wait_s = OFFICIAL_WAIT_S;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:o:", opts, NULL)) != -1) {
		if (c == 'r') {
			if (!parse_run_id(optarg, &run_id))
				return usage_error("--run takes a scoring run id");
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 'O') {
			official = true;
		} else if (c == 'w') {
			int64_t w;
			if (!parse_i64(optarg, &w) || w < 0 || w > 86400)
				return usage_error("--wait takes a number of seconds, 0 to 86400");
			wait_s = (int)w;
		} else {
			return option_error(opts, argv);
		}
	}
	if (optind < argc)
		return usage_error(
			"takes no arguments besides --run, --out, --official and --wait");
	if (official && run_id)
		return usage_error("--official publishes the approved run; no --run");
	return cli_publish(a, out, run_id, official, wait_s);
}
