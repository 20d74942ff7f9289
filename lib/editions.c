#include "editions.h"

#include <stddef.h>
#include <string.h>

#include "util.h"

/* Oldest first.  Adding an edition: its file in config/ (and the Makefile's
 * install), a row here, and the conversion table from its predecessor. */
static const unit_edition editions[] = {
	{"2025-03-01", "admin-units-2025-03-01.csv", "", "2025-06-30", true, NULL, NULL},
	{"2026-04-30", "admin-units-2026-04-30.csv", "2025-07-01", "", false, "2025-03-01",
	 "admin-crosswalk-2025-07-01.csv"},
};

enum { EDITIONS = sizeof editions / sizeof editions[0] };

/* The first assessment year of the list after the reorganisation. */
#define TWO_LEVEL_FIRST_YEAR 2025

const unit_edition *edition_find(const char *id)
{
	for (size_t i = 0; id && i < EDITIONS; i++)
		if (strcmp(editions[i].id, id) == 0)
			return &editions[i];
	return NULL;
}

const unit_edition *edition_for_year(int year)
{
	return year >= TWO_LEVEL_FIRST_YEAR ? &editions[1] : &editions[0];
}

const unit_edition *edition_for_file(const char *path, bool has_districts)
{
	const char *base = path_base(path);

	for (size_t i = 0; i < EDITIONS; i++)
		if (strcmp(editions[i].file, base) == 0)
			return &editions[i];
	return has_districts ? &editions[0] : &editions[1];
}

const unit_edition *edition_successor(const unit_edition *e)
{
	for (size_t i = 0; i < EDITIONS; i++)
		if (editions[i].predecessor && strcmp(editions[i].predecessor, e->id) == 0)
			return &editions[i];
	return NULL;
}
