/*
 * What the site tells machines: the Atom feed of each language, the OAI-PMH
 * static repository, sitemap.xml and robots.txt. All of them need absolute
 * URLs, so a journal without base_url gets none of them.
 */
#define _POSIX_C_SOURCE 200809L
#include "site/build.h"

#include "export/indexing.h"
#include "model/config.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The published articles as the export layer takes them (pages from the issue manifest). */
static struct indexing_article *indexing_articles(const struct build *b)
{
    struct indexing_article *list = xcalloc(b->narticles ? b->narticles : 1, sizeof(*list));
    for (size_t i = 0; i < b->narticles; i++) {
        const struct article *a = &b->articles[i];
        const char *pages = NULL;
        for (size_t k = 0; a->issue->pages && k < a->issue->narticles; k++)
            if (a->issue->articles[k] == a->number)
                pages = a->issue->pages[k];
        list[i] = (struct indexing_article){a->number, &a->m, &a->r, a->issue, pages};
    }
    return list;
}

/*
 * One feed per language: the same entries (each in its article's language),
 * with the journal's title in the feed's language, so that the link in a
 * Russian page's head leads to a feed named in Russian.
 */
int site_write_feeds(struct build *b)
{
    const struct journal_config *c = &b->repo->config;
    if (!c->base_url)
        return 0;
    struct indexing_article *list = indexing_articles(b);
    int rc = 0;
    for (size_t i = 0; i < b->nviews && !rc; i++) {
        const struct view *v = &b->views[i];
        char *rel = xasprintf("%sfeed.xml", v->dir);
        char *feed_url = xasprintf("%s%s", c->base_url, rel);
        char *home_url = xasprintf("%s%sindex.html", c->base_url, v->dir);
        struct strbuf xml = STRBUF_INIT;
        rc = feed_write_atom(c, v->lang, feed_url, home_url, list, b->narticles, &xml);
        if (!rc)
            rc = site_write_output(b, rel, xml.buf, xml.len);
        strbuf_release(&xml);
        free(home_url);
        free(feed_url);
        free(rel);
    }
    free(list);
    return rc;
}

/* OAI-PMH needs an administrator's address: without one there is no repository file. */
int site_write_oai(struct build *b)
{
    const struct journal_config *c = &b->repo->config;
    const char *email = c->contact_email   ? c->contact_email
                        : c->mail_reply_to ? c->mail_reply_to
                                           : c->mail_from_address;
    if (!c->base_url || !email)
        return 0;
    /* A static repository is one file without paging, meant by the OAI guidelines for
       collections of 1 to 5,000 records; a larger journal needs an OAI-PMH endpoint, and
       building a file that no gateway takes would cost hundreds of megabytes. */
    if (b->narticles > b->oai_max_records) {
        site_warning(b, xasprintf("oai/static-repository.xml not written: an OAI-PMH static "
                                  "repository holds at most %zu records and the journal has %zu "
                                  "published articles (harvesters need an OAI-PMH endpoint at "
                                  "this size)",
                                  b->oai_max_records, b->narticles));
        return 0;
    }
    struct indexing_article *list = indexing_articles(b);
    char *url = xasprintf("%soai/static-repository.xml", c->base_url);
    struct strbuf xml = STRBUF_INIT;
    int rc = oai_write_static_repository(c, url, email, list, b->narticles, &xml);
    if (!rc)
        rc = site_write_output(b, "oai/static-repository.xml", xml.buf, xml.len);
    strbuf_release(&xml);
    free(url);
    free(list);
    return rc;
}

/* ---- sitemap.xml and robots.txt ---- */

struct page_list {
    char **rel;
    size_t n, alloc;
};

static int compare_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool has_page(const struct page_list *pages, const char *rel)
{
    return bsearch(&rel, pages->rel, pages->n, sizeof(*pages->rel), compare_str) != NULL;
}

static const char *later(const char *a, const char *b)
{
    if (!a)
        return b;
    return b && strcmp(b, a) > 0 ? b : a;
}

static const char *issue_changed(const struct issue_manifest *is)
{
    const char *d = is->date;
    for (size_t i = 0; i < is->ncorrections; i++)
        d = later(d, is->corrections[i].date);
    return d;
}

/*
 * When a page last changed, from the dates the journal records: an article's
 * publication or its issue's latest correction, an issue's date or latest correction, and for the
 * pages made from all issues (home, archive, indexes, statistics) the newest of those. The board
 * and the journal's own pages have no such date: no lastmod.
 */
