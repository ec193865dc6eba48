#include "util/unicode.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucol.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* UTF-8 as UTF-16 (ICU's own form), invalid bytes as U+FFFD; *len gets the length in units. */
static UChar *to_utf16(const char *s, int32_t *len)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8WithSub(NULL, 0, &n, s, -1, 0xFFFD, NULL, &status);
    UChar *u = xmalloc(((size_t)n + 1) * sizeof(*u));
    status = U_ZERO_ERROR;
    u_strFromUTF8WithSub(u, n + 1, &n, s, -1, 0xFFFD, NULL, &status);
    if (U_FAILURE(status))
        n = 0;
    u[n] = 0;
    *len = n;
    return u;
}

static void add_utf16(struct strbuf *out, const UChar *u, int32_t len)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = 0;
    u_strToUTF8WithSub(NULL, 0, &n, u, len, 0xFFFD, NULL, &status);
    strbuf_grow(out, (size_t)n + 1);
    status = U_ZERO_ERROR;
    u_strToUTF8WithSub(out->buf + out->len, n + 1, &n, u, len, 0xFFFD, NULL, &status);
    if (U_SUCCESS(status))
        strbuf_setlen(out, out->len + (size_t)n);
}

static int code_point_width(UChar32 c)
{
    int category = u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY);
    if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK ||
        category == U_FORMAT_CHAR || category == U_CONTROL_CHAR)
        return 0;
    /* Hangul jamo vowels and final consonants join the syllable their leading consonant
       starts (ICU has them as letters of neutral width). */
    if ((c >= 0x1160 && c <= 0x11FF) || (c >= 0xD7B0 && c <= 0xD7FF))
        return 0;
    int eaw = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    if (eaw == U_EA_WIDE || eaw == U_EA_FULLWIDTH ||
        u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION))
        return 2;
    return 1;
}

/* A grapheme cluster (u[start..end)) takes the width of its first visible character; an
   emoji made a picture by U+FE0F takes two. */
static int cluster_width(const UChar *u, int32_t start, int32_t end)
{
    int width = -1;
    bool picture = false;
    for (int32_t i = start; i < end;) {
        UChar32 c;
        U16_NEXT(u, i, end, c);
        if (c == 0xFE0F)
            picture = true;
        int w = code_point_width(c);
        if (width < 0 && w > 0)
            width = w;
    }
    if (width < 0)
        return 0;
    return picture ? 2 : width;
}

/* Calls each(u, start, end, width, arg) for each grapheme cluster until it returns false. */
static void each_cluster(const UChar *u, int32_t len,
                         bool (*each)(const UChar *, int32_t, int32_t, int, void *), void *arg)
{
    if (!len)
        return;
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_CHARACTER, "", u, len, &status);
    if (U_FAILURE(status)) {
        /* Without ICU's data (it is built in on Debian): one code point at a time. */
        for (int32_t i = 0; i < len;) {
            int32_t start = i;
            U16_FWD_1(u, i, len);
            if (!each(u, start, i, cluster_width(u, start, i), arg))
                return;
        }
        return;
    }
    int32_t start = ubrk_first(bi);
    for (int32_t end = ubrk_next(bi); end != UBRK_DONE; start = end, end = ubrk_next(bi))
        if (!each(u, start, end, cluster_width(u, start, end), arg))
            break;
    ubrk_close(bi);
}

static bool add_width(const UChar *u, int32_t start, int32_t end, int width, void *arg)
{
    (void)u, (void)start, (void)end;
    *(size_t *)arg += (size_t)width;
    return true;
}

size_t text_display_width(const char *s)
{
    /* Plain ASCII, the common case, needs no ICU: printable characters are one column. */
    size_t width = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (; *p && *p < 0x80; p++)
        width += *p >= 0x20 && *p != 0x7f;
    if (!*p)
        return width;
    int32_t len;
    UChar *u = to_utf16(s, &len);
    width = 0;
    each_cluster(u, len, add_width, &width);
    free(u);
    return width;
}

