#define _GNU_SOURCE /* memmem */
/*
 * What a build makes again, and how its files reach the output folder.
 *
 * The site is divided into units (see struct unit). Each unit's key is a hash
 * of everything its files are made from: the git ids of its sources, the
 * theme, journal.yaml, the journal binary itself. A unit whose key matches the
 * last build's, and whose files are all still in the output folder, is kept
 * as it is; the others are made again. The files a build writes wait in a
 * staging folder inside the output folder (so that a rename moves them) until
 * every unit has been made; only then are they renamed into place, one atomic
 * rename each, the files that no longer belong to the site removed, and the
 * build recorded in the cache. A build that fails or is killed before that
 * leaves the site as the last build left it. A new output folder has no site
 * to keep: its staging folder holds the site's own tree, whose top entries
 * are renamed into place at the end.
 */
#include "site/build.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STAGING_PREFIX ".journal-staging."

/* The writers of pages are many calls deep below the job that makes a unit, and a unit is made
   on one thread: the thread says which unit its writes belong to. */
static _Thread_local struct unit *writing;
/* The parts of the listings are made on several threads, all into the one unit. */
static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;

void site_unit_writing(struct unit *u)
{
    writing = u;
}

void site_key(const struct strbuf *material, char key[SITE_CACHE_KEY_SIZE])
{
    git_oid oid;
    git_odb_hash(&oid, material->buf ? material->buf : "", material->len, GIT_OBJECT_BLOB);
    git_oid_tostr(key, SITE_CACHE_KEY_SIZE, &oid);
}

int site_write_output(struct build *b, const char *rel, const char *data, size_t len)
{
    struct unit *u = writing;
    if (!u)
        return error_internal("%s: written outside any unit of the site", rel);
    if (!fs_is_safe_relative(rel))
        return error_internal("%s: not a path inside the site", rel);
    /* A new output folder gets the staging folder's tree as it is at the end (see
       site_staging_open); an existing one, each file in its turn. */
    unsigned long n = 0;
    char *path;
    if (b->direct) {
        path = fs_join(b->staging, rel);
    } else {
        char name[32];
        n = __atomic_add_fetch(&b->staged, 1, __ATOMIC_RELAXED);
        snprintf(name, sizeof(name), "%lu", n);
        path = fs_join(b->staging, name);
    }
    int rc = fs_write_file(path, data, len);
    free(path);
    if (rc)
        return rc;
    pthread_mutex_lock(&files_lock);
    ARRAY_GROW(u->c.files, u->c.nfiles + 1, u->c.files_alloc);
    u->staged = xrealloc(u->staged, u->c.files_alloc * sizeof(*u->staged));
    u->staged[u->c.nfiles] = n;
    u->c.files[u->c.nfiles++] = xstrdup(rel);
    pthread_mutex_unlock(&files_lock);
    return 0;
}

/*
 * Whether the files of a kept unit are still in the output folder is told by their folders:
 * a file removed, renamed or replaced changes its folder's modification and change times.
 * What a build records of each folder (in the order of the unit's files, a run of files in one
 * folder giving one) is compared by the next build; a unit whose folders it cannot vouch for
 * has each file looked up instead, and its folders recorded again.
 */
struct folder_stat {
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
    uint64_t ino, dev;
};
#define FOLDERS_MAGIC 0x6a6f75726e616c31u /* "journal1" */

/* The length of the folder part of path ("articles/12" of "articles/12/index.html"). */
static size_t folder_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

/* lstat of rel (its first len bytes) in the output folder: through a handle on the folder
   when there is one, which spares the kernel the output folder's own path every time. */
static int out_lstat(const struct build *b, const char *rel, size_t len, struct stat *st)
{
    char *part = xstrndup(rel, len);
    int rc;
    if (b->out_fd >= 0) {
        rc = fstatat(b->out_fd, part, st, AT_SYMLINK_NOFOLLOW);
    } else {
        char *path = fs_join(b->out, part);
        rc = lstat(path, st);
        free(path);
    }
    free(part);
    return rc;
}

