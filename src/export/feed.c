/* The journal's Atom feed (RFC 4287) of its newest articles. */
#include "export/indexing.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_ATOM "http://www.w3.org/2005/Atom"

/* Newest first: by publication date, then by submission number (the later one first). */
static int compare_newest(const void *x, const void *y)
{
    const struct indexing_article *a = *(const struct indexing_article *const *)x;
    const struct indexing_article *b = *(const struct indexing_article *const *)y;
    const char *da = indexing_published(a), *db = indexing_published(b);
    int c = strcmp(db ? db : "", da ? da : "");
    if (c)
        return c;
    return a->number < b->number ? 1 : a->number > b->number ? -1 : 0;
}

/* RFC 3339 for a date: the day at midnight UTC. */
static char *atom_date(const char *iso)
{
    return xasprintf("%sT00:00:00Z", iso ? iso : "1970-01-01");
}

/* tag:journal.example.org,2025-06-30:articles/7 (RFC 4151): stable, never a URL that moves. */
static char *tag_id(const char *base_url, const char *date, unsigned long number)
{
    const char *p = strstr(base_url, "://");
    p = p ? p + 3 : base_url;
    size_t n = strcspn(p, "/:?#");
    return xasprintf("tag:%.*s,%s:articles/%lu", (int)n, p, date ? date : "1970-01-01", number);
}

static void write_entry(struct xml_out *x, const struct journal_config *c,
                        const struct indexing_article *a)
{
    const struct manuscript *m = a->m;
    const char *date = indexing_published(a);
    xml_start(x, "entry");
    if (m->lang)
        xml_attr(x, "xml:lang", m->lang);
    char *title = indexing_full_title(m);
    xml_start(x, "title");
    xml_attr(x, "type", "text");
    xml_text(x, title);
    xml_end(x);
    free(title);
    char *url = indexing_article_url(c->base_url, a->number);
    xml_start(x, "link");
    xml_attr(x, "rel", "alternate");
    xml_attr(x, "type", "text/html");
    xml_attr(x, "href", url);
    xml_end(x);
    free(url);
    char *id = a->r && a->r->doi && *a->r->doi ? xasprintf("https://doi.org/%s", a->r->doi)
                                               : tag_id(c->base_url, date, a->number);
    xml_element(x, "id", id);
    free(id);
    char *when = atom_date(date);
    xml_element(x, "published", when);
    xml_element(x, "updated", when);
    free(when);
    for (size_t i = 0; i < m->nauthors; i++) {
        xml_start(x, "author");
        xml_element(x, "name", m->authors[i].name);
        if (m->authors[i].orcid[0]) {
            char *orcid = xasprintf("https://orcid.org/%s", m->authors[i].orcid);
            xml_element(x, "uri", orcid);
            free(orcid);
        }
        xml_end(x);
    }
    if (m->abstract && *m->abstract) {
        xml_start(x, "summary");
        xml_attr(x, "type", "text");
        xml_text(x, m->abstract);
        xml_end(x);
    }
    for (size_t i = 0; i < m->nkeywords; i++) {
        xml_start(x, "category");
        xml_attr(x, "term", m->keywords[i]);
        xml_end(x);
    }
    xml_end(x);
}

int feed_write_atom(const struct journal_config *c, const char *lang, const char *feed_url,
                    const char *home_url, const struct indexing_article *articles, size_t n,
                    struct strbuf *out)
{
    if (!c->base_url || !*c->base_url)
        return error_input("journal.yaml: no base_url; an Atom feed needs absolute links");
    const struct indexing_article **order = xcalloc(n ? n : 1, sizeof(*order));
    for (size_t i = 0; i < n; i++)
        order[i] = &articles[i];
    qsort(order, n, sizeof(*order), compare_newest);
    size_t shown = n < FEED_MAX_ENTRIES ? n : FEED_MAX_ENTRIES;

    struct xml_out x;
    xml_out_begin(&x);
    xml_start_ns(&x, NULL, "feed", NS_ATOM);
    if (lang)
        xml_attr(&x, "xml:lang", lang);
    const char *title = localised_get(&c->titles, lang, NULL);
    xml_start(&x, "title");
    xml_attr(&x, "type", "text");
    xml_text(&x, title ? title : c->title);
    xml_end(&x);
    xml_start(&x, "link");
    xml_attr(&x, "rel", "self");
    xml_attr(&x, "type", "application/atom+xml");
    xml_attr(&x, "href", feed_url);
    xml_end(&x);
    xml_start(&x, "link");
    xml_attr(&x, "rel", "alternate");
    xml_attr(&x, "type", "text/html");
    xml_attr(&x, "href", home_url);
    xml_end(&x);
    xml_element(&x, "id", feed_url);
    /* The feed changed when its newest entry appeared; a fixed date without entries. */
    char *updated = atom_date(shown ? indexing_published(order[0]) : NULL);
    xml_element(&x, "updated", updated);
    free(updated);
    /* Atom wants an author for every entry: the publisher stands in for entries without one. */
    xml_start(&x, "author");
    xml_element(&x, "name", c->publisher && *c->publisher ? c->publisher : c->title);
    xml_end(&x);
    if (c->license && *c->license)
        xml_element(&x, "rights", c->license);
    xml_start(&x, "generator");
    xml_text(&x, "journal");
    xml_end(&x);
    for (size_t i = 0; i < shown; i++)
        write_entry(&x, c, order[i]);
    xml_end(&x);
    free(order);
    return xml_out_finish(&x, "Atom feed", out);
}
