#define _DEFAULT_SOURCE
#include "store/repo.h"

#include "model/language.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

int repo_git_error(const char *what)
{
    const git_error *e = git_error_last();
    return error_internal("%s: %s", what, e && e->message ? e->message : "libgit2 error");
}

static void finish_interrupted_writer(struct journal_repo *repo);

static int load_config(struct journal_repo *repo)
{
    struct strbuf text = STRBUF_INIT;
    char *path = fs_join(repo->root, "journal.yaml");
    int rc = repo_read(repo, "journal.yaml", &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        if (fs_exists(path))
            rc = error_input("%s: journal.yaml is not committed yet; commit it first "
                             "(journal reads the committed state of the repository)",
                             repo->root);
        else
            rc = error_input("%s is a git repository but not a journal: journal.yaml is missing "
                             "(run 'journal init' to make one)",
                             repo->root);
    }
    if (!rc) {
        struct language_db *langs = NULL;
        rc = language_db_open(&langs, NULL, NULL);
        if (!rc)
            rc = config_parse(&repo->config, path, text.buf, text.len, langs);
        language_db_free(langs);
    }
    strbuf_release(&text);
    free(path);
    return rc;
}

int repo_open(struct journal_repo **out, const char *dir)
{
    *out = NULL;
    struct journal_repo *repo = xcalloc(1, sizeof(*repo));
    repo->lock_fd = -1;
    if (git_repository_open_ext(&repo->git, dir, 0, NULL) < 0) {
        free(repo);
        return error_input("not a journal: no git repository at or above %s "
                           "(run 'journal init DIR' to create a journal, or use -C DIR)",
                           dir);
    }
    const char *workdir = git_repository_workdir(repo->git);
    if (!workdir) {
        git_repository_free(repo->git);
        free(repo);
        return error_input("%s is a bare git repository; a journal needs a work tree", dir);
    }
    repo->root = xstrdup(workdir);
    size_t len = strlen(repo->root);
    if (len > 1 && repo->root[len - 1] == '/')
        repo->root[len - 1] = '\0';
    repo->state_dir = fs_join(repo->root, ".journal");
    int rc = load_config(repo);
    if (rc) {
        repo_free(repo);
        return rc;
    }
    finish_interrupted_writer(repo);
    *out = repo;
    return 0;
}

void repo_free(struct journal_repo *repo)
{
    if (!repo)
        return;
    repo_unlock(repo);
    free(repo->trailer);
    config_free(&repo->config);
    git_repository_free(repo->git);
    free(repo->root);
    free(repo->state_dir);
    free(repo);
}

static int take_lock(struct journal_repo *repo, int timeout_ms, bool quiet);
static char *worktree_marker(struct journal_repo *repo);

int repo_lock(struct journal_repo *repo, int timeout_ms)
{
    const char *env = getenv("JOURNAL_LOCK_TIMEOUT");
    if (env && *env)
        timeout_ms = atoi(env) * 1000;
    return take_lock(repo, timeout_ms, false);
}

/*
 * Any command, reading or writing, finishes what a writer killed in its commit left
 * undone in the work tree, when no other writer is at work (they finish it themselves).
 */
static void finish_interrupted_writer(struct journal_repo *repo)
{
    char *marker = worktree_marker(repo);
    bool pending = fs_exists(marker);
    free(marker);
    if (!pending)
        return;
    char *saved = error_save();
    if (take_lock(repo, 0, true) == 0)
        repo_unlock(repo);
    error_clear();
    error_restore(saved);
}

