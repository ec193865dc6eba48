#include "site/stats.h"

#include "model/country.h"
#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "site/i18n.h"
#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/unicode.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * At 100,000 articles (360,000 contributions, 25,000 issues) `journal stats` answers in a
 * fraction of a second: what needs folding or hashing (an author's identity, a place's
 * key) is done once per submission when the index is written (store/index.h), so the
 * index path reads numbers, each table once in its key order, and every scope is counted
 * in one pass over its rows with arrays stamped by scope instead of hash sets.
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
    if (!t->cap)
        table_init(t, 64);
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

/* A dense number from 1 for each distinct (a, b), in the order they are first asked for. */
static uint32_t table_number(struct table *t, uint64_t a, uint64_t b)
{
    bool fresh;
    size_t *v = table_get(t, a, b, &fresh);
    if (fresh)
        *v = t->count;
    return (uint32_t)*v;
}

/* Distinct strings as dense numbers from 1, the strings kept in order (strings[id - 1]). */
struct names {
    struct table by_hash; /* (FNV-1a hash, collision rank) -> id */
    char **strings;
    size_t count, alloc;
};

/* The id of s, taking s (freed when already known). */
static uint32_t name_id(struct names *n, char *s)
{
    uint64_t h = 1469598103934665603u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    /* Strings whose hashes collide take the next rank. */
    for (uint64_t rank = 0;; rank++) {
        bool fresh;
        size_t *id = table_get(&n->by_hash, h, rank, &fresh);
        if (fresh) {
            ARRAY_GROW(n->strings, n->count + 1, n->alloc);
            n->strings[n->count] = s;
            *id = ++n->count;
            return (uint32_t)*id;
        }
        if (!strcmp(n->strings[*id - 1], s)) {
            free(s);
            return (uint32_t)*id;
        }
    }
}

static void names_free(struct names *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->strings[i]);
    free(n->strings);
    table_free(&n->by_hash);
}

/*
 * One author of one article with one of their affiliations: what a scope counts of it.
 * Every id is a dense number from 1 (0: none).
 */
struct contribution {
    uint32_t place;         /* keys[place]: index_stats_place_key ("c" + country code, "o" + ...) */
    uint32_t org;           /* keys[org]: index_stats_org_name_key ("n" + the name shown), or 0 */
    uint32_t place_author;  /* the (place, author) pair: an author counts once per place */
    uint32_t place_article; /* the (place, article) pair */
    double share;           /* of the article's unit: 1 / authors / the author's affiliations */
};

/* One article in one issue: its contributions are c[first, first + n), in their order. */
struct occurrence {
    unsigned long issue, year;
    uint32_t article;  /* dense */
    const char *label; /* the issue's label, or NULL: "Issue N" (borrowed) */
    size_t first, n;
};

/* What the scopes are counted from: occurrences by year, then issue. */
struct contributions {
    struct contribution *c;
    size_t n, alloc;
    struct occurrence *occ;
    size_t nocc, occ_alloc;
    char **keys; /* by id, keys[0] unused */
    size_t nkeys;
    /* The highest id of each kind (arrays by id have one more entry). */
    size_t narticles, nplace_authors, nplace_articles;
};

static void contributions_free(struct contributions *all)
{
    for (size_t i = 0; i < all->nkeys; i++)
        free(all->keys[i]);
    free(all->keys);
    free(all->c);
    free(all->occ);
}

/* A place's running figures within the scope being filled (stamp: which scope). */
struct tally {
    size_t articles, authors;
    double fractional;
    uint32_t org; /* the name as first written in the scope */
    uint32_t stamp;
};

/*
 * What filling the scopes shares: arrays by id, each entry stamped with the scope that
 * last counted it, so nothing is cleared or allocated between scopes.
 */
struct counter {
    const struct contributions *all;
    const struct country_db *countries;
    const char *lang;
    struct stats *out;
    struct tally *tallies; /* by place */
    uint32_t *article_seen, *place_author_seen, *place_article_seen;
    struct order *touched; /* the scope's places in the order they first appear */
    uint32_t stamp;
    const char **key_of;  /* by key id: the rows' codes, made on first use */
    const char **name_of; /* by key id: display names of countries and organisations */
    uint32_t *rank;       /* by key id: where its display name sorts (equal names, equal ranks) */
    const struct text_collator *coll; /* the order of lang's readers */
    /* Every scope's rows and labels in two allocations (stats.h): where each scope's are. */
    struct stats_row *rows;
    size_t nrows, rows_alloc;
    struct strbuf text;
    size_t *row_at, *label_at; /* by scope: total, years, issues */
    size_t nscopes;
};

