#include "cmd/commands.h"
#include "store/outbox.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/mime.h"
#include "util/unicode.h"
#include "workflow/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Subject header of a composed message as a person reads it: unfolded, its RFC 2047
   encoded-words decoded (mime_compose encodes every subject that is not plain ASCII). */
static char *subject_of(const struct outbox_entry *e)
{
    const char *s = strstr(e->message, "\nSubject:");
    if (!s)
        return xstrdup("");
    s += 9;
    const char *end = s;
    for (;;) {
        end += strcspn(end, "\r\n");
        const char *next = end + (end[0] == '\r' && end[1] == '\n' ? 2 : end[0] ? 1 : 0);
        if (next == end || (*next != ' ' && *next != '\t'))
            break;
        end = next;
    }
    return mime_decode_header(s, (size_t)(end - s));
}

/* Nothing in state (NULL: any): say what the outbox does hold, so that an empty list of failed
   messages is not read as an empty outbox. */
static int print_nothing_listed(struct outbox *ob, const char *state)
{
    if (!state) {
        printf("The outbox is empty.\n");
        return 0;
    }
    struct outbox_entry *all = NULL;
    size_t count = 0;
    int rc = outbox_list(ob, NULL, &all, &count);
    if (rc)
        return rc;
    /* Each state with its count, in the order the list has them. */
    struct strbuf others = STRBUF_INIT;
    bool *counted = xcalloc(count + 1, sizeof(*counted));
    for (size_t i = 0; i < count; i++) {
        if (counted[i])
            continue;
        size_t same = 0;
        for (size_t k = i; k < count; k++)
            if (!strcmp(all[k].state, all[i].state)) {
                counted[k] = true;
                same++;
            }
        strbuf_addf(&others, "%s%zu %s", others.len ? ", " : "", same, all[i].state);
    }
    if (count)
        printf("No %s messages (the outbox holds %s).\n", state, others.buf);
    else
        printf("No %s messages (the outbox is empty).\n", state);
    free(counted);
    strbuf_release(&others);
    outbox_entries_free(all, count);
    return 0;
}

int cmd_outbox(int argc, char **argv, struct cli *cli)
{
    const char *action = NULL, *state = NULL, *id_arg = NULL;
    for (int i = 1; i < argc; i++) {
        int rc;
        if (cli_common_option(argv[i], cli))
            continue;
        if ((rc = cli_option_value(argc, argv, &i, "--state", &state))) {
            if (rc < 0)
                return rc;
            continue;
        }
        if (argv[i][0] == '-')
            return error_usage("unknown option '%s'", argv[i]);
        if (!action)
            action = argv[i];
        else if (!id_arg)
            id_arg = argv[i];
        else
            return error_usage("unexpected argument '%s'", argv[i]);
    }
    bool by_id = action && (!strcmp(action, "retry") || !strcmp(action, "release") ||
                            !strcmp(action, "drop"));
    if (action && strcmp(action, "list") && strcmp(action, "flush") && !by_id)
        return error_usage("journal outbox [list|flush|retry ID|release ID|drop ID]: unknown '%s'",
                           action);
    if (by_id && !id_arg)
        return error_usage("journal outbox %s ID: which message?", action);
    static const char *const states[] = {"pending", "queued", "sending", "sent", "failed", NULL};
    if (state) {
        size_t k = 0;
        while (states[k] && strcmp(states[k], state))
            k++;
        if (!states[k]) {
            const char *near = text_suggest(state, states);
            return error_usage("unknown state '%s' (states: pending, queued, sending, sent, "
                               "failed)%s%s%s",
                               state, near ? "; did you mean " : "", near ? near : "",
                               near ? "?" : "");
        }
    }
    struct journal_repo *repo = NULL;
    struct notifier n = {0};
    int rc = repo_open(&repo, cli->dir);
    if (!rc)
        rc = notifier_open(&n, repo);
    if (!rc && !n.enabled)
        rc = error_input("mail is off: journal.yaml has no mail_from_address, so nothing is "
                         "queued");
    if (rc)
        goto done;
    if (by_id) {
        char *end;
        long long id = strtoll(id_arg, &end, 10);
        if (*end || id <= 0) {
            rc = error_usage("'%s' is not a message id (see journal outbox)", id_arg);
            goto done;
        }
        if (!strcmp(action, "retry")) {
            rc = outbox_retry(n.outbox, id);
            if (!rc)
                printf("Message %lld is queued again.\n", id);
        } else {
            bool send = !strcmp(action, "release");
            rc = notify_settle_by_hand(repo, n.outbox, id, send);
            if (!rc && send)
                printf("Message %lld is queued.\n", id);
            else if (!rc)
                printf("Message %lld is kept unsent (failed; journal outbox retry %lld sends it "
                       "after all).\n",
                       id, id);
        }
        goto done;
    }
    if (action && !strcmp(action, "flush")) {
        size_t sent = 0;
        if (!repo->config.smtp_host) {
            rc = error_input("no smtp_host in journal.yaml: messages wait in the outbox");
            goto done;
        }
        rc = notifier_flush(&n, &sent);
        if (!rc)
            printf("Sent %zu message%s.\n", sent, sent == 1 ? "" : "s");
        else
            error_prefix("sent %zu, then", sent);
        goto done;
    }
    struct outbox_entry *list = NULL;
    size_t count = 0;
    rc = outbox_list(n.outbox, state, &list, &count);
    if (rc)
        goto done;
    json_t *arr = json_array();
    if (!cli->json && count)
        printf("%5s  %-8s  %-15s  %-5s  %-3s  %-32s  %s\n", "ID", "STATE", "PURPOSE", "#", "TRY",
               "TO", "SUBJECT");
    for (size_t i = 0; i < count; i++) {
        const struct outbox_entry *e = &list[i];
        char *subject = subject_of(e);
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:s, s:s?, s:s?, s:s?, s:s}", "id",
                           (json_int_t)e->id, "state", e->state, "purpose", e->purpose,
                           "submission", (json_int_t)e->submission, "to", e->recipients, "attempts",
                           (json_int_t)e->attempts, "created", e->created, "sent_at", e->sent_at,
                           "last_error", e->last_error, "ref", e->ref, "subject", subject));
        if (!cli->json) {
            printf("%5lld  %-8s  %-15s  %-5lu  %-3u  ", e->id, e->state, e->purpose, e->submission,
                   e->attempts);
            cli_print_cell(e->recipients, 32);
            printf("  %s\n", subject);
            if (e->last_error)
                printf("%7s last error: %s\n", "", e->last_error);
        }
        free(subject);
    }
    if (cli->json)
        cli_print_json(arr);
    else
        json_decref(arr);
    if (!cli->json && !count)
        rc = print_nothing_listed(n.outbox, state);
    outbox_entries_free(list, count);
done:
    notifier_close(&n);
    repo_free(repo);
    return rc;
}
