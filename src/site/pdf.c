#define _POSIX_C_SOURCE 200809L
/*
 * PDF galleys: articles/N/article.pdf, typeset by WeasyPrint (https://weasyprint.org, Debian's
 * weasyprint) from HTML and CSS paged media. The theme's article-pdf.mustache makes the print
 * HTML of an article from the same data as its page (with its print stylesheet inside), and
 * WeasyPrint typesets it: a small driver of ours (tools/pdf/typeset.py, compiled in), run
 * through util/process.c with the Python of the engine's #! line, imports weasyprint once and
 * typesets galley after galley, a job a line on its stdin and an answer a line on its stdout.
 * WeasyPrint's start (Python, Pango, the fonts) was most of a short article's time when each
 * galley had a weasyprint of its own: the sample's CPU time halved (docs/performance.md).
 *
 * Why WeasyPrint (docs/site.md, "PDF galleys", has the figures): of the three engines Debian
 * has, it alone hyphenated English and Russian (Chromium 156 hyphenates nothing on Linux),
 * set running heads from the text (string-set) and footnotes at the foot of the page
 * (float: footnote), wrote the author, subject and keywords into the PDF, and embedded the CJK
 * font as a font (Chromium drew it as Type 3); XeLaTeX had no CJK without texlive-lang-chinese
 * and more LaTeX packages. Chromium was about twice as fast.
 *
 * Each galley is a unit of the build of its own ("pdf/12"): its key is its article page's key
 * (the article, its issue, the theme, journal.yaml, journal itself), the engine's file and the
 * fonts installed (fonts_id), so a build typesets only the articles whose page changed, or all
 * of them after the engine is upgraded or a font installed. Each article thread that typesets has
 * its own driver, at most pdf_slots at once, as many as MemAvailable holds at PDF_RUN_MEMORY each.
 */
#include "site/build.h"

#include "default_theme.h"
#include "pdf_driver.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mustache.h"
#include "util/pdfpages.h"
#include "util/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PDF_TEMPLATE "article-pdf"

#define INSTALL_WEASYPRINT                                                                         \
    "install Debian's weasyprint and the fonts of the galleys ('apt-get install weasyprint "       \
    "fonts-noto-core fonts-noto-cjk hyphen-ru', which scripts/install-deps does), or set "         \
    "JOURNAL_PDF_ENGINE to the weasyprint program or a Python that imports weasyprint; or do "     \
    "without PDFs: 'pdf: false' in journal.yaml (page ranges are then estimates), or "             \
    "build-site --no-pdf for one build"

/* The driver, tools/pdf/typeset.py, compiled in (cmake/embed.cmake). */
#define PDF_DRIVER "tools/pdf/typeset.py"

/*
 * Bounds on one galley and one driver. A 5-page article took 1.5-4.4 s on a busy 2-core
 * machine with a WeasyPrint of its own; a book-length one is far below the timeout. The
 * driver's address space is bounded well above what it maps (Python, Pango, the fonts), so
 * that only a run gone wrong meets it.
 */
#define PDF_TIMEOUT_SECONDS 300.0
#define PDF_MAX_MEMORY      ((size_t)4 << 30)
/* What one driver is counted as when the slots are shared out of the memory the machine has:
   its peak resident set was 111 MiB over the sample (5 galleys a driver) and 142 MiB over
   the benchmark corpus at N = 50 (25 galleys of 14 pages a driver; docs/performance.md). */
#define PDF_RUN_MEMORY ((size_t)400 << 20)
/* Galleys one driver typesets before it is started again. Its resident set grows with
   WeasyPrint's caches and levels off (73 MiB after one short article, 111 MiB after 5, 141-142
   MiB after 25 and after 50 of the benchmark corpus's); starting it again every 50 galleys
   bounds what a long build could still gather, for about a second of CPU each time. */
#define PDF_DRIVER_JOBS 50
/* The galley cache (see galley_key): a folder of the journal's state, and the days a galley
   no build used stays in it. */
#define GALLEY_CACHE      "galleys"
#define GALLEY_CACHE_DAYS 7

/* The memory the machine can give without swapping (MemAvailable: free memory and the page
   cache it can drop), else the free memory alone; 0 when unknown. */
