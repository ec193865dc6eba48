/* Reviewer-manuscript affinity: tokenising, stemming, stop words, phrases, scores, explain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/affinity.h"
#include "util/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A submission: title, abstract, keywords (counted twice). */
static struct affinity_doc *add_sub(struct affinity_corpus *c, const char *title,
                                    const char *abstract, const char *keywords)
{
    struct affinity_field fields[] = {
        {title, 1, false},
        {abstract, 1, false},
        {keywords, 2, true},
    };
    struct affinity_doc *doc;
    assert_int_equal(affinity_doc_add(c, fields, 3, &doc), 0);
    return doc;
}

/* A reviewer: keywords (counted twice) and profile. */
static struct affinity_doc *add_rev(struct affinity_corpus *c, const char *keywords,
                                    const char *profile)
{
    struct affinity_field fields[] = {
        {keywords, 2, true},
        {profile, 1, false},
    };
    struct affinity_doc *doc;
    assert_int_equal(affinity_doc_add(c, fields, 2, &doc), 0);
    return doc;
}

static struct affinity_corpus *new_corpus(void)
{
    struct affinity_corpus *c;
    assert_int_equal(affinity_corpus_new(&c), 0);
    /* Background documents so that IDF tells common from rare words. */
    add_rev(c, "budgeting", "Public finance and budgeting in local government.");
    add_rev(c, "e-government", "Digital services and public administration.");
    add_rev(c, "ethics", "Ethics of public officials.");
    return c;
}

static bool explain_has(const struct affinity_corpus *c, const struct affinity_doc *a,
                        const struct affinity_doc *b, const char *term)
{
    char **terms;
    double *weights;
    size_t n = affinity_explain(c, a, b, &terms, &weights);
    bool found = false;
    for (size_t k = 0; k < n; k++)
        found = found || strcmp(terms[k], term) == 0;
    affinity_explain_free(terms, weights, n);
    return found;
}

static void test_english_stemming(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *sub = add_sub(c, "Recruitment in the civil service", NULL, NULL);
    struct affinity_doc *recruiting = add_rev(c, NULL, "Recruiting for ministries");
    struct affinity_doc *recruited = add_rev(c, NULL, "How agencies recruited staff");
    struct affinity_doc *other = add_rev(c, NULL, "Municipal waste collection");
    affinity_corpus_finish(c);
    assert_true(affinity_score(c, sub, recruiting) > 0);
    assert_true(affinity_score(c, sub, recruited) > 0);
    assert_true(affinity_score(c, recruiting, recruited) > 0);
    assert_true(affinity_score(c, sub, other) == 0);
    assert_true(explain_has(c, sub, recruiting, "recruitment"));
    assert_true(explain_has(c, recruiting, sub, "recruiting"));
    affinity_corpus_free(c);
}

static void test_russian_stemming(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *sub = add_sub(c, "Оценка эффективности государственных программ", NULL,
                                       "оценка; государственные программы");
    struct affinity_doc *rev = add_rev(c, "методы оценки", NULL);
    struct affinity_doc *upper = add_rev(c, "ОЦЕНКИ", NULL);
    struct affinity_doc *yo = add_rev(c, "учёт", NULL);
    struct affinity_doc *ye = add_sub(c, "Учет и отчетность", NULL, NULL);
    affinity_corpus_finish(c);
    assert_true(affinity_score(c, sub, rev) > 0);
    assert_true(explain_has(c, sub, rev, "оценка"));
    assert_true(explain_has(c, rev, sub, "оценки"));
    assert_true(affinity_score(c, sub, upper) > 0);
    /* ё is folded to е */
    assert_true(affinity_score(c, ye, yo) > 0);
    affinity_corpus_free(c);
}

static void test_stop_words(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *sub = add_sub(c, "The reform of the state", "It is what it is.", NULL);
    struct affinity_doc *only_stop = add_rev(c, "the, of, is", "It is what it is, and so on.");
    struct affinity_doc *state_rev = add_rev(c, NULL, "The state and the market");
    struct affinity_doc *ru = add_sub(c, "и в на что это также", NULL, NULL);
    struct affinity_doc *ru_rev = add_rev(c, NULL, "это также и в на что");
    affinity_corpus_finish(c);
    assert_true(affinity_score(c, sub, only_stop) == 0);
    assert_true(affinity_score(c, ru, ru_rev) == 0);
    char **terms;
    double *weights;
    size_t n = affinity_explain(c, sub, state_rev, &terms, &weights);
    assert_int_equal(n, 1);
    assert_string_equal(terms[0], "state");
    affinity_explain_free(terms, weights, n);
    affinity_corpus_free(c);
}

