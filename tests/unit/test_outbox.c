#define _GNU_SOURCE /* memmem */
/*
 * The outbox with a fake transport: enqueue, list, flush in order, failures
 * and retries, permanent failures, stale claims of dead processes, the
 * pending state of messages whose commit is not made yet, reopening, and
 * concurrent flushes (two handles in one process, and several processes).
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "store/outbox.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mime.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/journal-test-outbox.XXXXXX";
static char *db_path;
static int test_number;

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fs_remove_tree(dir);
    free(db_path);
    error_clear();
    return 0;
}

/* A fresh database per test. */
static int fresh(void **state)
{
    (void)state;
    free(db_path);
    char name[64];
    snprintf(name, sizeof(name), "state/outbox-%d.db", ++test_number);
    db_path = fs_join(dir, name);
    return 0;
}

/* ---- A scripted fake transport ---------------------------------------------------------- */

struct fake {
    enum outbox_send_status script[32]; /* answers for the first calls; OK after */
    size_t nscript;
    size_t calls;
    long long sent_ids[256]; /* ids the fake "server" accepted, in order */
    size_t nsent;
    /* Called during each send, to look at or act on the outbox mid-flush. */
    void (*during)(struct fake *fake, const struct outbox_entry *msg);
    void *extra;
    long delay_ns; /* how long the "server" takes per message */
};

static enum outbox_send_status fake_send(void *context, const struct outbox_entry *msg,
                                         struct strbuf *why)
{
    struct fake *fake = context;
    assert_string_equal(msg->state, "sending");
    assert_true(msg->nrecipient >= 1);
    enum outbox_send_status status =
        fake->calls < fake->nscript ? fake->script[fake->calls] : OUTBOX_SEND_OK;
    fake->calls++;
    if (fake->delay_ns) {
        struct timespec pause = {0, fake->delay_ns};
        nanosleep(&pause, NULL);
    }
    if (fake->during)
        fake->during(fake, msg);
    switch (status) {
    case OUTBOX_SEND_OK:
        fake->sent_ids[fake->nsent++] = msg->id;
        break;
    case OUTBOX_SEND_TRANSIENT:
        strbuf_addstr(why, "fake://server: 451 try again later");
        break;
    case OUTBOX_SEND_PERMANENT:
        strbuf_addstr(why, "fake://server: 550 no such user");
        break;
    case OUTBOX_SEND_UNAVAILABLE:
        strbuf_addstr(why, "fake://server: connection refused");
        break;
    }
    return status;
}

static struct outbox *open_outbox(unsigned max_attempts, unsigned stale_seconds)
{
    struct outbox *ob = NULL;
    struct outbox_options opts = {max_attempts, stale_seconds};
    if (outbox_open(&ob, db_path, &opts))
        fail_msg("outbox_open: %s", error_message());
    return ob;
}

/* Compose a real message and enqueue it; returns the id. */
static long long enqueue(struct outbox *ob, int n, const char *purpose, bool hold)
{
    char address[64], subject[64];
    snprintf(address, sizeof(address), "reviewer%d@example.org", n);
    snprintf(subject, sizeof(subject), "Письмо %d", n);
    struct mail_address to = {"Рецензент", address};
    struct mail_message m = {{"Editor", "editor@journal.example.org"},
                             &to,
                             1,
                             NULL,
                             0,
                             NULL,
                             subject,
                             "Текст письма.\n",
                             0};
    struct strbuf text = STRBUF_INIT;
    char message_id[MIME_MESSAGE_ID_SIZE];
    assert_int_equal(mime_compose(&m, &text, message_id), 0);
    size_t nrcpt;
    const char **rcpt = mime_envelope_recipients(&m, &nrcpt);
    struct outbox_new msg = {message_id,
                             m.from.address,
                             rcpt,
                             nrcpt,
                             text.buf,
                             text.len,
                             purpose,
                             (unsigned long)n,
                             hold,
                             NULL,
                             hold ? "tok-1" : NULL,
                             false};
    long long id = 0;
    if (outbox_enqueue(ob, &msg, &id))
        fail_msg("outbox_enqueue: %s", error_message());
    free(rcpt);
    strbuf_release(&text);
    return id;
}

