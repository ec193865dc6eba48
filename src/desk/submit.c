#define _POSIX_C_SOURCE 200809L
#include "desk/submit.h"

#include "model/config.h"
#include "model/country.h"
#include "model/record.h"
#include "model/manuscript.h"
#include "store/repo.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/token.h"
#include "workflow/notify.h"
#include "workflow/submit.h"
#include "workflow/waiting.h"
#include "workflow/word.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* Blocks a form shows at most: enough for any paper, few enough to bound the page. */
#define MAX_AUTHORS      50
#define MAX_AFFILIATIONS 10

/* What the page needs besides the form: the desk, the journal, the language, the root. */
struct page {
    struct desk *d;
    struct journal_repo *repo;
    const char *lang;
    char root[32];
    char *forms; /* .journal/desk/forms */
};

/* The form's values, by name, "" when absent. */
static const char *val(const struct form *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *val(const struct form *f, const char *fmt, ...)
{
    char name[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    const char *v = f ? form_get(f, name) : NULL;
    return v ? v : "";
}

static bool blank(const char *s)
{
    return !s[strspn(s, " \t\r\n")];
}

/* A copy of s without surrounding white space and with CR LF as LF. */
static char *clean(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    s += strspn(s, " \t\r\n");
    for (; *s; s++)
        if (*s != '\r')
            strbuf_addch(&sb, *s);
    while (sb.len && strchr(" \t\n", sb.buf[sb.len - 1]))
        sb.len--;
    strbuf_addch(&sb, '\0');
    sb.len--;
    return strbuf_detach(&sb, NULL);
}

static size_t count_of(const struct form *f, const char *name, size_t min, size_t max)
{
    const char *v = f ? form_get(f, name) : NULL;
    size_t n = v ? strtoul(v, NULL, 10) : 0;
    return n < min ? min : n > max ? max : n;
}

/*
 * ---- the front matter, and which field each of its lines came from ----
 *
 * Written line by line rather than through the YAML emitter (util/yaml.h's ywriter): the
 * manuscript's parser reports each problem as "file:line:column", and knowing which field
 * every line came from is what puts journal submit's own message next to that field.
 * Scalars are JSON strings, which YAML reads as double-quoted scalars; Markdown is a literal
 * block, line for line as typed.
 */

struct matter {
    struct strbuf text;
    char **field; /* by line, from 1 */
    size_t nlines;
};

static void line(struct matter *m, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void line(struct matter *m, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vaddf(&m->text, fmt, ap);
    va_end(ap);
    strbuf_addch(&m->text, '\n');
    m->field = xrealloc(m->field, (m->nlines + 2) * sizeof(char *));
    m->field[++m->nlines] = field ? xstrdup(field) : NULL;
}

/* A YAML double-quoted scalar (JSON's string syntax is one). */
static char *quoted(const char *s)
{
    json_t *j = json_string(s);
    char *out = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return out ? out : xstrdup("\"\"");
}

static void scalar(struct matter *m, const char *field, const char *indent, const char *key,
                   const char *value)
{
    char *c = clean(value), *q = quoted(c);
    line(m, field, "%s%s: %s", indent, key, q);
    free(q);
    free(c);
}

/* Markdown as a literal block, each line indented: what the author typed, line for line. */
static void block(struct matter *m, const char *field, const char *indent, const char *key,
                  const char *value)
{
    char *c = clean(value);
    line(m, field, "%s%s: |%zu", indent, key, (size_t)2);
    for (char *p = c; p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line(m, field, "%s  %s", indent, p);
        p = nl ? nl + 1 : NULL;
    }
    free(c);
}

/* Keywords typed one per line or separated by commas (or semicolons). */
static void keywords(struct matter *m, const char *field, const char *indent, const char *value)
{
    struct strbuf sb = STRBUF_INIT;
    char *c = clean(value);
    for (char *p = c; *p;) {
        size_t n = strcspn(p, ",;\n");
        char *k = xstrndup(p, n), *t = clean(k);
        if (*t) {
            char *q = quoted(t);
            strbuf_addf(&sb, "%s%s", sb.len ? ", " : "", q);
            free(q);
        }
        free(t);
        free(k);
        p += n + (p[n] != '\0');
    }
    line(m, field, "%skeywords: [%s]", indent, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    free(c);
}

static void matter_free(struct matter *m)
{
    for (size_t i = 1; i <= m->nlines; i++)
        free(m->field[i]);
    free(m->field);
    strbuf_release(&m->text);
}

/* The manuscript's front matter from the form; fences: with its '---' lines. */
static void build_matter(struct page *p, const struct form *f, bool fences, struct matter *m)
{
    struct journal_config *c = &p->repo->config;
    if (fences)
        line(m, NULL, "---");
    scalar(m, "title", "", "title", val(f, "title"));
    if (!blank(val(f, "subtitle")))
        scalar(m, "subtitle", "", "subtitle", val(f, "subtitle"));
    scalar(m, "mlang", "", "lang", val(f, "mlang"));
    scalar(m, "type", "", "type", val(f, "type"));
    if (!blank(val(f, "abstract")))
        block(m, "abstract", "", "abstract", val(f, "abstract"));
    if (!blank(val(f, "keywords")))
        keywords(m, "keywords", "", val(f, "keywords"));
    size_t na = count_of(f, "nauthors", 1, MAX_AUTHORS);
    const char *corresponding = val(f, "corresponding");
    line(m, "authors", "authors:");
    for (size_t i = 0; i < na; i++) {
        char key[96];
        snprintf(key, sizeof(key), "a%zu_family", i);
        line(m, key, "  - name:");
        if (!blank(val(f, "a%zu_given", i))) {
            snprintf(key, sizeof(key), "a%zu_given", i);
            scalar(m, key, "      ", "given", val(f, "a%zu_given", i));
        }
        snprintf(key, sizeof(key), "a%zu_family", i);
        scalar(m, key, "      ", "family", val(f, "a%zu_family", i));
        snprintf(key, sizeof(key), "a%zu_email", i);
        if (!blank(val(f, "a%zu_email", i)))
            scalar(m, key, "    ", "email", val(f, "a%zu_email", i));
        snprintf(key, sizeof(key), "a%zu_orcid", i);
        if (!blank(val(f, "a%zu_orcid", i)))
            scalar(m, key, "    ", "orcid", val(f, "a%zu_orcid", i));
        char index[24];
        snprintf(index, sizeof(index), "%zu", i);
        if (!strcmp(corresponding, index))
            line(m, "corresponding", "    corresponding: true");
        char naff[32];
        snprintf(naff, sizeof(naff), "a%zu_naff", i);
        size_t nff = count_of(f, naff, 1, MAX_AFFILIATIONS);
        bool any = false;
        for (size_t j = 0; j < nff; j++)
            any = any || !blank(val(f, "a%zu_aff%zu_name", i, j));
        if (!any)
            continue;
        snprintf(key, sizeof(key), "a%zu_aff0_name", i);
        line(m, key, "    affiliations:");
        for (size_t j = 0; j < nff; j++) {
            if (blank(val(f, "a%zu_aff%zu_name", i, j)))
                continue;
            const char *country = val(f, "a%zu_aff%zu_country", i, j);
            /* Without a country the parser's problem is at the affiliation: show it there. */
            snprintf(key, sizeof(key), *country ? "a%zu_aff%zu_name" : "a%zu_aff%zu_country", i, j);
            char *cn = clean(val(f, "a%zu_aff%zu_name", i, j)), *q = quoted(cn);
            line(m, key, "      - name: %s", q);
            free(q);
            free(cn);
            snprintf(key, sizeof(key), "a%zu_aff%zu_country", i, j);
            if (!strcmp(country, "international"))
                line(m, key, "        international: true");
            else if (*country)
                scalar(m, key, "        ", "country", country);
        }
    }
    bool any_translation = false;
    for (size_t k = 0; k < c->nlanguages; k++) {
        const char *code = c->languages[k];
        if (!strcmp(code, val(f, "mlang")) || blank(val(f, "tr_%s_title", code)) ||
            strlen(code) != 2)
            continue;
        if (!any_translation)
            line(m, "translations", "translations:");
        any_translation = true;
        char key[96];
        line(m, "translations", "  %s:", code);
        snprintf(key, sizeof(key), "tr_%s_title", code);
        scalar(m, key, "    ", "title", val(f, "tr_%s_title", code));
        if (!blank(val(f, "tr_%s_subtitle", code))) {
            snprintf(key, sizeof(key), "tr_%s_subtitle", code);
            scalar(m, key, "    ", "subtitle", val(f, "tr_%s_subtitle", code));
        }
        if (!blank(val(f, "tr_%s_abstract", code))) {
            snprintf(key, sizeof(key), "tr_%s_abstract", code);
            block(m, key, "    ", "abstract", val(f, "tr_%s_abstract", code));
        }
        if (!blank(val(f, "tr_%s_keywords", code))) {
            snprintf(key, sizeof(key), "tr_%s_keywords", code);
            keywords(m, key, "    ", val(f, "tr_%s_keywords", code));
        }
    }
    if (fences)
        line(m, NULL, "---");
}

/* ---- the files kept between attempts ---- */

/* A file name as the browser sent it, reduced to its last part; NULL when none is usable. */
static char *upload_name(const char *filename)
{
    const char *base = filename;
    for (const char *s = filename; *s; s++)
        if (*s == '/' || *s == '\\')
            base = s + 1;
    if (!*base || !fs_is_safe_relative(base) || !strncasecmp(base, ".git", 4) || *base == '.' ||
        strlen(base) > 200)
        return NULL;
    return xstrdup(base);
}

/* The only file in dir, or NULL. */
static char *only_file(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    struct dirent *e;
    char *name = NULL;
    /* Dot names are never an upload's (upload_name): a killed atomic write's temporary. */
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            free(name);
            name = xstrdup(e->d_name);
        }
    closedir(d);
    return name;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **list_dir(const char *dir, size_t *n)
{
    *n = 0;
    char **names = xcalloc(1, sizeof(char *));
    DIR *d = opendir(dir);
    if (!d)
        return names;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = xrealloc(names, (*n + 2) * sizeof(char *));
        names[(*n)++] = xstrdup(e->d_name);
        names[*n] = NULL;
    }
    closedir(d);
    qsort(names, *n, sizeof(char *), name_cmp);
    return names;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static bool manuscript_type_ok(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot &&
           (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown") || word_is_document(name));
}

/* Keep the form's uploads in dir: the manuscript (replacing the one kept), attachments
   added, those ticked for removal removed. Problems go into errors by field. */
static int keep_uploads(const struct form *f, const char *dir, json_t *errors, json_t *t)
{
    const struct form_field *ms = form_file(f, "manuscript");
    int rc = 0;
    if (ms) {
        char *name = upload_name(ms->filename ? ms->filename : "");
        if (!name || !manuscript_type_ok(name)) {
            const char *msg = json_string_value(json_object_get(t, "desk_submit_file_type"));
            char *text = xasprintf("%s: %s", ms->filename ? ms->filename : "",
                                   msg ? msg : "not a manuscript");
            json_object_set_new(errors, "manuscript", json_string(text));
            free(text);
        } else {
            char *up = fs_join(dir, "upload");
            rc = fs_remove_tree(up);
            char *path = fs_join(up, name);
            if (!rc)
                rc = fs_mkdirs(up);
            if (!rc)
                rc = fs_write_atomic(path, ms->value, ms->length);
            free(path);
            free(up);
        }
        free(name);
    }
    char *files = fs_join(dir, "files");
    size_t next = 0;
    const struct form_field *ff;
    while (!rc && (ff = form_each(f, "attachments", &next))) {
        if (!ff->filename || (!*ff->filename && !ff->length))
            continue;
        char *name = upload_name(ff->filename);
        if (!name) {
            const char *msg = json_string_value(json_object_get(t, "desk_submit_file_name"));
            char *text = xasprintf("%s: %s", ff->filename, msg ? msg : "unusable name");
            json_object_set_new(errors, "attachments", json_string(text));
            free(text);
            continue;
        }
        char *path = fs_join(files, name);
        rc = fs_mkdirs(files);
        if (!rc)
            rc = fs_write_atomic(path, ff->value, ff->length);
        free(path);
        free(name);
    }
    next = 0;
    while (!rc && (ff = form_each(f, "remove_file", &next))) {
        if (ff->filename || !fs_is_safe_relative(ff->value) || strchr(ff->value, '/'))
            continue;
        char *path = fs_join(files, ff->value);
        if (unlink(path) < 0 && errno != ENOENT)
            rc = error_errno("%s", path);
        free(path);
    }
    free(files);
    return rc;
}

/* ---- the pages ---- */

struct country_option {
    const char *code;
    const char *name;
};

static int option_cmp(const void *a, const void *b)
{
    return strcmp(((const struct country_option *)a)->name,
                  ((const struct country_option *)b)->name);
}

static json_t *languages_json(struct page *p, const char *selected, json_t *t)
{
    json_t *list = json_array();
    struct journal_config *c = &p->repo->config;
    for (size_t i = 0; i < c->nlanguages; i++) {
        char key[32];
        snprintf(key, sizeof(key), "language_%s", c->languages[i]);
        const char *label = json_string_value(json_object_get(t, key));
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", c->languages[i], "label",
                                              label ? label : c->languages[i], "selected",
                                              !strcmp(c->languages[i], selected)));
    }
    return list;
}

static void set_error(json_t *obj, json_t *errors, const char *key)
{
    json_t *e = json_object_get(errors, key);
    if (e)
        json_object_set(obj, "error", e);
}

/* Whether call is open today: no deadline, or one not past. */
static bool call_open(const struct config_call *call)
{
    char today[11];
    date_today(today);
    return !call->deadline || strcmp(call->deadline, today) >= 0;
}

/*
 * What the form adds to the commit message: the call answered and the declarations, as lines;
 * problems go into errors (t: the page's strings). NULL when there is nothing to add.
 */
static char *declarations_note(struct page *p, const struct form *f, json_t *errors, json_t *t)
{
    const struct journal_config *c = &p->repo->config;
    struct strbuf sb = STRBUF_INIT;
    const char *call = val(f, "call");
    if (*call) {
        const struct config_call *found = NULL;
        for (size_t i = 0; i < c->ncalls; i++)
            if (c->calls[i].id && !strcmp(c->calls[i].id, call) && call_open(&c->calls[i]))
                found = &c->calls[i];
        if (found)
            strbuf_addf(&sb, "Call: %s\n", found->id);
        else
            json_object_set_new(errors, "call",
                                json_incref(json_object_get(t, "desk_submit_call_closed")));
    }
    struct strbuf declared = STRBUF_INIT;
    const char *boxes[] = {"originality", "license"};
    const unsigned bits[] = {DECLARE_ORIGINALITY, DECLARE_LICENSE};
    for (size_t i = 0; i < 2; i++) {
        if (!(c->desk_declarations & bits[i]))
            continue;
        char name[32];
        snprintf(name, sizeof(name), "declare_%s", boxes[i]);
        if (!strcmp(val(f, "%s", name), "yes"))
            strbuf_addf(&declared, "%s%s", declared.len ? ", " : "", boxes[i]);
        else
            json_object_set_new(errors, name,
                                json_incref(json_object_get(t, "desk_submit_declare_missing")));
    }
    if (declared.len)
        strbuf_addf(&sb, "Declared: %s\n", declared.buf);
    strbuf_release(&declared);
    if (c->desk_declarations & DECLARE_COMPETING_INTERESTS) {
        char *ci = clean(val(f, "competing_interests"));
        if (!*ci)
            json_object_set_new(errors, "competing_interests",
                                json_incref(json_object_get(t, "desk_submit_competing_missing")));
        else if (strlen(ci) > 2000 || strpbrk(ci, "\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
                                                  "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                                  "\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"))
            json_object_set_new(errors, "competing_interests",
                                json_incref(json_object_get(t, "desk_submit_competing_bad")));
        else {
            for (char *s = ci; *s; s++)
                if (*s == '\n' || *s == '\t')
                    *s = ' ';
            strbuf_addf(&sb, "Competing interests: %s\n", ci);
        }
        free(ci);
    }
    return sb.len ? strbuf_detach(&sb, NULL) : (strbuf_release(&sb), NULL);
}

/* The submission form with what f holds (NULL: empty) and errors by field. */
static void form_page(struct page *p, const char *fid, const struct form *f, json_t *errors,
                      size_t add_author, long add_aff_to, struct reply *r)
{
    struct journal_config *c = &p->repo->config;
    char csrf[65];
    desk_csrf(p->d, "submit", 0, fid, csrf);
    json_t *data = json_pack("{s:s, s:s, s:s}", "root", p->root, "form_id", fid, "csrf", csrf);
    json_t *t = NULL;
    if (desk_strings(p->repo, p->lang, &t))
        error_clear();
    json_object_set_new(data, "page_title", json_incref(json_object_get(t, "desk_submit_heading")));
    char *action = xasprintf("%ssubmit?lang=%s", p->root, p->lang);
    json_object_set_new(data, "action", json_string(action));
    free(action);
    const char *simple[] = {"title", "subtitle", "abstract", "keywords"};
    for (size_t i = 0; i < 4; i++) {
        json_t *fld = json_pack("{s:s}", "value", val(f, "%s", simple[i]));
        set_error(fld, errors, simple[i]);
        json_object_set_new(data, simple[i], fld);
    }
    const char *mlang = *val(f, "mlang") ? val(f, "mlang") : p->lang;
    json_t *ml = json_pack("{s:o}", "options", languages_json(p, mlang, t));
    set_error(ml, errors, "mlang");
    json_object_set_new(data, "mlang", ml);
    json_t *types = json_array();
    const char *type = val(f, "type");
    for (size_t i = 0; manuscript_types[i]; i++) {
        char key[96];
        snprintf(key, sizeof(key), "type_%s", manuscript_types[i]);
        const char *label = json_string_value(json_object_get(t, key));
        json_array_append_new(types,
                              json_pack("{s:s, s:s, s:b}", "code", manuscript_types[i], "label",
                                        label ? label : manuscript_type_label(manuscript_types[i]),
                                        "selected", !strcmp(type, manuscript_types[i])));
    }
    json_t *ty = json_pack("{s:o}", "options", types);
    set_error(ty, errors, "type");
    json_object_set_new(data, "type", ty);

    /* Translations: into each of the journal's languages, required where journal.yaml says. */
    json_t *trs = json_array();
    for (size_t k = 0; k < c->nlanguages; k++) {
        const char *code = c->languages[k];
        bool required = false;
        for (size_t i = 0; i < c->nrequire_translations; i++)
            required = required || !strcmp(c->require_translations[i], code);
        char name_key[32];
        snprintf(name_key, sizeof(name_key), "language_%s", code);
        const char *name = json_string_value(json_object_get(t, name_key));
        json_t *tr = json_pack("{s:s, s:s, s:b}", "code", code, "name", name ? name : code,
                               "required", required);
        const char *parts[] = {"title", "subtitle", "abstract", "keywords"};
        for (size_t i = 0; i < 4; i++) {
            char key[96];
            snprintf(key, sizeof(key), "tr_%s_%s", code, parts[i]);
            json_t *fld = json_pack("{s:s, s:s}", "name", key, "value", val(f, "%s", key));
            set_error(fld, errors, key);
            json_object_set_new(tr, parts[i], fld);
        }
        json_array_append_new(trs, tr);
    }
    json_object_set_new(data, "translations", trs);
    set_error(data, errors, "translations");

    /* Countries in the page's language, by name. */
    size_t ncountries = country_db_count(p->d->countries);
    struct country_option *opts = xcalloc(ncountries + 1, sizeof(*opts));
    for (size_t i = 0; i < ncountries; i++) {
        const struct country *ct = country_db_at(p->d->countries, i);
        opts[i].code = ct->alpha2;
        opts[i].name = country_display_name(ct, p->lang);
    }
    qsort(opts, ncountries, sizeof(*opts), option_cmp);

    size_t na = count_of(f, "nauthors", 1, MAX_AUTHORS) + add_author;
    if (na > MAX_AUTHORS)
        na = MAX_AUTHORS;
    const char *corresponding = *val(f, "corresponding") ? val(f, "corresponding") : "0";
    json_t *authors = json_array();
    for (size_t i = 0; i < na; i++) {
        char index[24];
        snprintf(index, sizeof(index), "%zu", i);
        json_t *a = json_pack("{s:s, s:I, s:b}", "index", index, "number", (json_int_t)(i + 1),
                              "corresponding", !strcmp(corresponding, index));
        const char *parts[] = {"given", "family", "email", "orcid"};
        for (size_t k = 0; k < 4; k++) {
            char key[96];
            snprintf(key, sizeof(key), "a%zu_%s", i, parts[k]);
            json_t *fld = json_pack("{s:s, s:s}", "name", key, "value", val(f, "%s", key));
            set_error(fld, errors, key);
            json_object_set_new(a, parts[k], fld);
        }
        char key[96];
        snprintf(key, sizeof(key), "a%zu_naff", i);
        size_t nff = count_of(f, key, 1, MAX_AFFILIATIONS) + (add_aff_to == (long)i);
        if (nff > MAX_AFFILIATIONS)
            nff = MAX_AFFILIATIONS;
        json_object_set_new(a, "naff", json_integer((json_int_t)nff));
        json_t *affs = json_array();
        for (size_t j = 0; j < nff; j++) {
            json_t *aff = json_pack("{s:I}", "number", (json_int_t)(j + 1));
            snprintf(key, sizeof(key), "a%zu_aff%zu_name", i, j);
            json_t *fld = json_pack("{s:s, s:s}", "name", key, "value", val(f, "%s", key));
            set_error(fld, errors, key);
            json_object_set_new(aff, "org", fld);
            snprintf(key, sizeof(key), "a%zu_aff%zu_country", i, j);
            const char *chosen = val(f, "%s", key);
            json_t *options = json_array();
            for (size_t k = 0; k < ncountries; k++)
                json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "code", opts[k].code,
                                                         "name", opts[k].name, "selected",
                                                         !strcmp(chosen, opts[k].code)));
            fld = json_pack("{s:s, s:o, s:b}", "name", key, "options", options, "international",
                            !strcmp(chosen, "international"));
            set_error(fld, errors, key);
            json_object_set_new(aff, "country", fld);
            json_array_append_new(affs, aff);
        }
        json_object_set_new(a, "affiliations", affs);
        json_array_append_new(authors, a);
    }
    free(opts);
    json_object_set_new(data, "authors", authors);
    json_object_set_new(data, "nauthors", json_integer((json_int_t)na));
    set_error(data, errors, "authors");
    set_error(data, errors, "corresponding");

    /* The calls for papers open today, and the declarations the journal asks for. */
    json_t *calls = json_array();
    for (size_t i = 0; i < c->ncalls; i++) {
        if (!c->calls[i].id || !call_open(&c->calls[i]))
            continue;
        const char *title = localised_get(&c->calls[i].titles, p->lang, c->languages[0]);
        json_array_append_new(calls, json_pack("{s:s, s:s, s:s?, s:b}", "id", c->calls[i].id,
                                               "title", title ? title : c->calls[i].id, "deadline",
                                               c->calls[i].deadline, "selected",
                                               !strcmp(val(f, "call"), c->calls[i].id)));
    }
    json_t *callf = json_pack("{s:b, s:o}", "any", json_array_size(calls) > 0, "options", calls);
    set_error(callf, errors, "call");
    json_object_set_new(data, "call", callf);
    json_t *decl = json_object();
    if (c->desk_declarations & DECLARE_ORIGINALITY) {
        json_t *o = json_pack("{s:b}", "checked", !strcmp(val(f, "declare_originality"), "yes"));
        set_error(o, errors, "declare_originality");
        json_object_set_new(decl, "originality", o);
    }
    if (c->desk_declarations & DECLARE_LICENSE) {
        json_t *o = json_pack("{s:b, s:s}", "checked", !strcmp(val(f, "declare_license"), "yes"),
                              "license", c->license ? c->license : "");
        set_error(o, errors, "declare_license");
        json_object_set_new(decl, "license", o);
    }
    if (c->desk_declarations & DECLARE_COMPETING_INTERESTS) {
        json_t *o = json_pack("{s:s}", "value", val(f, "competing_interests"));
        set_error(o, errors, "competing_interests");
        json_object_set_new(decl, "competing", o);
    }
    json_object_set_new(decl, "any", json_boolean(c->desk_declarations != 0));
    json_object_set_new(data, "declarations", decl);

    /* The files kept from earlier attempts. */
    char *dir = fs_join(p->forms, fid);
    char *up = fs_join(dir, "upload");
    char *kept = only_file(up);
    json_t *ms = json_object();
    if (kept)
        json_object_set_new(ms, "kept", json_string(kept));
    set_error(ms, errors, "manuscript");
    json_object_set_new(data, "manuscript", ms);
    free(kept);
    free(up);
    char *files = fs_join(dir, "files");
    size_t nfiles;
    char **names = list_dir(files, &nfiles);
    json_t *list = json_array();
    for (size_t i = 0; i < nfiles; i++)
        json_array_append_new(list,
                              json_pack("{s:s, s:I}", "name", names[i], "number", (json_int_t)i));
    free_list(names, nfiles);
    free(files);
    free(dir);
    json_t *att = json_pack("{s:o, s:b}", "kept", list, "has_kept", json_array_size(list) > 0);
    set_error(att, errors, "attachments");
    json_object_set_new(data, "attachments", att);

    if (errors && json_object_size(errors)) {
        json_object_set(data, "errors", errors);
        set_error(data, errors, "general");
    }
    json_t *langs = json_array();
    for (size_t i = 0; i < c->nlanguages; i++) {
        const char *code = c->languages[i];
        if (!strcmp(code, p->lang) || !desk_lang_available(p->repo, code))
            continue;
        char *url = xasprintf("%ssubmit?lang=%s", p->root, code);
        json_array_append_new(langs, json_pack("{s:s, s:s}", "code", code, "url", url));
        free(url);
    }
    json_object_set_new(data, "has_languages", json_boolean(json_array_size(langs) > 0));
    json_object_set_new(data, "languages", langs);
    json_decref(t);
    desk_render(p->repo, p->lang, "submit", data, r);
    json_decref(data);
}

/* ---- problems, back to their fields ---- */

/* Which field a message about the word "what" concerns, when its line tells nothing. */
static const char *field_by_word(const char *msg)
{
    static const char *const words[][2] = {
        {"abstract", "abstract"},
        {"keyword", "keywords"},
        {"translation", "translations"},
        {"subtitle", "subtitle"},
        {"title", "title"},
        {"type", "type"},
        {"lang", "mlang"},
        {"corresponding", "corresponding"},
        {"author", "authors"},
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strstr(msg, words[i][0]))
            return words[i][1];
    return "general";
}

static void add_error(json_t *errors, const char *field, const char *msg)
{
    json_t *e = json_object_get(errors, field);
    if (e) {
        char *joined = xasprintf("%s %s", json_string_value(e), msg);
        json_object_set_new(errors, field, json_string(joined));
        free(joined);
    } else {
        json_object_set_new(errors, field, json_string(msg));
    }
}

/*
 * Split the validation's message into its problems ("FILE:LINE:COL: what") and put each next
 * to its field: a line of the front matter by m, a line after it (the Markdown's text) and
 * anything about the uploaded manuscript at the file, attachments at theirs. dir: the form's
 * folder, never shown.
 */
static void map_errors(const char *message, const char *matter_path, const char *upload_path,
                       const struct matter *m, size_t body_offset, const char *dir, json_t *errors)
{
    char *copy = xstrdup(message);
    char *save = NULL;
    for (char *ln = strtok_r(copy, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        const char *field = NULL;
        struct strbuf text = STRBUF_INIT;
        size_t lp = strlen(matter_path), up = upload_path ? strlen(upload_path) : 0;
        const char *rest = NULL;
        bool in_matter = !strncmp(ln, matter_path, lp) && ln[lp] == ':';
        bool in_upload = upload_path && !strncmp(ln, upload_path, up) && ln[up] == ':';
        if (in_matter || in_upload) {
            rest = ln + (in_matter ? lp : up) + 1;
            char *end;
            unsigned long lineno = strtoul(rest, &end, 10);
            if (end != rest && *end == ':') {
                rest = end + 1;
                strtoul(rest, &end, 10);
                if (end != rest && *end == ':')
                    rest = end + 1;
            } else {
                lineno = 0;
            }
            rest += strspn(rest, " ");
            if (in_matter && lineno && lineno <= m->nlines && lineno < body_offset)
                field = m->field[lineno];
            else if (in_matter && lineno >= body_offset && body_offset) {
                field = "manuscript";
                strbuf_addf(&text, "%s, ", fs_basename(matter_path));
                strbuf_addf(&text, "%lu: ", lineno - body_offset + 1);
            } else if (in_upload) {
                field = "manuscript";
                strbuf_addf(&text, "%s: ", fs_basename(upload_path));
            }
            if (!field)
                field = field_by_word(rest);
        } else if (!strncmp(ln, "--file ", 7)) {
            field = "attachments";
            rest = ln + 7;
        } else {
            rest = ln;
            field = strstr(ln, fs_basename(upload_path ? upload_path : "\x01")) ? "manuscript"
                                                                                : "general";
        }
        strbuf_addstr(&text, rest);
        /* The server's folders are nobody's business. */
        char *shown = strbuf_detach(&text, NULL);
        struct strbuf safe = STRBUF_INIT;
        size_t dl = strlen(dir);
        for (const char *s = shown; *s;) {
            const char *hit = strstr(s, dir);
            if (!hit) {
                strbuf_addstr(&safe, s);
                break;
            }
            strbuf_add(&safe, s, (size_t)(hit - s));
            s = hit + dl;
            /* "DIR/upload/NAME" or "DIR/check/NAME" -> "NAME" */
            const char *slash = strchr(s + (*s == '/'), '/');
            s = slash ? slash + 1 : s;
        }
        add_error(errors, field, safe.buf ? safe.buf : "");
        strbuf_release(&safe);
        free(shown);
    }
    free(copy);
}

/* The author the office writes to: the one marked corresponding. */
static size_t corresponding_index(const struct form *f)
{
    const char *c = val(f, "corresponding");
    size_t i = *c ? strtoul(c, NULL, 10) : 0;
    return i < count_of(f, "nauthors", 1, MAX_AUTHORS) ? i : 0;
}

/* Send the confirmation link for w (token: the link's secret) to its author. */
static int mail_confirmation(struct page *p, const struct waiting *w, const char *token)
{
    struct notifier n;
    int rc = notifier_open(&n, p->repo);
    if (rc)
        return rc;
    char *link = xasprintf("%s/confirm/%s/%s", p->repo->config.desk_url, w->id, token);
    json_t *ctx = notify_context(p->repo, NULL, w->lang);
    json_object_set_new(ctx, "submission", json_pack("{s:s}", "title", w->title));
    json_object_set_new(ctx, "author", json_pack("{s:s}", "name", w->name));
    json_object_set_new(ctx, "confirm_link", json_string(link));
    json_object_set_new(ctx, "hours", json_integer(p->repo->config.desk_confirm_hours));
    struct recipient to = {w->name, w->email};
    rc = notify_hold(&n, "desk-confirm", w->lang, ctx, &to, "desk-confirm", 0);
    json_decref(ctx);
    free(link);
    if (!rc)
        rc = notifier_release(&n, "front desk");
    else
        notifier_discard(&n);
    size_t sent = 0;
    if (!rc && notifier_flush(&n, &sent)) {
        /* It waits in the outbox; journal outbox flush sends it. */
        desk_log_error("the confirmation mail");
    }
    notifier_close(&n);
    return rc;
}

/* POST /submit */
static void submit_post(struct page *p, const struct request *req, struct reply *r)
{
    struct form f = {0};
    json_t *errors = json_object(), *t = NULL;
    struct matter m = {STRBUF_INIT, NULL, 0};
    char *dir = NULL, *check = NULL, *upload = NULL, *upload_path = NULL, *matter_path = NULL;
    char *sent = NULL;
    int lock_fd = -1;
    char **files = NULL;
    size_t nfiles = 0;
    if (desk_read_form(req, &f)) {
        error_clear();
        desk_message(p->repo, p->lang, 400, "desk_bad_form_title", "desk_bad_form_text", p->root,
                     r);
        goto done;
    }
    const char *fid = form_get(&f, "form");
    const char *csrf = form_get(&f, "csrf");
    char expected[65];
    if (fid && token_well_formed(fid))
        desk_csrf(p->d, "submit", 0, fid, expected);
    if (!fid || !token_well_formed(fid) || !csrf || !token_equal(csrf, expected)) {
        desk_message(p->repo, p->lang, 403, "desk_forbidden_title", "desk_submit_forbidden_text",
                     p->root, r);
        goto done;
    }
    if (desk_strings(p->repo, p->lang, &t)) {
        error_clear();
        t = json_object();
    }
    /* One post of a form at a time (a double click, two tabs), and a form that was sent
       already is not sent again: "<form id>.sent" outlives its folder until it expires. */
    int rc = fs_mkdirs(p->forms);
    char *lock = xasprintf("%s/%s.lock", p->forms, fid);
    sent = xasprintf("%s/%s.sent", p->forms, fid);
    if (!rc && (lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
        rc = error_errno("%s", lock);
    while (!rc && flock(lock_fd, LOCK_EX) < 0)
        if (errno != EINTR)
            rc = error_errno("%s", lock);
    free(lock);
    if (rc)
        goto fail;
    if (fs_exists(sent)) {
        desk_message(p->repo, p->lang, 200, "desk_submit_sent_heading",
                     "desk_submit_already_sent_text", p->root, r);
        goto done;
    }
    dir = fs_join(p->forms, fid);
    rc = fs_mkdirs(dir);
    if (!rc)
        rc = keep_uploads(&f, dir, errors, t);
    if (rc)
        goto fail;
    const char *action = val(&f, "action");
    if (!strcmp(action, "add_author")) {
        r->status = 200;
        form_page(p, fid, &f, errors, 1, -1, r);
        goto done;
    }
    if (!strncmp(action, "add_affiliation_", 16)) {
        r->status = 200;
        form_page(p, fid, &f, errors, 0, strtol(action + 16, NULL, 10), r);
        goto done;
    }
    if (strcmp(action, "add_file") == 0 || json_object_size(errors)) {
        form_page(p, fid, &f, errors, 0, -1, r);
        r->status = json_object_size(errors) ? 422 : 200;
        goto done;
    }

    /* The whole submission: the manuscript as `journal submit` would take it, checked by it. */
    upload = fs_join(dir, "upload");
    char *name = only_file(upload);
    if (!name) {
        const char *msg = json_string_value(json_object_get(t, "desk_submit_file_missing"));
        json_object_set_new(errors, "manuscript", json_string(msg ? msg : "missing"));
        form_page(p, fid, &f, errors, 0, -1, r);
        r->status = 422;
        goto done;
    }
    upload_path = fs_join(upload, name);
    check = fs_join(dir, "manuscript");
    bool document = word_is_document(name);
    rc = fs_remove_tree(check);
    if (!rc)
        rc = fs_mkdirs(check);
    size_t body_offset = 0;
    if (!rc && document) {
        build_matter(p, &f, false, &m);
        matter_path = fs_join(dir, "meta.yaml");
        rc = fs_write_file(matter_path, m.text.buf, m.text.len);
        char *copy = fs_join(check, name);
        struct strbuf data = STRBUF_INIT;
        if (!rc)
            rc = fs_read_file(upload_path, &data);
        if (!rc)
            rc = fs_write_file(copy, data.buf, data.len);
        strbuf_release(&data);
        free(copy);
    } else if (!rc) {
        struct strbuf body = STRBUF_INIT;
        rc = fs_read_file(upload_path, &body);
        if (!rc && body.len >= 3 && !strncmp(body.buf, "---", 3) &&
            (body.len == 3 || body.buf[3] == '\n' || body.buf[3] == '\r')) {
            const char *msg = json_string_value(json_object_get(t, "desk_submit_own_front_matter"));
            char *text = xasprintf("%s: %s", name, msg ? msg : "has its own front matter");
            json_object_set_new(errors, "manuscript", json_string(text));
            free(text);
        }
        build_matter(p, &f, true, &m);
        body_offset = m.nlines + 1;
        strbuf_add(&m.text, body.buf, body.len);
        strbuf_release(&body);
        matter_path = fs_join(check, name);
        if (!rc)
            rc = fs_write_file(matter_path, m.text.buf, m.text.len);
    }
    if (rc)
        goto fail;
    char *files_dir = fs_join(dir, "files");
    files = list_dir(files_dir, &nfiles);
    char *ms_path = fs_join(check, name);
    struct submit_request sr = {.manuscript = ms_path,
                                .metadata = document ? matter_path : NULL,
                                .files = (const char *const *)files,
                                .nfiles = nfiles,
                                .dir = files_dir,
                                .dry_run = true};
    struct submit_result res;
    rc = submission_submit(p->repo, &sr, &res);
    if (rc == JOURNAL_EINPUT || rc == JOURNAL_EUSAGE) {
        map_errors(error_message(), matter_path, document ? ms_path : upload_path, &m, body_offset,
                   dir, errors);
        error_clear();
        rc = 0;
    }
    free(ms_path);
    free(files_dir);
    char *note = declarations_note(p, &f, errors, t);
    /* The office writes to the corresponding author: an email is needed there. */
    size_t ci = corresponding_index(&f);
    char key[96];
    snprintf(key, sizeof(key), "a%zu_email", ci);
    if (!rc && blank(val(&f, "%s", key)) && !json_object_get(errors, key)) {
        const char *msg = json_string_value(json_object_get(t, "desk_submit_email_missing"));
        json_object_set_new(errors, key, json_string(msg ? msg : "missing"));
    }
    if (rc) {
        free(note);
        goto fail;
    }
    if (json_object_size(errors)) {
        free(note);
        free(name);
        form_page(p, fid, &f, errors, 0, -1, r);
        r->status = 422;
        goto done;
    }
    if (!p->repo->config.desk_url || !p->repo->config.mail_from_address) {
        free(note);
        free(name);
        desk_message(p->repo, p->lang, 503, "desk_submit_closed_title", "desk_submit_closed_text",
                     p->root, r);
        goto done;
    }

    /* A valid submission counts against its client's allowance (desk_submissions_per_hour),
       checked only now so that corrections of a refused form cost nothing. */
    if (!desk_rate_allow(p->d, req)) {
        free(note);
        free(name);
        desk_message(p->repo, p->lang, 429, "desk_too_many_title", "desk_too_many_text", p->root,
                     r);
        goto done;
    }

    /* Valid: it waits for the corresponding author's confirmation. */
    char token[TOKEN_HEX_LEN + 1], hash[TOKEN_HASH_LEN + 1];
    rc = token_new(token);
    struct waiting w = {0};
    if (!rc) {
        token_hash(token, hash);
        const char *mlang = val(&f, "mlang");
        w.created = (long long)time(NULL);
        w.token_hash = xstrdup(hash);
        w.lang = xstrdup(desk_lang_available(p->repo, mlang) ? mlang : p->lang);
        char *given = clean(val(&f, "a%zu_given", ci)), *family = clean(val(&f, "a%zu_family", ci));
        w.name = *given ? xasprintf("%s %s", given, family) : xstrdup(family);
        free(given);
        free(family);
        w.email = clean(val(&f, "a%zu_email", ci));
        w.title = clean(val(&f, "title"));
        w.manuscript = xstrdup(name);
        w.metadata = document ? xstrdup("meta.yaml") : NULL;
        w.note = note;
        note = NULL;
        w.files = files;
        w.nfiles = nfiles;
        files = NULL;
        nfiles = 0;
        rc = waiting_create(p->repo, &w, dir);
    }
    if (!rc && (rc = mail_confirmation(p, &w, token))) {
        /* No mail, no way to confirm: the entry would only wait to expire. */
        char *saved = error_save(), *root = waiting_root(p->repo);
        char *entry = xasprintf("%s/%s", root, w.id);
        fs_remove_tree(entry);
        free(entry);
        free(root);
        error_clear();
        error_restore(saved);
    }
    if (!rc)
        rc = fs_write_atomic(sent, w.id, strlen(w.id));
    if (!rc) {
        fs_remove_tree(dir);
        json_t *data = json_pack("{s:s, s:s, s:s, s:I}", "root", p->root, "email", w.email, "title",
                                 w.title, "hours", (json_int_t)p->repo->config.desk_confirm_hours);
        json_object_set_new(data, "page_title",
                            json_incref(json_object_get(t, "desk_submit_sent_heading")));
        r->status = 200;
        desk_render(p->repo, p->lang, "submit-sent", data, r);
        json_decref(data);
    }
    waiting_free(&w);
    free(note);
    free(name);
    if (!rc)
        goto done;
fail:
    desk_log_error("submission form");
    desk_message(p->repo, p->lang, 500, "desk_error_title", "desk_error_text", p->root, r);
done:
    if (lock_fd >= 0)
        close(lock_fd); /* the lock goes with it */
    free(sent);
    free_list(files, nfiles);
    free(dir);
    free(check);
    free(upload);
    free(upload_path);
    free(matter_path);
    matter_free(&m);
    json_decref(errors);
    json_decref(t);
    form_free(&f);
}

/* ---- /confirm/<id>/<token> ---- */

static bool parse_confirm_path(const char *path, char id[WAITING_ID_LEN + 1],
                               char token[TOKEN_HEX_LEN + 1])
{
    if (strncmp(path, "/confirm/", 9))
        return false;
    const char *s = path + 9;
    if (strspn(s, "0123456789abcdef") != WAITING_ID_LEN || s[WAITING_ID_LEN] != '/')
        return false;
    memcpy(id, s, WAITING_ID_LEN);
    id[WAITING_ID_LEN] = '\0';
    s += WAITING_ID_LEN + 1;
    if (strspn(s, "0123456789abcdef") != TOKEN_HEX_LEN || s[TOKEN_HEX_LEN])
        return false;
    memcpy(token, s, TOKEN_HEX_LEN + 1);
    return true;
}

static void confirm_page(struct page *p, const struct waiting *w, const char *token,
                         struct reply *r)
{
    char csrf[65];
    desk_csrf(p->d, "confirm", 0, token, csrf);
    json_t *data = json_pack("{s:s, s:s, s:s, s:s}", "root", p->root, "title", w->title, "name",
                             w->name, "csrf", csrf);
    char *action = xasprintf("%s?lang=%s", token, p->lang);
    json_object_set_new(data, "action", json_string(action));
    free(action);
    if (w->confirmed)
        json_object_set_new(data, "number", json_integer((json_int_t)w->confirmed));
    json_t *t = NULL;
    if (!desk_strings(p->repo, p->lang, &t)) {
        json_object_set_new(data, "page_title",
                            json_incref(json_object_get(t, "desk_confirm_heading")));
        json_decref(t);
    } else {
        error_clear();
    }
    desk_render(p->repo, p->lang, "submit-confirm", data, r);
    json_decref(data);
}

static void confirm(struct page *p, const char *method, const char *path, const char *lang,
                    const struct request *req, struct reply *r)
{
    char id[WAITING_ID_LEN + 1], token[TOKEN_HEX_LEN + 1];
    struct waiting w = {0};
    if (!parse_confirm_path(path, id, token) || waiting_read(p->repo, id, &w) ||
        !token_matches(token, w.token_hash)) {
        error_clear();
        desk_message(p->repo, p->lang, 404, "desk_not_found_title", "desk_not_found_text", p->root,
                     r);
        waiting_free(&w);
        return;
    }
    if (!desk_lang_available(p->repo, lang))
        p->lang = desk_lang_available(p->repo, w.lang) ? w.lang : p->lang;
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if (get) {
        r->status = 200;
        confirm_page(p, &w, token, r);
    } else if (strcmp(method, "POST")) {
        desk_message(p->repo, p->lang, 405, "desk_method_title", "desk_method_text", p->root, r);
    } else {
        struct form f = {0};
        char expected[65];
        desk_csrf(p->d, "confirm", 0, token, expected);
        const char *csrf = NULL;
        if (desk_read_form(req, &f))
            error_clear();
        else
            csrf = form_get(&f, "csrf");
        if (!csrf || !token_equal(csrf, expected)) {
            desk_message(p->repo, p->lang, 403, "desk_forbidden_title", "desk_forbidden_text",
                         p->root, r);
        } else {
            struct notifier n;
            unsigned long number = 0;
            bool again = false;
            char **warnings = NULL;
            size_t nwarnings = 0;
            int rc = notifier_open(&n, p->repo);
            if (!rc) {
                rc = waiting_confirm(p->repo, &w, &n, &number, &again, &warnings, &nwarnings);
                size_t sent;
                if (!rc && !again && notifier_flush(&n, &sent))
                    desk_log_error("the acknowledgement");
                notifier_close(&n);
            }
            for (size_t i = 0; i < nwarnings; i++) {
                fprintf(stderr, "journal serve: submission %lu: warning: %s\n", number,
                        warnings[i]);
                free(warnings[i]);
            }
            free(warnings);
            if (rc == JOURNAL_EINPUT) {
                /* The journal's rules changed since it was sent (journal.yaml's limits, its
                   required translations): the author is told, the office finds why in the log. */
                desk_log_error("confirmation refused");
                desk_message(p->repo, p->lang, 422, "desk_confirm_refused_title",
                             "desk_confirm_refused_text", p->root, r);
            } else if (rc) {
                desk_log_error("confirmation");
                desk_message(p->repo, p->lang, 500, "desk_error_title", "desk_error_text", p->root,
                             r);
            } else {
                if (!again)
                    fprintf(stderr, "journal serve: received submission %lu\n", number);
                char *page = xasprintf("%s?lang=%s", token, p->lang);
                desk_redirect(page, r);
                free(page);
            }
        }
        form_free(&f);
    }
    waiting_free(&w);
}

bool desk_submit_handle(struct desk *d, struct journal_repo *repo, const char *method,
                        const char *path, const char *lang, const struct request *req,
                        struct reply *r)
{
    bool submit = !strcmp(path, "/submit");
    bool mine = submit || !strncmp(path, "/confirm/", 9);
    /* Expiry runs on the author's pages, and at most once a minute on any other request, so
       that a desk nobody submits to still forgets its unconfirmed submissions. */
    static pthread_mutex_t expiry_lock = PTHREAD_MUTEX_INITIALIZER;
    static time_t last_expiry;
    time_t now = time(NULL);
    pthread_mutex_lock(&expiry_lock);
    bool expire = mine || now - last_expiry >= 60;
    if (expire)
        last_expiry = now;
    pthread_mutex_unlock(&expiry_lock);
    if (!mine) {
        char *forms = xasprintf("%s/desk/forms", repo->state_dir);
        if (expire && waiting_expire(repo, forms, (long long)now, NULL))
            desk_log_error("expiring waiting submissions");
        free(forms);
        return false;
    }
    struct page p = {d, repo, NULL, "", NULL};
    desk_root(path, p.root, sizeof(p.root));
    p.forms = xasprintf("%s/desk/forms", repo->state_dir);
    const char *fallback = desk_main_lang(repo);
    p.lang = desk_lang_available(repo, lang) ? lang : fallback;
    /* Waiting submissions and forms left past desk_confirm_hours go first. */
    if (waiting_expire(repo, p.forms, (long long)now, NULL))
        desk_log_error("expiring waiting submissions");
    bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    if (!submit) {
        confirm(&p, method, path, lang, req, r);
    } else if (get) {
        char fid[TOKEN_HEX_LEN + 1];
        if (token_new(fid)) {
            desk_log_error("submission form");
            desk_message(repo, p.lang, 500, "desk_error_title", "desk_error_text", p.root, r);
        } else {
            r->status = 200;
            form_page(&p, fid, NULL, NULL, 0, -1, r);
        }
    } else if (strcmp(method, "POST")) {
        desk_message(repo, p.lang, 405, "desk_method_title", "desk_method_text", p.root, r);
    } else {
        submit_post(&p, req, r);
    }
    free(p.forms);
    return true;
}
