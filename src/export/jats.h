#ifndef JOURNAL_EXPORT_JATS_H
#define JOURNAL_EXPORT_JATS_H

#include "export/citation.h"
#include "model/reference.h"
#include "util/strbuf.h"

struct cmark_node;
struct country_db;

/* A supplementary file: where it is from article.xml, its MIME type and its name. */
struct jats_supplement {
    const char *href;     /* "supplementary/data.csv", percent-encoded */
    const char *mimetype; /* "text/csv" */
    const char *label;    /* "data.csv" */
};

/*
 * A published article as JATS XML (Journal Publishing tag set 1.3 with MathML 3,
 * with its DOCTYPE, JATS_DOCTYPE: valid against that DTD, and against Crossref's
 * JATS-journalpublishing1-3d2-mathml3.xsd), for archives and indexers.
 *
 * cite gives the article, its issue and the journal (as for the citation
 * formats); the rest is what JATS has and a citation has not. All strings are
 * UTF-8; NULL means absent.
 */
#define JATS_DOCTYPE                                                                               \
    "<!DOCTYPE article PUBLIC \"-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 "    \
    "v1.3 20210610//EN\" \"JATS-journalpublishing1-3-mathml3.dtd\">"

struct jats_source {
    struct citation_source cite;
    const char *license;     /* "CC BY 4.0" */
    const char *license_url; /* its deed; NULL: citation_license_url(license) */
    const char *received;    /* YYYY-MM-DD */
    const char *accepted;
    const struct country_db *countries;      /* affiliation countries by name; NULL: codes */
    const struct reference_list *references; /* the ref-list; NULL: the manuscript's */
    /*
     * The manuscript's body and abstract already parsed by cmark-gfm (with the
     * footnotes, table, strikethrough and autolink extensions), for a caller
     * that renders them anyway; NULL: parsed here. They are only read. The
     * caller answers for a given body being valid UTF-8.
     */
    struct cmark_node *body;
    struct cmark_node *abstract;
    /* Published with the article: supplementary-material in article-meta. */
    const struct jats_supplement *supplements;
    size_t nsupplements;
    /*
     * The figure an image of the body shows, if it is published beside article.xml: its
     * href from there, percent-encoded ("files/media/chart.png"), which the caller
     * allocates and jats_article frees; NULL when it is not published (another site, a
     * private or missing attachment), and then the image's description stands as text.
     * NULL: no image is published.
     */
    char *(*figure_href)(const char *url, void *arg);
    void *figure_arg;
};

/*
 * Append the <article> (with its XML declaration and DOCTYPE) to out:
 *
 * - front: journal-meta (journal-id, journal-title-group, issn, publisher) and
 *   article-meta (the DOI, the type as article-categories, title-group,
 *   contrib-group with names split as for citations, ORCID iDs and xrefs to
 *   the aff elements (institution, country with its code), pub-date, volume,
 *   issue, fpage/lpage, history, permissions with ali:license_ref, self-uri,
 *   abstract, kwd-group, funding-group from the front matter's funding);
 * - body: the Markdown with headings as nested sec/title, paragraphs, lists,
 *   tables (table-wrap/table), block quotes (disp-quote), code (preformat),
 *   emphasis (italic, bold, strike), inline code (monospace), links
 *   (ext-link), footnote references (xref ref-type="fn") and an image alone in its
 *   paragraph whose figure is published (figure_href) as fig, its description the
 *   caption, with graphic;
 * - back: the footnotes (fn-group) and the references (ref-list of
 *   element-citation).
 *
 * Raw HTML in the Markdown is kept as text. On failure (JOURNAL_EINPUT for a
 * missing title or journal or invalid UTF-8) out is unchanged.
 */
int jats_article(const struct jats_source *src, struct strbuf *out);

#endif
