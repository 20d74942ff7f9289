#include "oldcodes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crosswalk.h"
#include "editions.h"
#include "strmap.h"
#include "text.h"
#include "util.h"

/* An old unit of the table: the new units its checked rows go to. */
typedef struct old_unit {
	const char *code, *name; /* the old list's */
	const char **targets;    /* new codes, each once (borrowed from the table) */
	size_t n_targets;
	bool partial; /* a row says "một phần" (in part) */
	bool unsure;  /* a row of it goes to a unit the lists do not confirm */
	strbuf went;  /* "11992 Xã Lạc Đạo, 11995 Xã Đại Đồng", for messages */
} old_unit;

/* A commune assessed: its old units, and why the feed cannot give it a
 * value (NULL: it can). */
typedef struct new_unit {
	size_t *preds; /* indexes into olds */
	size_t n_preds;
	char *why_not;
} new_unit;

struct oldcodes {
	crosswalk_env env;
	const commune_list *active;
	strmap active_ix; /* code -> index in active */
	old_unit *olds;
	size_t n_olds;
	strmap by_old;  /* old code -> index in olds */
	strmap errors;  /* keys of the table's errors that remain ("L12:old") */
	strmap bad_new; /* new codes whose side of a row is such an error */
	new_unit *news;
	commune_list area_olds; /* olds with a target assessed */
	const char *old_id, *new_id;
};

const char *oldcodes_old_edition(const oldcodes *o)
{
	return o->old_id;
}

const char *oldcodes_new_edition(const oldcodes *o)
{
	return o->new_id;
}

const commune_list *oldcodes_units(const oldcodes *o)
{
	return &o->area_olds;
}

const units *oldcodes_old_list(const oldcodes *o)
{
	return o->env.old;
}

void oldcodes_free(oldcodes *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_olds; i++) {
		free(o->olds[i].targets);
		sb_free(&o->olds[i].went);
	}
	for (size_t i = 0; o->news && i < o->active->count; i++) {
		free(o->news[i].preds);
		free(o->news[i].why_not);
	}
	free(o->olds);
	free(o->news);
	strmap_free(&o->by_old);
	strmap_free(&o->errors);
	strmap_free(&o->bad_new);
	strmap_free(&o->active_ix);
	commune_list_free(&o->area_olds);
	crosswalk_env_close(&o->env);
	free(o);
}

/* The unit of `code` in list u, unless the check of the table found an
 * error in this side of the row that no correction removed (a spelling
 * or accent note is no error: "Xã An Quí" and "Xã An Quý" are one unit). */
static const admin_unit *checked(const oldcodes *o, const units *u, const crosswalk_row *w,
				 const char *side, const char *code)
{
	char key[64];

	crosswalk_row_key(w, side, key);
	if (strmap_get(&o->errors, key, NULL))
		return NULL;
	return units_find(u, code);
}

static void why_not(new_unit *n, char *why)
{
	if (n->why_not)
		free(why);
	else
		n->why_not = why;
}

static size_t old_of(oldcodes *o, const admin_unit *a)
{
	intptr_t i;
	old_unit *u;

	if (strmap_get(&o->by_old, a->code, &i))
		return (size_t)i;
	o->olds = xrealloc(o->olds, (o->n_olds + 1) * sizeof *o->olds);
	u = &o->olds[o->n_olds];
	memset(u, 0, sizeof *u);
	u->code = a->code;
	u->name = a->name;
	sb_init(&u->went, 0);
	strmap_put(&o->by_old, a->code, (intptr_t)o->n_olds);
	return o->n_olds++;
}

/* One row of the table: its old unit gets the new unit as a target, the
 * new unit (when assessed) the old one as a predecessor.  A row the lists
 * do not confirm (a mistyped code left uncorrected) gives no target; its
 * new unit cannot be given a value from old codes. */
