/* analysis.h -- what analysing a model produces, and how to ask for it.
 *
 * pr_analyze() binds the graph inputs (--input shapes, --dim symbols),
 * orders the nodes (infer.c), runs every node through its operator row and
 * aggregates the results (analysis.c). Report writers only read a struct
 * pr_analysis; they never recompute.
 *
 * Ownership: the analysis points into the model (names, shapes) and owns
 * its arrays (freed by pr_analysis_free); the model must outlive it.
 */
#ifndef PR_ANALYSIS_H
#define PR_ANALYSIS_H

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
};

enum pr_layer_status {
    PR_LAYER_OK,
    PR_LAYER_UNSUPPORTED,       /* op not in the table: zero cost, shapes from value_info */
    PR_LAYER_SHAPE_UNKNOWN,     /* an input or output shape is unknown */
    PR_LAYER_COST_INCOMPLETE    /* shapes known in rank only: counts are lower bounds */
};

struct pr_layer {
    int node;                   /* index into model->graph.nodes */
    enum pr_layer_status status;
    /* Control flow: the nodes of a subgraph (If branch, Loop/Scan body) are
     * rows nested under the row of the node that holds it, right after it.
     * A parent row's counts are what it adds to the totals (its chosen
     * branch, its body times the trip count); a child row shows one
     * execution, and counts `multiplier` times in the totals. */
    int parent;                 /* position in layers[] of the parent row; -1 at top level */
    int16_t depth;              /* 0 at top level (at most PR_MAX_NESTING) */
    bool counted;               /* false: shown, not in the totals (an If branch not taken) */
    unsigned char kernel;       /* enum pr_kernel_class (ops/op.h), from the operator's cost */
    uint32_t steps;             /* kernels run one after another (RNN steps); 0: one */
    uint64_t params, macs, flops;
    uint64_t activation_bytes;  /* bytes of the node's outputs */
    uint64_t bytes_read;        /* inputs (activations and weights) */
    uint64_t bytes_written;     /* outputs */
    uint64_t multiplier;        /* how many times the row's counts enter the totals (trips of
                                   the enclosing loops; 1 at top level; when a row's executions
                                   differ, the row sums them all and this is 1) */
    uint64_t sub_peak_bytes;    /* live bytes its subgraphs add while they run (peak) */
    const char *why;            /* why the row is incomplete or not counted (arena); NULL: complete */
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
    struct pr_op_total *by_op;  /* sorted by MACs, then FLOPs, descending */
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
};

/* Analyse m with opt. On error (usage: an --input naming no input, exit 2;
 * model: a node the table rejects, a cycle, an overflow, exit 3) err says
 * what and where and a is left freed. m's value shapes are filled in. */
int pr_analyze(struct pr_model *m, const struct pr_options *opt, struct pr_analysis *a,
               struct pr_err *err);
void pr_analysis_free(struct pr_analysis *a);

/* Live activation bytes along the schedule (the rule of the peak):
 * live[0] at the start (the graph inputs), live[p + 1] just after layer p
 * wrote its outputs; live has nlayers + 1 entries. 0, or -1 on OOM. */
int pr_live_series(const struct pr_analysis *a, uint64_t *live);
/* Value indices of the activations alive at position at (-1: the start),
 * the first cap of them into vals; returns how many there are, -1 on OOM. */
int pr_live_at(const struct pr_analysis *a, int at, int *vals, int cap);

/* ---- internal to infer.c / analysis.c ---- */
int pr_schedule(const struct pr_model *m, int *order, struct pr_err *err);
int pr_schedule_graph(const struct pr_graph *g, int *order, struct pr_err *err);
/* Activation bytes of a value (0 for weights); *ovf on overflow. */
uint64_t pr_value_act_bytes(const struct pr_value *v, bool *ovf);
int pr_aggregate(struct pr_analysis *a, int top, struct pr_err *err);
const char *pr_layer_status_name(enum pr_layer_status s);
/* Whether a row's own counts enter the totals (times its multiplier): a
 * counted row with no subgraphs. Rows that hold subgraphs only aggregate
 * their children; the cheaper If branch is shown but not counted. */
bool pr_layer_in_totals(const struct pr_analysis *a, const struct pr_layer *L);
/* The parent's attribute holding a row's graph ("then_branch", "body", …);
 * "" at top level. */
const char *pr_layer_graph(const struct pr_analysis *a, const struct pr_layer *L);
/* Symbols of data-dependent dims (pr_data_dim): 1 and *value when bound
 * with --dim, else 0. pr_symbols_unbound records an unbound one (copied)
 * and returns 1 the first time, 0 after. */
int pr_symbols_get(struct pr_symbols *s, const char *name, int64_t *value);
int pr_symbols_unbound(struct pr_symbols *s, const char *name);
/* --value NAME=TEXT parsed against the input's dtype and declared (or
 * --input) shape into out, values in the arena (bind_value.c). 0, or -1
 * with err set (PR_EXIT_USAGE) when the text does not fit. */
struct pr_arena;
/* A value given as a tensor checked against the input's dtype and shape
 * (rank and known extents equal; dtype is not compared). 0, or -1 with err (PR_EXIT_USAGE). */
int pr_value_check(const char *name, const struct pr_tensor *t, int dtype, const struct pr_shape *decl,
                   struct pr_err *err);
int pr_value_parse(const char *name, const char *text, int dtype, const struct pr_shape *decl,
                   struct pr_arena *arena, struct pr_tensor *out, struct pr_err *err);

#endif
