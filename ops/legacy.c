/* legacy.c -- experimental operators of ONNX opsets 1..9, removed since,
 * still found in model-zoo files (the WinML style-transfer models, old
 * Caffe2 and CNTK conversions). Their definitions come from the ONNX
 * changelog of those versions (onnx/onnx docs/Changelog.md and
 * onnx/defs/experiments/defs.cc up to ONNX 1.4):
 *
 *   ImageScaler(X)        Y = scale * X + bias[c]              FLOPs 2*numel(Y)
 *   Affine(X)             Y = alpha * X + beta                 FLOPs 2*numel(Y)
 *   Scale(X)              Y = scale * X                        FLOPs numel(Y)
 *   ScaledTanh(X)         Y = alpha * tanh(beta * X)           FLOPs 3*numel(Y)
 *                         (two products + Tanh's 1)
 *   ParametricSoftplus(X) Y = alpha * ln(exp(beta * X) + 1)    FLOPs 5*numel(Y)
 *                         (two products + Softplus's 3)
 *   Crop(X [N,C,H,W])     border = (left, top, right, bottom); with
 *                         scale = (h, w) the output is [N, C, h, w], else
 *                         [N, C, H - top - bottom, W - left - right]; 0
 *   GRUUnit(hidden_prev [N,D], gates [N,3D], seq_lengths [N], t [1])
 *                         hidden [N,D]: sigmoid on the reset and update
 *                         gates (4 each, as Sigmoid), tanh on the output
 *                         gate (1), h = u*h_prev + (1-u)*o (4):
 *                         FLOPs 13*numel(hidden)
 *   ConstantFill, GivenTensorFill (optional input)
 *                         the attribute `shape` when given; else with
 *                         input_as_shape the input's values (when known),
 *                         else the input's shape; extra_shape appended;
 *                         ConstantFill's dtype attribute (default float),
 *                         GivenTensorFill float; 0
 *   DynamicSlice(data, starts, ends[, axes])  Slice-10 without steps; 0
 * No MACs: none of them multiplies and accumulates.
 */
#include "families.h"

#include <string.h>

#include "values.h"

int legacy_same_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = x->shape;
    return 0;
}

int legacy_cost(struct pr_op_ctx *c, struct pr_cost *k)
{
    k->macs = 0;
    k->flops = pr_elementwise_flops(c);   /* the row's FLOPs per element; 0 for the fills */
    return 0;
}

int crop_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 1) < 0)
        return -1;
    const struct pr_tensor *x = pr_input(c, 0);
    if (x->shape.rank != 4)
        return pr_op_error(c, "X must be [N, C, H, W] but has rank %d", x->shape.rank);
    int64_t border[4] = {0, 0, 0, 0}, scale[2];
    int nb = pr_attr_ints(c, "border", border, 4), ns = pr_attr_ints(c, "scale", scale, 2);
    if (c->failed)
        return -1;
    if (nb >= 0 && nb != 4)
        return pr_op_error(c, "border has %d values; it needs 4 (left, top, right, bottom)", nb);
    if (ns >= 0 && ns != 2)
        return pr_op_error(c, "scale has %d values; it needs 2 (height, width)", ns);
    struct pr_shape s = x->shape;
    for (int i = 0; i < 4; i++)
        if (border[i] < 0 || (s.dim[2 + (i & 1 ? 0 : 1)] >= 0 && border[i] > s.dim[2 + (i & 1 ? 0 : 1)]))
            return pr_op_error(c, "border[%d] is %lld; it must be in [0, the extent it crops]", i, (long long)border[i]);
    /* border[1], border[3] crop H; border[0], border[2] crop W; each at most the extent (checked) */
    int64_t h = ns == 2 ? scale[0] : s.dim[2] < 0 ? -1 : s.dim[2] - border[1] - border[3];
    int64_t w = ns == 2 ? scale[1] : s.dim[3] < 0 ? -1 : s.dim[3] - border[0] - border[2];
    if ((s.dim[2] >= 0 && (h < 0 || h > s.dim[2] - border[1])) || (s.dim[3] >= 0 && (w < 0 || w > s.dim[3] - border[0])) ||
        h < -1 || w < -1)
        return pr_op_error(c, "border and scale crop %lldx%lld out of %lldx%lld", (long long)h, (long long)w,
                           (long long)s.dim[2], (long long)s.dim[3]);
    s.dim[2] = h;
    s.dim[3] = w;
    c->out[0]->dtype = x->dtype;
    c->out[0]->shape = s;
    return 0;
}

