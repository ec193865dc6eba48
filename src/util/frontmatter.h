#ifndef JOURNAL_UTIL_FRONTMATTER_H
#define JOURNAL_UTIL_FRONTMATTER_H

#include <stddef.h>

/*
 * A Markdown file that opens with YAML front matter between two '---' lines
 * (the closing one may be '...'), as manuscripts and the journal's pages are
 * written. The parts point into the text given.
 */
struct frontmatter {
    const char *yaml; /* the lines between the fences */
    size_t yaml_len;
    const char *body; /* everything after the closing fence */
    size_t body_len;
    size_t body_line; /* the line on which body starts */
};

/*
 * Split text (UTF-8, already checked) read from file. fields names what the
 * front matter holds, for the messages ("title, authors, ..."). Errors are
 * JOURNAL_EINPUT with file:line:col.
 */
int frontmatter_split(const char *file, const char *text, size_t len, const char *fields,
                      struct frontmatter *out);

#endif
