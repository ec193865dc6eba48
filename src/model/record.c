#define _POSIX_C_SOURCE 200809L
#include "model/record.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const submission_states[] = {
    "submitted", "desk-rejected", "under-review", "revision-requested", "accepted",
    "rejected",  "scheduled",     "published",    "withdrawn",          NULL};

static const char *const record_keys[] = {
    "number",   "state",   "round",       "submitted",
    "accepted", "decided", "published",   "withdrawn",
    "issue",    "doi",     "assignments", "versions",
    "history",  "private", "status_link", "status_link_revoked",
    NULL};
static const char *const assignment_keys[] = {"reviewer",  "round", "invited",      "due",
                                              "override",  "state", "answered",     "reason",
                                              "suggested", "link",  "link_revoked", NULL};

const char *const assignment_states[] = {"invited",   "accepted", "declined",
                                         "withdrawn", "expired",  NULL};

bool assignment_state_parse(const char *name, enum assignment_state *out)
{
    for (size_t i = 0; name && assignment_states[i]; i++)
        if (!strcmp(name, assignment_states[i])) {
            *out = (enum assignment_state)i;
            return true;
        }
    return false;
}
static const char *const version_keys[] = {"round", "blob", "date", NULL};
static const char *const event_keys[] = {"at", "action", "by", "round", "detail", NULL};

