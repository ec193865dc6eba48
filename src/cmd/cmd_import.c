#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/import.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

static void print_summary(const struct import_result *r, bool dry_run)
{
    char *label = issue_label(&r->issue);
    printf("%s issue %lu: %s, %s%s%s%s\n", dry_run ? "Would import" : "Imported", r->issue.id,
           label, r->issue.date, r->issue.title ? ", \"" : "", r->issue.title ? r->issue.title : "",
           r->issue.title ? "\"" : "");
    if (r->issue.special)
        printf("Special edition: %s\n", r->issue.special);
    for (size_t i = 0; i < r->narticles; i++) {
        const struct imported_article *a = &r->articles[i];
        printf("  %2zu. #%lu %s\n      doi:%s%s%s, published %s (%s)\n", i + 1, a->number, a->title,
               a->doi, a->pages ? ", pp. " : "", a->pages ? a->pages : "", a->published, a->file);
    }
    if (dry_run)
        printf("\n[dry run: nothing committed]\n");
    free(label);
}

int cmd_import(int argc, char **argv, struct cli *cli)
{
    struct import_request req = {0};
    const char *args[2];
    const struct cli_option options[] = {{"--dry-run", NULL, &req.dry_run}, {NULL, NULL, NULL}};
    int rc = cli_parse(argc, argv, cli, options, args, 2);
    if (rc)
        return rc;
    if (!args[0] || args[1])
        return error_usage("usage: journal import DIR [--dry-run] [--json]");
    req.dir = args[0];

    struct journal_repo *repo = NULL;
    struct import_result result = {0};
    rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = workflow_import(repo, &req, &result);
    if (!rc && cli->json) {
        json_t *arts = json_array();
        for (size_t i = 0; i < result.narticles; i++) {
            const struct imported_article *a = &result.articles[i];
            json_array_append_new(arts, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s}", "submission",
                                                  (json_int_t)a->number, "file", a->file, "title",
                                                  a->title, "doi", a->doi, "pages", a->pages,
                                                  "published", a->published));
        }
        cli_print_json(cli_issue_json(&result.issue, req.dry_run, result.commit, arts));
    } else if (!rc) {
        print_summary(&result, req.dry_run);
    }
    if (!rc && !req.dry_run)
        cli_refresh_index(repo, "import");
    import_result_free(&result);
    repo_free(repo);
    return rc;
}
