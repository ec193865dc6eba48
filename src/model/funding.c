#include "model/funding.h"

#include "model/person.h"
#include "model/reference.h"
#include "util/alloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FUNDER_REGISTRY_PREFIX "10.13039/"

static const char *const entry_keys[] = {"statement",    "open-access", "awards",      "source",
                                         "id",           "name",        "description", "recipient",
                                         "investigator", NULL};
static const char *const award_keys[] = {"id",        "name",         "description", "source",
                                         "recipient", "investigator", NULL};
static const char *const source_keys[] = {"text", "name", "ror", "funder-id", "country", NULL};

static size_t items(yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

/* "10.13039/501100000780", "https://doi.org/10.13039/...", "doi:10.13039/..." or the digits. */
static char *funder_registry_id(const char *text)
{
    const char *s = doi_skip_resolver(text);
    if (!strncmp(s, FUNDER_REGISTRY_PREFIX, strlen(FUNDER_REGISTRY_PREFIX)))
        s += strlen(FUNDER_REGISTRY_PREFIX);
    else if (s != text)
        return NULL; /* a DOI, but not the Funder Registry's */
    size_t digits = strspn(s, "0123456789");
    if (!digits || s[digits] || digits > 20)
        return NULL;
    return xasprintf(FUNDER_REGISTRY_PREFIX "%s", s);
}

static void parse_source(struct ydoc *d, yaml_node_t *n, struct funder *f)
{
    memset(f, 0, sizeof(*f));
    if (n->type == YAML_SCALAR_NODE) {
        f->name = person_text(d, n, "funding source");
        return;
    }
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n, "a funding source is the funder's name or {text, ror, funder-id}");
        return;
    }
    ydoc_check_keys(d, n, source_keys, "a funding source");
    yaml_node_t *name = ydoc_get(d, n, "text");
    if (!name)
        name = ydoc_get(d, n, "name");
    if (!name || ydoc_is_null(name))
        ydoc_problem(d, n, "funding source without the funder's name (text: ...)");
    else
        f->name = person_text(d, name, "funder's name");
    f->ror = person_parse_ror(d, ydoc_get(d, n, "ror"));
    yaml_node_t *fid = ydoc_get(d, n, "funder-id");
    char *fid_text = fid && !ydoc_is_null(fid) ? person_text(d, fid, "funder-id") : NULL;
    if (fid_text) {
        f->funder_id = funder_registry_id(fid_text);
        if (!f->funder_id)
            ydoc_problem(d, fid,
                         "'%s' is not a Crossref Funder Registry id (expected "
                         "10.13039/ and digits, e.g. 10.13039/501100000780)",
                         fid_text);
        free(fid_text);
    }
}

static void add_source(struct ydoc *d, yaml_node_t *n, struct funding_award *a)
{
    a->sources = xrealloc(a->sources, (a->nsources + 1) * sizeof(*a->sources));
    parse_source(d, n, &a->sources[a->nsources++]);
}

/* An award: {id, name, source} (the entry itself in Quarto's older form). */
static void parse_award(struct ydoc *d, yaml_node_t *n, struct funding *f, bool entry)
{
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n, "an award is a mapping {id, source} (source: the funder)");
        return;
    }
    if (!entry)
        ydoc_check_keys(d, n, award_keys, "an award");
    f->awards = xrealloc(f->awards, (f->nawards + 1) * sizeof(*f->awards));
    struct funding_award *a = &f->awards[f->nawards++];
    memset(a, 0, sizeof(*a));
    yaml_node_t *id = ydoc_get(d, n, "id");
    if (id && !ydoc_is_null(id))
        a->id = person_text(d, id, "award id");
    yaml_node_t *name = ydoc_get(d, n, "name");
    if (name && !ydoc_is_null(name))
        a->name = person_text(d, name, "award name");
    yaml_node_t *source = ydoc_get(d, n, "source");
    if (!source || ydoc_is_null(source)) {
        ydoc_problem(d, n, "award without a source: name its funder (source: ...)");
    } else if (source->type == YAML_SEQUENCE_NODE) {
        if (!items(source))
            ydoc_problem(d, source, "award with an empty list of sources");
        for (yaml_node_item_t *it = source->data.sequence.items.start;
             it < source->data.sequence.items.top; it++)
            add_source(d, ydoc_node(d, *it), a);
    } else {
        add_source(d, source, a);
    }
}

static void parse_entry(struct ydoc *d, yaml_node_t *n, struct funding *f)
{
    if (n->type == YAML_SCALAR_NODE) {
        char *s = person_text(d, n, "funding statement");
        if (s) {
            f->statements = xrealloc(f->statements, (f->nstatements + 1) * sizeof(char *));
            f->statements[f->nstatements++] = s;
        }
        return;
    }
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n, "a funding entry is a statement or a mapping {statement, awards}");
        return;
    }
    ydoc_check_keys(d, n, entry_keys, "a funding entry");
    yaml_node_t *statement = ydoc_get(d, n, "statement");
    if (statement && !ydoc_is_null(statement))
        parse_entry(d, statement, f);
    yaml_node_t *awards = ydoc_get(d, n, "awards");
    if (awards && awards->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = awards->data.sequence.items.start;
             it < awards->data.sequence.items.top; it++)
            parse_award(d, ydoc_node(d, *it), f, false);
    } else if (awards && !ydoc_is_null(awards)) {
        parse_award(d, awards, f, false);
    }
    if (ydoc_get(d, n, "source") || ydoc_get(d, n, "id"))
        parse_award(d, n, f, true);
    else if ((!statement || ydoc_is_null(statement)) && (!awards || ydoc_is_null(awards)))
        ydoc_problem(d, n, "funding entry without a statement or awards");
}

void funding_parse(struct ydoc *d, yaml_node_t *n, struct funding *out)
{
    if (n->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++)
            parse_entry(d, ydoc_node(d, *it), out);
        return;
    }
    parse_entry(d, n, out);
}

void funding_free(struct funding *f)
{
    for (size_t i = 0; i < f->nstatements; i++)
        free(f->statements[i]);
    free(f->statements);
    for (size_t i = 0; i < f->nawards; i++) {
        struct funding_award *a = &f->awards[i];
        for (size_t k = 0; k < a->nsources; k++) {
            free(a->sources[k].name);
            free(a->sources[k].ror);
            free(a->sources[k].funder_id);
        }
        free(a->sources);
        free(a->id);
        free(a->name);
    }
    free(f->awards);
    memset(f, 0, sizeof(*f));
}
