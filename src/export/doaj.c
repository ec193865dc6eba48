/*
 * DOAJ article XML (https://doaj.org/docs/xml/; the schema is DOAJ's current
 * doajArticles.xsd, from DOAJ's own repository: the older copy OJS ships has
 * no element for ORCID iDs). Element order follows the schema's sequence.
 * Each author's ORCID iD goes in DOAJ's `orchid_id` (DOAJ's spelling) as the
 * full https://orcid.org/ URL DOAJ asks for. The schema has no element for the
 * affiliation's country, so none is exported; authors' email addresses are
 * left out on purpose.
 */
#include "export/indexing.h"
#include "export/intext.h"
#include "model/person.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Affiliations are listed once per record and referred to by number. */
struct affiliation_list {
    char **names;
    size_t n;
};

static char *affiliation_label(const struct affiliation *af)
{
    if (af->department && *af->department)
        return xasprintf("%s, %s", af->department, af->name);
    return xstrdup(af->name);
}

static size_t affiliation_id(struct affiliation_list *list, const struct affiliation *af)
{
    char *label = affiliation_label(af);
    for (size_t i = 0; i < list->n; i++)
        if (!strcmp(list->names[i], label)) {
            free(label);
            return i + 1;
        }
    list->names = xrealloc(list->names, (list->n + 1) * sizeof(*list->names));
    list->names[list->n++] = label;
    return list->n;
}

/*
 * DOAJ's documentType is free text (xs:string, no list of values): the kind of
 * item in words, so that editorials and interviews are not counted as research
 * articles.
 */
static const char *document_type(const char *type)
{
    static const char *const types[][2] = {
        {"editorial", "editorial"},   {"interview", "interview"},     {"review", "review"},
        {"case-study", "case study"}, {"practice", "practice paper"},
    };
    for (size_t i = 0; type && i < sizeof(types) / sizeof(*types); i++)
        if (!strcmp(type, types[i][0]))
            return types[i][1];
    return "article";
}

