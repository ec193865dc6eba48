#define _POSIX_C_SOURCE 200809L
#include "workflow/waiting.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/token.h"
#include "workflow/notify.h"
#include "workflow/submit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Temporary folders of a waiting_create that died are older than this. */
#define WAITING_STALE_NEW_SECONDS 3600

char *waiting_root(struct journal_repo *repo)
{
    return xasprintf("%s/desk/waiting", repo->state_dir);
}

bool waiting_id_valid(const char *id)
{
    return id && strlen(id) == WAITING_ID_LEN && strspn(id, "0123456789abcdef") == WAITING_ID_LEN;
}

void waiting_free(struct waiting *w)
{
    free(w->token_hash);
    free(w->lang);
    free(w->name);
    free(w->email);
    free(w->title);
    free(w->manuscript);
    free(w->metadata);
    free(w->note);
    for (size_t i = 0; i < w->nfiles; i++)
        free(w->files[i]);
    free(w->files);
    memset(w, 0, sizeof(*w));
}

static int copy_file(const char *from, const char *to)
{
    struct strbuf data = STRBUF_INIT;
    int rc = fs_read_file(from, &data);
    if (!rc)
        rc = fs_write_file(to, data.buf, data.len);
    strbuf_release(&data);
    return rc;
}

static int write_entry(const char *dir, const struct waiting *w)
{
    json_t *files = json_array();
    for (size_t i = 0; i < w->nfiles; i++)
        json_array_append_new(files, json_string(w->files[i]));
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:o}", "created",
                          (json_int_t)w->created, "token", w->token_hash, "lang", w->lang, "name",
                          w->name, "email", w->email, "title", w->title, "manuscript",
                          w->manuscript, "metadata", w->metadata, "note", w->note, "files", files);
    if (!j)
        return error_internal("waiting submission: cannot record it");
    char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(j);
    char *path = fs_join(dir, "entry.json");
    int rc = fs_write_atomic(path, text, strlen(text));
    free(path);
    free(text);
    return rc;
}

int waiting_create(struct journal_repo *repo, struct waiting *w, const char *src)
{
    char token[TOKEN_HEX_LEN + 1];
    int rc = token_new(token);
    if (rc)
        return rc;
    memcpy(w->id, token, WAITING_ID_LEN);
    w->id[WAITING_ID_LEN] = '\0';
    char *root = waiting_root(repo);
    char *tmp = xasprintf("%s/.new-%s", root, w->id);
    char *final = xasprintf("%s/%s", root, w->id);
    rc = fs_mkdirs(tmp);
    if (!rc) {
        char *from = xasprintf("%s/manuscript/%s", src, w->manuscript);
        char *to = xasprintf("%s/manuscript/%s", tmp, w->manuscript);
        rc = copy_file(from, to);
        free(from);
        free(to);
    }
    if (!rc && w->metadata) {
        char *from = xasprintf("%s/meta.yaml", src);
        char *to = xasprintf("%s/meta.yaml", tmp);
        rc = copy_file(from, to);
        free(from);
        free(to);
    }
    for (size_t i = 0; !rc && i < w->nfiles; i++) {
        char *from = xasprintf("%s/files/%s", src, w->files[i]);
        char *to = xasprintf("%s/files/%s", tmp, w->files[i]);
        rc = copy_file(from, to);
        free(from);
        free(to);
    }
    if (!rc)
        rc = write_entry(tmp, w);
    /* The folder appears whole under its id, or not at all. */
    if (!rc && rename(tmp, final) < 0)
        rc = error_errno("%s", final);
    if (rc)
        fs_remove_tree(tmp);
    free(tmp);
    free(final);
    free(root);
    return rc;
}

static char *json_str(json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? xstrdup(s) : NULL;
}

