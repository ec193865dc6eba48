#include "model/namematch.h"

#include "model/surnames.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/unicode.h"
#include "util/utf8.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * Russian case endings of family names as they come out of text_latin_ascii and
 * text_spelling_fold: -ою -ого -ому -ему -ой -ом -ым -ых -ей -а -у -е (Соколовою
 * "sokolovoiu", Соколовым "sokolovim", Соколовых "sokolovih"). Longest first.
 */
static const char *const case_endings[] = {"oiu", "ogo", "omu", "emu", "oi", "om", "im",
                                           "ih",  "ei",  "em",  "a",   "u",  "e",  NULL};

/* Romanisations of one Cyrillic letter that an initial may be written as ("Ж.", "Ю."). */
static const char *const letter_digraphs[] = {"zh", "kh", "ts", "ch", "sh", "shch",
                                              "yu", "ya", "ye", "yo", NULL};

static bool is_word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '-';
}

static uint64_t word_hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static uint64_t word_bit(const char *s, size_t len)
{
    return 1ULL << (word_hash(s, len) >> 58);
}

static uint64_t word_head(const char *s)
{
    uint64_t head = 0;
    for (size_t i = 0; i < 5 && s[i]; i++)
        head |= (uint64_t)(unsigned char)s[i] << (8 * i);
    return head;
}

static char *stem_of(const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; case_endings[i]; i++) {
        size_t n = strlen(case_endings[i]);
        if (len >= n + 3 && !strcmp(text + len - n, case_endings[i]))
            return xstrndup(text, len - n);
    }
    return xstrdup(text);
}

/* Calls add for each word of s (Latin ASCII), with whether it was written as an initial. */
static int each_word(const char *s,
                     void (*add)(void *arg, const char *raw, size_t len, bool initial), void *arg)
{
    struct strbuf latin = STRBUF_INIT;
    int rc = s ? text_latin_ascii(&latin, s) : 0;
    const char *p = latin.buf ? latin.buf : "";
    while (!rc && *p) {
        if (!is_word_byte(*p)) {
            p++;
            continue;
        }
        const char *start = p;
        while (is_word_byte(*p))
            p++;
        size_t len = (size_t)(p - start), letters = 0;
        for (size_t i = 0; i < len; i++)
            letters += start[i] != '\'' && start[i] != '-';
        bool initial = letters == 1;
        for (size_t i = 0; !initial && *p == '.' && letter_digraphs[i]; i++)
            initial = len == strlen(letter_digraphs[i]) && !strncmp(start, letter_digraphs[i], len);
        add(arg, start, len, initial);
    }
    strbuf_release(&latin);
    return rc;
}

static bool is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The letters of word (Latin ASCII), lower case: hyphens, apostrophes and digits dropped. */
static size_t letters_of(const char *word, size_t len, char *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = word[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c >= 'a' && c <= 'z')
            out[n++] = c;
    }
    return n;
}

/* A loose key being made: never longer than the letters it is made of. */
struct loose_key {
    char *buf;
    size_t len;
};

/* Appends c unless it doubles the letter before: Yoo/Yu, Kimm, Soong. */
static void add_single(struct loose_key *out, char c)
{
    if (!out->len || out->buf[out->len - 1] != c)
        out->buf[out->len++] = c;
}

/*
 * The Korean loose key of a word's letters: the Revised Romanisation, McCune-Reischauer (its
 * accents and apostrophes already gone) and the spellings of passports folded together. The
 * consonant pairs RR and MR write differently (g/k, d/t, b/p, j/ch, r/l, s/sh) as one; oo and
 * ou as u (Yoon, Youn), ae as e, ee as i, eo and eu kept apart from o and u (a word in Hangul
 * carries the spellings its ㅓ and ㅡ may have instead: korean_variants); w before o or u
 * dropped (Woo, u); an h or r after a vowel and before anything but a vowel dropped (Ahn,
 * Suh, Oh, Park).
 */
static void loose_korean(struct loose_key *out, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = w[i], next = i + 1 < n ? w[i + 1] : 0;
        if ((c == 'h' || c == 'r') && i && is_vowel(w[i - 1]) && !is_vowel(next))
            continue;
        if (c == 'w' && (next == 'o' || next == 'u'))
            continue;
        char o = c;
        if ((c == 'c' || c == 's') && next == 'h') {
            i++;
        } else if (c == 'j') {
            o = 'c';
        } else if (c == 'g' || c == 'k') {
            o = 'k';
        } else if (c == 'd' || c == 't') {
            o = 't';
        } else if (c == 'b' || c == 'p') {
            o = 'p';
        } else if (c == 'r' || c == 'l') {
            o = 'l';
        } else if (c == 'e' && (next == 'o' || next == 'u')) {
            o = next == 'o' ? 'O' : 'U';
            i++;
        } else if (c == 'o' && (next == 'o' || next == 'u')) {
            o = 'u';
            i++;
        } else if (c == 'a' && next == 'e') {
            o = 'e';
            i++;
        } else if (c == 'e' && next == 'e') {
            o = 'i';
            i++;
        }
        add_single(out, o);
    }
}

static bool letters_at(const char *w, size_t n, size_t i, const char *s)
{
    size_t len = strlen(s);
    return i + len <= n && !memcmp(w + i, s, len);
}

