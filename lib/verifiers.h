/* verifiers.h — the verifying units of a framework: the offices its
 * indicators name in "verifiers" ("Phòng Văn hóa và Thông tin, Văn phòng
 * HĐND-UBND huyện": a list separated by commas), which an appraiser's
 * account is given (`dti user add --unit`), and which variables each unit
 * may appraise: those read by an indicator that names the unit. */
#ifndef DTI_VERIFIERS_H
#define DTI_VERIFIERS_H

#include <stdbool.h>
#include <stddef.h>

#include "framework.h"

/* Every unit the framework names, each once, in the order first named.
 * *out is malloc'd with its strings (verifiers_free); NULL when none. */
typedef struct verifier_units {
	char **names;
	size_t n;
} verifier_units;

void verifiers_list(const framework *fw, verifier_units *out);
void verifiers_free(verifier_units *u);
/* Whether `unit` is one the framework names (exactly, as listed). */
bool verifiers_known(const framework *fw, const char *unit);
/* Whether one of units[0 .. n) verifies `variable`: an indicator that
 * reads it names the unit among its verifiers. */
bool verifiers_cover(const framework *fw, char *const *units, size_t n, const char *variable);

#endif
