/*
 * Tests for util/mofile, model/country and model/language against the
 * iso-codes data installed on the machine.
 *
 * Usage: test_country [JSON_DIR [LOCALE_DIR]]
 * (defaults: /usr/share/iso-codes/json and /usr/share/locale)
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/country.h"
#include "model/language.h"
#include "util/error.h"
#include "util/mofile.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *json_dir;
static const char *locale_dir;
static struct country_db *countries;
static struct language_db *languages;

static int open_databases(void **state)
{
    (void)state;
    if (country_db_open(&countries, json_dir, locale_dir) ||
        language_db_open(&languages, json_dir, locale_dir)) {
        fprintf(stderr, "cannot open iso-codes data: %s\n", error_message());
        return -1;
    }
    return 0;
}

static int close_databases(void **state)
{
    (void)state;
    country_db_free(countries);
    language_db_free(languages);
    error_clear();
    return 0;
}

static void assert_country(const char *text, const char *alpha2)
{
    const struct country *c = country_lookup(countries, text);
    if (!c)
        fail_msg("\"%s\" did not resolve (expected %s)", text, alpha2);
    if (strcmp(c->alpha2, alpha2))
        fail_msg("\"%s\" resolved to %s, expected %s", text, c->alpha2, alpha2);
}

static void assert_unknown(const char *text)
{
    const struct country *c = country_lookup(countries, text);
    if (c)
        fail_msg("\"%s\" unexpectedly resolved to %s", text, c->alpha2);
}

/* ---- mofile ------------------------------------------------------------- */

struct mo_message {
    const char *msgid;
    size_t msgid_len; /* explicit so that plural entries can embed a NUL */
    const char *msgstr;
    size_t msgstr_len;
};

static void put_u32(struct strbuf *sb, uint32_t value, int big_endian)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[big_endian ? 3 - i : i] = (unsigned char)(value >> (8 * i));
    strbuf_add(sb, b, 4);
}

/* A .mo image in the layout msgfmt writes, without a hash table. */
static void build_mo(struct strbuf *sb, const struct mo_message *messages, size_t n, int big_endian)
{
    uint32_t originals = 28, translations = originals + 8 * (uint32_t)n;
    uint32_t strings = translations + 8 * (uint32_t)n;
    put_u32(sb, 0x950412de, big_endian);
    put_u32(sb, 0, big_endian);
    put_u32(sb, (uint32_t)n, big_endian);
    put_u32(sb, originals, big_endian);
    put_u32(sb, translations, big_endian);
    put_u32(sb, 0, big_endian);
    put_u32(sb, strings, big_endian);

    uint32_t offset = strings;
    for (size_t i = 0; i < n; i++) {
        put_u32(sb, (uint32_t)messages[i].msgid_len, big_endian);
        put_u32(sb, offset, big_endian);
        offset += (uint32_t)messages[i].msgid_len + 1;
    }
    for (size_t i = 0; i < n; i++) {
        put_u32(sb, (uint32_t)messages[i].msgstr_len, big_endian);
        put_u32(sb, offset, big_endian);
        offset += (uint32_t)messages[i].msgstr_len + 1;
    }
    for (size_t i = 0; i < n; i++)
        strbuf_add(sb, messages[i].msgid, messages[i].msgid_len + 1);
    for (size_t i = 0; i < n; i++)
        strbuf_add(sb, messages[i].msgstr, messages[i].msgstr_len + 1);
}

#define MSG(id, str)                                                                               \
    {                                                                                              \
        id, sizeof(id) - 1, str, sizeof(str) - 1                                                   \
    }

static const struct mo_message sample[] = {
    MSG("", "Content-Type: text/plain; charset=UTF-8\n"),
    MSG("Kazakhstan", "Казахстан"),
    MSG("Armenia", "Армения"), /* out of order on purpose */
    MSG("one apple\0many apples", "одно яблоко\0много яблок"),
    MSG("menu\004Open", "Открыть"),
    MSG("Untranslated", ""),
};

