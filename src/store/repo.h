#ifndef JOURNAL_STORE_REPO_H
#define JOURNAL_STORE_REPO_H

#include "model/config.h"
#include "util/strbuf.h"

#include <git2.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A journal: a git repository whose committed tree holds journal.yaml,
 * submissions/, issues/ and themes/. Everything journal reads comes from the
 * commit at HEAD, never from uncommitted files, so what is built and indexed is
 * always something git can reproduce.
 */
struct journal_repo {
    git_repository *git;
    char *root;      /* the work tree, without a trailing slash */
    char *state_dir; /* root/.journal: index, lock; ignored by git */
    struct journal_config config;
    int lock_fd;
    char *trailer; /* appended to the next commits' messages (repo_set_trailer), or NULL */
};

/* Find the journal at or above dir. Not a journal: JOURNAL_EINPUT with advice. */
int repo_open(struct journal_repo **out, const char *dir);
void repo_free(struct journal_repo *repo);

/*
 * Take the repository's write lock (.journal/lock). Every action that commits
 * holds it from reading HEAD to moving HEAD, so concurrent writers queue up
 * instead of racing. Waits up to timeout_ms (JOURNAL_LOCK_TIMEOUT, in seconds,
 * overrides it), then fails with a message that says who holds it.
 */
int repo_lock(struct journal_repo *repo, int timeout_ms);
void repo_unlock(struct journal_repo *repo);

/* The tree at HEAD, or *out = NULL in a repository without commits. */
int repo_head_tree(struct journal_repo *repo, git_tree **out);
/* Read path from the tree at HEAD. Missing: JOURNAL_EINPUT "path: not in the journal". */
int repo_read(struct journal_repo *repo, const char *path, struct strbuf *out, git_oid *blob_id);
int repo_read_from_tree(git_repository *git, git_tree *tree, const char *path, struct strbuf *out,
                        git_oid *blob_id);

/*
 * The folder at path inside root: *out is the tree, or NULL when there is no
 * such folder (a file by that name counts as absent). Only lookup failures of
 * git itself are errors.
 */
int repo_subtree(git_repository *git, git_tree *root, const char *path, git_tree **out);

/*
 * What journal reads from a tree must be what it seems: a symbolic link (git mode 120000,
 * which would point anywhere), a submodule, or an entry whose name is empty, ".", "..", or
 * holds '/', '\\' or a control character (git itself never makes such a tree, but a crafted
 * one can hold them) is refused with JOURNAL_EINPUT naming path, the entry's place in the
 * journal. Links are never followed and such names never become a path.
 */
int repo_entry_check(const git_tree_entry *entry, const char *path);
/* The same, with the path formatted only for an entry that is refused: for walks over many. */
int repo_entry_checkf(const git_tree_entry *entry, const char *path_fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Submission folders and issue files are named by their number: "12" or, with
 * suffix ".yaml", "12.yaml". Returns the number, or 0 for any other name
 * (leading zeros, signs and other characters included).
 */
unsigned long repo_entry_number(const char *name, const char *suffix);

struct repo_change {
    const char *path; /* relative to the root */
    const void *data;
    size_t len;
    bool remove;
};

/*
 * Make one commit on HEAD that applies changes to its tree, then bring the
 * work tree and git's index in line for those paths. Nothing in the work tree is
 * touched before the commit exists, so a failure leaves the repository as it was.
 */
int repo_commit(struct journal_repo *repo, const struct repo_change *changes, size_t nchanges,
                const char *message, git_oid *commit_id);

/*
 * Create a journal in dir: git repository, journal.yaml, .gitignore,
 * submissions/, issues/ and the files given (the default theme), in one commit.
 * base_url NULL writes a placeholder (config_write_default); a base_url that
 * journal.yaml would refuse is refused before anything is made.
 */
int repo_init(const char *dir, const char *title, const char *base_url,
              const struct repo_change *files, size_t nfiles, char commit_hex[GIT_OID_HEXSZ + 1]);

/*
 * How many files of the journal (journal.yaml, reviewers.yaml, submissions/,
 * issues/, themes/)
 * differ in the work tree or git's index from HEAD, and the first of them
 * (caller frees). journal reads HEAD only, so a user who forgot to commit an
 * edit should be told rather than puzzled.
 */
int repo_uncommitted(struct journal_repo *repo, size_t *count, char **first);

/* The git blob id that data would have, as 40 hex digits (nothing is written). */
void repo_blob_id(const void *data, size_t len, char hex[GIT_OID_HEXSZ + 1]);
/* Read a blob by its hex id (versions of a manuscript recorded in submission.yaml). */
int repo_read_blob(struct journal_repo *repo, const char *hex, struct strbuf *out);
/* Who is acting: the name commits are signed with (caller frees). */
char *repo_actor(struct journal_repo *repo);

/*
 * The newest commit since `since` (a Unix time; ten minutes earlier, for clocks that differ
 * between processes) whose message holds the line `line` (a trailer such as "Desk: ID"): hex
 * its id and *message (when message is not NULL; caller frees) its message, or hex "" and
 * *message NULL when there is none. Only the commits since then are read.
 */
int repo_find_commit_with_line(struct journal_repo *repo, const char *line, long long since,
                               char hex[GIT_OID_HEXSZ + 1], char **message);

/*
 * A line such as "Journal-Mail: 1234-89ab..." that every following commit of
 * this process carries as a trailer of its message until it is set to NULL:
 * what is done after a commit (releasing held mail) can then be finished by
 * another process if this one dies first, by finding the commit.
 */
void repo_set_trailer(struct journal_repo *repo, const char *trailer);

/*
 * The work tree and git's index are brought in line with a new commit after
 * it exists; a process killed in between leaves them behind HEAD. repo_commit
 * records the paths it is about to write in .journal/worktree first and
 * removes that file when done; repo_lock (every writer) and `journal doctor
 * --fix` finish such an update from HEAD (each listed path as HEAD has it,
 * the killed process's temporary files removed). *fixed (may be NULL) counts
 * the paths written. Call with the lock held.
 */
int repo_finish_worktree(struct journal_repo *repo, size_t *fixed);
/* Whether an interrupted work-tree update waits (the paths, caller frees each and the list). */
int repo_worktree_pending(struct journal_repo *repo, char ***paths, size_t *count);

/*
 * For the fault-injection test only: when JOURNAL_TEST_KILL_AT names point
 * (e.g. "after-commit"), the process kills itself there with SIGKILL, to hit
 * the narrow windows of a crash deterministically.
 */
void repo_crash_point(const char *point);

/* Whether the process with this pid is alive (false for pid <= 0). */
bool repo_pid_alive(long pid);

/* Report a libgit2 failure as an internal error. */
int repo_git_error(const char *what);

#endif
