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
#include "units.h"
#include "util.h"

static const char *col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

static int appraise_list(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {"variable", required_argument, NULL, 'v'},
					     {"pending", no_argument, NULL, 'p'},
					     {NULL, 0, NULL, 0}};
	const char *variable = NULL;
	char code[16] = "";
	bool pending = false, all;
	strmap must;
	sqlite3_stmt *s = NULL;
	dti_diag d;
	dti_err rc;
	int c, code_rc = EXIT_OK;
	long n = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:v:p", opts, NULL)) != -1) {
		if (c == 'c' && !commune_code_normalise(optarg, code))
			return usage_error("appraise list: --commune takes a commune code such as 11989");
		else if (c == 'v')
			variable = optarg;
		else if (c == 'p')
			pending = true;
		else if (c != 'c')
			return usage_error("appraise list: unknown option");
	}
	strmap_init(&must);
	rc = appraisal_must_verify(a->cfg, a->fw, &must, &all, &d);
	if (!rc)
		rc = staging_prepare(a->st,
				     "SELECT v.id, v.commune_code, v.variable, s.name, v.value, v.state, "
				     "v.observed_at, v.proof_url, v.appraised_by, v.appraisal_reason "
				     "FROM source_value v JOIN source s ON s.id = v.source_id "
				     "WHERE v.year = ?1 AND (?2 = '' OR v.commune_code = ?2) "
				     "AND (?3 IS NULL OR v.variable = ?3) AND (?4 = 0 OR v.state = 'raw') "
				     "ORDER BY v.commune_code, v.variable, s.name",
				     &s, &d);
	if (rc) {
		code_rc = fail(rc, &d);
		goto out;
	}
	sqlite3_bind_int(s, 1, a->year);
	sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
	staging_bind_text(s, 3, variable);
	sqlite3_bind_int(s, 4, pending);
	printf("id\tcommune\tvariable\tsource\tvalue\tstate\tobserved_at\tproof_url\tappraised_by\treason\n");
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (pending && !all && !strmap_get(&must, col(s, 2), NULL))
			continue;
		n++;
		for (int i = 0; i < 10; i++) {
			/* Reasons are free text: keep one record per line. */
			const char *t = col(s, i);
			for (const char *p = t; *p; p++)
				putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
			putchar(i == 9 ? '\n' : '\t');
		}
	}
	log_info("%ld observation%s%s", n, n == 1 ? "" : "s", pending ? " awaiting appraisal" : "");
out:
	sqlite3_finalize(s);
	strmap_free(&must);
	return code_rc;
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

/* True when the observation is its source's latest (source_value). */
static bool is_latest(app *a, int64_t id)
{
	sqlite3_stmt *s = NULL;
	dti_diag d;
	bool yes = true;

	if (staging_prepare(a->st,
			    "SELECT count(*) FROM source_value v JOIN observation o ON o.id = ?1 "
			    "WHERE v.id = o.id AND v.year = o.year AND v.commune_code = o.commune_code "
			    "AND v.variable = o.variable",
			    &s, &d) == DTI_EOK) {
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			yes = sqlite3_column_int(s, 0) > 0;
	}
	sqlite3_finalize(s);
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
	int64_t *ids = NULL;
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
				return usage_error("appraise: --commune takes a commune code such as 11989");
			break;
		case 'v': variable = optarg; break;
		case 's': source = optarg; break;
		case 'r': reason = optarg; break;
		case 'b': by = optarg; break;
		default: return usage_error("appraise: unknown option");
		}
	}
	if (act == APPRAISE_CORRECT) {
		/* The corrected value is the last argument. */
		if (optind >= argc)
			return usage_error("appraise correct: give the corrected VALUE");
		value = argv[--argc];
	}
	if (code[0] || variable) {
		if (!code[0] || !variable || optind < argc)
			return usage_error("appraise: name observation IDs, or --commune CODE and "
					   "--variable NAME, not both");
		if (!framework_variable(a->fw, variable))
			return usage_error("appraise: --variable is not a variable of the framework");
		rc = appraisal_find(a->st, a->year, code, variable, source, &ids, &n, &d);
		if (rc)
			return fail(rc, &d);
	} else {
		if (optind >= argc)
			return usage_error("appraise: name observation IDs (see 'dti appraise list') or "
					   "--commune and --variable");
		ids = xcalloc((size_t)(argc - optind), sizeof *ids);
		for (int i = optind; i < argc; i++) {
			if (!parse_i64(argv[i], &ids[n]) || ids[n] <= 0) {
				free(ids);
				return usage_error("appraise: an observation ID is a positive number");
			}
			n++;
		}
	}
	if (act == APPRAISE_CORRECT && n != 1) {
		free(ids);
		log_error("appraise correct: %zu observations match; name one observation id", n);
		return EXIT_REFUSED;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t aid = 0;
		rc = appraisal_record(a->st, a->fw, ids[i], act, value, by, reason, &aid, &d);
		if (rc) {
			rcode = fail(rc, &d);
			break;
		}
		if (!is_latest(a, ids[i]))
			log_warn("observation %lld is not its source's latest value: this act does not "
				 "change what is scored",
				 (long long)ids[i]);
		log_info("observation %lld: %s by %s (appraisal %lld)%s%s", (long long)ids[i], name, by,
			 (long long)aid, act == APPRAISE_CORRECT ? ", value " : "",
			 act == APPRAISE_CORRECT ? value : "");
	}
	free(ids);
	return rcode;
}

static int appraise_disagreements(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {NULL, 0, NULL, 0}};
	char code[16] = "";
	appraisal_tolerance tol;
	sqlite3_stmt *s = NULL;
	dti_diag d;
	dti_err rc;
	long n = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:", opts, NULL)) != -1)
		if (c != 'c' || !commune_code_normalise(optarg, code))
			return usage_error("appraise disagreements: --commune takes a commune code");
	rc = appraisal_tolerance_load(a->cfg, &tol, &d);
	if (!rc)
		rc = appraisal_tolerance_sync(a->st, &tol, &d);
	if (!rc)
		rc = staging_prepare(a->st,
				     "SELECT commune_code, coalesce(commune_name, ''), variable, "
				     "form_observation_id, form_value, form_state, feed_source, "
				     "feed_observation_ids, feed_value, feed_state, difference "
				     "FROM disagreement WHERE year = ?1 AND (?2 = '' OR commune_code = ?2) "
				     "ORDER BY commune_code, variable, feed_source",
				     &s, &d);
	if (rc)
		return fail(rc, &d);
	sqlite3_bind_int(s, 1, a->year);
	sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
	printf("commune\tname\tvariable\tform_observation\tform_value\tform_state\tfeed_source\t"
	       "feed_observations\tfeed_value\tfeed_state\tdifference\n");
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		for (int i = 0; i < 11; i++)
			printf("%s%s", col(s, i), i == 10 ? "\n" : "\t");
	}
	sqlite3_finalize(s);
	{
		char x[64], y[64];
		format_number(x, tol.absolute);
		format_number(y, tol.relative);
		log_info("%ld disagreement%s beyond the tolerance (absolute %s, relative %s)", n,
			 n == 1 ? "" : "s", x, y);
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
	return usage_error("appraise: say 'list', 'verify', 'reject', 'correct' or 'disagreements'");
}
