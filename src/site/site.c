#define _POSIX_C_SOURCE 200809L
#include "site/site.h"

#include "export/citation.h"
#include "model/config.h"
#include "model/country.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "model/roster.h"
#include "site/i18n.h"
#include "site/markdown.h"
#include "site/stats_page.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/frontmatter.h"
#include "util/fs.h"
#include "util/mustache.h"
#include "util/utf8.h"
#include "util/yaml.h"
#include "version.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct article {
    unsigned long number;
    struct manuscript m;
    struct submission_record r;
    const struct issue_manifest *issue;
    struct review *open_reviews; /* signed reviews, published under open review only */
    size_t nopen_reviews;
};

struct asset {
    char *path; /* relative to the theme's assets/ */
    git_oid id;
};

/*
 * The site in one of its languages. The first language of journal.yaml is
 * at the top of the site; each other one is a folder of its own ("ru/")
 * with the same pages. Articles are published once, at the top, with the
 * interface of their own language around them.
 */
struct view {
    const char *lang;
    char *dir; /* "" or "ru/" */
    struct i18n *t;
};

/* A Markdown page of the journal (pages/<slug>.md, pages/<slug>.<lang>.md). */
struct md_page {
    char *slug;
    char *lang; /* NULL: the journal's first language */
    char *title;
    char *description;
    char *html;
    long order; /* in the navigation */
    bool nav;
};

struct build {
    struct journal_repo *repo;
    git_tree *tree;
    struct country_db *countries;
    struct language_db *languages;
    struct mustache_set *templates;
    struct roster roster; /* for the names on signed open reviews */
    bool open_review;
    struct asset *assets;
    size_t nassets, assets_alloc;
    struct asset *strings; /* the theme's i18n/<lang>.yaml files */
    size_t nstrings, strings_alloc;
    struct view *views; /* one per language of the site, the first one first */
    size_t nviews;
    struct md_page *pages;
    size_t npages;
    struct issue_manifest *issues; /* newest first */
    size_t nissues;
    struct article *articles;
    size_t narticles;
    char *out; /* the temporary folder being filled */
    struct site_stats *stats;
};

/* ---- the theme ---- */

struct theme_walk {
    struct build *b;
    int rc;
};

static int theme_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    struct theme_walk *w = payload;
    struct build *b = w->b;
    const char *name = git_tree_entry_name(entry);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    if (!strcmp(root, "templates/")) {
        size_t len = strlen(name);
        if (len <= 9 || strcmp(name + len - 9, ".mustache"))
            return 0;
        git_blob *blob = NULL;
        if (git_blob_lookup(&blob, b->repo->git, git_tree_entry_id(entry)) < 0) {
            w->rc = repo_git_error(name);
            return -1;
        }
        char *tname = xstrndup(name, len - 9);
        char *file = xasprintf("themes/%s/templates/%s", b->repo->config.theme, name);
        /* Errors name the file, not the template, so an editor can open it. */
        w->rc = mustache_set_add(b->templates, tname, git_blob_rawcontent(blob),
                                 (size_t)git_blob_rawsize(blob));
        if (w->rc)
            error_prefix("%s", file);
        free(file);
        free(tname);
        git_blob_free(blob);
        return w->rc ? -1 : 0;
    }
    if (!strcmp(root, "i18n/")) {
        size_t len = strlen(name);
        if (len <= 5 || strcmp(name + len - 5, ".yaml"))
            return 0;
        ARRAY_GROW(b->strings, b->nstrings + 1, b->strings_alloc);
        struct asset *a = &b->strings[b->nstrings++];
        a->path = xstrndup(name, len - 5);
        git_oid_cpy(&a->id, git_tree_entry_id(entry));
        return 0;
    }
    if (!strncmp(root, "assets/", 7) || !strcmp(root, "assets/")) {
        ARRAY_GROW(b->assets, b->nassets + 1, b->assets_alloc);
        struct asset *a = &b->assets[b->nassets++];
        a->path = xasprintf("%s%s", root + 7, name);
        git_oid_cpy(&a->id, git_tree_entry_id(entry));
    }
    return 0;
}

static int load_theme(struct build *b)
{
    char *dir = xasprintf("themes/%s", b->repo->config.theme);
    git_tree *theme = NULL;
    int rc = repo_subtree(b->repo->git, b->tree, dir, &theme);
    if (rc)
        goto done;
    if (!theme) {
        rc = error_input("%s: theme '%s' is not in the journal (set theme: in journal.yaml, or "
                         "commit the theme folder)",
                         dir, b->repo->config.theme);
        goto done;
    }
    b->templates = mustache_set_new();
    struct theme_walk w = {b, 0};
    if (git_tree_walk(theme, GIT_TREEWALK_PRE, theme_entry, &w) < 0 && !w.rc)
        w.rc = repo_git_error(dir);
    rc = w.rc;
    static const char *const required[] = {"home", "issue", "article"};
    for (size_t i = 0; !rc && i < 3; i++)
        if (!mustache_set_has(b->templates, required[i]))
            rc = error_input("%s/templates/%s.mustache: missing; the theme needs it", dir,
                             required[i]);
done:
    git_tree_free(theme);
    free(dir);
    return rc;
}

/* One view per language of the site, each with the theme's strings for it. */
static int load_views(struct build *b)
{
    const struct journal_config *c = &b->repo->config;
    b->views = xcalloc(c->nlanguages, sizeof(*b->views));
    for (size_t i = 0; i < c->nlanguages; i++) {
        struct view *v = &b->views[b->nviews++];
        v->lang = c->languages[i];
        v->dir = i ? xasprintf("%s/", v->lang) : xstrdup("");
        const struct asset *file = NULL;
        for (size_t k = 0; k < b->nstrings && !file; k++)
            if (!strcmp(b->strings[k].path, v->lang))
                file = &b->strings[k];
        char *path = xasprintf("themes/%s/i18n/%s.yaml", c->theme, v->lang);
        int rc = 0;
        git_blob *blob = NULL;
        if (!file)
            rc = error_input("%s: missing: journal.yaml lists '%s' among the site's languages, "
                             "so the theme needs its interface strings (copy en.yaml and "
                             "translate it)",
                             path, v->lang);
        else if (git_blob_lookup(&blob, b->repo->git, &file->id) < 0)
            rc = repo_git_error(path);
        else
            rc = i18n_parse(&v->t, v->lang, path, git_blob_rawcontent(blob),
                            (size_t)git_blob_rawsize(blob));
        git_blob_free(blob);
        free(path);
        if (rc)
            return rc;
    }
    return 0;
}

/* The view an article is shown in: its own language's, else the journal's first. */
static const struct view *view_for(const struct build *b, const char *lang)
{
    for (size_t i = 0; lang && i < b->nviews; i++)
        if (!strcmp(b->views[i].lang, lang))
            return &b->views[i];
    return &b->views[0];
}

/* ---- the journal's own pages: pages/<slug>.md and pages/<slug>.<lang>.md ---- */

/* Folders the site makes itself; a page may not take their place. */
static const char *const reserved_slugs[] = {"archive", "articles", "assets",   "authors",
                                             "board",   "issues",   "keywords", "statistics",
                                             "index",   NULL};

