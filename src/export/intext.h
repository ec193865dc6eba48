#ifndef JOURNAL_EXPORT_INTEXT_H
#define JOURNAL_EXPORT_INTEXT_H

#include "model/cite.h"
#include "model/reference.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * In-text citations (model/cite.h) in APA 7 author-date form, against an article's
 * references:
 *
 *   [@evans1999, p. 12]       (Evans & Rauch, 1999, p. 12)
 *   @evans1999 argues         Evans and Rauch (1999) argues
 *   [-@evans1999]             (1999)
 *   [see @b; @a]              (see Adams, 2001; Brown, 2002)   in the reference list's order
 *   [@a2019; @a2020]          (Adams, 2019, 2020)              one author's works together
 *   three or more authors     Evans et al. (1999)
 *   an organisation           (OECD, 2017)
 *   no author                 the title in quotation marks, as APA has it
 *   same authors and year     (Evans, 1999a), the letter of the reference list
 *
 * A Russian article ("ru") writes "и" and "и др." for "and" and "et al.".
 */

/* One piece of a citation's text: linked to its reference (ref >= 0, an index into the
   list's items) or not (-1). */
struct intext_piece {
    char *text;
    long ref;
};

struct intext {
    struct intext_piece *pieces;
    size_t n;
};

/*
 * The pieces of citation c; false (and nothing in *out) when one of its keys is not a
 * reference's id, so that the text stays as the author wrote it.
 */
bool intext_format(const struct cite *c, const struct reference_list *refs, const char *suffixes,
                   const char *lang, struct intext *out);
void intext_free(struct intext *t);
/* The pieces joined, each linked piece as [text](#ref-ID) when links: for tests and logs. */
void intext_text(const struct intext *t, const struct reference_list *refs, bool links,
                 struct strbuf *out);

struct cmark_node;
struct cmark_mem;

/*
 * Replace the citations in a parsed document's text (model/cite.h: never inside code,
 * links or raw HTML) by text and links to "#ref-ID", the id of the reference's entry on the
 * page (export/references.h). The links are cmark nodes, so the HTML renderer escapes what
 * they hold as it escapes any text; intext_reference tells them from the author's own links.
 * New nodes are made with mem, which must be the document's allocator. A citation of an
 * unknown key stays text.
 */
void intext_resolve(struct cmark_node *root, struct cmark_mem *mem,
                    const struct reference_list *refs, const char *lang);

/*
 * The Markdown text md (an abstract) with each citation of a known key replaced by its APA
 * text without links ("(Evans & Rauch, 1999)"), for outputs that take text, not markup
 * (Crossref, DOAJ, OAI, feeds, meta tags); code spans are left as written. A malloc'd copy
 * (md as it is when it cites nothing), or NULL for a NULL md.
 */
char *intext_plain(const char *md, const struct reference_list *refs, const char *lang);

/* The reference (an index into refs' items) a link made by intext_resolve with refs stands
   for, or -1 for any other node. */
long intext_reference(struct cmark_node *node, const struct reference_list *refs);

#endif
