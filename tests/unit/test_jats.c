/* JATS XML export: valid against the JATS Journal Publishing 1.3 DTD its DOCTYPE names
   (tests/specs/jats, offline through its catalog) and against Crossref's copy of the JATS 1.3
   XSD (schemas/crossref), what JATS4R asks beyond them, and what it holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "export/jats.h"
#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "site/markdown.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <libxml/catalog.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xmlwriter.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *source_dir; /* the repository: schemas/crossref, tests/specs/jats */
static struct country_db *countries;
static struct language_db *languages;
static xmlSchemaPtr schema;

static int setup(void **state)
{
    (void)state;
    if (country_db_open(&countries, NULL, NULL) || language_db_open(&languages, NULL, NULL))
        return -1;
    char path[4096];
    xmlInitializeCatalog();
    /* Crossref's for the XSD's imports; tests/specs/jats's for the DOCTYPE's DTD. */
    static const char *const catalogs[] = {"schemas/crossref/catalog.xml",
                                           "tests/specs/jats/catalog.xml"};
    for (size_t i = 0; i < sizeof catalogs / sizeof *catalogs; i++) {
        snprintf(path, sizeof path, "%s/%s", source_dir, catalogs[i]);
        if (xmlLoadCatalog(path) != 0) {
            fprintf(stderr, "cannot load %s\n", path);
            return -1;
        }
    }
    snprintf(path, sizeof path,
             "%s/schemas/crossref/schemas/JATS-journalpublishing1-3d2-mathml3.xsd", source_dir);
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!schema) {
        fprintf(stderr, "cannot load the JATS schema %s\n", path);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    xmlSchemaFree(schema);
    markdown_shutdown();
    xmlCatalogCleanup();
    xmlCleanupParser();
    country_db_free(countries);
    language_db_free(languages);
    error_clear();
    return 0;
}

static void parse_manuscript(struct manuscript *m, const char *text)
{
    struct manuscript_rules rules = {countries, languages, "en", NULL, NULL};
    int rc = manuscript_parse(m, "ms.md", text, strlen(text), &rules);
    if (rc)
        fprintf(stderr, "%s\n", error_message());
    assert_int_equal(rc, 0);
}

static struct jats_source source(const struct manuscript *m)
{
    return (struct jats_source){
        .cite =
            {
                .m = m,
                .journal = "Journal of Civil Service Reform & Practice",
                .issn = "3051-7729",
                .publisher = "Regional Civil Service Cooperation Hub",
                .volume = 1,
                .number = "2",
                .year = 2025,
                .pages = "15-32",
                .doi = "10.99999/jcsrp.2025.1.2.7",
                .url = "https://journal.example.org/articles/7/index.html",
                .published = "2025-12-15",
                .article = 7,
                .key_prefix = "JCSRP",
                .abbreviation = "JCSRP",
            },
        .license = "CC BY 4.0",
        .received = "2025-01-10",
        .accepted = "2025-05-02",
        .countries = countries,
    };
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *expected);

/*
 * Valid against the DTD that the article's DOCTYPE names, as `xmllint --valid` checks it: the
 * DOCTYPE is the Journal Publishing 1.3 one, resolved by the catalog to tests/specs/jats.
 */
static void assert_dtd_valid(const struct strbuf *xml)
{
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    assert_non_null(ctxt);
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml->buf, (int)xml->len, "article.xml", NULL,
                                      XML_PARSE_DTDLOAD | XML_PARSE_DTDVALID | XML_PARSE_NONET);
    assert_non_null(doc);
    int valid = ctxt->valid;
    xmlDtdPtr dtd = xmlGetIntSubset(doc);
    assert_non_null(dtd);
    assert_string_equal((const char *)dtd->ExternalID,
                        "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.3 "
                        "20210610//EN");
    assert_string_equal((const char *)dtd->SystemID, "JATS-journalpublishing1-3-mathml3.dtd");
    /* The DTD was found and read (not only named): it declares the elements. */
    assert_non_null(doc->extSubset);
    assert_non_null(xmlGetDtdElementDesc(doc->extSubset, BAD_CAST "table-wrap"));
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    if (!valid)
        fprintf(stderr, "%s\n", xml->buf);
    assert_true(valid);
}

/* What the JATS4R recommendations ask beyond the DTD, of every article. */
static void assert_jats4r(xmlDocPtr doc)
{
    /* A copyright year says whose copyright it is. */
    assert_xpath(doc, "count(//copyright-year[not(../copyright-holder)])", "0");
    /* No empty self-uri. */
    assert_xpath(doc, "count(//self-uri[not(normalize-space())])", "0");
    /* A link whose text is its bare URL has a title saying what it leads to. */
    assert_xpath(doc,
                 "count(//*[(self::ext-link or self::self-uri or self::uri) and "
                 "normalize-space(.) = normalize-space(@xlink:href) and "
                 "not(normalize-space(@xlink:title))])",
                 "0");
    /* Every table-wrap has an id, each its own. */
    assert_xpath(doc, "count(//table-wrap[not(@id)])", "0");
    assert_xpath(doc, "count(//table-wrap[@id = preceding::table-wrap/@id])", "0");
}

/*
 * Parse xml, assert it is valid against the DTD and the XSD and keeps to JATS4R's rules, and
 * return the document.
 * The XSD is Crossref's copy of JATS 1.3, whose elements are in the namespace
 * http://www.ncbi.nlm.nih.gov/JATS1 and whose dtd-version is at most the
 * draft "1.3d2"; JATS articles have no namespace and say "1.3", so the copy
 * validated declares that namespace as the default on the root and says "1.3d2".
 */
