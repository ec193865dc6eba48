#include "site/markdown.h"

#include "export/intext.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/gfm.h"
#include "util/utf8.h"

#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>

/* Exported by libcmark-gfm but declared only in its internal registry.h. */
void cmark_release_plugins(void);
#include <string.h>
#include <strings.h>

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

/*
 * allow_raw_html lets an editor's authors write HTML, not run code in readers'
 * browsers: the raw HTML that cmark-gfm passes through (CMARK_OPT_UNSAFE) goes
 * through an allowlist. Each HTML node's literal is read as the HTML tokenizer
 * reads it and written anew: an allowed start tag with its allowed attributes,
 * each value entity-decoded, checked (URLs) and written escaped in double
 * quotes; an allowed end tag of an element that is open; text with '<' and
 * '>' escaped; any other tag (script, style, iframe, svg, math, form, meta,
 * base, object, embed, textarea, ...) as escaped text, shown as written;
 * comments, doctypes, CDATA and processing instructions dropped; a tag cut
 * off by the end of the node as text. What comes out leaves the tokenizer in
 * its data state with no raw-text or foreign element open, so the pieces cmark
 * puts between the nodes are read as cmark wrote them. Markdown links and
 * images get the same URL check (cmark-gfm keeps javascript: in unsafe mode).
 * It happens when the HTML is rendered (markdown_render_html), which puts the
 * author's text back afterwards for the JATS, which treats raw HTML its own way.
 */
static const char *const allowed_elements[] = {
    "a",    "abbr",   "b",          "bdi",     "bdo", "blockquote", "br",    "caption", "cite",
    "code", "col",    "colgroup",   "dd",      "del", "details",    "dfn",   "div",     "dl",
    "dt",   "em",     "figcaption", "figure",  "h1",  "h2",         "h3",    "h4",      "h5",
    "h6",   "hr",     "i",          "img",     "ins", "kbd",        "li",    "mark",    "ol",
    "p",    "pre",    "q",          "rp",      "rt",  "ruby",       "s",     "samp",    "small",
    "span", "strong", "sub",        "summary", "sup", "table",      "tbody", "td",      "tfoot",
    "th",   "thead",  "time",       "tr",      "u",   "ul",         "var",   "wbr"};
#define NALLOWED (sizeof allowed_elements / sizeof *allowed_elements)

static const char *const void_elements[] = {"br", "col", "hr", "img", "wbr"};

/* "element attribute" pairs, "* attribute" for every element; URLs are href and src. */
static const char *const allowed_attributes[] = {
    "* title",      "* lang",       "* dir",       "a href",        "img src",     "img alt",
    "img width",    "img height",   "td colspan",  "td rowspan",    "th colspan",  "th rowspan",
    "th scope",     "ol start",     "ol reversed", "ol type",       "li value",    "time datetime",
    "del datetime", "ins datetime", "col span",    "colgroup span", "details open"};

static int element_index(const char *name)
{
    for (size_t i = 0; i < NALLOWED; i++)
        if (!strcmp(allowed_elements[i], name))
            return (int)i;
    return -1;
}

static bool is_void(const char *name)
{
    for (size_t i = 0; i < sizeof void_elements / sizeof *void_elements; i++)
        if (!strcmp(void_elements[i], name))
            return true;
    return false;
}

static bool attribute_allowed(const char *element, const char *attr)
{
    for (size_t i = 0; i < sizeof allowed_attributes / sizeof *allowed_attributes; i++) {
        const char *pair = allowed_attributes[i];
        const char *space = strchr(pair, ' ');
        size_t elen = (size_t)(space - pair);
        bool any = elen == 1 && pair[0] == '*';
        if ((any || (strlen(element) == elen && !strncmp(pair, element, elen))) &&
            !strcmp(space + 1, attr))
            return true;
    }
    return false;
}

static bool is_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9');
}

/*
 * An attribute value as the browser reads it: numeric character references
 * and the named ones a URL could hide behind. A named reference left alone is
 * written back with its '&' escaped, so the browser reads the same text.
 */
