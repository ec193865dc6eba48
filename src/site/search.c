#define _POSIX_C_SOURCE 200809L
/*
 * The site's full-text search: Pagefind (https://pagefind.app) reads the site's HTML pages and
 * writes pagefind/, an index split per language (each stemmed by its own language, from the
 * pages' <html lang>) with the scripts that search it in the reader's browser. The theme marks
 * what is indexed (data-pagefind-body on an article's text and the journal's own pages) and
 * what results show and filter by (data-pagefind-meta, data-pagefind-filter).
 *
 * The index is one unit of the build (see units.c): its key is made of every other unit's key
 * and of the Pagefind installed, so a build that changes no page keeps the index as it is. A
 * build that changes pages runs Pagefind over the site as the build will leave it: its pages,
 * the new ones from the staging folder and the kept ones from the output folder, hard-linked
 * into a work folder inside the staging folder; the index Pagefind writes is staged like any
 * other file and moved into place with them, so a failed build leaves the old site and its
 * index, and a killed one leaves only its staging folder (which the next build, and journal
 * doctor --fix, remove).
 */
#include "site/build.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/process.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Where scripts/install-deps installs the pinned Pagefind (tools/pagefind/package-lock.json):
 * the program itself, from its platform's npm package, not npm's node wrapper in .bin/, which
 * starts it as a child of its own. Run directly, it dies with journal (util/process.c); behind
 * the wrapper, a journal killed mid-build left it writing into a removed staging folder.
 */
#if defined(__aarch64__)
#define PAGEFIND_PLATFORM "linux-arm64"
#else
#define PAGEFIND_PLATFORM "linux-x64"
#endif
#define PINNED_PAGEFIND                                                                            \
    "tools/pagefind/node_modules/@pagefind/" PAGEFIND_PLATFORM "/bin/pagefind_extended"

#define INSTALL_PAGEFIND                                                                           \
    "install it with scripts/install-deps in journal's source folder (the pinned npm package "     \
    "into " PINNED_PAGEFIND "), or 'npm install -g pagefind', or set JOURNAL_PAGEFIND to the "     \
    "program; or turn search off with 'search: false' in journal.yaml"

/*
 * Bounds on one run. Pagefind indexed the 1,000 articles of bench/site.sh in about 26 s with
 * about 1 GB on a busy 2-core machine (docs/performance.md); these are far above, so that
 * only a program gone wrong meets them.
 */
#define PAGEFIND_TIMEOUT_SECONDS 600.0
#define PAGEFIND_MAX_MEMORY      ((size_t)8 << 30)

bool site_executable(const char *path, struct stat *st)
{
    return stat(path, st) == 0 && S_ISREG(st->st_mode) && access(path, X_OK) == 0;
}

char *site_on_path(const char *name, struct stat *st)
{
    const char *path = getenv("PATH");
    while (path && *path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        if (len) {
            char *dir = xstrndup(path, len);
            char *file = fs_join(dir, name);
            free(dir);
            if (site_executable(file, st))
                return file;
            free(file);
        }
        path = colon ? colon + 1 : NULL;
    }
    return NULL;
}

/* The source folder journal was built in: the folder above the executable's (build/journal). */
static char *beside_binary(const char *rel)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    return fs_join(exe[0] ? exe : "/", rel);
}

