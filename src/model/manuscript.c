#include "model/manuscript.h"

#include "model/cite.h"
#include "model/config.h"
#include "model/country.h"
#include "model/language.h"
#include "model/orcid.h"
#include "model/person.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/frontmatter.h"
#include "util/gfm.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/unicode.h"
#include "util/yaml.h"

#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

const char *const manuscript_types[] = {"research-article", "case-study", "interview", "review",
                                        "practice",         "editorial",  NULL};
static const char *const type_labels[] = {"Research article", "Case study", "Interview",
                                          "Review",           "Practice",   "Editorial"};

/* Quarto's scholarly front matter fields we accept besides our own. */
static const char *const top_keys[] = {"title",
                                       "subtitle",
                                       "lang",
                                       "type",
                                       "abstract",
                                       "keywords",
                                       "authors",
                                       "author",
                                       "date",
                                       "references",
                                       "bibliography",
                                       "funding",
                                       "acknowledgements",
                                       "format",
                                       "citation",
                                       "license",
                                       "translations",
                                       NULL};
static const char *const translation_keys[] = {"title", "subtitle", "abstract", "keywords", NULL};
static const char *const author_keys[] = {"name",  "name_latin",    "family_first", "email",
                                          "orcid", "corresponding", "affiliations", "affiliation",
                                          "url",   "roles",         "role",         "attributes",
                                          "note",  "degrees",       "organization", NULL};

const struct translation *manuscript_translation(const struct manuscript *m, const char *lang)
{
    for (size_t i = 0; lang && i < m->ntranslations; i++)
        if (!strcmp(m->translations[i].lang, lang))
            return &m->translations[i];
    return NULL;
}

const struct author *manuscript_contact(const struct manuscript *m)
{
    for (size_t i = 0; i < m->nauthors; i++)
        if (m->authors[i].corresponding && m->authors[i].email)
            return &m->authors[i];
    for (size_t i = 0; i < m->nauthors; i++)
        if (m->authors[i].email)
            return &m->authors[i];
    return NULL;
}

const char *manuscript_type_label(const char *type)
{
    for (size_t i = 0; manuscript_types[i]; i++)
        if (!strcmp(type, manuscript_types[i]))
            return type_labels[i];
    return type;
}

bool manuscript_type_needs_abstract(const char *type)
{
    return strcmp(type, "editorial") && strcmp(type, "interview");
}

bool manuscript_type_is_scholarly(const char *type)
{
    return type && strcmp(type, "editorial") && strcmp(type, "interview");
}

struct parse {
    struct ydoc doc;
    const char *file;
    const struct manuscript_rules *rules;
    struct manuscript *m;
    size_t fm_line;    /* line of the opening --- (of meta.yaml: its first line) */
    size_t first_line; /* line of the first field */
    size_t warnings_alloc;
    /* The abstracts (the article's, the translations'), where check_citations reads them. */
    struct abstract_at {
        const char *text; /* the manuscript's */
        size_t line;      /* of its value: the "|" of a literal block, else its first line */
        bool literal;     /* a literal block (|): its lines are the file's, one for one */
    } * abstracts;
    size_t nabstracts, abstracts_alloc;
    const char *body_file; /* a converted document (Word, OpenDocument): the body's file */
};

static void note_abstract(struct parse *p, const char *text, yaml_node_t *n)
{
    if (!text)
        return;
    ARRAY_GROW(p->abstracts, p->nabstracts + 1, p->abstracts_alloc);
    p->abstracts[p->nabstracts++] = (struct abstract_at){
        text, ydoc_line(&p->doc, n),
        n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_LITERAL_SCALAR_STYLE};
}

