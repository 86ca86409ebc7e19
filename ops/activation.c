/* activation.c -- pointwise activations and Softmax/LogSoftmax.
 *
 * Every operator here returns a tensor of its input's shape and element
 * type; the shape function validates what can be wrong (attribute types,
 * PRelu's slope shape, Clip's bounds, the softmax axis). No MACs. FLOPs
 * per output element, counting each +, -, x, /, comparison and
 * transcendental (exp, log, tanh) of the ONNX defining formula as 1:
 *
 *   Relu         max(0, x)                                   1 (compare)
 *   LeakyRelu    x < 0 ? alpha*x : x                         2 (compare, mul)
 *   PRelu        x < 0 ? slope*x : x                         2 (compare, mul)
 *   Clip         min(max(x, min), max)                       2 (two compares)
 *   Sigmoid      1 / (1 + exp(-x))                           4 (neg, exp, add, div)
 *   HardSigmoid  max(0, min(1, alpha*x + beta))              4 (mul, add, min, max)
 *   HardSwish    x * max(0, min(1, x/6 + 1/2))               5 (HardSigmoid + mul)
 *   Tanh         tanh(x)                                     1
 *   Elu          x < 0 ? alpha*(exp(x) - 1) : x              4 (compare, exp, sub, mul)
 *   Selu         x <= 0 ? gamma*(alpha*exp(x) - alpha)
 *                       : gamma*x                            5 (compare, exp, mul, sub, mul)
 *   Softplus     log(exp(x) + 1)                             3 (exp, add, log)
 *   Softmax      exp(x - max) / sum(exp(x - max))            5 (max compare, sub, exp,
 *                                                               sum add, div)
 *   LogSoftmax   (x - max) - log(sum(exp(x - max)))          5 per element (max compare,
 *                                                               sub, exp, sum add, sub)
 *                                                            + 1 log per reduced row
 *
 * Clip bounds default to the type's lowest/highest value, so both compares
 * are counted even when a bound is absent.
 *
 * Opset differences:
 * - Clip: before opset 11, `min`/`max` are float attributes and the node
 *   has one input; from 11 they are optional scalar inputs 1 and 2. Those
 *   inputs are hyper-parameters, not weights: their mask bits are cleared.
 * - Softmax/LogSoftmax: before opset 13 the input is coerced to 2-D at
 *   `axis` (default 1): rows = prod(dims[0:axis]), each reduced over
 *   prod(dims[axis:]); the accepted axis range is [-r, r] before opset 11
 *   (the coercion allows axis = r) and [-r, r-1] from 11. From opset 13 the
 *   reduction is over dims[axis] alone (default -1), axis in [-r, r-1].
 *   The output shape is the input's either way.
 * - PRelu: from opset 7 the slope broadcasts unidirectionally to X (numpy
 *   rules, X's shape wins); before 7 a slope of one element or a 1-D slope
 *   of X's channel count (dim 1) is also accepted. The slope is a weight
 *   (its mask bit is kept).
 * - LeakyRelu, Elu, Selu, HardSigmoid: `consumed_inputs` before opset 6 is
 *   ignored; alpha/beta/gamma do not change the counts.
 */
#include "families.h"

#include <math.h>

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

/* The softmax axis normalised to [0, r] (r only for the 2-D coercion of
 * opset < 11); -1 after recording an error. */
static int softmax_axis(struct pr_op_ctx *c, int rank)
{
    int64_t axis = pr_attr_int(c, "axis", c->opset < 13 ? 1 : -1);
    int64_t hi = c->opset < 11 ? rank : rank - 1;
    if (axis < -(int64_t)rank || axis > hi)
        return pr_op_error(c, "axis %lld is out of range for an input of rank %d "
                           "(accepted: %d to %lld)", (long long)axis, rank, -rank, (long long)hi);
    return (int)(axis < 0 ? axis + rank : axis);
}

/* Slope must broadcast to X without changing X's shape. */
static int check_slope(struct pr_op_ctx *c, const struct pr_shape *x, const struct pr_shape *s)
{
    char sx[160], ss[160];
    if (c->opset < 7) {
        bool one = true;
        for (int d = 0; d < s->rank; d++)
            one = one && s->dim[d] == 1;
        if (one)
            return 0;
        if (s->rank == 1 && x->rank >= 2 &&
            (s->dim[0] == x->dim[1] || s->dim[0] < 0 || x->dim[1] < 0))
            return 0;
    }
    bool ok = s->rank <= x->rank;
    for (int d = 0; ok && d < s->rank; d++) {
        int64_t sd = s->dim[s->rank - 1 - d], xd = x->dim[x->rank - 1 - d];
        ok = sd == 1 || sd == xd || sd < 0 || xd < 0;
    }
    if (ok)
        return 0;
    return pr_op_error(c, "slope (%s) does not broadcast to X (%s): slope must have at most "
                       "X's rank and each trailing extent equal to X's or 1",
                       pr_shape_str(s, ss, sizeof ss), pr_shape_str(x, sx, sizeof sx));
}