static bool slug_is_valid(const char *slug)
{
    if (!*slug || *slug == '-')
        return false;
    for (const char *p = slug; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static const char *const page_keys[] = {"title", "description", "nav", "order", NULL};

static int parse_page(struct build *b, const char *file, const char *text, size_t len,
                      struct md_page *pg)
{
    struct frontmatter fm;
    size_t bad;
    error_clear();
    if (!utf8_validate(text, len, &bad)) {
        size_t line, col;
        utf8_position(text, bad, &line, &col);
        return error_at(file, line, col, "invalid UTF-8: save the page as UTF-8");
    }
    int rc = frontmatter_split(file, text, len, "title, description, ...", &fm);
    if (rc)
        return rc;
    struct ydoc d;
    yaml_node_t *root;
    /* The front matter starts on line 2: messages point at the file's own lines. */
    rc = ydoc_load(&d, file, fm.yaml, fm.yaml_len, 1);
    if (rc)
        return rc;
    root = ydoc_root(&d);
    if (!root || root->type != YAML_MAPPING_NODE) {
        ydoc_free(&d);
        return error_at(file, 2, 1, "expected front matter with the page's title (title: ...)");
    }
    ydoc_check_keys(&d, root, page_keys, "a page's front matter");
    yaml_node_t *title = ydoc_get(&d, root, "title");
    if (!title || !ydoc_scalar(title) || !*ydoc_scalar(title))
        ydoc_problem(&d, title ? title : root, "expected the page's title (title: ...)");
    else
        pg->title = xstrdup(ydoc_scalar(title));
    yaml_node_t *description = ydoc_get(&d, root, "description");
    if (description && ydoc_scalar(description))
        pg->description = xstrdup(ydoc_scalar(description));
    yaml_node_t *nav = ydoc_get(&d, root, "nav");
    pg->nav = true;
    if (nav && ydoc_bool(nav) < 0)
        ydoc_problem(&d, nav, "nav must be true or false (whether the page is in the menu)");
    else if (nav)
        pg->nav = ydoc_bool(nav) == 1;
    yaml_node_t *order = ydoc_get(&d, root, "order");
    unsigned long value = 100;
    if (order && !ydoc_uint(order, &value))
        ydoc_problem(&d, order, "order must be a whole number (its place in the menu)");
    pg->order = (long)value;
    ydoc_free(&d);
    if (error_count())
        return JOURNAL_EINPUT;
    struct strbuf html = STRBUF_INIT;
    rc = markdown_to_html(fm.body, fm.body_len, b->repo->config.allow_raw_html, &html);
    if (rc)
        error_prefix("%s", file);
    pg->html = strbuf_detach(&html, NULL);
    return rc;
}

static int compare_pages(const void *x, const void *y)
{
    const struct md_page *a = x, *b = y;
    if (a->order != b->order)
        return a->order < b->order ? -1 : 1;
    return strcmp(a->slug, b->slug);
}

static int load_pages(struct build *b)
{
    git_tree *dir = NULL;
    int rc = repo_subtree(b->repo->git, b->tree, "pages", &dir);
    if (rc || !dir)
        return rc;
    size_t n = git_tree_entrycount(dir);
    b->pages = xcalloc(n ? n : 1, sizeof(*b->pages));
    for (size_t i = 0; i < n && !rc; i++) {
        const git_tree_entry *ent = git_tree_entry_byindex(dir, i);
        const char *name = git_tree_entry_name(ent);
        size_t len = strlen(name);
        if (git_tree_entry_type(ent) != GIT_OBJECT_BLOB || len <= 3 ||
            strcmp(name + len - 3, ".md"))
            continue; /* only Markdown files are pages */
        char *file = xasprintf("pages/%s", name);
        struct md_page *pg = &b->pages[b->npages++];
        pg->slug = xstrndup(name, len - 3);
        char *dot = strchr(pg->slug, '.');
        if (dot) {
            *dot = '\0';
            pg->lang = xstrdup(dot + 1);
            bool known = false;
            for (size_t k = 1; k < b->nviews; k++)
                known = known || !strcmp(b->views[k].lang, pg->lang);
            if (!known)
                rc = error_at(file, 0, 0,
                              "'%s' is not one of the site's other languages (journal.yaml "
                              "languages: lists them); name the page <name>.md, or "
                              "<name>.<language>.md for a translation",
                              pg->lang);
        }
        bool reserved = false;
        for (size_t k = 0; reserved_slugs[k]; k++)
            reserved = reserved || !strcmp(reserved_slugs[k], pg->slug);
        for (size_t k = 1; k < b->nviews; k++)
            reserved = reserved || !strcmp(b->views[k].lang, pg->slug);
        if (!rc && (!slug_is_valid(pg->slug) || reserved))
            rc = error_at(file, 0, 0,
                          "'%s' cannot be a page's name: use lowercase letters, digits and "
                          "hyphens, and none of %s or a language code",
                          pg->slug,
                          "archive, articles, assets, authors, board, issues, "
                          "keywords, statistics, index");
        struct strbuf text = STRBUF_INIT;
        if (!rc)
            rc = repo_read_from_tree(b->repo->git, b->tree, file, &text, NULL);
        if (!rc)
            rc = parse_page(b, file, text.buf, text.len, pg);
        strbuf_release(&text);
        free(file);
    }
    git_tree_free(dir);
    if (!rc)
        qsort(b->pages, b->npages, sizeof(*b->pages), compare_pages);
    /* A translation without the page in the first language would have no place in the menu. */
    for (size_t i = 0; i < b->npages && !rc; i++) {
        bool has_original = !b->pages[i].lang;
        for (size_t k = 0; k < b->npages && !has_original; k++)
            has_original = !b->pages[k].lang && !strcmp(b->pages[k].slug, b->pages[i].slug);
        if (!has_original)
            rc = error_at("pages", 0, 0, "pages/%s.%s.md translates pages/%s.md, which is missing",
                          b->pages[i].slug, b->pages[i].lang, b->pages[i].slug);
    }
    return rc;
}

/* The page in the view's language, else the original. */
static const struct md_page *page_in(const struct build *b, const char *slug, const struct view *v)
{
    const struct md_page *original = NULL;
    for (size_t i = 0; i < b->npages; i++) {
        const struct md_page *pg = &b->pages[i];
        if (strcmp(pg->slug, slug))
            continue;
        if (pg->lang && !strcmp(pg->lang, v->lang))
            return pg;
        if (!pg->lang)
            original = pg;
    }
    return original;
}

/* ---- what is published ---- */

static int load_roster(struct build *b)
{
    struct strbuf text = STRBUF_INIT;
    int rc = repo_read_from_tree(b->repo->git, b->tree, "reviewers.yaml", &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        /* Without a roster, signed reviews carry the reviewer's id. */
        error_clear();
        rc = 0;
    } else if (!rc) {
        rc = roster_parse(&b->roster, "reviewers.yaml", text.buf, text.len, b->countries,
                          b->languages);
    }
    strbuf_release(&text);
    return rc;
}

static int compare_issues(const void *a, const void *b)
{
    const struct issue_manifest *x = a, *y = b;
    int c = strcmp(y->date, x->date);
    if (c)
        return c;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

static int load_issues(struct build *b)
{
    git_tree *dir = NULL;
    int rc = repo_subtree(b->repo->git, b->tree, "issues", &dir);
    if (rc || !dir)
        return rc;
    size_t n = git_tree_entrycount(dir);
    char today[11];
    date_today(today);
    b->issues = xcalloc(n ? n : 1, sizeof(*b->issues));
    for (size_t i = 0; i < n && !rc; i++) {
        const git_tree_entry *ent = git_tree_entry_byindex(dir, i);
        const char *name = git_tree_entry_name(ent);
        unsigned long id = repo_entry_number(name, ".yaml");
        if (!id)
            continue;
        char *path = xasprintf("issues/%s", name);
        struct strbuf text = STRBUF_INIT;
        rc = repo_read_from_tree(b->repo->git, b->tree, path, &text, NULL);
        if (!rc)
            rc = issue_parse(&b->issues[b->nissues], id, path, text.buf, text.len);
        /* A scheduled issue (dated in the future) is not public yet. */
        if (!rc && strcmp(b->issues[b->nissues].date, today) > 0)
            issue_free(&b->issues[b->nissues]);
        else if (!rc)
            b->nissues++;
        strbuf_release(&text);
        free(path);
    }
    git_tree_free(dir);
    if (!rc)
        qsort(b->issues, b->nissues, sizeof(*b->issues), compare_issues);
    return rc;
}

struct signed_walk {
    struct build *b;
    struct article *a;
    int rc;
};

/* Only reviews whose reviewers agreed (signed: true) are read into the site; nothing else is. */
static int signed_review_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    struct signed_walk *w = payload;
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
        return 0;
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, w->b->repo->git, git_tree_entry_id(entry)) < 0) {
        w->rc = repo_git_error(git_tree_entry_name(entry));
        return -1;
    }
    char *path =
        xasprintf("submissions/%lu/reviews/%s%s", w->a->number, root, git_tree_entry_name(entry));
    struct review rv;
    w->rc = review_parse(&rv, path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    if (!w->rc && rv.signed_review) {
        free(rv.confidential);
        rv.confidential = NULL;
        w->a->open_reviews =
            xrealloc(w->a->open_reviews, (w->a->nopen_reviews + 1) * sizeof(*w->a->open_reviews));
        w->a->open_reviews[w->a->nopen_reviews++] = rv;
    } else if (!w->rc) {
        review_free(&rv);
    }
    free(path);
    git_blob_free(blob);
    return w->rc ? -1 : 0;
}

static int load_open_reviews(struct build *b, struct article *a)
{
    char path[64];
    git_tree *dir = NULL;
    snprintf(path, sizeof(path), "submissions/%lu/reviews", a->number);
    int rc = repo_subtree(b->repo->git, b->tree, path, &dir);
    if (rc || !dir)
        return rc;
    struct signed_walk w = {b, a, 0};
    if (git_tree_walk(dir, GIT_TREEWALK_PRE, signed_review_entry, &w) < 0 && !w.rc)
        w.rc = repo_git_error(path);
    git_tree_free(dir);
    return w.rc;
}

static int load_article(struct build *b, const struct issue_manifest *is, size_t k,
                        struct article *a)
{
    char path[96];
    char issue_file[64];
    struct strbuf text = STRBUF_INIT;
    unsigned long number = is->articles[k];
    snprintf(issue_file, sizeof(issue_file), "issues/%lu.yaml", is->id);
    a->number = number;
    a->issue = is;
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
    int rc = repo_read_from_tree(b->repo->git, b->tree, path, &text, NULL);
    if (rc == JOURNAL_EINPUT) {
        rc = error_at(issue_file, is->article_lines[k], 0,
                      "lists submission %lu, which does not exist", number);
        goto done;
    }
    if (!rc)
        rc = record_parse(&a->r, path, text.buf, text.len);
    if (rc)
        goto done;
    if (strcmp(a->r.state, "published")) {
        rc = error_at(issue_file, is->article_lines[k], 0,
                      "lists submission %lu, which is not published (its state is %s); only "
                      "published articles appear on the site%s",
                      number, a->r.state,
                      strcmp(a->r.state, "scheduled") ? ""
                                                      : " (the issue's date has come: run "
                                                        "journal build-issue to publish it)");
        goto done;
    }
    strbuf_reset(&text);
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    rc = repo_read_from_tree(b->repo->git, b->tree, path, &text, NULL);
    if (!rc) {
        struct manuscript_rules rules = {b->countries, b->languages, b->repo->config.languages[0]};
        rc = manuscript_parse(&a->m, path, text.buf, text.len, &rules);
    }
    if (!rc && b->open_review)
        rc = load_open_reviews(b, a);
done:
    strbuf_release(&text);
    return rc;
}

static int load_articles(struct build *b)
{
    size_t total = 0;
    for (size_t i = 0; i < b->nissues; i++)
        total += b->issues[i].narticles;
    b->articles = xcalloc(total ? total : 1, sizeof(*b->articles));
    for (size_t i = 0; i < b->nissues; i++) {
        const struct issue_manifest *is = &b->issues[i];
        for (size_t k = 0; k < is->narticles; k++) {
            for (size_t j = 0; j < b->narticles; j++)
                if (b->articles[j].number == is->articles[k])
                    return error_at("issues", 0, 0,
                                    "submission %lu is listed in issue %lu and issue %lu",
                                    is->articles[k], b->articles[j].issue->id, is->id);
            int rc = load_article(b, is, k, &b->articles[b->narticles]);
            b->narticles++;
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- page data ---- */

static void set_str(json_t *obj, const char *key, const char *value)
{
    if (value)
        json_object_set_new(obj, key, json_string(value));
}

/* "15 January 2026", "15 января 2026 г." */
static char *view_date(const struct view *v, const char *iso)
{
    if (!date_is_valid(iso))
        return xstrdup(iso);
    char day[4], month_key[12];
    snprintf(day, sizeof(day), "%d", atoi(iso + 8));
    snprintf(month_key, sizeof(month_key), "month_%d", atoi(iso + 5));
    char *year = xstrndup(iso, 4);
    const char *names[] = {"day", "month", "year", NULL};
    const char *values[] = {day, i18n_text(v->t, month_key), year, NULL};
    char *text = i18n_format(v->t, "date_format", names, values);
    free(year);
    return text;
}

/* "Vol. 1, No. 2 (2025)", "Т. 1, № 2 (2025)" */
static char *view_issue_label(const struct view *v, const struct issue_manifest *is)
{
    char volume[24], number[24], year[24];
    snprintf(volume, sizeof(volume), "%lu", is->volume);
    snprintf(number, sizeof(number), "%lu", is->number);
    snprintf(year, sizeof(year), "%lu", is->year);
    const char *names[] = {"volume", "number", "year", NULL};
    const char *values[] = {volume, number, year, NULL};
    return i18n_format(v->t, "issue_label", names, values);
}

/* A label the theme may not translate (an older theme): the built-in English one then. */
static const char *view_label(const struct view *v, const char *prefix, const char *code,
                              const char *english)
{
    char *key = xasprintf("%s%s", prefix, code);
    const char *text = i18n_text(v->t, key);
    bool missing = text == key;
    free(key);
    return missing ? english : text;
}

static void set_date(const struct view *v, json_t *obj, const char *key, const char *iso)
{
    if (!iso)
        return;
    char *display = view_date(v, iso);
    char *display_key = xasprintf("%s_display", key);
    set_str(obj, key, iso);
    set_str(obj, display_key, display);
    free(display_key);
    free(display);
}

/* Journal texts (Markdown, from journal.yaml) as HTML, in the view's language. */
static void set_localised_html(struct build *b, const struct view *v, json_t *obj, const char *key,
                               const struct localised_text *text)
{
    const char *md = localised_get(text, v->lang, b->views[0].lang);
    if (!md)
        return;
    struct strbuf html = STRBUF_INIT;
    if (markdown_to_html(md, strlen(md), false, &html) == 0)
        set_str(obj, key, html.buf);
    strbuf_release(&html);
}

static json_t *site_json(struct build *b, const struct view *v)
{
    const struct journal_config *c = &b->repo->config;
    json_t *site = json_object();
    set_str(site, "title", localised_get(&c->titles, v->lang, b->views[0].lang));
    set_str(site, "publisher", c->publisher);
    set_str(site, "issn", c->issn);
    set_str(site, "base_url", c->base_url);
    set_str(site, "license", c->license);
    set_localised_html(b, v, site, "description_html", &c->descriptions);
    set_localised_html(b, v, site, "aims_html", &c->aims_and_scope);
    set_localised_html(b, v, site, "call_html", &c->call_for_papers);
    json_t *langs = json_array();
    for (size_t i = 0; i < c->nlanguages; i++)
        json_array_append_new(langs, json_string(c->languages[i]));
    json_object_set_new(site, "languages", langs);
    return site;
}

static json_t *issue_summary_json(const struct view *v, const struct issue_manifest *is)
{
    json_t *o = json_object();
    char *url = xasprintf("issues/%lu/index.html", is->id);
    char *label = view_issue_label(v, is);
    json_object_set_new(o, "id", json_integer((json_int_t)is->id));
    set_str(o, "url", url);
    json_object_set_new(o, "volume", json_integer((json_int_t)is->volume));
    json_object_set_new(o, "number", json_integer((json_int_t)is->number));
    json_object_set_new(o, "year", json_integer((json_int_t)is->year));
    set_date(v, o, "date", is->date);
    set_str(o, "title", is->title);
    set_str(o, "special", is->special);
    set_str(o, "label", label);
    json_object_set_new(o, "article_count", json_integer((json_int_t)is->narticles));
    json_t *editors = json_array();
    for (size_t i = 0; i < is->nguest_editors; i++)
        json_array_append_new(editors,
                              json_pack("{s:s, s:s?, s:b}", "name", is->guest_editors[i].name,
                                        "affiliation", is->guest_editors[i].affiliation, "last",
                                        i + 1 == is->nguest_editors));
    json_object_set_new(o, "has_guest_editors", json_boolean(is->nguest_editors > 0));
    json_object_set_new(o, "guest_editors", editors);
    free(url);
    free(label);
    return o;
}

/* "A, B and C"; "A, B и C" */
static char *authors_line(const struct view *v, const struct manuscript *m)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nauthors; i++) {
        if (i + 1 == m->nauthors && i)
            strbuf_addf(&sb, " %s ", i18n_text(v->t, "and"));
        else if (i)
            strbuf_addstr(&sb, ", ");
        strbuf_addstr(&sb, m->authors[i].name);
    }
    return strbuf_detach(&sb, NULL);
}

static json_t *article_summary_json(const struct build *b, const struct view *v,
                                    const struct article *a)
{
    json_t *o = json_object();
    char *url = xasprintf("articles/%lu/index.html", a->number);
    /* The names are the article's: joined in its language whatever the page's. */
    char *line = authors_line(view_for(b, a->m.lang), &a->m);
    json_object_set_new(o, "id", json_integer((json_int_t)a->number));
    set_str(o, "url", url);
    set_str(o, "title", a->m.title);
    set_str(o, "subtitle", a->m.subtitle);
    set_str(o, "lang", a->m.lang);
    set_str(o, "type", a->m.type);
    set_str(o, "type_label", view_label(v, "type_", a->m.type, manuscript_type_label(a->m.type)));
    set_str(o, "authors_line", line);
    free(url);
    free(line);
    return o;
}

static const struct article *find_article(struct build *b, unsigned long number)
{
    for (size_t i = 0; i < b->narticles; i++)
        if (b->articles[i].number == number)
            return &b->articles[i];
    return NULL;
}

static json_t *issue_full_json(struct build *b, const struct view *v,
                               const struct issue_manifest *is)
{
    json_t *o = issue_summary_json(v, is);
    json_t *list = json_array();
    /* The table of contents by section: runs of one article type, in the issue's order. */
    json_t *sections = json_array();
    json_t *section = NULL;
    const char *type = NULL;
    for (size_t k = 0; k < is->narticles; k++) {
        const struct article *a = find_article(b, is->articles[k]);
        if (!a)
            continue;
        json_array_append_new(list, article_summary_json(b, v, a));
        if (!type || strcmp(type, a->m.type)) {
            type = a->m.type;
            section =
                json_pack("{s:s, s:s, s:[]}", "type", type, "title",
                          view_label(v, "section_", type, manuscript_type_label(type)), "articles");
            json_array_append_new(sections, section);
        }
        json_array_append_new(json_object_get(section, "articles"), article_summary_json(b, v, a));
    }
    json_object_set_new(o, "articles", list);
    json_object_set_new(o, "sections", sections);
    return o;
}

/* Affiliations numbered in order of first appearance, shared ones once. */
static json_t *affiliations_json(struct build *b, const struct view *v, const struct manuscript *m,
                                 json_t *authors)
{
    json_t *list = json_array();
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        struct strbuf refs = STRBUF_INIT;
        for (size_t j = 0; j < au->naffiliations; j++) {
            const struct affiliation *af = &au->affiliations[j];
            size_t index = 0;
            for (size_t k = 0; k < json_array_size(list); k++) {
                json_t *x = json_array_get(list, k);
                const char *name = json_string_value(json_object_get(x, "name"));
                const char *cc = json_string_value(json_object_get(x, "country_code"));
                if (!strcmp(name, af->name) && !strcmp(cc ? cc : "", af->country))
                    index = k + 1;
            }
            if (!index) {
                json_t *x = json_object();
                index = json_array_size(list) + 1;
                json_object_set_new(x, "index", json_integer((json_int_t)index));
                set_str(x, "name", af->name);
                set_str(x, "department", af->department);
                json_object_set_new(x, "international", json_boolean(af->international));
                if (!af->international) {
                    const struct country *c = country_by_code(b->countries, af->country);
                    set_str(x, "country_code", af->country);
                    /* In the page's language: a Russian article names countries in Russian. */
                    set_str(x, "country_name", c ? country_display_name(c, v->lang) : af->country);
                }
                json_array_append_new(list, x);
            }
            strbuf_addf(&refs, "%s%zu", j ? "," : "", index);
        }
        set_str(json_array_get(authors, i), "affiliation_refs", refs.buf);
        strbuf_release(&refs);
    }
    return list;
}

/* The article's page range in its issue ("1-14"), or NULL. */
static const char *article_pages(const struct article *a)
{
    for (size_t k = 0; k < a->issue->narticles; k++)
        if (a->issue->articles[k] == a->number)
            return a->issue->pages ? a->issue->pages[k] : NULL;
    return NULL;
}

static struct citation_source citation_of(const struct build *b, const struct article *a,
                                          const char *url)
{
    const struct journal_config *c = &b->repo->config;
    return (struct citation_source){
        .m = &a->m,
        .journal = c->title,
        .issn = c->issn,
        .publisher = c->publisher,
        .volume = a->issue->volume,
        .number = a->issue->number,
        .year = a->issue->year,
        .pages = article_pages(a),
        .doi = a->r.doi,
        .url = url,
        .published = a->r.published ? a->r.published : a->issue->date,
        .article = a->number,
        .key_prefix = c->abbreviation ? c->abbreviation : "journal",
    };
}

static int article_full_json(struct build *b, const struct view *v, const struct article *a,
                             json_t **out)
{
    const struct manuscript *m = &a->m;
    json_t *o = article_summary_json(b, v, a);
    struct strbuf html = STRBUF_INIT;
    int rc = 0;
    *out = NULL;

    if (m->abstract) {
        set_str(o, "abstract", m->abstract);
        rc = markdown_to_html(m->abstract, strlen(m->abstract), false, &html);
        if (rc)
            goto fail;
        set_str(o, "abstract_html", html.buf);
        strbuf_reset(&html);
    }
    json_t *kw = json_array();
    for (size_t i = 0; i < m->nkeywords; i++)
        json_array_append_new(kw, json_string(m->keywords[i]));
    json_object_set_new(o, "keywords", kw);
    json_object_set_new(o, "has_keywords", json_boolean(m->nkeywords > 0));

    json_t *authors = json_array();
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        json_t *x = json_object();
        set_str(x, "name", au->name);
        if (au->orcid[0]) {
            char *url = xasprintf("https://orcid.org/%s", au->orcid);
            set_str(x, "orcid", au->orcid);
            set_str(x, "orcid_url", url);
            free(url);
        }
        json_object_set_new(x, "corresponding", json_boolean(au->corresponding));
        /* Only the corresponding author's address is published. */
        if (au->corresponding)
            set_str(x, "email", au->email);
        json_object_set_new(x, "last", json_boolean(i + 1 == m->nauthors));
        json_array_append_new(authors, x);
    }
    json_object_set_new(o, "affiliations", affiliations_json(b, v, m, authors));
    json_object_set_new(o, "authors", authors);

    rc = markdown_to_html(m->body, m->body_len, b->repo->config.allow_raw_html, &html);
    if (rc)
        goto fail;
    set_str(o, "body_html", html.buf);
    set_date(v, o, "received", a->r.submitted);
    set_date(v, o, "accepted", a->r.accepted);
    set_date(v, o, "published", a->r.published ? a->r.published : a->issue->date);
    if (a->r.doi) {
        char *url = xasprintf("https://doi.org/%s", a->r.doi);
        set_str(o, "doi", a->r.doi);
        set_str(o, "doi_url", url);
        free(url);
    }
    json_object_set_new(o, "issue", issue_summary_json(v, a->issue));
    set_str(o, "pages", article_pages(a));
    char *url = b->repo->config.base_url
                    ? xasprintf("%sarticles/%lu/index.html", b->repo->config.base_url, a->number)
                    : NULL;
    struct citation_source cite = citation_of(b, a, url);
    strbuf_reset(&html);
    rc = citation_apa_html(&cite, &html);
    free(url);
    if (rc)
        goto fail;
    set_str(o, "cite_apa_html", html.buf);
    char *bibtex_url = xasprintf("articles/%lu/citation.bib", a->number);
    set_str(o, "bibtex_url", bibtex_url);
    free(bibtex_url);
    json_t *open = json_array();
    for (size_t i = 0; i < a->nopen_reviews; i++) {
        const struct review *rv = &a->open_reviews[i];
        const struct roster_reviewer *who = roster_find(&b->roster, rv->reviewer);
        struct strbuf comments = STRBUF_INIT;
        rc = markdown_to_html(rv->comments, strlen(rv->comments), false, &comments);
        json_t *x =
            json_pack("{s:s, s:I, s:s, s:s}", "reviewer", who ? who->name : rv->reviewer, "round",
                      (json_int_t)rv->round, "verdict_label",
                      view_label(v, "verdict_", rv->verdict, review_verdict_label(rv->verdict)),
                      "comments_html", comments.buf);
        if (who && who->affiliation.name)
            json_object_set_new(x, "affiliation", json_string(who->affiliation.name));
        strbuf_release(&comments);
        json_array_append_new(open, x);
        if (rc)
            break;
    }
    json_object_set_new(o, "open_reviews", open);
    json_object_set_new(o, "has_open_reviews", json_boolean(a->nopen_reviews > 0));
    if (rc)
        goto fail;
    strbuf_release(&html);
    *out = o;
    return 0;
fail:
    strbuf_release(&html);
    json_decref(o);
    return rc;
}