static int take_lock(struct journal_repo *repo, int timeout_ms, bool quiet)
{
    if (repo->lock_fd >= 0)
        return 0;
    int rc = fs_mkdirs(repo->state_dir);
    if (rc)
        return rc;
    char *path = fs_join(repo->state_dir, "lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = error_errno("cannot open the repository lock %s", path);
        free(path);
        return rc;
    }
    int waited = 0;
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            rc = error_errno("cannot lock %s", path);
            goto fail;
        }
        if (waited >= timeout_ms && quiet) {
            rc = JOURNAL_EINPUT;
            goto fail;
        }
        if (waited >= timeout_ms) {
            char holder[64] = "";
            ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
            holder[n > 0 ? n : 0] = '\0';
            holder[strcspn(holder, "\n")] = '\0';
            rc = error_input("another journal command has held the repository lock %s for %d s "
                             "(%s); try again when it has finished",
                             path, waited / 1000, *holder ? holder : "holder unknown");
            goto fail;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
        waited += 20;
    }
    /* Who holds it, for the message another waiter prints. */
    char who[64];
    int n = snprintf(who, sizeof(who), "pid %ld\n", (long)getpid());
    if (ftruncate(fd, 0) == 0 && pwrite(fd, who, (size_t)n, 0) < 0) {
        /* Only informational. */
    }
    repo->lock_fd = fd;
    free(path);
    /* A writer killed after its commit left the work tree behind: finish it before anything
       else reads or writes it. */
    rc = repo_finish_worktree(repo, NULL);
    if (rc)
        repo_unlock(repo);
    return rc;
fail:
    close(fd);
    free(path);
    return rc;
}

void repo_unlock(struct journal_repo *repo)
{
    if (repo->lock_fd < 0)
        return;
    flock(repo->lock_fd, LOCK_UN);
    close(repo->lock_fd);
    repo->lock_fd = -1;
}

int repo_head_tree(struct journal_repo *repo, git_tree **out)
{
    git_object *obj = NULL;
    *out = NULL;
    int err = git_revparse_single(&obj, repo->git, "HEAD^{tree}");
    if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH) {
        git_error_clear();
        return 0;
    }
    if (err < 0)
        return repo_git_error("cannot read HEAD");
    *out = (git_tree *)obj;
    return 0;
}

static bool entry_safe(const git_tree_entry *entry)
{
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_LINK || mode == GIT_FILEMODE_COMMIT)
        return false;
    const char *name = git_tree_entry_name(entry);
    bool bad = !*name || !strcmp(name, ".") || !strcmp(name, "..");
    for (const unsigned char *c = (const unsigned char *)name; *c && !bad; c++)
        bad = *c == '/' || *c == '\\' || *c < 0x20 || *c == 0x7f;
    return !bad;
}

int repo_entry_check(const git_tree_entry *entry, const char *path)
{
    if (entry_safe(entry))
        return 0;
    const char *name = git_tree_entry_name(entry);
    git_filemode_t mode = git_tree_entry_filemode(entry);
    if (mode == GIT_FILEMODE_LINK)
        return error_input("%s: a symbolic link is committed here (git mode 120000); journal "
                           "never follows links: commit the file or folder itself",
                           path);
    if (mode == GIT_FILEMODE_COMMIT)
        return error_input("%s: a git submodule is committed here; expected a file or a folder",
                           path);
    bool bad = !*name || !strcmp(name, ".") || !strcmp(name, "..");
    for (const unsigned char *c = (const unsigned char *)name; *c && !bad; c++)
        bad = *c == '/' || *c == '\\' || *c < 0x20 || *c == 0x7f;
    if (bad)
        return error_input("%s: git's tree holds an entry named '%s'; expected a file or folder "
                           "name without '/', '\\' or control characters, and not '.' or '..' "
                           "(the commit was not made by git or journal: repair the history)",
                           path, name);
    return 0;
}

int repo_entry_checkf(const git_tree_entry *entry, const char *path_fmt, ...)
{
    if (entry_safe(entry))
        return 0;
    struct strbuf path = STRBUF_INIT;
    va_list ap;
    va_start(ap, path_fmt);
    strbuf_vaddf(&path, path_fmt, ap);
    va_end(ap);
    int rc = repo_entry_check(entry, path.buf);
    strbuf_release(&path);
    return rc;
}

