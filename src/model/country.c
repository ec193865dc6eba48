#include "model/isocodes.h"
#include "model/country.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/mofile.h"
#include "util/shared.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UK_NOTE "counts as the United Kingdom (GB): the country in ISO 3166-1"

/*
 * Short forms people write that iso-codes (4.15) knows under no name,
 * common_name, official_name or Russian translation. Checked against the data:
 * "Iran", "Moldova", "Kyrgyzstan", "South Korea", "Türkiye", "Czechia" and
 * "Vietnam" are already there, and "USA" is the alpha-3 code. Entries whose
 * code is missing from the data are skipped; an alias never overrides a name
 * from the data.
 */
static const struct {
    const char *alpha2;
    const char *text;
    /* Said when this name is used: the name is part of the country, not the country. */
    const char *note;
} aliases[] = {
    {"BY", "Белоруссия", NULL}, /* iso-codes: Беларусь */
    {"CN", "КНР", NULL},        /* Китайская Народная Республика */
    {"CN", "PRC", NULL},        /* People's Republic of China */
    {"CN", "P.R. China", NULL},
    {"GB", "UK", NULL}, /* not an ISO code (GB, GBR) */
    {"GB", "U.K.", NULL},
    {"GB", "Great Britain", NULL}, /* iso-codes: United Kingdom */
    {"GB", "Britain", NULL},
    {"GB", "England", UK_NOTE},
    {"GB", "Scotland", UK_NOTE},
    {"GB", "Wales", UK_NOTE},
    {"GB", "Northern Ireland", UK_NOTE},
    {"GB", "Англия", UK_NOTE},
    {"GB", "Шотландия", UK_NOTE},
    {"GB", "Уэльс", UK_NOTE},
    {"GB", "Северная Ирландия", UK_NOTE},
    {"KG", "Кыргызстан", NULL}, /* iso-codes: Киргизия, Республика Кыргызстан */
    {"KG", "Кыргызская Республика", NULL}, /* the official Russian name */
    {"KG", "Киргизская Республика", NULL},
    {"KR", "Republic of Korea", NULL}, /* iso-codes: Korea, Republic of; no official_name */
    {"MD", "Молдова", NULL}, /* iso-codes: Молдавия, Республика Молдова */
    {"RU", "Russia", NULL},  /* iso-codes: Russian Federation only */
    {"RU", "Россия", NULL},  /* iso-codes: Российская Федерация only */
    {"RU", "РФ", NULL},
    {"TM", "Туркмения", NULL}, /* iso-codes: Туркменистан */
    {"TR", "Turkey", NULL},    /* iso-codes: Türkiye since 2022 */
    {"US", "U.S.A.", NULL},    /* USA is the alpha-3 code */
    {"US", "U.S.", NULL},
    {"XK", "Republic of Kosovo", NULL},
    {"XK", "Республика Косово", NULL},
};

/*
 * Kosovo is not in ISO 3166-1 (so not in iso-codes), yet the journal's
 * authors work there. XK is the user-assigned code the European Commission,
 * the World Bank and most software use for it, and XKX the World Bank's
 * alpha-3 code. @svg-maps/world draws it under the id "xk".
 */
static const struct {
    const char *alpha2, *alpha3, *name, *name_ru;
} extra_countries[] = {
    {"XK", "XKX", "Kosovo", "Косово"},
};

/*
 * Russian display names where iso-codes has no translation of the name
 * (Türkiye, renamed after the ru catalogue was last updated), translates only
 * the formal name although it has an English common_name (Laos, Syria), or
 * gives a form Russian texts do not use ("Соединённые штаты" in lower case,
 * "Соединённое Королевство"). The iso-codes translations still match.
 */
static const struct {
    const char *alpha2;
    const char *name_ru;
} russian_names[] = {
    {"GB", "Великобритания"}, /* iso-codes: Соединённое Королевство */
    /*
     * The journal's region writes these two as the countries themselves do in
     * Russian; iso-codes has Киргизия and Молдавия, which still match on lookup.
     */
    {"KG", "Кыргызстан"},
    {"MD", "Молдова"},
    {"LA", "Лаос"}, /* iso-codes: Лаосская Народно-Демократическая Республика */
    {"SY", "Сирия"},  /* iso-codes: Сирийская Арабская Республика */
    {"TR", "Турция"}, /* iso-codes: none for Türkiye */
    {"US", "США"},    /* iso-codes: Соединённые штаты */
};

