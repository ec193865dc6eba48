#define _POSIX_C_SOURCE 200809L
#include "store/worktree.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct repo_worktree {
    git_index *index;
    struct timespec written; /* the index file's mtime, taken before it was read */
};

int repo_worktree_open(struct journal_repo *repo, struct repo_worktree **out)
{
    *out = NULL;
    if (git_repository_is_bare(repo->git))
        return 0;
    char *path = xasprintf("%sindex", git_repository_path(repo->git));
    struct stat st;
    int rc = 0;
    /* The time first: an index written after it only makes more entries look racy. */
    if (stat(path, &st) == 0) {
        git_index *index = NULL;
        if (git_index_open(&index, path) < 0)
            rc = repo_git_error("read git's index");
        else {
            *out = xcalloc(1, sizeof(**out));
            (*out)->index = index;
            (*out)->written = st.st_mtim;
        }
    } else if (errno != ENOENT)
        rc = error_internal("%s: %s", path, strerror(errno));
    free(path);
    return rc;
}

void repo_worktree_free(struct repo_worktree *wt)
{
    if (!wt)
        return;
    git_index_free(wt->index);
    free(wt);
}

void repo_worktree_lookup(struct repo_worktree *wt, const char *path,
                          struct repo_worktree_file *out)
{
    *out = (struct repo_worktree_file){0};
    const git_index_entry *e = wt ? git_index_get_bypath(wt->index, path, 0) : NULL;
    if (!e || e->mode != GIT_FILEMODE_BLOB)
        return;
    /* Changed within the tick the index was written: its stat data proves nothing. */
    if (e->mtime.seconds > wt->written.tv_sec ||
        (e->mtime.seconds == wt->written.tv_sec && e->mtime.nanoseconds >= wt->written.tv_nsec))
        return;
    *out = (struct repo_worktree_file){.usable = true,
                                       .id = e->id,
                                       .size = e->file_size,
                                       .mtime_sec = e->mtime.seconds,
                                       .mtime_nsec = e->mtime.nanoseconds,
                                       .ctime_sec = e->ctime.seconds,
                                       .ctime_nsec = e->ctime.nanoseconds,
                                       .ino = e->ino};
}

static bool same_stat(const struct stat *st, const struct repo_worktree_file *f)
{
    /* git's index keeps 32 bits of inodes. */
    return S_ISREG(st->st_mode) && (uint64_t)st->st_size == f->size &&
           st->st_mtim.tv_sec == f->mtime_sec && (uint32_t)st->st_mtim.tv_nsec == f->mtime_nsec &&
           st->st_ctim.tv_sec == f->ctime_sec && (uint32_t)st->st_ctim.tv_nsec == f->ctime_nsec &&
           (!f->ino || (uint32_t)st->st_ino == (uint32_t)f->ino);
}

bool repo_worktree_read(git_repository *git, const char *root, const char *path, const git_oid *id,
                        const struct repo_worktree_file *f, struct strbuf *out)
{
    if (!f->usable || !git_oid_equal(&f->id, id))
        return false;
    /* A filter (line ends, ident) would make the file differ from the blob, mostly in size. */
    git_odb *odb = NULL;
    size_t blob_size = 0;
    git_object_t type;
    bool same_size = git_repository_odb(&odb, git) == 0 &&
                     git_odb_read_header(&blob_size, &type, odb, id) == 0 &&
                     type == GIT_OBJECT_BLOB && blob_size == f->size;
    git_odb_free(odb);
    if (!same_size)
        return false;
    char *full = xasprintf("%s/%s", root, path);
    int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    free(full);
    if (fd < 0)
        return false;
    struct stat before, after;
    size_t start = out->len;
    bool ok = fstat(fd, &before) == 0 && same_stat(&before, f);
    if (ok) {
        strbuf_grow(out, blob_size);
        size_t got = 0;
        while (got < blob_size) {
            ssize_t n = read(fd, out->buf + start + got, blob_size - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        /* Written to while it was read: the blob is the safe answer. */
        ok = got == blob_size && fstat(fd, &after) == 0 && same_stat(&after, f);
        if (ok)
            strbuf_setlen(out, start + blob_size);
    }
    close(fd);
    if (!ok)
        strbuf_setlen(out, start);
    return ok;
}