static struct outbox_entry get(struct outbox *ob, long long id)
{
    struct outbox_entry e;
    if (outbox_get(ob, id, &e))
        fail_msg("outbox_get: %s", error_message());
    return e;
}

static void assert_state(struct outbox *ob, long long id, const char *state, unsigned attempts)
{
    struct outbox_entry e = get(ob, id);
    if (strcmp(e.state, state) || e.attempts != attempts)
        fail_msg("message %lld: expected %s with %u attempts, found %s with %u (%s)", id, state,
                 attempts, e.state, e.attempts, e.last_error ? e.last_error : "");
    outbox_entry_free(&e);
}

static size_t count_state(struct outbox *ob, const char *state)
{
    struct outbox_entry *list;
    size_t n;
    assert_int_equal(outbox_list(ob, state, &list, &n), 0);
    outbox_entries_free(list, n);
    return n;
}

/* ---- Tests ------------------------------------------------------------------------------ */

static void test_enqueue_list_flush(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    long long a = enqueue(ob, 1, "invitation", false);
    long long b = enqueue(ob, 2, "decision", false);
    long long c = enqueue(ob, 3, "acknowledgement", false);
    assert_true(a < b && b < c);

    struct outbox_entry *list;
    size_t n;
    assert_int_equal(outbox_list(ob, NULL, &list, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, a);
    assert_string_equal(list[0].state, "queued");
    assert_string_equal(list[0].purpose, "invitation");
    assert_int_equal(list[0].submission, 1);
    assert_string_equal(list[0].recipients, "reviewer1@example.org");
    assert_int_equal(list[0].nrecipient, 1);
    assert_string_equal(list[0].recipient[0], "reviewer1@example.org");
    assert_null(list[0].recipient[1]);
    assert_string_equal(list[0].sender, "editor@journal.example.org");
    assert_int_equal(list[0].attempts, 0);
    assert_null(list[0].sent_at);
    assert_null(list[0].last_error);
    assert_true(list[0].message_id[0] == '<');
    assert_non_null(strstr(list[0].message, list[0].message_id));
    assert_int_equal(strlen(list[0].message), list[0].message_len);
    assert_int_equal(strlen(list[0].created), 20);
    outbox_entries_free(list, n);

    struct fake fake = {0};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.sent, 3);
    assert_int_equal(stats.retrying + stats.failed + stats.reclaimed, 0);
    assert_false(stats.stopped);
    assert_int_equal(fake.nsent, 3);
    assert_int_equal(fake.sent_ids[0], a);
    assert_int_equal(fake.sent_ids[1], b);
    assert_int_equal(fake.sent_ids[2], c);
    assert_int_equal(count_state(ob, "sent"), 3);
    assert_int_equal(count_state(ob, "queued"), 0);
    struct outbox_entry e = get(ob, b);
    assert_non_null(e.sent_at);
    assert_null(e.claimed_by);
    outbox_entry_free(&e);

    /* Flushing again sends nothing. */
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.sent, 0);
    assert_int_equal(fake.calls, 3);
    outbox_close(ob);
}

