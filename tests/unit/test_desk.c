/* The front desk's pieces below HTTP: link tokens (util/token.c), form decoding
 * (desk/form.c) and what a log may hold of a path (desk_redact). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "desk/desk.h"
#include "desk/form.h"
#include "desk/ratelimit.h"
#include "util/error.h"
#include "util/token.h"

#include <stdlib.h>
#include <string.h>

static void test_token_hash_known_answer(void **state)
{
    (void)state;
    char hash[TOKEN_HASH_LEN + 1];
    /* FIPS 180-2's example: SHA-256("abc"). */
    token_hash("abc", hash);
    assert_string_equal(hash,
                        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_token_hmac_known_answer(void **state)
{
    (void)state;
    char mac[65];
    /* RFC 4231, test case 2. */
    token_hmac((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", mac);
    assert_string_equal(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void test_token_new_and_match(void **state)
{
    (void)state;
    char a[TOKEN_HEX_LEN + 1], b[TOKEN_HEX_LEN + 1], hash[TOKEN_HASH_LEN + 1];
    assert_int_equal(token_new(a), 0);
    assert_int_equal(token_new(b), 0);
    assert_true(token_well_formed(a));
    assert_string_not_equal(a, b);
    token_hash(a, hash);
    assert_true(token_matches(a, hash));
    assert_false(token_matches(b, hash));
    assert_false(token_matches(a, NULL));
    /* Not a token's form: refused before any hashing. */
    char upper[TOKEN_HEX_LEN + 1];
    memcpy(upper, a, sizeof(upper));
    upper[0] = 'A';
    assert_false(token_well_formed(upper));
    assert_false(token_well_formed("abc"));
    a[TOKEN_HEX_LEN - 1] = '\0';
    assert_false(token_well_formed(a));
    assert_false(token_matches(a, hash));
    assert_true(token_equal("abc", "abc"));
    assert_false(token_equal("abc", "abd"));
    assert_false(token_equal("abc", "abcd"));
}

static void test_form_decoding(void **state)
{
    (void)state;
    struct form f;
    const char *body = "answer=decline&reason=On+leave%2C+until+June&&suggested=%D0%94%D1%80"
                       "&flag&=x&answer=accept";
    assert_int_equal(form_parse(body, strlen(body), &f), 0);
    assert_int_equal(f.count, 6);
    assert_string_equal(form_get(&f, "answer"), "decline"); /* the first of two */
    assert_string_equal(form_get(&f, "reason"), "On leave, until June");
    assert_string_equal(form_get(&f, "suggested"), "Др");
    assert_string_equal(form_get(&f, "flag"), "");
    assert_string_equal(form_get(&f, ""), "x");
    assert_null(form_get(&f, "csrf"));
    form_free(&f);
    assert_int_equal(form_parse("", 0, &f), 0);
    assert_int_equal(f.count, 0);
    form_free(&f);
}

static void test_form_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {"a=%G1", "a=%4", "a=%", "a=%00", "%zz=1", "a=1&b=%2"};
    struct form f;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(form_parse(bad[i], strlen(bad[i]), &f), JOURNAL_EINPUT);
        assert_non_null(strstr(error_message(), "malformed"));
        error_clear();
        assert_int_equal(f.count, 0);
    }
    /* A NUL byte in the body. */
    assert_int_equal(form_parse("a=1\0b", 5, &f), JOURNAL_EINPUT);
    error_clear();
}

/* As Chromium sends it: a text field, a file with a binary byte and a NUL, an empty file
   input, a repeated field; then the same parsed through the Content-Type. */
static const char multipart_body[] =
    "------WebKitFormBoundaryAbC\r\n"
    "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
    "Реформа\r\nгосслужбы\r\n"
    "------WebKitFormBoundaryAbC\r\n"
    "Content-Disposition: form-data; name=\"manuscript\"; filename=\"paper.docx\"\r\n"
    "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n"
    "\r\n"
    "PK\x03\x04\0\xff--notaboundary\r\n"
    "------WebKitFormBoundaryAbC\r\n"
    "content-disposition: form-data; name=\"attachment\"; filename=\"\"\r\n"
    "Content-Type: application/octet-stream\r\n\r\n"
    "\r\n"
    "------WebKitFormBoundaryAbC\r\n"
    "Content-Disposition: form-data; name=\"author\"\r\n\r\n"
    "A\r\n"
    "------WebKitFormBoundaryAbC\r\n"
    "Content-Disposition: form-data; name=\"author\"\r\n\r\n"
    "B\r\n"
    "------WebKitFormBoundaryAbC--\r\n";

static void check_multipart(const struct form *f)
{
    assert_int_equal(f->count, 5);
    assert_string_equal(form_get(f, "title"), "Реформа\r\nгосслужбы");
    assert_null(form_get(f, "manuscript")); /* a file is not a text value */
    const struct form_field *file = form_file(f, "manuscript");
    assert_non_null(file);
    assert_string_equal(file->filename, "paper.docx");
    assert_string_equal(file->content_type,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assert_int_equal(file->length, 20);
    assert_memory_equal(file->value, "PK\x03\x04\0\xff--notaboundary", 20);
    assert_null(form_file(f, "attachment")); /* the empty file input */
    size_t next = 0;
    const struct form_field *a = form_each(f, "author", &next);
    const struct form_field *b = form_each(f, "author", &next);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a->value, "A");
    assert_string_equal(b->value, "B");
    assert_null(form_each(f, "author", &next));
}

static void test_form_multipart(void **state)
{
    (void)state;
    struct form f;
    size_t len = sizeof(multipart_body) - 1;
    assert_int_equal(form_parse_multipart(multipart_body, len, "----WebKitFormBoundaryAbC", &f), 0);
    check_multipart(&f);
    form_free(&f);
    assert_int_equal(form_parse_body("multipart/form-data; boundary=\"----WebKitFormBoundaryAbC\"",
                                     multipart_body, len, &f),
                     0);
    check_multipart(&f);
    form_free(&f);
    assert_int_equal(
        form_parse_body("application/x-www-form-urlencoded;charset=UTF-8", "a=1&b=%20", 9, &f), 0);
    assert_string_equal(form_get(&f, "b"), " ");
    assert_int_equal(f.fields[1].length, 1);
    form_free(&f);
}

static void test_form_multipart_malformed(void **state)
{
    (void)state;
    struct form f;
    const char *bad[] = {
        /* no closing boundary: a body cut short */
        "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue",
        /* a part without a name */
        "--X\r\nContent-Disposition: form-data\r\n\r\nv\r\n--X--\r\n",
        /* a NUL in a text field */
        "--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\0w\r\n--X--\r\n",
        /* headers that never end */
        "--X\r\nContent-Disposition: form-data; name=\"a\"",
        /* garbage after a boundary */
        "--Xjunk\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--X--\r\n",
        /* no boundary at all */
        "name=value",
    };
    size_t lens[] = {54, 49, 61, 45, 63, 10};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_not_equal(form_parse_multipart(bad[i], lens[i], "X", &f), 0);
        assert_non_null(strstr(error_message(), "malformed"));
        assert_int_equal(f.count, 0);
        error_clear();
    }
    /* A boundary over 70 characters, a multipart type without one, another type. */
    char longb[80];
    memset(longb, 'b', 71);
    longb[71] = '\0';
    assert_int_not_equal(form_parse_multipart("--x", 3, longb, &f), 0);
    error_clear();
    assert_int_not_equal(form_parse_body("multipart/form-data", "--X--", 5, &f), 0);
    error_clear();
    assert_int_not_equal(form_parse_body("text/plain", "a=1", 3, &f), 0);
    assert_non_null(strstr(error_message(), "text/plain"));
    error_clear();
    assert_int_not_equal(form_parse_body(NULL, "a=1", 3, &f), 0);
    error_clear();
}

static void test_rate_limit(void **state)
{
    (void)state;
    struct rate_limit *rl = rate_limit_new(3, 3600);
    assert_true(rate_limit_take(rl, "192.0.2.1", 0));
    assert_true(rate_limit_take(rl, "192.0.2.1", 10));
    assert_true(rate_limit_take(rl, "192.0.2.1", 20));
    assert_false(rate_limit_take(rl, "192.0.2.1", 30)); /* the fourth in the hour */
    assert_true(rate_limit_take(rl, "2001:db8::1", 30)); /* another address: its own count */
    assert_false(rate_limit_take(rl, "192.0.2.1", 3599));
    /* An hour after the first act, one more; the refused ones were not counted. */
    assert_true(rate_limit_take(rl, "192.0.2.1", 3600));
    assert_false(rate_limit_take(rl, "192.0.2.1", 3605));
    assert_true(rate_limit_take(rl, "192.0.2.1", 3610));
    rate_limit_free(rl);
    rl = rate_limit_new(0, 60);
    assert_false(rate_limit_take(rl, "192.0.2.1", 0));
    rate_limit_free(rl);
}

static void test_redact(void **state)
{
    (void)state;
    char *r =
        desk_redact("/review/12/"
                    "52f9bcc17d0dc1efb10fbfb2bba504bde106ae47b685d7b4f2a2e00a1970a494/answer");
    assert_string_equal(r, "/review/12/<token>/answer");
    free(r);
    r = desk_redact("/style.css");
    assert_string_equal(r, "/style.css");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_hash_known_answer),
        cmocka_unit_test(test_token_hmac_known_answer),
        cmocka_unit_test(test_token_new_and_match),
        cmocka_unit_test(test_form_decoding),
        cmocka_unit_test(test_form_malformed),
        cmocka_unit_test(test_form_multipart),
        cmocka_unit_test(test_form_multipart_malformed),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_redact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