static bool folder_stat(const struct build *b, const char *file, size_t len,
                        struct folder_stat *out)
{
    struct stat st;
    if (out_lstat(b, file, len, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    *out = (struct folder_stat){st.st_mtim.tv_sec,  st.st_mtim.tv_nsec,  st.st_ctim.tv_sec,
                                st.st_ctim.tv_nsec, (uint64_t)st.st_ino, (uint64_t)st.st_dev};
    return true;
}

/* A file at the top of the output folder: looked up on its own, for the top folder changes
   with every build that stages files. */
static bool file_there(const struct build *b, const char *rel)
{
    struct stat st;
    return out_lstat(b, rel, strlen(rel), &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether files[i] is in the folder of files[i - 1]: then the folder is not looked at again. */
static bool same_folder(char **files, size_t i, size_t len)
{
    return i && len == folder_len(files[i - 1]) && !strncmp(files[i], files[i - 1], len);
}

/* Each folder of u's files as the last build recorded it, unchanged since. */
static bool folders_unchanged(const struct build *b, const struct site_cache_unit *u)
{
    /* The record: a head saying how many folders follow, then each folder. */
    const struct folder_stat *recorded = u->folders;
    size_t n = u->folders_len / sizeof(*recorded), at = 1;
    if (!n || u->folders_len % sizeof(*recorded) || recorded[0].dev != FOLDERS_MAGIC ||
        recorded[0].ino != n - 1)
        return false;
    for (size_t i = 0; i < u->nfiles; i++) {
        size_t len = folder_len(u->files[i]);
        if (!len) {
            if (!file_there(b, u->files[i]))
                return false;
            continue;
        }
        if (same_folder(u->files, i, len))
            continue;
        if (at == n)
            return false;
        struct folder_stat now;
        bool same =
            folder_stat(b, u->files[i], len, &now) && !memcmp(&now, &recorded[at++], sizeof(now));
        if (!same)
            return false;
    }
    return at == n;
}

void site_unit_decide(struct build *b, struct unit *u)
{
    u->last = b->cache ? site_cache_find(b->cache, u->c.name) : NULL;
    u->make = b->force || !u->last || strcmp(u->last->key, u->c.key);
    if (!b->out_opened) {
        b->out_fd = open(b->out, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        b->out_opened = true;
    }
    if (u->make || folders_unchanged(b, u->last))
        return;
    /* Someone may have deleted or replaced a file of the site: the unit is made again. */
    for (size_t i = 0; !u->make && i < u->last->nfiles; i++)
        u->make = !file_there(b, u->last->files[i]);
    u->recheck = !u->make;
}

/*
 * Record the folders of u's files (c.files) as they are now, after stamp: a folder changed
 * at or after it might change again within the same tick of the file system's clock, unseen,
 * so the unit gets no record and the next build looks its files up one by one.
 */
static void record_folders(const struct build *b, struct site_cache_unit *u,
                           const struct timespec *stamp)
{
    free(u->folders);
    u->folders = NULL;
    u->folders_len = 0;
    if (!stamp)
        return;
    struct folder_stat *list = xcalloc(1, sizeof(*list));
    size_t n = 1, alloc = 1;
    bool ok = true;
    for (size_t i = 0; ok && i < u->nfiles; i++) {
        size_t len = folder_len(u->files[i]);
        if (!len || same_folder(u->files, i, len))
            continue;
        ARRAY_GROW(list, n + 1, alloc);
        struct folder_stat *f = &list[n++];
        ok = folder_stat(b, u->files[i], len, f) &&
             (f->mtime_sec < stamp->tv_sec ||
              (f->mtime_sec == stamp->tv_sec && f->mtime_nsec < stamp->tv_nsec)) &&
             (f->ctime_sec < stamp->tv_sec ||
              (f->ctime_sec == stamp->tv_sec && f->ctime_nsec < stamp->tv_nsec));
    }
    if (ok) {
        list[0] = (struct folder_stat){.ino = n - 1, .dev = FOLDERS_MAGIC};
        u->folders = list;
        u->folders_len = n * sizeof(*list);
    } else {
        free(list);
    }
}

/* The file system's time now, as it stamps changes in the output folder: the site's mark
   touched. False when it cannot be. */
static bool stamp_output(const struct build *b, struct timespec *stamp)
{
    char *marker = fs_join(b->out, SITE_MARKER);
    struct stat st;
    bool ok = utimensat(AT_FDCWD, marker, NULL, AT_SYMLINK_NOFOLLOW) == 0 &&
              lstat(marker, &st) == 0 && S_ISREG(st.st_mode);
    free(marker);
    if (ok)
        *stamp = st.st_mtim.tv_sec > st.st_ctim.tv_sec || (st.st_mtim.tv_sec == st.st_ctim.tv_sec &&
                                                           st.st_mtim.tv_nsec > st.st_ctim.tv_nsec)
                     ? st.st_mtim
                     : st.st_ctim;
    return ok;
}

void site_unit_release(struct unit *u)
{
    site_cache_unit_release(&u->c);
    free(u->staged);
    u->staged = NULL;
}

/* The files a unit has in the site this build leaves: the ones made now, or the last ones. */
static const struct site_cache_unit *unit_files(const struct unit *u)
{
    if (u->make || !u->last)
        return &u->c;
    return u->last;
}

/* Every unit of the build: the articles', the site's, the assets', the search index's (its
   list and its shards), the PDF galleys', the issue PDFs'. */
static size_t all_units(struct build *b, struct unit ***out)
{
    size_t npdf = b->pdf_units ? b->narticles : 0;
    size_t n = b->narticles + 2 + (b->search_unit.c.name != NULL) + b->nsearch_shards + npdf +
               b->nissue_pdfs;
    struct unit **list = xcalloc(n, sizeof(*list));
    size_t k = 0;
    for (size_t i = 0; i < b->narticles; i++)
        list[k++] = &b->article_units[i];
    list[k++] = &b->site_unit;
    list[k++] = &b->assets_unit;
    if (b->search_unit.c.name)
        list[k++] = &b->search_unit;
    for (size_t i = 0; i < b->nsearch_shards; i++)
        list[k++] = &b->search_shards[i].unit;
    for (size_t i = 0; i < npdf; i++)
        list[k++] = &b->pdf_units[i];
    for (size_t i = 0; i < b->nissue_pdfs; i++)
        list[k++] = &b->issue_pdfs[i].unit;
    *out = list;
    return n;
}

static int compare_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static bool is_html(const char *path)
{
    size_t len = strlen(path);
    return len > 5 && !strcmp(path + len - 5, ".html");
}

char **site_html_pages(struct build *b, size_t *count)
{
    struct unit **units;
    size_t n = all_units(b, &units);
    char **list = NULL;
    size_t alloc = 0;
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        const struct site_cache_unit *f = unit_files(units[i]);
        for (size_t k = 0; k < f->nfiles; k++)
            if (is_html(f->files[k])) {
                ARRAY_GROW(list, *count + 1, alloc);
                list[(*count)++] = xstrdup(f->files[k]);
            }
    }
    free(units);
    if (*count)
        qsort(list, *count, sizeof(*list), compare_str);
    return list;
}

/* link(from, to), or a copy where the file system has no hard links. */
static int link_or_copy(const char *from, const char *to)
{
    int rc = fs_mkdirs_parent(to);
    if (rc || link(from, to) == 0)
        return rc;
    struct strbuf data = STRBUF_INIT;
    rc = fs_read_file(from, &data);
    if (!rc)
        rc = fs_write_file(to, data.buf, data.len);
    strbuf_release(&data);
    return rc;
}

char *site_unit_file(const struct build *b, const struct unit *u, const char *rel)
{
    const struct site_cache_unit *f = unit_files(u);
    for (size_t k = 0; k < f->nfiles; k++) {
        if (strcmp(f->files[k], rel))
            continue;
        /* Made now: where it waits (in the staged tree, or under its number); kept: in the
           output folder. */
        if (u->make && !b->direct) {
            char name[32];
            snprintf(name, sizeof(name), "%lu", u->staged[k]);
            return fs_join(b->staging, name);
        }
        return fs_join(u->make ? b->staging : b->out, rel);
    }
    return NULL;
}

/* Whether the file at path holds mark. */
static int holds(const char *path, const char *mark, bool *yes)
{
    struct strbuf data = STRBUF_INIT;
    int rc = fs_read_file(path, &data);
    *yes = !rc && data.len && memmem(data.buf, data.len, mark, strlen(mark)) != NULL;
    strbuf_release(&data);
    return rc;
}

int site_link_pages(struct build *b, struct unit *const *units, size_t n, const char *dir,
                    const char *mark, size_t *count)
{
    int rc = 0;
    *count = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        const struct unit *u = units[i];
        const struct site_cache_unit *f = unit_files(u);
        for (size_t k = 0; !rc && k < f->nfiles; k++) {
            if (!is_html(f->files[k]))
                continue;
            /* Made now: where it waits (in the staged tree, or under its number); kept: in
               the output folder. */
            char *from;
            if (u->make && !b->direct) {
                char name[32];
                snprintf(name, sizeof(name), "%lu", u->staged[k]);
                from = fs_join(b->staging, name);
            } else {
                from = fs_join(u->make ? b->staging : b->out, f->files[k]);
            }
            bool wanted = true;
            if (mark)
                rc = holds(from, mark, &wanted);
            if (!rc && wanted) {
                char *to = fs_join(dir, f->files[k]);
                rc = link_or_copy(from, to);
                free(to);
                ++*count;
            }
            free(from);
        }
    }
    return rc;
}

/* What killed builds left behind: their staging folders, at the top of the output folder. */
static int remove_old_staging(const char *out)
{
    DIR *d = opendir(out);
    if (!d)
        return errno == ENOENT ? 0 : error_errno("cannot read %s", out);
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d)))
        if (!strncmp(e->d_name, STAGING_PREFIX, strlen(STAGING_PREFIX))) {
            char *path = fs_join(out, e->d_name);
            rc = fs_remove_tree(path);
            free(path);
        }
    closedir(d);
    return rc;
}

