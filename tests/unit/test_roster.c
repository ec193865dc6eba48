/* The reviewer roster (reviewers.yaml): what is accepted, where each problem is reported, and
 * how names are compared for conflicts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/country.h"
#include "model/language.h"
#include "model/roster.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
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

static int parse(struct roster *r, const char *text)
{
    return roster_parse(r, "reviewers.yaml", text, strlen(text), countries, languages);
}

/* Parsing must fail, and the message must contain each expected fragment. */
static void expect_error(const char *text, const char *fragment)
{
    struct roster r;
    int rc = parse(&r, text);
    if (!rc)
        roster_free(&r);
    if (rc != JOURNAL_EINPUT || !strstr(error_message(), fragment))
        fail_msg("expected an error containing \"%s\"\ngot rc=%d: %s", fragment, rc,
                 rc ? error_message() : "(accepted)");
    assert_int_equal(r.count, 0);
    assert_null(r.reviewers);
}

/*
 * A roster whose second entry is "  - id: x\n" followed by the given fields; the
 * first entry (lines 2-8) is valid, so the second starts on line 9 and its first
 * field after id is on line 10.
 */
static void expect_entry_error(const char *fields, const char *fragment)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "reviewers:\n"
             "  - id: first\n"
             "    name: First Reviewer\n"
             "    email: first@example.org\n"
             "    affiliation:\n"
             "      name: UNDP\n"
             "      international: true\n"
             "    languages: [en]\n"
             "  - id: second\n"
             "%s",
             fields);
    expect_error(text, fragment);
}

/* The fields of a valid second entry, to be changed one at a time. */
#define NAME_EMAIL  "    name: Second Reviewer\n    email: second@example.org\n"
#define AFFILIATION "    affiliation: {name: Tbilisi State University, country: GE}\n"
#define LANGUAGES   "    languages: [ru]\n"

static const char valid[] =
    "# The journal's reviewers\n"
    "reviewers:\n"
    "  - id: asel-bekova\n"
    "    name: Asel Bekova\n"
    "    email: a.bekova@example.org\n"
    "    orcid: https://orcid.org/0000-0002-1825-0097\n"
    "    affiliation:\n"
    "      name: Academy of Public Administration\n"
    "      department: Centre for HR Research\n"
    "      country: Казахстан\n"
    "    languages: [en, RU]\n"
    "    keywords: [merit, recruitment, performance appraisal]\n"
    "    profile: |\n"
    "      Fifteen years in civil-service HR reform.\n"
    "    capacity: 2\n"
    "    conflicts:\n"
    "      people: [Aigerim Nurlanova, \"https://orcid.org/0000-0001-5109-3700\"]\n"
    "      institutions: [Nazarbayev University]\n"
    "    active: true\n"
    "  - id: nino-2\n"
    "    name: Nino Beridze\n"
    "    email: n.beridze@example.net\n"
    "    affiliation: [{name: Tbilisi State University, country: georgia}]\n"
    "    languages: rus, en\n"
    "    keywords: \"digital HR, registers , e-government\"\n"
    "    active: no\n"
    "  - id: jd\n"
    "    name: Jane Doe\n"
    "    email: j.doe@example.com\n"
    "    orcid: 0000-0001-5109-3700\n"
    "    affiliation:\n"
    "      name: United Nations Development Programme (UNDP)\n"
    "      international: true\n"
    "    languages: en\n"
    "    conflicts:\n"
    "      people: Aigerim Nurlanova\n";

