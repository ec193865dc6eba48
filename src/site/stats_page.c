#include "site/stats_page.h"

#include "site/i18n.h"
#include "site/stats.h"
#include "site/worldmap.h"
#include "util/alloc.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *stats_page_headline(const struct stats *s, const struct i18n *t)
{
    const struct stats_scope *all = &s->total;
    if (!all->articles)
        return xstrdup(i18n_text(t, "stats_headline_empty"));
    char *articles = i18n_plural(t, "stats_headline_articles", all->articles);
    char *countries = i18n_plural(t, "stats_headline_countries", all->ncountries);
    char *organisations = i18n_plural(t, "stats_headline_organisations", all->norganisations);
    const char *names[] = {"articles", "countries", "organisations", NULL};
    const char *values[] = {articles, countries, organisations, NULL};
    const char *key = all->norganisations ? "stats_headline" : "stats_headline_no_organisations";
    if (!all->ncountries)
        key = "stats_headline_organisations_only";
    char *text = i18n_format(t, key, names, values);
    free(organisations);
    free(countries);
    free(articles);
    return text;
}

/* The SVG of the map or the chart as a JSON string: checked a word at a time, where jansson
   checks the map's hundreds of kilobytes a byte at a time. */
static json_t *svg_json(const struct strbuf *svg)
{
    size_t bad;
    return utf8_validate(svg->buf, svg->len, &bad) ? json_stringn_nocheck(svg->buf, svg->len)
                                                   : json_string(svg->buf);
}

/* Two decimals with the language's decimal mark: "2.75", "2,75". */
static char *fractional_text(const struct i18n *t, double value)
{
    char *text = xasprintf("%.2f", value);
    const char *mark = i18n_text(t, "stats_decimal_mark");
    if (!strcmp(mark, "stats_decimal_mark") || !strcmp(mark, "."))
        return text;
    char *dot = strchr(text, '.');
    if (!dot)
        return text;
    *dot = '\0';
    char *out = xasprintf("%s%s%s", text, mark, dot + 1);
    free(text);
    return out;
}

static json_t *rows_json(const struct stats_row *rows, size_t n, bool countries,
                         const struct worldmap *map, const struct i18n *t)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        char *fractional = fractional_text(t, rows[i].fractional);
        char sort[32];
        snprintf(sort, sizeof(sort), "%.4f", rows[i].fractional);
        json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s}", "name", rows[i].name, "articles",
                              (json_int_t)rows[i].articles, "authors", (json_int_t)rows[i].authors,
                              "fractional", fractional, "fractional_sort", sort);
        if (countries) {
            char *lower = xstrdup(rows[i].key);
            for (char *p = lower; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            json_object_set_new(o, "code", json_string(rows[i].key));
            json_object_set_new(o, "code_lower", json_string(lower));
            json_object_set_new(o, "on_map",
                                json_boolean(map && worldmap_find(map, rows[i].key) != NULL));
            free(lower);
        }
        json_array_append_new(arr, o);
        free(fractional);
    }
    return arr;
}

static json_t *legend_json(const struct stats_scope *all)
{
    unsigned long max = 0;
    for (size_t i = 0; i < all->ncountries; i++)
        if (all->countries[i].articles > max)
            max = all->countries[i].articles;
    struct worldmap_bucket b[WORLDMAP_CLASSES];
    size_t n = worldmap_buckets(max, b);
    json_t *arr = json_array();
    for (size_t k = 0; k < n; k++) {
        /* An en dash between the bounds of a range. */
        char *label = b[k].low == b[k].high ? xasprintf("%lu", b[k].low)
                                            : xasprintf("%lu\xe2\x80\x93%lu", b[k].low, b[k].high);
        json_array_append_new(arr, json_pack("{s:s, s:i}", "label", label, "shade", b[k].shade));
        free(label);
    }
    return arr;
}