/*
 * English display names for countries whose iso-codes name is inverted for
 * sorting ("Congo, The Democratic Republic of the") and that have no
 * common_name to use instead.
 */
static const struct {
    const char *alpha2;
    const char *display_name;
} english_display_names[] = {
    {"CD", "Democratic Republic of the Congo"}, /* Congo, The Democratic Republic of the */
    {"FM", "Micronesia"},                       /* Micronesia, Federated States of */
    {"PS", "Palestine"},                        /* Palestine, State of */
    {"VG", "British Virgin Islands"},           /* Virgin Islands, British */
    {"VI", "U.S. Virgin Islands"},              /* Virgin Islands, U.S. */
};

/* One way of writing a country, folded; the index is sorted by key. */
struct name_entry {
    char *key;
    const struct country *country;
    size_t order; /* insertion order: on a clash the data wins over aliases */
    int is_code;  /* alpha-3 codes are not offered as suggestions */
    int cyrillic;
    const char *note; /* from aliases[], static */
};

struct country_db {
    struct country *countries;
    size_t count;
    struct name_entry *names;
    size_t names_count, names_alloc;
    /* index + 1 into countries, 0 = no such code; alpha-2 "AA".."ZZ" */
    unsigned short by_alpha2[26 * 26];
};

/* ---- UTF-8 and folding ------------------------------------------------ */

struct codepoints {
    uint32_t *v;
    size_t len, alloc;
};

static void codepoints_push(struct codepoints *cps, uint32_t c)
{
    ARRAY_GROW(cps->v, cps->len + 1, cps->alloc);
    cps->v[cps->len++] = c;
}

static void utf8_encode(struct strbuf *sb, uint32_t c)
{
    if (c < 0x80) {
        strbuf_addch(sb, (char)c);
    } else if (c < 0x800) {
        strbuf_addch(sb, (char)(0xc0 | c >> 6));
        strbuf_addch(sb, (char)(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
        strbuf_addch(sb, (char)(0xe0 | c >> 12));
        strbuf_addch(sb, (char)(0x80 | (c >> 6 & 0x3f)));
        strbuf_addch(sb, (char)(0x80 | (c & 0x3f)));
    } else {
        strbuf_addch(sb, (char)(0xf0 | c >> 18));
        strbuf_addch(sb, (char)(0x80 | (c >> 12 & 0x3f)));
        strbuf_addch(sb, (char)(0x80 | (c >> 6 & 0x3f)));
        strbuf_addch(sb, (char)(0x80 | (c & 0x3f)));
    }
}

static int is_space(uint32_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x202f || c == 0x205f || c == 0x3000;
}

static int is_combining_mark(uint32_t c)
{
    return c >= 0x300 && c <= 0x36f;
}

static int is_cyrillic(uint32_t c)
{
    return c >= 0x400 && c <= 0x4ff;
}

/*
 * Base letters of U+00C0..U+00FF, upper and lower case alike; '*' marks the
 * characters that are no accented Latin letter (Æ, Ð, ×, Þ, ß and their
 * lower-case forms, ÷), which only get lower-cased.
 */
static const char latin1_base[] = "aaaaaa*ceeeeiiii*nooooo*ouuuuy**"
                                  "aaaaaa*ceeeeiiii*nooooo*ouuuuy*y";

/* Fold one code point for comparison: lower case, no Latin accents, ё as е. */
static uint32_t fold_char(uint32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + ('a' - 'A');
    if (c >= 0xc0 && c <= 0xff) {
        char base = latin1_base[c - 0xc0];
        if (base != '*')
            return (uint32_t)base;
        if (c <= 0xde && c != 0xd7)
            return c + 0x20;
        return c;
    }
    c = utf8_tolower(c);
    /* Russian text routinely writes ё as е; "Соединенное" must find "Соединённое". */
    if (c == 0x451)
        return 0x435;
    if (c == 0x2018 || c == 0x2019 || c == 0x2bc || c == 0x2032)
        return '\'';
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212)
        return '-';
    return c;
}

/* The folded code points of text, with whitespace trimmed and runs of it made one space. */
static void fold_text(const char *text, struct codepoints *out)
{
    int pending_space = 0;
    out->len = 0;
    while (*text) {
        uint32_t c;
        if (!utf8_decode(&text, &c))
            c = 0xfffd; /* malformed bytes come out one at a time */
        if (is_space(c)) {
            pending_space = out->len > 0;
            continue;
        }
        if (is_combining_mark(c)) {
            /* Stress marks in the translations and decomposed accents are not part of a name;
               only the breve of a decomposed й changes the letter. */
            if (c == 0x306 && !pending_space && out->len && out->v[out->len - 1] == 0x438)
                out->v[out->len - 1] = 0x439;
            continue;
        }
        if (pending_space) {
            codepoints_push(out, ' ');
            pending_space = 0;
        }
        codepoints_push(out, fold_char(c));
    }
}

static char *encode_key(const struct codepoints *cps)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < cps->len; i++)
        utf8_encode(&sb, cps->v[i]);
    return strbuf_detach(&sb, NULL);
}

