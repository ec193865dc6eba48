#include "workflow/invitation.h"

#include "model/review.h"
#include "model/roster.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/token.h"
#include "util/utf8.h"
#include "workflow/editorial.h"
#include "workflow/notify.h"
#include "workflow/review_round.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether the review of assignment a of submission number is in. */
static int review_in(struct journal_repo *repo, unsigned long number,
                     const struct record_assignment *a, bool *in)
{
    char *path = review_path(number, a->round, a->reviewer);
    struct strbuf text = STRBUF_INIT;
    int rc = repo_read(repo, path, &text, NULL);
    strbuf_release(&text);
    free(path);
    if (rc && rc != JOURNAL_EINPUT)
        return rc;
    error_clear();
    *in = rc == 0;
    return 0;
}

static enum assignment_state state_today(const struct journal_repo *repo,
                                         const struct record_assignment *a, bool reviewed)
{
    char today[11];
    date_today(today);
    return assignment_state(a->state, a->invited, reviewed, today, repo->config.invitation_days);
}

int invitation_state(struct journal_repo *repo, unsigned long number,
                     const struct record_assignment *a, enum assignment_state *out)
{
    bool reviewed = false;
    enum assignment_state stored;
    /* Only an unanswered invitation needs to know whether a review is in. */
    if (!a->state || (assignment_state_parse(a->state, &stored) && stored == ASSIGNMENT_INVITED)) {
        int rc = review_in(repo, number, a, &reviewed);
        if (rc)
            return rc;
    }
    *out = state_today(repo, a, reviewed);
    return 0;
}

int invitation_outstanding(struct journal_repo *repo, unsigned long number,
                           const struct record_assignment *a, enum assignment_state *st, bool *open)
{
    bool reviewed = false;
    int rc = review_in(repo, number, a, &reviewed);
    if (rc)
        return rc;
    *st = state_today(repo, a, reviewed);
    *open = !reviewed && (*st == ASSIGNMENT_INVITED || *st == ASSIGNMENT_ACCEPTED);
    return 0;
}

int invitation_count_live(struct journal_repo *repo, const struct submission_record *r, size_t *out)
{
    *out = 0;
    for (size_t i = 0; i < r->nassignments; i++) {
        if (r->assignments[i].round != r->round)
            continue;
        enum assignment_state st;
        int rc = invitation_state(repo, r->number, &r->assignments[i], &st);
        if (rc)
            return rc;
        *out += st == ASSIGNMENT_INVITED || st == ASSIGNMENT_ACCEPTED;
    }
    return 0;
}

char *invitation_describe(const struct record_assignment *a, enum assignment_state st)
{
    const char *answered = a->answered ? a->answered : "an unrecorded date";
    const char *invited = a->invited ? a->invited : "an unrecorded date";
    switch (st) {
    case ASSIGNMENT_ACCEPTED:
        return a->answered ? xasprintf("accepted on %s", answered) : xstrdup("accepted");
    case ASSIGNMENT_DECLINED:
        return xasprintf("declined on %s", answered);
    case ASSIGNMENT_WITHDRAWN:
        return xasprintf("withdrawn on %s", answered);
    case ASSIGNMENT_EXPIRED:
        return xasprintf("invited on %s, expired unanswered", invited);
    case ASSIGNMENT_INVITED:
        break;
    }
    return xasprintf("invited on %s, unanswered", invited);
}

int invitation_check_text(const char *option, const char *text)
{
    size_t bad, len = strlen(text);
    if (!len || strspn(text, " \t") == len)
        return error_input("%s: expected some text, got nothing", option);
    if (len > 1000)
        return error_input("%s: %zu bytes is too long (at most 1000: a sentence or two)", option,
                           len);
    if (!utf8_validate(text, len, &bad))
        return error_input("%s: invalid UTF-8 at byte %zu", option, bad + 1);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            return error_input("%s: control character 0x%02x at byte %zu (expected text on one "
                               "line)",
                               option, (unsigned char)text[i], i + 1);
    return 0;
}