static xmlDocPtr valid_doc(const struct strbuf *xml)
{
    static const char root[] = "<article ";
    const char *at = strstr(xml->buf, root);
    assert_non_null(at);
    struct strbuf ns = STRBUF_INIT;
    strbuf_add(&ns, xml->buf, (size_t)(at - xml->buf));
    strbuf_addstr(&ns, "<article xmlns=\"http://www.ncbi.nlm.nih.gov/JATS1\" ");
    const char *version = strstr(at, " dtd-version=\"1.3\"");
    assert_non_null(version);
    strbuf_add(&ns, at + strlen(root), (size_t)(version - at) - strlen(root));
    strbuf_addstr(&ns, " dtd-version=\"1.3d2\"");
    strbuf_addstr(&ns, version + strlen(" dtd-version=\"1.3\""));
    xmlDocPtr nsdoc = xmlReadMemory(ns.buf, (int)ns.len, "article.xml", NULL, XML_PARSE_NONET);
    assert_non_null(nsdoc);
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    int rc = xmlSchemaValidateDoc(vc, nsdoc);
    xmlSchemaFreeValidCtxt(vc);
    xmlFreeDoc(nsdoc);
    strbuf_release(&ns);
    if (rc)
        fprintf(stderr, "%s\n", xml->buf);
    assert_int_equal(rc, 0);
    assert_dtd_valid(xml);
    xmlDocPtr doc = xmlReadMemory(xml->buf, (int)xml->len, "article.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    assert_jats4r(doc);
    return doc;
}

/* The string value of an XPath expression. */
static char *xpath(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, BAD_CAST "xlink", BAD_CAST "http://www.w3.org/1999/xlink");
    xmlXPathRegisterNs(ctx, BAD_CAST "ali", BAD_CAST "http://www.niso.org/schemas/ali/1.0/");
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(o);
    xmlChar *s = xmlXPathCastToString(o);
    char *copy = xstrdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
    return copy;
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *expected)
{
    char *got = xpath(doc, expr);
    if (strcmp(got, expected))
        fprintf(stderr, "%s: got '%s', expected '%s'\n", expr, got, expected);
    assert_string_equal(got, expected);
    free(got);
}

static const char article_md[] =
    "---\n"
    "title: \"Merit & <recruitment>\"\n"
    "subtitle: What changed\n"
    "lang: en\n"
    "type: research-article\n"
    "abstract: |\n"
    "  We study *merit* recruitment.\n"
    "\n"
    "  A second paragraph.\n"
    "keywords: [merit, civil service]\n"
    "authors:\n"
    "  - name: Dana Seitkali\n"
    "    email: d.seitkali@example.org\n"
    "    orcid: 0000-0003-5882-8559\n"
    "    corresponding: true\n"
    "    affiliations:\n"
    "      - name: Academy of Public Administration\n"
    "        country: KZ\n"
    "  - name: Ludwig van Beethoven\n"
    "    affiliations:\n"
    "      - name: Academy of Public Administration\n"
    "        country: KZ\n"
    "      - name: OECD\n"
    "        international: true\n"
    "---\n"
    "Before the first heading.\n"
    "\n"
    "## Introduction\n"
    "\n"
    "Text with *emphasis*, **strong**, `code`, ~~gone~~ and a [link](https://example.org/a?b=1&c=2)"
    " and a footnote[^one].\n"
    "\n"
    "The data are at <https://data.example.org/set/1>, and "
    "[https://example.net/x](https://example.net/x)"
    " says the rate is $r = a/b$ (math as text), as <editor@example.org> confirms.\n"
    "\n"
    "### Nested <b>section</b>\n"
    "\n"
    "- first\n"
    "- second with [a bad link](javascript:alert(1))\n"
    "\n"
    "1. one\n"
    "2. two\n"
    "\n"
    "> A quote\n"
    "> over two lines.\n"
    "\n"
    "#### Deeper\n"
    "\n"
    "| Region | Posts |\n"
    "|:-------|------:|\n"
    "| North  | 12    |\n"
    "| South  | 7[^two] |\n"
    "\n"
    "| Year | Share |\n"
    "|------|-------|\n"
    "| 2024 | 0.4   |\n"
    "\n"
    "## Method\n"
    "\n"
    "```c\n"
    "int x = 1 < 2;\n"
    "```\n"
    "\n"
    "<div>raw html</div>\n"
    "\n"
    "---\n"
    "\n"
    "Last paragraph, footnote again[^one].\n"
    "\n"
    "[^one]: The first note, with *italics*.\n"
    "[^two]: The second note.\n";

