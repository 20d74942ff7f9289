/* history.h — where each commune of a run comes from, for the report
 * (docs/report.md "A province's ranking", "Year over year across the
 * reorganisation"):
 *
 *   place     its unit type (xã, phường, đặc khu, thị trấn) from the
 *             deployment's unit list, and the district(s) it was in: its
 *             own on the list before 1 July 2025, its predecessors' (the
 *             conversion table, lib/crosswalk.h) on the list after;
 *   past      its predecessors' official results of the year before, read
 *             from that year's database (the configuration's "previous"),
 *             and one comparison figure: history_weighted_mean.
 *
 * Identity across years is (unit list, code): a database records its list,
 * and the earlier database is read by the codes of its own list — through
 * the conversion table when it is the predecessor list, directly when it
 * is the same list.  Nothing is kept per run: each commune is looked up
 * when its row or page is written. */
#ifndef DTI_HISTORY_H
#define DTI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

typedef struct history history;

/* The most districts a place names (a new commune formed from units of
 * more districts names the first ones). */
#define HISTORY_DISTRICTS_MAX 8

/* Where a commune sits.  Strings are borrowed from the history. */
typedef struct history_place {
	const char *type;     /* the unit list's commune_type; NULL when not in the list */
	const char *province; /* its province's code; NULL when not in the list */
	size_t n_districts;
	const char *district_code[HISTORY_DISTRICTS_MAX];
	const char *district_name[HISTORY_DISTRICTS_MAX];
} history_place;

/* One predecessor (or, on the same list, the commune itself) and its
 * official result of the earlier year.  Strings are owned by the
 * comparison (history_cmp_free). */
typedef struct history_pred {
	char *code, *name; /* of the earlier year's list */
	char *district;    /* its district's name, "" when none */
	char *change;      /* the conversion table's words, "" on the same list */
	bool split;        /* it went to more than one new unit ("Nhập một phần") */
	bool unchecked;    /* its row's old code is not the named unit's (an error of
			    * the table no correction removed): its result unused */
	bool scored;       /* the earlier official result has it */
	double total;      /* its official total; NaN when not scored */
	long rank;         /* its rank then; 0 when not scored */
	double population; /* its scored `population` then; NaN when none */
} history_pred;

typedef enum {
	HISTORY_NONE,     /* no predecessor has an official total */
	HISTORY_WEIGHTED, /* population-weighted mean */
	HISTORY_PLAIN,    /* plain mean: a scored predecessor has no population */
} history_basis;

/* A commune's comparison with the earlier year. */
typedef struct history_cmp {
	history_pred *preds;
	size_t n;
	bool direct;     /* the same unit (same list, same code): compared directly */
	bool partial;    /* some predecessor was split */
	size_t n_scored; /* predecessors with an official total */
	double figure;   /* the comparison figure; NaN with HISTORY_NONE */
	history_basis basis;
} history_cmp;

/* The comparison figure of predecessors p[0 .. n-1] (only those scored
 * count): the mean of their totals weighted by their populations when
 * every one of them has a population above 0, else their plain mean
 * (*basis HISTORY_PLAIN), NaN when none is scored (HISTORY_NONE).  A split
 * predecessor counts with its whole population: the table says nothing of
 * how its people were divided.  Pure. */
/* The largest population taken as a weight: above it (no commune has a
 * hundred million people) the figure is the plain mean. */
#define HISTORY_MAX_POPULATION 1e8
double history_weighted_mean(const history_pred *p, size_t n, history_basis *basis);

/* Opens what the report of a run of `year` needs of the deployment c: its
 * unit list (config_units), the conversion table when the list has a
 * predecessor (crosswalk_env_open; without it the places of the new list
 * name no districts, with a warning), and the configuration's
 * "previous": {"database": FILE, "year": Y} (Y defaults to c->year - 1;
 * FILE relative to the configuration) when Y < year: opened read-only,
 * its unit list the same as c's or its predecessor (else DTI_ECONFIG
 * naming both), its year's official result looked up.  A malformed
 * "previous" is DTI_ECONFIG naming the key; an unreadable database DTI_EDB.
 * Caller closes *out with history_close (NULL-safe), also on error. */
dti_err history_open(config *c, int year, history **out, dti_diag *d);
void history_close(history *h);

/* The place of commune `code` (zeroed when the list does not have it). */
void history_place_of(const history *h, const char *code, history_place *out);

/* The earlier year compared ("previous"), 0 when none is configured for
 * this run; its unit list's id and whether it is the same as the run's. */
int history_prev_year(const history *h);
const char *history_prev_list(const history *h);
const char *history_list(const history *h);
/* The earlier year's official result: its run id (0: the year has none),
 * decision number and date (borrowed). */
int64_t history_prev_official(const history *h, const char **decision, const char **date);

/* The comparison of commune `code` with the earlier year: its predecessors
 * (through the conversion table) or itself (same list), each with its
 * official result when the year has one, and the figure.  Caller frees
 * *out with history_cmp_free, also on error (DTI_EDB when the earlier
 * database cannot be read). */
dti_err history_compare(history *h, const char *code, history_cmp *out, dti_diag *d);
void history_cmp_free(history_cmp *c);

#endif
