/* analysis.c -- totals, breakdowns and peak memory from per-layer records.
 *
 * Peak live activation memory (the rule and its one implementation:
 * liveness.h): walking the schedule, a tensor is live from
 * its producer (graph inputs: from the start) through its last consumer;
 * graph outputs stay live to the end; a node output nobody consumes is
 * freed right after its producer. live(p) = bytes alive just after node p
 * wrote its outputs and before its dead inputs are released:
 *     live(p) = live(p-1) + out_bytes(p) - freed_after(p-1)
 *     peak    = max(live at start, max_p live(p))
 * Weights (initializers, Constant outputs) are not activations.
 *
 * Control flow: only top-level rows take part in the walk; while a node
 * with subgraphs runs, the live bytes are live(p-1) plus the peak its
 * subgraph reached (sub_peak_bytes: the subgraph's inputs and the values
 * it produces, alive as above, in its costliest counted run), then its
 * outputs are added as for any node.
 *     live_during(p) = live(p-1) + sub_peak(p)
 *
 * Totals are the sums of the top-level rows (a parent row already holds
 * what its subgraphs add). The per-operator breakdown sums every counted
 * row that has no subgraphs, times its multiplier, so its MACs and FLOPs
 * add up to the totals; rows with subgraphs add to their op type's count
 * only (control flow itself costs nothing).
 */
#include "analysis.h"

#include "liveness.h"

#include <stdlib.h>
#include <string.h>

const char *pr_layer_status_name(enum pr_layer_status s)
{
    switch (s) {
    case PR_LAYER_OK: return "ok";
    case PR_LAYER_UNSUPPORTED: return "unsupported";
    case PR_LAYER_SHAPE_UNKNOWN: return "shape_unknown";
    case PR_LAYER_COST_INCOMPLETE: return "cost_incomplete";
    }
    return "?";
}

/* Whether the row's node has subgraphs (its counts are its children's). */
static bool has_subgraphs(const struct pr_analysis *a, const struct pr_layer *L)
{
    return a->model->graph.nodes[L->node].nsubs > 0;
}

bool pr_layer_in_totals(const struct pr_analysis *a, const struct pr_layer *L)
{
    return L->counted && !has_subgraphs(a, L);
}

const char *pr_layer_graph(const struct pr_analysis *a, const struct pr_layer *L)
{
    const struct pr_model *m = a->model;
    int id = m->graph.nodes[L->node].graph;
    return id > 0 && id < m->ngraphs && m->graphs[id]->attr ? m->graphs[id]->attr : "";
}

/* The main graph's run as the rows show it: step p is the p-th top-level
 * row, order[p] its node, pos[p] its position in layers[]. */
struct steps {
    int *order, *pos, *death;
    int n;
};

static void steps_free(struct steps *st)
{
    free(st->order), free(st->pos), free(st->death);
}

/* The arrays of st, empty (death: when wanted); -1 on OOM. */
static int steps_alloc(const struct pr_analysis *a, struct steps *st, bool death)
{
    const struct pr_graph *g = &a->model->graph;
    st->order = malloc(((size_t)a->nlayers + 1) * sizeof *st->order);
    st->pos = malloc(((size_t)a->nlayers + 1) * sizeof *st->pos);
    st->death = death ? malloc(((size_t)g->nvalues + 1) * sizeof *st->death) : NULL;
    st->n = 0;
    if (!st->order || !st->pos || (death && !st->death)) {
        steps_free(st);
        return -1;
    }
    return 0;
}

/* Row p (L) in st when it is a step (a top-level row). */
static inline void steps_add(struct steps *st, const struct pr_layer *L, int p)
{
    if (L->depth == 0) {
        st->order[st->n] = L->node;
        st->pos[st->n++] = p;
    }
}

/* The main graph's deaths (liveness.h) along st's steps. */
static void steps_deaths(const struct pr_analysis *a, struct steps *st)
{
    const struct pr_graph *g = &a->model->graph;
    for (int v = 0; v < g->nvalues; v++)
        st->death[v] = -1;   /* not a value of the main graph */
    pr_live_deaths(g->values, g, st->order, st->death);
}

/* Fills st and the main graph's deaths (liveness.h); -1 on OOM. */
static int steps_of(const struct pr_analysis *a, struct steps *st)
{
    if (steps_alloc(a, st, true) < 0)
        return -1;
    for (int p = 0; p < a->nlayers; p++)
        steps_add(st, &a->layers[p], p);
    steps_deaths(a, st);
    return 0;
}

struct rows { const struct pr_analysis *a; const struct steps *st; };

