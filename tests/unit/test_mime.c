/*
 * Composing messages: RFC 2047 encoded-words (checked by decoding them back
 * with the small decoder below), folding, CRLF, Date, Message-ID,
 * quoted-printable, and refusal of anything that could inject a header.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/mime.h"
#include "util/strbuf.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-01-15 10:00:00 UTC, a Thursday. */
#define FIXED_DATE ((time_t)1768471200)

static const struct mail_address editor = {"Редакция журнала «Вестник»",
                                           "editor@journal.example.org"};

/* ---- A small decoder, independent of the encoder ---------------------------------------- */

static int base64_value(char c)
{
    const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = c ? strchr(digits, c) : NULL;
    return p ? (int)(p - digits) : -1;
}

static void base64_decode(struct strbuf *out, const char *s, size_t len)
{
    assert_int_equal(len % 4, 0);
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++)
            v[k] = s[i + k] == '=' ? 0 : base64_value(s[i + k]);
        for (int k = 0; k < 4; k++)
            assert_true(v[k] >= 0);
        uint32_t n = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | v[3];
        strbuf_addch(out, (char)(n >> 16));
        if (s[i + 2] != '=')
            strbuf_addch(out, (char)(n >> 8));
        if (s[i + 3] != '=')
            strbuf_addch(out, (char)n);
    }
}

/* The raw (folded) value of header name, without "Name:" and the final CRLF; NULL if absent. */
static char *raw_header(const char *message, const char *name)
{
    size_t nlen = strlen(name);
    const char *end_of_headers = strstr(message, "\r\n\r\n");
    assert_non_null(end_of_headers);
    for (const char *line = message; line < end_of_headers;) {
        if (!strncmp(line, name, nlen) && line[nlen] == ':') {
            const char *start = line + nlen + 1, *p = start;
            for (;;) {
                const char *crlf = strstr(p, "\r\n");
                if (crlf[2] == ' ' || crlf[2] == '\t')
                    p = crlf + 2;
                else
                    return xstrndup(start, (size_t)(crlf - start));
            }
        }
        line = strstr(line, "\r\n") + 2;
    }
    return NULL;
}

/* RFC 5322 unfolding: remove every CRLF that precedes whitespace. */
static char *unfold(const char *raw)
{
    struct strbuf sb = STRBUF_INIT;
    for (const char *p = raw; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n') {
            p++;
            continue;
        }
        strbuf_addch(&sb, *p);
    }
    return strbuf_detach(&sb, NULL);
}

/*
 * RFC 2047 decoding of an unfolded header value: encoded-words become their
 * text, whitespace between two adjacent encoded-words disappears (6.2), and
 * the leading space after the colon is dropped. Every encoded-word is checked
 * to be at most 75 characters and to hold whole UTF-8 characters.
 */
static char *decode_header(const char *raw)
{
    char *value = unfold(raw);
    struct strbuf out = STRBUF_INIT, pending_space = STRBUF_INIT;
    const char *p = value;
    while (*p == ' ')
        p++;
    bool last_was_word = false;
    while (*p) {
        if (*p == ' ' || *p == '\t') {
            strbuf_addch(&pending_space, *p++);
            continue;
        }
        if (!strncmp(p, "=?", 2)) {
            const char *q = strstr(p + 2, "?=");
            assert_non_null(q);
            size_t word_len = (size_t)(q + 2 - p);
            assert_true(word_len <= 75);
            assert_memory_equal(p, "=?UTF-8?B?", 10);
            struct strbuf bytes = STRBUF_INIT;
            base64_decode(&bytes, p + 10, (size_t)(q - (p + 10)));
            assert_true(utf8_validate(bytes.buf, bytes.len, NULL));
            if (!last_was_word)
                strbuf_add(&out, pending_space.buf, pending_space.len);
            strbuf_add(&out, bytes.buf, bytes.len);
            strbuf_release(&bytes);
            strbuf_reset(&pending_space);
            last_was_word = true;
            p = q + 2;
            continue;
        }
        strbuf_add(&out, pending_space.buf, pending_space.len);
        strbuf_reset(&pending_space);
        size_t n = strcspn(p, " \t");
        strbuf_add(&out, p, n);
        p += n;
        last_was_word = false;
    }
    strbuf_release(&pending_space);
    free(value);
    return strbuf_detach(&out, NULL);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Quoted-printable decoding (RFC 2045 6.7): CRLF hard breaks become LF. */
static char *decode_quoted_printable(const char *s)
{
    struct strbuf out = STRBUF_INIT;
    while (*s) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=') {
            int hi = hex_value(s[1]), lo = hex_value(s[2]);
            assert_true(hi >= 0 && lo >= 0);
            strbuf_addch(&out, (char)(hi * 16 + lo));
            s += 3;
        } else if (s[0] == '\r' && s[1] == '\n') {
            strbuf_addch(&out, '\n');
            s += 2;
        } else {
            assert_true(*s != '\r' && *s != '\n');
            strbuf_addch(&out, *s++);
        }
    }
    return strbuf_detach(&out, NULL);
}

