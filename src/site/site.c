#define _POSIX_C_SOURCE 200809L
#include "site/site.h"

#include "site/build.h"

#include "export/citation.h"
#include "export/intext.h"
#include "model/config.h"
#include "model/country.h"
#include "model/person.h"
#include "model/issue.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/review.h"
#include "model/roster.h"
#include "site/i18n.h"
#include "site/editorial_stats.h"
#include "site/markdown.h"
#include "site/stats_page.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mustache.h"
#include "util/pdfpages.h"
#include "util/utf8.h"
#include "version.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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
    /* Assets are copied to the site under their names: a link or a name such as '..' is
       refused, never followed or written. */
    w->rc = repo_entry_checkf(entry, "themes/%s/%s%s", b->repo->config.theme, root, name);
    if (w->rc)
        return -1;
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
const struct view *site_view_for(const struct build *b, const char *lang)
{
    for (size_t i = 0; lang && i < b->nviews; i++)
        if (!strcmp(b->views[i].lang, lang))
            return &b->views[i];
    return &b->views[0];
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

static int compare_issue_blobs(const void *x, const void *y)
{
    const struct issue_blob *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* Every entry of folder (submissions, issues): no link, no crafted name. One tree read. */
static int check_folder_entries(struct build *b, const char *folder)
{
    git_tree *dir = NULL;
    int rc = repo_subtree(b->repo->git, b->tree, folder, &dir);
    for (size_t i = 0; !rc && dir && i < git_tree_entrycount(dir); i++) {
        const git_tree_entry *x = git_tree_entry_byindex(dir, i);
        rc = repo_entry_checkf(x, "%s/%s", folder, git_tree_entry_name(x));
    }
    git_tree_free(dir);
    return rc;
}

/* issues/<id>.yaml as parsed by an earlier build, else read and parsed now (and recorded). */
static int load_issue(struct build *b, const git_tree_entry *ent, unsigned long id,
                      struct issue_manifest *is)
{
    const git_oid *blob_id = git_tree_entry_id(ent);
    bool is_blob = git_tree_entry_type(ent) == GIT_OBJECT_BLOB;
    if (is_blob && b->cache && site_cache_issue(b->cache, blob_id, is)) {
        is->id = id;
        return 0;
    }
    char *path = xasprintf("issues/%s", git_tree_entry_name(ent));
    struct strbuf text = STRBUF_INIT;
    int rc = 0;
    git_blob *blob = NULL;
    /* The entry was checked with the folder's: a blob is read by its id, anything else gets
       repo_read_from_tree's message. */
    if (!is_blob)
        rc = repo_read_from_tree(b->repo->git, b->tree, path, &text, NULL);
    else if (git_blob_lookup(&blob, b->repo->git, blob_id) < 0)
        rc = repo_git_error(path);
    else
        strbuf_add(&text, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    if (!rc)
        rc = issue_parse(is, id, path, text.buf, text.len, &b->repo->config);
    if (!rc && b->cache) {
        size_t n = b->nnew_issues++;
        b->new_issue_blobs = xrealloc(b->new_issue_blobs, (n + 1) * sizeof(*b->new_issue_blobs));
        b->new_issues = xrealloc(b->new_issues, (n + 1) * sizeof(*b->new_issues));
        git_oid_cpy(&b->new_issue_blobs[n], blob_id);
        strbuf_init(&b->new_issues[n]);
        site_cache_issue_encode(is, &b->new_issues[n]);
    }
    strbuf_release(&text);
    free(path);
    return rc;
}

static int load_issues(struct build *b)
{
    git_tree *dir = NULL;
    int rc = check_folder_entries(b, "submissions");
    if (!rc)
        rc = check_folder_entries(b, "issues");
    if (!rc)
        rc = repo_subtree(b->repo->git, b->tree, "issues", &dir);
    if (rc || !dir)
        return rc;
    size_t n = git_tree_entrycount(dir);
    char today[11];
    date_today(today);
    b->issues = xcalloc(n ? n : 1, sizeof(*b->issues));
    b->issue_blobs = xcalloc(n ? n : 1, sizeof(*b->issue_blobs));
    for (size_t i = 0; i < n && !rc; i++) {
        const git_tree_entry *ent = git_tree_entry_byindex(dir, i);
        unsigned long id = repo_entry_number(git_tree_entry_name(ent), ".yaml");
        if (!id)
            continue;
        b->issue_blobs[b->nissue_blobs++] = (struct issue_blob){id, *git_tree_entry_id(ent)};
        rc = load_issue(b, ent, id, &b->issues[b->nissues]);
        /* A scheduled issue (dated in the future) is not public yet. */
        if (!rc && strcmp(b->issues[b->nissues].date, today) > 0)
            issue_free(&b->issues[b->nissues]);
        else if (!rc)
            b->nissues++;
    }
    git_tree_free(dir);
    if (!rc) {
        qsort(b->issues, b->nissues, sizeof(*b->issues), compare_issues);
        qsort(b->issue_blobs, b->nissue_blobs, sizeof(*b->issue_blobs), compare_issue_blobs);
    }
    return rc;
}

static const git_oid *issue_blob(const struct build *b, unsigned long id)
{
    struct issue_blob key = {id, {{0}}};
    const struct issue_blob *found = bsearch(&key, b->issue_blobs, b->nissue_blobs,
                                             sizeof(*b->issue_blobs), compare_issue_blobs);
    return found ? &found->blob : NULL;
}

struct signed_walk {
    git_repository *git;
    struct article *a;
    int rc;
};

/* Only reviews whose reviewers agreed (signed: true) are read into the site; nothing else is. */
static int signed_review_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    struct signed_walk *w = payload;
    w->rc = repo_entry_checkf(entry, "submissions/%lu/reviews/%s%s", w->a->number, root,
                              git_tree_entry_name(entry));
    if (w->rc)
        return -1;
    /* A reviewer's file beside the review (REVIEWER.pdf) is for the office, never the site. */
    const char *name = git_tree_entry_name(entry);
    size_t len = strlen(name);
    if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB || len <= 5 ||
        strcmp(name + len - 5, ".yaml"))
        return 0;
    git_blob *blob = NULL;
    if (git_blob_lookup(&blob, w->git, git_tree_entry_id(entry)) < 0) {
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

static int load_open_reviews(git_repository *git, git_tree *tree, struct article *a)
{
    char path[64];
    git_tree *dir = NULL;
    snprintf(path, sizeof(path), "submissions/%lu/reviews", a->number);
    int rc = repo_subtree(git, tree, path, &dir);
    if (rc || !dir)
        return rc;
    struct signed_walk w = {git, a, 0};
    if (git_tree_walk(dir, GIT_TREEWALK_PRE, signed_review_entry, &w) < 0 && !w.rc)
        w.rc = repo_git_error(path);
    git_tree_free(dir);
    return w.rc;
}

static int missing_submission(const struct article *a)
{
    char issue_file[64];
    snprintf(issue_file, sizeof(issue_file), "issues/%lu.yaml", a->issue->id);
    return error_at(issue_file, a->issue->article_lines[a->listed_at], 0,
                    "lists submission %lu, which does not exist", a->number);
}

struct checked_walk {
    const char *folder;
    int rc;
};

static int check_entry(const char *root, const git_tree_entry *entry, void *payload)
{
    struct checked_walk *w = payload;
    w->rc = repo_entry_checkf(entry, "%s/%s%s", w->folder, root, git_tree_entry_name(entry));
    return w->rc ? -1 : 0;
}

/* Where an article's files are in the committed tree: enough to know whether it changed. */
static int locate_article(git_repository *git, git_tree *tree, struct article *a)
{
    char path[64];
    snprintf(path, sizeof(path), "submissions/%lu", a->number);
    git_tree *dir = NULL;
    int rc = repo_subtree(git, tree, path, &dir);
    if (rc || !dir) {
        git_tree_free(dir);
        return rc ? rc : missing_submission(a);
    }
    /* Nothing in a published article's folder, at any depth, may be a link or wrongly named
       (a crafted tree). */
    struct checked_walk cw = {path, 0};
    if (git_tree_walk(dir, GIT_TREEWALK_PRE, check_entry, &cw) < 0)
        rc = cw.rc ? cw.rc : repo_git_error(path);
    if (rc)
        goto done;
    const git_tree_entry *e = git_tree_entry_byname(dir, "submission.yaml");
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
        rc = missing_submission(a);
        goto done;
    }
    git_oid_cpy(&a->record_id, git_tree_entry_id(e));
    e = git_tree_entry_byname(dir, "manuscript.md");
    if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
        rc = error_input("%s/manuscript.md: not in the journal (no such file committed)", path);
        goto done;
    }
    git_oid_cpy(&a->manuscript_id, git_tree_entry_id(e));
    e = git_tree_entry_byname(dir, "reviews");
    /* The folder's reviews are recorded whatever the review mode: the cache's answer is the
       tree's, not this build's. */
    if (e && git_tree_entry_type(e) == GIT_OBJECT_TREE)
        git_oid_cpy(&a->reviews_id, git_tree_entry_id(e));
    git_oid_cpy(&a->folder_id, git_tree_id(dir));
done:
    git_tree_free(dir);
    return rc;
}

/* One article's record, manuscript and signed reviews, read through git and tree (the
   thread's own: libgit2 objects are used by one thread at a time). */
static int load_article(struct build *b, git_repository *git, git_tree *tree, struct article *a)
{
    char path[96];
    char issue_file[64];
    const struct issue_manifest *is = a->issue;
    unsigned long number = a->number;
    git_blob *blob = NULL;
    snprintf(issue_file, sizeof(issue_file), "issues/%lu.yaml", is->id);
    snprintf(path, sizeof(path), "submissions/%lu/submission.yaml", number);
    int rc = 0;
    if (a->record_text)
        rc = record_parse(&a->r, path, a->record_text->buf, a->record_text->len);
    else if (git_blob_lookup(&blob, git, &a->record_id) < 0)
        rc = repo_git_error(path);
    else
        rc = record_parse(&a->r, path, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    git_blob_free(blob);
    blob = NULL;
    if (rc)
        goto done;
    a->loaded = true;
    if (!a->record_text && strcmp(a->r.state, "published")) {
        rc = error_at(issue_file, is->article_lines[a->listed_at], 0,
                      "lists submission %lu, which is not published (its state is %s); only "
                      "published articles appear on the site%s",
                      number, a->r.state,
                      strcmp(a->r.state, "scheduled") ? ""
                                                      : " (the issue's date has come: run "
                                                        "journal build-issue to publish it)");
        goto done;
    }
    snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", number);
    struct strbuf file = STRBUF_INIT;
    bool from_file =
        repo_worktree_read(git, b->repo->root, path, &a->manuscript_id, &a->manuscript_file, &file);
    if (from_file)
        atomic_fetch_add(&b->from_worktree, 1);
    else
        rc = git_blob_lookup(&blob, git, &a->manuscript_id) < 0 ? repo_git_error(path) : 0;
    if (!rc) {
        const char *text = from_file ? file.buf : git_blob_rawcontent(blob);
        size_t len = from_file ? file.len : (size_t)git_blob_rawsize(blob);
        struct manuscript_rules rules = {b->countries, b->languages, b->repo->config.languages[0],
                                         &b->repo->config.markdown_limits, NULL};
        rc = manuscript_parse(&a->m, path, text, len, &rules);
        /* What listings show of it is its front matter: everything before the body. */
        if (!rc && a->m.body_len <= len) {
            struct strbuf fm = STRBUF_INIT;
            strbuf_addstr(&fm, "front matter\n");
            strbuf_add(&fm, text, len - a->m.body_len);
            site_key(&fm, a->digest);
            strbuf_release(&fm);
        }
    }
    git_blob_free(blob);
    strbuf_release(&file);
    if (!rc && b->open_review)
        rc = load_open_reviews(git, tree, a);
done:
    return rc;
}

/* The article's supplementary material, as its issue lists it, read for its page. */
static int load_supplements(git_repository *git, git_tree *tree, struct article *a)
{
    const struct issue_manifest *is = a->issue;
    const struct issue_supplementary *list =
        is->supplementary ? &is->supplementary[a->listed_at] : NULL;
    if (!list || !list->nfiles)
        return 0;
    a->supplements = xcalloc(list->nfiles, sizeof(*a->supplements));
    for (size_t i = 0; i < list->nfiles; i++) {
        char path[4200];
        struct site_supplement *s = &a->supplements[a->nsupplements++];
        s->path = list->files[i];
        strbuf_init(&s->data);
        snprintf(path, sizeof(path), "submissions/%lu/files/%s", a->number, list->files[i]);
        int rc = repo_read_from_tree(git, tree, path, &s->data, NULL);
        if (rc == JOURNAL_EINPUT) {
            error_clear();
            char issue_file[64];
            snprintf(issue_file, sizeof(issue_file), "issues/%lu.yaml", is->id);
            return error_at(issue_file, is->article_lines[a->listed_at], 0,
                            "lists %s as supplementary material of submission %lu, which has no "
                            "such attachment (its files are in submissions/%lu/files/; see "
                            "journal show %lu)",
                            list->files[i], a->number, a->number, a->number);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* Whether data is an image of the type its name says: a figure is published as what it is. */
static bool figure_is_image(const char *path, const struct strbuf *data)
{
    const unsigned char *d = (const unsigned char *)(data->buf ? data->buf : "");
    size_t n = data->len;
    const char *dot = strrchr(path, '.');
    if (!dot)
        return false;
    if (!strcasecmp(dot, ".png"))
        return n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8);
    if (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"))
        return n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
    if (!strcasecmp(dot, ".gif"))
        return n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6));
    if (!strcasecmp(dot, ".webp"))
        return n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4);
    return false;
}

/* The figures the article's text shows (site_article_figures), read for its page and its
   galley. One that is not in files/, or is not the image its name says, is not published:
   the page shows its alternative text, as for any image not found. */
static int load_figures(const struct build *b, git_repository *git, git_tree *tree,
                        struct article *a)
{
    char **paths;
    size_t n;
    int rc = site_article_figures(b, a, &paths, &n);
    if (!rc && n)
        a->figures = xcalloc(n, sizeof(*a->figures));
    for (size_t i = 0; i < n; i++) {
        struct site_supplement f = {paths[i], STRBUF_INIT};
        char *path = xasprintf("submissions/%lu/files/%s", a->number, paths[i]);
        int read = rc ? rc : repo_read_from_tree(git, tree, path, &f.data, NULL);
        free(path);
        if (!rc && read == JOURNAL_EINPUT)
            error_clear();
        else if (!rc && read)
            rc = read;
        if (!rc && !read && figure_is_image(paths[i], &f.data)) {
            a->figures[a->nfigures++] = f;
        } else {
            free(paths[i]);
            strbuf_release(&f.data);
        }
    }
    free(paths);
    return rc;
}

static void unload_supplements(struct article *a)
{
    for (size_t i = 0; i < a->nfigures; i++) {
        free((char *)a->figures[i].path);
        strbuf_release(&a->figures[i].data);
    }
    free(a->figures);
    a->figures = NULL;
    a->nfigures = 0;
    for (size_t i = 0; i < a->nsupplements; i++)
        strbuf_release(&a->supplements[i].data);
    free(a->supplements);
    a->supplements = NULL;
    a->nsupplements = 0;
}

static void unload_article(struct article *a)
{
    manuscript_free(&a->m);
    record_free(&a->r);
    for (size_t k = 0; k < a->nopen_reviews; k++)
        review_free(&a->open_reviews[k]);
    free(a->open_reviews);
    a->open_reviews = NULL;
    a->nopen_reviews = 0;
    memset(&a->m, 0, sizeof(a->m));
    memset(&a->r, 0, sizeof(a->r));
    a->loaded = false;
}

/* Each loading thread reads the journal through its own handle on the repository. */
struct loader {
    git_repository *git;
    git_tree *tree;
};

static int loader_init(struct build *b, void **state)
{
    struct loader *l = xcalloc(1, sizeof(*l));
    *state = l;
    if (git_repository_open(&l->git, git_repository_path(b->repo->git)) < 0)
        return repo_git_error("open the repository");
    if (git_tree_lookup(&l->tree, l->git, git_tree_id(b->tree)) < 0)
        return repo_git_error("read the committed tree");
    return 0;
}

static void loader_done(void *state)
{
    struct loader *l = state;
    site_pdf_thread_done();
    if (!l)
        return;
    git_tree_free(l->tree);
    git_repository_free(l->git);
    free(l);
}

static int locate_job(struct build *b, size_t i, void *state)
{
    struct loader *l = state;
    return locate_article(l->git, l->tree, &b->articles[b->to_locate[i]]);
}

/* The listings may need an article still, never its body or its references (a third of a
   parsed manuscript): a journal of any size is built in the memory of what they list. */
static void drop_body(struct article *a)
{
    /* The abstracts' citations go as their text, "(Evans & Rauch, 1999)", which is what the
       feeds, OAI-PMH and the listings show: the reference list they would link to goes. */
    if (a->m.references.n) {
        if (a->m.abstract && strchr(a->m.abstract, '@')) {
            char *plain = intext_plain(a->m.abstract, &a->m.references, a->m.lang);
            free(a->m.abstract);
            a->m.abstract = plain;
        }
        for (size_t i = 0; i < a->m.ntranslations; i++) {
            struct translation *t = &a->m.translations[i];
            if (t->abstract && strchr(t->abstract, '@')) {
                char *plain = intext_plain(t->abstract, &a->m.references, t->lang);
                free(t->abstract);
                t->abstract = plain;
            }
        }
    }
    free(a->m.body);
    a->m.body = NULL;
    a->m.body_len = 0;
    reference_list_free(&a->m.references);
    a->m.references = (struct reference_list){0};
}

/* Whether this build makes the article's page or its PDF galley. */
static bool article_to_make(const struct article *a)
{
    return a->unit->make || (a->pdf_unit && a->pdf_unit->make);
}

/* Make the units of the articles whose inputs changed (reading them first). */
static int article_job(struct build *b, size_t i, void *state)
{
    struct loader *l = state;
    struct article *a = &b->articles[i];
    struct unit *u = a->unit;
    if (!article_to_make(a))
        return 0;
    int rc = load_article(b, l->git, l->tree, a);
    if (!rc)
        rc = load_supplements(l->git, l->tree, a);
    if (!rc)
        rc = load_figures(b, l->git, l->tree, a);
    if (!rc) {
        site_unit_writing(u);
        rc = site_render_article(b, a);
        site_unit_writing(NULL);
    } else if (u->make) {
        /* No page: the search index waits for it no longer (the build fails). */
        site_search_page_written(b);
    }
    unload_supplements(a);
    struct strbuf w = STRBUF_INIT;
    for (size_t k = 0; k < a->m.nwarnings; k++)
        strbuf_addf(&w, "%s%s", k ? "\n" : "", a->m.warnings[k]);
    u->c.warnings = w.len ? strbuf_detach(&w, NULL) : NULL;
    strbuf_release(&w);
    drop_body(a);
    site_progress_tick(b);
    return rc;
}

/* Read the articles the listings need and the article jobs did not read. */
static int listing_job(struct build *b, size_t i, void *state)
{
    struct loader *l = state;
    struct article *a = &b->articles[i];
    int rc = a->loaded ? 0 : load_article(b, l->git, l->tree, a);
    drop_body(a);
    return rc;
}

static int compare_numbers(const void *x, const void *y)
{
    const struct article *a = *(const struct article *const *)x;
    const struct article *b = *(const struct article *const *)y;
    if (a->number != b->number)
        return a->number < b->number ? -1 : 1;
    return a->issue->id < b->issue->id ? -1 : a->issue->id > b->issue->id;
}

/*
 * Where each article's files are: the cache knows it for a folder whose tree an earlier
 * build located (its entries were checked then); the others are located now, on all cores.
 */
static int locate_articles(struct build *b)
{
    git_tree *folder = NULL;
    int rc = b->cache ? repo_subtree(b->repo->git, b->tree, "submissions", &folder) : 0;
    b->to_locate = xcalloc(b->narticles ? b->narticles : 1, sizeof(*b->to_locate));
    for (size_t i = 0; !rc && i < b->narticles; i++) {
        struct article *a = &b->articles[i];
        char name[32];
        snprintf(name, sizeof(name), "%lu", a->number);
        const git_tree_entry *e = folder ? git_tree_entry_byname(folder, name) : NULL;
        const struct site_cache_location *at =
            e && git_tree_entry_type(e) == GIT_OBJECT_TREE
                ? site_cache_location(b->cache, git_tree_entry_id(e))
                : NULL;
        if (!at) {
            b->to_locate[b->nto_locate++] = i;
            continue;
        }
        a->record_id = at->record;
        a->manuscript_id = at->manuscript;
        a->reviews_id = at->reviews;
        a->folder_id = at->tree;
        a->located = true;
    }
    git_tree_free(folder);
    if (!rc && b->nto_locate)
        rc = site_parallel(b, b->nto_locate, locate_job, loader_init, loader_done);
    if (!rc && b->cache) {
        b->new_locations = xcalloc(b->nto_locate ? b->nto_locate : 1, sizeof(*b->new_locations));
        for (size_t i = 0; i < b->nto_locate; i++) {
            const struct article *a = &b->articles[b->to_locate[i]];
            b->new_locations[b->nnew_locations++] = (struct site_cache_location){
                a->folder_id, a->record_id, a->manuscript_id, a->reviews_id};
        }
    }
    /* Signed reviews are read only under open review. */
    for (size_t i = 0; !rc && !b->open_review && i < b->narticles; i++)
        memset(&b->articles[i].reviews_id, 0, sizeof(b->articles[i].reviews_id));
    return rc;
}

/* Every article the issues list, each once, located in the committed tree. */
static int list_articles(struct build *b)
{
    size_t total = 0;
    for (size_t i = 0; i < b->nissues; i++)
        total += b->issues[i].narticles;
    b->articles = xcalloc(total ? total : 1, sizeof(*b->articles));
    b->article_units = xcalloc(total ? total : 1, sizeof(*b->article_units));
    if (b->pdf_engine)
        b->pdf_units = xcalloc(total ? total : 1, sizeof(*b->pdf_units));
    for (size_t i = 0; i < b->nissues; i++)
        for (size_t k = 0; k < b->issues[i].narticles; k++) {
            b->articles[b->narticles] =
                (struct article){.number = b->issues[i].articles[k],
                                 .issue = &b->issues[i],
                                 .listed_at = k,
                                 .unit = &b->article_units[b->narticles],
                                 .pdf_unit = b->pdf_units ? &b->pdf_units[b->narticles] : NULL};
            b->narticles++;
        }
    /* An article is in one issue: sorted by number, two neighbours with the same one tell.
       The order is kept, for site_find_article. */
    const struct article **sorted = xcalloc(total ? total : 1, sizeof(*sorted));
    for (size_t i = 0; i < total; i++)
        sorted[i] = &b->articles[i];
    qsort(sorted, total, sizeof(*sorted), compare_numbers);
    int rc = 0;
    for (size_t i = 1; i < total && !rc; i++)
        if (sorted[i]->number == sorted[i - 1]->number)
            rc = error_at("issues", 0, 0, "submission %lu is listed in issue %lu and issue %lu",
                          sorted[i]->number, sorted[i - 1]->issue->id, sorted[i]->issue->id);
    b->by_number = sorted;
    if (!rc)
        rc = locate_articles(b);
    return rc;
}

/* ---- what each unit is made from ---- */

static void add_oid(struct strbuf *sb, const char *label, const git_oid *id)
{
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), id);
    strbuf_addf(sb, "%s %s\n", label, hex);
}

