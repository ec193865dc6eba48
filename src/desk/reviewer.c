#define _POSIX_C_SOURCE 200809L
#include "desk/reviewer.h"

#include "model/manuscript.h"
#include "model/review.h"
#include "model/record.h"
#include "model/roster.h"
#include "site/markdown.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/frontmatter.h"
#include "util/token.h"
#include "workflow/editorial.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"
#include "workflow/packet.h"
#include "workflow/review_draft.h"
#include "workflow/review_round.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct link {
    unsigned long number;
    char token[TOKEN_HEX_LEN + 1];
    const char *rest; /* "", "/answer", "/packet", "/files/N" */
    struct submission_record record;
    struct manuscript manuscript;
    struct strbuf manuscript_text;
    struct roster roster;
    const struct record_assignment *a;
    enum assignment_state state;
    const char *lang;
    char root[32];
    bool reviewable;      /* accepted, current round, submission still under review */
    bool has_review;      /* the reviewer's review of the assignment's round is recorded */
    struct review review; /* it */
    char based[65];       /* what the form was made from: the review's SHA-256, or "none" */
};

static void link_free(struct link *l)
{
    review_free(&l->review);
    record_free(&l->record);
    manuscript_free(&l->manuscript);
    strbuf_release(&l->manuscript_text);
    roster_free(&l->roster);
}

/*
 * The review the assignment's round has from this reviewer, if any, and whether the link still
 * takes one: the invitation accepted, its round the submission's, the editor not yet decided.
 * based is what a form is made from, so that the same form posted twice records one review.
 */
static int link_load_review(struct journal_repo *repo, struct link *l)
{
    char *path = review_path(l->number, l->a->round, l->a->reviewer);
    struct strbuf text = STRBUF_INIT;
    int rc = repo_read(repo, path, &text, NULL);
    strcpy(l->based, "none");
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        rc = 0;
    } else if (!rc) {
        rc = review_parse(&l->review, path, text.buf, text.len);
        l->has_review = !rc;
        char digest[TOKEN_HASH_LEN + 1];
        token_hash(text.buf, digest);
        memcpy(l->based, digest + 7, 65);
    }
    l->reviewable = l->a->round == l->record.round && l->state == ASSIGNMENT_ACCEPTED &&
                    !strcmp(l->record.state, "under-review");
    strbuf_release(&text);
    free(path);
    return rc;
}

/*
 * Load what l's token opens: 1 when it opens nothing (no such submission, no assignment
 * whose link hashes to it, a revoked link, a withdrawn invitation), 0 when found, < 0 on
 * failure. Every assignment's hash is compared, in constant time each.
 */
static int link_open(struct desk *d, struct journal_repo *repo, struct link *l, const char *lang)
{
    int rc = desk_read_record(repo, l->number, &l->record);
    if (rc)
        return rc;
    l->a = NULL;
    for (size_t i = 0; i < l->record.nassignments; i++)
        if (token_matches(l->token, l->record.assignments[i].link))
            l->a = &l->record.assignments[i];
    if (!l->a)
        return 1;
    rc = invitation_state(repo, l->number, l->a, &l->state);
    if (rc)
        return rc;
    if (l->state == ASSIGNMENT_WITHDRAWN)
        return 1;
    rc = link_load_review(repo, l);
    if (rc)
        return rc;
    strbuf_init(&l->manuscript_text);
    rc = desk_read_manuscript(d, repo, l->number, &l->manuscript_text, &l->manuscript);
    if (!rc)
        rc = editorial_load_roster(repo, d->countries, d->languages, &l->roster);
    if (rc)
        return rc;
    const struct roster_reviewer *rv = roster_find(&l->roster, l->a->reviewer);
    l->lang = desk_lang_available(repo, lang) ? lang : NULL;
    if (!l->lang && rv) {
        const char *want = notify_reviewer_lang(rv, l->manuscript.lang);
        l->lang = desk_lang_available(repo, want) ? want : NULL;
    }
    if (!l->lang)
        l->lang = desk_main_lang(repo);
    return 0;
}

