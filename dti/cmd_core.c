/* The core subcommands: init, communes, import, score, export, explain, runs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appraisal.h"
#include "batch.h"
#include "cli.h"
#include "explain.h"
#include "export.h"
#include "editions.h"
#include "log.h"
#include "oldcodes.h"
#include "rescore.h"
#include "score.h"
#include "sheet.h"
#include "store_status.h"
#include "table.h"
#include "units.h"
#include "util.h"

int cmd_init(app *a, int argc, char **argv)
{
	(void)argc, (void)argv;
	log_info("database %s ready (schema %d), %zu communes configured, framework %s",
		 a->db_path ? a->db_path : a->cfg->database, staging_schema_version(),
		 a->cfg->communes.count, a->fw->edition);
	return EXIT_OK;
}

int cmd_communes(app *a, int argc, char **argv)
{
	dti_diag d;
	dti_err rc;

	if (argc < 2)
		return usage_error("say 'load [FILE]' or 'list'");
	if (strcmp(argv[1], "list") == 0) {
		commune_list l = {0};
		table *t;
		rc = staging_active_communes(a->st, &l, &d);
		if (rc)
			return fail(rc, &d);
		t = table_open(stdout, 2);
		table_rowv(t, "code", "name");
		for (size_t i = 0; i < l.count; i++)
			table_rowv(t, l.items[i].code, l.items[i].name);
		table_close(t);
		commune_list_free(&l);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "load") == 0) {
		commune_list l = {0};
		dti_problems p = {0};
		const units *u = NULL;
		const char *file = argc > 2 ? argv[2] : NULL;
		int code = EXIT_OK;

		rc = config_units(a->cfg, &u, &d);
		if (rc)
			return fail(rc, &d);
		if (file) {
			rc = commune_list_read_csv(file, &l, &p, &d);
			if (rc == DTI_EIO || rc == DTI_EPARSE) {
				code = fail(rc, &d);
				goto done;
			}
			config_check_communes(a->cfg, &l, file, &p);
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
		rc = staging_set_communes(a->st, &l, u, file, &d);
		if (rc) {
			code = fail(rc, &d);
			goto done;
		}
		log_info("%zu communes are now assessed", l.count);
	done:
		commune_list_free(&l);
		problems_free(&p);
		return code;
	}
	return usage_error("say 'load [FILE]' or 'list'");
}

/* Records a run with status 'unchanged' (nothing stored: the source was
 * read and holds what was already there). */
/* Sheets read whole for --if-changed are bounded like any input. */
#define IMPORT_MAX_BYTES ((size_t)256 << 20)

typedef struct import_opts {
	const char *source;
	sheet_format fmt;
	bool dry, if_changed;
	char basis[65]; /* batch_basis: the communes assessed, the format, the framework */
	oldcodes *old;  /* --unit-list of the list before the deployment's: the
			 * file's codes are old ones (lib/oldcodes.h); else NULL */
} import_opts;

/* For --if-changed: the file read whole into *bytes (the caller frees);
 * *unchanged when it is what the source's last import stored, in which
 * case the 'unchanged' run is recorded (unless a dry run) and logged.
 * Returns EXIT_OK or EXIT_DB (logged). */
static int import_read_whole(app *a, const import_opts *io, const batch_target *t, char **bytes,
			     size_t *len, bool *unchanged)
{
	char sha[65], last[65], last_basis[65];
	dti_diag d;
	dti_err rc = read_file(t->input, IMPORT_MAX_BYTES, bytes, len, &d);

	*unchanged = false;
	if (!rc) {
		sha256_hex(*bytes, *len, sha);
		rc = staging_last_payload(a->st, io->source, a->year, last, last_basis, &d);
	}
	if (!rc && strcmp(sha, last) == 0 && strcmp(t->basis, last_basis) == 0) {
		*unchanged = true;
		if (!io->dry)
			rc = batch_record_run(a->st, t, "unchanged", NULL, NULL, sha, NULL, &d);
		if (!rc)
			log_info("%s: unchanged since the last import of %s for %d; nothing stored",
				 t->input, io->source, a->year);
	}
	if (rc) {
		log_error("%s", d.msg);
		return EXIT_DB;
	}
	return EXIT_OK;
}

/* In the run's transaction: how the file's old codes were converted
 * (ctx: the summary line). */
static dti_err record_old_codes(staging *st, int64_t run_id, void *ctx, dti_diag *d)
{
	return staging_run_set_old_codes(st, run_id, ctx, d);
}

