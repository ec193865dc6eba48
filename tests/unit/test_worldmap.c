/*
 * Tests for site/worldmap (the statistics page's map and chart), site/stats
 * (stats_compute_articles) and site/stats_page, against the vendored map of
 * the default theme and the iso-codes data installed on the machine.
 *
 * Usage: test_worldmap [SOURCE_DIR]   (default: the current directory)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/country.h"
#include "model/manuscript.h"
#include "site/i18n.h"
#include "site/stats.h"
#include "site/stats_page.h"
#include "site/worldmap.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *source_dir = ".";
static struct worldmap *map;
static struct country_db *countries;
static struct i18n *en, *ru;

static int load_i18n(struct i18n **out, const char *lang)
{
    char *path = xasprintf("%s/themes/default/i18n/%s.yaml", source_dir, lang);
    struct strbuf text = STRBUF_INIT;
    int rc = fs_read_file(path, &text);
    if (!rc)
        rc = i18n_parse(out, lang, path, text.buf, text.len);
    strbuf_release(&text);
    free(path);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    char *path = xasprintf("%s/themes/default/map/world.svg", source_dir);
    struct strbuf text = STRBUF_INIT;
    int rc = fs_read_file(path, &text);
    if (!rc)
        rc = worldmap_parse(&map, path, text.buf, text.len);
    strbuf_release(&text);
    free(path);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = load_i18n(&en, "en");
    if (!rc)
        rc = load_i18n(&ru, "ru");
    if (rc)
        fprintf(stderr, "setup: %s\n", error_message());
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    worldmap_free(map);
    country_db_free(countries);
    i18n_free(en);
    i18n_free(ru);
    return 0;
}

/* Locations of the map that are not ISO 3166-1 countries (documented in the report). */
static const char *const non_countries[] = {
    "go",    /* Glorioso Islands (part of TF) */
    "ju",    /* Juan de Nova Island (part of TF) */
    "xk",    /* Kosovo: a user-assigned code, not in ISO 3166-1 */
    "um-dq", /* the United States Minor Outlying Islands, one by one */
    "um-fq", "um-hq", "um-jq", "um-mq", "um-wq", NULL};

static bool is_non_country(const char *code)
{
    for (size_t i = 0; non_countries[i]; i++)
        if (!strcmp(non_countries[i], code))
            return true;
    return false;
}

static void test_map_ids_are_iso_codes(void **state)
{
    (void)state;
    assert_string_equal(map->view_box, "0 0 1010 666");
    assert_int_equal(map->nshapes, 256);
    for (size_t i = 0; i < map->nshapes; i++) {
        const struct worldmap_shape *s = &map->shapes[i];
        assert_non_null(s->name);
        assert_true(strlen(s->path) > 5);
        if (is_non_country(s->code))
            continue;
        if (strlen(s->code) != 2 || !country_by_code(countries, s->code))
            fail_msg("map id '%s' (%s) is neither an ISO 3166-1 code nor a listed non-country",
                     s->code, s->name);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(map->shapes[k].code, s->code);
    }
    /* Only these ISO countries have no shape of their own. */
    size_t without = 0;
    for (size_t i = 0; i < country_db_count(countries); i++) {
        const struct country *c = country_db_at(countries, i);
        if (!worldmap_find(map, c->alpha2)) {
            without++;
            if (strcmp(c->alpha2, "AQ") && strcmp(c->alpha2, "UM"))
                fail_msg("%s (%s) has no shape on the map", c->alpha2, c->name);
        }
    }
    assert_int_equal(without, 2);
    assert_non_null(worldmap_find(map, "KZ"));
    assert_non_null(worldmap_find(map, "kz"));
}

