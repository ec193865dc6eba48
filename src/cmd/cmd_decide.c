#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/notify.h"
#include "workflow/review_round.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_decide(int argc, char **argv, struct cli *cli)
{
    struct decision_request req = {0};
    const struct cli_option options[] = {{"--letter", &req.letter, NULL}, {NULL, NULL, NULL}};
    const char *args[2];
    int rc = cli_parse(argc, argv, cli, options, args, 2);
    if (rc)
        return rc;
    const char *number = args[0];
    req.decision = args[1];
    if (!number || !req.decision)
        return error_usage("usage: journal decide NUMBER accept|revise|reject [--letter FILE]");
    if (strcmp(req.decision, "accept") && strcmp(req.decision, "revise") &&
        strcmp(req.decision, "reject"))
        return error_usage("decision '%s' is not one of accept, revise, reject", req.decision);
    rc = cli_parse_number(number, &req.number);
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct action_outcome out = {0};
    struct notifier notifier;
    rc = cli_open_journal(cli, &repo, &notifier);
    req.notifier = &notifier;
    if (!rc)
        rc = workflow_decide(repo, &req, &out);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:I, s:s, s:s, s:I, s:s, s:s}", "number",
                                     (json_int_t)req.number, "decision", req.decision, "state",
                                     out.state, "round", (json_int_t)out.round, "letter",
                                     out.detail, "commit", out.commit));
        else
            printf("Submission %lu is now %s (round %lu). The letter is %s.\n", req.number,
                   out.state, out.round, out.detail);
    }
    action_outcome_free(&out);
    cli_close_journal(repo, &notifier, rc, "decide");
    return rc;
}
