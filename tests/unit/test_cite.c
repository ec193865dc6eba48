/*
 * In-text citations: Pandoc's syntax read (model/cite.c), APA 7 written (export/intext.c),
 * on a parsed document (links to the reference list, never in code), the manuscript's
 * checks (unknown keys, uncited references), and table captions (util/gfm.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "export/intext.h"
#include "export/references.h"
#include "model/cite.h"
#include "model/config.h"
#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/reference.h"
#include "site/markdown.h"
#include "util/arena.h"
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
    markdown_shutdown();
    error_clear();
    return 0;
}

/* ---- the syntax ---- */

static void expect_one(const char *text, bool narrative, const char *key, const char *prefix,
                       const char *locator, bool suppress, size_t start, size_t end)
{
    struct cite c;
    if (!cite_next(text, strlen(text), 0, &c))
        fail_msg("no citation found in '%s'", text);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.narrative, narrative);
    assert_string_equal(c.items[0].key, key);
    if (prefix)
        assert_string_equal(c.items[0].prefix, prefix);
    else
        assert_null(c.items[0].prefix);
    if (locator)
        assert_string_equal(c.items[0].locator, locator);
    else
        assert_null(c.items[0].locator);
    assert_int_equal(c.items[0].suppress_author, suppress);
    assert_int_equal(c.start, start);
    assert_int_equal(c.end, end);
    cite_free(&c);
}

static void test_syntax_each_form(void **state)
{
    (void)state;
    expect_one("[@evans1999]", false, "evans1999", NULL, NULL, false, 0, 12);
    expect_one("as shown [@evans1999, p. 12].", false, "evans1999", NULL, "p. 12", false, 9, 28);
    expect_one("@evans1999 argues", true, "evans1999", NULL, NULL, false, 0, 10);
    expect_one("so @evans1999 [p. 12] says", true, "evans1999", NULL, "p. 12", false, 3, 21);
    expect_one("[-@evans1999]", false, "evans1999", NULL, NULL, true, 0, 13);
    expect_one("[see @evans1999, pp. 3-4]", false, "evans1999", "see", "pp. 3-4", false, 0, 25);
    /* The full stop ending a sentence is not part of the key; inner punctuation is. */
    expect_one("as in @smith:2004.", true, "smith:2004", NULL, NULL, false, 6, 17);
    expect_one("see @doe.2020-b, too", true, "doe.2020-b", NULL, NULL, false, 4, 15);
    expect_one("@{odd key!} here", true, "odd key!", NULL, NULL, false, 0, 11);
    /* Cyrillic keys, and a citation after Cyrillic text. */
    expect_one("по @иванов2010.", true, "иванов2010", NULL, NULL, false, 5, 22);
    expect_one("(см. [@иванов2010, с. 5])", false, "иванов2010", NULL, "с. 5", false, 7, 33);

    struct cite c;
    const char *several = "[see @a, pp. 3-4; @b; also -@c]";
    assert_true(cite_next(several, strlen(several), 0, &c));
    assert_int_equal(c.n, 3);
    assert_false(c.narrative);
    assert_string_equal(c.items[0].key, "a");
    assert_string_equal(c.items[0].prefix, "see");
    assert_string_equal(c.items[0].locator, "pp. 3-4");
    assert_string_equal(c.items[1].key, "b");
    assert_null(c.items[1].prefix);
    assert_null(c.items[1].locator);
    assert_string_equal(c.items[2].key, "c");
    assert_string_equal(c.items[2].prefix, "also");
    assert_true(c.items[2].suppress_author);
    cite_free(&c);

    /* Several in one text, found in turn. */
    const char *two = "First @a, then [@b].";
    assert_true(cite_next(two, strlen(two), 0, &c));
    assert_string_equal(c.items[0].key, "a");
    size_t from = c.end;
    cite_free(&c);
    assert_true(cite_next(two, strlen(two), from, &c));
    assert_string_equal(c.items[0].key, "b");
    from = c.end;
    cite_free(&c);
    assert_false(cite_next(two, strlen(two), from, &c));
}

