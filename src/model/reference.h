#ifndef JOURNAL_MODEL_REFERENCE_H
#define JOURNAL_MODEL_REFERENCE_H

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
};

struct reference_list {
    struct reference *items;
    size_t n;
};

void reference_list_free(struct reference_list *list);

#endif