/*
 * The Chinese loose key of a word's letters: pinyin and Wade-Giles (its apostrophes and
 * umlauts already gone) folded together, syllable rules applied to the whole word so that
 * "Hsiao-ming", "Hsiaoming" and "Xiaoming" agree. zh, ch, j, q and r (WG's j) as one; z, c,
 * ts, tz as one; x and hs as one; g/k, d/t, b/p as one; WG's tzu and ssu/szu as zi and si,
 * -ung as -ong, -ien as -ian, yen as yan, uei as ui, you as yu, uo as o, and the h of -ih,
 * -eh and -rh dropped (shih, hsieh, erh).
 */
static void loose_chinese(struct loose_key *out, const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = w[i], next = i + 1 < n ? w[i + 1] : 0;
        const char *o = NULL;
        size_t used = 1;
        /* WG's h of -ih only after ch, sh, j; of -eh after i, ü, y; of -rh after e. */
        char prev = i ? w[i - 1] : 0, prev2 = i > 1 ? w[i - 2] : 0;
        bool wg_h = c == 'h' && !is_vowel(next) &&
                    ((prev == 'i' && (prev2 == 'h' || prev2 == 'j')) ||
                     (prev == 'e' && (prev2 == 'i' || prev2 == 'u' || prev2 == 'y')) ||
                     (prev == 'r' && prev2 == 'e'));
        if (wg_h) {
            o = "";
        } else if (letters_at(w, n, i, "tzu")) {
            o = "zi", used = 3;
        } else if (letters_at(w, n, i, "ssu") || letters_at(w, n, i, "szu")) {
            o = "si", used = 3;
        } else if (c == 't' && (next == 'z' || next == 's')) {
            o = "z", used = 2;
        } else if ((c == 'z' || c == 'c') && next == 'h') {
            o = "c", used = 2;
        } else if (c == 'h' && next == 's') {
            o = "x", used = 2;
        } else if (c == 's' && next == 'h') {
            o = "S", used = 2;
        } else if (c == 'j' || c == 'q' || c == 'r') {
            o = "c";
        } else if (c == 'c' || c == 'z') {
            o = "z";
        } else if (c == 'g' || c == 'k') {
            o = "k";
        } else if (c == 'd' || c == 't') {
            o = "t";
        } else if (c == 'b' || c == 'p') {
            o = "p";
        } else if (letters_at(w, n, i, "ien")) {
            o = "ian", used = 3;
        } else if (letters_at(w, n, i, "yen")) {
            o = "yan", used = 3;
        } else if (letters_at(w, n, i, "ung")) {
            o = "onk", used = 3;
        } else if (letters_at(w, n, i, "uei")) {
            o = "ui", used = 3;
        } else if (letters_at(w, n, i, "you")) {
            o = "yu", used = 3;
        } else if (c == 'u' && next == 'o') {
            o = "o", used = 2;
        }
        if (!o) {
            add_single(out, c);
        } else {
            for (const char *p = o; *p; p++)
                add_single(out, *p);
        }
        i += used - 1;
    }
}

/* The loose key (as a hash) of word (Latin ASCII) by the fold of script; 0 for no letters. */
static uint64_t loose_hash(enum name_script script, const char *word, size_t len)
{
    char stack[128];
    char *letters = 2 * len < sizeof(stack) ? stack : xmalloc(2 * len + 1);
    size_t n = letters_of(word, len, letters);
    struct loose_key key = {letters + n, 0};
    if (script == NAME_KOREAN)
        loose_korean(&key, letters, n);
    else
        loose_chinese(&key, letters, n);
    uint64_t h = key.len ? word_hash(key.buf, key.len) : 0;
    if (letters != stack)
        free(letters);
    return h;
}

static uint64_t loose_bit(uint64_t h)
{
    return h ? 1ULL << (h >> 58) : 0;
}

/* A form being read: the Latin letters of the last word, to join it with the next. */
struct name_build {
    struct name_form *f;
    struct strbuf last;
};

static struct name_word *new_word(struct name_form *f, char *text, bool initial)
{
    f->words = xrealloc(f->words, (f->nwords + 1) * sizeof(*f->words));
    struct name_word *w = &f->words[f->nwords++];
    memset(w, 0, sizeof(*w));
    w->text = text;
    w->stem = initial ? xstrdup(w->text) : stem_of(w->text);
    w->initial = initial;
    f->has_initials |= initial;
    w->stem_hash = word_hash(w->stem, strlen(w->stem));
    if (!initial) {
        f->signature |= word_bit(w->stem, strlen(w->stem));
    }
    return w;
}

static void add_name_word(void *arg, const char *raw, size_t len, bool initial)
{
    struct name_build *b = arg;
    struct name_form *f = b->f;
    struct strbuf folded = STRBUF_INIT;
    text_spelling_fold(&folded, raw, len);
    if (!folded.len) {
        strbuf_release(&folded);
        return;
    }
    struct name_word *w = new_word(f, strbuf_detach(&folded, NULL), initial);
    if (initial) {
        strbuf_reset(&b->last);
        return;
    }
    for (int s = NAME_KOREAN; s <= NAME_CHINESE; s++) {
        w->loose[s - 1] = loose_hash(s, raw, len);
        f->latin_loose |= loose_bit(w->loose[s - 1]);
    }
    if (b->last.len) {
        struct name_word *prev = &f->words[f->nwords - 2];
        strbuf_add(&b->last, raw, len);
        for (int s = NAME_KOREAN; s <= NAME_CHINESE; s++) {
            prev->loose_next[s - 1] = loose_hash(s, b->last.buf, b->last.len);
            f->latin_loose |= loose_bit(prev->loose_next[s - 1]);
        }
    }
    strbuf_reset(&b->last);
    strbuf_add(&b->last, raw, len);
}

