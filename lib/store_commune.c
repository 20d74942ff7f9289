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

static dti_err take_unit_type(void *ctx, const store_row *r, dti_diag *d)
{
	(void)d;
	strmap_put(ctx, store_text(r, 0), unit_type_of(store_text_or_null(r, 1)));
	return DTI_EOK;
}

dti_err store_commune_unit_types(staging *st, strmap *type_of, dti_diag *d)
{
	return store_each(st, d, "SELECT code, unit_type FROM commune WHERE active = 1",
			  take_unit_type, type_of, NULL, STORE_NOARGS);
}

static dti_err take_one_type(void *ctx, const store_row *r, dti_diag *d)
{
	(void)d;
	*(int *)ctx = unit_type_of(store_text_or_null(r, 0));
	return DTI_EOK;
}

dti_err store_commune_unit_type(staging *st, const char *code, int *type, dti_diag *d)
{
	bool found = false;

	*type = -1;
	return store_first(st, d, "SELECT unit_type FROM commune WHERE active = 1 AND code = ?1",
			   take_one_type, type, &found, STORE_ARGS(STORE_TEXT(code)));
}

dti_err store_commune_untyped(staging *st, int64_t *n, dti_diag *d)
{
	return store_int64(st, d,
			   "SELECT count(*) FROM commune WHERE active = 1 AND unit_type IS NULL", n,
			   NULL, STORE_NOARGS);
}

static dti_err take_code(void *ctx, const store_row *r, dti_diag *d)
{
	(void)d;
	commune_list_add(ctx, store_text(r, 0), "");
	return DTI_EOK;
}

dti_err store_commune_fill_unit_types(staging *st, const units *u, dti_diag *d)
{
	commune_list codes = {0};
	dti_err rc = staging_begin(st, d);

	if (rc)
		return rc;
	rc = store_each(st, d, "SELECT code FROM commune WHERE active = 1 AND unit_type IS NULL",
			take_code, &codes, NULL, STORE_NOARGS);
	for (size_t i = 0; !rc && i < codes.count; i++) {
		const admin_unit *a = units_find(u, codes.items[i].code);
		if (a && a->type)
			rc = store_run(
				st, d, "UPDATE commune SET unit_type = ?1 WHERE code = ?2",
				STORE_ARGS(STORE_TEXT(a->type), STORE_TEXT(codes.items[i].code)));
	}
	commune_list_free(&codes);
	if (rc) {
		staging_rollback(st);
		return rc;
	}
	return staging_commit(st, d);
}
