#include "model/config.h"

#include "model/language.h"
#include "model/orcid.h"
#include "model/person.h"
#include "model/record.h"
#include "model/roster.h"
#include "model/ror.h"
#include "model/standard_number.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/mime.h"
#include "util/yaml.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const config_keys[] = {"title",
                                          "abbreviation",
                                          "doi_pattern",
                                          "description",
                                          "publisher",
                                          "issn",
                                          "base_url",
                                          "desk_url",
                                          "desk_threads",
                                          "desk_connections",
                                          "desk_timeout",
                                          "desk_submissions_per_hour",
                                          "languages",
                                          "require_translations",
                                          "review_mode",
                                          "doi_prefix",
                                          "license",
                                          "theme",
                                          "max_manuscript_size",
                                          "max_attachment_size",
                                          "max_line_length",
                                          "max_nesting_depth",
                                          "max_table_cells",
                                          "max_footnotes",
                                          "max_link_definitions",
                                          "max_link_expansion",
                                          "max_markup",
                                          "allow_raw_html",
                                          "reviews_per_submission",
                                          "review_due_days",
                                          "invitation_days",
                                          "desk_confirm_hours",
                                          "desk_declarations",
                                          "calls",
                                          "conflict_same_country",
                                          "mail_from_address",
                                          "mail_from_name",
                                          "mail_reply_to",
                                          "smtp_host",
                                          "smtp_port",
                                          "smtp_tls",
                                          "smtp_user_env",
                                          "smtp_password_env",
                                          "mail_max_attempts",
                                          "mail_stale_claim_seconds",
                                          "aims_and_scope",
                                          "contact_email",
                                          "call_for_papers",
                                          "editorial_board",
                                          "organisations",
                                          "crossref_depositor_name",
                                          "crossref_depositor_email",
                                          "crossref_registrant",
                                          "crossref_login_env",
                                          "crossref_password_env",
                                          "crossref_endpoint",
                                          "crossref_test_endpoint",
                                          "crossref_schema_dir",
                                          "oai_gateway_url",
                                          "search",
                                          "pdf",
                                          "publish_editorial_stats",
                                          NULL};

bool issn_is_valid(const char *issn)
{
    char canonical[ISSN_CANONICAL_SIZE];
    return issn_canonical(issn, canonical, NULL) == 0;
}

/* host (lower-case ASCII) is name or ends with ".name" */
static bool host_under(const char *host, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (len < n || strncmp(host + len - n, name, n))
        return false;
    return len == n || host[len - n - 1] == '.';
}

const char *url_reserved_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t end = strcspn(p, "/?#");
    const char *at = memchr(p, '@', end);
    if (at) {
        end -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    char host[256];
    size_t len = 0;
    if (*p == '[') { /* an IPv6 literal */
        const char *close = memchr(p, ']', end);
        if (!close)
            return NULL;
        for (const char *q = p + 1; q < close && len < sizeof(host) - 1; q++)
            host[len++] = (char)tolower((unsigned char)*q);
        host[len] = '\0';
        return !strcmp(host, "::1") || !strcmp(host, "0:0:0:0:0:0:0:1") ? "::1" : NULL;
    }
    for (size_t i = 0; i < end && p[i] != ':' && len < sizeof(host) - 1; i++)
        host[len++] = (char)tolower((unsigned char)p[i]);
    while (len && host[len - 1] == '.')
        len--;
    host[len] = '\0';
    static const char *const reserved[] = {"example.org", "example.com", "example.net", "example",
                                           "test",        "invalid",     "localhost"};
    for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        if (host_under(host, len, reserved[i]))
            return reserved[i];
    unsigned a, b, c, d;
    char extra;
    if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) == 4 && a == 127 && b < 256 &&
        c < 256 && d < 256)
        return "127.0.0.0/8";
    return NULL;
}

char *config_base_url_placeholder(const struct journal_config *cfg)
{
    const char *reserved = cfg->base_url ? url_reserved_host(cfg->base_url) : NULL;
    if (!reserved)
        return NULL;
    return xasprintf("base_url '%s' is a placeholder (%s is reserved for examples and tests, "
                     "not a public address): set base_url in journal.yaml to the address where "
                     "the journal's site will be published and commit it",
                     cfg->base_url, reserved);
}

int config_check_base_url(const struct journal_config *cfg, const char *why)
{
    char *msg = config_base_url_placeholder(cfg);
    if (!msg)
        return 0;
    int rc = error_at("journal.yaml", cfg->base_url_line, cfg->base_url_column, "%s; %s", msg, why);
    free(msg);
    return rc;
}

static char *dup_scalar(struct ydoc *d, yaml_node_t *root, const char *key, bool required)
{
    yaml_node_t *n = ydoc_get(d, root, key);
    if (!n || ydoc_is_null(n)) {
        if (required)
            error_add_at(d->file, 0, 0, "missing required field '%s'", key);
        return NULL;
    }
    const char *s = ydoc_scalar(n);
    if (!s) {
        ydoc_problem(d, n, "'%s' must be a text value", key);
        return NULL;
    }
    return xstrdup(s);
}

const char *localised_get(const struct localised_text *t, const char *lang, const char *fallback)
{
    const char *first = NULL, *other = NULL;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->lang[i] || (lang && !strcmp(t->lang[i], lang)))
            return t->text[i];
        if (fallback && !strcmp(t->lang[i], fallback))
            other = t->text[i];
        if (!first)
            first = t->text[i];
    }
    return other ? other : first;
}

