#include "cmd/commands.h"
#include "site/site.h"
#include "store/repo.h"
#include "util/error.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_build_site(int argc, char **argv, struct cli *cli)
{
    struct site_options opt = {NULL};
    for (int i = 1; i < argc; i++) {
        if (cli_common_option(argv[i], cli))
            continue;
        if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
            opt.output_dir = argv[++i];
        else if (!strncmp(argv[i], "--output=", 9))
            opt.output_dir = argv[i] + 9;
        else if ((!strcmp(argv[i], "-j") || !strcmp(argv[i], "--jobs")) && i + 1 < argc) {
            unsigned long jobs;
            int rc = cli_parse_number(argv[++i], &jobs);
            if (rc || jobs > 256)
                return error_usage("-j takes a number of threads from 1 to 256");
            opt.jobs = (unsigned)jobs;
        } else
            return error_usage("unexpected argument '%s'", argv[i]);
    }
    struct journal_repo *repo = NULL;
    struct site_stats st = {0};
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = site_build(repo, &opt, &st);
    if (!rc) {
        if (cli->json)
            cli_print_json(json_pack("{s:s, s:i, s:i, s:i, s:i}", "output", st.output_dir, "pages",
                                     (json_int_t)st.pages, "issues", (json_int_t)st.issues,
                                     "articles", (json_int_t)st.articles, "assets",
                                     (json_int_t)st.assets));
        else
            printf("Built %zu pages (%zu issues, %zu articles) and %zu assets into %s\n"
                   "Open %s/index.html in a browser.\n",
                   st.pages, st.issues, st.articles, st.assets, st.output_dir, st.output_dir);
    }
    for (size_t i = 0; !rc && i < st.nwarnings; i++)
        fprintf(stderr, "journal build-site: warning: %s\n", st.warnings[i]);
    if (!rc) {
        size_t changed = 0;
        char *first = NULL;
        if (repo_uncommitted(repo, &changed, &first) == 0 && changed)
            fprintf(stderr,
                    "journal build-site: warning: %zu file%s of the journal %s uncommitted "
                    "changes (%s%s); the site shows the last commit\n",
                    changed, changed == 1 ? "" : "s", changed == 1 ? "has" : "have",
                    first ? first : "", changed > 1 ? ", ..." : "");
        free(first);
        /* The warning is best effort: a failure to compute it is not the build's. */
        error_clear();
    }
    site_stats_free(&st);
    repo_free(repo);
    return rc;
}
