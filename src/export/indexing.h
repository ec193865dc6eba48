#ifndef JOURNAL_EXPORT_INDEXING_H
#define JOURNAL_EXPORT_INDEXING_H

/*
 * What indexers, harvesters and feed readers get: DOAJ article XML (doaj.c),
 * an OAI-PMH static repository of Dublin Core records (oai.c) and an Atom
 * feed (feed.c). Plain inputs (journal.yaml, issue manifests, manuscripts and
 * records), so `journal export` and the site share them. DOAJ's writer uses
 * libxml2's xmlTextWriter; the OAI repository and the feeds, written on every
 * build of the site, are written straight into a buffer, byte for byte what
 * xmlTextWriter wrote (the tests compare them). Any title (&, <, quotes,
 * Cyrillic) comes out as well-formed XML; characters XML 1.0 forbids (C0
 * controls) are dropped.
 */

#include "model/config.h"
#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "util/strbuf.h"

#include <libxml/xmlwriter.h>

#include <stddef.h>

struct language_db;

/* A published article as the indexing formats see it. */
struct indexing_article {
    unsigned long number; /* the submission number: the page is articles/<number>/index.html */
    const struct manuscript *m;
    const struct submission_record *r; /* doi, published */
    const struct issue_manifest *issue;
    const char *pages; /* "1-14" from the issue manifest, or NULL */
};

/* The article's page: base_url + "articles/<number>/index.html" (to free). */
char *indexing_article_url(const char *base_url, unsigned long number);
/* Its publication date: the record's published date, else the issue's date. */
const char *indexing_published(const struct indexing_article *a);
/*
 * When what its records show last changed: the latest correction of its issue
 * (build-issue --correct rewrites every article of the issue: DOIs, pages) when
 * later than its publication date, else that date. Harvesters and feed readers
 * see a change only when these dates move: the OAI datestamp, Atom's updated
 * and the sitemap's lastmod.
 */
const char *indexing_updated(const struct indexing_article *a);
/* An author as Dublin Core's creator: "Family, Given" (names split as for citations) in the
   Latin form (name_latin) where the author has one, an organisation's name whole (to free). */
char *indexing_creator(const struct author *a);
/* "Title: Subtitle", or the title (to free). */
char *indexing_full_title(const struct manuscript *m);
/* "Title: Subtitle", or the title alone without a subtitle (a translation's as the article's). */
char *indexing_join_title(const char *title, const char *subtitle);
/* The ISO 639-2/B code of an ISO 639-1 code ("en" -> "eng", "de" -> "ger"); NULL if unknown. */
const char *indexing_language_b(const struct language_db *languages, const char *code);
/* Split "1-14", "1--14", "1–14" into start and end ("e7": start only); NULL parts are absent. */
void indexing_split_pages(const char *pages, char **start, char **end);

/*
 * DOAJ article XML (doajArticles.xsd) for the articles of one issue, in the
 * given order. Refuses (JOURNAL_EINPUT) a journal without ISSN or base_url and
 * an empty list. The ISSN goes in <eissn>: the journal is published online.
 * Appends to out; on failure out is unchanged.
 */
int doaj_write(const struct journal_config *c, const struct language_db *languages,
               const struct indexing_article *articles, size_t n, struct strbuf *out);

/*
 * An OAI-PMH static repository (OAI static repository guidelines, namespace
 * http://www.openarchives.org/OAI/2.0/static-repository): Identify,
 * ListMetadataFormats (oai_dc) and ListRecords with one oai_dc record per
 * article. repository_url is where the file is published (base_url +
 * "oai/static-repository.xml"); the baseURL is oai_base_url(c->oai_gateway_url,
 * repository_url). admin_email is required by OAI-PMH; identifiers are
 * oai:<host of base_url>:article/<number>. Needs base_url.
 */
