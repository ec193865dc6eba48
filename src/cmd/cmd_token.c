#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/invitation.h"
#include "workflow/notify.h"
#include "workflow/submit.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define TOKEN_USAGE                                                                                \
    "usage: journal token revoke NUMBER --reviewer ID, journal token revoke NUMBER --author, "     \
    "or journal token new NUMBER --author"

/* journal token new|revoke NUMBER --author: the corresponding author's status link. */
static int author_link(struct cli *cli, bool issue, unsigned long number)
{
    struct journal_repo *repo = NULL;
    struct notifier notifier;
    bool mail = false;
    char commit[GIT_OID_HEXSZ + 1] = "";
    int rc = repo_open(&repo, cli->dir);
    if (!rc && issue) {
        rc = notifier_open(&notifier, repo);
        mail = !rc;
    }
    if (!rc)
        rc = issue ? workflow_status_link_new(repo, number, &notifier, commit)
                   : workflow_status_link_revoke(repo, number, commit);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:I, s:s, s:s}", "number", (json_int_t)number, "author",
                                     issue ? "issued" : "revoked", "commit", commit));
        else if (issue)
            printf("Mailed a new status link to the corresponding author of submission %lu "
                   "(any earlier link no longer works).\n",
                   number);
        else
            printf("Revoked the author's status link to submission %lu.\n", number);
        if (mail)
            cli_send_mail(&notifier, "token");
    }
    if (mail)
        notifier_close(&notifier);
    repo_free(repo);
    return rc;
}

/* journal token revoke NUMBER --reviewer ID: the reviewer's front-desk links stop working. */
int cmd_token(int argc, char **argv, struct cli *cli)
{
    const char *reviewer = NULL;
    bool author = false;
    const struct cli_option options[] = {
        {"--reviewer", &reviewer, NULL}, {"--author", NULL, &author}, {NULL, NULL, NULL}};
    const char *args[2] = {NULL, NULL};
    int rc = cli_parse(argc, argv, cli, options, args, 2);
    if (rc)
        return rc;
    bool issue = args[0] && !strcmp(args[0], "new");
    if (!args[0] || (!issue && strcmp(args[0], "revoke")) || !args[1] || author == !!reviewer ||
        (issue && !author))
        return error_usage(TOKEN_USAGE);
    unsigned long number;
    rc = cli_parse_number(args[1], &number);
    if (rc)
        return rc;
    if (author)
        return author_link(cli, issue, number);
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
