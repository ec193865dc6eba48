#ifndef JOURNAL_SITE_BUILD_H
#define JOURNAL_SITE_BUILD_H

/*
 * What the parts of the site builder share (site.c loads the journal and
 * drives the build; articles.c, indexes.c and pages.c render their pages):
 * the build in progress, the language views, and the helpers every page
 * uses. Not for use outside src/site/.
 */

#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "model/roster.h"
#include "site/site.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct country_db;
struct language_db;
struct mustache_set;
struct i18n;

struct article {
    unsigned long number;
    struct manuscript m;
    struct submission_record r;
    const struct issue_manifest *issue;
    size_t listed_at;            /* its place in issue->articles, for messages about the manifest */
    struct review *open_reviews; /* signed reviews, published under open review only */
    size_t nopen_reviews;
};

struct asset {
    char *path; /* relative to the theme's assets/ */
    git_oid id;
};

/*
 * The site in one of its languages. The first language of journal.yaml is
 * at the top of the site; each other one is a folder of its own ("ru/")
 * with the same pages. Articles are published once, at the top, with the
 * interface of their own language around them.
 */
struct view {
    const char *lang;
    char *dir; /* "" or "ru/" */
    struct i18n *t;
};

/* A Markdown page of the journal (pages/<slug>.md, pages/<slug>.<lang>.md). */
struct md_page {
    char *slug;
    char *lang; /* NULL: the journal's first language */
    char *title;
    char *description;
    char *html;
    long order; /* in the navigation */
    bool nav;
};

struct build {
    struct journal_repo *repo;
    git_tree *tree;
    struct country_db *countries;
    struct language_db *languages;
    struct mustache_set *templates;
    struct roster roster; /* for the names on signed open reviews */
    bool open_review;
    struct asset *assets;
    size_t nassets, assets_alloc;
    struct asset *strings; /* the theme's i18n/<lang>.yaml files */
    size_t nstrings, strings_alloc;
    struct view *views; /* one per language of the site, the first one first */
    size_t nviews;
    struct md_page *pages;
    size_t npages;
    struct issue_manifest *issues; /* newest first */
    size_t nissues;
    struct article *articles;
    size_t narticles;
    char *out;     /* the temporary folder being filled */
    unsigned jobs; /* threads rendering articles */
    struct site_stats *stats;
};

/* ---- shared by the pages (site.c) ---- */

void site_set_str(json_t *obj, const char *key, const char *value);
/* obj.key = the ISO date, obj.key_display = the date in the view's language. */
void site_set_date(const struct view *v, json_t *obj, const char *key, const char *iso);
/* The theme's label for prefix+code ("type_" "case-study"), else the built-in English one. */
const char *site_label(const struct view *v, const char *prefix, const char *code,
                       const char *english);
/* The view an article is shown in: its own language's, else the journal's first. */
const struct view *site_view_for(const struct build *b, const char *lang);
const struct article *site_find_article(struct build *b, unsigned long number);
json_t *site_issue_summary_json(const struct view *v, const struct issue_manifest *is);
json_t *site_article_summary_json(const struct build *b, const struct view *v,
                                  const struct article *a);
/*
 * What every page gets: the journal in the view's language, its strings (t),
 * root and home (see CONTRIBUTING.md), the page's title, lang, canonical URL
 * and its twins in the other languages (path within the view's folder, or
 * NULL for a page that exists once), the menu. rel is the output path.
 */
json_t *site_page_json(struct build *b, const struct view *v, const char *path, const char *rel,
                       const char *title, const char *description);
/* A page that exists in every language, at path within the language's folder; *rel to free. */
json_t *site_view_page_json(struct build *b, const struct view *v, const char *path,
                            const char *title_key, const char *description_key, const char *nav,
                            char **rel);
/* Render template with ctx (taken) into rel, relative to the output folder. */
int site_render_page(struct build *b, const char *template, json_t *ctx, const char *rel);
int site_write_output(struct build *b, const char *rel, const char *data, size_t len);

/* ---- the journal's own pages and board (pages.c) ---- */

int site_load_pages(struct build *b);
/* The page in the view's language, else the original; NULL when there is no such page. */
const struct md_page *site_page_in(const struct build *b, const char *slug, const struct view *v);
int site_render_pages(struct build *b, const struct view *v);
int site_render_board(struct build *b, const struct view *v);

/* ---- work on all cores (parallel.c) ---- */

/* One unit of work; thread_state is what init made for the thread running it (or NULL). */
typedef int site_job(struct build *b, size_t i, void *thread_state);
typedef int site_thread_init(struct build *b, void **thread_state);
typedef void site_thread_done(void *thread_state);
/*
 * job(b, i) for every i below n, on b->jobs threads (init and done, when given, run once
 * on each thread around its jobs). Jobs may only read what they share. On failure, the
 * failure of the lowest i is the one reported.
 */
int site_parallel(struct build *b, size_t n, site_job *job, site_thread_init *init,
                  site_thread_done *done);

/* ---- articles (articles.c) and the reader's indexes (indexes.c) ---- */

/* A published article's page, in its language, and its downloads (citation.bib, .ris, .json,
   article.xml). Safe to call from several threads at once for different articles. */
int site_render_article(struct build *b, const struct article *a);
int site_render_archive(struct build *b, const struct view *v);
int site_render_authors(struct build *b, const struct view *v);
int site_render_keywords(struct build *b, const struct view *v);

/* ---- for machines (sitemap.c): Atom feeds, OAI-PMH, sitemap.xml and robots.txt ---- */

/* feed.xml per language (ru/feed.xml, ...): the newest articles. Nothing without base_url. */
int site_write_feeds(struct build *b);
/* oai/static-repository.xml; nothing without base_url or a mail address in journal.yaml. */
int site_write_oai(struct build *b);
/* sitemap.xml (every HTML page written so far) and robots.txt. Nothing without base_url. */
int site_write_sitemap(struct build *b);

#endif