static void test_valid_article(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, article_md);
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    xmlDocPtr doc = valid_doc(&xml);

    assert_xpath(doc, "string(/article/@dtd-version)", "1.3");
    assert_xpath(doc, "string(/article/@article-type)", "research-article");
    assert_xpath(doc, "string(/article/@xml:lang)", "en");
    assert_xpath(doc, "string(//journal-meta/journal-title-group/journal-title)",
                 "Journal of Civil Service Reform & Practice");
    assert_xpath(doc, "string(//journal-meta/issn)", "3051-7729");
    assert_xpath(doc, "string(//journal-meta/publisher/publisher-name)",
                 "Regional Civil Service Cooperation Hub");
    assert_xpath(doc, "string(//article-meta/article-id[@pub-id-type='doi'])",
                 "10.99999/jcsrp.2025.1.2.7");
    assert_xpath(doc, "string(//article-categories//subject)", "Research article");
    assert_xpath(doc, "string(//title-group/article-title)", "Merit & <recruitment>");
    assert_xpath(doc, "string(//title-group/subtitle)", "What changed");
    assert_xpath(doc, "count(//contrib-group/contrib)", "2");
    assert_xpath(doc, "string(//contrib[1]/name/surname)", "Seitkali");
    assert_xpath(doc, "string(//contrib[1]/name/given-names)", "Dana");
    assert_xpath(doc, "string(//contrib[1]/@corresp)", "yes");
    assert_xpath(doc, "string(//contrib[1]/contrib-id[@contrib-id-type='orcid'])",
                 "https://orcid.org/0000-0003-5882-8559");
    assert_xpath(doc, "string(//contrib[1]/email)", "d.seitkali@example.org");
    assert_xpath(doc, "string(//contrib[2]/name/surname)", "van Beethoven");
    assert_xpath(doc, "count(//contrib[2]/contrib-id)", "0");
    assert_xpath(doc, "count(//contrib[2]/email)", "0");
    /* The shared affiliation once, referred to by both. */
    assert_xpath(doc, "count(//article-meta/aff)", "2");
    assert_xpath(doc, "string(//contrib[1]/xref/@rid)", "aff1");
    assert_xpath(doc, "string(//contrib[2]/xref[1]/@rid)", "aff1");
    assert_xpath(doc, "string(//contrib[2]/xref[2]/@rid)", "aff2");
    assert_xpath(doc, "string(//aff[@id='aff1']//institution)", "Academy of Public Administration");
    assert_xpath(doc, "string(//aff[@id='aff1']/country/@country)", "KZ");
    assert_xpath(doc, "string(//aff[@id='aff1']/country)", "Kazakhstan");
    assert_xpath(doc, "count(//aff[@id='aff2']/country)", "0");
    assert_xpath(doc, "string(//pub-date/@iso-8601-date)", "2025-12-15");
    assert_xpath(doc, "string(//pub-date/day)", "15");
    assert_xpath(doc, "string(//pub-date/month)", "12");
    assert_xpath(doc, "string(//pub-date/year)", "2025");
    assert_xpath(doc, "string(//article-meta/volume)", "1");
    assert_xpath(doc, "string(//article-meta/issue)", "2");
    assert_xpath(doc, "string(//article-meta/fpage)", "15");
    assert_xpath(doc, "string(//article-meta/lpage)", "32");
    assert_xpath(doc, "string(//history/date[@date-type='received']/@iso-8601-date)", "2025-01-10");
    assert_xpath(doc, "string(//history/date[@date-type='accepted']/@iso-8601-date)", "2025-05-02");
    assert_xpath(doc, "string(//permissions/license/ali:license_ref)",
                 "https://creativecommons.org/licenses/by/4.0/");
    assert_xpath(doc, "string(//permissions/license/@xlink:href)",
                 "https://creativecommons.org/licenses/by/4.0/");
    assert_xpath(doc, "count(//abstract/p)", "2");
    assert_xpath(doc, "string(//abstract/p[1]/italic)", "merit");
    assert_xpath(doc, "count(//kwd-group/kwd)", "2");
    assert_xpath(doc, "string(//kwd-group/kwd[2])", "civil service");

    /* The body: sections nested by heading level. */
    assert_xpath(doc, "string(/article/body/p[1])", "Before the first heading.");
    assert_xpath(doc, "count(/article/body/sec)", "2");
    assert_xpath(doc, "string(/article/body/sec[1]/title)", "Introduction");
    assert_xpath(doc, "string(/article/body/sec[1]/sec/title)", "Nested <b>section</b>");
    assert_xpath(doc, "string(/article/body/sec[1]/sec/sec/title)", "Deeper");
    assert_xpath(doc, "string(/article/body/sec[2]/title)", "Method");
    assert_xpath(doc, "string(//sec[1]/p/italic)", "emphasis");
    assert_xpath(doc, "string(//sec[1]/p/bold)", "strong");
    assert_xpath(doc, "string(//sec[1]/p/monospace)", "code");
    assert_xpath(doc, "string(//sec[1]/p/strike)", "gone");
    assert_xpath(doc, "string(//sec[1]/p/ext-link/@xlink:href)", "https://example.org/a?b=1&c=2");
    assert_xpath(doc, "string(//sec[1]/p/ext-link)", "link");
    assert_xpath(doc, "string(//list[@list-type='bullet']/list-item[2]/p)",
                 "second with a bad link");
    assert_xpath(doc, "count(//list[@list-type='bullet']//ext-link)", "0");
    assert_xpath(doc, "count(//list[@list-type='order']/list-item)", "2");
    assert_xpath(doc, "normalize-space(//disp-quote/p)", "A quote over two lines.");
    assert_xpath(doc, "string(//table-wrap/table/thead/tr/th[1])", "Region");
    assert_xpath(doc, "string(//table-wrap/table/thead/tr/th[2]/@align)", "right");
    assert_xpath(doc, "count(//table-wrap[1]/table/tbody/tr)", "2");
    assert_xpath(doc, "string(//table-wrap[1]/@id)", "tbl1");
    assert_xpath(doc, "string(//table-wrap[2]/@id)", "tbl2");
    /* Links that show their bare URL are titled by where they lead; others are not. */
    assert_xpath(doc,
                 "string(//ext-link[@xlink:href='https://data.example.org/set/1']/@xlink:title)",
                 "data.example.org");
    assert_xpath(doc, "string(//ext-link[@xlink:href='https://example.net/x']/@xlink:title)",
                 "example.net");
    assert_xpath(doc, "string(//ext-link[@xlink:href='mailto:editor@example.org']/@xlink:title)",
                 "editor@example.org");
    assert_xpath(doc, "count(//ext-link[@xlink:href='https://example.org/a?b=1&c=2']/@xlink:title)",
                 "0");
    /* The copyright is the authors' (they keep it), with its year; the article's own URL is
       its self-uri, with text and a title. */
    assert_xpath(doc, "string(//permissions/copyright-year)", "2025");
    assert_xpath(doc, "string(//permissions/copyright-holder)",
                 "Dana Seitkali, Ludwig van Beethoven");
    assert_xpath(doc, "string(//permissions/copyright-statement)",
                 "\u00a9 2025 Dana Seitkali, Ludwig van Beethoven");
    assert_xpath(doc, "string(//article-meta/self-uri)",
                 "https://journal.example.org/articles/7/index.html");
    assert_xpath(doc, "string(//article-meta/self-uri/@xlink:title)", "Merit & <recruitment>");
    assert_xpath(doc, "string(//table-wrap/table/tbody/tr[1]/td[1]/@align)", "left");
    assert_xpath(doc, "string(//preformat[@preformat-type='code'])", "int x = 1 < 2;");
    assert_xpath(doc, "string(/article/body/sec[2]/p[1])", "<div>raw html</div>");
    /* Footnotes: referenced in the text, written in back. */
    assert_xpath(doc, "count(//body//xref[@ref-type='fn'])", "3");
    assert_xpath(doc, "string(//sec[1]/p/xref/@rid)", "fn1");
    assert_xpath(doc, "string(//td/xref/@rid)", "fn2");
    assert_xpath(doc, "count(/article/back/fn-group/fn)", "2");
    assert_xpath(doc, "string(//fn[@id='fn1']/label)", "1");
    assert_xpath(doc, "string(//fn[@id='fn1']/p/italic)", "italics");
    assert_xpath(doc, "string(//fn[@id='fn2']/p)", "The second note.");
    assert_xpath(doc, "count(//ref-list)", "0");

    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);
}

