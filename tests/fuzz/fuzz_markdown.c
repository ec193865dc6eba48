/*
 * Markdown alone, as build-site renders article bodies, abstracts and pages: the
 * first byte chooses whether raw HTML is allowed (journal.yaml's allow_raw_html).
 *
 * In-text citations ([@a, p. 1], @b, [-@c; see @d]) are resolved against a small reference
 * list, as an article's body is, before the HTML is rendered.
 *
 * Then the limits of util/mdlimits.c are held to what they promise: a text they let
 * through (with small limits) must give cmark-gfm a tree no deeper, no bigger and an
 * HTML no longer than the limits allow; otherwise the scan missed a shape, and the
 * target aborts.
 */
#include "fuzz_common.h"

#include "model/reference.h"
#include "site/markdown.h"
#include "util/arena.h"
#include "util/mdlimits.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <string.h>

#include <cmark-gfm.h>

#define DEPTH  8
#define MARKUP 300
#define CELLS  300

/* Keys to cite: one author, two, three (et al.), an organisation, none; two of one year. */
static struct csl_name one[] = {{"Evans", "Peter", NULL}};
static struct csl_name two[] = {{"Evans", "Peter", NULL}, {"Rauch", "James", NULL}};
static struct csl_name three[] = {{"A", NULL, NULL}, {"B", NULL, NULL}, {"\xd0\x98", NULL, NULL}};
static struct csl_name org[] = {{NULL, NULL, "OECD"}};
static struct reference items[] = {
    {.id = "a", .title = "T", .authors = one, .nauthors = 1, .year = 1999},
    {.id = "b", .title = "U", .authors = one, .nauthors = 1, .year = 1999},
    {.id = "c", .authors = two, .nauthors = 2},
    {.id = "d", .authors = three, .nauthors = 3, .year = 2001},
    {.id = "e", .authors = org, .nauthors = 1, .issued_literal = "in press"},
    {.id = "f", .title = "<script>"},
};
static const struct reference_list refs = {items, sizeof items / sizeof *items};

static void shutdown_markdown(void)
{
    markdown_shutdown();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    markdown_prepare();
    atexit(shutdown_markdown);
    return 0;
}

static size_t node_depth(cmark_node *n)
{
    size_t d = 0;
    for (; n; n = cmark_node_parent(n))
        d++;
    return d;
}

static void check_within_limits(const char *text, size_t len, bool raw)
{
    struct md_limits l;
    md_limits_default(&l, 1u << 20);
    l.max_nesting_depth = DEPTH;
    l.max_markup = MARKUP;
    l.max_table_cells = CELLS;
    l.max_footnotes = 50;
    l.max_link_definitions = 50;
    l.max_link_expansion = 1u << 16;
    /* Manuscripts reach the scan as UTF-8 without NUL bytes (manuscript_parse refuses
       others); cmark-gfm reads an invalid byte with the line end after it. */
    size_t bad;
    if (!utf8_validate(text, len, &bad) || memchr(text, '\0', len) ||
        md_limits_check(text, len, &l, "fuzz.md", 1))
        return;

    struct arena_mark mark = arena_mark();
    struct markdown_doc doc;
    if (markdown_parse(text, len, raw, &doc) == 0) {
        size_t nodes = 0, depth = 0;
        cmark_iter *it = cmark_iter_new(doc.root);
        cmark_event_type ev;
        while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
            if (ev != CMARK_EVENT_ENTER)
                continue;
            cmark_node *n = cmark_iter_get_node(it);
            nodes++;
            size_t d = node_depth(n);
            if (d > depth)
                depth = d;
        }
        cmark_iter_free(it);
        /* A list level is two nodes (list, item); a table three (table, row, cell). */
        if (depth > 3 * DEPTH + 8 || nodes > 4 * (MARKUP + CELLS) + 64) {
            fprintf(stderr, "fuzz_markdown: within the limits, but %zu nodes %zu deep\n", nodes,
                    depth);
            abort();
        }
        markdown_cite(&doc, &refs, text[0] == 'r' ? "ru" : "en");
        struct strbuf html = STRBUF_INIT;
        markdown_render_html(&doc, &html);
        if (html.len > 32 * len + l.max_link_expansion + 65536) {
            fprintf(stderr, "fuzz_markdown: within the limits, but %zu bytes of HTML from %zu\n",
                    html.len, len);
            abort();
        }
        strbuf_release(&html);
    }
    arena_release(mark);
    error_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool raw = data[0] & 1;
    const char *text = (const char *)data + 1;
    struct strbuf html = STRBUF_INIT;
    error_clear();
    markdown_to_html(text, size - 1, raw, &html);
    strbuf_release(&html);
    check_within_limits(text, size - 1, raw);
    error_clear();
    return 0;
}
