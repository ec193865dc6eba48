#include "util/mustache.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * A template compiles to a flat array of nodes. A section's children are the
 * nodes that follow it, up to its end index, so rendering is a walk over index
 * ranges and no tree is ever built or parsed again.
 *
 * Partial indentation: the spec defines a standalone partial's indentation as
 * if it were prepended to every line of the partial's source before compiling.
 * Compiling once per indentation would defeat compiling once, so instead the
 * compiler marks every place where a line of the source begins and is not
 * swallowed by a standalone tag (NODE_LINE_START), and the renderer writes the
 * current indentation there. Interpolated values never get indented, exactly as
 * if the source had been indented.
 */

enum node_kind {
    NODE_TEXT,       /* literal text */
    NODE_LINE_START, /* a source line starts here: write the partial indentation */
    NODE_ESCAPED,    /* {{name}} */
    NODE_RAW,        /* {{{name}}} and {{&name}} */
    NODE_SECTION,    /* {{#name}} */
    NODE_INVERTED,   /* {{^name}} */
    NODE_PARTIAL,    /* {{>name}} */
};

/* One part of a dotted name, pointing into the template's source. */
struct key {
    const char *text;
    size_t len;
};

struct node {
    enum node_kind kind;
    /* TEXT: the text. Tags: the name as written, for messages and for matching {{/name}}. */
    const char *text;
    size_t len;
    /* Where the tag starts in the source, for messages. */
    size_t offset;
    /* Names: keys[first_key .. first_key + nr_keys); no keys is the implicit iterator ".". */
    size_t first_key;
    size_t nr_keys;
    /* Names: a hash of the name as written, for the page's name cache. */
    uint32_t name_hash;
    /* SECTION, INVERTED: index of the first node after the section. */
    size_t end;
    /* PARTIAL: the whitespace before a standalone tag, or NULL for an inline one. */
    const char *indent;
    size_t indent_len;
};

struct template
{
    char *name;
    size_t name_len;
    char *source; /* nodes and keys point into this copy */
    size_t source_len;
    struct node *nodes;
    size_t nr_nodes, alloc_nodes;
    struct key *keys;
    size_t nr_keys, alloc_keys;
    struct template *next; /* hash chain */
};

struct mustache_set {
    struct template **buckets;
    size_t nr_buckets; /* a power of two */
    size_t nr_templates;
};

/* ---- the set ---------------------------------------------------------- */

static uint64_t hash_name(const char *name, size_t len)
{
    uint64_t hash = 14695981039346656037u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        hash ^= (unsigned char)name[i];
        hash *= 1099511628211u;
    }
    return hash;
}

static struct template **find_slot(const struct mustache_set *set, const char *name, size_t len)
{
    struct template **slot = &set->buckets[hash_name(name, len) & (set->nr_buckets - 1)];
    while (*slot && !((*slot)->name_len == len && !memcmp((*slot)->name, name, len)))
        slot = &(*slot)->next;
    return slot;
}

static const struct template *find_template(const struct mustache_set *set, const char *name,
                                            size_t len)
{
    return *find_slot(set, name, len);
}

static void free_template(struct template *tpl)
{
    if (!tpl)
        return;
    free(tpl->name);
    free(tpl->source);
    free(tpl->nodes);
    free(tpl->keys);
    free(tpl);
}

static void grow_buckets(struct mustache_set *set)
{
    size_t nr_old = set->nr_buckets;
    struct template **old = set->buckets;
    set->nr_buckets = nr_old * 2;
    set->buckets = xcalloc(set->nr_buckets, sizeof(*set->buckets));
    for (size_t i = 0; i < nr_old; i++) {
        struct template *tpl = old[i];
        while (tpl) {
            struct template *next = tpl->next;
            struct template **slot =
                &set->buckets[hash_name(tpl->name, tpl->name_len) & (set->nr_buckets - 1)];
            tpl->next = *slot;
            *slot = tpl;
            tpl = next;
        }
    }
    free(old);
}

static void insert_template(struct mustache_set *set, struct template *tpl)
{
    struct template **slot = find_slot(set, tpl->name, tpl->name_len);
    if (*slot) {
        struct template *replaced = *slot;
        tpl->next = replaced->next;
        *slot = tpl;
        free_template(replaced);
        return;
    }
    tpl->next = NULL;
    *slot = tpl;
    if (++set->nr_templates > set->nr_buckets)
        grow_buckets(set);
}

