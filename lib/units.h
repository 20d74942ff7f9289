/* units.h — the national administrative-unit list (GSO catalogue) and the
 * commune lists a deployment assesses, checked against it. */
#ifndef DTI_UNITS_H
#define DTI_UNITS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "strmap.h"

#include "err.h"

struct unit_edition;

typedef struct admin_unit {
	char *code;                          /* 5 digits, text */
	char *name;                          /* "Xã Lạc Đạo" */
	char *type;                          /* Xã, Phường, Thị trấn, Đặc khu */
	char *district_code, *district_name; /* NULL in a list without districts */
	char *province_code, *province_name;
} admin_unit;

typedef struct units units;

/* The kinds of unit a framework may restrict an indicator to
 * (fw_indicator.applies_to), one bit each.  The lists write the type in
 * their own words ("Đặc khu tại hải đảo"); unit_type_of reads them. */
enum { UNIT_TYPE_XA, UNIT_TYPE_PHUONG, UNIT_TYPE_THI_TRAN, UNIT_TYPE_DAC_KHU, UNIT_TYPE_COUNT };

/* The type's Vietnamese word ("Xã", "Phường", "Thị trấn", "Đặc khu");
 * "?" when t is not a type.  Static. */
const char *unit_type_name(int t);
/* The type a list or a framework writes: one of the words above in any
 * case or normalisation form, or such a word followed by more words
 * ("Đặc khu tại hải đảo"); -1 when it is none (or s is NULL). */
int unit_type_of(const char *s);

/* Loads the catalogue CSV (header: province_code, province_name,
 * district_code, district_name, commune_code, commune_name, commune_type;
 * the two district columns absent from the list after 1 July 2025).  Its
 * edition is the file's (edition_for_file, lib/editions.h).  Caller frees
 * with units_free. */
dti_err units_load(const char *path, units **out, dti_diag *d);
void units_free(units *u);
size_t units_count(const units *u);
const admin_unit *units_at(const units *u, size_t i);
const admin_unit *units_find(const units *u, const char *code);
/* The list's edition (static). */
const struct unit_edition *units_edition(const units *u);
/* The first unit of the province (NULL: any) and district (NULL: any)
 * whose name is `name` as text_name_key compares names; NULL when none. */
const admin_unit *units_find_named(const units *u, const char *province_code,
				   const char *district_code, const char *name);

/* A commune as a deployment lists it. */
typedef struct commune_entry {
	char *code;
	char *name;
} commune_entry;

typedef struct commune_list {
	commune_entry *items;
	size_t count, cap;
} commune_list;

void commune_list_add(commune_list *l, const char *code, const char *name);
void commune_list_free(commune_list *l);
const commune_entry *commune_list_find(const commune_list *l, const char *code);

/* Reads a `code,name` CSV (header optional; columns may be named code /
 * commune_code and name / commune_name).  Every problem goes to p with file
 * and line; returns DTI_EINVALID when there was any. */
dti_err commune_list_read_csv(const char *path, commune_list *out, dti_problems *p, dti_diag *d);

/* Checks every entry against the catalogue: the code must exist (else the
 * problem names the code) and the name must be the catalogue's, compared
 * without regard to case, diacritics form or the "Xã"/"Phường"/"Thị trấn"
 * prefix; problems name the list's edition.  An empty name takes the
 * catalogue's.  Duplicates are problems
 * (found with a hash set: linear in the list).  Codes are normalised in
 * place (commune_code_normalise); problems are appended to p, which the
 * caller frees.  Returns DTI_EINVALID when any problem was added. */
dti_err commune_list_check(commune_list *l, const units *u, const char *where, dti_problems *p);

/* Appends every unit of a province (district_code NULL) or a district. */
void commune_list_from_units(commune_list *l, const units *u, const char *province_code,
			     const char *district_code);

/* Normalises a commune code as written in a sheet: trimmed, digits only,
 * left-padded with zeros to 5 ("1" is 00001, spreadsheets drop zeros).
 * Returns false when it is not a code. */
bool commune_code_normalise(const char *raw, char out[16]);

/* The name keys of a commune index, made on the first lookup by name:
 * most readers (a sheet import) find communes by code only, and a
 * national list's keys take a tenth of a second to make.  Threads may
 * look names up at once (OneTouch's two halves): the first to need the
 * keys makes them under `making`, and `built` is set once they are whole. */
struct commune_names {
	atomic_bool built;
	pthread_mutex_t making;
	strmap by_name;
};

/* An index of a commune list: by code, and by name key (text_name_key),
 * plus extra aliases.  Values are indexes into the list, which must stay
 * as it is while the index is used. */
typedef struct commune_index {
	const commune_list *list;
	strmap by_code;
	struct commune_names *names;
	/* code -> UNIT_TYPE_* (store_commune_unit_types), for readers that ask
	 * each unit type its own items; NULL (as built): not known. */
	const strmap *unit_types;
} commune_index;

void commune_index_build(commune_index *ix, const commune_list *l);
void commune_index_free(commune_index *ix);
/* Adds an alias name for a code (e.g. an old spelling). */
void commune_index_alias(commune_index *ix, const char *alias, const char *code);
/* Finds by code (normalised) or NULL. */
const commune_entry *commune_index_code(const commune_index *ix, const char *raw);
/* Finds by Vietnamese name in any case, diacritics, normalisation form or
 * prefix; NULL when unknown or when two communes share the key. */
const commune_entry *commune_index_name(const commune_index *ix, const char *name);
/* commune_index_name, and *shared: whether it is NULL because two or more
 * communes of the index have that name. */
const commune_entry *commune_index_name_of(const commune_index *ix, const char *name, bool *shared);
/* Whether name is e's own name as commune_index_name matches names (in any
 * case, diacritics, form or prefix), whoever else has it too. */
bool commune_name_is(const commune_entry *e, const char *name);

#endif
