#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/orcid.h"
#include "model/ror.h"

#include <string.h>

static const char *const valid_ids[] = {
    "0000-0002-1825-0097",
    "0000-0001-5109-3700",
    "0000-0002-1694-233X",
};

static void assert_valid(const char *text, const char *canonical)
{
    char out[ORCID_CANONICAL_SIZE];
    memset(out, '?', sizeof(out));
    enum orcid_status status = orcid_check(text, out);
    if (status != ORCID_VALID)
        fail_msg("\"%s\" rejected with status %d", text, (int)status);
    assert_string_equal(out, canonical);
}

static void assert_status(const char *text, enum orcid_status expected)
{
    char out[ORCID_CANONICAL_SIZE];
    memset(out, '?', sizeof(out));
    enum orcid_status status = orcid_check(text, out);
    if (status != expected)
        fail_msg("\"%s\": status %d, expected %d", text ? text : "(null)", (int)status,
                 (int)expected);
    if (status != ORCID_VALID)
        assert_string_equal(out, "");
}

static void test_valid_ids(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(valid_ids) / sizeof(valid_ids[0]); i++)
        assert_valid(valid_ids[i], valid_ids[i]);
    assert_valid("0000-0002-1694-233x", "0000-0002-1694-233X");
    /* canonical may be NULL when only the verdict matters */
    assert_int_equal(orcid_check("0000-0002-1825-0097", NULL), ORCID_VALID);
}

static void test_url_forms(void **state)
{
    (void)state;
    assert_valid("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097");
    assert_valid("http://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700");
    assert_valid("orcid.org/0000-0002-1694-233X", "0000-0002-1694-233X");
    assert_valid("https://orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X");
    assert_valid("HTTPS://ORCID.ORG/0000-0002-1825-0097", "0000-0002-1825-0097");
    assert_valid("  https://orcid.org/0000-0002-1825-0097\n", "0000-0002-1825-0097");

    assert_status("https://orcid.org/0000-0002-1825-0098", ORCID_BAD_CHECKSUM);
    assert_status("https://www.orcid.org/0000-0002-1825-0097", ORCID_BAD_FORMAT);
    assert_status("ftp://orcid.org/0000-0002-1825-0097", ORCID_BAD_FORMAT);
    assert_status("https://orcid.org/", ORCID_BAD_FORMAT);
    assert_status("https://orcid.org0000-0002-1825-0097", ORCID_BAD_FORMAT);
    assert_status("https://example.org/0000-0002-1825-0097", ORCID_BAD_FORMAT);
    assert_status("https://orcid.org/https://orcid.org/0000-0002-1825-0097", ORCID_BAD_FORMAT);
}

static void test_bad_format(void **state)
{
    (void)state;
    assert_status("", ORCID_BAD_FORMAT);
    assert_status(NULL, ORCID_BAD_FORMAT);
    assert_status("0000-0002-1825-009", ORCID_BAD_FORMAT);   /* too short */
    assert_status("0000-0002-1825-00970", ORCID_BAD_FORMAT); /* too long */
    assert_status("0000000218250097", ORCID_BAD_FORMAT);     /* no hyphens */
    assert_status("0000 0002 1825 0097", ORCID_BAD_FORMAT);  /* spaces for hyphens */
    assert_status("00000-002-1825-0097", ORCID_BAD_FORMAT);  /* hyphen misplaced */
    assert_status("0000-0002-1825-0097-", ORCID_BAD_FORMAT);
    assert_status("0000-000A-1825-0097", ORCID_BAD_FORMAT); /* letter */
    assert_status("X000-0002-1825-0097", ORCID_BAD_FORMAT); /* X only last */
    assert_status("0000-0002-1825-009Y", ORCID_BAD_FORMAT);
    assert_status("0000-0002-1825-00 7", ORCID_BAD_FORMAT);
    assert_status("0000\xe2\x80\x90"
                  "0002-1825-0097",
                  ORCID_BAD_FORMAT); /* Unicode hyphen */
    assert_status("0000-0002-1825-0097 x", ORCID_BAD_FORMAT);
}

