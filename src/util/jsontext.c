#include "util/jsontext.h"

#include "util/error.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void indent(struct strbuf *sb, size_t flags, size_t depth, int space)
{
    size_t width = JSON_MAX_INDENT & flags;
    if (width) {
        strbuf_addch(sb, '\n');
        for (size_t i = 0; i < width * depth; i++)
            strbuf_addch(sb, ' ');
    } else if (space && !(flags & JSON_COMPACT)) {
        strbuf_addch(sb, ' ');
    }
}

void json_text_string(struct strbuf *sb, const char *s, size_t len)
{
    strbuf_addch(sb, '"');
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        strbuf_add(sb, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            strbuf_addstr(sb, "\\\"");
            break;
        case '\\':
            strbuf_addstr(sb, "\\\\");
            break;
        case '\b':
            strbuf_addstr(sb, "\\b");
            break;
        case '\f':
            strbuf_addstr(sb, "\\f");
            break;
        case '\n':
            strbuf_addstr(sb, "\\n");
            break;
        case '\r':
            strbuf_addstr(sb, "\\r");
            break;
        case '\t':
            strbuf_addstr(sb, "\\t");
            break;
        default:
            strbuf_addf(sb, "\\u%04X", c);
            break;
        }
    }
    strbuf_add(sb, s + run, len - run);
    strbuf_addch(sb, '"');
}

size_t json_text_real(double v, char *buf, size_t size)
{
    int ret = snprintf(buf, size, "%.17g", v);
    if (ret < 0 || (size_t)ret + 3 > size)
        return 0;
    size_t len = (size_t)ret;
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    /* "1e-05" is "1e-5" to jansson, "1e+20" is "1e20". */
    char *exponent = strchr(buf, 'e');
    if (exponent) {
        char *digits = exponent + 1, *from = digits;
        if (*from == '-')
            digits = ++from;
        else if (*from == '+')
            from++;
        while (*from == '0' && from[1])
            from++;
        if (from != digits) {
            memmove(digits, from, strlen(from) + 1);
            len = strlen(buf);
        }
    }
    return len;
}

/* A string of a value or a key: jansson refuses text that is not UTF-8, and so does this. */
static int string(struct strbuf *sb, const char *s, size_t len)
{
    size_t bad;
    if (!utf8_validate(s, len, &bad))
        return error_internal("JSON: text that is not UTF-8 at byte %zu", bad);
    json_text_string(sb, s, len);
    return 0;
}

static int value_text(struct strbuf *sb, const json_t *v, size_t flags, size_t depth)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        strbuf_addch(sb, '{');
        void *it = json_object_iter((json_t *)v);
        if (!it) {
            strbuf_addch(sb, '}');
            return 0;
        }
        indent(sb, flags, depth + 1, 0);
        while (it) {
            void *next = json_object_iter_next((json_t *)v, it);
            const char *key = json_object_iter_key(it);
            int rc = string(sb, key, json_object_iter_key_len(it));
            if (rc)
                return rc;
            strbuf_addstr(sb, flags & JSON_COMPACT ? ":" : ": ");
            rc = value_text(sb, json_object_iter_value(it), flags, depth + 1);
            if (rc)
                return rc;
            if (next) {
                strbuf_addch(sb, ',');
                indent(sb, flags, depth + 1, 1);
            } else {
                indent(sb, flags, depth, 0);
            }
            it = next;
        }
        strbuf_addch(sb, '}');
        return 0;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        strbuf_addch(sb, '[');
        if (!n) {
            strbuf_addch(sb, ']');
            return 0;
        }
        indent(sb, flags, depth + 1, 0);
        for (size_t i = 0; i < n; i++) {
            int rc = value_text(sb, json_array_get(v, i), flags, depth + 1);
            if (rc)
                return rc;
            if (i + 1 < n) {
                strbuf_addch(sb, ',');
                indent(sb, flags, depth + 1, 1);
            } else {
                indent(sb, flags, depth, 0);
            }
        }
        strbuf_addch(sb, ']');
        return 0;
    }
    case JSON_STRING:
        return string(sb, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        strbuf_addf(sb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return 0;
    case JSON_TRUE:
        strbuf_addstr(sb, "true");
        return 0;
    case JSON_FALSE:
        strbuf_addstr(sb, "false");
        return 0;
    case JSON_NULL:
        strbuf_addstr(sb, "null");
        return 0;
    case JSON_REAL: {
        char text[64];
        size_t len = json_text_real(json_real_value(v), text, sizeof(text));
        if (!len)
            return error_internal("JSON: cannot write the number %g", json_real_value(v));
        strbuf_add(sb, text, len);
        return 0;
    }
    }
    return error_internal("JSON: a value of unknown type");
}

int json_text_append(struct strbuf *sb, const json_t *value, size_t flags)
{
    size_t len = sb->len;
    int rc = value_text(sb, value, flags, 0);
    if (rc)
        strbuf_setlen(sb, len);
    return rc;
}
