#ifndef JOURNAL_SITE_WORLDMAP_H
#define JOURNAL_SITE_WORLDMAP_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * The world map of the statistics page: the theme's map/world.svg (a simplified
 * @svg-maps/world, CC BY 4.0) read into one shape per location, and rendered
 * as an inline choropleth SVG coloured by article count. Location ids are ISO
 * 3166-1 alpha-2 codes in lower case, plus a few non-country ids ("um-dq",
 * Jarvis Island).
 */
struct worldmap_shape {
    char *code; /* lower case: "kz", "um-dq" */
    char *name; /* the map's English name */
    char *path; /* SVG path data */
};

struct worldmap {
    char *view_box; /* "0 0 1010 666" */
    struct worldmap_shape *shapes;
    size_t nshapes;
};

struct i18n;

/* Parse a map SVG: every <path> with an id and d becomes a shape. file names it in errors. */
int worldmap_parse(struct worldmap **out, const char *file, const char *svg, size_t len);
void worldmap_free(struct worldmap *map);
/* The shape of an alpha-2 code (any case), or NULL. */
const struct worldmap_shape *worldmap_find(const struct worldmap *map, const char *code);

/* One country the journal has authors from. */
struct worldmap_value {
    const char *code; /* alpha-2, any case */
    const char *name; /* in the page's language */
    unsigned long articles;
};

/* The colour scale: up to WORLDMAP_CLASSES buckets of article counts, lightest first. */
#define WORLDMAP_CLASSES 5
struct worldmap_bucket {
    unsigned long low, high; /* inclusive */
    int shade;               /* 1..WORLDMAP_CLASSES: CSS class map-c<shade> */
};
/* Buckets for counts up to max (max 0: none). Returns how many (at most WORLDMAP_CLASSES). */
size_t worldmap_buckets(unsigned long max, struct worldmap_bucket *out);

/*
 * Append to svg an inline choropleth:
 *   <svg class="world-map" viewBox=... role="img" aria-labelledby="ID-title ID-desc">
 * every location a <path data-country="xx"> (a part of a country, "um-dq",
 * is data-country="um" data-part="um-dq"); those in values also get
 * data-articles="N", class="map-cK" and a <title> ("Kazakhstan: 3 articles" in
 * t's language), the others class="map-none". id is the prefix of the element
 * ids (unique in the page). The legend is the page's (see worldmap_buckets).
 *
 * *missing receives the indices into values of the countries that have no
 * shape on the map (the caller lists them and frees the array); *nmissing how
 * many. Nothing is dropped silently.
 */
int worldmap_render(const struct worldmap *map, const struct worldmap_value *values, size_t n,
                    const struct i18n *t, const char *id, struct strbuf *svg, size_t **missing,
                    size_t *nmissing);

/* One bar of the chart by year. countries may be 0 to leave out that series. */
struct chart_year {
    unsigned long year;
    unsigned long articles;
    unsigned long countries;
};

/*
 * Append an inline SVG bar chart of articles per year (and countries per year
 * as a second bar in each group when with_countries), accessible as one image
 * (role="img", <title>, <desc> with every number), with the values also
 * printed as text above the bars. id is the prefix of element ids.
 */
int chart_years_render(const struct chart_year *years, size_t n, bool with_countries,
                       const struct i18n *t, const char *id, struct strbuf *svg);

#endif
