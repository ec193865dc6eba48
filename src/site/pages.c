#include "site/build.h"

#include "model/config.h"
#include "model/country.h"
#include "model/person.h"
#include "site/markdown.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/frontmatter.h"
#include "util/mdlimits.h"
#include "util/utf8.h"
#include "util/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    /*
     * The limits manuscripts are held to (model/manuscript.c): a page reaches
     * cmark-gfm in every build like an article does, and is committed by hand,
     * so a pathological one would cost every build (or crash it) without them.
     */
    const struct md_limits *limits = &b->repo->config.markdown_limits;
    if (len > limits->max_size)
        return error_at(file, 0, 0,
                        "the page is %zu bytes, more than max_manuscript_size (%zu) in "
                        "journal.yaml",
                        len, limits->max_size);
    int rc = frontmatter_split(file, text, len, "title, description, ...", &fm);
    if (rc)
        return rc;
    if (md_limits_check(fm.body, fm.body_len, limits, file, fm.body_line))
        return JOURNAL_EINPUT;
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

int site_load_pages(struct build *b)
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
        rc = repo_entry_checkf(ent, "pages/%s", name);
        if (rc)
            break;
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
const struct md_page *site_page_in(const struct build *b, const char *slug, const struct view *v)
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

/* The editorial board from journal.yaml, grouped by role in the order the roles first appear. */
int site_render_board(struct build *b, const struct view *v)
{
    const struct journal_config *c = &b->repo->config;
    char *rel;
    json_t *ctx = site_view_page_json(b, v, "board/index.html", "nav_board", "board_description",
                                      "board", &rel);
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
        site_set_str(x, "name", person_display_name(bm->name, &bm->latin, v->lang));
        site_set_str(x, "affiliation", view_text(v, &bm->affiliations, bm->affiliation));
        if (bm->country) {
            const struct country *country = country_lookup(b->countries, bm->country);
            if (!country) {
                /* As a manuscript's unknown country: the nearest names. */
                const struct country *near[3];
                size_t k = country_suggest(b->countries, bm->country, near, 3);
                struct strbuf sb = STRBUF_INIT;
                for (size_t j = 0; j < k; j++)
                    strbuf_addf(&sb, "%s%s (%s)", j ? ", " : "; did you mean ",
                                country_display_name(near[j], "en"), near[j]->alpha2);
                rc = error_at("journal.yaml", bm->line, 0,
                              "editorial board: '%s' is not a country iso-codes knows "
                              "(expected a name such as Kazakhstan or a code such as KZ)%s%s",
                              bm->country, sb.buf, k ? "?" : "");
                strbuf_release(&sb);
            } else
                site_set_str(x, "country", country_display_name(country, v->lang));
        }
        if (bm->orcid[0]) {
            char *url = xasprintf("https://orcid.org/%s", bm->orcid);
            site_set_str(x, "orcid", bm->orcid);
            site_set_str(x, "orcid_url", url);
            free(url);
        }
        json_array_append_new(json_object_get(group, "members"), x);
    }
    json_object_set_new(ctx, "has_groups", json_boolean(json_array_size(groups) > 0));
    json_object_set_new(ctx, "groups", groups);
    if (!rc)
        rc = site_render_page(b, v, "board", ctx, rel);
    else
        json_decref(ctx);
    free(rel);
    return rc;
}

/* pages/<slug>.md at <slug>/index.html in every language, translated where a translation exists. */
int site_render_pages(struct build *b, const struct view *v)
{
    for (size_t i = 0; i < b->npages; i++) {
        if (b->pages[i].lang)
            continue;
        const struct md_page *pg = site_page_in(b, b->pages[i].slug, v);
        char *path = xasprintf("%s/index.html", pg->slug);
        char *rel = xasprintf("%s%s", v->dir, path);
        json_t *ctx = site_page_json(b, v, path, rel, pg->title, pg->description);
        json_t *menu = json_object_get(ctx, "menu_pages");
        for (size_t k = 0; k < json_array_size(menu); k++) {
            json_t *entry = json_array_get(menu, k);
            if (!strcmp(json_string_value(json_object_get(entry, "slug")), pg->slug))
                json_object_set_new(entry, "current", json_true());
        }
        /* A page not yet translated says so with its own language. */
        json_t *content = json_pack("{s:s, s:s, s:s}", "title", pg->title, "html", pg->html, "lang",
                                    pg->lang ? pg->lang : b->views[0].lang);
        site_set_str(content, "description", pg->description);
        /* The author guidelines end with the way to submit, when the journal has a desk. */
        json_object_set_new(content, "author_guidelines",
                            json_boolean(!strcmp(b->pages[i].slug, "author-guidelines")));
        json_object_set_new(ctx, "content", content);
        int rc = site_render_page(b, v, "page", ctx, rel);
        free(rel);
        free(path);
        if (rc)
            return rc;
    }
    return 0;
}
