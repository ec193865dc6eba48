/* Markdown rendering: the GFM features articles use, and what must never pass through. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "site/markdown.h"
#include "util/gfm.h"
#include "util/strbuf.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <cmark-gfm/houdini.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "text_assert.h"

static char *render(const char *md, bool raw)
{
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(markdown_to_html(md, strlen(md), raw, &out), 0);
    return strbuf_detach(&out, NULL);
}

static void test_tables(void **state)
{
    (void)state;
    char *html = render("| Country | Share |\n|---|--:|\n| KZ | 41% |\n", false);
    assert_contains(html, "<table>");
    assert_contains(html, "<th>Country</th>");
    assert_contains(html, "<td align=\"right\">41%</td>");
    free(html);
}

static void test_code_fence_language(void **state)
{
    (void)state;
    /* The language goes in a class: <pre lang="yaml"> is invalid HTML (lang wants a BCP 47 tag). */
    char *html = render("```yaml\ntitle: x\n```\n", false);
    assert_contains(html, "<pre><code class=\"language-yaml\">title: x\n</code></pre>");
    assert_lacks(html, "lang=");
    free(html);
}

static void test_footnotes(void **state)
{
    (void)state;
    char *html = render("Claim.[^1]\n\n[^1]: Source, 2024.\n", false);
    assert_contains(html, "footnote-ref");
    assert_contains(html, "<section class=\"footnotes\"");
    assert_contains(html, "Source, 2024.");
    free(html);
}

static void test_strikethrough_and_autolink(void **state)
{
    (void)state;
    char *html = render("~~old~~ see https://example.org now\n", false);
    assert_contains(html, "<del>old</del>");
    assert_contains(html, "<a href=\"https://example.org\">https://example.org</a>");
    free(html);
}

static void test_raw_html_escaped(void **state)
{
    (void)state;
    char *html = render("<script>alert(1)</script>\n\nText <b onclick=\"x()\">bold</b>.\n", false);
    assert_lacks(html, "<script");
    assert_lacks(html, "<b onclick");
    assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_contains(html, "&lt;b onclick=&quot;x()&quot;&gt;bold");
    free(html);
}

static void test_dangerous_links_dropped(void **state)
{
    (void)state;
    char *html =
        render("[x](javascript:alert(1)) [y](vbscript:z) ![i](data:text/html;base64,AA)\n", false);
    assert_lacks(html, "javascript:");
    assert_lacks(html, "vbscript:");
    assert_lacks(html, "data:text/html");
    free(html);
}

static void test_raw_html_allowed_but_filtered(void **state)
{
    (void)state;
    char *html = render("<abbr title=\"x\">OECD</abbr>\n\n<script>alert(1)</script>\n", true);
    assert_contains(html, "<abbr title=\"x\">OECD</abbr>");
    /* GFM's tagfilter still neutralises script even when raw HTML is allowed. */
    assert_lacks(html, "<script>");
    free(html);
}

static int teardown(void **state)
{
    (void)state;
    markdown_shutdown();
    return 0;
}

/*
 * Threads render Markdown at once (build-site's articles), and each document gets every
 * autolink and strikethrough it has. cmark-gfm 0.29 keeps the characters that start them in
 * one table for the process and each parse takes them out when it ends: without markdown.c's
 * guard, a parse ending on one thread drops them under another, and about one article in
 * eight of a 1,000-article build lost its links.
 */
#define PARAGRAPHS 40
#define DOCUMENTS  60