bool submission_state_is_known(const char *state)
{
    for (size_t i = 0; submission_states[i]; i++)
        if (!strcmp(state, submission_states[i]))
            return true;
    return false;
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
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

void date_now(char out[21])
{
    const char *fixed = getenv("JOURNAL_TODAY");
    if (fixed && date_is_valid(fixed)) {
        snprintf(out, 21, "%.10sT12:00:00Z", fixed);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void date_add_days(const char *date, int days, char out[11])
{
    long y, m, d;
    char buf[64];
    civil_from_days(days_from_civil(atol(date), atol(date + 5), atol(date + 8)) + days, &y, &m, &d);
    /* Years past 9999 would not fit YYYY-MM-DD: clamp rather than truncate mid-field. */
    snprintf(buf, sizeof(buf), "%04ld-%02ld-%02ld", y > 9999 ? 9999 : y, m, d);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

long date_diff_days(const char *a, const char *b)
{
    return days_from_civil(atol(b), atol(b + 5), atol(b + 8)) -
           days_from_civil(atol(a), atol(a + 5), atol(a + 8));
}

enum assignment_state assignment_state(const char *stored, const char *invited, bool reviewed,
                                       const char *today, unsigned long invitation_days)
{
    enum assignment_state st = ASSIGNMENT_INVITED;
    if (stored && assignment_state_parse(stored, &st) && st != ASSIGNMENT_INVITED)
        return st;
    if (reviewed)
        return ASSIGNMENT_ACCEPTED;
    if (invited && today && date_is_valid(invited) && date_is_valid(today) &&
        date_diff_days(invited, today) > (long)invitation_days)
        return ASSIGNMENT_EXPIRED;
    return ASSIGNMENT_INVITED;
}

/* ---- building records ---- */

void record_set(char **field, const char *value)
{
    free(*field);
    *field = value ? xstrdup(value) : NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void record_add_assignment(struct submission_record *r, const char *reviewer, const char *invited,
                           const char *due, const char *override)
{
    ARRAY_GROW(r->assignments, r->nassignments + 1, r->assignments_alloc);
    r->assignments[r->nassignments++] = (struct record_assignment){
        .reviewer = xstrdup(reviewer),
        .round = r->round,
        .invited = dup_or_null(invited),
        .due = dup_or_null(due),
        .override = dup_or_null(override),
        .state = xstrdup("invited"),
    };
}

void record_add_version(struct submission_record *r, const char *blob, const char *date)
{
    ARRAY_GROW(r->versions, r->nversions + 1, r->versions_alloc);
    r->versions[r->nversions++] =
        (struct record_version){r->round, xstrdup(blob), dup_or_null(date)};
}

void record_add_event(struct submission_record *r, const char *action, const char *by,
                      const char *detail)
{
    char now[21];
    date_now(now);
    ARRAY_GROW(r->history, r->nhistory + 1, r->history_alloc);
    r->history[r->nhistory++] = (struct record_event){
        xstrdup(now), xstrdup(action), dup_or_null(by), r->round, dup_or_null(detail)};
}

const struct record_assignment *record_find_assignment(const struct submission_record *r,
                                                       const char *reviewer, unsigned long round)
{
    for (size_t i = 0; i < r->nassignments; i++)
        if (r->assignments[i].round == round && !strcmp(r->assignments[i].reviewer, reviewer))
            return &r->assignments[i];
    return NULL;
}

size_t record_count_assignments(const struct submission_record *r, unsigned long round)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nassignments; i++)
        n += r->assignments[i].round == round;
    return n;
}

unsigned long record_declined_round(const struct submission_record *r, const char *reviewer)
{
    unsigned long round = 0;
    for (size_t i = 0; i < r->nassignments; i++)
        if (r->assignments[i].state && !strcmp(r->assignments[i].state, "declined") &&
            !strcmp(r->assignments[i].reviewer, reviewer) && r->assignments[i].round > round)
            round = r->assignments[i].round;
    return round;
}

const struct record_version *record_find_version(const struct submission_record *r,
                                                 unsigned long round)
{
    for (size_t i = 0; i < r->nversions; i++)
        if (r->versions[i].round == round)
            return &r->versions[i];
    return NULL;
}

/* ---- reading ---- */

static char *date_field(struct ydoc *d, yaml_node_t *map, const char *key)
{
    yaml_node_t *n = ydoc_get(d, map, key);
    if (!n || ydoc_is_null(n))
        return NULL;
    const char *s = ydoc_scalar(n);
    if (!s || !date_is_valid(s)) {
        ydoc_problem(d, n, "'%s' must be a date written YYYY-MM-DD", key);
        return NULL;
    }
    return xstrdup(s);
}

static char *text_field(struct ydoc *d, yaml_node_t *map, const char *key, bool required)
{
    yaml_node_t *n = ydoc_get(d, map, key);
    if (!n || ydoc_is_null(n)) {
        if (required)
            ydoc_problem(d, map, "missing '%s'", key);
        return NULL;
    }
    const char *s = ydoc_scalar(n);
    if (!s || !*s) {
        ydoc_problem(d, n, "'%s' must be text", key);
        return NULL;
    }
    return xstrdup(s);
}

static unsigned long round_field(struct ydoc *d, yaml_node_t *map)
{
    unsigned long v = 1;
    yaml_node_t *n = ydoc_get(d, map, "round");
    if (n && (!ydoc_uint(n, &v) || !v))
        ydoc_problem(d, n, "'round' must be a positive whole number");
    return v;
}

/* Items of a sequence field, each a mapping; reports anything else. */
static size_t list_field(struct ydoc *d, yaml_node_t *root, const char *key, yaml_node_t ***items)
{
    yaml_node_t *n = ydoc_get(d, root, key);
    *items = NULL;
    if (!n || ydoc_is_null(n))
        return 0;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n, "'%s' must be a list", key);
        return 0;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start), k = 0;
    *items = xcalloc(count ? count : 1, sizeof(**items));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        if (item->type != YAML_MAPPING_NODE)
            ydoc_problem(d, item, "each entry of '%s' must be a mapping", key);
        else
            (*items)[k++] = item;
    }
    return k;
}

