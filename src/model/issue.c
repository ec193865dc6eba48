#include "model/issue.h"

#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/yaml.h"

#include <stdlib.h>
#include <string.h>

static const char *const issue_keys[] = {"volume",  "number",   "year",    "date", "title",
                                         "special", "articles", "editors", NULL};

static unsigned long required_uint(struct ydoc *d, yaml_node_t *root, const char *key)
{
    unsigned long v = 0;
    yaml_node_t *n = ydoc_get(d, root, key);
    if (!n)
        error_add_at(d->file, 1, 1, "missing required field '%s'", key);
    else if (!ydoc_uint(n, &v) || !v)
        ydoc_problem(d, n, "'%s' must be a positive whole number", key);
    return v;
}

int issue_parse(struct issue_manifest *is, unsigned long id, const char *file, const char *text,
                size_t len)
{
    struct ydoc d;
    yaml_node_t *root;
    memset(is, 0, sizeof(*is));
    is->id = id;
    int rc = ydoc_load_mapping(&d, file, text, len, issue_keys, "an issue",
                               "an issue: volume, number, year, date, articles", &root);
    if (rc)
        return rc;
    is->volume = required_uint(&d, root, "volume");
    is->number = required_uint(&d, root, "number");
    is->year = required_uint(&d, root, "year");

    yaml_node_t *n = ydoc_get(&d, root, "date");
    const char *date = ydoc_scalar(n);
    if (!n)
        error_add_at(file, 1, 1, "missing required field 'date'");
    else if (!date || !date_is_valid(date))
        ydoc_problem(&d, n, "'date' must be a date written YYYY-MM-DD");
    else
        is->date = xstrdup(date);

    n = ydoc_get(&d, root, "title");
    if (n && !ydoc_is_null(n)) {
        if (!ydoc_scalar(n))
            ydoc_problem(&d, n, "'title' must be text");
        else
            is->title = xstrdup(ydoc_scalar(n));
    }
    n = ydoc_get(&d, root, "special");
    if (n && !ydoc_is_null(n)) {
        if (!ydoc_scalar(n))
            ydoc_problem(&d, n, "'special' must be the special edition's title");
        else
            is->special = xstrdup(ydoc_scalar(n));
    }

    n = ydoc_get(&d, root, "articles");
    if (!n) {
        error_add_at(file, 1, 1, "missing required field 'articles'");
    } else if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(&d, n, "'articles' must be a list of submission numbers such as [3, 5, 8]");
    } else {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        is->articles = xcalloc(count ? count : 1, sizeof(*is->articles));
        is->article_lines = xcalloc(count ? count : 1, sizeof(*is->article_lines));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            yaml_node_t *item = ydoc_node(&d, *it);
            unsigned long v;
            if (!ydoc_uint(item, &v) || !v) {
                ydoc_problem(&d, item, "expected a submission number");
                continue;
            }
            for (size_t i = 0; i < is->narticles; i++)
                if (is->articles[i] == v)
                    ydoc_problem(&d, item, "submission %lu is listed twice", v);
            is->article_lines[is->narticles] = ydoc_line(&d, item);
            is->articles[is->narticles++] = v;
        }
    }
    ydoc_free(&d);
    if (error_count()) {
        issue_free(is);
        return JOURNAL_EINPUT;
    }
    return 0;
}

void issue_free(struct issue_manifest *is)
{
    free(is->date);
    free(is->title);
    free(is->special);
    free(is->articles);
    free(is->article_lines);
    memset(is, 0, sizeof(*is));
}

char *issue_label(const struct issue_manifest *is)
{
    return xasprintf("Vol. %lu, No. %lu (%lu)", is->volume, is->number, is->year);
}
