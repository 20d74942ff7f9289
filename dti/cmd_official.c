/* dti approve and dti runs void: the lifecycle of a year's result.  The
 * nightly run stores provisional runs; the province approves one as the
 * year's official result by a decision (kept apart in OUT/official-YEAR/,
 * which the nightly publication never touches); a mistaken run is voided
 * and then counts nowhere.  Nothing is deleted: a later approval
 * supersedes the current one, a void is a record beside its run. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "form.h"
#include "log.h"
#include "official.h"
#include "store_score.h"
#include "text.h"
#include "util.h"

enum { NAME_MAX_BYTES = 200 }; /* a decision's number, a person or unit */

/* One line of text at most NAME_MAX_BYTES long, not blank; else a usage
 * message naming `what`. */
static bool line_ok(const char *s, const char *what, char msg[256])
{
	char why[TEXT_WHY];
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || strspn(s, " ") == n) {
		snprintf(msg, 256, "%s must not be empty", what);
		return false;
	}
	if (n > NAME_MAX_BYTES) {
		snprintf(msg, 256, "%s is longer than %d bytes", what, NAME_MAX_BYTES);
		return false;
	}
	if (!text_check(s, n, TEXT_LINE, why)) {
		snprintf(msg, 256, "%s %s", what, why);
		return false;
	}
	return true;
}

int cmd_approve(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"decision", required_argument, NULL, 'D'},
					     {"decision-date", required_argument, NULL, 't'},
					     {"by", required_argument, NULL, 'b'},
					     {"out", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	const char *decision = NULL, *date = NULL, *by = NULL, *out = a->cfg->output_dir;
	store_approval ap;
	store_scoring_run run;
	bool found = false;
	int64_t run_id = 0;
	char msg[256];
	dti_diag d;
	dti_err rc;
	int c, code;

	optind = 0; /* 0, not 1: getopt forgets dti's "+" and takes RUN anywhere */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'D': decision = optarg; break;
		case 't': date = optarg; break;
		case 'b': by = optarg; break;
		case 'o': out = optarg; break;
		default: return option_error(opts, argv);
		}
	}
	if (argc - optind != 1 || !parse_run_id(argv[optind], &run_id))
		return usage_error("name one scoring RUN id");
	if (!line_ok(decision, "--decision", msg) || !line_ok(by, "--by", msg))
		return usage_error(msg);
	if (!form_date_ok(date))
		return usage_error("--decision-date takes the decision's date as YYYY-MM-DD");
	memset(&ap, 0, sizeof ap);
	snprintf(ap.decision, sizeof ap.decision, "%s", decision);
	snprintf(ap.decision_date, sizeof ap.decision_date, "%s", date);
	snprintf(ap.by, sizeof ap.by, "%s", by);
	rc = store_scoring_run_get(a->st, run_id, &run, &found, &d);
	if (!rc && !found)
		rc = diag_set(&d, DTI_ENOTFOUND, "no scoring run %lld", (long long)run_id);
	if (!rc)
		rc = official_approve(a->st, &run, &ap, &d);
	if (rc)
		return fail(rc, &d);
	log_info("scoring run %lld approved as the official result of %d by '%s' (decision '%s' "
		 "of %s; approval %lld)",
		 (long long)run.id, run.year, ap.by, ap.decision, ap.decision_date,
		 (long long)ap.id);
	/* The official publication, then the year's, whose index now links it. */
	a->year = run.year;
	/* The year's current approval, this one unless another superseded
	 * it meanwhile: then that one is the official result to put in place. */
	code = cli_publish(a, out, 0, true, OFFICIAL_WAIT_S);
	return code ? code : cli_publish(a, out, 0, false, OFFICIAL_WAIT_S);
}

int cmd_runs_void(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"reason", required_argument, NULL, 'r'},
					     {"by", required_argument, NULL, 'b'},
					     {NULL, 0, NULL, 0}};
	const char *reason = NULL, *by = NULL;
	store_scoring_run run;
	store_approval ap;
	bool found = false, approved = false;
	int64_t run_id = 0;
	char why[TEXT_WHY], msg[256], now[32];
	dti_diag d;
	dti_err rc;
	int c;

	optind = 0; /* 0, not 1: getopt forgets dti's "+" and takes RUN anywhere */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			reason = optarg;
		else if (c == 'b')
			by = optarg;
		else
			return option_error(opts, argv);
	}
	if (argc - optind != 1 || !parse_run_id(argv[optind], &run_id))
		return usage_error("name one scoring RUN id");
	if (!reason || strspn(reason, " ") == strlen(reason))
		return usage_error("--reason says why the run is voided");
	if (!text_note_ok(reason, why)) {
		snprintf(msg, sizeof msg, "--reason %s", why);
		return usage_error(msg);
	}
	if (!line_ok(by, "--by", msg))
		return usage_error(msg);
	rc = store_scoring_run_get(a->st, run_id, &run, &found, &d);
	if (!rc && !found)
		rc = diag_set(&d, DTI_ENOTFOUND, "no scoring run %lld", (long long)run_id);
	if (!rc && run.voided)
		rc = diag_set(&d, DTI_EINVALID, "scoring run %lld is already voided",
			      (long long)run_id);
	if (!rc)
		rc = store_approval_current(a->st, run.year, &ap, &approved, &d);
	/* The official result stays what it is until another run is approved. */
	if (!rc && approved && ap.scoring_run_id == run_id)
		rc = diag_set(&d, DTI_EINVALID,
			      "scoring run %lld is the official result of %d (decision '%s'): "
			      "approve another run first, then void this one",
			      (long long)run_id, run.year, ap.decision);
	now_iso(now);
	if (!rc)
		rc = store_scoring_run_void(a->st, run_id, reason, by, now, &d);
	if (rc)
		return fail(rc, &d);
	log_info("scoring run %lld (%d) voided by '%s'; it no longer counts in any view or report "
		 "(run 'dti publish' to publish the year again)",
		 (long long)run_id, run.year, by);
	return EXIT_OK;
}
