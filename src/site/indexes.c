#include "site/build.h"
#include "site/i18n.h"

#include "model/country.h"
#include "model/person.h"
#include "model/namematch.h"
#include "util/alloc.h"
#include "util/strbuf.h"
#include "util/unicode.h"
#include "util/utf8.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reader's indexes: archive, authors, keywords ---- */

/*
 * Lower-cased for matching and sorting, independent of the locale (see
 * utf8_tolower). Compared byte by byte, Latin names sort before Cyrillic ones.
 */
static void fold_into(struct strbuf *sb, const char *s)
{
    while (*s) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80) { /* utf8_tolower's ASCII, without decoding and encoding */
            strbuf_addch(sb, (char)(c >= 'A' && c <= 'Z' ? c + 0x20 : c));
            s++;
            continue;
        }
        uint32_t cp;
        utf8_append(sb, utf8_decode(&s, &cp) ? utf8_tolower(cp) : 0xFFFD);
    }
}

static json_t *article_link_json(const struct article *a, const char *view_lang)
{
    char url[64];
    snprintf(url, sizeof(url), "articles/%lu/index.html", a->number);
    json_t *o = json_object();
    site_set_str(o, "url", url);
    site_set_article_title(o, a, view_lang);
    return o;
}

/*
 * An author or keyword as it occurs in one article; occurrences with the same id
 * are merged, and the first of them (articles oldest first) names the entry.
 */
struct occurrence {
    char *id;
    const struct article *a;
    size_t k; /* index of the author or keyword in a->m (or in t) */
    /* A keyword of the article's translation into the page's language, or NULL: the English
       keywords of a Russian article are entries of the English site's index. */
    const struct translation *t;
};

static const char *occurrence_keyword(const struct occurrence *occ)
{
    return occ->t ? occ->t->keywords[occ->k] : occ->a->m.keywords[occ->k];
}

/* The occurrences of one author or keyword: occ[first..first+n), with the key it sorts by. */
struct index_group {
    char *sort;
    size_t first, n;
};

/*
 * The occurrences with the same id brought together, each group in the order
 * the occurrences came in, the groups in the order of their
 * first occurrence: occ is reordered, the groups' first and n are set. A hash of
 * the ids, not a sort: the groups are sorted by their keys afterwards anyway.
 */
static struct index_group *group_occurrences(struct occurrence *occ, size_t n, size_t *ngroups)
{
    struct index_group *groups = xcalloc(n + 1, sizeof(*groups));
    size_t nslots = 16;
    while (nslots < 2 * n)
        nslots *= 2;
    size_t *slot = xcalloc(nslots, sizeof(*slot)); /* a group's index + 1, 0 free */
    size_t *group_of = xcalloc(n + 1, sizeof(*group_of));
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t hash = 14695981039346656037u; /* FNV-1a */
        for (const char *p = occ[i].id; *p; p++)
            hash = (hash ^ (unsigned char)*p) * 1099511628211u;
        size_t at = hash & (nslots - 1);
        while (slot[at] && strcmp(occ[groups[slot[at] - 1].first].id, occ[i].id))
            at = (at + 1) & (nslots - 1);
        if (!slot[at]) {
            groups[count] = (struct index_group){NULL, i, 0};
            slot[at] = ++count;
        }
        group_of[i] = slot[at] - 1;
        groups[group_of[i]].n++;
    }
    /* Each group's place in the reordered list, then the occurrences moved there in order. */
    for (size_t g = 0, at = 0; g < count; g++) {
        groups[g].first = at;
        at += groups[g].n;
    }
    struct occurrence *sorted = xcalloc(n + 1, sizeof(*sorted));
    size_t *next = xcalloc(count + 1, sizeof(*next));
    for (size_t i = 0; i < n; i++) {
        size_t g = group_of[i];
        sorted[groups[g].first + next[g]++] = occ[i];
    }
    if (n)
        memcpy(occ, sorted, n * sizeof(*occ));
    free(next);
    free(sorted);
    free(group_of);
    free(slot);
    *ngroups = count;
    return groups;
}