static bool is_blob_id(const char *s)
{
    if (!s || strlen(s) != 40)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static bool is_link_hash(const char *s)
{
    if (strncmp(s, "sha256:", 7) || strlen(s) != 7 + 64)
        return false;
    for (s += 7; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* state, answered, reason, suggested: each only where the state gives it a meaning. */
static void parse_answer(struct ydoc *d, yaml_node_t *map, struct record_assignment *a)
{
    yaml_node_t *n = ydoc_get(d, map, "state");
    enum assignment_state st = ASSIGNMENT_INVITED;
    a->state = NULL;
    if (n && !ydoc_is_null(n)) {
        const char *s = ydoc_scalar(n);
        if (!s || !assignment_state_parse(s, &st))
            ydoc_problem(d, n,
                         "'state' must be one of invited, accepted, declined, withdrawn, expired");
        else
            a->state = xstrdup(s);
    }
    a->answered = date_field(d, map, "answered");
    a->reason = text_field(d, map, "reason", false);
    a->suggested = text_field(d, map, "suggested", false);
    if (a->answered && (!a->state || st == ASSIGNMENT_INVITED || st == ASSIGNMENT_EXPIRED))
        ydoc_problem(d, ydoc_get(d, map, "answered"),
                     "'answered' goes with state accepted, declined or withdrawn");
    if (a->reason && st != ASSIGNMENT_DECLINED && st != ASSIGNMENT_WITHDRAWN)
        ydoc_problem(d, ydoc_get(d, map, "reason"),
                     "'reason' goes with state declined or withdrawn");
    if (a->suggested && st != ASSIGNMENT_DECLINED)
        ydoc_problem(d, ydoc_get(d, map, "suggested"), "'suggested' goes with state declined");
}

static void parse_lists(struct ydoc *d, yaml_node_t *root, struct submission_record *r)
{
    yaml_node_t **items;
    size_t n = list_field(d, root, "assignments", &items);
    for (size_t i = 0; i < n; i++) {
        ydoc_check_keys(d, items[i], assignment_keys, "an assignment");
        ARRAY_GROW(r->assignments, r->nassignments + 1, r->assignments_alloc);
        struct record_assignment *a = &r->assignments[r->nassignments++];
        a->reviewer = text_field(d, items[i], "reviewer", true);
        a->round = round_field(d, items[i]);
        a->invited = date_field(d, items[i], "invited");
        a->due = date_field(d, items[i], "due");
        a->override = text_field(d, items[i], "override", false);
        parse_answer(d, items[i], a);
        a->link = text_field(d, items[i], "link", false);
        if (a->link && !is_link_hash(a->link))
            ydoc_problem(d, ydoc_get(d, items[i], "link"),
                         "'link' must be 'sha256:' and 64 lowercase hex digits (the hash of the "
                         "reviewer's link token, written by journal assign)");
        a->link_revoked = date_field(d, items[i], "link_revoked");
    }
    free(items);
    n = list_field(d, root, "versions", &items);
    for (size_t i = 0; i < n; i++) {
        ydoc_check_keys(d, items[i], version_keys, "a version");
        ARRAY_GROW(r->versions, r->nversions + 1, r->versions_alloc);
        struct record_version *v = &r->versions[r->nversions++];
        v->round = round_field(d, items[i]);
        v->blob = text_field(d, items[i], "blob", true);
        v->date = date_field(d, items[i], "date");
        if (v->blob && !is_blob_id(v->blob))
            ydoc_problem(d, ydoc_get(d, items[i], "blob"), "'blob' must be a 40-hex git blob id");
    }
    free(items);
    n = list_field(d, root, "history", &items);
    for (size_t i = 0; i < n; i++) {
        ydoc_check_keys(d, items[i], event_keys, "a history entry");
        ARRAY_GROW(r->history, r->nhistory + 1, r->history_alloc);
        struct record_event *e = &r->history[r->nhistory++];
        e->at = text_field(d, items[i], "at", true);
        e->action = text_field(d, items[i], "action", true);
        e->by = text_field(d, items[i], "by", false);
        e->round = round_field(d, items[i]);
        e->detail = text_field(d, items[i], "detail", false);
    }
    free(items);
}

/* private: [cover-letter.pdf, data/raw.csv]: attachment paths, relative, without "..". */
static void parse_private(struct ydoc *d, yaml_node_t *root, struct submission_record *r)
{
    yaml_node_t *n = ydoc_get(d, root, "private");
    if (!n || ydoc_is_null(n))
        return;
    if (n->type != YAML_SEQUENCE_NODE) {
        ydoc_problem(d, n,
                     "'private' must be a list of the submission's attachments (paths "
                     "as journal show lists them)");
        return;
    }
    size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    r->private_files = xcalloc(count + 1, sizeof(*r->private_files));
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *item = ydoc_node(d, *it);
        const char *s = ydoc_scalar(item);
        if (s && !strncmp(s, "files/", 6))
            s += 6;
        if (!s || !*s || s[0] == '/' || strstr(s, ".."))
            ydoc_problem(d, item,
                         "each entry of 'private' must be the path of an attachment "
                         "(as journal show lists it)");
        else
            r->private_files[r->nprivate++] = xstrdup(s);
    }
}

bool record_file_is_original(const char *path)
{
    return !strcmp(path, "original.docx") || !strcmp(path, "original.odt");
}

bool record_is_private(const struct submission_record *r, const char *path)
{
    if (record_file_is_original(path))
        return true;
    for (size_t i = 0; i < r->nprivate; i++)
        if (!strcmp(r->private_files[i], path))
            return true;
    return false;
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
                     "revision-requested, accepted, rejected, scheduled, published, withdrawn");
    else
        r->state = xstrdup(state);
    r->round = round_field(&d, root);
    r->submitted = date_field(&d, root, "submitted");
    r->accepted = date_field(&d, root, "accepted");
    r->decided = date_field(&d, root, "decided");
    r->published = date_field(&d, root, "published");
    /* The day of the withdrawal: a withdrawn submission has one, and nothing else does. */
    r->withdrawn = date_field(&d, root, "withdrawn");
    yaml_node_t *wn = ydoc_get(&d, root, "withdrawn");
    if (r->state && !strcmp(r->state, "withdrawn") && (!wn || ydoc_is_null(wn)))
        ydoc_problem(&d, n,
                     "state withdrawn needs 'withdrawn', the date it was withdrawn "
                     "(YYYY-MM-DD)");
    if (r->withdrawn && r->state && strcmp(r->state, "withdrawn"))
        ydoc_problem(&d, wn, "'withdrawn' goes with state withdrawn (this submission is %s)",
                     r->state);
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
    parse_lists(&d, root, r);
    parse_private(&d, root, r);
    r->status_link = text_field(&d, root, "status_link", false);
    if (r->status_link && !is_link_hash(r->status_link))
        ydoc_problem(&d, ydoc_get(&d, root, "status_link"),
                     "'status_link' must be 'sha256:' and 64 lowercase hex digits (the hash of "
                     "the author's status link token, written by journal submit or journal token)");
    r->status_link_revoked = date_field(&d, root, "status_link_revoked");
    ydoc_free(&d);
    if (error_count()) {
        record_free(r);
        return JOURNAL_EINPUT;
    }
    return 0;
}

/* ---- writing ---- */

static void pair_number(struct ywriter *w, const char *key, unsigned long v)
{
    char num[32];
    snprintf(num, sizeof(num), "%lu", v);
    ywriter_pair_plain(w, key, num);
}

void record_write(const struct submission_record *r, struct strbuf *out)
{
    struct ywriter w;
    ywriter_begin(&w, out);
    ywriter_map_begin(&w);
    pair_number(&w, "number", r->number);
    ywriter_pair_plain(&w, "state", r->state);
    if (r->round > 1)
        pair_number(&w, "round", r->round);
    static const char *const date_keys[] = {"submitted", "accepted", "decided", "published",
                                            "withdrawn"};
    const char *dates[] = {r->submitted, r->accepted, r->decided, r->published, r->withdrawn};
    for (size_t i = 0; i < 5; i++)
        if (dates[i])
            ywriter_pair_plain(&w, date_keys[i], dates[i]);
    if (r->issue)
        pair_number(&w, "issue", r->issue);
    if (r->doi)
        ywriter_pair(&w, "doi", r->doi);
    if (r->status_link)
        ywriter_pair_plain(&w, "status_link", r->status_link);
    if (r->status_link_revoked)
        ywriter_pair_plain(&w, "status_link_revoked", r->status_link_revoked);
    if (r->nassignments) {
        ywriter_plain(&w, "assignments");
        ywriter_seq_begin(&w, false);
        for (size_t i = 0; i < r->nassignments; i++) {
            const struct record_assignment *a = &r->assignments[i];
            ywriter_map_begin(&w);
            ywriter_pair(&w, "reviewer", a->reviewer);
            pair_number(&w, "round", a->round);
            if (a->invited)
                ywriter_pair_plain(&w, "invited", a->invited);
            if (a->due)
                ywriter_pair_plain(&w, "due", a->due);
            if (a->override)
                ywriter_pair(&w, "override", a->override);
            if (a->state)
                ywriter_pair_plain(&w, "state", a->state);
            if (a->answered)
                ywriter_pair_plain(&w, "answered", a->answered);
            if (a->reason)
                ywriter_pair(&w, "reason", a->reason);
            if (a->suggested)
                ywriter_pair(&w, "suggested", a->suggested);
            if (a->link)
                ywriter_pair_plain(&w, "link", a->link);
            if (a->link_revoked)
                ywriter_pair_plain(&w, "link_revoked", a->link_revoked);
            ywriter_map_end(&w);
        }
        ywriter_seq_end(&w);
    }
    if (r->nversions) {
        ywriter_plain(&w, "versions");
        ywriter_seq_begin(&w, false);
        for (size_t i = 0; i < r->nversions; i++) {
            ywriter_map_begin(&w);
            pair_number(&w, "round", r->versions[i].round);
            ywriter_pair_plain(&w, "blob", r->versions[i].blob);
            if (r->versions[i].date)
                ywriter_pair_plain(&w, "date", r->versions[i].date);
            ywriter_map_end(&w);
        }
        ywriter_seq_end(&w);
    }
    if (r->nhistory) {
        ywriter_plain(&w, "history");
        ywriter_seq_begin(&w, false);
        for (size_t i = 0; i < r->nhistory; i++) {
            const struct record_event *e = &r->history[i];
            ywriter_map_begin(&w);
            ywriter_pair_plain(&w, "at", e->at);
            ywriter_pair(&w, "action", e->action);
            if (e->by)
                ywriter_pair(&w, "by", e->by);
            pair_number(&w, "round", e->round);
            if (e->detail)
                ywriter_pair(&w, "detail", e->detail);
            ywriter_map_end(&w);
        }
        ywriter_seq_end(&w);
    }
    if (r->nprivate) {
        ywriter_plain(&w, "private");
        ywriter_seq_begin(&w, false);
        for (size_t i = 0; i < r->nprivate; i++)
            ywriter_scalar(&w, r->private_files[i]);
        ywriter_seq_end(&w);
    }
    ywriter_map_end(&w);
    ywriter_end(&w);
}

void record_free(struct submission_record *r)
{
    free(r->state);
    free(r->submitted);
    free(r->accepted);
    free(r->decided);
    free(r->published);
    free(r->withdrawn);
    free(r->doi);
    free(r->status_link);
    free(r->status_link_revoked);
    for (size_t i = 0; i < r->nassignments; i++) {
        free(r->assignments[i].reviewer);
        free(r->assignments[i].invited);
        free(r->assignments[i].due);
        free(r->assignments[i].override);
        free(r->assignments[i].state);
        free(r->assignments[i].answered);
        free(r->assignments[i].reason);
        free(r->assignments[i].suggested);
        free(r->assignments[i].link);
        free(r->assignments[i].link_revoked);
    }
    free(r->assignments);
    for (size_t i = 0; i < r->nversions; i++) {
        free(r->versions[i].blob);
        free(r->versions[i].date);
    }
    free(r->versions);
    for (size_t i = 0; i < r->nhistory; i++) {
        free(r->history[i].at);
        free(r->history[i].action);
        free(r->history[i].by);
        free(r->history[i].detail);
    }
    free(r->history);
    for (size_t i = 0; i < r->nprivate; i++)
        free(r->private_files[i]);
    free(r->private_files);
    memset(r, 0, sizeof(*r));
}
