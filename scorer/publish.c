#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "export_xlsx.h"
#include "store_report.h"
#include "store_score.h"
#include "store_status.h"
#include "util.h"

/* The wide CSV (one row per commune, by rank: rank, code, name, pillar
 * points, total, rating band) as name in dir and, with a BOM, in excel:
 * written as its rows are made, both files from the same bytes. */
static dti_err publish_wide_csv(const results *r, const rating_bands *bands, const char *dir,
				const char *excel, const char *name, FILE *paths, dti_diag *d)
{
	const framework *fw = r->fw;
	char *path[2] = {xasprintf("%s/%s", dir, name), xasprintf("%s/%s", excel, name)};
	output_file out[2] = {{0}, {0}};
	strbuf sb;
	dti_err rc = DTI_EOK;

	sb_init(&sb, 0);
	for (size_t k = 0; !rc && k < 2; k++)
		rc = output_open(&out[k], path[k], d);
	if (!rc)
		rc = output_write(&out[1], "\xEF\xBB\xBF", 3, d);
	csv_put(&sb, "year", false);
	csv_put(&sb, "rank", false);
	csv_put(&sb, "commune_code", false);
	csv_put(&sb, "commune_name", false);
	for (size_t p = 0; p < fw->n_pillars; p++)
		csv_put(&sb, fw->pillars[p].id, false);
	csv_put(&sb, "total", false);
	csv_put(&sb, "rating_band", true);
	for (size_t c = 0; !rc && c < r->n; c++) {
		const res_commune *row = &r->communes[c];
		const char *band = report_commune_band(bands, r, row);
		csv_put_number(&sb, r->year, false);
		csv_put_number(&sb, (double)row->rank, false);
		csv_put(&sb, row->code, false);
		csv_put(&sb, row->name, false);
		for (size_t p = 0; p < fw->n_pillars; p++)
			csv_put_number(&sb, row->pillars[p].points, false);
		csv_put_number(&sb, row->total, false);
		csv_put(&sb, band ? band : "", true);
		rc = output_flush_past(out, 2, &sb, false, d);
	}
	if (!rc)
		rc = output_flush_past(out, 2, &sb, true, d);
	for (size_t k = 0; !rc && k < 2; k++)
		rc = output_commit(&out[k], paths, d);
	for (size_t k = 0; k < 2; k++) {
		if (out[k].f || out[k].path)
			output_abort(&out[k]);
		free(path[k]);
	}
	sb_free(&sb);
	return rc;
}

/* The commune lines are written as jansson would encode the same objects
 * (JSON_COMPACT, JSON_PRESERVE_ORDER, JSON_REAL_PRECISION(17)): keys in
 * the order below, no spaces, util.h's strings and numbers.  jansson
 * leaves out a member whose value it cannot make (a NaN) and a pillar or
 * indicator json_pack could not pack: so do these. */
/* The keys are the literals below, which need no escape: written as they
 * are (inline, their lengths counted when compiling). */
static inline void json_key(strbuf *sb, bool first, const char *key)
{
	if (!first)
		sb_append(sb, ",", 1);
	sb_append(sb, "\"", 1);
	sb_appends(sb, key);
	sb_append(sb, "\":", 2);
}

static inline void json_num(strbuf *sb, const char *key, double v)
{
	if (!isfinite(v))
		return;
	json_key(sb, false, key);
	sb_json_number(sb, v);
}

/* A score's flags (FLAG_NOT_APPLICABLE among them) as a list. */
static void json_flags(strbuf *sb, unsigned flags)
{
	char buf[128];
	char *p = buf;

	flags_format(flags, buf, sizeof buf);
	sb_append(sb, "[", 1);
	while (*p) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (p != buf)
			sb_append(sb, ",", 1);
		sb_json_string(sb, p);
		if (!comma)
			break;
		p = comma + 1;
	}
	sb_append(sb, "]", 1);
}

static bool finite3(double a, double b, double c)
{
	return isfinite(a) && isfinite(b) && isfinite(c);
}

