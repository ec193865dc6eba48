/* Manuscript parsing and validation: what is accepted, and where each problem is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/config.h"
#include "model/country.h"
#include "model/language.h"
#include "model/manuscript.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static struct country_db *countries;
static struct language_db *languages;

static int setup(void **state)
{
    (void)state;
    if (country_db_open(&countries, NULL, NULL) || language_db_open(&languages, NULL, NULL))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    country_db_free(countries);
    language_db_free(languages);
    error_clear();
    return 0;
}

static int parse(struct manuscript *m, const char *text)
{
    struct manuscript_rules rules = {countries, languages, "en", NULL, NULL};
    return manuscript_parse(m, "ms.md", text, strlen(text), &rules);
}

/* Parsing must fail, and the message must contain each expected fragment. */
static void expect_error(const char *text, const char *fragment)
{
    struct manuscript m;
    int rc = parse(&m, text);
    if (rc != JOURNAL_EINPUT || !strstr(error_message(), fragment))
        fail_msg("expected an error containing \"%s\"\ngot rc=%d: %s", fragment, rc,
                 rc ? error_message() : "(accepted)");
}

static const char valid[] = "---\n"
                            "title: \"Merit-based recruitment: evidence from Kazakhstan\"\n"
                            "lang: en\n"
                            "type: case-study\n"
                            "abstract: |\n"
                            "  We study recruitment.\n"
                            "keywords: [merit, recruitment]\n"
                            "authors:\n"
                            "  - name: Aigerim Nurlanova\n"
                            "    email: a.nurlanova@example.org\n"
                            "    orcid: https://orcid.org/0000-0002-1825-0097\n"
                            "    corresponding: true\n"
                            "    affiliations:\n"
                            "      - name: Academy of Public Administration\n"
                            "        country: Казахстан\n"
                            "      - name: Second Institute\n"
                            "        country: georgia\n"
                            "  - name: Jane Doe\n"
                            "    affiliations:\n"
                            "      - name: UNDP\n"
                            "        international: true\n"
                            "---\n"
                            "\n"
                            "## Introduction\n"
                            "Body text.\n";

static void test_valid_manuscript(void **state)
{
    (void)state;
    struct manuscript m;
    assert_int_equal(parse(&m, valid), 0);
    assert_string_equal(m.title, "Merit-based recruitment: evidence from Kazakhstan");
    assert_string_equal(m.lang, "en");
    assert_string_equal(m.type, "case-study");
    assert_string_equal(m.abstract, "We study recruitment.\n");
    assert_int_equal(m.nkeywords, 2);
    assert_string_equal(m.keywords[1], "recruitment");
    assert_int_equal(m.nauthors, 2);
    assert_string_equal(m.authors[0].orcid, "0000-0002-1825-0097");
    assert_true(m.authors[0].corresponding);
    assert_int_equal(m.authors[0].naffiliations, 2);
    assert_string_equal(m.authors[0].affiliations[0].country, "KZ");
    assert_string_equal(m.authors[0].affiliations[1].country, "GE");
    assert_true(m.authors[1].affiliations[0].international);
    assert_string_equal(m.authors[1].affiliations[0].country, "");
    assert_false(m.authors[1].corresponding);
    assert_int_equal(m.body_line, 23);
    assert_string_equal(m.body, "\n## Introduction\nBody text.\n");
    manuscript_free(&m);
}

static void test_quarto_author_synonym(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = "---\n"
                       "title: T\n"
                       "abstract: A\n"
                       "keywords: \"merit, recruitment , ethics\"\n"
                       "author:\n"
                       "  - name:\n"
                       "      given: Giorgi\n"
                       "      family: Beridze\n"
                       "    attributes:\n"
                       "      corresponding: true\n"
                       "    affiliations:\n"
                       "      - name: Tbilisi State University\n"
                       "        country: GEO\n"
                       "---\n";
    assert_int_equal(parse(&m, text), 0);
    assert_string_equal(m.authors[0].name, "Giorgi Beridze");
    assert_string_equal(m.authors[0].family, "Beridze");
    assert_true(m.authors[0].corresponding);
    assert_string_equal(m.authors[0].affiliations[0].country, "GE");
    assert_int_equal(m.nkeywords, 3);
    assert_string_equal(m.keywords[1], "recruitment");
    assert_string_equal(m.type, "research-article");
    assert_string_equal(m.lang, "en");
    manuscript_free(&m);
}

