/*
 * An OAI-PMH static repository: one XML file that a static repository gateway
 * serves to harvesters as an OAI-PMH repository
 * (http://www.openarchives.org/OAI/2.0/guidelines-static-repository.htm).
 * The wrapper elements (Repository, Identify, ListMetadataFormats,
 * ListRecords) are in the static-repository namespace; their content is
 * OAI-PMH 2.0 (prefix oai) and the records are Dublin Core (oai_dc).
 */
#include "export/indexing.h"

#include "util/alloc.h"
#include "util/error.h"

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

static void oai(struct xml_out *x, const char *name, const char *text)
{
    xml_start_ns(x, "oai", name, NULL);
    xml_text(x, text);
    xml_end(x);
}

static void dc(struct xml_out *x, const char *name, const char *lang, const char *text)
{
    if (!text || !*text)
        return;
    xml_start_ns(x, "dc", name, NULL);
    if (lang)
        xml_attr(x, "xml:lang", lang);
    xml_text(x, text);
    xml_end(x);
}

static void write_record(struct xml_out *x, const struct journal_config *c, const char *host,
                         const struct indexing_article *a)
{
    const struct manuscript *m = a->m;
    const char *date = indexing_published(a);
    char *id = xasprintf("oai:%s:article/%lu", host, a->number);
    xml_start_ns(x, "oai", "record", NULL);
    xml_start_ns(x, "oai", "header", NULL);
    oai(x, "identifier", id);
    oai(x, "datestamp", date);
    xml_end(x);
    xml_start_ns(x, "oai", "metadata", NULL);
    xml_start_ns(x, "oai_dc", "dc", NS_OAI_DC);
    xml_attr_ns(x, "xmlns", "dc", NULL, NS_DC);

    char *title = indexing_full_title(m);
    dc(x, "title", m->lang, title);
    free(title);
    for (size_t i = 0; i < m->nauthors; i++)
        dc(x, "creator", NULL, m->authors[i].name);
    for (size_t i = 0; i < m->nkeywords; i++)
        dc(x, "subject", m->lang, m->keywords[i]);
    dc(x, "description", m->lang, m->abstract);
    dc(x, "publisher", NULL, c->publisher);
    dc(x, "date", NULL, date);
    dc(x, "type", NULL, "Text");
    dc(x, "type", NULL, "info:eu-repo/semantics/article");
    dc(x, "format", NULL, "text/html");
    char *url = indexing_article_url(c->base_url, a->number);
    dc(x, "identifier", NULL, url);
    free(url);
    if (a->r && a->r->doi && *a->r->doi) {
        char *doi = xasprintf("https://doi.org/%s", a->r->doi);
        dc(x, "identifier", NULL, doi);
        free(doi);
    }
    /* The citation of the issue, as DC's source: "Journal; Vol. 1, No. 2 (2025); 1-14". */
    struct strbuf source = STRBUF_INIT;
    strbuf_addf(&source, "%s; Vol. %lu, No. %lu (%lu)", c->title, a->issue->volume,
                a->issue->number, a->issue->year);
    if (a->pages && *a->pages)
        strbuf_addf(&source, "; %s", a->pages);
    dc(x, "source", NULL, source.buf);
    strbuf_release(&source);
    if (c->issn && *c->issn) {
        char *issn = xasprintf("ISSN %s", c->issn);
        dc(x, "source", NULL, issn);
        free(issn);
    }
    dc(x, "language", NULL, m->lang);
    dc(x, "rights", NULL, c->license);
    xml_end(x); /* oai_dc:dc */
    xml_end(x); /* metadata */
    xml_end(x); /* record */
    free(id);
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
        const char *d = indexing_published(&articles[i]);
        if (d && (!earliest || strcmp(d, earliest) < 0))
            earliest = d;
    }
    char today[11];
    date_today(today);
    if (!earliest)
        earliest = today;

    struct xml_out x;
    xml_out_begin(&x);
    xml_start_ns(&x, NULL, "Repository", NS_STATIC);
    xml_attr_ns(&x, "xmlns", "oai", NULL, NS_OAI);
    xml_attr_ns(&x, "xmlns", "xsi", NULL, NS_XSI);
    xml_attr_ns(&x, "xsi", "schemaLocation", NULL,
                NS_STATIC " http://www.openarchives.org/OAI/2.0/static-repository.xsd");

    xml_start(&x, "Identify");
    oai(&x, "repositoryName", c->title);
    oai(&x, "baseURL", repository_url);
    oai(&x, "protocolVersion", "2.0");
    oai(&x, "adminEmail", admin_email);
    oai(&x, "earliestDatestamp", earliest);
    oai(&x, "deletedRecord", "no");
    oai(&x, "granularity", "YYYY-MM-DD");
    xml_end(&x);

    xml_start(&x, "ListMetadataFormats");
    xml_start_ns(&x, "oai", "metadataFormat", NULL);
    oai(&x, "metadataPrefix", "oai_dc");
    oai(&x, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
    oai(&x, "metadataNamespace", NS_OAI_DC);
    xml_end(&x);
    xml_end(&x);

    xml_start(&x, "ListRecords");
    xml_attr(&x, "metadataPrefix", "oai_dc");
    for (size_t i = 0; i < n; i++)
        write_record(&x, c, host, &articles[i]);
    xml_end(&x);

    xml_end(&x); /* Repository */
    free(host);
    return xml_out_finish(&x, "OAI-PMH static repository", out);
}
