#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/review_round.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_revise(int argc, char **argv, struct cli *cli)
{
    struct revision_request req = {0};
    const struct cli_option options[] = {{"--response", &req.response, NULL},
                                         {"--metadata", &req.metadata, NULL},
                                         {"--accept-changes", NULL, &req.accept_changes},
                                         {NULL, NULL, NULL}};
    const char *args[2];
    int rc = cli_parse(argc, argv, cli, options, args, 2);
    if (rc)
        return rc;
    const char *number = args[0];
    req.manuscript = args[1];
    if (!number || !req.manuscript)
        return error_usage("usage: journal revise NUMBER MANUSCRIPT.md [--response FILE], or "
                           "journal revise NUMBER DOCUMENT.docx --metadata META.yaml "
                           "[--accept-changes] [--response FILE]");
    rc = cli_parse_number(number, &req.number);
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct action_outcome out = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = workflow_revise(repo, &req, &out);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:I, s:I, s:s, s:s}", "number", (json_int_t)req.number,
                                     "round", (json_int_t)out.round, "state", out.state, "commit",
                                     out.commit));
        else
            printf("Submission %lu: revision received, round %lu is under review.\n", req.number,
                   out.round);
        for (size_t i = 0; i < out.nwarnings; i++)
            fprintf(stderr, "journal revise: warning: %s\n", out.warnings[i]);
    }
    action_outcome_free(&out);
    repo_free(repo);
    return rc;
}