/* A place of the scope being filled, as its row will sort. */
struct order {
    size_t articles, authors;
    uint32_t rank; /* of its name */
    uint32_t place;
    size_t first; /* where it first appears: equal names keep that order */
};

/* Most articles first, then most authors, then by name (in the language's collation). */
static int compare_order(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->articles != y->articles)
        return x->articles > y->articles ? -1 : 1;
    if (x->authors != y->authors)
        return x->authors > y->authors ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Most scopes have a handful of rows: those are sorted in place. */
static void sort_order(struct order *o, size_t n)
{
    if (n > 16) {
        qsort(o, n, sizeof(*o), compare_order);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        struct order x = o[i];
        size_t j = i;
        for (; j > 0 && compare_order(&o[j - 1], &x) > 0; j--)
            o[j] = o[j - 1];
        o[j] = x;
    }
}

/* A string the rows share, kept until stats_free. */
static const char *keep(struct stats *out, char *s)
{
    ARRAY_GROW(out->strings, out->nstrings + 1, out->strings_alloc);
    out->strings[out->nstrings++] = s;
    return s;
}

/* The row's code (country) or key (organisation) of a place. */
static const char *place_key(struct counter *k, uint32_t place)
{
    if (!k->key_of[place])
        k->key_of[place] = keep(k->out, xstrdup(k->all->keys[place] + 1));
    return k->key_of[place];
}

struct named {
    char *sort; /* the name's collation key */
    uint32_t id;
};

static int compare_names(const void *a, const void *b)
{
    return strcmp(((const struct named *)a)->sort, ((const struct named *)b)->sort);
}

/*
 * The display names of countries ("c" keys: in the requested language) and organisations
 * ("n" keys: as written; 0: none, ""), each ranked once so that rows sort by numbers. Names
 * rank in the collation of the language ("Сингапур" before "США" in Russian), by ICU sort
 * keys made once per name.
 */
static void name_keys(struct counter *k)
{
    const struct contributions *all = k->all;
    struct named *names = xcalloc(all->nkeys + 1, sizeof(*names));
    size_t n = 0;
    struct strbuf sb = STRBUF_INIT;
    k->name_of[0] = "";
    names[n++] = (struct named){xstrdup(""), 0};
    for (uint32_t id = 1; id < all->nkeys; id++) {
        const char *key = all->keys[id];
        if (!key || (key[0] != 'c' && key[0] != 'n'))
            continue;
        const struct country *country =
            key[0] == 'c' ? country_by_code(k->countries, key + 1) : NULL;
        k->name_of[id] =
            keep(k->out, xstrdup(country ? country_display_name(country, k->lang) : key + 1));
        strbuf_reset(&sb);
        text_sort_key(k->coll, &k->name_of[id], 1, &sb);
        names[n++] = (struct named){xstrdup(sb.buf), id};
    }
    strbuf_release(&sb);
    qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0, rank = 0; i < n; i++) {
        rank += i && strcmp(names[i - 1].sort, names[i].sort);
        k->rank[names[i].id] = (uint32_t)rank;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i].sort);
    free(names);
}

