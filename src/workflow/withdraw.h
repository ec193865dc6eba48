#ifndef JOURNAL_WORKFLOW_WITHDRAW_H
#define JOURNAL_WORKFLOW_WITHDRAW_H

#include "store/repo.h"
#include "workflow/review_round.h"

struct notifier;

/*
 * journal withdraw: the authors ask to withdraw their submission, and the office records it,
 * in one commit. Allowed while the submission is submitted, under-review,
 * revision-requested or accepted; a scheduled or published article is not withdrawn but
 * retracted, and a rejected or already withdrawn one has nothing left to withdraw: each is
 * refused (JOURNAL_EINPUT) and nothing changes.
 *
 * The record gets state withdrawn, withdrawn: today and a timeline event "withdrawn" whose
 * detail is the reason (the office's: `journal show --role author` shows that the
 * submission was withdrawn and when, not why). Every invitation of the current round still
 * outstanding (invited or accepted, its review not in) is withdrawn with it, and those
 * reviewers are mailed (mail/withdrawn.<lang>.mustache, saying the submission was
 * withdrawn); the corresponding author gets an acknowledgement in the manuscript's language
 * (mail/submission-withdrawn.<lang>.mustache). Neither mail quotes the reason.
 */
struct withdrawal_request {
    unsigned long number;
    const char *reason;        /* one line of text, or NULL */
    const char *reason_file;   /* path: the reason as a file, or NULL (not both) */
    struct notifier *notifier; /* mails the reviewers and the author, or NULL */
};

/* out: state "withdrawn", date, commit; detail: the reviewers whose invitations were
   withdrawn, comma-separated, or NULL. */
int workflow_withdraw(struct journal_repo *repo, const struct withdrawal_request *req,
                      struct action_outcome *out);

#endif
