/* dti — the operator's command: database, communes, sheet import, scoring,
 * export, explanation.  Collectors are separate programs (dti-collect-*). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "config.h"
#include "explain.h"
#include "export.h"
#include "framework.h"
#include "log.h"
#include "score.h"
#include "sheet.h"
#include "staging.h"
#include "units.h"
#include "util.h"

/* Exit codes (README "Exit codes"). */
enum { EXIT_OK = 0, EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_CONFIG = 3, EXIT_DB = 4 };

static const char usage_text[] =
	"usage: dti [--config FILE] [--db FILE] [--year YEAR] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  init                        create or upgrade the database, load the configured communes\n"
	"  communes load [FILE.csv]    make FILE's communes (code,name) the set assessed;\n"
	"                              without FILE, the configuration's list\n"
	"  communes list               the communes assessed\n"
	"  import [--source NAME] [--format long|wide] [--dry-run] FILE...\n"
	"                              import district sheets (CSV, long or wide)\n"
	"  score [--official]          score every commune for the year; store the run\n"
	"  export [--run ID] [--out DIR] [--bom]\n"
	"                              write scores-YEAR.csv and ranking-YEAR.csv\n"
	"  explain [--run ID] COMMUNE ITEM\n"
	"                              inputs, sources, rule and arithmetic of one score\n"
	"  runs [--limit N]            recent collector and import runs\n"
	"\n"
	"options:\n"
	"  --config FILE   configuration (default: $DTI_CONFIG, ./config/dti.json, /etc/dti/dti.json)\n"
	"  --db FILE       database (default: the configuration's \"database\")\n"
	"  --year YEAR     assessment year (default: the configuration's \"year\")\n"
	"  -q, --quiet     no progress messages\n"
	"  -h, --help      this text;  --version  the version\n"
	"\n"
	"exit status: 0 success, 1 input refused, 2 usage, 3 configuration, 4 database or file\n";

typedef struct app {
	const char *config_path;
	const char *db_path;
	int year;
	config *cfg;
	framework *fw;
	staging *st;
} app;

static int exit_for(dti_err e)
{
	switch (e) {
	case DTI_EOK: return EXIT_OK;
	case DTI_EINVALID: case DTI_EPARSE: case DTI_ENOTFOUND: case DTI_EDEADLINE: return EXIT_REFUSED;
	case DTI_EUSAGE: return EXIT_USAGE;
	case DTI_ECONFIG: case DTI_EFRAMEWORK: return EXIT_CONFIG;
	default: return EXIT_DB;
	}
}

static int fail(dti_err e, const dti_diag *d)
{
	log_error("%s", d->msg);
	return exit_for(e);
}

static int usage_error(const char *msg)
{
	log_error("%s", msg);
	fputs("try 'dti --help'\n", stderr);
	return EXIT_USAGE;
}

/* Loads configuration, framework and database; seeds communes on first use. */
static int app_open(app *a)
{
	dti_diag d;
	dti_err rc;
	units *u = NULL;

	rc = config_load(a->config_path, &a->cfg, &d);
	if (rc)
		return fail(rc, &d);
	if (!a->year)
		a->year = a->cfg->year;
	rc = framework_load(a->cfg->framework, &a->fw, &d);
	if (rc)
		return fail(rc, &d);
	rc = staging_open(a->db_path ? a->db_path : a->cfg->database, &a->st, &d);
	if (rc)
		return fail(rc, &d);
	rc = staging_sync_framework(a->st, a->fw, &d);
	if (!rc)
		rc = units_load(a->cfg->admin_units, &u, &d);
	if (!rc)
		rc = staging_seed_communes(a->st, &a->cfg->communes, u, &d);
	units_free(u);
	if (rc)
		return fail(rc, &d);
	return EXIT_OK;
}

static void app_close(app *a)
{
	staging_close(a->st);
	framework_free(a->fw);
	config_free(a->cfg);
}

static int cmd_init(app *a, int argc, char **argv)
{
	(void)argc, (void)argv;
	log_info("database %s ready (schema %d), %zu communes configured, framework %s",
		 a->db_path ? a->db_path : a->cfg->database, staging_schema_version(),
		 a->cfg->communes.count, a->fw->edition);
	return EXIT_OK;
}

