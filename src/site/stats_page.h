#ifndef JOURNAL_SITE_STATS_PAGE_H
#define JOURNAL_SITE_STATS_PAGE_H

#include "site/stats.h"

#include <jansson.h>
#include <stddef.h>

/*
 * The template context of the statistics page (statistics.mustache), under
 * one object the caller sets as "stats":
 *
 *   headline             "9 articles by authors from 12 countries and 3 ..."
 *   articles, countries_total, organisations_total, has_articles
 *   countries[]          {code, code_lower, name, articles, authors, fractional
 *                         ("2.00", or "2,00" in Russian), fractional_sort ("2.0000"),
 *                         on_map}; has_countries
 *   organisations[]      the same without codes; has_organisations
 *   map_svg              the choropleth, for {{{stats.map_svg}}}; has_map
 *   legend[]             {label ("1", "3–4"), shade (1..5)}
 *   missing[]            {code, name, last}: countries with authors the map has no
 *                        shape for, listed under it; has_missing
 *   chart_svg            articles (and countries) per year; has_years
 *   years[]              {year, articles, countries, organisations}
 *   attribution          {text, source, source_url, licence, licence_url}
 *
 * Country names come from the stats (computed for the page's language); every
 * other text from t.
 */
struct worldmap;
struct i18n;
struct country_db;

/* map may be NULL (a theme without a map): has_map is false and every country is "missing". */
int stats_page_json(const struct stats *s, const struct worldmap *map, const struct i18n *t,
                    json_t **out);
/*
 * The whole page from the site's own articles (so it counts exactly what the
 * site publishes) and the text of the theme's map (map_file names it in
 * errors; map_svg NULL: a theme without a map). Country names are in t's
 * language.
 */
struct journal_config;
int stats_page_build(const struct stats_article *articles, size_t n,
                     const struct country_db *countries, const struct journal_config *config,
                     const char *map_file, const char *map_svg, size_t map_len,
                     const struct i18n *t, json_t **out);
/* The headline in t's language: "9 articles by authors from 12 countries and 3 ...". */
char *stats_page_headline(const struct stats *s, const struct i18n *t);

#endif
