/* The text scanners that read sixteen bytes at a time (xml_text_escape, xml_text_clean,
 * strbuf_add_html_escaped) against plain references written a byte or a character at a
 * time: every special byte and sequence at every position around the 16-byte blocks, at
 * the end of the text and after it, in ASCII and in Cyrillic, and random mixes with
 * invalid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/alloc.h"
#include "util/strbuf.h"
#include "util/utf8.h"
#include "util/xmltext.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the scanners treat specially, and the characters around those cases. */
static const char *const pieces[] = {
    "<",
    ">",
    "&",
    "\"",
    "'",
    "\t",
    "\n",
    "\r",
    "\x01",
    "\x1f",
    "\x7f",
    " ",
    "a",
    "\xd0\xb6",         /* ж */
    "\xc2\x80",         /* a C1 control: XML 1.0 holds it */
    "\xc2\xab",         /* « */
    "\xdf\xbf",         /* U+07FF */
    "\xe2\x80\x94",     /* — */
    "\xe0\xa0\x80",     /* U+0800, the smallest three-byte one */
    "\xed\x9f\xbf",     /* U+D7FF, just below the surrogates */
    "\xee\x80\x80",     /* U+E000 */
    "\xef\xbb\xbf",     /* U+FEFF */
    "\xef\xbf\xbd",     /* U+FFFD */
    "\xef\xbf\xbe",     /* U+FFFE: not in XML */
    "\xef\xbf\xbf",     /* U+FFFF: not in XML */
    "\xf0\x9f\x98\x80", /* an emoji */
    "\xf4\x8f\xbf\xbf", /* U+10FFFF */
    "\xc0\xaf",         /* overlong '/' */
    "\xc1\xbf",         /* overlong */
    "\xe0\x80\xaf",     /* overlong */
    "\xed\xa0\x80",     /* a surrogate */
    "\xf0\x80\x80\xaf", /* overlong */
    "\xf4\x90\x80\x80", /* past U+10FFFF */
    "\xf5\x80\x80\x80",
    "\xff",
    "\x80",
    "\xbf",
    "\xd0",         /* a lead without its continuation */
    "\xe2\x82",     /* cut short */
    "\xf0\x9f\x98", /* cut short */
};
#define NPIECES (sizeof pieces / sizeof *pieces)

static const char ascii_filler[] =
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";
static const char cyrillic_filler[] = "Реформа государственной службы в Казахстане и Грузии";
static const char mixed_filler[] = "Закон (law) 2019 и ст. 5 кодекса, n = 3; «цитата» — конец.";

static unsigned seed = 20261123;

static unsigned rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 16;
}

/* xml_text_clean the plain way: a character at a time. */
static char *ref_clean(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = s; *p;) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                strbuf_addch(&sb, (char)c);
            p++;
            continue;
        }
        const char *start = p;
        uint32_t cp;
        if (!utf8_decode(&p, &cp))
            utf8_append(&sb, 0xfffd);
        else if (cp != 0xfffe && cp != 0xffff)
            strbuf_add(&sb, start, (size_t)(p - start));
    }
    return strbuf_detach(&sb, NULL);
}

/* What libxml2's writer makes of clean text, a byte at a time. */
static void ref_escape(struct strbuf *sb, const char *s, bool attribute)
{
    char *clean = ref_clean(s);
    for (const char *p = clean; *p; p++) {
        const char *entity = NULL;
        switch (*p) {
        case '<':
            entity = "&lt;";
            break;
        case '>':
            entity = "&gt;";
            break;
        case '&':
            entity = "&amp;";
            break;
        case '"':
            entity = "&quot;";
            break;
        case '\r':
            entity = "&#13;";
            break;
        case '\n':
            entity = attribute ? "&#10;" : NULL;
            break;
        case '\t':
            entity = attribute ? "&#9;" : NULL;
            break;
        default:
            break;
        }
        if (entity)
            strbuf_addstr(sb, entity);
        else
            strbuf_addch(sb, *p);
    }
    free(clean);
}

/* strbuf_add_html_escaped the plain way. */
static void ref_html(struct strbuf *sb, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '&':
            strbuf_addstr(sb, "&amp;");
            break;
        case '<':
            strbuf_addstr(sb, "&lt;");
            break;
        case '>':
            strbuf_addstr(sb, "&gt;");
            break;
        case '"':
            strbuf_addstr(sb, "&quot;");
            break;
        case '\'':
            strbuf_addstr(sb, "&#39;");
            break;
        default:
            strbuf_addch(sb, s[i]);
        }
    }
}

static void show(const char *what, const char *s)
{
    fprintf(stderr, "%s: \"", what);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fprintf(stderr, *p >= 0x20 && *p < 0x7f && *p != '\\' ? "%c" : "\\x%02x", *p);
    fprintf(stderr, "\"\n");
}

