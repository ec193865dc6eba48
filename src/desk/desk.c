#define _POSIX_C_SOURCE 200809L
#include "desk/desk.h"

#include "default_theme.h"
#include "desk/form.h"
#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/roster.h"
#include "site/i18n.h"
#include "site/markdown.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/frontmatter.h"
#include "util/mustache.h"
#include "util/strbuf.h"
#include "util/token.h"
#include "workflow/editorial.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"
#include "workflow/packet.h"
#include "workflow/review_round.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A posted form is a few short fields: anything larger is refused (413) unread. */
#define DESK_MAX_BODY (64 * 1024)
/* How long SIGTERM waits for the requests in flight. */
#define DESK_DRAIN_SECONDS 30

/* The site's policy (themes/default/templates/head.mustache), tightened for pages that
   hold a secret link: nothing but the desk's own stylesheet, forms only to the desk, and
   never inside a frame. */
static const char desk_csp[] = "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "script-src 'self'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-src 'none'; frame-ancestors 'none'";

struct desk {
    const char *dir;
    unsigned char secret[64];
    size_t secretlen;
    struct country_db *countries;
    struct language_db *languages;
};

struct request {
    struct strbuf body;
    bool too_big;
};

struct reply {
    unsigned status;
    struct strbuf body;
    const char *type;
    char *location;    /* 303 */
    char *disposition; /* downloads */
};

/* ---- theme files: the journal's theme at HEAD, else the default theme compiled in ---- */

static int theme_read(struct journal_repo *repo, const char *rel, struct strbuf *out)
{
    char *path = xasprintf("themes/%s/%s", repo->config.theme, rel);
    int rc = repo_read(repo, path, out, NULL);
    free(path);
    if (rc != JOURNAL_EINPUT)
        return rc;
    error_clear();
    /* A journal made before the desk existed has no desk/ in its theme: the default's. */
    char *builtin = xasprintf("themes/default/%s", rel);
    for (size_t i = 0; i < default_theme_nfiles; i++)
        if (!strcmp(default_theme_files[i].path, builtin)) {
            strbuf_add(out, default_theme_files[i].data, default_theme_files[i].size);
            free(builtin);
            return 0;
        }
    rc = error_input("%s: missing from the theme", builtin);
    free(builtin);
    return rc;
}

static int load_templates(struct journal_repo *repo, struct mustache_set **out)
{
    static const char *const names[] = {"head", "foot", "invitation", "message", NULL};
    struct mustache_set *set = mustache_set_new();
    int rc = 0;
    for (size_t i = 0; !rc && names[i]; i++) {
        struct strbuf text = STRBUF_INIT;
        char *rel = xasprintf("desk/%s.mustache", names[i]);
        rc = theme_read(repo, rel, &text);
        if (!rc)
            rc = mustache_set_add(set, names[i], text.buf, text.len);
        free(rel);
        strbuf_release(&text);
    }
    if (rc) {
        mustache_set_free(set);
        return rc;
    }
    *out = set;
    return 0;
}

/* The interface strings in lang: the default theme's, overridden by the journal's theme. */
static int load_strings(struct journal_repo *repo, const char *lang, json_t **out)
{
    char *builtin = xasprintf("themes/default/i18n/%s.yaml", lang);
    json_t *t = NULL;
    int rc = 0;
    for (size_t i = 0; i < default_theme_nfiles && !t; i++)
        if (!strcmp(default_theme_files[i].path, builtin)) {
            struct i18n *strings = NULL;
            rc = i18n_parse(&strings, lang, builtin, (const char *)default_theme_files[i].data,
                            default_theme_files[i].size);
            if (rc)
                break;
            t = i18n_json(strings);
            i18n_free(strings);
        }
    free(builtin);
    if (rc)
        return rc;
    char *path = xasprintf("themes/%s/i18n/%s.yaml", repo->config.theme, lang);
    struct strbuf text = STRBUF_INIT;
    rc = repo_read(repo, path, &text, NULL);
    if (!rc) {
        struct i18n *strings = NULL;
        rc = i18n_parse(&strings, lang, path, text.buf, text.len);
        if (!rc) {
            json_t *own = i18n_json(strings);
            if (!t)
                t = json_object();
            json_object_update(t, own);
            json_decref(own);
            i18n_free(strings);
        }
    } else if (rc == JOURNAL_EINPUT) {
        error_clear();
        rc = t ? 0 : JOURNAL_EINPUT;
    }
    strbuf_release(&text);
    free(path);
    if (rc) {
        json_decref(t);
        return rc;
    }
    *out = t;
    return 0;
}

