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
    /* Sent before anything is said, so that "reminded" is said only of mail that went out;
       without smtp_host, or when the server did not take it, a reminder waits in the outbox. */
    bool sent = !rc && !dry_run && cli_send_mail(&notifier, "remind");
    if (!rc) {
        json_t *arr = json_array();
        size_t queued = 0;
        for (size_t i = 0; i < n; i++) {
            queued += list[i].queued;
            json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:I, s:b, s:b}", "number",
                                                 (json_int_t)list[i].number, "round",
                                                 (json_int_t)list[i].round, "reviewer",
                                                 list[i].reviewer, "due", list[i].due, "days_late",
                                                 (json_int_t)list[i].days_late, "queued",
                                                 list[i].queued, "sent", list[i].queued && sent));
            if (!cli->json)
                printf("%-9s #%-5lu %-24s due %s (%ld day%s late)%s\n",
                       dry_run          ? "overdue"
                       : list[i].queued ? (sent ? "reminded" : "queued")
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
        if (!cli->json && queued && !sent)
            printf("%zu reminder%s queued in the outbox but not sent: %s (journal outbox list "
                   "shows %s).\n",
                   queued, queued == 1 ? "" : "s",
                   repo->config.smtp_host
                       ? "the mail server did not take them (see the warning); journal outbox "
                         "flush tries again"
                       : "journal.yaml has no smtp_host; set it, then journal outbox flush sends "
                         "them",
                   queued == 1 ? "it" : "them");
    }
    reminders_free(list, n);
    notifier_close(&notifier);
    repo_free(repo);
    return rc;
}
