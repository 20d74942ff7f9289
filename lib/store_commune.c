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