static void test_crlf_and_bom(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text =
        "\xEF\xBB\xBF---\r\ntitle: T\r\ntype: editorial\r\nauthors:\r\n"
        "  - name: A\r\n    affiliations: [{name: X, country: AM}]\r\n---\r\nBody\r\n";
    assert_int_equal(parse(&m, text), 0);
    assert_string_equal(m.title, "T");
    assert_string_equal(m.authors[0].affiliations[0].country, "AM");
    assert_string_equal(m.body, "Body\r\n");
    manuscript_free(&m);
}

static void test_empty_file(void **state)
{
    (void)state;
    expect_error("", "ms.md: the file is empty");
    expect_error("\n  \n", "ms.md: the file is empty");
}

static void test_missing_front_matter(void **state)
{
    (void)state;
    expect_error("# Title\n\nText\n", "ms.md:1:1: expected YAML front matter");
}

static void test_unclosed_front_matter(void **state)
{
    (void)state;
    expect_error("---\ntitle: T\n\nBody\n",
                 "ms.md:1:1: the front matter opened on line 1 is never closed");
}

static void test_invalid_yaml_position(void **state)
{
    (void)state;
    /* The unclosed quote starts on line 3 of the file (line 2 of the YAML). */
    expect_error("---\ntitle: T\nabstract: \"never closed\n---\nBody\n", "ms.md:");
    struct manuscript m;
    assert_int_equal(parse(&m, "---\ntitle: T\n  bad: indentation\n---\n"), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "ms.md:3:"));
    assert_non_null(strstr(error_message(), "invalid YAML"));
}

static void test_missing_title_and_authors(void **state)
{
    (void)state;
    const char *text = "---\nabstract: A\n---\n";
    expect_error(text, "ms.md:1:1: front matter: missing required field 'title'");
    expect_error(text, "missing required field 'authors'");
    expect_error("---\ntitle: T\nabstract: A\nauthors: []\n---\n",
                 "ms.md:4:10: the list of authors is empty");
}

static void test_author_without_affiliation(void **state)
{
    (void)state;
    expect_error(
        "---\ntitle: T\nabstract: A\nauthors:\n  - name: Jane Doe\n    email: j@example.org\n---\n",
        "ms.md:5:5: author 'Jane Doe' has no affiliation");
    expect_error("---\ntitle: T\nabstract: A\nauthors: [Jane Doe]\n---\n",
                 "ms.md:4:11: author 'Jane Doe' has no affiliation");
}

static void test_affiliation_needs_country(void **state)
{
    (void)state;
    expect_error("---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n    affiliations:\n"
                 "      - name: Some Ministry\n---\n",
                 "ms.md:7:9: affiliation 'Some Ministry' needs a country");
    expect_error("---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n    affiliations:\n"
                 "      - name: UNDP\n        international: true\n        country: KZ\n---\n",
                 "ms.md:9:18: an international organisation has no country");
}

static void test_orcid_errors(void **state)
{
    (void)state;
    const char *bad_checksum = "---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n"
                               "    orcid: 0000-0002-1825-0098\n"
                               "    affiliations: [{name: X, country: KZ}]\n---\n";
    expect_error(bad_checksum,
                 "ms.md:6:12: ORCID iD '0000-0002-1825-0098' has a wrong check digit");
    const char *malformed = "---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n"
                            "    orcid: 1234\n"
                            "    affiliations: [{name: X, country: KZ}]\n---\n";
    expect_error(malformed, "ms.md:6:12: '1234' is not an ORCID iD");
}

static void test_unknown_country_suggests(void **state)
{
    (void)state;
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n"
                       "    affiliations: [{name: X, country: Kazakstan}]\n---\n";
    expect_error(text, "ms.md:6:39: unknown country 'Kazakstan'");
    expect_error(text, "did you mean Kazakhstan (KZ)");
}

