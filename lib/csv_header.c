/* csv_header.c — the header row shared by the form and sheet readers
 * (see csv_header.h). */
#include "csv_header.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

int csv_header_read(csv_reader *r, const char *file, const csv_header_name *names, size_t n_names,
		    unsigned flags, csv_header *h, dti_problems *p, dti_diag *d)
{
	int got = csv_next(r, d);

	memset(h, 0, sizeof *h);
	if (got < 0)
		return -1;
	if (got == 0) {
		problems_add(p, "%s: the file is empty", file);
		return 0;
	}
	h->dec = csv_delim(r) == ';' ? ',' : '.';
	h->n = csv_nfields(r);
	h->names = xcalloc(h->n ? h->n : 1, sizeof *h->names);
	h->role = xcalloc(h->n ? h->n : 1, sizeof *h->role);
	for (size_t i = 0; i < h->n; i++) {
		const char *raw = csv_field(r, i);
		char *name = text_trim(
			xstrdup(flags & CSV_HEADER_UNGUARD ? sheet_text_unguard(raw) : raw));
		/* "Mã xã" saved decomposed (NFD, as a Mac does) is "Mã xã". */
		char *nfc = text_nfc(name);
		h->names[i] = nfc ? nfc : name;
		if (nfc)
			free(name);
		for (size_t k = 0; k < n_names && !h->role[i]; k++)
			if (strcmp(h->names[i], names[k].name) == 0)
				h->role[i] = names[k].role;
	}
	return 1;
}

long csv_header_column(const csv_header *h, int role)
{
	long found = -1;

	for (size_t i = 0; i < h->n; i++)
		if (h->role[i] == role)
			found = (long)i;
	return found;
}

void csv_header_free(csv_header *h)
{
	for (size_t i = 0; h->names && i < h->n; i++)
		free(h->names[i]);
	free(h->names);
	free(h->role);
	memset(h, 0, sizeof *h);
}
