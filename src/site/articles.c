#include "site/build.h"

#include "export/citation.h"
#include "export/indexing.h"
#include "export/intext.h"
#include "export/jats.h"
#include "export/references.h"
#include "model/config.h"
#include "model/country.h"
#include "model/person.h"
#include "model/record.h"
#include "site/i18n.h"
#include "site/markdown.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/jsontext.h"
#include "util/fs.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

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
                const char *dept = json_string_value(json_object_get(x, "department"));
                /* Two departments of one university are two affiliations. */
                if (!strcmp(name, af->name) && !strcmp(cc ? cc : "", af->country) &&
                    !strcmp(dept ? dept : "", af->department ? af->department : ""))
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

/* number: where the issue's number is written ("2", "S1"); lang: the page's language, or "en"
   for the downloads, which name authors by their Latin form. */
static struct citation_source citation_of(const struct build *b, const struct article *a,
                                          const char *url, char number[ISSUE_NUMBER_SIZE],
                                          const char *lang)
{
    const struct journal_config *c = &b->repo->config;
    return (struct citation_source){
        .m = &a->m,
        .journal = c->title,
        .issn = c->issn,
        .publisher = c->publisher,
        .volume = a->issue->volume,
        .number = issue_number_text(a->issue, number),
        .year = a->issue->year,
        .pages = article_pages(a),
        .doi = a->r.doi,
        .url = url,
        .published = a->r.published ? a->r.published : a->issue->date,
        .article = a->number,
        .key_prefix = c->abbreviation ? c->abbreviation : "journal",
        .abbreviation = c->abbreviation,
        .latin_names = person_lang_is_latin_script(lang),
    };
}

/* The article page's absolute URL, or NULL without a base_url; free it. */
static char *article_url(const struct build *b, const struct article *a)
{
    return b->repo->config.base_url
               ? xasprintf("%sarticles/%lu/index.html", b->repo->config.base_url, a->number)
               : NULL;
}

static const char *article_date(const struct article *a)
{
    return a->r.published ? a->r.published : a->issue->date;
}

/* A language's Open Graph locale ("en" -> "en_US"), else the language itself. */
static const char *og_locale(const char *lang)
{
    static const char *const map[][2] = {{"en", "en_US"}, {"ru", "ru_RU"}, {"kk", "kk_KZ"},
                                         {"uk", "uk_UA"}, {"ky", "ky_KG"}, {"uz", "uz_UZ"},
                                         {"hy", "hy_AM"}, {"ka", "ka_GE"}, {"az", "az_AZ"},
                                         {"ro", "ro_RO"}, {"tg", "tg_TJ"}, {"tk", "tk_TM"}};
    for (size_t i = 0; lang && i < sizeof map / sizeof *map; i++)
        if (!strcmp(lang, map[i][0]))
            return map[i][1];
    return lang;
}

/* The abstract on one line, for meta descriptions; free it. */
static char *one_line(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = s ? s : "";
    for (;;) {
        p += strspn(p, " \n\r\t");
        size_t n = strcspn(p, " \n\r\t");
        if (!n)
            break;
        if (sb.len)
            strbuf_addch(&sb, ' ');
        strbuf_add(&sb, p, n);
        p += n;
    }
    return strbuf_detach(&sb, NULL);
}

/* An abstract (the article's, or a translation's in lang) on one line with its citations as
   plain text, "(Evans & Rauch, 1999)": for the meta tags and JSON-LD; free it. */
static char *abstract_line(const struct manuscript *m, const char *abstract, const char *lang)
{
    char *plain = intext_plain(abstract, &m->references, lang);
    char *line = one_line(plain);
    free(plain);
    return line;
}

static void ld_set(json_t *obj, const char *key, const char *value)
{
    if (value && *value)
        json_object_set_new(obj, key, json_string(value));
}

