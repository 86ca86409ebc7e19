/* node.h -- evaluating one node through its operator row.
 *
 * pr_op_run() is the one path from a node to its shape and cost: inference
 * (infer.c) and the unit tests both go through it. It presets the weight
 * mask (inputs that are weights of a floating or 8/4-bit type), skips the
 * shape function when an input's rank is unknown (outputs stay unknown),
 * and checks the context's sticky error flag after each call.
 */
#ifndef PR_NODE_H
#define PR_NODE_H

#include "op.h"

enum pr_run {
    PR_RUN_OK = 0,
    PR_RUN_ERROR = -1,         /* c->err holds the message */
    PR_RUN_UNKNOWN_INPUT = 1   /* an input's rank is unknown: nothing computed */
};

/* Inputs that are weights by default: initializers and Constant outputs of
 * a floating type or of 8 bits or fewer (quantized weights). */
uint64_t pr_default_weight_mask(const struct pr_op_ctx *c);

/* What the walk (infer.c) provides behind the accessors: the symbols of
 * data-dependent dims (pr_data_dim) and subgraph runs (pr_subgraph_*). The
 * walk points each node's context at its table, so this layer and ops/
 * reach the walk without depending on it; the functions' contracts are
 * those of the op.h accessors of the same name. symbol_get: 1 and *value
 * when bound with --dim, else 0; symbol_unbound records an unbound one and
 * returns 1 the first time, 0 after. */
struct pr_op_host {
    int (*symbol_get)(struct pr_symbols *s, const char *name, int64_t *value);
    int (*symbol_unbound)(struct pr_symbols *s, const char *name);
    int (*subgraph_run)(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in, struct pr_tensor *out,
                        uint64_t times, struct pr_sub_cost *cost);
    int (*subgraph_run_assumed)(struct pr_op_ctx *c, int sub, const struct pr_tensor *const *in,
                                struct pr_tensor *out, uint64_t times, struct pr_sub_cost *cost, int *failed);
    void (*subgraph_skip)(struct pr_op_ctx *c, int sub);
    void (*subgraph_discard)(struct pr_op_ctx *c, int sub);
    int (*subgraph_input)(struct pr_op_ctx *c, int sub, int i, struct pr_tensor *t);
};

/* Runs op's shape then cost function on c. */
enum pr_run pr_op_run(const struct pr_op *op, struct pr_op_ctx *c, struct pr_cost *k);

#endif
