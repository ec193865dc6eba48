#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/review_round.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_review(int argc, char **argv, struct cli *cli)
{
    struct review_request req = {0};
    const char *number, *as = NULL;
    const struct cli_option options[] = {{"--verdict", &req.verdict, NULL},
                                         {"--comments", &req.comments, NULL},
                                         {"--confidential", &req.confidential, NULL},
                                         {"--file", &req.file, NULL},
                                         {"--as", &as, NULL},
                                         {"--amend", NULL, &req.amend},
                                         {"--sign", NULL, &req.sign},
                                         {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, &number, 1);
    if (rc)
        return rc;
    if (!number || !req.verdict || !req.comments)
        return error_usage(
            "usage: journal review NUMBER --verdict VERDICT --comments FILE "
            "[--confidential FILE] [--file FILE] [--as REVIEWER] [--amend] [--sign]");
    rc = cli_parse_number(number, &req.number);
    if (!rc)
        rc = cli_reviewer_identity(as, &req.reviewer);
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct action_outcome out = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = workflow_review(repo, &req, &out);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:I, s:s, s:I, s:s, s:b, s:s}", "number",
                                     (json_int_t)req.number, "reviewer", req.reviewer, "round",
                                     (json_int_t)out.round, "verdict", req.verdict, "amended",
                                     req.amend, "commit", out.commit));
        else
            printf("%s verdict of %s on submission %lu (round %lu): %s.\n",
                   req.amend ? "Amended the" : "Recorded the", req.reviewer, req.number, out.round,
                   req.verdict);
    }
    action_outcome_free(&out);
    repo_free(repo);
    return rc;
}