/* The number in "<folder>/<number>/index.html". */
static bool numbered_page(const char *path, const char *folder, unsigned long *number)
{
    size_t n = strlen(folder);
    if (strncmp(path, folder, n) || path[n] != '/' || !isdigit((unsigned char)path[n + 1]))
        return false;
    char *end;
    *number = strtoul(path + n + 1, &end, 10);
    return !strcmp(end, "/index.html") || !strcmp(end, "/article.pdf") ||
           !strcmp(end, "/issue.pdf");
}

static int compare_article_numbers(const void *x, const void *y)
{
    unsigned long a = (*(const struct article *const *)x)->number;
    unsigned long b = (*(const struct article *const *)y)->number;
    return a < b ? -1 : a > b;
}

static int compare_number_to_article(const void *key, const void *x)
{
    unsigned long a = *(const unsigned long *)key;
    unsigned long b = (*(const struct article *const *)x)->number;
    return a < b ? -1 : a > b;
}

/* by_number: the articles sorted by number (compare_article_numbers). */
static const char *page_lastmod(const struct build *b, const struct article *const *by_number,
                                const char *path)
{
    unsigned long number;
    if (numbered_page(path, "articles", &number)) {
        const struct article *const *found =
            b->narticles ? bsearch(&number, by_number, b->narticles, sizeof(*by_number),
                                   compare_number_to_article)
                         : NULL;
        if (!found)
            return NULL;
        const struct article *a = *found;
        /* As the feeds and the OAI datestamps date it: a correction of its issue moves it. */
        const struct indexing_article ia = {a->number, &a->m, &a->r, a->issue, NULL};
        return indexing_updated(&ia);
    }
    if (numbered_page(path, "issues", &number)) {
        for (size_t i = 0; i < b->nissues; i++)
            if (b->issues[i].id == number)
                return issue_changed(&b->issues[i]);
        return NULL;
    }
    static const char *const from_issues[] = {"index.html", "archive/index.html",
                                              "authors/index.html", "keywords/index.html",
                                              "statistics/index.html"};
    const char *newest = NULL;
    /* The later pages of the author and keyword indexes too (authors/page-2/index.html). */
    bool from_all = !strncmp(path, "authors/page-", 13) || !strncmp(path, "keywords/page-", 14);
    for (size_t k = 0; k < sizeof(from_issues) / sizeof(from_issues[0]) && !from_all; k++)
        from_all = !strcmp(path, from_issues[k]);
    if (from_all)
        for (size_t i = 0; i < b->nissues; i++)
            newest = later(newest, issue_changed(&b->issues[i]));
    return newest;
}

#define NS_SITEMAP "http://www.sitemaps.org/schemas/sitemap/0.9"
#define NS_XHTML   "http://www.w3.org/1999/xhtml"

/* s as the text of <name>, on a line at depth two; nothing when s is empty (xml_element). */
static void sitemap_element(struct strbuf *out, const char *name, const char *s)
{
    if (!s || !*s)
        return;
    strbuf_add(out, "    <", 5);
    strbuf_addstr(out, name);
    strbuf_addch(out, '>');
    xml_add_text(out, s);
    strbuf_add(out, "</", 2);
    strbuf_addstr(out, name);
    strbuf_add(out, ">\n", 2);
}

/*
 * A urlset of pages from..to-1 (alternates are looked for among all pages),
 * written into out as xmlTextWriter wrote it (two spaces a level), with the
 * text and attribute escaping export/indexing.h shares.
 */
