/* dti form generate | import | status — commune forms and the round. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "appraisal.h"
#include "batch.h"
#include "cli.h"
#include "form.h"
#include "form_file.h"
#include "form_xlsx.h"
#include "log.h"
#include "msg.h"
#include "store_commune.h"
#include "store_form.h"
#include "table.h"
#include "units.h"
#include "util.h"

/* Source name of one commune's forms: each commune's form is its own
 * source, so staging's "latest per source" makes a re-submission replace
 * the earlier answers while keeping them in history. */
static void form_source(const char *code, char out[32])
{
	snprintf(out, 32, "form:%s", code);
}

/* ---- generate ---- */

/* What a commune's form is prefilled with: per item an answer and a link. */
typedef struct prefill {
	const form_items *items;
	char **answers, **links;
	bool *last_year;
} prefill;

static dti_err take_prefill(void *ctx, const store_form_value *v)
{
	prefill *pf = ctx;
	const form_item *it = form_items_find(pf->items, v->variable);
	size_t i;

	if (!it)
		return DTI_EOK;
	i = (size_t)(it - pf->items->items);
	free(pf->answers[i]);
	pf->answers[i] = xstrdup(v->value);
	/* This year's proof links come back (last year's prove nothing now);
	 * notes do not: they are free text a spreadsheet might run. */
	free(pf->links[i]);
	pf->links[i] = v->proof_url ? xstrdup(v->proof_url) : NULL;
	pf->last_year[i] = v->last_year;
	return DTI_EOK;
}

static dti_err load_prefill(app *a, const char *code, prefill *pf, form_contact *contacts,
			    dti_diag *d)
{
	char src[32];
	dti_err rc;

	form_source(code, src);
	/* Last year's scored answers first, then this year's own form answers
	 * over them (a commune re-generating its form sees what it sent). */
	rc = store_form_prefill_each(a->st, a->year, code, src, take_prefill, pf, d);
	if (!rc)
		rc = store_form_contacts(a->st, code, a->year, contacts, d);
	return rc;
}

/* Writes one commune's form into out_dir and prints its path. */
static dti_err generate_one(app *a, const form_items *items, const commune_entry *e,
			    const char *deadline, const char *out_dir, bool xlsx, dti_diag *d)
{
	char **answers = xcalloc(items->count, sizeof *answers);
	char **links = xcalloc(items->count, sizeof *links);
	bool *last_year = xcalloc(items->count, sizeof *last_year);
	prefill pf = {items, answers, links, last_year};
	form_contact contacts[CONTACT_ROLES];
	form_spec spec = {e->code, e->name, a->year, deadline, NULL, NULL, contacts, last_year};
	strbuf sb;
	char *path;
	dti_err rc;

	memset(contacts, 0, sizeof contacts);
	sb_init(&sb, 0);
	rc = load_prefill(a, e->code, &pf, contacts, d);
	spec.prefill = (const char *const *)answers;
	spec.prefill_link = (const char *const *)links;
	path = xasprintf("%s/form-%d-%s.%s", out_dir, a->year, e->code, xlsx ? "xlsx" : "csv");
	if (!rc && xlsx)
		rc = form_xlsx_write(a->fw, items, &spec, path, d);
	else if (!rc)
		rc = form_render(a->fw, items, &spec, &sb, d);
	if (!rc && !xlsx)
		rc = write_file_atomic(path, sb.data, sb.len, d);
	if (!rc)
		printf("%s\n", path);
	free(path);
	sb_free(&sb);
	for (size_t k = 0; k < items->count; k++) {
		free(answers[k]);
		free(links[k]);
	}
	free(answers);
	free(links);
	free(last_year);
	for (int r = 0; r < CONTACT_ROLES; r++)
		form_contact_free(&contacts[r]);
	return rc;
}

/* The communes' unit types when the framework asks some items of some
 * types only (types initialised here; empty otherwise). */
