#include "model/roster.h"

#include "model/country.h"
#include "model/language.h"
#include "model/orcid.h"
#include "model/person.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/yaml.h"

#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

static const char *const top_keys[] = {"reviewers", NULL};
static const char *const reviewer_keys[] = {
    "id",        "name",     "name_latin", "family_first", "email",     "orcid",  "affiliation",
    "languages", "keywords", "profile",    "capacity",     "conflicts", "active", NULL};
/* The same fields as an author's affiliation, so entries can be copied between the two. */
static const char *const conflict_keys[] = {"people", "institutions", NULL};

struct parse {
    struct ydoc doc;
    const char *file;
    const struct country_db *countries;
    const struct language_db *languages;
    struct roster *roster;
};

static size_t item_count(const yaml_node_t *seq)
{
    return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

bool roster_id_is_valid(const char *id)
{
    size_t len = strlen(id);
    if (len < ROSTER_ID_MIN || len > ROSTER_ID_MAX)
        return false;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return false;
    return true;
}

static void add_string(char ***list, size_t *count, size_t *alloc, char *s)
{
    ARRAY_GROW(*list, *count + 1, *alloc);
    (*list)[(*count)++] = s;
}

/* One text of a list, with the node it came from so that problems point at it. */
struct text_item {
    char *text;
    yaml_node_t *node;
};

/*
 * A list of texts, or one scalar. With split_commas the scalar is read as
 * "a, b, c" (how keywords are often typed); without, it is one item, because
 * names of institutions contain commas ("Academy of Public Administration, Chișinău").
 * Items that are not text are reported and left out. The caller frees the items.
 */
static size_t text_items(struct parse *p, yaml_node_t *n, const char *not_a_list, const char *item,
                         bool split_commas, struct text_item **out)
{
    size_t count = 0, alloc = 0;
    *out = NULL;
    if (n->type == YAML_SCALAR_NODE && split_commas) {
        const char *s = ydoc_scalar(n);
        while (*s) {
            const char *end = strchr(s, ',');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            while (len && (*s == ' ' || *s == '\t'))
                s++, len--;
            while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
            if (len) {
                ARRAY_GROW(*out, count + 1, alloc);
                (*out)[count++] = (struct text_item){xstrndup(s, len), n};
            }
            if (!end)
                break;
            s = end + 1;
        }
        return count;
    }
    if (n->type == YAML_SCALAR_NODE) {
        char *one = person_text(&p->doc, n, item);
        if (one) {
            *out = xmalloc(sizeof(**out));
            (*out)[count++] = (struct text_item){one, n};
        }
        return count;
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(&p->doc, n, "%s", not_a_list);
        return 0;
    }
    *out = xcalloc(item_count(n) ? item_count(n) : 1, sizeof(**out));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *node = ydoc_node(&p->doc, *it);
        char *s = person_text(&p->doc, node, item);
        if (s)
            (*out)[count++] = (struct text_item){s, node};
    }
    return count;
}

/* The texts of a list, owned by the caller; see text_items. */
static void text_list(struct parse *p, yaml_node_t *n, const char *not_a_list, const char *item,
                      bool split_commas, char ***out, size_t *count)
{
    struct text_item *items;
    size_t n_items = text_items(p, n, not_a_list, item, split_commas, &items);
    size_t alloc = 0;
    for (size_t i = 0; i < n_items; i++)
        add_string(out, count, &alloc, items[i].text);
    free(items);
}

/* Where to report a required field that is missing or empty: its key if any, else the entry. */
static yaml_node_t *field_position(struct ydoc *d, yaml_node_t *entry, const char *key)
{
    yaml_node_t *k = ydoc_get_key(d, entry, key);
    return k ? k : entry;
}

