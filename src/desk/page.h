#ifndef JOURNAL_DESK_PAGE_H
#define JOURNAL_DESK_PAGE_H

#include "desk/form.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * What every page of the front desk shares: the server's state, a request's body and a
 * reply, the theme's templates and strings, message pages, CSRF tokens. The pages of one
 * kind of link live in their own file (reviewer.c for /review/...), the server in desk.c.
 */
struct journal_repo;
struct country_db;
struct language_db;
struct rate_limit;

struct desk {
    const char *dir;
    unsigned char secret[64];
    size_t secretlen;
    struct country_db *countries;
    struct language_db *languages;
    size_t max_form;   /* bytes of an urlencoded body: a few short fields */
    size_t max_upload; /* bytes of a multipart body: the manuscript and attachment limits */
    struct rate_limit *submissions; /* per client address: desk_submissions_per_hour */
    atomic_uint inflight;           /* requests begun and not yet completed */
};

struct request {
    struct strbuf body;
    bool too_big;       /* over the limit: the body was not kept */
    char *content_type; /* the request's Content-Type, or NULL */
    char addr[46];      /* the client's address (behind a proxy on this host: the forwarded one) */
};

struct reply {
    unsigned status;
    struct strbuf body;
    const char *type;
    char *location;    /* 303 */
    char *disposition; /* downloads */
};

/*
 * The journal for one request: the calling thread's repository, opened again only when HEAD
 * has moved since its last request (a commit by the desk or the command line), so that
 * journal.yaml, the theme's templates and its strings are parsed once per commit and thread
 * instead of once per request. Release it after the request (it stays open for the thread's
 * next one; never repo_free it).
 */
int desk_repo_acquire(const struct desk *d, struct journal_repo **out);
void desk_repo_release(struct journal_repo *repo);

/* A file of the journal's theme at HEAD, else the default theme's compiled in (a journal made
   before the desk existed has no desk/ in its theme). JOURNAL_EINPUT when neither has it. */
int desk_theme_read(struct journal_repo *repo, const char *rel, struct strbuf *out);
/* The interface strings in lang: the default theme's, overridden by the journal's theme.
   Read-only (shared by the thread's requests at one commit); json_decref when done. */
int desk_strings(struct journal_repo *repo, const char *lang, json_t **out);
/* Whether lang is a two-letter code the theme has strings for. */
bool desk_lang_available(struct journal_repo *repo, const char *lang);

/* Render desk/<template>.mustache with data (gaining lang, t and journal) into r as HTML;
   a 500 page when the theme cannot make it. */
void desk_render(struct journal_repo *repo, const char *lang, const char *template, json_t *data,
                 struct reply *r);
/* A page that says one thing (404, 403, 413, 500) in the theme's words key_title and key_text;
   plain text when repo is NULL. Reveals nothing about tokens. */
void desk_message(struct journal_repo *repo, const char *lang, unsigned status,
                  const char *key_title, const char *key_text, const char *root, struct reply *r);
/* The journal's main language when the theme has strings in it, else English: the language
   of a page that cannot know its reader's (a 404, an error). */
const char *desk_main_lang(struct journal_repo *repo);
/* submissions/<number>/submission.yaml at HEAD into *out: 0, 1 when there is no such
   submission (nothing to free), < 0 on failure. */
struct submission_record;
int desk_read_record(struct journal_repo *repo, unsigned long number,
                     struct submission_record *out);
/* submissions/<number>/manuscript.md at HEAD: its text into *text, parsed into *out with the
   desk's countries and languages. */
struct manuscript;
int desk_read_manuscript(const struct desk *d, struct journal_repo *repo, unsigned long number,
                         struct strbuf *text, struct manuscript *out);
/*
 * A personal link's path, PREFIX<number>/<64 hex digits><rest> (prefix "/review/" or
 * "/status/"): the number, the token (NUL-ended) and *rest (what follows it: "", "/answer",
 * ...); false when path is anything else.
 */
bool desk_parse_link(const char *path, const char *prefix, unsigned long *number, char token[65],
                     const char **rest);
/* 303 See Other to location. */
void desk_redirect(const char *location, struct reply *r);
/* "../" for each folder of path: pages link relatively, so that a proxy may put the desk under
   any prefix. */
void desk_root(const char *path, char *out, size_t size);
/* The CSRF token of a form: HMAC-SHA-256 of purpose, the submission and the link's token
   under the server's secret, as 64 hex digits. */
void desk_csrf(const struct desk *d, const char *purpose, unsigned long number, const char *token,
               char out[65]);
/* The request's body as a form, by its Content-Type. JOURNAL_EINPUT when malformed. */
int desk_read_form(const struct request *req, struct form *out);
/* Whether the request's client may make one more submission this hour
   (desk_submissions_per_hour); if it may, the submission is counted. */
bool desk_rate_allow(struct desk *d, const struct request *req);
/* Log the pending error with what it concerns ("submission 3"), then clear it. */
void desk_log_error(const char *about);

#endif
