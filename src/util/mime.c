#define _POSIX_C_SOURCE 200809L
#include "util/mime.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/utf8.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

/* RFC 5322 2.1.1: lines SHOULD be at most 78 characters; RFC 2047 2: encoded-words at most 75. */
#define HEADER_LINE_MAX     78
#define ENCODED_WORD_MAX    75
#define ENCODED_WORD_PREFIX "=?UTF-8?B?"
/* "=?UTF-8?B?" and "?=" */
#define ENCODED_WORD_OVERHEAD 12
/* RFC 2045 6.7 (5): encoded lines at most 76 characters, the soft break's '=' included. */
#define QP_LINE_MAX 76

static bool is_atext(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_label_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

bool mime_address_is_valid(const char *address)
{
    if (!address)
        return false;
    const char *at = strchr(address, '@');
    if (!at || strchr(at + 1, '@') || strlen(address) > MIME_ADDRESS_MAX)
        return false;
    size_t local_len = (size_t)(at - address);
    if (local_len == 0 || local_len > 64 || address[0] == '.' || at[-1] == '.')
        return false;
    for (const char *p = address; p < at; p++) {
        if (*p == '.' ? p[1] == '.' : !is_atext((unsigned char)*p))
            return false;
    }
    const char *domain = at + 1;
    size_t labels = 0;
    for (const char *label = domain;; labels++) {
        const char *end = label;
        while (is_label_char((unsigned char)*end))
            end++;
        size_t len = (size_t)(end - label);
        if (len == 0 || len > 63 || label[0] == '-' || end[-1] == '-')
            return false;
        if (*end == '\0') {
            labels++;
            break;
        }
        if (*end != '.')
            return false;
        label = end + 1;
    }
    /* A top-level domain is never all digits; this also refuses bare IPv4 addresses. */
    const char *tld = strrchr(domain, '.');
    if (labels < 2 || !tld || strspn(tld + 1, "0123456789") == strlen(tld + 1))
        return false;
    return true;
}

/* Why a header value is unusable, or NULL. */
static const char *header_text_problem(const char *value)
{
    size_t len = strlen(value), bad;
    if (!utf8_validate(value, len, &bad))
        return "is not valid UTF-8";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c == '\r' || c == '\n')
            return "contains a line break (header values are one line; a line break would let "
                   "the text add headers of its own)";
        if (c < 0x20 || c == 0x7f)
            return "contains a control character";
        /* U+0080..U+009F, the C1 controls, are 0xC2 0x80..0x9F in UTF-8. */
        if (c == 0xc2 && i + 1 < len && (unsigned char)value[i + 1] <= 0x9f)
            return "contains a control character";
    }
    return NULL;
}

static int check_text(const char *what, const char *field, const char *value)
{
    const char *problem = value ? header_text_problem(value) : NULL;
    if (!problem)
        return 0;
    return error_input("%s%s%s %s", what ? what : "", what ? ": " : "", field, problem);
}

static int check_address(const char *what, const char *field, const struct mail_address *a)
{
    if (!a->address || !*a->address)
        return error_input("%s%sthe %s address is missing", what ? what : "", what ? ": " : "",
                           field);
    int rc = check_text(what, field, a->address);
    if (rc)
        return rc;
    if (!mime_address_is_valid(a->address))
        return error_input("%s%sthe %s address '%s' is not a valid e-mail address "
                           "(expected local@domain.tld without spaces, quotes or <>)",
                           what ? what : "", what ? ": " : "", field, a->address);
    if (a->name) {
        char *label = xasprintf("the %s name", field);
        rc = check_text(what, label, a->name);
        free(label);
    }
    return rc;
}

int mime_validate(const struct mail_message *msg, const char *what)
{
    int rc = check_address(what, "From", &msg->from);
    if (!rc && msg->nto == 0)
        rc = error_input("%s%sthe message has no recipient", what ? what : "", what ? ": " : "");
    for (size_t i = 0; !rc && i < msg->nto; i++)
        rc = check_address(what, "To", &msg->to[i]);
    for (size_t i = 0; !rc && i < msg->ncc; i++)
        rc = check_address(what, "Cc", &msg->cc[i]);
    if (!rc && msg->reply_to)
        rc = check_address(what, "Reply-To", msg->reply_to);
    if (!rc)
        rc = check_text(what, "the subject", msg->subject ? msg->subject : "");
    if (!rc && msg->body) {
        size_t bad;
        if (!utf8_validate(msg->body, strlen(msg->body), &bad))
            rc = error_input("%s%sthe body is not valid UTF-8 (byte %zu)", what ? what : "",
                             what ? ": " : "", bad);
    }
    return rc;
}

