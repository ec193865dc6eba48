#include "cmd/commands.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "workflow/notify.h"
#include "workflow/submit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_submit(int argc, char **argv, struct cli *cli)
{
    const char *manuscript = NULL, *metadata = NULL;
    bool accept_changes = false;
    const char **files = xcalloc((size_t)argc, sizeof(char *));
    size_t nfiles = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_common_option(a, cli))
            continue;
        if (!strcmp(a, "--file") || !strcmp(a, "-f")) {
            if (i + 1 >= argc) {
                rc = error_usage("--file needs a file name");
                goto done;
            }
            files[nfiles++] = argv[++i];
        } else if (!strncmp(a, "--file=", 7)) {
            files[nfiles++] = a + 7;
        } else if (!strcmp(a, "--accept-changes")) {
            accept_changes = true;
        } else if (!strcmp(a, "--metadata") || !strncmp(a, "--metadata=", 11)) {
            if (metadata) {
                rc = error_usage("--metadata given twice");
                goto done;
            }
            if (a[10] == '=') {
                metadata = a + 11;
            } else if (i + 1 >= argc) {
                rc = error_usage("--metadata needs a file name");
                goto done;
            } else {
                metadata = argv[++i];
            }
        } else if (a[0] == '-' && a[1]) {
            rc = error_usage("unknown option '%s'", a);
            goto done;
        } else if (manuscript) {
            rc = error_usage("one manuscript at a time ('%s' and '%s' given)", manuscript, a);
            goto done;
        } else {
            manuscript = a;
        }
    }
    if (!manuscript) {
        rc = error_usage("which manuscript? usage: journal submit MANUSCRIPT.md [--file FILE ...] "
                         "or journal submit DOCUMENT.docx --metadata META.yaml");
        goto done;
    }

    struct journal_repo *repo = NULL;
    rc = repo_open(&repo, cli->dir);
    if (rc)
        goto done;
    struct notifier notifier;
    rc = notifier_open(&notifier, repo);
    if (rc) {
        repo_free(repo);
        goto done;
    }
    struct submit_request req = {.manuscript = manuscript,
                                 .metadata = metadata,
                                 .accept_changes = accept_changes,
                                 .files = files,
                                 .nfiles = nfiles,
                                 .notifier = &notifier};
    struct submit_result res;
    rc = submission_submit(repo, &req, &res);
    if (!rc) {
        for (size_t i = 0; i < res.nwarnings; i++)
            fprintf(stderr, "journal submit: warning: %s\n", res.warnings[i]);
        if (cli->json) {
            cli_print_json(json_pack("{s:i, s:s, s:s, s:s}", "number", (json_int_t)res.number,
                                     "state", "submitted", "title", res.title, "commit",
                                     res.commit));
        } else {
            printf("%lu\n", res.number);
            fprintf(stderr, "journal: received submission %lu, \"%s\" (commit %.7s)\n", res.number,
                    res.title, res.commit);
        }
        /* The submission is committed; the index is a cache and can catch up later. */
        cli_refresh_index(repo, "submit");
        submit_result_free(&res);
        cli_send_mail(&notifier, "submit");
    }
    notifier_close(&notifier);
    repo_free(repo);
done:
    free(files);
    return rc;
}