static bool is_blank_n(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

static void missing(struct parse *p, const char *what)
{
    error_add_at(p->file, p->fm_line, 1, "front matter: missing required field '%s'", what);
}

/* A country named by a part of it ("England") is accepted with a warning, which submit prints. */
static void take_country_note(struct parse *p, struct affiliation *aff)
{
    if (!aff->country_note)
        return;
    ARRAY_GROW(p->m->warnings, p->m->nwarnings + 1, p->warnings_alloc);
    p->m->warnings[p->m->nwarnings++] = aff->country_note;
    aff->country_note = NULL;
}

static void parse_author_fields(struct parse *p, yaml_node_t *n, struct author *a)
{
    struct ydoc *d = &p->doc;
    memset(a, 0, sizeof(*a));
    a->line = ydoc_line(d, n);
    if (n->type == YAML_SCALAR_NODE) {
        a->name = person_text(&p->doc, n, "author");
        if (a->name)
            ydoc_problem(d, n, "author '%s' has no affiliation (expected affiliations: [...])",
                         a->name);
        return;
    }
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n, "expected an author with name and affiliations");
        return;
    }
    ydoc_check_keys(d, n, author_keys, "an author");

    struct person_name name;
    person_parse_names(d, n, "author name", &name, &a->latin, &a->family_first);
    a->name = name.text;
    a->given = name.given;
    a->family = name.family;
    yaml_node_t *name_node = ydoc_get(d, n, "name");
    if (!name_node || ydoc_is_null(name_node))
        ydoc_problem(d, n, "author without a name");

    yaml_node_t *email = ydoc_get(d, n, "email");
    if (email && !ydoc_is_null(email)) {
        a->email = person_text(&p->doc, email, "email");
        if (a->email && !person_email_is_plausible(a->email))
            ydoc_problem(d, email, "'%s' is not an email address", a->email);
    }

    yaml_node_t *orcid = ydoc_get(d, n, "orcid");
    if (orcid && !ydoc_is_null(orcid))
        person_parse_orcid(d, orcid, a->orcid);

    yaml_node_t *corr = ydoc_get(d, n, "corresponding");
    yaml_node_t *attrs = ydoc_get(d, n, "attributes");
    if (!corr && attrs)
        corr = ydoc_get(d, attrs, "corresponding");
    if (corr) {
        int b = ydoc_bool(corr);
        if (b < 0)
            ydoc_problem(d, corr, "'corresponding' must be true or false");
        a->corresponding = b == 1;
    }

    yaml_node_t *org = ydoc_get(d, n, "organization");
    if (org) {
        int b = ydoc_bool(org);
        if (b < 0)
            ydoc_problem(d, org, "'organization' must be true or false");
        a->organization = b == 1;
    }

    yaml_node_t *affs = ydoc_get(d, n, "affiliations");
    if (!affs)
        affs = ydoc_get(d, n, "affiliation");
    if ((!affs || ydoc_is_null(affs)) && a->organization)
        return; /* an organisation is its own affiliation */
    if (!affs || ydoc_is_null(affs)) {
        ydoc_problem(d, n, "author '%s' has no affiliation (expected affiliations: [...])",
                     a->name ? a->name : "");
        return;
    }
    if (affs->type != YAML_SEQUENCE_NODE) {
        a->affiliations = xcalloc(1, sizeof(*a->affiliations));
        a->naffiliations = 1;
        person_parse_affiliation(&p->doc, affs, p->rules->countries, &a->affiliations[0]);
        take_country_note(p, &a->affiliations[0]);
        return;
    }
    size_t count = (size_t)(affs->data.sequence.items.top - affs->data.sequence.items.start);
    if (!count) {
        ydoc_problem(d, affs, "author '%s' has an empty list of affiliations",
                     a->name ? a->name : "");
        return;
    }
    a->affiliations = xcalloc(count, sizeof(*a->affiliations));
    for (yaml_node_item_t *it = affs->data.sequence.items.start; it < affs->data.sequence.items.top;
         it++) {
        person_parse_affiliation(&p->doc, ydoc_node(d, *it), p->rules->countries,
                                 &a->affiliations[a->naffiliations]);
        take_country_note(p, &a->affiliations[a->naffiliations++]);
    }
}

/* A one-string name of several words ("Kim Min-jun"). */
static bool splits_given_family(yaml_node_t *n)
{
    const char *s = n && n->type == YAML_SCALAR_NODE ? ydoc_scalar(n) : NULL;
    if (!s || strchr(s, ','))
        return false;
    while (*s == ' ' || *s == '\t')
        s++;
    const char *gap = strpbrk(s, " \t");
    if (!gap)
        return false;
    while (*gap == ' ' || *gap == '\t')
        gap++;
    return *gap != '\0';
}

