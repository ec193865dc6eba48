#ifndef JOURNAL_WORKFLOW_REVIEW_ROUND_H
#define JOURNAL_WORKFLOW_REVIEW_ROUND_H

#include "store/repo.h"

#include <stdbool.h>

struct notifier;

/*
 * The actions of a review round, each one commit: invite a reviewer, record a
 * verdict, decide, and open the next round with the author's revision.
 */

struct assignment_request {
    unsigned long number;
    const char *reviewer;      /* roster id */
    const char *due;           /* "21d", "3w", a date, or NULL for review_due_days */
    const char *override;      /* justification for breaking a rule, or NULL */
    struct notifier *notifier; /* invites the reviewer by mail, or NULL */
};

struct action_outcome {
    unsigned long round;
    char commit[GIT_OID_HEXSZ + 1];
    char date[11];   /* due date (assign), date recorded (others) */
    char *state;     /* the submission's state afterwards */
    char *detail;    /* e.g. the rule that was overridden, the letter's path */
    char **warnings; /* to print (revise: what a document's conversion dropped) */
    size_t nwarnings;
};
void action_outcome_free(struct action_outcome *out);

int workflow_assign(struct journal_repo *repo, const struct assignment_request *req,
                    struct action_outcome *out);

struct review_request {
    unsigned long number;
    const char *reviewer;     /* roster id */
    const char *verdict;      /* accept, minor-revision, major-revision, reject */
    const char *comments;     /* path: comments to the author */
    const char *confidential; /* path: comments to the editor, or NULL */
    bool amend;
    bool sign; /* the reviewer agrees to publish the signed review (open review) */
};
int workflow_review(struct journal_repo *repo, const struct review_request *req,
                    struct action_outcome *out);

struct decision_request {
    unsigned long number;
    const char *decision;      /* accept, revise, reject */
    const char *letter;        /* path, or NULL to generate one from the theme */
    struct notifier *notifier; /* mails the letter to the author, or NULL */
};
int workflow_decide(struct journal_repo *repo, const struct decision_request *req,
                    struct action_outcome *out);

struct revision_request {
    unsigned long number;
    const char *manuscript; /* path: Markdown, or a .docx or .odt with metadata */
    const char *metadata;   /* a document's front matter (META.yaml), or NULL */
    bool accept_changes;    /* take a document's tracked changes as accepted */
    const char *response;   /* path: response to reviewers, or NULL */
};
int workflow_revise(struct journal_repo *repo, const struct revision_request *req,
                    struct action_outcome *out);

#endif
