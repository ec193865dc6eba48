#ifndef JOURNAL_MODEL_STANDARD_NUMBER_H
#define JOURNAL_MODEL_STANDARD_NUMBER_H

#include <stddef.h>

/*
 * ISSNs and ISBNs as journal stores them, whatever spelling they were given
 * in: one canonical form, so that every output (Crossref, DOAJ, JATS, the
 * site's meta tags, citations) carries the same text and Crossref's schema
 * takes it.
 *
 *   ISSN  NNNN-NNNC, an upper-case X for the check digit ten (ISO 3308):
 *         "2789-388x", "2789388X" and "2789 388X" are "2789-388X".
 *   ISBN  ISBN-13 as 978-NNNNNNNNNN (or 979-), ISBN-10 as NNNNNNNNNC with an
 *         upper-case X: the forms Crossref's isbn_t takes
 *         ((97(8|9)-)?\d[\d \-]+[\dX]), hyphens and spaces between the other
 *         groups dropped (where they go depends on the registration group, so
 *         they cannot be put back without ISBN's range tables).
 *
 * Each returns 0 and writes the canonical form into out, or a negative
 * STANDARD_NUMBER_* code: the text is not shaped like one (digits, hyphens,
 * spaces, X last), or its check digit is wrong (expected then gets the one
 * the other digits call for).
 */
enum {
    STANDARD_NUMBER_MALFORMED = -1,
    STANDARD_NUMBER_CHECK_DIGIT = -2,
};
#define ISSN_CANONICAL_SIZE 10 /* "NNNN-NNNC" and NUL */
#define ISBN_CANONICAL_SIZE 15 /* "978-NNNNNNNNNN" and NUL */
int issn_canonical(const char *text, char out[ISSN_CANONICAL_SIZE], char *expected);
int isbn_canonical(const char *text, char out[ISBN_CANONICAL_SIZE], char *expected);

#endif
