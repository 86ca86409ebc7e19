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
 *   Erf          erf(x)                                      1
 *   Softsign     x / (1 + |x|)                               3 (abs, add, div)
 *   Celu         max(0, x) + min(0, alpha*(exp(x/alpha) - 1)) 7 (div, exp, sub, mul,
 *                                                               min, max, add)
 *   Mish         x * tanh(log(1 + exp(x)))                   5 (exp, add, log, tanh, mul)
 *   Shrink       x < -lambd ? x + bias : x > lambd ? x - bias : 0
 *                                                            3 (two compares, add or sub)
 *   ThresholdedRelu  x > alpha ? x : 0                       1 (compare)
 *   Hardmax      1 at the first maximum of the row, else 0   1 (max compare)
 *   Gelu, approximate = "none" (and com.microsoft Gelu):
 *                0.5 * x * (1 + erf(x / sqrt(2)))            5 (div, erf, add, mul, mul)
 *   Gelu, approximate = "tanh" (the spec's function body):
 *                0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
 *                                                            8 (pow, mul, add, mul, tanh,
 *                                                               add, mul, mul)
 *   QuickGelu    x * sigmoid(alpha * x)                      6 (mul, Sigmoid 4, mul)
 *   Swish        x * sigmoid(alpha * x) (opset 24)           6 (as QuickGelu)
 *
 * com.microsoft fusions with a bias (ONNX Runtime contrib operators; shape
 * functions biasact_shape/biasact_cost): the bias is 1-D with X's last
 * extent and is broadcast along it; every element pays one add for it.
 *   BiasGelu     Gelu(A + B)                                 6 (add + Gelu 5)
 *   FastGelu     Gelu tanh form of X (+ bias)                8, 9 with the bias
 *                (ONNX Runtime writes x^3 as X*X*X; it is the same function as
 *                Gelu "tanh" and is counted the same)
 *   BiasAdd      X + bias + skip (skip has X's shape)        2 (two adds)
 *   BiasSoftmax  (ONNX Runtime's BiasSoftmaxFusion, CUDA/ROCm) Softmax(data
 *                + bias) over the axes from `axis` (default 1) on:
 *                1 add + Softmax's 5                             6
 *                bias broadcasts to data (numpy rules, data's shape kept);
 *                is_inner_broadcast (required) says along which axes,
 *                which changes no count
 *   BiasDropout  (training fusions) Dropout(data + bias) + residual: the
 *                bias is 1-D with data's last extent or data's shape, the
 *                residual data's shape; counted as inference, where the
 *                dropout passes its input (as Dropout, shape_ops.c):
 *                1 add + 1 with the residual                     1-2
 *                outputs data's shape, and a bool mask of it
 *   BiasSplitGelu  (Stable Diffusion UNets, ONNX Runtime's transformer
 *                optimiser; CUDA kernels only) X (N, S, D) + bias, split
 *                into halves L, R along D: Y = L * Gelu(R), (N, S, D/2)
 *                per element of Y: 2 bias adds, Gelu 5, mul  8
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
 * - Hardmax: the same axis rules as Softmax (2-D coercion before opset 13).
 * - Gelu: `approximate` must be "none" or "tanh".
 */
#include "families.h"

#include <math.h>
#include <string.h>

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

/* Gelu's approximate attribute: 1 for "tanh", 0 for "none", -1 (error
 * recorded) otherwise. */
static int gelu_tanh(struct pr_op_ctx *c)
{
    const char *a = pr_attr_str(c, "approximate", "none");
    if (c->failed)
        return -1;
    if (strcmp(a, "none") == 0)
        return 0;
    if (strcmp(a, "tanh") == 0)
        return 1;
    return pr_op_error(c, "approximate is '%s'; it must be 'none' or 'tanh'", a);
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
    case PR_OP_SOFTMAX: case PR_OP_LOG_SOFTMAX: case PR_OP_HARDMAX:
        if (softmax_axis(c, x->shape.rank) < 0)
            return -1;
        break;
    case PR_OP_ERF: case PR_OP_SOFTSIGN: case PR_OP_MISH: case PR_OP_MS_GELU:
        break;
    case PR_OP_CELU: case PR_OP_THRESHOLDED_RELU: case PR_OP_QUICK_GELU: case PR_OP_SWISH:
        pr_attr_float(c, "alpha", c->op_id == PR_OP_QUICK_GELU ? 1.702 : 1.0);
        break;
    case PR_OP_SHRINK:
        pr_attr_float(c, "bias", 0.0);
        pr_attr_float(c, "lambd", 0.5);
        break;
    case PR_OP_GELU:
        if (gelu_tanh(c) < 0)
            return -1;
        break;
    default:
        return pr_op_error(c, "%s is not an activation", name);
    }
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
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
    k->flops = pr_elementwise_flops(c);   /* the row's FLOPs per element */
    if (c->op_id == PR_OP_GELU) {
        int t = gelu_tanh(c);
        if (t < 0)
            return -1;
        if (t)   /* the tanh form: 8 per element, not the row's 5 */
            k->flops = pr_mul(c, pr_numel(c, s), 8);
    }
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

/* BiasSoftmax (data, bias) and BiasDropout (data, bias, residual, ratio,
 * training_mode). */
int bias_softmax_shape(struct pr_op_ctx *c)
{
    bool sm = c->op_id == PR_OP_BIAS_SOFTMAX;
    int max_in = sm ? 2 : 5, max_out = sm ? 1 : 2;
    if (pr_op_require(c, 2) < 0)
        return -1;
    if (c->nin > max_in || c->nout > max_out)
        return pr_op_error(c, "%s takes at most %d inputs and %d output%s but the node has %d "
                           "and %d", op_name(c), max_in, max_out, max_out > 1 ? "s" : "", c->nin,
                           c->nout);
    const struct pr_tensor *x = pr_input(c, 0), *b = pr_input(c, 1);
    const struct pr_tensor *r = sm ? NULL : pr_input(c, 2);
    char sx[160], sb[160];
    if (sm) {
        if (!pr_attr_has(c, "is_inner_broadcast"))
            return pr_op_error(c, "attribute is_inner_broadcast is required");
        int64_t axis = pr_attr_int(c, "axis", 1);
        int rank = x->shape.rank;
        if (axis < -(int64_t)rank || axis >= rank)
            return pr_op_error(c, "axis %lld is out of range for data of rank %d (accepted: %d "
                               "to %d)", (long long)axis, rank, -rank, rank - 1);
        struct pr_shape y;
        bool ok = b->shape.rank <= rank && pr_shape_broadcast(&x->shape, &b->shape, &y) == 0;
        for (int d = 0; ok && d < rank; d++)
            ok = x->shape.dim[d] < 0 || y.dim[d] == x->shape.dim[d];
        if (!ok)
            return pr_op_error(c, "bias (%s) does not broadcast to data (%s)",
                               pr_shape_str(&b->shape, sb, sizeof sb),
                               pr_shape_str(&x->shape, sx, sizeof sx));
    } else {
        int rank = x->shape.rank;
        int64_t last = rank ? x->shape.dim[rank - 1] : -1;
        bool vec = b->shape.rank == 1 &&
                   (b->shape.dim[0] < 0 || last < 0 || b->shape.dim[0] == last);
        bool same = b->shape.rank == rank;
        for (int d = 0; same && d < rank; d++)
            same = b->shape.dim[d] < 0 || x->shape.dim[d] < 0 || b->shape.dim[d] == x->shape.dim[d];
        if (rank < 1 || !(vec || same))
            return pr_op_error(c, "bias (%s) must be 1-D with data's last extent or have data's "
                               "shape (data %s)", pr_shape_str(&b->shape, sb, sizeof sb),
                               pr_shape_str(&x->shape, sx, sizeof sx));
        same = !r || r->shape.rank == rank;
        for (int d = 0; r && same && d < rank; d++)
            same = r->shape.dim[d] < 0 || x->shape.dim[d] < 0 || r->shape.dim[d] == x->shape.dim[d];
        if (!same)
            return pr_op_error(c, "residual (%s) must have data's shape (%s)",
                               pr_shape_str(&r->shape, sb, sizeof sb),
                               pr_shape_str(&x->shape, sx, sizeof sx));
        if (c->nout > 1) {
            c->out[1]->dtype = PR_DT_BOOL;
            c->out[1]->shape = x->shape;
        }
    }
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

int bias_softmax_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t per = c->op_id == PR_OP_BIAS_SOFTMAX ? 6 : 1 + (pr_input(c, 2) ? 1 : 0);
    k->flops = pr_mul(c, per, pr_numel(c, &c->out[0]->shape));
    if (c->op_id == PR_OP_BIAS_DROPOUT)   /* the residual is an activation; ratio a setting */
        k->weight_mask &= ~((1ull << 2) | (1ull << 3) | (1ull << 4));
    return 0;
}

/* BiasGelu (A, B), FastGelu (X, optional bias), BiasAdd (X, bias, skip):
 * the bias is 1-D with X's last extent; BiasAdd's skip has X's shape. */
int biasact_shape(struct pr_op_ctx *c)
{
    const char *name = op_name(c);
    int min_in = c->op_id == PR_OP_FAST_GELU ? 1 : c->op_id == PR_OP_BIAS_ADD ? 3 : 2;
    int max_in = c->op_id == PR_OP_BIAS_ADD ? 3 : 2;
    if (pr_op_require(c, min_in) < 0)
        return -1;
    if (c->nin > max_in || c->nout > 1)
        return pr_op_error(c, "%s takes at most %d inputs and has 1 output but the node has "
                           "%d and %d", name, max_in, c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0), *b = pr_input(c, 1);
    char sx[160], sb[160];
    if (x->shape.rank < 1)
        return pr_op_error(c, "%s needs an input of rank >= 1 but it is a scalar", name);
    int64_t last = x->shape.dim[x->shape.rank - 1];
    if (b && (b->shape.rank != 1 ||
              (b->shape.dim[0] >= 0 && last >= 0 && b->shape.dim[0] != last)))
        return pr_op_error(c, "the bias (%s) must be 1-D with the input's last extent "
                           "(input %s)", pr_shape_str(&b->shape, sb, sizeof sb),
                           pr_shape_str(&x->shape, sx, sizeof sx));
    const struct pr_tensor *skip = pr_input(c, 2);
    if (skip) {
        bool ok = skip->shape.rank == x->shape.rank;
        for (int d = 0; ok && d < x->shape.rank; d++)
            ok = skip->shape.dim[d] < 0 || x->shape.dim[d] < 0 ||
                 skip->shape.dim[d] == x->shape.dim[d];
        if (!ok)
            return pr_op_error(c, "skip (%s) must have the input's shape (%s)",
                               pr_shape_str(&skip->shape, sb, sizeof sb),
                               pr_shape_str(&x->shape, sx, sizeof sx));
    }
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    if (c->op_id == PR_OP_BIAS_SPLIT_GELU) {
        if (x->shape.rank != 3)
            return pr_op_error(c, "BiasSplitGelu needs X of shape (N, S, D) but X is %s",
                               pr_shape_str(&x->shape, sx, sizeof sx));
        if (last >= 0 && last % 2 != 0)
            return pr_op_error(c, "X's hidden size D = %lld is odd; BiasSplitGelu splits it "
                               "into two halves", (long long)last);
        c->out[0]->shape.dim[2] = last < 0 ? -1 : last / 2;
    }
    return 0;
}

int biasact_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->flops = pr_elementwise_flops(c);
    if (c->op_id == PR_OP_FAST_GELU && pr_input(c, 1))   /* its bias add: 9 per element */
        k->flops = pr_add(c, k->flops, pr_numel(c, &c->out[0]->shape));
    return 0;
}
