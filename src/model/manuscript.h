#ifndef JOURNAL_MODEL_MANUSCRIPT_H
#define JOURNAL_MODEL_MANUSCRIPT_H

#include "model/funding.h"
#include "model/reference.h"
#include "util/mdlimits.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

struct country_db;
struct journal_config;
struct language_db;

struct affiliation {
    char *name;
    char *department;
    char country[3]; /* ISO 3166-1 alpha-2, "" for international organisations */
    bool international;
    char *ror;
    /* "file:line:col: 'England' counts as the United Kingdom ...", for the
       caller to print as a warning; NULL when the country was named as such. */
    char *country_note;
};

/*
 * A person's name in one script. text is what pages and letters show; given and family are
 * set when the name was written as {given, family} or split by the entry's family_first.
 */
struct person_name {
    char *text;
    char *given; /* or NULL */
    char *family;
};

struct author {
    char *name;
    char *given; /* from Quarto's name: {given, family}, or NULL */
    char *family;
    /* The name in Latin script when `name` is in another (name_latin:), else all NULL:
       English citations, Crossref and DOAJ use it, and the pages of Latin-script languages. */
    struct person_name latin;
    bool family_first; /* family_first: true: a one-string name is "Family Given" */
    char *email;
    char orcid[20]; /* canonical 0000-0000-0000-000X, or "" */
    bool corresponding;
    bool organization; /* a group author ("organization: true"): its name is never split */
    struct affiliation *affiliations;
    size_t naffiliations;
    size_t line; /* where the author starts in the manuscript */
};

/*
 * The manuscript's metadata in another of the journal's languages (front matter
 * `translations: {en: {title, subtitle, abstract, keywords}}`): a Russian article
 * with its English title, abstract and keywords for readers and indexers.
 */
struct translation {
    char lang[3]; /* ISO 639-1, never the manuscript's own language */
    char *title;  /* always set */
    char *subtitle;
    char *abstract; /* Markdown, or NULL */
    char **keywords;
    size_t nkeywords;
    size_t line; /* where the translation starts in the manuscript */
};

/*
 * A manuscript: Markdown with YAML front matter, validated. All strings are
 * UTF-8; country names and ORCID iDs are normalised.
 */
struct manuscript {
    char *title;
    char *subtitle;
    char *lang;
    char *type;
    char *abstract;
    char **keywords;
    size_t nkeywords;
    struct author *authors;
    size_t nauthors;
    struct translation *translations; /* in the order the front matter gives them */
    size_t ntranslations;
    char *body; /* the Markdown after the front matter */
    size_t body_len;
    size_t body_line;                 /* line of the manuscript on which body starts */
    struct reference_list references; /* front matter `references:` (CSL YAML) */
    struct funding funding;           /* front matter `funding:` (model/funding.h) */
    /* Problems that do not refuse the manuscript (a reference without a field APA
     * needs), each "file:line:col: ...": commands print them as warnings. */
    char **warnings;
    size_t nwarnings;
};

struct manuscript_rules {
    const struct country_db *countries;
    const struct language_db *languages;
    const char *default_lang; /* when the front matter has no lang */
    /* When set, the manuscript's size and its body's and abstract's Markdown must be
       within these (checked before anything renders the Markdown). */
    const struct md_limits *limits;
    /* When set (submit, revise, import, build-issue), translations must be into the
       journal's languages, and those in require_translations must be there. */
    const struct journal_config *config;
};

/*
 * Parse and validate text (len bytes) read from file. Every problem found is
 * reported (file:line:column: what was expected); returns JOURNAL_EINPUT if
 * there was any. On success the caller owns *m and frees it with manuscript_free.
 */
int manuscript_parse(struct manuscript *m, const char *file, const char *text, size_t len,
                     const struct manuscript_rules *rules);
/*
 * The same for a manuscript whose front matter and text come apart, as a Word file's
 * submission does: the fields from meta_file (a YAML mapping as in the front matter, with
 * or without its '---' fences; its problems name meta_file and its lines), the Markdown
 * body from body_file (limits checked, problems naming body_file). On success text gets the
 * manuscript as one Markdown file with front matter, which manuscript_parse reads the same.
 */
int manuscript_parse_parts(struct manuscript *m, const char *meta_file, const char *meta,
                           size_t meta_len, const char *body_file, const char *body,
                           size_t body_len, const struct manuscript_rules *rules,
                           struct strbuf *text);
void manuscript_free(struct manuscript *m);

/* The translation into lang, or NULL (also for the manuscript's own language). */
const struct translation *manuscript_translation(const struct manuscript *m, const char *lang);

/* Whom the office writes to: the corresponding author with an email, else the first with one. */
const struct author *manuscript_contact(const struct manuscript *m);

/* The article types and their English labels. */
extern const char *const manuscript_types[];
const char *manuscript_type_label(const char *type);
/* A type whose manuscripts need an abstract. */
bool manuscript_type_needs_abstract(const char *type);
/*
 * A type whose articles are scholarly work as Google Scholar's inclusion guidelines mean it
 * (research, case studies, reviews, practice papers): editorials and interviews are not, and
 * carry no citation_* tags; Dublin Core and Open Graph describe every article.
 */
bool manuscript_type_is_scholarly(const char *type);

#endif
