/* The utility layer and the small models: strbuf, UTF-8, paths, YAML positions, dates, ISSN,
 * config. */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/config.h"
#include "model/language.h"
#include "model/issue.h"
#include "model/record.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xmltext.h"
#include "util/yaml.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_strbuf(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    assert_string_equal(sb.buf, "");
    strbuf_addstr(&sb, "a");
    strbuf_addf(&sb, "%d-%s", 42, "x");
    for (int i = 0; i < 1000; i++)
        strbuf_addch(&sb, 'z');
    assert_int_equal(sb.len, 1005);
    assert_memory_equal(sb.buf, "a42-xz", 6);
    strbuf_reset(&sb);
    strbuf_add_html_escaped(&sb, "<a href=\"x\">&'</a>", 18);
    assert_string_equal(sb.buf, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    size_t len;
    char *owned = strbuf_detach(&sb, &len);
    assert_int_equal(len, strlen(owned));
    assert_int_equal(sb.len, 0);
    free(owned);
    strbuf_release(&sb);
}

static void test_utf8(void **state)
{
    (void)state;
    size_t bad = 0, line, col;
    const char ok[] = "Қазақстан, Грузия — ok";
    assert_true(utf8_validate(ok, strlen(ok), &bad));
    assert_false(utf8_validate("ab\xed\xa0\x80", 5, &bad)); /* a surrogate */
    assert_int_equal(bad, 2);
    assert_false(utf8_validate("\xe2\x82", 2, &bad));         /* cut short */
    assert_false(utf8_validate("\xf4\x90\x80\x80", 4, &bad)); /* past U+10FFFF */
    const char text[] = "first\nвторой \xff";
    utf8_position(text, 19, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 8);
    assert_int_equal(utf8_length("Грузия", strlen("Грузия")), 6);
    /* Long ASCII runs are skipped eight bytes at a time: a bad byte is found at any offset,
       and a good multi-byte character right after a run is still decoded. */
    for (size_t at = 0; at < 40; at++) {
        char buf[48];
        memset(buf, 'a', sizeof(buf));
        buf[at] = (char)0xff;
        bad = 99;
        assert_false(utf8_validate(buf, sizeof(buf), &bad));
        assert_int_equal(bad, at);
        memcpy(buf + at, "\xd0\x96", 2); /* Ж */
        assert_true(utf8_validate(buf, sizeof(buf), NULL));
        assert_false(utf8_validate(buf, at + 1, &bad)); /* cut after its first byte */
        assert_int_equal(bad, at);
    }
}

/* UTF-8 validation the plain way, a sequence at a time, after RFC 3629: the first bad
   sequence's offset in *bad. */
static bool ref_validate(const unsigned char *s, size_t len, size_t *bad)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc0 && c < 0xe0) {
            n = 2, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c < 0xf0) {
            n = 3, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c < 0xf8) {
            n = 4, cp = c & 0x07, min = 0x10000;
        } else {
            break;
        }
        if (len - i < n)
            break;
        size_t k = 1;
        for (; k < n && (s[i + k] & 0xc0) == 0x80; k++)
            cp = (cp << 6) | (s[i + k] & 0x3f);
        if (k < n || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            break;
        i += n;
    }
    *bad = i;
    return i == len;
}

/* utf8_validate against ref_validate on buf[0, len): the verdict and the offset. */
static void check_validate(const char *buf, size_t len, const char *what, size_t round)
{
    size_t want_bad = 0, got_bad = 12345;
    bool want = ref_validate((const unsigned char *)buf, len, &want_bad);
    bool got = utf8_validate(buf, len, &got_bad);
    if (got != want || (!want && got_bad != want_bad))
        fail_msg("utf8_validate on %s (%zu, %zu bytes): %s at %zu, the reference %s at %zu", what,
                 round, len, got ? "valid" : "invalid", got_bad, want ? "valid" : "invalid",
                 want_bad);
}

/* utf8_validate's fast paths agree with decoding character by character (utf8_decode), on
   random strings of the bytes where UTF-8's rules are: leads, continuations, the edges. */
static void test_utf8_validate_matches_decode(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {'a',  0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0,
                                          0xbf, 0xc0, 0xc1, 0xc2, 0xd0, 0xdf, 0xe0, 0xe1,
                                          0xec, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
    unsigned seed = 12345;
    for (int round = 0; round < 200000; round++) {
        char buf[48];
        /* Short strings and ones past a 16-byte block or two. */
        size_t len = round % 4 ? (size_t)(round % 11) + 1 : (size_t)(round % 47) + 1;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (char)bytes[(seed >> 16) % sizeof(bytes)];
        }
        buf[len] = '\0';
        bool want = memchr(buf, '\0', len) == NULL; /* utf8_decode stops at NUL */
        for (const char *p = buf; want && *p;) {
            uint32_t cp;
            want = utf8_decode(&p, &cp);
        }
        bool has_nul = memchr(buf, '\0', len) != NULL;
        if (!has_nul && utf8_validate(buf, len, NULL) != want)
            fail_msg("utf8_validate and utf8_decode disagree on round %d", round);
        check_validate(buf, len, "random bytes", (size_t)round);
    }
}

/* Sixteen bytes at a time: every sequence, good or bad, at every offset of ASCII and of
   Cyrillic text, the text cut at every length (so leads end it); and random mixes of
   characters with a bad sequence now and then. */
