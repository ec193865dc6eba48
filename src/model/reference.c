#include "model/reference.h"

#include "model/standard_number.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/yaml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A copy of s[0..len) without surrounding white space, or NULL when nothing is left. */
static char *trimmed(const char *s, size_t len)
{
    while (len && is_space(*s))
        s++, len--;
    while (len && is_space(s[len - 1]))
        len--;
    return len ? xstrndup(s, len) : NULL;
}

/*
 * The value for key in a CSL item. Pandoc's citeproc reads variable names without
 * regard to case ("DOI" and "doi" are the same variable), and so do we.
 */
static yaml_node_t *get(struct ydoc *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        const char *k = ydoc_scalar(ydoc_node(d, p->key));
        if (k && !strcasecmp(k, key))
            return ydoc_node(d, p->value);
    }
    return NULL;
}

/* A text field: a scalar (numbers included), trimmed; NULL when absent, null or blank. */
static char *text(struct ydoc *d, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = get(d, map, key);
    if (!n || ydoc_is_null(n))
        return NULL;
    const char *s = ydoc_scalar(n);
    if (!s) {
        ydoc_problem(d, n, "reference field '%s' must be text", key);
        return NULL;
    }
    return trimmed(s, strlen(s));
}

/* ISBN or ISSN, checked and in canonical form (model/standard_number.h); NULL and a problem
   when it is not one. */
static char *standard_number(struct ydoc *d, yaml_node_t *map, const char *key)
{
    char *s = text(d, map, key);
    if (!s)
        return NULL;
    bool isbn = !strcmp(key, "ISBN");
    char canonical[ISBN_CANONICAL_SIZE], expected = 0;
    int form =
        isbn ? isbn_canonical(s, canonical, &expected) : issn_canonical(s, canonical, &expected);
    if (form == STANDARD_NUMBER_CHECK_DIGIT)
        ydoc_problem(d, get(d, map, key),
                     "%s '%s' has a wrong check digit: its other digits call for %c (mistyped?)",
                     key, s, expected);
    else if (form)
        ydoc_problem(d, get(d, map, key), "'%s' is not an %s (expected %s)", s, key,
                     isbn ? "ISBN-13 such as 978-0-306-40615-7 or ISBN-10 such as 0-306-40615-2; "
                            "one ISBN per reference"
                          : "NNNN-NNNC such as 2789-388X");
    free(s);
    return form ? NULL : xstrdup(canonical);
}

static char *join(char *a, const char *sep, char *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    char *s = xasprintf("%s%s%s", a, sep, b);
    free(a);
    free(b);
    return s;
}

static void parse_name(struct ydoc *d, yaml_node_t *n, const char *role, struct csl_name *out)
{
    memset(out, 0, sizeof(*out));
    const char *s = ydoc_scalar(n);
    if (s) {
        /* Pandoc's "Family, Given"; anything else is a name given whole. */
        const char *comma = strchr(s, ',');
        if (comma) {
            out->family = trimmed(s, (size_t)(comma - s));
            out->given = trimmed(comma + 1, strlen(comma + 1));
        } else {
            out->literal = trimmed(s, strlen(s));
        }
        if (!out->family && !out->literal)
            ydoc_problem(d, n, "an %s's name is empty", role);
        return;
    }
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n,
                     "expected an %s as {family: ..., given: ...}, {literal: ...} or "
                     "\"Family, Given\"",
                     role);
        return;
    }
    out->literal = text(d, n, "literal");
    out->family = join(text(d, n, "non-dropping-particle"), " ", text(d, n, "family"));
    out->given = join(text(d, n, "given"), " ", text(d, n, "dropping-particle"));
    if (!out->family && !out->literal && !out->given)
        ydoc_problem(d, n, "an %s needs 'family' (and usually 'given') or 'literal'", role);
}

static void parse_names(struct ydoc *d, yaml_node_t *item, const char *key, const char *role,
                        struct csl_name **names, size_t *count)
{
    yaml_node_t *n = get(d, item, key);
    if (!n || ydoc_is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        /* One name given alone rather than in a list. */
        *names = xcalloc(1, sizeof(**names));
        *count = 1;
        parse_name(d, n, role, &(*names)[0]);
        return;
    }
    size_t len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *names = xcalloc(len ? len : 1, sizeof(**names));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
        parse_name(d, ydoc_node(d, *it), role, &(*names)[(*count)++]);
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

static bool valid_date(int y, int m, int d)
{
    if (y < 1 || y > 9999 || m < 0 || m > 12 || d < 0)
        return false;
    if (d && !m)
        return false;
    return !d || d <= days_in_month(y, m);
}

/* n digits at s into *out. */
static bool digits(const char *s, int n, int *out)
{
    *out = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *out = *out * 10 + (s[i] - '0');
    }
    return true;
}

