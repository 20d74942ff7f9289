/* history.c — the places and the earlier year's results of a run's
 * communes (see history.h). */
#include "history.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crosswalk.h"
#include "editions.h"
#include "log.h"
#include "staging.h"
#include "store_commune.h"
#include "store_history.h"
#include "store_score.h"
#include "strmap.h"
#include "text.h"
#include "util.h"

struct history {
	const units *list;           /* the deployment's (borrowed from the config) */
	const unit_edition *edition; /* its edition */
	crosswalk_env x;             /* x.x NULL: no conversion table */
	struct row_key *by_new;      /* the rows of x.x by new code */
	size_t n_rows;
	strmap old_rows; /* old code -> the number of rows naming it */
	/* The earlier year ("previous"), prev_year 0 when none. */
	int prev_year;
	staging *prev;
	char *prev_list;
	bool same_list;
	store_approval official; /* scoring_run_id 0: the year has none */
	/* Each earlier unit's result as read once (prev_unit_of): a publish
	 * compares each commune on its page, in every ranking that lists it
	 * and on the comparison page. */
	strmap read_index; /* old code -> its index in read */
	struct prev_unit *read;
	size_t n_read, cap_read;
};

/* An earlier unit's official result as read; found false: the run has none. */
typedef struct prev_unit {
	bool found;
	store_history_unit u;
} prev_unit;

double history_weighted_mean(const history_pred *p, size_t n, history_basis *basis)
{
	double sum = 0, weighted = 0, weights = 0;
	size_t scored = 0;
	bool weighable = true;

	for (size_t i = 0; i < n; i++) {
		if (!p[i].scored || isnan(p[i].total))
			continue;
		scored++;
		sum += p[i].total;
		/* A weight must be a count of people: none, 0, negative, infinite
		 * or past any commune's (a hostile earlier database) gives the
		 * plain mean rather than inf/inf. */
		if (!isfinite(p[i].population) || !(p[i].population > 0) ||
		    p[i].population > HISTORY_MAX_POPULATION) {
			weighable = false;
			continue;
		}
		weighted += p[i].population * p[i].total;
		weights += p[i].population;
	}
	if (scored == 0) {
		*basis = HISTORY_NONE;
		return NAN;
	}
	if (weighable && weights > 0 && isfinite(weighted / weights)) {
		*basis = HISTORY_WEIGHTED;
		return weighted / weights;
	}
	*basis = HISTORY_PLAIN;
	return sum / (double)scored;
}

/* ---- the conversion table, by new code -------------------------------- */

static const crosswalk *table_of(const history *h)
{
	return h->x.x;
}

/* A row of the table by its new code. */
typedef struct row_key {
	const char *new_code;
	size_t row;
} row_key;

static int cmp_new_code(const void *a, const void *b)
{
	const row_key *x = a, *y = b;
	int c = strcmp(x->new_code, y->new_code);

	return c ? c : (x->row > y->row) - (x->row < y->row);
}

static void index_table(history *h)
{
	const crosswalk *x = table_of(h);

	h->n_rows = crosswalk_count(x);
	h->by_new = xcalloc(h->n_rows + 1, sizeof *h->by_new);
	for (size_t i = 0; i < h->n_rows; i++) {
		const crosswalk_row *w = crosswalk_at(x, i);
		intptr_t n = 0;
		h->by_new[i].new_code = w->new_code;
		h->by_new[i].row = i;
		if (!*w->old_code)
			continue;
		strmap_get(&h->old_rows, w->old_code, &n);
		strmap_put(&h->old_rows, w->old_code, n + 1);
	}
	qsort(h->by_new, h->n_rows, sizeof *h->by_new, cmp_new_code);
}

/* The first position in by_new of the rows of new unit `code`; n_rows
 * when none. */
