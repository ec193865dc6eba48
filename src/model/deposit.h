#ifndef JOURNAL_MODEL_DEPOSIT_H
#define JOURNAL_MODEL_DEPOSIT_H

#include <stddef.h>

/*
 * The record of a Crossref deposit attempt, deposits/<doi_batch_id>.yaml, as
 * workflow/deposit.c writes it. Read by the deposit itself (the log of
 * attempts at HEAD) and by the index, which keeps the outcomes for
 * `journal deposit --status`.
 */
struct deposit_attempt {
    char *batch_id;
    unsigned long issue;
    char *endpoint; /* "test" or "production" */
    char *url;
    char *at; /* YYYY-MM-DDTHH:MM:SSZ */
    char *by;
    char *timestamp;
    char **dois;
    unsigned long *submissions;
    size_t ndois;
    long http_status;
    char *answer;
    char *outcome; /* submitted or failed */
};

struct deposit_log {
    struct deposit_attempt *attempts; /* ordered by timestamp, oldest first */
    size_t n;
};

/* Parse one record; every problem reported (file:line), JOURNAL_EINPUT. Nothing to free then. */
int deposit_attempt_parse(struct deposit_attempt *a, const char *file, const char *text,
                          size_t len);
void deposit_attempt_free(struct deposit_attempt *a);
/* Oldest first: by timestamp (a number written in decimal), then batch id. */
void deposit_log_sort(struct deposit_log *log);
void deposit_log_free(struct deposit_log *log);

#endif