/* Count occurrences occ[0..nocc) (their contributions in order: shares are summed in it). */
static void fill_scope(struct counter *k, struct stats_scope *scope, const struct occurrence *occ,
                       size_t nocc)
{
    const struct contributions *all = k->all;
    uint32_t stamp = ++k->stamp;
    size_t ntouched = 0, kinds[2] = {0, 0};
    for (size_t i = 0; i < nocc; i++) {
        if (k->article_seen[occ[i].article] != stamp) {
            k->article_seen[occ[i].article] = stamp;
            scope->articles++;
        }
        const struct contribution *c = &all->c[occ[i].first], *end = c + occ[i].n;
        for (; c < end; c++) {
            struct tally *t = &k->tallies[c->place];
            if (t->stamp != stamp) {
                *t = (struct tally){0, 0, 0.0, c->org, stamp};
                k->touched[ntouched].place = c->place;
                k->touched[ntouched].first = ntouched;
                ntouched++;
                kinds[all->keys[c->place][0] == 'o']++;
            }
            if (k->place_article_seen[c->place_article] != stamp) {
                k->place_article_seen[c->place_article] = stamp;
                t->articles++;
            }
            if (k->place_author_seen[c->place_author] != stamp) {
                k->place_author_seen[c->place_author] = stamp;
                t->authors++;
            }
            t->fractional += c->share;
        }
    }
    /* The scope's rows: its countries, then its organisations. */
    size_t at = k->nrows;
    k->row_at[k->nscopes++] = at;
    ARRAY_GROW(k->rows, at + ntouched + 1, k->rows_alloc);
    k->nrows += ntouched;
    /* Sorted together, then dealt out: each kind's rows are in their own sorted order. */
    for (size_t j = 0; j < ntouched; j++) {
        struct order *o = &k->touched[j];
        const struct tally *t = &k->tallies[o->place];
        o->articles = t->articles;
        o->authors = t->authors;
        o->rank = k->rank[all->keys[o->place][0] == 'o' ? t->org : o->place];
    }
    sort_order(k->touched, ntouched);
    for (size_t j = 0; j < ntouched; j++) {
        uint32_t place = k->touched[j].place;
        const struct tally *t = &k->tallies[place];
        bool international = all->keys[place][0] == 'o';
        struct stats_row row = {place_key(k, place), k->name_of[international ? t->org : place],
                                t->articles, t->authors, t->fractional};
        if (international)
            k->rows[at + kinds[0] + scope->norganisations++] = row;
        else
            k->rows[at + scope->ncountries++] = row;
    }
}

