#include "export/crossref.h"

#include "crossref_schemas.h"
#include "export/citation.h"
#include "export/intext.h"
#include "export/references.h"
#include "model/country.h"
#include "model/person.h"
#include "util/alloc.h"
#include "util/xmltext.h"
#include "util/error.h"
#include "util/fs.h"

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JATS_NAMESPACE "http://www.ncbi.nlm.nih.gov/JATS1"
#define AI_NAMESPACE   "http://www.crossref.org/AccessIndicators.xsd"
#define FR_NAMESPACE   "http://www.crossref.org/fundref.xsd"
#define XSI_NAMESPACE  "http://www.w3.org/2001/XMLSchema-instance"

#define X(s) ((const xmlChar *)(s))

/* ---- the writer: every call is a no-op after the first failure ---- */

struct xw {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    bool failed;
};

static char *clean_text(const char *s)
{
    return xml_text_clean(s, false);
}

static void xw_start(struct xw *x, const char *name)
{
    if (!x->failed && xmlTextWriterStartElement(x->w, X(name)) < 0)
        x->failed = true;
}

static void xw_start_ns(struct xw *x, const char *prefix, const char *name, const char *uri)
{
    if (!x->failed && xmlTextWriterStartElementNS(x->w, X(prefix), X(name), X(uri)) < 0)
        x->failed = true;
}

static void xw_attr(struct xw *x, const char *name, const char *value)
{
    if (x->failed)
        return;
    char *clean = clean_text(value);
    if (xmlTextWriterWriteAttribute(x->w, X(name), X(clean)) < 0)
        x->failed = true;
    free(clean);
}

static void xw_text(struct xw *x, const char *text)
{
    if (x->failed)
        return;
    char *clean = clean_text(text);
    if (xmlTextWriterWriteString(x->w, X(clean)) < 0)
        x->failed = true;
    free(clean);
}

static void xw_end(struct xw *x)
{
    if (!x->failed && xmlTextWriterEndElement(x->w) < 0)
        x->failed = true;
}

/* <name>text</name>; nothing when text is NULL or empty. */
static void xw_element(struct xw *x, const char *name, const char *text)
{
    if (!text || !*text)
        return;
    xw_start(x, name);
    xw_text(x, text);
    xw_end(x);
}

static void xw_elementf(struct xw *x, const char *name, const char *fmt, unsigned long value)
{
    char text[32];
    snprintf(text, sizeof(text), fmt, value);
    xw_element(x, name, text);
}

/* ---- checks ---- */

static bool doi_is_plausible(const char *doi)
{
    /* Crossref's doi_t: 10\.[0-9]{4,9}/.{1,200} */
    if (strncmp(doi, "10.", 3))
        return false;
    size_t digits = strspn(doi + 3, "0123456789");
    if (digits < 4 || digits > 9 || doi[3 + digits] != '/')
        return false;
    size_t rest = strlen(doi + 4 + digits);
    return rest >= 1 && rest <= 200 && !strpbrk(doi, " \t\r\n");
}

/* Crossref's given_name and surname: 1-60 characters, no digits, no '?'. */
static bool person_name_part_ok(const char *s)
{
    if (!s || !*s)
        return true;
    size_t chars = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p) || *p == '?')
            return false;
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    }
    return chars <= 60;
}

