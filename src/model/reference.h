#ifndef JOURNAL_MODEL_REFERENCE_H
#define JOURNAL_MODEL_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * An article's references, from the manuscript's front matter `references:`
 * in CSL YAML, as Pandoc reads them (https://citeproc-js.readthedocs.io/en/
 * latest/csl-json/markup.html). Only what APA 7, JATS and Crossref use is
 * kept; every string is UTF-8 and NULL when absent.
 */
struct csl_name {
    char *family;
    char *given;
    char *literal; /* an organisation ("OECD"), or a name given whole */
};

struct reference {
    char *id;   /* the CSL id, for citations in the text ("oecd2017") */
    char *type; /* CSL type: article-journal, book, chapter, report, webpage, ... */
    char *title;
    char *container_title; /* journal, book of a chapter, website */
    struct csl_name *authors;
    size_t nauthors;
    struct csl_name *editors;
    size_t neditors;
    int year, month, day; /* issued; 0 when unknown */
    char *volume;
    char *issue;
    char *page; /* "15-30" */
    char *doi;  /* bare: 10.1000/xyz */
    char *url;
    char *publisher;
    char *publisher_place;
    char *edition;
    char *isbn;
    char *issn;
    size_t line; /* in the manuscript, for warnings */
    /* Added for APA 7 (fields above are shared with JATS and Crossref output). */
    size_t column;
    char *issued_literal; /* issued as words, not a date: "in press", "forthcoming" */
    char *genre;          /* "Doctoral dissertation", "Working paper" */
    char *number;         /* report or working-paper number */
    char *event;          /* event-title (or the older event) of a paper-conference */
    char *event_place;
    bool generated_id; /* the item had no id: id is "ref-N" */
};

struct reference_list {
    struct reference *items;
    size_t n;
};

/*
 * Parse a CSL YAML list (the value of `references:`) at node n of d into *out.
 * Accepted forms: names as {family, given} (with non-dropping-particle and
 * dropping-particle folded in), {literal}, "Family, Given" or a literal string;
 * issued as {date-parts: [[2020, 5, 1]]}, {literal: "in press"}, {raw: "2020-05"},
 * a year or a YYYY[-MM[-DD]] string; the DOI bare, as doi:... or a doi.org URL
 * (stored bare); numbers as YAML ints or strings. Unknown CSL fields are ignored.
 *
 * Problems that make the list unusable are reported at their node with
 * ydoc_problem (error_add_at): `references` not a list, an item not a mapping,
 * a duplicate id, a malformed DOI or date, a field of the wrong shape. Returns
 * JOURNAL_EINPUT when it reported any; *out is filled in either way (free it).
 * An item without an id gets "ref-N" (N its position), so id is never NULL.
 */
struct ydoc;
struct yaml_node_s; /* libyaml's yaml_node_t */
int reference_list_parse(struct ydoc *d, struct yaml_node_s *n, struct reference_list *out);

/*
 * Warnings for what APA 7 needs but a reference lacks, by CSL type (for example
 * article-journal: author or editor, title, container-title, issued), appended
 * to *warnings (each "file:line:col: reference 'ID' has no ..."); *n counts them.
 */
void reference_list_warnings(const struct reference_list *list, const char *file, char ***warnings,
                             size_t *n);

void reference_list_free(struct reference_list *list);

/*
 * s past a DOI resolver's prefix (https://doi.org/, http://dx.doi.org/,
 * doi.org/, doi:, in any case), or s itself when it has none; spaces are not
 * skipped. For every place that takes a DOI as people write it.
 */
const char *doi_skip_resolver(const char *s);

#endif
