#define _POSIX_C_SOURCE 200809L
#include "site/site.h"

#include "model/country.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "model/roster.h"
#include "site/markdown.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mustache.h"
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

static void set_date(json_t *obj, const char *key, const char *iso)
{
    if (!iso)
        return;
    char *display = date_display(iso);
    char *display_key = xasprintf("%s_display", key);
    set_str(obj, key, iso);
    set_str(obj, display_key, display);
    free(display_key);
    free(display);
}

static json_t *site_json(struct build *b)
{
    const struct journal_config *c = &b->repo->config;
    json_t *site = json_object();
    set_str(site, "title", c->title);
    set_str(site, "publisher", c->publisher);
    set_str(site, "issn", c->issn);
    set_str(site, "base_url", c->base_url);
    set_str(site, "license", c->license);
    if (c->description) {
        struct strbuf html = STRBUF_INIT;
        if (markdown_to_html(c->description, strlen(c->description), false, &html) == 0)
            set_str(site, "description_html", html.buf);
        strbuf_release(&html);
    }
    json_t *langs = json_array();
    for (size_t i = 0; i < c->nlanguages; i++)
        json_array_append_new(langs, json_string(c->languages[i]));
    json_object_set_new(site, "languages", langs);
    return site;
}

static json_t *issue_summary_json(const struct issue_manifest *is)
{
    json_t *o = json_object();
    char *url = xasprintf("issues/%lu/index.html", is->id);
    char *label = issue_label(is);
    json_object_set_new(o, "id", json_integer((json_int_t)is->id));
    set_str(o, "url", url);
    json_object_set_new(o, "volume", json_integer((json_int_t)is->volume));
    json_object_set_new(o, "number", json_integer((json_int_t)is->number));
    json_object_set_new(o, "year", json_integer((json_int_t)is->year));
    set_date(o, "date", is->date);
    set_str(o, "title", is->title);
    set_str(o, "special", is->special);
    set_str(o, "label", label);
    json_object_set_new(o, "article_count", json_integer((json_int_t)is->narticles));
    free(url);
    free(label);
    return o;
}

static char *authors_line(const struct manuscript *m)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nauthors; i++) {
        if (i)
            strbuf_addstr(&sb, i + 1 == m->nauthors ? " and " : ", ");
        strbuf_addstr(&sb, m->authors[i].name);
    }
    return strbuf_detach(&sb, NULL);
}

