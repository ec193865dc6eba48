#ifndef JOURNAL_WORKFLOW_DEPOSIT_H
#define JOURNAL_WORKFLOW_DEPOSIT_H

#include "model/deposit.h"
#include "store/repo.h"
#include "util/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Register an issue's DOIs with Crossref: load the issue and its articles from
 * HEAD, check everything (journal.yaml's doi_prefix, issn, base_url and
 * depositor, every article published with a DOI and a publication date, the
 * credentials), write the deposit (export/crossref.h), validate it against
 * Crossref's schema (always: the copy compiled into journal unless a folder is
 * named; an invalid deposit is never sent), POST it to the deposit
 * endpoint (multipart: operation=doMDUpload, login_id, login_passwd, fname),
 * and record the attempt as deposits/<doi_batch_id>.yaml in one commit,
 * outcome submitted or failed. Each attempt has a new doi_batch_id and a
 * timestamp greater than every earlier attempt's, so a retry after a failure
 * updates the same DOIs and never duplicates them. Nothing is sent or recorded
 * when a check fails. The password is read from the environment, sent, and
 * never written anywhere.
 */
struct deposit_request {
    unsigned long issue;
    bool test;    /* Crossref's test system (crossref_test_endpoint) */
    bool dry_run; /* write the XML only: nothing sent, nothing recorded */
    /* The Crossref schema folder (catalog.xml, schemas/); NULL: JOURNAL_CROSSREF_SCHEMA_DIR,
       else journal.yaml's crossref_schema_dir (relative to the journal), else the schemas
       compiled into journal. */
    const char *schema_dir;
};

struct deposit_result {
    char batch_id[128];
    char timestamp[32];
    struct strbuf xml;
    char **dois;
    size_t ndois;
    char *schema_dir; /* the schema folder validated against, or NULL: the one built in */
    char *endpoint;   /* the URL */
    bool sent;        /* a request was made (the attempt is recorded) */
    bool submitted;   /* Crossref acknowledged receipt */
    long http_status; /* 0: no answer */
    char *answer;     /* the answer, or the transport failure, in one line */
    char commit[41];  /* the commit recording the attempt, or "" */
};

/*
 * Returns 0 when the deposit was acknowledged (or, with dry_run, written).
 * A failed attempt is recorded and then reported as JOURNAL_EINPUT with what
 * the server said (out->sent and out->commit say it was recorded).
 */
int workflow_deposit(struct journal_repo *repo, const struct deposit_request *req,
                     struct deposit_result *out);
void deposit_result_free(struct deposit_result *out);

/* Read every deposits/<batch>.yaml at HEAD (none: an empty log). */
int deposit_log_read(struct journal_repo *repo, struct deposit_log *log);

#endif