int crossref_check(const struct journal_config *c, const struct issue_manifest *is,
                   const struct crossref_article *articles, size_t n)
{
    size_t before = error_count();
    const char *cfg = "journal.yaml";
    if (!c->doi_prefix)
        error_add_at(cfg, 0, 0,
                     "no doi_prefix: Crossref registers DOIs under the journal's "
                     "prefix (set doi_prefix, e.g. 10.12345)");
    if (!c->issn)
        error_add_at(cfg, 0, 0, "no issn: Crossref identifies the journal by its ISSN (set issn)");
    if (!c->base_url)
        error_add_at(cfg, 0, 0,
                     "no base_url: each DOI must resolve to the article's page (set base_url)");
    if (!c->crossref_depositor_email)
        error_add_at(cfg, 0, 0,
                     "no crossref_depositor_email: Crossref mails the deposit's result there "
                     "(set crossref_depositor_email)");
    char *license = citation_license_url(c->license);
    if (!license)
        error_add_at(cfg, 0, 0,
                     "license '%s' has no known URL: give a Creative Commons licence (\"CC BY "
                     "4.0\") or the licence's URL",
                     c->license ? c->license : "");
    free(license);
    if (!is->date || !date_is_valid(is->date))
        error_add_at("issue", 0, 0, "issue %lu has no publication date", is->id);
    if (!n)
        error_add_at("issue", 0, 0, "issue %lu has no articles to deposit", is->id);
    size_t prefix_len = c->doi_prefix ? strlen(c->doi_prefix) : 0;
    for (size_t i = 0; i < n; i++) {
        const struct crossref_article *a = &articles[i];
        const char *rf = a->record_file ? a->record_file : "submission.yaml";
        const char *mf = a->manuscript_file ? a->manuscript_file : "manuscript.md";
        if (strcmp(a->r->state, "published"))
            error_add_at(rf, 0, 0,
                         "submission %lu is %s, not published: only published articles "
                         "are deposited",
                         a->number, a->r->state);
        if (!a->r->doi)
            error_add_at(rf, 0, 0, "submission %lu has no doi", a->number);
        else if (!doi_is_plausible(a->r->doi))
            error_add_at(rf, 0, 0, "submission %lu: '%s' is not a DOI Crossref accepts", a->number,
                         a->r->doi);
        else if (c->doi_prefix &&
                 (strncmp(a->r->doi, c->doi_prefix, prefix_len) || a->r->doi[prefix_len] != '/'))
            error_add_at(rf, 0, 0, "submission %lu: DOI %s is not under the journal's prefix %s",
                         a->number, a->r->doi, c->doi_prefix);
        if (!a->r->published)
            error_add_at(rf, 0, 0, "submission %lu has no publication date (published: YYYY-MM-DD)",
                         a->number);
        else if (!date_is_valid(a->r->published))
            error_add_at(rf, 0, 0, "submission %lu: published '%s' is not a date (YYYY-MM-DD)",
                         a->number, a->r->published);
        if (!a->m->title || !*a->m->title)
            error_add_at(mf, 0, 0, "submission %lu has no title", a->number);
        for (size_t k = 0; k < a->m->nauthors; k++) {
            if (a->m->authors[k].organization) {
                if (!a->m->authors[k].name || strlen(a->m->authors[k].name) > 511)
                    error_add_at(mf, a->m->authors[k].line, 0,
                                 "organisation author %zu: Crossref takes names of 1 to 511 "
                                 "characters",
                                 k + 1);
                continue;
            }
            /* The Latin form as person_name, the name as written in alt-name: both. */
            struct author forms[2] = {a->m->authors[k], person_author_latin(&a->m->authors[k])};
            for (size_t f = a->m->authors[k].latin.text ? 0 : 1; f < 2; f++) {
                struct citation_name name = {0};
                if (citation_name_split(&forms[f], &name)) {
                    error_clear();
                    error_add_at(mf, a->m->authors[k].line, 0, "author %zu has no usable name",
                                 k + 1);
                    continue;
                }
                if (!person_name_part_ok(name.given) || !person_name_part_ok(name.family) ||
                    !name.family || !*name.family)
                    error_add_at(mf, a->m->authors[k].line, 0,
                                 "author '%s': Crossref takes names of at most 60 characters "
                                 "without digits or '?'",
                                 forms[f].name);
                citation_name_release(&name);
            }
        }
    }
    return error_count() > before ? JOURNAL_EINPUT : 0;
}

/* ---- writing ---- */

/* "2025-06-30" as <month>06</month><day>30</day><year>2025</year>. */
static void write_date(struct xw *x, const char *element, const char *iso)
{
    xw_start(x, element);
    xw_attr(x, "media_type", "online");
    char part[5];
    memcpy(part, iso + 5, 2);
    part[2] = '\0';
    xw_element(x, "month", part);
    memcpy(part, iso + 8, 2);
    xw_element(x, "day", part);
    memcpy(part, iso, 4);
    part[4] = '\0';
    xw_element(x, "year", part);
    xw_end(x);
}

static void write_journal_metadata(struct xw *x, const struct journal_config *c)
{
    xw_start(x, "journal_metadata");
    xw_attr(x, "language", c->languages[0]);
    xw_element(x, "full_title", c->title);
    xw_element(x, "abbrev_title", c->abbreviation);
    xw_start(x, "issn");
    xw_attr(x, "media_type", "electronic");
    xw_text(x, c->issn);
    xw_end(x);
    xw_end(x);
}

