/* dti units: the unit lists and the conversion table between them
 * (lib/editions.h, lib/crosswalk.h).  README "Unit lists". */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "crosswalk.h"
#include "editions.h"
#include "log.h"
#include "util.h"

static const char *const level_words[] = {"note", "error", "corrected"};

/* The check: notes (with --notes each, else their count), every error,
 * marked when a correction removed it, and the corrections applied.  Exit
 * 0 when no error remains, 1 otherwise. */
static int units_check(app *a, int argc, char **argv)
{
	crosswalk_env e = {0};
	const unit_edition *mine = NULL;
	bool notes = argc > 2 && strcmp(argv[2], "--notes") == 0;
	dti_diag d;
	dti_err rc = config_edition(a->cfg, &mine, &d);
	int code;

	if (!rc)
		rc = crosswalk_env_open(a->cfg, &e, &d);
	if (rc) {
		crosswalk_env_close(&e);
		return fail(rc, &d);
	}
	printf("unit list %s: '%s' (the configuration's)\n", mine->id, a->cfg->admin_units);
	printf("conversion table '%s': %zu rows, from the unit list %s (%zu units) to %s (%zu "
	       "units)\n",
	       e.table, crosswalk_count(e.x), units_edition(e.old)->id, units_count(e.old),
	       units_edition(e.new)->id, units_count(e.new));
	printf("corrections: %s\n", e.corrections ? e.corrections : "none");
	for (size_t i = 0; i < e.rep.n; i++) {
		const crosswalk_finding *f = &e.rep.items[i];
		if (f->level == CROSSWALK_NOTE && !notes)
			continue;
		printf("%s: %s%s\n", level_words[f->level], f->text,
		       f->corrected ? " [corrected]" : "");
	}
	printf("%zu notes%s, %zu errors corrected, %zu errors remain, %zu corrections applied\n",
	       e.rep.notes, notes ? "" : " (--notes lists them)", e.rep.corrected, e.rep.errors,
	       e.rep.applied);
	code = e.rep.errors ? EXIT_REFUSED : EXIT_OK;
	crosswalk_env_close(&e);
	return code;
}

static void csv_row(strbuf *sb, const char *const *fields, int n)
{
	for (int i = 0; i < n; i++) {
		sb_csv_field(sb, fields[i], true);
		sb_appends(sb, i + 1 < n ? "," : "\n");
	}
}

/* The rows of one unit: of a new unit its predecessors, of an old one its
 * successors, as CSV with the table's change words. */
static int units_history(app *a, const char *list, const char *raw)
{
	static const char *const header[] = {"new_code",     "new_name", "old_code", "old_name",
					     "old_district", "change",   "corrected"};
	crosswalk_env e = {0};
	const unit_edition *mine = NULL;
	const admin_unit *unit;
	strbuf sb;
	char code[16];
	bool is_new;
	size_t rows = 0;
	dti_diag d;
	dti_err rc = config_edition(a->cfg, &mine, &d);

	if (!commune_code_normalise(raw, code))
		return usage_error("CODE is a commune code such as 11992");
	if (!rc)
		rc = crosswalk_env_open(a->cfg, &e, &d);
	if (rc) {
		crosswalk_env_close(&e);
		return fail(rc, &d);
	}
	if (!list)
		list = mine->id;
	is_new = strcmp(list, units_edition(e.new)->id) == 0;
	if (!is_new && strcmp(list, units_edition(e.old)->id) != 0) {
		crosswalk_env_close(&e);
		log_error("unknown unit list '%s' (%s or %s)", list, units_edition(e.old)->id,
			  units_edition(e.new)->id);
		return EXIT_USAGE;
	}
	unit = units_find(is_new ? e.new : e.old, code);
	if (!unit) {
		log_error("commune %s is not in the unit list %s", code, list);
		crosswalk_env_close(&e);
		return EXIT_REFUSED;
	}
	sb_init(&sb, 0);
	csv_row(&sb, header, 7);
	for (size_t i = 0; i < crosswalk_count(e.x); i++) {
		const crosswalk_row *w = crosswalk_at(e.x, i);
		const char *f[7] = {w->new_code,
				    w->new_name,
				    w->old_code,
				    w->old_name,
				    w->old_district_name,
				    w->change,
				    w->corrected ? w->corrected : ""};
		if (strcmp(is_new ? w->new_code : w->old_code, code) != 0)
			continue;
		csv_row(&sb, f, 7);
		rows++;
	}
	fwrite(sb.data, 1, sb.len, stdout);
	log_info("%s %s of the unit list %s: %zu %s", code, unit->name, list, rows,
		 is_new ? "predecessors" : "successors");
	if (e.rep.errors)
		log_warn("the conversion table has %zu uncorrected errors ('dti units check')",
			 e.rep.errors);
	sb_free(&sb);
	crosswalk_env_close(&e);
	return EXIT_OK;
}

int cmd_units(app *a, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return units_check(a, argc, argv);
	if (argc == 3 && strcmp(argv[1], "history") == 0)
		return units_history(a, NULL, argv[2]);
	if (argc == 5 && strcmp(argv[1], "history") == 0 && strcmp(argv[2], "--list") == 0)
		return units_history(a, argv[3], argv[4]);
	return usage_error("say 'check [--notes]' or 'history [--list ID] CODE'");
}