static int compare_groups(const void *x, const void *y)
{
    return strcmp(((const struct index_group *)x)->sort, ((const struct index_group *)y)->sort);
}

/*
 * What the entries of a page of an index share: the link to each article (by its place in
 * b->articles), made when an entry first lists it and then shared (json_incref). The links
 * go with the page (made, the places noted in made): kept for the whole index, those of
 * 100,000 articles held some 50 MiB for each index being made.
 */
struct index_links {
    const struct build *b;
    const char *lang; /* the view's: a link shows the article's title in it where there is one */
    json_t **links;
    size_t *made, nmade, made_alloc;
};

static void index_links_forget(struct index_links *links)
{
    for (size_t i = 0; i < links->nmade; i++) {
        json_decref(links->links[links->made[i]]);
        links->links[links->made[i]] = NULL;
    }
    links->nmade = 0;
}

/*
 * The key an entry sorts by (bytes, for strcmp), in the collation of the view's language
 * (coll: "Ёлкин" among the Е's in Russian, "Çelik" among the C's in English), and its JSON,
 * from occurrences[0..n), all with the same id.
 */
typedef char *entry_sort_key(const struct text_collator *coll, const struct occurrence *occ);
typedef json_t *entry_builder(struct build *b, const struct view *v, struct index_links *links,
                              const struct occurrence *occ, size_t n);

/* An index: the template, its page, what it lists. */
struct index_kind {
    /* "authors": the folder (authors/index.html, authors/page-2/index.html...), the
       template, the nav item and the list's name in the view */
    const char *name;
    const char *title_key, *description_key;
    entry_sort_key *sort_key;
    entry_builder *build;
};

static char *index_page_path(const struct index_kind *kind, size_t page)
{
    return page ? xasprintf("%s/page-%zu/index.html", kind->name, page + 1)
                : xasprintf("%s/index.html", kind->name);
}

/* Previous and next pages, "Page 2 of 7": links from {{home}}, the top of the language. */
static void set_pager(const struct view *v, const struct index_kind *kind, json_t *ctx, size_t page,
                      size_t npages)
{
    json_object_set_new(ctx, "has_pager", json_boolean(npages > 1));
    if (npages <= 1)
        return;
    char page_s[32], pages_s[32];
    snprintf(page_s, sizeof(page_s), "%zu", page + 1);
    snprintf(pages_s, sizeof(pages_s), "%zu", npages);
    const char *names[] = {"page", "pages", NULL};
    const char *values[] = {page_s, pages_s, NULL};
    char *label = i18n_format(v->t, "index_page", names, values);
    json_object_set_new(ctx, "pager_label", json_string(label));
    free(label);
    if (page > 0) {
        char *prev = index_page_path(kind, page - 1);
        json_object_set_new(ctx, "pager_previous", json_string(prev));
        free(prev);
    }
    if (page + 1 < npages) {
        char *next = index_page_path(kind, page + 1);
        json_object_set_new(ctx, "pager_next", json_string(next));
        free(next);
    }
}

/*
 * Merge occurrences by id and render the entries in sorted order, page_size to a
 * page. Only the keys are held for all of them: each page's JSON is made, rendered
 * and freed in turn, so that an index of 100,000 articles costs the memory of a page.
 */
