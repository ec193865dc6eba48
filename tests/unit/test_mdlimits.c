/* The Markdown limits (util/mdlimits.c): each pathological shape is refused at its line and
 * column with the journal.yaml key, ordinary Markdown near it is not, and each limit is the
 * caller's to set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/error.h"
#include "util/mdlimits.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct md_limits limits;

static int setup(void **state)
{
    (void)state;
    md_limits_default(&limits, 2u * 1024 * 1024);
    limits.max_nesting_depth = 8;
    limits.max_line_length = 200;
    limits.max_table_cells = 100;
    limits.max_footnotes = 5;
    limits.max_link_definitions = 5;
    limits.max_link_expansion = 1000;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    error_clear();
    return 0;
}

static int check(const char *text)
{
    error_clear();
    return md_limits_check(text, strlen(text), &limits, "ms.md", 10);
}

static void expect_ok(const char *text)
{
    if (check(text))
        fail_msg("refused:\n%s\n%s", text, error_message());
}

/* Refused, with "ms.md:LINE:COLUMN: " and the key in the message. */
static void expect_refused(const char *text, const char *where, const char *key)
{
    int rc = check(text);
    if (rc != JOURNAL_EINPUT || !strstr(error_message(), where) || !strstr(error_message(), key) ||
        !strstr(error_message(), "journal.yaml"))
        fail_msg("expected %s at %s, got rc=%d: %s", key, where, rc, rc ? error_message() : "");
}

static char *repeat(const char *s, size_t n, const char *tail)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_addstr(&sb, s);
    strbuf_addstr(&sb, tail);
    return strbuf_detach(&sb, NULL);
}

static void test_block_nesting(void **state)
{
    (void)state;
    expect_ok(">>>>>>>> eight\n");
    expect_refused(">>>>>>>>> nine\n", "ms.md:10:1: ", "max_nesting_depth: 8");
    expect_ok("> > > > > > > > eight\n");
    expect_refused("text\n\n- - - - - - - - - nine\n", "ms.md:12:1: ", "max_nesting_depth");
    /* Lists nest by indentation: line k is k levels deep. */
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 9; i++)
        strbuf_addf(&sb, "%*s- item\n", 2 * i, "");
    expect_refused(sb.buf, "ms.md:18:1: ", "max_nesting_depth");
    strbuf_release(&sb);
    /* A "\r" alone ends a line too, as in cmark-gfm; "\r\n" is one line end. */
    expect_refused("text - - - - \r- - - - - - - - - nine\n", "ms.md:11:1: ", "max_nesting_depth");
    expect_refused("a\r\n\r\n\n>>>>>>>>> nine\r\n", "ms.md:13:1: ", "max_nesting_depth");
    /* A footnote's definition is a block holding blocks. */
    expect_ok("[^1]: > > > > > > > seven\n");
    expect_refused("[^1]: > > > > > > > > eight\n", "ms.md:10:1: ", "max_nesting_depth");
    /* Rules are not lists, and code is not Markdown. */
    expect_ok("* * * * * * * * * * * * * * * *\n");
    expect_ok("```\n>>>>>>>>>>>>>>>>>>>> code\n```\n");
    expect_ok("- item\n\n  ```\n  - - - - - - - - - - - code\n  ```\n");
}

static void test_fence_ends_with_its_container(void **state)
{
    (void)state;
    /* The fence opened in a quote ends with the quote: what follows is Markdown again. */
    expect_refused("> ```\n> code\n\n>>>>>>>>> nine\n", "ms.md:13:1: ", "max_nesting_depth");
    expect_refused("- ```\n  code\n\n>>>>>>>>> nine\n", "ms.md:13:1: ", "max_nesting_depth");
    /* Not fences: backticks in a backtick fence's info string (a code span), a fence
       indented 4 or more (text after a paragraph, or indented code). */
    expect_refused("``` a ``` b\n>>>>>>>>> nine\n", "ms.md:11:1: ", "max_nesting_depth");
    expect_refused("a\n    ```\n>>>>>>>>> nine\n", "ms.md:12:1: ", "max_nesting_depth");
    expect_refused("- a\n\n      ```\n>>>>>>>>> nine\n", "ms.md:13:1: ", "max_nesting_depth");
    expect_ok("~~~ a ``` b\n>>>>>>>>> nine\n");
    expect_ok("- a\n  - b\n\n    ```\n    >>>>>>>>> code\n    ```\n");
    /* An unclosed top-level fence runs to the end, as in cmark-gfm. */
    expect_ok("```\n>>>>>>>>> nine\n");
}

