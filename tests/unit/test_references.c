/* CSL YAML references: parsing, errors and warnings with their places, and the APA 7 list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "export/references.h"
#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/reference.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct country_db *countries;
static struct language_db *languages;

static int setup(void **state)
{
    (void)state;
    if (country_db_open(&countries, NULL, NULL) || language_db_open(&languages, NULL, NULL))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    country_db_free(countries);
    language_db_free(languages);
    error_clear();
    return 0;
}

/* A manuscript whose front matter ends with refs (which starts "references:" on line 7). */
#define HEAD                                                                                       \
    "---\n"                                                                                        \
    "title: T\n"                                                                                   \
    "abstract: A\n"                                                                                \
    "authors:\n"                                                                                   \
    "  - name: Aigerim Nurlanova\n"                                                                \
    "    affiliations: [{name: X, country: KZ}]\n"
#define TAIL "---\nBody\n"

static int parse_ms(struct manuscript *m, const char *text)
{
    struct manuscript_rules rules = {countries, languages, "en", NULL, NULL};
    return manuscript_parse(m, "ms.md", text, strlen(text), &rules);
}

/* Just a list, from a YAML document "references: ..." (line 1 is references:). */
static void load(const char *yaml, struct reference_list *out)
{
    struct ydoc d;
    error_clear();
    assert_int_equal(ydoc_load(&d, "refs.yaml", yaml, strlen(yaml), 0), 0);
    int rc = reference_list_parse(&d, ydoc_get(&d, ydoc_root(&d), "references"), out);
    if (rc)
        fail_msg("unexpected errors: %s", error_message());
    ydoc_free(&d);
}

static void test_every_accepted_form(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text =
        HEAD "references:\n"
             "  - id: evans1999\n"
             "    type: article-journal\n"
             "    author:\n"
             "      - {family: Evans, given: Peter}\n"
             "      - {family: Beethoven, non-dropping-particle: van, given: Ludwig}\n"
             "      - {literal: World Bank}\n"
             "    title: Bureaucracy and growth\n"
             "    container-title: American Sociological Review\n"
             "    volume: 64\n"
             "    issue: \"5\"\n"
             "    page: 748-765\n"
             "    issued: {date-parts: [[1999, 10, 1]]}\n"
             "    DOI: https://doi.org/10.2307/2657374\n"
             "  - id: b\n"
             "    type: book\n"
             "    author: [\"Grindle, Merilee S.\", OECD]\n"
             "    editor: {family: Toonen, given: Theo}\n"
             "    title: Jobs\n"
             "    publisher: HUP\n"
             "    issued: {raw: \"2012-05\"}\n"
             "    doi: \"doi:10.1000/XYZ.1\"\n"
             "    URL: https://example.org/b\n"
             "    ISBN: 978-0-674-06570-3\n"
             "    edition: 2\n"
             "  - id: c\n"
             "    type: report\n"
             "    title: R\n"
             "    issued: {literal: in press}\n"
             "  - id: d\n"
             "    title: D\n"
             "    issued: 2020\n"
             "  - id: e\n"
             "    title: E\n"
             "    issued: 2020-02-29\n"
             "  - id: f\n"
             "    title: F\n"
             "    issued: {date-parts: [\"2021\", \"3\"]}\n"
             "  - type: webpage\n"
             "    title: G\n"
             "    issued: \"2019\"\n" TAIL;
    assert_int_equal(parse_ms(&m, text), 0);
    const struct reference_list *l = &m.references;
    assert_int_equal(l->n, 7);
    const struct reference *r = &l->items[0];
    assert_string_equal(r->id, "evans1999");
    assert_string_equal(r->type, "article-journal");
    assert_int_equal(r->nauthors, 3);
    assert_string_equal(r->authors[0].family, "Evans");
    assert_string_equal(r->authors[0].given, "Peter");
    assert_null(r->authors[0].literal);
    assert_string_equal(r->authors[1].family, "van Beethoven");
    assert_string_equal(r->authors[2].literal, "World Bank");
    assert_null(r->authors[2].family);
    assert_string_equal(r->title, "Bureaucracy and growth");
    assert_string_equal(r->container_title, "American Sociological Review");
    assert_string_equal(r->volume, "64");
    assert_string_equal(r->issue, "5");
    assert_string_equal(r->page, "748-765");
    assert_int_equal(r->year, 1999);
    assert_int_equal(r->month, 10);
    assert_int_equal(r->day, 1);
    assert_string_equal(r->doi, "10.2307/2657374");
    assert_int_equal(r->line, 8);
    assert_int_equal(r->column, 5);

    r = &l->items[1];
    assert_int_equal(r->nauthors, 2);
    assert_string_equal(r->authors[0].family, "Grindle");
    assert_string_equal(r->authors[0].given, "Merilee S.");
    assert_string_equal(r->authors[1].literal, "OECD");
    assert_int_equal(r->neditors, 1);
    assert_string_equal(r->editors[0].family, "Toonen");
    assert_int_equal(r->year, 2012);
    assert_int_equal(r->month, 5);
    assert_int_equal(r->day, 0);
    assert_string_equal(r->doi, "10.1000/XYZ.1");
    assert_string_equal(r->url, "https://example.org/b");
    assert_string_equal(r->isbn, "978-0674065703"); /* the form Crossref's isbn_t takes */
    assert_string_equal(r->edition, "2");
    assert_string_equal(r->publisher, "HUP");

    r = &l->items[2];
    assert_int_equal(r->year, 0);
    assert_string_equal(r->issued_literal, "in press");
    assert_int_equal(l->items[3].year, 2020);
    assert_null(l->items[3].type);
    assert_int_equal(l->items[4].year, 2020);
    assert_int_equal(l->items[4].month, 2);
    assert_int_equal(l->items[4].day, 29);
    assert_int_equal(l->items[5].year, 2021);
    assert_int_equal(l->items[5].month, 3);
    /* No id: it is called by its position. */
    assert_string_equal(l->items[6].id, "ref-7");
    assert_true(l->items[6].generated_id);
    assert_int_equal(l->items[6].line, 45);
    manuscript_free(&m);
}

