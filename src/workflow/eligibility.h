#ifndef JOURNAL_WORKFLOW_ELIGIBILITY_H
#define JOURNAL_WORKFLOW_ELIGIBILITY_H

#include "model/manuscript.h"
#include "model/roster.h"
#include "store/index.h"

/*
 * Who may review what: the rules that manual and automatic assignment share.
 * A reviewer is excluded when inactive, unable to read the manuscript's
 * language, out of capacity, or in a conflict of interest: an author; at an
 * author's institution (or one the reviewer declared); a declared conflict
 * with an author; a co-author of an author in an article this journal
 * published; or, when journal.yaml says conflict_same_country, from an
 * author's country.
 */
struct published_paper {
    unsigned long number;
    char *title;
    char **names;  /* authors */
    char **orcids; /* canonical or "" */
    size_t nauthors;
};

struct eligibility {
    const struct journal_config *config;
    struct journal_index *ix;
    struct published_paper *papers;
    size_t npapers;
};

enum eligibility_rule {
    ELIGIBLE = 0,
    RULE_INACTIVE,
    RULE_LANGUAGE,
    RULE_CAPACITY,
    RULE_AUTHOR,
    RULE_INSTITUTION,
    RULE_DECLARED,
    RULE_COAUTHOR,
    RULE_COUNTRY,
};

int eligibility_open(struct eligibility *el, const struct journal_config *config,
                     struct journal_index *ix);
void eligibility_close(struct eligibility *el);

/*
 * The first rule that excludes reviewer rv from submission number (manuscript m),
 * with a sentence saying why in *why (caller frees; NULL when eligible).
 * load is the reviewer's open reviews; capacity counts only when check_capacity.
 */
enum eligibility_rule eligibility_check(const struct eligibility *el,
                                        const struct roster_reviewer *rv,
                                        const struct manuscript *m, unsigned long number,
                                        unsigned load, bool check_capacity, char **why);
const char *eligibility_rule_name(enum eligibility_rule rule);

/* Open reviews of each roster reviewer: assigned in a submission's current round, not yet in. */
int eligibility_loads(struct eligibility *el, const struct roster *roster, unsigned *loads);

#endif
