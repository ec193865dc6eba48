#include "cmd/commands.h"
#include "store/repo.h"
#include "util/error.h"
#include "workflow/notify.h"
#include "workflow/remind.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

int cmd_remind(int argc, char **argv, struct cli *cli)
{
    bool dry_run = false;
    for (int i = 1; i < argc; i++) {
        if (cli_common_option(argv[i], cli))
            continue;
        if (!strcmp(argv[i], "--dry-run"))
            dry_run = true;
        else
            return error_usage("unexpected argument '%s'", argv[i]);
    }
    struct journal_repo *repo = NULL;
    struct notifier notifier = {0};
    struct reminder *list = NULL;
    size_t n = 0;
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = notifier_open(&notifier, repo);
    if (!rc && !notifier.enabled && !dry_run)
        rc = error_input("mail is off: set mail_from_address (and smtp_host) in journal.yaml "
                         "to send reminders");
    if (!rc)
        rc = workflow_remind(repo, &notifier, dry_run, &list, &n);
    if (!rc) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(
                arr, json_pack("{s:I, s:I, s:s, s:s, s:I, s:b}", "number",
                               (json_int_t)list[i].number, "round", (json_int_t)list[i].round,
                               "reviewer", list[i].reviewer, "due", list[i].due, "days_late",
                               (json_int_t)list[i].days_late, "queued", list[i].queued));
            if (!cli->json)
                printf("%-9s #%-5lu %-24s due %s (%ld day%s late)%s\n",
                       dry_run          ? "overdue"
                       : list[i].queued ? "reminded"
                                        : "skipped",
                       list[i].number, list[i].reviewer, list[i].due, list[i].days_late,
                       list[i].days_late == 1 ? "" : "s",
                       !dry_run && !list[i].queued ? " (already reminded today)" : "");
        }
        if (cli->json)
            cli_print_json(arr);
        else
            json_decref(arr);
        if (!cli->json && !n)
            printf("No review is overdue.\n");
        if (!dry_run)
            cli_send_mail(&notifier, "remind");
    }
    reminders_free(list, n);
    notifier_close(&notifier);
    repo_free(repo);
    return rc;
}