/* schema.org ScholarlyArticle as JSON-LD, safe inside <script>: "</" is written "<\/". */
static char *article_json_ld(const struct build *b, const struct article *a, const char *url,
                             const char *license_url, const char *first, const char *last)
{
    const struct journal_config *c = &b->repo->config;
    const struct manuscript *m = &a->m;
    json_t *ld = json_object();
    ld_set(ld, "@context", "https://schema.org");
    ld_set(ld, "@type", "ScholarlyArticle");
    ld_set(ld, "@id", url);
    ld_set(ld, "url", url);
    ld_set(ld, "headline", m->title);
    ld_set(ld, "name", m->title);
    ld_set(ld, "alternativeHeadline", m->subtitle);
    /* The translated titles, each tagged with its language (JSON-LD's @language). */
    if (m->ntranslations) {
        json_t *names = json_array();
        for (size_t i = 0; i < m->ntranslations; i++) {
            const struct translation *t = &m->translations[i];
            char *title = indexing_join_title(t->title, t->subtitle);
            json_array_append_new(names,
                                  json_pack("{s:s, s:s}", "@value", title, "@language", t->lang));
            free(title);
        }
        json_object_set_new(ld, "alternateName", names);
    }
    json_t *authors = json_array();
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        json_t *p = json_object();
        ld_set(p, "@type", "Person");
        ld_set(p, "name", au->name);
        ld_set(p, "alternateName", au->latin.text);
        struct citation_name name;
        if (!citation_name_split(au, &name)) {
            ld_set(p, "givenName", name.given);
            ld_set(p, "familyName", name.family);
            citation_name_release(&name);
        } else {
            error_clear();
        }
        if (au->orcid[0]) {
            char *orcid = xasprintf("https://orcid.org/%s", au->orcid);
            json_object_set_new(p, "identifier",
                                json_pack("{s:s, s:s, s:s, s:s}", "@type", "PropertyValue",
                                          "propertyID", "ORCID", "value", au->orcid, "url", orcid));
            ld_set(p, "sameAs", orcid);
            free(orcid);
        }
        json_t *affs = json_array();
        for (size_t k = 0; k < au->naffiliations; k++) {
            const struct affiliation *af = &au->affiliations[k];
            json_t *org = json_pack("{s:s, s:s}", "@type", "Organization", "name", af->name);
            if (af->ror && *af->ror)
                ld_set(org, "sameAs", af->ror);
            if (af->department && *af->department)
                json_object_set_new(
                    org, "department",
                    json_pack("{s:s, s:s}", "@type", "Organization", "name", af->department));
            if (!af->international && af->country[0])
                json_object_set_new(org, "address",
                                    json_pack("{s:s, s:s}", "@type", "PostalAddress",
                                              "addressCountry", af->country));
            json_array_append_new(affs, org);
        }
        json_object_set_new(p, "affiliation", affs);
        json_array_append_new(authors, p);
    }
    json_object_set_new(ld, "author", authors);
    ld_set(ld, "datePublished", article_date(a));
    if (m->abstract) {
        char *abstract = abstract_line(m, m->abstract, m->lang);
        ld_set(ld, "abstract", abstract);
        free(abstract);
    }
    if (m->nkeywords) {
        struct strbuf kw = STRBUF_INIT;
        for (size_t i = 0; i < m->nkeywords; i++)
            strbuf_addf(&kw, "%s%s", i ? ", " : "", m->keywords[i]);
        ld_set(ld, "keywords", kw.buf);
        strbuf_release(&kw);
    }
    ld_set(ld, "inLanguage", m->lang);
    ld_set(ld, "license", license_url ? license_url : c->license);
    json_object_set_new(ld, "isAccessibleForFree", json_true());
    if (a->r.doi) {
        char *doi_url = xasprintf("https://doi.org/%s", a->r.doi);
        json_object_set_new(ld, "identifier",
                            json_pack("{s:s, s:s, s:s, s:s}", "@type", "PropertyValue",
                                      "propertyID", "DOI", "value", a->r.doi, "url", doi_url));
        ld_set(ld, "sameAs", doi_url);
        free(doi_url);
    }
    ld_set(ld, "pageStart", first);
    ld_set(ld, "pageEnd", last);
    json_t *publisher = NULL;
    if (c->publisher)
        publisher = json_pack("{s:s, s:s}", "@type", "Organization", "name", c->publisher);
    json_t *periodical = json_pack("{s:s, s:s}", "@type", "Periodical", "name", c->title);
    ld_set(periodical, "alternateName", c->abbreviation);
    ld_set(periodical, "issn", c->issn);
    ld_set(periodical, "url", c->base_url);
    if (publisher)
        json_object_set(periodical, "publisher", publisher);
    json_t *volume = json_object();
    ld_set(volume, "@type", "PublicationVolume");
    if (a->issue->volume)
        json_object_set_new(volume, "volumeNumber", json_sprintf("%lu", a->issue->volume));
    json_object_set_new(volume, "isPartOf", periodical);
    json_t *issue = json_object();
    ld_set(issue, "@type", "PublicationIssue");
    char number[ISSUE_NUMBER_SIZE];
    if (a->issue->number)
        json_object_set_new(issue, "issueNumber", json_string(issue_number_text(a->issue, number)));
    ld_set(issue, "datePublished", a->issue->date);
    json_object_set_new(issue, "isPartOf", volume);
    json_object_set_new(ld, "isPartOf", issue);
    if (publisher)
        json_object_set_new(ld, "publisher", publisher);
    struct strbuf json = STRBUF_INIT;
    int rc = json_text_append(&json, ld, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(ld);
    if (rc) {
        /* Manuscripts are UTF-8 when read: the page goes without it, as with jansson. */
        error_clear();
        strbuf_release(&json);
        return NULL;
    }
    char *text = json.buf ? json.buf : xstrdup("");
    /* JSON has '<' only inside strings, where "<\/" is "</" and "\u003c" is '<': no
     * "</script>" can end the script early and no "<!--" or "<script" change how it is read. */
    struct strbuf sb = STRBUF_INIT;
    const char *run = text;
    for (const char *lt; (lt = strchr(run, '<'));) {
        strbuf_add(&sb, run, (size_t)(lt - run));
        strbuf_addstr(&sb, lt[1] == '/' ? "<\\" : "\\u003c");
        run = lt + 1;
    }
    strbuf_addstr(&sb, run);
    free(text);
    return strbuf_detach(&sb, NULL);
}