static void localised_add(struct localised_text *t, const char *lang, const char *text)
{
    t->lang = xrealloc(t->lang, (t->n + 1) * sizeof(*t->lang));
    t->text = xrealloc(t->text, (t->n + 1) * sizeof(*t->text));
    t->lang[t->n] = lang ? xstrdup(lang) : NULL;
    t->text[t->n++] = xstrdup(text);
}

void localised_free(struct localised_text *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->lang[i]);
        free(t->text[i]);
    }
    free(t->lang);
    free(t->text);
    memset(t, 0, sizeof(*t));
}

void localised_set(struct localised_text *t, const char *lang, const char *text)
{
    if (!lang) {
        localised_free(t);
        localised_add(t, NULL, text);
        return;
    }
    for (size_t i = 0; i < t->n; i++)
        if (t->lang[i] && !strcmp(t->lang[i], lang)) {
            free(t->text[i]);
            t->text[i] = xstrdup(text);
            return;
        }
    localised_add(t, lang, text);
}

void localised_copy(struct localised_text *dst, const struct localised_text *src)
{
    memset(dst, 0, sizeof(*dst));
    for (size_t i = 0; i < src->n; i++)
        localised_add(dst, src->lang[i], src->text[i]);
}

void localised_parse(struct ydoc *d, yaml_node_t *n, const char *key,
                     const struct language_db *languages, char *const *published, size_t npublished,
                     struct localised_text *out)
{
    if (!n || ydoc_is_null(n))
        return;
    if (ydoc_scalar(n)) {
        localised_add(out, NULL, ydoc_scalar(n));
        return;
    }
    if (n->type != YAML_MAPPING_NODE) {
        ydoc_problem(d, n, "'%s' must be a text, or one text per language ({en: ..., ru: ...})",
                     key);
        return;
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ydoc_node(d, p->key), *v = ydoc_node(d, p->value);
        const char *lang = ydoc_scalar(k), *text = ydoc_scalar(v);
        bool known = lang && (!languages || language_lookup(languages, lang));
        bool ours = !npublished;
        for (size_t i = 0; lang && i < npublished; i++)
            ours = ours || !strcmp(published[i], lang);
        if (!known)
            ydoc_problem(d, k, "'%s': expected a language code such as en or ru", key);
        else if (!ours) {
            struct strbuf list = STRBUF_INIT;
            for (size_t i = 0; i < npublished; i++)
                strbuf_addf(&list, "%s%s", i ? ", " : "", published[i]);
            ydoc_problem(d, k,
                         "'%s' in %s: the journal does not publish in %s (journal.yaml "
                         "languages: [%s])",
                         key, lang, lang, list.buf);
            strbuf_release(&list);
        } else if (!text)
            ydoc_problem(d, v, "'%s' in %s must be a text", key, lang);
        else
            localised_set(out, lang, text);
    }
}

void localised_write(struct ywriter *w, const char *key, const struct localised_text *t)
{
    if (!t->n)
        return;
    if (t->n == 1 && !t->lang[0]) {
        ywriter_pair(w, key, t->text[0]);
        return;
    }
    ywriter_plain(w, key);
    ywriter_map_begin(w);
    for (size_t i = 0; i < t->n; i++)
        if (t->lang[i])
            ywriter_pair(w, t->lang[i], t->text[i]);
    ywriter_map_end(w);
}

/* The text in the journal's main language, for what speaks one language only. */
static char *main_text(const struct localised_text *t, const struct journal_config *cfg)
{
    const char *text = localised_get(t, cfg->languages[0], NULL);
    return text ? xstrdup(text) : NULL;
}

static const char *const board_keys[] = {"name",        "name_latin", "family_first", "role",
                                         "affiliation", "country",    "orcid",        NULL};

static void parse_board(struct ydoc *d, yaml_node_t *n, const struct language_db *languages,
                        struct journal_config *cfg)
{
    if (!n || ydoc_is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n, "'editorial_board' must be a list of members (name, role, ...)");
        return;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    cfg->board = xcalloc(count ? count : 1, sizeof(*cfg->board));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        if (item->type != YAML_MAPPING_NODE) {
            ydoc_problem(d, item, "expected a board member: name, role, affiliation, country");
            continue;
        }
        ydoc_check_keys(d, item, board_keys, "a board member");
        struct board_member *bm = &cfg->board[cfg->nboard++];
        bm->line = ydoc_line(d, item);
        struct person_name name;
        person_parse_names(d, item, "name", &name, &bm->latin, &bm->family_first);
        bm->name = name.text;
        bm->given = name.given;
        bm->family = name.family;
        yaml_node_t *name_node = ydoc_get(d, item, "name");
        if (!name_node || ydoc_is_null(name_node))
            ydoc_problem(d, item, "a board member needs a name");
        localised_parse(d, ydoc_get(d, item, "role"), "role", languages, cfg->languages,
                        cfg->nlanguages, &bm->role);
        if (!bm->role.n)
            ydoc_problem(d, item, "a board member needs a role (Editor-in-Chief, Member...)");
        localised_parse(d, ydoc_get(d, item, "affiliation"), "affiliation", languages,
                        cfg->languages, cfg->nlanguages, &bm->affiliations);
        bm->affiliation = main_text(&bm->affiliations, cfg);
        bm->country = dup_scalar(d, item, "country", false);
        yaml_node_t *orcid = ydoc_get(d, item, "orcid");
        if (orcid && !ydoc_is_null(orcid)) {
            const char *text = ydoc_scalar(orcid);
            if (!text || orcid_check(text, bm->orcid) != ORCID_VALID)
                ydoc_problem(d, orcid, "not a valid ORCID iD (expected 0000-0000-0000-000X)");
        }
    }
}

