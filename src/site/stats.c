#include "site/stats.h"

#include "model/country.h"
#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/roster.h"
#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One author of one published article, with one of their affiliations. */
struct contribution {
    unsigned long article;
    unsigned long issue;
    unsigned long year;
    char *author;   /* identity: ORCID iD, else the folded name */
    double share;   /* of the article's unit: 1/authors/affiliations */
    char *place;    /* country code, or the organisation's folded name */
    char *org_name; /* the organisation's name as written, for international ones */
    bool international;
};

struct tally {
    struct stats_row row;
    unsigned long *articles; /* distinct, sorted on the fly */
    size_t narticles, articles_alloc;
    char **authors;
    size_t nauthors, authors_alloc;
};

static bool add_unique_article(struct tally *t, unsigned long article)
{
    for (size_t i = 0; i < t->narticles; i++)
        if (t->articles[i] == article)
            return false;
    ARRAY_GROW(t->articles, t->narticles + 1, t->articles_alloc);
    t->articles[t->narticles++] = article;
    return true;
}

static void add_unique_author(struct tally *t, const char *author)
{
    for (size_t i = 0; i < t->nauthors; i++)
        if (!strcmp(t->authors[i], author))
            return;
    ARRAY_GROW(t->authors, t->nauthors + 1, t->authors_alloc);
    t->authors[t->nauthors++] = xstrdup(author);
}

static int compare_rows(const void *a, const void *b)
{
    const struct stats_row *x = a, *y = b;
    if (x->articles != y->articles)
        return x->articles > y->articles ? -1 : 1;
    if (x->authors != y->authors)
        return x->authors > y->authors ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Fold the contributions that pass keep() into one scope's rows. */
static void fill_scope(struct stats_scope *scope, const struct contribution *c, size_t n,
                       bool (*keep)(const struct contribution *, const struct stats_scope *),
                       const struct country_db *countries, const char *lang)
{
    struct tally *tallies[2] = {NULL, NULL};
    size_t counts[2] = {0, 0}, allocs[2] = {0, 0};
    unsigned long *articles = NULL;
    size_t narticles = 0, articles_alloc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!keep(&c[i], scope))
            continue;
        bool seen = false;
        for (size_t k = 0; k < narticles && !seen; k++)
            seen = articles[k] == c[i].article;
        if (!seen) {
            ARRAY_GROW(articles, narticles + 1, articles_alloc);
            articles[narticles++] = c[i].article;
        }
        int kind = c[i].international ? 1 : 0;
        struct tally *t = NULL;
        for (size_t k = 0; k < counts[kind] && !t; k++)
            if (!strcmp(tallies[kind][k].row.key, c[i].place))
                t = &tallies[kind][k];
        if (!t) {
            ARRAY_GROW(tallies[kind], counts[kind] + 1, allocs[kind]);
            t = &tallies[kind][counts[kind]++];
            memset(t, 0, sizeof(*t));
            t->row.key = xstrdup(c[i].place);
            if (kind == 0) {
                const struct country *country = country_by_code(countries, c[i].place);
                t->row.name = xstrdup(country ? country_display_name(country, lang) : c[i].place);
            } else {
                t->row.name = xstrdup(c[i].org_name);
            }
        }
        add_unique_article(t, c[i].article);
        add_unique_author(t, c[i].author);
        t->row.fractional += c[i].share;
    }
    scope->articles = narticles;
    struct stats_row **rows[2] = {&scope->countries, &scope->organisations};
    size_t *nrows[2] = {&scope->ncountries, &scope->norganisations};
    for (int kind = 0; kind < 2; kind++) {
        *rows[kind] = xcalloc(counts[kind] + 1, sizeof(struct stats_row));
        for (size_t k = 0; k < counts[kind]; k++) {
            struct tally *t = &tallies[kind][k];
            t->row.articles = t->narticles;
            t->row.authors = t->nauthors;
            (*rows[kind])[k] = t->row;
            for (size_t a = 0; a < t->nauthors; a++)
                free(t->authors[a]);
            free(t->authors);
            free(t->articles);
        }
        *nrows[kind] = counts[kind];
        qsort(*rows[kind], counts[kind], sizeof(struct stats_row), compare_rows);
        free(tallies[kind]);
    }
    free(articles);
}

