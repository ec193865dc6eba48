#define _POSIX_C_SOURCE 200809L
/*
 * The site's full-text search: Pagefind (https://pagefind.app) reads the site's HTML pages and
 * writes pagefind/, an index split per language (each stemmed by its own language, from the
 * pages' <html lang>) with the scripts that search it in the reader's browser. The theme marks
 * what is indexed (data-pagefind-body on an article's text and the journal's own pages) and
 * what results show and filter by (data-pagefind-meta, data-pagefind-filter).
 *
 * Pagefind has no incremental mode, and needs about 18 times the text in memory: over the
 * whole site it took 26 s and 1 GB at 1,000 articles on every build that changed a page, and
 * aborted at 10,000 ("memory allocation failed"; docs/performance.md). So the index is made
 * in shards (make_shards: runs of years of at most search_shard_size articles, and the
 * journal's own pages), each a Pagefind bundle of its own in pagefind/<shard>/ and a unit of
 * the build (see units.c) whose key is made of its pages' units' keys and of the Pagefind
 * installed: an edited article re-indexes its shard only, and Pagefind's memory is one
 * shard's, the shards being indexed one after the other. pagefind/shards.json lists them
 * with their languages for the search page (the theme's assets/search.js), which merges them
 * in the reader's browser (Pagefind's mergeIndex); filters count across the merged indexes.
 *
 * The articles' shards to make are indexed on a thread of their own (site_search_start) as soon
 * as every article page to make is written, while the galleys are typeset: an edit costs the
 * longer of its galley and its shard, not their sum. Each run of Pagefind holds one of the
 * galleys' driver slots, so that Pagefind and the drivers stay within their memory bound. The
 * journal's pages' shard is indexed once the listings are made (site_search_finish).
 *
 * A shard is indexed from its pages as the build will leave them, the new ones from the
 * staging folder and the kept ones from the output folder, hard-linked into a work folder
 * inside the staging folder; the index Pagefind writes is staged like any other file and
 * moved into place with them, so a failed build leaves the old site and its index, and a
 * killed one leaves only its staging folder (which the next build, and journal doctor --fix,
 * remove).
 */
#include "site/build.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/process.h"

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
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
 * Bounds on one run (one shard). Pagefind indexed all the 1,000 articles of bench/site.sh at
 * once in about 26 s with about 1 GB on a busy 2-core machine (docs/performance.md); a shard
 * is a quarter of that at most. These are far above, so that only a program gone wrong meets
 * them.
 */
#define PAGEFIND_TIMEOUT_SECONDS 600.0
#define PAGEFIND_MAX_MEMORY      ((size_t)8 << 30)

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
        found = strchr(env, '/') ? xstrdup(env) : process_on_path(env, &st);
        if (!found || !process_executable(found, &st)) {
            int rc = error_input("JOURNAL_PAGEFIND=%s: no such program; build-site writes the "
                                 "site's search index with Pagefind: %s",
                                 env, INSTALL_PAGEFIND);
            free(found);
            return rc;
        }
    }
    if (!found) {
        found = fs_join(b->repo->root, PINNED_PAGEFIND);
        if (!process_executable(found, &st)) {
            free(found);
            found = beside_binary(PINNED_PAGEFIND);
            if (found && !process_executable(found, &st)) {
                free(found);
                found = NULL;
            }
        }
    }
    if (!found)
        found = process_on_path("pagefind", &st);
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

/* ---- the shards ---- */

static struct search_shard *add_shard(struct build *b, const char *base, size_t *alloc)
{
    /* A year whose issues are not together in publication order has a second run: the name
       stays one's own. */
    char *name = xstrdup(base);
    for (size_t k = 2;; k++) {
        bool taken = false;
        for (size_t i = 0; !taken && i < b->nsearch_shards; i++)
            taken = !strcmp(b->search_shards[i].name, name);
        if (!taken)
            break;
        free(name);
        name = xasprintf("%s-%zu", base, k);
    }
    ARRAY_GROW(b->search_shards, b->nsearch_shards + 1, *alloc);
    struct search_shard *sh = &b->search_shards[b->nsearch_shards++];
    *sh = (struct search_shard){.name = name};
    return sh;
}

static void shard_add_article(struct search_shard *sh, size_t article)
{
    sh->articles = xrealloc(sh->articles, (sh->narticles + 1) * sizeof(*sh->articles));
    sh->articles[sh->narticles++] = article;
}