static void test_utf8_validate_blocks(void **state)
{
    (void)state;
    static const char *const seqs[] = {
        "a", "\x7f", "\xd0\xb6", "\xc2\x80", "\xdf\xbf", "\xe2\x80\x94", "\xe0\xa0\x80",
        "\xe1\x80\x80", "\xec\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf",
        "\xf0\x90\x80\x80", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
        /* bad */
        "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
        "\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
        "\xf8\x88\x80\x80\x80", "\xff", "\xfe", "\x80", "\xbf", "\xd0", "\xd0\xd0\xb6", "\xe2\x82",
        "\xe2\x82 ", "\xf0\x9f\x98", "\xd0\xb6\xb6", "\xe2\x80\x94\x94"};
    static const char *const fillers[] = {
        "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789",
        "Реформа государственной службы в Казахстане и Грузии",
        "Закон (law) 2019 и ст. 5 кодекса — «цитата» € конец.",
    };
    char buf[160];
    for (size_t f = 0; f < sizeof fillers / sizeof *fillers; f++)
        for (size_t k = 0; k < sizeof seqs / sizeof *seqs; k++)
            for (int at = 0; at <= 48; at++) {
                int n = snprintf(buf, sizeof buf, "%.*s%s%.*s", at, fillers[f], seqs[k], 48 - at,
                                 fillers[f]);
                for (size_t len = 0; len <= (size_t)n; len++)
                    check_validate(buf, len, seqs[k], (size_t)at);
                /* A NUL is a character like any other. */
                buf[at / 2] = '\0';
                check_validate(buf, (size_t)n, "a NUL", (size_t)at);
            }
    static const char *const good[] = {"a",
                                       " ",
                                       "7",
                                       "\xd0\xb6",
                                       "\xd1\x8f",
                                       "\xc2\xab",
                                       "\xe2\x80\x94",
                                       "\xef\xbf\xbd",
                                       "\xf0\x9f\x98\x80"};
    unsigned seed = 777;
    char text[600];
    for (int round = 0; round < 30000; round++) {
        size_t len = 0, n = (size_t)round % 120;
        seed = seed * 1103515245u + 12345u;
        unsigned rare = 1 + (seed >> 16) % 200;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = seed >> 16;
            const char *t = r % rare == 0 ? seqs[(r / rare) % (sizeof seqs / sizeof *seqs)]
                                          : good[(r / rare) % (sizeof good / sizeof *good)];
            size_t tl = strlen(t);
            memcpy(text + len, t, tl);
            len += tl;
        }
        check_validate(text, len, "random characters", (size_t)round);
    }
}

/* What XML 1.0 cannot hold goes; everything else, Cyrillic included, stays byte for byte. */
static void test_xml_text_clean(void **state)
{
    (void)state;
    char *s = xml_text_clean("Реформа\x01 & <b>\tok\r\n", false);
    assert_string_equal(s, "Реформа & <b>\tok\r\n");
    free(s);
    s = xml_text_clean("a\xef\xbf\xbe b\xef\xbf\xbf c\xff d\n\n ", true);
    assert_string_equal(s, "a b c\xef\xbf\xbd d");
    free(s);
    s = xml_text_clean(NULL, true);
    assert_string_equal(s, "");
    free(s);
}

/* Decoding, encoding and case mapping, letter by letter, independent of the locale. */
static void test_utf8_case(void **state)
{
    (void)state;
    const char *s = "Ә\xc0\xaf\xed\xa0\x80😀";
    uint32_t cp;
    assert_true(utf8_decode(&s, &cp));
    assert_int_equal(cp, 0x4d8);
    assert_false(utf8_decode(&s, &cp)); /* an overlong '/' is consumed a byte at a time */
    assert_int_equal(cp, 0xc0);
    assert_false(utf8_decode(&s, &cp));
    assert_false(utf8_decode(&s, &cp)); /* a surrogate */
    assert_int_equal(cp, 0xed);
    s += 2;
    assert_true(utf8_decode(&s, &cp));
    assert_int_equal(cp, 0x1f600);
    assert_int_equal(*s, '\0');

    static const char upper[] = "AZÀÞĀĹŽȘƏΑΩЁЖЯҚӘӀӁԱՖÝ";
    static const char lower[] = "azàþāĺžșəαωёжяқәӏӂաֆý";
    struct strbuf lo = STRBUF_INIT, up = STRBUF_INIT;
    for (const char *p = upper; *p;) {
        assert_true(utf8_decode(&p, &cp));
        utf8_append(&lo, utf8_tolower(cp));
    }
    for (const char *p = lower; *p;) {
        assert_true(utf8_decode(&p, &cp));
        utf8_append(&up, utf8_toupper(cp));
    }
    assert_string_equal(lo.buf, lower);
    assert_string_equal(up.buf, upper);
    strbuf_release(&lo);
    strbuf_release(&up);
    assert_int_equal(utf8_tolower(0x130), 'i');   /* İ */
    assert_int_equal(utf8_toupper(0x131), 'I');   /* ı */
    assert_int_equal(utf8_toupper(0x3c2), 0x3a3); /* ς */
    assert_int_equal(utf8_tolower(0xd7), 0xd7);   /* × is not a letter */
    assert_int_equal(utf8_tolower(0x4e2d), 0x4e2d);
}

static void test_safe_relative(void **state)
{
    (void)state;
    assert_true(fs_is_safe_relative("fig1.png"));
    assert_true(fs_is_safe_relative("figures/fig1.png"));
    assert_false(fs_is_safe_relative("../secret"));
    assert_false(fs_is_safe_relative("figures/../../x"));
    assert_false(fs_is_safe_relative("/etc/passwd"));
    assert_false(fs_is_safe_relative("a//b"));
    assert_false(fs_is_safe_relative("./a"));
    assert_false(fs_is_safe_relative("a/"));
    assert_false(fs_is_safe_relative(""));
    assert_false(fs_is_safe_relative("a\\..\\b"));
    assert_false(fs_is_safe_relative("a\nb"));
    char *j = fs_join("/tmp/", "/x");
    assert_string_equal(j, "/tmp/x");
    free(j);
}

/* Writes under a root never go through a link, and the links under a folder are found. */
static void test_links(void **state)
{
    (void)state;
    char root[] = "/tmp/journal-test-links.XXXXXX";
    assert_non_null(mkdtemp(root));
    char *sub = fs_join(root, "sub"), *outside = fs_join(root, "outside"),
         *link = fs_join(root, "sub/link"), *file = fs_join(root, "sub/file");
    assert_int_equal(fs_mkdirs(sub), 0);
    assert_int_equal(fs_mkdirs(outside), 0);
    assert_int_equal(fs_write_atomic(file, "x", 1), 0);
    assert_null(fs_find_link(root));
    assert_int_equal(fs_check_no_links(root, "sub/file"), 0);
    assert_int_equal(fs_check_no_links(root, "sub/new/folder/file"), 0);
    assert_int_equal(symlink(outside, link), 0);
    char *found = fs_find_link(root);
    assert_string_equal(found, "sub/link");
    free(found);
    assert_int_equal(fs_check_no_links(root, "sub/link/x.yaml"), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "sub/link: a symbolic link"));
    error_clear();
    assert_int_equal(fs_check_no_links(root, "sub/link"), JOURNAL_EINPUT);
    error_clear();
    assert_int_equal(fs_check_no_links(root, "sub/../outside/x"), JOURNAL_EINPUT);
    error_clear();
    assert_int_equal(fs_remove_tree(root), 0);
    free(sub);
    free(outside);
    free(link);
    free(file);
}