static void test_failure_then_retry(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    long long a = enqueue(ob, 1, "reminder", false);
    long long b = enqueue(ob, 2, "reminder", false);
    struct fake fake = {.script = {OUTBOX_SEND_TRANSIENT}, .nscript = 1};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    assert_int_equal(outbox_flush(ob, &transport, &stats), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "fake://server: 451 try again later"));
    assert_non_null(strstr(error_message(), "stays in the outbox (journal outbox flush retries"));
    error_clear();
    /* A message's own failure does not stop the others. */
    assert_int_equal(stats.sent, 1);
    assert_int_equal(stats.retrying, 1);
    assert_false(stats.stopped);
    assert_state(ob, a, "queued", 1);
    assert_state(ob, b, "sent", 0);
    struct outbox_entry e = get(ob, a);
    assert_string_equal(e.last_error, "fake://server: 451 try again later");
    assert_null(e.claimed_by);
    outbox_entry_free(&e);

    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.sent, 1);
    assert_state(ob, a, "sent", 1);
    assert_int_equal(fake.nsent, 2);
    assert_int_equal(fake.calls, 3);
    outbox_close(ob);
}

static void test_unavailable_server_stops_the_flush(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(2, 0);
    long long ids[3];
    for (int i = 0; i < 3; i++)
        ids[i] = enqueue(ob, i + 1, "invitation", false);
    struct fake fake = {.script = {OUTBOX_SEND_UNAVAILABLE, OUTBOX_SEND_UNAVAILABLE,
                                   OUTBOX_SEND_UNAVAILABLE, OUTBOX_SEND_UNAVAILABLE},
                        .nscript = 4};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    assert_int_equal(outbox_flush(ob, &transport, &stats), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "fake://server: connection refused; 3 messages stay "
                                            "in the outbox (journal outbox flush retries them)"));
    error_clear();
    assert_true(stats.stopped);
    assert_int_equal(fake.calls, 1);
    assert_state(ob, ids[0], "queued", 1);
    assert_state(ob, ids[1], "queued", 0);
    /* An outage is not the message's fault: more tries than max_attempts, still queued. */
    for (int i = 0; i < 3; i++) {
        assert_int_equal(outbox_flush(ob, &transport, &stats), JOURNAL_EINTERNAL);
        error_clear();
    }
    assert_state(ob, ids[0], "queued", 4);
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.sent, 3);
    assert_int_equal(count_state(ob, "sent"), 3);
    outbox_close(ob);
}

static void test_permanent_failure(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    long long a = enqueue(ob, 1, "decision", false);
    long long b = enqueue(ob, 2, "decision", false);
    struct fake fake = {.script = {OUTBOX_SEND_PERMANENT}, .nscript = 1};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    assert_int_equal(outbox_flush(ob, &transport, &stats), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "550 no such user"));
    assert_non_null(strstr(error_message(), "marked failed"));
    error_clear();
    assert_int_equal(stats.failed, 1);
    assert_int_equal(stats.sent, 1);
    assert_state(ob, a, "failed", 1);
    assert_state(ob, b, "sent", 0);

    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(fake.calls, 2);

    /* Queued again by hand after the address was fixed, it goes out. */
    assert_int_equal(outbox_retry(ob, a), 0);
    assert_state(ob, a, "queued", 1);
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.sent, 1);
    assert_state(ob, a, "sent", 1);
    assert_int_equal(outbox_retry(ob, a), JOURNAL_EINPUT);
    error_clear();
    outbox_close(ob);
}

static void test_max_attempts(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(3, 0);
    long long a = enqueue(ob, 1, "reminder", false);
    struct fake fake = {
        .script = {OUTBOX_SEND_TRANSIENT, OUTBOX_SEND_TRANSIENT, OUTBOX_SEND_TRANSIENT},
        .nscript = 3};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    for (unsigned i = 1; i <= 3; i++) {
        assert_int_equal(outbox_flush(ob, &transport, &stats), JOURNAL_EINTERNAL);
        error_clear();
        assert_state(ob, a, i < 3 ? "queued" : "failed", i);
    }
    assert_int_equal(stats.failed, 1);
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(fake.calls, 3);

    /* The public record_failure follows the same rules. */
    long long b = enqueue(ob, 2, "reminder", false);
    bool now_failed = true;
    assert_int_equal(outbox_record_failure(ob, b, "451 later", false, &now_failed), 0);
    assert_false(now_failed);
    assert_int_equal(outbox_record_failure(ob, b, "550 gone", true, &now_failed), 0);
    assert_true(now_failed);
    assert_state(ob, b, "failed", 2);
    outbox_close(ob);
}

