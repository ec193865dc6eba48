#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/auto_assign.h"
#include "workflow/notify.h"
#include "workflow/review_round.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_plan(const struct auto_plan *plan, bool dry_run, bool explain)
{
    if (!plan->nsubmissions) {
        printf("No submission is waiting for reviewers.\n");
        return;
    }
    printf("%s %zu reviewer%s to %zu submission%s (%zu reviewers, %zu allowed pairs, total "
           "affinity %.3f)%s\n",
           dry_run ? "Would assign" : "Assigned", plan->npairs, plan->npairs == 1 ? "" : "s",
           plan->nsubmissions, plan->nsubmissions == 1 ? "" : "s", plan->nreviewers, plan->nedges,
           plan->total, dry_run ? " [dry run: nothing committed]" : "");
    unsigned long current = 0;
    for (size_t i = 0; i < plan->npairs; i++) {
        const struct auto_pair *p = &plan->pairs[i];
        if (p->number != current)
            printf("  #%lu\n", current = p->number);
        printf("    %-24s affinity %.3f, due %s", p->reviewer, p->score, plan->due);
        if (explain && p->terms && *p->terms)
            printf("  [%s]", p->terms);
        printf("\n");
    }
    for (size_t i = 0; i < plan->nshort; i++)
        printf("  #%lu cannot be fully covered: %s\n", plan->shorts[i].number, plan->shorts[i].why);
    if (explain && plan->nexcluded) {
        printf("Excluded:\n");
        for (size_t i = 0; i < plan->nexcluded; i++)
            printf("  #%-5lu %-24s %-12s %s\n", plan->excluded[i].number,
                   plan->excluded[i].reviewer, plan->excluded[i].rule, plan->excluded[i].why);
    }
}

static json_t *plan_json(const struct auto_plan *plan, bool dry_run)
{
    json_t *pairs = json_array(), *shorts = json_array(), *excluded = json_array();
    for (size_t i = 0; i < plan->npairs; i++) {
        json_t *x =
            json_pack("{s:I, s:s, s:f}", "number", (json_int_t)plan->pairs[i].number, "reviewer",
                      plan->pairs[i].reviewer, "affinity", plan->pairs[i].score);
        if (plan->pairs[i].terms)
            json_object_set_new(x, "terms", json_string(plan->pairs[i].terms));
        json_array_append_new(pairs, x);
    }
    for (size_t i = 0; i < plan->nshort; i++)
        json_array_append_new(shorts, json_pack("{s:I, s:I, s:s}", "number",
                                                (json_int_t)plan->shorts[i].number, "missing",
                                                (json_int_t)plan->shorts[i].missing, "why",
                                                plan->shorts[i].why));
    for (size_t i = 0; i < plan->nexcluded; i++)
        json_array_append_new(excluded,
                              json_pack("{s:I, s:s, s:s, s:s}", "number",
                                        (json_int_t)plan->excluded[i].number, "reviewer",
                                        plan->excluded[i].reviewer, "rule", plan->excluded[i].rule,
                                        "why", plan->excluded[i].why));
    return json_pack("{s:b, s:s, s:f, s:I, s:I, s:I, s:s, s:o, s:o, s:o}", "dry_run", dry_run,
                     "due", plan->due, "total_affinity", plan->total, "submissions",
                     (json_int_t)plan->nsubmissions, "reviewers", (json_int_t)plan->nreviewers,
                     "allowed_pairs", (json_int_t)plan->nedges, "commit", plan->commit, "pairs",
                     pairs, "short", shorts, "excluded", excluded);
}

static int assign_auto(struct cli *cli, const char **numbers, size_t nnumbers, const char *k_arg,
                       const char *due, bool dry_run, bool explain)
{
    unsigned long *list = calloc(nnumbers + 1, sizeof(*list));
    struct auto_assign_request req = {list, nnumbers, 0, due, dry_run, explain, NULL};
    int rc = 0;
    for (size_t i = 0; !rc && i < nnumbers; i++)
        rc = cli_parse_number(numbers[i], &list[i]);
    if (!rc && k_arg) {
        char *end;
        long k = strtol(k_arg, &end, 10);
        if (*end || k < 1 || k > 20)
            rc = error_usage("-k %s: expected a number of reviewers from 1 to 20", k_arg);
        req.k = (unsigned)k;
    }
    struct journal_repo *repo = NULL;
    struct notifier notifier = {0};
    struct auto_plan plan = {0};
    if (!rc)
        rc = repo_open(&repo, cli->dir);
    if (!rc && !dry_run)
        rc = notifier_open(&notifier, repo);
    req.notifier = dry_run ? NULL : &notifier;
    if (!rc)
        rc = workflow_assign_auto(repo, &req, &plan);
    if (!rc) {
        if (cli->json)
            cli_print_json(plan_json(&plan, dry_run));
        else
            print_plan(&plan, dry_run, explain);
        if (!dry_run)
            cli_send_mail(&notifier, "assign");
    }
    auto_plan_free(&plan);
    notifier_close(&notifier);
    repo_free(repo);
    free(list);
    return rc;
}

