#ifndef JOURNAL_UTIL_FS_H
#define JOURNAL_UTIL_FS_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* What follows ".tmp." in the name of fs_write_atomic's temporary file ("PID" or "PID.N"):
   true with the writer's pid, false when it is not such a name. */
bool fs_temp_pid(const char *suffix, long *pid);

/* Read a whole file. A missing file is JOURNAL_EINPUT ("path: no such file"), other failures
 * internal. */
int fs_read_file(const char *path, struct strbuf *out);
/*
 * Same, but refuses files larger than max_size bytes with JOURNAL_EINPUT (0 = no
 * limit); limit_name says in the message where the limit is set.
 */
int fs_read_file_limited(const char *path, size_t max_size, const char *limit_name,
                         struct strbuf *out);
/*
 * Write data to path so that readers see either the old file or the whole new
 * one, never a torn write: write a temporary file beside it, fsync, rename.
 */
int fs_write_atomic(const char *path, const void *data, size_t len);
/*
 * Plain write (create or truncate), not atomic: for files that no reader sees until they are
 * renamed into place or their folder is (the site's staging). Makes path's folder when it
 * is missing.
 */
int fs_write_file(const char *path, const void *data, size_t len);
/* mkdir -p of path's folder (everything before its last '/'). */
int fs_mkdirs_parent(const char *path);
/* mkdir -p. */
int fs_mkdirs(const char *path);
bool fs_is_dir(const char *path);
bool fs_exists(const char *path);
/* A folder with no entries besides . and .. */
bool fs_dir_is_empty(const char *path);
/* Remove a directory tree (rm -rf); a missing path is fine. */
int fs_remove_tree(const char *path);
/*
 * Every regular file under root, as paths relative to root, appended to *files (each to
 * free); symbolic links are listed, not followed. Folders are not listed.
 */
int fs_list_files(const char *root, char ***files, size_t *count, size_t *alloc);
/* Remove path's parent folders up to (not including) root while they are empty. */
void fs_prune_empty_parents(const char *root, const char *path);
/* Join two path parts with exactly one '/'. */
char *fs_join(const char *a, const char *b);
/* The last path component (pointer into path). */
const char *fs_basename(const char *path);
/*
 * A relative name that stays inside the folder it is joined to: no empty
 * parts, no "." or "..", not absolute, no backslashes or control characters.
 */
bool fs_is_safe_relative(const char *name);
/*
 * Whether writing rel inside root stays inside it: rel is safe (fs_is_safe_relative) and no
 * part of it that exists under root is a symbolic link, which a write would follow out of
 * root. JOURNAL_EINPUT naming the link otherwise.
 */
int fs_check_no_links(const char *root, const char *rel);
/*
 * The first symbolic link found in the tree under root (its path relative to root, which the
 * caller frees), or NULL when there is none or root cannot be read. Links are not followed.
 */
char *fs_find_link(const char *root);

#endif
