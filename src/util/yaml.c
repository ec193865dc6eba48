#include "util/yaml.h"

#include "util/error.h"
#include "util/strbuf.h"
#include "util/unicode.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool starts_with_typographic_quote(const char *s, const char *end)
{
    static const char *const quotes[] = {"\u201c", "\u201d", "\u2018", "\u2019", "\u00ab",
                                         "\u00bb", "\u201e", "\u201a", "\u2039", "\u203a"};
    for (size_t i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
        size_t n = strlen(quotes[i]);
        if ((size_t)(end - s) >= n && !memcmp(s, quotes[i], n))
            return true;
    }
    return false;
}

static bool contains(const char *s, const char *end, const char *what)
{
    size_t n = strlen(what);
    for (; (size_t)(end - s) >= n; s++)
        if (!memcmp(s, what, n))
            return true;
    return false;
}

/*
 * When the line that failed is "key: value" with a plain (unquoted) value that YAML reads as
 * syntax, the likely fix: a title in typographic quotes with a colon in it, a ": " or " #"
 * inside, or an indicator (@, `, %, *, &, !) first. libyaml only says "mapping values are not
 * allowed in this context". Appends "; ..." to hint, or nothing.
 */
static void quoting_hint(const char *text, size_t len, size_t line_index, struct strbuf *hint)
{
    const char *p = text, *end = text + len;
    for (size_t l = 0; l < line_index; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            return;
        p++;
    }
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    while (eol > p && (eol[-1] == '\r' || eol[-1] == ' '))
        eol--;
    const char *s = p;
    for (;;) { /* indentation and list dashes */
        while (s < eol && *s == ' ')
            s++;
        if (s + 1 < eol && s[0] == '-' && s[1] == ' ')
            s += 2;
        else
            break;
    }
    const char *key = s;
    while (s < eol &&
           (((unsigned char)*s >= 'a' && (unsigned char)*s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
            (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
        s++;
    if (s == key || eol - s < 2 || s[0] != ':' || s[1] != ' ')
        return;
    size_t key_len = (size_t)(s - key);
    s += 2;
    while (s < eol && *s == ' ')
        s++;
    if (s == eol || strchr("\"'[{|>", *s))
        return;
    const char *why = NULL;
    if (starts_with_typographic_quote(s, eol))
        why = "typographic quotes are not YAML quotes";
    else if (contains(s, eol, ": ") || eol[-1] == ':')
        why = "a colon followed by a space starts a new field";
    else if (contains(s, eol, " #"))
        why = "' #' starts a comment";
    else if (strchr("@`%*&!", *s))
        why = "its first character has a meaning in YAML";
    if (!why)
        return;
    strbuf_addf(hint, "; the value of '%.*s' must be quoted (%s): write it as %.*s: '",
                (int)key_len, key, why, (int)key_len, key);
    for (const char *c = s; c < eol; c++) {
        if (*c == '\'')
            strbuf_addch(hint, '\'');
        strbuf_addch(hint, *c);
    }
    strbuf_addch(hint, '\'');
}

int ydoc_load(struct ydoc *d, const char *file, const char *text, size_t len, size_t line_offset)
{
    yaml_parser_t parser;
    memset(d, 0, sizeof(*d));
    d->file = file;
    d->line_offset = line_offset;
    if (!yaml_parser_initialize(&parser))
        return error_internal("cannot initialise the YAML parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &d->doc)) {
        /*
         * "unexpected end of stream" happens at the end of the front matter,
         * far from the cause: point at where the unclosed quote or bracket opened.
         */
        yaml_mark_t mark = parser.problem_mark;
        if (parser.context && parser.problem && strstr(parser.problem, "end of stream"))
            mark = parser.context_mark;
        size_t line = mark.line + 1 + line_offset;
        size_t col = mark.column + 1;
        int rc;
        size_t opened = parser.context_mark.line + 1 + line_offset;
        struct strbuf hint = STRBUF_INIT;
        quoting_hint(text, len, mark.line, &hint);
        if (!hint.len && parser.context && parser.context_mark.line != mark.line)
            quoting_hint(text, len, parser.context_mark.line, &hint);
        const char *why = hint.len ? hint.buf : "";
        if (parser.context && opened != line)
            /* The cause is often where the construct opened (an unclosed [ or quote). */
            rc = error_at(file, line, col, "invalid YAML: %s %s that starts on line %zu%s",
                          parser.problem, parser.context, opened, why);
        else if (parser.context)
            rc = error_at(file, line, col, "invalid YAML: %s %s%s", parser.problem, parser.context,
                          why);
        else
            rc = error_at(file, line, col, "invalid YAML: %s%s",
                          parser.problem ? parser.problem : "syntax error", why);
        strbuf_release(&hint);
        yaml_parser_delete(&parser);
        return rc;
    }
    d->loaded = true;
    /* A second document means a stray "---" inside the front matter or file. */
    yaml_document_t extra;
    if (yaml_parser_load(&parser, &extra)) {
        bool has_more = yaml_document_get_root_node(&extra) != NULL;
        size_t line = extra.start_mark.line + 1 + line_offset;
        yaml_document_delete(&extra);
        if (has_more) {
            yaml_parser_delete(&parser);
            ydoc_free(d);
            return error_at(file, line, 1, "expected one YAML document, found a second one");
        }
    }
    yaml_parser_delete(&parser);
    return 0;
}

int ydoc_load_mapping(struct ydoc *d, const char *file, const char *text, size_t len,
                      const char *const *allowed, const char *what, const char *expected,
                      yaml_node_t **root)
{
    error_clear();
    int rc = ydoc_load(d, file, text, len, 0);
    if (rc)
        return rc;
    *root = ydoc_root(d);
    if (!*root || (*root)->type != YAML_MAPPING_NODE) {
        ydoc_free(d);
        return error_at(file, 1, 1, "expected %s", expected);
    }
    ydoc_check_keys(d, *root, allowed, what);
    return 0;
}

void ydoc_free(struct ydoc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->doc);
    d->loaded = false;
}

yaml_node_t *ydoc_root(struct ydoc *d)
{
    return d->loaded ? yaml_document_get_root_node(&d->doc) : NULL;
}

yaml_node_t *ydoc_node(struct ydoc *d, int id)
{
    return yaml_document_get_node(&d->doc, id);
}

static yaml_node_pair_t *find_pair(struct ydoc *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = ydoc_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return p;
    }
    return NULL;
}

yaml_node_t *ydoc_get(struct ydoc *d, yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *p = find_pair(d, map, key);
    return p ? ydoc_node(d, p->value) : NULL;
}

yaml_node_t *ydoc_get_key(struct ydoc *d, yaml_node_t *map, const char *key)
{
    yaml_node_pair_t *p = find_pair(d, map, key);
    return p ? ydoc_node(d, p->key) : NULL;
}

const char *ydoc_scalar(yaml_node_t *n)
{
    if (!n || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

bool ydoc_is_null(yaml_node_t *n)
{
    if (!n)
        return true;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *s = (const char *)n->data.scalar.value;
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

size_t ydoc_line(const struct ydoc *d, const yaml_node_t *n)
{
    return n ? n->start_mark.line + 1 + d->line_offset : 0;
}

size_t ydoc_column(const yaml_node_t *n)
{
    return n ? n->start_mark.column + 1 : 0;
}

void ydoc_problem(const struct ydoc *d, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_add_at(d->file, ydoc_line(d, n), ydoc_column(n), "%s", msg);
}

void ydoc_check_keys(struct ydoc *d, yaml_node_t *map, const char *const *allowed, const char *what)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = ydoc_node(d, p->key);
        const char *key = ydoc_scalar(k);
        if (!key) {
            ydoc_problem(d, k, "expected a plain key in %s", what);
            continue;
        }
        bool known = false;
        for (const char *const *a = allowed; *a; a++)
            if (!strcmp(*a, key))
                known = true;
        if (!known) {
            char list[512] = "";
            for (const char *const *a = allowed; *a; a++) {
                if (strlen(list) + strlen(*a) + 3 >= sizeof(list))
                    break;
                if (a != allowed)
                    strcat(list, ", ");
                strcat(list, *a);
            }
            const char *near = text_suggest(key, allowed);
            if (near)
                ydoc_problem(d, k, "unknown field '%s' in %s; did you mean %s?", key, what, near);
            else
                ydoc_problem(d, k, "unknown field '%s' in %s (expected one of: %s)", key, what,
                             list);
        }
        /* Duplicate keys silently shadow each other in most YAML readers: refuse them. */
        for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++) {
            const char *other = ydoc_scalar(ydoc_node(d, q->key));
            if (other && !strcmp(other, key)) {
                ydoc_problem(d, k, "field '%s' appears twice in %s", key, what);
                break;
            }
        }
    }
}

int ydoc_bool(yaml_node_t *n)
{
    const char *s = ydoc_scalar(n);
    if (!s)
        return -1;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
        if (!strcmp(s, yes[i]))
            return 1;
        if (!strcmp(s, no[i]))
            return 0;
    }
    return -1;
}

bool ydoc_uint(yaml_node_t *n, unsigned long *out)
{
    const char *s = ydoc_scalar(n);
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    unsigned long v = strtoul(s, NULL, 10);
    if (errno)
        return false;
    *out = v;
    return true;
}

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    strbuf_add((struct strbuf *)data, buffer, size);
    return 1;
}