static void test_valid_roster(void **state)
{
    (void)state;
    struct roster r;
    assert_int_equal(parse(&r, valid), 0);
    assert_int_equal(r.count, 3);

    const struct roster_reviewer *a = &r.reviewers[0];
    assert_string_equal(a->id, "asel-bekova");
    assert_string_equal(a->name, "Asel Bekova");
    assert_string_equal(a->email, "a.bekova@example.org");
    assert_string_equal(a->orcid, "0000-0002-1825-0097");
    assert_string_equal(a->affiliation.name, "Academy of Public Administration");
    assert_string_equal(a->affiliation.department, "Centre for HR Research");
    assert_string_equal(a->affiliation.country, "KZ");
    assert_false(a->affiliation.international);
    assert_int_equal(a->nlanguages, 2);
    assert_string_equal(a->languages[0], "en");
    assert_string_equal(a->languages[1], "ru");
    assert_int_equal(a->nkeywords, 3);
    assert_string_equal(a->keywords[2], "performance appraisal");
    assert_string_equal(a->profile, "Fifteen years in civil-service HR reform.\n");
    assert_int_equal(a->capacity, 2);
    assert_int_equal(a->nconflict_people, 2);
    assert_string_equal(a->conflict_people[0], "Aigerim Nurlanova");
    assert_string_equal(a->conflict_people[1], "0000-0001-5109-3700");
    assert_int_equal(a->nconflict_institutions, 1);
    assert_string_equal(a->conflict_institutions[0], "Nazarbayev University");
    assert_true(a->active);
    assert_int_equal(a->line, 3);

    const struct roster_reviewer *b = &r.reviewers[1];
    assert_string_equal(b->affiliation.country, "GE");
    assert_int_equal(b->nlanguages, 2);
    assert_string_equal(b->languages[0], "ru");
    assert_string_equal(b->languages[1], "en");
    assert_int_equal(b->nkeywords, 3);
    assert_string_equal(b->keywords[1], "registers");
    assert_string_equal(b->orcid, "");
    assert_null(b->profile);
    assert_int_equal(b->capacity, ROSTER_DEFAULT_CAPACITY);
    assert_false(b->active);
    assert_int_equal(b->nconflict_people, 0);
    assert_int_equal(b->line, 20);

    const struct roster_reviewer *c = &r.reviewers[2];
    assert_true(c->affiliation.international);
    assert_string_equal(c->affiliation.country, "");
    assert_int_equal(c->nlanguages, 1);
    assert_true(c->active);
    assert_int_equal(c->nconflict_people, 1);

    assert_ptr_equal(roster_find(&r, "jd"), c);
    assert_ptr_equal(roster_find(&r, "nino-2"), b);
    assert_null(roster_find(&r, "nobody"));
    roster_free(&r);
    assert_int_equal(r.count, 0);
}

static void test_empty_roster_is_valid(void **state)
{
    (void)state;
    struct roster r;
    assert_int_equal(parse(&r, "reviewers: []\n"), 0);
    assert_int_equal(r.count, 0);
    assert_null(roster_find(&r, "anyone"));
    roster_free(&r);
}

static void test_file_shape(void **state)
{
    (void)state;
    expect_error("", "reviewers.yaml:1:1: expected a mapping with the list of reviewers");
    expect_error("- id: a\n", "reviewers.yaml:1:1: expected a mapping with the list of reviewers");
    expect_error("title: Roster\n",
                 "reviewers.yaml:1:1: unknown field 'title' in reviewers.yaml (expected one of: "
                 "reviewers)");
    expect_error("title: Roster\n",
                 "reviewers.yaml:1:1: missing required field 'reviewers' (the list of reviewers)");
    expect_error("reviewers:\n  asel: {name: A}\n",
                 "reviewers.yaml:2:3: 'reviewers' must be a list of reviewers");
    expect_error("reviewers:\n", "reviewers.yaml:1:11: 'reviewers' must be a list");
    expect_error("reviewers:\n  - just a name\n  - [a, b]\n",
                 "reviewers.yaml:2:5: expected a reviewer: a mapping with id, name, email");
    expect_error("reviewers:\n  - just a name\n  - [a, b]\n",
                 "reviewers.yaml:3:5: expected a reviewer");
}

static void test_invalid_yaml_and_utf8(void **state)
{
    (void)state;
    expect_error("reviewers:\n  - id: a\n   name: [unclosed\n", "reviewers.yaml:3:");
    expect_error("reviewers:\n  - id: a\n   name: [unclosed\n", "invalid YAML");
    expect_error("reviewers:\n  - id: ok\n    name: Bad \xff byte\n",
                 "reviewers.yaml:3:15: invalid UTF-8 (byte 0xff)");
}

