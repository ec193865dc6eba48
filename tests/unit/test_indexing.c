/*
 * What indexers get: DOAJ article XML validated against DOAJ's schema
 * (tests/specs/doaj, offline through its XML catalog), the OAI-PMH static
 * repository's parts validated against OAI-PMH.xsd (tests/specs/oai-static),
 * and the Atom feed's entries. The specs folder is argv[1].
 *
 * The static repository's wrapper (Repository, Identify, ListMetadataFormats,
 * ListRecords in the static-repository namespace) has its own schema,
 * static-repository.xsd, which the whole file is validated against. What it
 * wraps is OAI-PMH: so each part is also put into the
 * OAI-PMH response a gateway would serve (Identify, ListMetadataFormats, and
 * ListRecords with each record) and that response is validated against
 * OAI-PMH.xsd. OAI-PMH.xsd validates metadata strictly (processContents
 * "strict"), so the oai_dc and Dublin Core element schemas are needed too
 * (tests/specs/oai-static has them).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "export/citation.h"
#include "export/indexing.h"
#include "model/language.h"
#include "model/person.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *specs_dir;
static struct language_db *languages;

#define HOSTILE       "Reform & <Results>: \"quoted\", 'single' & Реформа ]]> \x01"
#define HOSTILE_CLEAN "Reform & <Results>: \"quoted\", 'single' & Реформа ]]> "

/* ---- a sample-like issue ---- */

struct sample {
    struct journal_config c;
    struct issue_manifest issue;
    struct manuscript m[3];
    struct submission_record r[3];
    struct indexing_article a[3];
};

static void add_author(struct manuscript *m, const char *name, const char *orcid,
                       const char *const *affiliations)
{
    m->authors = xrealloc(m->authors, (m->nauthors + 1) * sizeof(*m->authors));
    struct author *au = &m->authors[m->nauthors++];
    memset(au, 0, sizeof(*au));
    au->name = xstrdup(name);
    if (orcid)
        snprintf(au->orcid, sizeof(au->orcid), "%s", orcid);
    while (affiliations && affiliations[au->naffiliations])
        au->naffiliations++;
    au->affiliations = xcalloc(au->naffiliations + 1, sizeof(*au->affiliations));
    for (size_t i = 0; i < au->naffiliations; i++)
        au->affiliations[i].name = xstrdup(affiliations[i]);
}

static void make_manuscript(struct manuscript *m, const char *title, const char *lang,
                            const char *abstract, const char *const *keywords)
{
    memset(m, 0, sizeof(*m));
    m->title = xstrdup(title);
    m->lang = xstrdup(lang);
    m->type = xstrdup("research-article");
    m->abstract = abstract ? xstrdup(abstract) : NULL;
    while (keywords && keywords[m->nkeywords])
        m->nkeywords++;
    m->keywords = xcalloc(m->nkeywords + 1, sizeof(*m->keywords));
    for (size_t i = 0; i < m->nkeywords; i++)
        m->keywords[i] = xstrdup(keywords[i]);
}

static unsigned long issue_articles[] = {1, 4, 7};
static char *issue_pages[] = {"1-14", "15–30", NULL};

static void make_sample(struct sample *s)
{
    memset(s, 0, sizeof(*s));
    s->c.title = "Journal of Civil Service Reform & Practice";
    s->c.publisher = "Regional Civil Service Cooperation Hub";
    s->c.issn = "3051-7729";
    s->c.base_url = "https://journal.example.org/";
    s->c.license = "CC BY 4.0";
    s->issue = (struct issue_manifest){.id = 1,
                                       .volume = 1,
                                       .number = 2,
                                       .year = 2025,
                                       .date = "2025-06-30",
                                       .articles = issue_articles,
                                       .pages = issue_pages,
                                       .pages_typeset = true,
                                       .narticles = 3};
    static const char *const kw0[] = {"merit & <recruitment>", "civil service", NULL};
    static const char *const kw1[] = {"государственная служба", "оценка", NULL};
    static const char *const academy[] = {"Academy of Public Administration", NULL};
    static const char *const two[] = {"Academy of Public Administration", "UNDP", NULL};
    static const char *const institute[] = {"Институт государственного управления", NULL};
    make_manuscript(&s->m[0], HOSTILE, "en", "An abstract with <tags> & \"quotes\".", kw0);
    s->m[0].subtitle = xstrdup("what changed");
    add_author(&s->m[0], "Dana Seitkali", "0000-0003-5882-8559", academy);
    add_author(&s->m[0], "Jane O'Doe", NULL, two);
    make_manuscript(&s->m[1], "Оценка результативности государственных служащих", "ru",
                    "Аннотация статьи.", kw1);
    add_author(&s->m[1], "Иван Петров", "0000-0002-1825-0097", institute);
    /* The Russian article's English title, abstract and keywords. */
    s->m[1].translations = xcalloc(1, sizeof(*s->m[1].translations));
    s->m[1].ntranslations = 1;
    struct translation *t = &s->m[1].translations[0];
    memcpy(t->lang, "en", 3);
    t->title = xstrdup("Performance appraisal of civil servants");
    t->subtitle = xstrdup("two countries");
    t->abstract = xstrdup("The article's abstract.");
    t->keywords = xcalloc(2, sizeof(*t->keywords));
    t->keywords[t->nkeywords++] = xstrdup("civil service");
    make_manuscript(&s->m[2], "Editorial", "en", NULL, NULL);
    free(s->m[2].type);
    s->m[2].type = xstrdup("editorial");
    add_author(&s->m[2], "The Editors", NULL, academy);
    s->m[2].authors[0].organization = true;
    static char *dois[] = {"10.99999/jcsrp.2025.1.2.1", "10.99999/jcsrp.2025.1.2.4", NULL};
    for (size_t i = 0; i < 3; i++) {
        s->r[i].number = issue_articles[i];
        s->r[i].state = "published";
        s->r[i].published = "2025-06-30";
        s->r[i].doi = dois[i];
        s->a[i] = (struct indexing_article){issue_articles[i], &s->m[i], &s->r[i], &s->issue,
                                            issue_pages[i]};
    }
}

static void free_sample(struct sample *s)
{
    for (size_t i = 0; i < 3; i++)
        manuscript_free(&s->m[i]);
}

/* ---- XML helpers ---- */

static char *spec_path(const char *rel)
{
    return xasprintf("%s/%s", specs_dir, rel);
}

static void ignore_error(void *data, const xmlError *error)
{
    (void)data;
    (void)error;
}

/* 0 when doc is valid against the schema at xsd (errors go to stderr unless quiet). */
static int validate_quietly(xmlDocPtr doc, const char *xsd, bool quiet)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(xsd);
    assert_non_null(pc);
    xmlSchemaPtr schema = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    assert_non_null(schema);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    if (quiet)
        xmlSchemaSetValidStructuredErrors(vc, (xmlStructuredErrorFunc)ignore_error, NULL);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    return rc;
}

static int validate(xmlDocPtr doc, const char *xsd)
{
    return validate_quietly(doc, xsd, false);
}

/* Documents that must fail: the validation is not a no-op. */
static int invalid(xmlDocPtr doc, const char *xsd)
{
    return validate_quietly(doc, xsd, true) != 0;
}

