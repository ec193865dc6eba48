#include "model/review.h"
#include "model/namematch.h"
#include "model/roster.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/mustache.h"
#include "workflow/editorial.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"
#include "workflow/review_round.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The current round's reviews, in the order the reviewers were assigned, so
 * that "Reviewer 1" is the same person in every letter of the round.
 */
static int load_reviews(struct editorial *e, struct review **out, size_t *count)
{
    *out = xcalloc(e->record.nassignments + 1, sizeof(**out));
    *count = 0;
    for (size_t i = 0; i < e->record.nassignments; i++) {
        const struct record_assignment *a = &e->record.assignments[i];
        if (a->round != e->record.round)
            continue;
        char *path = review_path(e->number, a->round, a->reviewer);
        struct strbuf text = STRBUF_INIT;
        int rc = repo_read(e->repo, path, &text, NULL);
        if (rc == JOURNAL_EINPUT) {
            error_clear();
            rc = 0; /* not in yet */
        } else if (!rc) {
            rc = review_parse(&(*out)[*count], path, text.buf, text.len);
            if (!rc)
                (*count)++;
        }
        strbuf_release(&text);
        free(path);
        if (rc)
            return rc;
    }
    return 0;
}

/* The letter's data: reviewers appear only as "Reviewer N" with their comments to the author. */
static json_t *letter_context(const struct editorial *e, const char *decision,
                              const struct review *reviews, size_t nreviews)
{
    const struct manuscript *m = &e->manuscript;
    const char *corresponding = m->authors[0].name;
    for (size_t i = 0; i < m->nauthors; i++)
        if (m->authors[i].corresponding)
            corresponding = m->authors[i].name;
    json_t *list = json_array();
    for (size_t i = 0; i < nreviews; i++) {
        char label[32];
        snprintf(label, sizeof(label), "Reviewer %zu", i + 1);
        /* A template in another language words the verdict itself from is_<verdict>. */
        const char *v = reviews[i].verdict;
        json_array_append_new(
            list, json_pack("{s:s, s:I, s:s, s:s, s:b, s:b, s:b, s:b, s:s}", "label", label,
                            "number", (json_int_t)(i + 1), "verdict", v, "verdict_label",
                            review_verdict_label(v), "is_accept", !strcmp(v, "accept"),
                            "is_minor_revision", !strcmp(v, "minor-revision"), "is_major_revision",
                            !strcmp(v, "major-revision"), "is_reject", !strcmp(v, "reject"),
                            "comments", reviews[i].comments));
    }
    const struct journal_config *c = &e->repo->config;
    const char *title = localised_get(&c->titles, m->lang, c->nlanguages ? c->languages[0] : NULL);
    if (!title)
        title = c->title;
    const char *publisher =
        localised_get(&c->publishers, m->lang, c->nlanguages ? c->languages[0] : NULL);
    char today[11];
    date_today(today);
    json_t *ctx = json_pack(
        "{s:{s:s, s:s}, s:{s:I, s:s, s:I}, s:s, s:s, s:b, s:b, s:b, s:b, s:o, s:b, s:s, s:s}",
        "journal", "title", title, "publisher", publisher ? publisher : title, "submission",
        "number", (json_int_t)e->number, "title", m->title, "round", (json_int_t)e->record.round,
        "corresponding_author", corresponding, "decision", decision, "is_accept",
        !strcmp(decision, "accept"), "is_revise", !strcmp(decision, "revise"), "is_reject",
        !strcmp(decision, "reject"), "is_desk_reject", !strcmp(e->record.state, "submitted"),
        "reviews", list, "has_reviews", nreviews > 0, "editor", e->actor, "date", today);
    return ctx;
}

static int generate_letter(struct editorial *e, const char *decision, const struct review *reviews,
                           size_t nreviews, struct strbuf *out)
{
    char *path = NULL;
    struct strbuf source = STRBUF_INIT;
    struct mustache_set *set = mustache_set_new();
    int rc =
        notify_read_template(e->repo, "letters", "decision", e->manuscript.lang, &source, &path);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("%s: the theme has no decision letter template; give --letter FILE or "
                         "add the template",
                         path);
    if (!rc) {
        rc = mustache_set_add(set, "decision", source.buf, source.len);
        if (rc)
            error_prefix("%s", path);
    }
    if (!rc) {
        json_t *ctx = letter_context(e, decision, reviews, nreviews);
        rc = mustache_set_render(set, "decision", ctx, out);
        json_decref(ctx);
    }
    mustache_set_free(set);
    strbuf_release(&source);
    free(path);
    return rc;
}

/*
 * Under blind review the letter goes to the authors, so it must not name a reviewer of the
 * submission: a reviewer may sign the comments to the author out of habit, and an editor's
 * own letter may slip. The letter is searched line by line for each assigned reviewer's
 * full name, in any script and order, with initials and Russian case endings
 * (model/namematch.h: "Ji-ho Park" for the roster's "Park Ji-ho", "Д. Соколовым" for
 * "Dmitry Sokolov"), and email, folded as names are folded, as whole words.
 */