/* Clip bounds: attributes before opset 11, optional scalar inputs from 11. */
static int check_clip(struct pr_op_ctx *c)
{
    if (c->opset < 11) {
        if (c->nin > 1)
            return pr_op_error(c, "Clip before opset 11 takes min and max as attributes, "
                               "but the node has %d inputs", c->nin);
        pr_attr_float(c, "min", -INFINITY);
        pr_attr_float(c, "max", INFINITY);
        return 0;
    }
    if (c->nin > 3)
        return pr_op_error(c, "Clip takes at most 3 inputs (input, min, max) but the node has %d",
                           c->nin);
    if (pr_attr_has(c, "min") || pr_attr_has(c, "max"))
        return pr_op_error(c, "Clip since opset 11 takes min and max as inputs 1 and 2, "
                           "not attributes");
    for (int i = 1; i <= 2; i++) {
        const struct pr_tensor *b = pr_input(c, i);
        if (!b)
            continue;
        for (int d = 0; d < b->shape.rank; d++)
            if (b->shape.dim[d] >= 0 && b->shape.dim[d] != 1) {
                char sb[160];
                return pr_op_error(c, "Clip %s must be a scalar but has shape %s",
                                   i == 1 ? "min" : "max", pr_shape_str(&b->shape, sb, sizeof sb));
            }
    }
    return 0;
}

int act_shape(struct pr_op_ctx *c)
{
    const char *name = op_name(c);
    if (pr_op_require(c, c->op_id == PR_OP_PRELU ? 2 : 1) < 0)
        return -1;
    if (c->nout > 1)
        return pr_op_error(c, "%s has 1 output but the node has %d", name, c->nout);
    int max_in = c->op_id == PR_OP_PRELU ? 2 : c->op_id == PR_OP_CLIP ? 3 : 1;
    if (c->nin > max_in)
        return pr_op_error(c, "%s takes %d input%s but the node has %d",
                           name, max_in, max_in == 1 ? "" : "s", c->nin);
    const struct pr_tensor *x = pr_input(c, 0);
    switch (c->op_id) {
    case PR_OP_RELU: case PR_OP_TANH: case PR_OP_SIGMOID: case PR_OP_SOFTPLUS:
    case PR_OP_HARD_SWISH:
        break;
    case PR_OP_LEAKY_RELU: case PR_OP_ELU:
        pr_attr_float(c, "alpha", c->op_id == PR_OP_ELU ? 1.0 : 0.01);
        break;
    case PR_OP_SELU:
        pr_attr_float(c, "alpha", 1.67326319217681884765625);
        pr_attr_float(c, "gamma", 1.05070102214813232421875);
        break;
    case PR_OP_HARD_SIGMOID:
        pr_attr_float(c, "alpha", 0.2);
        pr_attr_float(c, "beta", 0.5);
        break;
    case PR_OP_PRELU:
        if (check_slope(c, &x->shape, &pr_input(c, 1)->shape) < 0)
            return -1;
        break;
    case PR_OP_CLIP:
        if (check_clip(c) < 0)
            return -1;
        break;
    case PR_OP_SOFTMAX: case PR_OP_LOG_SOFTMAX:
        if (softmax_axis(c, x->shape.rank) < 0)
            return -1;
        break;
    default:
        return pr_op_error(c, "%s is not an activation", name);
    }
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

/* FLOPs per output element (see the table at the top). */
static uint64_t flops_per_element(int op)
{
    switch (op) {
    case PR_OP_RELU: case PR_OP_TANH:
        return 1;
    case PR_OP_LEAKY_RELU: case PR_OP_PRELU: case PR_OP_CLIP:
        return 2;
    case PR_OP_SOFTPLUS:
        return 3;
    case PR_OP_SIGMOID: case PR_OP_HARD_SIGMOID: case PR_OP_ELU:
        return 4;
    default:   /* HardSwish, Selu, Softmax, LogSoftmax */
        return 5;
    }
}

/* Rows a softmax reduces: dims before the axis (2-D coercion, opset < 13)
 * or every dim but the axis (13+). */
static uint64_t softmax_rows(struct pr_op_ctx *c, const struct pr_shape *s, int axis)
{
    struct pr_shape rows = {.rank = 0};
    for (int d = 0; d < s->rank; d++) {
        bool reduced = c->opset < 13 ? d >= axis : d == axis;
        if (!reduced)
            rows.dim[rows.rank++] = s->dim[d];
    }
    return pr_numel(c, &rows);
}

int act_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    const struct pr_shape *s = &c->out[0]->shape;
    k->flops = pr_mul(c, pr_numel(c, s), flops_per_element(c->op_id));
    if (c->op_id == PR_OP_LOG_SOFTMAX) {
        int axis = softmax_axis(c, s->rank);
        if (axis < 0)
            return -1;
        k->flops = pr_add(c, k->flops, softmax_rows(c, s, axis));
    }
    if (c->op_id == PR_OP_CLIP)
        k->weight_mask &= 1;   /* min, max are hyper-parameters */
    return 0;
}
