#include "framework.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "framework_int.h"
#include "rule_kinds.h"
#include "text.h"
#include "units.h"
#include "util.h"

#define FRAMEWORK_MAX_BYTES (8u << 20)

const char *var_type_name(var_type t)
{
	static const char *const names[] = {"count", "amount", "yesno", "enum"};
	return names[t];
}

static char *str_or_empty(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return xstrdup(s ? s : "");
}

bool framework_applies(const fw_indicator *ind, int unit_type)
{
	if (!ind->applies_to)
		return true;
	return unit_type >= 0 && unit_type < UNIT_TYPE_COUNT &&
	       (ind->applies_to & (1u << unit_type));
}

double framework_max_for(const framework *fw, const fw_pillar *pl, int unit_type)
{
	size_t first = pl ? pl->first : 0, n = pl ? pl->count : fw->n_indicators;
	double sum = 0;
	bool all = true;

	for (size_t i = first; i < first + n; i++) {
		if (framework_applies(&fw->indicators[i], unit_type))
			sum += fw->indicators[i].max;
		else
			all = false;
	}
	return all ? (pl ? pl->max : fw->total) : sum;
}

const char *framework_applies_words(const fw_indicator *ind, char *buf, size_t len)
{
	size_t n = 0;

	snprintf(buf, len, "%s", ind->applies_to ? "" : "every unit");
	for (int t = 0; ind->applies_to && t < UNIT_TYPE_COUNT && n < len; t++)
		if (ind->applies_to & (1u << t))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      unit_type_name(t));
	return buf;
}

bool framework_indicator_uses(const fw_indicator *ind, const fw_variable *v)
{
	if (ind->variable == v || ind->gate == v)
		return true;
	for (size_t k = 0; k < ind->n_numerator; k++)
		if (ind->numerator[k] == v)
			return true;
	for (size_t k = 0; k < ind->n_denominator; k++)
		if (ind->denominator[k] == v)
			return true;
	return false;
}

const fw_variable *framework_variable(const framework *fw, const char *name)
{
	intptr_t found;

	if (fw->variable_index.count)
		return strmap_get(&fw->variable_index, name, &found) ? &fw->variables[found] : NULL;
	for (size_t i = 0; i < fw->n_variables; i++)
		if (strcmp(fw->variables[i].name, name) == 0)
			return &fw->variables[i];
	return NULL;
}

const fw_indicator *framework_indicator(const framework *fw, const char *id)
{
	intptr_t found;

	/* The index once the file is loaded (the readers of a national run
	 * ask for every score row); the list while it is being read. */
	if (fw->indicator_index.count)
		return strmap_get(&fw->indicator_index, id, &found) ? &fw->indicators[found] : NULL;
	for (size_t i = 0; i < fw->n_indicators; i++)
		if (strcmp(fw->indicators[i].id, id) == 0)
			return &fw->indicators[i];
	return NULL;
}

void framework_free(framework *fw)
{
	if (!fw)
		return;
	for (size_t i = 0; i < fw->n_variables; i++) {
		fw_variable *v = &fw->variables[i];
		free(v->name);
		free(v->label);
		free(v->source);
		free(v->unit);
		for (size_t j = 0; j < v->n_values; j++) {
			free(v->values[j].value);
			free(v->values[j].label);
			free(v->values[j].key[0]);
			free(v->values[j].key[1]);
			for (size_t k = 0; k < v->values[j].n_aliases; k++)
				free(v->values[j].aliases[k]);
			free(v->values[j].aliases);
		}
		free(v->values);
	}
	for (size_t i = 0; i < fw->n_indicators; i++) {
		fw_indicator *ind = &fw->indicators[i];
		free(ind->id);
		free(ind->name);
		free(ind->numerator);
		free(ind->denominator);
		for (size_t j = 0; j < ind->n_tiers; j++)
			free(ind->tiers[j].value);
		free(ind->tiers);
		free(ind->bands);
		free(ind->method);
		free(ind->proof);
		free(ind->data_source);
		free(ind->verifiers);
	}
	for (size_t i = 0; i < fw->n_pillars; i++) {
		free(fw->pillars[i].id);
		free(fw->pillars[i].name);
		free(fw->pillars[i].name_en);
	}
	strmap_free(&fw->variable_index);
	strmap_free(&fw->indicator_index);
	free(fw->variables);
	free(fw->indicators);
	free(fw->pillars);
	free(fw->edition);
	free(fw->title);
	free(fw->sha256);
	free(fw->text);
	free(fw);
}