static const char *const call_keys[] = {"id", "title", "deadline", NULL};

/* calls: [{id, title, deadline}]: what the front desk's form offers to answer. */
static void parse_calls(struct ydoc *d, yaml_node_t *n, const struct language_db *languages,
                        struct journal_config *cfg)
{
    if (!n || ydoc_is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n, "'calls' must be a list of calls for papers (id, title, deadline)");
        return;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    cfg->calls = xcalloc(count ? count : 1, sizeof(*cfg->calls));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        if (item->type != YAML_MAPPING_NODE) {
            ydoc_problem(d, item, "expected a call for papers: id, title, deadline");
            continue;
        }
        ydoc_check_keys(d, item, call_keys, "a call for papers");
        struct config_call *call = &cfg->calls[cfg->ncalls++];
        call->id = dup_scalar(d, item, "id", false);
        if (!call->id || !*call->id ||
            strspn(call->id, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(call->id))
            ydoc_problem(d, item,
                         "a call needs an id of lower-case letters, digits and '-' (china-2027)");
        for (size_t i = 0; call->id && i + 1 < cfg->ncalls; i++)
            if (cfg->calls[i].id && !strcmp(cfg->calls[i].id, call->id))
                ydoc_problem(d, item, "call '%s' is given twice", call->id);
        localised_parse(d, ydoc_get(d, item, "title"), "title", languages, cfg->languages,
                        cfg->nlanguages, &call->titles);
        if (!call->titles.n)
            ydoc_problem(d, item, "a call needs a title (one text, or one per language)");
        yaml_node_t *dl = ydoc_get(d, item, "deadline");
        if (dl && !ydoc_is_null(dl)) {
            const char *date = ydoc_scalar(dl);
            if (!date || !date_is_valid(date))
                ydoc_problem(d, dl, "'deadline' must be a date written YYYY-MM-DD");
            else
                call->deadline = xstrdup(date);
        }
    }
}

/* desk_declarations: a list of originality, license, competing_interests. */
static unsigned parse_declarations(struct ydoc *d, yaml_node_t *n)
{
    if (!n)
        return DECLARE_ORIGINALITY | DECLARE_LICENSE | DECLARE_COMPETING_INTERESTS;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n,
                     "'desk_declarations' must be a list of originality, license, "
                     "competing_interests ([] for none)");
        return 0;
    }
    unsigned bits = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        const char *s = ydoc_scalar(item);
        if (s && !strcmp(s, "originality"))
            bits |= DECLARE_ORIGINALITY;
        else if (s && !strcmp(s, "license"))
            bits |= DECLARE_LICENSE;
        else if (s && !strcmp(s, "competing_interests"))
            bits |= DECLARE_COMPETING_INTERESTS;
        else
            ydoc_problem(d, item,
                         "unknown declaration '%s' (expected originality, license or "
                         "competing_interests)",
                         s ? s : "");
    }
    return bits;
}

static const char *const organisation_keys[] = {"name", "ror", "aliases", NULL};

/* Another organisation already declared with this folded name or ROR id, or NULL. */
static const struct config_organisation *organisation_clash(const struct journal_config *cfg,
                                                            const char *key, const char *ror)
{
    for (size_t i = 0; i < cfg->norganisations; i++) {
        const struct config_organisation *o = &cfg->organisations[i];
        if (ror && o->ror && !strcmp(ror, o->ror))
            return o;
        for (size_t k = 0; key && k < o->nkeys; k++)
            if (!strcmp(key, o->keys[k]))
                return o;
    }
    return NULL;
}

/* One name of an organisation (its name or an alias), folded and checked against the others.
   Folded as written (roster_name_key), not matched like conflicts (model/namematch.h): the
   aliases are declared, and a loose match would merge two organisations' statistics. */
static void organisation_add_name(struct ydoc *d, yaml_node_t *n, struct journal_config *cfg,
                                  struct config_organisation *o, const char *name)
{
    char *key = roster_name_key(name);
    const struct config_organisation *other = organisation_clash(cfg, key, NULL);
    bool twice = false;
    for (size_t k = 0; k < o->nkeys; k++)
        twice = twice || !strcmp(key, o->keys[k]);
    if (!*key) {
        ydoc_problem(d, n, "'%s' is no name (letters or digits expected)", name);
        free(key);
    } else if (other) {
        ydoc_problem(d, n,
                     "'%s' is already a name of '%s' (line %zu): a name counts for one "
                     "organisation",
                     name, other->name ? other->name : "?", other->line);
        free(key);
    } else if (twice) {
        free(key); /* "UNDP" and "undp" are one name */
    } else {
        o->keys[o->nkeys++] = key;
    }
}

