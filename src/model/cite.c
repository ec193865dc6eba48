#include "model/cite.h"

#include "util/alloc.h"
#include "util/utf8.h"

#include <cmark-gfm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The length of the letter or digit at s[i] (a UTF-8 sequence for a cased letter), or 0. */
static size_t word_char(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')
        return 1;
    if (c < 0x80)
        return 0;
    /* Decode from a copy that ends where s does. */
    char buf[5] = {0};
    size_t n = 0;
    while (n < 4 && i + n < len && (n == 0 || ((unsigned char)s[i + n] & 0xc0) == 0x80)) {
        buf[n] = s[i + n];
        n++;
    }
    const char *p = buf;
    uint32_t cp;
    if (!utf8_decode(&p, &cp))
        return 0;
    return utf8_tolower(cp) != cp || utf8_toupper(cp) != cp ? (size_t)(p - buf) : 0;
}

/* The key after the '@' at s[at]: its bounds in *kstart, *klen; the end of the key's text. */
static size_t read_key(const char *s, size_t len, size_t at, size_t *kstart, size_t *klen)
{
    size_t i = at + 1;
    if (i < len && s[i] == '{') {
        size_t j = i + 1;
        while (j < len && s[j] != '}' && s[j] != '\n')
            j++;
        if (j >= len || s[j] != '}' || j == i + 1)
            return 0;
        *kstart = i + 1;
        *klen = j - i - 1;
        return j + 1;
    }
    size_t w = i < len ? word_char(s, len, i) : 0;
    if (!w)
        return 0;
    size_t j = i + w;
    while (j < len) {
        if ((w = word_char(s, len, j))) {
            j += w;
            continue;
        }
        if (strchr(":.#$%&-+?<>~/", s[j]) && s[j] && j + 1 < len && word_char(s, len, j + 1)) {
            j++;
            continue;
        }
        break;
    }
    *kstart = i;
    *klen = j - i;
    return j;
}

static char *trimmed(const char *s, size_t len)
{
    while (len && is_space(*s))
        s++, len--;
    while (len && is_space(s[len - 1]))
        len--;
    return len ? xstrndup(s, len) : NULL;
}

/* A locator or suffix: "p. 12" from ", p. 12". */
static char *locator(const char *s, size_t len)
{
    while (len && is_space(*s))
        s++, len--;
    if (len && *s == ',')
        s++, len--;
    return trimmed(s, len);
}

static void add_item(struct cite *c, size_t *alloc, struct cite_item item)
{
    ARRAY_GROW(c->items, c->n + 1, *alloc);
    c->items[c->n++] = item;
}

/* One part of a bracketed citation, s[0..len): "see -@key, p. 3". */
static bool bracket_part(const char *s, size_t len, struct cite_item *item)
{
    memset(item, 0, sizeof(*item));
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '@' || (i && word_char(s, len, i - 1) && s[i - 1] != '-'))
            continue;
        size_t ks, kl, end = read_key(s, len, i, &ks, &kl);
        if (!end)
            continue;
        size_t before = i;
        if (i && s[i - 1] == '-' && (i == 1 || is_space(s[i - 2]))) {
            item->suppress_author = true;
            before--;
        } else if (i && !is_space(s[i - 1])) {
            continue;
        }
        item->key = xstrndup(s + ks, kl);
        item->prefix = trimmed(s, before);
        item->locator = locator(s + end, len - end);
        return true;
    }
    return false;
}

static void items_free(struct cite_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].key);
        free(items[i].prefix);
        free(items[i].locator);
    }
    free(items);
}

/* A bracketed citation from the '[' at s[at]; its end, or 0 when the brackets are text. */
static size_t bracketed(const char *s, size_t len, size_t at, struct cite *c)
{
    size_t close = at + 1;
    while (close < len && s[close] != ']' && s[close] != '[')
        close++;
    if (close >= len || s[close] != ']')
        return 0;
    size_t alloc = 0;
    for (size_t p = at + 1; p <= close;) {
        size_t q = p;
        while (q < close && s[q] != ';')
            q++;
        struct cite_item item;
        if (!bracket_part(s + p, q - p, &item)) {
            items_free(c->items, c->n);
            c->items = NULL;
            c->n = 0;
            return 0;
        }
        add_item(c, &alloc, item);
        p = q + 1;
    }
    return close + 1;
}

/* A narrative citation from the '@' at s[at], with an optional " [locator]" after it. */
static size_t narrative(const char *s, size_t len, size_t at, struct cite *c)
{
    if (at && (word_char(s, len, at - 1) || s[at - 1] == '@'))
        return 0;
    /* A non-ASCII letter before the '@': back to the first byte of its sequence. */
    size_t back = at;
    while (back && ((unsigned char)s[back - 1] & 0xc0) == 0x80)
        back--;
    if (back < at && back && word_char(s, len, back - 1))
        return 0;
    size_t ks, kl, end = read_key(s, len, at, &ks, &kl);
    if (!end)
        return 0;
    struct cite_item item = {.key = xstrndup(s + ks, kl)};
    size_t j = end;
    if (j < len && s[j] == ' ')
        j++;
    if (j < len && s[j] == '[') {
        size_t close = j + 1;
        while (close < len && s[close] != ']' && s[close] != '[' && s[close] != '@')
            close++;
        if (close < len && s[close] == ']') {
            item.locator = locator(s + j + 1, close - j - 1);
            end = close + 1;
        }
    }
    size_t alloc = 0;
    add_item(c, &alloc, item);
    c->narrative = true;
    return end;
}

bool cite_next(const char *s, size_t len, size_t from, struct cite *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = from; i < len; i++) {
        size_t end = 0;
        if (s[i] == '[')
            end = bracketed(s, len, i, out);
        else if (s[i] == '@')
            end = narrative(s, len, i, out);
        if (end) {
            out->start = i;
            out->end = end;
            return true;
        }
    }
    return false;
}

void cite_free(struct cite *c)
{
    items_free(c->items, c->n);
    memset(c, 0, sizeof(*c));
}

static bool hides_text(cmark_node *n)
{
    cmark_node_type t = cmark_node_get_type(n);
    return t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE;
}

size_t cite_text_nodes(cmark_node *root, cmark_node ***out)
{
    cmark_consolidate_text_nodes(root);
    size_t n = 0, alloc = 0;
    *out = NULL;
    int hidden = 0;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (hides_text(node)) {
            hidden += ev == CMARK_EVENT_ENTER ? 1 : -1;
            continue;
        }
        if (ev != CMARK_EVENT_ENTER || hidden || cmark_node_get_type(node) != CMARK_NODE_TEXT)
            continue;
        const char *lit = cmark_node_get_literal(node);
        if (!lit || (!strchr(lit, '@')))
            continue;
        ARRAY_GROW(*out, n + 1, alloc);
        (*out)[n++] = node;
    }
    cmark_iter_free(it);
    return n;
}

size_t cite_node_line(cmark_node *text)
{
    /* Inline nodes carry no line of their own in cmark-gfm 0.29: count the line breaks
     * before the node in the block that holds it. */
    cmark_node *block = cmark_node_parent(text);
    while (block && ((cmark_node_get_type(block) & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK ||
                     !cmark_node_get_start_line(block)))
        block = cmark_node_parent(block);
    if (!block)
        return 1;
    size_t line = (size_t)cmark_node_get_start_line(block);
    cmark_iter *it = cmark_iter_new(block);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (node == text)
            break;
        cmark_node_type t = cmark_node_get_type(node);
        if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK))
            line++;
    }
    cmark_iter_free(it);
    return line;
}