/* The scope's label (made from fmt) in the shared text; fill_scope follows. */
static void label_scope(struct counter *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void label_scope(struct counter *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    k->label_at[k->nscopes] = k->text.len;
    strbuf_vaddf(&k->text, fmt, ap);
    strbuf_addch(&k->text, '\0');
    va_end(ap);
}

/* The one computation both paths share: occurrences ordered by year, then issue. */
static int compute(const struct contributions *all, const struct country_db *countries,
                   const char *lang, struct stats *out)
{
    struct text_collator *coll;
    int rc = text_collator_open(&coll, lang);
    if (rc)
        return rc;
    struct counter k = {.all = all, .countries = countries, .lang = lang, .out = out, .coll = coll};
    k.tallies = xcalloc(all->nkeys + 1, sizeof(*k.tallies));
    k.touched = xcalloc(all->nkeys + 1, sizeof(*k.touched));
    k.key_of = xcalloc(all->nkeys + 1, sizeof(*k.key_of));
    k.name_of = xcalloc(all->nkeys + 1, sizeof(*k.name_of));
    k.rank = xcalloc(all->nkeys + 1, sizeof(*k.rank));
    name_keys(&k);
    k.article_seen = xcalloc(all->narticles + 1, sizeof(*k.article_seen));
    k.place_author_seen = xcalloc(all->nplace_authors + 1, sizeof(*k.place_author_seen));
    k.place_article_seen = xcalloc(all->nplace_articles + 1, sizeof(*k.place_article_seen));
    const struct occurrence *occ = all->occ;
    size_t n = all->nocc, nyears = 0, nissues = 0;
    for (size_t i = 0; i < n; i++) {
        nyears += !i || occ[i].year != occ[i - 1].year;
        nissues += !i || occ[i].issue != occ[i - 1].issue || occ[i].year != occ[i - 1].year;
    }
    out->years = xcalloc(nyears + 1, sizeof(*out->years));
    out->issues = xcalloc(nissues + 1, sizeof(*out->issues));
    k.row_at = xcalloc(nyears + nissues + 1, sizeof(*k.row_at));
    k.label_at = xcalloc(nyears + nissues + 1, sizeof(*k.label_at));
    ARRAY_GROW(k.rows, 1, k.rows_alloc);
    strbuf_init(&k.text);
    label_scope(&k, "all");
    fill_scope(&k, &out->total, occ, n);
    /* Each change of year opens a scope, each change of issue another. */
    for (size_t i = 0, run; i < n; i += run) {
        for (run = 1; i + run < n && occ[i + run].year == occ[i].year; run++)
            ;
        struct stats_scope *s = &out->years[out->nyears++];
        s->year = occ[i].year;
        label_scope(&k, "%lu", occ[i].year);
        fill_scope(&k, s, occ + i, run);
    }
    for (size_t i = 0, run; i < n; i += run) {
        for (run = 1;
             i + run < n && occ[i + run].issue == occ[i].issue && occ[i + run].year == occ[i].year;
             run++)
            ;
        struct stats_scope *s = &out->issues[out->nissues++];
        s->issue = occ[i].issue;
        s->year = occ[i].year;
        if (occ[i].label) {
            k.label_at[k.nscopes] = k.text.len;
            strbuf_add(&k.text, occ[i].label, strlen(occ[i].label) + 1);
        } else
            label_scope(&k, "Issue %lu", occ[i].issue);
        fill_scope(&k, s, occ + i, run);
    }
    /* Now that neither moves, the scopes point into the rows and the text. */
    out->rows = k.rows;
    out->text = strbuf_detach(&k.text, NULL);
    for (size_t i = 0; i < k.nscopes; i++) {
        struct stats_scope *s = i == 0             ? &out->total
                                : i <= out->nyears ? &out->years[i - 1]
                                                   : &out->issues[i - 1 - out->nyears];
        s->countries = out->rows + k.row_at[i];
        s->organisations = s->countries + s->ncountries;
        s->label = out->text + k.label_at[i];
    }
    free(k.row_at);
    free(k.label_at);
    free(k.tallies);
    free(k.touched);
    free(k.key_of);
    free(k.name_of);
    free(k.rank);
    free(k.article_seen);
    free(k.place_author_seen);
    free(k.place_article_seen);
    text_collator_free(coll);
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

/* A published submission's contributions in the index: all->c[first, first + n). */
struct indexed_submissions {
    unsigned long *number; /* sorted */
    size_t *first, *n;
    size_t count, alloc, alloc2, alloc3;
};

/* An issue out by today, and where its articles are in the occurrences read so far. */
struct indexed_issue {
    unsigned long id, volume, number, year;
    bool special_series; /* "Special Issue N" */
    size_t first, n;
    size_t label; /* where its label is in the labels */
};

static int compare_issue_years(const void *a, const void *b)
{
    const struct indexed_issue *x = a, *y = b;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int index_corrupt(const char *what)
{
    return error_internal("the index's statistics are damaged (%s): run `journal "
                          "reindex`",
                          what);
}

/* stats_places: every key by id. */
static int load_keys(sqlite3 *db, struct contributions *all)
{
    sqlite3_stmt *st;
    size_t alloc = 0;
    int rc = db_prepare(db, "index", &st, "SELECT id, key FROM stats_places ORDER BY id");
    if (rc)
        return rc;
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        if (id < 1 || id >= UINT32_MAX || (size_t)id < all->nkeys || !key || !*key) {
            rc = index_corrupt("a place");
            break;
        }
        ARRAY_GROW(all->keys, (size_t)id + 1, alloc);
        while (all->nkeys < (size_t)id)
            all->keys[all->nkeys++] = NULL;
        all->keys[all->nkeys++] = xstrdup(key);
    }
    if (!rc && step != SQLITE_DONE)
        rc = db_fail(db, "index", "read");
    sqlite3_finalize(st);
    return rc;
}

/* stats_articles by submission: each published submission's contributions in order. */
static int load_rows(sqlite3 *db, struct contributions *all, struct indexed_submissions *subs)
{
    sqlite3_stmt *st;
    int rc = db_prepare(db, "index", &st,
                        "SELECT submission, contributions FROM stats_articles ORDER BY submission");
    if (rc)
        return rc;
    /* A place's (place, article) pair is numbered at its first row in the submission. */
    uint32_t *pair = xcalloc(all->nkeys + 1, sizeof(*pair));
    size_t *pair_of = xcalloc(all->nkeys + 1, sizeof(*pair_of));
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *blob = sqlite3_column_blob(st, 1);
        size_t bytes = (size_t)sqlite3_column_bytes(st, 1), n = bytes / INDEX_STATS_SIZE;
        if (!blob || !n || bytes % INDEX_STATS_SIZE) {
            rc = index_corrupt("a submission's contributions");
            break;
        }
        ARRAY_GROW(subs->number, subs->count + 1, subs->alloc);
        ARRAY_GROW(subs->first, subs->count + 1, subs->alloc2);
        ARRAY_GROW(subs->n, subs->count + 1, subs->alloc3);
        subs->number[subs->count] = (unsigned long)sqlite3_column_int64(st, 0);
        subs->first[subs->count] = all->n;
        subs->n[subs->count++] = n;
        ARRAY_GROW(all->c, all->n + n, all->alloc);
        for (size_t i = 0; i < n; i++) {
            struct index_stats_contribution x;
            index_stats_decode(blob + i * INDEX_STATS_SIZE, &x);
            /* A place is a "c" or "o" key, an organisation's name an "n" key. */
            char kind =
                x.place && x.place < all->nkeys && all->keys[x.place] ? all->keys[x.place][0] : 0;
            if ((kind != 'c' && kind != 'o') || x.org >= all->nkeys ||
                (x.org && (!all->keys[x.org] || all->keys[x.org][0] != 'n')) || !x.place_author) {
                rc = index_corrupt("a contribution");
                break;
            }
            struct contribution *c = &all->c[all->n++];
            c->place = x.place;
            c->org = x.org;
            c->place_author = x.place_author;
            c->share = x.share;
            if (pair[x.place] != subs->count) {
                pair[x.place] = (uint32_t)subs->count;
                pair_of[x.place] = ++all->nplace_articles;
            }
            c->place_article = (uint32_t)pair_of[x.place];
            if (x.place_author > all->nplace_authors)
                all->nplace_authors = x.place_author;
        }
    }
    if (!rc && step != SQLITE_DONE)
        rc = db_fail(db, "index", "read");
    sqlite3_finalize(st);
    free(pair);
    free(pair_of);
    all->narticles = subs->count;
    return rc;
}

/* The issues out by today, by id. */
static int load_issues(sqlite3 *db, struct indexed_issue **out, size_t *n)
{
    sqlite3_stmt *st;
    size_t alloc = 0;
    int rc = db_prepare(db, "index", &st,
                        "SELECT id, volume, number, year, special_series FROM issues"
                        " WHERE date <= ? ORDER BY id");
    if (rc)
        return rc;
    /* What the site shows: an issue dated in the future is not out yet. */
    char today[11];
    date_today(today);
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    int step = SQLITE_DONE;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ARRAY_GROW(*out, *n + 1, alloc);
        (*out)[(*n)++] = (struct indexed_issue){(unsigned long)sqlite3_column_int64(st, 0),
                                                (unsigned long)sqlite3_column_int64(st, 1),
                                                (unsigned long)sqlite3_column_int64(st, 2),
                                                (unsigned long)sqlite3_column_int64(st, 3),
                                                sqlite3_column_int(st, 4) != 0,
                                                0,
                                                0,
                                                0};
    }
    if (step != SQLITE_DONE)
        rc = db_fail(db, "index", "read");
    sqlite3_finalize(st);
    return rc;
}

