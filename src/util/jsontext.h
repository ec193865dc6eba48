#ifndef JOURNAL_UTIL_JSONTEXT_H
#define JOURNAL_UTIL_JSONTEXT_H

#include "util/strbuf.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Append value as JSON text to sb, byte for byte what json_dumps(value, flags) returns
 * (flags: JSON_COMPACT, JSON_INDENT(n), JSON_PRESERVE_ORDER; keys in their order either
 * way). jansson's own writer goes code point by code point through a callback, and cost a
 * cold build more than writing the pages' JSON-LD and citation files otherwise did; this
 * one copies runs of text. A string that is not UTF-8 is an error, as it is for jansson,
 * and sb is left as it was.
 */
int json_text_append(struct strbuf *sb, const json_t *value, size_t flags);

/* s (len bytes, UTF-8: the caller's to make sure) as a JSON string, as jansson writes one:
 * only the quote, the backslash and C0 controls escaped. */
void json_text_string(struct strbuf *sb, const char *s, size_t len);

/* v as jansson writes a real ("%.17g", ".0" after an integral value, the exponent without
 * '+' or leading zeros) into buf; its length, 0 when it does not fit. */
size_t json_text_real(double v, char *buf, size_t size);

#endif