int repo_read_from_tree(git_repository *git, git_tree *tree, const char *path, struct strbuf *out,
                        git_oid *blob_id)
{
    git_tree_entry *entry = NULL;
    if (!tree || git_tree_entry_bypath(&entry, tree, path) < 0) {
        git_error_clear();
        return error_input("%s: not in the journal (no such file committed)", path);
    }
    int rc = repo_entry_check(entry, path);
    if (rc) {
        git_tree_entry_free(entry);
        return rc;
    }
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) {
        git_tree_entry_free(entry);
        return error_input("%s: expected a file, found a folder", path);
    }
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, git, git_tree_entry_id(entry)) < 0) {
        git_tree_entry_free(entry);
        return repo_git_error(path);
    }
    if (blob_id)
        git_oid_cpy(blob_id, git_tree_entry_id(entry));
    strbuf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    git_tree_entry_free(entry);
    return 0;
}

int repo_subtree(git_repository *git, git_tree *root, const char *path, git_tree **out)
{
    git_tree_entry *e = NULL;
    *out = NULL;
    if (!root || git_tree_entry_bypath(&e, root, path) < 0) {
        git_error_clear();
        return 0;
    }
    /* A link where a folder should be is refused, not taken for a missing folder. */
    int rc = git_tree_entry_filemode(e) == GIT_FILEMODE_LINK ? repo_entry_check(e, path) : 0;
    if (!rc && git_tree_entry_type(e) == GIT_OBJECT_TREE &&
        git_tree_lookup(out, git, git_tree_entry_id(e)) < 0)
        rc = repo_git_error(path);
    git_tree_entry_free(e);
    return rc;
}

unsigned long repo_entry_number(const char *name, const char *suffix)
{
    size_t len = strlen(name), slen = suffix ? strlen(suffix) : 0;
    if (len <= slen || len - slen > 9 || (slen && strcmp(name + len - slen, suffix)))
        return 0;
    unsigned long v = 0;
    for (size_t i = 0; i < len - slen; i++) {
        if (name[i] < '0' || name[i] > '9' || (i == 0 && name[i] == '0'))
            return 0;
        v = v * 10 + (unsigned long)(name[i] - '0');
    }
    return v;
}

int repo_read(struct journal_repo *repo, const char *path, struct strbuf *out, git_oid *blob_id)
{
    git_tree *tree = NULL;
    int rc = repo_head_tree(repo, &tree);
    if (rc)
        return rc;
    rc = repo_read_from_tree(repo->git, tree, path, out, blob_id);
    git_tree_free(tree);
    return rc;
}

static int make_signature(git_repository *git, git_signature **sig)
{
    const char *name = getenv("GIT_AUTHOR_NAME");
    const char *email = getenv("GIT_AUTHOR_EMAIL");
    if (name && *name && email && *email)
        return git_signature_now(sig, name, email);
    if (git_signature_default(sig, git) == 0)
        return 0;
    git_error_clear();
    return git_signature_now(sig, "journal", "journal@localhost");
}

void repo_crash_point(const char *point)
{
    const char *at = getenv("JOURNAL_TEST_KILL_AT");
    if (at && !strcmp(at, point))
        kill(getpid(), SIGKILL);
}

bool repo_pid_alive(long pid)
{
    if (pid <= 0)
        return false;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

void repo_set_trailer(struct journal_repo *repo, const char *trailer)
{
    free(repo->trailer);
    repo->trailer = trailer ? xstrdup(trailer) : NULL;
}

static char *worktree_marker(struct journal_repo *repo)
{
    return fs_join(repo->state_dir, "worktree");
}

/* "<path>.tmp.<pid>" of a process that is gone: what fs_write_atomic leaves when killed. */
static void remove_dead_temp_files(const char *full)
{
    char *dir = xstrdup(full);
    char *slash = strrchr(dir, '/');
    if (!slash) {
        free(dir);
        return;
    }
    *slash = '\0';
    const char *base = slash + 1;
    size_t blen = strlen(base);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, base, blen) || strncmp(e->d_name + blen, ".tmp.", 5))
            continue;
        char *end;
        long pid = strtol(e->d_name + blen + 5, &end, 10);
        if (*end || end == e->d_name + blen + 5 || repo_pid_alive(pid))
            continue;
        char *tmp = fs_join(dir, e->d_name);
        unlink(tmp);
        free(tmp);
    }
    if (d)
        closedir(d);
    free(dir);
}

