#include "export/jats.h"

#include "export/intext.h"
#include "model/country.h"
#include "model/manuscript.h"
#include "model/person.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/gfm.h"
#include "util/utf8.h"
#include "util/xmltext.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An element written and not yet closed. */
struct open_element {
    const char *name; /* PADDED (below) */
    size_t len;
};

/*
 * The article is written straight into a strbuf. libxml2's xmlTextWriter did this
 * before and produced the same bytes, but at one call per tag, attribute and text
 * run it cost as much as parsing the Markdown (a body has thousands of elements),
 * and what JATS needs of a writer is small: open and close elements, attributes,
 * escaped text (xml_text_escape, util/xmltext.c). The unit tests validate the result
 * against the JATS schema with libxml2 and check the escaping against what
 * xmlTextWriter writes.
 *
 * A failure is sticky: every call after one does nothing.
 */
struct jw {
    struct strbuf *out;
    bool failed;
    bool tag_open;                     /* "<name attr..." written, its ">" not yet */
    bool in_abstract;                  /* footnote references are not linked from the abstract */
    bool in_link;                      /* ext-link does not nest */
    unsigned ntables;                  /* table-wrap ids: tbl1, tbl2, ... */
    unsigned nfigures;                 /* fig ids: fig1, fig2, ... */
    const struct jats_source *src;     /* figure_href */
    const struct reference_list *refs; /* the ref-list, which in-text citations link to */
    char **ref_ids;                    /* its XML IDs (ref_id), made when first needed */
    struct open_element *open;
    size_t depth, open_alloc;
    cmark_node **footnotes;
    size_t nfootnotes, footnotes_alloc;
};

static bool empty(const char *s)
{
    return !s || !*s;
}

static void close_start_tag(struct jw *j)
{
    if (j->tag_open) {
        strbuf_addch(j->out, '>');
        j->tag_open = false;
    }
}

/*
 * Element names are string literals, and the macros below pass them with fifteen more NULs
 * after them, so that a name is copied sixteen bytes at a time without reading past its
 * end (and anything but a literal is a compile error). The name must outlive the element.
 */
#define PADDED(name)     name "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
#define start(j, name)   start_element((j), PADDED(name), sizeof(name) - 1)
#define elem(j, name, s) elem_element((j), PADDED(name), sizeof(name) - 1, (s))

/* The len bytes of a PADDED name to w, and up to fifteen more: the room must be there. */
static inline void copy_name(char *w, const char *name, size_t len)
{
    for (size_t k = 0; k < len; k += 16)
        memcpy(w + k, name + k, 16);
}

static void start_element(struct jw *j, const char *name, size_t len)
{
    if (j->failed)
        return;
    if (j->depth == j->open_alloc)
        ARRAY_GROW(j->open, j->depth + 1, j->open_alloc);
    j->open[j->depth++] = (struct open_element){name, len};
    /* ">" closing the parent's start tag, "<" and the name. */
    char *w = strbuf_room(j->out, len + 2 + 16);
    if (j->tag_open)
        *w++ = '>';
    *w++ = '<';
    copy_name(w, name, len);
    w[len] = '\0';
    j->out->len = (size_t)(w + len - j->out->buf);
    j->tag_open = true;
}

static void end(struct jw *j)
{
    if (j->failed)
        return;
    if (!j->depth) {
        j->failed = true;
        return;
    }
    const struct open_element *e = &j->open[--j->depth];
    char *w = strbuf_room(j->out, e->len + 3 + 16);
    if (j->tag_open) {
        memcpy(w, "/>", 3); /* with the NUL */
        j->out->len += 2;
        j->tag_open = false;
        return;
    }
    w[0] = '<';
    w[1] = '/';
    copy_name(w + 2, e->name, e->len);
    memcpy(w + 2 + e->len, ">", 2); /* with the NUL */
    j->out->len += e->len + 3;
}

/* An attribute value escaped as xmlTextWriterWriteAttribute escapes it. */
static void attr(struct jw *j, const char *name, const char *value)
{
    if (j->failed || !value)
        return;
    if (!j->tag_open) {
        j->failed = true;
        return;
    }
    size_t len = strlen(name);
    char *w = strbuf_room(j->out, len + 3);
    w[0] = ' ';
    memcpy(w + 1, name, len);
    memcpy(w + 1 + len, "=\"", 3); /* with the NUL */
    j->out->len += len + 3;
    xml_text_escape(j->out, value, true);
    strbuf_addch(j->out, '"');
}

/* An attribute whose value is a string literal with nothing to escape (the "" makes
   anything else a compile error): written as it is. */
#define attr_fixed(j, name, value) attr_literal((j), (name), "" value, sizeof(value) - 1)

static void attr_literal(struct jw *j, const char *name, const char *value, size_t vlen)
{
    if (j->failed)
        return;
    if (!j->tag_open) {
        j->failed = true;
        return;
    }
    size_t len = strlen(name);
    char *w = strbuf_room(j->out, len + vlen + 4);
    w[0] = ' ';
    memcpy(w + 1, name, len);
    w[len + 1] = '=';
    w[len + 2] = '"';
    memcpy(w + len + 3, value, vlen);
    memcpy(w + len + 3 + vlen, "\"", 2); /* with the NUL */
    j->out->len += len + vlen + 4;
}

/* Text content, escaped as xmlTextWriterWriteString escapes it. */
static void text(struct jw *j, const char *s)
{
    if (j->failed || empty(s))
        return;
    close_start_tag(j);
    xml_text_escape(j->out, s, false);
}

/* <name>s</name>, unless s is empty. */
static void elem_element(struct jw *j, const char *name, size_t len, const char *s)
{
    if (empty(s))
        return;
    start_element(j, name, len);
    text(j, s);
    end(j);
}

/* prefix, then n in decimal with at least width digits: what snprintf's "%s%0*lu" writes
   (buf holds 32 bytes, prefix at most 8). */