static void test_syntax_not_citations(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "write to name@example.org", "[see the appendix]", "an @ alone, [@] and @.",
        "почта@пример.рф",           "[@a; and more]", /* a part without a key: the brackets are
                                                          text ... */
    };
    struct cite c;
    for (size_t i = 0; i < 4; i++)
        if (cite_next(texts[i], strlen(texts[i]), 0, &c)) {
            cite_free(&c);
            fail_msg("a citation found in '%s'", texts[i]);
        }
    /* ... and the key in them is read as a narrative citation. */
    assert_true(cite_next(texts[4], strlen(texts[4]), 0, &c));
    assert_true(c.narrative);
    assert_int_equal(c.start, 1);
    cite_free(&c);
}

/* ---- APA ---- */

static const char refs_yaml[] =
    "references:\n"
    "  - id: evans1999\n"
    "    type: article-journal\n"
    "    author: [{family: Evans, given: Peter}, {family: Rauch, given: James E.}]\n"
    "    title: Bureaucracy and growth\n"
    "    container-title: American Sociological Review\n"
    "    issued: 1999\n"
    "  - id: dahlstrom2012\n"
    "    type: article-journal\n"
    "    author: [{family: Dahlström, given: Carl}, {family: Lapuente, given: Victor},\n"
    "             {family: Teorell, given: Jan}]\n"
    "    title: The merit of meritocratization\n"
    "    container-title: Political Research Quarterly\n"
    "    issued: 2012\n"
    "  - id: oecd2017\n"
    "    type: report\n"
    "    author: [{literal: OECD}]\n"
    "    title: Skills for a high performing civil service\n"
    "    issued: 2017\n"
    "  - id: smith2001b\n"
    "    type: book\n"
    "    author: [{family: Smith, given: Anna}]\n"
    "    title: Zoning\n"
    "    publisher: P\n"
    "    issued: 2001\n"
    "  - id: smith2001a\n"
    "    type: book\n"
    "    author: [{family: Smith, given: Anna}]\n"
    "    title: Acting\n"
    "    publisher: P\n"
    "    issued: 2001\n"
    "  - id: smith2003\n"
    "    type: book\n"
    "    author: [{family: Smith, given: Anna}]\n"
    "    title: Later\n"
    "    publisher: P\n"
    "    issued: 2003\n"
    "  - id: ivanov2010\n"
    "    type: book\n"
    "    author: [{family: Иванов, given: Иван}, {family: Петров, given: Пётр}]\n"
    "    title: Книга\n"
    "    publisher: Наука\n"
    "    issued: 2010\n"
    "  - id: anon\n"
    "    type: webpage\n"
    "    title: Nobody's page\n"
    "    URL: https://example.org/\n"
    "  - id: inpress\n"
    "    type: article-journal\n"
    "    author: [{family: Young, given: Y.}]\n"
    "    title: Soon\n"
    "    container-title: J\n"
    "    issued: {literal: in press}\n";

static void load(struct reference_list *out)
{
    struct ydoc d;
    error_clear();
    assert_int_equal(ydoc_load(&d, "refs.yaml", refs_yaml, strlen(refs_yaml), 0), 0);
    if (reference_list_parse(&d, ydoc_get(&d, ydoc_root(&d), "references"), out))
        fail_msg("unexpected errors: %s", error_message());
    ydoc_free(&d);
}

/* The citation in text, written for lang, with its links as [text](#ref-id). */
static void expect_apa(const struct reference_list *refs, const char *lang, const char *text,
                       const char *want)
{
    char *suffixes = references_year_suffixes(refs, NULL);
    struct cite c;
    if (!cite_next(text, strlen(text), 0, &c))
        fail_msg("no citation in '%s'", text);
    struct intext t;
    if (!intext_format(&c, refs, suffixes, lang, &t))
        fail_msg("'%s' not formatted", text);
    struct strbuf sb = STRBUF_INIT;
    intext_text(&t, refs, true, &sb);
    if (strcmp(sb.buf, want))
        fail_msg("%s\n  want: %s\n  got:  %s", text, want, sb.buf);
    strbuf_release(&sb);
    intext_free(&t);
    cite_free(&c);
    free(suffixes);
}