/*
 * The journal's guidelines for reviewers, as HTML, when pages/ has them:
 * reviewer-guidelines.<lang>.md, else reviewer-guidelines.md (front matter as for any page).
 * NULL when there are none; a page that cannot be read is logged and left out.
 */
static char *reviewer_guidelines(struct journal_repo *repo, const char *lang)
{
    char *paths[2] = {xasprintf("pages/reviewer-guidelines.%s.md", lang),
                      xstrdup("pages/reviewer-guidelines.md")};
    char *html = NULL;
    for (size_t i = 0; i < 2 && !html; i++) {
        struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
        struct frontmatter fm;
        int rc = repo_read(repo, paths[i], &text, NULL);
        if (!rc)
            rc = frontmatter_split(paths[i], text.buf, text.len, "title, description", &fm);
        if (!rc)
            rc = markdown_to_html(fm.body, fm.body_len, repo->config.allow_raw_html, &out);
        if (!rc)
            html = strbuf_detach(&out, NULL);
        else if (rc != JOURNAL_EINPUT || text.len)
            fprintf(stderr, "journal serve: %s\n", error_message());
        error_clear();
        strbuf_release(&out);
        strbuf_release(&text);
    }
    free(paths[0]);
    free(paths[1]);
    return html;
}

/* A field's label in the page's words, for the workflow's messages ("Comments to the author:
   empty"); the key itself when the theme has none. */
static const char *label_of(json_t *t, const char *key)
{
    const char *label = t ? json_string_value(json_object_get(t, key)) : NULL;
    return label ? label : key;
}

/*
 * The review form, or the review received: into data. What the form shows is what was typed
 * (typed, after an error), else the draft saved on the server, else the review recorded (to
 * amend), else nothing.
 */
static void review_section(struct desk *d, struct journal_repo *repo, struct link *l,
                           const char *base, const struct review_draft *typed, json_t *errors,
                           json_t *data)
{
    if (l->has_review) {
        json_t *got = json_pack("{s:s, s:s?, s:s}", "date", l->review.submitted, "amended",
                                l->review.amended, "verdict", l->review.verdict);
        json_object_set_new(got, "open", json_boolean(l->reviewable));
        json_object_set_new(data, "received", got);
    }
    if (!l->reviewable)
        return;
    struct review_draft saved;
    int found = review_draft_load(repo, l->number, l->a->reviewer, &saved);
    if (found < 0)
        desk_log_error(NULL);
    const struct review_draft *v = typed;
    if (!v && !found && saved.round == l->a->round)
        v = &saved;
    const char *verdict = v ? v->verdict : l->has_review ? l->review.verdict : NULL;
    const char *comments = v ? v->comments : l->has_review ? l->review.comments : NULL;
    const char *confidential = v ? v->confidential : l->has_review ? l->review.confidential : NULL;
    bool sign = v ? v->sign : l->has_review && l->review.signed_review;
    const char *file = v && v->file_name ? v->file_name : NULL;
    char csrf[65];
    desk_csrf(d, "review", l->number, l->token, csrf);
    char *action = xasprintf("%s/review", base);
    json_t *form =
        json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:b, s:b, s:s?}", "action", action, "csrf", csrf,
                  "based", l->based, "comments", comments, "confidential", confidential, "sign",
                  sign, "open_review", !strcmp(repo->config.review_mode, "open"), "file", file);
    json_t *verdicts = json_array(), *t = NULL;
    if (desk_strings(repo, l->lang, &t))
        error_clear();
    for (size_t i = 0; review_verdicts[i]; i++) {
        char key[48];
        snprintf(key, sizeof(key), "desk_verdict_%s", review_verdicts[i]);
        for (char *c = key; *c; c++)
            if (*c == '-')
                *c = '_';
        json_array_append_new(verdicts, json_pack("{s:s, s:s, s:b}", "value", review_verdicts[i],
                                                  "label", label_of(t, key), "checked",
                                                  verdict && !strcmp(verdict, review_verdicts[i])));
    }
    json_decref(t);
    json_object_set_new(form, "verdicts", verdicts);
    if (l->has_review && l->review.file)
        json_object_set_new(form, "recorded_file", json_string(l->review.file));
    if (!found && saved.round == l->a->round && saved.saved)
        json_object_set_new(form, "draft_saved", json_string(saved.saved));
    if (errors)
        json_object_set(form, "errors", errors);
    json_object_set_new(data, "review_form", form);
    free(action);
    review_draft_free(&saved);
}