/*
 * The baseURL of a static repository (to free). Harvesters reach a static
 * repository through a static repository gateway, and the guidelines
 * (http://www.openarchives.org/OAI/2.0/guidelines-static-repository.htm)
 * make its baseURL the gateway's URL, a "/", and the repository's URL without
 * its scheme: gateway http://gateway.institution.org/oai and repository
 * http://an.oai.org/ma/mini.xml give
 * http://gateway.institution.org/oai/an.oai.org/ma/mini.xml. Without a gateway
 * (NULL or ""), the repository's own URL, which harvesters that read static
 * repositories directly take.
 */
char *oai_base_url(const char *gateway_url, const char *repository_url);
int oai_write_static_repository(const struct journal_config *c, const char *repository_url,
                                const char *admin_email, const struct indexing_article *articles,
                                size_t n, struct strbuf *out);

/*
 * An Atom feed (RFC 4287) of the newest articles, at most FEED_MAX_ENTRIES,
 * newest first (by publication date, then submission number), whatever order
 * articles come in. lang is the feed's language (its title is the journal's in
 * that language); feed_url is where the feed is published (its id and
 * rel="self"), home_url the site's page in that language. Each entry: title,
 * authors (ORCID as uri), link to the page, id (a tag: URI made from the host
 * and the publication date, which never changes once published: RFC 4287 forbids
 * it, and a DOI assigned later must not turn the entry into a new one),
 * published, updated (indexing_updated: a correction moves it), summary (the
 * abstract as text), categories (keywords), each with the article's xml:lang;
 * the title and summary are the article's translation into lang where it has one,
 * with the translation's xml:lang on them.
 * The feed's updated is the latest of its entries'. Needs base_url.
 */
#define FEED_MAX_ENTRIES 50
int feed_write_atom(const struct journal_config *c, const char *lang, const char *feed_url,
                    const char *home_url, const struct indexing_article *articles, size_t n,
                    struct strbuf *out);

/*
 * For the writers that write XML into a strbuf themselves (oai.c, feed.c): text
 * cleaned as xml_text_clean(text, true) cleans it and escaped as
 * xmlTextWriterWriteString escapes it, and an attribute ( name="value") as
 * xmlTextWriterWriteAttribute writes it; nothing for a NULL value.
 */
void xml_add_text(struct strbuf *out, const char *text);
void xml_add_attribute(struct strbuf *out, const char *name, const char *value);
/*
 * A line with <name attributes>text</name> at depth (two spaces each, at most 6): the
 * attributes are attrs[0..2*nattrs) as name, value (a NULL value is left out); <name .../>
 * without text (NULL), as xmlTextWriter ends an element it wrote nothing into.
 */
void xml_add_element(struct strbuf *out, int depth, const char *name, const char *const *attrs,
                     size_t nattrs, const char *text);

/*
 * For the writers: an XML document built with xmlTextWriter in memory. The
 * first failure sticks, so a writer makes its calls and checks once at the end.
 * Text and attribute values drop the characters XML 1.0 forbids.
 */
struct xml_out {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    int failed;
};
void xml_out_begin(struct xml_out *x);
void xml_start(struct xml_out *x, const char *name);
void xml_start_ns(struct xml_out *x, const char *prefix, const char *name, const char *uri);
void xml_attr(struct xml_out *x, const char *name, const char *value);
void xml_attr_ns(struct xml_out *x, const char *prefix, const char *name, const char *uri,
                 const char *value);
void xml_text(struct xml_out *x, const char *text);
/* <name>text</name>; nothing when text is NULL or empty. */
void xml_element(struct xml_out *x, const char *name, const char *text);
/* <name xml:lang="lang">text</name>, likewise. */
void xml_element_lang(struct xml_out *x, const char *name, const char *lang, const char *text);
void xml_end(struct xml_out *x);
/* End the document, append it to out and free the writer; what for the error message. */
int xml_out_finish(struct xml_out *x, const char *what, struct strbuf *out);

#endif