static void write_journal_issue(struct xw *x, const struct issue_manifest *is)
{
    xw_start(x, "journal_issue");
    const char *title = is->title ? is->title : is->special;
    if (title) {
        xw_start(x, "titles");
        xw_element(x, "title", title);
        xw_end(x);
    }
    write_date(x, "publication_date", is->date);
    if (is->volume) {
        xw_start(x, "journal_volume");
        xw_elementf(x, "volume", "%lu", is->volume);
        xw_end(x);
    }
    /* A string in the schema: "S1" for a special issue in its own series. */
    char number[ISSUE_NUMBER_SIZE];
    if (is->number)
        xw_element(x, "issue", issue_number_text(is, number));
    xw_end(x);
}

static void write_contributors(struct xw *x, const struct crossref_article *article)
{
    const struct manuscript *m = article->m;
    if (!m->nauthors)
        return;
    xw_start(x, "contributors");
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *a = &m->authors[i];
        if (a->organization) {
            /* A group author: Crossref's organization, a name without parts or affiliations. */
            xw_start(x, "organization");
            xw_attr(x, "sequence", i ? "additional" : "first");
            xw_attr(x, "contributor_role", "author");
            xw_text(x, a->name);
            xw_end(x);
            continue;
        }
        /* Crossref's given_name and surname in Latin script where the author has a Latin
           form; the name as written goes with it in alt-name (5.3.1), for Crossref to show. */
        struct author latin = person_author_latin(a);
        struct citation_name name = {0}, original = {0};
        if (citation_name_split(&latin, &name) ||
            (a->latin.text && citation_name_split(a, &original))) {
            error_clear();
            citation_name_release(&name);
            x->failed = true;
            break;
        }
        xw_start(x, "person_name");
        xw_attr(x, "sequence", i ? "additional" : "first");
        xw_attr(x, "contributor_role", "author");
        xw_element(x, "given_name", name.given);
        xw_element(x, "surname", name.family);
        if (a->naffiliations) {
            xw_start(x, "affiliations");
            for (size_t k = 0; k < a->naffiliations; k++) {
                const struct affiliation *f = &a->affiliations[k];
                xw_start(x, "institution");
                xw_element(x, "institution_name", f->name);
                if (f->ror) {
                    xw_start(x, "institution_id");
                    xw_attr(x, "type", "ror");
                    xw_text(x, f->ror);
                    xw_end(x);
                }
                /* A place name, not a code (Crossref shows it as written); the ROR id
                   already places an institution. */
                const struct country *place = f->country[0] && !f->ror && article->countries
                                                  ? country_by_code(article->countries, f->country)
                                                  : NULL;
                if (place)
                    xw_element(x, "institution_place", country_display_name(place, "en"));
                xw_element(x, "institution_department", f->department);
                xw_end(x);
            }
            xw_end(x);
        }
        if (a->orcid[0]) {
            char url[48];
            snprintf(url, sizeof(url), "https://orcid.org/%s", a->orcid);
            xw_element(x, "ORCID", url);
        }
        if (original.family) {
            xw_start(x, "alt-name");
            xw_start(x, "name");
            if (a->family_first)
                xw_attr(x, "name-style", "eastern");
            xw_element(x, "surname", original.family);
            xw_element(x, "given_name", original.given);
            xw_end(x);
            xw_end(x);
        }
        xw_end(x);
        citation_name_release(&name);
        citation_name_release(&original);
    }
    xw_end(x);
}

/* The Markdown abstract as JATS paragraphs: blank lines part them, line breaks become spaces;
   lang (xml:lang) says which language it is in when the article has several. */
static void write_abstract(struct xw *x, const char *abstract, const char *lang)
{
    if (!abstract || !*abstract)
        return;
    xw_start_ns(x, "jats", "abstract", NULL);
    if (lang)
        xw_attr(x, "xml:lang", lang);
    struct strbuf para = STRBUF_INIT;
    const char *p = abstract;
    bool any = false;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        size_t start = 0;
        while (start < len && (p[start] == ' ' || p[start] == '\t' || p[start] == '\r'))
            start++;
        while (len > start && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
            len--;
        if (len > start) {
            if (para.len)
                strbuf_addch(&para, ' ');
            strbuf_add(&para, p + start, len - start);
        }
        if ((len == start || !eol) && para.len) {
            xw_start_ns(x, "jats", "p", NULL);
            xw_text(x, para.buf);
            xw_end(x);
            strbuf_reset(&para);
            any = true;
        }
        p = eol ? eol + 1 : p + strlen(p);
    }
    if (para.len || !any) {
        xw_start_ns(x, "jats", "p", NULL);
        xw_text(x, para.len ? para.buf : abstract);
        xw_end(x);
    }
    strbuf_release(&para);
    xw_end(x);
}