static void check_previous_sent(struct fake *fake, const struct outbox_entry *msg)
{
    struct outbox *ob = fake->extra;
    struct outbox_entry *list;
    size_t n;
    /* Every message before this one is already recorded as sent. */
    assert_int_equal(outbox_list(ob, NULL, &list, &n), 0);
    for (size_t i = 0; i < n; i++) {
        if (list[i].id < msg->id)
            assert_string_equal(list[i].state, "sent");
        else if (list[i].id == msg->id)
            assert_string_equal(list[i].state, "sending");
        else
            assert_string_equal(list[i].state, "queued");
    }
    outbox_entries_free(list, n);
}

static void test_order_and_mark_sent_at_once(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    struct outbox *observer = open_outbox(0, 0);
    long long ids[6];
    for (int i = 0; i < 6; i++)
        ids[i] = enqueue(ob, i + 1, i % 2 ? "invitation" : "reminder", false);
    struct fake fake = {.during = check_previous_sent, .extra = observer};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(fake.nsent, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(fake.sent_ids[i], ids[i]);
    outbox_close(observer);
    outbox_close(ob);
}

static void set_claim(struct outbox *ob, long long id, long age_seconds)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "UPDATE messages SET state = 'sending', claimed_by = 'pid 999999',"
             " claim_token = 'dead', claimed_at = %lld WHERE id = %lld",
             (long long)time(NULL) - age_seconds, id);
    assert_int_equal(sqlite3_exec(outbox_db(ob), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void test_stale_claim_is_reclaimed(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 60);
    long long a = enqueue(ob, 1, "invitation", false);
    long long b = enqueue(ob, 2, "invitation", false);
    /* a: a live claim (just made); b: a claim 2 minutes old by a process that died. */
    set_claim(ob, a, 0);
    set_claim(ob, b, 120);
    struct fake fake = {0};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.reclaimed, 1);
    assert_int_equal(stats.sent, 1);
    assert_int_equal(fake.nsent, 1);
    assert_int_equal(fake.sent_ids[0], b);
    assert_state(ob, a, "sending", 0);
    assert_state(ob, b, "sent", 1);
    struct outbox_entry e = get(ob, b);
    assert_non_null(strstr(e.last_error, "pid 999999"));
    assert_non_null(strstr(e.last_error, "stopped"));
    outbox_entry_free(&e);
    e = get(ob, a);
    assert_string_equal(e.claimed_by, "pid 999999");
    outbox_entry_free(&e);

    /* Once a's claim is old too, it is taken over as well. */
    set_claim(ob, a, 61);
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.reclaimed, 1);
    assert_state(ob, a, "sent", 1);
    outbox_close(ob);

    /* A message whose senders keep dying ends up failed rather than tried for ever. */
    fresh(NULL);
    ob = open_outbox(1, 60);
    long long c = enqueue(ob, 3, "invitation", false);
    set_claim(ob, c, 120);
    assert_int_equal(outbox_flush(ob, &transport, &stats), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "marked failed"));
    error_clear();
    assert_int_equal(stats.failed, 1);
    assert_state(ob, c, "failed", 1);
    outbox_close(ob);
}

