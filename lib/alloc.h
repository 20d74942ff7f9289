/* alloc.h — the lowest layer: allocation that never returns NULL.  Every
 * module may include it; it includes nothing of dti. */
#ifndef DTI_ALLOC_H
#define DTI_ALLOC_H

#include <stddef.h>

/* Allocation that never returns NULL: on exhaustion it prints and aborts
 * (there is nothing sensible a batch job can do without memory). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a malloc'd formatted string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
