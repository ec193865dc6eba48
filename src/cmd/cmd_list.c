#include "cmd/commands.h"
#include "model/record.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/unicode.h"
#include "util/utf8.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_list(int argc, char **argv, struct cli *cli)
{
    const char *state = NULL;
    for (int i = 1; i < argc; i++) {
        if (cli_common_option(argv[i], cli))
            continue;
        if (!strcmp(argv[i], "--state") && i + 1 < argc)
            state = argv[++i];
        else if (!strncmp(argv[i], "--state=", 8))
            state = argv[i] + 8;
        else
            return error_usage("unexpected argument '%s'", argv[i]);
    }
    if (state && !submission_state_is_known(state))
        return error_usage("unknown state '%s' (expected one of submitted, desk-rejected, "
                           "under-review, revision-requested, accepted, rejected, scheduled, "
                           "published, withdrawn)",
                           state);
    struct journal_repo *repo = NULL;
    struct journal_index *ix = NULL;
    struct index_submission *list = NULL;
    size_t n = 0;
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = index_open(&ix, repo);
    if (!rc)
        rc = index_list_submissions(ix, state, &list, &n);
    if (rc)
        goto done;
    if (cli->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            const struct index_submission *s = &list[i];
            json_t *o = json_object();
            json_object_set_new(o, "number", json_integer((json_int_t)s->number));
            json_object_set_new(o, "state", s->state ? json_string(s->state) : json_null());
            json_object_set_new(o, "title", s->title ? json_string(s->title) : json_null());
            json_object_set_new(o, "lang", s->lang ? json_string(s->lang) : json_null());
            json_object_set_new(o, "type", s->type ? json_string(s->type) : json_null());
            json_object_set_new(o, "submitted",
                                s->submitted ? json_string(s->submitted) : json_null());
            json_object_set_new(o, "first_author",
                                s->first_author ? json_string(s->first_author) : json_null());
            json_object_set_new(o, "authors", json_integer((json_int_t)s->nauthors));
            if (s->issue)
                json_object_set_new(o, "issue", json_integer((json_int_t)s->issue));
            if (s->problem)
                json_object_set_new(o, "problem", json_string(s->problem));
            json_array_append_new(arr, o);
        }
        cli_print_json(arr);
        goto done;
    }
    if (!n) {
        printf(state ? "No submissions in state %s.\n" : "No submissions yet.\n", state);
        goto done;
    }
    printf("%5s  %-18s  %-10s  %-4s  %-16s  %-22s  %s\n", "#", "STATE", "RECEIVED", "LANG", "TYPE",
           "FIRST AUTHOR", "TITLE");
    for (size_t i = 0; i < n; i++) {
        const struct index_submission *s = &list[i];
        printf("%5lu  %-18s  %-10s  %-4s  %-16s  ", s->number, s->state ? s->state : "?",
               s->submitted ? s->submitted : "", s->lang ? s->lang : "", s->type ? s->type : "");
        /* "et al." says there are co-authors; cut the name, never that. */
        const char *suffix = s->nauthors > 1 ? " et al." : "";
        char *name =
            text_truncate_to_width(s->first_author ? s->first_author : "", 22 - strlen(suffix));
        char *author = xasprintf("%s%s", name, suffix);
        cli_print_cell(author, 22);
        free(author);
        free(name);
        printf("  %s\n", s->title ? s->title : "(manuscript does not parse: see journal show)");
    }
done:
    index_submissions_free(list, n);
    index_close(ix);
    repo_free(repo);
    return rc;
}
