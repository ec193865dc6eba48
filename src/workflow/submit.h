#ifndef JOURNAL_WORKFLOW_SUBMIT_H
#define JOURNAL_WORKFLOW_SUBMIT_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>

struct submit_request {
    const char *manuscript;   /* path to the Markdown file, or to a .docx or .odt */
    const char *metadata;     /* a document's front matter (META.yaml), or NULL */
    bool accept_changes;      /* take a document's tracked changes as accepted */
    const char *const *files; /* attachments, paths relative to the current directory */
    size_t nfiles;
    struct notifier *notifier; /* acknowledges receipt to the author, or NULL */
};

struct submit_result {
    unsigned long number;
    char commit[GIT_OID_HEXSZ + 1];
    char *title;
    /* the manuscript's warnings ("file:line:col: ..."), and a document's conversion's */
    char **warnings;
    size_t nwarnings;
};

/*
 * Validate a manuscript and its attachments and store them as the next
 * submission, in one commit. Everything is checked before anything is written:
 * rejected input leaves the repository exactly as it was.
 */
int submission_submit(struct journal_repo *repo, const struct submit_request *req,
                      struct submit_result *res);
void submit_result_free(struct submit_result *res);

/* The next free submission number in the tree at HEAD. */
int submission_next_number(struct journal_repo *repo, unsigned long *out);

#endif
