/* The operations subcommands: sources, paths, status, backup and
 * nightly-run (the nightly entry point's record).  docs/administrator.md "Operations". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "backup.h"
#include "cli.h"
#include "collector.h"
#include "log.h"
#include "store_score.h"
#include "store_status.h"
#include "table.h"
#include "text.h"
#include "util.h"

#define SHEET_PREFIX_DEFAULT "district-sheet:"
#define BACKUP_KEEP_DEFAULT 7
#define SOURCE_TIMEOUT_DEFAULT 3600

/* One source the nightly run reads: a configured collector block, or a
 * district office sheet file imported with `dti import`. */
typedef struct ops_source {
	char *name, *kind;
	const char *via; /* "collector" or "import" */
	char *input;     /* the sheet file for imports, NULL for collectors */
	double max_age;  /* hours; NaN when not configured */
} ops_source;

typedef struct ops_sources {
	ops_source *items;
	size_t count, cap;
} ops_sources;

static void sources_free(ops_sources *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].name);
		free(l->items[i].kind);
		free(l->items[i].input);
	}
	free(l->items);
	memset(l, 0, sizeof *l);
}

static ops_source *sources_add(ops_sources *l)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	memset(&l->items[l->count], 0, sizeof l->items[0]);
	l->items[l->count].max_age = NAN;
	return &l->items[l->count++];
}