static size_t rows_of(const history *h, const char *code)
{
	size_t lo = 0, hi = h->n_rows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(h->by_new[mid].new_code, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n_rows && strcmp(h->by_new[lo].new_code, code) == 0 ? lo : h->n_rows;
}

/* ---- opening ---------------------------------------------------------- */

/* The configuration's "previous": its year (0 when absent) and database. */
static dti_err previous_config(config *c, int *year, char **db, dti_diag *d)
{
	json_t *p = json_object_get(c->root, "previous");
	json_t *y = json_object_get(p, "year");
	const char *key;
	json_t *v;

	*year = 0;
	*db = NULL;
	if (!p || json_is_null(p))
		return DTI_EOK;
	if (!json_is_object(p))
		return diag_set(d, DTI_ECONFIG,
				"%s: \"previous\" must be {\"database\": FILE, \"year\": YEAR}",
				c->path);
	json_object_foreach(p, key, v)
	{
		if (strcmp(key, "database") != 0 && strcmp(key, "year") != 0)
			return diag_set(d, DTI_ECONFIG, "%s: \"previous\": unknown key \"%s\"",
					c->path, key);
	}
	if (y && (!json_is_integer(y) || !year_valid(json_integer_value(y)) ||
		  json_integer_value(y) >= c->year))
		return diag_set(d, DTI_ECONFIG,
				"%s: \"previous\": \"year\" must be a year before %d", c->path,
				c->year);
	*db = config_path(c, p, "database");
	if (!*db)
		return diag_set(d, DTI_ECONFIG, "%s: \"previous\": \"database\" is required",
				c->path);
	*year = y ? (int)json_integer_value(y) : c->year - 1;
	return DTI_EOK;
}

/* The earlier database's communes named as its own list names them: a
 * database labelled with one list but holding another's codes (11992 is
 * Chỉ Đạo on the old list, Lạc Đạo on the new) would compare unrelated
 * communes.  Refused when half of them or more differ; a name or two
 * spelt otherwise is only warned of. */
static dti_err check_prev_names(history *h, const units *own, const char *db, dti_diag *d)
{
	commune_list l = {0};
	size_t bad = 0;
	strbuf first;
	dti_err rc;

	if (!own)
		return DTI_EOK;
	rc = staging_active_communes(h->prev, &l, d);
	if (rc) {
		commune_list_free(&l);
		return DTI_EDB;
	}
	sb_init(&first, 0);
	for (size_t i = 0; i < l.count; i++) {
		const admin_unit *u = units_find(own, l.items[i].code);
		if (u && text_same_name(u->name, l.items[i].name))
			continue;
		if (bad++ < 3)
			sb_appendf(&first, "%s%s %s (the list: %s)", first.len ? "; " : "",
				   l.items[i].code, l.items[i].name, u ? u->name : "no such code");
	}
	if (bad && bad * 2 >= l.count && l.count >= 2)
		rc = diag_set(
			d, DTI_ECONFIG,
			"\"previous\": database '%s' says it is on the unit list %s, but %zu of "
			"its %zu communes are not named as that list names them (%s): it "
			"holds another list's codes",
			db, h->prev_list, bad, l.count, first.data ? first.data : "");
	else if (bad)
		log_warn("\"previous\": database '%s': %zu commune%s named otherwise than the unit "
			 "list %s: %s",
			 db, bad, bad == 1 ? "" : "s", h->prev_list, first.data ? first.data : "");
	sb_free(&first);
	commune_list_free(&l);
	return rc;
}

/* The earlier database: read-only, its list ours or our predecessor (its
 * communes named as that list names them), its year's official result. */
static dti_err open_previous(history *h, const char *db, dti_diag *d)
{
	bool found = false;
	struct stat st;
	dti_err rc;

	/* A FIFO or a device would be waited on, never read: only a file. */
	if (stat(db, &st) == 0 && !S_ISREG(st.st_mode))
		return diag_set(d, DTI_ECONFIG,
				"\"previous\" of the year %d: '%s' is not a regular file: name the "
				"earlier year's database file",
				h->prev_year, db);
	rc = staging_open_readonly(db, &h->prev, d);
	if (rc) {
		diag_prefix(d, "\"previous\" of the year %d", h->prev_year);
		return rc == DTI_ESCHEMA ? rc : DTI_EDB;
	}
	if (store_commune_unit_list(h->prev, &h->prev_list, d))
		return DTI_EDB;
	if (!h->prev_list)
		return diag_set(d, DTI_ECONFIG,
				"\"previous\": database '%s' records no unit list: it has no "
				"communes",
				db);
	h->same_list = strcmp(h->prev_list, h->edition->id) == 0;
	if (!h->same_list &&
	    !(h->edition->predecessor && strcmp(h->prev_list, h->edition->predecessor) == 0))
		return diag_set(
			d, DTI_ECONFIG,
			"\"previous\": database '%s' holds codes of the unit list %s, which "
			"is neither the unit list %s of this deployment nor its predecessor",
			db, h->prev_list, h->edition->id);
	if (!h->same_list && !table_of(h))
		return diag_set(d, DTI_ECONFIG,
				"\"previous\": database '%s' is on the unit list %s: comparing "
				"needs the conversion table to %s, which could not be read",
				db, h->prev_list, h->edition->id);
	rc = check_prev_names(h, h->same_list ? h->list : h->x.old, db, d);
	if (rc)
		return rc;
	if (store_approval_current(h->prev, h->prev_year, &h->official, &found, d))
		return DTI_EDB;
	return DTI_EOK;
}

dti_err history_open(config *c, int year, history **out, dti_diag *d)
{
	history *h = xcalloc(1, sizeof *h);
	char *db = NULL;
	int prev_year = 0;
	dti_err rc;

	*out = h;
	strmap_init(&h->old_rows);
	strmap_init(&h->read_index);
	rc = previous_config(c, &prev_year, &db, d);
	if (!rc)
		rc = config_units(c, &h->list, d);
	if (!rc)
		rc = config_edition(c, &h->edition, d);
	if (!rc && h->edition->predecessor) {
		dti_diag w;
		if (crosswalk_env_open(c, &h->x, &w)) {
			log_warn("the report names no former districts: %s", w.msg);
			crosswalk_env_close(&h->x);
		} else {
			index_table(h);
		}
	}
	if (!rc && prev_year && prev_year < year) {
		h->prev_year = prev_year;
		rc = open_previous(h, db, d);
	}
	free(db);
	return rc;
}

void history_close(history *h)
{
	if (!h)
		return;
	crosswalk_env_close(&h->x);
	free(h->by_new);
	strmap_free(&h->old_rows);
	strmap_free(&h->read_index);
	for (size_t i = 0; i < h->n_read; i++)
		store_history_unit_free(&h->read[i].u);
	free(h->read);
	staging_close(h->prev);
	free(h->prev_list);
	free(h);
}

/* ---- places ----------------------------------------------------------- */

static void place_add(history_place *p, const char *code, const char *name)
{
	if (!code || !*code || p->n_districts == HISTORY_DISTRICTS_MAX)
		return;
	for (size_t i = 0; i < p->n_districts; i++)
		if (strcmp(p->district_code[i], code) == 0)
			return;
	p->district_code[p->n_districts] = code;
	p->district_name[p->n_districts] = name ? name : code;
	p->n_districts++;
}

void history_place_of(const history *h, const char *code, history_place *out)
{
	const admin_unit *u = units_find(h->list, code);

	memset(out, 0, sizeof *out);
	if (!u)
		return;
	out->type = u->type;
	out->province = u->province_code;
	if (!h->edition->predecessor) {
		place_add(out, u->district_code, u->district_name);
		return;
	}
	if (!table_of(h))
		return;
	for (size_t k = rows_of(h, code); k < h->n_rows; k++) {
		const crosswalk_row *w = crosswalk_at(table_of(h), h->by_new[k].row);
		if (strcmp(w->new_code, code) != 0)
			break;
		place_add(out, w->old_district, w->old_district_name);
	}
}

int history_prev_year(const history *h)
{
	return h ? h->prev_year : 0;
}

const char *history_prev_list(const history *h)
{
	return h->prev_list ? h->prev_list : "";
}

const char *history_list(const history *h)
{
	return h->edition->id;
}

int64_t history_prev_official(const history *h, const char **decision, const char **date)
{
	*decision = h->official.decision;
	*date = h->official.decision_date;
	return h->official.scoring_run_id;
}

/* ---- the comparison --------------------------------------------------- */

static history_pred *pred_add(history_cmp *c, const char *code, const char *name,
			      const char *district, const char *change)
{
	history_pred *p;

	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->preds[i].code, code) == 0)
			return NULL;
	c->preds = xrealloc(c->preds, (c->n + 1) * sizeof *c->preds);
	p = &c->preds[c->n++];
	memset(p, 0, sizeof *p);
	p->code = xstrdup(code);
	p->name = xstrdup(name);
	p->district = xstrdup(district ? district : "");
	p->change = xstrdup(change ? change : "");
	p->total = NAN;
	p->population = NAN;
	return p;
}