/* ---- loading ------------------------------------------------------------ */

static int is_upper_code(const char *s, size_t len)
{
    if (strlen(s) != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return 1;
}

static const char *optional_string(json_t *entry, const char *key)
{
    json_t *value = json_object_get(entry, key);
    return json_is_string(value) ? json_string_value(value) : NULL;
}

static void add_name_note(struct country_db *db, const char *text, const struct country *c,
                          int is_code, const char *note)
{
    if (!text || !*text)
        return;
    struct codepoints cps = {0};
    fold_text(text, &cps);
    if (cps.len) {
        int cyrillic = 0;
        for (size_t i = 0; i < cps.len; i++)
            cyrillic |= is_cyrillic(cps.v[i]);
        ARRAY_GROW(db->names, db->names_count + 1, db->names_alloc);
        struct name_entry *e = &db->names[db->names_count];
        e->key = encode_key(&cps);
        e->country = c;
        e->order = db->names_count;
        e->is_code = is_code;
        e->cyrillic = cyrillic;
        e->note = note;
        db->names_count++;
    }
    free(cps.v);
}

static void add_name(struct country_db *db, const char *text, const struct country *c, int is_code)
{
    add_name_note(db, text, c, is_code, NULL);
}

static int compare_names(const void *a, const void *b)
{
    const struct name_entry *x = a, *y = b;
    int cmp = strcmp(x->key, y->key);
    if (cmp)
        return cmp;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Sort the index and keep the first of equal keys (data before aliases). */
static void finish_index(struct country_db *db)
{
    qsort(db->names, db->names_count, sizeof(*db->names), compare_names);
    size_t kept = 0;
    for (size_t i = 0; i < db->names_count; i++) {
        if (kept && !strcmp(db->names[kept - 1].key, db->names[i].key)) {
            free(db->names[i].key);
            continue;
        }
        db->names[kept++] = db->names[i];
    }
    db->names_count = kept;
}

static size_t alpha2_slot(const char *code)
{
    return (size_t)(code[0] - 'A') * 26 + (size_t)(code[1] - 'A');
}

static const char *table_lookup_ru(const char *alpha2)
{
    for (size_t i = 0; i < sizeof(russian_names) / sizeof(russian_names[0]); i++)
        if (!strcmp(russian_names[i].alpha2, alpha2))
            return russian_names[i].name_ru;
    return NULL;
}

static const char *table_lookup_display(const char *alpha2)
{
    for (size_t i = 0; i < sizeof(english_display_names) / sizeof(english_display_names[0]); i++)
        if (!strcmp(english_display_names[i].alpha2, alpha2))
            return english_display_names[i].display_name;
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int load_countries(struct country_db *db, const char *json_path, const struct mofile *ru)
{
    json_t *root, *list;
    int ret = isocodes_load_list(json_path, "3166-1", &root, &list);
    if (ret)
        return ret;

    size_t n = json_array_size(list);
    size_t nextra = sizeof(extra_countries) / sizeof(extra_countries[0]);
    db->countries = xcalloc(n + nextra, sizeof(*db->countries));
    for (size_t i = 0; i < n; i++) {
        json_t *entry = json_array_get(list, i);
        const char *alpha2 = optional_string(entry, "alpha_2");
        const char *alpha3 = optional_string(entry, "alpha_3");
        const char *name = optional_string(entry, "name");
        if (!alpha2 || !is_upper_code(alpha2, 2) || !alpha3 || !is_upper_code(alpha3, 3) || !name) {
            ret = error_internal("%s: entry %zu lacks a valid alpha_2, alpha_3 or name", json_path,
                                 i + 1);
            goto out;
        }
        if (db->by_alpha2[alpha2_slot(alpha2)]) {
            ret = error_internal("%s: alpha_2 code %s appears twice", json_path, alpha2);
            goto out;
        }

        struct country *c = &db->countries[db->count++];
        memcpy(c->alpha2, alpha2, 3);
        memcpy(c->alpha3, alpha3, 4);
        c->name = xstrdup(name);
        c->common_name = dup_or_null(optional_string(entry, "common_name"));
        c->official_name = dup_or_null(optional_string(entry, "official_name"));

        const char *display = table_lookup_display(alpha2);
        c->display_name = xstrdup(c->common_name ? c->common_name : display ? display : name);

        const char *name_ru = table_lookup_ru(alpha2);
        if (!name_ru && c->common_name)
            name_ru = mofile_lookup(ru, c->common_name);
        if (!name_ru)
            name_ru = mofile_lookup(ru, name);
        c->name_ru = dup_or_null(name_ru);

        db->by_alpha2[alpha2_slot(alpha2)] = (unsigned short)db->count;
    }
    /* After the data, so that a future iso-codes with XK keeps its own entry. */
    for (size_t i = 0; i < nextra; i++) {
        if (db->by_alpha2[alpha2_slot(extra_countries[i].alpha2)])
            continue;
        struct country *c = &db->countries[db->count++];
        memcpy(c->alpha2, extra_countries[i].alpha2, 3);
        memcpy(c->alpha3, extra_countries[i].alpha3, 4);
        c->name = xstrdup(extra_countries[i].name);
        c->display_name = xstrdup(extra_countries[i].name);
        c->name_ru = xstrdup(extra_countries[i].name_ru);
        db->by_alpha2[alpha2_slot(c->alpha2)] = (unsigned short)db->count;
    }

out:
    json_decref(root);
    return ret;
}

static void build_index(struct country_db *db, const struct mofile *ru)
{
    for (size_t i = 0; i < db->count; i++) {
        const struct country *c = &db->countries[i];
        add_name(db, c->alpha3, c, 1);
        add_name(db, c->name, c, 0);
        add_name(db, c->common_name, c, 0);
        add_name(db, c->official_name, c, 0);
        add_name(db, c->display_name, c, 0);
        add_name(db, c->name_ru, c, 0);
        add_name(db, mofile_lookup(ru, c->name), c, 0);
        if (c->common_name)
            add_name(db, mofile_lookup(ru, c->common_name), c, 0);
        if (c->official_name)
            add_name(db, mofile_lookup(ru, c->official_name), c, 0);
    }
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        const struct country *c = country_by_code(db, aliases[i].alpha2);
        if (c)
            add_name_note(db, aliases[i].text, c, 0, aliases[i].note);
    }
    finish_index(db);
}

static void country_db_release(struct country_db *db);

static int country_db_read(struct country_db **out, const char *dir_json, const char *locale_dir)
{
    *out = NULL;
    struct country_db *db = xcalloc(1, sizeof(*db));
    struct mofile *ru = NULL;
    char *json_path = NULL;

    int ret = isocodes_open("iso_3166-1", dir_json, locale_dir, &json_path, &ru);
    if (!ret)
        ret = load_countries(db, json_path, ru);
    if (!ret)
        build_index(db, ru);

    mofile_free(ru);
    free(json_path);
    if (ret) {
        country_db_release(db);
        return ret;
    }
    *out = db;
    return 0;
}

static void country_db_release(struct country_db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->count; i++) {
        struct country *c = &db->countries[i];
        free((char *)c->name);
        free((char *)c->common_name);
        free((char *)c->official_name);
        free((char *)c->name_ru);
        free((char *)c->display_name);
    }
    free(db->countries);
    for (size_t i = 0; i < db->names_count; i++)
        free(db->names[i].key);
    free(db->names);
    free(db);
}

/* Debian's tables, the ones nearly every caller opens, are read once per process
   (util/shared.h): reading them was most of what opening a journal cost. */
static struct shared_slot default_country_db = SHARED_SLOT_INIT;

static int read_default(void **out)
{
    return country_db_read((struct country_db **)out, NULL, NULL);
}

static void release_default(void *db)
{
    country_db_release(db);
}

int country_db_open(struct country_db **out, const char *dir_json, const char *locale_dir)
{
    *out = NULL;
    if (!dir_json && !locale_dir)
        return shared_acquire(&default_country_db, read_default, (void **)out);
    return country_db_read(out, dir_json, locale_dir);
}

void country_db_free(struct country_db *db)
{
    if (db && !shared_release(&default_country_db, db, release_default))
        country_db_release(db);
}

size_t country_db_count(const struct country_db *db)
{
    return db->count;
}

const struct country *country_db_at(const struct country_db *db, size_t index)
{
    return index < db->count ? &db->countries[index] : NULL;
}

/* ---- lookup ------------------------------------------------------------- */

static int ascii_letter_upper(char c, char *upper)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - ('a' - 'A'));
    *upper = c;
    return c >= 'A' && c <= 'Z';
}

