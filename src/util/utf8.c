#include "util/utf8.h"

#include "util/utf8block.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
/* The offset of the first byte from i on that utf8_block_irregular marks, else len; i itself
   when the string is too short to be read sixteen bytes at a time. The bytes before i are
   whole, well-formed characters. */
static size_t next_irregular(const unsigned char *s, size_t i, size_t len)
{
    /* Long texts thirty-two bytes at a time while they hold only ASCII and whole two-byte
       characters (a lead in the last byte waits for the next round); anything else is for
       the loop below. */
    while (len - i >= 32) {
        __m128i a = utf8_load16(s + i), b = utf8_load16(s + i + 16);
        uint32_t high = (uint32_t)_mm_movemask_epi8(a) | (uint32_t)_mm_movemask_epi8(b) << 16;
        uint32_t lead = 0;
        if (high && !utf8_block32_two_byte(a, b, high, &lead))
            break;
        i += 32 - (lead >> 31);
    }
    while (len - i >= 16) {
        __m128i x = utf8_load16(s + i);
        unsigned high = (unsigned)_mm_movemask_epi8(x);
        unsigned irregular = high ? utf8_block_irregular(x, high, true) : 0;
        if (irregular)
            return i + (size_t)__builtin_ctz(irregular);
        i += 16;
    }
    if (i == len || len < 16)
        return i;
    /* The last bytes: the sixteen that end the string. No lead among those before i (whole
       characters) claims a byte from i on, so the bits from i on are what a block starting
       at i would give. */
    size_t q = len - 16;
    __m128i x = utf8_load16(s + q);
    unsigned high = (unsigned)_mm_movemask_epi8(x);
    unsigned irregular = high ? utf8_block_irregular(x, high, true) >> (i - q) : 0;
    return irregular ? i + (size_t)__builtin_ctz(irregular) : len;
}
#endif

bool utf8_validate(const char *str, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)str;
    /* Most strings checked are short and ASCII (names, keys, dates): all their bytes at
       once, in two reads that overlap. */
    if (len >= 8 && len <= 16) {
        uint64_t head, tail;
        memcpy(&head, s, sizeof(head));
        memcpy(&tail, s + len - 8, sizeof(tail));
        if (!((head | tail) & UINT64_C(0x8080808080808080)))
            return true;
    }
#ifdef __SSE2__
    else if (len > 16 && len <= 32 &&
             !_mm_movemask_epi8(_mm_or_si128(utf8_load16(s), utf8_load16(s + len - 16))))
        return true;
#endif
    size_t i = 0;
    while (i < len) {
#ifdef __SSE2__
        /* Sixteen bytes at a time while they hold only ASCII and two- and three-byte
           characters that need no decoding (Latin, Cyrillic, punctuation). */
        i = next_irregular(s, i, len);
#endif
        /* Eight bytes at a time while no byte has its top bit: without SSE2, and in strings
           too short for it (names, titles). */
        while (len - i >= 8) {
            uint64_t word;
            memcpy(&word, s + i, sizeof(word));
            if (word & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        size_t n;
        unsigned int cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Cyrillic, Greek, Armenian, Georgian...: two bytes, no overlong form from 0xc2 on. */
        if (c >= 0xc2 && c <= 0xdf && i + 1 < len && (s[i + 1] & 0xc0) == 0x80) {
            i += 2;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            n = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4;
            cp = c & 0x07;
        } else {
            goto fail;
        }
        if (i + n > len)
            goto fail;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                goto fail;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            goto fail;
        i += n;
    }
    return true;
fail:
    if (bad)
        *bad = i;
    return false;
}

void utf8_position(const char *s, size_t off, size_t *line, size_t *column)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xc0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *column = c;
}

size_t utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            n++;
    return n;
}

bool utf8_decode(const char **str, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)*str;
    size_t n = p[0] < 0x80             ? 1
               : (p[0] & 0xe0) == 0xc0 ? 2
               : (p[0] & 0xf0) == 0xe0 ? 3
               : (p[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    *cp = p[0];
    *str = (const char *)p + 1;
    if (n <= 1)
        return n == 1;
    uint32_t v = p[0] & (0x3fu >> (n - 1));
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return false;
        v = (v << 6) | (p[k] & 0x3fu);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not characters. */
    if ((n == 2 && v < 0x80) || (n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
        (n == 4 && (v < 0x10000 || v > 0x10ffff)))
        return false;
    *cp = v;
    *str = (const char *)p + n;
    return true;
}

void utf8_append(struct strbuf *sb, uint32_t cp)
{
    /* Written in place: names are folded and rebuilt a character at a time. */
    char *b = strbuf_room(sb, 4);
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    b[n] = '\0';
    sb->len += n;
}

/* Ranges where upper and lower case alternate, the upper case on the even code point. */
static bool in_paired_range(uint32_t cp)
{
    return (cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177) ||
           (cp >= 0x218 && cp <= 0x21b) || (cp >= 0x460 && cp <= 0x481) ||
           (cp >= 0x48a && cp <= 0x4bf) || (cp >= 0x4d0 && cp <= 0x52f);
}

/* ... and where the upper case is on the odd one. */
static bool in_odd_paired_range(uint32_t cp)
{
    return (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e) ||
           (cp >= 0x4c1 && cp <= 0x4ce);
}

uint32_t utf8_tolower(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z' ? cp + 0x20 : cp;
    if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
        return cp + 0x20;
    if (cp == 0x130) /* İ */
        return 'i';
    if (in_paired_range(cp))
        return cp | 1;
    if (in_odd_paired_range(cp))
        return (cp & 1) ? cp + 1 : cp;
    if (cp == 0x178)
        return 0xff;
    if (cp == 0x18f) /* Ə */
        return 0x259;
    if ((cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2))
        return cp + 0x20;
    if (cp >= 0x410 && cp <= 0x42f)
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40f)
        return cp + 0x50;
    if (cp == 0x4c0)
        return 0x4cf;
    if (cp >= 0x531 && cp <= 0x556)
        return cp + 0x30;
    return cp;
}

uint32_t utf8_toupper(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z' ? cp - 0x20 : cp;
    if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
        return cp - 0x20;
    if (cp == 0xff)
        return 0x178;
    if (cp == 0x131) /* ı */
        return 'I';
    if (cp == 0x3c2) /* final sigma */
        return 0x3a3;
    if (in_paired_range(cp))
        return cp & ~1u;
    if (in_odd_paired_range(cp))
        return (cp & 1) ? cp : cp - 1;
    if (cp == 0x259)
        return 0x18f;
    if (cp >= 0x3b1 && cp <= 0x3cb && cp != 0x3c2)
        return cp - 0x20;
    if (cp >= 0x430 && cp <= 0x44f)
        return cp - 0x20;
    if (cp >= 0x450 && cp <= 0x45f)
        return cp - 0x50;
    if (cp == 0x4cf)
        return 0x4c0;
    if (cp >= 0x561 && cp <= 0x586)
        return cp - 0x30;
    return cp;
}