static void check_sample(int big_endian)
{
    struct strbuf sb = STRBUF_INIT;
    struct mofile *mo;
    build_mo(&sb, sample, sizeof(sample) / sizeof(sample[0]), big_endian);
    assert_int_equal(mofile_parse(&mo, sb.buf, sb.len, "sample.mo"), 0);
    assert_int_equal(mofile_count(mo), 4);
    assert_string_equal(mofile_lookup(mo, "Kazakhstan"), "Казахстан");
    assert_string_equal(mofile_lookup(mo, "Armenia"), "Армения");
    assert_string_equal(mofile_lookup(mo, "one apple"), "одно яблоко");
    assert_string_equal(mofile_lookup(mo, "menu\004Open"), "Открыть");
    assert_null(mofile_lookup(mo, "Open"));
    assert_null(mofile_lookup(mo, ""));
    assert_null(mofile_lookup(mo, "Untranslated"));
    assert_null(mofile_lookup(mo, "Atlantis"));
    mofile_free(mo);
    strbuf_release(&sb);
}

static void test_mofile_little_endian(void **state)
{
    (void)state;
    check_sample(0);
}

static void test_mofile_big_endian(void **state)
{
    (void)state;
    check_sample(1);
}

static void test_mofile_rejects_corrupt_images(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    struct mofile *mo = (struct mofile *)&sb; /* must be reset to NULL on failure */
    build_mo(&sb, sample, sizeof(sample) / sizeof(sample[0]), 0);

    assert_int_equal(mofile_parse(&mo, sb.buf, 20, "short.mo"), JOURNAL_EINTERNAL);
    assert_null(mo);
    assert_non_null(strstr(error_message(), "short.mo"));

    /* Cut inside the string data: the last strings run past the end. */
    assert_int_equal(mofile_parse(&mo, sb.buf, sb.len - 5, "cut.mo"), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "cut.mo"));

    /* A message count the file cannot hold. */
    char *copy = malloc(sb.len);
    memcpy(copy, sb.buf, sb.len);
    memset(copy + 8, 0xff, 4);
    assert_int_equal(mofile_parse(&mo, copy, sb.len, "count.mo"), JOURNAL_EINTERNAL);

    /* A string whose terminating NUL is not where its length says. */
    memcpy(copy, sb.buf, sb.len);
    copy[28] = 2; /* length of the first original ("") becomes 2 */
    assert_int_equal(mofile_parse(&mo, copy, sb.len, "nul.mo"), JOURNAL_EINTERNAL);

    memcpy(copy, sb.buf, sb.len);
    copy[0] = 'x';
    assert_int_equal(mofile_parse(&mo, copy, sb.len, "magic.mo"), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "magic"));

    memcpy(copy, sb.buf, sb.len);
    copy[6] = 2; /* major revision 2 */
    assert_int_equal(mofile_parse(&mo, copy, sb.len, "revision.mo"), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "revision"));

    free(copy);
    strbuf_release(&sb);
}

static void test_mofile_reads_iso_codes(void **state)
{
    (void)state;
    char path[4096];
    struct mofile *mo;
    snprintf(path, sizeof(path), "%s/ru/LC_MESSAGES/iso_3166-1.mo",
             locale_dir ? locale_dir : "/usr/share/locale");
    assert_int_equal(mofile_open(&mo, path), 0);
    assert_true(mofile_count(mo) > 200);
    assert_string_equal(mofile_lookup(mo, "Kazakhstan"), "Казахстан");
    assert_string_equal(mofile_lookup(mo, "Korea, Republic of"), "Республика Корея");
    assert_null(mofile_lookup(mo, "Atlantis"));
    mofile_free(mo);

    assert_int_equal(mofile_open(&mo, "/nonexistent/file.mo"), JOURNAL_EINTERNAL);
    assert_null(mo);
    assert_non_null(strstr(error_message(), "/nonexistent/file.mo"));
}

