#include "export/indexing.h"

#include "export/citation.h"
#include "model/language.h"
#include "model/person.h"
#include "util/alloc.h"
#include "util/xmltext.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *indexing_article_url(const char *base_url, unsigned long number)
{
    return xasprintf("%sarticles/%lu/index.html", base_url ? base_url : "", number);
}

const char *indexing_published(const struct indexing_article *a)
{
    if (a->r && a->r->published && *a->r->published)
        return a->r->published;
    return a->issue ? a->issue->date : NULL;
}

const char *indexing_updated(const struct indexing_article *a)
{
    const char *updated = indexing_published(a);
    for (size_t i = 0; a->issue && i < a->issue->ncorrections; i++) {
        const char *d = a->issue->corrections[i].date;
        if (d && *d && (!updated || strcmp(d, updated) > 0))
            updated = d;
    }
    return updated;
}

char *indexing_creator(const struct author *author)
{
    /* One creator a person, in the Latin form where there is one: harvesters (BASE, OpenAIRE)
       build English citations from it, as Crossref and DOAJ do from theirs. */
    struct author view = person_author_latin(author);
    const struct author *a = &view;
    struct citation_name name = {0};
    if (citation_name_split(a, &name)) {
        error_clear();
        return xstrdup(a->name ? a->name : "");
    }
    char *out = name.given && *name.given ? xasprintf("%s, %s", name.family, name.given)
                                          : xstrdup(name.family ? name.family : "");
    citation_name_release(&name);
    return out;
}

char *indexing_join_title(const char *title, const char *subtitle)
{
    if (subtitle && *subtitle)
        return xasprintf("%s: %s", title ? title : "", subtitle);
    return xstrdup(title ? title : "");
}

char *indexing_full_title(const struct manuscript *m)
{
    return indexing_join_title(m->title, m->subtitle);
}

const char *indexing_language_b(const struct language_db *languages, const char *code)
{
    const struct language *l = code && languages ? language_lookup(languages, code) : NULL;
    if (!l)
        return NULL;
    return l->bibliographic[0] ? l->bibliographic : l->alpha3;
}

void indexing_split_pages(const char *pages, char **start, char **end)
{
    /* One reading of page ranges for every output: "1-14", "1--14", "1–14", "e7". */
    citation_page_range(pages, start, end);
}

/* ---- the XML writer ---- */

/* The text the XML may hold, without the newline a YAML block scalar ends with. */
static char *xml_clean(const char *s)
{
    return xml_text_clean(s, true);
}

static const xmlChar *X(const char *s)
{
    return (const xmlChar *)s;
}

void xml_out_begin(struct xml_out *x)
{
    x->failed = 0;
    x->buf = xmlBufferCreate();
    x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
    if (!x->w) {
        x->failed = 1;
        return;
    }
    if (xmlTextWriterSetIndent(x->w, 1) < 0 || xmlTextWriterSetIndentString(x->w, X("  ")) < 0 ||
        xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0)
        x->failed = 1;
}

void xml_start(struct xml_out *x, const char *name)
{
    if (!x->failed && xmlTextWriterStartElement(x->w, X(name)) < 0)
        x->failed = 1;
}

void xml_start_ns(struct xml_out *x, const char *prefix, const char *name, const char *uri)
{
    if (!x->failed && xmlTextWriterStartElementNS(x->w, X(prefix), X(name), X(uri)) < 0)
        x->failed = 1;
}

void xml_attr(struct xml_out *x, const char *name, const char *value)
{
    if (x->failed || !value)
        return;
    char *clean = xml_clean(value);
    if (xmlTextWriterWriteAttribute(x->w, X(name), X(clean)) < 0)
        x->failed = 1;
    free(clean);
}

void xml_attr_ns(struct xml_out *x, const char *prefix, const char *name, const char *uri,
                 const char *value)
{
    if (x->failed || !value)
        return;
    char *clean = xml_clean(value);
    if (xmlTextWriterWriteAttributeNS(x->w, X(prefix), X(name), X(uri), X(clean)) < 0)
        x->failed = 1;
    free(clean);
}

void xml_text(struct xml_out *x, const char *text)
{
    if (x->failed || !text)
        return;
    char *clean = xml_clean(text);
    if (xmlTextWriterWriteString(x->w, X(clean)) < 0)
        x->failed = 1;
    free(clean);
}

void xml_element_lang(struct xml_out *x, const char *name, const char *lang, const char *text)
{
    if (!text || !*text)
        return;
    xml_start(x, name);
    if (lang)
        xml_attr(x, "xml:lang", lang);
    xml_text(x, text);
    xml_end(x);
}

void xml_element(struct xml_out *x, const char *name, const char *text)
{
    xml_element_lang(x, name, NULL, text);
}

void xml_end(struct xml_out *x)
{
    if (!x->failed && xmlTextWriterEndElement(x->w) < 0)
        x->failed = 1;
}

int xml_out_finish(struct xml_out *x, const char *what, struct strbuf *out)
{
    if (!x->failed && xmlTextWriterEndDocument(x->w) < 0)
        x->failed = 1;
    if (x->w)
        xmlFreeTextWriter(x->w); /* flushes into buf */
    int rc = 0;
    if (x->failed)
        rc = error_internal("%s: libxml2 could not write the XML", what);
    else
        strbuf_add(out, xmlBufferContent(x->buf), (size_t)xmlBufferLength(x->buf));
    if (x->buf)
        xmlBufferFree(x->buf);
    x->w = NULL;
    x->buf = NULL;
    return rc;
}
