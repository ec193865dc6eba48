#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/notify.h"
#include "workflow/withdraw.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_withdraw(int argc, char **argv, struct cli *cli)
{
    struct withdrawal_request req = {0};
    const struct cli_option options[] = {{"--reason", &req.reason, NULL},
                                         {"--reason-file", &req.reason_file, NULL},
                                         {NULL, NULL, NULL}};
    const char *args[1];
    int rc = cli_parse(argc, argv, cli, options, args, 1);
    if (rc)
        return rc;
    if (!args[0])
        return error_usage("usage: journal withdraw NUMBER [--reason TEXT | --reason-file FILE]");
    if (req.reason && req.reason_file)
        return error_usage("give the reason once: --reason TEXT or --reason-file FILE");
    rc = cli_parse_number(args[0], &req.number);
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct action_outcome out = {0};
    struct notifier notifier;
    rc = cli_open_journal(cli, &repo, &notifier);
    req.notifier = &notifier;
    if (!rc)
        rc = workflow_withdraw(repo, &req, &out);
    if (!rc) {
        if (cli->json) {
            json_t *who = json_array();
            for (const char *p = out.detail; p && *p;) {
                size_t n = strcspn(p, ",");
                json_array_append_new(who, json_stringn(p, n));
                p += n;
                p += strspn(p, ", ");
            }
            cli_print_json(json_pack("{s:I, s:s, s:s, s:o, s:s}", "number", (json_int_t)req.number,
                                     "state", out.state, "withdrawn", out.date,
                                     "invitations_withdrawn", who, "commit", out.commit));
        } else {
            printf("Submission %lu is withdrawn (%s).\n", req.number, out.date);
            if (out.detail)
                printf("Invitations withdrawn with it: %s.\n", out.detail);
        }
    }
    action_outcome_free(&out);
    cli_close_journal(repo, &notifier, rc, "withdraw");
    return rc;
}
