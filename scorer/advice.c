#include "advice.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rule_kinds.h"
#include "util.h"

#define EPS 1e-9

/* The inputs with some values replaced: what the commune would report
 * after the change. */
typedef struct overlay {
	rule_lookup base;
	void *ctx;
	const fw_variable *var[4];
	rule_value val[4];
	size_t n;
} overlay;

static rule_value overlay_lookup(void *c, const fw_variable *v)
{
	overlay *o = c;

	for (size_t i = 0; i < o->n; i++)
		if (o->var[i] == v)
			return o->val[i];
	return o->base(o->ctx, v);
}

static void overlay_apply(overlay *o, const advice_change *ch)
{
	const fw_variable *v = ch->vars[0];
	rule_value cur = overlay_lookup(o, v);
	rule_value nv = {true, 0.0, NULL, 0};

	if (o->n >= sizeof o->var / sizeof o->var[0])
		return;
	if (ch->to_text) {
		nv.text = ch->to_text;
		nv.num = NAN;
	} else {
		/* A sum's change lands on its first variable. */
		nv.num = (cur.present ? cur.num : 0.0) + (ch->to - ch->from);
	}
	o->var[o->n] = v;
	o->val[o->n] = nv;
	o->n++;
}

static double eval_points(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			  void *ctx, const advice_set *set)
{
	rule_result r = rule_eval(fw, ind, lookup, ctx);
	double mn = INFINITY, mx = -INFINITY;

	if (!rule_kind_of(ind)->normalised)
		return r.fraction * ind->max;
	if (isnan(r.ratio))
		return 0.0;
	/* As the scorer does: min and max over the communes with an x. */
	if (set && set->bounds) {
		mn = fmin(set->others_min, r.ratio);
		mx = fmax(set->others_max, r.ratio);
		return rule_normalise(ind->norm, r.ratio, mn, mx) * ind->max;
	}
	for (size_t i = 0; set && i < set->n; i++) {
		double x = i == set->self ? r.ratio : set->x[i];
		if (isnan(x))
			continue;
		mn = fmin(mn, x);
		mx = fmax(mx, x);
	}
	if (!set || set->n == 0)
		mn = mx = r.ratio;
	return rule_normalise(ind->norm, r.ratio, mn, mx) * ind->max;
}

double advice_rescore(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		      const advice_set *set, const advice_step *step)
{
	overlay o = {lookup, ctx, {NULL}, {{false, 0, NULL, 0}}, 0};

	for (size_t i = 0; i < step->n_changes; i++)
		overlay_apply(&o, &step->changes[i]);
	return eval_points(fw, ind, overlay_lookup, &o, set);
}

static void add_var(advice *a, const fw_variable *v)
{
	for (size_t i = 0; i < a->n_vars; i++)
		if (a->vars[i] == v)
			return;
	if (a->n_vars < ADVICE_MAX_VARS)
		a->vars[a->n_vars++] = v;
}

static void add_unusable(advice *a, const fw_variable *const *vars, size_t n, rule_lookup lookup,
			 void *ctx)
{
	for (size_t i = 0; i < n; i++)
		if (!lookup(ctx, vars[i]).present)
			add_var(a, vars[i]);
}

static bool sum_present(const fw_variable *const *vars, size_t n, rule_lookup lookup, void *ctx,
			double *out)
{
	double s = 0.0;

	for (size_t i = 0; i < n; i++) {
		rule_value v = lookup(ctx, vars[i]);
		if (!v.present)
			return false;
		s += v.num;
	}
	*out = s;
	return true;
}

static bool all_counts(const fw_variable *const *vars, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (vars[i]->type != VAR_COUNT)
			return false;
	return true;
}

/* The smallest numerator (whole units for counts, hundredths for amounts)
 * whose ratio to den reaches t, compared as the rules compare. */
static double smallest_numerator(double t, double den, bool counts)
{
	double unit = counts ? 1.0 : 0.01;
	double n;

	if (t >= 1.0)
		return den;
	n = counts ? ceil(t * den - EPS) : ceil(t * den * 100.0 - 1e-6) / 100.0;
	if (n < 0)
		n = 0;
	for (int i = 0; i < 16 && n / den < t; i++)
		n += unit;
	return n > den ? den : n;
}

