#ifndef JOURNAL_WORKFLOW_INVITATION_H
#define JOURNAL_WORKFLOW_INVITATION_H

#include "model/record.h"
#include "store/repo.h"
#include "workflow/notify.h"

#include <stdbool.h>

struct notifier;
struct manuscript;
struct roster;

/*
 * An invitation's life: invited, then accepted or declined by the reviewer, or withdrawn
 * by the editor; unanswered for more than invitation_days, expired (model/record.h's
 * assignment_state is the rule; these functions give it what it needs).
 */

/* Where assignment a of submission number stands today, looking up whether its review is in. */
int invitation_state(struct journal_repo *repo, unsigned long number,
                     const struct record_assignment *a, enum assignment_state *out);

/*
 * Whether assignment a still waits for its review (*open): invited or accepted, the review
 * not in; *st where it stands. Reads the review once. decide (--without) and withdraw use it.
 */
int invitation_outstanding(struct journal_repo *repo, unsigned long number,
                           const struct record_assignment *a, enum assignment_state *st,
                           bool *open);

/* The assignments of r's current round that still count (invited or accepted). */
int invitation_count_live(struct journal_repo *repo, const struct submission_record *r,
                          size_t *out);

/*
 * "declined on 2026-01-20", "accepted on ...", "withdrawn on ...", "invited on 2026-01-02,
 * unanswered", "invited on ..., expired": for messages. Caller frees.
 */
char *invitation_describe(const struct record_assignment *a, enum assignment_state st);

/*
 * A reason or a suggested colleague typed by the editor: UTF-8 text on one line, without
 * control characters, at most 1000 bytes. option names it in the message.
 */
int invitation_check_text(const char *option, const char *text);

/*
 * Mark a as withdrawn today with reason (may be NULL), add the timeline event and hold the
 * mail to the reviewer (mail/withdrawn.<lang>.mustache) when notifier is given and the
 * reviewer is still in roster. cause: why, which the mail says (notify.h).
 * Nothing is committed: the caller's commit carries it.
 */
int invitation_withdraw(struct journal_repo *repo, struct submission_record *r,
                        struct record_assignment *a, const struct manuscript *m,
                        const struct roster *roster, const char *actor, const char *reason,
                        enum withdrawal_cause cause, struct notifier *notifier);

/*
 * The reviewer's personal front-desk link for assignment a: when journal.yaml has desk_url
 * and mail goes out (notifier enabled), a new token whose hash goes into a->link and whose
 * address, desk_url + "/review/<number>/<token>", is put in *url for the invitation mail
 * (caller frees); otherwise *url = NULL and a is unchanged. The token is in the mail only.
 */
int invitation_new_link(struct journal_repo *repo, const struct notifier *notifier,
                        unsigned long number, struct record_assignment *a, char **url);

/*
 * journal token revoke N --reviewer ID: the reviewer's links to submission number stop
 * working (every round's), one commit with a timeline event. Refused when there is none.
 * *revoked counts the links revoked.
 */
int workflow_revoke_link(struct journal_repo *repo, unsigned long number, const char *reviewer,
                         size_t *revoked, char commit[GIT_OID_HEXSZ + 1]);

#endif