static void take_row(oldcodes *o, const crosswalk_row *w)
{
	const admin_unit *old = *w->old_code ? checked(o, o->env.old, w, "old", w->old_code) : NULL;
	const admin_unit *new = strmap_get(&o->bad_new, w->new_code, NULL)
					? NULL
					: checked(o, o->env.new, w, "new", w->new_code);
	intptr_t ni = -1;
	size_t oi;
	old_unit *u;
	char where[600];

	strmap_get(&o->active_ix, w->new_code, &ni);
	crosswalk_row_where(w, where);
	if (old && !new) {
		/* Its old unit went (also) somewhere unknown: none of its
		 * figures can be given wholly to the units its other rows name. */
		oi = old_of(o, old); /* it may move o->olds */
		u = &o->olds[oi];
		u->unsure = true;
		sb_appendf(&u->went,
			   "%sthe unit of %s of the conversion table, which does not check "
			   "against the lists",
			   u->went.len ? ", " : "", where);
	}
	if (!old || !new) {
		if (ni >= 0)
			why_not(&o->news[ni],
				*w->old_code
					? xasprintf("%s of the conversion table does not check "
						    "against the lists",
						    where)
					: xasprintf("it has a part without an old code (%s)",
						    *w->old_name ? w->old_name
								 : w->old_district_name));
		return;
	}
	oi = old_of(o, old);
	u = &o->olds[oi];
	if (strstr(w->change, "một phần"))
		u->partial = true;
	for (size_t i = 0; i < u->n_targets; i++)
		if (strcmp(u->targets[i], new->code) == 0)
			return;
	u->targets = xrealloc(u->targets, (u->n_targets + 1) * sizeof *u->targets);
	u->targets[u->n_targets++] = new->code;
	sb_appendf(&u->went, "%s%s %s", u->went.len ? ", " : "", new->code, new->name);
	if (ni >= 0) {
		new_unit *n = &o->news[ni];
		n->preds = xrealloc(n->preds, (n->n_preds + 1) * sizeof *n->preds);
		n->preds[n->n_preds++] = oi;
	}
}

static bool split(const old_unit *u)
{
	return u->partial || u->unsure || u->n_targets > 1;
}

/* After every row: the old units of the area, and the communes one of
 * whose old units was split. */
static void settle_area(oldcodes *o)
{
	for (size_t i = 0; i < o->active->count; i++) {
		new_unit *n = &o->news[i];
		for (size_t k = 0; k < n->n_preds; k++) {
			const old_unit *u = &o->olds[n->preds[k]];
			if (split(u))
				why_not(n, xasprintf("old %s %s was split", u->code, u->name));
			if (!commune_list_find(&o->area_olds, u->code))
				commune_list_add(&o->area_olds, u->code, u->name);
		}
		if (!n->n_preds)
			why_not(n, xasprintf("no old unit of the table forms it"));
	}
}

dti_err oldcodes_open(config *c, const commune_list *active, oldcodes **out, dti_diag *d)
{
	oldcodes *o = xcalloc(1, sizeof *o);
	dti_err rc;

	*out = NULL;
	o->active = active;
	strmap_init(&o->active_ix);
	strmap_init(&o->by_old);
	strmap_init(&o->errors);
	strmap_init(&o->bad_new);
	rc = crosswalk_env_open(c, &o->env, d);
	if (!rc && c->edition != units_edition(o->env.new))
		rc = diag_set(d, DTI_ECONFIG,
			      "%s: the unit list %s is the older one: a feed can be converted to "
			      "it from no other list",
			      c->path, c->edition->id);
	if (rc) {
		oldcodes_free(o);
		return rc;
	}
	o->old_id = units_edition(o->env.old)->id;
	o->new_id = units_edition(o->env.new)->id;
	o->news = xcalloc(active->count + 1, sizeof *o->news);
	for (size_t i = 0; i < active->count; i++)
		strmap_put(&o->active_ix, active->items[i].code, (intptr_t)i);
	for (size_t i = 0; i < o->env.rep.n; i++) {
		const crosswalk_finding *f = &o->env.rep.items[i];
		if (f->level == CROSSWALK_ERROR && !f->corrected)
			strmap_put(&o->errors, f->key, 1);
	}
	for (size_t i = 0; i < crosswalk_count(o->env.x); i++) {
		const crosswalk_row *w = crosswalk_at(o->env.x, i);
		char key[64];
		crosswalk_row_key(w, "new", key);
		if (strmap_get(&o->errors, key, NULL))
			strmap_put(&o->bad_new, w->new_code, 1);
	}
	for (size_t i = 0; i < crosswalk_count(o->env.x); i++)
		take_row(o, crosswalk_at(o->env.x, i));
	settle_area(o);
	*out = o;
	return DTI_EOK;
}

