/* dti — the operator's command: database, communes, sheet import, scoring,
 * export, explanation.  Collectors are separate programs (dti-collect-*). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "util.h"

static const char usage_text[] =
	"usage: dti [--config FILE] [--db FILE] [--year YEAR] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  init                        create or upgrade the database, load the configured communes\n"
	"  communes load [FILE.csv]    make FILE's communes (code,name) the set assessed;\n"
	"                              without FILE, the configuration's list\n"
	"  communes list               the communes assessed\n"
	"  import [--source NAME] [--format long|wide] [--dry-run] [--if-changed] FILE...\n"
	"                              import district sheets (CSV, long or wide); --if-changed:\n"
	"                              nothing stored when FILE equals the source's last import\n"
	"  score [--official] [--if-changed] [--force]\n"
	"                              score every commune for the year; store the run;\n"
	"                              official: only verified values of official.must_verify;\n"
	"                              --if-changed: only when its inputs changed since then\n"
	"                              --force: store it even when the year has no input\n"
	"  export [--run ID] [--out DIR] [--bom]\n"
	"                              write scores-YEAR.csv and ranking-YEAR.csv\n"
	"  explain [--run ID] COMMUNE ITEM\n"
	"                              inputs, sources, rule and arithmetic of one score\n"
	"  runs [--limit N]            recent collector and import runs\n"
	"  runs void RUN --reason TEXT --by NAME  void a scoring run (kept; counts nowhere)\n"
	"  form generate [--commune CODE] [--out DIR]\n"
	"                              one CSV form per commune for the year (Vietnamese, BOM)\n"
	"  form import [--force] [--dry-run] FILE...\n"
	"                              validate and store filled commune forms\n"
	"  form status [--commune CODE] which communes submitted, items missing, awaiting appraisal\n"
	"  appraise list [--commune CODE] [--variable NAME] [--pending]\n"
	"  appraise verify|reject ID... | --commune CODE --variable NAME [--source NAME]\n"
	"                              [--reason TEXT] [--by NAME]\n"
	"  appraise correct ID|--commune CODE --variable NAME VALUE --reason TEXT [--by NAME]\n"
	"  appraise disagreements [--commune CODE]\n"
	"                              commune values that differ from a feed beyond the tolerance\n"
	"  publish [--run ID | --official] [--out DIR]\n"
	"                              CSV, JSON and the HTML report of the year's latest\n"
	"                              scoring run into DIR/YEAR/; prints the files, the\n"
	"                              report's index.html last\n"
	"  approve RUN --decision TEXT --decision-date YYYY-MM-DD --by NAME [--out DIR]\n"
	"                              make RUN the year's official result; publish it\n"
	"  sources [--only NAME]       configured sources: name, kind, collector|import, sheet file\n"
	"  paths                       the configuration's files (key TAB value), for scripts\n"
	"  status [--summary]          each source's state, last run, age and problem, last\n"
	"                              scoring and publishing; exit 1 when something needs attention\n"
	"  backup [--keep N] [--out DIR]\n"
	"                              consistent online copy of the database, keeping N copies\n"
	"  units check [--notes] | units history [--list ID] CODE\n"
	"                              the unit lists and the conversion table between them\n"
	"  nightly-run start|finish ID ...\n"
	"                              the nightly entry point's record (used by dti-nightly)\n"
	"\n"
	"options:\n"
	"  --config FILE   configuration (default: $DTI_CONFIG, else the build tree's\n"
	"                  config/dti.json when run from one, else /etc/dti/dti.json)\n"
	"  --db FILE       database (default: the configuration's \"database\")\n"
	"  --year YEAR     assessment year (default: the configuration's \"year\")\n"
	"  -q, --quiet     no progress messages\n"
	"  -h, --help      this text;  --version  the version\n"
	"\n"
	"exit status: 0 success, 1 input refused, 2 usage, 3 configuration, 4 database or file\n";

/* The commands and what each needs opened (lib/app.h).  Commands that
 * only read the database open it read-only and so never wait behind a
 * writer (monitoring during the nightly run); sources and paths read the
 * configuration only (the nightly entry point asks them before taking its
 * lock); init and communes load use the configured commune list; score
 * and publish refuse a database whose communes are not the configured
 * ones, status warns (lib/app.h APP_SAME_COMMUNES). */
