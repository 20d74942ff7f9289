#include "rule_kinds.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "framework_int.h"
#include "util.h"

/* ---- parse: the "rule" object of a framework file into the indicator ---- */

static dti_err var_list(framework *fw, json_t *rule, const char *key, const fw_variable ***out,
			size_t *n, const char *where, dti_diag *d)
{
	json_t *arr = json_object_get(rule, key);
	size_t i;
	json_t *jv;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return diag_set(d, DTI_EFRAMEWORK, "%s: rule needs a non-empty \"%s\" list", where,
				key);
	*out = xcalloc(json_array_size(arr), sizeof **out);
	json_array_foreach(arr, i, jv)
	{
		const char *vn = json_string_value(jv);
		const fw_variable *v = vn ? framework_variable(fw, vn) : NULL;
		if (!v)
			return diag_set(d, DTI_EFRAMEWORK, "%s: unknown variable '%s' in \"%s\"",
					where, vn ? vn : "(not a string)", key);
		if (v->type != VAR_COUNT && v->type != VAR_AMOUNT)
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: variable %s in \"%s\" is a %s, not a number", where,
					v->name, key, var_type_name(v->type));
		(*out)[(*n)++] = v;
	}
	return DTI_EOK;
}

static dti_err one_var(framework *fw, json_t *rule, const char *key, var_type want1, var_type want2,
		       const fw_variable **out, const char *where, dti_diag *d)
{
	const char *vn = json_string_value(json_object_get(rule, key));
	const fw_variable *v = vn ? framework_variable(fw, vn) : NULL;

	if (!vn)
		return diag_set(d, DTI_EFRAMEWORK, "%s: rule needs \"%s\"", where, key);
	if (!v)
		return diag_set(d, DTI_EFRAMEWORK, "%s: unknown variable '%s'", where, vn);
	if (v->type != want1 && v->type != want2)
		return diag_set(d, DTI_EFRAMEWORK, "%s: variable %s is a %s, the rule needs a %s",
				where, vn, var_type_name(v->type), var_type_name(want1));
	*out = v;
	return DTI_EOK;
}

static bool fraction_ok(double f)
{
	return f >= 0.0 && f <= 1.0;
}

static dti_err parse_yesno(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
			   dti_diag *d)
{
	return one_var(fw, rule, "variable", VAR_YESNO, VAR_YESNO, &ind->variable, where, d);
}

static dti_err parse_tier(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
			  dti_diag *d)
{
	json_t *fr = json_object_get(rule, "fractions");
	dti_err rc = one_var(fw, rule, "variable", VAR_ENUM, VAR_ENUM, &ind->variable, where, d);

	if (rc)
		return rc;
	if (!json_is_object(fr))
		return diag_set(d, DTI_EFRAMEWORK, "%s: tier rule needs \"fractions\"", where);
	ind->tiers = xcalloc(ind->variable->n_values, sizeof *ind->tiers);
	for (size_t i = 0; i < ind->variable->n_values; i++) {
		const char *val = ind->variable->values[i].value;
		double f;
		if (!fw_json_number(fr, val, &f))
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: tier rule gives no fraction for '%s'", where, val);
		if (!fraction_ok(f))
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: fraction for '%s' must be between 0 and 1", where,
					val);
		ind->tiers[i].value = xstrdup(val);
		ind->tiers[i].fraction = f;
		ind->n_tiers++;
	}
	if (json_object_size(fr) != ind->n_tiers)
		return diag_set(d, DTI_EFRAMEWORK,
				"%s: tier rule names a value that %s does not have", where,
				ind->variable->name);
	return DTI_EOK;
}

/* Bands from the highest "min" down, one of them at 0. */
static dti_err parse_bands(fw_indicator *ind, json_t *bands, const char *where, dti_diag *d)
{
	size_t i;
	json_t *jb;
	bool has_zero = false;

	if (!json_is_array(bands) || json_array_size(bands) == 0)
		return diag_set(d, DTI_EFRAMEWORK, "%s: count_tiers rule needs \"bands\"", where);
	ind->bands = xcalloc(json_array_size(bands), sizeof *ind->bands);
	json_array_foreach(bands, i, jb)
	{
		fw_band *b = &ind->bands[ind->n_bands];
		if (!fw_json_number(jb, "min", &b->min) ||
		    !fw_json_number(jb, "fraction", &b->fraction) || b->min < 0 ||
		    !fraction_ok(b->fraction))
			return diag_set(
				d, DTI_EFRAMEWORK,
				"%s: band #%zu needs \"min\" >= 0 and \"fraction\" in [0, 1]",
				where, i + 1);
		if (ind->n_bands && b->min >= ind->bands[ind->n_bands - 1].min)
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: bands must be listed from the highest \"min\" down",
					where);
		if (b->min == 0)
			has_zero = true;
		ind->n_bands++;
	}
	if (!has_zero)
		return diag_set(d, DTI_EFRAMEWORK, "%s: bands must include one with \"min\": 0",
				where);
	return DTI_EOK;
}