static void parse_organisations(struct ydoc *d, yaml_node_t *n, struct journal_config *cfg)
{
    if (!n || ydoc_is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n,
                     "'organisations' must be a list of international organisations "
                     "({name: ..., ror: https://ror.org/..., aliases: [...]})");
        return;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    cfg->organisations = xcalloc(count ? count : 1, sizeof(*cfg->organisations));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        if (item->type != YAML_MAPPING_NODE) {
            ydoc_problem(d, item, "expected an organisation: name, ror, aliases");
            continue;
        }
        ydoc_check_keys(d, item, organisation_keys, "an organisation");
        struct config_organisation o = {.line = ydoc_line(d, item)};
        yaml_node_t *name = ydoc_get(d, item, "name");
        yaml_node_t *ror = ydoc_get(d, item, "ror");
        yaml_node_t *aliases = ydoc_get(d, item, "aliases");
        size_t naliases =
            aliases && aliases->type == YAML_SEQUENCE_NODE
                ? (size_t)(aliases->data.sequence.items.top - aliases->data.sequence.items.start)
                : 0;
        o.keys = xcalloc(naliases + 2, sizeof(*o.keys));
        o.aliases = xcalloc(naliases + 1, sizeof(*o.aliases));
        if (!name || !ydoc_scalar(name) || !*ydoc_scalar(name)) {
            ydoc_problem(d, name ? name : item, "an organisation needs a name (name: ...)");
        } else {
            o.name = xstrdup(ydoc_scalar(name));
            organisation_add_name(d, name, cfg, &o, o.name);
        }
        if (ror && !ydoc_is_null(ror)) {
            char id[ROR_CANONICAL_SIZE];
            const char *text = ydoc_scalar(ror);
            const struct config_organisation *other = NULL;
            if (!text || ror_check(text, id) != ROR_VALID) {
                ydoc_problem(d, ror, "not a valid ROR id (expected https://ror.org/0xxxxxxNN)");
            } else {
                o.ror = xasprintf("https://ror.org/%s", id);
                if ((other = organisation_clash(cfg, NULL, o.ror)))
                    ydoc_problem(d, ror, "%s is already the ROR id of '%s' (line %zu)", o.ror,
                                 other->name ? other->name : "?", other->line);
            }
        }
        if (aliases && !ydoc_is_null(aliases) && aliases->type != YAML_SEQUENCE_NODE)
            ydoc_problem(d, aliases,
                         "'aliases' must be a list of the other names authors write "
                         "(aliases: [UNDP, ...])");
        for (size_t k = 0; k < naliases; k++) {
            yaml_node_t *alias = ydoc_node(d, aliases->data.sequence.items.start[k]);
            const char *text = ydoc_scalar(alias);
            if (!text || !*text) {
                ydoc_problem(d, alias, "an alias must be a name");
                continue;
            }
            o.aliases[o.naliases++] = xstrdup(text);
            organisation_add_name(d, alias, cfg, &o, text);
        }
        cfg->organisations[cfg->norganisations++] = o;
    }
}

const struct config_organisation *config_organisation_find(const struct journal_config *c,
                                                           const char *name, const char *ror)
{
    if (!c || !c->norganisations)
        return NULL;
    if (ror && *ror) {
        const struct config_organisation *o = organisation_clash(c, NULL, ror);
        if (o)
            return o;
    }
    if (!name)
        return NULL;
    char *key = roster_name_key(name);
    const struct config_organisation *o = organisation_clash(c, key, NULL);
    free(key);
    return o;
}

static size_t parse_size(struct ydoc *d, yaml_node_t *root, const char *key, size_t fallback)
{
    yaml_node_t *n = ydoc_get(d, root, key);
    unsigned long v;
    if (!n)
        return fallback;
    if (!ydoc_uint(n, &v) || v == 0 || v > 1ul << 40) {
        ydoc_problem(d, n, "'%s' must be a positive whole number", key);
        return fallback;
    }
    return v;
}