static void decode_value(const char *s, size_t len, struct strbuf *out)
{
    static const char *const named[][2] = {
        {"amp", "&"},         {"lt", "<"},   {"gt", ">"},       {"quot", "\""},  {"apos", "'"},
        {"nbsp", "\xc2\xa0"}, {"Tab", "\t"}, {"NewLine", "\n"}, {"colon", ":"},  {"sol", "/"},
        {"lpar", "("},        {"rpar", ")"}, {"period", "."},   {"comma", ","},  {"excl", "!"},
        {"quest", "?"},       {"num", "#"},  {"percnt", "%"},   {"equals", "="}, {"plus", "+"}};
    for (size_t i = 0; i < len;) {
        if (s[i] != '&') {
            strbuf_addch(out, s[i++]);
            continue;
        }
        size_t j = i + 1;
        if (j < len && s[j] == '#') {
            bool hex = j + 1 < len && (s[j + 1] == 'x' || s[j + 1] == 'X');
            j += hex ? 2 : 1;
            size_t digits = j;
            uint32_t cp = 0;
            while (j < len &&
                   (hex ? isxdigit((unsigned char)s[j]) : isdigit((unsigned char)s[j]))) {
                if (cp <= 0x10FFFF)
                    cp = cp * (hex ? 16 : 10) +
                         (uint32_t)(isdigit((unsigned char)s[j])
                                        ? s[j] - '0'
                                        : (tolower((unsigned char)s[j]) - 'a' + 10));
                j++;
            }
            if (j == digits) {
                strbuf_addch(out, s[i++]);
                continue;
            }
            if (j < len && s[j] == ';')
                j++;
            if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                cp = 0xFFFD;
            utf8_append(out, cp);
            i = j;
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < sizeof named / sizeof *named && !done; k++) {
            size_t n = strlen(named[k][0]);
            if (j + n < len && !strncmp(s + j, named[k][0], n) && s[j + n] == ';') {
                strbuf_addstr(out, named[k][1]);
                i = j + n + 1;
                done = true;
            }
        }
        if (!done)
            strbuf_addch(out, s[i++]);
    }
}

/*
 * A URL that may be a link or an image: relative, or http, https, mailto, ftp
 * or tel, read as the browser reads it (tab and newline removed, leading
 * control characters and spaces ignored, the scheme in any case); images may
 * also be raster data: URLs.
 */
bool markdown_url_is_safe(const char *url, bool image)
{
    struct strbuf u = STRBUF_INIT;
    const char *p = url;
    while (*p && (unsigned char)*p <= 0x20)
        p++;
    for (; *p; p++)
        if (*p != '\t' && *p != '\n' && *p != '\r')
            strbuf_addch(&u, (char)tolower((unsigned char)*p));
    size_t n = 0;
    if (u.len && is_alpha(u.buf[0]))
        while (n < u.len &&
               (is_alnum(u.buf[n]) || u.buf[n] == '+' || u.buf[n] == '-' || u.buf[n] == '.'))
            n++;
    bool safe = true;
    if (n < u.len && u.buf[n] == ':') {
        static const char *const schemes[] = {"http:", "https:", "mailto:", "ftp:", "tel:"};
        safe = false;
        for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
            if (!strncmp(u.buf, schemes[i], strlen(schemes[i])))
                safe = true;
        static const char *const images[] = {"data:image/png", "data:image/gif", "data:image/jpeg",
                                             "data:image/webp"};
        for (size_t i = 0; image && i < sizeof images / sizeof *images; i++) {
            size_t k = strlen(images[i]);
            if (!strncmp(u.buf, images[i], k) && (u.buf[k] == ';' || u.buf[k] == ','))
                safe = true;
        }
    }
    strbuf_release(&u);
    return safe;
}

struct attribute {
    char name[32];
    const char *value;
    size_t len;
};

/*
 * One tag from s[i] ('<' then a letter, or "</" then a letter), read as the
 * tokenizer does: its name (lower case), its attributes (values still
 * encoded) and where it ends. False when the text ends before its '>'.
 */
static bool read_tag(const char *s, size_t len, size_t i, char *name, size_t name_size,
                     struct attribute *attrs, size_t *nattrs, size_t max_attrs, size_t *end)
{
    size_t j = i + 1 + (s[i + 1] == '/');
    size_t n = 0;
    bool too_long = false;
    while (j < len && !is_html_space(s[j]) && s[j] != '/' && s[j] != '>') {
        if (n + 1 < name_size)
            name[n++] = (char)tolower((unsigned char)s[j]);
        else
            too_long = true;
        j++;
    }
    name[n] = '\0';
    if (too_long) /* longer than any allowed element's name */
        strcpy(name, "?");
    *nattrs = 0;
    for (;;) {
        while (j < len && (is_html_space(s[j]) || s[j] == '/'))
            j++;
        if (j >= len)
            return false;
        if (s[j] == '>') {
            *end = j + 1;
            return true;
        }
        size_t a = j++;
        while (j < len && !is_html_space(s[j]) && s[j] != '/' && s[j] != '>' && s[j] != '=')
            j++;
        size_t alen = j - a;
        while (j < len && is_html_space(s[j]))
            j++;
        const char *value = "";
        size_t vlen = 0;
        if (j < len && s[j] == '=') {
            j++;
            while (j < len && is_html_space(s[j]))
                j++;
            if (j < len && (s[j] == '"' || s[j] == '\'')) {
                char q = s[j++];
                value = s + j;
                while (j < len && s[j] != q)
                    j++;
                if (j >= len)
                    return false;
                vlen = (size_t)(s + j - value);
                j++;
            } else {
                value = s + j;
                while (j < len && !is_html_space(s[j]) && s[j] != '>')
                    j++;
                vlen = (size_t)(s + j - value);
            }
        }
        if (*nattrs < max_attrs) {
            struct attribute *at = &attrs[(*nattrs)++];
            size_t k = 0;
            for (; k < alen && k + 1 < sizeof at->name; k++)
                at->name[k] = (char)tolower((unsigned char)s[a + k]);
            at->name[k] = '\0';
            if (alen >= sizeof at->name)
                at->name[0] = '\0'; /* no allowed attribute has so long a name */
            at->value = value;
            at->len = vlen;
        }
    }
}

