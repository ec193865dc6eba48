#include "workflow/notify.h"

#include "model/manuscript.h"
#include "model/record.h"
#include "model/roster.h"
#include "net/smtp.h"
#include "store/outbox.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mime.h"
#include "util/mustache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int notifier_open(struct notifier *n, struct journal_repo *repo)
{
    memset(n, 0, sizeof(*n));
    n->repo = repo;
    n->enabled = repo->config.mail_from_address != NULL;
    if (!n->enabled)
        return 0;
    int rc = fs_mkdirs(repo->state_dir);
    if (rc)
        return rc;
    char *path = fs_join(repo->state_dir, "outbox.db");
    struct outbox_options opts = {repo->config.mail_max_attempts,
                                  repo->config.mail_stale_claim_seconds};
    rc = outbox_open(&n->outbox, path, &opts);
    free(path);
    return rc;
}

void notifier_close(struct notifier *n)
{
    notifier_discard(n);
    outbox_close(n->outbox);
    mustache_set_free(n->templates);
    free(n->held);
    memset(n, 0, sizeof(*n));
}

static int load_template(struct notifier *n, const char *name)
{
    if (!n->templates)
        n->templates = mustache_set_new();
    if (mustache_set_has(n->templates, name))
        return 0;
    char *path = xasprintf("themes/%s/mail/%s.mustache", n->repo->config.theme, name);
    struct strbuf text = STRBUF_INIT;
    int rc = repo_read(n->repo, path, &text, NULL);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("%s: the theme has no such mail template (mail is on because "
                         "journal.yaml sets mail_from_address)",
                         path);
    if (!rc && (rc = mustache_set_add(n->templates, name, text.buf, text.len)))
        error_prefix("%s", path);
    strbuf_release(&text);
    free(path);
    return rc;
}

/* "Subject: ..." on the first non-blank line, a blank line, then the body. */
static int split_message(const char *template, char *text, char **subject, char **body)
{
    while (*text == '\n')
        text++;
    if (strncmp(text, "Subject: ", 9))
        return error_input("mail template %s: expected the first line to be 'Subject: ...'",
                           template);
    char *nl = strchr(text, '\n');
    *subject = xstrndup(text + 9, nl ? (size_t)(nl - text - 9) : strlen(text + 9));
    const char *rest = nl ? nl + 1 : "";
    while (*rest == '\n')
        rest++;
    *body = xstrdup(rest);
    return 0;
}

int notify_hold(struct notifier *n, const char *template, json_t *ctx, const struct recipient *to,
                const char *purpose, unsigned long submission)
{
    if (!n->enabled || !to->address)
        return 0;
    struct strbuf text = STRBUF_INIT, composed = STRBUF_INIT;
    char *subject = NULL, *body = NULL;
    int rc = load_template(n, template);
    if (!rc)
        rc = mustache_set_render(n->templates, template, ctx, &text);
    if (!rc)
        rc = split_message(template, text.buf, &subject, &body);
    if (rc)
        goto done;
    const struct journal_config *c = &n->repo->config;
    struct mail_address recipient = {to->name, to->address};
    struct mail_address reply = {NULL, c->mail_reply_to};
    struct mail_message msg = {
        .from = {c->mail_from_name ? c->mail_from_name : c->title, c->mail_from_address},
        .to = &recipient,
        .nto = 1,
        .reply_to = c->mail_reply_to ? &reply : NULL,
        .subject = subject,
        .body = body,
    };
    char what[96], message_id[MIME_MESSAGE_ID_SIZE];
    snprintf(what, sizeof(what), "%s mail for submission %lu", purpose, submission);
    rc = mime_validate(&msg, what);
    if (!rc)
        rc = mime_compose(&msg, &composed, message_id);
    if (rc)
        goto done;
    const char *recipients[] = {to->address};
    struct outbox_new item = {
        message_id, c->mail_from_address, recipients, 1,   composed.buf, composed.len,
        purpose,    submission,           true,       NULL};
    long long id;
    rc = outbox_enqueue(n->outbox, &item, &id);
    if (!rc) {
        n->held = xrealloc(n->held, (n->nheld + 1) * sizeof(*n->held));
        n->held[n->nheld++] = id;
    }
done:
    free(subject);
    free(body);
    strbuf_release(&text);
    strbuf_release(&composed);
    return rc;
}