static const char funded_md[] =
    "---\n"
    "title: Funded\n"
    "lang: en\n"
    "type: research-article\n"
    "abstract: Short.\n"
    "keywords: [merit]\n"
    "authors:\n"
    "  - name: Dana Seitkali\n"
    "    affiliations:\n"
    "      - name: Academy of Public Administration\n"
    "        country: KZ\n"
    "funding:\n"
    "  statement: \"Supported by the Science Committee (AP19680123) & the EU.\"\n"
    "  awards:\n"
    "    - id: AP19680123\n"
    "      name: Merit in the civil service\n"
    "      source:\n"
    "        text: Science Committee of the Ministry of Science and Higher Education\n"
    "        funder-id: https://doi.org/10.13039/501100004561\n"
    "    - id: 101094567\n"
    "      source:\n"
    "        - text: European Commission\n"
    "          ror: https://ror.org/00k4n6c32\n"
    "          funder-id: 10.13039/501100000780\n"
    "        - Open Society Foundations\n"
    "---\n"
    "Text.\n";

/* The front matter's funding as JATS funding-group, funders with their ids (JATS4R). */
static void test_funding(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, funded_md);
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    xmlDocPtr doc = valid_doc(&xml);
    const char *g = "//article-meta/funding-group";
    char expr[256];
#define AT(rest) (snprintf(expr, sizeof(expr), "%s%s", g, rest), expr)
    assert_xpath(doc, AT("/preceding-sibling::*[1]/self::kwd-group/kwd"), "merit");
    assert_xpath(doc, AT("/funding-statement"),
                 "Supported by the Science Committee (AP19680123) & the EU.");
    assert_xpath(doc, AT("/award-group[1]/award-id"), "AP19680123");
    assert_xpath(doc, AT("/award-group[1]/award-name"), "Merit in the civil service");
    assert_xpath(doc, AT("/award-group[1]/funding-source/institution-wrap/institution"),
                 "Science Committee of the Ministry of Science and Higher Education");
    assert_xpath(doc,
                 AT("/award-group[1]/funding-source/institution-wrap/"
                    "institution-id[@institution-id-type='doi'][@vocab='open-funder-registry']"),
                 "10.13039/501100004561");
    assert_xpath(doc, AT("/award-group[2]/award-id"), "101094567");
    assert_xpath(
        doc, AT("/award-group[2]/funding-source[1]//institution-id[@institution-id-type='ror']"),
        "https://ror.org/00k4n6c32");
    assert_xpath(
        doc, AT("/award-group[2]/funding-source[1]//institution-id[@institution-id-type='doi']"),
        "10.13039/501100000780");
    assert_xpath(doc, AT("/award-group[2]/funding-source[2]"), "Open Society Foundations");
    assert_xpath(doc, "count(//funding-group/award-group[2]/funding-source[2]/*)", "0");
#undef AT
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);

    /* Without funding, no funding-group. */
    parse_manuscript(&m, article_md);
    src = source(&m);
    assert_int_equal(jats_article(&src, &xml), 0);
    doc = valid_doc(&xml);
    assert_xpath(doc, "count(//funding-group)", "0");
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);
}

static const char group_author_md[] = "---\n"
                                      "title: Digital services in the region\n"
                                      "abstract: A report.\n"
                                      "authors:\n"
                                      "  - name: World Bank Group\n"
                                      "    organization: true\n"
                                      "  - name: Aigerim Nurlanova\n"
                                      "    affiliations:\n"
                                      "      - name: Academy of Public Administration\n"
                                      "        country: KZ\n"
                                      "---\n"
                                      "Text.\n";

/* A group author is a collab, never a person whose surname is the organisation's name. */
static void test_group_author_is_collab(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, group_author_md);
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    xmlDocPtr doc = valid_doc(&xml);
    assert_xpath(doc, "//contrib-group/contrib[1]/collab", "World Bank Group");
    assert_xpath(doc, "count(//contrib-group/contrib[1]/name)", "0");
    assert_xpath(doc, "//contrib-group/contrib[2]/name/surname", "Nurlanova");
    assert_xpath(doc, "//contrib-group/contrib[2]/name/given-names", "Aigerim");
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);
}

static const char translated_md[] = "---\n"
                                    "title: Реформа государственной службы\n"
                                    "subtitle: Опыт Казахстана\n"
                                    "lang: ru\n"
                                    "abstract: Мы изучаем *реформу*.\n"
                                    "keywords: [реформа, госслужба]\n"
                                    "authors:\n"
                                    "  - name: Иван Петров\n"
                                    "    affiliations: [{name: Академия, country: KZ}]\n"
                                    "translations:\n"
                                    "  en:\n"
                                    "    title: Civil service reform\n"
                                    "    subtitle: The case of Kazakhstan\n"
                                    "    abstract: |\n"
                                    "      We study the *reform*.\n"
                                    "\n"
                                    "      Second paragraph.\n"
                                    "    keywords: [reform, civil service]\n"
                                    "---\n"
                                    "Текст.\n";

