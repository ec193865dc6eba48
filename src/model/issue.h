#ifndef JOURNAL_MODEL_ISSUE_H
#define JOURNAL_MODEL_ISSUE_H

#include "model/config.h"
#include "util/strbuf.h"

#include <yaml.h>

#include <stdbool.h>
#include <stddef.h>

/* A correction to a published issue: journals must say what changed, and when. */
struct issue_correction {
    char *date;
    char *note;
};

/*
 * The attachments of one article published with it as supplementary material:
 * paths under submissions/<n>/files/, as the editor lists them in the
 * manifest. Attachments not listed stay private.
 */
struct issue_supplementary {
    char **files;
    size_t nfiles;
};

/*
 * A special edition's guest editor: "Li Wei", or {name: Li Wei, affiliation: ...}, the
 * affiliation one text or {en: ..., ru: ...}.
 */
struct guest_editor {
    char *name;
    char *affiliation;                  /* in the journal's main language, or NULL */
    struct localised_text affiliations; /* as given */
};

/* issues/<id>.yaml: an issue's identity and its table of contents. */
struct issue_manifest {
    unsigned long id; /* from the file name: build-issue 12 writes issues/12.yaml */
    unsigned long volume;
    unsigned long number; /* within the volume, in its series */
    /* Numbered in the volume's series of special issues (number: S1 in the manifest),
       apart from the regular issues, so that a special issue takes no regular number.
       Older manifests number special editions as regular issues, and still do. */
    bool special_series;
    unsigned long year;
    char *date; /* publication date, YYYY-MM-DD */
    /* Each one text or {en: ..., ru: ...}; title and special hold the journal's main
       language's (else the first given), for the outputs that speak one language. */
    char *title;
    char *special; /* special-edition title, or NULL */
    struct localised_text titles;
    struct localised_text specials;
    struct guest_editor *guest_editors;
    size_t nguest_editors;
    unsigned long *articles; /* submission numbers in table-of-contents order */
    size_t *article_lines;   /* where each is listed, for error messages */
    char **pages;            /* "1-14" per article, or NULL */
    /* pagination: typeset in the manifest: the ranges were counted in the articles' PDF
       galleys. Otherwise (pdf: false, or a manifest older than the galleys) they are estimates,
       about 400 words a page, which Crossref and DOAJ are never sent. */
    bool pages_typeset;
    struct issue_supplementary *supplementary; /* per article */
    size_t narticles;
    struct issue_correction *corrections;
    size_t ncorrections;
};

/*
 * journal: the texts given per language must be in its languages, and its main language's
 * fills title and special; NULL (tests, tools that only read the table of contents): any
 * language code, the first text given.
 */
int issue_parse(struct issue_manifest *is, unsigned long id, const char *file, const char *text,
                size_t len, const struct journal_config *journal);
void issue_free(struct issue_manifest *is);
/* Free the articles' supplementary lists (before narticles changes). */
void issue_free_supplementary(struct issue_manifest *is);
/*
 * Read guest_editors (a list of names or {name, affiliation}) from an issue's
 * YAML, reporting problems at their lines; used by issue_parse and by import.
 */
struct ydoc;
void issue_parse_guest_editors(struct ydoc *d, yaml_node_t *list, struct issue_manifest *is,
                               const struct journal_config *journal);
void issue_add_guest_editor(struct issue_manifest *is, const char *name, const char *affiliation);
/* Set title (or special when special) in lang; NULL: the one text, or the main language's. */
void issue_set_text(struct issue_manifest *is, bool special, const char *lang, const char *text,
                    const struct journal_config *journal);
void issue_clear_guest_editors(struct issue_manifest *is);
void issue_write(const struct issue_manifest *is, struct strbuf *out);
/*
 * Whether an attachment may be published as supplementary material: a safe
 * relative path (fs_is_safe_relative) that is not a web page, SVG, XML or
 * script, which a browser would run on the journal's site. Otherwise false, with
 * why in *why.
 */
bool issue_supplementary_allowed(const char *path, const char **why);
/* Add path to article k's supplementary material (once). */
void issue_add_supplementary(struct issue_manifest *is, size_t k, const char *path);
/* "Vol. 1, No. 2 (2025)"; "Vol. 1, Special Issue 1 (2025)" in the special series */
char *issue_label(const struct issue_manifest *is);
/* The issue's number as outputs print it: "2", or "S1" in the special series; in buf. */
#define ISSUE_NUMBER_SIZE 24
const char *issue_number_text(const struct issue_manifest *is, char buf[ISSUE_NUMBER_SIZE]);
/*
 * Read an issue number as the manifest and `build-issue --number` write it: a
 * positive whole number ("2"), or S and one ("S1", "s1") for the special series.
 * False if text is neither.
 */
bool issue_number_parse(const char *text, unsigned long *number, bool *special_series);

#endif
