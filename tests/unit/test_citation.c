/* "How to cite": APA 7 references (text and HTML), BibTeX entries and keys, name splitting,
 * RIS and CSL-JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "export/citation.h"
#include "model/manuscript.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOI_URL "https://doi.org/10.99999/jcsrp.2025.1.2.7"
#define TAIL    "Journal of Caspian Social Research & Policy, 1(2), 1–14. " DOI_URL

/* A manuscript with the given authors' names (NULL-terminated), freed with manuscript_free. */
static void make(struct manuscript *m, const char *title, const char *subtitle,
                 const char *const *names)
{
    memset(m, 0, sizeof *m);
    m->title = xstrdup(title);
    m->subtitle = subtitle ? xstrdup(subtitle) : NULL;
    m->lang = xstrdup("en");
    while (names && names[m->nauthors])
        m->nauthors++;
    m->authors = xcalloc(m->nauthors ? m->nauthors : 1, sizeof *m->authors);
    for (size_t i = 0; i < m->nauthors; i++)
        m->authors[i].name = xstrdup(names[i]);
}

static struct citation_source source(const struct manuscript *m)
{
    struct citation_source src = {
        .m = m,
        .journal = "Journal of Caspian Social Research & Policy",
        .issn = "2790-1234",
        .publisher = "Steppe Press",
        .volume = 1,
        .number = "2",
        .year = 2025,
        .pages = "1-14",
        .doi = "10.99999/jcsrp.2025.1.2.7",
        .url = "https://journal.example.org/articles/7/",
        .published = "2025-06-30",
        .article = 7,
        .key_prefix = "JCSRP",
    };
    return src;
}

static void assert_apa(const struct citation_source *src, const char *expected)
{
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_apa_text(src, &sb), 0);
    assert_string_equal(sb.buf, expected);
    strbuf_release(&sb);
}

static void assert_authors(const char *const *names, const char *expected_authors)
{
    struct manuscript m;
    make(&m, "Water and Steppe", NULL, names);
    struct citation_source src = source(&m);
    char *expected = xasprintf("%s (2025). Water and Steppe. %s", expected_authors, TAIL);
    assert_apa(&src, expected);
    free(expected);
    manuscript_free(&m);
}

static void test_one_author(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Aigerim Sadykova", NULL};
    make(&m, "Water and Steppe", "A Study of Wells", names);
    struct citation_source src = source(&m);
    assert_apa(&src, "Sadykova, A. (2025). Water and Steppe: A Study of Wells. " TAIL);

    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_apa_html(&src, &sb), 0);
    assert_string_equal(sb.buf, "Sadykova, A. (2025). Water and Steppe: A Study of Wells. "
                                "<i>Journal of Caspian Social Research &amp; Policy</i>, "
                                "<i>1</i>(2), 1–14. <a href=\"" DOI_URL "\">" DOI_URL "</a>");
    manuscript_free(&m);
    strbuf_release(&sb);
}

static void test_two_and_three_authors(void **state)
{
    (void)state;
    const char *two[] = {"Aigerim Sadykova", "Jean-Paul Sartre", NULL};
    assert_authors(two, "Sadykova, A., & Sartre, J.-P.");
    const char *three[] = {"Aigerim Sadykova", "Jean-Paul Sartre", "Mary Ann Smith", NULL};
    assert_authors(three, "Sadykova, A., Sartre, J.-P., & Smith, M. A.");
}