static dti_err unit_types_load(app *a, strmap *types, dti_diag *d)
{
	strmap_init(types);
	return a->fw->by_unit_type ? store_commune_unit_types(a->st, types, d) : DTI_EOK;
}

static int form_generate(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {"out", required_argument, NULL, 'o'},
					     {"format", required_argument, NULL, 'F'},
					     {NULL, 0, NULL, 0}};
	const char *only = NULL, *format = "csv";
	char deadline_vn[TIME_VN_MAX];
	char *out_dir = NULL, only_code[16];
	commune_list active = {0};
	form_items items;
	strmap types = {0};
	const char *deadline = NULL;
	time_t dl;
	bool has_dl;
	size_t written = 0;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:o:", opts, NULL)) != -1) {
		if (c == 'c')
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
	if (only && !commune_code_normalise(only, only_code))
		return usage_error("--commune takes a commune code such as 11989");
	rc = appraisal_round_deadline(a->st, a->cfg, a->year, &has_dl, &deadline, &dl, &d);
	if (rc)
		return fail(rc, &d);
	/* The officer reads the deadline as "17:00 ngày 31/12/2024 (giờ Việt Nam)". */
	if (deadline && time_vn(deadline, deadline_vn))
		deadline = deadline_vn;
	form_items_build(a->fw, FORM_SOURCE_WORD, &items);
	out_dir = out_dir ? xstrdup(out_dir) : xasprintf("%s/forms", a->cfg->output_dir);
	if (items.count == 0) {
		log_error("framework %s has no variable whose source is \"%s\": no form to make",
			  a->fw->edition, FORM_SOURCE_WORD);
		code = EXIT_CONFIG;
		goto out;
	}
	rc = staging_active_communes(a->st, &active, &d);
	if (!rc)
		rc = make_dirs(out_dir, &d);
	if (!rc)
		rc = unit_types_load(a, &types, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	for (size_t i = 0; i < active.count; i++) {
		const commune_entry *e = &active.items[i];
		form_items mine;
		if (only && strcmp(only_code, e->code) != 0)
			continue;
		/* Each unit type is asked what is scored for it. */
		form_items_for_type(a->fw, &items, form_unit_type(&types, e->code), &mine);
		rc = generate_one(a, &mine, e, deadline, out_dir, strcmp(format, "xlsx") == 0, &d);
		form_items_free(&mine);
		if (rc) {
			code = fail(rc, &d);
			break;
		}
		written++;
	}
	if (only && written == 0 && code == EXIT_OK) {
		log_error("commune %s is not one of the communes assessed", only_code);
		code = EXIT_REFUSED;
	} else if (code == EXIT_OK) {
		log_info(a->fw->by_unit_type
				 ? "%zu form%s for %d written to %s (at most %zu items: "
				   "each unit type is asked its own)"
				 : "%zu form%s for %d written to %s (%zu items each)",
			 written, written == 1 ? "" : "s", a->year, out_dir, items.count);
	}
out:
	strmap_free(&types);
	commune_list_free(&active);
	form_items_free(&items);
	free(out_dir);
	return code;
}

/* ---- import ---- */

static bool answered(const form_result *r, const fw_variable *v)
{
	return batch_has(&r->answers, r->commune_code, r->year, v);
}

/* Warns of each earlier answer left blank now: it stays current. */
static void warn_blanks(app *a, const form_items *items, const form_result *r, const char *file)
{
	char src[32];
	dti_diag d;

	form_source(r->commune_code, src);
	for (size_t i = 0; i < items->count; i++) {
		const fw_variable *v = items->items[i].variable;
		char *value = NULL;
		if (answered(r, v))
			continue;
		if (store_form_source_value(a->st, r->year, r->commune_code, v->name, src, &value,
					    &d) != DTI_EOK)
			break;
		if (value)
			log_warn(msg_text(MSG_WARN_BLANK, a->cfg->language), file, v->name, value);
		free(value);
	}
}

/* Sums the numerator (or denominator) terms of ind into *num and *den:
 * from the form where it answers them, else as staged.  False when a term
 * has no number (or the database cannot be read); *from_form says whether
 * the form answered a numerator term. */