/* ---- countries ---------------------------------------------------------- */

static void test_by_code(void **state)
{
    (void)state;
    const struct country *kz = country_by_code(countries, "KZ");
    assert_non_null(kz);
    assert_string_equal(kz->alpha2, "KZ");
    assert_string_equal(kz->alpha3, "KAZ");
    assert_string_equal(kz->name, "Kazakhstan");
    assert_null(kz->common_name);
    assert_string_equal(kz->official_name, "Republic of Kazakhstan");
    assert_string_equal(kz->name_ru, "Казахстан");
    assert_ptr_equal(country_by_code(countries, "kz"), kz);
    assert_ptr_equal(country_by_code(countries, "Kz"), kz);
    assert_null(country_by_code(countries, "XX"));
    assert_null(country_by_code(countries, "K"));
    assert_null(country_by_code(countries, "KAZ"));
    assert_null(country_by_code(countries, " KZ"));
    assert_null(country_by_code(countries, "1Z"));
    assert_null(country_by_code(countries, ""));
    assert_null(country_by_code(countries, NULL));

    /* Every country is reachable by its own code. */
    assert_true(country_db_count(countries) >= 249);
    for (size_t i = 0; i < country_db_count(countries); i++) {
        const struct country *c = country_db_at(countries, i);
        assert_ptr_equal(country_by_code(countries, c->alpha2), c);
        assert_ptr_equal(country_lookup(countries, c->alpha3), c);
        assert_ptr_equal(country_lookup(countries, c->name), c);
    }
    assert_null(country_db_at(countries, country_db_count(countries)));
}

static void test_lookup_codes(void **state)
{
    (void)state;
    assert_country("KZ", "KZ");
    assert_country("kz", "KZ");
    assert_country(" kz ", "KZ");
    assert_country("KAZ", "KZ");
    assert_country("kaz", "KZ");
    assert_country("USA", "US");
    assert_country("us", "US");
    assert_country("GBR", "GB");
    assert_unknown("XX");
    assert_unknown("XXX");
}

static void test_lookup_english(void **state)
{
    (void)state;
    assert_country("Kazakhstan", "KZ");
    assert_country("KAZAKHSTAN", "KZ");
    assert_country("kazakhstan", "KZ");
    assert_country("Republic of Kazakhstan", "KZ");
    assert_country("Korea, Republic of", "KR");
    assert_country("south korea", "KR");
    assert_country("Bolivia", "BO");
    assert_country("Bolivia, Plurinational State of", "BO");
    assert_country("Plurinational State of Bolivia", "BO");
    assert_country("United States of America", "US");
    assert_country("Czech Republic", "CZ");
    assert_country("Viet Nam", "VN");
    assert_country("Vietnam", "VN");
    assert_country("Democratic Republic of the Congo", "CD");
    assert_country("Congo", "CG");
}

static void test_lookup_russian(void **state)
{
    (void)state;
    assert_country("Казахстан", "KZ");
    assert_country("казахстан", "KZ");
    assert_country("КАЗАХСТАН", "KZ");
    assert_country("кАзАхСтАн", "KZ");
    assert_country("Республика Казахстан", "KZ");
    assert_country("Российская Федерация", "RU");
    assert_country("РОССИЙСКАЯ ФЕДЕРАЦИЯ", "RU");
    assert_country("Республика Корея", "KR");
    assert_country("Южная Корея", "KR");
    assert_country("Северная Корея", "KP");
    /* iso-codes translations keep matching where the display name differs */
    assert_country("Соединённое Королевство", "GB");
    assert_country("Соединённые Штаты Америки", "US");
    assert_country("Соединённые штаты", "US");
    /* Ё folds with ё, and both with е as Russian text often writes it */
    assert_country("СОЕДИНЁННОЕ КОРОЛЕВСТВО", "GB");
    assert_country("Соединенное королевство", "GB");
    assert_country("Соединённые Штаты Америки", "US");
    /* the catalogue has a stress mark in "Респу́блика"; typed text does not */
    assert_country("Исламская Республика Иран", "IR");
    /* Kazakh letters fold too (none in the data; this only must not crash or match) */
    assert_unknown("ҚАЗАҚСТАН");
}

