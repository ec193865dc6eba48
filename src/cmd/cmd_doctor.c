#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/doctor.h"

#include <jansson.h>
#include <stdio.h>

int cmd_doctor(int argc, char **argv, struct cli *cli)
{
    bool fix = false;
    const char *site = NULL;
    const struct cli_option options[] = {{"--fix", NULL, &fix}, {"--site", &site, NULL}, {NULL}};
    int rc = cli_parse(argc, argv, cli, options, NULL, 0);
    if (rc)
        return rc;
    struct journal_repo *repo = NULL;
    struct doctor_report report;
    rc = repo_open(&repo, cli->dir);
    if (rc)
        return rc;
    rc = doctor_run(repo, site, fix, &report);
    size_t open = rc ? 0 : doctor_open_problems(&report);
    if (!rc && cli->json) {
        json_t *list = json_array();
        for (size_t i = 0; i < report.count; i++) {
            const struct doctor_problem *p = &report.problems[i];
            json_t *o = json_pack("{s:s, s:s?, s:s, s:s, s:b}", "kind", p->kind, "file", p->file,
                                  "message", p->message, "fix", p->fix, "fixed", p->fixed);
            if (p->line)
                json_object_set_new(o, "line", json_integer((json_int_t)p->line));
            json_array_append_new(list, o);
        }
        json_t *notes = json_array();
        for (size_t i = 0; i < report.nnotes; i++)
            json_array_append_new(notes, json_string(report.notes[i]));
        cli_print_json(json_pack("{s:b, s:I, s:I, s:I, s:b, s:o, s:o}", "ok", open == 0,
                                 "submissions", (json_int_t)report.submissions, "issues",
                                 (json_int_t)report.issues, "reviews", (json_int_t)report.reviews,
                                 "index_compared", report.index_checked, "problems", list, "notes",
                                 notes));
    } else if (!rc) {
        for (size_t i = 0; i < report.count; i++) {
            const struct doctor_problem *p = &report.problems[i];
            if (p->file && p->line)
                printf("%s:%zu: ", p->file, p->line);
            else if (p->file)
                printf("%s: ", p->file);
            printf("%s [%s]\n", p->message, p->kind);
            printf("    %s %s\n", p->fixed ? "fixed:" : "fix:", p->fixed ? "done" : p->fix);
        }
        for (size_t i = 0; i < report.nnotes; i++)
            printf("note: %s\n", report.notes[i]);
        if (!open)
            printf("%s: %zu submissions, %zu reviews, %zu issues checked%s; %s\n", repo->root,
                   report.submissions, report.reviews, report.issues,
                   report.index_checked ? ", the index compared with git" : "",
                   report.count ? "every problem fixed" : "all is well");
    }
    if (!rc && open)
        rc = error_input("%zu problem%s found (see above for how to fix %s)", open,
                         open == 1 ? "" : "s", open == 1 ? "it" : "them");
    doctor_report_free(&report);
    repo_free(repo);
    return rc;
}