/* Reads one sheet from f (consumed) and stores it whole, or records why
 * not.  Returns EXIT_OK, EXIT_REFUSED (bad sheet) or EXIT_DB, logged. */
static int import_sheet(app *a, const import_opts *io, commune_index *ix, FILE *f,
			const batch_target *t)
{
	const char *file = t->input;
	dti_problems p = {0};
	oldcodes_summary sum = {0};
	batch b;
	dti_diag d;
	dti_err rc;
	int code = EXIT_OK;

	batch_init(&b);
	if (io->old) {
		/* Read by the old units' codes, then folded into the communes
		 * assessed: merged whole mapped, split refused. */
		commune_index oix;
		batch ob;
		batch_init(&ob);
		commune_index_build(&oix, oldcodes_units(io->old));
		rc = sheet_read_csv(f, file, io->fmt, a->fw, &oix, a->year, &ob, &p, &d);
		if (!rc) {
			oldcodes_fold(io->old, &ob, NULL, &b, &p, &sum);
			if (p.count)
				rc = DTI_EINVALID;
		}
		commune_index_free(&oix);
		batch_free(&ob);
	} else {
		rc = sheet_read_csv(f, file, io->fmt, a->fw, ix, a->year, &b, &p, &d);
	}
	fclose(f);
	if (rc == DTI_EPARSE)
		problems_add(&p, "%s", d.msg);
	if (rc) {
		char *err = problems_join(&p, 50);
		for (size_t k = 0; k < p.stored; k++)
			log_error("%s", p.items[k]);
		log_error("%s: %zu problem%s; nothing of this file was stored", file, p.count,
			  p.count == 1 ? "" : "s");
		if (!io->dry &&
		    batch_record_run(a->st, t, "failed", &b.counts, err, NULL, NULL, &d))
			log_error("%s", d.msg);
		free(err);
		code = EXIT_REFUSED;
	} else if (io->dry) {
		log_info(
			"%s: dry run: %ld records read, %zu values valid, %ld empty; nothing stored",
			file, b.counts.read, b.count, b.counts.skipped);
		if (sum.text)
			log_info("%s: %s", file, sum.text);
	} else {
		int64_t run = 0;
		rc = batch_store_with(a->st, &b, t, sum.text ? record_old_codes : NULL, sum.text,
				      &run, &d);
		if (!rc && sum.text)
			log_info("%s: %s", file, sum.text);
		if (rc) {
			log_error("%s", d.msg);
			code = EXIT_DB;
		} else {
			log_info("%s: run %lld stored %ld values (%ld records read, %ld empty or "
				 "unchanged)",
				 file, (long long)run, b.counts.stored, b.counts.read,
				 b.counts.skipped);
		}
	}
	batch_free(&b);
	problems_free(&p);
	free(sum.text);
	return code;
}

/* One file of `dti import`: EXIT_OK, EXIT_REFUSED or EXIT_DB, logged. */
static int import_file(app *a, const import_opts *io, commune_index *ix, const char *file)
{
	batch_target t = {io->source, "sheet", "dti import", a->year, file,
			  NULL,       0,       false,        NULL,    NULL};
	char *bytes = NULL;
	size_t len = 0;
	bool unchanged = false;
	FILE *f = NULL;
	int code = EXIT_OK;

	t.basis = io->basis;
	if (io->if_changed) {
		code = import_read_whole(a, io, &t, &bytes, &len, &unchanged);
		if (code || unchanged)
			goto out;
		t.payload = bytes;
		t.payload_len = len;
		f = fmemopen(bytes, len ? len : 1, "rb");
		if (f && len == 0)
			fseek(f, 0, SEEK_END);
	} else {
		f = fopen(file, "rb");
	}
	if (!f) {
		log_error("cannot open '%s': %s", file, strerror(errno));
		code = EXIT_DB;
		goto out;
	}
	code = import_sheet(a, io, ix, f, &t);
out:
	free(bytes);
	return code;
}