static void add_key(uint64_t **keys, size_t *n, uint64_t h)
{
    if (!h)
        return;
    for (size_t i = 0; i < *n; i++)
        if ((*keys)[i] == h)
            return;
    *keys = xrealloc(*keys, (*n + 1) * sizeof(**keys));
    (*keys)[(*n)++] = h;
}

static void add_alt(struct name_word *w, uint64_t h)
{
    add_key(&w->alts, &w->nalts, h);
}

/* Adds the loose keys of spellings ("Park Bak Pak") to w's alternatives (or, when next, to
   those of w joined with the next word). */
static void add_spellings(struct name_word *w, const char *spellings, bool next)
{
    for (const char *p = spellings; p && *p;) {
        size_t len = strcspn(p, " ");
        char lower[32];
        size_t n = 0;
        for (size_t i = 0; i < len && n + 1 < sizeof(lower); i++)
            lower[n++] = (char)tolower((unsigned char)p[i]);
        uint64_t h = loose_hash(w->script, lower, n);
        if (next)
            add_key(&w->alts_next, &w->nalts_next, h);
        else
            add_alt(w, h);
        p += len;
        p += *p == ' ';
    }
}

static enum name_script script_of(uint32_t cp)
{
    if (cp >= 0xAC00 && cp <= 0xD7A3)
        return NAME_KOREAN; /* Hangul syllables */
    if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F))
        return NAME_CHINESE; /* CJK unified and compatibility ideographs */
    return NAME_LATIN;
}

/*
 * Adds to w the Korean loose keys of the syllables [i, to) written with every spelling their
 * vowels have besides the Revised Romanisation's: ㅓ (eo) as o (MR's ŏ) and as u (Hyun, Sung,
 * Jun), ㅡ (eu) as u (MR's ŭ), ㅢ (ui) as eui and as i (Hee). prefix holds the syllables
 * before i.
 */
static void korean_variants(struct name_word *w, char *const *readings, size_t i, size_t to,
                            struct strbuf *prefix)
{
    if (i == to) {
        add_alt(w, loose_hash(NAME_KOREAN, prefix->buf, prefix->len));
        return;
    }
    static const char *const eo[] = {"eo", "o", "u", NULL}, *const eu[] = {"eu", "u", NULL},
                             *const ui[] = {"ui", "eui", "i", NULL};
    const char *r = readings[i], *at = NULL;
    const char *const *spellings = NULL;
    if ((at = strstr(r, "eo")))
        spellings = eo;
    else if ((at = strstr(r, "eu")))
        spellings = eu;
    else if ((at = strstr(r, "ui")))
        spellings = ui;
    size_t len = prefix->len;
    if (!spellings) {
        strbuf_addstr(prefix, r);
        korean_variants(w, readings, i + 1, to, prefix);
        strbuf_setlen(prefix, len);
        return;
    }
    for (size_t k = 0; spellings[k]; k++) {
        strbuf_add(prefix, r, (size_t)(at - r));
        strbuf_addstr(prefix, spellings[k]);
        strbuf_addstr(prefix, at + 2);
        korean_variants(w, readings, i + 1, to, prefix);
        strbuf_setlen(prefix, len);
    }
}

/*
 * One word of a name from syllables [from, to) of a run of Hangul or Han characters: its
 * romanisation (ICU's, syllable by syllable: ICU's Han-Latin leaves some syllables of a run
 * unseparated, "cengguo"), and as alternatives the loose key of that romanisation and of
 * the table's spellings of a family name so written. readings[i] is the romanisation of
 * syllable i.
 */
static void add_script_word(struct name_build *b, const char *run, const size_t *offsets,
                            char *const *readings, size_t from, size_t to)
{
    struct strbuf latin = STRBUF_INIT, folded = STRBUF_INIT;
    for (size_t i = from; i < to; i++)
        strbuf_addstr(&latin, readings[i]);
    text_spelling_fold(&folded, latin.buf, latin.len);
    if (!folded.len)
        strbuf_addstr(&folded, "?");
    struct name_word *w = new_word(b->f, strbuf_detach(&folded, NULL), false);
    w->script = NAME_KOREAN;
    struct strbuf prefix = STRBUF_INIT;
    korean_variants(w, readings, from, to, &prefix);
    strbuf_release(&prefix);
    char *hangul = xstrndup(run + offsets[from], offsets[to] - offsets[from]);
    add_spellings(w, korean_surname_spellings(hangul), false);
    free(hangul);
    for (size_t i = 0; i < w->nalts; i++)
        w->alt_mask |= loose_bit(w->alts[i]);
    b->f->alt_signature |= w->alt_mask;
    b->f->has_script = true;
    strbuf_release(&latin);
    strbuf_reset(&b->last);
}

/*
 * Han character i of a run as a word of its own, as ICU's Han-Latin writes syllables (so that
 * 张伟 is found in running Chinese text, 我们感谢张伟教授): its pinyin, and as alternatives the
 * loose key of that pinyin and the table's spellings of a family name so read; joined with
 * the next character, the loose key of both and the spellings of a family name of two
 * ("Xiaoming" for 小明, "Ouyang" for 欧阳).
 */
