#ifndef JOURNAL_MODEL_AFFINITY_H
#define JOURNAL_MODEL_AFFINITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Reviewer-manuscript affinity: TF-IDF cosine similarity of stemmed English and
 * Russian text. A corpus holds the documents of one run (every submission and
 * every reviewer being matched) and the statistics they share; scores lie in
 * [0, 1] and are comparable across pairs.
 *
 * Use: affinity_corpus_new, affinity_doc_add for every document, then
 * affinity_corpus_finish once; only then score, explain or index. Documents
 * belong to the corpus and are freed with it.
 */

struct affinity_corpus;
struct affinity_doc;
struct affinity_index;

struct affinity_field {
    const char *text; /* UTF-8 (invalid bytes separate words); NULL means empty */
    double weight;    /* > 0: what one occurrence counts, e.g. 2 for keywords */
    /*
     * A keyword list, separated by ',', ';', '|' or line breaks. Each entry of
     * two to four significant words also becomes a phrase term, which matches
     * the same words in that order in any field of any document.
     */
    bool keywords;
};

int affinity_corpus_new(struct affinity_corpus **out);
/* JOURNAL_EINTERNAL after affinity_corpus_finish or for a weight that is not finite and > 0. */
int affinity_doc_add(struct affinity_corpus *c, const struct affinity_field *fields, size_t nfields,
                     struct affinity_doc **out);
/* Computes IDF and the normalised vectors; no document may be added afterwards. */
void affinity_corpus_finish(struct affinity_corpus *c);
void affinity_corpus_free(struct affinity_corpus *c);

/* Cosine similarity in [0, 1]; 0 when the documents share no term (or before finish). */
double affinity_score(const struct affinity_corpus *c, const struct affinity_doc *sub,
                      const struct affinity_doc *rev);

/*
 * The terms both documents share, each with its share of the score, largest
 * first (the shares sum to the score). A word is shown as it first appears in
 * sub, lower-cased ("recruitment"); a phrase as the keyword that introduced it
 * ("merit-based recruitment"). Returns the count; the caller frees with
 * affinity_explain_free.
 */
size_t affinity_explain(const struct affinity_corpus *c, const struct affinity_doc *sub,
                        const struct affinity_doc *rev, char ***terms, double **weights);
void affinity_explain_free(char **terms, double *weights, size_t n);

/*
 * An inverted index over a set of documents (typically the reviewers) to score
 * one document against all of them at the cost of the postings they share,
 * rather than of every pair. JOURNAL_EINTERNAL before affinity_corpus_finish.
 */
int affinity_index_new(const struct affinity_corpus *c, const struct affinity_doc *const *docs,
                       size_t ndocs, struct affinity_index **out);
/*
 * scores[k] = affinity_score(c, doc, docs[k]) for every indexed document (all
 * ndocs entries are written). If hits is not NULL it receives the k of every
 * non-zero score, in no particular order. Returns the number of non-zero scores.
 */
size_t affinity_index_score(const struct affinity_index *ix, const struct affinity_doc *doc,
                            double *scores, uint32_t *hits);
void affinity_index_free(struct affinity_index *ix);

#endif