struct mustache_set *mustache_set_new(void)
{
    struct mustache_set *set = xcalloc(1, sizeof(*set));
    set->nr_buckets = 16;
    set->buckets = xcalloc(set->nr_buckets, sizeof(*set->buckets));
    return set;
}

void mustache_set_free(struct mustache_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->nr_buckets; i++) {
        struct template *tpl = set->buckets[i];
        while (tpl) {
            struct template *next = tpl->next;
            free_template(tpl);
            tpl = next;
        }
    }
    free(set->buckets);
    free(set);
}

int mustache_set_has(const struct mustache_set *set, const char *name)
{
    return find_template(set, name, strlen(name)) != NULL;
}

/* ---- compiling -------------------------------------------------------- */

struct parser {
    struct template *tpl;
    const char *src;
    size_t len;
    size_t pos; /* start of the source not compiled yet */
    const char *open_tag, *close_tag;
    size_t open_len, close_len;
    /* "}" or "=" before the closing delimiter of the tag being compiled, or 0. */
    char marker;
    /* A line began and nothing of it has been emitted yet. */
    bool line_start_pending;
    /* Node indexes of the sections not closed yet, innermost last. */
    size_t *open_sections;
    size_t nr_open, alloc_open;
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void position_of(const char *src, size_t offset, size_t *line, size_t *column)
{
    size_t line_start = 0;
    *line = 1;
    for (size_t i = 0; i < offset; i++) {
        if (src[i] == '\n') {
            (*line)++;
            line_start = i + 1;
        }
    }
    /* Count characters, not bytes, so the column matches what an editor shows. */
    *column = 1;
    for (size_t i = line_start; i < offset; i++)
        if (((unsigned char)src[i] & 0xC0) != 0x80)
            (*column)++;
}

__attribute__((format(printf, 3, 4))) static int error_in(const struct template *tpl, size_t offset,
                                                          const char *fmt, ...)
{
    struct strbuf msg = STRBUF_INIT;
    size_t line, column;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&msg, fmt, ap);
    va_end(ap);
    position_of(tpl->source, offset, &line, &column);
    int err = error_at(tpl->name, line, column, "%s", msg.buf);
    strbuf_release(&msg);
    return err;
}

/* First occurrence of needle in src[from, len), or len. */
static size_t find(const char *src, size_t len, size_t from, const char *needle, size_t needle_len)
{
    while (from + needle_len <= len) {
        const char *hit = memchr(src + from, needle[0], len - from - needle_len + 1);
        if (!hit)
            break;
        size_t at = (size_t)(hit - src);
        if (!memcmp(hit, needle, needle_len))
            return at;
        from = at + 1;
    }
    return len;
}

static struct node *add_node(struct parser *p, enum node_kind kind)
{
    struct template *tpl = p->tpl;
    ARRAY_GROW(tpl->nodes, tpl->nr_nodes + 1, tpl->alloc_nodes);
    struct node *node = &tpl->nodes[tpl->nr_nodes++];
    memset(node, 0, sizeof(*node));
    node->kind = kind;
    return node;
}

static void flush_line_start(struct parser *p)
{
    if (p->line_start_pending) {
        add_node(p, NODE_LINE_START);
        p->line_start_pending = false;
    }
}

/* Literal text, one node per line so that each line start can get its indentation. */
static void add_text(struct parser *p, size_t from, size_t to)
{
    while (from < to) {
        const char *newline = memchr(p->src + from, '\n', to - from);
        size_t piece_end = newline ? (size_t)(newline - p->src) + 1 : to;
        flush_line_start(p);
        struct node *node = add_node(p, NODE_TEXT);
        node->text = p->src + from;
        node->len = piece_end - from;
        p->line_start_pending = newline != NULL;
        from = piece_end;
    }
}

static void trim(const char *src, size_t *start, size_t *end)
{
    while (*start < *end && is_space(src[*start]))
        (*start)++;
    while (*end > *start && is_space(src[*end - 1]))
        (*end)--;
}

static bool has_space(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (is_space(s[i]))
            return true;
    return false;
}

