/* Markdown rendering: the GFM features articles use, and what must never pass through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "site/markdown.h"
#include "util/strbuf.h"

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

static void *render_many(void *arg)
{
    const char *md = arg;
    size_t failures = 0;
    for (int d = 0; d < DOCUMENTS; d++) {
        struct strbuf out = STRBUF_INIT;
        if (markdown_to_html(md, strlen(md), false, &out) ||
            count(out.buf, "<a href=\"https://example.org/p") != PARAGRAPHS ||
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
    char *md = many_links();
    markdown_prepare();
#ifdef EXPECT_PARSES_TAKE_TURNS
    assert_true(markdown_parses_take_turns());
#else
    assert_false(markdown_parses_take_turns());
#endif
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&threads[t], NULL, render_many, md), 0);
    uintptr_t failures = 0;
    for (int t = 0; t < THREADS; t++) {
        void *r;
        assert_int_equal(pthread_join(threads[t], &r), 0);
        failures += (uintptr_t)r;
    }
    assert_int_equal(failures, 0);
    free(md);
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
    };
    return cmocka_run_group_tests_name("markdown", tests, NULL, teardown);
}
