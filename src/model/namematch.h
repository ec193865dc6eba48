#ifndef JOURNAL_MODEL_NAMEMATCH_H
#define JOURNAL_MODEL_NAMEMATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Whether two writings of a person's or an institution's name can be the same, whatever
 * their script, romanisation, order and Russian case: the one place the conflict rules
 * (workflow/eligibility.c) and the blind-review checks (packet.c, decide.c) ask.
 *
 * A name is read once into its form (transliterated to Latin ASCII and spelling-folded by
 * util/unicode.c, split into words, initials marked, Russian case endings stripped into a
 * stem), so that comparing two forms costs a few string compares and no ICU call: callers
 * that compare many pairs make the forms once per person, not per pair.
 *
 * Where a match is uncertain these err toward "the same": a conflict or a warning an editor
 * can set aside (assign's --override with its recorded reason) costs less than a reviewer
 * who reviews a colleague's paper. Соколова (a wife, a daughter) meets Соколов; "Moscow
 * State University" meets "Moscow State Pedagogical University".
 */

/*
 * Korean and Chinese names are compared more loosely than the rest, and only with a name
 * written in Hangul or Han characters, so that Latin names keep the stricter comparison:
 * ICU romanises 박지호 "bagjiho" and 張偉 "zhang wei", while their people sign "Park Ji-ho",
 * "Pak Chiho", "Chang Wei". A name in Hangul is read as its family name (the first syllable,
 * or the first two where the table of model/surnames.h has them) and its given name; Han
 * characters are a word each, as Chinese text runs on without spaces, and two of them may
 * meet one Latin word ("Xiaoming" for 小明). Each such word carries the loose keys of the
 * spellings it may have: a family name's conventional spellings, and its romanisation, with
 * RR and McCune-Reischauer (g/k, d/t, b/p, j/ch, r/l; ㅓ as eo, o or u, ㅡ as eu or u; ae/e)
 * or pinyin and Wade-Giles (zh/j/q/ch, z/c/ts, x/hs, r/j, -ong/-ung, -ian/-ien, -ie/-ieh)
 * folded together and hyphens dropped. A word in Latin letters carries its own loose keys by
 * both folds, and those of it joined with the next word ("Ji Ho").
 */
enum name_script { NAME_LATIN = 0, NAME_KOREAN = 1, NAME_CHINESE = 2 };

struct name_word {
    char *text;         /* spelling-folded ("sokolovoi") */
    char *stem;         /* text without a Russian case ending ("sokolov"), or text itself */
    uint64_t stem_hash; /* compared instead of stem: names are compared millions of times */
    bool initial;       /* written as an initial: "D.", "Д.", "Ю.", "D" */
    uint8_t script;     /* enum name_script: NAME_LATIN for every script but Hangul and Han */
    /* NAME_LATIN: the word's Korean and Chinese loose keys ([script - 1]), and those of the
       word joined with the next one (0 for the last word or before an initial). */
    uint64_t loose[2], loose_next[2];
    uint64_t *alts; /* Hangul, Han: the loose keys of the spellings the word may have */
    size_t nalts;
    uint64_t *alts_next; /* Han: the loose keys of the word joined with the next */
    size_t nalts_next;
    uint64_t alt_mask; /* a bit per alternative (Han: joined ones too) */
};

struct name_form {
    /* What every pair reads first, together in one cache line: the conflict rules of
       assign --auto compare tens of millions of pairs, most of them rejected by these. */
    /* For a name in Latin letters (after transliteration), a bit per pair of a full word's
       stem and the first letter of another word (or, for a name of one word, of its stem
       alone); every bit for a name in Hangul or Han characters. Two names that
       name_form_same_person finds the same share a bit: every word of the shorter meets one
       of the longer's, one of them fully (the same stem), and a word that meets another
       starts with the same letter. */
    uint64_t gate;
    uint64_t signature; /* a bit per stem of a full word */
    bool has_initials;
    bool has_script; /* a word in Hangul or Han characters */
    struct name_word *words;
    size_t nwords;
    uint64_t latin_loose;   /* a bit per loose key (either fold) of a word in Latin letters */
    uint64_t alt_signature; /* the alt_mask of every word in Hangul or Han characters */
};

/* The form of name (UTF-8, any script; NULL or "" gives no words). 0 or JOURNAL_EINTERNAL
 * (ICU). Free with name_form_free. */
int name_form_init(struct name_form *f, const char *name);
void name_form_free(struct name_form *f);

/*
 * The same person: every word of the name with fewer words meets a different word of the
 * other, in any order (Park Ji-ho / Ji-ho Park, Sokolov Dmitry), a word meeting another by
 * its stem (Соколовым / Sokolov), an initial meeting a word that starts with it
 * (D. Sokolov / Дмитрий Соколов) and a word in Hangul or Han characters meeting one (or two
 * next to each other) in Latin letters by a loose key (박지호 / Pak Chi-ho / Park Ji Ho,
 * 張偉 / Chang Wei), at least one full word meeting a full word, and, unless both are one
 * word, at least two words (a patronymic in one of them is left over).
 */
static inline bool name_form_same_person(const struct name_form *a, const struct name_form *b);

/*
 * Whether text (the form of a line) contains name: its words next to each other, in any
 * order, by the same rules as above ("Ji-ho Park" in a letter for "Park Ji-ho",
 * "Соколовым Д." for "Dmitry Sokolov").
 */
bool name_form_occurs_in(const struct name_form *name, const struct name_form *text);

/*
 * A key that two writings of one name share when they have the same words, whatever the
 * script, spelling and order ("Dmitry Sokolov", "Дмитрий Соколов", "Sokolov Dmitrij" ->
 * "dmitri sokolov"), for grouping where a looser match would merge two people (the author
 * index: Соколова is not Соколов there): the words, spelling-folded, sorted. NULL when the
 * name has an initial or no word. Caller frees.
 */
char *name_form_key(const struct name_form *f);

/*
 * The identity by which a person is listed and counted once: the author index and the
 * authors of `journal stats`. "orcid:" and the iD where there is one, else "name:" and
 * name_form_key (the same words in any script and order: Marat Iskakov, Искаков Марат), else
 * (a name with an initial) "name:" and its folded words in their order ("d. sokolov"), or
 * where ICU fails the name as written. Never NULL; caller frees.
 */
char *person_identity_key(const char *orcid, const char *name);

struct institution_form {
    /* Shared by two forms of the same institution (institution_form_same): the bit of the
       ROR id, and the signature, or for a name of generic words only the bit of its key. */
    uint64_t gate;
    char *ror;           /* as given, or NULL */
    char *key;           /* every word, for names made only of generic words */
    char **words;        /* distinctive words, spelling-folded */
    uint64_t *heads;     /* each word's first five letters, packed: words that meet share them */
    uint64_t words_hash; /* of all the words in order: the same name written the same way */
    size_t nwords;
    uint64_t signature;
    uint32_t id; /* given by institution_memo_add (1, 2, ...), else 0 */
};

/*
 * The form of an institution: its ROR id (or NULL) and its name with the generic words
 * (university, университет, institute, институт, academy, академия, national, национальный,
 * state, государственный, named after, имени, of, the, ...) and initials left out.
 * 0 or JOURNAL_EINTERNAL (ICU). Free with institution_form_free.
 */
int institution_form_init(struct institution_form *f, const char *name, const char *ror);
void institution_form_free(struct institution_form *f);

/*
 * The same institution: the same ROR id where both have one (different ids: not the same);
 * else every distinctive word of the one with fewer meets a word of the other (equal, or
 * sharing a beginning of five letters or more that is most of the shorter word: Eurasian /
 * Евразийский, Gumilyov / Гумилёва); a name of generic words only must be the other's
 * words exactly.
 */
static inline bool institution_form_same(const struct institution_form *a,
                                         const struct institution_form *b);

/*
 * What a group of names (a reviewer's own and declared ones, a manuscript's authors) may share
 * with another group's: two groups whose gates do not meet hold no pair of names that
 * name_form_same_person finds the same, so a rule that compares every pair of them is
 * settled by a few ANDs. For names in Latin letters their gates (pairs of a stem and a first
 * letter); for one in Hangul or Han characters its stems, to meet any name's stems, and the
 * loose keys of its alternatives, to meet the loose keys of a name in Latin letters (the
 * checks name_form_same_person makes for such a name).
 */
struct name_gate {
    /* On 256 bits where the names' own are on 64: a group holds five or six names, and at
       5,000 x 2,000 in bench/assign.sh the gates of a reviewer's group and a manuscript's met
       in 41 % of the pairs on 64 bits (27 % by the pairs of stems and letters, 15 % by the
       loose keys), in 19 % on 256 bits (9 %, 7 %): 1.6 million fewer pairs reach the rules. */
    uint64_t latin_pairs[4]; /* the pairs of the gates of the names in Latin letters */
    uint64_t stems;          /* the signatures of all the names */
    uint64_t script_stems;   /* and of those in Hangul or Han characters */
    uint64_t latin_loose[4]; /* the loose keys of the words in Latin letters */
    uint64_t alts[4];        /* the alternatives of the words in Hangul or Han characters */
};

void name_gate_add(struct name_gate *g, const struct name_form *f);

static inline bool name_gates_meet(const struct name_gate *a, const struct name_gate *b)
{
    uint64_t meet = (a->stems & b->script_stems) | (a->script_stems & b->stems);
    for (int i = 0; i < 4; i++)
        meet |= (a->latin_pairs[i] & b->latin_pairs[i]) | (a->latin_loose[i] & b->alts[i]) |
                (a->alts[i] & b->latin_loose[i]);
    return meet;
}

/*
 * The comparisons above start here, inline, with one AND of two 64-bit gates that most pairs
 * fail (no pair of a stem and another word's first letter, no distinctive word's beginning in
 * common): the conflict rules of assign --auto ask tens of millions of times, and the call
 * that ended at that AND cost more than the AND. Measured with valgrind --tool=callgrind on
 * bench/assign.sh at 2,000 x 800 (the whole run, same results): 2,324 million instructions
 * before, 2,164 million with the AND inline (the comparisons themselves from about 310 to
 * 150 million). The other checks below (a name in Hangul or Han characters; one signature
 * holding the other) then cut the calls of the _full functions from 1,108,010 to 283,394
 * (names) and from 265,754 to 213,498 (institutions): 2,147 million instructions before them,
 * 2,143 million after; in CPU time at 5,000 x 2,000 all of these together took the
 * allowed-pairs step from 0.57 s to 0.47 s (medians of five runs, load 13). The _full
 * functions are the rest of the comparisons, for the inline ones only; test_namematch holds
 * the inline answers to theirs.
 */
bool name_form_same_person_full(const struct name_form *a, const struct name_form *b);
bool institution_form_same_full(const struct institution_form *a, const struct institution_form *b);

static inline bool name_form_same_person(const struct name_form *a, const struct name_form *b)
{
    if (!(a->gate & b->gate))
        return false;
    /* A name in Hangul or Han characters: a stem, or a Latin word's loose key among the
       other's alternatives, in common. */
    if (a->has_script | b->has_script) {
        if (!((a->signature & b->signature) | (a->latin_loose & b->alt_signature) |
              (a->alt_signature & b->latin_loose)))
            return false;
    } else if (!(a->has_initials | b->has_initials)) {
        /* Latin letters without initials: the stems of the one with fewer words are all
           the other's, so one signature holds the other. */
        uint64_t common = a->signature & b->signature;
        if (common != a->signature && common != b->signature)
            return false;
    }
    return name_form_same_person_full(a, b);
}

static inline bool institution_form_same(const struct institution_form *a,
                                         const struct institution_form *b)
{
    if (!(a->gate & b->gate))
        return false;
    /* Without both ROR ids, every word of the one with fewer meets one of the other's, so
       one signature holds the other. */
    if ((!a->ror || !b->ror) && a->nwords && b->nwords) {
        uint64_t common = a->signature & b->signature;
        if (common != a->signature && common != b->signature)
            return false;
    }
    return institution_form_same_full(a, b);
}

/*
 * Institutions repeat far more than names (a journal's reviewers and authors come from a few
 * hundred places, each written in a few ways), so assign --auto, which asks about millions
 * of pairs of them, asks the memo instead of institution_form_same: each distinct institution
 * gets an id, and the answer for an ordered pair of ids is kept, in two bits, the first time
 * it is asked. "Distinct" is by all that institution_form_same reads (the ROR id, the key,
 * the distinctive words), so two forms with one id are interchangeable, and the memo answers
 * exactly as institution_form_same does (test_namematch holds it to that). The memo keeps a
 * copy of the first form of each id, so a lookup reads neither form. Answers are kept for the
 * first INSTITUTION_MEMO_MAX ids, so that the table stays under 4 MiB; pairs with a later id
 * are compared each time, as before. Not for several threads at once: a lookup writes.
 */
#define INSTITUTION_MEMO_MAX 4096
struct institution_memo {
    struct institution_form *forms; /* by id - 1 */
    char **identities;              /* by id - 1: all that makes an institution distinct */
    uint64_t *hashes;
    uint32_t n;
    uint32_t *slots; /* open addressing on the hashes: ids, 0 for none */
    size_t nslots;
    uint8_t *answers; /* 2 bits for each (a, b): 0 not asked yet, 1 different, 2 the same */
    uint32_t dim;     /* answers is dim x dim: ids up to dim are kept */
};

void institution_memo_init(struct institution_memo *m);
void institution_memo_free(struct institution_memo *m);
/* Sets f->id to f's id in m: the id of the same institution when m has it, else a new one. */
void institution_memo_add(struct institution_memo *m, struct institution_form *f);
/* The answer for ids a and b, not yet known, found and kept (for institution_memo_same). */
bool institution_memo_learn(struct institution_memo *m, uint32_t a, uint32_t b);

/* institution_form_same of the institutions with ids a and b in m. */
static inline bool institution_memo_same(struct institution_memo *m, uint32_t a, uint32_t b)
{
    if (a <= m->dim && b <= m->dim) {
        size_t cell = (size_t)(a - 1) * m->dim + (b - 1);
        unsigned known = (m->answers[cell >> 2] >> ((cell & 3) * 2)) & 3;
        if (known)
            return known == 2;
        return institution_memo_learn(m, a, b);
    }
    return institution_form_same(&m->forms[a - 1], &m->forms[b - 1]);
}

#endif
