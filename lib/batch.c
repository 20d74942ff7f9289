#include "batch.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "digest.h"
#include "store_current.h"
#include "strmap.h"
#include "text.h"
#include "util.h"

void batch_init(batch *b)
{
	memset(b, 0, sizeof *b);
}

void batch_free(batch *b)
{
	free(b->items);
	free(b->places);
	arena_free(&b->strings);
	free(b->seen);
	memset(b, 0, sizeof *b);
}

/* A commune's values land in neighbouring slots (the variable's position
 * is added, not mixed in): a file lists a commune's values together, so
 * the table is touched one cache line at a time instead of once per value. */
static uint64_t item_hash(const char *commune_code, int year, const fw_variable *v)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *c = (const unsigned char *)commune_code; *c; c++)
		h = (h ^ *c) * 1099511628211ULL;
	h = (h ^ (uint64_t)year) * 0xC2B2AE3D27D4EB4FULL;
	return (h ^ (h >> 29)) + (uint64_t)((uintptr_t)v / sizeof *v);
}

/* The tag kept in a key's slot: the high half of its hash, mixed with its
 * variable, so that the keys of one commune (whose hashes share their high
 * half) differ by it and an item is read only on a real match. */
static uint32_t seen_tag(uint64_t h, const fw_variable *v)
{
	return (uint32_t)(h >> 32) ^ (uint32_t)((uintptr_t)v / sizeof *v) * 0x9E3779B9u;
}

/* The step from a slot to the next one tried for a key of this tag: odd,
 * so that it reaches every slot of the table (a power of two), and
 * another for each key, so that a commune's keys that land on another
 * commune's each go their own way instead of walking the other's run of
 * slots one by one (14 slots a value for a national sheet so, 0.2 now). */
static size_t seen_step(uint32_t tag, size_t mask)
{
	return (size_t)(((uint64_t)tag * 0x9E3779B97F4A7C15ULL) >> 20 | 1) & mask;
}

/* The slot of the item with this key in b->seen, or the empty one where
 * it would go.  The tags are compared first: the items are only read on
 * a real match. */
static size_t seen_find(const batch *b, uint64_t h, const char *commune_code, int year,
			const fw_variable *v)
{
	size_t mask = b->seen_cap - 1, i = (size_t)h & mask;
	uint32_t tag = seen_tag(h, v);
	size_t step = seen_step(tag, mask);

	while (b->seen[i].item) {
		const batch_item *it = &b->items[b->seen[i].item - 1];
		if (b->seen[i].tag == tag && it->variable == v && it->year == year &&
		    strcmp(it->commune_code, commune_code) == 0)
			break;
		i = (i + step) & mask;
	}
	return i;
}

bool batch_has(const batch *b, const char *commune_code, int year, const fw_variable *v)
{
	return b->seen_cap &&
	       b->seen[seen_find(b, item_hash(commune_code, year, v), commune_code, year, v)].item;
}

/* Room for n items: the item array and the key table (kept at most half
 * full, a power of two) grow, at least doubling, and the keys are placed
 * again in the larger table. */
static void make_room(batch *b, size_t n)
{
	struct batch_slot *old = b->seen;
	size_t old_cap = b->seen_cap, cap = old_cap ? old_cap : 1024, mask;

	if (n > b->cap) {
		b->cap = b->cap * 2 > n ? b->cap * 2 : n;
		b->items = xrealloc(b->items, b->cap * sizeof *b->items);
	}
	while (cap < 2 * n)
		cap *= 2;
	if (cap == old_cap)
		return;
	b->seen_cap = cap;
	b->seen = xcalloc(cap, sizeof *b->seen);
	mask = cap - 1;
	for (size_t i = 0; i < old_cap; i++) {
		const batch_item *it;
		size_t k;
		if (!old[i].item)
			continue;
		it = &b->items[old[i].item - 1];
		k = (size_t)item_hash(it->commune_code, it->year, it->variable) & mask;
		while (b->seen[k].item)
			k = (k + seen_step(old[i].tag, mask)) & mask;
		b->seen[k] = old[i];
	}
	free(old);
}