int site_search_locate(struct build *b)
{
    struct stat st;
    char *found = NULL;
    const char *env = getenv("JOURNAL_PAGEFIND");
    if (env && *env) {
        found = strchr(env, '/') ? xstrdup(env) : site_on_path(env, &st);
        if (!found || !site_executable(found, &st)) {
            int rc = error_input("JOURNAL_PAGEFIND=%s: no such program; build-site writes the "
                                 "site's search index with Pagefind: %s",
                                 env, INSTALL_PAGEFIND);
            free(found);
            return rc;
        }
    }
    if (!found) {
        found = fs_join(b->repo->root, PINNED_PAGEFIND);
        if (!site_executable(found, &st)) {
            free(found);
            found = beside_binary(PINNED_PAGEFIND);
            if (found && !site_executable(found, &st)) {
                free(found);
                found = NULL;
            }
        }
    }
    if (!found)
        found = site_on_path("pagefind", &st);
    if (!found)
        return error_input("build-site writes the site's search index with Pagefind, which is "
                           "not installed: %s",
                           INSTALL_PAGEFIND);
    b->pagefind = found;
    /* The program's file: a new install is a new file, and the search index is made again. */
    snprintf(b->pagefind_id, sizeof(b->pagefind_id), "%ju %ju %jd %ld.%09ld %ld.%09ld",
             (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
             (long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, (long)st.st_ctim.tv_sec,
             (long)st.st_ctim.tv_nsec);
    return 0;
}

/* The index depends on every page: every other unit's key, and on the Pagefind that makes it. */
static void search_key(struct build *b)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "search\nglobal %s\npagefind %s %s\n", b->global_key, b->pagefind,
                b->pagefind_id);
    for (size_t i = 0; i < b->narticles; i++)
        strbuf_addf(&sb, "%s %s\n", b->article_units[i].c.name, b->article_units[i].c.key);
    strbuf_addf(&sb, "site %s\n", b->site_unit.c.key);
    site_key(&sb, b->search_unit.c.key);
    strbuf_release(&sb);
}

/* Each file Pagefind wrote under index/, staged as pagefind/<its path>. */
static int stage_index(struct build *b, const char *index)
{
    char **files = NULL;
    size_t n = 0, alloc = 0;
    int rc = fs_list_files(index, &files, &n, &alloc);
    site_unit_writing(&b->search_unit);
    for (size_t i = 0; i < n; i++) {
        if (!rc) {
            struct strbuf data = STRBUF_INIT;
            char *from = fs_join(index, files[i]);
            char *rel = xasprintf("pagefind/%s", files[i]);
            rc = fs_read_file(from, &data);
            if (!rc)
                rc = site_write_output(b, rel, data.buf, data.len);
            free(rel);
            free(from);
            strbuf_release(&data);
        }
        free(files[i]);
    }
    site_unit_writing(NULL);
    free(files);
    if (!rc && !n)
        rc = error_internal("Pagefind wrote no index into %s", index);
    return rc;
}

int site_make_search(struct build *b)
{
    if (!b->pagefind)
        return 0;
    b->search_unit.c.name = xstrdup("search");
    search_key(b);
    site_unit_decide(b, &b->search_unit);
    if (!b->search_unit.make)
        return 0;
    /* In the staging folder, so that pages can be hard-linked and a killed build leaves
       nothing else; removed before the staged files are moved in (a new output folder's
       staging folder is moved in whole). Site files never begin with a dot but the mark. */
    char *pages = fs_join(b->staging, ".search-pages");
    char *index = fs_join(b->staging, ".search-index");
    size_t npages = 0;
    fs_remove_tree(pages);
    fs_remove_tree(index);
    int rc = site_link_pages(b, pages, &npages);
    if (!rc && !npages)
        rc = fs_mkdirs(pages);
    if (!rc) {
        const char *argv[] = {b->pagefind, "--site", pages, "--output-path", index,
                              /* the site's links name index.html, and work from disk */
                              "--keep-index-url", "--quiet", NULL};
        struct process_spec spec = {.name = "Pagefind",
                                    .program = b->pagefind,
                                    .argv = argv,
                                    .install = INSTALL_PAGEFIND,
                                    .timeout = PAGEFIND_TIMEOUT_SECONDS,
                                    .max_memory = PAGEFIND_MAX_MEMORY};
        struct strbuf out = STRBUF_INIT;
        rc = process_run(&spec, &out, NULL);
        strbuf_release(&out);
        if (rc)
            error_prefix("the search index");
    }
    if (!rc)
        rc = stage_index(b, index);
    /* The work folders go whatever happened; a failure to remove them must not hide why the
       index failed. */
    char *saved = rc ? error_save() : NULL;
    fs_remove_tree(pages);
    fs_remove_tree(index);
    if (rc)
        error_restore(saved);
    free(pages);
    free(index);
    if (!rc)
        site_phase(b, "indexed %zu pages for search (Pagefind)", npages);
    return rc;
}
