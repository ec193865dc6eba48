#ifndef JOURNAL_WORKFLOW_BIBLIOGRAPHY_H
#define JOURNAL_WORKFLOW_BIBLIOGRAPHY_H

#include "util/strbuf.h"

#include <stddef.h>

/*
 * A manuscript's `bibliography: FILE` (or a list of files: BibTeX .bibtex, BibLaTeX .bib,
 * CSL JSON .json; a path relative to the manuscript's folder) read into its references at
 * submit and revise time: Pandoc (Debian's pandoc, run as a program; JOURNAL_PANDOC names
 * another) converts each file to CSL JSON, and the `bibliography:` entry of the front
 * matter is replaced by `references:` holding the items. What git keeps is the converted
 * manuscript, so builds never need Pandoc or the file.
 *
 * Two texts come out: *checked, with the items as JSON on the line of `bibliography:`, so
 * that every line of the manuscript keeps its number for manuscript_parse's messages; and
 * *stored, the same items in block YAML, for git. Returns 1 when the manuscript names a
 * bibliography (both texts set), 0 when it names none (neither touched), and JOURNAL_EINPUT
 * when a file cannot be read or converted, Pandoc is not installed (the message names the
 * package) or the front matter also has `references:`. max_size bounds each file.
 */
int bibliography_convert(const char *manuscript_path, const char *text, size_t len, size_t max_size,
                         struct strbuf *checked, struct strbuf *stored);

/*
 * The same for the front matter of a Word or OpenDocument manuscript (submit --metadata
 * META.yaml): text is META.yaml, the fields alone or fenced by "---" lines as a manuscript's,
 * and a bibliography file's path is relative to META.yaml's folder.
 */
int bibliography_convert_metadata(const char *metadata_path, const char *text, size_t len,
                                  size_t max_size, struct strbuf *checked, struct strbuf *stored);

#endif
