#include "site/markdown.h"

#include "util/alloc.h"
#include "util/error.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdlib.h>

/* Exported by libcmark-gfm but declared only in its internal registry.h. */
void cmark_release_plugins(void);
#include <string.h>

static const char *const extensions[] = {"table", "strikethrough", "autolink", "tagfilter"};

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
        cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
        const char *literal = cmark_node_get_literal(node);
        if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
            size_t len = literal ? strlen(literal) : 0;
            while (len && literal[len - 1] == '\n')
                len--;
            char *trimmed = xstrndup(literal ? literal : "", len);
            cmark_node_set_literal(text, trimmed);
            free(trimmed);
            cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
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

int markdown_to_html(const char *text, size_t len, bool allow_raw_html, struct strbuf *out)
{
    cmark_gfm_core_extensions_ensure_registered();
    /* Code fences name their language as <code class="language-x">: <pre lang> is not HTML. */
    int options = CMARK_OPT_FOOTNOTES;
    if (allow_raw_html)
        options |= CMARK_OPT_UNSAFE;
    cmark_parser *parser = cmark_parser_new(options);
    if (!parser)
        return error_internal("cannot create the Markdown parser");
    for (size_t i = 0; i < sizeof(extensions) / sizeof(*extensions); i++) {
        /* tagfilter only matters when raw HTML is let through. */
        if (!allow_raw_html && !strcmp(extensions[i], "tagfilter"))
            continue;
        cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
        if (!ext) {
            cmark_parser_free(parser);
            return error_internal("cmark-gfm has no '%s' extension", extensions[i]);
        }
        cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, text, len);
    cmark_node *doc = cmark_parser_finish(parser);
    if (!doc) {
        cmark_parser_free(parser);
        return error_internal("cannot parse Markdown");
    }
    if (!allow_raw_html)
        escape_raw_html(doc);
    char *html = cmark_render_html(doc, options, cmark_parser_get_syntax_extensions(parser));
    strbuf_addstr(out, html);
    free(html);
    cmark_node_free(doc);
    cmark_parser_free(parser);
    return 0;
}

void markdown_shutdown(void)
{
    cmark_release_plugins();
}
