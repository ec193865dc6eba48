#ifndef JOURNAL_WORKFLOW_ENRICH_H
#define JOURNAL_WORKFLOW_ENRICH_H

#include "store/repo.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Check the identifiers in manuscripts against their registries and propose
 * corrections; nothing in the journal is changed. For each author with an
 * ORCID iD, the ORCID record's name (pub.orcid.org); for each affiliation
 * with a ROR id, the ROR record's names, country and status, and for one
 * without, the organisation ROR matches to its name (api.ror.org). Answers
 * are kept in the index (store/lookups.h), so each question is asked once.
 *
 * The services' addresses can be changed with the environment variables
 * JOURNAL_ORCID_API and JOURNAL_ROR_API (tests point them at loopback).
 */
struct enrich_options {
    const unsigned long *numbers; /* the submissions to check; none: every one */
    size_t n;
    bool refresh; /* ask again even what is cached */
};

enum enrich_kind {
    ENRICH_CONFIRMED, /* the registry agrees with the manuscript */
    ENRICH_PROPOSAL,  /* the registry says otherwise: a correction to consider */
    ENRICH_FAILED,    /* the registry could not be asked */
};

struct enrich_finding {
    enum enrich_kind kind;
    unsigned long submission;
    char *where;    /* "submissions/10/manuscript.md:14", the author's entry */
    char *subject;  /* "Aigerim Sadykova (ORCID 0000-0002-1825-0097)" */
    char *message;  /* what the registry says */
    char *proposal; /* the change to make, as front matter ("ror: https://ror.org/..."), or NULL */
};

struct enrich_report {
    struct enrich_finding *items;
    size_t n, alloc;
    size_t asked;  /* questions sent to a registry */
    size_t cached; /* questions answered from the index */
};

/* Returns an error only when the journal cannot be read; a registry that fails is a finding. */
int workflow_enrich(struct journal_repo *repo, const struct enrich_options *opt,
                    struct enrich_report *out);
void enrich_report_free(struct enrich_report *report);

#endif
