/* dti — the operator's command: database, communes, sheet import, scoring,
 * export, explanation.  Collectors are separate programs (dti-collect-*).
 *
 * The command table below says what each command runs and needs; its help
 * text (dti COMMAND --help, dti help COMMAND, the overview) and its man
 * page section are one block in man/dti.1.md (lib/help.h).  A command with
 * subcommands has one block per subcommand ("dti communes load"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "help.h"
#include "log.h"
#include "util.h"

#define MAX_WORDS 32 /* commands, or subcommands of one command */

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
	{"sheet", cmd_sheet, APP_READ_ONLY},
	{"appraise", cmd_appraise, APP_DATABASE},
	{"publish", cmd_publish, APP_SAME_COMMUNES},
	{"approve", cmd_approve, APP_DATABASE},
	{"sources", cmd_sources, APP_CONFIG},
	{"paths", cmd_paths, APP_CONFIG},
	{"status", cmd_status, APP_WARN_COMMUNES},
	{"backup", cmd_backup, APP_DATABASE},
	{"nightly-run", cmd_nightly_run, APP_DATABASE},
	{"units", cmd_units, APP_CONFIG},
	{"user", cmd_user, APP_DATABASE},
	{"check", cmd_check, APP_READ_ONLY},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* Subcommands that need otherwise than their command. */
static const struct {
	const char *name, *sub;
	unsigned needs;
} subcommands[] = {
	{"communes", "list", APP_READ_ONLY}, {"communes", "load", APP_DATABASE | APP_COMMUNES},
	{"form", "status", APP_READ_ONLY},   {"runs", "void", APP_DATABASE},
	{"user", "list", APP_READ_ONLY},
};

static unsigned needs_of(const struct command *c, const char *sub)
{
	for (size_t k = 0; sub && k < sizeof subcommands / sizeof subcommands[0]; k++)
		if (strcmp(c->name, subcommands[k].name) == 0 &&
		    strcmp(sub, subcommands[k].sub) == 0)
			return subcommands[k].needs;
	return c->needs;
}

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* The command named name, or NULL having said so (with the nearest). */
static const struct command *command_named(const char *name)
{
	const char *names[N_COMMANDS + 1];
	const struct command *c = command_find(name);

	if (c)
		return c;
	for (size_t i = 0; i < N_COMMANDS; i++)
		names[i] = commands[i].name;
	names[N_COMMANDS] = "help";
	usage_unknown("command", name, names, N_COMMANDS + 1);
	return NULL;
}

/* What follows command c in args[0 .. n): the subcommand into *sub (NULL
 * for a command without, or one that also runs alone, as `runs`) and the
 * help key into key.  Returns -1 to go on, else EXIT_USAGE (said). */
static int subcommand_of(const struct command *c, int n, char **args, const char **sub,
			 char key[96])
{
	const char *words[MAX_WORDS];
	size_t count;

	snprintf(key, 96, "dti %s", c->name);
	*sub = NULL;
	count = help_below(key, words, MAX_WORDS);
	if (count > MAX_WORDS)
		count = MAX_WORDS;
	for (size_t i = 0; n > 0 && i < count; i++)
		if (strcmp(args[0], words[i]) == 0) {
			*sub = words[i];
			snprintf(key, 96, "dti %s %s", c->name, words[i]);
			return -1;
		}
	if (count == 0 || help_text(key) ||
	    (n > 0 && (strcmp(args[0], "--help") == 0 || strcmp(args[0], "-h") == 0)))
		return -1;
	if (n == 0 || args[0][0] == '-') {
		strbuf sb;
		sb_init(&sb, 0);
		for (size_t i = 0; i < count; i++)
			sb_appendf(&sb, "%s%s", i ? ", " : "", words[i]);
		log_error("name a subcommand: %s", sb.data);
		sb_free(&sb);
		fprintf(stderr, "try '%s --help'\n", key);
		return EXIT_USAGE;
	}
	return usage_unknown("subcommand", args[0], words, count);
}

/* Whether args[0 .. n) ask for --help (or -h) or --version, before a "--". */
static bool asks(int n, char **args, const char *a, const char *b)
{
	for (int i = 0; i < n && strcmp(args[i], "--") != 0; i++)
		if (strcmp(args[i], a) == 0 || (b && strcmp(args[i], b) == 0))
			return true;
	return false;
}

/* dti help [COMMAND [SUBCOMMAND]] | --commands. */
static int help(int argc, char **argv)
{
	const struct command *c;
	const char *sub;
	char key[96];
	int code;

	log_init("dti help");
	if (argc < 2) {
		help_print(stdout, "dti");
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--commands") == 0) {
		for (size_t i = 0; i < N_COMMANDS; i++) {
			const char *words[MAX_WORDS];
			size_t n;
			snprintf(key, sizeof key, "dti %s", commands[i].name);
			n = help_below(key, words, MAX_WORDS);
			if (n == 0 || help_text(key))
				printf("%s\n", commands[i].name);
			for (size_t k = 0; k < n && k < MAX_WORDS; k++)
				printf("%s %s\n", commands[i].name, words[k]);
		}
		printf("help\n");
		return EXIT_OK;
	}
	if (asks(argc - 1, argv + 1, "--version", NULL)) {
		printf("dti %s\n", DTI_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0 || asks(argc - 1, argv + 1, "--help", "-h")) {
		help_print(stdout, "dti help");
		return EXIT_OK;
	}
	c = command_named(argv[1]);
	if (!c)
		return EXIT_USAGE;
	snprintf(key, sizeof key, "dti %s", c->name);
	if (argc > 2) {
		code = subcommand_of(c, argc - 2, argv + 2, &sub, key);
		if (code >= 0)
			return code;
	}
	help_print(stdout, key); /* `dti help form`: every subcommand's */
	return EXIT_OK;
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

	opterr = 0; /* every option error is said by option_error */
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
		case 'h': help_print(stdout, "dti"); return EXIT_OK;
		case 'V': printf("dti %s\n", DTI_VERSION); return EXIT_OK;
		default: return option_error(opts, argv);
		}
	}
	if (optind >= argc)
		return usage_error("name a command");
	return -1;
}

int main(int argc, char **argv)
{
	app a = {NULL, NULL, 0, NULL, NULL, NULL};
	static char prog[96];
	const struct command *c;
	const char *sub;
	dti_diag d;
	dti_err rc;
	int code, n;
	char **args;

	log_init("dti");
	code = parse_options(&a, argc, argv);
	if (code >= 0)
		return code;
	args = argv + optind + 1;
	n = argc - optind - 1;
	if (strcmp(argv[optind], "help") == 0)
		return help(argc - optind, argv + optind);
	c = command_named(argv[optind]);
	if (!c)
		return EXIT_USAGE;
	snprintf(prog, sizeof prog, "dti %s", c->name);
	/* log_init keeps the pointer: once subcommand_of adds the subcommand
	 * to prog, messages name it ("dti communes load: ..."). */
	log_init(prog);
	code = subcommand_of(c, n, args, &sub, prog);
	if (code >= 0)
		return code;
	if (asks(n, args, "--help", "-h")) {
		help_print(stdout, prog);
		return EXIT_OK;
	}
	if (asks(n, args, "--version", NULL)) {
		printf("dti %s\n", DTI_VERSION);
		return EXIT_OK;
	}
	rc = app_start(&a, needs_of(c, sub), &d);
	code = rc ? fail(rc, &d) : EXIT_OK;
	if (code == EXIT_OK)
		code = c->run(&a, argc - optind, argv + optind);
	app_stop(&a);
	return code;
}
