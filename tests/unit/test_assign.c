/* The reviewer assignment solver: known optima, infeasibility, constraints, and agreement with
 * two independent reference solvers (exhaustive search and textbook min-cost max-flow). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/alloc.h"
#include "util/assign.h"
#include "util/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define E(s, r, w)                                                                                 \
    {                                                                                              \
        (s), (r), (w)                                                                              \
    }

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static double rng_unit(void)
{
    return (rng() >> 8) / (double)(1u << 24);
}

/* Every chosen pair is allowed and distinct, needs and capacities hold, totals add up. */
static void assert_valid(const struct assign_problem *p, const struct assign_result *r)
{
    uint32_t *got_s = xcalloc(p->nsubs + 1, sizeof(*got_s));
    uint32_t *got_r = xcalloc(p->nrevs + 1, sizeof(*got_r));
    double total = 0;
    for (size_t k = 0; k < r->nchosen; k++) {
        assert_true(r->edge_chosen[k] < p->nedges);
        if (k)
            assert_true(r->edge_chosen[k - 1] < r->edge_chosen[k]);
        const struct assign_edge *e = &p->edges[r->edge_chosen[k]];
        got_s[e->sub]++;
        got_r[e->rev]++;
        total += e->weight;
    }
    assert_true(fabs(total - r->total) < 1e-9);
    size_t nshort = 0;
    for (uint32_t i = 0; i < p->nsubs; i++) {
        assert_true(got_s[i] <= p->need[i]);
        if (got_s[i] < p->need[i]) {
            assert_true(nshort < r->nshort);
            assert_int_equal(r->short_subs[nshort], i);
            assert_int_equal(r->short_by[nshort], p->need[i] - got_s[i]);
            nshort++;
        }
    }
    assert_int_equal(nshort, r->nshort);
    for (uint32_t j = 0; j < p->nrevs; j++)
        assert_true(got_r[j] <= p->capacity[j]);
    free(got_s);
    free(got_r);
}

static void solve_ok(const struct assign_problem *p, struct assign_result *r)
{
    assert_int_equal(assign_solve(p, r), 0);
    assert_valid(p, r);
}

/* Take the heaviest remaining allowed pair while constraints allow: what a greedy editor does. */
static double greedy_total(const struct assign_problem *p, size_t *count)
{
    size_t *order = xmalloc(p->nedges * sizeof(*order));
    for (size_t e = 0; e < p->nedges; e++)
        order[e] = e;
    for (size_t x = 1; x < p->nedges; x++)
        for (size_t y = x; y > 0 && p->edges[order[y]].weight > p->edges[order[y - 1]].weight;
             y--) {
            size_t t = order[y];
            order[y] = order[y - 1];
            order[y - 1] = t;
        }
    uint32_t *got_s = xcalloc(p->nsubs, sizeof(*got_s));
    uint32_t *got_r = xcalloc(p->nrevs, sizeof(*got_r));
    double total = 0;
    *count = 0;
    for (size_t x = 0; x < p->nedges; x++) {
        const struct assign_edge *e = &p->edges[order[x]];
        if (got_s[e->sub] < p->need[e->sub] && got_r[e->rev] < p->capacity[e->rev]) {
            got_s[e->sub]++;
            got_r[e->rev]++;
            total += e->weight;
            ++*count;
        }
    }
    free(order);
    free(got_s);
    free(got_r);
    return total;
}

static void test_beats_greedy(void **state)
{
    (void)state;
    /* Greedy takes (0,0)=10 and then only (1,1)=1; the optimum is 9 + 9. */
    const struct assign_edge edges[] = {E(0, 0, 10), E(0, 1, 9), E(1, 0, 9), E(1, 1, 1)};
    const uint32_t need[] = {1, 1}, cap[] = {1, 1};
    struct assign_problem p = {2, 2, need, cap, edges, 4};
    struct assign_result r;
    solve_ok(&p, &r);
    size_t greedy_count;
    double greedy = greedy_total(&p, &greedy_count);
    assert_true(fabs(greedy - 11) < 1e-12);
    assert_true(fabs(r.total - 18) < 1e-9);
    assert_true(r.total > greedy);
    assert_int_equal(r.nchosen, 2);
    assert_int_equal(r.edge_chosen[0], 1);
    assert_int_equal(r.edge_chosen[1], 2);
    assert_int_equal(r.nshort, 0);
    assert_int_equal(r.rounds, 1);
    assign_result_free(&r);
}

