/* The front desk's form decoding (src/desk/form.c): application/x-www-form-urlencoded when the
 * input's first byte is even, multipart/form-data with the boundary "X" when it is odd. The
 * oracle: a form that parses, encoded again field by field, parses to the same fields (for
 * multipart, under a boundary that occurs in no value). */
#define _GNU_SOURCE /* memmem */
#include "fuzz_common.h"

#include "desk/form.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void encode(struct strbuf *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            strbuf_addch(out, (char)c);
        else
            strbuf_addf(out, "%%%02X", c);
    }
}

static void same_fields(const struct form *a, const struct form *b)
{
    /* A field with an empty name and value ("=") encodes to "=", which parses back the same;
       only empty pairs ("&&") are skipped, and those were skipped the first time too. */
    if (a->count != b->count)
        abort();
    for (size_t i = 0; i < a->count; i++) {
        const struct form_field *x = &a->fields[i], *y = &b->fields[i];
        if (strcmp(x->name, y->name) || x->length != y->length ||
            memcmp(x->value, y->value, x->length) || !x->filename != !y->filename ||
            (x->filename && strcmp(x->filename, y->filename)) ||
            !x->content_type != !y->content_type ||
            (x->content_type && strcmp(x->content_type, y->content_type)))
            abort();
    }
}

static bool contains(const struct form *f, const char *s)
{
    for (size_t i = 0; i < f->count; i++)
        if (memmem(f->fields[i].value, f->fields[i].length, s, strlen(s)) ||
            strstr(f->fields[i].name, s) ||
            (f->fields[i].filename && strstr(f->fields[i].filename, s)))
            return true;
    return false;
}

static void multipart(const char *data, size_t size)
{
    struct form f, again;
    if (form_parse_multipart(data, size, "X", &f)) {
        error_clear();
        return;
    }
    /* Names and filenames with a quote or a line break cannot be written back as they were
       (browsers escape them); such forms are only required not to crash. */
    for (size_t i = 0; i < f.count; i++)
        if (strpbrk(f.fields[i].name, "\"\r\n") ||
            (f.fields[i].filename && strpbrk(f.fields[i].filename, "\"\r\n")) ||
            (f.fields[i].content_type && strpbrk(f.fields[i].content_type, "\r\n"))) {
            form_free(&f);
            return;
        }
    char boundary[32];
    unsigned n = 0;
    do
        snprintf(boundary, sizeof(boundary), "b%u", n++);
    while (contains(&f, boundary));
    struct strbuf enc = STRBUF_INIT;
    for (size_t i = 0; i < f.count; i++) {
        const struct form_field *x = &f.fields[i];
        strbuf_addf(&enc, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", boundary, x->name);
        if (x->filename)
            strbuf_addf(&enc, "; filename=\"%s\"", x->filename);
        strbuf_addstr(&enc, "\r\n");
        if (x->content_type)
            strbuf_addf(&enc, "Content-Type: %s\r\n", x->content_type);
        strbuf_addstr(&enc, "\r\n");
        strbuf_add(&enc, x->value, x->length);
        strbuf_addstr(&enc, "\r\n");
    }
    strbuf_addf(&enc, "--%s--\r\n", boundary);
    if (form_parse_multipart(enc.buf, enc.len, boundary, &again))
        abort();
    same_fields(&f, &again);
    form_free(&again);
    form_free(&f);
    strbuf_release(&enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct form f, again;
    error_clear();
    if (size && (data[0] & 1)) {
        multipart((const char *)data + 1, size - 1);
        return 0;
    }
    if (size)
        data++, size--;
    if (form_parse((const char *)data, size, &f)) {
        error_clear();
        return 0;
    }
    struct strbuf enc = STRBUF_INIT;
    for (size_t i = 0; i < f.count; i++) {
        if (i)
            strbuf_addch(&enc, '&');
        encode(&enc, f.fields[i].name);
        strbuf_addch(&enc, '=');
        encode(&enc, f.fields[i].value);
    }
    if (form_parse(enc.buf, enc.len, &again))
        abort();
    same_fields(&f, &again);
    form_free(&again);
    form_free(&f);
    strbuf_release(&enc);
    return 0;
}