static void test_bad_checksum(void **state)
{
    (void)state;
    assert_status("0000-0002-1825-0098", ORCID_BAD_CHECKSUM);
    assert_status("0000-0002-1825-009X", ORCID_BAD_CHECKSUM);
    assert_status("0000-0001-5109-3701", ORCID_BAD_CHECKSUM);
    assert_status("0000-0002-1694-2330", ORCID_BAD_CHECKSUM);
    assert_status("0000-0002-1694-2339", ORCID_BAD_CHECKSUM);
    /* swapped neighbours are caught by MOD 11-2 */
    assert_status("0000-0002-8125-0097", ORCID_BAD_CHECKSUM);

    /* every wrong last character is rejected */
    const char *base = "0000-0002-1825-009";
    const char *alphabet = "0123456789X";
    char text[ORCID_CANONICAL_SIZE];
    for (const char *c = alphabet; *c; c++) {
        memcpy(text, base, 18);
        text[18] = *c;
        text[19] = '\0';
        assert_int_equal(orcid_check(text, NULL), *c == '7' ? ORCID_VALID : ORCID_BAD_CHECKSUM);
    }
}

static void test_check_digit(void **state)
{
    (void)state;
    assert_int_equal(orcid_check_digit("000000021825009"), '7');
    assert_int_equal(orcid_check_digit("000000015109370"), '0');
    assert_int_equal(orcid_check_digit("000000021694233"), 'X');
    assert_int_equal(orcid_check_digit("00000002182500"), '\0');   /* 14 digits */
    assert_int_equal(orcid_check_digit("0000000218250097"), '\0'); /* 16 digits */
    assert_int_equal(orcid_check_digit("0000-0002-1825-"), '\0');
    assert_int_equal(orcid_check_digit(NULL), '\0');
}

/* ROR ids: published ids of real organisations, in every form they are written. */
static void test_ror_ids(void **state)
{
    (void)state;
    static const char *const valid[][2] = {
        {"03vek6s52", "03vek6s52"},
        {"https://ror.org/02mhbdp94", "02mhbdp94"},
        {"http://ror.org/05gq02987", "05gq02987"},
        {"ror.org/01an7q238", "01an7q238"},
        {"https://www.ror.org/00F54P054", "00f54p054"},
        {" https://ror.org/03vek6s52 ", "03vek6s52"},
    };
    for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        char id[ROR_CANONICAL_SIZE] = "";
        assert_int_equal(ror_check(valid[i][0], id), ROR_VALID);
        assert_string_equal(id, valid[i][1]);
    }
    assert_int_equal(ror_check("03vek6s53", NULL), ROR_BAD_CHECKSUM);
    assert_int_equal(ror_check("03vek6s25", NULL), ROR_BAD_CHECKSUM);
    assert_int_equal(ror_check("13vek6s52", NULL), ROR_BAD_FORMAT); /* no leading 0 */
    assert_int_equal(ror_check("03vEk6s5", NULL), ROR_BAD_FORMAT);  /* 8 characters */
    assert_int_equal(ror_check("03vik6s52", NULL), ROR_BAD_FORMAT); /* i is not Crockford */
    assert_int_equal(ror_check("03vek6sx2", NULL), ROR_BAD_FORMAT); /* letters in the check */
    assert_int_equal(ror_check("https://example.org/03vek6s52", NULL), ROR_BAD_FORMAT);
    assert_int_equal(ror_check("", NULL), ROR_BAD_FORMAT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_ids),   cmocka_unit_test(test_url_forms),
        cmocka_unit_test(test_bad_format),  cmocka_unit_test(test_bad_checksum),
        cmocka_unit_test(test_check_digit), cmocka_unit_test(test_ror_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
