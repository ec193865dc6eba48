#ifndef JOURNAL_MODEL_RECORD_H
#define JOURNAL_MODEL_RECORD_H

#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * A reviewer invited for one round of one submission, and the reviewer's answer.
 * state is what the file says: invited, accepted, declined, withdrawn or expired, or
 * NULL in files written before invitations had states. What an assignment *is* at a
 * given day (an unanswered invitation expires; an old one with a review was accepted)
 * is assignment_state's rule, the only place that decides it.
 */
struct record_assignment {
    char *reviewer; /* roster id */
    unsigned long round;
    char *invited; /* dates YYYY-MM-DD */
    char *due;
    char *override;  /* why a conflict rule was overridden, or NULL */
    char *state;     /* as written, or NULL */
    char *answered;  /* date of the acceptance, decline or withdrawal, or NULL */
    char *reason;    /* why declined or withdrawn, or NULL */
    char *suggested; /* a colleague the reviewer suggests on declining (free text), or NULL */
    /* The reviewer's front-desk link: "sha256:" and the hex SHA-256 of its 256-bit token
     * (the token itself is only ever in the invitation mail), or NULL: no link, or revoked. */
    char *link;
    char *link_revoked; /* date the link was revoked, or NULL */
};

enum assignment_state {
    ASSIGNMENT_INVITED,
    ASSIGNMENT_ACCEPTED,
    ASSIGNMENT_DECLINED,
    ASSIGNMENT_WITHDRAWN,
    ASSIGNMENT_EXPIRED,
};
/* "invited", "accepted", "declined", "withdrawn", "expired", indexed by the enum; NULL-ended. */
extern const char *const assignment_states[];
bool assignment_state_parse(const char *name, enum assignment_state *out);

/*
 * Where an assignment stands on `today`, from what its file says (stored: the state field
 * or NULL; invited: the invitation's date or NULL) and whether the reviewer's review for
 * its round exists. The rule, used by every command and by the index's SQL function of
 * the same name (store/index.c):
 *   - declined, withdrawn, accepted and expired, when written, are what they say;
 *   - a review recorded means accepted (files written before states had none);
 *   - otherwise the invitation is unanswered: expired once more than invitation_days
 *     have passed since it was sent (today > invited + invitation_days), invited until then.
 * Expiry is derived, never written, so git stays the only truth and nothing has to run on
 * the day an invitation lapses.
 */
enum assignment_state assignment_state(const char *stored, const char *invited, bool reviewed,
                                       const char *today, unsigned long invitation_days);

/* The manuscript as it stood in a round: its git blob, so every version can be read back. */
struct record_version {
    unsigned long round;
    char *blob; /* 40-hex git blob id of manuscript.md */
    char *date;
};

/* One line of the submission's timeline: who did what, when. */
struct record_event {
    char *at;     /* UTC timestamp YYYY-MM-DDTHH:MM:SSZ */
    char *action; /* submitted, assigned, reviewed, decided, revised, ... */
    char *by;     /* the person who ran the command (git identity) */
    unsigned long round;
    char *detail; /* or NULL; may name a reviewer: editors' eyes only */
};

/*
 * submissions/<n>/submission.yaml: where a submission stands. The manuscript
 * beside it is the author's text, byte for byte; this file is the office's.
 * Every string is owned by the record and freed by record_free.
 */
struct submission_record {
    unsigned long number;
    char *state;
    unsigned long round; /* review round, from 1 */
    char *submitted;     /* ISO dates, or NULL */
    char *accepted;
    char *decided; /* date of the last decision */
    char *published;
    char *withdrawn;     /* the day a submission was withdrawn: set with state withdrawn only */
    unsigned long issue; /* 0 = none */
    char *doi;
    struct record_assignment *assignments;
    size_t nassignments, assignments_alloc;
    struct record_version *versions;
    size_t nversions, versions_alloc;
    struct record_event *history;
    size_t nhistory, history_alloc;
    /* Attachments kept from reviewers (paths under files/, as `journal show` lists them):
     * the review packet carries every other one. */
    char **private_files;
    size_t nprivate;
    /* The corresponding author's status link on the front desk (/status/<n>/<token>): "sha256:"
     * and the hex SHA-256 of its token (the token is only ever in the author's mail), or NULL:
     * none made (no desk_url, mail off, submitted before links existed), or revoked. */
    char *status_link;
    char *status_link_revoked; /* date the author's link was revoked, or NULL */
};

extern const char *const submission_states[];
bool submission_state_is_known(const char *state);

int record_parse(struct submission_record *r, const char *file, const char *text, size_t len);
void record_write(const struct submission_record *r, struct strbuf *out);
void record_free(struct submission_record *r);

void record_set(char **field, const char *value);
void record_add_assignment(struct submission_record *r, const char *reviewer, const char *invited,
                           const char *due, const char *override);
void record_add_version(struct submission_record *r, const char *blob, const char *date);
void record_add_event(struct submission_record *r, const char *action, const char *by,
                      const char *detail);
/* The assignment of reviewer in the given round, or NULL. */
const struct record_assignment *record_find_assignment(const struct submission_record *r,
                                                       const char *reviewer, unsigned long round);
size_t record_count_assignments(const struct submission_record *r, unsigned long round);
/*
 * The author's own document a Word or OpenDocument submission was converted from
 * (files/original.docx or .odt). Its properties and comments can name the authors, so it
 * is private whatever the record says: reviewers get the converted text only.
 */
bool record_file_is_original(const char *path);
/* Whether the attachment at path (under files/) is marked private, or is the original. */
bool record_is_private(const struct submission_record *r, const char *path);
/* The round in which reviewer declined to review this submission (the latest), or 0. */
unsigned long record_declined_round(const struct submission_record *r, const char *reviewer);
const struct record_version *record_find_version(const struct submission_record *r,
                                                 unsigned long round);

/* "2025-06-30": a real calendar date. */
bool date_is_valid(const char *s);
/* "30 June 2025" for "2025-06-30"; a copy of s when it is not a date. */
char *date_display(const char *iso);
/* Today's date in UTC as YYYY-MM-DD (JOURNAL_TODAY overrides it, for reproducible tests). */
void date_today(char out[11]);
/* Now as YYYY-MM-DDTHH:MM:SSZ (with JOURNAL_TODAY: that day at 12:00:00Z). */
void date_now(char out[21]);
/* date plus days, both YYYY-MM-DD. */
void date_add_days(const char *date, int days, char out[11]);
/* Days from a to b (b - a). */
long date_diff_days(const char *a, const char *b);

#endif