/* "../../" for a page at "ru/issues/2/index.html": the way back to the top of the site. */
static char *path_to_top(const char *rel)
{
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/'))
        strbuf_addstr(&sb, "../");
    return strbuf_detach(&sb, NULL);
}

/*
 * What every page gets: the journal, the view's strings as t, and two ways
 * up: root (the top of the site: assets and articles) and home (the top of
 * the view's language: its home, archive, issues and pages). A page that
 * exists in every language (path is relative to the view's folder) links to
 * itself in the others; an article (path NULL) exists once.
 */
static json_t *page_json(struct build *b, const struct view *v, const char *path, const char *rel,
                         const char *title, const char *description)
{
    json_t *ctx = json_object();
    json_t *page = json_object();
    char *root = path_to_top(rel);
    char *home = xasprintf("%s%s", root, v->dir);
    json_object_set_new(ctx, "site", site_json(b, v));
    json_object_set_new(ctx, "t", i18n_json(v->t));
    set_str(ctx, "root", root);
    set_str(ctx, "home", home);
    set_str(ctx, "generator", JOURNAL_VERSION);
    const char *site_title = localised_get(&b->repo->config.titles, v->lang, b->views[0].lang);
    if (title && strcmp(title, site_title)) {
        char *full = xasprintf("%s | %s", title, site_title);
        set_str(page, "title", full);
        free(full);
    } else {
        set_str(page, "title", site_title);
    }
    set_str(page, "lang", v->lang);
    set_str(page, "description", description);
    if (b->repo->config.base_url) {
        char *canonical = xasprintf("%s%s", b->repo->config.base_url, rel);
        set_str(page, "canonical", canonical);
        free(canonical);
    }
    json_t *alternates = json_array();
    for (size_t i = 0; path && b->nviews > 1 && i < b->nviews; i++) {
        const struct view *w = &b->views[i];
        char *href = xasprintf("%s%s%s", root, w->dir, path);
        char *absolute = b->repo->config.base_url
                             ? xasprintf("%s%s%s", b->repo->config.base_url, w->dir, path)
                             : NULL;
        json_t *x = json_pack("{s:s, s:s, s:s, s:b}", "lang", w->lang, "name",
                              i18n_text(w->t, "language_name"), "href", href, "current", w == v);
        if (absolute)
            json_object_set_new(x, "url", json_string(absolute));
        json_array_append_new(alternates, x);
        free(absolute);
        free(href);
    }
    json_object_set_new(page, "has_alternates", json_boolean(json_array_size(alternates) > 0));
    json_object_set_new(page, "alternates", alternates);
    json_object_set_new(ctx, "page", page);
    json_object_set_new(ctx, "nav", json_object());
    json_t *menu = json_array();
    for (size_t i = 0; i < b->npages; i++) {
        const struct md_page *pg = &b->pages[i];
        if (pg->lang || !pg->nav)
            continue;
        const struct md_page *shown = page_in(b, pg->slug, v);
        char *url = xasprintf("%s/index.html", pg->slug);
        json_array_append_new(menu,
                              json_pack("{s:s, s:s, s:s, s:I}", "slug", pg->slug, "title",
                                        shown->title, "url", url, "order", (json_int_t)pg->order));
        free(url);
    }
    json_object_set_new(ctx, "menu_pages", menu);
    free(root);
    free(home);
    return ctx;
}

