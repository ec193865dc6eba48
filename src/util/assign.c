#include "util/assign.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * The problem is a min-cost flow: every submission i supplies units_i (its need,
 * capped by its number of usable pairs), each allowed pair is an arc i -> j of
 * capacity 1 and cost C - w (w scaled to integers, C the largest scaled weight, so
 * costs are >= 0), each reviewer j has an arc j -> t of capacity capacity_j, and
 * each submission has a "dummy" arc i -> t of capacity units_i and cost D. D
 * exceeds the cost of any set of real pairs that could be traded for one more
 * real pair, so a min-cost flow uses as few dummy units as possible (maximum
 * cardinality) and, among those, the cheapest real arcs (maximum weight). The
 * dummy arcs also let a submission take a reviewer from another that then goes
 * short, which is what the lexicographic optimum sometimes requires.
 *
 * Algorithm: successive shortest paths on a pseudoflow (each augmentation from
 * one node with excess to the nearest node with deficit), with Dijkstra on
 * reduced costs and node potentials, stopped as soon as the deficit node is
 * settled. Every residual arc keeps a non-negative reduced cost throughout,
 * which is the optimality condition of min-cost flow.
 *
 * Dense instances have millions of allowed pairs, so the flow is solved on a
 * candidate subgraph (each submission's best pairs, and each reviewer's) and then
 * priced: an omitted pair whose reduced cost under the final potentials is
 * negative could improve the solution; the most negative ones are added (their
 * arcs saturated, which keeps the optimality condition and creates an excess at
 * the reviewer and a deficit at the submission that the same augmentation routine
 * repairs) and the loop repeats. When no omitted pair has a negative reduced cost
 * the potentials are a dual certificate for the full problem: the answer is the
 * exact optimum of the whole instance (for the integer-scaled weights), not an
 * approximation from the candidate graph. Which pairs start as candidates only
 * changes the speed.
 */

enum {
    CANDIDATES_MIN = 24,              /* candidate pairs per submission at the start */
    CANDIDATES_PER_UNIT = 8,          /* ... or this many per reviewer it needs, if more */
    REVIEWER_CANDIDATES_PER_UNIT = 4, /* a reviewer's best submissions per unit of capacity */
    REVIEWER_CANDIDATES_MAX = 64,
    VIOLATORS_PER_ROUND = 16, /* pairs added per submission and pricing round */
};

#define NIL          UINT32_MAX
#define SCALE_MAX    ((int64_t)1 << 36)
#define SCALE_BUDGET ((int64_t)1 << 56)
/* Distances and potentials stay far below this, or the solver reports an internal error. */
#define MAGNITUDE_LIMIT ((int64_t)1 << 61)

struct arc {
    uint32_t sub, rev, edge;
    uint32_t next_of_sub;          /* the submission's list of arcs */
    uint32_t flow_next, flow_prev; /* the reviewer's list of arcs carrying flow */
    int64_t cost;
    bool flow;
};

enum pred_kind {
    PRED_FORWARD,
    PRED_BACKWARD,
    PRED_REV_SINK,
    PRED_SINK_REV,
    PRED_DUMMY,
    PRED_DUMMY_BACK
};

struct heap_item {
    int64_t dist;
    uint32_t node;
};

struct solver {
    const struct assign_problem *p;
    /* Nodes: submissions 0..nsubs-1, reviewers nsubs..nsubs+nrevs-1, then the sink. */
    uint32_t nsubs, nrevs, sink, nnodes;
    double scale;
    int64_t big, dummy_cost;

    /* Usable edges grouped by submission: bucket[start[i] .. end[i]); the first ncand[i] are arcs.
     */
    size_t *start, *end, *ncand;
    uint32_t *bucket;

    struct arc *arcs;
    size_t narcs, arcs_alloc;
    uint32_t *sub_head;  /* per submission */
    uint32_t *flow_head; /* per reviewer */
    uint32_t *load;      /* per reviewer: flow on its arc to the sink */
    uint32_t *units;     /* per submission: supply, and the dummy arc's capacity */
    uint32_t *dummy_flow;
    int64_t *excess, *pot; /* per node */

