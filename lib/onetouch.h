/* onetouch.h — the OneTouch learner export: a CSV with one row per
 * learner (Vietnamese headers; the commune as a name, sometimes followed by
 * district and province; a completion date in one of a few formats),
 * counted per commune for the learners who completed in the year
 * (onetouch_learners, indicator 4.6).  Read as a stream in constant memory
 * whatever the file size; progress on stderr when it is a terminal. */
#ifndef DTI_ONETOUCH_H
#define DTI_ONETOUCH_H

#include "collector.h"

/* Year of a completion date: "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy",
 * "dd.mm.yyyy", "yyyy-mm-dd" or "yyyy/mm/dd", each optionally followed by a
 * time.  Returns the year, 0 for an empty text, -1 when it is not a date. */
int onetouch_date_year(const char *s);

/* The collect step of dti-collect-onetouch (see collector.h).  Block keys:
 * "columns": {"commune": HEADER, "date": HEADER} (defaults: the usual
 * Vietnamese headers), "commune": {"strip": [...]}, "aliases", and
 * "payload_max_bytes" (exports up to this size are kept as the run's
 * payload; default 64 MiB). */
void onetouch_collect(const collector_env *env, const collector_source *src,
		      const commune_index *ix, batch *b, collector_result *res);

#endif
