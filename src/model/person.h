#ifndef JOURNAL_MODEL_PERSON_H
#define JOURNAL_MODEL_PERSON_H

#include "model/manuscript.h"
#include "util/yaml.h"

#include <stdbool.h>

struct country_db;

/*
 * What authors (manuscript front matter) and reviewers (reviewers.yaml) have
 * in common, read by the same rules so that a conflict check compares like
 * with like: an affiliation with a normalised country, an ORCID iD, an email.
 * Problems are reported at their node (ydoc_problem) and parsing goes on.
 */

/* A non-empty scalar, copied; reports "<what> must be text" / "<what> is empty". */
char *person_text(struct ydoc *d, yaml_node_t *n, const char *what);
/*
 * The ROR id at n (absent or null: NULL), as https://ror.org/0xxxxxxNN; a wrong
 * check digit or a value that is no ROR id is reported at n and gives NULL.
 * Caller frees.
 */
char *person_parse_ror(struct ydoc *d, yaml_node_t *n);
/* local@domain.tld, one address: no display name, no list. */
bool person_email_is_plausible(const char *s);
/* Check and canonicalise an ORCID iD (MOD 11-2 check digit); "" on failure. */
void person_parse_orcid(struct ydoc *d, yaml_node_t *n, char canonical[20]);
/*
 * An affiliation mapping {name, department, country | international: true, ror, ...};
 * a bare name is reported (it has no country). The country is normalised to
 * ISO 3166-1 alpha-2, with the nearest names suggested when unknown.
 */
void person_parse_affiliation(struct ydoc *d, yaml_node_t *n, const struct country_db *countries,
                              struct affiliation *aff);
void affiliation_free(struct affiliation *aff);

/*
 * The name of an author, a reviewer or a board member, read alike from the entry's mapping:
 *   name: Дмитрий Соколов                   one string, split for citations as "given family"
 *   name: {given: Дмитрий, family: Соколов}
 *   name_latin: {given: Dmitry, family: Sokolov}   optional: the same person in Latin script
 *   family_first: true                       a one-string name is "Family Given": "Kim Min-jun"
 *                                            is family Kim, given Min-jun, and {given, family}
 *                                            is shown "Kim Min-jun"
 * A name without name_latin leaves *latin zeroed. family_first that is not a boolean is a
 * problem at its node. what names the name in messages ("author name", "name"). A
 * missing name is the caller's to report (*name->text stays NULL).
 */
void person_parse_names(struct ydoc *d, yaml_node_t *entry, const char *what,
                        struct person_name *name, struct person_name *latin, bool *family_first);
void person_name_free(struct person_name *n);
/*
 * The form of a name a page in lang shows: the Latin form (latin->text) on the pages of
 * languages written in Latin script (en, de, fr, ...) when there is one, else the name as
 * written (Cyrillic on the Russian site); name when latin is NULL or empty.
 */
const char *person_display_name(const char *name, const struct person_name *latin,
                                const char *lang);
/* A shallow copy of a whose name, given and family are its Latin form (name_latin) when it has
   one, else a itself: for what is written in Latin script (English citations, Crossref, DOAJ). */
struct author person_author_latin(const struct author *a);
/* Whether pages in lang (ISO 639-1) show a person's Latin form. */
bool person_lang_is_latin_script(const char *lang);
/*
 * Countries (ISO 3166-1 alpha-2) where the family name customarily comes first: China, Taiwan,
 * Hong Kong, Macao, both Koreas, Japan, Vietnam, Hungary, Cambodia. A one-string name of an
 * author affiliated there is likely to be split the wrong way round.
 */
bool person_country_is_family_first(const char *alpha2);

#endif