static const char *decimal(char *buf, const char *prefix, unsigned long n, int width)
{
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (k < width)
        digits[k++] = '0';
    size_t plen = strlen(prefix);
    memcpy(buf, prefix, plen);
    char *w = buf + plen;
    while (k)
        *w++ = digits[--k];
    *w = '\0';
    return buf;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "YYYY[-MM[-DD]]" into its parts; false when s is not such a date. */
static bool split_date(const char *s, int *y, int *m, int *d)
{
    *y = *m = *d = 0;
    if (!s)
        return false;
    /* The forms dates are written in, all digits, read by hand (the same values sscanf
       gives them); anything else as sscanf reads it. */
    size_t len = strlen(s);
    if ((len == 4 || len == 7 || len == 10) && all_digits(s, 4) &&
        (len == 4 || (s[4] == '-' && all_digits(s + 5, 2))) &&
        (len < 10 || (s[7] == '-' && all_digits(s + 8, 2)))) {
        *y = two_digits(s) * 100 + two_digits(s + 2);
        if (len == 4)
            return *y > 0;
        *m = two_digits(s + 5);
        if (len == 7)
            return *m >= 1 && *m <= 12;
        *d = two_digits(s + 8);
        return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
    }
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", y, m, d, &n) == 3 && !s[n])
        return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
    *m = *d = 0;
    if (sscanf(s, "%4d-%2d%n", y, m, &n) == 2 && !s[n])
        return *m >= 1 && *m <= 12;
    *m = 0;
    return sscanf(s, "%4d%n", y, &n) == 1 && !s[n] && *y > 0;
}

/* day?, month?, year: the content of pub-date and date. */
static void date_parts(struct jw *j, int y, int m, int d)
{
    char buf[32];
    if (d > 0)
        elem(j, "day", decimal(buf, "", (unsigned long)d, 2));
    else if (d)
        elem(j, "day", (snprintf(buf, sizeof buf, "%02d", d), buf));
    if (m > 0)
        elem(j, "month", decimal(buf, "", (unsigned long)m, 2));
    else if (m)
        elem(j, "month", (snprintf(buf, sizeof buf, "%02d", m), buf));
    if (y >= 0)
        elem(j, "year", decimal(buf, "", (unsigned long)y, 4));
    else
        elem(j, "year", (snprintf(buf, sizeof buf, "%04d", y), buf));
}

/* pub-date (pub) or date. */
static void date_element(struct jw *j, bool pub, const char *type_attr, const char *type,
                         const char *iso)
{
    int y, m, d;
    if (!split_date(iso, &y, &m, &d))
        return;
    if (pub) {
        start(j, "pub-date");
        attr_fixed(j, "publication-format", "electronic");
    } else {
        start(j, "date");
    }
    attr(j, type_attr, type);
    attr(j, "iso-8601-date", iso);
    date_parts(j, y, m, d);
    end(j);
}

/* ---- the Markdown ---- */

static bool is_type(cmark_node *n, const char *name)
{
    const char *t = cmark_node_get_type_string(n);
    return t && !strcmp(t, name);
}

static void inlines(struct jw *j, cmark_node *parent);
static void blocks(struct jw *j, cmark_node *parent);
static const char *ref_id(struct jw *j, size_t index);

/* A link's destination that a reader can follow (no javascript: and the like). */
static bool followable(const char *url)
{
    if (empty(url))
        return false;
    static const char *const schemes[] = {"http://", "https://", "mailto:", "ftp://", "doi:"};
    for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++)
        if (!strncasecmp(url, schemes[i], strlen(schemes[i])))
            return true;
    return false;
}

/*
 * The xlink:title of a link whose text is its bare URL, which tells a reader nothing the
 * address does not (JATS4R asks for one): fallback when there is something better to say (a
 * reference's title, the article's), else the host the link leads to. Caller frees.
 */
static char *bare_url_title(const char *url, const char *fallback)
{
    if (!empty(fallback))
        return xstrdup(fallback);
    const char *host = strstr(url, "://");
    host = host ? host + 3 : strchr(url, ':') ? strchr(url, ':') + 1 : url;
    size_t len = strcspn(host, "/?#");
    return len ? xstrndup(host, len) : xstrdup(url);
}

/* An ext-link to url (followable) whose text is the URL itself, titled. */
static void bare_url_link(struct jw *j, const char *url, const char *title)
{
    char *t = bare_url_title(url, title);
    start(j, "ext-link");
    attr_fixed(j, "ext-link-type", "uri");
    attr(j, "xlink:href", url);
    attr(j, "xlink:title", t);
    text(j, url);
    end(j);
    free(t);
}

/* A Markdown link whose text is its destination: none, or one text node saying it (an
   autolink, <https://...>, or [https://x](https://x)). */
static bool link_text_is_url(cmark_node *link, const char *url)
{
    cmark_node *c = cmark_node_first_child(link);
    if (!c)
        return true;
    if (cmark_node_next(c) || cmark_node_get_type(c) != CMARK_NODE_TEXT)
        return false;
    const char *t = cmark_node_get_literal(c);
    if (!t)
        return false;
    if (!strncasecmp(url, "mailto:", 7) && !strcmp(t, url + 7))
        return true;
    return !strcmp(t, url);
}

