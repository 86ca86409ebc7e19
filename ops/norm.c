/* norm.c -- BatchNormalization, InstanceNormalization, LRN.
 *
 * Output Y has X's shape and element type. X is N x C x D1 x ... x Dn and
 * the per-channel inputs must agree with C = X's dim 1. No MACs (no
 * operand is a learned matrix); FLOPs per element of Y, counting each
 * +, -, x, /, sqrt and pow of the ONNX formula as 1:
 *
 * BatchNormalization, inference:  y = scale * (x - mean) / sqrt(var + eps) + B
 *   Per channel, a = scale / sqrt(var + eps) and b = B - mean * a are
 *   computed once (O(C), not counted), leaving y = a*x + b:   2 per element.
 * BatchNormalization, training (opset 14+, training_mode = 1): the batch
 *   statistics are computed as in InstanceNormalization:       8 per element
 *   (the O(C) running-statistics updates are not counted).
 * InstanceNormalization: y = scale * (x - mean) / sqrt(var + eps) + B with
 *   mean and var per (n, c) over the spatial dims:
 *     mean: one add per element                                1
 *     var: subtract mean, square, add                          3
 *     normalise: subtract mean, divide by the std              2
 *     scale and shift: multiply, add                           2
 *                                                            = 8 per element
 *   (the per-instance divide by the count, + eps and sqrt are O(N*C), not
 *   counted).
 * LRN: square_sum = sum of x^2 over `size` neighbouring channels
 *   (size squares + size-1 adds), y = x / (bias + alpha/size * square_sum)^beta
 *   (alpha/size is a constant: one mul, one add, one pow, one divide):
 *                                                  2*size + 3 per element
 *   (the full window is counted even where it is clipped at the edges).
 *
 * Params: the default mask is kept, so scale, B and (for BatchNormalization)
 * the running mean and var count as parameters when they are initializers,
 * as DESIGN.md counts them (torchvision's parameter counts exclude the
 * running statistics, which are buffers there).
 *
 * Opset differences, BatchNormalization:
 * - opset < 7: `is_test` (and `consumed_inputs` in 1) are ignored; the node
 *   is counted as inference either way.
 * - opset < 9: `spatial` (default 1); with spatial = 0 scale, B, mean and
 *   var have shape C x D1 x ... x Dn (X's shape without N).
 * - opset < 14: up to 5 outputs (Y, mean, var, saved_mean, saved_var);
 *   14+: up to 3 (Y, running_mean, running_var) and `training_mode`.
 *   Every output after Y has the shape and type of the mean input.
 * InstanceNormalization (opset 1, 6) and LRN (1, 13) have the same shape
 * rules in every opset. X must have rank >= 3 for InstanceNormalization
 * (statistics are taken over D1..Dn) and rank >= 2 for LRN (it needs C).
 */
#include "families.h"

static const char *op_name(struct pr_op_ctx *c)
{
    return c->op_id >= 0 && c->op_id < PR_OP_COUNT ? pr_op_table[c->op_id].name : "?";
}

/* Input i must be 1-D with X's channel count c_dim (unknown extents pass). */
static int check_per_channel(struct pr_op_ctx *c, int i, const char *what, int64_t c_dim)
{
    const struct pr_shape *s = &pr_input(c, i)->shape;
    char buf[160];
    if (s->rank != 1)
        return pr_op_error(c, "%s (input %d) must be 1-D with X's %lld channels but has shape %s",
                           what, i, (long long)c_dim, pr_shape_str(s, buf, sizeof buf));
    if (s->dim[0] >= 0 && c_dim >= 0 && s->dim[0] != c_dim)
        return pr_op_error(c, "%s (input %d) has %lld values but X has %lld channels (dim 1)",
                           what, i, (long long)s->dim[0], (long long)c_dim);
    return 0;
}

/* Input i must have X's shape without the batch dim (BN spatial = 0). */
static int check_non_spatial(struct pr_op_ctx *c, int i, const char *what, const struct pr_shape *x)
{
    const struct pr_shape *s = &pr_input(c, i)->shape;
    bool ok = s->rank == x->rank - 1;
    for (int d = 0; ok && d < s->rank; d++)
        ok = s->dim[d] < 0 || x->dim[d + 1] < 0 || s->dim[d] == x->dim[d + 1];
    if (ok)
        return 0;
    char sb[160], sx[160];
    return pr_op_error(c, "%s (input %d) has shape %s but with spatial = 0 it must be X's shape "
                       "without N (X is %s)", what, i, pr_shape_str(s, sb, sizeof sb),
                       pr_shape_str(x, sx, sizeof sx));
}