static void add_entry(struct strbuf *sb, git_tree *tree, const char *path)
{
    git_tree_entry *e = NULL;
    if (git_tree_entry_bypath(&e, tree, path) == 0) {
        add_oid(sb, path, git_tree_entry_id(e));
        git_tree_entry_free(e);
    } else {
        git_error_clear();
        strbuf_addf(sb, "%s -\n", path);
    }
}

/*
 * What every page depends on: this very journal binary (a new version may
 * render differently), journal.yaml, the theme, the journal's own pages and,
 * under open review, the roster that names signed reviewers.
 */
static void global_key(struct build *b)
{
    struct strbuf sb = STRBUF_INIT;
    struct stat st;
    strbuf_addf(&sb, "journal build-site %s\n", JOURNAL_VERSION);
    if (stat("/proc/self/exe", &st) == 0)
        strbuf_addf(&sb, "binary %ju %ju %jd %ld.%09ld\n", (uintmax_t)st.st_dev,
                    (uintmax_t)st.st_ino, (intmax_t)st.st_size, (long)st.st_mtim.tv_sec,
                    (long)st.st_mtim.tv_nsec);
    else
        strbuf_addf(&sb, "binary built %s %s\n", __DATE__, __TIME__);
    add_entry(&sb, b->tree, "journal.yaml");
    char *theme = xasprintf("themes/%s", b->repo->config.theme);
    add_entry(&sb, b->tree, theme);
    free(theme);
    add_entry(&sb, b->tree, "pages");
    /* With galleys, the article pages link them and the sitemap lists them. */
    strbuf_addf(&sb, "pdf %s\n", b->pdf_engine ? "yes" : "no");
    if (b->open_review)
        add_entry(&sb, b->tree, "reviewers.yaml");
    site_key(&sb, b->global_key);
    strbuf_release(&sb);
}