/* Adds a step when it earns more than the previous one (or than now). */
static void push_step(advice *a, const framework *fw, const fw_indicator *ind, rule_lookup lookup,
		      void *ctx, const advice_set *set, advice_step *s)
{
	double floor_pts = a->n_steps ? a->steps[a->n_steps - 1].points : a->points;

	if (a->n_steps >= ADVICE_MAX_STEPS)
		return;
	s->points = advice_rescore(fw, ind, lookup, ctx, set, s);
	if (s->points > floor_pts + EPS)
		a->steps[a->n_steps++] = *s;
}

static void numeric_change(advice_change *c, const fw_variable *const *vars, size_t n, double from,
			   double to)
{
	memset(c, 0, sizeof *c);
	c->vars = vars;
	c->n_vars = n;
	c->from = from;
	c->to = to;
	c->ratio_from = c->ratio_to = NAN;
}

/* Each kind's advice: the steps that earn what the indicator leaves, from
 * its inputs (lookup) and its result now (r, neither missing nor unusable). */
typedef void (*adviser)(advice *a, const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			void *ctx, const advice_set *set, rule_result r);

static void advise_yesno(advice *a, const framework *fw, const fw_indicator *ind,
			 rule_lookup lookup, void *ctx, const advice_set *set, rule_result r)
{
	advice_step s;

	(void)set, (void)r;
	memset(&s, 0, sizeof s);
	numeric_change(&s.changes[0], &ind->variable, 1, 0.0, 1.0);
	s.n_changes = 1;
	push_step(a, fw, ind, lookup, ctx, NULL, &s);
}

static void advise_tier(advice *a, const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			void *ctx, const advice_set *set, rule_result r)
{
	rule_value v = lookup(ctx, ind->variable);
	double last = r.fraction;

	(void)set;

	/* Better answers in increasing order of fraction. */
	for (;;) {
		const fw_tier *next = NULL;
		advice_step s;
		for (size_t i = 0; i < ind->n_tiers; i++)
			if (ind->tiers[i].fraction > last + EPS &&
			    (!next || ind->tiers[i].fraction < next->fraction))
				next = &ind->tiers[i];
		if (!next)
			break;
		memset(&s, 0, sizeof s);
		numeric_change(&s.changes[0], &ind->variable, 1, NAN, NAN);
		s.changes[0].from_text = v.text;
		s.changes[0].to_text = next->value;
		s.n_changes = 1;
		push_step(a, fw, ind, lookup, ctx, NULL, &s);
		last = next->fraction;
	}
}

static void advise_count_tiers(advice *a, const framework *fw, const fw_indicator *ind,
			       rule_lookup lookup, void *ctx, const advice_set *set, rule_result r)
{
	bool gate_closed = ind->gate && lookup(ctx, ind->gate).num == 0.0;
	rule_value cv = lookup(ctx, ind->variable);
	double c = cv.present ? cv.num : 0.0, last = 0.0;
	advice_step s;

	(void)set, (void)r;
	memset(&s, 0, sizeof s);
	if (gate_closed) {
		numeric_change(&s.changes[0], &ind->gate, 1, 0.0, 1.0);
		s.n_changes = 1;
		push_step(a, fw, ind, lookup, ctx, NULL, &s); /* opening alone may earn */
	}
	for (size_t i = 0; i < ind->n_bands; i++)
		if (c >= ind->bands[i].min) {
			last = ind->bands[i].fraction;
			break;
		}
	/* Bands are sorted by min, descending: walk them upwards. */
	for (size_t k = ind->n_bands; k-- > 0;) {
		const fw_band *b = &ind->bands[k];
		if (b->min <= c || b->fraction <= last + EPS)
			continue;
		s.n_changes = gate_closed ? 1 : 0;
		numeric_change(&s.changes[s.n_changes++], &ind->variable, 1, c, ceil(b->min));
		push_step(a, fw, ind, lookup, ctx, NULL, &s);
		last = b->fraction;
	}
}

/* One step per target ratio (increasing): the smallest numerator that
 * reaches it. */
