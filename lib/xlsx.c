#include "xlsx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

dti_err xlsx_open(xlsx_out *x, const char *path, bool streaming, dti_diag *d)
{
	lxw_workbook_options opt = {0};

	memset(x, 0, sizeof *x);
	x->path = xstrdup(path);
	/* As output_open names its temporary file (util.h). */
	x->tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	opt.constant_memory = streaming ? LXW_TRUE : LXW_FALSE;
	x->wb = workbook_new_opt(x->tmp, &opt);
	if (!x->wb) {
		free(x->path);
		free(x->tmp);
		memset(x, 0, sizeof *x);
		return diag_set(d, DTI_EIO, "cannot start workbook '%s'", path);
	}
	return DTI_EOK;
}

static void xlsx_free(xlsx_out *x)
{
	free(x->path);
	free(x->tmp);
	memset(x, 0, sizeof *x);
}

dti_err xlsx_commit(xlsx_out *x, FILE *paths, dti_diag *d)
{
	lxw_error e = workbook_close(x->wb);
	dti_err rc = DTI_EOK;

	x->wb = NULL;
	if (e != LXW_NO_ERROR)
		rc = diag_set(d, DTI_EIO, "cannot write '%s': %s", x->path, lxw_strerror(e));
	else if (rename(x->tmp, x->path) != 0)
		rc = diag_set(d, DTI_EIO, "cannot rename '%s' to '%s': %s", x->tmp, x->path,
			      strerror(errno));
	if (rc)
		unlink(x->tmp);
	else if (paths)
		fprintf(paths, "%s\n", x->path);
	xlsx_free(x);
	return rc;
}

void xlsx_abort(xlsx_out *x)
{
	if (x->wb)
		workbook_close(x->wb);
	if (x->tmp)
		unlink(x->tmp);
	xlsx_free(x);
}

double xlsx_width(const char *text, double lo, double hi)
{
	double n = 0;

	for (const unsigned char *s = (const unsigned char *)text; s && *s; s++)
		if ((*s & 0xC0) != 0x80)
			n++;
	n += 2;
	return n < lo ? lo : n > hi ? hi : n;
}
