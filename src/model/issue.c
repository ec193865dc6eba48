#include "model/issue.h"

#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const issue_keys[] = {"volume",      "number",     "year",     "date",
                                         "title",       "special",    "articles", "guest_editors",
                                         "corrections", "pagination", NULL};
static const char *const editor_keys[] = {"name", "affiliation", NULL};
static const char *const article_keys[] = {"submission", "pages", "supplementary", NULL};
static const char *const correction_keys[] = {"date", "note", NULL};

static unsigned long required_uint(struct ydoc *d, yaml_node_t *root, const char *key)
{
    unsigned long v = 0;
    yaml_node_t *n = ydoc_get(d, root, key);
    if (!n)
        error_add_at(d->file, 1, 1, "missing required field '%s'", key);
    else if (!ydoc_uint(n, &v) || !v)
        ydoc_problem(d, n, "'%s' must be a positive whole number", key);
    return v;
}

void issue_add_guest_editor(struct issue_manifest *is, const char *name, const char *affiliation)
{
    is->guest_editors =
        xrealloc(is->guest_editors, (is->nguest_editors + 1) * sizeof(*is->guest_editors));
    struct guest_editor *g = &is->guest_editors[is->nguest_editors++];
    memset(g, 0, sizeof(*g));
    g->name = xstrdup(name);
    if (affiliation && *affiliation) {
        g->affiliation = xstrdup(affiliation);
        localised_set(&g->affiliations, NULL, affiliation);
    }
}

/* The journal's main language's text, else the first given. */
static char *main_text(const struct localised_text *t, const struct journal_config *journal)
{
    const char *text = localised_get(t, journal ? journal->languages[0] : NULL, NULL);
    return text ? xstrdup(text) : NULL;
}

void issue_set_text(struct issue_manifest *is, bool special, const char *lang, const char *text,
                    const struct journal_config *journal)
{
    struct localised_text *t = special ? &is->specials : &is->titles;
    char **main = special ? &is->special : &is->title;
    bool one = !t->n || (t->n == 1 && !t->lang[0]);
    if (!lang && !one && journal)
        lang = journal->languages[0];
    if (lang && one && t->n) {
        /* One text becomes one per language: the old one was the main language's. */
        char *old = xstrdup(t->text[0]);
        localised_free(t);
        if (journal)
            localised_set(t, journal->languages[0], old);
        free(old);
    }
    localised_set(t, lang, text);
    free(*main);
    *main = main_text(t, journal);
}

void issue_clear_guest_editors(struct issue_manifest *is)
{
    for (size_t i = 0; i < is->nguest_editors; i++) {
        free(is->guest_editors[i].name);
        free(is->guest_editors[i].affiliation);
        localised_free(&is->guest_editors[i].affiliations);
    }
    free(is->guest_editors);
    is->guest_editors = NULL;
    is->nguest_editors = 0;
}

void issue_parse_guest_editors(struct ydoc *d, yaml_node_t *n, struct issue_manifest *is,
                               const struct journal_config *journal)
{
    if (!n || ydoc_is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n, "'guest_editors' must be a list of names or {name, affiliation}");
        return;
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        const char *name = ydoc_scalar(item);
        struct localised_text affiliations = {0};
        if (item->type == YAML_MAPPING_NODE) {
            ydoc_check_keys(d, item, editor_keys, "a guest editor");
            name = ydoc_scalar(ydoc_get(d, item, "name"));
            localised_parse(d, ydoc_get(d, item, "affiliation"), "affiliation", NULL,
                            journal ? journal->languages : NULL, journal ? journal->nlanguages : 0,
                            &affiliations);
        }
        if (!name || !*name) {
            ydoc_problem(d, item, "expected a guest editor's name, or {name, affiliation}");
            localised_free(&affiliations);
            continue;
        }
        issue_add_guest_editor(is, name, NULL);
        struct guest_editor *g = &is->guest_editors[is->nguest_editors - 1];
        g->affiliations = affiliations;
        g->affiliation = main_text(&affiliations, journal);
    }
}

