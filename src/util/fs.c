#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE   700
#include "util/fs.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_read_file_limited(const char *path, size_t max_size, const char *limit_name,
                         struct strbuf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return error_input("%s: no such file", path);
        if (errno == EISDIR)
            return error_input("%s: is a directory, expected a file", path);
        return error_errno("cannot open %s", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return error_errno("cannot stat %s", path);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return error_input("%s: is a directory, expected a file", path);
    }
    if (max_size && (size_t)st.st_size > max_size) {
        close(fd);
        return error_input("%s: file is %lld bytes, over the limit of %zu bytes (%s)", path,
                           (long long)st.st_size, max_size, limit_name ? limit_name : "");
    }
    strbuf_grow(out, (size_t)st.st_size);
    for (;;) {
        char buf[65536];
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return error_errno("cannot read %s", path);
        }
        if (n == 0)
            break;
        strbuf_add(out, buf, (size_t)n);
        if (max_size && out->len > max_size) {
            close(fd);
            return error_input("%s: file is over the limit of %zu bytes (%s)", path, max_size,
                               limit_name ? limit_name : "");
        }
    }
    close(fd);
    return 0;
}

int fs_read_file(const char *path, struct strbuf *out)
{
    return fs_read_file_limited(path, 0, NULL, out);
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

bool fs_temp_pid(const char *suffix, long *pid)
{
    char *end;
    errno = 0;
    long n = strtol(suffix, &end, 10);
    if (errno || end == suffix || n <= 0 || *suffix < '0' || *suffix > '9')
        return false;
    if (*end == '.') { /* the count of the process's writes */
        const char *count = end + 1;
        if (!*count || strspn(count, "0123456789") != strlen(count))
            return false;
    } else if (*end) {
        return false;
    }
    *pid = n;
    return true;
}

int fs_write_atomic(const char *path, const void *data, size_t len)
{
    /* The process and a count of its writes: two threads (journal serve's) writing the same
       file never share a temporary file, and O_EXCL makes sure of it. */
    static atomic_uint writes;
    char *tmp = xasprintf("%s.tmp.%ld.%u", path, (long)getpid(), atomic_fetch_add(&writes, 1));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = error_errno("cannot create %s", tmp);
        free(tmp);
        return rc;
    }
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        int rc = error_errno("cannot write %s", tmp);
        close(fd);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        int rc = error_errno("cannot write %s", path);
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return 0;
}

int fs_mkdirs_parent(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    int rc = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        rc = fs_mkdirs(dir);
    }
    free(dir);
    return rc;
}

int fs_write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    /* The folder is made only when it is missing: a mkdir per file costs a big site. */
    if (fd < 0 && errno == ENOENT) {
        int rc = fs_mkdirs_parent(path);
        if (rc)
            return rc;
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    }
    if (fd < 0)
        return error_errno("cannot create %s", path);
    if (write_all(fd, data, len) < 0) {
        int rc = error_errno("cannot write %s", path);
        close(fd);
        return rc;
    }
    if (close(fd) < 0)
        return error_errno("cannot write %s", path);
    return 0;
}

/*
 * The folder itself first: in a site most folders are made in one that exists, and a mkdir of
 * each folder from the root, most failing with EEXIST, cost a system call per component.
 */
int fs_mkdirs(const char *path)
{
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    if (errno != ENOENT)
        return error_errno("cannot create directory %s", path);
    char *parent = xstrdup(path);
    char *slash = strrchr(parent, '/');
    while (slash && slash > parent && slash[-1] == '/')
        slash--;
    int rc = 0;
    if (slash && slash != parent) {
        *slash = '\0';
        rc = fs_mkdirs(parent);
    }
    free(parent);
    if (!rc && mkdir(path, 0755) < 0 && errno != EEXIST)
        rc = error_errno("cannot create directory %s", path);
    return rc;
}

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool fs_dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = false;
    closedir(d);
    return empty;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int fs_remove_tree(const char *path)
{
    if (!fs_exists(path))
        return 0;
    if (nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS) < 0)
        return error_errno("cannot remove %s", path);
    return 0;
}