/* Mark the page's entry in the main navigation as the current one. */
static void set_nav(json_t *ctx, const char *current)
{
    json_object_set_new(json_object_get(ctx, "nav"), current, json_true());
}

/* ---- output ---- */

static int write_output(struct build *b, const char *rel, const char *data, size_t len)
{
    char *path = fs_join(b->out, rel);
    char *dir = xstrdup(path);
    *strrchr(dir, '/') = '\0';
    int rc = fs_mkdirs(dir);
    if (!rc)
        rc = fs_write_file(path, data, len);
    free(dir);
    free(path);
    return rc;
}

static int render_page(struct build *b, const char *template, json_t *ctx, const char *rel)
{
    struct strbuf html = STRBUF_INIT;
    int rc = mustache_set_render(b->templates, template, ctx, &html);
    if (rc)
        error_prefix("rendering %s", rel);
    else
        rc = write_output(b, rel, html.buf, html.len);
    strbuf_release(&html);
    json_decref(ctx);
    if (!rc)
        b->stats->pages++;
    return rc;
}

static int render_home(struct build *b, const struct view *v)
{
    const char *description = localised_get(&b->repo->config.descriptions, v->lang, NULL);
    char *rel = xasprintf("%sindex.html", v->dir);
    json_t *ctx = page_json(b, v, "index.html", rel, NULL, description);
    set_nav(ctx, "home");
    json_t *issues = json_array();
    for (size_t i = 0; i < b->nissues; i++)
        json_array_append_new(issues, issue_summary_json(v, &b->issues[i]));
    json_object_set_new(ctx, "issues", issues);
    json_object_set_new(ctx, "has_issues", json_boolean(b->nissues > 0));
    if (b->nissues)
        json_object_set_new(ctx, "latest_issue", issue_full_json(b, v, &b->issues[0]));
    int rc = render_page(b, "home", ctx, rel);
    free(rel);
    return rc;
}