/* A Russian article with its English metadata: trans-title-group, trans-abstract and a
   kwd-group per language, each with xml:lang, valid against the DTD and the XSD. */
static void test_translations(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, translated_md);
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    xmlDocPtr doc = valid_doc(&xml);
    assert_xpath(doc, "/article/@xml:lang", "ru");
    assert_xpath(doc, "//title-group/article-title", "Реформа государственной службы");
    assert_xpath(doc, "//title-group/trans-title-group/@xml:lang", "en");
    assert_xpath(doc, "//title-group/trans-title-group/trans-title", "Civil service reform");
    assert_xpath(doc, "//title-group/trans-title-group/trans-subtitle", "The case of Kazakhstan");
    assert_xpath(doc, "//article-meta/abstract/p", "Мы изучаем реформу.");
    assert_xpath(doc, "//article-meta/trans-abstract/@xml:lang", "en");
    assert_xpath(doc, "count(//article-meta/trans-abstract/p)", "2");
    assert_xpath(doc, "//article-meta/trans-abstract/p[1]/italic", "reform");
    assert_xpath(doc, "count(//article-meta/kwd-group)", "2");
    assert_xpath(doc, "//article-meta/kwd-group[@xml:lang='ru']/kwd[1]", "реформа");
    assert_xpath(doc, "//article-meta/kwd-group[@xml:lang='en']/kwd[2]", "civil service");
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);
}

static const char minimal_md[] = "---\n"
                                 "title: \"Короткая заметка\"\n"
                                 "lang: ru\n"
                                 "type: interview\n"
                                 "authors:\n"
                                 "  - name: Иван Петров\n"
                                 "    affiliations:\n"
                                 "      - name: Университет\n"
                                 "        country: Россия\n"
                                 "---\n"
                                 "Только текст.\n";

static void test_references_and_minimal(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, minimal_md);
    struct csl_name authors[] = {{"Smith", "Jane", NULL}, {NULL, NULL, "OECD"}};
    struct csl_name editors[] = {{"Doe", "John", NULL}};
    struct reference items[] = {
        {.id = "smith2020",
         .type = "article-journal",
         .title = "Merit in practice",
         .container_title = "Public Administration Review",
         .authors = authors,
         .nauthors = 2,
         .year = 2020,
         .month = 5,
         .day = 1,
         .volume = "80",
         .issue = "3",
         .page = "15–30",
         .doi = "10.1000/xyz123"},
        {.id = "oecd 2017/b",
         .type = "book",
         .title = "Skills for a high-performing civil service",
         .authors = authors + 1,
         .nauthors = 1,
         .year = 2017,
         .publisher = "OECD Publishing",
         .publisher_place = "Paris",
         .url = "https://doi.org/10.1787/9789264280724-en"},
        {.id = "oecd 2017:b",
         .type = "chapter",
         .title = "A chapter",
         .container_title = "An edited book",
         .editors = editors,
         .neditors = 1,
         .issued_literal = "in press"},
        {.id = "ref-4", .type = "webpage", .title = "A page", .url = "https://example.org/"},
    };
    struct reference_list refs = {items, sizeof items / sizeof *items};
    struct jats_source src = source(&m);
    src.cite.pages = "e7";
    src.cite.doi = NULL;
    src.license = NULL;
    src.received = NULL;
    src.accepted = NULL;
    src.references = &refs;
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    xmlDocPtr doc = valid_doc(&xml);

    assert_xpath(doc, "string(/article/@xml:lang)", "ru");
    assert_xpath(doc, "string(/article/@article-type)", "interview");
    assert_xpath(doc, "string(//contrib/name/surname)", "Петров");
    assert_xpath(doc, "string(//contrib/name/given-names)", "Иван");
    assert_xpath(doc, "string(//aff/country)", "Российская Федерация");
    assert_xpath(doc, "string(//aff/country/@country)", "RU");
    assert_xpath(doc, "string(//article-meta/elocation-id)", "e7");
    assert_xpath(doc, "count(//article-meta/fpage)", "0");
    assert_xpath(doc, "count(//article-meta/article-id)", "0");
    assert_xpath(doc, "count(//permissions)", "0");
    assert_xpath(doc, "count(//history)", "0");
    assert_xpath(doc, "count(//abstract)", "0");
    assert_xpath(doc, "count(//fn-group)", "0");

    assert_xpath(doc, "string(//ref-list/title)", "Литература");
    assert_xpath(doc, "count(//ref-list/ref)", "4");
    assert_xpath(doc, "string(//ref[1]/@id)", "ref-smith2020");
    assert_xpath(doc, "string(//ref[1]/element-citation/@publication-type)", "journal");
    assert_xpath(doc, "string(//ref[1]//person-group[@person-group-type='author']/name/surname)",
                 "Smith");
    assert_xpath(doc, "string(//ref[1]//person-group/collab)", "OECD");
    assert_xpath(doc, "string(//ref[1]//article-title)", "Merit in practice");
    assert_xpath(doc, "string(//ref[1]//source)", "Public Administration Review");
    assert_xpath(doc, "string(//ref[1]//year)", "2020");
    assert_xpath(doc, "string(//ref[1]//volume)", "80");
    assert_xpath(doc, "string(//ref[1]//issue)", "3");
    assert_xpath(doc, "string(//ref[1]//fpage)", "15");
    assert_xpath(doc, "string(//ref[1]//lpage)", "30");
    assert_xpath(doc, "string(//ref[1]//pub-id[@pub-id-type='doi'])", "10.1000/xyz123");
    assert_xpath(doc, "string(//ref[2]/@id)", "ref-oecd-2017-b");
    assert_xpath(doc, "string(//ref[2]/element-citation/@publication-type)", "book");
    assert_xpath(doc, "string(//ref[2]//source)", "Skills for a high-performing civil service");
    assert_xpath(doc, "string(//ref[2]//publisher-name)", "OECD Publishing");
    assert_xpath(doc, "string(//ref[2]//publisher-loc)", "Paris");
    assert_xpath(doc, "string(//ref[2]//ext-link/@xlink:href)",
                 "https://doi.org/10.1787/9789264280724-en");
    assert_xpath(doc, "string(//ref[2]//ext-link/@xlink:title)",
                 "Skills for a high-performing civil service");
    /* Ids that only differ in dropped characters stay unique. */
    assert_xpath(doc, "string(//ref[3]/@id)", "ref-oecd-2017-b-3");
    assert_xpath(doc, "string(//ref[3]//chapter-title)", "A chapter");
    assert_xpath(doc, "string(//ref[3]//person-group[@person-group-type='editor']/name/surname)",
                 "Doe");
    assert_xpath(doc, "string(//ref[4]/element-citation/@publication-type)", "webpage");

    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);
}