static void test_inline_nesting(void **state)
{
    (void)state;
    expect_ok("********a********\n");
    expect_refused("*********a*********\n", "ms.md:10:9: ", "max_nesting_depth");
    expect_refused("[[[[[[[[[a\n", "ms.md:10:9: ", "max_nesting_depth");
    expect_refused("*a *b *c *d\n*e *f *g *h *i\n", "ms.md:11:13: ", "max_nesting_depth");
    /* Closed as they go, or cut by a blank line, or escaped, or in code: no depth. */
    char *many = repeat("[a] *b* **c**\n", 30, "");
    expect_ok(many);
    free(many);
    expect_ok("*a *b *c *d\n\n*e *f *g *h *i\n");
    /* A run of backticks that nothing closes is text: what follows it counts. */
    expect_refused("`` [[[[[[[[[a\n", "ms.md:10:", "max_nesting_depth");
    expect_refused("`a`` [[[[[[[[[a\n", "ms.md:10:", "max_nesting_depth");
    expect_ok("`` [[[[[[[[[a ``\n");
    expect_ok("\\[\\[\\[\\[\\[\\[\\[\\[\\[\\[ `[[[[[[[[[[` snake_case_name_with_many_parts\n");
}

static void test_line_length(void **state)
{
    (void)state;
    char *line = repeat("x", 200, "\n");
    expect_ok(line);
    free(line);
    line = repeat("x", 201, "\r\n");
    expect_refused(line, "ms.md:10:201: ", "max_line_length: 200");
    free(line);
}

static void test_table_cells(void **state)
{
    (void)state;
    /* Short rows are padded to the header's width: 10 columns, 8 rows are 100 cells. */
    char *table = repeat("x\n", 8, "");
    struct strbuf text = STRBUF_INIT;
    strbuf_addf(&text, "|a|b|c|d|e|f|g|h|i|j|\n|-|-|-|-|-|-|-|-|-|-|\n%s", table);
    expect_ok(text.buf);
    strbuf_addstr(&text, "x\n");
    expect_refused(text.buf, "ms.md:20:1: ", "max_table_cells: 100");
    strbuf_release(&text);
    free(table);
    /* A heading ends a narrow table and a wide one starts at once. */
    table = repeat("x\n", 8, "");
    strbuf_addf(&text, "|a|\n|-|\n# h\n|a|b|c|d|e|f|g|h|i|j|\n|-|-|-|-|-|-|-|-|-|-|\n%sx\n", table);
    expect_refused(text.buf, "ms.md:22:1: ", "max_table_cells");
    strbuf_release(&text);
    free(table);
    /* A blank line ends a table; a line of dashes without a header with '|' is no table. */
    expect_ok("a\n---\n"
              "x\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\n");
}

static void test_footnotes_and_definitions(void **state)
{
    (void)state;
    expect_ok("[^1]: a\n[^2]: b\n[^3]: c\n[^4]: d\n[^5]: e\n");
    expect_refused("[^1]: a\n[^2]: b\n[^3]: c\n[^4]: d\n[^5]: e\n[^6]: f\n",
                   "ms.md:15:1: ", "max_footnotes: 5");
    expect_refused("[a]: /a\n[b]: /b\n[c]: /c\n[d]: /d\n[e]: /e\n[f]: /f\n",
                   "ms.md:15:1: ", "max_link_definitions: 5");
}

static void test_link_expansion(void **state)
{
    (void)state;
    /* A 100-byte definition used 9 times may repeat 900 bytes; 11 times, 1,100. */
    char *def = repeat("x", 94, "\n\n");
    struct strbuf text = STRBUF_INIT;
    strbuf_addf(&text, "[a]: /%s[a] [a] [a] [a] [a] [a] [a] [a] [a]\n", def);
    expect_ok(text.buf);
    strbuf_addstr(&text, "[a] [a]\n");
    expect_refused(text.buf, "ms.md:10:1: ", "max_link_expansion: 1000");
    strbuf_release(&text);
    free(def);
    /* Inline links repeat nothing. */
    char *inline_links = repeat("[a](/b) ", 20, "\n[a]: /b\n");
    expect_ok(inline_links);
    free(inline_links);
}