static void ratio_steps(advice *a, const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			void *ctx, const double *targets, size_t nt)
{
	double num = 0, den = 0;
	bool counts = all_counts(ind->numerator, ind->n_numerator);

	sum_present(ind->numerator, ind->n_numerator, lookup, ctx, &num);
	sum_present(ind->denominator, ind->n_denominator, lookup, ctx, &den);
	for (size_t i = 0; i < nt; i++) {
		advice_step s;
		double n = smallest_numerator(targets[i], den, counts);
		memset(&s, 0, sizeof s);
		numeric_change(&s.changes[0], ind->numerator, ind->n_numerator, num, n);
		s.changes[0].ratio_from = num / den;
		s.changes[0].ratio_to = n / den;
		s.n_changes = 1;
		push_step(a, fw, ind, lookup, ctx, NULL, &s);
	}
}

static void advise_ratio(advice *a, const framework *fw, const fw_indicator *ind,
			 rule_lookup lookup, void *ctx, const advice_set *set, rule_result r)
{
	const double full = 1.0;

	(void)set, (void)r;
	ratio_steps(a, fw, ind, lookup, ctx, &full, 1);
}

static void advise_ratio_threshold(advice *a, const framework *fw, const fw_indicator *ind,
				   rule_lookup lookup, void *ctx, const advice_set *set,
				   rule_result r)
{
	const double target = fmin(ind->threshold, 1.0);

	(void)set, (void)r;
	ratio_steps(a, fw, ind, lookup, ctx, &target, 1);
}

/* The floor first when below it (and it is not 1), then the full ratio. */
static void advise_ratio_floor(advice *a, const framework *fw, const fw_indicator *ind,
			       rule_lookup lookup, void *ctx, const advice_set *set, rule_result r)
{
	double targets[2] = {ind->floor, 1.0};
	bool below = r.ratio < ind->floor && ind->floor < 1.0;

	(void)set;
	ratio_steps(a, fw, ind, lookup, ctx, below ? targets : targets + 1, below ? 2 : 1);
}

static void advise_cross(advice *a, const framework *fw, const fw_indicator *ind,
			 rule_lookup lookup, void *ctx, const advice_set *set, rule_result r)
{
	double x = r.ratio, mx = x;
	size_t best = set ? set->self : 0;
	advice_step s;

	if (set && set->bounds) {
		if (set->others_max > mx + EPS) {
			mx = set->others_max;
			best = set->best;
		}
	} else {
		for (size_t i = 0; set && i < set->n; i++) {
			double xi = i == set->self ? x : set->x[i];
			if (!isnan(xi) && xi > mx + EPS) {
				mx = xi;
				best = i;
			}
		}
	}
	a->best_x = mx;
	a->best_name = set && set->names ? set->names[best] : NULL;
	memset(&s, 0, sizeof s);
	s.n_changes = 1;
	if (ind->variable) {
		/* On an amount: reach the best commune's (or any amount when none has one). */
		numeric_change(&s.changes[0], &ind->variable, 1, x, mx > 0 ? mx : x + 1.0);
	} else {
		double num = 0, den = 0, n;
		sum_present(ind->numerator, ind->n_numerator, lookup, ctx, &num);
		sum_present(ind->denominator, ind->n_denominator, lookup, ctx, &den);
		if (mx > 0)
			n = smallest_numerator(mx, den,
					       all_counts(ind->numerator, ind->n_numerator));
		else
			n = num + 1.0;
		numeric_change(&s.changes[0], ind->numerator, ind->n_numerator, num, n);
		s.changes[0].ratio_from = x;
		s.changes[0].ratio_to = n / den;
	}
	push_step(a, fw, ind, lookup, ctx, set, &s);
}

/* Indexed by rule kind like the table of rule_kinds.c: lib/ knows nothing
 * of advice, and a kind without an entry here fails the build (the size)
 * or test_advice (a hole, advice_covers). */
static const adviser advisers[] = {
	[RULE_YESNO] = advise_yesno,
	[RULE_TIER] = advise_tier,
	[RULE_COUNT_TIERS] = advise_count_tiers,
	[RULE_RATIO] = advise_ratio,
	[RULE_RATIO_THRESHOLD] = advise_ratio_threshold,
	[RULE_RATIO_FLOOR] = advise_ratio_floor,
	[RULE_CROSS_COMMUNE] = advise_cross,
};

_Static_assert(sizeof advisers / sizeof advisers[0] == RULE_KIND_COUNT,
	       "every rule kind has an adviser");

bool advice_covers(rule_kind k)
{
	return (unsigned)k < RULE_KIND_COUNT && advisers[k];
}

