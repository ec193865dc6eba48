#ifndef JOURNAL_WORKFLOW_WAITING_H
#define JOURNAL_WORKFLOW_WAITING_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Submissions made on the front desk that wait for their corresponding author's
 * confirmation by email, outside git: <journal>/.journal/desk/waiting/<id>/, one folder each,
 * made under a temporary name (.new-<id>) and renamed into place, so that a folder under its
 * id is always whole. A folder holds
 *
 *     entry.json         created (Unix time), the link token's hash, lang, contact, title,
 *                        the manuscript's and metadata's names, the attachments' names
 *     manuscript/NAME    the manuscript as `journal submit` takes it (Markdown with front
 *                        matter, or the .docx/.odt)
 *     meta.yaml          a document's front matter (--metadata)
 *     files/NAME...      the attachments
 *     confirmed.json     {"number": N} once the submission is committed; the rest but
 *                        entry.json is then removed
 *
 * Confirming commits through submission_submit with the id as "Desk: ID" in the commit
 * message, under a lock on the folder: a second confirmation, or one after a crash between
 * the commit and confirmed.json, finds the first (submission_find_desk) instead of making a
 * second submission. Entries older than desk_confirm_hours are deleted, confirmed or not.
 */
#define WAITING_ID_LEN 32

struct waiting {
    char id[WAITING_ID_LEN + 1];
    long long created;
    char *token_hash; /* "sha256:..." of the confirmation link's token */
    char *lang;       /* the manuscript's (the mail's and pages' language) */
    char *name;       /* the corresponding author */
    char *email;
    char *title;
    char *manuscript; /* file name under manuscript/ */
    char *metadata;   /* "meta.yaml" for a document, else NULL */
    char **files;     /* names under files/ */
    size_t nfiles;
    char *note;              /* submit_request's note: the call, the declarations; or NULL */
    unsigned long confirmed; /* the submission's number once committed, else 0 */
};

/* <journal>/.journal/desk/waiting (caller frees). */
char *waiting_root(struct journal_repo *repo);
/* Whether id is an entry's form: 32 lowercase hex digits. */
bool waiting_id_valid(const char *id);

/*
 * Make entry w (its id is set here) from what src holds: src/manuscript/<w->manuscript>,
 * src/meta.yaml when w->metadata, src/files/<each of w->files>. Copies, then renames the
 * whole folder into place.
 */
int waiting_create(struct journal_repo *repo, struct waiting *w, const char *src);
/* Read entry id: JOURNAL_EINPUT (no error recorded) when there is none or it is unreadable. */
int waiting_read(struct journal_repo *repo, const char *id, struct waiting *w);
void waiting_free(struct waiting *w);

/*
 * Confirm entry w (read by waiting_read): commit it through submission_submit, the
 * notifier acknowledging it, unless it is committed already. *number gets the submission;
 * *again is true when an earlier confirmation had made it. Serialised per entry.
 */
struct notifier;
int waiting_confirm(struct journal_repo *repo, struct waiting *w, struct notifier *notifier,
                    unsigned long *number, bool *again, char ***warnings, size_t *nwarnings);

/* Delete the entries (and the desk's kept forms, under forms_root) older than
   desk_confirm_hours at now; *removed counts them (may be NULL). */
int waiting_expire(struct journal_repo *repo, const char *forms_root, long long now,
                   size_t *removed);

/* What `journal doctor` says of one entry. */
struct waiting_problem {
    char *id; /* the folder's name under .journal/desk/waiting */
    char *message;
    const char *fix;
};
/* Unreadable entries, expired ones not deleted yet, confirmed ones not cleaned up. */
int waiting_check(struct journal_repo *repo, long long now, struct waiting_problem **out,
                  size_t *count);
void waiting_problems_free(struct waiting_problem *list, size_t count);

#endif