struct cut {
    size_t width, used;
    int32_t end; /* in UTF-16 units: the clusters that fit */
};

static bool fit_cluster(const UChar *u, int32_t start, int32_t end, int width, void *arg)
{
    (void)u, (void)start;
    struct cut *c = arg;
    if (c->used + (size_t)width > c->width)
        return false;
    c->used += (size_t)width;
    c->end = end;
    return true;
}

/* Appends s cut to width columns and returns the columns it took. */
static size_t add_truncated(struct strbuf *out, const char *s, size_t width)
{
    size_t full = text_display_width(s);
    int32_t len;
    UChar *u = to_utf16(s, &len);
    size_t used;
    if (full <= width) {
        add_utf16(out, u, len); /* invalid bytes become U+FFFD here too */
        used = full;
    } else if (width == 0) {
        used = 0;
    } else {
        struct cut c = {width - 1, 0, 0}; /* room for the ellipsis */
        each_cluster(u, len, fit_cluster, &c);
        add_utf16(out, u, c.end);
        strbuf_addstr(out, "\u2026");
        used = c.used + 1;
    }
    free(u);
    return used;
}

char *text_truncate_to_width(const char *s, size_t width)
{
    struct strbuf out = STRBUF_INIT;
    add_truncated(&out, s, width);
    return strbuf_detach(&out, NULL);
}

void text_add_padded(struct strbuf *out, const char *s, size_t width)
{
    for (size_t used = add_truncated(out, s ? s : "", width); used < width; used++)
        strbuf_addch(out, ' ');
}

/* Case-folded code points of s; *n gets how many. */
static UChar32 *folded_code_points(const char *s, size_t *n)
{
    int32_t len;
    UChar *u = to_utf16(s, &len);
    UErrorCode status = U_ZERO_ERROR;
    int32_t flen = u_strFoldCase(NULL, 0, u, len, U_FOLD_CASE_DEFAULT, &status);
    UChar *f = xmalloc(((size_t)flen + 1) * sizeof(*f));
    status = U_ZERO_ERROR;
    u_strFoldCase(f, flen + 1, u, len, U_FOLD_CASE_DEFAULT, &status);
    if (U_FAILURE(status))
        flen = 0;
    UChar32 *cps = xmalloc(((size_t)flen + 1) * sizeof(*cps));
    size_t k = 0;
    for (int32_t i = 0; i < flen;) {
        UChar32 c;
        U16_NEXT(f, i, flen, c);
        cps[k++] = c;
    }
    free(u);
    free(f);
    *n = k;
    return cps;
}

/* Optimal string alignment distance: an adjacent transposition ("fialed") is one edit. */
static size_t edit_distance(const UChar32 *a, size_t na, const UChar32 *b, size_t nb)
{
    size_t *rows = xmalloc(3 * (nb + 1) * sizeof(*rows));
    size_t *prev2 = rows, *prev = rows + nb + 1, *cur = rows + 2 * (nb + 1);
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1;
            cur[j] = best;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[nb];
    free(rows);
    return d;
}

const char *text_suggest(const char *word, const char *const *candidates)
{
    size_t nw;
    UChar32 *w = folded_code_points(word, &nw);
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    for (const char *const *c = candidates; *c; c++) {
        size_t nc;
        UChar32 *cp = folded_code_points(*c, &nc);
        size_t d = edit_distance(w, nw, cp, nc);
        size_t longer = nw > nc ? nw : nc;
        size_t allowed = longer / 3 ? longer / 3 : 1;
        if (d <= allowed && d < best_distance) {
            best = *c;
            best_distance = d;
        }
        free(cp);
    }
    free(w);
    return best;
}

/* ---- collation ---------------------------------------------------------- */

struct text_collator {
    UCollator *ucol;
};