static json_t *article_summary_json(const struct article *a)
{
    json_t *o = json_object();
    char *url = xasprintf("articles/%lu/index.html", a->number);
    char *line = authors_line(&a->m);
    json_object_set_new(o, "id", json_integer((json_int_t)a->number));
    set_str(o, "url", url);
    set_str(o, "title", a->m.title);
    set_str(o, "subtitle", a->m.subtitle);
    set_str(o, "lang", a->m.lang);
    set_str(o, "type", a->m.type);
    set_str(o, "type_label", manuscript_type_label(a->m.type));
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

static json_t *issue_full_json(struct build *b, const struct issue_manifest *is)
{
    json_t *o = issue_summary_json(is);
    json_t *list = json_array();
    for (size_t k = 0; k < is->narticles; k++) {
        const struct article *a = find_article(b, is->articles[k]);
        if (a)
            json_array_append_new(list, article_summary_json(a));
    }
    json_object_set_new(o, "articles", list);
    return o;
}

/* Affiliations numbered in order of first appearance, shared ones once. */
static json_t *affiliations_json(struct build *b, const struct manuscript *m, json_t *authors)
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
                    /* In the article's language: a Russian article names countries in Russian. */
                    set_str(x, "country_name", c ? country_display_name(c, m->lang) : af->country);
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

static int article_full_json(struct build *b, const struct article *a, json_t **out)
{
    const struct manuscript *m = &a->m;
    json_t *o = article_summary_json(a);
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
    json_object_set_new(o, "affiliations", affiliations_json(b, m, authors));
    json_object_set_new(o, "authors", authors);

    rc = markdown_to_html(m->body, m->body_len, b->repo->config.allow_raw_html, &html);
    if (rc)
        goto fail;
    set_str(o, "body_html", html.buf);
    set_date(o, "received", a->r.submitted);
    set_date(o, "accepted", a->r.accepted);
    set_date(o, "published", a->r.published ? a->r.published : a->issue->date);
    if (a->r.doi) {
        char *url = xasprintf("https://doi.org/%s", a->r.doi);
        set_str(o, "doi", a->r.doi);
        set_str(o, "doi_url", url);
        free(url);
    }
    json_object_set_new(o, "issue", issue_summary_json(a->issue));
    json_t *open = json_array();
    for (size_t i = 0; i < a->nopen_reviews; i++) {
        const struct review *rv = &a->open_reviews[i];
        const struct roster_reviewer *who = roster_find(&b->roster, rv->reviewer);
        struct strbuf comments = STRBUF_INIT;
        rc = markdown_to_html(rv->comments, strlen(rv->comments), false, &comments);
        json_t *x = json_pack("{s:s, s:I, s:s, s:s}", "reviewer", who ? who->name : rv->reviewer,
                              "round", (json_int_t)rv->round, "verdict_label",
                              review_verdict_label(rv->verdict), "comments_html", comments.buf);
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

static json_t *page_json(struct build *b, const char *root, const char *title, const char *lang,
                         const char *description)
{
    json_t *ctx = json_object();
    json_t *page = json_object();
    json_object_set_new(ctx, "site", site_json(b));
    set_str(ctx, "root", root);
    set_str(ctx, "generator", JOURNAL_VERSION);
    set_str(page, "title", title);
    set_str(page, "lang", lang);
    set_str(page, "description", description);
    json_object_set_new(ctx, "page", page);
    return ctx;
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

static int render_home(struct build *b)
{
    const char *lang = b->repo->config.languages[0];
    json_t *ctx = page_json(b, "", b->repo->config.title, lang, b->repo->config.description);
    json_t *issues = json_array();
    for (size_t i = 0; i < b->nissues; i++)
        json_array_append_new(issues, issue_summary_json(&b->issues[i]));
    json_object_set_new(ctx, "issues", issues);
    json_object_set_new(ctx, "has_issues", json_boolean(b->nissues > 0));
    if (b->nissues)
        json_object_set_new(ctx, "latest_issue", issue_full_json(b, &b->issues[0]));
    return render_page(b, "home", ctx, "index.html");
}

static int render_issues(struct build *b)
{
    const char *lang = b->repo->config.languages[0];
    for (size_t i = 0; i < b->nissues; i++) {
        const struct issue_manifest *is = &b->issues[i];
        char *label = issue_label(is);
        char *title = is->title ? xasprintf("%s: %s", label, is->title) : xstrdup(label);
        json_t *ctx = page_json(b, "../../", title, lang, is->special ? is->special : is->title);
        json_object_set_new(ctx, "issue", issue_full_json(b, is));
        char rel[64];
        snprintf(rel, sizeof(rel), "issues/%lu/index.html", is->id);
        int rc = render_page(b, "issue", ctx, rel);
        free(title);
        free(label);
        if (rc)
            return rc;
        b->stats->issues++;
    }
    return 0;
}

static int render_articles(struct build *b)
{
    for (size_t i = 0; i < b->narticles; i++) {
        const struct article *a = &b->articles[i];
        json_t *article;
        int rc = article_full_json(b, a, &article);
        if (rc)
            return rc;
        json_t *ctx = page_json(b, "../../", a->m.title, a->m.lang, a->m.abstract);
        json_object_set_new(ctx, "article", article);
        char rel[64];
        snprintf(rel, sizeof(rel), "articles/%lu/index.html", a->number);
        rc = render_page(b, "article", ctx, rel);
        if (rc)
            return rc;
        b->stats->articles++;
    }
    return 0;
}

/* ---- the reader's indexes: archive, authors, keywords ---- */

static void utf8_put(struct strbuf *sb, unsigned long cp)
{
    int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
    strbuf_addch(sb, (char)(n == 1 ? cp : lead[n] | (cp >> (6 * (n - 1)))));
    for (int i = n - 2; i >= 0; i--)
        strbuf_addch(sb, (char)(0x80 | ((cp >> (6 * i)) & 0x3F)));
}

static unsigned long lower_code_point(unsigned long cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
        return cp + 0x20;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
        return cp | 1;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        return cp + (cp & 1);
    if ((cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F))
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 0x50;
    return cp;
}

/*
 * Lower-cased for matching and sorting, independent of the locale: Latin
 * (ASCII, Latin-1, Extended-A), Greek and Cyrillic letters. Compared byte by
 * byte, Latin names sort before Cyrillic ones.
 */
static char *fold(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned long cp = *p;
        size_t n = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
        if (n > 1)
            cp &= n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07;
        size_t i = 1;
        for (; i < n && (p[i] & 0xC0) == 0x80; i++)
            cp = (cp << 6) | (p[i] & 0x3F);
        utf8_put(&sb, i == n ? lower_code_point(cp) : 0xFFFD);
        p += i;
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
typedef json_t *entry_builder(struct build *b, const struct occurrence *occ, size_t n, char **sort);

/* Merge occurrences by id, build an entry per id, and return them sorted as a JSON array. */
static json_t *index_json(struct build *b, struct occurrence *occ, size_t n, entry_builder *build)
{
    if (n)
        qsort(occ, n, sizeof(*occ), compare_occurrences);
    struct index_entry *entries = xcalloc(n ? n : 1, sizeof(*entries));
    size_t nentries = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && !strcmp(occ[j].id, occ[i].id); j++)
            ;
        struct index_entry *e = &entries[nentries++];
        e->obj = build(b, occ + i, j - i, &e->sort);
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

static json_t *author_countries_json(struct build *b, const struct occurrence *occ, size_t n)
{
    const char *lang = b->repo->config.languages[0];
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

static json_t *author_entry_json(struct build *b, const struct occurrence *occ, size_t n,
                                 char **sort)
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
    json_t *countries = author_countries_json(b, occ, n);
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

static json_t *authors_json(struct build *b)
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
    return index_json(b, occ, n, author_entry_json);
}

static json_t *keyword_entry_json(struct build *b, const struct occurrence *occ, size_t n,
                                  char **sort)
{
    (void)b;
    const char *keyword = occ[0].a->m.keywords[occ[0].k];
    *sort = xasprintf("%s\x1f%s", occ[0].id, keyword);
    json_t *o = json_object();
    set_str(o, "keyword", keyword);
    set_str(o, "lang", occ[0].a->m.lang);
    json_object_set_new(o, "articles", occurrence_articles_json(occ, n));
    return o;
}

static json_t *keywords_json(struct build *b)
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
    return index_json(b, occ, n, keyword_entry_json);
}

/* Issues grouped by year, the newest year first; within a year, newest issue first. */
static json_t *issues_by_year_json(struct build *b)
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
                json_array_append_new(issues, issue_summary_json(&b->issues[i]));
        json_array_append_new(years,
                              json_pack("{s:I, s:o}", "year", (json_int_t)year, "issues", issues));
        last = year;
    }
    return years;
}

static json_t *index_page_json(struct build *b, const char *title, const char *description,
                               const char *nav)
{
    json_t *ctx = page_json(b, "../", title, b->repo->config.languages[0], description);
    json_t *current = json_object();
    json_object_set_new(current, nav, json_true());
    json_object_set_new(ctx, "nav", current);
    return ctx;
}

static int render_archive(struct build *b)
{
    json_t *ctx = index_page_json(b, "Archive", "All issues of the journal, by year.", "archive");
    json_t *specials = json_array();
    for (size_t i = 0; i < b->nissues; i++)
        if (b->issues[i].special)
            json_array_append_new(specials, issue_summary_json(&b->issues[i]));
    json_object_set_new(ctx, "has_specials", json_boolean(json_array_size(specials) > 0));
    json_object_set_new(ctx, "specials", specials);
    json_object_set_new(ctx, "years", issues_by_year_json(b));
    json_object_set_new(ctx, "has_issues", json_boolean(b->nissues > 0));
    return render_page(b, "archive", ctx, "archive/index.html");
}

static int render_authors(struct build *b)
{
    json_t *ctx =
        index_page_json(b, "Authors", "Everyone who has published in the journal.", "authors");
    json_t *authors = authors_json(b);
    json_object_set_new(ctx, "has_authors", json_boolean(json_array_size(authors) > 0));
    json_object_set_new(ctx, "authors", authors);
    return render_page(b, "authors", ctx, "authors/index.html");
}

static int render_keywords(struct build *b)
{
    json_t *ctx =
        index_page_json(b, "Keywords", "The keywords of the journal's articles.", "keywords");
    json_t *keywords = keywords_json(b);
    json_object_set_new(ctx, "has_keywords", json_boolean(json_array_size(keywords) > 0));
    json_object_set_new(ctx, "keywords", keywords);
    return render_page(b, "keywords", ctx, "keywords/index.html");
}

/* A theme made before these pages existed simply does not get them. */
static int render_indexes(struct build *b)
{
    static const struct {
        const char *template;
        int (*render)(struct build *);
    } pages[] = {
        {"archive", render_archive}, {"authors", render_authors}, {"keywords", render_keywords}};
    for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
        if (!mustache_set_has(b->templates, pages[i].template))
            continue;
        int rc = pages[i].render(b);
        if (rc)
            return rc;
    }
    return 0;
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
        rc = render_home(&b);
    if (!rc)
        rc = render_issues(&b);
    if (!rc)
        rc = render_articles(&b);
    if (!rc)
        rc = render_indexes(&b);
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
