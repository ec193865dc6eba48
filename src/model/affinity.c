#include "model/affinity.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Why TF-IDF cosine rather than BM25: the assignment adds affinities up across
 * submissions, so a score must mean the same for every pair. BM25 is a ranking
 * function for a short query against long documents; its scores grow with the
 * query's length and are only comparable within one query, which would let
 * submissions with long abstracts dominate the total. Cosine similarity is
 * symmetric, bounded by 1 and normalised for length on both sides, and a
 * reviewer's long profile does not win by volume. Term frequencies are
 * sublinear (1 + ln tf) so that repeating a word helps less and less, and IDF
 * is ln((N + 1) / df), which stays positive (a term in every document still
 * matches a little) but is nearly zero for the words every document uses.
 */

#define NIL             UINT32_MAX
#define PHRASE_MAX      4
#define MIN_TOKEN_CHARS 2

enum script { SCRIPT_NONE, SCRIPT_LATIN, SCRIPT_CYRILLIC };

/* Stop words, lower-case and with ё written е (they are compared after folding). */
static const char *const english_stop_words[] = {
    "about",   "above",  "after",   "again",     "against",    "all",     "also",  "am",
    "an",      "and",    "any",     "are",       "as",         "at",      "be",    "because",
    "been",    "before", "being",   "below",     "between",    "both",    "but",   "by",
    "can",     "could",  "did",     "do",        "does",       "doing",   "down",  "during",
    "each",    "either", "et",      "etc",       "few",        "for",     "from",  "further",
    "had",     "has",    "have",    "having",    "he",         "her",     "here",  "hers",
    "herself", "him",    "himself", "his",       "how",        "however", "if",    "in",
    "into",    "is",     "it",      "its",       "itself",     "just",    "may",   "me",
    "might",   "more",   "most",    "must",      "my",         "myself",  "no",    "nor",
    "not",     "now",    "of",      "off",       "on",         "once",    "only",  "or",
    "other",   "our",    "ours",    "ourselves", "out",        "over",    "own",   "same",
    "shall",   "she",    "should",  "so",        "some",       "such",    "than",  "that",
    "the",     "their",  "theirs",  "them",      "themselves", "then",    "there", "these",
    "they",    "this",   "those",   "through",   "thus",       "to",      "too",   "under",
    "until",   "up",     "upon",    "us",        "very",       "via",     "was",   "we",
    "were",    "what",   "when",    "where",     "which",      "while",   "who",   "whom",
    "why",     "will",   "with",    "within",    "without",    "would",   "yet",   "you",
    "your",    "yours"};

static const char *const russian_stop_words[] = {
    "без",     "более",    "больше",  "будет",   "будто",   "бы",      "был",     "была",
    "были",    "было",     "быть",    "вам",     "вас",     "ведь",    "весь",    "во",
    "вот",     "впрочем",  "все",     "всего",   "всех",    "всю",     "вы",      "где",
    "да",      "даже",     "для",     "до",      "другой",  "его",     "ее",      "ей",
    "ему",     "если",     "есть",    "еще",     "же",      "за",      "зачем",   "здесь",
    "из",      "или",      "им",      "их",      "как",     "какая",   "какой",   "когда",
    "которая", "которого", "которое", "которой", "котором", "которую", "которые", "который",
    "которых", "кто",      "куда",    "ли",      "лишь",    "между",   "меня",    "мне",
    "много",   "может",    "можно",   "мой",     "моя",     "мы",      "на",      "над",
    "надо",    "наш",      "не",      "него",    "нее",     "ней",     "нет",     "ни",
    "ним",     "них",      "но",      "ну",      "об",      "однако",  "он",      "она",
    "они",     "оно",      "от",      "очень",   "по",      "под",     "после",   "потом",
    "потому",  "почти",    "при",     "про",     "раз",     "свою",    "себе",    "себя",
    "со",      "так",      "также",   "такой",   "там",     "те",      "тем",     "то",
    "того",    "тоже",     "той",     "только",  "том",     "тот",     "тут",     "ты",
    "уже",     "хоть",     "чем",     "через",   "что",     "чтобы",   "чье",     "эта",
    "эти",     "этим",     "этих",    "это",     "этого",   "этой",    "этом",    "этот",
    "эту",     "является", "являются"};

