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
    bool reinvite; /* invite a reviewer who declined this submission in an earlier round */
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

/*
 * A reviewer's answer to an invitation, given by email and recorded by the editor (accept,
 * decline), or the editor's withdrawal of it, which mails the reviewer. One commit each, with
 * a timeline event. Accept and decline answer an invitation still open (invited or expired);
 * withdraw ends one not yet reviewed (invited, accepted or expired). Anything else, an
 * unknown reviewer or a submission not under review, is refused and nothing changes.
 */
enum invitation_answer { ANSWER_ACCEPT, ANSWER_DECLINE, ANSWER_WITHDRAW };
struct answer_request {
    unsigned long number;
    const char *reviewer; /* roster id */
    enum invitation_answer answer;
    const char *reason;        /* decline, withdraw: why, or NULL */
    const char *suggested;     /* decline: a colleague the reviewer suggests, or NULL */
    struct notifier *notifier; /* withdraw: mails the reviewer, or NULL */
    const char *actor;         /* who answers, for the timeline (the front desk: the reviewer's id),
                                  or NULL: whoever runs the command */
};
int workflow_answer(struct journal_repo *repo, const struct answer_request *req,
                    struct action_outcome *out);

/*
 * A reviewer's verdict for the current round, one commit: the CLI gives paths, the front desk
 * the texts and the file as typed and uploaded. A second review by the same reviewer in the
 * round is refused unless amend is set; an amendment replaces the review (and its file, when
 * a new one is given; without one the previous file stays) and keeps the date first sent.
 * Only while the submission is under review: once the editor decides, the round's reviews
 * are final.
 */
struct review_request {
    unsigned long number;
    const char *reviewer;     /* roster id */
    const char *verdict;      /* accept, minor-revision, major-revision, reject */
    const char *comments;     /* path: comments to the author */
    const char *confidential; /* path: comments to the editor, or NULL */
    /* The front desk: the texts themselves, used when the paths above are NULL. */
    const char *comments_text;
    const char *confidential_text;
    /* The reviewer's file, or NULL: a path (file), or a name and its bytes (file_name, file_data,
       file_len); review_file_allowed decides its type, max_attachment_size its size. */
    const char *file;
    const char *file_name;
    const char *file_data;
    size_t file_len;
    /* The review as the reviewer last saw it, checked under the journal's lock: the hex
       SHA-256 of its file, or "none" for no review yet; refused (JOURNAL_EINPUT) when the
       review is not that any more (the same form sent twice). NULL: no check (the CLI). */
    const char *expect;
    bool amend;
    bool sign; /* the reviewer agrees to publish the signed review (open review) */
};
int workflow_review(struct journal_repo *repo, const struct review_request *req,
                    struct action_outcome *out);
/* The checks workflow_review makes of a text typed for what ("comments to the author"): UTF-8,
   no NUL, not blank, within max_manuscript_size. JOURNAL_EINPUT with the reason. */
int workflow_review_check_text(const struct journal_repo *repo, const char *what, const char *text,
                               size_t len);
/* The checks of the reviewer's file named name, len bytes: its type, its size. */
int workflow_review_check_file(const struct journal_repo *repo, const char *name, size_t len);

struct decision_request {
    unsigned long number;
    const char *decision;      /* accept, revise, reject */
    const char *letter;        /* path, or NULL to generate one from the theme */
    struct notifier *notifier; /* mails the letter to the author, or NULL */
    /* Reviewers whose review is still outstanding (invited or accepted, no review) and
     * whom the decision goes without: their invitations are withdrawn and they are told,
     * in the decision's commit. Any other outstanding review refuses the decision. */
    const char *const *without;
    size_t nwithout;
};
int workflow_decide(struct journal_repo *repo, const struct decision_request *req,
                    struct action_outcome *out);

struct revision_request {
    unsigned long number;
    const char *manuscript; /* path: Markdown, or a .docx or .odt with metadata */
    const char *metadata;   /* a document's front matter (META.yaml), or NULL */
    bool accept_changes;    /* take a document's tracked changes as accepted */
    const char *response;   /* path: response to reviewers, or NULL */
    const char *actor;      /* who revises, for the timeline (the front desk: "author"), or NULL:
                               whoever runs the command */
};
int workflow_revise(struct journal_repo *repo, const struct revision_request *req,
                    struct action_outcome *out);

#endif
