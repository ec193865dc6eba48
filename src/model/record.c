#define _POSIX_C_SOURCE 200809L
#include "model/record.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const submission_states[] = {"submitted",          "desk-rejected", "under-review",
                                         "revision-requested", "accepted",      "rejected",
                                         "scheduled",          "published",     NULL};

static const char *const record_keys[] = {"number",    "state", "submitted", "accepted",
                                          "published", "issue", "doi",       NULL};

bool submission_state_is_known(const char *state)
{
    for (size_t i = 0; submission_states[i]; i++)
        if (!strcmp(state, submission_states[i]))
            return true;
    return false;
}

bool date_is_valid(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

char *date_display(const char *iso)
{
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    if (!iso || !date_is_valid(iso))
        return xstrdup(iso ? iso : "");
    return xasprintf("%d %s %.4s", atoi(iso + 8), months[atoi(iso + 5) - 1], iso);
}

void date_today(char out[11])
{
    const char *fixed = getenv("JOURNAL_TODAY");
    if (fixed && date_is_valid(fixed)) {
        memcpy(out, fixed, 11);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static char *date_field(struct ydoc *d, yaml_node_t *root, const char *key)
{
    yaml_node_t *n = ydoc_get(d, root, key);
    if (!n || ydoc_is_null(n))
        return NULL;
    const char *s = ydoc_scalar(n);
    if (!s || !date_is_valid(s)) {
        ydoc_problem(d, n, "'%s' must be a date written YYYY-MM-DD", key);
        return NULL;
    }
    return xstrdup(s);
}

int record_parse(struct submission_record *r, const char *file, const char *text, size_t len)
{
    struct ydoc d;
    yaml_node_t *root;
    memset(r, 0, sizeof(*r));
    int rc = ydoc_load_mapping(&d, file, text, len, record_keys, "a submission record",
                               "a mapping with number, state and dates", &root);
    if (rc)
        return rc;
    yaml_node_t *n = ydoc_get(&d, root, "number");
    if (!n || !ydoc_uint(n, &r->number) || !r->number)
        ydoc_problem(&d, n ? n : root, "expected 'number', a positive whole number");
    n = ydoc_get(&d, root, "state");
    const char *state = ydoc_scalar(n);
    if (!state || !submission_state_is_known(state))
        ydoc_problem(&d, n ? n : root,
                     "expected 'state', one of submitted, desk-rejected, under-review, "
                     "revision-requested, accepted, rejected, scheduled, published");
    else
        r->state = xstrdup(state);
    r->submitted = date_field(&d, root, "submitted");
    r->accepted = date_field(&d, root, "accepted");
    r->published = date_field(&d, root, "published");
    n = ydoc_get(&d, root, "issue");
    if (n && !ydoc_is_null(n) && !ydoc_uint(n, &r->issue))
        ydoc_problem(&d, n, "'issue' must be an issue number");
    n = ydoc_get(&d, root, "doi");
    if (n && !ydoc_is_null(n)) {
        const char *doi = ydoc_scalar(n);
        if (!doi || strncmp(doi, "10.", 3) || !strchr(doi, '/'))
            ydoc_problem(&d, n, "'doi' must look like 10.NNNN/suffix");
        else
            r->doi = xstrdup(doi);
    }
    ydoc_free(&d);
    if (error_count()) {
        record_free(r);
        return JOURNAL_EINPUT;
    }
    return 0;
}

void record_write(const struct submission_record *r, struct strbuf *out)
{
    struct ywriter w;
    char num[32];
    ywriter_begin(&w, out);
    ywriter_map_begin(&w);
    snprintf(num, sizeof(num), "%lu", r->number);
    ywriter_pair_plain(&w, "number", num);
    ywriter_pair_plain(&w, "state", r->state);
    if (r->submitted)
        ywriter_pair_plain(&w, "submitted", r->submitted);
    if (r->accepted)
        ywriter_pair_plain(&w, "accepted", r->accepted);
    if (r->published)
        ywriter_pair_plain(&w, "published", r->published);
    if (r->issue) {
        snprintf(num, sizeof(num), "%lu", r->issue);
        ywriter_pair_plain(&w, "issue", num);
    }
    if (r->doi)
        ywriter_pair(&w, "doi", r->doi);
    ywriter_map_end(&w);
    ywriter_end(&w);
}

void record_free(struct submission_record *r)
{
    free(r->state);
    free(r->submitted);
    free(r->accepted);
    free(r->published);
    free(r->doi);
    memset(r, 0, sizeof(*r));
}
