#ifndef JOURNAL_WORKFLOW_SUBMIT_H
#define JOURNAL_WORKFLOW_SUBMIT_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>

struct submit_request {
    const char *manuscript;   /* path to the Markdown file, or to a .docx or .odt */
    const char *metadata;     /* a document's front matter (META.yaml), or NULL */
    bool accept_changes;      /* take a document's tracked changes as accepted */
    const char *const *files; /* attachments, paths relative to the current directory */
    size_t nfiles;
    struct notifier *notifier; /* acknowledges receipt to the author, or NULL */
    /* The folder the attachments' names are relative to (the front desk's waiting
       submission), or NULL: the current directory. */
    const char *dir;
    /* The front desk's waiting submission this is (32 hex digits), or NULL: the commit
       message then carries "Desk: ID", by which a second confirmation finds the first. */
    const char *desk_id;
    /* Lines the front desk adds to the commit message before "Desk:" (the call answered, the
       author's declarations), each ending in '\n', or NULL. */
    const char *note;
    /* Check everything as for a submission, write nothing (the desk's form). */
    bool dry_run;
};

struct submit_result {
    unsigned long number;
    char commit[GIT_OID_HEXSZ + 1];
    char *title;
    /* the manuscript's warnings ("file:line:col: ..."), and a document's conversion's */
    char **warnings;
    size_t nwarnings;
};

/*
 * Validate a manuscript and its attachments and store them as the next
 * submission, in one commit. Everything is checked before anything is written:
 * rejected input leaves the repository exactly as it was.
 */
int submission_submit(struct journal_repo *repo, const struct submit_request *req,
                      struct submit_result *res);
void submit_result_free(struct submit_result *res);

/*
 * The corresponding author's status link (/status/<number>/<token> on the front desk): when
 * journal.yaml has desk_url and mail goes out (notifier enabled), a new token whose hash goes
 * into r->status_link and whose address, desk_url + "/status/<number>/<token>", is put in
 * *url for the author's mail (caller frees); otherwise (or r NULL) *url = NULL and r is
 * unchanged. The token is in the mail only.
 */
struct notifier;
struct submission_record;
int submission_new_status_link(struct journal_repo *repo, const struct notifier *notifier,
                               unsigned long number, struct submission_record *r, char **url);

/*
 * journal token new N --author: a new status link for the corresponding author, mailed to
 * them (mail/status-link.<lang>.mustache); any earlier link stops working. One commit with a
 * timeline event. Refused without desk_url or mail, or without a corresponding author.
 */
int workflow_status_link_new(struct journal_repo *repo, unsigned long number,
                             struct notifier *notifier, char commit[GIT_OID_HEXSZ + 1]);
/* journal token revoke N --author: the author's status link stops working; one commit.
   Refused when there is none. */
int workflow_status_link_revoke(struct journal_repo *repo, unsigned long number,
                                char commit[GIT_OID_HEXSZ + 1]);

/*
 * The submission the front desk's waiting submission desk_id became: the commit since
 * `since` (a Unix time, minus ten minutes for clocks) whose message carries "Desk: desk_id".
 * *number is 0 when there is none. Only the commits since then are read.
 */
int submission_find_desk(struct journal_repo *repo, const char *desk_id, long long since,
                         unsigned long *number);

/* The next free submission number in the tree at HEAD. */
int submission_next_number(struct journal_repo *repo, unsigned long *out);

#endif