/* Commune c (its detail read) as one JSON object appended to sb. */
static void commune_json(strbuf *sb, const results *r, size_t c, const rating_bands *bands)
{
	const framework *fw = r->fw;
	const res_commune *rc = &r->communes[c];
	const char *band = report_commune_band(bands, r, rc);
	char rank[24];
	bool first = true;

	sb_append(sb, "{", 1);
	json_key(sb, true, "code");
	sb_json_string(sb, rc->code);
	json_key(sb, false, "name");
	sb_json_string(sb, rc->name);
	json_key(sb, false, "rank");
	sb_append(sb, rank, format_whole(rank, rc->rank));
	json_num(sb, "total", rc->total);
	if (fw->by_unit_type) /* the edition's maximum is not every commune's */
		json_num(sb, "max", rc->max);
	json_key(sb, false, "rating_band");
	if (band)
		sb_json_string(sb, band);
	else
		sb_appends(sb, "null");
	json_key(sb, false, "pillars");
	sb_append(sb, "[", 1);
	for (size_t p = 0; p < fw->n_pillars; p++) {
		const res_pillar *s = &rc->pillars[p];
		if (!isfinite(s->points) || !isfinite(s->max))
			continue;
		sb_appends(sb, first ? "{" : ",{");
		first = false;
		json_key(sb, true, "id");
		sb_json_string(sb, fw->pillars[p].id);
		json_num(sb, "points", s->points);
		json_num(sb, "max", s->max);
		json_key(sb, false, "flags");
		json_flags(sb, flags_parse(s->flags_text));
		sb_append(sb, "}", 1);
	}
	sb_appends(sb, "],\"indicators\":[");
	first = true;
	for (size_t i = 0; i < fw->n_indicators; i++) {
		const res_score *s = &rc->indicators[i];
		if (!finite3(s->points, s->max, s->fraction))
			continue;
		sb_appends(sb, first ? "{" : ",{");
		first = false;
		json_key(sb, true, "id");
		sb_json_string(sb, fw->indicators[i].id);
		json_key(sb, false, "pillar");
		sb_json_string(sb, fw->pillars[fw->indicators[i].pillar].id);
		json_num(sb, "points", s->points);
		json_num(sb, "max", s->max);
		json_num(sb, "fraction", s->fraction);
		json_key(sb, false, "ratio");
		if (isfinite(s->ratio))
			sb_json_number(sb, s->ratio);
		else
			sb_appends(sb, "null");
		json_key(sb, false, "flags");
		json_flags(sb, s->flags | (s->not_applicable ? FLAG_NOT_APPLICABLE : 0u));
		if (r->with_inputs) {
			const advice *a = results_advice_kept(r, c, i, NULL);
			const char *words;
			if (a->available > 0) {
				results_advice_kept(r, c, i, &words);
				json_num(sb, "points_available", a->available);
				json_key(sb, false, "advice");
				sb_json_string(sb, words);
			}
		}
		sb_append(sb, "}", 1);
	}
	sb_appends(sb, "]}");
}

#define JSON_FLAGS (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* The JSON document, written as it goes: its head (everything but the
 * communes) encoded by jansson, then each commune's object one a line as
 * the publication reaches it. */
typedef struct json_out {
	output_file f;
	strbuf sb;
	size_t n; /* communes written */
} json_out;