static void test_lookup_whitespace_and_accents(void **state)
{
    (void)state;
    assert_country("  Kazakhstan\t", "KZ");
    assert_country("\n Казахстан \r\n", "KZ");
    assert_country("United   States", "US");
    assert_country("Republic \t of\n Kazakhstan", "KZ");
    assert_country("Южная \u00a0 Корея", "KR"); /* no-break space */
    assert_unknown("Kazak hstan");
    assert_unknown("UnitedStates");

    assert_country("Türkiye", "TR");
    assert_country("TÜRKIYE", "TR");
    assert_country("Turkiye", "TR");
    assert_country("Cote d'Ivoire", "CI");
    assert_country("CÔTE D’IVOIRE", "CI"); /* typographic apostrophe */
    assert_country("Reunion", "RE");
    assert_country("Curacao", "CW");
    assert_country("Åland Islands", "AX");
    assert_country("Tu\xcc\x88rkiye", "TR"); /* decomposed ü */
    assert_country("Киргизия", "KG");
}

static void test_lookup_required_countries(void **state)
{
    (void)state;
    static const struct {
        const char *text, *alpha2;
    } cases[] = {
        {"KZ", "KZ"},
        {"Kazakhstan", "KZ"},
        {"Казахстан", "KZ"},
        {"Uzbekistan", "UZ"},
        {"Узбекистан", "UZ"},
        {"Kyrgyzstan", "KG"},
        {"Киргизия", "KG"},
        {"Кыргызстан", "KG"},
        {"Tajikistan", "TJ"},
        {"Таджикистан", "TJ"},
        {"Turkmenistan", "TM"},
        {"Туркменистан", "TM"},
        {"Georgia", "GE"},
        {"Грузия", "GE"},
        {"Armenia", "AM"},
        {"Армения", "AM"},
        {"Azerbaijan", "AZ"},
        {"Азербайджан", "AZ"},
        {"Moldova", "MD"},
        {"Молдавия", "MD"},
        {"Молдова", "MD"},
        {"Республика Молдова", "MD"},
        {"Ukraine", "UA"},
        {"Украина", "UA"},
        {"Mongolia", "MN"},
        {"Монголия", "MN"},
        {"Russia", "RU"},
        {"Россия", "RU"},
        {"Russian Federation", "RU"},
        {"China", "CN"},
        {"Китай", "CN"},
        {"Türkiye", "TR"},
        {"Turkey", "TR"},
        {"Турция", "TR"},
        {"Germany", "DE"},
        {"Германия", "DE"},
        {"United States", "US"},
        {"США", "US"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_country(cases[i].text, cases[i].alpha2);
}

static void test_lookup_short_forms(void **state)
{
    (void)state;
    assert_country("Iran", "IR");
    assert_country("Иран", "IR");
    assert_country("South Korea", "KR");
    assert_country("Republic of Korea", "KR");
    assert_country("USA", "US");
    assert_country("UK", "GB");
    assert_country("uk", "GB");
    assert_country("Great Britain", "GB");
    assert_country("Великобритания", "GB");
    assert_country("Белоруссия", "BY");
    assert_country("Беларусь", "BY");
    assert_country("Туркмения", "TM");
    assert_country("Laos", "LA");
    assert_country("Лаос", "LA");
    assert_country("Syria", "SY");
    assert_country("Сирия", "SY");
}

static void assert_first_suggestion(const char *text, const char *alpha2);

/* Official and common names of issue 16, in English and Russian. */
static void test_lookup_official_and_common_names(void **state)
{
    (void)state;
    assert_country("Кыргызская Республика", "KG");
    assert_country("кыргызская  республика", "KG");
    assert_country("Kyrgyz Republic", "KG");
    assert_country("Российская Федерация", "RU");
    assert_country("РФ", "RU");
    assert_country("КНР", "CN");
    assert_country("Китайская Народная Республика", "CN");
    assert_country("PRC", "CN");
    assert_country("U.S.A.", "US");
    assert_country("u.s.a.", "US");
    assert_country("U.S.", "US");
    assert_country("USA", "US");
    assert_country("United States of America", "US");
    assert_country("Соединенные Штаты Америки", "US");
    assert_country("U.K.", "GB");
    assert_country("UK", "GB");

    /* Parts of the United Kingdom resolve to it, with a note to say so. */
    static const char *const parts[] = {"England", "Scotland",  "Wales", "Northern Ireland",
                                        "Англия",  "Шотландия", "Уэльс"};
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        const char *note = NULL;
        const struct country *c = country_lookup_note(countries, parts[i], &note);
        if (!c || strcmp(c->alpha2, "GB"))
            fail_msg("\"%s\" did not resolve to GB", parts[i]);
        if (!note || !strstr(note, "United Kingdom"))
            fail_msg("\"%s\" resolved without a note", parts[i]);
    }
    /* The country's own names carry no note. */
    const char *note = "unset";
    assert_non_null(country_lookup_note(countries, "United Kingdom", &note));
    assert_null(note);
    note = "unset";
    assert_null(country_lookup_note(countries, "Atlantis", &note));
    assert_null(note);
}

/* Kosovo: XK, the code of the EU and the World Bank, though not in ISO 3166-1. */
static void test_kosovo(void **state)
{
    (void)state;
    assert_country("Kosovo", "XK");
    assert_country("XK", "XK");
    assert_country("xk", "XK");
    assert_country("XKX", "XK");
    assert_country("Косово", "XK");
    assert_country("Republic of Kosovo", "XK");
    assert_country("Республика Косово", "XK");
    const struct country *c = country_by_code(countries, "XK");
    assert_non_null(c);
    assert_string_equal(country_display_name(c, "en"), "Kosovo");
    assert_string_equal(country_display_name(c, "ru"), "Косово");
    assert_first_suggestion("Kosova", "XK");
    assert_first_suggestion("Косава", "XK");
}

static void test_lookup_unknown(void **state)
{
    (void)state;
    assert_unknown("Atlantis");
    assert_unknown("Атлантида");
    assert_unknown("Kazakstan");
    assert_unknown("Korea");
    assert_unknown("");
    assert_unknown("   ");
    assert_unknown("\xff\xfe");
    assert_unknown("Kazakh\xd0stan"); /* truncated UTF-8 sequence */
    assert_null(country_lookup(countries, NULL));
}

static void assert_first_suggestion(const char *text, const char *alpha2)
{
    const struct country *out[5];
    size_t n = country_suggest(countries, text, out, 5);
    if (!n)
        fail_msg("no suggestion for \"%s\" (expected %s)", text, alpha2);
    if (strcmp(out[0]->alpha2, alpha2))
        fail_msg("first suggestion for \"%s\" is %s, expected %s", text, out[0]->alpha2, alpha2);
}

static int suggestions_contain(const struct country **out, size_t n, const char *alpha2)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(out[i]->alpha2, alpha2))
            return 1;
    return 0;
}

