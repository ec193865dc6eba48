#ifndef JOURNAL_UTIL_MOFILE_H
#define JOURNAL_UTIL_MOFILE_H

#include <stddef.h>

/*
 * A read-only catalogue loaded from a GNU gettext .mo file.
 *
 * This deliberately bypasses gettext(3): translations are looked up by file,
 * not through setlocale(), so the process locale never changes what the
 * journal prints. Both byte orders are accepted (magic 0x950412de).
 *
 * Entries with a context are stored under "context\004msgid" as gettext does;
 * for plural entries the key is the singular msgid and the value the first
 * plural form. The header entry (empty msgid) is not returned by lookups.
 */
struct mofile;

/* Read and index path. Missing or unreadable file: error_errno; malformed: error_internal. */
int mofile_open(struct mofile **out, const char *path);
/* Index an in-memory image of a .mo file (copied); name is used in error messages. */
int mofile_parse(struct mofile **out, const void *data, size_t size, const char *name);
void mofile_free(struct mofile *mo);

/* The translation of msgid, or NULL when the catalogue has none (or it is empty). */
const char *mofile_lookup(const struct mofile *mo, const char *msgid);
/* Number of translated messages, header excluded. */
size_t mofile_count(const struct mofile *mo);

#endif
