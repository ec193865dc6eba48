#include "workflow/enrich.h"

#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/roster.h"
#include "net/http.h"
#include "store/index.h"
#include "store/lookups.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ORCID_API_DEFAULT "https://pub.orcid.org/v3.0"
#define ROR_API_DEFAULT   "https://api.ror.org/v2"

struct enrich {
    struct journal_repo *repo;
    struct journal_index *ix;
    const struct enrich_options *opt;
    struct enrich_report *out;
    const char *orcid_api;
    const char *ror_api;
    char today[11];
};

static const char *service(const char *env, const char *fallback)
{
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

static void add_finding(struct enrich *e, enum enrich_kind kind, unsigned long submission,
                        const char *where, const char *subject, const char *proposal,
                        const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void add_finding(struct enrich *e, enum enrich_kind kind, unsigned long submission,
                        const char *where, const char *subject, const char *proposal,
                        const char *fmt, ...)
{
    struct enrich_report *r = e->out;
    ARRAY_GROW(r->items, r->n + 1, r->alloc);
    struct strbuf msg = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&msg, fmt, ap);
    va_end(ap);
    r->items[r->n++] = (struct enrich_finding){kind,
                                               submission,
                                               xstrdup(where),
                                               xstrdup(subject),
                                               strbuf_detach(&msg, NULL),
                                               proposal ? xstrdup(proposal) : NULL};
}

/* RFC 3986: everything but the unreserved characters percent-encoded. */
static char *url_escape(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~')
            strbuf_addch(&sb, (char)*p);
        else
            strbuf_addf(&sb, "%%%02X", *p);
    }
    return strbuf_detach(&sb, NULL);
}

/*
 * The registry's answer for url: from the index unless refreshing, else asked
 * and kept (200 and 404 only: other answers say nothing about the record).
 * Returns the parsed JSON (NULL for 404) or an error naming what failed.
 */
static int ask(struct enrich *e, const char *url, json_t **json, long *status)
{
    struct lookup answer = {0};
    bool found = false;
    int rc = e->opt->refresh ? 0 : lookup_get(e->ix, url, &answer, &found);
    *json = NULL;
    if (rc)
        return rc;
    if (found) {
        e->out->cached++;
    } else {
        static const char *const headers[] = {"Accept: application/json", NULL};
        struct http_request req = {.url = url, .headers = headers, .total_timeout_ms = 30000};
        struct http_response res;
        e->out->asked++;
        rc = http_perform(&req, &res);
        if (rc)
            return rc;
        answer.status = res.status;
        answer.body = strbuf_detach(&res.body, NULL);
        answer.fetched = xstrdup(e->today);
        http_response_release(&res);
        if (answer.status == 200 || answer.status == 404)
            rc = lookup_put(e->ix, url, &answer);
    }
    *status = answer.status;
    if (!rc && answer.status == 200) {
        json_error_t jerr;
        *json = json_loads(answer.body, 0, &jerr);
        if (!*json)
            rc = error_input("%s: the answer is not JSON (%s)", url, jerr.text);
    } else if (!rc && answer.status != 404) {
        rc = error_input("%s: HTTP %ld", url, answer.status);
    }
    lookup_release(&answer);
    return rc;
}

static const char *json_path(json_t *o, const char *a, const char *b)
{
    json_t *x = json_object_get(o, a);
    if (b)
        x = json_object_get(x, b);
    return json_string_value(x);
}

