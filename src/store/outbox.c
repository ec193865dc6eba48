#define _POSIX_C_SOURCE 200809L
#include "store/outbox.h"

#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mime.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define OUTBOX_SCHEMA_VERSION 2

struct outbox {
    sqlite3 *db;
    char *path;
    unsigned max_attempts;
    unsigned stale_seconds;
};

/*
 * attempts counts every failed try; message_failures only those that were the
 * message's own (a 4xx for it, or a sender that died mid-send): an unreachable
 * server must not use up a message's tries, or a day's outage would turn the
 * whole queue into failures.
 */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS messages("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  created TEXT NOT NULL,"
    "  message_id TEXT NOT NULL UNIQUE,"
    "  sender TEXT NOT NULL,"
    "  recipients TEXT NOT NULL,"
    "  message BLOB NOT NULL,"
    "  purpose TEXT NOT NULL,"
    "  submission INTEGER,"
    "  state TEXT NOT NULL"
    "    CHECK(state IN ('pending', 'queued', 'sending', 'sent', 'failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  message_failures INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  sent_at TEXT,"
    "  ref TEXT,"
    "  claimed_by TEXT,"
    "  claim_token TEXT,"
    "  claimed_at INTEGER,"
    "  secret INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS messages_state ON messages(state, id);";

static int db_error(struct outbox *ob, const char *what)
{
    return error_internal("outbox %s: %s: %s", ob->path, what, sqlite3_errmsg(ob->db));
}

/* Messages name the file: there may be more than one journal on the machine. */
static int exec(struct outbox *ob, const char *sql)
{
    char name[512];
    snprintf(name, sizeof(name), "outbox %s", ob->path);
    return db_exec(ob->db, name, sql);
}

static int prepare(struct outbox *ob, sqlite3_stmt **st, const char *sql)
{
    if (sqlite3_prepare_v2(ob->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_error(ob, "query");
    return 0;
}

static int begin(struct outbox *ob)
{
    /* IMMEDIATE: take the write lock up front, so a read-then-write never fails half-way. */
    return exec(ob, "BEGIN IMMEDIATE");
}

static int end(struct outbox *ob, int rc)
{
    if (!rc)
        return exec(ob, "COMMIT");
    sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void timestamp(time_t when, char out[32])
{
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int open_schema(struct outbox *ob)
{
    int rc = begin(ob);
    if (!rc)
        rc = exec(ob, schema);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = prepare(ob, &st, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!rc) {
        int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_finalize(st);
        /* Unlike the index, the outbox is never dropped and rebuilt: it holds unsent mail. */
        if (version > OUTBOX_SCHEMA_VERSION)
            rc = error_internal("outbox %s was written by a newer version of journal "
                                "(schema %d; this one knows %d)",
                                ob->path, version, OUTBOX_SCHEMA_VERSION);
        else if (version == 0)
            rc = exec(ob, "INSERT INTO meta(key, value) VALUES('schema_version', '2')");
        /* Version 2 marks the messages that carry a personal link (outbox_new.secret). */
        else if (version == 1)
            rc = exec(ob, "ALTER TABLE messages ADD COLUMN secret INTEGER NOT NULL DEFAULT 0;"
                          "UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    }
    return end(ob, rc);
}

int outbox_open(struct outbox **out, const char *path, const struct outbox_options *opts)
{
    *out = NULL;
    struct outbox *ob = xcalloc(1, sizeof(*ob));
    ob->path = xstrdup(path);
    ob->max_attempts =
        opts && opts->max_attempts ? opts->max_attempts : OUTBOX_DEFAULT_MAX_ATTEMPTS;
    ob->stale_seconds =
        opts && opts->stale_seconds ? opts->stale_seconds : OUTBOX_DEFAULT_STALE_SECONDS;
    int rc = db_open(&ob->db, path, "outbox", DB_CREATE | DB_DURABLE);
    if (!rc)
        rc = open_schema(ob);
    if (rc) {
        outbox_close(ob);
        return rc;
    }
    *out = ob;
    return 0;
}

void outbox_close(struct outbox *ob)
{
    if (!ob)
        return;
    sqlite3_close(ob->db);
    free(ob->path);
    free(ob);
}

sqlite3 *outbox_db(struct outbox *ob)
{
    return ob->db;
}

static bool is_one_line(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    }
    return true;
}

static bool is_purpose(const char *s)
{
    if (!s || !*s || *s == '-')
        return false;
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || *s == '-'))
            return false;
    }
    return true;
}

static int validate_new(const struct outbox_new *m)
{
    if (!m->message_id || !*m->message_id || !is_one_line(m->message_id))
        return error_input("outbox: the message has no usable Message-ID");
    if (!mime_address_is_valid(m->sender))
        return error_input("outbox: the sender '%s' is not a valid e-mail address",
                           m->sender ? m->sender : "");
    if (m->nrecipients == 0)
        return error_input("outbox: message %s has no recipient", m->message_id);
    for (size_t i = 0; i < m->nrecipients; i++) {
        if (!mime_address_is_valid(m->recipients[i]))
            return error_input("outbox: the recipient '%s' of message %s is not a valid e-mail "
                               "address",
                               m->recipients[i] ? m->recipients[i] : "", m->message_id);
    }
    if (!m->message || m->message_len == 0)
        return error_input("outbox: message %s is empty", m->message_id);
    if (!is_purpose(m->purpose))
        return error_input("outbox: message %s: the purpose '%s' is not a lowercase word such as "
                           "invitation, reminder, decision or acknowledgement",
                           m->message_id, m->purpose ? m->purpose : "");
    if (m->ref && !is_one_line(m->ref))
        return error_input("outbox: message %s: the ref must be one line", m->message_id);
    return 0;
}

int outbox_enqueue(struct outbox *ob, const struct outbox_new *msg, long long *id)
{
    int rc = validate_new(msg);
    if (rc)
        return rc;
    struct strbuf recipients = STRBUF_INIT;
    for (size_t i = 0; i < msg->nrecipients; i++) {
        if (i)
            strbuf_addstr(&recipients, ", ");
        strbuf_addstr(&recipients, msg->recipients[i]);
    }
    char created[32];
    timestamp(time(NULL), created);
    sqlite3_stmt *st;
    char holder[32];
    snprintf(holder, sizeof(holder), "pid %ld", (long)getpid());
    rc = prepare(ob, &st,
                 "INSERT INTO messages(created, message_id, sender, recipients, message, purpose,"
                 " submission, state, ref, claimed_by, claim_token, claimed_at, secret)"
                 " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!rc) {
        db_bind_text(st, 1, created);
        db_bind_text(st, 2, msg->message_id);
        db_bind_text(st, 3, msg->sender);
        db_bind_text(st, 4, recipients.buf);
        sqlite3_bind_blob64(st, 5, msg->message, msg->message_len, SQLITE_TRANSIENT);
        db_bind_text(st, 6, msg->purpose);
        if (msg->submission)
            sqlite3_bind_int64(st, 7, (sqlite3_int64)msg->submission);
        db_bind_text(st, 8, msg->hold ? "pending" : "queued");
        db_bind_text(st, 9, msg->ref);
        if (msg->hold) {
            db_bind_text(st, 10, holder);
            db_bind_text(st, 11, msg->hold_token);
            sqlite3_bind_int64(st, 12, (sqlite3_int64)time(NULL));
        }
        sqlite3_bind_int(st, 13, msg->secret);
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            *id = (long long)sqlite3_last_insert_rowid(ob->db);
        else if (sqlite3_extended_errcode(ob->db) == SQLITE_CONSTRAINT_UNIQUE)
            rc = error_input("outbox: a message with Message-ID %s is already in the outbox",
                             msg->message_id);
        else
            rc = db_error(ob, "enqueue");
        sqlite3_finalize(st);
    }
    strbuf_release(&recipients);
    return rc;
}

/* The state of message id (freshly allocated), or JOURNAL_EINPUT when there is none. */
static int message_state(struct outbox *ob, long long id, char **state)
{
    sqlite3_stmt *st;
    *state = NULL;
    int rc = prepare(ob, &st, "SELECT state FROM messages WHERE id = ?");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        *state = db_column_dup(st, 0);
    else
        rc = error_input("outbox %s: there is no message %lld", ob->path, id);
    sqlite3_finalize(st);
    return rc;
}

/* Whether state is one of the space-separated words in allowed. */
static bool state_allowed(const char *allowed, const char *state)
{
    size_t len = strlen(state);
    while (*allowed) {
        size_t n = strcspn(allowed, " ");
        if (n == len && !strncmp(allowed, state, n))
            return true;
        allowed += n;
        allowed += strspn(allowed, " ");
    }
    return false;
}

/* Run one UPDATE/DELETE on message id that is only allowed in the states listed. */
static int change_in_state(struct outbox *ob, long long id, const char *sql, const char *text,
                           const char *allowed, const char *refusal)
{
    char *state = NULL;
    int rc = begin(ob);
    if (!rc)
        rc = message_state(ob, id, &state);
    if (!rc && !state_allowed(allowed, state))
        rc = error_input("outbox: message %lld is %s; %s", id, state, refusal);
    sqlite3_stmt *st;
    if (!rc)
        rc = prepare(ob, &st, sql);
    if (!rc) {
        sqlite3_bind_int64(st, 1, id);
        if (text)
            db_bind_text(st, 2, text);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(ob, "update");
        sqlite3_finalize(st);
    }
    free(state);
    return end(ob, rc);
}

int outbox_release(struct outbox *ob, long long id, const char *ref)
{
    if (ref && !is_one_line(ref))
        return error_input("outbox: the ref must be one line");
    return change_in_state(ob, id,
                           "UPDATE messages SET state = 'queued', ref = ?2, claimed_by = NULL,"
                           " claim_token = NULL, claimed_at = NULL WHERE id = ?1",
                           ref, "pending", "only a pending message can be released");
}

int outbox_discard(struct outbox *ob, long long id)
{
    return change_in_state(ob, id, "DELETE FROM messages WHERE id = ?1", NULL, "pending",
                           "only a pending message (one whose action was not committed) can be "
                           "discarded");
}

int outbox_drop(struct outbox *ob, long long id, const char *why)
{
    if (!why || !is_one_line(why))
        return error_input("outbox: the reason must be one line");
    return change_in_state(ob, id,
                           "UPDATE messages SET state = 'failed', last_error = ?2,"
                           " claimed_by = NULL, claim_token = NULL, claimed_at = NULL"
                           " WHERE id = ?1",
                           why, "pending", "only a pending message can be dropped");
}

int outbox_mark_sent(struct outbox *ob, long long id)
{
    char sent_at[32];
    timestamp(time(NULL), sent_at);
    /* A message that carries a personal link keeps only its headers once sent: the link's
       token is then in the recipient's mailbox and nowhere else. */
    return change_in_state(ob, id,
                           "UPDATE messages SET state = 'sent', sent_at = ?2, claimed_by = NULL,"
                           " claim_token = NULL, claimed_at = NULL,"
                           " message = CASE WHEN secret AND instr(message, X'0D0A0D0A') > 0"
                           "   THEN substr(message, 1, instr(message, X'0D0A0D0A') + 3)"
                           "     || '[journal: the body was removed once the message was sent,"
                           " since it carried a personal link.]' || X'0D0A'"
                           "   ELSE message END"
                           " WHERE id = ?1",
                           sent_at, "queued sending failed sent",
                           "it waits for its action's commit");
}

int outbox_retry(struct outbox *ob, long long id)
{
    return change_in_state(ob, id,
                           "UPDATE messages SET state = 'queued', message_failures = 0"
                           " WHERE id = ?1",
                           NULL, "failed", "only a failed message can be queued again");
}

/*
 * token: the claim this process holds (NULL from outside a flush). Should the
 * claim have been taken over meanwhile (a send slower than the stale timeout,
 * or the clock jumped), the message belongs to the other flush now and is
 * left alone: *claim_lost says so.
 */
static int record_failure(struct outbox *ob, long long id, const char *error,
                          enum outbox_send_status status, const char *token, bool *now_failed,
                          bool *claim_lost)
{
    char *state = NULL;
    bool failed = false, lost = false;
    int rc = begin(ob);
    if (!rc)
        rc = message_state(ob, id, &state);
    if (!rc && strcmp(state, "queued") && strcmp(state, "sending"))
        rc = error_input("outbox: message %lld is %s; only a queued or sending message can fail",
                         id, state);
    sqlite3_stmt *st;
    if (!rc)
        rc = prepare(ob, &st,
                     "UPDATE messages SET attempts = attempts + 1,"
                     " message_failures = message_failures + ?3, last_error = ?2,"
                     " claimed_by = NULL, claim_token = NULL, claimed_at = NULL,"
                     " state = CASE WHEN ?4 OR message_failures + ?3 >= ?5"
                     "   THEN 'failed' ELSE 'queued' END"
                     " WHERE id = ?1 AND (?6 IS NULL OR claim_token = ?6) RETURNING state");
    if (!rc) {
        sqlite3_bind_int64(st, 1, id);
        db_bind_text(st, 2, error);
        sqlite3_bind_int(st, 3, status == OUTBOX_SEND_UNAVAILABLE ? 0 : 1);
        sqlite3_bind_int(st, 4, status == OUTBOX_SEND_PERMANENT);
        sqlite3_bind_int(st, 5, (int)ob->max_attempts);
        db_bind_text(st, 6, token);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW)
            failed = !strcmp((const char *)sqlite3_column_text(st, 0), "failed");
        else if (step == SQLITE_DONE && token)
            lost = true;
        else
            rc = db_error(ob, "update");
        sqlite3_finalize(st);
    }
    free(state);
    rc = end(ob, rc);
    if (now_failed)
        *now_failed = !rc && failed;
    if (claim_lost)
        *claim_lost = !rc && lost;
    return rc;
}

int outbox_record_failure(struct outbox *ob, long long id, const char *error, bool permanent,
                          bool *now_failed)
{
    return record_failure(ob, id, error, permanent ? OUTBOX_SEND_PERMANENT : OUTBOX_SEND_TRANSIENT,
                          NULL, now_failed, NULL);
}

#define ENTRY_COLUMNS                                                                              \
    "id, created, message_id, sender, recipients, message, purpose, submission, state,"            \
    " attempts, last_error, sent_at, ref, claimed_by, claim_token"

static void split_recipients(struct outbox_entry *e)
{
    size_t alloc = 0;
    const char *p = e->recipients ? e->recipients : "";
    while (*p) {
        size_t n = strcspn(p, ", ");
        if (n) {
            ARRAY_GROW(e->recipient, e->nrecipient + 2, alloc);
            e->recipient[e->nrecipient++] = xstrndup(p, n);
        }
        p += n;
        p += strspn(p, ", ");
    }
    if (!e->recipient)
        e->recipient = xcalloc(1, sizeof(char *));
    e->recipient[e->nrecipient] = NULL;
}

static void read_entry(sqlite3_stmt *st, struct outbox_entry *e)
{
    memset(e, 0, sizeof(*e));
    e->id = (long long)sqlite3_column_int64(st, 0);
    e->created = db_column_dup(st, 1);
    e->message_id = db_column_dup(st, 2);
    e->sender = db_column_dup(st, 3);
    e->recipients = db_column_dup(st, 4);
    split_recipients(e);
    size_t len = (size_t)sqlite3_column_bytes(st, 5);
    e->message = xmalloc(len + 1);
    if (len)
        memcpy(e->message, sqlite3_column_blob(st, 5), len);
    e->message[len] = '\0';
    e->message_len = len;
    e->purpose = db_column_dup(st, 6);
    e->submission = (unsigned long)sqlite3_column_int64(st, 7);
    e->state = db_column_dup(st, 8);
    e->attempts = (unsigned)sqlite3_column_int(st, 9);
    e->last_error = db_column_dup(st, 10);
    e->sent_at = db_column_dup(st, 11);
    e->ref = db_column_dup(st, 12);
    e->claimed_by = db_column_dup(st, 13);
    e->token = db_column_dup(st, 14);
}

int outbox_list(struct outbox *ob, const char *state, struct outbox_entry **out, size_t *count)
{
    sqlite3_stmt *st;
    *out = NULL;
    *count = 0;
    int rc = prepare(ob, &st,
                     "SELECT " ENTRY_COLUMNS " FROM messages WHERE ?1 IS NULL OR state = ?1"
                     " ORDER BY id");
    if (rc)
        return rc;
    db_bind_text(st, 1, state);
    size_t alloc = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ARRAY_GROW(*out, *count + 1, alloc);
        read_entry(st, &(*out)[(*count)++]);
    }
    if (step != SQLITE_DONE) {
        rc = db_error(ob, "list");
        outbox_entries_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* "pid 1234" of a process still running (kill(pid, 0) finds it, or it is another user's). */
static bool holder_alive(const char *holder)
{
    if (!holder || strncmp(holder, "pid ", 4))
        return false;
    char *end;
    long pid = strtol(holder + 4, &end, 10);
    if (*end || pid <= 0)
        return false;
    return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

int outbox_list_orphans(struct outbox *ob, struct outbox_entry **out, size_t *count)
{
    int rc = outbox_list(ob, "pending", out, count);
    if (rc)
        return rc;
    size_t kept = 0;
    for (size_t i = 0; i < *count; i++) {
        if (holder_alive((*out)[i].claimed_by))
            outbox_entry_free(&(*out)[i]);
        else
            (*out)[kept++] = (*out)[i];
    }
    *count = kept;
    return 0;
}

int outbox_get(struct outbox *ob, long long id, struct outbox_entry *out)
{
    sqlite3_stmt *st;
    memset(out, 0, sizeof(*out));
    int rc = prepare(ob, &st, "SELECT " ENTRY_COLUMNS " FROM messages WHERE id = ?");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        read_entry(st, out);
    else
        rc = error_input("outbox %s: there is no message %lld", ob->path, id);
    sqlite3_finalize(st);
    return rc;
}

void outbox_entry_free(struct outbox_entry *e)
{
    if (!e)
        return;
    free(e->created);
    free(e->message_id);
    free(e->sender);
    free(e->recipients);
    for (size_t i = 0; i < e->nrecipient; i++)
        free(e->recipient[i]);
    free(e->recipient);
    free(e->message);
    free(e->purpose);
    free(e->state);
    free(e->last_error);
    free(e->sent_at);
    free(e->ref);
    free(e->claimed_by);
    free(e->token);
    memset(e, 0, sizeof(*e));
}

void outbox_entries_free(struct outbox_entry *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        outbox_entry_free(&list[i]);
    free(list);
}

/*
 * The claimer's identity: the pid says who (for people reading the outbox),
 * the random token makes it unique even across pid reuse and between two
 * outbox handles in one process.
 */
static void make_claim_token(char out[48])
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uintptr_t)out;
    }
    snprintf(out, 48, "%ld-%016llx", (long)getpid(), (unsigned long long)r);
}

enum claim_result { CLAIMED, NOTHING_LEFT, GAVE_UP_STALE };

/*
 * Claim the next message after id `after` in one write transaction: a queued
 * one, or one whose claim has gone stale (its sender died mid-send). A stale
 * claim counts as a failed try of the message, so a message that kills its
 * sender every time ends up failed instead of being tried forever.
 */
static int claim_next(struct outbox *ob, long long after, const char *token, long long *id,
                      enum claim_result *result, struct outbox_flush_stats *stats)
{
    time_t now = time(NULL);
    sqlite3_stmt *st = NULL;
    *result = NOTHING_LEFT;
    int rc = begin(ob);
    if (!rc)
        rc = prepare(ob, &st,
                     "SELECT id, state, claimed_by, message_failures FROM messages"
                     " WHERE id > ?1 AND (state = 'queued'"
                     "  OR (state = 'sending' AND claimed_at <= ?2))"
                     " ORDER BY id LIMIT 1");
    if (rc)
        return end(ob, rc);
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)now - ob->stale_seconds);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? 0 : db_error(ob, "claim");
        sqlite3_finalize(st);
        return end(ob, rc);
    }
    *id = (long long)sqlite3_column_int64(st, 0);
    bool stale = !strcmp((const char *)sqlite3_column_text(st, 1), "sending");
    char *previous = db_column_dup(st, 2);
    unsigned failures = (unsigned)sqlite3_column_int(st, 3);
    sqlite3_finalize(st);

    char *note = NULL;
    bool give_up = false;
    if (stale) {
        stats->reclaimed++;
        note = xasprintf("the process that was sending it (%s) stopped without recording the "
                         "outcome; the server may or may not have received it",
                         previous ? previous : "unknown");
        give_up = failures + 1 >= ob->max_attempts;
    }
    char claimer[32];
    snprintf(claimer, sizeof(claimer), "pid %ld", (long)getpid());
    rc = prepare(ob, &st,
                 give_up ? "UPDATE messages SET state = 'failed', attempts = attempts + 1,"
                           " message_failures = message_failures + 1, last_error = ?5,"
                           " claimed_by = NULL, claim_token = NULL, claimed_at = NULL"
                           " WHERE id = ?1"
                         : "UPDATE messages SET state = 'sending', claimed_by = ?2,"
                           " claim_token = ?3, claimed_at = ?4,"
                           " attempts = attempts + ?6, message_failures = message_failures + ?6,"
                           " last_error = coalesce(?5, last_error) WHERE id = ?1");
    if (!rc) {
        sqlite3_bind_int64(st, 1, *id);
        db_bind_text(st, 2, claimer);
        db_bind_text(st, 3, token);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)now);
        db_bind_text(st, 5, note);
        sqlite3_bind_int(st, 6, stale ? 1 : 0);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(ob, "claim");
        sqlite3_finalize(st);
    }
    free(previous);
    free(note);
    rc = end(ob, rc);
    if (!rc)
        *result = give_up ? GAVE_UP_STALE : CLAIMED;
    return rc;
}