static int render_issues(struct build *b, const struct view *v)
{
    for (size_t i = 0; i < b->nissues; i++) {
        const struct issue_manifest *is = &b->issues[i];
        char *label = view_issue_label(v, is);
        char *title = is->title ? xasprintf("%s: %s", label, is->title) : xstrdup(label);
        char path[64];
        snprintf(path, sizeof(path), "issues/%lu/index.html", is->id);
        char *rel = xasprintf("%s%s", v->dir, path);
        json_t *ctx = page_json(b, v, path, rel, title, is->special ? is->special : is->title);
        json_object_set_new(ctx, "issue", issue_full_json(b, v, is));
        set_nav(ctx, "archive");
        int rc = render_page(b, "issue", ctx, rel);
        free(rel);
        free(title);
        free(label);
        if (rc)
            return rc;
        if (v == &b->views[0])
            b->stats->issues++;
    }
    return 0;
}

/* articles/N/citation.bib, the reference managers' download. */
static int write_bibtex(struct build *b, const struct article *a)
{
    char *url = b->repo->config.base_url
                    ? xasprintf("%sarticles/%lu/index.html", b->repo->config.base_url, a->number)
                    : NULL;
    struct citation_source cite = citation_of(b, a, url);
    struct strbuf bib = STRBUF_INIT;
    int rc = citation_bibtex(&cite, &bib);
    char rel[64];
    snprintf(rel, sizeof(rel), "articles/%lu/citation.bib", a->number);
    if (!rc)
        rc = write_output(b, rel, bib.buf, bib.len);
    strbuf_release(&bib);
    free(url);
    return rc;
}