static void test_several_problems_reported_together(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n"
                       "    orcid: 0000-0002-1825-0098\n"
                       "    affiliations: [{name: X, country: Narnia}]\n---\n";
    assert_int_equal(parse(&m, text), JOURNAL_EINPUT);
    assert_int_equal(error_count(), 2);
    assert_non_null(strstr(error_message(), "ms.md:6:12:"));
    assert_non_null(strstr(error_message(), "\nms.md:7:"));
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_error("---\ntitle: T\nabstract: A\n---\nabc \xff\n",
                 "ms.md:5:5: invalid UTF-8 (byte 0xff)");
    /* An overlong encoding of '/' is as invalid as a stray byte. */
    expect_error("---\ntitle: \xc0\xaf\n---\n", "ms.md:2:8: invalid UTF-8");
}

static void test_type_lang_and_unknown_fields(void **state)
{
    (void)state;
    const char *base = "---\ntitle: T\nabstract: A\n%s\nauthors:\n  - name: J\n"
                       "    affiliations: [{name: X, country: KZ}]\n---\n";
    char text[512];
    snprintf(text, sizeof(text), base, "type: novel");
    expect_error(text, "ms.md:4:7: unknown article type 'novel'");
    snprintf(text, sizeof(text), base, "lang: klingon");
    expect_error(text, "ms.md:4:7: unknown language 'klingon'");
    snprintf(text, sizeof(text), base, "autors: []");
    expect_error(text,
                 "ms.md:4:1: unknown field 'autors' in the front matter; did you mean authors?");
    snprintf(text, sizeof(text), base, "abstarct: B");
    expect_error(text, "ms.md:4:1: unknown field 'abstarct' in the front matter; did you mean "
                       "abstract?");
    /* A language by its name, or misspelt: the code meant. */
    snprintf(text, sizeof(text), base, "lang: Russian");
    expect_error(text, "ms.md:4:7: unknown language 'Russian' (expected an ISO 639-1 code such as "
                       "en, ru); did you mean ru (Russian)?");
    snprintf(text, sizeof(text), base, "lang: englsh");
    expect_error(text, "did you mean en (English)?");
    snprintf(text, sizeof(text), base, "lang: русский");
    expect_error(text, "did you mean ru (Russian)?");
    snprintf(text, sizeof(text), base, "title: again");
    expect_error(text, "ms.md:4:1: field 'title' appears twice");
}

static void test_abstract_rules(void **state)
{
    (void)state;
    struct manuscript m;
    const char *editorial = "---\ntitle: T\ntype: editorial\nauthors:\n  - name: J\n"
                            "    affiliations: [{name: X, country: KZ}]\n---\n";
    assert_int_equal(parse(&m, editorial), 0);
    manuscript_free(&m);
    const char *article = "---\ntitle: T\nauthors:\n  - name: J\n"
                          "    affiliations: [{name: X, country: KZ}]\n---\n";
    expect_error(article, "missing required field 'abstract'");
}

static void test_email_checked(void **state)
{
    (void)state;
    expect_error("---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n    email: not-an-address\n"
                 "    affiliations: [{name: X, country: KZ}]\n---\n",
                 "ms.md:6:12: 'not-an-address' is not an email address");
}

/* funding: Quarto's forms are read into awards and statements; bad ids are reported at their line.
 */
static void test_funding(void **state)
{
    (void)state;
    struct manuscript m;
    const char *head = "---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n"
                       "    affiliations: [{name: X, country: KZ}]\n";
    struct strbuf text = STRBUF_INIT;
    strbuf_addf(&text, "%sfunding: \"Funded by the EU.\"\n---\n", head);
    assert_int_equal(parse(&m, text.buf), 0);
    assert_int_equal(m.funding.nstatements, 1);
    assert_string_equal(m.funding.statements[0], "Funded by the EU.");
    assert_int_equal(m.funding.nawards, 0);
    manuscript_free(&m);

    /* Quarto's older form: a list of entries with source (and id) directly. */
    strbuf_reset(&text);
    strbuf_addf(&text,
                "%sfunding:\n  - source: \"NIH\"\n    id: R01-MH99999\n"
                "  - source: {text: European Commission, funder-id: \"501100000780\", ror: "
                "\"00k4n6c32\"}\n---\n",
                head);
    assert_int_equal(parse(&m, text.buf), 0);
    assert_int_equal(m.funding.nawards, 2);
    assert_string_equal(m.funding.awards[0].sources[0].name, "NIH");
    assert_string_equal(m.funding.awards[0].id, "R01-MH99999");
    assert_null(m.funding.awards[0].sources[0].ror);
    assert_string_equal(m.funding.awards[1].sources[0].funder_id, "10.13039/501100000780");
    assert_string_equal(m.funding.awards[1].sources[0].ror, "https://ror.org/00k4n6c32");
    assert_null(m.funding.awards[1].id);
    manuscript_free(&m);

    /* Every problem at once, each at its line. */
    strbuf_reset(&text);
    strbuf_addf(&text,
                "%sfunding:\n  awards:\n    - id: 1\n      source:\n        text: A\n"
                "        funder-id: 10.1000/182\n        ror: https://ror.org/00k4n6c33\n"
                "    - id: 2\n      amount: 5\n---\n",
                head);
    assert_int_equal(parse(&m, text.buf), JOURNAL_EINPUT);
    const char *msg = error_message();
    if (!strstr(msg, "ms.md:12:20: '10.1000/182' is not a Crossref Funder Registry id") ||
        !strstr(msg, "ms.md:13:14: ROR id 'https://ror.org/00k4n6c33' has a wrong check digit") ||
        !strstr(msg, "ms.md:14:7: award without a source") || !strstr(msg, "amount"))
        fail_msg("%s", msg);
    error_clear();
    strbuf_release(&text);
}