static void add_han_word(struct name_build *b, char *const *readings, size_t i, size_t n)
{
    struct strbuf folded = STRBUF_INIT;
    const char *latin = readings[i];
    text_spelling_fold(&folded, latin, strlen(latin));
    if (!folded.len)
        strbuf_addstr(&folded, "?");
    struct name_word *w = new_word(b->f, strbuf_detach(&folded, NULL), false);
    w->script = NAME_CHINESE;
    add_alt(w, loose_hash(NAME_CHINESE, latin, strlen(latin)));
    add_spellings(w, chinese_surname_spellings(latin), false);
    if (i + 1 < n) {
        char *joined = xasprintf("%s%s", latin, readings[i + 1]);
        add_key(&w->alts_next, &w->nalts_next, loose_hash(NAME_CHINESE, joined, strlen(joined)));
        add_spellings(w, chinese_surname_spellings(joined), true);
        free(joined);
    }
    /* For the masks that reject pairs early: what this word may meet alone, joined with the
       next, or as the second of a pair the previous one met. */
    for (size_t k = 0; k < w->nalts; k++)
        w->alt_mask |= loose_bit(w->alts[k]);
    uint64_t next_mask = 0;
    for (size_t k = 0; k < w->nalts_next; k++)
        next_mask |= loose_bit(w->alts_next[k]);
    w->alt_mask |= next_mask;
    if (i > 0) {
        const struct name_word *prev = &b->f->words[b->f->nwords - 2];
        for (size_t k = 0; k < prev->nalts_next; k++)
            w->alt_mask |= loose_bit(prev->alts_next[k]);
    }
    b->f->alt_signature |= w->alt_mask;
    b->f->has_script = true;
    strbuf_reset(&b->last);
}

/* Whether s[from, to) holds no letter or digit. */
static bool only_separators(const char *from, const char *to)
{
    for (const char *p = from; p < to; p++)
        if ((*p & 0x80) || isalnum((unsigned char)*p))
            return false;
    return true;
}

/*
 * A run of Hangul or Han characters, name[start, end). Han: one word per character
 * (add_han_word). Hangul: a family name and a given name when the run is the whole name
 * (김구) or three syllables or more (박지호, 남궁민), else one word ("박 지호" is two runs);
 * the family name is two syllables where the table has them so.
 */
static int add_script_run(struct name_build *b, enum name_script script, const char *name,
                          size_t start, size_t end)
{
    const char *run = name + start;
    size_t n = 0, *offsets = xcalloc(end - start + 1, sizeof(*offsets));
    char **readings = xcalloc(end - start + 1, sizeof(*readings));
    int rc = 0;
    for (const char *p = run; !rc && p < name + end;) {
        uint32_t cp;
        const char *q = p;
        utf8_decode(&q, &cp);
        char *syllable = xstrndup(p, (size_t)(q - p));
        const char *reading =
            script == NAME_CHINESE && n == 0 ? chinese_surname_reading(syllable) : NULL;
        struct strbuf latin = STRBUF_INIT;
        if (reading)
            strbuf_addstr(&latin, reading);
        else
            rc = text_latin_ascii(&latin, syllable);
        free(syllable);
        readings[n] = xstrdup(latin.len ? latin.buf : "");
        strbuf_release(&latin);
        offsets[n++] = (size_t)(p - run);
        p = q;
    }
    offsets[n] = end - start;
    if (!rc && script == NAME_CHINESE) {
        for (size_t i = 0; i < n; i++)
            add_han_word(b, readings, i, n);
    } else if (!rc) {
        bool alone = only_separators(name, run) && only_separators(name + end, name + strlen(name));
        size_t family = 0;
        if (n >= 3 || (n == 2 && alone)) {
            char *two = n >= 3 ? xstrndup(run, offsets[2]) : NULL;
            family = two && korean_surname_spellings(two) ? 2 : 1;
            free(two);
        }
        if (family)
            add_script_word(b, run, offsets, readings, 0, family);
        add_script_word(b, run, offsets, readings, family, n);
    }
    for (size_t i = 0; i < n; i++)
        free(readings[i]);
    free(readings);
    free(offsets);
    return rc;
}

/* The gate of a name in Latin letters (see namematch.h): the stem hash of each full word
   with the first letter of each other word. */
static uint64_t pair_hash(uint64_t stem_hash, unsigned char letter)
{
    /* splitmix64's finaliser: the letter must move the top bits too. With FNV's multiply
       alone it barely did, and 16 % of the pairs of Latin names in bench/assign.sh passed the
       gate instead of 12 % (2,160 million instructions at 2,000 x 800 instead of 2,147). */
    uint64_t h = stem_hash + (letter + 1) * 0x9E3779B97F4A7C15ULL;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    return h ^ (h >> 31);
}

/* Each pair of a full word's stem and another word's first letter (or, for a name of one
   word, its stem alone), as its hash, to fn. */
static void each_latin_pair(const struct name_form *f, void (*fn)(void *, uint64_t), void *arg)
{
    for (size_t i = 0; i < f->nwords; i++) {
        const struct name_word *x = &f->words[i];
        if (x->initial)
            continue;
        if (f->nwords == 1)
            fn(arg, pair_hash(x->stem_hash, 0));
        for (size_t j = 0; j < f->nwords; j++)
            if (j != i)
                fn(arg, pair_hash(x->stem_hash, (unsigned char)f->words[j].text[0]));
    }
}

static void add_pair_bit(void *arg, uint64_t h)
{
    *(uint64_t *)arg |= 1ULL << (h >> 58);
}

static uint64_t latin_pairs(const struct name_form *f)
{
    uint64_t pairs = 0;
    each_latin_pair(f, add_pair_bit, &pairs);
    return pairs;
}

/* A hash on 256 bits, for the gates of groups. */
static void add_wide_bit(void *arg, uint64_t h)
{
    uint64_t *bits = arg;
    if (h)
        bits[h >> 62] |= 1ULL << ((h >> 56) & 63);
}