static uint64_t available_memory(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb = 0;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    if (kb)
        return (uint64_t)kb * 1024;
    long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

/* How many drivers may run at once: one per article thread, as many as the memory holds. */
static unsigned pdf_slots(const struct build *b)
{
    uint64_t memory = available_memory();
    unsigned slots = b->jobs ? b->jobs : 1;
    if (memory) {
        uint64_t fit = memory / PDF_RUN_MEMORY;
        if (fit < slots)
            slots = fit ? (unsigned)fit : 1;
    }
    return slots;
}

/*
 * The Python that runs the driver: the interpreter on the engine's "#!" line when it names a
 * Python (Debian's /usr/bin/weasyprint says #!/usr/bin/python3, a virtual environment's its
 * own; "#!/usr/bin/env python3" is looked up on PATH), else the engine itself, taken for a
 * Python that imports weasyprint. Not python3 on PATH: that may be another Python (pyenv's)
 * without WeasyPrint. Free it.
 */
static char *engine_python(const char *engine)
{
    char line[512] = "";
    FILE *f = fopen(engine, "r");
    if (f) {
        if (!fgets(line, sizeof(line), f))
            line[0] = 0;
        fclose(f);
    }
    if (strncmp(line, "#!", 2))
        return xstrdup(engine);
    char *words[3] = {NULL, NULL, NULL};
    size_t n = 0;
    for (char *save = NULL, *w = strtok_r(line + 2, " \t\r\n", &save); w && n < 3;
         w = strtok_r(NULL, " \t\r\n", &save))
        words[n++] = w;
    const char *python = words[0];
    if (python && !strcmp(fs_basename(python), "env") && words[1])
        python = words[1];
    if (!python || strncmp(fs_basename(python), "python", 6))
        return xstrdup(engine);
    struct stat st;
    char *found = strchr(python, '/') ? xstrdup(python) : process_on_path(python, &st);
    return found ? found : xstrdup(engine);
}

static const char *driver_source(void)
{
    for (size_t i = 0; i < pdf_driver_nfiles; i++)
        if (!strcmp(pdf_driver_files[i].path, PDF_DRIVER))
            return (const char *)pdf_driver_files[i].data;
    return NULL;
}

static int compare_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Each folder under dir (each file too with files), its path and times, in a stable order:
   installing, removing or upgrading a font changes its folder's. */
static void add_font_folders(struct strbuf *sb, const char *dir, bool files, int depth)
{
    struct stat st;
    if (depth > 8 || lstat(dir, &st))
        return;
    strbuf_addf(sb, "%s %o %jd %jd.%09ld %jd.%09ld\n", dir, (unsigned)st.st_mode,
                (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
                (intmax_t)st.st_ctim.tv_sec, (long)st.st_ctim.tv_nsec);
    if (!S_ISDIR(st.st_mode))
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0, alloc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        ARRAY_GROW(names, n + 1, alloc);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0; i < n; i++) {
        char *path = fs_join(dir, names[i]);
        if (files || (!lstat(path, &st) && S_ISDIR(st.st_mode)))
            add_font_folders(sb, path, files, depth + 1);
        free(path);
        free(names[i]);
    }
    free(names);
}

/* What tells the fonts WeasyPrint finds from others: Fontconfig's configuration (/etc/fonts)
   and the folders of the fonts it reads (Debian's and the user's). */
static void fonts_id(char key[SITE_CACHE_KEY_SIZE])
{
    struct strbuf sb = STRBUF_INIT;
    add_font_folders(&sb, "/etc/fonts", true, 0);
    add_font_folders(&sb, "/usr/share/fonts", false, 0);
    add_font_folders(&sb, "/usr/local/share/fonts", false, 0);
    const char *home = getenv("HOME"), *data = getenv("XDG_DATA_HOME");
    if (home && *home) {
        char *dir = xasprintf("%s/.fonts", home);
        add_font_folders(&sb, dir, false, 0);
        free(dir);
        if (!data || !*data) {
            dir = xasprintf("%s/.local/share/fonts", home);
            add_font_folders(&sb, dir, false, 0);
            free(dir);
        }
    }
    if (data && *data) {
        char *dir = xasprintf("%s/fonts", data);
        add_font_folders(&sb, dir, false, 0);
        free(dir);
    }
    site_key(&sb, key);
    strbuf_release(&sb);
}

int site_pdf_locate(struct build *b)
{
    struct stat st;
    char *found = NULL;
    const char *env = getenv("JOURNAL_PDF_ENGINE");
    if (env && *env) {
        found = strchr(env, '/') ? xstrdup(env) : process_on_path(env, &st);
        if (!found || !process_executable(found, &st)) {
            int rc = error_input("JOURNAL_PDF_ENGINE=%s: no such program; journal typesets the "
                                 "articles' PDF galleys with WeasyPrint: %s",
                                 env, INSTALL_WEASYPRINT);
            free(found);
            return rc;
        }
    }
    if (!found)
        found = process_on_path("weasyprint", &st);
    if (!found)
        return error_input("journal typesets the articles' PDF galleys (build-site, and "
                           "build-issue to number their pages) with WeasyPrint, which is not "
                           "installed: %s",
                           INSTALL_WEASYPRINT);
    if (!mustache_set_has(b->templates, PDF_TEMPLATE)) {
        free(found);
        return error_input("themes/%s/templates/" PDF_TEMPLATE ".mustache: no such template; "
                           "the PDF galleys are typeset from it (copy it from journal's default "
                           "theme), or do without them: 'pdf: false' in journal.yaml (page "
                           "ranges are then estimates), or build-site --no-pdf for one build",
                           b->repo->config.theme);
    }
    if (!driver_source()) {
        free(found);
        return error_internal(PDF_DRIVER " is not compiled into journal");
    }
    b->pdf_engine = found;
    b->pdf_python = engine_python(found);
    /* The program's file: a new install is a new file, and every galley is typeset again. */
    snprintf(b->pdf_engine_id, sizeof(b->pdf_engine_id), "%ju %ju %jd %ld.%09ld %ld.%09ld",
             (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
             (long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, (long)st.st_ctim.tv_sec,
             (long)st.st_ctim.tv_nsec);
    b->pdf_slots = pdf_slots(b);
    fonts_id(b->pdf_fonts_id);
    b->pdf_cache = fs_join(b->repo->state_dir, GALLEY_CACHE);
    return 0;
}

void site_pdf_key(struct build *b, struct article *a)
{
    char name[48];
    snprintf(name, sizeof(name), "pdf/%lu", a->number);
    a->pdf_unit->c.name = xstrdup(name);
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s\narticle %s\nengine %s %s\nfonts %s\n", name, a->unit->c.key,
                b->pdf_engine, b->pdf_engine_id, b->pdf_fonts_id);
    site_key(&sb, a->pdf_unit->c.key);
    strbuf_release(&sb);
}

/*
 * Each article thread that typesets galleys has a driver of its own, started at its first
 * galley once a slot is free and kept to the thread's end (site_pdf_thread_done): a driver
 * must be asked and stopped on the thread that started it (util/process.h), and a thread's
 * galleys are typeset one after another anyway.
 */
static _Thread_local struct process_session *driver;
static _Thread_local struct build *driver_build;
static _Thread_local unsigned driver_jobs;

static void stop_driver(void)
{
    if (!driver)
        return;
    process_session_end(driver);
    driver = NULL;
    struct build *b = driver_build;
    pthread_mutex_lock(&b->pdf_lock);
    b->pdf_running--;
    pthread_cond_signal(&b->pdf_cond);
    pthread_mutex_unlock(&b->pdf_lock);
}

void site_pdf_thread_done(void)
{
    stop_driver();
}

static int start_driver(struct build *b)
{
    pthread_mutex_lock(&b->pdf_lock);
    while (b->pdf_running >= b->pdf_slots)
        pthread_cond_wait(&b->pdf_cond, &b->pdf_lock);
    b->pdf_running++;
    pthread_mutex_unlock(&b->pdf_lock);
    driver_build = b;
    driver_jobs = 0;
    const char *argv[] = {b->pdf_python, "-c", driver_source(), NULL};
    /* The spec's strings outlive the driver: the build's, and the compiled-in source. */
    struct process_spec spec = {.name = "WeasyPrint",
                                .program = b->pdf_python,
                                .argv = argv,
                                .install = INSTALL_WEASYPRINT,
                                .timeout = PDF_TIMEOUT_SECONDS,
                                .max_memory = PDF_MAX_MEMORY};
    int rc = process_session_start(&spec, &driver);
    if (rc) {
        pthread_mutex_lock(&b->pdf_lock);
        b->pdf_running--;
        pthread_cond_signal(&b->pdf_cond);
        pthread_mutex_unlock(&b->pdf_lock);
    }
    return rc;
}

/*
 * Typeset html into path with this thread's driver, or only lay it out when path is NULL;
 * *pages is the driver's page count. The base URL is the document's address on the site (an
 * article's folder, an issue's), so its links go there; what it loads (an article's figures) is
 * read from local, a folder of this machine that holds what is published beside it, and from
 * nowhere else: the driver refuses other addresses, the network and this machine's other
 * folders alike. (Markdown's file: and other URLs never reach the HTML: site/markdown.c.)
 * tagged: a tagged PDF (PDF/UA-1); an issue's cover and contents are not, for the issue PDF
 * they open would say it is tagged when only they are.
 */
static int typeset(struct build *b, const char *base, const struct strbuf *html, const char *local,
                   const char *path, unsigned long *pages, bool tagged)
{
    if (driver && driver_jobs >= PDF_DRIVER_JOBS)
        stop_driver();
    int rc = driver ? 0 : start_driver(b);
    if (rc)
        return rc;
    json_t *job = json_pack("{s:s%,s:s,s:s,s:b}", "html", html->buf ? html->buf : "", html->len,
                            "base_url", base, "local", local, "tagged", tagged);
    if (path)
        json_object_set_new(job, "pdf", json_string(path));
    char *line = json_dumps(job, JSON_COMPACT);
    json_decref(job);
    struct strbuf request = STRBUF_INIT, answer = STRBUF_INIT;
    strbuf_addf(&request, "%s\n", line ? line : "");
    free(line);
    rc = process_session_ask(driver, request.buf, request.len, &answer);
    strbuf_release(&request);
    driver_jobs++;
    char *end = NULL;
    if (rc)
        stop_driver();
    else if (strncmp(answer.buf ? answer.buf : "", "ok ", 3))
        rc = error_internal("WeasyPrint (%s) failed: %s", b->pdf_python,
                            answer.len > 6 ? answer.buf + 6 : "no answer");
    else if ((*pages = strtoul(answer.buf + 3, &end, 10)) == 0 || end == answer.buf + 3)
        rc =
            error_internal("WeasyPrint (%s) answered no page count: %s", b->pdf_python, answer.buf);
    strbuf_release(&answer);
    return rc;
}

int site_pdf_typeset(struct build *b, const struct strbuf *html, const char *base_path,
                     const char *local, const char *path, bool tagged)
{
    char *base = xasprintf(
        "%s%s", b->repo->config.base_url ? b->repo->config.base_url : "https://journal.invalid/",
        base_path);
    unsigned long pages = 0;
    int rc = typeset(b, base, html, local, path, &pages, tagged);
    free(base);
    return rc;
}

/*
 * A galley whose page count is not its range in the manifest, numbered from the galleys at
 * build-issue: the theme or the article changed since. The site is built (its numbers are the
 * manifest's, which citations and Crossref already carry), with a warning on this build and every
 * one after it (the unit's, kept with it) until the issue is renumbered, and journal doctor
 * reports it from the built galleys (workflow/doctor.c). Estimated ranges
 * (pdf: false when the issue was built) are not checked.
 */
static void check_galley_pages(const struct article *a, unsigned long pages)
{
    const struct issue_manifest *is = a->issue;
    const char *range = is->pages_typeset && is->pages && a->listed_at < is->narticles
                            ? is->pages[a->listed_at]
                            : NULL;
    const char *dash = range ? strchr(range, '-') : NULL;
    if (!dash)
        return;
    unsigned long first = strtoul(range, NULL, 10), last = strtoul(dash + 1, NULL, 10);
    if (last >= first && last - first + 1 == pages)
        return;
    free(a->pdf_unit->c.warnings);
    a->pdf_unit->c.warnings =
        xasprintf("issues/%lu.yaml: submission %lu has pages %s (%lu pages) but its PDF galley "
                  "articles/%lu/article.pdf has %lu: the page numbers on the site and in the "
                  "citations no longer match the galley (the theme or the article changed since "
                  "the issue was built); renumber the issue with journal build-issue %lu --correct "
                  "\"NOTE\" (and the later issues of volume %lu), see docs/editors.md",
                  is->id, a->number, range, last >= first ? last - first + 1 : 0, a->number, pages,
                  is->id, is->volume);
}

/*
 * The galley cache, .journal/galleys: each galley typeset (KEY.pdf) and each page count of a
 * galley only laid out (KEY.pages, build-issue's), under the key of exactly what went into the
 * typesetter: the print HTML (the article, its issue and range, journal.yaml, the theme's
 * template and stylesheet are all in it), the figures it loads, its base URL, the driver, the
 * engine's program and Python, and the fonts installed (galley_key). So a galley is typeset
 * once for any number of builds and output folders: build-site into another folder, after
 * --no-pdf, after the site folder was deleted, or with an edit undone takes it from the cache.
 * Derived and outside git like the index: deleting it only means typesetting again. A galley
 * no build used for GALLEY_CACHE_DAYS days is removed at the end of build-site
 * (site_pdf_prune_cache).
 */
static void galley_key(const struct build *b, const struct article *a, const char *base,
                       const struct strbuf *html, char key[SITE_CACHE_KEY_SIZE])
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "journal galley 1\ndriver %s\npython %s\nengine %s %s\nfonts %s\nbase %s\n",
                driver_source(), b->pdf_python, b->pdf_engine, b->pdf_engine_id, b->pdf_fonts_id,
                base);
    for (size_t i = 0; i < a->nfigures; i++) {
        strbuf_addf(&sb, "figure %s %zu\n", a->figures[i].path, a->figures[i].data.len);
        strbuf_add(&sb, a->figures[i].data.buf ? a->figures[i].data.buf : "",
                   a->figures[i].data.len);
    }
    strbuf_addf(&sb, "\nhtml %zu\n", html->len);
    strbuf_add(&sb, html->buf ? html->buf : "", html->len);
    site_key(&sb, key);
    strbuf_release(&sb);
}