static bool ratio_terms(app *a, const fw_indicator *ind, const form_result *r, double *num,
			double *den, bool *from_form)
{
	dti_diag d;

	*num = *den = 0;
	*from_form = false;
	for (size_t j = 0; j < ind->n_numerator + ind->n_denominator; j++) {
		bool is_num = j < ind->n_numerator, found = false;
		const fw_variable *v =
			is_num ? ind->numerator[j] : ind->denominator[j - ind->n_numerator];
		double x = 0;
		if (answered(r, v)) {
			for (size_t i = 0; i < r->answers.count; i++)
				if (r->answers.items[i].variable == v)
					*(is_num ? num : den) += r->answers.items[i].num;
			*from_form = *from_form || is_num;
			continue;
		}
		if (store_current_num(a->st, r->year, r->commune_code, v->name, &x, &found, &d) ||
		    !found)
			return false;
		*(is_num ? num : den) += x;
	}
	return true;
}

/* Warns of a numerator above a denominator another source supplies. */
static void warn_ratios(app *a, const form_result *r, const char *file)
{
	for (size_t k = 0; k < a->fw->n_indicators; k++) {
		const fw_indicator *ind = &a->fw->indicators[k];
		double num = 0, den = 0;
		bool from_form = false;
		/* Only ratios whose numerator this form answers (current_input
		 * is a view over every observation: query it only when needed). */
		for (size_t j = 0; j < ind->n_numerator; j++)
			from_form = from_form || answered(r, ind->numerator[j]);
		if (!from_form || ind->n_numerator == 0)
			continue;
		if (ratio_terms(a, ind, r, &num, &den, &from_form) && from_form && num > den) {
			char x[64], y[64];
			format_number(x, num);
			format_number(y, den);
			log_warn(msg_text(MSG_WARN_RATIO, a->cfg->language), file, ind->id,
				 ind->numerator[0]->name, x, ind->denominator[0]->name, y);
		}
	}
}

/* Warnings that do not refuse the form: an earlier answer left blank now
 * (it stays current), a numerator above a denominator another source
 * supplies. */
static void import_warnings(app *a, const form_items *items, const form_result *r, const char *file)
{
	warn_blanks(a, items, r, file);
	warn_ratios(a, r, file);
}

/* Records a refused form as a failed run, without its payload (a dry run
 * records nothing). */
static void record_refusal(app *a, batch_target *t, const form_result *r, const char *err, bool dry)
{
	dti_diag d;

	t->payload = NULL;
	if (!dry && batch_record_run(a->st, t, "failed", &r->answers.counts, err, NULL, NULL, &d))
		log_error("%s", d.msg);
}

/* Logs every problem of a refused form and records the refusal. */
static void refuse_problems(app *a, batch_target *t, const form_result *r, const dti_problems *p,
			    const char *file, bool dry)
{
	char *err = problems_join(p, 50);
	msg_lang lang = a->cfg->language;

	for (size_t k = 0; k < p->stored; k++)
		log_error("%s", p->items[k]);
	if (p->count > p->stored)
		log_error(msg_text(MSG_IMPORT_MORE, lang), p->count - p->stored);
	log_error(msg_text(MSG_IMPORT_REFUSED, lang), file, p->count, p->count == 1 ? "" : "s");
	record_refusal(a, t, r, err, dry);
	free(err);
}

/* What is stored with a form's answers, in their transaction. */
typedef struct import_store {
	app *a;
	const form_result *r;
	const char *file;
	bool force; /* --force */
} import_store;

/* Inside the answers' transaction, which holds the database's write lock:
 * the round as it is now (an admin may have closed it since the form was
 * read: a closed round refuses the form, all of it, unless forced), then
 * the contact block. */