void batch_reserve(batch *b, size_t n)
{
	/* An estimate, not a promise: growth covers the rest. */
	make_room(b, n < (1u << 20) ? n : 1u << 20);
}

uint32_t batch_new_place(batch *b, const char *head, const char *tail)
{
	if (b->n_places == b->cap_places) {
		b->cap_places = b->cap_places ? 2 * b->cap_places : 16;
		b->places = xrealloc(b->places, b->cap_places * sizeof *b->places);
	}
	b->places[b->n_places].head = arena_strdup(&b->strings, head);
	b->places[b->n_places].tail = *tail ? arena_strdup(&b->strings, tail) : "";
	return (uint32_t)b->n_places++;
}

/* Appends len bytes of s to out (n of cap used), as many as fit before
 * the NUL. */
static void put_bounded(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
	if (len > cap - 1 - *n)
		len = cap - 1 - *n;
	memcpy(out + *n, s, len);
	*n += len;
	out[*n] = '\0';
}

/* A place and a line as text (batch_item_where). */
static const char *where_text(const batch_place *w, long line, char *out, size_t cap)
{
	char num[24];
	size_t n = 0;

	if (line <= 0 && !*w->tail)
		return w->head;
	out[0] = '\0';
	put_bounded(out, cap, &n, w->head, strlen(w->head));
	if (line > 0) {
		size_t len = format_whole(num, line);
		put_bounded(out, cap, &n, ":", 1);
		put_bounded(out, cap, &n, num, len);
	}
	put_bounded(out, cap, &n, w->tail, strlen(w->tail));
	return out;
}

const char *batch_item_where(const batch *b, const batch_item *it, char *out, size_t cap)
{
	return where_text(&b->places[it->place], it->line, out, cap);
}

bool batch_add_at(batch *b, const fw_variable *v, const char *commune_code, int year,
		  const char *raw, char decimal_sep, const char *proof_url, const char *note,
		  uint32_t place, long line, dti_problems *p)
{
	const batch_place *where = &b->places[place];
	char canon[128], at[BATCH_WHERE], first[BATCH_WHERE];
	double num = NAN;
	dti_diag d;
	char why[TEXT_WHY];
	struct batch_slot *slot;
	uint64_t h;
	batch_item *it;

	/* Readers name the link's or note's own column first; this is the
	 * net under every writer. */
	if (proof_url && *proof_url && !text_link_ok(proof_url, why)) {
		problems_add(p, "%s: the proof link %s", where_text(where, line, at, sizeof at),
			     why);
		return false;
	}
	if (note && !text_note_ok(note, why)) {
		problems_add(p, "%s: the note %s", where_text(where, line, at, sizeof at), why);
		return false;
	}
	if (framework_value(v, raw, decimal_sep, canon, sizeof canon, &num, &d)) {
		problems_add(p, "%s: %s", where_text(where, line, at, sizeof at), d.msg);
		return false;
	}
	make_room(b, b->count + 1);
	h = item_hash(commune_code, year, v);
	slot = &b->seen[seen_find(b, h, commune_code, year, v)];
	if (slot->item) {
		problems_add(p, "%s: duplicate: %s of commune %s for %d was already given at %s",
			     where_text(where, line, at, sizeof at), v->name, commune_code, year,
			     batch_item_where(b, &b->items[slot->item - 1], first, sizeof first));
		return false;
	}
	it = &b->items[b->count];
	/* Values of one commune come together: their items share its code. */
	if (b->count && strcmp(b->items[b->count - 1].commune_code, commune_code) == 0)
		it->commune_code = b->items[b->count - 1].commune_code;
	else
		it->commune_code = arena_strdup(&b->strings, commune_code);
	it->year = year;
	it->variable = v;
	it->value = arena_strdup(&b->strings, canon);
	it->num = num;
	it->proof_url = proof_url && *proof_url ? arena_strdup(&b->strings, proof_url) : NULL;
	it->note = note && *note ? arena_strdup(&b->strings, note) : NULL;
	it->place = place;
	it->line = line;
	b->count++;
	slot->tag = seen_tag(h, v);
	slot->item = (uint32_t)b->count;
	return true;
}