/* Another flush takes the claim over mid-send (as after a clock jump). */
static void steal_claim(struct fake *fake, const struct outbox_entry *msg)
{
    struct outbox *other = fake->extra;
    char sql[160];
    snprintf(sql, sizeof(sql),
             "UPDATE messages SET claimed_by = 'pid 4242', claim_token = 'other' WHERE id = %lld",
             msg->id);
    assert_int_equal(sqlite3_exec(outbox_db(other), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void test_lost_claim_is_left_alone(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    struct outbox *other = open_outbox(0, 0);
    long long a = enqueue(ob, 1, "invitation", false);
    struct fake fake = {
        .script = {OUTBOX_SEND_TRANSIENT}, .nscript = 1, .during = steal_claim, .extra = other};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    assert_int_equal(outbox_flush(ob, &transport, &stats), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "another flush has taken it over"));
    error_clear();
    /* The failure is not recorded over the new owner's claim. */
    assert_state(ob, a, "sending", 0);
    struct outbox_entry e = get(ob, a);
    assert_string_equal(e.claimed_by, "pid 4242");
    outbox_entry_free(&e);
    outbox_close(other);
    outbox_close(ob);
}

static void test_pending_release_discard(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    long long a = enqueue(ob, 1, "decision", true);
    long long b = enqueue(ob, 2, "decision", true);
    struct fake fake = {0};
    struct outbox_transport transport = {fake_send, &fake};
    struct outbox_flush_stats stats;
    /* Before the action's commit nothing goes out. */
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(fake.calls, 0);
    assert_int_equal(count_state(ob, "pending"), 2);

    assert_int_equal(outbox_release(ob, a, "0123456789abcdef0123456789abcdef01234567"), 0);
    assert_int_equal(outbox_discard(ob, b), 0);
    assert_int_equal(outbox_get(ob, b, &(struct outbox_entry){0}), JOURNAL_EINPUT);
    error_clear();
    assert_int_equal(outbox_flush(ob, &transport, &stats), 0);
    assert_int_equal(stats.sent, 1);
    struct outbox_entry e = get(ob, a);
    assert_string_equal(e.state, "sent");
    assert_string_equal(e.ref, "0123456789abcdef0123456789abcdef01234567");
    outbox_entry_free(&e);

    /* Only pending messages can be released or discarded. */
    assert_int_equal(outbox_release(ob, a, "x"), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "message 1 is sent"));
    assert_int_equal(outbox_discard(ob, a), JOURNAL_EINPUT);
    assert_int_equal(outbox_discard(ob, 999), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "there is no message 999"));
    assert_int_equal(outbox_mark_sent(ob, 999), JOURNAL_EINPUT);
    error_clear();
    long long c = enqueue(ob, 3, "decision", true);
    assert_int_equal(outbox_mark_sent(ob, c), JOURNAL_EINPUT);
    assert_int_equal(outbox_release(ob, c, "bad\nref"), JOURNAL_EINPUT);
    error_clear();
    outbox_close(ob);
}

