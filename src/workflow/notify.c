#define _DEFAULT_SOURCE
#include "workflow/notify.h"

#include "model/config.h"
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
#include "util/token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

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
    struct mail_orphan *orphans = NULL;
    size_t norphans = 0;
    if (!rc)
        rc = notify_recover(repo, n->outbox, true, &orphans, &norphans);
    mail_orphans_free(orphans, norphans);
    if (rc) {
        /* Callers do not close a notifier that failed to open. */
        outbox_close(n->outbox);
        n->outbox = NULL;
    }
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

int notify_read_template(struct journal_repo *repo, const char *dir, const char *name,
                         const char *lang, struct strbuf *out, char **path)
{
    const struct journal_config *c = &repo->config;
    const char *main_lang = c->nlanguages ? c->languages[0] : NULL;
    const char *tries[] = {lang, main_lang, NULL};
    *path = NULL;
    for (size_t i = 0; i < 3; i++) {
        if (i < 2 && (!tries[i] || !*tries[i] || (i == 1 && lang && !strcmp(lang, main_lang))))
            continue;
        char *candidate =
            i < 2 ? xasprintf("themes/%s/%s/%s.%s.mustache", c->theme, dir, name, tries[i])
                  : xasprintf("themes/%s/%s/%s.mustache", c->theme, dir, name);
        int rc = repo_read(repo, candidate, out, NULL);
        if (!rc) {
            *path = candidate;
            return 0;
        }
        if (rc != JOURNAL_EINPUT || i == 2) {
            if (rc == JOURNAL_EINPUT)
                /* Name the file an old theme would have; the per-language ones come first. */
                error_clear();
            *path = candidate;
            return rc;
        }
        error_clear();
        free(candidate);
    }
    return JOURNAL_EINPUT; /* not reached */
}

const char *notify_reviewer_lang(const struct roster_reviewer *rv, const char *manuscript_lang)
{
    for (size_t i = 0; manuscript_lang && i < rv->nlanguages; i++)
        if (!strcmp(rv->languages[i], manuscript_lang))
            return manuscript_lang;
    return rv->nlanguages ? rv->languages[0] : manuscript_lang;
}

