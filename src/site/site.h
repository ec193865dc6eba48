#ifndef JOURNAL_SITE_SITE_H
#define JOURNAL_SITE_SITE_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct site_options {
    const char *output_dir; /* NULL: <journal>/_site */
    unsigned jobs;          /* threads rendering articles; 0: one per core */
    bool force;             /* render every page, whatever the cache says */
    bool draft;             /* a preview: a placeholder base_url is a warning, not a refusal */
    bool no_pdf;            /* no PDF galleys this build, whatever journal.yaml says */
    bool progress;          /* draw a progress bar on stderr (a terminal)... */
    double progress_after;  /* ...once the build has taken this many seconds */
    FILE *verbose;          /* per-phase timings, or NULL */
    size_t
        sitemap_max_urls;   /* per sitemap file, beyond which there is a sitemap index; 0: 50,000 */
    size_t oai_max_records; /* in the OAI static repository, beyond which there is none; 0: 5,000 */
    size_t index_page_size; /* authors or keywords on a page of their index; 0: 500 */
    size_t search_shard_size; /* articles in a part of the search index at most; 0: 250 */
};

struct site_stats {
    size_t issues;
    size_t articles;
    size_t pages;    /* HTML pages of the site */
    size_t rendered; /* of which this build rendered, the others being unchanged */
    size_t files;    /* every file of the site: pages, downloads, feeds, assets */
    size_t removed;  /* files of the last build that are no longer part of the site */
    size_t written;  /* files this build wrote */
    size_t assets;
    size_t pdfs;            /* PDF galleys of the site (articles/N/article.pdf) */
    size_t typeset;         /* of which this build typeset */
    size_t typeset_pages;   /* their pages, counted in the PDFs (util/pdfpages.h) */
    size_t reused;          /* made again by this build, taken from the galley cache */
    size_t issue_pdfs;      /* issue PDFs of the site (issues/ID/issue.pdf) */
    size_t issue_pdfs_made; /* of which this build made */
    char *output_dir;       /* absolute, for the message; freed by site_stats_free */
    /* What the published manuscripts lack (references without a title...), "file:line:col: ...",
       and what went wrong with the build's record (the site is built all the same). */
    char **warnings;
    size_t nwarnings;
};

/*
 * Render the public site from the commit at HEAD: home page, a page per issue,
 * a page per published article, the theme's assets. Only articles that are
 * published in an issue are read at all, so nothing unpublished can leak.
 * Incremental: what the last build made from the same inputs (the cache in
 * the index says) is not made again. New files wait in a staging folder until
 * everything is rendered and then replace the old ones one rename each, so a
 * failed build leaves the site as it was and no reader sees a file half written.
 */
int site_build(struct journal_repo *repo, const struct site_options *opt, struct site_stats *st);
void site_stats_free(struct site_stats *st);

struct issue_manifest;
struct strbuf;
/*
 * The page count of each PDF galley of an issue's articles, typeset as build-site will
 * typeset them once the issue is committed (the same templates, data and engine, through
 * site_render_article), in a folder under $TMPDIR removed afterwards: build-issue numbers the
 * articles' pages from their galleys before it publishes them. issue is the manifest as it
 * will be committed, records[k] the text of the submission.yaml of issue->articles[k] as it
 * will be committed; everything else is read from HEAD. pages[k] set. When WeasyPrint is
 * missing, the error names the package.
 */
int site_count_galley_pages(struct journal_repo *repo, const struct issue_manifest *issue,
                            const struct strbuf *records, unsigned long *pages);

#endif