static int read_at(const char *dir, const char *id, struct waiting *w)
{
    memset(w, 0, sizeof(*w));
    char *path = xasprintf("%s/entry.json", dir);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    free(path);
    if (!j || !json_is_object(j)) {
        json_decref(j);
        return JOURNAL_EINPUT;
    }
    snprintf(w->id, sizeof(w->id), "%s", id);
    w->created = json_integer_value(json_object_get(j, "created"));
    w->token_hash = json_str(j, "token");
    w->lang = json_str(j, "lang");
    w->name = json_str(j, "name");
    w->email = json_str(j, "email");
    w->title = json_str(j, "title");
    w->manuscript = json_str(j, "manuscript");
    w->metadata = json_str(j, "metadata");
    w->note = json_str(j, "note");
    json_t *files = json_object_get(j, "files");
    w->files = xcalloc(json_array_size(files) + 1, sizeof(char *));
    for (size_t i = 0; i < json_array_size(files); i++)
        if (json_string_value(json_array_get(files, i)))
            w->files[w->nfiles++] = xstrdup(json_string_value(json_array_get(files, i)));
    json_decref(j);
    char *done = xasprintf("%s/confirmed.json", dir);
    json_t *c = json_load_file(done, 0, &jerr);
    free(done);
    if (c)
        w->confirmed = (unsigned long)json_integer_value(json_object_get(c, "number"));
    json_decref(c);
    bool whole = w->created > 0 && w->token_hash && w->lang && w->name && w->email && w->title &&
                 w->manuscript && fs_is_safe_relative(w->manuscript) &&
                 (!w->metadata || !strcmp(w->metadata, "meta.yaml"));
    for (size_t i = 0; i < w->nfiles; i++)
        whole = whole && fs_is_safe_relative(w->files[i]);
    if (!whole) {
        waiting_free(w);
        return JOURNAL_EINPUT;
    }
    return 0;
}

int waiting_read(struct journal_repo *repo, const char *id, struct waiting *w)
{
    memset(w, 0, sizeof(*w));
    if (!waiting_id_valid(id))
        return JOURNAL_EINPUT;
    char *root = waiting_root(repo);
    char *dir = xasprintf("%s/%s", root, id);
    int rc = read_at(dir, id, w);
    free(dir);
    free(root);
    return rc;
}

/* Record the submission and remove what it was made from: entry.json and confirmed.json
   stay, so that the link says "confirmed already" until the entry expires. */
static int settle(const char *dir, unsigned long number)
{
    char *path = xasprintf("%s/confirmed.json", dir);
    char *text = xasprintf("{\"number\": %lu}\n", number);
    int rc = fs_write_atomic(path, text, strlen(text));
    free(text);
    free(path);
    const char *parts[] = {"manuscript", "files", "meta.yaml"};
    for (size_t i = 0; !rc && i < 3; i++) {
        char *p = xasprintf("%s/%s", dir, parts[i]);
        if (fs_is_dir(p))
            rc = fs_remove_tree(p);
        else if (unlink(p) < 0 && errno != ENOENT)
            rc = error_errno("%s", p);
        free(p);
    }
    return rc;
}

int waiting_confirm(struct journal_repo *repo, struct waiting *w, struct notifier *notifier,
                    unsigned long *number, bool *again, char ***warnings, size_t *nwarnings)
{
    *number = 0;
    *again = false;
    *warnings = NULL;
    *nwarnings = 0;
    char *root = waiting_root(repo);
    char *dir = xasprintf("%s/%s", root, w->id);
    char *lock = xasprintf("%s/lock", dir);
    int rc = 0;
    /* One confirmation of an entry at a time (a double click, two tabs): the second waits
       and then finds the first's. The kernel drops the lock when the process dies. */
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = error_errno("%s", lock);
        goto done;
    }
    while (flock(fd, LOCK_EX) < 0)
        if (errno != EINTR) {
            rc = error_errno("%s", lock);
            goto done;
        }
    struct waiting now;
    rc = read_at(dir, w->id, &now);
    if (rc) {
        rc = error_input("the waiting submission is gone (expired, or removed)");
        goto done;
    }
    unsigned long found = now.confirmed;
    waiting_free(&now);
    if (!found)
        rc = submission_find_desk(repo, w->id, w->created, &found);
    if (rc)
        goto done;
    if (found) {
        /* Committed by an earlier confirmation, which may have died before settling. */
        *number = found;
        *again = true;
        rc = settle(dir, found);
        goto done;
    }
    char *manuscript = xasprintf("%s/manuscript/%s", dir, w->manuscript);
    char *metadata = w->metadata ? xasprintf("%s/meta.yaml", dir) : NULL;
    char *files_dir = xasprintf("%s/files", dir);
    struct submit_request req = {.manuscript = manuscript,
                                 .metadata = metadata,
                                 .files = (const char *const *)w->files,
                                 .nfiles = w->nfiles,
                                 .notifier = notifier,
                                 .dir = files_dir,
                                 .desk_id = w->id,
                                 .note = w->note};
    struct submit_result res;
    rc = submission_submit(repo, &req, &res);
    if (!rc) {
        repo_crash_point("desk-after-commit");
        *number = res.number;
        *warnings = res.warnings;
        *nwarnings = res.nwarnings;
        res.warnings = NULL;
        res.nwarnings = 0;
        submit_result_free(&res);
        rc = settle(dir, *number);
    }
    free(manuscript);
    free(metadata);
    free(files_dir);
