#define _POSIX_C_SOURCE 200809L
#include "site/worldmap.h"

#include "site/i18n.h"
#include "util/alloc.h"
#include "util/error.h"

#include <ctype.h>
#include <limits.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the map ---- */

static char *lower_dup(const char *s)
{
    char *d = xstrdup(s);
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

static char *xml_attr(xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

static bool valid_code(const char *code)
{
    size_t len = strlen(code);
    if (len == 0 || len > 8)
        return false;
    for (const char *p = code; *p; p++)
        if (!islower((unsigned char)*p) && *p != '-')
            return false;
    return true;
}

static void collect_paths(struct worldmap *map, xmlNode *node, size_t *alloc)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (!xmlStrcmp(node->name, (const xmlChar *)"path")) {
            char *id = xml_attr(node, "id"), *d = xml_attr(node, "d");
            if (id && d && *d) {
                char *code = lower_dup(id);
                if (valid_code(code)) {
                    ARRAY_GROW(map->shapes, map->nshapes + 1, *alloc);
                    struct worldmap_shape *s = &map->shapes[map->nshapes++];
                    s->code = code;
                    code = NULL;
                    s->path = d;
                    d = NULL;
                    s->name = xml_attr(node, "aria-label");
                    if (!s->name)
                        s->name = xstrdup(s->code);
                }
                free(code);
            }
            free(id);
            free(d);
        }
        collect_paths(map, node->children, alloc);
    }
}

int worldmap_parse(struct worldmap **out, const char *file, const char *svg, size_t len)
{
    *out = NULL;
    if (len > INT_MAX)
        return error_input("%s: too large for a map", file);
    xmlDoc *doc = xmlReadMemory(svg, (int)len, file, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        return error_at(file, e ? (size_t)e->line : 0, 0, "not a well-formed SVG file: %s",
                        e && e->message ? e->message : "unknown error");
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || xmlStrcmp(root->name, (const xmlChar *)"svg")) {
        xmlFreeDoc(doc);
        return error_at(file, 1, 1, "expected an <svg> map");
    }
    struct worldmap *map = xcalloc(1, sizeof(*map));
    map->view_box = xml_attr(root, "viewBox");
    size_t alloc = 0;
    collect_paths(map, root->children, &alloc);
    xmlFreeDoc(doc);
    if (!map->view_box || !map->nshapes) {
        worldmap_free(map);
        return error_at(file, 1, 1,
                        "expected an <svg viewBox=...> with <path id=... d=...> shapes");
    }
    *out = map;
    return 0;
}

void worldmap_free(struct worldmap *map)
{
    if (!map)
        return;
    for (size_t i = 0; i < map->nshapes; i++) {
        free(map->shapes[i].code);
        free(map->shapes[i].name);
        free(map->shapes[i].path);
    }
    free(map->shapes);
    free(map->view_box);
    free(map);
}

const struct worldmap_shape *worldmap_find(const struct worldmap *map, const char *code)
{
    for (size_t i = 0; i < map->nshapes; i++)
        if (!strcasecmp(map->shapes[i].code, code))
            return &map->shapes[i];
    return NULL;
}

/*
 * Whether a shape shows the country code: its own id, or one part of it ("um"
 * is drawn as the islands um-dq, um-fq...: the map has no single shape for it).
 */
static bool shape_shows(const struct worldmap_shape *s, const char *code)
{
    size_t len = strlen(code);
    if (strncasecmp(s->code, code, len))
        return false;
    return s->code[len] == '\0' || s->code[len] == '-';
}

/* ---- the colour scale ---- */

size_t worldmap_buckets(unsigned long max, struct worldmap_bucket *out)
{
    size_t n = 0;
    if (max == 0)
        return 0;
    if (max <= WORLDMAP_CLASSES) {
        /* One count per bucket: a small journal reads exact numbers off the legend. */
        for (unsigned long k = 1; k <= max; k++)
            out[n++] = (struct worldmap_bucket){k, k, 0};
    } else {
        /* Geometric steps: a few countries with many articles do not wash out the rest. */
        unsigned long low = 1;
        for (int k = 1; k <= WORLDMAP_CLASSES; k++) {
            unsigned long high =
                k == WORLDMAP_CLASSES
                    ? max
                    : (unsigned long)lround(pow((double)max, (double)k / WORLDMAP_CLASSES));
            if (high < low)
                high = low;
            out[n++] = (struct worldmap_bucket){low, high, 0};
            low = high + 1;
        }
    }
    /* Spread the buckets over the shades, the darkest always for the most articles. */
    /* With fewer buckets than shades the palest shade is skipped: it is for the fifth. */
    int first = n >= WORLDMAP_CLASSES ? 1 : 2;
    for (size_t k = 0; k < n; k++)
        out[k].shade =
            n == 1 ? WORLDMAP_CLASSES - 1
                   : first + (int)lround((double)k * (WORLDMAP_CLASSES - first) / (double)(n - 1));
    return n;
}

