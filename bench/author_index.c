/*
 * Benchmark for the ICU work of the site's author index (src/site/indexes.c) at the scale of
 * bench/scale.sh: the authors of N articles (default 100,000) as bench/gen_site_journal.py
 * makes them (1 to 5 authors an article, a given and a family name drawn from its lists, 80%
 * with an ORCID iD of random digits), here with 30% of the names in Cyrillic, as a journal
 * in English and Russian has them. For each language of the site (en, ru) build-site renders
 * the index once and, as render_authors and author_sort_key do:
 *   identity  each author without an ORCID iD is one person by name_form_key (ICU
 *             transliteration and folding, model/namematch.h), with one by "orcid:"
 *   keys      each person (entry) gets text_sort_key(family, name) in the language's
 *             collation, with "\x01" and the id after it
 *   sort      the entries sorted by those keys (strcmp)
 * Usage: author_index [articles seed]. Times are wall and CPU (the machine may be shared).
 */
#define _POSIX_C_SOURCE 200809L

#include "model/namematch.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/unicode.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* bench/gen_site_journal.py's GIVEN and FAMILY. */
static const char *const given_latin[] = {
    "Aigerim", "Dana",  "Yerzhan", "Giorgi",  "Olena",  "Anna",   "Farrukh", "Ion",   "Margaret",
    "Timur",   "Nino",  "Aliya",   "Bakhyt",  "Dmitri", "Elena",  "Gulnara", "Irina", "Javid",
    "Kamila",  "Laura", "Marat",   "Nargiza", "Oksana", "Pavel",  "Rustam",  "Saule", "Tamar",
    "Ulugbek", "Vera",  "Zarina",  "Ahmed",   "Maria",  "John",   "Li",      "Wei",   "Sofia",
    "Lukas",   "Emma",  "Mehmet",  "Ayse",    "Andrei", "Natalia"};
static const char *const family_latin[] = {
    "Nurlanova", "Seitkali", "Kuanyshev", "Beridze",   "Kovalenko", "Petrosyan", "Tashkentov",
    "Rusu",      "Holloway", "Aliev",     "Abdullaev", "Bekova",    "Chkheidze", "Darbinyan",
    "Ermekov",   "Gasimov",  "Hakobyan",  "Ismailova", "Jumabaeva", "Karimov",   "Lomidze",
    "Mammadov",  "Nazarova", "Omarov",    "Popescu",   "Rahimov",   "Sargsyan",  "Tursunov",
    "Usmonov",   "Volkova",  "Wang",      "Zhang",     "Schmidt",   "Dubois",    "Smith",
    "Yilmaz",    "Novak",    "Ivanova",   "Horvat",    "Kowalski"};
static const char *const given_cyrillic[] = {
    "Айгерим", "Дана",   "Ержан",    "Олена", "Анна",   "Тимур", "Алия",    "Бахыт",
    "Дмитрий", "Елена",  "Гульнара", "Ирина", "Камила", "Марат", "Наргиза", "Оксана",
    "Павел",   "Рустам", "Сауле",    "Вера",  "Зарина", "Мария", "Андрей",  "Наталья"};