static void test_no_references(void **state)
{
    (void)state;
    struct manuscript m;
    assert_int_equal(parse_ms(&m, HEAD TAIL), 0);
    assert_int_equal(m.references.n, 0);
    assert_int_equal(m.nwarnings, 0);
    manuscript_free(&m);
    assert_int_equal(parse_ms(&m, HEAD "references: []\n" TAIL), 0);
    assert_int_equal(m.references.n, 0);
    manuscript_free(&m);
}

static void expect_errors(const char *text, const char *expected)
{
    struct manuscript m;
    int rc = parse_ms(&m, text);
    if (rc != JOURNAL_EINPUT || strcmp(error_message(), expected))
        fprintf(stderr, "expected:\n%s\ngot:\n%s\n", expected, rc ? error_message() : "");
    if (rc != JOURNAL_EINPUT || strcmp(error_message(), expected))
        fail_msg("expected rc=-1 and\n%s\ngot rc=%d:\n%s", expected, rc,
                 rc ? error_message() : "(accepted)");
}

static void test_errors_with_places(void **state)
{
    (void)state;
    expect_errors(HEAD "references: {id: a}\n" TAIL,
                  "ms.md:7:13: references must be a list of CSL items (- id: ..., type: ..., "
                  "title: ...)");
    expect_errors(HEAD "references: oecd2017\n" TAIL,
                  "ms.md:7:13: references must be a list of CSL items (- id: ..., type: ..., "
                  "title: ...)");
    /* Every problem at once, each at its node. */
    expect_errors(
        HEAD "references:\n"
             "  - id: a\n"
             "    title: A\n"
             "  - just a string\n"
             "  - id: a\n"
             "    title: B\n"
             "    DOI: 10.12/x\n"
             "  - id: c\n"
             "    DOI: https://doi.org/11.1000/x\n"
             "    issued: 2020-13-01\n"
             "    author: [{given: \"\"}]\n"
             "    title: [A, B]\n"
             "  - id: d\n"
             "    issued: {date-parts: [[2020, 2, 30]]}\n"
             "  - id: e\n"
             "    issued: {season: 1}\n"
             "    DOI: \"10.1000/has space\"\n" TAIL,
        "ms.md:10:5: reference 2 is not a CSL item (expected a mapping with id, type, author, "
        "title, ...)\n"
        "ms.md:11:9: duplicate reference id 'a' (each reference needs its own id)\n"
        "ms.md:13:10: malformed DOI '10.12/x' (expected 10.NNNN/suffix, bare or as "
        "https://doi.org/10.NNNN/suffix)\n"
        "ms.md:18:12: reference field 'title' must be text\n"
        "ms.md:17:14: an author needs 'family' (and usually 'given') or 'literal'\n"
        "ms.md:16:13: issued '2020-13-01' is not a date (expected 2020, 2020-05-01, "
        "{date-parts: [[2020, 5, 1]]}, {raw: \"2020-05\"} or {literal: \"in press\"})\n"
        "ms.md:15:10: malformed DOI 'https://doi.org/11.1000/x' (expected 10.NNNN/suffix, bare "
        "or as https://doi.org/10.NNNN/suffix)\n"
        "ms.md:20:26: date-parts is not a date (expected [[year, month, day]], for example "
        "[[2020, 5, 1]] or [[2020]])\n"
        "ms.md:22:13: issued is not a date (expected 2020, 2020-05-01, {date-parts: [[2020, "
        "5, 1]]}, {raw: \"2020-05\"} or {literal: \"in press\"})\n"
        "ms.md:23:10: malformed DOI '10.1000/has space' (expected 10.NNNN/suffix, bare or as "
        "https://doi.org/10.NNNN/suffix)");
}

