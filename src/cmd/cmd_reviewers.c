#include "cmd/commands.h"
#include "model/country.h"
#include "model/language.h"
#include "model/roster.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "workflow/editorial.h"
#include "workflow/eligibility.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *joined(char **items, size_t n)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_addf(&sb, "%s%s", i ? ", " : "", items[i]);
    return strbuf_detach(&sb, NULL);
}

int cmd_reviewers(int argc, char **argv, struct cli *cli)
{
    for (int i = 1; i < argc; i++)
        if (!cli_common_option(argv[i], cli))
            return error_usage("unexpected argument '%s'", argv[i]);
    struct journal_repo *repo = NULL;
    struct journal_index *ix = NULL;
    struct country_db *countries = NULL;
    struct language_db *languages = NULL;
    struct roster roster = {0};
    struct eligibility el = {0};
    unsigned *loads = NULL;
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = country_db_open(&countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&languages, NULL, NULL);
    if (!rc)
        rc = editorial_load_roster(repo, countries, languages, &roster);
    if (!rc)
        rc = index_open(&ix, repo);
    if (!rc)
        rc = eligibility_open(&el, &repo->config, ix);
    if (rc)
        goto done;
    /* A country the roster names as a part of one ("England"): taken as that country, and
       said, as submit says it of an author's. */
    for (size_t i = 0; i < roster.count; i++)
        if (roster.reviewers[i].affiliation.country_note)
            fprintf(stderr, "journal reviewers: warning: %s\n",
                    roster.reviewers[i].affiliation.country_note);
    loads = xcalloc(roster.count + 1, sizeof(*loads));
    rc = eligibility_loads(&el, &roster, loads);
    if (rc)
        goto done;
    json_t *list = cli->json ? json_array() : NULL;
    if (!cli->json)
        printf("%-24s %-26s %-8s %-6s %-5s %s\n", "ID", "NAME", "COUNTRY", "LANGS", "LOAD",
               "KEYWORDS");
    for (size_t i = 0; i < roster.count; i++) {
        const struct roster_reviewer *rv = &roster.reviewers[i];
        const char *country = rv->affiliation.international ? "intl" : rv->affiliation.country;
        char *langs = joined(rv->languages, rv->nlanguages);
        char *keywords = joined(rv->keywords, rv->nkeywords);
        if (cli->json) {
            json_array_append_new(
                list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:I, s:I, s:b}", "id",
                                rv->id, "name", rv->name, "email", rv->email, "affiliation",
                                rv->affiliation.name, "country", rv->affiliation.country,
                                "international", rv->affiliation.international, "languages", langs,
                                "keywords", keywords, "load", (json_int_t)loads[i], "capacity",
                                (json_int_t)rv->capacity, "active", rv->active));
        } else {
            char load[16];
            snprintf(load, sizeof(load), "%u/%u", loads[i], rv->capacity);
            cli_print_cell(rv->id, 24);
            printf(" ");
            cli_print_cell(rv->name, 26);
            printf(" ");
            cli_print_cell(country, 8);
            printf(" ");
            cli_print_cell(langs, 6);
            printf(" %-5s %s%s\n", load, keywords, rv->active ? "" : "  (inactive)");
        }
        free(langs);
        free(keywords);
    }
    if (cli->json)
        cli_print_json(list);
done:
    free(loads);
    eligibility_close(&el);
    index_close(ix);
    roster_free(&roster);
    country_db_free(countries);
    language_db_free(languages);
    repo_free(repo);
    return rc;
}
