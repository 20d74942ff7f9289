/* dti publish: exports and the HTML report of a year's latest scoring run. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "publish.h"
#include "util.h"

int cmd_publish(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"run", required_argument, NULL, 'r'},
					     {"out", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	const char *out = a->cfg->output_dir;
	scoring_run_info run = {0};
	rating_bands bands = {NULL, 0};
	publish_options po;
	char *index = NULL, *abs = NULL;
	int64_t run_id = 0;
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:o:", opts, NULL)) != -1) {
		if (c == 'r') {
			if (!parse_run_id(optarg, &run_id))
				return usage_error("--run takes a scoring run id");
		} else if (c == 'o') {
			out = optarg;
		} else {
			return option_error(opts, argv);
		}
	}
	if (optind < argc)
		return usage_error("takes no arguments besides --run and --out");
	rc = report_bands_load(a->cfg->root, &bands, &d);
	if (rc) {
		diag_prefix(&d, "%s", a->config_path);
		return fail(rc, &d);
	}
	rc = make_dirs(out, &d);
	if (rc)
		goto out;
	/* Absolute paths, so the report's path opens from anywhere. */
	abs = realpath(out, NULL);
	po.out_dir = abs ? abs : out;
	po.title = a->cfg->name ? a->cfg->name : "";
	po.bands = &bands;
	rc = score_run_load(a->st, run_id, a->year, &run, &d);
	if (rc)
		goto out;
	rc = publish_run(a->st, &run, &po, stdout, &index, &d);
	if (!rc)
		log_info("scoring run %lld (%d) published; report: %s", (long long)run.id, run.year,
			 index);
out:
	free(index);
	free(abs);
	framework_free(run.fw);
	report_bands_free(&bands);
	return rc ? fail(rc, &d) : EXIT_OK;
}
