#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/word.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_convert(int argc, char **argv, struct cli *cli)
{
    const char *output = NULL, *output_long = NULL;
    bool accept_changes = false;
    const struct cli_option options[] = {{"--output", &output_long, NULL},
                                         {"-o", &output, NULL},
                                         {"--accept-changes", NULL, &accept_changes},
                                         {NULL, NULL, NULL}};
    const char *args[1];
    int rc = cli_parse(argc, argv, cli, options, args, 1);
    if (rc)
        return rc;
    if (output && output_long)
        return error_usage("-o and --output name the same file: give one");
    if (output_long)
        output = output_long;
    if (!args[0])
        return error_usage("usage: journal convert DOCUMENT.docx|.odt [-o MANUSCRIPT.md] "
                           "[--accept-changes]");
    if (output && !strcmp(output, "-"))
        output = NULL;

    /* In a journal its max_manuscript_size applies; an author's own folder has the default. */
    struct journal_repo *repo = NULL;
    size_t max_size = CONFIG_DEFAULT_MAX_MANUSCRIPT_SIZE;
    if (!repo_open(&repo, cli->dir))
        max_size = repo->config.max_manuscript_size;
    else
        error_clear();
    repo_free(repo);

    struct word_doc doc;
    rc = word_convert(args[0], max_size, accept_changes, &doc);
    if (!rc)
        rc = word_save(&doc, output);
    if (!rc) {
        for (size_t i = 0; i < doc.nwarnings; i++)
            fprintf(stderr, "journal convert: warning: %s\n", doc.warnings[i]);
        if (cli->json && output) {
            json_t *media = json_array();
            for (size_t i = 0; i < doc.nmedia; i++)
                json_array_append_new(media, json_string(doc.media[i].name));
            cli_print_json(
                json_pack("{s:s, s:s, s:o}", "source", args[0], "output", output, "media", media));
        } else if (output) {
            fprintf(stderr, "journal: converted %s to %s", args[0], output);
            if (doc.nmedia)
                fprintf(stderr, " and %zu picture%s in files/ beside it", doc.nmedia,
                        doc.nmedia == 1 ? "" : "s");
            fputs("\n", stderr);
        }
    }
    word_doc_free(&doc);
    return rc;
}
