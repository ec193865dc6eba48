#include "workflow/bibliography.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/frontmatter.h"
#include "util/fs.h"
#include "util/process.h"
#include "util/utf8.h"
#include "util/yaml.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define INSTALL_PANDOC                                                                             \
    "install Debian's pandoc package (apt-get install pandoc, or scripts/install-deps in "         \
    "journal's source folder), or set JOURNAL_PANDOC to the program; or put the references in "    \
    "the front matter as references: (CSL YAML) instead of bibliography:"

/* Converting a bibliography of a few thousand entries takes Pandoc about a second. */
#define PANDOC_TIMEOUT_SECONDS 120.0

/* Pandoc's reader for a file, by its extension, or NULL. */
static const char *pandoc_format(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return NULL;
    if (!strcasecmp(dot, ".bib"))
        return "biblatex"; /* Pandoc reads .bib as BibLaTeX, a superset of BibTeX */
    if (!strcasecmp(dot, ".bibtex"))
        return "bibtex";
    if (!strcasecmp(dot, ".json"))
        return "csljson";
    return NULL;
}

/*
 * Pandoc writes the markup of CSL's rich text into titles (<i>, <b>, <sup>, <sub>, and
 * <span class="nocase"> for words BibTeX protected with braces); references: is plain text.
 */
static char *plain(const char *s)
{
    static const char *const tags[] = {"<i>",    "</i>",  "<b>",    "</b>",   "<sup>",
                                       "</sup>", "<sub>", "</sub>", "</span>"};
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = s; *p;) {
        bool skipped = false;
        for (size_t i = 0; i < sizeof tags / sizeof *tags && !skipped; i++)
            if (!strncmp(p, tags[i], strlen(tags[i]))) {
                p += strlen(tags[i]);
                skipped = true;
            }
        if (!skipped && !strncmp(p, "<span ", 6) && strchr(p, '>')) {
            p = strchr(p, '>') + 1;
            skipped = true;
        }
        if (!skipped)
            strbuf_addch(&sb, *p++);
    }
    return strbuf_detach(&sb, NULL);
}

static void strip_markup(json_t *v)
{
    if (json_is_string(v)) {
        char *s = plain(json_string_value(v));
        json_string_set(v, s);
        free(s);
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            strip_markup(json_array_get(v, i));
    } else if (json_is_object(v)) {
        const char *key;
        json_t *value;
        json_object_foreach(v, key, value) strip_markup(value);
    }
}

static bool plain_key(const char *k)
{
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z')))
        return false;
    for (const char *p = k; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

/* A scalar as YAML: strings double-quoted with JSON's escapes, which YAML reads the same. */
static void yaml_scalar(struct strbuf *out, json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY);
    strbuf_addstr(out, s ? s : "null");
    free(s);
}

static bool is_container(json_t *v)
{
    return (json_is_array(v) && json_array_size(v)) || (json_is_object(v) && json_object_size(v));
}

static void indent(struct strbuf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        strbuf_addch(out, ' ');
}

/* v (a non-empty array or object) in block style at indent; the first line's indent is
   already written when inline_first. */
static void yaml_block(struct strbuf *out, json_t *v, size_t at, bool inline_first)
{
    bool first = true;
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++, first = false) {
            json_t *item = json_array_get(v, i);
            if (!(first && inline_first))
                indent(out, at);
            strbuf_addstr(out, "- ");
            if (is_container(item)) {
                yaml_block(out, item, at + 2, true);
            } else {
                yaml_scalar(out, item);
                strbuf_addch(out, '\n');
            }
        }
        return;
    }
    const char *key;
    json_t *value;
    json_object_foreach(v, key, value)
    {
        if (!(first && inline_first))
            indent(out, at);
        first = false;
        if (plain_key(key)) {
            strbuf_addstr(out, key);
        } else {
            json_t *k = json_string(key);
            yaml_scalar(out, k);
            json_decref(k);
        }
        strbuf_addch(out, ':');
        if (is_container(value)) {
            strbuf_addch(out, '\n');
            yaml_block(out, value, at + 2, false);
        } else {
            strbuf_addch(out, ' ');
            yaml_scalar(out, value);
            strbuf_addch(out, '\n');
        }
    }
}

