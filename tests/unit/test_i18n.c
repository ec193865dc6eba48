/* The site's interface strings: parsing, plural rules, placeholders, and errors with lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "site/i18n.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static struct i18n *parse_ok(const char *lang, const char *text)
{
    struct i18n *t = NULL;
    if (i18n_parse(&t, lang, "ru.yaml", text, strlen(text)) != 0)
        fail_msg("unexpected error: %s", error_message());
    return t;
}

static void expect_error(const char *text, const char *message)
{
    struct i18n *t = NULL;
    assert_int_equal(i18n_parse(&t, "ru", "ru.yaml", text, strlen(text)), JOURNAL_EINPUT);
    assert_null(t);
    if (!strstr(error_message(), message))
        fail_msg("expected \"%s\" in:\n%s", message, error_message());
}

static void test_plural_categories(void **state)
{
    (void)state;
    static const struct {
        unsigned long n;
        const char *ru, *en;
    } cases[] = {{0, "many", "other"},   {1, "one", "one"},      {2, "few", "other"},
                 {4, "few", "other"},    {5, "many", "other"},   {11, "many", "other"},
                 {12, "many", "other"},  {14, "many", "other"},  {21, "one", "other"},
                 {22, "few", "other"},   {25, "many", "other"},  {101, "one", "other"},
                 {111, "many", "other"}, {112, "many", "other"}, {1002, "few", "other"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(i18n_plural_category("ru", cases[i].n), cases[i].ru);
        assert_string_equal(i18n_plural_category("en", cases[i].n), cases[i].en);
    }
}

static void test_texts_plurals_and_placeholders(void **state)
{
    (void)state;
    struct i18n *t = parse_ok("ru", "nav_home: Главная\n"
                                    "articles: {one: \"{n} статья\", few: \"{n} статьи\", "
                                    "many: \"{n} статей\", other: \"{n} статьи\"}\n"
                                    "headline: \"{articles} авторов из {countries}\"\n");
    assert_string_equal(i18n_lang(t), "ru");
    assert_string_equal(i18n_text(t, "nav_home"), "Главная");
    /* A missing key shows itself, so a gap in a translation is visible, not a crash. */
    assert_string_equal(i18n_text(t, "nav_missing"), "nav_missing");
    char *s = i18n_plural(t, "articles", 1);
    assert_string_equal(s, "1 статья");
    free(s);
    s = i18n_plural(t, "articles", 3);
    assert_string_equal(s, "3 статьи");
    free(s);
    s = i18n_plural(t, "articles", 11);
    assert_string_equal(s, "11 статей");
    free(s);
    s = i18n_plural(t, "articles", 21);
    assert_string_equal(s, "21 статья");
    free(s);
    const char *names[] = {"articles", "countries", NULL};
    const char *values[] = {"9 статей", "{n} стран", NULL};
    /* Values are inserted as they are: a brace in a value is not a placeholder. */
    s = i18n_format(t, "headline", names, values);
    assert_string_equal(s, "9 статей авторов из {n} стран");
    free(s);
    const char *other[] = {"x", NULL};
    s = i18n_format(t, "headline", other, other);
    assert_string_equal(s, "{articles} авторов из {countries}");
    free(s);

    json_t *o = i18n_json(t);
    assert_string_equal(json_string_value(json_object_get(o, "nav_home")), "Главная");
    assert_null(json_object_get(o, "articles")); /* plurals are for C code */
    json_decref(o);
    i18n_free(t);
}

static void test_english_plural_falls_back_to_other(void **state)
{
    (void)state;
    struct i18n *t = parse_ok("en", "articles: {one: \"{n} article\", other: \"{n} articles\"}\n");
    char *s = i18n_plural(t, "articles", 0);
    assert_string_equal(s, "0 articles");
    free(s);
    s = i18n_plural(t, "articles", 1);
    assert_string_equal(s, "1 article");
    free(s);
    i18n_free(t);
}

static void test_errors_name_the_line(void **state)
{
    (void)state;
    expect_error("a: b\nc: [d\n", "ru.yaml:");
    expect_error("- a\n- b\n", "ru.yaml:1:1: expected a mapping from interface keys");
    expect_error("a: x\nn: {one: \"{n} x\", some: \"{n} y\", other: z}\n",
                 "ru.yaml:2:19: expected a plural form: one, few, many or other");
    expect_error("a: x\nn: {one: \"{n} x\"}\n", "ru.yaml:2:4: expected an 'other' form");
    expect_error("a: x\na: y\n", "ru.yaml:2:1: 'a' is given twice");
    expect_error("a: [x, y]\n", "ru.yaml:1:4: expected the text for 'a'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plural_categories),
        cmocka_unit_test(test_texts_plurals_and_placeholders),
        cmocka_unit_test(test_english_plural_falls_back_to_other),
        cmocka_unit_test(test_errors_name_the_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
