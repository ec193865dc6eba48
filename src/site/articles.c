#include "site/build.h"

#include "export/citation.h"
#include "model/config.h"
#include "model/country.h"
#include "site/markdown.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
                site_set_str(x, "name", af->name);
                site_set_str(x, "department", af->department);
                json_object_set_new(x, "international", json_boolean(af->international));
                if (!af->international) {
                    const struct country *c = country_by_code(b->countries, af->country);
                    site_set_str(x, "country_code", af->country);
                    /* In the page's language: a Russian article names countries in Russian. */
                    site_set_str(x, "country_name",
                                 c ? country_display_name(c, v->lang) : af->country);
                }
                json_array_append_new(list, x);
            }
            strbuf_addf(&refs, "%s%zu", j ? "," : "", index);
        }
        site_set_str(json_array_get(authors, i), "affiliation_refs", refs.buf);
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
    json_t *o = site_article_summary_json(b, v, a);
    struct strbuf html = STRBUF_INIT;
    int rc = 0;
    *out = NULL;

    if (m->abstract) {
        site_set_str(o, "abstract", m->abstract);
        rc = markdown_to_html(m->abstract, strlen(m->abstract), false, &html);
        if (rc)
            goto fail;
        site_set_str(o, "abstract_html", html.buf);
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
        site_set_str(x, "name", au->name);
        if (au->orcid[0]) {
            char *url = xasprintf("https://orcid.org/%s", au->orcid);
            site_set_str(x, "orcid", au->orcid);
            site_set_str(x, "orcid_url", url);
            free(url);
        }
        json_object_set_new(x, "corresponding", json_boolean(au->corresponding));
        /* Only the corresponding author's address is published. */
        if (au->corresponding)
            site_set_str(x, "email", au->email);
        json_object_set_new(x, "last", json_boolean(i + 1 == m->nauthors));
        json_array_append_new(authors, x);
    }
    json_object_set_new(o, "affiliations", affiliations_json(b, v, m, authors));
    json_object_set_new(o, "authors", authors);

    rc = markdown_to_html(m->body, m->body_len, b->repo->config.allow_raw_html, &html);
    if (rc)
        goto fail;
    site_set_str(o, "body_html", html.buf);
    site_set_date(v, o, "received", a->r.submitted);
    site_set_date(v, o, "accepted", a->r.accepted);
    site_set_date(v, o, "published", a->r.published ? a->r.published : a->issue->date);
    if (a->r.doi) {
        char *url = xasprintf("https://doi.org/%s", a->r.doi);
        site_set_str(o, "doi", a->r.doi);
        site_set_str(o, "doi_url", url);
        free(url);
    }
    json_object_set_new(o, "issue", site_issue_summary_json(v, a->issue));
    site_set_str(o, "pages", article_pages(a));
    char *url = b->repo->config.base_url
                    ? xasprintf("%sarticles/%lu/index.html", b->repo->config.base_url, a->number)
                    : NULL;
    struct citation_source cite = citation_of(b, a, url);
    strbuf_reset(&html);
    rc = citation_apa_html(&cite, &html);
    free(url);
    if (rc)
        goto fail;
    site_set_str(o, "cite_apa_html", html.buf);
    char *bibtex_url = xasprintf("articles/%lu/citation.bib", a->number);
    site_set_str(o, "bibtex_url", bibtex_url);
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
                      site_label(v, "verdict_", rv->verdict, review_verdict_label(rv->verdict)),
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
        rc = site_write_output(b, rel, bib.buf, bib.len);
    strbuf_release(&bib);
    free(url);
    return rc;
}

int site_render_articles(struct build *b)
{
    for (size_t i = 0; i < b->narticles; i++) {
        const struct article *a = &b->articles[i];
        const struct view *v = site_view_for(b, a->m.lang);
        json_t *article;
        int rc = article_full_json(b, v, a, &article);
        if (rc)
            return rc;
        char rel[64];
        snprintf(rel, sizeof(rel), "articles/%lu/index.html", a->number);
        json_t *ctx = site_page_json(b, v, NULL, rel, a->m.title, a->m.abstract);
        json_object_set_new(ctx, "article", article);
        rc = site_render_page(b, "article", ctx, rel);
        if (!rc)
            rc = write_bibtex(b, a);
        if (rc)
            return rc;
        b->stats->articles++;
    }
    return 0;
}
