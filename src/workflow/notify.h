#ifndef JOURNAL_WORKFLOW_NOTIFY_H
#define JOURNAL_WORKFLOW_NOTIFY_H

#include "store/repo.h"

#include <jansson.h>
#include <stdbool.h>

struct outbox;
struct mustache_set;

/*
 * The mail an action sends, made from the theme's mail templates
 * (themes/<theme>/mail/<name>.<lang>.mustache: a "Subject: ..." line, a blank
 * line, the body), in the reader's language. Messages are written to the outbox *before* the
 * action's commit, held; released with the commit's id once it exists, or discarded when the action
 * fails. Sending happens afterwards and may fail without undoing anything: the message waits in the
 * outbox for `journal outbox flush`. A journal without mail_from_address sends no mail at all.
 */
struct notifier {
    struct journal_repo *repo;
    struct outbox *outbox;
    struct mustache_set *templates;
    long long *held;
    size_t nheld;
    bool enabled;
    char token[48]; /* the action's hold token while messages are held, else "" */
};

struct recipient {
    const char *name;
    const char *address;
};

/*
 * Opening the notifier settles the mail of actions whose process was killed
 * after holding it (notify_recover), so the next command that may send mail
 * also finishes what a crash left.
 */
int notifier_open(struct notifier *n, struct journal_repo *repo);
void notifier_close(struct notifier *n);

/*
 * Render template in lang (see notify_read_template; NULL: the journal's main language) with
 * ctx and hold the message for to (no-op when mail is off).
 */
int notify_hold(struct notifier *n, const char *template, const char *lang, json_t *ctx,
                const struct recipient *to, const char *purpose, unsigned long submission);
/* The action committed: its held messages may go. */
int notifier_release(struct notifier *n, const char *commit);
/* The action failed: drop its held messages. */
void notifier_discard(struct notifier *n);
/* Send what is queued, if a server is configured. *sent counts what went out. */
int notifier_flush(struct notifier *n, size_t *sent);

/*
 * Held mail after a crash. A held message records its holder's pid and the
 * action's token, and the action's commit carries the token as a trailer
 * ("Journal-Mail: TOKEN", see repo_set_trailer). For each pending message
 * whose holder has died: when a commit since the message was held carries its
 * token, the action happened and the message is released with that commit's
 * id; otherwise the action never committed and the message is dropped.
 * Messages held before holders were recorded (no token) are listed, not
 * touched: nothing tells whether their action was made, so the editor settles
 * them with notify_settle_by_hand. apply = false only looks (journal doctor).
 */
struct mail_orphan {
    long long id;
    char *message_id;
    char *purpose;
    unsigned long submission;
    char *created;
    char *commit; /* the action's commit (hex) when it exists, else NULL */
    bool unknown; /* no token recorded: cannot tell */
    bool settled; /* apply: released (commit) or dropped (no commit) */
};
int notify_recover(struct journal_repo *repo, struct outbox *ob, bool apply,
                   struct mail_orphan **out, size_t *count);
void mail_orphans_free(struct mail_orphan *list, size_t count);

/*
 * The editor's answer for a held message that records no action (one of
 * notify_recover's unknown orphans): send = true queues it (the action was
 * made), its ref saying who released it by hand and when; send = false keeps it
 * unsent as failed, its last error saying who dropped it and why, so that it
 * stays on record (journal outbox retry sends it after all). Any other message
 * is refused with JOURNAL_EINPUT: one held by a live process, or one whose
 * token lets the next command settle it.
 */
int notify_settle_by_hand(struct journal_repo *repo, struct outbox *ob, long long id, bool send);

/*
 * Invite reviewer rv for a submission's round; under double-blind review no author is named.
 * link: the reviewer's front-desk address (invitation_new_link), or NULL.
 */
struct manuscript;
struct roster_reviewer;
int notify_invitation(struct notifier *n, struct journal_repo *repo, unsigned long number,
                      unsigned long round, const struct manuscript *m, const char *editor,
                      const struct roster_reviewer *rv, const char *due, const char *link);

/*
 * Why an invitation is withdrawn, which the reviewer's mail says: the editor withdrew it
 * (assign --withdraw), the editor decided without the review (decide --without), or the
 * submission itself was withdrawn (journal withdraw). The template sees the last two as
 * the flags decided and submission_withdrawn.
 */
enum withdrawal_cause {
    WITHDRAWN_BY_EDITOR,
    WITHDRAWN_BY_DECISION,
    WITHDRAWN_WITH_SUBMISSION,
};

/*
 * Tell reviewer rv that the invitation to review a submission's round is withdrawn
 * (mail/withdrawn.<lang>.mustache), and why (cause).
 * Under double-blind review no author is named; the reason recorded is not quoted.
 */
int notify_withdrawal(struct notifier *n, struct journal_repo *repo, unsigned long number,
                      unsigned long round, const struct manuscript *m, const char *editor,
                      const struct roster_reviewer *rv, enum withdrawal_cause cause);

/*
 * The common part of every message's data: {journal: {title, short, publisher}, editor, date},
 * the journal's title in lang where journal.yaml gives one.
 */
json_t *notify_context(struct journal_repo *repo, const char *editor, const char *lang);

/*
 * A theme template in the reader's language: themes/<theme>/<dir>/<name>.<lang>.mustache, else
 * the one in the journal's main language, else <name>.mustache (themes made before templates
 * came per language). Appends it to out and sets *path to the file read (caller frees). When
 * there is none: JOURNAL_EINPUT with no error recorded, *path naming <name>.mustache, so that
 * the caller says what is missing in its own words.
 */
int notify_read_template(struct journal_repo *repo, const char *dir, const char *name,
                         const char *lang, struct strbuf *out, char **path);

/*
 * The language to write to a reviewer in: the manuscript's if the reviewer reviews in it
 * (reviewers.yaml languages), else the reviewer's first language.
 */
const char *notify_reviewer_lang(const struct roster_reviewer *rv, const char *manuscript_lang);

/*
 * A personal link to the front desk, desk_url + "/KIND/NUMBER/TOKEN" (kind "review" or
 * "status"), with a new 256-bit token: *url for the mail (caller frees), *hash its
 * "sha256:..." for the record (caller frees). Both NULL, and 0, when journal.yaml has no
 * desk_url or no mail goes out: a link nobody receives is not made. The token is in *url only.
 */
int notify_personal_link(struct journal_repo *repo, const struct notifier *notifier,
                         const char *kind, unsigned long number, char **hash, char **url);

#endif