/* Each scanner on s, against its reference; the escapers append after what sb holds. */
static void check_all(const char *s)
{
    for (int attribute = 0; attribute <= 1; attribute++) {
        struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;
        strbuf_addstr(&got, "<kept>");
        strbuf_addstr(&want, "<kept>");
        xml_text_escape(&got, s, attribute);
        ref_escape(&want, s, attribute);
        if (strcmp(got.buf, want.buf)) {
            show("input", s);
            show("got", got.buf);
            show("want", want.buf);
            fail_msg("xml_text_escape (%s) differs from the reference",
                     attribute ? "attribute" : "text");
        }
        strbuf_release(&got);
        strbuf_release(&want);
    }
    /* With trailing whitespace trimmed (after cleaning), as the OAI and Atom writers use it. */
    for (int attribute = 0; attribute <= 1; attribute++) {
        struct strbuf tail = STRBUF_INIT, got = STRBUF_INIT, want = STRBUF_INIT;
        strbuf_addf(&tail, "%s%s", s, attribute ? " \t\r\n" : " \n");
        xml_text_escape_trimmed(&got, tail.buf, attribute);
        char *clean = ref_clean(tail.buf);
        size_t n = strlen(clean);
        while (n && strchr(" \t\r\n", clean[n - 1]))
            clean[--n] = '\0';
        ref_escape(&want, clean, attribute);
        if (strcmp(got.buf, want.buf)) {
            show("input", tail.buf);
            show("got", got.buf);
            show("want", want.buf);
            fail_msg("xml_text_escape_trimmed (%s) differs from the reference",
                     attribute ? "attribute" : "text");
        }
        free(clean);
        strbuf_release(&tail);
        strbuf_release(&got);
        strbuf_release(&want);
    }
    char *got = xml_text_clean(s, false), *want = ref_clean(s);
    if (strcmp(got, want)) {
        show("input", s);
        show("got", got);
        show("want", want);
        fail_msg("xml_text_clean differs from the reference");
    }
    free(got);
    free(want);
    size_t len = strlen(s);
    struct strbuf hgot = STRBUF_INIT, hwant = STRBUF_INIT;
    strbuf_add_html_escaped(&hgot, s, len);
    ref_html(&hwant, s, len);
    if (strcmp(hgot.buf, hwant.buf)) {
        show("input", s);
        fail_msg("strbuf_add_html_escaped differs from the reference");
    }
    /* A prefix of s, the rest of the buffer not to be read. */
    strbuf_reset(&hgot);
    strbuf_reset(&hwant);
    strbuf_add_html_escaped(&hgot, s, len / 2);
    ref_html(&hwant, s, len / 2);
    if (strcmp(hgot.buf, hwant.buf))
        fail_msg("strbuf_add_html_escaped differs from the reference on a prefix");
    strbuf_release(&hgot);
    strbuf_release(&hwant);
}

/* Each piece at every byte offset of each filler (cut mid-character too), followed by the
   filler's start, or ending the text, or starting it. */
static void test_every_piece_at_every_position(void **state)
{
    (void)state;
    const char *const fillers[] = {ascii_filler, cyrillic_filler, mixed_filler};
    char buf[256];
    for (size_t f = 0; f < sizeof fillers / sizeof *fillers; f++)
        for (size_t k = 0; k < NPIECES; k++)
            for (int at = 0; at <= 50; at++) {
                const char *fill = fillers[f];
                snprintf(buf, sizeof buf, "%.*s%s%.*s", at, fill, pieces[k], 50 - at, fill);
                check_all(buf);
                snprintf(buf, sizeof buf, "%.*s%s", at, fill, pieces[k]);
                check_all(buf);
                snprintf(buf, sizeof buf, "%s%.*s", pieces[k], at, fill);
                check_all(buf);
                /* Two pieces, near each other and across a block's end. */
                snprintf(buf, sizeof buf, "%.*s%s%.*s%s%.*s", at, fill, pieces[k], at % 5, fill,
                         pieces[(k * 7 + (size_t)at) % NPIECES], 20, fill);
                check_all(buf);
            }
}

/* Random mixes: mostly plain characters, now and then anything from pieces. */
static void test_random_texts(void **state)
{
    (void)state;
    static const char *const plain[] = {
        "a", "Z", " ", "9", ".", "\xd0\xb6", "\xd0\x9a", "\xd1\x8f", "\xc3\xa9", "\xe2\x80\x94"};
    char buf[512];
    for (int round = 0; round < 40000; round++) {
        size_t len = 0, n = rnd() % 90;
        unsigned rare = 1 + rnd() % 40; /* how often a piece comes, from always to seldom */
        for (size_t i = 0; i < n; i++) {
            const char *t = rnd() % rare == 0 ? pieces[rnd() % NPIECES]
                                              : plain[rnd() % (sizeof plain / sizeof *plain)];
            size_t tl = strlen(t);
            memcpy(buf + len, t, tl);
            len += tl;
        }
        buf[len] = '\0';
        check_all(buf);
    }
}

/* Long texts: blocks in a row, one thing to look at far in. */
static void test_long_texts(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    for (size_t k = 0; k < NPIECES; k++)
        for (size_t at = 0; at < 300; at += 37) {
            strbuf_reset(&sb);
            for (size_t i = 0; i < 6; i++)
                strbuf_addstr(&sb, i % 2 ? cyrillic_filler : ascii_filler);
            strbuf_setlen(&sb, sb.len - at % 3);
            char *s = xstrdup(sb.buf);
            size_t len = strlen(s);
            strbuf_reset(&sb);
            strbuf_add(&sb, s, (len * at) / 300);
            strbuf_addstr(&sb, pieces[k]);
            strbuf_addstr(&sb, s + (len * at) / 300);
            check_all(sb.buf);
            free(s);
        }
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_piece_at_every_position),
        cmocka_unit_test(test_random_texts),
        cmocka_unit_test(test_long_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