/*
 * The issues' articles (issue_articles in key order: by issue, then position) that have
 * contributions, as occurrences grouped by issue; then the groups by year.
 */
static void add_number(struct strbuf *sb, unsigned long v)
{
    char num[24], *p = num + sizeof(num);
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    strbuf_add(sb, p, (size_t)(num + sizeof(num) - p));
}

/*
 * An issue's label, as issue_label() makes it ("Vol. 1, No. 2 (2025)") without its
 * formatting and allocation (a sixth of the time at 25,000 issues), while the first one
 * made both ways agrees; the caller says whether it did.
 */
static void add_issue_label(struct strbuf *sb, const struct indexed_issue *issue, bool *checked,
                            bool *fast)
{
    struct issue_manifest is = {.volume = issue->volume,
                                .number = issue->number,
                                .year = issue->year,
                                .special_series = issue->special_series};
    size_t at = sb->len;
    if (issue->special_series) {
        /* Rare: made the plain way. */
        char *label = issue_label(&is);
        strbuf_addstr(sb, label);
        strbuf_addch(sb, '\0');
        free(label);
        return;
    }
    if (!*checked || *fast) {
        strbuf_addstr(sb, "Vol. ");
        add_number(sb, issue->volume);
        strbuf_addstr(sb, ", No. ");
        add_number(sb, issue->number);
        strbuf_addstr(sb, " (");
        add_number(sb, issue->year);
        strbuf_addch(sb, ')');
    }
    if (!*checked || !*fast) {
        char *label = issue_label(&is);
        if (!*checked)
            *fast = !strcmp(label, sb->buf + at);
        *checked = true;
        strbuf_setlen(sb, at);
        strbuf_addstr(sb, label);
        free(label);
    }
    strbuf_addch(sb, '\0');
}