/* Interned strings: an open-addressing table of indices into strs. */
struct strtab {
    char **strs;
    size_t n, alloc;
    uint32_t *slots;
    size_t mask;
};

struct phrase {
    uint32_t words[PHRASE_MAX]; /* term ids of the words */
    uint32_t n, term;
};

struct term {
    uint32_t df;
    uint32_t surface; /* phrases: the keyword as first written; words: NIL */
    double idf;
};

/* One term of a document: before finish w is the weighted count, after it the vector weight. */
struct entry {
    uint32_t term, surface;
    double w;
};

/* A word of a field in order, for phrase matching; term NIL marks a break between phrases. */
struct seq_item {
    uint32_t term;
    uint32_t field;
};

struct affinity_doc {
    struct entry *entries; /* sorted by term after finish */
    size_t n, alloc;
    struct seq_item *seq;
    size_t nseq, seq_alloc;
    double *field_weight;
};

struct affinity_corpus {
    struct sb_stemmer *english, *russian;
    const char **stop_words;
    size_t nstop;
    struct strtab stems, surfaces;
    uint32_t *stem_term; /* stem id -> term id */
    size_t stem_term_alloc;
    struct term *terms;
    size_t nterms, terms_alloc;
    struct phrase *phrases;
    size_t nphrases, phrases_alloc;
    uint32_t *phrase_slots;
    size_t phrase_mask;
    struct affinity_doc **docs;
    size_t ndocs, docs_alloc;
    /* Per-term scratch for merging a document's occurrences: entry index, valid when stamp matches.
     */
    uint32_t *scratch_entry, *scratch_stamp, stamp;
    size_t scratch_alloc;
    bool finished;
};

struct affinity_index {
    size_t ndocs, nterms;
    size_t *offset; /* postings of term t: [offset[t], offset[t + 1]) */
    uint32_t *doc;
    double *w;
};

/* --- hashing and interning --- */

static uint64_t hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static uint32_t *slots_new(size_t size)
{
    uint32_t *slots = xmalloc(size * sizeof(*slots));
    for (size_t i = 0; i < size; i++)
        slots[i] = NIL;
    return slots;
}

static void strtab_rehash(struct strtab *t)
{
    size_t size = t->slots ? (t->mask + 1) * 2 : 256;
    free(t->slots);
    t->slots = slots_new(size);
    t->mask = size - 1;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = hash_bytes(t->strs[k], strlen(t->strs[k])) & t->mask;
        while (t->slots[i] != NIL)
            i = (i + 1) & t->mask;
        t->slots[i] = (uint32_t)k;
    }
}

/* The id of s (len bytes), adding it if new; *added says which. */
static uint32_t strtab_intern(struct strtab *t, const char *s, size_t len, bool *added)
{
    if (!t->slots || 2 * (t->n + 1) > t->mask + 1)
        strtab_rehash(t);
    size_t i = hash_bytes(s, len) & t->mask;
    for (; t->slots[i] != NIL; i = (i + 1) & t->mask) {
        const char *have = t->strs[t->slots[i]];
        if (strncmp(have, s, len) == 0 && have[len] == '\0') {
            *added = false;
            return t->slots[i];
        }
    }
    ARRAY_GROW(t->strs, t->n + 1, t->alloc);
    t->strs[t->n] = xstrndup(s, len);
    t->slots[i] = (uint32_t)t->n;
    *added = true;
    return (uint32_t)t->n++;
}

static void strtab_free(struct strtab *t)
{
    for (size_t k = 0; k < t->n; k++)
        free(t->strs[k]);
    free(t->strs);
    free(t->slots);
}

static uint32_t new_term(struct affinity_corpus *c, uint32_t surface)
{
    ARRAY_GROW(c->terms, c->nterms + 1, c->terms_alloc);
    c->terms[c->nterms] = (struct term){0, surface, 0};
    return (uint32_t)c->nterms++;
}

