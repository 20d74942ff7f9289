/* editions.h — the editions of the national administrative-unit list that
 * dti knows, and which one an assessment year uses.  README "Unit lists".
 *
 * A unit list is an edition: an id (the date of the statistics office's
 * catalogue), its own file and column layout (the list after 1 July 2025
 * has no districts) and the period it is in force.  A code means a unit
 * only together with its edition: 3,315 of the 3,321 codes of the new list
 * were codes of old units, most of them of another one. */
#ifndef DTI_EDITIONS_H
#define DTI_EDITIONS_H

#include <stdbool.h>

typedef struct unit_edition {
	const char *id;          /* "2025-03-01" */
	const char *file;        /* its file's name, "admin-units-2025-03-01.csv" */
	const char *valid_from;  /* first day in force (ISO), "" when older than dti */
	const char *valid_to;    /* last day in force, "" while in force */
	bool districts;          /* the layout has district columns */
	const char *predecessor; /* the edition it replaced, NULL for none */
	const char *crosswalk;   /* the conversion table from the predecessor's file name */
} unit_edition;

/* The edition of an id, NULL when dti does not know it.  Static. */
const unit_edition *edition_find(const char *id);

/* The edition an assessment year uses when the deployment names none.  An
 * assessment year is not a date: a year's assessment describes the units
 * that exist when it is made, after the year, so 2025 and later use the
 * list in force since 1 July 2025 and earlier years the list before it. */
const unit_edition *edition_for_year(int year);

/* The edition of a unit-list file: by its name (one of the editions'
 * files), else by its layout (district columns: the list before the
 * reorganisation, none: the list after it).  Never NULL. */
const unit_edition *edition_for_file(const char *path, bool has_districts);

/* The edition that replaced e, NULL for the newest. */
const unit_edition *edition_successor(const unit_edition *e);

#endif
