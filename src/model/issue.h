#ifndef JOURNAL_MODEL_ISSUE_H
#define JOURNAL_MODEL_ISSUE_H

#include <stddef.h>

/* issues/<id>.yaml: an issue's identity and its table of contents. */
struct issue_manifest {
    unsigned long id; /* from the file name: build-issue 12 writes issues/12.yaml */
    unsigned long volume;
    unsigned long number; /* within the volume */
    unsigned long year;
    char *date; /* publication date, YYYY-MM-DD */
    char *title;
    char *special;           /* special-edition title, or NULL */
    unsigned long *articles; /* submission numbers in table-of-contents order */
    size_t *article_lines;   /* where each is listed, for error messages */
    size_t narticles;
};

int issue_parse(struct issue_manifest *is, unsigned long id, const char *file, const char *text,
                size_t len);
void issue_free(struct issue_manifest *is);
/* "Vol. 1, No. 2 (2025)" */
char *issue_label(const struct issue_manifest *is);

#endif