struct sanitizer {
    unsigned open[NALLOWED]; /* how many of each element are open */
    /* Called with each img src kept (markdown_each_image), or NULL. */
    void (*on_image)(const char *src, void *arg);
    void *arg;
};

/*
 * An img src of raw HTML that loads nothing from another site: a relative path (not
 * "//host/..." or "/path", which a browser reads as another site's or the server's own, nor
 * "\\host", which it reads as "//") or PNG, GIF, JPEG or WebP data:. Markdown's own images are
 * not held to this (docs/site.md); raw HTML's are, since an attachment is published only
 * from files/ (markdown_each_image) and anything else would have readers' browsers fetch it
 * from wherever the author chose.
 */
static bool image_is_local(const char *url)
{
    if (!markdown_url_is_safe(url, true))
        return false;
    const char *p = url;
    while (*p && (unsigned char)*p <= 0x20)
        p++;
    if (*p == '/' || *p == '\\')
        return false;
    size_t n = strcspn(p, ":/\\?#");
    return p[n] != ':' || !strncasecmp(p, "data:", 5);
}

static void add_text(struct strbuf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '<')
            strbuf_addstr(out, "&lt;");
        else if (s[i] == '>')
            strbuf_addstr(out, "&gt;");
        else
            strbuf_addch(out, s[i]);
    }
}

static void sanitize_html(struct sanitizer *z, const char *s, size_t len, struct strbuf *out)
{
    struct attribute attrs[32];
    char name[16];
    for (size_t i = 0; i < len;) {
        if (s[i] != '<') {
            size_t j = i;
            while (j < len && s[j] != '<')
                j++;
            add_text(out, s + i, j - i);
            i = j;
            continue;
        }
        if (i + 3 < len && !strncmp(s + i, "<!--", 4)) {
            /* A comment; "<!-->" and "<!--->" end at once, as in the tokenizer. */
            const char *close = NULL;
            if (i + 4 < len && s[i + 4] == '>')
                close = s + i + 4;
            else if (i + 5 < len && s[i + 4] == '-' && s[i + 5] == '>')
                close = s + i + 5;
            else
                for (size_t j = i + 4; j + 2 < len && !close; j++)
                    if (!strncmp(s + j, "-->", 3))
                        close = s + j + 2;
            i = close ? (size_t)(close - s) + 1 : len;
            continue;
        }
        if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?')) {
            /* Doctype, CDATA, processing instruction: a bogus comment up to the next '>'. */
            const char *close = memchr(s + i, '>', len - i);
            i = close ? (size_t)(close - s) + 1 : len;
            continue;
        }
        bool end_tag = i + 1 < len && s[i + 1] == '/';
        size_t name_at = i + 1 + end_tag;
        size_t nattrs, stop;
        if (name_at >= len || !is_alpha(s[name_at])) {
            strbuf_addstr(out, "&lt;");
            i++;
            continue;
        }
        if (!read_tag(s, len, i, name, sizeof name, attrs, &nattrs, sizeof attrs / sizeof *attrs,
                      &stop)) {
            /* The text ends inside the tag (as a browser would read it, an open quote or a
             * missing '>' takes the rest): the rest is text, read once, not again from the
             * next '<', which would take time quadratic in the length of the text. */
            add_text(out, s + i, len - i);
            break;
        }
        int e = element_index(name);
        if (e < 0) {
            add_text(out, s + i, stop - i);
        } else if (end_tag) {
            /* Only an element the text opened: no closing the page's own. */
            if (z->open[e]) {
                z->open[e]--;
                strbuf_addf(out, "</%s>", name);
            }
        } else {
            strbuf_addf(out, "<%s", name);
            for (size_t k = 0; k < nattrs; k++) {
                const struct attribute *at = &attrs[k];
                if (!attribute_allowed(name, at->name))
                    continue;
                bool seen = false;
                for (size_t m = 0; m < k; m++)
                    seen |= !strcmp(attrs[m].name, at->name);
                if (seen)
                    continue;
                struct strbuf value = STRBUF_INIT;
                decode_value(at->value, at->len, &value);
                bool src = !strcmp(at->name, "src");
                bool url = !strcmp(at->name, "href") || src;
                if (!url ||
                    (src ? image_is_local(value.buf) : markdown_url_is_safe(value.buf, false))) {
                    strbuf_addf(out, " %s=\"", at->name);
                    strbuf_add_html_escaped(out, value.buf, value.len);
                    strbuf_addch(out, '"');
                    if (src && z->on_image)
                        z->on_image(value.buf, z->arg);
                }
                strbuf_release(&value);
            }
            strbuf_addch(out, '>');
            if (!is_void(name))
                z->open[e]++;
        }
        i = stop;
    }
}