static json_t *json_head(const results *r, const rating_bands *bands, const char *title)
{
	const framework *fw = r->fw;
	json_t *root = json_object(), *jfw = json_object(), *pillars = json_array();
	json_t *jb = json_array();

	json_object_set_new(root, "title", json_string(title ? title : ""));
	json_object_set_new(root, "year", json_integer(r->year));
	json_object_set_new(root, "scoring_run",
			    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->run_id, "mode",
				      r->mode, "started_at", r->started_at));
	json_object_set_new(jfw, "edition", json_string(fw->edition));
	json_object_set_new(jfw, "title", json_string(fw->title));
	json_object_set_new(jfw, "sha256", json_string(fw->sha256));
	json_object_set_new(jfw, "total", json_real(fw->total));
	for (size_t p = 0; p < fw->n_pillars; p++) {
		json_t *inds = json_array();
		const fw_pillar *pl = &fw->pillars[p];
		for (size_t i = pl->first; i < pl->first + pl->count; i++)
			json_array_append_new(
				inds, json_pack("{s:s, s:s, s:f, s:s}", "id", fw->indicators[i].id,
						"name", fw->indicators[i].name, "max",
						fw->indicators[i].max, "rule",
						rule_kind_name(fw->indicators[i].kind)));
		json_array_append_new(pillars,
				      json_pack("{s:s, s:s, s:s, s:f, s:o}", "id", pl->id, "name",
						pl->name, "name_en", pl->name_en ? pl->name_en : "",
						"max", pl->max, "indicators", inds));
	}
	json_object_set_new(jfw, "pillars", pillars);
	json_object_set_new(root, "framework", jfw);
	for (size_t i = 0; bands && i < bands->n; i++)
		json_array_append_new(jb, json_pack("{s:f, s:s}", "min", bands->items[i].min,
						    "label", bands->items[i].label));
	json_object_set_new(root, "rating_bands", jb);
	/* The communes go one a line into the place of this empty list. */
	json_object_set_new(root, "communes", json_array());
	return root;
}

/* Opens dir/name and writes the document's head.  The caller ends it with
 * json_out_close, also on error. */
static dti_err json_out_open(json_out *j, const char *path, const results *r,
			     const rating_bands *bands, const char *title, dti_diag *d)
{
	static const char tail[] = "[]\n}";
	json_t *root = json_head(r, bands, title);
	char *head = json_dumps(root, JSON_INDENT(1) | JSON_FLAGS);
	size_t n = head ? strlen(head) : 0;
	dti_err rc;

	memset(j, 0, sizeof *j);
	sb_init(&j->sb, 0);
	json_decref(root);
	if (!head || n < sizeof tail - 1 || strcmp(head + n - (sizeof tail - 1), tail) != 0) {
		free(head);
		return diag_set(d, DTI_ENOMEM, "cannot encode '%s'", path);
	}
	rc = output_open(&j->f, path, d);
	if (!rc) {
		sb_append(&j->sb, head, n - (sizeof tail - 1));
		sb_appends(&j->sb, "[");
	}
	free(head);
	return rc;
}

/* Commune c (its detail read) as the document's next line. */
static dti_err json_out_commune(json_out *j, const results *r, size_t c, const rating_bands *bands,
				dti_diag *d)
{
	sb_appends(&j->sb, j->n++ ? ",\n  " : "\n  ");
	commune_json(&j->sb, r, c, bands);
	return output_flush_past(&j->f, 1, &j->sb, false, d);
}

/* Ends the document and puts it in place (commit), or removes it. */
static dti_err json_out_close(json_out *j, bool commit, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	if (commit) {
		sb_appends(&j->sb, "\n ]\n}\n");
		rc = output_flush(&j->f, &j->sb, d);
		if (!rc)
			rc = output_commit(&j->f, NULL, d);
	}
	if (j->f.f)
		output_abort(&j->f);
	sb_free(&j->sb);
	return rc;
}

/* A run read once for every file of the publication. */
typedef struct publication {
	results *now;                /* with inputs */
	store_report_totals totals;  /* the TOTAL rows, for the exports only */
	results *prev;               /* an earlier year's (store_year_before), or NULL */
	bool prev_official;          /* prev is that year's official result */
	scoring_run_info prev_run;   /* owns prev's framework */
	store_approval official;     /* the year's official result; id 0: none */
	store_source_states sources; /* for the data-quality page */
	bool past;                   /* compare through the history instead of prev */
} publication;

/* Reads the run and the earlier year's (the sources' state is read later,
 * publish_into).  Caller frees
 * with publication_free, also on error. */