/* Whether the issues are by year already (ids usually grow with the years). */
static bool by_year(const struct indexed_issue *issues, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (compare_issue_years(&issues[i - 1], &issues[i]) > 0)
            return false;
    return true;
}

static int load_occurrences(sqlite3 *db, struct contributions *all,
                            const struct indexed_submissions *subs, struct indexed_issue *issues,
                            size_t nissues, struct strbuf *labels)
{
    sqlite3_stmt *st;
    int rc = db_prepare(db, "index", &st,
                        "SELECT issue, submission FROM issue_articles ORDER BY issue, position");
    if (rc)
        return rc;
    struct occurrence *read = NULL;
    size_t nread = 0, alloc = 0, at = 0;
    int step = SQLITE_DONE;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        unsigned long issue = (unsigned long)sqlite3_column_int64(st, 0);
        unsigned long number = (unsigned long)sqlite3_column_int64(st, 1);
        while (at < nissues && issues[at].id < issue)
            at++;
        if (at == nissues)
            break;
        size_t sub = find_sorted(subs->number, subs->count, number);
        if (issues[at].id != issue || sub == subs->count)
            continue;
        if (!issues[at].n)
            issues[at].first = nread;
        issues[at].n++;
        ARRAY_GROW(read, nread + 1, alloc);
        read[nread++] = (struct occurrence){issue, issues[at].year,  (uint32_t)sub + 1,
                                            NULL,  subs->first[sub], subs->n[sub]};
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = db_fail(db, "index", "read");
    sqlite3_finalize(st);
    if (!rc) {
        if (!by_year(issues, nissues))
            qsort(issues, nissues, sizeof(*issues), compare_issue_years);
        bool checked = false, fast = false;
        for (size_t i = 0; i < nissues; i++) {
            issues[i].label = labels->len;
            if (issues[i].n)
                add_issue_label(labels, &issues[i], &checked, &fast);
        }
        /* The labels no longer move: the occurrences point into them. */
        all->occ = xcalloc(nread + 1, sizeof(*all->occ));
        for (size_t i = 0; i < nissues; i++)
            for (size_t j = 0; j < issues[i].n; j++) {
                all->occ[all->nocc] = read[issues[i].first + j];
                all->occ[all->nocc++].label = labels->buf + issues[i].label;
            }
    }
    free(read);
    return rc;
}

