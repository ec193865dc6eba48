#ifndef JOURNAL_WORKFLOW_REVIEW_DRAFT_H
#define JOURNAL_WORKFLOW_REVIEW_DRAFT_H

#include "store/repo.h"
#include "util/strbuf.h"

#include <stdbool.h>

/*
 * A review being written on the front desk, kept on the server until it is sent: what the
 * reviewer typed (and the file uploaded) the last time the form came back, by "Save draft"
 * or by a submission that was refused. Nothing of it is in git: a draft lives in
 * <journal>/.journal/desk/drafts/<number>-<reviewer>.json, its file beside it as
 * <number>-<reviewer>.upload, each written atomically (the upload first, then the JSON that
 * names it with its size), so a server killed at any moment leaves the previous draft or the
 * new one. Recording the review deletes the draft.
 */
struct review_draft {
    unsigned long number, round;
    char *reviewer;
    char *verdict, *comments, *confidential; /* as typed, or NULL */
    bool sign;
    char *file_name;    /* the uploaded file's name, or NULL */
    struct strbuf file; /* its bytes */
    char *saved;        /* when: YYYY-MM-DDTHH:MM:SSZ */
};

/* The draft's JSON path for number and reviewer (caller frees). */
char *review_draft_path(const struct journal_repo *repo, unsigned long number,
                        const char *reviewer);
/*
 * Save draft (its saved time set now). A draft->file_name with an empty file keeps the file
 * of the draft saved before, if it has that name. JOURNAL_EINPUT for a reviewer id that
 * cannot name a file.
 */
int review_draft_save(struct journal_repo *repo, struct review_draft *draft);
/* Load the draft of number and reviewer into out: 0, 1 when there is none, < 0 when it cannot
   be read (JOURNAL_EINPUT: not a draft, with why). */
int review_draft_load(const struct journal_repo *repo, unsigned long number, const char *reviewer,
                      struct review_draft *out);
/* Parse the draft at path (a JSON file of the drafts folder). */
int review_draft_read(const char *path, struct review_draft *out);
/* Delete the draft and its file; none is fine. */
int review_draft_delete(const struct journal_repo *repo, unsigned long number,
                        const char *reviewer);
/* The drafts folder (caller frees). */
char *review_draft_dir(const struct journal_repo *repo);
void review_draft_free(struct review_draft *d);

#endif
