#include "site/markdown.h"

#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <stdlib.h>

/* Exported by libcmark-gfm but declared only in its internal registry.h. */
void cmark_release_plugins(void);
#include <string.h>

static const char *const extensions[] = {"table", "strikethrough", "autolink", "tagfilter"};

/*
 * cmark-gfm allocates every node, literal and buffer on its own: for a long
 * article that is tens of thousands of malloc and free calls, more time than
 * the parse. The thread's arena hands them out by bumping a pointer and takes
 * them back all at once (the caller's arena_release). It is per thread, unlike
 * cmark_get_arena_mem_allocator(), which is one global arena that threads
 * rendering articles at once would share without a lock. Sanitizer builds use
 * it too, rather than malloc: it poisons what it has not handed out, so
 * AddressSanitizer still sees overflows and uses of cmark's memory after cmark
 * freed it or the caller released it, and the tests run the code that releases
 * run. What it cannot see is a leak inside cmark, which the arena makes
 * harmless: a release takes back everything.
 */
static cmark_mem arena_mem = {arena_calloc, arena_realloc, arena_free};

/*
 * cmark-gfm without CMARK_OPT_UNSAFE drops raw HTML and leaves a comment; a
 * journal would rather show what the author wrote, so turn HTML nodes into
 * text nodes that the renderer escapes.
 */
static void escape_raw_html(cmark_node *doc)
{
    cmark_node **found = NULL;
    size_t n = 0, alloc = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        if (ev == CMARK_EVENT_ENTER &&
            (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE)) {
            ARRAY_GROW(found, n + 1, alloc);
            found[n++] = node;
        }
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < n; i++) {
        cmark_node *node = found[i];
        /* The document's own allocator: the nodes go with the document. */
        cmark_node *text = cmark_node_new_with_mem(CMARK_NODE_TEXT, &arena_mem);
        const char *literal = cmark_node_get_literal(node);
        if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
            size_t len = literal ? strlen(literal) : 0;
            while (len && literal[len - 1] == '\n')
                len--;
            char *trimmed = xstrndup(literal ? literal : "", len);
            cmark_node_set_literal(text, trimmed);
            free(trimmed);
            cmark_node *para = cmark_node_new_with_mem(CMARK_NODE_PARAGRAPH, &arena_mem);
            cmark_node_append_child(para, text);
            cmark_node_replace(node, para);
        } else {
            cmark_node_set_literal(text, literal ? literal : "");
            cmark_node_replace(node, text);
        }
        cmark_node_free(node);
    }
    free(found);
}

void markdown_prepare(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

int markdown_parse(const char *text, size_t len, bool allow_raw_html, struct markdown_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    cmark_gfm_core_extensions_ensure_registered();
    /* Code fences name their language as <code class="language-x">: <pre lang> is not HTML. */
    int options = CMARK_OPT_FOOTNOTES;
    if (allow_raw_html)
        options |= CMARK_OPT_UNSAFE;
    /* On failure the caller's arena_release takes back what the parser had. */
    cmark_parser *parser = cmark_parser_new_with_mem(options, &arena_mem);
    if (!parser)
        return error_internal("cannot create the Markdown parser");
    for (size_t i = 0; i < sizeof(extensions) / sizeof(*extensions); i++) {
        /* tagfilter only matters when raw HTML is let through. */
        if (!allow_raw_html && !strcmp(extensions[i], "tagfilter"))
            continue;
        cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
        if (!ext)
            return error_internal("cmark-gfm has no '%s' extension", extensions[i]);
        cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, text, len);
    cmark_node *root = cmark_parser_finish(parser);
    if (!root)
        return error_internal("cannot parse Markdown");
    /* Raw HTML starts with '<': most articles have none, and need no walk to find it. */
    if (!allow_raw_html && len && memchr(text, '<', len))
        escape_raw_html(root);
    *doc = (struct markdown_doc){.root = root, .parser = parser, .options = options};
    return 0;
}

void markdown_render_html(const struct markdown_doc *doc, struct strbuf *out)
{
    char *html =
        cmark_render_html(doc->root, doc->options, cmark_parser_get_syntax_extensions(doc->parser));
    /* Out of the arena before the caller releases it. */
    strbuf_addstr(out, html);
    arena_free(html);
}

int markdown_to_html(const char *text, size_t len, bool allow_raw_html, struct strbuf *out)
{
    struct arena_mark mark = arena_mark();
    struct markdown_doc doc;
    int rc = markdown_parse(text, len, allow_raw_html, &doc);
    if (!rc)
        markdown_render_html(&doc, out);
    arena_release(mark);
    return rc;
}

void markdown_shutdown(void)
{
    cmark_release_plugins();
    arena_thread_cleanup();
}