static void write_sitemap(struct build *b, const struct page_list *pages, size_t from, size_t to,
                          struct strbuf *out)
{
    const char *base = b->repo->config.base_url;
    strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset");
    if (b->nviews > 1)
        strbuf_addstr(out, " xmlns:xhtml=\"" NS_XHTML "\"");
    strbuf_addstr(out, " xmlns=\"" NS_SITEMAP "\"");
    if (from >= to) {
        strbuf_addstr(out, "/>\n");
        return;
    }
    strbuf_addstr(out, ">\n");
    const struct article **by_number = xcalloc(b->narticles + 1, sizeof(*by_number));
    for (size_t i = 0; i < b->narticles; i++)
        by_number[i] = &b->articles[i];
    qsort(by_number, b->narticles, sizeof(*by_number), compare_article_numbers);
    struct strbuf url = STRBUF_INIT, twin = STRBUF_INIT;
    for (size_t i = from; i < to; i++) {
        const char *rel = pages->rel[i];
        /* The page's language and its path within that language's folder. */
        const struct view *v = &b->views[0];
        for (size_t k = 1; k < b->nviews; k++)
            if (!strncmp(rel, b->views[k].dir, strlen(b->views[k].dir)))
                v = &b->views[k];
        const char *path = rel + strlen(v->dir);
        strbuf_reset(&url);
        strbuf_addstr(&url, base);
        strbuf_addstr(&url, rel);
        strbuf_addstr(out, "  <url>\n");
        sitemap_element(out, "loc", url.buf);
        sitemap_element(out, "lastmod", page_lastmod(b, by_number, path));
        size_t twins = 0;
        for (size_t k = 0; k < b->nviews; k++) {
            strbuf_reset(&twin);
            strbuf_addstr(&twin, b->views[k].dir);
            strbuf_addstr(&twin, path);
            twins += has_page(pages, twin.buf);
        }
        for (size_t k = 0; twins > 1 && k < b->nviews; k++) {
            strbuf_reset(&twin);
            strbuf_addstr(&twin, b->views[k].dir);
            strbuf_addstr(&twin, path);
            if (has_page(pages, twin.buf)) {
                strbuf_reset(&url);
                strbuf_addstr(&url, base);
                strbuf_add(&url, twin.buf, twin.len);
                strbuf_addstr(out, "    <xhtml:link rel=\"alternate\"");
                xml_add_attribute(out, "hreflang", b->views[k].lang);
                xml_add_attribute(out, "href", url.buf);
                strbuf_addstr(out, "/>\n");
            }
        }
        strbuf_addstr(out, "  </url>\n");
    }
    strbuf_addstr(out, "</urlset>\n");
    strbuf_release(&url);
    strbuf_release(&twin);
    free(by_number);
}

/* Every HTML page in the site, so it runs after all the pages are made. */
int site_write_sitemap(struct build *b)
{
    const char *base = b->repo->config.base_url;
    if (!base)
        return 0;
    struct page_list pages = {NULL, 0, 0};
    struct strbuf xml = STRBUF_INIT;
    pages.rel = site_html_pages(b, &pages.n);
    pages.alloc = pages.n;
    /* The PDF galleys too: Google Scholar and other crawlers find them here as well as through
       citation_pdf_url. */
    for (size_t i = 0; b->pdf_units && i < b->narticles; i++) {
        ARRAY_GROW(pages.rel, pages.n + 1, pages.alloc);
        pages.rel[pages.n++] = xasprintf("articles/%lu/article.pdf", b->articles[i].number);
    }
    /* And each issue's PDF, dated as its issue. */
    for (size_t i = 0; i < b->nissue_pdfs; i++) {
        ARRAY_GROW(pages.rel, pages.n + 1, pages.alloc);
        pages.rel[pages.n++] = xasprintf("issues/%lu/issue.pdf", b->issue_pdfs[i].issue->id);
    }
    if (pages.n)
        qsort(pages.rel, pages.n, sizeof(*pages.rel), compare_str);
    int rc = 0;
    /* The protocol allows 50,000 URLs in a sitemap file; a bigger site gets a sitemap index. */
    size_t max = b->sitemap_max_urls;
    if (pages.n <= max) {
        write_sitemap(b, &pages, 0, pages.n, &xml);
        rc = site_write_output(b, "sitemap.xml", xml.buf, xml.len);
    } else {
        struct xml_out x;
        xml_out_begin(&x);
        xml_start_ns(&x, NULL, "sitemapindex", NS_SITEMAP);
        for (size_t from = 0, k = 1; !rc && from < pages.n; from += max, k++) {
            size_t to = from + max < pages.n ? from + max : pages.n;
            char name[32];
            snprintf(name, sizeof(name), "sitemap-%zu.xml", k);
            strbuf_reset(&xml);
            write_sitemap(b, &pages, from, to, &xml);
            rc = site_write_output(b, name, xml.buf, xml.len);
            char *loc = xasprintf("%s%s", base, name);
            xml_start(&x, "sitemap");
            xml_element(&x, "loc", loc);
            xml_end(&x);
            free(loc);
        }
        xml_end(&x);
        strbuf_reset(&xml);
        int done = xml_out_finish(&x, "sitemap.xml", &xml);
        if (!rc)
            rc = done;
        if (!rc)
            rc = site_write_output(b, "sitemap.xml", xml.buf, xml.len);
    }
    if (!rc) {
        char *robots = xasprintf("User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n", base);
        rc = site_write_output(b, "robots.txt", robots, strlen(robots));
        free(robots);
    }
    strbuf_release(&xml);
    for (size_t i = 0; i < pages.n; i++)
        free(pages.rel[i]);
    free(pages.rel);
    return rc;
}