static int render_articles(struct build *b)
{
    for (size_t i = 0; i < b->narticles; i++) {
        const struct article *a = &b->articles[i];
        const struct view *v = view_for(b, a->m.lang);
        json_t *article;
        int rc = article_full_json(b, v, a, &article);
        if (rc)
            return rc;
        char rel[64];
        snprintf(rel, sizeof(rel), "articles/%lu/index.html", a->number);
        json_t *ctx = page_json(b, v, NULL, rel, a->m.title, a->m.abstract);
        json_object_set_new(ctx, "article", article);
        rc = render_page(b, "article", ctx, rel);
        if (!rc)
            rc = write_bibtex(b, a);
        if (rc)
            return rc;
        b->stats->articles++;
    }
    return 0;
}

/* ---- the reader's indexes: archive, authors, keywords ---- */

/*
 * Lower-cased for matching and sorting, independent of the locale (see
 * utf8_tolower). Compared byte by byte, Latin names sort before Cyrillic ones.
 */
static char *fold(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    while (*s) {
        uint32_t cp;
        utf8_append(&sb, utf8_decode(&s, &cp) ? utf8_tolower(cp) : 0xFFFD);
    }
    return strbuf_detach(&sb, NULL);
}

static json_t *article_link_json(const struct article *a)
{
    char *url = xasprintf("articles/%lu/index.html", a->number);
    json_t *o = json_pack("{s:s, s:s, s:s}", "url", url, "title", a->m.title, "lang", a->m.lang);
    free(url);
    return o;
}

/* An author or keyword as it occurs in one article; occurrences with the same id are merged. */
struct occurrence {
    char *id;
    size_t order; /* the first occurrence names the entry */
    const struct article *a;
    size_t k; /* index of the author or keyword in a->m */
};

struct index_entry {
    char *sort;
    json_t *obj;
};

static int compare_occurrences(const void *x, const void *y)
{
    const struct occurrence *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    return c ? c : a->order < b->order ? -1 : a->order > b->order;
}

static int compare_entries(const void *x, const void *y)
{
    return strcmp(((const struct index_entry *)x)->sort, ((const struct index_entry *)y)->sort);
}

/* Builds one entry from occurrences[0..n), all with the same id. */
typedef json_t *entry_builder(struct build *b, const struct view *v, const struct occurrence *occ,
                              size_t n, char **sort);

/* Merge occurrences by id, build an entry per id, and return them sorted as a JSON array. */
static json_t *index_json(struct build *b, const struct view *v, struct occurrence *occ, size_t n,
                          entry_builder *build)
{
    if (n)
        qsort(occ, n, sizeof(*occ), compare_occurrences);
    struct index_entry *entries = xcalloc(n ? n : 1, sizeof(*entries));
    size_t nentries = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && !strcmp(occ[j].id, occ[i].id); j++)
            ;
        struct index_entry *e = &entries[nentries++];
        e->obj = build(b, v, occ + i, j - i, &e->sort);
    }
    qsort(entries, nentries, sizeof(*entries), compare_entries);
    json_t *list = json_array();
    for (size_t i = 0; i < nentries; i++) {
        json_array_append_new(list, entries[i].obj);
        free(entries[i].sort);
    }
    free(entries);
    for (size_t i = 0; i < n; i++)
        free(occ[i].id);
    free(occ);
    return list;
}

/* Links to the articles of occurrences, each article once. */
static json_t *occurrence_articles_json(const struct occurrence *occ, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = occ[j].a == occ[i].a;
        if (!seen)
            json_array_append_new(list, article_link_json(occ[i].a));
    }
    return list;
}

static const char *family_name(const struct author *au)
{
    if (au->family)
        return au->family;
    const char *space = strrchr(au->name, ' ');
    return space && space[1] ? space + 1 : au->name;
}

static json_t *author_countries_json(struct build *b, const struct view *v,
                                     const struct occurrence *occ, size_t n)
{
    const char *lang = v->lang;
    json_t *list = json_array();
    struct strbuf seen = STRBUF_INIT; /* " KZ  GE " */
    for (size_t i = 0; i < n; i++) {
        const struct author *au = &occ[i].a->m.authors[occ[i].k];
        for (size_t j = 0; j < au->naffiliations; j++) {
            const struct affiliation *af = &au->affiliations[j];
            if (af->international || !af->country[0])
                continue;
            char *code = xasprintf(" %s ", af->country);
            if (!strstr(seen.buf, code)) {
                const struct country *c = country_by_code(b->countries, af->country);
                json_array_append_new(list,
                                      json_pack("{s:s, s:s}", "code", af->country, "name",
                                                c ? country_display_name(c, lang) : af->country));
                strbuf_addstr(&seen, code);
            }
            free(code);
        }
    }
    strbuf_release(&seen);
    for (size_t i = 0; i < json_array_size(list); i++)
        json_object_set_new(json_array_get(list, i), "last",
                            json_boolean(i + 1 == json_array_size(list)));
    return list;
}

static json_t *author_entry_json(struct build *b, const struct view *v,
                                 const struct occurrence *occ, size_t n, char **sort)
{
    const struct author *au = &occ[0].a->m.authors[occ[0].k];
    json_t *o = json_object();
    char *family = fold(family_name(au));
    char *name = fold(au->name);
    *sort = xasprintf("%s\x1f%s\x1f%s", family, name, occ[0].id);
    free(family);
    free(name);
    set_str(o, "name", au->name);
    set_str(o, "lang", occ[0].a->m.lang);
    if (au->orcid[0]) {
        char *url = xasprintf("https://orcid.org/%s", au->orcid);
        set_str(o, "orcid", au->orcid);
        set_str(o, "orcid_url", url);
        free(url);
    }
    json_t *countries = author_countries_json(b, v, occ, n);
    json_object_set_new(o, "has_countries", json_boolean(json_array_size(countries) > 0));
    json_object_set_new(o, "countries", countries);
    json_object_set_new(o, "articles", occurrence_articles_json(occ, n));
    return o;
}

/*
 * The published articles, earliest issue first (b->articles is newest issue
 * first), so that the first spelling of a name or keyword is the one shown.
 */
static const struct article **articles_oldest_first(struct build *b)
{
    const struct article **list = xcalloc(b->narticles ? b->narticles : 1, sizeof(*list));
    size_t n = 0;
    for (size_t i = b->nissues; i-- > 0;)
        for (size_t k = 0; k < b->issues[i].narticles; k++) {
            const struct article *a = find_article(b, b->issues[i].articles[k]);
            if (a && a->issue == &b->issues[i])
                list[n++] = a;
        }
    return list;
}

static json_t *authors_json(struct build *b, const struct view *v)
{
    size_t n = 0, alloc = 0;
    struct occurrence *occ = NULL;
    const struct article **articles = articles_oldest_first(b);
    for (size_t i = 0; i < b->narticles; i++) {
        const struct manuscript *m = &articles[i]->m;
        for (size_t k = 0; k < m->nauthors; k++) {
            const struct author *au = &m->authors[k];
            ARRAY_GROW(occ, n + 1, alloc);
            char *folded = fold(au->name);
            /* The same person: the same ORCID iD, or without one the same name. */
            occ[n] = (struct occurrence){au->orcid[0] ? xasprintf("orcid:%s", au->orcid)
                                                      : xasprintf("name:%s", folded),
                                         n, articles[i], k};
            free(folded);
            n++;
        }
    }
    free(articles);
    return index_json(b, v, occ, n, author_entry_json);
}

static json_t *keyword_entry_json(struct build *b, const struct view *v,
                                  const struct occurrence *occ, size_t n, char **sort)
{
    (void)b;
    (void)v;
    const char *keyword = occ[0].a->m.keywords[occ[0].k];
    *sort = xasprintf("%s\x1f%s", occ[0].id, keyword);
    json_t *o = json_object();
    set_str(o, "keyword", keyword);
    set_str(o, "lang", occ[0].a->m.lang);
    json_object_set_new(o, "articles", occurrence_articles_json(occ, n));
    return o;
}

static json_t *keywords_json(struct build *b, const struct view *v)
{
    size_t n = 0, alloc = 0;
    struct occurrence *occ = NULL;
    const struct article **articles = articles_oldest_first(b);
    for (size_t i = 0; i < b->narticles; i++) {
        const struct manuscript *m = &articles[i]->m;
        for (size_t k = 0; k < m->nkeywords; k++) {
            ARRAY_GROW(occ, n + 1, alloc);
            occ[n] = (struct occurrence){fold(m->keywords[k]), n, articles[i], k};
            n++;
        }
    }
    free(articles);
    return index_json(b, v, occ, n, keyword_entry_json);
}