static void inline_node(struct jw *j, cmark_node *n)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
        text(j, cmark_node_get_literal(n));
        return;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
        if (!j->failed) { /* text(j, "\n"), which needs no escaping */
            close_start_tag(j);
            strbuf_addch(j->out, '\n');
        }
        return;
    case CMARK_NODE_CODE:
        elem(j, "monospace", cmark_node_get_literal(n));
        return;
    case CMARK_NODE_EMPH:
        start(j, "italic");
        inlines(j, n);
        end(j);
        return;
    case CMARK_NODE_STRONG:
        start(j, "bold");
        inlines(j, n);
        end(j);
        return;
    case CMARK_NODE_LINK: {
        long cited = intext_reference(n, j->refs);
        if (cited >= 0 && !j->in_link) {
            start(j, "xref");
            attr_fixed(j, "ref-type", "bibr");
            attr(j, "rid", ref_id(j, (size_t)cited));
            inlines(j, n);
            end(j);
            return;
        }
        const char *url = cmark_node_get_url(n);
        if (j->in_link || !followable(url)) {
            inlines(j, n);
            return;
        }
        start(j, "ext-link");
        attr_fixed(j, "ext-link-type", "uri");
        attr(j, "xlink:href", url);
        if (link_text_is_url(n, url)) {
            char *title = bare_url_title(url, NULL);
            attr(j, "xlink:title", title);
            free(title);
        }
        j->in_link = true;
        if (cmark_node_first_child(n))
            inlines(j, n);
        else
            text(j, url);
        j->in_link = false;
        end(j);
        return;
    }
    case CMARK_NODE_IMAGE:
        /* Figures are not part of articles yet: keep the description. */
        inlines(j, n);
        return;
    case CMARK_NODE_FOOTNOTE_REFERENCE: {
        const char *number = cmark_node_get_literal(n);
        if (j->in_abstract || empty(number)) {
            text(j, number);
            return;
        }
        /* "fn" and the number, on the stack when it is short (it always is). */
        char small[32], *rid = small;
        size_t len = strlen(number);
        if (len + 3 > sizeof small)
            rid = xmalloc(len + 3);
        memcpy(rid, "fn", 2);
        memcpy(rid + 2, number, len + 1);
        start(j, "xref");
        attr_fixed(j, "ref-type", "fn");
        attr(j, "rid", rid);
        text(j, number);
        end(j);
        if (rid != small)
            free(rid);
        return;
    }
    default:
        if (is_type(n, "strikethrough")) {
            start(j, "strike");
            inlines(j, n);
            end(j);
        } else {
            inlines(j, n);
        }
        return;
    }
}

static void inlines(struct jw *j, cmark_node *parent)
{
    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c))
        inline_node(j, c);
}

static void table_row(struct jw *j, cmark_node *row, cmark_node *table, bool header)
{
    uint8_t *align = cmark_gfm_extensions_get_table_alignments(table);
    uint16_t ncols = cmark_gfm_extensions_get_table_columns(table);
    start(j, "tr");
    uint16_t col = 0;
    for (cmark_node *cell = cmark_node_first_child(row); cell;
         cell = cmark_node_next(cell), col++) {
        if (header)
            start(j, "th");
        else
            start(j, "td");
        if (align && col < ncols) {
            if (align[col] == 'l')
                attr_fixed(j, "align", "left");
            else if (align[col] == 'c')
                attr_fixed(j, "align", "center");
            else if (align[col] == 'r')
                attr_fixed(j, "align", "right");
        }
        inlines(j, cell);
        end(j);
    }
    end(j);
}

static void table(struct jw *j, cmark_node *n)
{
    size_t nbody = 0;
    for (cmark_node *row = cmark_node_first_child(n); row; row = cmark_node_next(row))
        if (!cmark_gfm_extensions_get_table_row_is_header(row))
            nbody++;
    /* Every table-wrap has an id (JATS4R): what cites or links a table needs one. */
    char id[32];
    snprintf(id, sizeof id, "tbl%u", ++j->ntables);
    start(j, "table-wrap");
    attr(j, "id", id);
    size_t skip;
    cmark_node *caption = gfm_table_caption(n, &skip);
    if (caption) {
        start(j, "caption");
        start(j, "p");
        cmark_node *first = cmark_node_first_child(caption);
        text(j, cmark_node_get_literal(first) + skip);
        for (cmark_node *c = cmark_node_next(first); c; c = cmark_node_next(c))
            inline_node(j, c);
        end(j);
        end(j);
    }
    start(j, "table");
    if (nbody) {
        start(j, "thead");
        for (cmark_node *row = cmark_node_first_child(n); row; row = cmark_node_next(row))
            if (cmark_gfm_extensions_get_table_row_is_header(row))
                table_row(j, row, n, true);
        end(j);
    }
    /* A table of only a header row still needs a body. */
    start(j, "tbody");
    for (cmark_node *row = cmark_node_first_child(n); row; row = cmark_node_next(row)) {
        bool header = cmark_gfm_extensions_get_table_row_is_header(row);
        if (!nbody || !header)
            table_row(j, row, n, header);
    }
    end(j);
    end(j);
    end(j);
}

/* A trimmed literal block as text: code as preformat, HTML as p. */
static void literal_block(struct jw *j, bool code, cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    size_t len = lit ? strlen(lit) : 0;
    while (len && (lit[len - 1] == '\n' || lit[len - 1] == '\r'))
        len--;
    char *trimmed = xstrndup(lit ? lit : "", len);
    if (code) {
        start(j, "preformat");
        attr_fixed(j, "preformat-type", "code");
    } else {
        start(j, "p");
    }
    text(j, trimmed);
    end(j);
    free(trimmed);
}

/* The image a paragraph holds alone (spaces and line breaks aside), as Pandoc reads a figure
   and Word conversion writes one, or NULL. */
static cmark_node *lone_image(cmark_node *para)
{
    cmark_node *image = NULL;
    for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
        cmark_node_type t = cmark_node_get_type(c);
        if (t == CMARK_NODE_IMAGE && !image)
            image = c;
        else if (t == CMARK_NODE_TEXT) {
            const char *lit = cmark_node_get_literal(c);
            if (lit && lit[strspn(lit, " \t")])
                return NULL;
        } else if (t != CMARK_NODE_SOFTBREAK && t != CMARK_NODE_LINEBREAK)
            return NULL;
    }
    return image;
}

/* The MIME subtype of a figure's href, by its extension (the site publishes only these). */
static const char *image_subtype(const char *href)
{
    const char *dot = strrchr(href, '.');
    if (!dot)
        return NULL;
    static const char *const types[][2] = {
        {".png", "png"}, {".jpg", "jpeg"}, {".jpeg", "jpeg"}, {".gif", "gif"}, {".webp", "webp"}};
    for (size_t i = 0; i < sizeof types / sizeof *types; i++)
        if (!strcasecmp(dot, types[i][0]))
            return types[i][1];
    return NULL;
}

