/* dti sheet template — the sheets the offices fill, made from the framework. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "sheet_template.h"
#include "staging.h"
#include "units.h"
#include "util.h"

/* Writes office o's template into out_dir and prints its path. */
static dti_err template_one(app *a, const sheet_office *o, const commune_list *communes,
			    const char *out_dir, bool xlsx, dti_diag *d)
{
	char *path =
		xasprintf("%s/sheet-%d-%s.%s", out_dir, a->year, o->key, xlsx ? "xlsx" : "csv");
	strbuf sb;
	dti_err rc;

	sb_init(&sb, 0);
	if (xlsx) {
		rc = sheet_template_xlsx(a->fw, o, communes, a->year, path, d);
	} else {
		rc = sheet_template_csv(a->fw, o, communes, a->year, &sb, d);
		if (!rc)
			rc = write_file_atomic(path, sb.data, sb.len, d);
	}
	if (!rc)
		printf("%s\n", path);
	sb_free(&sb);
	free(path);
	return rc;
}

static int sheet_template(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"office", required_argument, NULL, 'O'},
					     {"out", required_argument, NULL, 'o'},
					     {"format", required_argument, NULL, 'F'},
					     {NULL, 0, NULL, 0}};
	const char *only = NULL, *format = "xlsx";
	char *out_dir = NULL;
	commune_list active = {0};
	const sheet_office *offices;
	size_t n, written = 0;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		if (c == 'O')
			only = optarg;
		else if (c == 'o')
			out_dir = optarg;
		else if (c == 'F')
			format = optarg;
		else
			return option_error(opts, argv);
	}
	if (optind < argc)
		return usage_error("takes no FILE (see --out)");
	if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0)
		return usage_error("--format takes csv or xlsx");
	offices = sheet_offices(&n);
	if (only && !sheet_office_find(only))
		return usage_error(
			"--office takes tai-chinh, thue, giao-duc, ngan-hang or thong-ke");
	out_dir = out_dir ? xstrdup(out_dir) : xasprintf("%s/sheet-templates", a->cfg->output_dir);
	rc = staging_active_communes(a->st, &active, &d);
	if (!rc)
		rc = make_dirs(out_dir, &d);
	for (size_t i = 0; !rc && i < n; i++) {
		if (only && strcmp(only, offices[i].key) != 0)
			continue;
		rc = template_one(a, &offices[i], &active, out_dir, strcmp(format, "xlsx") == 0,
				  &d);
		written += !rc;
	}
	if (rc)
		code = fail(rc, &d);
	else
		log_info("%zu sheet template%s for %d written to %s (%zu communes each)", written,
			 written == 1 ? "" : "s", a->year, out_dir, active.count);
	commune_list_free(&active);
	free(out_dir);
	return code;
}

int cmd_sheet(app *a, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "template") == 0)
		return sheet_template(a, argc - 1, argv + 1);
	return usage_error("say 'template'");
}