/* The peak step p's subgraphs reached (its row's, over its counted runs). */
static uint64_t row_sub_peak(void *ctx, int p)
{
    const struct rows *r = ctx;
    return r->a->layers[r->st->pos[p]].sub_peak_bytes;
}

/* The peak along st (its steps added; freed here), with the deaths and
 * activation bytes the walk noted (a->death, a->act: used up) when it
 * noted them. sub_peaks: some step's subgraphs add live bytes (else none
 * is asked for: it adds 0). */
static int peak_memory(struct pr_analysis *a, struct steps *st, bool sub_peaks, struct pr_err *err)
{
    const struct pr_graph *g = &a->model->graph;
    bool ovf = false;
    if (a->death) {
        st->death = a->death;   /* freed with st */
        a->death = NULL;
        for (int i = 0; i < g->ninputs; i++)   /* the walk noted its nodes' outputs */
            a->act[g->inputs[i]] = pr_value_act_bytes(&g->values[g->inputs[i]], &ovf);
    } else {
        steps_deaths(a, st);
    }
    struct pr_live live;
    struct rows rows = {a, st};
    pr_live_bytes(g->values, g, st->order, st->death, sub_peaks ? row_sub_peak : NULL, &rows, a->act, NULL, NULL,
                  &live, &ovf);
    free(a->act);
    a->act = NULL;
    a->totals.peak_activation_bytes = live.peak;
    a->totals.peak_layer = live.peak_step < 0 ? -1 : st->pos[live.peak_step];
    steps_free(st);
    if (ovf)
        return pr_err_set(err, PR_E_MODEL, "activation memory overflows 64 bits; check the input shapes");
    return 0;
}

/* Index in a->by_op of n's op type (domain and name), added when new; -1
 * with err when out of memory. */
static int op_type_index(struct pr_analysis *a, struct pr_names *index, int *cap, const struct pr_node *n,
                         struct pr_err *err)
{
    int i = pr_names_get(index, n->op_type);
    if (i >= 0 && strcmp(a->by_op[i].domain, n->domain) != 0) {
        i = -1;   /* the same op type in another domain: rare, found by a scan */
        for (int j = 0; j < a->nby_op && i < 0; j++)
            if (strcmp(a->by_op[j].op_type, n->op_type) == 0 && strcmp(a->by_op[j].domain, n->domain) == 0)
                i = j;
    }
    if (i >= 0)
        return i;
    if (a->nby_op == *cap) {
        struct pr_op_total *more = realloc(a->by_op, (size_t)*cap * 2 * sizeof *more);
        if (!more)
            return pr_err_set(err, PR_E_INTERNAL, "out of memory");
        memset(more + *cap, 0, (size_t)*cap * sizeof *more);
        a->by_op = more;
        *cap *= 2;
    }
    i = a->nby_op++;
    a->by_op[i].domain = n->domain;
    a->by_op[i].op_type = n->op_type;
    if (pr_names_put(index, n->op_type, i) < 0)
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    return i;
}

/* Per op type: rows, and the MACs and FLOPs of the rows in the totals;
 * params are the weights each op type owns (pr_param_owner: a weight
 * counts once, in its first reader's type), so each column sums to the
 * totals. Built row by row (by_op_add) in pr_aggregate's pass. */
struct by_op {
    int cap;                    /* of a->by_op: distinct operator types, grown as found */
    struct pr_names index;      /* op type -> index in a->by_op */
    /* by the strings' addresses first (bind_ops in infer.c does the same) */
    struct { const char *op_type, *domain; int i; } recent[16];
    bool ovf, failed;
};

static int by_op_start(struct pr_analysis *a, struct by_op *b)
{
    memset(b, 0, sizeof *b);
    b->cap = 64;
    a->by_op = calloc((size_t)b->cap, sizeof *a->by_op);
    return a->by_op && pr_names_init(&b->index, 64) == 0 ? 0 : -1;
}

static inline void by_op_add(struct pr_analysis *a, struct by_op *b, const struct pr_node *n, const struct pr_layer *L,
                             struct pr_err *err)
{
    size_t h = ((uintptr_t)n->op_type >> 3 ^ (uintptr_t)n->op_type >> 7) & 15;
    int i = b->recent[h].op_type == n->op_type && b->recent[h].domain == n->domain
                ? b->recent[h].i : op_type_index(a, &b->index, &b->cap, n, err);
    if (i < 0) {
        b->failed = true;
        return;
    }
    b->recent[h].op_type = n->op_type;
    b->recent[h].domain = n->domain;
    b->recent[h].i = i;
    struct pr_op_total *t = &a->by_op[i];
    t->count++;
    if (L->counted && !n->nsubs) {
        t->macs = pr_u64_add(t->macs, pr_u64_mul(L->macs, L->multiplier, &b->ovf), &b->ovf);
        t->flops = pr_u64_add(t->flops, pr_u64_mul(L->flops, L->multiplier, &b->ovf), &b->ovf);
    }
}

