#include "site/stats.h"

#include "model/country.h"
#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/roster.h"
#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * At 100,000 articles (360,000 contributions, 25,000 issues) every scope is
 * counted in one pass over its own contributions, with hash tables for what
 * must be distinct: comparing each contribution with every issue, article or
 * author already seen took minutes.
 */

/* An open-addressing table keyed by a pair of numbers, each key with a number. */
struct table_entry {
    uint64_t a, b;
    size_t value;
    bool used;
};

struct table {
    struct table_entry *e; /* one array: a probe touches one cache line */
    size_t cap, count;
};

static void table_init(struct table *t, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 + 2)
        cap *= 2;
    t->e = xcalloc(cap, sizeof(*t->e));
    t->cap = cap;
    t->count = 0;
}

static void table_free(struct table *t)
{
    free(t->e);
    memset(t, 0, sizeof(*t));
}

static size_t table_slot(const struct table *t, uint64_t a, uint64_t b)
{
    uint64_t h = a * 0x9e3779b97f4a7c15u ^ (b + 0x632be59bd9b4e019u) * 0xbf58476d1ce4e5b9u;
    h ^= h >> 31;
    size_t i = (size_t)h & (t->cap - 1);
    while (t->e[i].used && (t->e[i].a != a || t->e[i].b != b))
        i = (i + 1) & (t->cap - 1);
    return i;
}

/* The value of (a, b), added with value 0 if new (*fresh then says so). */
static size_t *table_get(struct table *t, uint64_t a, uint64_t b, bool *fresh)
{
    if ((t->count + 1) * 2 > t->cap) {
        struct table bigger;
        table_init(&bigger, t->cap);
        for (size_t i = 0; i < t->cap; i++)
            if (t->e[i].used)
                bigger.e[table_slot(&bigger, t->e[i].a, t->e[i].b)] = t->e[i];
        bigger.count = t->count;
        table_free(t);
        *t = bigger;
    }
    struct table_entry *e = &t->e[table_slot(t, a, b)];
    *fresh = !e->used;
    if (*fresh) {
        *e = (struct table_entry){a, b, 0, true};
        t->count++;
    }
    return &e->value;
}

/* The value of (a, b), or NULL when it is not in the table. */
static size_t *table_find(const struct table *t, uint64_t a, uint64_t b)
{
    struct table_entry *e = &t->e[table_slot(t, a, b)];
    return e->used ? &e->value : NULL;
}

/*
 * A set of numbers (stored plus one: 0 is an empty slot), for what a scope must count
 * once. A pair (place, article or author) is one number, place * 2^30 + the other:
 * places and author ids are fewer than the contributions, article numbers have at most
 * nine digits (repo_entry_number).
 */
struct set {
    uint64_t *keys;
    size_t cap, count;
};

#define PAIR(place, x) ((uint64_t)(place) << 30 | (uint64_t)(x))

static void set_init(struct set *s, size_t expected)
{
    s->cap = 16;
    while (s->cap < expected * 2 + 2)
        s->cap *= 2;
    s->keys = xcalloc(s->cap, sizeof(*s->keys));
    s->count = 0;
}

/* Whether key was new. The set is sized for all the scope's keys: it never grows. */
static bool set_add(struct set *s, uint64_t key)
{
    key++;
    uint64_t h = key * 0x9e3779b97f4a7c15u;
    size_t i = (size_t)(h ^ h >> 29) & (s->cap - 1);
    while (s->keys[i] && s->keys[i] != key)
        i = (i + 1) & (s->cap - 1);
    if (s->keys[i])
        return false;
    s->keys[i] = key;
    s->count++;
    return true;
}

/* Distinct strings (authors, places) as dense numbers, the strings kept in order. */
struct names {
    struct table by_hash; /* (FNV-1a hash, collision rank) -> id + 1 */
    char **strings;
    size_t count, alloc;
};

/* The id of s (copied when new). */
static size_t name_id(struct names *n, const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    if (!n->by_hash.cap)
        table_init(&n->by_hash, 64);
    /* Strings whose hashes collide take the next rank. */
    for (uint64_t rank = 0;; rank++) {
        bool fresh;
        size_t *id = table_get(&n->by_hash, h, rank, &fresh);
        if (fresh) {
            ARRAY_GROW(n->strings, n->count + 1, n->alloc);
            n->strings[n->count] = xstrdup(s);
            *id = ++n->count;
            return n->count - 1;
        }
        if (!strcmp(n->strings[*id - 1], s))
            return *id - 1;
    }
}

