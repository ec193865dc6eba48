#include "workflow/withdraw.h"

#include "model/review.h"
#include "model/roster.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "workflow/editorial.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A reason kept in the timeline: a paragraph, not the authors' whole correspondence. */
#define REASON_FILE_MAX 4000

/* The reason from --reason (one line) or --reason-file (a paragraph), trimmed. */
static int read_reason(struct journal_repo *repo, const struct withdrawal_request *req,
                       struct strbuf *out)
{
    if (req->reason && req->reason_file)
        return error_usage("give the reason once: --reason TEXT or --reason-file FILE");
    if (req->reason) {
        int rc = invitation_check_text("--reason", req->reason);
        if (!rc)
            strbuf_addstr(out, req->reason);
        return rc;
    }
    if (!req->reason_file)
        return 0;
    int rc = workflow_read_text(repo, "--reason-file", req->reason_file, out);
    if (rc)
        return rc;
    while (out->len && strchr(" \t\r\n", out->buf[out->len - 1]))
        out->buf[--out->len] = '\0';
    if (out->len > REASON_FILE_MAX)
        return error_at(req->reason_file, 0, 0,
                        "--reason-file: %zu bytes is too long for the timeline (at most %d: the "
                        "reason in a paragraph; keep the authors' letter elsewhere)",
                        out->len, REASON_FILE_MAX);
    return 0;
}

/*
 * What the state leaves to withdraw, said in the office's words: a published article is
 * retracted, a rejected manuscript's review is over, a withdrawn one is withdrawn.
 */
static int refuse_state(const struct editorial *e)
{
    const struct submission_record *r = &e->record;
    const char *state = r->state;
    if (!strcmp(state, "published") || !strcmp(state, "scheduled")) {
        if (r->issue)
            return error_input("submission %lu is %s in issue %lu: a published article is not "
                               "withdrawn but retracted (a retraction notice in a later issue, "
                               "which keeps the article online, marked as retracted); "
                               "withdrawal is for a manuscript not yet in an issue",
                               e->number, state, r->issue);
        return error_input("submission %lu is %s: a published article is not withdrawn but "
                           "retracted (a retraction notice in a later issue, which keeps the "
                           "article online, marked as retracted); withdrawal is for a "
                           "manuscript not yet in an issue",
                           e->number, state);
    }
    if (!strcmp(state, "withdrawn"))
        return error_input("submission %lu was already withdrawn on %s", e->number,
                           r->withdrawn ? r->withdrawn : "an unrecorded date");
    if (!strcmp(state, "rejected") || !strcmp(state, "desk-rejected"))
        return error_input("submission %lu is %s%s%s: its review is over, so there is nothing "
                           "to withdraw",
                           e->number, state, r->decided ? " since " : "",
                           r->decided ? r->decided : "");
    return editorial_require(e, "withdraw");
}

/* Withdraw the current round's outstanding invitations; *who lists the reviewers. */
static int withdraw_invitations(struct editorial *e, struct notifier *notifier, struct strbuf *who)
{
    struct roster roster = {0};
    bool loaded = false;
    int rc = 0;
    for (size_t i = 0; !rc && i < e->record.nassignments; i++) {
        struct record_assignment *a = &e->record.assignments[i];
        if (a->round != e->record.round)
            continue;
        enum assignment_state st;
        bool open;
        rc = invitation_outstanding(e->repo, e->number, a, &st, &open);
        if (rc || !open)
            continue;
        if (!loaded) {
            rc = editorial_load_roster(e->repo, e->countries, e->languages, &roster);
            loaded = !rc;
            if (rc)
                break;
        }
        strbuf_addf(who, "%s%s", who->len ? ", " : "", a->reviewer);
        rc = invitation_withdraw(e->repo, &e->record, a, &e->manuscript, &roster, e->actor,
                                 "the submission was withdrawn", WITHDRAWN_WITH_SUBMISSION,
                                 notifier);
    }
    roster_free(&roster);
    return rc;
}

/* The acknowledgement to the corresponding author, in the manuscript's language. */
static int hold_acknowledgement(struct editorial *e, struct notifier *notifier)
{
    const struct author *contact = manuscript_contact(&e->manuscript);
    if (!notifier || !contact)
        return 0;
    json_t *ctx = notify_context(e->repo, e->actor, e->manuscript.lang);
    json_object_set_new(ctx, "submission",
                        json_pack("{s:I, s:s, s:I}", "number", (json_int_t)e->number, "title",
                                  e->manuscript.title, "round", (json_int_t)e->record.round));
    json_object_set_new(ctx, "author", json_pack("{s:s}", "name", contact->name));
    struct recipient to = {contact->name, contact->email};
    int rc = notify_hold(notifier, "submission-withdrawn", e->manuscript.lang, ctx, &to,
                         "submission-withdrawn", e->number);
    json_decref(ctx);
    return rc;
}

int workflow_withdraw(struct journal_repo *repo, const struct withdrawal_request *req,
                      struct action_outcome *out)
{
    struct editorial e;
    struct strbuf reason = STRBUF_INIT, who = STRBUF_INIT, msg = STRBUF_INIT;
    memset(out, 0, sizeof(*out));
    memset(&e, 0, sizeof(e));

    int rc = read_reason(repo, req, &reason);
    if (!rc)
        rc = editorial_open(&e, repo, req->number);
    if (!rc)
        rc = refuse_state(&e);
    if (rc)
        goto done;
    char *was = xstrdup(e.record.state);
    rc = withdraw_invitations(&e, req->notifier, &who);
    if (!rc)
        rc = hold_acknowledgement(&e, req->notifier);
    if (rc) {
        free(was);
        goto done;
    }

    char today[11];
    date_today(today);
    record_set(&e.record.state, "withdrawn");
    record_set(&e.record.withdrawn, today);
    record_add_event(&e.record, "withdrawn", e.actor, reason.len ? reason.buf : NULL);
    /* The summary names no reviewer: an author's view of the history shows summaries. */
    strbuf_addf(&msg, "Withdraw #%lu at the authors' request (was %s)\n", req->number, was);
    free(was);
    if (reason.len)
        strbuf_addf(&msg, "\nReason: %s\n", reason.buf);
    if (who.len)
        strbuf_addf(&msg, "%sInvitations withdrawn with it: %s\n", reason.len ? "" : "\n", who.buf);
    git_oid commit;
    rc = editorial_commit(&e, NULL, 0, msg.buf, &commit);
    rc = settle_mail(req->notifier, rc, &commit);
    if (!rc) {
        git_oid_tostr(out->commit, sizeof(out->commit), &commit);
        out->round = e.record.round;
        memcpy(out->date, today, sizeof(out->date));
        out->state = xstrdup("withdrawn");
        out->detail = who.len ? strbuf_detach(&who, NULL) : NULL;
    }
done:
    if (rc && req->notifier)
        notifier_discard(req->notifier); /* what was held before a refusal */
    strbuf_release(&reason);
    strbuf_release(&who);
    strbuf_release(&msg);
    editorial_close(&e);
    return rc;
}
