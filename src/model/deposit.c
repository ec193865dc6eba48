#include "model/deposit.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/yaml.h"

#include <stdlib.h>
#include <string.h>

static const char *const attempt_keys[] = {
    "batch_id", "issue",       "endpoint", "url",     "at",    "by", "timestamp",
    "dois",     "http_status", "answer",   "outcome", "error", NULL};

void deposit_attempt_free(struct deposit_attempt *a)
{
    free(a->batch_id);
    free(a->endpoint);
    free(a->url);
    free(a->at);
    free(a->by);
    free(a->timestamp);
    for (size_t i = 0; i < a->ndois; i++)
        free(a->dois[i]);
    free(a->dois);
    free(a->submissions);
    free(a->answer);
    free(a->outcome);
    memset(a, 0, sizeof(*a));
}

static char *scalar_copy(struct ydoc *d, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = ydoc_get(d, map, key);
    const char *s = n && !ydoc_is_null(n) ? ydoc_scalar(n) : NULL;
    return s ? xstrdup(s) : NULL;
}

int deposit_attempt_parse(struct deposit_attempt *a, const char *file, const char *text, size_t len)
{
    struct ydoc d;
    yaml_node_t *root;
    memset(a, 0, sizeof(*a));
    int rc = ydoc_load_mapping(&d, file, text, len, attempt_keys, "a deposit record",
                               "a mapping (batch_id, issue, endpoint, dois, outcome, ...)", &root);
    if (rc)
        return rc;
    a->batch_id = scalar_copy(&d, root, "batch_id");
    a->endpoint = scalar_copy(&d, root, "endpoint");
    a->url = scalar_copy(&d, root, "url");
    a->at = scalar_copy(&d, root, "at");
    a->by = scalar_copy(&d, root, "by");
    a->timestamp = scalar_copy(&d, root, "timestamp");
    a->answer = scalar_copy(&d, root, "answer");
    a->outcome = scalar_copy(&d, root, "outcome");
    yaml_node_t *n = ydoc_get(&d, root, "issue");
    if (!n || !ydoc_uint(n, &a->issue))
        ydoc_problem(&d, n ? n : root, "'issue' must be an issue number");
    unsigned long status = 0;
    n = ydoc_get(&d, root, "http_status");
    if (n && !ydoc_is_null(n) && !ydoc_uint(n, &status))
        ydoc_problem(&d, n, "'http_status' must be a number");
    a->http_status = (long)status;
    if (!a->batch_id || !a->timestamp || !a->outcome || !a->endpoint)
        ydoc_problem(&d, root, "batch_id, timestamp, endpoint and outcome are required");
    n = ydoc_get(&d, root, "dois");
    if (n && n->type == YAML_SEQUENCE_NODE) {
        size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        a->dois = xcalloc(count + 1, sizeof(*a->dois));
        a->submissions = xcalloc(count + 1, sizeof(*a->submissions));
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            yaml_node_t *item = ydoc_node(&d, *it);
            char *doi = scalar_copy(&d, item, "doi");
            unsigned long number = 0;
            yaml_node_t *sub = ydoc_get(&d, item, "submission");
            if (!doi || (sub && !ydoc_uint(sub, &number))) {
                ydoc_problem(&d, item, "expected {doi: 10.NNNN/..., submission: N}");
                free(doi);
                continue;
            }
            a->submissions[a->ndois] = number;
            a->dois[a->ndois++] = doi;
        }
    } else if (n) {
        ydoc_problem(&d, n, "'dois' must be a list of {doi, submission}");
    }
    ydoc_free(&d);
    if (error_count()) {
        deposit_attempt_free(a);
        return JOURNAL_EINPUT;
    }
    return 0;
}

static int compare_attempts(const void *x, const void *y)
{
    const struct deposit_attempt *a = x, *b = y;
    size_t la = strlen(a->timestamp), lb = strlen(b->timestamp);
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = strcmp(a->timestamp, b->timestamp);
    return c ? c : strcmp(a->batch_id, b->batch_id);
}

void deposit_log_sort(struct deposit_log *log)
{
    qsort(log->attempts, log->n, sizeof(*log->attempts), compare_attempts);
}

void deposit_log_free(struct deposit_log *log)
{
    for (size_t i = 0; i < log->n; i++)
        deposit_attempt_free(&log->attempts[i]);
    free(log->attempts);
    memset(log, 0, sizeof(*log));
}