/*
 * The shards: the articles in publication order (the oldest issue first, each in its table
 * of contents' order) in runs of whole years of at most search_shard_size articles, named
 * by their first year ("2019" for 2019 to 2021); a year of more is split into parts of that
 * many ("2025", "2025-2", ...). New articles join the last shard, or start one: the older
 * shards keep their articles, and an edit re-indexes its own shard. Then the journal's own
 * pages ("pages": every page that is not an article's).
 */
static void make_shards(struct build *b)
{
    size_t alloc = 0, n = b->narticles, size = b->search_shard_size;
    size_t *order = xcalloc(n ? n : 1, sizeof(*order));
    /* b->articles go issue by issue, the newest issue first. */
    size_t k = 0;
    for (size_t end = n; end > 0;) {
        size_t start = end;
        while (start > 0 && b->articles[start - 1].issue == b->articles[end - 1].issue)
            start--;
        for (size_t i = start; i < end; i++)
            order[k++] = i;
        end = start;
    }
    size_t current = SIZE_MAX; /* the shard a year may join, by index (the array moves) */
    for (size_t i = 0; i < n;) {
        unsigned long year = b->articles[order[i]].issue->year;
        size_t j = i;
        while (j < n && b->articles[order[j]].issue->year == year)
            j++;
        size_t count = j - i;
        if (current != SIZE_MAX && b->search_shards[current].narticles + count > size)
            current = SIZE_MAX;
        char base[48];
        if (count > size) {
            for (size_t part = 0; part * size < count; part++) {
                if (part)
                    snprintf(base, sizeof(base), "%lu-%zu", year, part + 1);
                else
                    snprintf(base, sizeof(base), "%lu", year);
                struct search_shard *sh = add_shard(b, base, &alloc);
                for (size_t m = i + part * size; m < j && m < i + (part + 1) * size; m++)
                    shard_add_article(sh, order[m]);
            }
            current = SIZE_MAX;
        } else {
            if (current == SIZE_MAX) {
                snprintf(base, sizeof(base), "%lu", year);
                add_shard(b, base, &alloc);
                current = b->nsearch_shards - 1;
            }
            for (size_t m = i; m < j; m++)
                shard_add_article(&b->search_shards[current], order[m]);
        }
        i = j;
    }
    free(order);
    add_shard(b, "pages", &alloc);
}

/* The units whose pages a shard indexes: its articles', or every one but the articles'. */
static size_t shard_units(struct build *b, const struct search_shard *sh, struct unit ***out)
{
    size_t n = sh->narticles ? sh->narticles : 2;
    struct unit **list = xcalloc(n, sizeof(*list));
    if (sh->narticles) {
        for (size_t i = 0; i < sh->narticles; i++)
            list[i] = b->articles[sh->articles[i]].unit;
    } else {
        list[0] = &b->site_unit;
        list[1] = &b->assets_unit;
    }
    *out = list;
    return n;
}

/* A shard depends on its pages (their units' keys) and on the Pagefind that makes it. */
static void shard_key(struct build *b, struct search_shard *sh)
{
    struct unit **units;
    size_t n = shard_units(b, sh, &units);
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "search shard %s\nglobal %s\npagefind %s %s\n", sh->name, b->global_key,
                b->pagefind, b->pagefind_id);
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s %s\n", units[i]->c.name, units[i]->c.key);
    site_key(&sb, sh->unit.c.key);
    strbuf_release(&sb);
    free(units);
}