bool issue_number_parse(const char *text, unsigned long *number, bool *special_series)
{
    if (!text)
        return false;
    bool special = *text == 'S' || *text == 's';
    const char *digits = text + special;
    size_t len = strlen(digits);
    if (!len || len > 18 || strspn(digits, "0123456789") != len)
        return false;
    unsigned long v = strtoul(digits, NULL, 10);
    if (!v)
        return false;
    *number = v;
    *special_series = special;
    return true;
}

const char *issue_number_text(const struct issue_manifest *is, char buf[ISSUE_NUMBER_SIZE])
{
    snprintf(buf, ISSUE_NUMBER_SIZE, "%s%lu", is->special_series ? "S" : "", is->number);
    return buf;
}

/* number: 2, or S1 for the special series. */
static void parse_number(struct ydoc *d, yaml_node_t *root, struct issue_manifest *is)
{
    yaml_node_t *n = ydoc_get(d, root, "number");
    if (!n)
        error_add_at(d->file, 1, 1, "missing required field 'number'");
    else if (!issue_number_parse(ydoc_scalar(n), &is->number, &is->special_series))
        ydoc_problem(d, n,
                     "'number' must be a positive whole number, or S and one for an issue in "
                     "the volume's series of special issues (S1)");
}

bool issue_supplementary_allowed(const char *path, const char **why)
{
    /* Served from the journal's own origin, these would run there as its pages do. */
    static const char *const active[] = {".html", ".htm",  ".xhtml", ".xht", ".shtml",
                                         ".svg",  ".svgz", ".xml",   ".xsl", ".xslt",
                                         ".js",   ".mjs",  NULL};
    if (!path || !fs_is_safe_relative(path)) {
        *why = "expected the path of one of the submission's attachments, under "
               "submissions/N/files/ (no '..', '.' or empty parts)";
        return false;
    }
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && active[i]; i++)
        if (!strcasecmp(dot, active[i])) {
            *why = "a web page, SVG, XML or script file would run on the journal's site as its "
                   "own pages do; publish it in a ZIP archive instead";
            return false;
        }
    return true;
}

void issue_add_supplementary(struct issue_manifest *is, size_t k, const char *path)
{
    struct issue_supplementary *s = &is->supplementary[k];
    for (size_t i = 0; i < s->nfiles; i++)
        if (!strcmp(s->files[i], path))
            return;
    s->files = xrealloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
    s->files[s->nfiles++] = xstrdup(path);
}

/* supplementary: [data.csv, figures/raw.zip], the attachments published with the article. */
static void parse_supplementary(struct ydoc *d, yaml_node_t *n, struct issue_manifest *is, size_t k)
{
    if (!n || ydoc_is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n,
                     "'supplementary' must be a list of the submission's attachments (paths "
                     "under submissions/N/files/), such as [data.csv]");
        return;
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        const char *path = ydoc_scalar(item), *why = NULL;
        if (!issue_supplementary_allowed(path, &why))
            ydoc_problem(d, item, "supplementary material '%s': %s", path ? path : "", why);
        else
            issue_add_supplementary(is, k, path);
    }
}

