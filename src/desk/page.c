#define _POSIX_C_SOURCE 200809L
#include "desk/page.h"

#include "default_theme.h"
#include "desk/ratelimit.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "site/i18n.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/mustache.h"
#include "util/token.h"

#include <errno.h>
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int desk_theme_read(struct journal_repo *repo, const char *rel, struct strbuf *out)
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

/* Every template of the default theme's desk/, each from the journal's theme when it has one:
   a page added to the desk needs no list kept here, and an older theme still gets it. */
static int templates_read(struct journal_repo *repo, struct mustache_set **out)
{
    static const char prefix[] = "themes/default/desk/", suffix[] = ".mustache";
    struct mustache_set *set = mustache_set_new();
    int rc = 0;
    for (size_t i = 0; !rc && i < default_theme_nfiles; i++) {
        const char *path = default_theme_files[i].path;
        size_t n = strlen(path);
        if (strncmp(path, prefix, sizeof(prefix) - 1) || n < sizeof(prefix) + sizeof(suffix) ||
            strcmp(path + n - (sizeof(suffix) - 1), suffix) ||
            strchr(path + sizeof(prefix) - 1, '/'))
            continue;
        char *name =
            xstrndup(path + sizeof(prefix) - 1, n - (sizeof(prefix) - 1) - (sizeof(suffix) - 1));
        char *rel = xasprintf("desk/%s.mustache", name);
        struct strbuf text = STRBUF_INIT;
        rc = desk_theme_read(repo, rel, &text);
        if (!rc)
            rc = mustache_set_add(set, name, text.buf, text.len);
        free(rel);
        free(name);
        strbuf_release(&text);
    }
    if (rc) {
        mustache_set_free(set);
        return rc;
    }
    *out = set;
    return 0;
}

static int strings_read(struct journal_repo *repo, const char *lang, json_t **out)
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

/* ---- the thread's journal, cached per commit ---- */

struct thread_cache {
    struct journal_repo *repo;
    git_oid head;
    struct mustache_set *templates;
    json_t *strings; /* language -> its strings, or null: the theme has none */
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_clear(struct thread_cache *c)
{
    repo_free(c->repo);
    mustache_set_free(c->templates);
    json_decref(c->strings);
    memset(c, 0, sizeof(*c));
}

static void cache_destroy(void *p)
{
    cache_clear(p);
    free(p);
}

static void cache_key_create(void)
{
    pthread_key_create(&cache_key, cache_destroy);
}

static struct thread_cache *cache_get(void)
{
    pthread_once(&cache_once, cache_key_create);
    struct thread_cache *c = pthread_getspecific(cache_key);
    if (!c) {
        c = xcalloc(1, sizeof(*c));
        pthread_setspecific(cache_key, c);
    }
    return c;
}

/* The cache, when repo is the thread's repository (a page given another one reads afresh). */
static struct thread_cache *cache_for(const struct journal_repo *repo)
{
    struct thread_cache *c = cache_get();
    return c->repo && c->repo == repo ? c : NULL;
}

int desk_repo_acquire(const struct desk *d, struct journal_repo **out)
{
    struct thread_cache *c = cache_get();
    git_oid head;
    if (c->repo && !git_reference_name_to_id(&head, c->repo->git, "HEAD") &&
        git_oid_equal(&head, &c->head)) {
        *out = c->repo;
        return 0;
    }
    cache_clear(c);
    int rc = repo_open(&c->repo, d->dir);
    if (rc)
        return rc;
    /* An unborn HEAD (no commit yet) is never cached: repo_open refuses such a journal. */
    if (git_reference_name_to_id(&c->head, c->repo->git, "HEAD")) {
        cache_clear(c);
        return repo_git_error("reading the journal's HEAD");
    }
    c->strings = json_object();
    *out = c->repo;
    return 0;
}

void desk_repo_release(struct journal_repo *repo)
{
    if (!repo)
        return;
    /* What one request set must not reach the next one's commits: the lock, and the mail
       trailer of an action that failed half-way. */
    repo_unlock(repo);
    repo_set_trailer(repo, NULL);
}

static int load_templates(struct journal_repo *repo, struct mustache_set **out, bool *shared)
{
    struct thread_cache *c = cache_for(repo);
    *shared = c != NULL;
    if (c && c->templates) {
        *out = c->templates;
        return 0;
    }
    int rc = templates_read(repo, out);
    if (!rc && c)
        c->templates = *out;
    return rc;
}

int desk_strings(struct journal_repo *repo, const char *lang, json_t **out)
{
    struct thread_cache *c = cache_for(repo);
    json_t *known = c ? json_object_get(c->strings, lang) : NULL;
    if (known && json_is_null(known))
        return error_input("the theme has no strings in '%s'", lang);
    if (known) {
        *out = json_incref(known);
        return 0;
    }
    int rc = strings_read(repo, lang, out);
    if (c && !rc)
        json_object_set(c->strings, lang, *out);
    else if (c && rc == JOURNAL_EINPUT)
        json_object_set_new(c->strings, lang, json_null());
    return rc;
}

bool desk_lang_available(struct journal_repo *repo, const char *lang)
{
    if (!lang || strlen(lang) != 2 || lang[0] < 'a' || lang[0] > 'z' || lang[1] < 'a' ||
        lang[1] > 'z')
        return false;
    json_t *t = NULL;
    if (desk_strings(repo, lang, &t)) {
        error_clear();
        return false;
    }
    json_decref(t);
    return true;
}

void desk_render(struct journal_repo *repo, const char *lang, const char *template, json_t *data,
                 struct reply *r)
{
    struct mustache_set *set = NULL;
    json_t *t = NULL;
    bool shared = false;
    int rc = load_templates(repo, &set, &shared);
    if (!rc)
        rc = desk_strings(repo, lang, &t);
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
    if (!shared)
        mustache_set_free(set);
}

void desk_message(struct journal_repo *repo, const char *lang, unsigned status,
                  const char *key_title, const char *key_text, const char *root, struct reply *r)
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
    if (!desk_strings(repo, lang, &t)) {
        json_object_set_new(data, "page_title", json_incref(json_object_get(t, key_title)));
        json_object_set_new(data, "message_text", json_incref(json_object_get(t, key_text)));
        json_decref(t);
    } else {
        error_clear();
    }
    desk_render(repo, lang, "message", data, r);
    r->status = status;
    json_decref(data);
}

