#ifndef JOURNAL_WORKFLOW_IMPORT_H
#define JOURNAL_WORKFLOW_IMPORT_H

#include "model/issue.h"
#include "store/repo.h"

#include <stdbool.h>

/*
 * Import an issue published before the journal used this tool (the back
 * catalogue): a folder with issue.yaml (volume, number, year, date, title,
 * special, optional id, and articles: [{file, doi, pages, published}] in
 * table-of-contents order) and the articles' Markdown files. Each article
 * becomes a submission already published, without review, with its DOI and
 * original date, and the issue manifest is written: one commit. Everything is
 * checked first (the manifest, every manuscript, DOI format and uniqueness in
 * the folder and the journal, the issue id and volume/number free, file names
 * inside the folder and no symbolic links); rejected input writes nothing.
 */
struct import_request {
    const char *dir; /* the folder holding issue.yaml */
    bool dry_run;
};

struct imported_article {
    unsigned long number; /* the new submission number */
    char *file;           /* as named in issue.yaml */
    char *title;
    char *doi;
    char *pages; /* or NULL */
    char *published;
};

struct import_result {
    struct issue_manifest issue;
    struct imported_article *articles;
    size_t narticles;
    char commit[GIT_OID_HEXSZ + 1];
};

int workflow_import(struct journal_repo *repo, const struct import_request *req,
                    struct import_result *out);
void import_result_free(struct import_result *out);

#endif
