#define _POSIX_C_SOURCE 200809L
#include "workflow/submit.h"

#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/token.h"
#include "workflow/editorial.h"
#include "workflow/notify.h"
#include "workflow/word.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct attachment {
    const char *name;
    struct strbuf data;
};

/* Refuse a name that would land outside submissions/<n>/files/, and any symlink on the way. */
static int check_attachment_path(const char *dir, const char *name)
{
    if (name[0] == '/')
        return error_input("--file %s: an attachment must be named by a relative path inside the "
                           "submission folder, not an absolute path (run journal from the "
                           "folder that holds the manuscript and its files)",
                           name);
    if (!fs_is_safe_relative(name))
        return error_input("--file %s: the name would leave the submission folder "
                           "(no '..', '.', empty parts or control characters allowed)",
                           name);
    /*
     * git refuses ".git" as a tree entry, and .gitattributes or .gitmodules
     * inside a submission would change how git treats the repository.
     */
    for (const char *part = name; part; part = strchr(part, '/') ? strchr(part, '/') + 1 : NULL)
        if (!strncasecmp(part, ".git", 4))
            return error_input("--file %s: names starting with .git are reserved for git", name);
    /* Each prefix of the path, then the whole: none may be a link. */
    char *prefix = xstrdup(name);
    for (char *s = prefix;; s++) {
        char saved = *s;
        if (saved != '/' && saved != '\0')
            continue;
        *s = '\0';
        struct stat st;
        char *full = dir ? fs_join(dir, prefix) : xstrdup(prefix);
        int gone = lstat(full, &st);
        free(full);
        if (gone < 0) {
            int rc = error_input("--file %s: no such file", name);
            free(prefix);
            return rc;
        }
        if (S_ISLNK(st.st_mode)) {
            int rc = error_input("--file %s: %s is a symbolic link; attachments must be "
                                 "regular files",
                                 name, prefix);
            free(prefix);
            return rc;
        }
        if (saved == '\0') {
            int rc = S_ISREG(st.st_mode) ? 0 : error_input("--file %s: not a regular file", name);
            free(prefix);
            return rc;
        }
        *s = saved;
    }
}

int submission_find_desk(struct journal_repo *repo, const char *desk_id, long long since,
                         unsigned long *number)
{
    char hex[GIT_OID_HEXSZ + 1], *message = NULL;
    char *line = xasprintf("Desk: %s", desk_id);
    int rc = repo_find_commit_with_line(repo, line, since, hex, &message);
    *number = message && !strncmp(message, "Submit #", 8) ? strtoul(message + 8, NULL, 10) : 0;
    free(message);
    free(line);
    return rc;
}

int submission_next_number(struct journal_repo *repo, unsigned long *out)
{
    git_tree *root = NULL, *dir = NULL;
    unsigned long max = 0;
    int rc = repo_head_tree(repo, &root);
    if (!rc)
        rc = repo_subtree(repo->git, root, "submissions", &dir);
    for (size_t i = 0; !rc && dir && i < git_tree_entrycount(dir); i++) {
        unsigned long v =
            repo_entry_number(git_tree_entry_name(git_tree_entry_byindex(dir, i)), NULL);
        if (v > max)
            max = v;
    }
    git_tree_free(dir);
    git_tree_free(root);
    *out = max + 1;
    return rc;
}

static int read_attachments(struct journal_repo *repo, const struct submit_request *req,
                            const struct word_doc *doc, struct attachment *att)
{
    for (size_t i = 0; i < req->nfiles; i++) {
        const char *name = req->files[i];
        int rc = check_attachment_path(req->dir, name);
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(att[j].name, name))
                return error_input("--file %s: given twice", name);
        const struct strbuf *data;
        for (size_t j = 0; j < word_nfiles(doc); j++)
            if (!strcmp(word_file(doc, j, &data), name))
                return error_input("--file %s: the conversion of %s stores a file of that name "
                                   "(files/%s); rename the attachment",
                                   name, req->manuscript, name);
        att[i].name = name;
        char *full = req->dir ? fs_join(req->dir, name) : xstrdup(name);
        rc = fs_read_file_limited(full, repo->config.max_attachment_size,
                                  "max_attachment_size in journal.yaml", &att[i].data);
        free(full);
        if (rc)
            return rc;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static char *commit_message(unsigned long number, const struct manuscript *m,
                            const struct submit_request *req)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "Submit #%lu: %s\n\n", number, m->title);
    strbuf_addf(&sb, "Type: %s\nLanguage: %s\nAuthors: ", m->type, m->lang);
    for (size_t i = 0; i < m->nauthors; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", m->authors[i].name);
    strbuf_addch(&sb, '\n');
    /* The files' names alone: a path can name its owner (/home/olga/...). */
    if (req->metadata)
        strbuf_addf(&sb, "Converted from: %s (front matter: %s)\n", base_name(req->manuscript),
                    base_name(req->metadata));
    if (req->nfiles) {
        strbuf_addstr(&sb, "Files:");
        for (size_t i = 0; i < req->nfiles; i++)
            strbuf_addf(&sb, " %s", req->files[i]);
        strbuf_addch(&sb, '\n');
    }
    if (req->note)
        strbuf_addstr(&sb, req->note);
    if (req->desk_id)
        strbuf_addf(&sb, "Desk: %s\n", req->desk_id);
    return strbuf_detach(&sb, NULL);
}