static int shade_of(const struct worldmap_bucket *b, size_t n, unsigned long articles)
{
    for (size_t k = 0; k < n; k++)
        if (articles >= b[k].low && articles <= b[k].high)
            return b[k].shade;
    return n ? b[n - 1].shade : 1;
}

/* ---- rendering ---- */

static void add_escaped(struct strbuf *sb, const char *s)
{
    strbuf_add_html_escaped(sb, s, strlen(s));
}

static char *country_articles(const struct i18n *t, const char *name, unsigned long articles)
{
    char *count = i18n_plural(t, "stats_articles", articles);
    const char *names[] = {"country", "articles", NULL};
    const char *values[] = {name, count, NULL};
    char *text = i18n_format(t, "stats_map_country", names, values);
    free(count);
    return text;
}

int worldmap_render(const struct worldmap *map, const struct worldmap_value *values, size_t n,
                    const struct i18n *t, const char *id, struct strbuf *svg, size_t **missing,
                    size_t *nmissing)
{
    *missing = NULL;
    *nmissing = 0;
    unsigned long max = 0;
    for (size_t i = 0; i < n; i++) {
        if (!values[i].code || !values[i].name)
            return error_internal("worldmap_render: value %zu has no code or name", i);
        if (values[i].articles > max)
            max = values[i].articles;
    }
    struct worldmap_bucket buckets[WORLDMAP_CLASSES];
    size_t nbuckets = worldmap_buckets(max, buckets);

    strbuf_addstr(svg, "<svg class=\"world-map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"");
    add_escaped(svg, map->view_box);
    strbuf_addstr(svg, "\" role=\"img\" aria-labelledby=\"");
    add_escaped(svg, id);
    strbuf_addstr(svg, "-title ");
    add_escaped(svg, id);
    strbuf_addstr(svg, "-desc\" preserveAspectRatio=\"xMidYMid meet\">\n<title id=\"");
    add_escaped(svg, id);
    strbuf_addstr(svg, "-title\">");
    add_escaped(svg, i18n_text(t, "stats_map_title"));
    strbuf_addstr(svg, "</title>\n<desc id=\"");
    add_escaped(svg, id);
    strbuf_addstr(svg, "-desc\">");
    add_escaped(svg, i18n_text(t, "stats_map_desc"));
    for (size_t i = 0; i < n; i++) {
        char *text = country_articles(t, values[i].name, values[i].articles);
        strbuf_addstr(svg, i ? "; " : " ");
        add_escaped(svg, text);
        free(text);
    }
    strbuf_addstr(svg, "</desc>\n");

    bool *shown = xcalloc(n ? n : 1, sizeof(*shown));
    for (size_t s = 0; s < map->nshapes; s++) {
        const struct worldmap_shape *shape = &map->shapes[s];
        const struct worldmap_value *v = NULL;
        for (size_t i = 0; i < n && !v; i++)
            if (shape_shows(shape, values[i].code)) {
                v = &values[i];
                shown[i] = true;
            }
        /* A part of a country ("um-dq", Jarvis Island) is that country, and says which part. */
        const char *dash = strchr(shape->code, '-');
        strbuf_addstr(svg, "<path data-country=\"");
        strbuf_add_html_escaped(svg, shape->code,
                                dash ? (size_t)(dash - shape->code) : strlen(shape->code));
        if (dash) {
            strbuf_addstr(svg, "\" data-part=\"");
            add_escaped(svg, shape->code);
        }
        if (v) {
            strbuf_addf(svg, "\" data-articles=\"%lu\" class=\"map-c%d\" d=\"", v->articles,
                        shade_of(buckets, nbuckets, v->articles));
            add_escaped(svg, shape->path);
            strbuf_addstr(svg, "\"><title>");
            char *text = country_articles(t, v->name, v->articles);
            add_escaped(svg, text);
            free(text);
            strbuf_addstr(svg, "</title></path>\n");
        } else {
            strbuf_addstr(svg, "\" class=\"map-none\" d=\"");
            add_escaped(svg, shape->path);
            strbuf_addstr(svg, "\"/>\n");
        }
    }
    strbuf_addstr(svg, "</svg>");

    for (size_t i = 0; i < n; i++)
        if (!shown[i]) {
            *missing = xrealloc(*missing, (*nmissing + 1) * sizeof(**missing));
            (*missing)[(*nmissing)++] = i;
        }
    free(shown);
    return 0;
}

/* ---- the chart by year ---- */

/* A round step for the value axis: 1, 2, 5, 10, 20, 50... giving at most 5 gridlines. */
static unsigned long axis_step(unsigned long max)
{
    unsigned long step = 1;
    for (;;) {
        static const unsigned long factors[] = {1, 2, 5};
        for (int f = 0; f < 3; f++)
            if ((max + step * factors[f] - 1) / (step * factors[f]) <= 5)
                return step * factors[f];
        step *= 10;
    }
}

int chart_years_render(const struct chart_year *years, size_t n, bool with_countries,
                       const struct i18n *t, const char *id, struct strbuf *svg)
{
    /* As wide as the years need (and no wider than 640): a year or two stay readable on a phone. */
    const double height = 260, left = 40, right = 12, top = 28, bottom = 36;
    double width = left + right + (double)n * (with_countries ? 110 : 80);
    width = width < 320 ? 320 : width > 640 ? 640 : width;
    unsigned long max = 1;
    for (size_t i = 0; i < n; i++) {
        if (years[i].articles > max)
            max = years[i].articles;
        if (with_countries && years[i].countries > max)
            max = years[i].countries;
    }
    unsigned long step = axis_step(max);
    unsigned long top_value = (max + step - 1) / step * step;
    double plot_w = width - left - right, plot_h = height - top - bottom;
    double base = top + plot_h;

    strbuf_addf(svg,
                "<svg class=\"year-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
                "%.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-labelledby=\"",
                width, height, width, height);
    add_escaped(svg, id);
    strbuf_addstr(svg, "-title ");
    add_escaped(svg, id);
    strbuf_addstr(svg, "-desc\">\n<title id=\"");
    add_escaped(svg, id);
    strbuf_addstr(svg, "-title\">");
    add_escaped(svg, i18n_text(t, with_countries ? "stats_chart_title_both" : "stats_chart_title"));
    strbuf_addstr(svg, "</title>\n<desc id=\"");
    add_escaped(svg, id);
    strbuf_addstr(svg, "-desc\">");
    for (size_t i = 0; i < n; i++) {
        char year[24];
        snprintf(year, sizeof(year), "%lu", years[i].year);
        char *articles = i18n_plural(t, "stats_articles", years[i].articles);
        char *countries = i18n_plural(t, "stats_countries", years[i].countries);
        const char *names[] = {"year", "articles", "countries", NULL};
        const char *vals[] = {year, articles, countries, NULL};
        char *text = i18n_format(t, with_countries ? "stats_chart_year_both" : "stats_chart_year",
                                 names, vals);
        strbuf_addstr(svg, i ? "; " : "");
        add_escaped(svg, text);
        free(text);
        free(countries);
        free(articles);
    }
    strbuf_addstr(svg, "</desc>\n<g class=\"chart-grid\" aria-hidden=\"true\">\n");
    for (unsigned long v = 0; v <= top_value; v += step) {
        double y = base - plot_h * (double)v / (double)top_value;
        strbuf_addf(svg,
                    "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>"
                    "<text class=\"chart-tick\" x=\"%.0f\" y=\"%.1f\">%lu</text>\n",
                    left, y, width - right, y, left - 6, y + 4, v);
    }
    strbuf_addstr(svg, "</g>\n");

    double group = n ? plot_w / (double)n : plot_w;
    double bars = with_countries ? 2 : 1;
    double bar_w = group * 0.7 / bars;
    if (bar_w > 56)
        bar_w = 56;
    for (size_t i = 0; i < n; i++) {
        double x0 = left + group * (double)i + (group - bar_w * bars) / 2;
        strbuf_addf(svg, "<g class=\"chart-year\" data-year=\"%lu\">\n", years[i].year);
        for (int k = 0; k < (with_countries ? 2 : 1); k++) {
            unsigned long v = k ? years[i].countries : years[i].articles;
            double h = plot_h * (double)v / (double)top_value;
            double x = x0 + bar_w * k;
            strbuf_addf(svg,
                        "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        "data-value=\"%lu\"/>"
                        "<text class=\"chart-value\" x=\"%.1f\" y=\"%.1f\">%lu</text>\n",
                        k ? "bar-countries" : "bar-articles", x + 1, base - h, bar_w - 2, h, v,
                        x + bar_w / 2, base - h - 6, v);
        }
        strbuf_addf(svg, "<text class=\"chart-label\" x=\"%.1f\" y=\"%.0f\">%lu</text>\n</g>\n",
                    left + group * (double)i + group / 2, base + 22, years[i].year);
    }
    strbuf_addf(svg,
                "<line class=\"chart-axis\" x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\"/>\n",
                left, base, width - right, base);
    strbuf_addstr(svg, "</svg>");
    return 0;
}