static void test_id_rules(void **state)
{
    (void)state;
    expect_error("reviewers:\n  - name: No Id\n    email: n@example.org\n"
                 "    affiliation: {name: X, international: true}\n    languages: [en]\n",
                 "reviewers.yaml:2:5: reviewer without an id (expected id: a stable name such as "
                 "asel-bekova)");
    expect_error("reviewers:\n  - id:\n    name: No Id\n",
                 "reviewers.yaml:2:5: reviewer without an id");
    const char *bad_ids[] = {
        "Asel", "a", "asel_bekova", "asel bekova", "a2345678901234567890123456789012345678901",
        "асель"};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(*bad_ids); i++) {
        char text[256], fragment[256];
        snprintf(text, sizeof(text), "reviewers:\n  - id: %s\n" NAME_EMAIL AFFILIATION LANGUAGES,
                 bad_ids[i]);
        snprintf(fragment, sizeof(fragment), "reviewers.yaml:2:9: '%s' is not a reviewer id",
                 bad_ids[i]);
        expect_error(text, fragment);
    }
    expect_error("reviewers:\n  - id: {a: b}\n" NAME_EMAIL AFFILIATION LANGUAGES,
                 "reviewers.yaml:2:9: '' is not a reviewer id (expected 2 to 40 characters: "
                 "lower-case a-z, 0-9 and '-', such as asel-bekova)");
    assert_true(roster_id_is_valid("ab"));
    assert_true(roster_id_is_valid("0-9"));
    assert_true(roster_id_is_valid("a123456789012345678901234567890123456789"));
    assert_false(roster_id_is_valid(""));
}

static void test_duplicate_id_names_first_line(void **state)
{
    (void)state;
    const char *text = "reviewers:\n"
                       "  - id: first\n"
                       "    name: First Reviewer\n"
                       "    email: first@example.org\n"
                       "    affiliation: {name: UNDP, international: true}\n"
                       "    languages: [en]\n"
                       "  - name: Second Reviewer\n"
                       "    email: second@example.org\n"
                       "    affiliation: {name: UNDP, international: true}\n"
                       "    languages: [en]\n"
                       "    id: first\n";
    expect_error(text, "reviewers.yaml:11:9: duplicate reviewer id 'first' (first used by the "
                       "entry on line 2)");
    struct roster r;
    assert_int_equal(parse(&r, text), JOURNAL_EINPUT);
    assert_int_equal(error_count(), 1);
}

static void test_duplicate_orcid(void **state)
{
    (void)state;
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES
                       "    orcid: 0000-0002-1825-0097\n"
                       "  - id: third\n" NAME_EMAIL AFFILIATION LANGUAGES
                       "    orcid: https://orcid.org/0000-0002-1825-0097\n",
                       "reviewers.yaml:20:12: ORCID iD 0000-0002-1825-0097 is already that of the "
                       "reviewer on line 9");
}

static void test_name_required(void **state)
{
    (void)state;
    expect_entry_error("    email: s@example.org\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:9:5: reviewer 'second' has no name");
    expect_entry_error("    name:\n    email: s@example.org\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:10:5: reviewer 'second' has no name");
    expect_entry_error("    name: [A, B]\n    email: s@example.org\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:10:11: name must be text");
    expect_entry_error("    name: \"  \"\n    email: s@example.org\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:10:11: name is empty");
}

