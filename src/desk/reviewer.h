#ifndef JOURNAL_DESK_REVIEWER_H
#define JOURNAL_DESK_REVIEWER_H

#include "desk/page.h"

/*
 * A reviewer's personal link, /review/<submission>/<token>: the invitation with its answer
 * (accept, or decline with a reason and a suggested colleague, through workflow_answer as
 * `journal assign --accept/--decline` does), then the blinded packet and its files.
 *
 * Handles path when it is under /review/ and returns true; false leaves it to other pages.
 * A token that opens nothing (wrong, revoked, withdrawn) gets the same 404 whatever exists.
 */
bool desk_reviewer_handle(struct desk *d, struct journal_repo *repo, const char *method,
                          const char *path, const char *lang, const struct request *req,
                          struct reply *r);

#endif
