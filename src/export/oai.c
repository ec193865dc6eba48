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

#include "util/alloc.h"
#include "util/error.h"
#include "util/utf8.h"
#include "util/xmltext.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* The length of s without the trailing whitespace xml_text_clean(s, true) trims. */
static size_t trimmed_length(const char *s)
{
    size_t len = strlen(s);
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    return len;
}

/* The first byte at or after p that is not plain ASCII (a control, one of < > & ", or a byte
   of a longer character), or a place less than sixteen bytes before end. */
static const char *skip_plain_ascii(const char *p, const char *end)
{
#ifdef __SSE2__
    /* Signed, the bytes from 0x80 on are below ' ' too. */
    const __m128i space = _mm_set1_epi8(' '), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                  amp = _mm_set1_epi8('&'), quot = _mm_set1_epi8('"');
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, space), _mm_cmpeq_epi8(x, lt)),
                         _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, gt), _mm_cmpeq_epi8(x, amp)),
                                      _mm_cmpeq_epi8(x, quot)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#else
    (void)end;
#endif
    return p;
}

/*
 * s[0..len) as element content, escaped as xmlTextWriterWriteString escapes it:
 * <, >, &, " and carriage return become entities. False, with out partly
 * written, when s holds something xml_text_clean would change: a control
 * character, a byte that is not UTF-8, U+FFFE or U+FFFF.
 */
static bool add_clean_text(struct strbuf *out, const char *s, size_t len)
{
    /* 0: as it is; 1: an entity; 2: a control character; 3: a byte of a longer character. */
    // clang-format off
    static const unsigned char kind[256] = {
        2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2, 1, 2, 2, /* 0_ */
        2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 1_ */
        0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 2_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 3_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 4_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 5_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 6_ */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 7_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 8_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* 9_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* A_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* B_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* C_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* D_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* E_ */
        3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, /* F_ */
    };
    // clang-format on
    const char *run = s, *p = s, *end = s + len;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        switch (kind[c]) {
        case 0:
            /* ASCII text: sixteen bytes at a time, as far as it goes. */
            p = skip_plain_ascii(p + 1, end);
            continue;
        case 2:
            return false;
        case 3: {
            /* Two-byte characters (Cyrillic) need no decoding; the others do. The bytes
               after end are whitespace and NUL, which end any sequence that reaches them. */
            const unsigned char *u = (const unsigned char *)p;
            if (c >= 0xc2 && c <= 0xdf && (u[1] & 0xc0) == 0x80) {
                p += 2;
                continue;
            }
            uint32_t cp;
            if (!utf8_decode(&p, &cp) || cp == 0xfffe || cp == 0xffff)
                return false;
            continue;
        }
        default:
            break;
        }
        strbuf_add(out, run, (size_t)(p - run));
        strbuf_addstr(out, c == '<'   ? "&lt;"
                           : c == '>' ? "&gt;"
                           : c == '&' ? "&amp;"
                           : c == '"' ? "&quot;"
                                      : "&#13;");
        run = ++p;
    }
    strbuf_add(out, run, (size_t)(p - run));
    return true;
}

/* Text, cleaned as xml_text_clean(text, true) and escaped (a copy only when it needs cleaning). */
void xml_add_text(struct strbuf *out, const char *text)
{
    if (!text)
        return;
    size_t at = out->len;
    if (add_clean_text(out, text, trimmed_length(text)))
        return;
    strbuf_setlen(out, at);
    char *clean = xml_text_clean(text, true);
    add_clean_text(out, clean, strlen(clean));
    free(clean);
}

/*
 * An attribute's value as xmlTextWriterWriteAttribute writes it: cleaned as
 * xml_text_clean(value, true) cleans it, then <, >, &, ", line feed, carriage
 * return and tab as entities.
 */
