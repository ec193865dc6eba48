#ifndef JOURNAL_UTIL_ASSIGN_H
#define JOURNAL_UTIL_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Optimal assignment of reviewers to submissions (a transportation problem with
 * unit arc capacities). The solver first maximises the number of assigned pairs
 * and, among all assignments of that size, maximises the total weight. It is
 * exact: the answer is certified optimal for the whole edge list by linear
 * programming duality, not only for the candidate subgraph it works on.
 *
 * Weights are scaled to 64-bit integers internally: the largest weight maps to
 * at least 2^23 and at most 2^36 units (2^36 for any problem with fewer than
 * about a million submissions plus reviewers), so the chosen total is within
 * nchosen * max_weight / 2^23 of the true optimum, and in practice within
 * nchosen * max_weight / 2^36.
 */

/* An allowed pair and its affinity (finite, >= 0). Pairs not listed are forbidden. */
struct assign_edge {
    uint32_t sub, rev;
    double weight;
};

struct assign_problem {
    uint32_t nsubs, nrevs;
    const uint32_t *need;     /* reviewers each submission still needs */
    const uint32_t *capacity; /* remaining capacity of each reviewer */
    const struct assign_edge *edges;
    size_t nedges; /* at most UINT32_MAX; each (sub, rev) pair at most once */
};

struct assign_result {
    uint32_t *edge_chosen; /* indices into edges, ascending */
    size_t nchosen;
    double total; /* sum of the chosen edges' weights */
    /* Submissions that could not get their full need (ascending), and by how many. */
    uint32_t *short_subs;
    uint32_t *short_by;
    size_t nshort;
    /* Pricing rounds over the pruned edges; 1 when the first candidate graph was already optimal.
     */
    unsigned rounds;
};

/*
 * Solve p into r (which need not be initialised). Returns 0, or JOURNAL_EINPUT
 * for an out-of-range index, a repeated pair or a negative or non-finite
 * weight; r is then empty but may still be passed to assign_result_free.
 */
int assign_solve(const struct assign_problem *p, struct assign_result *r);
void assign_result_free(struct assign_result *r);

#endif