static dti_err publication_load(staging *st, const scoring_run_info *run, history *h,
				publication *p, dti_diag *d)
{
	int64_t prev_id = 0;
	bool official = false;
	int configured = history_prev_year(h);
	dti_err rc = results_load_totals(st, run, true, &p->now, &p->totals, d);

	if (!rc)
		rc = store_approval_current(st, run->year, &p->official, &official, d);
	if (!rc)
		rc = store_year_before(st, run->year, &prev_id, &p->prev_official, d);
	if (!rc && prev_id) {
		rc = score_run_load(st, prev_id, 0, &p->prev_run, d);
		if (!rc)
			rc = results_load(st, &p->prev_run, false, &p->prev, d);
	}
	/* The most recent earlier year is compared: this database's, unless
	 * the configured earlier database holds a later one. */
	if (!rc && configured && configured < run->year &&
	    (!p->prev || p->prev->year < configured)) {
		results_free(p->prev);
		p->prev = NULL;
		p->past = true;
	}
	return rc;
}

static void publication_free(publication *p)
{
	results_free(p->now);
	results_free(p->prev);
	framework_free(p->prev_run.fw);
	store_report_totals_free(&p->totals);
	store_source_states_free(&p->sources);
}

/* The long CSV (scores-YEAR.csv), the ranking and the wide CSV, plain in
 * dir and with a BOM in excel. */
static dti_err publish_csv(staging *st, const publication *p, const publish_options *o,
			   const char *dir, const char *excel, const char *wide_name, FILE *paths,
			   dti_diag *d)
{
	export_options eo = {dir, false, excel, export_xlsx_commune, NULL};
	xlsx_export *x = NULL;
	dti_err rc = make_dirs(excel, d), end;

	/* The Excel scorecards are written from the CSV's reads, each
	 * commune's scores read once for both. */
	if (!rc)
		rc = export_xlsx_open(&x, p->now, excel, d);
	eo.each_ctx = x;
	if (!rc)
		rc = export_results(st, p->now, &p->totals, &eo, paths, d);
	if (rc)
		goto out;
	rc = publish_wide_csv(p->now, o->bands, dir, excel, wide_name, paths, d);
out:
	end = export_xlsx_close(x, !rc, o->bands, excel, paths, d);
	return rc ? rc : end;
}

/* The JSON document and the commune pages, one commune's detail read at a
 * time; the pass is left open for the summary pages. */
static dti_err publish_communes(staging *st, const publication *p, const publish_options *o,
				const report_input *ri, const char *json_path,
				const char *report_dir, report_pass **pass, FILE *paths,
				dti_diag *d)
{
	json_out j;
	dti_err rc = json_out_open(&j, json_path, p->now, o->bands, ri->title, d), end;

	/* Listed in its place, before the pages, though it is put in place
	 * after them: the listing is printed only when all is written. */
	if (!rc && paths)
		fprintf(paths, "%s\n", json_path);
	if (!rc)
		rc = report_pass_open(ri, report_dir, pass, d);
	for (size_t c = 0; !rc && c < p->now->n; c++) {
		rc = results_detail(st, p->now, c, true, d);
		if (rc)
			break;
		rc = json_out_commune(&j, p->now, c, o->bands, d);
		if (!rc)
			rc = report_pass_commune(*pass, c, paths, d);
		results_detail_drop(p->now, c);
	}
	end = json_out_close(&j, !rc, d);
	return rc ? rc : end;
}

