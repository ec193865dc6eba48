#ifndef JOURNAL_EXPORT_REFERENCES_H
#define JOURNAL_EXPORT_REFERENCES_H

#include "model/reference.h"
#include "util/strbuf.h"

/*
 * An article's reference list (the manuscript's CSL `references:`) in APA 7th
 * edition style, ordered as APA orders it: by the first author's family name
 * (an editor or the title standing in when there is no author), then the
 * following authors, then the year (n.d. first, "in press" last), then title.
 *
 * Forms by CSL type:
 *   article-journal   Author, A. (2020). Title. Journal, 12(3), 15–30. https://doi.org/...
 *   book              Author, A. (2020). Title (2nd ed.). Publisher. DOI or URL
 *   chapter           Author, A. (2020). Title. In E. Editor (Ed.), Book (pp. 1–20). Publisher.
 *   report            Author. (2020). Title (Report No. 3). Publisher.  (publisher left out
 *                     when it is the author)
 *   webpage           Author. (2020, May 1). Title. Site. URL
 *   thesis            Author, A. (2020). Title [Doctoral dissertation, University]. URL
 *   paper-conference  as a chapter of its proceedings, else Title [Paper presentation].
 *                     Event, Place.
 *   anything else     as an article when it has a container-title, else as a book.
 * Italics (the journal and volume, or the title of a work that stands alone) are
 * <i> in HTML; DOIs are linked as https://doi.org/..., URLs as they are.
 *
 * Works of the same authors and year get their letters (2020a, 2020b:
 * references_year_suffixes) after the year, as the in-text citations do.
 *
 * references_apa_html appends one "<li id=\"ref-ID\">...</li>\n" per reference (the
 * caller supplies the <ol>); references_apa_text one line per reference. Both
 * append to out and leave it unchanged on failure (JOURNAL_EINPUT for a name
 * that cannot be written).
 */
int references_apa_html(const struct reference_list *list, struct strbuf *out);
int references_apa_text(const struct reference_list *list, struct strbuf *out);

/* One reference, without <li> or newline. */
int reference_apa_html(const struct reference *r, struct strbuf *out);
int reference_apa_text(const struct reference *r, struct strbuf *out);

/*
 * APA's letters after the year for works of the same authors in the same year (2020a,
 * 2020b, in the order of the list, by title): one char per item of the list, by its index,
 * 0 for none (free() it). order is references_apa_order's, or NULL to compute it. The
 * reference list and the in-text citations (export/intext.h) both use it.
 */
char *references_year_suffixes(const struct reference_list *list, const size_t *order);

/* The APA order as indexes into list->items (list->n of them; free() it). */
size_t *references_apa_order(const struct reference_list *list);

#endif