static char *many_links(void)
{
    struct strbuf md = STRBUF_INIT;
    for (int i = 0; i < PARAGRAPHS; i++)
        strbuf_addf(&md,
                    "Paragraph %d with some words between, then a bare https://example.org/p%d "
                    "and ~~struck %d~~ and www.example.com/w%d in the middle of the text.\n\n",
                    i, i, i, i);
    return strbuf_detach(&md, NULL);
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* And documents with no autolink (parsed without that extension) between them, whose words
   with 'w' and ':' stay whole while the autolinks' characters come and go. */
static char *no_autolinks(void)
{
    struct strbuf md = STRBUF_INIT;
    for (int i = 0; i < PARAGRAPHS; i++)
        strbuf_addf(&md,
                    "Paragraph %d: a [link](https://example.org/l%d), ~~words~~ with w and :, "
                    "*wow*, `w:w` and a wwwhat.\n\n",
                    i, i);
    return strbuf_detach(&md, NULL);
}

struct documents {
    const char *links, *plain, *plain_html;
};

static void *render_many(void *arg)
{
    const struct documents *docs = arg;
    size_t failures = 0;
    for (int d = 0; d < DOCUMENTS; d++) {
        struct strbuf out = STRBUF_INIT;
        const char *md = d % 2 ? docs->plain : docs->links;
        if (markdown_to_html(md, strlen(md), false, &out))
            failures++;
        else if (d % 2)
            failures += strcmp(out.buf, docs->plain_html) != 0;
        else if (count(out.buf, "<a href=\"https://example.org/p") != PARAGRAPHS ||
                 count(out.buf, "<a href=\"http://www.example.com/w") != PARAGRAPHS ||
                 count(out.buf, "<del>struck ") != PARAGRAPHS)
            failures++;
        strbuf_release(&out);
    }
    return (void *)(uintptr_t)failures;
}

static void test_threads_keep_autolinks(void **state)
{
    (void)state;
    char *links = many_links(), *plain = no_autolinks(), *plain_html = render(plain, false);
    assert_int_equal(count(plain_html, "<a href="), PARAGRAPHS);
    assert_int_equal(count(plain_html, "<del>words</del>"), PARAGRAPHS);
    assert_int_equal(count(plain_html, "<em>wow</em>"), PARAGRAPHS);
    struct documents docs = {links, plain, plain_html};
    markdown_prepare();
#ifdef EXPECT_PARSES_TAKE_TURNS
    assert_true(gfm_parses_take_turns());
#else
    assert_false(gfm_parses_take_turns());
#endif
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, render_many, &docs), 0);
    uintptr_t failures = 0;
    for (int t = 0; t < THREADS; t++) {
        void *r;
        assert_int_equal(pthread_join(threads[t], &r), 0);
        failures += (uintptr_t)r;
    }
    assert_int_equal(failures, 0);
    free(links);
    free(plain);
    free(plain_html);
}

/*
 * gfm_parse uses the autolink extension only for a text that may hold an autolink; its
 * documents must be the ones a parser with every extension makes, whatever the text. The
 * texts: the cases where "://", "www." or '@' is in a link's destination or not, entities,
 * link text, code, footnotes, tables; then random mixes of those fragments.
 */
/* libcmark-gfm's own cmark_manage_extensions_special_characters (util/gfm.c defines one). */
static void library_autolink_characters(int add)
{
    void (*manage)(cmark_parser *, int) = (void (*)(cmark_parser *, int))dlsym(
        RTLD_NEXT, "cmark_manage_extensions_special_characters");
    assert_non_null(manage);
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension("autolink"));
    manage(parser, add);
    cmark_parser_free(parser);
}

/* The library's parse with every extension, its autolink characters put in the way a
   single-threaded program's parse would have them. */
static char *reference_html(const char *md)
{
    library_autolink_characters(1);
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_FOOTNOTES);
    const char *names[] = {"table", "strikethrough", "autolink"};
    for (size_t i = 0; i < 3; i++)
        cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(parser, md, strlen(md));
    cmark_node *root = cmark_parser_finish(parser);
    char *html =
        cmark_render_html(root, CMARK_OPT_FOOTNOTES, cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(root);
    cmark_parser_free(parser);
    library_autolink_characters(0);
    return html;
}

static char *gfm_html(const char *md)
{
    cmark_node *root;
    cmark_parser *parser;
    assert_int_equal(gfm_parse(md, strlen(md), CMARK_OPT_FOOTNOTES, false,
                               cmark_get_default_mem_allocator(), &root, &parser),
                     0);
    char *html =
        cmark_render_html(root, CMARK_OPT_FOOTNOTES, cmark_parser_get_syntax_extensions(parser));
    cmark_node_free(root);
    cmark_parser_free(parser);
    return html;
}

static const char *const autolink_cases[] = {
    "A [link](https://example.org/a) and nothing bare.\n",
    "A bare https://example.org/b in the text.\n",
    "Not a link: foo](https://example.org/c) without its bracket.\n",
    "A note[^1](https://example.org/d) then a URL.\n\n[^1]: The note.\n",
    "[see https://example.org/e inside](https://example.org/f)\n",
    "An e-mail: office@example.org.\n",
    "An entity e-mail: office&#64;example.org and &commat; too.\n",
    "www.example.org/g at the start, and (www.example.org/h).\n",
    "<https://example.org/i> and <office@example.org>\n",
    "[ref]: https://example.org/j\n\nA [ref] and a [def][ref].\n",
    "`https://example.org/k` in code, and ~~struck https://example.org/l~~.\n",
    "| a | b |\n|---|---|\n| https://example.org/m | [n](https://example.org/n) |\n",
    "![alt https://example.org/o](https://example.org/p.png)\n",
    "    indented https://example.org/q code\n",
    "mailto:office@example.org and xmpp:office@example.org/r\n",
    "ftp://example.org/s, HTTPS://EXAMPLE.ORG/t and WWW.EXAMPLE.ORG\n",
    "A colon: then //slashes, and w w w dot.\n",
    "Escaped https\\://example.org/u and www\\.example.org\n",
};

