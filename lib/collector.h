/* collector.h — what every collector program shares: its options, the
 * configuration's "sources" blocks of its kind, fetching (lib/fetch.h),
 * mapping (lib/mapping.h), and storing each source's run as one batch
 * (lib/batch.h) with its raw payload.  A program is a collector_def and a
 * call to collector_main. */
#ifndef DTI_COLLECTOR_H
#define DTI_COLLECTOR_H

#include <jansson.h>
#include <stdbool.h>

#include "batch.h"
#include "config.h"
#include "fetch.h"
#include "framework.h"
#include "staging.h"
#include "units.h"

/* Whether `kind` is a source kind with a collector program
 * (dti-collect-<kind>): portal, telecom, postal, onetouch, sheet. */
bool collector_kind_known(const char *kind);

/* Checks every named block of the configuration's "sources" for the values
 * that must be well formed whenever they are given (URL scheme, fetch
 * limits of the block and of "collect", ca_file, cross_origin, method,
 * headers, auth), as every program's start-up does (lib/app.h): a typo in
 * any block is refused by any command.  What only a run needs (a "url",
 * "max_age_hours", a readable CA file or credential, a mapping the
 * framework accepts) is checked when the source runs; names and kinds by
 * each consumer.  d names the first bad block; DTI_ECONFIG. */
dti_err collector_check_sources(const config *c, dti_diag *d);

/* A source block, resolved.  Strings are owned by the collector core. */
typedef struct collector_source {
	json_t *block; /* the block (borrowed from the configuration) */
	const char *name, *kind;
	char *url; /* file: paths resolved against the config folder */
	double max_age_hours;
	fetch_opts fetch; /* headers, method, timeouts, caps for this source */
	char **headers;   /* owned lines behind fetch.headers */
	size_t n_headers;
	char *body_template; /* POST body before expansion, or NULL */
	char *auth_error;    /* why a credential could not be read, or NULL */
	char *ca_file;       /* resolved against the config folder, or NULL */
	/* Set before collecting: the batch_basis of this run, the payload hash
	 * and basis of the last stored run ("" when none), and whether to read
	 * the whole source again (--force, or a basis other than the last
	 * stored run's: the remembered validators no longer apply). */
	char basis[65], last_sha[65], last_basis[65];
	bool refetch;
	bool old_codes; /* keyed to the list before the deployment's (lib/oldcodes.h) */
} collector_source;

/* The context a run has. */
typedef struct collector_env {
	const char *program;
	config *cfg;
	framework *fw;
	staging *st;
	const units *units; /* national list, loaded only when a {district} template needs it */
	const commune_list *active;
	const struct oldcodes *oldcodes; /* when a source is keyed to the older list */
	int year;
	bool dry_run;
	bool force;       /* --force: store even what is unchanged */
	char *config_dir; /* absolute */
} collector_env;

/* What collecting one source produced.  Every field is owned by the core,
 * which frees it after storing. */
typedef struct collector_result {
	bool not_modified;          /* 304: nothing read */
	char *error;                /* failure text (fetch, parse or problems), or NULL */
	strbuf payload;             /* raw bytes kept with the run (may stay empty) */
	char *input;                /* what was read, for the run record */
	char *etag, *last_modified; /* validators to remember after storing */
	char *note;                 /* extra words for the summary line, or NULL */
} collector_result;

/* Collects one source into b (values validated; counts set).  On failure
 * sets res->error; nothing is stored by the collect function itself. */
typedef void (*collector_collect_fn)(const collector_env *env, const collector_source *src,
				     const commune_index *ix, batch *b, collector_result *res);

/* A collector program.  Its --help is the help text of its program name
 * and the collectors' common one, in man/dti-collect.1.md (lib/help.h). */
typedef struct collector_def {
	const char *program;          /* "dti-collect-telecom" */
	const char *kind;             /* "telecom" */
	collector_collect_fn collect; /* NULL: the generic fetch-and-map run */
} collector_def;

/* The conditional-GET validators to send for src (staging_source_validators),
 * or none when src->refetch.  Caller frees both. */
dti_err collector_validators(const collector_env *env, const collector_source *src, char **etag,
			     char **last_modified, dti_diag *d);

/* Parses options, loads configuration, framework and database, runs every
 * source of def->kind (or the one named by --source), prints one summary
 * line per source on stdout and returns the exit code. */
int collector_main(const collector_def *def, int argc, char **argv);

/* The generic run: URL templates over communes/districts fetched in
 * parallel, pagination, conditional GET, then lib/mapping.h. */
void collector_collect_generic(const collector_env *env, const collector_source *src,
			       const commune_index *ix, batch *b, collector_result *res);

/* Expands {year}, {commune}, {commune_name}, {district}, {page} and
 * {config_dir} in a template; other braces stay as they are.  NULL values
 * leave their placeholder.  malloc'd. */
char *collector_expand(const char *tmpl, int year, const char *commune, const char *commune_name,
		       const char *district, long page, const char *config_dir, bool url_escape);

/* Local path of a file: URL (malloc'd), or NULL for other schemes. */
char *collector_file_path(const char *url);

#endif
