#include "site/editorial_stats.h"

#include "model/country.h"
#include "model/record.h"
#include "model/roster.h"
#include "site/i18n.h"
#include "store/db.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * At 100,000 submissions the index holds one row per submission with everything counted
 * already folded (store/index.h): one pass reads them into the small structs below, sorted
 * by year, and each scope (all years, then each year) is counted in one pass over its
 * rows, countries in an array by alpha-2 code and reviewers by a dense number.
 */

enum invitation_outcome editorial_invitation_classify(const char *state, const char *invited,
                                                      const char *received,
                                                      unsigned invitation_days, const char *today)
{
    /* One rule for what became of an invitation: the one every command uses. */
    switch (assignment_state(state, invited, received != NULL, today, invitation_days)) {
    case ASSIGNMENT_ACCEPTED:
        return INVITATION_ACCEPTED;
    case ASSIGNMENT_DECLINED:
        return INVITATION_DECLINED;
    case ASSIGNMENT_WITHDRAWN:
        return INVITATION_WITHDRAWN;
    case ASSIGNMENT_EXPIRED:
        return INVITATION_EXPIRED;
    case ASSIGNMENT_INVITED:
        break;
    }
    return INVITATION_WAITING;
}

double editorial_acceptance_rate(size_t accepted, size_t decided)
{
    return decided ? (double)accepted / (double)decided : -1.0;
}

#define NONE     LONG_MIN
#define NCODES   (26 * 26)
#define NO_PLACE UINT16_MAX

enum outcome { OPEN, ACCEPTED, REJECTED, DESK_REJECTED, WITHDRAWN };

struct invitation {
    uint32_t reviewer; /* dense, from 0 */
    uint8_t outcome;
    bool received;
    long days; /* invited to received, or NONE */
};

struct sub {
    unsigned year;
    uint8_t outcome;
    bool assigned;
    unsigned rounds;
    uint32_t lang; /* dense, from 0; UINT32_MAX: none */
    long first, acceptance, acceptance_to_publication, publication;
    size_t countries, ncountries; /* in the shared array of codes */
    size_t invitations, ninvitations;
};

struct all {
    struct sub *subs;
    size_t n, alloc;
    uint16_t *codes; /* country codes as (c0 - 'A') * 26 + (c1 - 'A') */
    size_t ncodes, codes_alloc;
    struct invitation *inv;
    size_t ninv, inv_alloc;
    char **langs;
    size_t nlangs, langs_alloc;
    char **reviewers; /* by dense number */
    size_t nreviewers, reviewers_alloc;
    struct rtable {
        uint64_t hash;
        uint32_t id; /* + 1; 0: empty */
    } * table;
    size_t cap;
    uint16_t *reviewer_place; /* by dense number: the roster country's code, or NO_PLACE */
};