/* An organisation as author: flagged, and it needs no affiliation of its own. */
static void test_organization_author(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n  - name: J\n"
                       "    affiliations: [{name: X, country: KZ}]\n"
                       "  - name: World Bank Group\n    organization: true\n---\n";
    assert_int_equal(parse(&m, text), 0);
    assert_false(m.authors[0].organization);
    assert_true(m.authors[1].organization);
    assert_int_equal(m.authors[1].naffiliations, 0);
    manuscript_free(&m);
    expect_error("---\ntitle: T\nabstract: A\nauthors:\n  - name: World Bank\n"
                 "    organization: maybe\n---\n",
                 "ms.md:6:19: 'organization' must be true or false");
    expect_error("---\ntitle: T\nabstract: A\nauthors:\n  - name: World Bank\n---\n",
                 "has no affiliation");
}

/* A family-first name is shown family name first; in Hangul or Han characters, unspaced. */
static void test_family_first_display(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n"
                       "  - name: {given: 지호, family: 박}\n    family_first: true\n"
                       "    name_latin: {given: Ji-ho, family: Park}\n"
                       "    affiliations: [{name: X, country: KR}]\n"
                       "  - name: {given: 伟, family: 张}\n    family_first: true\n"
                       "    affiliations: [{name: X, country: CN}]\n"
                       "  - name: {given: Zoltán, family: Kovács}\n    family_first: true\n"
                       "    affiliations: [{name: X, country: HU}]\n"
                       "  - name: {given: 伟, family: Zhang}\n    family_first: true\n"
                       "    affiliations: [{name: X, country: CN}]\n---\n";
    assert_int_equal(parse(&m, text), 0);
    assert_string_equal(m.authors[0].name, "박지호");
    assert_string_equal(m.authors[0].latin.text, "Park Ji-ho");
    assert_string_equal(m.authors[1].name, "张伟");
    assert_string_equal(m.authors[2].name, "Kovács Zoltán");
    assert_string_equal(m.authors[3].name, "Zhang 伟"); /* mixed scripts keep their space */
    manuscript_free(&m);
}

/* A journal in English and Russian that requires English translations. */
/* A Word file's submission: the front matter from meta.yaml, the text from the conversion. */
static int parse_parts(struct manuscript *m, const char *meta, const char *body,
                       struct strbuf *text)
{
    struct manuscript_rules rules = {countries, languages, "en", NULL, NULL};
    return manuscript_parse_parts(m, "meta.yaml", meta, strlen(meta), "paper.docx", body,
                                  strlen(body), &rules, text);
}