static xmlDocPtr parse(const char *text, size_t len)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)len, "test.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    return doc;
}

/* The string value of an XPath expression, with prefixes d (DOAJ has none), oai, a, dc. */
static char *xpath_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, BAD_CAST "oai", BAD_CAST "http://www.openarchives.org/OAI/2.0/");
    xmlXPathRegisterNs(ctx, BAD_CAST "sr",
                       BAD_CAST "http://www.openarchives.org/OAI/2.0/static-repository");
    xmlXPathRegisterNs(ctx, BAD_CAST "dc", BAD_CAST "http://purl.org/dc/elements/1.1/");
    xmlXPathRegisterNs(ctx, BAD_CAST "a", BAD_CAST "http://www.w3.org/2005/Atom");
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(r);
    xmlChar *s = xmlXPathCastToString(r);
    char *out = xstrdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return out;
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *expected)
{
    char *s = xpath_string(doc, expr);
    if (strcmp(s, expected))
        fail_msg("%s: expected '%s', got '%s'", expr, expected, s);
    free(s);
}

/* ---- DOAJ ---- */

static void test_doaj_validates(void **state)
{
    (void)state;
    struct sample s;
    make_sample(&s);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(doaj_write(&s.c, languages, s.a, 3, &xml), 0);
    xmlDocPtr doc = parse(xml.buf, xml.len);
    char *xsd = spec_path("doaj/doajArticles.xsd");
    assert_int_equal(validate(doc, xsd), 0);
    /* The check has teeth: ISO 639-1 is not what DOAJ takes. */
    char *bad = xstrdup(xml.buf);
    memcpy(strstr(bad, "<language>eng</language>"), "<language>en </language>", 24);
    xmlDocPtr wrong = parse(bad, strlen(bad));
    assert_true(invalid(wrong, xsd));
    xmlFreeDoc(wrong);
    free(bad);
    free(xsd);

    assert_xpath(doc, "count(/records/record)", "3");
    /* Escaped on the way out, the same text on the way back (the control character dropped). */
    assert_xpath(doc, "/records/record[1]/title", HOSTILE_CLEAN ": what changed");
    assert_xpath(doc, "/records/record[1]/title/@language", "eng");
    assert_xpath(doc, "/records/record[1]/language", "eng");
    assert_xpath(doc, "/records/record[2]/language", "rus");
    assert_xpath(doc, "/records/record[2]/keywords/@language", "rus");
    assert_xpath(doc, "/records/record[2]/keywords/keyword[1]", "государственная служба");
    assert_xpath(doc, "/records/record[1]/keywords/keyword[1]", "merit & <recruitment>");
    /* Title, abstract and keywords once per language, each with its language. */
    assert_xpath(doc, "count(/records/record[2]/title)", "2");
    assert_xpath(doc, "/records/record[2]/title[@language='rus']",
                 "Оценка результативности государственных служащих");
    assert_xpath(doc, "/records/record[2]/title[@language='eng']",
                 "Performance appraisal of civil servants: two countries");
    assert_xpath(doc, "/records/record[2]/abstract[@language='rus']", "Аннотация статьи.");
    assert_xpath(doc, "/records/record[2]/abstract[@language='eng']", "The article's abstract.");
    assert_xpath(doc, "/records/record[2]/keywords[@language='eng']/keyword", "civil service");
    assert_xpath(doc, "count(/records/record[1]/title)", "1");
    assert_xpath(doc, "/records/record[1]/doi", "10.99999/jcsrp.2025.1.2.1");
    assert_xpath(doc, "count(/records/record[3]/doi)", "0");
    assert_xpath(doc, "/records/record[1]/eissn", "3051-7729");
    assert_xpath(doc, "/records/record[1]/publisher", "Regional Civil Service Cooperation Hub");
    assert_xpath(doc, "/records/record[1]/journalTitle",
                 "Journal of Civil Service Reform & Practice");
    assert_xpath(doc, "/records/record[1]/publicationDate", "2025-06-30");
    assert_xpath(doc, "/records/record[1]/volume", "1");
    assert_xpath(doc, "/records/record[1]/issue", "2");
    assert_xpath(doc, "/records/record[1]/startPage", "1");
    assert_xpath(doc, "/records/record[1]/endPage", "14");
    assert_xpath(doc, "/records/record[2]/startPage", "15");
    assert_xpath(doc, "/records/record[2]/endPage", "30");
    assert_xpath(doc, "count(/records/record[3]/startPage)", "0");
    assert_xpath(doc, "/records/record[1]/fullTextUrl",
                 "https://journal.example.org/articles/1/index.html");
    assert_xpath(doc, "/records/record[1]/fullTextUrl/@format", "html");
    assert_xpath(doc, "/records/record[1]/abstract", "An abstract with <tags> & \"quotes\".");
    assert_xpath(doc, "count(/records/record[3]/abstract)", "0");
    /* One affiliation listed once, referred to by both authors. */
    assert_xpath(doc, "count(/records/record[1]/affiliationsList/affiliationName)", "2");
    assert_xpath(doc, "/records/record[1]/authors/author[1]/affiliationId", "1");
    assert_xpath(doc, "/records/record[1]/authors/author[2]/affiliationId[1]", "1");
    assert_xpath(doc, "/records/record[1]/authors/author[2]/affiliationId[2]", "2");
    assert_xpath(doc, "/records/record[1]/affiliationsList/affiliationName[@affiliationId='2']",
                 "UNDP");
    assert_xpath(doc,
                 "count(/records/record/authors/author/affiliationId[not(. = "
                 "../../../affiliationsList/affiliationName/@affiliationId)])",
                 "0");
    assert_xpath(doc, "/records/record[1]/authors/author[2]/name", "Jane O'Doe");
    /* ORCID iDs in DOAJ's element (its spelling), as full URLs; none for an author without. */
    assert_xpath(doc, "/records/record[1]/authors/author[1]/orchid_id",
                 "https://orcid.org/0000-0003-5882-8559");
    assert_xpath(doc, "/records/record[2]/authors/author[1]/orchid_id",
                 "https://orcid.org/0000-0002-1825-0097");
    assert_xpath(doc, "count(/records/record[1]/authors/author[2]/orchid_id)", "0");
    /* An editorial is not an article to DOAJ's readers. */
    assert_xpath(doc, "/records/record[1]/documentType", "article");
    assert_xpath(doc, "/records/record[3]/documentType", "editorial");
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    free_sample(&s);
}

/* Ranges estimated from the word count (pdf: false) are no page ranges: DOAJ gets none, and the
   record is still valid. */
static void test_doaj_estimated_pages_left_out(void **state)
{
    (void)state;
    struct sample s;
    make_sample(&s);
    s.issue.pages_typeset = false;
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(doaj_write(&s.c, languages, s.a, 3, &xml), 0);
    xmlDocPtr doc = parse(xml.buf, xml.len);
    char *xsd = spec_path("doaj/doajArticles.xsd");
    assert_int_equal(validate(doc, xsd), 0);
    assert_xpath(doc, "count(//startPage)", "0");
    assert_xpath(doc, "count(//endPage)", "0");
    xmlFreeDoc(doc);
    free(xsd);
    strbuf_release(&xml);
    free_sample(&s);
}