static size_t phrase_slot(const struct affinity_corpus *c, const uint32_t *words, uint32_t n)
{
    size_t i = hash_bytes(words, n * sizeof(*words)) & c->phrase_mask;
    for (; c->phrase_slots[i] != NIL; i = (i + 1) & c->phrase_mask) {
        const struct phrase *ph = &c->phrases[c->phrase_slots[i]];
        if (ph->n == n && memcmp(ph->words, words, n * sizeof(*words)) == 0)
            break;
    }
    return i;
}

static uint32_t phrase_find(const struct affinity_corpus *c, const uint32_t *words, uint32_t n)
{
    if (!c->nphrases)
        return NIL;
    uint32_t k = c->phrase_slots[phrase_slot(c, words, n)];
    return k == NIL ? NIL : c->phrases[k].term;
}

static void phrase_add(struct affinity_corpus *c, const uint32_t *words, uint32_t n,
                       const char *surface, size_t surface_len)
{
    if (!c->phrase_slots || 2 * (c->nphrases + 1) > c->phrase_mask + 1) {
        size_t size = c->phrase_slots ? (c->phrase_mask + 1) * 2 : 256;
        free(c->phrase_slots);
        c->phrase_slots = slots_new(size);
        c->phrase_mask = size - 1;
        for (size_t k = 0; k < c->nphrases; k++)
            c->phrase_slots[phrase_slot(c, c->phrases[k].words, c->phrases[k].n)] = (uint32_t)k;
    }
    size_t i = phrase_slot(c, words, n);
    if (c->phrase_slots[i] != NIL)
        return;
    bool added;
    uint32_t surface_id = strtab_intern(&c->surfaces, surface, surface_len, &added);
    ARRAY_GROW(c->phrases, c->nphrases + 1, c->phrases_alloc);
    struct phrase *ph = &c->phrases[c->nphrases];
    memset(ph, 0, sizeof(*ph));
    memcpy(ph->words, words, n * sizeof(*words));
    ph->n = n;
    ph->term = new_term(c, surface_id);
    c->phrase_slots[i] = (uint32_t)c->nphrases++;
}

/* --- characters --- */

static uint32_t decode_utf8(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char b = s[*i];
    uint32_t cp, min;
    size_t n;
    if (b < 0x80) {
        (*i)++;
        return b;
    } else if ((b & 0xE0) == 0xC0) {
        cp = b & 0x1F, n = 1, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
        cp = b & 0x0F, n = 2, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
        cp = b & 0x07, n = 3, min = 0x10000;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (*i + n >= len) {
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= n; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3F);
    }
    *i += n + 1;
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0xFFFD;
    return cp;
}

static void encode_utf8(struct strbuf *sb, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), b[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    strbuf_add(sb, b, n);
}

enum char_class {
    CH_SPACE,    /* separates words */
    CH_BREAK,    /* separates words and phrases */
    CH_LIST,     /* separates keywords in a keyword list (and phrases) */
    CH_WORD,     /* part of a word: *folded is its lower-case form */
    CH_JOIN,     /* invisible inside a word (soft hyphen, zero-width joiners) */
    CH_COMBINING /* a combining mark: may compose with the previous letter */
};

static bool in(uint32_t cp, uint32_t lo, uint32_t hi)
{
    return cp >= lo && cp <= hi;
}

/* Upper case to lower case where the block alternates upper/lower with upper on even (or odd). */
static uint32_t alternating(uint32_t cp, uint32_t upper_parity)
{
    return (cp & 1) == upper_parity ? cp + 1 : cp;
}

/*
 * Classify cp and give the lower-case, ё-folded form of letters and digits. Only
 * Latin, Greek and Cyrillic letters and ASCII digits form words: the journal
 * publishes in English and Russian, and other scripts would need segmenters.
 */
