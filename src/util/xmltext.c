#include "util/xmltext.h"

#include "util/alloc.h"
#include "util/utf8.h"
#include "util/utf8block.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
/* The bytes of x that are control characters (tab and line ends too) or, with markup, '<',
   '>', '&' or '"'; and, signed, the bytes from 0x80 on, which the callers take out. */
static inline __m128i control_or_markup(__m128i x, bool markup)
{
    __m128i hit = _mm_cmplt_epi8(x, _mm_set1_epi8(' '));
    if (markup) /* x | 2 is '>' for '<' and '>', x | 4 is '&' for '"' and '&' */
        hit = _mm_or_si128(
            hit,
            _mm_or_si128(_mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(2)), _mm_set1_epi8('>')),
                         _mm_cmpeq_epi8(_mm_or_si128(x, _mm_set1_epi8(4)), _mm_set1_epi8('&'))));
    return hit;
}

/* Bit k for byte k of x that is a control character (tab and line ends too), '<', '>', '&'
   or '"' when markup, or a byte from 0x80 on that utf8_block_irregular marks. */
static inline unsigned special_bits(__m128i x, bool markup)
{
    unsigned bits = (unsigned)_mm_movemask_epi8(control_or_markup(x, markup));
    unsigned high = (unsigned)_mm_movemask_epi8(x);
    if (high)
        bits = (bits & ~high) | utf8_block_irregular(x, high, false);
    return bits;
}
#endif

/* The first byte at or after p that xml_text_clean must look at (a control character, a
   byte from 0x80 on), else end. */
static const char *skip_clean(const char *p, const char *end)
{
#ifdef __SSE2__
    while (end - p >= 16) {
        unsigned bits = special_bits(utf8_load16(p), false);
        if (bits)
            return p + __builtin_ctz(bits);
        p += 16;
    }
#endif
    while (p < end && (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x80)
        p++;
    return p;
}

char *xml_text_clean(const char *s, bool trim)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = s ? s : "", *run = p, *end = p + strlen(p);
    while ((p = skip_clean(p, end)) < end) {
        /* Something to look at: what came before stays as it is. */
        unsigned char c = (unsigned char)*p;
        if (c == '\t' || c == '\n' || c == '\r') {
            p++;
            continue;
        }
        if (c < 0x20) {
            strbuf_add(&sb, run, (size_t)(p - run));
            run = ++p;
            continue;
        }
        const char *start = p;
        uint32_t cp;
        if (!utf8_decode(&p, &cp)) {
            strbuf_add(&sb, run, (size_t)(start - run));
            utf8_append(&sb, 0xfffd);
            run = p;
        } else if (cp == 0xfffe || cp == 0xffff) {
            strbuf_add(&sb, run, (size_t)(start - run));
            run = p;
        }
    }
    strbuf_add(&sb, run, (size_t)(p - run));
    if (trim)
        while (sb.len && strchr(" \t\r\n", sb.buf[sb.len - 1]))
            strbuf_setlen(&sb, sb.len - 1);
    return strbuf_detach(&sb, NULL);
}

/*
 * What xmlTextWriter writes for c: in text <, >, &, " and carriage return become
 * entities; in an attribute also line feed and tab, which a parser would otherwise
 * normalise to spaces. NULL: c stands as it is (or, a control, cannot stand at all).
 */
static const char *xml_entity(unsigned char c, bool attribute)
{
    switch (c) {
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '&':
        return "&amp;";
    case '"':
        return "&quot;";
    case '\r':
        return "&#13;";
    case '\n':
        return attribute ? "&#10;" : NULL;
    case '\t':
        return attribute ? "&#9;" : NULL;
    default:
        return NULL;
    }
}

/* 2: the escaper stops at the byte (a control, <, >, &, ", from 0x80 on); 1: only in an
   attribute (tab, line feed); 0: copied in a run. */
// clang-format off
static const unsigned char escape_stop[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 2, 2, 2, 2, 2, /* 0_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 1_ */
    0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 2_ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 0, /* 3_ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 4_ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 5_ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 6_ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 7_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 8_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 9_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* A_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* B_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* C_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* D_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* E_ */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* F_ */
};
// clang-format on

/* The first byte at or after p that the escaper must look at, else end. The bytes from s
   to p are whole, well-formed characters. */
