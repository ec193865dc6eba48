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

#endif