static void add_attribute_value(struct strbuf *out, const char *value)
{
    /* A language code or a URL: nothing to clean or escape. */
    const char *p = value;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '-' && *p <= ':') || (*p >= 'A' && *p <= 'Z'))
        p++;
    if (!*p) {
        strbuf_add(out, value, (size_t)(p - value));
        return;
    }
    char *clean = xml_text_clean(value, true);
    for (const char *p = clean; *p; p++) {
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '<':
            strbuf_addstr(out, "&lt;");
            break;
        case '>':
            strbuf_addstr(out, "&gt;");
            break;
        case '&':
            strbuf_addstr(out, "&amp;");
            break;
        case '"':
            strbuf_addstr(out, "&quot;");
            break;
        case '\n':
            strbuf_addstr(out, "&#10;");
            break;
        case '\r':
            strbuf_addstr(out, "&#13;");
            break;
        case '\t':
            strbuf_addstr(out, "&#9;");
            break;
        default:
            strbuf_addch(out, (char)c);
            break;
        }
    }
    free(clean);
}

void xml_add_attribute(struct strbuf *out, const char *name, const char *value)
{
    if (!value)
        return;
    strbuf_addch(out, ' ');
    strbuf_addstr(out, name);
    strbuf_add(out, "=\"", 2);
    add_attribute_value(out, value);
    strbuf_addch(out, '"');
}

/*
 * A line with <name xml:lang="lang">text</name> at depth (two spaces each):
 * <name/> when text is NULL, as xmlTextWriter ends an element it wrote
 * nothing into.
 */
static void element(struct strbuf *out, int depth, const char *name, const char *lang,
                    const char *text)
{
    strbuf_add(out, "            ", 2 * (size_t)depth); /* depth is at most 5 */
    strbuf_addch(out, '<');
    strbuf_addstr(out, name);
    xml_add_attribute(out, "xml:lang", lang);
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

/* A Dublin Core element of a record; nothing without text. */
static void dc(struct strbuf *out, const char *name, const char *lang, const char *text)
{
    if (text && *text)
        element(out, 5, name, lang, text);
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
    element(out, 4, "oai:datestamp", NULL, date);
    strbuf_addstr(out,
                  "      </oai:header>\n"
                  "      <oai:metadata>\n"
                  "        <oai_dc:dc xmlns:dc=\"" NS_DC "\" xmlns:oai_dc=\"" NS_OAI_DC "\">\n");

    char *title = indexing_full_title(m);
    dc(out, "dc:title", m->lang, title);
    free(title);
    for (size_t i = 0; i < m->nauthors; i++)
        dc(out, "dc:creator", NULL, m->authors[i].name);
    for (size_t i = 0; i < m->nkeywords; i++)
        dc(out, "dc:subject", m->lang, m->keywords[i]);
    dc(out, "dc:description", m->lang, m->abstract);
    dc(out, "dc:publisher", NULL, c->publisher);
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
    /* The citation of the issue, as DC's source: "Journal; Vol. 1, No. 2 (2025); 1-14". */
    struct strbuf source = STRBUF_INIT;
    strbuf_addf(&source, "%s; Vol. %lu, No. %lu (%lu)", c->title, a->issue->volume,
                a->issue->number, a->issue->year);
    if (a->pages && *a->pages)
        strbuf_addf(&source, "; %s", a->pages);
    dc(out, "dc:source", NULL, source.buf);
    strbuf_release(&source);
    if (c->issn && *c->issn) {
        char *issn = xasprintf("ISSN %s", c->issn);
        dc(out, "dc:source", NULL, issn);
        free(issn);
    }
    dc(out, "dc:language", NULL, m->lang);
    dc(out, "dc:rights", NULL, c->license);
    strbuf_addstr(out, "        </oai_dc:dc>\n"
                       "      </oai:metadata>\n"
                       "    </oai:record>\n");
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

    /* The namespaces as xmlTextWriter declares them: the element's own after its attributes. */
    strbuf_addstr(out,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                  "<Repository xmlns:oai=\"" NS_OAI "\" xmlns:xsi=\"" NS_XSI
                  "\" xsi:schemaLocation=\"" NS_STATIC
                  " http://www.openarchives.org/OAI/2.0/static-repository.xsd\" xmlns=\"" NS_STATIC
                  "\">\n"
                  "  <Identify>\n");
    element(out, 2, "oai:repositoryName", NULL, c->title);
    element(out, 2, "oai:baseURL", NULL, repository_url);
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
