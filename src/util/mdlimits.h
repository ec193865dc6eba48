#ifndef JOURNAL_UTIL_MDLIMITS_H
#define JOURNAL_UTIL_MDLIMITS_H

#include <stddef.h>

/*
 * Limits on the shapes of Markdown that cost cmark-gfm (or a recursive walk of
 * its tree, such as the JATS writer) far more time or memory than their size:
 * deep nesting, tables whose short rows are padded to the header's width,
 * many footnotes or link definitions, and reference links that repeat a long
 * destination. The text is scanned once, before cmark-gfm sees it; the scan
 * errs on the side of counting too much (it does not parse Markdown), so the
 * defaults sit well above what articles use. journal.yaml may change each one
 * (the keys are named in the comments); the defaults and the measurements
 * behind them are in docs/site.md ("Limits on Markdown").
 */
struct md_limits {
    size_t max_size;          /* bytes of the whole manuscript: max_manuscript_size */
    size_t max_line_length;   /* bytes in one line: max_line_length */
    size_t max_nesting_depth; /* block quotes and lists in each other, and emphasis and
                                 brackets open at once in a paragraph: max_nesting_depth */
    size_t max_table_cells;   /* header width times rows, summed over the tables: max_table_cells */
    size_t max_footnotes;     /* footnote definitions: max_footnotes */
    size_t max_link_definitions; /* link reference definitions: max_link_definitions */
    /* Lines, block quote and list markers, emphasis runs, code spans, escapes and each of
       [ ] < ! & : w (about the nodes cmark-gfm makes): max_markup */
    size_t max_markup;
    size_t max_link_expansion; /* bytes reference links may repeat (uses times the longest
                                  definition): max_link_expansion */
};

#define MD_LIMITS_DEFAULT_LINE_LENGTH      65536u
#define MD_LIMITS_DEFAULT_NESTING_DEPTH    32u
#define MD_LIMITS_DEFAULT_TABLE_CELLS      50000u
#define MD_LIMITS_DEFAULT_FOOTNOTES        2000u
#define MD_LIMITS_DEFAULT_LINK_DEFINITIONS 5000u
#define MD_LIMITS_DEFAULT_MARKUP           100000u
#define MD_LIMITS_DEFAULT_LINK_EXPANSION   (8u * 1024 * 1024)

/* The most max_nesting_depth may be: the JATS writer walks the tree recursively, and a
   thread's stack holds some thousands of levels (200,000 overflow it). */
#define MD_LIMITS_MAX_NESTING_DEPTH 1000u

/* The defaults, with max_size as given (the journal's max_manuscript_size). */
void md_limits_default(struct md_limits *l, size_t max_size);

/*
 * Check Markdown text (len bytes) that starts on line first_line of file (a
 * manuscript's body after its front matter). A text within every limit returns
 * 0; otherwise the first limit exceeded is reported with error_add_at
 * (file:line:column, what was found, the limit and its journal.yaml key) and
 * JOURNAL_EINPUT is returned. max_size is not checked here (the caller knows the
 * size of the whole file).
 */
int md_limits_check(const char *text, size_t len, const struct md_limits *l, const char *file,
                    size_t first_line);

#endif