/*
 * A published figure as JATS4R recommends: fig with an id, the image's description as its
 * caption, graphic with xlink:href and the MIME type. In the body and its sections fig
 * stands as a block; in a list item or a quote, which take no fig, it goes in a p.
 */
static bool figure(struct jw *j, cmark_node *para)
{
    cmark_node *image = lone_image(para);
    if (!image || j->in_abstract || !j->src->figure_href)
        return false;
    const char *url = cmark_node_get_url(image);
    char *href = empty(url) ? NULL : j->src->figure_href(url, j->src->figure_arg);
    if (!href)
        return false;
    cmark_node *parent = cmark_node_parent(para);
    bool in_p = parent && cmark_node_get_type(parent) != CMARK_NODE_DOCUMENT;
    if (in_p)
        start(j, "p");
    char id[32];
    snprintf(id, sizeof id, "fig%u", ++j->nfigures);
    start(j, "fig");
    attr(j, "id", id);
    if (cmark_node_first_child(image)) {
        start(j, "caption");
        start(j, "p");
        inlines(j, image);
        end(j);
        end(j);
    }
    start(j, "graphic");
    attr(j, "xlink:href", href);
    const char *subtype = image_subtype(href);
    if (subtype) {
        attr_fixed(j, "mimetype", "image");
        attr(j, "mime-subtype", subtype);
    }
    end(j);
    end(j);
    if (in_p)
        end(j);
    free(href);
    return true;
}

static void block(struct jw *j, cmark_node *n)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        if (gfm_is_table_caption(n))
            return; /* in its table-wrap */
        if (figure(j, n))
            return;
        start(j, "p");
        inlines(j, n);
        end(j);
        return;
    case CMARK_NODE_HEADING:
        /* A heading inside a list or quote cannot open a section. */
        start(j, "p");
        start(j, "bold");
        inlines(j, n);
        end(j);
        end(j);
        return;
    case CMARK_NODE_LIST:
        start(j, "list");
        attr(j, "list-type",
             cmark_node_get_list_type(n) == CMARK_ORDERED_LIST ? "order" : "bullet");
        for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item)) {
            start(j, "list-item");
            if (cmark_node_first_child(item))
                blocks(j, item);
            else
                elem(j, "p", " ");
            end(j);
        }
        end(j);
        return;
    case CMARK_NODE_BLOCK_QUOTE:
        start(j, "disp-quote");
        blocks(j, n);
        end(j);
        return;
    case CMARK_NODE_CODE_BLOCK:
        literal_block(j, true, n);
        return;
    case CMARK_NODE_HTML_BLOCK:
        literal_block(j, false, n);
        return;
    case CMARK_NODE_THEMATIC_BREAK:
        return;
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        if (!j->in_abstract) {
            ARRAY_GROW(j->footnotes, j->nfootnotes + 1, j->footnotes_alloc);
            j->footnotes[j->nfootnotes++] = n;
        }
        return;
    default:
        if (is_type(n, "table"))
            table(j, n);
        else
            blocks(j, n);
        return;
    }
}

static void blocks(struct jw *j, cmark_node *parent)
{
    for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c))
        block(j, c);
}

/* The document's top level: headings open sections, nested by level. */
static void body_blocks(struct jw *j, cmark_node *doc)
{
    int levels[8];
    size_t depth = 0;
    for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c)) {
        if (cmark_node_get_type(c) != CMARK_NODE_HEADING) {
            block(j, c);
            continue;
        }
        int level = cmark_node_get_heading_level(c);
        while (depth && levels[depth - 1] >= level) {
            end(j);
            depth--;
        }
        if (depth == sizeof levels / sizeof *levels) {
            block(j, c);
            continue;
        }
        start(j, "sec");
        start(j, "title");
        inlines(j, c);
        end(j);
        levels[depth++] = level;
    }
    while (depth--)
        end(j);
}

static int parse_markdown(const char *s, size_t len, cmark_node **doc)
{
    cmark_parser *parser;
    int rc = gfm_parse(s, len, CMARK_OPT_FOOTNOTES, false, cmark_get_default_mem_allocator(), doc,
                       &parser);
    if (!rc)
        cmark_parser_free(parser);
    return rc;
}

/* ---- front ---- */

static bool same_affiliation(const struct affiliation *a, const struct affiliation *b)
{
    return !strcmp(a->name ? a->name : "", b->name ? b->name : "") &&
           !strcmp(a->country, b->country) &&
           !strcmp(a->department ? a->department : "", b->department ? b->department : "");
}

/* The affiliations in order of first appearance, shared ones once. */
static size_t collect_affiliations(const struct manuscript *m, const struct affiliation ***out)
{
    const struct affiliation **list = NULL;
    size_t n = 0, alloc = 0;
    for (size_t i = 0; i < m->nauthors; i++)
        for (size_t k = 0; k < m->authors[i].naffiliations; k++) {
            const struct affiliation *af = &m->authors[i].affiliations[k];
            bool seen = false;
            for (size_t x = 0; x < n && !seen; x++)
                seen = same_affiliation(list[x], af);
            if (!seen) {
                ARRAY_GROW(list, n + 1, alloc);
                list[n++] = af;
            }
        }
    *out = list;
    return n;
}

static size_t affiliation_index(const struct affiliation **list, size_t n,
                                const struct affiliation *af)
{
    for (size_t x = 0; x < n; x++)
        if (same_affiliation(list[x], af))
            return x + 1;
    return 0;
}

/* The authors' names, "A, B, C": the copyright holders. Caller frees. */
static char *author_names(const struct manuscript *m)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nauthors; i++)
        if (!empty(m->authors[i].name))
            strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", m->authors[i].name);
    if (!sb.len) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb, NULL);
}