static void test_names_in_two_scripts(void **state)
{
    (void)state;
    struct roster r;
    const char *text = "reviewers:\n"
                       "  - id: dmitry-sokolov\n"
                       "    name: {given: Дмитрий, family: Соколов}\n"
                       "    name_latin: Dmitry Sokolov\n"
                       "    email: d@example.org\n"
                       "    affiliation: {name: X, country: RU}\n"
                       "    languages: [ru]\n"
                       "  - id: park-ji-ho\n"
                       "    name: Park Ji-ho\n"
                       "    family_first: true\n"
                       "    email: p@example.org\n"
                       "    affiliation: {name: Y, country: KR}\n"
                       "    languages: [en]\n";
    assert_int_equal(parse(&r, text), 0);
    assert_string_equal(r.reviewers[0].name, "Дмитрий Соколов");
    assert_string_equal(r.reviewers[0].given, "Дмитрий");
    assert_string_equal(r.reviewers[0].family, "Соколов");
    assert_string_equal(r.reviewers[0].latin.text, "Dmitry Sokolov");
    assert_false(r.reviewers[0].family_first);
    assert_string_equal(r.reviewers[1].name, "Park Ji-ho");
    assert_string_equal(r.reviewers[1].family, "Park");
    assert_string_equal(r.reviewers[1].given, "Ji-ho");
    assert_null(r.reviewers[1].latin.text);
    roster_free(&r);
    expect_entry_error(NAME_EMAIL "    family_first: 1x\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:12:19: 'family_first' must be true or false");
    expect_entry_error(NAME_EMAIL "    name_latin: {given: Ji-ho}\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:12:17: name_latin needs 'family'");
}

static void test_entry_without_email(void **state)
{
    (void)state;
    /* The entry starts on line 9: a missing field is reported there. */
    expect_entry_error("    name: Second Reviewer\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:9:5: reviewer 'second' has no email (expected email: the "
                       "address invitations go to)");
    /* An empty value points at its key. */
    expect_entry_error("    name: Second Reviewer\n    email:\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:11:5: reviewer 'second' has no email");
    /* Without a usable id the message names the entry's line instead. */
    expect_error("reviewers:\n  - id: Bad\n    name: N\n" AFFILIATION LANGUAGES,
                 "reviewers.yaml:2:5: the reviewer on line 2 has no email");
}

static void test_email_must_be_an_address(void **state)
{
    (void)state;
    const char *bad[] = {"not-an-address",
                         "a@b",
                         "@example.org",
                         "a@@example.org",
                         "Asel <a@example.org>",
                         "a@example.org, b@example.org",
                         "a@example."};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char fields[256], fragment[256];
        snprintf(fields, sizeof(fields),
                 "    name: Second Reviewer\n    email: \"%s\"\n" AFFILIATION LANGUAGES, bad[i]);
        snprintf(fragment, sizeof(fragment), "reviewers.yaml:11:12: '%s' is not an email address",
                 bad[i]);
        expect_entry_error(fields, fragment);
    }
}

static void test_orcid_checked(void **state)
{
    (void)state;
    expect_entry_error(NAME_EMAIL "    orcid: 0000-0002-1825-0098\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:12:12: ORCID iD '0000-0002-1825-0098' has a wrong check "
                       "digit (ISO 7064 MOD 11-2)");
    expect_entry_error(NAME_EMAIL "    orcid: 1234\n" AFFILIATION LANGUAGES,
                       "reviewers.yaml:12:12: '1234' is not an ORCID iD (expected "
                       "0000-0000-0000-000X)");
}