static uint16_t code_of(const char *s)
{
    if (s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
        return NO_PLACE;
    return (uint16_t)((s[0] - 'A') * 26 + (s[1] - 'A'));
}

static uint64_t hash_of(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static void rtable_grow(struct all *a)
{
    size_t cap = a->cap ? a->cap * 2 : 256;
    struct rtable *t = xcalloc(cap, sizeof(*t));
    for (size_t i = 0; i < a->cap; i++)
        if (a->table[i].id) {
            size_t j = (size_t)a->table[i].hash & (cap - 1);
            while (t[j].id)
                j = (j + 1) & (cap - 1);
            t[j] = a->table[i];
        }
    free(a->table);
    a->table = t;
    a->cap = cap;
}

/* The dense number of the reviewer id s[0, n). */
static uint32_t reviewer_id(struct all *a, const char *s, size_t n)
{
    if ((a->nreviewers + 1) * 2 > a->cap)
        rtable_grow(a);
    uint64_t h = hash_of(s, n);
    size_t j = (size_t)h & (a->cap - 1);
    for (; a->table[j].id; j = (j + 1) & (a->cap - 1)) {
        const char *known = a->reviewers[a->table[j].id - 1];
        if (a->table[j].hash == h && strlen(known) == n && !memcmp(known, s, n))
            return a->table[j].id - 1;
    }
    ARRAY_GROW(a->reviewers, a->nreviewers + 1, a->reviewers_alloc);
    a->reviewers[a->nreviewers] = xstrndup(s, n);
    a->table[j] = (struct rtable){h, (uint32_t)++a->nreviewers};
    return (uint32_t)(a->nreviewers - 1);
}

static uint32_t lang_id(struct all *a, const char *lang)
{
    if (!lang)
        return UINT32_MAX;
    for (size_t i = 0; i < a->nlangs; i++)
        if (!strcmp(a->langs[i], lang))
            return (uint32_t)i;
    ARRAY_GROW(a->langs, a->nlangs + 1, a->langs_alloc);
    a->langs[a->nlangs] = xstrdup(lang);
    return (uint32_t)a->nlangs++;
}

static void all_free(struct all *a)
{
    for (size_t i = 0; i < a->nlangs; i++)
        free(a->langs[i]);
    for (size_t i = 0; i < a->nreviewers; i++)
        free(a->reviewers[i]);
    free(a->langs);
    free(a->reviewers);
    free(a->table);
    free(a->subs);
    free(a->codes);
    free(a->inv);
    free(a->reviewer_place);
}

/*
 * The day number of a date YYYY-MM-DD (days since 1970-01-01), NONE when s is missing or not
 * a real date. Written out rather than date_is_valid and date_diff_days: their atoi and atol
 * took 20% of perf's samples of `stats --editorial` at 100,000 submissions, each date read
 * twice or three times; this reads each digit once. test_stats_editorial.sh holds the days.
 */
static long day_number(const char *s)
{
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s)
        return NONE;
    int v[8], k = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return NONE;
            continue;
        }
        if (s[i] < '0' || s[i] > '9')
            return NONE;
        v[k++] = s[i] - '0';
    }
    if (s[10])
        return NONE;
    long y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], m = v[4] * 10 + v[5],
         d = v[6] * 10 + v[7];
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > days[m - 1] || (m == 2 && d == 29 && !leap))
        return NONE;
    /* days_from_civil (Howard Hinnant), as model/record.c counts days. */
    y -= m <= 2;
    long era = y / 400, yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Days from a to b (day numbers); NONE when either is. */
static long days_between(long a, long b)
{
    return a == NONE || b == NONE ? NONE : b - a;
}

static const char *column(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* One line of the invitations text (index.h): reviewer, round, invited, state, answered,
   received, each "-" when missing. */
static void read_invitation(struct all *a, const char *line, size_t len, unsigned invitation_days,
                            const char *today)
{
    const char *field[6];
    size_t flen[6], k = 0;
    for (const char *p = line, *end = line + len; k < 6 && p <= end; k++) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab ? tab : end;
        field[k] = p;
        flen[k] = (size_t)(stop - p);
        p = stop + 1;
    }
    if (k < 6)
        return;
    char text[6][48];
    const char *value[6];
    for (size_t i = 0; i < 6; i++) {
        size_t n = flen[i] < sizeof(text[i]) ? flen[i] : sizeof(text[i]) - 1;
        memcpy(text[i], field[i], n);
        text[i][n] = '\0';
        value[i] = n == 1 && text[i][0] == '-' ? NULL : text[i];
    }
    ARRAY_GROW(a->inv, a->ninv + 1, a->inv_alloc);
    struct invitation *v = &a->inv[a->ninv++];
    v->reviewer = reviewer_id(a, field[0], flen[0]);
    v->received = value[5] != NULL;
    v->days = days_between(day_number(value[2]), day_number(value[5]));
    /* A review with no assignment was never an invitation. */
    v->outcome = value[2] ? (uint8_t)editorial_invitation_classify(value[3], value[2], value[5],
                                                                   invitation_days, today)
                          : (uint8_t)INVITATION_KINDS;
}

