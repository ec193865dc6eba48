#ifndef JOURNAL_WORKFLOW_WORD_H
#define JOURNAL_WORKFLOW_WORD_H

/*
 * Manuscripts written in Word (.docx) or OpenDocument (.odt): the file is checked (a ZIP
 * package whose content is what its name says, without macros or tracked changes) and its
 * body converted by Pandoc into the Markdown that journal renders (GitHub-flavoured, with
 * pipe tables and footnotes, no raw HTML, TeX math as Pandoc writes it), its pictures
 * extracted. Nothing of the file's own metadata (author, last modified by, company: the
 * docx's docProps, the odt's meta.xml) nor its comments reaches the Markdown: Pandoc puts
 * the first into a document's metadata, which is not asked for, and drops the second when
 * changes are accepted.
 */

#include "model/manuscript.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/* How to get Pandoc, ending the message when it cannot be run. */
#define WORD_INSTALL_PANDOC                                                                        \
    "install Debian's package pandoc (apt-get install pandoc, or scripts/install-deps), or set "   \
    "JOURNAL_PANDOC to the program"

struct word_media {
    char *name; /* where the Markdown links it, relative to the manuscript: files/media/x.png */
    struct strbuf data;
};

struct word_doc {
    const char *ext;          /* "docx" or "odt" */
    struct strbuf original;   /* the file as it was read */
    struct strbuf markdown;   /* its body */
    struct word_media *media; /* its pictures, linked from the body */
    size_t nmedia;
    char **warnings; /* "paper.docx: ..." (comments dropped, what Pandoc warned of) */
    size_t nwarnings;
};

/* Whether path names a word processor's file (.docx, .odt, and those refused: .docm, .doc, ...). */
bool word_is_document(const char *path);

/*
 * Check and convert path. max_size bounds the file (max_manuscript_size); accept_changes
 * takes tracked changes as accepted, else a file with any is refused. Every refusal is
 * JOURNAL_EINPUT with the file's name and what to do; nothing is written but a temporary
 * folder, removed before it returns. The caller frees *doc with word_doc_free.
 */
int word_convert(const char *path, size_t max_size, bool accept_changes, struct word_doc *doc);
/*
 * Write the converted body to output (NULL: standard output) and its pictures where it
 * links them, in files/ beside output (beside the current folder for standard output), as
 * a submission keeps them.
 */
int word_save(const struct word_doc *doc, const char *output);
void word_doc_free(struct word_doc *doc);

/* A manuscript as submit and revise take it: a Markdown file, or a document and its metadata. */
struct word_source {
    const char *manuscript; /* MANUSCRIPT.md, or DOCUMENT.docx|.odt */
    const char *metadata;   /* META.yaml: required with a document, refused with Markdown */
    bool accept_changes;
    size_t max_bibliography_size; /* each bibliography: file of a Markdown manuscript */
};

/*
 * Read and validate the manuscript: text gets the Markdown file to store (for a document,
 * the metadata as front matter over the converted body; for Markdown that names a
 * `bibliography:`, the manuscript with its references converted: workflow/bibliography.h), *m its
 * parse, and for a document *doc the conversion (pictures and original to store, warnings to
 * print). Every problem of the front matter at once (in meta.yaml's lines for a document). The
 * caller frees *m and *doc (zeroed for Markdown) and releases text.
 */
int word_read_manuscript(const struct word_source *src, const struct manuscript_rules *rules,
                         size_t max_size, struct manuscript *m, struct strbuf *text,
                         struct word_doc *doc);

/* How many files a document's conversion stores (its pictures and original.EXT; 0 for Markdown). */
size_t word_nfiles(const struct word_doc *doc);
/*
 * Name of the i-th of them under the submission's files/ ("media/rId22.png",
 * "original.docx") and its data.
 */
const char *word_file(const struct word_doc *doc, size_t i, const struct strbuf **data);

#endif