static enum char_class classify(uint32_t cp, uint32_t *folded, enum script *script)
{
    *script = SCRIPT_NONE;
    *folded = cp;
    if (cp < 0x80) {
        if (in(cp, '0', '9') || in(cp, 'a', 'z'))
            ;
        else if (in(cp, 'A', 'Z'))
            *folded = cp + 32;
        else if (cp == ',' || cp == ';' || cp == '|' || cp == '\n' || cp == '\r')
            return CH_LIST;
        else if (strchr(".:!?()[]{}\"/\\", (int)cp))
            return CH_BREAK;
        else
            return CH_SPACE;
        if (!in(cp, '0', '9'))
            *script = SCRIPT_LATIN;
        return CH_WORD;
    }
    if (cp == 0xAD || in(cp, 0x200B, 0x200D) || cp == 0x2060)
        return CH_JOIN;
    if (in(cp, 0x300, 0x36F) || in(cp, 0x483, 0x489))
        return CH_COMBINING;
    if (cp == 0xAB || cp == 0xBB || in(cp, 0x201C, 0x201F) || cp == 0x2014 || cp == 0x2026)
        return CH_BREAK;
    if (in(cp, 0xC0, 0x24F) || in(cp, 0x1E00, 0x1EFF)) {
        if (cp == 0xD7 || cp == 0xF7)
            return CH_SPACE;
        *script = SCRIPT_LATIN;
        if (in(cp, 0xC0, 0xDE))
            *folded = cp + 0x20;
        else if (cp == 0x130)
            *folded = 'i';
        else if (cp == 0x178)
            *folded = 0xFF;
        else if (cp == 0x17F)
            *folded = 's';
        else if (in(cp, 0x100, 0x137) || in(cp, 0x14A, 0x177) || in(cp, 0x1E00, 0x1E95) ||
                 in(cp, 0x1EA0, 0x1EFF))
            *folded = alternating(cp, 0);
        else if (in(cp, 0x139, 0x148) || in(cp, 0x179, 0x17E))
            *folded = alternating(cp, 1);
        return CH_WORD;
    }
    if (in(cp, 0x386, 0x3FF) && cp != 0x387) {
        if (in(cp, 0x391, 0x3AB))
            *folded = cp + 0x20;
        return CH_WORD;
    }
    if (in(cp, 0x400, 0x52F)) {
        *script = SCRIPT_CYRILLIC;
        if (in(cp, 0x400, 0x40F))
            *folded = cp + 0x50;
        else if (in(cp, 0x410, 0x42F))
            *folded = cp + 0x20;
        else if (in(cp, 0x460, 0x481) || in(cp, 0x48A, 0x4BF) || in(cp, 0x4D0, 0x52F))
            *folded = alternating(cp, 0);
        else if (in(cp, 0x4C1, 0x4CE))
            *folded = alternating(cp, 1);
        else if (cp == 0x4C0)
            *folded = 0x4CF;
        if (*folded == 0x451) /* ё is written е as often as not */
            *folded = 0x435;
        return CH_WORD;
    }
    return CH_SPACE;
}

/* --- tokenising a document --- */

struct tokenizer {
    struct affinity_corpus *c;
    struct affinity_doc *doc;
    uint32_t field;
    double weight;
    bool keywords;
    struct strbuf word; /* the current word, lower-cased */
    size_t word_chars, latin, cyrillic;
    /* The current keyword: its significant words' term ids and its surface text. */
    uint32_t kw_terms[PHRASE_MAX + 1];
    uint32_t kw_n;
    struct strbuf kw_surface;
    bool kw_space; /* whitespace seen since the surface's last character */
};

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_stop_word(const struct affinity_corpus *c, const char *word)
{
    return bsearch(&word, c->stop_words, c->nstop, sizeof(*c->stop_words), compare_strings) != NULL;
}

static void scratch_reserve(struct affinity_corpus *c)
{
    if (c->scratch_alloc >= c->nterms)
        return;
    size_t size = c->scratch_alloc ? c->scratch_alloc : 256;
    while (size < c->nterms)
        size *= 2;
    c->scratch_entry = xrealloc(c->scratch_entry, size * sizeof(*c->scratch_entry));
    c->scratch_stamp = xrealloc(c->scratch_stamp, size * sizeof(*c->scratch_stamp));
    memset(c->scratch_stamp + c->scratch_alloc, 0,
           (size - c->scratch_alloc) * sizeof(*c->scratch_stamp));
    c->scratch_alloc = size;
}

/* Start merging occurrences into doc (whose entries are already unique). */
static void scratch_begin(struct affinity_corpus *c, struct affinity_doc *doc)
{
    scratch_reserve(c);
    if (++c->stamp == 0) {
        memset(c->scratch_stamp, 0, c->scratch_alloc * sizeof(*c->scratch_stamp));
        c->stamp = 1;
    }
    for (size_t k = 0; k < doc->n; k++) {
        c->scratch_stamp[doc->entries[k].term] = c->stamp;
        c->scratch_entry[doc->entries[k].term] = (uint32_t)k;
    }
}

