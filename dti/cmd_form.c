/* dti form generate | import | status — commune forms and the round. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "appraisal.h"
#include "batch.h"
#include "cli.h"
#include "form.h"
#include "log.h"
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

static dti_err load_prefill(app *a, const form_items *items, const char *code, char **prefill,
			    char **links, form_contact *contacts, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	char src[32];
	dti_err rc;

	form_source(code, src);
	/* Last year's scored answers first, then this year's own form answers
	 * over them (a commune re-generating its form sees what it sent). */
	rc = staging_prepare(a->st,
			     "SELECT variable, value, 0 AS k, NULL FROM current_input "
			     "WHERE year = ?1 - 1 AND commune_code = ?2 AND value IS NOT NULL "
			     "UNION ALL "
			     "SELECT v.variable, v.value, 1, v.proof_url FROM source_value v JOIN source s ON s.id = v.source_id "
			     "WHERE v.year = ?1 AND v.commune_code = ?2 AND s.name = ?3 AND v.state <> 'rejected' "
			     "ORDER BY k",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_int(s, 1, a->year);
	sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, src, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const form_item *it = form_items_find(items, (const char *)sqlite3_column_text(s, 0));
		if (!it)
			continue;
		free(prefill[it - items->items]);
		prefill[it - items->items] = xstrdup((const char *)sqlite3_column_text(s, 1));
		/* This year's proof links come back (last year's prove nothing now);
		 * notes do not: they are free text a spreadsheet might run. */
		free(links[it - items->items]);
		links[it - items->items] = sqlite3_column_text(s, 3)
						   ? xstrdup((const char *)sqlite3_column_text(s, 3))
						   : NULL;
	}
	sqlite3_finalize(s);
	rc = staging_prepare(a->st,
			     "SELECT role, name, unit, position, phone, email FROM commune_contact "
			     "WHERE commune_code = ?1 AND year <= ?2 ORDER BY year, id",
			     &s, d);
	if (rc)
		return rc;
	sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, a->year);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *role = (const char *)sqlite3_column_text(s, 0);
		for (int r = 0; r < CONTACT_ROLES; r++) {
			form_contact *c = &contacts[r];
			if (strcmp(role, form_contact_role(r)) != 0)
				continue;
			form_contact_free(c);
			char **f[5] = {&c->name, &c->unit, &c->position, &c->phone, &c->email};
			for (int i = 0; i < 5; i++) {
				const unsigned char *t = sqlite3_column_text(s, i + 1);
				*f[i] = t ? xstrdup((const char *)t) : NULL;
			}
		}
	}
	sqlite3_finalize(s);
	return DTI_EOK;
}

static int form_generate(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {"out", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	const char *only = NULL;
	char *out_dir = NULL, only_code[16];
	commune_list active = {0};
	form_items items;
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
		else
			return usage_error("form generate: unknown option");
	}
	if (optind < argc)
		return usage_error("form generate: takes no FILE (see --out)");
	if (only && !commune_code_normalise(only, only_code))
		return usage_error("form generate: --commune takes a commune code such as 11989");
	rc = appraisal_round_deadline(a->cfg, a->year, &has_dl, &deadline, &dl, &d);
	if (rc)
		return fail(rc, &d);
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
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	for (size_t i = 0; i < active.count; i++) {
		const commune_entry *e = &active.items[i];
		char **prefill = xcalloc(items.count, sizeof *prefill);
		char **links = xcalloc(items.count, sizeof *links);
		form_contact contacts[CONTACT_ROLES];
		form_spec spec = {e->code, e->name, a->year, deadline, NULL, NULL, contacts};
		strbuf sb;
		char *path;

		if (only && strcmp(only_code, e->code) != 0) {
			free(prefill);
			free(links);
			continue;
		}
		memset(contacts, 0, sizeof contacts);
		sb_init(&sb, 0);
		rc = load_prefill(a, &items, e->code, prefill, links, contacts, &d);
		spec.prefill = (const char *const *)prefill;
		spec.prefill_link = (const char *const *)links;
		if (!rc)
			rc = form_render(a->fw, &items, &spec, &sb, &d);
		path = xasprintf("%s/form-%d-%s.csv", out_dir, a->year, e->code);
		if (!rc)
			rc = write_file_atomic(path, sb.data, sb.len, &d);
		if (rc) {
			code = fail(rc, &d);
		} else {
			printf("%s\n", path);
			written++;
		}
		free(path);
		sb_free(&sb);
		for (size_t k = 0; k < items.count; k++) {
			free(prefill[k]);
			free(links[k]);
		}
		free(prefill);
		free(links);
		for (int r = 0; r < CONTACT_ROLES; r++)
			form_contact_free(&contacts[r]);
		if (rc)
			break;
	}
	if (only && written == 0 && code == EXIT_OK) {
		log_error("commune %s is not one of the communes assessed", only_code);
		code = EXIT_REFUSED;
	} else if (code == EXIT_OK) {
		log_info("%zu form%s for %d written to %s (%zu items each)", written,
			 written == 1 ? "" : "s", a->year, out_dir, items.count);
	}
out:
	commune_list_free(&active);
	form_items_free(&items);
	free(out_dir);
	return code;
}