static void parse_author(struct parse *p, yaml_node_t *n, struct author *a)
{
    parse_author_fields(p, n, a);
    if (n->type != YAML_MAPPING_NODE || a->organization || ydoc_get(&p->doc, n, "family_first"))
        return;
    /* Read as "given family", which is the wrong way round where the family name comes first:
       say so, and how to say which is which. */
    const char *country = NULL;
    for (size_t i = 0; i < a->naffiliations && !country; i++)
        if (person_country_is_family_first(a->affiliations[i].country))
            country = a->affiliations[i].country;
    if (!country)
        return;
    const char *keys[] = {"name", "name_latin"};
    for (size_t k = 0; k < 2; k++) {
        yaml_node_t *name = ydoc_get(&p->doc, n, keys[k]);
        if (!splits_given_family(name))
            continue;
        const char *text = ydoc_scalar(name);
        size_t len = strlen(text);
        while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
            len--;
        size_t last = len;
        while (last && text[last - 1] != ' ' && text[last - 1] != '\t')
            last--;
        ARRAY_GROW(p->m->warnings, p->m->nwarnings + 1, p->warnings_alloc);
        p->m->warnings[p->m->nwarnings++] = xasprintf(
            "%s:%zu:%zu: author '%s' is affiliated in %s, where the family name usually comes "
            "first, but a name written as one string is read given name first ('%.*s' as the "
            "family name): write %s: {given: ..., family: ...}, or family_first: true if it "
            "starts with the family name",
            p->file, ydoc_line(&p->doc, name), ydoc_column(name), text, country, (int)(len - last),
            text + last, keys[k]);
    }
}

static void parse_keywords(struct parse *p, yaml_node_t *n, char ***keywords, size_t *nkeywords)
{
    if (n->type == YAML_SCALAR_NODE) {
        /* "a, b, c" is common in hand-written front matter. */
        const char *s = ydoc_scalar(n);
        size_t alloc = 0;
        while (*s) {
            const char *end = strchr(s, ',');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            while (len && (*s == ' ' || *s == '\t'))
                s++, len--;
            while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
            if (len) {
                ARRAY_GROW(*keywords, *nkeywords + 1, alloc);
                (*keywords)[(*nkeywords)++] = xstrndup(s, len);
            }
            if (!end)
                break;
            s = end + 1;
        }
        return;
    }
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(&p->doc, n, "keywords must be a list such as [merit, recruitment]");
        return;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    *keywords = xcalloc(count ? count : 1, sizeof(char *));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        char *k = person_text(&p->doc, ydoc_node(&p->doc, *it), "keyword");
        if (k)
            (*keywords)[(*nkeywords)++] = k;
    }
}

static const char *language_name(const struct parse *p, const char *code)
{
    const struct language *l = language_lookup(p->rules->languages, code);
    return l ? l->name : code;
}

static void parse_translation(struct parse *p, yaml_node_t *key, yaml_node_t *n,
                              struct translation *t)
{
    struct ydoc *d = &p->doc;
    struct manuscript *m = p->m;
    const char *code = ydoc_scalar(key);
    const struct language *l = code ? language_lookup(p->rules->languages, code) : NULL;
    t->line = ydoc_line(d, key);
    if (!l) {
        char *hint = language_hint(p->rules->languages, code);
        ydoc_problem(d, key,
                     "translations: unknown language '%s' (expected an ISO 639-1 code such as "
                     "en, ru)%s",
                     code ? code : "", hint);
        free(hint);
        return;
    }
    memcpy(t->lang, l->code, sizeof(t->lang));
    if (m->lang && !strcmp(m->lang, l->code))
        ydoc_problem(d, key,
                     "translations: '%s' is the manuscript's own language (lang: %s): its title "
                     "and abstract are the front matter's own",
                     l->code, m->lang);
    else if (p->rules->config) {
        const struct journal_config *c = p->rules->config;
        bool published = false;
        for (size_t i = 0; i < c->nlanguages; i++)
            published |= !strcmp(c->languages[i], l->code);
        if (!published) {
            char list[256] = "";
            for (size_t i = 0; i < c->nlanguages && strlen(list) + 8 < sizeof(list); i++) {
                if (i)
                    strcat(list, ", ");
                strcat(list, c->languages[i]);
            }
            ydoc_problem(d, key,
                         "translations: the journal does not publish in %s (%s): expected one of "
                         "its languages (%s in journal.yaml)",
                         language_name(p, l->code), l->code, list);
        }
    }
    for (size_t i = 0; i < m->ntranslations; i++)
        if (&m->translations[i] != t && !strcmp(m->translations[i].lang, t->lang))
            ydoc_problem(d, key, "translations: '%s' is given twice", t->lang);
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n,
                     "translations: %s: expected title, subtitle, abstract and keywords, such as "
                     "{title: ..., abstract: ..., keywords: [...]}",
                     t->lang);
        return;
    }
    ydoc_check_keys(d, n, translation_keys, "a translation");
    yaml_node_t *f = ydoc_get(d, n, "title");
    if (f && !ydoc_is_null(f))
        t->title = person_text(d, f, "title");
    else
        ydoc_problem(d, key, "translations: %s: missing required field 'title'", t->lang);
    if ((f = ydoc_get(d, n, "subtitle")) && !ydoc_is_null(f))
        t->subtitle = person_text(d, f, "subtitle");
    if ((f = ydoc_get(d, n, "abstract")) && !ydoc_is_null(f)) {
        t->abstract = person_text(d, f, "abstract");
        note_abstract(p, t->abstract, f);
        if (t->abstract && p->rules->limits)
            md_limits_check(t->abstract, strlen(t->abstract), p->rules->limits, p->file,
                            ydoc_line(d, f));
    }
    if ((f = ydoc_get(d, n, "keywords")) && !ydoc_is_null(f))
        parse_keywords(p, f, &t->keywords, &t->nkeywords);
}

