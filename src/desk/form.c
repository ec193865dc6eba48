#define _GNU_SOURCE /* memmem: linear (two-way) on a multi-megabyte upload */
#include "desk/form.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode s[0..len) into a new string; NULL when malformed (a bad escape, a NUL byte). */
static char *decode(const char *s, size_t len)
{
    char *out = xmalloc(len + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
            continue;
        }
        if (s[i] != '%') {
            if (s[i] == '\0')
                goto bad;
            *o++ = s[i];
            continue;
        }
        if (len - i < 3)
            goto bad;
        int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
            goto bad;
        *o++ = (char)(hi * 16 + lo);
        i += 2;
    }
    *o = '\0';
    return out;
bad:
    free(out);
    return NULL;
}

int form_parse(const char *body, size_t len, struct form *out)
{
    size_t alloc = 0;
    memset(out, 0, sizeof(*out));
    for (size_t start = 0; start < len;) {
        const char *amp = memchr(body + start, '&', len - start);
        size_t end = amp ? (size_t)(amp - body) : len;
        if (end > start) {
            const char *eq = memchr(body + start, '=', end - start);
            size_t name_end = eq ? (size_t)(eq - body) : end;
            char *name = decode(body + start, name_end - start);
            char *value =
                name ? decode(eq ? eq + 1 : body + end, eq ? end - name_end - 1 : 0) : NULL;
            if (!name || !value) {
                free(name);
                free(value);
                form_free(out);
                return error_input("the form's data is malformed near byte %zu (expected "
                                   "name=value pairs, %%XX escapes, no NUL)",
                                   start + 1);
            }
            ARRAY_GROW(out->fields, out->count + 1, alloc);
            out->fields[out->count++] = (struct form_field){name, value, strlen(value), NULL, NULL};
        }
        start = end + 1;
    }
    return 0;
}

/* ---- multipart/form-data ---- */

static bool ascii_prefix(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && !strncasecmp(s, prefix, n);
}

/*
 * A parameter of a header value's list "; key=value; key="value"", read in order so that a
 * quoted value holding "; filename=" is not taken for a parameter. Browsers send a quote
 * inside a name or filename as %22 and a line break as %0D%0A (the HTML standard's multipart
 * encoding), so a quoted value runs to the next quote. NULL when absent or malformed.
 */
static char *header_param(const char *v, size_t len, const char *key)
{
    size_t klen = strlen(key), i = 0;
    while (i < len && v[i] != ';') /* the value before the parameters ("form-data") */
        i++;
    while (i < len) {
        i++; /* the ';' */
        while (i < len && (v[i] == ' ' || v[i] == '\t'))
            i++;
        size_t k = i;
        while (i < len && v[i] != '=' && v[i] != ';')
            i++;
        if (i >= len || v[i] != '=')
            continue;
        size_t kn = i - k;
        i++; /* the '=' */
        size_t start = i, n;
        if (i < len && v[i] == '"') {
            const char *q = memchr(v + i + 1, '"', len - i - 1);
            if (!q)
                return NULL;
            start = i + 1;
            n = (size_t)(q - v) - start;
            i = (size_t)(q - v) + 1;
        } else {
            while (i < len && v[i] != ';' && v[i] != ' ' && v[i] != '\t')
                i++;
            n = i - start;
        }
        if (kn == klen && !strncasecmp(v + k, key, klen))
            return xstrndup(v + start, n);
        while (i < len && v[i] != ';')
            i++;
    }
    return NULL;
}

static int multipart_bad(struct form *out, const char *what)
{
    form_free(out);
    return error_input("the form's data is malformed: %s", what);
}