static const ops_source *sources_find(const ops_sources *l, const char *name)
{
	for (size_t i = 0; i < l->count; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return &l->items[i];
	return NULL;
}

/* A source name is printed in tab-separated lines and logs. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 200)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static dti_err max_age_of(const config *c, json_t *obj, const char *where, double *out, dti_diag *d)
{
	json_t *v = json_object_get(obj, "max_age_hours");

	*out = NAN;
	if (!v)
		return DTI_EOK;
	if (!json_is_number(v) || json_number_value(v) <= 0)
		return diag_set(d, DTI_ECONFIG,
				"%s: %s: \"max_age_hours\" must be a positive number", c->path,
				where);
	*out = json_number_value(v);
	return DTI_EOK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The length of a district office sheet's extension (.csv, .xlsx, .ods:
 * what dti import reads), 0 for another file.  "~$x.xlsx" is the lock
 * file Excel leaves beside a workbook it has open, not a sheet. */
static size_t sheet_ext(const char *name)
{
	static const char *const ext[] = {".csv", ".xlsx", ".ods", NULL};
	size_t len = strlen(name);

	if (name[0] == '.' || strncmp(name, "~$", 2) == 0)
		return 0;
	for (size_t i = 0; ext[i]; i++) {
		size_t n = strlen(ext[i]);
		if (len > n && strcmp(name + len - n, ext[i]) == 0)
			return n;
	}
	return 0;
}

/* The district office sheets: every *.csv, *.xlsx and *.ods in
 * "district_sheets"."dir". */
static dti_err load_sheets(const config *c, ops_sources *out, dti_diag *d)
{
	json_t *sec = json_object_get(c->root, "district_sheets");
	json_t *pre;
	const char *prefix = SHEET_PREFIX_DEFAULT;
	char *dir = NULL, **files = NULL;
	size_t n = 0, cap = 0;
	double max_age;
	DIR *dh = NULL;
	struct dirent *e;
	dti_err rc = DTI_EOK;

	if (!sec)
		return DTI_EOK;
	if (!json_is_object(sec))
		return diag_set(d, DTI_ECONFIG, "%s: \"district_sheets\" must be an object",
				c->path);
	pre = json_object_get(sec, "source_prefix");
	if (pre && !json_is_string(pre))
		return diag_set(d, DTI_ECONFIG,
				"%s: \"district_sheets\".\"source_prefix\" must be a string",
				c->path);
	if (pre)
		prefix = json_string_value(pre);
	rc = max_age_of(c, sec, "\"district_sheets\"", &max_age, d);
	if (rc)
		return rc;
	dir = config_path(c, sec, "dir");
	if (!dir)
		return diag_set(d, DTI_ECONFIG, "%s: \"district_sheets\" needs \"dir\"", c->path);
	dh = opendir(dir);
	if (!dh) {
		rc = diag_set(d, DTI_ECONFIG,
			      "%s: \"district_sheets\": cannot read folder '%s': %s", c->path, dir,
			      strerror(errno));
		goto out;
	}
	while ((e = readdir(dh)) != NULL) {
		if (!sheet_ext(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			files = xrealloc(files, cap * sizeof *files);
		}
		files[n++] = xstrdup(e->d_name);
	}
	if (files)
		qsort(files, n, sizeof *files, cmp_str);
	for (size_t i = 0; i < n; i++) {
		ops_source *s = sources_add(out);
		s->name = xasprintf("%s%.*s", prefix, (int)(strlen(files[i]) - sheet_ext(files[i])),
				    files[i]);
		s->kind = xstrdup("sheet");
		s->via = "import";
		s->input = xasprintf("%s/%s", dir, files[i]);
		s->max_age = max_age;
		if (!name_ok(s->name)) {
			rc = diag_set(d, DTI_ECONFIG,
				      "%s: sheet '%s' gives an unusable source name", c->path,
				      s->input);
			goto out;
		}
	}
out:
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	if (dh)
		closedir(dh);
	free(dir);
	return rc;
}

/* Every source of the configuration, collectors first, then sheets.
 * Caller frees with sources_free (also on error). */
static dti_err load_sources(const config *c, ops_sources *out, dti_diag *d)
{
	json_t *arr = json_object_get(c->root, "sources");
	json_t *blk;
	size_t i;
	dti_err rc;

	if (arr && !json_is_array(arr))
		return diag_set(d, DTI_ECONFIG, "%s: \"sources\" must be an array", c->path);
	json_array_foreach(arr, i, blk)
	{
		const char *name = json_string_value(json_object_get(blk, "name"));
		const char *kind = json_string_value(json_object_get(blk, "kind"));
		char where[64];
		ops_source *s;

		snprintf(where, sizeof where, "\"sources\"[%zu]", i);
		if (!json_is_object(blk) || !name || !kind)
			return diag_set(d, DTI_ECONFIG, "%s: %s needs \"name\" and \"kind\"",
					c->path, where);
		if (!name_ok(name))
			return diag_set(
				d, DTI_ECONFIG,
				"%s: %s: \"name\" must be 1 to 200 characters without control characters",
				c->path, where);
		/* The kind names the program dti-collect-<kind>: only known kinds,
		 * so it can never be a path. */
		if (!collector_kind_known(kind))
			return diag_set(
				d, DTI_ECONFIG,
				"%s: %s (%s): \"kind\" must be portal, telecom, postal, onetouch or sheet",
				c->path, where, name);
		if (sources_find(out, name))
			return diag_set(d, DTI_ECONFIG, "%s: %s: source name '%s' is used twice",
					c->path, where, name);
		s = sources_add(out);
		s->name = xstrdup(name);
		s->kind = xstrdup(kind);
		s->via = "collector";
		rc = max_age_of(c, blk, where, &s->max_age, d);
		if (rc)
			return rc;
	}
	i = out->count;
	rc = load_sheets(c, out, d);
	if (rc)
		return rc;
	for (; i < out->count; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(out->items[i].name, out->items[j].name) == 0)
				return diag_set(
					d, DTI_ECONFIG,
					"%s: sheet source '%s' clashes with a configured source",
					c->path, out->items[i].name);
	return DTI_EOK;
}

/* "no configured source is named 'x'", with the nearest name. */
static int no_such_source(const ops_sources *l, const char *name)
{
	const char **names = xcalloc(l->count + 1, sizeof *names);
	const char *near;
	char *shown = text_printable(xstrdup(name));

	for (size_t i = 0; i < l->count; i++)
		names[i] = l->items[i].name;
	near = text_nearest(name, names, l->count);
	if (near)
		log_error("no configured source is named '%s'; did you mean '%s'?", shown, near);
	else
		log_error("no configured source is named '%s' (see 'dti sources')", shown);
	free(shown);
	free(names);
	return EXIT_USAGE;
}

int cmd_sources(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"only", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	const char *only = NULL;
	ops_sources l = {0};
	table *t;
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;
	size_t shown = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		if (c == 'o')
			only = optarg;
		else
			return option_error(opts, argv);
	}
	if (optind < argc)
		return usage_error("no arguments expected");
	rc = load_sources(a->cfg, &l, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	t = table_open(stdout, 4);
	for (size_t i = 0; i < l.count; i++) {
		const ops_source *s = &l.items[i];
		if (only && strcmp(only, s->name) != 0)
			continue;
		table_rowv(t, s->name, s->kind, s->via, s->input ? s->input : "-");
		shown++;
	}
	table_close(t);
	if (only && shown == 0) {
		code = no_such_source(&l, only);
	}
out:
	sources_free(&l);
	return code;
}

/* dirname(database)/name, or name when the path has no folder. */
static char *beside_database(const char *db, const char *name)
{
	const char *slash = strrchr(db, '/');

	if (!slash)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - db), db, name);
}

