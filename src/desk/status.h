#ifndef JOURNAL_DESK_STATUS_H
#define JOURNAL_DESK_STATUS_H

#include "desk/page.h"

#include <stdbool.h>

struct journal_repo;

/*
 * The corresponding author's status link, /status/<number>/<token> (mailed with the
 * acknowledgement of the submission, or by `journal token new N --author`): where the
 * submission stands, its dates, the author's view of its timeline (never a reviewer's
 * identity), the decision letters as sent, and while a revision is requested the form that
 * sends it (POST .../revise), which runs `journal revise`. False when path is not a status
 * link; otherwise r holds the page (a wrong or revoked token: the desk's plain 404).
 */
bool desk_status_handle(struct desk *d, struct journal_repo *repo, const char *method,
                        const char *path, const char *lang, const struct request *req,
                        struct reply *r);

#endif
