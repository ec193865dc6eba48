#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/enrich.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define MAX_NUMBERS 256

static const char *kind_name(enum enrich_kind kind)
{
    return kind == ENRICH_CONFIRMED ? "confirmed" : kind == ENRICH_PROPOSAL ? "proposal" : "failed";
}

static void print_json(const struct enrich_report *r)
{
    json_t *items = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const struct enrich_finding *f = &r->items[i];
        json_array_append_new(
            items, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s?}", "kind", kind_name(f->kind),
                             "submission", (json_int_t)f->submission, "where", f->where, "subject",
                             f->subject, "message", f->message, "proposal", f->proposal));
    }
    cli_print_json(json_pack("{s:o, s:I, s:I}", "findings", items, "asked", (json_int_t)r->asked,
                             "cached", (json_int_t)r->cached));
}

static void print_text(const struct enrich_report *r)
{
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < r->n; i++) {
        const struct enrich_finding *f = &r->items[i];
        counts[f->kind]++;
        /* What agrees needs no one's attention; --json lists it too. */
        if (f->kind == ENRICH_CONFIRMED)
            continue;
        printf("%s: %s%s: %s\n", f->where, f->kind == ENRICH_FAILED ? "not checked: " : "",
               f->subject, f->message);
        if (f->proposal)
            printf("    proposed: %s\n", f->proposal);
    }
    printf("%zu confirmed, %zu to consider, %zu not checked (%zu asked, %zu from the index)\n",
           counts[ENRICH_CONFIRMED], counts[ENRICH_PROPOSAL], counts[ENRICH_FAILED], r->asked,
           r->cached);
}

int cmd_enrich(int argc, char **argv, struct cli *cli)
{
    bool refresh = false;
    const char *args[MAX_NUMBERS + 1] = {NULL};
    const struct cli_option options[] = {{"--refresh", NULL, &refresh}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, args, MAX_NUMBERS + 1);
    if (rc)
        return rc;
    unsigned long numbers[MAX_NUMBERS];
    size_t n = 0;
    for (; n < MAX_NUMBERS + 1 && args[n]; n++) {
        if (n == MAX_NUMBERS)
            return error_usage("at most %d submissions at a time (none: all of them)", MAX_NUMBERS);
        rc = cli_parse_number(args[n], &numbers[n]);
        if (rc)
            return rc;
    }
    struct journal_repo *repo = NULL;
    struct enrich_report report = {0};
    struct enrich_options opt = {numbers, n, refresh};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = workflow_enrich(repo, &opt, &report);
    if (!rc && cli->json)
        print_json(&report);
    else if (!rc)
        print_text(&report);
    /* A registry that could not be asked leaves the check undone: say so in the status. */
    size_t failed = 0;
    for (size_t i = 0; !rc && i < report.n; i++)
        failed += report.items[i].kind == ENRICH_FAILED;
    if (failed)
        rc = error_input("%zu lookup%s failed (see above); what was answered is kept, so "
                         "running journal enrich again asks only the rest",
                         failed, failed == 1 ? "" : "s");
    enrich_report_free(&report);
    repo_free(repo);
    return rc;
}