static void many_authors(size_t n, const char *expected)
{
    char *names[22];
    for (size_t i = 0; i < n; i++)
        names[i] = xasprintf("%c%c F%02zu", (char)('A' + i), 'x', i + 1);
    names[n] = NULL;
    assert_authors((const char *const *)names, expected);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

static void test_twenty_and_twenty_one_authors(void **state)
{
    (void)state;
    many_authors(20, "F01, A., F02, B., F03, C., F04, D., F05, E., F06, F., F07, G., F08, H., "
                     "F09, I., F10, J., F11, K., F12, L., F13, M., F14, N., F15, O., F16, P., "
                     "F17, Q., F18, R., F19, S., & F20, T.");
    /* From 21: the first 19, an ellipsis, the last; no ampersand. */
    many_authors(21, "F01, A., F02, B., F03, C., F04, D., F05, E., F06, F., F07, G., F08, H., "
                     "F09, I., F10, J., F11, K., F12, L., F13, M., F14, N., F15, O., F16, P., "
                     "F17, Q., F18, R., F19, S., … F21, U.");
}

static void test_particles_and_name_forms(void **state)
{
    (void)state;
    const char *names[] = {"Ludwig van Beethoven",
                           "Johann Wolfgang von Goethe",
                           "Vincent van der Berg",
                           "Sadykova, Aigerim Serikovna",
                           "Иван Петрович Сидоров",
                           "J.R.R. Tolkien",
                           "de Souza",
                           NULL};
    assert_authors(names, "van Beethoven, L., von Goethe, J. W., van der Berg, V., "
                          "Sadykova, A. S., Сидоров, И. П., Tolkien, J. R. R., & de Souza.");

    struct author a = {.name = "Maria da Silva"};
    struct citation_name n;
    assert_int_equal(citation_name_split(&a, &n), 0);
    assert_string_equal(n.given, "Maria");
    assert_string_equal(n.family, "da Silva");
    citation_name_release(&n);

    a.name = "  Plato ";
    assert_int_equal(citation_name_split(&a, &n), 0);
    assert_null(n.given);
    assert_string_equal(n.family, "Plato");
    citation_name_release(&n);

    a.name = "";
    assert_int_equal(citation_name_split(&a, &n), JOURNAL_EINPUT);
    error_clear();

    /* An organisation is never split into given and family names. */
    a = (struct author){.name = " World Bank Group ", .organization = true};
    assert_int_equal(citation_name_split(&a, &n), 0);
    assert_null(n.given);
    assert_string_equal(n.family, "World Bank Group");
    citation_name_release(&n);
}

static void test_initials_whole_code_points(void **state)
{
    (void)state;
    static const struct {
        const char *given, *initials;
    } cases[] = {
        {"Jean-Paul", "J.-P."},
        {"jean-paul", "J.-P."}, /* lowercase given names still give capitals */
        {"Min-jun", "M.-j."},   /* but a capitalised word's lowercase syllable stays so */
        {"Ji-Ho Seo-yeon", "J.-H. S.-y."},
        {"Mary  Ann", "M. A."},
        {"J.-P.", "J.-P."},
        {"Élodie Ørsted", "É. Ø."},
        {"E\xcc\x81lodie", "E\xcc\x81."}, /* decomposed: the accent stays with its letter */
        {"иван петрович", "И. П."},
        {"Әлихан", "Ә."},
        {"\xf0\x9d\x92\x9c"
         "lice",
         "\xf0\x9d\x92\x9c."}, /* U+1D49C, four bytes */
        {"(Jim) Bob", "J. B."},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct strbuf sb = STRBUF_INIT;
        citation_initials(&sb, cases[i].given);
        assert_string_equal(sb.buf, cases[i].initials);
        strbuf_release(&sb);
    }
}

static void test_given_and_family_supplied(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"A. Sadykova", NULL};
    make(&m, "Water and Steppe", NULL, names);
    m.authors[0].given = xstrdup("Aigerim Serikovna");
    m.authors[0].family = xstrdup("Sadykova-Nurlanova");
    struct citation_source src = source(&m);
    assert_apa(&src, "Sadykova-Nurlanova, A. S. (2025). Water and Steppe. " TAIL);

    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_bibtex(&src, &sb), 0);
    assert_non_null(strstr(sb.buf, "\n  author = {Sadykova-Nurlanova, Aigerim Serikovna},\n"));
    strbuf_release(&sb);
    manuscript_free(&m);
}

/* A name in Cyrillic with a Latin form, and a family-first name, as manuscript_parse leaves them:
   the English reference and the downloads name the Latin form, the Russian one the Cyrillic. */
