#ifndef JOURNAL_EMBEDDED_H
#define JOURNAL_EMBEDDED_H

#include <stddef.h>

/*
 * A file of the source tree compiled into the binary by cmake/embed.cmake: the default theme
 * (default_theme.h), the Crossref schemas (crossref_schemas.h) and the PDF driver
 * (pdf_driver.h). The tables end with
 * {NULL, NULL, 0}.
 */
struct embedded_file {
    const char
        *path; /* relative to the source tree, e.g. "themes/default/templates/home.mustache" */
    const unsigned char *data; /* size bytes, followed by a NUL */
    size_t size;
};

#endif
