#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "model/namematch.h"
#include <stdlib.h>
#include <string.h>

static bool same_person(const char *a, const char *b)
{
    struct name_form fa, fb;
    assert_int_equal(name_form_init(&fa, a), 0);
    assert_int_equal(name_form_init(&fb, b), 0);
    bool same = name_form_same_person(&fa, &fb) && name_form_same_person(&fb, &fa);
    name_form_free(&fa);
    name_form_free(&fb);
    return same;
}

static bool occurs(const char *name, const char *text)
{
    struct name_form fn, ft;
    assert_int_equal(name_form_init(&fn, name), 0);
    assert_int_equal(name_form_init(&ft, text), 0);
    bool found = name_form_occurs_in(&fn, &ft);
    name_form_free(&fn);
    name_form_free(&ft);
    return found;
}

static bool same_institution(const char *a, const char *ror_a, const char *b, const char *ror_b)
{
    struct institution_form fa, fb;
    assert_int_equal(institution_form_init(&fa, a, ror_a), 0);
    assert_int_equal(institution_form_init(&fb, b, ror_b), 0);
    bool same = institution_form_same(&fa, &fb) && institution_form_same(&fb, &fa);
    institution_form_free(&fa);
    institution_form_free(&fb);
    return same;
}

static void test_scripts_and_orders(void **state)
{
    (void)state;
    assert_true(same_person("Dmitry Sokolov", "Дмитрий Соколов"));
    assert_true(same_person("Dmitry Sokolov", "Соколов Дмитрий"));
    assert_true(same_person("Sokolov Dmitrij", "Дмитрий Иванович Соколов")); /* a patronymic */
    assert_true(same_person("Park Ji-ho", "Ji-ho Park"));
    assert_true(same_person("Yulia Gumilyova", "Юлия Гумилёва"));
    assert_true(same_person("Evgeny Alexeev", "Евгений Алексеев"));
    assert_false(same_person("Dmitry Sokolov", "Dmitry Sobolev"));
    assert_false(same_person("Dmitry Sokolov", "Sergei Sokolov"));
    assert_false(same_person("Sokolov", "Dmitry Sokolov")); /* one word is not a person */
    assert_true(same_person("UNDP", "undp"));
    assert_false(same_person("", ""));
}

static void test_initials_and_cases(void **state)
{
    (void)state;
    assert_true(same_person("D. Sokolov", "Дмитрий Соколов"));
    assert_true(same_person("Соколов Д.", "Dmitry Sokolov"));
    assert_true(same_person("Sokolov D", "Dmitry Sokolov"));
    assert_true(same_person("Ю. Соколова", "Julia Sokolova"));
    assert_true(same_person("Ж. Иванов", "Zhanna Ivanova"));
    assert_false(same_person("D. Sokolov", "Sergei Sokolov"));
    assert_false(same_person("D. S.", "Dmitry Sokolov")); /* initials alone are no one */
    /* a family name in a Russian case, in Cyrillic and in Latin letters */
    assert_true(same_person("Дмитрием Соколовым", "Dmitry Sokolov"));
    assert_true(same_person("Dmitry Sokolovym", "Dmitry Sokolov"));
    assert_true(same_person("Дмитрия Соколова", "Dmitry Sokolov"));
}

static void test_occurs_in_text(void **state)
{
    (void)state;
    assert_true(occurs("Park Ji-ho", "With best regards, Ji-ho Park, Reviewer 2"));
    assert_true(occurs("Dmitry Sokolov", "как показано Д. Соколовым (2020)"));
    assert_true(occurs("Соколов", "в работах Соколова и других"));
    assert_true(occurs("Соколов", "вместе с Соколовым"));
    assert_true(occurs("Соколов", "as Sokolova (2019) shows"));
    assert_false(occurs("Соколов", "Соболев и Соколиный"));
    assert_false(occurs("Park Ji-ho", "a park in Seoul"));
    assert_false(occurs("Dmitry Sokolov", "Dmitry met Anna. Sokolov came later"));
}

static void test_institutions(void **state)
{
    (void)state;
    assert_true(same_institution("L.N. Gumilyov Eurasian National University", NULL,
                                 "Евразийский национальный университет имени Л. Н. Гумилёва",
                                 NULL));
    assert_true(same_institution("Lomonosov Moscow State University", NULL,
                                 "Московский государственный университет имени М. В. Ломоносова",
                                 NULL));
    assert_false(same_institution("L.N. Gumilyov Eurasian National University", NULL,
                                  "Nazarbayev University", NULL));
    assert_false(
        same_institution("Kazan Federal University", NULL, "Ural Federal University", NULL));
    /* by ROR id where both have one, whatever the names */
    assert_true(same_institution("ENU", "https://ror.org/0242cby63",
                                 "Евразийский национальный университет",
                                 "https://ror.org/0242cby63"));
    assert_false(same_institution("Nazarbayev University", "https://ror.org/052bx8q98",
                                  "Nazarbayev University", "https://ror.org/0242cby63"));
    /* only generic words: the whole name must be the same */
    assert_true(same_institution("State University", NULL, "state  university", NULL));
    assert_false(same_institution("State University", NULL, "National University", NULL));
}

static char *key_of(const char *name)
{
    struct name_form f;
    assert_int_equal(name_form_init(&f, name), 0);
    char *key = name_form_key(&f);
    name_form_free(&f);
    return key;
}

/* The author index's key: the same words in any script and order, never a looser match. */
static void test_key(void **state)
{
    (void)state;
    char *a = key_of("Dmitry Sokolov"), *b = key_of("Соколов Дмитрий"),
         *c = key_of("Sokolova Dmitry");
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    free(a);
    free(b);
    free(c);
    assert_null(key_of("D. Sokolov"));
    assert_null(key_of(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripts_and_orders),
        cmocka_unit_test(test_initials_and_cases),
        cmocka_unit_test(test_occurs_in_text),
        cmocka_unit_test(test_institutions),
        cmocka_unit_test(test_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