const struct country *country_by_code(const struct country_db *db, const char *alpha2)
{
    char code[3] = {0};
    if (!alpha2 || !ascii_letter_upper(alpha2[0], &code[0]) ||
        !ascii_letter_upper(alpha2[1], &code[1]) || alpha2[2])
        return NULL;
    unsigned short slot = db->by_alpha2[alpha2_slot(code)];
    return slot ? &db->countries[slot - 1] : NULL;
}

static int compare_key(const void *key, const void *entry)
{
    return strcmp(key, ((const struct name_entry *)entry)->key);
}

const struct country *country_lookup(const struct country_db *db, const char *text)
{
    return country_lookup_note(db, text, NULL);
}

const struct country *country_lookup_note(const struct country_db *db, const char *text,
                                          const char **note)
{
    if (note)
        *note = NULL;
    if (!text)
        return NULL;
    struct codepoints cps = {0};
    fold_text(text, &cps);
    char *key = encode_key(&cps);
    free(cps.v);

    const struct country *found = NULL;
    if (strlen(key) == 2)
        found = country_by_code(db, key);
    if (!found && *key) {
        const struct name_entry *e =
            bsearch(key, db->names, db->names_count, sizeof(*db->names), compare_key);
        if (e) {
            found = e->country;
            if (note)
                *note = e->note;
        }
    }
    free(key);
    return found;
}