static void test_latin_form_and_family_first(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Дмитрий Соколов", "Kim Min-jun", NULL};
    make(&m, "Water and Steppe", NULL, names);
    m.authors[0].given = xstrdup("Дмитрий");
    m.authors[0].family = xstrdup("Соколов");
    m.authors[0].latin.text = xstrdup("Dmitry Sokolov");
    m.authors[0].latin.given = xstrdup("Dmitry");
    m.authors[0].latin.family = xstrdup("Sokolov");
    m.authors[1].family_first = true;
    m.authors[1].family = xstrdup("Kim");
    m.authors[1].given = xstrdup("Min-jun");
    struct citation_source src = source(&m);
    assert_apa(&src, "Соколов, Д., & Kim, M.-j. (2025). Water and Steppe. " TAIL);
    src.latin_names = true;
    assert_apa(&src, "Sokolov, D., & Kim, M.-j. (2025). Water and Steppe. " TAIL);

    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_bibtex(&src, &sb), 0);
    assert_non_null(strstr(sb.buf, "\n  author = {Sokolov, Dmitry and Kim, Min-jun},\n"));
    assert_non_null(strstr(sb.buf, "@article{sokolov2025jcsrp7,"));
    strbuf_reset(&sb);
    assert_int_equal(citation_ris(&src, &sb), 0);
    assert_non_null(strstr(sb.buf, "AU  - Sokolov, Dmitry\r\nAU  - Kim, Min-jun\r\n"));
    strbuf_reset(&sb);
    assert_int_equal(citation_csl_json(&src, &sb), 0);
    assert_non_null(strstr(sb.buf, "\"family\": \"Sokolov\""));
    assert_non_null(strstr(sb.buf, "\"given\": \"Min-jun\""));
    assert_null(strstr(sb.buf, "Соколов"));
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_no_doi_question_mark_and_missing_parts(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Aigerim Sadykova", NULL};
    make(&m, "Is the Steppe Drying?", NULL, names);
    struct citation_source src = source(&m);
    src.doi = NULL;
    assert_apa(&src, "Sadykova, A. (2025). Is the Steppe Drying? Journal of Caspian Social "
                     "Research & Policy, 1(2), 1–14. https://journal.example.org/articles/7/");

    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_apa_html(&src, &sb), 0);
    assert_string_equal(sb.buf, "Sadykova, A. (2025). Is the Steppe Drying? <i>Journal of "
                                "Caspian Social Research &amp; Policy</i>, <i>1</i>(2), 1–14. "
                                "<a href=\"https://journal.example.org/articles/7/\">"
                                "https://journal.example.org/articles/7/</a>");
    strbuf_reset(&sb);

    /* No DOI, URL, pages or issue; the year from the publication date; a DOI given as a URL. */
    src.url = NULL;
    src.pages = NULL;
    src.number = NULL;
    src.year = 0;
    assert_apa(&src, "Sadykova, A. (2025). Is the Steppe Drying? Journal of Caspian Social "
                     "Research & Policy, 1.");
    src.published = NULL;
    src.doi = "https://doi.org/10.99999/x";
    src.pages = "e7";
    assert_apa(&src, "Sadykova, A. (n.d.). Is the Steppe Drying? Journal of Caspian Social "
                     "Research & Policy, 1, e7. https://doi.org/10.99999/x");

    /* A URL that is not http(s) is shown, never linked. */
    src.doi = NULL;
    src.url = "javascript:alert(1)";
    assert_int_equal(citation_apa_html(&src, &sb), 0);
    assert_string_equal(sb.buf, "Sadykova, A. (n.d.). Is the Steppe Drying? <i>Journal of "
                                "Caspian Social Research &amp; Policy</i>, <i>1</i>, e7. "
                                "javascript:alert(1)");
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_html_escaping(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Ann Lee", "Tom O'Brien", NULL};
    make(&m, "Trade <and> Tariffs & \"Quotas\"", "Why x < y", names);
    struct citation_source src = source(&m);
    src.doi = NULL;
    src.url = "https://j.example/?a=1&b=\"2\"";
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "<p>");
    assert_int_equal(citation_apa_html(&src, &sb), 0);
    assert_string_equal(sb.buf,
                        "<p>Lee, A., &amp; O&#39;Brien, T. (2025). Trade &lt;and&gt; "
                        "Tariffs &amp; &quot;Quotas&quot;: Why x &lt; y. <i>Journal of Caspian "
                        "Social Research &amp; Policy</i>, <i>1</i>(2), 1–14. <a "
                        "href=\"https://j.example/?a=1&amp;b=&quot;2&quot;\">"
                        "https://j.example/?a=1&amp;b=&quot;2&quot;</a>");
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_bibtex_entry(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Aigerim Sadykova", "Ludwig van Beethoven", "Plato", NULL};
    make(&m, "Water and Steppe", "A Study of Wells", names);
    m.nkeywords = 2;
    m.keywords = xcalloc(2, sizeof *m.keywords);
    m.keywords[0] = xstrdup("water");
    m.keywords[1] = xstrdup("R&D_costs");
    struct citation_source src = source(&m);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_bibtex(&src, &sb), 0);
    assert_string_equal(sb.buf,
                        "@article{sadykova2025jcsrp7,\n"
                        "  author = {Sadykova, Aigerim and van Beethoven, Ludwig and {Plato}},\n"
                        "  title = {{Water and Steppe: A Study of Wells}},\n"
                        "  journal = {Journal of Caspian Social Research \\& Policy},\n"
                        "  year = {2025},\n"
                        "  date = {2025-06-30},\n"
                        "  volume = {1},\n"
                        "  number = {2},\n"
                        "  pages = {1--14},\n"
                        "  doi = {10.99999/jcsrp.2025.1.2.7},\n"
                        "  url = {https://journal.example.org/articles/7/},\n"
                        "  issn = {2790-1234},\n"
                        "  language = {english},\n"
                        "  keywords = {water, R\\&D\\_costs}\n"
                        "}\n");
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_bibtex_escaping_and_utf8(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Иван Петрович Сидоров", NULL};
    make(&m, "50% of A&B_c {x}", "a~b^c\\d$e#f", names);
    free(m.lang);
    m.lang = xstrdup("ru");
    struct citation_source src = source(&m);
    src.doi = "10.99999/a_b{c}";
    src.url = NULL;
    src.issn = NULL;
    src.publisher = NULL;
    src.pages = "1–14";
    src.number = NULL;
    src.published = NULL;
    src.article = 12;
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_bibtex(&src, &sb), 0);
    assert_string_equal(sb.buf, "@article{sidorov2025jcsrp12,\n"
                                "  author = {Сидоров, Иван Петрович},\n"
                                "  title = {{50\\% of A\\&B\\_c \\{x\\}: a\\textasciitilde{}b"
                                "\\textasciicircum{}c\\textbackslash{}d\\$e\\#f}},\n"
                                "  journal = {Journal of Caspian Social Research \\& Policy},\n"
                                "  year = {2025},\n"
                                "  volume = {1},\n"
                                "  pages = {1--14},\n"
                                "  doi = {10.99999/a_b%7Bc%7D},\n"
                                "  language = {russian}\n"
                                "}\n");
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_bibtex_keys(void **state)
{
    (void)state;
    static const struct {
        const char *name, *key;
    } cases[] = {
        {"Иван Петрович Сидоров", "sidorov2025jcsrp7"},
        {"Щукин, Юрий", "shchukin2025jcsrp7"},
        {"Әлихан Бөкейхан", "bokeykhan2025jcsrp7"},
        {"Ёлка Жуйкова", "zhuykova2025jcsrp7"},
        {"Łukasz Müller", "muller2025jcsrp7"},
        {"Zoë Ñúñez-García", "nunezgarcia2025jcsrp7"},
        {"Ludwig van Beethoven", "vanbeethoven2025jcsrp7"},
        {"Søren Kierkegaard", "kierkegaard2025jcsrp7"},
        {"Ştefan Ţiriac", "tiriac2025jcsrp7"},
        {"王 小明", "anon2025jcsrp7"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct manuscript m;
        const char *names[] = {cases[i].name, NULL};
        make(&m, "T", NULL, names);
        struct citation_source src = source(&m);
        src.key_prefix = "JC-SRP";
        struct strbuf sb = STRBUF_INIT;
        assert_int_equal(citation_bibtex_key(&src, &sb), 0);
        assert_string_equal(sb.buf, cases[i].key);
        strbuf_release(&sb);
        manuscript_free(&m);
    }

    struct manuscript m;
    make(&m, "Untitled Notes", NULL, NULL);
    struct citation_source src = source(&m);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_bibtex_key(&src, &sb), 0);
    assert_string_equal(sb.buf, "anon2025jcsrp7");
    strbuf_reset(&sb);
    /* No author: APA puts the title in the author's place. */
    assert_int_equal(citation_apa_text(&src, &sb), 0);
    assert_string_equal(sb.buf, "Untitled Notes. (2025). " TAIL);
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_rejected_input_leaves_out_unchanged(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Aigerim Sadykova", "bad \xff name", NULL};
    make(&m, "Water", NULL, names);
    struct citation_source src = source(&m);
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "kept");
    assert_int_equal(citation_apa_text(&src, &sb), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "UTF-8"));
    assert_int_equal(citation_bibtex(&src, &sb), JOURNAL_EINPUT);
    assert_string_equal(sb.buf, "kept");

    free(m.authors[1].name);
    m.authors[1].name = xstrdup("   ");
    assert_int_equal(citation_apa_html(&src, &sb), JOURNAL_EINPUT);
    assert_int_equal(citation_bibtex(&src, &sb), JOURNAL_EINPUT);
    assert_string_equal(sb.buf, "kept");

    free(m.authors[1].name);
    m.authors[1].name = xstrdup("Ann Lee");
    src.journal = "";
    assert_int_equal(citation_apa_text(&src, &sb), JOURNAL_EINPUT);
    src.journal = "J";
    free(m.title);
    m.title = NULL;
    assert_int_equal(citation_bibtex(&src, &sb), JOURNAL_EINPUT);
    assert_int_equal(citation_apa_text(NULL, &sb), JOURNAL_EINTERNAL);
    assert_string_equal(sb.buf, "kept");
    error_clear();
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_ris(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Aigerim Sadykova", "Ludwig van Beethoven", "Plato", NULL};
    make(&m, "Water and Steppe", "A Study of Wells", names);
    m.abstract = xstrdup("First line,\n  second   line.");
    m.nkeywords = 2;
    m.keywords = xcalloc(2, sizeof *m.keywords);
    m.keywords[0] = xstrdup("water");
    m.keywords[1] = xstrdup("steppe");
    struct citation_source src = source(&m);
    src.abbreviation = "JCSRP";
    src.pages = "1–14";
    src.doi = "https://doi.org/10.99999/jcsrp.2025.1.2.7";
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_ris(&src, &sb), 0);
    assert_string_equal(sb.buf, "TY  - JOUR\r\n"
                                "AU  - Sadykova, Aigerim\r\n"
                                "AU  - van Beethoven, Ludwig\r\n"
                                "AU  - Plato\r\n"
                                "TI  - Water and Steppe: A Study of Wells\r\n"
                                "T2  - Journal of Caspian Social Research & Policy\r\n"
                                "J2  - JCSRP\r\n"
                                "PY  - 2025\r\n"
                                "DA  - 2025/06/30\r\n"
                                "VL  - 1\r\n"
                                "IS  - 2\r\n"
                                "SP  - 1\r\n"
                                "EP  - 14\r\n"
                                "DO  - 10.99999/jcsrp.2025.1.2.7\r\n"
                                "UR  - https://journal.example.org/articles/7/\r\n"
                                "SN  - 2790-1234\r\n"
                                "PB  - Steppe Press\r\n"
                                "LA  - en\r\n"
                                "KW  - water\r\n"
                                "KW  - steppe\r\n"
                                "AB  - First line, second line.\r\n"
                                "ER  - \r\n");
    /* Absent parts leave their lines out; a single page has no EP. */
    strbuf_reset(&sb);
    src.pages = "e7";
    src.doi = NULL;
    src.url = NULL;
    src.published = NULL;
    src.volume = 0;
    src.abbreviation = NULL;
    assert_int_equal(citation_ris(&src, &sb), 0);
    assert_non_null(strstr(sb.buf, "\r\nSP  - e7\r\nSN  - "));
    assert_null(strstr(sb.buf, "EP  -"));
    assert_null(strstr(sb.buf, "DA  -"));
    assert_null(strstr(sb.buf, "VL  -"));
    assert_null(strstr(sb.buf, "J2  -"));
    /* Every line ends with CRLF, and there is no bare LF. */
    for (size_t i = 0; i < sb.len; i++)
        if (sb.buf[i] == '\n')
            assert_true(i > 0 && sb.buf[i - 1] == '\r');
    /* Rejected input leaves out unchanged. */
    strbuf_reset(&sb);
    strbuf_addstr(&sb, "kept");
    free(m.abstract);
    m.abstract = xstrdup("bad \xff");
    assert_int_equal(citation_ris(&src, &sb), JOURNAL_EINPUT);
    assert_int_equal(citation_csl_json(&src, &sb), JOURNAL_EINPUT);
    assert_string_equal(sb.buf, "kept");
    error_clear();
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_csl_json(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Иван Петрович Сидоров", "Plato", NULL};
    make(&m, "Вода и степь", "Колодцы", names);
    free(m.lang);
    m.lang = xstrdup("ru");
    m.abstract = xstrdup("An \"abstract\" </script>.");
    m.nkeywords = 1;
    m.keywords = xcalloc(1, sizeof *m.keywords);
    m.keywords[0] = xstrdup("вода");
    struct citation_source src = source(&m);
    src.abbreviation = "JCSRP";
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_csl_json(&src, &sb), 0);
    assert_true(sb.len > 0 && sb.buf[sb.len - 1] == '\n');
    json_error_t err;
    json_t *array = json_loads(sb.buf, 0, &err);
    assert_non_null(array);
    assert_true(json_is_array(array));
    assert_int_equal(json_array_size(array), 1);
    json_t *item = json_array_get(array, 0);
    const char *expected[][2] = {
        {"id", "sidorov2025jcsrp7"},
        {"type", "article-journal"},
        {"title", "Вода и степь: Колодцы"},
        {"container-title", "Journal of Caspian Social Research & Policy"},
        {"container-title-short", "JCSRP"},
        {"volume", "1"},
        {"issue", "2"},
        {"page", "1-14"},
        {"page-first", "1"},
        {"DOI", "10.99999/jcsrp.2025.1.2.7"},
        {"URL", "https://journal.example.org/articles/7/"},
        {"ISSN", "2790-1234"},
        {"publisher", "Steppe Press"},
        {"language", "ru"},
        {"keyword", "вода"},
        {"abstract", "An \"abstract\" </script>."},
    };
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
        const char *got = json_string_value(json_object_get(item, expected[i][0]));
        assert_non_null(got);
        assert_string_equal(got, expected[i][1]);
    }
    json_t *authors = json_object_get(item, "author");
    assert_int_equal(json_array_size(authors), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(authors, 0), "family")),
                        "Сидоров");
    assert_string_equal(json_string_value(json_object_get(json_array_get(authors, 0), "given")),
                        "Иван Петрович");
    assert_string_equal(json_string_value(json_object_get(json_array_get(authors, 1), "family")),
                        "Plato");
    assert_null(json_object_get(json_array_get(authors, 1), "given"));
    json_t *parts = json_object_get(json_object_get(item, "issued"), "date-parts");
    assert_int_equal(json_integer_value(json_array_get(json_array_get(parts, 0), 0)), 2025);
    assert_int_equal(json_integer_value(json_array_get(json_array_get(parts, 0), 1)), 6);
    assert_int_equal(json_integer_value(json_array_get(json_array_get(parts, 0), 2)), 30);
    json_decref(array);

    /* Only a year known: date-parts [[2025]]; no pages, DOI or URL: no fields. */
    strbuf_reset(&sb);
    src.published = NULL;
    src.pages = NULL;
    src.doi = NULL;
    src.url = NULL;
    assert_int_equal(citation_csl_json(&src, &sb), 0);
    array = json_loads(sb.buf, 0, &err);
    assert_non_null(array);
    item = json_array_get(array, 0);
    parts = json_object_get(json_object_get(item, "issued"), "date-parts");
    assert_int_equal(json_array_size(json_array_get(parts, 0)), 1);
    assert_null(json_object_get(item, "page"));
    assert_null(json_object_get(item, "DOI"));
    assert_null(json_object_get(item, "URL"));
    json_decref(array);
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void translate(struct manuscript *m, const char *lang, const char *title,
                      const char *subtitle)
{
    m->translations = xrealloc(m->translations, (m->ntranslations + 1) * sizeof(*m->translations));
    struct translation *t = &m->translations[m->ntranslations++];
    memset(t, 0, sizeof(*t));
    snprintf(t->lang, sizeof(t->lang), "%s", lang);
    t->title = xstrdup(title);
    t->subtitle = subtitle ? xstrdup(subtitle) : NULL;
}