/*
 * Before the commit: the paths it changes and the commit it builds on ("base <hex>", or
 * "base none"), so that repo_finish_worktree can tell whether the commit happened.
 */
static int write_worktree_marker(struct journal_repo *repo, const git_commit *parent,
                                 const struct repo_change *changes, size_t nchanges)
{
    struct strbuf list = STRBUF_INIT;
    char hex[GIT_OID_HEXSZ + 1] = "none";
    if (parent)
        git_oid_tostr(hex, sizeof(hex), git_commit_id(parent));
    strbuf_addf(&list, "base %s\n", hex);
    for (size_t i = 0; i < nchanges; i++)
        strbuf_addf(&list, "%s\n", changes[i].path);
    char *marker = worktree_marker(repo);
    int rc = fs_mkdirs(repo->state_dir);
    if (!rc)
        rc = fs_write_atomic(marker, list.buf, list.len);
    strbuf_release(&list);
    free(marker);
    return rc;
}

static int write_work_tree(struct journal_repo *repo, const struct repo_change *changes,
                           size_t nchanges)
{
    int rc = 0;
    char *marker = worktree_marker(repo);
    git_index *index = NULL;
    if (git_repository_index(&index, repo->git) < 0) {
        free(marker);
        return repo_git_error("cannot open git's index");
    }
    for (size_t i = 0; i < nchanges && !rc; i++) {
        char *full = fs_join(repo->root, changes[i].path);
        if (changes[i].remove) {
            if (unlink(full) < 0 && errno != ENOENT)
                rc = error_errno("cannot remove %s", full);
            else if (git_index_remove_bypath(index, changes[i].path) < 0)
                rc = repo_git_error(changes[i].path);
        } else {
            char *dir = xstrdup(full);
            *strrchr(dir, '/') = '\0';
            rc = fs_mkdirs(dir);
            free(dir);
            if (!rc)
                rc = fs_write_atomic(full, changes[i].data, changes[i].len);
            if (!rc && git_index_add_bypath(index, changes[i].path) < 0)
                rc = repo_git_error(changes[i].path);
        }
        free(full);
        repo_crash_point("mid-worktree");
    }
    repo_crash_point("before-index");
    if (!rc && git_index_write(index) < 0)
        rc = repo_git_error("cannot write git's index");
    git_index_free(index);
    if (!rc && unlink(marker) < 0 && errno != ENOENT)
        rc = error_errno("cannot remove %s", marker);
    free(marker);
    return rc;
}

/* The marker's paths and its base commit ("none" or 40 hex digits; caller frees). */
static int read_worktree_marker(struct journal_repo *repo, char ***paths, size_t *count,
                                char **base, bool *exists)
{
    *paths = NULL;
    *count = 0;
    *base = NULL;
    *exists = false;
    char *marker = worktree_marker(repo);
    struct strbuf text = STRBUF_INIT;
    int rc = fs_read_file(marker, &text);
    free(marker);
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        strbuf_release(&text);
        return 0;
    }
    *exists = !rc;
    size_t alloc = 0;
    for (char *p = text.buf; !rc && p && *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (!*base && len > 5 && !strncmp(p, "base ", 5)) {
            *base = xstrndup(p + 5, len - 5);
        } else if (len) {
            ARRAY_GROW(*paths, *count + 1, alloc);
            (*paths)[(*count)++] = xstrndup(p, len);
        }
        p = nl ? nl + 1 : NULL;
    }
    strbuf_release(&text);
    return rc;
}

/* Whether HEAD is still the commit base names: then the interrupted commit never happened. */
static bool head_is(struct journal_repo *repo, const char *base)
{
    git_oid head;
    char hex[GIT_OID_HEXSZ + 1] = "none";
    if (git_reference_name_to_id(&head, repo->git, "HEAD") == 0)
        git_oid_tostr(hex, sizeof(hex), &head);
    git_error_clear();
    return base && !strcmp(base, hex);
}

