#include "cmd/commands.h"
#include "export/crossref.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "workflow/deposit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE                                                                                      \
    "usage: journal deposit ISSUE [--test] [--dry-run] [-o FILE] [--schema DIR] [--json]\n"        \
    "       journal deposit --status [ISSUE] [--json]"

static int parse_issue(const char *arg, unsigned long *out)
{
    /* Issue files are named by up to nine digits (repo_entry_number). */
    size_t len = strspn(arg, "0123456789");
    if (arg[0] < '1' || arg[0] > '9' || arg[len] || len > 9)
        return error_usage("'%s' is not an issue number (1 to 999999999)", arg);
    *out = strtoul(arg, NULL, 10);
    return 0;
}

/* The state of one DOI at one endpoint: its latest submitted attempt and its latest attempt. */
struct doi_state {
    const char *doi;
    const char *endpoint;
    unsigned long issue, submission;
    const struct deposit_attempt *submitted; /* or NULL: never acknowledged */
    const struct deposit_attempt *latest;
    size_t order; /* first seen: DOIs keep the table-of-contents order */
};

/* By issue, then endpoint (production first), then first appearance. */
static int compare_states(const void *x, const void *y)
{
    const struct doi_state *a = x, *b = y;
    if (a->issue != b->issue)
        return a->issue < b->issue ? -1 : 1;
    int c = strcmp(a->endpoint, b->endpoint);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

static size_t collect_states(const struct deposit_log *log, unsigned long issue,
                             struct doi_state **out)
{
    size_t total = 0, n = 0;
    for (size_t i = 0; i < log->n; i++)
        total += log->attempts[i].ndois;
    struct doi_state *states = calloc(total + 1, sizeof(*states));
    /* The log is oldest first, so later attempts overwrite earlier ones. */
    for (size_t i = 0; i < log->n; i++) {
        const struct deposit_attempt *a = &log->attempts[i];
        if (issue && a->issue != issue)
            continue;
        for (size_t k = 0; k < a->ndois; k++) {
            struct doi_state *s = NULL;
            for (size_t j = 0; j < n && !s; j++)
                if (!strcmp(states[j].doi, a->dois[k]) && !strcmp(states[j].endpoint, a->endpoint))
                    s = &states[j];
            if (!s) {
                s = &states[n];
                s->order = n++;
                s->doi = a->dois[k];
                s->endpoint = a->endpoint;
            }
            s->issue = a->issue;
            s->submission = a->submissions[k];
            s->latest = a;
            if (!strcmp(a->outcome, "submitted"))
                s->submitted = a;
        }
    }
    qsort(states, n, sizeof(*states), compare_states);
    *out = states;
    return n;
}

static json_t *attempt_json(const struct deposit_attempt *a)
{
    json_t *dois = json_array();
    for (size_t i = 0; i < a->ndois; i++)
        json_array_append_new(dois, json_pack("{s:s, s:I}", "doi", a->dois[i], "submission",
                                              (json_int_t)a->submissions[i]));
    return json_pack("{s:s, s:I, s:s, s:s?, s:s?, s:s?, s:s, s:o, s:I, s:s?, s:s}", "batch_id",
                     a->batch_id, "issue", (json_int_t)a->issue, "endpoint", a->endpoint, "url",
                     a->url, "at", a->at, "by", a->by, "timestamp", a->timestamp, "dois", dois,
                     "http_status", (json_int_t)a->http_status, "answer", a->answer, "outcome",
                     a->outcome);
}

static int show_status(struct cli *cli, unsigned long issue)
{
    struct journal_repo *repo = NULL;
    struct journal_index *ix = NULL;
    struct deposit_log log = {0};
    /* From the index, which folds deposits/ in as it follows HEAD (read from git again
       only when deposits/ changed). */
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = index_open(&ix, repo);
    if (!rc)
        rc = index_deposit_log(ix, &log);
    index_close(ix);
    if (rc) {
        repo_free(repo);
        return rc;
    }
    struct doi_state *states;
    size_t n = collect_states(&log, issue, &states);
    if (cli->json) {
        json_t *attempts = json_array(), *dois = json_array();
        for (size_t i = 0; i < log.n; i++)
            if (!issue || log.attempts[i].issue == issue)
                json_array_append_new(attempts, attempt_json(&log.attempts[i]));
        for (size_t i = 0; i < n; i++) {
            const struct doi_state *s = &states[i];
            json_array_append_new(
                dois,
                json_pack("{s:s, s:I, s:I, s:s, s:s, s:s?, s:s?, s:s}", "doi", s->doi, "issue",
                          (json_int_t)s->issue, "submission", (json_int_t)s->submission, "endpoint",
                          s->endpoint, "status", s->submitted ? "submitted" : "failed", "batch_id",
                          s->submitted ? s->submitted->batch_id : NULL, "submitted_at",
                          s->submitted ? s->submitted->at : NULL, "last_attempt",
                          s->latest->outcome));
        }
        cli_print_json(json_pack("{s:o, s:o}", "dois", dois, "attempts", attempts));
    } else if (!n) {
        if (issue)
            printf("No deposit of issue %lu has been recorded.\n", issue);
        else
            printf("No deposit has been recorded.\n");
    } else {
        size_t failed = 0;
        for (size_t i = 0; i < log.n; i++)
            failed += (!issue || log.attempts[i].issue == issue) &&
                      strcmp(log.attempts[i].outcome, "submitted");
        unsigned long shown_issue = 0;
        const char *shown_endpoint = NULL;
        for (size_t i = 0; i < n; i++) {
            const struct doi_state *s = &states[i];
            if (s->issue != shown_issue || !shown_endpoint || strcmp(shown_endpoint, s->endpoint)) {
                printf("%sIssue %lu, Crossref %s:\n", i ? "\n" : "", s->issue, s->endpoint);
                shown_issue = s->issue;
                shown_endpoint = s->endpoint;
            }
            if (s->submitted)
                printf("  %-40s submitted %s (batch %s)%s\n", s->doi, s->submitted->at,
                       s->submitted->batch_id,
                       s->latest != s->submitted ? "; a later attempt failed" : "");
            else
                printf("  %-40s not registered: every attempt failed (last %s: %s)\n", s->doi,
                       s->latest->at, s->latest->answer ? s->latest->answer : "no answer");
        }
        printf("\n%zu attempt%s recorded in deposits/, %zu failed. Crossref mails the outcome "
               "of each submitted batch to the depositor.\n",
               log.n, log.n == 1 ? "" : "s", failed);
    }
    free(states);
    deposit_log_free(&log);
    repo_free(repo);
    return 0;
}

int cmd_deposit(int argc, char **argv, struct cli *cli)
{
    struct deposit_request req = {0};
    bool status = false;
    const char *output = NULL;
    const char *args[1];
    const struct cli_option options[] = {
        {"--test", NULL, &req.test}, {"--dry-run", NULL, &req.dry_run},
        {"--status", NULL, &status}, {"--schema", &req.schema_dir, NULL},
        {"-o", &output, NULL},       {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, args, 1);
    if (rc)
        return rc;
    if (args[0] && (rc = parse_issue(args[0], &req.issue)) != 0)
        return rc;
    if (status) {
        if (req.test || req.dry_run || output || req.schema_dir)
            return error_usage("--status takes only an issue number and --json");
        return show_status(cli, req.issue);
    }
    if (!args[0])
        return error_usage(USAGE);

    struct journal_repo *repo = NULL;
    struct deposit_result res = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = workflow_deposit(repo, &req, &res);
    if (rc && !res.sent) {
        deposit_result_free(&res);
        repo_free(repo);
        return rc;
    }
    /* A recorded failure is reported after what was recorded has been shown. */
    char *failure = rc ? error_save() : NULL;
    if (output) {
        int wrc = fs_write_atomic(output, res.xml.buf, res.xml.len);
        if (wrc && !rc) {
            deposit_result_free(&res);
            repo_free(repo);
            return wrc;
        }
        if (wrc)
            error_clear();
    }
    if (res.xml.len) {
        /* Only a valid deposit gets here: workflow_deposit refuses the rest. */
        char *validated =
            res.schema_dir
                ? xasprintf("validated against Crossref's schema " CROSSREF_SCHEMA_VERSION " in %s",
                            res.schema_dir)
                : xstrdup("validated against Crossref's schema " CROSSREF_SCHEMA_VERSION);
        if (cli->json) {
            json_t *dois = json_array();
            for (size_t i = 0; i < res.ndois; i++)
                json_array_append_new(dois, json_string(res.dois[i]));
            json_t *out = json_pack(
                "{s:I, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:b}", "issue", (json_int_t)req.issue,
                "endpoint", req.test ? "test" : "production", "url", res.endpoint, "batch_id",
                res.batch_id, "timestamp", res.timestamp, "dois", dois, "validated", true,
                "dry_run", req.dry_run, "sent", res.sent);
            if (res.sent) {
                json_object_set_new(out, "http_status", json_integer(res.http_status));
                json_object_set_new(out, "answer", json_string(res.answer));
                json_object_set_new(out, "outcome",
                                    json_string(res.submitted ? "submitted" : "failed"));
                json_object_set_new(out, "commit", json_string(res.commit));
            } else if (!output) {
                json_object_set_new(out, "xml", json_stringn(res.xml.buf, res.xml.len));
            }
            cli_print_json(out);
        } else if (req.dry_run) {
            if (!output)
                fwrite(res.xml.buf, 1, res.xml.len, stdout);
            fprintf(stderr,
                    "journal deposit: issue %lu, %zu DOI%s, batch %s: %s; [dry run: nothing "
                    "sent or recorded]%s%s\n",
                    req.issue, res.ndois, res.ndois == 1 ? "" : "s", res.batch_id, validated,
                    output ? "; written to " : "", output ? output : "");
        } else {
            printf("%s issue %lu with Crossref (%s, %s): batch %s, %zu DOI%s\n",
                   res.submitted ? "Deposited" : "Failed to deposit", req.issue,
                   req.test ? "test" : "production", res.endpoint, res.batch_id, res.ndois,
                   res.ndois == 1 ? "" : "s");
            for (size_t i = 0; i < res.ndois; i++)
                printf("  %s\n", res.dois[i]);
            if (res.http_status)
                printf("HTTP %ld: %s\n", res.http_status, res.answer);
            printf("Recorded in deposits/%s.yaml (commit %.12s); %s.\n", res.batch_id, res.commit,
                   validated);
            if (res.submitted)
                printf("Crossref mails the result of processing the batch to %s; "
                       "journal deposit --status lists what was submitted.\n",
                       repo->config.crossref_depositor_email);
        }
        free(validated);
    }
    if (failure)
        error_restore(failure);
    deposit_result_free(&res);
    repo_free(repo);
    return rc;
}