/* One file's CSL items appended to items. */
static int convert_file(const char *manuscript_path, const char *name, size_t max_size,
                        json_t *items)
{
    const char *format = pandoc_format(name);
    if (!format)
        return error_input("%s: bibliography: '%s' is not a bibliography file journal reads "
                           "(expected BibLaTeX .bib, BibTeX .bibtex or CSL JSON .json)",
                           manuscript_path, name);
    char *path;
    const char *slash = strrchr(manuscript_path, '/');
    if (name[0] == '/' || !slash)
        path = xstrdup(name);
    else
        path = xasprintf("%.*s/%s", (int)(slash - manuscript_path), manuscript_path, name);
    struct strbuf data = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
    int rc = fs_read_file_limited(path, max_size, "max_attachment_size in journal.yaml", &data);
    if (rc) {
        error_prefix("%s: bibliography: %s", manuscript_path, name);
        goto done;
    }
    const char *program = getenv("JOURNAL_PANDOC");
    const char *argv[] = {"pandoc", "--from", format, "--to", "csljson", NULL};
    struct process_spec spec = {.name = "Pandoc",
                                .program = program && *program ? program : "pandoc",
                                .argv = argv,
                                .install = INSTALL_PANDOC,
                                .input = data.buf ? data.buf : "",
                                .input_len = data.len,
                                .timeout = PANDOC_TIMEOUT_SECONDS};
    rc = process_run(&spec, &out, &err);
    if (rc == JOURNAL_EINTERNAL) {
        /* Pandoc's own words ("Error at "source" (line 3, column 1): unexpected end of
           input") are about the file, not about journal. */
        while (err.len && (err.buf[err.len - 1] == '\n' || err.buf[err.len - 1] == '\r'))
            strbuf_setlen(&err, err.len - 1);
        error_clear();
        rc = error_input("%s: Pandoc cannot read it as %s: %s", path, format,
                         err.len ? err.buf : "(no message)");
        goto done;
    }
    if (rc) {
        error_prefix("%s: bibliography: %s", manuscript_path, name);
        goto done;
    }
    json_error_t jerr;
    json_t *list = json_loadb(out.buf ? out.buf : "", out.len, 0, &jerr);
    if (!json_is_array(list)) {
        json_decref(list);
        rc = error_input("%s: Pandoc's conversion is not a CSL JSON list", path);
        goto done;
    }
    if (!json_array_size(list)) {
        json_decref(list);
        rc = error_input("%s: no bibliography entries in it (expected %s entries such as "
                         "%s)",
                         path, format,
                         strcmp(format, "csljson") ? "@article{key, author = {...}, ...}"
                                                   : "[{\"id\": \"key\", \"type\": ...}]");
        goto done;
    }
    strip_markup(list);
    /* id and type first, as people write CSL items; Pandoc sorts the fields. */
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *item = json_array_get(list, i);
        if (!json_is_object(item)) {
            json_array_append(items, item);
            continue;
        }
        json_t *ordered = json_object();
        static const char *const first[] = {"id", "type"};
        for (size_t k = 0; k < 2; k++)
            if (json_object_get(item, first[k]))
                json_object_set(ordered, first[k], json_object_get(item, first[k]));
        const char *key;
        json_t *value;
        json_object_foreach(item, key, value) if (!json_object_get(ordered, key))
            json_object_set(ordered, key, value);
        json_array_append_new(items, ordered);
    }
    json_decref(list);
done:
    free(path);
    strbuf_release(&data);
    strbuf_release(&out);
    strbuf_release(&err);
    return rc;
}

/* The byte offset of a libyaml mark in yaml: its index counts characters, not bytes (an
   author's name in Cyrillic before bibliography: took the entry's place a few bytes early). */
static size_t mark_offset(const char *yaml, size_t len, yaml_mark_t mark)
{
    size_t i = 0;
    for (size_t line = 0; line < mark.line && i < len; i++)
        line += yaml[i] == '\n';
    for (size_t col = 0; col < mark.column && i < len; col++)
        do
            i++;
        while (i < len && ((unsigned char)yaml[i] & 0xC0) == 0x80);
    return i;
}

/* The bibliography: entry of the YAML at text[yaml, yaml + yaml_len) (line_offset lines into
   the file) replaced by references:, as bibliography_convert says. */