static void count_occurrence(struct affinity_corpus *c, struct affinity_doc *doc, uint32_t term,
                             uint32_t surface, double weight)
{
    scratch_reserve(c);
    if (c->scratch_stamp[term] == c->stamp) {
        doc->entries[c->scratch_entry[term]].w += weight;
        return;
    }
    c->scratch_stamp[term] = c->stamp;
    c->scratch_entry[term] = (uint32_t)doc->n;
    ARRAY_GROW(doc->entries, doc->n + 1, doc->alloc);
    doc->entries[doc->n++] = (struct entry){term, surface, weight};
}

static void seq_push(struct affinity_doc *doc, uint32_t term, uint32_t field)
{
    /* A break after a break (or at the start) carries no information. */
    if (term == NIL && (doc->nseq == 0 || doc->seq[doc->nseq - 1].term == NIL))
        return;
    ARRAY_GROW(doc->seq, doc->nseq + 1, doc->seq_alloc);
    doc->seq[doc->nseq++] = (struct seq_item){term, field};
}

static void end_word(struct tokenizer *tk)
{
    struct affinity_corpus *c = tk->c;
    if (!tk->word.len)
        return;
    if (tk->word_chars < MIN_TOKEN_CHARS || is_stop_word(c, tk->word.buf)) {
        strbuf_reset(&tk->word);
        tk->word_chars = tk->latin = tk->cyrillic = 0;
        return;
    }
    const char *stem = tk->word.buf;
    size_t stem_len = tk->word.len;
    struct sb_stemmer *stemmer = NULL;
    if (tk->cyrillic > tk->latin)
        stemmer = c->russian;
    else if (tk->latin > 0)
        stemmer = c->english;
    if (stemmer) {
        const sb_symbol *out =
            sb_stemmer_stem(stemmer, (const sb_symbol *)tk->word.buf, (int)tk->word.len);
        /* NULL only when the stemmer runs out of memory: the unstemmed word still works. */
        if (out) {
            stem = (const char *)out;
            stem_len = (size_t)sb_stemmer_length(stemmer);
        }
    }
    bool added;
    uint32_t stem_id = strtab_intern(&c->stems, stem, stem_len, &added);
    if (added) {
        ARRAY_GROW(c->stem_term, stem_id + 1, c->stem_term_alloc);
        c->stem_term[stem_id] = new_term(c, NIL);
    }
    uint32_t term = c->stem_term[stem_id];
    uint32_t surface = strtab_intern(&c->surfaces, tk->word.buf, tk->word.len, &added);
    count_occurrence(c, tk->doc, term, surface, tk->weight);
    seq_push(tk->doc, term, tk->field);
    if (tk->keywords && tk->kw_n <= PHRASE_MAX)
        tk->kw_terms[tk->kw_n++] = term;
    strbuf_reset(&tk->word);
    tk->word_chars = tk->latin = tk->cyrillic = 0;
}

static void end_keyword(struct tokenizer *tk)
{
    if (tk->kw_n >= 2 && tk->kw_n <= PHRASE_MAX)
        phrase_add(tk->c, tk->kw_terms, tk->kw_n, tk->kw_surface.buf, tk->kw_surface.len);
    tk->kw_n = 0;
    tk->kw_space = false;
    strbuf_reset(&tk->kw_surface);
}

static bool is_blank(uint32_t cp)
{
    return cp <= 0x20 || cp == 0x7F || cp == 0xA0 || in(cp, 0x2000, 0x200A) || cp == 0x202F ||
           cp == 0x3000 || cp == 0xFFFD;
}

/* A keyword as the editor wrote it, lower-cased with runs of blanks as one space: what
 * --explain shows for a phrase ("merit-based recruitment", not its stems). */