/* "1-14", "1--14", "1–14" or "e7": first and last page. */
static void write_pages(struct xw *x, const char *pages)
{
    if (!pages || !*pages)
        return;
    char *start, *rest;
    citation_page_range(pages, &start, &rest);
    if (start && strlen(start) <= 32) {
        xw_start(x, "pages");
        xw_element(x, "first_page", start);
        if (rest && strlen(rest) <= 32)
            xw_element(x, "last_page", rest);
        xw_end(x);
    }
    free(start);
    free(rest);
}

/* <fr:assertion name="name">text, nested assertions open (xw_end closes it). */
static void fr_assertion(struct xw *x, const char *name, const char *text)
{
    xw_start_ns(x, "fr", "assertion", NULL);
    xw_attr(x, "name", name);
    if (text)
        xw_text(x, text);
}

/*
 * Crossref's funding data (fundref.xsd): a fundgroup per award, with each funder's name,
 * its identifier nested in the name (the Funder Registry DOI as a doi.org URL, else the ROR
 * id: fundref.xsd leaves the form to Crossref, which takes both), and the award number.
 */
static void write_funding(struct xw *x, const struct funding *f)
{
    if (!f->nawards)
        return;
    xw_start_ns(x, "fr", "program", NULL);
    xw_attr(x, "name", "fundref");
    for (size_t i = 0; i < f->nawards; i++) {
        const struct funding_award *a = &f->awards[i];
        fr_assertion(x, "fundgroup", NULL);
        for (size_t k = 0; k < a->nsources; k++) {
            const struct funder *s = &a->sources[k];
            /* The line the writer does not end after a funder written without indentation. */
            if (k && !x->failed && xmlTextWriterWriteRaw(x->w, X("\n")) < 0)
                x->failed = true;
            fr_assertion(x, "funder_name", s->name);
            /* Mixed content: no indentation inside it, or it would join the funder's name. */
            if (!x->failed && xmlTextWriterSetIndent(x->w, 0) < 0)
                x->failed = true;
            if (s->funder_id) {
                char *url = xasprintf("https://doi.org/%s", s->funder_id);
                fr_assertion(x, "funder_identifier", url);
                xw_end(x);
                free(url);
            } else if (s->ror) {
                fr_assertion(x, "funder_identifier", s->ror);
                xw_end(x);
            }
            xw_end(x);
            if (!x->failed && xmlTextWriterSetIndent(x->w, 1) < 0)
                x->failed = true;
        }
        if (a->id) {
            if (a->nsources && !x->failed && xmlTextWriterWriteRaw(x->w, X("\n")) < 0)
                x->failed = true;
            fr_assertion(x, "award_number", a->id);
            xw_end(x);
        } else if (a->nsources && !x->failed &&
                   xmlTextWriterWriteRaw(x->w, X("\n          ")) < 0) {
            x->failed = true; /* the end tag's line and indentation (fundgroup is 5 deep) */
        }
        xw_end(x);
    }
    xw_end(x);
}

static void write_access_indicators(struct xw *x, const char *license_url, const char *published)
{
    xw_start_ns(x, "ai", "program", NULL);
    xw_attr(x, "name", "AccessIndicators");
    xw_start_ns(x, "ai", "free_to_read", NULL);
    xw_end(x);
    xw_start_ns(x, "ai", "license_ref", NULL);
    xw_attr(x, "applies_to", "vor");
    xw_attr(x, "start_date", published);
    xw_text(x, license_url);
    xw_end(x);
    xw_end(x);
}

static const char *csl_name_text(const struct csl_name *n)
{
    return n->family ? n->family : n->literal ? n->literal : n->given;
}

static bool short_text(const char *s)
{
    return s && *s && strlen(s) <= 32;
}

