#ifndef JOURNAL_SITE_STATS_H
#define JOURNAL_SITE_STATS_H

#include "store/index.h"

#include <stddef.h>

/*
 * Who publishes in the journal, by country: the figures a civil-service hub
 * reports ("82 articles by authors from 28 countries and 8 international
 * organisations"). Only published articles count. For each country: articles
 * with at least one author affiliated there (an article with authors from two
 * countries counts once for each), distinct authors (by ORCID iD, else by
 * name), and a fractional count: each article is one unit, split equally among
 * its authors and each author's share equally among their affiliations.
 * International organisations are counted the same way, separately, never as
 * a country.
 */
struct stats_row {
    const char *key;  /* country code, or the organisation's folded name (in strings) */
    const char *name; /* display name (country in the requested language; in strings) */
    size_t articles;
    size_t authors;
    double fractional;
};

/* A scope's strings and rows belong to its struct stats (stats_free). */
struct stats_scope {
    const char *label;         /* "all", "2025", "Vol. 1, No. 2 (2025)" */
    unsigned long year, issue; /* 0 when not that kind of scope */
    size_t articles;
    struct stats_row *countries; /* most articles first, then most authors, then by name in
                                    the collation of the language asked for */
    size_t ncountries;
    struct stats_row *organisations;
    size_t norganisations;
};

struct stats {
    struct stats_scope total;
    struct stats_scope *years; /* oldest first */
    size_t nyears;
    struct stats_scope *issues; /* by year, then issue id */
    size_t nissues;
    /* What the scopes point into: every scope's rows, their keys and names (each once)
       and the scopes' labels. */
    struct stats_row *rows;
    char **strings;
    size_t nstrings, strings_alloc;
    char *text;
};

struct country_db;
struct manuscript;

/* The statistics of the published articles in the index (`journal stats`). */
int stats_compute(struct journal_index *ix, const struct country_db *countries, const char *lang,
                  struct stats *out);

/*
 * One published article as the site holds it: the statistics page counts
 * exactly the articles the site publishes (not, say, those of an issue dated
 * in the future). issue_label names the issue's scope ("Vol. 1, No. 2 (2025)";
 * NULL: "Issue N"). The manuscript is borrowed.
 */
struct stats_article {
    unsigned long number, issue, year;
    const char *issue_label;
    const struct manuscript *m;
};

/*
 * The same statistics as stats_compute, from a list of articles in any order.
 * config (may be NULL) declares the organisations (journal.yaml's organisations:).
 */
struct journal_config;
int stats_compute_articles(const struct stats_article *articles, size_t n,
                           const struct country_db *countries, const struct journal_config *config,
                           const char *lang, struct stats *out);
void stats_free(struct stats *s);
/*
 * "9 articles by authors from 12 countries and 3 international organisations"; lang "ru":
 * "9 статей авторов из 12 стран и 3 международных организаций", the words in the plural
 * forms of CLDR's rules for the numbers. Any other lang is English.
 */
char *stats_headline(const struct stats_scope *scope, const char *lang);
struct strbuf;
/* The same, appended to sb. */
void stats_headline_add(struct strbuf *sb, const struct stats_scope *scope, const char *lang);

#endif