bool batch_add(batch *b, const fw_variable *v, const char *commune_code, int year, const char *raw,
	       char decimal_sep, const char *proof_url, const char *note, const char *where,
	       dti_problems *p)
{
	uint32_t place = batch_new_place(b, where, "");
	bool added = batch_add_at(b, v, commune_code, year, raw, decimal_sep, proof_url, note,
				  place, 0, p);

	/* The place is kept only for a value that is. */
	if (!added)
		b->n_places--;
	return added;
}

dti_err batch_store(staging *st, batch *b, const batch_target *t, int64_t *run_id, dti_diag *d)
{
	return batch_store_with(st, b, t, NULL, NULL, run_id, d);
}

/* The batch's communes and variables are in their tables: the check that
 * foreign keys would make on every row, made once per commune and
 * variable. */
static dti_err check_refs(staging *st, const batch *b, dti_diag *d)
{
	const fw_variable **vars = NULL;
	size_t nvars = 0, cap = 0, next = 0; /* next: after the last variable met */
	const char *last = NULL;
	char at[BATCH_WHERE];
	dti_err rc = DTI_EOK;
	bool found;

	for (size_t i = 0; !rc && i < b->count; i++) {
		const batch_item *it = &b->items[i];
		size_t k = next < nvars ? next : 0, tried = 0;
		if (!last || (last != it->commune_code && strcmp(last, it->commune_code) != 0)) {
			rc = staging_has_commune(st, it->commune_code, &found, d);
			if (!rc && !found)
				rc = diag_set(
					d, DTI_EINVALID, "%s: commune %s is not in the database",
					batch_item_where(b, it, at, sizeof at), it->commune_code);
			last = it->commune_code;
		}
		/* Looked for from the one after the last met: the variables
		 * come back in the same order for each commune. */
		while (tried < nvars && vars[k] != it->variable) {
			k = k + 1 < nvars ? k + 1 : 0;
			tried++;
		}
		next = tried < nvars ? k + 1 : nvars + 1;
		if (rc || tried < nvars)
			continue;
		rc = staging_has_variable(st, it->variable->name, &found, d);
		if (!rc && !found)
			rc = diag_set(d, DTI_EINVALID, "%s: variable %s is not in the database",
				      batch_item_where(b, it, at, sizeof at), it->variable->name);
		if (nvars == cap) {
			cap = cap ? cap * 2 : 64;
			vars = xrealloc(vars, cap * sizeof *vars);
		}
		vars[nvars++] = it->variable;
	}
	free(vars);
	return rc;
}

static bool same_text(const char *stored, const char *v)
{
	if (!stored || !v)
		return !stored && (!v || !*v);
	return strcmp(stored, v) == 0;
}

/* The source's stored figures against the batch's items. */
typedef struct current_merge {
	const batch *b;
	strmap variables; /* name -> the items' fw_variable, filled on first use */
	bool mapped;
	size_t next;   /* the item the next figure is expected to be for */
	bool *same;    /* by item index */
	int64_t *seen; /* by item index: the id of the stored figure compared */
} current_merge;

/* The item of o's key, or b->count when the batch has none: the one after
 * the last found when o is for it (a file read again lists its values in
 * the order they were stored), else through the key table. */