static int render_index(struct build *b, const struct view *v, const struct index_kind *kind,
                        struct occurrence *occ, size_t n)
{
    struct text_collator *coll;
    int rc = text_collator_open(&coll, v->lang);
    if (rc) {
        for (size_t i = 0; i < n; i++)
            free(occ[i].id);
        free(occ);
        return rc;
    }
    size_t ngroups;
    struct index_group *groups = group_occurrences(occ, n, &ngroups);
    for (size_t g = 0; g < ngroups; g++)
        groups[g].sort = kind->sort_key(coll, occ + groups[g].first);
    text_collator_free(coll);
    qsort(groups, ngroups, sizeof(*groups), compare_groups);
    struct index_links links = {b,    v->lang, xcalloc(b->narticles + 1, sizeof(*links.links)),
                                NULL, 0,       0};
    size_t per_page = b->index_page_size;
    size_t npages = ngroups ? (ngroups + per_page - 1) / per_page : 1;
    for (size_t page = 0; page < npages && !rc; page++) {
        char *path = index_page_path(kind, page), *rel;
        json_t *ctx = site_view_page_json(b, v, path, kind->title_key, kind->description_key,
                                          kind->name, &rel);
        json_t *list = json_array();
        for (size_t g = page * per_page; g < ngroups && g < (page + 1) * per_page; g++)
            json_array_append_new(list,
                                  kind->build(b, v, &links, occ + groups[g].first, groups[g].n));
        char *has = xasprintf("has_%s", kind->name);
        json_object_set_new(ctx, has, json_boolean(ngroups > 0));
        json_object_set_new(ctx, kind->name, list);
        set_pager(v, kind, ctx, page, npages);
        rc = site_render_page(b, v, kind->name, ctx, rel);
        index_links_forget(&links);
        free(has);
        free(rel);
        free(path);
    }
    free(links.made);
    free(links.links);
    for (size_t g = 0; g < ngroups; g++)
        free(groups[g].sort);
    free(groups);
    for (size_t i = 0; i < n; i++)
        free(occ[i].id);
    free(occ);
    return rc;
}

/* Links to the articles of occurrences, each article once. */
static json_t *occurrence_articles_json(struct index_links *links, const struct occurrence *occ,
                                        size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = occ[j].a == occ[i].a;
        if (seen)
            continue;
        size_t at = (size_t)(occ[i].a - links->b->articles);
        json_t **link = &links->links[at];
        if (!*link) {
            *link = article_link_json(occ[i].a, links->lang);
            ARRAY_GROW(links->made, links->nmade + 1, links->made_alloc);
            links->made[links->nmade++] = at;
        }
        json_array_append(list, *link);
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
            /* " KZ " */
            char code[sizeof(af->country) + 2];
            size_t len = strlen(af->country);
            code[0] = ' ';
            memcpy(code + 1, af->country, len);
            code[len + 1] = ' ';
            code[len + 2] = '\0';
            if (!strstr(seen.buf, code)) {
                const struct country *c = country_by_code(b->countries, af->country);
                json_t *country = json_object();
                site_set_str(country, "code", af->country);
                site_set_str(country, "name", c ? country_display_name(c, lang) : af->country);
                json_array_append_new(list, country);
                strbuf_addstr(&seen, code);
            }
        }
    }
    strbuf_release(&seen);
    for (size_t i = 0; i < json_array_size(list); i++)
        json_object_set_new(json_array_get(list, i), "last",
                            json_boolean(i + 1 == json_array_size(list)));
    return list;
}

/*
 * By family name, then the whole name; the id keeps different persons of one name apart. The
 * collation keys hold no byte below \x01, so the id after \x01 only decides between equals.
 * Cost: ICU makes and merges the two keys of 200,000 names in 0.32 s (-O2, one core), where
 * the folded bytes this replaced took a few milliseconds; once per language, when the index
 * is rendered. bench/author_index.sh: the 241,749 persons of 100,000 articles, 0.34-0.43 s
 * of CPU a language (docs/performance.md).
 */
static char *author_sort_key(const struct text_collator *coll, const struct occurrence *occ)
{
    const struct author *au = &occ[0].a->m.authors[occ[0].k];
    struct strbuf sort = STRBUF_INIT;
    const char *parts[] = {family_name(au), au->name};
    text_sort_key(coll, parts, 2, &sort);
    strbuf_addch(&sort, '\x01');
    strbuf_addstr(&sort, occ[0].id);
    return strbuf_detach(&sort, NULL);
}