/* ---- Helpers ---------------------------------------------------------------------------- */

static char *compose(const struct mail_message *msg, char id[MIME_MESSAGE_ID_SIZE])
{
    struct strbuf out = STRBUF_INIT;
    char local_id[MIME_MESSAGE_ID_SIZE];
    int rc = mime_compose(msg, &out, id ? id : local_id);
    if (rc)
        fail_msg("mime_compose: %s", error_message());
    return strbuf_detach(&out, NULL);
}

static struct mail_message simple(const struct mail_address *to, const char *subject,
                                  const char *body)
{
    struct mail_message m = {0};
    m.from = editor;
    m.to = to;
    m.nto = 1;
    m.subject = subject;
    m.body = body;
    m.date = FIXED_DATE;
    return m;
}

/* Every line ends with CRLF (no bare CR or LF), header lines are at most 78, body lines 76. */
static void assert_well_formed(const char *message)
{
    const char *body = strstr(message, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    for (const char *p = message; *p;) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        size_t len = (size_t)(eol - p);
        for (size_t i = 0; i < len; i++)
            assert_true(p[i] != '\r' && p[i] != '\n');
        if (p < body)
            assert_true(len <= 78);
        else
            assert_true(len <= 76);
        p = eol + 2;
    }
}

static void assert_header_decodes(const char *message, const char *name, const char *expected)
{
    char *raw = raw_header(message, name);
    assert_non_null(raw);
    char *decoded = decode_header(raw);
    assert_string_equal(decoded, expected);
    free(decoded);
    free(raw);
}

/* ---- Tests ------------------------------------------------------------------------------ */

static void test_ascii_subject_stays_readable(void **state)
{
    (void)state;
    struct mail_address to = {"John Smith", "john@example.org"};
    struct mail_message m = simple(&to, "Invitation to review manuscript 12", "Dear John,\n");
    char *msg = compose(&m, NULL);
    assert_non_null(strstr(msg, "\r\nSubject: Invitation to review manuscript 12\r\n"));
    assert_non_null(strstr(msg, "\r\nTo: John Smith <john@example.org>\r\n"));
    assert_header_decodes(msg, "Subject", "Invitation to review manuscript 12");
    assert_well_formed(msg);
    free(msg);
}

static void test_cyrillic_subject_and_names_round_trip(void **state)
{
    (void)state;
    struct mail_address to[] = {{"Иван Петрович Сидоров", "ivan.sidorov@example.ru"},
                                {"Smith, John", "john@example.org"},
                                {NULL, "office@example.org"}};
    struct mail_address cc = {"Ольга", "olga@example.kz"};
    struct mail_address reply = {"Ответственный секретарь", "secretary@journal.example.org"};
    struct mail_message m = simple(to, "Приглашение к рецензированию: рукопись № 12", "Текст\n");
    m.nto = 3;
    m.cc = &cc;
    m.ncc = 1;
    m.reply_to = &reply;
    char *msg = compose(&m, NULL);
    assert_well_formed(msg);
    assert_header_decodes(msg, "Subject", "Приглашение к рецензированию: рукопись № 12");
    assert_header_decodes(msg, "From", "Редакция журнала «Вестник» <editor@journal.example.org>");
    assert_header_decodes(msg, "To",
                          "Иван Петрович Сидоров <ivan.sidorov@example.ru>, "
                          "\"Smith, John\" <john@example.org>, office@example.org");
    assert_header_decodes(msg, "Cc", "Ольга <olga@example.kz>");
    assert_header_decodes(msg, "Reply-To",
                          "Ответственный секретарь <secretary@journal.example.org>");
    /* Encoded, not raw: no byte of the headers is outside ASCII. */
    const char *end = strstr(msg, "\r\n\r\n");
    for (const char *p = msg; p < end; p++)
        assert_true((unsigned char)*p < 0x80);
    free(msg);
}