int site_staging_open(struct build *b)
{
    int rc = fs_mkdirs(b->out);
    if (!rc)
        rc = remove_old_staging(b->out);
    if (rc)
        return rc;
    /* The mark goes in first: a build killed before the end leaves a folder that the next
       build knows for its own. */
    char *marker = fs_join(b->out, SITE_MARKER);
    if (!fs_exists(marker))
        rc = fs_write_file(marker, SITE_MARKER_TEXT, strlen(SITE_MARKER_TEXT));
    free(marker);
    if (rc)
        return rc;
    /* A new folder has no site to keep while this one is made: the files are staged as the
       site's own tree, whose top entries are moved in at the end (a rename each, not one per
       file), and a failed build removes the folder. */
    b->direct = !b->had_output;
    char name[64];
    snprintf(name, sizeof(name), STAGING_PREFIX "%ld", (long)getpid());
    b->staging = fs_join(b->out, name);
    return fs_mkdirs(b->staging);
}

void site_staging_discard(struct build *b)
{
    /* A site that was never built leaves no folder behind. */
    if (b->direct)
        fs_remove_tree(b->out);
    else if (b->staging)
        fs_remove_tree(b->staging);
}

/* rename(from, to), making to's folder when it is new. */
static int move_into_place(const char *from, const char *to)
{
    if (rename(from, to) == 0)
        return 0;
    if (errno != ENOENT)
        return error_errno("cannot move the new %s into place", to);
    int rc = fs_mkdirs_parent(to);
    if (!rc && rename(from, to) < 0)
        rc = error_errno("cannot move the new %s into place", to);
    return rc;
}

