#include "cmd/commands.h"
#include "default_theme.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

int cmd_init(int argc, char **argv, struct cli *cli)
{
    static const struct option options[] = {{"title", required_argument, NULL, 't'},
                                            {"base-url", required_argument, NULL, 'b'},
                                            {"json", no_argument, NULL, 'j'},
                                            {NULL, 0, NULL, 0}};
    const char *title = "Untitled Journal";
    const char *base_url = NULL;
    int c;
    optind = 0; /* glibc: 0 re-initialises getopt for this argv */
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 't':
            title = optarg;
            break;
        case 'b':
            base_url = optarg;
            break;
        case 'j':
            cli->json = true;
            break;
        default:
            return error_usage("unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind > 1)
        return error_usage("init takes at most one folder");
    const char *dir = optind < argc ? argv[optind] : cli->dir;

    struct repo_change *theme = xcalloc(default_theme_nfiles + 1, sizeof(*theme));
    for (size_t i = 0; i < default_theme_nfiles; i++)
        theme[i] = (struct repo_change){default_theme_files[i].path, default_theme_files[i].data,
                                        default_theme_files[i].size, false};
    char commit[GIT_OID_HEXSZ + 1];
    int rc = repo_init(dir, title, base_url, theme, default_theme_nfiles, commit);
    free(theme);
    if (rc)
        return rc;
    if (cli->json) {
        json_t *o = json_pack("{s:s, s:s, s:s}", "path", dir, "title", title, "commit", commit);
        cli_print_json(o);
    } else {
        printf("Created journal '%s' in %s (commit %.7s).\n"
               "Next: edit journal.yaml and commit it, then 'journal submit MANUSCRIPT.md'.\n",
               title, dir, commit);
        if (!base_url)
            printf("base_url in journal.yaml is a placeholder (%s): set it to the site's "
                   "address before publishing (build-site makes only drafts until then, "
                   "with --draft).\n",
                   CONFIG_PLACEHOLDER_BASE_URL);
    }
    return 0;
}