int form_parse_multipart(const char *body, size_t len, const char *boundary, struct form *out)
{
    size_t alloc = 0;
    memset(out, 0, sizeof(*out));
    size_t blen = boundary ? strlen(boundary) : 0;
    if (!blen || blen > 70) /* RFC 2046: 1 to 70 characters */
        return multipart_bad(out, "the boundary is missing or longer than 70 characters");
    char *delim = xasprintf("\r\n--%s", boundary);
    size_t dlen = blen + 4;
    const char *end = body + len, *p;
    int rc = 0;
    /* The first boundary may open the body (no CRLF before it) or follow a preamble. */
    if (len >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2)) {
        p = body + dlen - 2;
    } else {
        p = memmem(body, len, delim, dlen);
        if (!p) {
            rc = multipart_bad(out, "no part starts with the boundary");
            goto done;
        }
        p += dlen;
    }
    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* the closing boundary; an epilogue after it is ignored */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            rc = multipart_bad(out, "a boundary is not followed by a line break");
            goto done;
        }
        p += 2;
        char *name = NULL, *filename = NULL, *type = NULL;
        bool disposition = false;
        for (;;) {
            const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
            if (!eol) {
                free(name), free(filename), free(type);
                rc = multipart_bad(out, "a part's headers do not end");
                goto done;
            }
            size_t n = (size_t)(eol - p);
            if (!n) {
                p = eol + 2;
                break;
            }
            if (ascii_prefix(p, n, "content-disposition:")) {
                const char *v = p + 20;
                size_t vn = n - 20;
                while (vn && (*v == ' ' || *v == '\t'))
                    v++, vn--;
                if (!disposition && ascii_prefix(v, vn, "form-data")) {
                    disposition = true;
                    name = header_param(v, vn, "name");
                    filename = header_param(v, vn, "filename");
                }
            } else if (ascii_prefix(p, n, "content-type:") && !type) {
                const char *v = p + 13;
                size_t vn = n - 13;
                while (vn && (*v == ' ' || *v == '\t'))
                    v++, vn--;
                type = xstrndup(v, vn);
            }
            p = eol + 2;
        }
        const char *next = memmem(p, (size_t)(end - p), delim, dlen);
        size_t n = next ? (size_t)(next - p) : 0;
        const char *problem = !next   ? "the body does not end with the closing boundary"
                              : !name ? "a part has no form-data name"
                              : !filename && memchr(p, '\0', n) ? "a text field holds a NUL byte"
                                                                : NULL;
        if (problem) {
            free(name), free(filename), free(type);
            rc = multipart_bad(out, problem);
            goto done;
        }
        char *value = xmalloc(n + 1);
        memcpy(value, p, n);
        value[n] = '\0';
        ARRAY_GROW(out->fields, out->count + 1, alloc);
        out->fields[out->count++] = (struct form_field){name, value, n, filename, type};
        p = next + dlen;
    }
done:
    free(delim);
    return rc;
}

int form_parse_body(const char *content_type, const char *body, size_t len, struct form *out)
{
    memset(out, 0, sizeof(*out));
    const char *ct = content_type ? content_type : "";
    size_t n = strcspn(ct, "; \t");
    if (n == 33 && !strncasecmp(ct, "application/x-www-form-urlencoded", n))
        return form_parse(body, len, out);
    if (n != 19 || strncasecmp(ct, "multipart/form-data", n))
        return error_input("the form was sent as '%.*s' (expected "
                           "application/x-www-form-urlencoded or multipart/form-data)",
                           (int)(n > 80 ? 80 : n), ct);
    char *boundary = header_param(ct + n, strlen(ct + n), "boundary");
    int rc = form_parse_multipart(body, len, boundary, out);
    free(boundary);
    return rc;
}

const char *form_get(const struct form *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (!f->fields[i].filename && !strcmp(f->fields[i].name, name))
            return f->fields[i].value;
    return NULL;
}

const struct form_field *form_each(const struct form *f, const char *name, size_t *next)
{
    for (; *next < f->count; (*next)++)
        if (!strcmp(f->fields[*next].name, name))
            return &f->fields[(*next)++];
    return NULL;
}

const struct form_field *form_file(const struct form *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->fields[i].filename && !strcmp(f->fields[i].name, name) &&
            (*f->fields[i].filename || f->fields[i].length))
            return &f->fields[i];
    return NULL;
}

void form_free(struct form *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
        free(f->fields[i].filename);
        free(f->fields[i].content_type);
    }
    free(f->fields);
    memset(f, 0, sizeof(*f));
}
