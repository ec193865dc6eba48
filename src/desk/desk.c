#define _POSIX_C_SOURCE 200809L
#include "desk/desk.h"

#include "desk/page.h"
#include "desk/ratelimit.h"
#include "desk/reviewer.h"
#include "desk/status.h"
#include "desk/submit.h"
#include "model/country.h"
#include "model/language.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/token.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* An urlencoded form is a few short fields; a multipart one carries files, up to the
   journal's manuscript and attachment limits (at most this many attachments). */
#define DESK_MAX_FORM  (64 * 1024)
#define DESK_MAX_FILES 10
/* How long SIGTERM waits for the requests in flight. */
#define DESK_DRAIN_SECONDS 30

/* The site's policy (themes/default/templates/head.mustache), tightened for pages that
   hold a secret link: nothing but the desk's own stylesheet, forms only to the desk, and
   never inside a frame. */
static const char desk_csp[] = "default-src 'none'; style-src 'self'; img-src 'self'; "
                               "script-src 'self'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-src 'none'; frame-ancestors 'none'";

static enum MHD_Result send_reply(struct MHD_Connection *c, struct reply *r)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->body.len, r->body.buf, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "text/plain");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", desk_csp);
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    if (r->location)
        MHD_add_response_header(resp, "Location", r->location);
    if (r->disposition)
        MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

char *desk_redact(const char *path)
{
    struct strbuf out = STRBUF_INIT;
    const char *p = path;
    while (*p) {
        size_t n = strspn(p, "0123456789abcdefABCDEF");
        if (n >= 32) {
            strbuf_addstr(&out, "<token>");
            p += n;
        } else if (n) {
            strbuf_add(&out, p, n);
            p += n;
        } else {
            strbuf_addch(&out, *p++);
        }
    }
    return strbuf_detach(&out, NULL);
}

/* A multipart body: the only kind that carries files (and has the larger limit). */
static bool carries_files(const struct request *req)
{
    return req->content_type && !strncasecmp(req->content_type, "multipart/", 10);
}

static void handle(struct desk *d, const char *method, const char *path, const char *lang,
                   struct request *req, struct reply *r)
{
    struct journal_repo *repo = NULL;
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if (desk_repo_acquire(d, &repo)) {
        desk_log_error(NULL);
        desk_message(NULL, "en", 500, NULL, NULL, "", r);
        return;
    }
    const char *fallback = desk_main_lang(repo);
    if (desk_lang_available(repo, lang))
        fallback = lang;
    char root[32];
    desk_root(path, root, sizeof(root));
    if (req->too_big) {
        /* Whatever the page: the same answer before its link is even looked at (the pages
           never see a request whose body was not kept). */
        desk_message(repo, fallback, 413, "desk_too_big_title",
                     carries_files(req) ? "desk_submit_too_big_text" : "desk_too_big_text", root,
                     r);
    } else if (get && !strcmp(path, "/style.css")) {
        if (desk_theme_read(repo, "assets/style.css", &r->body)) {
            error_clear();
            desk_message(repo, fallback, 404, "desk_not_found_title", "desk_not_found_text", root,
                         r);
        } else {
            r->status = 200;
            r->type = "text/css; charset=utf-8";
        }
    } else if (desk_status_handle(d, repo, method, path, lang, req, r)) {
        /* the author's status link: the page is in r */
    } else if (!desk_submit_handle(d, repo, method, path, lang, req, r) &&
               !desk_reviewer_handle(d, repo, method, path, lang, req, r)) {
        desk_message(repo, fallback, 404, "desk_not_found_title", "desk_not_found_text", root, r);
    }
    desk_repo_release(repo);
}

static enum MHD_Result respond(struct desk *d, struct MHD_Connection *c, const char *method,
                               const char *url, struct request *req)
{
    struct reply r = {0};
    strbuf_init(&r.body);
    const char *lang = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    handle(d, method, url, lang, req, &r);
    char *logged = desk_redact(url);
    fprintf(stderr, "journal serve: %s %s %u\n", method, logged, r.status);
    free(logged);
    enum MHD_Result ret = send_reply(c, &r);
    strbuf_release(&r.body);
    free(r.location);
    free(r.disposition);
    return ret;
}

