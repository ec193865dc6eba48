#define _GNU_SOURCE /* RTLD_NEXT */
#include "util/gfm.h"

#include "util/error.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cmark-gfm/houdini.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * cmark-gfm 0.29 keeps the characters that start an extension's inlines (':' and 'w' for
 * autolinks, '~' for strikethrough) in one table for the whole process. Each parse puts them
 * in when it starts on its inlines and takes them out when it is done, through
 * cmark_manage_extensions_special_characters: two threads parsing at once race, and the
 * first to finish takes the characters out under the other, whose bare URLs then stay text
 * and whose ~~strikes~~ stay tildes (github/cmark-gfm pull request 176, not merged; about one
 * article in eight of a 1,000-article build on two cores lost them).
 *
 * So the characters are put in and taken out by this file alone: strikethrough's once, when
 * parsing is set up (set_up_parsing, before any thread parses), for good; the autolinks'
 * while a parse with that extension is under way (autolinks_begin, autolinks_end, counted
 * under a lock), for most articles have no autolink and are parsed without it, faster.
 * This definition of the function, which the executables export (CMakeLists.txt) and
 * libcmark-gfm calls through its PLT, does nothing once parsing is set up. A character that
 * is in the table for a parse that lacks its extension only ends a run of text there, and
 * the parse joins the runs again (cmark_consolidate_text_nodes): the document is the same.
 * A build of the library that binds its own calls never calls this definition; the parses
 * then take turns at cmark_parser_finish instead, each putting in and taking out its own
 * (slower, and as right).
 */
typedef void manage_special_chars(cmark_parser *parser, int add);
static manage_special_chars *library_manage_special_chars;
static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static atomic_bool special_chars_set;
static atomic_bool manage_called;
static bool parses_take_turns;
static pthread_mutex_t finish_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t parsing_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t autolinks_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t autolink_parses; /* under way */

static void find_library_manage(void)
{
    library_manage_special_chars =
        (manage_special_chars *)dlsym(RTLD_NEXT, "cmark_manage_extensions_special_characters");
}

/* Before set_up_parsing, what the library's own does. */
void cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
    atomic_store_explicit(&manage_called, true, memory_order_relaxed);
    if (atomic_load(&special_chars_set))
        return;
    pthread_once(&library_once, find_library_manage);
    if (library_manage_special_chars)
        library_manage_special_chars(parser, add);
}

static int new_parser(int options, bool raw_html, bool autolink, cmark_mem *mem, cmark_parser **out)
{
    static const char *const extensions[] = {"table", "strikethrough", "autolink", "tagfilter"};
    *out = NULL;
    cmark_parser *parser = cmark_parser_new_with_mem(options, mem);
    if (!parser)
        return error_internal("cannot create the Markdown parser");
    for (size_t i = 0; i < sizeof(extensions) / sizeof(*extensions); i++) {
        /* tagfilter only matters when raw HTML is let through. */
        if ((!raw_html && !strcmp(extensions[i], "tagfilter")) ||
            (!autolink && !strcmp(extensions[i], "autolink")))
            continue;
        cmark_syntax_extension *ext = cmark_find_syntax_extension(extensions[i]);
        if (!ext) {
            cmark_parser_free(parser);
            return error_internal("cmark-gfm has no '%s' extension", extensions[i]);
        }
        cmark_parser_attach_syntax_extension(parser, ext);
    }
    *out = parser;
    return 0;
}

/* The characters of the extensions of a parser (strikethrough's, or the autolinks' alone)
   into the table, or out of it. */
static void manage_characters(bool autolinks, int add)
{
    cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    cmark_syntax_extension *ext =
        cmark_find_syntax_extension(autolinks ? "autolink" : "strikethrough");
    if (!parser || !ext) {
        if (parser)
            cmark_parser_free(parser);
        return; /* gfm_parse will say so */
    }
    cmark_parser_attach_syntax_extension(parser, ext);
    library_manage_special_chars(parser, add);
    cmark_parser_free(parser);
}

static void set_up_parsing(void)
{
    pthread_once(&library_once, find_library_manage);
    if (library_manage_special_chars) {
        manage_characters(false, 1);
        atomic_store(&special_chars_set, true);
    }
    /* Whether the library's parses call the definition above. */
    atomic_store(&manage_called, false);
    cmark_parser *parser;
    if (!new_parser(CMARK_OPT_DEFAULT, false, false, cmark_get_default_mem_allocator(), &parser)) {
        cmark_parser_feed(parser, "x", 1);
        cmark_node_free(cmark_parser_finish(parser));
        cmark_parser_free(parser);
    } else {
        error_clear();
    }
    parses_take_turns = !atomic_load(&manage_called) || !atomic_load(&special_chars_set);
}