static int read_rows(struct journal_index *ix, unsigned invitation_days, const char *today,
                     unsigned only_year, struct all *a)
{
    sqlite3_stmt *st;
    int rc =
        db_prepare(index_db(ix), "index", &st, "SELECT " INDEX_EDITORIAL_COLUMNS " FROM editorial");
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *received = column(st, 0), *state = column(st, 1), *lang = column(st, 2),
                   *first = column(st, 3), *accepted = column(st, 4), *published = column(st, 5),
                   *countries = column(st, 8), *invitations = column(st, 9);
        long got = day_number(received);
        unsigned year = got != NONE ? (unsigned)atoi(received) : 0;
        if (only_year && year != only_year)
            continue;
        state = state ? state : "";
        struct sub s = {0};
        s.year = year;
        s.rounds = (unsigned)sqlite3_column_int64(st, 6);
        s.assigned = sqlite3_column_int64(st, 7) > 0;
        /* First: a submission withdrawn after its acceptance keeps its accepted: date. */
        if (!strcmp(state, "withdrawn"))
            s.outcome = WITHDRAWN;
        else if (accepted || !strcmp(state, "accepted") || !strcmp(state, "scheduled") ||
                 !strcmp(state, "published"))
            s.outcome = ACCEPTED;
        else if (!strcmp(state, "desk-rejected") || (!strcmp(state, "rejected") && !s.assigned))
            s.outcome = DESK_REJECTED;
        else if (!strcmp(state, "rejected"))
            s.outcome = REJECTED;
        else
            s.outcome = OPEN;
        s.lang = lang_id(a, lang);
        long accepted_on = day_number(accepted), published_on = day_number(published);
        s.first = days_between(got, day_number(first));
        s.acceptance = s.outcome == ACCEPTED ? days_between(got, accepted_on) : NONE;
        s.acceptance_to_publication = days_between(accepted_on, published_on);
        s.publication = days_between(got, published_on);
        s.countries = a->ncodes;
        for (const char *p = countries; p && p[0] && p[1]; p += p[2] ? 3 : 2) {
            uint16_t c = code_of(p);
            if (c != NO_PLACE) {
                ARRAY_GROW(a->codes, a->ncodes + 1, a->codes_alloc);
                a->codes[a->ncodes++] = c;
            }
            if (!p[2])
                break;
        }
        s.ncountries = a->ncodes - s.countries;
        s.invitations = a->ninv;
        for (const char *p = invitations; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            read_invitation(a, p, len, invitation_days, today);
            p += len + (nl ? 1 : 0);
        }
        s.ninvitations = a->ninv - s.invitations;
        ARRAY_GROW(a->subs, a->n + 1, a->alloc);
        a->subs[a->n++] = s;
    }
    if (step != SQLITE_DONE)
        rc = db_fail(index_db(ix), "index", "read");
    sqlite3_finalize(st);
    return rc;
}

static int compare_long(const void *x, const void *y)
{
    long a = *(const long *)x, b = *(const long *)y;
    return a < b ? -1 : a > b;
}

/* Nearest rank: the index of rank ceil(p / 100 * n) among n values sorted. */
static size_t nearest_rank(size_t n, unsigned p)
{
    size_t rank = (p * n + 99) / 100;
    return rank ? rank - 1 : 0;
}

static void swap_long(long *a, long *b)
{
    long t = *a;
    *a = *b;
    *b = t;
}

/*
 * Puts in v[k] the value sorting v[0, n) would, smaller ones before it and larger after
 * (Hoare's selection, the middle of three as pivot): linear where sorting the 100,000 days of
 * every figure (qsort and its comparisons) took 18% of perf's samples of `stats --editorial`;
 * test_editorial_stats.c holds it equal to sorting.
 */
