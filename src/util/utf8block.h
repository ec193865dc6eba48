#ifndef JOURNAL_UTIL_UTF8BLOCK_H
#define JOURNAL_UTIL_UTF8BLOCK_H

/*
 * Sixteen bytes of UTF-8 checked at once with SSE2 (baseline on x86-64), for the
 * scanners that copy text in runs: utf8_validate, xml_text_clean and the XML escaper.
 * Callers keep a byte loop for builds without SSE2 and for short strings.
 */
#ifdef __SSE2__
#include <emmintrin.h>
#include <stdbool.h>
#include <stdint.h>

static inline __m128i utf8_load16(const void *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}

/*
 * For the sixteen bytes x, of which high = _mm_movemask_epi8(x) are from 0x80 on: bit k
 * set for byte k when it is not part of a character known to be well formed without a
 * closer look. Known are ASCII (never marked), two-byte sequences (lead 0xc2..0xdf, then a
 * continuation) and three-byte ones whose lead is 0xe1..0xec or 0xee (with with_ef, 0xef
 * too), which no continuation byte can make overlong or a surrogate, all inside the
 * sixteen bytes. Marked are the other leads (0xc0, 0xc1, 0xe0, 0xed, 0xf0 on), a lead
 * whose continuations are missing or lie past the block, and a continuation that no lead
 * in the block claims. So the bytes before the lowest bit set are whole characters, and
 * the byte at that bit starts a character (or is a stray byte) for the caller to decode.
 */
static inline unsigned utf8_block_irregular(__m128i x, unsigned high, bool with_ef)
{
    /* Signed bytes: 0x80..0xbf are -128..-65, 0xc0..0xdf -64..-33, 0xe0..0xff -32..-1. */
    unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(x, _mm_set1_epi8((char)0xc0)));
    unsigned lead2 =
        (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)0xc1)),
                                                  _mm_cmplt_epi8(x, _mm_set1_epi8((char)0xe0))));
    /* Only ASCII and whole two-byte characters, but for a lead that ends the block. */
    if (!((((lead2 << 1) & 0xffff) ^ cont) | (high ^ cont ^ lead2)))
        return lead2 & 0x8000;
    unsigned other = high & ~(cont | lead2), lead3 = 0;
    if (other) { /* Cyrillic text seldom gets here */
        __m128i l3 = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)0xe0)),
                                                _mm_cmplt_epi8(x, _mm_set1_epi8((char)0xed))),
                                  _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xee)));
        if (with_ef)
            l3 = _mm_or_si128(l3, _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xef)));
        lead3 = (unsigned)_mm_movemask_epi8(l3);
        other &= ~lead3;
    }
    unsigned claimed = (lead2 << 1) | (lead3 << 1) | (lead3 << 2);
    return other | (cont & ~claimed) | (lead2 & ~(cont >> 1)) | (lead3 & ~(cont >> 1 & cont >> 2));
}

/*
 * Whether the thirty-two bytes a, b (high: bit k for each byte from 0x80 on) hold only
 * ASCII and whole two-byte characters, but that a lead may end them: its bit is then bit
 * 31 of *lead, and the caller looks at that byte again with the next ones.
 */
static inline bool utf8_block32_two_byte(__m128i a, __m128i b, uint32_t high, uint32_t *lead)
{
    const __m128i c0 = _mm_set1_epi8((char)0xc0), c1 = _mm_set1_epi8((char)0xc1),
                  e0 = _mm_set1_epi8((char)0xe0);
    uint32_t cont = (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(a, c0)) |
                    (uint32_t)_mm_movemask_epi8(_mm_cmplt_epi8(b, c0)) << 16;
    *lead =
        (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(a, c1), _mm_cmplt_epi8(a, e0))) |
        (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(b, c1), _mm_cmplt_epi8(b, e0)))
            << 16;
    /* Each continuation right after a lead, each lead before one (the last aside), and
       nothing else from 0x80 on. */
    return !(((*lead << 1) ^ cont) | (high ^ cont ^ *lead));
}
#endif

#endif
