#include "cmd/commands.h"
#include "export/citation.h"
#include "model/manuscript.h"
#include "site/site.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "workflow/build_issue.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_toc(const struct build_issue_result *r, bool dry_run)
{
    char *label = issue_label(&r->issue);
    printf("%s issue %lu: %s, %s%s%s%s\n",
           dry_run        ? (r->scheduled ? "Would schedule" : "Would publish")
           : r->scheduled ? "Scheduled"
           : r->corrected ? "Corrected"
                          : "Published",
           r->issue.id, label, r->issue.date, r->issue.title ? ", \"" : "",
           r->issue.title ? r->issue.title : "", r->issue.title ? "\"" : "");
    if (r->issue.special)
        printf("Special edition: %s\n", r->issue.special);
    for (size_t i = 0; i < r->issue.nguest_editors; i++)
        printf("%s%s%s%s", i ? "; " : "Guest editors: ", r->issue.guest_editors[i].name,
               r->issue.guest_editors[i].affiliation ? ", " : "",
               r->issue.guest_editors[i].affiliation ? r->issue.guest_editors[i].affiliation : "");
    if (r->issue.nguest_editors)
        printf("\n");
    const char *section = NULL;
    for (size_t i = 0; i < r->narticles; i++) {
        const struct built_article *a = &r->articles[i];
        if (!section || strcmp(section, a->type)) {
            section = a->type;
            printf("\n%s\n", manuscript_type_label(section));
        }
        /* The reader's form, as on the site: one dash for page ranges wherever people read. */
        char *pages = citation_pages_text(a->pages);
        printf("  %2zu. %s\n      %s\n      pp. %s, doi:%s (submission %lu)\n", i + 1, a->title,
               a->authors, pages ? pages : a->pages, a->doi, a->number);
        free(pages);
        for (size_t k = 0; r->issue.supplementary && k < r->issue.supplementary[i].nfiles; k++)
            printf("      supplementary material: files/%s\n", r->issue.supplementary[i].files[k]);
    }
    for (size_t i = 0; i < r->issue.ncorrections; i++)
        printf("\nCorrected %s: %s\n", r->issue.corrections[i].date, r->issue.corrections[i].note);
    if (r->narticles && !r->issue.pages_typeset)
        printf("\nThe page ranges are estimated (about 400 words a page): the journal makes no PDF "
               "galleys (pdf: false), whose pages would number them. Crossref and DOAJ are sent "
               "no page range.\n");
    if (dry_run)
        printf("\n[dry run: nothing committed]\n");
    free(label);
}

static void free_texts(struct build_issue_text *texts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free((char *)texts[i].lang);
    free(texts);
}