static void test_k_per_submission(void **state)
{
    (void)state;
    /*
     * Two submissions need 2 each; reviewer 0 (capacity 1) is everyone's favourite. Optimum:
     * reviewer 0 goes to submission 1, which loses more without it (8 vs 3 for submission 0).
     */
    const struct assign_edge edges[] = {
        E(0, 0, 9), E(0, 1, 6), E(0, 2, 5), E(1, 0, 9), E(1, 1, 1), E(1, 2, 2), E(1, 3, 1),
    };
    const uint32_t need[] = {2, 2}, cap[] = {1, 2, 2, 1};
    struct assign_problem p = {2, 4, need, cap, edges, 7};
    struct assign_result r;
    solve_ok(&p, &r);
    /* sub 0: revs 1, 2 (11); sub 1: revs 0, 2 (11) = 22; the alternative sub 0: 0, 1 (15)
     * + sub 1: 2, 3 (3) = 18. */
    assert_true(fabs(r.total - 22) < 1e-9);
    assert_int_equal(r.nchosen, 4);
    size_t greedy_count;
    assert_true(r.total > greedy_total(&p, &greedy_count));
    assign_result_free(&r);
}

static void test_cardinality_before_weight(void **state)
{
    (void)state;
    /* Weight alone would give (0,0)=10; two pairs of weight 1 cover both submissions. */
    const struct assign_edge edges[] = {E(0, 0, 10), E(0, 1, 1), E(1, 0, 1)};
    const uint32_t need[] = {1, 1}, cap[] = {1, 1};
    struct assign_problem p = {2, 2, need, cap, edges, 3};
    struct assign_result r;
    solve_ok(&p, &r);
    assert_int_equal(r.nchosen, 2);
    assert_true(fabs(r.total - 2) < 1e-9);
    assert_int_equal(r.nshort, 0);
    assign_result_free(&r);
}

static void test_infeasible(void **state)
{
    (void)state;
    /* Three submissions need 2 from two reviewers of capacity 2: two pairs are missing. */
    const struct assign_edge edges[] = {E(0, 0, 1), E(0, 1, 1), E(1, 0, 5),
                                        E(1, 1, 5), E(2, 0, 3), E(2, 1, 0)};
    const uint32_t need[] = {2, 2, 2}, cap[] = {2, 2};
    struct assign_problem p = {3, 2, need, cap, edges, 6};
    struct assign_result r;
    solve_ok(&p, &r);
    assert_int_equal(r.nchosen, 4);
    /* Submission 1 takes both (10); the other two slots go to 2 (3) and either 0 or 2 (1 or 0).
     */
    assert_true(fabs(r.total - 14) < 1e-9);
    assign_result_free(&r);

    /* Both want the only reviewer; the one that values it more must get it, the other is short.
     */
    const struct assign_edge contest[] = {E(0, 0, 0.1), E(1, 0, 0.9)};
    const uint32_t need1[] = {1, 1}, cap1[] = {1};
    struct assign_problem q = {2, 1, need1, cap1, contest, 2};
    solve_ok(&q, &r);
    assert_int_equal(r.nchosen, 1);
    assert_int_equal(r.edge_chosen[0], 1);
    assert_int_equal(r.nshort, 1);
    assert_int_equal(r.short_subs[0], 0);
    assert_int_equal(r.short_by[0], 1);
    assign_result_free(&r);

    /* A need beyond the number of allowed pairs. */
    const uint32_t need2[] = {4000000000u, 0};
    q.need = need2;
    solve_ok(&q, &r);
    assert_int_equal(r.nchosen, 1);
    assert_int_equal(r.nshort, 1);
    assert_int_equal(r.short_by[0], 4000000000u - 1);
    assign_result_free(&r);
}