static void test_doaj_refuses(void **state)
{
    (void)state;
    struct sample s;
    make_sample(&s);
    struct strbuf xml = STRBUF_INIT;
    strbuf_addstr(&xml, "kept");
    s.c.issn = NULL;
    assert_int_equal(doaj_write(&s.c, languages, s.a, 3, &xml), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "issn"));
    s.c.issn = "3051-7729";
    s.c.base_url = NULL;
    assert_int_equal(doaj_write(&s.c, languages, s.a, 3, &xml), JOURNAL_EINPUT);
    s.c.base_url = "https://journal.example.org/";
    assert_int_equal(doaj_write(&s.c, languages, s.a, 0, &xml), JOURNAL_EINPUT);
    assert_string_equal(xml.buf, "kept");
    error_clear();
    strbuf_release(&xml);
    free_sample(&s);
}

static void test_oai_base_url(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        /* The guidelines' own example. */
        {"http://gateway.institution.org/oai", "http://an.oai.org/ma/mini.xml",
         "http://gateway.institution.org/oai/an.oai.org/ma/mini.xml"},
        /* A gateway given with its trailing slash; a repository served over https. */
        {"https://gateway.example.net/oai/",
         "https://journal.example.org/oai/static-repository.xml",
         "https://gateway.example.net/oai/journal.example.org/oai/static-repository.xml"},
        /* No gateway: the file's own URL. */
        {NULL, "https://journal.example.org/oai/static-repository.xml",
         "https://journal.example.org/oai/static-repository.xml"},
        {"", "https://journal.example.org/oai/static-repository.xml",
         "https://journal.example.org/oai/static-repository.xml"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *got = oai_base_url(cases[i][0], cases[i][1]);
        assert_string_equal(got, cases[i][2]);
        free(got);
    }
}

static void test_language_codes(void **state)
{
    (void)state;
    assert_string_equal(indexing_language_b(languages, "en"), "eng");
    assert_string_equal(indexing_language_b(languages, "ru"), "rus");
    assert_string_equal(indexing_language_b(languages, "de"), "ger");
    assert_string_equal(indexing_language_b(languages, "kk"), "kaz");
    assert_null(indexing_language_b(languages, "xx"));
}

static void test_split_pages(void **state)
{
    (void)state;
    static const char *const cases[][3] = {{"1-14", "1", "14"}, {"1--14", "1", "14"},
                                           {"1–14", "1", "14"}, {"e7", "e7", NULL},
                                           {"", NULL, NULL},    {"12-", "12", NULL}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *start, *end;
        indexing_split_pages(cases[i][0], &start, &end);
        if (cases[i][1])
            assert_string_equal(start, cases[i][1]);
        else
            assert_null(start);
        if (cases[i][2])
            assert_string_equal(end, cases[i][2]);
        else
            assert_null(end);
        free(start);
        free(end);
    }
}

/* ---- OAI-PMH ---- */

/* The schema set for OAI-PMH responses carrying oai_dc: a driver importing OAI-PMH.xsd and
   oai_dc.xsd from tests/specs/oai-static (oai_dc.xsd's own imports, simpledc and xml.xsd,
   resolve through that folder's catalog). Returns the driver's path, in dir. */
static char *oai_schema(char *dir)
{
    assert_non_null(mkdtemp(dir));
    char *oai = spec_path("oai-static/OAI-PMH.xsd");
    char *oai_dc = spec_path("oai-static/oai_dc.xsd");
    char *driver = xasprintf(
        "<?xml version=\"1.0\"?>\n<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
        "<xs:import namespace=\"http://www.openarchives.org/OAI/2.0/\" schemaLocation=\"%s\"/>\n"
        "<xs:import namespace=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" "
        "schemaLocation=\"%s\"/>\n</xs:schema>\n",
        oai, oai_dc);
    char *path = xasprintf("%s/driver.xsd", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(driver, f);
    fclose(f);
    free(driver);
    free(oai);
    free(oai_dc);
    return path;
}

static void remove_schema(const char *dir)
{
    char *p = xasprintf("%s/driver.xsd", dir);
    unlink(p);
    free(p);
    rmdir(dir);
}

/* The children of node, serialised (the oai prefix is declared by the response). */
static void dump_children(xmlDocPtr doc, xmlNodePtr node, struct strbuf *out)
{
    xmlBufferPtr buf = xmlBufferCreate();
    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            xmlNodeDump(buf, doc, c, 0, 0);
    strbuf_add(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
    xmlBufferFree(buf);
}

/* The OAI-PMH response a gateway would give for verb, with body inside <verb>. */
static xmlDocPtr oai_response(const char *verb, const char *body, const char *base_url)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" "
                "xmlns:oai=\"http://www.openarchives.org/OAI/2.0/\">"
                "<responseDate>2026-01-15T12:00:00Z</responseDate>"
                "<request verb=\"%s\"%s>%s</request><%s>%s</%s></OAI-PMH>",
                verb, strcmp(verb, "ListRecords") ? "" : " metadataPrefix=\"oai_dc\"", base_url,
                verb, body, verb);
    xmlDocPtr doc = parse(sb.buf, sb.len);
    strbuf_release(&sb);
    return doc;
}

static xmlNodePtr child(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
            return c;
    return NULL;
}

static void assert_oai_as_libxml(const struct journal_config *c, const char *earliest,
                                 const struct indexing_article *a, size_t n);