/* A held message whose holder died is an orphan; while the holder runs it is not. */
static void test_orphans(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    long long a = enqueue(ob, 1, "decision", true);
    long long b = enqueue(ob, 2, "decision", true);
    enqueue(ob, 3, "decision", false);
    struct outbox_entry *list;
    size_t n;
    assert_int_equal(outbox_list_orphans(ob, &list, &n), 0);
    assert_int_equal(n, 0); /* this process holds them */
    outbox_entries_free(list, n);
    struct outbox_entry e = get(ob, a);
    assert_string_equal(e.token, "tok-1");
    assert_non_null(e.claimed_by);
    outbox_entry_free(&e);

    /* A child that exits has a pid that no process has (until reused, much later). */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    char *sql =
        sqlite3_mprintf("UPDATE messages SET claimed_by = 'pid %d' WHERE id = %lld", (int)child, b);
    assert_int_equal(sqlite3_exec(outbox_db(ob), sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    assert_int_equal(outbox_list_orphans(ob, &list, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, b);
    assert_string_equal(list[0].token, "tok-1");
    outbox_entries_free(list, n);

    /* Released: the holder's marks are gone. */
    assert_int_equal(outbox_release(ob, b, "0123456789abcdef0123456789abcdef01234567"), 0);
    e = get(ob, b);
    assert_null(e.claimed_by);
    assert_null(e.token);
    outbox_entry_free(&e);
    assert_int_equal(outbox_list_orphans(ob, &list, &n), 0);
    assert_int_equal(n, 0);
    outbox_entries_free(list, n);
    outbox_close(ob);
}

static void test_enqueue_validation(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    const char *rcpt[] = {"a@example.org"};
    const char *bad_rcpt[] = {"a@example.org>\r\nRCPT TO:<b@example.org"};
    struct outbox_new msg = {"<1@example.org>",
                             "editor@example.org",
                             rcpt,
                             1,
                             "X: y\r\n\r\nz\r\n",
                             12,
                             "invitation",
                             1,
                             false,
                             "abc",
                             NULL,
                             false};
    long long id;
    assert_int_equal(outbox_enqueue(ob, &msg, &id), 0);
    assert_int_equal(outbox_enqueue(ob, &msg, &id), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "already in the outbox"));
    msg.message_id = "<2@example.org>";
    msg.recipients = bad_rcpt;
    assert_int_equal(outbox_enqueue(ob, &msg, &id), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "not a valid e-mail address"));
    msg.recipients = rcpt;
    msg.nrecipients = 0;
    assert_int_equal(outbox_enqueue(ob, &msg, &id), JOURNAL_EINPUT);
    msg.nrecipients = 1;
    msg.sender = "nobody";
    assert_int_equal(outbox_enqueue(ob, &msg, &id), JOURNAL_EINPUT);
    msg.sender = "editor@example.org";
    msg.purpose = "Invitation!";
    assert_int_equal(outbox_enqueue(ob, &msg, &id), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "purpose"));
    msg.purpose = "invitation";
    msg.message_len = 0;
    assert_int_equal(outbox_enqueue(ob, &msg, &id), JOURNAL_EINPUT);
    msg.message_len = 12;
    msg.message_id = "<3@example.org>\r\nX: y";
    assert_int_equal(outbox_enqueue(ob, &msg, &id), JOURNAL_EINPUT);
    error_clear();
    assert_int_equal(count_state(ob, NULL), 1);
    outbox_close(ob);
}

