/*
 * The Mustache engine: input is "template \0 JSON view \0 partial" (the last two
 * optional). The template is compiled as "t" and the partial as "p"; when both
 * compile, "t" is rendered with the view (or {} when the view is not JSON).
 */
#include "fuzz_common.h"

#include "util/mustache.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* The next part of data (up to a NUL or the end); *rest and *rest_len move past it. */
static size_t next_part(const char **rest, size_t *rest_len, const char **part)
{
    *part = *rest;
    const char *nul = memchr(*rest, '\0', *rest_len);
    size_t len = nul ? (size_t)(nul - *rest) : *rest_len;
    *rest += nul ? len + 1 : len;
    *rest_len -= nul ? len + 1 : len;
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *rest = (const char *)data, *tmpl, *view, *partial;
    size_t rest_len = size;
    size_t tmpl_len = next_part(&rest, &rest_len, &tmpl);
    size_t view_len = next_part(&rest, &rest_len, &view);
    size_t partial_len = next_part(&rest, &rest_len, &partial);

    error_clear();
    struct mustache_set *set = mustache_set_new();
    int rc = mustache_set_add(set, "t", tmpl, tmpl_len);
    if (!rc && partial_len)
        rc = mustache_set_add(set, "p", partial, partial_len);
    if (!rc) {
        json_t *json = view_len ? json_loadb(view, view_len, JSON_DECODE_ANY, NULL) : NULL;
        if (!json)
            json = json_object();
        struct strbuf out = STRBUF_INIT;
        mustache_set_render(set, "t", json, &out);
        strbuf_release(&out);
        json_decref(json);
    }
    mustache_set_free(set);
    error_clear();
    return 0;
}