static int list_files(const char *root, const char *rel, char ***files, size_t *count,
                      size_t *alloc)
{
    char *dir = *rel ? fs_join(root, rel) : xstrdup(root);
    DIR *d = opendir(dir);
    if (!d) {
        int rc = error_errno("cannot read %s", dir);
        free(dir);
        return rc;
    }
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *child = *rel ? xasprintf("%s/%s", rel, e->d_name) : xstrdup(e->d_name);
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            char *path = fs_join(root, child);
            if (lstat(path, &st) < 0)
                rc = error_errno("cannot read %s", path);
            is_dir = !rc && S_ISDIR(st.st_mode);
            free(path);
        }
        if (rc) {
        } else if (is_dir) {
            rc = list_files(root, child, files, count, alloc);
        } else {
            ARRAY_GROW(*files, *count + 1, *alloc);
            (*files)[(*count)++] = child;
            child = NULL;
        }
        free(child);
    }
    closedir(d);
    free(dir);
    return rc;
}

int fs_list_files(const char *root, char ***files, size_t *count, size_t *alloc)
{
    return list_files(root, "", files, count, alloc);
}

void fs_prune_empty_parents(const char *root, const char *path)
{
    char *dir = xstrdup(path);
    size_t rootlen = strlen(root);
    for (;;) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (strlen(dir) <= rootlen || rmdir(dir) < 0)
            break;
    }
    free(dir);
}

char *fs_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (*b == '/')
        b++;
    if (!la)
        return xstrdup(b);
    return xasprintf("%.*s/%s", (int)la, a, b);
}

const char *fs_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool fs_is_safe_relative(const char *name)
{
    if (!*name || *name == '/')
        return false;
    const char *part = name;
    for (;;) {
        const char *end = strchr(part, '/');
        size_t len = end ? (size_t)(end - part) : strlen(part);
        if (len == 0 || (len == 1 && part[0] == '.') ||
            (len == 2 && part[0] == '.' && part[1] == '.'))
            return false;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)part[i];
            if (c < 0x20 || c == 0x7f || c == '\\')
                return false;
        }
        if (!end)
            return true;
        part = end + 1;
    }
}

int fs_check_no_links(const char *root, const char *rel)
{
    if (!fs_is_safe_relative(rel))
        return error_input("%s: the path would leave %s (no '..', '.', empty parts or control "
                           "characters allowed)",
                           rel, root);
    char *full = fs_join(root, rel);
    size_t start = strlen(full) - strlen(rel);
    int rc = 0;
    for (char *s = full + start;; s++) {
        char saved = *s;
        if (saved != '/' && saved != '\0')
            continue;
        *s = '\0';
        struct stat st;
        if (lstat(full, &st) < 0) {
            *s = saved;
            break; /* what does not exist yet will be made as a plain file or folder */
        }
        if (S_ISLNK(st.st_mode)) {
            rc = error_input("%s: a symbolic link in the work tree; journal does not write "
                             "through links (remove it and run git checkout on the path)",
                             full);
            break;
        }
        *s = saved;
        if (!saved)
            break;
    }
    free(full);
    return rc;
}

/* The first link under the folder open as dirfd; path holds its path, for the answer. A walk
   by file descriptors, with no string made per entry: build-site does it over the whole
   site before every build. */
static bool find_link(int dirfd, struct strbuf *path)
{
    DIR *d = fdopendir(dirfd);
    if (!d) {
        close(dirfd);
        return false;
    }
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            type = fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ? DT_UNKNOWN
                   : S_ISLNK(st.st_mode)                                   ? DT_LNK
                   : S_ISDIR(st.st_mode)                                   ? DT_DIR
                                                                           : DT_REG;
        }
        if (type != DT_LNK && type != DT_DIR)
            continue;
        size_t len = path->len;
        if (len)
            strbuf_addch(path, '/');
        strbuf_addstr(path, e->d_name);
        if (type == DT_LNK)
            found = true;
        else {
            int child = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            found = child >= 0 && find_link(child, path);
        }
        if (!found)
            strbuf_setlen(path, len);
    }
    closedir(d);
    return found;
}

char *fs_find_link(const char *root)
{
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct strbuf path = STRBUF_INIT;
    if (find_link(fd, &path))
        return strbuf_detach(&path, NULL);
    strbuf_release(&path);
    return NULL;
}