static dti_err store_extra(staging *st, int64_t run_id, void *ctx, dti_diag *d)
{
	const import_store *x = ctx;
	msg_lang lang = x->a->cfg->language;
	const char *deadline = NULL;
	char when[FORM_DEADLINE_TEXT], msg[512], now[32];
	time_t dl = 0;
	bool has = false;
	dti_err rc = appraisal_round_deadline(st, x->a->cfg, x->a->year, &has, &deadline, &dl, d);

	if (rc)
		return rc;
	if (has && time(NULL) > dl) {
		form_deadline_text(deadline, lang, when);
		if (!x->force) {
			snprintf(msg, sizeof msg, msg_text(MSG_IMPORT_CLOSED, lang), x->a->year,
				 when);
			return diag_set(d, DTI_EDEADLINE, "%s: %s", x->file, msg);
		}
		/* Closed since the form was read: the run says it was forced. */
		rc = staging_run_set_forced(st, run_id, getenv("USER"), d);
		if (rc)
			return rc;
	}
	now_iso(now);
	return store_form_put_contacts(st, run_id, x->r->commune_code, x->r->year, x->r->contacts,
				       now, d);
}

/* Stores a valid form's answers and contact block in one transaction.  An
 * answer equal to the commune's current one is not stored again
 * (batch_store): it keeps its appraisal.  A round closed meanwhile refuses
 * it (recorded as a failed run, like a form refused when read). */
static int store_answers(app *a, form_result *r, const batch_target *t, const char *file,
			 bool force)
{
	import_store x = {a, r, file, force};
	int64_t run = 0;
	long skipped = r->answers.counts.skipped, stored, unchanged;
	dti_diag d;
	dti_err rc = batch_store_with(a->st, &r->answers, t, store_extra, &x, &run, &d);

	if (rc == DTI_EDEADLINE) {
		batch_target refused = *t;
		log_error("%s", d.msg);
		record_refusal(a, &refused, r, d.msg, false);
		return EXIT_REFUSED;
	}
	if (rc)
		return fail(rc, &d);
	stored = r->answers.counts.stored;
	unchanged = r->answers.counts.skipped - skipped;
	log_info(msg_text(MSG_IMPORT_STORED, a->cfg->language), file, r->commune_code, a->year,
		 (long long)run, t->source, stored, stored == 1 ? "" : "s", unchanged,
		 r->unanswered,
		 t->forced ? msg_text(MSG_IMPORT_FORCED_TAIL, a->cfg->language) : "");
	return EXIT_OK;
}

/* The notes of a form: how answers were read, said whether the form is
 * stored or refused. */
static void log_notes(app *a, const form_result *r)
{
	for (size_t k = 0; k < r->notes.stored; k++)
		log_info(msg_text(MSG_IMPORT_NOTE, a->cfg->language), r->notes.items[k]);
}

/* The round closed at deadline (dl): a problem of the form unless forced
 * (said then). */
static void check_closed(app *a, const char *file, const char *deadline, time_t dl, bool force,
			 batch_target *t, dti_problems *p)
{
	msg_lang lang = a->cfg->language;
	char when[FORM_DEADLINE_TEXT], msg[512];

	if (time(NULL) <= dl)
		return;
	form_deadline_text(deadline, lang, when);
	if (force) {
		log_warn(msg_text(MSG_IMPORT_FORCED, lang), file, a->year, when);
		t->forced = true;
		return;
	}
	snprintf(msg, sizeof msg, msg_text(MSG_IMPORT_CLOSED, lang), a->year, when);
	problems_add(p, "%s: %s", file, msg);
}

/* The refused form with its problems beside the cells, as
 * DIR/NAME-loi.xlsx, to send back to the commune. */
static void write_annotated(app *a, const workbook *grid, const dti_problems *p, const char *file,
			    const char *dir)
{
	const char *base = path_base(file), *dot = strrchr(base, '.');
	char *path = xasprintf("%s/%.*s-loi.xlsx", dir,
			       (int)(dot && dot != base ? dot - base : (long)strlen(base)), base);
	dti_diag d;

	if (make_dirs(dir, &d) || form_file_annotate(grid, p, file, path, &d))
		log_error("%s", d.msg);
	else
		log_info(msg_text(MSG_IMPORT_ANNOTATED, a->cfg->language), file, path);
	free(path);
}