int cmd_import(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"source", required_argument, NULL, 's'},
					     {"format", required_argument, NULL, 'f'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {"if-changed", no_argument, NULL, 'i'},
					     {"unit-list", required_argument, NULL, 'u'},
					     {NULL, 0, NULL, 0}};
	static const char *const formats[] = {"auto", "long", "wide"};
	import_opts io = {"district-sheet", SHEET_AUTO, false, false, "", NULL};
	const char *unit_list = NULL;
	const unit_edition *own = NULL;
	commune_list active = {0};
	commune_index ix;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:f:ni", opts, NULL)) != -1) {
		if (c == 's')
			io.source = optarg;
		else if (c == 'f' && strcmp(optarg, "long") == 0)
			io.fmt = SHEET_LONG;
		else if (c == 'f' && strcmp(optarg, "wide") == 0)
			io.fmt = SHEET_WIDE;
		else if (c == 'n')
			io.dry = true;
		else if (c == 'i')
			io.if_changed = true;
		else if (c == 'u')
			unit_list = optarg;
		else if (c == 'f')
			return usage_error("--format takes long or wide");
		else
			return option_error(opts, argv);
	}
	if (optind >= argc)
		return usage_error("name at least one FILE");
	rc = staging_active_communes(a->st, &active, &d);
	if (!rc && unit_list)
		rc = config_edition(a->cfg, &own, &d);
	if (!rc && unit_list && strcmp(unit_list, own->id) != 0) {
		/* The file is keyed to the list before the deployment's, said
		 * by the operator: dti never guesses it. */
		if (!own->predecessor || strcmp(unit_list, own->predecessor) != 0) {
			commune_list_free(&active);
			log_error("--unit-list %s: the deployment's unit list is %s%s%s", unit_list,
				  own->id, own->predecessor ? "; a file on old codes names " : "",
				  own->predecessor ? own->predecessor : "");
			return EXIT_USAGE;
		}
		rc = oldcodes_open(a->cfg, &active, &io.old, &d);
	}
	if (rc) {
		commune_list_free(&active);
		return fail(rc, &d);
	}
	commune_index_build(&ix, &active);
	{
		char *how = io.old ? xasprintf("sheet format %s, codes of unit list %s",
					       formats[io.fmt], unit_list)
				   : xasprintf("sheet format %s", formats[io.fmt]);
		batch_basis(&active, how, a->fw->sha256, io.basis);
		free(how);
	}
	for (int i = optind; i < argc; i++) {
		int one = import_file(a, &io, &ix, argv[i]);
		/* A database failure wins over a refused sheet, which wins over ok. */
		if (one == EXIT_DB)
			code = EXIT_DB;
		else if (one == EXIT_REFUSED)
			code = code ? code : EXIT_REFUSED;
	}
	commune_index_free(&ix);
	oldcodes_free(io.old);
	commune_list_free(&active);
	return code;
}

int cmd_score(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"official", no_argument, NULL, 'o'},
					     {"if-changed", no_argument, NULL, 'i'},
					     {"force", no_argument, NULL, 'f'},
					     {NULL, 0, NULL, 0}};
	/* The run keeps the name its report is titled with. */
	score_options o = {.year = a->year, .area_name = a->cfg->name};
	strmap must; /* official: the variables that must be verified */
	score_summary s;
	bool if_changed = false, last_official = false, skip = false;
	char last_sha[65] = "", last_marker[65] = "", marker[65] = "", *policy = NULL;
	int64_t last_run = 0;
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+oif", opts, NULL)) != -1) {
		if (c == 'o')
			o.official = true;
		else if (c == 'i')
			if_changed = true;
		else if (c == 'f')
			o.force = true;
		else
			return option_error(opts, argv);
	}
	if (o.official) {
		bool all = true;
		strmap_init(&must);
		rc = appraisal_must_verify(a->cfg, a->fw, &must, &all, &d);
		if (rc) {
			strmap_free(&must);
			return fail(rc, &d);
		}
		o.must_verify = all ? NULL : &must;
		/* Which variables must be verified is part of what is scored. */
		policy = json_dumps(json_object_get(a->cfg->root, "official"),
				    JSON_SORT_KEYS | JSON_COMPACT);
	}
	/* Every run records the fingerprint of the inputs it read and the
	 * marker of what they were as of; with --if-changed, the latest run
	 * in the same mode with the same marker means nothing to read, and a
	 * run whose inputs have its fingerprint stores nothing. */
	o.policy = policy;
	rc = rescore_marker(a->st, a->fw, a->year, o.official, policy, marker, &d);
	o.marker = marker;
	if (!rc && if_changed)
		rc = rescore_latest(a->st, a->year, &last_run, &last_official, last_sha,
				    last_marker, &d);
	if (!rc && if_changed && last_run && last_official == o.official) {
		o.skip_if = last_sha[0] ? last_sha : NULL;
		skip = strcmp(last_marker, marker) == 0;
	}
	if (!rc && !skip)
		rc = score_year(a->st, a->fw, &o, &s, &d);
	if (!rc && !skip && s.unchanged)
		rc = rescore_mark(a->st, last_run, marker, &d);
	if (!rc && (skip || s.unchanged)) {
		log_info("inputs of %d unchanged since scoring run %lld; not scored again", a->year,
			 (long long)last_run);
		skip = true;
	}
	if (o.official)
		strmap_free(&must);
	free(policy);
	if (!rc && skip)
		return EXIT_OK;
	if (rc)
		return fail(rc, &d);
	log_info(
		"scoring run %lld: %zu communes, year %d, %s; %zu indicator scores lack inputs "
		"(rules %.1f ms, reading and storing inputs %.1f ms, storing scores %.1f ms, whole run "
		"%.1f ms)",
		(long long)s.scoring_run_id, s.communes, a->year,
		o.official ? "official" : "provisional", s.missing, s.seconds_compute * 1e3,
		(s.seconds_total - s.seconds_compute - s.seconds_store) * 1e3,
		s.seconds_store * 1e3, s.seconds_total * 1e3);
	return EXIT_OK;
}