/*
 * The lock files libgit2 leaves when killed while writing git's index or moving the
 * branch. Called only when the marker says a journal writer died in its commit, with the
 * journal's lock held: they are that writer's.
 */
static void remove_git_locks(struct journal_repo *repo)
{
    const char *gitdir = git_repository_path(repo->git);
    char *path = fs_join(gitdir, "index.lock");
    unlink(path);
    free(path);
    path = fs_join(gitdir, "HEAD.lock");
    unlink(path);
    free(path);
    git_reference *head = NULL;
    if (git_reference_lookup(&head, repo->git, "HEAD") == 0 &&
        git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
        char *ref = xasprintf("%s.lock", git_reference_symbolic_target(head));
        if (fs_is_safe_relative(ref)) {
            path = fs_join(gitdir, ref);
            unlink(path);
            free(path);
        }
        free(ref);
    }
    git_reference_free(head);
    git_error_clear();
}

int repo_worktree_pending(struct journal_repo *repo, char ***paths, size_t *count)
{
    char *base = NULL;
    bool exists;
    int rc = read_worktree_marker(repo, paths, count, &base, &exists);
    if (!rc && exists && head_is(repo, base)) {
        /* Killed before its commit: the work tree was never touched. */
        for (size_t i = 0; i < *count; i++)
            free((*paths)[i]);
        free(*paths);
        *paths = NULL;
        *count = 0;
    }
    free(base);
    return rc;
}

int repo_finish_worktree(struct journal_repo *repo, size_t *fixed)
{
    char **paths = NULL, *base = NULL;
    size_t n = 0;
    bool exists;
    if (fixed)
        *fixed = 0;
    int rc = read_worktree_marker(repo, &paths, &n, &base, &exists);
    if (rc || !exists) {
        free(base);
        return rc;
    }
    remove_git_locks(repo);
    /* Killed before its commit: nothing to write, only its temporary files to remove. */
    bool committed = !head_is(repo, base);
    free(base);
    git_tree *head = NULL;
    git_index *index = NULL;
    rc = repo_head_tree(repo, &head);
    if (!rc && git_repository_index(&index, repo->git) < 0)
        rc = repo_git_error("cannot open git's index");
    for (size_t i = 0; i < n && !rc; i++) {
        if (!fs_is_safe_relative(paths[i]))
            continue;
        char *full = fs_join(repo->root, paths[i]);
        if (!committed) {
            remove_dead_temp_files(full);
            free(full);
            continue;
        }
        struct strbuf data = STRBUF_INIT;
        int r = repo_read_from_tree(repo->git, head, paths[i], &data, NULL);
        if (r == JOURNAL_EINPUT) {
            error_clear();
            if (unlink(full) < 0 && errno != ENOENT)
                rc = error_errno("cannot remove %s", full);
            else if (git_index_remove_bypath(index, paths[i]) < 0)
                rc = repo_git_error(paths[i]);
        } else if (r) {
            rc = r;
        } else {
            rc = fs_mkdirs_parent(full);
            if (!rc)
                rc = fs_write_atomic(full, data.buf ? data.buf : "", data.len);
            if (!rc && git_index_add_bypath(index, paths[i]) < 0)
                rc = repo_git_error(paths[i]);
        }
        if (!rc) {
            remove_dead_temp_files(full);
            if (fixed)
                (*fixed)++;
        }
        strbuf_release(&data);
        free(full);
    }
    if (!rc && committed && git_index_write(index) < 0)
        rc = repo_git_error("cannot write git's index");
    if (!rc) {
        char *marker = worktree_marker(repo);
        unlink(marker);
        free(marker);
    }
    git_index_free(index);
    git_tree_free(head);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
    return rc;
}