static dti_err parse_count_tiers(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
				 dti_diag *d)
{
	dti_err rc = one_var(fw, rule, "variable", VAR_COUNT, VAR_AMOUNT, &ind->variable, where, d);

	if (rc)
		return rc;
	if (json_object_get(rule, "gate")) {
		rc = one_var(fw, rule, "gate", VAR_YESNO, VAR_YESNO, &ind->gate, where, d);
		if (rc)
			return rc;
	}
	return parse_bands(ind, json_object_get(rule, "bands"), where, d);
}

static dti_err parse_ratio(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
			   dti_diag *d)
{
	dti_err rc = var_list(fw, rule, "numerator", &ind->numerator, &ind->n_numerator, where, d);

	if (!rc)
		rc = var_list(fw, rule, "denominator", &ind->denominator, &ind->n_denominator,
			      where, d);
	return rc;
}

/* A ratio with its parameter under key, a fraction (0 allowed or not). */
static dti_err parse_ratio_param(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
				 dti_diag *d, const char *key, double *out, bool zero_ok)
{
	dti_err rc = parse_ratio(fw, ind, rule, where, d);

	if (rc)
		return rc;
	if (!fw_json_number(rule, key, out) || *out < 0 || (!zero_ok && *out == 0) || *out > 1)
		return diag_set(d, DTI_EFRAMEWORK, "%s: \"%s\" must be in %s", where, key,
				zero_ok ? "[0, 1]" : "(0, 1]");
	return DTI_EOK;
}

static dti_err parse_ratio_threshold(framework *fw, fw_indicator *ind, json_t *rule,
				     const char *where, dti_diag *d)
{
	return parse_ratio_param(fw, ind, rule, where, d, "threshold", &ind->threshold, false);
}

static dti_err parse_ratio_floor(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
				 dti_diag *d)
{
	return parse_ratio_param(fw, ind, rule, where, d, "floor", &ind->floor, true);
}

static dti_err parse_cross_commune(framework *fw, fw_indicator *ind, json_t *rule,
				   const char *where, dti_diag *d)
{
	const char *norm;
	dti_err rc;

	if (json_object_get(rule, "variable")) {
		if (json_object_get(rule, "numerator"))
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: cross_commune takes a \"variable\" or a "
					"\"numerator\"/\"denominator\", not both",
					where);
		rc = one_var(fw, rule, "variable", VAR_AMOUNT, VAR_COUNT, &ind->variable, where, d);
	} else {
		rc = parse_ratio(fw, ind, rule, where, d);
	}
	if (rc)
		return rc;
	norm = json_string_value(json_object_get(rule, "normalisation"));
	ind->norm = fw->default_norm;
	if (norm && strcmp(norm, "max") == 0)
		ind->norm = NORM_MAX;
	else if (norm && strcmp(norm, "minmax") == 0)
		ind->norm = NORM_MINMAX;
	else if (norm)
		return diag_set(d, DTI_EFRAMEWORK, "%s: unknown normalisation '%s' (max, minmax)",
				where, norm);
	return DTI_EOK;
}

/* ---- evaluate: the pure rule functions of rules.h on the inputs ---- */

static rule_result missing(unsigned why)
{
	rule_result r = {0.0, NAN, FLAG_MISSING | why};
	return r;
}

/* Sums a list of variables; false (with why) when any is missing. */
static bool sum_vars(const fw_variable *const *vars, size_t n, rule_lookup lookup, void *ctx,
		     double *out, unsigned *why)
{
	double s = 0.0;

	for (size_t i = 0; i < n; i++) {
		rule_value v = lookup(ctx, vars[i]);
		if (!v.present) {
			*why = v.why;
			return false;
		}
		s += v.num;
	}
	*out = s;
	return true;
}

/* The numerator's and the denominator's sums; false (with why) when an
 * input is missing. */