/* ---- suggestions -------------------------------------------------------- */

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Edit distance counting an adjacent transposition as one edit ("Kazakhtsan"). */
static size_t edit_distance(const struct codepoints *a, const struct codepoints *b, size_t *rows)
{
    size_t width = b->len + 1;
    size_t *before = rows, *prev = rows + width, *cur = rows + 2 * width;
    for (size_t j = 0; j < width; j++)
        prev[j] = j;
    for (size_t i = 1; i <= a->len; i++) {
        cur[0] = i;
        for (size_t j = 1; j < width; j++) {
            size_t cost = a->v[i - 1] != b->v[j - 1];
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a->v[i - 1] == b->v[j - 2] && a->v[i - 2] == b->v[j - 1] &&
                before[j - 2] + 1 < cur[j])
                cur[j] = before[j - 2] + 1;
        }
        size_t *recycled = before;
        before = prev;
        prev = cur;
        cur = recycled;
    }
    return prev[b->len];
}

static int is_word_char(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0xc0;
}

/* Whether needle occurs in hay as whole words ("korea" in "korea, republic of"). */
static int contains_words(const struct codepoints *hay, const struct codepoints *needle)
{
    if (!needle->len || needle->len > hay->len)
        return 0;
    for (size_t at = 0; at + needle->len <= hay->len; at++) {
        if (at > 0 && is_word_char(hay->v[at - 1]))
            continue;
        size_t end = at + needle->len;
        if (end < hay->len && is_word_char(hay->v[end]))
            continue;
        if (!memcmp(hay->v + at, needle->v, needle->len * sizeof(*needle->v)))
            return 1;
    }
    return 0;
}