static int import_one(app *a, const form_items *items, const commune_index *ix, const char *file,
		      bool force, bool dry, const char *annotate)
{
	char *bytes = NULL;
	size_t len = 0;
	workbook *grid = NULL;
	form_result r;
	dti_problems p = {0};
	char src[32] = "form";
	batch_target t = {src,  "form", "dti form import", a->year, file, NULL, 0, false,
			  NULL, NULL};
	const char *deadline;
	time_t dl;
	bool has_dl;
	dti_diag d;
	dti_err rc;
	int code = EXIT_OK;

	form_result_init(&r);
	rc = appraisal_round_deadline(a->st, a->cfg, a->year, &has_dl, &deadline, &dl, &d);
	if (rc)
		return fail(rc, &d);
	rc = read_file(file, FORM_MAX_BYTES, &bytes, &len, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	/* The round's deadline is one problem among the form's: one pass. */
	if (has_dl)
		check_closed(a, file, deadline, dl, force, &t, &p);
	rc = form_file_read(bytes, len, file, a->fw, items, ix, a->year, a->cfg->language, &r, &p,
			    &grid, &d);
	if (rc == DTI_EIO) {
		code = fail(rc, &d);
		goto out;
	}
	if (rc == DTI_EPARSE)
		problems_add(&p, "%s", d.msg);
	if (r.commune_code[0])
		form_source(r.commune_code, src);
	t.payload = bytes;
	t.payload_len = len;
	log_notes(a, &r);
	if (rc || p.count) {
		t.forced = false;
		refuse_problems(a, &t, &r, &p, file, dry);
		if (annotate && grid)
			write_annotated(a, grid, &p, file, annotate);
		code = EXIT_REFUSED;
		goto out;
	}
	import_warnings(a, items, &r, file);
	if (dry)
		log_info(msg_text(MSG_IMPORT_DRY, a->cfg->language), file, r.commune_code,
			 r.answers.count, r.unanswered);
	else
		code = store_answers(a, &r, &t, file, force);
out:
	workbook_free(grid);
	free(bytes);
	problems_free(&p);
	form_result_free(&r);
	return code;
}

static int form_import(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {"annotate", required_argument, NULL, 'a'},
					     {NULL, 0, NULL, 0}};
	bool force = false, dry = false;
	const char *annotate = NULL;
	commune_list active = {0};
	commune_index ix;
	strmap types = {0};
	form_items items;
	appraisal_tolerance tol;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+fn", opts, NULL)) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'n')
			dry = true;
		else if (c == 'a')
			annotate = optarg;
		else
			return option_error(opts, argv);
	}
	if (optind >= argc)
		return usage_error("name at least one FILE");
	rc = appraisal_tolerance_load(a->cfg, &tol, &d);
	if (!rc)
		rc = appraisal_tolerance_sync(a->st, &tol, &d);
	if (!rc)
		rc = staging_active_communes(a->st, &active, &d);
	if (!rc)
		rc = unit_types_load(a, &types, &d);
	if (rc) {
		strmap_free(&types);
		commune_list_free(&active);
		return fail(rc, &d);
	}
	commune_index_build(&ix, &active);
	if (a->fw->by_unit_type)
		ix.unit_types = &types;
	form_items_build(a->fw, FORM_SOURCE_WORD, &items);
	for (int i = optind; i < argc; i++) {
		int one = import_one(a, &items, &ix, argv[i], force, dry, annotate);
		if (one != EXIT_OK && (code == EXIT_OK || one > code))
			code = one;
	}
	form_items_free(&items);
	commune_index_free(&ix);
	strmap_free(&types);
	commune_list_free(&active);
	return code;
}

/* ---- status ---- */

typedef struct current {
	char *value, *state, *ids;
} current;