static void parse_translations(struct parse *p, yaml_node_t *n)
{
    struct ydoc *d = &p->doc;
    struct manuscript *m = p->m;
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n,
                     "translations must map each language to its title, abstract and keywords, "
                     "such as en: {title: ..., abstract: ..., keywords: [...]}");
        return;
    }
    size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    m->translations = xcalloc(count ? count : 1, sizeof(*m->translations));
    for (yaml_node_pair_t *pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top;
         pair++)
        parse_translation(p, ydoc_node(d, pair->key), ydoc_node(d, pair->value),
                          &m->translations[m->ntranslations++]);
}

/* journal.yaml's require_translations: a manuscript in another language carries each. */
static void check_required_translations(struct parse *p, yaml_node_t *key)
{
    const struct journal_config *c = p->rules->config;
    struct manuscript *m = p->m;
    if (!c || !m->lang)
        return;
    for (size_t i = 0; i < c->nrequire_translations; i++) {
        const char *want = c->require_translations[i];
        if (!strcmp(want, m->lang))
            continue;
        const struct translation *t = manuscript_translation(m, want);
        size_t line = t ? t->line : key ? ydoc_line(&p->doc, key) : p->fm_line;
        const char *name = language_name(p, want);
        if (!t) {
            error_add_at(p->file, line, 1,
                         "front matter: the journal requires an %s translation of every "
                         "manuscript in another language (require_translations in journal.yaml): "
                         "expected translations: {%s: {title: ..., abstract: ..., keywords: "
                         "[...]}}",
                         name, want);
            continue;
        }
        if (t->title && !t->abstract && m->type && manuscript_type_needs_abstract(m->type))
            error_add_at(p->file, line, 1,
                         "translations: %s: missing 'abstract' (the journal requires %s "
                         "translations: require_translations in journal.yaml)",
                         want, name);
        if (t->title && !t->nkeywords)
            error_add_at(p->file, line, 1,
                         "translations: %s: missing 'keywords' (the journal requires %s "
                         "translations: require_translations in journal.yaml)",
                         want, name);
    }
}