static void test_suggest(void **state)
{
    (void)state;
    assert_first_suggestion("Kazakstan", "KZ");
    assert_first_suggestion("Kazakhtsan", "KZ"); /* transposition */
    assert_first_suggestion("kazahstan", "KZ");
    assert_first_suggestion("Узбекистанн", "UZ");
    assert_first_suggestion("узбекистан", "UZ"); /* exact text suggests itself */
    assert_first_suggestion("Казахстн", "KZ");
    assert_first_suggestion("Germny", "DE");
    assert_first_suggestion("Tadjikistan", "TJ");
    assert_first_suggestion("Kirgizstan", "KG");
    assert_first_suggestion("Macedonia", "MK");
    assert_first_suggestion("Росия", "RU");
    assert_first_suggestion("Кыргызская Респулика", "KG");
    assert_first_suggestion("Englnd", "GB");

    const struct country *out[5];
    size_t n = country_suggest(countries, "Uzbekistann", out, 5);
    assert_true(n >= 1);
    assert_string_equal(out[0]->alpha2, "UZ");
    /* suggestions are distinct countries */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            assert_ptr_not_equal(out[i], out[j]);

    n = country_suggest(countries, "Korea", out, 5);
    assert_true(n >= 2);
    assert_true(suggestions_contain(out, n, "KR"));
    assert_true(suggestions_contain(out, n, "KP"));

    /* Cyrillic text is compared with Russian names only, so both Koreas come back. */
    n = country_suggest(countries, "Корея", out, 5);
    assert_true(suggestions_contain(out, n, "KR"));
    assert_true(suggestions_contain(out, n, "KP"));

    /* max caps the count */
    n = country_suggest(countries, "Guinea", out, 1);
    assert_int_equal(n, 1);
    assert_string_equal(out[0]->alpha2, "GN");
    n = country_suggest(countries, "Guinea", out, 5);
    assert_true(n >= 3); /* Guinea, Guinea-Bissau, Equatorial Guinea, Papua New Guinea */
    assert_string_equal(out[0]->alpha2, "GN");

    /* nothing is offered for text resembling no country */
    assert_int_equal(country_suggest(countries, "xyzzy", out, 5), 0);
    assert_int_equal(country_suggest(countries, "Абвгдеёж", out, 5), 0);
    assert_int_equal(country_suggest(countries, "", out, 5), 0);
    assert_int_equal(country_suggest(countries, "  ", out, 5), 0);
    assert_int_equal(country_suggest(countries, NULL, out, 5), 0);
    assert_int_equal(country_suggest(countries, "Kazakstan", out, 0), 0);
    country_suggest(countries, "\xff\xfe\xd0", out, 5); /* must not crash */
}