    int64_t *dist;
    uint32_t *seen, *done, run;
    uint8_t *pred_kind;
    uint32_t *pred;
    uint32_t *settled;
    size_t nsettled;
    struct heap_item *heap;
    size_t heap_len, heap_alloc;
    bool broken; /* a negative reduced cost or a magnitude overflow: a bug, never bad input */
};

static int64_t edge_cost(const struct solver *s, uint32_t e)
{
    int64_t scaled = (int64_t)llround(s->p->edges[e].weight * s->scale);
    if (scaled > s->big)
        scaled = s->big;
    return s->big - scaled;
}

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void heap_push(struct solver *s, int64_t dist, uint32_t node)
{
    ARRAY_GROW(s->heap, s->heap_len + 1, s->heap_alloc);
    size_t i = s->heap_len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (s->heap[parent].dist <= dist)
            break;
        s->heap[i] = s->heap[parent];
        i = parent;
    }
    s->heap[i] = (struct heap_item){dist, node};
}

static struct heap_item heap_pop(struct solver *s)
{
    struct heap_item top = s->heap[0], last = s->heap[--s->heap_len];
    size_t i = 0, n = s->heap_len;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && s->heap[child + 1].dist < s->heap[child].dist)
            child++;
        if (s->heap[child].dist >= last.dist)
            break;
        s->heap[i] = s->heap[child];
        i = child;
    }
    if (n)
        s->heap[i] = last;
    return top;
}

static void relax(struct solver *s, int64_t from_dist, uint32_t node, int64_t reduced, uint8_t kind,
                  uint32_t via)
{
    if (s->done[node] == s->run)
        return;
    if (reduced < 0 || reduced > MAGNITUDE_LIMIT) {
        s->broken = true;
        return;
    }
    int64_t d = from_dist + reduced;
    if (s->seen[node] == s->run && d >= s->dist[node])
        return;
    s->seen[node] = s->run;
    s->dist[node] = d;
    s->pred_kind[node] = kind;
    s->pred[node] = via;
    heap_push(s, d, node);
}

static void expand(struct solver *s, uint32_t u, int64_t d)
{
    const int64_t *pot = s->pot;
    if (u < s->nsubs) {
        for (uint32_t a = s->sub_head[u]; a != NIL; a = s->arcs[a].next_of_sub) {
            const struct arc *arc = &s->arcs[a];
            if (!arc->flow) {
                uint32_t v = s->nsubs + arc->rev;
                relax(s, d, v, arc->cost + pot[u] - pot[v], PRED_FORWARD, a);
            }
        }
        if (s->dummy_flow[u] < s->units[u])
            relax(s, d, s->sink, s->dummy_cost + pot[u] - pot[s->sink], PRED_DUMMY, u);
    } else if (u < s->sink) {
        uint32_t j = u - s->nsubs;
        for (uint32_t a = s->flow_head[j]; a != NIL; a = s->arcs[a].flow_next) {
            const struct arc *arc = &s->arcs[a];
            relax(s, d, arc->sub, -arc->cost + pot[u] - pot[arc->sub], PRED_BACKWARD, a);
        }
        if (s->load[j] < s->p->capacity[j])
            relax(s, d, s->sink, pot[u] - pot[s->sink], PRED_REV_SINK, j);
    } else {
        /* Only reached while repairing after pricing, which is rare: a linear scan is fine. */
        for (uint32_t j = 0; j < s->nrevs; j++)
            if (s->load[j] > 0)
                relax(s, d, s->nsubs + j, pot[u] - pot[s->nsubs + j], PRED_SINK_REV, j);
        for (uint32_t i = 0; i < s->nsubs; i++)
            if (s->dummy_flow[i] > 0)
                relax(s, d, i, -s->dummy_cost + pot[u] - pot[i], PRED_DUMMY_BACK, i);
    }
}