static const char *const family_cyrillic[] = {
    "Нурланова", "Сейткали",  "Куанышев", "Коваленко", "Петросян", "Ташкентов",
    "Алиев",     "Абдуллаев", "Бекова",   "Ермеков",   "Гасымов",  "Исмаилова",
    "Жумабаева", "Каримов",   "Назарова", "Омаров",    "Рахимов",  "Саргсян",
    "Турсунов",  "Усмонов",   "Волкова",  "Иванова",   "Соколов",  "Ёлкин"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;
static uint64_t next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static size_t below(size_t n)
{
    return (size_t)(next() % n);
}

struct person {
    char *name;
    const char *family;
    char *id;
};

static double now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(((const struct person *)a)->id, ((const struct person *)b)->id);
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    size_t articles = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : 20261123u;
    size_t n = 0, alloc = 0;
    struct person *occ = NULL;
    for (size_t a = 0; a < articles; a++)
        for (size_t k = 1 + below(5); k > 0; k--) {
            ARRAY_GROW(occ, n + 1, alloc);
            bool cyrillic = below(10) < 3;
            const char *given = cyrillic ? given_cyrillic[below(COUNT(given_cyrillic))]
                                         : given_latin[below(COUNT(given_latin))];
            const char *family = cyrillic ? family_cyrillic[below(COUNT(family_cyrillic))]
                                          : family_latin[below(COUNT(family_latin))];
            occ[n].name = xasprintf("%s %s", given, family);
            occ[n].family = family;
            occ[n].id =
                below(10) < 8
                    ? xasprintf("orcid:%015llu", (unsigned long long)(next() % 1000000000000000ull))
                    : NULL;
            n++;
        }

    /* identity: name_form_key for the authors without an ORCID iD */
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    size_t by_name = 0;
    for (size_t i = 0; i < n; i++) {
        if (occ[i].id)
            continue;
        struct name_form form;
        char *key = NULL;
        if (!name_form_init(&form, occ[i].name)) {
            key = name_form_key(&form);
            name_form_free(&form);
        }
        occ[i].id = xasprintf("name:%s", key ? key : occ[i].name);
        free(key);
        by_name++;
    }
    double w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);

    /* one entry a person (grouping is a hash in indexes.c, not timed here) */
    qsort(occ, n, sizeof(*occ), compare_ids);
    struct person *entries = xcalloc(n + 1, sizeof(*entries));
    size_t nentries = 0;
    for (size_t i = 0; i < n; i++)
        if (!nentries || strcmp(entries[nentries - 1].id, occ[i].id))
            entries[nentries++] = occ[i];

    printf("%zu articles, %zu author occurrences (%zu without an ORCID iD), %zu index entries\n",
           articles, n, by_name, nentries);
    printf("identity (name_form_key, once per language): %.3f s wall, %.3f s CPU\n", w1 - w0,
           c1 - c0);
    static const char *const langs[] = {"en", "ru"};
    char **keys = xcalloc(nentries + 1, sizeof(*keys));
    for (size_t l = 0; l < COUNT(langs); l++) {
        struct text_collator *coll;
        if (text_collator_open(&coll, langs[l])) {
            fprintf(stderr, "author_index: %s\n", error_message());
            return 1;
        }
        size_t bytes = 0;
        double kw0 = now(CLOCK_MONOTONIC), kc0 = now(CLOCK_PROCESS_CPUTIME_ID);
        for (size_t i = 0; i < nentries; i++) {
            struct strbuf sort = STRBUF_INIT;
            const char *parts[] = {entries[i].family, entries[i].name};
            text_sort_key(coll, parts, 2, &sort);
            strbuf_addch(&sort, '\x01');
            strbuf_addstr(&sort, entries[i].id);
            bytes += sort.len;
            keys[i] = strbuf_detach(&sort, NULL);
        }
        double kw1 = now(CLOCK_MONOTONIC), kc1 = now(CLOCK_PROCESS_CPUTIME_ID);
        qsort(keys, nentries, sizeof(*keys), compare_keys);
        double kw2 = now(CLOCK_MONOTONIC), kc2 = now(CLOCK_PROCESS_CPUTIME_ID);
        printf("%s: keys %.3f s wall, %.3f s CPU (%.1f MiB); sort %.3f s wall, %.3f s CPU\n",
               langs[l], kw1 - kw0, kc1 - kc0, (double)bytes / (1024.0 * 1024.0), kw2 - kw1,
               kc2 - kc1);
        for (size_t i = 0; i < nentries; i++)
            free(keys[i]);
        text_collator_free(coll);
    }
    free(keys);
    for (size_t i = 0; i < n; i++) {
        free(occ[i].name);
        free(occ[i].id);
    }
    free(occ);
    free(entries);
    return 0;
}