static void test_affiliation_rules(void **state)
{
    (void)state;
    expect_entry_error(NAME_EMAIL LANGUAGES, "reviewers.yaml:9:5: reviewer 'second' has no "
                                             "affiliation (expected affiliation: {name: ..., "
                                             "country: XX})");
    expect_entry_error(NAME_EMAIL "    affiliation:\n      country: KZ\n" LANGUAGES,
                       "reviewers.yaml:13:7: affiliation without a name");
    expect_entry_error(NAME_EMAIL "    affiliation:\n      name: Some Ministry\n" LANGUAGES,
                       "reviewers.yaml:13:7: affiliation 'Some Ministry' needs a country (ISO "
                       "3166-1 code or English/Russian name) or international: true");
    expect_entry_error(NAME_EMAIL "    affiliation: Some Ministry\n" LANGUAGES,
                       "reviewers.yaml:12:18: affiliation 'Some Ministry' needs a country: write "
                       "it as {name: ..., country: XX}");
    expect_entry_error(NAME_EMAIL "    affiliation:\n      name: UNDP\n      international: true\n"
                                  "      country: KZ\n" LANGUAGES,
                       "reviewers.yaml:15:16: an international organisation has no country");
    expect_entry_error(NAME_EMAIL
                       "    affiliation:\n      name: UNDP\n      international: maybe\n" LANGUAGES,
                       "reviewers.yaml:14:22: 'international' must be true or false");
    expect_entry_error(NAME_EMAIL "    affiliation: [{name: A, country: KZ}, {name: B, country: "
                                  "UZ}]\n" LANGUAGES,
                       "reviewers.yaml:12:18: a reviewer has one affiliation");
    expect_entry_error(NAME_EMAIL "    affiliation: {name: X, country: KZ, city: Almaty, "
                                  "street: Abay}\n" LANGUAGES,
                       "reviewers.yaml:12:55: unknown field 'street' in an affiliation");
}

static void test_unknown_country_suggests(void **state)
{
    (void)state;
    const char *fields = NAME_EMAIL "    affiliation:\n      name: Academy\n"
                                    "      country: Kazakstan\n" LANGUAGES;
    expect_entry_error(fields, "reviewers.yaml:14:16: unknown country 'Kazakstan' (expected an ISO "
                               "3166-1 code or name); did you mean Kazakhstan (KZ)?");
    expect_entry_error(NAME_EMAIL "    affiliation: {name: A, country: Narnia}\n" LANGUAGES,
                       "reviewers.yaml:12:37: unknown country 'Narnia'");
}

static void test_language_rules(void **state)
{
    (void)state;
    expect_entry_error(NAME_EMAIL AFFILIATION,
                       "reviewers.yaml:9:5: reviewer 'second' has no languages (expected "
                       "languages: [en, ru]");
    expect_entry_error(NAME_EMAIL AFFILIATION "    languages: []\n",
                       "reviewers.yaml:13:16: the list of languages is empty");
    expect_entry_error(NAME_EMAIL AFFILIATION "    languages: \"\"\n",
                       "reviewers.yaml:13:16: the list of languages is empty");
    expect_entry_error(NAME_EMAIL AFFILIATION "    languages: [en, klingon]\n",
                       "reviewers.yaml:13:21: unknown language 'klingon' (expected an ISO 639-1 "
                       "code such as en, ru)");
    expect_entry_error(NAME_EMAIL AFFILIATION "    languages: \"en, xx\"\n",
                       "reviewers.yaml:13:16: unknown language 'xx'");
    expect_entry_error(NAME_EMAIL AFFILIATION "    languages: [ru, rus]\n",
                       "reviewers.yaml:13:21: language ru is listed twice");
    expect_entry_error(NAME_EMAIL AFFILIATION "    languages: {en: yes}\n",
                       "reviewers.yaml:13:16: 'languages' must be a list such as [en, ru]");
}

static void test_capacity_rules(void **state)
{
    (void)state;
    const char *bad[] = {"0", "-1", "three", "2.5", "99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        char fields[256], fragment[256];
        snprintf(fields, sizeof(fields), NAME_EMAIL AFFILIATION LANGUAGES "    capacity: %s\n",
                 bad[i]);
        snprintf(fragment, sizeof(fragment),
                 "reviewers.yaml:14:15: capacity must be a positive whole number (the most "
                 "reviews at once), not '%s'",
                 bad[i]);
        expect_entry_error(fields, fragment);
    }
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    capacity: [1]\n",
                       "reviewers.yaml:14:15: capacity must be a positive whole number");
}