/* mkdir -p: every missing folder made, existing ones taken as they are, a file in the way an
   error that names the folder. */
static void test_mkdirs(void **state)
{
    (void)state;
    char root[] = "/tmp/journal-test-mkdirs.XXXXXX";
    assert_non_null(mkdtemp(root));
    char *deep = fs_join(root, "a/b/c/d");
    assert_int_equal(fs_mkdirs(deep), 0);
    assert_true(fs_is_dir(deep));
    assert_int_equal(fs_mkdirs(deep), 0);
    char *sibling = fs_join(root, "a/b/e"), *slashes = fs_join(root, "f//g/");
    assert_int_equal(fs_mkdirs(sibling), 0);
    assert_true(fs_is_dir(sibling));
    assert_int_equal(fs_mkdirs(slashes), 0);
    char *g = fs_join(root, "f/g");
    assert_true(fs_is_dir(g));
    char *file = fs_join(root, "a/file"), *under = fs_join(root, "a/file/x/y");
    assert_int_equal(fs_write_atomic(file, "x", 1), 0);
    assert_int_equal(fs_mkdirs(under), JOURNAL_EINTERNAL);
    assert_non_null(strstr(error_message(), "cannot create directory"));
    assert_non_null(strstr(error_message(), "a/file/x"));
    error_clear();
    char *page = fs_join(root, "h/i/index.html");
    assert_int_equal(fs_write_file(page, "<p>", 3), 0);
    assert_true(fs_exists(page));
    assert_int_equal(fs_remove_tree(root), 0);
    free(deep);
    free(sibling);
    free(slashes);
    free(g);
    free(file);
    free(under);
    free(page);
}

static void test_yaml_positions(void **state)
{
    (void)state;
    struct ydoc d;
    const char text[] = "a: 1\nlist:\n  - x\n  - y: z\n";
    assert_int_equal(ydoc_load(&d, "f.yaml", text, strlen(text), 10), 0);
    yaml_node_t *root = ydoc_root(&d);
    yaml_node_t *list = ydoc_get(&d, root, "list");
    assert_non_null(list);
    assert_int_equal(list->type, YAML_SEQUENCE_NODE);
    yaml_node_t *second = ydoc_node(&d, list->data.sequence.items.start[1]);
    assert_int_equal(ydoc_line(&d, second), 14);
    assert_int_equal(ydoc_column(second), 5);
    assert_string_equal(ydoc_scalar(ydoc_get(&d, second, "y")), "z");
    unsigned long v;
    assert_true(ydoc_uint(ydoc_get(&d, root, "a"), &v));
    assert_int_equal(v, 1);
    ydoc_free(&d);

    assert_int_equal(ydoc_load(&d, "f.yaml", "a: [1, 2\n", 9, 0), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "f.yaml:2:1: invalid YAML"));
    assert_int_equal(ydoc_load(&d, "f.yaml", "a: 1\n---\nb: 2\n", 14, 0), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "second"));
}

/* A value that YAML reads as syntax: the error says to quote it, and how. */
static void expect_quoting_hint(const char *text, const char *expected)
{
    struct ydoc d;
    assert_int_equal(ydoc_load(&d, "ms.md", text, strlen(text), 1), JOURNAL_EINPUT);
    if (!strstr(error_message(), expected))
        fail_msg("expected \"%s\" in\n%s", expected, error_message());
}

static void test_yaml_quoting_hint(void **state)
{
    (void)state;
    expect_quoting_hint("lang: en\ntitle: \u201cCitizens\u2019 trust: evidence from Almaty\u201d\n",
                        "ms.md:3:");
    expect_quoting_hint("lang: en\ntitle: \u201cCitizens\u2019 trust: evidence from Almaty\u201d\n",
                        ": invalid YAML: mapping values are not allowed in this context; the value "
                        "of 'title' must be quoted (typographic quotes are not YAML quotes): write "
                        "it as title: '\u201cCitizens\u2019 trust: evidence from Almaty\u201d'");
    /* An ASCII apostrophe is doubled inside the single quotes. */
    expect_quoting_hint("authors:\n  - name: J\n    affiliations:\n      - name: Citizens' "
                        "trust: a unit\n",
                        "the value of 'name' must be quoted (a colon followed by a space starts a "
                        "new field): write it as name: 'Citizens'' trust: a unit'");
    expect_quoting_hint("title: T\nkeywords: [a, b]\nsubtitle: @home\n",
                        "ms.md:4:11: invalid YAML: found character that cannot start any token "
                        "while scanning for the next token; the value of 'subtitle' must be quoted "
                        "(its first character has a meaning in YAML): write it as subtitle: "
                        "'@home'");
    /* No hint where quoting is not the fix. */
    struct ydoc d;
    assert_int_equal(ydoc_load(&d, "f.yaml", "a: [1, 2\n", 9, 0), JOURNAL_EINPUT);
    assert_null(strstr(error_message(), "quoted"));
}

static void test_yaml_writer_quotes(void **state)
{
    (void)state;
    struct strbuf out = STRBUF_INIT;
    struct ywriter w;
    assert_int_equal(ywriter_begin(&w, &out), 0);
    ywriter_map_begin(&w);
    ywriter_pair(&w, "title", "A: tricky # value");
    ywriter_pair(&w, "ru", "Грузия");
    ywriter_map_end(&w);
    assert_int_equal(ywriter_end(&w), 0);
    struct ydoc d;
    assert_int_equal(ydoc_load(&d, "w", out.buf, out.len, 0), 0);
    assert_string_equal(ydoc_scalar(ydoc_get(&d, ydoc_root(&d), "title")), "A: tricky # value");
    assert_string_equal(ydoc_scalar(ydoc_get(&d, ydoc_root(&d), "ru")), "Грузия");
    assert_non_null(strstr(out.buf, "Грузия")); /* written as UTF-8, not escaped */
    ydoc_free(&d);
    strbuf_release(&out);
}