static void keyword_surface_add(struct tokenizer *tk, uint32_t cp, uint32_t folded,
                                enum char_class cls)
{
    if (cls == CH_LIST || cls == CH_JOIN)
        return;
    if (cls == CH_SPACE && is_blank(cp)) {
        tk->kw_space = tk->kw_surface.len > 0;
        return;
    }
    if (tk->kw_space)
        strbuf_addch(&tk->kw_surface, ' ');
    tk->kw_space = false;
    encode_utf8(&tk->kw_surface, cls == CH_WORD ? folded : cp);
}

static void tokenize_field(struct tokenizer *tk, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    for (size_t i = 0; i < len;) {
        uint32_t cp = decode_utf8(s, len, &i), folded;
        enum script script;
        enum char_class cls = classify(cp, &folded, &script);
        if (tk->keywords)
            keyword_surface_add(tk, cp, folded, cls);
        switch (cls) {
        case CH_WORD:
            encode_utf8(&tk->word, folded);
            tk->word_chars++;
            tk->latin += script == SCRIPT_LATIN;
            tk->cyrillic += script == SCRIPT_CYRILLIC;
            break;
        case CH_JOIN:
            break;
        case CH_COMBINING:
            /* Decomposed й: и + breve. Decomposed ё (е + diaeresis) is already е; other marks
             * are dropped, which only matters for accented Latin. */
            if (cp == 0x306 && tk->word.len >= 2 &&
                memcmp(tk->word.buf + tk->word.len - 2, "\xD0\xB8", 2) == 0) {
                strbuf_setlen(&tk->word, tk->word.len - 2);
                strbuf_addstr(&tk->word, "\xD0\xB9");
            }
            break;
        case CH_SPACE:
            end_word(tk);
            break;
        case CH_BREAK:
            end_word(tk);
            /* Inside a keyword, "service (civil)" is still one phrase. */
            if (!tk->keywords)
                seq_push(tk->doc, NIL, tk->field);
            break;
        case CH_LIST:
            end_word(tk);
            seq_push(tk->doc, NIL, tk->field);
            if (tk->keywords)
                end_keyword(tk);
            break;
        }
    }
    end_word(tk);
    seq_push(tk->doc, NIL, tk->field);
    if (tk->keywords)
        end_keyword(tk);
}

int affinity_corpus_new(struct affinity_corpus **out)
{
    *out = NULL;
    struct affinity_corpus *c = xcalloc(1, sizeof(*c));
    c->english = sb_stemmer_new("english", NULL);
    c->russian = sb_stemmer_new("russian", NULL);
    if (!c->english || !c->russian) {
        affinity_corpus_free(c);
        return error_internal("affinity: cannot create the Snowball stemmers");
    }
    size_t ne = sizeof(english_stop_words) / sizeof(*english_stop_words);
    size_t nr = sizeof(russian_stop_words) / sizeof(*russian_stop_words);
    c->stop_words = xmalloc((ne + nr) * sizeof(*c->stop_words));
    memcpy(c->stop_words, english_stop_words, sizeof(english_stop_words));
    memcpy(c->stop_words + ne, russian_stop_words, sizeof(russian_stop_words));
    c->nstop = ne + nr;
    qsort(c->stop_words, c->nstop, sizeof(*c->stop_words), compare_strings);
    *out = c;
    return 0;
}

int affinity_doc_add(struct affinity_corpus *c, const struct affinity_field *fields, size_t nfields,
                     struct affinity_doc **out)
{
    *out = NULL;
    if (c->finished)
        return error_internal("affinity: document added after the corpus was finished");
    for (size_t f = 0; f < nfields; f++)
        if (!(fields[f].weight > 0) || !isfinite(fields[f].weight))
            return error_internal("affinity: field weight %g is not finite and positive",
                                  fields[f].weight);
    struct affinity_doc *doc = xcalloc(1, sizeof(*doc));
    doc->field_weight = xmalloc((nfields ? nfields : 1) * sizeof(*doc->field_weight));
    struct tokenizer tk = {.c = c, .doc = doc, .word = STRBUF_INIT, .kw_surface = STRBUF_INIT};
    scratch_begin(c, doc);
    for (size_t f = 0; f < nfields; f++) {
        doc->field_weight[f] = fields[f].weight;
        tk.field = (uint32_t)f;
        tk.weight = fields[f].weight;
        tk.keywords = fields[f].keywords;
        if (fields[f].text)
            tokenize_field(&tk, fields[f].text);
    }
    strbuf_release(&tk.word);
    strbuf_release(&tk.kw_surface);
    ARRAY_GROW(c->docs, c->ndocs + 1, c->docs_alloc);
    c->docs[c->ndocs++] = doc;
    *out = doc;
    return 0;
}