/* What sanitize_raw_html changed in a node, to be put back after rendering. */
struct original {
    cmark_node *node;
    char *text; /* the literal, or the URL of a link or image */
};

/*
 * The document's raw HTML and URLs made safe for rendering it as HTML; what
 * was changed is listed in *saved. The document itself keeps what the author
 * wrote, as markdown.h promises: other renderers (the JATS) read it as parsed.
 */
static void sanitize_raw_html(cmark_node *doc, struct original **saved, size_t *nsaved)
{
    struct sanitizer z = {.on_image = NULL};
    struct strbuf clean = STRBUF_INIT;
    size_t alloc = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type type = cmark_node_get_type(node);
        if (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE) {
            const char *literal = cmark_node_get_literal(node);
            strbuf_reset(&clean);
            sanitize_html(&z, literal ? literal : "", literal ? strlen(literal) : 0, &clean);
            ARRAY_GROW(*saved, *nsaved + 1, alloc);
            (*saved)[(*nsaved)++] = (struct original){node, xstrdup(literal ? literal : "")};
            cmark_node_set_literal(node, clean.buf);
        } else if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE) {
            const char *url = cmark_node_get_url(node);
            if (url && !markdown_url_is_safe(url, type == CMARK_NODE_IMAGE)) {
                ARRAY_GROW(*saved, *nsaved + 1, alloc);
                (*saved)[(*nsaved)++] = (struct original){node, xstrdup(url)};
                cmark_node_set_url(node, "");
            }
        }
    }
    cmark_iter_free(it);
    strbuf_release(&clean);
}

static void restore_originals(struct original *saved, size_t nsaved)
{
    for (size_t i = 0; i < nsaved; i++) {
        cmark_node_type type = cmark_node_get_type(saved[i].node);
        if (type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE)
            cmark_node_set_url(saved[i].node, saved[i].text);
        else
            cmark_node_set_literal(saved[i].node, saved[i].text);
        free(saved[i].text);
    }
    free(saved);
}

void markdown_prepare(void)
{
    gfm_prepare();
}

int markdown_parse(const char *text, size_t len, bool allow_raw_html, struct markdown_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    /* Code fences name their language as <code class="language-x">: <pre lang> is not HTML. */
    int options = CMARK_OPT_FOOTNOTES;
    if (allow_raw_html)
        options |= CMARK_OPT_UNSAFE;
    /* On failure the caller's arena_release takes back what the parser had. */
    cmark_node *root;
    cmark_parser *parser;
    int rc = gfm_parse(text, len, options, allow_raw_html, &arena_mem, &root, &parser);
    if (rc)
        return rc;
    /* Raw HTML starts with '<': most articles have none, and need no walk to find it. */
    if (!allow_raw_html && len && memchr(text, '<', len))
        escape_raw_html(root);
    *doc = (struct markdown_doc){.root = root, .parser = parser, .options = options};
    return 0;
}

void markdown_cite(struct markdown_doc *doc, const struct reference_list *refs, const char *lang)
{
    intext_resolve(doc->root, &arena_mem, refs, lang);
}

/* A table with its caption (util/gfm.h), set aside while the document is rendered. */
struct captioned {
    cmark_node *table;
    cmark_node *caption;
    bool caption_before;
    cmark_node *stand_in; /* the table's HTML with its <caption>, where the table was */
};