static size_t merge_item(current_merge *m, const observation *o)
{
	const batch *b = m->b;
	const batch_item *it = m->next < b->count ? &b->items[m->next] : NULL;
	intptr_t v = 0;
	size_t slot;

	if (it && it->year == o->year && strcmp(it->variable->name, o->variable) == 0 &&
	    strcmp(it->commune_code, o->commune_code) == 0)
		return m->next++;
	if (!m->mapped) {
		for (size_t i = 0; i < b->count; i++)
			strmap_put(&m->variables, b->items[i].variable->name,
				   (intptr_t)b->items[i].variable);
		m->mapped = true;
	}
	if (!strmap_get(&m->variables, o->variable, &v))
		return b->count;
	slot = seen_find(b, item_hash(o->commune_code, o->year, (const fw_variable *)v),
			 o->commune_code, o->year, (const fw_variable *)v);
	if (!b->seen[slot].item)
		return b->count;
	m->next = b->seen[slot].item;
	return b->seen[slot].item - 1;
}

static dti_err merge_stored(void *ctx, const observation *o, int64_t id, dti_diag *d)
{
	current_merge *m = ctx;
	size_t i = merge_item(m, o);

	(void)d;
	/* The source's current figure is its last one stored. */
	if (i == m->b->count || id < m->seen[i])
		return DTI_EOK;
	m->seen[i] = id;
	m->same[i] = same_text(o->value, m->b->items[i].value) &&
		     same_text(o->proof_url, m->b->items[i].proof_url) &&
		     same_text(o->note, m->b->items[i].note);
	return DTI_EOK;
}

/* same[i]: item i is what source_id stores for its key now.  One pass over
 * the source's figures of the batch's years in the order they were stored,
 * each matched with the item after the last matched, or else found in the
 * batch's key table. */
static dti_err mark_current(staging *st, int64_t source_id, const batch *b, bool *same, dti_diag *d)
{
	current_merge m = {b, {0},  false,
			   0, same, xcalloc(b->count ? b->count : 1, sizeof *m.seen)};
	int lo = 0, hi = 0;
	dti_err rc = DTI_EOK;

	strmap_init(&m.variables);
	for (size_t i = 0; i < b->count; i++) {
		lo = i == 0 || b->items[i].year < lo ? b->items[i].year : lo;
		hi = i == 0 || b->items[i].year > hi ? b->items[i].year : hi;
	}
	if (b->count && b->seen_cap)
		rc = staging_source_values(st, source_id, lo, hi, merge_stored, &m, d);
	strmap_free(&m.variables);
	free(m.seen);
	return rc;
}

/* A text or its absence, and its NUL, after an item's other fields, at
 * out (room checked by the caller): texts one after the other cannot run
 * together, and NULL is not "". */
static char *item_field(char *out, const char *s, size_t len)
{
	*out++ = s ? 't' : 'n';
	if (s) {
		memcpy(out, s, len + 1);
		out += len + 1;
	}
	return out;
}

/* 8 bytes as a little-endian number, and back: written out byte by byte,
 * which compilers make one load or store on any machine. */
static uint64_t load_le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
	       (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

static void store_le64(unsigned char *p, uint64_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
	p[4] = (unsigned char)(v >> 32);
	p[5] = (unsigned char)(v >> 40);
	p[6] = (unsigned char)(v >> 48);
	p[7] = (unsigned char)(v >> 56);
}

/* FNV-1a of n more bytes after state h (FNV_START before any). */
#define FNV_START 1469598103934665603ULL
static uint64_t fnv1a(uint64_t h, const char *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)bytes[i]) * 1099511628211ULL;
	return h;
}

/* Where the items' bytes are written, one item after the other.  A run
 * of items of one commune and year shares the first two fields: written
 * once at the start of buf, with the FNV-1a state after them. */
typedef struct item_writer {
	const char *code; /* the commune (an item's pointer) of the head in buf, or NULL */
	int year;
	size_t head_len;
	uint64_t head_fnv;
	char *heap; /* an item too long for buf, freed by the next call */
	char buf[1024];
} item_writer;