static bool ratio_terms(const fw_indicator *ind, rule_lookup lookup, void *ctx, double *num,
			double *den, unsigned *why)
{
	return sum_vars(ind->numerator, ind->n_numerator, lookup, ctx, num, why) &&
	       sum_vars(ind->denominator, ind->n_denominator, lookup, ctx, den, why);
}

static rule_result eval_yesno(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			      void *ctx)
{
	(void)fw;
	return rule_yesno(lookup(ctx, ind->variable));
}

static rule_result eval_tier(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			     void *ctx)
{
	(void)fw;
	return rule_tier(ind, lookup(ctx, ind->variable));
}

static rule_result eval_count_tiers(const framework *fw, const fw_indicator *ind,
				    rule_lookup lookup, void *ctx)
{
	rule_value none = {false, 0.0, NULL, 0};

	(void)fw;
	return rule_count_tiers(ind, ind->gate ? lookup(ctx, ind->gate) : none,
				lookup(ctx, ind->variable));
}

/* A ratio kind's shape on r = num / den, with its parameter (T, F). */
typedef rule_result (*ratio_shape)(double num, double den, double param, over_policy over);

static rule_result shape_plain(double num, double den, double param, over_policy over)
{
	(void)param;
	return rule_ratio(num, den, over);
}

static rule_result eval_terms(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			      void *ctx, ratio_shape shape, double param)
{
	double num = 0, den = 0;
	unsigned why = 0;

	if (!ratio_terms(ind, lookup, ctx, &num, &den, &why))
		return missing(why);
	return shape(num, den, param, fw->numerator_above_denominator);
}

static rule_result eval_ratio(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			      void *ctx)
{
	return eval_terms(fw, ind, lookup, ctx, shape_plain, 0.0);
}

static rule_result eval_ratio_threshold(const framework *fw, const fw_indicator *ind,
					rule_lookup lookup, void *ctx)
{
	return eval_terms(fw, ind, lookup, ctx, rule_ratio_threshold, ind->threshold);
}

static rule_result eval_ratio_floor(const framework *fw, const fw_indicator *ind,
				    rule_lookup lookup, void *ctx)
{
	return eval_terms(fw, ind, lookup, ctx, rule_ratio_floor, ind->floor);
}

/* The commune's raw x (an amount, or a ratio) in .ratio, fraction 0: the
 * scorer normalises x over the set. */
static rule_result eval_cross_commune(const framework *fw, const fw_indicator *ind,
				      rule_lookup lookup, void *ctx)
{
	rule_result r;

	if (ind->variable) {
		rule_value v = lookup(ctx, ind->variable);
		rule_result x = {0.0, v.num, 0};
		return v.present ? x : missing(v.why);
	}
	r = eval_ratio(fw, ind, lookup, ctx);
	r.fraction = 0.0;
	return r;
}

/* ---- describe: the rule in words ---- */

static void words_name(const fw_indicator *ind, char *buf, size_t len)
{
	snprintf(buf, len, "%s", rule_kind_name(ind->kind));
}

static void words_ratio(const fw_indicator *ind, char *buf, size_t len)
{
	(void)ind;
	snprintf(buf, len, "ratio: r = min(a/b, 1)");
}

static void words_ratio_threshold(const fw_indicator *ind, char *buf, size_t len)
{
	snprintf(buf, len, "ratio_threshold: r = min(a/b, 1); 1 if r ≥ %g, else r / %g",
		 ind->threshold, ind->threshold);
}

static void words_ratio_floor(const fw_indicator *ind, char *buf, size_t len)
{
	snprintf(buf, len, "ratio_floor: r = min(a/b, 1) if r ≥ %g, else 0", ind->floor);
}

static void words_cross_commune(const fw_indicator *ind, char *buf, size_t len)
{
	snprintf(buf, len, "cross_commune (%s) over the communes scored together",
		 ind->norm == NORM_MAX ? "x / max" : "(x - min) / (max - min)");
}

/* ---- arithmetic: one commune's score in words ---- */

static void describe_sum(const fw_variable *const *vars, size_t n, rule_lookup lookup, void *ctx,
			 strbuf *sb)
{
	char buf[64];

	if (n > 1)
		sb_appends(sb, "(");
	for (size_t i = 0; i < n; i++) {
		rule_value v = lookup(ctx, vars[i]);
		if (v.present)
			format_number(buf, v.num);
		sb_appendf(sb, "%s%s %s", i ? " + " : "", vars[i]->name, v.present ? buf : "?");
	}
	if (n > 1)
		sb_appends(sb, ")");
}