static int cmd_communes(app *a, int argc, char **argv)
{
	dti_diag d;
	dti_err rc;

	if (argc < 2)
		return usage_error("communes: say 'load [FILE]' or 'list'");
	if (strcmp(argv[1], "list") == 0) {
		commune_list l = {0};
		rc = staging_active_communes(a->st, &l, &d);
		if (rc)
			return fail(rc, &d);
		printf("code,name\n");
		for (size_t i = 0; i < l.count; i++)
			printf("%s,%s\n", l.items[i].code, l.items[i].name);
		commune_list_free(&l);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "load") == 0) {
		commune_list l = {0};
		dti_problems p = {0};
		units *u = NULL;
		const char *file = argc > 2 ? argv[2] : NULL;
		int code = EXIT_OK;

		rc = units_load(a->cfg->admin_units, &u, &d);
		if (rc)
			return fail(rc, &d);
		if (file) {
			rc = commune_list_read_csv(file, &l, &p, &d);
			if (rc == DTI_EIO || rc == DTI_EPARSE) {
				code = fail(rc, &d);
				goto done;
			}
			commune_list_check(&l, u, file, &p);
		} else {
			for (size_t i = 0; i < a->cfg->communes.count; i++)
				commune_list_add(&l, a->cfg->communes.items[i].code,
						 a->cfg->communes.items[i].name);
		}
		if (p.count) {
			for (size_t i = 0; i < p.stored; i++)
				log_error("%s", p.items[i]);
			log_error("%zu problem%s; the commune list was not changed", p.count,
				  p.count == 1 ? "" : "s");
			code = EXIT_REFUSED;
			goto done;
		}
		if (l.count == 0) {
			log_error("%s: no communes", file ? file : a->config_path);
			code = EXIT_REFUSED;
			goto done;
		}
		rc = staging_set_communes(a->st, &l, u, &d);
		if (rc) {
			code = fail(rc, &d);
			goto done;
		}
		log_info("%zu communes are now assessed", l.count);
	done:
		commune_list_free(&l);
		problems_free(&p);
		units_free(u);
		return code;
	}
	return usage_error("communes: say 'load [FILE]' or 'list'");
}

static int cmd_import(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"source", required_argument, NULL, 's'},
					     {"format", required_argument, NULL, 'f'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {NULL, 0, NULL, 0}};
	const char *source = "district-sheet";
	sheet_format fmt = SHEET_AUTO;
	bool dry = false;
	commune_list active = {0};
	commune_index ix;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:f:n", opts, NULL)) != -1) {
		if (c == 's')
			source = optarg;
		else if (c == 'f' && strcmp(optarg, "long") == 0)
			fmt = SHEET_LONG;
		else if (c == 'f' && strcmp(optarg, "wide") == 0)
			fmt = SHEET_WIDE;
		else if (c == 'n')
			dry = true;
		else
			return usage_error("import: unknown option or format (long, wide)");
	}
	if (optind >= argc)
		return usage_error("import: name at least one FILE");
	rc = staging_active_communes(a->st, &active, &d);
	if (rc)
		return fail(rc, &d);
	commune_index_build(&ix, &active);
	for (int i = optind; i < argc; i++) {
		const char *file = argv[i];
		FILE *f = fopen(file, "rb");
		batch b;
		dti_problems p = {0};
		batch_target t = {source, "sheet", "dti import", a->year, file, NULL, 0, false};

		if (!f) {
			log_error("cannot open '%s'", file);
			code = EXIT_DB;
			continue;
		}
		batch_init(&b);
		rc = sheet_read_csv(f, file, fmt, a->fw, &ix, a->year, &b, &p, &d);
		fclose(f);
		if (rc == DTI_EPARSE)
			problems_add(&p, "%s", d.msg);
		if (rc) {
			char *err = problems_join(&p, 50);
			for (size_t k = 0; k < p.stored; k++)
				log_error("%s", p.items[k]);
			log_error("%s: %zu problem%s; nothing of this file was stored", file, p.count,
				  p.count == 1 ? "" : "s");
			if (!dry && batch_record_failure(a->st, &t, &b.counts, err, &d))
				log_error("%s", d.msg);
			free(err);
			code = code ? code : EXIT_REFUSED;
		} else if (dry) {
			log_info("%s: dry run: %ld records read, %zu values valid, %ld empty; nothing stored",
				 file, b.counts.read, b.count, b.counts.skipped);
		} else {
			int64_t run = 0;
			rc = batch_store(a->st, &b, &t, &run, &d);
			if (rc) {
				log_error("%s", d.msg);
				code = EXIT_DB;
			} else {
				log_info("%s: run %lld stored %zu values (%ld records read, %ld empty)", file,
					 (long long)run, b.count, b.counts.read, b.counts.skipped);
			}
		}
		batch_free(&b);
		problems_free(&p);
	}
	commune_index_free(&ix);
	commune_list_free(&active);
	return code;
}

static int cmd_score(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"official", no_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	score_options o = {a->year, false, NULL};
	score_summary s;
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o", opts, NULL)) != -1) {
		if (c == 'o')
			o.official = true;
		else
			return usage_error("score: unknown option");
	}
	rc = score_year(a->st, a->fw, &o, &s, &d);
	if (rc)
		return fail(rc, &d);
	log_info("scoring run %lld: %zu communes, year %d, %s; %zu indicator scores lack inputs",
		 (long long)s.scoring_run_id, s.communes, a->year,
		 o.official ? "official" : "provisional", s.missing);
	return EXIT_OK;
}

