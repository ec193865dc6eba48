#ifndef JOURNAL_NET_SMTP_H
#define JOURNAL_NET_SMTP_H

#include "store/outbox.h"
#include "util/strbuf.h"

#include <stddef.h>

/*
 * Sending one composed message to an SMTP server with libcurl.
 *
 * net/ is network I/O. It sits beside store/ and uses only util/ and the
 * outbox's transport contract (enum outbox_send_status, struct outbox_entry),
 * so that smtp_outbox_send can be handed to outbox_flush directly.
 *
 * libcurl must be initialised once per process: main() calls
 * smtp_global_init() before any thread starts and smtp_global_cleanup() after
 * the last send (tests do the same in their setup and teardown).
 */

enum smtp_tls {
    SMTP_TLS_STARTTLS, /* smtp://, then STARTTLS, which must succeed (CURLUSESSL_ALL) */
    SMTP_TLS_IMPLICIT, /* smtps://: TLS from the first byte */
    SMTP_TLS_NONE,     /* plain smtp://; only sensible for a relay on the same host */
};

#define SMTP_DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define SMTP_DEFAULT_TOTAL_TIMEOUT_MS   60000L

struct smtp_settings {
    const char *host;         /* name or IP address; an IPv6 address without brackets */
    unsigned port;            /* 0: 587 for starttls, 465 for tls, 25 for none */
    enum smtp_tls tls;        /* see above */
    const char *from_name;    /* for the From header (the caller composes the message) */
    const char *from_address; /* From header and envelope sender when a message has none */
    const char *user_env;     /* name of the environment variable with the login; NULL: none */
    const char *password_env; /* name of the environment variable with the password */
    long connect_timeout_ms;  /* 0: SMTP_DEFAULT_CONNECT_TIMEOUT_MS */
    long total_timeout_ms;    /* 0: SMTP_DEFAULT_TOTAL_TIMEOUT_MS */
};

int smtp_global_init(void);
void smtp_global_cleanup(void);

/* "starttls", "tls" or "none"; anything else is JOURNAL_EINPUT naming what (e.g. the file). */
int smtp_tls_parse(const char *text, enum smtp_tls *out, const char *what);
const char *smtp_tls_name(enum smtp_tls tls);
/* Check the settings (host, port, from address, env names) without connecting. */
int smtp_settings_validate(const struct smtp_settings *settings, const char *what);
/* "smtp://host:port" or "smtps://host:port", as used in messages; free it. */
char *smtp_url(const struct smtp_settings *settings);

/*
 * Send message (CRLF line ends, as mime_compose makes it) from sender to the
 * recipients. The login, if user_env is set, comes from the environment only;
 * it is never sent over a connection without TLS to anything but the loopback.
 * Returns how it went; on anything but OUTBOX_SEND_OK, why says so, starting
 * with the server's URL:
 *   OUTBOX_SEND_UNAVAILABLE  no conversation possible: refused, timeout, DNS,
 *                            TLS, login refused, 421, missing credentials,
 *                            connection dropped
 *   OUTBOX_SEND_TRANSIENT    the server refused this message for now (4xx)
 *   OUTBOX_SEND_PERMANENT    the server refused this message (5xx)
 */
enum outbox_send_status smtp_send(const struct smtp_settings *settings, const char *sender,
                                  const char *const *recipients, size_t nrecipients,
                                  const char *message, size_t message_len, struct strbuf *why);

/*
 * The transport for outbox_flush; context is a const struct smtp_settings *:
 *     struct outbox_transport transport = {smtp_outbox_send, &settings};
 */
enum outbox_send_status smtp_outbox_send(void *context, const struct outbox_entry *msg,
                                         struct strbuf *why);

#endif
