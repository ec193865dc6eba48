/*
 * allow_raw_html: the allowlist that raw HTML goes through (site/markdown.c),
 * and markdown_url_is_safe. The hostile corpus in tests/xss/ is the end-to-end
 * test (browser_xss, cli_test_xss_escaping); these pin down the rules.
 */
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

static char *raw(const char *md)
{
    struct strbuf out = STRBUF_INIT;
    assert_int_equal(markdown_to_html(md, strlen(md), true, &out), 0);
    return strbuf_detach(&out, NULL);
}

static void test_url_is_safe(void **state)
{
    (void)state;
    const char *safe[] = {"https://example.org/",
                          "HTTP://example.org",
                          "mailto:a@example.org",
                          "../x.html",
                          "#fn-1",
                          "//example.org/x",
                          "x.html?a=b:c",
                          "tel:+1234",
                          "java%09script:alert(1)",
                          ""};
    for (size_t i = 0; i < sizeof safe / sizeof *safe; i++)
        if (!markdown_url_is_safe(safe[i], false))
            fail_msg("'%s' should be safe", safe[i]);
    const char *unsafe[] = {"javascript:alert(1)", "JaVaScRiPt:alert(1)",
                            " \x01javascript:x",   "java\tscript:x",
                            "java\nscript:x",      "vbscript:x",
                            "data:text/html,x",    "file:///etc/passwd",
                            "livescript:x",        "data:image/svg+xml;base64,AA"};
    for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++)
        if (markdown_url_is_safe(unsafe[i], true))
            fail_msg("'%s' should be unsafe", unsafe[i]);
    assert_true(markdown_url_is_safe("data:image/png;base64,AA", true));
    assert_true(markdown_url_is_safe("DATA:image/GIF,x", true));
    assert_false(markdown_url_is_safe("data:image/pngx,AA", true));
    assert_false(markdown_url_is_safe("data:image/png;base64,AA", false));
}

static void test_allowed_kept_rest_shown_as_text(void **state)
{
    (void)state;
    char *html = raw("<p title=\"t\" class=\"c\" style=\"color:red\" onclick=\"x()\">A <em>b</em> "
                     "<abbr title=\"x\">OECD</abbr></p>\n\n<script>alert(1)</script>\n\n"
                     "<iframe src=\"https://example.org\"></iframe>\n");
    assert_contains(html, "<p title=\"t\">A <em>b</em> <abbr title=\"x\">OECD</abbr></p>");
    assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assert_contains(html, "&lt;iframe src=\"https://example.org\"&gt;&lt;/iframe&gt;");
    assert_lacks(html, "onclick");
    assert_lacks(html, "style=");
    assert_lacks(html, "<script");
    assert_lacks(html, "<iframe");
    free(html);
}

static void test_urls_in_html_and_markdown(void **state)
{
    (void)state;
    char *html =
        raw("<p><a href=\"&#106;avascript&#x3A;alert(1)\">e</a> "
            "<a href=\"java&Tab;script:alert(1)\">t</a> "
            "<a href=\"javascript&colon;alert(1)\">c</a> <a href=\"a&zzz;b\">z</a> "
            "<a href='https://example.org/?a=1&amp;b=\"2\"'>ok</a> "
            "<img src=\"data:image/png;base64,AA\" alt=\"p\"> "
            "<img src=\"files/f.png\" alt=\"f\"> <img src=\"HTTPS://h.test/a.png\" alt=\"a\"> "
            "<img src=\"//h.test/b.png\" alt=\"b\"> <img src=\"&#47;c.png\" alt=\"c\"> "
            "<img src=\"\\\\h.test\\d.png\" alt=\"d\"></p>\n\n"
            "[m](javascript:alert(1)) ![i](vbscript:x) <javascript:alert(1)>\n");
    assert_contains(html, "<a>e</a>");
    assert_contains(html, "<a>t</a>");
    assert_contains(html, "<a>c</a>");
    /* An entity the sanitiser does not decode is written back as text, as the browser reads it. */
    assert_contains(html, "<a href=\"a&amp;zzz;b\">z</a>");
    assert_contains(html, "<a href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\">ok</a>");
    assert_contains(html, "<img src=\"data:image/png;base64,AA\" alt=\"p\">");
    /* A raw img loads an attachment or raster data, never from another site or path. */
    assert_contains(html, "<img src=\"files/f.png\" alt=\"f\">");
    assert_contains(html, "<img alt=\"a\"> <img alt=\"b\"> <img alt=\"c\"> <img alt=\"d\">");
    assert_contains(html, "<a href=\"\">m</a>");
    assert_contains(html, "<img src=\"\" alt=\"i\" />");
    /* The autolink's text stays; no URL does. */
    assert_contains(html, "<a href=\"\">javascript:alert(1)</a>");
    assert_lacks(html, "=\"javascript:");
    assert_lacks(html, "vbscript:");
    free(html);
}

static void test_comments_end_tags_and_cut_tags(void **state)
{
    (void)state;
    /* "<!-->" ends a comment at once, as the tokenizer has it: what follows is a tag. */
    char *html = raw("<!--><img src=x onerror=alert(1)>-->\n\n</div></article>x\n\n"
                     "<div title=\"\n");
    assert_contains(html, "<img src=\"x\">--&gt;");
    assert_lacks(html, "onerror");
    assert_lacks(html, "<!--");
    /* An end tag of an element the text did not open is dropped: the page's own stay open. */
    assert_lacks(html, "</div>");
    assert_lacks(html, "</article>");
    /* A tag cut off by the end of its block is text, not the start of an attribute. */
    assert_contains(html, "&lt;div title=\"");
    free(html);
}

static void test_foreign_and_raw_text_elements(void **state)
{
    (void)state;
    char *html = raw("<svg onload=\"alert(1)\"><script>alert(2)</script></svg>\n\n"
                     "<math><mtext><table><mglyph><style><img src=x onerror=alert(3)></style>"
                     "</mglyph></table></mtext></math>\n\n"
                     "<textarea><img src=x onerror=alert(4)></textarea>\n");
    assert_lacks(html, "<svg");
    assert_lacks(html, "<math");
    assert_lacks(html, "<style");
    assert_lacks(html, "<textarea");
    assert_lacks(html, "onerror");
    assert_contains(html, "<img src=\"x\">&lt;/textarea&gt;");
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
        cmocka_unit_test(test_url_is_safe),
        cmocka_unit_test(test_allowed_kept_rest_shown_as_text),
        cmocka_unit_test(test_urls_in_html_and_markdown),
        cmocka_unit_test(test_comments_end_tags_and_cut_tags),
        cmocka_unit_test(test_foreign_and_raw_text_elements),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