void gfm_prepare(void)
{
    cmark_gfm_core_extensions_ensure_registered();
    pthread_once(&parsing_once, set_up_parsing);
}

bool gfm_parses_take_turns(void)
{
    gfm_prepare();
    return parses_take_turns;
}

/* Around a parse with the autolink extension: its characters are in the table meanwhile. */
static void autolinks_begin(void)
{
    if (parses_take_turns)
        return;
    pthread_mutex_lock(&autolinks_lock);
    if (autolink_parses++ == 0)
        manage_characters(true, 1);
    pthread_mutex_unlock(&autolinks_lock);
}

static void autolinks_end(void)
{
    if (parses_take_turns)
        return;
    pthread_mutex_lock(&autolinks_lock);
    if (--autolink_parses == 0)
        manage_characters(true, 0);
    pthread_mutex_unlock(&autolinks_lock);
}

static cmark_node *finish(cmark_parser *parser)
{
    if (!parses_take_turns)
        return cmark_parser_finish(parser);
    pthread_mutex_lock(&finish_lock);
    cmark_node *root = cmark_parser_finish(parser);
    pthread_mutex_unlock(&finish_lock);
    return root;
}

/* Autolinks start in the text at "://" (a bare URL), "www." or '@' (an e-mail address). */
static bool starts_autolink(const char *q, const char *end)
{
    switch (*q) {
    case '@':
        return true;
    case ':':
        return end - q >= 3 && q[1] == '/' && q[2] == '/';
    case 'w':
        return end - q >= 4 && q[1] == 'w' && q[2] == 'w' && q[3] == '.';
    }
    return false;
}

/* The first start of an autolink at or after p, or end: the bytes are read sixteen at a time
   for the three characters that begin one (SSE2, on every x86-64; a byte loop elsewhere). */
static const char *autolink_start(const char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i at = _mm_set1_epi8('@'), colon = _mm_set1_epi8(':'), w = _mm_set1_epi8('w');
    for (; end - p >= 16; p += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(x, at), _mm_or_si128(_mm_cmpeq_epi8(x, colon), _mm_cmpeq_epi8(x, w))));
        for (; mask; mask &= mask - 1) {
            const char *q = p + __builtin_ctz(mask);
            if (starts_autolink(q, end))
                return q;
        }
    }
#endif
    for (; p < end; p++)
        if (starts_autolink(p, end))
            return p;
    return end;
}

/*
 * Whether the source may hold an autolink, cheaply, to choose the parser (the document is
 * checked after all, see text_may_autolink): "://" in a link's destination ("](https://",
 * "<https://", "]: https://" of a definition) is not in the text.
 */
static bool source_may_autolink(const char *s, size_t len)
{
    const char *end = s + len;
    for (const char *p = autolink_start(s, end); p < end; p = autolink_start(p + 1, end)) {
        if (*p != ':')
            return true;
        const char *q = p;
        while (q > s && ((q[-1] >= 'a' && q[-1] <= 'z') || (q[-1] >= 'A' && q[-1] <= 'Z')))
            q--;
        bool destination = (q - s >= 2 && q[-1] == '(' && q[-2] == ']') ||
                           (q - s >= 1 && q[-1] == '<') ||
                           (q - s >= 3 && q[-1] == ' ' && q[-2] == ':' && q[-3] == ']');
        if (!destination)
            return true;
    }
    return false;
}

/*
 * Whether the autolink extension could change the document parsed without it. The extension
 * acts where its characters start a match in the text (':' of "://", "www.") and on the text
 * nodes holding '@'; without it, those characters stay in text nodes, so a document none of
 * whose text nodes holds "://", "www." or '@' is the one the extension would have made.
 */
static bool text_may_autolink(cmark_node *root)
{
    bool found = false;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while (!found && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_TEXT)
            continue;
        const char *t = cmark_node_get_literal(node);
        size_t n = t ? strlen(t) : 0;
        found = n && autolink_start(t, t + n) < t + n;
    }
    cmark_iter_free(it);
    return found;
}

static int parse_with(const char *text, size_t len, int options, bool raw_html, bool autolink,
                      cmark_mem *mem, cmark_node **root, cmark_parser **parser)
{
    int rc = new_parser(options, raw_html, autolink, mem, parser);
    if (rc)
        return rc;
    cmark_parser_feed(*parser, text, len);
    if (autolink)
        autolinks_begin();
    *root = finish(*parser);
    if (autolink)
        autolinks_end();
    if (*root)
        return 0;
    cmark_parser_free(*parser);
    *parser = NULL;
    return error_internal("cannot parse Markdown");
}