/*
 * The name in a tag's content. Whitespace inside it almost always means the
 * tag's closing delimiter was forgotten, so the message says that.
 */
static int parse_name(struct parser *p, size_t tag_start, size_t start, size_t end,
                      const char **name, size_t *len)
{
    trim(p->src, &start, &end);
    if (start == end)
        return error_in(p->tpl, tag_start, "expected a name in the tag");
    for (size_t i = start; i < end; i++) {
        if (is_space(p->src[i]))
            return error_in(p->tpl, tag_start, "expected '%s%.*s' after '%.*s'",
                            p->marker == '}' ? "}" : "", (int)p->close_len, p->close_tag,
                            (int)(i - start), p->src + start);
    }
    *name = p->src + start;
    *len = end - start;
    return 0;
}

/* Split a dotted name into the template's keys; "." alone has none. */
static int add_keys(struct parser *p, struct node *node, size_t tag_start)
{
    struct template *tpl = p->tpl;
    node->first_key = tpl->nr_keys;
    node->nr_keys = 0;
    node->name_hash = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < node->len; i++)
        node->name_hash = (node->name_hash ^ (unsigned char)node->text[i]) * 16777619u;
    if (node->len == 1 && node->text[0] == '.')
        return 0;
    const char *part = node->text;
    const char *end = node->text + node->len;
    for (;;) {
        const char *dot = memchr(part, '.', (size_t)(end - part));
        const char *part_end = dot ? dot : end;
        if (part_end == part)
            return error_in(tpl, tag_start, "bad name '%.*s': empty part between dots",
                            (int)node->len, node->text);
        ARRAY_GROW(tpl->keys, tpl->nr_keys + 1, tpl->alloc_keys);
        tpl->keys[tpl->nr_keys].text = part;
        tpl->keys[tpl->nr_keys].len = (size_t)(part_end - part);
        tpl->nr_keys++;
        node->nr_keys++;
        if (!dot)
            return 0;
        part = dot + 1;
    }
}

static int add_name_node(struct parser *p, enum node_kind kind, size_t tag_start, size_t start,
                         size_t end)
{
    const char *name;
    size_t len;
    int err = parse_name(p, tag_start, start, end, &name, &len);
    if (err)
        return err;
    struct node *node = add_node(p, kind);
    node->text = name;
    node->len = len;
    node->offset = tag_start;
    return add_keys(p, node, tag_start);
}

static int open_section(struct parser *p, enum node_kind kind, size_t tag_start, size_t start,
                        size_t end)
{
    int err = add_name_node(p, kind, tag_start, start, end);
    if (err)
        return err;
    ARRAY_GROW(p->open_sections, p->nr_open + 1, p->alloc_open);
    p->open_sections[p->nr_open++] = p->tpl->nr_nodes - 1;
    return 0;
}

static int close_section(struct parser *p, size_t tag_start, size_t start, size_t end)
{
    const char *name;
    size_t len;
    int err = parse_name(p, tag_start, start, end, &name, &len);
    if (err)
        return err;
    if (!p->nr_open)
        return error_in(p->tpl, tag_start, "closing tag for '%.*s' without an open section",
                        (int)len, name);
    struct node *section = &p->tpl->nodes[p->open_sections[p->nr_open - 1]];
    if (section->len != len || memcmp(section->text, name, len)) {
        size_t line, column;
        position_of(p->src, section->offset, &line, &column);
        return error_in(p->tpl, tag_start,
                        "expected the closing tag for section '%.*s' (opened at line %zu, column "
                        "%zu), found one for '%.*s'",
                        (int)section->len, section->text, line, column, (int)len, name);
    }
    section->end = p->tpl->nr_nodes;
    p->nr_open--;
    return 0;
}

static int add_partial(struct parser *p, size_t tag_start, size_t start, size_t end,
                       size_t indent_start, bool standalone)
{
    const char *name;
    size_t len;
    int err = parse_name(p, tag_start, start, end, &name, &len);
    if (err)
        return err;
    struct node *node = add_node(p, NODE_PARTIAL);
    node->text = name;
    node->len = len;
    node->offset = tag_start;
    if (standalone) {
        node->indent = p->src + indent_start;
        node->indent_len = tag_start - indent_start;
    }
    return 0;
}

