#include "rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rule_kinds.h"

static const struct {
	unsigned bit;
	const char *name;
} flag_names[] = {
#define SCORE_FLAG_NAME(n, bit, s) {bit, s},
	SCORE_FLAGS(SCORE_FLAG_NAME)
#undef SCORE_FLAG_NAME
};

void flags_format(unsigned flags, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	/* Without snprintf: a national run formats half a million rows' flags. */
	for (size_t i = 0; flags && i < sizeof flag_names / sizeof flag_names[0]; i++) {
		size_t m;
		if (!(flags & flag_names[i].bit))
			continue;
		flags &= ~flag_names[i].bit; /* the loop ends after the last one set */
		m = strlen(flag_names[i].name);
		if (n + (n ? 1 : 0) + m >= len)
			break;
		if (n)
			buf[n++] = ',';
		memcpy(buf + n, flag_names[i].name, m + 1);
		n += m;
	}
}

static rule_result missing(unsigned why)
{
	rule_result r = {0.0, NAN, FLAG_MISSING | why};
	return r;
}

rule_result rule_yesno(rule_value v)
{
	rule_result r = {0.0, NAN, 0};

	if (!v.present)
		return missing(v.why);
	r.fraction = v.num != 0.0 ? 1.0 : 0.0;
	return r;
}

rule_result rule_tier(const fw_indicator *ind, rule_value v)
{
	rule_result r = {0.0, NAN, 0};

	if (!v.present || !v.text)
		return missing(v.why);
	for (size_t i = 0; i < ind->n_tiers; i++)
		if (strcmp(ind->tiers[i].value, v.text) == 0) {
			r.fraction = ind->tiers[i].fraction;
			return r;
		}
	/* A value outside the enum never reaches staging; treat as missing. */
	return missing(0);
}

rule_result rule_count_tiers(const fw_indicator *ind, rule_value gate, rule_value count)
{
	rule_result r = {0.0, NAN, 0};

	if (ind->gate) {
		if (!gate.present)
			return missing(gate.why);
		if (gate.num == 0.0)
			return r; /* no section: 0 points, whatever the count */
	}
	if (!count.present)
		return missing(count.why);
	r.ratio = count.num;
	for (size_t i = 0; i < ind->n_bands; i++)
		if (count.num >= ind->bands[i].min) {
			r.fraction = ind->bands[i].fraction;
			break;
		}
	return r;
}

rule_result rule_ratio(double num, double den, over_policy over)
{
	rule_result r = {0.0, NAN, 0};

	if (!(den > 0.0)) {
		r.flags = FLAG_NO_DENOMINATOR;
		return r;
	}
	r.ratio = num / den;
	if (num > den) {
		r.flags = FLAG_NUM_ABOVE_DEN;
		r.ratio = over == OVER_CLAMP ? 1.0 : 0.0;
	}
	r.fraction = r.ratio;
	return r;
}

rule_result rule_ratio_threshold(double num, double den, double threshold, over_policy over)
{
	rule_result r = rule_ratio(num, den, over);

	if (isnan(r.ratio))
		return r;
	r.fraction = r.ratio >= threshold ? 1.0 : r.ratio / threshold;
	return r;
}

rule_result rule_ratio_floor(double num, double den, double floor_, over_policy over)
{
	rule_result r = rule_ratio(num, den, over);

	if (isnan(r.ratio))
		return r;
	r.fraction = r.ratio >= floor_ ? r.ratio : 0.0;
	return r;
}

double rule_normalise(norm_method m, double x, double min, double max)
{
	if (m == NORM_MAX)
		return max > 0.0 ? x / max : 0.0;
	if (max == min)
		return max > 0.0 ? 1.0 : 0.0;
	return (x - min) / (max - min);
}

rule_result rule_eval(const framework *fw, const fw_indicator *ind, rule_lookup lookup, void *ctx)
{
	const rule_kind_def *kind = rule_kind_of(ind);

	return kind ? kind->evaluate(fw, ind, lookup, ctx) : missing(0);
}

unsigned flags_parse(const char *text)
{
	unsigned flags = 0;
	const char *p = text;

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
			if (strlen(flag_names[i].name) == n &&
			    strncmp(flag_names[i].name, p, n) == 0)
				flags |= flag_names[i].bit;
		p = e ? e + 1 : NULL;
	}
	return flags;
}