static void current_free(strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			current *c = (current *)m->values[i];
			free(c->value);
			free(c->state);
			free(c->ids);
			free(c);
		}
	strmap_free(m);
}

static dti_err take_current(void *ctx, const store_current_value *v)
{
	strmap *out = ctx;
	current *c = xcalloc(1, sizeof *c);

	c->value = v->value ? xstrdup(v->value) : NULL;
	c->state = xstrdup(v->state);
	c->ids = v->observation_ids ? xstrdup(v->observation_ids) : NULL;
	strmap_put(out, v->variable, (intptr_t)c);
	return DTI_EOK;
}

/* The current values of the year of commune `code`, by variable, into
 * out, emptied first: one commune's at a time (a national database
 * holds 643,000; all of them in memory took 160 MB). */
static dti_err load_current(app *a, const char *code, strmap *out, dti_diag *d)
{
	current_free(out);
	strmap_init(out);
	return store_current_each(a->st, a->year, code, take_current, out, d);
}

static current *current_get(const strmap *m, const char *variable)
{
	intptr_t p;

	return strmap_get(m, variable, &p) ? (current *)p : NULL;
}

/* What form status reads once and uses for every commune. */
typedef struct status_ctx {
	app *a;
	const char *only; /* a commune code, or NULL for the summary of all */
	form_items items;
	strmap must, cur;
	strmap types; /* unit types, when items depend on them */
	bool all;
	table *t;
} status_ctx;

/* A commune's answers to the form's items: counts, the names missing, and
 * with --commune one line per item. */
typedef struct status_counts {
	size_t asked, answered, missing, waiting, rejected;
	strbuf missing_names;
} status_counts;

static void status_items(const status_ctx *x, const commune_entry *e, status_counts *n)
{
	int type = form_unit_type(&x->types, e->code);

	for (size_t k = 0; k < x->items.count; k++) {
		const fw_variable *v = x->items.items[k].variable;
		current *cv = current_get(&x->cur, v->name);
		if (!form_item_applies(x->a->fw, &x->items.items[k], type))
			continue; /* not asked of its unit type */
		n->asked++;
		if (cv && cv->value)
			n->answered++;
		else if (cv && strcmp(cv->state, "rejected") == 0)
			n->rejected++;
		if (!cv || !cv->value) {
			n->missing++;
			sb_appendf(&n->missing_names, "%s%s", n->missing_names.len ? "," : "",
				   v->name);
		}
		if (x->only)
			table_rowv(x->t, e->code, e->name, v->name, "commune",
				   cv ? cv->state : "missing", cv && cv->value ? cv->value : "",
				   cv && cv->ids ? cv->ids : "");
	}
}

/* Awaiting appraisal: raw current values of the items official scoring
 * needs verified, whatever their source. */
static void status_waiting(const status_ctx *x, const commune_entry *e, status_counts *n)
{
	const framework *fw = x->a->fw;

	for (size_t k = 0; k < fw->n_variables; k++) {
		const fw_variable *v = &fw->variables[k];
		current *cv = current_get(&x->cur, v->name);
		if (!cv || strcmp(cv->state, "raw") != 0 || !cv->value)
			continue;
		if (!x->all && !strmap_get(&x->must, v->name, NULL))
			continue;
		n->waiting++;
		if (x->only && !form_items_find(&x->items, v->name))
			table_rowv(x->t, e->code, e->name, v->name, "feed", cv->state, cv->value,
				   cv->ids ? cv->ids : "");
	}
}

/* One commune's status: its row of the summary, or with --commune its
 * items and a log line. */