void name_gate_add(struct name_gate *g, const struct name_form *f)
{
    if (f->has_script)
        g->script_stems |= f->signature;
    else
        each_latin_pair(f, add_wide_bit, g->latin_pairs);
    g->stems |= f->signature;
    /* The loose keys and alternatives that latin_loose and alt_signature have a bit of. */
    for (size_t i = 0; i < f->nwords; i++) {
        const struct name_word *w = &f->words[i];
        if (!w->script) {
            for (int s = 0; s < 2; s++) {
                add_wide_bit(g->latin_loose, w->loose[s]);
                add_wide_bit(g->latin_loose, w->loose_next[s]);
            }
            continue;
        }
        for (size_t k = 0; k < w->nalts; k++)
            add_wide_bit(g->alts, w->alts[k]);
        for (size_t k = 0; k < w->nalts_next; k++)
            add_wide_bit(g->alts, w->alts_next[k]);
    }
}

int name_form_init(struct name_form *f, const char *name)
{
    memset(f, 0, sizeof(*f));
    struct name_build b = {f, STRBUF_INIT};
    struct strbuf other = STRBUF_INIT;
    const char *s = name ? name : "";
    int rc = 0;
    for (size_t i = 0; !rc && s[i];) {
        const char *p = s + i;
        uint32_t cp;
        enum name_script script = utf8_decode(&p, &cp) ? script_of(cp) : NAME_LATIN;
        if (script == NAME_LATIN) {
            strbuf_add(&other, s + i, (size_t)(p - (s + i)));
            i = (size_t)(p - s);
            continue;
        }
        size_t end = (size_t)(p - s);
        for (;;) {
            const char *q = s + end;
            if (!*q || !utf8_decode(&q, &cp) || script_of(cp) != script)
                break;
            end = (size_t)(q - s);
        }
        if (other.len)
            rc = each_word(other.buf, add_name_word, &b);
        strbuf_reset(&other);
        if (!rc)
            rc = add_script_run(&b, script, s, i, end);
        i = end;
    }
    if (!rc && other.len)
        rc = each_word(other.buf, add_name_word, &b);
    f->gate = f->has_script ? ~0ULL : latin_pairs(f);
    strbuf_release(&other);
    strbuf_release(&b.last);
    if (rc)
        name_form_free(f);
    return rc;
}

void name_form_free(struct name_form *f)
{
    for (size_t i = 0; i < f->nwords; i++) {
        free(f->words[i].text);
        free(f->words[i].stem);
        free(f->words[i].alts);
        free(f->words[i].alts_next);
    }
    free(f->words);
    memset(f, 0, sizeof(*f));
}

static bool has_alt(const struct name_word *w, uint64_t h)
{
    for (size_t i = 0; h && i < w->nalts; i++)
        if (w->alts[i] == h)
            return true;
    return false;
}

/* 2: full words that meet; 1: an initial and a word it begins (or two equal initials). */
static int words_meet(const struct name_word *x, const struct name_word *y)
{
    if (x->initial || y->initial)
        return x->text[0] == y->text[0] ? 1 : 0;
    /* 64-bit hashes of stems: two different stems colliding would make a conflict of two
       strangers, about once in 10^19 comparisons. Two words in Hangul or Han characters are
       the same by their romanisation alone too (張 and 张 are both zhang; 호 and 후 differ,
       though their loose keys do not). */
    if (!x->script == !y->script)
        return x->stem_hash == y->stem_hash ? 2 : 0;
    /* One of each: by the loose keys alone (the stems fold oo into o: Ji-hoo is not 지호). */
    const struct name_word *s = x->script ? x : y, *latin = s == x ? y : x;
    return has_alt(s, latin->loose[s->script - 1]) ? 2 : 0;
}

/* Whether the word s in Hangul or Han characters is written as two Latin words, latin and
   the one after it ("Ji Ho", "Xiao Ming"). */
static bool meets_joined(const struct name_word *s, const struct name_word *latin)
{
    return s->script && !latin->script && !latin->initial &&
           has_alt(s, latin->loose_next[s->script - 1]);
}

/* Whether the Han character s joined with the next one is the Latin word latin ("Xiaoming"
   for 小明, "Ouyang" for 欧阳). */
static bool meets_han_pair(const struct name_word *s, const struct name_word *latin)
{
    if (s->script != NAME_CHINESE || latin->script || latin->initial)
        return false;
    for (size_t k = 0; k < s->nalts_next; k++)
        if (s->alts_next[k] == latin->loose[NAME_CHINESE - 1])
            return true;
    return false;
}

/* Whether every Han character of b is among the words used: each is a syllable of the name. */
static bool han_covered(const struct name_form *b, uint32_t used)
{
    for (size_t j = 0; j < b->nwords && j < 32; j++)
        if (b->words[j].script == NAME_CHINESE && !(used & (1u << j)))
            return false;
    return true;
}

/*
 * Whether each of a's words from index i on can meet a different unused word of b (used is
 * a bitmask over b), with at least one full match among them when need_full, and, when
 * cover, no Han character of b left over (王小明 is not Wang Ming, though Дмитрий Иванович
 * Соколов is Dmitry Sokolov). Names have a handful of words, so trying every assignment is
 * cheap.
 */
