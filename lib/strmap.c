#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void strmap_init(strmap *m)
{
	m->keys = NULL;
	m->hashes = NULL;
	m->values = NULL;
	m->count = m->cap = 0;
}

void strmap_free(strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->hashes);
	free(m->values);
	strmap_init(m);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ^ (h >> 32);
}

static size_t slot(const strmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->keys[i] && (m->hashes[i] != h || strcmp(m->keys[i], key) != 0))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void grow(strmap *m)
{
	strmap bigger;

	bigger.cap = m->cap ? m->cap * 2 : 64;
	bigger.count = m->count;
	bigger.keys = xcalloc(bigger.cap, sizeof *bigger.keys);
	bigger.hashes = xcalloc(bigger.cap, sizeof *bigger.hashes);
	bigger.values = xcalloc(bigger.cap, sizeof *bigger.values);
	for (size_t i = 0; i < m->cap; i++) {
		if (m->keys[i]) {
			size_t j = slot(&bigger, m->keys[i], m->hashes[i]);
			bigger.keys[j] = m->keys[i];
			bigger.hashes[j] = m->hashes[i];
			bigger.values[j] = m->values[i];
		}
	}
	free(m->keys);
	free(m->hashes);
	free(m->values);
	*m = bigger;
}

bool strmap_put(strmap *m, const char *key, intptr_t value)
{
	uint64_t h = hash(key);
	size_t i;

	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	i = slot(m, key, h);
	m->values[i] = value;
	if (m->keys[i])
		return false;
	m->keys[i] = xstrdup(key);
	m->hashes[i] = h;
	m->count++;
	return true;
}

bool strmap_get(const strmap *m, const char *key, intptr_t *value)
{
	size_t i;

	if (!m->cap)
		return false;
	i = slot(m, key, hash(key));
	if (!m->keys[i])
		return false;
	if (value)
		*value = m->values[i];
	return true;
}