int text_collator_open(struct text_collator **out, const char *lang)
{
    *out = NULL;
    UErrorCode status = U_ZERO_ERROR;
    /* ICU takes "ru_RU"; a BCP 47 tag's hyphen names the same locale. */
    char locale[32] = "";
    if (lang) {
        size_t i = 0;
        for (; lang[i] && i + 1 < sizeof(locale); i++)
            locale[i] = lang[i] == '-' ? '_' : lang[i];
        locale[i] = '\0';
    }
    UCollator *ucol = ucol_open(locale, &status);
    if (U_FAILURE(status))
        return error_internal("cannot open ICU's collator for '%s': %s (package libicu)", locale,
                              u_errorName(status));
    *out = xcalloc(1, sizeof(**out));
    (*out)->ucol = ucol;
    return 0;
}

void text_collator_free(struct text_collator *c)
{
    if (!c)
        return;
    ucol_close(c->ucol);
    free(c);
}

int text_collate(const struct text_collator *c, const char *a, const char *b)
{
    UErrorCode status = U_ZERO_ERROR;
    UCollationResult r = ucol_strcollUTF8(c->ucol, a, -1, b, -1, &status);
    if (U_FAILURE(status))
        return strcmp(a, b); /* only for ICU's own failures (memory) */
    return r == UCOL_LESS ? -1 : r == UCOL_GREATER;
}

/* ICU's sort key of s, NUL-terminated; *len excludes the NUL. */
static uint8_t *sort_key_of(const struct text_collator *c, const char *s, int32_t *len)
{
    int32_t n16;
    UChar *u = to_utf16(s, &n16);
    int32_t need = ucol_getSortKey(c->ucol, u, n16, NULL, 0);
    uint8_t *key = xmalloc((size_t)need + 1);
    ucol_getSortKey(c->ucol, u, n16, key, need + 1);
    key[need] = 0;
    free(u);
    *len = need ? need - 1 : 0; /* ICU counts the terminating NUL */
    return key;
}

void text_sort_key(const struct text_collator *c, const char *const *parts, size_t nparts,
                   struct strbuf *out)
{
    int32_t len = 0;
    uint8_t *merged = nparts ? sort_key_of(c, parts[0], &len) : NULL;
    for (size_t i = 1; i < nparts; i++) {
        int32_t next_len;
        uint8_t *next = sort_key_of(c, parts[i], &next_len);
        int32_t need = ucol_mergeSortkeys(merged, len + 1, next, next_len + 1, NULL, 0);
        uint8_t *both = xmalloc((size_t)need + 1);
        ucol_mergeSortkeys(merged, len + 1, next, next_len + 1, both, need + 1);
        both[need] = 0;
        len = need ? need - 1 : 0;
        free(merged);
        free(next);
        merged = both;
    }
    if (merged)
        strbuf_add(out, (const char *)merged, (size_t)len);
    free(merged);
}

struct keyed {
    char *key;
    size_t index;
};

static int compare_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int cmp = strcmp(x->key, y->key);
    if (cmp)
        return cmp;
    return x->index < y->index ? -1 : x->index > y->index;
}

void text_sort(const struct text_collator *c, void *base, size_t n, size_t size,
               const char *(*key)(const void *element))
{
    if (n < 2)
        return;
    struct keyed *k = xcalloc(n, sizeof(*k));
    for (size_t i = 0; i < n; i++) {
        struct strbuf sb = STRBUF_INIT;
        const char *text = key((const char *)base + i * size);
        text_sort_key(c, &text, 1, &sb);
        k[i].key = strbuf_detach(&sb, NULL);
        k[i].index = i;
    }
    qsort(k, n, sizeof(*k), compare_keyed);
    char *sorted = xmalloc(n * size);
    for (size_t i = 0; i < n; i++) {
        memcpy(sorted + i * size, (const char *)base + k[i].index * size, size);
        free(k[i].key);
    }
    memcpy(base, sorted, n * size);
    free(sorted);
    free(k);
}