/*
 * The client's address: the peer's, or, when the peer is this host (the reverse proxy the
 * documentation puts in front of the desk), the last address of X-Forwarded-For, which is
 * the one that proxy added; anything before it the client may have written itself.
 */
static void client_address(struct MHD_Connection *c, char out[46])
{
    snprintf(out, 46, "unknown");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    bool loopback = false;
    if (ci->client_addr->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)ci->client_addr;
        inet_ntop(AF_INET, &v4->sin_addr, out, 46);
        loopback = ntohl(v4->sin_addr.s_addr) >> 24 == 127;
    } else if (ci->client_addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ci->client_addr;
        inet_ntop(AF_INET6, &v6->sin6_addr, out, 46);
        loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    }
    const char *fwd =
        loopback ? MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For") : NULL;
    if (!fwd)
        return;
    const char *last = strrchr(fwd, ',');
    last = last ? last + 1 : fwd;
    last += strspn(last, " \t");
    size_t n = strcspn(last, " \t");
    char addr[46];
    unsigned char bin[16];
    if (!n || n >= sizeof(addr))
        return;
    memcpy(addr, last, n);
    addr[n] = '\0';
    if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
        memcpy(out, addr, n + 1);
}

static size_t body_limit(const struct desk *d, const struct request *req)
{
    return carries_files(req) ? d->max_upload : d->max_form;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct desk *d = cls;
    struct request *req = *con_cls;
    if (!req) {
        req = xcalloc(1, sizeof(*req));
        strbuf_init(&req->body);
        const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        req->content_type = type ? xstrdup(type) : NULL;
        client_address(c, req->addr);
        atomic_fetch_add(&d->inflight, 1);
        *con_cls = req;
        /* A body announced over the limit is refused before it is sent: the client that
           waits for 100 Continue sends nothing, and the connection is closed after the 413. */
        const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        char *end = NULL;
        unsigned long long announced = length ? strtoull(length, &end, 10) : 0;
        if (length && end != length && announced > body_limit(d, req)) {
            req->too_big = true;
            return respond(d, c, method, url, req);
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (req->body.len + *upload_data_size > body_limit(d, req))
            req->too_big = true;
        else if (!req->too_big)
            strbuf_add(&req->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return respond(d, c, method, url, req);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c, (void)toe;
    struct desk *d = cls;
    struct request *req = *con_cls;
    if (req) {
        strbuf_release(&req->body);
        free(req->content_type);
        free(req);
        *con_cls = NULL;
        atomic_fetch_sub(&d->inflight, 1);
    }
}

/* "ADDR:PORT" or "[ADDR6]:PORT", numeric only. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen || !colon[1])
        return error_usage("--listen %s: expected ADDRESS:PORT, such as 127.0.0.1:8080", listen);
    char *end;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || port > 65535 || colon[1] < '0' || colon[1] > '9')
        return error_usage("--listen %s: the port must be a number from 0 to 65535", listen);
    char host[64];
    size_t hl = (size_t)(colon - listen);
    if (listen[0] == '[' && hl >= 2 && listen[hl - 1] == ']') {
        listen++;
        hl -= 2;
    }
    if (hl >= sizeof(host))
        return error_usage("--listen %s: expected a numeric address", listen);
    memcpy(host, listen, hl);
    host[hl] = '\0';
    memset(ss, 0, sizeof(*ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *len = sizeof(*v4);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*v6);
    } else {
        return error_usage("--listen %s: '%s' is not a numeric IPv4 or IPv6 address", listen, host);
    }
    return 0;
}

static int load_secret(struct desk *d)
{
    const char *env = getenv("JOURNAL_DESK_SECRET");
    if (env && *env) {
        size_t n = strlen(env);
        if (n < 32)
            return error_usage("JOURNAL_DESK_SECRET: %zu bytes is too short (at least 32: for "
                               "example the output of 'openssl rand -hex 32')",
                               n);
        if (n > sizeof(d->secret))
            n = sizeof(d->secret);
        memcpy(d->secret, env, n);
        d->secretlen = n;
        return 0;
    }
    char hex[TOKEN_HEX_LEN + 1];
    int rc = token_new(hex);
    if (rc)
        return rc;
    memcpy(d->secret, hex, TOKEN_HEX_LEN);
    d->secretlen = TOKEN_HEX_LEN;
    return 0;
}

int desk_serve(const struct desk_options *opt)
{
    struct desk d;
    memset(&d, 0, sizeof(d));
    d.dir = opt->dir;
    const char *listen = opt->listen ? opt->listen : "127.0.0.1:8080";
    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc = parse_listen(listen, &ss, &sslen);
    if (!rc)
        rc = load_secret(&d);
    struct journal_repo *repo = NULL;
    if (!rc)
        rc = repo_open(&repo, d.dir); /* a journal, before anything is served */
    unsigned threads = 0, timeout = 0, connections = 0;
    if (!rc) {
        threads = repo->config.desk_threads;
        if (!threads) {
            /* A page is work for a core: more threads than cores only wait for one, and the
               tail of the latency grows with them (bench/desk.sh: the form's p99 at 64
               connections on 2 cores was 13 ms with 2 threads, 49 with 4, 82 with 8). Two at
               least, so that a page waiting for the journal's lock holds up no other. */
            long cores = sysconf(_SC_NPROCESSORS_ONLN);
            threads = cores > 2 ? (unsigned)(cores > 256 ? 256 : cores) : 2;
        }
        timeout = repo->config.desk_timeout;
        connections = repo->config.desk_connections;
        d.submissions = rate_limit_new(repo->config.desk_submissions_per_hour, 3600);
        d.max_form = DESK_MAX_FORM;
        d.max_upload = DESK_MAX_FORM + repo->config.max_manuscript_size +
                       DESK_MAX_FILES * repo->config.max_attachment_size;
    }
    repo_free(repo);
    if (!rc)
        rc = country_db_open(&d.countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&d.languages, NULL, NULL);
    if (rc)
        goto done;

    /* SIGTERM and SIGINT are taken by sigwait below, never delivered to a thread. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* A pool of threads, each polling its share of the connections with epoll and handling
       their requests: a page waits for git or for the journal's lock on its own thread. */
    struct MHD_Daemon *daemon =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC |
                             (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
                         0, NULL, NULL, on_request, &d, MHD_OPTION_SOCK_ADDR,
                         (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &d,
                         MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
                         timeout, MHD_OPTION_CONNECTION_LIMIT, connections, MHD_OPTION_END);
    if (!daemon) {
        rc = error_input("--listen %s: cannot listen there (the port may be taken, or the "
                         "address not this machine's)",
                         listen);
        pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
        goto done;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : 0;
    if (ss.ss_family == AF_INET6) {
        char host[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
        printf("journal serve: listening on http://[%s]:%u/\n", host, port);
    } else {
        char host[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
        printf("journal serve: listening on http://%s:%u/\n", host, port);
    }
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "journal serve: %s: finishing the requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    /* Stop accepting; wait for the requests begun (a connection merely kept alive for a next
       request is not waited for: MHD_stop_daemon closes it). */
    MHD_quiesce_daemon(daemon);
    for (int waited = 0; waited < DESK_DRAIN_SECONDS * 20 && atomic_load(&d.inflight); waited++) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(daemon);
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    fprintf(stderr, "journal serve: stopped\n");
done:
    rate_limit_free(d.submissions);
    country_db_free(d.countries);
    language_db_free(d.languages);
    memset(d.secret, 0, sizeof(d.secret));
    return rc;
}