/* The cached file KEY.EXT into out, its time set to now (used now: kept); false when the cache
   has none. */
static bool cache_read(const struct build *b, const char *key, const char *ext, struct strbuf *out)
{
    char name[SITE_CACHE_KEY_SIZE + 16];
    snprintf(name, sizeof(name), "%s.%s", key, ext);
    char *path = fs_join(b->pdf_cache, name);
    bool found = fs_exists(path) && !fs_read_file(path, out);
    if (found)
        utimensat(AT_FDCWD, path, NULL, 0);
    else
        error_clear();
    free(path);
    return found;
}

/* KEY.EXT into the cache. A cache that cannot be written is no error: the galley is made all
   the same, and typeset again next time. */
static void cache_write(const struct build *b, const char *key, const char *ext, const char *data,
                        size_t len)
{
    char name[SITE_CACHE_KEY_SIZE + 16];
    snprintf(name, sizeof(name), "%s.%s", key, ext);
    char *path = fs_join(b->pdf_cache, name);
    if (fs_mkdirs(b->pdf_cache) || fs_write_atomic(path, data, len))
        error_clear();
    free(path);
}

/* The page count of a PDF galley, or 0 when data is none. */
static unsigned long galley_pages(const struct strbuf *pdf)
{
    unsigned long pages = 0;
    if (pdf->len < 5 || memcmp(pdf->buf, "%PDF-", 5) || pdf_page_count(pdf->buf, pdf->len, &pages))
        return 0;
    return pages;
}