static void test_unknown_fields(void **state)
{
    (void)state;
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    expertise: [merit]\n",
                       "reviewers.yaml:14:5: unknown field 'expertise' in a reviewer (expected one "
                       "of: id, name, name_latin, family_first, email, orcid, affiliation, "
                       "languages, keywords, profile, "
                       "capacity, conflicts, active)");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    name: Again\n",
                       "reviewers.yaml:14:5: field 'name' appears twice in a reviewer");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    conflicts:\n      persons: [A]\n",
                       "reviewers.yaml:15:7: unknown field 'persons' in conflicts (expected one "
                       "of: people, institutions)");
}

static void test_conflicts_shape(void **state)
{
    (void)state;
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    conflicts: [Aigerim Nurlanova]\n",
                       "reviewers.yaml:14:16: 'conflicts' must be a mapping: conflicts: {people: "
                       "[names or ORCID iDs], institutions: [names]}");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES
                       "    conflicts:\n      people: {name: Aigerim Nurlanova}\n",
                       "reviewers.yaml:15:15: 'people' must be a list of names or ORCID iDs");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES
                       "    conflicts:\n      institutions: {a: b}\n",
                       "reviewers.yaml:15:21: 'institutions' must be a list of names");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES
                       "    conflicts:\n      people: [A, [B, C]]\n",
                       "reviewers.yaml:15:19: a conflicting person must be text");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES
                       "    conflicts:\n      people: [Aigerim Nurlanova, 0000-0001-5109-3701]\n",
                       "reviewers.yaml:15:35: ORCID iD '0000-0001-5109-3701' has a wrong check "
                       "digit");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES
                       "    conflicts:\n      people: [Agent 007]\n",
                       "reviewers.yaml:15:16: 'Agent 007' is neither a name nor an ORCID iD");
}

static void test_keywords_profile_active(void **state)
{
    (void)state;
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    keywords: {merit: 1}\n",
                       "reviewers.yaml:14:15: keywords must be a list such as [merit, "
                       "recruitment]");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    keywords: [merit, \"\"]\n",
                       "reviewers.yaml:14:23: keyword is empty");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    profile: [a]\n",
                       "reviewers.yaml:14:14: profile must be text");
    expect_entry_error(NAME_EMAIL AFFILIATION LANGUAGES "    active: sometimes\n",
                       "reviewers.yaml:14:13: 'active' must be true or false");
}

static void test_several_problems_reported_together(void **state)
{
    (void)state;
    struct roster r;
    const char *text = "reviewers:\n"
                       "  - id: Asel\n"                                   /* 2: bad id */
                       "    name: Asel Bekova\n"                          /* 3 */
                       "    orcid: 0000-0002-1825-0098\n"                 /* 4: bad checksum */
                       "    affiliation: {name: A, country: Kazakstan}\n" /* 5: unknown country */
                       "    languages: [en, xx]\n"                        /* 6: unknown language */
                       "    capacity: 0\n"                                /* 7: capacity */
                       "  - id: second\n"                                 /* 8: no email */
                       "    name: Second\n"
                       "    affiliation: {name: B, international: true}\n"
                       "    languages: [ru]\n"
                       "    colour: blue\n"; /* 12: unknown field */
    assert_int_equal(parse(&r, text), JOURNAL_EINPUT);
    const char *msg = error_message();
    const char *expected[] = {
        "reviewers.yaml:2:9: 'Asel' is not a reviewer id",
        "reviewers.yaml:2:5: the reviewer on line 2 has no email",
        "reviewers.yaml:4:12: ORCID iD '0000-0002-1825-0098' has a wrong check digit",
        "reviewers.yaml:5:37: unknown country 'Kazakstan'",
        "reviewers.yaml:6:21: unknown language 'xx'",
        "reviewers.yaml:7:15: capacity must be a positive whole number",
        "reviewers.yaml:12:5: unknown field 'colour' in a reviewer",
        "reviewers.yaml:8:5: reviewer 'second' has no email",
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(*expected); i++)
        if (!strstr(msg, expected[i]))
            fail_msg("missing \"%s\" in:\n%s", expected[i], msg);
    assert_int_equal(error_count(), sizeof(expected) / sizeof(*expected));
    assert_int_equal(r.count, 0);
}

