#ifndef JOURNAL_DESK_FORM_H
#define JOURNAL_DESK_FORM_H

#include <stddef.h>

/*
 * A form posted as application/x-www-form-urlencoded (the HTML living standard's
 * "application/x-www-form-urlencoded parser"): name=value pairs joined by '&', '+' for a
 * space, %XX for a byte. Unlike browsers' lenient parser, a malformed escape ("%G1", a '%'
 * at the end) or a NUL byte refuses the whole form, so that nothing a client sent is taken
 * for something else; the values are bytes, checked as text by whoever uses them.
 */
struct form_field {
    char *name;
    char *value;
};
struct form {
    struct form_field *fields;
    size_t count;
};

/* Parse len bytes of body into out (empty pairs skipped). JOURNAL_EINPUT when malformed. */
int form_parse(const char *body, size_t len, struct form *out);
/* The first value of name, or NULL. */
const char *form_get(const struct form *f, const char *name);
void form_free(struct form *f);

#endif