static json_t *author_entry_json(struct build *b, const struct view *v, struct index_links *links,
                                 const struct occurrence *occ, size_t n)
{
    /* The person is shown as written in an article in the page's language where there is
       one (Дмитрий Соколов on the Russian site, Dmitry Sokolov on the English), with the
       other forms of the name next to it. */
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(occ[i].a->m.lang, v->lang)) {
            shown = i;
            break;
        }
    const struct author *au = &occ[shown].a->m.authors[occ[shown].k];
    json_t *o = json_object();
    /* The form of the page's language, and then the page's lang (a Latin name of a Russian
       article on the English site is no Russian text). */
    const char *display = person_display_name(au->name, &au->latin, v->lang);
    site_set_str(o, "name", display);
    site_set_str(o, "lang", display == au->name ? occ[shown].a->m.lang : v->lang);
    json_t *others = json_array();
    struct strbuf seen = STRBUF_INIT, key = STRBUF_INIT;
    fold_into(&seen, display);
    strbuf_addch(&seen, '\n');
    for (size_t i = 0; i < n; i++) {
        const struct author *other = &occ[i].a->m.authors[occ[i].k];
        strbuf_reset(&key);
        fold_into(&key, other->name);
        strbuf_addch(&key, '\n');
        bool dup = !strncmp(seen.buf, key.buf, key.len);
        for (const char *p = strchr(seen.buf, '\n'); !dup && p && p[1]; p = strchr(p + 1, '\n'))
            dup = !strncmp(p + 1, key.buf, key.len);
        if (dup)
            continue;
        strbuf_add(&seen, key.buf, key.len);
        json_t *form = json_object();
        site_set_str(form, "name", other->name);
        site_set_str(form, "lang", occ[i].a->m.lang);
        json_array_append_new(others, form);
    }
    strbuf_release(&seen);
    strbuf_release(&key);
    for (size_t i = 0; i < json_array_size(others); i++)
        json_object_set_new(json_array_get(others, i), "last",
                            json_boolean(i + 1 == json_array_size(others)));
    json_object_set_new(o, "has_other_names", json_boolean(json_array_size(others) > 0));
    json_object_set_new(o, "other_names", others);
    if (au->orcid[0]) {
        static const char orcid_org[] = "https://orcid.org/";
        char url[sizeof(orcid_org) + sizeof(au->orcid)];
        memcpy(url, orcid_org, sizeof(orcid_org) - 1);
        memcpy(url + sizeof(orcid_org) - 1, au->orcid, strlen(au->orcid) + 1);
        site_set_str(o, "orcid", au->orcid);
        site_set_str(o, "orcid_url", url);
    }
    json_t *countries = author_countries_json(b, v, occ, n);
    json_object_set_new(o, "has_countries", json_boolean(json_array_size(countries) > 0));
    json_object_set_new(o, "countries", countries);
    json_object_set_new(o, "articles", occurrence_articles_json(links, occ, n));
    return o;
}

/*
 * The published articles, earliest issue first (b->articles is newest issue
 * first), so that the first spelling of a name or keyword is the one shown.
 */
static const struct article **articles_oldest_first(struct build *b)
{
    const struct article **list = xcalloc(b->narticles + 1, sizeof(*list));
    size_t n = 0;
    for (size_t i = b->nissues; i-- > 0;)
        for (size_t k = 0; k < b->issues[i].narticles; k++) {
            const struct article *found = site_find_article(b, b->issues[i].articles[k]);
            if (found && found->issue == &b->issues[i])
                list[n++] = found;
        }
    return list;
}

static int render_authors(struct build *b, const struct view *v, const struct index_kind *kind)
{
    size_t n = 0, alloc = 0;
    struct occurrence *occ = NULL;
    const struct article **articles = articles_oldest_first(b);
    for (size_t i = 0; i < b->narticles; i++) {
        const struct manuscript *m = &articles[i]->m;
        for (size_t k = 0; k < m->nauthors; k++) {
            const struct author *au = &m->authors[k];
            ARRAY_GROW(occ, n + 1, alloc);
            /* The same person: the same ORCID iD, or without one the same name, in any
               script, spelling or order of the same words (model/namematch.h). */
            char *id = person_identity_key(au->orcid, au->name);
            occ[n] = (struct occurrence){id, articles[i], k, NULL};
            n++;
        }
    }
    free(articles);
    return render_index(b, v, kind, occ, n);
}