int invitation_withdraw(struct journal_repo *repo, struct submission_record *r,
                        struct record_assignment *a, const struct manuscript *m,
                        const struct roster *roster, const char *actor, const char *reason,
                        enum withdrawal_cause cause, struct notifier *notifier)
{
    char today[11];
    date_today(today);
    record_set(&a->state, "withdrawn");
    record_set(&a->answered, today);
    record_set(&a->reason, reason);
    record_set(&a->suggested, NULL);
    char *detail = reason ? xasprintf("%s: %s", a->reviewer, reason) : xstrdup(a->reviewer);
    record_add_event(r, "invitation withdrawn", actor, detail);
    free(detail);
    const struct roster_reviewer *rv = roster ? roster_find(roster, a->reviewer) : NULL;
    if (!notifier || !rv)
        return 0;
    return notify_withdrawal(notifier, repo, r->number, a->round, m, actor, rv, cause);
}

/* ---- journal assign N --accept|--decline|--withdraw ID ---- */

static const char *const answer_names[] = {"accept", "decline", "withdraw"};

int workflow_answer(struct journal_repo *repo, const struct answer_request *req,
                    struct action_outcome *out)
{
    struct editorial e;
    struct roster roster = {0};
    char *message = NULL, *detail = NULL, *was = NULL;
    memset(out, 0, sizeof(*out));
    memset(&e, 0, sizeof(e));

    int rc = req->reason ? invitation_check_text("--reason", req->reason) : 0;
    if (!rc && req->suggested)
        rc = invitation_check_text("--suggest", req->suggested);
    if (!rc && req->suggested && req->answer != ANSWER_DECLINE)
        rc = error_input("--suggest goes with --decline: the colleague a reviewer suggests "
                         "when declining");
    if (!rc && req->reason && req->answer == ANSWER_ACCEPT)
        rc = error_input("--reason goes with --decline or --withdraw");
    if (!rc)
        rc = editorial_open(&e, repo, req->number);
    if (!rc && req->actor) {
        free(e.actor);
        e.actor = xstrdup(req->actor);
    }
    if (!rc)
        rc = editorial_require(&e, "answer");
    if (rc)
        goto done;
    unsigned long round = e.record.round;
    struct record_assignment *a = NULL;
    for (size_t i = 0; i < e.record.nassignments; i++)
        if (e.record.assignments[i].round == round &&
            !strcmp(e.record.assignments[i].reviewer, req->reviewer))
            a = &e.record.assignments[i];
    if (!a) {
        struct strbuf who = STRBUF_INIT;
        for (size_t i = 0; i < e.record.nassignments; i++)
            if (e.record.assignments[i].round == round)
                strbuf_addf(&who, "%s%s", who.len ? ", " : "", e.record.assignments[i].reviewer);
        rc = error_input("--%s %s: %s was not invited to review submission %lu in round %lu "
                         "(invited: %s)",
                         answer_names[req->answer], req->reviewer, req->reviewer, req->number,
                         round, who.len ? who.buf : "nobody");
        strbuf_release(&who);
        goto done;
    }
    enum assignment_state st;
    rc = invitation_state(repo, req->number, a, &st);
    if (rc)
        goto done;
    was = invitation_describe(a, st);
    bool open = st == ASSIGNMENT_INVITED || st == ASSIGNMENT_EXPIRED;
    bool reviewed = false;
    if (st == ASSIGNMENT_ACCEPTED) {
        char *path = review_path(req->number, round, a->reviewer);
        struct strbuf text = STRBUF_INIT;
        int found = repo_read(repo, path, &text, NULL);
        strbuf_release(&text);
        free(path);
        if (found && found != JOURNAL_EINPUT) {
            rc = found;
            goto done;
        }
        error_clear();
        reviewed = found == 0;
    }
    if (req->answer != ANSWER_WITHDRAW && !open) {
        rc = error_input("--%s %s: the invitation to review submission %lu (round %lu) was "
                         "already answered: %s%s",
                         answer_names[req->answer], a->reviewer, req->number, round, was,
                         st == ASSIGNMENT_ACCEPTED && req->answer == ANSWER_DECLINE && !reviewed
                             ? "; to release the reviewer, withdraw the invitation (--withdraw)"
                             : "");
        goto done;
    }
    if (req->answer == ANSWER_WITHDRAW &&
        (reviewed || st == ASSIGNMENT_DECLINED || st == ASSIGNMENT_WITHDRAWN)) {
        rc = error_input("--withdraw %s: there is nothing to withdraw from submission %lu "
                         "(round %lu): %s",
                         a->reviewer, req->number, round, reviewed ? "the review is in" : was);
        goto done;
    }

