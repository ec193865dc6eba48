/*
 * Reads an assignment instance on stdin, solves it with assign_solve and prints the
 * answer, for tests/assign_lp_check.sh. Input (whitespace-separated):
 *
 *   nsubs nrevs nedges
 *   need[0] .. need[nsubs-1]
 *   capacity[0] .. capacity[nrevs-1]
 *   sub rev weight      (nedges times)
 *
 * Output: "total <weight>", "chosen <n>", n lines "pair <sub> <rev>", "short <m>",
 * m lines "short_sub <sub> <by>", "rounds <r>".
 */
#include "util/assign.h"
#include "util/alloc.h"
#include "util/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static int read_u32(uint32_t *out)
{
    unsigned long v;
    if (scanf("%lu", &v) != 1 || v > UINT32_MAX)
        return error_input("assign_cli: expected an unsigned 32-bit number");
    *out = (uint32_t)v;
    return 0;
}

static int run(void)
{
    struct assign_problem p = {0};
    uint32_t nedges;
    int ret = read_u32(&p.nsubs);
    if (!ret)
        ret = read_u32(&p.nrevs);
    if (!ret)
        ret = read_u32(&nedges);
    if (ret)
        return ret;
    uint32_t *need = xcalloc(p.nsubs + 1, sizeof(*need));
    uint32_t *capacity = xcalloc(p.nrevs + 1, sizeof(*capacity));
    struct assign_edge *edges = xcalloc((size_t)nedges + 1, sizeof(*edges));
    for (uint32_t i = 0; i < p.nsubs && !ret; i++)
        ret = read_u32(&need[i]);
    for (uint32_t j = 0; j < p.nrevs && !ret; j++)
        ret = read_u32(&capacity[j]);
    for (uint32_t e = 0; e < nedges && !ret; e++) {
        ret = read_u32(&edges[e].sub);
        if (!ret)
            ret = read_u32(&edges[e].rev);
        if (!ret && scanf("%lf", &edges[e].weight) != 1)
            ret = error_input("assign_cli: expected a weight");
    }
    if (!ret) {
        p.need = need;
        p.capacity = capacity;
        p.edges = edges;
        p.nedges = nedges;
        struct assign_result r;
        ret = assign_solve(&p, &r);
        if (!ret) {
            printf("total %.17g\nchosen %zu\n", r.total, r.nchosen);
            for (size_t k = 0; k < r.nchosen; k++)
                printf("pair %" PRIu32 " %" PRIu32 "\n", edges[r.edge_chosen[k]].sub,
                       edges[r.edge_chosen[k]].rev);
            printf("short %zu\n", r.nshort);
            for (size_t k = 0; k < r.nshort; k++)
                printf("short_sub %" PRIu32 " %" PRIu32 "\n", r.short_subs[k], r.short_by[k]);
            printf("rounds %u\n", r.rounds);
            assign_result_free(&r);
        }
    }
    free(need);
    free(capacity);
    free(edges);
    return ret;
}

int main(void)
{
    int ret = run();
    if (ret) {
        fprintf(stderr, "%s\n", error_message());
        return error_exit_status(ret);
    }
    return 0;
}