static void emit(struct ywriter *w, yaml_event_t *ev)
{
    if (w->failed) {
        yaml_event_delete(ev);
        return;
    }
    if (!yaml_emitter_emit(&w->emitter, ev))
        w->failed = 1;
}

int ywriter_begin(struct ywriter *w, struct strbuf *out)
{
    yaml_event_t ev;
    memset(w, 0, sizeof(*w));
    w->out = out;
    if (!yaml_emitter_initialize(&w->emitter))
        return error_internal("cannot initialise the YAML emitter");
    yaml_emitter_set_output(&w->emitter, write_handler, out);
    yaml_emitter_set_unicode(&w->emitter, 1);
    /* Never fold: a title split over two lines reads badly in a diff. */
    yaml_emitter_set_width(&w->emitter, -1);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(w, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    emit(w, &ev);
    return 0;
}

int ywriter_end(struct ywriter *w)
{
    yaml_event_t ev;
    yaml_document_end_event_initialize(&ev, 1);
    emit(w, &ev);
    yaml_stream_end_event_initialize(&ev);
    emit(w, &ev);
    int failed = w->failed;
    const char *problem = w->emitter.problem;
    int rc =
        failed ? error_internal("cannot write YAML: %s", problem ? problem : "emitter error") : 0;
    yaml_emitter_delete(&w->emitter);
    return rc;
}

void ywriter_map_begin(struct ywriter *w)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    emit(w, &ev);
}

void ywriter_map_end(struct ywriter *w)
{
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    emit(w, &ev);
}

void ywriter_seq_begin(struct ywriter *w, bool flow)
{
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(
        &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    emit(w, &ev);
}

void ywriter_seq_end(struct ywriter *w)
{
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    emit(w, &ev);
}

static void scalar(struct ywriter *w, const char *value, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)value, (int)strlen(value), 1, 1,
                                 style);
    emit(w, &ev);
}

void ywriter_scalar(struct ywriter *w, const char *value)
{
    scalar(w, value, YAML_ANY_SCALAR_STYLE);
}

void ywriter_plain(struct ywriter *w, const char *value)
{
    scalar(w, value, YAML_PLAIN_SCALAR_STYLE);
}

void ywriter_pair(struct ywriter *w, const char *key, const char *value)
{
    ywriter_plain(w, key);
    ywriter_scalar(w, value);
}

void ywriter_pair_text(struct ywriter *w, const char *key, const char *value)
{
    ywriter_plain(w, key);
    scalar(w, value, strchr(value, '\n') ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

void ywriter_pair_plain(struct ywriter *w, const char *key, const char *value)
{
    ywriter_plain(w, key);
    ywriter_plain(w, value);
}