/* <name> with surname and given-names; name-style="eastern" for a name whose family name
   comes first (family_first: "Kim Min-jun"), which readers then show in that order. */
static void person_name_element(struct jw *j, const struct citation_name *name, bool family_first,
                                const char *lang)
{
    start(j, "name");
    if (family_first)
        attr_fixed(j, "name-style", "eastern");
    if (lang)
        attr(j, "xml:lang", lang);
    elem(j, "surname", name->family);
    elem(j, "given-names", name->given);
    end(j);
}

static int contributors(struct jw *j, const struct jats_source *src,
                        const struct affiliation **affs, size_t naffs)
{
    const struct manuscript *m = src->cite.m;
    if (!m->nauthors)
        return 0;
    start(j, "contrib-group");
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        struct citation_name name;
        int rc = citation_name_split(au, &name);
        if (rc)
            return rc;
        start(j, "contrib");
        attr_fixed(j, "contrib-type", "author");
        if (au->corresponding)
            attr_fixed(j, "corresp", "yes");
        if (au->orcid[0]) {
            char *url = xasprintf("https://orcid.org/%s", au->orcid);
            start(j, "contrib-id");
            attr_fixed(j, "contrib-id-type", "orcid");
            text(j, url);
            end(j);
            free(url);
        }
        if (au->organization) {
            /* A group author is a collab (JATS4R, "Authors and affiliations"): a surname
               would have indexers read "World Bank Group" as a person's family name. */
            elem(j, "collab", au->name);
        } else if (au->latin.text) {
            /* A name in two scripts: both forms, the one as written and the Latin one that
               English citations use (JATS 1.3 <name-alternatives>, as Crossref's alt-name). */
            struct author latin_view = person_author_latin(au);
            struct citation_name latin;
            rc = citation_name_split(&latin_view, &latin);
            if (rc) {
                citation_name_release(&name);
                return rc;
            }
            start(j, "name-alternatives");
            /* The language of the form as written is the article's where that language is
               not written in Latin script (Cyrillic in a Russian article); in an article in
               English a Hangul name's language is not known, and is left unsaid. */
            person_name_element(j, &name, au->family_first,
                                person_lang_is_latin_script(m->lang) ? NULL : m->lang);
            person_name_element(j, &latin, au->family_first, "en");
            end(j);
            citation_name_release(&latin);
        } else {
            person_name_element(j, &name, au->family_first, NULL);
        }
        if (au->corresponding)
            elem(j, "email", au->email);
        for (size_t k = 0; k < au->naffiliations; k++) {
            char rid[32];
            start(j, "xref");
            attr_fixed(j, "ref-type", "aff");
            attr(j, "rid",
                 decimal(rid, "aff", affiliation_index(affs, naffs, &au->affiliations[k]), 0));
            end(j);
        }
        end(j);
        citation_name_release(&name);
    }
    end(j);
    return 0;
}

static void affiliations(struct jw *j, const struct jats_source *src,
                         const struct affiliation **affs, size_t naffs)
{
    const char *lang = empty(src->cite.m->lang) ? "en" : src->cite.m->lang;
    for (size_t x = 0; x < naffs; x++) {
        const struct affiliation *af = affs[x];
        char id[32];
        start(j, "aff");
        attr(j, "id", decimal(id, "aff", x + 1, 0));
        start(j, "institution-wrap");
        if (!empty(af->department)) {
            start(j, "institution");
            attr_fixed(j, "content-type", "dept");
            text(j, af->department);
            end(j);
        }
        elem(j, "institution", af->name);
        if (!empty(af->ror)) {
            start(j, "institution-id");
            attr_fixed(j, "institution-id-type", "ror");
            text(j, af->ror);
            end(j);
        }
        end(j);
        if (!af->international && af->country[0]) {
            const struct country *c =
                src->countries ? country_by_code(src->countries, af->country) : NULL;
            const char *cname = c ? country_display_name(c, lang) : NULL;
            text(j, ", ");
            start(j, "country");
            attr(j, "country", af->country);
            text(j, empty(cname) ? af->country : cname);
            end(j);
        }
        end(j);
    }
}

/* The abstract's Markdown as paragraphs: the abstract, or with lang a trans-abstract in that
   language (xml:lang); parsed is the caller's parse of it, or NULL. */
static int abstract(struct jw *j, const char *lang, const char *md, cmark_node *parsed)
{
    if (empty(md))
        return 0;
    cmark_node *doc = parsed;
    if (!doc) {
        int rc = parse_markdown(md, strlen(md), &doc);
        if (rc)
            return rc;
        intext_resolve(doc, cmark_get_default_mem_allocator(), j->refs,
                       lang ? lang : j->src->cite.m->lang);
    }
    if (lang) {
        start(j, "trans-abstract");
        attr(j, "xml:lang", lang);
    } else {
        start(j, "abstract");
    }
    j->in_abstract = true;
    blocks(j, doc);
    j->in_abstract = false;
    end(j);
    if (!parsed)
        cmark_node_free(doc);
    return 0;
}

static void journal_meta(struct jw *j, const struct citation_source *c)
{
    start(j, "journal-meta");
    start(j, "journal-id");
    attr_fixed(j, "journal-id-type", "publisher-id");
    text(j, !empty(c->abbreviation) ? c->abbreviation
            : !empty(c->key_prefix) ? c->key_prefix
                                    : c->journal);
    end(j);
    start(j, "journal-title-group");
    elem(j, "journal-title", c->journal);
    if (!empty(c->abbreviation)) {
        start(j, "abbrev-journal-title");
        attr_fixed(j, "abbrev-type", "publisher");
        text(j, c->abbreviation);
        end(j);
    }
    end(j);
    if (!empty(c->issn)) {
        start(j, "issn");
        attr_fixed(j, "publication-format", "electronic");
        text(j, c->issn);
        end(j);
    }
    if (!empty(c->publisher)) {
        start(j, "publisher");
        elem(j, "publisher-name", c->publisher);
        end(j);
    }
    end(j);
}

