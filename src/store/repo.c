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
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
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

/*
 * Hooks for tests/cli/test_concurrent_workflow.sh, which orders processes by
 * them instead of by sleeping (a sleep long enough on a quiet machine is too
 * short on a loaded one). JOURNAL_TEST_LOCK_EVENTS=FIFO: "waiting PID" is
 * written to FIFO when a writer first finds the lock taken, "locked PID" when
 * repo_lock has it. JOURNAL_TEST_LOCK_HOLD=FIFO: the first repo_lock of the
 * process, once it holds the lock, reads a line from FIFO before it goes on,
 * so that the test decides when the holder lets the others in. The test keeps
 * both FIFOs open for reading and writing, so that no open here blocks.
 */
static void lock_event(const char *what)
{
    const char *fifo = getenv("JOURNAL_TEST_LOCK_EVENTS");
    if (!fifo || !*fifo)
        return;
    int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return;
    char line[64];
    int n = snprintf(line, sizeof(line), "%s %ld\n", what, (long)getpid());
    if (write(fd, line, (size_t)n) < 0) {
        /* The test reads what it waits for; nothing to do without it. */
    }
    close(fd);
}

static void lock_hold_for_test(void)
{
    static bool held;
    const char *fifo = getenv("JOURNAL_TEST_LOCK_HOLD");
    if (!fifo || !*fifo || held)
        return;
    held = true;
    int fd = open(fifo, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    char c;
    ssize_t n;
    while ((n = read(fd, &c, 1)) > 0 ? c != '\n' : n < 0 && errno == EINTR)
        ;
    close(fd);
}

int repo_lock(struct journal_repo *repo, int timeout_ms)
{
    const char *env = getenv("JOURNAL_LOCK_TIMEOUT");
    if (env && *env)
        timeout_ms = atoi(env) * 1000;
    bool had = repo->lock_fd >= 0;
    int rc = take_lock(repo, timeout_ms, false);
    if (!rc && !had) {
        lock_event("locked");
        lock_hold_for_test();
    }
    return rc;
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
        if (!waited)
            lock_event("waiting");
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

int repo_find_commit_with_line(struct journal_repo *repo, const char *line, long long since,
                               char hex[GIT_OID_HEXSZ + 1], char **message)
{
    git_revwalk *walk = NULL;
    git_oid oid;
    hex[0] = '\0';
    if (message)
        *message = NULL;
    if (git_revwalk_new(&walk, repo->git) < 0)
        return repo_git_error("cannot walk the history");
    git_revwalk_sorting(walk, GIT_SORT_TIME);
    if (git_revwalk_push_head(walk) < 0) {
        /* No commits at all: nothing was committed. */
        git_error_clear();
        git_revwalk_free(walk);
        return 0;
    }
    char *needle = xasprintf("\n%s\n", line);
    int rc = 0, err;
    while ((err = git_revwalk_next(&oid, walk)) == 0) {
        git_commit *c = NULL;
        if (git_commit_lookup(&c, repo->git, &oid) < 0) {
            rc = repo_git_error("cannot read a commit");
            break;
        }
        /* Clocks differ a little between processes; commits well before `since` are not it. */
        bool older = git_commit_time(c) < (git_time_t)since - 600;
        const char *msg = git_commit_message(c);
        bool found = msg && strstr(msg, needle);
        if (found) {
            git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &oid);
            if (message)
                *message = xstrdup(msg);
        }
        git_commit_free(c);
        if (found || older)
            break;
    }
    if (err < 0 && err != GIT_ITEROVER && !rc)
        rc = repo_git_error("cannot walk the history");
    git_error_clear();
    free(needle);
    git_revwalk_free(walk);
    return rc;
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

/* "<path>.tmp.<pid>[.<n>]" of a process that is gone: what fs_write_atomic leaves when killed. */
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
        long pid;
        if (!fs_temp_pid(e->d_name + blen + 5, &pid) || repo_pid_alive(pid))
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
    /* The repository keeps the index it read once; a long-lived one (journal serve's threads)
       would write back a copy without what another commit staged since. Read again only when
       the file changed. */
    if (git_index_read(index, 0) < 0) {
        git_index_free(index);
        free(marker);
        return repo_git_error("cannot read git's index");
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
    /* The repository keeps the index it read once: what another commit (or another process)
       wrote since is read again. */
    if (!rc && git_index_read(index, 0) < 0)
        rc = repo_git_error("cannot read git's index");
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

int repo_init(const char *dir, const char *title, const char *base_url,
              const struct repo_change *files, size_t nfiles, char commit_hex[GIT_OID_HEXSZ + 1])
{
    if (base_url && strncmp(base_url, "https://", 8) && strncmp(base_url, "http://", 7))
        return error_usage("--base-url must start with https:// or http:// (the address where "
                           "the journal's site will be published)");
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
        "# The journal's reviewers: see docs/reviewers.md#the-roster in journal's source.\n"
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
    config_write_default(&config, title, base_url);
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

/*
 * ---- uncommitted changes ----
 *
 * libgit2's status compares HEAD, git's index and the work tree; at 100,000
 * articles it reads every tree of HEAD and every folder of the work tree, and
 * hashes again, on every build, each file whose stat data git's index cannot
 * vouch for (it never writes what it learnt back, as `git status` does). So
 * a quicker look comes first, which can only prove that nothing changed: the
 * trees git's index describes, hashed in memory, against HEAD's; each file's
 * stat data against the index's (a file it cannot vouch for is hashed, through
 * git's filters, and its stat data written back to the index, under the
 * journal's lock, when the index is still the one that was read); each folder
 * read for files git does not know. Whatever it is unsure of, libgit2's status
 * settles and counts.
 */

static const char *const watched[] = {"journal.yaml", "reviewers.yaml", "submissions", "issues",
                                      "themes"};
#define NWATCHED (sizeof(watched) / sizeof(*watched))

struct refresh {
    char *path;
    struct stat st;
};

/* A name in a folder of git's index (within an entry's path). */
struct child {
    const char *name;
    size_t len;
};

struct quick_look {
    struct journal_repo *repo;
    git_index *index;
    size_t nentries;
    struct timespec written; /* the index file's mtime, taken before it was read */
    time_t now;
    struct strbuf full; /* repo->root + "/" + the path at hand */
    size_t root_len;
    bool changed; /* found something changed, or something it cannot judge */
    struct refresh *refresh;
    size_t nrefresh, refresh_alloc;
    /* Folders read before and found to hold only what git's index has (sorted by path), and
       those this look found so (in the order looked at). */
    struct folder_record *folders;
    size_t nfolders;
    struct folder_record *seen;
    size_t nseen, seen_alloc;
    size_t reused;         /* records of folders found unchanged */
    struct timespec stamp; /* the file system's time before the look, or zero */
    int root_fd;           /* the work tree, open, or -1 */
};

/*
 * A folder of the work tree known to hold nothing but the entries git's index had for it
 * (their names' hash): while its stat data stay the same and the index has the same names
 * there, nothing was added to it, and it need not be read again. Kept in
 * .journal/worktree-folders, a cache like the index: deleting it only means reading every
 * folder once more.
 */
struct folder_record {
    char *path; /* relative to the work tree, ending in '/' */
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    uint64_t ino, dev, names;
};

/* The stat data and names' hash are read, written and compared as seven numbers in a row. */
_Static_assert(offsetof(struct folder_record, names) - offsetof(struct folder_record, mtime_sec) ==
                   6 * sizeof(uint64_t),
               "a folder record's numbers are contiguous");

#define FOLDERS_FILE "worktree-folders"
#define FOLDERS_HEAD "journal worktree folders 1\n"

static int compare_folder_record(const void *x, const void *y)
{
    return strcmp(((const struct folder_record *)x)->path, ((const struct folder_record *)y)->path);
}

static void free_folder_records(struct folder_record *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].path);
    free(list);
}

/* The records of the last look; none when the file is missing or not one of them. */
static void load_folder_records(struct quick_look *q)
{
    char *path = fs_join(q->repo->state_dir, FOLDERS_FILE);
    struct strbuf data = STRBUF_INIT;
    int rc = fs_read_file(path, &data);
    free(path);
    error_clear();
    size_t head = strlen(FOLDERS_HEAD), alloc = 0, at = head;
    bool ok = !rc && data.len >= head && !memcmp(data.buf, FOLDERS_HEAD, head);
    while (ok && at < data.len) {
        uint32_t len;
        struct folder_record r;
        size_t fixed = 7 * sizeof(uint64_t);
        ok = data.len - at >= sizeof(len);
        if (ok)
            memcpy(&len, data.buf + at, sizeof(len));
        ok = ok && data.len - at - sizeof(len) >= (size_t)len + fixed && len > 0;
        if (!ok)
            break;
        at += sizeof(len);
        r.path = xstrndup(data.buf + at, len);
        at += len;
        memcpy(&r.mtime_sec, data.buf + at, fixed);
        at += fixed;
        /* Written sorted and without NULs: anything else is not this file. */
        ok = strlen(r.path) == len && r.path[len - 1] == '/' &&
             (!q->nfolders || strcmp(q->folders[q->nfolders - 1].path, r.path) < 0);
        if (!ok) {
            free(r.path);
            break;
        }
        ARRAY_GROW(q->folders, q->nfolders + 1, alloc);
        q->folders[q->nfolders++] = r;
    }
    if (!ok) {
        free_folder_records(q->folders, q->nfolders);
        q->folders = NULL;
        q->nfolders = 0;
    }
    strbuf_release(&data);
}

/* Write the records of this look, when they differ from the last one's (temp + rename). */
static void save_folder_records(struct quick_look *q, int fd, const char *tmp)
{
    bool same = q->nseen == q->nfolders && q->reused == q->nfolders;
    bool ok = fd >= 0 && !same;
    if (ok) {
        qsort(q->seen, q->nseen, sizeof(*q->seen), compare_folder_record);
        struct strbuf out = STRBUF_INIT;
        strbuf_addstr(&out, FOLDERS_HEAD);
        for (size_t i = 0; i < q->nseen; i++) {
            uint32_t len = (uint32_t)strlen(q->seen[i].path);
            strbuf_add(&out, &len, sizeof(len));
            strbuf_add(&out, q->seen[i].path, len);
            strbuf_add(&out, &q->seen[i].mtime_sec, 7 * sizeof(uint64_t));
        }
        size_t done = 0;
        while (ok && done < out.len) {
            ssize_t n = write(fd, out.buf + done, out.len - done);
            ok = n > 0 || (n < 0 && errno == EINTR);
            done += n > 0 ? (size_t)n : 0;
        }
        strbuf_release(&out);
        char *path = fs_join(q->repo->state_dir, FOLDERS_FILE);
        ok = ok && close(fd) == 0 && rename(tmp, path) == 0;
        fd = -1;
        free(path);
    }
    if (fd >= 0)
        close(fd);
    if (!ok)
        unlink(tmp);
}

static uint64_t names_hash(const struct child *children, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < children[i].len; k++)
            h = (h ^ (unsigned char)children[i].name[k]) * 1099511628211u;
        h = (h ^ '/') * 1099511628211u;
    }
    return h;
}

