/* infer.h -- inference: binding the graph inputs, the topological walk,
 * and the record it fills.
 *
 * pr_infer() binds each node to its operator row, binds the graph inputs
 * (--input shapes, --dim symbols, --value values), orders the nodes, and
 * runs every node through its row (shape, then cost), filling one struct
 * pr_layer per node. Aggregation (totals, breakdowns, peak memory) is the
 * analysis layer's (analysis.h: pr_analyze = pr_infer + pr_aggregate).
 *
 * Ownership: the analysis points into the model (names, shapes) and owns
 * its arrays (freed by pr_analysis_free); the model must outlive it.
 */
#ifndef PR_INFER_H
#define PR_INFER_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

struct pr_input_shape { const char *name; struct pr_shape shape; };  /* --input NAME=1x3x224x224 */
struct pr_dim_binding { const char *symbol; int64_t value; };        /* --dim SYMBOL=N */
/* Known input values: a tensor (the conformance runner), or the text of
 * --value NAME=V[,V...] (t NULL), checked against the input's declared
 * type and shape when the inputs are bound (usage error when it does not fit). */
struct pr_input_value { const char *name; const struct pr_tensor *t; const char *text; };

struct pr_options {
    const struct pr_input_shape *inputs;
    int ninputs;
    const struct pr_dim_binding *dims;
    int ndims;
    const struct pr_input_value *values;   /* --value, and the conformance tests' inputs */
    int nvalues;
    int top;                                /* heaviest layers to list (default 10) */
    bool kv_shared;                         /* the runtime updates every attention's KV cache in one
                                               buffer, which the graph does not show (priori llm
                                               --kv-buffer): its traffic is the rows read and written */
};

enum pr_layer_status {
    PR_LAYER_OK,
    PR_LAYER_UNSUPPORTED,       /* op not in the table: zero cost, shapes from value_info */
    PR_LAYER_SHAPE_UNKNOWN,     /* an input or output shape is unknown */
    PR_LAYER_COST_INCOMPLETE    /* shapes known in rank only: counts are lower bounds */
};

struct pr_layer {
    int node;                   /* index into model->graph.nodes */
    /* Control flow: the nodes of a subgraph (If branch, Loop/Scan body) are
     * rows nested under the row of the node that holds it, right after it.
     * A parent row's counts are what it adds to the totals (its chosen
     * branch, its body times the trip count); a child row shows one
     * execution, and counts `multiplier` times in the totals. */
    int parent;                 /* position in layers[] of the parent row; -1 at top level */
    uint32_t steps;             /* kernels run one after another (RNN steps); 0: one */
    /* one byte each (a graph has a row per node): the 16 bytes above the counts */
    unsigned char status;       /* enum pr_layer_status */
    signed char depth;          /* 0 at top level (at most PR_MAX_NESTING, 64) */
    bool counted;               /* false: shown, not in the totals (an If branch not taken) */
    unsigned char kernel;       /* enum pr_kernel_class (ops/op.h): its ops.def row's, as
                                   its cost function refined it */
    uint64_t params, macs, flops;
    uint64_t activation_bytes;  /* bytes of the node's outputs */
    uint64_t bytes_read;        /* inputs (activations and weights) */
    uint64_t bytes_written;     /* outputs */
    /* a KV cache updated in place (ops/op.h struct pr_kv_inplace) counts its
       valid past rows in bytes_read and its new rows in the other two */
    uint64_t multiplier;        /* how many times the row's counts enter the totals (trips of
                                   the enclosing loops; 1 at top level; when a row's executions
                                   differ, the row sums them all and this is 1) */
    uint64_t sub_peak_bytes;    /* live bytes its subgraphs add while they run (peak) */
    const char *why;            /* why the row is incomplete or not counted (arena); NULL: complete */
};

/* Each weight counts once in the totals, given to the first row that reads
 * it (in walk order): a weight shared by several nodes (tied embeddings,
 * ALBERT's layers) shows in every reading row's params, but its owner's op
 * type alone counts it in by_op, so that by_op's params sum to the totals. */
struct pr_param_owner {
    int layer;                  /* position in layers[] */
    uint64_t params;
};

struct pr_op_total {
    const char *domain, *op_type;
    int count;
    uint64_t params, macs, flops;
};

struct pr_unsupported {
    const char *domain, *op_type;
    int count;
    int *layers;                /* positions in layers[] */
};

struct pr_totals {
    uint64_t nodes, params, macs, flops, weight_bytes;
    uint64_t activation_bytes, peak_activation_bytes, bytes_read, bytes_written;
    int peak_layer;             /* position in layers[] where the peak occurs (-1: at the start) */
    bool incomplete;            /* some layer's shape or cost is unknown */
};

struct pr_analysis {
    const struct pr_model *model;
    struct pr_layer *layers;    /* execution order */
    int nlayers;
    struct pr_totals totals;
    struct pr_param_owner *owners; /* every weight counted in totals.params, once */
    int nowners;
    struct pr_op_total *by_op;  /* sorted by MACs, then FLOPs, descending; params from owners */
    int nby_op;
    struct pr_unsupported *unsupported;
    int nunsupported;
    int *top;                   /* positions in layers[], heaviest first */
    int ntop;
    const char **unbound;       /* symbols taken as 1 */
    int nunbound;
    const char **assumptions;   /* what priori assumed (each names the flag that fixes it) */
    int nassumptions;
    int nassume_failures;       /* nodes that failed only under those assumptions (--strict: exit 3) */
    struct pr_diag diag;        /* warnings, in the order found */
    /* the main graph's liveness as the walk noted it (liveness.h: deaths,
     * activation bytes per value), for pr_aggregate's peak, which uses
     * them up (NULL afterwards) */
    int *death;
    uint64_t *act;
    /* what this analysis derived: shapes and constant values of the values
     * it inferred (the model's values point into it until the next
     * analysis resets them), reasons, symbol names; freed with it, so that
     * analysing one model again and again does not grow its memory */
    struct pr_arena arena;
};

/* Binds and walks m with opt, filling a's layers, unbound symbols,
 * assumptions and warnings (a is zeroed first). On error (usage: an --input
 * naming no input, exit 2; model: a node the table rejects, a cycle, an
 * overflow, exit 3) err says what and where; the caller frees a either way
 * (pr_analysis_free). m's value shapes are filled in. */
int pr_infer(struct pr_model *m, const struct pr_options *opt, struct pr_analysis *a, struct pr_err *err);

/* Topological order of the main graph's / of g's nodes; -1 with err on a cycle. */
int pr_schedule(const struct pr_model *m, int *order, struct pr_err *err);
int pr_schedule_graph(const struct pr_graph *g, int *order, struct pr_err *err);

/* --value NAME=TEXT parsed against the input's dtype and declared (or
 * --input) shape into out, values in the arena (bind_value.c). 0, or -1
 * with err set (PR_E_ARG) when the text does not fit. */
struct pr_arena;
/* A value given as a tensor checked against the input's dtype and shape
 * (rank and known extents equal; dtype is not compared). 0, or -1 with err (PR_E_ARG). */
int pr_value_check(const char *name, const struct pr_tensor *t, int dtype, const struct pr_shape *decl,
                   struct pr_err *err);
int pr_value_parse(const char *name, const char *text, int dtype, const struct pr_shape *decl,
                   struct pr_arena *arena, struct pr_tensor *out, struct pr_err *err);

#endif
