#include "model/manuscript.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/fs.h"
#include "workflow/editorial.h"
#include "workflow/review_round.h"
#include "workflow/word.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int workflow_revise(struct journal_repo *repo, const struct revision_request *req,
                    struct action_outcome *out)
{
    struct editorial e;
    struct strbuf text = STRBUF_INIT, response = STRBUF_INIT;
    struct manuscript revised = {0};
    struct word_doc doc = {0};
    struct repo_change *changes = NULL;
    char **file_paths = NULL;
    size_t nfiles = 0;
    char *ms_path = NULL, *response_path = NULL, *message = NULL;
    memset(out, 0, sizeof(*out));
    memset(&e, 0, sizeof(e));

    int rc = 0;
    if (req->response)
        rc = workflow_read_text(repo, "--response", req->response, &response);
    if (!rc)
        rc = editorial_open(&e, repo, req->number);
    if (!rc && req->actor) {
        free(e.actor);
        e.actor = xstrdup(req->actor);
    }
    if (!rc)
        rc = editorial_require(&e, "revise");
    if (!rc) {
        struct manuscript_rules rules = {e.countries, e.languages, repo->config.languages[0],
                                         &repo->config.markdown_limits, &repo->config};
        struct word_source src = {req->manuscript, req->metadata, req->accept_changes,
                                  repo->config.max_attachment_size};
        rc = word_read_manuscript(&src, &rules, repo->config.max_manuscript_size, &revised, &text,
                                  &doc);
    }
    if (rc)
        goto done;

    char today[11], blob[GIT_OID_HEXSZ + 1];
    date_today(today);
    /* Records older than versions lack the outgoing round's manuscript: keep it for diff. */
    if (!record_find_version(&e.record, e.record.round)) {
        char current[GIT_OID_HEXSZ + 1];
        repo_blob_id(e.manuscript_text.buf, e.manuscript_text.len, current);
        record_add_version(&e.record, current, e.record.decided);
    }
    repo_blob_id(text.buf, text.len, blob);
    e.record.round++;
    record_set(&e.record.state, "under-review");
    record_add_version(&e.record, blob, today);
    record_add_event(&e.record, "revised", e.actor, req->response ? "with a response" : NULL);

    nfiles = word_nfiles(&doc);
    changes = xcalloc(nfiles + 2, sizeof(*changes));
    file_paths = xcalloc(nfiles ? nfiles : 1, sizeof(char *));
    size_t n = 0;
    ms_path = xasprintf("submissions/%lu/manuscript.md", req->number);
    changes[n++] = (struct repo_change){ms_path, text.buf, text.len, false};
    for (size_t i = 0; i < nfiles; i++) {
        const struct strbuf *data;
        const char *name = word_file(&doc, i, &data);
        file_paths[i] = xasprintf("submissions/%lu/files/%s", req->number, name);
        changes[n++] = (struct repo_change){file_paths[i], data->buf, data->len, false};
    }
    if (req->response) {
        response_path =
            xasprintf("submissions/%lu/responses/round-%lu.md", req->number, e.record.round);
        changes[n++] = (struct repo_change){response_path, response.buf, response.len, false};
    }
    message =
        xasprintf("Revise #%lu: round %lu\n\n%s\n", req->number, e.record.round, revised.title);
    git_oid commit;
    rc = editorial_commit(&e, changes, n, message, &commit);
    if (!rc) {
        git_oid_tostr(out->commit, sizeof(out->commit), &commit);
        out->round = e.record.round;
        memcpy(out->date, today, sizeof(out->date));
        out->state = xstrdup(e.record.state);
        out->warnings = doc.warnings;
        out->nwarnings = doc.nwarnings;
        doc.warnings = NULL;
        doc.nwarnings = 0;
    }
done:
    for (size_t i = 0; i < nfiles; i++)
        free(file_paths[i]);
    free(file_paths);
    free(changes);
    word_doc_free(&doc);
    free(ms_path);
    free(response_path);
    free(message);
    manuscript_free(&revised);
    strbuf_release(&text);
    strbuf_release(&response);
    editorial_close(&e);
    return rc;
}
