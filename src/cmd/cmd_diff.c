#include "cmd/commands.h"
#include "model/record.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What changed in the manuscript between a round and the one before it, as a unified diff. */
int cmd_diff(int argc, char **argv, struct cli *cli)
{
    const char *number_arg = NULL, *round_arg = NULL;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            return error_usage("unknown option '%s'", argv[i]);
        if (!number_arg)
            number_arg = argv[i];
        else if (!round_arg)
            round_arg = argv[i];
        else
            return error_usage("unexpected argument '%s'", argv[i]);
    }
    unsigned long number, round = 0;
    if (!number_arg)
        return error_usage("usage: journal diff NUMBER [ROUND]");
    int rc = cli_parse_number(number_arg, &number);
    if (!rc && round_arg) {
        char *end;
        round = strtoul(round_arg, &end, 10);
        if (*end || !round || round_arg[0] == '-' || round_arg[0] == '+' || strlen(round_arg) > 9)
            rc = error_usage("'%s' is not a round number (1, 2, ...)", round_arg);
    }
    if (rc)
        return rc;

    struct journal_repo *repo = NULL;
    struct submission_record r = {0};
    struct strbuf text = STRBUF_INIT, before = STRBUF_INIT, after = STRBUF_INIT;
    git_patch *patch = NULL;
    git_buf out = {0};
    char path[96];
    rc = repo_open(&repo, cli->dir);
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
    if (!rc) {
        rc = repo_read(repo, path, &text, NULL);
        if (rc == JOURNAL_EINPUT)
            rc = error_input("there is no submission %lu (see 'journal list')", number);
    }
    if (!rc)
        rc = record_parse(&r, path, text.buf, text.len);
    if (rc)
        goto done;
    if (!round)
        round = r.round;
    if (round > r.round) {
        rc = error_input("submission %lu has %lu round%s: there is no round %lu", number, r.round,
                         r.round == 1 ? "" : "s", round);
        goto done;
    }
    if (round < 2) {
        rc = error_input(r.round == 1 ? "submission %lu has only round 1: there is no earlier "
                                        "version to compare with"
                                      : "round 1 of submission %lu is its first version: there "
                                        "is no earlier version to compare with",
                         number);
        goto done;
    }
    const struct record_version *old = record_find_version(&r, round - 1);
    const struct record_version *new = record_find_version(&r, round);
    if (!old || !new) {
        rc = error_input("submission %lu has no recorded manuscript for round %lu (it has %lu "
                         "round%s)",
                         number, old ? round : round - 1, r.round, r.round == 1 ? "" : "s");
        goto done;
    }
    rc = repo_read_blob(repo, old->blob, &before);
    if (!rc)
        rc = repo_read_blob(repo, new->blob, &after);
    if (rc)
        goto done;
    char *old_name = xasprintf("round-%lu/manuscript.md", round - 1);
    char *new_name = xasprintf("round-%lu/manuscript.md", round);
    if (git_patch_from_buffers(&patch, before.buf, before.len, old_name, after.buf, after.len,
                               new_name, NULL) < 0 ||
        git_patch_to_buf(&out, patch) < 0)
        rc = repo_git_error("cannot compare the versions");
    else if (out.size)
        fwrite(out.ptr, 1, out.size, stdout);
    else
        printf("The manuscript did not change between rounds %lu and %lu.\n", round - 1, round);
    free(old_name);
    free(new_name);
done:
    (void)cli;
    git_buf_dispose(&out);
    git_patch_free(patch);
    record_free(&r);
    strbuf_release(&text);
    strbuf_release(&before);
    strbuf_release(&after);
    repo_free(repo);
    return rc;
}
