#ifndef JOURNAL_UTIL_MIME_H
#define JOURNAL_UTIL_MIME_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/*
 * Composing one plain-text e-mail (RFC 5322 + MIME) from its parts.
 *
 * Everything a caller passes ends up in a header or in the SMTP envelope, so
 * every value is checked before anything is written: a CR or LF in any header
 * value (the classic header injection) or a malformed address is rejected with
 * JOURNAL_EINPUT, and nothing is composed. Display names and subjects are UTF-8
 * and are written as RFC 2047 encoded-words when they are not plain ASCII.
 * The body is UTF-8 text sent as quoted-printable; lines end with CRLF.
 */

/* Longest address accepted: the SMTP path limit (RFC 5321 4.5.3.1.3) minus "<>". */
#define MIME_ADDRESS_MAX 254
/* Room for "<...>" as mime_compose writes it, with the terminating NUL. */
#define MIME_MESSAGE_ID_SIZE 384

struct mail_address {
    const char *name;    /* display name in UTF-8; NULL or "" for none */
    const char *address; /* local@domain, ASCII */
};

struct mail_message {
    struct mail_address from;
    const struct mail_address *to; /* at least one */
    size_t nto;
    const struct mail_address *cc; /* may be NULL when ncc is 0 */
    size_t ncc;
    const struct mail_address *reply_to; /* NULL for none */
    const char *subject;                 /* UTF-8, may be empty */
    const char *body;                    /* UTF-8 text; LF or CRLF line ends */
    time_t date;                         /* 0: now */
};

/*
 * An address as journal accepts it: local@domain with a dot-atom local part
 * (letters, digits and !#$%&'*+-/=?^_`{|}~, dots between them) of at most 64
 * characters and a domain of at least two dot-separated labels of letters,
 * digits and inner hyphens. No spaces, quotes, angle brackets, comments,
 * IP literals or non-ASCII (SMTPUTF8) addresses.
 */
bool mime_address_is_valid(const char *address);

/*
 * Check every field of msg without composing anything. what names the message
 * in error messages (e.g. "invitation for submission 12"); may be NULL.
 */
int mime_validate(const struct mail_message *msg, const char *what);

/*
 * Append the whole message (headers, blank line, body) to out. message_id
 * receives the Message-ID header's value, angle brackets included; it is made
 * of the time, the process id, a random number and a counter, at the domain of
 * the From address, so two calls never produce the same one.
 */
int mime_compose(const struct mail_message *msg, struct strbuf *out,
                 char message_id[MIME_MESSAGE_ID_SIZE]);

/*
 * The SMTP envelope recipients of msg (To and Cc, duplicates removed, in
 * order) as a freshly allocated array of pointers into msg; free the array.
 */
const char **mime_envelope_recipients(const struct mail_message *msg, size_t *count);

/* Building blocks, exposed for the tests and for other headers. */

/*
 * Append "Name: value" for an unstructured value (a subject), folded so that
 * no line is longer than 78 characters. Plain ASCII stays readable; anything
 * else becomes UTF-8 base64 encoded-words of at most 75 characters, each
 * holding whole UTF-8 characters. value must have been validated.
 */
void mime_add_text_header(struct strbuf *out, const char *name, const char *value);
/*
 * The reverse, for showing a header to a person (journal outbox list): the
 * value unfolded (CRLF before white space removed), without the white space
 * that opens it, and its RFC 2047
 * encoded-words in UTF-8 or US-ASCII, B or Q, decoded; white space between two
 * adjacent encoded-words dropped, as RFC 2047 6.2 says. A word that is not
 * well formed, names another charset or decodes to invalid UTF-8 is left as
 * written. Returns a new string (the caller frees it).
 */
char *mime_decode_header(const char *value, size_t len);
/* "Thu, 15 Jan 2026 10:00:00 +0000" (RFC 5322 3.3, always UTC, English names). */
void mime_format_date(time_t when, char out[40]);
/* Quoted-printable (RFC 2045 6.7) of UTF-8 text, CRLF line ends, lines of at most 76. */
void mime_quoted_printable(struct strbuf *out, const char *text, size_t len);

#endif