bool fw_json_number(json_t *obj, const char *key, double *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_number(v))
		return false;
	*out = json_number_value(v);
	return isfinite(*out);
}

/* An answer is read by folding it (text_fold: NFC, case folded, outer
 * blanks trimmed) and comparing it with each value's keys, its value,
 * label and aliases folded alike at load: two values must not read the
 * same, or an answer would pick one of them by position.  An empty key (a
 * missing label, or a value of blanks) matches nothing. */
static const char *enum_key(const fw_enum_value *e, size_t k)
{
	return k < 2 ? e->key[k] : e->aliases[k - 2];
}

static bool enum_ambiguous(const fw_variable *v, const char *name, dti_diag *d)
{
	for (size_t a = 0; a < v->n_values; a++)
		for (size_t b = a + 1; b < v->n_values; b++)
			for (size_t i = 0; i < 2 + v->values[a].n_aliases; i++)
				for (size_t j = 0; j < 2 + v->values[b].n_aliases; j++) {
					const char *ka = enum_key(&v->values[a], i),
						   *kb = enum_key(&v->values[b], j);
					if (!*ka || !*kb || strcmp(ka, kb) != 0)
						continue;
					diag_set(d, DTI_EFRAMEWORK,
						 "%s: variable %s: enum values '%s' and '%s' read "
						 "the same ('%s')",
						 name, v->name, v->values[a].value,
						 v->values[b].value, ka);
					return true;
				}
	return false;
}

/* An enum value's or label's key: folded as answers are, or as it is
 * when folding fails (not UTF-8; jansson strings always are). */
static char *answer_key(const char *s)
{
	char *k = text_fold(s);

	return k ? k : xstrdup(s);
}

/* An enum value's "aliases": a list of strings, each folded as answers are. */
static dti_err load_aliases(fw_enum_value *e, json_t *ev, const char *name, const char *vname,
			    dti_diag *d)
{
	json_t *list = json_object_get(ev, "aliases"), *a;
	size_t i;

	if (!list)
		return DTI_EOK;
	if (!json_is_array(list))
		return diag_set(d, DTI_EFRAMEWORK,
				"%s: variable %s: enum value '%s': \"aliases\" must be a list of "
				"strings",
				name, vname, e->value);
	e->aliases = xcalloc(json_array_size(list) + 1, sizeof *e->aliases);
	json_array_foreach(list, i, a)
	{
		if (!json_is_string(a) || !*json_string_value(a))
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: variable %s: enum value '%s': alias #%zu is not a "
					"non-empty string",
					name, vname, e->value, i + 1);
		e->aliases[e->n_aliases++] = answer_key(json_string_value(a));
	}
	return DTI_EOK;
}

