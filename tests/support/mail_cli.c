/*
 * mail_cli: drives the real mail code (mime, outbox, smtp) from shell tests.
 *
 *   mail_cli enqueue DB --from 'ADDR [NAME]' --to 'ADDR [NAME]'... [--cc 'ADDR [NAME]']...
 *            [--reply-to 'ADDR [NAME]'] --subject TEXT (--body TEXT | --body-file FILE)
 *            --purpose WORD [--submission N] [--ref REF] [--hold]
 *       prints "ID MESSAGE-ID"
 *   mail_cli release DB ID REF
 *   mail_cli flush DB --host HOST --port PORT [--tls starttls|tls|none]
 *            [--user-env NAME] [--password-env NAME] [--connect-timeout-ms N]
 *            [--total-timeout-ms N]
 *            [--max-attempts N] [--stale-seconds N]
 *       prints "sent N retrying N failed N reclaimed N stopped 0|1"
 *   mail_cli list DB [--state STATE]
 *       prints one tab-separated line per message: id, state, attempts, purpose,
 *       submission, message-id, recipients, sent_at, last_error ("-" when empty)
 *   mail_cli show DB ID
 *       prints the stored message as it is sent
 *
 * Exit status as journal's: 0, 1 rejected input, 2 usage, 3 failure.
 */
#define _POSIX_C_SOURCE 200809L
#include "net/smtp.h"
#include "store/outbox.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mime.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ADDRESSES 16

/* "addr Display Name" -> address and name (pointers into a copy the caller frees). */
static char *split_address(const char *arg, struct mail_address *out)
{
    char *copy = xstrdup(arg);
    char *space = strchr(copy, ' ');
    out->address = copy;
    out->name = NULL;
    if (space) {
        *space = '\0';
        out->name = space + 1;
    }
    return copy;
}

static const char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static int parse_ulong(const char *text, unsigned long *out)
{
    char *end;
    if (!text || !*text)
        return error_usage("expected a number");
    *out = strtoul(text, &end, 10);
    if (*end)
        return error_usage("'%s' is not a number", text);
    return 0;
}

static int cmd_enqueue(const char *db, int argc, char **argv)
{
    struct mail_message msg = {0};
    struct mail_address to[MAX_ADDRESSES], cc[MAX_ADDRESSES], reply_to;
    char *copies[2 * MAX_ADDRESSES + 2];
    size_t ncopies = 0;
    struct strbuf body = STRBUF_INIT, text = STRBUF_INIT;
    const char *purpose = NULL, *ref = NULL;
    unsigned long submission = 0;
    bool hold = false, have_body = false;
    int rc = 0;

    for (int i = 0; !rc && i < argc; i++) {
        const char *opt = argv[i], *value = NULL;
        if (!strcmp(opt, "--hold")) {
            hold = true;
            continue;
        }
        value = option_value(argc, argv, &i);
        if (!value) {
            rc = error_usage("%s needs a value", opt);
        } else if (!strcmp(opt, "--from")) {
            copies[ncopies++] = split_address(value, &msg.from);
        } else if (!strcmp(opt, "--to") && msg.nto < MAX_ADDRESSES) {
            copies[ncopies++] = split_address(value, &to[msg.nto++]);
        } else if (!strcmp(opt, "--cc") && msg.ncc < MAX_ADDRESSES) {
            copies[ncopies++] = split_address(value, &cc[msg.ncc++]);
        } else if (!strcmp(opt, "--reply-to")) {
            copies[ncopies++] = split_address(value, &reply_to);
            msg.reply_to = &reply_to;
        } else if (!strcmp(opt, "--subject")) {
            msg.subject = value;
        } else if (!strcmp(opt, "--body")) {
            strbuf_addstr(&body, value);
            have_body = true;
        } else if (!strcmp(opt, "--body-file")) {
            rc = fs_read_file(value, &body);
            have_body = true;
        } else if (!strcmp(opt, "--purpose")) {
            purpose = value;
        } else if (!strcmp(opt, "--submission")) {
            rc = parse_ulong(value, &submission);
        } else if (!strcmp(opt, "--ref")) {
            ref = value;
        } else {
            rc = error_usage("unknown option %s", opt);
        }
    }
    if (!rc && (!msg.from.address || !msg.nto || !msg.subject || !have_body || !purpose))
        rc = error_usage("enqueue needs --from, --to, --subject, --body or --body-file, --purpose");
    msg.to = to;
    msg.cc = cc;
    msg.body = body.buf;

    char message_id[MIME_MESSAGE_ID_SIZE];
    if (!rc)
        rc = mime_compose(&msg, &text, message_id);
    struct outbox *ob = NULL;
    if (!rc)
        rc = outbox_open(&ob, db, NULL);
    if (!rc) {
        size_t nrcpt;
        const char **rcpt = mime_envelope_recipients(&msg, &nrcpt);
        struct outbox_new entry = {message_id, msg.from.address, rcpt, nrcpt, text.buf, text.len,
                                   purpose,    submission,       hold, ref,   NULL, false};
        long long id;
        rc = outbox_enqueue(ob, &entry, &id);
        if (!rc)
            printf("%lld %s\n", id, message_id);
        free(rcpt);
    }
    outbox_close(ob);
    for (size_t i = 0; i < ncopies; i++)
        free(copies[i]);
    strbuf_release(&body);
    strbuf_release(&text);
    return rc;
}

