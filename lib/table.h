/* table.h — the one printer of lists (dti communes list, runs, sources,
 * paths, status, appraise list, form status ...): on a terminal aligned
 * columns, widths by the display width of the UTF-8 text; otherwise
 * (piped, redirected) tab-separated lines, one row a line, for scripts.
 *
 * Every cell is shown on one line and harmlessly: a tab, line feed or
 * carriage return becomes a space; any other control character, a
 * bidirectional control or a byte that is not valid UTF-8 becomes '?'
 * (text_printable), so a name in the data can neither break the columns
 * nor send a terminal escape. */
#ifndef DTI_TABLE_H
#define DTI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct table table;

/* A table of ncols columns written to out, aligned when out is a terminal
 * (isatty).  Free with table_close, which prints what was buffered. */
table *table_open(FILE *out, size_t ncols);
/* The same with the choice made by the caller (tests). */
table *table_open_as(FILE *out, size_t ncols, bool aligned);

/* One row of ncols cells (NULL prints as empty).  Copied: the cells may
 * be freed after the call.  Tab-separated rows are written at once. */
void table_row(table *t, const char *const *cells);
/* The same with the cells as arguments, exactly ncols of them. */
void table_rowv(table *t, ...);

/* Prints the aligned rows (two spaces between columns, the last column
 * not padded) and frees t.  NULL is ignored. */
void table_close(table *t);

#endif
