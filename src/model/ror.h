#ifndef JOURNAL_MODEL_ROR_H
#define JOURNAL_MODEL_ROR_H

/*
 * ROR identifiers (https://ror.org/03vek6s52): a leading 0, six Crockford
 * base32 characters and two decimal check digits, ISO/IEC 7064 MOD 97-10
 * over the first seven. Accepted as the URL (http or https, with or without
 * "www."), "ror.org/..." or the bare id, in any case.
 */
#define ROR_CANONICAL_SIZE 10 /* "03vek6s52" and a NUL */

enum ror_status {
    ROR_VALID = 0,
    ROR_BAD_FORMAT,
    ROR_BAD_CHECKSUM,
};

/* On ROR_VALID, canonical (when not NULL) receives the bare lower-case id. */
enum ror_status ror_check(const char *text, char canonical[ROR_CANONICAL_SIZE]);

#endif
