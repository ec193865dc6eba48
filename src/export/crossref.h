#ifndef JOURNAL_EXPORT_CROSSREF_H
#define JOURNAL_EXPORT_CROSSREF_H

/*
 * The Crossref metadata deposit of one issue (schema 5.3.1,
 * https://www.crossref.org/schemas/crossref5.3.1.xsd): the journal with its
 * ISSN, the issue with volume, number and date, and each article with titles,
 * contributors (ORCID iDs, affiliations with ROR ids), JATS abstract,
 * publication date, pages, funding (fundref: funders with their Funder Registry
 * or ROR ids, award numbers), licence as access indicators, DOI and resource
 * URL, and its citation list. Pure: everything comes in as arguments (doi_batch_id
 * and timestamp included), so the same input gives the same bytes. Written
 * with libxml2's xmlTextWriter: any title comes out well formed; characters XML
 * 1.0 forbids (C0 controls) are dropped.
 */

#include "model/config.h"
#include "model/issue.h"
#include "model/manuscript.h"
#include "model/record.h"
#include "model/reference.h"
#include "util/strbuf.h"

#include <stddef.h>

struct country_db;

#define CROSSREF_SCHEMA_VERSION "5.3.1"
#define CROSSREF_NAMESPACE      "http://www.crossref.org/schema/5.3.1"

/* One published article of the issue, in table-of-contents order. */
struct crossref_article {
    unsigned long number;              /* submission number: the page is articles/<n>/index.html */
    const struct manuscript *m;        /* title, subtitle, lang, authors, abstract */
    const struct submission_record *r; /* doi, published */
    const char *pages;                 /* "1-14" from the manifest, or NULL */
    const struct reference_list *refs; /* the citation list, or NULL */
    const char *record_file;           /* submissions/<n>/submission.yaml, for messages */
    const char *manuscript_file;       /* submissions/<n>/manuscript.md, for messages */
    /* For the affiliations' institution_place, a place name (the country's English name);
       NULL: no institution_place. */
    const struct country_db *countries;
};

/*
 * Everything a deposit needs, every problem reported (error_add_at, with the
 * file that must change): journal.yaml's doi_prefix, issn, base_url,
 * crossref_depositor_email and a licence with a known URL; the issue's date;
 * every article published, with a DOI under the prefix and a publication date,
 * and authors whose names Crossref accepts. JOURNAL_EINPUT when any.
 */
int crossref_check(const struct journal_config *c, const struct issue_manifest *is,
                   const struct crossref_article *articles, size_t n);

/*
 * The deposit XML for an issue that passed crossref_check. doi_batch_id is 4
 * to 100 characters; timestamp is digits (YYYYMMDDHHMMSS and a counter, say).
 * Appends to out; on failure out is unchanged.
 */
int crossref_write(const struct journal_config *c, const struct issue_manifest *is,
                   const struct crossref_article *articles, size_t n, const char *doi_batch_id,
                   const char *timestamp, struct strbuf *out);

/*
 * Validate a deposit against crossref5.3.1.xsd, offline: with schema_dir NULL,
 * against the schemas compiled into journal (schemas/crossref in the source
 * tree, served to libxml2 from memory); else against the copy in schema_dir (a
 * folder laid out as schemas/crossref is: catalog.xml and schemas/), where the
 * catalog maps the schemas' remote imports to the local copies. No network
 * access is made either way. JOURNAL_EINPUT with the validator's messages
 * (deposit.xml:LINE, the line in the deposit) when it is not valid, or when
 * schema_dir holds no schema; JOURNAL_EINTERNAL when the schema itself cannot
 * be loaded. Sets libxml2's
 * process-wide external entity loader for the time of the call (and restores
 * it): not to be called while another thread parses XML with external entities.
 */
int crossref_validate(const char *xml, size_t len, const char *schema_dir);

#endif
