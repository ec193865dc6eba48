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
    const char *number = NULL, *as = NULL;
    for (int i = 1; i < argc; i++) {
        int rc;
        if (cli_common_option(argv[i], cli))
            continue;
        if ((rc = cli_option_value(argc, argv, &i, "--verdict", &req.verdict)) ||
            (rc = cli_option_value(argc, argv, &i, "--comments", &req.comments)) ||
            (rc = cli_option_value(argc, argv, &i, "--confidential", &req.confidential)) ||
            (rc = cli_option_value(argc, argv, &i, "--as", &as))) {
            if (rc < 0)
                return rc;
            continue;
        }
        if (!strcmp(argv[i], "--amend")) {
            req.amend = true;
            continue;
        }
        if (!strcmp(argv[i], "--sign")) {
            req.sign = true;
            continue;
        }
        if (argv[i][0] == '-')
            return error_usage("unknown option '%s'", argv[i]);
        if (number)
            return error_usage("review takes one submission number");
        number = argv[i];
    }
    if (!number || !req.verdict || !req.comments)
        return error_usage("usage: journal review NUMBER --verdict VERDICT --comments FILE "
                           "[--confidential FILE] [--as REVIEWER]");
    int rc = cli_parse_number(number, &req.number);
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
