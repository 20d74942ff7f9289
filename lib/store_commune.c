#include "store_commune.h"

#include "store.h"

dti_err store_commune_count(staging *st, int64_t *n, dti_diag *d)
{
	return store_int64(st, d, "SELECT count(*) FROM commune", n, NULL, STORE_NOARGS);
}

dti_err store_commune_file(staging *st, char **file, dti_diag *d)
{
	return store_text1(st, d, "SELECT value FROM meta WHERE key = 'communes_file'", file,
			   STORE_NOARGS);
}

dti_err store_commune_unit_list(staging *st, char **have, dti_diag *d)
{
	return store_text1(st, d, "SELECT value FROM meta WHERE key = 'unit_list'", have,
			   STORE_NOARGS);
}

dti_err store_commune_record_unit_list(staging *st, const char *edition, char **have, dti_diag *d)
{
	dti_err rc = store_run(st, d,
			       "INSERT INTO meta(key, value) VALUES ('unit_list', ?1) "
			       "ON CONFLICT(key) DO NOTHING",
			       STORE_ARGS(STORE_TEXT(edition)));

	return rc ? rc : store_commune_unit_list(st, have, d);
}