static void test_same_name(void **state)
{
    (void)state;
    /* Latin: case, whitespace, punctuation. */
    assert_true(roster_same_name("Nazarbayev University", "nazarbayev  university."));
    assert_true(roster_same_name("  Nazarbayev\tUniversity ", "NAZARBAYEV UNIVERSITY"));
    assert_true(roster_same_name("United Nations Development Programme (UNDP)",
                                 "united nations development programme undp"));
    assert_true(roster_same_name("O'Brien, Mary", "OBrien Mary"));
    assert_true(roster_same_name("Academy of Public Administration - Chișinău",
                                 "Academy of Public Administration, CHIȘINĂU"));
    assert_true(roster_same_name("\"Jean-Luc\" Marchand", "JeanLuc MARCHAND"));
    assert_true(roster_same_name("Rūta Vaitkienė", "RŪTA VAITKIENĖ"));
    assert_true(roster_same_name("Rəşad Məmmədli", "RƏŞAD MƏMMƏDLI"));
    /* Cyrillic, with Ё/ё as е, and typographic quotes and dashes. */
    assert_true(roster_same_name("Академия государственного управления",
                                 "АКАДЕМИЯ  ГОСУДАРСТВЕННОГО УПРАВЛЕНИЯ."));
    assert_true(roster_same_name("Пётр Семёнов", "ПЕТР СЕМЕНОВ"));
    assert_true(roster_same_name("Ёлкин", "елкин"));
    assert_true(roster_same_name("Университет «Туран» — Алматы", "университет туран алматы"));
    assert_true(roster_same_name("Қазақ ұлттық университеті", "ҚАЗАҚ ҰЛТТЫҚ УНИВЕРСИТЕТІ"));
    assert_true(roster_same_name("Ñandú", "ñANDÚ"));

    /* Not the same. */
    assert_false(roster_same_name("Nazarbayev University", "Nazarbayev Univ"));
    assert_false(roster_same_name("Nazarbayev University", "NazarbayevUniversity"));
    assert_false(roster_same_name("Chișinău", "Chisinau")); /* accents are kept */
    assert_false(roster_same_name("Иванов", "Иванова"));
    assert_false(roster_same_name("Ivanov", "Иванов")); /* no transliteration */
    assert_false(roster_same_name("Й", "И"));
    assert_false(roster_same_name("", ""));
    assert_false(roster_same_name("...", "()"));
    assert_false(roster_same_name(NULL, "A"));

    char *key = roster_name_key("  Academy of Public Administration, Chișinău.  ");
    assert_string_equal(key, "academy of public administration chișinău");
    free(key);
    key = roster_name_key("Ё\xff");
    assert_string_equal(key, "е\xff");
    free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_roster),
        cmocka_unit_test(test_empty_roster_is_valid),
        cmocka_unit_test(test_file_shape),
        cmocka_unit_test(test_invalid_yaml_and_utf8),
        cmocka_unit_test(test_id_rules),
        cmocka_unit_test(test_duplicate_id_names_first_line),
        cmocka_unit_test(test_duplicate_orcid),
        cmocka_unit_test(test_name_required),
        cmocka_unit_test(test_names_in_two_scripts),
        cmocka_unit_test(test_entry_without_email),
        cmocka_unit_test(test_email_must_be_an_address),
        cmocka_unit_test(test_orcid_checked),
        cmocka_unit_test(test_affiliation_rules),
        cmocka_unit_test(test_unknown_country_suggests),
        cmocka_unit_test(test_language_rules),
        cmocka_unit_test(test_capacity_rules),
        cmocka_unit_test(test_unknown_fields),
        cmocka_unit_test(test_conflicts_shape),
        cmocka_unit_test(test_keywords_profile_active),
        cmocka_unit_test(test_several_problems_reported_together),
        cmocka_unit_test(test_same_name),
    };
    return cmocka_run_group_tests_name("roster", tests, setup, teardown);
}
