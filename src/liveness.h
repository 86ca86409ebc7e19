/* liveness.h -- the one liveness rule, for every consumer.
 *
 * A value lives from its producer (a graph input: from the start) through
 * its last consumer; a graph output, and a graph input no node reads, live
 * to the end; a node output nothing reads dies where it is born. Weights
 * are not activations (0 bytes). The peak of each subgraph run (infer.c),
 * the model's peak (analysis.c) and the reports' live series (analysis.c
 * pr_live_series, pr_live_at) all go through these two functions.
 *
 * Steps: one run of graph g in the order `order` (step p runs node
 * g->nodes[order[p]]; g->nnodes steps).
 */
#ifndef PR_LIVENESS_H
#define PR_LIVENESS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "model.h"

#define PR_LIVE_END INT_MAX   /* death of a value alive to the end of the run */

/* death[v] for each value v of g (its inputs and its nodes' outputs): the
 * step of its last consumer in g, PR_LIVE_END when it lives to the end,
 * its producer's step when nothing reads it. Other entries are not
 * touched. values: the model's value array (all graphs share it). */
void pr_live_deaths(const struct pr_value *values, const struct pr_graph *g, const int *order, int *death);
/* pr_live_deaths in steps, for a caller that runs the nodes itself (the
 * walk): pr_live_start once, then pr_live_note for each step in order. */
void pr_live_start(const struct pr_graph *g, int *death);
void pr_live_note(const struct pr_value *values, const struct pr_graph *g, const struct pr_node *n, int p,
                  int *death);

struct pr_live {
    uint64_t start;               /* bytes of g's inputs */
    uint64_t peak;                /* max of start, during(p) and written(p) */
    int peak_step;                /* step of the peak; -1: the start */
};

/* Live bytes along the run, with death from pr_live_deaths (consumed:
 * released values are marked). Per step p:
 *   during(p)   = live before p + sub_peak(ctx, p)  (its subgraphs running;
 *                 sub_peak NULL: 0)
 *   written(p)  = live before p + bytes of p's outputs
 *   released(p) = written(p) - bytes of the values whose death is p
 * written and released (NULL: not wanted) get g->nnodes entries; *ovf is
 * set on overflow. act (NULL: computed from values): each value's
 * pr_value_act_bytes, for g's inputs and the values its steps write or
 * read, as the walk found them. */
void pr_live_bytes(const struct pr_value *values, const struct pr_graph *g, const int *order, int *death,
                   uint64_t (*sub_peak)(void *ctx, int step), void *ctx, const uint64_t *act,
                   uint64_t *written, uint64_t *released, struct pr_live *out, bool *ovf);

#endif
