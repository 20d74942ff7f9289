#include "help.h"

#include <string.h>

const char *help_text(const char *key)
{
	for (size_t i = 0; i < help_entry_count; i++)
		if (strcmp(help_entries[i].key, key) == 0)
			return help_entries[i].text;
	return NULL;
}

/* The word of e one below key, or NULL when e is not there. */
static const char *word_below(const help_entry *e, const char *key)
{
	size_t n = strlen(key);
	const char *w = e->key + n + 1;

	if (strncmp(e->key, key, n) != 0 || e->key[n] != ' ' || strchr(w, ' '))
		return NULL;
	return w;
}

bool help_print(FILE *f, const char *key)
{
	const char *t = help_text(key);
	bool any = false;

	if (t) {
		fputs(t, f);
		return true;
	}
	for (size_t i = 0; i < help_entry_count; i++) {
		if (!word_below(&help_entries[i], key))
			continue;
		if (any)
			fputc('\n', f);
		fputs(help_entries[i].text, f);
		any = true;
	}
	return any;
}

size_t help_below(const char *key, const char **words, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < help_entry_count; i++) {
		const char *w = word_below(&help_entries[i], key);
		if (w && n < max)
			words[n] = w;
		n += w != NULL;
	}
	return n;
}