/* ISBNs and ISSNs in references: checked, and stored in one canonical form. */
static void test_standard_numbers(void **state)
{
    (void)state;
    struct manuscript m;
    assert_int_equal(parse_ms(&m, HEAD
                              "references:\n"
                              "  - {id: a, type: book, title: A, ISBN: \"9780674065703\"}\n"
                              "  - {id: b, type: book, title: B, ISBN: 0-8044-2957-x}\n"
                              "  - {id: c, type: book, title: C, ISBN: \"979 10 90636 07 1\"}\n"
                              "  - {id: d, type: article-journal, title: D, ISSN: 2789388x}\n"
                              "  - {id: e, type: article-journal, title: E, ISSN: "
                              "\"0317 8471\"}\n" TAIL),
                     0);
    assert_string_equal(m.references.items[0].isbn, "978-0674065703");
    assert_string_equal(m.references.items[1].isbn, "080442957X");
    assert_string_equal(m.references.items[2].isbn, "979-1090636071");
    assert_string_equal(m.references.items[3].issn, "2789-388X");
    assert_string_equal(m.references.items[4].issn, "0317-8471");
    manuscript_free(&m);
    expect_errors(HEAD "references:\n"
                       "  - {id: a, type: book, title: A, ISBN: 978-0-674-06570-9}\n"
                       "  - {id: b, type: book, title: B, ISBN: 0-8044-2957-3}\n"
                       "  - {id: c, type: book, title: C, ISBN: 978-0-674}\n"
                       "  - {id: d, type: book, title: D, ISBN: \"9780674065703 9780804429573\"}\n"
                       "  - {id: e, type: article-journal, title: E, ISSN: 2789-3881}\n"
                       "  - {id: f, type: article-journal, title: F, ISSN: 27X9-3881}\n" TAIL,
                  "ms.md:8:41: ISBN '978-0-674-06570-9' has a wrong check digit: its other "
                  "digits call for 3 (mistyped?)\n"
                  "ms.md:9:41: ISBN '0-8044-2957-3' has a wrong check digit: its other digits "
                  "call for X (mistyped?)\n"
                  "ms.md:10:41: '978-0-674' is not an ISBN (expected ISBN-13 such as "
                  "978-0-306-40615-7 or ISBN-10 such as 0-306-40615-2; one ISBN per reference)\n"
                  "ms.md:11:41: '9780674065703 9780804429573' is not an ISBN (expected ISBN-13 "
                  "such as 978-0-306-40615-7 or ISBN-10 such as 0-306-40615-2; one ISBN per "
                  "reference)\n"
                  "ms.md:12:52: ISSN '2789-3881' has a wrong check digit: its other digits call "
                  "for X (mistyped?)\n"
                  "ms.md:13:52: '27X9-3881' is not an ISSN (expected NNNN-NNNC such as "
                  "2789-388X)");
}

