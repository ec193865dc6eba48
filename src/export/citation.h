#ifndef JOURNAL_EXPORT_CITATION_H
#define JOURNAL_EXPORT_CITATION_H

#include "model/manuscript.h"
#include "util/strbuf.h"

/*
 * "How to cite": references for a published article in the formats readers and
 * indexers want. The export layer sits beside site/ and reads only model/ and
 * util/; later formats (Crossref deposit, RIS, feeds) take the same source.
 *
 * All strings are UTF-8; NULL or "" means absent. Numbers are absent when 0.
 */
struct citation_source {
    const struct manuscript *m; /* title, subtitle, lang, authors, keywords */
    const char *journal;        /* the journal's full title (required) */
    const char *issn;
    const char *publisher;
    unsigned long volume;
    const char *number;     /* the issue's: "2", or "S1" for a special issue (issue_number_text) */
    unsigned long year;     /* 0: the year of published, else "n.d." */
    const char *pages;      /* "1-14", "1--14", "1–14" or "e7" */
    const char *doi;        /* "10.99999/jcsrp.2025.1.1.3" (a doi.org URL or "doi:" is stripped) */
    const char *url;        /* the article page; linked only if http(s) */
    const char *published;  /* YYYY-MM-DD */
    unsigned long article;  /* the submission number */
    const char *key_prefix; /* the journal's abbreviation, e.g. "JCSRP" */
    const char *abbreviation; /* the journal's short title for RIS and CSL-JSON, or NULL */
    /* Authors by their Latin form (name_latin) where they have one: the English site's
       reference and the downloads (BibTeX, RIS, CSL-JSON), which serve international readers;
       false for the Russian site's reference, which names them as written. */
    bool latin_names;
};

/* An author's name split for citation; both strings owned, given may be NULL. */
struct citation_name {
    char *given;
    char *family;
};

/*
 * Split an author into given and family names. An organisation (a group author)
 * is all family, never split. The front matter's given/family win when family is set; otherwise the
 * name is split: "Family, Given" at the first comma, else the last word is the family name together
 * with the lowercase particles before it ("Ludwig van Beethoven": "Ludwig" + "van Beethoven"). A
 * one-word name is all family. Free with citation_name_release.
 */
int citation_name_split(const struct author *a, struct citation_name *out);
void citation_name_release(struct citation_name *name);

/*
 * APA 7 initials of given names, one per word and hyphenated part, whole code
 * points: "Jean-Paul" -> "J.-P.", "Mary Ann" -> "M. A.", "Иван Петрович" -> "И. П."; a
 * lowercase part after a hyphen of a capitalised word stays lowercase ("Min-jun" -> "M.-j.").
 */
void citation_initials(struct strbuf *out, const char *given);

/*
 * The APA 7 author list ("Family, A. B., Family, C., & Family, D."; from 21
 * authors the first 19, an ellipsis and the last), without the closing full
 * stop; html escapes it. Shared with the reference list (export/references.c).
 */
int citation_apa_authors(const struct author *authors, size_t n, bool html, struct strbuf *out);

/*
 * The APA 7 reference of a journal article:
 *
 *   Family, A. B., Family, C., & Family, D. (2025). Title: Subtitle. Journal, 1(2), 1–14.
 *   https://doi.org/10.99999/x
 *
 * (on one line). citation_apa_html escapes the text and sets the journal title
 * and volume in <i> (APA's italics are typographic, not emphasis or a <cite>
 * of the whole reference) and links the DOI or URL with <a href>; citation_apa_text
 * has no markup. Both append to out; on failure (JOURNAL_EINPUT for a missing
 * title or journal, an unnamed author or invalid UTF-8) out is unchanged.
 */
int citation_apa_html(const struct citation_source *src, struct strbuf *out);
int citation_apa_text(const struct citation_source *src, struct strbuf *out);

/*
 * The BibTeX key, ASCII, stable and unique within the journal:
 *
 *   <family><year><prefix><article>     e.g. "sadykova2025jcsrp7"
 *
 * family is the first author's family name (particles included: "vanbeethoven")
 * transliterated to lowercase ASCII letters and digits: Cyrillic (Russian,
 * Ukrainian, Kazakh letters) by a fixed table ("Сидоров" -> "sidorov", "Щукин"
 * -> "shchukin"), Latin letters with diacritics by their base letter ("Müller"
 * -> "muller", "Łukasz" -> "lukasz", "ß" -> "ss"), everything else dropped;
 * "anon" when nothing is left or there is no author. year is left out when
 * unknown, prefix is lowercased to letters and digits, article is the
 * submission number (left out when 0). The prefix and article number alone make
 * the key unique within a journal; the name and year make it readable.
 */
int citation_bibtex_key(const struct citation_source *src, struct strbuf *out);

/*
 * A BibTeX @article entry (readable by BibTeX and biber/biblatex), without a
 * publisher (biblatex's @article has no such field). Values keep
 * UTF-8 as is and escape \ { } % & $ # _ ~ ^ for LaTeX; the title is
 * double-braced to keep its case. doi and url are verbatim fields in biblatex
 * and hyperref, so they are not LaTeX-escaped; their { } \ are percent-encoded
 * instead. language is "english" for en, "russian" for ru, else the code.
 * Ends with a newline. Appends to out; on failure out is unchanged.
 */
int citation_bibtex(const struct citation_source *src, struct strbuf *out);

/*
 * A RIS record (TY  - JOUR ... ER  - ), as reference managers import it: one
 * tag per line with CRLF line ends, UTF-8, authors as "Family, Given" in
 * order, TI the title with its subtitle, T2 the journal, J2 its abbreviation,
 * PY the year, DA the date as YYYY/MM/DD, VL, IS, SP/EP from the pages, DO
 * (bare), UR, SN, PB, LA, one KW per keyword and AB the abstract, each value
 * on one line. Appends to out; on failure out is unchanged.
 */
int citation_ris(const struct citation_source *src, struct strbuf *out);

/*
 * CSL-JSON as citeproc reads it: an array of one item of type
 * "article-journal" (id the BibTeX key; author as {family, given}; issued as
 * date-parts; container-title, container-title-short, volume, issue, page,
 * DOI, URL, ISSN, publisher, language, keyword, abstract). Pretty-printed,
 * ends with a newline. Appends to out; on failure out is unchanged.
 */
int citation_csl_json(const struct citation_source *src, struct strbuf *out);

/* The first and last page of a range ("1-14", "1–14": "1" and "14"; "e7": "e7" and
 * nothing); *first and *last are owned (NULL when absent). */
void citation_page_range(const char *pages, char **first, char **last);
/*
 * A page range as readers see it, on the site and in a citation: "1-14",
 * "1--14" and "1–14" are all "1–14" (an en dash), "e7" stays "e7". NULL for no
 * pages; owned. Machine formats use citation_page_range (first and last apart)
 * or their own dash (BibTeX "--").
 */
char *citation_pages_text(const char *pages);

/*
 * The licence's deed URL for a Creative Commons licence named as journal.yaml
 * names it ("CC BY 4.0", "CC-BY-NC-SA-4.0", "CC0 1.0"), else the licence itself
 * if it is an http(s) URL, else NULL. The result is owned by the caller.
 */
char *citation_license_url(const char *license);

#endif