static bool parse_run(const char *s, int64_t *run)
{
	return parse_i64(s, run) && *run > 0;
}

static int cmd_export(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"run", required_argument, NULL, 'r'},
					     {"out", required_argument, NULL, 'o'},
					     {"bom", no_argument, NULL, 'b'},
					     {NULL, 0, NULL, 0}};
	export_options eo = {a->cfg->output_dir, false};
	scoring_run_info run;
	int64_t run_id = 0;
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:o:b", opts, NULL)) != -1) {
		if (c == 'r' && !parse_run(optarg, &run_id))
			return usage_error("export: --run takes a scoring run id");
		else if (c == 'o')
			eo.out_dir = optarg;
		else if (c == 'b')
			eo.bom = true;
		else if (c != 'r')
			return usage_error("export: unknown option");
	}
	rc = score_run_load(a->st, run_id, a->year, &run, &d);
	if (!rc)
		rc = export_run(a->st, &run, &eo, stdout, &d);
	framework_free(run.fw);
	return rc ? fail(rc, &d) : EXIT_OK;
}

static int cmd_explain(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"run", required_argument, NULL, 'r'},
					     {NULL, 0, NULL, 0}};
	scoring_run_info run;
	int64_t run_id = 0;
	char code[16];
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:", opts, NULL)) != -1) {
		if (c != 'r' || !parse_run(optarg, &run_id))
			return usage_error("explain: --run takes a scoring run id");
	}
	if (argc - optind != 2)
		return usage_error("explain: name a COMMUNE code and an ITEM (1.1 … 8.5, P1 … P8, TOTAL)");
	if (!commune_code_normalise(argv[optind], code))
		return usage_error("explain: COMMUNE is a code such as 11989");
	rc = score_run_load(a->st, run_id, a->year, &run, &d);
	if (!rc)
		rc = explain_score(a->st, &run, code, argv[optind + 1], stdout, &d);
	framework_free(run.fw);
	return rc ? fail(rc, &d) : EXIT_OK;
}

static int cmd_runs(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'},
					     {NULL, 0, NULL, 0}};
	int64_t limit = 20;
	sqlite3_stmt *s = NULL;
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+l:", opts, NULL)) != -1)
		if (c != 'l' || !parse_i64(optarg, &limit) || limit <= 0)
			return usage_error("runs: --limit takes a positive number");
	rc = staging_prepare(a->st,
			     "SELECT r.id, coalesce(s.name, ''), r.program, r.status, r.started_at, "
			     "coalesce(r.finished_at, ''), r.records_read, r.records_stored, "
			     "r.records_skipped, r.records_rejected, coalesce(r.input, ''), "
			     "coalesce(replace(r.error, char(10), ' | '), '') "
			     "FROM run r LEFT JOIN source s ON s.id = r.source_id ORDER BY r.id DESC LIMIT ?1",
			     &s, &d);
	if (rc)
		return fail(rc, &d);
	sqlite3_bind_int64(s, 1, limit);
	printf("id\tsource\tprogram\tstatus\tstarted\tfinished\tread\tstored\tskipped\trejected\tinput\terror\n");
	while (sqlite3_step(s) == SQLITE_ROW) {
		for (int i = 0; i < 12; i++)
			printf("%s%s", (const char *)sqlite3_column_text(s, i), i == 11 ? "\n" : "\t");
	}
	sqlite3_finalize(s);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"db", required_argument, NULL, 'd'},
					     {"year", required_argument, NULL, 'y'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {"version", no_argument, NULL, 'V'},
					     {NULL, 0, NULL, 0}};
	static const struct {
		const char *name;
		int (*run)(app *, int, char **);
	} commands[] = {{"init", cmd_init},       {"communes", cmd_communes}, {"import", cmd_import},
			{"score", cmd_score},     {"export", cmd_export},     {"explain", cmd_explain},
			{"runs", cmd_runs}};
	app a = {NULL, NULL, 0, NULL, NULL, NULL};
	int64_t y;
	int c, code;

	log_init("dti");
	while ((c = getopt_long(argc, argv, "+c:d:y:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a.config_path = optarg; break;
		case 'd': a.db_path = optarg; break;
		case 'y':
			if (!parse_i64(optarg, &y) || y < 2000 || y > 2100)
				return usage_error("--year takes a year such as 2024");
			a.year = (int)y;
			break;
		case 'q': log_set_quiet(1); break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case 'V': printf("dti %s\n", DTI_VERSION); return EXIT_OK;
		default: fputs("try 'dti --help'\n", stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("name a command");
	if (!a.config_path)
		a.config_path = config_default_path();
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		char prog[64];
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		snprintf(prog, sizeof prog, "dti %s", commands[i].name);
		code = app_open(&a);
		log_init(prog);
		if (code == EXIT_OK)
			code = commands[i].run(&a, argc - optind, argv + optind);
		app_close(&a);
		return code;
	}
	return usage_error("unknown command");
}