static void test_matching_reviewer_ranks_higher(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *sub =
        add_sub(c, "Merit-based recruitment in post-Soviet civil services",
                "We compare recruitment rules and merit examinations in twelve countries.",
                "civil service, recruitment, merit, meritocracy, post-Soviet states");
    struct affinity_doc *match =
        add_rev(c, "civil service reform; recruitment; merit systems",
                "Works on recruitment and promotion in the civil service.");
    struct affinity_doc *partial = add_rev(c, "civil society; protest", "Social movements.");
    struct affinity_doc *unrelated =
        add_rev(c, "water utilities; tariffs", "Regulation of water utilities.");
    affinity_corpus_finish(c);
    double s_match = affinity_score(c, sub, match);
    double s_partial = affinity_score(c, sub, partial);
    double s_unrelated = affinity_score(c, sub, unrelated);
    assert_true(s_match > s_partial);
    assert_true(s_partial > s_unrelated);
    assert_true(s_unrelated == 0);
    assert_true(s_match <= 1);
    assert_true(fabs(affinity_score(c, sub, sub) - 1) < 1e-12);
    assert_true(fabs(affinity_score(c, sub, match) - affinity_score(c, match, sub)) < 1e-15);
    affinity_corpus_free(c);
}

static void test_explain(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *sub =
        add_sub(c, "Recruitment and merit", "Merit pay in agencies.", "recruitment, merit");
    struct affinity_doc *rev = add_rev(c, "merit systems, recruiting", "Teaching.");
    affinity_corpus_finish(c);
    char **terms;
    double *weights;
    size_t n = affinity_explain(c, sub, rev, &terms, &weights);
    assert_int_equal(n, 2);
    double sum = 0;
    for (size_t k = 0; k < n; k++) {
        assert_true(strcmp(terms[k], "recruitment") == 0 || strcmp(terms[k], "merit") == 0);
        assert_true(weights[k] > 0);
        if (k)
            assert_true(weights[k - 1] >= weights[k]);
        sum += weights[k];
    }
    assert_true(fabs(sum - affinity_score(c, sub, rev)) < 1e-12);
    affinity_explain_free(terms, weights, n);
    affinity_corpus_free(c);
}

static void test_phrases(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *sub = add_sub(c, NULL,
                                       "Reforms of the civil service. Service quality in civil "
                                       "courts.",
                                       NULL);
    struct affinity_doc *rev = add_rev(c, "Civil Service", NULL);
    /* A phrase is shown as the keyword was written, hyphen and all. */
    struct affinity_doc *merit = add_sub(c, NULL, NULL, "Merit-Based  Recruitment; ethics");
    struct affinity_doc *merit_rev = add_rev(c, NULL, "Studies merit based recruitment.");
    /* The same words, but never adjacent: no phrase. */
    struct affinity_doc *apart = add_sub(c, NULL, "Service quality in civil courts.", NULL);
    affinity_corpus_finish(c);
    assert_true(explain_has(c, sub, rev, "civil service"));
    assert_true(explain_has(c, sub, rev, "civil"));
    assert_false(explain_has(c, apart, rev, "civil service"));
    assert_true(explain_has(c, merit, merit_rev, "merit-based recruitment"));
    assert_true(explain_has(c, merit, merit_rev, "recruitment"));
    assert_true(affinity_score(c, sub, rev) > affinity_score(c, apart, rev));
    affinity_corpus_free(c);
}

static void test_empty_documents(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *empty = add_sub(c, "", NULL, "");
    struct affinity_doc *punct = add_rev(c, ";;, --- ...", "!!! ??? 1 a");
    struct affinity_doc *none;
    assert_int_equal(affinity_doc_add(c, NULL, 0, &none), 0);
    struct affinity_doc *rev = add_rev(c, "budgeting", "Local government.");
    affinity_corpus_finish(c);
    assert_true(affinity_score(c, empty, rev) == 0);
    assert_true(affinity_score(c, rev, empty) == 0);
    assert_true(affinity_score(c, empty, empty) == 0);
    assert_true(affinity_score(c, punct, rev) == 0);
    assert_true(affinity_score(c, none, rev) == 0);
    char **terms;
    double *weights;
    assert_int_equal(affinity_explain(c, empty, rev, &terms, &weights), 0);
    assert_null(terms);
    affinity_explain_free(terms, weights, 0);
    affinity_corpus_free(c);
}