static dti_err load_variables(framework *fw, json_t *arr, const char *name, dti_diag *d)
{
	size_t i;
	json_t *jv;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return diag_set(d, DTI_EFRAMEWORK, "%s: \"variables\" must be a non-empty array",
				name);
	fw->variables = xcalloc(json_array_size(arr), sizeof *fw->variables);
	json_array_foreach(arr, i, jv)
	{
		fw_variable *v = &fw->variables[fw->n_variables];
		const char *vname = json_string_value(json_object_get(jv, "name"));
		const char *type = json_string_value(json_object_get(jv, "type"));
		const char *agg = json_string_value(json_object_get(jv, "aggregate"));
		const char *unit = json_string_value(json_object_get(jv, "unit"));
		json_t *values = json_object_get(jv, "values");

		if (!vname || !*vname)
			return diag_set(d, DTI_EFRAMEWORK, "%s: variable #%zu has no name", name,
					i + 1);
		if (framework_variable(fw, vname))
			return diag_set(d, DTI_EFRAMEWORK, "%s: variable %s is defined twice", name,
					vname);
		v->name = xstrdup(vname);
		fw->n_variables++;
		if (!type)
			return diag_set(d, DTI_EFRAMEWORK, "%s: variable %s has no type", name,
					vname);
		if (strcmp(type, "count") == 0)
			v->type = VAR_COUNT;
		else if (strcmp(type, "amount") == 0)
			v->type = VAR_AMOUNT;
		else if (strcmp(type, "yesno") == 0)
			v->type = VAR_YESNO;
		else if (strcmp(type, "enum") == 0)
			v->type = VAR_ENUM;
		else
			return diag_set(
				d, DTI_EFRAMEWORK,
				"%s: variable %s: unknown type '%s' (count, amount, yesno, enum)",
				name, vname, type);
		if (agg && strcmp(agg, "sum") == 0)
			v->summed = true;
		else if (agg && strcmp(agg, "latest") != 0)
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: variable %s: unknown aggregate '%s' (latest, sum)",
					name, vname, agg);
		if (v->summed && (v->type == VAR_YESNO || v->type == VAR_ENUM))
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: variable %s: only numbers can be summed over sources",
					name, vname);
		v->label = str_or_empty(jv, "label");
		v->source = str_or_empty(jv, "source");
		v->unit = unit ? xstrdup(unit) : NULL;
		if (v->type == VAR_ENUM) {
			size_t j;
			json_t *ev;
			if (!json_is_array(values) || json_array_size(values) == 0)
				return diag_set(
					d, DTI_EFRAMEWORK,
					"%s: variable %s: an enum needs a non-empty \"values\" list",
					name, vname);
			v->values = xcalloc(json_array_size(values), sizeof *v->values);
			json_array_foreach(values, j, ev)
			{
				const char *val = json_string_value(json_object_get(ev, "value"));
				if (!val || !*val)
					return diag_set(
						d, DTI_EFRAMEWORK,
						"%s: variable %s: enum value #%zu has no \"value\"",
						name, vname, j + 1);
				for (size_t k = 0; k < v->n_values; k++)
					if (strcmp(v->values[k].value, val) == 0)
						return diag_set(
							d, DTI_EFRAMEWORK,
							"%s: variable %s: enum value '%s' twice",
							name, vname, val);
				v->values[v->n_values].value = xstrdup(val);
				v->values[v->n_values].label = str_or_empty(ev, "label");
				v->values[v->n_values].key[0] = answer_key(val);
				v->values[v->n_values].key[1] =
					answer_key(v->values[v->n_values].label);
				if (load_aliases(&v->values[v->n_values++], ev, name, vname, d))
					return DTI_EFRAMEWORK;
			}
			if (enum_ambiguous(v, name, d))
				return DTI_EFRAMEWORK;
		}
	}
	return DTI_EOK;
}

static dti_err load_rule(framework *fw, fw_indicator *ind, json_t *rule, const char *where,
			 dti_diag *d)
{
	const char *kind = json_string_value(json_object_get(rule, "kind"));

	if (!json_is_object(rule))
		return diag_set(d, DTI_EFRAMEWORK, "%s: no \"rule\" object", where);
	if (!kind)
		return diag_set(d, DTI_EFRAMEWORK, "%s: rule has no \"kind\"", where);
	if (!rule_kind_from_name(kind, &ind->kind))
		return diag_set(d, DTI_EFRAMEWORK, "%s: unknown rule kind '%s'", where, kind);
	return rule_kind_of(ind)->parse(fw, ind, rule, where, d);
}