/*
 * Header folding: tokens are appended after a space, or after CRLF + space
 * when the current line would grow past 78 characters. A token longer than a
 * line (only a very long address can be) gets a line of its own.
 */
struct header_line {
    struct strbuf *out;
    size_t line_start;
};

static size_t line_used(const struct header_line *h)
{
    return h->out->len - h->line_start;
}

static void fold(struct header_line *h)
{
    strbuf_addstr(h->out, "\r\n");
    h->line_start = h->out->len;
}

static void add_token(struct header_line *h, const char *token, size_t len)
{
    /* Never fold a line that is still empty: an empty line would end the header section. */
    if (line_used(h) > 0 && line_used(h) + 1 + len > HEADER_LINE_MAX)
        fold(h);
    strbuf_addch(h->out, ' ');
    strbuf_add(h->out, token, len);
}

static void header_begin(struct header_line *h, struct strbuf *out, const char *name)
{
    h->out = out;
    h->line_start = out->len;
    strbuf_addstr(out, name);
    strbuf_addch(out, ':');
}

static void header_end(struct header_line *h)
{
    strbuf_addstr(h->out, "\r\n");
}

static const char base64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void add_base64(struct strbuf *out, const unsigned char *data, size_t len)
{
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)data[i + 1] << 8;
        if (i + 2 < len)
            v |= data[i + 2];
        strbuf_addch(out, base64_digits[(v >> 18) & 63]);
        strbuf_addch(out, base64_digits[(v >> 12) & 63]);
        strbuf_addch(out, i + 1 < len ? base64_digits[(v >> 6) & 63] : '=');
        strbuf_addch(out, i + 2 < len ? base64_digits[v & 63] : '=');
    }
}

static size_t utf8_char_length(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if ((lead & 0xe0) == 0xc0)
        return 2;
    if ((lead & 0xf0) == 0xe0)
        return 3;
    return 4;
}

/* Bytes of UTF-8 that one encoded-word of at most `room` characters can carry. */
static size_t encoded_word_capacity(size_t room)
{
    if (room > ENCODED_WORD_MAX)
        room = ENCODED_WORD_MAX;
    return room > ENCODED_WORD_OVERHEAD ? (room - ENCODED_WORD_OVERHEAD) / 4 * 3 : 0;
}

/*
 * The whole text as base64 encoded-words, each holding whole UTF-8 characters
 * (RFC 2047 5). Where the text must be split, the split goes before a space,
 * which starts the next word: decoders drop the whitespace between two
 * encoded-words (RFC 2047 6.2), so the space has to be inside one, and
 * splitting between words rather than inside one looks right even in readers
 * that wrongly keep that whitespace (Python's email.headerregistry does, for
 * display names). Text that fits in one encoded-word is never split: it goes
 * to the next line instead when the current one is too full.
 */
static void add_encoded_words(struct header_line *h, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), pos = 0;
    while (pos < len) {
        size_t used = line_used(h);
        size_t capacity =
            encoded_word_capacity(used + 1 < HEADER_LINE_MAX ? HEADER_LINE_MAX - 1 - used : 0);
        size_t full_line = encoded_word_capacity(ENCODED_WORD_MAX);
        if (used > 0 && (capacity < 4 || (len - pos > capacity && len - pos <= full_line))) {
            fold(h);
            continue;
        }
        size_t take = 0;
        while (pos + take < len) {
            size_t n = utf8_char_length(s[pos + take]);
            if (take + n > capacity)
                break;
            take += n;
        }
        if (pos + take < len) {
            /* s[pos] itself may be the space a previous split left: look after it. */
            size_t space = take;
            while (space > 1 && s[pos + space] != ' ')
                space--;
            if (space > 0 && s[pos + space] == ' ') {
                take = space;
            } else if (used > 0) {
                /* No space to split at here: a word that fits on a fresh line goes there whole. */
                size_t word = 1 + strcspn(text + pos + 1, " ");
                if (word <= full_line) {
                    fold(h);
                    continue;
                }
            }
        }
        strbuf_addch(h->out, ' ');
        strbuf_addstr(h->out, ENCODED_WORD_PREFIX);
        add_base64(h->out, s + pos, take);
        strbuf_addstr(h->out, "?=");
        pos += take;
    }
}