/* The rules of an author's affiliation (model/person.c), for a reviewer's one affiliation. */
static void parse_affiliation(struct parse *p, yaml_node_t *n, struct affiliation *aff)
{
    struct ydoc *d = &p->doc;
    if (n->type == YAML_SEQUENCE_NODE) {
        /* Authors write lists of affiliations; a reviewer's list of one means the same. */
        if (item_count(n) != 1) {
            ydoc_problem(d, n,
                         "a reviewer has one affiliation (the one that counts for conflicts): "
                         "expected affiliation: {name: ..., country: XX}");
            return;
        }
        n = ydoc_node(d, *n->data.sequence.items.start);
    }
    person_parse_affiliation(d, n, p->countries, aff);
}

static void parse_languages(struct parse *p, yaml_node_t *n, struct roster_reviewer *rv)
{
    struct ydoc *d = &p->doc;
    struct text_item *items;
    size_t count =
        text_items(p, n, "'languages' must be a list such as [en, ru]", "language", true, &items);
    bool written_empty =
        n->type == YAML_SCALAR_NODE || (n->type == YAML_SEQUENCE_NODE && !item_count(n));
    if (!count && written_empty)
        ydoc_problem(d, n,
                     "the list of languages is empty: expected the languages the reviewer "
                     "reviews in, such as [en, ru]");
    size_t alloc = 0;
    for (size_t i = 0; i < count; i++) {
        const struct language *l = language_lookup(p->languages, items[i].text);
        bool seen = false;
        for (size_t j = 0; l && j < rv->nlanguages; j++)
            seen |= !strcmp(rv->languages[j], l->code);
        if (!l) {
            char *hint = language_hint(p->languages, items[i].text);
            ydoc_problem(d, items[i].node,
                         "unknown language '%s' (expected an ISO 639-1 code such as en, ru)%s",
                         items[i].text, hint);
            free(hint);
        } else if (seen)
            ydoc_problem(d, items[i].node, "language %s is listed twice", l->code);
        else
            add_string(&rv->languages, &rv->nlanguages, &alloc, xstrdup(l->code));
        free(items[i].text);
    }
    free(items);
}

/* A conflict entry that is meant as an ORCID iD: names have no digits, iDs always do. */
static bool looks_like_orcid(const char *s)
{
    return strpbrk(s, "0123456789") != NULL || strstr(s, "orcid.org") != NULL;
}

static void parse_conflicts(struct parse *p, yaml_node_t *n, struct roster_reviewer *rv)
{
    struct ydoc *d = &p->doc;
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n,
                     "'conflicts' must be a mapping: conflicts: {people: [names or ORCID iDs], "
                     "institutions: [names]}");
        return;
    }
    ydoc_check_keys(d, n, conflict_keys, "conflicts");

    yaml_node_t *people = ydoc_get(d, n, "people");
    if (people && !ydoc_is_null(people)) {
        struct text_item *items;
        size_t count = text_items(p, people,
                                  "'people' must be a list of names or ORCID iDs such as "
                                  "[Aigerim Nurlanova, 0000-0001-5109-3700]",
                                  "a conflicting person", false, &items);
        size_t alloc = 0;
        for (size_t i = 0; i < count; i++) {
            char *text = items[i].text;
            if (!looks_like_orcid(text)) {
                add_string(&rv->conflict_people, &rv->nconflict_people, &alloc, text);
                continue;
            }
            char canonical[ORCID_CANONICAL_SIZE];
            enum orcid_status st = orcid_check(text, canonical);
            if (st == ORCID_VALID)
                add_string(&rv->conflict_people, &rv->nconflict_people, &alloc, xstrdup(canonical));
            else if (st == ORCID_BAD_CHECKSUM)
                ydoc_problem(d, items[i].node,
                             "ORCID iD '%s' has a wrong check digit (ISO 7064 MOD 11-2); "
                             "check it against the ORCID record",
                             text);
            else
                ydoc_problem(d, items[i].node,
                             "'%s' is neither a name nor an ORCID iD (expected a person's "
                             "name or 0000-0000-0000-000X)",
                             text);
            free(text);
        }
        free(items);
    }

    yaml_node_t *institutions = ydoc_get(d, n, "institutions");
    if (institutions && !ydoc_is_null(institutions))
        text_list(p, institutions,
                  "'institutions' must be a list of names such as [Nazarbayev University]",
                  "a conflicting institution", false, &rv->conflict_institutions,
                  &rv->nconflict_institutions);
}