static void test_long_subjects_split_on_characters(void **state)
{
    (void)state;
    /* 2-, 3- and 4-byte characters, so that word boundaries land everywhere. */
    const char *pieces[] = {"Ж", "€", "😀", "a", "Ё", "中"};
    struct strbuf subject = STRBUF_INIT;
    for (int i = 0; i < 400; i++)
        strbuf_addstr(&subject, pieces[(i * 7 + i / 3) % 6]);
    struct mail_address to = {
        "Получатель с очень длинным именем, которое тоже надо разбить на части",
        "reader@example.org"};
    for (size_t cut = subject.len - 40; cut <= subject.len; cut++) {
        /* Cut only at character boundaries. */
        if (((unsigned char)subject.buf[cut] & 0xc0) == 0x80)
            continue;
        char *text = xstrndup(subject.buf, cut);
        struct mail_message m = simple(&to, text, "x\n");
        char *msg = compose(&m, NULL);
        assert_well_formed(msg);
        assert_header_decodes(msg, "Subject", text);
        assert_header_decodes(
            msg, "To",
            "Получатель с очень длинным именем, которое тоже надо разбить на части "
            "<reader@example.org>");
        free(msg);
        free(text);
    }
    strbuf_release(&subject);
}

/* mime_decode_header (for journal outbox list) against what mime_compose writes and against
   encoded-words written by hand. */
static void assert_decodes_to(const char *raw, const char *expected)
{
    char *got = mime_decode_header(raw, strlen(raw));
    if (strcmp(got, expected))
        fail_msg("'%s' decoded to '%s', expected '%s'", raw, got, expected);
    free(got);
}

static void test_header_decoder(void **state)
{
    (void)state;
    /* B and Q, any case, several words with the space between them dropped, folded lines. */
    assert_decodes_to("=?UTF-8?B?0J/RgNC40LLQtdGC?= =?utf-8?q?_=D0=BC=D0=B8=D1=80?=", "Привет мир");
    assert_decodes_to("=?UTF-8?B?0J/RgNC4?=\r\n =?UTF-8?B?0LLQtdGC?=", "Привет");
    assert_decodes_to("Re: =?UTF-8?Q?caf=C3=A9_au_lait?= time", "Re: café au lait time");
    assert_decodes_to("=?US-ASCII?Q?plain?= text", "plain text");
    assert_decodes_to("=?UTF-8*ru?B?0JbQ?=", "=?UTF-8*ru?B?0JbQ?="); /* half a character */
    assert_decodes_to("Plain  ASCII\r\n\tfolded", "Plain  ASCII\tfolded");
    /* What is not a well-formed UTF-8 word stays as written. */
    assert_decodes_to("=?ISO-8859-1?Q?caf=E9?=", "=?ISO-8859-1?Q?caf=E9?=");
    assert_decodes_to("=?UTF-8?B?/w==?=", "=?UTF-8?B?/w==?=");
    assert_decodes_to("=?UTF-8?Q?=ZZ?=", "=?UTF-8?Q?=ZZ?=");
    assert_decodes_to("=?UTF-8?Q?=0?=", "=?UTF-8?Q?=0?=");
    assert_decodes_to("=?UTF-8?X?abc?=", "=?UTF-8?X?abc?=");
    assert_decodes_to("=?UTF-8?B?AA==?=", "=?UTF-8?B?AA==?="); /* a NUL */
    assert_decodes_to("a =?UTF-8?B?0JY=?= =?bad b", "a Ж =?bad b");
    assert_decodes_to("", "");

    /* Every subject mime_compose folds into many encoded-words decodes back to itself. */
    const char *pieces[] = {"Ж", "€", "😀", "a", " ", "中", "é"};
    struct strbuf subject = STRBUF_INIT;
    for (int i = 0; i < 200; i++)
        strbuf_addstr(&subject, pieces[(i * 5 + i / 3) % 7]);
    struct mail_address to = {"Reader", "reader@example.org"};
    for (size_t cut = 1; cut <= subject.len; cut += 7) {
        while (cut < subject.len && ((unsigned char)subject.buf[cut] & 0xc0) == 0x80)
            cut++;
        char *text = xstrndup(subject.buf, cut);
        struct mail_message m = simple(&to, text, "x\n");
        char *msg = compose(&m, NULL);
        char *raw = raw_header(msg, "Subject");
        char *decoded = mime_decode_header(raw, strlen(raw));
        assert_string_equal(decoded, text);
        free(decoded);
        free(raw);
        free(msg);
        free(text);
    }
    strbuf_release(&subject);
}