static void test_apa_forms(void **state)
{
    (void)state;
    struct reference_list refs;
    load(&refs);
    expect_apa(&refs, "en", "[@evans1999]", "([Evans & Rauch, 1999](#ref-evans1999))");
    expect_apa(&refs, "en", "[@evans1999, p. 12]",
               "([Evans & Rauch, 1999, p. 12](#ref-evans1999))");
    expect_apa(&refs, "en", "@evans1999 argues", "[Evans and Rauch (1999)](#ref-evans1999)");
    expect_apa(&refs, "en", "@evans1999 [p. 12] says",
               "[Evans and Rauch (1999, p. 12)](#ref-evans1999)");
    expect_apa(&refs, "en", "[-@evans1999]", "([1999](#ref-evans1999))");
    expect_apa(&refs, "en", "[-@evans1999, p. 3]", "([1999, p. 3](#ref-evans1999))");
    /* Three or more authors: et al.; an organisation whole. */
    expect_apa(&refs, "en", "[@dahlstrom2012]", "([Dahlström et al., 2012](#ref-dahlstrom2012))");
    expect_apa(&refs, "en", "@dahlstrom2012", "[Dahlström et al. (2012)](#ref-dahlstrom2012)");
    expect_apa(&refs, "en", "[@oecd2017]", "([OECD, 2017](#ref-oecd2017))");
    /* Several: in the reference list's order, each linked, the prefix outside the link and
       the page range with an en dash. */
    expect_apa(&refs, "en", "[see @oecd2017, pp. 3-4; @evans1999]",
               "([Evans & Rauch, 1999](#ref-evans1999); see [OECD, 2017, pp. 3–4](#ref-oecd2017))");
    /* Same author, same year: the letters of the reference list (by title: Acting, Zoning);
       one author's works together. */
    expect_apa(&refs, "en", "[@smith2001b]", "([Smith, 2001b](#ref-smith2001b))");
    expect_apa(&refs, "en", "[@smith2003; @smith2001b; @smith2001a]",
               "([Smith, 2001a](#ref-smith2001a), [2001b](#ref-smith2001b), "
               "[2003](#ref-smith2003))");
    /* No author: the title in quotation marks; no date: n.d.; a date in words. */
    expect_apa(&refs, "en", "[@anon]", "([“Nobody's page,” n.d.](#ref-anon))");
    expect_apa(&refs, "en", "[@inpress]", "([Young, in press](#ref-inpress))");
    /* Cyrillic names, and a Russian article's "и" and "и др.". */
    expect_apa(&refs, "en", "[@ivanov2010, с. 5]",
               "([Иванов & Петров, 2010, с. 5](#ref-ivanov2010))");
    expect_apa(&refs, "ru", "@ivanov2010", "[Иванов и Петров (2010)](#ref-ivanov2010)");
    expect_apa(&refs, "ru", "[@dahlstrom2012]", "([Dahlström и др., 2012](#ref-dahlstrom2012))");

    /* A key that is not a reference: not written at all. */
    struct cite c;
    struct intext t;
    const char *text = "[@evans1999; @nobody]";
    assert_true(cite_next(text, strlen(text), 0, &c));
    assert_false(intext_format(&c, &refs, NULL, "en", &t));
    assert_int_equal(t.n, 0);
    cite_free(&c);
    reference_list_free(&refs);
}

static void test_reference_list_letters(void **state)
{
    (void)state;
    struct reference_list refs;
    load(&refs);
    struct strbuf html = STRBUF_INIT;
    assert_int_equal(references_apa_html(&refs, &html), 0);
    const char *a = strstr(html.buf, "<li id=\"ref-smith2001a\">Smith, A. (2001a). <i>Acting</i>");
    const char *b = strstr(html.buf, "<li id=\"ref-smith2001b\">Smith, A. (2001b). <i>Zoning</i>");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_non_null(strstr(html.buf, "Smith, A. (2003). <i>Later</i>"));
    assert_null(strstr(html.buf, "(1999a)"));
    strbuf_release(&html);
    reference_list_free(&refs);
}

/* ---- in a document ---- */

static void render(const struct reference_list *refs, const char *md, bool raw, struct strbuf *out)
{
    struct arena_mark mark = arena_mark();
    struct markdown_doc doc;
    assert_int_equal(markdown_parse(md, strlen(md), raw, &doc), 0);
    markdown_cite(&doc, refs, "en");
    markdown_render_html(&doc, out);
    arena_release(mark);
}