int submission_new_status_link(struct journal_repo *repo, const struct notifier *notifier,
                               unsigned long number, struct submission_record *r, char **url)
{
    *url = NULL;
    char *hash = NULL;
    int rc = r ? notify_personal_link(repo, notifier, "status", number, &hash, url) : 0;
    if (!rc && hash) {
        record_set(&r->status_link, hash);
        record_set(&r->status_link_revoked, NULL);
    }
    free(hash);
    return rc;
}

int submission_submit(struct journal_repo *repo, const struct submit_request *req,
                      struct submit_result *res)
{
    struct strbuf text = STRBUF_INIT, record_text = STRBUF_INIT;
    struct manuscript m = {0};
    struct country_db *countries = NULL;
    struct language_db *languages = NULL;
    struct word_doc doc = {0};
    struct attachment *att = xcalloc(req->nfiles ? req->nfiles : 1, sizeof(*att));
    struct repo_change *changes = NULL;
    char **paths = NULL;
    size_t npaths = 0;
    char *message = NULL, *status_url = NULL;
    memset(res, 0, sizeof(*res));

    int rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    if (!rc) {
        struct manuscript_rules rules = {countries, languages, repo->config.languages[0],
                                         &repo->config.markdown_limits, &repo->config};
        struct word_source src = {req->manuscript, req->metadata, req->accept_changes,
                                  repo->config.max_attachment_size};
        rc = word_read_manuscript(&src, &rules, repo->config.max_manuscript_size, &m, &text, &doc);
    }
    if (!rc)
        rc = read_attachments(repo, req, &doc, att);
    if (rc || req->dry_run)
        goto done;
    npaths = req->nfiles + 2 + word_nfiles(&doc);
    changes = xcalloc(npaths, sizeof(*changes));
    paths = xcalloc(npaths, sizeof(char *));

    rc = repo_lock(repo, 30000);
    if (rc)
        goto done;
    unsigned long number;
    rc = submission_next_number(repo, &number);
    if (rc)
        goto unlock;

    char today[11], blob[GIT_OID_HEXSZ + 1];
    date_today(today);
    repo_blob_id(text.buf, text.len, blob);
    struct submission_record r = {.number = number, .round = 1};
    const struct author *contact = manuscript_contact(&m);
    rc = submission_new_status_link(repo, req->notifier, number, contact ? &r : NULL, &status_url);
    if (rc)
        goto unlock;
    char *actor = repo_actor(repo);
    record_set(&r.state, "submitted");
    record_set(&r.submitted, today);
    record_add_version(&r, blob, today);
    record_add_event(&r, "submitted", actor, NULL);
    record_write(&r, &record_text);
    record_free(&r);
    free(actor);

    size_t n = 0;
    paths[n] = xasprintf("submissions/%lu/manuscript.md", number);
    changes[n] = (struct repo_change){paths[n], text.buf, text.len, false};
    n++;
    paths[n] = xasprintf("submissions/%lu/submission.yaml", number);
    changes[n] = (struct repo_change){paths[n], record_text.buf, record_text.len, false};
    n++;
    for (size_t i = 0; i < req->nfiles; i++, n++) {
        paths[n] = xasprintf("submissions/%lu/files/%s", number, att[i].name);
        changes[n] = (struct repo_change){paths[n], att[i].data.buf, att[i].data.len, false};
    }
    for (size_t i = 0; i < word_nfiles(&doc); i++, n++) {
        const struct strbuf *data;
        const char *name = word_file(&doc, i, &data);
        paths[n] = xasprintf("submissions/%lu/files/%s", number, name);
        changes[n] = (struct repo_change){paths[n], data->buf, data->len, false};
    }
    message = commit_message(number, &m, req);
    if (req->notifier && contact) {
        json_t *ctx = notify_context(repo, NULL, m.lang);
        json_object_set_new(
            ctx, "submission",
            json_pack("{s:I, s:s}", "number", (json_int_t)number, "title", m.title));
        json_object_set_new(ctx, "author", json_pack("{s:s}", "name", contact->name));
        if (status_url)
            json_object_set_new(ctx, "status_link", json_string(status_url));
        struct recipient to = {contact->name, contact->email};
        rc = notify_hold(req->notifier, "acknowledgement", m.lang, ctx, &to, "acknowledgement",
                         number);
        json_decref(ctx);
        if (rc)
            goto unlock;
    }
    git_oid commit;
    rc = repo_commit(repo, changes, n, message, &commit);
    if (req->notifier) {
        char hex[GIT_OID_HEXSZ + 1];
        git_oid_tostr(hex, sizeof(hex), &commit);
        if (rc)
            notifier_discard(req->notifier);
        else
            rc = notifier_release(req->notifier, hex);
    }
    if (!rc) {
        res->number = number;
        git_oid_tostr(res->commit, sizeof(res->commit), &commit);
        res->title = xstrdup(m.title);
        /* The conversion's warnings (comments dropped), then the manuscript's. */
        res->nwarnings = doc.nwarnings + m.nwarnings;
        res->warnings = xcalloc(res->nwarnings ? res->nwarnings : 1, sizeof(char *));
        for (size_t i = 0; i < doc.nwarnings; i++)
            res->warnings[i] = doc.warnings[i];
        for (size_t i = 0; i < m.nwarnings; i++)
            res->warnings[doc.nwarnings + i] = m.warnings[i];
        free(doc.warnings);
        free(m.warnings);
        doc.warnings = m.warnings = NULL;
        doc.nwarnings = m.nwarnings = 0;
    }
unlock:
    repo_unlock(repo);
done:
    for (size_t i = 0; i < npaths; i++)
        free(paths[i]);
    for (size_t i = 0; i < req->nfiles; i++)
        strbuf_release(&att[i].data);
    free(paths);
    free(changes);
    free(att);
    free(message);
    if (status_url) {
        memset(status_url, 0, strlen(status_url));
        free(status_url);
    }
    manuscript_free(&m);
    word_doc_free(&doc);
    country_db_free(countries);
    language_db_free(languages);
    strbuf_release(&text);
    strbuf_release(&record_text);
    return rc;
}