/* APA 7: a work in another language gives its English title in square brackets after its own;
   an English work, or a translation into another language, changes nothing. */
static void test_apa_translated_title(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Иван Сидоров", NULL};
    make(&m, "Вода и степь", "Колодцы", names);
    free(m.lang);
    m.lang = xstrdup("ru");
    struct citation_source src = source(&m);
    assert_apa(&src, "Сидоров, И. (2025). Вода и степь: Колодцы. " TAIL);
    translate(&m, "kk", "Су мен дала", NULL);
    assert_apa(&src, "Сидоров, И. (2025). Вода и степь: Колодцы. " TAIL);
    translate(&m, "en", "Water and steppe", "Wells");
    assert_apa(&src, "Сидоров, И. (2025). Вода и степь: Колодцы [Water and steppe: Wells]. " TAIL);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_apa_html(&src, &sb), 0);
    assert_non_null(strstr(sb.buf, "Вода и степь: Колодцы [Water and steppe: Wells]. <i>"));
    strbuf_release(&sb);
    /* No author: the title, with its translation, takes the author's place. */
    free(m.authors[0].name);
    m.authors[0].name = NULL;
    m.nauthors = 0;
    assert_apa(&src, "Вода и степь: Колодцы [Water and steppe: Wells]. (2025). " TAIL);
    manuscript_free(&m);

    const char *en[] = {"Aigerim Sadykova", NULL};
    make(&m, "Water and Steppe", NULL, en);
    translate(&m, "ru", "Вода и степь", NULL);
    src = source(&m);
    assert_apa(&src, "Sadykova, A. (2025). Water and Steppe. " TAIL);
    manuscript_free(&m);
}