static void parse_front_matter(struct parse *p)
{
    struct ydoc *d = &p->doc;
    struct manuscript *m = p->m;
    yaml_node_t *root = ydoc_root(d);
    if (!root || root->type != YAML_MAPPING_NODE) {
        error_add_at(p->file, p->first_line, 1,
                     "front matter must be a mapping of fields (title, authors, ...)");
        return;
    }
    ydoc_check_keys(d, root, top_keys, "the front matter");

    yaml_node_t *n = ydoc_get(d, root, "title");
    if (!n)
        missing(p, "title");
    else
        m->title = person_text(&p->doc, n, "title");
    if ((n = ydoc_get(d, root, "subtitle")) && !ydoc_is_null(n))
        m->subtitle = person_text(&p->doc, n, "subtitle");

    n = ydoc_get(d, root, "lang");
    if (n) {
        const char *code = ydoc_scalar(n);
        const struct language *l = code ? language_lookup(p->rules->languages, code) : NULL;
        if (!l) {
            char *hint = language_hint(p->rules->languages, code);
            ydoc_problem(d, n,
                         "unknown language '%s' (expected an ISO 639-1 code such as en, ru)%s",
                         code ? code : "", hint);
            free(hint);
        } else
            m->lang = xstrdup(l->code);
    } else {
        m->lang = xstrdup(p->rules->default_lang ? p->rules->default_lang : "en");
    }

    n = ydoc_get(d, root, "type");
    if (n) {
        const char *type = ydoc_scalar(n);
        bool known = false;
        for (size_t i = 0; type && manuscript_types[i]; i++)
            known |= !strcmp(type, manuscript_types[i]);
        if (!known)
            ydoc_problem(d, n,
                         "unknown article type '%s' (expected research-article, case-study, "
                         "interview, review, practice or editorial)",
                         type ? type : "");
        else
            m->type = xstrdup(type);
    } else {
        m->type = xstrdup("research-article");
    }

    n = ydoc_get(d, root, "abstract");
    if (n && !ydoc_is_null(n)) {
        m->abstract = person_text(&p->doc, n, "abstract");
        note_abstract(p, m->abstract, n);
        if (m->abstract && p->rules->limits)
            md_limits_check(m->abstract, strlen(m->abstract), p->rules->limits, p->file,
                            ydoc_line(d, n));
    } else if (m->type && manuscript_type_needs_abstract(m->type))
        missing(p, "abstract");

    n = ydoc_get(d, root, "keywords");
    if (n && !ydoc_is_null(n))
        parse_keywords(p, n, &m->keywords, &m->nkeywords);

    n = ydoc_get(d, root, "translations");
    if (n && !ydoc_is_null(n))
        parse_translations(p, n);
    check_required_translations(p, ydoc_get_key(d, root, "translations"));

    /* journal submit, revise and import read a bibliography file into references: before the
     * parse (workflow/bibliography.c); a manuscript that still names one was not read that
     * way, and its references would be lost. */
    n = ydoc_get(d, root, "bibliography");
    if (n && !ydoc_is_null(n)) {
        if (p->rules->config)
            ydoc_problem(d, n,
                         "bibliography: is read only by journal submit, revise and import "
                         "(which convert the file into references: with Pandoc); put the "
                         "references in the front matter as references: (CSL YAML) instead");
        else {
            ARRAY_GROW(m->warnings, m->nwarnings + 1, p->warnings_alloc);
            m->warnings[m->nwarnings++] =
                xasprintf("%s:%zu:%zu: bibliography: is not read here (only journal submit, revise "
                          "and import convert it into references:)",
                          p->file, ydoc_line(d, n), ydoc_column(n));
        }
    }

    n = ydoc_get(d, root, "references");
    if (n && !reference_list_parse(d, n, &m->references)) {
        reference_list_warnings(&m->references, p->file, &m->warnings, &m->nwarnings);
        /* It grew the array by its own count: claim no more room than is surely there. */
        p->warnings_alloc = m->nwarnings;
    }

    n = ydoc_get(d, root, "funding");
    if (n && !ydoc_is_null(n))
        funding_parse(d, n, &m->funding);

    yaml_node_t *authors = ydoc_get(d, root, "authors");
    yaml_node_t *author = ydoc_get(d, root, "author");
    if (authors && author)
        ydoc_problem(d, ydoc_get_key(d, root, "author"),
                     "both 'authors' and 'author' given: use one of them");
    if (!authors)
        authors = author;
    if (!authors || ydoc_is_null(authors)) {
        missing(p, "authors");
        return;
    }
    if (authors->type == YAML_SEQUENCE_NODE) {
        size_t count =
            (size_t)(authors->data.sequence.items.top - authors->data.sequence.items.start);
        if (!count) {
            ydoc_problem(d, authors, "the list of authors is empty");
            return;
        }
        m->authors = xcalloc(count, sizeof(*m->authors));
        for (yaml_node_item_t *it = authors->data.sequence.items.start;
             it < authors->data.sequence.items.top; it++)
            parse_author(p, ydoc_node(d, *it), &m->authors[m->nauthors++]);
    } else {
        m->authors = xcalloc(1, sizeof(*m->authors));
        m->nauthors = 1;
        parse_author(p, authors, &m->authors[0]);
    }
}