static void test_mixed_script(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    struct affinity_doc *sub =
        add_sub(c, "Цифровизация public services в регионах",
                "Цифровые сервисы (digital services) для граждан.", "цифровизация, e-government");
    struct affinity_doc *rev = add_rev(c, "цифровизации; public service delivery", NULL);
    /* Invalid UTF-8 separates words and does not derail the rest. */
    struct affinity_doc *broken = add_rev(c,
                                          "regions\xff\xfe"
                                          "цифровизация\xc3",
                                          NULL);
    affinity_corpus_finish(c);
    assert_true(explain_has(c, sub, rev, "цифровизация"));
    assert_true(explain_has(c, sub, rev, "services"));
    assert_true(explain_has(c, sub, broken, "цифровизация"));
    affinity_corpus_free(c);
}

static void test_index_matches_pairwise(void **state)
{
    (void)state;
    struct affinity_corpus *c = new_corpus();
    static const char *const topics[] = {"budget",  "recruitment", "оценка",  "ethics",
                                         "digital", "procurement", "закупки", "decentralisation"};
    struct affinity_doc *subs[6], *revs[20];
    char a[200], b[200];
    for (int i = 0; i < 6; i++) {
        snprintf(a, sizeof(a), "%s and %s", topics[i % 8], topics[(i * 3 + 1) % 8]);
        subs[i] = add_sub(c, a, "A study of public administration.", topics[(i + 2) % 8]);
    }
    for (int j = 0; j < 20; j++) {
        snprintf(a, sizeof(a), "%s; %s", topics[j % 8], topics[(j * 5 + 3) % 8]);
        snprintf(b, sizeof(b), "Profile number %d", j % 3);
        revs[j] = add_rev(c, a, b);
    }
    affinity_corpus_finish(c);
    struct affinity_index *ix;
    assert_int_equal(affinity_index_new(c, (const struct affinity_doc *const *)revs, 20, &ix), 0);
    double scores[20];
    uint32_t hits[20];
    for (int i = 0; i < 6; i++) {
        size_t nhits = affinity_index_score(ix, subs[i], scores, hits);
        size_t nonzero = 0;
        for (int j = 0; j < 20; j++) {
            assert_true(fabs(scores[j] - affinity_score(c, subs[i], revs[j])) < 1e-15);
            nonzero += scores[j] != 0;
        }
        assert_int_equal(nhits, nonzero);
        for (size_t k = 0; k < nhits; k++)
            assert_true(scores[hits[k]] > 0);
        assert_true(nhits > 0);
    }
    affinity_index_free(ix);
    affinity_corpus_free(c);
}

static void test_misuse(void **state)
{
    (void)state;
    struct affinity_corpus *c;
    assert_int_equal(affinity_corpus_new(&c), 0);
    struct affinity_doc *doc;
    struct affinity_field bad = {"text", 0, false};
    assert_int_equal(affinity_doc_add(c, &bad, 1, &doc), JOURNAL_EINTERNAL);
    assert_null(doc);
    struct affinity_doc *sub = add_sub(c, "budget", NULL, NULL);
    struct affinity_index *ix;
    assert_int_equal(affinity_index_new(c, (const struct affinity_doc *const *)&sub, 1, &ix),
                     JOURNAL_EINTERNAL);
    assert_true(affinity_score(c, sub, sub) == 0);
    affinity_corpus_finish(c);
    affinity_corpus_finish(c);
    struct affinity_field ok = {"text", 1, false};
    assert_int_equal(affinity_doc_add(c, &ok, 1, &doc), JOURNAL_EINTERNAL);
    error_clear();
    affinity_corpus_free(c);
    affinity_corpus_free(NULL);
    affinity_index_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_english_stemming),
        cmocka_unit_test(test_russian_stemming),
        cmocka_unit_test(test_stop_words),
        cmocka_unit_test(test_matching_reviewer_ranks_higher),
        cmocka_unit_test(test_explain),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_empty_documents),
        cmocka_unit_test(test_mixed_script),
        cmocka_unit_test(test_index_matches_pairwise),
        cmocka_unit_test(test_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
