#define _POSIX_C_SOURCE 200809L
#include "cmd/commands.h"
#include "site/site.h"
#include "store/repo.h"
#include "util/error.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct uncommitted {
    const char *dir;
    int status;
    size_t changed;
    char *first;
    double ms;
};

static double elapsed_ms(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) * 1e3 +
           (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* Through a repository handle of its own: libgit2's objects serve one thread at a time. */
static void *look_for_uncommitted(void *arg)
{
    struct uncommitted *look = arg;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct journal_repo *repo = NULL;
    look->status = repo_open(&repo, look->dir);
    if (!look->status)
        look->status = repo_uncommitted(repo, &look->changed, &look->first);
    repo_free(repo);
    /* The warning is best effort: a failure to compute it is not the build's. */
    error_clear();
    look->ms = elapsed_ms(&start);
    return NULL;
}

/* -j N, -jN, --jobs N and --jobs=N, as make and git take them: 1 taken, 0 not -j. */
static int jobs_option(int argc, char **argv, int *i, unsigned *jobs)
{
    const char *value = NULL;
    int rc = cli_option_value(argc, argv, i, "--jobs", &value);
    if (!rc)
        rc = cli_option_value(argc, argv, i, "-j", &value);
    if (!rc && !strncmp(argv[*i], "-j", 2) && argv[*i][2]) {
        value = argv[*i] + 2;
        rc = 1;
    }
    if (rc <= 0)
        return rc;
    unsigned long n;
    if (cli_parse_number(value, &n) || n > 256)
        return error_usage("-j takes a number of threads from 1 to 256");
    *jobs = (unsigned)n;
    return 1;
}

int cmd_build_site(int argc, char **argv, struct cli *cli)
{
    struct site_options opt = {NULL};
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_common_option(argv[i], cli))
            continue;
        if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
            opt.output_dir = argv[++i];
        else if (!strncmp(argv[i], "--output=", 9))
            opt.output_dir = argv[i] + 9;
        else if (!strcmp(argv[i], "--force"))
            opt.force = true;
        else if (!strcmp(argv[i], "--draft"))
            opt.draft = true;
        else if (!strcmp(argv[i], "--no-pdf"))
            opt.no_pdf = true;
        else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v"))
            opt.verbose = stderr;
        else if ((rc = jobs_option(argc, argv, &i, &opt.jobs)) < 0)
            return rc;
        else if (!rc)
            return error_usage("unexpected argument '%s'", argv[i]);
    }
    /* A bar is for someone watching a terminal; --verbose prints lines of its own instead. */
    opt.progress = !opt.verbose && isatty(STDERR_FILENO);
    opt.progress_after = 1.0;
    /* For the tests, which cannot make a build take a second, or have 50,000 pages or 5,000
       articles (or 250 in a part of the search index). */
    const char *after = getenv("JOURNAL_PROGRESS_AFTER");
    if (after && *after)
        opt.progress_after = atof(after);
    const char *max_urls = getenv("JOURNAL_SITEMAP_MAX_URLS");
    if (max_urls && *max_urls)
        opt.sitemap_max_urls = strtoul(max_urls, NULL, 10);
    const char *page_size = getenv("JOURNAL_INDEX_PAGE_SIZE");
    if (page_size && *page_size)
        opt.index_page_size = strtoul(page_size, NULL, 10);
    const char *shard_size = getenv("JOURNAL_SEARCH_SHARD_SIZE");
    if (shard_size && *shard_size)
        opt.search_shard_size = strtoul(shard_size, NULL, 10);
    const char *max_records = getenv("JOURNAL_OAI_MAX_RECORDS");
    if (max_records && *max_records)
        opt.oai_max_records = strtoul(max_records, NULL, 10);
    struct journal_repo *repo = NULL;
    struct site_stats st = {0};
    rc = repo_open(&repo, cli->dir);
    /* An edit the user forgot to commit is not on the site: worth a warning. Looking for one
       means a stat of every file of the journal, done on a thread of its own meanwhile. */
    struct uncommitted look = {.dir = cli->dir, .status = -1};
    pthread_t looker;
    bool looking = !rc && pthread_create(&looker, NULL, look_for_uncommitted, &look) == 0;
    if (!rc)
        rc = site_build(repo, &opt, &st);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack(
                "{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "output",
                st.output_dir, "pages", (json_int_t)st.pages, "rendered", (json_int_t)st.rendered,
                "files", (json_int_t)st.files, "removed", (json_int_t)st.removed, "issues",
                (json_int_t)st.issues, "articles", (json_int_t)st.articles, "assets",
                (json_int_t)st.assets, "pdfs", (json_int_t)st.pdfs, "typeset",
                (json_int_t)st.typeset, "typeset_pages", (json_int_t)st.typeset_pages, "reused",
                (json_int_t)st.reused, "issue_pdfs", (json_int_t)st.issue_pdfs, "issue_pdfs_made",
                (json_int_t)st.issue_pdfs_made));
        else {
            char removed[64] = "";
            if (st.removed)
                snprintf(removed, sizeof(removed), "; %zu old file%s removed", st.removed,
                         st.removed == 1 ? "" : "s");
            printf("Built %zu page%s (%zu issue%s, %zu article%s) and %zu asset%s into %s: %zu "
                   "rendered, %zu unchanged%s\n",
                   st.pages, st.pages == 1 ? "" : "s", st.issues, st.issues == 1 ? "" : "s",
                   st.articles, st.articles == 1 ? "" : "s", st.assets, st.assets == 1 ? "" : "s",
                   st.output_dir, st.rendered, st.pages - st.rendered, removed);
            if (st.pdfs)
                printf("PDF galleys: %zu (%zu typeset, %zu page%s; %zu from the galley cache; %zu "
                       "unchanged)\n",
                       st.pdfs, st.typeset, st.typeset_pages, st.typeset_pages == 1 ? "" : "s",
                       st.reused, st.pdfs - st.typeset - st.reused);
            if (st.issue_pdfs)
                printf("Issue PDFs: %zu (%zu made; %zu unchanged)\n", st.issue_pdfs,
                       st.issue_pdfs_made, st.issue_pdfs - st.issue_pdfs_made);
            printf("Open %s/index.html in a browser.\n", st.output_dir);
        }
    }
    for (size_t i = 0; !rc && i < st.nwarnings; i++)
        fprintf(stderr, "journal build-site: warning: %s\n", st.warnings[i]);
    struct timespec done;
    clock_gettime(CLOCK_MONOTONIC, &done);
    if (looking)
        pthread_join(looker, NULL);
    if (!rc && look.status == 0 && look.changed)
        fprintf(stderr,
                "journal build-site: warning: %zu file%s of the journal %s uncommitted "
                "changes (%s%s); the site shows the last commit\n",
                look.changed, look.changed == 1 ? "" : "s", look.changed == 1 ? "has" : "have",
                look.first ? look.first : "", look.changed > 1 ? ", ..." : "");
    if (opt.verbose && looking)
        fprintf(stderr,
                "journal build-site: %8.1f ms  looked for uncommitted changes, alongside the "
                "build (%.1f ms waited for)\n",
                look.ms, elapsed_ms(&done));
    free(look.first);
    site_stats_free(&st);
    repo_free(repo);
    return rc;
}