/* An item's bytes as the digests read them (commune, year, variable,
 * value, proof link, note: item_field each), *len of them, and the
 * FNV-1a of its key's (the first three fields) in *key_fnv unless NULL.
 * Valid until the next call; the caller frees w->heap after the last. */
static const char *item_bytes(item_writer *w, const batch_item *it, size_t *len, uint64_t *key_fnv)
{
	const char *name = it->variable->name;
	size_t n_name = strlen(name), n_value = it->value ? strlen(it->value) : 0,
	       n_proof = it->proof_url ? strlen(it->proof_url) : 0,
	       n_note = it->note ? strlen(it->note) : 0, n_code = 0, n_year = 0, head, total;
	bool same_head = w->code && it->commune_code == w->code && it->year == w->year;
	char year[24], *out, *end;

	if (same_head) {
		head = w->head_len;
	} else {
		n_code = strlen(it->commune_code);
		n_year = format_whole(year, it->year);
		head = n_code + n_year + 4;
		w->code = NULL;
	}
	total = head + n_name + 2 + (it->value ? n_value + 2 : 1) +
		(it->proof_url ? n_proof + 2 : 1) + (it->note ? n_note + 2 : 1);
	free(w->heap);
	w->heap = NULL;
	out = total <= sizeof w->buf ? w->buf : (w->heap = xmalloc(total));
	if (!same_head) {
		item_field(item_field(out, it->commune_code, n_code), year, n_year);
		w->head_fnv = key_fnv ? fnv1a(FNV_START, out, head) : 0;
		if (out == w->buf) {
			w->code = it->commune_code;
			w->year = it->year;
			w->head_len = head;
		}
	} else if (out != w->buf) {
		memcpy(out, w->buf, head);
	}
	end = item_field(out + head, name, n_name);
	if (key_fnv)
		*key_fnv = fnv1a(w->head_fnv, out + head, n_name + 2);
	end = item_field(end, it->value, n_value);
	end = item_field(end, it->proof_url, n_proof);
	end = item_field(end, it->note, n_note);
	*len = (size_t)(end - out);
	return out;
}

/* FNV-1a of an item's key bytes (item_bytes), never 0: where to look for
 * the key among the last batch's (a collision finds another key's pair,
 * whose figure hash, of the key too, then differs: the item is stored
 * again). */
static uint64_t key_hash64(uint64_t key_fnv)
{
	return key_fnv ? key_fnv : 1;
}

/* SipHash-2-4 of n bytes under a fixed key, as libsodium computes it on
 * every machine, never 0. */
static uint64_t item_hash64(const char *bytes, size_t n)
{
	static const unsigned char key[crypto_shorthash_siphash24_KEYBYTES] = "dti batch items";
	unsigned char h[crypto_shorthash_siphash24_BYTES];
	uint64_t v;

	crypto_shorthash_siphash24(h, (const unsigned char *)bytes, n, key);
	v = load_le64(h);
	return v ? v : 1;
}

/* The batch's digest into out (unless NULL) and, when hashes is not NULL,
 * each item's two hashes: hashes[2i] of its key's bytes (key_hash64),
 * hashes[2i + 1] of all its bytes (item_hash64).  False when the hashes could not be
 * made (libsodium would not start): only the digest was. */
static bool digest_items(const batch *b, char out[65], uint64_t *hashes)
{
	sha256_ctx c;
	item_writer w;

	w.code = NULL;
	w.heap = NULL;
	if (hashes && sodium_init() < 0)
		hashes = NULL;
	if (out)
		sha256_init(&c);
	for (size_t i = 0; i < b->count; i++) {
		size_t len;
		uint64_t key_fnv = 0;
		const char *bytes = item_bytes(&w, &b->items[i], &len, hashes ? &key_fnv : NULL);
		if (out)
			sha256_update(&c, bytes, len);
		if (hashes) {
			hashes[2 * i] = key_hash64(key_fnv);
			hashes[2 * i + 1] = item_hash64(bytes, len);
		}
	}
	free(w.heap);
	if (out)
		sha256_final_hex(&c, out);
	return hashes != NULL;
}