/* fpage and lpage for a range; a single "e7" is an article number, not a page. */
static void page_elements(struct jw *j, const char *pages)
{
    char *first, *last;
    citation_page_range(pages, &first, &last);
    if (first && last) {
        elem(j, "fpage", first);
        elem(j, "lpage", last);
    } else if (first) {
        elem(j, "elocation-id", first);
    }
    free(first);
    free(last);
}

/*
 * The funding (funding-group, after the keywords as article-meta orders it): an award-group
 * per award with its funders and award number, then the statements. A funder with an id is
 * an institution-wrap, as JATS4R recommends: the Funder Registry id as a DOI of that
 * vocabulary, the ROR id as ror.
 */
static void funding_group(struct jw *j, const struct funding *f)
{
    if (!f->nawards && !f->nstatements)
        return;
    start(j, "funding-group");
    for (size_t i = 0; i < f->nawards; i++) {
        const struct funding_award *a = &f->awards[i];
        start(j, "award-group");
        for (size_t k = 0; k < a->nsources; k++) {
            const struct funder *s = &a->sources[k];
            start(j, "funding-source");
            if (empty(s->funder_id) && empty(s->ror)) {
                text(j, s->name);
                end(j);
                continue;
            }
            start(j, "institution-wrap");
            elem(j, "institution", s->name);
            if (!empty(s->funder_id)) {
                start(j, "institution-id");
                attr_fixed(j, "institution-id-type", "doi");
                attr_fixed(j, "vocab", "open-funder-registry");
                attr_fixed(j, "vocab-identifier", "10.13039/open_funder_registry");
                text(j, s->funder_id);
                end(j);
            }
            if (!empty(s->ror)) {
                start(j, "institution-id");
                attr_fixed(j, "institution-id-type", "ror");
                text(j, s->ror);
                end(j);
            }
            end(j);
            end(j);
        }
        elem(j, "award-id", a->id);
        elem(j, "award-name", a->name);
        end(j);
    }
    for (size_t i = 0; i < f->nstatements; i++)
        elem(j, "funding-statement", f->statements[i]);
    end(j);
}

static int article_meta(struct jw *j, const struct jats_source *src)
{
    const struct citation_source *c = &src->cite;
    const struct manuscript *m = c->m;
    start(j, "article-meta");
    if (!empty(c->doi)) {
        start(j, "article-id");
        attr_fixed(j, "pub-id-type", "doi");
        text(j, c->doi);
        end(j);
    }
    if (!empty(m->type)) {
        start(j, "article-categories");
        start(j, "subj-group");
        attr_fixed(j, "subj-group-type", "heading");
        elem(j, "subject",
             manuscript_type_label(m->type) ? manuscript_type_label(m->type) : m->type);
        end(j);
        end(j);
    }
    start(j, "title-group");
    elem(j, "article-title", m->title);
    elem(j, "subtitle", m->subtitle);
    for (size_t i = 0; i < m->ntranslations; i++) {
        start(j, "trans-title-group");
        attr(j, "xml:lang", m->translations[i].lang);
        elem(j, "trans-title", m->translations[i].title);
        elem(j, "trans-subtitle", m->translations[i].subtitle);
        end(j);
    }
    end(j);

    const struct affiliation **affs;
    size_t naffs = collect_affiliations(m, &affs);
    int rc = contributors(j, src, affs, naffs);
    if (!rc)
        affiliations(j, src, affs, naffs);
    free(affs);
    if (rc)
        return rc;

    int y, mo, d;
    if (split_date(c->published, &y, &mo, &d)) {
        date_element(j, true, "date-type", "pub", c->published);
    } else if (c->year) {
        start(j, "pub-date");
        attr_fixed(j, "publication-format", "electronic");
        attr_fixed(j, "date-type", "pub");
        date_parts(j, (int)c->year, 0, 0);
        end(j);
    }
    char number[32];
    if (c->volume)
        elem(j, "volume", decimal(number, "", c->volume, 0));
    if (c->number && *c->number)
        elem(j, "issue", c->number);
    page_elements(j, c->pages);
    for (size_t i = 0; i < src->nsupplements; i++) {
        const struct jats_supplement *s = &src->supplements[i];
        const char *slash = s->mimetype ? strchr(s->mimetype, '/') : NULL;
        start(j, "supplementary-material");
        attr(j, "xlink:href", s->href);
        if (slash) {
            char *major = xstrndup(s->mimetype, (size_t)(slash - s->mimetype));
            attr(j, "mimetype", major);
            attr(j, "mime-subtype", slash + 1);
            free(major);
        }
        elem(j, "label", s->label);
        end(j);
    }
    if (split_date(src->received, &y, &mo, &d) || split_date(src->accepted, &y, &mo, &d)) {
        start(j, "history");
        date_element(j, false, "date-type", "received", src->received);
        date_element(j, false, "date-type", "accepted", src->accepted);
        end(j);
    }
    char *license_url =
        src->license_url ? xstrdup(src->license_url) : citation_license_url(src->license);
    if (!empty(src->license) || license_url) {
        start(j, "permissions");
        int year = 0;
        if (split_date(c->published, &y, &mo, &d))
            year = y;
        else if (c->year)
            year = (int)c->year;
        /* The authors keep their copyright (as open-access journals under CC licences have
           it): a year only with its holders, never alone (JATS4R). */
        char *holders = m->nauthors ? author_names(m) : NULL;
        if (year && holders) {
            char buf[16];
            snprintf(buf, sizeof buf, "%d", year);
            char *statement = xasprintf("\u00a9 %d %s", year, holders);
            elem(j, "copyright-statement", statement);
            elem(j, "copyright-year", buf);
            elem(j, "copyright-holder", holders);
            free(statement);
        }
        free(holders);
        start(j, "license");
        attr_fixed(j, "license-type", "open-access");
        if (license_url) {
            attr(j, "xlink:href", license_url);
            elem(j, "ali:license_ref", license_url);
        }
        start(j, "license-p");
        text(j, "This is an open-access article distributed under the terms of the ");
        if (license_url && empty(src->license)) {
            bare_url_link(j, license_url, NULL);
        } else if (license_url) {
            start(j, "ext-link");
            attr_fixed(j, "ext-link-type", "uri");
            attr(j, "xlink:href", license_url);
            text(j, src->license);
            end(j);
        } else {
            text(j, src->license);
        }
        text(j, " licence.");
        end(j);
        end(j);
        end(j);
    }
    free(license_url);
    /* Never empty, and titled like any link that shows its bare URL. */
    if (!empty(c->url) && followable(c->url)) {
        start(j, "self-uri");
        attr(j, "xlink:href", c->url);
        attr(j, "xlink:title", m->title);
        text(j, c->url);
        end(j);
    }
    rc = abstract(j, NULL, m->abstract, src->abstract);
    for (size_t i = 0; !rc && i < m->ntranslations; i++)
        rc = abstract(j, m->translations[i].lang, m->translations[i].abstract, NULL);
    if (rc)
        return rc;
    /* One kwd-group per language, each with its xml:lang. */
    if (m->nkeywords) {
        start(j, "kwd-group");
        attr_fixed(j, "kwd-group-type", "author");
        attr(j, "xml:lang", empty(m->lang) ? "en" : m->lang);
        for (size_t i = 0; i < m->nkeywords; i++)
            elem(j, "kwd", m->keywords[i]);
        end(j);
    }
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        if (!t->nkeywords)
            continue;
        start(j, "kwd-group");
        attr_fixed(j, "kwd-group-type", "author");
        attr(j, "xml:lang", t->lang);
        for (size_t k = 0; k < t->nkeywords; k++)
            elem(j, "kwd", t->keywords[k]);
        end(j);
    }
    funding_group(j, &m->funding);
    end(j);
    return 0;
}