/* The params of each op type, from the weights' owners; frees b. */
static int by_op_finish(struct pr_analysis *a, struct by_op *b, struct pr_err *err)
{
    const struct pr_graph *g = &a->model->graph;
    int rc = b->failed ? -1 : 0;
    for (int k = 0; k < a->nowners && rc == 0; k++) {
        const struct pr_param_owner *o = &a->owners[k];
        int i = op_type_index(a, &b->index, &b->cap, &g->nodes[a->layers[o->layer].node], err);
        if (i < 0)
            rc = -1;
        else
            a->by_op[i].params = pr_u64_add(a->by_op[i].params, o->params, &b->ovf);
    }
    if (rc == 0 && b->ovf)
        rc = pr_err_set(err, PR_E_MODEL, "per-operator totals overflow 64 bits");
    pr_names_free(&b->index);
    return rc;
}

static int cmp_op_total(const void *x, const void *y)
{
    const struct pr_op_total *a = x, *b = y;
    if (a->macs != b->macs)
        return a->macs < b->macs ? 1 : -1;
    if (a->flops != b->flops)
        return a->flops < b->flops ? 1 : -1;
    if (a->params != b->params)
        return a->params < b->params ? 1 : -1;
    return strcmp(a->op_type, b->op_type);
}

struct rank_key { uint64_t macs, flops; int pos; };

static int cmp_rank(const void *x, const void *y)
{
    const struct rank_key *a = x, *b = y;
    if (a->macs != b->macs)
        return a->macs < b->macs ? 1 : -1;
    if (a->flops != b->flops)
        return a->flops < b->flops ? 1 : -1;
    return a->pos - b->pos;
}

/* Groups unsupported layers by (domain, op type): a hash map on the op type
 * (the same op type in two domains is rare and found by a scan); in
 * pr_aggregate's pass each unsupported row is noted with its group, then
 * each group's layer list is made at its exact size: linear. */
struct unsup {
    struct pr_names index;      /* op type -> group */
    int *rows, *group;          /* the unsupported rows, in order, and their groups */
    int n, cap;
    bool oom;
};

static inline void unsup_add(struct pr_analysis *a, struct unsup *u, const struct pr_node *n, int p)
{
    if (u->oom)
        return;
    if (!u->index.cap && pr_names_init(&u->index, 16) < 0) {
        u->oom = true;
        return;
    }
    int i = pr_names_get(&u->index, n->op_type);
    if (i >= 0 && strcmp(a->unsupported[i].domain, n->domain) != 0) {
        i = -1;
        for (int j = 0; j < a->nunsupported && i < 0; j++)
            if (strcmp(a->unsupported[j].op_type, n->op_type) == 0 && strcmp(a->unsupported[j].domain, n->domain) == 0)
                i = j;
    }
    if (i < 0) {
        if (!a->unsupported && !(a->unsupported = calloc((size_t)a->nlayers, sizeof *a->unsupported))) {
            u->oom = true;
            return;
        }
        i = a->nunsupported++;
        a->unsupported[i].domain = n->domain;
        a->unsupported[i].op_type = n->op_type;
        if (pr_names_put(&u->index, n->op_type, i) < 0) {
            u->oom = true;
            return;
        }
    }
    if (u->n == u->cap) {
        int cap = u->cap ? 2 * u->cap : 64;
        int *rows = realloc(u->rows, (size_t)cap * sizeof *rows), *group = rows ? realloc(u->group, (size_t)cap * sizeof *group) : NULL;
        if (rows)
            u->rows = rows;
        if (group)
            u->group = group;
        if (!rows || !group) {
            u->oom = true;
            return;
        }
        u->cap = cap;
    }
    a->unsupported[i].count++;
    u->rows[u->n] = p;
    u->group[u->n++] = i;
}

