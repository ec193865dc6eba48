#ifndef JOURNAL_UTIL_UTF8_H
#define JOURNAL_UTIL_UTF8_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Check that s holds well-formed UTF-8 (no overlongs, no surrogates, nothing
 * past U+10FFFF). On failure *bad is the byte offset of the first bad sequence.
 */
bool utf8_validate(const char *s, size_t len, size_t *bad);
/* 1-based line and column (in code points) of byte offset off in s. */
void utf8_position(const char *s, size_t off, size_t *line, size_t *column);
/* Number of code points in s (assumes valid UTF-8). */
size_t utf8_length(const char *s, size_t len);

/*
 * Decode the code point at *s (NUL-terminated) into *cp and advance *s past
 * it. An invalid byte is consumed alone and false returned, with *cp the
 * byte, so a caller can keep it as it was.
 */
bool utf8_decode(const char **s, uint32_t *cp);
/* Append cp, encoded. */
void utf8_append(struct strbuf *sb, uint32_t cp);
/*
 * Simple case mapping, independent of the process locale, for the scripts the
 * journal's names and keywords come in: Latin (Latin-1, Extended-A, the
 * Romanian comma letters, Azerbaijani schwa), Greek, Cyrillic with its
 * Kazakh, Kyrgyz, Tajik and Ukrainian letters, and Armenian. Other code
 * points are returned unchanged.
 */
uint32_t utf8_tolower(uint32_t cp);
uint32_t utf8_toupper(uint32_t cp);

#endif
