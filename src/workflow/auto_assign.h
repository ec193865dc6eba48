#ifndef JOURNAL_WORKFLOW_AUTO_ASSIGN_H
#define JOURNAL_WORKFLOW_AUTO_ASSIGN_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>

struct notifier;

/*
 * Automatic assignment: every waiting submission (or those named) gets k
 * reviewers at once, chosen to maximise the total affinity over all of them
 * jointly (an exact transportation solver, util/assign.c), subject to each
 * reviewer's remaining capacity and the eligibility rules (language and
 * conflicts of interest, workflow/eligibility.c). Affinity is the TF-IDF cosine
 * of the manuscript's title, abstract and keywords against the reviewer's
 * keywords and profile (model/affinity.c). One commit for the whole plan.
 */
struct auto_assign_request {
    const unsigned long *numbers; /* NULL: every submission waiting for reviewers */
    size_t nnumbers;
    unsigned k; /* 0: reviews_per_submission */
    const char *due;
    bool dry_run;
    bool explain; /* keep matched terms and exclusions */
    struct notifier *notifier;
};

struct auto_pair {
    unsigned long number;
    char *reviewer;
    double score;
    char *terms; /* "recruitment 0.21, merit 0.08" when explaining */
};

struct auto_exclusion {
    unsigned long number;
    char *reviewer;
    const char *rule;
    char *why;
};

struct auto_short {
    unsigned long number;
    unsigned missing;
    char *why;
};

struct auto_plan {
    struct auto_pair *pairs;
    size_t npairs;
    struct auto_exclusion *excluded;
    size_t nexcluded;
    struct auto_short *shorts;
    size_t nshort;
    size_t nsubmissions, nreviewers, nedges;
    double total;
    unsigned rounds;
    char due[11];
    char commit[GIT_OID_HEXSZ + 1]; /* "" for a dry run or an empty plan */
};

int workflow_assign_auto(struct journal_repo *repo, const struct auto_assign_request *req,
                         struct auto_plan *plan);
void auto_plan_free(struct auto_plan *plan);

#endif