static bool lang_available(struct journal_repo *repo, const char *lang)
{
    if (!lang || strlen(lang) != 2 || lang[0] < 'a' || lang[0] > 'z' || lang[1] < 'a' ||
        lang[1] > 'z')
        return false;
    json_t *t = NULL;
    if (load_strings(repo, lang, &t)) {
        error_clear();
        return false;
    }
    json_decref(t);
    return true;
}

/* ---- responses ---- */

static void render(struct journal_repo *repo, const char *lang, const char *template, json_t *data,
                   struct reply *r)
{
    struct mustache_set *set = NULL;
    json_t *t = NULL;
    int rc = load_templates(repo, &set);
    if (!rc)
        rc = load_strings(repo, lang, &t);
    if (!rc) {
        json_object_set_new(data, "lang", json_string(lang));
        json_object_set(data, "t", t);
        json_object_set_new(data, "journal", json_pack("{s:s}", "title", repo->config.title));
        rc = mustache_set_render(set, template, data, &r->body);
    }
    if (rc) {
        fprintf(stderr, "journal serve: %s\n", error_message());
        error_clear();
        strbuf_reset(&r->body);
        strbuf_addstr(&r->body, "<!DOCTYPE html><html lang=\"en\"><title>Error</title><h1>The "
                                "page could not be made</h1></html>\n");
        r->status = 500;
    }
    r->type = "text/html; charset=utf-8";
    json_decref(t);
    mustache_set_free(set);
}

/* A page that says one thing: 404, 403, 413, 500. Reveals nothing about tokens. */
static void message_page(struct journal_repo *repo, const char *lang, unsigned status,
                         const char *key_title, const char *key_text, const char *root,
                         struct reply *r)
{
    r->status = status;
    if (!repo) {
        r->type = "text/plain; charset=utf-8";
        strbuf_addf(&r->body, "%u\n", status);
        return;
    }
    json_t *data =
        json_pack("{s:s, s:s, s:s}", "title_key", key_title, "text_key", key_text, "root", root);
    json_t *t = NULL;
    if (!load_strings(repo, lang, &t)) {
        json_object_set_new(data, "page_title", json_incref(json_object_get(t, key_title)));
        json_object_set_new(data, "message_text", json_incref(json_object_get(t, key_text)));
        json_decref(t);
    } else {
        error_clear();
    }
    render(repo, lang, "message", data, r);
    r->status = status;
    json_decref(data);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *r)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->body.len, r->body.buf, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "text/plain");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", desk_csp);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    /* No idle keep-alive: SIGTERM then waits only for requests really in flight. */
    MHD_add_response_header(resp, "Connection", "close");
    if (r->location)
        MHD_add_response_header(resp, "Location", r->location);
    if (r->disposition)
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

char *desk_redact(const char *path)
{
    struct strbuf out = STRBUF_INIT;
    const char *p = path;
    while (*p) {
        size_t n = strspn(p, "0123456789abcdefABCDEF");
        if (n >= 32) {
            strbuf_addstr(&out, "<token>");
            p += n;
        } else if (n) {
            strbuf_add(&out, p, n);
            p += n;
        } else {
            strbuf_addch(&out, *p++);
        }
    }
    return strbuf_detach(&out, NULL);
}

/* ---- a reviewer's link ---- */

struct link {
    unsigned long number;
    char token[TOKEN_HEX_LEN + 1];
    const char *rest; /* "", "/answer", "/packet", "/files/N" */
    struct submission_record record;
    struct manuscript manuscript;
    struct strbuf manuscript_text;
    struct roster roster;
    const struct record_assignment *a;
    enum assignment_state state;
    const char *lang;
    char root[32];
};

