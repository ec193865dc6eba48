#include "model/namematch.h"

#include "util/alloc.h"
#include "util/strbuf.h"
#include "util/unicode.h"

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

static void add_name_word(void *arg, const char *raw, size_t len, bool initial)
{
    struct name_form *f = arg;
    struct strbuf folded = STRBUF_INIT;
    text_spelling_fold(&folded, raw, len);
    if (!folded.len) {
        strbuf_release(&folded);
        return;
    }
    f->words = xrealloc(f->words, (f->nwords + 1) * sizeof(*f->words));
    struct name_word *w = &f->words[f->nwords++];
    w->text = strbuf_detach(&folded, NULL);
    w->stem = initial ? xstrdup(w->text) : stem_of(w->text);
    w->initial = initial;
    f->has_initials |= initial;
    w->stem_hash = word_hash(w->stem, strlen(w->stem));
    if (!initial)
        f->signature |= word_bit(w->stem, strlen(w->stem));
}

int name_form_init(struct name_form *f, const char *name)
{
    memset(f, 0, sizeof(*f));
    int rc = each_word(name, add_name_word, f);
    if (rc)
        name_form_free(f);
    return rc;
}

void name_form_free(struct name_form *f)
{
    for (size_t i = 0; i < f->nwords; i++) {
        free(f->words[i].text);
        free(f->words[i].stem);
    }
    free(f->words);
    memset(f, 0, sizeof(*f));
}

/* 2: full words that meet; 1: an initial and a word it begins (or two equal initials). */
static int words_meet(const struct name_word *x, const struct name_word *y)
{
    /* 64-bit hashes of stems: two different stems colliding would make a conflict of two
       strangers, about once in 10^19 comparisons. */
    if (!x->initial && !y->initial)
        return x->stem_hash == y->stem_hash ? 2 : 0;
    return x->text[0] == y->text[0] ? 1 : 0;
}

/*
 * Whether each of a's words from index i on can meet a different unused word of b (used is
 * a bitmask over b), with at least one full match among them when need_full. Names have a
 * handful of words, so trying every assignment is cheap.
 */
static bool assign_words(const struct name_form *a, size_t i, const struct name_form *b,
                         uint32_t used, bool need_full)
{
    if (i == a->nwords)
        return !need_full;
    for (size_t j = 0; j < b->nwords && j < 32; j++) {
        if (used & (1u << j))
            continue;
        int meet = words_meet(&a->words[i], &b->words[j]);
        if (meet && assign_words(a, i + 1, b, used | (1u << j), need_full && meet != 2))
            return true;
    }
    return false;
}

bool name_form_same_person(const struct name_form *a, const struct name_form *b)
{
    /* Most pairs end here, at millions a second: no stem in common, or, where neither name
       has an initial, a stem of the shorter name that the longer does not have. */
    if (!(a->signature & b->signature))
        return false;
    const struct name_form *shorter = a->nwords <= b->nwords ? a : b;
    const struct name_form *longer = shorter == a ? b : a;
    if (!a->has_initials && !b->has_initials && (shorter->signature & ~longer->signature))
        return false;
    if (shorter->nwords < 2 && longer->nwords != 1)
        return false;
    if (shorter->nwords > 8)
        return false;
    return assign_words(shorter, 0, longer, 0, true);
}

bool name_form_occurs_in(const struct name_form *name, const struct name_form *text)
{
    if (!name->nwords || name->nwords > 8 || !(name->signature & text->signature))
        return false;
    for (size_t start = 0; start + name->nwords <= text->nwords; start++) {
        struct name_form window = {text->words + start, name->nwords, text->signature,
                                   text->has_initials};
        if (assign_words(name, 0, &window, 0, true))
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

bool institution_form_same(const struct institution_form *a, const struct institution_form *b)
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