int issue_parse(struct issue_manifest *is, unsigned long id, const char *file, const char *text,
                size_t len, const struct journal_config *journal)
{
    struct ydoc d;
    yaml_node_t *root;
    memset(is, 0, sizeof(*is));
    is->id = id;
    int rc = ydoc_load_mapping(&d, file, text, len, issue_keys, "an issue",
                               "an issue: volume, number, year, date, articles", &root);
    if (rc)
        return rc;
    is->volume = required_uint(&d, root, "volume");
    parse_number(&d, root, is);
    is->year = required_uint(&d, root, "year");

    yaml_node_t *n = ydoc_get(&d, root, "date");
    const char *date = ydoc_scalar(n);
    if (!n)
        error_add_at(file, 1, 1, "missing required field 'date'");
    else if (!date || !date_is_valid(date))
        ydoc_problem(&d, n, "'date' must be a date written YYYY-MM-DD");
    else
        is->date = xstrdup(date);

    char *const *ours = journal ? journal->languages : NULL;
    size_t nours = journal ? journal->nlanguages : 0;
    localised_parse(&d, ydoc_get(&d, root, "title"), "title", NULL, ours, nours, &is->titles);
    localised_parse(&d, ydoc_get(&d, root, "special"), "special", NULL, ours, nours, &is->specials);
    is->title = main_text(&is->titles, journal);
    is->special = main_text(&is->specials, journal);
    issue_parse_guest_editors(&d, ydoc_get(&d, root, "guest_editors"), is, journal);

    n = ydoc_get(&d, root, "pagination");
    const char *pagination = ydoc_scalar(n);
    if (n && (!pagination || (strcmp(pagination, "typeset") && strcmp(pagination, "estimated"))))
        ydoc_problem(&d, n,
                     "'pagination' must be typeset (the page ranges were counted in the PDF "
                     "galleys) or estimated");
    is->pages_typeset = pagination && !strcmp(pagination, "typeset");

    n = ydoc_get(&d, root, "articles");
    if (!n) {
        error_add_at(file, 1, 1, "missing required field 'articles'");
    } else if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(&d, n, "'articles' must be a list of submission numbers such as [3, 5, 8]");
    } else {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        is->articles = xcalloc(count ? count : 1, sizeof(*is->articles));
        is->article_lines = xcalloc(count ? count : 1, sizeof(*is->article_lines));
        is->pages = xcalloc(count ? count : 1, sizeof(*is->pages));
        is->supplementary = xcalloc(count ? count : 1, sizeof(*is->supplementary));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            yaml_node_t *item = ydoc_node(&d, *it);
            unsigned long v;
            const char *pages = NULL;
            yaml_node_t *supplementary = NULL;
            /* An entry is a number, or {submission: N, pages: "1-14"} once an issue is built. */
            if (item->type == YAML_MAPPING_NODE) {
                ydoc_check_keys(&d, item, article_keys, "an article entry");
                supplementary = ydoc_get(&d, item, "supplementary");
                yaml_node_t *p = ydoc_get(&d, item, "pages");
                pages = ydoc_scalar(p);
                if (p && !pages)
                    ydoc_problem(&d, p, "'pages' must be a range such as 1-14");
                item = ydoc_get(&d, item, "submission");
            }
            if (!item || !ydoc_uint(item, &v) || !v) {
                ydoc_problem(&d, item ? item : ydoc_node(&d, *it), "expected a submission number");
                continue;
            }
            is->pages[is->narticles] = pages ? xstrdup(pages) : NULL;
            parse_supplementary(&d, supplementary, is, is->narticles);
            for (size_t i = 0; i < is->narticles; i++)
                if (is->articles[i] == v)
                    ydoc_problem(&d, item, "submission %lu is listed twice", v);
            is->article_lines[is->narticles] = ydoc_line(&d, item);
            is->articles[is->narticles++] = v;
        }
    }
    n = ydoc_get(&d, root, "corrections");
    if (n && n->type == YAML_SEQUENCE_NODE) {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        is->corrections = xcalloc(count ? count : 1, sizeof(*is->corrections));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            yaml_node_t *item = ydoc_node(&d, *it);
            ydoc_check_keys(&d, item, correction_keys, "a correction");
            const char *cdate = ydoc_scalar(ydoc_get(&d, item, "date"));
            const char *note = ydoc_scalar(ydoc_get(&d, item, "note"));
            if (!cdate || !date_is_valid(cdate) || !note) {
                ydoc_problem(&d, item, "a correction needs date (YYYY-MM-DD) and note");
                continue;
            }
            is->corrections[is->ncorrections++] =
                (struct issue_correction){xstrdup(cdate), xstrdup(note)};
        }
    } else if (n && !ydoc_is_null(n)) {
        ydoc_problem(&d, n, "'corrections' must be a list of {date, note}");
    }
    ydoc_free(&d);
    if (error_count()) {
        issue_free(is);
        return JOURNAL_EINPUT;
    }
    return 0;
}