/* Each file Pagefind wrote under index/, staged as pagefind/<shard>/<its path>. */
static int stage_index(struct build *b, struct search_shard *sh, const char *index)
{
    char **files = NULL;
    size_t n = 0, alloc = 0;
    int rc = fs_list_files(index, &files, &n, &alloc);
    site_unit_writing(&sh->unit);
    for (size_t i = 0; i < n; i++) {
        if (!rc) {
            struct strbuf data = STRBUF_INIT;
            char *from = fs_join(index, files[i]);
            char *rel = xasprintf("pagefind/%s/%s", sh->name, files[i]);
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

/* The languages of the index at entry (a pagefind-entry.json) with their pages' counts,
   {"en": 9, "ru": 2}; NULL if unreadable. */
static json_t *entry_languages(const char *entry)
{
    json_t *root = json_load_file(entry, 0, NULL);
    json_t *langs = json_object_get(root, "languages");
    json_t *out = json_is_object(langs) ? json_object() : NULL;
    const char *lang;
    json_t *v;
    json_object_foreach(langs, lang, v)
    {
        json_object_set_new(out, lang,
                            json_integer(json_integer_value(json_object_get(v, "page_count"))));
    }
    json_decref(root);
    return out;
}

/*
 * Pagefind over the shard's pages that are marked data-pagefind-body (a shard with none has
 * no index: Pagefind would index its pages whole), in the staging folder, so that pages can
 * be hard-linked and a killed build leaves nothing else; the work folders are removed
 * before the staged files are moved in (a new output folder's staging folder is moved in
 * whole). Site files never begin with a dot but the mark.
 */
static int index_shard(struct build *b, struct search_shard *sh)
{
    double start = site_clock();
    char *pages = fs_join(b->staging, ".search-pages");
    char *index = fs_join(b->staging, ".search-index");
    size_t npages = 0;
    fs_remove_tree(pages);
    fs_remove_tree(index);
    struct unit **units;
    size_t nunits = shard_units(b, sh, &units);
    int rc = site_link_pages(b, units, nunits, pages, "data-pagefind-body", &npages);
    free(units);
    sh->indexed = !rc && npages;
    if (sh->indexed) {
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
            error_prefix("the search index (shard %s)", sh->name);
        if (!rc)
            rc = stage_index(b, sh, index);
        if (!rc) {
            char *entry = fs_join(index, "pagefind-entry.json");
            sh->languages = entry_languages(entry);
            free(entry);
        }
    }
    /* The work folders go whatever happened; a failure to remove them must not hide why the
       index failed. */
    char *saved = rc ? error_save() : NULL;
    fs_remove_tree(pages);
    fs_remove_tree(index);
    if (rc)
        error_restore(saved);
    free(pages);
    free(index);
    sh->npages = npages;
    sh->seconds = site_clock() - start;
    return rc;
}

/*
 * pagefind/shards.json, what the search page merges: each shard that has an index, its
 * folder and languages. The languages of a kept shard are read from its index.
 */
static int write_shard_list(struct build *b)
{
    json_t *list = json_array();
    for (size_t i = 0; i < b->nsearch_shards; i++) {
        struct search_shard *sh = &b->search_shards[i];
        if (!sh->unit.make) {
            char *entry = xasprintf("%s/pagefind/%s/pagefind-entry.json", b->out, sh->name);
            sh->indexed = fs_exists(entry);
            sh->languages = sh->indexed ? entry_languages(entry) : NULL;
            free(entry);
        }
        if (!sh->indexed)
            continue;
        char *path = xasprintf("%s/", sh->name);
        json_t *langs = sh->languages ? json_incref(sh->languages) : json_object();
        json_array_append_new(list, json_pack("{s:s, s:o}", "path", path, "languages", langs));
        free(path);
    }
    json_t *root = json_pack("{s:o}", "shards", list);
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    site_unit_writing(&b->search_unit);
    int rc = site_write_output(b, "pagefind/shards.json", text, strlen(text));
    site_unit_writing(NULL);
    free(text);
    return rc;
}

/*
 * While Pagefind runs it holds one of the galleys' driver slots (pdf.c), so that it and the
 * drivers stay within the memory bound the slots keep (Pagefind's 250 MiB at most for a shard
 * is less than the slot's 400 MiB): it waits for one, never while holding anything an article
 * job waits for, for the pages it reads are written before their galleys are typeset.
 */
static void take_slot(struct build *b)
{
    if (!b->pdf_engine)
        return;
    pthread_mutex_lock(&b->pdf_lock);
    while (b->pdf_running >= b->pdf_slots)
        pthread_cond_wait(&b->pdf_cond, &b->pdf_lock);
    b->pdf_running++;
    pthread_mutex_unlock(&b->pdf_lock);
}

static void give_slot(struct build *b)
{
    if (!b->pdf_engine)
        return;
    pthread_mutex_lock(&b->pdf_lock);
    b->pdf_running--;
    pthread_cond_broadcast(&b->pdf_cond);
    pthread_mutex_unlock(&b->pdf_lock);
}

/* The thread that indexes the articles' shards to make, once every article page to make is
   written (or the articles failed: then nothing). */
static void *index_articles(void *arg)
{
    struct build *b = arg;
    pthread_mutex_lock(&b->search_lock);
    while (!b->search_stop && b->search_pages_done < b->search_pages_due)
        pthread_cond_wait(&b->search_cond, &b->search_lock);
    bool stop = b->search_stop;
    pthread_mutex_unlock(&b->search_lock);
    int rc = 0;
    for (size_t i = 0; !stop && !rc && i < b->nsearch_shards; i++) {
        struct search_shard *sh = &b->search_shards[i];
        if (!sh->narticles || !sh->unit.make)
            continue;
        take_slot(b);
        rc = index_shard(b, sh);
        give_slot(b);
        pthread_mutex_lock(&b->search_lock);
        stop = b->search_stop;
        pthread_mutex_unlock(&b->search_lock);
    }
    b->search_rc = rc;
    b->search_error = rc ? error_save() : NULL;
    error_clear(); /* this thread's message, which ends with it */
    return NULL;
}

/*
 * The shards and their keys. An article's unit has its key now (its inputs are known before it
 * is read); the journal's pages' shard waits for the listings' key (site_search_finish).
 */
int site_search_start(struct build *b)
{
    if (!b->pagefind)
        return 0;
    make_shards(b);
    bool any = false;
    for (size_t i = 0; i < b->nsearch_shards; i++) {
        struct search_shard *sh = &b->search_shards[i];
        sh->unit.c.name = xasprintf("search/%s", sh->name);
        if (!sh->narticles)
            continue;
        shard_key(b, sh);
        site_unit_decide(b, &sh->unit);
        any |= sh->unit.make;
    }
    if (!any)
        return 0;
    for (size_t i = 0; i < b->narticles; i++)
        b->search_pages_due += b->articles[i].unit->make;
    int err = pthread_create(&b->search_thread, NULL, index_articles, b);
    if (err)
        return error_internal("cannot start the search index's thread: %s", strerror(err));
    b->search_running = true;
    return 0;
}

void site_search_page_written(struct build *b)
{
    if (!b->search_running)
        return;
    pthread_mutex_lock(&b->search_lock);
    if (++b->search_pages_done >= b->search_pages_due)
        pthread_cond_broadcast(&b->search_cond);
    pthread_mutex_unlock(&b->search_lock);
}

int site_search_finish(struct build *b, int rc)
{
    if (!b->pagefind)
        return rc;
    if (b->search_running) {
        pthread_mutex_lock(&b->search_lock);
        b->search_stop = rc != 0;
        pthread_cond_broadcast(&b->search_cond);
        pthread_mutex_unlock(&b->search_lock);
        pthread_join(b->search_thread, NULL);
        b->search_running = false;
        if (!rc && b->search_rc) {
            rc = b->search_rc;
            error_restore(b->search_error);
            b->search_error = NULL;
        }
        for (size_t i = 0; !rc && i < b->nsearch_shards; i++) {
            struct search_shard *sh = &b->search_shards[i];
            if (sh->narticles && sh->unit.make && sh->indexed)
                site_phase(b,
                           "indexed %zu pages for search (Pagefind, shard %s) in %.1f s, "
                           "beside the articles and their galleys",
                           sh->npages, sh->name, sh->seconds);
        }
    }
    if (rc)
        return rc;
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "search shards\n");
    for (size_t i = 0; i < b->nsearch_shards; i++) {
        struct search_shard *sh = &b->search_shards[i];
        if (!sh->narticles) {
            shard_key(b, sh);
            site_unit_decide(b, &sh->unit);
            if (sh->unit.make) {
                rc = index_shard(b, sh);
                if (!rc && sh->indexed)
                    site_phase(b, "indexed %zu pages for search (Pagefind, shard %s)", sh->npages,
                               sh->name);
                if (rc)
                    break;
            }
        }
        strbuf_addf(&sb, "%s %s\n", sh->unit.c.name, sh->unit.c.key);
    }
    if (!rc) {
        b->search_unit.c.name = xstrdup("search");
        site_key(&sb, b->search_unit.c.key);
        site_unit_decide(b, &b->search_unit);
    }
    strbuf_release(&sb);
    if (!rc && b->search_unit.make)
        rc = write_shard_list(b);
    return rc;
}

void site_search_release(struct build *b)
{
    for (size_t i = 0; i < b->nsearch_shards; i++) {
        free(b->search_shards[i].name);
        free(b->search_shards[i].articles);
        json_decref(b->search_shards[i].languages);
        site_unit_release(&b->search_shards[i].unit);
    }
    free(b->search_shards);
    b->search_shards = NULL;
    b->nsearch_shards = 0;
    free(b->search_error);
    b->search_error = NULL;
}
