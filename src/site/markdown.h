#ifndef JOURNAL_SITE_MARKDOWN_H
#define JOURNAL_SITE_MARKDOWN_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Markdown to HTML with cmark-gfm and the extensions articles need: tables,
 * footnotes, autolinks and strikethrough. Unless allow_raw_html is set, raw
 * HTML in the text is shown as text (escaped), never passed through; link
 * destinations such as javascript: are dropped either way.
 */
int markdown_to_html(const char *text, size_t len, bool allow_raw_html, struct strbuf *out);
/* Register cmark-gfm's extensions: once, before threads render Markdown in parallel. */
void markdown_prepare(void);
/* Release cmark-gfm's global extension registry (once, at exit). */
void markdown_shutdown(void);

#endif
