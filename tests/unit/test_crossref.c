/* The Crossref deposit: schema validity (5.3.1, offline with the catalog), contributors,
   access indicators, the citation list, escaping, and the checks before a deposit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "export/citation.h"
#include "export/crossref.h"
#include "export/references.h"
#include "model/config.h"
#include "model/country.h"
#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *crossref_dir; /* the repository's schemas/crossref */
static struct country_db *countries;

static const char journal_yaml[] = "title: \"Journal of Civil Service Reform & Practice\"\n"
                                   "abbreviation: JCSRP\n"
                                   "publisher:\n"
                                   "  ru: \"Региональный хаб\"\n"
                                   "  en: \"Regional Civil Service Cooperation Hub\"\n"
                                   "issn: \"3051-7729\"\n"
                                   "base_url: \"https://journal.example.org\"\n"
                                   "languages: [en, ru]\n"
                                   "doi_prefix: \"10.99999\"\n"
                                   "license: \"CC BY 4.0\"\n"
                                   "crossref_depositor_name: \"Editorial Office\"\n"
                                   "crossref_depositor_email: office@journal.example.org\n";

static const char issue_yaml[] = "volume: 1\nnumber: 2\nyear: 2025\ndate: 2025-12-15\n"
                                 "title: {ru: \"Цифровое государство\", en: \"Digital "
                                 "Government\"}\narticles: [6, 7]\n";

static const char record6_yaml[] = "number: 6\nstate: published\nsubmitted: 2025-01-10\n"
                                   "accepted: 2025-05-02\npublished: 2025-12-15\nissue: 2\n"
                                   "doi: 10.99999/jcsrp.2025.1.2.1\n";
static const char record7_yaml[] = "number: 7\nstate: published\nsubmitted: 2025-02-10\n"
                                   "published: 2025-12-15\nissue: 2\n"
                                   "doi: 10.99999/jcsrp.2025.1.2.2\n";

struct fixture {
    struct journal_config cfg;
    struct issue_manifest issue;
    struct submission_record records[2];
    struct manuscript ms[2];
    struct crossref_article articles[2];
};

static void add_author(struct manuscript *m, const char *name, const char *orcid,
                       const char *affiliation, const char *country, const char *ror)
{
    m->authors = xrealloc(m->authors, (m->nauthors + 1) * sizeof(*m->authors));
    struct author *a = &m->authors[m->nauthors++];
    memset(a, 0, sizeof(*a));
    a->name = xstrdup(name);
    if (orcid)
        snprintf(a->orcid, sizeof(a->orcid), "%s", orcid);
    if (affiliation) {
        a->affiliations = xcalloc(1, sizeof(*a->affiliations));
        a->naffiliations = 1;
        a->affiliations[0].name = xstrdup(affiliation);
        snprintf(a->affiliations[0].country, sizeof(a->affiliations[0].country), "%s", country);
        a->affiliations[0].ror = ror ? xstrdup(ror) : NULL;
    }
}

static struct reference *add_reference(struct manuscript *m, const char *type, const char *title)
{
    struct reference_list *l = &m->references;
    l->items = xrealloc(l->items, (l->n + 1) * sizeof(*l->items));
    struct reference *r = &l->items[l->n++];
    memset(r, 0, sizeof(*r));
    r->type = xstrdup(type);
    r->title = xstrdup(title);
    return r;
}

static void reference_author(struct reference *r, const char *family, const char *given)
{
    r->authors = xrealloc(r->authors, (r->nauthors + 1) * sizeof(*r->authors));
    struct csl_name *n = &r->authors[r->nauthors++];
    memset(n, 0, sizeof(*n));
    n->family = xstrdup(family);
    n->given = given ? xstrdup(given) : NULL;
}

static struct funding_award *add_award(struct manuscript *m, const char *id)
{
    struct funding *f = &m->funding;
    f->awards = xrealloc(f->awards, (f->nawards + 1) * sizeof(*f->awards));
    struct funding_award *a = &f->awards[f->nawards++];
    memset(a, 0, sizeof(*a));
    a->id = id ? xstrdup(id) : NULL;
    return a;
}