/* The invitation page; form: what was typed (after an error), errors: by field; the same for
   the review form in typed_review and review_errors. */
static void invitation_page(struct desk *d, struct journal_repo *repo, struct link *l,
                            const struct form *typed, json_t *errors,
                            const struct review_draft *typed_review, json_t *review_errors,
                            struct reply *r)
{
    char csrf[65];
    desk_csrf(d, "answer", l->number, l->token, csrf);
    bool current = l->a->round == l->record.round;
    bool open = current && (l->state == ASSIGNMENT_INVITED || l->state == ASSIGNMENT_EXPIRED);
    char *base = xasprintf("%sreview/%lu/%s", l->root, l->number, l->token);
    json_t *sub = json_pack("{s:I, s:s, s:I}", "number", (json_int_t)l->number, "title",
                            l->manuscript.title, "round", (json_int_t)l->a->round);
    if (l->manuscript.abstract)
        json_object_set_new(sub, "abstract", json_string(l->manuscript.abstract));
    json_t *data =
        json_pack("{s:s, s:o, s:s?, s:b, s:b, s:b, s:s?}", "root", l->root, "submission", sub,
                  "due", l->a->due, "open", open, "accepted", l->state == ASSIGNMENT_ACCEPTED,
                  "declined", l->state == ASSIGNMENT_DECLINED, "answered", l->a->answered);
    json_object_set_new(data, "page_title", json_string(l->manuscript.title));
    char *guidelines = reviewer_guidelines(repo, l->lang);
    if (guidelines)
        json_object_set_new(data, "guidelines", json_string(guidelines));
    free(guidelines);
    if (l->a->reason)
        json_object_set_new(data, "reason", json_string(l->a->reason));
    if (l->a->suggested)
        json_object_set_new(data, "suggested", json_string(l->a->suggested));
    if (open) {
        char *action = xasprintf("%s/answer", base);
        json_t *form = json_pack("{s:s, s:s}", "action", action, "csrf", csrf);
        const char *answer = typed ? form_get(typed, "answer") : NULL;
        json_object_set_new(form, "decline_checked",
                            json_boolean(answer && !strcmp(answer, "decline")));
        const char *fields[] = {"reason", "suggested"};
        for (size_t i = 0; typed && i < 2; i++)
            if (form_get(typed, fields[i]))
                json_object_set_new(form, fields[i], json_string(form_get(typed, fields[i])));
        if (errors)
            json_object_set(form, "errors", errors);
        json_object_set_new(data, "form", form);
        free(action);
    }
    if (current && l->state == ASSIGNMENT_ACCEPTED) {
        struct packet p = {0};
        int rc = packet_make(repo, l->number, l->a->reviewer, &p);
        if (!rc) {
            json_t *files = json_array();
            for (size_t i = 0; i < p.nfiles; i++) {
                const char *slash = strrchr(p.files[i], '/');
                char *url = xasprintf("%s/files/%zu", base, i);
                json_array_append_new(files, json_pack("{s:s, s:s}", "name",
                                                       slash ? slash + 1 : p.files[i], "url", url));
                free(url);
            }
            char *url = xasprintf("%s/packet", base);
            json_object_set_new(data, "packet",
                                json_pack("{s:s, s:b, s:o, s:b}", "url", url, "has_files",
                                          p.nfiles > 0, "files", files, "blinded", p.blinded));
            free(url);
        } else {
            fprintf(stderr, "journal serve: submission %lu: %s\n", l->number, error_message());
            error_clear();
        }
        packet_free(&p);
    }
    review_section(d, repo, l, base, typed_review, review_errors, data);
    /* The other languages of the page, as links. */
    json_t *langs = json_array();
    for (size_t i = 0; i < repo->config.nlanguages; i++) {
        const char *code = repo->config.languages[i];
        if (!strcmp(code, l->lang) || !desk_lang_available(repo, code))
            continue;
        char *url = xasprintf("%s?lang=%s", base, code);
        json_array_append_new(langs, json_pack("{s:s, s:s}", "code", code, "url", url));
        free(url);
    }
    json_object_set_new(data, "has_languages", json_boolean(json_array_size(langs) > 0));
    json_object_set_new(data, "languages", langs);
    desk_render(repo, l->lang, "invitation", data, r);
    json_decref(data);
    free(base);
}