/* {{=<% %>=}}: the content is the new opening and closing delimiter, separated by whitespace. */
static int change_delimiters(struct parser *p, size_t tag_start, size_t start, size_t end)
{
    const char *src = p->src;
    trim(src, &start, &end);
    size_t open_end = start;
    while (open_end < end && !is_space(src[open_end]))
        open_end++;
    size_t close_start = open_end;
    while (close_start < end && is_space(src[close_start]))
        close_start++;
    if (open_end == start || close_start == end || has_space(src + close_start, end - close_start))
        return error_in(p->tpl, tag_start,
                        "bad delimiter change: expected two delimiters separated by whitespace, "
                        "as in {{=<%% %%>=}}");
    p->open_tag = src + start;
    p->open_len = open_end - start;
    p->close_tag = src + close_start;
    p->close_len = end - close_start;
    return 0;
}

/*
 * The closing delimiter of a tag whose content starts at from. Triple mustaches
 * and delimiter changes end with a marker character before it ("}" or "=").
 */
static size_t find_close(const struct parser *p, size_t from, char marker)
{
    size_t at = from;
    for (;;) {
        at = find(p->src, p->len, at, p->close_tag, p->close_len);
        if (at == p->len || !marker || (at > from && p->src[at - 1] == marker))
            return at;
        at++;
    }
}

/*
 * A section, inverted section, closing, comment, delimiter or partial tag alone
 * on its line (apart from whitespace) is standalone: the whole line, newline
 * included, disappears from the output. Returns where compiling resumes, or 0
 * when the tag is not standalone.
 */
static size_t standalone_end(const struct parser *p, size_t indent_start, size_t tag_end)
{
    if (indent_start > 0 && p->src[indent_start - 1] != '\n')
        return 0;
    size_t at = tag_end;
    while (at < p->len && is_blank(p->src[at]))
        at++;
    if (at == p->len)
        return at;
    if (p->src[at] == '\n')
        return at + 1;
    if (p->src[at] == '\r' && at + 1 < p->len && p->src[at + 1] == '\n')
        return at + 2;
    return 0;
}

static int compile_tag(struct parser *p, size_t tag_start)
{
    const char *src = p->src;
    size_t content_start = tag_start + p->open_len;
    char sigil = content_start < p->len ? src[content_start] : '\0';
    char marker = 0;
    switch (sigil) {
    case '{':
        marker = '}';
        content_start++;
        break;
    case '=':
        marker = '=';
        content_start++;
        break;
    case '#':
    case '^':
    case '/':
    case '!':
    case '>':
    case '&':
        content_start++;
        break;
    case '<':
    case '$':
        return error_in(p->tpl, tag_start, "template inheritance ('%c' tags) is not supported",
                        sigil);
    default:
        sigil = 0;
        break;
    }

    p->marker = marker;
    size_t close_at = find_close(p, content_start, marker);
    if (close_at == p->len) {
        if (marker)
            return error_in(p->tpl, tag_start, "unclosed tag: expected '%c%.*s'", marker,
                            (int)p->close_len, p->close_tag);
        return error_in(p->tpl, tag_start, "unclosed tag: expected '%.*s'", (int)p->close_len,
                        p->close_tag);
    }
    size_t content_end = marker ? close_at - 1 : close_at;
    size_t tag_end = close_at + p->close_len;

    size_t indent_start = tag_start;
    while (indent_start > p->pos && is_blank(src[indent_start - 1]))
        indent_start--;
    size_t resume = 0;
    if (sigil && sigil != '&' && sigil != '{')
        resume = standalone_end(p, indent_start, tag_end);
    bool standalone = resume != 0;
    if (standalone) {
        add_text(p, p->pos, indent_start);
    } else {
        add_text(p, p->pos, tag_start);
        flush_line_start(p);
        resume = tag_end;
    }

    int err = 0;
    switch (sigil) {
    case '!':
        break;
    case '=':
        err = change_delimiters(p, tag_start, content_start, content_end);
        break;
    case '#':
        err = open_section(p, NODE_SECTION, tag_start, content_start, content_end);
        break;
    case '^':
        err = open_section(p, NODE_INVERTED, tag_start, content_start, content_end);
        break;
    case '/':
        err = close_section(p, tag_start, content_start, content_end);
        break;
    case '>':
        err = add_partial(p, tag_start, content_start, content_end, indent_start, standalone);
        break;
    case '&':
    case '{':
        err = add_name_node(p, NODE_RAW, tag_start, content_start, content_end);
        break;
    default:
        err = add_name_node(p, NODE_ESCAPED, tag_start, content_start, content_end);
        break;
    }
    p->pos = resume;
    return err;
}