static bool before_stamp(const struct quick_look *q, int64_t sec, int64_t nsec)
{
    return q->stamp.tv_sec &&
           (sec < q->stamp.tv_sec || (sec == q->stamp.tv_sec && nsec < q->stamp.tv_nsec));
}

static void look_path(struct quick_look *q, const char *path, size_t len)
{
    strbuf_setlen(&q->full, q->root_len);
    strbuf_add(&q->full, path, len);
}

/* lstat of a path of the work tree: through a handle on the work tree when there is one, which
   spares the kernel the work tree's own path every time. */
static int look_lstat(struct quick_look *q, const char *path, size_t len, struct stat *st)
{
    look_path(q, path, len);
    if (q->root_fd < 0)
        return lstat(q->full.buf, st);
    return fstatat(q->root_fd, q->full.buf + q->root_len, st, AT_SYMLINK_NOFOLLOW);
}

static bool before_index(const struct quick_look *q, const struct timespec *t)
{
    return t->tv_sec < q->written.tv_sec ||
           (t->tv_sec == q->written.tv_sec && t->tv_nsec < q->written.tv_nsec);
}

/* One file of git's index against the work tree. */
static void check_file(struct quick_look *q, const git_index_entry *e)
{
    if (e->mode != GIT_FILEMODE_BLOB && e->mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
        q->changed = true; /* links and submodules: libgit2 judges */
        return;
    }
    struct stat st;
    if (look_lstat(q, e->path, strlen(e->path), &st) < 0 || !S_ISREG(st.st_mode) ||
        !(st.st_mode & S_IXUSR) != (e->mode == GIT_FILEMODE_BLOB)) {
        q->changed = true;
        return;
    }
    /* Changed within the tick the index was written: its stat data proves nothing. */
    bool same = (uint32_t)st.st_size == e->file_size && st.st_mtim.tv_sec == e->mtime.seconds &&
                (uint32_t)st.st_mtim.tv_nsec == e->mtime.nanoseconds &&
                st.st_ctim.tv_sec == e->ctime.seconds &&
                (uint32_t)st.st_ctim.tv_nsec == e->ctime.nanoseconds &&
                (uint32_t)st.st_ino == e->ino && (uint32_t)st.st_dev == e->dev &&
                st.st_uid == e->uid && st.st_gid == e->gid && before_index(q, &st.st_mtim) &&
                before_index(q, &st.st_ctim);
    if (same)
        return;
    git_oid id;
    if (git_repository_hashfile(&id, q->repo->git, e->path, GIT_OBJECT_BLOB, NULL) < 0) {
        git_error_clear();
        q->changed = true;
        return;
    }
    struct stat after;
    if (!git_oid_equal(&id, &e->id) || look_lstat(q, e->path, strlen(e->path), &after) < 0 ||
        after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec ||
        after.st_ctim.tv_sec != st.st_ctim.tv_sec || after.st_ctim.tv_nsec != st.st_ctim.tv_nsec ||
        after.st_size != st.st_size) {
        q->changed = true;
        return;
    }
    /* The same content: the index may learn the file's stat data, as `git status` does, once
       a change within the same tick of the file system's clock can no longer go unseen (two
       seconds, for the coarsest clocks); a file changed since is hashed again next time. */
    if (st.st_mtim.tv_sec + 2 < q->now && st.st_ctim.tv_sec + 2 < q->now) {
        ARRAY_GROW(q->refresh, q->nrefresh + 1, q->refresh_alloc);
        q->refresh[q->nrefresh++] = (struct refresh){xstrdup(e->path), st};
    }
}