static void assert_display(const char *alpha2, const char *en, const char *ru)
{
    const struct country *c = country_by_code(countries, alpha2);
    assert_non_null(c);
    assert_string_equal(country_display_name(c, "en"), en);
    assert_string_equal(country_display_name(c, NULL), en);
    assert_string_equal(country_display_name(c, "kk"), en);
    assert_string_equal(country_display_name(c, "ru"), ru);
    assert_string_equal(country_display_name(c, "ru-RU"), ru);
    assert_string_equal(country_display_name(c, "RU"), ru);
}

static void test_display_names(void **state)
{
    (void)state;
    assert_display("KZ", "Kazakhstan", "Казахстан");
    assert_display("BO", "Bolivia", "Боливия");
    assert_display("MD", "Moldova", "Молдова");
    assert_display("IR", "Iran", "Иран");
    assert_display("RU", "Russian Federation", "Российская Федерация");
    assert_display("KR", "South Korea", "Южная Корея");
    assert_display("KP", "North Korea", "Северная Корея");
    assert_display("KG", "Kyrgyzstan", "Кыргызстан");
    assert_display("TR", "Türkiye", "Турция");
    assert_display("GB", "United Kingdom", "Великобритания");
    assert_display("US", "United States", "США");
    assert_display("LA", "Laos", "Лаос");
    assert_display("SY", "Syria", "Сирия");
    assert_display("TW", "Taiwan", "Тайвань");
    assert_display("VN", "Vietnam", "Вьетнам");
    assert_display("CD", "Democratic Republic of the Congo", "Демократическая Республика Конго");
    assert_display("PS", "Palestine", "Палестина");
    assert_null(country_display_name(NULL, "en"));

    /* "ru" falls back to English when there is no Russian name */
    struct country fake = {"XA", "XAA", "Xanadu", NULL, NULL, NULL, "Xanadu"};
    assert_string_equal(country_display_name(&fake, "ru"), "Xanadu");

    /* every country has a display name in both languages */
    for (size_t i = 0; i < country_db_count(countries); i++) {
        const struct country *c = country_db_at(countries, i);
        assert_non_null(country_display_name(c, "en"));
        assert_non_null(c->name_ru);
    }
}