static void check_orcid(struct enrich *e, unsigned long number, const char *where,
                        const struct author *au)
{
    char *url = xasprintf("%s/%s/person", e->orcid_api, au->orcid);
    char *subject = xasprintf("%s (ORCID %s)", au->name, au->orcid);
    json_t *json = NULL;
    long status = 0;
    int rc = ask(e, url, &json, &status);
    if (rc) {
        add_finding(e, ENRICH_FAILED, number, where, subject, NULL, "%s", error_message());
        error_clear();
    } else if (!json) {
        add_finding(e, ENRICH_PROPOSAL, number, where, subject, NULL,
                    "orcid.org has no record %s: the iD passes its checksum but is not "
                    "registered (two digits swapped?); ask the author for it",
                    au->orcid);
    } else {
        json_t *name = json_object_get(json, "name");
        const char *given = json_path(name, "given-names", "value");
        const char *family = json_path(name, "family-name", "value");
        const char *credit = json_path(name, "credit-name", "value");
        char *forward = xasprintf("%s %s", given ? given : "", family ? family : "");
        char *backward = xasprintf("%s %s", family ? family : "", given ? given : "");
        /* The record's spelling, not only the same person (model/roster.h): a differing
           spelling is proposed. */
        bool same = roster_same_name(au->name, forward) || roster_same_name(au->name, backward) ||
                    (credit && roster_same_name(au->name, credit));
        if (!given && !family && !credit)
            add_finding(e, ENRICH_CONFIRMED, number, where, subject, NULL,
                        "the ORCID record exists; its name is not public");
        else if (same)
            add_finding(e, ENRICH_CONFIRMED, number, where, subject, NULL,
                        "the ORCID record has the same name");
        else {
            char *proposal = xasprintf("name: %s", credit ? credit : forward);
            add_finding(e, ENRICH_PROPOSAL, number, where, subject, proposal,
                        "the ORCID record names '%s'%s%s%s: check the iD belongs to this author, "
                        "or the spelling of the name",
                        forward, credit ? " (published as '" : "", credit ? credit : "",
                        credit ? "')" : "");
            free(proposal);
        }
        free(forward);
        free(backward);
    }
    json_decref(json);
    free(subject);
    free(url);
}

/* The ROR record's display name, and whether any of its names is name. */
static const char *ror_names(json_t *org, const char *name, bool *same)
{
    const char *display = NULL;
    json_t *names = json_object_get(org, "names"), *x;
    size_t i;
    *same = false;
    json_array_foreach(names, i, x)
    {
        const char *value = json_string_value(json_object_get(x, "value"));
        json_t *types = json_object_get(x, "types"), *t;
        size_t k;
        if (!value)
            continue;
        json_array_foreach(types, k, t)
        {
            if (json_string_value(t) && !strcmp(json_string_value(t), "ror_display"))
                display = value;
        }
        if (roster_same_name(name, value))
            *same = true;
    }
    return display;
}

static const char *ror_country(json_t *org)
{
    json_t *loc = json_array_get(json_object_get(org, "locations"), 0);
    return json_path(json_object_get(loc, "geonames_details"), "country_code", NULL);
}

/* Compare one ROR record with the affiliation; says what differs, or that it agrees. */
static void compare_ror(struct enrich *e, unsigned long number, const char *where,
                        const char *subject, const struct affiliation *af, json_t *org,
                        const char *ror_id, bool proposed)
{
    bool same = false;
    const char *display = ror_names(org, af->name, &same);
    const char *country = ror_country(org);
    const char *status = json_string_value(json_object_get(org, "status"));
    struct strbuf msg = STRBUF_INIT, proposal = STRBUF_INIT;
    if (proposed)
        strbuf_addf(&proposal, "ror: %s", ror_id);
    if (status && strcmp(status, "active"))
        strbuf_addf(&msg, "ROR marks %s as %s; ", ror_id, status);
    if (!same && display) {
        strbuf_addf(&msg, "ROR names it '%s'; ", display);
        strbuf_addf(&proposal, "%sname: %s", proposal.len ? ", " : "", display);
    }
    if (!af->international && country && strcasecmp(country, af->country)) {
        strbuf_addf(&msg, "ROR places it in %s, the manuscript in %s; ", country, af->country);
        strbuf_addf(&proposal, "%scountry: %s", proposal.len ? ", " : "", country);
    }
    if (proposed && !msg.len)
        strbuf_addf(&msg, "ROR matches it to %s%s%s; ", ror_id, display ? ", " : "",
                    display ? display : "");
    if (msg.len) {
        strbuf_setlen(&msg, msg.len - 2);
        add_finding(e, ENRICH_PROPOSAL, number, where, subject, proposal.len ? proposal.buf : NULL,
                    "%s", msg.buf);
    } else {
        add_finding(e, ENRICH_CONFIRMED, number, where, subject, NULL,
                    "the ROR record has the same name and country");
    }
    strbuf_release(&msg);
    strbuf_release(&proposal);
}