/* CSL-JSON has one title: the translations are kept in custom, by language. */
static void test_csl_json_translations(void **state)
{
    (void)state;
    struct manuscript m;
    const char *names[] = {"Иван Сидоров", NULL};
    make(&m, "Вода и степь", NULL, names);
    free(m.lang);
    m.lang = xstrdup("ru");
    translate(&m, "en", "Water and steppe", "Wells");
    m.translations[0].abstract = xstrdup("We study wells.");
    m.translations[0].keywords = xcalloc(2, sizeof(char *));
    m.translations[0].keywords[0] = xstrdup("water");
    m.translations[0].keywords[1] = xstrdup("steppe");
    m.translations[0].nkeywords = 2;
    struct citation_source src = source(&m);
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(citation_csl_json(&src, &sb), 0);
    json_error_t err;
    json_t *array = json_loads(sb.buf, 0, &err);
    assert_non_null(array);
    json_t *item = json_array_get(array, 0);
    assert_string_equal(json_string_value(json_object_get(item, "title")), "Вода и степь");
    json_t *en =
        json_object_get(json_object_get(json_object_get(item, "custom"), "translations"), "en");
    assert_non_null(en);
    assert_string_equal(json_string_value(json_object_get(en, "title")), "Water and steppe: Wells");
    assert_string_equal(json_string_value(json_object_get(en, "abstract")), "We study wells.");
    assert_string_equal(json_string_value(json_object_get(en, "keyword")), "water, steppe");
    json_decref(array);
    strbuf_release(&sb);
    manuscript_free(&m);
}