/* journal assign N --accept|--decline|--withdraw ID: an answer to an invitation. */
static int assign_answer(struct cli *cli, const char **numbers, size_t nnumbers, const char *accept,
                         const char *decline, const char *withdraw, const char *reason,
                         const char *suggest, bool other_options)
{
    struct answer_request req = {0};
    static const char *const verbs[] = {"accepted", "declined", "withdrew"};
    if (!!accept + !!decline + !!withdraw != 1)
        return error_usage("give one of --accept, --decline and --withdraw");
    if (other_options)
        return error_usage("--accept, --decline and --withdraw take only --reason (and "
                           "--suggest with --decline)");
    if (nnumbers != 1)
        return error_usage("usage: journal assign NUMBER --accept ID | --decline ID [--reason "
                           "TEXT] [--suggest TEXT] | --withdraw ID [--reason TEXT]");
    req.reviewer = accept ? accept : decline ? decline : withdraw;
    req.answer = accept ? ANSWER_ACCEPT : decline ? ANSWER_DECLINE : ANSWER_WITHDRAW;
    req.reason = reason;
    req.suggested = suggest;
    if (reason && accept)
        return error_usage("--reason goes with --decline or --withdraw");
    if (suggest && !decline)
        return error_usage("--suggest goes with --decline");
    int rc = cli_parse_number(numbers[0], &req.number);
    if (rc)
        return rc;
    struct journal_repo *repo = NULL;
    struct action_outcome out = {0};
    struct notifier notifier;
    rc = cli_open_journal(cli, &repo, &notifier);
    req.notifier = &notifier;
    if (!rc)
        rc = workflow_answer(repo, &req, &out);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "number",
                                     (json_int_t)req.number, "reviewer", req.reviewer, "round",
                                     (json_int_t)out.round, "state", out.state, "answered",
                                     out.date, "commit", out.commit));
        else if (req.answer == ANSWER_WITHDRAW)
            printf("Withdrew the invitation of %s to review submission %lu (round %lu).\n",
                   req.reviewer, req.number, out.round);
        else
            printf("Recorded: %s %s the invitation to review submission %lu (round %lu).\n",
                   req.reviewer, verbs[req.answer], req.number, out.round);
    }
    action_outcome_free(&out);
    cli_close_journal(repo, &notifier, rc, "assign");
    return rc;
}

int cmd_assign(int argc, char **argv, struct cli *cli)
{
    struct assignment_request req = {0};
    bool automatic = false, dry_run = false, explain = false;
    const char *k = NULL, *accept = NULL, *decline = NULL, *withdraw = NULL, *reason = NULL,
               *suggest = NULL;
    const struct cli_option options[] = {{"--reviewer", &req.reviewer, NULL},
                                         {"--accept", &accept, NULL},
                                         {"--decline", &decline, NULL},
                                         {"--withdraw", &withdraw, NULL},
                                         {"--reason", &reason, NULL},
                                         {"--suggest", &suggest, NULL},
                                         {"--reinvite", NULL, &req.reinvite},
                                         {"--due", &req.due, NULL},
                                         {"--override-conflict", &req.override, NULL},
                                         {"-k", &k, NULL},
                                         {"--auto", NULL, &automatic},
                                         {"--dry-run", NULL, &dry_run},
                                         {"--explain", NULL, &explain},
                                         {NULL, NULL, NULL}};
    const char *numbers[64];
    int rc = cli_parse(argc, argv, cli, options, numbers, 64);
    if (rc)
        return rc;
    size_t nnumbers = 0;
    while (nnumbers < 64 && numbers[nnumbers])
        nnumbers++;
    if (accept || decline || withdraw)
        return assign_answer(cli, numbers, nnumbers, accept, decline, withdraw, reason, suggest,
                             req.reviewer || req.due || req.override || req.reinvite || automatic ||
                                 k || dry_run || explain);
    if (reason || suggest)
        return error_usage("--reason goes with --decline or --withdraw, --suggest with "
                           "--decline");
    if (automatic) {
        if (req.reviewer || req.override)
            return error_usage("--auto chooses the reviewers: drop --reviewer and "
                               "--override-conflict");
        return assign_auto(cli, numbers, nnumbers, k, req.due, dry_run, explain);
    }
    if (k || dry_run || explain)
        return error_usage("-k, --dry-run and --explain go with --auto");
    if (nnumbers != 1 || !req.reviewer)
        return error_usage("usage: journal assign NUMBER --reviewer ID [--due 21d], or "
                           "journal assign --auto [NUMBER ...] [-k 3] [--explain] [--dry-run]");
    if (req.override && !*req.override)
        return error_usage("--override-conflict needs a justification");
    rc = cli_parse_number(numbers[0], &req.number);
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct action_outcome out = {0};
    struct notifier notifier;
    rc = cli_open_journal(cli, &repo, &notifier);
    req.notifier = &notifier;
    if (!rc)
        rc = workflow_assign(repo, &req, &out);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s?}", "number",
                                     (json_int_t)req.number, "reviewer", req.reviewer, "round",
                                     (json_int_t)out.round, "due", out.date, "state", out.state,
                                     "commit", out.commit, "override", out.detail));
        else
            printf("Assigned %s to submission %lu (round %lu), due %s.%s%s\n", req.reviewer,
                   req.number, out.round, out.date, out.detail ? " Override recorded: " : "",
                   out.detail ? out.detail : "");
    }
    action_outcome_free(&out);
    cli_close_journal(repo, &notifier, rc, "assign");
    return rc;
}