void batch_digest(const batch *b, char out[65])
{
	digest_items(b, out, NULL);
}

/* Hash i of the kept bytes (little-endian). */
static uint64_t kept_hash(const unsigned char *kept, size_t i)
{
	return load_le64(kept + 8 * i);
}

/* same[i] for each of the n items from their hashes (digest_items) and the
 * n_kept pairs of the source's last batch (keep_items): the last batch's
 * item of the same key was the source's figure of that key, so item i is
 * unchanged when the pairs are equal.  The key is looked for at the same
 * place first (a file read again lists its values as before), else in a
 * table of the last batch's keys, made on the first miss.  False when some
 * key is not in the last batch: only the source's figures can tell. */
static bool mark_by_hashes(const uint64_t *mine, size_t n, const unsigned char *kept, size_t n_kept,
			   bool *same)
{
	size_t *table = NULL, mask = 0; /* index + 1 of a kept pair, by its key's hash */
	bool all = true;

	for (size_t i = 0; all && i < n; i++) {
		size_t k;
		if (i < n_kept && kept_hash(kept, 2 * i) == mine[2 * i]) {
			same[i] = kept_hash(kept, 2 * i + 1) == mine[2 * i + 1];
			continue;
		}
		if (!table) {
			size_t cap = 1024;
			while (cap < 2 * n_kept)
				cap *= 2;
			table = xcalloc(cap, sizeof *table);
			mask = cap - 1;
			for (size_t j = 0; j < n_kept; j++) {
				for (k = (size_t)kept_hash(kept, 2 * j) & mask; table[k];)
					k = (k + 1) & mask;
				table[k] = j + 1;
			}
		}
		for (k = (size_t)mine[2 * i] & mask;
		     table[k] && kept_hash(kept, 2 * (table[k] - 1)) != mine[2 * i];)
			k = (k + 1) & mask;
		all = table[k] != 0;
		same[i] = all && kept_hash(kept, 2 * (table[k] - 1) + 1) == mine[2 * i + 1];
	}
	free(table);
	return all;
}

/* mark_by_hashes over the pairs kept for the source. */
typedef struct by_hashes {
	const uint64_t *mine;
	size_t n;
	bool *same, decided;
} by_hashes;

static void take_kept(void *ctx, const unsigned char *bytes, size_t len)
{
	by_hashes *h = ctx;

	h->decided = len % 16 == 0 && mark_by_hashes(h->mine, h->n, bytes, len / 16, h->same);
}

/* The batch's hash pairs kept for the source, as little-endian bytes
 * written over the hashes themselves (each into its own 8 bytes). */
static dti_err keep_items(staging *st, int64_t source_id, const char *digest, uint64_t *hashes,
			  size_t n, dti_diag *d)
{
	unsigned char *bytes = (unsigned char *)hashes;

	for (size_t i = 0; i < 2 * n; i++)
		store_le64(bytes + 8 * i, hashes[i]);
	return staging_keep_batch_items(st, source_id, digest, bytes, 16 * n, d);
}

/* same[i]: item i is the source's current figure, not to be stored again
 * (its appraisal stays valid and a repeated run changes nothing).  The run
 * records the batch's digest; the batch of the source's last run again is
 * all figures it gave (its every item became the source's current figure
 * then, and nothing of the source was stored since).  Else, when the
 * source keeps the item hashes of that batch (source_batch), an item is
 * unchanged when its hash is one of them; else each item is compared with
 * the source's figures.  The batch's own hashes are then kept. */