static void add_funder(struct funding_award *a, const char *name, const char *funder_id,
                       const char *ror)
{
    a->sources = xrealloc(a->sources, (a->nsources + 1) * sizeof(*a->sources));
    a->sources[a->nsources++] = (struct funder){xstrdup(name), ror ? xstrdup(ror) : NULL,
                                                funder_id ? xstrdup(funder_id) : NULL};
}

static void setup(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    error_clear();
    assert_int_equal(
        config_parse(&f->cfg, "journal.yaml", journal_yaml, strlen(journal_yaml), NULL), 0);
    assert_int_equal(
        issue_parse(&f->issue, 2, "issues/2.yaml", issue_yaml, strlen(issue_yaml), &f->cfg), 0);
    assert_int_equal(record_parse(&f->records[0], "submissions/6/submission.yaml", record6_yaml,
                                  strlen(record6_yaml)),
                     0);
    assert_int_equal(record_parse(&f->records[1], "submissions/7/submission.yaml", record7_yaml,
                                  strlen(record7_yaml)),
                     0);

    struct manuscript *m = &f->ms[0];
    m->title = xstrdup("Merit-based recruitment in Kazakhstan");
    m->subtitle = xstrdup("What centralised testing changed");
    m->lang = xstrdup("en");
    m->type = xstrdup("research-article");
    m->abstract = xstrdup("First paragraph\nwith a line break.\n\nSecond paragraph.\n");
    add_author(m, "Dana Seitkali", "0000-0003-5882-8559", "Academy of Public Administration", "KZ",
               "https://ror.org/03vek6s52");
    add_author(m, "Yerzhan Kuanyshev", NULL, "Centre for Public Sector Research", "KZ", NULL);
    struct reference *r = add_reference(m, "article-journal", "Big metadata, smart metadata");
    reference_author(r, "Greenberg", "Jane");
    r->container_title = xstrdup("Journal of Data and Information Science");
    r->volume = xstrdup("2");
    r->issue = xstrdup("3");
    r->page = xstrdup("19-36");
    r->year = 2017;
    r->doi = xstrdup("10.1515/jdis-2017-0012");
    r = add_reference(m, "book", "Understanding metadata");
    reference_author(r, "Riley", "Jenn");
    reference_author(r, "Rauch", "James E.");
    r->publisher = xstrdup("NISO Press");
    r->publisher_place = xstrdup("Bethesda, MD");
    r->year = 2017;

    m = &f->ms[1];
    m->title = xstrdup("Государственная служба");
    m->lang = xstrdup("ru");
    m->type = xstrdup("case-study");
    add_author(m, "Сидоров Иван", NULL, NULL, NULL, NULL);
    add_author(m, "World Bank Group", NULL, NULL, NULL, NULL);
    m->authors[1].organization = true;

    for (size_t i = 0; i < 2; i++)
        f->articles[i] = (struct crossref_article){
            .number = 6 + i,
            .m = &f->ms[i],
            .r = &f->records[i],
            .pages = i ? "15-30" : "1-14",
            .refs = &f->ms[i].references,
            .record_file = i ? "submissions/7/submission.yaml" : "submissions/6/submission.yaml",
            .manuscript_file = i ? "submissions/7/manuscript.md" : "submissions/6/manuscript.md",
            .countries = countries,
        };
}

static void teardown(struct fixture *f)
{
    config_free(&f->cfg);
    issue_free(&f->issue);
    for (size_t i = 0; i < 2; i++) {
        record_free(&f->records[i]);
        manuscript_free(&f->ms[i]);
    }
    error_clear();
}

static void write_deposit(struct fixture *f, struct strbuf *xml)
{
    assert_int_equal(crossref_check(&f->cfg, &f->issue, f->articles, 2), 0);
    int rc = crossref_write(&f->cfg, &f->issue, f->articles, 2, "jcsrp-issue2-test-0001",
                            "20260115120000000", xml);
    if (rc)
        fail_msg("%s", error_message());
}

static void assert_valid(const struct strbuf *xml)
{
    if (crossref_validate(xml->buf, xml->len, crossref_dir))
        fail_msg("%s\n%s", error_message(), xml->buf);
}