static void test_parts(void **state)
{
    (void)state;
    /* valid's front matter without its fences, then with them: the same manuscript. */
    const char *end = strstr(valid + 4, "\n---\n");
    char *fields = xstrndup(valid + 4, (size_t)(end - valid - 4) + 1);
    char *fenced = xstrndup(valid, (size_t)(end - valid) + 5);
    const char *body = "# Введение\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    const char *const metas[] = {fields, fenced};
    for (size_t i = 0; i < 2; i++) {
        struct manuscript m, again;
        struct strbuf text = STRBUF_INIT;
        assert_int_equal(parse_parts(&m, metas[i], body, &text), 0);
        assert_string_equal(m.title, "Merit-based recruitment: evidence from Kazakhstan");
        assert_int_equal(m.nauthors, 2);
        assert_string_equal(m.body + 1, body); /* after the blank line under the front matter */
        /* What is stored reads back the same through the Markdown manuscript's parser. */
        assert_int_equal(
            manuscript_parse(&again, "ms.md", text.buf, text.len,
                             &(struct manuscript_rules){countries, languages, "en", NULL, NULL}),
            0);
        assert_string_equal(again.title, m.title);
        assert_string_equal(again.body, m.body);
        assert_int_equal(again.body_line, m.body_line);
        manuscript_free(&again);
        manuscript_free(&m);
        strbuf_release(&text);
    }
    free(fields);
    free(fenced);

    /* Problems are named by meta.yaml's own lines, fenced or not, all at once. */
    struct manuscript m;
    struct strbuf text = STRBUF_INIT;
    const char *bad = "title: T\nlang: zz\nauthors:\n  - name: A\n";
    assert_int_equal(parse_parts(&m, bad, body, &text), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "meta.yaml:2:7: unknown language 'zz'"));
    assert_non_null(strstr(error_message(), "meta.yaml:4:5: author 'A' has no affiliation"));
    assert_non_null(strstr(error_message(), "missing required field 'abstract'"));
    const char *bad_fenced = "---\ntitle: T\nlang: zz\n---\n";
    assert_int_equal(parse_parts(&m, bad_fenced, body, &text), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "meta.yaml:3:7: unknown language 'zz'"));
    assert_int_equal(parse_parts(&m, "---\ntitle: T\n---\n\nText.\n", body, &text), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "meta.yaml:3:1: the front matter ends here"));
    assert_int_equal(parse_parts(&m, "\n\n", body, &text), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "meta.yaml: the file is empty"));
    assert_int_equal(text.len, 0);
    strbuf_release(&text);
    error_clear();
}

static char *journal_langs[] = {"en", "ru", NULL};
static char *required_en[] = {"en", NULL};

static int parse_for_journal(struct manuscript *m, const char *text, bool require_en)
{
    struct journal_config cfg = {.languages = journal_langs, .nlanguages = 2};
    if (require_en) {
        cfg.require_translations = required_en;
        cfg.nrequire_translations = 1;
    }
    struct manuscript_rules rules = {countries, languages, "en", NULL, &cfg};
    return manuscript_parse(m, "ms.md", text, strlen(text), &rules);
}

static void expect_journal_error(const char *text, bool require_en, const char *fragment)
{
    struct manuscript m;
    int rc = parse_for_journal(&m, text, require_en);
    if (rc != JOURNAL_EINPUT || !strstr(error_message(), fragment))
        fail_msg("expected an error containing \"%s\"\ngot rc=%d: %s", fragment, rc,
                 rc ? error_message() : "(accepted)");
}

#define RU_HEAD                                                                                                          \
    "---\ntitle: Реформа государственной службы\nlang: ru\nabstract: Мы изучаем.\n" \
    "keywords: [реформа]\nauthors:\n  - name: Иван Петров\n"                                            \
    "    affiliations: [{name: X, country: KZ}]\n"

/* A Russian article with its English title, abstract and keywords. */
static void test_translations(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = RU_HEAD "translations:\n"
                               "  en:\n"
                               "    title: Civil service reform\n"
                               "    subtitle: The case of Kazakhstan\n"
                               "    abstract: We study it.\n"
                               "    keywords: [reform, civil service]\n"
                               "---\nBody.\n";
    assert_int_equal(parse_for_journal(&m, text, true), 0);
    assert_int_equal(m.ntranslations, 1);
    const struct translation *t = manuscript_translation(&m, "en");
    assert_non_null(t);
    assert_string_equal(t->lang, "en");
    assert_string_equal(t->title, "Civil service reform");
    assert_string_equal(t->subtitle, "The case of Kazakhstan");
    assert_string_equal(t->abstract, "We study it.");
    assert_int_equal(t->nkeywords, 2);
    assert_string_equal(t->keywords[1], "civil service");
    assert_int_equal(t->line, 10);
    assert_null(manuscript_translation(&m, "ru"));
    manuscript_free(&m);

    /* Without the journal's settings (reading what was accepted), any known language. */
    assert_int_equal(parse(&m, RU_HEAD "translations: {de: {title: Reform}}\n---\n"), 0);
    assert_string_equal(m.translations[0].title, "Reform");
    manuscript_free(&m);
}