/*
 * What indexers read in the page's head (Google Scholar's citation_*, Dublin
 * Core, Open Graph, schema.org JSON-LD) as article.meta, the affiliations of
 * each author as authors[].institutions, and the downloads' URLs.
 */
static void article_metadata_json(const struct build *b, const struct article *a, json_t *o)
{
    const struct journal_config *c = &b->repo->config;
    const struct manuscript *m = &a->m;
    json_t *authors = json_object_get(o, "authors");
    for (size_t i = 0; i < m->nauthors && i < json_array_size(authors); i++) {
        json_t *inst = json_array();
        for (size_t k = 0; k < m->authors[i].naffiliations; k++) {
            const struct affiliation *af = &m->authors[i].affiliations[k];
            /* "Department of X, University Y": the department is part of where the author works. */
            json_array_append_new(inst, af->department && *af->department
                                            ? json_sprintf("%s, %s", af->department, af->name)
                                            : json_string(af->name));
        }
        json_object_set_new(json_array_get(authors, i), "institutions", inst);
    }
    json_t *meta = json_object();
    char *url = article_url(b, a);
    char *license_url = citation_license_url(c->license);
    char *first, *last;
    citation_page_range(article_pages(a), &first, &last);
    const char *date = article_date(a);
    site_set_str(meta, "journal_title", c->title);
    site_set_str(meta, "journal_abbrev", c->abbreviation);
    site_set_str(meta, "issn", c->issn);
    site_set_str(meta, "publisher", c->publisher);
    site_set_str(meta, "date", date);
    if (date && strlen(date) == 10) {
        char slash[11];
        memcpy(slash, date, sizeof slash);
        slash[4] = slash[7] = '/';
        site_set_str(meta, "date_slash", slash);
    }
    site_set_str(meta, "first_page", first);
    site_set_str(meta, "last_page", last);
    site_set_str(meta, "url", url);
    site_set_str(meta, "license", c->license);
    site_set_str(meta, "license_url", license_url);
    site_set_str(meta, "locale", og_locale(m->lang));
    if (m->abstract) {
        char *description = abstract_line(m, m->abstract, m->lang);
        site_set_str(meta, "description", description);
        free(description);
    }
    /* citation_pdf_url, and the page's link to the galley: only when the build makes it. */
    if (a->pdf_unit) {
        char *pdf = xasprintf("articles/%lu/article.pdf", a->number);
        if (c->base_url) {
            char *pdf_url = xasprintf("%s%s", c->base_url, pdf);
            site_set_str(meta, "pdf_url", pdf_url);
            free(pdf_url);
        }
        site_set_str(o, "pdf_url", pdf);
        free(pdf);
    }
    char *ld = article_json_ld(b, a, url, license_url, first, last);
    site_set_str(meta, "json_ld", ld);
    free(ld);
    json_object_set_new(o, "meta", meta);
    static const char *const downloads[][2] = {{"ris_url", "citation.ris"},
                                               {"csl_json_url", "citation.json"},
                                               {"jats_url", "article.xml"}};
    for (size_t i = 0; i < sizeof downloads / sizeof *downloads; i++) {
        char *rel = xasprintf("articles/%lu/%s", a->number, downloads[i][1]);
        site_set_str(o, downloads[i][0], rel);
        free(rel);
    }
    free(first);
    free(last);
    free(license_url);
    free(url);
}