void issue_free_supplementary(struct issue_manifest *is)
{
    for (size_t i = 0; is->supplementary && i < is->narticles; i++) {
        for (size_t k = 0; k < is->supplementary[i].nfiles; k++)
            free(is->supplementary[i].files[k]);
        free(is->supplementary[i].files);
    }
    free(is->supplementary);
    is->supplementary = NULL;
}

void issue_free(struct issue_manifest *is)
{
    free(is->date);
    free(is->title);
    free(is->special);
    localised_free(&is->titles);
    localised_free(&is->specials);
    issue_clear_guest_editors(is);
    for (size_t i = 0; i < is->narticles; i++)
        free(is->pages ? is->pages[i] : NULL);
    free(is->pages);
    issue_free_supplementary(is);
    for (size_t i = 0; i < is->ncorrections; i++) {
        free(is->corrections[i].date);
        free(is->corrections[i].note);
    }
    free(is->corrections);
    free(is->articles);
    free(is->article_lines);
    memset(is, 0, sizeof(*is));
}

char *issue_label(const struct issue_manifest *is)
{
    if (is->special_series)
        return xasprintf("Vol. %lu, Special Issue %lu (%lu)", is->volume, is->number, is->year);
    return xasprintf("Vol. %lu, No. %lu (%lu)", is->volume, is->number, is->year);
}

static void pair_number(struct ywriter *w, const char *key, unsigned long v)
{
    char num[32];
    snprintf(num, sizeof(num), "%lu", v);
    ywriter_pair_plain(w, key, num);
}

void issue_write(const struct issue_manifest *is, struct strbuf *out)
{
    struct ywriter w;
    ywriter_begin(&w, out);
    ywriter_map_begin(&w);
    pair_number(&w, "volume", is->volume);
    char number[ISSUE_NUMBER_SIZE];
    ywriter_pair_plain(&w, "number", issue_number_text(is, number));
    pair_number(&w, "year", is->year);
    ywriter_pair_plain(&w, "date", is->date);
    localised_write(&w, "title", &is->titles);
    localised_write(&w, "special", &is->specials);
    if (is->nguest_editors) {
        ywriter_plain(&w, "guest_editors");
        ywriter_seq_begin(&w, false);
        for (size_t i = 0; i < is->nguest_editors; i++) {
            ywriter_map_begin(&w);
            ywriter_pair(&w, "name", is->guest_editors[i].name);
            localised_write(&w, "affiliation", &is->guest_editors[i].affiliations);
            ywriter_map_end(&w);
        }
        ywriter_seq_end(&w);
    }
    bool paged = false;
    for (size_t i = 0; is->pages && i < is->narticles; i++)
        paged = paged || is->pages[i];
    if (paged)
        ywriter_pair_plain(&w, "pagination", is->pages_typeset ? "typeset" : "estimated");
    ywriter_plain(&w, "articles");
    ywriter_seq_begin(&w, false);
    for (size_t i = 0; i < is->narticles; i++) {
        ywriter_map_begin(&w);
        pair_number(&w, "submission", is->articles[i]);
        if (is->pages && is->pages[i])
            ywriter_pair(&w, "pages", is->pages[i]);
        if (is->supplementary && is->supplementary[i].nfiles) {
            ywriter_plain(&w, "supplementary");
            ywriter_seq_begin(&w, true);
            for (size_t k = 0; k < is->supplementary[i].nfiles; k++)
                ywriter_scalar(&w, is->supplementary[i].files[k]);
            ywriter_seq_end(&w);
        }
        ywriter_map_end(&w);
    }
    ywriter_seq_end(&w);
    if (is->ncorrections) {
        ywriter_plain(&w, "corrections");
        ywriter_seq_begin(&w, false);
        for (size_t i = 0; i < is->ncorrections; i++) {
            ywriter_map_begin(&w);
            ywriter_pair_plain(&w, "date", is->corrections[i].date);
            ywriter_pair(&w, "note", is->corrections[i].note);
            ywriter_map_end(&w);
        }
        ywriter_seq_end(&w);
    }
    ywriter_map_end(&w);
    ywriter_end(&w);
}
