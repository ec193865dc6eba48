#include "net/http.h"

#include "util/alloc.h"
#include "util/error.h"
#include "version.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define HTTP_DEFAULT_TOTAL_TIMEOUT_MS   60000L
#define HTTP_DEFAULT_MAX_BODY           (16u * 1024 * 1024)

struct sink {
    struct strbuf *body;
    size_t max;
    int too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *userdata)
{
    struct sink *s = userdata;
    size_t len = size * n;
    if (s->body->len + len > s->max) {
        s->too_big = 1;
        return 0; /* makes libcurl stop with CURLE_WRITE_ERROR */
    }
    strbuf_add(s->body, data, len);
    return len;
}

int http_perform(const struct http_request *req, struct http_response *out)
{
    memset(out, 0, sizeof(*out));
    strbuf_init(&out->body);
    CURL *curl = curl_easy_init();
    if (!curl)
        return error_internal("cannot start libcurl");
    struct sink sink = {&out->body, req->max_body ? req->max_body : HTTP_DEFAULT_MAX_BODY, 0};
    struct curl_slist *headers = NULL;
    curl_mime *mime = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    int rc = 0;

    curl_easy_setopt(curl, CURLOPT_URL, req->url);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    /* Only the web: a redirect must not lead to file:// or any other protocol. */
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_USERAGENT,
                     "journal/" JOURNAL_VERSION " (open-access journal system)");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     req->connect_timeout_ms ? req->connect_timeout_ms
                                             : HTTP_DEFAULT_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     req->total_timeout_ms ? req->total_timeout_ms : HTTP_DEFAULT_TOTAL_TIMEOUT_MS);
    for (const char *const *h = req->headers; h && *h; h++)
        headers = curl_slist_append(headers, *h);
    if (headers)
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (req->nparts) {
        mime = curl_mime_init(curl);
        for (size_t i = 0; i < req->nparts; i++) {
            const struct http_part *p = &req->parts[i];
            curl_mimepart *part = curl_mime_addpart(mime);
            curl_mime_name(part, p->name);
            curl_mime_data(part, p->data ? p->data : "",
                           p->data ? (p->len ? p->len : strlen(p->data)) : 0);
            if (p->filename)
                curl_mime_filename(part, p->filename);
            if (p->content_type)
                curl_mime_type(part, p->content_type);
        }
        curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    }

    CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        if (sink.too_big)
            rc = error_input("%s: the answer is larger than %zu bytes", req->url, sink.max);
        else
            rc = error_input("%s: %s", req->url, errbuf[0] ? errbuf : curl_easy_strerror(code));
    } else {
        const char *type = NULL;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
        if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type)
            out->content_type = xstrdup(type);
    }
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc)
        http_response_release(out);
    return rc;
}

void http_response_release(struct http_response *res)
{
    free(res->content_type);
    res->content_type = NULL;
    strbuf_release(&res->body);
    res->status = 0;
}
