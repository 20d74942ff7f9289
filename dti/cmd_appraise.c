/* dti appraise list | verify | reject | correct | disagreements — district
 * officers' appraisal of observations. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appraisal.h"
#include "cli.h"
#include "log.h"
#include "store_appraisal.h"
#include "table.h"
#include "units.h"
#include "util.h"

/* A list's rows go to t (reasons may hold tabs and line breaks: the table
 * keeps one record per line); n counts them.  variable: only its rows
 * (NULL: all). */
typedef struct list_walk {
	const char *variable;
	table *t;
	long n;
} list_walk;

static dti_err list_one(void *ctx, const store_appraisal_item *it)
{
	list_walk *w = ctx;
	const char *f[10] = {it->id_text,      it->commune_code, it->variable,    it->source,
			     it->value,        it->state,        it->observed_at, it->proof_url,
			     it->appraised_by, it->reason};

	if (w->variable && strcmp(w->variable, it->variable) != 0)
		return DTI_EOK;
	w->n++;
	table_row(w->t, f);
	return DTI_EOK;
}

static int appraise_list(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {"variable", required_argument, NULL, 'v'},
					     {"pending", no_argument, NULL, 'p'},
					     {NULL, 0, NULL, 0}};
	const char *variable = NULL;
	char code[16] = "";
	bool pending = false;
	list_walk w = {NULL, NULL, 0};
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:v:p", opts, NULL)) != -1) {
		if (c == 'c' && !commune_code_normalise(optarg, code))
			return usage_error("--commune takes a commune code such as 11989");
		else if (c == 'v')
			variable = optarg;
		else if (c == 'p')
			pending = true;
		else if (c != 'c')
			return option_error(opts, argv);
	}
	w.t = table_open(stdout, 10);
	table_rowv(w.t, "id", "commune", "variable", "source", "value", "state", "observed_at",
		   "proof_url", "appraised_by", "reason");
	/* Awaiting appraisal: the queue an admin sees in dti-web, the same
	 * rows in the same order. */
	if (pending) {
		w.variable = variable;
		rc = appraisal_queue(a->st, a->cfg, a->fw, a->year, code, false, NULL, 0, -1, NULL,
				     list_one, &w, &d);
	} else {
		rc = store_appraisal_each(a->st, a->year, code, variable, false, list_one, &w, &d);
	}
	table_close(w.t);
	if (rc)
		return fail(rc, &d);
	log_info("%ld observation%s%s", w.n, w.n == 1 ? "" : "s",
		 pending ? " awaiting appraisal" : "");
	return EXIT_OK;
}

/* Who acts when --by is not given: $USER, else the account name. */
static const char *default_appraiser(void)
{
	const char *u = getenv("USER");
	const struct passwd *pw;

	if (u && *u)
		return u;
	pw = getpwuid(geteuid());
	return pw ? pw->pw_name : NULL;
}

/* True when the observation is its source's latest (source_value), or
 * when that cannot be told. */
static bool is_latest(app *a, int64_t id)
{
	dti_diag d;
	bool yes = true;

	store_observation_is_latest(a->st, id, &yes, &d);
	return yes;
}

