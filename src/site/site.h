#ifndef JOURNAL_SITE_SITE_H
#define JOURNAL_SITE_SITE_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>

struct site_options {
    const char *output_dir; /* NULL: <journal>/_site */
    unsigned jobs;          /* threads rendering articles; 0: one per core */
};

struct site_stats {
    size_t issues;
    size_t articles;
    size_t pages;
    size_t assets;
    char *output_dir; /* absolute, for the message; freed by site_stats_free */
    /* What the published manuscripts lack (references without a title...), "file:line:col: ..." */
    char **warnings;
    size_t nwarnings;
};

/*
 * Render the public site from the commit at HEAD: home page, a page per issue,
 * a page per published article, the theme's assets. Only articles that are
 * published in an issue are read at all, so nothing unpublished can leak.
 * The site is built beside the output folder and swapped in whole.
 */
int site_build(struct journal_repo *repo, const struct site_options *opt, struct site_stats *st);
void site_stats_free(struct site_stats *st);

#endif