/* Each group's rows, and a warning per group; frees u. */
static int unsup_finish(struct pr_analysis *a, struct unsup *u, struct pr_err *err)
{
    const struct pr_graph *g = &a->model->graph;
    int rc = u->oom ? pr_err_set(err, PR_E_INTERNAL, "out of memory") : 0;
    for (int i = 0; i < a->nunsupported && rc == 0; i++) {
        struct pr_unsupported *x = &a->unsupported[i];
        x->layers = malloc((size_t)x->count * sizeof *x->layers);
        if (!x->layers)
            rc = pr_err_set(err, PR_E_INTERNAL, "out of memory");
        x->count = 0;
    }
    for (int k = 0; k < u->n && rc == 0; k++) {
        struct pr_unsupported *x = &a->unsupported[u->group[k]];
        x->layers[x->count++] = u->rows[k];
    }
    free(u->rows);
    free(u->group);
    pr_names_free(&u->index);
    if (rc < 0)
        return rc;
    for (int i = 0; i < a->nunsupported; i++) {
        char label[300];
        const struct pr_unsupported *x = &a->unsupported[i];
        const struct pr_layer *first = &a->layers[x->layers[0]];
        const struct pr_node *n = &g->nodes[first->node];
        bool variant = n->op && first->why;   /* a known operator, in a variant its family does not count */
        pr_diag_add(&a->diag, "operator %s%s%s%s (%d node%s, first: %s): %s", x->domain, *x->domain ? "." : "",
                    x->op_type, variant ? "" : " is not supported", x->count, x->count == 1 ? "" : "s",
                    pr_node_label(n, label, sizeof label), variant ? first->why : "counted as zero cost");
    }
    return 0;
}

/* top-N heaviest layers by MACs, then FLOPs, then execution order: a
 * heap of the N best so far, its worst at the root (n log N, N memory) */
static inline void top_add(struct rank_key *heap, size_t cap, size_t *count, struct rank_key k)
{
    size_t n = *count;
    if (n == cap && cmp_rank(&k, &heap[0]) >= 0)
        return;   /* not better than the worst kept */
    size_t i;
    if (n < cap) {   /* sift up from the end */
        for (i = n++; i > 0 && cmp_rank(&heap[(i - 1) / 2], &k) < 0; i = (i - 1) / 2)
            heap[i] = heap[(i - 1) / 2];
    } else {         /* replace the root, sift down */
        for (i = 0;;) {
            size_t c = 2 * i + 1;
            if (c >= n)
                break;
            if (c + 1 < n && cmp_rank(&heap[c + 1], &heap[c]) > 0)
                c++;
            if (cmp_rank(&heap[c], &k) <= 0)
                break;
            heap[i] = heap[c];
            i = c;
        }
    }
    heap[i] = k;
    *count = n;
}

/* One pass over the rows gathers the totals, the steps of the peak, the
 * per-op-type sums, the unsupported rows and the heaviest rows; the
 * results are then finished (and their errors reported) in that order. */
int pr_aggregate(struct pr_analysis *a, int top, struct pr_err *err)
{
    const struct pr_graph *g = &a->model->graph;
    struct pr_totals *T = &a->totals;
    bool ovf = false, sub_peaks = false;
    T->nodes = (uint64_t)a->nlayers;
    struct steps st;
    struct by_op bo;
    struct unsup un = {0};
    size_t cap = top < a->nlayers ? (size_t)(top > 0 ? top : 0) : (size_t)a->nlayers, ntop = 0;
    struct rank_key *heap = malloc((cap + 1) * sizeof *heap);
    a->top = malloc((cap + 1) * sizeof *a->top);
    int started = by_op_start(a, &bo);
    if (steps_alloc(a, &st, !a->death) < 0) {
        free(heap);
        pr_names_free(&bo.index);
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    }
    if (started < 0 || !heap || !a->top) {
        free(heap);
        steps_free(&st);
        pr_names_free(&bo.index);
        return pr_err_set(err, PR_E_INTERNAL, "out of memory");
    }
    for (int p = 0; p < a->nlayers; p++) {
        const struct pr_layer *L = &a->layers[p];
        const struct pr_node *n = &g->nodes[L->node];
        if (L->status != PR_LAYER_OK && L->counted)
            T->incomplete = true;   /* a row shown but not counted leaves the totals whole */
        if (L->depth == 0) {   /* nested rows are in their parent's row already */
            T->macs = pr_u64_add(T->macs, L->macs, &ovf);
            T->flops = pr_u64_add(T->flops, L->flops, &ovf);
            T->activation_bytes = pr_u64_add(T->activation_bytes, L->activation_bytes, &ovf);
            T->bytes_read = pr_u64_add(T->bytes_read, L->bytes_read, &ovf);
            T->bytes_written = pr_u64_add(T->bytes_written, L->bytes_written, &ovf);
            steps_add(&st, L, p);
            sub_peaks |= L->sub_peak_bytes != 0;
        }
        by_op_add(a, &bo, n, L, err);
        if (L->status == PR_LAYER_UNSUPPORTED)
            unsup_add(a, &un, n, p);
        /* rows holding subgraphs aggregate; untaken branches do not count */
        if ((L->macs || L->flops) && L->counted && !n->nsubs && cap)
            top_add(heap, cap, &ntop, (struct rank_key){L->macs, L->flops, p});
    }
    int rc = 0;
    if (ovf)
        rc = pr_err_set(err, PR_E_MODEL, "model totals overflow 64 bits; check the input shapes");
    if (rc == 0)
        rc = peak_memory(a, &st, sub_peaks, err);
    else
        steps_free(&st);
    if (rc == 0)
        rc = by_op_finish(a, &bo, err);
    else
        pr_names_free(&bo.index);
    if (rc == 0)
        rc = unsup_finish(a, &un, err);
    else {
        free(un.rows);
        free(un.group);
        pr_names_free(&un.index);
    }
    if (rc < 0) {
        free(heap);
        return rc;
    }
    qsort(a->by_op, (size_t)a->nby_op, sizeof *a->by_op, cmp_op_total);
    qsort(heap, ntop, sizeof *heap, cmp_rank);
    for (size_t i = 0; i < ntop; i++)
        a->top[i] = heap[i].pos;
    a->ntop = (int)ntop;
    free(heap);
    return 0;
}

