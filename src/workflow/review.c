#include "model/review.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/token.h"
#include "util/utf8.h"
#include "workflow/editorial.h"
#include "workflow/invitation.h"
#include "workflow/review_round.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A text file a person wrote for the office: UTF-8, not empty, within the size limit. */
int workflow_read_text(const struct journal_repo *repo, const char *option, const char *path,
                       struct strbuf *out)
{
    int rc = fs_read_file_limited(path, repo->config.max_manuscript_size,
                                  "max_manuscript_size in journal.yaml", out);
    if (rc) {
        error_prefix("%s", option);
        return rc;
    }
    size_t bad, line, col;
    if (!utf8_validate(out->buf, out->len, &bad)) {
        utf8_position(out->buf, bad, &line, &col);
        return error_at(path, line, col, "invalid UTF-8 (byte 0x%02x): save the file as UTF-8",
                        (unsigned char)out->buf[bad]);
    }
    if (memchr(out->buf, '\0', out->len))
        return error_at(path, 0, 0, "the file contains NUL bytes: expected UTF-8 text");
    for (size_t i = 0; i < out->len; i++)
        if (out->buf[i] != ' ' && out->buf[i] != '\n' && out->buf[i] != '\t' && out->buf[i] != '\r')
            return 0;
    return error_at(path, 0, 0, "%s: the file is empty", option);
}

int workflow_review_check_text(const struct journal_repo *repo, const char *what, const char *text,
                               size_t len)
{
    size_t bad, line, col;
    if (repo->config.max_manuscript_size && len > repo->config.max_manuscript_size)
        return error_input("%s: %zu bytes, more than max_manuscript_size in journal.yaml (%zu)",
                           what, len, repo->config.max_manuscript_size);
    if (!utf8_validate(text, len, &bad)) {
        utf8_position(text, bad, &line, &col);
        return error_input("%s: invalid UTF-8 at line %zu, column %zu", what, line, col);
    }
    if (memchr(text, '\0', len))
        return error_input("%s: contains NUL bytes: expected text", what);
    for (size_t i = 0; i < len; i++)
        if (text[i] != ' ' && text[i] != '\n' && text[i] != '\t' && text[i] != '\r')
            return 0;
    return error_input("%s: empty", what);
}

int workflow_review_check_file(const struct journal_repo *repo, const char *name, size_t len)
{
    const char *why;
    if (!review_file_allowed(name, &why))
        return error_input("%s: %s", name, why);
    if (repo->config.max_attachment_size && len > repo->config.max_attachment_size)
        return error_input("%s: %zu bytes, more than max_attachment_size in journal.yaml (%zu)",
                           name, len, repo->config.max_attachment_size);
    return 0;
}

int workflow_review(struct journal_repo *repo, const struct review_request *req,
                    struct action_outcome *out)
{
    struct editorial e;
    struct strbuf comments = STRBUF_INIT, confidential = STRBUF_INIT, old = STRBUF_INIT,
                  text = STRBUF_INIT, file = STRBUF_INIT;
    struct review rv = {0}, previous = {0};
    char *path = NULL, *message = NULL, *detail = NULL, *file_path = NULL, *old_file = NULL;
    const char *file_name = req->file ? req->file : req->file_name;
    memset(out, 0, sizeof(*out));
    memset(&e, 0, sizeof(e));