static int compile(struct parser *p)
{
    while (p->pos < p->len) {
        size_t tag_start = find(p->src, p->len, p->pos, p->open_tag, p->open_len);
        if (tag_start == p->len) {
            add_text(p, p->pos, p->len);
            break;
        }
        int err = compile_tag(p, tag_start);
        if (err)
            return err;
    }
    if (p->nr_open) {
        const struct node *section = &p->tpl->nodes[p->open_sections[p->nr_open - 1]];
        return error_in(p->tpl, section->offset, "unclosed section '%.*s'", (int)section->len,
                        section->text);
    }
    return 0;
}

int mustache_set_add(struct mustache_set *set, const char *name, const char *src, size_t len)
{
    struct template *tpl = xcalloc(1, sizeof(*tpl));
    tpl->name = xstrdup(name);
    tpl->name_len = strlen(name);
    tpl->source = xmalloc(len + 1);
    if (len)
        memcpy(tpl->source, src, len);
    tpl->source[len] = '\0';
    tpl->source_len = len;

    struct parser parser = {
        .tpl = tpl,
        .src = tpl->source,
        .len = len,
        .open_tag = "{{",
        .open_len = 2,
        .close_tag = "}}",
        .close_len = 2,
        .line_start_pending = true,
    };
    int err = compile(&parser);
    free(parser.open_sections);
    if (err) {
        free_template(tpl);
        return err;
    }
    insert_template(set, tpl);
    return 0;
}

/* ---- rendering -------------------------------------------------------- */

struct name_cache;

struct context {
    const json_t *value;
    const struct context *parent;
    /* The page's data (the stack's bottom but for what is shared): its names' cache. */
    struct name_cache *names;
};

/*
 * What a name resolves to from the page's data down: a page looks up the same
 * names there again and again ({{t.label}} in every entry of a list, {{root}}
 * in every link), and neither the data nor what is shared changes while the
 * page renders, so each name is looked up there once per page. Names are
 * told apart by their text, dotted as written ("t.label"); a full cache
 * looks up the names that are not in it as if there were none.
 */
#define NAME_CACHE_SLOTS 128 /* a power of two */
struct name_cache {
    struct {
        const char *text; /* NULL: a free slot */
        size_t len;
        const json_t *value;
    } slot[NAME_CACHE_SLOTS];
    size_t used;
};

/* The node's name from ctx, the page's data, downwards, through the cache. */
static const json_t *lookup_from_data(const struct template *tpl, const struct node *node,
                                      const struct context *ctx)
{
    struct name_cache *cache = ctx->names;
    size_t at = node->name_hash & (NAME_CACHE_SLOTS - 1);
    while (cache->slot[at].text) {
        /* The same node again, or the same name in another node or template. */
        if (cache->slot[at].text == node->text ||
            (cache->slot[at].len == node->len &&
             !memcmp(cache->slot[at].text, node->text, node->len)))
            return cache->slot[at].value;
        at = (at + 1) & (NAME_CACHE_SLOTS - 1);
    }
    const struct key *key = &tpl->keys[node->first_key];
    const json_t *value = NULL;
    for (; ctx && !value; ctx = ctx->parent)
        value = json_object_getn(ctx->value, key->text, key->len);
    for (size_t i = 1; i < node->nr_keys && value; i++)
        value = json_object_getn(value, key[i].text, key[i].len);
    /* Three quarters full at most, so that a name not in it is soon found missing. */
    if (cache->used < NAME_CACHE_SLOTS / 4 * 3) {
        cache->slot[at].text = node->text;
        cache->slot[at].len = node->len;
        cache->slot[at].value = value;
        cache->used++;
    }
    return value;
}

/* Nested standalone partials indent by the sum of their tags' indentation. */
struct indent {
    const char *text;
    size_t len;
    const struct indent *outer;
};

