#ifndef JOURNAL_UTIL_GFM_H
#define JOURNAL_UTIL_GFM_H

#include <stdbool.h>
#include <stddef.h>

struct cmark_mem;
struct cmark_node;
struct cmark_parser;

/*
 * cmark-gfm parsers with the extensions articles use (tables, strikethrough, autolinks; the
 * tagfilter with raw HTML), safe to run on several threads at once, which cmark-gfm 0.29
 * alone is not (see gfm.c). Every parse in the program goes through here.
 */

/* Register the extensions and set up the parsers: once, before threads parse. */
void gfm_prepare(void);

/*
 * Parse len bytes of text with options (CMARK_OPT_*): *root the document, *parser what
 * rendering needs (cmark_parser_get_syntax_extensions), both allocated with mem; free them
 * with cmark_node_free and cmark_parser_free, or release mem's memory all at once.
 * Autolinks (bare URLs, www. addresses, e-mail addresses) are found as cmark-gfm's
 * extension finds them; the extension is used only for a text that may hold one, which
 * gives the same document at less cost.
 */
int gfm_parse(const char *text, size_t len, int options, bool raw_html, struct cmark_mem *mem,
              struct cmark_node **root, struct cmark_parser **parser);

/*
 * Pandoc's table captions: a paragraph that starts "Table: " (or "table: ", or ": ") right
 * before or after a pipe table is its caption. One between two tables goes to the table
 * before it, unless a caption stands right before that one (Pandoc reads them in order,
 * and a table takes the caption before it first). gfm_table_caption gives table's caption
 * paragraph or NULL, and in *skip the bytes of the paragraph's first text ("Table: ") that
 * are not part of it; gfm_is_table_caption whether a paragraph is some table's caption (the
 * renderers write it in the table, not where it stands).
 */
struct cmark_node *gfm_table_caption(struct cmark_node *table, size_t *skip);
bool gfm_is_table_caption(struct cmark_node *paragraph);

/* Whether parses on several threads take turns at cmark-gfm's inlines (see gfm.c). */
bool gfm_parses_take_turns(void);

#endif
