#ifndef JOURNAL_MODEL_CONFIG_H
#define JOURNAL_MODEL_CONFIG_H

#include "model/manuscript.h"
#include "util/mdlimits.h"
#include "util/strbuf.h"

#include <yaml.h>

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_DEFAULT_MAX_MANUSCRIPT_SIZE (2u * 1024 * 1024)
#define CONFIG_DEFAULT_MAX_ATTACHMENT_SIZE (25u * 1024 * 1024)

/*
 * A text the journal gives in several of its languages: either one text
 * (lang[0] is NULL: it serves every language) or {en: ..., ru: ...}.
 */
struct localised_text {
    char **lang;
    char **text;
    size_t n;
};
/* The text in lang, else in fallback, else the first one given; NULL when there is none. */
const char *localised_get(const struct localised_text *t, const char *lang, const char *fallback);
/* Set the text in lang (NULL: the one text for every language, replacing all others). */
void localised_set(struct localised_text *t, const char *lang, const char *text);
void localised_copy(struct localised_text *dst, const struct localised_text *src);
void localised_free(struct localised_text *t);
/*
 * Read a text or {lang: text, ...} at n (NULL or null: nothing) into out, reporting at the
 * line: a mapping key that is not a language code (checked with languages when not NULL),
 * or a language the journal does not publish in (not one of published, when npublished),
 * or a value that is not text. key names the field in messages.
 */
struct ydoc;
struct language_db;
void localised_parse(struct ydoc *d, yaml_node_t *n, const char *key,
                     const struct language_db *languages, char *const *published, size_t npublished,
                     struct localised_text *out);
/* Write key: text, or key: {lang: text, ...} (nothing when t is empty). */
struct ywriter;
void localised_write(struct ywriter *w, const char *key, const struct localised_text *t);

/* A member of the editorial board, as journal.yaml lists them (in order). */
struct board_member {
    char *name;
    char *given; /* from name: {given, family} or family_first, else NULL */
    char *family;
    struct person_name latin; /* name_latin:, or all NULL */
    bool family_first;
    struct localised_text role;         /* "Editor-in-Chief", {en: ..., ru: ...} */
    char *affiliation;                  /* in the journal's main language */
    struct localised_text affiliations; /* as given: one text or {en: ..., ru: ...} */
    char *country;                      /* as written; the site resolves it with iso-codes */
    char orcid[20];
    size_t line; /* in journal.yaml, for messages about the member */
};

/*
 * An international organisation as journal.yaml declares it (organisations:),
 * so that the statistics count it once however its authors write it: an
 * affiliation with its ROR id, or whose name is its name or one of its aliases
 * (the same by roster_name_key: case, spaces and punctuation aside), is this
 * organisation, shown by name.
 */
struct config_organisation {
    char *name;
    char *ror; /* https://ror.org/0xxxxxxNN, or NULL */
    char **aliases;
    size_t naliases;
    char **keys; /* the name and the aliases folded by roster_name_key */
    size_t nkeys;
    size_t line; /* in journal.yaml */
};

/* journal.yaml: the journal's identity and its editorial settings. */
/*
 * A call for papers or special edition the front desk's form offers (journal.yaml `calls:`):
 * id (letters, digits, '-'), title (one text or one per language), deadline (YYYY-MM-DD,
 * the last day it is open; NULL: open until removed).
 */
struct config_call {
    char *id;
    struct localised_text titles;
    char *deadline;
};

/* What the front desk's form asks the author to declare (desk_declarations). */
enum {
    DECLARE_ORIGINALITY = 1,
    DECLARE_LICENSE = 2,
    DECLARE_COMPETING_INTERESTS = 4,
};