/* POST .../answer: accept or decline, through workflow_answer, as `assign --accept` does. */
static void answer(struct desk *d, struct journal_repo *repo, struct link *l,
                   const struct request *req, struct reply *r)
{
    struct form f = {0};
    char expected[65];
    char *page = xasprintf("../%s", l->token); /* from .../<token>/answer to the page */
    if (desk_read_form(req, &f)) {
        error_clear();
        desk_message(repo, l->lang, 400, "desk_bad_form_title", "desk_bad_form_text", l->root, r);
        goto done;
    }
    desk_csrf(d, "answer", l->number, l->token, expected);
    const char *csrf = form_get(&f, "csrf");
    if (!csrf || !token_equal(csrf, expected)) {
        desk_message(repo, l->lang, 403, "desk_forbidden_title", "desk_forbidden_text", l->root, r);
        goto done;
    }
    bool open = l->a->round == l->record.round &&
                (l->state == ASSIGNMENT_INVITED || l->state == ASSIGNMENT_EXPIRED);
    if (!open) {
        /* Answered already (the same form twice, or the editor recorded it): the state. */
        desk_redirect(page, r);
        goto done;
    }
    const char *choice = form_get(&f, "answer");
    const char *reason = form_get(&f, "reason"), *suggested = form_get(&f, "suggested");
    if (reason && !reason[strspn(reason, " \t")])
        reason = NULL;
    if (suggested && !suggested[strspn(suggested, " \t")])
        suggested = NULL;
    json_t *errors = json_object();
    struct answer_request ask = {0};
    ask.number = l->number;
    ask.reviewer = l->a->reviewer;
    ask.actor = l->a->reviewer;
    if (choice && !strcmp(choice, "accept")) {
        ask.answer = ANSWER_ACCEPT;
    } else if (choice && !strcmp(choice, "decline")) {
        ask.answer = ANSWER_DECLINE;
        ask.reason = reason;
        ask.suggested = suggested;
    } else {
        json_object_set_new(errors, "answer", json_true());
    }
    /* The workflow's own checks, with the field named in the page's words. */
    json_t *t = NULL;
    if (!desk_strings(repo, l->lang, &t)) {
        const char *names[] = {"reason", "suggested"};
        const char *values[] = {ask.reason, ask.suggested};
        for (size_t i = 0; i < 2; i++) {
            char key[32];
            snprintf(key, sizeof(key), "desk_%s_label", names[i]);
            const char *label = json_string_value(json_object_get(t, key));
            if (values[i] && invitation_check_text(label ? label : names[i], values[i])) {
                json_object_set_new(errors, names[i], json_string(error_message()));
                error_clear();
            }
        }
        json_decref(t);
    } else {
        error_clear();
    }
    if (json_object_size(errors)) {
        invitation_page(d, repo, l, &f, errors, NULL, NULL, r);
        r->status = 422;
        json_decref(errors);
        goto done;
    }
    json_decref(errors);
    struct action_outcome out = {0};
    int rc = workflow_answer(repo, &ask, &out);
    action_outcome_free(&out);
    if (!rc) {
        desk_redirect(page, r);
    } else {
        fprintf(stderr, "journal serve: submission %lu: %s\n", l->number, error_message());
        error_clear();
        /* Refused because someone answered meanwhile (the CLI, another tab): the state,
           as for a second post; anything else is the server's fault. */
        if (rc == JOURNAL_EINPUT)
            desk_redirect(page, r);
        else
            desk_message(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
    }
done:
    free(page);
    form_free(&f);
}

/* A text field as typed: NULL when absent or blank. */
static const char *typed_text(const struct form *f, const char *name)
{
    const char *v = form_get(f, name);
    return v && v[strspn(v, " \t\r\n")] ? v : NULL;
}

/* Whether the review of l's assignment is no longer what the form was made from (based):
   another request recorded or amended it since. */
static bool review_changed(struct journal_repo *repo, const struct link *l, const char *based)
{
    char *path = review_path(l->number, l->a->round, l->a->reviewer);
    struct strbuf text = STRBUF_INIT;
    char now[TOKEN_HASH_LEN + 1] = "sha256:none";
    if (!repo_read(repo, path, &text, NULL))
        token_hash(text.buf, now);
    error_clear();
    strbuf_release(&text);
    free(path);
    return strcmp(now + 7, based) != 0;
}

/*
 * POST .../review: save the form as a draft ("Save draft"), or record the review through
 * workflow_review as `journal review --as` does ("Send the review"), amending the one recorded
 * this round. Whatever was typed survives an error: it is saved as the draft and the page
 * comes back with it (422, or 413 for a file over max_attachment_size) and the errors by field.
 */
static void review_post(struct desk *d, struct journal_repo *repo, struct link *l,
                        const struct request *req, struct reply *r)
{
    struct form f = {0};
    struct review_draft draft = {0};
    json_t *errors = NULL, *t = NULL;
    char expected[65];
    char *page = xasprintf("../%s", l->token);
    strbuf_init(&draft.file);
    if (desk_read_form(req, &f)) {
        error_clear();
        desk_message(repo, l->lang, 400, "desk_bad_form_title", "desk_bad_form_text", l->root, r);
        goto done;
    }
    if (!l->reviewable) {
        /* Decided, declined, or a round that is over: the review stands as it is. Said before
           the CSRF check, as the page says it: the link's holder learns nothing new. */
        desk_message(repo, l->lang, 409, "desk_review_closed_title", "desk_review_closed_text",
                     l->root, r);
        goto done;
    }
    desk_csrf(d, "review", l->number, l->token, expected);
    const char *csrf = form_get(&f, "csrf");
    if (!csrf || !token_equal(csrf, expected)) {
        desk_message(repo, l->lang, 403, "desk_forbidden_title", "desk_forbidden_text", l->root, r);
        goto done;
    }
    const char *based = form_get(&f, "based");
    bool submit = form_get(&f, "send") != NULL;
    if (submit && (!based || strcmp(based, l->based))) {
        /* Made from a review that has changed since: the same form sent twice, or another tab
           sent first. The page shows what is recorded. */
        desk_redirect(page, r);
        goto done;
    }
    if (desk_strings(repo, l->lang, &t))
        error_clear();
    errors = json_object();
    unsigned status = 422;
    draft.number = l->number;
    draft.round = l->a->round;
    draft.reviewer = xstrdup(l->a->reviewer);
    const char *names[] = {"verdict", "comments", "confidential"};
    char **slots[] = {&draft.verdict, &draft.comments, &draft.confidential};
    for (size_t i = 0; i < 3; i++) {
        const char *v = form_get(&f, names[i]);
        if (v && *v)
            *slots[i] = xstrdup(v);
    }
    draft.sign = form_get(&f, "sign") != NULL;
    /* The file: a new upload, else the one the draft kept. */
    const struct form_field *up = form_file(&f, "file");
    if (up) {
        const char *name = up->filename && *up->filename ? up->filename : "file";
        const char *slash = strrchr(name, '/'), *bslash = strrchr(name, '\\');
        name = bslash && (!slash || bslash > slash) ? bslash + 1 : slash ? slash + 1 : name;
        if (workflow_review_check_file(repo, name, up->length)) {
            json_t *m = json_string(error_message()); /* NULL: a name that is not UTF-8 */
            json_object_set_new(errors, "file",
                                m ? m : json_string(label_of(t, "desk_review_file_hint")));
            error_clear();
            if (repo->config.max_attachment_size && up->length > repo->config.max_attachment_size)
                status = 413;
        } else {
            draft.file_name = xstrdup(name);
            strbuf_add(&draft.file, up->value, up->length);
        }
    }
    if (!draft.file_name) {
        struct review_draft kept;
        if (!review_draft_load(repo, l->number, l->a->reviewer, &kept) && kept.file_name &&
            kept.round == l->a->round) {
            draft.file_name = kept.file_name;
            kept.file_name = NULL;
            strbuf_add(&draft.file, kept.file.buf, kept.file.len);
        }
        error_clear();
        review_draft_free(&kept);
    }
    if (submit) {
        if (!draft.verdict || !review_verdict_is_known(draft.verdict))
            json_object_set_new(errors, "verdict", json_true());
        const char *texts[] = {"comments", "confidential"};
        const char *keys[] = {"desk_comments_label", "desk_confidential_label"};
        for (size_t i = 0; i < 2; i++) {
            const char *v = typed_text(&f, texts[i]);
            if ((v || i == 0) && workflow_review_check_text(repo, label_of(t, keys[i]), v ? v : "",
                                                            v ? strlen(v) : 0)) {
                json_object_set_new(errors, texts[i], json_string(error_message()));
                error_clear();
            }
        }
    }
    if (submit && !json_object_size(errors)) {
        struct review_request rq = {0};
        rq.number = l->number;
        rq.reviewer = l->a->reviewer;
        rq.verdict = draft.verdict;
        rq.comments_text = draft.comments;
        rq.confidential_text = typed_text(&f, "confidential");
        rq.sign = draft.sign && !strcmp(repo->config.review_mode, "open");
        rq.amend = l->has_review;
        rq.expect = based;
        if (draft.file_name) {
            rq.file_name = draft.file_name;
            rq.file_data = draft.file.buf;
            rq.file_len = draft.file.len;
        }
        struct action_outcome out = {0};
        int rc = workflow_review(repo, &rq, &out);
        action_outcome_free(&out);
        if (rc == JOURNAL_EINPUT && review_changed(repo, l, based)) {
            /* The same form twice at once: the other post recorded it first. */
            error_clear();
            desk_redirect(page, r);
            goto done;
        }
        if (rc == JOURNAL_EINPUT) {
            /* The workflow refused what the page let through (the editor decided meanwhile):
               what was typed is kept as the draft, and the page says why. */
            desk_log_error(NULL);
            desk_message(repo, l->lang, 409, "desk_review_closed_title", "desk_review_closed_text",
                         l->root, r);
            if (review_draft_save(repo, &draft))
                desk_log_error(NULL);
            goto done;
        }
        if (rc) {
            desk_log_error(NULL);
            desk_message(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
            goto done;
        }
        if (review_draft_delete(repo, l->number, l->a->reviewer))
            desk_log_error(NULL);
        desk_redirect(page, r);
        goto done;
    }
    /* Save draft, or an error: what was typed is kept on the server. */
    int saved = review_draft_save(repo, &draft);
    if (saved) {
        if (saved == JOURNAL_EINPUT) {
            json_object_set_new(errors, "comments", json_string(error_message()));
            error_clear();
        } else {
            desk_log_error(NULL);
            desk_message(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
            goto done;
        }
    }
    if (!json_object_size(errors)) {
        char *to = xasprintf("%s?saved=1", page);
        desk_redirect(to, r);
        free(to);
        goto done;
    }
    invitation_page(d, repo, l, NULL, NULL, &draft, errors, r);
    r->status = status;
done:
    json_decref(t);
    json_decref(errors);
    review_draft_free(&draft);
    free(page);
    form_free(&f);
}

static void packet_download(struct journal_repo *repo, struct link *l, struct reply *r)
{
    struct packet p = {0};
    bool current = l->a->round == l->record.round;
    if (!current || l->state != ASSIGNMENT_ACCEPTED) {
        desk_message(repo, l->lang, 404, "desk_not_found_title", "desk_not_found_text", l->root, r);
        return;
    }
    int rc = packet_make(repo, l->number, l->a->reviewer, &p);
    if (rc) {
        fprintf(stderr, "journal serve: submission %lu: %s\n", l->number, error_message());
        error_clear();
        desk_message(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
        return;
    }
    if (!strcmp(l->rest, "/packet")) {
        r->status = 200;
        r->type = "text/markdown; charset=utf-8";
        strbuf_add(&r->body, p.text.buf, p.text.len);
        r->disposition = xasprintf("attachment; filename=\"submission-%lu-round-%lu.md\"",
                                   l->number, l->record.round);
    } else {
        const char *k = l->rest + 7;
        char *end;
        unsigned long i = strtoul(k, &end, 10);
        if (!*k || *end || *k < '0' || *k > '9' || i >= p.nfiles) {
            desk_message(repo, l->lang, 404, "desk_not_found_title", "desk_not_found_text", l->root,
                         r);
        } else if (packet_read_file(repo, l->number, p.files[i], &r->body)) {
            error_clear();
            desk_message(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
        } else {
            const char *name = strrchr(p.files[i], '/');
            name = name ? name + 1 : p.files[i];
            struct strbuf safe = STRBUF_INIT;
            for (const char *c = name; *c; c++)
                strbuf_addch(&safe, strchr("\"\\;\r\n", *c) || (unsigned char)*c < 0x20 ? '_' : *c);
            r->status = 200;
            r->type = "application/octet-stream";
            r->disposition = xasprintf("attachment; filename=\"%s\"", safe.buf);
            strbuf_release(&safe);
        }
    }
    packet_free(&p);
}

bool desk_reviewer_handle(struct desk *d, struct journal_repo *repo, const char *method,
                          const char *path, const char *lang, const struct request *req,
                          struct reply *r)
{
    if (strncmp(path, "/review/", 8))
        return false;
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    bool post = !strcmp(method, "POST");
    const char *fallback = desk_main_lang(repo);
    struct link l;
    memset(&l, 0, sizeof(l));
    strbuf_init(&l.manuscript_text);
    desk_root(path, l.root, sizeof(l.root));
    int found = desk_parse_link(path, "/review/", &l.number, l.token, &l.rest)
                    ? link_open(d, repo, &l, lang)
                    : 1;
    bool known = l.rest && (!*l.rest || !strcmp(l.rest, "/answer") || !strcmp(l.rest, "/review") ||
                            !strcmp(l.rest, "/packet") || !strncmp(l.rest, "/files/", 7));
    if (found < 0) {
        desk_log_error(NULL);
        desk_message(repo, fallback, 500, "desk_error_title", "desk_error_text", l.root, r);
    } else if (found || !known) {
        /* Wrong, revoked or withdrawn: the same page, whatever exists behind it. */
        desk_message(repo, fallback, 404, "desk_not_found_title", "desk_not_found_text", l.root, r);
    } else if (!*l.rest && get) {
        r->status = 200;
        invitation_page(d, repo, &l, NULL, NULL, NULL, NULL, r);
    } else if (!strcmp(l.rest, "/answer") && post) {
        answer(d, repo, &l, req, r);
    } else if (!strcmp(l.rest, "/review") && post) {
        review_post(d, repo, &l, req, r);
    } else if ((!strcmp(l.rest, "/packet") || !strncmp(l.rest, "/files/", 7)) && get) {
        packet_download(repo, &l, r);
    } else {
        desk_message(repo, l.lang, 405, "desk_method_title", "desk_method_text", l.root, r);
    }
    link_free(&l);
    return true;
}
