#ifndef JOURNAL_MODEL_RECORD_H
#define JOURNAL_MODEL_RECORD_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * submissions/<n>/submission.yaml: where a submission stands. The manuscript
 * beside it is the author's text, byte for byte; this file is the office's.
 */
struct submission_record {
    unsigned long number;
    char *state;
    char *submitted; /* ISO dates, or NULL */
    char *accepted;
    char *published;
    unsigned long issue; /* 0 = none */
    char *doi;
};

extern const char *const submission_states[];
bool submission_state_is_known(const char *state);

int record_parse(struct submission_record *r, const char *file, const char *text, size_t len);
void record_write(const struct submission_record *r, struct strbuf *out);
void record_free(struct submission_record *r);

/* "2025-06-30": a real calendar date. */
bool date_is_valid(const char *s);
/* "30 June 2025" for "2025-06-30"; a copy of s when it is not a date. */
char *date_display(const char *iso);
/* Today's date in UTC as YYYY-MM-DD (JOURNAL_TODAY overrides it, for reproducible tests). */
void date_today(char out[11]);

#endif