static void test_buckets(void **state)
{
    (void)state;
    struct worldmap_bucket b[WORLDMAP_CLASSES];
    assert_int_equal(worldmap_buckets(0, b), 0);
    assert_int_equal(worldmap_buckets(1, b), 1);
    assert_int_equal(b[0].low, 1);
    assert_int_equal(b[0].high, 1);
    assert_int_equal(worldmap_buckets(2, b), 2);
    assert_true(b[0].shade < b[1].shade);
    assert_int_equal(b[1].shade, WORLDMAP_CLASSES);
    size_t n = worldmap_buckets(40, b);
    assert_int_equal(n, WORLDMAP_CLASSES);
    assert_int_equal(b[0].low, 1);
    assert_int_equal(b[n - 1].high, 40);
    for (size_t k = 1; k < n; k++) {
        assert_int_equal(b[k].low, b[k - 1].high + 1);
        assert_true(b[k].high >= b[k].low);
        assert_true(b[k].shade > b[k - 1].shade);
    }
}

/* The <path ...> element for code, as a string the caller frees, or NULL. */
static char *path_element(const char *svg, const char *code)
{
    char *needle = strchr(code, '-') ? xasprintf(" data-part=\"%s\"", code)
                                     : xasprintf("<path data-country=\"%s\"", code);
    const char *p = strstr(svg, needle);
    free(needle);
    if (!p)
        return NULL;
    const char *end = strstr(p, "</path>");
    const char *self = strstr(p, "/>");
    if (!end || (self && self < end))
        end = self;
    return xstrndup(p, (size_t)(end - p) + 2);
}

static void test_render_choropleth(void **state)
{
    (void)state;
    const struct worldmap_value values[] = {{"KZ", "Kazakhstan", 3},
                                            {"md", "Moldova", 1},
                                            {"AQ", "Antarctica", 2},
                                            {"UM", "United States Minor Outlying Islands", 1}};
    struct strbuf svg = STRBUF_INIT;
    size_t *missing = NULL, nmissing = 0;
    assert_int_equal(worldmap_render(map, values, 4, en, "m", &svg, &missing, &nmissing), 0);
    assert_non_null(strstr(svg.buf, "<svg class=\"world-map\""));
    assert_non_null(strstr(svg.buf, "role=\"img\" aria-labelledby=\"m-title m-desc\""));
    assert_non_null(strstr(svg.buf, "<title id=\"m-title\">"));
    assert_non_null(strstr(svg.buf, "<desc id=\"m-desc\">"));

    char *kz = path_element(svg.buf, "kz");
    assert_non_null(kz);
    assert_non_null(strstr(kz, "data-articles=\"3\""));
    assert_non_null(strstr(kz, "class=\"map-c5\""));
    assert_non_null(strstr(kz, "<title>Kazakhstan: 3 articles</title>"));
    free(kz);
    char *md = path_element(svg.buf, "md");
    assert_non_null(md);
    assert_non_null(strstr(md, "data-articles=\"1\""));
    assert_non_null(strstr(md, "class=\"map-c2\""));
    assert_non_null(strstr(md, "Moldova: 1 article<"));
    free(md);
    char *fr = path_element(svg.buf, "fr");
    assert_non_null(fr);
    assert_null(strstr(fr, "data-articles"));
    assert_non_null(strstr(fr, "class=\"map-none\""));
    free(fr);
    /* UM is drawn as its islands: every one of them is coloured. */
    char *wake = path_element(svg.buf, "um-wq");
    assert_non_null(wake);
    assert_non_null(strstr(wake, "data-articles=\"1\""));
    free(wake);
    /* Every data-country is a two-letter code; the islands say which part they are. */
    for (const char *p = svg.buf; (p = strstr(p, "data-country=\"")); p++) {
        p += strlen("data-country=\"");
        assert_true(p[0] >= 'a' && p[0] <= 'z' && p[1] >= 'a' && p[1] <= 'z' && p[2] == '"');
    }
    assert_non_null(strstr(svg.buf, "<path data-country=\"um\" data-part=\"um-dq\""));

    /* Exactly the countries given carry data-articles: KZ, MD and the six UM islands. */
    size_t with = 0;
    for (const char *p = svg.buf; (p = strstr(p, "data-articles=")); p++)
        with++;
    assert_int_equal(with, 8);
    size_t paths = 0;
    for (const char *p = svg.buf; (p = strstr(p, "<path ")); p++)
        paths++;
    assert_int_equal(paths, map->nshapes);

    /* Antarctica has no shape: reported, not dropped. */
    assert_int_equal(nmissing, 1);
    assert_int_equal(missing[0], 2);
    free(missing);
    strbuf_release(&svg);

    /* In Russian. */
    const struct worldmap_value ru_values[] = {{"KZ", "Казахстан", 5}};
    assert_int_equal(worldmap_render(map, ru_values, 1, ru, "m", &svg, &missing, &nmissing), 0);
    assert_non_null(strstr(svg.buf, "<title>Казахстан: 5 статей</title>"));
    assert_int_equal(nmissing, 0);
    free(missing);
    strbuf_release(&svg);
}