/* A supplementary file's MIME type by its extension; others are application/octet-stream. */
static const char *supplement_mimetype(const char *path)
{
    static const char *const types[][2] = {
        {"csv", "text/csv"},
        {"tsv", "text/tab-separated-values"},
        {"txt", "text/plain"},
        {"md", "text/markdown"},
        {"json", "application/json"},
        {"pdf", "application/pdf"},
        {"zip", "application/zip"},
        {"gz", "application/gzip"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
        {"odt", "application/vnd.oasis.opendocument.text"},
        {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
        {"doc", "application/msword"},
        {"xls", "application/vnd.ms-excel"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"tif", "image/tiff"},
        {"tiff", "image/tiff"},
        {"mp3", "audio/mpeg"},
        {"mp4", "video/mp4"},
        {"r", "text/plain"},
        {"py", "text/plain"},
        {"do", "text/plain"},
        {"sav", "application/octet-stream"},
        {"dta", "application/octet-stream"},
    };
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (!strcasecmp(dot + 1, types[i][0]))
            return types[i][1];
    return "application/octet-stream";
}

/* A path as a URL path: each byte but unreserved characters and '/' percent-encoded. */
static void add_url_path(struct strbuf *out, const char *path)
{
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("-._~/", *p))
            strbuf_addch(out, (char)*p);
        else
            strbuf_addf(out, "%%%02X", *p);
    }
}

/* "512 B", "13 KB", "2.4 MB" in the view's language (a size is rounded up, never to 0 KB). */
char *site_size_text(const struct view *v, size_t bytes)
{
    char number[32];
    const char *key = "size_bytes";
    if (bytes < 1024) {
        snprintf(number, sizeof number, "%zu", bytes);
    } else if (bytes < 1024 * 1024) {
        snprintf(number, sizeof number, "%zu", (bytes + 1023) / 1024);
        key = "size_kb";
    } else {
        unsigned long tenths = (unsigned long)((bytes * 10 + 1024 * 1024 - 1) / (1024 * 1024));
        snprintf(number, sizeof number, "%lu%s%lu", tenths / 10,
                 i18n_text(v->t, "stats_decimal_mark"), tenths % 10);
        key = "size_mb";
    }
    const char *names[] = {"n", NULL};
    const char *values[] = {number, NULL};
    return i18n_format(v->t, key, names, values);
}

/* The article's supplementary material as the page lists it: name, link, type and size. */
static json_t *supplements_json(const struct view *v, const struct article *a)
{
    json_t *list = json_array();
    for (size_t i = 0; i < a->nsupplements; i++) {
        const struct site_supplement *s = &a->supplements[i];
        struct strbuf url = STRBUF_INIT;
        strbuf_addf(&url, "articles/%lu/supplementary/", a->number);
        add_url_path(&url, s->path);
        const char *slash = strrchr(s->path, '/');
        const char *dot = strrchr(slash ? slash : s->path, '.');
        struct strbuf format = STRBUF_INIT;
        for (const char *p = dot ? dot + 1 : ""; *p; p++)
            strbuf_addch(&format, (char)toupper((unsigned char)*p));
        char *size = site_size_text(v, s->data.len);
        json_t *x = json_object();
        site_set_str(x, "name", s->path);
        site_set_str(x, "url", url.buf);
        site_set_str(x, "mimetype", supplement_mimetype(s->path));
        site_set_str(x, "format", format.buf);
        site_set_str(x, "size", size);
        json_array_append_new(list, x);
        free(size);
        strbuf_release(&format);
        strbuf_release(&url);
    }
    return list;
}

/* The article's Markdown, parsed once for the page and the JATS. */
struct parsed {
    struct markdown_doc body;
    struct markdown_doc abstract; /* root NULL without an abstract */
};

