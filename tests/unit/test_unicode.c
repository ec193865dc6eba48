/*
 * util/unicode.c: display width and truncation for terminal tables (Cyrillic,
 * Hangul, CJK, combining accents, emoji, invalid UTF-8) and the nearest-name
 * suggestions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/strbuf.h"
#include "util/unicode.h"
#include "util/utf8.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void assert_width(const char *s, size_t expected)
{
    size_t got = text_display_width(s);
    if (got != expected)
        fail_msg("'%s' is %zu columns wide, expected %zu", s, got, expected);
}

static void test_display_width(void **state)
{
    (void)state;
    assert_width("", 0);
    assert_width("Asel Bekova", 11);
    assert_width("Айгерим Нурлановна", 18); /* Cyrillic: one column a letter */
    assert_width("김민준", 6);              /* Hangul syllables: two each */
    assert_width("\u1100\u1161\u11A8", 2);  /* the same as jamo: one syllable */
    assert_width("王小明", 6);              /* CJK ideographs */
    assert_width("ＡＢ", 4);                /* fullwidth Latin */
    assert_width("Jose\u0301", 4);          /* e + combining acute */
    assert_width("e\u0301\u0323", 1);       /* two marks on one letter */
    assert_width("😀", 2);                   /* emoji presentation */
    assert_width("\u2764\uFE0F", 2);        /* text heart made a picture */
    assert_width("👩\u200D🔬", 2);            /* a ZWJ sequence: one picture */
    assert_width("🇰🇿", 2);                  /* a flag: two regional indicators */
    assert_width("a\u200Bb", 2);            /* zero-width space */
    assert_width("tab\there", 7);           /* controls take no column */
    assert_width("\xff\xfe", 2);            /* invalid bytes: one U+FFFD each */
}

static void assert_cut(const char *s, size_t width, const char *expected)
{
    char *got = text_truncate_to_width(s, width);
    if (strcmp(got, expected))
        fail_msg("'%s' cut to %zu: '%s', expected '%s'", s, width, got, expected);
    assert_true(utf8_validate(got, strlen(got), NULL));
    assert_true(text_display_width(got) <= width);
    free(got);
}

static void test_truncate(void **state)
{
    (void)state;
    assert_cut("Asel Bekova", 20, "Asel Bekova");
    assert_cut("Asel Bekova", 11, "Asel Bekova");
    assert_cut("Asel Bekova", 10, "Asel Beko…");
    assert_cut("Константинопольский Александр", 12, "Константино…");
    assert_cut("김민준 박서연", 6, "김민…"); /* 4 columns and the ellipsis: no half syllable */
    assert_cut("김민준 박서연", 5, "김민…");
    assert_cut("王小明", 4, "王…");
    assert_cut("Jose\u0301 Garci\u0301a", 5, "Jose\u0301…"); /* the accent stays with its e */
    assert_cut("Jose\u0301 Garci\u0301a", 4, "Jos…");
    assert_cut("👩\u200D🔬👩\u200D🔬", 3, "👩\u200D🔬…"); /* a ZWJ sequence is not split */
    assert_cut("🇰🇿🇺🇿", 3, "🇰🇿…");
    assert_cut("\u1100\u1161\u11A8\u1100\u1161\u11A8", 3, "\u1100\u1161\u11A8…");
    assert_cut("abc", 1, "…");
    assert_cut("abc", 0, "");
    assert_cut("ab\xff", 3, "ab\uFFFD"); /* never invalid UTF-8 out */

    /* Every cut of a long mixed name is valid UTF-8 and as wide as asked or narrower. */
    const char *name = "Бекова-Kim 김민준 王小明 José\u0301 😀 Ölçek";
    for (size_t w = 0; w < 40; w++) {
        char *got = text_truncate_to_width(name, w);
        assert_true(utf8_validate(got, strlen(got), NULL));
        size_t gw = text_display_width(got);
        assert_true(gw <= w);
        /* Short only by a wide character that did not fit. */
        if (w < text_display_width(name))
            assert_true(gw + 1 >= w);
        free(got);
    }
}