/*
 * Plain words can stay as they are when they are printable ASCII separated by
 * single spaces, could not be mistaken for an encoded-word, and each fits on a
 * folded line. Anything else is encoded, which also preserves odd spacing.
 */
static bool plain_words_fit(const char *text, bool (*allowed)(unsigned char))
{
    if (!*text || text[0] == ' ' || text[strlen(text) - 1] == ' ' || strstr(text, "  ") ||
        strstr(text, "=?"))
        return false;
    size_t word = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == ' ') {
            word = 0;
            continue;
        }
        if (!allowed(*p) || ++word > HEADER_LINE_MAX - 2)
            return false;
    }
    return true;
}

static bool is_visible_ascii(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}

static void add_plain_words(struct header_line *h, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, " ");
        add_token(h, text, n);
        text += n;
        text += strspn(text, " ");
    }
}

static int base64_value(unsigned char c)
{
    const char *p = c ? strchr(base64_digits, c) : NULL;
    return p ? (int)(p - base64_digits) : -1;
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * One encoded-word "=?charset?enc?text?=" at s (at most end): its decoded text
 * appended to out and its length returned, or 0 when it is not one we decode.
 */
static size_t decode_encoded_word(const char *s, const char *end, struct strbuf *out)
{
    if (end - s < 8 || s[0] != '=' || s[1] != '?')
        return 0;
    const char *charset = s + 2;
    const char *q1 = memchr(charset, '?', (size_t)(end - charset));
    if (!q1 || end - q1 < 4 || q1[2] != '?')
        return 0;
    size_t charset_len = (size_t)(q1 - charset);
    /* RFC 2231 adds "*language" to the charset. */
    const char *star = memchr(charset, '*', charset_len);
    if (star)
        charset_len = (size_t)(star - charset);
    bool utf8 = charset_len == 5 && !strncasecmp(charset, "UTF-8", 5);
    bool ascii = charset_len == 8 && !strncasecmp(charset, "US-ASCII", 8);
    char encoding = (char)(q1[1] | 0x20);
    if ((!utf8 && !ascii) || (encoding != 'b' && encoding != 'q'))
        return 0;
    const char *text = q1 + 3, *stop = text;
    while (stop + 1 < end && !(stop[0] == '?' && stop[1] == '='))
        stop++;
    if (stop + 1 >= end)
        return 0;
    struct strbuf word = STRBUF_INIT;
    bool ok = true;
    if (encoding == 'b') {
        uint32_t acc = 0;
        int bits = 0;
        for (const char *p = text; p < stop && ok; p++) {
            if (*p == '=')
                break;
            int v = base64_value((unsigned char)*p);
            ok = v >= 0;
            acc = (acc << 6) | (uint32_t)(v & 63);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                strbuf_addch(&word, (char)((acc >> bits) & 0xff));
            }
        }
    } else {
        for (const char *p = text; p < stop && ok; p++) {
            if (*p == '_') {
                strbuf_addch(&word, ' ');
            } else if (*p == '=') {
                int hi = p + 2 < stop ? hex_value((unsigned char)p[1]) : -1;
                int lo = p + 2 < stop ? hex_value((unsigned char)p[2]) : -1;
                ok = hi >= 0 && lo >= 0;
                strbuf_addch(&word, (char)(hi * 16 + lo));
                p += 2;
            } else if ((unsigned char)*p > ' ' && (unsigned char)*p < 0x7f) {
                strbuf_addch(&word, *p);
            } else {
                ok = false;
            }
        }
    }
    ok = ok && utf8_validate(word.buf, word.len, NULL) && !memchr(word.buf, '\0', word.len);
    if (ok)
        strbuf_add(out, word.buf, word.len);
    strbuf_release(&word);
    return ok ? (size_t)(stop + 2 - s) : 0;
}