static const char *database_of(const app *a)
{
	return a->db_path ? a->db_path : a->cfg->database;
}

static char *lock_file_of(const app *a)
{
	char *p = config_path(a->cfg, a->cfg->root, "lock_file");

	return p ? p : beside_database(database_of(a), "dti-nightly.lock");
}

/* The backup folder and retention: "backup": {"dir", "keep"}.  *dir is NULL
 * when the configuration has no backup folder. */
static dti_err backup_config(const app *a, char **dir, int64_t *keep, dti_diag *d)
{
	json_t *sec = json_object_get(a->cfg->root, "backup");
	json_t *k = json_object_get(sec, "keep");

	*dir = NULL;
	*keep = BACKUP_KEEP_DEFAULT;
	if (sec && !json_is_object(sec))
		return diag_set(d, DTI_ECONFIG, "%s: \"backup\" must be an object", a->cfg->path);
	if (k &&
	    (!json_is_integer(k) || json_integer_value(k) < 1 || json_integer_value(k) > 10000))
		return diag_set(d, DTI_ECONFIG,
				"%s: \"backup\".\"keep\" must be an integer from 1 to 10000",
				a->cfg->path);
	if (k)
		*keep = json_integer_value(k);
	*dir = config_path(a->cfg, sec, "dir");
	return DTI_EOK;
}

int cmd_paths(app *a, int argc, char **argv)
{
	json_t *t = json_object_get(a->cfg->root, "source_timeout_seconds");
	char *lock = NULL, *bdir = NULL, year[24], keep_s[24], timeout[24];
	int64_t keep;
	table *tab;
	dti_diag d;
	dti_err rc;
	int code = EXIT_OK;

	(void)argv;
	if (argc > 1)
		return usage_error("no arguments expected");
	if (t && (!json_is_integer(t) || json_integer_value(t) < 1)) {
		log_error("%s: \"source_timeout_seconds\" must be a positive integer",
			  a->cfg->path);
		return EXIT_CONFIG;
	}
	rc = backup_config(a, &bdir, &keep, &d);
	if (rc)
		return fail(rc, &d);
	lock = lock_file_of(a);
	format_whole(year, a->year);
	format_whole(keep_s, keep);
	format_whole(timeout, t ? json_integer_value(t) : SOURCE_TIMEOUT_DEFAULT);
	tab = table_open(stdout, 2);
	table_rowv(tab, "config", a->cfg->path);
	table_rowv(tab, "year", year);
	table_rowv(tab, "database", database_of(a));
	table_rowv(tab, "output_dir", a->cfg->output_dir);
	table_rowv(tab, "log_file", a->cfg->log_file ? a->cfg->log_file : "");
	table_rowv(tab, "lock_file", lock);
	table_rowv(tab, "backup_dir", bdir ? bdir : "");
	table_rowv(tab, "backup_keep", keep_s);
	table_rowv(tab, "source_timeout_seconds", timeout);
	table_close(tab);
	free(lock);
	free(bdir);
	return code;
}