static const json_t *lookup(const struct template *tpl, const struct node *node,
                            const struct context *ctx)
{
    if (!node->nr_keys)
        return ctx->value;
    const struct key *key = &tpl->keys[node->first_key];
    const json_t *value = NULL;
    /* The first part is looked up through the stack; the rest only inside what it found. */
    for (; ctx; ctx = ctx->parent) {
        if (ctx->names)
            return lookup_from_data(tpl, node, ctx);
        value = json_object_getn(ctx->value, key->text, key->len);
        if (value)
            break;
    }
    for (size_t i = 1; i < node->nr_keys && value; i++)
        value = json_object_getn(value, key[i].text, key[i].len);
    return value;
}

static bool is_truthy(const json_t *value)
{
    if (!value || json_is_null(value) || json_is_false(value))
        return false;
    return !json_is_array(value) || json_array_size(value) > 0;
}

/* The shortest decimal that reads back as the same double, so 1.21 prints as "1.21". */
static void add_real(struct strbuf *out, double value)
{
    char buf[32];
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(buf, sizeof(buf), "%.*g", precision, value);
        if (strtod(buf, NULL) == value)
            break;
    }
    strbuf_addstr(out, buf);
}

/*
 * strbuf_add for the many short texts a page is made of (a template's text
 * between tags, names, titles): copied in place when the buffer has room, as
 * it mostly has (site_render_page makes room for a page at once).
 */
static inline void put(struct strbuf *out, const char *s, size_t len)
{
    if (out->alloc - out->len > len) {
        memcpy(out->buf + out->len, s, len);
        out->len += len;
        out->buf[out->len] = '\0';
    } else {
        strbuf_add(out, s, len);
    }
}

/*
 * HTML escaping, the same as strbuf_add_html_escaped (&, <, >, " and '): every
 * name, title and link of every page goes through here, so the plain stretches
 * between the bytes to escape are found sixteen bytes at a time (SSE2).
 */
static const char *const html_entity[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};
static const unsigned char html_entity_len[256] = {
    ['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 6, ['\''] = 5,
};

/* The first byte at or after i in s[0..len) that HTML escapes, or len. */
static size_t next_html_special(const char *s, size_t i, size_t len)
{
#ifdef __SSE2__
    if (len - i >= 16) {
        const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                      quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
        do {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i hit = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(x, amp), _mm_cmpeq_epi8(x, lt)),
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, gt), _mm_cmpeq_epi8(x, quot)),
                             _mm_cmpeq_epi8(x, apos)));
            unsigned mask = (unsigned)_mm_movemask_epi8(hit);
            if (mask)
                return i + (size_t)__builtin_ctz(mask);
            i += 16;
        } while (len - i >= 16);
    }
#endif
    while (i < len && !html_entity_len[(unsigned char)s[i]])
        i++;
    return i;
}

static void add_html_escaped(struct strbuf *out, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = next_html_special(s, 0, len); i < len; i = next_html_special(s, run, len)) {
        unsigned char c = (unsigned char)s[i];
        put(out, s + run, i - run);
        put(out, html_entity[c], html_entity_len[c]);
        run = i + 1;
    }
    put(out, s + run, len - run);
}