static void test_oai_static_repository(void **state)
{
    (void)state;
    struct sample s;
    make_sample(&s);
    const char *url = "https://journal.example.org/oai/static-repository.xml";
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(oai_write_static_repository(&s.c, url, "office@example.org", s.a, 3, &xml), 0);
    xmlDocPtr doc = parse(xml.buf, xml.len);

    /* The wrapper, as the static repository guidelines lay it out. */
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_string_equal((const char *)root->name, "Repository");
    assert_string_equal((const char *)root->ns->href,
                        "http://www.openarchives.org/OAI/2.0/static-repository");
    xmlNodePtr identify = child(root, "Identify"), formats = child(root, "ListMetadataFormats"),
               records = child(root, "ListRecords");
    assert_non_null(identify);
    assert_non_null(formats);
    assert_non_null(records);
    assert_ptr_equal(identify->ns, root->ns);
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/@metadataPrefix", "oai_dc");
    assert_xpath(doc, "/sr:Repository/sr:Identify/oai:baseURL", url);
    assert_xpath(doc, "/sr:Repository/sr:Identify/oai:earliestDatestamp", "2025-06-30");
    assert_xpath(doc, "count(/sr:Repository/sr:ListRecords/oai:record)", "3");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[1]/oai:header/oai:identifier",
                 "oai:journal.example.org:article/1");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[1]//dc:title",
                 HOSTILE_CLEAN ": what changed");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[2]//dc:title/@xml:lang", "ru");
    /* The English title, abstract and keywords of the Russian article, with xml:lang. */
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[2]//dc:title[@xml:lang='en']",
                 "Performance appraisal of civil servants: two countries");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[2]//dc:description[@xml:lang='en']",
                 "The article's abstract.");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[2]//dc:description[@xml:lang='ru']",
                 "Аннотация статьи.");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[2]//dc:subject[@xml:lang='en']",
                 "civil service");
    assert_xpath(doc, "count(/sr:Repository/sr:ListRecords/oai:record[1]//dc:title)", "1");
    assert_xpath(doc, "count(/sr:Repository/sr:ListRecords/oai:record[1]//dc:creator)", "2");
    /* Creators as "Family, Given"; the licence as its URL. */
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[1]//dc:creator[1]",
                 "Seitkali, Dana");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[2]//dc:creator[1]", "Петров, Иван");
    /* An organisation's name whole. */
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[3]//dc:creator[1]", "The Editors");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[1]//dc:rights",
                 "https://creativecommons.org/licenses/by/4.0/");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[1]//dc:identifier[2]",
                 "https://doi.org/10.99999/jcsrp.2025.1.2.1");
    /* Pages as readers see them, with an en dash, whatever the manifest used. */
    assert_xpath(doc,
                 "substring-after(/sr:Repository/sr:ListRecords/oai:record[1]//dc:source[1], "
                 "'(2025); ')",
                 "1–14");

    /* The whole file against the static repository schema, which imports OAI-PMH.xsd and
       oai_dc.xsd (tests/specs/oai-static, offline through its catalog); and a broken copy is
       refused by it. */
    char *sr = spec_path("oai-static/static-repository.xsd");
    assert_int_equal(validate(doc, sr), 0);
    const char *stamp = strstr(xml.buf, "<oai:earliestDatestamp>");
    assert_non_null(stamp);
    struct strbuf broken = STRBUF_INIT;
    strbuf_add(&broken, xml.buf, (size_t)(stamp - xml.buf));
    strbuf_addstr(&broken, "<oai:earliestDatestamp>yesterday");
    strbuf_addstr(&broken, strchr(stamp + strlen("<oai:earliestDatestamp>"), '<'));
    xmlDocPtr broken_doc = parse(broken.buf, broken.len);
    assert_true(invalid(broken_doc, sr));
    xmlFreeDoc(broken_doc);
    strbuf_release(&broken);
    free(sr);

    /* Each part as an OAI-PMH response, against OAI-PMH.xsd (and oai_dc for the records). */
    char dir[] = "/tmp/test_indexing.XXXXXX";
    char *driver = oai_schema(dir);
    struct strbuf body = STRBUF_INIT;
    dump_children(doc, identify, &body);
    xmlDocPtr response = oai_response("Identify", body.buf, url);
    assert_int_equal(validate(response, driver), 0);
    xmlFreeDoc(response);
    strbuf_reset(&body);
    dump_children(doc, formats, &body);
    response = oai_response("ListMetadataFormats", body.buf, url);
    assert_int_equal(validate(response, driver), 0);
    xmlFreeDoc(response);
    for (xmlNodePtr rec = records->children; rec; rec = rec->next) {
        if (rec->type != XML_ELEMENT_NODE)
            continue;
        strbuf_reset(&body);
        xmlBufferPtr buf = xmlBufferCreate();
        xmlNodeDump(buf, doc, rec, 0, 0);
        strbuf_add(&body, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
        xmlBufferFree(buf);
        response = oai_response("ListRecords", body.buf, url);
        assert_int_equal(validate(response, driver), 0);
        xmlFreeDoc(response);
    }
    /* The check has teeth: a datestamp that is no date, an element DC does not have. */
    strbuf_reset(&body);
    strbuf_addstr(&body, "<oai:record><oai:header><oai:identifier>oai:x:1</oai:identifier>"
                         "<oai:datestamp>30 June 2025</oai:datestamp></oai:header></oai:record>");
    response = oai_response("ListRecords", body.buf, url);
    assert_true(invalid(response, driver));
    xmlFreeDoc(response);
    strbuf_reset(&body);
    strbuf_addstr(&body, "<oai:record><oai:header><oai:identifier>oai:x:1</oai:identifier>"
                         "<oai:datestamp>2025-06-30</oai:datestamp></oai:header><oai:metadata>"
                         "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" "
                         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:author>x</dc:author>"
                         "</oai_dc:dc></oai:metadata></oai:record>");
    response = oai_response("ListRecords", body.buf, url);
    assert_true(invalid(response, driver));
    xmlFreeDoc(response);

    strbuf_release(&body);
    remove_schema(dir);
    free(driver);
    xmlFreeDoc(doc);
    strbuf_release(&xml);

    /* Behind a static repository gateway, the baseURL the guidelines prescribe: the gateway's
       URL, "/", and the file's URL without its scheme. */
    s.c.oai_gateway_url = "http://gateway.institution.org/oai";
    strbuf_reset(&xml);
    assert_int_equal(oai_write_static_repository(&s.c, url, "office@example.org", s.a, 3, &xml), 0);
    doc = parse(xml.buf, xml.len);
    assert_xpath(
        doc, "/sr:Repository/sr:Identify/oai:baseURL",
        "http://gateway.institution.org/oai/journal.example.org/oai/static-repository.xml");
    xmlFreeDoc(doc);
    s.c.oai_gateway_url = NULL;
    strbuf_reset(&xml);

    /* A publisher given per language: one dc:publisher per language, with xml:lang. */
    localised_set(&s.c.publishers, "en", "Regional Civil Service Cooperation Hub");
    localised_set(&s.c.publishers, "ru", "Региональный хаб");
    assert_int_equal(oai_write_static_repository(&s.c, url, "office@example.org", s.a, 3, &xml), 0);
    doc = parse(xml.buf, xml.len);
    assert_xpath(doc, "count(/sr:Repository/sr:ListRecords/oai:record[1]//dc:publisher)", "2");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[1]//dc:publisher[@xml:lang='ru']",
                 "Региональный хаб");
    assert_xpath(doc, "/sr:Repository/sr:ListRecords/oai:record[1]//dc:publisher[@xml:lang='en']",
                 "Regional Civil Service Cooperation Hub");
    xmlFreeDoc(doc);
    strbuf_reset(&xml);
    assert_oai_as_libxml(&s.c, "2025-06-30", s.a, 3);
    localised_free(&s.c.publishers);

    /* OAI-PMH requires an administrator's address. */
    assert_int_equal(oai_write_static_repository(&s.c, url, NULL, s.a, 3, &xml), JOURNAL_EINPUT);
    error_clear();
    strbuf_release(&xml);
    free_sample(&s);
}

/*
 * The static repository as xmlTextWriter wrote it, before oai.c wrote it into a
 * strbuf itself: the reference the hand-written XML must equal byte for byte.
 */
static void ref_oai(struct xml_out *x, const char *name, const char *text)
{
    xml_start_ns(x, "oai", name, NULL);
    xml_text(x, text);
    xml_end(x);
}

static void ref_dc(struct xml_out *x, const char *name, const char *lang, const char *text)
{
    if (!text || !*text)
        return;
    xml_start_ns(x, "dc", name, NULL);
    if (lang)
        xml_attr(x, "xml:lang", lang);
    xml_text(x, text);
    xml_end(x);
}