int desk_read_record(struct journal_repo *repo, unsigned long number, struct submission_record *out)
{
    char path[96];
    struct strbuf text = STRBUF_INIT;
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
    int rc = repo_read(repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        strbuf_release(&text);
        return 1;
    }
    if (!rc)
        rc = record_parse(out, path, text.buf, text.len);
    strbuf_release(&text);
    return rc;
}

int desk_read_manuscript(const struct desk *d, struct journal_repo *repo, unsigned long number,
                         struct strbuf *text, struct manuscript *out)
{
    char path[96];
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    int rc = repo_read(repo, path, text, NULL);
    if (rc)
        return rc;
    struct manuscript_rules rules = {d->countries, d->languages, repo->config.languages[0], NULL,
                                     NULL};
    return manuscript_parse(out, path, text->buf, text->len, &rules);
}

const char *desk_main_lang(struct journal_repo *repo)
{
    const char *main = repo->config.nlanguages ? repo->config.languages[0] : "en";
    return desk_lang_available(repo, main) ? main : "en";
}

bool desk_parse_link(const char *path, const char *prefix, unsigned long *number, char token[65],
                     const char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n))
        return false;
    const char *p = path + n;
    if (*p < '1' || *p > '9')
        return false;
    char *end;
    errno = 0;
    *number = strtoul(p, &end, 10);
    if (errno || *end != '/')
        return false;
    p = end + 1;
    if (strspn(p, "0123456789abcdef") != TOKEN_HEX_LEN)
        return false;
    memcpy(token, p, TOKEN_HEX_LEN);
    token[TOKEN_HEX_LEN] = '\0';
    *rest = p + TOKEN_HEX_LEN;
    return true;
}

void desk_redirect(const char *location, struct reply *r)
{
    r->status = 303;
    r->location = xstrdup(location);
    r->type = "text/plain; charset=utf-8";
    strbuf_addstr(&r->body, "See Other\n");
}

void desk_root(const char *path, char *out, size_t size)
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

void desk_csrf(const struct desk *d, const char *purpose, unsigned long number, const char *token,
               char out[65])
{
    char *msg = xasprintf("%s\n%lu\n%s", purpose, number, token);
    token_hmac(d->secret, d->secretlen, msg, out);
    free(msg);
}

int desk_read_form(const struct request *req, struct form *out)
{
    return form_parse_body(req->content_type, req->body.buf, req->body.len, out);
}

bool desk_rate_allow(struct desk *d, const struct request *req)
{
    return rate_limit_take(d->submissions, req->addr, time(NULL));
}

void desk_log_error(const char *about)
{
    if (about)
        fprintf(stderr, "journal serve: %s: %s\n", about, error_message());
    else
        fprintf(stderr, "journal serve: %s\n", error_message());
    error_clear();
}