/* The string value of an XPath expression over the deposit (c:, jats:, ai: prefixes). */
static char *xpath(const struct strbuf *xml, const char *expr)
{
    xmlDocPtr doc = xmlReadMemory(xml->buf, (int)xml->len, "deposit.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"c", (const xmlChar *)CROSSREF_NAMESPACE);
    xmlXPathRegisterNs(ctx, (const xmlChar *)"jats",
                       (const xmlChar *)"http://www.ncbi.nlm.nih.gov/JATS1");
    xmlXPathRegisterNs(ctx, (const xmlChar *)"fr",
                       (const xmlChar *)"http://www.crossref.org/fundref.xsd");
    xmlXPathRegisterNs(ctx, (const xmlChar *)"ai",
                       (const xmlChar *)"http://www.crossref.org/AccessIndicators.xsd");
    xmlXPathObjectPtr value = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    assert_non_null(value);
    xmlChar *s = xmlXPathCastToString(value);
    char *out = xstrdup((const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(value);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return out;
}

static void assert_xpath(const struct strbuf *xml, const char *expr, const char *expected)
{
    char *got = xpath(xml, expr);
    if (strcmp(got, expected)) {
        char message[1024];
        snprintf(message, sizeof(message), "%s: expected \"%s\", got \"%s\"", expr, expected, got);
        free(got);
        fail_msg("%s", message);
    }
    free(got);
}

static void test_deposit_validates(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    write_deposit(&f, &xml);
    assert_valid(&xml);
    assert_xpath(&xml, "/c:doi_batch/@version", "5.3.1");
    assert_xpath(&xml, "/c:doi_batch/c:head/c:doi_batch_id", "jcsrp-issue2-test-0001");
    assert_xpath(&xml, "/c:doi_batch/c:head/c:timestamp", "20260115120000000");
    assert_xpath(&xml, "//c:depositor/c:depositor_name", "Editorial Office");
    assert_xpath(&xml, "//c:depositor/c:email_address", "office@journal.example.org");
    /* Texts given per language go to Crossref in the journal's main language. */
    assert_xpath(&xml, "//c:head/c:registrant", "Regional Civil Service Cooperation Hub");
    assert_xpath(&xml, "//c:journal_issue/c:titles/c:title", "Digital Government");
    assert_xpath(&xml, "//c:journal_metadata/c:full_title",
                 "Journal of Civil Service Reform & Practice");
    assert_xpath(&xml, "//c:journal_metadata/c:issn[@media_type='electronic']", "3051-7729");
    assert_xpath(&xml, "//c:journal_issue/c:journal_volume/c:volume", "1");
    assert_xpath(&xml, "//c:journal_issue/c:issue", "2");
    assert_xpath(&xml,
                 "concat(//c:journal_issue/c:publication_date/c:year, '-', "
                 "//c:journal_issue/c:publication_date/c:month, '-', "
                 "//c:journal_issue/c:publication_date/c:day)",
                 "2025-12-15");
    assert_xpath(&xml, "count(//c:journal_article)", "2");
    assert_xpath(&xml, "//c:journal_article[1]/c:titles/c:subtitle",
                 "What centralised testing changed");
    assert_xpath(&xml, "//c:journal_article[1]/c:doi_data/c:doi", "10.99999/jcsrp.2025.1.2.1");
    assert_xpath(&xml, "//c:journal_article[1]/c:doi_data/c:resource",
                 "https://journal.example.org/articles/6/index.html");
    assert_xpath(&xml, "//c:journal_article[1]/c:pages/c:first_page", "1");
    assert_xpath(&xml, "//c:journal_article[1]/c:pages/c:last_page", "14");
    assert_xpath(&xml, "//c:journal_article[1]/c:acceptance_date/c:month", "05");
    assert_xpath(&xml, "//c:journal_article[2]/@language", "ru");
    assert_xpath(&xml, "//c:journal_article[2]/c:titles/c:title", "Государственная служба");
    assert_xpath(&xml, "count(//c:journal_article[1]/jats:abstract/jats:p)", "2");
    assert_xpath(&xml, "//c:journal_article[1]/jats:abstract/jats:p[1]",
                 "First paragraph with a line break.");
    assert_xpath(&xml, "count(//c:journal_article[2]/jats:abstract)", "0");
    strbuf_release(&xml);
    teardown(&f);
}

static void add_translation(struct manuscript *m, const char *lang, const char *title,
                            const char *subtitle, const char *abstract)
{
    m->translations = xrealloc(m->translations, (m->ntranslations + 1) * sizeof(*m->translations));
    struct translation *t = &m->translations[m->ntranslations++];
    memset(t, 0, sizeof(*t));
    snprintf(t->lang, sizeof(t->lang), "%s", lang);
    t->title = xstrdup(title);
    t->subtitle = subtitle ? xstrdup(subtitle) : NULL;
    t->abstract = abstract ? xstrdup(abstract) : NULL;
}

/* A Russian article with its English title and abstract: a second titles element (Crossref's
   way for metadata in several languages) and an abstract per language with xml:lang. */
static void test_translations(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    f.ms[1].abstract = xstrdup("Мы изучаем службу.");
    add_translation(&f.ms[1], "en", "The civil service", "A case study", "We study the service.");
    write_deposit(&f, &xml);
    assert_valid(&xml);
    assert_xpath(&xml, "count(//c:journal_article[2]/c:titles)", "2");
    assert_xpath(&xml, "//c:journal_article[2]/c:titles[1]/c:title", "Государственная служба");
    assert_xpath(&xml, "//c:journal_article[2]/c:titles[2]/c:title", "The civil service");
    assert_xpath(&xml, "//c:journal_article[2]/c:titles[2]/c:subtitle", "A case study");
    assert_xpath(&xml, "count(//c:journal_article[2]/jats:abstract)", "2");
    assert_xpath(&xml, "//c:journal_article[2]/jats:abstract[@xml:lang='ru']/jats:p",
                 "Мы изучаем службу.");
    assert_xpath(&xml, "//c:journal_article[2]/jats:abstract[@xml:lang='en']/jats:p",
                 "We study the service.");
    /* An article without translations is written as before: one titles, no xml:lang. */
    assert_xpath(&xml, "count(//c:journal_article[1]/c:titles)", "1");
    assert_xpath(&xml, "count(//c:journal_article[1]/jats:abstract/@xml:lang)", "0");
    strbuf_release(&xml);
    teardown(&f);
}

static void test_contributors(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    write_deposit(&f, &xml);
    const char *first = "//c:journal_article[1]/c:contributors/c:person_name[1]";
    const char *second = "//c:journal_article[1]/c:contributors/c:person_name[2]";
    char expr[256];
#define AT(base, rest) (snprintf(expr, sizeof(expr), "%s%s", base, rest), expr)
    assert_xpath(&xml, AT(first, "/@sequence"), "first");
    assert_xpath(&xml, AT(first, "/@contributor_role"), "author");
    assert_xpath(&xml, AT(first, "/c:given_name"), "Dana");
    assert_xpath(&xml, AT(first, "/c:surname"), "Seitkali");
    assert_xpath(&xml, AT(first, "/c:ORCID"), "https://orcid.org/0000-0003-5882-8559");
    assert_xpath(&xml, AT(first, "/c:affiliations/c:institution/c:institution_name"),
                 "Academy of Public Administration");
    assert_xpath(&xml, AT(first, "/c:affiliations/c:institution/c:institution_id[@type='ror']"),
                 "https://ror.org/03vek6s52");
    /* The order Crossref's schema requires: names, affiliations, then the ORCID iD. */
    assert_xpath(&xml, AT(first, "/*[last()]/self::c:ORCID"),
                 "https://orcid.org/0000-0003-5882-8559");
    assert_xpath(&xml, AT(second, "/@sequence"), "additional");
    assert_xpath(&xml, AT(second, "/c:surname"), "Kuanyshev");
    /* A place name, not the country's code. */
    assert_xpath(&xml, AT(second, "/c:affiliations/c:institution/c:institution_place"),
                 "Kazakhstan");
    assert_xpath(&xml, AT(second, "/c:affiliations/c:institution/c:institution_id"), "");
    assert_xpath(&xml, AT(second, "/c:ORCID"), "");
    assert_xpath(&xml, "//c:journal_article[2]/c:contributors/c:person_name/c:surname", "Иван");
    assert_xpath(&xml, "//c:journal_article[2]/c:contributors/c:person_name/c:given_name",
                 "Сидоров");
    /* An organisation is Crossref's organization, not a person's name split in two. */
    assert_xpath(&xml, "count(//c:journal_article[2]/c:contributors/c:person_name)", "1");
    assert_xpath(&xml, "//c:journal_article[2]/c:contributors/c:organization", "World Bank Group");
    assert_xpath(&xml, "//c:journal_article[2]/c:contributors/c:organization/@sequence",
                 "additional");
    assert_xpath(&xml, "//c:journal_article[2]/c:contributors/c:organization/@contributor_role",
                 "author");
#undef AT
    strbuf_release(&xml);
    teardown(&f);
}

/* A name in Cyrillic with its Latin form, and a family-first name (as manuscript_parse leaves
   them): Crossref gets the Latin form's parts, the name as written in alt-name, valid. */
static void test_names_in_two_scripts(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    struct author *a = &f.ms[1].authors[0];
    a->given = xstrdup("Иван");
    a->family = xstrdup("Сидоров");
    a->latin.text = xstrdup("Ivan Sidorov");
    a->latin.given = xstrdup("Ivan");
    a->latin.family = xstrdup("Sidorov");
    add_author(&f.ms[1], "Kim Min-jun", NULL, "Seoul National University", "KR", NULL);
    struct author *kim = &f.ms[1].authors[2];
    kim->family_first = true;
    kim->family = xstrdup("Kim");
    kim->given = xstrdup("Min-jun");
    add_author(&f.ms[1], "김민준", NULL, "Seoul National University", "KR", NULL);
    struct author *hangul = &f.ms[1].authors[3];
    hangul->family_first = true;
    hangul->family = xstrdup("김");
    hangul->given = xstrdup("민준");
    hangul->latin.text = xstrdup("Kim Min-jun");
    hangul->latin.family = xstrdup("Kim");
    hangul->latin.given = xstrdup("Min-jun");
    write_deposit(&f, &xml);
    assert_valid(&xml);
    const char *sidorov = "//c:journal_article[2]/c:contributors/c:person_name[1]";
    const char *korean = "//c:journal_article[2]/c:contributors/c:person_name[2]";
    const char *hangul_path = "//c:journal_article[2]/c:contributors/c:person_name[3]";
    char expr[256];
#define AT(base, rest) (snprintf(expr, sizeof(expr), "%s%s", base, rest), expr)
    assert_xpath(&xml, AT(sidorov, "/c:given_name"), "Ivan");
    assert_xpath(&xml, AT(sidorov, "/c:surname"), "Sidorov");
    assert_xpath(&xml, AT(sidorov, "/c:alt-name/c:name/c:surname"), "Сидоров");
    assert_xpath(&xml, AT(sidorov, "/c:alt-name/c:name/c:given_name"), "Иван");
    assert_xpath(&xml, AT(sidorov, "/c:alt-name/c:name/@name-style"), "");
    assert_xpath(&xml, AT(korean, "/c:surname"), "Kim");
    assert_xpath(&xml, AT(korean, "/c:given_name"), "Min-jun");
    assert_xpath(&xml, AT(korean, "/c:alt-name"), "");
    assert_xpath(&xml, AT(hangul_path, "/c:surname"), "Kim");
    assert_xpath(&xml, AT(hangul_path, "/c:alt-name/c:name/c:surname"), "김");
    assert_xpath(&xml, AT(hangul_path, "/c:alt-name/c:name/@name-style"), "eastern");
#undef AT
    strbuf_release(&xml);
    teardown(&f);
}

static void test_access_indicators_and_citations(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    write_deposit(&f, &xml);
    const char *ai = "//c:journal_article[1]/ai:program";
    char expr[256];
#define AT(base, rest) (snprintf(expr, sizeof(expr), "%s%s", base, rest), expr)
    assert_xpath(&xml, AT(ai, "/@name"), "AccessIndicators");
    assert_xpath(&xml, AT(ai, "/ai:free_to_read/@*"), "");
    assert_xpath(&xml, "count(//c:journal_article[1]/ai:program/ai:free_to_read)", "1");
    assert_xpath(&xml, AT(ai, "/ai:license_ref"), "https://creativecommons.org/licenses/by/4.0/");
    assert_xpath(&xml, AT(ai, "/ai:license_ref/@applies_to"), "vor");
    assert_xpath(&xml, AT(ai, "/ai:license_ref/@start_date"), "2025-12-15");

    const char *list = "//c:journal_article[1]/c:citation_list";
    assert_xpath(&xml, "count(//c:journal_article[1]/c:citation_list/c:citation)", "2");
    assert_xpath(&xml, AT(list, "/c:citation[1]/@key"), "ref1");
    assert_xpath(&xml, AT(list, "/c:citation[1]/c:doi"), "10.1515/jdis-2017-0012");
    assert_xpath(&xml, AT(list, "/c:citation[1]/c:journal_title"),
                 "Journal of Data and Information Science");
    assert_xpath(&xml, AT(list, "/c:citation[1]/c:author"), "Greenberg");
    assert_xpath(&xml, AT(list, "/c:citation[1]/c:first_page"), "19");
    assert_xpath(&xml, AT(list, "/c:citation[1]/c:cYear"), "2017");
    /* The unstructured citation is the reference as the article's page lists it (APA 7). */
    assert_xpath(&xml, AT(list, "/c:citation[1]/c:unstructured_citation"),
                 "Greenberg, J. (2017). Big metadata, smart metadata. Journal of Data and "
                 "Information Science, 2(3), 19\xe2\x80\x93"
                 "36. "
                 "https://doi.org/10.1515/jdis-2017-0012");
    assert_xpath(&xml, AT(list, "/c:citation[2]/@key"), "ref2");
    assert_xpath(&xml, AT(list, "/c:citation[2]/c:doi"), "");
    assert_xpath(&xml, AT(list, "/c:citation[2]/c:unstructured_citation"),
                 "Riley, J., & Rauch, J. E. (2017). Understanding metadata. NISO Press.");
    for (size_t i = 0; i < 2; i++) {
        struct strbuf apa = STRBUF_INIT;
        assert_int_equal(reference_apa_text(&f.ms[0].references.items[i], &apa), 0);
        snprintf(expr, sizeof(expr), "%s/c:citation[%zu]/c:unstructured_citation", list, i + 1);
        assert_xpath(&xml, expr, apa.buf);
        strbuf_release(&apa);
    }
    assert_xpath(&xml, "count(//c:journal_article[2]/c:citation_list)", "0");
#undef AT
    strbuf_release(&xml);
    teardown(&f);
}

/* The manuscript's funding as Crossref's funding data (fundref.xsd), valid in the deposit. */
static void test_funding(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    struct funding_award *a = add_award(&f.ms[0], "AP19680123");
    add_funder(a, "Science Committee & Co", "10.13039/501100004561", NULL);
    a = add_award(&f.ms[0], "101094567");
    add_funder(a, "European Commission", "10.13039/501100000780", "https://ror.org/00k4n6c32");
    add_funder(a, "Open Society Foundations", NULL, "https://ror.org/02tv1yf50");
    add_funder(add_award(&f.ms[0], NULL), "A private donor", NULL, NULL);
    write_deposit(&f, &xml);
    assert_valid(&xml);
    const char *fr = "//c:journal_article[1]/fr:program";
    char expr[256];
#define AT(rest) (snprintf(expr, sizeof(expr), "%s%s", fr, rest), expr)
    assert_xpath(&xml, AT("/@name"), "fundref");
    /* Before the access indicators, as the schema orders them. */
    assert_xpath(&xml, AT("/following-sibling::*[1]/self::ai:program/@name"), "AccessIndicators");
    assert_xpath(&xml, "count(//c:journal_article[1]/fr:program/fr:assertion[@name='fundgroup'])",
                 "3");
    assert_xpath(&xml,
                 AT("/fr:assertion[1]/fr:assertion[@name='funder_name']/text()[normalize-space()]"),
                 "Science Committee & Co");
    assert_xpath(&xml,
                 AT("/fr:assertion[1]/fr:assertion[@name='funder_name']/"
                    "fr:assertion[@name='funder_identifier']"),
                 "https://doi.org/10.13039/501100004561");
    assert_xpath(&xml, AT("/fr:assertion[1]/fr:assertion[@name='award_number']"), "AP19680123");
    /* The Funder Registry id before the ROR id; the ROR id when there is no other. */
    assert_xpath(&xml,
                 AT("/fr:assertion[2]/fr:assertion[@name='funder_name'][1]/"
                    "fr:assertion[@name='funder_identifier']"),
                 "https://doi.org/10.13039/501100000780");
    assert_xpath(&xml,
                 AT("/fr:assertion[2]/fr:assertion[@name='funder_name'][2]/"
                    "fr:assertion[@name='funder_identifier']"),
                 "https://ror.org/02tv1yf50");
    assert_xpath(&xml, AT("/fr:assertion[3]/fr:assertion[@name='funder_name']"), "A private donor");
    assert_xpath(&xml,
                 "count(//c:journal_article[1]/fr:program/fr:assertion[3]/"
                 "fr:assertion[@name='award_number'])",
                 "0");
    assert_xpath(&xml, "count(//c:journal_article[2]/fr:program)", "0");
#undef AT
    strbuf_release(&xml);
    teardown(&f);
}

static void test_hostile_text_is_escaped(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    free(f.ms[0].title);
    f.ms[0].title = xstrdup("Tom & Jerry <script>alert(\"x\")</script> ]]> \x01' end");
    free(f.ms[0].abstract);
    f.ms[0].abstract = xstrdup("<jats:p>injected</jats:p> & more");
    free(f.ms[0].references.items[0].title);
    f.ms[0].references.items[0].title = xstrdup("</unstructured_citation><doi>10.1/x</doi>");
    write_deposit(&f, &xml);
    assert_valid(&xml);
    assert_null(strstr(xml.buf, "<script>"));
    assert_null(strstr(xml.buf, "\x01"));
    assert_non_null(strstr(xml.buf, "Tom &amp; Jerry &lt;script&gt;"));
    assert_xpath(&xml, "//c:journal_article[1]/c:titles/c:title",
                 "Tom & Jerry <script>alert(\"x\")</script> ]]> ' end");
    assert_xpath(&xml, "//c:journal_article[1]/jats:abstract/jats:p",
                 "<jats:p>injected</jats:p> & more");
    assert_xpath(&xml, "count(//c:journal_article[1]//c:citation[1]/c:doi)", "1");
    strbuf_release(&xml);
    teardown(&f);
}

static void test_validator_rejects_broken_deposit(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    write_deposit(&f, &xml);
    /* Without doi_data an article cannot be registered: the schema says so. */
    char *start = strstr(xml.buf, "<doi_data>");
    char *end = strstr(xml.buf, "</doi_data>");
    assert_non_null(start);
    assert_non_null(end);
    end += strlen("</doi_data>");
    memmove(start, end, strlen(end) + 1);
    xml.len = strlen(xml.buf);
    assert_int_equal(crossref_validate(xml.buf, xml.len, crossref_dir), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "schema"));
    assert_int_equal(crossref_validate("<oops", 5, crossref_dir), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "well-formed"));
    assert_int_equal(crossref_validate(xml.buf, xml.len, "/nonexistent"), JOURNAL_EINPUT);
    strbuf_release(&xml);
    teardown(&f);
}

/* With no folder named, the schemas compiled into journal: a valid deposit passes, and one
   that is not is refused with the line of the deposit where the schema found each problem. */
static void test_built_in_schema(void **state)
{
    (void)state;
    struct fixture f;
    struct strbuf xml = STRBUF_INIT;
    setup(&f);
    write_deposit(&f, &xml);
    if (crossref_validate(xml.buf, xml.len, NULL))
        fail_msg("%s", error_message());
    /* A surname is at most 60 characters in 5.3.1: the schema counts, crossref_check does not. */
    char *surname = strstr(xml.buf, "<surname>");
    assert_non_null(surname);
    size_t line = 1;
    for (const char *p = xml.buf; p < surname; p++)
        line += *p == '\n';
    surname += strlen("<surname>");
    struct strbuf longer = STRBUF_INIT;
    strbuf_add(&longer, xml.buf, (size_t)(surname - xml.buf));
    for (int i = 0; i < 61; i++)
        strbuf_addch(&longer, 'x');
    strbuf_addstr(&longer, strchr(surname, '<'));
    assert_int_equal(crossref_validate(longer.buf, longer.len, NULL), JOURNAL_EINPUT);
    char expected[64];
    snprintf(expected, sizeof expected, "deposit.xml:%zu: ", line);
    if (!strstr(error_message(), expected) || !strstr(error_message(), "surname"))
        fail_msg("expected %s and surname in: %s", expected, error_message());
    /* The copy in the source tree, read from disk, says the same. */
    assert_int_equal(crossref_validate(longer.buf, longer.len, crossref_dir), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), expected));
    assert_int_equal(crossref_validate("<oops", 5, NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "well-formed"));
    error_clear();
    strbuf_release(&longer);
    strbuf_release(&xml);
    teardown(&f);
}