static dti_err mark_unchanged(staging *st, int64_t run, int64_t source_id, const batch *b,
			      bool *same, dti_diag *d)
{
	char digest[65], last[65] = "", kept[65] = "";
	uint64_t *hashes = xmalloc((b->count ? 2 * b->count : 1) * sizeof *hashes);
	bool known = false, hashed = false, again;
	dti_err rc;

	rc = staging_source_has_figures(st, source_id, &known, d);

	if (!rc && known)
		rc = staging_last_batch(st, source_id, last, d);
	if (!rc)
		rc = staging_kept_batch(st, source_id, kept, d);
	/* The hashes are made only when needed: not for the batch kept
	 * already, given again. */
	again = !rc && known && *last && strcmp(kept, last) == 0;
	if (!rc) {
		hashed = digest_items(b, digest, again ? NULL : hashes);
		if (again && strcmp(digest, last) != 0)
			hashed = digest_items(b, NULL, hashes);
		rc = staging_run_set_batch(st, run, digest, d);
	}
	if (!rc && known && strcmp(last, digest) == 0) {
		for (size_t i = 0; i < b->count; i++)
			same[i] = true;
	} else if (!rc && again && hashed) {
		by_hashes h = {hashes, b->count, same, false};
		rc = staging_kept_batch_items(st, source_id, take_kept, &h, d);
		if (!rc && !h.decided) {
			memset(same, 0, b->count * sizeof *same);
			rc = mark_current(st, source_id, b, same, d);
		}
	} else if (!rc && known) {
		rc = mark_current(st, source_id, b, same, d);
	}
	if (!rc && hashed && strcmp(kept, digest) != 0)
		rc = keep_items(st, source_id, digest, hashes, b->count, d);
	free(hashes);
	return rc;
}

/* Figures to store among unchanged ones from which a batch's writes are
 * taken to reach pages all over the database. */
#define WIDE_WRITES 4096

/* The connection's settings a batch changed put back (its own page cache
 * after STAGING_CACHE_WIDE_WRITES, foreign keys): rc, or the first failure to. */
static dti_err settings_back(staging *st, bool wide, bool bulk, dti_err rc, dti_diag *d)
{
	dti_diag back;
	dti_err off = DTI_EOK;

	if (wide)
		off = staging_cache(st, STAGING_CACHE_OWN, &back);
	if (bulk && !off)
		off = staging_foreign_keys(st, true, &back);
	else if (bulk)
		staging_foreign_keys(st, true, NULL);
	if (off && !rc) {
		rc = off;
		if (d)
			*d = back;
	}
	return rc;
}