static void ref_record(struct xml_out *x, const struct journal_config *c,
                       const struct indexing_article *a)
{
    const struct manuscript *m = a->m;
    const char *date = indexing_published(a);
    char *id = xasprintf("oai:journal.example.org:article/%lu", a->number);
    xml_start_ns(x, "oai", "record", NULL);
    xml_start_ns(x, "oai", "header", NULL);
    ref_oai(x, "identifier", id);
    ref_oai(x, "datestamp", indexing_updated(a));
    xml_end(x);
    xml_start_ns(x, "oai", "metadata", NULL);
    xml_start_ns(x, "oai_dc", "dc", "http://www.openarchives.org/OAI/2.0/oai_dc/");
    xml_attr_ns(x, "xmlns", "dc", NULL, "http://purl.org/dc/elements/1.1/");
    char *title = indexing_full_title(m);
    ref_dc(x, "title", m->lang, title);
    free(title);
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        char *full = t->subtitle ? xasprintf("%s: %s", t->title, t->subtitle) : xstrdup(t->title);
        ref_dc(x, "title", t->lang, full);
        free(full);
    }
    for (size_t i = 0; i < m->nauthors; i++) {
        char *creator = indexing_creator(&m->authors[i]);
        ref_dc(x, "creator", NULL, creator);
        free(creator);
    }
    for (size_t i = 0; i < m->nkeywords; i++)
        ref_dc(x, "subject", m->lang, m->keywords[i]);
    ref_dc(x, "description", m->lang, m->abstract);
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        for (size_t k = 0; k < t->nkeywords; k++)
            ref_dc(x, "subject", t->lang, t->keywords[k]);
        ref_dc(x, "description", t->lang, t->abstract);
    }
    if (c->publishers.n && c->publishers.lang[0])
        for (size_t i = 0; i < c->publishers.n; i++)
            ref_dc(x, "publisher", c->publishers.lang[i], c->publishers.text[i]);
    else
        ref_dc(x, "publisher", NULL, c->publisher);
    ref_dc(x, "date", NULL, date);
    ref_dc(x, "type", NULL, "Text");
    ref_dc(x, "type", NULL, "info:eu-repo/semantics/article");
    ref_dc(x, "format", NULL, "text/html");
    char *url = indexing_article_url(c->base_url, a->number);
    ref_dc(x, "identifier", NULL, url);
    free(url);
    if (a->r && a->r->doi && *a->r->doi) {
        char *doi = xasprintf("https://doi.org/%s", a->r->doi);
        ref_dc(x, "identifier", NULL, doi);
        free(doi);
    }
    struct strbuf source = STRBUF_INIT;
    strbuf_addf(&source, "%s; Vol. %lu, No. %lu (%lu)", c->title, a->issue->volume,
                a->issue->number, a->issue->year);
    char *pages = citation_pages_text(a->pages);
    if (pages)
        strbuf_addf(&source, "; %s", pages);
    free(pages);
    ref_dc(x, "source", NULL, source.buf);
    strbuf_release(&source);
    if (c->issn && *c->issn) {
        char *issn = xasprintf("ISSN %s", c->issn);
        ref_dc(x, "source", NULL, issn);
        free(issn);
    }
    ref_dc(x, "language", NULL, m->lang);
    ref_dc(x, "rights", NULL,
           c->license && !strcmp(c->license, "CC BY 4.0")
               ? "https://creativecommons.org/licenses/by/4.0/"
               : c->license);
    xml_end(x);
    xml_end(x);
    xml_end(x);
    free(id);
}