/* Every file of the publication into dir, listed in paths. */
static dti_err publish_into(staging *st, const scoring_run_info *run, const publish_options *o,
			    const char *dir, FILE *paths, dti_diag *d)
{
	char official_href[64];
	char *excel = xasprintf("%s/excel", dir), *report_dir = xasprintf("%s/report", dir);
	char wide_name[64], json_name[64], scores_name[64];
	char *area = NULL, *json_path = NULL;
	const char *title;
	publication p;
	report_input ri;
	report_pass *pass = NULL;
	bool reading = false;
	dti_err rc;

	memset(&p, 0, sizeof p);
	snprintf(wide_name, sizeof wide_name, "wide-%d.csv", run->year);
	snprintf(json_name, sizeof json_name, "dti-%d.json", run->year);
	snprintf(scores_name, sizeof scores_name, "scores-%d.csv", run->year);
	/* From OUT/YEAR/report/ or OUT/official-YEAR/report/ alike. */
	snprintf(official_href, sizeof official_href, "../../official-%d/report/index.html",
		 run->year);
	/* The run's reads, each commune's in turn, in one read transaction:
	 * SQLite locks and checks the database once, not for each of the
	 * tens of thousands of statements. */
	rc = staging_begin_read(st, &reading, d);
	if (!rc)
		rc = publication_load(st, run, o->history, &p, d);
	if (!rc)
		rc = store_report_run_area(st, run->id, &area, d);
	if (!rc)
		rc = publish_csv(st, &p, o, dir, excel, wide_name, paths, d);
	if (rc)
		goto out;
	/* The TOTAL rows were the long CSV's and the workbooks' only. */
	store_report_totals_free(&p.totals);
	/* Titled with the area the run assessed, not today's configuration. */
	title = area ? area : o->title ? o->title : "";
	memset(&ri, 0, sizeof ri);
	ri.now = p.now;
	ri.prev = p.prev;
	ri.bands = o->bands;
	ri.title = title;
	ri.exports[0] = wide_name;
	ri.exports[1] = scores_name;
	ri.exports[2] = json_name;
	ri.sources = &p.sources;
	ri.prev_official = p.prev_official;
	ri.official.run_id = p.official.scoring_run_id;
	ri.official.decision = p.official.decision;
	ri.official.decision_date = p.official.decision_date;
	ri.official.href = o->official ? NULL : official_href;
	ri.history = o->history;
	ri.past = p.past;
	json_path = xasprintf("%s/%s", dir, json_name);
	rc = publish_communes(st, &p, o, &ri, json_path, report_dir, &pass, paths, d);
	if (!rc && reading)
		rc = staging_commit(st, d);
	reading = rc && reading;
	/* The sources' ages are as of after the commune pages, as they always
	 * were: the age is that of the data when the quality page is made. */
	if (!rc)
		rc = store_source_states_list(st, run->year, &p.sources, d);
	if (!rc)
		rc = report_write_summary(&ri, pass, paths, d);
out:
	if (reading)
		staging_rollback(st);
	report_pass_close(pass);
	publication_free(&p);
	free(json_path);
	free(area);
	free(excel);
	free(report_dir);
	return rc;
}

/* Only the year's official result is published as official. */
static dti_err official_check(staging *st, const scoring_run_info *run, dti_diag *d)
{
	store_approval a;
	bool found = false;
	dti_err rc = store_approval_current(st, run->year, &a, &found, d);

	if (!rc && (!found || a.scoring_run_id != run->id))
		rc = diag_set(d, DTI_ENOTFOUND,
			      "scoring run %lld is not the official result of %d: approve it "
			      "with 'dti approve %lld --decision …' first",
			      (long long)run->id, run->year, (long long)run->id);
	return rc;
}

/* Folders a publish killed part-way left in OUT: ".[official-]YEAR.new.PID"
 * (being written) and "[official-]YEAR.old.PID" (the old report moved aside
 * where the file system cannot swap), removed once their process is gone. */
static void stale_stages_remove(const char *out_dir, const char *kind, int year)
{
	char *hidden = xasprintf(".%s%d.new.", kind, year),
	     *aside = xasprintf("%s%d.old.", kind, year);
	DIR *dir = opendir(out_dir);
	struct dirent *e;

	while (dir && (e = readdir(dir))) {
		const char *rest = NULL;
		char *end;
		long pid;

		if (!strncmp(e->d_name, hidden, strlen(hidden)))
			rest = e->d_name + strlen(hidden);
		else if (!strncmp(e->d_name, aside, strlen(aside)))
			rest = e->d_name + strlen(aside);
		if (!rest || !*rest)
			continue;
		errno = 0;
		pid = strtol(rest, &end, 10);
		if (*end || errno || pid <= 0 || pid == (long)getpid() || pid > INT_MAX)
			continue;
		if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			char *path = xasprintf("%s/%s", out_dir, e->d_name);
			dir_remove(path);
			free(path);
		}
	}
	if (dir)
		closedir(dir);
	free(hidden);
	free(aside);
}

