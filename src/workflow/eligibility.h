#ifndef JOURNAL_WORKFLOW_ELIGIBILITY_H
#define JOURNAL_WORKFLOW_ELIGIBILITY_H

#include "model/manuscript.h"
#include "model/namematch.h"
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
 *
 * People are the same by ORCID iD where both have one, else by email, else by name; names
 * and institutions are compared by model/namematch.h, across scripts, spellings, orders,
 * initials and Russian case endings, and institutions by ROR id where both have one.
 */
struct published_paper {
    unsigned long number;
    char *title;
    char **names;            /* authors */
    char **orcids;           /* canonical or "" */
    struct name_form *forms; /* NULL until the first reviewer's or manuscript's forms */
    size_t nauthors;
};

struct eligibility {
    const struct journal_config *config;
    struct journal_index *ix;
    struct published_paper *papers;
    size_t npapers;
    bool forms_made; /* the papers' name forms, made by the first _init below */
    /* Every institution of the forms made below, with the answers of its pairs: the
       institution rule asks here (model/namematch.h). */
    struct institution_memo *institutions;
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

/*
 * A reviewer's name, declared conflicts and institutions read once for every comparison
 * (model/namematch.h), and the published papers (indices into papers) they wrote.
 */
struct eligibility_reviewer {
    /* All the names and institutions below at once, first for every pair: a manuscript's
       authors whose gates meet none of these (namematch.h) are no conflict by name or
       institution, and their forms are not read (bench/assign.sh at 2,000 x 800, callgrind:
       2,155 million instructions without, 2,143 million with). */
    struct name_gate name_gate;
    uint64_t institution_gate;
    struct name_form name;
    struct name_form *people; /* one per conflict_people entry */
    size_t npeople;
    struct institution_form *institutions; /* the affiliation, then the declared ones */
    size_t ninstitutions;
    size_t *papers;
    size_t npapers;
};

struct eligibility_author {
    struct name_form name;
    struct institution_form *affiliations; /* one per affiliation */
    size_t naffiliations;
    size_t *papers;
    size_t npapers;
};

/* The same for a manuscript's authors. */
struct eligibility_manuscript {
    struct name_gate name_gate; /* of all the authors, as in eligibility_reviewer */
    uint64_t institution_gate;
    struct eligibility_author *authors;
    size_t nauthors;
};

int eligibility_open(struct eligibility *el, const struct journal_config *config,
                     struct journal_index *ix);
void eligibility_close(struct eligibility *el);

/*
 * Forms of a reviewer and of a manuscript, for eligibility_check_prepared: a run that checks
 * many pairs makes them once per person (transliteration costs microseconds, a comparison
 * of forms nanoseconds). The first of them also makes the published authors' forms, and each
 * gives its institutions their ids in el's memo (so el is not const, and not to be shared by
 * threads while they run). 0 or JOURNAL_EINTERNAL
 * (ICU); free with the _free functions.
 */
int eligibility_reviewer_init(struct eligibility *el, const struct roster_reviewer *rv,
                              struct eligibility_reviewer *out);
void eligibility_reviewer_free(struct eligibility_reviewer *f);
int eligibility_manuscript_init(struct eligibility *el, const struct manuscript *m,
                                struct eligibility_manuscript *out);
void eligibility_manuscript_free(struct eligibility_manuscript *f);

/*
 * The first rule that excludes reviewer rv (forms rf) from submission number (manuscript m,
 * forms mf), with a sentence saying why in *why (caller frees; NULL when eligible), or no
 * sentence when why is NULL. load is the reviewer's open reviews; capacity counts only when
 * check_capacity. It keeps the answers about institutions in el's memo, so el is not to be
 * shared by threads while it runs either.
 */
enum eligibility_rule
eligibility_check_prepared(const struct eligibility *el, const struct roster_reviewer *rv,
                           const struct eligibility_reviewer *rf, const struct manuscript *m,
                           const struct eligibility_manuscript *mf, unsigned long number,
                           unsigned load, bool check_capacity, char **why);
/* The same for one pair, its forms made and freed here: the rule in *rule. 0 or
 * JOURNAL_EINTERNAL. */
int eligibility_check(struct eligibility *el, const struct roster_reviewer *rv,
                      const struct manuscript *m, unsigned long number, unsigned load,
                      bool check_capacity, enum eligibility_rule *rule, char **why);
const char *eligibility_rule_name(enum eligibility_rule rule);

/* Open reviews of each roster reviewer: assigned in a submission's current round, not yet in. */
int eligibility_loads(struct eligibility *el, const struct roster *roster, unsigned *loads);

#endif
