#define _POSIX_C_SOURCE 200809L
#include "workflow/review_draft.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

char *review_draft_dir(const struct journal_repo *repo)
{
    return xasprintf("%s/desk/drafts", repo->state_dir);
}

/* A roster id names a file as it is; anything else (a '/', a leading dot) never reaches disk. */
static bool id_is_safe(const char *id)
{
    return id[0] && id[0] != '.' &&
           strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
               strlen(id);
}

char *review_draft_path(const struct journal_repo *repo, unsigned long number, const char *reviewer)
{
    return xasprintf("%s/desk/drafts/%lu-%s.json", repo->state_dir, number, reviewer);
}

static char *upload_path(const char *json_path)
{
    size_t n = strlen(json_path) - 5; /* ".json" */
    return xasprintf("%.*s.upload", (int)n, json_path);
}

void review_draft_free(struct review_draft *d)
{
    free(d->reviewer);
    free(d->verdict);
    free(d->comments);
    free(d->confidential);
    free(d->file_name);
    strbuf_release(&d->file);
    free(d->saved);
    memset(d, 0, sizeof(*d));
}

static char *get(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? xstrdup(s) : NULL;
}

int review_draft_read(const char *path, struct review_draft *out)
{
    memset(out, 0, sizeof(*out));
    strbuf_init(&out->file);
    json_error_t err;
    json_t *o = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!o)
        return error_at(path, (size_t)(err.line > 0 ? err.line : 0),
                        (size_t)(err.column > 0 ? err.column : 0), "not a review draft: %s",
                        err.text);
    json_int_t number = json_integer_value(json_object_get(o, "number"));
    json_int_t round = json_integer_value(json_object_get(o, "round"));
    out->reviewer = get(o, "reviewer");
    if (!json_is_object(o) || number <= 0 || round <= 0 || !out->reviewer ||
        !id_is_safe(out->reviewer)) {
        json_decref(o);
        review_draft_free(out);
        return error_at(path, 0, 0,
                        "not a review draft: expected number, round and reviewer (a roster id)");
    }
    out->number = (unsigned long)number;
    out->round = (unsigned long)round;
    out->verdict = get(o, "verdict");
    out->comments = get(o, "comments");
    out->confidential = get(o, "confidential");
    out->sign = json_is_true(json_object_get(o, "sign"));
    out->saved = get(o, "saved");
    out->file_name = get(o, "file_name");
    int rc = 0;
    if (out->file_name) {
        /* The file as the JSON names it, or none: a kill between the two writes leaves the
           previous draft's JSON beside a newer upload, whose size then differs. */
        char *up = upload_path(path);
        json_int_t size = json_integer_value(json_object_get(o, "file_size"));
        rc = fs_read_file(up, &out->file);
        if (rc || (json_int_t)out->file.len != size) {
            error_clear();
            rc = 0;
            free(out->file_name);
            out->file_name = NULL;
            strbuf_reset(&out->file);
        }
        free(up);
    }
    json_decref(o);
    return rc;
}

int review_draft_load(const struct journal_repo *repo, unsigned long number, const char *reviewer,
                      struct review_draft *out)
{
    memset(out, 0, sizeof(*out));
    strbuf_init(&out->file);
    if (!id_is_safe(reviewer))
        return 1;
    char *path = review_draft_path(repo, number, reviewer);
    int rc = 1;
    if (access(path, F_OK) == 0)
        rc = review_draft_read(path, out);
    free(path);
    return rc;
}

int review_draft_save(struct journal_repo *repo, struct review_draft *draft)
{
    if (!id_is_safe(draft->reviewer))
        return error_input("reviewer id '%s' cannot name a draft", draft->reviewer);
    char *path = review_draft_path(repo, draft->number, draft->reviewer);
    char *up = upload_path(path);
    int rc = fs_mkdirs_parent(path);
    if (!rc && draft->file_name && !draft->file.len) {
        /* No new upload: the previous draft's file stays, when it is the one named. */
        struct review_draft old;
        int found = review_draft_load(repo, draft->number, draft->reviewer, &old);
        error_clear();
        if (!found && old.file_name && !strcmp(old.file_name, draft->file_name))
            strbuf_add(&draft->file, old.file.buf, old.file.len);
        else {
            free(draft->file_name);
            draft->file_name = NULL;
        }
        review_draft_free(&old);
    }
    if (!rc && draft->file_name)
        rc = fs_write_atomic(up, draft->file.buf, draft->file.len);
    char saved[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(saved, sizeof(saved), "%Y-%m-%dT%H:%M:%SZ", &tm);
    free(draft->saved);
    draft->saved = xstrdup(saved);
    if (!rc) {
        json_t *o =
            json_pack("{s:I, s:I, s:s, s:s?, s:s?, s:s?, s:b, s:s}", "number",
                      (json_int_t)draft->number, "round", (json_int_t)draft->round, "reviewer",
                      draft->reviewer, "verdict", draft->verdict, "comments", draft->comments,
                      "confidential", draft->confidential, "sign", draft->sign, "saved", saved);
        if (draft->file_name) {
            json_object_set_new(o, "file_name", json_string(draft->file_name));
            json_object_set_new(o, "file_size", json_integer((json_int_t)draft->file.len));
        }
        char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        rc = text ? fs_write_atomic(path, text, strlen(text))
                  : error_input("%s: the draft is not valid UTF-8 text", path);
        free(text);
        json_decref(o);
    }
    if (!rc && !draft->file_name && unlink(up) < 0 && errno != ENOENT)
        rc = error_errno("%s", up);
    free(up);
    free(path);
    return rc;
}

int review_draft_delete(const struct journal_repo *repo, unsigned long number, const char *reviewer)
{
    if (!id_is_safe(reviewer))
        return 0;
    char *path = review_draft_path(repo, number, reviewer);
    char *up = upload_path(path);
    int rc = 0;
    /* The JSON first: an upload without its JSON is never read as a draft. */
    if (unlink(path) < 0 && errno != ENOENT)
        rc = error_errno("%s", path);
    if (!rc && unlink(up) < 0 && errno != ENOENT)
        rc = error_errno("%s", up);
    free(up);
    free(path);
    return rc;
}
