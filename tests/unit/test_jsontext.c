/* util/jsontext.c writes what json_dumps writes: random values of every kind, nested, with
 * strings holding each byte that needs escaping, under each set of flags the journal uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/error.h"
#include "util/jsontext.h"
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

static unsigned long long seed = 20261123;

static unsigned next_random(unsigned n)
{
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(seed >> 33) % n;
}

static json_t *random_string(void)
{
    static const char *const pieces[] = {"a",
                                         "Zz",
                                         " ",
                                         "\"",
                                         "\\",
                                         "/",
                                         "\b",
                                         "\f",
                                         "\n",
                                         "\r",
                                         "\t",
                                         "\x01",
                                         "\x1f",
                                         "\x7f",
                                         "<",
                                         "</script>",
                                         "\xd0\xb6",
                                         "\xe2\x80\xa8",
                                         "\xf0\x9f\x98\x80",
                                         "&",
                                         "plain words of a title ",
                                         "\xc3\xa9t\xc3\xa9"};
    struct strbuf sb = STRBUF_INIT;
    for (unsigned n = next_random(12); n; n--)
        strbuf_addstr(&sb, pieces[next_random(sizeof(pieces) / sizeof(*pieces))]);
    json_t *s = json_stringn(sb.buf ? sb.buf : "", sb.len);
    strbuf_release(&sb);
    return s;
}

static json_t *random_value(int depth)
{
    switch (next_random(depth > 3 ? 6 : 8)) {
    case 0:
        return random_string();
    case 1:
        return json_integer((json_int_t)next_random(2000000) - 1000000);
    case 2:
        return json_boolean(next_random(2));
    case 3:
        return json_null();
    case 4: {
        /* Fractions, whole numbers, and exponents both ways ("1e-05" is "1e-5" to jansson). */
        static const double scale[] = {1.0, 7.0, 1e-7, 1e-300, 1e21, 1e300, -3.0, 1e9};
        return json_real((double)next_random(100000) / scale[next_random(8)]);
    }
    case 5:
        return random_string();
    case 6: {
        json_t *a = json_array();
        for (unsigned n = next_random(5); n; n--)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (unsigned n = next_random(6); n; n--) {
            json_t *key = random_string();
            json_object_set_new(o, json_string_value(key), random_value(depth + 1));
            json_decref(key);
        }
        return o;
    }
    }
}

static void test_same_text_as_jansson(void **state)
{
    (void)state;
    static const size_t flag_sets[] = {JSON_COMPACT | JSON_PRESERVE_ORDER,
                                       JSON_INDENT(2) | JSON_PRESERVE_ORDER, 0, JSON_INDENT(4),
                                       JSON_COMPACT};
    for (int round = 0; round < 2000; round++) {
        json_t *v = random_value(0);
        for (size_t f = 0; f < sizeof(flag_sets) / sizeof(*flag_sets); f++) {
            char *want = json_dumps(v, flag_sets[f] | JSON_ENCODE_ANY);
            assert_non_null(want);
            struct strbuf sb = STRBUF_INIT;
            strbuf_addstr(&sb, "before:");
            assert_int_equal(json_text_append(&sb, v, flag_sets[f]), 0);
            if (strncmp(sb.buf, "before:", 7) || strcmp(sb.buf + 7, want))
                fail_msg("round %d, flags %zx:\nwant %s\ngot  %s", round, flag_sets[f], want,
                         sb.buf + 7);
            strbuf_release(&sb);
            free(want);
        }
        json_decref(v);
    }
}

static void test_text_that_is_not_utf8_is_refused(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:s, s:o}", "title", "fine", "bad", json_stringn_nocheck("caf\xe9", 4));
    assert_null(json_dumps(v, JSON_COMPACT));
    struct strbuf sb = STRBUF_INIT;
    strbuf_addstr(&sb, "kept");
    assert_true(json_text_append(&sb, v, JSON_COMPACT) < 0);
    assert_string_equal(sb.buf, "kept");
    strbuf_release(&sb);
    json_decref(v);
    error_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_text_as_jansson),
        cmocka_unit_test(test_text_that_is_not_utf8_is_refused),
    };
    return cmocka_run_group_tests_name("jsontext", tests, NULL, NULL);
}