static void test_warnings_by_type(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = HEAD "references:\n"
                            "  - id: art\n"
                            "    type: article-journal\n"
                            "    title: A\n"
                            "  - id: bk\n"
                            "    type: book\n"
                            "    editor: [{literal: UNDP}]\n"
                            "    title: B\n"
                            "    issued: 2020\n"
                            "  - id: ch\n"
                            "    type: chapter\n"
                            "    title: C\n"
                            "    container-title: Book\n"
                            "    issued: 2020\n"
                            "    publisher: P\n"
                            "  - id: rep\n"
                            "    type: report\n"
                            "    author: [OECD]\n"
                            "    title: R\n"
                            "  - id: web\n"
                            "    type: webpage\n"
                            "    title: W\n"
                            "  - id: th\n"
                            "    type: thesis\n"
                            "    author: [\"Doe, J.\"]\n"
                            "    title: T\n"
                            "    issued: 2020\n"
                            "  - title: untyped\n"
                            "  - id: pc\n"
                            "    type: paper-conference\n"
                            "    author: [\"Doe, J.\"]\n"
                            "    title: T\n"
                            "    issued: 2020\n" TAIL;
    assert_int_equal(parse_ms(&m, text), 0);
    const char *expected[] = {
        "ms.md:8:5: reference 'art' has no author (or editor), which APA needs",
        "ms.md:8:5: reference 'art' has no container-title (the journal's name), which APA "
        "needs",
        "ms.md:8:5: reference 'art' has no issued date, which APA needs (else it shows n.d.)",
        "ms.md:11:5: reference 'bk' has no publisher, which APA needs",
        "ms.md:22:5: reference 'rep' has no issued date, which APA needs (else it shows n.d.)",
        "ms.md:26:5: reference 'web' has no URL, which APA needs for a web page",
        "ms.md:29:5: reference 'th' has no publisher (the university), which APA needs",
        "ms.md:34:5: reference 'ref-7' has no id (CSL needs one to cite it), so it is called by "
        "its position",
        "ms.md:34:5: reference 'ref-7' has no type (article-journal, book, chapter, report, "
        "webpage, thesis, paper-conference, ...), which APA needs to set it",
        "ms.md:35:5: reference 'pc' has no container-title (the proceedings' title) or "
        "event-title (the conference), which APA needs",
    };
    size_t n = sizeof(expected) / sizeof(expected[0]);
    for (size_t i = 0; i < m.nwarnings && i < n; i++)
        assert_string_equal(m.warnings[i], expected[i]);
    assert_int_equal(m.nwarnings, n);
    manuscript_free(&m);
}

/* The APA text and HTML of the single reference in yaml. */
static void expect_apa(const char *yaml, const char *text, const char *html)
{
    struct reference_list l;
    load(yaml, &l);
    assert_int_equal(l.n, 1);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(reference_apa_text(&l.items[0], &sb), 0);
    assert_string_equal(sb.buf, text);
    strbuf_reset(&sb);
    assert_int_equal(reference_apa_html(&l.items[0], &sb), 0);
    assert_string_equal(sb.buf, html);
    strbuf_release(&sb);
    reference_list_free(&l);
}