static void check_affiliation(struct enrich *e, unsigned long number, const char *where,
                              const struct affiliation *af)
{
    char *subject =
        xasprintf("affiliation '%s'%s%s", af->name, af->ror ? " " : "", af->ror ? af->ror : "");
    json_t *json = NULL;
    long status = 0;
    char *url;
    if (af->ror) {
        /* af->ror is canonical: https://ror.org/<id> */
        url = xasprintf("%s/organizations/%s", e->ror_api, af->ror + strlen("https://ror.org/"));
    } else {
        char *query = url_escape(af->name);
        url = xasprintf("%s/organizations?affiliation=%s", e->ror_api, query);
        free(query);
    }
    int rc = ask(e, url, &json, &status);
    if (rc) {
        add_finding(e, ENRICH_FAILED, number, where, subject, NULL, "%s", error_message());
        error_clear();
    } else if (af->ror && !json) {
        add_finding(e, ENRICH_PROPOSAL, number, where, subject, NULL,
                    "ROR has no organisation %s: the id passes its checksum but is not "
                    "registered; look the organisation up on ror.org",
                    af->ror);
    } else if (af->ror) {
        compare_ror(e, number, where, subject, af, json, af->ror, false);
    } else {
        /* The affiliation matching service marks at most one item as chosen. */
        json_t *items = json_object_get(json, "items"), *item, *chosen = NULL;
        size_t i;
        json_array_foreach(items, i, item)
        {
            if (json_is_true(json_object_get(item, "chosen")))
                chosen = json_object_get(item, "organization");
        }
        const char *id = json_string_value(json_object_get(chosen, "id"));
        if (id)
            compare_ror(e, number, where, subject, af, chosen, id, true);
    }
    json_decref(json);
    free(subject);
    free(url);
}

static int enrich_submission(struct enrich *e, git_tree *root, unsigned long number,
                             const struct manuscript_rules *rules)
{
    char path[96];
    struct strbuf text = STRBUF_INIT;
    struct manuscript m = {0};
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    int rc = repo_read_from_tree(e->repo->git, root, path, &text, NULL);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("there is no submission %lu (see 'journal list')", number);
    if (!rc)
        rc = manuscript_parse(&m, path, text.buf, text.len, rules);
    for (size_t i = 0; !rc && i < m.nauthors; i++) {
        const struct author *au = &m.authors[i];
        char *where = xasprintf("%s:%zu", path, au->line);
        if (au->orcid[0])
            check_orcid(e, number, where, au);
        for (size_t k = 0; k < au->naffiliations; k++) {
            /* An affiliation shared by several authors is checked once. */
            bool seen = false;
            for (size_t j = 0; j < i && !seen; j++)
                for (size_t l = 0; l < m.authors[j].naffiliations && !seen; l++)
                    seen = !strcmp(m.authors[j].affiliations[l].name, au->affiliations[k].name);
            if (!seen)
                check_affiliation(e, number, where, &au->affiliations[k]);
        }
        free(where);
    }
    manuscript_free(&m);
    strbuf_release(&text);
    return rc;
}

int workflow_enrich(struct journal_repo *repo, const struct enrich_options *opt,
                    struct enrich_report *out)
{
    memset(out, 0, sizeof(*out));
    struct enrich e = {repo,
                       NULL,
                       opt,
                       out,
                       service("JOURNAL_ORCID_API", ORCID_API_DEFAULT),
                       service("JOURNAL_ROR_API", ROR_API_DEFAULT),
                       ""};
    date_today(e.today);
    struct country_db *countries = NULL;
    struct language_db *languages = NULL;
    struct index_submission *list = NULL;
    size_t count = 0;
    git_tree *root = NULL;
    int rc = index_open(&e.ix, repo);
    if (!rc)
        rc = index_refresh(e.ix, false, NULL);
    if (!rc && !opt->n)
        rc = index_list_submissions(e.ix, NULL, &list, &count);
    if (!rc)
        rc = repo_head_tree(repo, &root);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    struct manuscript_rules rules = {countries, languages, repo->config.languages[0], NULL, NULL};
    size_t total = opt->n ? opt->n : count;
    for (size_t i = 0; !rc && i < total; i++) {
        unsigned long number = opt->n ? opt->numbers[i] : list[i].number;
        /* A submission whose files do not parse is reported by list and show, not here. */
        if (!opt->n && list[i].problem)
            continue;
        rc = enrich_submission(&e, root, number, &rules);
    }
    index_submissions_free(list, count);
    git_tree_free(root);
    country_db_free(countries);
    language_db_free(languages);
    index_close(e.ix);
    if (rc)
        enrich_report_free(out);
    return rc;
}

void enrich_report_free(struct enrich_report *report)
{
    for (size_t i = 0; i < report->n; i++) {
        free(report->items[i].where);
        free(report->items[i].subject);
        free(report->items[i].message);
        free(report->items[i].proposal);
    }
    free(report->items);
    memset(report, 0, sizeof(*report));
}