int pr_analyze(struct pr_model *m, const struct pr_options *opt, struct pr_analysis *a, struct pr_err *err)
{
    int rc = pr_infer(m, opt, a, err);
    if (rc == 0)
        rc = pr_aggregate(a, opt->top > 0 ? opt->top : 10, err);
    if (rc < 0)
        pr_analysis_free(a);
    return rc;
}

void pr_analysis_free(struct pr_analysis *a)
{
    free(a->death);
    free(a->act);
    free(a->layers);
    free(a->by_op);
    free(a->owners);
    for (int i = 0; i < a->nunsupported; i++)
        free(a->unsupported[i].layers);
    free(a->unsupported);
    free(a->top);
    free(a->unbound);
    free(a->assumptions);
    pr_diag_free(&a->diag);
    pr_arena_free(&a->arena);
    memset(a, 0, sizeof *a);
}

/* ---- liveness along the schedule, for reports (liveness.h, as the peak) ---- */

int pr_live_series(const struct pr_analysis *a, uint64_t *live)
{
    const struct pr_graph *g = &a->model->graph;
    struct steps st;
    if (steps_of(a, &st) < 0)
        return -1;
    uint64_t *w = malloc(((size_t)st.n + 1) * sizeof *w), *r = malloc(((size_t)st.n + 1) * sizeof *r);
    if (!w || !r) {
        free(w), free(r);
        steps_free(&st);
        return -1;
    }
    bool ovf = false;
    struct pr_live lv;
    pr_live_bytes(g->values, g, st.order, st.death, NULL, NULL, NULL, w, r, &lv, &ovf);
    /* a nested row shows what is live while its parent runs: the parent's released bytes */
    uint64_t now = lv.start;
    live[0] = now;
    for (int p = 0, s = 0; p < a->nlayers; p++) {
        if (s < st.n && st.pos[s] == p) {
            live[p + 1] = w[s];
            now = r[s++];
        } else {
            live[p + 1] = now;
        }
    }
    free(w), free(r);
    steps_free(&st);
    return ovf ? -1 : 0;
}

int pr_live_at(const struct pr_analysis *a, int at, int *vals, int cap)
{
    const struct pr_graph *g = &a->model->graph;
    struct steps st;
    if (steps_of(a, &st) < 0)
        return -1;
    int *pos_of_node = malloc(((size_t)g->nnodes + 1) * sizeof *pos_of_node);
    if (!pos_of_node) {
        steps_free(&st);
        return -1;
    }
    for (int s = 0; s < st.n; s++)
        pos_of_node[st.order[s]] = st.pos[s];
    int n = 0;
    bool ovf = false;
    for (int v = 0; v < g->nvalues; v++) {
        int d = st.death[v];
        if (d < 0)
            continue;   /* not a value of the main graph */
        int born = g->values[v].producer < 0 ? -1 : pos_of_node[g->values[v].producer];
        int death = d == PR_LIVE_END ? a->nlayers : st.pos[d];
        if (born <= at && at <= death && pr_value_act_bytes(&g->values[v], &ovf) > 0) {
            if (n < cap)
                vals[n] = v;
            n++;
        }
    }
    free(pos_of_node);
    steps_free(&st);
    return n;
}
