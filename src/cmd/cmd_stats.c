#include "cmd/commands.h"
#include "model/country.h"
#include "site/stats.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/error.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static json_t *rows_json(const struct stats_row *rows, size_t n, bool countries)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_pack("{s:s, s:I, s:I, s:f}", "name", rows[i].name, "articles",
                              (json_int_t)rows[i].articles, "authors", (json_int_t)rows[i].authors,
                              "fractional", rows[i].fractional);
        if (countries)
            json_object_set_new(x, "code", json_string(rows[i].key));
        json_array_append_new(arr, x);
    }
    return arr;
}

static json_t *scope_json(const struct stats_scope *s)
{
    char *headline = stats_headline(s);
    json_t *o =
        json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:o}", "label", s->label, "headline", headline,
                  "articles", (json_int_t)s->articles, "countries_total", (json_int_t)s->ncountries,
                  "organisations_total", (json_int_t)s->norganisations, "countries",
                  rows_json(s->countries, s->ncountries, true), "organisations",
                  rows_json(s->organisations, s->norganisations, false));
    if (s->year)
        json_object_set_new(o, "year", json_integer((json_int_t)s->year));
    if (s->issue)
        json_object_set_new(o, "issue", json_integer((json_int_t)s->issue));
    free(headline);
    return o;
}

/* RFC 4180: quote every text field, doubling quotes. */
static void csv_text(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void csv_scope(const char *kind, const struct stats_scope *s)
{
    const struct stats_row *rows[2] = {s->countries, s->organisations};
    size_t counts[2] = {s->ncountries, s->norganisations};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < counts[k]; i++) {
            printf("%s,", kind);
            csv_text(s->label);
            printf(",%s,", k ? "organisation" : "country");
            csv_text(k ? "" : rows[k][i].key);
            putchar(',');
            csv_text(rows[k][i].name);
            printf(",%zu,%zu,%.4f\r\n", rows[k][i].articles, rows[k][i].authors,
                   rows[k][i].fractional);
        }
}

static void text_rows(const char *heading, const struct stats_row *rows, size_t n, bool codes)
{
    if (!n)
        return;
    printf("\n%-40s %8s %8s %11s\n", heading, "ARTICLES", "AUTHORS", "FRACTIONAL");
    for (size_t i = 0; i < n; i++) {
        char name[128];
        snprintf(name, sizeof(name), codes ? "%s (%s)" : "%s", rows[i].name, rows[i].key);
        /* Pad by characters, not bytes, so Cyrillic names line up. */
        size_t chars = 0;
        for (const char *p = name; *p; p++)
            chars += ((unsigned char)*p & 0xc0) != 0x80;
        printf("%s%*s %8zu %8zu %11.2f\n", name, chars < 40 ? (int)(40 - chars) : 0, "",
               rows[i].articles, rows[i].authors, rows[i].fractional);
    }
}

int cmd_stats(int argc, char **argv, struct cli *cli)
{
    bool csv = false;
    const char *lang = NULL;
    const struct cli_option options[] = {
        {"--csv", NULL, &csv}, {"--lang", &lang, NULL}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, NULL, 0);
    if (rc)
        return rc;
    if (csv && cli->json)
        return error_usage("--csv and --json: choose one");
    if (lang && strcmp(lang, "en") && strcmp(lang, "ru"))
        return error_usage("--lang %s: country names are available in en and ru", lang);
    struct journal_repo *repo = NULL;
    struct journal_index *ix = NULL;
    struct country_db *countries = NULL;
    struct stats s = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = index_open(&ix, repo);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = stats_compute(ix, countries, lang ? lang : "en", &s);
    if (rc)
        goto done;
    if (cli->json) {
        json_t *years = json_array(), *issues = json_array();
        for (size_t i = 0; i < s.nyears; i++)
            json_array_append_new(years, scope_json(&s.years[i]));
        for (size_t i = 0; i < s.nissues; i++)
            json_array_append_new(issues, scope_json(&s.issues[i]));
        json_t *all = scope_json(&s.total);
        json_object_set_new(all, "by_year", years);
        json_object_set_new(all, "by_issue", issues);
        json_object_set_new(all, "fractional_counting",
                            json_string("each article counts 1, split equally among its authors "
                                        "and each author's share among their affiliations"));
        cli_print_json(all);
    } else if (csv) {
        printf("scope,label,kind,code,name,articles,authors,fractional\r\n");
        csv_scope("all", &s.total);
        for (size_t i = 0; i < s.nyears; i++)
            csv_scope("year", &s.years[i]);
        for (size_t i = 0; i < s.nissues; i++)
            csv_scope("issue", &s.issues[i]);
    } else {
        char *headline = stats_headline(&s.total);
        printf("%s.\n", headline);
        free(headline);
        text_rows("COUNTRY", s.total.countries, s.total.ncountries, true);
        text_rows("INTERNATIONAL ORGANISATION", s.total.organisations, s.total.norganisations,
                  false);
        printf("\nFractional: each article counts 1, split equally among its authors and each "
               "author's share among their affiliations.\n");
        if (s.nyears)
            printf("\nBy year:\n");
        for (size_t i = 0; i < s.nyears; i++) {
            char *h = stats_headline(&s.years[i]);
            printf("  %s: %s\n", s.years[i].label, h);
            free(h);
        }
        if (s.nissues)
            printf("\nBy issue:\n");
        for (size_t i = 0; i < s.nissues; i++) {
            char *h = stats_headline(&s.issues[i]);
            printf("  %s: %s\n", s.issues[i].label, h);
            free(h);
        }
    }
done:
    stats_free(&s);
    country_db_free(countries);
    index_close(ix);
    repo_free(repo);
    return rc;
}