static void test_hostile_text(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, minimal_md);
    free(m.body);
    static const char body[] = "]]> </p> <![CDATA[ x \x01\x02 & &amp; \"quotes\" 'apos' "
                               "[x](https://e.org/?a=\"<>\")\n";
    m.body = xstrdup(body);
    m.body_len = strlen(body);
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    xmlDocPtr doc = valid_doc(&xml);
    assert_xpath(doc, "string(/article/body/p)", "]]> </p> <![CDATA[ x  & & \"quotes\" 'apos' x");
    assert_xpath(doc, "string(/article/body/p/ext-link/@xlink:href)", "https://e.org/?a=\"<>\"");
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);
}

#define LONG_PLAIN "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"

/* What libxml2's writer makes of s as an element's text. */
static char *libxml_text(const char *element, const char *s)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    assert_true(xmlTextWriterStartElement(w, BAD_CAST element) >= 0);
    assert_true(xmlTextWriterWriteString(w, BAD_CAST s) >= 0);
    assert_true(xmlTextWriterEndElement(w) >= 0);
    xmlFreeTextWriter(w);
    char *out = xstrdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return out;
}

static void test_text_escaped_as_libxml_writes_it(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, minimal_md);
    /* cmark-gfm turns line ends into \n: the front matter can still hold a carriage return. */
    free(m.title);
    m.title = xstrdup("a < b > c & \"d\" 'e'\tf\r\n\xef\xbf\xbe\x01g \xd0\xb6 ]]>");
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    /* Without the control character and U+FFFE, which XML cannot hold. */
    char *want = libxml_text("article-title", "a < b > c & \"d\" 'e'\tf\r\ng \xd0\xb6 ]]>");
    if (!strstr(xml.buf, want))
        fail_msg("expected %s", want);
    free(want);
    strbuf_release(&xml);
    manuscript_free(&m);
}

#define LONG_CYRILLIC                                                                              \
    "РеформагосударственнойслужбывКазахстанеиГрузиизаконодательствоикадровойполитики"

/* Each character that needs care, at every place in a title long enough to be read sixteen
 * bytes at a time, in ASCII and in Cyrillic text, comes out as libxml2 writes it. */
static void test_text_escaped_at_every_position(void **state)
{
    (void)state;
    static const char *const tricky[] = {"<",
                                         ">",
                                         "&",
                                         "\"",
                                         "\t",
                                         "\r",
                                         "\n",
                                         "'",
                                         "]]>",
                                         "\xd0\xb6",
                                         "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80",
                                         "\xc2\x80",
                                         "\xef\xbf\xbd",
                                         "\x01",
                                         "\xef\xbf\xbe"};
    struct manuscript m;
    parse_manuscript(&m, minimal_md);
    for (int cyrillic = 0; cyrillic <= 1; cyrillic++)
        for (size_t t = 0; t < sizeof(tricky) / sizeof(*tricky); t++)
            for (int at = 0; at < 48; at++) {
                char before[128], after[128], title[300], expected[300];
                /* Cut between characters: the Cyrillic letters are two bytes, an 'x' makes the
                   offset odd. */
                if (cyrillic) {
                    snprintf(before, sizeof before, "%s%.*s", at % 2 ? "x" : "", at / 2 * 2,
                             LONG_CYRILLIC);
                    snprintf(after, sizeof after, "%.*s", 48 - at / 2 * 2, LONG_CYRILLIC);
                } else {
                    snprintf(before, sizeof before, "%.*s", at, LONG_PLAIN);
                    snprintf(after, sizeof after, "%.*s", 48 - at, LONG_PLAIN);
                }
                /* A control character and U+FFFE are left out: XML cannot hold them. */
                bool dropped = tricky[t][0] == '\x01' || !strcmp(tricky[t], "\xef\xbf\xbe");
                snprintf(title, sizeof(title), "%s%s%s", before, tricky[t], after);
                snprintf(expected, sizeof(expected), "%s%s%s", before, dropped ? "" : tricky[t],
                         after);
                free(m.title);
                m.title = xstrdup(title);
                struct jats_source src = source(&m);
                struct strbuf xml = STRBUF_INIT;
                assert_int_equal(jats_article(&src, &xml), 0);
                char *want = libxml_text("article-title", expected);
                if (!strstr(xml.buf, want))
                    fail_msg("%s at %d: expected %s", tricky[t], at, want);
                free(want);
                strbuf_release(&xml);
            }
    manuscript_free(&m);
}