/* "required" or "optional"; absent keeps dflt. */
static dti_err proof_link_word(json_t *v, bool dflt, bool *out, const char *name, const char *where,
			       dti_diag *d)
{
	const char *w = json_string_value(v);

	*out = dflt;
	if (!v)
		return DTI_EOK;
	if (w && strcmp(w, "required") == 0)
		*out = true;
	else if (w && strcmp(w, "optional") == 0)
		*out = false;
	else
		return diag_set(d, DTI_EFRAMEWORK,
				"%s: %s \"proof_link\" must be \"required\" or \"optional\"", name,
				where);
	return DTI_EOK;
}

static dti_err load_policy(framework *fw, json_t *policy, const char *name, dti_diag *d)
{
	static const struct {
		const char *key, *allowed[3];
	} fields[] = {
		{"missing", {"zero_flag", NULL, NULL}},
		{"zero_denominator", {"zero_flag", NULL, NULL}},
		{"numerator_above_denominator", {"clamp_flag", "zero_flag", NULL}},
		{"normalisation", {"max", "minmax", NULL}},
		{"cross_commune_missing", {"exclude_zero_flag", NULL, NULL}},
	};
	const char *over, *norm;

	if (!json_is_object(policy))
		return diag_set(d, DTI_EFRAMEWORK, "%s: no \"policy\" object", name);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *v = json_string_value(json_object_get(policy, fields[i].key));
		bool ok = false;
		if (!v)
			return diag_set(d, DTI_EFRAMEWORK, "%s: policy \"%s\" is not set", name,
					fields[i].key);
		for (int j = 0; j < 3 && fields[i].allowed[j]; j++)
			ok = ok || strcmp(v, fields[i].allowed[j]) == 0;
		if (!ok)
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: policy \"%s\": unsupported value '%s'", name,
					fields[i].key, v);
	}
	over = json_string_value(json_object_get(policy, "numerator_above_denominator"));
	norm = json_string_value(json_object_get(policy, "normalisation"));
	fw->numerator_above_denominator = strcmp(over, "clamp_flag") == 0 ? OVER_CLAMP : OVER_ZERO;
	fw->default_norm = strcmp(norm, "minmax") == 0 ? NORM_MINMAX : NORM_MAX;
	return proof_link_word(json_object_get(policy, "proof_link"), false,
			       &fw->proof_link_required, name, "policy", d);
}

/* "applies_to": the unit types an indicator is scored for, a non-empty
 * list of unit_type_of words; absent: every unit (ind->applies_to 0). */
static dti_err load_applies_to(framework *fw, fw_indicator *ind, json_t *v, const char *where,
			       dti_diag *d)
{
	char known[64];
	size_t i;
	json_t *jt;

	if (!v)
		return DTI_EOK;
	snprintf(known, sizeof known, "%s, %s, %s, %s", unit_type_name(UNIT_TYPE_XA),
		 unit_type_name(UNIT_TYPE_PHUONG), unit_type_name(UNIT_TYPE_THI_TRAN),
		 unit_type_name(UNIT_TYPE_DAC_KHU));
	if (!json_is_array(v) || json_array_size(v) == 0)
		return diag_set(d, DTI_EFRAMEWORK,
				"%s: \"applies_to\" must be a non-empty list of unit types (%s)",
				where, known);
	json_array_foreach(v, i, jt)
	{
		const char *word = json_string_value(jt);
		int t = unit_type_of(word);
		if (!word)
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: \"applies_to\" #%zu is not a unit type in quotes (%s)",
					where, i + 1, known);
		if (t < 0)
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: \"applies_to\": unknown unit type '%s' (%s)", where,
					word, known);
		if (ind->applies_to & (1u << t))
			return diag_set(d, DTI_EFRAMEWORK, "%s: \"applies_to\" names %s twice",
					where, unit_type_name(t));
		ind->applies_to |= 1u << t;
	}
	fw->by_unit_type = true;
	return DTI_EOK;
}

