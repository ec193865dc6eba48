#include "desk/form.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

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
            out->fields[out->count++] = (struct form_field){name, value};
        }
        start = end + 1;
    }
    return 0;
}

const char *form_get(const struct form *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (!strcmp(f->fields[i].name, name))
            return f->fields[i].value;
    return NULL;
}

void form_free(struct form *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->fields[i].name);
        free(f->fields[i].value);
    }
    free(f->fields);
    memset(f, 0, sizeof(*f));
}