static void test_apa_article(void **state)
{
    (void)state;
    expect_apa(
        "references:\n"
        "  - id: a\n"
        "    type: article-journal\n"
        "    author: [{family: Evans, given: Peter}, {family: Rauch, given: James E.}]\n"
        "    title: \"Bureaucracy & growth: \\\"Weberian\\\" <states>\"\n"
        "    container-title: Sociological Review\n"
        "    volume: 64\n"
        "    issue: 5\n"
        "    page: 748--765\n"
        "    issued: {date-parts: [[1999, 10]]}\n"
        "    DOI: https://doi.org/10.2307/2657374\n",
        "Evans, P., & Rauch, J. E. (1999). Bureaucracy & growth: \"Weberian\" <states>. "
        "Sociological Review, 64(5), 748–765. https://doi.org/10.2307/2657374",
        "Evans, P., &amp; Rauch, J. E. (1999). Bureaucracy &amp; growth: &quot;Weberian&quot; "
        "&lt;states&gt;. <i>Sociological Review</i>, <i>64</i>(5), 748–765. "
        "<a href=\"https://doi.org/10.2307/2657374\">https://doi.org/10.2307/2657374</a>");
    /* No issue, no DOI: the URL is linked, escaped. A title's own question mark ends it. */
    expect_apa(
        "references:\n"
        "  - id: a\n"
        "    type: article-journal\n"
        "    author: [\"Doe, Jane\"]\n"
        "    title: Why?\n"
        "    container-title: J\n"
        "    volume: \"3\"\n"
        "    page: e7\n"
        "    issued: 2020\n"
        "    URL: https://example.org/a?x=1&y=2\n",
        "Doe, J. (2020). Why? J, 3, e7. https://example.org/a?x=1&y=2",
        "Doe, J. (2020). Why? <i>J</i>, <i>3</i>, e7. "
        "<a href=\"https://example.org/a?x=1&amp;y=2\">https://example.org/a?x=1&amp;y=2</a>");
}

/* A DOI with characters that mean something in a URL: percent-encoded in the link only. */
static void test_apa_doi_link_encoding(void **state)
{
    (void)state;
    expect_apa(
        "references:\n"
        "  - id: s\n"
        "    type: article-journal\n"
        "    author: [\"Doe, J.\"]\n"
        "    title: T\n"
        "    container-title: JASIS\n"
        "    issued: 1998\n"
        "    DOI: \"doi: 10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-#\"\n",
        "Doe, J. (1998). T. JASIS. "
        "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-#",
        "Doe, J. (1998). T. <i>JASIS</i>. <a "
        "href=\"https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;"
        "2-%23\">https://doi.org/10.1002/(SICI)1097-4571(199806)49:8&lt;693::AID-ASI4&gt;3.0."
        "CO;2-#</a>");
}

