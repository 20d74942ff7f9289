#include "official.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "history.h"
#include "log.h"
#include "publish.h"
#include "report.h"
#include "score.h"
#include "util.h"

dti_err official_approve(staging *st, const store_scoring_run *run, store_approval *ap, dti_diag *d)
{
	dti_err rc;

	if (strcmp(run->status, "ok") != 0)
		return diag_set(
			d, DTI_EINVALID,
			"scoring run %lld is %s: only a finished ('ok') run can be approved",
			(long long)run->id, run->status);
	if (run->voided)
		return diag_set(d, DTI_EINVALID,
				"scoring run %lld was voided: it cannot be approved",
				(long long)run->id);
	ap->scoring_run_id = run->id;
	ap->year = run->year;
	now_iso(ap->at);
	rc = staging_begin(st, d);
	if (!rc)
		rc = store_approval_put(st, ap, d);
	if (!rc)
		rc = staging_commit(st, d);
	if (rc)
		staging_rollback(st);
	return rc;
}

/* The lock of the publications into out, held from before the run to
 * publish is chosen until its report is in place: two publishes at once
 * (the nightly's, an approval in dti-web, an administrator's) would each
 * choose their run first, and the slower would put its report in place
 * last, an official report of the approval just superseded, say.  The
 * other waits, at most wait_s seconds (a stopped holder would otherwise
 * stall every publish, and dti-web's workers with them); the kernel drops
 * the lock of a process that dies.  One open of its own a call: flock
 * keeps the threads of dti-web apart too.  The holder's process id is
 * written into the file, for the message of one that gives up.  *lock -1
 * on error. */
static dti_err publish_lock(const char *out, int wait_s, int *lock, dti_diag *d)
{
	char *path = xasprintf("%s/.publish.lock", out);
	/* Never a symbolic link followed, a FIFO waited on (O_NONBLOCK; flock
	 * does not heed it) nor a file of other names changed: only a plain
	 * file of one name is taken.  Opened for writing, so that only those
	 * who may publish into OUT can hold it. */
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	bool made = fd >= 0;
	const char *why = NULL;
	struct stat sb, ob;
	dti_err rc = DTI_EOK;
	int e = 0;

	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		why = strerror(errno);
	else if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1)
		why = "not a plain file";
	/* Made now: 0644 whatever the umask, and when root made it, OUT's
	 * owner's, so that the nightly's user can still take it. */
	if (!why && made) {
		(void)fchmod(fd, 0644);
		if (geteuid() == 0 && stat(out, &ob) == 0)
			(void)fchown(fd, ob.st_uid, ob.st_gid);
	}
	if (!why && flock(fd, LOCK_EX | LOCK_NB) != 0) {
		double until = mono_seconds() + wait_s;
		useconds_t nap = 20 * 1000; /* doubling to half a second */

		e = errno;
		if (e == EWOULDBLOCK && wait_s > 0)
			log_info(
				"%s: another publish is running; waiting for it to finish (at most "
				"%d s)",
				out, wait_s);
		while (e == EWOULDBLOCK && mono_seconds() < until) {
			usleep(nap);
			nap = nap < 250 * 1000 ? nap * 2 : 500 * 1000;
			e = flock(fd, LOCK_EX | LOCK_NB) != 0 ? errno : 0;
		}
		if (e && e != EWOULDBLOCK)
			why = strerror(e);
	}
	if (!why && e == EWOULDBLOCK) {
		char held[24] = "";
		ssize_t n = pread(fd, held, sizeof held - 1, 0);

		held[n > 0 ? n : 0] = '\0';
		held[strspn(held, "0123456789")] = '\0';
		/* Named only while it lives: a holder that is not dti (flock(1),
		 * say) leaves the id of the last dti that held the lock. */
		long pid = strtol(held, NULL, 10);
		if (pid <= 1 || pid > INT_MAX || (kill((pid_t)pid, 0) != 0 && errno != EPERM))
			*held = '\0';
		rc = diag_set(d, DTI_ELOCKED,
			      "another publish%s%s%s still holds '%s' after %d s: not published "
			      "(if that process is stopped or stuck, end it and publish again)",
			      *held ? " (process " : "", held, *held ? ")" : "", path, wait_s);
	} else if (why) {
		rc = diag_set(d, DTI_EIO, "cannot lock '%s': %s", path, why);
	} else {
		char pid[24];
		int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());

		if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
			log_warn("%s: cannot write this process's id: %s", path, strerror(errno));
	}
	if (rc) {
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	*lock = fd;
	free(path);
	return rc;
}

/* The run of the year's current approval into *run_id; DTI_ENOTFOUND when
 * there is none. */
static dti_err approved_run(staging *st, int year, int64_t *run_id, dti_diag *d)
{
	store_approval ap;
	bool found = false;
	dti_err rc = store_approval_current(st, year, &ap, &found, d);

	if (!rc && !found)
		rc = diag_set(d, DTI_ENOTFOUND,
			      "no official result for %d: approve a run with 'dti approve RUN "
			      "--decision …' first",
			      year);
	if (!rc)
		*run_id = ap.scoring_run_id;
	return rc;
}

dti_err official_publish(staging *st, config *c, int year, const char *out, int64_t run_id,
			 bool official, int wait_s, FILE *paths, char **index,
			 official_published *published, dti_diag *d)
{
	scoring_run_info run = {0};
	rating_bands bands = {NULL, 0};
	history *hist = NULL;
	publish_options po;
	char *abs = NULL;
	int lock = -1;
	dti_err rc;

	if (index)
		*index = NULL;
	rc = report_bands_load(c->root, &bands, d);
	if (rc) {
		diag_prefix(d, "%s", c->path);
		return rc;
	}
	/* No approval: refused before out and its lock file are made. */
	if (official && !run_id) {
		int64_t approved;
		rc = approved_run(st, year, &approved, d);
		if (rc)
			goto out;
	}
	rc = make_dirs(out, d);
	if (!rc)
		rc = publish_lock(out, wait_s, &lock, d);
	if (rc)
		goto out;
	/* The year's approval chosen under the lock: a newer one may have
	 * superseded it while this publish waited. */
	if (official && !run_id) {
		rc = approved_run(st, year, &run_id, d);
		if (rc)
			goto out;
	}
	/* Absolute paths, so the report's path opens from anywhere. */
	abs = realpath(out, NULL);
	po.out_dir = abs ? abs : out;
	po.title = c->name ? c->name : "";
	po.bands = &bands;
	po.official = official;
	rc = score_run_load(st, run_id, year, &run, d);
	if (!rc)
		rc = history_open(c, run.year, &hist, d);
	po.history = hist;
	if (!rc)
		rc = publish_run(st, &run, &po, paths, index, d);
	if (!rc && published) {
		published->run_id = run.id;
		published->year = run.year;
	}
out:
	if (lock >= 0)
		close(lock); /* and with it the lock */
	history_close(hist);
	free(abs);
	framework_free(run.fw);
	report_bands_free(&bands);
	return rc;
}