static void test_page_range_and_license(void **state)
{
    (void)state;
    static const struct {
        const char *pages, *first, *last;
    } pages[] = {{"1-14", "1", "14"},   {"1--14", "1", "14"}, {"1–14", "1", "14"},
                 {" 3 - 9 ", "3", "9"}, {"e7", "e7", NULL},   {"", NULL, NULL}};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        char *first, *last;
        citation_page_range(pages[i].pages, &first, &last);
        if (pages[i].first)
            assert_string_equal(first, pages[i].first);
        else
            assert_null(first);
        if (pages[i].last)
            assert_string_equal(last, pages[i].last);
        else
            assert_null(last);
        free(first);
        free(last);
    }
    /* Readers see one dash, whatever the manuscript or the manifest used. */
    static const struct {
        const char *pages, *text;
    } shown[] = {{"1-14", "1–14"}, {"1--14", "1–14"}, {"1–14", "1–14"}, {" 3 - 9 ", "3–9"},
                 {"e7", "e7"},     {"", NULL},        {NULL, NULL}};
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++) {
        char *text = citation_pages_text(shown[i].pages);
        if (shown[i].text)
            assert_string_equal(text, shown[i].text);
        else
            assert_null(text);
        free(text);
    }
    static const struct {
        const char *license, *url;
    } licenses[] = {
        {"CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"},
        {"CC-BY-NC-SA-4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"},
        {"cc by-nd 3.0", "https://creativecommons.org/licenses/by-nd/3.0/"},
        {"CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"},
        {"https://example.org/licence", "https://example.org/licence"},
        {"CC BY", NULL},
        {"All rights reserved", NULL},
        {NULL, NULL},
    };
    for (size_t i = 0; i < sizeof licenses / sizeof *licenses; i++) {
        char *url = citation_license_url(licenses[i].license);
        if (licenses[i].url)
            assert_string_equal(url, licenses[i].url);
        else
            assert_null(url);
        free(url);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_author),
        cmocka_unit_test(test_two_and_three_authors),
        cmocka_unit_test(test_twenty_and_twenty_one_authors),
        cmocka_unit_test(test_particles_and_name_forms),
        cmocka_unit_test(test_initials_whole_code_points),
        cmocka_unit_test(test_given_and_family_supplied),
        cmocka_unit_test(test_latin_form_and_family_first),
        cmocka_unit_test(test_no_doi_question_mark_and_missing_parts),
        cmocka_unit_test(test_html_escaping),
        cmocka_unit_test(test_bibtex_entry),
        cmocka_unit_test(test_bibtex_escaping_and_utf8),
        cmocka_unit_test(test_bibtex_keys),
        cmocka_unit_test(test_rejected_input_leaves_out_unchanged),
        cmocka_unit_test(test_ris),
        cmocka_unit_test(test_csl_json),
        cmocka_unit_test(test_csl_json_translations),
        cmocka_unit_test(test_apa_translated_title),
        cmocka_unit_test(test_page_range_and_license),
    };
    return cmocka_run_group_tests_name("citation", tests, NULL, NULL);
}