static void test_document_links_never_code(void **state)
{
    (void)state;
    struct reference_list refs;
    load(&refs);
    struct strbuf html = STRBUF_INIT;
    render(&refs,
           "As @evans1999 argues [see @oecd2017, p. 2], not `[@evans1999]` nor "
           "[a link @oecd2017](https://example.org/) nor [@nobody].\n\n"
           "    [@evans1999] in a code block\n\n"
           "*Emphasis* and @anon.\n",
           false, &html);
    const char *want =
        "<p>As <a href=\"#ref-evans1999\">Evans and Rauch (1999)</a> argues (see "
        "<a href=\"#ref-oecd2017\">OECD, 2017, p. 2</a>), not <code>[@evans1999]</code> nor "
        "<a href=\"https://example.org/\">a link @oecd2017</a> nor [@nobody].</p>\n"
        "<pre><code>[@evans1999] in a code block\n</code></pre>\n"
        "<p><em>Emphasis</em> and <a href=\"#ref-anon\">“Nobody's page” (n.d.)</a>.</p>\n";
    if (strcmp(html.buf, want))
        fail_msg("want:\n%s\ngot:\n%s", want, html.buf);
    strbuf_release(&html);
    reference_list_free(&refs);
}

/* What a reference holds is text on the page, however it is written. */
static void test_document_no_injection(void **state)
{
    (void)state;
    struct reference r = {.id = "x\"><script>", .title = "<img src=x onerror=alert(1)>"};
    struct csl_name evil = {.literal = "<b>Org</b> & \"Co\""};
    struct reference r2 = {.id = "y", .authors = &evil, .nauthors = 1, .year = 2000};
    struct reference items[] = {r, r2};
    struct reference_list refs = {items, 2};
    for (int raw = 0; raw < 2; raw++) {
        struct strbuf html = STRBUF_INIT;
        render(&refs, "A [@{x\"><script>}] and @y.\n", raw, &html);
        assert_null(strstr(html.buf, "<script"));
        assert_null(strstr(html.buf, "<img"));
        assert_null(strstr(html.buf, "<b>"));
        /* With raw HTML allowed, <script> in the brackets is raw HTML, not part of a key. */
        if (!raw && !strstr(html.buf, "&lt;img src=x onerror=alert(1)&gt;"))
            fail_msg("%s", html.buf);
        assert_non_null(strstr(html.buf, "&lt;b&gt;Org&lt;/b&gt; &amp; &quot;Co&quot; (2000)"));
        strbuf_release(&html);
    }
}

/* ---- the manuscript's checks ---- */

#define HEAD                                                                                       \
    "---\n"                                                                                        \
    "title: T\n"                                                                                   \
    "abstract: A\n"                                                                                \
    "authors:\n"                                                                                   \
    "  - name: Aigerim Nurlanova\n"                                                                \
    "    affiliations: [{name: X, country: KZ}]\n"                                                 \
    "references:\n"                                                                                \
    "  - {id: evans1999, type: book, author: [{family: Evans}], title: T, publisher: P, "          \
    "issued: 1999}\n"                                                                              \
    "  - {id: oecd2017, type: book, author: [{literal: OECD}], title: U, publisher: P, "           \
    "issued: 2017}\n"                                                                              \
    "---\n"

static int parse_checked(struct manuscript *m, const char *text)
{
    static struct journal_config config;
    struct manuscript_rules rules = {countries, languages, "en", NULL, &config};
    return manuscript_parse(m, "ms.md", text, strlen(text), &rules);
}

static void test_manuscript_unknown_key(void **state)
{
    (void)state;
    struct manuscript m;
    /* Lines: the body starts on line 11. */
    int rc = parse_checked(&m, HEAD "Intro.\n\nAs @evnas1999 shows\nand [@oecd2017; @nobody].\n\n"
                                    "`@notakey` in code.\n");
    assert_int_equal(rc, JOURNAL_EINPUT);
    const char *msg = error_message();
    assert_non_null(strstr(msg, "ms.md:13: citation @evnas1999 is not in the references; did "
                                "you mean @evans1999?"));
    assert_non_null(strstr(msg, "ms.md:14: citation @nobody is not in the references"));
    assert_null(strstr(msg, "notakey"));
    error_clear();
}