int stats_compute(struct journal_index *ix, const struct country_db *countries, const char *lang,
                  struct stats *out)
{
    sqlite3 *db = index_db(ix);
    struct contributions all = {0};
    struct indexed_submissions subs = {0};
    struct indexed_issue *issues = NULL;
    size_t nissues = 0;
    struct strbuf labels = STRBUF_INIT;
    memset(out, 0, sizeof(*out));
    /* One snapshot of the index for all four reads, whatever another process writes. */
    int rc = db_exec(db, "index", "BEGIN");
    if (rc)
        return rc;
    rc = load_keys(db, &all);
    if (!rc)
        rc = load_rows(db, &all, &subs);
    if (!rc)
        rc = load_issues(db, &issues, &nissues);
    if (!rc)
        rc = load_occurrences(db, &all, &subs, issues, nissues, &labels);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (!rc) {
        error_clear();
        rc = compute(&all, countries, lang, out);
    }
    strbuf_release(&labels);
    free(issues);
    free(subs.number);
    free(subs.first);
    free(subs.n);
    contributions_free(&all);
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
                           const struct country_db *countries, const struct journal_config *config,
                           const char *lang, struct stats *out)
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
    /* The same keys the index folds (store/index.h), numbered here. */
    struct contributions all = {0};
    struct names keys = {0}, identities = {0};
    struct table article_ids = {0}, place_authors = {0}, place_articles = {0};
    for (size_t i = 0; i < narticles; i++) {
        const struct stats_article *a = order[i];
        const size_t *at = table_find(&label_of, a->issue, 0);
        struct occurrence o = {a->issue,
                               a->year,
                               table_number(&article_ids, a->number, 0),
                               at ? articles[*at].issue_label : NULL,
                               all.n,
                               0};
        for (size_t k = 0; k < a->m->nauthors; k++) {
            const struct author *au = &a->m->authors[k];
            if (!au->naffiliations)
                continue;
            uint32_t identity = name_id(&identities, index_stats_author_key(au));
            for (size_t f = 0; f < au->naffiliations; f++) {
                const struct affiliation *af = &au->affiliations[f];
                ARRAY_GROW(all.c, all.n + 1, all.alloc);
                struct contribution *c = &all.c[all.n++];
                c->place = name_id(&keys, index_stats_place_key(af, config));
                c->org =
                    af->international ? name_id(&keys, index_stats_org_name_key(af, config)) : 0;
                c->place_author = table_number(&place_authors, c->place, identity);
                c->place_article = table_number(&place_articles, c->place, o.article);
                c->share = 1.0 / (double)a->m->nauthors / (double)au->naffiliations;
            }
        }
        o.n = all.n - o.first;
        if (o.n) {
            ARRAY_GROW(all.occ, all.nocc + 1, all.occ_alloc);
            all.occ[all.nocc++] = o;
        }
    }
    free(order);
    /* The keys by id, moved from the names. */
    all.keys = xcalloc(keys.count + 1, sizeof(*all.keys));
    all.nkeys = keys.count + 1;
    for (size_t i = 0; i < keys.count; i++)
        all.keys[i + 1] = keys.strings[i];
    keys.count = 0;
    all.narticles = article_ids.count;
    all.nplace_authors = place_authors.count;
    all.nplace_articles = place_articles.count;
    int rc = compute(&all, countries, lang, out);
    contributions_free(&all);
    names_free(&keys);
    names_free(&identities);
    table_free(&article_ids);
    table_free(&place_authors);
    table_free(&place_articles);
    table_free(&label_of);
    return rc;
}

void stats_free(struct stats *s)
{
    free(s->years);
    free(s->issues);
    free(s->rows);
    free(s->text);
    for (size_t i = 0; i < s->nstrings; i++)
        free(s->strings[i]);
    free(s->strings);
    memset(s, 0, sizeof(*s));
}

/* The number, then the word that follows it. */
static void add_count(struct strbuf *sb, size_t v, const char *one, const char *many)
{
    add_number(sb, v);
    strbuf_addstr(sb, v == 1 ? one : many);
}

/* Russian: the number and the form of the word CLDR's plural rules give it (1, 2, 5, 21). */
static void add_count_ru(struct strbuf *sb, size_t v, const char *one, const char *few,
                         const char *many)
{
    add_number(sb, v);
    const char *category = i18n_plural_category("ru", (unsigned long)v);
    strbuf_addstr(sb, !strcmp(category, "one") ? one : !strcmp(category, "few") ? few : many);
}

static bool is_russian(const char *lang)
{
    return lang && lang[0] == 'r' && lang[1] == 'u' && (!lang[2] || lang[2] == '-');
}

void stats_headline_add(struct strbuf *sb, const struct stats_scope *scope, const char *lang)
{
    if (is_russian(lang)) {
        /* "9 статей авторов из 12 стран и 3 международных организаций" */
        add_count_ru(sb, scope->articles, " статья авторов из ", " статьи авторов из ",
                     " статей авторов из ");
        add_count_ru(sb, scope->ncountries, " страны и ", " стран и ", " стран и ");
        add_count_ru(sb, scope->norganisations, " международной организации",
                     " международных организаций", " международных организаций");
        return;
    }
    add_count(sb, scope->articles, " article by authors from ", " articles by authors from ");
    add_count(sb, scope->ncountries, " country and ", " countries and ");
    add_count(sb, scope->norganisations, " international organisation",
              " international organisations");
}

char *stats_headline(const struct stats_scope *scope, const char *lang)
{
    struct strbuf sb = STRBUF_INIT;
    stats_headline_add(&sb, scope, lang);
    return strbuf_detach(&sb, NULL);
}