static long long count_in_state(struct outbox *ob, const char *state)
{
    sqlite3_stmt *st;
    long long n = 0;
    if (prepare(ob, &st, "SELECT count(*) FROM messages WHERE state = ?"))
        return 0;
    db_bind_text(st, 1, state);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (long long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void add_problem(struct strbuf *problems, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_problem(struct strbuf *problems, const char *fmt, ...)
{
    va_list ap;
    if (problems->len)
        strbuf_addch(problems, '\n');
    va_start(ap, fmt);
    strbuf_vaddf(problems, fmt, ap);
    va_end(ap);
}

static int send_one(struct outbox *ob, const struct outbox_transport *transport, long long id,
                    const char *token, struct outbox_flush_stats *stats, struct strbuf *problems)
{
    struct outbox_entry entry;
    struct strbuf why = STRBUF_INIT;
    int rc = outbox_get(ob, id, &entry);
    if (rc)
        return rc;
    enum outbox_send_status status = transport->send(transport->context, &entry, &why);
    if (status == OUTBOX_SEND_OK) {
        /* At once and on its own: from here on a crash must not send it again. */
        rc = outbox_mark_sent(ob, id);
        if (!rc)
            stats->sent++;
    } else {
        if (!why.len)
            strbuf_addstr(&why, "the transport gave no reason");
        bool failed = false, lost = false;
        rc = record_failure(ob, id, why.buf, status, token, &failed, &lost);
        if (!rc && lost) {
            add_problem(problems,
                        "%s; message %lld (%s) took longer than the stale-claim timeout and "
                        "another flush has taken it over",
                        why.buf, id, entry.message_id);
        } else if (!rc && failed) {
            stats->failed++;
            add_problem(problems,
                        "%s; message %lld (%s) was marked failed and will not be sent "
                        "(journal outbox retry %lld queues it again)",
                        why.buf, id, entry.message_id, id);
        } else if (!rc) {
            stats->retrying++;
            if (status == OUTBOX_SEND_UNAVAILABLE) {
                stats->stopped = true;
                long long waiting = count_in_state(ob, "queued");
                if (waiting > 1)
                    add_problem(problems,
                                "%s; %lld messages stay in the outbox (journal outbox flush "
                                "retries them)",
                                why.buf, waiting);
                else
                    add_problem(problems,
                                "%s; the message stays in the outbox (journal outbox flush "
                                "retries it)",
                                why.buf);
            } else {
                add_problem(problems,
                            "%s; message %lld (%s) stays in the outbox (journal outbox flush "
                            "retries it)",
                            why.buf, id, entry.message_id);
            }
        }
    }
    strbuf_release(&why);
    outbox_entry_free(&entry);
    return rc;
}

int outbox_flush(struct outbox *ob, const struct outbox_transport *transport,
                 struct outbox_flush_stats *stats)
{
    struct outbox_flush_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof(*stats));
    char token[48];
    make_claim_token(token);
    struct strbuf problems = STRBUF_INIT;
    long long after = 0;
    int rc = 0;
    /* The cursor moves forward only, so a message that failed now waits for the next flush. */
    while (!rc && !stats->stopped) {
        long long id = 0;
        enum claim_result result;
        rc = claim_next(ob, after, token, &id, &result, stats);
        if (rc || result == NOTHING_LEFT)
            break;
        after = id;
        if (result == GAVE_UP_STALE) {
            stats->failed++;
            add_problem(&problems,
                        "message %lld was being sent by a process that stopped, too many times; "
                        "it was marked failed (journal outbox retry %lld queues it again)",
                        id, id);
            continue;
        }
        rc = send_one(ob, transport, id, token, stats, &problems);
    }
    if (!rc && problems.len)
        rc = error_internal("%s", problems.buf);
    strbuf_release(&problems);
    return rc;
}