static void test_long_ascii_subject_folds_at_spaces(void **state)
{
    (void)state;
    const char *subject =
        "Decision on manuscript 12 \"A very long title about the statistical properties of "
        "quite long titles\" submitted to the Journal of Long Subjects on 2026-01-15 by "
        "several authors";
    struct mail_address to = {NULL, "a@example.org"};
    struct mail_message m = simple(&to, subject, "x\n");
    char *msg = compose(&m, NULL);
    assert_well_formed(msg);
    char *raw = raw_header(msg, "Subject");
    assert_non_null(strstr(raw, "\r\n ")); /* folded */
    assert_null(strstr(raw, "=?"));        /* but not encoded */
    assert_header_decodes(msg, "Subject", subject);
    free(raw);
    free(msg);

    /* Text that would look like an encoded-word, or odd spacing, is encoded to survive. */
    const char *tricky[] = {
        "=?UTF-8?B?SGk=?=", "  two  spaces ", "",
        "a-word-longer-than-a-line-"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};
    for (size_t i = 0; i < sizeof(tricky) / sizeof(*tricky); i++) {
        struct mail_message t = simple(&to, tricky[i], "x\n");
        msg = compose(&t, NULL);
        assert_well_formed(msg);
        assert_header_decodes(msg, "Subject", tricky[i]);
        free(msg);
    }
}