done:
    if (fd >= 0)
        close(fd);
    free(lock);
    free(dir);
    free(root);
    return rc;
}

static long long mtime_of(const char *path)
{
    struct stat st;
    return stat(path, &st) < 0 ? 0 : (long long)st.st_mtime;
}

/* Remove the folders under root older than max_age seconds at now (by entry.json's created,
   else the folder's time); entries: waiting entries (else the desk's forms). */
static int expire_in(const char *root, bool entries, long long now, long long max_age,
                     size_t *removed)
{
    DIR *d = opendir(root);
    if (!d)
        return 0;
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.' && strncmp(e->d_name, ".new-", 5))
            continue;
        char *dir = fs_join(root, e->d_name);
        long long born = mtime_of(dir), limit = max_age;
        struct waiting w;
        if (!strncmp(e->d_name, ".new-", 5))
            limit = WAITING_STALE_NEW_SECONDS;
        else if (entries && !read_at(dir, e->d_name, &w)) {
            born = w.created;
            waiting_free(&w);
        }
        if (born && born + limit < now) {
            rc = fs_remove_tree(dir);
            if (!rc && removed)
                ++*removed;
        }
        free(dir);
    }
    closedir(d);
    return rc;
}

int waiting_expire(struct journal_repo *repo, const char *forms_root, long long now,
                   size_t *removed)
{
    if (removed)
        *removed = 0;
    long long age = (long long)repo->config.desk_confirm_hours * 3600;
    char *root = waiting_root(repo);
    int rc = expire_in(root, true, now, age, removed);
    if (!rc && forms_root)
        rc = expire_in(forms_root, false, now, age, removed);
    free(root);
    return rc;
}

static void add_problem(struct waiting_problem **list, size_t *count, const char *id, char *msg,
                        const char *fix)
{
    *list = xrealloc(*list, (*count + 1) * sizeof(**list));
    (*list)[*count].id = xstrdup(id);
    (*list)[*count].message = msg;
    (*list)[*count].fix = fix;
    ++*count;
}

int waiting_check(struct journal_repo *repo, long long now, struct waiting_problem **out,
                  size_t *count)
{
    *out = NULL;
    *count = 0;
    char *root = waiting_root(repo);
    DIR *d = opendir(root);
    if (!d) {
        free(root);
        return 0;
    }
    long long age = (long long)repo->config.desk_confirm_hours * 3600;
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *dir = fs_join(root, e->d_name);
        struct waiting w;
        if (!strncmp(e->d_name, ".new-", 5)) {
            if (mtime_of(dir) + WAITING_STALE_NEW_SECONDS < now)
                add_problem(out, count, e->d_name,
                            xstrdup("a waiting submission left half-made by a server that "
                                    "stopped"),
                            "journal serve removes it within the hour, or remove the folder");
        } else if (!waiting_id_valid(e->d_name) || read_at(dir, e->d_name, &w)) {
            add_problem(out, count, e->d_name,
                        xstrdup("an unreadable waiting submission (no whole entry.json)"),
                        "journal serve deletes it after desk_confirm_hours, or remove the "
                        "folder");
        } else {
            unsigned long found = w.confirmed;
            if (!found)
                rc = submission_find_desk(repo, w.id, w.created, &found);
            char *m = fs_join(dir, "manuscript");
            if (!rc && found && fs_exists(m))
                add_problem(out, count, w.id,
                            xasprintf("confirmed as submission %lu but not cleaned up", found),
                            "following the confirmation link again cleans it up, as does "
                            "journal serve after desk_confirm_hours; the submission is safe");
            else if (!rc && w.created + age < now)
                add_problem(out, count, w.id,
                            xasprintf("expired (made %lld hours ago, desk_confirm_hours is %u) "
                                      "but not deleted yet",
                                      (now - w.created) / 3600, repo->config.desk_confirm_hours),
                            "journal serve deletes it on its next request");
            free(m);
            waiting_free(&w);
        }
        free(dir);
    }
    closedir(d);
    free(root);
    if (rc) {
        waiting_problems_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    return rc;
}

void waiting_problems_free(struct waiting_problem *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].id);
        free(list[i].message);
    }
    free(list);
}