/* YYYY, YYYY-MM or YYYY-MM-DD, optionally the start of an EDTF range "2020-05/2020-06". */
static bool parse_date_text(const char *s, int *y, int *m, int *d)
{
    *y = *m = *d = 0;
    size_t len = strcspn(s, "/");
    if (len != 4 && len != 7 && len != 10)
        return false;
    if (!digits(s, 4, y))
        return false;
    if (len >= 7 && (s[4] != '-' || !digits(s + 5, 2, m)))
        return false;
    if (len == 10 && (s[7] != '-' || !digits(s + 8, 2, d)))
        return false;
    return valid_date(*y, *m, *d);
}

static const char date_forms[] = "expected 2020, 2020-05-01, {date-parts: [[2020, 5, 1]]}, "
                                 "{raw: \"2020-05\"} or {literal: \"in press\"}";

static void parse_date_parts(struct ydoc *d, yaml_node_t *n, struct reference *r)
{
    if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top == n->data.sequence.items.start)
        goto bad;
    /* [[2020, 5, 1]] (CSL; a second part is the end of a range) or, loosely, [2020, 5, 1]. */
    yaml_node_t *first = ydoc_node(d, *n->data.sequence.items.start);
    yaml_node_t *parts = first->type == YAML_SEQUENCE_NODE ? first : n;
    size_t count = (size_t)(parts->data.sequence.items.top - parts->data.sequence.items.start);
    if (count < 1 || count > 3)
        goto bad;
    int v[3] = {0, 0, 0};
    for (size_t i = 0; i < count; i++) {
        unsigned long x;
        yaml_node_t *p = ydoc_node(d, parts->data.sequence.items.start[i]);
        const char *s = ydoc_scalar(p);
        /* Numbers may be quoted: "2020". */
        if (!s || !ydoc_uint(p, &x)) {
            char *end = NULL;
            x = s ? strtoul(s, &end, 10) : 0;
            if (!s || end == s || *end)
                goto bad;
        }
        if (x > 9999)
            goto bad;
        v[i] = (int)x;
    }
    if (!valid_date(v[0], v[1], v[2]))
        goto bad;
    r->year = v[0];
    r->month = v[1];
    r->day = v[2];
    return;
bad:
    ydoc_problem(d, n,
                 "date-parts is not a date (expected [[year, month, day]], for example "
                 "[[2020, 5, 1]] or [[2020]])");
}

static void parse_issued(struct ydoc *d, yaml_node_t *item, struct reference *r)
{
    yaml_node_t *n = get(d, item, "issued");
    if (!n || ydoc_is_null(n))
        return;
    const char *s = ydoc_scalar(n);
    if (s) {
        if (!parse_date_text(s, &r->year, &r->month, &r->day))
            ydoc_problem(d, n, "issued '%s' is not a date (%s)", s, date_forms);
        return;
    }
    yaml_node_t *parts = get(d, n, "date-parts");
    yaml_node_t *raw = get(d, n, "raw");
    yaml_node_t *literal = get(d, n, "literal");
    if (parts) {
        parse_date_parts(d, parts, r);
    } else if (raw && ydoc_scalar(raw)) {
        if (!parse_date_text(ydoc_scalar(raw), &r->year, &r->month, &r->day))
            ydoc_problem(d, raw, "issued '%s' is not a date (%s)", ydoc_scalar(raw), date_forms);
    } else if (literal && ydoc_scalar(literal)) {
        r->issued_literal = text(d, n, "literal");
    } else {
        ydoc_problem(d, n, "issued is not a date (%s)", date_forms);
    }
}

const char *doi_skip_resolver(const char *s)
{
    static const char *const prefixes[] = {
        "https://doi.org/",   "http://doi.org/", "https://dx.doi.org/",
        "http://dx.doi.org/", "doi.org/",        "doi:"};
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t len = strlen(prefixes[i]);
        if (!strncasecmp(s, prefixes[i], len))
            return s + len;
    }
    return s;
}