static void write_record(struct xml_out *x, const struct journal_config *c,
                         const struct language_db *languages, const struct indexing_article *a)
{
    const struct manuscript *m = a->m;
    const char *lang = indexing_language_b(languages, m->lang);
    char number[32];
    xml_start(x, "record");
    xml_element(x, "language", lang);
    xml_element(x, "publisher", c->publisher);
    xml_element(x, "journalTitle", c->title);
    xml_element(x, "eissn", c->issn);
    xml_element(x, "publicationDate", indexing_published(a));
    snprintf(number, sizeof(number), "%lu", a->issue->volume);
    xml_element(x, "volume", number);
    char issue[ISSUE_NUMBER_SIZE];
    xml_element(x, "issue", issue_number_text(a->issue, issue));
    char *start, *end;
    /* A range estimated from the word count (pdf: false) is no page range of the article. */
    indexing_split_pages(a->issue->pages_typeset ? a->pages : NULL, &start, &end);
    xml_element(x, "startPage", start);
    xml_element(x, "endPage", end);
    free(start);
    free(end);
    xml_element(x, "doi", a->r ? a->r->doi : NULL);
    snprintf(number, sizeof(number), "%lu", a->number);
    xml_element(x, "publisherRecordId", number);
    xml_element(x, "documentType", document_type(m->type));

    char *title = indexing_full_title(m);
    xml_start(x, "title");
    if (lang)
        xml_attr(x, "language", lang);
    xml_text(x, title);
    xml_end(x);
    free(title);
    /* DOAJ takes title, abstract and keywords once per language, each with its language. */
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        const char *tlang = indexing_language_b(languages, t->lang);
        xml_start(x, "title");
        if (tlang)
            xml_attr(x, "language", tlang);
        char *full = indexing_join_title(t->title, t->subtitle);
        xml_text(x, full);
        free(full);
        xml_end(x);
    }

    struct affiliation_list list = {NULL, 0};
    if (m->nauthors) {
        xml_start(x, "authors");
        for (size_t i = 0; i < m->nauthors; i++) {
            const struct author *au = &m->authors[i];
            /* DOAJ's readers and its indexers read Latin script: name_latin where given. */
            struct author latin = person_author_latin(au);
            xml_start(x, "author");
            xml_element(x, "name", latin.name);
            for (size_t k = 0; k < au->naffiliations; k++) {
                snprintf(number, sizeof(number), "%zu",
                         affiliation_id(&list, &au->affiliations[k]));
                xml_element(x, "affiliationId", number);
            }
            if (au->orcid[0]) {
                char *orcid = xasprintf("https://orcid.org/%s", au->orcid);
                xml_element(x, "orchid_id", orcid);
                free(orcid);
            }
            xml_end(x);
        }
        xml_end(x);
    }
    if (list.n) {
        xml_start(x, "affiliationsList");
        for (size_t i = 0; i < list.n; i++) {
            snprintf(number, sizeof(number), "%zu", i + 1);
            xml_start(x, "affiliationName");
            xml_attr(x, "affiliationId", number);
            xml_text(x, list.names[i]);
            xml_end(x);
            free(list.names[i]);
        }
        xml_end(x);
    }
    free(list.names);

    if (m->abstract && *m->abstract) {
        xml_start(x, "abstract");
        if (lang)
            xml_attr(x, "language", lang);
        char *abstract = intext_plain(m->abstract, &m->references, m->lang);
        xml_text(x, abstract);
        free(abstract);
        xml_end(x);
    }
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        const char *tlang = indexing_language_b(languages, t->lang);
        if (!t->abstract || !*t->abstract)
            continue;
        xml_start(x, "abstract");
        if (tlang)
            xml_attr(x, "language", tlang);
        char *abstract = intext_plain(t->abstract, &m->references, t->lang);
        xml_text(x, abstract);
        free(abstract);
        xml_end(x);
    }
    char *url = indexing_article_url(c->base_url, a->number);
    xml_start(x, "fullTextUrl");
    xml_attr(x, "format", "html");
    xml_text(x, url);
    xml_end(x);
    free(url);
    if (m->nkeywords) {
        xml_start(x, "keywords");
        if (lang)
            xml_attr(x, "language", lang);
        for (size_t i = 0; i < m->nkeywords; i++)
            xml_element(x, "keyword", m->keywords[i]);
        xml_end(x);
    }
    for (size_t i = 0; i < m->ntranslations; i++) {
        const struct translation *t = &m->translations[i];
        const char *tlang = indexing_language_b(languages, t->lang);
        if (!t->nkeywords)
            continue;
        xml_start(x, "keywords");
        if (tlang)
            xml_attr(x, "language", tlang);
        for (size_t k = 0; k < t->nkeywords; k++)
            xml_element(x, "keyword", t->keywords[k]);
        xml_end(x);
    }
    xml_end(x);
}

int doaj_write(const struct journal_config *c, const struct language_db *languages,
               const struct indexing_article *articles, size_t n, struct strbuf *out)
{
    if (!c->issn || !*c->issn)
        return error_input("journal.yaml: no issn; DOAJ identifies a journal by its ISSN (set "
                           "issn: in journal.yaml, e.g. issn: \"2049-3630\")");
    if (!c->base_url || !*c->base_url)
        return error_input("journal.yaml: no base_url; DOAJ records link to each article's page "
                           "(set base_url: in journal.yaml, e.g. https://journal.example.org/)");
    if (!n)
        return error_input("the issue has no articles; a DOAJ file needs at least one record");
    struct xml_out x;
    xml_out_begin(&x);
    xml_start(&x, "records");
    for (size_t i = 0; i < n; i++)
        write_record(&x, c, languages, &articles[i]);
    xml_end(&x);
    return xml_out_finish(&x, "DOAJ export", out);
}