/* What libxml2's writer makes of an attribute (with UTF-8 declared, as the article is). */
static char *libxml_attr(const char *name, const char *value)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    assert_true(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) >= 0);
    assert_true(xmlTextWriterStartElement(w, BAD_CAST "e") >= 0);
    assert_true(xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value) >= 0);
    assert_true(xmlTextWriterEndElement(w) >= 0);
    assert_true(xmlTextWriterEndDocument(w) >= 0);
    xmlFreeTextWriter(w);
    const char *all = (const char *)xmlBufferContent(buf);
    const char *at = strstr(all, "<e ");
    assert_non_null(at);
    char *out = xstrndup(at + 3, strlen(at + 3) - strlen("/>\n"));
    xmlBufferFree(buf);
    return out;
}

static void test_attribute_escaped_as_libxml_writes_it(void **state)
{
    (void)state;
    struct manuscript m;
    /* A link destination in <...> may hold a tab, quotes, & and escaped < >. */
    char *md = xasprintf("%s\n[x](<https://e.org/a\"b\\<c\\>&d\te\xd0\xb6>)\n", minimal_md);
    parse_manuscript(&m, md);
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    char *want = libxml_attr("xlink:href", "https://e.org/a\"b<c>&d\te\xd0\xb6");
    if (!strstr(xml.buf, want))
        fail_msg("expected %s in %s", want, xml.buf);
    xmlDocPtr doc = valid_doc(&xml);
    assert_xpath(doc, "string(/article/body//ext-link/@xlink:href)",
                 "https://e.org/a\"b<c>&d\te\xd0\xb6");
    xmlFreeDoc(doc);
    free(want);
    free(md);
    strbuf_release(&xml);
    manuscript_free(&m);
}

/* Everything JATS and the page render differently, and what markdown_parse changes. */
static const char tricky_md[] =
    "---\n"
    "title: \"Tricky\"\n"
    "lang: en\n"
    "abstract: |\n"
    "  An <b>abstract</b> with a note[^a] and **bold**.\n"
    "\n"
    "  <div>block</div>\n"
    "authors:\n"
    "  - name: Ann Lee\n"
    "    affiliations:\n"
    "      - name: Uni\n"
    "        country: KZ\n"
    "---\n"
    "Intro <span class=\"x\">inline</span> and [bad](javascript:alert(1)) and "
    "[good](https://e.org/\"q\") and ~~gone~~ https://auto.example.org.\r\n"
    "\r\n"
    "<div>\r\nraw block\r\n</div>\r\n"
    "\r\n"
    "# One\n\n## Two[^1]\n\n> quote <i>x</i>\n\n"
    "| a | b |\n|:--|--:|\n| <br> | 2 |\n\n"
    "- item\n- <script>alert(1)</script>\n\n"
    "### Three\n\n```c\nint x = 1 < 2;\n```\n\n"
    "<!-- a comment -->\n\n"
    "[^1]: The note, with <em>HTML</em>.\n";

static void test_parsed_body_gives_the_same_jats(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, tricky_md);
    struct jats_source src = source(&m);
    struct strbuf own = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &own), 0);
    for (int raw = 0; raw <= 1; raw++) {
        struct arena_mark mark = arena_mark();
        struct markdown_doc body, abstract;
        assert_int_equal(markdown_parse(m.body, m.body_len, raw, &body), 0);
        assert_int_equal(markdown_parse(m.abstract, strlen(m.abstract), false, &abstract), 0);
        /* The page's HTML first, as the site renders it: rendering changes nothing. */
        struct strbuf html = STRBUF_INIT;
        markdown_render_html(&body, &html);
        markdown_render_html(&abstract, &html);
        strbuf_release(&html);
        src.body = body.root;
        src.abstract = abstract.root;
        struct strbuf given = STRBUF_INIT;
        assert_int_equal(jats_article(&src, &given), 0);
        if (strcmp(own.buf, given.buf))
            fail_msg("raw HTML %s: JATS from the given parse differs:\n%s\n---\n%s",
                     raw ? "allowed" : "escaped", own.buf, given.buf);
        strbuf_release(&given);
        arena_release(mark);
    }
    xmlDocPtr doc = valid_doc(&own);
    xmlFreeDoc(doc);
    strbuf_release(&own);
    manuscript_free(&m);
}

/* Dates in their usual forms and in the odd ones sscanf still reads ("%4d-%2d-%2d"): the
 * pub-date and history hold what they say; what is no date leaves them out (the year of
 * the issue stands in for a publication date). */
static void test_date_forms(void **state)
{
    (void)state;
    static const struct {
        const char *date, *pub, *received;
    } cases[] = {
        {"2025-12-15",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\" "
         "iso-8601-date=\"2025-12-15\"><day>15</day><month>12</month><year>2025</year></pub-date>",
         "<date date-type=\"received\" iso-8601-date=\"2025-12-15\"><day>15</day><month>12</"
         "month><year>2025</year></date>"},
        {"2025-07",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\" "
         "iso-8601-date=\"2025-07\"><month>07</month><year>2025</year></pub-date>",
         "<date date-type=\"received\" iso-8601-date=\"2025-07\"><month>07</month><year>2025</"
         "year></date>"},
        {"0999",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\" "
         "iso-8601-date=\"0999\"><year>0999</year></pub-date>",
         "<date date-type=\"received\" iso-8601-date=\"0999\"><year>0999</year></date>"},
        {"2025-7-5",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\" "
         "iso-8601-date=\"2025-7-5\"><day>05</day><month>07</month><year>2025</year></pub-date>",
         "<date date-type=\"received\" iso-8601-date=\"2025-7-5\"><day>05</day><month>07</"
         "month><year>2025</year></date>"},
        {"25",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\" "
         "iso-8601-date=\"25\"><year>0025</year></pub-date>",
         "<date date-type=\"received\" iso-8601-date=\"25\"><year>0025</year></date>"},
        /* No dates: the issue's year, and no history (accepted is left out below). */
        {"2025-13-01",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\"><year>2025</year></"
         "pub-date>",
         NULL},
        {"2025-12-32",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\"><year>2025</year></"
         "pub-date>",
         NULL},
        {"0000",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\"><year>2025</year></"
         "pub-date>",
         NULL},
        {"2025-1a",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\"><year>2025</year></"
         "pub-date>",
         NULL},
        {"2025/12/15",
         "<pub-date publication-format=\"electronic\" date-type=\"pub\"><year>2025</year></"
         "pub-date>",
         NULL},
    };
    struct manuscript m;
    parse_manuscript(&m, minimal_md);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct jats_source src = source(&m);
        src.cite.published = cases[i].date;
        src.received = cases[i].date;
        src.accepted = NULL;
        struct strbuf xml = STRBUF_INIT;
        assert_int_equal(jats_article(&src, &xml), 0);
        if (!strstr(xml.buf, cases[i].pub))
            fail_msg("%s: expected %s in\n%s", cases[i].date, cases[i].pub, xml.buf);
        if (cases[i].received ? !strstr(xml.buf, cases[i].received)
                              : strstr(xml.buf, "<history>") != NULL)
            fail_msg("%s: the history is not as expected in\n%s", cases[i].date, xml.buf);
        strbuf_release(&xml);
    }
    manuscript_free(&m);
}

