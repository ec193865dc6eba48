#ifndef JOURNAL_UTIL_UNICODE_H
#define JOURNAL_UTIL_UNICODE_H

#include "util/strbuf.h"

#include <stdbool.h>
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

/* ---- collation ---------------------------------------------------------- */

/*
 * The order a language's readers expect a list in (ICU's collation for the
 * language, CLDR's rules): in Russian "Сингапур" before "США" and ё next to е,
 * in English "Çelik" among the C's and "de la Cruz" by its letters. A
 * collator is only read after text_collator_open, so one may be shared by
 * threads (ICU documents ucol_strcoll and ucol_getSortKey as thread-safe on a
 * const UCollator).
 */
struct text_collator;

/*
 * The collator for lang ("ru", "en", "ru-RU"); NULL or "" is the root order
 * (CLDR's default, which is also English's). A language ICU has no rules for
 * gets the root order too. error_internal if ICU cannot open any collator.
 */
int text_collator_open(struct text_collator **out, const char *lang);
void text_collator_free(struct text_collator *c);

/* <0, 0, >0 as a sorts before, with or after b. */
int text_collate(const struct text_collator *c, const char *a, const char *b);

/*
 * Appends to out a key whose bytes compare (strcmp) as the parts compare one
 * after the other: first by parts[0], then, where those are equal, by
 * parts[1] and so on (ICU's merged sort keys). The key holds no NUL byte.
 * Worth it when the same strings are compared many times (sorting).
 */
void text_sort_key(const struct text_collator *c, const char *const *parts, size_t nparts,
                   struct strbuf *out);

/*
 * Sort n elements of size bytes at base by the string key(element), in c's
 * order; elements with equal keys keep their order (stable).
 */
void text_sort(const struct text_collator *c, void *base, size_t n, size_t size,
               const char *(*key)(const void *element));

/*
 * Whether s has letters and every one is Han, Hangul, Hiragana or Katakana: the scripts in
 * which a person's name is written without a space between family and given name ("박지호",
 * "张伟", "山田太郎").
 */
bool text_is_unspaced_script(const char *s);

/* ---- Matching across scripts and spellings (issue 16) ---------------------------------- */

/*
 * s in Latin ASCII, lower case: Cyrillic by BGN/PCGN ("Дмитрий Соколов" -> "dmitriy
 * sokolov", "Гумилёв" -> "gumilev"), every other script by ICU's Any-Latin (Han as pinyin,
 * Hangul as Revised Romanisation), then accents and ligatures folded (Latin-ASCII) and case
 * folded. Punctuation is kept for the caller to split on. The transliterator is opened once
 * per thread (ICU's are not thread-safe and take milliseconds to open) and closed when the
 * thread ends. Appends to out; returns 0, or JOURNAL_EINTERNAL when ICU cannot open it.
 */
int text_latin_ascii(struct strbuf *out, const char *s);

/*
 * One word of Latin ASCII (as text_latin_ascii gives) in the spelling-blind form names are
 * compared in, appended to out: the romanisations of Russian names differ in a handful of
 * letters, so j and y become i, kh h, x ks, eu ev (Eurasian, Евразийский), w v, z s, c before a, o,
 * u and ck k, q k, ph f; then ie and io become e (Yevgeny/Evgeny, Gumilyov/Gumilev) and doubled
 * letters one. Dmitriy, Dmitry and Dmitrij meet as "dmitri"; Yulia, Julia and Yuliya as "iulia";
 * Aleksei and Alexey as "aleksei". Anything but a-z and 0-9 is dropped.
 */
void text_spelling_fold(struct strbuf *out, const char *word, size_t len);

#endif