static void unit_name(struct unit *u, const char *name)
{
    u->c.name = xstrdup(name);
}

/* An article's page and downloads: its record, manuscript, signed reviews and issue. */
static void article_key(struct build *b, struct article *a)
{
    struct strbuf sb = STRBUF_INIT;
    char name[48];
    snprintf(name, sizeof(name), "article/%lu", a->number);
    unit_name(a->unit, name);
    strbuf_addf(&sb, "%s\nglobal %s\n", name, b->global_key);
    add_oid(&sb, "record", &a->record_id);
    add_oid(&sb, "manuscript", &a->manuscript_id);
    add_oid(&sb, "reviews", &a->reviews_id);
    const git_oid *is = issue_blob(b, a->issue->id);
    if (is)
        add_oid(&sb, "issue", is);
    /* Supplementary material and figures are read from the folder's files/: its tree counts
       too (which figures the text shows is known only once it is read). */
    add_oid(&sb, "folder", &a->folder_id);
    site_key(&sb, a->unit->c.key);
    strbuf_release(&sb);
}

/* The pages made from all articles: the issues as published, and what they show of each
   article (its record and front matter), in order. False while a digest is unknown. */
static bool site_key_of(struct build *b)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_addf(&sb, "site\nglobal %s\n", b->global_key);
    for (size_t i = 0; i < b->nissues; i++) {
        const git_oid *is = issue_blob(b, b->issues[i].id);
        strbuf_addf(&sb, "issue %lu\n", b->issues[i].id);
        if (is)
            add_oid(&sb, "manifest", is);
        /* Its page links the issue PDF: whether there is one, not its content, or an edit of
           any article's text would make every listing again. (Hence no size on that link.) */
        if (site_issue_pdf_of(b, &b->issues[i]))
            strbuf_addstr(&sb, "issue pdf\n");
    }
    /* Peer review in numbers counts every submission and the roster's countries. */
    if (b->repo->config.publish_editorial_stats) {
        add_entry(&sb, b->tree, "submissions");
        add_entry(&sb, b->tree, "reviewers.yaml");
    }
    bool known = true;
    for (size_t i = 0; i < b->narticles && known; i++) {
        struct article *a = &b->articles[i];
        strbuf_addf(&sb, "article %lu\n", a->number);
        add_oid(&sb, "record", &a->record_id);
        strbuf_addf(&sb, "front matter %s\n", a->digest);
        known = a->digest[0] != '\0';
    }
    if (known)
        site_key(&sb, b->site_unit.c.key);
    strbuf_release(&sb);
    return known;
}

