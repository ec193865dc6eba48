#ifndef JOURNAL_STORE_WORKTREE_H
#define JOURNAL_STORE_WORKTREE_H

#include "store/repo.h"
#include "util/strbuf.h"

#include <git2.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Committed files read from the working tree, where git's own record shows that
 * the file there is the committed blob.
 *
 * build-site reads every published manuscript; inflating them from git's packs
 * was a tenth of a cold build. A file whose stat data matches git's index entry,
 * whose entry names the committed blob and is older than the index itself (not
 * "racily clean") holds that blob's content: git status relies on the same rule.
 * Anything short of that proof, and any read that fails, sends the caller back to
 * the object database, so what is built is always the commit.
 */
struct repo_worktree;

/* What git's index recorded of a file when it was staged. */
struct repo_worktree_file {
    bool usable; /* a regular file, not racy */
    git_oid id;  /* the blob git's index says the file holds */
    uint64_t size;
    int64_t mtime_sec, ctime_sec;
    uint32_t mtime_nsec, ctime_nsec;
    uint64_t ino;
};

/* git's index of repo's working tree; *out is NULL (and 0 returned) when there is none. */
int repo_worktree_open(struct journal_repo *repo, struct repo_worktree **out);
void repo_worktree_free(struct repo_worktree *wt);

/* What git's index records of path (relative to the root). One thread at a time. */
void repo_worktree_lookup(struct repo_worktree *wt, const char *path,
                          struct repo_worktree_file *out);

/*
 * Append the content of root/path to out when f records it as holding blob id, the
 * file still matches f and its size is blob id's (read through git, which may be another thread's
 * handle): true. False, with out unchanged, when it does not or cannot be read; the caller then
 * reads the blob.
 */
bool repo_worktree_read(git_repository *git, const char *root, const char *path, const git_oid *id,
                        const struct repo_worktree_file *f, struct strbuf *out);

#endif
