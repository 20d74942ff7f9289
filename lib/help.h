/* help.h — the --help texts of every program, made at build time by
 * scripts/gen-man.py from the man pages' sources man/NAME.md, so that a
 * program's --help and its man page are one text (tests/e2e/cli-help.sh).
 *
 * A key is a program ("dti", "dti-collect-portal", "dti-nightly") or a
 * program and its command words ("dti communes load").  A command of dti
 * gets its help from one ```help dti NAME -- summary``` block in
 * man/dti.1.md; nothing in C lists the texts. */
#ifndef DTI_HELP_H
#define DTI_HELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct help_entry {
	const char *key;     /* "dti communes load" */
	const char *summary; /* its line in the overview, or "" */
	const char *text;    /* what --help prints, ending in a line feed */
} help_entry;

/* The generated table (build/gen/help_text.c), in the sources' order. */
extern const help_entry help_entries[];
extern const size_t help_entry_count;

/* The text of exactly key, or NULL. */
const char *help_text(const char *key);

/* Prints the help of key: its own text, else the texts of every key one
 * word below it ("dti form": generate, import, status), a blank line
 * between them.  False, nothing printed, when there is none. */
bool help_print(FILE *f, const char *key);

/* The words one below key ("dti form" -> "generate", "import", "status"),
 * up to max of them, into words (pointers into the table); returns how
 * many there are (which may be more than max). */
size_t help_below(const char *key, const char **words, size_t max);

#endif