static void select_nth(long *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swap_long(&v[mid], &v[lo]);
        if (v[hi] < v[lo])
            swap_long(&v[hi], &v[lo]);
        if (v[hi] < v[mid])
            swap_long(&v[hi], &v[mid]);
        long pivot = v[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap_long(&v[i], &v[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

void editorial_days_of(long *values, size_t n, struct editorial_days *out)
{
    out->n = n;
    if (!n)
        return;
    size_t k90 = nearest_rank(n, 90), k50 = nearest_rank(n, 50);
    select_nth(values, n, k90);
    out->p90 = values[k90];
    /* values[0, k90] are now the k90 + 1 smallest: the median is among them. */
    select_nth(values, k90 + 1, k50);
    out->median = values[k50];
}

static int compare_rows(const void *x, const void *y)
{
    const struct editorial_row *a = x, *b = y;
    if (a->received != b->received)
        return a->received > b->received ? -1 : 1;
    return strcmp(a->code, b->code);
}

struct counts {
    size_t received, accepted, decided;
};

/* The rows of the non-empty entries of counts (n of them, codes by index). */
static struct editorial_row *rows_of(const struct counts *counts, size_t n, bool countries,
                                     char **langs, const struct country_db *db, const char *lang,
                                     struct editorial_stats *s, size_t *count)
{
    struct editorial_row *rows = NULL;
    size_t nrows = 0, alloc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!counts[i].received)
            continue;
        ARRAY_GROW(rows, nrows + 1, alloc);
        struct editorial_row *r = &rows[nrows++];
        memset(r, 0, sizeof(*r));
        if (countries) {
            r->code[0] = (char)('A' + i / 26);
            r->code[1] = (char)('A' + i % 26);
            const struct country *c = db ? country_by_code(db, r->code) : NULL;
            const char *name = c ? country_display_name(c, lang) : NULL;
            ARRAY_GROW(s->names, s->nnames + 1, s->nnames_alloc);
            s->names[s->nnames++] = xstrdup(name ? name : r->code);
            r->name = s->names[s->nnames - 1];
        } else {
            snprintf(r->code, sizeof(r->code), "%s", langs[i]);
            r->name = NULL;
        }
        r->received = counts[i].received;
        r->accepted = counts[i].accepted;
        r->decided = counts[i].decided;
    }
    if (nrows)
        qsort(rows, nrows, sizeof(*rows), compare_rows);
    *count = nrows;
    return rows;
}

/* One scope from the submissions subs[0, n). */
static void count_scope(const struct all *a, const struct sub *subs, size_t n,
                        const struct country_db *db, const char *lang, struct editorial_stats *s,
                        struct editorial_scope *out)
{
    long *values[5];
    size_t nvalues[5] = {0};
    for (int k = 0; k < 4; k++)
        values[k] = xcalloc(n + 1, sizeof(long));
    size_t ninv = 0;
    for (size_t i = 0; i < n; i++)
        ninv += subs[i].ninvitations;
    values[4] = xcalloc(ninv + 1, sizeof(long));
    struct counts *places = xcalloc(NCODES, sizeof(*places));
    struct counts *langs = xcalloc(a->nlangs + 1, sizeof(*langs));
    size_t *load = xcalloc(a->nreviewers + 1, sizeof(*load));
    for (size_t i = 0; i < n; i++) {
        const struct sub *u = &subs[i];
        bool decided =
            u->outcome == ACCEPTED || u->outcome == REJECTED || u->outcome == DESK_REJECTED;
        out->received++;
        out->sent_to_review += u->assigned;
        switch (u->outcome) {
        case ACCEPTED:
            out->accepted++;
            out->rounds_of_accepted += u->rounds;
            break;
        case REJECTED:
            out->rejected++;
            break;
        case DESK_REJECTED:
            out->desk_rejected++;
            break;
        case WITHDRAWN:
            out->withdrawn++;
            break;
        default:
            out->open++;
            break;
        }
        out->decided += decided;
        long d[4] = {u->first, u->acceptance, u->acceptance_to_publication, u->publication};
        for (int k = 0; k < 4; k++)
            if (d[k] != NONE)
                values[k][nvalues[k]++] = d[k];
        for (size_t c = 0; c < u->ncountries; c++) {
            struct counts *p = &places[a->codes[u->countries + c]];
            p->received++;
            p->accepted += u->outcome == ACCEPTED;
            p->decided += decided;
        }
        if (u->lang != UINT32_MAX) {
            langs[u->lang].received++;
            langs[u->lang].accepted += u->outcome == ACCEPTED;
            langs[u->lang].decided += decided;
        }
        for (size_t k = 0; k < u->ninvitations; k++) {
            const struct invitation *v = &a->inv[u->invitations + k];
            if (v->outcome < INVITATION_KINDS) {
                out->invitations_sent++;
                out->invitations[v->outcome]++;
            }
            if (v->days != NONE)
                values[4][nvalues[4]++] = v->days;
            if (v->received) {
                load[v->reviewer]++;
                out->reviews_of_decided += decided;
            }
        }
    }
    struct editorial_days *days[5] = {&out->first_decision, &out->acceptance,
                                      &out->acceptance_to_publication, &out->publication,
                                      &out->review};
    for (int k = 0; k < 5; k++) {
        editorial_days_of(values[k], nvalues[k], days[k]);
        free(values[k]);
    }
    out->countries = rows_of(places, NCODES, true, NULL, db, lang, s, &out->ncountries);
    out->languages = rows_of(langs, a->nlangs, false, a->langs, db, lang, s, &out->nlanguages);
    /* Reviewers who sent a review in the scope, by their roster country. */
    memset(places, 0, NCODES * sizeof(*places));
    long *loads = xcalloc(a->nreviewers + 1, sizeof(*loads));
    for (size_t r = 0; r < a->nreviewers; r++) {
        if (!load[r])
            continue;
        loads[out->reviewers++] = (long)load[r];
        if (a->reviewer_place[r] == NO_PLACE)
            out->reviewers_no_country++;
        else
            places[a->reviewer_place[r]].received++;
    }
    if (out->reviewers) {
        qsort(loads, out->reviewers, sizeof(*loads), compare_long);
        out->load_median = loads[nearest_rank(out->reviewers, 50)];
        out->load_max = loads[out->reviewers - 1];
    }
    out->reviewer_countries =
        rows_of(places, NCODES, true, NULL, db, lang, s, &out->nreviewer_countries);
    free(loads);
    free(load);
    free(langs);
    free(places);
}

static int compare_subs(const void *x, const void *y)
{
    const struct sub *a = x, *b = y;
    return a->year < b->year ? -1 : a->year > b->year;
}
int editorial_stats_compute(struct journal_index *ix, const struct roster *roster,
                            const struct country_db *countries, const char *lang,
                            unsigned invitation_days, const char *today, unsigned year,
                            struct editorial_stats *out)
{
    memset(out, 0, sizeof(*out));
    struct all a = {0};
    int rc = read_rows(ix, invitation_days, today, year, &a);
    if (rc) {
        all_free(&a);
        return rc;
    }
    a.reviewer_place = xcalloc(a.nreviewers + 1, sizeof(*a.reviewer_place));
    for (size_t r = 0; r < a.nreviewers; r++) {
        const struct roster_reviewer *who = roster ? roster_find(roster, a.reviewers[r]) : NULL;
        a.reviewer_place[r] =
            who && !who->affiliation.international ? code_of(who->affiliation.country) : NO_PLACE;
    }
    if (a.n)
        qsort(a.subs, a.n, sizeof(*a.subs), compare_subs);
    out->total.year = year;
    count_scope(&a, a.subs, a.n, countries, lang, out, &out->total);
    if (!year) {
        size_t alloc = 0;
        for (size_t i = 0; i < a.n;) {
            size_t j = i;
            while (j < a.n && a.subs[j].year == a.subs[i].year)
                j++;
            if (a.subs[i].year) {
                ARRAY_GROW(out->years, out->nyears + 1, alloc);
                struct editorial_scope *y = &out->years[out->nyears++];
                memset(y, 0, sizeof(*y));
                y->year = a.subs[i].year;
                count_scope(&a, a.subs + i, j - i, countries, lang, out, y);
            }
            i = j;
        }
    }
    all_free(&a);
    return 0;
}

static void scope_free(struct editorial_scope *s)
{
    free(s->countries);
    free(s->languages);
    free(s->reviewer_countries);
}

void editorial_stats_free(struct editorial_stats *s)
{
    scope_free(&s->total);
    for (size_t i = 0; i < s->nyears; i++)
        scope_free(&s->years[i]);
    free(s->years);
    for (size_t i = 0; i < s->nnames; i++)
        free(s->names[i]);
    free(s->names);
    memset(s, 0, sizeof(*s));
}

/* A count, or "fewer than 5". */
static json_t *count_text(size_t n, const struct i18n *t)
{
    if (n < EDITORIAL_PAGE_MIN)
        return json_string(i18n_text(t, "stats_editorial_fewer_than_5"));
    char text[32];
    snprintf(text, sizeof(text), "%zu", n);
    return json_string(text);
}

static json_t *median_text(const struct editorial_days *d, const struct i18n *t)
{
    if (d->n < EDITORIAL_PAGE_MIN)
        return json_string(i18n_text(t, "stats_editorial_too_few"));
    char text[32];
    snprintf(text, sizeof(text), "%ld", d->median);
    return json_string(text);
}

/* A whole percentage in the language's form ("50%", "50 %"). */
static json_t *rate_text(const struct editorial_scope *s, const struct i18n *t)
{
    if (s->decided < EDITORIAL_PAGE_MIN)
        return json_string(i18n_text(t, "stats_editorial_too_few"));
    char number[32];
    snprintf(number, sizeof(number), "%.0f",
             editorial_acceptance_rate(s->accepted, s->decided) * 100);
    const char *names[] = {"n", NULL};
    const char *values[] = {number, NULL};
    char *text = i18n_format(t, "stats_editorial_percent", names, values);
    json_t *o = json_string(text);
    free(text);
    return o;
}

static json_t *row_json(const struct editorial_scope *s, const char *label, const struct i18n *t)
{
    struct strbuf names = STRBUF_INIT;
    for (size_t i = 0; i < s->nreviewer_countries; i++)
        strbuf_addf(&names, "%s%s", i ? ", " : "", s->reviewer_countries[i].name);
    json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "label", label, "received",
                          count_text(s->received, t), "acceptance_rate", rate_text(s, t),
                          "first_decision", median_text(&s->first_decision, t), "publication",
                          median_text(&s->publication, t), "reviewers", count_text(s->reviewers, t),
                          "reviewer_countries", names.len ? names.buf : "");
    strbuf_release(&names);
    return o;
}

json_t *editorial_stats_page_json(const struct editorial_stats *s, const struct i18n *t)
{
    json_t *rows = json_array();
    json_array_append_new(rows, row_json(&s->total, i18n_text(t, "stats_editorial_all"), t));
    for (size_t i = 0; i < s->nyears; i++) {
        char year[16];
        snprintf(year, sizeof(year), "%u", s->years[i].year);
        json_array_append_new(rows, row_json(&s->years[i], year, t));
    }
    json_t *countries = json_array();
    for (size_t i = 0; i < s->total.nreviewer_countries; i++) {
        const struct editorial_row *r = &s->total.reviewer_countries[i];
        json_array_append_new(countries,
                              json_pack("{s:s, s:s, s:o}", "code", r->code, "name", r->name,
                                        "reviewers", count_text(r->received, t)));
    }
    return json_pack("{s:o, s:o, s:b}", "rows", rows, "countries", countries, "has_countries",
                     s->total.nreviewer_countries > 0);
}