/* A new output folder: the top entries of the staging folder's tree moved into it. */
static int move_staged_tree(struct build *b)
{
    DIR *d = opendir(b->staging);
    if (!d)
        return error_errno("cannot read %s", b->staging);
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *from = fs_join(b->staging, e->d_name);
        char *to = fs_join(b->out, e->d_name);
        if (rename(from, to) < 0)
            rc = error_errno("cannot move the new %s into place", to);
        free(from);
        free(to);
    }
    closedir(d);
    return rc;
}

static bool in_sorted(char **list, size_t n, const char *path)
{
    return n && bsearch(&path, list, n, sizeof(*list), compare_str) != NULL;
}

static void remove_file(struct build *b, const char *rel)
{
    char *path = fs_join(b->out, rel);
    if (unlink(path) == 0) {
        b->stats->removed++;
        fs_prune_empty_parents(b->out, path);
    }
    free(path);
}

/* Every file of the site this build leaves, sorted (the strings are the units'). */
static char **site_files(struct unit **units, size_t n, size_t *count)
{
    char **files = NULL;
    size_t nfiles = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct site_cache_unit *f = unit_files(units[i]);
        for (size_t k = 0; k < f->nfiles; k++) {
            ARRAY_GROW(files, nfiles + 1, alloc);
            files[nfiles++] = f->files[k];
        }
    }
    if (nfiles)
        qsort(files, nfiles, sizeof(*files), compare_str);
    *count = nfiles;
    return files;
}