static const char *skip_plain(const char *s, const char *p, const char *end, bool attribute)
{
#ifdef __SSE2__
    /* Thirty-two bytes at a time while there is nothing to escape and only ASCII and whole
       two-byte characters (a lead at the end waits for the next round); else sixteen. */
    while (end - p >= 32) {
        __m128i a = utf8_load16(p), b = utf8_load16(p + 16);
        uint32_t high = (uint32_t)_mm_movemask_epi8(a) | (uint32_t)_mm_movemask_epi8(b) << 16;
        uint32_t hits = (uint32_t)_mm_movemask_epi8(control_or_markup(a, true)) |
                        (uint32_t)_mm_movemask_epi8(control_or_markup(b, true)) << 16;
        uint32_t lead = 0;
        if ((hits & ~high) || (high && !utf8_block32_two_byte(a, b, high, &lead)))
            break;
        p += 32 - (lead >> 31);
    }
    while (end - p >= 16) {
        unsigned bits = special_bits(utf8_load16(p), true);
        if (bits)
            return p + __builtin_ctz(bits);
        p += 16;
    }
    if (p < end && end - s >= 16) {
        /* The last bytes: the sixteen that end s. No lead among those before p claims a
           byte from p on, so the bits from p on are what a block starting at p would give. */
        const char *q = end - 16;
        unsigned bits = special_bits(utf8_load16(q), true) >> (p - q);
        return bits ? p + __builtin_ctz(bits) : end;
    }
#else
    (void)s;
#endif
    unsigned char pass = attribute ? 1 : 2;
    while (p < end && escape_stop[(unsigned char)*p] < pass)
        p++;
    return p;
}

/*
 * Append s escaped; false, with sb partly written, when s has something xml_text_clean
 * would change: a control character, a byte that is not UTF-8, U+FFFE or U+FFFF.
 */
static bool escape_clean(struct strbuf *sb, const char *s, size_t len, bool attribute)
{
    const char *run = s, *p = s, *end = s + len;
    while ((p = skip_plain(s, p, end, attribute)) < end) {
        unsigned char c = (unsigned char)*p;
        if (!attribute && (c == '\t' || c == '\n')) { /* stand as they are in text */
            p++;
            continue;
        }
        if (c >= 0x80) {
            /* Two-byte characters (Cyrillic) and three-byte ones that are neither surrogates,
               overlong nor U+FFFE/U+FFFF: valid as they are, without decoding. */
            const unsigned char *u = (const unsigned char *)p;
            if (c >= 0xc2 && c <= 0xdf && (u[1] & 0xc0) == 0x80) {
                p += 2;
                continue;
            }
            if (((c >= 0xe1 && c <= 0xec) || c == 0xee) && (u[1] & 0xc0) == 0x80 &&
                (u[2] & 0xc0) == 0x80) {
                p += 3;
                continue;
            }
            uint32_t cp;
            if (!utf8_decode(&p, &cp) || cp == 0xfffe || cp == 0xffff)
                return false;
            continue;
        }
        const char *entity = xml_entity(c, attribute);
        if (!entity)
            return false; /* another control character */
        strbuf_add(sb, run, (size_t)(p - run));
        strbuf_addstr(sb, entity);
        run = ++p;
    }
    strbuf_add(sb, run, (size_t)(p - run));
    return true;
}

/* Seldom: s cleaned first, then escaped a byte at a time. */
static void escape_cleaned(struct strbuf *sb, const char *s, bool trim, bool attribute)
{
    char *clean = xml_text_clean(s, trim);
    for (const char *p = clean; *p; p++) {
        const char *entity = xml_entity((unsigned char)*p, attribute);
        if (entity)
            strbuf_addstr(sb, entity);
        else
            strbuf_addch(sb, *p);
    }
    free(clean);
}

void xml_text_escape(struct strbuf *sb, const char *s, bool attribute)
{
    if (!s)
        return;
    size_t at = sb->len;
    if (escape_clean(sb, s, strlen(s), attribute))
        return;
    strbuf_setlen(sb, at);
    escape_cleaned(sb, s, false, attribute);
}

void xml_text_escape_trimmed(struct strbuf *sb, const char *s, bool attribute)
{
    if (!s)
        return;
    size_t len = strlen(s);
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        len--;
    size_t at = sb->len;
    if (escape_clean(sb, s, len, attribute))
        return;
    strbuf_setlen(sb, at);
    escape_cleaned(sb, s, true, attribute);
}