/* The DOI without a resolver prefix, checked: 10.NNNN[.NNN...]/suffix. */
static char *parse_doi(struct ydoc *d, yaml_node_t *item)
{
    yaml_node_t *n = get(d, item, "DOI");
    char *value = text(d, item, "DOI");
    if (!value)
        return NULL;
    const char *s = doi_skip_resolver(value);
    while (is_space(*s))
        s++;
    bool ok = !strncmp(s, "10.", 3);
    const char *p = s + 3;
    size_t registrant = 0;
    while (ok && ((*p >= '0' && *p <= '9') || (*p == '.' && registrant))) {
        p++;
        registrant++;
    }
    ok = ok && registrant >= 4 && p[-1] != '.' && *p == '/' && p[1];
    for (const char *c = p; ok && *c; c++)
        if ((unsigned char)*c <= ' ' || *c == 0x7f)
            ok = false;
    if (!ok) {
        ydoc_problem(d, n,
                     "malformed DOI '%s' (expected 10.NNNN/suffix, bare or as "
                     "https://doi.org/10.NNNN/suffix)",
                     value);
        free(value);
        return NULL;
    }
    char *bare = xstrdup(s);
    free(value);
    return bare;
}

/* Whether another item than skip has this id. */
static bool id_taken(const struct reference_list *list, size_t skip, const char *id)
{
    for (size_t i = 0; i < list->n; i++)
        if (i != skip && list->items[i].id && !strcmp(list->items[i].id, id))
            return true;
    return false;
}

/* Item list->n of the list (the caller counts it in afterwards). */
static void parse_item(struct ydoc *d, yaml_node_t *n, struct reference_list *list)
{
    struct reference *r = &list->items[list->n];
    r->line = ydoc_line(d, n);
    r->column = ydoc_column(n);
    r->id = text(d, n, "id");
    if (r->id && id_taken(list, list->n, r->id))
        ydoc_problem(d, get(d, n, "id"),
                     "duplicate reference id '%s' (each reference needs its own id)", r->id);
    r->type = text(d, n, "type");
    r->title = text(d, n, "title");
    r->container_title = text(d, n, "container-title");
    parse_names(d, n, "author", "author", &r->authors, &r->nauthors);
    parse_names(d, n, "editor", "editor", &r->editors, &r->neditors);
    parse_issued(d, n, r);
    r->volume = text(d, n, "volume");
    r->issue = text(d, n, "issue");
    r->page = text(d, n, "page");
    r->doi = parse_doi(d, n);
    r->url = text(d, n, "URL");
    r->publisher = text(d, n, "publisher");
    r->publisher_place = text(d, n, "publisher-place");
    r->edition = text(d, n, "edition");
    r->isbn = standard_number(d, n, "ISBN");
    r->issn = standard_number(d, n, "ISSN");
    r->genre = text(d, n, "genre");
    r->number = text(d, n, "number");
    r->event = text(d, n, "event-title");
    if (!r->event)
        r->event = text(d, n, "event");
    r->event_place = text(d, n, "event-place");
}

int reference_list_parse(struct ydoc *d, yaml_node_t *n, struct reference_list *out)
{
    memset(out, 0, sizeof(*out));
    size_t before = error_count();
    if (!n || ydoc_is_null(n))
        return 0;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n,
                     "references must be a list of CSL items (- id: ..., type: ..., "
                     "title: ...)");
        return JOURNAL_EINPUT;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    out->items = xcalloc(count ? count : 1, sizeof(*out->items));
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *item = ydoc_node(d, n->data.sequence.items.start[i]);
        if (item->type != YAML_MAPPING_NODE) {
            ydoc_problem(d, item,
                         "reference %zu is not a CSL item (expected a mapping with id, "
                         "type, author, title, ...)",
                         i + 1);
            continue;
        }
        parse_item(d, item, out);
        out->n++;
    }
    /* Ids for items without one, once every given id is known. */
    for (size_t i = 0; i < out->n; i++) {
        struct reference *r = &out->items[i];
        if (r->id)
            continue;
        r->id = xasprintf("ref-%zu", i + 1);
        for (unsigned k = 2; id_taken(out, i, r->id) && k < 1000; k++) {
            free(r->id);
            r->id = xasprintf("ref-%zu-%u", i + 1, k);
        }
        r->generated_id = true;
    }
    return error_count() > before ? JOURNAL_EINPUT : 0;
}

enum need {
    NEED_AUTHOR = 1,
    NEED_TITLE = 2,
    NEED_CONTAINER = 4,
    NEED_ISSUED = 8,
    NEED_PUBLISHER = 16,
    NEED_URL = 32,
    NEED_CONTAINER_OR_EVENT = 64
};