static bool assign_words(const struct name_form *a, size_t i, const struct name_form *b,
                         uint32_t used, bool need_full, bool cover)
{
    if (i == a->nwords)
        return !need_full && (!cover || han_covered(b, used));
    const struct name_word *x = &a->words[i];
    for (size_t j = 0; j < b->nwords && j < 32; j++) {
        if (used & (1u << j))
            continue;
        const struct name_word *y = &b->words[j];
        int meet = words_meet(x, y);
        if (meet && assign_words(a, i + 1, b, used | (1u << j), need_full && meet != 2, cover))
            return true;
        /* One word for two: a given name in Hangul written as two Latin words ("Ji Ho"), or
           two Han characters written as one ("Xiaoming"); either way round. */
        bool pair_free = j + 1 < b->nwords && j + 1 < 32 && !(used & (2u << j));
        if (pair_free && (meets_joined(x, y) || meets_han_pair(y, x)) &&
            assign_words(a, i + 1, b, used | (3u << j), false, cover))
            return true;
        if (i + 1 < a->nwords && (meets_joined(y, x) || meets_han_pair(x, y)) &&
            assign_words(a, i + 2, b, used | (1u << j), false, cover))
            return true;
    }
    return false;
}

/* Whether some full word of a can meet one of b's: a stem, or a loose key of a word in Latin
   letters among the alternatives of one in Hangul or Han characters, in common. */
static bool may_meet(const struct name_form *a, const struct name_form *b)
{
    return (a->signature & b->signature) || (a->latin_loose & b->alt_signature) ||
           (b->latin_loose & a->alt_signature);
}

/* Whether every word in Hangul or Han characters of a may meet a word of b (which has no
   initial): by its stem, or by one of its alternatives among b's loose keys. */
static bool script_words_may_meet(const struct name_form *a, const struct name_form *b)
{
    for (size_t i = 0; i < a->nwords; i++) {
        const struct name_word *w = &a->words[i];
        if (w->script && !(w->alt_mask & b->latin_loose) &&
            !((1ULL << (w->stem_hash >> 58)) & b->signature))
            return false;
    }
    return true;
}

bool name_form_same_person_full(const struct name_form *a, const struct name_form *b)
{
    /* Most pairs ended before this, at the inline AND of the gates in namematch.h: no stem in
       common (a name in Hangul or Han characters passes, to the checks of its own below; 14
       million instructions of 87 at 2,000 x 800 in bench/assign.sh went to telling the two
       kinds apart before the gate). */
    if (!a->has_script && !b->has_script) {
        /* Where neither name has an initial, a stem of the shorter name that the longer does
           not have. */
        const struct name_form *shorter = a->nwords <= b->nwords ? a : b;
        const struct name_form *longer = shorter == a ? b : a;
        if (!a->has_initials && !b->has_initials && (shorter->signature & ~longer->signature))
            return false;
        if ((shorter->nwords < 2 && longer->nwords != 1) || shorter->nwords > 8)
            return false;
        return assign_words(shorter, 0, longer, 0, true, true);
    }
    /* Every word of the shorter name must meet one of the longer's: of two names with as
       many words, the one in Hangul or Han characters, whose words are checked first. */
    const struct name_form *shorter =
        a->nwords < b->nwords || (a->nwords == b->nwords && a->has_script) ? a : b;
    const struct name_form *longer = shorter == a ? b : a;
    if (!may_meet(a, b))
        return false;
    if (!longer->has_initials && !script_words_may_meet(shorter, longer))
        return false;
    if ((shorter->nwords < 2 && longer->nwords != 1) || shorter->nwords > 8)
        return false;
    return assign_words(shorter, 0, longer, 0, true, true);
}