/* "r = (a 1 + b 2) / c 4": the ratio's terms with their values. */
static void describe_terms(const char *name, const fw_indicator *ind, rule_lookup lookup, void *ctx,
			   strbuf *sb)
{
	sb_appendf(sb, "%s = ", name);
	describe_sum(ind->numerator, ind->n_numerator, lookup, ctx, sb);
	sb_appends(sb, " / ");
	describe_sum(ind->denominator, ind->n_denominator, lookup, ctx, sb);
}

static void arith_yesno(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
			rule_result r, double set_min, double set_max, strbuf *sb)
{
	char c[64];

	(void)fw, (void)lookup, (void)ctx, (void)set_min, (void)set_max;
	format_number(c, r.fraction * ind->max);
	sb_appendf(sb, "%s = %s: %s × %g = %s", ind->variable->name, r.fraction > 0 ? "yes" : "no",
		   r.fraction > 0 ? "1" : "0", ind->max, c);
}

static void arith_tier(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
		       rule_result r, double set_min, double set_max, strbuf *sb)
{
	rule_value v = lookup(ctx, ind->variable);
	char a[64], c[64];

	(void)fw, (void)set_min, (void)set_max;
	format_number(c, r.fraction * ind->max);
	format_number(a, r.fraction);
	sb_appendf(sb, "%s = %s: %s × %g = %s", ind->variable->name, v.text ? v.text : "?", a,
		   ind->max, c);
}

static void arith_count_tiers(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			      void *ctx, rule_result r, double set_min, double set_max, strbuf *sb)
{
	rule_value v = lookup(ctx, ind->variable);
	char a[64], b[64], c[64];

	(void)fw, (void)set_min, (void)set_max;
	format_number(c, r.fraction * ind->max);
	if (ind->gate) {
		rule_value g = lookup(ctx, ind->gate);
		if (g.present && g.num == 0.0) {
			sb_appendf(sb, "%s = no: 0 points whatever %s", ind->gate->name,
				   ind->variable->name);
			return;
		}
		sb_appendf(sb, "%s = yes; ", ind->gate->name);
	}
	format_number(a, v.num);
	format_number(b, r.fraction);
	sb_appendf(sb, "%s = %s", ind->variable->name, a);
	for (size_t i = 0; i < ind->n_bands; i++)
		if (v.num >= ind->bands[i].min) {
			sb_appendf(sb, " (band ≥ %g)", ind->bands[i].min);
			break;
		}
	sb_appendf(sb, ": %s × %g = %s", b, ind->max, c);
}

/* "r = num / den = 0.75" with what became of a numerator above its
 * denominator, the ratio formatted in a and the points in c; false
 * (having said so) when the denominator is 0. */
static bool arith_ratio_head(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			     void *ctx, rule_result r, strbuf *sb, char a[64], char c[64])
{
	describe_terms("r", ind, lookup, ctx, sb);
	if (r.flags & FLAG_NO_DENOMINATOR) {
		sb_appends(sb, ": denominator is 0, 0 points (no_denominator)");
		return false;
	}
	format_number(a, r.ratio);
	sb_appendf(sb, " = %s", a);
	if (r.flags & FLAG_NUM_ABOVE_DEN)
		sb_appendf(sb, " (numerator above denominator: %s)",
			   fw->numerator_above_denominator == OVER_CLAMP ? "clamped to 1"
									 : "scored 0");
	format_number(c, r.fraction * ind->max);
	return true;
}

static void arith_ratio(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx,
			rule_result r, double set_min, double set_max, strbuf *sb)
{
	char a[64], b[64], c[64];

	(void)set_min, (void)set_max;
	if (!arith_ratio_head(fw, ind, lookup, ctx, r, sb, a, c))
		return;
	format_number(b, r.fraction);
	sb_appendf(sb, ": %s × %g = %s", b, ind->max, c);
}

static void arith_ratio_threshold(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
				  void *ctx, rule_result r, double set_min, double set_max,
				  strbuf *sb)
{
	char a[64], c[64];

	(void)set_min, (void)set_max;
	if (!arith_ratio_head(fw, ind, lookup, ctx, r, sb, a, c))
		return;
	if (r.ratio >= ind->threshold)
		sb_appendf(sb, " ≥ %g: 1 × %g = %s", ind->threshold, ind->max, c);
	else
		sb_appendf(sb, " < %g: %s / %g × %g = %s", ind->threshold, a, ind->threshold,
			   ind->max, c);
}