static void test_survives_reopening(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    long long a = enqueue(ob, 1, "acknowledgement", false);
    long long b = enqueue(ob, 2, "acknowledgement", false);
    struct fake fake = {.script = {OUTBOX_SEND_OK, OUTBOX_SEND_UNAVAILABLE}, .nscript = 2};
    struct outbox_transport transport = {fake_send, &fake};
    assert_int_equal(outbox_flush(ob, &transport, NULL), JOURNAL_EINTERNAL);
    error_clear();
    outbox_close(ob);

    struct stat st;
    assert_int_equal(stat(db_path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    ob = open_outbox(0, 0);
    assert_state(ob, a, "sent", 0);
    assert_state(ob, b, "queued", 1);
    struct outbox_entry e = get(ob, b);
    assert_string_equal(e.last_error, "fake://server: connection refused");
    assert_string_equal(e.purpose, "acknowledgement");
    assert_int_equal(e.submission, 2);
    outbox_entry_free(&e);
    assert_int_equal(outbox_flush(ob, &transport, NULL), 0);
    assert_state(ob, b, "sent", 1);
    assert_int_equal(fake.nsent, 2);
    outbox_close(ob);
}

/* Two handles in one process: B flushes while A is in the middle of sending. */
static void flush_other(struct fake *fake, const struct outbox_entry *msg)
{
    (void)msg;
    struct fake *other = fake->extra;
    if (fake->calls != 1)
        return;
    struct outbox *b = open_outbox(0, 600);
    struct outbox_transport transport = {fake_send, other};
    assert_int_equal(outbox_flush(b, &transport, NULL), 0);
    outbox_close(b);
}

static void test_concurrent_handles(void **state)
{
    (void)state;
    struct outbox *a = open_outbox(0, 600);
    for (int i = 0; i < 5; i++)
        enqueue(a, i + 1, "reminder", false);
    struct fake fake_b = {0};
    struct fake fake_a = {.during = flush_other, .extra = &fake_b};
    struct outbox_transport transport = {fake_send, &fake_a};
    assert_int_equal(outbox_flush(a, &transport, NULL), 0);
    /* B took the four A had not claimed yet; A sent only its first. */
    assert_int_equal(fake_a.nsent, 1);
    assert_int_equal(fake_b.nsent, 4);
    assert_int_equal(fake_a.sent_ids[0], 1);
    assert_int_equal(count_state(a, "sent"), 5);
    outbox_close(a);
}

/* Several processes flush the same outbox at once; each message reaches the "server" once. */
static void test_concurrent_processes(void **state)
{
    (void)state;
    enum { MESSAGES = 60, PROCESSES = 4 };
    struct outbox *ob = open_outbox(0, 600);
    for (int i = 0; i < MESSAGES; i++)
        enqueue(ob, i + 1, "reminder", false);
    outbox_close(ob);

    char *log_path = fs_join(dir, "delivered.log");
    pid_t children[PROCESSES];
    for (int p = 0; p < PROCESSES; p++) {
        children[p] = fork();
        assert_true(children[p] >= 0);
        if (children[p] == 0) {
            struct outbox *mine = NULL;
            struct outbox_options opts = {0, 600};
            int status = 1;
            if (!outbox_open(&mine, db_path, &opts)) {
                /* Slow enough that the flushes overlap for the whole run. */
                struct fake fake = {.delay_ns = 2000000};
                struct outbox_transport transport = {fake_send, &fake};
                int rc = outbox_flush(mine, &transport, NULL);
                int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT, 0600);
                for (size_t i = 0; fd >= 0 && i < fake.nsent; i++) {
                    char line[32];
                    int len = snprintf(line, sizeof(line), "%lld\n", fake.sent_ids[i]);
                    if (write(fd, line, (size_t)len) != len)
                        rc = -1;
                }
                if (fd >= 0)
                    close(fd);
                status = rc ? 1 : 0;
                outbox_close(mine);
            }
            error_clear();
            free(log_path);
            free(db_path);
            _exit(status);
        }
    }
    for (int p = 0; p < PROCESSES; p++) {
        int status;
        assert_int_equal(waitpid(children[p], &status, 0), children[p]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    int seen[MESSAGES + 1] = {0};
    FILE *log = fopen(log_path, "r");
    assert_non_null(log);
    long long id;
    while (fscanf(log, "%lld", &id) == 1) {
        assert_true(id >= 1 && id <= MESSAGES);
        seen[id]++;
    }
    fclose(log);
    for (int i = 1; i <= MESSAGES; i++) {
        if (seen[i] != 1)
            fail_msg("message %d was delivered %d times", i, seen[i]);
    }
    ob = open_outbox(0, 600);
    assert_int_equal(count_state(ob, "sent"), MESSAGES);
    outbox_close(ob);
    free(log_path);
}

/* A message carrying a personal link keeps only its headers once sent; others keep all. */
static void test_sent_secret_keeps_headers_only(void **state)
{
    (void)state;
    struct outbox *ob = open_outbox(0, 0);
    const char *rcpt[] = {"a@example.org"};
    const char *text = "Subject: Invitation\r\nX-Other: 1\r\n\r\nOpen https://desk/review/3/"
                       "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233\r\n";
    struct outbox_new msg = {"<s1@example.org>",
                             "editor@example.org",
                             rcpt,
                             1,
                             text,
                             strlen(text),
                             "invitation",
                             3,
                             false,
                             NULL,
                             NULL,
                             true};
    long long secret_id, plain_id;
    assert_int_equal(outbox_enqueue(ob, &msg, &secret_id), 0);
    msg.message_id = "<s2@example.org>";
    msg.secret = false;
    assert_int_equal(outbox_enqueue(ob, &msg, &plain_id), 0);
    struct outbox_entry e;
    /* Queued, the body is whole: it is still to be sent. */
    assert_int_equal(outbox_get(ob, secret_id, &e), 0);
    assert_int_equal(e.message_len, strlen(text));
    outbox_entry_free(&e);
    assert_int_equal(outbox_mark_sent(ob, secret_id), 0);
    assert_int_equal(outbox_mark_sent(ob, plain_id), 0);
    assert_int_equal(outbox_get(ob, secret_id, &e), 0);
    assert_null(memmem(e.message, e.message_len, "aa11bb22", 8));
    assert_non_null(
        memmem(e.message, e.message_len, "Subject: Invitation\r\nX-Other: 1\r\n\r\n", 35));
    assert_non_null(memmem(e.message, e.message_len, "body was removed", 16));
    outbox_entry_free(&e);
    assert_int_equal(outbox_get(ob, plain_id, &e), 0);
    assert_int_equal(e.message_len, strlen(text));
    assert_memory_equal(e.message, text, strlen(text));
    outbox_entry_free(&e);
    outbox_close(ob);
}

/* An outbox of schema 1 (before secret) gains the column and keeps its mail. */
static void test_schema_1_upgraded(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
                     "INSERT INTO meta VALUES('schema_version', '1');"
                     "CREATE TABLE messages(id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT "
                     "NULL, message_id TEXT NOT NULL UNIQUE, sender TEXT NOT NULL, recipients TEXT "
                     "NOT NULL, message BLOB NOT NULL, purpose TEXT NOT NULL, submission INTEGER, "
                     "state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, message_failures "
                     "INTEGER NOT NULL DEFAULT 0, last_error TEXT, sent_at TEXT, ref TEXT, "
                     "claimed_by TEXT, claim_token TEXT, claimed_at INTEGER);"
                     "INSERT INTO messages(created, message_id, sender, recipients, message, "
                     "purpose, state) VALUES('2026-01-01T00:00:00Z', '<old@x>', 'e@x.org', "
                     "'a@x.org', X'583A20790D0A0D0A7A0D0A', 'invitation', 'queued');",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    struct outbox *ob = open_outbox(0, 0);
    struct outbox_entry *list = NULL;
    size_t n = 0;
    assert_int_equal(outbox_list(ob, "queued", &list, &n), 0);
    assert_int_equal(n, 1);
    long long id = list[0].id;
    outbox_entries_free(list, n);
    assert_int_equal(outbox_mark_sent(ob, id), 0); /* not secret: kept whole */
    struct outbox_entry e;
    assert_int_equal(outbox_get(ob, id, &e), 0);
    assert_int_equal(e.message_len, 11);
    outbox_entry_free(&e);
    outbox_close(ob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_enqueue_list_flush, fresh),
        cmocka_unit_test_setup(test_sent_secret_keeps_headers_only, fresh),
        cmocka_unit_test_setup(test_schema_1_upgraded, fresh),
        cmocka_unit_test_setup(test_failure_then_retry, fresh),
        cmocka_unit_test_setup(test_unavailable_server_stops_the_flush, fresh),
        cmocka_unit_test_setup(test_permanent_failure, fresh),
        cmocka_unit_test_setup(test_max_attempts, fresh),
        cmocka_unit_test_setup(test_order_and_mark_sent_at_once, fresh),
        cmocka_unit_test_setup(test_stale_claim_is_reclaimed, fresh),
        cmocka_unit_test_setup(test_lost_claim_is_left_alone, fresh),
        cmocka_unit_test_setup(test_pending_release_discard, fresh),
        cmocka_unit_test_setup(test_orphans, fresh),
        cmocka_unit_test_setup(test_enqueue_validation, fresh),
        cmocka_unit_test_setup(test_survives_reopening, fresh),
        cmocka_unit_test_setup(test_concurrent_handles, fresh),
        cmocka_unit_test_setup(test_concurrent_processes, fresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