bool name_form_occurs_in(const struct name_form *name, const struct name_form *text)
{
    if (!name->nwords || name->nwords > 8)
        return false;
    bool loose = name->has_script || text->has_script;
    if (!(loose ? may_meet(name, text) : name->signature & text->signature))
        return false;
    /* A word in Hangul or Han characters may be two words of the text ("Ji Ho Park"), and
       two words of the name one of the text's: the window is as wide as the first needs
       and may be cut short by the end of the text. */
    size_t span = name->nwords;
    for (size_t i = 0; loose && i < name->nwords; i++)
        span += name->words[i].script != NAME_LATIN;
    for (size_t start = 0; start < text->nwords; start++) {
        size_t len = text->nwords - start < span ? text->nwords - start : span;
        if (len < name->nwords && !loose)
            break;
        struct name_form window = {.words = text->words + start,
                                   .nwords = len,
                                   .signature = text->signature,
                                   .latin_loose = text->latin_loose,
                                   .alt_signature = text->alt_signature,
                                   .has_initials = text->has_initials,
                                   .has_script = text->has_script};
        if (assign_words(name, 0, &window, 0, true, false))
            return true;
    }
    return false;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *name_form_key(const struct name_form *f)
{
    if (!f->nwords || f->has_initials)
        return NULL;
    char **words = xcalloc(f->nwords, sizeof(*words));
    for (size_t i = 0; i < f->nwords; i++)
        words[i] = f->words[i].text;
    qsort(words, f->nwords, sizeof(*words), compare_strings);
    struct strbuf key = STRBUF_INIT;
    for (size_t i = 0; i < f->nwords; i++)
        strbuf_addf(&key, "%s%s", i ? " " : "", words[i]);
    free(words);
    return strbuf_detach(&key, NULL);
}

char *person_identity_key(const char *orcid, const char *name)
{
    if (orcid && *orcid)
        return xasprintf("orcid:%s", orcid);
    struct name_form form;
    struct strbuf identity = STRBUF_INIT;
    strbuf_addstr(&identity, "name:");
    if (name_form_init(&form, name)) {
        error_clear(); /* without ICU, the name as written */
        strbuf_addstr(&identity, name ? name : "");
        return strbuf_detach(&identity, NULL);
    }
    char *key = name_form_key(&form);
    if (key) {
        strbuf_addstr(&identity, key);
    } else {
        /* A name with an initial is itself, in its order: "d. sokolov" */
        for (size_t i = 0; i < form.nwords; i++)
            strbuf_addf(&identity, "%s%s%s", i ? " " : "", form.words[i].text,
                        form.words[i].initial ? "." : "");
    }
    free(key);
    name_form_free(&form);
    return strbuf_detach(&identity, NULL);
}

/* ---- Institutions ---- */

/*
 * Words that say what kind of institution it is rather than which, in English and Russian
 * (as they are written: they are folded like the names they are compared with).
 */
static const char *const generic_words[] = {"university",
                                            "университет",
                                            "universitet",
                                            "institute",
                                            "institut",
                                            "институт",
                                            "academy",
                                            "академия",
                                            "akademiia",
                                            "college",
                                            "колледж",
                                            "school",
                                            "школа",
                                            "national",
                                            "национальный",
                                            "state",
                                            "государственный",
                                            "federal",
                                            "федеральный",
                                            "research",
                                            "исследовательский",
                                            "научный",
                                            "scientific",
                                            "center",
                                            "centre",
                                            "центр",
                                            "named",
                                            "after",
                                            "имени",
                                            "им",
                                            "of",
                                            "the",
                                            "and",
                                            "for",
                                            "in",
                                            "at",
                                            "и",
                                            "для",
                                            NULL};

struct generic_set {
    char **words;
    size_t n;
};

static void add_generic(void *arg, const char *raw, size_t len, bool initial)
{
    (void)initial;
    struct generic_set *g = arg;
    struct strbuf folded = STRBUF_INIT;
    text_spelling_fold(&folded, raw, len);
    g->words = xrealloc(g->words, (g->n + 1) * sizeof(*g->words));
    g->words[g->n++] = strbuf_detach(&folded, NULL);
}

/* Folded once, by the same transliteration as the names they are found in. */
static struct generic_set generics;
static int generics_rc;
static pthread_once_t generics_once = PTHREAD_ONCE_INIT;

static void fold_generics(void)
{
    for (size_t i = 0; generic_words[i] && !generics_rc; i++)
        generics_rc = each_word(generic_words[i], add_generic, &generics);
}

static int load_generics(void)
{
    pthread_once(&generics_once, fold_generics);
    return generics_rc;
}

/* Equal, or a common beginning of five letters or more that is most of the shorter word
 * (Eurasian "evrasian" / Евразийский "evrasiski", Гумилёва / Gumilyov). */
static bool institution_words_meet(const char *x, const char *y)
{
    size_t common = 0;
    while (x[common] && x[common] == y[common])
        common++;
    if (!x[common] && !y[common])
        return true;
    size_t shorter = strlen(x) < strlen(y) ? strlen(x) : strlen(y);
    return common >= 5 && common * 10 >= shorter * 7;
}

static bool is_generic(const char *w)
{
    for (size_t i = 0; i < generics.n; i++)
        if (strlen(generics.words[i]) < 5 ? !strcmp(w, generics.words[i])
                                          : institution_words_meet(w, generics.words[i]))
            return true;
    return false;
}

struct institution_build {
    struct institution_form *f;
    struct strbuf key;
};

static void add_institution_word(void *arg, const char *raw, size_t len, bool initial)
{
    struct institution_build *b = arg;
    struct strbuf folded = STRBUF_INIT;
    text_spelling_fold(&folded, raw, len);
    if (folded.len) {
        strbuf_addf(&b->key, "%s%s", b->key.len ? " " : "", folded.buf);
        if (!initial && folded.len >= 3 && !is_generic(folded.buf)) {
            struct institution_form *f = b->f;
            f->words = xrealloc(f->words, (f->nwords + 1) * sizeof(*f->words));
            f->heads = xrealloc(f->heads, (f->nwords + 1) * sizeof(*f->heads));
            f->heads[f->nwords] = word_head(folded.buf);
            f->words_hash = (f->words_hash ^ word_hash(folded.buf, folded.len)) * 1099511628211ULL;
            f->signature |= word_bit(folded.buf, folded.len < 5 ? folded.len : 5);
            f->words[f->nwords++] = strbuf_detach(&folded, NULL);
        }
    }
    strbuf_release(&folded);
}

int institution_form_init(struct institution_form *f, const char *name, const char *ror)
{
    memset(f, 0, sizeof(*f));
    struct institution_build b = {f, STRBUF_INIT};
    int rc = load_generics();
    if (!rc)
        rc = each_word(name, add_institution_word, &b);
    f->key = strbuf_detach(&b.key, NULL);
    f->ror = ror && *ror ? xstrdup(ror) : NULL;
    /* Two forms are the same only by equal ROR ids, by a word of the one with fewer words
       that meets one of the other's (they share their first five letters, so their bit of
       the signature), or, with no distinctive word, by equal keys: a folded word is letters
       and digits only, so equal keys are equal words and both have none. */
    if (f->ror)
        f->gate |= word_bit(f->ror, strlen(f->ror));
    if (f->nwords)
        f->gate |= f->signature;
    else if (*f->key)
        f->gate |= word_bit(f->key, strlen(f->key));
    if (rc)
        institution_form_free(f);
    return rc;
}

void institution_form_free(struct institution_form *f)
{
    for (size_t i = 0; i < f->nwords; i++)
        free(f->words[i]);
    free(f->words);
    free(f->heads);
    free(f->key);
    free(f->ror);
    memset(f, 0, sizeof(*f));
}

bool institution_form_same_full(const struct institution_form *a, const struct institution_form *b)
{
    if (a->ror && b->ror)
        return !strcmp(a->ror, b->ror);
    if (!a->nwords || !b->nwords)
        return *a->key && !strcmp(a->key, b->key);
    const struct institution_form *fewer = a->nwords <= b->nwords ? a : b;
    const struct institution_form *more = fewer == a ? b : a;
    /* Words that meet share their first five letters, and so their bit. */
    if (fewer->signature & ~more->signature)
        return false;
    /* Colleagues mostly write their institution alike. */
    if (fewer->nwords == more->nwords && fewer->words_hash == more->words_hash)
        return true;
    for (size_t i = 0; i < fewer->nwords; i++) {
        bool met = false;
        for (size_t j = 0; j < more->nwords && !met; j++)
            met = fewer->heads[i] == more->heads[j] &&
                  institution_words_meet(fewer->words[i], more->words[j]);
        if (!met)
            return false;
    }
    return true;
}

/* ---- The memo of institution pairs ---- */

void institution_memo_init(struct institution_memo *m)
{
    memset(m, 0, sizeof(*m));
}

void institution_memo_free(struct institution_memo *m)
{
    for (uint32_t i = 0; i < m->n; i++) {
        institution_form_free(&m->forms[i]);
        free(m->identities[i]);
    }
    free(m->forms);
    free(m->identities);
    free(m->hashes);
    free(m->slots);
    free(m->answers);
    memset(m, 0, sizeof(*m));
}

/* Everything institution_form_same reads, as one string: each field after its length, so
   that no two forms that differ share it. */
static char *institution_identity(const struct institution_form *f)
{
    struct strbuf sb = STRBUF_INIT;
    if (f->ror)
        strbuf_addf(&sb, "r%zu:%s", strlen(f->ror), f->ror);
    strbuf_addf(&sb, "k%zu:%s", strlen(f->key), f->key);
    for (size_t i = 0; i < f->nwords; i++)
        strbuf_addf(&sb, "w%zu:%s", strlen(f->words[i]), f->words[i]);
    return strbuf_detach(&sb, NULL);
}

static void institution_form_copy(struct institution_form *to, const struct institution_form *f)
{
    *to = *f;
    to->ror = f->ror ? xstrdup(f->ror) : NULL;
    to->key = xstrdup(f->key);
    to->words = xcalloc(f->nwords + 1, sizeof(*to->words));
    to->heads = xcalloc(f->nwords + 1, sizeof(*to->heads));
    for (size_t i = 0; i < f->nwords; i++) {
        to->words[i] = xstrdup(f->words[i]);
        to->heads[i] = f->heads[i];
    }
}

static void memo_place(struct institution_memo *m, uint32_t id)
{
    size_t s = m->hashes[id - 1] & (m->nslots - 1);
    while (m->slots[s])
        s = (s + 1) & (m->nslots - 1);
    m->slots[s] = id;
}

/* The table of answers at its next size, with what it knew. */
static void memo_grow_answers(struct institution_memo *m)
{
    uint32_t dim = m->dim ? m->dim * 2 : 64;
    if (dim > INSTITUTION_MEMO_MAX)
        return;
    uint8_t *answers = xcalloc(((size_t)dim * dim + 3) / 4, 1);
    for (size_t a = 0; a < m->dim; a++)
        for (size_t b = 0; b < m->dim; b++) {
            size_t from = a * m->dim + b, to = a * dim + b;
            unsigned known = (m->answers[from >> 2] >> ((from & 3) * 2)) & 3;
            answers[to >> 2] |= (uint8_t)(known << ((to & 3) * 2));
        }
    free(m->answers);
    m->answers = answers;
    m->dim = dim;
}

void institution_memo_add(struct institution_memo *m, struct institution_form *f)
{
    char *identity = institution_identity(f);
    uint64_t h = word_hash(identity, strlen(identity));
    for (size_t s = m->nslots ? h & (m->nslots - 1) : 0; m->nslots && m->slots[s];
         s = (s + 1) & (m->nslots - 1)) {
        uint32_t id = m->slots[s];
        if (m->hashes[id - 1] == h && !strcmp(m->identities[id - 1], identity)) {
            free(identity);
            f->id = id;
            return;
        }
    }
    m->forms = xrealloc(m->forms, (m->n + 1) * sizeof(*m->forms));
    m->identities = xrealloc(m->identities, (m->n + 1) * sizeof(*m->identities));
    m->hashes = xrealloc(m->hashes, (m->n + 1) * sizeof(*m->hashes));
    institution_form_copy(&m->forms[m->n], f);
    m->identities[m->n] = identity;
    m->hashes[m->n] = h;
    m->n++;
    f->id = m->forms[m->n - 1].id = m->n;
    if (2 * (size_t)m->n > m->nslots) { /* at most half full */
        free(m->slots);
        m->nslots = m->nslots ? m->nslots * 2 : 64;
        m->slots = xcalloc(m->nslots, sizeof(*m->slots));
        for (uint32_t id = 1; id <= m->n; id++)
            memo_place(m, id);
    } else {
        memo_place(m, f->id);
    }
    if (f->id > m->dim)
        memo_grow_answers(m);
}

bool institution_memo_learn(struct institution_memo *m, uint32_t a, uint32_t b)
{
    bool same = institution_form_same(&m->forms[a - 1], &m->forms[b - 1]);
    size_t cell = (size_t)(a - 1) * m->dim + (b - 1);
    m->answers[cell >> 2] |= (uint8_t)((same ? 2u : 1u) << ((cell & 3) * 2));
    return same;
}