/* Issues grouped by year, the newest year first; within a year, newest issue first. */
static json_t *issues_by_year_json(struct build *b, const struct view *v)
{
    json_t *years = json_array();
    unsigned long last = ULONG_MAX;
    for (;;) {
        unsigned long year = 0;
        for (size_t i = 0; i < b->nissues; i++)
            if (b->issues[i].year < last && b->issues[i].year > year)
                year = b->issues[i].year;
        if (!year)
            break;
        json_t *issues = json_array();
        for (size_t i = 0; i < b->nissues; i++)
            if (b->issues[i].year == year)
                json_array_append_new(issues, issue_summary_json(v, &b->issues[i]));
        json_array_append_new(years,
                              json_pack("{s:I, s:o}", "year", (json_int_t)year, "issues", issues));
        last = year;
    }
    return years;
}

/* A page that exists in every language, at path within the language's folder. */
static json_t *view_page_json(struct build *b, const struct view *v, const char *path,
                              const char *title_key, const char *description_key, const char *nav,
                              char **rel)
{
    *rel = xasprintf("%s%s", v->dir, path);
    json_t *ctx =
        page_json(b, v, path, *rel, i18n_text(v->t, title_key), i18n_text(v->t, description_key));
    set_nav(ctx, nav);
    /* "Every issue of {title}, newest first." */
    const char *names[] = {"title", NULL};
    const char *values[] = {localised_get(&b->repo->config.titles, v->lang, b->views[0].lang),
                            NULL};
    static const char *const intros[][2] = {{"archive", "archive_intro"},
                                            {"authors", "authors_intro"},
                                            {"keywords", "keywords_intro"},
                                            {"board", "board_intro"}};
    for (size_t i = 0; i < sizeof(intros) / sizeof(intros[0]); i++)
        if (!strcmp(nav, intros[i][0])) {
            char *intro = i18n_format(v->t, intros[i][1], names, values);
            json_object_set_new(ctx, "intro", json_string(intro));
            free(intro);
        }
    return ctx;
}

static int render_archive(struct build *b, const struct view *v)
{
    char *rel;
    json_t *ctx = view_page_json(b, v, "archive/index.html", "nav_archive", "archive_description",
                                 "archive", &rel);
    json_t *specials = json_array();
    for (size_t i = 0; i < b->nissues; i++)
        if (b->issues[i].special)
            json_array_append_new(specials, issue_summary_json(v, &b->issues[i]));
    json_object_set_new(ctx, "has_specials", json_boolean(json_array_size(specials) > 0));
    json_object_set_new(ctx, "specials", specials);
    json_object_set_new(ctx, "years", issues_by_year_json(b, v));
    json_object_set_new(ctx, "has_issues", json_boolean(b->nissues > 0));
    int rc = render_page(b, "archive", ctx, rel);
    free(rel);
    return rc;
}

static int render_authors(struct build *b, const struct view *v)
{
    char *rel;
    json_t *ctx = view_page_json(b, v, "authors/index.html", "nav_authors", "authors_description",
                                 "authors", &rel);
    json_t *authors = authors_json(b, v);
    json_object_set_new(ctx, "has_authors", json_boolean(json_array_size(authors) > 0));
    json_object_set_new(ctx, "authors", authors);
    int rc = render_page(b, "authors", ctx, rel);
    free(rel);
    return rc;
}

static int render_keywords(struct build *b, const struct view *v)
{
    char *rel;
    json_t *ctx = view_page_json(b, v, "keywords/index.html", "nav_keywords",
                                 "keywords_description", "keywords", &rel);
    json_t *keywords = keywords_json(b, v);
    json_object_set_new(ctx, "has_keywords", json_boolean(json_array_size(keywords) > 0));
    json_object_set_new(ctx, "keywords", keywords);
    int rc = render_page(b, "keywords", ctx, rel);
    free(rel);
    return rc;
}

/* The editorial board from journal.yaml, grouped by role in the order the roles first appear. */
static int render_board(struct build *b, const struct view *v)
{
    const struct journal_config *c = &b->repo->config;
    char *rel;
    json_t *ctx =
        view_page_json(b, v, "board/index.html", "nav_board", "board_description", "board", &rel);
    json_t *groups = json_array();
    int rc = 0;
    for (size_t i = 0; i < c->nboard && !rc; i++) {
        const char *role = localised_get(&c->board[i].role, v->lang, b->views[0].lang);
        json_t *group = NULL;
        for (size_t k = 0; k < json_array_size(groups) && !group; k++)
            if (!strcmp(json_string_value(json_object_get(json_array_get(groups, k), "role")),
                        role))
                group = json_array_get(groups, k);
        if (!group) {
            group = json_pack("{s:s, s:[]}", "role", role, "members");
            json_array_append_new(groups, group);
        }
        const struct board_member *bm = &c->board[i];
        json_t *x = json_object();
        set_str(x, "name", bm->name);
        set_str(x, "affiliation", bm->affiliation);
        if (bm->country) {
            const struct country *country = country_lookup(b->countries, bm->country);
            if (!country)
                rc = error_at("journal.yaml", bm->line, 0,
                              "editorial board: '%s' is not a country iso-codes knows "
                              "(expected a name such as Kazakhstan or a code such as KZ)",
                              bm->country);
            else
                set_str(x, "country", country_display_name(country, v->lang));
        }
        if (bm->orcid[0]) {
            char *url = xasprintf("https://orcid.org/%s", bm->orcid);
            set_str(x, "orcid", bm->orcid);
            set_str(x, "orcid_url", url);
            free(url);
        }
        json_array_append_new(json_object_get(group, "members"), x);
    }
    json_object_set_new(ctx, "has_groups", json_boolean(json_array_size(groups) > 0));
    json_object_set_new(ctx, "groups", groups);
    if (!rc)
        rc = render_page(b, "board", ctx, rel);
    else
        json_decref(ctx);
    free(rel);
    return rc;
}

/* pages/<slug>.md at <slug>/index.html in every language, translated where a translation exists. */
static int render_md_pages(struct build *b, const struct view *v)
{
    for (size_t i = 0; i < b->npages; i++) {
        if (b->pages[i].lang)
            continue;
        const struct md_page *pg = page_in(b, b->pages[i].slug, v);
        char *path = xasprintf("%s/index.html", pg->slug);
        char *rel = xasprintf("%s%s", v->dir, path);
        json_t *ctx = page_json(b, v, path, rel, pg->title, pg->description);
        json_t *menu = json_object_get(ctx, "menu_pages");
        for (size_t k = 0; k < json_array_size(menu); k++) {
            json_t *entry = json_array_get(menu, k);
            if (!strcmp(json_string_value(json_object_get(entry, "slug")), pg->slug))
                json_object_set_new(entry, "current", json_true());
        }
        /* A page not yet translated says so with its own language. */
        json_t *content = json_pack("{s:s, s:s, s:s}", "title", pg->title, "html", pg->html, "lang",
                                    pg->lang ? pg->lang : b->views[0].lang);
        set_str(content, "description", pg->description);
        json_object_set_new(ctx, "content", content);
        int rc = render_page(b, "page", ctx, rel);
        free(rel);
        free(path);
        if (rc)
            return rc;
    }
    return 0;
}

/*
 * Who publishes, by country: computed from exactly the articles this build
 * publishes, with the theme's world map (a theme without map/world.svg gets
 * the tables and the chart, and every country listed as not on a map).
 */
