#ifndef JOURNAL_MODEL_REVIEW_H
#define JOURNAL_MODEL_REVIEW_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * submissions/<n>/reviews/round-<r>/<reviewer>.yaml: one reviewer's verdict
 * for one round. comments go to the author (as "Reviewer 1", never by name);
 * confidential is for the editor only and never leaves the office.
 */
struct review {
    char *reviewer;
    unsigned long round;
    char *verdict;
    char *submitted; /* YYYY-MM-DD */
    char *amended;   /* or NULL */
    char *comments;
    char *confidential; /* or NULL */
    /* The reviewer's file (an annotated manuscript, a table), for the editor and the author as
       the comments are: its name in the round's folder (REVIEWER.EXT), or NULL. */
    char *file;
    /* The reviewer agreed to publish this review, signed, with the article (open review). */
    bool signed_review;
};

extern const char *const review_verdicts[];
bool review_verdict_is_known(const char *verdict);
/* "Minor revision" for "minor-revision". */
const char *review_verdict_label(const char *verdict);

int review_parse(struct review *rv, const char *file, const char *text, size_t len);
void review_write(const struct review *rv, struct strbuf *out);
void review_free(struct review *rv);
/* "submissions/12/reviews/round-1/asel-bekova.yaml" (caller frees). */
char *review_path(unsigned long number, unsigned long round, const char *reviewer);
/*
 * Whether name may be a reviewer's file: a document, spreadsheet, image, plain text or ZIP
 * archive by its extension (the editor opens it, and the author receives it). Otherwise false,
 * with why in *why.
 */
bool review_file_allowed(const char *name, const char **why);

#endif