/* Typeset (or, path NULL, lay out) html with a's figures, which are put where the text's links
   (files/...) lead from the article's address, in a folder of the staging folder removed
   whatever happens. */
static int typeset_article(struct build *b, const struct article *a, const char *base,
                           const struct strbuf *html, const char *path, unsigned long *pages)
{
    char name[64];
    snprintf(name, sizeof(name), ".pdf-%lu", a->number);
    char *local = fs_join(b->staging, name);
    int rc = fs_mkdirs(local);
    for (size_t i = 0; !rc && i < a->nfigures; i++) {
        char *rel = xasprintf("files/%s", a->figures[i].path);
        char *file = fs_join(local, rel);
        rc = fs_mkdirs_parent(file);
        if (!rc)
            rc = fs_write_file(file, a->figures[i].data.buf ? a->figures[i].data.buf : "",
                               a->figures[i].data.len);
        free(file);
        free(rel);
    }
    if (!rc)
        rc = typeset(b, base, html, local, path, pages, true);
    fs_remove_tree(local);
    free(local);
    return rc;
}

/* The page count of a's galley for build-issue: the cache's, else WeasyPrint lays the HTML out
   (its layout gives the count; the PDF, a third of the cost, is not written). */
static int count_pages(struct build *b, const struct article *a, const char *base,
                       const struct strbuf *html, const char *key)
{
    struct strbuf cached = STRBUF_INIT;
    unsigned long pages = 0;
    if (cache_read(b, key, "pdf", &cached))
        pages = galley_pages(&cached);
    else if (cache_read(b, key, "pages", &cached))
        pages = strtoul(cached.buf, NULL, 10);
    strbuf_release(&cached);
    int rc = 0;
    if (pages) {
        atomic_fetch_add(&b->pdf_reused, 1);
    } else {
        rc = typeset_article(b, a, base, html, NULL, &pages);
        if (!rc) {
            char text[32];
            int len = snprintf(text, sizeof(text), "%lu\n", pages);
            cache_write(b, key, "pages", text, (size_t)len);
        }
    }
    if (!rc)
        b->pdf_counts[a - b->articles] = pages;
    return rc;
}

int site_make_pdf(struct build *b, const struct article *a, const struct view *v, json_t *ctx)
{
    char rel[64];
    snprintf(rel, sizeof(rel), "articles/%lu/article.pdf", a->number);
    struct strbuf html = STRBUF_INIT;
    int rc = mustache_set_render_shared(b->templates, PDF_TEMPLATE, v->shared, ctx, &html);
    json_decref(ctx);
    if (rc) {
        error_prefix("rendering the print HTML of %s", rel);
        strbuf_release(&html);
        return rc;
    }
    char *base =
        xasprintf("%sarticles/%lu/",
                  b->repo->config.base_url ? b->repo->config.base_url : "https://journal.invalid/",
                  a->number);
    char key[SITE_CACHE_KEY_SIZE];
    galley_key(b, a, base, &html, key);
    if (b->pdf_count_only) {
        rc = count_pages(b, a, base, &html, key);
        strbuf_release(&html);
        free(base);
        if (rc)
            error_prefix("the PDF galley of article %lu", a->number);
        return rc;
    }
    struct strbuf pdf = STRBUF_INIT;
    unsigned long pages = 0;
    if (cache_read(b, key, "pdf", &pdf) && (pages = galley_pages(&pdf))) {
        atomic_fetch_add(&b->pdf_reused, 1);
    } else {
        /* The engine writes into the staging folder under a name no site file has (a dot
           first), removed whatever happens: a new output folder gets the staging folder's
           tree whole. */
        strbuf_setlen(&pdf, 0);
        char name[64];
        snprintf(name, sizeof(name), ".pdf-%lu.pdf", a->number);
        char *path = fs_join(b->staging, name);
        unsigned long answered = 0;
        rc = typeset_article(b, a, base, &html, path, &answered);
        if (!rc)
            rc = fs_read_file(path, &pdf);
        if (!rc && !(pages = galley_pages(&pdf)))
            rc = error_internal("WeasyPrint (%s) wrote no PDF with pages into %s", b->pdf_engine,
                                path);
        if (!rc) {
            atomic_fetch_add(&b->pdf_typeset, 1);
            atomic_fetch_add(&b->pdf_pages, pages);
            cache_write(b, key, "pdf", pdf.buf, pdf.len);
        }
        unlink(path);
        free(path);
    }
    strbuf_release(&html);
    free(base);
    if (!rc) {
        check_galley_pages(a, pages);
        site_unit_writing(a->pdf_unit);
        rc = site_write_output(b, rel, pdf.buf, pdf.len);
        site_unit_writing(a->unit);
    }
    strbuf_release(&pdf);
    if (rc)
        error_prefix("the PDF galley of article %lu", a->number);
    return rc;
}