int cmd_backup(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"keep", required_argument, NULL, 'k'},
					     {"out", required_argument, NULL, 'o'},
					     {NULL, 0, NULL, 0}};
	char *dir = NULL;
	const char *out_dir = NULL;
	int64_t keep = 0, cfg_keep;
	backup_result r = {NULL, 0};
	dti_diag d;
	dti_err rc;
	int c, code = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+k:o:", opts, NULL)) != -1) {
		if (c == 'k' && (!parse_i64(optarg, &keep) || keep < 1 || keep > 10000))
			return usage_error("--keep takes a number from 1 to 10000");
		else if (c == 'o')
			out_dir = optarg;
		else if (c != 'k')
			return option_error(opts, argv);
	}
	if (optind < argc)
		return usage_error("no arguments expected");
	rc = backup_config(a, &dir, &cfg_keep, &d);
	if (rc)
		return fail(rc, &d);
	if (!keep)
		keep = cfg_keep;
	if (out_dir) {
		free(dir);
		dir = xstrdup(out_dir);
	} else if (!dir) {
		dir = beside_database(database_of(a), "backup");
	}
	rc = backup_write(a->st, dir, (int)keep, &r, &d);
	if (r.path)
		printf("%s\n", r.path);
	if (rc) {
		code = fail(rc, &d);
	} else {
		log_info("backup %s written and checked; %d older backup%s removed (keeping %lld)",
			 r.path, r.removed, r.removed == 1 ? "" : "s", (long long)keep);
	}
	backup_result_free(&r);
	free(dir);
	return code;
}

/* Whether a process holds the nightly lock: 1 held, 0 free or absent. */
static int lock_held(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int held = 0;

	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
		held = 1;
	close(fd);
	return held;
}

/* A source's state: the one vocabulary of `dti status`, its --summary and
 * the nightly summary (docs/administrator.md "Source states"; the view source_status
 * says the same but running, which it does not know).  In the order the
 * summary counts them. */
enum source_state {
	STATE_OK,
	STATE_RUNNING,
	STATE_WARNING,
	STATE_STALE,
	STATE_FAILING,
	STATE_FAILING_STALE,
	N_STATES
};
static const char *const state_words[N_STATES] = {"ok",    "running", "warning",
						  "stale", "failing", "failing,stale"};

/* What `dti status` gathers: the sources by state and what needs
 * attention. */
typedef struct status_ctx {
	staging *st;
	bool summary;             /* --summary: the one line only */
	size_t count[N_STATES];   /* configured sources in each state */
	strbuf names[N_STATES];   /* their names, ", " between */
	strbuf problems, retired; /* what needs attention; sources no longer configured */
	strbuf scoring;           /* the scoring phrase */
	int bad;                  /* how many problems */
	table *t;                 /* the sources table while it is printed */
} status_ctx;

