#ifndef JOURNAL_UTIL_MUSTACHE_H
#define JOURNAL_UTIL_MUSTACHE_H

#include <jansson.h>
#include <stddef.h>

#include "util/strbuf.h"

/*
 * Mustache templates (https://mustache.github.io/mustache.5.html), following the
 * required modules of the spec: interpolation, sections, inverted sections,
 * comments, partials and set-delimiter. Lambdas, inheritance and dynamic names
 * are not supported.
 *
 * A set holds named templates, compiled once when added; partials ({{> name}})
 * resolve by name within the set at render time, so a partial may be added
 * after the templates that use it. Rendering only reads the set, so one set
 * may render pages on several threads at once.
 *
 * Sections treat missing values, null, false and empty arrays as false;
 * everything else (including "" and 0) is true. Strings, numbers and booleans
 * interpolate as text; null, objects and arrays interpolate as nothing.
 */

/* Partials nested deeper than this make rendering fail instead of overflowing the stack. */
#define MUSTACHE_MAX_PARTIAL_DEPTH 64

struct mustache_set;

struct mustache_set *mustache_set_new(void);
void mustache_set_free(struct mustache_set *set);

/*
 * Compile src (len bytes, not necessarily NUL-terminated) under name, replacing
 * any template of the same name. A syntax error returns JOURNAL_EINPUT with the
 * message "name:line:column: what was expected" pointing at the offending tag,
 * and leaves the set as it was.
 */
int mustache_set_add(struct mustache_set *set, const char *name, const char *src, size_t len);
/* 1 if the set holds a template called name, 0 if not. */
int mustache_set_has(const struct mustache_set *set, const char *name);
/*
 * Render template name with data at the bottom of the context stack, appending
 * to out. An unknown template name or partials nested deeper than
 * MUSTACHE_MAX_PARTIAL_DEPTH return JOURNAL_EINPUT and leave out as it was.
 * Unknown partials render as nothing.
 */
int mustache_set_render(const struct mustache_set *set, const char *name, const json_t *data,
                        struct strbuf *out);
/*
 * The same with shared below data on the context stack: what many renders have
 * in common, only read (never referenced or changed), so that threads rendering
 * at once may share it.
 */
int mustache_set_render_shared(const struct mustache_set *set, const char *name,
                               const json_t *shared, const json_t *data, struct strbuf *out);

#endif