static const struct {
    const char *type;
    unsigned need;
    const char *container; /* what container-title is for this type */
    const char *publisher;
} needs[] = {
    {"article-journal", NEED_AUTHOR | NEED_TITLE | NEED_CONTAINER | NEED_ISSUED,
     "the journal's name", NULL},
    {"article-magazine", NEED_AUTHOR | NEED_TITLE | NEED_CONTAINER | NEED_ISSUED,
     "the magazine's name", NULL},
    {"article-newspaper", NEED_AUTHOR | NEED_TITLE | NEED_CONTAINER | NEED_ISSUED,
     "the newspaper's name", NULL},
    {"book", NEED_AUTHOR | NEED_TITLE | NEED_ISSUED | NEED_PUBLISHER, NULL, NULL},
    {"chapter", NEED_TITLE | NEED_CONTAINER | NEED_ISSUED | NEED_PUBLISHER, "the book's title",
     NULL},
    {"report", NEED_AUTHOR | NEED_TITLE | NEED_ISSUED, NULL, NULL},
    {"webpage", NEED_TITLE | NEED_URL, NULL, NULL},
    {"thesis", NEED_AUTHOR | NEED_TITLE | NEED_ISSUED | NEED_PUBLISHER, NULL, "the university"},
    {"paper-conference", NEED_AUTHOR | NEED_TITLE | NEED_ISSUED | NEED_CONTAINER_OR_EVENT,
     "the proceedings' title", NULL},
};

static void warn(char ***warnings, size_t *n, size_t *alloc, const char *file,
                 const struct reference *r, const char *fmt, const char *what)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "%s:%zu:%zu: reference '%s' has no ", file, r->line, r->column, r->id);
    strbuf_addf(&sb, fmt, what);
    ARRAY_GROW(*warnings, *n + 1, *alloc);
    (*warnings)[(*n)++] = strbuf_detach(&sb, NULL);
}

void reference_list_warnings(const struct reference_list *list, const char *file, char ***warnings,
                             size_t *n)
{
    size_t alloc = *n;
    for (size_t i = 0; i < list->n; i++) {
        const struct reference *r = &list->items[i];
        if (r->generated_id)
            warn(warnings, n, &alloc, file, r, "%s",
                 "id (CSL needs one to cite it), so it is called by its position");
        if (!r->type) {
            warn(warnings, n, &alloc, file, r, "%s",
                 "type (article-journal, book, chapter, report, webpage, thesis, "
                 "paper-conference, ...), which APA needs to set it");
            if (!r->title)
                warn(warnings, n, &alloc, file, r, "%s, which APA needs", "title");
            continue;
        }
        unsigned need = NEED_TITLE;
        const char *container = "the title of the work it is part of";
        const char *publisher = NULL;
        for (size_t k = 0; k < sizeof(needs) / sizeof(needs[0]); k++)
            if (!strcmp(r->type, needs[k].type)) {
                need = needs[k].need;
                if (needs[k].container)
                    container = needs[k].container;
                publisher = needs[k].publisher;
            }
        if ((need & NEED_AUTHOR) && !r->nauthors && !r->neditors)
            warn(warnings, n, &alloc, file, r, "%s, which APA needs", "author (or editor)");
        if ((need & NEED_TITLE) && !r->title)
            warn(warnings, n, &alloc, file, r, "%s, which APA needs", "title");
        if ((need & NEED_CONTAINER) && !r->container_title)
            warn(warnings, n, &alloc, file, r, "container-title (%s), which APA needs", container);
        if ((need & NEED_CONTAINER_OR_EVENT) && !r->container_title && !r->event)
            warn(warnings, n, &alloc, file, r,
                 "container-title (%s) or event-title (the conference), which APA needs",
                 container);
        if ((need & NEED_ISSUED) && !r->year && !r->issued_literal)
            warn(warnings, n, &alloc, file, r, "%s, which APA needs (else it shows n.d.)",
                 "issued date");
        if ((need & NEED_PUBLISHER) && !r->publisher) {
            if (publisher)
                warn(warnings, n, &alloc, file, r, "publisher (%s), which APA needs", publisher);
            else
                warn(warnings, n, &alloc, file, r, "%s, which APA needs", "publisher");
        }
        if ((need & NEED_URL) && !r->url)
            warn(warnings, n, &alloc, file, r, "%s, which APA needs for a web page", "URL");
    }
}

static void names_free(struct csl_name *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(names[i].family);
        free(names[i].given);
        free(names[i].literal);
    }
    free(names);
}

void reference_list_free(struct reference_list *list)
{
    for (size_t i = 0; i < list->n; i++) {
        struct reference *r = &list->items[i];
        free(r->id);
        free(r->type);
        free(r->title);
        free(r->container_title);
        names_free(r->authors, r->nauthors);
        names_free(r->editors, r->neditors);
        free(r->volume);
        free(r->issue);
        free(r->page);
        free(r->doi);
        free(r->url);
        free(r->publisher);
        free(r->publisher_place);
        free(r->edition);
        free(r->isbn);
        free(r->issn);
        free(r->issued_literal);
        free(r->genre);
        free(r->number);
        free(r->event);
        free(r->event_place);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}