static void write_citation(struct xw *x, const struct reference *r, size_t index)
{
    char key[32];
    snprintf(key, sizeof(key), "ref%zu", index + 1);
    xw_start(x, "citation");
    xw_attr(x, "key", key);
    if (r->doi && doi_is_plausible(r->doi))
        xw_element(x, "doi", r->doi);
    bool in_journal = r->type && !strcmp(r->type, "article-journal");
    if (in_journal) {
        xw_element(x, "journal_title", r->container_title);
        xw_element(x, "article_title", r->title);
    } else if (r->container_title) {
        xw_element(x, "volume_title", r->container_title);
        xw_element(x, "article_title", r->title);
    } else {
        xw_element(x, "volume_title", r->title);
    }
    if (r->nauthors && csl_name_text(&r->authors[0]))
        xw_element(x, "author", csl_name_text(&r->authors[0]));
    if (short_text(r->volume))
        xw_element(x, "volume", r->volume);
    if (short_text(r->issue))
        xw_element(x, "issue", r->issue);
    if (r->page) {
        char *first = xstrndup(r->page, strcspn(r->page, "-\xe2"));
        if (short_text(first))
            xw_element(x, "first_page", first);
        free(first);
    }
    if (r->year > 0 && r->year < 10000)
        xw_elementf(x, "cYear", "%lu", (unsigned long)r->year);
    if (short_text(r->edition))
        xw_element(x, "edition_number", r->edition);
    /* The reference as the article's page lists it (APA 7, export/references.c): one text for
       readers and for Crossref's matching. A name that cannot be written leaves it out. */
    struct strbuf text = STRBUF_INIT;
    if (reference_apa_text(r, &text))
        error_clear();
    else
        xw_element(x, "unstructured_citation", text.buf);
    strbuf_release(&text);
    xw_end(x);
}

static void write_article(struct xw *x, const struct journal_config *c,
                          const struct crossref_article *a, const char *license_url)
{
    const struct manuscript *m = a->m;
    xw_start(x, "journal_article");
    if (m->lang)
        xw_attr(x, "language", m->lang);
    xw_attr(x, "publication_type", "full_text");
    xw_start(x, "titles");
    xw_element(x, "title", m->title);
    xw_element(x, "subtitle", m->subtitle);
    xw_end(x);
    /* The title in the journal's other languages: a titles element each, as Crossref asks for
       metadata in several languages (original_language_title is for translated works only). */
    for (size_t i = 0; i < m->ntranslations; i++) {
        xw_start(x, "titles");
        xw_element(x, "title", m->translations[i].title);
        xw_element(x, "subtitle", m->translations[i].subtitle);
        xw_end(x);
    }
    write_contributors(x, a);
    /* Citations as their text: Crossref's abstract has no reference list to link to. */
    char *abstract = intext_plain(m->abstract, &m->references, m->lang);
    write_abstract(x, abstract, m->ntranslations ? m->lang : NULL);
    free(abstract);
    for (size_t i = 0; i < m->ntranslations; i++) {
        abstract =
            intext_plain(m->translations[i].abstract, &m->references, m->translations[i].lang);
        write_abstract(x, abstract, m->translations[i].lang);
        free(abstract);
    }
    write_date(x, "publication_date", a->r->published);
    if (a->r->accepted && date_is_valid(a->r->accepted))
        write_date(x, "acceptance_date", a->r->accepted);
    write_pages(x, a->pages);
    write_funding(x, &m->funding);
    write_access_indicators(x, license_url, a->r->published);
    xw_start(x, "doi_data");
    xw_element(x, "doi", a->r->doi);
    char *url = xasprintf("%sarticles/%lu/index.html", c->base_url, a->number);
    xw_element(x, "resource", url);
    free(url);
    xw_end(x);
    if (a->refs && a->refs->n) {
        xw_start(x, "citation_list");
        for (size_t i = 0; i < a->refs->n; i++)
            write_citation(x, &a->refs->items[i], i);
        xw_end(x);
    }
    xw_end(x);
}