/* The predecessors of new unit `code` from the table.  An old unit named
 * by more than one row, or whose words say "một phần", was split. */
static void preds_from_table(const history *h, const char *code, history_cmp *c)
{
	for (size_t k = rows_of(h, code); k < h->n_rows; k++) {
		const crosswalk_row *w = crosswalk_at(table_of(h), h->by_new[k].row);
		intptr_t n = 0;
		history_pred *p;
		if (strcmp(w->new_code, code) != 0)
			break;
		if (!*w->old_code)
			continue;
		p = pred_add(c, w->old_code, w->old_name, w->old_district_name, w->change);
		if (!p)
			continue;
		strmap_get(&h->old_rows, w->old_code, &n);
		p->split = n > 1 || strstr(w->change, "một phần") || strstr(w->change, "Một phần");
		p->unchecked = crosswalk_side_error(&h->x.rep, w, "old");
		c->partial = c->partial || p->split;
	}
}

/* The official result of earlier unit `code`, read from the earlier
 * database the first time it is asked for (*out valid until the next
 * call). */
static dti_err prev_unit_of(history *h, const char *code, const prev_unit **out, dti_diag *d)
{
	store_history_unit u;
	bool found = false;
	intptr_t k;
	dti_err rc;

	if (strmap_get(&h->read_index, code, &k)) {
		*out = &h->read[k];
		return DTI_EOK;
	}
	rc = store_history_unit_of(h->prev, h->official.scoring_run_id, code, &u, &found, d);
	if (rc) {
		store_history_unit_free(&u);
		return DTI_EDB;
	}
	if (h->n_read == h->cap_read) {
		h->cap_read = h->cap_read ? 2 * h->cap_read : 256;
		h->read = xrealloc(h->read, h->cap_read * sizeof *h->read);
	}
	h->read[h->n_read] = (prev_unit){found, u}; /* u's name now the history's */
	strmap_put(&h->read_index, code, (intptr_t)h->n_read);
	*out = &h->read[h->n_read++];
	return DTI_EOK;
}

