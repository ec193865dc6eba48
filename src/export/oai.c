/*
 * An OAI-PMH static repository: one XML file that a static repository gateway
 * serves to harvesters as an OAI-PMH repository
 * (http://www.openarchives.org/OAI/2.0/guidelines-static-repository.htm).
 * The wrapper elements (Repository, Identify, ListMetadataFormats,
 * ListRecords) are in the static-repository namespace; their content is
 * OAI-PMH 2.0 (prefix oai) and the records are Dublin Core (oai_dc).
 *
 * The file holds every record, so it is written straight into a strbuf rather
 * than through xmlTextWriter (a call into libxml2 per element, a copy per
 * text): byte for byte what the writer made, indented by two spaces, with
 * text and attribute values cleaned as xml_text_clean() cleans them and
 * escaped as xmlTextWriterWriteString and xmlTextWriterWriteAttribute escape
 * them (tests/unit/test_indexing.c compares the two).
 */
#include "export/indexing.h"

#include "export/citation.h"
#include "export/intext.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/utf8.h"
#include "util/xmltext.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_STATIC "http://www.openarchives.org/OAI/2.0/static-repository"
#define NS_OAI    "http://www.openarchives.org/OAI/2.0/"
#define NS_OAI_DC "http://www.openarchives.org/OAI/2.0/oai_dc/"
#define NS_DC     "http://purl.org/dc/elements/1.1/"
#define NS_XSI    "http://www.w3.org/2001/XMLSchema-instance"

/* "journal.example.org" from "https://journal.example.org/path/" (to free). */
static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/:?#");
    return xstrndup(p, n);
}

/* Text, cleaned as xml_text_clean(text, true) and escaped (a copy only when it needs cleaning). */
void xml_add_text(struct strbuf *out, const char *text)
{
    xml_text_escape_trimmed(out, text, false);
}

void xml_add_attribute(struct strbuf *out, const char *name, const char *value)
{
    if (!value)
        return;
    strbuf_addch(out, ' ');
    strbuf_addstr(out, name);
    strbuf_add(out, "=\"", 2);
    /* As xmlTextWriterWriteAttribute writes it, cleaned as xml_text_clean(value, true). */
    xml_text_escape_trimmed(out, value, true);
    strbuf_addch(out, '"');
}

void xml_add_element(struct strbuf *out, int depth, const char *name, const char *const *attrs,
                     size_t nattrs, const char *text)
{
    strbuf_add(out, "            ", 2 * (size_t)(depth < 6 ? depth : 6));
    strbuf_addch(out, '<');
    strbuf_addstr(out, name);
    for (size_t i = 0; i < nattrs; i++)
        xml_add_attribute(out, attrs[2 * i], attrs[2 * i + 1]);
    if (!text) {
        strbuf_add(out, "/>\n", 3);
        return;
    }
    strbuf_addch(out, '>');
    xml_add_text(out, text);
    strbuf_add(out, "</", 2);
    strbuf_addstr(out, name);
    strbuf_add(out, ">\n", 2);
}

/* <name xml:lang="lang">text</name> at depth. */
static void element(struct strbuf *out, int depth, const char *name, const char *lang,
                    const char *text)
{
    const char *const attrs[] = {"xml:lang", lang};
    xml_add_element(out, depth, name, attrs, 1, text);
}

/* A Dublin Core element of a record; nothing without text. */
static void dc(struct strbuf *out, const char *name, const char *lang, const char *text)
{
    if (text && *text)
        element(out, 5, name, lang, text);
}

/* A text the journal gives per language: one element per language with xml:lang, as Dublin
   Core allows; one text without. */
static void dc_localised(struct strbuf *out, const char *name, const struct localised_text *t,
                         const char *text)
{
    if (!t->n || !t->lang[0]) {
        dc(out, name, NULL, text);
        return;
    }
    for (size_t i = 0; i < t->n; i++)
        dc(out, name, t->lang[i], t->text[i]);
}

