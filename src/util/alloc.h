#ifndef JOURNAL_UTIL_ALLOC_H
#define JOURNAL_UTIL_ALLOC_H

#include <stddef.h>

/*
 * Allocation that never returns NULL. Running out of memory is not an error a
 * journal action can recover from sensibly, so these abort() like git's xmalloc
 * instead of threading ENOMEM through every caller.
 */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a freshly allocated string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow *array (of *alloc elements of elem_size bytes) so that it holds at least need elements. */
void *array_grow(void *array, size_t elem_size, size_t need, size_t *alloc);
#define ARRAY_GROW(arr, need, alloc) ((arr) = array_grow((arr), sizeof(*(arr)), (need), &(alloc)))

#endif