static int convert_entry(const char *manuscript_path, const char *text, size_t len,
                         const char *yaml, size_t yaml_len, size_t line_offset, size_t max_size,
                         struct strbuf *checked, struct strbuf *stored)
{
    struct frontmatter fm = {.yaml = yaml, .yaml_len = yaml_len};
    struct ydoc doc;
    if (ydoc_load(&doc, manuscript_path, fm.yaml, fm.yaml_len, line_offset)) {
        error_clear();
        return 0;
    }
    yaml_node_t *root = ydoc_root(&doc);
    yaml_node_t *key = ydoc_get_key(&doc, root, "bibliography");
    yaml_node_t *value = ydoc_get(&doc, root, "bibliography");
    if (!key || !value || ydoc_is_null(value)) {
        ydoc_free(&doc);
        return 0;
    }
    int rc = 0;
    json_t *items = json_array();
    if (ydoc_get(&doc, root, "references")) {
        rc = error_at(manuscript_path, ydoc_line(&doc, key), ydoc_column(key),
                      "both bibliography: and references: in the front matter: give the "
                      "references in one of them");
    } else if (key->start_mark.column != 0) {
        rc = error_at(manuscript_path, ydoc_line(&doc, key), ydoc_column(key),
                      "write bibliography: FILE on a line of its own at the start of the line");
    } else if (ydoc_scalar(value)) {
        rc = convert_file(manuscript_path, ydoc_scalar(value), max_size, items);
    } else if (value->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = value->data.sequence.items.start;
             !rc && it < value->data.sequence.items.top; it++) {
            const char *name = ydoc_scalar(ydoc_node(&doc, *it));
            rc = name ? convert_file(manuscript_path, name, max_size, items)
                      : error_at(manuscript_path, ydoc_line(&doc, ydoc_node(&doc, *it)),
                                 ydoc_column(ydoc_node(&doc, *it)),
                                 "bibliography: expected file names");
        }
    } else {
        rc = error_at(manuscript_path, ydoc_line(&doc, value), ydoc_column(value),
                      "bibliography: expected a file name or a list of them");
    }
    if (rc) {
        json_decref(items);
        ydoc_free(&doc);
        return rc;
    }
    /* The entry's lines: from the key's line to the end of the value's last line. */
    size_t from = (size_t)(fm.yaml - text) + mark_offset(fm.yaml, fm.yaml_len, key->start_mark);
    size_t to = (size_t)(fm.yaml - text) + mark_offset(fm.yaml, fm.yaml_len, value->end_mark);
    if (to > from && text[to - 1] != '\n')
        while (to < len && text[to - 1] != '\n')
            to++;
    size_t lines = 0;
    for (size_t i = from; i < to; i++)
        lines += text[i] == '\n';
    ydoc_free(&doc);

    strbuf_add(checked, text, from);
    strbuf_addstr(checked, "references: ");
    char *json = json_dumps(items, JSON_PRESERVE_ORDER);
    strbuf_addstr(checked, json);
    free(json);
    /* The lines the entry took, kept as blank lines. */
    for (size_t i = 0; i < (lines ? lines : 1); i++)
        strbuf_addch(checked, '\n');
    strbuf_add(checked, text + to, len - to);

    strbuf_add(stored, text, from);
    strbuf_addstr(stored, "references:\n");
    yaml_block(stored, items, 2, false);
    strbuf_add(stored, text + to, len - to);
    json_decref(items);
    return 1;
}

int bibliography_convert(const char *manuscript_path, const char *text, size_t len, size_t max_size,
                         struct strbuf *checked, struct strbuf *stored)
{
    size_t bad;
    if (!len || !utf8_validate(text, len, &bad) || memchr(text, '\0', len))
        return 0; /* manuscript_parse says what is wrong with it */
    struct frontmatter fm;
    if (frontmatter_split(manuscript_path, text, len, "title, authors, ...", &fm)) {
        error_clear(); /* manuscript_parse says what is wrong with it */
        return 0;
    }
    return convert_entry(manuscript_path, text, len, fm.yaml, fm.yaml_len, 1, max_size, checked,
                         stored);
}

int bibliography_convert_metadata(const char *metadata_path, const char *text, size_t len,
                                  size_t max_size, struct strbuf *checked, struct strbuf *stored)
{
    size_t bad;
    if (!len || !utf8_validate(text, len, &bad) || memchr(text, '\0', len))
        return 0; /* manuscript_parse_parts says what is wrong with it */
    /* Fenced as a manuscript's front matter, or the fields alone (manuscript_parse_parts
       takes both). */
    if (len >= 4 && (!memcmp(text, "---\n", 4) || !memcmp(text, "---\r\n", 5)))
        return bibliography_convert(metadata_path, text, len, max_size, checked, stored);
    return convert_entry(metadata_path, text, len, text, len, 0, max_size, checked, stored);
}
