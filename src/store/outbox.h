#ifndef JOURNAL_STORE_OUTBOX_H
#define JOURNAL_STORE_OUTBOX_H

#include "util/strbuf.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The outbox: every e-mail journal sends, kept durably in its own SQLite
 * database (.journal/outbox.db), separate from the index because, unlike the
 * index, it cannot be rebuilt from the repository.
 *
 * A message's life:
 *
 *   pending  enqueued before the action's git commit; never sent as such.
 *            outbox_release() (after the commit succeeded, with its id as ref)
 *            makes it queued; outbox_discard() (the commit failed) deletes it.
 *            The holder's pid (claimed_by) and the action's hold token
 *            (claim_token, also a trailer of the action's commit message) are
 *            recorded, so that when the holder was killed between the commit
 *            and the release, another process can settle the message
 *            (outbox_list_orphans; workflow/notify.c's notify_recover).
 *   queued   waiting to be sent; outbox_flush() sends it.
 *   sending  claimed by one flushing process (pid and claim time recorded);
 *            no other flush touches it until the claim is older than the stale
 *            timeout, which happens only if that process died mid-send.
 *   sent     the server accepted it (sent_at records when).
 *   failed   given up: the server refused it permanently (5xx) or it failed
 *            max_attempts times. outbox_retry() queues it again.
 *
 * Each message is marked sent in its own transaction the moment the server
 * has accepted it, so a crash between two messages never sends the first one
 * again. The one window left is a crash after the server's acceptance and
 * before that transaction (milliseconds): the message is then sent again once
 * its claim goes stale; its Message-ID is the same, so clients can tell.
 */
struct outbox;

#define OUTBOX_DEFAULT_MAX_ATTEMPTS  10
#define OUTBOX_DEFAULT_STALE_SECONDS 600

struct outbox_options {
    unsigned max_attempts;  /* failed attempts before giving up; 0 = default (10) */
    unsigned stale_seconds; /* a sending claim older than this is taken over; 0 = default (600) */
};

/* Open (creating if needed, mode 0600: it holds addresses and letters). opts may be NULL. */
int outbox_open(struct outbox **out, const char *path, const struct outbox_options *opts);
void outbox_close(struct outbox *ob);
/* For tests and maintenance commands. */
sqlite3 *outbox_db(struct outbox *ob);

/* A message to enqueue; every string is copied. */
struct outbox_new {
    const char *message_id;        /* the Message-ID header's value, e.g. from mime_compose */
    const char *sender;            /* envelope sender (MAIL FROM) */
    const char *const *recipients; /* envelope recipients (RCPT TO), at least one */
    size_t nrecipients;
    const char *message; /* the whole composed message, CRLF line ends */
    size_t message_len;
    const char *purpose;      /* invitation, reminder, decision, acknowledgement, ... */
    unsigned long submission; /* 0 when the message is about no submission */
    /*
     * true: the message waits as pending until outbox_release() (enqueue it
     * before the commit, release it after). false: queued at once, with ref
     * as given (may be NULL).
     */
    bool hold;
    const char *ref;
    const char *hold_token; /* held messages: the action's token (see pending above), or NULL */
    bool secret;            /* it carries a personal link: once sent, only its headers are kept */
};

/* Validates (addresses, purpose, non-empty message) and stores; *id receives the new id. */
int outbox_enqueue(struct outbox *ob, const struct outbox_new *msg, long long *id);
/* pending -> queued, with ref (the action's commit id) recorded. */
int outbox_release(struct outbox *ob, long long id, const char *ref);
/* Delete a pending message (its action was not committed). Refuses any other state. */
int outbox_discard(struct outbox *ob, long long id);
/*
 * pending -> failed with why as its last error: a held message kept unsent but
 * not deleted (outbox_retry() queues it after all). For the messages an editor
 * settles by hand (notify_settle_by_hand). why must be one line.
 */
int outbox_drop(struct outbox *ob, long long id, const char *why);

struct outbox_entry {
    long long id;
    char *created; /* 2026-01-15T10:00:00Z */
    char *message_id;
    char *sender;
    char *recipients;  /* as stored: addresses joined by ", " */
    char **recipient;  /* the same, split; NULL-terminated */
    size_t nrecipient; /* entries in recipient */
    char *message;
    size_t message_len;
    char *purpose;
    unsigned long submission;
    char *state; /* pending, queued, sending, sent or failed */
    unsigned attempts;
    char *last_error; /* NULL when none */
    char *sent_at;    /* NULL until sent */
    char *ref;        /* NULL when none */
    char *claimed_by; /* "pid 1234" while sending, or the holder while pending */
    char *token;      /* a pending message's hold token, or NULL */
};

/* All messages (state NULL) or those in one state, oldest first. */
int outbox_list(struct outbox *ob, const char *state, struct outbox_entry **out, size_t *count);
/* One message; JOURNAL_EINPUT when there is no message id. */
int outbox_get(struct outbox *ob, long long id, struct outbox_entry *out);
void outbox_entry_free(struct outbox_entry *entry);
void outbox_entries_free(struct outbox_entry *list, size_t count);

/*
 * Pending messages whose holder is no longer running (its action either
 * committed or never will), oldest first. Pending messages without a recorded
 * holder (from before holders were recorded) are listed too, with token NULL.
 */
int outbox_list_orphans(struct outbox *ob, struct outbox_entry **out, size_t *count);

/* The server accepted the message. */
int outbox_mark_sent(struct outbox *ob, long long id);
/*
 * An attempt failed: attempts++, last_error = error. The message goes back to
 * queued, or to failed when permanent or when it has now failed max_attempts
 * times. *now_failed (may be NULL) says which.
 */
int outbox_record_failure(struct outbox *ob, long long id, const char *error, bool permanent,
                          bool *now_failed);
/* failed -> queued with attempts reset, for another try after the cause was fixed. */
int outbox_retry(struct outbox *ob, long long id);

/* What a transport reports for one message. */
enum outbox_send_status {
    OUTBOX_SEND_OK,          /* the server accepted it */
    OUTBOX_SEND_TRANSIENT,   /* this message failed for now (4xx): retry it later */
    OUTBOX_SEND_PERMANENT,   /* the server refused this message (5xx): do not retry */
    OUTBOX_SEND_UNAVAILABLE, /* no server to talk to (down, timeout, TLS, login): stop
                                this flush; the rest would fail the same way */
};

/*
 * Send one message. On anything but OUTBOX_SEND_OK the transport writes why
 * into *why, naming the server ("smtp://127.0.0.1:2525: connection refused").
 */
struct outbox_transport {
    enum outbox_send_status (*send)(void *context, const struct outbox_entry *msg,
                                    struct strbuf *why);
    void *context;
};

struct outbox_flush_stats {
    size_t sent;      /* accepted by the server in this flush */
    size_t retrying;  /* failed this time, still queued for the next flush */
    size_t failed;    /* given up in this flush (now in state failed) */
    size_t reclaimed; /* stale claims of dead processes taken over */
    bool stopped;     /* the server was unavailable; later messages were not tried */
};

/*
 * Send every queued message (and every stale claim) in id order through the
 * transport, each claimed atomically first so that concurrent flushes never
 * send one message twice. Returns 0 when every message tried was sent (or
 * there was nothing to send). When a message could not be sent, returns
 * JOURNAL_EINTERNAL with a message saying why and what happens to it (e.g.
 * "smtp://127.0.0.1:2525: connection refused; the message stays in the outbox
 * (journal outbox flush retries it)"); the stats tell the numbers. Callers
 * whose action already committed report that as a warning, not a failure.
 * stats may be NULL.
 */
int outbox_flush(struct outbox *ob, const struct outbox_transport *transport,
                 struct outbox_flush_stats *stats);

#endif