static void test_translation_errors(void **state)
{
    (void)state;
    expect_journal_error(RU_HEAD "translations:\n  de:\n    title: Reform\n---\n", false,
                         "ms.md:10:3: translations: the journal does not publish in German (de): "
                         "expected one of its languages (en, ru in journal.yaml)");
    expect_journal_error(RU_HEAD "translations:\n  ru:\n    title: Реформа\n---\n", false,
                         "ms.md:10:3: translations: 'ru' is the manuscript's own language");
    expect_journal_error(RU_HEAD "translations:\n  en:\n    abstract: We study.\n---\n", false,
                         "ms.md:10:3: translations: en: missing required field 'title'");
    expect_journal_error(RU_HEAD "translations:\n  en:\n    title: Reform\n    abstarct: A\n---\n",
                         false,
                         "ms.md:12:5: unknown field 'abstarct' in a translation; did you mean "
                         "abstract?");
    expect_journal_error(RU_HEAD "translations:\n  english:\n    title: Reform\n---\n", false,
                         "unknown language 'english'");
    expect_journal_error(RU_HEAD "translations: [en]\n---\n", false,
                         "translations must map each language");
}

/* require_translations: [en] refuses a Russian manuscript without its English metadata. */
static void test_required_translations(void **state)
{
    (void)state;
    expect_journal_error(RU_HEAD "---\n", true,
                         "ms.md:1:1: front matter: the journal requires an English translation");
    expect_journal_error(RU_HEAD "translations:\n  en:\n    title: Reform\n---\n", true,
                         "ms.md:10:1: translations: en: missing 'abstract'");
    expect_journal_error(RU_HEAD "translations:\n  en:\n    title: Reform\n---\n", true,
                         "ms.md:10:1: translations: en: missing 'keywords'");
    /* Without the requirement, a title alone will do. */
    struct manuscript m;
    assert_int_equal(
        parse_for_journal(&m, RU_HEAD "translations:\n  en:\n    title: Reform\n---\n", false), 0);
    manuscript_free(&m);
    /* An English manuscript needs no English translation; an editorial no abstract. */
    assert_int_equal(parse_for_journal(&m, valid, true), 0);
    manuscript_free(&m);
    assert_int_equal(parse_for_journal(&m,
                                       "---\ntitle: Слово редактора\nlang: ru\ntype: editorial\n"
                                       "authors:\n  - name: И. П.\n"
                                       "    affiliations: [{name: X, country: KZ}]\n"
                                       "translations: {en: {title: Editorial, keywords: [x]}}\n"
                                       "---\n",
                                       true),
                     0);
    manuscript_free(&m);
}

static void test_names_in_two_scripts(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n"
                       "  - name: {given: Дмитрий, family: Соколов}\n"
                       "    name_latin: {given: Dmitry, family: Sokolov}\n"
                       "    affiliations: [{name: X, country: RU}]\n"
                       "  - name: Анна Петрова\n"
                       "    name_latin: Anna Petrova\n"
                       "    affiliations: [{name: X, country: RU}]\n"
                       "  - name: Asel Bekova\n"
                       "    affiliations: [{name: X, country: KZ}]\n---\n";
    assert_int_equal(parse(&m, text), 0);
    assert_string_equal(m.authors[0].name, "Дмитрий Соколов");
    assert_string_equal(m.authors[0].family, "Соколов");
    assert_string_equal(m.authors[0].latin.text, "Dmitry Sokolov");
    assert_string_equal(m.authors[0].latin.given, "Dmitry");
    assert_string_equal(m.authors[0].latin.family, "Sokolov");
    /* One string stays one string: citations split it "given family" as before. */
    assert_string_equal(m.authors[1].latin.text, "Anna Petrova");
    assert_null(m.authors[1].latin.family);
    assert_null(m.authors[2].latin.text);
    assert_int_equal(m.nwarnings, 0);
    manuscript_free(&m);
    expect_error("---\ntitle: T\nabstract: A\nauthors:\n  - name: Анна Петрова\n"
                 "    name_latin: {given: Anna}\n    affiliations: [{name: X, country: RU}]\n---\n",
                 "ms.md:6:17: name_latin needs 'family'");
}

