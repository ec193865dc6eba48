#define _POSIX_C_SOURCE 200809L
#include "net/smtp.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/mime.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int smtp_global_init(void)
{
    CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK)
        return error_internal("cannot initialise libcurl: %s", curl_easy_strerror(code));
    return 0;
}

void smtp_global_cleanup(void)
{
    curl_global_cleanup();
}

static const char *const tls_names[] = {"starttls", "tls", "none"};

int smtp_tls_parse(const char *text, enum smtp_tls *out, const char *what)
{
    for (int i = 0; i < 3; i++) {
        if (text && !strcmp(text, tls_names[i])) {
            *out = (enum smtp_tls)i;
            return 0;
        }
    }
    return error_input("%s%sthe SMTP TLS mode '%s' is not one of starttls, tls, none",
                       what ? what : "", what ? ": " : "", text ? text : "");
}

const char *smtp_tls_name(enum smtp_tls tls)
{
    return (unsigned)tls < 3 ? tls_names[tls] : "?";
}

static unsigned effective_port(const struct smtp_settings *s)
{
    if (s->port)
        return s->port;
    return s->tls == SMTP_TLS_IMPLICIT ? 465 : s->tls == SMTP_TLS_NONE ? 25 : 587;
}

/* A host name, an IPv4 address or an IPv6 address: nothing that could change the URL's meaning. */
static bool host_is_valid(const char *host)
{
    if (!host || !*host || strlen(host) > 253)
        return false;
    bool ipv6 = strchr(host, ':') != NULL;
    for (const char *p = host; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || (ipv6 && c == ':');
        if (!ok)
            return false;
    }
    return host[0] != '-' && host[0] != '.';
}

static bool env_name_is_valid(const char *name)
{
    if (!name || !*name || (*name >= '0' && *name <= '9'))
        return false;
    for (const char *p = name; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    }
    return true;
}

int smtp_settings_validate(const struct smtp_settings *s, const char *what)
{
    const char *w = what ? what : "", *sep = what ? ": " : "";
    if (!host_is_valid(s->host))
        return error_input("%s%sthe SMTP host '%s' is not a host name or IP address", w, sep,
                           s->host ? s->host : "");
    if (s->port > 65535)
        return error_input("%s%sthe SMTP port %u is not between 1 and 65535", w, sep, s->port);
    if ((unsigned)s->tls > SMTP_TLS_NONE)
        return error_input("%s%sthe SMTP TLS mode is not one of starttls, tls, none", w, sep);
    if (s->from_address && !mime_address_is_valid(s->from_address))
        return error_input("%s%sthe sender address '%s' is not a valid e-mail address", w, sep,
                           s->from_address);
    if (s->user_env && !env_name_is_valid(s->user_env))
        return error_input("%s%s'%s' is not an environment variable name", w, sep, s->user_env);
    if (s->password_env && !env_name_is_valid(s->password_env))
        return error_input("%s%s'%s' is not an environment variable name", w, sep, s->password_env);
    if (s->password_env && !s->user_env)
        return error_input("%s%sa password variable is set but no user variable", w, sep);
    return 0;
}

char *smtp_url(const struct smtp_settings *s)
{
    bool ipv6 = s->host && strchr(s->host, ':');
    return xasprintf("%s://%s%s%s:%u", s->tls == SMTP_TLS_IMPLICIT ? "smtps" : "smtp",
                     ipv6 ? "[" : "", s->host ? s->host : "", ipv6 ? "]" : "", effective_port(s));
}

static bool is_loopback(const char *host)
{
    /* 127.x.y.z only as an address: "127.mail.example.org" is a name like any other. */
    bool ipv4_loopback = !strncmp(host, "127.", 4) && strspn(host, "0123456789.") == strlen(host);
    return ipv4_loopback || !strcmp(host, "localhost") || !strcmp(host, "::1");
}

struct upload {
    const char *data;
    size_t len;
    size_t pos;
};

static size_t read_message(char *buffer, size_t size, size_t nitems, void *context)
{
    struct upload *up = context;
    size_t room = size * nitems, left = up->len - up->pos;
    size_t n = left < room ? left : room;
    memcpy(buffer, up->data + up->pos, n);
    up->pos += n;
    return n;
}

