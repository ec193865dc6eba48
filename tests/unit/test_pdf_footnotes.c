/*
 * The galley's footnotes (site_pdf_footnotes, src/site/pdf.c): cmark-gfm's notes, gathered at
 * the end of the body, each moved to where it is first called, as the span the print
 * stylesheet floats to the foot of the page; its backlink dropped, its paragraphs run
 * together, a list inside it kept whole; the notes' section gone when every note was called,
 * kept when one was not; a body without notes unchanged.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "site/build.h"
#include "util/strbuf.h"

#include <string.h>

static char *moved(const char *html)
{
    struct strbuf out = STRBUF_INIT;
    site_pdf_footnotes(html, &out);
    return strbuf_detach(&out, NULL);
}

#define CALL(n)                                                                                    \
    "<sup class=\"footnote-ref\"><a href=\"#fn-" n "\" id=\"fnref-" n "\" data-footnote-ref>" n    \
    "</a></sup>"
#define BACK(n)                                                                                    \
    " <a href=\"#fnref-" n "\" class=\"footnote-backref\" data-footnote-backref "                  \
    "aria-label=\"Back to content\">↩</a>"

static void test_notes_move_to_their_calls(void **state)
{
    (void)state;
    char *out = moved("<p>One" CALL("1") " and two" CALL(
        "2") ".</p>\n"
             "<section class=\"footnotes\" data-footnotes>\n<ol>\n"
             "<li id=\"fn-1\">\n<p>First note." BACK(
                 "1") "</p>\n</li>\n"
                      "<li id=\"fn-2\">\n<p>Second, <em>long</em>.</p>\n<p>Its second "
                      "paragraph." BACK("2") "</p>\n</li>\n</ol>\n</section>\n");
    assert_string_equal(out, "<p>One<span class=\"footnote\">First note.</span> and two"
                             "<span class=\"footnote\">Second, <em>long</em>. Its second "
                             "paragraph.</span>.</p>\n\n");
    free(out);
}

static void test_a_list_inside_a_note(void **state)
{
    (void)state;
    char *out = moved(
        "<p>A" CALL("x") "</p>\n<section class=\"footnotes\" data-footnotes>\n"
                         "<ol>\n<li id=\"fn-x\">\n<p>See:</p>\n<ul>\n<li>one</li>\n<li>two</li>\n"
                         "</ul>\n<p>End." BACK("x") "</p>\n</li>\n</ol>\n</section>");
    assert_non_null(strstr(out, "<li>one</li>\n<li>two</li>"));
    assert_non_null(strstr(out, "End.</span></p>"));
    assert_null(strstr(out, "footnotes"));
    free(out);
}

static void test_a_note_never_called_keeps_the_section(void **state)
{
    (void)state;
    const char *html = "<p>A" CALL(
        "1") "</p>\n<section class=\"footnotes\" data-footnotes>\n"
             "<ol>\n<li id=\"fn-1\">\n<p>Called." BACK(
                 "1") "</p>\n</li>\n"
                      "<li id=\"fn-2\">\n<p>Never called.</p>\n</li>\n</ol>\n</section>";
    char *out = moved(html);
    assert_non_null(strstr(out, "<span class=\"footnote\">Called.</span>"));
    assert_non_null(strstr(out, "Never called."));
    assert_non_null(strstr(out, "<section class=\"footnotes\""));
    free(out);
}

static void test_no_notes(void **state)
{
    (void)state;
    const char *html = "<p>No notes here, <sup>2</sup>.</p>\n";
    char *out = moved(html);
    assert_string_equal(out, html);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_notes_move_to_their_calls),
        cmocka_unit_test(test_a_list_inside_a_note),
        cmocka_unit_test(test_a_note_never_called_keeps_the_section),
        cmocka_unit_test(test_no_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
