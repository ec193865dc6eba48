#ifndef JOURNAL_SITE_EDITORIAL_STATS_H
#define JOURNAL_SITE_EDITORIAL_STATS_H

#include "store/index.h"

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>

/*
 * The journal's own numbers (`journal stats --editorial`, and "Peer review in numbers" on
 * the statistics page): how many submissions came in, what became of them and how fast,
 * from the workflow's records as the index folds them (store/index.h). Every submission
 * counts in the year its record says it was received (submitted:).
 *
 *   desk-rejected   rejected with no reviewer ever assigned (the state desk-rejected, or
 *                   rejected with no assignment in the record)
 *   sent to review  at least one reviewer assigned
 *   withdrawn       the state withdrawn (journal withdraw), whatever came before: one
 *                   withdrawn after its acceptance is withdrawn, not accepted
 *   accepted        the record has an acceptance date (accepted, scheduled, published)
 *   rejected        rejected after review
 *   open            everything else: no final decision yet
 *   acceptance rate accepted / (accepted + rejected + desk-rejected), over the
 *                   submissions with a final decision
 *
 * Durations are whole days between the record's dates. Medians and 90th percentiles are
 * nearest-rank: of n values sorted, the one at rank ceil(p / 100 * n) (the median of 4
 * values is the 2nd). Nothing here names a person or a manuscript: the figures are counts.
 */

/* What became of one invitation to review. */
enum invitation_outcome {
    INVITATION_WAITING,  /* sent, not answered yet and not expired */
    INVITATION_ACCEPTED, /* agreed (or a review arrived) */
    INVITATION_DECLINED,
    INVITATION_EXPIRED, /* not answered within invitation_days */
    INVITATION_WITHDRAWN,
    INVITATION_KINDS
};

/*
 * One invitation's outcome from what the record says of it: state (invited, accepted,
 * declined, withdrawn, expired; NULL when the record does not say), the date it was sent
 * (invited) and its review received (NULL when not), the journal's invitation_days, as of
 * today (YYYY-MM-DD): record.c's assignment_state, the rule every command uses (a state
 * written is what it says; else a review means accepted, and an invitation unanswered for
 * more than invitation_days has expired).
 */
enum invitation_outcome editorial_invitation_classify(const char *state, const char *invited,
                                                      const char *received,
                                                      unsigned invitation_days, const char *today);

/* Days: how many values, their median and 90th percentile (nearest-rank); n 0: none. */
struct editorial_days {
    size_t n;
    long median, p90;
};

/* values[0, n)'s count, median and 90th percentile (nearest-rank), values reordered. */
void editorial_days_of(long *values, size_t n, struct editorial_days *out);

/* A country's or language's submissions, or a country's reviewers. */
struct editorial_row {
    char code[16];
    const char *name; /* the country's name in the language asked for (in the stats) */
    size_t received;  /* submissions (whole counting), or reviewers */
    size_t accepted;  /* of those */
    size_t decided;   /* with a final decision */
};

struct editorial_scope {
    unsigned year; /* 0: every year */
    size_t received, desk_rejected, sent_to_review, accepted, rejected, withdrawn, open;
    size_t decided; /* accepted + rejected + desk-rejected */
    struct editorial_days first_decision, acceptance, acceptance_to_publication, publication;
    size_t invitations_sent;
    size_t invitations[INVITATION_KINDS];
    struct editorial_days review;    /* from invitation to review received */
    size_t reviews_of_decided;       /* reviews received for the decided submissions */
    size_t rounds_of_accepted;       /* review rounds of the accepted ones, summed */
    struct editorial_row *countries; /* most submissions first, then by code */
    size_t ncountries;
    struct editorial_row *languages; /* the same, by manuscript language */
    size_t nlanguages;
    struct editorial_row *reviewer_countries; /* reviewers who sent a review, by roster country */
    size_t nreviewer_countries;
    size_t reviewers;            /* distinct reviewers who sent a review */
    size_t reviewers_no_country; /* of those, not in the roster or with no country */
    long load_median, load_max;  /* reviews per reviewer who sent one */
};

struct editorial_stats {
    struct editorial_scope total;
    struct editorial_scope *years; /* oldest first */
    size_t nyears;
    char **names; /* what the rows' names point into */
    size_t nnames, nnames_alloc;
};

struct roster;
struct country_db;
/*
 * The figures of every submission in the index, overall and by year received (year not 0:
 * that year only, in total, and no years). roster (may be NULL) gives reviewers' countries;
 * country names are in lang; today is YYYY-MM-DD. The caller frees out.
 */
int editorial_stats_compute(struct journal_index *ix, const struct roster *roster,
                            const struct country_db *countries, const char *lang,
                            unsigned invitation_days, const char *today, unsigned year,
                            struct editorial_stats *out);
void editorial_stats_free(struct editorial_stats *s);

/*
 * "Peer review in numbers" on the statistics page, under stats.editorial, in t's language:
 *
 *   rows[]        {label ("All years", "2025"), received, acceptance_rate, first_decision
 *                 (median days), publication (median days from submission), reviewers,
 *                 reviewer_countries (their names, ", "-separated)}: all years, then each
 *                 year, oldest first
 *   countries[]   {code, name, reviewers}: every year's reviewers by country; has_countries
 *
 * Everything is text: a count under EDITORIAL_PAGE_MIN reads "fewer than 5" and a rate or
 * median resting on fewer submissions reads "—", so that no rejected author and no reviewer
 * can be picked out; no name, title or reviewer id is in it.
 */
#define EDITORIAL_PAGE_MIN 5
struct i18n;
json_t *editorial_stats_page_json(const struct editorial_stats *s, const struct i18n *t);

/* accepted / decided, or a negative number when nothing is decided. */
double editorial_acceptance_rate(size_t accepted, size_t decided);

#endif
