#ifndef JOURNAL_UTIL_XMLTEXT_H
#define JOURNAL_UTIL_XMLTEXT_H

#include "util/strbuf.h"

#include <stdbool.h>

/*
 * A copy of UTF-8 text that XML 1.0 accepts: C0 controls other than tab,
 * newline and carriage return dropped, as are U+FFFE and U+FFFF; a byte that
 * is not UTF-8 becomes U+FFFD. With trim, trailing whitespace goes too (a YAML
 * block scalar ends with a newline that is no part of the text). Text that
 * needs nothing is copied in one pass. The caller frees the copy.
 */
char *xml_text_clean(const char *s, bool trim);

/*
 * Append s, cleaned as xml_text_clean cleans it, as XML text the way libxml2's
 * xmlTextWriter writes it: <, >, &, " and carriage return as entities, and in an
 * attribute value (attribute) line feed and tab too, which a parser would otherwise
 * turn into spaces. Text that needs no cleaning is escaped in one pass. NULL adds nothing.
 */
void xml_text_escape(struct strbuf *sb, const char *s, bool attribute);
/* The same, s cleaned as xml_text_clean(s, true) cleans it: without trailing whitespace. */
void xml_text_escape_trimmed(struct strbuf *sb, const char *s, bool attribute);

#endif