static char *keyword_sort_key(const struct text_collator *coll, const struct occurrence *occ)
{
    struct strbuf sort = STRBUF_INIT;
    const char *keyword = occurrence_keyword(&occ[0]);
    text_sort_key(coll, &keyword, 1, &sort);
    strbuf_addch(&sort, '\x01');
    strbuf_addstr(&sort, occ[0].id);
    return strbuf_detach(&sort, NULL);
}

static json_t *keyword_entry_json(struct build *b, const struct view *v, struct index_links *links,
                                  const struct occurrence *occ, size_t n)
{
    (void)b;
    (void)v;
    json_t *o = json_object();
    site_set_str(o, "keyword", occurrence_keyword(&occ[0]));
    site_set_str(o, "lang", occ[0].t ? occ[0].t->lang : occ[0].a->m.lang);
    json_object_set_new(o, "articles", occurrence_articles_json(links, occ, n));
    return o;
}

static int render_keywords(struct build *b, const struct view *v, const struct index_kind *kind)
{
    size_t n = 0, alloc = 0;
    struct occurrence *occ = NULL;
    const struct article **articles = articles_oldest_first(b);
    for (size_t i = 0; i < b->narticles; i++) {
        const struct manuscript *m = &articles[i]->m;
        for (size_t k = 0; k < m->nkeywords; k++) {
            ARRAY_GROW(occ, n + 1, alloc);
            struct strbuf id = STRBUF_INIT;
            fold_into(&id, m->keywords[k]);
            occ[n] = (struct occurrence){strbuf_detach(&id, NULL), articles[i], k, NULL};
            n++;
        }
        const struct translation *t = manuscript_translation(m, v->lang);
        for (size_t k = 0; t && k < t->nkeywords; k++) {
            ARRAY_GROW(occ, n + 1, alloc);
            struct strbuf id = STRBUF_INIT;
            fold_into(&id, t->keywords[k]);
            occ[n] = (struct occurrence){strbuf_detach(&id, NULL), articles[i], k, t};
            n++;
        }
    }
    free(articles);
    return render_index(b, v, kind, occ, n);
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
                json_array_append_new(issues, site_issue_summary_json(v, &b->issues[i]));
        json_array_append_new(years,
                              json_pack("{s:I, s:o}", "year", (json_int_t)year, "issues", issues));
        last = year;
    }
    return years;
}

int site_render_archive(struct build *b, const struct view *v)
{
    char *rel;
    json_t *ctx = site_view_page_json(b, v, "archive/index.html", "nav_archive",
                                      "archive_description", "archive", &rel);
    json_t *specials = json_array();
    for (size_t i = 0; i < b->nissues; i++)
        if (b->issues[i].special)
            json_array_append_new(specials, site_issue_summary_json(v, &b->issues[i]));
    json_object_set_new(ctx, "has_specials", json_boolean(json_array_size(specials) > 0));
    json_object_set_new(ctx, "specials", specials);
    json_object_set_new(ctx, "years", issues_by_year_json(b, v));
    json_object_set_new(ctx, "has_issues", json_boolean(b->nissues > 0));
    int rc = site_render_page(b, v, "archive", ctx, rel);
    free(rel);
    return rc;
}

int site_render_authors(struct build *b, const struct view *v)
{
    static const struct index_kind kind = {"authors", "nav_authors", "authors_description",
                                           author_sort_key, author_entry_json};
    return render_authors(b, v, &kind);
}

int site_render_keywords(struct build *b, const struct view *v)
{
    static const struct index_kind kind = {"keywords", "nav_keywords", "keywords_description",
                                           keyword_sort_key, keyword_entry_json};
    return render_keywords(b, v, &kind);
}
