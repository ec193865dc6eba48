#include "util/unicode.h"

#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucol.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

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

bool text_is_unspaced_script(const char *s)
{
    bool letters = false;
    const uint8_t *p = (const uint8_t *)s;
    int32_t len = (int32_t)strlen(s);
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c < 0)
            return false;
        if (!u_isalpha(c))
            continue;
        UErrorCode err = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &err);
        if (U_FAILURE(err) || (sc != USCRIPT_HAN && sc != USCRIPT_HANGUL &&
                               sc != USCRIPT_HIRAGANA && sc != USCRIPT_KATAKANA))
            return false;
        letters = true;
    }
    return letters;
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

/* ---- Matching across scripts and spellings (issue 16) ---------------------------------- */

/*
 * Russian-Latin/BGN first, because Any-Latin romanises Cyrillic by ISO 9 (Юлия -> "Ûliâ",
 * "Ulia" once folded), a form no one writes their name in; BGN/PCGN ("Yuliya", "Dmitriy") is
 * what passports and bylines mostly follow, and text_spelling_fold absorbs the rest.
 */
#define LATIN_ASCII_ID "Russian-Latin/BGN; Any-Latin; Latin-ASCII; Lower"

/*
 * Per thread: the transliterator and the words it has already done. ICU's compound
 * transliterator costs about 50,000 instructions a word; the names of a journal repeat
 * (given names, "университет", "государственный"), so each distinct word goes through ICU
 * once: reading the names and institutions of bench/assign.sh at 2,000 x 800 took 973
 * million instructions (callgrind) and takes 175 million with the cache, 156 million of them
 * opening the transliterator (docs/performance.md).
 */
#define WORD_CACHE_SLOTS 16384 /* a power of two */
#define WORD_CACHE_MAX   12000 /* then the cache starts afresh */

struct word_cache_entry {
    char *word, *latin;
};

struct transliteration {
    UTransliterator *t;
    struct word_cache_entry *slots;
    size_t count;
};

static pthread_key_t transliteration_key;
static pthread_once_t transliteration_once = PTHREAD_ONCE_INIT;

static void clear_word_cache(struct transliteration *tr)
{
    for (size_t i = 0; i < WORD_CACHE_SLOTS; i++) {
        free(tr->slots[i].word);
        free(tr->slots[i].latin);
    }
    memset(tr->slots, 0, WORD_CACHE_SLOTS * sizeof(*tr->slots));
    tr->count = 0;
}

static void close_transliteration(void *arg)
{
    struct transliteration *tr = arg;
    clear_word_cache(tr);
    free(tr->slots);
    utrans_close(tr->t);
    free(tr);
}

static void make_transliteration_key(void)
{
    pthread_key_create(&transliteration_key, close_transliteration);
}

static struct transliteration *thread_transliteration(void)
{
    pthread_once(&transliteration_once, make_transliteration_key);
    struct transliteration *tr = pthread_getspecific(transliteration_key);
    if (tr)
        return tr;
    UErrorCode status = U_ZERO_ERROR;
    UChar id[64];
    u_uastrcpy(id, LATIN_ASCII_ID);
    UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &status);
    if (U_FAILURE(status))
        return NULL;
    tr = xcalloc(1, sizeof(*tr));
    tr->t = t;
    tr->slots = xcalloc(WORD_CACHE_SLOTS, sizeof(*tr->slots));
    pthread_setspecific(transliteration_key, tr);
    return tr;
}

/* One word (not all ASCII) through ICU, appended to out. */
static int transliterate_word(UTransliterator *t, struct strbuf *out, const char *word, size_t len)
{
    char *s = xstrndup(word, len);
    int32_t n16;
    UChar *u = to_utf16(s, &n16);
    free(s);
    /* Transliteration can lengthen the text: Щ is four letters, a Han character a syllable. */
    int32_t capacity = n16 * 4 + 16;
    for (;;) {
        UErrorCode status = U_ZERO_ERROR;
        UChar *work = xmalloc((size_t)capacity * sizeof(*work));
        memcpy(work, u, (size_t)n16 * sizeof(*u));
        int32_t n = n16, limit = n16;
        utrans_transUChars(t, work, &n, capacity, 0, &limit, &status);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            free(work);
            capacity *= 2;
            continue;
        }
        if (U_SUCCESS(status))
            add_utf16(out, work, n);
        free(work);
        free(u);
        return U_SUCCESS(status) ? 0
                                 : error_internal("ICU transliteration: %s", u_errorName(status));
    }
}

