#ifndef JOURNAL_WORKFLOW_NOTIFY_H
#define JOURNAL_WORKFLOW_NOTIFY_H

#include "store/repo.h"

#include <jansson.h>
#include <stdbool.h>

struct outbox;
struct mustache_set;

/*
 * The mail an action sends, made from the theme's mail templates
 * (themes/<theme>/mail/<name>.mustache: a "Subject: ..." line, a blank line,
 * the body). Messages are written to the outbox *before* the action's commit,
 * held; released with the commit's id once it exists, or discarded when the
 * action fails. Sending happens afterwards and may fail without undoing
 * anything: the message waits in the outbox for `journal outbox flush`.
 * A journal without mail_from_address sends no mail at all.
 */
struct notifier {
    struct journal_repo *repo;
    struct outbox *outbox;
    struct mustache_set *templates;
    long long *held;
    size_t nheld;
    bool enabled;
};

struct recipient {
    const char *name;
    const char *address;
};

int notifier_open(struct notifier *n, struct journal_repo *repo);
void notifier_close(struct notifier *n);

/* Render template with ctx and hold the message for to (no-op when mail is off). */
int notify_hold(struct notifier *n, const char *template, json_t *ctx, const struct recipient *to,
                const char *purpose, unsigned long submission);
/* The action committed: its held messages may go. */
int notifier_release(struct notifier *n, const char *commit);
/* The action failed: drop its held messages. */
void notifier_discard(struct notifier *n);
/* Send what is queued, if a server is configured. *sent counts what went out. */
int notifier_flush(struct notifier *n, size_t *sent);

/* Invite reviewer rv for a submission's round; under double-blind review no author is named. */
struct manuscript;
struct roster_reviewer;
int notify_invitation(struct notifier *n, struct journal_repo *repo, unsigned long number,
                      unsigned long round, const struct manuscript *m, const char *editor,
                      const struct roster_reviewer *rv, const char *due);

/* The common part of every message's data: {journal: {title, short, publisher}, editor, date}. */
json_t *notify_context(struct journal_repo *repo, const char *editor);

#endif