/*
 * HTML that cmark-gfm rendered from a manuscript: the manuscript is valid UTF-8
 * (manuscript_parse checks) and cmark-gfm writes valid UTF-8 from it (U+FFFD
 * for what it cannot decode), so jansson need not check the article's longest
 * string again.
 */
static void set_rendered_html(json_t *obj, const char *key, const struct strbuf *html)
{
    json_object_set_new(obj, key, json_stringn_nocheck(html->buf, html->len));
}

static int article_full_json(struct build *b, const struct view *v, const struct article *a,
                             const struct parsed *md, json_t **out)
{
    const struct manuscript *m = &a->m;
    json_t *o = site_article_summary_json(b, v, a);
    struct strbuf html = STRBUF_INIT;
    int rc = 0;
    *out = NULL;

    if (m->abstract) {
        site_set_str(o, "abstract", m->abstract);
        markdown_render_html(&md->abstract, &html);
        set_rendered_html(o, "abstract_html", &html);
        strbuf_reset(&html);
    }
    json_t *kw = json_array();
    for (size_t i = 0; i < m->nkeywords; i++)
        json_array_append_new(kw, json_string(m->keywords[i]));
    json_object_set_new(o, "keywords", kw);
    json_object_set_new(o, "has_keywords", json_boolean(m->nkeywords > 0));
    /* The page shows the article's own title (a listing may show a translation). */
    json_object_del(o, "subtitle");
    site_set_str(o, "title", m->title);
    site_set_str(o, "subtitle", m->subtitle);
    site_set_str(o, "lang", m->lang);
    json_t *translations = json_array();
    for (size_t i = 0; i < m->ntranslations && !rc; i++) {
        const struct translation *t = &m->translations[i];
        /* Headed in the translation's language where the site speaks it, else the page's. */
        const struct view *tv = site_view_for(b, t->lang);
        if (strcmp(tv->lang, t->lang))
            tv = v;
        json_t *x = json_object();
        site_set_str(x, "lang", t->lang);
        site_set_str(x, "labels_lang", tv->lang);
        site_set_str(x, "heading", i18n_text(tv->t, "translation_heading"));
        site_set_str(x, "abstract_label", i18n_text(tv->t, "abstract"));
        site_set_str(x, "keywords_label", i18n_text(tv->t, "keywords"));
        site_set_str(x, "title", t->title);
        site_set_str(x, "subtitle", t->subtitle);
        if (t->abstract) {
            char *line = abstract_line(m, t->abstract, t->lang);
            site_set_str(x, "abstract_line", line);
            free(line);
            strbuf_reset(&html);
            /* Its citations linked to the reference list, in its language, as the body's. */
            struct arena_mark mark = arena_mark();
            struct markdown_doc tdoc;
            rc = markdown_parse(t->abstract, strlen(t->abstract), false, &tdoc);
            if (!rc) {
                if (m->references.n && strchr(t->abstract, '@'))
                    markdown_cite(&tdoc, &m->references, t->lang);
                markdown_render_html(&tdoc, &html);
            }
            arena_release(mark);
            set_rendered_html(x, "abstract_html", &html);
            strbuf_reset(&html);
        }
        json_t *tkw = json_array();
        for (size_t k = 0; k < t->nkeywords; k++)
            json_array_append_new(tkw, json_string(t->keywords[k]));
        json_object_set_new(x, "keywords", tkw);
        json_object_set_new(x, "has_keywords", json_boolean(t->nkeywords > 0));
        json_array_append_new(translations, x);
    }
    json_object_set_new(o, "translations", translations);
    json_object_set_new(o, "has_abstracts", json_boolean(m->abstract || m->ntranslations));
    if (rc)
        goto fail;

    json_t *authors = json_array();
    for (size_t i = 0; i < m->nauthors; i++) {
        const struct author *au = &m->authors[i];
        json_t *x = json_object();
        const char *shown = person_display_name(au->name, &au->latin, v->lang);
        site_set_str(x, "name", shown);
        /* The name in its own script beside its Latin form ("Wang Xiaoming (王小明)"), where
           the page shows the Latin one: the galley prints both. */
        if (strcmp(shown, au->name))
            site_set_str(x, "own_name", au->name);
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

    markdown_render_html(&md->body, &html);
    set_rendered_html(o, "body_html", &html);
    if (m->references.n) {
        strbuf_reset(&html);
        rc = references_apa_html(&m->references, &html);
        if (rc)
            goto fail;
        site_set_str(o, "references_html", html.buf);
    }
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
    json_object_set_new(o, "has_supplementary", json_boolean(a->nsupplements > 0));
    json_object_set_new(o, "supplementary", supplements_json(v, a));
    char *pages = citation_pages_text(article_pages(a));
    site_set_str(o, "pages", pages);
    free(pages);
    char *url = b->repo->config.base_url
                    ? xasprintf("%sarticles/%lu/index.html", b->repo->config.base_url, a->number)
                    : NULL;
    char number[ISSUE_NUMBER_SIZE];
    struct citation_source cite = citation_of(b, a, url, number, v->lang);
    strbuf_reset(&html);
    rc = citation_apa_html(&cite, &html);
    free(url);
    if (rc)
        goto fail;
    site_set_str(o, "cite_apa_html", html.buf);
    char *bibtex_url = xasprintf("articles/%lu/citation.bib", a->number);
    site_set_str(o, "bibtex_url", bibtex_url);
    free(bibtex_url);
    article_metadata_json(b, a, o);
    json_t *open = json_array();
    for (size_t i = 0; i < a->nopen_reviews; i++) {
        const struct review *rv = &a->open_reviews[i];
        const struct roster_reviewer *who = roster_find(&b->roster, rv->reviewer);
        struct strbuf comments = STRBUF_INIT;
        rc = markdown_to_html(rv->comments, strlen(rv->comments), false, &comments);
        json_t *x =
            json_pack("{s:s, s:I, s:s, s:s}", "reviewer",
                      who ? person_display_name(who->name, &who->latin, v->lang) : rv->reviewer,
                      "round", (json_int_t)rv->round, "verdict_label",
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
    char number[ISSUE_NUMBER_SIZE];
    struct citation_source cite = citation_of(b, a, url, number, "en");
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

static char *figure_path(const struct article *a, const char *url);

/* The JATS graphic of an image of the text: files/PATH when its figure is published beside
   the page (write_figures), as article.xml is; NULL otherwise. */
static char *jats_figure_href(const char *url, void *arg)
{
    const struct article *a = arg;
    char *path = figure_path(a, url);
    char *href = NULL;
    for (size_t i = 0; path && !href && i < a->nfigures; i++)
        if (!strcmp(a->figures[i].path, path)) {
            struct strbuf sb = STRBUF_INIT;
            strbuf_addstr(&sb, "files/");
            add_url_path(&sb, path);
            href = strbuf_detach(&sb, NULL);
        }
    free(path);
    return href;
}

/* articles/N/citation.ris, citation.json (CSL-JSON) and article.xml (JATS) beside the page. */
static int write_downloads(struct build *b, const struct article *a, const struct parsed *md)
{
    char *url = article_url(b, a);
    char number[ISSUE_NUMBER_SIZE];
    struct jats_supplement *supplements = xcalloc(a->nsupplements + 1, sizeof(*supplements));
    struct strbuf *hrefs = xcalloc(a->nsupplements + 1, sizeof(*hrefs));
    for (size_t i = 0; i < a->nsupplements; i++) {
        strbuf_addstr(&hrefs[i], "supplementary/");
        add_url_path(&hrefs[i], a->supplements[i].path);
        supplements[i] = (struct jats_supplement){
            hrefs[i].buf, supplement_mimetype(a->supplements[i].path), a->supplements[i].path};
    }
    struct jats_source src = {
        .supplements = supplements,
        .nsupplements = a->nsupplements,
        .cite = citation_of(b, a, url, number, "en"),
        .license = b->repo->config.license,
        .received = a->r.submitted,
        .accepted = a->r.accepted,
        .countries = b->countries,
        .body = md->body.root,
        .abstract = md->abstract.root,
        .figure_href = jats_figure_href,
        .figure_arg = (void *)a,
    };
    static const char *const files[] = {"citation.ris", "citation.json", "article.xml"};
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof files / sizeof *files; i++) {
        struct strbuf sb = STRBUF_INIT;
        if (i == 0)
            rc = citation_ris(&src.cite, &sb);
        else if (i == 1)
            rc = citation_csl_json(&src.cite, &sb);
        else {
            /* JATS is about as long as the Markdown: room for it at once. */
            strbuf_grow(&sb, a->m.body_len + a->m.body_len / 2 + 16384);
            rc = jats_article(&src, &sb);
        }
        char *rel = xasprintf("articles/%lu/%s", a->number, files[i]);
        if (!rc)
            rc = site_write_output(b, rel, sb.buf, sb.len);
        free(rel);
        strbuf_release(&sb);
    }
    /* The supplementary files themselves, beside the page: only those the manifest lists. */
    for (size_t i = 0; !rc && i < a->nsupplements; i++) {
        char *rel = xasprintf("articles/%lu/supplementary/%s", a->number, a->supplements[i].path);
        rc = site_write_output(b, rel, a->supplements[i].data.buf ? a->supplements[i].data.buf : "",
                               a->supplements[i].data.len);
        free(rel);
    }
    for (size_t i = 0; i < a->nsupplements; i++)
        strbuf_release(&hrefs[i]);
    free(hrefs);
    free(supplements);
    free(url);
    return rc;
}

/* The title as the galley's running head: up to RUNNING_TITLE characters, cut at a space with
   an ellipsis; free it. */
#define RUNNING_TITLE 70
static char *running_title(const char *title)
{
    size_t chars = 0, cut = 0, i = 0;
    for (; title[i]; i++) {
        if (((unsigned char)title[i] & 0xC0) == 0x80)
            continue;
        if (chars++ == RUNNING_TITLE)
            return xasprintf("%.*s…", (int)(cut ? cut : i), title);
        if (title[i] == ' ')
            cut = i;
    }
    return xstrdup(title);
}

/* The body as the journal allows (raw HTML or not), the abstract always without raw HTML. */
static int parse_article(const struct build *b, const struct manuscript *m, struct parsed *md)
{
    md->abstract = (struct markdown_doc){0};
    int rc = markdown_parse(m->body ? m->body : "", m->body ? m->body_len : 0,
                            b->repo->config.allow_raw_html, &md->body);
    /* Every citation has an '@': most bodies need no walk to find none. */
    if (!rc && m->references.n && m->body && memchr(m->body, '@', m->body_len))
        markdown_cite(&md->body, &m->references, m->lang);
    if (!rc && m->abstract)
        rc = markdown_parse(m->abstract, strlen(m->abstract), false, &md->abstract);
    /* The abstract's citations too: linked on the page and in the galley, xref in JATS. */
    if (!rc && m->abstract && m->references.n && strchr(m->abstract, '@'))
        markdown_cite(&md->abstract, &m->references, m->lang);
    return rc;
}

/* ---- figures ---- */

/* Image types a figure may be published as: what every browser and WeasyPrint show, and none
   that runs a script on the site (SVG can). */
static const char *const figure_types[] = {".png", ".jpg", ".jpeg", ".gif", ".webp"};

struct figure_scan {
    const struct article *a;
    char **paths;
    size_t n, alloc;
};

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* The attachment an image URL shows ("files/media/image1.png" gives "media/image1.png"), or
   NULL: a URL of its own (another site, an absolute path, data:), another type, a path that
   leaves files/, or an attachment the editor keeps private. Free it. */
static char *figure_path(const struct article *a, const char *url)
{
    if (!strncmp(url, "./", 2))
        url += 2;
    if (strncmp(url, "files/", 6))
        return NULL;
    url += 6;
    size_t len = strcspn(url, "?#");
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (url[i] == '%' && i + 2 < len && (hi = hex_digit(url[i + 1])) >= 0 &&
            (lo = hex_digit(url[i + 2])) >= 0) {
            strbuf_addch(&sb, (char)(hi * 16 + lo));
            i += 2;
        } else {
            strbuf_addch(&sb, url[i]);
        }
    }
    size_t decoded = sb.len;
    char *path = strbuf_detach(&sb, NULL);
    bool image = false;
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof figure_types / sizeof *figure_types; i++)
        image = image || !strcasecmp(dot, figure_types[i]);
    /* (A %00 would cut the path short: refused.) */
    if (!image || strlen(path) != decoded || !fs_is_safe_relative(path) ||
        record_is_private(&a->r, path)) {
        free(path);
        return NULL;
    }
    return path;
}

static void add_figure(const char *url, void *arg)
{
    struct figure_scan *scan = arg;
    char *path = figure_path(scan->a, url);
    for (size_t i = 0; path && i < scan->n; i++)
        if (!strcmp(scan->paths[i], path)) {
            free(path);
            path = NULL;
        }
    if (!path)
        return;
    ARRAY_GROW(scan->paths, scan->n + 1, scan->alloc);
    scan->paths[scan->n++] = path;
}

int site_article_figures(const struct build *b, const struct article *a, char ***paths, size_t *n)
{
    *paths = NULL;
    *n = 0;
    /* Most articles show no attachment: no second parse for them. */
    bool any = false;
    for (size_t i = 0; a->m.body && !any && i + 6 <= a->m.body_len; i++)
        any = a->m.body[i] == 'f' && !memcmp(a->m.body + i, "files/", 6);
    if (!any)
        return 0;
    struct arena_mark mark = arena_mark();
    struct markdown_doc body;
    int rc = markdown_parse(a->m.body, a->m.body_len, b->repo->config.allow_raw_html, &body);
    struct figure_scan scan = {.a = a};
    if (!rc)
        markdown_each_image(&body, add_figure, &scan);
    arena_release(mark);
    *paths = scan.paths;
    *n = scan.n;
    return rc;
}

/* The article's figures beside its page: articles/N/files/..., where the text's links
   (files/...) lead from articles/N/. */
static int write_figures(struct build *b, const struct article *a)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < a->nfigures; i++) {
        char *rel = xasprintf("articles/%lu/files/%s", a->number, a->figures[i].path);
        rc = site_write_output(b, rel, a->figures[i].data.buf ? a->figures[i].data.buf : "",
                               a->figures[i].data.len);
        free(rel);
    }
    return rc;
}