/* "/review/<number>/<token><rest>": false when path is anything else. */
static bool parse_review_path(const char *path, struct link *l)
{
    if (strncmp(path, "/review/", 8))
        return false;
    const char *p = path + 8;
    if (*p < '1' || *p > '9')
        return false;
    char *end;
    errno = 0;
    l->number = strtoul(p, &end, 10);
    if (errno || *end != '/')
        return false;
    p = end + 1;
    size_t n = strspn(p, "0123456789abcdef");
    if (n != TOKEN_HEX_LEN)
        return false;
    memcpy(l->token, p, TOKEN_HEX_LEN);
    l->token[TOKEN_HEX_LEN] = '\0';
    l->rest = p + TOKEN_HEX_LEN;
    return true;
}

/* "../" for each folder of path: relative links, so that a proxy may put the desk under any
   prefix. */
static void path_root(const char *path, char *out, size_t size)
{
    size_t depth = 0;
    for (const char *p = path + (*path == '/'); *p; p++)
        depth += *p == '/';
    out[0] = '\0';
    if (!depth)
        snprintf(out, size, "./");
    for (size_t i = 0; i < depth && strlen(out) + 4 < size; i++)
        strcat(out, "../");
}

static void link_free(struct link *l)
{
    record_free(&l->record);
    manuscript_free(&l->manuscript);
    strbuf_release(&l->manuscript_text);
    roster_free(&l->roster);
}

/*
 * Load what l's token opens: 1 when it opens nothing (no such submission, no assignment
 * whose link hashes to it, a revoked link, a withdrawn invitation), 0 when found, < 0 on
 * failure. Every assignment's hash is compared, in constant time each.
 */
static int link_open(struct desk *d, struct journal_repo *repo, struct link *l, const char *lang)
{
    char path[96];
    struct strbuf text = STRBUF_INIT;
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", l->number);
    int rc = repo_read(repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        strbuf_release(&text);
        return 1;
    }
    if (!rc)
        rc = record_parse(&l->record, path, text.buf, text.len);
    strbuf_release(&text);
    if (rc)
        return rc;
    l->a = NULL;
    for (size_t i = 0; i < l->record.nassignments; i++)
        if (token_matches(l->token, l->record.assignments[i].link))
            l->a = &l->record.assignments[i];
    if (!l->a)
        return 1;
    rc = invitation_state(repo, l->number, l->a, &l->state);
    if (rc)
        return rc;
    if (l->state == ASSIGNMENT_WITHDRAWN)
        return 1;
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", l->number);
    strbuf_init(&l->manuscript_text);
    rc = repo_read(repo, path, &l->manuscript_text, NULL);
    if (!rc) {
        struct manuscript_rules rules = {d->countries, d->languages, repo->config.languages[0],
                                         NULL, NULL};
        rc = manuscript_parse(&l->manuscript, path, l->manuscript_text.buf, l->manuscript_text.len,
                              &rules);
    }
    if (!rc)
        rc = editorial_load_roster(repo, d->countries, d->languages, &l->roster);
    if (rc)
        return rc;
    const struct roster_reviewer *rv = roster_find(&l->roster, l->a->reviewer);
    l->lang = lang_available(repo, lang) ? lang : NULL;
    if (!l->lang && rv) {
        const char *want = notify_reviewer_lang(rv, l->manuscript.lang);
        l->lang = lang_available(repo, want) ? want : NULL;
    }
    if (!l->lang)
        l->lang =
            lang_available(repo, repo->config.languages[0]) ? repo->config.languages[0] : "en";
    return 0;
}

/*
 * The journal's guidelines for reviewers, as HTML, when pages/ has them:
 * reviewer-guidelines.<lang>.md, else reviewer-guidelines.md (front matter as for any page).
 * NULL when there are none; a page that cannot be read is logged and left out.
 */
static char *reviewer_guidelines(struct journal_repo *repo, const char *lang)
{
    char *paths[2] = {xasprintf("pages/reviewer-guidelines.%s.md", lang),
                      xstrdup("pages/reviewer-guidelines.md")};
    char *html = NULL;
    for (size_t i = 0; i < 2 && !html; i++) {
        struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
        struct frontmatter fm;
        int rc = repo_read(repo, paths[i], &text, NULL);
        if (!rc)
            rc = frontmatter_split(paths[i], text.buf, text.len, "title, description", &fm);
        if (!rc)
            rc = markdown_to_html(fm.body, fm.body_len, repo->config.allow_raw_html, &out);
        if (!rc)
            html = strbuf_detach(&out, NULL);
        else if (rc != JOURNAL_EINPUT || text.len)
            fprintf(stderr, "journal serve: %s\n", error_message());
        error_clear();
        strbuf_release(&out);
        strbuf_release(&text);
    }
    free(paths[0]);
    free(paths[1]);
    return html;
}