static int check_letter_names_no_reviewer(struct editorial *e, const char *source,
                                          const struct strbuf *letter)
{
    if (!strcmp(e->repo->config.review_mode, "open") || !e->record.nassignments)
        return 0;
    struct roster roster;
    int rc = editorial_load_roster(e->repo, e->countries, e->languages, &roster);
    if (rc)
        return rc;
    size_t n_assigned = e->record.nassignments;
    const struct roster_reviewer **reviewers = xcalloc(n_assigned + 1, sizeof(*reviewers));
    struct name_form *names = xcalloc(n_assigned + 1, sizeof(*names));
    for (size_t i = 0; !rc && i < n_assigned; i++) {
        reviewers[i] = roster_find(&roster, e->record.assignments[i].reviewer);
        if (reviewers[i])
            rc = name_form_init(&names[i], reviewers[i]->name);
    }
    const char *end = letter->buf + letter->len;
    size_t line = 1;
    for (const char *s = letter->buf; !rc && s < end; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        char *raw = xstrndup(s, n);
        char *folded = roster_name_key(raw);
        struct name_form text;
        rc = name_form_init(&text, raw);
        for (size_t i = 0; !rc && i < n_assigned; i++) {
            const struct roster_reviewer *r = reviewers[i];
            if (!r)
                continue;
            /* Not the family name alone: "Good" or "Rich" would stop ordinary letters. */
            const char *found = NULL;
            if (r->email && strlen(r->email) >= 3) {
                char *needle = roster_name_key(r->email);
                if (roster_has_word(folded, needle))
                    found = r->email;
                free(needle);
            }
            if (!found && name_form_occurs_in(&names[i], &text))
                found = r->name;
            if (found)
                rc = error_input(
                    "%s, line %zu: the letter to the authors names the reviewer %s (\"%s\") "
                    "under %s review; take the name out (the reviewer's comments to the "
                    "author: journal review %lu --amend --as %s) or write the letter "
                    "yourself (--letter FILE)",
                    source, line, r->id, found, e->repo->config.review_mode, e->number, r->id);
        }
        name_form_free(&text);
        free(folded);
        free(raw);
        s += n + (nl ? 1 : 0);
    }
    for (size_t i = 0; i < n_assigned; i++)
        name_form_free(&names[i]);
    free(names);
    free(reviewers);
    roster_free(&roster);
    return rc;
}

/*
 * A decision with a review outstanding (an invitation of the round invited or accepted, its
 * review not in) is refused unless the editor names the reviewer in --without: then the
 * invitation is withdrawn and the reviewer told, in the decision's commit.
 */
static int withdraw_outstanding(struct editorial *e, const struct decision_request *req)
{
    struct strbuf missing = STRBUF_INIT, hint = STRBUF_INIT;
    struct roster roster = {0};
    int rc = 0;
    bool *named = xcalloc(req->nwithout + 1, sizeof(*named));
    bool *outstanding = xcalloc(e->record.nassignments + 1, sizeof(*outstanding));
    for (size_t i = 0; !rc && i < e->record.nassignments; i++) {
        const struct record_assignment *a = &e->record.assignments[i];
        if (a->round != e->record.round)
            continue;
        enum assignment_state st;
        bool open;
        rc = invitation_outstanding(e->repo, e->number, a, &st, &open);
        if (rc || !open)
            continue;
        outstanding[i] = true;
        bool given = false;
        for (size_t k = 0; k < req->nwithout; k++)
            if (!strcmp(req->without[k], a->reviewer))
                given = named[k] = true;
        if (!given) {
            strbuf_addf(&missing, "%s%s (%s)", missing.len ? ", " : "", a->reviewer,
                        assignment_states[st]);
            strbuf_addf(&hint, " --without %s", a->reviewer);
        }
    }
    for (size_t k = 0; !rc && k < req->nwithout; k++) {
        if (named[k])
            continue;
        const struct record_assignment *a =
            record_find_assignment(&e->record, req->without[k], e->record.round);
        if (!a) {
            rc = error_input("--without %s: %s was not invited to review submission %lu in "
                             "round %lu",
                             req->without[k], req->without[k], e->number, e->record.round);
            break;
        }
        enum assignment_state st;
        rc = invitation_state(e->repo, e->number, a, &st);
        if (rc)
            break;
        char *was = invitation_describe(a, st);
        rc = error_input("--without %s: %s's review of submission %lu (round %lu) is not "
                         "outstanding: %s",
                         a->reviewer, a->reviewer, e->number, e->record.round,
                         st == ASSIGNMENT_ACCEPTED ? "the review is in" : was);
        free(was);
    }
    if (!rc && missing.len)
        rc = error_input("submission %lu has reviews outstanding in round %lu: %s; record them "
                         "first (journal review), or decide without them: journal decide %lu "
                         "%s%s (their invitations are withdrawn and the reviewers told)",
                         e->number, e->record.round, missing.buf, e->number, req->decision,
                         hint.buf);
    if (!rc && req->nwithout)
        rc = editorial_load_roster(e->repo, e->countries, e->languages, &roster);
    for (size_t i = 0; !rc && req->nwithout && i < e->record.nassignments; i++)
        if (outstanding[i])
            rc = invitation_withdraw(e->repo, &e->record, &e->record.assignments[i], &e->manuscript,
                                     &roster, e->actor, "the editor decided without this review",
                                     WITHDRAWN_BY_DECISION, req->notifier);
    roster_free(&roster);
    free(named);
    free(outstanding);
    strbuf_release(&missing);
    strbuf_release(&hint);
    return rc;
}