static void test_parse_rejects_bad_map(void **state)
{
    (void)state;
    struct worldmap *m = NULL;
    const char *broken = "<svg viewBox=\"0 0 10 10\"><path id=\"kz\" d=\"M0 0z\"";
    assert_int_not_equal(worldmap_parse(&m, "broken.svg", broken, strlen(broken)), 0);
    assert_null(m);
    assert_non_null(strstr(error_message(), "broken.svg"));
    error_clear();
    const char *empty = "<svg viewBox=\"0 0 10 10\"><g/></svg>";
    assert_int_not_equal(worldmap_parse(&m, "empty.svg", empty, strlen(empty)), 0);
    error_clear();
    const char *tiny = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">"
                       "<g><path id=\"KZ\" aria-label=\"Kazakhstan\" d=\"M1 1l2 0 0 2z\"/></g>"
                       "<path d=\"M0 0l1 1z\"/></svg>";
    assert_int_equal(worldmap_parse(&m, "tiny.svg", tiny, strlen(tiny)), 0);
    assert_int_equal(m->nshapes, 1);
    assert_string_equal(m->shapes[0].code, "kz");
    assert_string_equal(m->shapes[0].name, "Kazakhstan");
    worldmap_free(m);
}

static void test_chart(void **state)
{
    (void)state;
    const struct chart_year years[] = {{2024, 7, 5}, {2025, 13, 9}};
    struct strbuf svg = STRBUF_INIT;
    assert_int_equal(chart_years_render(years, 2, true, en, "c", &svg), 0);
    assert_non_null(strstr(svg.buf, "role=\"img\" aria-labelledby=\"c-title c-desc\""));
    assert_non_null(
        strstr(svg.buf, "2024: 7 articles, 5 countries; 2025: 13 articles, 9 countries"));
    assert_non_null(strstr(svg.buf, "data-value=\"13\""));
    assert_non_null(strstr(svg.buf, ">13</text>"));
    assert_non_null(strstr(svg.buf, ">7</text>"));
    assert_non_null(strstr(svg.buf, ">2025</text>"));
    strbuf_release(&svg);
    assert_int_equal(chart_years_render(years, 2, false, ru, "c", &svg), 0);
    assert_non_null(strstr(svg.buf, "2025: 13 статей"));
    assert_null(strstr(svg.buf, "bar-countries"));
    strbuf_release(&svg);
}

static struct author author(const char *name, const char *orcid, struct affiliation *af, size_t n)
{
    struct author a = {0};
    a.name = (char *)name;
    if (orcid)
        snprintf(a.orcid, sizeof(a.orcid), "%s", orcid);
    a.affiliations = af;
    a.naffiliations = n;
    return a;
}