static void test_dates(void **state)
{
    (void)state;
    assert_true(date_is_valid("2024-02-29"));
    assert_false(date_is_valid("2025-02-29"));
    assert_false(date_is_valid("2025-13-01"));
    assert_false(date_is_valid("2025-1-01"));
    char *d = date_display("2025-06-30");
    assert_string_equal(d, "30 June 2025");
    free(d);
}

static void test_record_round_trip(void **state)
{
    (void)state;
    struct submission_record r = {.number = 7,
                                  .state = "published",
                                  .submitted = "2025-01-02",
                                  .published = "2025-06-30",
                                  .issue = 1,
                                  .doi = "10.99999/x.7"};
    struct strbuf out = STRBUF_INIT;
    record_write(&r, &out);
    struct submission_record back;
    assert_int_equal(record_parse(&back, "s.yaml", out.buf, out.len), 0);
    assert_int_equal(back.number, 7);
    assert_string_equal(back.state, "published");
    assert_string_equal(back.published, "2025-06-30");
    assert_int_equal(back.issue, 1);
    assert_string_equal(back.doi, "10.99999/x.7");
    record_free(&back);
    strbuf_release(&out);
    const char bad[] = "number: 3\nstate: limbo\n";
    assert_int_equal(record_parse(&back, "s.yaml", bad, strlen(bad)), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "s.yaml:2:8: expected 'state'"));
}

/* A withdrawn submission's date: written and read back, and only with state withdrawn. */
static void test_record_withdrawn(void **state)
{
    (void)state;
    struct submission_record r = {.number = 5,
                                  .state = "withdrawn",
                                  .submitted = "2026-01-02",
                                  .accepted = "2026-02-01",
                                  .withdrawn = "2026-02-10"};
    struct strbuf out = STRBUF_INIT;
    record_write(&r, &out);
    assert_non_null(strstr(out.buf, "\nwithdrawn: 2026-02-10\n"));
    struct submission_record back;
    assert_int_equal(record_parse(&back, "s.yaml", out.buf, out.len), 0);
    assert_string_equal(back.state, "withdrawn");
    assert_string_equal(back.withdrawn, "2026-02-10");
    assert_string_equal(back.accepted, "2026-02-01");
    record_free(&back);
    strbuf_release(&out);
    const char no_date[] = "number: 5\nstate: withdrawn\n";
    assert_int_equal(record_parse(&back, "s.yaml", no_date, strlen(no_date)), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "s.yaml:2:8: state withdrawn needs 'withdrawn'"));
    error_clear();
    const char not_withdrawn[] = "number: 5\nstate: accepted\nwithdrawn: 2026-02-10\n";
    assert_int_equal(record_parse(&back, "s.yaml", not_withdrawn, strlen(not_withdrawn)),
                     JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "s.yaml:3:12: 'withdrawn' goes with state withdrawn "
                                            "(this submission is accepted)"));
    error_clear();
    const char bad_date[] = "number: 5\nstate: withdrawn\nwithdrawn: yesterday\n";
    assert_int_equal(record_parse(&back, "s.yaml", bad_date, strlen(bad_date)), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "s.yaml:3:12: 'withdrawn' must be a date"));
    error_clear();
}

/* The one rule for where an invitation stands (model/record.h), at its edges. */
static void test_assignment_state(void **state)
{
    (void)state;
    const char *sent = "2026-01-01";
    /* Unanswered: invited through day 14, expired from day 15. */
    assert_int_equal(assignment_state("invited", sent, false, "2026-01-15", 14),
                     ASSIGNMENT_INVITED);
    assert_int_equal(assignment_state("invited", sent, false, "2026-01-16", 14),
                     ASSIGNMENT_EXPIRED);
    assert_int_equal(assignment_state(NULL, sent, false, "2026-01-16", 14), ASSIGNMENT_EXPIRED);
    /* A review is an acceptance, whatever the file says of an open invitation. */
    assert_int_equal(assignment_state(NULL, sent, true, "2026-03-01", 14), ASSIGNMENT_ACCEPTED);
    assert_int_equal(assignment_state("invited", sent, true, "2026-03-01", 14),
                     ASSIGNMENT_ACCEPTED);
    /* Answers stand, late or not. */
    assert_int_equal(assignment_state("accepted", sent, false, "2026-03-01", 14),
                     ASSIGNMENT_ACCEPTED);
    assert_int_equal(assignment_state("declined", sent, true, "2026-01-02", 14),
                     ASSIGNMENT_DECLINED);
    assert_int_equal(assignment_state("withdrawn", sent, false, "2026-01-02", 14),
                     ASSIGNMENT_WITHDRAWN);
    assert_int_equal(assignment_state("expired", sent, false, "2026-01-02", 14),
                     ASSIGNMENT_EXPIRED);
    /* No invitation date: nothing to expire from. */
    assert_int_equal(assignment_state(NULL, NULL, false, "2030-01-01", 14), ASSIGNMENT_INVITED);

    /* The answer's fields survive a round trip; each only where its state means something. */
    const char text[] = "number: 4\nstate: under-review\nassignments:\n"
                        "- reviewer: a\n  round: 1\n  invited: 2026-01-01\n  state: declined\n"
                        "  answered: 2026-01-03\n  reason: 'On leave: until March'\n"
                        "  suggested: Dr B\nprivate: [files/cover.pdf, data/x.csv]\n";
    struct submission_record r;
    assert_int_equal(record_parse(&r, "s.yaml", text, strlen(text)), 0);
    struct strbuf out = STRBUF_INIT;
    record_write(&r, &out);
    record_free(&r);
    assert_int_equal(record_parse(&r, "s.yaml", out.buf, out.len), 0);
    assert_string_equal(r.assignments[0].state, "declined");
    assert_string_equal(r.assignments[0].answered, "2026-01-03");
    assert_string_equal(r.assignments[0].reason, "On leave: until March");
    assert_string_equal(r.assignments[0].suggested, "Dr B");
    assert_int_equal(r.nprivate, 2);
    assert_true(record_is_private(&r, "cover.pdf") && record_is_private(&r, "data/x.csv"));
    assert_int_equal(record_declined_round(&r, "a"), 1);
    record_free(&r);
    strbuf_release(&out);
    const char suggested_on_accept[] = "number: 4\nstate: under-review\nassignments:\n"
                                       "- reviewer: a\n  state: accepted\n  suggested: Dr B\n";
    assert_int_equal(record_parse(&r, "s.yaml", suggested_on_accept, strlen(suggested_on_accept)),
                     JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "s.yaml:6:14: 'suggested' goes with state declined"));
    error_clear();
}