static void write_record(struct strbuf *out, const struct journal_config *c, const char *host,
                         const struct indexing_article *a)
{
    const struct manuscript *m = a->m;
    const char *date = indexing_published(a);
    char *id = xasprintf("oai:%s:article/%lu", host, a->number);
    strbuf_addstr(out, "    <oai:record>\n"
                       "      <oai:header>\n");
    element(out, 4, "oai:identifier", NULL, id);
    free(id);
    /* The datestamp is when the record was created or last changed (OAI-PMH 2.0): a correction
       moves it, so that harvesters asking for changes since their last visit get it again. */
    element(out, 4, "oai:datestamp", NULL, indexing_updated(a));
    strbuf_addstr(out,
                  "      </oai:header>\n"
                  "      <oai:metadata>\n"
                  "        <oai_dc:dc xmlns:dc=\"" NS_DC "\" xmlns:oai_dc=\"" NS_OAI_DC "\">\n");

    char *title = indexing_full_title(m);
    dc(out, "dc:title", m->lang, title);
    free(title);
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        char *full = indexing_join_title(t->title, t->subtitle);
        dc(out, "dc:title", t->lang, full);
        free(full);
    }
    for (size_t i = 0; i < m->nauthors; i++) {
        char *creator = indexing_creator(&m->authors[i]);
        dc(out, "dc:creator", NULL, creator);
        free(creator);
    }
    for (size_t i = 0; i < m->nkeywords; i++)
        dc(out, "dc:subject", m->lang, m->keywords[i]);
    char *description = intext_plain(m->abstract, &m->references, m->lang);
    dc(out, "dc:description", m->lang, description);
    free(description);
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        for (size_t k = 0; k < t->nkeywords; k++)
            dc(out, "dc:subject", t->lang, t->keywords[k]);
        description = intext_plain(t->abstract, &m->references, t->lang);
        dc(out, "dc:description", t->lang, description);
        free(description);
    }
    dc_localised(out, "dc:publisher", &c->publishers, c->publisher);
    dc(out, "dc:date", NULL, date);
    dc(out, "dc:type", NULL, "Text");
    dc(out, "dc:type", NULL, "info:eu-repo/semantics/article");
    dc(out, "dc:format", NULL, "text/html");
    char *url = indexing_article_url(c->base_url, a->number);
    dc(out, "dc:identifier", NULL, url);
    free(url);
    if (a->r && a->r->doi && *a->r->doi) {
        char *doi = xasprintf("https://doi.org/%s", a->r->doi);
        dc(out, "dc:identifier", NULL, doi);
        free(doi);
    }
    /* The citation of the issue, as DC's source: "Journal; Vol. 1, No. 2 (2025); 1–14". */
    struct strbuf source = STRBUF_INIT;
    char *label = issue_label(a->issue);
    strbuf_addf(&source, "%s; %s", c->title, label);
    free(label);
    char *pages = citation_pages_text(a->pages);
    if (pages)
        strbuf_addf(&source, "; %s", pages);
    free(pages);
    dc(out, "dc:source", NULL, source.buf);
    strbuf_release(&source);
    if (c->issn && *c->issn) {
        char *issn = xasprintf("ISSN %s", c->issn);
        dc(out, "dc:source", NULL, issn);
        free(issn);
    }
    dc(out, "dc:language", NULL, m->lang);
    /* The licence itself (its URL), as DCMI and OpenAIRE want dc:rights; its name when it has
       no known URL. */
    char *license_url = citation_license_url(c->license);
    dc(out, "dc:rights", NULL, license_url ? license_url : c->license);
    free(license_url);
    strbuf_addstr(out, "        </oai_dc:dc>\n"
                       "      </oai:metadata>\n"
                       "    </oai:record>\n");
}

char *oai_base_url(const char *gateway_url, const char *repository_url)
{
    if (!gateway_url || !*gateway_url)
        return xstrdup(repository_url);
    size_t len = strlen(gateway_url);
    while (len && gateway_url[len - 1] == '/')
        len--;
    const char *scheme = strstr(repository_url, "://");
    const char *rest = scheme ? scheme + 3 : repository_url;
    return xasprintf("%.*s/%s", (int)len, gateway_url, rest);
}

int oai_write_static_repository(const struct journal_config *c, const char *repository_url,
                                const char *admin_email, const struct indexing_article *articles,
                                size_t n, struct strbuf *out)
{
    if (!c->base_url || !*c->base_url)
        return error_input("journal.yaml: no base_url; OAI-PMH records need the articles' URLs");
    if (!admin_email || !*admin_email)
        return error_input("journal.yaml: no mail_reply_to or mail_from_address; OAI-PMH needs an "
                           "administrator's email address");
    char *host = url_host(c->base_url);
    /* The earliest datestamp of the repository: the oldest record's. */
    const char *earliest = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *d = indexing_updated(&articles[i]);
        if (d && (!earliest || strcmp(d, earliest) < 0))
            earliest = d;
    }
    char today[11];
    date_today(today);
    if (!earliest)
        earliest = today;

    /* The namespaces as xmlTextWriter declares them: the element's own after its attributes. */
    strbuf_addstr(out,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<Repository xmlns:oai=\"" NS_OAI "\" xmlns:xsi=\"" NS_XSI
                  "\" xsi:schemaLocation=\"" NS_STATIC
                  " http://www.openarchives.org/OAI/2.0/static-repository.xsd\" xmlns=\"" NS_STATIC
                  "\">\n"
                  "  <Identify>\n");
    element(out, 2, "oai:repositoryName", NULL, c->title);
    char *base = oai_base_url(c->oai_gateway_url, repository_url);
    element(out, 2, "oai:baseURL", NULL, base);
    free(base);
    element(out, 2, "oai:protocolVersion", NULL, "2.0");
    element(out, 2, "oai:adminEmail", NULL, admin_email);
    element(out, 2, "oai:earliestDatestamp", NULL, earliest);
    element(out, 2, "oai:deletedRecord", NULL, "no");
    element(out, 2, "oai:granularity", NULL, "YYYY-MM-DD");
    strbuf_addstr(out, "  </Identify>\n"
                       "  <ListMetadataFormats>\n"
                       "    <oai:metadataFormat>\n");
    element(out, 3, "oai:metadataPrefix", NULL, "oai_dc");
    element(out, 3, "oai:schema", NULL, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
    element(out, 3, "oai:metadataNamespace", NULL, NS_OAI_DC);
    strbuf_addstr(out, "    </oai:metadataFormat>\n"
                       "  </ListMetadataFormats>\n");
    if (!n) {
        strbuf_addstr(out, "  <ListRecords metadataPrefix=\"oai_dc\"/>\n");
    } else {
        strbuf_addstr(out, "  <ListRecords metadataPrefix=\"oai_dc\">\n");
        for (size_t i = 0; i < n; i++)
            write_record(out, c, host, &articles[i]);
        strbuf_addstr(out, "  </ListRecords>\n");
    }
    strbuf_addstr(out, "</Repository>\n");
    free(host);
    return 0;
}
