#include "batch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void batch_init(batch *b)
{
	memset(b, 0, sizeof *b);
	strmap_init(&b->seen);
}

void batch_free(batch *b)
{
	free(b->items);
	arena_free(&b->strings);
	strmap_free(&b->seen);
	memset(b, 0, sizeof *b);
}

bool batch_add(batch *b, const fw_variable *v, const char *commune_code, int year,
	       const char *raw, char decimal_sep, const char *proof_url, const char *note,
	       const char *where, dti_problems *p)
{
	char canon[128], key[256];
	double num = NAN;
	dti_diag d;
	intptr_t prev;
	batch_item *it;

	if (framework_value(v, raw, decimal_sep, canon, sizeof canon, &num, &d)) {
		problems_add(p, "%s: %s", where, d.msg);
		return false;
	}
	snprintf(key, sizeof key, "%s|%d|%s", commune_code, year, v->name);
	if (strmap_get(&b->seen, key, &prev)) {
		problems_add(p, "%s: duplicate: %s of commune %s for %d was already given at %s", where,
			     v->name, commune_code, year, b->items[prev].where);
		return false;
	}
	if (b->count == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->items = xrealloc(b->items, b->cap * sizeof *b->items);
	}
	it = &b->items[b->count];
	it->commune_code = arena_strdup(&b->strings, commune_code);
	it->year = year;
	it->variable = v;
	it->value = arena_strdup(&b->strings, canon);
	it->num = num;
	it->proof_url = proof_url && *proof_url ? arena_strdup(&b->strings, proof_url) : NULL;
	it->note = note && *note ? arena_strdup(&b->strings, note) : NULL;
	it->where = arena_strdup(&b->strings, where);
	strmap_put(&b->seen, key, (intptr_t)b->count);
	b->count++;
	return true;
}

dti_err batch_store(staging *st, batch *b, const batch_target *t, int64_t *run_id, dti_diag *d)
{
	return batch_store_with(st, b, t, NULL, NULL, run_id, d);
}

dti_err batch_store_with(staging *st, batch *b, const batch_target *t, batch_extra extra,
			 void *ctx, int64_t *run_id, dti_diag *d)
{
	int64_t source_id = 0, run = 0;
	char started[32], sha[65];
	dti_err rc;

	rc = staging_begin(st, d);
	if (rc)
		return rc;
	rc = staging_source(st, t->source, t->source_kind, &source_id, d);
	if (!rc)
		rc = staging_run_start(st, source_id, t->program, t->year, t->input, &run, started, d);
	if (!rc && t->payload) {
		rc = staging_put_payload(st, t->payload, t->payload_len, sha, d);
		if (!rc)
			rc = staging_run_set_payload(st, run, sha, d);
	}
	if (!rc && t->forced)
		rc = staging_run_set_forced(st, run, getenv("USER"), d);
	for (size_t i = 0; !rc && i < b->count; i++) {
		batch_item *it = &b->items[i];
		observation o = {it->commune_code, it->year, it->variable->name, it->value,
				 it->num, it->proof_url, it->note};
		rc = staging_put(st, run, source_id, started, &o, d);
	}
	if (!rc && extra)
		rc = extra(st, run, ctx, d);
	if (!rc) {
		b->counts.stored = (long)b->count;
		rc = staging_run_finish(st, run, "ok", &b->counts, NULL, d);
	}
	if (!rc)
		rc = staging_commit(st, d);
	if (rc) {
		staging_rollback(st);
		b->counts.stored = 0;
		return rc;
	}
	if (run_id)
		*run_id = run;
	return DTI_EOK;
}

dti_err batch_record_failure(staging *st, const batch_target *t, const run_counts *c,
			     const char *error, dti_diag *d)
{
	int64_t source_id = 0;
	dti_err rc = staging_source(st, t->source, t->source_kind, &source_id, d);

	if (rc)
		return rc;
	return staging_run_failed(st, source_id, t->program, t->year, t->input, c, error, d);
}

char *problems_join(const dti_problems *p, size_t max_items)
{
	strbuf sb;

	sb_init(&sb, 16384);
	for (size_t i = 0; i < p->stored && i < max_items; i++)
		if (sb_appendf(&sb, "%s%s", i ? "\n" : "", p->items[i]))
			break;
	if (p->count > max_items)
		sb_appendf(&sb, "\n(%zu problems in all)", p->count);
	return sb_take(&sb);
}
