/* staging_fixture.h — for the unit tests that store observations: a
 * staging database in /tmp with the commune-2024 framework and two Văn Lâm
 * communes (cmocka setup and teardown; fixture_open for another framework
 * or set), and one value stored as its own run.  Include after <cmocka.h>. */
#ifndef DTI_STAGING_FIXTURE_H
#define DTI_STAGING_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "batch.h"
#include "framework.h"
#include "staging.h"
#include "util.h"

typedef struct fixture {
	char path[64];
	staging *st;
	framework *fw;
} fixture;

/* A fixture of a fresh database with framework fw_path and the communes
 * codes[i], names[i]; NULL on failure. */
static inline fixture *fixture_open(const char *fw_path, const char *const *codes,
				    const char *const *names, size_t n)
{
	fixture *f = xcalloc(1, sizeof *f);
	commune_list l = {0};
	dti_diag d;
	int fd;

	snprintf(f->path, sizeof f->path, "/tmp/dti-test-staging-XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0)
		return NULL;
	close(fd);
	unlink(f->path);
	if (framework_load(fw_path, &f->fw, &d) || staging_open(f->path, &f->st, &d) ||
	    staging_sync_framework(f->st, f->fw, &d))
		return NULL;
	for (size_t i = 0; i < n; i++)
		commune_list_add(&l, codes[i], names[i]);
	if (staging_set_communes(f->st, &l, NULL, NULL, &d))
		return NULL;
	commune_list_free(&l);
	return f;
}

static inline int setup(void **state)
{
	static const char *const codes[] = {"11989", "11992"};
	static const char *const names[] = {"Xã Lạc Đạo", "Xã Chỉ Đạo"};

	*state = fixture_open("config/frameworks/commune-2024.json", codes, names, 2);
	return *state ? 0 : -1;
}

static inline int teardown(void **state)
{
	fixture *f = *state;
	char p[80];

	staging_close(f->st);
	framework_free(f->fw);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

/* Stores one value of 2024 from `source` as its own run; returns the run. */
static inline int64_t put_value(fixture *f, const char *source, const char *code, const char *var,
				const char *raw)
{
	batch b;
	dti_problems p = {0};
	dti_diag d;
	batch_target t = {source, "test", "test", 2024, NULL, NULL, 0, false, NULL, NULL};
	int64_t run = 0;

	batch_init(&b);
	assert_true(batch_add(&b, framework_variable(f->fw, var), code, 2024, raw, '.', NULL, NULL,
			      "test", &p));
	assert_int_equal(batch_store(f->st, &b, &t, &run, &d), DTI_EOK);
	batch_free(&b);
	return run;
}

#endif