/* base_url is https://journal.example.org/ in every sample. */
static void ref_repository(const struct journal_config *c, const char *url, const char *email,
                           const char *earliest, const struct indexing_article *a, size_t n,
                           struct strbuf *out)
{
    struct xml_out x;
    xml_out_begin(&x);
    xml_start_ns(&x, NULL, "Repository", "http://www.openarchives.org/OAI/2.0/static-repository");
    xml_attr_ns(&x, "xmlns", "oai", NULL, "http://www.openarchives.org/OAI/2.0/");
    xml_attr_ns(&x, "xmlns", "xsi", NULL, "http://www.w3.org/2001/XMLSchema-instance");
    xml_attr_ns(&x, "xsi", "schemaLocation", NULL,
                "http://www.openarchives.org/OAI/2.0/static-repository "
                "http://www.openarchives.org/OAI/2.0/static-repository.xsd");
    xml_start(&x, "Identify");
    ref_oai(&x, "repositoryName", c->title);
    ref_oai(&x, "baseURL", url);
    ref_oai(&x, "protocolVersion", "2.0");
    ref_oai(&x, "adminEmail", email);
    ref_oai(&x, "earliestDatestamp", earliest);
    ref_oai(&x, "deletedRecord", "no");
    ref_oai(&x, "granularity", "YYYY-MM-DD");
    xml_end(&x);
    xml_start(&x, "ListMetadataFormats");
    xml_start_ns(&x, "oai", "metadataFormat", NULL);
    ref_oai(&x, "metadataPrefix", "oai_dc");
    ref_oai(&x, "schema", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd");
    ref_oai(&x, "metadataNamespace", "http://www.openarchives.org/OAI/2.0/oai_dc/");
    xml_end(&x);
    xml_end(&x);
    xml_start(&x, "ListRecords");
    xml_attr(&x, "metadataPrefix", "oai_dc");
    for (size_t i = 0; i < n; i++)
        ref_record(&x, c, &a[i]);
    xml_end(&x);
    xml_end(&x);
    assert_int_equal(xml_out_finish(&x, "reference", out), 0);
}

/* oai_write_static_repository against the reference; the earliest date is given. */
static void assert_oai_as_libxml(const struct journal_config *c, const char *earliest,
                                 const struct indexing_article *a, size_t n)
{
    const char *url = "https://journal.example.org/oai/static-repository.xml";
    struct strbuf own = STRBUF_INIT, ref = STRBUF_INIT;
    assert_int_equal(oai_write_static_repository(c, url, "office@example.org", a, n, &own), 0);
    ref_repository(c, url, "office@example.org", earliest, a, n, &ref);
    if (own.len != ref.len || memcmp(own.buf, ref.buf, own.len)) {
        size_t at = 0;
        while (at < own.len && at < ref.len && own.buf[at] == ref.buf[at])
            at++;
        fail_msg("differs at byte %zu: own \"%.60s\", libxml2 \"%.60s\"", at, own.buf + at,
                 ref.buf + at);
    }
    strbuf_release(&own);
    strbuf_release(&ref);
}

/* The Atom feed as xmlTextWriter wrote it (articles in the order given, all of them). */
static void ref_feed_entry(struct xml_out *x, const struct journal_config *c, const char *lang,
                           const struct indexing_article *a)
{
    const struct manuscript *m = a->m;
    const struct translation *t = lang ? manuscript_translation(m, lang) : NULL;
    const char *date = indexing_published(a);
    xml_start(x, "entry");
    if (m->lang)
        xml_attr(x, "xml:lang", m->lang);
    char *title = t ? indexing_join_title(t->title, t->subtitle) : indexing_full_title(m);
    xml_start(x, "title");
    xml_attr(x, "type", "text");
    if (t)
        xml_attr(x, "xml:lang", t->lang);
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
    char *id =
        xasprintf("tag:journal.example.org,%s:articles/%lu", date ? date : "1970-01-01", a->number);
    xml_element(x, "id", id);
    free(id);
    char *when = xasprintf("%sT00:00:00Z", date ? date : "1970-01-01");
    xml_element(x, "published", when);
    free(when);
    const char *updated = indexing_updated(a);
    when = xasprintf("%sT00:00:00Z", updated ? updated : "1970-01-01");
    xml_element(x, "updated", when);
    free(when);
    for (size_t i = 0; i < m->nauthors; i++) {
        xml_start(x, "author");
        xml_element(x, "name", person_display_name(m->authors[i].name, &m->authors[i].latin, lang));
        if (m->authors[i].orcid[0]) {
            char *orcid = xasprintf("https://orcid.org/%s", m->authors[i].orcid);
            xml_element(x, "uri", orcid);
            free(orcid);
        }
        xml_end(x);
    }
    if (t && t->abstract && *t->abstract) {
        xml_start(x, "summary");
        xml_attr(x, "type", "text");
        xml_attr(x, "xml:lang", t->lang);
        xml_text(x, t->abstract);
        xml_end(x);
    } else if (m->abstract && *m->abstract) {
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

static void ref_feed(const struct journal_config *c, const char *lang, const char *feed_url,
                     const char *home_url, const struct indexing_article *a, size_t n,
                     struct strbuf *out)
{
    struct xml_out x;
    xml_out_begin(&x);
    xml_start_ns(&x, NULL, "feed", "http://www.w3.org/2005/Atom");
    if (lang)
        xml_attr(&x, "xml:lang", lang);
    xml_start(&x, "title");
    xml_attr(&x, "type", "text");
    xml_text(&x, c->title);
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
    const char *newest = NULL;
    for (size_t i = 0; i < n; i++)
        if (indexing_updated(&a[i]) && (!newest || strcmp(indexing_updated(&a[i]), newest) > 0))
            newest = indexing_updated(&a[i]);
    char *updated = xasprintf("%sT00:00:00Z", newest ? newest : "1970-01-01");
    xml_element(&x, "updated", updated);
    free(updated);
    xml_start(&x, "author");
    xml_element(&x, "name", c->publisher && *c->publisher ? c->publisher : c->title);
    xml_end(&x);
    if (c->license && *c->license)
        xml_element(&x, "rights", c->license);
    xml_start(&x, "generator");
    xml_text(&x, "journal");
    xml_end(&x);
    for (size_t i = 0; i < n; i++)
        ref_feed_entry(&x, c, lang, &a[i]);
    xml_end(&x);
    assert_int_equal(xml_out_finish(&x, "reference", out), 0);
}

static void assert_same_xml(const struct strbuf *own, const struct strbuf *ref)
{
    if (own->len != ref->len || memcmp(own->buf, ref->buf, own->len)) {
        size_t at = 0;
        while (at < own->len && at < ref->len && own->buf[at] == ref->buf[at])
            at++;
        fail_msg("differs at byte %zu: own \"%.60s\", libxml2 \"%.60s\"", at, own->buf + at,
                 ref->buf + at);
    }
}

/* feed_write_atom against the reference, for articles already newest first. */
static void assert_feed_as_libxml(const struct journal_config *c, const char *lang,
                                  const char *feed_url, const struct indexing_article *a, size_t n)
{
    const char *home = "https://journal.example.org/index.html";
    struct strbuf own = STRBUF_INIT, ref = STRBUF_INIT;
    assert_int_equal(feed_write_atom(c, lang, feed_url, home, a, n, &own), 0);
    ref_feed(c, lang, feed_url, home, a, n, &ref);
    assert_same_xml(&own, &ref);
    strbuf_release(&own);
    strbuf_release(&ref);
}

/* Every text of the sample's first record and the journal's set to text, its lang to lang. */
static void assert_record_as_libxml(struct sample *s, const char *text, const char *lang)
{
    struct manuscript *m = &s->m[0];
    char *saved[5] = {m->title, m->authors[0].name, m->keywords[0], m->abstract, m->lang};
    char *publisher = s->c.publisher;
    m->title = m->authors[0].name = m->keywords[0] = m->abstract = (char *)text;
    m->lang = (char *)lang;
    s->c.publisher = (char *)text;
    assert_oai_as_libxml(&s->c, "2025-06-30", s->a, 1);
    assert_feed_as_libxml(&s->c, lang, text, s->a, 1);
    m->title = saved[0];
    m->authors[0].name = saved[1];
    m->keywords[0] = saved[2];
    m->abstract = saved[3];
    m->lang = saved[4];
    s->c.publisher = publisher;
}

/* The feed's entry ids, published and updated dates, and the OAI datestamps, in one string. */
static char *feed_and_oai_dates(struct sample *s)
{
    struct strbuf feed = STRBUF_INIT, oai = STRBUF_INIT, out = STRBUF_INIT;
    assert_int_equal(feed_write_atom(&s->c, "en", "https://journal.example.org/feed.xml",
                                     "https://journal.example.org/index.html", s->a, 3, &feed),
                     0);
    assert_int_equal(oai_write_static_repository(&s->c, "https://journal.example.org/oai/x.xml",
                                                 "office@example.org", s->a, 3, &oai),
                     0);
    xmlDocPtr doc = parse(feed.buf, feed.len);
    char *v = xpath_string(doc, "/a:feed/a:updated");
    strbuf_addf(&out, "feed %s\n", v);
    free(v);
    for (int i = 1; i <= 3; i++) {
        char expr[96];
        static const char *const parts[] = {"a:id", "a:published", "a:updated"};
        for (size_t k = 0; k < 3; k++) {
            snprintf(expr, sizeof(expr),
                     "/a:feed/a:entry[a:link/@href = "
                     "'https://journal.example.org/articles/%lu/index.html']/%s",
                     issue_articles[i - 1], parts[k]);
            v = xpath_string(doc, expr);
            strbuf_addf(&out, "%s%s", v, k < 2 ? " " : "\n");
            free(v);
        }
    }
    xmlFreeDoc(doc);
    doc = parse(oai.buf, oai.len);
    v = xpath_string(doc, "/sr:Repository/sr:Identify/oai:earliestDatestamp");
    strbuf_addf(&out, "earliest %s\n", v);
    free(v);
    for (int i = 1; i <= 3; i++) {
        char expr[96];
        snprintf(expr, sizeof(expr), "/sr:Repository/sr:ListRecords/oai:record[%d]//oai:datestamp",
                 i);
        v = xpath_string(doc, expr);
        snprintf(expr, sizeof(expr), "/sr:Repository/sr:ListRecords/oai:record[%d]//dc:date", i);
        char *date = xpath_string(doc, expr);
        strbuf_addf(&out, "datestamp %s date %s\n", v, date);
        free(date);
        free(v);
    }
    xmlFreeDoc(doc);
    strbuf_release(&feed);
    strbuf_release(&oai);
    return strbuf_detach(&out, NULL);
}

/*
 * A correction (build-issue --correct, here assigning the DOI the third article lacked) moves
 * what harvesters and feed readers go by, and changes no entry's id (RFC 4287).
 */
static void test_correction_moves_dates_not_ids(void **state)
{
    (void)state;
    struct sample s;
    make_sample(&s);
    char *before = feed_and_oai_dates(&s);
    assert_string_equal(before, "feed 2025-06-30T00:00:00Z\n"
                                "tag:journal.example.org,2025-06-30:articles/1 "
                                "2025-06-30T00:00:00Z 2025-06-30T00:00:00Z\n"
                                "tag:journal.example.org,2025-06-30:articles/4 "
                                "2025-06-30T00:00:00Z 2025-06-30T00:00:00Z\n"
                                "tag:journal.example.org,2025-06-30:articles/7 "
                                "2025-06-30T00:00:00Z 2025-06-30T00:00:00Z\n"
                                "earliest 2025-06-30\n"
                                "datestamp 2025-06-30 date 2025-06-30\n"
                                "datestamp 2025-06-30 date 2025-06-30\n"
                                "datestamp 2025-06-30 date 2025-06-30\n");
    struct issue_correction corrections[] = {{"2025-09-01", "Pages corrected"},
                                             {"2026-02-20", "DOIs assigned"}};
    s.issue.corrections = corrections;
    s.issue.ncorrections = 2;
    s.r[2].doi = "10.99999/jcsrp.2025.1.2.3";
    char *after = feed_and_oai_dates(&s);
    assert_string_equal(after, "feed 2026-02-20T00:00:00Z\n"
                               "tag:journal.example.org,2025-06-30:articles/1 "
                               "2025-06-30T00:00:00Z 2026-02-20T00:00:00Z\n"
                               "tag:journal.example.org,2025-06-30:articles/4 "
                               "2025-06-30T00:00:00Z 2026-02-20T00:00:00Z\n"
                               "tag:journal.example.org,2025-06-30:articles/7 "
                               "2025-06-30T00:00:00Z 2026-02-20T00:00:00Z\n"
                               "earliest 2026-02-20\n"
                               "datestamp 2026-02-20 date 2025-06-30\n"
                               "datestamp 2026-02-20 date 2025-06-30\n"
                               "datestamp 2026-02-20 date 2025-06-30\n");
    /* A correction dated before an article's publication (it belonged to an earlier state of
       the issue) does not move the article back. */
    s.r[0].published = "2026-03-01";
    assert_string_equal(indexing_updated(&s.a[0]), "2026-03-01");
    assert_string_equal(indexing_updated(&s.a[1]), "2026-02-20");
    free(before);
    free(after);
    free_sample(&s);
}

static void test_oai_written_as_libxml_writes_it(void **state)
{
    (void)state;
    struct sample s;
    make_sample(&s);
    assert_oai_as_libxml(&s.c, "2025-06-30", s.a, 3);
    /* The feed: the sample's articles share a date, so the later number comes first. */
    struct indexing_article newest[3] = {s.a[2], s.a[1], s.a[0]};
    assert_feed_as_libxml(&s.c, "en", "https://journal.example.org/feed.xml", newest, 3);
    assert_feed_as_libxml(&s.c, NULL, "https://journal.example.org/feed.xml", newest, 0);
    /* Authors without a name, with and without an ORCID iD; no publisher, licence or title. */
    char *names[2] = {s.m[0].authors[0].name, s.m[0].authors[1].name};
    s.m[0].authors[0].name = s.m[0].authors[1].name = "";
    char *publisher = s.c.publisher, *license = s.c.license, *title = s.c.title;
    s.c.publisher = s.c.license = "";
    assert_feed_as_libxml(&s.c, "en", "https://journal.example.org/feed.xml", newest, 3);
    s.c.title = NULL;
    assert_feed_as_libxml(&s.c, "en", NULL, newest, 3);
    s.c.publisher = publisher;
    s.c.license = license;
    s.c.title = title;
    s.m[0].authors[0].name = names[0];
    s.m[0].authors[1].name = names[1];
    /* No records (the earliest date is today's); a record without a date (<oai:datestamp/>). */
    char today[11];
    date_today(today);
    assert_oai_as_libxml(&s.c, today, s.a, 0);
    s.r[0].published = NULL;
    s.issue.date = NULL;
    assert_oai_as_libxml(&s.c, today, s.a, 1);
    s.issue.date = "2025-06-30";

    /* Every special byte or sequence at every position of a text, in an element and in
       the xml:lang attribute: entities, controls, whitespace at the end (trimmed), bytes
       that are not UTF-8, characters of two, three and four bytes, U+FFFE and U+FFFF. */
    static const char *const special[] = {"<",
                                          ">",
                                          "&",
                                          "\"",
                                          "'",
                                          "\r",
                                          "\n",
                                          "\t",
                                          " ",
                                          "\x01",
                                          "\x1f",
                                          "\x7f",
                                          "\x80",
                                          "\xc3",
                                          "\xd0\xb6",
                                          "\xe2\x82\xac",
                                          "\xf0\x9f\x98\x80",
                                          "\xef\xbf\xbe",
                                          "\xef\xbf\xbf",
                                          "\xed\xa0\x80",
                                          "\xc0\xaf",
                                          "\xf4\x90\x80\x80",
                                          "\xe2\x82",
                                          "]]>",
                                          "\r\n"};
    /* Long enough for three of the sixteen-byte blocks the escaper reads plain ASCII in. */
    const char *base = "Ab \xd0\x96z &x; and a stretch of plain ASCII text to skip.";
    size_t base_len = strlen(base);
    for (size_t k = 0; k < sizeof(special) / sizeof(special[0]); k++)
        for (size_t at = 0; at <= base_len; at++) {
            char *text = xasprintf("%.*s%s%s", (int)at, base, special[k], base + at);
            assert_record_as_libxml(&s, text, "en");
            assert_record_as_libxml(&s, "Title", text);
            free(text);
        }
    /* Nothing left after cleaning: an element with empty content. */
    assert_record_as_libxml(&s, " \n\t", "en");
    assert_record_as_libxml(&s, "\x01", "\x02");

    /* Random texts from those pieces and plain letters, long enough for several runs. */
    srand(20261123);
    for (int round = 0; round < 2000; round++) {
        struct strbuf text = STRBUF_INIT;
        int pieces = rand() % 40;
        for (int i = 0; i < pieces; i++) {
            if (rand() % 3)
                strbuf_addstr(&text, rand() % 2 ? "plain text " : "\xd1\x82\xd0\xb5\xd0\xba");
            else
                strbuf_addstr(&text,
                              special[(size_t)rand() % (sizeof(special) / sizeof(special[0]))]);
        }
        assert_record_as_libxml(&s, text.buf, round % 10 ? "ru" : text.buf);
        strbuf_release(&text);
    }
    free_sample(&s);
}

/* ---- Atom ---- */

static void test_atom_feed(void **state)
{
    (void)state;
    struct sample s;
    make_sample(&s);
    struct strbuf xml = STRBUF_INIT;
    /* Older articles first in the input: the feed puts the newest first. */
    s.r[0].published = "2025-01-10";
    s.r[2].published = "2025-12-15";
    /* The Russian article's author with his name in Latin letters too (name_latin). */
    s.m[1].authors[0].latin.text = xstrdup("Ivan Petrov");
    assert_int_equal(feed_write_atom(&s.c, "en", "https://journal.example.org/feed.xml",
                                     "https://journal.example.org/index.html", s.a, 3, &xml),
                     0);
    xmlDocPtr doc = parse(xml.buf, xml.len);
    assert_xpath(doc, "count(/a:feed)", "1");
    assert_xpath(doc, "/a:feed/a:id", "https://journal.example.org/feed.xml");
    assert_xpath(doc, "/a:feed/a:link[@rel='self']/@href", "https://journal.example.org/feed.xml");
    assert_xpath(doc, "/a:feed/a:updated", "2025-12-15T00:00:00Z");
    assert_xpath(doc, "/a:feed/a:title", "Journal of Civil Service Reform & Practice");
    assert_xpath(doc, "count(/a:feed/a:entry)", "3");
    assert_xpath(doc, "/a:feed/a:entry[1]/a:link/@href",
                 "https://journal.example.org/articles/7/index.html");
    /* The Russian article in the English feed: its English title and abstract, so marked. */
    assert_xpath(doc, "/a:feed/a:entry[2]/a:title",
                 "Performance appraisal of civil servants: two countries");
    assert_xpath(doc, "/a:feed/a:entry[2]/a:title/@xml:lang", "en");
    assert_xpath(doc, "/a:feed/a:entry[2]/a:summary", "The article's abstract.");
    assert_xpath(doc, "/a:feed/a:entry[2]/a:summary/@xml:lang", "en");
    assert_xpath(doc, "/a:feed/a:entry[2]/@xml:lang", "ru");
    /* and its author by his Latin form, as the English site and citations give him */
    assert_xpath(doc, "/a:feed/a:entry[2]/a:author/a:name", "Ivan Petrov");
    assert_xpath(doc, "/a:feed/a:entry[2]/a:author/a:uri", "https://orcid.org/0000-0002-1825-0097");
    /* an author without a Latin form as written */
    assert_xpath(doc, "/a:feed/a:entry[3]/a:author[1]/a:name", "Dana Seitkali");
    assert_xpath(doc, "count(/a:feed/a:entry[3]/a:title/@xml:lang)", "0");
    assert_xpath(doc, "/a:feed/a:entry[3]/a:title", HOSTILE_CLEAN ": what changed");
    /* A tag: URI as id, with a DOI or without: a DOI assigned later must not change it. */
    assert_xpath(doc, "/a:feed/a:entry[3]/a:id", "tag:journal.example.org,2025-01-10:articles/1");
    assert_xpath(doc, "/a:feed/a:entry[1]/a:id", "tag:journal.example.org,2025-12-15:articles/7");
    assert_xpath(doc, "/a:feed/a:entry[3]/a:published", "2025-01-10T00:00:00Z");
    assert_xpath(doc, "/a:feed/a:entry[3]/a:updated", "2025-01-10T00:00:00Z");
    assert_xpath(doc, "/a:feed/a:entry[3]/a:summary", "An abstract with <tags> & \"quotes\".");
    assert_xpath(doc, "/a:feed/a:entry[3]/a:summary/@type", "text");
    assert_xpath(doc, "count(/a:feed/a:entry[3]/a:author)", "2");
    assert_xpath(doc, "/a:feed/a:entry[3]/a:author[1]/a:uri",
                 "https://orcid.org/0000-0003-5882-8559");
    assert_xpath(doc, "count(/a:feed/a:entry[3]/a:category)", "2");
    assert_xpath(doc, "/a:feed/a:entry[3]/a:category[1]/@term", "merit & <recruitment>");
    assert_xpath(doc, "count(/a:feed/a:entry[1]/a:summary)", "0");
    /* Every entry has what RFC 4287 requires. */
    assert_xpath(doc, "count(/a:feed/a:entry[a:id and a:title and a:updated and a:link])", "3");
    xmlFreeDoc(doc);
    strbuf_release(&xml);

    /* At most 50 entries, the newest. */
    enum { MANY = 60 };
    struct indexing_article *many = xcalloc(MANY, sizeof(*many));
    struct submission_record *records = xcalloc(MANY, sizeof(*records));
    char(*dates)[11] = xcalloc(MANY, sizeof(*dates));
    for (size_t i = 0; i < MANY; i++) {
        snprintf(dates[i], sizeof(dates[i]), "2025-%02zu-%02zu", 1 + i / 28, 1 + i % 28);
        records[i].published = dates[i];
        many[i] = (struct indexing_article){i + 1, &s.m[1], &records[i], &s.issue, NULL};
    }
    assert_int_equal(feed_write_atom(&s.c, "ru", "https://journal.example.org/ru/feed.xml",
                                     "https://journal.example.org/ru/index.html", many, MANY, &xml),
                     0);
    doc = parse(xml.buf, xml.len);
    assert_xpath(doc, "count(/a:feed/a:entry)", "50");
    assert_xpath(doc, "/a:feed/@xml:lang", "ru");
    /* The Russian feed keeps the Russian article's own title. */
    assert_xpath(doc, "/a:feed/a:entry[1]/a:title",
                 "Оценка результативности государственных "
                 "служащих");
    assert_xpath(doc, "count(/a:feed/a:entry[1]/a:title/@xml:lang)", "0");
    /* and its author as written, in Cyrillic */
    assert_xpath(doc, "/a:feed/a:entry[1]/a:author/a:name", "Иван Петров");
    assert_xpath(doc, "/a:feed/a:entry[1]/a:published", "2025-03-04T00:00:00Z");
    assert_xpath(doc, "/a:feed/a:entry[50]/a:link/@href",
                 "https://journal.example.org/articles/11/index.html");
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    free(dates);
    free(records);
    free(many);
    free_sample(&s);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_indexing SPECS_DIR\n");
        return 2;
    }
    specs_dir = argv[1];
    xmlInitParser();
    static const char *const catalogs[] = {"doaj/catalog.xml", "oai-static/catalog.xml"};
    for (size_t i = 0; i < sizeof catalogs / sizeof *catalogs; i++) {
        char *catalog = spec_path(catalogs[i]);
        if (xmlLoadCatalog(catalog) < 0) {
            fprintf(stderr, "cannot load %s\n", catalog);
            free(catalog);
            return 1;
        }
        free(catalog);
    }
    if (language_db_open(&languages, NULL, NULL)) {
        fprintf(stderr, "%s\n", error_message());
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doaj_validates),
        cmocka_unit_test(test_doaj_estimated_pages_left_out),
        cmocka_unit_test(test_doaj_refuses),
        cmocka_unit_test(test_language_codes),
        cmocka_unit_test(test_oai_base_url),
        cmocka_unit_test(test_split_pages),
        cmocka_unit_test(test_oai_static_repository),
        cmocka_unit_test(test_atom_feed),
        cmocka_unit_test(test_correction_moves_dates_not_ids),
        cmocka_unit_test(test_oai_written_as_libxml_writes_it),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    language_db_free(languages);
    xmlCatalogCleanup();
    xmlCleanupParser();
    return failed;
}