static void problem(status_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(status_ctx *c, const char *fmt, ...)
{
	va_list ap;

	sb_appends(&c->problems, c->problems.len ? ", " : "");
	va_start(ap, fmt);
	sb_vappendf(&c->problems, fmt, ap);
	va_end(ap);
	c->bad++;
}

/* The state of one source from its latest run and its last success. */
static enum source_state source_state(const char *last_status, double age_h, double max_age,
				      bool warned)
{
	bool stale = isnan(age_h) || (!isnan(max_age) && age_h > max_age);

	if (strcmp(last_status, "failed") == 0)
		return stale ? STATE_FAILING_STALE : STATE_FAILING;
	if (stale)
		return STATE_STALE;
	if (strcmp(last_status, "running") == 0)
		return STATE_RUNNING;
	return warned ? STATE_WARNING : STATE_OK;
}

/* text on one line, printable, at most about 300 bytes (malloc'd). */
static char *one_line(const char *text)
{
	char *t = text_printable(xstrdup(text)); /* errors stored by an older dti */

	for (char *p = t; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (strlen(t) > 300) {
		size_t k = 296;
		while (k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80)
			k--; /* not inside a UTF-8 character */
		memcpy(t + k, "...", 4);
	}
	return t;
}

/* One configured source: its line of the table (unless --summary), its
 * state counted. */
static dti_err status_line(status_ctx *c, const char *name, const char *kind, double cfg_max,
			   dti_diag *d)
{
	const char *last_run = "never", *last_status = "", *last_success = "never", *why = "";
	char age[32] = "-", max[32] = "-";
	double max_age = cfg_max, age_h = NAN;
	store_freshness f;
	bool found = false;
	enum source_state state;
	char *why1;
	dti_err rc = store_source_freshness(c->st, name, &f, &found, d);

	if (rc)
		goto out;
	if (found) {
		if (f.last_run)
			last_run = f.last_run;
		last_status = f.last_status ? f.last_status : "";
		if (f.last_success)
			last_success = f.last_success;
		age_h = f.age_hours;
		if (isnan(max_age))
			max_age = f.max_age_hours;
	}
	if (!isnan(age_h))
		snprintf(age, sizeof age, "%.1f", age_h);
	if (!isnan(max_age))
		snprintf(max, sizeof max, "%g", max_age);
	state = source_state(last_status, age_h, max_age, f.last_warning != NULL);
	if (state == STATE_WARNING)
		why = f.last_warning;
	else if (state != STATE_OK && state != STATE_RUNNING && f.last_error)
		why = f.last_error;
	why1 = one_line(why);
	if (c->t) {
		char age_max[72];
		snprintf(age_max, sizeof age_max, "%s/%s", age, max);
		table_rowv(c->t, name, kind, state_words[state], last_run,
			   *last_status ? last_status : "-", last_success, age_max, why1);
	}
	free(why1);
	c->count[state]++;
	sb_appendf(&c->names[state], "%s%s", c->names[state].len ? ", " : "", name);
	if (state != STATE_OK && state != STATE_RUNNING)
		problem(c, "%s (%s)", name, state_words[state]);
out:
	store_freshness_free(&f);
	return rc;
}

/* The configured sources in order, then, apart, the names of those the
 * database knows that the configuration no longer has: they are no
 * sources any more, their runs and values are kept. */
static dti_err status_sources(status_ctx *c, const ops_sources *l, dti_diag *d)
{
	store_source_names known = {0};
	dti_err rc = DTI_EOK;

	if (!c->summary) {
		c->t = table_open(stdout, 8);
		table_rowv(c->t, "source", "kind", "state", "last_run", "last_status",
			   "last_success", "age_h/max_h", "problem");
	}
	for (size_t i = 0; !rc && i < l->count; i++)
		rc = status_line(c, l->items[i].name, l->items[i].kind, l->items[i].max_age, d);
	table_close(c->t);
	c->t = NULL;
	if (!rc)
		rc = store_source_names_list(c->st, &known, d);
	for (size_t i = 0; !rc && i < known.n; i++)
		if (!sources_find(l, known.names[i]))
			sb_appendf(&c->retired, "%s%s", c->retired.len ? ", " : "", known.names[i]);
	store_source_names_free(&known);
	return rc;
}

/* The official line: the year's approved run, or none yet (not a problem). */
static dti_err status_official(app *a, dti_diag *d)
{
	store_approval ap;
	bool found = false;
	dti_err rc = store_approval_current(a->st, a->year, &ap, &found, d);

	if (!rc && found)
		printf("official:  run %lld, decision %s of %s, approved by %s at %s\n",
		       (long long)ap.scoring_run_id, ap.decision, ap.decision_date, ap.by, ap.at);
	else if (!rc)
		printf("official:  none for %d\n", a->year);
	return rc;
}

/* "13 ok, 1 warning (telecom:vnpt), 1 failing (portal:dvc)" into out. */
static void sources_phrase(const status_ctx *c, strbuf *out)
{
	size_t n = 0;

	for (int k = 0; k < N_STATES; k++) {
		if (!c->count[k])
			continue;
		sb_appendf(out, "%s%zu %s", n ? ", " : "", c->count[k], state_words[k]);
		if (k != STATE_OK)
			sb_appendf(out, " (%s)", c->names[k].data);
		n += c->count[k];
	}
	if (n == 0)
		sb_appends(out, "none configured");
}

/* The year's latest scoring run as a phrase in c->scoring (its line of
 * the status unless --summary): most of its inputs missing is a problem. */
static dti_err status_scoring(app *a, status_ctx *c, dti_diag *d)
{
	store_scoring_run sr;
	int64_t missing = 0, total = 0;
	bool found = false;
	dti_err rc = store_latest_scoring_run(a->st, a->year, &sr, &found, d);

	if (!rc && found)
		rc = store_scoring_missing(a->st, sr.id, &missing, &total, d);
	if (rc)
		return rc;
	if (!found) {
		sb_appendf(&c->scoring, "none for %d", a->year);
		problem(c, "no scoring run for %d", a->year);
	} else {
		int pct = total ? (int)(100.0 * (double)missing / (double)total + 0.5) : 0;
		sb_appendf(&c->scoring, "run %lld (%s, %lld communes)", (long long)sr.id, sr.mode,
			   (long long)sr.communes);
		if (2 * missing > total) {
			sb_appendf(&c->scoring, " scored with %d%% of inputs missing", pct);
			problem(c, "scoring run %lld scored with %d%% of inputs missing",
				(long long)sr.id, pct);
		} else if (missing) {
			sb_appendf(&c->scoring, ", %d%% of inputs missing", pct);
		}
	}
	if (!c->summary && found)
		printf("scoring:   %s, year %d, finished %s\n", c->scoring.data, a->year,
		       *sr.finished_at ? sr.finished_at : sr.started_at);
	else if (!c->summary)
		printf("scoring:   %s\n", c->scoring.data);
	return DTI_EOK;
}

/* The published, nightly and backup lines. */
static dti_err status_runs(app *a, status_ctx *c, dti_diag *d)
{
	store_published pub = {0};
	store_nightly nr = {0};
	bool found = false, published = false;
	char *lock = NULL;
	dti_err rc = store_nightly_published(a->st, a->year, &pub, &published, d);

	if (rc)
		goto out;
	rc = status_official(a, d);
	if (rc)
		goto out;
	if (published)
		printf("published: %s by %s (nightly run %lld, scoring run %lld)\n",
		       pub.published_at, pub.program, (long long)pub.nightly_id,
		       (long long)pub.scoring_run_id);
	else
		printf("published: never by the nightly run for %d\n", a->year);
	rc = store_nightly_latest(a->st, a->year, &nr, &found, d);
	if (rc)
		goto out;
	if (found) {
		const char *st = nr.status;
		lock = lock_file_of(a);
		if (strcmp(st, "running") == 0 && !lock_held(lock)) {
			st = "interrupted";
			problem(c, "last nightly run was %s", st);
		} else if (strcmp(st, "failed") == 0 || strcmp(st, "interrupted") == 0) {
			problem(c, "last nightly run %s", st);
		}
		printf("nightly:   run %lld %s (exit %lld), started %s, finished %s, %lld sources "
		       "collected, %lld failed%s%s%s%s\n",
		       (long long)nr.id, st, (long long)nr.exit_code, nr.started_at,
		       *nr.finished_at ? nr.finished_at : "-", (long long)nr.sources_ok,
		       (long long)nr.sources_failed, *nr.failed_sources ? ": " : "",
		       nr.failed_sources, *nr.only_source ? ", only " : "", nr.only_source);
	} else {
		printf("nightly:   never run for %d\n", a->year);
	}
	/* Read again: the nightly run may have published in the meantime. */
	store_published_free(&pub);
	rc = store_nightly_published(a->st, a->year, &pub, &published, d);
	if (!rc && published && *pub.backup_file)
		printf("backup:    %s\n", pub.backup_file);
out:
	store_published_free(&pub);
	store_nightly_free(&nr);
	free(lock);
	return rc;
}

static void status_ctx_free(status_ctx *c)
{
	for (int k = 0; k < N_STATES; k++)
		sb_free(&c->names[k]);
	sb_free(&c->problems);
	sb_free(&c->retired);
	sb_free(&c->scoring);
}

/* The sources and scoring lines (or, with --summary, the one line the
 * nightly summary quotes). */
static void status_print_summary(const status_ctx *c)
{
	strbuf sources;

	sb_init(&sources, 1 << 16);
	sources_phrase(c, &sources);
	if (c->summary) {
		printf("sources %s; scoring %s\n", sources.data, c->scoring.data);
	} else {
		printf("sources:   %s\n", sources.data);
		if (c->retired.len)
			printf("retired:   %s (no longer configured; their runs and values are "
			       "kept)\n",
			       c->retired.data);
	}
	sb_free(&sources);
}

int cmd_status(app *a, int argc, char **argv)
{
	ops_sources l = {0};
	status_ctx c;
	int code = EXIT_OK;
	dti_diag d;
	dti_err rc;

	memset(&c, 0, sizeof c);
	c.st = a->st;
	if (argc == 2 && strcmp(argv[1], "--summary") == 0)
		c.summary = true;
	else if (argc > 1)
		return usage_error("the one option is --summary");
	for (int k = 0; k < N_STATES; k++)
		sb_init(&c.names[k], 1 << 16);
	sb_init(&c.problems, 1 << 16);
	sb_init(&c.retired, 1 << 16);
	sb_init(&c.scoring, 4096);
	rc = load_sources(a->cfg, &l, &d);
	if (!rc)
		rc = status_sources(&c, &l, &d);
	if (!rc && !c.summary) {
		printf("\n");
		status_print_summary(&c);
	}
	if (!rc)
		rc = status_scoring(a, &c, &d);
	if (!rc && !c.summary)
		rc = status_runs(a, &c, &d);
	if (rc) {
		code = fail(rc, &d);
		goto out;
	}
	if (c.summary)
		status_print_summary(&c);
	else if (c.bad)
		printf("status:    ATTENTION: %s\n", c.problems.data);
	else
		printf("status:    ok\n");
	if (c.bad)
		code = EXIT_REFUSED;
out:
	sources_free(&l);
	status_ctx_free(&c);
	return code;
}

/* Every configured source into the source table with its maximum age, so
 * that source_freshness and source_status (and the report) know each one,
 * including those that never succeeded.  Inside the caller's transaction. */
static dti_err sync_sources(app *a, const ops_sources *l, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	for (size_t i = 0; !rc && i < l->count; i++) {
		int64_t id = 0;
		rc = staging_source(a->st, l->items[i].name, l->items[i].kind, &id, d);
		if (!rc)
			rc = staging_source_set_max_age(a->st, l->items[i].name,
							l->items[i].max_age, d);
	}
	return rc;
}

static dti_err nightly_start(app *a, const char *only, int64_t *id, dti_diag *d)
{
	ops_sources l = {0};
	char now[32];
	dti_err rc;

	now_iso(now);
	rc = load_sources(a->cfg, &l, d);
	if (!rc)
		rc = staging_begin(a->st, d);
	if (!rc)
		rc = sync_sources(a, &l, d);
	sources_free(&l);
	if (!rc)
		rc = store_nightly_open(a->st, a->year, only, now, id, d);
	if (!rc)
		rc = staging_commit(a->st, d);
	if (rc)
		staging_rollback(a->st);
	return rc;
}

static dti_err nightly_finish(app *a, const store_nightly_end *e, dti_diag *d)
{
	char now[32];

	now_iso(now);
	return store_nightly_close(a->st, e, now, d);
}

int cmd_nightly_run(app *a, int argc, char **argv)
{
	static const struct option opts[] = {{"only", required_argument, NULL, 'o'},
					     {"status", required_argument, NULL, 's'},
					     {"exit", required_argument, NULL, 'e'},
					     {"ok", required_argument, NULL, 'k'},
					     {"failed", required_argument, NULL, 'f'},
					     {"failed-sources", required_argument, NULL, 'F'},
					     {"published", required_argument, NULL, 'p'},
					     {"backup", required_argument, NULL, 'b'},
					     {"summary", required_argument, NULL, 'S'},
					     {"source", required_argument, NULL, 'n'},
					     {"kind", required_argument, NULL, 'K'},
					     {"error", required_argument, NULL, 'E'},
					     {NULL, 0, NULL, 0}};
	static const char *const statuses[] = {"ok", "partial", "failed", "interrupted"};
	store_nightly_end e = {0, -1, 0, 0, NULL, NULL, NULL, NULL, NULL};
	const char *only = NULL, *source = NULL, *kind = NULL, *error = NULL;
	bool start, status_ok = false;
	dti_diag d;
	dti_err rc;
	int c;

	if (argc < 2 || (strcmp(argv[1], "start") != 0 && strcmp(argv[1], "finish") != 0 &&
			 strcmp(argv[1], "fail-source") != 0))
		return usage_error("say 'start', 'finish ID' or 'fail-source'");
	start = strcmp(argv[1], "start") == 0;
	if (strcmp(argv[1], "finish") == 0) {
		/* finish ID [options] */
		if (argc < 3 || !parse_i64(argv[2], &e.id) || e.id <= 0)
			return usage_error("name the run ID that 'start' printed");
		optind = 3;
	} else {
		optind = 2;
	}
	while ((c = getopt_long(argc, argv, "+o:s:e:k:f:F:p:b:S:n:K:E:", opts, NULL)) != -1) {
		switch (c) {
		case 'n': source = optarg; break;
		case 'K': kind = optarg; break;
		case 'E': error = optarg; break;
		case 'o': only = optarg; break;
		case 's': e.status = optarg; break;
		case 'e':
			if (!parse_i64(optarg, &e.exit_code) || e.exit_code > 255)
				return usage_error("--exit takes an exit code");
			break;
		case 'k':
			if (!parse_i64(optarg, &e.ok))
				return usage_error("--ok takes a count");
			break;
		case 'f':
			if (!parse_i64(optarg, &e.failed))
				return usage_error("--failed takes a count");
			break;
		case 'F': e.failed_sources = optarg; break;
		case 'p': e.published = optarg; break;
		case 'b': e.backup = optarg; break;
		case 'S': e.summary = optarg; break;
		default: return option_error(opts, argv);
		}
	}
	if (strcmp(argv[1], "fail-source") == 0) {
		/* A failure the source's program could not record itself. */
		int64_t sid = 0;
		if (!source || !kind || !error || optind != argc)
			return usage_error("--source, --kind and --error are required");
		rc = staging_source(a->st, source, kind, &sid, &d);
		if (!rc)
			rc = staging_run_record(a->st, sid, "dti-nightly", a->year, NULL, "failed",
						NULL, error, NULL, NULL, &d);
		return rc ? fail(rc, &d) : EXIT_OK;
	}
	if (start) {
		int64_t id = 0;
		if (optind != argc)
			return usage_error("no arguments expected");
		rc = nightly_start(a, only, &id, &d);
		if (rc)
			return fail(rc, &d);
		printf("%lld\n", (long long)id);
		return EXIT_OK;
	}
	if (optind != argc)
		return usage_error("unexpected argument");
	for (size_t i = 0; e.status && i < sizeof statuses / sizeof statuses[0]; i++)
		status_ok = status_ok || strcmp(e.status, statuses[i]) == 0;
	if (!status_ok || e.exit_code < 0)
		return usage_error(
			"--status ok|partial|failed|interrupted and --exit N are required");
	rc = nightly_finish(a, &e, &d);
	return rc ? fail(rc, &d) : EXIT_OK;
}