int cmd_export(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"run", required_argument, NULL, 'r'},
					     {"out", required_argument, NULL, 'o'},
					     {"bom", no_argument, NULL, 'b'},
					     {NULL, 0, NULL, 0}};
	export_options eo = {.out_dir = a->cfg->output_dir};
	scoring_run_info run;
	int64_t run_id = 0;
	dti_diag d;
	dti_err rc;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:o:b", opts, NULL)) != -1) {
		if (c == 'r' && !parse_run_id(optarg, &run_id))
			return usage_error("--run takes a scoring run id");
		else if (c == 'o')
			eo.out_dir = optarg;
		else if (c == 'b')
			eo.bom = true;
		else if (c != 'r')
			return option_error(opts, argv);
	}
	rc = score_run_load(a->st, run_id, a->year, &run, &d);
	if (!rc)
		rc = export_run(a->st, &run, &eo, stdout, &d);
	framework_free(run.fw);
	return rc ? fail(rc, &d) : EXIT_OK;
}

int cmd_explain(app *a, int argc, char **argv)
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
		if (c != 'r')
			return option_error(opts, argv);
		if (!parse_run_id(optarg, &run_id))
			return usage_error("--run takes a scoring run id");
	}
	if (argc - optind != 2)
		return usage_error("name a COMMUNE code and an ITEM (1.1 … 8.5, P1 … P8, TOTAL)");
	if (!commune_code_normalise(argv[optind], code))
		return usage_error("COMMUNE is a code such as 11989");
	rc = score_run_load(a->st, run_id, a->year, &run, &d);
	if (!rc)
		rc = explain_score(a->st, &run, code, argv[optind + 1], stdout, &d);
	framework_free(run.fw);
	return rc ? fail(rc, &d) : EXIT_OK;
}

int cmd_runs(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'},
					     {NULL, 0, NULL, 0}};
	int64_t limit = 20;
	store_run_rows runs = {0};
	table *t;
	dti_diag d;
	dti_err rc;
	int c;

	if (argc > 1 && strcmp(argv[1], "void") == 0)
		return cmd_runs_void(a, argc - 1, argv + 1);
	optind = 1;
	while ((c = getopt_long(argc, argv, "+l:", opts, NULL)) != -1) {
		if (c != 'l')
			return option_error(opts, argv);
		if (!parse_i64(optarg, &limit) || limit <= 0)
			return usage_error("--limit takes a positive number");
	}
	rc = store_runs_latest(a->st, limit, &runs, &d);
	if (rc) {
		store_run_rows_free(&runs);
		return fail(rc, &d);
	}
	t = table_open(stdout, 13);
	table_rowv(t, "id", "source", "program", "status", "started", "finished", "read", "stored",
		   "skipped", "rejected", "input", "error", "old_codes");
	for (size_t i = 0; i < runs.n; i++) {
		const store_run_row *r = &runs.items[i];
		char id[24], read[24], stored[24], skipped[24], rejected[24];
		format_whole(id, r->id);
		format_whole(read, r->read);
		format_whole(stored, r->stored);
		format_whole(skipped, r->skipped);
		format_whole(rejected, r->rejected);
		table_rowv(t, id, r->source, r->program, r->status, r->started_at, r->finished_at,
			   read, stored, skipped, rejected, r->input, r->error, r->old_codes);
	}
	table_close(t);
	store_run_rows_free(&runs);
	return EXIT_OK;
}