/* As printf's "%" JSON_INTEGER_FORMAT writes it (counts and years on every page). */
static void add_integer(struct strbuf *out, json_int_t value)
{
    char digits[24];
    size_t at = sizeof(digits);
    /* Negative numbers through their magnitude as unsigned, which also holds the smallest. */
    unsigned long long magnitude =
        value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
    do {
        digits[--at] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (value < 0)
        digits[--at] = '-';
    put(out, digits + at, sizeof(digits) - at);
}

static void add_value(struct strbuf *out, const json_t *value, bool escape)
{
    if (!value)
        return;
    switch (json_typeof(value)) {
    case JSON_STRING:
        if (escape)
            add_html_escaped(out, json_string_value(value), json_string_length(value));
        else
            strbuf_add(out, json_string_value(value), json_string_length(value));
        break;
    case JSON_INTEGER:
        add_integer(out, json_integer_value(value));
        break;
    case JSON_REAL:
        add_real(out, json_real_value(value));
        break;
    case JSON_TRUE:
        strbuf_addstr(out, "true");
        break;
    case JSON_FALSE:
        strbuf_addstr(out, "false");
        break;
    default:
        break;
    }
}

static void add_indent(struct strbuf *out, const struct indent *indent)
{
    if (!indent)
        return;
    add_indent(out, indent->outer);
    strbuf_add(out, indent->text, indent->len);
}

static int render_nodes(const struct mustache_set *set, const struct template *tpl, size_t begin,
                        size_t end, const struct context *ctx, const struct indent *indent,
                        int depth, struct strbuf *out);

static int render_section(const struct mustache_set *set, const struct template *tpl, size_t index,
                          const struct context *ctx, const struct indent *indent, int depth,
                          struct strbuf *out)
{
    const struct node *node = &tpl->nodes[index];
    const json_t *value = lookup(tpl, node, ctx);
    if (node->kind == NODE_INVERTED) {
        if (is_truthy(value))
            return 0;
        return render_nodes(set, tpl, index + 1, node->end, ctx, indent, depth, out);
    }
    if (!is_truthy(value))
        return 0;
    struct context inner = {value, ctx, NULL};
    if (!json_is_array(value))
        return render_nodes(set, tpl, index + 1, node->end, &inner, indent, depth, out);
    for (size_t i = 0; i < json_array_size(value); i++) {
        inner.value = json_array_get(value, i);
        int err = render_nodes(set, tpl, index + 1, node->end, &inner, indent, depth, out);
        if (err)
            return err;
    }
    return 0;
}

static int render_partial(const struct mustache_set *set, const struct template *tpl,
                          const struct node *node, const struct context *ctx,
                          const struct indent *indent, int depth, struct strbuf *out)
{
    const struct template *partial = find_template(set, node->text, node->len);
    if (!partial)
        return 0;
    if (depth >= MUSTACHE_MAX_PARTIAL_DEPTH)
        return error_in(tpl, node->offset,
                        "partial '%.*s' nested more than %d deep (does it include itself?)",
                        (int)node->len, node->text, MUSTACHE_MAX_PARTIAL_DEPTH);
    /* An inline partial's lines are not indented at all, as in the spec's reference. */
    struct indent inner = {node->indent, node->indent_len, indent};
    return render_nodes(set, partial, 0, partial->nr_nodes, ctx, node->indent ? &inner : NULL,
                        depth + 1, out);
}

static int render_nodes(const struct mustache_set *set, const struct template *tpl, size_t begin,
                        size_t end, const struct context *ctx, const struct indent *indent,
                        int depth, struct strbuf *out)
{
    size_t i = begin;
    while (i < end) {
        const struct node *node = &tpl->nodes[i];
        int err = 0;
        switch (node->kind) {
        case NODE_TEXT:
            put(out, node->text, node->len);
            break;
        case NODE_LINE_START:
            add_indent(out, indent);
            break;
        case NODE_ESCAPED:
            add_value(out, lookup(tpl, node, ctx), true);
            break;
        case NODE_RAW:
            add_value(out, lookup(tpl, node, ctx), false);
            break;
        case NODE_SECTION:
        case NODE_INVERTED:
            err = render_section(set, tpl, i, ctx, indent, depth, out);
            i = node->end;
            if (err)
                return err;
            continue;
        case NODE_PARTIAL:
            err = render_partial(set, tpl, node, ctx, indent, depth, out);
            break;
        }
        if (err)
            return err;
        i++;
    }
    return 0;
}

int mustache_set_render(const struct mustache_set *set, const char *name, const json_t *data,
                        struct strbuf *out)
{
    return mustache_set_render_shared(set, name, NULL, data, out);
}

int mustache_set_render_shared(const struct mustache_set *set, const char *name,
                               const json_t *shared, const json_t *data, struct strbuf *out)
{
    const struct template *tpl = find_template(set, name, strlen(name));
    if (!tpl)
        return error_input("no template named '%s'", name);
    size_t old_len = out->len;
    struct name_cache names;
    for (size_t i = 0; i < NAME_CACHE_SLOTS; i++)
        names.slot[i].text = NULL;
    names.used = 0;
    struct context bottom = {shared, NULL, NULL};
    struct context root = {data, shared ? &bottom : NULL, &names};
    int err = render_nodes(set, tpl, 0, tpl->nr_nodes, &root, NULL, 0, out);
    if (err)
        strbuf_setlen(out, old_len);
    return err;
}
