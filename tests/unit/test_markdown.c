/* Markdown rendering: the GFM features articles use, and what must never pass through. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "site/markdown.h"
#include "util/strbuf.h"

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
    };
    return cmocka_run_group_tests_name("markdown", tests, NULL, teardown);
}
