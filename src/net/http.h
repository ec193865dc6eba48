#ifndef JOURNAL_NET_HTTP_H
#define JOURNAL_NET_HTTP_H

#include "util/strbuf.h"

#include <stddef.h>

/*
 * One HTTP(S) request with libcurl: a GET, or a POST of multipart/form-data
 * (what Crossref's deposit endpoint takes). libcurl is initialised once per
 * process by smtp_global_init() (main.c; tests do it in their setup).
 *
 * A transport failure (refused, DNS, TLS, timeout) is JOURNAL_EINPUT with a
 * message naming the URL and what happened; any HTTP answer, 4xx and 5xx
 * included, is a success of the transport: the caller reads out->status.
 */
struct http_part {
    const char *name;         /* form field name */
    const char *data;         /* its content */
    size_t len;               /* of data; 0 with data: strlen(data) */
    const char *filename;     /* sent as a file (Content-Disposition filename), or NULL */
    const char *content_type; /* for a file part, or NULL */
};

struct http_request {
    const char *url;
    const char *const *headers;    /* "Accept: application/json", NULL-terminated, or NULL */
    const struct http_part *parts; /* a multipart/form-data POST when nparts > 0 */
    size_t nparts;
    long connect_timeout_ms; /* 0: 10 s */
    long total_timeout_ms;   /* 0: 60 s */
    size_t max_body;         /* the largest answer accepted; 0: 16 MiB */
};

struct http_response {
    long status;        /* 200, 404, ... */
    char *content_type; /* or NULL */
    struct strbuf body; /* NUL-terminated */
};

int http_perform(const struct http_request *req, struct http_response *out);
void http_response_release(struct http_response *res);

#endif