static void test_stats_from_articles(void **state)
{
    (void)state;
    struct affiliation kz = {.name = (char *)"Academy", .country = "KZ"};
    struct affiliation md = {.name = (char *)"University", .country = "MD"};
    struct affiliation undp = {.name = (char *)"UNDP", .international = true};
    struct affiliation kz_undp[] = {kz, undp};
    struct author a1[] = {author("A. One", "0000-0002-1825-0097", &kz, 1),
                          author("B. Two", NULL, &md, 1)};
    struct author a2[] = {author("A. One", "0000-0002-1825-0097", &kz, 1),
                          author("C. Three", NULL, kz_undp, 2)};
    struct author a3[] = {author("D. Four", NULL, &undp, 1)};
    struct manuscript m1 = {.authors = a1, .nauthors = 2}, m2 = {.authors = a2, .nauthors = 2},
                      m3 = {.authors = a3, .nauthors = 1};
    /* Out of order on purpose: the computation orders by year and issue itself. */
    const struct stats_article articles[] = {{12, 3, 2026, "Vol. 2, No. 1 (2026)", &m2},
                                             {1, 1, 2025, "Vol. 1, No. 1 (2025)", &m1},
                                             {2, 1, 2025, "Vol. 1, No. 1 (2025)", &m3}};
    struct stats s;
    assert_int_equal(stats_compute_articles(articles, 3, countries, NULL, "en", &s), 0);
    assert_int_equal(s.total.articles, 3);
    assert_int_equal(s.total.ncountries, 2);
    assert_int_equal(s.total.norganisations, 1);
    assert_string_equal(s.total.countries[0].key, "KZ");
    assert_int_equal(s.total.countries[0].articles, 2);
    assert_int_equal(s.total.countries[0].authors, 2);
    assert_true(s.total.countries[0].fractional > 1.2499 &&
                s.total.countries[0].fractional < 1.2501);
    assert_int_equal(s.nyears, 2);
    assert_int_equal(s.years[0].year, 2025);
    assert_int_equal(s.years[0].articles, 2);
    assert_int_equal(s.nissues, 2);
    assert_string_equal(s.issues[1].label, "Vol. 2, No. 1 (2026)");

    json_t *page = NULL;
    assert_int_equal(stats_page_json(&s, map, en, &page), 0);
    assert_string_equal(json_string_value(json_object_get(page, "headline")),
                        "3 articles by authors from 2 countries and 1 international organisation");
    json_t *first = json_array_get(json_object_get(page, "countries"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "fractional")), "1.25");
    assert_string_equal(json_string_value(json_object_get(first, "code_lower")), "kz");
    assert_true(json_is_true(json_object_get(page, "has_map")));
    assert_true(json_is_false(json_object_get(page, "has_missing")));
    assert_non_null(strstr(json_string_value(json_object_get(page, "map_svg")),
                           "data-country=\"kz\" data-articles=\"2\""));
    assert_non_null(strstr(json_string_value(json_object_get(page, "chart_svg")), "2026"));
    assert_int_equal(json_array_size(json_object_get(page, "years")), 2);
    json_decref(page);
    stats_free(&s);

    assert_int_equal(stats_compute_articles(articles, 3, countries, NULL, "ru", &s), 0);
    assert_int_equal(stats_page_json(&s, map, ru, &page), 0);
    assert_string_equal(json_string_value(json_object_get(page, "headline")),
                        "3 статьи авторов из 2 стран и 1 международной организации");
    first = json_array_get(json_object_get(page, "countries"), 0);
    assert_string_equal(json_string_value(json_object_get(first, "name")), "Казахстан");
    assert_string_equal(json_string_value(json_object_get(first, "fractional")), "1,25");
    json_decref(page);
    stats_free(&s);

    /* No articles: an empty page that says so. */
    assert_int_equal(stats_compute_articles(NULL, 0, countries, NULL, "en", &s), 0);
    assert_int_equal(stats_page_json(&s, map, en, &page), 0);
    assert_string_equal(json_string_value(json_object_get(page, "headline")),
                        "No articles have been published yet.");
    assert_true(json_is_false(json_object_get(page, "has_years")));
    json_decref(page);
    stats_free(&s);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        source_dir = argv[1];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_ids_are_iso_codes),
        cmocka_unit_test(test_buckets),
        cmocka_unit_test(test_render_choropleth),
        cmocka_unit_test(test_parse_rejects_bad_map),
        cmocka_unit_test(test_chart),
        cmocka_unit_test(test_stats_from_articles),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