static int cmd_release(const char *db, int argc, char **argv)
{
    if (argc != 2)
        return error_usage("release needs ID and REF");
    unsigned long id;
    int rc = parse_ulong(argv[0], &id);
    struct outbox *ob = NULL;
    if (!rc)
        rc = outbox_open(&ob, db, NULL);
    if (!rc)
        rc = outbox_release(ob, (long long)id, argv[1]);
    outbox_close(ob);
    return rc;
}

static int cmd_flush(const char *db, int argc, char **argv)
{
    struct smtp_settings settings = {0};
    struct outbox_options opts = {0};
    settings.tls = SMTP_TLS_NONE;
    int rc = 0;
    for (int i = 0; !rc && i < argc; i++) {
        const char *opt = argv[i], *value = option_value(argc, argv, &i);
        unsigned long n = 0;
        if (!value)
            rc = error_usage("%s needs a value", opt);
        else if (!strcmp(opt, "--host"))
            settings.host = value;
        else if (!strcmp(opt, "--tls"))
            rc = smtp_tls_parse(value, &settings.tls, "--tls");
        else if (!strcmp(opt, "--user-env"))
            settings.user_env = value;
        else if (!strcmp(opt, "--password-env"))
            settings.password_env = value;
        else if (strcmp(opt, "--port") && strcmp(opt, "--connect-timeout-ms") &&
                 strcmp(opt, "--total-timeout-ms") && strcmp(opt, "--max-attempts") &&
                 strcmp(opt, "--stale-seconds"))
            rc = error_usage("unknown option %s", opt);
        else if (!(rc = parse_ulong(value, &n))) {
            if (!strcmp(opt, "--port"))
                settings.port = (unsigned)n;
            else if (!strcmp(opt, "--connect-timeout-ms"))
                settings.connect_timeout_ms = (long)n;
            else if (!strcmp(opt, "--total-timeout-ms"))
                settings.total_timeout_ms = (long)n;
            else if (!strcmp(opt, "--max-attempts"))
                opts.max_attempts = (unsigned)n;
            else
                opts.stale_seconds = (unsigned)n;
        }
    }
    if (!rc)
        rc = smtp_settings_validate(&settings, "mail_cli");
    struct outbox *ob = NULL;
    if (!rc)
        rc = outbox_open(&ob, db, &opts);
    if (!rc)
        rc = smtp_global_init();
    if (!rc) {
        struct outbox_transport transport = {smtp_outbox_send, &settings};
        struct outbox_flush_stats stats;
        rc = outbox_flush(ob, &transport, &stats);
        printf("sent %zu retrying %zu failed %zu reclaimed %zu stopped %d\n", stats.sent,
               stats.retrying, stats.failed, stats.reclaimed, stats.stopped ? 1 : 0);
        smtp_global_cleanup();
    }
    outbox_close(ob);
    return rc;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static int cmd_list(const char *db, int argc, char **argv)
{
    const char *state = NULL;
    if (argc == 2 && !strcmp(argv[0], "--state"))
        state = argv[1];
    else if (argc)
        return error_usage("list takes only --state STATE");
    struct outbox *ob = NULL;
    struct outbox_entry *list = NULL;
    size_t n = 0;
    int rc = outbox_open(&ob, db, NULL);
    if (!rc)
        rc = outbox_list(ob, state, &list, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        const struct outbox_entry *e = &list[i];
        printf("%lld\t%s\t%u\t%s\t%lu\t%s\t%s\t%s\t%s\n", e->id, e->state, e->attempts, e->purpose,
               e->submission, e->message_id, e->recipients, or_dash(e->sent_at),
               or_dash(e->last_error));
    }
    outbox_entries_free(list, n);
    outbox_close(ob);
    return rc;
}

static int cmd_show(const char *db, int argc, char **argv)
{
    unsigned long id;
    if (argc != 1)
        return error_usage("show needs ID");
    int rc = parse_ulong(argv[0], &id);
    struct outbox *ob = NULL;
    struct outbox_entry e = {0};
    if (!rc)
        rc = outbox_open(&ob, db, NULL);
    if (!rc)
        rc = outbox_get(ob, (long long)id, &e);
    if (!rc)
        fwrite(e.message, 1, e.message_len, stdout);
    outbox_entry_free(&e);
    outbox_close(ob);
    return rc;
}

int main(int argc, char **argv)
{
    int rc;
    if (argc < 3) {
        rc = error_usage("usage: mail_cli enqueue|release|flush|list|show DB [options]");
    } else {
        const char *cmd = argv[1], *db = argv[2];
        int n = argc - 3;
        char **rest = argv + 3;
        if (!strcmp(cmd, "enqueue"))
            rc = cmd_enqueue(db, n, rest);
        else if (!strcmp(cmd, "release"))
            rc = cmd_release(db, n, rest);
        else if (!strcmp(cmd, "flush"))
            rc = cmd_flush(db, n, rest);
        else if (!strcmp(cmd, "list"))
            rc = cmd_list(db, n, rest);
        else if (!strcmp(cmd, "show"))
            rc = cmd_show(db, n, rest);
        else
            rc = error_usage("unknown command %s", cmd);
    }
    if (rc)
        fprintf(stderr, "mail_cli: %s\n", error_message());
    error_clear();
    return error_exit_status(rc);
}