static void test_apa_book_chapter_report(void **state)
{
    (void)state;
    expect_apa("references:\n"
               "  - id: b\n"
               "    type: book\n"
               "    author: \"Grindle, Merilee S.\"\n"
               "    title: \"Jobs for the boys: Patronage and the state\"\n"
               "    edition: 2\n"
               "    publisher: Harvard University Press\n"
               "    issued: 2012\n"
               "    DOI: 10.4159/harvard.9780674065192\n",
               "Grindle, M. S. (2012). Jobs for the boys: Patronage and the state (2nd ed.). "
               "Harvard University Press. https://doi.org/10.4159/harvard.9780674065192",
               "Grindle, M. S. (2012). <i>Jobs for the boys: Patronage and the state</i> (2nd "
               "ed.). Harvard University Press. <a "
               "href=\"https://doi.org/10.4159/harvard.9780674065192\">https://doi.org/10.4159/"
               "harvard.9780674065192</a>");
    /* Edited book: the editors in the author's place. */
    expect_apa("references:\n"
               "  - id: b\n"
               "    type: book\n"
               "    editor: [{family: Meer, non-dropping-particle: van der, given: Frits M.}, "
               "{family: Toonen, given: Theo}]\n"
               "    title: Comparative civil service systems\n"
               "    publisher: Palgrave Macmillan\n"
               "    issued: 2015\n",
               "van der Meer, F. M., & Toonen, T. (Eds.). (2015). Comparative civil service "
               "systems. Palgrave Macmillan.",
               "van der Meer, F. M., &amp; Toonen, T. (Eds.). (2015). <i>Comparative civil service "
               "systems</i>. Palgrave Macmillan.");
    expect_apa("references:\n"
               "  - id: c\n"
               "    type: chapter\n"
               "    author: [{family: Raadschelders, given: Jos C. N.}]\n"
               "    editor: [{family: Meer, given: Frits}, {family: Toonen, given: Theo}, "
               "{family: Berg, given: Anna-Maria}]\n"
               "    title: Civil service systems\n"
               "    container-title: Comparative systems\n"
               "    edition: 2nd\n"
               "    page: 1-18\n"
               "    publisher: Palgrave\n"
               "    issued: 2015\n",
               "Raadschelders, J. C. N. (2015). Civil service systems. In F. Meer, T. Toonen, & "
               "A.-M. Berg (Eds.), Comparative systems (2nd ed., pp. 1–18). Palgrave.",
               "Raadschelders, J. C. N. (2015). Civil service systems. In F. Meer, T. Toonen, "
               "&amp; A.-M. Berg (Eds.), <i>Comparative systems</i> (2nd ed., pp. 1–18). "
               "Palgrave.");
    expect_apa("references:\n"
               "  - id: c\n"
               "    type: chapter\n"
               "    author: [\"Doe, J.\"]\n"
               "    editor: [\"Roe, Richard\"]\n"
               "    title: Part\n"
               "    container-title: Whole\n"
               "    page: 7\n"
               "    publisher: P\n"
               "    issued: 2001\n",
               "Doe, J. (2001). Part. In R. Roe (Ed.), Whole (p. 7). P.",
               "Doe, J. (2001). Part. In R. Roe (Ed.), <i>Whole</i> (p. 7). P.");
    /* The publisher is left out when it is the author. */
    expect_apa("references:\n"
               "  - id: r\n"
               "    type: report\n"
               "    author: [{literal: OECD}]\n"
               "    title: Skills for a high performing civil service\n"
               "    genre: OECD Public Governance Policy Papers\n"
               "    number: \"02\"\n"
               "    publisher: OECD\n"
               "    issued: 2017\n"
               "    DOI: 10.1787/9789264280724-en\n",
               "OECD. (2017). Skills for a high performing civil service (OECD Public Governance "
               "Policy Papers No. 02). https://doi.org/10.1787/9789264280724-en",
               "OECD. (2017). <i>Skills for a high performing civil service</i> (OECD Public "
               "Governance Policy Papers No. 02). <a "
               "href=\"https://doi.org/10.1787/9789264280724-en\">https://doi.org/10.1787/"
               "9789264280724-en</a>");
    expect_apa("references:\n"
               "  - id: r\n"
               "    type: report\n"
               "    author: [{literal: OECD}]\n"
               "    title: Report\n"
               "    publisher: OECD Publishing\n"
               "    issued: 2017\n",
               "OECD. (2017). Report. OECD Publishing.",
               "OECD. (2017). <i>Report</i>. OECD Publishing.");
}