/* The node the predecessor step into node comes from, and how much it can carry. */
static uint32_t pred_step(const struct solver *s, uint32_t node, int64_t *room)
{
    uint32_t via = s->pred[node];
    switch ((enum pred_kind)s->pred_kind[node]) {
    case PRED_FORWARD:
        *room = 1;
        return s->arcs[via].sub;
    case PRED_BACKWARD:
        *room = 1;
        return s->nsubs + s->arcs[via].rev;
    case PRED_REV_SINK:
        *room = (int64_t)s->p->capacity[via] - s->load[via];
        return s->nsubs + via;
    case PRED_SINK_REV:
        *room = s->load[via];
        return s->sink;
    case PRED_DUMMY:
        *room = (int64_t)s->units[via] - s->dummy_flow[via];
        return via;
    case PRED_DUMMY_BACK:
        *room = s->dummy_flow[via];
        return s->sink;
    }
    return NIL;
}

static void flow_link(struct solver *s, uint32_t a)
{
    struct arc *arc = &s->arcs[a];
    arc->flow = true;
    arc->flow_prev = NIL;
    arc->flow_next = s->flow_head[arc->rev];
    if (arc->flow_next != NIL)
        s->arcs[arc->flow_next].flow_prev = a;
    s->flow_head[arc->rev] = a;
}

static void flow_unlink(struct solver *s, uint32_t a)
{
    struct arc *arc = &s->arcs[a];
    arc->flow = false;
    if (arc->flow_prev != NIL)
        s->arcs[arc->flow_prev].flow_next = arc->flow_next;
    else
        s->flow_head[arc->rev] = arc->flow_next;
    if (arc->flow_next != NIL)
        s->arcs[arc->flow_next].flow_prev = arc->flow_prev;
}

static void apply_step(struct solver *s, uint32_t node, int64_t delta)
{
    uint32_t via = s->pred[node];
    switch ((enum pred_kind)s->pred_kind[node]) {
    case PRED_FORWARD:
        flow_link(s, via);
        break;
    case PRED_BACKWARD:
        flow_unlink(s, via);
        break;
    case PRED_REV_SINK:
        s->load[via] += (uint32_t)delta;
        break;
    case PRED_SINK_REV:
        s->load[via] -= (uint32_t)delta;
        break;
    case PRED_DUMMY:
        s->dummy_flow[via] += (uint32_t)delta;
        break;
    case PRED_DUMMY_BACK:
        s->dummy_flow[via] -= (uint32_t)delta;
        break;
    }
}

/* Move flow from src (which has excess) along a shortest path to the nearest deficit. */
static int route(struct solver *s, uint32_t src)
{
    if (++s->run == 0) {
        memset(s->seen, 0, s->nnodes * sizeof(*s->seen));
        memset(s->done, 0, s->nnodes * sizeof(*s->done));
        s->run = 1;
    }
    s->heap_len = 0;
    s->nsettled = 0;
    s->seen[src] = s->run;
    s->dist[src] = 0;
    heap_push(s, 0, src);
    uint32_t target = NIL;
    while (s->heap_len) {
        struct heap_item top = heap_pop(s);
        if (s->done[top.node] == s->run || top.dist > s->dist[top.node])
            continue;
        s->done[top.node] = s->run;
        s->settled[s->nsettled++] = top.node;
        if (s->excess[top.node] < 0) {
            target = top.node;
            break;
        }
        if (top.dist > MAGNITUDE_LIMIT)
            s->broken = true;
        expand(s, top.node, top.dist);
        if (s->broken)
            break;
    }
    if (s->broken || target == NIL)
        return error_internal("assign: the flow solver lost its optimality invariant");

    /*
     * Settled nodes move by their distance minus the target's; the rest keep theirs.
     * That differs from the textbook update (add min(dist, target distance) to every
     * node) by a constant, so reduced costs are the same, and it touches only the
     * nodes this search visited.
     */
    int64_t reach = s->dist[target];
    for (size_t k = 0; k < s->nsettled; k++) {
        uint32_t v = s->settled[k];
        s->pot[v] += s->dist[v] - reach;
        if (s->pot[v] < -MAGNITUDE_LIMIT)
            return error_internal("assign: node potentials out of range");
    }

    int64_t delta = s->excess[src] < -s->excess[target] ? s->excess[src] : -s->excess[target];
    for (uint32_t v = target; v != src;) {
        int64_t room;
        v = pred_step(s, v, &room);
        if (room < delta)
            delta = room;
    }
    for (uint32_t v = target; v != src;) {
        int64_t room;
        uint32_t prev = pred_step(s, v, &room);
        apply_step(s, v, delta);
        v = prev;
    }
    s->excess[src] -= delta;
    s->excess[target] += delta;
    return 0;
}