static bool keep_all(const struct contribution *c, const struct stats_scope *s)
{
    (void)c;
    (void)s;
    return true;
}

static bool keep_year(const struct contribution *c, const struct stats_scope *s)
{
    return c->year == s->year;
}

static bool keep_issue(const struct contribution *c, const struct stats_scope *s)
{
    return c->issue == s->issue;
}

static void add_contribution(struct contribution **c, size_t *n, size_t *alloc,
                             unsigned long article, unsigned long issue, unsigned long year,
                             const char *orcid, const char *name, size_t nauthors,
                             size_t naffiliations, bool international, const char *country,
                             const char *org)
{
    ARRAY_GROW(*c, *n + 1, *alloc);
    struct contribution *x = &(*c)[(*n)++];
    memset(x, 0, sizeof(*x));
    x->article = article;
    x->issue = issue;
    x->year = year;
    x->author = orcid && *orcid ? xstrdup(orcid) : roster_name_key(name ? name : "");
    x->international = international;
    if (international) {
        x->place = roster_name_key(org ? org : "");
        x->org_name = xstrdup(org ? org : "");
    } else {
        x->place = xstrdup(country ? country : "");
    }
    x->share =
        1.0 / (double)(nauthors ? nauthors : 1) / (double)(naffiliations ? naffiliations : 1);
}

static void free_contributions(struct contribution *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].author);
        free(c[i].place);
        free(c[i].org_name);
    }
    free(c);
}

/* Every (article, author, affiliation) of the published articles, with its fractional share. */
static int load_contributions(struct journal_index *ix, struct contribution **out, size_t *n)
{
    sqlite3_stmt *st;
    size_t alloc = 0;
    *out = NULL;
    *n = 0;
    int rc =
        db_prepare(index_db(ix), "index", &st,
                   "SELECT s.number, ia.issue, i.year, a.position, coalesce(a.orcid, ''), a.name,"
                   " f.country, f.international, f.name,"
                   " (SELECT count(*) FROM authors x WHERE x.submission = s.number),"
                   " (SELECT count(*) FROM affiliations y WHERE y.submission = s.number"
                   "  AND y.author = a.position)"
                   " FROM submissions s"
                   " JOIN issue_articles ia ON ia.submission = s.number"
                   " JOIN issues i ON i.id = ia.issue"
                   " JOIN authors a ON a.submission = s.number"
                   " JOIN affiliations f ON f.submission = s.number AND f.author = a.position"
                   " WHERE s.state = 'published' AND i.date <= ?"
                   " ORDER BY i.year, ia.issue, ia.position, a.position, f.position");
    if (rc)
        return rc;
    /* What the site shows: an issue dated in the future is not out yet. */
    char today[11];
    date_today(today);
    sqlite3_bind_text(st, 1, today, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW)
        add_contribution(
            out, n, &alloc, (unsigned long)sqlite3_column_int64(st, 0),
            (unsigned long)sqlite3_column_int64(st, 1), (unsigned long)sqlite3_column_int64(st, 2),
            (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5),
            (size_t)sqlite3_column_int64(st, 9), (size_t)sqlite3_column_int64(st, 10),
            sqlite3_column_int(st, 7) != 0, (const char *)sqlite3_column_text(st, 6),
            (const char *)sqlite3_column_text(st, 8));
    sqlite3_finalize(st);
    return 0;
}