static void test_issue_manifest(void **state)
{
    (void)state;
    struct issue_manifest is;
    const char ok[] = "volume: 2\nnumber: 1\nyear: 2026\ndate: 2026-06-30\ntitle: T\n"
                      "articles: [4, 9]\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", ok, strlen(ok), NULL), 0);
    assert_int_equal(is.narticles, 2);
    assert_int_equal(is.articles[1], 9);
    char *label = issue_label(&is);
    assert_string_equal(label, "Vol. 2, No. 1 (2026)");
    free(label);
    issue_free(&is);
    const char dup[] = "volume: 2\nnumber: 1\nyear: 2026\ndate: 2026-06-30\n"
                       "articles:\n  - 4\n  - 4\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", dup, strlen(dup), NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "issues/3.yaml:7:5: submission 4 is listed twice"));

    /* Guest editors: a name or {name, affiliation}; written back in the long form. */
    const char special[] = "volume: 2\nnumber: 1\nyear: 2026\ndate: 2026-06-30\n"
                           "special: China\nguest_editors:\n  - Li Wei\n"
                           "  - {name: Anna Petrosyan, affiliation: YSU}\narticles: [4]\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", special, strlen(special), NULL), 0);
    assert_int_equal(is.nguest_editors, 2);
    assert_string_equal(is.guest_editors[0].name, "Li Wei");
    assert_null(is.guest_editors[0].affiliation);
    assert_string_equal(is.guest_editors[1].affiliation, "YSU");
    struct strbuf out = STRBUF_INIT;
    issue_write(&is, &out);
    issue_free(&is);
    assert_non_null(strstr(out.buf, "guest_editors:\n- name: Li Wei\n- name: Anna Petrosyan\n"
                                    "  affiliation: YSU\n"));
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", out.buf, out.len, NULL), 0);
    assert_int_equal(is.nguest_editors, 2);
    issue_free(&is);
    strbuf_release(&out);
    const char bad[] = "volume: 2\nnumber: 1\nyear: 2026\ndate: 2026-06-30\n"
                       "guest_editors:\n  - {affiliation: YSU}\n  - [x]\narticles: [4]\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", bad, strlen(bad), NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "issues/3.yaml:6:5: expected a guest editor's name"));
    assert_non_null(strstr(error_message(), "issues/3.yaml:7:5: expected a guest editor's name"));

    /* The special series: number: S1 reads, labels and writes back as such. */
    const char series[] = "volume: 2\nnumber: s1\nyear: 2026\ndate: 2026-06-30\nspecial: China\n"
                          "articles:\n  - {submission: 4, supplementary: [data.csv, raw/b.zip]}\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", series, strlen(series), NULL), 0);
    assert_true(is.special_series);
    assert_int_equal(is.number, 1);
    label = issue_label(&is);
    assert_string_equal(label, "Vol. 2, Special Issue 1 (2026)");
    free(label);
    char number[ISSUE_NUMBER_SIZE];
    assert_string_equal(issue_number_text(&is, number), "S1");
    assert_int_equal(is.supplementary[0].nfiles, 2);
    issue_write(&is, &out);
    issue_free(&is);
    assert_non_null(strstr(out.buf, "number: S1\n"));
    assert_non_null(strstr(out.buf, "  supplementary: [data.csv, raw/b.zip]\n"));
    strbuf_release(&out);
    const char numbers[] = "volume: 2\nnumber: S0\nyear: 2026\ndate: 2026-06-30\n"
                           "articles:\n  - {submission: 4, supplementary: [../x, page.html]}\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", numbers, strlen(numbers), NULL),
                     JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "issues/3.yaml:2:9: 'number' must be a positive whole "
                                            "number, or S and one"));
    assert_non_null(strstr(error_message(), "issues/3.yaml:6:37: supplementary material '../x'"));
    assert_non_null(strstr(error_message(), "supplementary material 'page.html': a web page"));
    for (size_t i = 0; i < 5; i++) {
        static const char *const bad_numbers[] = {"X1", "S", "0", "1.5", "S-1"};
        bool special;
        unsigned long n;
        assert_false(issue_number_parse(bad_numbers[i], &n, &special));
    }
}