static void test_family_first(void **state)
{
    (void)state;
    struct manuscript m;
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n"
                       "  - name: Kim Min-jun\n"
                       "    family_first: true\n"
                       "    affiliations: [{name: Seoul National University, country: KR}]\n"
                       "  - name: {given: Ji-ho, family: Park}\n"
                       "    family_first: yes\n"
                       "    affiliations: [{name: Seoul National University, country: KR}]\n"
                       "  - name: Nguyen\n"
                       "    family_first: true\n"
                       "    affiliations: [{name: X, country: VN}]\n---\n";
    assert_int_equal(parse(&m, text), 0);
    assert_true(m.authors[0].family_first);
    assert_string_equal(m.authors[0].name, "Kim Min-jun");
    assert_string_equal(m.authors[0].family, "Kim");
    assert_string_equal(m.authors[0].given, "Min-jun");
    /* {given, family} is shown family first. */
    assert_string_equal(m.authors[1].name, "Park Ji-ho");
    assert_string_equal(m.authors[1].family, "Park");
    assert_string_equal(m.authors[2].family, "Nguyen");
    assert_null(m.authors[2].given);
    assert_int_equal(m.nwarnings, 0);
    manuscript_free(&m);

    expect_error("---\ntitle: T\nabstract: A\nauthors:\n  - name: Kim Min-jun\n"
                 "    family_first: perhaps\n    affiliations: [{name: X, country: KR}]\n---\n",
                 "ms.md:6:19: 'family_first' must be true or false");
}

static void test_family_first_country_warns(void **state)
{
    (void)state;
    struct manuscript m;
    /* A one-string name of an author in Korea is read "given family": say so, at the name. */
    const char *text = "---\ntitle: T\nabstract: A\nauthors:\n"
                       "  - name: Kim Min-jun\n"
                       "    affiliations: [{name: X, country: KZ}, {name: Y, country: KOR}]\n"
                       "  - name: {given: Wei, family: Zhang}\n"
                       "    affiliations: [{name: Tsinghua University, country: CN}]\n"
                       "  - name: Nagy Eszter\n"
                       "    family_first: false\n"
                       "    affiliations: [{name: X, country: HU}]\n"
                       "  - name: Asel Bekova\n"
                       "    affiliations: [{name: X, country: KZ}]\n---\n";
    assert_int_equal(parse(&m, text), 0);
    assert_int_equal(m.nwarnings, 1);
    assert_non_null(strstr(m.warnings[0], "ms.md:5:11: author 'Kim Min-jun' is affiliated in KR"));
    assert_non_null(strstr(m.warnings[0], "'Min-jun' as the family name"));
    assert_non_null(strstr(m.warnings[0], "family_first: true"));
    /* Still read as before until the author says otherwise. */
    assert_null(m.authors[0].family);
    manuscript_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_manuscript),
        cmocka_unit_test(test_translations),
        cmocka_unit_test(test_translation_errors),
        cmocka_unit_test(test_required_translations),
        cmocka_unit_test(test_names_in_two_scripts),
        cmocka_unit_test(test_family_first),
        cmocka_unit_test(test_family_first_country_warns),
        cmocka_unit_test(test_quarto_author_synonym),
        cmocka_unit_test(test_crlf_and_bom),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_missing_front_matter),
        cmocka_unit_test(test_unclosed_front_matter),
        cmocka_unit_test(test_invalid_yaml_position),
        cmocka_unit_test(test_missing_title_and_authors),
        cmocka_unit_test(test_author_without_affiliation),
        cmocka_unit_test(test_affiliation_needs_country),
        cmocka_unit_test(test_orcid_errors),
        cmocka_unit_test(test_unknown_country_suggests),
        cmocka_unit_test(test_several_problems_reported_together),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_type_lang_and_unknown_fields),
        cmocka_unit_test(test_abstract_rules),
        cmocka_unit_test(test_email_checked),
        cmocka_unit_test(test_funding),
        cmocka_unit_test(test_organization_author),
        cmocka_unit_test(test_family_first_display),
        cmocka_unit_test(test_parts),
    };
    return cmocka_run_group_tests_name("manuscript", tests, setup, teardown);
}