static void test_markup(void **state)
{
    (void)state;
    limits.max_markup = 16;
    /* Each line is one, and so is each marker, emphasis run, code span, escape and each of
       [ ] < ! & : w. */
    expect_ok("- a\n- b\n- c\n- d\n- e\n\n*x* [y] `z`\n");
    expect_refused("- a\n- b\n- c\n- d\n- e\n\n*x* [y] `z` <w>\n",
                   "ms.md:16:13: ", "max_markup: 16");
    char *lines = repeat("a\n", 17, "");
    expect_refused(lines, "ms.md:26:1: ", "max_markup");
    free(lines);
    lines = repeat("w", 17, "\n");
    expect_refused(lines, "ms.md:10:16: ", "max_markup");
    free(lines);
    /* A code block is one text. */
    expect_ok("```\n*a* *a* *a* *a* *a* *a* *a* *a* *a* *a* *a* *a*\n```\n");
    limits.max_markup = MD_LIMITS_DEFAULT_MARKUP;
}

/* Every byte the scan stops at is found wherever it sits in a line (in its blocks of
 * sixteen bytes or in the tail read one at a time), and no other byte is counted. Column 1
 * is left out: a '>' there opens a block quote. */
static void test_markup_bytes_anywhere_in_a_line(void **state)
{
    (void)state;
    limits.max_markup = 1; /* the line itself */
    for (int c = 1; c < 256; c++) {
        if (c == '\n' || c == '\r')
            continue;
        bool markup = strchr("\\`[]*_~<!&:w", c) != NULL;
        for (size_t at = 1; at < 63; at++) {
            char line[64];
            memset(line, 'a', sizeof(line));
            line[at] = (char)c;
            line[sizeof(line) - 1] = '\0';
            int rc = check(line);
            if (rc != (markup ? JOURNAL_EINPUT : 0))
                fail_msg("byte 0x%02x at column %zu: rc=%d %s", c, at + 1, rc,
                         rc ? error_message() : "");
        }
    }
    limits.max_markup = MD_LIMITS_DEFAULT_MARKUP;
}

/* Many stops in a block, blocks that end a line and lines shorter than a block: the scan
   reuses what it found in a block of sixteen bytes only within the line, and counts each
   markup byte once. Each line and each of '<', '!', '&', ':', 'w' is one part of markup. */
static void test_markup_counted_once_across_blocks_and_lines(void **state)
{
    (void)state;
    const char specials[] = "<!&:w";
    srand(20261123);
    for (int round = 0; round < 300; round++) {
        char text[2048];
        size_t len = 0, expected = 0;
        int lines = 1 + rand() % 12;
        for (int k = 0; k < lines; k++) {
            int n = 1 + rand() % 70;
            expected++;
            for (int i = 0; i < n; i++) {
                bool special = rand() % 4 == 0;
                text[len++] = special ? specials[rand() % 5] : 'a';
                expected += special;
            }
            text[len++] = '\n';
        }
        text[len] = '\0';
        limits.max_markup = expected;
        if (check(text))
            fail_msg("round %d: refused with %zu parts of markup: %s", round, expected,
                     error_message());
        limits.max_markup = expected - 1;
        if (check(text) != JOURNAL_EINPUT)
            fail_msg("round %d: %zu parts of markup let through with a limit of %zu", round,
                     expected, expected - 1);
    }
    limits.max_markup = MD_LIMITS_DEFAULT_MARKUP;
}

static void test_defaults_let_articles_in(void **state)
{
    (void)state;
    struct md_limits defaults;
    md_limits_default(&defaults, 1000);
    assert_int_equal(defaults.max_size, 1000);
    assert_int_equal(defaults.max_nesting_depth, MD_LIMITS_DEFAULT_NESTING_DEPTH);
    const char *article = "# Title\n\nText with *em*, **strong** and [a link](/x).[^n]\n\n"
                          "- a\n  - b\n    1. c\n\n> quote\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                          "[^n]: A note.\n";
    error_clear();
    assert_int_equal(md_limits_check(article, strlen(article), &defaults, "a.md", 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_nesting),
        cmocka_unit_test(test_fence_ends_with_its_container),
        cmocka_unit_test(test_inline_nesting),
        cmocka_unit_test(test_line_length),
        cmocka_unit_test(test_table_cells),
        cmocka_unit_test(test_footnotes_and_definitions),
        cmocka_unit_test(test_link_expansion),
        cmocka_unit_test(test_markup),
        cmocka_unit_test(test_markup_bytes_anywhere_in_a_line),
        cmocka_unit_test(test_markup_counted_once_across_blocks_and_lines),
        cmocka_unit_test(test_defaults_let_articles_in),
    };
    return cmocka_run_group_tests_name("mdlimits", tests, setup, teardown);
}