/* Indicator #j (0-based) of pillar pid, appended to fw->indicators. */
static dti_err load_indicator(framework *fw, json_t *ji, const char *pid, size_t j,
			      const char *name, dti_diag *d)
{
	fw_indicator *ind = &fw->indicators[fw->n_indicators];
	const char *id = json_string_value(json_object_get(ji, "id"));
	char where[128];
	dti_err rc;

	if (!id || !*id)
		return diag_set(d, DTI_EFRAMEWORK, "%s: pillar %s: indicator #%zu has no id", name,
				pid, j + 1);
	if (framework_indicator(fw, id))
		return diag_set(d, DTI_EFRAMEWORK, "%s: indicator %s appears twice", name, id);
	ind->id = xstrdup(id);
	ind->pillar = fw->n_pillars - 1;
	ind->name = str_or_empty(ji, "name");
	ind->method = str_or_empty(ji, "method");
	ind->proof = str_or_empty(ji, "proof");
	ind->data_source = str_or_empty(ji, "data_source");
	ind->verifiers = str_or_empty(ji, "verifiers");
	fw->n_indicators++;
	snprintf(where, sizeof where, "%s: indicator %s", name, id);
	if (!fw_json_number(ji, "max", &ind->max) || ind->max <= 0)
		return diag_set(d, DTI_EFRAMEWORK, "%s: \"max\" must be a positive number", where);
	rc = load_rule(fw, ind, json_object_get(ji, "rule"), where, d);
	if (!rc)
		rc = proof_link_word(json_object_get(ji, "proof_link"), fw->proof_link_required,
				     &ind->proof_link_required, where, "indicator", d);
	if (!rc)
		rc = load_applies_to(fw, ind, json_object_get(ji, "applies_to"), where, d);
	return rc;
}

static dti_err load_pillars(framework *fw, json_t *arr, const char *name, dti_diag *d)
{
	size_t i, total_ind = 0;
	json_t *jp;
	double sum = 0;
	dti_err rc;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return diag_set(d, DTI_EFRAMEWORK, "%s: \"pillars\" must be a non-empty array",
				name);
	json_array_foreach(arr, i, jp) total_ind +=
		json_array_size(json_object_get(jp, "indicators"));
	fw->pillars = xcalloc(json_array_size(arr), sizeof *fw->pillars);
	fw->indicators = xcalloc(total_ind ? total_ind : 1, sizeof *fw->indicators);
	json_array_foreach(arr, i, jp)
	{
		fw_pillar *p = &fw->pillars[fw->n_pillars];
		const char *pid = json_string_value(json_object_get(jp, "id"));
		json_t *inds = json_object_get(jp, "indicators");
		size_t j;
		json_t *ji;
		double psum = 0;

		if (!pid || !*pid)
			return diag_set(d, DTI_EFRAMEWORK, "%s: pillar #%zu has no id", name,
					i + 1);
		for (size_t k = 0; k < fw->n_pillars; k++)
			if (strcmp(fw->pillars[k].id, pid) == 0)
				return diag_set(d, DTI_EFRAMEWORK, "%s: pillar %s appears twice",
						name, pid);
		p->id = xstrdup(pid);
		p->name = str_or_empty(jp, "name");
		p->name_en = str_or_empty(jp, "name_en");
		fw->n_pillars++;
		if (!fw_json_number(jp, "max", &p->max) || p->max <= 0)
			return diag_set(d, DTI_EFRAMEWORK,
					"%s: pillar %s: \"max\" must be a positive number", name,
					pid);
		if (!json_is_array(inds) || json_array_size(inds) == 0)
			return diag_set(d, DTI_EFRAMEWORK, "%s: pillar %s has no indicators", name,
					pid);
		p->first = fw->n_indicators;
		json_array_foreach(inds, j, ji)
		{
			rc = load_indicator(fw, ji, pid, j, name, d);
			if (rc)
				return rc;
			psum += fw->indicators[fw->n_indicators - 1].max;
		}
		p->count = fw->n_indicators - p->first;
		if (fabs(psum - p->max) > 1e-9)
			return diag_set(
				d, DTI_EFRAMEWORK,
				"%s: pillar %s: indicators add up to %g points, the pillar's maximum is %g",
				name, pid, psum, p->max);
		sum += p->max;
	}
	if (fabs(sum - fw->total) > 1e-9)
		return diag_set(d, DTI_EFRAMEWORK,
				"%s: pillars add up to %g points, not %g (the file's \"total\")",
				name, sum, fw->total);
	return DTI_EOK;
}