static void test_config(void **state)
{
    (void)state;
    struct journal_config c;
    assert_true(issn_is_valid("0317-8471"));
    assert_true(issn_is_valid("2434-561X"));
    assert_false(issn_is_valid("0317-8472"));
    /* journal.yaml's issn is stored as NNNN-NNNC with an upper-case X, whatever its spelling;
       a wrong check digit says which one the other digits call for. */
    static const char *const spellings[] = {"2789-388x", "2789388X", "2789 388x", "2789-388X"};
    for (size_t i = 0; i < 4; i++) {
        char *yaml = xasprintf("title: J\nissn: \"%s\"\n", spellings[i]);
        assert_int_equal(config_parse(&c, "journal.yaml", yaml, strlen(yaml), NULL), 0);
        assert_string_equal(c.issn, "2789-388X");
        config_free(&c);
        free(yaml);
    }
    const char wrong[] = "title: J\nissn: 2789-3881\n";
    assert_int_equal(config_parse(&c, "journal.yaml", wrong, strlen(wrong), NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(),
                           "journal.yaml:2:7: '2789-3881' is not a valid ISSN: its first seven "
                           "digits call for the check digit X"));
    const char typo[] = "titel: J\nbase_ur: https://jcsrp.org/\nreview_mod: open\n";
    assert_int_equal(config_parse(&c, "journal.yaml", typo, strlen(typo), NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(),
                           "journal.yaml:1:1: unknown field 'titel' in journal.yaml; did you mean "
                           "title?\njournal.yaml:2:1: unknown field 'base_ur' in journal.yaml; did "
                           "you mean base_url?\njournal.yaml:3:1: unknown field 'review_mod' in "
                           "journal.yaml; did you mean review_mode?"));
    const char shape[] = "title: J\nissn: 2789-38\n";
    assert_int_equal(config_parse(&c, "journal.yaml", shape, strlen(shape), NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "journal.yaml:2:7: '2789-38' is not a valid ISSN "
                                            "(expected NNNN-NNNC"));
    const char ok[] = "title: J\nbase_url: https://j.example.org\nissn: 0317-8471\n";
    assert_int_equal(config_parse(&c, "journal.yaml", ok, strlen(ok), NULL), 0);
    assert_string_equal(c.base_url, "https://j.example.org/");
    assert_string_equal(c.review_mode, "double-blind");
    assert_int_equal(c.max_manuscript_size, CONFIG_DEFAULT_MAX_MANUSCRIPT_SIZE);
    assert_string_equal(c.languages[0], "en");
    config_free(&c);
    const char bad[] = "title: J\nissn: 0317-8472\nreview_mode: closed\n";
    assert_int_equal(config_parse(&c, "journal.yaml", bad, strlen(bad), NULL), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "journal.yaml:2:7: '0317-8472' is not a valid ISSN"));
    assert_non_null(strstr(error_message(), "journal.yaml:3:14: review_mode"));
    struct strbuf def = STRBUF_INIT;
    config_write_default(&def, "New: Journal", NULL);
    assert_int_equal(config_parse(&c, "journal.yaml", def.buf, def.len, NULL), 0);
    assert_string_equal(c.title, "New: Journal");
    config_free(&c);
    strbuf_release(&def);
}

/* base_url's placeholders: the reserved names and loopback, whatever their spelling. */
static void test_config_base_url_placeholder(void **state)
{
    (void)state;
    static const char *const placeholders[] = {
        "https://journal.example.org/", "http://example.com",
        "https://EXAMPLE.NET./j/",      "https://a.b.example.org:8443/x",
        "https://journal.test/",        "https://site.invalid/",
        "https://my.example/",          "http://localhost:8000/",
        "https://app.localhost/",       "http://127.0.0.1/",
        "http://127.1.2.3:80/",         "http://[::1]:8080/",
        "https://user@example.org/"};
    for (size_t i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++)
        if (!url_reserved_host(placeholders[i]))
            fail_msg("%s is a placeholder", placeholders[i]);
    static const char *const real[] = {
        "https://jcsrp.org/",        "https://journal.myexample.org/",
        "https://example.org.kz/",   "https://testing.ac.uk/",
        "http://128.0.0.1/",         "https://[2001:db8::1]/",
        "https://examples.com/path", "https://localhost.ru/"};
    for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++)
        if (url_reserved_host(real[i]))
            fail_msg("%s is not a placeholder (%s)", real[i], url_reserved_host(real[i]));
    assert_string_equal(url_reserved_host("https://journal.example.org/"), "example.org");

    /* The message names the line of journal.yaml; init's default is the placeholder. */
    struct journal_config c;
    struct strbuf def = STRBUF_INIT;
    config_write_default(&def, "J", NULL);
    assert_int_equal(config_parse(&c, "journal.yaml", def.buf, def.len, NULL), 0);
    assert_int_equal(config_check_base_url(&c, "DOIs would resolve to it"), JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "journal.yaml:5:11: base_url "
                                            "'https://journal.example.org/' is a placeholder "
                                            "(example.org is reserved"));
    assert_non_null(strstr(error_message(), "; DOIs would resolve to it"));
    error_clear();
    config_free(&c);
    strbuf_reset(&def);
    config_write_default(&def, "J", "https://jcsrp.org");
    assert_int_equal(config_parse(&c, "journal.yaml", def.buf, def.len, NULL), 0);
    assert_int_equal(config_check_base_url(&c, "x"), 0);
    assert_null(config_base_url_placeholder(&c));
    config_free(&c);
    strbuf_release(&def);
}

/* Texts per language, the editorial board, and what is wrong with them, by line. */
/* Texts the journal writes, per language: the publisher, board affiliations, issue titles,
   special-edition titles and guest editors' affiliations; only in the journal's languages. */
