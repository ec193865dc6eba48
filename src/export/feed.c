/* The journal's Atom feed (RFC 4287) of its newest articles. */
#include "export/indexing.h"

#include "export/intext.h"
#include "model/person.h"
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

/* Two spaces a level, as xmlTextWriter indents (a feed goes three levels deep). */
static void indent(struct strbuf *out, int depth)
{
    strbuf_add(out, "      ", 2 * (size_t)depth);
}

/* <name>text</name>; nothing when text is NULL or empty (xml_element). */
static void text_element(struct strbuf *out, int depth, const char *name, const char *text)
{
    if (text && *text)
        xml_add_element(out, depth, name, NULL, 0, text);
}

/* <author> with <name> and <uri>, either of which may be missing; <author/> with neither. */
static void author(struct strbuf *out, int depth, const char *name, const char *uri)
{
    if ((!name || !*name) && (!uri || !*uri)) {
        indent(out, depth);
        strbuf_addstr(out, "<author/>\n");
        return;
    }
    indent(out, depth);
    strbuf_addstr(out, "<author>\n");
    text_element(out, depth + 1, "name", name);
    text_element(out, depth + 1, "uri", uri);
    indent(out, depth);
    strbuf_addstr(out, "</author>\n");
}

/* An entry of the feed in lang: the article's title and abstract in that language where it
   has a translation (each with its xml:lang), else as written. */
static void write_entry(struct strbuf *out, const struct journal_config *c, const char *lang,
                        const struct indexing_article *a)
{
    const struct manuscript *m = a->m;
    const struct translation *t = lang ? manuscript_translation(m, lang) : NULL;
    const char *date = indexing_published(a);
    strbuf_addstr(out, "  <entry");
    xml_add_attribute(out, "xml:lang", m->lang);
    strbuf_add(out, ">\n", 2);
    char *title = t ? indexing_join_title(t->title, t->subtitle) : indexing_full_title(m);
    const char *text_type[] = {"type", "text"};
    const char *translated_type[] = {"type", "text", "xml:lang", t ? t->lang : NULL};
    xml_add_element(out, 2, "title", translated_type, 2, title);
    free(title);
    char *url = indexing_article_url(c->base_url, a->number);
    const char *link[] = {"rel", "alternate", "type", "text/html", "href", url};
    xml_add_element(out, 2, "link", link, 3, NULL);
    free(url);
    /* Never the DOI URL: a DOI assigned by a correction would change the id, and readers
       would show the article twice (RFC 4287 4.2.6: an entry's id never changes). */
    char *id = tag_id(c->base_url, date, a->number);
    text_element(out, 2, "id", id);
    free(id);
    char *when = atom_date(date);
    text_element(out, 2, "published", when);
    free(when);
    when = atom_date(indexing_updated(a));
    text_element(out, 2, "updated", when);
    free(when);
    for (size_t i = 0; i < m->nauthors; i++) {
        char *orcid =
            m->authors[i].orcid[0] ? xasprintf("https://orcid.org/%s", m->authors[i].orcid) : NULL;
        /* The Latin form (name_latin) in the feed of a language written in Latin letters, as
           on that language's site and in English citations; the name as written elsewhere. */
        author(out, 2, person_display_name(m->authors[i].name, &m->authors[i].latin, lang), orcid);
        free(orcid);
    }
    /* Citations as their text: a feed reader shows no reference list. */
    if (t && t->abstract && *t->abstract) {
        char *summary = intext_plain(t->abstract, &m->references, t->lang);
        xml_add_element(out, 2, "summary", translated_type, 2, summary);
        free(summary);
    } else if (m->abstract && *m->abstract) {
        char *summary = intext_plain(m->abstract, &m->references, m->lang);
        xml_add_element(out, 2, "summary", text_type, 1, summary);
        free(summary);
    }
    for (size_t i = 0; i < m->nkeywords; i++) {
        const char *term[] = {"term", m->keywords[i]};
        xml_add_element(out, 2, "category", term, 1, NULL);
    }
    strbuf_addstr(out, "  </entry>\n");
}

/*
 * Written straight into out, byte for byte what xmlTextWriter wrote (the tests
 * compare the two): the feed is made for every language on every build.
 */
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

    strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed");
    xml_add_attribute(out, "xml:lang", lang);
    strbuf_addstr(out, " xmlns=\"" NS_ATOM "\">\n");
    const char *title = localised_get(&c->titles, lang, NULL);
    const char *text_type[] = {"type", "text"};
    xml_add_element(out, 1, "title", text_type, 1, title ? title : c->title);
    const char *self[] = {"rel", "self", "type", "application/atom+xml", "href", feed_url};
    xml_add_element(out, 1, "link", self, 3, NULL);
    const char *alternate[] = {"rel", "alternate", "type", "text/html", "href", home_url};
    xml_add_element(out, 1, "link", alternate, 3, NULL);
    text_element(out, 1, "id", feed_url);
    /* The feed changed when an entry it shows last changed; a fixed date without entries. */
    const char *newest = NULL;
    for (size_t i = 0; i < shown; i++) {
        const char *d = indexing_updated(order[i]);
        if (d && (!newest || strcmp(d, newest) > 0))
            newest = d;
    }
    char *updated = atom_date(newest);
    text_element(out, 1, "updated", updated);
    free(updated);
    /* Atom wants an author for every entry: the publisher stands in for entries without one. */
    author(out, 1, c->publisher && *c->publisher ? c->publisher : c->title, NULL);
    if (c->license && *c->license)
        text_element(out, 1, "rights", c->license);
    text_element(out, 1, "generator", "journal");
    for (size_t i = 0; i < shown; i++)
        write_entry(out, c, lang, order[i]);
    strbuf_addstr(out, "</feed>\n");
    free(order);
    return 0;
}