/* Which units this build makes: every one whose inputs changed since the last build. */
static void decide_units(struct build *b)
{
    global_key(b);
    for (size_t i = 0; i < b->narticles; i++) {
        struct article *a = &b->articles[i];
        if (b->cache) {
            char hex[GIT_OID_HEXSZ + 1];
            git_oid_tostr(hex, sizeof(hex), &a->manuscript_id);
            const char *digest = site_cache_digest(b->cache, hex);
            if (digest)
                snprintf(a->digest, sizeof(a->digest), "%s", digest);
        }
        article_key(b, a);
        site_unit_decide(b, a->unit);
        if (a->pdf_unit) {
            site_pdf_key(b, a);
            site_unit_decide(b, a->pdf_unit);
        }
    }
    site_issue_pdf_decide(b, issue_blob);
    unit_name(&b->site_unit, "site");
    if (site_key_of(b))
        site_unit_decide(b, &b->site_unit);
    else
        b->site_unit.make = true; /* a manuscript never read: its listings are made again */
    struct strbuf sb = STRBUF_INIT;
    unit_name(&b->assets_unit, "assets");
    strbuf_addf(&sb, "assets\nglobal %s\n", b->global_key);
    site_key(&sb, b->assets_unit.c.key);
    strbuf_release(&sb);
    site_unit_decide(b, &b->assets_unit);
}

/* The site's warnings, article by article: the made ones' just now, the others' last time. */
static void collect_warnings(struct build *b)
{
    for (size_t i = 0; i < 2 * b->narticles; i++) {
        /* Each article's page, then its galley's (a page count its range does not say). */
        const struct unit *u =
            i < b->narticles ? b->articles[i].unit : b->articles[i - b->narticles].pdf_unit;
        const char *w = !u ? NULL : u->make || !u->last ? u->c.warnings : u->last->warnings;
        while (w && *w) {
            const char *end = strchr(w, '\n');
            size_t len = end ? (size_t)(end - w) : strlen(w);
            site_warning(b, xstrndup(w, len));
            w = end ? end + 1 : NULL;
        }
    }
}

/* ---- page data ---- */

void site_set_str(json_t *obj, const char *key, const char *value)
{
    if (!value)
        return;
    /* jansson checks UTF-8 a byte at a time; utf8_validate reads ASCII a word at a time. */
    size_t len = strlen(value), bad;
    json_object_set_new(obj, key,
                        utf8_validate(value, len, &bad) ? json_stringn_nocheck(value, len)
                                                        : json_string(value));
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

/* "Vol. 1, No. 2 (2025)", "Т. 1, № 2 (2025)"; "Vol. 1, Special Issue 1 (2025)" in the
   special series (an older theme without special_issue_label: the English one). */
static char *view_issue_label(const struct view *v, const struct issue_manifest *is)
{
    char volume[24], number[24], year[24];
    snprintf(volume, sizeof(volume), "%lu", is->volume);
    snprintf(number, sizeof(number), "%lu", is->number);
    snprintf(year, sizeof(year), "%lu", is->year);
    const char *names[] = {"volume", "number", "year", NULL};
    const char *values[] = {volume, number, year, NULL};
    if (is->special_series &&
        !strcmp(i18n_text(v->t, "special_issue_label"), "special_issue_label"))
        return issue_label(is);
    return i18n_format(v->t, is->special_series ? "special_issue_label" : "issue_label", names,
                       values);
}

/* A label the theme may not translate (an older theme): the built-in English one then. */
const char *site_label(const struct view *v, const char *prefix, const char *code,
                       const char *english)
{
    char *key = xasprintf("%s%s", prefix, code);
    const char *text = i18n_text(v->t, key);
    bool missing = text == key;
    free(key);
    return missing ? english : text;
}

void site_set_date(const struct view *v, json_t *obj, const char *key, const char *iso)
{
    if (!iso)
        return;
    char *display = view_date(v, iso);
    char *display_key = xasprintf("%s_display", key);
    site_set_str(obj, key, iso);
    site_set_str(obj, display_key, display);
    free(display_key);
    free(display);
}

/* Journal texts (Markdown, from journal.yaml) as HTML, in the view's language. */
static void set_localised_html(const struct build *b, const struct view *v, json_t *obj,
                               const char *key, const struct localised_text *text)
{
    const char *md = localised_get(text, v->lang, b->views[0].lang);
    if (!md)
        return;
    struct strbuf html = STRBUF_INIT;
    if (markdown_to_html(md, strlen(md), false, &html) == 0)
        site_set_str(obj, key, html.buf);
    strbuf_release(&html);
}

const char *view_text(const struct view *v, const struct localised_text *t, const char *main)
{
    for (size_t i = 0; i < t->n; i++)
        if (!t->lang[i] || !strcmp(t->lang[i], v->lang))
            return t->text[i];
    return main;
}

static json_t *site_json(const struct build *b, const struct view *v)
{
    const struct journal_config *c = &b->repo->config;
    json_t *site = json_object();
    site_set_str(site, "title", localised_get(&c->titles, v->lang, b->views[0].lang));
    site_set_str(site, "publisher", view_text(v, &c->publishers, c->publisher));
    site_set_str(site, "issn", c->issn);
    site_set_str(site, "base_url", c->base_url);
    site_set_str(site, "license", c->license);
    site_set_str(site, "contact_email", c->contact_email);
    set_localised_html(b, v, site, "description_html", &c->descriptions);
    set_localised_html(b, v, site, "aims_html", &c->aims_and_scope);
    set_localised_html(b, v, site, "call_html", &c->call_for_papers);
    json_object_set_new(site, "search", json_boolean(b->pagefind != NULL));
    /* The front desk's submission form, in the page's language ("Submit a manuscript"). */
    if (c->desk_url) {
        char *submit = xasprintf("%s/submit?lang=%s", c->desk_url, v->lang);
        site_set_str(site, "submit_url", submit);
        free(submit);
    }
    json_t *langs = json_array();
    for (size_t i = 0; i < c->nlanguages; i++)
        json_array_append_new(langs, json_string(c->languages[i]));
    json_object_set_new(site, "languages", langs);
    return site;
}

json_t *site_issue_summary_json(const struct view *v, const struct issue_manifest *is)
{
    json_t *o = json_object();
    char *url = xasprintf("issues/%lu/index.html", is->id);
    char *label = view_issue_label(v, is);
    json_object_set_new(o, "id", json_integer((json_int_t)is->id));
    site_set_str(o, "url", url);
    json_object_set_new(o, "volume", json_integer((json_int_t)is->volume));
    char number[ISSUE_NUMBER_SIZE];
    site_set_str(o, "number", issue_number_text(is, number));
    json_object_set_new(o, "year", json_integer((json_int_t)is->year));
    site_set_date(v, o, "date", is->date);
    site_set_str(o, "title", view_text(v, &is->titles, is->title));
    site_set_str(o, "special", view_text(v, &is->specials, is->special));
    site_set_str(o, "label", label);
    json_object_set_new(o, "article_count", json_integer((json_int_t)is->narticles));
    json_t *editors = json_array();
    for (size_t i = 0; i < is->nguest_editors; i++)
        json_array_append_new(editors, json_pack("{s:s, s:s?, s:b}", "name",
                                                 is->guest_editors[i].name, "affiliation",
                                                 view_text(v, &is->guest_editors[i].affiliations,
                                                           is->guest_editors[i].affiliation),
                                                 "last", i + 1 == is->nguest_editors));
    json_object_set_new(o, "has_guest_editors", json_boolean(is->nguest_editors > 0));
    json_object_set_new(o, "guest_editors", editors);
    free(url);
    free(label);
    return o;
}

/* "A, B and C"; "A, B и C": joined in v's language, each name in the form of page_lang's. */
static char *authors_line(const struct view *v, const struct manuscript *m, const char *page_lang)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < m->nauthors; i++) {
        if (i + 1 == m->nauthors && i)
            strbuf_addf(&sb, " %s ", i18n_text(v->t, "and"));
        else if (i)
            strbuf_addstr(&sb, ", ");
        strbuf_addstr(&sb,
                      person_display_name(m->authors[i].name, &m->authors[i].latin, page_lang));
    }
    return strbuf_detach(&sb, NULL);
}

void site_set_article_title(json_t *o, const struct article *a, const char *view_lang)
{
    const struct translation *t = manuscript_translation(&a->m, view_lang);
    site_set_str(o, "title", t ? t->title : a->m.title);
    site_set_str(o, "subtitle", t ? t->subtitle : a->m.subtitle);
    site_set_str(o, "lang", t ? t->lang : a->m.lang);
    /* The names stay the article's: the authors line keeps its own language. */
    site_set_str(o, "authors_lang", a->m.lang);
}

/* Whether the page in page_lang shows some author of m in another form than the article's own
   language would (name_latin on the English site for a Russian article). */
static bool names_follow_page(const struct manuscript *m, const char *page_lang)
{
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        if (person_display_name(au->name, &au->latin, page_lang) !=
            person_display_name(au->name, &au->latin, m->lang))
            return true;
    }
    return false;
}

json_t *site_article_summary_json(const struct build *b, const struct view *v,
                                  const struct article *a)
{
    json_t *o = json_object();
    char *url = xasprintf("articles/%lu/index.html", a->number);
    /* The names are the article's, joined in its language whatever the page's; but where the
       page shows them in another script (the Latin form on the English site), the line is
       the page's, joined in its language. */
    const struct view *names = names_follow_page(&a->m, v->lang) ? v : site_view_for(b, a->m.lang);
    char *line = authors_line(names, &a->m, v->lang);
    json_object_set_new(o, "id", json_integer((json_int_t)a->number));
    site_set_str(o, "url", url);
    site_set_article_title(o, a, v->lang);
    site_set_str(o, "type", a->m.type);
    /* Google Scholar's citation_* tags are for scholarly articles only (its inclusion guidelines).
     */
    json_object_set_new(o, "scholarly", json_boolean(manuscript_type_is_scholarly(a->m.type)));
    site_set_str(o, "type_label",
                 site_label(v, "type_", a->m.type, manuscript_type_label(a->m.type)));
    site_set_str(o, "authors_line", line);
    site_set_str(o, "authors_lang", names->lang);
    /* Its PDF galley, when the build makes them (the listings' key says whether it does). */
    if (a->pdf_unit) {
        char *pdf = xasprintf("articles/%lu/article.pdf", a->number);
        site_set_str(o, "pdf_url", pdf);
        free(pdf);
    }
    free(url);
    free(line);
    return o;
}

