#ifndef JOURNAL_DESK_SUBMIT_H
#define JOURNAL_DESK_SUBMIT_H

#include "desk/page.h"

/*
 * The author's pages: /submit (?lang=ru for Russian, as every desk page) is the whole
 * manuscript as a form; what is typed becomes the manuscript's front matter and is checked
 * by submission_submit itself (dry run), each problem shown next to its field. Uploaded
 * files are kept under .journal/desk/forms/<form id>/ between attempts, the form id (256
 * random bits) carried in the form. A valid submission waits outside git
 * (workflow/waiting.h) and its corresponding author gets a confirmation link,
 * /confirm/<id>/<token>: GET shows a button, POST (with its CSRF token) commits the
 * submission as `journal submit` does, once.
 *
 * Handles path when it is /submit or under /confirm/ and returns true; false leaves it to
 * other pages. Waiting submissions and kept forms past desk_confirm_hours are deleted first:
 * on every request to these pages, and at most once a minute on any other request.
 */
bool desk_submit_handle(struct desk *d, struct journal_repo *repo, const char *method,
                        const char *path, const char *lang, const struct request *req,
                        struct reply *r);

#endif