/* ---- back ---- */

static const char *publication_type(const char *csl)
{
    static const char *const map[][2] = {
        {"article-journal", "journal"},
        {"article", "journal"},
        {"article-magazine", "magazine"},
        {"article-newspaper", "newspaper"},
        {"book", "book"},
        {"chapter", "book"},
        {"report", "report"},
        {"webpage", "webpage"},
        {"post-weblog", "webpage"},
        {"thesis", "thesis"},
        {"paper-conference", "confproc"},
        {"dataset", "data"},
        {"patent", "patent"},
        {"standard", "standard"},
        {"legislation", "legal-doc"},
        {"legal_case", "legal-doc"},
        {"software", "software"},
    };
    for (size_t i = 0; csl && i < sizeof map / sizeof *map; i++)
        if (!strcmp(csl, map[i][0]))
            return map[i][1];
    return "other";
}

static void person_group(struct jw *j, const char *type, const struct csl_name *names, size_t n)
{
    if (!n)
        return;
    start(j, "person-group");
    attr(j, "person-group-type", type);
    for (size_t i = 0; i < n; i++) {
        const struct csl_name *p = &names[i];
        if (!empty(p->family)) {
            start(j, "name");
            elem(j, "surname", p->family);
            elem(j, "given-names", p->given);
            end(j);
        } else if (!empty(p->literal)) {
            elem(j, "collab", p->literal);
        } else if (!empty(p->given)) {
            start(j, "name");
            elem(j, "given-names", p->given);
            end(j);
        }
    }
    end(j);
}

/*
 * XML IDs from the CSL ids: letters, digits, '-', '_' and '.', after "ref-"; two ids that
 * differ only in dropped characters stay apart (the later gets "-N", N its position). All at
 * once: each id depends on those before it, and working that out again for each reference
 * and each citation took time exponential in their number (an article of 36 references
 * did not finish in minutes).
 */
static char **ref_ids(const struct reference_list *list)
{
    char **ids = xcalloc(list->n ? list->n : 1, sizeof(*ids));
    for (size_t i = 0; i < list->n; i++) {
        struct strbuf sb = STRBUF_INIT;
        strbuf_addstr(&sb, "ref-");
        for (const char *p = list->items[i].id ? list->items[i].id : ""; *p; p++) {
            char ch = *p;
            bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
            strbuf_addch(&sb, ok ? ch : '-');
        }
        for (size_t k = 0; k < i; k++)
            if (!strcmp(ids[k], sb.buf)) {
                strbuf_addf(&sb, "-%zu", i + 1);
                break;
            }
        ids[i] = strbuf_detach(&sb, NULL);
    }
    return ids;
}

/* The XML ID of reference index of the article's list (made once, freed with the writer). */
static const char *ref_id(struct jw *j, size_t index)
{
    if (!j->ref_ids)
        j->ref_ids = ref_ids(j->refs);
    return j->ref_ids[index];
}