static const struct command {
	const char *name;
	int (*run)(app *, int, char **);
	unsigned needs;
} commands[] = {
	{"init", cmd_init, APP_DATABASE | APP_COMMUNES},
	{"communes", cmd_communes, APP_DATABASE},
	{"import", cmd_import, APP_DATABASE},
	{"score", cmd_score, APP_SAME_COMMUNES},
	{"export", cmd_export, APP_READ_ONLY},
	{"explain", cmd_explain, APP_READ_ONLY},
	{"runs", cmd_runs, APP_READ_ONLY},
	{"form", cmd_form, APP_DATABASE},
	{"appraise", cmd_appraise, APP_DATABASE},
	{"publish", cmd_publish, APP_SAME_COMMUNES},
	{"approve", cmd_approve, APP_DATABASE},
	{"sources", cmd_sources, APP_CONFIG},
	{"paths", cmd_paths, APP_CONFIG},
	{"status", cmd_status, APP_WARN_COMMUNES},
	{"backup", cmd_backup, APP_DATABASE},
	{"nightly-run", cmd_nightly_run, APP_DATABASE},
	{"units", cmd_units, APP_CONFIG},
};

/* Subcommands that need otherwise than their command. */
static const struct {
	const char *name, *sub;
	unsigned needs;
} subcommands[] = {
	{"communes", "list", APP_READ_ONLY},
	{"communes", "load", APP_DATABASE | APP_COMMUNES},
	{"form", "status", APP_READ_ONLY},
	{"runs", "void", APP_DATABASE},
};

static unsigned needs_of(const struct command *c, const char *sub)
{
	for (size_t k = 0; k < sizeof subcommands / sizeof subcommands[0]; k++)
		if (strcmp(c->name, subcommands[k].name) == 0 &&
		    strcmp(sub, subcommands[k].sub) == 0)
			return subcommands[k].needs;
	return c->needs;
}

/* Parses the global options into a.  Returns -1 to go on, else the exit
 * code (--help, --version, misuse). */
static int parse_options(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
					     {"db", required_argument, NULL, 'd'},
					     {"year", required_argument, NULL, 'y'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {"version", no_argument, NULL, 'V'},
					     {NULL, 0, NULL, 0}};
	int64_t y;
	int c;

	while ((c = getopt_long(argc, argv, "+c:d:y:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': a->config_path = optarg; break;
		case 'd': a->db_path = optarg; break;
		case 'y':
			if (!year_parse(optarg, &y))
				return usage_error("--year takes a year such as 2024");
			a->year = (int)y;
			break;
		case 'q': log_set_quiet(1); break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case 'V': printf("dti %s\n", DTI_VERSION); return EXIT_OK;
		default: fputs("try 'dti --help'\n", stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("name a command");
	return -1;
}

int main(int argc, char **argv)
{
	app a = {NULL, NULL, 0, NULL, NULL, NULL};
	int code;

	log_init("dti");
	code = parse_options(&a, argc, argv);
	if (code >= 0)
		return code;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const char *sub = optind + 1 < argc ? argv[optind + 1] : "";
		char prog[64];
		dti_diag d;
		dti_err rc;
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		snprintf(prog, sizeof prog, "dti %s", commands[i].name);
		rc = app_start(&a, needs_of(&commands[i], sub), &d);
		code = rc ? fail(rc, &d) : EXIT_OK;
		log_init(prog);
		if (code == EXIT_OK)
			code = commands[i].run(&a, argc - optind, argv + optind);
		app_stop(&a);
		return code;
	}
	return usage_error("unknown command");
}
