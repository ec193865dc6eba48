#include "cmd/commands.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/error.h"

#include <jansson.h>
#include <stdio.h>

int cmd_reindex(int argc, char **argv, struct cli *cli)
{
    for (int i = 1; i < argc; i++)
        if (!cli_common_option(argv[i], cli))
            return error_usage("unexpected argument '%s'", argv[i]);
    struct journal_repo *repo = NULL;
    struct index_refresh_stats st;
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = index_rebuild(repo, &st);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:i, s:i}", "submissions", (json_int_t)st.submissions_read,
                                     "issues", (json_int_t)st.issues_read));
        else
            printf("Rebuilt the index: %zu submissions, %zu issues.\n", st.submissions_read,
                   st.issues_read);
    }
    repo_free(repo);
    return rc;
}