static void parse_reviewer(struct parse *p, yaml_node_t *n, struct roster_reviewer *rv)
{
    struct ydoc *d = &p->doc;
    rv->line = ydoc_line(d, n);
    rv->capacity = ROSTER_DEFAULT_CAPACITY;
    rv->active = true;
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n,
                     "expected a reviewer: a mapping with id, name, email, affiliation and "
                     "languages");
        return;
    }
    ydoc_check_keys(d, n, reviewer_keys, "a reviewer");

    yaml_node_t *id = ydoc_get(d, n, "id");
    if (!id || ydoc_is_null(id)) {
        ydoc_problem(d, field_position(d, n, "id"),
                     "reviewer without an id (expected id: a stable name such as asel-bekova)");
    } else if (!ydoc_scalar(id) || !roster_id_is_valid(ydoc_scalar(id))) {
        ydoc_problem(d, id,
                     "'%s' is not a reviewer id (expected %d to %d characters: lower-case a-z, "
                     "0-9 and '-', such as asel-bekova)",
                     ydoc_scalar(id) ? ydoc_scalar(id) : "", ROSTER_ID_MIN, ROSTER_ID_MAX);
    } else {
        rv->id = xstrdup(ydoc_scalar(id));
    }
    /* Messages name the reviewer by id; without one, "reviewer on line N" still finds it. */
    char who[64];
    if (rv->id)
        snprintf(who, sizeof(who), "reviewer '%s'", rv->id);
    else
        snprintf(who, sizeof(who), "the reviewer on line %zu", rv->line);

    struct person_name name;
    person_parse_names(d, n, "name", &name, &rv->latin, &rv->family_first);
    rv->name = name.text;
    rv->given = name.given;
    rv->family = name.family;
    yaml_node_t *name_node = ydoc_get(d, n, "name");
    if (!name_node || ydoc_is_null(name_node))
        ydoc_problem(d, field_position(d, n, "name"), "%s has no name", who);

    yaml_node_t *email = ydoc_get(d, n, "email");
    if (!email || ydoc_is_null(email)) {
        ydoc_problem(d, field_position(d, n, "email"),
                     "%s has no email (expected email: the address invitations go to)", who);
    } else {
        rv->email = person_text(&p->doc, email, "email");
        if (rv->email && !person_email_is_plausible(rv->email)) {
            ydoc_problem(d, email, "'%s' is not an email address", rv->email);
            free(rv->email);
            rv->email = NULL;
        }
    }

    yaml_node_t *orcid = ydoc_get(d, n, "orcid");
    if (orcid && !ydoc_is_null(orcid))
        person_parse_orcid(&p->doc, orcid, rv->orcid);

    yaml_node_t *aff = ydoc_get(d, n, "affiliation");
    if (!aff || ydoc_is_null(aff))
        ydoc_problem(d, field_position(d, n, "affiliation"),
                     "%s has no affiliation (expected affiliation: {name: ..., "
                     "country: XX})",
                     who);
    else
        parse_affiliation(p, aff, &rv->affiliation);

    yaml_node_t *langs = ydoc_get(d, n, "languages");
    if (!langs || ydoc_is_null(langs))
        ydoc_problem(d, field_position(d, n, "languages"),
                     "%s has no languages (expected languages: [en, ru], the "
                     "languages the reviewer reviews in)",
                     who);
    else
        parse_languages(p, langs, rv);

    yaml_node_t *keywords = ydoc_get(d, n, "keywords");
    if (keywords && !ydoc_is_null(keywords))
        text_list(p, keywords, "keywords must be a list such as [merit, recruitment]", "keyword",
                  true, &rv->keywords, &rv->nkeywords);

    yaml_node_t *profile = ydoc_get(d, n, "profile");
    if (profile && !ydoc_is_null(profile))
        rv->profile = person_text(&p->doc, profile, "profile");

    yaml_node_t *capacity = ydoc_get(d, n, "capacity");
    if (capacity) {
        unsigned long v;
        if (!ydoc_uint(capacity, &v) || v == 0 || v > UINT_MAX)
            ydoc_problem(d, capacity,
                         "capacity must be a positive whole number (the most reviews at once), "
                         "not '%s'",
                         ydoc_scalar(capacity) ? ydoc_scalar(capacity) : "");
        else
            rv->capacity = (unsigned)v;
    }

    yaml_node_t *conflicts = ydoc_get(d, n, "conflicts");
    if (conflicts && !ydoc_is_null(conflicts))
        parse_conflicts(p, conflicts, rv);

    yaml_node_t *active = ydoc_get(d, n, "active");
    if (active) {
        int b = ydoc_bool(active);
        if (b < 0)
            ydoc_problem(d, active, "'active' must be true or false");
        else
            rv->active = b == 1;
    }
}