static dti_err status_commune(const status_ctx *x, const commune_entry *e, dti_diag *d)
{
	store_form_submissions sub;
	status_counts n = {0, 0, 0, 0, 0, {0}};
	msg_lang lang = x->a->cfg->language;
	long contacts = 0;
	char src[32];
	dti_err rc;

	form_source(e->code, src);
	rc = store_form_submissions_get(x->a->st, src, x->a->year, &sub, d);
	if (!rc)
		rc = store_form_contact_count(x->a->st, e->code, x->a->year, &contacts, d);
	if (rc)
		goto out;
	sb_init(&n.missing_names, 0);
	status_items(x, e, &n);
	status_waiting(x, e, &n);
	if (!x->only) {
		char answered[24], missing[24], waiting[24], rejected[24];
		format_whole(answered, (long long)n.answered);
		format_whole(missing, (long long)n.missing);
		format_whole(waiting, (long long)n.waiting);
		format_whole(rejected, (long long)n.rejected);
		table_rowv(x->t, e->code, e->name, sub.count ? "yes" : "no",
			   sub.last ? sub.last : "", sub.forced ? "yes" : "no", answered, missing,
			   waiting, rejected, contacts >= CONTACT_ROLES ? "yes" : "no",
			   n.missing_names.data ? n.missing_names.data : "");
	} else
		log_info(
			msg_text(MSG_STATUS, lang), e->code,
			msg_text(sub.count ? MSG_STATUS_SUBMITTED : MSG_STATUS_NOT_SUBMITTED, lang),
			n.answered, n.asked, n.waiting, n.rejected,
			msg_text(contacts >= CONTACT_ROLES ? MSG_STATUS_GIVEN : MSG_STATUS_MISSING,
				 lang));
	sb_free(&n.missing_names);
out:
	store_form_submissions_free(&sub);
	return rc;
}

static int form_status(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {NULL, 0, NULL, 0}};
	status_ctx x = {a, NULL, {NULL, 0}, {0}, {0}, {0}, false, NULL};
	char only_code[16];
	commune_list active = {0};
	size_t shown = 0;
	bool reading = false;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		if (c == 'c')
			x.only = optarg;
		else
			return option_error(opts, argv);
	}
	if (x.only && !commune_code_normalise(x.only, only_code))
		return usage_error("--commune takes a commune code such as 11989");
	if (x.only)
		x.only = only_code;
	strmap_init(&x.must);
	strmap_init(&x.cur);
	form_items_build(a->fw, FORM_SOURCE_WORD, &x.items);
	rc = appraisal_must_verify(a->cfg, a->fw, &x.must, &x.all, &d);
	if (!rc)
		rc = staging_active_communes(a->st, &active, &d);
	if (!rc)
		rc = unit_types_load(a, &x.types, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	if (x.only) {
		x.t = table_open(stdout, 7);
		table_rowv(x.t, "code", "name", "variable", "source", "state", "value",
			   "observation_ids");
	} else {
		x.t = table_open(stdout, 11);
		table_rowv(x.t, "code", "name", "submitted", "last_submission", "forced",
			   "answered", "missing", "awaiting_appraisal", "rejected", "contact",
			   "missing_items");
	}
	/* Every commune's reads in one read transaction: the database locked
	 * and checked once, not for each statement. */
	rc = staging_begin_read(a->st, &reading, &d);
	for (size_t i = 0; !rc && i < active.count; i++) {
		if (x.only && strcmp(active.items[i].code, x.only) != 0)
			continue;
		shown++;
		rc = load_current(a, active.items[i].code, &x.cur, &d);
		if (!rc)
			rc = status_commune(&x, &active.items[i], &d);
	}
	if (reading)
		staging_rollback(a->st);
	table_close(x.t);
	if (rc) {
		code = fail(rc, &d);
	} else if (x.only && !shown) {
		log_error(msg_text(MSG_NOT_ASSESSED, a->cfg->language), only_code);
		code = EXIT_REFUSED;
	}
out:
	current_free(&x.cur);
	strmap_free(&x.must);
	strmap_free(&x.types);
	form_items_free(&x.items);
	commune_list_free(&active);
	return code;
}

int cmd_form(app *a, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "generate") == 0)
		return form_generate(a, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return form_import(a, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "status") == 0)
		return form_status(a, argc - 1, argv + 1);
	return usage_error("say 'generate', 'import' or 'status'");
}