static void test_apa_web_thesis_conference_other(void **state)
{
    (void)state;
    expect_apa("references:\n"
               "  - id: w\n"
               "    type: webpage\n"
               "    author: [{literal: Civil Service Agency}]\n"
               "    title: Competitive selection\n"
               "    container-title: gov.kz\n"
               "    issued: {raw: \"2024-03-12\"}\n"
               "    URL: https://www.gov.kz/ardgs\n",
               "Civil Service Agency. (2024, March 12). Competitive selection. gov.kz. "
               "https://www.gov.kz/ardgs",
               "Civil Service Agency. (2024, March 12). <i>Competitive selection</i>. gov.kz. "
               "<a href=\"https://www.gov.kz/ardgs\">https://www.gov.kz/ardgs</a>");
    /* No author, no date: the title in the author's place, n.d. */
    expect_apa("references:\n"
               "  - id: w\n"
               "    type: webpage\n"
               "    title: Home\n"
               "    URL: https://example.org/\n",
               "Home. (n.d.). https://example.org/",
               "<i>Home</i>. (n.d.). <a href=\"https://example.org/\">https://example.org/</a>");
    expect_apa("references:\n"
               "  - id: t\n"
               "    type: thesis\n"
               "    author: [{family: Seitkali, given: Dana}]\n"
               "    title: Merit in practice\n"
               "    genre: Doctoral dissertation\n"
               "    publisher: Nazarbayev University\n"
               "    issued: 2021\n"
               "    URL: https://example.org/t\n",
               "Seitkali, D. (2021). Merit in practice [Doctoral dissertation, Nazarbayev "
               "University]. https://example.org/t",
               "Seitkali, D. (2021). <i>Merit in practice</i> [Doctoral dissertation, Nazarbayev "
               "University]. <a href=\"https://example.org/t\">https://example.org/t</a>");
    expect_apa("references:\n"
               "  - id: p\n"
               "    type: paper-conference\n"
               "    author: [\"Doe, Jane\"]\n"
               "    title: Testing\n"
               "    event-title: NISPAcee Annual Conference\n"
               "    event-place: Bucharest, Romania\n"
               "    issued: 2023-05-25\n",
               "Doe, J. (2023, May 25). Testing [Paper presentation]. NISPAcee Annual Conference, "
               "Bucharest, Romania.",
               "Doe, J. (2023, May 25). <i>Testing</i> [Paper presentation]. NISPAcee Annual "
               "Conference, Bucharest, Romania.");
    expect_apa("references:\n"
               "  - id: p\n"
               "    type: paper-conference\n"
               "    author: [\"Doe, Jane\"]\n"
               "    title: Testing\n"
               "    container-title: Proceedings of NISPAcee\n"
               "    page: 10-20\n"
               "    publisher: NISPAcee Press\n"
               "    issued: {literal: in press}\n",
               "Doe, J. (in press). Testing. In Proceedings of NISPAcee (pp. 10–20). NISPAcee "
               "Press.",
               "Doe, J. (in press). Testing. In <i>Proceedings of NISPAcee</i> (pp. 10–20). "
               "NISPAcee Press.");
    /* Other types: as an article with a container, else as a book. */
    expect_apa("references:\n"
               "  - id: o\n"
               "    type: article-magazine\n"
               "    author: [\"Doe, Jane\"]\n"
               "    title: Queues\n"
               "    container-title: The Economist\n"
               "    issued: 2022-01-08\n",
               "Doe, J. (2022, January 8). Queues. The Economist.",
               "Doe, J. (2022, January 8). Queues. <i>The Economist</i>.");
    expect_apa("references:\n"
               "  - id: o\n"
               "    type: dataset\n"
               "    author: [{literal: World Bank}]\n"
               "    title: Worldwide Governance Indicators\n"
               "    publisher: The World Bank Group.\n"
               "    issued: 2023\n",
               "World Bank. (2023). Worldwide Governance Indicators. The World Bank Group.",
               "World Bank. (2023). <i>Worldwide Governance Indicators</i>. The World Bank "
               "Group.");
    expect_apa("references:\n"
               "  - id: o\n"
               "    type: legislation\n"
               "    title: Law on civil service\n"
               "    container-title: Official Gazette\n"
               "    volume: 12\n"
               "    issued: 2015\n",
               "Law on civil service. (2015). Official Gazette, 12.",
               "Law on civil service. (2015). <i>Official Gazette</i>, <i>12</i>.");
}