static int compare_unit_ptr_name(const void *x, const void *y)
{
    return strcmp((*(const struct unit *const *)x)->c.name,
                  (*(const struct unit *const *)y)->c.name);
}

/* Whether the last build's unit named name is among this build's units (sorted by name). */
static bool has_unit(struct unit **sorted, size_t n, const char *name)
{
    struct unit key = {.c.name = (char *)name};
    const struct unit *k = &key;
    return bsearch(&k, sorted, n, sizeof(*sorted), compare_unit_ptr_name) != NULL;
}

/*
 * Files of the output folder that this build does not have: what the last
 * build recorded and no unit has now (into *stale, from the cache's lists);
 * and with --force, or when the cache knows nothing of this folder (the index
 * was deleted, or a site made before builds were incremental), every file in
 * it that this build did not make (*everything). Only the files of units made
 * again or gone can be such: a unit kept has the files it had.
 */
static void find_stale(struct build *b, struct unit **units, size_t n, const char ***stale,
                       size_t *nstale, bool *everything)
{
    size_t nlast = 0, found = 0;
    const struct site_cache_unit *last = b->cache ? site_cache_units(b->cache, &nlast) : NULL;
    const char **candidates = NULL;
    size_t ncandidates = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        const struct unit *u = units[i];
        found += u->last != NULL;
        if (!u->make || !u->last)
            continue;
        /* Mostly the unit's files are the ones it had: those are looked up among its own. */
        char **mine = xcalloc(u->c.nfiles + 1, sizeof(*mine));
        memcpy(mine, u->c.files, u->c.nfiles * sizeof(*mine));
        qsort(mine, u->c.nfiles, sizeof(*mine), compare_str);
        for (size_t k = 0; k < u->last->nfiles; k++)
            if (!in_sorted(mine, u->c.nfiles, u->last->files[k])) {
                ARRAY_GROW(candidates, ncandidates + 1, alloc);
                candidates[ncandidates++] = u->last->files[k];
            }
        free(mine);
    }
    /* Units of the last build that this one does not have (each unit is found once). */
    if (found < nlast) {
        struct unit **sorted = xcalloc(n, sizeof(*sorted));
        memcpy(sorted, units, n * sizeof(*sorted));
        qsort(sorted, n, sizeof(*sorted), compare_unit_ptr_name);
        for (size_t i = 0; i < nlast; i++)
            for (size_t k = 0; !has_unit(sorted, n, last[i].name) && k < last[i].nfiles; k++) {
                ARRAY_GROW(candidates, ncandidates + 1, alloc);
                candidates[ncandidates++] = last[i].files[k];
            }
        free(sorted);
    }
    *stale = NULL;
    *nstale = 0;
    *everything = (!nlast || b->force) && b->had_output;
    if (!ncandidates) {
        free(candidates);
        return;
    }
    size_t nfiles = 0;
    char **files = site_files(units, n, &nfiles);
    for (size_t i = 0; i < ncandidates; i++)
        if (!in_sorted(files, nfiles, candidates[i]))
            candidates[(*nstale)++] = candidates[i];
    free(files);
    *stale = candidates;
}

/* Every file in the output folder that no unit has (its links were looked for first). */
static int remove_everything_else(struct build *b, struct unit **units, size_t n)
{
    size_t nfiles = 0;
    char **files = site_files(units, n, &nfiles);
    char **list = NULL;
    size_t nlist = 0, list_alloc = 0;
    int rc = fs_list_files(b->out, &list, &nlist, &list_alloc);
    for (size_t i = 0; i < nlist; i++) {
        if (!rc && strncmp(list[i], STAGING_PREFIX, strlen(STAGING_PREFIX)) &&
            !in_sorted(files, nfiles, list[i]))
            remove_file(b, list[i]);
        free(list[i]);
    }
    free(list);
    free(files);
    return rc;
}