/* What check_citations needs across the texts it reads. */
struct citation_check {
    struct parse *p;
    const char **ids; /* the references' ids, NULL-terminated */
    bool *cited;
    bool any;
};

/* The citations of one text (the body, an abstract) against the references. line gives the
   file's line of a text node of its parse. */
static void check_text(struct citation_check *cc, const char *file, const char *text, size_t len,
                       size_t (*line_of)(const void *at, cmark_node *node), const void *at)
{
    struct parse *p = cc->p;
    struct manuscript *m = p->m;
    if (!len || !memchr(text, '@', len))
        return;
    cmark_node *root = NULL;
    cmark_parser *parser = NULL;
    if (gfm_parse(text, len, CMARK_OPT_FOOTNOTES, false, cmark_get_default_mem_allocator(), &root,
                  &parser))
        return; /* the site's parse reports it */
    cmark_node **texts;
    size_t ntexts = cite_text_nodes(root, &texts);
    for (size_t t = 0; t < ntexts; t++) {
        const char *lit = cmark_node_get_literal(texts[t]);
        size_t tlen = strlen(lit), line = 0;
        struct cite c;
        for (size_t from = 0; cite_next(lit, tlen, from, &c); from = c.end, cite_free(&c)) {
            cc->any = true;
            for (size_t k = 0; k < c.n; k++) {
                size_t r = 0;
                while (r < m->references.n && strcmp(cc->ids[r], c.items[k].key))
                    r++;
                if (r < m->references.n) {
                    cc->cited[r] = true;
                    continue;
                }
                if (!line)
                    line = line_of(at, texts[t]);
                const char *near = text_suggest(c.items[k].key, cc->ids);
                if (near)
                    error_add_at(file, line, 0,
                                 "citation @%s is not in the references; did you mean @%s?",
                                 c.items[k].key, near);
                else if (m->references.n)
                    error_add_at(file, line, 0,
                                 "citation @%s is not in the references (each key must be the "
                                 "id of one of the front matter's references:; an @ that is "
                                 "no citation goes in code: `@%s`)",
                                 c.items[k].key, c.items[k].key);
                else
                    error_add_at(file, line, 0,
                                 "citation @%s, but the manuscript has no references: (add them "
                                 "to the front matter, or bibliography: FILE; an @ that is no "
                                 "citation goes in code: `@%s`)",
                                 c.items[k].key, c.items[k].key);
            }
        }
    }
    free(texts);
    cmark_node_free(root);
    cmark_parser_free(parser);
}

static size_t body_line_of(const void *at, cmark_node *node)
{
    const struct manuscript *m = at;
    return m->body_line + cite_node_line(node) - 1;
}

/* A converted document's body has no lines of the document's own. */
static size_t no_line(const void *at, cmark_node *node)
{
    (void)at, (void)node;
    return 0;
}

/* A literal block's lines are the file's; a folded or quoted value's are not, and its own
   first line is the nearest the file can say. */
static size_t abstract_line_of(const void *at, cmark_node *node)
{
    const struct abstract_at *a = at;
    return a->literal ? a->line + cite_node_line(node) : a->line;
}

/*
 * Every citation's key, in the body and in the abstracts, must be a reference's id (else the
 * page would show the key as it stands); a reference never cited is a warning, once the text
 * cites any: a manuscript without in-text citations (most written before journal read them)
 * keeps its list as it is.
 */