static void test_manuscript_uncited_warning(void **state)
{
    (void)state;
    struct manuscript m;
    assert_int_equal(parse_checked(&m, HEAD "As @evans1999 shows.\n"), 0);
    assert_int_equal(m.nwarnings, 1);
    assert_string_equal(m.warnings[0], "ms.md:9:5: reference 'oecd2017' is never cited in the "
                                       "text (cite it as @oecd2017 or [@oecd2017], or remove it)");
    manuscript_free(&m);
    /* No citation at all: the list stands as it is, as before citations were read. */
    assert_int_equal(parse_checked(&m, HEAD "No citations.\n"), 0);
    assert_int_equal(m.nwarnings, 0);
    manuscript_free(&m);
}

static void test_manuscript_bibliography_not_ignored(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n  - name: Aigerim Nurlanova\n"
                       "    affiliations: [{name: X, country: KZ}]\nbibliography: refs.bib\n---\n"
                       "Body\n";
    assert_int_equal(parse_checked(&m, text), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "ms.md:7:15: bibliography: is read only by journal "
                                            "submit, revise and import"));
    error_clear();
    /* Where nothing is validated (the site), a warning. */
    struct manuscript_rules rules = {countries, languages, "en", NULL, NULL};
    assert_int_equal(manuscript_parse(&m, "ms.md", text, strlen(text), &rules), 0);
    assert_int_equal(m.nwarnings, 1);
    assert_non_null(strstr(m.warnings[0], "ms.md:7:15: bibliography: is not read here"));
    manuscript_free(&m);
}

/* ---- table captions ---- */

static void test_table_captions(void **state)
{
    (void)state;
    struct reference_list refs;
    load(&refs);
    for (int raw = 0; raw < 2; raw++) {
        struct strbuf html = STRBUF_INIT;
        render(&refs,
               "Table: Before, *with* [@oecd2017]\n\n| a |\n|---|\n| 1 |\n\n"
               "| b |\n|---|\n| 2 |\n\n: After\n\n"
               "Table:\n\n| c |\n|---|\n| 3 |\n",
               raw, &html);
        const char *want =
            "<table>\n<caption>Before, <em>with</em> (<a href=\"#ref-oecd2017\">OECD, "
            "2017</a>)</caption>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
            "<td>1</td>\n</tr>\n</tbody>\n</table>\n"
            "<table>\n<caption>After</caption>\n<thead>\n<tr>\n<th>b</th>\n</tr>\n</thead>\n"
            "<tbody>\n<tr>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n"
            "<p>Table:</p>\n<table>\n<thead>\n<tr>\n<th>c</th>\n</tr>\n</thead>\n<tbody>\n"
            "<tr>\n<td>3</td>\n</tr>\n</tbody>\n</table>\n";
        if (strcmp(html.buf, want))
            fail_msg("raw %d: want:\n%s\ngot:\n%s", raw, want, html.buf);
        strbuf_release(&html);
    }
    /* Rendered twice, the same: the document is given back as it was. */
    struct arena_mark mark = arena_mark();
    struct markdown_doc doc;
    const char *md = "| a |\n|---|\n| 1 |\n\n: Cap\n";
    assert_int_equal(markdown_parse(md, strlen(md), false, &doc), 0);
    struct strbuf one = STRBUF_INIT, two = STRBUF_INIT;
    markdown_render_html(&doc, &one);
    markdown_render_html(&doc, &two);
    assert_string_equal(one.buf, two.buf);
    assert_non_null(strstr(one.buf, "<caption>Cap</caption>"));
    strbuf_release(&one);
    strbuf_release(&two);
    arena_release(mark);
    reference_list_free(&refs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax_each_form),
        cmocka_unit_test(test_syntax_not_citations),
        cmocka_unit_test(test_apa_forms),
        cmocka_unit_test(test_reference_list_letters),
        cmocka_unit_test(test_document_links_never_code),
        cmocka_unit_test(test_document_no_injection),
        cmocka_unit_test(test_manuscript_unknown_key),
        cmocka_unit_test(test_manuscript_uncited_warning),
        cmocka_unit_test(test_manuscript_bibliography_not_ignored),
        cmocka_unit_test(test_table_captions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