static void csrf_token(struct desk *d, const char *purpose, const struct link *l, char out[65])
{
    char *msg = xasprintf("%s\n%lu\n%s", purpose, l->number, l->token);
    token_hmac(d->secret, d->secretlen, msg, out);
    free(msg);
}

/* The invitation page; form: what was typed (after an error), errors: by field. */
static void invitation_page(struct desk *d, struct journal_repo *repo, struct link *l,
                            const struct form *typed, json_t *errors, struct reply *r)
{
    char csrf[65];
    csrf_token(d, "answer", l, csrf);
    bool current = l->a->round == l->record.round;
    bool open = current && (l->state == ASSIGNMENT_INVITED || l->state == ASSIGNMENT_EXPIRED);
    char *base = xasprintf("%sreview/%lu/%s", l->root, l->number, l->token);
    json_t *sub = json_pack("{s:I, s:s, s:I}", "number", (json_int_t)l->number, "title",
                            l->manuscript.title, "round", (json_int_t)l->a->round);
    if (l->manuscript.abstract)
        json_object_set_new(sub, "abstract", json_string(l->manuscript.abstract));
    json_t *data =
        json_pack("{s:s, s:o, s:s?, s:b, s:b, s:b, s:s?}", "root", l->root, "submission", sub,
                  "due", l->a->due, "open", open, "accepted", l->state == ASSIGNMENT_ACCEPTED,
                  "declined", l->state == ASSIGNMENT_DECLINED, "answered", l->a->answered);
    json_object_set_new(data, "page_title", json_string(l->manuscript.title));
    char *guidelines = reviewer_guidelines(repo, l->lang);
    if (guidelines)
        json_object_set_new(data, "guidelines", json_string(guidelines));
    free(guidelines);
    if (l->a->reason)
        json_object_set_new(data, "reason", json_string(l->a->reason));
    if (l->a->suggested)
        json_object_set_new(data, "suggested", json_string(l->a->suggested));
    if (open) {
        char *action = xasprintf("%s/answer", base);
        json_t *form = json_pack("{s:s, s:s}", "action", action, "csrf", csrf);
        const char *answer = typed ? form_get(typed, "answer") : NULL;
        json_object_set_new(form, "decline_checked",
                            json_boolean(answer && !strcmp(answer, "decline")));
        const char *fields[] = {"reason", "suggested"};
        for (size_t i = 0; typed && i < 2; i++)
            if (form_get(typed, fields[i]))
                json_object_set_new(form, fields[i], json_string(form_get(typed, fields[i])));
        if (errors)
            json_object_set(form, "errors", errors);
        json_object_set_new(data, "form", form);
        free(action);
    }
    if (current && l->state == ASSIGNMENT_ACCEPTED) {
        struct packet p = {0};
        int rc = packet_make(repo, l->number, l->a->reviewer, &p);
        if (!rc) {
            json_t *files = json_array();
            for (size_t i = 0; i < p.nfiles; i++) {
                const char *slash = strrchr(p.files[i], '/');
                char *url = xasprintf("%s/files/%zu", base, i);
                json_array_append_new(files, json_pack("{s:s, s:s}", "name",
                                                       slash ? slash + 1 : p.files[i], "url", url));
                free(url);
            }
            char *url = xasprintf("%s/packet", base);
            json_object_set_new(data, "packet",
                                json_pack("{s:s, s:b, s:o, s:b}", "url", url, "has_files",
                                          p.nfiles > 0, "files", files, "blinded", p.blinded));
            free(url);
        } else {
            fprintf(stderr, "journal serve: submission %lu: %s\n", l->number, error_message());
            error_clear();
        }
        packet_free(&p);
    }
    /* The other languages of the page, as links. */
    json_t *langs = json_array();
    for (size_t i = 0; i < repo->config.nlanguages; i++) {
        const char *code = repo->config.languages[i];
        if (!strcmp(code, l->lang) || !lang_available(repo, code))
            continue;
        char *url = xasprintf("%s?lang=%s", base, code);
        json_array_append_new(langs, json_pack("{s:s, s:s}", "code", code, "url", url));
        free(url);
    }
    json_object_set_new(data, "has_languages", json_boolean(json_array_size(langs) > 0));
    json_object_set_new(data, "languages", langs);
    render(repo, l->lang, "invitation", data, r);
    json_decref(data);
    free(base);
}