static void test_localised_texts(void **state)
{
    (void)state;
    struct journal_config c;
    const char ok[] = "title: {en: Journal, ru: Журнал}\n"
                      "languages: [en, ru]\n"
                      "publisher: {en: The Hub, ru: Хаб}\n"
                      "editorial_board:\n"
                      "  - name: A. Editor\n"
                      "    role: {en: Editor-in-Chief, ru: Главный редактор}\n"
                      "    affiliation: {ru: Университет, en: University}\n"
                      "  - name: B. Member\n"
                      "    role: Member\n"
                      "    affiliation: Old University\n";
    assert_int_equal(config_parse(&c, "journal.yaml", ok, strlen(ok), NULL), 0);
    /* The outputs that speak one language (DOAJ, JATS, Crossref) take the main one's. */
    assert_string_equal(c.publisher, "The Hub");
    assert_string_equal(localised_get(&c.publishers, "ru", "en"), "Хаб");
    assert_string_equal(c.board[0].affiliation, "University");
    assert_string_equal(localised_get(&c.board[0].affiliations, "ru", "en"), "Университет");
    /* One text, as before: it serves every language. */
    assert_string_equal(c.board[1].affiliation, "Old University");
    assert_string_equal(localised_get(&c.board[1].affiliations, "ru", "en"), "Old University");

    struct issue_manifest is;
    const char issue[] = "volume: 2\nnumber: S1\nyear: 2026\ndate: 2026-06-30\n"
                         "title: {ru: Выпуск, en: An issue}\n"
                         "special:\n  en: Reform in China\n  ru: Реформа в Китае\n"
                         "guest_editors:\n  - {name: Li Wei, affiliation: {en: PKU, ru: Пекинский "
                         "университет}}\n  - {name: Anna Petrosyan, affiliation: YSU}\n"
                         "articles: [4]\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", issue, strlen(issue), &c), 0);
    assert_string_equal(is.title, "An issue");
    assert_string_equal(is.special, "Reform in China");
    assert_string_equal(localised_get(&is.specials, "ru", NULL), "Реформа в Китае");
    assert_string_equal(is.guest_editors[0].affiliation, "PKU");
    assert_string_equal(localised_get(&is.guest_editors[0].affiliations, "ru", NULL),
                        "Пекинский университет");
    assert_string_equal(is.guest_editors[1].affiliation, "YSU");
    /* Written back as given, per language or as one text, and read back the same. */
    struct strbuf out = STRBUF_INIT;
    issue_write(&is, &out);
    issue_free(&is);
    assert_non_null(strstr(out.buf, "title:\n  ru: Выпуск\n  en: An issue\n"));
    assert_non_null(strstr(out.buf, "special:\n  en: Reform in China\n  ru: Реформа в Китае\n"));
    assert_non_null(
        strstr(out.buf, "  affiliation:\n    en: PKU\n    ru: Пекинский университет\n"));
    assert_non_null(strstr(out.buf, "  affiliation: YSU\n"));
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", out.buf, out.len, &c), 0);
    assert_string_equal(localised_get(&is.titles, "ru", NULL), "Выпуск");
    /* build-issue --title replaces the main language's text, keeping the others. */
    issue_set_text(&is, false, NULL, "The issue", &c);
    assert_string_equal(is.title, "The issue");
    assert_string_equal(localised_get(&is.titles, "ru", NULL), "Выпуск");
    /* A text given once becomes the main language's when another language is added. */
    issue_set_text(&is, true, NULL, "China", &c);
    issue_set_text(&is, true, "ru", "Китай", &c);
    assert_string_equal(is.special, "China");
    assert_string_equal(localised_get(&is.specials, "en", NULL), "China");
    assert_string_equal(localised_get(&is.specials, "ru", NULL), "Китай");
    issue_free(&is);
    strbuf_release(&out);

    /* A language the journal does not publish in, in an issue or in journal.yaml: file:line. */
    const char not_ours[] = "volume: 2\nnumber: 1\nyear: 2026\ndate: 2026-06-30\n"
                            "title: {en: T, de: Heft}\nspecial:\n  kk: Қытай\n"
                            "guest_editors:\n  - {name: Li Wei, affiliation: {fr: X}}\n"
                            "articles: [4]\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", not_ours, strlen(not_ours), &c),
                     JOURNAL_EINPUT);
    const char *msg = error_message();
    assert_non_null(strstr(msg, "issues/3.yaml:5:16: 'title' in de: the journal does not publish "
                                "in de (journal.yaml languages: [en, ru])"));
    assert_non_null(strstr(msg, "issues/3.yaml:7:3: 'special' in kk: the journal does not publish "
                                "in kk"));
    assert_non_null(strstr(msg, "issues/3.yaml:9:34: 'affiliation' in fr: the journal does not "
                                "publish in fr"));
    /* Without the journal (tools that only read the table of contents) any code goes. */
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", not_ours, strlen(not_ours), NULL), 0);
    assert_string_equal(is.title, "T");
    issue_free(&is);
    const char not_text[] = "volume: 2\nnumber: 1\nyear: 2026\ndate: 2026-06-30\n"
                            "title: [a, b]\nspecial: {en: [x]}\narticles: [4]\n";
    assert_int_equal(issue_parse(&is, 3, "issues/3.yaml", not_text, strlen(not_text), &c),
                     JOURNAL_EINPUT);
    msg = error_message();
    assert_non_null(strstr(msg, "issues/3.yaml:5:8: 'title' must be a text, or one text per "
                                "language ({en: ..., ru: ...})"));
    assert_non_null(strstr(msg, "issues/3.yaml:6:15: 'special' in en must be a text"));
    config_free(&c);

    const char bad[] = "title: {en: J, ru: Ж}\n"
                       "languages: [en, ru]\n"
                       "publisher: {en: Hub, kk: Хаб}\n"
                       "call_for_papers: {de: Aufruf}\n"
                       "editorial_board:\n"
                       "  - name: A\n"
                       "    role: {en: Member, ru: Член, uz: A'zo}\n"
                       "    affiliation: {en: U, fr: Université}\n";
    assert_int_equal(config_parse(&c, "journal.yaml", bad, strlen(bad), NULL), JOURNAL_EINPUT);
    msg = error_message();
    assert_non_null(strstr(msg, "journal.yaml:3:22: 'publisher' in kk: the journal does not "
                                "publish in kk (journal.yaml languages: [en, ru])"));
    assert_non_null(strstr(msg, "journal.yaml:4:19: 'call_for_papers' in de"));
    assert_non_null(strstr(msg, "journal.yaml:7:34: 'role' in uz"));
    assert_non_null(strstr(msg, "journal.yaml:8:26: 'affiliation' in fr"));
}