int cmd_build_issue(int argc, char **argv, struct cli *cli)
{
    struct build_issue_request req = {0};
    const char *args[65];
    const struct cli_option options[] = {{"--title", &req.title, NULL},
                                         {"--special", &req.special, NULL},
                                         {"--number", &req.number, NULL},
                                         {"--date", &req.date, NULL},
                                         {"--correct", &req.correct, NULL},
                                         {"--dry-run", NULL, &req.dry_run},
                                         {"--add", NULL, NULL},
                                         {NULL, NULL, NULL}};
    /* --add takes the numbers that follow it: rewrite "--add 3 5" as positionals after the id.
       --guest-editor may be given once per editor, so it is taken out here too. */
    bool adding = false;
    int argc2 = 0;
    char **argv2 = calloc((size_t)argc + 1, sizeof(char *));
    const char **editors = calloc((size_t)argc + 1, sizeof(char *));
    const char **supplementary = calloc((size_t)argc + 1, sizeof(char *));
    struct build_issue_text *texts = calloc((size_t)argc + 1, sizeof(*texts));
    size_t neditors = 0, nsupplementary = 0, ntexts = 0;
    for (int i = 0; i < argc; i++) {
        /* --title-ru T, --special-ru T (or =T): a title in one of the journal's languages. */
        bool special = !strncmp(argv[i], "--special-", 10);
        if (special || !strncmp(argv[i], "--title-", 8)) {
            const char *lang = argv[i] + (special ? 10 : 8);
            size_t len = strcspn(lang, "=");
            const char *value = lang[len] == '=' ? lang + len + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (!len || len > 8 || !value || !*value) {
                free(argv2);
                free(editors);
                free(supplementary);
                free_texts(texts, ntexts);
                return error_usage("%s needs a language code and a title: %s-ru \"TITLE\"",
                                   special ? "--special-LANG" : "--title-LANG",
                                   special ? "--special" : "--title");
            }
            texts[ntexts++] = (struct build_issue_text){special, xstrndup(lang, len), value};
            continue;
        }
        if (!strcmp(argv[i], "--add")) {
            adding = true;
            continue;
        }
        if (!strcmp(argv[i], "--guest-editor") || !strncmp(argv[i], "--guest-editor=", 15)) {
            const char *value = argv[i][14] == '=' ? argv[i] + 15 : i + 1 < argc ? argv[++i] : NULL;
            if (!value || !*value || *value == ',') {
                free(argv2);
                free(editors);
                free(supplementary);
                free_texts(texts, ntexts);
                return error_usage("--guest-editor needs \"NAME\" or \"NAME, AFFILIATION\"");
            }
            editors[neditors++] = value;
            continue;
        }
        if (!strcmp(argv[i], "--supplementary") || !strncmp(argv[i], "--supplementary=", 16)) {
            const char *value = argv[i][15] == '=' ? argv[i] + 16 : i + 1 < argc ? argv[++i] : NULL;
            if (!value || !*value) {
                free(argv2);
                free(editors);
                free(supplementary);
                free_texts(texts, ntexts);
                return error_usage("--supplementary needs N:PATH, an attachment of submission N");
            }
            supplementary[nsupplementary++] = value;
            continue;
        }
        argv2[argc2++] = argv[i];
    }
    req.guest_editors = editors;
    req.nguest_editors = neditors;
    req.supplementary = supplementary;
    req.nsupplementary = nsupplementary;
    req.texts = texts;
    req.ntexts = ntexts;
    int rc = cli_parse(argc2, argv2, cli, options, args, 65);
    free(argv2);
    if (rc) {
        free(editors);
        free(supplementary);
        free_texts(texts, ntexts);
        return rc;
    }
    if (!args[0]) {
        free(editors);
        free(supplementary);
        free_texts(texts, ntexts);
        return error_usage(
            "usage: journal build-issue ID [--title T] [--special T] [--title-LANG T] "
            "[--special-LANG T] "
            "[--number N|SN] [--guest-editor \"NAME, AFFILIATION\" ...] [--add N ...] "
            "[--date YYYY-MM-DD] [--dry-run] [--correct NOTE]");
    }
    unsigned long add[64];
    size_t nadd = 0;
    rc = cli_parse_number(args[0], &req.id);
    for (size_t i = 1; !rc && i < 65 && args[i]; i++) {
        if (!adding)
            rc = error_usage("unexpected argument '%s' (name submissions with --add)", args[i]);
        else
            rc = cli_parse_number(args[i], &add[nadd++]);
    }
    if (!rc && adding && !nadd)
        rc = error_usage("--add needs submission numbers");
    if (!rc && req.correct && !*req.correct)
        rc = error_usage("--correct needs a note saying what was corrected");
    if (rc) {
        free(editors);
        free(supplementary);
        free_texts(texts, ntexts);
        return rc;
    }
    req.add = nadd ? add : NULL;
    req.nadd = nadd;

    struct journal_repo *repo = NULL;
    struct build_issue_result result = {0};
    rc = repo_open(&repo, cli->dir);
    /* The pages are numbered from the galleys that build-site will make; without them
       (pdf: false) they are estimated. */
    if (!rc && repo->config.pdf)
        req.count_pages = site_count_galley_pages;
    if (!rc)
        rc = workflow_build_issue(repo, &req, &result);
    if (!rc && cli->json) {
        json_t *arts = json_array();
        for (size_t i = 0; i < result.narticles; i++)
            json_array_append_new(
                arts,
                json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "submission",
                          (json_int_t)result.articles[i].number, "title", result.articles[i].title,
                          "type", result.articles[i].type, "authors", result.articles[i].authors,
                          "pages", result.articles[i].pages, "doi", result.articles[i].doi));
        json_t *issue = cli_issue_json(&result.issue, req.dry_run, result.commit, arts);
        json_object_set_new(issue, "pagination",
                            json_string(result.issue.pages_typeset ? "typeset" : "estimated"));
        cli_print_json(issue);
    } else if (!rc) {
        print_toc(&result, req.dry_run);
    }
    if (!rc && !req.dry_run)
        cli_refresh_index(repo, "build-issue");
    build_issue_result_free(&result);
    repo_free(repo);
    free(editors);
    free(supplementary);
    free_texts(texts, ntexts);
    return rc;
}