/* Templates are cached under "name.lang": a journal writes one message in several languages. */
static int load_template(struct notifier *n, const char *name, const char *lang, char **key)
{
    if (!n->templates)
        n->templates = mustache_set_new();
    *key = xasprintf("%s.%s", name, lang ? lang : "");
    if (mustache_set_has(n->templates, *key))
        return 0;
    char *path = NULL;
    struct strbuf text = STRBUF_INIT;
    int rc = notify_read_template(n->repo, "mail", name, lang, &text, &path);
    if (rc == JOURNAL_EINPUT)
        rc = error_input("%s: the theme has no such mail template, in no language (mail is on "
                         "because journal.yaml sets mail_from_address)",
                         path);
    if (!rc && (rc = mustache_set_add(n->templates, *key, text.buf, text.len)))
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

/* The personal link under key in a mail's context: a string under a key ending in "_link"
   (desk_link: a reviewer's; status_link, confirm_link: an author's), else NULL. */
static const char *personal_link(const char *key, json_t *value)
{
    size_t n = strlen(key);
    return n >= 5 && !strcmp(key + n - 5, "_link") ? json_string_value(value) : NULL;
}

/* Whether the mail's context holds a personal link. */
static bool carries_link(json_t *ctx)
{
    const char *key;
    json_t *value;
    json_object_foreach(ctx, key, value)
    {
        if (personal_link(key, value))
            return true;
    }
    return false;
}

/*
 * A theme made before a link existed (an invitation template copied before desk_link) would
 * send the mail without it, and its reader could not answer: each link the context holds and
 * the body does not is added at its end, on a line of its own. Takes body; returns the body.
 */
static char *add_missing_links(json_t *ctx, char *body)
{
    const char *key;
    json_t *value;
    struct strbuf out = STRBUF_INIT;
    json_object_foreach(ctx, key, value)
    {
        const char *link = personal_link(key, value);
        if (!link || strstr(body, link))
            continue;
        if (!out.len) {
            strbuf_addstr(&out, body);
            while (out.len && out.buf[out.len - 1] == '\n')
                strbuf_setlen(&out, out.len - 1);
            strbuf_addch(&out, '\n');
        }
        strbuf_addf(&out, "\n%s\n", link);
    }
    if (!out.len)
        return body;
    free(body);
    return strbuf_detach(&out, NULL);
}

int notify_hold(struct notifier *n, const char *template, const char *lang, json_t *ctx,
                const struct recipient *to, const char *purpose, unsigned long submission)
{
    if (!n->enabled || !to->address)
        return 0;
    struct strbuf text = STRBUF_INIT, composed = STRBUF_INIT;
    char *subject = NULL, *body = NULL, *key = NULL;
    int rc = load_template(n, template, lang, &key);
    if (!rc)
        rc = mustache_set_render(n->templates, key, ctx, &text);
    if (!rc)
        rc = split_message(template, text.buf, &subject, &body);
    if (rc)
        goto done;
    body = add_missing_links(ctx, body);
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
    if (!n->token[0]) {
        /* The action's token, carried by its commit: see notify_recover. */
        uint64_t r = 0;
        if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
            r = (uint64_t)time(NULL) ^ ((uint64_t)(uintptr_t)n << 16);
        snprintf(n->token, sizeof(n->token), "%ld-%016llx", (long)getpid(), (unsigned long long)r);
        char *trailer = xasprintf("Journal-Mail: %s", n->token);
        repo_set_trailer(n->repo, trailer);
        free(trailer);
    }
    const char *recipients[] = {to->address};
    struct outbox_new item = {
        message_id, c->mail_from_address, recipients, 1,    composed.buf, composed.len,
        purpose,    submission,           true,       NULL, n->token,     carries_link(ctx)};
    long long id;
    rc = outbox_enqueue(n->outbox, &item, &id);
    if (!rc) {
        n->held = xrealloc(n->held, (n->nheld + 1) * sizeof(*n->held));
        n->held[n->nheld++] = id;
    }
done:
    free(key);
    free(subject);
    free(body);
    strbuf_release(&text);
    strbuf_release(&composed);
    return rc;
}

static void end_hold(struct notifier *n)
{
    if (n->token[0] && n->repo)
        repo_set_trailer(n->repo, NULL);
    n->token[0] = '\0';
    n->nheld = 0;
}

int notifier_release(struct notifier *n, const char *commit)
{
    int rc = 0;
    if (n->nheld)
        repo_crash_point("before-release");
    for (size_t i = 0; i < n->nheld; i++) {
        int r = outbox_release(n->outbox, n->held[i], commit);
        if (r && !rc)
            rc = r;
    }
    end_hold(n);
    return rc;
}

void notifier_discard(struct notifier *n)
{
    char *saved = error_save();
    for (size_t i = 0; i < n->nheld; i++)
        outbox_discard(n->outbox, n->held[i]);
    end_hold(n);
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

/* The commit since `since` (a Unix time) whose message carries "Journal-Mail: token". */
static int find_token_commit(struct journal_repo *repo, const char *token, time_t since,
                             char hex[GIT_OID_HEXSZ + 1])
{
    char *line = xasprintf("Journal-Mail: %s", token);
    int rc = repo_find_commit_with_line(repo, line, (long long)since, hex, NULL);
    free(line);
    return rc;
}

static time_t parse_created(const char *created)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!created || sscanf(created, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                           &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

int notify_recover(struct journal_repo *repo, struct outbox *ob, bool apply,
                   struct mail_orphan **out, size_t *count)
{
    struct outbox_entry *list = NULL;
    size_t n = 0;
    *out = NULL;
    *count = 0;
    int rc = outbox_list_orphans(ob, &list, &n);
    if (rc || !n) {
        outbox_entries_free(list, n);
        return rc;
    }
    *out = xcalloc(n, sizeof(**out));
    for (size_t i = 0; i < n && !rc; i++) {
        const struct outbox_entry *e = &list[i];
        struct mail_orphan *o = &(*out)[(*count)++];
        o->id = e->id;
        o->message_id = xstrdup(e->message_id);
        o->purpose = xstrdup(e->purpose);
        o->submission = e->submission;
        o->created = xstrdup(e->created);
        o->unknown = !e->token;
        if (o->unknown)
            continue;
        char hex[GIT_OID_HEXSZ + 1];
        rc = find_token_commit(repo, e->token, parse_created(e->created), hex);
        if (rc)
            break;
        if (hex[0])
            o->commit = xstrdup(hex);
        if (!apply)
            continue;
        int r = o->commit ? outbox_release(ob, e->id, o->commit) : outbox_discard(ob, e->id);
        /* Another process may have settled it first: then it is no longer pending. */
        o->settled = r == 0;
        if (r == JOURNAL_EINPUT)
            error_clear();
        else if (r)
            rc = r;
    }
    outbox_entries_free(list, n);
    return rc;
}

int notify_settle_by_hand(struct journal_repo *repo, struct outbox *ob, long long id, bool send)
{
    struct outbox_entry *list = NULL, msg;
    size_t n = 0;
    bool orphan = false, token = false;
    int rc = outbox_list_orphans(ob, &list, &n);
    for (size_t i = 0; !rc && i < n; i++)
        if (list[i].id == id) {
            orphan = true;
            token = list[i].token != NULL;
        }
    outbox_entries_free(list, n);
    if (rc)
        return rc;
    if (!orphan || token) {
        rc = outbox_get(ob, id, &msg);
        if (!rc && strcmp(msg.state, "pending"))
            rc = error_input("message %lld is %s, not held: only a held message that records "
                             "no action is settled by hand",
                             id, msg.state);
        else if (!rc && token)
            rc = error_input("message %lld records its action: journal doctor --fix (or any "
                             "command that sends mail) settles it",
                             id);
        else if (!rc)
            rc = error_input("message %lld is held by %s, still running: it settles it itself", id,
                             msg.claimed_by ? msg.claimed_by : "a running process");
        outbox_entry_free(&msg);
        return rc;
    }
    char today[11];
    date_today(today);
    char *actor = repo_actor(repo);
    char *note = send ? xasprintf("released by hand by %s on %s (held with no record of its "
                                  "action)",
                                  actor, today)
                      : xasprintf("dropped by hand by %s on %s (held with no record of its "
                                  "action); journal outbox retry %lld sends it after all",
                                  actor, today, id);
    rc = send ? outbox_release(ob, id, note) : outbox_drop(ob, id, note);
    free(note);
    free(actor);
    return rc;
}

void mail_orphans_free(struct mail_orphan *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(list[i].message_id);
        free(list[i].purpose);
        free(list[i].created);
        free(list[i].commit);
    }
    free(list);
}

json_t *notify_context(struct journal_repo *repo, const char *editor, const char *lang)
{
    const struct journal_config *c = &repo->config;
    const char *title = localised_get(&c->titles, lang, c->nlanguages ? c->languages[0] : NULL);
    if (!title)
        title = c->title;
    const char *publisher =
        localised_get(&c->publishers, lang, c->nlanguages ? c->languages[0] : NULL);
    char today[11];
    date_today(today);
    return json_pack("{s:{s:s, s:s, s:s}, s:s, s:s}", "journal", "title", title, "short",
                     c->abbreviation ? c->abbreviation : title, "publisher",
                     publisher ? publisher : title, "editor", editor ? editor : "", "date", today);
}

int notify_invitation(struct notifier *n, struct journal_repo *repo, unsigned long number,
                      unsigned long round, const struct manuscript *m, const char *editor,
                      const struct roster_reviewer *rv, const char *due, const char *link)
{
    if (!n)
        return 0;
    bool blinded = !strcmp(repo->config.review_mode, "double-blind");
    const char *lang = notify_reviewer_lang(rv, m->lang);
    json_t *ctx = notify_context(repo, editor, lang);
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
    if (link)
        json_object_set_new(ctx, "desk_link", json_string(link));
    struct recipient to = {rv->name, rv->email};
    int rc = notify_hold(n, "invitation", lang, ctx, &to, "invitation", number);
    json_decref(ctx);
    return rc;
}

int notify_withdrawal(struct notifier *n, struct journal_repo *repo, unsigned long number,
                      unsigned long round, const struct manuscript *m, const char *editor,
                      const struct roster_reviewer *rv, enum withdrawal_cause cause)
{
    if (!n)
        return 0;
    const char *lang = notify_reviewer_lang(rv, m->lang);
    json_t *ctx = notify_context(repo, editor, lang);
    json_object_set_new(ctx, "submission",
                        json_pack("{s:I, s:s, s:I}", "number", (json_int_t)number, "title",
                                  m->title, "round", (json_int_t)round));
    json_object_set_new(ctx, "reviewer", json_pack("{s:s}", "name", rv->name));
    json_object_set_new(ctx, "decided", json_boolean(cause == WITHDRAWN_BY_DECISION));
    json_object_set_new(ctx, "submission_withdrawn",
                        json_boolean(cause == WITHDRAWN_WITH_SUBMISSION));
    struct recipient to = {rv->name, rv->email};
    int rc = notify_hold(n, "withdrawn", lang, ctx, &to, "withdrawal", number);
    json_decref(ctx);
    return rc;
}

int notify_personal_link(struct journal_repo *repo, const struct notifier *notifier,
                         const char *kind, unsigned long number, char **hash, char **url)
{
    *hash = NULL;
    *url = NULL;
    if (!repo->config.desk_url || !notifier || !notifier->enabled)
        return 0;
    char token[TOKEN_HEX_LEN + 1], digest[TOKEN_HASH_LEN + 1];
    int rc = token_new(token);
    if (rc)
        return rc;
    token_hash(token, digest);
    *hash = xstrdup(digest);
    *url = xasprintf("%s/%s/%lu/%s", repo->config.desk_url, kind, number, token);
    memset(token, 0, sizeof(token));
    return 0;
}
