#include "site/i18n.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "util/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum plural_form { FORM_ONE, FORM_FEW, FORM_MANY, FORM_OTHER, NFORMS };
static const char *const form_names[NFORMS] = {"one", "few", "many", "other"};

struct entry {
    char *key;
    char *text;          /* a plain string, or NULL for a plural entry */
    char *forms[NFORMS]; /* a plural entry; "other" is always present */
};

struct i18n {
    char *lang;
    struct entry *entries;
    size_t n, alloc;
};

const char *i18n_plural_category(const char *lang, unsigned long n)
{
    /* CLDR rules for whole numbers: East Slavic languages have three forms. */
    if (!strcmp(lang, "ru") || !strcmp(lang, "uk") || !strcmp(lang, "be")) {
        unsigned long d = n % 10, dd = n % 100;
        if (d == 1 && dd != 11)
            return "one";
        if (d >= 2 && d <= 4 && (dd < 12 || dd > 14))
            return "few";
        return "many";
    }
    /* English and most others the journal meets (kk, ky, uz, az, ka, hy, de, ro). */
    return n == 1 ? "one" : "other";
}

static const struct entry *find(const struct i18n *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->entries[i].key, key))
            return &t->entries[i];
    return NULL;
}

static void parse_plural(struct ydoc *d, yaml_node_t *value, struct entry *e)
{
    for (yaml_node_pair_t *p = value->data.mapping.pairs.start; p < value->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = ydoc_node(d, p->key), *v = ydoc_node(d, p->value);
        const char *name = ydoc_scalar(k), *text = ydoc_scalar(v);
        int form = -1;
        for (int f = 0; name && f < NFORMS; f++)
            if (!strcmp(name, form_names[f]))
                form = f;
        if (form < 0) {
            ydoc_problem(d, k, "expected a plural form: one, few, many or other");
            continue;
        }
        if (!text) {
            ydoc_problem(d, v, "expected the text of the '%s' form", name);
            continue;
        }
        free(e->forms[form]);
        e->forms[form] = xstrdup(text);
    }
    if (!e->forms[FORM_OTHER])
        ydoc_problem(d, value, "expected an 'other' form (the one used when no other applies)");
}

int i18n_parse(struct i18n **out, const char *lang, const char *file, const char *text, size_t len)
{
    *out = NULL;
    struct ydoc d = {0};
    error_clear();
    int rc = ydoc_load(&d, file, text, len, 0);
    if (rc)
        return rc;
    yaml_node_t *root = ydoc_root(&d);
    if (!root || root->type != YAML_MAPPING_NODE) {
        ydoc_free(&d);
        return error_at(file, 1, 1, "expected a mapping from interface keys to their text");
    }
    struct i18n *t = xcalloc(1, sizeof(*t));
    t->lang = xstrdup(lang);
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = ydoc_node(&d, p->key), *v = ydoc_node(&d, p->value);
        const char *key = ydoc_scalar(k);
        if (!key || !*key) {
            ydoc_problem(&d, k, "expected a key");
            continue;
        }
        if (find(t, key)) {
            ydoc_problem(&d, k, "'%s' is given twice", key);
            continue;
        }
        struct entry e = {xstrdup(key), NULL, {NULL}};
        if (v->type == YAML_MAPPING_NODE)
            parse_plural(&d, v, &e);
        else if (ydoc_scalar(v))
            e.text = xstrdup(ydoc_scalar(v));
        else
            ydoc_problem(&d, v, "expected the text for '%s', or its plural forms", key);
        ARRAY_GROW(t->entries, t->n + 1, t->alloc);
        t->entries[t->n++] = e;
    }
    ydoc_free(&d);
    if (error_count()) {
        i18n_free(t);
        return JOURNAL_EINPUT;
    }
    *out = t;
    return 0;
}

void i18n_free(struct i18n *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->entries[i].key);
        free(t->entries[i].text);
        for (int f = 0; f < NFORMS; f++)
            free(t->entries[i].forms[f]);
    }
    free(t->entries);
    free(t->lang);
    free(t);
}

const char *i18n_lang(const struct i18n *t)
{
    return t->lang;
}

const char *i18n_text(const struct i18n *t, const char *key)
{
    const struct entry *e = t ? find(t, key) : NULL;
    if (!e)
        return key;
    return e->text ? e->text : e->forms[FORM_OTHER];
}

/* Replace each {name} in text; unknown placeholders are kept as they are. */
static char *substitute(const char *text, const char *const *names, const char *const *values)
{
    struct strbuf sb = STRBUF_INIT;
    for (const char *s = text; *s;) {
        if (*s == '{') {
            const char *end = strchr(s, '}');
            bool done = false;
            for (size_t i = 0; end && names[i] && !done; i++) {
                size_t len = strlen(names[i]);
                if ((size_t)(end - s - 1) == len && !strncmp(s + 1, names[i], len)) {
                    strbuf_addstr(&sb, values[i]);
                    s = end + 1;
                    done = true;
                }
            }
            if (done)
                continue;
        }
        strbuf_addch(&sb, *s++);
    }
    return strbuf_detach(&sb, NULL);
}

char *i18n_plural(const struct i18n *t, const char *key, unsigned long n)
{
    const struct entry *e = t ? find(t, key) : NULL;
    const char *text = key;
    if (e && e->text) {
        text = e->text;
    } else if (e) {
        const char *category = i18n_plural_category(t->lang, n);
        text = e->forms[FORM_OTHER];
        for (int f = 0; f < NFORMS; f++)
            if (!strcmp(category, form_names[f]) && e->forms[f])
                text = e->forms[f];
    }
    char number[24];
    snprintf(number, sizeof(number), "%lu", n);
    const char *names[] = {"n", NULL}, *values[] = {number, NULL};
    return substitute(text, names, values);
}

char *i18n_format(const struct i18n *t, const char *key, const char *const *names,
                  const char *const *values)
{
    return substitute(i18n_text(t, key), names, values);
}

json_t *i18n_json(const struct i18n *t)
{
    json_t *o = json_object();
    for (size_t i = 0; t && i < t->n; i++)
        if (t->entries[i].text)
            json_object_set_new(o, t->entries[i].key, json_string(t->entries[i].text));
    return o;
}