static int compare_entries(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    return x->term < y->term ? -1 : x->term > y->term;
}

/* Count every known phrase that occurs in doc, in any field. */
static void count_phrases(struct affinity_corpus *c, struct affinity_doc *doc)
{
    if (!c->nphrases)
        return;
    scratch_begin(c, doc);
    uint32_t words[PHRASE_MAX];
    for (size_t p = 0; p < doc->nseq; p++) {
        for (uint32_t n = 0; n < PHRASE_MAX && p + n < doc->nseq; n++) {
            if (doc->seq[p + n].term == NIL)
                break;
            words[n] = doc->seq[p + n].term;
            if (n == 0)
                continue;
            uint32_t term = phrase_find(c, words, n + 1);
            if (term != NIL)
                count_occurrence(c, doc, term, c->terms[term].surface,
                                 doc->field_weight[doc->seq[p].field]);
        }
    }
}

void affinity_corpus_finish(struct affinity_corpus *c)
{
    if (c->finished)
        return;
    c->finished = true;
    for (size_t d = 0; d < c->ndocs; d++) {
        struct affinity_doc *doc = c->docs[d];
        count_phrases(c, doc);
        free(doc->seq);
        free(doc->field_weight);
        doc->seq = NULL;
        doc->field_weight = NULL;
        doc->nseq = doc->seq_alloc = 0;
        if (doc->n)
            qsort(doc->entries, doc->n, sizeof(*doc->entries), compare_entries);
        for (size_t k = 0; k < doc->n; k++)
            c->terms[doc->entries[k].term].df++;
    }
    for (size_t t = 0; t < c->nterms; t++)
        if (c->terms[t].df)
            c->terms[t].idf = log((double)(c->ndocs + 1) / c->terms[t].df);
    for (size_t d = 0; d < c->ndocs; d++) {
        struct affinity_doc *doc = c->docs[d];
        double norm = 0;
        for (size_t k = 0; k < doc->n; k++) {
            struct entry *e = &doc->entries[k];
            double tf = e->w >= 1 ? 1 + log(e->w) : e->w;
            e->w = tf * c->terms[e->term].idf;
            norm += e->w * e->w;
        }
        norm = sqrt(norm);
        for (size_t k = 0; k < doc->n; k++)
            doc->entries[k].w = norm > 0 ? doc->entries[k].w / norm : 0;
    }
    free(c->scratch_entry);
    free(c->scratch_stamp);
    c->scratch_entry = c->scratch_stamp = NULL;
    c->scratch_alloc = 0;
}

double affinity_score(const struct affinity_corpus *c, const struct affinity_doc *sub,
                      const struct affinity_doc *rev)
{
    if (!c->finished)
        return 0;
    double sum = 0;
    size_t i = 0, j = 0;
    while (i < sub->n && j < rev->n) {
        uint32_t a = sub->entries[i].term, b = rev->entries[j].term;
        if (a < b) {
            i++;
        } else if (a > b) {
            j++;
        } else {
            sum += sub->entries[i++].w * rev->entries[j++].w;
        }
    }
    return sum;
}

struct share {
    const char *surface;
    double w;
};

static int compare_shares(const void *a, const void *b)
{
    const struct share *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return strcmp(x->surface, y->surface);
}