/*
 * Ids name reviewers in submission records, and an ORCID iD names one person:
 * both must be unique. The entry at index i is checked against those before it.
 */
static void check_unique(struct parse *p, yaml_node_t *entry, size_t i)
{
    struct ydoc *d = &p->doc;
    const struct roster_reviewer *all = p->roster->reviewers, *rv = &all[i];
    for (size_t j = 0; j < i && rv->id; j++)
        if (all[j].id && !strcmp(all[j].id, rv->id)) {
            ydoc_problem(d, ydoc_get(d, entry, "id"),
                         "duplicate reviewer id '%s' (first used by the entry on line %zu)", rv->id,
                         all[j].line);
            break;
        }
    for (size_t j = 0; j < i && rv->orcid[0]; j++)
        if (!strcmp(all[j].orcid, rv->orcid)) {
            ydoc_problem(d, ydoc_get(d, entry, "orcid"),
                         "ORCID iD %s is already that of the reviewer on line %zu: one person, "
                         "one entry",
                         rv->orcid, all[j].line);
            break;
        }
}

int roster_parse(struct roster *r, const char *file, const char *text, size_t len,
                 const struct country_db *countries, const struct language_db *languages)
{
    memset(r, 0, sizeof(*r));
    error_clear();
    /* libyaml reports bad UTF-8 without a position: find it ourselves. */
    size_t bad;
    if (!utf8_validate(text, len, &bad)) {
        size_t line, col;
        utf8_position(text, bad, &line, &col);
        return error_at(file, line, col, "invalid UTF-8 (byte 0x%02x): save the roster as UTF-8",
                        (unsigned char)text[bad]);
    }
    if (memchr(text, '\0', len))
        return error_at(file, 0, 0, "the file contains NUL bytes: expected UTF-8 text");

    struct parse p = {.file = file, .countries = countries, .languages = languages, .roster = r};
    yaml_node_t *root;
    int rc = ydoc_load_mapping(&p.doc, file, text, len, top_keys, "reviewers.yaml",
                               "a mapping with the list of reviewers (reviewers: [...])", &root);
    if (rc)
        return rc;
    yaml_node_t *list = ydoc_get(&p.doc, root, "reviewers");
    if (!list) {
        error_add_at(file, 1, 1, "missing required field 'reviewers' (the list of reviewers)");
    } else if (list->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(&p.doc, list,
                     "'reviewers' must be a list of reviewers (write reviewers: [] for none)");
    } else {
        size_t count = item_count(list);
        r->reviewers = xcalloc(count ? count : 1, sizeof(*r->reviewers));
        for (yaml_node_item_t *it = list->data.sequence.items.start;
             it < list->data.sequence.items.top; it++) {
            yaml_node_t *entry = ydoc_node(&p.doc, *it);
            parse_reviewer(&p, entry, &r->reviewers[r->count]);
            check_unique(&p, entry, r->count++);
        }
    }
    ydoc_free(&p.doc);
    if (error_count()) {
        roster_free(r);
        return JOURNAL_EINPUT;
    }
    return 0;
}