/* The name of an environment variable: letters, digits and '_', not starting with a digit. */
static bool env_name_is_valid(const char *s)
{
    if (!*s || isdigit((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* The Crossref settings: credentials are named, never given; endpoints are http(s) URLs. */
static void parse_crossref(struct ydoc *d, yaml_node_t *root, struct journal_config *cfg)
{
    cfg->crossref_depositor_name = dup_scalar(d, root, "crossref_depositor_name", false);
    cfg->crossref_depositor_email = dup_scalar(d, root, "crossref_depositor_email", false);
    cfg->crossref_registrant = dup_scalar(d, root, "crossref_registrant", false);
    cfg->crossref_login_env = dup_scalar(d, root, "crossref_login_env", false);
    cfg->crossref_password_env = dup_scalar(d, root, "crossref_password_env", false);
    cfg->crossref_endpoint = dup_scalar(d, root, "crossref_endpoint", false);
    cfg->crossref_test_endpoint = dup_scalar(d, root, "crossref_test_endpoint", false);
    cfg->crossref_schema_dir = dup_scalar(d, root, "crossref_schema_dir", false);
    if (cfg->crossref_depositor_email && !mime_address_is_valid(cfg->crossref_depositor_email))
        ydoc_problem(d, ydoc_get(d, root, "crossref_depositor_email"),
                     "'%s' is not an email address (expected local@domain)",
                     cfg->crossref_depositor_email);
    static const char *const envs[] = {"crossref_login_env", "crossref_password_env"};
    char **env_values[] = {&cfg->crossref_login_env, &cfg->crossref_password_env};
    static const char *const env_defaults[] = {CROSSREF_DEFAULT_LOGIN_ENV,
                                               CROSSREF_DEFAULT_PASSWORD_ENV};
    for (size_t i = 0; i < 2; i++) {
        if (!*env_values[i])
            *env_values[i] = xstrdup(env_defaults[i]);
        else if (!env_name_is_valid(*env_values[i]))
            ydoc_problem(d, ydoc_get(d, root, envs[i]),
                         "'%s' must name an environment variable (letters, digits, _), not hold "
                         "the credential itself",
                         envs[i]);
    }
    static const char *const urls[] = {"crossref_endpoint", "crossref_test_endpoint"};
    char **url_values[] = {&cfg->crossref_endpoint, &cfg->crossref_test_endpoint};
    static const char *const url_defaults[] = {CROSSREF_PRODUCTION_ENDPOINT,
                                               CROSSREF_TEST_ENDPOINT};
    for (size_t i = 0; i < 2; i++) {
        if (!*url_values[i])
            *url_values[i] = xstrdup(url_defaults[i]);
        else if (strncmp(*url_values[i], "https://", 8) && strncmp(*url_values[i], "http://", 7))
            ydoc_problem(d, ydoc_get(d, root, urls[i]), "%s must start with https:// or http://",
                         urls[i]);
    }
}

static bool parse_flag(struct ydoc *d, yaml_node_t *root, const char *key)
{
    yaml_node_t *n = ydoc_get(d, root, key);
    if (!n)
        return false;
    int b = ydoc_bool(n);
    if (b < 0)
        ydoc_problem(d, n, "'%s' must be true or false", key);
    return b == 1;
}

/* languages: [en, ru], read first: the texts given per language are checked against it. */
static void parse_languages(struct ydoc *d, yaml_node_t *root, const struct language_db *languages,
                            struct journal_config *cfg)
{
    yaml_node_t *n = ydoc_get(d, root, "languages");
    if (n && n->type == YAML_SEQUENCE_NODE) {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        cfg->languages = xcalloc(count + 1, sizeof(char *));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            yaml_node_t *item = ydoc_node(d, *it);
            const char *code = ydoc_scalar(item);
            if (!code) {
                ydoc_problem(d, item, "expected a language code such as en or ru");
                continue;
            }
            if (languages && !language_lookup(languages, code)) {
                char *hint = language_hint(languages, code);
                ydoc_problem(d, item,
                             "unknown language code '%s' (expected ISO 639-1, e.g. en, ru)%s", code,
                             hint);
                free(hint);
                continue;
            }
            cfg->languages[cfg->nlanguages++] = xstrdup(code);
        }
    } else if (n) {
        ydoc_problem(d, n, "'languages' must be a list such as [en, ru]");
    }
    if (!cfg->nlanguages) {
        free(cfg->languages);
        cfg->languages = xcalloc(2, sizeof(char *));
        cfg->languages[cfg->nlanguages++] = xstrdup("en");
    }
}

int config_parse(struct journal_config *cfg, const char *file, const char *text, size_t len,
                 const struct language_db *languages)
{
    struct ydoc d;
    yaml_node_t *root;
    memset(cfg, 0, sizeof(*cfg));
    int rc = ydoc_load_mapping(&d, file, text, len, config_keys, "journal.yaml",
                               "a mapping of settings (title, issn, base_url, ...)", &root);
    if (rc)
        return rc;

    parse_languages(&d, root, languages, cfg);
    char *const *ours = cfg->languages;
    size_t nours = cfg->nlanguages;
    localised_parse(&d, ydoc_get(&d, root, "title"), "title", languages, ours, nours, &cfg->titles);
    localised_parse(&d, ydoc_get(&d, root, "description"), "description", languages, ours, nours,
                    &cfg->descriptions);
    localised_parse(&d, ydoc_get(&d, root, "aims_and_scope"), "aims_and_scope", languages, ours,
                    nours, &cfg->aims_and_scope);
    localised_parse(&d, ydoc_get(&d, root, "call_for_papers"), "call_for_papers", languages, ours,
                    nours, &cfg->call_for_papers);
    localised_parse(&d, ydoc_get(&d, root, "publisher"), "publisher", languages, ours, nours,
                    &cfg->publishers);
    cfg->publisher = main_text(&cfg->publishers, cfg);
    parse_board(&d, ydoc_get(&d, root, "editorial_board"), languages, cfg);
    parse_organisations(&d, ydoc_get(&d, root, "organisations"), cfg);
    cfg->issn = dup_scalar(&d, root, "issn", false);
    cfg->base_url = dup_scalar(&d, root, "base_url", false);
    if (cfg->base_url) {
        yaml_node_t *n = ydoc_get(&d, root, "base_url");
        cfg->base_url_line = ydoc_line(&d, n);
        cfg->base_url_column = ydoc_column(n);
    }
    cfg->review_mode = dup_scalar(&d, root, "review_mode", false);
    cfg->doi_prefix = dup_scalar(&d, root, "doi_prefix", false);
    cfg->license = dup_scalar(&d, root, "license", false);
    cfg->theme = dup_scalar(&d, root, "theme", false);
    cfg->max_manuscript_size =
        parse_size(&d, root, "max_manuscript_size", CONFIG_DEFAULT_MAX_MANUSCRIPT_SIZE);
    cfg->max_attachment_size =
        parse_size(&d, root, "max_attachment_size", CONFIG_DEFAULT_MAX_ATTACHMENT_SIZE);
    struct md_limits *ml = &cfg->markdown_limits;
    md_limits_default(ml, cfg->max_manuscript_size);
    ml->max_line_length = parse_size(&d, root, "max_line_length", ml->max_line_length);
    ml->max_nesting_depth = parse_size(&d, root, "max_nesting_depth", ml->max_nesting_depth);
    if (ml->max_nesting_depth > MD_LIMITS_MAX_NESTING_DEPTH) {
        ydoc_problem(&d, ydoc_get(&d, root, "max_nesting_depth"),
                     "'max_nesting_depth' must be at most %u (deeper documents overflow the "
                     "stack of the JATS writer)",
                     MD_LIMITS_MAX_NESTING_DEPTH);
        ml->max_nesting_depth = MD_LIMITS_DEFAULT_NESTING_DEPTH;
    }
    ml->max_table_cells = parse_size(&d, root, "max_table_cells", ml->max_table_cells);
    ml->max_footnotes = parse_size(&d, root, "max_footnotes", ml->max_footnotes);
    ml->max_link_definitions =
        parse_size(&d, root, "max_link_definitions", ml->max_link_definitions);
    ml->max_markup = parse_size(&d, root, "max_markup", ml->max_markup);
    ml->max_link_expansion = parse_size(&d, root, "max_link_expansion", ml->max_link_expansion);

    cfg->abbreviation = dup_scalar(&d, root, "abbreviation", false);
    cfg->doi_pattern = dup_scalar(&d, root, "doi_pattern", false);
    if (cfg->doi_pattern && strncmp(cfg->doi_pattern, "{prefix}/", 9))
        ydoc_problem(&d, ydoc_get(&d, root, "doi_pattern"),
                     "doi_pattern must start with {prefix}/ (then {journal}, {year}, {volume}, "
                     "{number}, {issue}, {article}, {submission})");
    cfg->mail_from_address = dup_scalar(&d, root, "mail_from_address", false);
    cfg->mail_from_name = dup_scalar(&d, root, "mail_from_name", false);
    cfg->desk_url = dup_scalar(&d, root, "desk_url", false);
    cfg->mail_reply_to = dup_scalar(&d, root, "mail_reply_to", false);
    cfg->contact_email = dup_scalar(&d, root, "contact_email", false);
    cfg->smtp_host = dup_scalar(&d, root, "smtp_host", false);
    cfg->smtp_tls = dup_scalar(&d, root, "smtp_tls", false);
    cfg->smtp_user_env = dup_scalar(&d, root, "smtp_user_env", false);
    cfg->smtp_password_env = dup_scalar(&d, root, "smtp_password_env", false);
    yaml_node_t *port = ydoc_get(&d, root, "smtp_port");
    unsigned long port_value = 0;
    if (port && (!ydoc_uint(port, &port_value) || port_value > 65535))
        ydoc_problem(&d, port, "'smtp_port' must be a port number (1-65535)");
    cfg->smtp_port = (unsigned)port_value;
    static const char *const desk_keys[] = {"desk_threads", "desk_connections", "desk_timeout",
                                            "desk_submissions_per_hour"};
    /* desk_threads 0 (not set): journal serve takes one per core (desk.c). */
    static const size_t desk_default[] = {0, 256, 30, 10}, desk_max[] = {256, 65536, 3600, 1000000};
    unsigned *desk_fields[] = {&cfg->desk_threads, &cfg->desk_connections, &cfg->desk_timeout,
                               &cfg->desk_submissions_per_hour};
    for (size_t i = 0; i < 4; i++) {
        size_t v = parse_size(&d, root, desk_keys[i], desk_default[i]);
        if (v > desk_max[i]) {
            ydoc_problem(&d, ydoc_get(&d, root, desk_keys[i]), "'%s' must be at most %zu",
                         desk_keys[i], desk_max[i]);
            v = desk_default[i];
        }
        *desk_fields[i] = (unsigned)v;
    }
    cfg->mail_max_attempts = (unsigned)parse_size(&d, root, "mail_max_attempts", 10);
    cfg->mail_stale_claim_seconds = (unsigned)parse_size(&d, root, "mail_stale_claim_seconds", 600);
    if (cfg->mail_stale_claim_seconds < 60)
        ydoc_problem(&d, ydoc_get(&d, root, "mail_stale_claim_seconds"),
                     "'mail_stale_claim_seconds' must be at least 60 (a slow server must not "
                     "have its message sent twice)");
    if (!cfg->smtp_tls)
        cfg->smtp_tls = xstrdup("starttls");
    else if (strcmp(cfg->smtp_tls, "starttls") && strcmp(cfg->smtp_tls, "tls") &&
             strcmp(cfg->smtp_tls, "none"))
        ydoc_problem(&d, ydoc_get(&d, root, "smtp_tls"),
                     "smtp_tls '%s' is not one of starttls, tls, none", cfg->smtp_tls);
    static const char *const addresses[] = {"mail_from_address", "mail_reply_to", "contact_email"};
    const char *values[] = {cfg->mail_from_address, cfg->mail_reply_to, cfg->contact_email};
    for (size_t i = 0; i < 3; i++)
        if (values[i] && !mime_address_is_valid(values[i]))
            ydoc_problem(&d, ydoc_get(&d, root, addresses[i]),
                         "'%s' is not an email address (expected local@domain)", values[i]);
    if (cfg->smtp_host && !cfg->mail_from_address)
        ydoc_problem(&d, ydoc_get(&d, root, "smtp_host"),
                     "smtp_host is set but mail_from_address is not: mail needs a sender");
    parse_crossref(&d, root, cfg);
    cfg->allow_raw_html = parse_flag(&d, root, "allow_raw_html");
    cfg->conflict_same_country = parse_flag(&d, root, "conflict_same_country");
    /* Full-text search is on unless journal.yaml says search: false. */
    cfg->search = !ydoc_get(&d, root, "search") || parse_flag(&d, root, "search");
    /* So are the PDF galleys, unless it says pdf: false. */
    cfg->pdf = !ydoc_get(&d, root, "pdf") || parse_flag(&d, root, "pdf");
    cfg->reviews_per_submission = (unsigned)parse_size(&d, root, "reviews_per_submission", 3);
    cfg->review_due_days = (unsigned)parse_size(&d, root, "review_due_days", 21);
    /* An invitation not answered within this many days has expired (assignment_state). */
    cfg->invitation_days = (unsigned)parse_size(&d, root, "invitation_days", 14);
    /* A submission made on the front desk waits this long for its author's confirmation. */
    cfg->desk_confirm_hours = (unsigned)parse_size(&d, root, "desk_confirm_hours", 72);
    cfg->desk_declarations = parse_declarations(&d, ydoc_get(&d, root, "desk_declarations"));
    parse_calls(&d, ydoc_get(&d, root, "calls"), languages, cfg);
    cfg->publish_editorial_stats = parse_flag(&d, root, "publish_editorial_stats");

    if (cfg->issn) {
        /* Stored as NNNN-NNNC with an upper-case X, whatever the spelling: Crossref's schema
           refuses a lower-case x, and every output should carry the same text. */
        char canonical[ISSN_CANONICAL_SIZE], expected = 0;
        int form = issn_canonical(cfg->issn, canonical, &expected);
        if (form == STANDARD_NUMBER_CHECK_DIGIT)
            ydoc_problem(&d, ydoc_get(&d, root, "issn"),
                         "'%s' is not a valid ISSN: its first seven digits call for the check "
                         "digit %c (compare it with the ISSN the ISSN centre assigned)",
                         cfg->issn, expected);
        else if (form)
            ydoc_problem(&d, ydoc_get(&d, root, "issn"),
                         "'%s' is not a valid ISSN (expected NNNN-NNNC: eight digits, the last "
                         "one may be X, for example 2789-388X)",
                         cfg->issn);
        else {
            free(cfg->issn);
            cfg->issn = xstrdup(canonical);
        }
    }
    cfg->oai_gateway_url = dup_scalar(&d, root, "oai_gateway_url", false);
    if (cfg->oai_gateway_url && strncmp(cfg->oai_gateway_url, "https://", 8) &&
        strncmp(cfg->oai_gateway_url, "http://", 7))
        ydoc_problem(&d, ydoc_get(&d, root, "oai_gateway_url"),
                     "oai_gateway_url must start with https:// or http:// (the address of the "
                     "OAI static repository gateway that serves the journal's OAI file)");
    if (cfg->desk_url) {
        size_t dl = strlen(cfg->desk_url);
        if (strncmp(cfg->desk_url, "https://", 8) && strncmp(cfg->desk_url, "http://", 7))
            ydoc_problem(&d, ydoc_get(&d, root, "desk_url"),
                         "desk_url must start with https:// or http:// (the front desk's "
                         "public address, where `journal serve` is reached)");
        else if (strcspn(cfg->desk_url, " \t\r\n\"<>") != dl)
            ydoc_problem(&d, ydoc_get(&d, root, "desk_url"),
                         "desk_url must be an address without spaces, quotes or angle brackets");
        else if (cfg->desk_url[dl - 1] == '/')
            cfg->desk_url[dl - 1] = '\0'; /* the links add their own "/review/..." */
    }
    if (cfg->base_url) {
        if (strncmp(cfg->base_url, "https://", 8) && strncmp(cfg->base_url, "http://", 7)) {
            ydoc_problem(&d, ydoc_get(&d, root, "base_url"),
                         "base_url must start with https:// or http://");
        } else if (cfg->base_url[strlen(cfg->base_url) - 1] != '/') {
            char *with_slash = xasprintf("%s/", cfg->base_url);
            free(cfg->base_url);
            cfg->base_url = with_slash;
        }
    }
    if (!cfg->review_mode)
        cfg->review_mode = xstrdup("double-blind");
    else if (strcmp(cfg->review_mode, "double-blind") && strcmp(cfg->review_mode, "single-blind") &&
             strcmp(cfg->review_mode, "open"))
        ydoc_problem(&d, ydoc_get(&d, root, "review_mode"),
                     "review_mode '%s' is not one of double-blind, single-blind, open",
                     cfg->review_mode);
    if (cfg->doi_prefix && (strncmp(cfg->doi_prefix, "10.", 3) || strlen(cfg->doi_prefix) < 7 ||
                            strchr(cfg->doi_prefix, '/')))
        ydoc_problem(&d, ydoc_get(&d, root, "doi_prefix"),
                     "doi_prefix '%s' is not a DOI prefix (expected 10.NNNN)", cfg->doi_prefix);
    if (!cfg->theme)
        cfg->theme = xstrdup("default");
    else if (!*cfg->theme || strchr(cfg->theme, '/') || cfg->theme[0] == '.')
        ydoc_problem(&d, ydoc_get(&d, root, "theme"), "theme must be a folder name in themes/");
    if (!cfg->license)
        cfg->license = xstrdup("CC BY 4.0");

    yaml_node_t *n = ydoc_get(&d, root, "require_translations");
    if (n && n->type == YAML_SEQUENCE_NODE) {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        cfg->require_translations = xcalloc(count + 1, sizeof(char *));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            yaml_node_t *item = ydoc_node(&d, *it);
            const char *code = ydoc_scalar(item);
            bool published = false;
            for (size_t i = 0; code && i < cfg->nlanguages; i++)
                published |= !strcmp(cfg->languages[i], code);
            if (!published) {
                ydoc_problem(&d, item,
                             "require_translations: '%s' is not one of the journal's languages "
                             "(languages in journal.yaml)",
                             code ? code : "");
                continue;
            }
            cfg->require_translations[cfg->nrequire_translations++] = xstrdup(code);
        }
    } else if (n && !ydoc_is_null(n)) {
        ydoc_problem(&d, n, "'require_translations' must be a list such as [en]");
    }
    /* Mail, letters and the index speak the journal's first language. */
    const char *title = localised_get(&cfg->titles, cfg->languages[0], NULL);
    const char *description = localised_get(&cfg->descriptions, cfg->languages[0], NULL);
    if (title && *title)
        cfg->title = xstrdup(title);
    else
        error_add_at(file, 0, 0, "missing required field 'title'");
    if (description)
        cfg->description = xstrdup(description);

    ydoc_free(&d);
    if (error_count()) {
        config_free(cfg);
        return JOURNAL_EINPUT;
    }
    return 0;
}

void config_free(struct journal_config *cfg)
{
    free(cfg->title);
    free(cfg->description);
    free(cfg->publisher);
    free(cfg->issn);
    free(cfg->base_url);
    free(cfg->review_mode);
    free(cfg->doi_prefix);
    free(cfg->license);
    free(cfg->theme);
    free(cfg->abbreviation);
    free(cfg->doi_pattern);
    free(cfg->mail_from_address);
    free(cfg->mail_from_name);
    free(cfg->desk_url);
    free(cfg->mail_reply_to);
    free(cfg->contact_email);
    free(cfg->smtp_host);
    free(cfg->smtp_tls);
    free(cfg->smtp_user_env);
    free(cfg->smtp_password_env);
    free(cfg->crossref_depositor_name);
    free(cfg->crossref_depositor_email);
    free(cfg->crossref_registrant);
    free(cfg->crossref_login_env);
    free(cfg->crossref_password_env);
    free(cfg->crossref_endpoint);
    free(cfg->crossref_test_endpoint);
    free(cfg->crossref_schema_dir);
    free(cfg->oai_gateway_url);
    for (size_t i = 0; i < cfg->nlanguages; i++)
        free(cfg->languages[i]);
    free(cfg->languages);
    for (size_t i = 0; i < cfg->nrequire_translations; i++)
        free(cfg->require_translations[i]);
    free(cfg->require_translations);
    localised_free(&cfg->titles);
    localised_free(&cfg->descriptions);
    localised_free(&cfg->aims_and_scope);
    localised_free(&cfg->call_for_papers);
    localised_free(&cfg->publishers);
    for (size_t i = 0; i < cfg->nboard; i++) {
        free(cfg->board[i].name);
        free(cfg->board[i].given);
        free(cfg->board[i].family);
        person_name_free(&cfg->board[i].latin);
        localised_free(&cfg->board[i].role);
        localised_free(&cfg->board[i].affiliations);
        free(cfg->board[i].affiliation);
        free(cfg->board[i].country);
    }
    free(cfg->board);
    for (size_t i = 0; i < cfg->ncalls; i++) {
        free(cfg->calls[i].id);
        localised_free(&cfg->calls[i].titles);
        free(cfg->calls[i].deadline);
    }
    free(cfg->calls);
    for (size_t i = 0; i < cfg->norganisations; i++) {
        struct config_organisation *o = &cfg->organisations[i];
        free(o->name);
        free(o->ror);
        for (size_t k = 0; k < o->naliases; k++)
            free(o->aliases[k]);
        free(o->aliases);
        for (size_t k = 0; k < o->nkeys; k++)
            free(o->keys[k]);
        free(o->keys);
    }
    free(cfg->organisations);
    memset(cfg, 0, sizeof(*cfg));
}

void config_write_default(struct strbuf *out, const char *title, const char *base_url)
{
    struct ywriter w;
    ywriter_begin(&w, out);
    ywriter_map_begin(&w);
    ywriter_pair(&w, "title", title);
    ywriter_pair(&w, "description",
                 "A peer-reviewed, open-access journal. Edit this description in journal.yaml.");
    ywriter_pair(&w, "publisher", "");
    ywriter_plain(&w, "issn");
    ywriter_plain(&w, "~");
    ywriter_pair(&w, "base_url", base_url ? base_url : CONFIG_PLACEHOLDER_BASE_URL);
    ywriter_plain(&w, "languages");
    ywriter_seq_begin(&w, true);
    ywriter_plain(&w, "en");
    ywriter_seq_end(&w);
    ywriter_pair_plain(&w, "review_mode", "double-blind");
    ywriter_plain(&w, "doi_prefix");
    ywriter_plain(&w, "~");
    ywriter_pair(&w, "license", "CC BY 4.0");
    ywriter_pair_plain(&w, "max_manuscript_size", "2097152");
    ywriter_pair_plain(&w, "max_attachment_size", "26214400");
    ywriter_pair_plain(&w, "allow_raw_html", "false");
    ywriter_pair_plain(&w, "reviews_per_submission", "3");
    ywriter_pair_plain(&w, "review_due_days", "21");
    ywriter_pair_plain(&w, "invitation_days", "14");
    ywriter_pair_plain(&w, "conflict_same_country", "false");
    ywriter_pair_plain(&w, "theme", "default");
    ywriter_map_end(&w);
    ywriter_end(&w);
}