dti_err oldcodes_check_combine(json_t *block, const framework *fw, dti_diag *d)
{
	json_t *combine = json_object_get(block, "combine"), *v;
	const char *name = json_string_value(json_object_get(block, "name"));
	const char *k;

	if (!combine)
		return DTI_EOK;
	if (!json_is_object(combine))
		return diag_set(d, DTI_ECONFIG,
				"source '%s': \"combine\" must be an object {\"VARIABLE\": \"sum\" "
				"or \"refuse\"}",
				name);
	json_object_foreach(combine, k, v)
	{
		const fw_variable *var = framework_variable(fw, k);
		const char *how = json_string_value(v);
		if (!var)
			return diag_set(d, DTI_ECONFIG,
					"source '%s': \"combine\": '%s' is not a variable of the "
					"framework",
					name, k);
		if (!how || (strcmp(how, "sum") != 0 && strcmp(how, "refuse") != 0))
			return diag_set(
				d, DTI_ECONFIG,
				"source '%s': \"combine\": '%s' must be \"sum\" or \"refuse\"",
				name, k);
		if (strcmp(how, "sum") == 0 && var->type != VAR_COUNT && var->type != VAR_AMOUNT)
			return diag_set(
				d, DTI_ECONFIG,
				"source '%s': \"combine\": '%s' is not a number: only counts "
				"and amounts are summed",
				name, k);
	}
	return DTI_EOK;
}

/* ---- folding ------------------------------------------------------------ */

/* The values of one commune assessed and variable: from how many of its
 * old units, their sum, the first item. */
typedef struct acc {
	size_t commune; /* index in active */
	const batch_item *first;
	size_t n;
	double sum;
	strbuf codes; /* "11986+11998" */
} acc;

typedef struct fold {
	const oldcodes *o;
	json_t *combine;
	const batch *from;
	batch *to;
	dti_problems *p;
	acc *accs;
	size_t n_accs;
	strmap acc_ix;      /* "commune\tyear\tvariable" -> index in accs */
	strmap refused;     /* old codes refused as split (once each) */
	strmap mapped_olds; /* old codes stored under a commune */
	strmap stored;      /* communes given a value (index) */
	char **why_not;     /* by commune: why a value of it was not stored, or NULL */
} fold;

/* A split old unit: refused once, naming where it went. */
static void refuse_split(fold *f, const old_unit *u, const batch_item *it)
{
	char at[BATCH_WHERE];

	if (!strmap_put(&f->refused, u->code, 1))
		return;
	problems_add(f->p,
		     "%s: old code %s '%s' of the unit list %s was split (\"Nhập một phần\") "
		     "between %s of the unit list %s: its figures belong to no one commune; give "
		     "them keyed to the new communes",
		     batch_item_where(f->from, it, at, sizeof at), u->code, u->name, f->o->old_id,
		     u->went.data, f->o->new_id);
}

static void gather(fold *f, const batch_item *it)
{
	intptr_t oi, ai;
	const old_unit *u;
	size_t ni;
	char key[256];

	if (!strmap_get(&f->o->by_old, it->commune_code, &oi))
		return; /* not in the index: never mapped */
	u = &f->o->olds[oi];
	if (split(u)) {
		refuse_split(f, u, it);
		return;
	}
	if (!strmap_get(&f->o->active_ix, u->targets[0], &ai))
		return; /* whole into a unit not assessed: never in the index */
	ni = (size_t)ai;
	snprintf(key, sizeof key, "%zu\t%d\t%s", ni, it->year, it->variable->name);
	if (!strmap_get(&f->acc_ix, key, &ai)) {
		f->accs = xrealloc(f->accs, (f->n_accs + 1) * sizeof *f->accs);
		memset(&f->accs[f->n_accs], 0, sizeof f->accs[0]);
		f->accs[f->n_accs].commune = ni;
		f->accs[f->n_accs].first = it;
		sb_init(&f->accs[f->n_accs].codes, 0);
		ai = (intptr_t)f->n_accs++;
		strmap_put(&f->acc_ix, key, ai);
	}
	f->accs[ai].n++;
	f->accs[ai].sum += it->num;
	sb_appendf(&f->accs[ai].codes, "%s%s", f->accs[ai].n > 1 ? "+" : "", u->code);
}

static bool summed(const fold *f, const fw_variable *v)
{
	const char *how = json_string_value(json_object_get(f->combine, v->name));

	if (how)
		return strcmp(how, "sum") == 0;
	return v->type == VAR_COUNT || v->type == VAR_AMOUNT;
}

static void not_stored(fold *f, size_t ni, const char *why)
{
	if (!f->why_not[ni])
		f->why_not[ni] = xstrdup(why);
}

