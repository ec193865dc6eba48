#define _POSIX_C_SOURCE 200809L
#include "cmd/commands.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "workflow/notify.h"
#include "workflow/review_round.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_decide(int argc, char **argv, struct cli *cli)
{
    struct decision_request req = {0};
    const struct cli_option options[] = {{"--letter", &req.letter, NULL}, {NULL, NULL, NULL}};
    const char *args[2];
    /* --without may come several times, each with one ID or a comma-separated list: taken
       out of argv here, the rest parsed as usual. */
    size_t room = (size_t)argc + 1;
    for (int i = 0; i < argc; i++)
        for (const char *c = argv[i]; *c; c++)
            room += *c == ',';
    char **rest = xcalloc((size_t)argc + 1, sizeof(*rest));
    const char **without = xcalloc(room, sizeof(*without));
    char **lists = xcalloc((size_t)argc + 1, sizeof(*lists));
    int nrest = 0, rc = 0;
    size_t nlists = 0;
    for (int i = 0; i < argc && !rc; i++) {
        const char *value = NULL;
        int got = i ? cli_option_value(argc, argv, &i, "--without", &value) : 0;
        if (got < 0 || got > 1)
            rc = got;
        else if (got == 1) {
            char *copy = lists[nlists++] = xstrdup(value), *save = NULL;
            for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save))
                without[req.nwithout++] = id;
            if (!*value || !req.nwithout)
                rc = error_usage("--without needs a reviewer ID");
        } else
            rest[nrest++] = argv[i];
    }
    req.without = without;
    if (!rc)
        rc = cli_parse(nrest, rest, cli, options, args, 2);
    if (rc)
        goto out;
    const char *number = args[0];
    req.decision = args[1];
    if (!number || !req.decision) {
        rc = error_usage("usage: journal decide NUMBER accept|revise|reject [--letter FILE] "
                         "[--without ID ...]");
        goto out;
    }
    if (strcmp(req.decision, "accept") && strcmp(req.decision, "revise") &&
        strcmp(req.decision, "reject")) {
        rc = error_usage("decision '%s' is not one of accept, revise, reject", req.decision);
        goto out;
    }
    rc = cli_parse_number(number, &req.number);
    if (rc)
        goto out;

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
out:
    for (size_t i = 0; i < nlists; i++)
        free(lists[i]);
    free(lists);
    free(without);
    free(rest);
    return rc;
}