static int check_rank(struct pr_op_ctx *c, const struct pr_shape *x, int min)
{
    if (x->rank >= min)
        return 0;
    char sx[160];
    return pr_op_error(c, "%s needs X of rank >= %d (N x C%s) but X has shape %s", op_name(c),
                       min, min > 2 ? " x D1 x ..." : " x ...", pr_shape_str(x, sx, sizeof sx));
}

static bool bn_training(struct pr_op_ctx *c)
{
    return c->opset >= 14 && pr_attr_int(c, "training_mode", 0) != 0;
}

static int batchnorm_shape(struct pr_op_ctx *c)
{
    static const char *const names[] = {"X", "scale", "B", "mean", "var"};
    int max_out = c->opset < 14 ? 5 : 3;
    if (pr_op_require(c, 5) < 0)
        return -1;
    if (c->nin > 5)
        return pr_op_error(c, "BatchNormalization takes 5 inputs but the node has %d", c->nin);
    if (c->nout > max_out)
        return pr_op_error(c, "BatchNormalization (opset %d) has at most %d outputs but the node "
                           "has %d", c->opset, max_out, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    if (check_rank(c, &x->shape, 2) < 0)
        return -1;
    bool spatial = c->opset >= 9 || pr_attr_int(c, "spatial", 1) != 0;
    pr_attr_float(c, "epsilon", 1e-5);
    pr_attr_float(c, "momentum", 0.9);
    bn_training(c);
    for (int i = 1; i < 5; i++) {
        int rc = spatial ? check_per_channel(c, i, names[i], x->shape.dim[1])
                         : check_non_spatial(c, i, names[i], &x->shape);
        if (rc < 0)
            return -1;
    }
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    const struct pr_tensor *mean = pr_input(c, 3);
    for (int o = 1; o < c->nout && o < max_out; o++) {
        c->out[o]->dtype = mean->dtype;
        c->out[o]->shape = mean->shape;
    }
    return 0;
}

static int instnorm_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 3) < 0)
        return -1;
    if (c->nin > 3 || c->nout > 1)
        return pr_op_error(c, "InstanceNormalization takes 3 inputs and has 1 output but the "
                           "node has %d and %d", c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    if (check_rank(c, &x->shape, 3) < 0)
        return -1;
    pr_attr_float(c, "epsilon", 1e-5);
    if (check_per_channel(c, 1, "scale", x->shape.dim[1]) < 0 ||
        check_per_channel(c, 2, "B", x->shape.dim[1]) < 0)
        return -1;
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

static int lrn_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    if (c->nin > 1 || c->nout > 1)
        return pr_op_error(c, "LRN takes 1 input and has 1 output but the node has %d and %d",
                           c->nin, c->nout);
    const struct pr_tensor *x = pr_input(c, 0);
    if (check_rank(c, &x->shape, 2) < 0)
        return -1;
    if (!pr_attr_has(c, "size"))
        return pr_op_error(c, "LRN needs the attribute 'size' (the number of channels summed)");
    int64_t size = pr_attr_int(c, "size", 1);
    if (size < 1)
        return pr_op_error(c, "LRN size is %lld; it must be at least 1", (long long)size);
    pr_attr_float(c, "alpha", 1e-4);
    pr_attr_float(c, "beta", 0.75);
    pr_attr_float(c, "bias", 1.0);
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

int norm_shape(struct pr_op_ctx *c)
{
    switch (c->op_id) {
    case PR_OP_BATCH_NORMALIZATION: return batchnorm_shape(c);
    case PR_OP_INSTANCE_NORMALIZATION: return instnorm_shape(c);
    case PR_OP_LRN: return lrn_shape(c);
    default: return pr_op_error(c, "%s is not a normalisation", op_name(c));
    }
}

int norm_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    uint64_t n = pr_numel(c, &c->out[0]->shape), per;
    switch (c->op_id) {
    case PR_OP_BATCH_NORMALIZATION:
        per = bn_training(c) ? 8 : 2;
        break;
    case PR_OP_INSTANCE_NORMALIZATION:
        per = 8;
        break;
    default:   /* LRN; size >= 1 was checked by the shape function */
        per = pr_add(c, pr_mul(c, 2, (uint64_t)pr_attr_int(c, "size", 1)), 3);
        break;
    }
    k->flops = pr_mul(c, n, per);
    return 0;
}