static void redirect(const char *location, struct reply *r)
{
    r->status = 303;
    r->location = xstrdup(location);
    r->type = "text/plain; charset=utf-8";
    strbuf_addstr(&r->body, "See Other\n");
}

/* POST .../answer: accept or decline, through workflow_answer, as `assign --accept` does. */
static void answer(struct desk *d, struct journal_repo *repo, struct link *l, const char *body,
                   size_t len, struct reply *r)
{
    struct form f = {0};
    char expected[65];
    char *page = xasprintf("../%s", l->token); /* from .../<token>/answer to the page */
    if (form_parse(body, len, &f)) {
        error_clear();
        message_page(repo, l->lang, 400, "desk_bad_form_title", "desk_bad_form_text", l->root, r);
        goto done;
    }
    csrf_token(d, "answer", l, expected);
    const char *csrf = form_get(&f, "csrf");
    if (!csrf || !token_equal(csrf, expected)) {
        message_page(repo, l->lang, 403, "desk_forbidden_title", "desk_forbidden_text", l->root, r);
        goto done;
    }
    bool open = l->a->round == l->record.round &&
                (l->state == ASSIGNMENT_INVITED || l->state == ASSIGNMENT_EXPIRED);
    if (!open) {
        /* Answered already (the same form twice, or the editor recorded it): the state. */
        redirect(page, r);
        goto done;
    }
    const char *choice = form_get(&f, "answer");
    const char *reason = form_get(&f, "reason"), *suggested = form_get(&f, "suggested");
    if (reason && !reason[strspn(reason, " \t")])
        reason = NULL;
    if (suggested && !suggested[strspn(suggested, " \t")])
        suggested = NULL;
    json_t *errors = json_object();
    struct answer_request req = {0};
    req.number = l->number;
    req.reviewer = l->a->reviewer;
    req.actor = l->a->reviewer;
    if (choice && !strcmp(choice, "accept")) {
        req.answer = ANSWER_ACCEPT;
    } else if (choice && !strcmp(choice, "decline")) {
        req.answer = ANSWER_DECLINE;
        req.reason = reason;
        req.suggested = suggested;
    } else {
        json_object_set_new(errors, "answer", json_true());
    }
    /* The workflow's own checks, with the field named in the page's words. */
    json_t *t = NULL;
    if (!load_strings(repo, l->lang, &t)) {
        const char *names[] = {"reason", "suggested"};
        const char *values[] = {req.reason, req.suggested};
        for (size_t i = 0; i < 2; i++) {
            char key[32];
            snprintf(key, sizeof(key), "desk_%s_label", names[i]);
            const char *label = json_string_value(json_object_get(t, key));
            if (values[i] && invitation_check_text(label ? label : names[i], values[i])) {
                json_object_set_new(errors, names[i], json_string(error_message()));
                error_clear();
            }
        }
        json_decref(t);
    } else {
        error_clear();
    }
    if (json_object_size(errors)) {
        invitation_page(d, repo, l, &f, errors, r);
        r->status = 422;
        json_decref(errors);
        goto done;
    }
    json_decref(errors);
    struct action_outcome out = {0};
    int rc = workflow_answer(repo, &req, &out);
    action_outcome_free(&out);
    if (!rc) {
        redirect(page, r);
    } else {
        fprintf(stderr, "journal serve: submission %lu: %s\n", l->number, error_message());
        error_clear();
        /* Refused because someone answered meanwhile (the CLI, another tab): the state,
           as for a second post; anything else is the server's fault. */
        if (rc == JOURNAL_EINPUT)
            redirect(page, r);
        else
            message_page(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
    }
done:
    free(page);
    form_free(&f);
}

static void packet_download(struct journal_repo *repo, struct link *l, struct reply *r)
{
    struct packet p = {0};
    bool current = l->a->round == l->record.round;
    if (!current || l->state != ASSIGNMENT_ACCEPTED) {
        message_page(repo, l->lang, 404, "desk_not_found_title", "desk_not_found_text", l->root, r);
        return;
    }
    int rc = packet_make(repo, l->number, l->a->reviewer, &p);
    if (rc) {
        fprintf(stderr, "journal serve: submission %lu: %s\n", l->number, error_message());
        error_clear();
        message_page(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
        return;
    }
    if (!strcmp(l->rest, "/packet")) {
        r->status = 200;
        r->type = "text/markdown; charset=utf-8";
        strbuf_add(&r->body, p.text.buf, p.text.len);
        r->disposition = xasprintf("attachment; filename=\"submission-%lu-round-%lu.md\"",
                                   l->number, l->record.round);
    } else {
        const char *k = l->rest + 7;
        char *end;
        unsigned long i = strtoul(k, &end, 10);
        if (!*k || *end || *k < '0' || *k > '9' || i >= p.nfiles) {
            message_page(repo, l->lang, 404, "desk_not_found_title", "desk_not_found_text", l->root,
                         r);
        } else if (packet_read_file(repo, l->number, p.files[i], &r->body)) {
            error_clear();
            message_page(repo, l->lang, 500, "desk_error_title", "desk_error_text", l->root, r);
        } else {
            const char *name = strrchr(p.files[i], '/');
            name = name ? name + 1 : p.files[i];
            struct strbuf safe = STRBUF_INIT;
            for (const char *c = name; *c; c++)
                strbuf_addch(&safe, strchr("\"\\;\r\n", *c) || (unsigned char)*c < 0x20 ? '_' : *c);
            r->status = 200;
            r->type = "application/octet-stream";
            r->disposition = xasprintf("attachment; filename=\"%s\"", safe.buf);
            strbuf_release(&safe);
        }
    }
    packet_free(&p);
}

static void handle(struct desk *d, const char *method, const char *path, const char *lang,
                   struct request *req, struct reply *r)
{
    struct journal_repo *repo = NULL;
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    bool post = !strcmp(method, "POST");
    if (repo_open(&repo, d->dir)) {
        fprintf(stderr, "journal serve: %s\n", error_message());
        error_clear();
        message_page(NULL, "en", 500, NULL, NULL, "", r);
        return;
    }
    const char *fallback = repo->config.nlanguages ? repo->config.languages[0] : "en";
    if (!lang_available(repo, fallback))
        fallback = "en";
    if (get && !strcmp(path, "/style.css")) {
        if (theme_read(repo, "assets/style.css", &r->body)) {
            error_clear();
            message_page(repo, fallback, 404, "desk_not_found_title", "desk_not_found_text", "./",
                         r);
        } else {
            r->status = 200;
            r->type = "text/css; charset=utf-8";
        }
        repo_free(repo);
        return;
    }
    struct link l;
    memset(&l, 0, sizeof(l));
    strbuf_init(&l.manuscript_text);
    path_root(path, l.root, sizeof(l.root));
    int found = parse_review_path(path, &l) ? link_open(d, repo, &l, lang) : 1;
    bool known = l.rest && (!*l.rest || !strcmp(l.rest, "/answer") || !strcmp(l.rest, "/packet") ||
                            !strncmp(l.rest, "/files/", 7));
    if (found < 0) {
        fprintf(stderr, "journal serve: %s\n", error_message());
        error_clear();
        message_page(repo, fallback, 500, "desk_error_title", "desk_error_text", l.root, r);
    } else if (found || !known) {
        /* Wrong, revoked or withdrawn: the same page, whatever exists behind it. */
        message_page(repo, fallback, 404, "desk_not_found_title", "desk_not_found_text", l.root, r);
    } else if (req->too_big) {
        message_page(repo, l.lang, 413, "desk_too_big_title", "desk_too_big_text", l.root, r);
    } else if (!*l.rest && get) {
        r->status = 200;
        invitation_page(d, repo, &l, NULL, NULL, r);
    } else if (!strcmp(l.rest, "/answer") && post) {
        answer(d, repo, &l, req->body.buf, req->body.len, r);
    } else if ((!strcmp(l.rest, "/packet") || !strncmp(l.rest, "/files/", 7)) && get) {
        packet_download(repo, &l, r);
    } else {
        message_page(repo, l.lang, 405, "desk_method_title", "desk_method_text", l.root, r);
    }
    link_free(&l);
    repo_free(repo);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct desk *d = cls;
    struct request *req = *con_cls;
    if (!req) {
        req = xcalloc(1, sizeof(*req));
        strbuf_init(&req->body);
        *con_cls = req;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (req->body.len + *upload_data_size > DESK_MAX_BODY)
            req->too_big = true;
        else
            strbuf_add(&req->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct reply r = {0};
    strbuf_init(&r.body);
    const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    handle(d, method, url, lang, req, &r);
    char *logged = desk_redact(url);
    fprintf(stderr, "journal serve: %s %s %u\n", method, logged, r.status);
    free(logged);
    enum MHD_Result ret = send_reply(c, &r);
    strbuf_release(&r.body);
    free(r.location);
    free(r.disposition);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)c, (void)toe;
    struct request *req = *con_cls;
    if (req) {
        strbuf_release(&req->body);
        free(req);
        *con_cls = NULL;
    }
}

/* "ADDR:PORT" or "[ADDR6]:PORT", numeric only. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || !colon[1])
        return error_usage("--listen %s: expected ADDRESS:PORT, such as 127.0.0.1:8080", listen);
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || port > 65535 || colon[1] < '0' || colon[1] > '9')
        return error_usage("--listen %s: the port must be a number from 0 to 65535", listen);
    char host[64];
    size_t hl = (size_t)(colon - listen);
    if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']') {
        listen++;
        hl -= 2;
    }
    if (hl >= sizeof(host))
        return error_usage("--listen %s: expected a numeric address", listen);
    memcpy(host, listen, hl);
    host[hl] = '\0';
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof(*v4);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*v6);
    } else {
        return error_usage("--listen %s: '%s' is not a numeric IPv4 or IPv6 address", listen, host);
    }
    return 0;
}

static int load_secret(struct desk *d)
{
    const char *env = getenv("JOURNAL_DESK_SECRET");
    if (env && *env) {
        size_t n = strlen(env);
        if (n < 32)
            return error_usage("JOURNAL_DESK_SECRET: %zu bytes is too short (at least 32: for "
                               "example the output of 'openssl rand -hex 32')",
                               n);
        if (n > sizeof(d->secret))
            n = sizeof(d->secret);
        memcpy(d->secret, env, n);
        d->secretlen = n;
        return 0;
    }
    char hex[TOKEN_HEX_LEN + 1];
    int rc = token_new(hex);
    if (rc)
        return rc;
    memcpy(d->secret, hex, TOKEN_HEX_LEN);
    d->secretlen = TOKEN_HEX_LEN;
    return 0;
}

int desk_serve(const struct desk_options *opt)
{
    struct desk d;
    memset(&d, 0, sizeof(d));
    d.dir = opt->dir;
    const char *listen = opt->listen ? opt->listen : "127.0.0.1:8080";
    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc = parse_listen(listen, &ss, &sslen);
    if (!rc)
        rc = load_secret(&d);
    struct journal_repo *repo = NULL;
    if (!rc)
        rc = repo_open(&repo, d.dir); /* a journal, before anything is served */
    repo_free(repo);
    if (!rc)
        rc = country_db_open(&d.countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&d.languages, NULL, NULL);
    if (rc)
        goto done;

    /* SIGTERM and SIGINT are taken by sigwait below, never delivered to a thread. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
            (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
        0, NULL, NULL, on_request, &d, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &d, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_END);
    if (!daemon) {
        rc = error_input("--listen %s: cannot listen there (the port may be taken, or the "
                         "address not this machine's)",
                         listen);
        pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
        goto done;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    if (ss.ss_family == AF_INET6) {
        char host[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
        printf("journal serve: listening on http://[%s]:%u/\n", host, port);
    } else {
        char host[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
        printf("journal serve: listening on http://%s:%u/\n", host, port);
    }
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "journal serve: %s: finishing the requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_quiesce_daemon(daemon);
    for (int waited = 0; waited < DESK_DRAIN_SECONDS * 20; waited++) {
        info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || !info->num_connections)
            break;
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(daemon);
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    fprintf(stderr, "journal serve: stopped\n");
done:
    country_db_free(d.countries);
    language_db_free(d.languages);
    memset(d.secret, 0, sizeof(d.secret));
    return rc;
}