static int latin_word(struct transliteration *tr, struct strbuf *out, const char *word, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)word[i]) * 1099511628211ULL;
    size_t slot = (size_t)h & (WORD_CACHE_SLOTS - 1);
    while (tr->slots[slot].word) {
        if (!strncmp(tr->slots[slot].word, word, len) && !tr->slots[slot].word[len]) {
            strbuf_addstr(out, tr->slots[slot].latin);
            return 0;
        }
        slot = (slot + 1) & (WORD_CACHE_SLOTS - 1);
    }
    struct strbuf latin = STRBUF_INIT;
    int rc = transliterate_word(tr->t, &latin, word, len);
    if (rc) {
        strbuf_release(&latin);
        return rc;
    }
    strbuf_addstr(out, latin.buf ? latin.buf : "");
    if (tr->count >= WORD_CACHE_MAX) {
        clear_word_cache(tr);
        slot = (size_t)h & (WORD_CACHE_SLOTS - 1);
    }
    tr->slots[slot].word = xstrndup(word, len);
    tr->slots[slot].latin = latin.buf ? strbuf_detach(&latin, NULL) : xstrdup("");
    tr->count++;
    strbuf_release(&latin);
    return 0;
}

/* Bytes that end a word: ASCII other than letters and digits. */
static bool separates_words(char c)
{
    return !(c & 0x80) && !isalnum((unsigned char)c);
}

int text_latin_ascii(struct strbuf *out, const char *s)
{
    struct transliteration *tr = NULL;
    /* Word by word: BGN's rules look no further than the word, and ASCII is its own
       transliteration (lower-cased here, at a hundredth of ICU's cost). */
    while (*s) {
        if (separates_words(*s)) {
            strbuf_addch(out, *s++);
            continue;
        }
        size_t len = 0;
        bool ascii = true;
        for (; s[len] && !separates_words(s[len]); len++)
            if (s[len] & 0x80)
                ascii = false;
        if (ascii) {
            for (size_t i = 0; i < len; i++)
                strbuf_addch(out, (char)tolower((unsigned char)s[i]));
        } else {
            if (!tr && !(tr = thread_transliteration()))
                return error_internal("ICU cannot open the transliterator %s", LATIN_ASCII_ID);
            int rc = latin_word(tr, out, s, len);
            if (rc)
                return rc;
        }
        s += len;
    }
    return 0;
}

static bool is_vowel_after_c(char c)
{
    return c == 'a' || c == 'o' || c == 'u';
}

void text_spelling_fold(struct strbuf *out, const char *word, size_t len)
{
    char stack[64];
    char *first = len * 2 < sizeof(stack) ? stack : xmalloc(len * 2 + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = word[i], next = i + 1 < len ? word[i + 1] : 0;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            continue;
        if (c == 'k' && next == 'h') {
            first[n++] = 'h';
            i++;
        } else if (c == 'p' && next == 'h') {
            first[n++] = 'f';
            i++;
        } else if (c == 'e' && next == 'u') {
            first[n++] = 'e';
            first[n++] = 'v';
            i++;
        } else if (c == 'x') {
            first[n++] = 'k';
            first[n++] = 's';
        } else if (c == 'c' && next == 'k') {
            continue;
        } else if (c == 'c' && is_vowel_after_c(next)) {
            first[n++] = 'k';
        } else {
            first[n++] = c == 'j' || c == 'y' ? 'i'
                         : c == 'w'           ? 'v'
                         : c == 'z'           ? 's'
                         : c == 'q'           ? 'k'
                                              : c;
        }
    }
    /* ie, io -> e; then doubled letters as one. */
    size_t start = out->len;
    for (size_t i = 0; i < n; i++) {
        char c = first[i];
        if (c == 'i' && i + 1 < n && (first[i + 1] == 'e' || first[i + 1] == 'o')) {
            c = 'e';
            i++;
        }
        if (out->len > start && out->buf[out->len - 1] == c)
            continue;
        strbuf_addch(out, c);
    }
    if (first != stack)
        free(first);
}
