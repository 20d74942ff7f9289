/* dti publish: exports and the HTML report of a year's latest scoring run,
 * or of its official result. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "publish.h"
#include "store_score.h"
#include "util.h"

int cli_publish(app *a, const char *out, int64_t run_id, bool official)
{
	scoring_run_info run = {0};
	rating_bands bands = {NULL, 0};
	history *hist = NULL;
	publish_options po;
	char *index = NULL, *abs = NULL;
	dti_diag d;
	dti_err rc;

	rc = report_bands_load(a->cfg->root, &bands, &d);
	if (rc) {
		diag_prefix(&d, "%s", a->config_path);
		return fail(rc, &d);
	}
	if (official && !run_id) {
		store_approval ap;
		bool found = false;
		rc = store_approval_current(a->st, a->year, &ap, &found, &d);
		if (!rc && !found)
			rc = diag_set(&d, DTI_ENOTFOUND,
				      "no official result for %d: approve a run with 'dti approve "
				      "RUN --decision …' first",
				      a->year);
		if (rc)
			goto out;
		run_id = ap.scoring_run_id;
	}
	rc = make_dirs(out, &d);
	if (rc)
		goto out;
	/* Absolute paths, so the report's path opens from anywhere. */
	abs = realpath(out, NULL);
	po.out_dir = abs ? abs : out;
	po.title = a->cfg->name ? a->cfg->name : "";
	po.bands = &bands;
	po.official = official;
	rc = score_run_load(a->st, run_id, a->year, &run, &d);
	if (!rc)
		rc = history_open(a->cfg, run.year, &hist, &d);
	if (rc)
		goto out;
	po.history = hist;
	rc = publish_run(a->st, &run, &po, stdout, &index, &d);
	if (!rc)
		log_info("scoring run %lld (%d) published%s; report: %s", (long long)run.id,
			 run.year, official ? " as the official result" : "", index);
out:
	history_close(hist);
	free(index);
	free(abs);
	framework_free(run.fw);
	report_bands_free(&bands);
	return rc ? fail(rc, &d) : EXIT_OK;
}

int cmd_publish(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"run", required_argument, NULL, 'r'},
					     {"out", required_argument, NULL, 'o'},
					     {"official", no_argument, NULL, 'O'},
					     {NULL, 0, NULL, 0}};
	const char *out = a->cfg->output_dir;
	int64_t run_id = 0;
	bool official = false;
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
		} else {
			return option_error(opts, argv);
		}
	}
	if (optind < argc)
		return usage_error("takes no arguments besides --run, --out and --official");
	if (official && run_id)
		return usage_error("--official publishes the approved run; no --run");
	return cli_publish(a, out, run_id, official);
}