int repo_commit(struct journal_repo *repo, const struct repo_change *changes, size_t nchanges,
                const char *message, git_oid *commit_id)
{
    git_tree *base = NULL, *tree = NULL;
    git_commit *parent = NULL;
    git_signature *sig = NULL;
    git_tree_update *updates = xcalloc(nchanges ? nchanges : 1, sizeof(*updates));
    git_oid tree_id, oid;
    int rc = 0;
    /* Refused before anything is written: each path stays in the work tree, through no link. */
    for (size_t i = 0; i < nchanges && !rc; i++)
        rc = fs_check_no_links(repo->root, changes[i].path);
    if (!rc)
        rc = repo_head_tree(repo, &base);
    if (rc)
        goto done;
    if (!base) {
        /* The first commit builds on the empty tree. */
        git_treebuilder *tb = NULL;
        if (git_treebuilder_new(&tb, repo->git, NULL) < 0 || git_treebuilder_write(&oid, tb) < 0 ||
            git_tree_lookup(&base, repo->git, &oid) < 0) {
            git_treebuilder_free(tb);
            rc = repo_git_error("cannot create the first tree");
            goto done;
        }
        git_treebuilder_free(tb);
    }
    for (size_t i = 0; i < nchanges; i++) {
        updates[i].path = changes[i].path;
        if (changes[i].remove) {
            updates[i].action = GIT_TREE_UPDATE_REMOVE;
            continue;
        }
        updates[i].action = GIT_TREE_UPDATE_UPSERT;
        updates[i].filemode = GIT_FILEMODE_BLOB;
        if (git_blob_create_from_buffer(&updates[i].id, repo->git, changes[i].data,
                                        changes[i].len) < 0) {
            rc = repo_git_error(changes[i].path);
            goto done;
        }
    }
    if (git_tree_create_updated(&tree_id, repo->git, base, nchanges, updates) < 0 ||
        git_tree_lookup(&tree, repo->git, &tree_id) < 0) {
        rc = repo_git_error("cannot build the new tree");
        goto done;
    }
    if (git_revparse_single((git_object **)&parent, repo->git, "HEAD^{commit}") < 0) {
        git_error_clear();
        parent = NULL;
    }
    if (make_signature(repo->git, &sig) < 0) {
        rc = repo_git_error("cannot make a commit signature");
        goto done;
    }
    const git_commit *parents[1] = {parent};
    char *full_message = NULL;
    if (repo->trailer) {
        size_t len = strlen(message);
        while (len && message[len - 1] == '\n')
            len--;
        full_message = xasprintf("%.*s\n\n%s\n", (int)len, message, repo->trailer);
    }
    rc = write_worktree_marker(repo, parent, changes, nchanges);
    if (rc) {
        free(full_message);
        goto done;
    }
    repo_crash_point("before-commit");
    int err =
        git_commit_create(&oid, repo->git, "HEAD", sig, sig, "UTF-8",
                          full_message ? full_message : message, tree, parent ? 1 : 0, parents);
    free(full_message);
    if (err < 0) {
        rc = repo_git_error("cannot commit");
        char *marker = worktree_marker(repo);
        unlink(marker);
        free(marker);
        goto done;
    }
    repo_crash_point("after-commit");
    if (commit_id)
        git_oid_cpy(commit_id, &oid);
    rc = write_work_tree(repo, changes, nchanges);
done:
    free(updates);
    git_signature_free(sig);
    git_commit_free(parent);
    git_tree_free(tree);
    git_tree_free(base);
    return rc;
}

