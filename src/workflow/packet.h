#ifndef JOURNAL_WORKFLOW_PACKET_H
#define JOURNAL_WORKFLOW_PACKET_H

#include "store/repo.h"
#include "util/strbuf.h"

/*
 * The reviewer's copy of a manuscript. Under double-blind review it carries no
 * author: names, affiliations, ORCID iDs and emails leave the front matter, and
 * sections that identify people (acknowledgements, funding, author
 * contributions) leave the body. What remains that still names an author is
 * reported as warnings, for the editor to fix with the author.
 */
struct packet_warning {
    size_t line; /* in the packet */
    char *text;
};

/*
 * The packet is complete: after the manuscript come its reference list (APA, from the
 * front matter's references), from round 2 the authors' response to reviewers
 * (responses/round-<r>.md, blinded as the body is), and the list of the attachments the
 * editor did not mark private (submission.yaml's `private:`), whose paths are in files[]
 * for the caller to copy out (packet_read_file).
 */
struct packet {
    struct strbuf text; /* the Markdown packet */
    bool blinded;
    struct packet_warning *warnings;
    size_t nwarnings;
    size_t removed_sections;
    char **files; /* attachments for the reviewer, paths under files/ */
    size_t nfiles;
    size_t nprivate; /* attachments kept back */
    bool response;   /* the authors' response is in */
};

int packet_make(struct journal_repo *repo, unsigned long number, const char *reviewer,
                struct packet *out);
void packet_free(struct packet *p);
/* The content of attachment path (one of p->files) of submission number, as HEAD has it. */
int packet_read_file(struct journal_repo *repo, unsigned long number, const char *path,
                     struct strbuf *out);

#endif