static void test_apa_many_authors(void **state)
{
    (void)state;
    struct strbuf yaml = STRBUF_INIT;
    strbuf_addstr(&yaml, "references:\n  - id: m\n    type: article-journal\n    author:\n");
    for (int i = 1; i <= 22; i++)
        strbuf_addf(&yaml, "      - {family: A%d, given: B}\n", i);
    strbuf_addstr(&yaml, "    title: T\n    container-title: J\n    issued: 2020\n");
    struct strbuf expected = STRBUF_INIT;
    for (int i = 1; i <= 19; i++)
        strbuf_addf(&expected, "A%d, B., ", i);
    strbuf_addstr(&expected, "\xe2\x80\xa6 A22, B. (2020). T.");
    struct strbuf text = STRBUF_INIT, html = STRBUF_INIT;
    strbuf_addf(&text, "%s J.", expected.buf);
    strbuf_addf(&html, "%s <i>J</i>.", expected.buf);
    expect_apa(yaml.buf, text.buf, html.buf);
    strbuf_release(&text);
    strbuf_release(&html);
    strbuf_release(&yaml);
    strbuf_release(&expected);
}

static void test_apa_order(void **state)
{
    (void)state;
    struct reference_list l;
    load("references:\n"
         "  - {id: 1, type: book, author: [\"Smith, J.\"], title: Later, issued: 2021}\n"
         "  - {id: 2, type: book, author: [\"Browning, A.\"], title: B, issued: 2020}\n"
         "  - {id: 3, type: book, author: [\"Smith, J.\", \"Adams, K.\"], title: Two, issued: "
         "2000}\n"
         "  - {id: 4, type: book, author: [\"Brown, Z.\"], title: C, issued: 2020}\n"
         "  - {id: 5, type: book, author: [\"smith, J.\"], title: Earlier, issued: 2019}\n"
         "  - {id: 6, type: book, author: [\"Smith, J.\"], title: Undated}\n"
         "  - {id: 7, type: book, author: [\"Smith, J.\"], title: Pressing, issued: {literal: "
         "in press}}\n"
         "  - {id: 8, type: webpage, title: The Civil Service Act, URL: \"https://e.org/\"}\n"
         "  - {id: 9, type: book, author: [Абаев, \"Ёлкин, Б.\"], title: Рус, issued: 2020}\n"
         "  - {id: 10, type: book, author: [{literal: Council of Europe}], title: CoE, issued: "
         "2020}\n",
         &l);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(references_apa_text(&l, &sb), 0);
    assert_string_equal(sb.buf, "Brown, Z. (2020). C.\n"
                                "Browning, A. (2020). B.\n"
                                "The Civil Service Act. (n.d.). https://e.org/\n"
                                "Council of Europe. (2020). CoE.\n"
                                "Smith, J. (n.d.). Undated.\n"
                                "smith, J. (2019). Earlier.\n"
                                "Smith, J. (2021). Later.\n"
                                "Smith, J. (in press). Pressing.\n"
                                "Smith, J., & Adams, K. (2000). Two.\n"
                                "Абаев, & Ёлкин, Б. (2020). Рус.\n");
    strbuf_reset(&sb);
    assert_int_equal(references_apa_html(&l, &sb), 0);
    assert_non_null(strstr(sb.buf, "<li id=\"ref-4\">Brown, Z. (2020). <i>C</i>.</li>\n"
                                   "<li id=\"ref-2\">Browning, A. (2020). <i>B</i>.</li>\n"));
    size_t *order = references_apa_order(&l);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[9], 8);
    free(order);
    strbuf_release(&sb);
    reference_list_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_accepted_form),
        cmocka_unit_test(test_no_references),
        cmocka_unit_test(test_errors_with_places),
        cmocka_unit_test(test_standard_numbers),
        cmocka_unit_test(test_warnings_by_type),
        cmocka_unit_test(test_apa_article),
        cmocka_unit_test(test_apa_doi_link_encoding),
        cmocka_unit_test(test_apa_book_chapter_report),
        cmocka_unit_test(test_apa_web_thesis_conference_other),
        cmocka_unit_test(test_apa_many_authors),
        cmocka_unit_test(test_apa_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