static int appraise_act(app *a, appraisal_action act, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {"variable", required_argument, NULL, 'v'},
					     {"source", required_argument, NULL, 's'},
					     {"reason", required_argument, NULL, 'r'},
					     {"by", required_argument, NULL, 'b'},
					     {NULL, 0, NULL, 0}};
	const char *variable = NULL, *source = NULL, *reason = NULL, *by = default_appraiser();
	const char *value = NULL;
	char code[16] = "";
	int64_t *ids = NULL, *aids = NULL;
	size_t n = 0;
	dti_diag d;
	dti_err rc = DTI_EOK;
	int c, rcode = EXIT_OK;
	const char *name = appraisal_action_name(act);

	optind = 0; /* GNU getopt: reinitialise, options may follow the IDs */
	while ((c = getopt_long(argc, argv, "c:v:s:r:b:", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!commune_code_normalise(optarg, code))
				return usage_error("--commune takes a commune code such as 11989");
			break;
		case 'v': variable = optarg; break;
		case 's': source = optarg; break;
		case 'r': reason = optarg; break;
		case 'b': by = optarg; break;
		default: return option_error(opts, argv);
		}
	}
	if (act == APPRAISE_CORRECT) {
		/* The corrected value is the last argument. */
		if (optind >= argc)
			return usage_error("give the corrected VALUE");
		value = argv[--argc];
	}
	if (code[0] || variable) {
		if (!variable)
			return usage_error("--commune needs --variable NAME");
		if (!code[0])
			return usage_error("--variable needs --commune CODE");
		if (optind < argc)
			return usage_error("name observation IDs, or --commune CODE and "
					   "--variable NAME, not both");
		if (!framework_variable(a->fw, variable))
			return usage_error("--variable is not a variable of the framework");
		rc = appraisal_find(a->st, a->year, code, variable, source, &ids, &n, &d);
		if (rc)
			return fail(rc, &d);
	} else {
		if (optind >= argc)
			return usage_error("name observation IDs (see 'dti appraise list') or "
					   "--commune and --variable");
		ids = xcalloc((size_t)(argc - optind), sizeof *ids);
		for (int i = optind; i < argc; i++) {
			if (!parse_i64(argv[i], &ids[n]) || ids[n] <= 0) {
				free(ids);
				return usage_error("an observation ID is a positive number");
			}
			n++;
		}
	}
	if (act == APPRAISE_CORRECT && n != 1) {
		free(ids);
		log_error("%zu observations match; name one observation id", n);
		return EXIT_REFUSED;
	}
	/* Every observation named, or none: one transaction. */
	aids = xcalloc(n, sizeof *aids);
	rc = appraisal_record_all(a->st, a->fw, ids, n, act, value, by, reason, aids, &d);
	if (rc)
		rcode = fail(rc, &d);
	for (size_t i = 0; !rc && i < n; i++) {
		int64_t aid = aids[i];
		if (!is_latest(a, ids[i]))
			log_warn(
				"observation %lld is not its source's latest value: this act does not "
				"change what is scored",
				(long long)ids[i]);
		log_info("observation %lld: %s by %s (appraisal %lld)%s%s", (long long)ids[i], name,
			 by, (long long)aid, act == APPRAISE_CORRECT ? ", value " : "",
			 act == APPRAISE_CORRECT ? value : "");
	}
	free(aids);
	free(ids);
	return rcode;
}

static dti_err print_disagreement(void *ctx, const store_disagreement *it)
{
	list_walk *w = ctx;
	const char *f[11] = {
		it->commune_code, it->commune_name, it->variable,    it->form_observation_id,
		it->form_value,   it->form_state,   it->feed_source, it->feed_observation_ids,
		it->feed_value,   it->feed_state,   it->difference};

	w->n++;
	table_row(w->t, f);
	return DTI_EOK;
}

static int appraise_disagreements(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {NULL, 0, NULL, 0}};
	char code[16] = "";
	appraisal_tolerance tol;
	dti_diag d;
	dti_err rc;
	list_walk w = {NULL, NULL, 0};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		if (c != 'c')
			return option_error(opts, argv);
		if (!commune_code_normalise(optarg, code))
			return usage_error("--commune takes a commune code such as 11989");
	}
	rc = appraisal_tolerance_load(a->cfg, &tol, &d);
	if (!rc)
		rc = appraisal_tolerance_sync(a->st, &tol, &d);
	if (rc)
		return fail(rc, &d);
	w.t = table_open(stdout, 11);
	table_rowv(w.t, "commune", "name", "variable", "form_observation", "form_value",
		   "form_state", "feed_source", "feed_observations", "feed_value", "feed_state",
		   "difference");
	rc = store_disagreement_each(a->st, a->year, code, print_disagreement, &w, &d);
	table_close(w.t);
	if (rc)
		return fail(rc, &d);
	{
		char x[64], y[64];
		format_number(x, tol.absolute);
		format_number(y, tol.relative);
		log_info("%ld disagreement%s beyond the tolerance (absolute %s, relative %s)", w.n,
			 w.n == 1 ? "" : "s", x, y);
	}
	return EXIT_OK;
}

int cmd_appraise(app *a, int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";

	if (strcmp(sub, "list") == 0)
		return appraise_list(a, argc - 1, argv + 1);
	if (strcmp(sub, "verify") == 0)
		return appraise_act(a, APPRAISE_VERIFY, argc - 1, argv + 1);
	if (strcmp(sub, "reject") == 0)
		return appraise_act(a, APPRAISE_REJECT, argc - 1, argv + 1);
	if (strcmp(sub, "correct") == 0)
		return appraise_act(a, APPRAISE_CORRECT, argc - 1, argv + 1);
	if (strcmp(sub, "disagreements") == 0)
		return appraise_disagreements(a, argc - 1, argv + 1);
	return usage_error("say 'list', 'verify', 'reject', 'correct' or 'disagreements'");
}
