#ifndef JOURNAL_DESK_FORM_H
#define JOURNAL_DESK_FORM_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A posted form, in either of the encodings an HTML form uses:
 *
 * - application/x-www-form-urlencoded (the HTML living standard's parser): name=value pairs
 *   joined by '&', '+' for a space, %XX for a byte. Unlike browsers' lenient parser, a
 *   malformed escape ("%G1", a '%' at the end) or a NUL byte refuses the whole form, so that
 *   nothing a client sent is taken for something else.
 * - multipart/form-data (RFC 7578), the only way a browser sends a file: parts separated by
 *   the boundary the Content-Type names, each with a Content-Disposition naming the field and,
 *   for a file, its filename. A part without a name, a body that does not end with the
 *   closing boundary, or a text field holding a NUL refuses the whole form.
 *
 * The whole body is in memory (the desk bounds it before reading: src/desk/desk.c), so a
 * form is parsed in one call, which is also what makes it fuzzable on its own
 * (tests/fuzz/fuzz_form.c). libmicrohttpd's streaming MHD_PostProcessor was the other
 * choice: it needs a live connection, so it could not be fuzzed apart from the server, and
 * it splits a value into chunks the caller joins again.
 *
 * Values are bytes (length holds their size; a NUL follows them for convenience); text
 * fields are checked as text by whoever uses them.
 */
struct form_field {
    char *name;
    char *value;
    size_t length;
    char *filename;     /* a file part: its name as the browser sent it (possibly ""); else NULL */
    char *content_type; /* a file part's Content-Type, when given */
};
struct form {
    struct form_field *fields;
    size_t count;
};

/* Parse len bytes of an urlencoded body into out (empty pairs skipped). JOURNAL_EINPUT when
   malformed. */
int form_parse(const char *body, size_t len, struct form *out);
/* Parse a multipart/form-data body whose parts are separated by boundary (the Content-Type's
   boundary parameter, unquoted). JOURNAL_EINPUT when malformed. */
int form_parse_multipart(const char *body, size_t len, const char *boundary, struct form *out);
/* Parse body by its Content-Type header: either encoding above; JOURNAL_EINPUT for any other
   type or a multipart type without a boundary. */
int form_parse_body(const char *content_type, const char *body, size_t len, struct form *out);

/* The first text value of name (a file part is not a text value), or NULL. */
const char *form_get(const struct form *f, const char *name);
/*
 * The fields named name one after another, text or file: start with *next = 0; NULL after the
 * last. For repeated fields (several authors, several attachments).
 */
const struct form_field *form_each(const struct form *f, const char *name, size_t *next);
/* The first file part named name with a non-empty filename or content (an empty file input
   is sent as a part with filename="" and nothing in it), or NULL. */
const struct form_field *form_file(const struct form *f, const char *name);
void form_free(struct form *f);

#endif