/* What the cache keeps of a unit that was kept but checked file by file: what it had. */
static void keep_last(struct unit *u)
{
    for (size_t k = 0; k < u->last->nfiles; k++) {
        ARRAY_GROW(u->c.files, u->c.nfiles + 1, u->c.files_alloc);
        u->c.files[u->c.nfiles++] = xstrdup(u->last->files[k]);
    }
    free(u->c.warnings);
    u->c.warnings = u->last->warnings ? xstrdup(u->last->warnings) : NULL;
}

int site_refuse_link(const struct build *b, const char *rel)
{
    return error_input("-o %s: %s in it is a symbolic link; build-site writes only plain files "
                       "and folders (remove the link, or build with another -o)",
                       b->out, rel);
}

/*
 * No link on the way to rel in the output folder, nor at rel: each folder is looked at once
 * for a run of paths in the same folders (*checked: the part of the last path found sound).
 */
static int check_way(const struct build *b, const char *rel, struct strbuf *checked)
{
    size_t same = 0;
    while (same < checked->len && rel[same] == checked->buf[same])
        same++;
    /* Back to the end of the last folder both paths share. */
    while (same && !(checked->buf[same - 1] == '/' && rel[same - 1] == '/'))
        same--;
    strbuf_setlen(checked, same);
    for (const char *p = rel + same; *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - rel) : strlen(rel);
        char *part = xstrndup(rel, len);
        char *path = fs_join(b->out, part);
        struct stat st;
        bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
        free(path);
        if (link) {
            int rc = site_refuse_link(b, part);
            free(part);
            return rc;
        }
        free(part);
        if (!slash)
            break;
        strbuf_setlen(checked, 0);
        strbuf_add(checked, rel, len + 1);
        p = slash + 1;
    }
    return 0;
}

/* Before anything is moved or removed: no link on the way to the files this build touches. */
static int check_ways(struct build *b, struct unit **units, size_t n, const char *const *stale,
                      size_t nstale)
{
    if (b->direct || b->links_checked)
        return 0;
    struct strbuf checked = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t k = 0; !rc && units[i]->make && k < units[i]->c.nfiles; k++)
            rc = check_way(b, units[i]->c.files[k], &checked);
    for (size_t i = 0; !rc && i < nstale; i++)
        rc = check_way(b, stale[i], &checked);
    strbuf_release(&checked);
    return rc;
}

int site_units_commit(struct build *b)
{
    struct unit **units;
    size_t n = all_units(b, &units);
    const char **stale;
    size_t nstale;
    bool everything;
    find_stale(b, units, n, &stale, &nstale, &everything);
    int rc = check_ways(b, units, n, stale, nstale);
    for (size_t i = 0; !rc && i < n; i++) {
        const struct unit *u = units[i];
        for (size_t k = 0; !rc && u->make && k < u->c.nfiles; k++) {
            if (!u->staged[k])
                continue; /* a new folder: moved in with the staging tree */
            char name[32];
            snprintf(name, sizeof(name), "%lu", u->staged[k]);
            char *from = fs_join(b->staging, name);
            char *to = fs_join(b->out, u->c.files[k]);
            rc = move_into_place(from, to);
            free(from);
            free(to);
        }
    }
    if (!rc && b->direct)
        rc = move_staged_tree(b);
    /* The site as it now is: every unit's files, for the counts. */
    b->stats->files = b->stats->pages = b->stats->assets = 0;
    for (size_t i = 0; i < n; i++) {
        const struct site_cache_unit *f = unit_files(units[i]);
        for (size_t k = 0; k < f->nfiles; k++) {
            bool html = is_html(f->files[k]);
            b->stats->files++;
            b->stats->written += units[i]->make;
            b->stats->rendered += units[i]->make && html;
            b->stats->pages += html;
            b->stats->assets += !strncmp(f->files[k], "assets/", 7);
        }
    }
    for (size_t i = 0; !rc && i < nstale; i++)
        remove_file(b, stale[i]);
    free(stale);
    if (!rc && everything)
        rc = remove_everything_else(b, units, n);
    if (!rc && b->staging) {
        fs_remove_tree(b->staging);
        free(b->staging);
        b->staging = NULL;
    }

    if (!rc && b->cache) {
        const struct site_cache_unit **list = xcalloc(n, sizeof(*list));
        bool *write = xcalloc(n, sizeof(*write));
        const char **blobs = xcalloc(b->narticles + 1, sizeof(*blobs));
        const char **digests = xcalloc(b->narticles + 1, sizeof(*digests));
        char(*hex)[GIT_OID_HEXSZ + 1] = xcalloc(b->narticles + 1, sizeof(*hex));
        size_t ndigests = 0;
        struct timespec stamp;
        int stamped = 0; /* 1 stamped, -1 could not be */
        for (size_t i = 0; i < n; i++) {
            struct unit *u = units[i];
            list[i] = &u->c;
            write[i] = u->make || u->recheck;
            if (!write[i])
                continue;
            if (u->recheck)
                keep_last(u);
            /* The stamp first: whatever changes a folder after it is seen by the next build. */
            if (!stamped)
                stamped = stamp_output(b, &stamp) ? 1 : -1;
            record_folders(b, &u->c, stamped > 0 ? &stamp : NULL);
        }
        for (size_t i = 0; i < b->narticles; i++)
            if (b->articles[i].digest[0]) {
                git_oid_tostr(hex[ndigests], sizeof(hex[ndigests]), &b->articles[i].manuscript_id);
                blobs[ndigests] = hex[ndigests];
                digests[ndigests++] = b->articles[i].digest;
            }
        struct site_cache_record record = {list,
                                           write,
                                           n,
                                           blobs,
                                           digests,
                                           ndigests,
                                           b->new_issue_blobs,
                                           b->new_issues,
                                           b->nnew_issues,
                                           b->new_locations,
                                           b->nnew_locations};
        rc = site_cache_save(b->cache, &record);
        /* The site is built; a cache that could not be written only means more work next time. */
        if (rc) {
            site_warning(b, xstrdup(error_message()));
            error_clear();
            rc = 0;
        }
        free(hex);
        free(digests);
        free(blobs);
        free(write);
        free(list);
    }
    free(units);
    return rc;
}