int notifier_release(struct notifier *n, const char *commit)
{
    int rc = 0;
    for (size_t i = 0; i < n->nheld; i++) {
        int r = outbox_release(n->outbox, n->held[i], commit);
        if (r && !rc)
            rc = r;
    }
    n->nheld = 0;
    return rc;
}

void notifier_discard(struct notifier *n)
{
    char *saved = error_save();
    for (size_t i = 0; i < n->nheld; i++)
        outbox_discard(n->outbox, n->held[i]);
    n->nheld = 0;
    error_clear();
    error_restore(saved);
}

int notifier_flush(struct notifier *n, size_t *sent)
{
    *sent = 0;
    const struct journal_config *c = &n->repo->config;
    if (!n->enabled || !c->smtp_host)
        return 0;
    struct smtp_settings settings = {
        .host = c->smtp_host,
        .port = c->smtp_port,
        .from_name = c->mail_from_name ? c->mail_from_name : c->title,
        .from_address = c->mail_from_address,
        .user_env = c->smtp_user_env,
        .password_env = c->smtp_password_env,
    };
    int rc = smtp_tls_parse(c->smtp_tls, &settings.tls, "smtp_tls in journal.yaml");
    if (!rc)
        rc = smtp_settings_validate(&settings, "journal.yaml");
    if (rc)
        return rc;
    struct outbox_transport transport = {smtp_outbox_send, &settings};
    struct outbox_flush_stats stats = {0};
    rc = outbox_flush(n->outbox, &transport, &stats);
    *sent = stats.sent;
    return rc;
}

json_t *notify_context(struct journal_repo *repo, const char *editor)
{
    const struct journal_config *c = &repo->config;
    char today[11];
    date_today(today);
    return json_pack("{s:{s:s, s:s, s:s}, s:s, s:s}", "journal", "title", c->title, "short",
                     c->abbreviation ? c->abbreviation : c->title, "publisher",
                     c->publisher ? c->publisher : c->title, "editor", editor ? editor : "", "date",
                     today);
}

int notify_invitation(struct notifier *n, struct journal_repo *repo, unsigned long number,
                      unsigned long round, const struct manuscript *m, const char *editor,
                      const struct roster_reviewer *rv, const char *due)
{
    if (!n)
        return 0;
    bool blinded = !strcmp(repo->config.review_mode, "double-blind");
    json_t *ctx = notify_context(repo, editor);
    json_t *sub = json_pack("{s:I, s:s, s:I}", "number", (json_int_t)number, "title", m->title,
                            "round", (json_int_t)round);
    if (m->abstract)
        json_object_set_new(sub, "abstract", json_string(m->abstract));
    if (!blinded) {
        struct strbuf names = STRBUF_INIT;
        for (size_t i = 0; i < m->nauthors; i++)
            strbuf_addf(&names, "%s%s", i ? ", " : "", m->authors[i].name);
        json_object_set_new(sub, "authors_line", json_string(names.buf));
        strbuf_release(&names);
    }
    json_object_set_new(ctx, "submission", sub);
    json_object_set_new(ctx, "reviewer", json_pack("{s:s}", "name", rv->name));
    json_object_set_new(ctx, "due", json_string(due));
    json_object_set_new(ctx, "blinded", json_boolean(blinded));
    struct recipient to = {rv->name, rv->email};
    int rc = notify_hold(n, "invitation", ctx, &to, "invitation", number);
    json_decref(ctx);
    return rc;
}