static void test_degenerate(void **state)
{
    (void)state;
    struct assign_result r;
    struct assign_problem empty = {0};
    solve_ok(&empty, &r);
    assert_int_equal(r.nchosen, 0);
    assert_int_equal(r.nshort, 0);
    assert_true(r.total == 0);
    assign_result_free(&r);

    /* No edges: everyone with a need is short by all of it. */
    const uint32_t need[] = {3, 0, 1}, cap[] = {5};
    struct assign_problem none = {3, 1, need, cap, NULL, 0};
    solve_ok(&none, &r);
    assert_int_equal(r.nchosen, 0);
    assert_int_equal(r.nshort, 2);
    assert_int_equal(r.short_subs[0], 0);
    assert_int_equal(r.short_by[0], 3);
    assert_int_equal(r.short_subs[1], 2);
    assign_result_free(&r);

    /* Zero need and zero capacity: nothing can be chosen. */
    const struct assign_edge edges[] = {E(0, 0, 1), E(1, 1, 1), E(2, 0, 0)};
    const uint32_t need2[] = {0, 1, 1}, cap2[] = {1, 0};
    struct assign_problem zero = {3, 2, need2, cap2, edges, 3};
    solve_ok(&zero, &r);
    assert_int_equal(r.nchosen, 1);
    assert_int_equal(r.edge_chosen[0], 2); /* a zero-weight pair still counts */
    assert_int_equal(r.nshort, 1);
    assert_int_equal(r.short_subs[0], 1);
    assign_result_free(&r);

    /* All weights zero. */
    const struct assign_edge zeros[] = {E(0, 0, 0), E(0, 1, 0), E(1, 0, 0)};
    const uint32_t need3[] = {2, 1}, cap3[] = {1, 1};
    struct assign_problem flat = {2, 2, need3, cap3, zeros, 3};
    solve_ok(&flat, &r);
    assert_int_equal(r.nchosen, 2);
    assign_result_free(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    const uint32_t need[] = {1, 1}, cap[] = {1, 1};
    struct assign_result r;
    const struct assign_edge out_of_range[] = {E(0, 2, 1)};
    struct assign_problem p = {2, 2, need, cap, out_of_range, 1};
    assert_int_equal(assign_solve(&p, &r), JOURNAL_EINPUT);
    assert_null(r.edge_chosen);
    assign_result_free(&r);
    const struct assign_edge negative[] = {E(0, 0, 1), E(1, 1, -0.5)};
    p.edges = negative;
    p.nedges = 2;
    assert_int_equal(assign_solve(&p, &r), JOURNAL_EINPUT);
    const struct assign_edge not_a_number[] = {E(0, 0, NAN)};
    p.edges = not_a_number;
    p.nedges = 1;
    assert_int_equal(assign_solve(&p, &r), JOURNAL_EINPUT);
    const struct assign_edge infinite[] = {E(0, 0, INFINITY)};
    p.edges = infinite;
    assert_int_equal(assign_solve(&p, &r), JOURNAL_EINPUT);
    const struct assign_edge twice[] = {E(0, 0, 1), E(1, 0, 1), E(0, 0, 2)};
    p.edges = twice;
    p.nedges = 3;
    assert_int_equal(assign_solve(&p, &r), JOURNAL_EINPUT);
    error_clear();
}

/* --- reference solvers --- */

struct brute {
    const struct assign_problem *p;
    uint32_t *cap_left;
    size_t count, best_count;
    double weight, best_weight;
};

static void brute_sub(struct brute *b, uint32_t i);

/* Choose among submission i's edges from index e on, having taken taken of them. */
static void brute_edges(struct brute *b, uint32_t i, size_t e, uint32_t taken)
{
    const struct assign_problem *p = b->p;
    for (; e < p->nedges && p->edges[e].sub != i; e++)
        ;
    if (e == p->nedges || taken == p->need[i]) {
        brute_sub(b, i + 1);
        return;
    }
    brute_edges(b, i, e + 1, taken);
    uint32_t j = p->edges[e].rev;
    if (b->cap_left[j]) {
        b->cap_left[j]--;
        b->count++;
        b->weight += p->edges[e].weight;
        brute_edges(b, i, e + 1, taken + 1);
        b->weight -= p->edges[e].weight;
        b->count--;
        b->cap_left[j]++;
    }
}

static void brute_sub(struct brute *b, uint32_t i)
{
    if (i == b->p->nsubs) {
        if (b->count > b->best_count || (b->count == b->best_count && b->weight > b->best_weight)) {
            b->best_count = b->count;
            b->best_weight = b->weight;
        }
        return;
    }
    brute_edges(b, i, 0, 0);
}

/*
 * Textbook min-cost max-flow: successive shortest paths from a super source with
 * Bellman-Ford on doubles, over every edge. Each augmentation along a shortest
 * path keeps the flow min-cost for its value, so the last one is the maximum
 * flow of maximum weight.
 */
static void reference_flow(const struct assign_problem *p, size_t *count, double *weight)
{
    size_t n = (size_t)p->nsubs + p->nrevs + 2, src = n - 2, dst = n - 1;
    size_t m = 2 * (p->nedges + p->nsubs + p->nrevs);
    size_t *from = xmalloc(m * sizeof(*from)), *to = xmalloc(m * sizeof(*to));
    long *capa = xmalloc(m * sizeof(*capa));
    double *cost = xmalloc(m * sizeof(*cost));
    size_t narcs = 0;
#define ARC(u, v, c, w)                                                                            \
    do {                                                                                           \
        from[narcs] = (u), to[narcs] = (v), capa[narcs] = (c), cost[narcs++] = (w);                \
        from[narcs] = (v), to[narcs] = (u), capa[narcs] = 0, cost[narcs++] = -(w);                 \
    } while (0)
    for (uint32_t i = 0; i < p->nsubs; i++)
        ARC(src, i, (long)p->need[i], 0.0);
    for (uint32_t j = 0; j < p->nrevs; j++)
        ARC(p->nsubs + j, dst, (long)p->capacity[j], 0.0);
    for (size_t e = 0; e < p->nedges; e++)
        ARC(p->edges[e].sub, p->nsubs + p->edges[e].rev, 1L, -p->edges[e].weight);
#undef ARC
    double *dist = xmalloc(n * sizeof(*dist));
    size_t *pred = xmalloc(n * sizeof(*pred));
    *count = 0;
    *weight = 0;
    for (;;) {
        for (size_t v = 0; v < n; v++)
            dist[v] = INFINITY;
        dist[src] = 0;
        for (size_t round = 0; round < n; round++) {
            bool changed = false;
            for (size_t a = 0; a < narcs; a++)
                if (capa[a] > 0 && dist[from[a]] + cost[a] < dist[to[a]] - 1e-12) {
                    dist[to[a]] = dist[from[a]] + cost[a];
                    pred[to[a]] = a;
                    changed = true;
                }
            if (!changed)
                break;
        }
        if (dist[dst] == INFINITY)
            break;
        for (size_t v = dst; v != src; v = from[pred[v]]) {
            capa[pred[v]]--;
            capa[pred[v] ^ 1]++;
        }
        ++*count;
        *weight -= dist[dst];
    }
    free(from);
    free(to);
    free(capa);
    free(cost);
    free(dist);
    free(pred);
}

/* A random instance: density in percent; ties makes weights small integers. */
static struct assign_edge *random_instance(struct assign_problem *p, uint32_t *need, uint32_t *cap,
                                           uint32_t max_need, uint32_t max_cap, unsigned density,
                                           bool ties)
{
    struct assign_edge *edges = xmalloc(((size_t)p->nsubs * p->nrevs + 1) * sizeof(*edges));
    size_t m = 0;
    for (uint32_t i = 0; i < p->nsubs; i++)
        need[i] = rng() % (max_need + 1);
    for (uint32_t j = 0; j < p->nrevs; j++)
        cap[j] = rng() % (max_cap + 1);
    for (uint32_t i = 0; i < p->nsubs; i++)
        for (uint32_t j = 0; j < p->nrevs; j++)
            if (rng() % 100 < density)
                edges[m++] = (struct assign_edge){i, j, ties ? rng() % 3 : rng_unit()};
    p->need = need;
    p->capacity = cap;
    p->edges = edges;
    p->nedges = m;
    return edges;
}

static void test_brute_force(void **state)
{
    (void)state;
    rng_state = 2024;
    for (int trial = 0; trial < 300; trial++) {
        uint32_t need[4], cap[6];
        struct assign_problem p = {4, 6, NULL, NULL, NULL, 0};
        struct assign_edge *edges =
            random_instance(&p, need, cap, 3, trial % 3 == 0 ? 1 : 2, 60, trial % 4 == 0);
        struct assign_result r;
        solve_ok(&p, &r);
        uint32_t cap_left[6];
        memcpy(cap_left, cap, sizeof(cap));
        struct brute b = {&p, cap_left, 0, 0, 0, -1};
        brute_sub(&b, 0);
        if (r.nchosen != b.best_count || fabs(r.total - b.best_weight) > 1e-9)
            fail_msg("trial %d: solver %zu pairs / %.12f, exhaustive %zu / %.12f", trial, r.nchosen,
                     r.total, b.best_count, b.best_weight);
        assign_result_free(&r);
        free(edges);
    }
}

/*
 * Larger instances where every submission prefers the same reviewers, so the first
 * candidate graph is not enough and pricing has to add pairs; checked against the
 * textbook solver on the full graph.
 */
static void test_pricing_against_reference(void **state)
{
    (void)state;
    rng_state = 77;
    unsigned priced = 0;
    for (int trial = 0; trial < 12; trial++) {
        uint32_t nsubs = 40 + trial, nrevs = 150;
        uint32_t *need = xmalloc(nsubs * sizeof(*need)), *cap = xmalloc(nrevs * sizeof(*cap));
        struct assign_problem p = {nsubs, nrevs, NULL, NULL, NULL, 0};
        struct assign_edge *edges =
            random_instance(&p, need, cap, 3, trial % 2 ? 1 : 2, 90, trial % 5 == 4);
        double *quality = xmalloc(nrevs * sizeof(*quality));
        for (uint32_t j = 0; j < nrevs; j++)
            quality[j] = rng_unit() * 10;
        for (size_t e = 0; e < p.nedges; e++)
            edges[e].weight += quality[edges[e].rev];
        /* Shuffle so that nothing depends on the edges arriving grouped. */
        for (size_t e = p.nedges; e > 1; e--) {
            size_t k = rng() % e;
            struct assign_edge t = edges[e - 1];
            edges[e - 1] = edges[k];
            edges[k] = t;
        }
        struct assign_result r;
        solve_ok(&p, &r);
        size_t count;
        double weight;
        reference_flow(&p, &count, &weight);
        if (r.nchosen != count || fabs(r.total - weight) > 1e-7)
            fail_msg("trial %d: solver %zu pairs / %.12f, reference %zu / %.12f", trial, r.nchosen,
                     r.total, count, weight);
        priced += r.rounds > 1;
        assign_result_free(&r);
        free(edges);
        free(quality);
        free(need);
        free(cap);
    }
    /* The instances are built to need column generation; make sure they exercised it. */
    assert_true(priced >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_beats_greedy),
        cmocka_unit_test(test_k_per_submission),
        cmocka_unit_test(test_cardinality_before_weight),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_brute_force),
        cmocka_unit_test(test_pricing_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