/* ---- telling the user how it goes ---- */

void site_warning(struct build *b, char *message)
{
    /* The listings' parts run on several threads. */
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    struct site_stats *st = b->stats;
    st->warnings = xrealloc(st->warnings, (st->nwarnings + 1) * sizeof(*st->warnings));
    st->warnings[st->nwarnings++] = message;
    pthread_mutex_unlock(&lock);
}

double site_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void site_phase(struct build *b, const char *fmt, ...)
{
    double t = site_clock();
    if (b->verbose) {
        va_list ap;
        va_start(ap, fmt);
        struct rusage ru;
        long peak = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss / 1024 : 0;
        fprintf(b->verbose, "journal build-site: %8.1f ms %5ld MiB  ", (t - b->phase_start) * 1e3,
                peak);
        vfprintf(b->verbose, fmt, ap);
        fputc('\n', b->verbose);
        va_end(ap);
    }
    b->phase_start = t;
}

#define BAR_WIDTH 30

static void draw(struct progress *p, double t)
{
    char bar[BAR_WIDTH + 1];
    size_t done = __atomic_load_n(&p->done, __ATOMIC_RELAXED);
    size_t filled = p->total ? done * BAR_WIDTH / p->total : 0;
    for (size_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r\033[Kjournal build-site: %s [%s] %zu/%zu", p->what, bar, done, p->total);
    fflush(stderr);
    p->drawn = true;
    p->last_draw = t;
}

void site_progress_begin(struct build *b, const char *what, size_t total)
{
    struct progress *p = &b->progress;
    if (!p->enabled)
        return;
    pthread_mutex_lock(&p->lock);
    p->what = what;
    __atomic_store_n(&p->done, 0, __ATOMIC_RELAXED);
    p->total = total;
    pthread_mutex_unlock(&p->lock);
}

void site_progress_tick(struct build *b)
{
    struct progress *p = &b->progress;
    if (!p->enabled)
        return;
    __atomic_add_fetch(&p->done, 1, __ATOMIC_RELAXED);
    /* Threads that find the bar busy go on working: it is redrawn often enough. */
    if (pthread_mutex_trylock(&p->lock))
        return;
    double t = site_clock();
    /* Quick builds show nothing; long ones redraw ten times a second. */
    if (t - p->start >= p->after && t - p->last_draw > 0.1)
        draw(p, t);
    pthread_mutex_unlock(&p->lock);
}

void site_progress_end(struct build *b)
{
    struct progress *p = &b->progress;
    if (!p->enabled || !p->drawn)
        return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    p->drawn = false;
}