static void free_strings(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

void roster_free(struct roster *r)
{
    for (size_t i = 0; i < r->count; i++) {
        struct roster_reviewer *rv = &r->reviewers[i];
        free(rv->id);
        free(rv->name);
        free(rv->given);
        free(rv->family);
        person_name_free(&rv->latin);
        free(rv->email);
        affiliation_free(&rv->affiliation);
        free_strings(rv->languages, rv->nlanguages);
        free_strings(rv->keywords, rv->nkeywords);
        free(rv->profile);
        free_strings(rv->conflict_people, rv->nconflict_people);
        free_strings(rv->conflict_institutions, rv->nconflict_institutions);
    }
    free(r->reviewers);
    memset(r, 0, sizeof(*r));
}

const struct roster_reviewer *roster_find(const struct roster *r, const char *id)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->reviewers[i].id && !strcmp(r->reviewers[i].id, id))
            return &r->reviewers[i];
    return NULL;
}

/*
 * Name keys. Names reach us typed by different people on different keyboards,
 * so case, spacing and punctuation must not hide that two names are the same.
 */

static bool is_space(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 ||
           (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* . , ' " ( ) - and the typographic quotes, apostrophes and dashes people type instead. */
static bool is_ignored_punctuation(uint32_t cp)
{
    switch (cp) {
    case '.':
    case ',':
    case '\'':
    case '"':
    case '(':
    case ')':
    case '-':
    case 0xab:   /* « */
    case 0xbb:   /* » */
    case 0x2bb:  /* ʻ, Uzbek Latin o‘ and g‘ */
    case 0x2bc:  /* ʼ */
    case 0x2018: /* ‘ */
    case 0x2019: /* ’ */
    case 0x201c: /* “ */
    case 0x201d: /* ” */
    case 0x201e: /* „ */
        return true;
    default:
        return cp >= 0x2010 && cp <= 0x2015; /* hyphens and dashes */
    }
}

/* Lower case, with the equivalences names are written with: Turkish and Azerbaijani dotted and
 * dotless i as plain i, and ё as е because Russian text often writes е for it. */
static uint32_t fold_case(uint32_t cp)
{
    if (cp == 0x131)
        return 'i';
    if (cp == 0x401 || cp == 0x451)
        return 0x435;
    return utf8_tolower(cp);
}

char *roster_name_key(const char *name)
{
    struct strbuf key = STRBUF_INIT;
    bool pending_space = false;
    const char *s = name;
    while (*s) {
        uint32_t cp;
        bool valid = utf8_decode(&s, &cp);
        if (valid && is_space(cp)) {
            pending_space = key.len > 0;
            continue;
        }
        if (valid && is_ignored_punctuation(cp))
            continue;
        if (pending_space)
            strbuf_addch(&key, ' ');
        pending_space = false;
        if (valid)
            utf8_append(&key, fold_case(cp));
        else
            strbuf_addch(&key, (char)cp);
    }
    return strbuf_detach(&key, NULL);
}

bool roster_same_name(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    char *ka = roster_name_key(a);
    char *kb = roster_name_key(b);
    /* Nothing left of a name (only punctuation) must not match every other such name. */
    bool same = *ka && !strcmp(ka, kb);
    free(ka);
    free(kb);
    return same;
}

bool roster_has_word(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *hit = strstr(hay, needle); n && hit; hit = strstr(hit + 1, needle)) {
        bool starts = hit == hay || !isalnum((unsigned char)hit[-1]);
        bool ends = !isalnum((unsigned char)hit[n]);
        if (starts && ends)
            return true;
    }
    return false;
}