static void test_checks_report_every_problem(void **state)
{
    (void)state;
    struct fixture f;
    setup(&f);
    free(f.cfg.doi_prefix);
    f.cfg.doi_prefix = NULL;
    free(f.cfg.issn);
    f.cfg.issn = NULL;
    free(f.cfg.crossref_depositor_email);
    f.cfg.crossref_depositor_email = NULL;
    free(f.records[1].published);
    f.records[1].published = NULL;
    free(f.records[0].doi);
    f.records[0].doi = xstrdup("10.88888/elsewhere.1");
    error_clear();
    assert_int_equal(crossref_check(&f.cfg, &f.issue, f.articles, 2), JOURNAL_EINPUT);
    const char *msg = error_message();
    assert_non_null(strstr(msg, "doi_prefix"));
    assert_non_null(strstr(msg, "issn"));
    assert_non_null(strstr(msg, "crossref_depositor_email"));
    assert_non_null(strstr(msg, "submissions/7/submission.yaml: submission 7 has no publication "
                                "date"));
    error_clear();

    /* With the prefix back, a DOI outside it is refused; so is writing what failed the check. */
    f.cfg.doi_prefix = xstrdup("10.99999");
    f.cfg.issn = xstrdup("3051-7729");
    f.cfg.crossref_depositor_email = xstrdup("office@journal.example.org");
    assert_int_equal(crossref_check(&f.cfg, &f.issue, f.articles, 2), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "not under the journal's prefix 10.99999"));
    error_clear();
    struct strbuf xml = STRBUF_INIT;
    strbuf_addstr(&xml, "kept");
    assert_int_equal(crossref_write(&f.cfg, &f.issue, f.articles, 2, "jcsrp-1", "1", &xml),
                     JOURNAL_EINPUT);
    assert_string_equal(xml.buf, "kept");
    strbuf_release(&xml);

    free(f.records[1].state);
    f.records[1].state = xstrdup("scheduled");
    f.records[1].published = xstrdup("2025-12-15");
    free(f.records[0].doi);
    f.records[0].doi = xstrdup("10.99999/jcsrp.2025.1.2.1");
    error_clear();
    assert_int_equal(crossref_check(&f.cfg, &f.issue, f.articles, 2), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "submission 7 is scheduled, not published"));
    teardown(&f);
}

