#ifndef JOURNAL_MODEL_ROSTER_H
#define JOURNAL_MODEL_ROSTER_H

#include "model/manuscript.h"

#include <stdbool.h>
#include <stddef.h>

struct country_db;
struct language_db;

/* Most reviews at once when a reviewer's entry does not say. */
#define ROSTER_DEFAULT_CAPACITY 3u
/* Reviewer ids: lower-case a-z, 0-9 and '-', this many characters. */
#define ROSTER_ID_MIN 2
#define ROSTER_ID_MAX 40

/* One expert reviewer of reviewers.yaml. Every string is owned by the roster. */
struct roster_reviewer {
    char *id; /* stable: submission records name reviewers by it */
    char *name;
    char *given; /* from name: {given, family} or family_first, else NULL */
    char *family;
    struct person_name latin; /* name_latin:, or all NULL */
    bool family_first;
    char *email;
    char orcid[20];                 /* canonical 0000-0000-0000-000X, or "" */
    struct affiliation affiliation; /* country normalised to alpha-2, "" when international */
    char **languages;               /* ISO 639-1 codes, lower case, at least one */
    size_t nlanguages;
    char **keywords; /* expertise, as written */
    size_t nkeywords;
    char *profile; /* free text, or NULL */
    unsigned capacity;
    char **conflict_people; /* names as written, ORCID iDs canonicalised */
    size_t nconflict_people;
    char **conflict_institutions;
    size_t nconflict_institutions;
    bool active; /* inactive reviewers are kept for the record but never assigned */
    size_t line; /* where the entry starts in reviewers.yaml */
};

/* reviewers.yaml: the journal's roster of expert reviewers, in file order. */
struct roster {
    struct roster_reviewer *reviewers;
    size_t count;
};

/*
 * Parse and validate text (len bytes) read from file. Every problem is reported
 * (file:line:column: what was expected) and then JOURNAL_EINPUT is returned; *r
 * is then empty. On success the caller frees *r with roster_free.
 */
int roster_parse(struct roster *r, const char *file, const char *text, size_t len,
                 const struct country_db *countries, const struct language_db *languages);
void roster_free(struct roster *r);

/* The reviewer with this id, or NULL. */
const struct roster_reviewer *roster_find(const struct roster *r, const char *id);

/* An id of the allowed shape (lower-case a-z, 0-9, '-'; ROSTER_ID_MIN..ROSTER_ID_MAX chars). */
bool roster_id_is_valid(const char *id);

/*
 * The comparison key of a person's or institution's name: Latin and Cyrillic
 * letters in lower case (Ё/ё as е), the characters . , ' " ( ) - and their
 * typographic forms (’ “ ” « » – —) dropped, whitespace runs collapsed to one
 * space and trimmed. Accents are kept: "Chișinău" and "Chisinau" differ.
 * The caller frees the result.
 */
char *roster_name_key(const char *name);
/* Whether needle occurs in hay as whole words (both folded by roster_name_key). */
bool roster_has_word(const char *hay, const char *needle);
/*
 * Whether two names are written the same by roster_name_key ("Nazarbayev University" ==
 * "nazarbayev  university."): the same spelling, not the same person. Whether two names
 * are one person or one institution is model/namematch.h's (conflicts, blinding, the author
 * index, the statistics' authors); this is for where the spelling itself matters:
 * `journal enrich` proposes the ORCID or ROR record's spelling when the manuscript's
 * differs (Yerzhan for the record's Erzhan, which namematch sees as one person), and
 * journal.yaml's organisations are found by their name or declared aliases as written
 * (model/config.c), so that statistics never merge two organisations by a loose match.
 */
bool roster_same_name(const char *a, const char *b);

#endif
