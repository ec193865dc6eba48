#ifndef JOURNAL_WORKFLOW_EDITORIAL_H
#define JOURNAL_WORKFLOW_EDITORIAL_H

#include "model/manuscript.h"
#include "model/record.h"
#include "store/repo.h"

struct country_db;
struct language_db;
struct roster;

/*
 * One editorial action on one submission, from start to commit. Opening takes
 * the repository lock and reads the submission as HEAD has it, so the action
 * sees the latest state and nobody else can change it until the commit.
 */
struct editorial {
    struct journal_repo *repo;
    unsigned long number;
    struct submission_record record;
    struct manuscript manuscript;
    struct strbuf manuscript_text;
    struct country_db *countries;
    struct language_db *languages;
    char *actor; /* who runs the command, for the timeline */
};

int editorial_open(struct editorial *e, struct journal_repo *repo, unsigned long number);
void editorial_close(struct editorial *e);

/*
 * Refuse an action the submission's state does not allow, saying what the
 * state is and what can happen now: "submission 12 is revision-requested:
 * 'review' needs under-review; what can happen now: revise".
 */
int editorial_require(const struct editorial *e, const char *action);
/* The actions possible in a state, for messages ("assign, decide reject"). */
const char *editorial_allowed(const char *state);

/* Commit the updated record together with extra files, as one commit. */
int editorial_commit(struct editorial *e, const struct repo_change *extra, size_t nextra,
                     const char *message, git_oid *commit);

/* Read and validate reviewers.yaml from HEAD. */
int editorial_load_roster(struct journal_repo *repo, const struct country_db *countries,
                          const struct language_db *languages, struct roster *roster);

/* "21d", "3w" or a date (YYYY-MM-DD) after today; NULL: the journal's review_due_days. */
int editorial_due_date(const struct journal_repo *repo, const char *spec, char out[11]);

/*
 * A text a person wrote for the office (comments, a letter, a response): UTF-8,
 * not empty, within max_manuscript_size. option names it in messages.
 */
int workflow_read_text(const struct journal_repo *repo, const char *option, const char *path,
                       struct strbuf *out);

/*
 * After an action's commit: release its held mail when the commit succeeded,
 * discard it when not. Returns rc, or the release's failure.
 */
struct notifier;
int settle_mail(struct notifier *n, int rc, const git_oid *commit);

#endif