char *mime_decode_header(const char *value, size_t len)
{
    /* Unfold first (RFC 5322 2.2.3): a line break followed by white space is white space. */
    struct strbuf line = STRBUF_INIT, out = STRBUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (value[i] == '\r' && i + 1 < len && value[i + 1] == '\n')
            continue;
        if (value[i] == '\n')
            continue;
        strbuf_addch(&line, value[i]);
    }
    const char *p = line.buf, *end = line.buf + line.len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    struct strbuf word = STRBUF_INIT;
    bool after_word = false; /* the last thing appended was an encoded-word */
    while (p < end) {
        const char *space = p;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        strbuf_reset(&word);
        size_t used = p < end ? decode_encoded_word(p, end, &word) : 0;
        /* The white space between two encoded-words is not part of the text. */
        if (!used || !after_word)
            strbuf_add(&out, space, (size_t)(p - space));
        if (used) {
            strbuf_add(&out, word.buf, word.len);
            p += used;
            after_word = true;
        } else if (p < end) {
            /* Plain text up to the next white space or "=?". */
            const char *q = p + 1;
            while (q < end && *q != ' ' && *q != '\t' &&
                   !(q[0] == '=' && q + 1 < end && q[1] == '?'))
                q++;
            strbuf_add(&out, p, (size_t)(q - p));
            p = q;
            after_word = false;
        }
    }
    strbuf_release(&word);
    strbuf_release(&line);
    return strbuf_detach(&out, NULL);
}

void mime_add_text_header(struct strbuf *out, const char *name, const char *value)
{
    struct header_line h;
    header_begin(&h, out, name);
    if (plain_words_fit(value, is_visible_ascii))
        add_plain_words(&h, value);
    else
        add_encoded_words(&h, value);
    header_end(&h);
}

/* A display name as RFC 5322 phrase: atoms, one quoted-string, or encoded-words. */
static void add_display_name(struct header_line *h, const char *name)
{
    if (plain_words_fit(name, is_atext)) {
        add_plain_words(h, name);
        return;
    }
    bool ascii = true;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        ascii = ascii && *p >= 0x20 && *p < 0x7f;
    if (ascii && !strstr(name, "=?")) {
        struct strbuf quoted = STRBUF_INIT;
        strbuf_addch(&quoted, '"');
        for (const char *p = name; *p; p++) {
            if (*p == '"' || *p == '\\')
                strbuf_addch(&quoted, '\\');
            strbuf_addch(&quoted, *p);
        }
        strbuf_addch(&quoted, '"');
        bool fits = quoted.len <= HEADER_LINE_MAX - 2;
        if (fits)
            add_token(h, quoted.buf, quoted.len);
        strbuf_release(&quoted);
        if (fits)
            return;
    }
    add_encoded_words(h, name);
}

static void add_address_header(struct strbuf *out, const char *name,
                               const struct mail_address *list, size_t count)
{
    struct header_line h;
    header_begin(&h, out, name);
    for (size_t i = 0; i < count; i++) {
        const struct mail_address *a = &list[i];
        bool named = a->name && *a->name;
        if (named)
            add_display_name(&h, a->name);
        char *token = xasprintf(named ? "<%s>%s" : "%s%s", a->address, i + 1 < count ? "," : "");
        add_token(&h, token, strlen(token));
        free(token);
    }
    header_end(&h);
}

void mime_format_date(time_t when, char out[40])
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    gmtime_r(&when, &tm);
    /* Not strftime: %a and %b follow the locale, and RFC 5322 wants the English names. */
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
             months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void make_message_id(const char *from_address, time_t now, char out[MIME_MESSAGE_ID_SIZE])
{
    static atomic_ulong counter;
    unsigned long sequence = atomic_fetch_add(&counter, 1);
    uint64_t random_part = 0;
    if (getrandom(&random_part, sizeof(random_part), GRND_NONBLOCK) != sizeof(random_part)) {
        /* Uniqueness does not rest on this part (time, pid and counter carry it). */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        random_part = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15u ^ (uintptr_t)&ts;
    }
    struct tm tm;
    gmtime_r(&now, &tm);
    snprintf(out, MIME_MESSAGE_ID_SIZE, "<%04d%02d%02d%02d%02d%02d.%ld.%016llx.%lu@%s>",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (long)getpid(), (unsigned long long)random_part, sequence,
             strchr(from_address, '@') + 1);
}