static void test_license_urls(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"},
        {"CC-BY-NC-SA-4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"},
        {"cc by-nd 3.0", "https://creativecommons.org/licenses/by-nd/3.0/"},
        {"CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"},
        {"https://example.org/licence", "https://example.org/licence"},
        {"All rights reserved", NULL},
        {"CC BY 9.9", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *url = citation_license_url(cases[i][0]);
        if (cases[i][1])
            assert_string_equal(url, cases[i][1]);
        else
            assert_null(url);
        free(url);
    }
}

int main(int argc, char **argv)
{
    crossref_dir = argc > 1 ? argv[1] : getenv("CROSSREF_SCHEMA_DIR");
    if (!crossref_dir) {
        fprintf(stderr, "usage: %s CROSSREF_SCHEMA_DIR (the repository's schemas/crossref)\n",
                argv[0]);
        return 2;
    }
    if (country_db_open(&countries, NULL, NULL)) {
        fprintf(stderr, "%s\n", error_message());
        return 2;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deposit_validates),
        cmocka_unit_test(test_translations),
        cmocka_unit_test(test_contributors),
        cmocka_unit_test(test_names_in_two_scripts),
        cmocka_unit_test(test_access_indicators_and_citations),
        cmocka_unit_test(test_funding),
        cmocka_unit_test(test_hostile_text_is_escaped),
        cmocka_unit_test(test_validator_rejects_broken_deposit),
        cmocka_unit_test(test_built_in_schema),
        cmocka_unit_test(test_checks_report_every_problem),
        cmocka_unit_test(test_license_urls),
    };
    int failed = cmocka_run_group_tests_name("crossref", tests, NULL, NULL);
    country_db_free(countries);
    return failed;
}