/* The edition's points, stated by the file: the pillars must add up to it
 * (load_pillars).  Refused when absent rather than taken from the pillars,
 * which would accept any pillar typo as the edition's total. */
static dti_err load_total(framework *fw, json_t *root, const char *name, dti_diag *d)
{
	if (!fw_json_number(root, "total", &fw->total) || fw->total <= 0)
		return diag_set(
			d, DTI_EFRAMEWORK,
			"%s: \"total\" must be a positive number, the points the pillars add up to",
			name);
	return DTI_EOK;
}

dti_err framework_parse(const char *text, size_t len, const char *name, framework **out,
			dti_diag *d)
{
	json_error_t jerr;
	json_t *root = NULL;
	framework *fw = NULL;
	const char *edition;
	char sha[65];
	dti_err rc;

	*out = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return diag_set(d, DTI_EFRAMEWORK, "%s:%d:%d: %s", name, jerr.line, jerr.column,
				jerr.text);
	fw = xcalloc(1, sizeof *fw);
	fw->text = xstrndup(text, len);
	sha256_hex(text, len, sha);
	fw->sha256 = xstrdup(sha);
	edition = json_string_value(json_object_get(root, "edition"));
	if (!edition || !*edition) {
		rc = diag_set(d, DTI_EFRAMEWORK, "%s: no \"edition\"", name);
		goto out;
	}
	fw->edition = xstrdup(edition);
	fw->title = str_or_empty(root, "title");
	rc = load_policy(fw, json_object_get(root, "policy"), name, d);
	if (!rc)
		rc = load_variables(fw, json_object_get(root, "variables"), name, d);
	if (!rc)
		rc = load_total(fw, root, name, d);
	if (!rc)
		rc = load_pillars(fw, json_object_get(root, "pillars"), name, d);
	if (rc)
		goto out;
	for (size_t i = 0; i < fw->n_variables; i++)
		strmap_put(&fw->variable_index, fw->variables[i].name, (intptr_t)i);
	for (size_t i = 0; i < fw->n_indicators; i++)
		strmap_put(&fw->indicator_index, fw->indicators[i].id, (intptr_t)i);
out:
	json_decref(root);
	if (rc) {
		framework_free(fw);
		return rc;
	}
	*out = fw;
	return DTI_EOK;
}

dti_err framework_load(const char *path, framework **out, dti_diag *d)
{
	char *text = NULL;
	size_t len = 0;
	dti_err rc;

	rc = read_file(path, FRAMEWORK_MAX_BYTES, &text, &len, d);
	if (rc)
		return rc == DTI_EIO ? DTI_EFRAMEWORK : rc;
	rc = framework_parse(text, len, path, out, d);
	free(text);
	return rc;
}

/* s into canon as far as it holds (cut, always terminated): without
 * printf, which was a fifth of reading a value. */
static void canon_put(char *canon, size_t canon_len, const char *s)
{
	size_t n = strlen(s);

	if (!canon_len)
		return;
	if (n >= canon_len)
		n = canon_len - 1;
	memcpy(canon, s, n);
	canon[n] = '\0';
}

/* The usual figure, a whole number of at most 15 digits without a leading
 * zero, is its own canonical text and exact as a double: what the general
 * path of framework_value gives it, without its checks and writing. */