static void test_rejected_input_leaves_out_unchanged(void **state)
{
    (void)state;
    struct manuscript m;
    parse_manuscript(&m, minimal_md);
    struct jats_source src = source(&m);
    struct strbuf xml = STRBUF_INIT;
    strbuf_addstr(&xml, "kept");
    src.cite.journal = NULL;
    assert_int_equal(jats_article(&src, &xml), JOURNAL_EINPUT);
    error_clear();
    src = source(&m);
    free(m.title);
    m.title = xstrdup("bad \xff utf-8");
    assert_int_equal(jats_article(&src, &xml), JOURNAL_EINPUT);
    error_clear();
    assert_string_equal(xml.buf, "kept");
    strbuf_release(&xml);
    manuscript_free(&m);
}

/*
 * In-text citations are xref ref-type="bibr" to their ref, table captions are in the
 * table-wrap, and an article with many references is written at once: each ref's id was
 * worked out again for every one before it, in time exponential in their number (60 never
 * finished); the alarm fails the test long before.
 */
static const char cited_md[] = "---\n"
                               "title: Cited\n"
                               "lang: en\n"
                               "type: interview\n"
                               "authors:\n"
                               "  - name: Ivan Petrov\n"
                               "    affiliations: [{name: U, country: KZ}]\n"
                               "---\n"
                               "As @r7 argues [see @r0, p. 3; @{a b}], not `[@r1]`.\n"
                               "\n"
                               "| a |\n|---|\n| 1 [@a-b] |\n\n"
                               "Table: Counts from @r59\n";

static void test_citations_and_many_references(void **state)
{
    (void)state;
    alarm(60);
    struct manuscript m;
    parse_manuscript(&m, cited_md);
    enum { N = 62 };
    struct csl_name author = {"Smith", "Jane", NULL};
    struct reference items[N];
    char ids[N][16];
    for (int i = 0; i < N; i++) {
        snprintf(ids[i], sizeof ids[i], "r%d", i);
        items[i] = (struct reference){.id = ids[i],
                                      .type = "book",
                                      .title = "T",
                                      .authors = &author,
                                      .nauthors = 1,
                                      .year = 2000 + i};
    }
    items[N - 2].id = "a b";
    items[N - 1].id = "a-b";
    struct reference_list refs = {items, N};
    struct jats_source src = source(&m);
    src.references = &refs;
    struct strbuf xml = STRBUF_INIT;
    assert_int_equal(jats_article(&src, &xml), 0);
    xmlDocPtr doc = valid_doc(&xml);
    assert_xpath(doc, "count(//ref-list/ref)", "62");
    assert_xpath(doc, "string(//ref[61]/@id)", "ref-a-b");
    assert_xpath(doc, "string(//ref[62]/@id)", "ref-a-b-62");
    assert_xpath(doc, "count(//body//xref[@ref-type='bibr'])", "5");
    assert_xpath(doc, "string(//body/p[1]/xref[1]/@rid)", "ref-r7");
    assert_xpath(doc, "string(//body/p[1]/xref[1])", "Smith (2007)");
    assert_xpath(doc, "string(//body/p[1]/xref[2]/@rid)", "ref-r0");
    assert_xpath(doc, "string(//body/p[1]/xref[3]/@rid)", "ref-a-b");
    assert_xpath(doc, "string(//body/p[1])",
                 "As Smith (2007) argues (see Smith, 2000, p. 3; Smith, 2060), not [@r1].");
    assert_xpath(doc, "string(//table-wrap//td/xref/@rid)", "ref-a-b-62");
    assert_xpath(doc, "string(//table-wrap/caption/p)", "Counts from Smith (2059)");
    assert_xpath(doc, "string(//table-wrap/caption/p/xref/@rid)", "ref-r59");
    assert_xpath(doc, "count(//body/p)", "1");
    xmlFreeDoc(doc);
    strbuf_release(&xml);
    manuscript_free(&m);
    alarm(0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_jats SOURCE_DIR (the repository)\n");
        return 2;
    }
    source_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_article),
        cmocka_unit_test(test_funding),
        cmocka_unit_test(test_group_author_is_collab),
        cmocka_unit_test(test_translations),
        cmocka_unit_test(test_references_and_minimal),
        cmocka_unit_test(test_hostile_text),
        cmocka_unit_test(test_rejected_input_leaves_out_unchanged),
        cmocka_unit_test(test_text_escaped_as_libxml_writes_it),
        cmocka_unit_test(test_text_escaped_at_every_position),
        cmocka_unit_test(test_date_forms),
        cmocka_unit_test(test_attribute_escaped_as_libxml_writes_it),
        cmocka_unit_test(test_parsed_body_gives_the_same_jats),
        cmocka_unit_test(test_citations_and_many_references),
    };
    return cmocka_run_group_tests_name("jats", tests, setup, teardown);
}