static int map_json(const struct stats_scope *all, const struct worldmap *map, const struct i18n *t,
                    json_t *o)
{
    size_t *missing = NULL, nmissing = 0;
    if (map) {
        struct worldmap_value *values = xcalloc(all->ncountries + 1, sizeof(*values));
        for (size_t i = 0; i < all->ncountries; i++)
            values[i] = (struct worldmap_value){all->countries[i].key, all->countries[i].name,
                                                (unsigned long)all->countries[i].articles};
        struct strbuf svg = STRBUF_INIT;
        int rc = worldmap_render(map, values, all->ncountries, t, "stats-map", &svg, &missing,
                                 &nmissing);
        free(values);
        if (rc) {
            strbuf_release(&svg);
            return rc;
        }
        json_object_set_new(o, "map_svg", svg_json(&svg));
        strbuf_release(&svg);
    } else {
        missing = xcalloc(all->ncountries + 1, sizeof(*missing));
        for (size_t i = 0; i < all->ncountries; i++)
            missing[nmissing++] = i;
    }
    json_object_set_new(o, "has_map", json_boolean(map != NULL));
    json_t *arr = json_array();
    for (size_t k = 0; k < nmissing; k++) {
        const struct stats_row *r = &all->countries[missing[k]];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "code", r->key, "name", r->name,
                                             "last", k + 1 == nmissing));
    }
    free(missing);
    json_object_set_new(o, "has_missing", json_boolean(json_array_size(arr) > 0));
    json_object_set_new(o, "missing", arr);
    json_object_set_new(o, "legend", legend_json(all));
    json_object_set_new(
        o, "attribution",
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "text", i18n_text(t, "stats_map_credit"), "source",
                  "@svg-maps/world", "source_url",
                  "https://github.com/VictorCazanave/svg-maps/tree/master/packages/world",
                  "licence", "CC BY 4.0", "licence_url",
                  "https://creativecommons.org/licenses/by/4.0/"));
    return 0;
}

static int years_json(const struct stats *s, const struct i18n *t, json_t *o)
{
    json_t *arr = json_array();
    struct chart_year *years = xcalloc(s->nyears + 1, sizeof(*years));
    for (size_t i = 0; i < s->nyears; i++) {
        const struct stats_scope *y = &s->years[i];
        years[i] =
            (struct chart_year){y->year, (unsigned long)y->articles, (unsigned long)y->ncountries};
        json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:I}", "year", (json_int_t)y->year,
                                             "articles", (json_int_t)y->articles, "countries",
                                             (json_int_t)y->ncountries, "organisations",
                                             (json_int_t)y->norganisations));
    }
    struct strbuf svg = STRBUF_INIT;
    int rc = 0;
    if (s->nyears)
        rc = chart_years_render(years, s->nyears, true, t, "stats-chart", &svg);
    free(years);
    if (rc) {
        strbuf_release(&svg);
        json_decref(arr);
        return rc;
    }
    json_object_set_new(o, "years", arr);
    json_object_set_new(o, "has_years", json_boolean(s->nyears > 0));
    json_object_set_new(o, "chart_svg", svg_json(&svg));
    strbuf_release(&svg);
    return 0;
}

int stats_page_json(const struct stats *s, const struct worldmap *map, const struct i18n *t,
                    json_t **out)
{
    const struct stats_scope *all = &s->total;
    *out = NULL;
    json_t *o = json_object();
    char *headline = stats_page_headline(s, t);
    json_object_set_new(o, "headline", json_string(headline));
    free(headline);
    json_object_set_new(o, "articles", json_integer((json_int_t)all->articles));
    json_object_set_new(o, "countries_total", json_integer((json_int_t)all->ncountries));
    json_object_set_new(o, "organisations_total", json_integer((json_int_t)all->norganisations));
    json_object_set_new(o, "has_articles", json_boolean(all->articles > 0));
    json_object_set_new(o, "countries", rows_json(all->countries, all->ncountries, true, map, t));
    json_object_set_new(o, "has_countries", json_boolean(all->ncountries > 0));
    json_object_set_new(o, "organisations",
                        rows_json(all->organisations, all->norganisations, false, NULL, t));
    json_object_set_new(o, "has_organisations", json_boolean(all->norganisations > 0));
    int rc = map_json(all, map, t, o);
    if (!rc)
        rc = years_json(s, t, o);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

int stats_page_build(const struct stats_article *articles, size_t n,
                     const struct country_db *countries, const struct journal_config *config,
                     const char *map_file, const char *map_svg, size_t map_len,
                     const struct i18n *t, json_t **out)
{
    struct worldmap *map = NULL;
    struct stats s = {0};
    *out = NULL;
    int rc = map_svg ? worldmap_parse(&map, map_file, map_svg, map_len) : 0;
    if (!rc)
        rc = stats_compute_articles(articles, n, countries, config, i18n_lang(t), &s);
    if (!rc)
        rc = stats_page_json(&s, map, t, out);
    stats_free(&s);
    worldmap_free(map);
    return rc;
}
