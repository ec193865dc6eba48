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

#endif
