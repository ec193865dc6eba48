#include "workflow/deposit.h"

#include "export/crossref.h"
#include "model/country.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "net/http.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/yaml.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The answer kept in the record and the commit: enough to see what happened. */
#define ANSWER_SUMMARY_MAX 300

struct article_entry {
    unsigned long number;
    char record_path[96];
    char manuscript_path[96];
    struct submission_record record;
    struct manuscript manuscript;
    bool record_ok, manuscript_ok;
};

struct loaded_issue {
    struct issue_manifest issue;
    bool issue_ok;
    struct article_entry *entries;
    size_t nentries;
    struct crossref_article *articles;
    struct country_db *countries;
    struct language_db *languages;
};

static void loaded_issue_free(struct loaded_issue *l)
{
    for (size_t i = 0; i < l->nentries; i++) {
        if (l->entries[i].record_ok)
            record_free(&l->entries[i].record);
        if (l->entries[i].manuscript_ok)
            manuscript_free(&l->entries[i].manuscript);
    }
    free(l->entries);
    free(l->articles);
    if (l->issue_ok)
        issue_free(&l->issue);
    country_db_free(l->countries);
    language_db_free(l->languages);
    memset(l, 0, sizeof(*l));
}

/* The issue and its articles as HEAD has them; every unreadable file is reported. */
static int load_issue(struct journal_repo *repo, unsigned long id, struct loaded_issue *l)
{
    char path[64];
    struct strbuf text = STRBUF_INIT;
    memset(l, 0, sizeof(*l));
    snprintf(path, sizeof(path), "issues/%lu.yaml", id);
    int rc = repo_read(repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("there is no issue %lu (%s is not in the journal)", id, path);
    if (!rc)
        rc = issue_parse(&l->issue, id, path, text.buf, text.len, &repo->config);
    l->issue_ok = !rc;
    if (!rc)
        rc = country_db_open(&l->countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&l->languages, NULL, NULL);
    if (rc) {
        strbuf_release(&text);
        return rc;
    }
    /* Problems accumulate across the articles, so that every one is reported at once. */
    struct strbuf problems = STRBUF_INIT;
    l->entries = xcalloc(l->issue.narticles + 1, sizeof(*l->entries));
    l->articles = xcalloc(l->issue.narticles + 1, sizeof(*l->articles));
    for (size_t i = 0; i < l->issue.narticles; i++) {
        struct article_entry *e = &l->entries[l->nentries++];
        e->number = l->issue.articles[i];
        snprintf(e->record_path, sizeof(e->record_path), "submissions/%lu/submission.yaml",
                 e->number);
        snprintf(e->manuscript_path, sizeof(e->manuscript_path), "submissions/%lu/manuscript.md",
                 e->number);
        strbuf_reset(&text);
        int r = repo_read(repo, e->record_path, &text, NULL);
        if (!r)
            r = record_parse(&e->record, e->record_path, text.buf, text.len);
        e->record_ok = !r;
        if (!r) {
            strbuf_reset(&text);
            r = repo_read(repo, e->manuscript_path, &text, NULL);
            if (!r) {
                struct manuscript_rules rules = {l->countries, l->languages,
                                                 repo->config.languages[0],
                                                 &repo->config.markdown_limits, NULL};
                r = manuscript_parse(&e->manuscript, e->manuscript_path, text.buf, text.len,
                                     &rules);
            }
            e->manuscript_ok = !r;
        }
        if (r) {
            strbuf_addf(&problems, "%s%s", problems.len ? "\n" : "", error_message());
            error_clear();
        }
    }
    strbuf_release(&text);
    if (problems.len) {
        rc = error_input("%s", problems.buf);
        strbuf_release(&problems);
        return rc;
    }
    strbuf_release(&problems);
    for (size_t i = 0; i < l->nentries; i++) {
        struct article_entry *e = &l->entries[i];
        l->articles[i] = (struct crossref_article){
            .number = e->number,
            .m = &e->manuscript,
            .r = &e->record,
            /* An estimate (pdf: false) is not a page range: Crossref is sent none. */
            .pages = l->issue.pages && l->issue.pages_typeset ? l->issue.pages[i] : NULL,
            .refs = &e->manuscript.references,
            .record_file = e->record_path,
            .manuscript_file = e->manuscript_path,
            .countries = l->countries,
        };
    }
    return 0;
}

/* ---- the log of attempts: deposits/<doi_batch_id>.yaml ---- */

int deposit_log_read(struct journal_repo *repo, struct deposit_log *log)
{
    git_tree *root = NULL, *dir = NULL;
    memset(log, 0, sizeof(*log));
    int rc = repo_head_tree(repo, &root);
    if (!rc && root)
        rc = repo_subtree(repo->git, root, "deposits", &dir);
    size_t count = dir ? git_tree_entrycount(dir) : 0;
    log->attempts = xcalloc(count + 1, sizeof(*log->attempts));
    for (size_t i = 0; !rc && i < count; i++) {
        const char *name = git_tree_entry_name(git_tree_entry_byindex(dir, i));
        size_t len = strlen(name);
        if (len < 6 || strcmp(name + len - 5, ".yaml"))
            continue;
        char *path = xasprintf("deposits/%s", name);
        struct strbuf text = STRBUF_INIT;
        rc = repo_read_from_tree(repo->git, root, path, &text, NULL);
        if (!rc)
            rc = deposit_attempt_parse(&log->attempts[log->n], path, text.buf, text.len);
        if (!rc)
            log->n++;
        strbuf_release(&text);
        free(path);
    }
    git_tree_free(dir);
    git_tree_free(root);
    if (rc) {
        deposit_log_free(log);
        return rc;
    }
    deposit_log_sort(log);
    return 0;
}

/* ---- one attempt ---- */

/*
 * Crossref's timestamp is the version of a DOI's metadata: a later deposit must
 * carry a larger one. The time (YYYYMMDDHHMMSS and milliseconds), raised above
 * every recorded attempt's.
 */
static void next_timestamp(const struct deposit_log *log, char out[32])
{
    char now[21];
    date_now(now);
    unsigned long long value = 0;
    for (const char *p = now; *p; p++)
        if (isdigit((unsigned char)*p))
            value = value * 10 + (unsigned long long)(*p - '0');
    value *= 1000;
    if (!getenv("JOURNAL_TODAY")) {
        struct timespec ts;
        if (timespec_get(&ts, TIME_UTC))
            value += (unsigned long long)(ts.tv_nsec / 1000000);
    }
    for (size_t i = 0; i < log->n; i++) {
        unsigned long long previous = strtoull(log->attempts[i].timestamp, NULL, 10);
        if (previous >= value)
            value = previous + 1;
    }
    snprintf(out, 32, "%llu", value);
}

/* "<journal>-<issue>-<timestamp>-<random>": unique per attempt, 4 to 100 characters. */
static void make_batch_id(const struct journal_config *c, unsigned long issue,
                          const char *timestamp, char out[128])
{
    char journal[24];
    size_t n = 0;
    for (const char *p = c->abbreviation ? c->abbreviation : "journal"; *p && n + 1 < 17; p++)
        if (isalnum((unsigned char)*p))
            journal[n++] = (char)tolower((unsigned char)*p);
    journal[n] = '\0';
    unsigned char random[4] = {0};
    FILE *f = fopen("/dev/urandom", "rb");
    if (!f || fread(random, 1, sizeof(random), f) != sizeof(random)) {
        unsigned long mix =
            (unsigned long)time(NULL) ^ (unsigned long)clock() ^ (unsigned long)(size_t)&random;
        memcpy(random, &mix, sizeof(random));
    }
    if (f)
        fclose(f);
    snprintf(out, 128, "%s-issue%lu-%s-%02x%02x%02x%02x", n ? journal : "journal", issue, timestamp,
             random[0], random[1], random[2], random[3]);
}

/*
 * What the server said, on one line: tags removed, blanks folded, control characters and
 * broken UTF-8 dropped, at most ANSWER_SUMMARY_MAX bytes; the password never appears.
 */
static char *summarise_answer(const char *body, const char *password)
{
    struct strbuf out = STRBUF_INIT;
    bool in_tag = false, space = false;
    for (const unsigned char *p = (const unsigned char *)body; *p && out.len < ANSWER_SUMMARY_MAX;
         p++) {
        if (*p == '<') {
            in_tag = true;
            space = out.len > 0;
            continue;
        }
        if (in_tag) {
            in_tag = *p != '>';
            continue;
        }
        if (isspace(*p) || *p < 0x20 || *p == 0x7f) {
            space = out.len > 0;
            continue;
        }
        if (*p >= 0x80) {
            /* Whole UTF-8 sequences only. */
            size_t len = (*p & 0xE0) == 0xC0   ? 2
                         : (*p & 0xF0) == 0xE0 ? 3
                         : (*p & 0xF8) == 0xF0 ? 4
                                               : 0;
            size_t k = 1;
            while (len && k < len && (p[k] & 0xC0) == 0x80)
                k++;
            if (!len || k != len) {
                continue;
            }
            if (space)
                strbuf_addch(&out, ' ');
            space = false;
            strbuf_add(&out, p, len);
            p += len - 1;
            continue;
        }
        if (space)
            strbuf_addch(&out, ' ');
        space = false;
        strbuf_addch(&out, (char)*p);
    }
    if (!out.len)
        strbuf_addstr(&out, "(empty)");
    if (password && *password) {
        char *hit;
        while ((hit = strstr(out.buf, password)) != NULL)
            memset(hit, '*', strlen(password));
    }
    return strbuf_detach(&out, NULL);
}

/* doMDUpload acknowledges receipt with HTTP 200 and a page saying SUCCESS. */
static bool answer_is_success(long status, const char *body)
{
    return status == 200 && (strstr(body, "SUCCESS") || strstr(body, "successfully received")) &&
           !strstr(body, "FAILURE");
}

/* The schema folder: the request's, JOURNAL_CROSSREF_SCHEMA_DIR, journal.yaml's; or NULL, the
   schemas compiled into journal. */
static char *schema_dir_for(struct journal_repo *repo, const struct deposit_request *req)
{
    const char *dir = req->schema_dir;
    if (!dir || !*dir)
        dir = getenv("JOURNAL_CROSSREF_SCHEMA_DIR");
    if (dir && *dir)
        return xstrdup(dir);
    dir = repo->config.crossref_schema_dir;
    if (!dir || !*dir)
        return NULL;
    return dir[0] == '/' ? xstrdup(dir) : fs_join(repo->root, dir);
}

static void write_attempt(const struct deposit_result *out, const struct deposit_request *req,
                          const unsigned long *submissions, const char *at, const char *by,
                          struct strbuf *yaml)
{
    struct ywriter w;
    char number[32];
    ywriter_begin(&w, yaml);
    ywriter_map_begin(&w);
    ywriter_pair(&w, "batch_id", out->batch_id);
    snprintf(number, sizeof(number), "%lu", req->issue);
    ywriter_pair_plain(&w, "issue", number);
    ywriter_pair_plain(&w, "endpoint", req->test ? "test" : "production");
    ywriter_pair(&w, "url", out->endpoint);
    ywriter_pair_plain(&w, "at", at);
    ywriter_pair(&w, "by", by);
    ywriter_pair(&w, "timestamp", out->timestamp);
    ywriter_plain(&w, "dois");
    ywriter_seq_begin(&w, false);
    for (size_t i = 0; i < out->ndois; i++) {
        ywriter_map_begin(&w);
        ywriter_pair(&w, "doi", out->dois[i]);
        snprintf(number, sizeof(number), "%lu", submissions[i]);
        ywriter_pair_plain(&w, "submission", number);
        ywriter_map_end(&w);
    }
    ywriter_seq_end(&w);
    if (out->http_status) {
        snprintf(number, sizeof(number), "%ld", out->http_status);
        ywriter_pair_plain(&w, "http_status", number);
    }
    ywriter_pair(&w, "answer", out->answer);
    ywriter_pair_plain(&w, "outcome", out->submitted ? "submitted" : "failed");
    ywriter_map_end(&w);
    ywriter_end(&w);
}

/* POST the deposit; out->http_status, answer and submitted say what happened. */
static void send_deposit(const struct deposit_result *res, const char *login, const char *password,
                         struct deposit_result *out)
{
    char filename[160];
    snprintf(filename, sizeof(filename), "%s.xml", res->batch_id);
    const struct http_part parts[] = {
        {"operation", "doMDUpload", 0, NULL, NULL},
        {"login_id", login, 0, NULL, NULL},
        {"login_passwd", password, 0, NULL, NULL},
        {"fname", res->xml.buf, res->xml.len, filename, "application/xml"},
    };
    const char *const headers[] = {"Accept: text/html, text/plain, */*", NULL};
    struct http_request req = {
        .url = res->endpoint,
        .headers = headers,
        .parts = parts,
        .nparts = sizeof(parts) / sizeof(*parts),
        .total_timeout_ms = 300000, /* a large issue with references takes a while to upload */
        .max_body = 1024 * 1024,
    };
    struct http_response response;
    if (http_perform(&req, &response)) {
        out->http_status = 0;
        out->answer = summarise_answer(error_message(), password);
        out->submitted = false;
        error_clear();
        return;
    }
    out->http_status = response.status;
    out->answer = summarise_answer(response.body.buf ? response.body.buf : "", password);
    out->submitted = answer_is_success(response.status, response.body.buf ? response.body.buf : "");
    http_response_release(&response);
}

int workflow_deposit(struct journal_repo *repo, const struct deposit_request *req,
                     struct deposit_result *out)
{
    const struct journal_config *c = &repo->config;
    struct loaded_issue l;
    struct deposit_log log = {0};
    memset(out, 0, sizeof(*out));
    strbuf_init(&out->xml);
    int rc = load_issue(repo, req->issue, &l);
    if (rc) {
        loaded_issue_free(&l);
        return rc;
    }

    /* Everything is checked before anything is written or sent. */
    error_clear();
    crossref_check(c, &l.issue, l.articles, l.nentries);
    /* A dry run too: "the deposit is valid" must not be said of DOIs that would resolve to
       a placeholder. */
    char *placeholder = config_base_url_placeholder(c);
    if (placeholder) {
        error_add_at("journal.yaml", c->base_url_line, c->base_url_column,
                     "%s; the DOIs deposited would resolve to it", placeholder);
        free(placeholder);
    }
    const char *login = NULL, *password = NULL;
    if (!req->dry_run) {
        login = getenv(c->crossref_login_env);
        password = getenv(c->crossref_password_env);
        if (!login || !*login || !password || !*password)
            error_add_at("journal.yaml", 0, 0,
                         "the Crossref login is missing: set the environment variables %s (login "
                         "id) and %s (password), as crossref_login_env and "
                         "crossref_password_env name them",
                         c->crossref_login_env, c->crossref_password_env);
    }
    if (error_count()) {
        loaded_issue_free(&l);
        return JOURNAL_EINPUT;
    }

    /* Under the lock from reading the log to the commit: concurrent deposits queue up. */
    if (!req->dry_run && (rc = repo_lock(repo, 30000)) != 0) {
        loaded_issue_free(&l);
        return rc;
    }
    rc = deposit_log_read(repo, &log);
    if (!rc) {
        next_timestamp(&log, out->timestamp);
        make_batch_id(c, req->issue, out->timestamp, out->batch_id);
        out->endpoint = xstrdup(req->test ? c->crossref_test_endpoint : c->crossref_endpoint);
        out->dois = xcalloc(l.nentries + 1, sizeof(*out->dois));
        for (size_t i = 0; i < l.nentries; i++)
            out->dois[out->ndois++] = xstrdup(l.entries[i].record.doi);
        rc = crossref_write(c, &l.issue, l.articles, l.nentries, out->batch_id, out->timestamp,
                            &out->xml);
    }
    /* Every deposit is validated, and one that is not valid is never sent. */
    if (!rc) {
        out->schema_dir = schema_dir_for(repo, req);
        rc = crossref_validate(out->xml.buf, out->xml.len, out->schema_dir);
    }
    if (rc || req->dry_run)
        goto done;

    send_deposit(out, login, password, out);
    out->sent = true;

    char at[21];
    date_now(at);
    char *by = repo_actor(repo);
    unsigned long *submissions = xcalloc(l.nentries + 1, sizeof(*submissions));
    for (size_t i = 0; i < l.nentries; i++)
        submissions[i] = l.entries[i].number;
    struct strbuf yaml = STRBUF_INIT, message = STRBUF_INIT;
    write_attempt(out, req, submissions, at, by, &yaml);
    char *path = xasprintf("deposits/%s.yaml", out->batch_id);
    strbuf_addf(&message, "Deposit issue %lu with Crossref (%s): %s\n\nbatch: %s\nendpoint: %s\n",
                req->issue, req->test ? "test" : "production",
                out->submitted ? "submitted" : "failed", out->batch_id, out->endpoint);
    if (out->http_status)
        strbuf_addf(&message, "HTTP %ld: %s\n", out->http_status, out->answer);
    else
        strbuf_addf(&message, "no answer: %s\n", out->answer);
    for (size_t i = 0; i < out->ndois; i++)
        strbuf_addf(&message, "#%lu doi:%s\n", submissions[i], out->dois[i]);
    struct repo_change change = {path, yaml.buf, yaml.len, false};
    git_oid commit;
    rc = repo_commit(repo, &change, 1, message.buf, &commit);
    if (!rc)
        git_oid_tostr(out->commit, sizeof(out->commit), &commit);
    free(path);
    free(submissions);
    free(by);
    strbuf_release(&yaml);
    strbuf_release(&message);
    if (!rc && !out->submitted) {
        if (!out->http_status)
            rc = error_input("the deposit was not delivered: %s (recorded as failed in "
                             "deposits/%s.yaml; run journal deposit again to retry)",
                             out->answer, out->batch_id);
        else
            rc = error_input("%s answered HTTP %ld without acknowledging the deposit: %s "
                             "(recorded as failed in deposits/%s.yaml; run journal deposit again "
                             "to retry)",
                             out->endpoint, out->http_status, out->answer, out->batch_id);
    }
done:
    if (!req->dry_run)
        repo_unlock(repo);
    deposit_log_free(&log);
    loaded_issue_free(&l);
    return rc;
}

void deposit_result_free(struct deposit_result *out)
{
    strbuf_release(&out->xml);
    for (size_t i = 0; i < out->ndois; i++)
        free(out->dois[i]);
    free(out->dois);
    free(out->schema_dir);
    free(out->endpoint);
    free(out->answer);
    memset(out, 0, sizeof(*out));
}