static char *issue_scope_label(struct journal_index *ix, unsigned long id)
{
    sqlite3_stmt *st;
    char *label = NULL;
    if (db_prepare(index_db(ix), "index", &st,
                   "SELECT volume, number, year FROM issues WHERE id = ?") == 0) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
        if (sqlite3_step(st) == SQLITE_ROW) {
            struct issue_manifest is = {.volume = (unsigned long)sqlite3_column_int64(st, 0),
                                        .number = (unsigned long)sqlite3_column_int64(st, 1),
                                        .year = (unsigned long)sqlite3_column_int64(st, 2)};
            label = issue_label(&is);
        }
        sqlite3_finalize(st);
    }
    error_clear();
    return label ? label : xasprintf("Issue %lu", id);
}

/* Where an issue's label comes from: the index, or the caller's list of articles. */
struct labeller {
    struct journal_index *ix;
    const struct stats_article *articles;
    size_t narticles;
};

static char *scope_issue_label(const struct labeller *l, unsigned long issue)
{
    if (l->ix)
        return issue_scope_label(l->ix, issue);
    for (size_t i = 0; i < l->narticles; i++)
        if (l->articles[i].issue == issue && l->articles[i].issue_label)
            return xstrdup(l->articles[i].issue_label);
    return xasprintf("Issue %lu", issue);
}

/* The one computation both paths share: contributions ordered by year, then issue. */
static void compute(const struct contribution *c, size_t n, const struct labeller *labels,
                    const struct country_db *countries, const char *lang, struct stats *out)
{
    out->total.label = xstrdup("all");
    fill_scope(&out->total, c, n, keep_all, countries, lang);
    /* Each change of year opens a scope; issues are opened as they first appear. */
    for (size_t i = 0; i < n; i++) {
        if (!out->nyears || out->years[out->nyears - 1].year != c[i].year) {
            out->years = xrealloc(out->years, (out->nyears + 1) * sizeof(*out->years));
            struct stats_scope *s = &out->years[out->nyears++];
            memset(s, 0, sizeof(*s));
            s->year = c[i].year;
            s->label = xasprintf("%lu", c[i].year);
            fill_scope(s, c, n, keep_year, countries, lang);
        }
        bool known = false;
        for (size_t k = 0; k < out->nissues && !known; k++)
            known = out->issues[k].issue == c[i].issue;
        if (!known) {
            out->issues = xrealloc(out->issues, (out->nissues + 1) * sizeof(*out->issues));
            struct stats_scope *s = &out->issues[out->nissues++];
            memset(s, 0, sizeof(*s));
            s->issue = c[i].issue;
            s->year = c[i].year;
            s->label = scope_issue_label(labels, c[i].issue);
            fill_scope(s, c, n, keep_issue, countries, lang);
        }
    }
}

int stats_compute(struct journal_index *ix, const struct country_db *countries, const char *lang,
                  struct stats *out)
{
    struct contribution *c = NULL;
    size_t n = 0;
    memset(out, 0, sizeof(*out));
    int rc = load_contributions(ix, &c, &n);
    if (rc)
        return rc;
    struct labeller labels = {ix, NULL, 0};
    compute(c, n, &labels, countries, lang, out);
    free_contributions(c, n);
    return 0;
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
    const struct stats_article **order = xcalloc(narticles ? narticles : 1, sizeof(*order));
    for (size_t i = 0; i < narticles; i++)
        order[i] = &articles[i];
    qsort(order, narticles, sizeof(*order), compare_articles);
    struct contribution *c = NULL;
    size_t n = 0, alloc = 0;
    for (size_t i = 0; i < narticles; i++) {
        const struct stats_article *a = order[i];
        for (size_t k = 0; k < a->m->nauthors; k++) {
            const struct author *au = &a->m->authors[k];
            for (size_t f = 0; f < au->naffiliations; f++) {
                const struct affiliation *af = &au->affiliations[f];
                add_contribution(&c, &n, &alloc, a->number, a->issue, a->year, au->orcid, au->name,
                                 a->m->nauthors, au->naffiliations, af->international, af->country,
                                 af->name);
            }
        }
    }
    free(order);
    struct labeller labels = {NULL, articles, narticles};
    compute(c, n, &labels, countries, lang, out);
    free_contributions(c, n);
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