void submit_result_free(struct submit_result *res)
{
    free(res->title);
    for (size_t i = 0; i < res->nwarnings; i++)
        free(res->warnings[i]);
    free(res->warnings);
    memset(res, 0, sizeof(*res));
}

int workflow_status_link_new(struct journal_repo *repo, unsigned long number,
                             struct notifier *notifier, char commit[GIT_OID_HEXSZ + 1])
{
    struct editorial e;
    char *url = NULL, *message = NULL;
    int rc = editorial_open(&e, repo, number);
    if (rc)
        goto done;
    const struct author *contact = manuscript_contact(&e.manuscript);
    if (!repo->config.desk_url || !notifier || !notifier->enabled) {
        rc = error_input("submission %lu: an author's status link needs desk_url (the front "
                         "desk's address) and mail (mail_from_address) in journal.yaml: the link "
                         "is only ever sent by mail",
                         number);
        goto done;
    }
    if (!contact) {
        rc = error_input("submission %lu: the manuscript names no corresponding author to send "
                         "the status link to",
                         number);
        goto done;
    }
    rc = submission_new_status_link(repo, notifier, number, &e.record, &url);
    if (rc)
        goto done;
    record_add_event(&e.record, "status link issued", e.actor, NULL);
    json_t *ctx = notify_context(repo, e.actor, e.manuscript.lang);
    json_object_set_new(ctx, "submission",
                        json_pack("{s:I, s:s, s:s}", "number", (json_int_t)number, "title",
                                  e.manuscript.title, "state", e.record.state));
    json_object_set_new(ctx, "author", json_pack("{s:s}", "name", contact->name));
    json_object_set_new(ctx, "status_link", json_string(url));
    struct recipient to = {contact->name, contact->email};
    rc = notify_hold(notifier, "status-link", e.manuscript.lang, ctx, &to, "status-link", number);
    json_decref(ctx);
    if (rc)
        goto done;
    message = xasprintf("Issue the author's status link to #%lu\n", number);
    git_oid oid;
    rc = editorial_commit(&e, NULL, 0, message, &oid);
    rc = settle_mail(notifier, rc, &oid);
    if (!rc)
        git_oid_tostr(commit, GIT_OID_HEXSZ + 1, &oid);
done:
    if (rc && notifier)
        notifier_discard(notifier);
    if (url) {
        memset(url, 0, strlen(url));
        free(url);
    }
    free(message);
    editorial_close(&e);
    return rc;
}

int workflow_status_link_revoke(struct journal_repo *repo, unsigned long number,
                                char commit[GIT_OID_HEXSZ + 1])
{
    struct editorial e;
    int rc = editorial_open(&e, repo, number);
    if (rc)
        goto done;
    if (!e.record.status_link) {
        rc = error_input("submission %lu has no author's status link (none was made: submitted "
                         "without desk_url or mail, or it is revoked already; journal token new "
                         "%lu --author issues one)",
                         number, number);
        goto done;
    }
    char today[11];
    date_today(today);
    record_set(&e.record.status_link, NULL);
    record_set(&e.record.status_link_revoked, today);
    record_add_event(&e.record, "status link revoked", e.actor, NULL);
    char *message = xasprintf("Revoke the author's status link to #%lu\n", number);
    git_oid oid;
    rc = editorial_commit(&e, NULL, 0, message, &oid);
    free(message);
    if (!rc)
        git_oid_tostr(commit, GIT_OID_HEXSZ + 1, &oid);
done:
    editorial_close(&e);
    return rc;
}