int repo_init(const char *dir, const char *title, const struct repo_change *files, size_t nfiles,
              char commit_hex[GIT_OID_HEXSZ + 1])
{
    char *config_path = fs_join(dir, "journal.yaml");
    bool exists = fs_exists(config_path);
    free(config_path);
    if (exists)
        return error_input("%s already holds a journal (journal.yaml exists)", dir);
    if (fs_exists(dir) && !fs_is_dir(dir))
        return error_input("%s exists and is not a folder", dir);
    git_repository *probe = NULL;
    if (git_repository_open(&probe, dir) == 0) {
        bool has_commits = !git_repository_is_empty(probe);
        git_repository_free(probe);
        if (has_commits)
            return error_input("%s is a git repository with history but no journal.yaml; "
                               "make the journal in a new folder",
                               dir);
    }
    git_error_clear();
    int rc = fs_mkdirs(dir);
    if (rc)
        return rc;

    struct journal_repo *repo = xcalloc(1, sizeof(*repo));
    struct strbuf config = STRBUF_INIT;
    struct repo_change *changes = xcalloc(nfiles + 5, sizeof(*changes));
    static const char roster[] =
        "# The journal's reviewers: see 'The reviewer roster' in journal's README.\n"
        "# One entry per reviewer, for example:\n"
        "#\n"
        "#  - id: asel-bekova\n"
        "#    name: Asel Bekova\n"
        "#    email: a.bekova@example.org\n"
        "#    affiliation: {name: Almaty School of Public Administration, country: KZ}\n"
        "#    languages: [en, ru]\n"
        "#    keywords: [merit recruitment, civil-service HR]\n"
        "#    capacity: 3\n"
        "reviewers: []\n";
    static const char gitignore[] = "# journal's index and lock, rebuilt from git\n/.journal/\n"
                                    "# the rendered site\n/_site/\n";
    repo->lock_fd = -1;
    if (git_repository_init(&repo->git, dir, 0) < 0) {
        rc = repo_git_error(dir);
        goto done;
    }
    repo->root = xstrdup(git_repository_workdir(repo->git));
    repo->root[strlen(repo->root) - 1] = '\0';
    repo->state_dir = fs_join(repo->root, ".journal");
    config_write_default(&config, title);
    rc = config_parse(&repo->config, "journal.yaml", config.buf, config.len, NULL);
    if (rc)
        goto done;
    size_t n = 0;
    changes[n++] = (struct repo_change){"journal.yaml", config.buf, config.len, false};
    changes[n++] = (struct repo_change){".gitignore", gitignore, sizeof(gitignore) - 1, false};
    changes[n++] = (struct repo_change){"reviewers.yaml", roster, sizeof(roster) - 1, false};
    changes[n++] = (struct repo_change){"submissions/.gitkeep", "", 0, false};
    changes[n++] = (struct repo_change){"issues/.gitkeep", "", 0, false};
    for (size_t i = 0; i < nfiles; i++)
        changes[n++] = files[i];
    char *message = xasprintf("Create journal: %s", title);
    git_oid commit;
    rc = repo_commit(repo, changes, n, message, &commit);
    free(message);
    if (!rc)
        git_oid_tostr(commit_hex, GIT_OID_HEXSZ + 1, &commit);
done:
    free(changes);
    strbuf_release(&config);
    repo_free(repo);
    return rc;
}

int repo_uncommitted(struct journal_repo *repo, size_t *count, char **first)
{
    static char *paths[] = {"journal.yaml", "reviewers.yaml", "submissions", "issues", "themes"};
    git_status_options opts;
    git_status_list *list = NULL;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    *count = 0;
    *first = NULL;
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    opts.pathspec.strings = paths;
    opts.pathspec.count = sizeof(paths) / sizeof(*paths);
    if (git_status_list_new(&list, repo->git, &opts) < 0)
        return repo_git_error("cannot compare the work tree with HEAD");
    *count = git_status_list_entrycount(list);
    if (*count) {
        const git_status_entry *e = git_status_byindex(list, 0);
        const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
        if (d)
            *first = xstrdup(d->new_file.path ? d->new_file.path : d->old_file.path);
    }
    git_status_list_free(list);
    return 0;
}

void repo_blob_id(const void *data, size_t len, char hex[GIT_OID_HEXSZ + 1])
{
    git_oid oid;
    git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB);
    git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &oid);
}

int repo_read_blob(struct journal_repo *repo, const char *hex, struct strbuf *out)
{
    git_oid oid;
    git_blob *blob = NULL;
    if (git_oid_fromstr(&oid, hex) < 0 || git_blob_lookup(&blob, repo->git, &oid) < 0) {
        git_error_clear();
        return error_input("no blob %s in the repository", hex);
    }
    strbuf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    return 0;
}

char *repo_actor(struct journal_repo *repo)
{
    git_signature *sig = NULL;
    if (make_signature(repo->git, &sig) < 0) {
        git_error_clear();
        return xstrdup("journal");
    }
    char *name = xstrdup(sig->name);
    git_signature_free(sig);
    return name;
}
