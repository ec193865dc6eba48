#ifndef JOURNAL_UTIL_UNICODE_H
#define JOURNAL_UTIL_UNICODE_H

#include "util/strbuf.h"

#include <stddef.h>

/*
 * Text rules over ICU, in one place: what the terminal tables, the
 * suggestions for mistyped names and (later) transliteration, folding and
 * collation need to agree on. Everything takes UTF-8; invalid bytes count and
 * come out as U+FFFD, so nothing here ever writes invalid UTF-8.
 *
 * Display width is counted per grapheme cluster (what a reader sees as one
 * character: a letter with its combining accents, a Hangul syllable written as
 * jamo, an emoji sequence joined by ZWJ): East Asian Wide and Fullwidth
 * characters and emoji shown as pictures take two columns, combining marks,
 * format characters (zero-width space, joiners) and controls none, the rest
 * one. That is what terminals (VTE, xterm, kitty, Windows Terminal) do for
 * the text journal prints: names, titles and organisations.
 */

/* Columns that s (NUL-terminated UTF-8) takes in a terminal. */
size_t text_display_width(const char *s);

/*
 * s cut to at most width columns, on a grapheme boundary, with "…" (one
 * column) at the end when anything was cut; a copy of s when it fits. Never
 * cuts inside a character or between a letter and its accents. Caller frees.
 */
char *text_truncate_to_width(const char *s, size_t width);

/*
 * For the columns of a terminal table: s truncated to width (as above) and
 * padded with spaces to exactly width columns, appended to out.
 */
void text_add_padded(struct strbuf *out, const char *s, size_t width);

/*
 * The candidate nearest to word (a mistyped command, field or language name),
 * or NULL when none is near enough: edit distance with adjacent
 * transpositions, on case-folded code points, of at most a third of the
 * longer of the two (and at least 1); ties go to the earlier candidate.
 * candidates is NULL-terminated.
 */
const char *text_suggest(const char *word, const char *const *candidates);

#endif