void advice_compute(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		    const advice_set *set, advice *out)
{
	rule_result r = rule_eval(fw, ind, lookup, ctx);

	memset(out, 0, sizeof *out);
	out->kind = ADVICE_NONE;
	out->best_x = NAN;
	out->max = ind->max;
	out->points = eval_points(fw, ind, lookup, ctx, set);
	out->available = ind->max - out->points;
	if (out->available <= EPS) {
		out->available = 0.0;
		return;
	}
	if (r.flags & FLAG_MISSING) {
		out->kind = ADVICE_SUPPLY;
		out->flags = r.flags;
		if (ind->gate && !lookup(ctx, ind->gate).present)
			add_var(out, ind->gate);
		else if (ind->variable)
			add_var(out, ind->variable);
		add_unusable(out, ind->numerator, ind->n_numerator, lookup, ctx);
		add_unusable(out, ind->denominator, ind->n_denominator, lookup, ctx);
		return;
	}
	if (r.flags & FLAG_NO_DENOMINATOR) {
		out->kind = ADVICE_CHECK;
		out->flags = r.flags;
		for (size_t i = 0; i < ind->n_denominator; i++)
			add_var(out, ind->denominator[i]);
		return;
	}
	if ((r.flags & FLAG_NUM_ABOVE_DEN) && fw->numerator_above_denominator == OVER_ZERO) {
		out->kind = ADVICE_CHECK;
		out->flags = r.flags;
		for (size_t i = 0; i < ind->n_numerator; i++)
			add_var(out, ind->numerator[i]);
		for (size_t i = 0; i < ind->n_denominator; i++)
			add_var(out, ind->denominator[i]);
		return;
	}
	advisers[ind->kind](out, fw, ind, lookup, ctx, set, r);
	if (out->n_steps)
		out->kind = ADVICE_CHANGE;
}