const struct article *site_find_article(struct build *b, unsigned long number)
{
    size_t lo = 0, hi = b->by_number ? b->narticles : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->by_number[mid]->number < number)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->narticles && b->by_number && b->by_number[lo]->number == number
               ? b->by_number[lo]
               : NULL;
}

json_t *site_issue_full_json(struct build *b, const struct view *v, const struct issue_manifest *is)
{
    json_t *o = site_issue_summary_json(v, is);
    json_t *list = json_array();
    /* The table of contents by section: runs of one article type, in the issue's order. */
    json_t *sections = json_array();
    json_t *section = NULL;
    const char *type = NULL;
    for (size_t k = 0; k < is->narticles; k++) {
        const struct article *a = site_find_article(b, is->articles[k]);
        if (!a)
            continue;
        json_t *summary = site_article_summary_json(b, v, a);
        /* The table of contents says where each article is: its pages and its DOI. */
        char *pages = citation_pages_text(is->pages ? is->pages[k] : NULL);
        site_set_str(summary, "pages", pages);
        if (a->r.doi && *a->r.doi) {
            char *doi_url = xasprintf("https://doi.org/%s", a->r.doi);
            site_set_str(summary, "doi", a->r.doi);
            site_set_str(summary, "doi_url", doi_url);
            free(doi_url);
        }
        json_object_set_new(summary, "has_location",
                            json_boolean(pages || (a->r.doi && *a->r.doi)));
        free(pages);
        json_array_append_new(list, summary);
        if (!type || strcmp(type, a->m.type)) {
            type = a->m.type;
            section =
                json_pack("{s:s, s:s, s:[]}", "type", type, "title",
                          site_label(v, "section_", type, manuscript_type_label(type)), "articles");
            json_array_append_new(sections, section);
        }
        json_array_append(json_object_get(section, "articles"), summary);
    }
    json_object_set_new(o, "articles", list);
    json_object_set_new(o, "sections", sections);
    return o;
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
json_t *site_page_json(struct build *b, const struct view *v, const char *path, const char *rel,
                       const char *title, const char *description)
{
    json_t *ctx = json_object();
    json_t *page = json_object();
    char *root = path_to_top(rel);
    char *home = xasprintf("%s%s", root, v->dir);
    site_set_str(ctx, "root", root);
    site_set_str(ctx, "home", home);
    site_set_str(ctx, "generator", JOURNAL_VERSION);
    const char *site_title = localised_get(&b->repo->config.titles, v->lang, b->views[0].lang);
    if (title && strcmp(title, site_title)) {
        char *full = xasprintf("%s | %s", title, site_title);
        site_set_str(page, "title", full);
        free(full);
    } else {
        site_set_str(page, "title", site_title);
    }
    site_set_str(page, "lang", v->lang);
    site_set_str(page, "description", description);
    if (b->repo->config.base_url) {
        char *canonical = xasprintf("%s%s", b->repo->config.base_url, rel);
        site_set_str(page, "canonical", canonical);
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
        const struct md_page *shown = site_page_in(b, pg->slug, v);
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

int site_render_page(struct build *b, const struct view *v, const char *template, json_t *ctx,
                     const char *rel)
{
    struct strbuf html = STRBUF_INIT;
    /* Room for most pages at once: an article's page grew through ten copies from 64 bytes. */
    strbuf_grow(&html, 64 * 1024);
    int rc = mustache_set_render_shared(b->templates, template, v->shared, ctx, &html);
    if (rc)
        error_prefix("rendering %s", rel);
    else
        rc = site_write_output(b, rel, html.buf, html.len);
    strbuf_release(&html);
    json_decref(ctx);
    return rc;
}

static int render_home(struct build *b, const struct view *v)
{
    const char *description = localised_get(&b->repo->config.descriptions, v->lang, NULL);
    char *rel = xasprintf("%sindex.html", v->dir);
    json_t *ctx = site_page_json(b, v, "index.html", rel, NULL, description);
    set_nav(ctx, "home");
    json_t *issues = json_array();
    for (size_t i = 0; i < b->nissues; i++)
        json_array_append_new(issues, site_issue_summary_json(v, &b->issues[i]));
    json_object_set_new(ctx, "issues", issues);
    json_object_set_new(ctx, "has_issues", json_boolean(b->nissues > 0));
    if (b->nissues)
        json_object_set_new(ctx, "latest_issue", site_issue_full_json(b, v, &b->issues[0]));
    int rc = site_render_page(b, v, "home", ctx, rel);
    free(rel);
    return rc;
}

/* Issues from..to-1 (newest first) of the view. */
static int render_issues(struct build *b, const struct view *v, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const struct issue_manifest *is = &b->issues[i];
        char *label = view_issue_label(v, is);
        const char *own = view_text(v, &is->titles, is->title);
        const char *special = view_text(v, &is->specials, is->special);
        char *title = own ? xasprintf("%s: %s", label, own) : xstrdup(label);
        char path[64];
        snprintf(path, sizeof(path), "issues/%lu/index.html", is->id);
        char *rel = xasprintf("%s%s", v->dir, path);
        json_t *ctx = site_page_json(b, v, path, rel, title, special ? special : own);
        json_t *issue = site_issue_full_json(b, v, is);
        /* The issue PDF, published once at the top of the site. */
        if (site_issue_pdf_of(b, is)) {
            char *pdf = xasprintf("issues/%lu/issue.pdf", is->id);
            site_set_str(issue, "pdf_url", pdf);
            free(pdf);
        }
        json_object_set_new(ctx, "issue", issue);
        set_nav(ctx, "archive");
        int rc = site_render_page(b, v, "issue", ctx, rel);
        free(rel);
        free(title);
        free(label);
        if (rc)
            return rc;
    }
    return 0;
}

/* A page that exists in every language, at path within the language's folder. */
json_t *site_view_page_json(struct build *b, const struct view *v, const char *path,
                            const char *title_key, const char *description_key, const char *nav,
                            char **rel)
{
    *rel = xasprintf("%s%s", v->dir, path);
    json_t *ctx = site_page_json(b, v, path, *rel, i18n_text(v->t, title_key),
                                 i18n_text(v->t, description_key));
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
    json_t *stats = NULL;
    int rc = stats_page_build(list, b->narticles, b->countries, &b->repo->config, file,
                              b->has_world_map ? b->world_map.buf : NULL, b->world_map.len, v->t,
                              &stats);
    if (!rc && b->editorial)
        json_object_set(stats, "editorial", b->editorial[v - b->views]);
    if (!rc) {
        char *rel;
        json_t *ctx = site_view_page_json(b, v, "statistics/index.html", "stats_title",
                                          "stats_description", "statistics", &rel);
        json_object_set_new(ctx, "stats", stats);
        rc = site_render_page(b, v, "statistics", ctx, rel);
        free(rel);
    }
    free(file);
    for (size_t i = 0; i < b->narticles; i++)
        free(labels[i]);
    free(labels);
    free(list);
    return rc;
}

/*
 * The search page: Pagefind's interface (its script and style, which the search index brings
 * in each part of it, pagefind/<shard>/), loaded and started by the theme's assets/search.js,
 * which reads the parts and their languages from pagefind/shards.json and searches them all.
 * Only when the site has search.
 */
static int render_search(struct build *b, const struct view *v)
{
    if (!b->pagefind)
        return 0;
    char *rel;
    json_t *ctx = site_view_page_json(b, v, "search/index.html", "search_title",
                                      "search_description", "search", &rel);
    json_t *search = json_object();
    /* The filters' values are codes (research-article, ru), the same in every language's
       index so that they merge; the page names them in its own language, for search.js to
       show: "Научная статья" and "Английский" on the Russian page, whatever the article's
       language. */
    json_t *values = json_array();
    for (size_t i = 0; manuscript_types[i]; i++)
        json_array_append_new(values,
                              json_pack("{s:s, s:s, s:s}", "filter", "type", "value",
                                        manuscript_types[i], "label",
                                        site_label(v, "type_", manuscript_types[i],
                                                   manuscript_type_label(manuscript_types[i]))));
    for (size_t i = 0; i < b->nviews; i++) {
        const char *code = b->views[i].lang;
        const struct language *l = b->languages ? language_lookup(b->languages, code) : NULL;
        const char *known =
            l ? (!strcmp(v->lang, "ru") && l->name_ru ? l->name_ru : l->name) : code;
        json_array_append_new(values,
                              json_pack("{s:s, s:s, s:s}", "filter", "language", "value", code,
                                        "label", site_label(v, "language_", code, known)));
    }
    json_object_set_new(search, "filter_values", values);
    json_object_set_new(ctx, "search", search);
    int rc = site_render_page(b, v, "search", ctx, rel);
    free(rel);
    return rc;
}

/* The pages made from all articles, each kind rendered by one function (a theme made before
   a kind of page existed simply does not get it). */
static const struct {
    const char *template;
    int (*render)(struct build *, const struct view *);
} index_pages[] = {{"archive", site_render_archive},   {"authors", site_render_authors},
                   {"keywords", site_render_keywords}, {"board", site_render_board},
                   {"page", site_render_pages},        {"statistics", render_statistics},
                   {"search", render_search}};
#define NINDEX_PAGES (sizeof(index_pages) / sizeof(index_pages[0]))

static int copy_assets(struct build *b)
{
    for (size_t i = 0; i < b->nassets; i++) {
        git_blob *blob = NULL;
        if (!fs_is_safe_relative(b->assets[i].path))
            continue;
        if (git_blob_lookup(&blob, b->repo->git, &b->assets[i].id) < 0)
            return repo_git_error(b->assets[i].path);
        char *rel = xasprintf("assets/%s", b->assets[i].path);
        int rc =
            site_write_output(b, rel, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
        free(rel);
        git_blob_free(blob);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- the output folder ---- */

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
 * The build removes from the output folder what is not part of the site, so it
 * must never be a folder that holds anything else: not the journal, not inside .git, and not
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

/*
 * The build renames and removes files under the output folder: a link in it would take those
 * writes and removals outside the site. A build that may touch any file of the folder (with
 * --force, or one the cache knows nothing of) looks at every one now; an incremental build
 * looks at the ways to the files it moves or removes, before the first (units.c).
 */
static int check_output_links(struct build *b)
{
    size_t nlast = 0;
    if (b->cache)
        site_cache_units(b->cache, &nlast);
    if ((nlast && !b->force) || !fs_exists(b->out))
        return 0;
    b->links_checked = true;
    char *link = fs_find_link(b->out);
    int rc = link ? site_refuse_link(b, link) : 0;
    free(link);
    return rc;
}

/* The theme's files, and the mark that says the folder is a site journal made. */
static int make_assets(struct build *b)
{
    site_unit_writing(&b->assets_unit);
    int rc = site_write_output(b, SITE_MARKER, SITE_MARKER_TEXT, strlen(SITE_MARKER_TEXT));
    if (!rc)
        rc = copy_assets(b);
    site_unit_writing(NULL);
    return rc;
}

/* The theme's world map, for the statistics pages (a theme may have none). */
static int load_world_map(struct build *b)
{
    char *file = xasprintf("themes/%s/map/world.svg", b->repo->config.theme);
    int rc = repo_read_from_tree(b->repo->git, b->tree, file, &b->world_map, NULL);
    b->has_world_map = rc == 0;
    if (rc == JOURNAL_EINPUT) {
        error_clear();
        rc = 0;
    }
    free(file);
    return rc;
}

/* Issues rendered by one job: enough to be worth a job, few enough to share out. */
#define ISSUES_PER_PART 32

/*
 * The listings in parts that can be made at the same time, so that every core works till
 * the end: per language the home page, the issues in runs of ISSUES_PER_PART, and each
 * kind of index page; then the feeds and OAI-PMH.
 */
struct listing_part {
    enum { PART_HOME, PART_ISSUES, PART_INDEX, PART_FEEDS } kind;
    const struct view *v;
    size_t from, to; /* issues, or the index page */
};

/* The longest parts first (the feeds and OAI-PMH, then the indexes), so that the last ones
   to start, the runs of issues, are short and the cores finish together. */
static size_t listing_parts(struct build *b, struct listing_part **out)
{
    size_t alloc = 0, n = 0;
    struct listing_part *parts = NULL;
    ARRAY_GROW(parts, n + 1, alloc);
    parts[n++] = (struct listing_part){PART_FEEDS, NULL, 0, 0};
    for (size_t i = 0; i < b->nviews; i++)
        for (size_t k = 0; k < NINDEX_PAGES; k++)
            if (mustache_set_has(b->templates, index_pages[k].template)) {
                ARRAY_GROW(parts, n + 1, alloc);
                parts[n++] = (struct listing_part){PART_INDEX, &b->views[i], k, k + 1};
            }
    for (size_t i = 0; i < b->nviews; i++) {
        const struct view *v = &b->views[i];
        ARRAY_GROW(parts, n + 1, alloc);
        parts[n++] = (struct listing_part){PART_HOME, v, 0, 0};
        for (size_t from = 0; from < b->nissues; from += ISSUES_PER_PART) {
            size_t to = from + ISSUES_PER_PART < b->nissues ? from + ISSUES_PER_PART : b->nissues;
            ARRAY_GROW(parts, n + 1, alloc);
            parts[n++] = (struct listing_part){PART_ISSUES, v, from, to};
        }
    }
    *out = parts;
    return n;
}

static int listing_part(struct build *b, size_t i, void *state)
{
    (void)state;
    const struct listing_part *p = &b->listing_parts[i];
    int rc = 0;
    site_unit_writing(&b->site_unit);
    switch (p->kind) {
    case PART_HOME:
        rc = render_home(b, p->v);
        break;
    case PART_ISSUES:
        rc = render_issues(b, p->v, p->from, p->to);
        break;
    case PART_INDEX:
        rc = index_pages[p->from].render(b, p->v);
        break;
    case PART_FEEDS:
        rc = site_write_feeds(b);
        if (!rc)
            rc = site_write_oai(b);
        break;
    }
    site_unit_writing(NULL);
    return rc;
}

/* What every part of the listings needs before it starts: the world map, the parts. */
/*
 * "Peer review in numbers" (publish_editorial_stats: true) for each language, from the index
 * as `journal stats --editorial` counts it, with the roster's countries of the reviewers:
 * here, once, rather than in the statistics pages, which are made on several threads.
 */
static int load_editorial(struct build *b)
{
    if (!b->repo->config.publish_editorial_stats || b->editorial)
        return 0;
    struct journal_index *ix = NULL;
    char today[11];
    date_today(today);
    int rc = index_open(&ix, b->repo);
    b->editorial = xcalloc(b->nviews + 1, sizeof(*b->editorial));
    for (size_t i = 0; !rc && i < b->nviews; i++) {
        struct editorial_stats es;
        rc = editorial_stats_compute(ix, &b->roster, b->countries, i18n_lang(b->views[i].t),
                                     b->repo->config.invitation_days, today, 0, &es);
        if (!rc) {
            b->editorial[i] = editorial_stats_page_json(&es, b->views[i].t);
            editorial_stats_free(&es);
        }
    }
    index_close(ix);
    return rc;
}

static int listings_begin(struct build *b)
{
    struct listing_part *parts = NULL;
    b->nlisting_parts = listing_parts(b, &parts);
    b->listing_parts = parts;
    int rc = load_world_map(b);
    return rc ? rc : load_editorial(b);
}

/* The sitemap lists every page: after all the others. */
static int listings_end(struct build *b, int rc)
{
    free((void *)b->listing_parts);
    b->listing_parts = NULL;
    b->nlisting_parts = 0;
    if (!rc) {
        site_unit_writing(&b->site_unit);
        rc = site_write_sitemap(b);
        site_unit_writing(NULL);
    }
    return rc;
}

/* Home, issues, indexes, the journal's pages in every language; feeds, OAI, sitemap. */
static int make_listings(struct build *b)
{
    int rc = listings_begin(b);
    if (!rc)
        rc = site_parallel(b, b->nlisting_parts, listing_part, NULL, NULL);
    return listings_end(b, rc);
}

static size_t articles_to_make(const struct build *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->narticles; i++)
        n += article_to_make(&b->articles[i]);
    return n;
}

/*
 * When the listings are to be made whatever the articles hold (a first build, or their
 * inputs known to have changed), they are made in the articles' pool: job i < narticles is
 * article i (made, or only read for the listings), the others the parts of the listings,
 * each of which waits until every article has been read. The jobs are taken in order, so a
 * part starts only once every article job has been taken, and each of those counts itself
 * ready when it ends, failed or not: the wait ends. The cores then go from the last
 * articles to the listings with no pause between two phases.
 */
static int article_or_listing_job(struct build *b, size_t i, void *state)
{
    if (i >= b->narticles) {
        /* This thread reads no more articles: its handle on the repository, and the objects
           it keeps, go now rather than under the listings' memory. */
        struct loader *l = state;
        if (l && l->git) {
            git_tree_free(l->tree);
            git_repository_free(l->git);
            l->tree = NULL;
            l->git = NULL;
        }
        pthread_mutex_lock(&b->ready_lock);
        while (b->articles_ready < b->narticles)
            pthread_cond_wait(&b->ready_cond, &b->ready_lock);
        pthread_mutex_unlock(&b->ready_lock);
        int rc = listing_part(b, i - b->narticles, NULL);
        site_progress_tick(b);
        return rc;
    }
    int rc = article_to_make(&b->articles[i]) ? article_job(b, i, state) : listing_job(b, i, state);
    pthread_mutex_lock(&b->ready_lock);
    if (++b->articles_ready == b->narticles)
        pthread_cond_broadcast(&b->ready_cond);
    pthread_mutex_unlock(&b->ready_lock);
    return rc;
}

static int make_articles_and_listings(struct build *b)
{
    int rc = listings_begin(b);
    site_progress_begin(b, "articles and listings", articles_to_make(b) + b->nlisting_parts);
    if (!rc)
        rc = site_parallel(b, b->narticles + b->nlisting_parts, article_or_listing_job, loader_init,
                           loader_done);
    site_progress_end(b);
    /* Every article was read: each digest is known now, and so the key. */
    if (!rc)
        site_key_of(b);
    return listings_end(b, rc);
}

static size_t issue_pdfs_to_make(const struct build *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->nissue_pdfs; i++)
        n += b->issue_pdfs[i].unit.make;
    return n;
}

/*
 * What the cover and contents of an issue PDF show, in the journal's first language: the
 * issue as its page has it (its table of contents by section, each article's pages) and, for
 * the cover, the journal, the issue and its publisher in each language of the journal.
 */
static json_t *issue_pdf_json(struct build *b, const struct issue_pdf *ip)
{
    const struct issue_manifest *is = ip->issue;
    const struct view *v = &b->views[0];
    const struct journal_config *c = &b->repo->config;
    json_t *issue = site_issue_full_json(b, v, is);
    const char *label = json_string_value(json_object_get(issue, "label"));
    const char *own = json_string_value(json_object_get(issue, "title"));
    char *title = own ? xasprintf("%s: %s", label, own) : xstrdup(label ? label : "");
    char rel[64];
    snprintf(rel, sizeof(rel), "issues/%lu/issue.pdf", is->id);
    json_t *ctx = site_page_json(b, v, NULL, rel, title, NULL);
    site_set_str(ctx, "pdf_title", title);
    site_set_str(ctx, "contents_label", i18n_text(v->t, "issue_contents"));
    json_t *covers = json_array();
    for (size_t i = 0; i < b->nviews; i++) {
        const struct view *w = &b->views[i];
        json_t *summary = site_issue_summary_json(w, is);
        json_t *cover = json_object();
        site_set_str(cover, "lang", w->lang);
        site_set_str(cover, "journal", localised_get(&c->titles, w->lang, b->views[0].lang));
        site_set_str(cover, "publisher", view_text(w, &c->publishers, c->publisher));
        site_set_str(cover, "published_by", i18n_text(w->t, "published_by"));
        site_set_str(cover, "special_edition", i18n_text(w->t, "special_edition"));
        site_set_str(cover, "published", i18n_text(w->t, "published"));
        static const char *const copied[] = {"label", "title", "special", "date_display"};
        for (size_t k = 0; k < sizeof(copied) / sizeof(copied[0]); k++)
            json_object_set(cover, copied[k], json_object_get(summary, copied[k]));
        json_object_set_new(cover, "first", json_boolean(i == 0));
        json_array_append_new(covers, cover);
        json_decref(summary);
    }
    json_object_set_new(ctx, "covers", covers);
    json_object_set_new(ctx, "issue", issue);
    free(title);
    return ctx;
}

/* An issue's PDF, once every galley is made: its articles read first where no job read them. */
static int issue_pdf_job(struct build *b, size_t i, void *state)
{
    struct loader *l = state;
    struct issue_pdf *ip = &b->issue_pdfs[i];
    if (!ip->unit.make)
        return 0;
    int rc = 0;
    for (size_t k = 0; !rc && k < ip->issue->narticles; k++) {
        struct article *a = (struct article *)site_find_article(b, ip->issue->articles[k]);
        if (a && !a->loaded) {
            rc = load_article(b, l->git, l->tree, a);
            drop_body(a);
        }
    }
    return rc ? rc : site_make_issue_pdf(b, ip, issue_pdf_json(b, ip));
}

/*
 * Job i < narticles is article i; the others, the issue PDFs, each wait until every article
 * job has ended (the jobs are taken in order, so every article job has been taken by then; see
 * article_or_listing_job) and then typeset with the driver the thread already has. A thread that
 * waits gives its driver up first when there are fewer drivers than threads (the memory bound),
 * for an article still to typeset may be waiting for it.
 */
static int article_or_issue_pdf_job(struct build *b, size_t i, void *state)
{
    if (i < b->narticles) {
        int rc = article_job(b, i, state);
        pthread_mutex_lock(&b->ready_lock);
        if (++b->articles_ready == b->narticles)
            pthread_cond_broadcast(&b->ready_cond);
        pthread_mutex_unlock(&b->ready_lock);
        return rc;
    }
    if (!b->issue_pdfs[i - b->narticles].unit.make)
        return 0;
    pthread_mutex_lock(&b->ready_lock);
    bool wait = b->articles_ready < b->narticles;
    pthread_mutex_unlock(&b->ready_lock);
    if (wait && b->pdf_slots < b->jobs)
        site_pdf_thread_done();
    pthread_mutex_lock(&b->ready_lock);
    while (b->articles_ready < b->narticles)
        pthread_cond_wait(&b->ready_cond, &b->ready_lock);
    pthread_mutex_unlock(&b->ready_lock);
    return issue_pdf_job(b, i - b->narticles, state);
}

/* Whether the listings are made whatever the articles now read say (see decide_units). */
static bool listings_made_anyway(struct build *b)
{
    if (!b->site_unit.make)
        return false;
    if (b->site_unit.c.key[0] || b->force || !b->cache)
        return true;
    return !site_cache_find(b->cache, b->site_unit.c.name);
}

/* Which manuscripts to render can be read from the working tree (store/worktree.h). */
static void find_clean_manuscripts(struct build *b)
{
    if (!articles_to_make(b))
        return;
    /* Without git's index every manuscript is read from git: slower, never wrong. */
    if (repo_worktree_open(b->repo, &b->worktree)) {
        site_warning(b, xasprintf("%s; reading every manuscript from git", error_message()));
        error_clear();
    }
    for (size_t i = 0; b->worktree && i < b->narticles; i++) {
        struct article *a = &b->articles[i];
        if (!article_to_make(a))
            continue;
        char path[64];
        snprintf(path, sizeof(path), "submissions/%lu/manuscript.md", a->number);
        repo_worktree_lookup(b->worktree, path, &a->manuscript_file);
    }
}

/* Everything a build holds, released (its staging folder is the caller's). */
/* What every page of a view shares (the site, the interface strings), and the journal's pages. */
static int prepare_views(struct build *b)
{
    for (size_t i = 0; i < b->nviews; i++) {
        b->views[i].shared = json_object();
        json_object_set_new(b->views[i].shared, "site", site_json(b, &b->views[i]));
        json_object_set_new(b->views[i].shared, "t", i18n_json(b->views[i].t));
    }
    b->open_review = !strcmp(b->repo->config.review_mode, "open");
    return site_load_pages(b);
}

static void build_release(struct build *b)
{
    site_cache_close(b->cache);
    for (size_t i = 0; i < b->narticles; i++) {
        if (b->articles[i].loaded)
            unload_article(&b->articles[i]);
        site_unit_release(&b->article_units[i]);
    }
    site_unit_release(&b->site_unit);
    site_unit_release(&b->assets_unit);
    site_unit_release(&b->search_unit);
    site_search_release(b);
    free(b->pagefind);
    free(b->article_units);
    for (size_t i = 0; b->pdf_units && i < b->narticles; i++)
        site_unit_release(&b->pdf_units[i]);
    free(b->pdf_units);
    for (size_t i = 0; i < b->nissue_pdfs; i++)
        site_unit_release(&b->issue_pdfs[i].unit);
    free(b->issue_pdfs);
    free(b->qpdf);
    free(b->pdf_engine);
    free(b->pdf_python);
    free(b->pdf_cache);
    free(b->pdf_counts);
    pthread_mutex_destroy(&b->pdf_lock);
    pthread_cond_destroy(&b->pdf_cond);
    free(b->issue_blobs);
    for (size_t i = 0; i < b->nnew_issues; i++)
        strbuf_release(&b->new_issues[i]);
    free(b->new_issues);
    free(b->new_issue_blobs);
    free(b->new_locations);
    free(b->to_locate);
    roster_free(&b->roster);
    free(b->by_number);
    free(b->articles);
    for (size_t i = 0; i < b->nissues; i++)
        issue_free(&b->issues[i]);
    free(b->issues);
    for (size_t i = 0; i < b->nassets; i++)
        free(b->assets[i].path);
    free(b->assets);
    for (size_t i = 0; i < b->nstrings; i++)
        free(b->strings[i].path);
    free(b->strings);
    for (size_t i = 0; i < b->nviews; i++) {
        free(b->views[i].dir);
        i18n_free(b->views[i].t);
        json_decref(b->views[i].shared);
    }
    free(b->views);
    for (size_t i = 0; i < b->npages; i++) {
        free(b->pages[i].slug);
        free(b->pages[i].lang);
        free(b->pages[i].title);
        free(b->pages[i].description);
        free(b->pages[i].html);
    }
    free(b->pages);
    mustache_set_free(b->templates);
    country_db_free(b->countries);
    language_db_free(b->languages);
    repo_worktree_free(b->worktree);
    git_tree_free(b->tree);
    strbuf_release(&b->world_map);
    for (size_t i = 0; b->editorial && i < b->nviews; i++)
        json_decref(b->editorial[i]);
    free(b->editorial);
    free(b->staging);
    free(b->out);
    if (b->out_fd >= 0)
        close(b->out_fd);
    pthread_mutex_destroy(&b->progress.lock);
    pthread_mutex_destroy(&b->ready_lock);
    pthread_cond_destroy(&b->ready_cond);
    pthread_mutex_destroy(&b->search_lock);
    pthread_cond_destroy(&b->search_cond);
}

int site_build(struct journal_repo *repo, const struct site_options *opt, struct site_stats *st)
{
    struct build b = {.repo = repo,
                      .stats = st,
                      .jobs = opt->jobs,
                      .force = opt->force,
                      .verbose = opt->verbose,
                      .out_fd = -1};
    b.phase_start = b.progress.start = site_clock();
    b.progress.enabled = opt->progress;
    b.progress.after = opt->progress_after;
    b.sitemap_max_urls = opt->sitemap_max_urls ? opt->sitemap_max_urls : 50000;
    b.oai_max_records = opt->oai_max_records ? opt->oai_max_records : 5000;
    b.index_page_size = opt->index_page_size ? opt->index_page_size : 500;
    b.search_shard_size = opt->search_shard_size ? opt->search_shard_size : 250;
    pthread_mutex_init(&b.progress.lock, NULL);
    pthread_mutex_init(&b.ready_lock, NULL);
    pthread_cond_init(&b.ready_cond, NULL);
    pthread_mutex_init(&b.pdf_lock, NULL);
    pthread_cond_init(&b.pdf_cond, NULL);
    pthread_mutex_init(&b.search_lock, NULL);
    pthread_cond_init(&b.search_cond, NULL);
    if (!b.jobs) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        b.jobs = cores > 0 ? (unsigned)cores : 1;
    }
    memset(st, 0, sizeof(*st));
    char *out = opt->output_dir ? absolute_path(opt->output_dir) : fs_join(repo->root, "_site");
    normalise(out);
    st->output_dir = out;
    b.out = xstrdup(out);

    /* Links, feeds, the sitemap and OAI records carry base_url: a site made for a placeholder
       is only a preview. */
    int rc = 0;
    char *placeholder = config_base_url_placeholder(&repo->config);
    if (placeholder && opt->draft)
        site_warning(&b, xasprintf("journal.yaml:%zu: %s; this draft's links, feeds and sitemap "
                                   "point to it",
                                   repo->config.base_url_line, placeholder));
    else if (placeholder)
        rc = config_check_base_url(&repo->config,
                                   "the site's links, feeds and sitemap would point to it (build "
                                   "a preview with --draft)");
    free(placeholder);
    if (!rc)
        rc = check_output(&b, out);
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
    /* Before anything is written: a site with search needs Pagefind. */
    if (!rc && repo->config.search)
        rc = site_search_locate(&b);
    if (!rc && repo->config.pdf && !opt->no_pdf)
        rc = site_pdf_locate(&b);
    if (!rc && b.pdf_engine)
        rc = site_issue_pdf_locate(&b);
    if (!rc)
        rc = prepare_views(&b);
    /* The roster names signed open reviews and gives Peer review in numbers its countries. */
    if (!rc && (b.open_review || repo->config.publish_editorial_stats))
        rc = load_roster(&b);
    /* Without the cache everything is made: slower, never wrong. */
    if (!rc && site_cache_open(&b.cache, repo->state_dir, out)) {
        site_warning(&b, xasprintf("%s; building everything", error_message()));
        error_clear();
    }
    if (!rc)
        rc = check_output_links(&b);
    if (!rc)
        rc = load_issues(&b);
    if (rc)
        goto done;
    site_phase(&b, "read journal.yaml, the theme, %zu pages and %zu issues (%zu parsed now)",
               b.npages, b.nissues, b.nnew_issues);
    rc = list_articles(&b);
    if (rc)
        goto done;
    site_phase(&b, "found the %zu articles of the issues in the commit (%zu located now)",
               b.narticles, b.nto_locate);
    decide_units(&b);
    find_clean_manuscripts(&b);
    site_phase(&b, "compared with the last build: %zu of %zu parts to make",
               articles_to_make(&b) + b.site_unit.make + b.assets_unit.make, b.narticles + 2);

    b.had_output = fs_exists(out);
    rc = site_staging_open(&b);
    /* The articles' search shards are indexed as soon as their pages are written, while the
       galleys are typeset. */
    if (!rc)
        rc = site_search_start(&b);
    if (!rc && b.assets_unit.make)
        rc = make_assets(&b);
    /* The issue pages give their PDFs' sizes: the listings wait for the issue PDFs. */
    bool together = listings_made_anyway(&b) && !issue_pdfs_to_make(&b);
    if (!rc && together) {
        rc = make_articles_and_listings(&b);
    } else if (!rc) {
        /* The issue PDFs to make are jobs of the articles' pool, after every article: each
           waits for all the galleys, and typesets with its thread's driver. */
        site_progress_begin(&b, "articles", articles_to_make(&b));
        rc = site_parallel(&b, b.narticles + b.nissue_pdfs, article_or_issue_pdf_job, loader_init,
                           loader_done);
        site_progress_end(&b);
    }
    if (rc)
        goto done;
    site_phase(&b, "read and rendered %zu articles (%zu manuscripts read from the working tree)%s",
               articles_to_make(&b), (size_t)atomic_load(&b.from_worktree),
               together ? ", and the pages made from all of them" : "");

    /* The articles just read have their digests: the listings' key may be known now. */
    if (!together && !b.site_unit.c.key[0]) {
        b.site_unit.make = false;
        if (site_key_of(&b))
            site_unit_decide(&b, &b.site_unit);
        else
            b.site_unit.make = true;
    }
    if (b.site_unit.make && !together) {
        rc = site_parallel(&b, b.narticles, listing_job, loader_init, loader_done);
        /* Every article was read: each digest is known now, and so the key. */
        if (!rc)
            site_key_of(&b);
        if (!rc)
            rc = make_listings(&b);
        if (rc)
            goto done;
        site_phase(&b, "read the articles and rendered the pages made from all of them");
    }
    collect_warnings(&b);
    /* The journal's pages' shard reads the listings as this build leaves them: after them. */
    rc = site_search_finish(&b, rc);
    if (rc)
        goto done;
    rc = site_units_commit(&b);
    st->issues = b.nissues;
    st->articles = b.narticles;
    st->pdfs = b.pdf_units ? b.narticles : 0;
    st->typeset = atomic_load(&b.pdf_typeset);
    st->reused = atomic_load(&b.pdf_reused);
    st->typeset_pages = atomic_load(&b.pdf_pages);
    st->issue_pdfs = b.nissue_pdfs;
    st->issue_pdfs_made = issue_pdfs_to_make(&b);
    if (!rc && b.pdf_units)
        site_pdf_prune_cache(&b);
    if (!rc)
        site_phase(&b, "put %zu new files in place, removed %zu, recorded the build", st->written,
                   st->removed);
done:
    site_progress_end(&b);
    /* A failed build waits for the search index's thread, which then indexes nothing more. */
    if (rc)
        site_search_finish(&b, rc);
    if (rc)
        site_staging_discard(&b);
    build_release(&b);
    return rc;
}

void site_stats_free(struct site_stats *st)
{
    free(st->output_dir);
    st->output_dir = NULL;
    for (size_t i = 0; i < st->nwarnings; i++)
        free(st->warnings[i]);
    free(st->warnings);
    st->warnings = NULL;
    st->nwarnings = 0;
}

int site_count_galley_pages(struct journal_repo *repo, const struct issue_manifest *issue,
                            const struct strbuf *records, unsigned long *pages)
{
    struct site_stats stats = {0};
    struct build b = {.repo = repo, .out_fd = -1, .force = true, .stats = &stats};
    pthread_mutex_init(&b.progress.lock, NULL);
    pthread_mutex_init(&b.ready_lock, NULL);
    pthread_cond_init(&b.ready_cond, NULL);
    pthread_mutex_init(&b.pdf_lock, NULL);
    pthread_cond_init(&b.pdf_cond, NULL);
    pthread_mutex_init(&b.search_lock, NULL);
    pthread_cond_init(&b.search_cond, NULL);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b.jobs = cores > 0 ? (unsigned)cores : 1;
    /* The galleys are typeset into a site folder of their own, removed whatever happens. */
    const char *tmp = getenv("TMPDIR");
    char *scratch = xasprintf("%s/journal-galleys-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int rc = mkdtemp(scratch) ? 0 : error_errno("cannot make a folder in %s", tmp ? tmp : "/tmp");
    bool made = !rc;
    b.out = fs_join(scratch, "site");
    if (!rc)
        rc = repo_head_tree(repo, &b.tree);
    if (!rc && !b.tree)
        rc = error_input("the journal has no commit yet");
    if (!rc)
        rc = country_db_open(&b.countries, NULL, NULL);
    if (!rc)
        rc = language_db_open(&b.languages, NULL, NULL);
    if (!rc)
        rc = load_theme(&b);
    if (!rc)
        rc = load_views(&b);
    if (!rc)
        rc = site_pdf_locate(&b);
    if (!rc)
        rc = prepare_views(&b);
    if (!rc && b.open_review)
        rc = load_roster(&b);
    size_t n = issue->narticles;
    b.articles = xcalloc(n ? n : 1, sizeof(*b.articles));
    b.article_units = xcalloc(n ? n : 1, sizeof(*b.article_units));
    b.pdf_units = xcalloc(n ? n : 1, sizeof(*b.pdf_units));
    b.pdf_counts = xcalloc(n ? n : 1, sizeof(*b.pdf_counts));
    b.pdf_count_only = true;
    /* Each article as build-site will make it once the issue is committed: the manifest and
       the records given, the rest of the journal as it is at HEAD; only the galley is made. */
    for (size_t k = 0; !rc && k < n; k++) {
        struct article *a = &b.articles[b.narticles++];
        *a = (struct article){.number = issue->articles[k],
                              .issue = issue,
                              .listed_at = k,
                              .unit = &b.article_units[k],
                              .pdf_unit = &b.pdf_units[k],
                              .record_text = &records[k]};
        b.pdf_units[k].make = true;
        site_pdf_key(&b, a);
        rc = locate_article(repo->git, b.tree, a);
    }
    if (!rc)
        rc = site_staging_open(&b);
    if (!rc)
        rc = site_parallel(&b, b.narticles, article_job, loader_init, loader_done);
    for (size_t k = 0; !rc && k < n; k++)
        pages[k] = b.pdf_counts[k];
    build_release(&b);
    site_stats_free(&stats);
    if (made)
        fs_remove_tree(scratch);
    free(scratch);
    return rc;
}