static void test_padded(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    text_add_padded(&sb, "Иванов", 8);
    strbuf_addch(&sb, '|');
    text_add_padded(&sb, "王小明王小明", 8);
    strbuf_addch(&sb, '|');
    text_add_padded(&sb, NULL, 2);
    strbuf_addch(&sb, '|');
    assert_string_equal(sb.buf, "Иванов  |王小明… |  |");
    strbuf_release(&sb);
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const states[] = {"pending", "queued", "sending", "sent", "failed", NULL};
    assert_string_equal(text_suggest("faild", states), "failed");
    assert_string_equal(text_suggest("fialed", states), "failed"); /* a transposition */
    assert_string_equal(text_suggest("QUEUED", states), "queued");
    assert_null(text_suggest("delivered", states));
    static const char *const languages[] = {"English", "Russian", "Kazakh", "Русский", NULL};
    assert_string_equal(text_suggest("Rusian", languages), "Russian");
    assert_string_equal(text_suggest("русскии", languages), "Русский");
    assert_null(text_suggest("x", languages));
}

/* ---- collation ---- */

static struct text_collator *open_collator(const char *lang)
{
    struct text_collator *c = NULL;
    assert_int_equal(text_collator_open(&c, lang), 0);
    assert_non_null(c);
    return c;
}

static const char *self(const void *element)
{
    return *(const char *const *)element;
}

static void assert_sorted_as(const char *lang, const char **in, const char *const *want, size_t n)
{
    struct text_collator *c = open_collator(lang);
    text_sort(c, in, n, sizeof(*in), self);
    for (size_t i = 0; i < n; i++)
        if (strcmp(in[i], want[i]))
            fail_msg("%s: position %zu is '%s', expected '%s'", lang, i, in[i], want[i]);
    /* text_collate agrees with the keys text_sort used */
    for (size_t i = 1; i < n; i++)
        assert_true(text_collate(c, want[i - 1], want[i]) <= 0);
    text_collator_free(c);
}

static void test_collate_russian(void **state)
{
    (void)state;
    /* Byte order puts США before Сингапур (Ш is U+0428, и U+0438) and Ёлкин before Абаев. */
    const char *in[] = {"США", "Сингапур", "Ёлкин", "Абаев", "Жуков", "ель", "Ель", "Яблоко"};
    /* ё is е but for its accent: Ёлкин among the Ел's, before "ель" (к before ь). */
    const char *const want[] = {"Абаев", "Ёлкин",    "ель", "Ель",
                                "Жуков", "Сингапур", "США", "Яблоко"};
    assert_sorted_as("ru", in, want, sizeof(in) / sizeof(in[0]));
    struct text_collator *c = open_collator("ru-RU"); /* a BCP 47 tag names the same rules */
    assert_true(text_collate(c, "Сингапур", "США") < 0);
    assert_int_equal(text_collate(c, "Россия", "Россия"), 0);
    text_collator_free(c);
}

static void test_collate_english(void **state)
{
    (void)state;
    /* Byte order puts every capital before every small letter and accented letters last. */
    const char *in[] = {"Åland Islands", "Albania", "zoning", "Éducation", "ethics", "Zambia"};
    const char *const want[] = {"Åland Islands", "Albania", "Éducation",
                                "ethics",        "Zambia",  "zoning"};
    assert_sorted_as("en", in, want, sizeof(in) / sizeof(in[0]));
    /* no language, or one ICU has no rules for: the root order, English's */
    const char *root[] = {"zoning", "Éducation", "Albania"};
    const char *const root_want[] = {"Albania", "Éducation", "zoning"};
    assert_sorted_as("", root, root_want, 3);
    const char *xx[] = {"zoning", "Éducation", "Albania"};
    assert_sorted_as("xx", xx, root_want, 3);
}

static void test_sort_key_parts(void **state)
{
    (void)state;
    struct text_collator *c = open_collator("ru");
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    /* By the first part, then the second: "Иванов, Яна" before "Ивановa-Петрова, Анна". */
    const char *x[] = {"Иванов", "Яна Иванов"}, *y[] = {"Иванова", "Анна Иванова"};
    text_sort_key(c, x, 2, &a);
    text_sort_key(c, y, 2, &b);
    assert_true(strcmp(a.buf, b.buf) < 0);
    assert_int_equal(strlen(a.buf), a.len); /* no NUL inside */
    /* equal first parts: the second decides */
    const char *p[] = {"Соколов", "Дмитрий Соколов"}, *q[] = {"Соколов", "Алексей Соколов"};
    strbuf_reset(&a);
    strbuf_reset(&b);
    text_sort_key(c, p, 2, &a);
    text_sort_key(c, q, 2, &b);
    assert_true(strcmp(a.buf, b.buf) > 0);
    /* invalid UTF-8 is a replacement character, not a crash */
    const char *bad[] = {"\xff\xfe"};
    strbuf_reset(&a);
    text_sort_key(c, bad, 1, &a);
    assert_true(a.len > 0);
    strbuf_release(&a);
    strbuf_release(&b);
    text_collator_free(c);
}