static void check_unknown_entry(struct quick_look *q, const char *path);

/* A file or folder git does not know: whether `git status` would show anything of it. */
static void check_unknown(struct quick_look *q, const char *path, size_t len, bool is_dir)
{
    char *rel = xstrndup(path, len);
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, q->repo->git, rel) < 0) {
        git_error_clear();
        ignored = 0;
    }
    if (!ignored && !is_dir) {
        q->changed = true;
    } else if (!ignored) {
        /* A folder of folders only is not shown: look for a file in it. */
        look_path(q, path, len);
        DIR *d = opendir(q->full.buf);
        struct dirent *de;
        while (d && !q->changed && (de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char *sub = xasprintf("%s/%s", rel, de->d_name);
            check_unknown_entry(q, sub);
            free(sub);
        }
        if (d)
            closedir(d);
        else
            q->changed = true;
    }
    free(rel);
}

/* An entry of a folder, at path, that git's index does not have. */
static void check_unknown_entry(struct quick_look *q, const char *path)
{
    size_t len = strlen(path);
    struct stat st;
    if (look_lstat(q, path, len, &st) < 0)
        q->changed = true;
    else
        check_unknown(q, path, len, S_ISDIR(st.st_mode));
}

static int compare_child(const void *x, const void *y)
{
    const struct child *a = x, *b = y;
    int c = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/*
 * The folder prefix (plen bytes, ending in '/') of the index entries from *at on: their tree's
 * id into *tree (as git would write it), each file checked, and the folder in the work tree
 * read for entries git does not know.
 */
static void look_folder(struct quick_look *q, size_t *at, const char *prefix, size_t plen,
                        git_oid *tree)
{
    struct strbuf content = STRBUF_INIT;
    struct child *children = NULL;
    size_t nchildren = 0, alloc = 0;
    while (*at < q->nentries && !q->changed) {
        const git_index_entry *e = git_index_get_byindex(q->index, *at);
        if (strncmp(e->path, prefix, plen))
            break;
        const char *name = e->path + plen;
        const char *slash = strchr(name, '/');
        size_t len = slash ? (size_t)(slash - name) : strlen(name);
        ARRAY_GROW(children, nchildren + 1, alloc);
        children[nchildren++] = (struct child){name, len};
        git_oid id;
        if (slash) {
            look_folder(q, at, e->path, plen + len + 1, &id);
            strbuf_addf(&content, "40000 %.*s", (int)len, name);
        } else {
            check_file(q, e);
            id = e->id;
            strbuf_addf(&content, "%o %s", e->mode, name);
            (*at)++;
        }
        strbuf_addch(&content, '\0');
        strbuf_add(&content, id.id, GIT_OID_RAWSZ);
    }
    if (!q->changed)
        git_odb_hash(tree, content.buf, content.len, GIT_OBJECT_TREE);
    strbuf_release(&content);
    /* What the folder holds that the index does not, unless the folder is as it was when it
       held nothing else. */
    struct stat dst;
    struct folder_record now = {NULL, 0, 0, 0, 0, 0, 0, names_hash(children, nchildren)};
    if (!q->changed) {
        if (look_lstat(q, prefix, plen - 1, &dst) < 0 || !S_ISDIR(dst.st_mode))
            q->changed = true;
        now.mtime_sec = dst.st_mtim.tv_sec;
        now.mtime_nsec = dst.st_mtim.tv_nsec;
        now.ctime_sec = dst.st_ctim.tv_sec;
        now.ctime_nsec = dst.st_ctim.tv_nsec;
        now.ino = (uint64_t)dst.st_ino;
        now.dev = (uint64_t)dst.st_dev;
    }
    bool unchanged = false;
    if (!q->changed && q->nfolders) {
        char *key = xstrndup(prefix, plen);
        struct folder_record k = {.path = key};
        const struct folder_record *r =
            bsearch(&k, q->folders, q->nfolders, sizeof(*q->folders), compare_folder_record);
        unchanged = r && !memcmp(&r->mtime_sec, &now.mtime_sec, 7 * sizeof(uint64_t));
        q->reused += unchanged;
        free(key);
    }
    bool only_known = true;
    if (!q->changed && !unchanged) {
        qsort(children, nchildren, sizeof(*children), compare_child);
        DIR *d = opendir(q->full.buf);
        struct dirent *de;
        char *path = NULL;
        while (d && !q->changed && (de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            struct child key = {de->d_name, strlen(de->d_name)};
            if (nchildren && bsearch(&key, children, nchildren, sizeof(*children), compare_child))
                continue;
            only_known = false;
            free(path);
            path = xasprintf("%.*s%s", (int)plen, prefix, de->d_name);
            check_unknown_entry(q, path);
        }
        free(path);
        if (d)
            closedir(d);
        else
            q->changed = true;
    }
    /* Recorded when it holds only what the index has, and changed before the look began (a
       change within the same tick could otherwise go unseen). */
    if (!q->changed && only_known &&
        (unchanged || (before_stamp(q, now.mtime_sec, now.mtime_nsec) &&
                       before_stamp(q, now.ctime_sec, now.ctime_nsec)))) {
        now.path = xstrndup(prefix, plen);
        ARRAY_GROW(q->seen, q->nseen + 1, q->seen_alloc);
        q->seen[q->nseen++] = now;
    }
    free(children);
}

/* Whether each watched path is in the work tree and the index as it is in HEAD. */
static void look_everywhere(struct quick_look *q, git_tree *head)
{
    for (size_t w = 0; w < NWATCHED && !q->changed; w++) {
        const char *name = watched[w];
        size_t len = strlen(name);
        const git_tree_entry *committed = head ? git_tree_entry_byname(head, name) : NULL;
        /* The index's entry for name, or the first one under name/. */
        size_t at = 0;
        char *folder = xasprintf("%s/", name);
        bool as_file = git_index_find(&at, q->index, name) == 0;
        if (!as_file && git_index_find_prefix(&at, q->index, folder) < 0)
            at = q->nentries;
        git_error_clear();
        if (as_file) {
            const git_index_entry *e = git_index_get_byindex(q->index, at);
            check_file(q, e);
            if (!committed || git_tree_entry_type(committed) != GIT_OBJECT_BLOB ||
                !git_oid_equal(git_tree_entry_id(committed), &e->id) ||
                (uint32_t)git_tree_entry_filemode(committed) != e->mode)
                q->changed = true;
        } else if (at < q->nentries) {
            git_oid tree;
            look_folder(q, &at, folder, len + 1, &tree);
            if (!q->changed && (!committed || git_tree_entry_type(committed) != GIT_OBJECT_TREE ||
                                !git_oid_equal(git_tree_entry_id(committed), &tree)))
                q->changed = true;
        } else {
            /* Not in the index: not in HEAD either, and nothing of it in the work tree. */
            struct stat st;
            look_path(q, name, len);
            if (committed)
                q->changed = true;
            else if (lstat(q->full.buf, &st) == 0)
                check_unknown(q, name, len, S_ISDIR(st.st_mode));
            else if (errno != ENOENT)
                q->changed = true;
        }
        free(folder);
    }
}

/* The stat data the quick look learnt, into git's index: only under the journal's lock (the
   journal's writers write the index under it) and only into the index that was read. */
static void write_refreshed(struct quick_look *q, const char *index_path)
{
    if (!q->nrefresh || take_lock(q->repo, 0, true)) {
        error_clear();
        return;
    }
    git_index *now = NULL;
    if (git_index_open(&now, index_path) == 0 &&
        git_oid_equal(git_index_checksum(now), git_index_checksum(q->index))) {
        bool ok = true;
        for (size_t i = 0; ok && i < q->nrefresh; i++) {
            const git_index_entry *e = git_index_get_bypath(now, q->refresh[i].path, 0);
            if (!e)
                continue;
            const struct stat *st = &q->refresh[i].st;
            git_index_entry updated = *e;
            updated.ctime.seconds = (int32_t)st->st_ctim.tv_sec;
            updated.ctime.nanoseconds = (uint32_t)st->st_ctim.tv_nsec;
            updated.mtime.seconds = (int32_t)st->st_mtim.tv_sec;
            updated.mtime.nanoseconds = (uint32_t)st->st_mtim.tv_nsec;
            updated.dev = (uint32_t)st->st_dev;
            updated.ino = (uint32_t)st->st_ino;
            updated.uid = st->st_uid;
            updated.gid = st->st_gid;
            updated.file_size = (uint32_t)st->st_size;
            ok = git_index_add(now, &updated) == 0;
        }
        if (ok)
            git_index_write(now);
    }
    git_error_clear();
    git_index_free(now);
    repo_unlock(q->repo);
}

/* True when the quick look proves that nothing watched differs from HEAD. */
static bool quick_look(struct journal_repo *repo)
{
    if (git_repository_is_bare(repo->git))
        return false;
    char *index_path = xasprintf("%sindex", git_repository_path(repo->git));
    struct quick_look q = {.repo = repo, .full = STRBUF_INIT, .root_fd = -1};
    git_tree *head = NULL;
    char *tmp = NULL;
    int fd = -1;
    struct stat st;
    bool clean = false;
    /* The index's time first: an index written after it only makes more entries look racy. */
    if (stat(index_path, &st) < 0 || git_index_open(&q.index, index_path) < 0 ||
        git_index_has_conflicts(q.index) || repo_head_tree(repo, &head) < 0)
        goto done;
    q.written = st.st_mtim;
    q.now = time(NULL);
    q.nentries = git_index_entrycount(q.index);
    for (size_t i = 0; i < q.nentries; i++) {
        const git_index_entry *e = git_index_get_byindex(q.index, i);
        if (GIT_INDEX_ENTRY_STAGE(e) ||
            (e->flags_extended & (GIT_INDEX_ENTRY_INTENT_TO_ADD | GIT_INDEX_ENTRY_SKIP_WORKTREE)))
            goto done;
    }
    strbuf_addf(&q.full, "%s/", repo->root);
    q.root_len = q.full.len;
    q.root_fd = open(repo->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* The records' file is made first: its time is the look's stamp. */
    load_folder_records(&q);
    tmp = xasprintf("%s/" FOLDERS_FILE ".tmp.%ld", repo->state_dir, (long)getpid());
    fd = fs_mkdirs(repo->state_dir) == 0
             ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)
             : -1;
    struct stat tst;
    if (fd >= 0 && fstat(fd, &tst) == 0)
        q.stamp = tst.st_mtim;
    look_everywhere(&q, head);
    clean = !q.changed;
    if (clean)
        write_refreshed(&q, index_path);
    if (clean)
        save_folder_records(&q, fd, tmp);
    else if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
done:
    git_error_clear();
    error_clear();
    for (size_t i = 0; i < q.nrefresh; i++)
        free(q.refresh[i].path);
    free(q.refresh);
    if (q.root_fd >= 0)
        close(q.root_fd);
    free_folder_records(q.folders, q.nfolders);
    free_folder_records(q.seen, q.nseen);
    free(tmp);
    strbuf_release(&q.full);
    git_tree_free(head);
    git_index_free(q.index);
    free(index_path);
    return clean;
}

int repo_uncommitted(struct journal_repo *repo, size_t *count, char **first)
{
    char *paths[NWATCHED];
    git_status_options opts;
    git_status_list *list = NULL;
    *count = 0;
    *first = NULL;
    if (quick_look(repo))
        return 0;
    for (size_t i = 0; i < NWATCHED; i++)
        paths[i] = (char *)watched[i];
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
                 GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    opts.pathspec.strings = paths;
    opts.pathspec.count = NWATCHED;
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