int gfm_parse(const char *text, size_t len, int options, bool raw_html, cmark_mem *mem,
              cmark_node **root, cmark_parser **parser)
{
    *root = NULL;
    *parser = NULL;
    gfm_prepare();
    bool autolink = source_may_autolink(text, len);
    int rc = parse_with(text, len, options, raw_html, autolink, mem, root, parser);
    if (rc || autolink || !text_may_autolink(*root))
        return rc;
    cmark_node_free(*root);
    cmark_parser_free(*parser);
    return parse_with(text, len, options, raw_html, true, mem, root, parser);
}

/*
 * cmark-gfm escapes the text of the HTML it renders with houdini_escape_html0, a byte at a
 * time through a table: that was a sixth of its renderer's work, and more than any other
 * part of it. This definition, which libcmark-gfm calls through its PLT as it does the one
 * above, writes the same bytes (test_markdown holds it to the library's own, found with
 * dlsym, on random texts in both modes), reading sixteen bytes at a time for the characters
 * to escape: '"', '&', '<' and '>', and in secure mode '\'' and '/' as well.
 */
static bufsize_t next_html_special(const uint8_t *src, bufsize_t i, bufsize_t size, int secure)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'),
                  gt = _mm_set1_epi8('>'), apos = _mm_set1_epi8('\''),
                  slash = _mm_set1_epi8(secure ? '/' : '"');
    for (; size - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, amp)),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, gt)));
        if (secure)
            hit =
                _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(x, apos), _mm_cmpeq_epi8(x, slash)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return i + (bufsize_t)__builtin_ctz(mask);
    }
#endif
    for (; i < size; i++) {
        uint8_t c = src[i];
        if (c == '"' || c == '&' || c == '<' || c == '>' || (secure && (c == '\'' || c == '/')))
            break;
    }
    return i;
}

int houdini_escape_html0(cmark_strbuf *ob, const uint8_t *src, bufsize_t size, int secure)
{
    bufsize_t i = 0;
    while (i < size) {
        bufsize_t run = i;
        i = next_html_special(src, i, size, secure);
        if (i > run)
            cmark_strbuf_put(ob, src + run, i - run);
        if (i >= size)
            break;
        switch (src[i]) {
        case '"':
            cmark_strbuf_puts(ob, "&quot;");
            break;
        case '&':
            cmark_strbuf_puts(ob, "&amp;");
            break;
        case '<':
            cmark_strbuf_puts(ob, "&lt;");
            break;
        case '>':
            cmark_strbuf_puts(ob, "&gt;");
            break;
        case '\'':
            cmark_strbuf_puts(ob, "&#39;");
            break;
        default:
            cmark_strbuf_puts(ob, "&#47;");
            break;
        }
        i++;
    }
    return 1;
}

static bool is_table(cmark_node *n)
{
    return n && !strcmp(cmark_node_get_type_string(n), "table");
}

/* The bytes of "Table: " or ": " at the start of a caption paragraph, or 0 when it is none. */
static size_t caption_prefix(cmark_node *para)
{
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return 0;
    cmark_node *first = cmark_node_first_child(para);
    const char *s = first && cmark_node_get_type(first) == CMARK_NODE_TEXT
                        ? cmark_node_get_literal(first)
                        : NULL;
    if (!s)
        return 0;
    size_t n = 0;
    if (!strncmp(s, "Table:", 6) || !strncmp(s, "table:", 6))
        n = 6;
    else if (s[0] == ':' && (s[1] == ' ' || s[1] == '\t'))
        n = 1;
    else
        return 0;
    while (s[n] == ' ' || s[n] == '\t')
        n++;
    /* A caption of nothing but its prefix is no caption. */
    return s[n] || cmark_node_next(first) ? n : 0;
}

/* The table a caption paragraph belongs to: the one before it, unless that one has a
   caption paragraph right before it, else the one after it. */
static cmark_node *caption_owner(cmark_node *para)
{
    if (!caption_prefix(para))
        return NULL;
    cmark_node *before = cmark_node_previous(para), *after = cmark_node_next(para);
    if (is_table(before) && !caption_prefix(cmark_node_previous(before)))
        return before;
    return is_table(after) ? after : NULL;
}

cmark_node *gfm_table_caption(cmark_node *table, size_t *skip)
{
    *skip = 0;
    if (!is_table(table))
        return NULL;
    cmark_node *c = cmark_node_previous(table);
    if (caption_owner(c) != table) {
        c = cmark_node_next(table);
        if (caption_owner(c) != table)
            return NULL;
    }
    *skip = caption_prefix(c);
    return c;
}

bool gfm_is_table_caption(cmark_node *para)
{
    return caption_owner(para) != NULL;
}
