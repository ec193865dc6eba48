#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/invitation.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* journal token revoke NUMBER --reviewer ID: the reviewer's front-desk links stop working. */
int cmd_token(int argc, char **argv, struct cli *cli)
{
    const char *reviewer = NULL;
    const struct cli_option options[] = {{"--reviewer", &reviewer, NULL}, {NULL, NULL, NULL}};
    const char *args[2] = {NULL, NULL};
    int rc = cli_parse(argc, argv, cli, options, args, 2);
    if (rc)
        return rc;
    if (!args[0] || strcmp(args[0], "revoke") || !args[1] || !reviewer)
        return error_usage("usage: journal token revoke NUMBER --reviewer ID");
    unsigned long number;
    rc = cli_parse_number(args[1], &number);
    if (rc)
        return rc;
    struct journal_repo *repo = NULL;
    rc = repo_open(&repo, cli->dir);
    size_t revoked = 0;
    char commit[GIT_OID_HEXSZ + 1] = "";
    if (!rc)
        rc = workflow_revoke_link(repo, number, reviewer, &revoked, commit);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:I, s:s, s:I, s:s}", "number", (json_int_t)number,
                                     "reviewer", reviewer, "revoked", (json_int_t)revoked, "commit",
                                     commit));
        else
            printf("Revoked the front-desk link%s of %s to submission %lu.\n",
                   revoked == 1 ? "" : "s", reviewer, number);
    }
    repo_free(repo);
    return rc;
}