    if (req->sign && strcmp(repo->config.review_mode, "open"))
        return error_input("--sign: signed reviews are published only under open review, and "
                           "this journal's review_mode is %s",
                           repo->config.review_mode);
    if (!review_verdict_is_known(req->verdict))
        return error_input("verdict '%s' is not one of accept, minor-revision, major-revision, "
                           "reject",
                           req->verdict);
    int rc = 0;
    if (req->comments) {
        rc = workflow_read_text(repo, "--comments", req->comments, &comments);
    } else {
        const char *t = req->comments_text ? req->comments_text : "";
        rc = workflow_review_check_text(repo, "comments to the author", t, strlen(t));
        strbuf_addstr(&comments, t);
    }
    if (!rc && req->confidential) {
        rc = workflow_read_text(repo, "--confidential", req->confidential, &confidential);
    } else if (!rc && req->confidential_text) {
        rc = workflow_review_check_text(repo, "confidential comments to the editor",
                                        req->confidential_text, strlen(req->confidential_text));
        strbuf_addstr(&confidential, req->confidential_text);
    }
    if (!rc && req->file) {
        const char *why;
        if (!review_file_allowed(req->file, &why))
            rc = error_input("--file %s: %s", req->file, why);
        else
            rc = fs_read_file_limited(req->file, repo->config.max_attachment_size,
                                      "max_attachment_size in journal.yaml", &file);
    } else if (!rc && req->file_name) {
        rc = workflow_review_check_file(repo, req->file_name, req->file_len);
        strbuf_add(&file, req->file_data, req->file_len);
    }
    if (!rc)
        rc = editorial_open(&e, repo, req->number);
    if (!rc)
        rc = editorial_require(&e, "review");
    if (rc)
        goto done;
    unsigned long round = e.record.round;
    struct record_assignment *a = NULL;
    for (size_t i = 0; i < e.record.nassignments; i++)
        if (e.record.assignments[i].round == round &&
            !strcmp(e.record.assignments[i].reviewer, req->reviewer))
            a = &e.record.assignments[i];
    if (!a) {
        rc = error_input("%s is not assigned to submission %lu in round %lu; only assigned "
                         "reviewers can record a verdict",
                         req->reviewer, req->number, round);
        goto done;
    }
    enum assignment_state st;
    rc = invitation_state(repo, req->number, a, &st);
    if (rc)
        goto done;
    if (st == ASSIGNMENT_DECLINED || st == ASSIGNMENT_WITHDRAWN) {
        char *was = invitation_describe(a, st);
        rc = error_input("%s's invitation to review submission %lu (round %lu) was %s: a review "
                         "is recorded only for an invitation still open or accepted",
                         req->reviewer, req->number, round, was);
        free(was);
        goto done;
    }
    path = review_path(req->number, round, req->reviewer);
    int found = repo_read(repo, path, &old, NULL);
    if (found && found != JOURNAL_EINPUT) {
        rc = found;
        goto done;
    }
    error_clear();
    bool exists = found == 0;
    if (req->expect) {
        char now[TOKEN_HASH_LEN + 1] = "sha256:none";
        if (exists)
            token_hash(old.buf, now);
        if (strcmp(now + 7, req->expect)) {
            rc = error_input("%s's review of submission %lu (round %lu) changed since it was "
                             "read; nothing recorded",
                             req->reviewer, req->number, round);
            goto done;
        }
    }
    if (exists && !req->amend) {
        rc = error_input("%s already recorded a verdict for submission %lu in round %lu; give "
                         "--amend to replace it",
                         req->reviewer, req->number, round);
        goto done;
    }
    if (!exists && req->amend) {
        rc = error_input("--amend: %s has no verdict for submission %lu in round %lu to amend",
                         req->reviewer, req->number, round);
        goto done;
    }
    char today[11];
    date_today(today);
    if (exists) {
        rc = review_parse(&previous, path, old.buf, old.len);
        if (rc)
            goto done;
    }
    rv.reviewer = xstrdup(req->reviewer);
    rv.round = round;
    rv.verdict = xstrdup(req->verdict);
    rv.submitted = xstrdup(exists ? previous.submitted : today);
    rv.amended = exists ? xstrdup(today) : NULL;
    rv.comments = xstrdup(comments.buf);
    rv.confidential =
        req->confidential || req->confidential_text ? xstrdup(confidential.buf) : NULL;
    rv.signed_review = req->sign;
    /* The file beside the review, named by the reviewer and the file's own extension. */
    if (file_name) {
        const char *base = strrchr(file_name, '/') ? strrchr(file_name, '/') + 1 : file_name;
        const char *dot = strrchr(base, '.');
        char *ext = xstrdup(dot);
        for (char *c = ext; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        rv.file = xasprintf("%s%s", req->reviewer, ext);
        free(ext);
        char *slash = strrchr(path, '/');
        file_path = xasprintf("%.*s/%s", (int)(slash - path), path, rv.file);
    } else if (previous.file) {
        rv.file = xstrdup(previous.file);
    }
    if (previous.file && rv.file && strcmp(previous.file, rv.file)) {
        char *slash = strrchr(path, '/');
        old_file = xasprintf("%.*s/%s", (int)(slash - path), path, previous.file);
    }
    review_write(&rv, &text);

    /* A review answers the invitation too: whoever sends one has accepted. */
    if (st != ASSIGNMENT_ACCEPTED) {
        record_set(&a->state, "accepted");
        record_set(&a->answered, today);
    }
    detail = xasprintf("%s: %s", req->reviewer, req->verdict);
    record_add_event(&e.record, exists ? "review amended" : "reviewed", e.actor, detail);
    message = xasprintf("%s #%lu by %s (round %lu): %s", exists ? "Amend review of" : "Review",
                        req->number, req->reviewer, round, req->verdict);
    struct repo_change changes[3] = {{path, text.buf, text.len, false}};
    size_t nchanges = 1;
    if (file_path)
        changes[nchanges++] = (struct repo_change){file_path, file.buf, file.len, false};
    if (old_file)
        changes[nchanges++] = (struct repo_change){old_file, NULL, 0, true};
    git_oid commit;
    rc = editorial_commit(&e, changes, nchanges, message, &commit);
    if (!rc) {
        git_oid_tostr(out->commit, sizeof(out->commit), &commit);
        out->round = round;
        memcpy(out->date, today, sizeof(out->date));
        out->state = xstrdup(e.record.state);
    }
done:
    free(path);
    free(message);
    free(detail);
    free(file_path);
    free(old_file);
    strbuf_release(&file);
    review_free(&rv);
    review_free(&previous);
    strbuf_release(&comments);
    strbuf_release(&confidential);
    strbuf_release(&old);
    strbuf_release(&text);
    editorial_close(&e);
    return rc;
}