dti_err publish_run(staging *st, const scoring_run_info *run, const publish_options *o, FILE *paths,
		    char **report_index, dti_diag *d)
{
	const char *kind = o->official ? "official-" : "";
	char *dir = xasprintf("%s/%s%d", o->out_dir, kind, run->year);
	char *stage = xasprintf("%s/.%s%d.new.%ld", o->out_dir, kind, run->year, (long)getpid());
	/* The report the last publish replaced, kept by it (dir_replace). */
	char *spare = xasprintf("%s/.%s%d.spare", o->out_dir, kind, run->year);
	struct stat sb;
	char *line = NULL;
	size_t cap = 0, n = strlen(stage);
	ssize_t len;
	/* The paths written, spooled for paths (30,000 units' report: 2 MB
	 * of them); none without paths. */
	FILE *staged = paths ? tmpfile() : NULL;
	int tmp_errno = errno;
	dti_err rc, back;

	if (report_index)
		*report_index = NULL;
	if (o->official) {
		rc = official_check(st, run, d);
		if (rc)
			goto out;
	}
	if (paths && !staged) {
		rc = diag_set(d, DTI_EIO, "cannot create a temporary file: %s",
			      strerror(tmp_errno));
		goto out;
	}
	/* The whole publication goes into a new folder beside OUT/YEAR, which
	 * then takes its place in one rename: readers see the old set or the
	 * new one, and a failure part-way leaves the old one untouched. */
	stale_stages_remove(o->out_dir, kind, run->year);
	dir_remove(stage);
	/* The new folder starts as that report, whose files are written over
	 * in place: a nightly publish neither makes nor deletes thousands of
	 * files (each costs the file system more than writing it over).  Not
	 * one another user made (an administrator's publish as root): the
	 * nightly could not write in it. */
	if (lstat(spare, &sb) == 0 &&
	    (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() || rename(spare, stage) != 0))
		dir_remove(spare);
	else if (lstat(stage, &sb) == 0 && !dir_recycle(stage))
		dir_remove(stage); /* not one to write in: made afresh */
	rc = make_dirs(stage, d);
	/* Its thousands of files are synced once, by dir_replace. */
	output_sync_later(stage);
	/* A pass of reads: the small page cache (STAGING_CACHE_READS). */
	if (!rc)
		rc = staging_cache(st, STAGING_CACHE_READS, d);
	if (!rc) {
		rc = publish_into(st, run, o, stage, staged, d);
		back = staging_cache(st, STAGING_CACHE_OWN, rc ? NULL : d);
		rc = rc ? rc : back;
	}
	/* What the kept report held and this one does not, gone. */
	if (!rc)
		output_remove_unwritten();
	output_sync_later(NULL);
	if (staged && (fflush(staged) != 0 || ferror(staged)) && !rc)
		rc = diag_set(d, DTI_EIO, "cannot list the files of '%s': %s", dir,
			      strerror(errno));
	if (!rc)
		rc = dir_replace(stage, dir, spare, d);
	/* Failed, the new folder is kept as the next publish's spare: its
	 * files, written or not, are as good to write over as the kept
	 * report's were (the next publish removes what it does not write),
	 * and without it that publish would make every file anew. */
	if (rc) {
		if (lstat(stage, &sb) != 0 || rename(stage, spare) != 0)
			dir_remove(stage);
		goto out;
	}
	/* The paths as they are now, under OUT/YEAR. */
	if (staged)
		rewind(staged);
	while (staged && (len = getline(&line, &cap, staged)) > 0) {
		if ((size_t)len >= n && strncmp(line, stage, n) == 0)
			fprintf(paths, "%s%s", dir, line + n);
		else
			fputs(line, paths);
	}
	if (report_index)
		*report_index = xasprintf("%s/report/index.html", dir);
out:
	if (staged)
		fclose(staged);
	free(line);
	free(stage);
	free(spare);
	free(dir);
	return rc;
}