static void test_missing_data(void **state)
{
    (void)state;
    struct country_db *db = (struct country_db *)&db;
    assert_int_equal(country_db_open(&db, "/nonexistent/json", locale_dir), JOURNAL_EINTERNAL);
    assert_null(db);
    assert_non_null(strstr(error_message(), "/nonexistent/json/iso_3166-1.json"));
    assert_non_null(strstr(error_message(), "iso-codes"));

    assert_int_equal(country_db_open(&db, json_dir, "/nonexistent/locale"), JOURNAL_EINTERNAL);
    assert_null(db);
    assert_non_null(strstr(error_message(), "/nonexistent/locale/ru/LC_MESSAGES/iso_3166-1.mo"));
    assert_non_null(strstr(error_message(), "iso-codes"));

    struct language_db *ldb = (struct language_db *)&ldb;
    assert_int_equal(language_db_open(&ldb, "/nonexistent/json", locale_dir), JOURNAL_EINTERNAL);
    assert_null(ldb);
    assert_non_null(strstr(error_message(), "/nonexistent/json/iso_639-2.json"));
    assert_non_null(strstr(error_message(), "iso-codes"));

    assert_int_equal(language_db_open(&ldb, json_dir, "/nonexistent/locale"), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "/nonexistent/locale/ru/LC_MESSAGES/iso_639-2.mo"));
}

static void test_malformed_json(void **state)
{
    (void)state;
    char dir[] = "/tmp/journal-test-country-XXXXXX";
    if (!mkdtemp(dir))
        fail_msg("mkdtemp failed");
    char path[256];
    snprintf(path, sizeof(path), "%s/iso_3166-1.json", dir);

    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"3166-1\": [{\"alpha_2\": \"KZ\"", fp);
    fclose(fp);
    struct country_db *db;
    assert_int_equal(country_db_open(&db, dir, locale_dir), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), path));

    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"3166-1\": [{\"alpha_2\": \"kz\", \"alpha_3\": \"KAZ\", \"name\": \"K\"}]}", fp);
    fclose(fp);
    assert_int_equal(country_db_open(&db, dir, locale_dir), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "entry 1"));

    /* A minimal valid list works, and aliases for absent codes are skipped. */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("{\"3166-1\": [{\"alpha_2\": \"KZ\", \"alpha_3\": \"KAZ\", \"name\": \"Kazakhstan\"}]}",
          fp);
    fclose(fp);
    assert_int_equal(country_db_open(&db, dir, locale_dir), 0);
    assert_int_equal(country_db_count(db), 2); /* and Kosovo, which ISO 3166-1 lacks */
    assert_string_equal(country_lookup(db, "Казахстан")->alpha2, "KZ");
    assert_string_equal(country_lookup(db, "Kosovo")->alpha2, "XK");
    assert_null(country_lookup(db, "Russia"));
    country_db_free(db);

    remove(path);
    remove(dir);
}

/* ---- languages ---------------------------------------------------------- */

static void assert_language(const char *code, const char *alpha2, const char *name,
                            const char *name_ru)
{
    const struct language *l = language_lookup(languages, code);
    if (!l)
        fail_msg("language \"%s\" did not resolve", code);
    assert_string_equal(l->code, alpha2);
    assert_string_equal(l->name, name);
    assert_string_equal(l->name_ru, name_ru);
}