/*
 * libcurl reports only a number for a refusal ("RCPT failed: 550"); the
 * server's own words ("550 5.1.1 <x@example.org>: user unknown") say why, so
 * the last refusal (a 4xx or 5xx reply line) is kept from the protocol trace.
 * Only replies (HEADER_IN) are looked at: what we send includes the login.
 */
static int keep_last_refusal(CURL *handle, curl_infotype type, char *data, size_t size,
                             void *context)
{
    (void)handle;
    struct strbuf *refusal = context;
    if (type != CURLINFO_HEADER_IN)
        return 0;
    while (size && (data[size - 1] == '\n' || data[size - 1] == '\r'))
        size--;
    if (size < 3 || (data[0] != '4' && data[0] != '5'))
        return 0;
    strbuf_reset(refusal);
    for (size_t i = 0; i < size && i < 300; i++) {
        unsigned char c = (unsigned char)data[i];
        strbuf_addch(refusal, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    return 0;
}

static bool is_auth_code(long code)
{
    /* 530 authentication required, 534 mechanism too weak, 535 credentials invalid, 538
     * encryption required: the server's settings, not the message, so all messages would fail. */
    return code == 530 || code == 534 || code == 535 || code == 538;
}

static enum outbox_send_status classify(CURLcode code, long reply)
{
    switch (code) {
    case CURLE_OK:
        return OUTBOX_SEND_OK;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
        if (reply == 421 || is_auth_code(reply))
            return OUTBOX_SEND_UNAVAILABLE;
        if (reply >= 400 && reply < 500)
            return OUTBOX_SEND_TRANSIENT;
        if (reply >= 500 && reply < 600)
            return OUTBOX_SEND_PERMANENT;
        return OUTBOX_SEND_UNAVAILABLE;
    default:
        /*
         * Connection refused, timeouts, DNS, TLS, login denied, a dropped
         * connection: nothing about this message, and the next would fail the
         * same way, so stop and keep everything queued.
         */
        return OUTBOX_SEND_UNAVAILABLE;
    }
}

static void describe_failure(struct strbuf *why, const char *url, CURLcode code, long reply,
                             int os_errno, const char *curl_error, const char *server_refusal)
{
    strbuf_addf(why, "%s: ", url);
    if (code == CURLE_COULDNT_CONNECT && os_errno == ECONNREFUSED) {
        strbuf_addstr(why, "connection refused");
        return;
    }
    if (code == CURLE_OPERATION_TIMEDOUT)
        strbuf_addstr(why, "timed out");
    else if (code == CURLE_LOGIN_DENIED)
        strbuf_addstr(why, "the server refused the login");
    else if (code == CURLE_USE_SSL_FAILED)
        strbuf_addstr(why, "the server does not offer STARTTLS");
    else
        strbuf_addstr(why, *curl_error ? curl_error : curl_easy_strerror(code));
    if (*server_refusal && reply >= 400)
        strbuf_addf(why, " (the server said: %s)", server_refusal);
}

/* A failure found before talking to the server: "url: why", and the status to report. */
static enum outbox_send_status refuse(struct strbuf *why, enum outbox_send_status status,
                                      const char *url, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum outbox_send_status refuse(struct strbuf *why, enum outbox_send_status status,
                                      const char *url, const char *fmt, ...)
{
    va_list ap;
    strbuf_addf(why, "%s: ", url);
    va_start(ap, fmt);
    strbuf_vaddf(why, fmt, ap);
    va_end(ap);
    return status;
}

enum outbox_send_status smtp_send(const struct smtp_settings *settings, const char *sender,
                                  const char *const *recipients, size_t nrecipients,
                                  const char *message, size_t message_len, struct strbuf *why)
{
    char *url = smtp_url(settings);
    enum outbox_send_status status = OUTBOX_SEND_UNAVAILABLE;
    CURL *curl = NULL;
    struct curl_slist *rcpt = NULL;
    struct strbuf refusal = STRBUF_INIT;
    char *mail_from = NULL;

    if (smtp_settings_validate(settings, NULL)) {
        strbuf_addf(why, "%s: %s", url, error_message());
        error_clear();
        goto done;
    }
    if (!sender)
        sender = settings->from_address;
    /* Checked again here: an address goes into an SMTP command line verbatim. */
    if (!mime_address_is_valid(sender)) {
        status =
            refuse(why, OUTBOX_SEND_PERMANENT, url,
                   "the sender address '%s' is not a valid e-mail address", sender ? sender : "");
        goto done;
    }
    if (nrecipients == 0) {
        status = refuse(why, OUTBOX_SEND_PERMANENT, url, "%s", "the message has no recipient");
        goto done;
    }
    for (size_t i = 0; i < nrecipients; i++) {
        if (!mime_address_is_valid(recipients[i])) {
            status = refuse(why, OUTBOX_SEND_PERMANENT, url,
                            "the recipient address '%s' is not a valid e-mail address",
                            recipients[i] ? recipients[i] : "");
            goto done;
        }
        char *angle = xasprintf("<%s>", recipients[i]);
        struct curl_slist *grown = curl_slist_append(rcpt, angle);
        free(angle);
        if (!grown) {
            status = refuse(why, OUTBOX_SEND_UNAVAILABLE, url, "%s", "out of memory");
            goto done;
        }
        rcpt = grown;
    }

    const char *user = NULL, *password = NULL;
    if (settings->user_env) {
        user = getenv(settings->user_env);
        password = settings->password_env ? getenv(settings->password_env) : NULL;
        if (!user || !*user) {
            status = refuse(why, OUTBOX_SEND_UNAVAILABLE, url,
                            "the SMTP login is configured but the environment variable %s is "
                            "not set",
                            settings->user_env);
            goto done;
        }
        if (settings->password_env && (!password || !*password)) {
            status = refuse(why, OUTBOX_SEND_UNAVAILABLE, url,
                            "the SMTP login is configured but the environment variable %s is "
                            "not set",
                            settings->password_env);
            goto done;
        }
        if (settings->tls == SMTP_TLS_NONE && !is_loopback(settings->host)) {
            status = refuse(why, OUTBOX_SEND_UNAVAILABLE, url, "%s",
                            "refusing to send the SMTP login without TLS to a server that is not "
                            "on this host (set the TLS mode to starttls or tls)");
            goto done;
        }
    }

    curl = curl_easy_init();
    if (!curl) {
        status = refuse(why, OUTBOX_SEND_UNAVAILABLE, url, "%s", "cannot create a curl handle");
        goto done;
    }
    mail_from = xasprintf("<%s>", sender);
    struct upload up = {message, message_len, 0};
    char curl_error[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
    curl_easy_setopt(curl, CURLOPT_USE_SSL,
                     settings->tls == SMTP_TLS_NONE ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    if (user) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, user);
        if (password)
            curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
    }
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message_len);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     settings->connect_timeout_ms ? settings->connect_timeout_ms
                                                  : SMTP_DEFAULT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     settings->total_timeout_ms ? settings->total_timeout_ms
                                                : SMTP_DEFAULT_TOTAL_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    /* The trace goes to keep_last_refusal only; nothing is printed. */
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, keep_last_refusal);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &refusal);
    /*
     * CURLOPT_NOSIGNAL stays 0: libcurl then ignores SIGPIPE while it works, which
     * a TLS write to a closed connection would otherwise raise and kill us with.
     */

    CURLcode code = curl_easy_perform(curl);
    long reply_code = 0, os_errno = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply_code);
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
    status = classify(code, reply_code);
    if (status != OUTBOX_SEND_OK)
        describe_failure(why, url, code, reply_code, (int)os_errno, curl_error, refusal.buf);

done:
    curl_easy_cleanup(curl);
    curl_slist_free_all(rcpt);
    strbuf_release(&refusal);
    free(mail_from);
    free(url);
    return status;
}

enum outbox_send_status smtp_outbox_send(void *context, const struct outbox_entry *msg,
                                         struct strbuf *why)
{
    const struct smtp_settings *settings = context;
    return smtp_send(settings, msg->sender, (const char *const *)msg->recipient, msg->nrecipient,
                     msg->message, msg->message_len, why);
}
