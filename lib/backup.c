#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_backup.h"
#include "util.h"

void backup_result_free(backup_result *r)
{
	if (!r)
		return;
	free(r->path);
	r->path = NULL;
}

/* The database file's name without its folder and a ".db" ending. */
static char *db_stem(const char *db_path)
{
	const char *base = path_base(db_path);
	size_t n = strlen(base);

	if (n > 3 && strcmp(base + n - 3, ".db") == 0)
		n -= 3;
	return xstrndup(base, n);
}

/* "-YYYYMMDDTHHMMSSmmmZ.db" after the stem: 8 digits, T, 9 digits, Z. */
int backup_name_matches(const char *name, const char *stem)
{
	size_t n = strlen(stem);
	const char *p;

	if (strncmp(name, stem, n) != 0 || name[n] != '-')
		return 0;
	p = name + n + 1;
	for (int i = 0; i < 18; i++) {
		if (i == 8) {
			if (p[i] != 'T')
				return 0;
		} else if (p[i] < '0' || p[i] > '9') {
			return 0;
		}
	}
	return strcmp(p + 18, "Z.db") == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Deletes the oldest backups of stem beyond keep, and leftover temporary
 * files of interrupted backups (never the one being written: `skip`). */
static dti_err prune(const char *dir, const char *stem, int keep, const char *skip, int *removed,
		     dti_diag *d)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t count = 0, cap = 0;
	dti_err rc = DTI_EOK;

	*removed = 0;
	if (!dh)
		return diag_set(d, DTI_EIO, "cannot read folder '%s': %s", dir, strerror(errno));
	while ((e = readdir(dh)) != NULL) {
		size_t len = strlen(e->d_name);
		int is_tmp = len > 4 && strcmp(e->d_name + len - 4, ".tmp") == 0;
		char *base = xstrndup(e->d_name, is_tmp ? len - 4 : len);
		int ours = backup_name_matches(base, stem);

		free(base);
		if (!ours || (skip && strcmp(e->d_name, skip) == 0))
			continue;
		if (is_tmp) {
			char *p = xasprintf("%s/%s", dir, e->d_name);
			unlink(p);
			free(p);
			continue;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[count++] = xstrdup(e->d_name);
	}
	closedir(dh);
	if (names)
		qsort(names, count, sizeof *names, cmp_names);
	for (size_t i = 0; keep > 0 && i + (size_t)keep < count; i++) {
		char *p = xasprintf("%s/%s", dir, names[i]);
		if (unlink(p) == 0)
			(*removed)++;
		else if (!rc)
			rc = diag_set(d, DTI_EIO, "cannot delete old backup '%s': %s", p,
				      strerror(errno));
		free(p);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

dti_err backup_write(staging *st, const char *dir, int keep, backup_result *out, dti_diag *d)
{
	char now[32], stamp[32];
	char *stem = db_stem(staging_path(st));
	char *final = NULL, *tmp = NULL, *tmp_base = NULL;
	size_t j = 0;
	dti_err rc;

	out->path = NULL;
	out->removed = 0;
	if (keep < 1) {
		rc = diag_set(d, DTI_EUSAGE, "backup: keep must be at least 1");
		goto out;
	}
	rc = make_dirs(dir, d);
	if (rc)
		goto out;
	/* 2026-11-27T16:03:33.825Z -> 20261127T160333825Z */
	now_iso(now);
	for (const char *p = now; *p && j < sizeof stamp - 1; p++)
		if (*p != '-' && *p != ':' && *p != '.')
			stamp[j++] = *p;
	stamp[j] = '\0';
	final = xasprintf("%s/%s-%s.db", dir, stem, stamp);
	tmp = xasprintf("%s.tmp", final);
	tmp_base = xasprintf("%s-%s.db.tmp", stem, stamp);
	if (access(final, F_OK) == 0) {
		rc = diag_set(d, DTI_EIO, "backup '%s' already exists", final);
		goto out;
	}
	unlink(tmp);
	rc = store_backup_vacuum_into(st, tmp, d);
	if (!rc)
		rc = store_backup_quick_check(tmp, d);
	if (rc)
		goto out;
	if (rename(tmp, final) != 0) {
		rc = diag_set(d, DTI_EIO, "cannot rename '%s' to '%s': %s", tmp, final,
			      strerror(errno));
		goto out;
	}
	out->path = final;
	final = NULL;
	rc = prune(dir, stem, keep, tmp_base, &out->removed, d);
out:
	if (rc && tmp)
		unlink(tmp);
	free(tmp_base);
	free(tmp);
	free(final);
	free(stem);
	return rc;
}