struct suggestion {
    const struct country *country;
    size_t score;
};

static int compare_suggestions(const void *a, const void *b)
{
    const struct suggestion *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return strcmp(x->country->display_name, y->country->display_name);
}

/*
 * Scores are twice the edit distance so that a whole-word containment (score 3)
 * ranks after a one-letter typo and before two.
 */
#define CONTAINMENT_SCORE 3
#define MIN_CONTAINED_LEN 4

size_t country_suggest(const struct country_db *db, const char *text, const struct country **out,
                       size_t max)
{
    if (!text || !max)
        return 0;
    struct codepoints input = {0}, name = {0};
    fold_text(text, &input);
    if (!input.len) {
        free(input.v);
        return 0;
    }
    int cyrillic = 0;
    for (size_t i = 0; i < input.len; i++)
        cyrillic |= is_cyrillic(input.v[i]);

    size_t *best = xmalloc(db->count * sizeof(*best));
    for (size_t i = 0; i < db->count; i++)
        best[i] = SIZE_MAX;
    size_t *rows = NULL;
    size_t rows_alloc = 0;

    for (size_t i = 0; i < db->names_count; i++) {
        const struct name_entry *e = &db->names[i];
        if (e->is_code || e->cyrillic != cyrillic)
            continue;
        name.len = 0;
        for (const char *p = e->key; *p;) {
            uint32_t c;
            if (!utf8_decode(&p, &c))
                c = 0xfffd;
            codepoints_push(&name, c);
        }
        ARRAY_GROW(rows, 3 * (name.len + 1), rows_alloc);

        size_t longer = input.len > name.len ? input.len : name.len;
        size_t distance = edit_distance(&input, &name, rows);
        size_t score = SIZE_MAX;
        if (distance * 3 <= longer)
            score = 2 * distance;
        if (score > CONTAINMENT_SCORE && input.len >= MIN_CONTAINED_LEN &&
            contains_words(&name, &input))
            score = CONTAINMENT_SCORE;

        size_t index = (size_t)(e->country - db->countries);
        if (score < best[index])
            best[index] = score;
    }

    struct suggestion *found = xmalloc(db->count * sizeof(*found));
    size_t nfound = 0;
    for (size_t i = 0; i < db->count; i++) {
        if (best[i] == SIZE_MAX)
            continue;
        found[nfound].country = &db->countries[i];
        found[nfound].score = best[i];
        nfound++;
    }
    qsort(found, nfound, sizeof(*found), compare_suggestions);
    if (nfound > max)
        nfound = max;
    for (size_t i = 0; i < nfound; i++)
        out[i] = found[i].country;

    free(found);
    free(rows);
    free(best);
    free(name.v);
    free(input.v);
    return nfound;
}

/* ---- display ------------------------------------------------------------ */

/* "ru", "RU", "ru-RU" and "ru_RU" all ask for Russian. */
static int is_russian(const char *lang)
{
    return lang && (lang[0] == 'r' || lang[0] == 'R') && (lang[1] == 'u' || lang[1] == 'U') &&
           (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

const char *country_display_name(const struct country *c, const char *lang)
{
    if (!c)
        return NULL;
    if (is_russian(lang) && c->name_ru)
        return c->name_ru;
    return c->display_name;
}
