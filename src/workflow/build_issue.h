#ifndef JOURNAL_WORKFLOW_BUILD_ISSUE_H
#define JOURNAL_WORKFLOW_BUILD_ISSUE_H

#include "model/issue.h"
#include "store/repo.h"

#include <stdbool.h>

/*
 * Assemble and publish an issue from accepted submissions: issues/<id>.yaml
 * (volume, number, year, date, titles, the table of contents grouped by
 * article type, page ranges continuing through the volume, counted in the articles' PDF
 * galleys when the journal makes them), a DOI for each
 * article from journal.yaml's doi_prefix and doi_pattern, and every article
 * moved to published: one commit. Everything is checked first: an unknown,
 * unaccepted, already published or twice-named submission refuses the whole
 * issue. An issue dated in the future is scheduled instead (its articles wait
 * as scheduled and stay off the site) and can be rebuilt freely; building it
 * again once its date has come publishes it. A published issue changes only
 * with a correction note, which the manifest records. A new issue continues
 * the numbers of its volume; a special edition (special set) has its own
 * series in the volume (Special Issue 1, 2...: S1, S2 in the manifest) and
 * takes no regular number. Special editions are paginated with the regular issues: one
 * run of pages per volume, in the order the issues were built (by id). number, when given, is the
 * editor's instead and must be free in the volume. Attachments are published only when named as
 * supplementary material (each must be an attachment of a submission in the
 * issue); the manifest keeps the list.
 */
/* --title-ru T, --special-ru T: the title or the special edition's title in one language. */
struct build_issue_text {
    bool special;
    const char *lang;
    const char *text;
};

struct build_issue_request {
    unsigned long id;
    const char *title;   /* in the journal's main language (or the one text for all) */
    const char *special; /* a special edition's title: a new one is numbered S1, S2... */
    const struct build_issue_text *texts; /* the titles in other languages */
    size_t ntexts;
    const char *number; /* NULL: numbered by build-issue; "3", or "S2" in the special series */
    /* Replace the guest editors: "Name" or "Name, Affiliation" each; for special editions. */
    const char *const *guest_editors;
    size_t nguest_editors;
    /* Attachments to publish as supplementary material, each "N:PATH" (PATH under
       submissions/N/files/); added to those the manifest lists already. */
    const char *const *supplementary;
    size_t nsupplementary;
    const char *date;         /* NULL: the issue's date, or today */
    const unsigned long *add; /* NULL: every accepted submission not yet in an issue */
    size_t nadd;
    bool dry_run;
    const char *correct; /* the correction note, for a published issue */
    /*
     * Typesets the issue's articles as they will be published and sets pages[k] to the page
     * count of the galley of issue->articles[k] (records[k]: its submission.yaml as it will be
     * committed): the command passes the site's typesetting (site_count_galley_pages), which
     * this layer does not call itself. NULL (pdf: false): the ranges are estimated, about 400
     * words a page, and the manifest says so (pagination: estimated).
     */
    int (*count_pages)(struct journal_repo *repo, const struct issue_manifest *issue,
                       const struct strbuf *records, unsigned long *pages);
};

struct built_article {
    unsigned long number;
    char *title;
    char *type;
    char *authors;
    char *pages;
    char *doi;
};

struct build_issue_result {
    struct issue_manifest issue;
    struct built_article *articles;
    size_t narticles;
    bool updated;   /* the issue existed */
    bool corrected; /* ...and was published already: this build corrected it */
    bool scheduled; /* dated in the future: its articles wait as scheduled */
    char commit[GIT_OID_HEXSZ + 1];
};

int workflow_build_issue(struct journal_repo *repo, const struct build_issue_request *req,
                         struct build_issue_result *out);
void build_issue_result_free(struct build_issue_result *out);

#endif
