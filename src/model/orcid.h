#ifndef JOURNAL_MODEL_ORCID_H
#define JOURNAL_MODEL_ORCID_H

enum orcid_status {
    ORCID_VALID = 0,
    ORCID_BAD_FORMAT,
    ORCID_BAD_CHECKSUM,
};

/* "0000-0002-1825-0097" and its NUL */
#define ORCID_CANONICAL_SIZE 20

/*
 * Check an ORCID iD written as "0000-0002-1825-0097", optionally prefixed by
 * "https://orcid.org/", "http://orcid.org/" or "orcid.org/" (the prefix in any
 * case) and surrounded by ASCII whitespace. The last character may be 'X' or
 * 'x'. The check character is ISO 7064 MOD 11-2 as ORCID documents it.
 * On ORCID_VALID, canonical (when not NULL) receives the bare upper-case form;
 * otherwise it receives "".
 */
enum orcid_status orcid_check(const char *text, char canonical[ORCID_CANONICAL_SIZE]);

/* The check character ('0'..'9' or 'X') for exactly 15 digits, or '\0' if digits15 is not that. */
char orcid_check_digit(const char *digits15);

#endif