int crossref_write(const struct journal_config *c, const struct issue_manifest *is,
                   const struct crossref_article *articles, size_t n, const char *doi_batch_id,
                   const char *timestamp, struct strbuf *out)
{
    size_t id_len = strlen(doi_batch_id);
    if (id_len < 4 || id_len > 100)
        return error_internal("doi_batch_id '%s' must have 4 to 100 characters", doi_batch_id);
    if (!*timestamp || strspn(timestamp, "0123456789") != strlen(timestamp))
        return error_internal("timestamp '%s' must be digits", timestamp);
    if (!c->doi_prefix || !c->issn || !c->base_url || !c->crossref_depositor_email || !is->date)
        return error_input("the deposit is incomplete: check it first");
    for (size_t i = 0; i < n; i++)
        if (!articles[i].r->doi || !articles[i].r->published ||
            !date_is_valid(articles[i].r->published))
            return error_input("submission %lu has no DOI or publication date", articles[i].number);
    char *license_url = citation_license_url(c->license);
    if (!license_url)
        return error_input("license '%s' has no known URL", c->license ? c->license : "");

    struct xw x = {0};
    x.buf = xmlBufferCreate();
    x.w = x.buf ? xmlNewTextWriterMemory(x.buf, 0) : NULL;
    if (!x.w) {
        if (x.buf)
            xmlBufferFree(x.buf);
        free(license_url);
        return error_internal("cannot start the XML writer");
    }
    if (xmlTextWriterSetIndent(x.w, 1) < 0 || xmlTextWriterSetIndentString(x.w, X("  ")) < 0 ||
        xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL) < 0)
        x.failed = true;
    xw_start(&x, "doi_batch");
    xw_attr(&x, "version", CROSSREF_SCHEMA_VERSION);
    xw_attr(&x, "xmlns", CROSSREF_NAMESPACE);
    xw_attr(&x, "xmlns:xsi", XSI_NAMESPACE);
    xw_attr(&x, "xmlns:jats", JATS_NAMESPACE);
    xw_attr(&x, "xmlns:ai", AI_NAMESPACE);
    xw_attr(&x, "xmlns:fr", FR_NAMESPACE);
    xw_attr(&x, "xsi:schemaLocation",
            CROSSREF_NAMESPACE " https://www.crossref.org/schemas/crossref5.3.1.xsd");

    xw_start(&x, "head");
    xw_element(&x, "doi_batch_id", doi_batch_id);
    xw_element(&x, "timestamp", timestamp);
    xw_start(&x, "depositor");
    const char *fallback = c->publisher && *c->publisher ? c->publisher : c->title;
    xw_element(&x, "depositor_name",
               c->crossref_depositor_name ? c->crossref_depositor_name : fallback);
    xw_element(&x, "email_address", c->crossref_depositor_email);
    xw_end(&x);
    xw_element(&x, "registrant", c->crossref_registrant ? c->crossref_registrant : fallback);
    xw_end(&x);

    xw_start(&x, "body");
    xw_start(&x, "journal");
    write_journal_metadata(&x, c);
    write_journal_issue(&x, is);
    for (size_t i = 0; i < n; i++)
        write_article(&x, c, &articles[i], license_url);
    xw_end(&x); /* journal */
    xw_end(&x); /* body */
    xw_end(&x); /* doi_batch */
    if (!x.failed && xmlTextWriterEndDocument(x.w) < 0)
        x.failed = true;
    xmlFreeTextWriter(x.w);
    int rc = 0;
    if (x.failed)
        rc = error_input("the deposit could not be written as XML (is every text valid UTF-8?)");
    else
        strbuf_add(out, xmlBufferContent(x.buf), (size_t)xmlBufferLength(x.buf));
    xmlBufferFree(x.buf);
    free(license_url);
    return rc;
}

/* ---- validation ---- */

struct messages {
    struct strbuf text;
    size_t count;
};

static void collect(void *data, const xmlError *e)
{
    struct messages *m = data;
    if (!e || !e->message || m->count >= 20)
        return;
    m->count++;
    size_t len = strlen(e->message);
    while (len && e->message[len - 1] == '\n')
        len--;
    strbuf_addf(&m->text, "\n  %s:%d: %.*s", e->file ? e->file : "deposit", e->line, (int)len,
                e->message);
}

/* libxml2 < 2.12 passes a non-const xmlErrorPtr. */
static void collect_error(void *data, xmlErrorPtr e)
{
    collect(data, e);
}

/*
 * Parse the schema at xsd and validate the deposit against it, through whatever external
 * entity loader the caller has set. missing (or NULL) collects what that loader could not
 * find: an import the schema names but cannot load makes libxml2 skip it with a warning, and
 * the elements it declares would then go unchecked, so it counts as a schema that cannot be
 * loaded.
 */
