/* oldcodes.h — feeds still keyed to the unit list before the deployment's:
 * their old codes converted to the deployment's communes through the
 * checked conversion table (lib/crosswalk.h).  docs/administrator.md
 * "Feeds keyed to old codes".
 *
 * A source says it is keyed to the old list ("unit_list": "2025-03-01");
 * dti never guesses it per record, since 3,315 of the 3,321 new codes were
 * codes of old units, most of them of another one.  Its records are found
 * by code alone in the old list (names are matched against the
 * deployment's own list only), into a batch keyed by old codes, which
 * oldcodes_fold moves to the new communes:
 *
 *   - an old unit merged whole ("Nhập toàn bộ", "Giữ nguyên", "Đổi tên")
 *     into one commune assessed is mapped to it;
 *   - an old unit split ("Nhập một phần", or rows to several new units) is
 *     refused, naming it and the new units it went to;
 *   - a commune assessed is given a value only when every one of its old
 *     units gave one (a sum over some of them would undercount it), and
 *     none was split nor has a row the lists do not confirm;
 *   - several old units' values are summed for counts and amounts (people,
 *     subscribers, households, parcels, budgets add up over an area) and
 *     refused for yes/no and listed values, which describe one
 *     administration and do not combine; "combine": {"VARIABLE": "refuse"}
 *     in the source block refuses a count that does not add up either (the
 *     procedures a commune offers), "sum" restores the default. */
#ifndef DTI_OLDCODES_H
#define DTI_OLDCODES_H

#include <jansson.h>
#include <stddef.h>

#include "batch.h"
#include "config.h"
#include "err.h"
#include "units.h"

typedef struct oldcodes oldcodes;

/* The old units of the predecessor of the deployment's list that formed
 * the communes `active` (borrowed; it must outlive the result), from the
 * deployment's conversion table (crosswalk_env_open, corrections applied).
 * DTI_ECONFIG when the deployment's list has no predecessor.  Caller frees
 * with oldcodes_free. */
dti_err oldcodes_open(config *c, const commune_list *active, oldcodes **out, dti_diag *d);
void oldcodes_free(oldcodes *o);

/* The edition id of the old list ("2025-03-01") and of the deployment's. */
const char *oldcodes_old_edition(const oldcodes *o);
const char *oldcodes_new_edition(const oldcodes *o);

/* The old units to find a record's commune among: each with a row into a
 * commune assessed (code and name of the old list).  Borrowed. */
const commune_list *oldcodes_units(const oldcodes *o);

/* The old list itself (districts: for {district} templates).  Borrowed. */
const units *oldcodes_old_list(const oldcodes *o);

/* What oldcodes_fold did.  text is malloc'd (caller frees), one line:
 * "old codes (unit list 2025-03-01): 8 old units mapped into 3 communes;
 * 1 commune not stored: 11992 (old 11989 Xã Lạc Đạo was split)". */
typedef struct oldcodes_summary {
	long mapped;     /* old units whose values were stored under their new commune */
	long communes;   /* communes assessed given values */
	long incomplete; /* communes assessed with values from the feed not stored */
	char *text;
} oldcodes_summary;

/* Checks a source block's "combine" object: variables of fw, "sum" only for
 * counts and amounts.  DTI_ECONFIG naming the source and key. */
dti_err oldcodes_check_combine(json_t *block, const framework *fw, dti_diag *d);

/* Moves the values of `from` (keyed by old codes, as mapped through an
 * index of oldcodes_units) into `to`, keyed by the communes assessed, by the
 * rules above; `combine` is the source block's (may be NULL).  Every refusal
 * is a problem in p naming the record; from's counts are copied to to's.
 * s is filled (caller frees s->text). */
void oldcodes_fold(const oldcodes *o, const batch *from, json_t *combine, batch *to,
		   dti_problems *p, oldcodes_summary *s);

#endif