static void check_citations(struct parse *p)
{
    struct manuscript *m = p->m;
    bool any_at = m->body_len && memchr(m->body, '@', m->body_len);
    for (size_t i = 0; !any_at && i < p->nabstracts; i++)
        any_at = strchr(p->abstracts[i].text, '@') != NULL;
    if (!any_at)
        return;
    struct citation_check cc = {.p = p};
    cc.cited = xcalloc(m->references.n ? m->references.n : 1, sizeof(*cc.cited));
    cc.ids = xcalloc(m->references.n + 1, sizeof(*cc.ids));
    for (size_t i = 0; i < m->references.n; i++)
        cc.ids[i] = m->references.items[i].id;
    for (size_t i = 0; i < p->nabstracts; i++)
        check_text(&cc, p->file, p->abstracts[i].text, strlen(p->abstracts[i].text),
                   abstract_line_of, &p->abstracts[i]);
    if (p->body_file)
        check_text(&cc, p->body_file, m->body, m->body_len, no_line, m);
    else
        check_text(&cc, p->file, m->body, m->body_len, body_line_of, m);
    for (size_t i = 0; cc.any && i < m->references.n; i++) {
        if (cc.cited[i])
            continue;
        const struct reference *r = &m->references.items[i];
        ARRAY_GROW(m->warnings, m->nwarnings + 1, p->warnings_alloc);
        m->warnings[m->nwarnings++] =
            xasprintf("%s:%zu:%zu: reference '%s' is never cited in the text (cite it as @%s or "
                      "[@%s], or remove it)",
                      p->file, r->line, r->column, r->id, r->id, r->id);
    }
    free(cc.ids);
    free(cc.cited);
}

int manuscript_parse(struct manuscript *m, const char *file, const char *text, size_t len,
                     const struct manuscript_rules *rules)
{
    memset(m, 0, sizeof(*m));
    error_clear();
    if (len == 0 || is_blank_n(text, len))
        return error_at(file, 0, 0,
                        "the file is empty: expected a Markdown manuscript that starts with "
                        "YAML front matter (---)");
    size_t bad;
    if (!utf8_validate(text, len, &bad)) {
        size_t line, col;
        utf8_position(text, bad, &line, &col);
        return error_at(file, line, col,
                        "invalid UTF-8 (byte 0x%02x): save the manuscript as UTF-8",
                        (unsigned char)text[bad]);
    }
    if (memchr(text, '\0', len))
        return error_at(file, 0, 0, "the file contains NUL bytes: expected UTF-8 text");
    const struct md_limits *limits = rules->limits;
    if (limits && len > limits->max_size)
        return error_at(file, 0, 0,
                        "the manuscript is %zu bytes, more than max_manuscript_size (%zu) in "
                        "journal.yaml",
                        len, limits->max_size);

    struct frontmatter fm;
    int rc = frontmatter_split(file, text, len, "title, authors, ...", &fm);
    if (rc)
        return rc;
    /* Before anything spends time or memory on the Markdown. */
    if (limits && md_limits_check(fm.body, fm.body_len, limits, file, fm.body_line))
        return JOURNAL_EINPUT;

    struct parse p = {.file = file, .rules = rules, .m = m, .fm_line = 1, .first_line = 2};
    rc = ydoc_load(&p.doc, file, fm.yaml, fm.yaml_len, 1);
    if (rc)
        return rc;
    parse_front_matter(&p);
    ydoc_free(&p.doc);

    m->body_line = fm.body_line;
    m->body_len = fm.body_len;
    m->body = xstrndup(fm.body, m->body_len);
    if (rules->config && !error_count())
        check_citations(&p);
    free(p.abstracts);
    if (error_count()) {
        manuscript_free(m);
        return JOURNAL_EINPUT;
    }
    return 0;
}

/* Where meta.yaml's fields end: at a '---' or '...' line, or its end. */
static size_t meta_end(const char *s, size_t len, size_t *line, size_t *after)
{
    size_t pos = 0;
    *line = 1;
    while (pos < len) {
        const char *nl = memchr(s + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - s) : len;
        size_t n = end - pos;
        if (n && s[pos + n - 1] == '\r')
            n--;
        if (n == 3 && (!memcmp(s + pos, "---", 3) || !memcmp(s + pos, "...", 3))) {
            *after = nl ? end + 1 : len;
            return pos;
        }
        pos = nl ? end + 1 : len;
        (*line)++;
    }
    *after = len;
    return len;
}