static uint32_t add_arc(struct solver *s, uint32_t e)
{
    const struct assign_edge *edge = &s->p->edges[e];
    ARRAY_GROW(s->arcs, s->narcs + 1, s->arcs_alloc);
    uint32_t a = (uint32_t)s->narcs++;
    s->arcs[a] = (struct arc){
        .sub = edge->sub,
        .rev = edge->rev,
        .edge = e,
        .next_of_sub = s->sub_head[edge->sub],
        .flow_next = NIL,
        .flow_prev = NIL,
        .cost = edge_cost(s, e),
        .flow = false,
    };
    s->sub_head[edge->sub] = a;
    return a;
}

struct violator {
    int64_t reduced;
    size_t pos;
};

static int violator_by_pos(const void *a, const void *b)
{
    const struct violator *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Any potentials with non-negative reduced costs prove the flow optimal on the
 * candidate graph, but pricing wants those most favourable to the omitted pairs:
 * reviewers as low and submissions as high as their residual arcs allow, or pairs
 * are added that the next round only takes out again. Lower each reviewer to its
 * bound, then raise each submission to its own. Each step keeps every reduced cost
 * non-negative, the second cannot loosen the first's bounds, so one pass reaches a
 * fixed point; it also keeps potentials within a few path lengths of the sink's.
 */
static void tighten(struct solver *s)
{
    int64_t *pot = s->pot, sink = pot[s->sink];
    for (uint32_t j = 0; j < s->nrevs; j++) {
        uint32_t node = s->nsubs + j;
        bool bounded = s->load[j] < s->p->capacity[j];
        int64_t low = sink;
        for (uint32_t a = s->flow_head[j]; a != NIL; a = s->arcs[a].flow_next) {
            int64_t need = pot[s->arcs[a].sub] + s->arcs[a].cost;
            if (!bounded || need > low)
                low = need;
            bounded = true;
        }
        if (bounded && low < pot[node])
            pot[node] = low;
    }
    for (uint32_t i = 0; i < s->nsubs; i++) {
        bool bounded = s->dummy_flow[i] > 0;
        int64_t high = sink - s->dummy_cost;
        for (uint32_t a = s->sub_head[i]; a != NIL; a = s->arcs[a].next_of_sub) {
            if (!s->arcs[a].flow)
                continue;
            int64_t allow = pot[s->nsubs + s->arcs[a].rev] - s->arcs[a].cost;
            if (!bounded || allow < high)
                high = allow;
            bounded = true;
        }
        if (bounded && high > pot[i])
            pot[i] = high;
    }
}

/*
 * Check every pair outside the candidate graph against the potentials; saturate
 * the most violated ones (at most VIOLATORS_PER_ROUND per submission) and
 * return how many were added (0: the current flow is optimal for all pairs).
 */
static size_t price(struct solver *s, uint32_t **touched, size_t *ntouched, size_t *touched_alloc)
{
    size_t added = 0;
    struct violator viol[VIOLATORS_PER_ROUND];
    *ntouched = 0;
    for (uint32_t i = 0; i < s->nsubs; i++) {
        /* The VIOLATORS_PER_ROUND most negative reduced costs; worst is the least negative. */
        size_t nviol = 0, worst = 0, first = s->start[i] + s->ncand[i];
        int64_t threshold = 0;
        for (size_t pos = first; pos < s->end[i]; pos++) {
            uint32_t e = s->bucket[pos];
            const struct assign_edge *edge = &s->p->edges[e];
            /* The reduced cost is below threshold iff the rounded weight exceeds bound: rule most
             * pairs out without rounding. */
            int64_t bound = s->big + s->pot[i] - s->pot[s->nsubs + edge->rev] - threshold;
            if (bound >= s->big || (bound >= 0 && edge->weight * s->scale < (double)bound))
                continue;
            int64_t reduced = edge_cost(s, e) + bound - s->big + threshold;
            if (reduced >= threshold)
                continue;
            if (nviol < VIOLATORS_PER_ROUND) {
                viol[nviol++] = (struct violator){reduced, pos};
                if (nviol < VIOLATORS_PER_ROUND)
                    continue;
            } else {
                viol[worst] = (struct violator){reduced, pos};
            }
            worst = 0;
            for (size_t k = 1; k < nviol; k++)
                if (viol[k].reduced > viol[worst].reduced)
                    worst = k;
            threshold = viol[worst].reduced;
        }
        /* Ascending positions, so each swap into the candidate prefix moves an unselected edge. */
        qsort(viol, nviol, sizeof(*viol), violator_by_pos);
        for (size_t k = 0; k < nviol; k++) {
            size_t front = s->start[i] + s->ncand[i]++;
            uint32_t e = s->bucket[viol[k].pos];
            s->bucket[viol[k].pos] = s->bucket[front];
            s->bucket[front] = e;
            uint32_t a = add_arc(s, e);
            flow_link(s, a);
            uint32_t rev_node = s->nsubs + s->arcs[a].rev;
            s->excess[i] -= 1;
            if (s->excess[rev_node]++ == 0) {
                ARRAY_GROW(*touched, *ntouched + 1, *touched_alloc);
                (*touched)[(*ntouched)++] = rev_node;
            }
            added++;
        }
    }
    return added;
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/*
 * The submissions' favourites alone leave out reviewers nobody ranks highly, and
 * when capacity is tight those are exactly the ones a full assignment needs:
 * without them the flow detours through dummy arcs and pricing adds pairs by the
 * thousand. So each reviewer also brings its own best submissions.
 */
/*
 * The submissions' favourites alone leave out reviewers nobody ranks highly, and
 * when capacity is tight those are exactly the ones a full assignment needs:
 * without them the flow detours through dummy arcs and pricing adds pairs by the
 * thousand. So each reviewer also brings its own best submissions.
 */
struct ranked {
    double weight;
    uint32_t edge;
    size_t pos;
};

static bool ranked_better(const struct ranked *a, const struct ranked *b)
{
    /* Ties go to the lower index so that the candidates do not depend on the layout. */
    return a->weight > b->weight || (a->weight == b->weight && a->edge < b->edge);
}

static void ranked_sift_down(struct ranked *heap, size_t n, size_t i)
{
    struct ranked x = heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && ranked_better(&heap[child], &heap[child + 1]))
            child++;
        if (!ranked_better(&x, &heap[child]))
            break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = x;
}

static void ranked_push(struct ranked *heap, size_t n, struct ranked x)
{
    size_t i = n;
    while (i > 0 && ranked_better(&heap[(i - 1) / 2], &x)) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = x;
}

/*
 * The submissions' favourites alone leave out reviewers nobody ranks highly, and
 * when capacity is tight those are exactly the ones a full assignment needs:
 * without them the flow detours through dummy arcs and pricing adds pairs by the
 * thousand. So each reviewer also brings its own best submissions.
 */
static void add_reviewer_candidates(struct solver *s)
{
    const struct assign_problem *p = s->p;
    uint32_t *bucket = s->bucket;
    size_t nrevs = s->nrevs;
    size_t *off = xmalloc((nrevs + 1) * sizeof(*off));
    off[0] = 0;
    for (size_t j = 0; j < nrevs; j++) {
        uint64_t m = (uint64_t)p->capacity[j] * REVIEWER_CANDIDATES_PER_UNIT;
        off[j + 1] = off[j] + (m < REVIEWER_CANDIDATES_MAX ? m : REVIEWER_CANDIDATES_MAX);
    }
    struct ranked *heap = xmalloc((off[nrevs] ? off[nrevs] : 1) * sizeof(*heap));
    size_t *len = xcalloc(nrevs ? nrevs : 1, sizeof(*len));
    /* Each full heap's root weight, compact, so that most edges are turned away in cache. */
    double *cutoff = xmalloc((nrevs ? nrevs : 1) * sizeof(*cutoff));
    for (size_t j = 0; j < nrevs; j++)
        cutoff[j] = off[j + 1] > off[j] ? -1 : INFINITY;
    for (uint32_t i = 0; i < s->nsubs; i++) {
        for (size_t pos = s->start[i]; pos < s->end[i]; pos++) {
            uint32_t e = bucket[pos], j = p->edges[e].rev;
            double w = p->edges[e].weight;
            if (w < cutoff[j])
                continue;
            struct ranked x = {w, e, pos}, *h = heap + off[j];
            size_t m = off[j + 1] - off[j];
            if (len[j] < m) {
                ranked_push(h, len[j]++, x);
                if (len[j] == m)
                    cutoff[j] = h[0].weight;
            } else if (ranked_better(&x, &h[0])) {
                h[0] = x;
                ranked_sift_down(h, m, 0);
                cutoff[j] = h[0].weight;
            }
        }
    }
    size_t n = 0;
    size_t *chosen = xmalloc((off[nrevs] ? off[nrevs] : 1) * sizeof(*chosen));
    for (size_t j = 0; j < nrevs; j++)
        for (size_t x = 0; x < len[j]; x++)
            chosen[n++] = heap[off[j] + x].pos;
    if (n)
        qsort(chosen, n, sizeof(*chosen), compare_size);
    /* Ascending positions, so each swap into a candidate prefix moves a non-candidate. */
    for (size_t x = 0; x < n; x++) {
        size_t pos = chosen[x];
        uint32_t i = p->edges[bucket[pos]].sub;
        size_t front = s->start[i] + s->ncand[i];
        if (pos < front)
            continue;
        uint32_t t = bucket[front];
        bucket[front] = bucket[pos];
        bucket[pos] = t;
        s->ncand[i]++;
    }
    free(off);
    free(heap);
    free(len);
    free(cutoff);
    free(chosen);
}

/* Validate, group usable edges by submission, and reject repeated pairs. */
static int prepare(struct solver *s)
{
    const struct assign_problem *p = s->p;
    if (p->nedges > UINT32_MAX)
        return error_input("assign: %zu pairs, at most %u supported", p->nedges, UINT32_MAX);
    if ((uint64_t)p->nsubs + p->nrevs > UINT32_MAX - 2)
        return error_input("assign: too many submissions and reviewers");
    double wmax = 0;
    bool grouped = true;
    size_t *count = xcalloc((size_t)p->nsubs + 1, sizeof(*count));
    for (size_t e = 0; e < p->nedges; e++) {
        const struct assign_edge *edge = &p->edges[e];
        if (edge->sub >= p->nsubs || edge->rev >= p->nrevs) {
            free(count);
            return error_input("assign: pair %zu (%u, %u) is out of range", e, edge->sub,
                               edge->rev);
        }
        if (!(edge->weight >= 0) || !isfinite(edge->weight)) {
            free(count);
            return error_input("assign: pair %zu has weight %g; weights must be finite and >= 0", e,
                               edge->weight);
        }
        if (edge->weight > wmax)
            wmax = edge->weight;
        count[edge->sub + 1]++;
        grouped = grouped && (e == 0 || edge->sub >= p->edges[e - 1].sub);
    }
    s->start = count;
    for (uint32_t i = 0; i < p->nsubs; i++)
        s->start[i + 1] += s->start[i];
    s->bucket = xmalloc(p->nedges * sizeof(*s->bucket));
    if (grouped) {
        /* The usual layout (built submission by submission): no scatter needed. */
        for (size_t e = 0; e < p->nedges; e++)
            s->bucket[e] = (uint32_t)e;
    } else {
        size_t *fill = xmalloc(((size_t)p->nsubs + 1) * sizeof(*fill));
        memcpy(fill, s->start, ((size_t)p->nsubs + 1) * sizeof(*fill));
        for (size_t e = 0; e < p->nedges; e++)
            s->bucket[fill[p->edges[e].sub]++] = (uint32_t)e;
        free(fill);
    }

    /*
     * One pass per submission: reject repeated pairs; keep the usable pairs (a zero-need
     * submission or a zero-capacity reviewer can never be chosen) in [start, end); and move the
     * best of them, the initial candidates, to the front.
     */
    uint32_t *mark = xcalloc(p->nrevs ? p->nrevs : 1, sizeof(*mark));
    s->end = xmalloc(((size_t)p->nsubs + 1) * sizeof(*s->end));
    s->units = xcalloc(p->nsubs ? p->nsubs : 1, sizeof(*s->units));
    s->ncand = xcalloc(p->nsubs ? p->nsubs : 1, sizeof(*s->ncand));
    struct ranked *heap = NULL;
    size_t heap_alloc = 0, *chosen = NULL, chosen_alloc = 0;
    uint32_t *bucket = s->bucket;
    uint64_t total_units = 0;
    int ret = 0;
    for (uint32_t i = 0; i < p->nsubs && !ret; i++) {
        size_t begin = s->start[i], usable = begin, nheap = 0;
        uint64_t want = (uint64_t)p->need[i] * CANDIDATES_PER_UNIT;
        if (want < CANDIDATES_MIN)
            want = CANDIDATES_MIN;
        for (size_t pos = begin; pos < s->start[i + 1]; pos++) {
            uint32_t e = bucket[pos], j = p->edges[e].rev;
            if (mark[j] == i + 1) {
                ret = error_input("assign: pair (%u, %u) is listed twice", i, j);
                break;
            }
            mark[j] = i + 1;
            if (p->need[i] == 0 || p->capacity[j] == 0)
                continue;
            if (pos != usable) {
                bucket[pos] = bucket[usable];
                bucket[usable] = e;
            }
            struct ranked x = {p->edges[e].weight, e, usable++};
            if (nheap < want) {
                ARRAY_GROW(heap, nheap + 1, heap_alloc);
                ranked_push(heap, nheap++, x);
            } else if (ranked_better(&x, &heap[0])) {
                heap[0] = x;
                ranked_sift_down(heap, nheap, 0);
            }
        }
        /* Ascending positions, so each swap into the front moves a non-candidate. */
        ARRAY_GROW(chosen, nheap, chosen_alloc);
        for (size_t x = 0; x < nheap; x++)
            chosen[x] = heap[x].pos;
        if (nheap)
            qsort(chosen, nheap, sizeof(*chosen), compare_size);
        for (size_t x = 0; x < nheap; x++) {
            uint32_t t = bucket[begin + x];
            bucket[begin + x] = bucket[chosen[x]];
            bucket[chosen[x]] = t;
        }
        s->ncand[i] = nheap;
        s->end[i] = usable;
        size_t degree = usable - begin;
        s->units[i] = p->need[i] < degree ? p->need[i] : (uint32_t)degree;
        total_units += s->units[i];
    }
    free(heap);
    free(chosen);
    free(mark);
    if (ret)
        return ret;
    add_reviewer_candidates(s);

    int64_t big = SCALE_BUDGET / (int64_t)(total_units + s->nnodes + 2);
    if (big > SCALE_MAX)
        big = SCALE_MAX;
    if (big < 1)
        big = 1;
    s->big = big;
    s->scale = wmax > 0 ? (double)big / wmax : 0;
    s->dummy_cost = (int64_t)(total_units + 1) * big + 1;
    return 0;
}

static int solve(struct solver *s, struct assign_result *r)
{
    const struct assign_problem *p = s->p;
    s->nsubs = p->nsubs;
    s->nrevs = p->nrevs;
    s->sink = p->nsubs + p->nrevs;
    s->nnodes = s->sink + 1;
    int ret = prepare(s);
    if (ret)
        return ret;

    size_t n = s->nnodes;
    s->sub_head = xmalloc((s->nsubs ? s->nsubs : 1) * sizeof(*s->sub_head));
    s->flow_head = xmalloc((s->nrevs ? s->nrevs : 1) * sizeof(*s->flow_head));
    s->load = xcalloc(s->nrevs ? s->nrevs : 1, sizeof(*s->load));
    s->dummy_flow = xcalloc(s->nsubs ? s->nsubs : 1, sizeof(*s->dummy_flow));
    s->excess = xcalloc(n, sizeof(*s->excess));
    s->pot = xcalloc(n, sizeof(*s->pot));
    s->dist = xmalloc(n * sizeof(*s->dist));
    s->seen = xcalloc(n, sizeof(*s->seen));
    s->done = xcalloc(n, sizeof(*s->done));
    s->pred_kind = xmalloc(n);
    s->pred = xmalloc(n * sizeof(*s->pred));
    s->settled = xmalloc(n * sizeof(*s->settled));
    for (uint32_t i = 0; i < s->nsubs; i++)
        s->sub_head[i] = NIL;
    for (uint32_t j = 0; j < s->nrevs; j++)
        s->flow_head[j] = NIL;

    for (uint32_t i = 0; i < s->nsubs; i++) {
        if (!s->units[i])
            continue;
        for (size_t pos = s->start[i]; pos < s->start[i] + s->ncand[i]; pos++)
            add_arc(s, s->bucket[pos]);
        s->excess[i] = s->units[i];
        s->excess[s->sink] -= s->units[i];
    }

    for (uint32_t i = 0; i < s->nsubs && !ret; i++)
        while (s->excess[i] > 0 && !ret)
            ret = route(s, i);

    uint32_t *touched = NULL;
    size_t ntouched = 0, touched_alloc = 0;
    while (!ret) {
        r->rounds++;
        tighten(s);
        if (!price(s, &touched, &ntouched, &touched_alloc))
            break;
        for (size_t k = 0; k < ntouched && !ret; k++)
            while (s->excess[touched[k]] > 0 && !ret)
                ret = route(s, touched[k]);
    }
    free(touched);
    if (ret)
        return ret;

    for (size_t a = 0; a < s->narcs; a++)
        if (s->arcs[a].flow)
            r->nchosen++;
    r->edge_chosen = xmalloc((r->nchosen ? r->nchosen : 1) * sizeof(*r->edge_chosen));
    uint32_t *got = xcalloc(s->nsubs ? s->nsubs : 1, sizeof(*got));
    size_t k = 0;
    for (size_t a = 0; a < s->narcs; a++) {
        if (s->arcs[a].flow) {
            r->edge_chosen[k++] = s->arcs[a].edge;
            got[s->arcs[a].sub]++;
        }
    }
    qsort(r->edge_chosen, r->nchosen, sizeof(*r->edge_chosen), compare_u32);
    for (size_t x = 0; x < r->nchosen; x++)
        r->total += p->edges[r->edge_chosen[x]].weight;
    for (uint32_t i = 0; i < s->nsubs; i++)
        if (got[i] < p->need[i])
            r->nshort++;
    r->short_subs = xmalloc((r->nshort ? r->nshort : 1) * sizeof(*r->short_subs));
    r->short_by = xmalloc((r->nshort ? r->nshort : 1) * sizeof(*r->short_by));
    k = 0;
    for (uint32_t i = 0; i < s->nsubs; i++) {
        if (got[i] < p->need[i]) {
            r->short_subs[k] = i;
            r->short_by[k++] = p->need[i] - got[i];
        }
    }
    free(got);
    return 0;
}

int assign_solve(const struct assign_problem *p, struct assign_result *r)
{
    memset(r, 0, sizeof(*r));
    struct solver s = {.p = p};
    int ret = solve(&s, r);
    free(s.start);
    free(s.end);
    free(s.ncand);
    free(s.bucket);
    free(s.arcs);
    free(s.sub_head);
    free(s.flow_head);
    free(s.load);
    free(s.units);
    free(s.dummy_flow);
    free(s.excess);
    free(s.pot);
    free(s.dist);
    free(s.seen);
    free(s.done);
    free(s.pred_kind);
    free(s.pred);
    free(s.settled);
    free(s.heap);
    if (ret)
        assign_result_free(r);
    return ret;
}

void assign_result_free(struct assign_result *r)
{
    free(r->edge_chosen);
    free(r->short_subs);
    free(r->short_by);
    memset(r, 0, sizeof(*r));
}