/* ---- import ---- */

static dti_err store_contacts(staging *st, int64_t run_id, void *ctx, dti_diag *d)
{
	const form_result *r = ctx;
	sqlite3_stmt *s = NULL;
	char now[32];
	dti_err rc;

	now_iso(now);
	rc = staging_prepare(st,
			     "INSERT INTO commune_contact(commune_code, year, role, name, unit, position, "
			     "phone, email, run_id, submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			     &s, d);
	for (int i = 0; !rc && i < CONTACT_ROLES; i++) {
		const form_contact *c = &r->contacts[i];
		sqlite3_bind_text(s, 1, r->commune_code, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, r->year);
		sqlite3_bind_text(s, 3, form_contact_role(i), -1, SQLITE_STATIC);
		staging_bind_text(s, 4, c->name);
		staging_bind_text(s, 5, c->unit);
		staging_bind_text(s, 6, c->position);
		staging_bind_text(s, 7, c->phone);
		staging_bind_text(s, 8, c->email);
		sqlite3_bind_int64(s, 9, run_id);
		sqlite3_bind_text(s, 10, now, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = diag_set(d, DTI_EDB, "cannot store the contact block: %s",
				      sqlite3_errmsg(staging_db(st)));
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

static bool answered(const form_result *r, const fw_variable *v)
{
	return batch_has(&r->answers, r->commune_code, r->year, v);
}

/* Warnings that do not refuse the form: an earlier answer left blank now
 * (it stays current), a numerator above a denominator another source
 * supplies. */
static void import_warnings(app *a, const form_items *items, const form_result *r,
			    const char *file)
{
	sqlite3_stmt *s = NULL;
	char src[32];
	dti_diag d;

	form_source(r->commune_code, src);
	if (staging_prepare(a->st,
			    "SELECT v.value FROM source_value v JOIN source s ON s.id = v.source_id "
			    "WHERE v.year = ?1 AND v.commune_code = ?2 AND v.variable = ?3 AND s.name = ?4",
			    &s, &d) == DTI_EOK) {
		for (size_t i = 0; i < items->count; i++) {
			const fw_variable *v = items->items[i].variable;
			if (answered(r, v))
				continue;
			sqlite3_bind_int(s, 1, r->year);
			sqlite3_bind_text(s, 2, r->commune_code, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, v->name, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 4, src, -1, SQLITE_STATIC);
			if (sqlite3_step(s) == SQLITE_ROW)
				log_warn("%s: %s is left blank; the earlier answer '%s' stays current", file,
					 v->name, (const char *)sqlite3_column_text(s, 0));
			sqlite3_reset(s);
		}
		sqlite3_finalize(s);
		s = NULL;
	}
	if (staging_prepare(a->st,
			    "SELECT num FROM current_input WHERE year = ?1 AND commune_code = ?2 "
			    "AND variable = ?3 AND num IS NOT NULL",
			    &s, &d) != DTI_EOK)
		return;
	for (size_t k = 0; k < a->fw->n_indicators; k++) {
		const fw_indicator *ind = &a->fw->indicators[k];
		double num = 0, den = 0;
		bool ok = ind->n_numerator > 0, from_form = false;
		/* Only ratios whose numerator this form answers (current_input
		 * is a view over every observation: query it only when needed). */
		for (size_t j = 0; j < ind->n_numerator; j++)
			from_form = from_form || answered(r, ind->numerator[j]);
		if (!from_form)
			continue;
		from_form = false;
		for (size_t j = 0; ok && j < ind->n_numerator + ind->n_denominator; j++) {
			bool is_num = j < ind->n_numerator;
			const fw_variable *v = is_num ? ind->numerator[j] : ind->denominator[j - ind->n_numerator];
			if (answered(r, v)) {
				for (size_t i = 0; i < r->answers.count; i++)
					if (r->answers.items[i].variable == v)
						*(is_num ? &num : &den) += r->answers.items[i].num;
				from_form = from_form || is_num;
				continue;
			}
			sqlite3_bind_int(s, 1, r->year);
			sqlite3_bind_text(s, 2, r->commune_code, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, v->name, -1, SQLITE_STATIC);
			if (sqlite3_step(s) == SQLITE_ROW)
				*(is_num ? &num : &den) += sqlite3_column_double(s, 0);
			else
				ok = false;
			sqlite3_reset(s);
		}
		if (ok && from_form && num > den) {
			char x[64], y[64];
			format_number(x, num);
			format_number(y, den);
			log_warn("%s: indicator %s: %s = %s is above %s = %s as staged from another "
				 "source; the appraiser will see it",
				 file, ind->id, ind->numerator[0]->name, x, ind->denominator[0]->name, y);
		}
	}
	sqlite3_finalize(s);
}

static int import_one(app *a, const form_items *items, const commune_index *ix, const char *file,
		      bool force, bool dry)
{
	char *bytes = NULL;
	size_t len = 0;
	FILE *f = NULL;
	form_result r;
	dti_problems p = {0};
	char src[32] = "form";
	batch_target t = {src, "form", "dti form import", a->year, file, NULL, 0, false};
	const char *deadline;
	time_t dl;
	bool has_dl;
	dti_diag d;
	dti_err rc;
	int code = EXIT_OK;

	form_result_init(&r);
	rc = appraisal_round_deadline(a->cfg, a->year, &has_dl, &deadline, &dl, &d);
	if (rc)
		return fail(rc, &d);
	rc = read_file(file, FORM_MAX_BYTES, &bytes, &len, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	f = fmemopen(bytes, len ? len : 1, "rb");
	if (!f) {
		log_error("%s: cannot read", file);
		code = EXIT_DB;
		goto out;
	}
	rc = form_read(f, file, a->fw, items, ix, a->year, &r, &p, &d);
	if (rc == DTI_EPARSE)
		problems_add(&p, "%s", d.msg);
	if (r.commune_code[0])
		form_source(r.commune_code, src);
	t.payload = bytes;
	t.payload_len = len;
	if (rc) {
		char *err = problems_join(&p, 50);
		for (size_t k = 0; k < p.stored; k++)
			log_error("%s", p.items[k]);
		if (p.count > p.stored)
			log_error("(%zu more problems not shown)", p.count - p.stored);
		log_error("%s: %zu problem%s; nothing of this form was stored", file, p.count,
			  p.count == 1 ? "" : "s");
		t.payload = NULL;
		if (!dry && batch_record_run(a->st, &t, "failed", &r.answers.counts, err, NULL, NULL, &d))
			log_error("%s", d.msg);
		free(err);
		code = EXIT_REFUSED;
		goto out;
	}
	if (has_dl && time(NULL) > dl) {
		if (!force) {
			char *err = xasprintf("the %d round closed at %s; the form was not stored "
					      "(an administrator may import it with --force)",
					      a->year, deadline);
			log_error("%s: %s", file, err);
			t.payload = NULL;
			if (!dry && batch_record_run(a->st, &t, "failed", &r.answers.counts, err, NULL, NULL, &d))
				log_error("%s", d.msg);
			free(err);
			code = EXIT_REFUSED;
			goto out;
		}
		log_warn("%s: the %d round closed at %s; stored anyway (--force, recorded on the run)",
			 file, a->year, deadline);
		t.forced = true;
	}
	import_warnings(a, items, &r, file);
	if (dry) {
		log_info("%s: dry run: commune %s, %zu answers valid, %zu left blank; nothing stored",
			 file, r.commune_code, r.answers.count, r.unanswered);
		goto out;
	}
	{
		/* An answer equal to the commune's current one is not stored
		 * again (batch_store): it keeps its appraisal. */
		int64_t run = 0;
		long skipped = r.answers.counts.skipped, stored, unchanged;
		rc = batch_store_with(a->st, &r.answers, &t, store_contacts, &r, &run, &d);
		if (rc) {
			code = fail(rc, &d);
			goto out;
		}
		stored = r.answers.counts.stored;
		unchanged = r.answers.counts.skipped - skipped;
		log_info("%s: form of commune %s for %d stored (run %lld, source %s): %ld answer%s "
			 "new or changed, %ld unchanged, %zu left blank%s",
			 file, r.commune_code, a->year, (long long)run, src, stored,
			 stored == 1 ? "" : "s", unchanged, r.unanswered,
			 t.forced ? ", forced after the deadline" : "");
	}
out:
	if (f)
		fclose(f);
	free(bytes);
	problems_free(&p);
	form_result_free(&r);
	return code;
}

static int form_import(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {NULL, 0, NULL, 0}};
	bool force = false, dry = false;
	commune_list active = {0};
	commune_index ix;
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
		else
			return usage_error("form import: unknown option");
	}
	if (optind >= argc)
		return usage_error("form import: name at least one FILE");
	rc = appraisal_tolerance_load(a->cfg, &tol, &d);
	if (!rc)
		rc = appraisal_tolerance_sync(a->st, &tol, &d);
	if (!rc)
		rc = staging_active_communes(a->st, &active, &d);
	if (rc)
		return fail(rc, &d);
	commune_index_build(&ix, &active);
	form_items_build(a->fw, FORM_SOURCE_WORD, &items);
	for (int i = optind; i < argc; i++) {
		int one = import_one(a, &items, &ix, argv[i], force, dry);
		if (one != EXIT_OK && (code == EXIT_OK || one > code))
			code = one;
	}
	form_items_free(&items);
	commune_index_free(&ix);
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

/* Every current value of the year, keyed "code|variable" (one pass over
 * the view, not one per commune). */
static dti_err load_current(app *a, strmap *out, dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	dti_err rc = staging_prepare(a->st,
				     "SELECT commune_code, variable, value, state, observation_ids "
				     "FROM current_input WHERE year = ?1",
				     &s, d);
	int step;

	if (rc)
		return rc;
	sqlite3_bind_int(s, 1, a->year);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		current *c = xcalloc(1, sizeof *c);
		const unsigned char *v = sqlite3_column_text(s, 2), *ids = sqlite3_column_text(s, 4);
		char *key = xasprintf("%s|%s", (const char *)sqlite3_column_text(s, 0),
				      (const char *)sqlite3_column_text(s, 1));
		c->value = v ? xstrdup((const char *)v) : NULL;
		c->state = xstrdup((const char *)sqlite3_column_text(s, 3));
		c->ids = ids ? xstrdup((const char *)ids) : NULL;
		strmap_put(out, key, (intptr_t)c);
		free(key);
	}
	if (step != SQLITE_DONE)
		rc = diag_set(d, DTI_EDB, "cannot read current_input: %s", sqlite3_errmsg(staging_db(a->st)));
	sqlite3_finalize(s);
	return rc;
}

static current *current_get(const strmap *m, const char *code, const char *variable)
{
	char key[256];
	intptr_t p;

	snprintf(key, sizeof key, "%s|%s", code, variable);
	return strmap_get(m, key, &p) ? (current *)p : NULL;
}

static int form_status(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"commune", required_argument, NULL, 'c'},
					     {NULL, 0, NULL, 0}};
	const char *only = NULL;
	char only_code[16];
	commune_list active = {0};
	form_items items;
	strmap must, cur;
	bool all;
	sqlite3_stmt *sub = NULL, *con = NULL;
	size_t shown = 0;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:", opts, NULL)) != -1) {
		if (c == 'c')
			only = optarg;
		else
			return usage_error("form status: unknown option");
	}
	if (only && !commune_code_normalise(only, only_code))
		return usage_error("form status: --commune takes a commune code such as 11989");
	strmap_init(&must);
	strmap_init(&cur);
	form_items_build(a->fw, FORM_SOURCE_WORD, &items);
	rc = appraisal_must_verify(a->cfg, a->fw, &must, &all, &d);
	if (!rc)
		rc = staging_active_communes(a->st, &active, &d);
	if (!rc)
		rc = staging_prepare(a->st,
				     "SELECT count(*), max(r.finished_at), max(r.forced) FROM run r "
				     "JOIN source s ON s.id = r.source_id "
				     "WHERE s.name = ?1 AND r.year = ?2 AND r.status = 'ok'",
				     &sub, &d);
	if (!rc)
		rc = staging_prepare(a->st,
				     "SELECT count(*) FROM current_contact WHERE commune_code = ?1 AND year = ?2",
				     &con, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	if (only)
		printf("code\tname\tvariable\tsource\tstate\tvalue\tobservation_ids\n");
	else
		printf("code\tname\tsubmitted\tlast_submission\tforced\tanswered\tmissing\t"
		       "awaiting_appraisal\trejected\tcontact\tmissing_items\n");
	rc = load_current(a, &cur, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	for (size_t i = 0; i < active.count; i++) {
		const commune_entry *e = &active.items[i];
		char src[32];
		long subs = 0, forced = 0, contacts = 0;
		const char *last = "";
		size_t n_ans = 0, n_miss = 0, n_wait = 0, n_rej = 0;
		strbuf missing;

		if (only && strcmp(e->code, only_code) != 0)
			continue;
		shown++;
		sb_init(&missing, 0);
		form_source(e->code, src);
		sqlite3_bind_text(sub, 1, src, -1, SQLITE_STATIC);
		sqlite3_bind_int(sub, 2, a->year);
		if (sqlite3_step(sub) == SQLITE_ROW) {
			subs = sqlite3_column_int(sub, 0);
			if (sqlite3_column_text(sub, 1))
				last = (const char *)sqlite3_column_text(sub, 1);
			forced = sqlite3_column_int(sub, 2);
		}
		sqlite3_bind_text(con, 1, e->code, -1, SQLITE_STATIC);
		sqlite3_bind_int(con, 2, a->year);
		if (sqlite3_step(con) == SQLITE_ROW)
			contacts = sqlite3_column_int(con, 0);
		sqlite3_reset(con);
		for (size_t k = 0; k < items.count; k++) {
			const fw_variable *v = items.items[k].variable;
			current *cv = current_get(&cur, e->code, v->name);
			if (cv && cv->value)
				n_ans++;
			else if (cv && strcmp(cv->state, "rejected") == 0)
				n_rej++;
			if (!cv || !cv->value) {
				n_miss++;
				sb_appendf(&missing, "%s%s", missing.len ? "," : "", v->name);
			}
			if (only)
				printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e->code, e->name, v->name, "commune",
				       cv ? cv->state : "missing", cv && cv->value ? cv->value : "",
				       cv && cv->ids ? cv->ids : "");
		}
		/* Awaiting appraisal: raw current values of the items official
		 * scoring needs verified, whatever their source. */
		for (size_t k = 0; k < a->fw->n_variables; k++) {
			const fw_variable *v = &a->fw->variables[k];
			current *cv = current_get(&cur, e->code, v->name);
			if (!cv || strcmp(cv->state, "raw") != 0 || !cv->value)
				continue;
			if (!all && !strmap_get(&must, v->name, NULL))
				continue;
			n_wait++;
			if (only && !form_items_find(&items, v->name))
				printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e->code, e->name, v->name,
				       "feed", cv->state, cv->value, cv->ids ? cv->ids : "");
		}
		if (!only)
			printf("%s\t%s\t%s\t%s\t%s\t%zu\t%zu\t%zu\t%zu\t%s\t%s\n", e->code, e->name,
			       subs ? "yes" : "no", last, forced ? "yes" : "no", n_ans, n_miss, n_wait,
			       n_rej, contacts >= CONTACT_ROLES ? "yes" : "no",
			       missing.data ? missing.data : "");
		else
			log_info("commune %s: %s, %zu of %zu items answered, %zu awaiting appraisal, "
				 "%zu rejected, contact block %s",
				 e->code, subs ? "submitted" : "not submitted", n_ans, items.count,
				 n_wait, n_rej, contacts >= CONTACT_ROLES ? "given" : "missing");
		sqlite3_reset(sub);
		sb_free(&missing);
	}
	if (only && !shown) {
		log_error("commune %s is not one of the communes assessed", only_code);
		code = EXIT_REFUSED;
	}
out:
	sqlite3_finalize(sub);
	sqlite3_finalize(con);
	current_free(&cur);
	strmap_free(&must);
	form_items_free(&items);
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
	return usage_error("form: say 'generate', 'import' or 'status'");
}
