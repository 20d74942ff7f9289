/* strmap.h — a string-keyed hash map (open addressing).  Keys are copied;
 * values are caller-owned pointers or integers cast to intptr_t. */
#ifndef DTI_STRMAP_H
#define DTI_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
	char **keys;
	uint64_t *hashes; /* compared before the keys */
	intptr_t *values;
	size_t count, cap;
} strmap;

void strmap_init(strmap *m);
void strmap_free(strmap *m);
/* Sets key to value (replacing); returns true when the key was new. */
bool strmap_put(strmap *m, const char *key, intptr_t value);
/* True and *value when present (value may be NULL). */
bool strmap_get(const strmap *m, const char *key, intptr_t *value);

#endif
