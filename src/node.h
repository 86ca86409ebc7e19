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

/* Runs op's shape then cost function on c. */
enum pr_run pr_op_run(const struct pr_op *op, struct pr_op_ctx *c, struct pr_cost *k);

#endif
