#ifndef JOURNAL_UTIL_PDFPAGES_H
#define JOURNAL_UTIL_PDFPAGES_H

/*
 * The number of pages of a PDF galley, read from its page tree: the /Count of the root
 * /Type /Pages dictionary (the largest of the page tree's, for each node counts the pages
 * below it; an outline's /Count is in no /Pages dictionary). For the PDFs WeasyPrint writes,
 * whose objects are plain text; a PDF whose page tree is compressed in an object stream is
 * not read. For the page ranges of issues, numbered from their galleys.
 */

#include <stddef.h>

/* *pages set, 0; JOURNAL_EINPUT when data has no page tree this reads, or no page. */
int pdf_page_count(const char *data, size_t len, unsigned long *pages);

#endif