/*
 * cmark-gfm's tables have no caption, and its renderer writes "<table>" with nothing after
 * it that the document could hold. So a table with a caption is rendered alone, its caption
 * put in after "<table>", and the two stand aside for a custom block of that HTML while the
 * document is rendered (custom blocks are written as they are, in safe mode too: they are
 * ours, never the author's). What the table and caption hold has been through the same
 * treatment as the rest of the text (sanitised, escaped) before this runs.
 */
static size_t set_captions_aside(const struct markdown_doc *doc, struct captioned **out)
{
    size_t n = 0, alloc = 0;
    *out = NULL;
    cmark_iter *it = cmark_iter_new(doc->root);
    cmark_event_type ev;
    size_t skip;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node *caption;
        if (ev == CMARK_EVENT_ENTER && (caption = gfm_table_caption(node, &skip))) {
            ARRAY_GROW(*out, n + 1, alloc);
            (*out)[n++] = (struct captioned){node, caption, cmark_node_next(caption) == node, NULL};
        }
    }
    cmark_iter_free(it);
    cmark_llist *exts = cmark_parser_get_syntax_extensions(doc->parser);
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        struct captioned *c = &(*out)[i];
        gfm_table_caption(c->table, &skip);
        cmark_node *first = cmark_node_first_child(c->caption);
        char *literal = xstrdup(cmark_node_get_literal(first));
        cmark_node_set_literal(first, literal + skip);
        char *caption = cmark_render_html(c->caption, doc->options, exts);
        cmark_node_set_literal(first, literal);
        free(literal);
        char *table = cmark_render_html(c->table, doc->options, exts);
        /* "<p>...</p>\n" and "<table>\n..." */
        size_t clen = strlen(caption);
        const char *inner = caption, *open = strchr(table, '>');
        if (clen >= 8 && !strncmp(caption, "<p>", 3) && !strcmp(caption + clen - 5, "</p>\n")) {
            inner += 3;
            clen -= 8;
        }
        strbuf_reset(&sb);
        if (open) {
            strbuf_add(&sb, table, (size_t)(open - table) + 1);
            strbuf_addstr(&sb, "\n<caption>");
            strbuf_add(&sb, inner, clen);
            strbuf_addstr(&sb, "</caption>");
            strbuf_addstr(&sb, open + 1);
        } else {
            strbuf_addstr(&sb, table);
        }
        arena_free(caption);
        arena_free(table);
        c->stand_in = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, &arena_mem);
        cmark_node_set_on_enter(c->stand_in, sb.buf);
        cmark_node_replace(c->table, c->stand_in);
        cmark_node_unlink(c->caption);
    }
    strbuf_release(&sb);
    return n;
}

static void put_captions_back(struct captioned *c, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        cmark_node_replace(c[i].stand_in, c[i].table);
        if (c[i].caption_before)
            cmark_node_insert_before(c[i].table, c[i].caption);
        else
            cmark_node_insert_after(c[i].table, c[i].caption);
        cmark_node_free(c[i].stand_in);
    }
    free(c);
}

void markdown_each_image(const struct markdown_doc *doc, void (*fn)(const char *url, void *arg),
                         void *arg)
{
    if (!doc->root)
        return;
    /* Raw HTML's images are those its sanitised HTML keeps (sanitize_html), which the page
       shows; with raw HTML off there are none (escape_raw_html). */
    struct sanitizer z = {.on_image = fn, .arg = arg};
    struct strbuf scratch = STRBUF_INIT;
    cmark_iter *it = cmark_iter_new(doc->root);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type type = cmark_node_get_type(node);
        const char *url;
        if (type == CMARK_NODE_IMAGE && (url = cmark_node_get_url(node)) && *url)
            fn(url, arg);
        else if ((doc->options & CMARK_OPT_UNSAFE) &&
                 (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE) &&
                 (url = cmark_node_get_literal(node))) {
            strbuf_reset(&scratch);
            sanitize_html(&z, url, strlen(url), &scratch);
        }
    }
    cmark_iter_free(it);
    strbuf_release(&scratch);
}

void markdown_render_html(const struct markdown_doc *doc, struct strbuf *out)
{
    /* Raw HTML is sanitised for the HTML alone, and the document given back as parsed. */
    struct original *saved = NULL;
    size_t nsaved = 0;
    if (doc->options & CMARK_OPT_UNSAFE)
        sanitize_raw_html(doc->root, &saved, &nsaved);
    struct captioned *captioned;
    size_t ncaptioned = set_captions_aside(doc, &captioned);
    char *html =
        cmark_render_html(doc->root, doc->options, cmark_parser_get_syntax_extensions(doc->parser));
    put_captions_back(captioned, ncaptioned);
    if (doc->options & CMARK_OPT_UNSAFE)
        restore_originals(saved, nsaved);
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
