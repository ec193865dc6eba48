#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/notify.h"
#include "workflow/review_round.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_assign(int argc, char **argv, struct cli *cli)
{
    struct assignment_request req = {0};
    bool automatic = false;
    const struct cli_option options[] = {{"--reviewer", &req.reviewer, NULL},
                                         {"--due", &req.due, NULL},
                                         {"--override-conflict", &req.override, NULL},
                                         {"--auto", NULL, &automatic},
                                         {NULL, NULL, NULL}};
    const char *number;
    int rc = cli_parse(argc, argv, cli, options, &number, 1);
    if (rc)
        return rc;
    if (automatic)
        return error_usage("--auto: automatic assignment is not available yet");
    if (!number || !req.reviewer)
        return error_usage("usage: journal assign NUMBER --reviewer ID [--due 21d]");
    if (req.override && !*req.override)
        return error_usage("--override-conflict needs a justification");
    rc = cli_parse_number(number, &req.number);
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct action_outcome out = {0};
    struct notifier notifier = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = notifier_open(&notifier, repo);
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
    if (!rc)
        cli_send_mail(&notifier, "assign");
    notifier_close(&notifier);
    action_outcome_free(&out);
    repo_free(repo);
    return rc;
}