/*
 * One article: its page, its citation files, its JATS, and then its galley: the page is written
 * first, and said to be (site_search_page_written), so that its search shard can be indexed
 * while the galley is typeset.
 */
int site_render_article(struct build *b, const struct article *a)
{
    const struct view *v = site_view_for(b, a->m.lang);
    /* The parsed Markdown and all cmark-gfm makes from it go at once, at the end. */
    struct arena_mark mark = arena_mark();
    struct parsed md;
    int rc = parse_article(b, &a->m, &md);
    json_t *article;
    if (!rc)
        rc = article_full_json(b, v, a, &md, &article);
    if (rc) {
        if (a->unit->make)
            site_search_page_written(b);
        arena_release(mark);
        return rc;
    }
    char rel[64];
    snprintf(rel, sizeof(rel), "articles/%lu/index.html", a->number);
    char *description = a->m.abstract ? abstract_line(&a->m, a->m.abstract, a->m.lang) : NULL;
    json_t *ctx = site_page_json(b, v, NULL, rel, a->m.title, description);
    json_object_set(ctx, "article", article);
    if (a->unit->make)
        rc = site_render_page(b, v, "article", ctx, rel);
    else
        json_decref(ctx);
    if (!rc && a->unit->make)
        rc = write_bibtex(b, a);
    if (!rc && a->unit->make)
        rc = write_downloads(b, a, &md);
    if (!rc && a->unit->make)
        rc = write_figures(b, a);
    if (a->unit->make)
        site_search_page_written(b);
    if (!rc && a->pdf_unit && a->pdf_unit->make) {
        /* The galley's print HTML: the page's data, and what its first page and the PDF's
           metadata say in a line (the running head, the keywords). */
        char pdf_rel[64];
        snprintf(pdf_rel, sizeof(pdf_rel), "articles/%lu/article.pdf", a->number);
        json_t *pdf = site_page_json(b, v, NULL, pdf_rel, a->m.title, description);
        char *running = running_title(a->m.title);
        site_set_str(article, "running_title", running);
        free(running);
        struct strbuf kw = STRBUF_INIT;
        for (size_t i = 0; i < a->m.nkeywords; i++)
            strbuf_addf(&kw, "%s%s", i ? ", " : "", a->m.keywords[i]);
        site_set_str(article, "keywords_line", kw.buf);
        strbuf_release(&kw);
        struct strbuf body = STRBUF_INIT;
        const char *page_body = json_string_value(json_object_get(article, "body_html"));
        site_pdf_footnotes(page_body ? page_body : "", &body);
        set_rendered_html(article, "body_print_html", &body);
        strbuf_release(&body);
        json_object_set(pdf, "article", article);
        rc = site_make_pdf(b, a, v, pdf);
    }
    json_decref(article);
    free(description);
    arena_release(mark);
    return rc;
}