static void names_free(struct names *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->strings[i]);
    free(n->strings);
    table_free(&n->by_hash);
}

/* One author of one published article, with one of their affiliations. */
struct contribution {
    unsigned long article;
    unsigned long issue;
    unsigned long year;
    size_t author;           /* identity: ORCID iD, else the folded name (in authors) */
    size_t place;            /* country code, or the organisation's folded name (in places) */
    double share;            /* of the article's unit: 1/authors/affiliations */
    char *org_name;          /* the organisation's name as written, for international ones */
    const char *issue_label; /* the caller's label of the issue, or NULL (borrowed) */
    /* The index path's order within an issue: article, author, affiliation positions. */
    unsigned long position, author_position, affiliation_position;
    size_t nauthors;
};

struct contributions {
    struct contribution *c;
    size_t n, alloc;
    struct names authors;
    struct names places; /* "c" + country code, "o" + folded organisation name */
};

/* A place's running figures within the scope being filled. */
struct tally {
    size_t articles, authors;
    double fractional;
    const char *org_name; /* as first written in the scope */
    bool touched;
};

static int compare_rows(const void *a, const void *b)
{
    const struct stats_row *x = a, *y = b;
    if (x->articles != y->articles)
        return x->articles > y->articles ? -1 : 1;
    if (x->authors != y->authors)
        return x->authors > y->authors ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Fold the k contributions at idx (in their order: shares are summed in it) into one scope. */
static void fill_scope(struct stats_scope *scope, const struct contributions *all,
                       const size_t *idx, size_t k, struct tally *tallies,
                       const struct country_db *countries, const char *lang)
{
    struct set articles, place_articles, place_authors;
    set_init(&articles, k);
    set_init(&place_articles, k);
    set_init(&place_authors, k);
    size_t *touched = xcalloc(k + 1, sizeof(*touched)), ntouched = 0, kinds[2] = {0, 0};
    for (size_t j = 0; j < k; j++) {
        const struct contribution *c = &all->c[idx[j]];
        set_add(&articles, c->article);
        struct tally *t = &tallies[c->place];
        if (!t->touched) {
            t->touched = true;
            t->org_name = c->org_name;
            touched[ntouched++] = c->place;
            kinds[all->places.strings[c->place][0] == 'o']++;
        }
        t->articles += set_add(&place_articles, PAIR(c->place, c->article));
        t->authors += set_add(&place_authors, PAIR(c->place, c->author));
        t->fractional += c->share;
    }
    scope->articles = articles.count;
    scope->countries = xcalloc(kinds[0] + 1, sizeof(struct stats_row));
    scope->organisations = xcalloc(kinds[1] + 1, sizeof(struct stats_row));
    /* Rows in the order their places first appear, as before sorting. */
    for (size_t j = 0; j < ntouched; j++) {
        struct tally *t = &tallies[touched[j]];
        const char *key = all->places.strings[touched[j]];
        bool international = key[0] == 'o';
        struct stats_row row = {xstrdup(key + 1), NULL, t->articles, t->authors, t->fractional};
        if (international) {
            row.name = xstrdup(t->org_name ? t->org_name : "");
            scope->organisations[scope->norganisations++] = row;
        } else {
            const struct country *country = country_by_code(countries, key + 1);
            row.name = xstrdup(country ? country_display_name(country, lang) : key + 1);
            scope->countries[scope->ncountries++] = row;
        }
        memset(t, 0, sizeof(*t));
    }
    qsort(scope->countries, scope->ncountries, sizeof(struct stats_row), compare_rows);
    qsort(scope->organisations, scope->norganisations, sizeof(struct stats_row), compare_rows);
    free(touched);
    free(articles.keys);
    free(place_articles.keys);
    free(place_authors.keys);
}

/*
 * One contribution; its share is set by the caller once the article's authors and
 * each author's affiliations are known.
 */
static struct contribution *add_contribution(struct contributions *all, unsigned long article,
                                             unsigned long issue, unsigned long year,
                                             const char *issue_label, const char *orcid,
                                             const char *name, bool international,
                                             const char *country, const char *org)
{
    ARRAY_GROW(all->c, all->n + 1, all->alloc);
    struct contribution *x = &all->c[all->n++];
    memset(x, 0, sizeof(*x));
    x->article = article;
    x->issue = issue;
    x->year = year;
    x->issue_label = issue_label;
    if (orcid && *orcid) {
        x->author = name_id(&all->authors, orcid);
    } else {
        char *folded = roster_name_key(name ? name : "");
        x->author = name_id(&all->authors, folded);
        free(folded);
    }
    /* Countries and organisations apart: a key is never both. */
    char *folded = international ? roster_name_key(org ? org : "") : NULL;
    const char *key = international ? folded : country ? country : "";
    size_t len = strlen(key);
    char small[64], *place = len + 2 <= sizeof(small) ? small : xmalloc(len + 2);
    place[0] = international ? 'o' : 'c';
    memcpy(place + 1, key, len + 1);
    x->place = name_id(&all->places, place);
    if (place != small)
        free(place);
    free(folded);
    if (international)
        x->org_name = xstrdup(org ? org : "");
    return x;
}

static double share_of(size_t nauthors, size_t naffiliations)
{
    return 1.0 / (double)(nauthors ? nauthors : 1) / (double)(naffiliations ? naffiliations : 1);
}

static void contributions_free(struct contributions *all)
{
    for (size_t i = 0; i < all->n; i++)
        free(all->c[i].org_name);
    free(all->c);
    names_free(&all->authors);
    names_free(&all->places);
}

/* The index's issues and their labels ("Vol. 1, No. 2 (2025)"), by id. */
struct issue_labels {
    unsigned long *ids;
    char **labels;
    size_t n;
};

static int load_issue_labels(struct journal_index *ix, struct issue_labels *out)
{
    sqlite3_stmt *st;
    size_t alloc = 0, alloc2 = 0;
    memset(out, 0, sizeof(*out));
    int rc = db_prepare(index_db(ix), "index", &st,
                        "SELECT id, volume, number, year FROM issues ORDER BY id");
    if (rc)
        return rc;
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct issue_manifest is = {.volume = (unsigned long)sqlite3_column_int64(st, 1),
                                    .number = (unsigned long)sqlite3_column_int64(st, 2),
                                    .year = (unsigned long)sqlite3_column_int64(st, 3)};
        ARRAY_GROW(out->ids, out->n + 1, alloc);
        ARRAY_GROW(out->labels, out->n + 1, alloc2);
        out->ids[out->n] = (unsigned long)sqlite3_column_int64(st, 0);
        out->labels[out->n++] = issue_label(&is);
    }
    sqlite3_finalize(st);
    error_clear();
    return 0;
}

