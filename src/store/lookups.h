#ifndef JOURNAL_STORE_LOOKUPS_H
#define JOURNAL_STORE_LOOKUPS_H

#include "store/index.h"

#include <stdbool.h>

/*
 * What web services answered (ORCID, ROR), by URL, kept in the index so that
 * `journal enrich` asks each question once. A cache like the rest of the
 * index: deleting it only means asking again.
 */
struct lookup {
    long status; /* the HTTP status */
    char *body;
    char *fetched; /* YYYY-MM-DD */
};

/* *found is false when the URL was never asked. */
int lookup_get(struct journal_index *ix, const char *url, struct lookup *out, bool *found);
int lookup_put(struct journal_index *ix, const char *url, const struct lookup *answer);
void lookup_release(struct lookup *l);

#endif
