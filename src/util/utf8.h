#ifndef JOURNAL_UTIL_UTF8_H
#define JOURNAL_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check that s holds well-formed UTF-8 (no overlongs, no surrogates, nothing
 * past U+10FFFF). On failure *bad is the byte offset of the first bad sequence.
 */
bool utf8_validate(const char *s, size_t len, size_t *bad);
/* 1-based line and column (in code points) of byte offset off in s. */
void utf8_position(const char *s, size_t off, size_t *line, size_t *column);
/* Number of code points in s (assumes valid UTF-8). */
size_t utf8_length(const char *s, size_t len);

#endif