static void test_languages(void **state)
{
    (void)state;
    assert_language("en", "en", "English", "английский");
    assert_language("EN", "en", "English", "английский");
    assert_language("eng", "en", "English", "английский");
    assert_language("ru", "ru", "Russian", "русский");
    assert_language("RUS", "ru", "Russian", "русский");
    assert_language("kk", "kk", "Kazakh", "казахский");
    assert_language("kaz", "kk", "Kazakh", "казахский");
    assert_language(" uz ", "uz", "Uzbek", "узбекский");
    assert_language("de", "de", "German", "немецкий");
    assert_language("deu", "de", "German", "немецкий");
    assert_language("ger", "de", "German", "немецкий"); /* bibliographic code */
    assert_language("ky", "ky", "Kirghiz; Kyrgyz", "киргизский");

    const struct language *de = language_lookup(languages, "de");
    assert_string_equal(de->alpha3, "deu");
    assert_string_equal(de->bibliographic, "ger");
    assert_string_equal(language_lookup(languages, "en")->bibliographic, "");

    assert_null(language_lookup(languages, "xx"));
    assert_null(language_lookup(languages, "xxx"));
    assert_null(language_lookup(languages, "ace")); /* Achinese: no alpha-2 code */
    assert_null(language_lookup(languages, "e"));
    assert_null(language_lookup(languages, "engl"));
    assert_null(language_lookup(languages, "e1"));
    assert_null(language_lookup(languages, ""));
    assert_null(language_lookup(languages, NULL));

    size_t count = language_db_count(languages);
    assert_true(count > 180 && count < 200);
    for (size_t i = 0; i < count; i++) {
        const struct language *l = language_db_at(languages, i);
        assert_ptr_equal(language_lookup(languages, l->code), l);
        assert_ptr_equal(language_lookup(languages, l->alpha3), l);
        assert_non_null(l->name);
    }
    assert_null(language_db_at(languages, count));
}

/* Debian's tables are read once per process and shared; tables named by path are one's own. */
static void test_default_tables_shared(void **state)
{
    (void)state;
    struct country_db *a = NULL, *b = NULL, *own = NULL;
    assert_int_equal(country_db_open(&a, NULL, NULL), 0);
    assert_int_equal(country_db_open(&b, NULL, NULL), 0);
    assert_ptr_equal(a, b);
    assert_int_equal(country_db_open(&own, "/usr/share/iso-codes/json", "/usr/share/locale"), 0);
    assert_ptr_not_equal(own, a);
    country_db_free(a);
    /* Still usable by its other user. */
    assert_string_equal(country_lookup(b, "Kazakhstan")->alpha2, "KZ");
    country_db_free(b);
    country_db_free(own);
    struct language_db *l1 = NULL, *l2 = NULL;
    assert_int_equal(language_db_open(&l1, NULL, NULL), 0);
    assert_int_equal(language_db_open(&l2, NULL, NULL), 0);
    assert_ptr_equal(l1, l2);
    language_db_free(l1);
    assert_non_null(language_lookup(l2, "ru"));
    language_db_free(l2);
}

int main(int argc, char **argv)
{
    json_dir = argc > 1 ? argv[1] : NULL;
    locale_dir = argc > 2 ? argv[2] : NULL;

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_tables_shared),
        cmocka_unit_test(test_mofile_little_endian),
        cmocka_unit_test(test_mofile_big_endian),
        cmocka_unit_test(test_mofile_rejects_corrupt_images),
        cmocka_unit_test(test_mofile_reads_iso_codes),
        cmocka_unit_test(test_by_code),
        cmocka_unit_test(test_lookup_codes),
        cmocka_unit_test(test_lookup_english),
        cmocka_unit_test(test_lookup_russian),
        cmocka_unit_test(test_lookup_whitespace_and_accents),
        cmocka_unit_test(test_lookup_required_countries),
        cmocka_unit_test(test_lookup_short_forms),
        cmocka_unit_test(test_lookup_official_and_common_names),
        cmocka_unit_test(test_kosovo),
        cmocka_unit_test(test_lookup_unknown),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_display_names),
        cmocka_unit_test(test_missing_data),
        cmocka_unit_test(test_malformed_json),
        cmocka_unit_test(test_languages),
    };
    return cmocka_run_group_tests(tests, open_databases, close_databases);
}
