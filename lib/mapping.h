/* mapping.h — turning a fetched document into observations, as a source
 * block of the configuration describes it (docs/administrator.md "Source blocks"):
 *
 *   "format":   "json" (default), "csv" (rows by header name) or "sheet"
 *               (a district sheet of framework variables, long or wide);
 *   "records":  dotted path to the array of records in a JSON document
 *               ("data.rows"; absent: the document itself is the array);
 *   "commune":  {"code": FIELD} and/or {"name": FIELD, "strip": [WORD...]};
 *   "fields":   {"variable": FIELD} or {"variable": [FIELD, FIELD]} (summed
 *               within the record); absent for JSON: every key that is a
 *               variable name;
 *   "long":     {"variable": FIELD, "value": FIELD, "codes": {CODE: variable}}
 *               for records holding one (variable, value) pair each;
 *   "year_field": FIELD whose records of other years are ignored;
 *   "decimal_sep": "," for CSV with decimal commas.
 *
 * A record of a commune outside the index is skipped and counted; a bad
 * value is a problem naming the record and field.  A JSON document may
 * start with a UTF-8 BOM; a CSV row with another number of fields than the
 * header, or a next link that is neither text nor null, is malformed. */
#ifndef DTI_MAPPING_H
#define DTI_MAPPING_H

#include <jansson.h>
#include <stddef.h>

#include "batch.h"
#include "err.h"
#include "framework.h"
#include "units.h"

typedef struct mapping mapping;

/* Reads the mapping keys of a source block (borrowed; the mapping keeps a
 * reference).  Unknown variables or bad shapes are DTI_ECONFIG with d naming
 * the key.  Caller frees with mapping_free. */
dti_err mapping_parse(json_t *block, const framework *fw, mapping **out, dti_diag *d);
void mapping_free(mapping *m);

/* What mapping one document needs and fills. */
typedef struct mapping_ctx {
	const framework *fw;
	const commune_index *ix;
	int year;
	batch *b;        /* receives the values; b->counts read/skipped/rejected */
	dti_problems *p; /* receives every problem */
} mapping_ctx;

/* What one document says about paging.  next is malloc'd or NULL. */
typedef struct mapping_page {
	size_t records;
	char *next;
	long total_pages;
} mapping_page;

/* Maps one document.  name (the URL) prefixes messages.  content_type may
 * be NULL.  Returns DTI_EPARSE when the document itself is malformed (d
 * says where), DTI_EINVALID when records had problems (in c->p). */
dti_err mapping_apply(const mapping *m, const char *bytes, size_t len, const char *name,
		      const char *content_type, mapping_ctx *c, mapping_page *pg, dti_diag *d);

/* Finds a commune by a name as people write it: any case, diacritics,
 * normalisation form or prefix; words of `strip` (e.g. "UBND") dropped in
 * front; and, when the whole text is not a name, its first part before a
 * comma or " - " ("Xã Lạc Đạo, huyện Văn Lâm, Hưng Yên").  NULL when none. */
const commune_entry *mapping_find_name(const commune_index *ix, const char *name, json_t *strip);

/* Adds the "aliases" object of a block ({"name": "code"}) to ix. */
void mapping_add_aliases(commune_index *ix, json_t *block);

#endif
