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

struct packet {
    struct strbuf text; /* the Markdown packet */
    bool blinded;
    struct packet_warning *warnings;
    size_t nwarnings;
    size_t removed_sections;
};

int packet_make(struct journal_repo *repo, unsigned long number, const char *reviewer,
                struct packet *out);
void packet_free(struct packet *p);

#endif