/* The old units of a commune that gave no value for it (malloc'd). */
static char *missing_olds(const fold *f, const batch *from, const acc *a)
{
	const new_unit *n = &f->o->news[a->commune];
	strbuf sb;

	sb_init(&sb, 0);
	sb_appendf(&sb, "old ");
	for (size_t k = 0; k < n->n_preds; k++) {
		const old_unit *u = &f->o->olds[n->preds[k]];
		if (!batch_has(from, u->code, a->first->year, a->first->variable))
			sb_appendf(&sb, "%s%s", sb.len > 4 ? ", " : "", u->code);
	}
	sb_appends(&sb, " not in the feed");
	return sb_take(&sb);
}

/* One commune and variable: stored, summed, refused or left out. */
static void settle_acc(fold *f, const batch *from, acc *a)
{
	const new_unit *n = &f->o->news[a->commune];
	const commune_entry *e = &f->o->active->items[a->commune];
	const fw_variable *v = a->first->variable;
	char where[700], at[BATCH_WHERE], value[64], key[32];
	bool ok;

	if (n->why_not || a->n < n->n_preds) {
		char *why = n->why_not ? xstrdup(n->why_not) : missing_olds(f, from, a);
		not_stored(f, a->commune, why);
		free(why);
		return;
	}
	snprintf(where, sizeof where, "%s (old %s to %s)",
		 batch_item_where(from, a->first, at, sizeof at), a->codes.data, e->code);
	if (a->n == 1) {
		ok = batch_add(f->to, v, e->code, a->first->year, a->first->value, '.',
			       a->first->proof_url, a->first->note, where, f->p);
	} else if (!summed(f, v)) {
		problems_add(f->p,
			     "%s: %s of commune %s '%s' would come from its %zu old units (%s): "
			     "their values are not combined (\"combine\" in the source block)",
			     where, v->name, e->code, e->name, a->n, a->codes.data);
		ok = false;
	} else {
		format_number(value, a->sum);
		ok = batch_add(f->to, v, e->code, a->first->year, value, '.', NULL, NULL, where,
			       f->p);
	}
	if (!ok)
		return;
	snprintf(key, sizeof key, "%zu", a->commune);
	strmap_put(&f->stored, key, 1);
	for (size_t k = 0; k < n->n_preds; k++)
		strmap_put(&f->mapped_olds, f->o->olds[n->preds[k]].code, 1);
}

void oldcodes_fold(const oldcodes *o, const batch *from, json_t *combine, batch *to,
		   dti_problems *p, oldcodes_summary *s)
{
	fold f;
	strbuf text, why;

	memset(&f, 0, sizeof f);
	f.o = o;
	f.combine = combine;
	f.from = from;
	f.to = to;
	f.p = p;
	strmap_init(&f.acc_ix);
	strmap_init(&f.refused);
	strmap_init(&f.mapped_olds);
	strmap_init(&f.stored);
	f.why_not = xcalloc(o->active->count + 1, sizeof *f.why_not);
	to->counts = from->counts;
	for (size_t i = 0; i < from->count; i++)
		gather(&f, &from->items[i]);
	for (size_t i = 0; i < f.n_accs; i++)
		settle_acc(&f, from, &f.accs[i]);
	s->mapped = (long)f.mapped_olds.count;
	s->communes = (long)f.stored.count;
	s->incomplete = 0;
	sb_init(&why, 0);
	for (size_t i = 0; i < o->active->count; i++) {
		if (!f.why_not[i])
			continue;
		if (++s->incomplete <= 5)
			sb_appendf(&why, "%s%s (%s)", why.len ? ", " : "", o->active->items[i].code,
				   f.why_not[i]);
		free(f.why_not[i]);
	}
	sb_init(&text, 0);
	sb_appendf(&text, "old codes (unit list %s): %ld old unit%s mapped into %ld commune%s",
		   o->old_id, s->mapped, s->mapped == 1 ? "" : "s", s->communes,
		   s->communes == 1 ? "" : "s");
	if (s->incomplete)
		sb_appendf(&text, "; values of %ld commune%s not stored: %s%s", s->incomplete,
			   s->incomplete == 1 ? "" : "s", why.data,
			   s->incomplete > 5 ? ", ..." : "");
	s->text = sb_take(&text);
	for (size_t i = 0; i < f.n_accs; i++)
		sb_free(&f.accs[i].codes);
	free(f.accs);
	free(f.why_not);
	strmap_free(&f.acc_ix);
	strmap_free(&f.refused);
	strmap_free(&f.mapped_olds);
	strmap_free(&f.stored);
	sb_free(&why);
}