dti_err batch_store_with(staging *st, batch *b, const batch_target *t, batch_extra extra, void *ctx,
			 int64_t *run_id, dti_diag *d)
{
	int64_t source_id = 0, run = 0;
	char started[32], sha[65];
	/* Observations only: their references are checked once each below
	 * instead of by a foreign-key lookup per row. */
	bool bulk = extra == NULL;
	long stored = 0, unchanged = 0;
	int64_t first_id = 0, last_id = 0;
	int year_lo = 0, year_hi = 0;
	size_t n_same = 0;
	bool *same = NULL, wide = false;
	dti_err rc = DTI_EOK;

	if (bulk)
		rc = staging_foreign_keys(st, false, d);
	if (!rc)
		rc = staging_begin(st, d);
	if (rc) {
		if (bulk)
			staging_foreign_keys(st, true, NULL);
		return rc;
	}
	rc = staging_source(st, t->source, t->source_kind, &source_id, d);
	if (!rc)
		rc = staging_run_start(st, source_id, t->program, t->year, t->input, &run, started,
				       d);
	if (!rc && t->payload) {
		rc = staging_put_payload(st, t->payload, t->payload_len, sha, d);
		if (!rc)
			rc = staging_run_set_payload(st, run, sha, d);
	}
	if (!rc && t->forced)
		rc = staging_run_set_forced(st, run, getenv("USER"), d);
	if (!rc && (t->basis || t->warning))
		rc = staging_run_set_basis(st, run, t->basis, t->warning, d);
	if (!rc && bulk)
		rc = check_refs(st, b, d);
	same = xcalloc(b->count ? b->count : 1, sizeof *same);
	if (!rc)
		rc = mark_unchanged(st, run, source_id, b, same, d);
	/* Thousands of figures changed among unchanged ones: a re-import whose
	 * changes are all over the database (STAGING_CACHE_WIDE_WRITES). */
	for (size_t i = 0; !rc && i < b->count; i++)
		n_same += same[i];
	if (!rc && n_same && b->count - n_same >= WIDE_WRITES) {
		rc = staging_cache(st, STAGING_CACHE_WIDE_WRITES, d);
		wide = !rc;
	}
	/* The figures to store, 256 at a time, in the batch's order. */
	for (size_t i = 0; !rc && i < b->count;) {
		observation rows[256]; /* eight statements of PUT_ROWS; 14 KB of stack */
		size_t n = 0;
		int64_t lo = 0, hi = 0;
		for (; i < b->count && n < sizeof rows / sizeof rows[0]; i++) {
			batch_item *it = &b->items[i];
			if (same[i]) {
				unchanged++;
				continue;
			}
			rows[n++] = (observation){it->commune_code, it->year, it->variable->name,
						  it->value,        it->num,  it->proof_url,
						  it->note};
			year_lo = !stored || it->year < year_lo ? it->year : year_lo;
			year_hi = !stored || it->year > year_hi ? it->year : year_hi;
			stored++;
		}
		rc = staging_put_rows(st, run, source_id, started, rows, n, &lo, &hi, d);
		if (!rc && n) {
			first_id = first_id ? first_id : lo;
			last_id = hi;
		}
	}
	/* In the same transaction: which value is scored. */
	if (!rc && stored)
		rc = store_current_stored(st, first_id, last_id, year_lo, year_hi, d);
	if (!rc && extra)
		rc = extra(st, run, ctx, d);
	if (!rc) {
		b->counts.stored = stored;
		b->counts.skipped += unchanged;
		rc = staging_run_finish(st, run, "ok", &b->counts, NULL, d);
	}
	if (!rc)
		rc = staging_commit(st, d);
	free(same);
	if (rc) {
		staging_rollback(st);
		b->counts.stored = 0;
		b->counts.skipped -= unchanged;
	}
	rc = settings_back(st, wide, bulk, rc, d);
	if (rc)
		return rc;
	if (run_id)
		*run_id = run;
	return DTI_EOK;
}

/* A text and its NUL: texts hashed one after the other cannot run together. */
static void hash_text(sha256_ctx *c, const char *s)
{
	sha256_update(c, s ? s : "", strlen(s ? s : "") + 1);
}

void batch_basis(const commune_list *active, const char *how, const char *framework_sha256,
		 char out[65])
{
	sha256_ctx c;
	char n[32];

	snprintf(n, sizeof n, "%zu", active ? active->count : 0);
	sha256_init(&c);
	hash_text(&c, n);
	for (size_t i = 0; active && i < active->count; i++) {
		hash_text(&c, active->items[i].code);
		hash_text(&c, active->items[i].name);
	}
	hash_text(&c, how);
	hash_text(&c, framework_sha256);
	sha256_final_hex(&c, out);
}

dti_err batch_record_run(staging *st, const batch_target *t, const char *status,
			 const run_counts *c, const char *error, const char *payload_sha,
			 int64_t *run_id, dti_diag *d)
{
	int64_t source_id = 0;
	char *shown = error ? text_printable(xstrdup(error)) : NULL;
	dti_err rc = staging_source(st, t->source, t->source_kind, &source_id, d);

	/* The error quotes what a server or a sheet sent: stored printable. */
	if (!rc)
		rc = staging_run_record(st, source_id, t->program, t->year, t->input, status, c,
					shown, payload_sha, run_id, d);
	free(shown);
	return rc;
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
