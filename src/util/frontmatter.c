#include "util/frontmatter.h"

#include "util/error.h"

#include <stdbool.h>
#include <string.h>

/* Length of the line starting at s (without its newline) and where the next one starts. */
static size_t line_length(const char *s, const char *end, const char **next)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    if (!nl) {
        *next = end;
        return (size_t)(end - s);
    }
    *next = nl + 1;
    size_t len = (size_t)(nl - s);
    if (len && s[len - 1] == '\r')
        len--;
    return len;
}

static bool is_fence(const char *s, size_t len, bool closing)
{
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return (len == 3 && !memcmp(s, "---", 3)) || (closing && len == 3 && !memcmp(s, "...", 3));
}

int frontmatter_split(const char *file, const char *text, size_t len, const char *fields,
                      struct frontmatter *out)
{
    const char *end = text + len;
    const char *s = text;
    memset(out, 0, sizeof(*out));
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
        s += 3; /* a byte-order mark some editors write */
    const char *next;
    size_t l = line_length(s, end, &next);
    if (!is_fence(s, l, false))
        return error_at(file, 1, 1,
                        "expected YAML front matter: the first line must be '---', followed by "
                        "%s and a closing '---'",
                        fields);
    out->yaml = next;
    size_t line = 2;
    for (s = next; s < end; s = next, line++) {
        l = line_length(s, end, &next);
        if (is_fence(s, l, true)) {
            out->yaml_len = (size_t)(s - out->yaml);
            out->body = next;
            out->body_len = (size_t)(end - next);
            out->body_line = line + 1;
            return 0;
        }
    }
    return error_at(file, 1, 1,
                    "the front matter opened on line 1 is never closed: expected a line '---' "
                    "after the last field");
}
