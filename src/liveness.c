/* liveness.c -- the one liveness rule (liveness.h; DESIGN.md "activation
 * memory"). For one run of a graph in its order:
 *   live(start)  = bytes of the graph's inputs
 *   during(p)    = live(p-1) + sub_peak(p)        (a node with subgraphs)
 *   written(p)   = live(p-1) + out_bytes(p)
 *   live(p)      = written(p) - bytes of the values whose last use is p
 *   peak         = max(live(start), max_p during(p), max_p written(p))
 * Values of enclosing graphs are counted outside (in their own graph).
 */
#include "liveness.h"

#define GONE (-2)   /* death of a value already released */

/* Input k of n: its inputs, then the values of enclosing scopes its
 * subgraphs read. */
static int dep(const struct pr_node *n, int k)
{
    return k < n->nin ? n->in[k] : n->implicit[k - n->nin];
}

/* One pass in schedule order: a value's producer runs before every
 * consumer, so its step set at birth is overwritten by each later reader;
 * the last write is its last consumer. */
void pr_live_start(const struct pr_graph *g, int *death)
{
    for (int i = 0; i < g->ninputs; i++)
        death[g->inputs[i]] = PR_LIVE_END;
}

void pr_live_note(const struct pr_value *values, const struct pr_graph *g, const struct pr_node *n, int p, int *death)
{
    for (int k = 0; k < n->nin + n->nimplicit; k++) {
        int v = dep(n, k);
        if (v >= 0 && values[v].graph == g->id && !values[v].is_output)
            death[v] = p;
    }
    for (int k = 0; k < n->nout; k++)
        if (n->out[k] >= 0)
            death[n->out[k]] = values[n->out[k]].is_output ? PR_LIVE_END : p;
}

void pr_live_deaths(const struct pr_value *values, const struct pr_graph *g, const int *order, int *death)
{
    pr_live_start(g, death);
    for (int p = 0; p < g->nnodes; p++)
        pr_live_note(values, g, &g->nodes[order[p]], p, death);
}

/* Bytes of value v: act's, else computed. */
static inline uint64_t act_bytes(const struct pr_value *values, const uint64_t *act, int v, bool *ovf)
{
    return act ? act[v] : pr_value_act_bytes(&values[v], ovf);
}

void pr_live_bytes(const struct pr_value *values, const struct pr_graph *g, const int *order, int *death,
                   uint64_t (*sub_peak)(void *ctx, int step), void *ctx, const uint64_t *act,
                   uint64_t *written, uint64_t *released, struct pr_live *out, bool *ovf)
{
    /* the main graph reads no value of another graph (it has no enclosing
     * scope): its values need not be looked at for that */
    bool outer = g->parent != NULL;
    uint64_t live = 0;
    for (int i = 0; i < g->ninputs; i++)
        live = pr_u64_add(live, act_bytes(values, act, g->inputs[i], ovf), ovf);
    out->start = out->peak = live;
    out->peak_step = -1;
    for (int p = 0; p < g->nnodes; p++) {
        const struct pr_node *n = &g->nodes[order[p]];
        uint64_t during = pr_u64_add(live, sub_peak ? sub_peak(ctx, p) : 0, ovf);
        if (during > out->peak)
            out->peak = during, out->peak_step = p;
        for (int k = 0; k < n->nout; k++)
            if (n->out[k] >= 0)
                live = pr_u64_add(live, act_bytes(values, act, n->out[k], ovf), ovf);
        if (live > out->peak)
            out->peak = live, out->peak_step = p;
        if (written)
            written[p] = live;
        for (int k = 0; k < n->nin + n->nimplicit + n->nout; k++) {
            int v = k < n->nin + n->nimplicit ? dep(n, k) : n->out[k - n->nin - n->nimplicit];
            if (v >= 0 && death[v] == p && (!outer || values[v].graph == g->id)) {
                live -= act_bytes(values, act, v, ovf);
                death[v] = GONE;
            }
        }
        if (released)
            released[p] = live;
    }
}