/* Each predecessor's official result of the earlier year. */
static dti_err preds_scores(history *h, history_cmp *c, dti_diag *d)
{
	for (size_t i = 0; i < c->n; i++) {
		history_pred *p = &c->preds[i];
		const prev_unit *u = NULL;
		if (p->unchecked)
			continue; /* the code is another unit's: its result is not this one's */
		if (prev_unit_of(h, p->code, &u, d))
			return DTI_EDB;
		if (u->found) {
			p->scored = true;
			p->total = u->u.total;
			p->rank = (long)u->u.rank;
			p->population = u->u.population;
			c->n_scored++;
			if (*u->u.name) {
				free(p->name);
				p->name = xstrdup(u->u.name);
			}
		}
	}
	return DTI_EOK;
}

dti_err history_compare(history *h, const char *code, history_cmp *out, dti_diag *d)
{
	dti_err rc = DTI_EOK;

	memset(out, 0, sizeof *out);
	out->figure = NAN;
	if (!h->prev)
		return DTI_EOK;
	if (h->same_list) {
		const admin_unit *u = units_find(h->list, code);
		out->direct = true;
		pred_add(out, code, u ? u->name : code,
			 u && u->district_name ? u->district_name : "", "");
	} else {
		preds_from_table(h, code, out);
		out->direct = out->n == 1 && !out->partial;
	}
	if (h->official.scoring_run_id)
		rc = preds_scores(h, out, d);
	if (!rc)
		out->figure = history_weighted_mean(out->preds, out->n, &out->basis);
	return rc;
}

void history_cmp_free(history_cmp *c)
{
	for (size_t i = 0; c && i < c->n; i++) {
		free(c->preds[i].code);
		free(c->preds[i].name);
		free(c->preds[i].district);
		free(c->preds[i].change);
	}
	if (c) {
		free(c->preds);
		memset(c, 0, sizeof *c);
	}
}