int gru_unit_shape(struct pr_op_ctx *c)
{
    if (pr_op_require(c, 2) < 0)
        return -1;
    const struct pr_tensor *h = pr_input(c, 0), *g = pr_input(c, 1);
    if (h->shape.rank != 2 || g->shape.rank != 2)
        return pr_op_error(c, "hidden_prev must be [N, D] and gates [N, 3D]");
    if (h->shape.dim[1] >= 0 && g->shape.dim[1] >= 0 &&
        (g->shape.dim[1] % 3 != 0 || g->shape.dim[1] / 3 != h->shape.dim[1]))   /* 3 * D could overflow */
        return pr_op_error(c, "gates has %lld columns; it needs 3 x D = 3 x %lld", (long long)g->shape.dim[1],
                           (long long)h->shape.dim[1]);
    c->out[0]->dtype = h->dtype;
    c->out[0]->shape = h->shape;
    return 0;
}

int fill_shape(struct pr_op_ctx *c)
{
    int64_t dims[PR_MAX_RANK], extra[PR_MAX_RANK];
    int n = pr_attr_ints(c, "shape", dims, PR_MAX_RANK);
    int ne = pr_attr_ints(c, "extra_shape", extra, PR_MAX_RANK);
    bool as_shape = pr_attr_int(c, "input_as_shape", 0) != 0;
    int dt = c->op_id == PR_OP_CONSTANT_FILL ? (int)pr_attr_int(c, "dtype", PR_DT_FLOAT) : PR_DT_FLOAT;
    if (c->failed)
        return -1;
    if (dt <= 0 || dt >= PR_DT_COUNT)
        return pr_op_error(c, "dtype %d is not an element type", dt);
    struct pr_shape s = {.rank = -1};
    const struct pr_tensor *x = pr_input(c, 0);
    if (n >= 0) {
        s.rank = n;
        memcpy(s.dim, dims, (size_t)n * sizeof dims[0]);
    } else if (x && as_shape) {
        const struct pr_const *v = pr_values_of(x);
        if (v && v->n <= PR_MAX_RANK) {
            s.rank = (int)v->n;
            for (int i = 0; i < s.rank; i++)
                s.dim[i] = v->i[i];
        } else if (x->shape.rank == 1 && x->shape.dim[0] >= 0 && x->shape.dim[0] <= PR_MAX_RANK) {
            s.rank = (int)x->shape.dim[0];
            for (int i = 0; i < s.rank; i++)
                s.dim[i] = -1;
        }
    } else if (x) {
        s = x->shape;
    } else {
        s.rank = 0;
    }
    for (int i = 0; i < s.rank; i++)
        if (s.dim[i] < -1 || (n >= 0 && s.dim[i] < 0))
            return pr_op_error(c, "the output's dim %d is %lld; extents must be >= 0", i, (long long)s.dim[i]);
    for (int i = 0; i < ne; i++)
        if (extra[i] < 0)
            return pr_op_error(c, "extra_shape[%d] is %lld; extents must be >= 0", i, (long long)extra[i]);
    if (s.rank >= 0 && ne > 0) {
        if (s.rank + ne > PR_MAX_RANK)
            return pr_op_error(c, "shape and extra_shape give rank %d; at most %d is supported", s.rank + ne, PR_MAX_RANK);
        memcpy(&s.dim[s.rank], extra, (size_t)ne * sizeof extra[0]);
        s.rank += ne;
    }
    c->out[0]->dtype = dt;
    c->out[0]->shape = s;
    return 0;
}

int dyn_slice_shape(struct pr_op_ctx *c)
{
    int saved = c->opset;
    c->opset = 10;   /* the inputs of Slice-10, which replaced it */
    int rc = slice_shape(c);
    c->opset = saved;
    return rc;
}