static void assert_same_as_reference(const char *md)
{
    char *want = reference_html(md), *got = gfm_html(md);
    if (strcmp(want, got))
        fail_msg("for %s\nwant %s\ngot  %s", md, want, got);
    free(want);
    free(got);
}

static void test_autolinks_as_the_extension_finds_them(void **state)
{
    (void)state;
    size_t n = sizeof autolink_cases / sizeof *autolink_cases;
    for (size_t i = 0; i < n; i++)
        assert_same_as_reference(autolink_cases[i]);
    /* Each way in at every column of the first sixteen-byte blocks, and across their ends. */
    const char *const starts[] = {"https://example.org/v", "www.example.org/w", "a@example.org",
                                  "[x](https://example.org/y)"};
    for (size_t k = 0; k < sizeof starts / sizeof *starts; k++)
        for (int col = 0; col < 40; col++) {
            struct strbuf md = STRBUF_INIT;
            for (int c = 0; c < col; c++)
                strbuf_addch(&md, c % 7 == 6 ? ' ' : 'q');
            strbuf_addf(&md, " %s end\n", starts[k]);
            assert_same_as_reference(md.buf);
            strbuf_release(&md);
        }
    srand(20261123);
    for (int round = 0; round < 400; round++) {
        struct strbuf md = STRBUF_INIT;
        int parts = 1 + rand() % 4;
        for (int k = 0; k < parts; k++) {
            const char *c = autolink_cases[(size_t)rand() % n];
            /* Whole cases, or a case's first line glued to the next without its newline. */
            if (rand() % 3)
                strbuf_addstr(&md, c);
            else
                strbuf_add(&md, c, strcspn(c, "\n"));
        }
        strbuf_addch(&md, '\n');
        assert_same_as_reference(md.buf);
        strbuf_release(&md);
    }
}

/* util/gfm.c's houdini_escape_html0 writes what the library's own writes, in both modes:
   random texts with every character it escapes, at every position around its blocks. */
static void test_html_escaping_as_the_library(void **state)
{
    (void)state;
    int (*library)(cmark_strbuf *, const uint8_t *, bufsize_t, int) =
        (int (*)(cmark_strbuf *, const uint8_t *, bufsize_t, int))dlsym(RTLD_NEXT,
                                                                        "houdini_escape_html0");
    assert_non_null(library);
    assert_true(library != houdini_escape_html0);
    const char alphabet[] = "\"&<>'/a z\xd0\x9f\x01";
    srand(20261124);
    for (int round = 0; round < 4000; round++) {
        uint8_t text[80];
        bufsize_t len = (bufsize_t)(rand() % 80);
        for (bufsize_t i = 0; i < len; i++)
            text[i] = rand() % 3 ? 'a' + rand() % 26 : (uint8_t)alphabet[rand() % 12];
        if (round < 160 && len) { /* one special byte alone, at each position */
            memset(text, 'x', (size_t)len);
            text[round % len] = (uint8_t) "\"&<>'/"[round % 6];
        }
        for (int secure = 0; secure <= 1; secure++) {
            cmark_strbuf want, got;
            cmark_strbuf_init(cmark_get_default_mem_allocator(), &want, 0);
            cmark_strbuf_init(cmark_get_default_mem_allocator(), &got, 0);
            cmark_strbuf_puts(&want, "prefix ");
            cmark_strbuf_puts(&got, "prefix ");
            assert_int_equal(library(&want, text, len, secure), 1);
            assert_int_equal(houdini_escape_html0(&got, text, len, secure), 1);
            if (want.size != got.size || memcmp(want.ptr, got.ptr, (size_t)want.size))
                fail_msg("round %d, secure %d: want %.*s got %.*s", round, secure, (int)want.size,
                         want.ptr, (int)got.size, got.ptr);
            cmark_strbuf_free(&want);
            cmark_strbuf_free(&got);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_footnotes),
        cmocka_unit_test(test_code_fence_language),
        cmocka_unit_test(test_strikethrough_and_autolink),
        cmocka_unit_test(test_raw_html_escaped),
        cmocka_unit_test(test_dangerous_links_dropped),
        cmocka_unit_test(test_raw_html_allowed_but_filtered),
        cmocka_unit_test(test_threads_keep_autolinks),
        cmocka_unit_test(test_autolinks_as_the_extension_finds_them),
        cmocka_unit_test(test_html_escaping_as_the_library),
    };
    return cmocka_run_group_tests_name("markdown", tests, NULL, teardown);
}