    char today[11];
    date_today(today);
    git_oid commit;
    if (req->answer == ANSWER_WITHDRAW) {
        rc = editorial_load_roster(repo, e.countries, e.languages, &roster);
        if (!rc)
            rc = invitation_withdraw(repo, &e.record, a, &e.manuscript, &roster, e.actor,
                                     req->reason, WITHDRAWN_BY_EDITOR, req->notifier);
        if (rc)
            goto done;
        message = xasprintf("Withdraw the invitation of %s to review #%lu (round %lu)\n%s%s%s",
                            a->reviewer, req->number, round, req->reason ? "\nReason: " : "",
                            req->reason ? req->reason : "", req->reason ? "\n" : "");
    } else {
        bool accept = req->answer == ANSWER_ACCEPT;
        record_set(&a->state, accept ? "accepted" : "declined");
        record_set(&a->answered, today);
        record_set(&a->reason, req->reason);
        record_set(&a->suggested, req->suggested);
        struct strbuf d = STRBUF_INIT;
        strbuf_addstr(&d, a->reviewer);
        if (req->reason)
            strbuf_addf(&d, ": %s", req->reason);
        if (req->suggested)
            strbuf_addf(&d, "; suggests %s", req->suggested);
        detail = strbuf_detach(&d, NULL);
        record_add_event(&e.record, accept ? "invitation accepted" : "invitation declined", e.actor,
                         detail);
        message =
            xasprintf("Record that %s %s to review #%lu (round %lu)\n%s%s%s%s%s%s", a->reviewer,
                      accept ? "accepts" : "declines", req->number, round,
                      req->reason || req->suggested ? "\n" : "", req->reason ? "Reason: " : "",
                      req->reason ? req->reason : "", req->reason ? "\n" : "",
                      req->suggested ? "Suggested: " : "", req->suggested ? req->suggested : "");
    }
    rc = editorial_commit(&e, NULL, 0, message, &commit);
    if (req->answer == ANSWER_WITHDRAW)
        rc = settle_mail(req->notifier, rc, &commit);
    if (!rc) {
        git_oid_tostr(out->commit, sizeof(out->commit), &commit);
        out->round = round;
        memcpy(out->date, today, sizeof(out->date));
        out->state = xstrdup(a->state);
    }
done:
    if (rc && req->answer == ANSWER_WITHDRAW && req->notifier)
        notifier_discard(req->notifier);
    free(was);
    free(detail);
    free(message);
    roster_free(&roster);
    editorial_close(&e);
    return rc;
}

int invitation_new_link(struct journal_repo *repo, const struct notifier *notifier,
                        unsigned long number, struct record_assignment *a, char **url)
{
    char *hash = NULL;
    int rc = notify_personal_link(repo, notifier, "review", number, &hash, url);
    if (!rc && hash) {
        record_set(&a->link, hash);
        record_set(&a->link_revoked, NULL);
    }
    free(hash);
    return rc;
}

int workflow_revoke_link(struct journal_repo *repo, unsigned long number, const char *reviewer,
                         size_t *revoked, char commit[GIT_OID_HEXSZ + 1])
{
    struct editorial e;
    *revoked = 0;
    int rc = editorial_open(&e, repo, number);
    if (rc)
        goto done;
    char today[11];
    date_today(today);
    bool assigned = false;
    for (size_t i = 0; i < e.record.nassignments; i++) {
        struct record_assignment *a = &e.record.assignments[i];
        if (strcmp(a->reviewer, reviewer))
            continue;
        assigned = true;
        if (!a->link)
            continue;
        record_set(&a->link, NULL);
        record_set(&a->link_revoked, today);
        ++*revoked;
    }
    if (!assigned) {
        rc = error_input("--reviewer %s: %s was never assigned to submission %lu", reviewer,
                         reviewer, number);
        goto done;
    }
    if (!*revoked) {
        rc = error_input("--reviewer %s: %s has no front-desk link to submission %lu (none was "
                         "made: desk_url unset or mail off, or it is revoked already)",
                         reviewer, reviewer, number);
        goto done;
    }
    record_add_event(&e.record, "review link revoked", e.actor, reviewer);
    char *message = xasprintf("Revoke the front-desk link of %s to #%lu\n", reviewer, number);
    git_oid oid;
    rc = editorial_commit(&e, NULL, 0, message, &oid);
    free(message);
    if (!rc)
        git_oid_tostr(commit, GIT_OID_HEXSZ + 1, &oid);
done:
    editorial_close(&e);
    return rc;
}