static void test_sort_stable(void **state)
{
    (void)state;
    struct text_collator *c = open_collator("en");
    struct item {
        const char *name;
        int order;
    } items[] = {{"b", 0}, {"a", 1}, {"b", 2}, {"a", 3}, {"b", 4}};
    text_sort(c, items, 5, sizeof(items[0]), self);
    static const int want[] = {1, 3, 0, 2, 4};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(items[i].order, want[i]);
    text_sort(c, items, 0, sizeof(items[0]), self);
    text_collator_free(c);
}

/* The key two writings of one name must share: transliterated, then spelling-folded. */
static char *match_key(const char *s)
{
    struct strbuf latin = STRBUF_INIT, key = STRBUF_INIT;
    assert_int_equal(text_latin_ascii(&latin, s), 0);
    text_spelling_fold(&key, latin.buf, latin.len);
    strbuf_release(&latin);
    return strbuf_detach(&key, NULL);
}

static void assert_same_key(const char *a, const char *b)
{
    char *ka = match_key(a), *kb = match_key(b);
    if (strcmp(ka, kb))
        fail_msg("\"%s\" (%s) and \"%s\" (%s) should meet", a, ka, b, kb);
    free(ka);
    free(kb);
}

static void test_latin_ascii(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    assert_int_equal(text_latin_ascii(&sb, "Дмитрий Соколов, Гумилёв; Chișinău 王伟"), 0);
    assert_string_equal(sb.buf, "dmitriy sokolov, gumilev; chisinau wang wei");
    strbuf_release(&sb);
    assert_int_equal(text_latin_ascii(&sb, ""), 0);
    assert_string_equal(sb.buf ? sb.buf : "", "");
    strbuf_release(&sb);
}

static void test_spelling_fold(void **state)
{
    (void)state;
    /* Real pairs: the Cyrillic and the romanisations people write their names in. */
    assert_same_key("Дмитрий", "Dmitry");
    assert_same_key("Дмитрий", "Dmitrij");
    assert_same_key("Dmitriy", "Dmitry");
    assert_same_key("Соколов", "Sokolov");
    assert_same_key("Юлия", "Yulia");
    assert_same_key("Юлия", "Julia");
    assert_same_key("Yuliya", "Julia");
    assert_same_key("Евгений", "Yevgeny");
    assert_same_key("Евгений", "Evgeny");
    assert_same_key("Евгений", "Evgenii");
    assert_same_key("Гумилёв", "Gumilyov");
    assert_same_key("Гумилёв", "Gumilev");
    assert_same_key("Алексей", "Aleksei");
    assert_same_key("Алексей", "Alexey");
    assert_same_key("Хабаров", "Habarov");
    assert_same_key("Андреев", "Andreev");
    assert_same_key("Фёдор", "Fyodor");
    assert_same_key("Jürgen", "JURGEN");
    assert_same_key("Линдквист", "Lindqvist");
    /* and different names stay different */
    char *a = match_key("Sokolov"), *b = match_key("Sobolev");
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    a = match_key("Иванов");
    b = match_key("Ivanova");
    assert_string_not_equal(a, b); /* the case ending is the name matcher's business */
    free(a);
    free(b);
}

static void *transliterate_many(void *arg)
{
    const char *const *expected = arg;
    for (int i = 0; i < 200; i++) {
        struct strbuf sb = STRBUF_INIT;
        if (text_latin_ascii(&sb, expected[0]) || strcmp(sb.buf, expected[1]))
            return (void *)1;
        strbuf_release(&sb);
    }
    return NULL;
}

/* ICU's transliterators are not thread-safe: each thread must get its own. */
static void test_latin_ascii_threads(void **state)
{
    (void)state;
    static const char *const one[] = {"Евразийский национальный университет", "yevraziyskiy "
                                                                              "natsional'nyy "
                                                                              "universitet"};
    static const char *const two[] = {"Щукин Хабаров", "shchukin khabarov"};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, transliterate_many, (void *)(i % 2 ? one : two));
    for (int i = 0; i < 4; i++) {
        void *failed;
        pthread_join(t[i], &failed);
        assert_null(failed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_display_width),
        cmocka_unit_test(test_truncate),
        cmocka_unit_test(test_padded),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_collate_russian),
        cmocka_unit_test(test_collate_english),
        cmocka_unit_test(test_sort_key_parts),
        cmocka_unit_test(test_sort_stable),
        cmocka_unit_test(test_latin_ascii),
        cmocka_unit_test(test_spelling_fold),
        cmocka_unit_test(test_latin_ascii_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