static char hex_digit(unsigned v)
{
    return "0123456789ABCDEF"[v & 15];
}

/*
 * Quoted-printable rather than base64: journal's letters are mostly ASCII
 * (names, numbers, URLs, English or mixed text), which stays readable in the
 * outbox and in a mail client's raw view, and line structure is kept, so a
 * letter can be checked by eye. The size cost for Cyrillic (3 bytes per byte)
 * does not matter for letters of a few kilobytes. Lines starting with "." or
 * "From " are escaped too, so that no relay's dot-stuffing or mbox quoting can
 * alter the text.
 */
void mime_quoted_printable(struct strbuf *out, const char *text, size_t len)
{
    size_t used = 0; /* characters on the current output line */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' || (c == '\r' && i + 1 < len && text[i + 1] == '\n')) {
            if (c == '\r')
                i++;
            strbuf_addstr(out, "\r\n");
            used = 0;
            continue;
        }
        bool line_end = i + 1 == len || text[i + 1] == '\n' ||
                        (text[i + 1] == '\r' && i + 2 < len && text[i + 2] == '\n');
        for (;;) {
            bool encode = c == '=' || c >= 0x7f || (c < 0x20 && c != '\t') ||
                          ((c == ' ' || c == '\t') && line_end) || (used == 0 && c == '.') ||
                          (used == 0 && c == 'F' && len - i >= 5 && !memcmp(text + i, "From ", 5));
            size_t width = encode ? 3 : 1;
            /* Keep room for the soft break's '=' unless this is the line's last character. */
            size_t limit = line_end ? QP_LINE_MAX : QP_LINE_MAX - 1;
            if (used + width > limit) {
                strbuf_addstr(out, "=\r\n");
                used = 0;
                continue;
            }
            if (encode) {
                strbuf_addch(out, '=');
                strbuf_addch(out, hex_digit(c >> 4));
                strbuf_addch(out, hex_digit(c));
            } else {
                strbuf_addch(out, (char)c);
            }
            used += width;
            break;
        }
    }
    /* A text/plain body ends with a line break; add one when the text lacks it. */
    if (len && text[len - 1] != '\n')
        strbuf_addstr(out, "\r\n");
}

int mime_compose(const struct mail_message *msg, struct strbuf *out,
                 char message_id[MIME_MESSAGE_ID_SIZE])
{
    int rc = mime_validate(msg, NULL);
    if (rc)
        return rc;
    time_t now = msg->date ? msg->date : time(NULL);
    char date[40];
    mime_format_date(now, date);
    make_message_id(msg->from.address, now, message_id);

    strbuf_addf(out, "Date: %s\r\n", date);
    add_address_header(out, "From", &msg->from, 1);
    add_address_header(out, "To", msg->to, msg->nto);
    if (msg->ncc)
        add_address_header(out, "Cc", msg->cc, msg->ncc);
    if (msg->reply_to)
        add_address_header(out, "Reply-To", msg->reply_to, 1);
    mime_add_text_header(out, "Subject", msg->subject ? msg->subject : "");
    strbuf_addf(out, "Message-ID: %s\r\n", message_id);
    strbuf_addstr(out, "MIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n"
                       "\r\n");
    if (msg->body)
        mime_quoted_printable(out, msg->body, strlen(msg->body));
    return 0;
}

static bool same_address(const char *a, const char *b)
{
    const char *at_a = strchr(a, '@'), *at_b = strchr(b, '@');
    /* The local part may be case-sensitive (RFC 5321 2.4); the domain is not. */
    return at_a - a == at_b - b && !strncmp(a, b, (size_t)(at_a - a)) && !strcasecmp(at_a, at_b);
}

const char **mime_envelope_recipients(const struct mail_message *msg, size_t *count)
{
    const char **list = xcalloc(msg->nto + msg->ncc + 1, sizeof(*list));
    size_t n = 0;
    for (size_t i = 0; i < msg->nto + msg->ncc; i++) {
        const char *address = i < msg->nto ? msg->to[i].address : msg->cc[i - msg->nto].address;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = same_address(list[k], address);
        if (!seen)
            list[n++] = address;
    }
    *count = n;
    return list;
}