static bool plain_whole(const char *raw, double *num)
{
	uint64_t whole = 0;
	size_t n = 0;

	while (n < 16 && raw[n] >= '0' && raw[n] <= '9')
		whole = whole * 10 + (uint64_t)(raw[n++] - '0');
	if (n == 0 || n >= 16 || raw[n] != '\0' || (raw[0] == '0' && n > 1))
		return false;
	*num = (double)whole;
	return true;
}

dti_err framework_value(const fw_variable *v, const char *raw, char decimal_sep, char *canon,
			size_t canon_len, double *num, dti_diag *d)
{
	char *folded = NULL;
	dti_err rc = DTI_EOK;

	if ((v->type == VAR_COUNT || v->type == VAR_AMOUNT) && plain_whole(raw, num)) {
		canon_put(canon, canon_len, raw);
		return DTI_EOK;
	}
	if (!utf8_valid(raw, strlen(raw)))
		return diag_set(d, DTI_EINVALID, "value is not valid UTF-8");
	switch (v->type) {
	case VAR_COUNT:
	case VAR_AMOUNT: {
		double x;
		if (!parse_nonneg_decimal(raw, decimal_sep, &x)) {
			const char *p = raw;
			while (*p == ' ')
				p++;
			if (*p == '-')
				return diag_set(d, DTI_EINVALID,
						"'%s' is negative; %s must be >= 0", raw, v->name);
			return diag_set(d, DTI_EINVALID, "'%s' is not a non-negative number", raw);
		}
		if (v->type == VAR_COUNT && x != floor(x))
			return diag_set(d, DTI_EINVALID,
					"'%s' is not a whole number (%s is a count)", raw, v->name);
		if (v->type == VAR_COUNT && x > 9007199254740992.0)
			return diag_set(d, DTI_EINVALID, "'%s' is too large", raw);
		*num = x;
		if (x < 1e15 && x == floor(x)) {
			char buf[24];
			format_whole(buf, (long long)x);
			canon_put(canon, canon_len, buf);
		} else {
			char buf[64];
			format_number(buf, x);
			canon_put(canon, canon_len, buf);
		}
		return DTI_EOK;
	}
	case VAR_YESNO: {
		int yn = text_yesno(raw);
		if (yn < 0)
			return diag_set(
				d, DTI_EINVALID,
				"'%s' is not a yes/no answer (yes/no, true/false, 1/0, có/không)",
				raw);
		canon_put(canon, canon_len, yn ? "yes" : "no");
		*num = yn;
		return DTI_EOK;
	}
	case VAR_ENUM:
		/* The value as the framework writes it, the usual case, needs
		 * no folding. */
		for (size_t i = 0; i < v->n_values; i++)
			if (strcmp(raw, v->values[i].value) == 0) {
				canon_put(canon, canon_len, v->values[i].value);
				*num = NAN;
				return DTI_EOK;
			}
		folded = text_fold(raw);
		if (!folded)
			return diag_set(d, DTI_EINVALID, "value is not valid UTF-8");
		for (size_t i = 0; i < v->n_values; i++) {
			const fw_enum_value *e = &v->values[i];
			bool alias = false;
			for (size_t k = 0; k < e->n_aliases; k++)
				alias = alias || strcmp(folded, e->aliases[k]) == 0;
			if ((*e->key[0] && strcmp(folded, e->key[0]) == 0) ||
			    (*e->key[1] && strcmp(folded, e->key[1]) == 0) || alias) {
				canon_put(canon, canon_len, v->values[i].value);
				*num = NAN;
				goto out;
			}
		}
		{
			char allowed[512] = "";
			size_t n = 0;
			for (size_t i = 0; i < v->n_values && n < sizeof allowed; i++)
				n += (size_t)snprintf(allowed + n, sizeof allowed - n, "%s%s",
						      i ? ", " : "", v->values[i].value);
			rc = diag_set(d, DTI_EINVALID, "'%s' is not one of %s", raw, allowed);
		}
		break;
	}
out:
	free(folded);
	return rc;
}