size_t affinity_explain(const struct affinity_corpus *c, const struct affinity_doc *sub,
                        const struct affinity_doc *rev, char ***terms, double **weights)
{
    *terms = NULL;
    *weights = NULL;
    if (!c->finished)
        return 0;
    struct share *shares = NULL;
    size_t n = 0, alloc = 0, i = 0, j = 0;
    while (i < sub->n && j < rev->n) {
        uint32_t a = sub->entries[i].term, b = rev->entries[j].term;
        if (a < b) {
            i++;
        } else if (a > b) {
            j++;
        } else {
            ARRAY_GROW(shares, n + 1, alloc);
            shares[n++] = (struct share){c->surfaces.strs[sub->entries[i].surface],
                                         sub->entries[i].w * rev->entries[j].w};
            i++, j++;
        }
    }
    if (!n)
        return 0;
    qsort(shares, n, sizeof(*shares), compare_shares);
    *terms = xmalloc(n * sizeof(**terms));
    *weights = xmalloc(n * sizeof(**weights));
    for (size_t k = 0; k < n; k++) {
        (*terms)[k] = xstrdup(shares[k].surface);
        (*weights)[k] = shares[k].w;
    }
    free(shares);
    return n;
}

void affinity_explain_free(char **terms, double *weights, size_t n)
{
    for (size_t k = 0; k < n; k++)
        free(terms[k]);
    free(terms);
    free(weights);
}

void affinity_corpus_free(struct affinity_corpus *c)
{
    if (!c)
        return;
    for (size_t d = 0; d < c->ndocs; d++) {
        free(c->docs[d]->entries);
        free(c->docs[d]->seq);
        free(c->docs[d]->field_weight);
        free(c->docs[d]);
    }
    free(c->docs);
    sb_stemmer_delete(c->english);
    sb_stemmer_delete(c->russian);
    free(c->stop_words);
    strtab_free(&c->stems);
    strtab_free(&c->surfaces);
    free(c->stem_term);
    free(c->terms);
    free(c->phrases);
    free(c->phrase_slots);
    free(c->scratch_entry);
    free(c->scratch_stamp);
    free(c);
}

int affinity_index_new(const struct affinity_corpus *c, const struct affinity_doc *const *docs,
                       size_t ndocs, struct affinity_index **out)
{
    *out = NULL;
    if (!c->finished)
        return error_internal("affinity: index built before the corpus was finished");
    if (ndocs > UINT32_MAX)
        return error_internal("affinity: too many documents to index");
    struct affinity_index *ix = xcalloc(1, sizeof(*ix));
    ix->ndocs = ndocs;
    ix->nterms = c->nterms;
    ix->offset = xcalloc(c->nterms + 2, sizeof(*ix->offset));
    for (size_t d = 0; d < ndocs; d++)
        for (size_t k = 0; k < docs[d]->n; k++)
            ix->offset[docs[d]->entries[k].term + 2]++;
    for (size_t t = 2; t < c->nterms + 2; t++)
        ix->offset[t] += ix->offset[t - 1];
    size_t total = ix->offset[c->nterms + 1];
    ix->doc = xmalloc((total ? total : 1) * sizeof(*ix->doc));
    ix->w = xmalloc((total ? total : 1) * sizeof(*ix->w));
    /* offset[t + 1] is the fill pointer of term t; it ends at the start of t + 1. */
    for (size_t d = 0; d < ndocs; d++) {
        for (size_t k = 0; k < docs[d]->n; k++) {
            size_t at = ix->offset[docs[d]->entries[k].term + 1]++;
            ix->doc[at] = (uint32_t)d;
            ix->w[at] = docs[d]->entries[k].w;
        }
    }
    *out = ix;
    return 0;
}

size_t affinity_index_score(const struct affinity_index *ix, const struct affinity_doc *doc,
                            double *scores, uint32_t *hits)
{
    memset(scores, 0, ix->ndocs * sizeof(*scores));
    size_t nhits = 0;
    /* Terms in ascending order, as affinity_score adds them, so both give identical sums. */
    for (size_t k = 0; k < doc->n; k++) {
        uint32_t t = doc->entries[k].term;
        if (t >= ix->nterms)
            continue;
        double w = doc->entries[k].w;
        for (size_t p = ix->offset[t]; p < ix->offset[t + 1]; p++) {
            uint32_t d = ix->doc[p];
            if (scores[d] == 0) {
                if (hits)
                    hits[nhits] = d;
                nhits++;
            }
            scores[d] += w * ix->w[p];
        }
    }
    return nhits;
}

void affinity_index_free(struct affinity_index *ix)
{
    if (!ix)
        return;
    free(ix->offset);
    free(ix->doc);
    free(ix->w);
    free(ix);
}