int workflow_decide(struct journal_repo *repo, const struct decision_request *req,
                    struct action_outcome *out)
{
    static const struct {
        const char *decision, *state;
    } outcomes[] = {
        {"accept", "accepted"}, {"revise", "revision-requested"}, {"reject", "rejected"}};
    struct editorial e;
    struct strbuf letter = STRBUF_INIT;
    struct review *reviews = NULL;
    size_t nreviews = 0;
    char *letter_path = NULL, *message = NULL;
    memset(out, 0, sizeof(*out));
    memset(&e, 0, sizeof(e));

    const char *next = NULL;
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(req->decision, outcomes[i].decision))
            next = outcomes[i].state;
    if (!next)
        return error_input("decision '%s' is not one of accept, revise, reject", req->decision);
    int rc = req->letter ? workflow_read_text(repo, "--letter", req->letter, &letter) : 0;
    if (!rc)
        rc = editorial_open(&e, repo, req->number);
    if (rc)
        goto done;
    bool desk = !strcmp(e.record.state, "submitted") && !strcmp(req->decision, "reject");
    rc = editorial_require(&e, desk ? "desk-reject" : "decide");
    if (!rc)
        rc = load_reviews(&e, &reviews, &nreviews);
    if (rc)
        goto done;
    if (!desk && !nreviews) {
        rc = error_input("submission %lu has no verdict in round %lu yet (%zu reviewer%s "
                         "assigned); record reviews before deciding",
                         req->number, e.record.round,
                         record_count_assignments(&e.record, e.record.round),
                         record_count_assignments(&e.record, e.record.round) == 1 ? "" : "s");
        goto done;
    }
    if (desk && req->nwithout)
        rc = error_input("--without: submission %lu is not under review, so there is no "
                         "invitation to withdraw",
                         req->number);
    else if (!desk)
        rc = withdraw_outstanding(&e, req);
    if (rc)
        goto done;
    if (!req->letter)
        rc = generate_letter(&e, req->decision, reviews, nreviews, &letter);
    if (!rc)
        rc = check_letter_names_no_reviewer(&e, req->letter ? req->letter : "the decision letter",
                                            &letter);
    if (rc)
        goto done;

    char today[11];
    date_today(today);
    if (desk)
        next = "desk-rejected";
    record_set(&e.record.state, next);
    record_set(&e.record.decided, today);
    if (!strcmp(next, "accepted"))
        record_set(&e.record.accepted, today);
    record_add_event(&e.record, "decided", e.actor, desk ? "desk-reject" : req->decision);
    letter_path =
        xasprintf("submissions/%lu/letters/round-%lu-decision.md", req->number, e.record.round);
    struct strbuf msg = STRBUF_INIT;
    strbuf_addf(&msg, "Decide #%lu: %s (round %lu)", req->number,
                desk ? "desk-reject" : req->decision, e.record.round);
    for (size_t k = 0; k < req->nwithout; k++)
        strbuf_addf(&msg, "%s%s", k ? ", " : "\n\nWithout the review of (invitation withdrawn): ",
                    req->without[k]);
    message = strbuf_detach(&msg, NULL);
    const struct author *contact = manuscript_contact(&e.manuscript);
    if (req->notifier && contact) {
        json_t *ctx = notify_context(repo, e.actor, e.manuscript.lang);
        json_object_set_new(ctx, "submission",
                            json_pack("{s:I, s:s}", "number", (json_int_t)req->number, "title",
                                      e.manuscript.title));
        json_object_set_new(ctx, "author", json_pack("{s:s}", "name", contact->name));
        json_object_set_new(ctx, "letter", json_string(letter.buf));
        struct recipient to = {contact->name, contact->email};
        rc = notify_hold(req->notifier, "decision", e.manuscript.lang, ctx, &to, "decision",
                         req->number);
        json_decref(ctx);
        if (rc)
            goto done;
    }
    struct repo_change change = {letter_path, letter.buf, letter.len, false};
    git_oid commit;
    rc = editorial_commit(&e, &change, 1, message, &commit);
    rc = settle_mail(req->notifier, rc, &commit);
    if (!rc) {
        git_oid_tostr(out->commit, sizeof(out->commit), &commit);
        out->round = e.record.round;
        memcpy(out->date, today, sizeof(out->date));
        out->state = xstrdup(next);
        out->detail = letter_path;
        letter_path = NULL;
    }
done:
    if (rc && req->notifier)
        notifier_discard(req->notifier); /* the withdrawals' mail, held before a refusal */
    for (size_t i = 0; i < nreviews; i++)
        review_free(&reviews[i]);
    free(reviews);
    free(letter_path);
    free(message);
    strbuf_release(&letter);
    editorial_close(&e);
    return rc;
}
