#ifndef JOURNAL_UTIL_OFFICEDOC_H
#define JOURNAL_UTIL_OFFICEDOC_H

/*
 * A word processor's file, looked into before Pandoc converts it (workflow/word.c): a ZIP
 * package (libzip) whose declared content is what its name says ([Content_Types].xml's main
 * part for a .docx, the mimetype entry for an .odt), without macros, and what its text holds
 * that journal must know of: tracked changes (w:ins, w:del, w:moveFrom, w:moveTo;
 * text:changed-region) and comments (w:commentReference; office:annotation), counted on
 * libxml2's streaming reader with the unpacked size bounded (a ZIP bomb stops there).
 */

#include <stdbool.h>
#include <stddef.h>

struct officedoc_report {
    size_t changes;  /* tracked changes */
    size_t comments; /* comments */
};

/*
 * Check data (len bytes, read from file: a .docx when docx, else an .odt). 0 with *out
 * filled; JOURNAL_EINPUT naming file when it is not a ZIP package, is damaged, is another
 * kind of document than its name says, or holds macros (the message says what to do).
 */
int officedoc_check(const char *file, bool docx, const char *data, size_t len,
                    struct officedoc_report *out);

#endif