static void test_config_site_texts(void **state)
{
    (void)state;
    struct journal_config c;
    const char ok[] = "title: {en: Journal, ru: Журнал}\n"
                      "languages: [ru, en]\n"
                      "description: One text for every language.\n"
                      "aims_and_scope:\n  en: Aims.\n  ru: Цели.\n"
                      "editorial_board:\n"
                      "  - name: A. Editor\n"
                      "    role: {en: Editor-in-Chief, ru: Главный редактор}\n"
                      "    country: KZ\n"
                      "    orcid: https://orcid.org/0000-0002-1825-0097\n"
                      "  - name: B. Member\n"
                      "    role: Member\n";
    assert_int_equal(config_parse(&c, "journal.yaml", ok, strlen(ok), NULL), 0);
    /* Mail and letters use the first language's title. */
    assert_string_equal(c.title, "Журнал");
    assert_string_equal(localised_get(&c.titles, "en", "ru"), "Journal");
    assert_string_equal(localised_get(&c.titles, "kk", "ru"), "Журнал");
    assert_string_equal(localised_get(&c.descriptions, "en", "ru"), "One text for every language.");
    assert_string_equal(localised_get(&c.aims_and_scope, "ru", NULL), "Цели.");
    assert_null(localised_get(&c.call_for_papers, "en", NULL));
    assert_int_equal(c.nboard, 2);
    assert_string_equal(c.board[0].name, "A. Editor");
    assert_string_equal(localised_get(&c.board[0].role, "ru", "en"), "Главный редактор");
    assert_string_equal(localised_get(&c.board[1].role, "ru", "en"), "Member");
    assert_string_equal(c.board[0].orcid, "0000-0002-1825-0097");
    assert_string_equal(c.board[0].country, "KZ");
    assert_int_equal(c.board[1].line, 12);
    config_free(&c);

    const char bad[] = "title: {en: J, zz: Z}\n"
                       "editorial_board:\n"
                       "  - role: Member\n"
                       "    orcid: 0000-0002-1825-0098\n"
                       "  - name: C\n"
                       "  - just a name\n";
    struct language_db *languages = NULL;
    assert_int_equal(language_db_open(&languages, NULL, NULL), 0);
    assert_int_equal(config_parse(&c, "journal.yaml", bad, strlen(bad), languages), JOURNAL_EINPUT);
    const char *msg = error_message();
    assert_non_null(strstr(msg, "journal.yaml:1:16: 'title': expected a language code"));
    assert_non_null(strstr(msg, "journal.yaml:3:5: a board member needs a name"));
    assert_non_null(strstr(msg, "journal.yaml:4:12: not a valid ORCID iD"));
    assert_non_null(strstr(msg, "journal.yaml:5:5: a board member needs a role"));
    assert_non_null(strstr(msg, "journal.yaml:6:5: expected a board member"));
    language_db_free(languages);
    const char no_title[] = "title: {}\n";
    assert_int_equal(config_parse(&c, "journal.yaml", no_title, strlen(no_title), NULL),
                     JOURNAL_EINPUT);
    assert_non_null(strstr(error_message(), "missing required field 'title'"));
}

/* Formatting appends whatever the room already there: results shorter and longer than it,
 * and xasprintf on both sides of its stack buffer. */
static void test_formatting_lengths(void **state)
{
    (void)state;
    char want[2400];
    for (size_t start = 0; start < 130; start += 43)
        for (size_t len = 0; len < 2048; len = len * 2 + 1) {
            struct strbuf sb = STRBUF_INIT;
            memset(want, 'p', start);
            strbuf_add(&sb, want, start);
            strbuf_addf(&sb, "%0*d|%s", (int)len, 7, "end");
            snprintf(want + start, sizeof(want) - start, "%0*d|%s", (int)len, 7, "end");
            assert_int_equal(sb.len, strlen(want));
            assert_string_equal(sb.buf, want);
            strbuf_release(&sb);
        }
    for (size_t len = 250; len < 262; len++) {
        char *s = xasprintf("%0*d", (int)len, 5);
        assert_int_equal(strlen(s), len);
        assert_int_equal(s[len - 1], '5');
        assert_int_equal(s[0], len > 1 ? '0' : '5');
        free(s);
    }
    struct strbuf empty = STRBUF_INIT;
    strbuf_addf(&empty, "%s", "");
    assert_int_equal(empty.len, 0);
    assert_string_equal(empty.buf, "");
    strbuf_release(&empty);
}

/* Two threads writing the same file with fs_write_atomic never share a temporary file: every
   write succeeds, and the file is one of them whole. */
struct atomic_writer {
    const char *path;
    char fill;
    int failures;
};

static void *write_many(void *arg)
{
    struct atomic_writer *w = arg;
    char data[4096];
    memset(data, w->fill, sizeof(data));
    for (int i = 0; i < 200; i++)
        if (fs_write_atomic(w->path, data, sizeof(data))) {
            w->failures++;
            error_clear();
        }
    return NULL;
}

static void test_write_atomic_threads(void **state)
{
    (void)state;
    char dir[] = "/tmp/journal-fs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = xasprintf("%s/draft.json", dir);
    struct atomic_writer a = {path, 'a', 0}, b = {path, 'b', 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, write_many, &a);
    pthread_create(&tb, NULL, write_many, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    assert_int_equal(a.failures + b.failures, 0);
    struct strbuf got = STRBUF_INIT;
    assert_int_equal(fs_read_file(path, &got), 0);
    assert_int_equal(got.len, 4096);
    assert_true(strspn(got.buf, "a") == 4096 || strspn(got.buf, "b") == 4096);
    strbuf_release(&got);
    unlink(path);
    rmdir(dir);
    free(path);
    long pid = 0;
    assert_true(fs_temp_pid("1234", &pid));
    assert_int_equal(pid, 1234);
    assert_true(fs_temp_pid("1234.17", &pid));
    assert_int_equal(pid, 1234);
    assert_false(fs_temp_pid("", &pid));
    assert_false(fs_temp_pid("12a", &pid));
    assert_false(fs_temp_pid("12.", &pid));
    assert_false(fs_temp_pid("12.3x", &pid));
    assert_false(fs_temp_pid("-5", &pid));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_atomic_threads),
        cmocka_unit_test(test_strbuf),
        cmocka_unit_test(test_formatting_lengths),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_utf8_validate_matches_decode),
        cmocka_unit_test(test_utf8_validate_blocks),
        cmocka_unit_test(test_utf8_case),
        cmocka_unit_test(test_xml_text_clean),
        cmocka_unit_test(test_safe_relative),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_mkdirs),
        cmocka_unit_test(test_yaml_positions),
        cmocka_unit_test(test_yaml_quoting_hint),
        cmocka_unit_test(test_yaml_writer_quotes),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_record_withdrawn),
        cmocka_unit_test(test_assignment_state),
        cmocka_unit_test(test_issue_manifest),
        cmocka_unit_test(test_config_base_url_placeholder),
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_site_texts),
        cmocka_unit_test(test_localised_texts),
    };
    int rc = cmocka_run_group_tests_name("util", tests, NULL, NULL);
    error_clear();
    return rc;
}
