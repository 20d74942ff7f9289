/* framework_int.h — shared by the framework loader (framework.c) and the
 * rule kinds' parsers (rule_kinds.c); not for other callers. */
#ifndef DTI_FRAMEWORK_INT_H
#define DTI_FRAMEWORK_INT_H

#include <jansson.h>
#include <stdbool.h>

/* The finite number under key in obj; false when absent, not a number,
 * or not finite. */
bool fw_json_number(json_t *obj, const char *key, double *out);

#endif