static void reference(struct jw *j, const struct reference_list *list, size_t index)
{
    const struct reference *r = &list->items[index];
    start(j, "ref");
    attr(j, "id", ref_id(j, index));
    const char *type = publication_type(r->type);
    start(j, "element-citation");
    attr(j, "publication-type", type);
    person_group(j, "author", r->authors, r->nauthors);
    person_group(j, "editor", r->editors, r->neditors);
    bool whole_book = r->type && (!strcmp(r->type, "book") || !strcmp(r->type, "report") ||
                                  !strcmp(r->type, "thesis"));
    if (whole_book) {
        elem(j, "source", r->title);
    } else if (r->type && !strcmp(r->type, "chapter")) {
        elem(j, "chapter-title", r->title);
        elem(j, "source", r->container_title);
    } else {
        elem(j, "article-title", r->title);
        elem(j, "source", r->container_title);
    }
    if (r->year > 0) {
        char buf[16];
        snprintf(buf, sizeof buf, "%04d", r->year);
        start(j, "year");
        if (r->month && r->day) {
            char iso[16];
            snprintf(iso, sizeof iso, "%04d-%02d-%02d", r->year, r->month, r->day);
            attr(j, "iso-8601-date", iso);
        }
        text(j, buf);
        end(j);
        if (r->month >= 1 && r->month <= 12) {
            snprintf(buf, sizeof buf, "%02d", r->month);
            elem(j, "month", buf);
        }
        if (r->day >= 1 && r->day <= 31) {
            snprintf(buf, sizeof buf, "%02d", r->day);
            elem(j, "day", buf);
        }
    }
    elem(j, "edition", r->edition);
    elem(j, "volume", r->volume);
    elem(j, "issue", r->issue);
    page_elements(j, r->page);
    elem(j, "publisher-loc", r->publisher_place);
    elem(j, "publisher-name", r->publisher);
    if (!empty(r->event)) {
        elem(j, "conf-name", r->event);
        elem(j, "conf-loc", r->event_place);
    }
    elem(j, "isbn", r->isbn);
    elem(j, "issn", r->issn);
    if (!empty(r->number)) {
        start(j, "pub-id");
        attr_fixed(j, "pub-id-type", "other");
        text(j, r->number);
        end(j);
    }
    if (!empty(r->doi)) {
        start(j, "pub-id");
        attr_fixed(j, "pub-id-type", "doi");
        text(j, r->doi);
        end(j);
    }
    if (!empty(r->url) && followable(r->url))
        bare_url_link(j, r->url, !empty(r->title) ? r->title : r->container_title);
    if (!empty(r->genre))
        elem(j, "comment", r->genre);
    if (!empty(r->issued_literal))
        elem(j, "comment", r->issued_literal);
    end(j);
    end(j);
}

static void back(struct jw *j, const struct jats_source *src)
{
    const struct reference_list *refs =
        src->references ? src->references : &src->cite.m->references;
    bool has_refs = refs && refs->n;
    if (!j->nfootnotes && !has_refs)
        return;
    start(j, "back");
    if (j->nfootnotes) {
        start(j, "fn-group");
        for (size_t i = 0; i < j->nfootnotes; i++) {
            char id[32], label[32];
            start(j, "fn");
            attr(j, "id", decimal(id, "fn", i + 1, 0));
            elem(j, "label", decimal(label, "", i + 1, 0));
            if (cmark_node_first_child(j->footnotes[i]))
                blocks(j, j->footnotes[i]);
            else
                elem(j, "p", " ");
            end(j);
        }
        end(j);
    }
    if (has_refs) {
        start(j, "ref-list");
        elem(j, "title",
             src->cite.m->lang && !strncmp(src->cite.m->lang, "ru", 2) ? "Литература"
                                                                       : "References");
        for (size_t i = 0; i < refs->n; i++)
            reference(j, refs, i);
        end(j);
    }
    end(j);
}

static int check_input(const struct jats_source *src)
{
    if (!src || !src->cite.m)
        return error_internal("jats: no article given");
    const struct manuscript *m = src->cite.m;
    if (empty(m->title))
        return error_input("jats: the article has no title");
    if (empty(src->cite.journal))
        return error_input("jats: the journal has no title");
    const char *texts[] = {m->title, m->subtitle, m->abstract, src->cite.journal, m->body};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        size_t bad;
        const char *s = texts[i];
        /* A body parsed by the caller is the caller's to check (and 50 KB to read again). */
        if (s == m->body && src->body)
            continue;
        size_t len = s == m->body ? m->body_len : s ? strlen(s) : 0;
        if (s && !utf8_validate(s, len, &bad))
            return error_input("jats: the article is not valid UTF-8 (byte %zu)", bad + 1);
    }
    return 0;
}

int jats_article(const struct jats_source *src, struct strbuf *out)
{
    int rc = check_input(src);
    if (rc)
        return rc;
    const struct manuscript *m = src->cite.m;
    const struct reference_list *refs = src->references ? src->references : &m->references;
    cmark_node *doc = src->body;
    if (!doc) {
        rc = parse_markdown(m->body ? m->body : "", m->body ? m->body_len : 0, &doc);
        if (rc)
            return rc;
        intext_resolve(doc, cmark_get_default_mem_allocator(), refs, m->lang);
    }
    /* Written straight into out, which is cut back to where it was on failure. */
    size_t out_len = out->len;
    struct jw j = {.out = out, .refs = refs, .src = src};
    /* The DOCTYPE of the tag set the article follows: PMC and the JATS4R validator look
       for it, and with it `xmllint --valid` checks the article against the DTD
       (tests/specs/jats, offline through its catalog). */
    strbuf_addstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" JATS_DOCTYPE "\n");
    start(&j, "article");
    attr_fixed(&j, "xmlns:xlink", "http://www.w3.org/1999/xlink");
    attr_fixed(&j, "xmlns:mml", "http://www.w3.org/1998/Math/MathML");
    attr_fixed(&j, "xmlns:ali", "http://www.niso.org/schemas/ali/1.0/");
    attr(&j, "article-type", empty(m->type) ? "other" : m->type);
    attr_fixed(&j, "dtd-version", "1.3");
    attr(&j, "xml:lang", empty(m->lang) ? "en" : m->lang);
    start(&j, "front");
    journal_meta(&j, &src->cite);
    rc = article_meta(&j, src);
    end(&j);
    if (!rc) {
        start(&j, "body");
        body_blocks(&j, doc);
        end(&j);
        back(&j, src);
        end(&j);
        if (j.depth)
            j.failed = true;
        strbuf_addch(out, '\n');
    }
    if (!rc && j.failed)
        rc = error_internal("jats: cannot write the XML");
    if (rc)
        strbuf_setlen(out, out_len);
    free(j.open);
    free(j.footnotes);
    for (size_t i = 0; j.ref_ids && i < refs->n; i++)
        free(j.ref_ids[i]);
    free(j.ref_ids);
    if (!src->body)
        cmark_node_free(doc);
    return rc;
}