void site_pdf_prune_cache(const struct build *b)
{
    DIR *d = b->pdf_cache ? opendir(b->pdf_cache) : NULL;
    if (!d)
        return;
    time_t old = time(NULL) - (time_t)GALLEY_CACHE_DAYS * 24 * 3600;
    for (struct dirent *e; (e = readdir(d));) {
        struct stat st;
        if (e->d_name[0] != '.' && !fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
            S_ISREG(st.st_mode) && st.st_mtime < old)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

/* ---- footnotes at the foot of the page ---- */

/* The end of the element that starts at p (after its start tag) named tag ("li"), counting
   the same elements nested in it; NULL when it does not end. */
static const char *element_end(const char *p, const char *tag)
{
    char open[16], close[16];
    snprintf(open, sizeof(open), "<%s", tag);
    snprintf(close, sizeof(close), "</%s>", tag);
    size_t open_len = strlen(open);
    int depth = 1;
    for (const char *q = p; (q = strchr(q, '<'));) {
        if (!strncmp(q, close, strlen(close))) {
            if (!--depth)
                return q;
            q += strlen(close);
        } else if (!strncmp(q, open, open_len) && (q[open_len] == '>' || q[open_len] == ' ')) {
            depth++;
            q += open_len;
        } else {
            q++;
        }
    }
    return NULL;
}

struct note {
    char *label; /* "1", from id="fn-1" */
    struct strbuf text;
    bool used;
};

static void trim_spaces(struct strbuf *sb)
{
    size_t len = sb->len;
    while (len && (sb->buf[len - 1] == ' ' || sb->buf[len - 1] == '\n'))
        len--;
    strbuf_setlen(sb, len);
}

/* The note's content as inline text: its backlink dropped, its paragraphs run together. */
static void note_text(struct strbuf *out, const char *s, size_t len)
{
    char *copy = xstrndup(s, len);
    char *p = copy;
    while (*p == '\n')
        p++;
    for (;;) {
        char *back = strstr(p, "<a href=\"#fnref-");
        char *para = strstr(p, "<p>");
        char *end_para = strstr(p, "</p>");
        char *next = back;
        if (!next || (para && para < next))
            next = para;
        if (!next || (end_para && end_para < next))
            next = end_para;
        if (!next) {
            strbuf_addstr(out, p);
            break;
        }
        strbuf_add(out, p, (size_t)(next - p));
        if (next == back) {
            char *close = strstr(back, "</a>");
            if (!close) {
                strbuf_addstr(out, back);
                break;
            }
            p = close + 4;
            /* The space before the backlink goes with it. */
            trim_spaces(out);
        } else if (next == para) {
            trim_spaces(out);
            if (out->len)
                strbuf_addch(out, ' ');
            p = para + 3;
        } else {
            p = end_para + 4;
        }
    }
    trim_spaces(out);
    free(copy);
}

void site_pdf_footnotes(const char *html, struct strbuf *out)
{
    const char *section = strstr(html, "<section class=\"footnotes\"");
    const char *section_end = section ? strstr(section, "</section>") : NULL;
    if (!section || !section_end) {
        strbuf_addstr(out, html);
        return;
    }
    struct note *notes = NULL;
    size_t n = 0, alloc = 0;
    for (const char *li = section; (li = strstr(li, "<li id=\"fn-")) && li < section_end;) {
        const char *label = li + strlen("<li id=\"fn-");
        const char *quote = strchr(label, '"');
        const char *body = quote ? strchr(quote, '>') : NULL;
        const char *end = body ? element_end(body + 1, "li") : NULL;
        if (!end)
            break;
        ARRAY_GROW(notes, n + 1, alloc);
        notes[n] = (struct note){xstrndup(label, (size_t)(quote - label)), STRBUF_INIT, false};
        note_text(&notes[n].text, body + 1, (size_t)(end - body - 1));
        n++;
        li = end;
    }
    /* The body before the notes, each first call replaced by its note. */
    static const char call[] = "<sup class=\"footnote-ref\"><a href=\"#fn-";
    const char *p = html;
    for (const char *c; (c = strstr(p, call)) && c < section;) {
        const char *label = c + strlen(call);
        const char *quote = strchr(label, '"');
        const char *sup_end = quote ? strstr(quote, "</sup>") : NULL;
        if (!sup_end)
            break;
        sup_end += strlen("</sup>");
        struct note *found = NULL;
        for (size_t i = 0; i < n && !found; i++)
            if (!notes[i].used && strlen(notes[i].label) == (size_t)(quote - label) &&
                !strncmp(notes[i].label, label, (size_t)(quote - label)))
                found = &notes[i];
        strbuf_add(out, p, (size_t)((found ? c : sup_end) - p));
        if (found) {
            strbuf_addstr(out, "<span class=\"footnote\">");
            strbuf_add(out, found->text.buf ? found->text.buf : "", found->text.len);
            strbuf_addstr(out, "</span>");
            found->used = true;
        }
        p = sup_end;
    }
    /* Notes never called stay at the end, as they were. */
    bool all_used = true;
    for (size_t i = 0; i < n; i++)
        all_used = all_used && notes[i].used;
    if (all_used && n) {
        strbuf_add(out, p, (size_t)(section - p));
        strbuf_addstr(out, section_end + strlen("</section>"));
    } else {
        strbuf_addstr(out, p);
    }
    for (size_t i = 0; i < n; i++) {
        free(notes[i].label);
        strbuf_release(&notes[i].text);
    }
    free(notes);
}

/* ---- the issue PDF: cover, contents and every galley, joined by qpdf ---- */

#define ISSUE_PDF_TEMPLATE "issue-pdf"

#define INSTALL_QPDF                                                                               \
    "install Debian's qpdf ('apt-get install qpdf', which scripts/install-deps does), or set "     \
    "JOURNAL_QPDF to the qpdf program; or do without PDFs: 'pdf: false' in journal.yaml, or "      \
    "build-site --no-pdf for one build"

/* qpdf copies pages and writes them out; an issue of a few hundred pages takes a second. */
#define QPDF_TIMEOUT_SECONDS 300.0
#define QPDF_MAX_MEMORY      ((size_t)2 << 30)

int site_issue_pdf_locate(struct build *b)
{
    struct stat st;
    const char *env = getenv("JOURNAL_QPDF");
    char *found = env && *env ? (strchr(env, '/') ? xstrdup(env) : process_on_path(env, &st))
                              : process_on_path("qpdf", &st);
    if (!found || !process_executable(found, &st)) {
        free(found);
        return error_input("%s%s%sjournal joins each issue's cover, contents and galleys into "
                           "the issue PDF with qpdf, which is not installed: %s",
                           env && *env ? "JOURNAL_QPDF=" : "", env && *env ? env : "",
                           env && *env ? ": no such program; " : "", INSTALL_QPDF);
    }
    /* A theme made before the issue PDF has no issue-pdf template: the default theme's, compiled
       in (it uses the theme's pdf-style and strings the theme has had since the galleys). */
    int rc = 0;
    if (!mustache_set_has(b->templates, ISSUE_PDF_TEMPLATE)) {
        const char *builtin = "themes/default/templates/" ISSUE_PDF_TEMPLATE ".mustache";
        rc = error_internal("%s is not compiled into journal", builtin);
        for (size_t i = 0; i < default_theme_nfiles; i++)
            if (!strcmp(default_theme_files[i].path, builtin)) {
                error_clear();
                rc = mustache_set_add(b->templates, ISSUE_PDF_TEMPLATE,
                                      (const char *)default_theme_files[i].data,
                                      default_theme_files[i].size);
                if (rc)
                    error_prefix("%s", builtin);
                break;
            }
    }
    if (rc) {
        free(found);
        return rc;
    }
    b->qpdf = found;
    snprintf(b->qpdf_id, sizeof(b->qpdf_id), "%ju %ju %jd %ld.%09ld %ld.%09ld",
             (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, (intmax_t)st.st_size,
             (long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec, (long)st.st_ctim.tv_sec,
             (long)st.st_ctim.tv_nsec);
    return 0;
}

void site_issue_pdf_decide(struct build *b,
                           const git_oid *(*manifest)(const struct build *, unsigned long))
{
    if (!b->pdf_units || !b->qpdf)
        return;
    b->issue_pdfs = xcalloc(b->nissues ? b->nissues : 1, sizeof(*b->issue_pdfs));
    for (size_t i = 0; i < b->nissues; i++) {
        const struct issue_manifest *is = &b->issues[i];
        if (!is->narticles)
            continue;
        struct issue_pdf *ip = &b->issue_pdfs[b->nissue_pdfs++];
        ip->issue = is;
        char name[48];
        snprintf(name, sizeof(name), "issue-pdf/%lu", is->id);
        ip->unit.c.name = xstrdup(name);
        /* Its parts: each galley (whose key holds its article, the issue, the theme,
           journal.yaml and the engine), the manifest (its titles and page ranges) and qpdf. */
        struct strbuf sb = STRBUF_INIT;
        strbuf_addf(&sb, "%s\nglobal %s\nqpdf %s %s\n", name, b->global_key, b->qpdf, b->qpdf_id);
        const git_oid *blob = manifest(b, is->id);
        char hex[GIT_OID_HEXSZ + 1] = "-";
        if (blob)
            git_oid_tostr(hex, sizeof(hex), blob);
        strbuf_addf(&sb, "manifest %s\n", hex);
        for (size_t k = 0; k < is->narticles; k++) {
            const struct article *a = site_find_article(b, is->articles[k]);
            strbuf_addf(&sb, "galley %lu %s\n", is->articles[k],
                        a && a->pdf_unit ? a->pdf_unit->c.key : "-");
        }
        site_key(&sb, ip->unit.c.key);
        strbuf_release(&sb);
        site_unit_decide(b, &ip->unit);
        if (!ip->unit.make) {
            char rel[64];
            snprintf(rel, sizeof(rel), "issues/%lu/issue.pdf", is->id);
            char *path = fs_join(b->out, rel);
            struct stat st;
            if (stat(path, &st) == 0)
                ip->size = (size_t)st.st_size;
            free(path);
        }
    }
}

const struct issue_pdf *site_issue_pdf_of(const struct build *b, const struct issue_manifest *is)
{
    for (size_t i = 0; i < b->nissue_pdfs; i++)
        if (b->issue_pdfs[i].issue == is)
            return &b->issue_pdfs[i];
    return NULL;
}

static int run_qpdf(const struct build *b, const char *const *argv, struct strbuf *out)
{
    struct process_spec spec = {.name = "qpdf",
                                .program = b->qpdf,
                                .argv = argv,
                                .install = INSTALL_QPDF,
                                .timeout = QPDF_TIMEOUT_SECONDS,
                                .max_memory = QPDF_MAX_MEMORY};
    return process_run(&spec, out, NULL);
}

/* qpdf's JSON (version 2) of the objects of path that its options select; *json to decref. */
static int qpdf_json(const struct build *b, const char *path, const char *const *options,
                     json_t **json)
{
    const char *argv[12] = {b->qpdf, "--json=2"};
    size_t n = 2;
    for (size_t i = 0; options[i] && n < 10; i++)
        argv[n++] = options[i];
    argv[n++] = path;
    argv[n] = NULL;
    struct strbuf out = STRBUF_INIT;
    int rc = run_qpdf(b, argv, &out);
    json_error_t err;
    *json = rc ? NULL : json_loadb(out.buf ? out.buf : "", out.len, 0, &err);
    if (!rc && !*json)
        rc = error_internal("qpdf (%s) wrote JSON that cannot be read: %s", b->qpdf, err.text);
    strbuf_release(&out);
    return rc;
}

/* A string of the PDF as qpdf's JSON writes one: "u:" and its UTF-8. */
static json_t *pdf_text(const char *s)
{
    char *text = xasprintf("u:%s", s ? s : "");
    json_t *j = json_string(text);
    free(text);
    return j ? j : json_string("u:");
}

/*
 * An outline item of the issue: {"title", "page" (from 0), "top" (a height on the page, or
 * none: the whole page), "kids"}. The galley's own items, from qpdf's JSON of its outline
 * ({"title", "dest": [page, "/XYZ", left, top, zoom], "destpageposfrom1", "kids"}), moved by
 * first pages; an item whose page is unknown is left out with its kids.
 */
static json_t *outline_item(const char *title, size_t page, json_t *top, json_t *kids)
{
    return json_pack("{s:s,s:I,s:o,s:o}", "title", title ? title : "", "page", (json_int_t)page,
                     "top", top ? top : json_null(), "kids", kids ? kids : json_array());
}

static json_t *galley_items(json_t *list, size_t first)
{
    json_t *items = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        json_int_t at = json_integer_value(json_object_get(o, "destpageposfrom1"));
        const char *title = json_string_value(json_object_get(o, "title"));
        if (at < 1 || !title)
            continue;
        json_t *dest = json_object_get(o, "dest");
        json_t *top = NULL;
        if (json_is_array(dest) &&
            !strcmp(json_string_value(json_array_get(dest, 1))
                        ? json_string_value(json_array_get(dest, 1))
                        : "",
                    "/XYZ") &&
            json_is_number(json_array_get(dest, 3)))
            top = json_deep_copy(json_array_get(dest, 3));
        json_array_append_new(items, outline_item(title, first + (size_t)at - 1, top,
                                                  galley_items(json_object_get(o, "kids"), first)));
    }
    return items;
}

/* "N 0 R" */
static json_t *ref(json_int_t n)
{
    char text[48];
    snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT " 0 R", n);
    return json_string(text);
}

/*
 * The items of list as outline objects numbered from *next on (siblings first, then each one's
 * kids), children of parent, into objects; pages: qpdf's JSON of the issue's pages. An item
 * with kids is shown open when open (its kids' kids never are): the issue's outline opens on
 * its articles, each closed over its sections. Returns how many items list has, or -1 for a
 * page the issue does not have.
 */
static long write_items(json_t *objects, json_t *pages, json_t *list, json_int_t parent,
                        json_int_t *next, bool open)
{
    size_t n = json_array_size(list);
    json_int_t first = *next;
    *next += (json_int_t)n;
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(list, i);
        const char *page = json_string_value(json_object_get(
            json_array_get(pages, (size_t)json_integer_value(json_object_get(o, "page"))),
            "object"));
        if (!page)
            return -1;
        json_t *item = json_object();
        json_object_set_new(item, "/Title",
                            pdf_text(json_string_value(json_object_get(o, "title"))));
        json_object_set_new(item, "/Parent", ref(parent));
        if (i)
            json_object_set_new(item, "/Prev", ref(first + (json_int_t)i - 1));
        if (i + 1 < n)
            json_object_set_new(item, "/Next", ref(first + (json_int_t)i + 1));
        json_t *top = json_object_get(o, "top");
        json_object_set_new(item, "/Dest",
                            json_is_number(top) ? json_pack("[s,s,n,O,n]", page, "/XYZ", top)
                                                : json_pack("[s,s]", page, "/Fit"));
        json_t *kids = json_object_get(o, "kids");
        if (json_array_size(kids)) {
            json_int_t kid = *next;
            long count = write_items(objects, pages, kids, first + (json_int_t)i, next, false);
            if (count < 0) {
                json_decref(item);
                return -1;
            }
            json_object_set_new(item, "/First", ref(kid));
            json_object_set_new(item, "/Last", ref(kid + count - 1));
            json_object_set_new(item, "/Count", json_integer(open ? count : -count));
        }
        char key[64];
        snprintf(key, sizeof(key), "obj:%" JSON_INTEGER_FORMAT " 0 R", first + (json_int_t)i);
        json_object_set_new(objects, key, json_pack("{s:o}", "value", item));
    }
    return (long)n;
}

/*
 * The outline (bookmarks) of the joined issue at joined, written into path: the contents, then
 * each article by its title at its first page (firsts[k], from 0), with its galley's own
 * outline (its sections) under it. qpdf joins pages but keeps the outline of the first file
 * only, so the outline is made here, in qpdf's JSON, and put into the file by qpdf
 * --update-from-json (qpdf 11).
 */
static int add_outline(struct build *b, const struct issue_pdf *ip, const char *joined,
                       const char *json_path, const char *path, const size_t *firsts,
                       char *const *galleys, const char *const *titles, size_t contents_page)
{
    json_t *doc = NULL, *root_doc = NULL;
    static const char *const first_options[] = {"--json-key=pages", "--json-key=qpdf",
                                                "--json-object=trailer", NULL};
    int rc = qpdf_json(b, joined, first_options, &doc);
    json_t *objs = rc ? NULL : json_array_get(json_object_get(doc, "qpdf"), 1);
    json_t *header = rc ? NULL : json_array_get(json_object_get(doc, "qpdf"), 0);
    json_t *pages = rc ? NULL : json_object_get(doc, "pages");
    const char *root = json_string_value(
        json_object_get(json_object_get(json_object_get(objs, "trailer"), "value"), "/Root"));
    json_int_t max = json_integer_value(json_object_get(header, "maxobjectid"));
    if (!rc && (!root || !json_is_array(pages) || max <= 0))
        rc = error_internal("qpdf (%s) did not say where %s's pages and catalog are", b->qpdf,
                            joined);
    char *root_key = root ? xasprintf("obj:%s", root) : NULL;
    char *root_option = root ? xasprintf("--json-object=%s", root) : NULL;
    if (!rc) {
        const char *options[] = {"--json-key=qpdf", root_option, NULL};
        rc = qpdf_json(b, joined, options, &root_doc);
    }
    json_t *catalog =
        rc ? NULL
           : json_object_get(
                 json_object_get(json_array_get(json_object_get(root_doc, "qpdf"), 1), root_key),
                 "value");
    if (!rc && !json_is_object(catalog))
        rc = error_internal("qpdf (%s) did not give %s's catalog", b->qpdf, joined);
    /* The contents, then each article with its galley's outline: the galley's title (its h1)
       is the article's item itself, so a galley whose outline is one item gives its kids. */
    json_t *items = json_array();
    if (!rc)
        json_array_append_new(items, outline_item(titles[0], contents_page, NULL, NULL));
    for (size_t k = 0; !rc && k < ip->issue->narticles; k++) {
        static const char *const options[] = {"--json-key=outlines", NULL};
        json_t *outline = NULL;
        rc = qpdf_json(b, galleys[k], options, &outline);
        json_t *list = json_object_get(outline, "outlines");
        if (json_array_size(list) == 1)
            list = json_object_get(json_array_get(list, 0), "kids");
        if (!rc)
            json_array_append_new(
                items, outline_item(titles[k + 1], firsts[k], NULL, galley_items(list, firsts[k])));
        json_decref(outline);
    }
    if (!rc) {
        json_t *objects = json_object();
        json_int_t outlines = max + 1, next = max + 2;
        long count = write_items(objects, pages, items, outlines, &next, false);
        if (count < 0)
            rc = error_internal("%s: an outline item leads to a page it does not have", joined);
        json_t *cat = json_deep_copy(catalog);
        json_object_set_new(cat, "/Outlines", ref(outlines));
        json_object_set_new(cat, "/PageMode", json_string("/UseOutlines"));
        json_object_set_new(objects, root_key, json_pack("{s:o}", "value", cat));
        char key[64];
        snprintf(key, sizeof(key), "obj:%" JSON_INTEGER_FORMAT " 0 R", outlines);
        json_object_set_new(objects, key,
                            json_pack("{s:{s:s,s:o,s:o,s:I}}", "value", "/Type", "/Outlines",
                                      "/First", ref(max + 2), "/Last",
                                      ref(max + 2 + (count > 0 ? count : 1) - 1), "/Count",
                                      (json_int_t)count));
        json_t *update = json_pack("{s:[O,o]}", "qpdf", header, objects);
        char *text = json_dumps(update, JSON_COMPACT);
        json_decref(update);
        if (!rc)
            rc = fs_write_file(json_path, text ? text : "", text ? strlen(text) : 0);
        free(text);
        char *update_option = xasprintf("--update-from-json=%s", json_path);
        const char *argv[] = {b->qpdf, "--warning-exit-0", joined, update_option, path, NULL};
        if (!rc)
            rc = run_qpdf(b, argv, NULL);
        free(update_option);
    }
    json_decref(items);
    free(root_key);
    free(root_option);
    json_decref(doc);
    json_decref(root_doc);
    return rc;
}

int site_make_issue_pdf(struct build *b, struct issue_pdf *ip, json_t *ctx)
{
    const struct issue_manifest *is = ip->issue;
    char rel[64];
    snprintf(rel, sizeof(rel), "issues/%lu/issue.pdf", is->id);
    /* The article titles for the outline, read before the context goes. */
    size_t n = is->narticles;
    char **titles = xcalloc(n + 2, sizeof(*titles));
    titles[0] = xstrdup(json_string_value(json_object_get(ctx, "contents_label"))
                            ? json_string_value(json_object_get(ctx, "contents_label"))
                            : "Contents");
    json_t *articles = json_object_get(json_object_get(ctx, "issue"), "articles");
    for (size_t k = 0; k < n; k++) {
        const char *t = json_string_value(json_object_get(json_array_get(articles, k), "title"));
        titles[k + 1] = xstrdup(t ? t : "");
    }
    struct strbuf html = STRBUF_INIT;
    int rc = mustache_set_render_shared(b->templates, ISSUE_PDF_TEMPLATE, b->views[0].shared, ctx,
                                        &html);
    json_decref(ctx);
    if (rc)
        error_prefix("rendering the cover and contents of %s", rel);
    /* Scratch files in the staging folder under names no site file has, removed whatever
       happens. */
    char name[64];
    snprintf(name, sizeof(name), ".issue-pdf-%lu", is->id);
    char *local = fs_join(b->staging, name);
    char *front = xasprintf("%s.front.pdf", local);
    char *joined = xasprintf("%s.joined.pdf", local);
    char *json_path = xasprintf("%s.json", local);
    char *path = xasprintf("%s.pdf", local);
    if (!rc)
        rc = fs_mkdirs(local);
    char base[48];
    snprintf(base, sizeof(base), "issues/%lu/", is->id);
    if (!rc)
        rc = site_pdf_typeset(b, &html, base, local, front, false);
    strbuf_release(&html);
    /* The front's pages, then each galley's: where each article starts in the issue. */
    struct strbuf pdf = STRBUF_INIT;
    unsigned long pages = 0;
    if (!rc)
        rc = fs_read_file(front, &pdf);
    if (!rc && pdf_page_count(pdf.buf, pdf.len, &pages))
        rc =
            error_internal("WeasyPrint (%s) wrote no PDF with pages into %s", b->pdf_engine, front);
    size_t *firsts = xcalloc(n + 1, sizeof(*firsts));
    char **galleys = xcalloc(n + 1, sizeof(*galleys));
    size_t at = pages;
    for (size_t k = 0; !rc && k < n; k++) {
        const struct article *a = site_find_article(b, is->articles[k]);
        char galley_rel[64];
        snprintf(galley_rel, sizeof(galley_rel), "articles/%lu/article.pdf", is->articles[k]);
        galleys[k] = a && a->pdf_unit ? site_unit_file(b, a->pdf_unit, galley_rel) : NULL;
        if (!galleys[k]) {
            rc = error_internal("%s: the galley of submission %lu is not in this build", rel,
                                is->articles[k]);
            break;
        }
        strbuf_reset(&pdf);
        unsigned long count = 0;
        rc = fs_read_file(galleys[k], &pdf);
        if (!rc && pdf_page_count(pdf.buf, pdf.len, &count))
            rc = error_internal("%s: no page count in the galley of submission %lu", galleys[k],
                                is->articles[k]);
        firsts[k] = at;
        at += count;
    }
    /* qpdf FRONT --pages FRONT GALLEY... -- OUT: the front first, whose metadata (the issue's
       title, the journal) the issue keeps. */
    if (!rc) {
        const char **argv = xcalloc(n + 10, sizeof(*argv));
        size_t k = 0;
        argv[k++] = b->qpdf;
        argv[k++] = "--warning-exit-0";
        argv[k++] = front;
        argv[k++] = "--pages";
        argv[k++] = front;
        for (size_t i = 0; i < n; i++)
            argv[k++] = galleys[i];
        argv[k++] = "--";
        argv[k++] = joined;
        argv[k] = NULL;
        rc = run_qpdf(b, argv, NULL);
        free(argv);
    }
    if (!rc)
        rc = add_outline(b, ip, joined, json_path, path, firsts, galleys,
                         (const char *const *)titles, pages > 1 ? 1 : 0);
    strbuf_reset(&pdf);
    if (!rc)
        rc = fs_read_file(path, &pdf);
    if (!rc) {
        ip->size = pdf.len;
        site_unit_writing(&ip->unit);
        rc = site_write_output(b, rel, pdf.buf, pdf.len);
        site_unit_writing(NULL);
    }
    strbuf_release(&pdf);
    unlink(front);
    unlink(joined);
    unlink(json_path);
    unlink(path);
    fs_remove_tree(local);
    for (size_t k = 0; k < n; k++)
        free(galleys[k]);
    free(galleys);
    free(firsts);
    for (size_t k = 0; k < n + 1; k++)
        free(titles[k]);
    free(titles);
    free(front);
    free(joined);
    free(json_path);
    free(path);
    free(local);
    if (rc)
        error_prefix("the PDF of issue %lu", is->id);
    return rc;
}
