#ifndef JOURNAL_SITE_MARKDOWN_H
#define JOURNAL_SITE_MARKDOWN_H

#include "util/arena.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

struct cmark_node;
struct cmark_parser;

/*
 * Markdown to HTML with cmark-gfm and the extensions articles need: tables,
 * footnotes, autolinks and strikethrough. Unless allow_raw_html is set, raw
 * HTML in the text is shown as text (escaped), never passed through, and link
 * destinations such as javascript: are dropped (cmark-gfm's safe mode). With
 * allow_raw_html, raw HTML passes through an allowlist (markdown.c: prose and
 * table elements, a few attributes such as title, lang, href and src, no
 * script, style, svg, math, iframe, object, embed, form, meta, base, event
 * handlers, style or class attributes); other tags are shown as text, comments
 * dropped, and link and image URLs of the HTML and of the Markdown must pass
 * markdown_url_is_safe, else they are dropped.
 */
int markdown_to_html(const char *text, size_t len, bool allow_raw_html, struct strbuf *out);

/*
 * The same in two steps, for a text that is rendered more than once (an
 * article's body as HTML and as JATS): root is the parsed document after the
 * treatment above (raw HTML turned into text unless allowed), which other
 * renderers may walk but not change.
 *
 * A document lives in the calling thread's arena (util/arena.h), and so do the
 * strings cmark-gfm makes from it later (cmark_node_get_literal): take an
 * arena_mark() before parsing and arena_release() it when done with the
 * documents parsed since; there is nothing else to free. Use a document on its
 * own thread only.
 */
struct markdown_doc {
    struct cmark_node *root;
    struct cmark_parser *parser; /* its extensions are needed to render */
    int options;
};
int markdown_parse(const char *text, size_t len, bool allow_raw_html, struct markdown_doc *doc);
/*
 * Replace the document's in-text citations ([@key], @key: model/cite.h) by their APA form
 * linked to the reference list's entries (export/intext.h). Before rendering; the JATS
 * writer reads the same links as xref.
 */
struct reference_list;
void markdown_cite(struct markdown_doc *doc, const struct reference_list *refs, const char *lang);

/* Call fn with the URL of each image of the document (![alt](URL), and with raw HTML allowed
   each <img src> the page keeps), in the text's order. */
void markdown_each_image(const struct markdown_doc *doc, void (*fn)(const char *url, void *arg),
                         void *arg);
/* Append the document's HTML to out. */
void markdown_render_html(const struct markdown_doc *doc, struct strbuf *out);

/*
 * Whether a link (image false) or image (true) URL may be kept: relative, or
 * http, https, mailto, ftp or tel, read as a browser reads it (tab and newline
 * removed, leading control characters and spaces skipped, the scheme in any
 * case); an image may also be a PNG, GIF, JPEG or WebP data: URL.
 */
bool markdown_url_is_safe(const char *url, bool image);

/* Register cmark-gfm's extensions: once, before threads render Markdown in parallel. */
void markdown_prepare(void);
/* Release cmark-gfm's global extension registry and this thread's arena (once, at exit). */
void markdown_shutdown(void);

#endif