struct journal_config {
    char *title;
    char *description; /* Markdown */
    /* For the site, in each of its languages (title and description may be given per language;
       then title and description above hold the first language's text). */
    struct localised_text titles;
    struct localised_text descriptions;
    struct localised_text aims_and_scope;  /* Markdown */
    struct localised_text call_for_papers; /* Markdown */
    struct board_member *board;
    size_t nboard;
    struct config_organisation *organisations;
    size_t norganisations;
    char *publisher;                  /* in the journal's main language */
    struct localised_text publishers; /* as given: one text or {en: ..., ru: ...} */
    char *issn;
    char *base_url;                        /* always ends with '/' */
    size_t base_url_line, base_url_column; /* where journal.yaml sets it (0: not set) */
    /* The OAI static repository gateway that serves oai/static-repository.xml to harvesters
       (http(s) URL), or NULL: the file's own URL is its baseURL. */
    char *oai_gateway_url;
    char **languages;
    size_t nlanguages;
    /* Languages every manuscript in another language must be translated into (title,
       abstract where its type has one, keywords): require_translations: [en]. */
    char **require_translations;
    size_t nrequire_translations;
    char *review_mode; /* double-blind, single-blind or open */
    char *doi_prefix;
    char *doi_pattern; /* {prefix}/{journal}.{year}.{volume}.{number}.{article} by default */
    char *license;
    char *theme;
    unsigned reviews_per_submission; /* k for automatic assignment, and "fully assigned" */
    unsigned review_due_days;
    unsigned invitation_days; /* an unanswered invitation expires after this many days */
    /* A submission made on the front desk and not confirmed by its author within this many
       hours is deleted (72 by default). */
    unsigned desk_confirm_hours;
    /* desk_declarations: [originality, license, competing_interests] (all three by default;
       [] asks for none): DECLARE_* bits. */
    unsigned desk_declarations;
    struct config_call *calls;
    size_t ncalls;
    bool conflict_same_country; /* a reviewer from an author's country has a conflict */
    char *abbreviation;         /* short name for mail subjects, or NULL (the title) */
    /* Mail: without mail_from_address no mail is made; without smtp_host it waits in the outbox. */
    char *mail_from_address;
    char *mail_from_name;
    char *desk_url; /* the front desk's public address (journal serve behind a proxy), no
                       trailing '/', or NULL: invitations then carry no link */
    /* journal serve's limits (docs/operating.md#the-front-desk) */
    unsigned desk_threads;              /* requests handled at once; 0: one per core */
    unsigned desk_connections;          /* open connections at most */
    unsigned desk_timeout;              /* seconds a silent client keeps its connection */
    unsigned desk_submissions_per_hour; /* submissions from one client address in an hour */
    char *mail_reply_to;
    char *contact_email; /* the editorial office, shown to readers and harvesters (OAI-PMH) */
    char *smtp_host;
    unsigned smtp_port;  /* 0: by smtp_tls */
    char *smtp_tls;      /* starttls (default), tls or none */
    char *smtp_user_env; /* names of environment variables: credentials never live in files */
    char *smtp_password_env;
    unsigned mail_max_attempts;
    unsigned mail_stale_claim_seconds;
    /* Crossref deposits (journal deposit): who deposits, and where the login comes from. */
    char *crossref_depositor_name; /* NULL: the publisher, else the title */
    char *crossref_depositor_email;
    char *crossref_registrant; /* NULL: the publisher, else the title */
    char *crossref_login_env;  /* names of environment variables, like smtp_user_env */
    char *crossref_password_env;
    char *crossref_endpoint;      /* the production deposit URL (Crossref's by default) */
    char *crossref_test_endpoint; /* the test system's (--test) */
    char *crossref_schema_dir;    /* the Crossref XSDs with catalog.xml; NULL: the built-in ones */
    size_t max_manuscript_size;
    size_t max_attachment_size;
    /* What a manuscript's Markdown may hold (max_line_length, max_nesting_depth, ...);
       its max_size is max_manuscript_size. */
    struct md_limits markdown_limits;
    bool allow_raw_html;
    /* build-site writes a full-text search index with Pagefind (search: false turns it off). */
    bool search;
    /* build-site typesets each article's PDF galley (articles/N/article.pdf) with WeasyPrint
       (pdf: false turns it off; build-site --no-pdf skips it for one build). */
    bool pdf;
    /* The statistics page adds "Peer review in numbers" (site/editorial_stats.h). */
    bool publish_editorial_stats;
};

/*
 * The organisation journal.yaml declares for an affiliation with this name and
 * ROR id (https://ror.org/..., either may be NULL): by the ROR id first, then by
 * the name folded; NULL when none is declared.
 */
const struct config_organisation *config_organisation_find(const struct journal_config *c,
                                                           const char *name, const char *ror);

/* Parse and validate; languages may be NULL to skip checking language codes. */
int config_parse(struct journal_config *cfg, const char *file, const char *text, size_t len,
                 const struct language_db *languages);
void config_free(struct journal_config *cfg);
/* The journal.yaml that `journal init` writes; base_url NULL writes the placeholder
   CONFIG_PLACEHOLDER_BASE_URL, which build-site (but for drafts), export and deposit refuse. */
void config_write_default(struct strbuf *out, const char *title, const char *base_url);
#define CONFIG_PLACEHOLDER_BASE_URL "https://journal.example.org/"

#define CROSSREF_PRODUCTION_ENDPOINT  "https://doi.crossref.org/servlet/deposit"
#define CROSSREF_TEST_ENDPOINT        "https://test.crossref.org/servlet/deposit"
#define CROSSREF_DEFAULT_LOGIN_ENV    "CROSSREF_LOGIN_ID"
#define CROSSREF_DEFAULT_PASSWORD_ENV "CROSSREF_PASSWORD"

/* ISSN "1234-5679" (any spelling model/standard_number.h takes): format and check digit. */
bool issn_is_valid(const char *issn);

/*
 * The reserved name a URL's host falls under, or NULL for a host that can be
 * someone's real address. RFC 2606 and RFC 6761 reserve example.org, example.com,
 * example.net, the .test, .example, .invalid and .localhost domains and
 * localhost itself for documentation and testing; loopback addresses (127.0.0.0/8,
 * ::1) reach only the machine they are typed on. A site, a feed or a DOI there
 * points nowhere a reader can follow, or to someone else.
 */
const char *url_reserved_host(const char *url);
/*
 * When base_url is such a placeholder (as `journal init` writes it): the
 * message that says so and what to do, without a location (the caller owns
 * it); NULL when base_url is unset or a real address. Every command that
 * publishes the address (build-site, export, deposit) and `journal doctor`
 * use this one check.
 */
char *config_base_url_placeholder(const struct journal_config *cfg);
/* The same as an error: 0, or JOURNAL_EINPUT "journal.yaml:LINE:COL: ..." ending with why
   (for example "DOIs registered now would resolve to it"). */
int config_check_base_url(const struct journal_config *cfg, const char *why);

#endif