static int validate_against(const char *xsd, const char *xml, size_t len,
                            const struct strbuf *missing)
{
    int rc = 0;
    struct messages msgs = {STRBUF_INIT, 0};
    xmlSetStructuredErrorFunc(&msgs, collect_error);
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(xsd);
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vctx = NULL;
    xmlDocPtr doc = NULL;
    if (pctx) {
        xmlSchemaSetParserStructuredErrors(pctx, collect_error, &msgs);
        schema = xmlSchemaParse(pctx);
    }
    if (!schema || (missing && missing->len)) {
        rc = error_internal("%s: the Crossref schema cannot be loaded:%s%s%s", xsd,
                            missing && missing->len ? " it refers to files not at hand:" : "",
                            missing ? missing->buf : "", msgs.text.buf);
        goto done;
    }
    strbuf_reset(&msgs.text);
    msgs.count = 0;
    doc = xmlReadMemory(xml, (int)len, "deposit.xml", NULL, XML_PARSE_NONET);
    if (!doc) {
        rc = error_input("the deposit is not well-formed XML:%s", msgs.text.buf);
        goto done;
    }
    vctx = xmlSchemaNewValidCtxt(schema);
    if (!vctx) {
        rc = error_internal("cannot start the XML schema validator");
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(vctx, collect_error, &msgs);
    int valid = xmlSchemaValidateDoc(vctx, doc);
    if (valid > 0)
        rc = error_input("the deposit does not validate against Crossref's schema %s:%s",
                         CROSSREF_SCHEMA_VERSION, msgs.text.buf);
    else if (valid < 0)
        rc = error_internal("the XML schema validator failed:%s", msgs.text.buf);
done:
    xmlSchemaFreeValidCtxt(vctx);
    xmlFreeDoc(doc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pctx);
    xmlSetStructuredErrorFunc(NULL, NULL);
    strbuf_release(&msgs.text);
    return rc;
}

/* Against the schema folder schema_dir (catalog.xml, schemas/), read from disk. */
static int validate_with_folder(const char *xml, size_t len, const char *schema_dir)
{
    char *catalog = fs_join(schema_dir, "catalog.xml");
    char *xsd = fs_join(schema_dir, "schemas/crossref5.3.1.xsd");
    int rc = 0;
    if (!fs_exists(xsd) || !fs_exists(catalog)) {
        /* A folder the user named: their input, not journal's fault. */
        rc = error_input("%s: no Crossref schema (expected catalog.xml and "
                         "schemas/crossref5.3.1.xsd there; without --schema, "
                         "JOURNAL_CROSSREF_SCHEMA_DIR and crossref_schema_dir, journal uses "
                         "the schema built into it)",
                         schema_dir);
        free(catalog);
        free(xsd);
        return rc;
    }
    /* The catalog maps the remote imports (xml.xsd, MathML, XLink) to the local copies; it is
       loaded once per process, and nothing is fetched from the network. */
    static char *loaded;
    if (!loaded || strcmp(loaded, catalog)) {
        xmlInitializeCatalog();
        if (xmlLoadCatalog(catalog) < 0) {
            rc = error_internal("%s: cannot load the XML catalog", catalog);
            free(catalog);
            free(xsd);
            return rc;
        }
        free(loaded);
        loaded = xstrdup(catalog);
    }
    xmlExternalEntityLoader previous = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(xmlNoNetExternalEntityLoader);
    rc = validate_against(xsd, xml, len, NULL);
    xmlSetExternalEntityLoader(previous);
    free(catalog);
    free(xsd);
    return rc;
}

/*
 * The schemas compiled into the binary (crossref_schemas.h) are named by URIs of a scheme of
 * their own, EMBEDDED_SCHEME followed by their path in the source tree: the schemas' relative
 * imports resolve among them as they would among files (RFC 3986 resolution, which libxml2
 * applies to any hierarchical URI), and a URI of this scheme can never reach a file or the
 * network. The remote locations some imports name (MathML 3 at w3.org) are mapped to embedded
 * files by schemas/crossref/catalog.xml, compiled in with them. libxml2 asks the process's
 * external entity loader for every document a schema loads; while a deposit is validated that
 * loader is load_embedded, which serves these files from memory and refuses anything else.
 * (libxml2 stats each name as a file before asking the loader, xmlLoadExternalEntity; what
 * it finds does not matter, since the loader reads only the name. strace shows no other
 * access: no open, no connect.)
 */
#define EMBEDDED_SCHEME  "journal-embedded:/"
#define EMBEDDED_FOLDER  "schemas/crossref/"
#define EMBEDDED_CATALOG EMBEDDED_FOLDER "catalog.xml"
#define EMBEDDED_XSD     EMBEDDED_FOLDER "schemas/crossref5.3.1.xsd"

struct embedded_catalog {
    char **names; /* remote URI i is embedded file paths[i] */
    char **paths;
    size_t n;
    struct strbuf missing; /* what was asked for and is not compiled in */
};

/* The loader has no argument of its own: the catalog of the validation under way. */
static struct embedded_catalog *embedded;

static const struct embedded_file *embedded_file(const char *path)
{
    for (size_t i = 0; i < crossref_schema_nfiles; i++)
        if (!strcmp(crossref_schema_files[i].path, path))
            return &crossref_schema_files[i];
    return NULL;
}

/* The <system systemId uri> and <uri name uri> entries of the embedded catalog.xml. */
static int embedded_catalog_load(struct embedded_catalog *c)
{
    memset(c, 0, sizeof(*c));
    strbuf_init(&c->missing);
    const struct embedded_file *f = embedded_file(EMBEDDED_CATALOG);
    xmlDocPtr doc = f ? xmlReadMemory((const char *)f->data, (int)f->size, EMBEDDED_CATALOG, NULL,
                                      XML_PARSE_NONET)
                      : NULL;
    if (!doc)
        return error_internal("the Crossref schema's catalog is not compiled into journal (%s)",
                              EMBEDDED_CATALOG);
    size_t cap = 0;
    for (xmlNodePtr e = xmlDocGetRootElement(doc)->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE)
            continue;
        const char *key = !strcmp((const char *)e->name, "system") ? "systemId"
                          : !strcmp((const char *)e->name, "uri")  ? "name"
                                                                   : NULL;
        xmlChar *name = key ? xmlGetProp(e, X(key)) : NULL;
        xmlChar *uri = key ? xmlGetProp(e, X("uri")) : NULL;
        if (name && uri) {
            if (c->n == cap) {
                cap = cap ? 2 * cap : 8;
                c->names = xrealloc(c->names, cap * sizeof(*c->names));
                c->paths = xrealloc(c->paths, cap * sizeof(*c->paths));
            }
            c->names[c->n] = xstrdup((const char *)name);
            c->paths[c->n++] = xasprintf(EMBEDDED_FOLDER "%s", (const char *)uri);
        }
        xmlFree(name);
        xmlFree(uri);
    }
    xmlFreeDoc(doc);
    return 0;
}