int manuscript_parse_parts(struct manuscript *m, const char *meta_file, const char *meta,
                           size_t meta_len, const char *body_file, const char *body,
                           size_t body_len, const struct manuscript_rules *rules,
                           struct strbuf *text)
{
    memset(m, 0, sizeof(*m));
    error_clear();
    size_t bad;
    if (!utf8_validate(meta, meta_len, &bad)) {
        size_t line, col;
        utf8_position(meta, bad, &line, &col);
        return error_at(meta_file, line, col,
                        "invalid UTF-8 (byte 0x%02x): save the metadata as UTF-8",
                        (unsigned char)meta[bad]);
    }
    if (memchr(meta, '\0', meta_len))
        return error_at(meta_file, 0, 0, "the file contains NUL bytes: expected UTF-8 text");
    /* A manuscript's front matter copied with its fences is accepted as it stands. */
    size_t offset = 0, line, after;
    if (meta_len >= 4 && (!memcmp(meta, "---\n", 4) || !memcmp(meta, "---\r\n", 5))) {
        size_t skip = meta[3] == '\n' ? 4 : 5;
        meta += skip;
        meta_len -= skip;
        offset = 1;
    }
    size_t yaml_len = meta_end(meta, meta_len, &line, &after);
    if (!is_blank_n(meta + after, meta_len - after))
        return error_at(meta_file, line + offset, 1,
                        "the front matter ends here, and the file goes on: %s holds the "
                        "manuscript's front matter fields alone (title, authors, ...), the text "
                        "comes from %s",
                        meta_file, body_file);
    if (is_blank_n(meta, yaml_len))
        return error_at(meta_file, 0, 0,
                        "the file is empty: expected the manuscript's front matter fields "
                        "(title, authors, ...) as in a Markdown manuscript");
    const struct md_limits *limits = rules->limits;
    if (limits && meta_len + body_len > limits->max_size)
        return error_at(body_file, 0, 0,
                        "the manuscript is %zu bytes, more than max_manuscript_size (%zu) in "
                        "journal.yaml",
                        meta_len + body_len, limits->max_size);
    if (limits && md_limits_check(body, body_len, limits, body_file, 1))
        return JOURNAL_EINPUT;

    struct parse p = {
        .file = meta_file, .rules = rules, .m = m, .fm_line = 1 + offset, .first_line = 1 + offset};
    int rc = ydoc_load(&p.doc, meta_file, meta, yaml_len, offset);
    if (rc)
        return rc;
    parse_front_matter(&p);
    ydoc_free(&p.doc);
    if (error_count()) {
        free(p.abstracts);
        manuscript_free(m);
        return JOURNAL_EINPUT;
    }
    strbuf_addstr(text, "---\n");
    strbuf_add(text, meta, yaml_len);
    if (yaml_len && meta[yaml_len - 1] != '\n')
        strbuf_addch(text, '\n');
    strbuf_addstr(text, "---\n");
    /* The body as manuscript_parse finds it in text: from the line after the fence. */
    size_t front = text->len;
    strbuf_addch(text, '\n');
    strbuf_add(text, body, body_len);
    m->body_line = 1;
    for (size_t i = 0; i < front; i++)
        m->body_line += text->buf[i] == '\n';
    m->body_len = text->len - front;
    m->body = xstrndup(text->buf + front, m->body_len);
    /* The citations of the converted text and of META.yaml's abstracts, as for Markdown. */
    p.body_file = body_file;
    if (rules->config)
        check_citations(&p);
    free(p.abstracts);
    if (error_count()) {
        manuscript_free(m);
        return JOURNAL_EINPUT;
    }
    return 0;
}

void manuscript_free(struct manuscript *m)
{
    free(m->title);
    free(m->subtitle);
    free(m->lang);
    free(m->type);
    free(m->abstract);
    for (size_t i = 0; i < m->nkeywords; i++)
        free(m->keywords[i]);
    free(m->keywords);
    for (size_t i = 0; i < m->nauthors; i++) {
        struct author *a = &m->authors[i];
        free(a->name);
        free(a->given);
        free(a->family);
        person_name_free(&a->latin);
        free(a->email);
        for (size_t j = 0; j < a->naffiliations; j++)
            affiliation_free(&a->affiliations[j]);
        free(a->affiliations);
    }
    free(m->authors);
    for (size_t i = 0; i < m->ntranslations; i++) {
        struct translation *t = &m->translations[i];
        free(t->title);
        free(t->subtitle);
        free(t->abstract);
        for (size_t j = 0; j < t->nkeywords; j++)
            free(t->keywords[j]);
        free(t->keywords);
    }
    free(m->translations);
    free(m->body);
    reference_list_free(&m->references);
    funding_free(&m->funding);
    for (size_t i = 0; i < m->nwarnings; i++)
        free(m->warnings[i]);
    free(m->warnings);
    memset(m, 0, sizeof(*m));
}
