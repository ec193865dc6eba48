#include "util/strbuf.h"

#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
    sb->buf = strbuf_empty;
    sb->len = 0;
    sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
    if (sb->alloc)
        free(sb->buf);
    strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
    char *res;
    if (len)
        *len = sb->len;
    if (!sb->alloc)
        res = xstrdup("");
    else
        res = sb->buf;
    strbuf_init(sb);
    return res;
}

void strbuf_reset(struct strbuf *sb)
{
    strbuf_setlen(sb, 0);
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return;
    size_t n = sb->alloc ? sb->alloc : 64;
    while (n < need)
        n *= 2;
    if (!sb->alloc) {
        sb->buf = xmalloc(n);
        sb->buf[0] = '\0';
    } else {
        sb->buf = xrealloc(sb->buf, n);
    }
    sb->alloc = n;
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
    if (!sb->alloc)
        return;
    sb->len = len;
    sb->buf[len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    /* Formatted once into the room there is (64 bytes at least), again only if it is short. */
    strbuf_grow(sb, 64);
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
    va_end(cp);
    if (n <= 0) {
        sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= sb->alloc - sb->len) {
        strbuf_grow(sb, (size_t)n);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    }
    sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

/* What strbuf_add_html_escaped replaces; NULL for a byte that stands as it is. */
static const char *const html_entity[256] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

#ifdef __SSE2__
/* Bit k for byte k of the sixteen at p that html_entity replaces. */
static inline unsigned html_bits(const char *p)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    /* x | 2 is '>' for '<' and '>'; x | 1 is '\'' for '&' and '\''. */
    __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(2)), _mm_set1_epi8('>')),
                     _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(1)), _mm_set1_epi8('\''))),
        _mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The offset of the first byte from i on that html_entity replaces, else len. */
static size_t next_html_special(const char *s, size_t i, size_t len)
{
#ifdef __SSE2__
    /* Names, titles and links are escaped on every page: sixteen bytes at a time, and the
       last few bytes with the sixteen that end s (each byte is judged on its own). */
    for (; len - i >= 16; i += 16) {
        unsigned mask = html_bits(s + i);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
    if (i < len && len >= 16) {
        unsigned mask = html_bits(s + len - 16) >> (16 - (len - i));
        return mask ? i + (size_t)__builtin_ctz(mask) : len;
    }
#endif
    while (i < len && !html_entity[(unsigned char)s[i]])
        i++;
    return i;
}

void strbuf_add_html_escaped(struct strbuf *sb, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = next_html_special(s, 0, len); i < len; i = next_html_special(s, i, len)) {
        strbuf_add(sb, s + start, i - start);
        strbuf_addstr(sb, html_entity[(unsigned char)s[i]]);
        start = ++i;
    }
    strbuf_add(sb, s + start, len - start);
}

void strbuf_trim_trailing_newlines(struct strbuf *sb)
{
    size_t len = sb->len;
    while (len && (sb->buf[len - 1] == '\n' || sb->buf[len - 1] == '\r'))
        len--;
    strbuf_setlen(sb, len);
}