static int render_statistics(struct build *b, const struct view *v)
{
    struct stats_article *list = xcalloc(b->narticles + 1, sizeof(*list));
    char **labels = xcalloc(b->narticles + 1, sizeof(*labels));
    for (size_t i = 0; i < b->narticles; i++) {
        const struct article *a = &b->articles[i];
        labels[i] = view_issue_label(v, a->issue);
        list[i] = (struct stats_article){a->number, a->issue->id, a->issue->year, labels[i], &a->m};
    }
    char *file = xasprintf("themes/%s/map/world.svg", b->repo->config.theme);
    struct strbuf svg = STRBUF_INIT;
    int rc = repo_read_from_tree(b->repo->git, b->tree, file, &svg, NULL);
    bool has_map = rc == 0;
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        rc = 0;
    }
    json_t *stats = NULL;
    if (!rc)
        rc = stats_page_build(list, b->narticles, b->countries, file, has_map ? svg.buf : NULL,
                              svg.len, v->t, &stats);
    if (!rc) {
        char *rel;
        json_t *ctx = view_page_json(b, v, "statistics/index.html", "stats_title",
                                     "stats_description", "statistics", &rel);
        json_object_set_new(ctx, "stats", stats);
        rc = render_page(b, "statistics", ctx, rel);
        free(rel);
    }
    strbuf_release(&svg);
    free(file);
    for (size_t i = 0; i < b->narticles; i++)
        free(labels[i]);
    free(labels);
    free(list);
    return rc;
}

/* A theme made before these pages existed simply does not get them. */
static int render_indexes(struct build *b, const struct view *v)
{
    static const struct {
        const char *template;
        int (*render)(struct build *, const struct view *);
    } pages[] = {{"archive", render_archive},   {"authors", render_authors},
                 {"keywords", render_keywords}, {"board", render_board},
                 {"page", render_md_pages},     {"statistics", render_statistics}};
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        if (!mustache_set_has(b->templates, pages[i].template))
            continue;
        int rc = pages[i].render(b, v);
        if (rc)
            return rc;
    }
    return 0;
}

/* Everything that exists in each language of the site. */
static int render_views(struct build *b)
{
    int rc = 0;
    for (size_t i = 0; i < b->nviews && !rc; i++) {
        rc = render_home(b, &b->views[i]);
        if (!rc)
            rc = render_issues(b, &b->views[i]);
        if (!rc)
            rc = render_indexes(b, &b->views[i]);
    }
    return rc;
}

static int copy_assets(struct build *b)
{
    for (size_t i = 0; i < b->nassets; i++) {
        git_blob *blob = NULL;
        if (!fs_is_safe_relative(b->assets[i].path))
            continue;
        if (git_blob_lookup(&blob, b->repo->git, &b->assets[i].id) < 0)
            return repo_git_error(b->assets[i].path);
        char *rel = xasprintf("assets/%s", b->assets[i].path);
        int rc = write_output(b, rel, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
        free(rel);
        git_blob_free(blob);
        if (rc)
            return rc;
        b->stats->assets++;
    }
    return 0;
}

/* ---- the output folder ---- */

#define SITE_MARKER ".journal-site"

static char *absolute_path(const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        return xstrdup(path);
    return fs_join(cwd, path);
}

/* Strip trailing slashes and "/." so that comparisons below mean something. */
static void normalise(char *path)
{
    size_t len = strlen(path);
    for (;;) {
        if (len > 1 && path[len - 1] == '/')
            path[--len] = '\0';
        else if (len > 2 && !strcmp(path + len - 2, "/."))
            path[len -= 2] = '\0';
        else
            break;
    }
}

static bool is_inside(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/*
 * The build replaces the output folder wholesale, so it must never be a
 * folder that holds anything else: not the journal, not inside .git, and not
 * an existing folder that an earlier build-site did not make.
 */
static int check_output(struct build *b, const char *out)
{
    if (strstr(out, "/../") || (strlen(out) >= 3 && !strcmp(out + strlen(out) - 3, "/..")))
        return error_input("-o %s: give the output folder without '..'", out);
    if (is_inside(b->repo->root, out))
        return error_input("-o %s: the output folder would contain the journal itself; choose "
                           "an empty or new folder such as _site",
                           out);
    char *git_dir = fs_join(b->repo->root, ".git");
    bool in_git = is_inside(out, git_dir) || is_inside(out, b->repo->state_dir);
    free(git_dir);
    if (in_git)
        return error_input("-o %s: the output folder must not be inside .git or .journal", out);
    if (fs_exists(out)) {
        if (!fs_is_dir(out))
            return error_input("-o %s: exists and is not a folder", out);
        char *marker = fs_join(out, SITE_MARKER);
        bool ours = fs_exists(marker);
        free(marker);
        /* An empty folder is fine to fill; anything else might be someone's files. */
        if (!ours && !fs_dir_is_empty(out))
            return error_input("-o %s: the folder exists and was not made by journal build-site; "
                               "refusing to replace it (remove it or choose another folder)",
                               out);
    }
    return 0;
}

static int swap_in(const char *tmp, const char *out)
{
    char *old = xasprintf("%s.old.%ld", out, (long)getpid());
    bool had_old = fs_exists(out);
    if (had_old && rename(out, old) < 0) {
        int rc = error_errno("cannot move the previous site %s aside", out);
        free(old);
        return rc;
    }
    if (rename(tmp, out) < 0) {
        int rc = error_errno("cannot move the new site into %s", out);
        if (had_old)
            rename(old, out);
        free(old);
        return rc;
    }
    int rc = had_old ? fs_remove_tree(old) : 0;
    free(old);
    return rc;
}

int site_build(struct journal_repo *repo, const struct site_options *opt, struct site_stats *st)
{
    struct build b = {.repo = repo, .stats = st};
    memset(st, 0, sizeof(*st));
    char *out = opt->output_dir ? absolute_path(opt->output_dir) : fs_join(repo->root, "_site");
    normalise(out);
    st->output_dir = out;

    int rc = check_output(&b, out);
    if (!rc)
        rc = repo_head_tree(repo, &b.tree);
    if (!rc)
        rc = country_db_open(&b.countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&b.languages, NULL, NULL);
    if (!rc)
        rc = load_theme(&b);
    if (!rc)
        rc = load_views(&b);
    if (!rc)
        rc = load_pages(&b);
    b.open_review = !strcmp(repo->config.review_mode, "open");
    if (!rc && b.open_review)
        rc = load_roster(&b);
    if (!rc)
        rc = load_issues(&b);
    if (!rc)
        rc = load_articles(&b);
    if (rc)
        goto done;

    char *parent = xstrdup(out);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent)
        *slash = '\0';
    rc = fs_mkdirs(parent);
    free(parent);
    if (rc)
        goto done;
    b.out = xasprintf("%s.tmp.%ld", out, (long)getpid());
    fs_remove_tree(b.out);
    rc = fs_mkdirs(b.out);
    if (!rc)
        rc = write_output(&b, SITE_MARKER, "journal build-site\n", 19);
    if (!rc)
        rc = render_views(&b);
    if (!rc)
        rc = render_articles(&b);
    if (!rc)
        rc = copy_assets(&b);
    if (!rc)
        rc = swap_in(b.out, out);
    if (rc)
        fs_remove_tree(b.out);
done:
    for (size_t i = 0; i < b.narticles; i++) {
        manuscript_free(&b.articles[i].m);
        record_free(&b.articles[i].r);
        for (size_t k = 0; k < b.articles[i].nopen_reviews; k++)
            review_free(&b.articles[i].open_reviews[k]);
        free(b.articles[i].open_reviews);
    }
    roster_free(&b.roster);
    free(b.articles);
    for (size_t i = 0; i < b.nissues; i++)
        issue_free(&b.issues[i]);
    free(b.issues);
    for (size_t i = 0; i < b.nassets; i++)
        free(b.assets[i].path);
    free(b.assets);
    for (size_t i = 0; i < b.nstrings; i++)
        free(b.strings[i].path);
    free(b.strings);
    for (size_t i = 0; i < b.nviews; i++) {
        free(b.views[i].dir);
        i18n_free(b.views[i].t);
    }
    free(b.views);
    for (size_t i = 0; i < b.npages; i++) {
        free(b.pages[i].slug);
        free(b.pages[i].lang);
        free(b.pages[i].title);
        free(b.pages[i].description);
        free(b.pages[i].html);
    }
    free(b.pages);
    mustache_set_free(b.templates);
    country_db_free(b.countries);
    language_db_free(b.languages);
    git_tree_free(b.tree);
    free(b.out);
    return rc;
}

void site_stats_free(struct site_stats *st)
{
    free(st->output_dir);
    st->output_dir = NULL;
}