static void test_date_and_message_id(void **state)
{
    (void)state;
    struct mail_address to = {NULL, "a@example.org"};
    struct mail_message m = simple(&to, "Hello", "x\n");
    char id[MIME_MESSAGE_ID_SIZE];
    char *msg = compose(&m, id);
    assert_true(!strncmp(msg, "Date: Thu, 15 Jan 2026 10:00:00 +0000\r\n", 39));
    char *header = raw_header(msg, "Message-ID");
    assert_non_null(header);
    assert_true(header[0] == ' ');
    assert_string_equal(header + 1, id);
    size_t len = strlen(id);
    assert_true(id[0] == '<' && id[len - 1] == '>');
    assert_non_null(strstr(id, "@journal.example.org>"));
    /* id-left is a dot-atom: no spaces, brackets or second @. */
    for (size_t i = 1; i < len - 1; i++)
        assert_true(id[i] != ' ' && id[i] != '<' && id[i] != '>');
    assert_ptr_equal(strchr(id, '@'), strrchr(id, '@'));
    assert_non_null(strstr(msg, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(msg, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
    free(header);
    free(msg);

    char date[40];
    mime_format_date((time_t)0, date);
    assert_string_equal(date, "Thu, 01 Jan 1970 00:00:00 +0000");
    mime_format_date((time_t)951782400, date); /* leap day */
    assert_string_equal(date, "Tue, 29 Feb 2000 00:00:00 +0000");

    /* date 0 means now: the year is this one, not 1970. */
    m.date = 0;
    msg = compose(&m, NULL);
    assert_null(strstr(msg, " 1970 "));
    assert_true(!strncmp(msg, "Date: ", 6) && strstr(msg, " +0000\r\n"));
    free(msg);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_message_ids_are_unique(void **state)
{
    (void)state;
    enum { N = 2000 };
    struct mail_address to = {NULL, "a@example.org"};
    struct mail_message m = simple(&to, "Same second", "x\n");
    char **ids = xcalloc(N, sizeof(char *));
    for (int i = 0; i < N; i++) {
        char id[MIME_MESSAGE_ID_SIZE];
        char *msg = compose(&m, id);
        ids[i] = xstrdup(id);
        free(msg);
    }
    qsort(ids, N, sizeof(char *), compare_strings);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
    for (int i = 0; i < N; i++)
        free(ids[i]);
    free(ids);
}

static void assert_rejected(const struct mail_message *m, const char *expect_in_message)
{
    struct strbuf out = STRBUF_INIT;
    char id[MIME_MESSAGE_ID_SIZE];
    assert_int_equal(mime_compose(m, &out, id), JOURNAL_EINPUT);
    assert_int_equal(out.len, 0);
    if (!strstr(error_message(), expect_in_message))
        fail_msg("expected '%s' in: %s", expect_in_message, error_message());
    strbuf_release(&out);
    error_clear();
}

static void test_header_injection_is_rejected(void **state)
{
    (void)state;
    struct mail_address to = {"Reader", "reader@example.org"};
    struct mail_message m = simple(&to, "Hi\r\nBcc: victim@example.org", "x\n");
    assert_rejected(&m, "the subject contains a line break");
    m.subject = "Hi\nBcc: victim@example.org";
    assert_rejected(&m, "the subject contains a line break");
    m.subject = "Hi\rthere";
    assert_rejected(&m, "line break");
    m.subject = "Bell\a";
    assert_rejected(&m, "control character");
    m.subject = "C1 \xc2\x85 next line";
    assert_rejected(&m, "control character");
    m.subject = "bad \xff utf-8";
    assert_rejected(&m, "not valid UTF-8");
    m.subject = "ok";

    struct mail_address evil_name = {"Eve\r\nBcc: victim@example.org", "eve@example.org"};
    m.to = &evil_name;
    assert_rejected(&m, "the To name contains a line break");
    struct mail_address evil_address = {"Eve", "eve@example.org\r\nBcc: victim@example.org"};
    m.to = &evil_address;
    assert_rejected(&m, "line break");
    m.to = &to;
    m.from.name = "Editor\n";
    assert_rejected(&m, "the From name contains a line break");
    m.from = editor;
    struct mail_address evil_reply = {"x", "x@example.org>, <victim@example.org"};
    m.reply_to = &evil_reply;
    assert_rejected(&m, "not a valid e-mail address");
    m.reply_to = NULL;
    m.body = "bad \xc3\x28 utf-8\n";
    assert_rejected(&m, "the body is not valid UTF-8");
    m.body = "x\n";
    m.nto = 0;
    assert_rejected(&m, "no recipient");
}

static void test_addresses(void **state)
{
    (void)state;
    const char *good[] = {"a@example.org", "o'brien+tag@mail.example.co.uk",
                          "first.last@sub-domain.example.com", "x_y-z@a1.b2",
                          "!#$%&'*+-/=?^_`{|}~@example.org"};
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        if (!mime_address_is_valid(good[i]))
            fail_msg("'%s' should be valid", good[i]);
    }
    const char *bad[] = {
        "",
        "plain",
        "@example.org",
        "a@",
        "a@@example.org",
        "a@b@example.org",
        "a b@example.org",
        "a@exa mple.org",
        "<a@example.org>",
        "a@example.org>",
        "\"quoted\"@example.org",
        ".a@example.org",
        "a.@example.org",
        "a..b@example.org",
        "a@localhost",
        "a@-example.org",
        "a@example-.org",
        "a@example..org",
        "a@example.org.",
        "a@.example.org",
        "a@1.2.3.4",
        "a@[127.0.0.1]",
        "a@exam_ple.org",
        "иван@example.org",
        "a@пример.рф",
        "a,b@example.org",
        "a@example.org\r\n",
        "a(comment)@example.org",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.org"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        if (mime_address_is_valid(bad[i]))
            fail_msg("'%s' should be invalid", bad[i]);
    }
    assert_false(mime_address_is_valid(NULL));

    struct mail_address to = {"Reader", "reader at example.org"};
    struct mail_message m = simple(&to, "x", "x\n");
    assert_rejected(&m, "the To address 'reader at example.org' is not a valid e-mail address");
    struct mail_address no_address = {"Reader", NULL};
    m.to = &no_address;
    assert_rejected(&m, "the To address is missing");
}

static void test_quoted_printable_body_round_trips(void **state)
{
    (void)state;
    const char *body =
        "Уважаемый Иван Петрович!\n"
        "\n"
        "Приглашаем Вас отрецензировать рукопись № 12 «О длинных строках, которые не помещаются в "
        "одну строку закодированного текста и потому должны быть перенесены мягкими переносами».\n"
        "Trailing spaces here   \n"
        "Trailing tab\t\n"
        "a=b, 100% = 1\n"
        ".a line starting with a dot\n"
        "From here on, mbox would quote this line\n"
        "CRLF line\r\n"
        "\ttab first\n"
        "x" /* a very long ASCII line without spaces */
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
        "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"
        "\n"
        "😀 emoji and 中文\n"
        "last line without a newline";
    struct mail_address to = {NULL, "a@example.org"};
    struct mail_message m = simple(&to, "QP", body);
    char *msg = compose(&m, NULL);
    assert_well_formed(msg);
    const char *encoded = strstr(msg, "\r\n\r\n") + 4;
    /* No line of the encoded body starts with '.' or "From ". */
    assert_null(strstr(encoded, "\r\n."));
    assert_null(strstr(encoded, "\r\nFrom "));
    /* No line ends with whitespace. */
    assert_null(strstr(encoded, " \r\n"));
    assert_null(strstr(encoded, "\t\r\n"));
    char *decoded = decode_quoted_printable(encoded);
    struct strbuf expected = STRBUF_INIT;
    for (const char *p = body; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n')
            continue;
        strbuf_addch(&expected, *p);
    }
    strbuf_addch(&expected, '\n'); /* a final line break is added */
    assert_string_equal(decoded, expected.buf);
    free(decoded);
    strbuf_release(&expected);
    free(msg);

    /* Soft breaks never split an =XX escape, at any line length. */
    for (size_t n = 70; n < 80; n++) {
        struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
        for (size_t i = 0; i < n; i++)
            strbuf_addch(&text, 'a');
        strbuf_addstr(&text, "ЖЖЖЖ===\n");
        mime_quoted_printable(&out, text.buf, text.len);
        char *back = decode_quoted_printable(out.buf);
        assert_string_equal(back, text.buf);
        for (const char *line = out.buf; *line;) {
            const char *eol = strstr(line, "\r\n");
            assert_true(eol - line <= 76);
            line = eol + 2;
        }
        free(back);
        strbuf_release(&text);
        strbuf_release(&out);
    }
}

static void test_envelope_recipients(void **state)
{
    (void)state;
    struct mail_address to[] = {{"A", "a@example.org"}, {"B", "b@example.org"}};
    struct mail_address cc[] = {{"A again", "a@EXAMPLE.org"}, {"C", "c@example.org"}};
    struct mail_message m = simple(to, "x", "x\n");
    m.nto = 2;
    m.cc = cc;
    m.ncc = 2;
    size_t n;
    const char **list = mime_envelope_recipients(&m, &n);
    assert_int_equal(n, 3);
    assert_string_equal(list[0], "a@example.org");
    assert_string_equal(list[1], "b@example.org");
    assert_string_equal(list[2], "c@example.org");
    free(list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_subject_stays_readable),
        cmocka_unit_test(test_cyrillic_subject_and_names_round_trip),
        cmocka_unit_test(test_long_subjects_split_on_characters),
        cmocka_unit_test(test_long_ascii_subject_folds_at_spaces),
        cmocka_unit_test(test_date_and_message_id),
        cmocka_unit_test(test_message_ids_are_unique),
        cmocka_unit_test(test_header_injection_is_rejected),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_quoted_printable_body_round_trips),
        cmocka_unit_test(test_envelope_recipients),
        cmocka_unit_test(test_header_decoder),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    error_clear();
    return failed;
}