/* Where key is in the sorted list[0..n), or n. */
static size_t find_sorted(const unsigned long *list, size_t n, unsigned long key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (list[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && list[lo] == key ? lo : n;
}

static const char *find_issue_label(const struct issue_labels *l, unsigned long id)
{
    size_t at = find_sorted(l->ids, l->n, id);
    return at < l->n ? l->labels[at] : NULL;
}

static void issue_labels_free(struct issue_labels *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->labels[i]);
    free(l->labels);
    free(l->ids);
}

/* By year, issue, then the positions of article, author and affiliation. */
static int compare_positions(const void *a, const void *b)
{
    const struct contribution *x = a, *y = b;
    unsigned long kx[5] = {x->year, x->issue, x->position, x->author_position,
                           x->affiliation_position},
                  ky[5] = {y->year, y->issue, y->position, y->author_position,
                           y->affiliation_position};
    for (int i = 0; i < 5; i++)
        if (kx[i] != ky[i])
            return kx[i] < ky[i] ? -1 : 1;
    return 0;
}

/* How many authors each submission has, by number (sorted). */
struct author_counts {
    unsigned long *number;
    size_t *count;
    size_t n;
};

static size_t authors_of(const struct author_counts *ac, unsigned long number)
{
    size_t at = find_sorted(ac->number, ac->n, number);
    return at < ac->n ? ac->count[at] : 0;
}

/*
 * Every (article, author, affiliation) of the published articles, with its fractional
 * share. The database only joins: sorting 360,000 rows and counting each row's co-authors
 * and affiliations in SQL took most of a second at 100,000 articles; here they are cheap.
 */
static int load_contributions(struct journal_index *ix, const struct issue_labels *labels,
                              struct contributions *all)
{
    sqlite3_stmt *st;
    struct author_counts ac = {0};
    size_t alloc = 0, alloc2 = 0;
    int rc = db_prepare(index_db(ix), "index", &st,
                        "SELECT submission, count(*) FROM authors GROUP BY submission"
                        " ORDER BY submission");
    if (rc)
        return rc;
    while (sqlite3_step(st) == SQLITE_ROW) {
        ARRAY_GROW(ac.number, ac.n + 1, alloc);
        ARRAY_GROW(ac.count, ac.n + 1, alloc2);
        ac.number[ac.n] = (unsigned long)sqlite3_column_int64(st, 0);
        ac.count[ac.n++] = (size_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    rc = db_prepare(index_db(ix), "index", &st,
                    "SELECT s.number, ia.issue, i.year, ia.position, a.position, f.position,"
                    " coalesce(a.orcid, ''), a.name, f.country, f.international, f.name"
                    " FROM submissions s"
                    " JOIN issue_articles ia ON ia.submission = s.number"
                    " JOIN issues i ON i.id = ia.issue"
                    " JOIN authors a ON a.submission = s.number"
                    " JOIN affiliations f ON f.submission = s.number AND f.author = a.position"
                    " WHERE s.state = 'published' AND i.date <= ?");
    if (!rc) {
        /* What the site shows: an issue dated in the future is not out yet. */
        char today[11];
        date_today(today);
        sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(st) == SQLITE_ROW) {
            unsigned long number = (unsigned long)sqlite3_column_int64(st, 0);
            unsigned long issue = (unsigned long)sqlite3_column_int64(st, 1);
            struct contribution *x = add_contribution(
                all, number, issue, (unsigned long)sqlite3_column_int64(st, 2),
                find_issue_label(labels, issue), (const char *)sqlite3_column_text(st, 6),
                (const char *)sqlite3_column_text(st, 7), sqlite3_column_int(st, 9) != 0,
                (const char *)sqlite3_column_text(st, 8),
                (const char *)sqlite3_column_text(st, 10));
            x->position = (unsigned long)sqlite3_column_int64(st, 3);
            x->author_position = (unsigned long)sqlite3_column_int64(st, 4);
            x->affiliation_position = (unsigned long)sqlite3_column_int64(st, 5);
            x->nauthors = authors_of(&ac, number);
        }
        sqlite3_finalize(st);
    }
    free(ac.number);
    free(ac.count);
    if (rc)
        return rc;
    qsort(all->c, all->n, sizeof(*all->c), compare_positions);
    /* An author's affiliations are the rows of one (issue, article, author) run. */
    for (size_t i = 0, run; i < all->n; i += run) {
        const struct contribution *c = &all->c[i];
        for (run = 1; i + run < all->n && all->c[i + run].issue == c->issue &&
                      all->c[i + run].position == c->position &&
                      all->c[i + run].author_position == c->author_position;
             run++)
            ;
        for (size_t k = i; k < i + run; k++)
            all->c[k].share = share_of(c->nauthors, run);
    }
    return 0;
}

/* The one computation both paths share: contributions ordered by year, then issue. */
static void compute(const struct contributions *all, const struct country_db *countries,
                    const char *lang, struct stats *out)
{
    size_t n = all->n;
    size_t *idx = xcalloc(n + 1, sizeof(*idx));
    struct tally *tallies = xcalloc(all->places.count + 1, sizeof(*tallies));
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    out->total.label = xstrdup("all");
    fill_scope(&out->total, all, idx, n, tallies, countries, lang);
    /* Each change of year opens a scope. */
    for (size_t i = 0, run; i < n; i += run) {
        for (run = 1; i + run < n && all->c[i + run].year == all->c[i].year; run++)
            ;
        out->years = xrealloc(out->years, (out->nyears + 1) * sizeof(*out->years));
        struct stats_scope *s = &out->years[out->nyears++];
        memset(s, 0, sizeof(*s));
        s->year = all->c[i].year;
        s->label = xasprintf("%lu", all->c[i].year);
        fill_scope(s, all, idx + i, run, tallies, countries, lang);
    }
    /* Issues in the order they first appear, each with all its contributions in order. */
    struct table rank;
    table_init(&rank, 64);
    size_t *first = xcalloc(n + 1, sizeof(*first)), *count = xcalloc(n + 1, sizeof(*count));
    size_t *issue_of = xcalloc(n + 1, sizeof(*issue_of)), nissues = 0;
    for (size_t i = 0; i < n; i++) {
        bool fresh;
        size_t *r = table_get(&rank, all->c[i].issue, 0, &fresh);
        if (fresh) {
            *r = nissues;
            first[nissues++] = i;
        }
        issue_of[i] = *r;
        count[*r]++;
    }
    size_t *start = xcalloc(nissues + 1, sizeof(*start));
    for (size_t r = 0; r < nissues; r++)
        start[r + 1] = start[r] + count[r];
    memset(count, 0, (n + 1) * sizeof(*count));
    for (size_t i = 0; i < n; i++)
        idx[start[issue_of[i]] + count[issue_of[i]]++] = i;
    out->issues = xcalloc(nissues + 1, sizeof(*out->issues));
    for (size_t r = 0; r < nissues; r++) {
        const struct contribution *c = &all->c[first[r]];
        struct stats_scope *s = &out->issues[out->nissues++];
        s->issue = c->issue;
        s->year = c->year;
        s->label = c->issue_label ? xstrdup(c->issue_label) : xasprintf("Issue %lu", c->issue);
        fill_scope(s, all, idx + start[r], start[r + 1] - start[r], tallies, countries, lang);
    }
    table_free(&rank);
    free(first);
    free(count);
    free(issue_of);
    free(start);
    free(tallies);
    free(idx);
}

int stats_compute(struct journal_index *ix, const struct country_db *countries, const char *lang,
                  struct stats *out)
{
    struct contributions all = {0};
    struct issue_labels labels;
    memset(out, 0, sizeof(*out));
    int rc = load_issue_labels(ix, &labels);
    if (rc)
        return rc;
    rc = load_contributions(ix, &labels, &all);
    if (!rc)
        compute(&all, countries, lang, out);
    contributions_free(&all);
    issue_labels_free(&labels);
    return rc;
}

/* By year, then issue, then the caller's order (articles first appear in list order). */
static int compare_articles(const void *a, const void *b)
{
    const struct stats_article *const *x = a, *const *y = b;
    if ((*x)->year != (*y)->year)
        return (*x)->year < (*y)->year ? -1 : 1;
    if ((*x)->issue != (*y)->issue)
        return (*x)->issue < (*y)->issue ? -1 : 1;
    return *x < *y ? -1 : *x > *y;
}

int stats_compute_articles(const struct stats_article *articles, size_t narticles,
                           const struct country_db *countries, const char *lang, struct stats *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < narticles; i++)
        if (!articles[i].m || !articles[i].number)
            return error_internal("stats_compute_articles: article %zu has no manuscript", i);
    /* An issue's label is that of the first article in the list that has one. */
    struct table label_of;
    table_init(&label_of, 64);
    for (size_t i = 0; i < narticles; i++)
        if (articles[i].issue_label) {
            bool fresh;
            size_t *at = table_get(&label_of, articles[i].issue, 0, &fresh);
            if (fresh)
                *at = i;
        }
    const struct stats_article **order = xcalloc(narticles ? narticles : 1, sizeof(*order));
    for (size_t i = 0; i < narticles; i++)
        order[i] = &articles[i];
    qsort(order, narticles, sizeof(*order), compare_articles);
    struct contributions all = {0};
    for (size_t i = 0; i < narticles; i++) {
        const struct stats_article *a = order[i];
        const size_t *at = table_find(&label_of, a->issue, 0);
        const char *label = at ? articles[*at].issue_label : NULL;
        for (size_t k = 0; k < a->m->nauthors; k++) {
            const struct author *au = &a->m->authors[k];
            for (size_t f = 0; f < au->naffiliations; f++) {
                const struct affiliation *af = &au->affiliations[f];
                struct contribution *x =
                    add_contribution(&all, a->number, a->issue, a->year, label, au->orcid, au->name,
                                     af->international, af->country, af->name);
                x->share = share_of(a->m->nauthors, au->naffiliations);
            }
        }
    }
    free(order);
    compute(&all, countries, lang, out);
    contributions_free(&all);
    table_free(&label_of);
    return 0;
}

static void scope_free(struct stats_scope *s)
{
    struct stats_row *rows[2] = {s->countries, s->organisations};
    size_t counts[2] = {s->ncountries, s->norganisations};
    for (int kind = 0; kind < 2; kind++) {
        for (size_t i = 0; i < counts[kind]; i++) {
            free(rows[kind][i].key);
            free(rows[kind][i].name);
        }
        free(rows[kind]);
    }
    free(s->label);
}

void stats_free(struct stats *s)
{
    scope_free(&s->total);
    for (size_t i = 0; i < s->nyears; i++)
        scope_free(&s->years[i]);
    free(s->years);
    for (size_t i = 0; i < s->nissues; i++)
        scope_free(&s->issues[i]);
    free(s->issues);
    memset(s, 0, sizeof(*s));
}

char *stats_headline(const struct stats_scope *scope)
{
    return xasprintf("%zu article%s by authors from %zu countr%s and %zu international "
                     "organisation%s",
                     scope->articles, scope->articles == 1 ? "" : "s", scope->ncountries,
                     scope->ncountries == 1 ? "y" : "ies", scope->norganisations,
                     scope->norganisations == 1 ? "" : "s");
}