static void embedded_catalog_free(struct embedded_catalog *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->names[i]);
        free(c->paths[i]);
    }
    free(c->names);
    free(c->paths);
    strbuf_release(&c->missing);
}

static xmlParserInputPtr load_embedded(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    struct embedded_catalog *c = embedded;
    const char *path = NULL;
    if (url && !strncmp(url, EMBEDDED_SCHEME, strlen(EMBEDDED_SCHEME)))
        path = url + strlen(EMBEDDED_SCHEME);
    for (size_t i = 0; url && !path && i < c->n; i++)
        if (!strcmp(c->names[i], url))
            path = c->paths[i];
    const struct embedded_file *f = path ? embedded_file(path) : NULL;
    if (!f || !ctxt) {
        strbuf_addf(&c->missing, " %s", url ? url : id ? id : "(no name)");
        return NULL;
    }
    /* A copy (CreateMem): libxml2 2.9's static input buffers are misread once the parser
       switches encoding, as the encoding declaration of every schema makes it do. */
    xmlParserInputBufferPtr buf =
        xmlParserInputBufferCreateMem((const char *)f->data, (int)f->size, XML_CHAR_ENCODING_NONE);
    xmlParserInputPtr in = buf ? xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE) : NULL;
    if (!in) {
        if (buf)
            xmlFreeParserInputBuffer(buf);
        return NULL;
    }
    /* The document's URI: the base its relative imports are resolved against. */
    char *uri = xasprintf(EMBEDDED_SCHEME "%s", f->path);
    in->filename = (const char *)xmlStrdup(X(uri));
    free(uri);
    return in;
}

/* Against the schemas compiled in, with no file read and nothing fetched. */
static int validate_embedded(const char *xml, size_t len)
{
    struct embedded_catalog catalog;
    int rc = embedded_catalog_load(&catalog);
    if (rc) {
        embedded_catalog_free(&catalog);
        return rc;
    }
    embedded = &catalog;
    xmlExternalEntityLoader previous = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(load_embedded);
    rc = validate_against(EMBEDDED_SCHEME EMBEDDED_XSD, xml, len, &catalog.missing);
    xmlSetExternalEntityLoader(previous);
    embedded = NULL;
    embedded_catalog_free(&catalog);
    return rc;
}

int crossref_validate(const char *xml, size_t len, const char *schema_dir)
{
    return schema_dir ? validate_with_folder(xml, len, schema_dir) : validate_embedded(xml, len);
}
