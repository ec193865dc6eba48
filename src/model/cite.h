#ifndef JOURNAL_MODEL_CITE_H
#define JOURNAL_MODEL_CITE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * In-text citations in Pandoc's Markdown syntax (https://pandoc.org/MANUAL.html#citation-syntax):
 *
 *   [@evans1999]              parenthetical          (Evans & Rauch, 1999)
 *   [@evans1999, p. 12]       with a locator         (Evans & Rauch, 1999, p. 12)
 *   [see @a, pp. 3-4; @b]     several, with a prefix (see A, 2001, pp. 3-4; B, 2002)
 *   [-@evans1999]             author suppressed      (1999)
 *   @evans1999 argues         narrative              Evans and Rauch (1999) argues
 *   @evans1999 [p. 12] says   narrative with locator Evans and Rauch (1999, p. 12) says
 *
 * A key starts with a letter, digit or '_' and goes on with letters, digits, '_' and the
 * punctuation :.#$%&-+?<>~/ where a letter or digit follows it (so the full stop that ends a
 * sentence is not part of it); @{key} takes a key with any other characters but '}'. Letters
 * are those of any cased script (Latin, Cyrillic, Greek). A narrative '@' must not follow a
 * letter or digit (name@example.org is not a citation). In brackets every part separated by
 * ';' must hold a key, else the brackets are text.
 *
 * This file reads the syntax and finds citations in a parsed document; export/intext.c
 * writes them in APA, and manuscript_parse checks their keys against the references.
 */
struct cite_item {
    char *key;
    char *prefix;         /* text before the key ("see"), trimmed, or NULL */
    char *locator;        /* text after it, trimmed, without its leading comma ("p. 12"), or NULL */
    bool suppress_author; /* [-@key] */
};

struct cite {
    struct cite_item *items;
    size_t n;
    bool narrative; /* @key outside brackets */
    size_t start;   /* bytes of the text it takes: [start, end) */
    size_t end;
};

/*
 * The first citation in s[from..len) into *out (free it with cite_free): true when there is
 * one. s need not be NUL-terminated.
 */
bool cite_next(const char *s, size_t len, size_t from, struct cite *out);
void cite_free(struct cite *c);

struct cmark_node;

/*
 * The text nodes of a parsed document where citations are read: not inside code, links,
 * images or raw HTML (code spans and blocks, raw HTML and link destinations are other
 * nodes, never text). Adjacent text nodes are merged first (cmark-gfm splits "[" from
 * what follows it). *out is malloc'd (free it); returns how many.
 */
size_t cite_text_nodes(struct cmark_node *root, struct cmark_node ***out);

/* The line (1-based, of the parsed text) on which a text node starts. */
size_t cite_node_line(struct cmark_node *text);

#endif