void advice_number(char out[64], double v, int decimals)
{
	char digits[64], *dot, *frac;
	size_t n, lead, o = 0;
	bool neg;

	if (isnan(v) || isinf(v)) {
		snprintf(out, 64, "—");
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	neg = v < 0;
	format_fixed(digits, fabs(v), decimals);
	dot = strchr(digits, '.');
	frac = dot ? dot + 1 : NULL;
	if (dot)
		*dot = '\0';
	if (frac) {
		size_t k = strlen(frac);
		while (k > 0 && frac[k - 1] == '0')
			frac[--k] = '\0';
	}
	/* "-0" after rounding is 0. */
	if (neg && strspn(digits, "0") == strlen(digits) && (!frac || !*frac))
		neg = false;
	n = strlen(digits);
	lead = n % 3 ? n % 3 : 3;
	if (neg)
		out[o++] = '-';
	for (size_t i = 0; i < n && o < 60; i++) {
		if (i >= lead && (i - lead) % 3 == 0)
			out[o++] = '.';
		out[o++] = digits[i];
	}
	if (frac && *frac) {
		out[o++] = ',';
		for (size_t i = 0; frac[i] && o < 63; i++)
			out[o++] = frac[i];
	}
	out[o] = '\0';
}

/* A variable's label without the question mark the forms use. */
static void put_label(strbuf *sb, const fw_variable *v)
{
	const char *l = v->label && *v->label ? v->label : v->name;
	size_t n = strlen(l);

	while (n > 0 && (l[n - 1] == '?' || l[n - 1] == ' '))
		n--;
	sb_append(sb, l, n);
}

static const char *enum_label(const fw_variable *v, const char *word)
{
	if (!word)
		return "chưa có";
	for (size_t i = 0; i < v->n_values; i++)
		if (strcmp(v->values[i].value, word) == 0)
			return v->values[i].label && *v->values[i].label ? v->values[i].label
									 : word;
	return word;
}

static void put_change(strbuf *sb, const advice_change *c)
{
	char a[64], b[64];
	const fw_variable *v = c->vars[0];

	if (c->to_text) {
		put_label(sb, v);
		sb_appends(sb, ": “");
		sb_appends(sb, enum_label(v, c->from_text));
		sb_appends(sb, "” → “");
		sb_appends(sb, enum_label(v, c->to_text));
		sb_appends(sb, "”");
		return;
	}
	if (c->n_vars == 1 && v->type == VAR_YESNO) {
		put_label(sb, v);
		sb_appends(sb, ": Chưa → Có");
		return;
	}
	if (!isnan(c->ratio_from)) {
		advice_number(a, c->ratio_from * 100.0, 1);
		advice_number(b, c->ratio_to * 100.0, 1);
		sb_appends(sb, "nâng tỷ lệ từ ");
		sb_appends(sb, a);
		sb_appends(sb, "% lên ");
		sb_appends(sb, b);
		sb_appends(sb, "%: ");
	}
	for (size_t i = 0; i < c->n_vars; i++) {
		if (i)
			sb_appends(sb, " + ");
		put_label(sb, c->vars[i]);
	}
	advice_number(a, c->from, 2);
	advice_number(b, c->to, 2);
	sb_appends(sb, " từ ");
	sb_appends(sb, a);
	sb_appends(sb, " lên ");
	sb_appends(sb, b);
	advice_number(a, c->to - c->from, 2);
	sb_appends(sb, " (thêm ");
	sb_appends(sb, a);
	if (v->unit) {
		sb_appends(sb, " ");
		sb_appends(sb, v->unit);
	}
	sb_appends(sb, ")");
}

void advice_text(const advice *a, const fw_indicator *ind, strbuf *sb)
{
	char p[64], q[64];

	switch (a->kind) {
	case ADVICE_NONE: return;
	case ADVICE_SUPPLY:
		if (a->flags & FLAG_REJECTED)
			sb_appends(sb, "Số liệu bị từ chối khi thẩm định, cần nộp lại: ");
		else if (a->flags & FLAG_UNVERIFIED)
			sb_appends(sb, "Số liệu chưa được xác minh (chấm điểm chính thức): ");
		else
			sb_appends(sb, "Bổ sung số liệu còn thiếu: ");
		for (size_t i = 0; i < a->n_vars; i++) {
			if (i)
				sb_appends(sb, "; ");
			put_label(sb, a->vars[i]);
		}
		advice_number(p, a->available, 2);
		sb_appends(sb, " (tối đa ");
		sb_appends(sb, p);
		sb_appends(sb, " điểm)");
		return;
	case ADVICE_CHECK:
		if (a->flags & FLAG_NO_DENOMINATOR)
			sb_appends(sb, "Mẫu số bằng 0, chưa tính được điểm; kiểm tra lại: ");
		else
			sb_appends(sb, "Tử số lớn hơn mẫu số nên được 0 điểm; kiểm tra lại: ");
		for (size_t i = 0; i < a->n_vars; i++) {
			if (i)
				sb_appends(sb, "; ");
			put_label(sb, a->vars[i]);
		}
		return;
	case ADVICE_CHANGE: break;
	}
	if (rule_kind_of(ind)->normalised && !isnan(a->best_x)) {
		if (a->best_x > 0) {
			if (ind->variable) {
				advice_number(p, a->best_x, 2);
				sb_appendf(
					sb, "Xã dẫn đầu%s%s%s có %s%s%s; ",
					a->best_name ? " (" : "", a->best_name ? a->best_name : "",
					a->best_name ? ")" : "", p, ind->variable->unit ? " " : "",
					ind->variable->unit ? ind->variable->unit : "");
			} else {
				advice_number(p, a->best_x * 100.0, 1);
				sb_appendf(sb, "Xã dẫn đầu%s%s%s đạt tỷ lệ %s%%; ",
					   a->best_name ? " (" : "",
					   a->best_name ? a->best_name : "",
					   a->best_name ? ")" : "", p);
			}
		} else {
			sb_appends(sb, "Chưa xã nào có giá trị lớn hơn 0; ");
		}
	}
	for (size_t k = 0; k < a->n_steps; k++) {
		const advice_step *s = &a->steps[k];
		if (k)
			sb_appends(sb, "; hoặc ");
		for (size_t i = 0; i < s->n_changes; i++) {
			if (i)
				sb_appends(sb, " và ");
			put_change(sb, &s->changes[i]);
		}
		advice_number(p, a->points, 2);
		advice_number(q, s->points, 2);
		sb_appends(sb, ": ");
		sb_appends(sb, p);
		sb_appends(sb, " → ");
		sb_appends(sb, q);
		sb_appends(sb, " điểm");
	}
}