static void arith_ratio_floor(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
			      void *ctx, rule_result r, double set_min, double set_max, strbuf *sb)
{
	char a[64], c[64];

	(void)set_min, (void)set_max;
	if (!arith_ratio_head(fw, ind, lookup, ctx, r, sb, a, c))
		return;
	if (r.ratio >= ind->floor)
		sb_appendf(sb, " ≥ %g: %s × %g = %s", ind->floor, a, ind->max, c);
	else
		sb_appendf(sb, " < %g: 0 points", ind->floor);
}

static void arith_cross_commune(const framework *fw, const fw_indicator *ind, rule_lookup lookup,
				void *ctx, rule_result r, double set_min, double set_max,
				strbuf *sb)
{
	char a[64], b[64], c[64];

	(void)fw;
	format_number(c, r.fraction * ind->max);
	if (ind->variable) {
		describe_sum(&ind->variable, 1, lookup, ctx, sb);
	} else {
		describe_terms("x", ind, lookup, ctx, sb);
	}
	if (r.flags & FLAG_NO_DENOMINATOR) {
		sb_appends(sb, ": denominator is 0, 0 points");
		return;
	}
	format_number(a, r.ratio);
	sb_appendf(sb, " = %s%s; ", a,
		   (r.flags & FLAG_NUM_ABOVE_DEN) ? " (numerator above denominator, clamped)" : "");
	format_number(a, set_max);
	format_number(b, set_min);
	if (ind->norm == NORM_MAX)
		sb_appendf(sb, "normalised x / max, max over the communes scored = %s", a);
	else
		sb_appendf(sb, "normalised (x - min) / (max - min), min = %s, max = %s", b, a);
	format_number(a, r.fraction);
	sb_appendf(sb, ": %s × %g = %s", a, ind->max, c);
}

/* ---- the table ---- */

static const rule_kind_def kinds[] = {
	[RULE_YESNO] = {"yesno", false, RULE_MEASURES_ANSWER, parse_yesno, eval_yesno, words_name,
			arith_yesno},
	[RULE_TIER] = {"tier", false, RULE_MEASURES_ANSWER, parse_tier, eval_tier, words_name,
		       arith_tier},
	[RULE_COUNT_TIERS] = {"count_tiers", false, RULE_MEASURES_VALUE, parse_count_tiers,
			      eval_count_tiers, words_name, arith_count_tiers},
	[RULE_RATIO] = {"ratio", false, RULE_MEASURES_RATIO, parse_ratio, eval_ratio, words_ratio,
			arith_ratio},
	[RULE_RATIO_THRESHOLD] = {"ratio_threshold", false, RULE_MEASURES_RATIO,
				  parse_ratio_threshold, eval_ratio_threshold,
				  words_ratio_threshold, arith_ratio_threshold},
	[RULE_RATIO_FLOOR] = {"ratio_floor", false, RULE_MEASURES_RATIO, parse_ratio_floor,
			      eval_ratio_floor, words_ratio_floor, arith_ratio_floor},
	/* On an amount it measures the amount; on a ratio, the ratio. */
	[RULE_CROSS_COMMUNE] = {"cross_commune", true, RULE_MEASURES_VALUE, parse_cross_commune,
				eval_cross_commune, words_cross_commune, arith_cross_commune},
};

_Static_assert(sizeof kinds / sizeof kinds[0] == RULE_KIND_COUNT,
	       "every rule kind of framework.h has an entry in the table");

const rule_kind_def *rule_kind_get(rule_kind k)
{
	return (unsigned)k < RULE_KIND_COUNT ? &kinds[k] : NULL;
}

const rule_kind_def *rule_kind_of(const fw_indicator *ind)
{
	return rule_kind_get(ind->kind);
}

const char *rule_kind_name(rule_kind k)
{
	const rule_kind_def *def = rule_kind_get(k);
	return def && def->name ? def->name : "?";
}

bool rule_kind_from_name(const char *name, rule_kind *out)
{
	for (size_t k = 0; k < RULE_KIND_COUNT; k++)
		if (kinds[k].name && strcmp(name, kinds[k].name) == 0) {
			*out = (rule_kind)k;
			return true;
		}
	return false;
}

rule_measure rule_kind_measures(const fw_indicator *ind)
{
	return ind->n_numerator ? RULE_MEASURES_RATIO : rule_kind_of(ind)->measures;
}
